"""Batch scoring: every clip under a folder, in parallel, resumable, one bad file never stops the rest.

``score_one(ClipJob) -> ClipResult`` is the whole per-clip job: a pure, picklable top-level function
that analyses one clip with its own pose estimator and publishes the clip's report folder atomically.
The same function runs in local worker processes (``--engine local``) or on a Dask cluster
(``--engine dask``). The coordinating process discovers clips, hashes them, hands out jobs, appends
each finished result to ``manifest.jsonl`` (the resume record, keyed by content hash), saves results
to the history database and writes the summary table (CSV + HTML).

Output folder::

    OUT/clips/<name>-<hash12>/   report.json, frames.csv, worst.jpg, annotated.mp4 (as `technique score`)
    OUT/manifest.jsonl           one line per finished clip (appended and fsynced): what --resume trusts
    OUT/summary.csv              one row per clip: status, reason, movement, score, one column per criterion
    OUT/summary_criteria.csv     one row per clip and criterion: value, unit, verdict, score
    OUT/summary.html             the same, readable, with failures and their reasons
    OUT/.partial/                work in progress (removed at the start of every run)
    OUT/.lock                    held (flock) by the one batch writing to OUT; holds its pid while it runs
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from technique import __version__
from technique.errors import OutputError, TechniqueError
from technique.safe_write import append_text, check_no_links, make_folders, printable, publish_folder, write_bytes, write_text

OK, SOME_FAILED, USAGE = 0, 1, 2
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")  # as video.VIDEO_SUFFIXES
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".heic", ".tif", ".tiff")
AUDIO_SUFFIXES = (".m4a", ".mp3", ".wav", ".aac", ".flac", ".ogg", ".oga", ".opus", ".wma", ".aiff")
# Native thread pools a worker limits to one thread each: N workers on N cores, no oversubscription.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
                    "TF_NUM_INTEROP_THREADS")
PARTIAL, CLIPS, MANIFEST, LOCK = ".partial", "clips", "manifest.jsonl", ".lock"


# --------------------------------------------------------------------------- jobs and results


@dataclass(frozen=True)
class ClipJob:
    """One clip to score: everything a worker needs, as plain picklable values."""

    source: str  # absolute path of the clip (the same on every machine of a cluster: shared storage)
    path: str  # path relative to the batch folder, '/'-separated: what reports and the summary show
    key: str  # name of the clip's report folder under OUT/clips
    clip_hash: str | None  # sha256 of the bytes; None if the file could not be read
    out: str  # the batch output folder (absolute)
    movement: str | None = None
    video: bool = True
    blur_faces: bool = False
    # The coordinator's reference positions, sent with the job so that every worker of a cluster
    # judges against the same ones (a machine's own references folder must not change a verdict).
    references: tuple = ()


@dataclass(frozen=True)
class CriterionResult:
    id: str
    name: str
    value: float | None
    unit: str
    verdict: str
    score: float | None


@dataclass(frozen=True)
class ClipResult:
    """What the coordinator needs from a finished clip (the full report is in its folder)."""

    path: str
    clip_hash: str | None
    key: str
    status: str  # "ok" or "error"
    reason: str = ""  # why the clip could not be scored
    movement: str | None = None
    movement_title: str | None = None
    score: float | None = None
    view: str | None = None
    working_leg: str | None = None
    frames: int = 0
    criteria: tuple[CriterionResult, ...] = ()
    warnings: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # files in the clip's report folder
    transient: bool = False  # an error that may pass on another try (output, crash), not the clip's fault
    seconds: float = 0.0  # time the worker spent (not part of the summary: it varies run to run)

    @property
    def retryable(self) -> bool:
        """A resumed run tries these again; a bad file would only fail the same way."""
        return self.status == "error" and self.transient

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ClipResult":
        data = dict(data)
        data["criteria"] = tuple(CriterionResult(**c) for c in data.get("criteria", ()))
        data["warnings"] = tuple(data.get("warnings", ()))
        data["files"] = tuple(data.get("files", ()))
        return cls(**data)


def score_one(job: ClipJob, progress: Callable[[int, int], None] | None = None) -> ClipResult:
    """Score one clip and publish its report folder; never raises for a bad clip.

    The folder is written under OUT/.partial and renamed into OUT/clips/<key> only when complete,
    so a crash or ``kill -9`` never leaves a half-written report where a resumed run would trust it.
    """
    import time

    start = time.perf_counter()
    try:
        result = _score(job, progress)
    except OutputError as exc:
        result = _failed(job, f"cannot write the report: {exc.reason}", transient=True)
    except TechniqueError as exc:
        result = _failed(job, exc.reason)
    except OSError as exc:  # a share gone, a disk full: not the clip's fault, so tried again on --resume
        result = _failed(job, f"file system error: {exc.strerror or exc}", transient=True)
    except Exception as exc:  # a programming error on one clip must not stop a school's batch
        result = _failed(job, f"internal error: {type(exc).__name__}: {exc}", transient=True)
    return replace(result, seconds=round(time.perf_counter() - start, 3))


def _failed(job: ClipJob, reason: str, transient: bool = False) -> ClipResult:
    reason = reason.replace(job.source, job.path)  # decoder messages quote the absolute path
    return ClipResult(job.path, job.clip_hash, job.key, "error", reason, transient=transient)


def _score(job: ClipJob, progress) -> ClipResult:
    from technique.analyser import AnalysisConfig, analyse_clip
    from technique.outputs.report import report_dict, write_reports

    references = {r.name: r for r in job.references} or None  # None: the built-in ones
    analysis = analyse_clip(job.source, job.movement, AnalysisConfig(), references, progress)
    # Reports name the clip by its path in the batch folder: the same on every machine and every run.
    analysis = replace(analysis, info=replace(analysis.info, source=job.path))
    out = Path(job.out)
    make_folders(out, out / PARTIAL)  # refuses a link planted in the output folder
    partial = Path(tempfile.mkdtemp(prefix=job.key + ".", dir=out / PARTIAL))
    try:
        write_reports(analysis, job.source, partial, video=job.video, blur_faces=job.blur_faces, root=out)
        write_still(analysis, job.source, partial / "worst.jpg", job.blur_faces, root=out)
        files = tuple(sorted(p.name for p in partial.iterdir()))
        _exit_if_orphaned()  # the batch that asked for this clip is gone: publish nothing
        _publish(partial, out / CLIPS / job.key, out)
        _sync_folder(out / CLIPS / job.key)  # on disk before the manifest line that trusts it
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    report = report_dict(analysis)
    movement = report["movement"] or {}
    criteria = tuple(CriterionResult(c["id"], c["name"], c["value"], c["unit"], c["verdict"], c["score"])
                     for c in report["criteria"])
    return ClipResult(job.path, job.clip_hash, job.key, "ok", "", movement.get("name"), movement.get("title"),
                      report["score"], report["view"], report["working_leg"], report["clip"]["frames"],
                      criteria, tuple(report["warnings"]), files)


def write_still(analysis, source: str, path: Path, blur_faces: bool = False, root: Path | None = None) -> Path | None:
    """The annotated frame of the worst moment (or the middle of the clip) as a JPEG, written atomically."""
    import cv2
    import numpy as np

    from technique.outputs.report import annotate_frame
    from technique.capture.video import VideoReader

    j = analysis.judgement
    seen = np.flatnonzero(analysis.track.detected)
    if j is not None and j.worst_frame is not None:
        index = int(j.worst_frame)
    elif len(seen):
        index = int(seen[len(seen) // 2])
    else:
        return None
    with VideoReader(source, turn=analysis.info.turn) as reader:  # as analysed: upright
        for frame in reader:
            if frame.index == index:
                image = annotate_frame(frame.image, analysis, index, blur_faces)
                break
        else:
            return None
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        return None
    return write_bytes(path, data.tobytes(), root)


def _publish(partial: Path, final: Path, out: Path) -> None:
    """Move a finished report folder into place, replacing an older one (a rescored clip)."""
    make_folders(out, final.parent)
    publish_folder(partial, final, out)


def _sync_folder(folder: Path) -> None:
    """fsync every file of a published report folder, the folder and its parent, so that a power cut
    after the manifest line can't leave a clip marked done with an empty or cut-short report."""
    for path in sorted(folder.iterdir()):
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    for directory in (folder, folder.parent):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def report_is_whole(folder: Path, result: ClipResult) -> bool:
    """A finished clip's report folder is as its manifest line says: every file there and not empty, and
    report.json whole and about this clip (its path, movement and score). Otherwise it is scored again."""
    try:
        if not all((folder / name).is_file() and (folder / name).stat().st_size > 0 for name in result.files):
            return False
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(report, dict) or not isinstance(report.get("clip"), dict):
        return False
    # a name that isn't valid UTF-8 is written to the report as printable text: compare it so
    return (printable(report["clip"].get("path") or "") == printable(result.path) and report.get("score") == result.score
            and (report.get("movement") or {}).get("name") == result.movement)


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class Found:
    """What a walk of the batch folder found: clips, and every other file with why it was not scored."""

    clips: tuple[str, ...]  # relative '/'-separated paths, sorted
    skipped: tuple[tuple[str, str], ...]  # (relative path, reason)


def discover(folder: str | os.PathLike, exclude: Iterable[str | os.PathLike] = ()) -> Found:
    """Every video file under `folder`, recursively; any other file is listed as skipped with the reason
    (a teacher who dropped an .m4a in the folder should see why it has no score). Links to folders
    are not followed (no loops); hidden files are left out."""
    root = os.path.abspath(folder)
    excluded = {os.path.realpath(p) for p in exclude}
    clips, skipped = [], []

    def rel(path: str) -> str:
        return Path(os.path.relpath(path, root)).as_posix()

    def unreadable(error: OSError) -> None:
        skipped.append((rel(error.filename), f"folder cannot be read: {error.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=unreadable):
        keep = []
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if name.startswith(".") or os.path.realpath(full) in excluded:
                continue
            if os.path.islink(full):
                skipped.append((rel(full), "a link to a folder: not followed"))
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if name.startswith("."):
                continue
            suffix = os.path.splitext(name)[1].lower()
            if suffix in VIDEO_SUFFIXES:
                clips.append(rel(os.path.join(dirpath, name)))
            else:
                skipped.append((rel(os.path.join(dirpath, name)), not_a_video(suffix)))
    return Found(tuple(sorted(clips)), tuple(sorted(skipped)))


def not_a_video(suffix: str) -> str:
    """Why a file with this ending was not scored, in a teacher's words."""
    if suffix in IMAGE_SUFFIXES:
        return f"a {suffix[1:].upper()} image, not a video"
    if suffix in AUDIO_SUFFIXES:
        return f"a {suffix[1:].upper()} sound file, not a video"
    known = " ".join(VIDEO_SUFFIXES)
    return f"not a video file ({suffix or 'no file ending'}; clips end in {known})"


def student_of(path: str, pattern: re.Pattern | None) -> str | None:
    """The student named by the pattern's 'student' group (or first group, or whole match) in a path,
    Unicode-normalised (NFC) so that one student has one name however her folder was made."""
    if pattern is None:
        return None
    match = pattern.search(path)
    if not match:
        return None
    if "student" in pattern.groupindex:
        name = match.group("student")
    else:
        name = match.group(1) if pattern.groups else match.group(0)
    # NFC: "José" typed on a keyboard and "José" from a macOS folder name (decomposed) are one student
    return unicodedata.normalize("NFC", printable(name or "").strip()) or None


def folder_key(path: str, clip_hash: str | None) -> str:
    """A report folder name that is readable, portable (ASCII) and unique per clip content."""
    stem = unicodedata.normalize("NFKD", Path(path).stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:40] or "clip"
    tag = clip_hash or hashlib.sha256(("path:" + path).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{stem}-{tag[:12]}"


# --------------------------------------------------------------------------- manifest (resume)


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
            if result.status == "ok" and not report_is_whole(self.out / CLIPS / result.key, result):
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


def options_fingerprint(movement: str | None, video: bool, blur_faces: bool, reference_files: list[Path]) -> str:
    """What makes a finished clip's outputs reusable: same technique, movement, report options and
    reference positions (by content: editing a reference file means scoring again)."""
    digest = hashlib.sha256()
    for path in reference_files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    text = json.dumps({"technique": __version__, "movement": movement, "video": video,
                       "blur_faces": blur_faces, "references": digest.hexdigest()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- engines


_worker_progress = {"queue": None, "parent": None}  # set once per local worker process by _init_worker


def _init_worker(queue, threads: int, parent: int | None = None) -> None:
    """Local worker start-up: dies with the batch, one thread per native pool, a queue for progress."""
    if parent is not None:
        _die_with_parent(parent)
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))
    try:
        import cv2

        cv2.setNumThreads(threads)
    except ImportError:
        pass
    _worker_progress["queue"] = queue
    _worker_progress["parent"] = parent


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive its batch (a ``kill -9`` of the batch would leave it scoring and
    publishing, with 500 MB each): on Linux the kernel kills it when the batch dies (PR_SET_PDEATHSIG);
    everywhere, it exits at once if the batch is already gone (and _exit_if_orphaned checks again)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    _exit_if_orphaned()


def _exit_if_orphaned() -> None:
    """In a local worker whose batch has died (it has a new parent), stop now, publishing nothing."""
    parent = _worker_progress["parent"]
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _score_in_worker(job: ClipJob) -> ClipResult:
    """score_one with frame progress sent to the coordinator (local engine)."""
    queue = _worker_progress["queue"]
    if queue is None:
        return score_one(job)
    pid, last = os.getpid(), [0]

    def progress(done: int, total: int) -> None:
        if done - last[0] >= 10 or done == total:
            _exit_if_orphaned()
            last[0] = done
            try:
                queue.put_nowait((pid, job.path, done, total))
            except Exception:  # progress is a nicety; never fail a clip over it
                pass

    try:
        return score_one(job, progress)
    finally:
        try:
            queue.put_nowait((pid, job.path, None, None))
        except Exception:
            pass


def run_local(jobs: list[ClipJob], workers: int, on_result: Callable[[ClipResult], None],
              progress: "Progress | None" = None, threads: int = 1) -> None:
    """Worker processes (spawned: MediaPipe's threads don't survive fork), each with its own estimator.

    A worker that dies (a native crash on one strange file) breaks the pool: the clips it was
    running are retried once in a fresh pool, then reported as an internal error.
    """
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    drain = threading.Thread(target=_drain, args=(queue, progress), daemon=True)
    drain.start()
    pending, tries = list(jobs), {job.key: 0 for job in jobs}
    try:
        while pending:
            crashed = []
            pool = ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=context,
                                       initializer=_init_worker, initargs=(queue, threads, os.getpid()))
            try:
                futures = {pool.submit(_score_in_worker, job): job for job in pending}
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        tries[job.key] += 1
                        if tries[job.key] < 2:
                            crashed.append(job)
                            continue
                        result = _failed(job, "internal error: the worker process crashed on this clip",
                                         transient=True)
                    except Exception as exc:  # e.g. a result that can't be sent back
                        result = _failed(job, f"internal error: {type(exc).__name__}: {exc}", transient=True)
                    on_result(result)
            finally:  # on Ctrl-C, don't start the clips still waiting
                pool.shutdown(wait=True, cancel_futures=True)
            pending = crashed
    finally:
        queue.put(None)
        drain.join(timeout=5)


def _drain(queue, progress: "Progress | None") -> None:
    while True:
        try:
            message = queue.get()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if progress is not None:
            progress.frames(*message)


def run_dask(jobs: list[ClipJob], scheduler: str | None, workers: int,
             on_result: Callable[[ClipResult], None]) -> None:
    """The same score_one on a Dask distributed cluster (a local one if no scheduler is given)."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(score_one, jobs, pure=False, key=[f"technique-{job.key}" for job in jobs])
        by_key = {future.key: job for future, job in zip(futures, jobs)}
        for future in as_completed(futures):
            job = by_key[future.key]
            try:
                result = future.result()
            except Exception as exc:  # a worker lost (KilledWorker), or the result could not travel
                result = _failed(job, f"internal error: {type(exc).__name__}: {exc}", transient=True)
            future.release()
            on_result(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- progress


class Progress:
    """Progress bars on stderr: clips overall, and the clip each worker is on (on a terminal)."""

    def __init__(self, total: int, stream=None):
        from tqdm import tqdm

        self._tqdm = tqdm
        self.stream = stream or sys.stderr
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        # A bar is for a person watching: never written into a log file or a pipe.
        self.overall = tqdm(total=total, desc="clips", unit="clip", file=self.stream, position=0,
                            dynamic_ncols=True, mininterval=0.5, disable=not self.interactive)
        self._bars: dict[int, object] = {}

    def frames(self, worker: int, name: str, done: int | None, total: int | None) -> None:
        if not self.interactive:
            return
        bar = self._bars.get(worker)
        if done is None:
            if bar is not None:
                bar.set_description_str("(idle)")
            return
        label = Path(name).name[:28]
        if bar is None:
            bar = self._bars[worker] = self._tqdm(total=total, desc=label, unit="frame", file=self.stream,
                                                 position=len(self._bars) + 1, leave=False, dynamic_ncols=True)
        if bar.desc != label:
            bar.reset(total=total)
            bar.set_description_str(label)
        bar.update(done - bar.n)

    def finished(self, result: ClipResult) -> None:
        self.overall.set_postfix_str(f"{_mark(result)} {Path(result.path).name[:30]}", refresh=False)
        self.overall.update(1)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self.overall.close()


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class Row:
    """One line of the summary: a clip (scored or failed) or a file that was skipped."""

    path: str
    status: str  # "ok", "error" or "skipped"
    student: str | None = None
    result: ClipResult | None = None
    reason: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    already_done: bool = False  # the result came from an earlier run (--resume), not scored now


SUMMARY_COLUMNS = ("path", "student", "status", "reason", "movement", "score", "view", "working_leg", "frames",
                   "notes", "report_folder")


def criterion_columns(rows: list[Row]) -> dict[tuple[str, str], str]:
    """(movement, criterion id) -> the criterion's name, in the order they first appear (rows are sorted
    by path, so this is deterministic). A criterion belongs to its movement: a développé's "Torso
    vertical" never sits in an arabesque's "Torso lifted" column, even with the same id."""
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.status == "ok":
            for c in row.result.criteria:
                seen.setdefault((row.result.movement or "unrecognised", c.id), c.name)
    return seen


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula: text starting with = + - @, a tab
    or a carriage return (from a file or student name) gets a leading apostrophe; numbers stay numbers."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
        return value  # "-12.5": a measured value, not a formula
    except ValueError:
        return "'" + value


class _SafeWriter:
    """csv.writer whose every cell goes through csv_cell."""

    def __init__(self, out):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(v) for v in row])


def summary_csv(rows: list[Row]) -> str:
    """One row per clip; then a score column per movement and criterion, named 'movement.criterion'."""
    columns = criterion_columns(rows)
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow([*SUMMARY_COLUMNS, *(f"{movement}.{cid}" for movement, cid in columns)])
    for row in rows:
        r = row.result if row.status == "ok" else None
        scores = {(r.movement or "unrecognised", c.id): c.score for c in r.criteria} if r else {}
        writer.writerow([row.path, row.student or "", row.status, row.reason,
                         (r.movement or "unrecognised") if r else "", _fmt(r.score) if r else "",
                         r.view if r else "", r.working_leg if r else "", r.frames if r else "",
                         " | ".join(row.notes), f"{CLIPS}/{r.key}" if r else "",
                         *(_fmt(scores.get(key)) for key in columns)])
    return out.getvalue()


def criteria_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(["path", "student", "movement", "criterion", "name", "value", "unit", "verdict", "score"])
    for row in rows:
        if row.status != "ok":
            continue
        for c in row.result.criteria:
            writer.writerow([row.path, row.student or "", row.result.movement or "", c.id, c.name, _fmt(c.value),
                             c.unit, c.verdict, _fmt(c.score)])
    return out.getvalue()


VERDICT_STYLE = {"good": "good", "acceptable": "ok", "fault": "fault"}
HTML_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f3f3f3} td.num{text-align:right}
.good{background:#d9f2d9}.ok{background:#fff2cc}.fault{background:#f8d0d0}.na{color:#999}
img{height:64px} .reason{color:#a00} small{color:#666}
"""


def summary_html(rows: list[Row], title: str, history_note: str) -> str:
    """A readable page: a table of scored clips per movement (a cell per criterion of that movement),
    then failures and skipped files with their reasons."""
    e = html.escape
    scored = [r for r in rows if r.status == "ok"]
    failed = [r for r in rows if r.status == "error"]
    skipped = [r for r in rows if r.status == "skipped"]
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>",
             f"<style>{HTML_STYLE}</style></head><body><h1>{e(title)}</h1>",
             f"<p>{len(scored)} clip(s) scored, {len(failed)} could not be scored, {len(skipped)} file(s) skipped. "
             f"{e(history_note)}</p>"]
    movements = list(dict.fromkeys(r.result.movement for r in scored if r.result.movement))
    for movement in movements:
        mine = [r for r in scored if r.result.movement == movement]
        parts += _scores_table(mine, mine[0].result.movement_title or movement)
    unrecognised = [r for r in scored if not r.result.movement]
    if unrecognised:
        parts += _scores_table(unrecognised, "Movement not recognised")
    if failed:
        parts.append("<h2>Could not be scored</h2><table><tr><th>Clip</th><th>Reason</th></tr>")
        parts += [f"<tr><td>{e(r.path)}</td><td class='reason'>{e(r.reason)}</td></tr>" for r in failed]
        parts.append("</table>")
    if skipped:
        parts.append("<h2>Skipped</h2><table><tr><th>Path</th><th>Why</th></tr>")
        parts += [f"<tr><td>{e(r.path)}</td><td>{e(r.reason)}</td></tr>" for r in skipped]
        parts.append("</table>")
    parts.append(f"<p><small>technique {e(__version__)}</small></p></body></html>\n")
    return "\n".join(parts)


def _scores_table(rows: list[Row], heading: str) -> list[str]:
    """The scored clips of one movement: a column per criterion of that movement, named as it names it."""
    e = html.escape
    columns = criterion_columns(rows)
    parts = [f"<h2>{e(heading)}</h2><table><tr><th>Clip</th><th>Worst moment</th><th>Student</th>"
             "<th>Score</th>" + "".join(f"<th>{e(name)}</th>" for name in columns.values()) + "<th>Notes</th></tr>"]
    for row in rows:
        r = row.result
        folder = f"{CLIPS}/{r.key}"
        links = f"<a href='{e(folder)}/report.json'>report</a>"
        if "annotated.mp4" in r.files:
            links += f" · <a href='{e(folder)}/annotated.mp4'>video</a>"
        still = f"<img src='{e(folder)}/worst.jpg' alt=''>" if "worst.jpg" in r.files else ""
        by_id = {c.id: c for c in r.criteria}
        cells = [_criterion_cell(by_id.get(cid)) for _, cid in columns]
        score = "–" if r.score is None else f"{r.score:g}"
        parts.append(f"<tr><td>{e(row.path)}<br><small>{links}</small></td><td>{still}</td>"
                     f"<td>{e(row.student or '')}</td><td class='num'>{score}</td>"
                     + "".join(cells) + f"<td><small>{'<br>'.join(e(n) for n in row.notes)}</small></td></tr>")
    parts.append("</table>")
    return parts


def _criterion_cell(c: CriterionResult | None) -> str:
    """A criterion's value and score, coloured by verdict; a dash where it could not be judged."""
    e = html.escape
    if c is None:
        return "<td></td>"
    if c.verdict not in VERDICT_STYLE:
        return f"<td class='na' title='{e(c.verdict)}'>–</td>"
    value = "" if c.value is None else (f"{c.value:.0f}°" if c.unit == "degrees" else f"{c.value:.2f} {c.unit}")
    return (f"<td class='{VERDICT_STYLE[c.verdict]} num' title='{e(c.verdict)}'>"
            f"{e(value)}<br><small>{_fmt(c.score)}</small></td>")


def _write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8", errors="backslashreplace"), path.parent)


# --------------------------------------------------------------------------- the batch


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
         blur_faces: bool, references: tuple) -> BatchPlan:
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
                            movement, video, blur_faces, references))
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
        if result.status == "ok":
            notes += list(result.warnings)
            if pattern is not None and student is None:
                notes.append("no student in the path: not saved to history")
            rows.append(Row(path, "ok", student, result, "", tuple(notes), earlier))
        else:
            rows.append(Row(path, "error", student, result, result.reason, tuple(notes), earlier))
    rows += [Row(path, "skipped", None, None, reason) for path, reason in plan_.found.skipped]
    return sorted(rows, key=lambda r: r.path)


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


def run_batch(args) -> int:
    """`technique batch`: score every clip under args.folder; see the module docstring for outputs."""
    root = Path(args.folder).absolute()
    out = Path(args.out).absolute()
    if not root.is_dir():
        print(f"technique: {args.folder}: not a folder", file=sys.stderr)
        return USAGE
    workers = args.workers or os.cpu_count() or 1
    if workers < 1:
        print("technique: --workers must be at least 1", file=sys.stderr)
        return USAGE
    try:
        pattern = re.compile(args.student_from) if args.student_from else None
    except re.error as exc:
        print(f"technique: --student-from {args.student_from!r}: not a valid regular expression ({exc})",
              file=sys.stderr)
        return USAGE
    if args.engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("technique: --engine dask needs Dask: pip install 'technique[dask]'", file=sys.stderr)
            return USAGE
    folders = tuple(str(Path(r).absolute()) for r in args.references)
    from technique.apps.cli import references_for
    from technique.judging.references import reference_files

    loaded = references_for(folders, args.movement)
    if loaded is None:
        return USAGE
    files = reference_files(folders)
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = lock_output(out)
    except OutputBusy as exc:
        print(f"technique: another batch is writing to {out} (pid {exc.holder or 'unknown'}); wait for it to "
              "finish or choose another --out", file=sys.stderr)
        return USAGE
    except OSError as exc:
        print(f"technique: {out}: cannot create or lock the output folder: {exc.strerror or exc}", file=sys.stderr)
        return SOME_FAILED
    try:
        return _run_locked(args, root, out, pattern, workers, loaded, files)
    finally:
        unlock_output(lock)


def _run_locked(args, root: Path, out: Path, pattern: re.Pattern | None, workers: int, loaded: dict,
                files: list[Path]) -> int:
    """The batch itself, while this process holds the output folder's lock."""
    try:
        check_no_links(out, out / PARTIAL)  # rmtree and mkdtemp must not go through a planted link
        shutil.rmtree(out / PARTIAL, ignore_errors=True)  # leftovers of an interrupted run: never trusted
        make_folders(out, out / CLIPS)
    except OSError as exc:
        print(f"technique: {out}: cannot create the output folder: {exc.strerror or exc}", file=sys.stderr)
        return SOME_FAILED
    except OutputError as exc:
        print(f"technique: {exc}", file=sys.stderr)
        return SOME_FAILED

    video = not args.no_video
    manifest = Manifest(out, options_fingerprint(args.movement, video, args.blur_faces, files))
    work = plan(root, out, manifest, args.resume, args.movement, video, args.blur_faces, tuple(loaded.values()))
    try:
        manifest.reset(work.reused.values())  # compacted: cut-short lines and stale options dropped
    except OutputError as exc:  # a full disk, a link planted as the manifest's folder
        print(f"technique: {exc}", file=sys.stderr)
        return SOME_FAILED
    if args.resume:
        already = {h for h in work.hashes.values() if h in work.reused}
        print(f"Resuming: {len(already)} clip(s) already done, {len(work.jobs)} to score.", file=sys.stderr)

    history = None
    history_problem = None
    wants_history = not args.no_history and pattern is not None
    if wants_history:
        try:
            history = HistoryWriter(args.db, root, out)
        except Exception as exc:  # sqlite3 errors, a folder that can't be made, a newer schema
            history_problem = f"history database not available: {exc}"
            print(f"technique: {history_problem}", file=sys.stderr)

    paths_by_hash: dict[str, list[str]] = {}
    for path, clip_hash in work.hashes.items():
        paths_by_hash.setdefault(clip_hash or "path:" + path, []).append(path)
    results: dict[str, ClipResult] = dict(work.reused)

    def record(result: ClipResult) -> None:
        nonlocal history_problem
        if history is None or result.status != "ok":
            return
        for path in paths_by_hash.get(result.clip_hash or "path:" + result.path, []):
            student = student_of(path, pattern)
            if student:
                try:
                    history.save(path, student, result)
                except Exception as exc:
                    history_problem = f"history not saved for {path}: {exc}"
                    print(f"technique: {history_problem}", file=sys.stderr)

    for result in work.reused.values():
        record(result)

    progress = Progress(len(work.jobs))

    unrecorded: list[str] = []

    def on_result(result: ClipResult) -> None:
        if result.clip_hash:
            try:
                manifest.append(result)  # only now is the clip "done" for --resume
            except OutputError as exc:  # a full disk: say so, carry on; --resume scores the clip again
                unrecorded.append(result.path)
                print(f"technique: {exc} ({result.path} will be scored again by --resume)", file=sys.stderr)
        results[result.clip_hash or "path:" + result.path] = result
        record(result)
        progress.finished(result)

    try:
        if work.jobs:
            if args.engine == "dask":
                run_dask(work.jobs, args.scheduler, workers, on_result)
            else:
                run_local(work.jobs, min(workers, len(work.jobs)), on_result, progress)
    finally:
        progress.close()
        if history is not None:
            history.close()

    rows = summary_rows(work, results, pattern)
    if history is not None:
        history_note = "Clips with a student were saved to the history database."
    elif args.no_history:
        history_note = "Not saved to the history database (--no-history)."
    elif pattern is None:
        history_note = "Not saved to the history database: name students with --student-from."
    else:
        history_note = history_problem or ""
    try:
        _write_text(out / "summary.csv", summary_csv(rows))
        _write_text(out / "summary_criteria.csv", criteria_csv(rows))
        _write_text(out / "summary.html", summary_html(rows, f"technique batch: {root.name}", history_note))
    except (OSError, OutputError) as exc:
        reason = exc.reason if isinstance(exc, OutputError) else exc.strerror or exc
        print(f"technique: {out}: cannot write the summary: {reason}", file=sys.stderr)
        return SOME_FAILED
    shutil.rmtree(out / PARTIAL, ignore_errors=True)
    if history is not None:
        history_note += f" ({history.history.path}: 'technique history STUDENT' shows progress)"
    print(printable(summary_text(rows, out, history_note)))  # names that aren't UTF-8
    failed = any(r.status == "error" for r in rows)
    return SOME_FAILED if failed or history_problem or unrecorded else OK


def _mark(result: ClipResult) -> str:
    """✓ only for a clip scored against a movement; ? for one scored but not recognised; ✗ for a failure."""
    if result.status != "ok":
        return "✗"
    return "✓" if result.movement else "?"


def summary_text(rows: list[Row], out: Path, history_note: str) -> str:
    """The end of a batch on screen: a line per clip, failures with their reason, where the files are.
    The counts say what this run did: clips done by an earlier run (--resume) are counted apart."""
    scored = [r for r in rows if r.status == "ok"]
    failed = [r for r in rows if r.status == "error"]
    skipped = [r for r in rows if r.status == "skipped"]
    width = min(50, max((len(r.path) for r in rows), default=10))
    lines = []
    for r in scored:
        res = r.result
        score = "  -" if res.score is None else f"{res.score:3.0f}"
        lines.append(f"{_mark(res)} {r.path:<{width}} {score}  {res.movement_title or 'not recognised'}"
                     + (f"  ({r.student})" if r.student else ""))
    for r in failed:
        lines.append(f"✗ {r.path:<{width}} {r.reason}")
    for r in skipped:
        lines.append(f"· {r.path:<{width}} skipped: {r.reason}")
    now_scored = sum(not r.already_done for r in scored)
    now_failed = sum(not r.already_done for r in failed)
    earlier = sum(r.already_done for r in scored + failed)
    lines.append(f"{now_scored} scored, {now_failed} failed" + (f", {earlier} already done" if earlier else "")
                 + f", {len(skipped)} skipped. " + history_note)
    lines.append(f"Summary: {out / 'summary.html'}  {out / 'summary.csv'}")
    return "\n".join(lines)
