"""What the coordinator does with each finished clip: the manifest line (only then is the clip done for
--resume), its result for the summary, and the history database for clips whose path names a student."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from technique.apps.batch.discovery import student_of
from technique.apps.batch.jobs import CLIPS, ClipResult
from technique.apps.batch.manifest import Manifest
from technique.apps.batch.plan import BatchPlan
from technique.errors import OutputError


class HistoryWriter:
    """Saves scored clips with a student to the history database (upserts: safe to repeat)."""

    def __init__(self, db: str | None, root: Path, out: Path):
        from technique.outputs.history import History

        self.history = History(db)
        self.root, self.out = root, out
        self.saved = 0

    def save(self, path: str, student: str, result: ClipResult) -> None:
        report = json.loads((self.out / CLIPS / result.key / "report.json").read_text(encoding="utf-8"))
        report["clip"]["path"] = path  # the clip's current name (a renamed clip keeps its hash)
        try:
            mtime = (self.root / path).stat().st_mtime
            recorded = datetime.fromtimestamp(mtime, timezone.utc).isoformat(timespec="seconds")
        except OSError:
            recorded = None
        self.history.save(student, report, result.clip_hash or "", recorded)
        self.saved += 1

    def close(self) -> None:
        self.history.close()


def open_history(db: str | None, root: Path, out: Path) -> tuple[HistoryWriter | None, str | None]:
    """The history database to save to, or (None, why not) after saying so: a batch still scores."""
    try:
        return HistoryWriter(db, root, out), None
    except Exception as exc:  # sqlite3 errors, a folder that can't be made, a newer schema
        problem = f"history database not available: {exc}"
        print(f"technique: {problem}", file=sys.stderr)
        return None, problem


def _key(clip_hash: str | None, path: str) -> str:
    """A result's key: its content hash, or its path for a file that could not be read."""
    return clip_hash or "path:" + path


class Recorder:
    """The coordinator's record of finished clips, earlier ones (--resume) included."""

    def __init__(self, work: BatchPlan, manifest: Manifest, history: HistoryWriter | None,
                 history_problem: str | None, pattern: re.Pattern | None):
        self.manifest, self.history, self.pattern = manifest, history, pattern
        self.history_problem = history_problem
        self.results: dict[str, ClipResult] = dict(work.reused)
        self.unrecorded: list[str] = []  # finished clips the manifest could not record (a full disk)
        self.paths_by_hash: dict[str, list[str]] = {}  # identical clips under several names
        for path, clip_hash in work.hashes.items():
            self.paths_by_hash.setdefault(_key(clip_hash, path), []).append(path)
        for result in work.reused.values():
            self.save_history(result)

    def finished(self, result: ClipResult) -> None:
        """A clip scored now: into the manifest, the results and the history database."""
        if result.clip_hash:
            try:
                self.manifest.append(result)  # only now is the clip "done" for --resume
            except OutputError as exc:  # a full disk: say so, carry on; --resume scores the clip again
                self.unrecorded.append(result.path)
                print(f"technique: {exc} ({result.path} will be scored again by --resume)", file=sys.stderr)
        self.results[_key(result.clip_hash, result.path)] = result
        self.save_history(result)

    def save_history(self, result: ClipResult) -> None:
        """Save a scored clip for the student of each path it has (one bad save never stops the batch); a
        class clip's dancers are not saved: the path names no one of them."""
        if self.history is None or result.status != "ok" or result.dancers:
            return
        for path in self.paths_by_hash.get(_key(result.clip_hash, result.path), []):
            student = student_of(path, self.pattern)
            if student:
                try:
                    self.history.save(path, student, result)
                except Exception as exc:
                    self.history_problem = f"history not saved for {path}: {exc}"
                    print(f"technique: {self.history_problem}", file=sys.stderr)

    def close(self) -> None:
        if self.history is not None:
            self.history.close()
