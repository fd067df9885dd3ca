"""What makes a batch resumable and safe: OUT/manifest.jsonl (the record --resume trusts) and OUT/.lock
(one batch writing to a folder at a time)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from technique import __version__
from technique.apps.batch.jobs import CLIPS, ClipResult, result_is_whole
from technique.safe_write import append_text, write_text

MANIFEST, LOCK = "manifest.jsonl", ".lock"


class Manifest:
    """OUT/manifest.jsonl: one JSON line per finished clip, appended and fsynced as each finishes.

    A line is written only after the clip's report folder is in place and fsynced, and a resumed run
    still checks the folder (``report_is_whole``); a line cut short by ``kill -9`` is ignored (and
    dropped when a resumed run compacts it).
    Lines from a run with other options (movement, video, references, version) are not reused.
    """

    def __init__(self, out: Path, options: str):
        self.path = out / MANIFEST
        self.out = out
        self.options = options

    def load(self) -> dict[str, ClipResult]:
        """Finished results by content hash that a resumed run may reuse."""
        done: dict[str, ClipResult] = {}
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return done
        for line in lines:
            try:
                entry = json.loads(line)
                result = ClipResult.from_json(entry["result"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash
            if entry.get("options") != self.options or not result.clip_hash or result.retryable:
                continue
            if result.status == "ok" and not result_is_whole(self.out / CLIPS, result):
                continue  # a report lost or cut short (power cut, a hand-edited folder): score it again
            done[result.clip_hash] = result
        return done

    def reset(self, keep: Iterable[ClipResult] = ()) -> None:
        """Start the manifest afresh (atomically), keeping the given results."""
        write_text(self.path, "".join(self._line(r) for r in keep), self.out)

    def append(self, result: ClipResult) -> None:
        append_text(self.path, self._line(result), self.out)

    def _line(self, result: ClipResult) -> str:
        entry = {"hash": result.clip_hash, "path": result.path, "status": result.status,
                 "options": self.options, "result": result.to_json()}
        return json.dumps(entry, ensure_ascii=True, sort_keys=True) + "\n"


def options_fingerprint(movement: str | None, video: bool, blur_faces: bool, reference_files: list[Path],
                        dancers: str | None = None) -> str:
    """What makes a finished clip's outputs reusable: same technique, movement, report options, dancers of
    a class and reference positions (by content: editing a reference file means scoring again)."""
    digest = hashlib.sha256()
    for path in reference_files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    options = {"technique": __version__, "movement": movement, "video": video, "blur_faces": blur_faces,
               "references": digest.hexdigest()}
    if dancers is not None:  # absent otherwise: a batch's manifest from before class clips stays valid
        options["dancers"] = dancers
    text = json.dumps(options, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class OutputBusy(Exception):
    """Another batch holds the output folder's lock."""

    def __init__(self, holder: str):
        self.holder = holder  # its process id, as written in the lock file ("" if not yet written)
        super().__init__(holder)


def lock_output(out: Path) -> int | None:
    """Take OUT/.lock (an exclusive, non-blocking flock) for the whole run; raises OutputBusy if another
    batch holds it. Two batches on one folder would delete each other's work in progress and mix their
    manifests. The kernel releases the lock when the holder dies, even by kill -9, so a stale lock
    file never blocks a resumed run. Returns the file descriptor (None where flock doesn't exist)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock (the README says so)
        return None
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        raise OutputBusy(holder) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def unlock_output(fd: int | None) -> None:
    """Release the lock, leaving the lock file empty (the same bytes after every run)."""
    if fd is None:
        return
    try:
        os.ftruncate(fd, 0)
    finally:
        os.close(fd)
