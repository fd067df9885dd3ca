"""Planning a batch: the clips found, hashed and matched with earlier results (what to score, what is
known), and the summary's rows once they are scored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from technique.apps.batch.discovery import Found, discover, folder_key, student_of
from technique.apps.batch.jobs import ClipJob, ClipResult
from technique.apps.batch.manifest import Manifest
from technique.apps.batch.summary import Row


@dataclass(frozen=True)
class BatchPlan:
    """Clips found, hashed and matched with earlier results: what to score and what is known."""

    root: Path
    out: Path
    found: Found
    hashes: dict[str, str | None]  # clip path -> content hash
    jobs: list[ClipJob]
    reused: dict[str, ClipResult]  # content hash -> result from the manifest


def _hash_or_none(path: Path) -> str | None:
    from technique.outputs.history import content_hash

    try:
        return content_hash(path)
    except OSError:
        return None  # the worker's VideoReader will say why (permission, loop, missing...)


def plan(root: Path, out: Path, manifest: Manifest, resume: bool, movement: str | None, video: bool,
         blur_faces: bool, references: tuple, dancers: str | None = None) -> BatchPlan:
    found = discover(root, exclude=[out])
    hashes = {path: _hash_or_none(root / path) for path in found.clips}
    reused = manifest.load() if resume else {}
    jobs, queued = [], set()
    for path in found.clips:  # sorted: the first path of identical clips is the one scored
        clip_hash = hashes[path]
        if clip_hash and (clip_hash in reused or clip_hash in queued):
            continue
        if clip_hash:
            queued.add(clip_hash)
        jobs.append(ClipJob(str(root / path), path, folder_key(path, clip_hash), clip_hash, str(out),
                            movement, video, blur_faces, references, dancers))
    return BatchPlan(root, out, found, hashes, jobs, reused)


def summary_rows(plan_: BatchPlan, results: dict[str, ClipResult], pattern: re.Pattern | None) -> list[Row]:
    """One row per clip (by its current path) plus skipped files, sorted by path."""
    rows = []
    first_of: dict[str, str] = {}
    for path in plan_.found.clips:
        clip_hash = plan_.hashes[path]
        result = results.get(clip_hash) if clip_hash else results.get("path:" + path)
        student = student_of(path, pattern)
        notes = []
        if clip_hash in first_of:
            notes.append(f"same clip as {first_of[clip_hash]}")
        elif clip_hash:
            first_of[clip_hash] = path
        if result is None:
            rows.append(Row(path, "error", student, None, "internal error: no result (interrupted?)"))
            continue
        earlier = clip_hash in plan_.reused
        if result.dancers:  # a class clip: a row per dancer
            rows += [dancer_row(path, d, notes, earlier, pattern) for d in result.dancers]
            continue
        if result.status == "ok":
            notes += list(result.warnings)
            if pattern is not None and student is None:
                notes.append("no student in the path: not saved to history")
            rows.append(Row(path, "ok", student, result, "", tuple(notes), earlier))
        else:
            rows.append(Row(path, "error", student, result, result.reason, tuple(notes), earlier))
    rows += [Row(path, "skipped", None, None, reason) for path, reason in plan_.found.skipped]
    return sorted(rows, key=lambda r: (r.clip, r.result.dancer if r.result else 0))


def dancer_row(path: str, dancer: ClipResult, notes: list[str], earlier: bool, pattern: re.Pattern | None) -> Row:
    """One dancer of a class clip: "class.mp4 · dancer 2 of 3" (counted from the left of the picture)."""
    notes = list(notes) + (list(dancer.warnings) if dancer.status == "ok" else [])
    if pattern is not None:
        notes.append("a dancer of a class: not saved to history (her name isn't known)")
    return Row(f"{path} · dancer {dancer.dancer} of {dancer.class_size}", dancer.status, None, dancer,
               dancer.reason, tuple(notes), earlier, clip=path)
