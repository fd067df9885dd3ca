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

from . import __version__
from .errors import OutputError, TechniqueError

OK, SOME_FAILED, USAGE = 0, 1, 2
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")  # as video.VIDEO_SUFFIXES
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".heic", ".tif", ".tiff")
# Native thread pools a worker limits to one thread each: N workers on N cores, no oversubscription.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
                    "TF_NUM_INTEROP_THREADS")
PARTIAL, CLIPS, MANIFEST = ".partial", "clips", "manifest.jsonl"


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
    from .pipeline import AnalysisConfig, analyse_clip
    from .report import report_dict, write_reports

    references = {r.name: r for r in job.references} or None  # None: the built-in ones
    analysis = analyse_clip(job.source, job.movement, AnalysisConfig(), references, progress)
    # Reports name the clip by its path in the batch folder: the same on every machine and every run.
    analysis = replace(analysis, info=replace(analysis.info, source=job.path))
    out = Path(job.out)
    (out / PARTIAL).mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=job.key + ".", dir=out / PARTIAL))
    try:
        write_reports(analysis, job.source, partial, video=job.video, blur_faces=job.blur_faces)
        write_still(analysis, job.source, partial / "worst.jpg", job.blur_faces)
        files = tuple(sorted(p.name for p in partial.iterdir()))
        _publish(partial, out / CLIPS / job.key)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    report = report_dict(analysis)
    movement = report["movement"] or {}
    criteria = tuple(CriterionResult(c["id"], c["name"], c["value"], c["unit"], c["verdict"], c["score"])
                     for c in report["criteria"])
    return ClipResult(job.path, job.clip_hash, job.key, "ok", "", movement.get("name"), movement.get("title"),
                      report["score"], report["view"], report["working_leg"], report["clip"]["frames"],
                      criteria, tuple(report["warnings"]), files)


def write_still(analysis, source: str, path: Path, blur_faces: bool = False) -> Path | None:
    """The annotated frame of the worst moment (or the middle of the clip) as a JPEG, written atomically."""
    import cv2
    import numpy as np

    from .report import annotate_frame
    from .video import VideoReader

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
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data.tobytes())
    os.replace(partial, path)
    return path


def _publish(partial: Path, final: Path) -> None:
    """Move a finished report folder into place, replacing an older one (a rescored clip)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=final.name + ".old.", dir=partial.parent))
        os.replace(final, old)  # renaming onto an empty folder replaces it
        os.replace(partial, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(partial, final)


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class Found:
    """What a walk of the batch folder found: clips, and things not scored with the reason."""

    clips: tuple[str, ...]  # relative '/'-separated paths, sorted
    skipped: tuple[tuple[str, str], ...]  # (relative path, reason)
    ignored: int  # other files (documents, sidecar files...) not mentioned one by one


def discover(folder: str | os.PathLike, exclude: Iterable[str | os.PathLike] = ()) -> Found:
    """Every video file under `folder`, recursively. Links to folders are not followed (no loops)."""
    root = os.path.abspath(folder)
    excluded = {os.path.realpath(p) for p in exclude}
    clips, skipped, ignored = [], [], 0

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
            elif suffix in IMAGE_SUFFIXES:
                skipped.append((rel(os.path.join(dirpath, name)), f"a {suffix[1:].upper()} image, not a video"))
            else:
                ignored += 1
    return Found(tuple(sorted(clips)), tuple(sorted(skipped)), ignored)


def student_of(path: str, pattern: re.Pattern | None) -> str | None:
    """The student named by the pattern's 'student' group (or first group, or whole match) in a path."""
    if pattern is None:
        return None
    match = pattern.search(path)
    if not match:
        return None
    if "student" in pattern.groupindex:
        name = match.group("student")
    else:
        name = match.group(1) if pattern.groups else match.group(0)
    return (name or "").strip() or None


def folder_key(path: str, clip_hash: str | None) -> str:
    """A report folder name that is readable, portable (ASCII) and unique per clip content."""
    stem = unicodedata.normalize("NFKD", Path(path).stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:40] or "clip"
    tag = clip_hash or hashlib.sha256(("path:" + path).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{stem}-{tag[:12]}"


# --------------------------------------------------------------------------- manifest (resume)


class Manifest:
    """OUT/manifest.jsonl: one JSON line per finished clip, appended and fsynced as each finishes.

    A line is written only after the clip's report folder is in place, so every line can be
    trusted; a line cut short by ``kill -9`` is ignored (and dropped when a resumed run compacts it).
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
            folder = self.out / CLIPS / result.key
            if result.status == "ok" and not all((folder / name).is_file() for name in result.files):
                continue
            done[result.clip_hash] = result
        return done

    def reset(self, keep: Iterable[ClipResult] = ()) -> None:
        """Start the manifest afresh (atomically), keeping the given results."""
        text = "".join(self._line(r) for r in keep)
        partial = self.path.with_name(self.path.name + ".partial")
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.path)

    def append(self, result: ClipResult) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(self._line(result))
            handle.flush()
            os.fsync(handle.fileno())

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


_worker_progress = {"queue": None}  # set once per local worker process by _init_worker


def _init_worker(queue, threads: int) -> None:
    """Local worker start-up: one thread per native pool, and a queue for per-clip progress."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))
    try:
        import cv2

        cv2.setNumThreads(threads)
    except ImportError:
        pass
    _worker_progress["queue"] = queue


def _score_in_worker(job: ClipJob) -> ClipResult:
    """score_one with frame progress sent to the coordinator (local engine)."""
    queue = _worker_progress["queue"]
    if queue is None:
        return score_one(job)
    pid, last = os.getpid(), [0]

    def progress(done: int, total: int) -> None:
        if done - last[0] >= 10 or done == total:
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
                                       initializer=_init_worker, initargs=(queue, threads))
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
        self.overall = tqdm(total=total, desc="clips", unit="clip", file=self.stream, position=0,
                            dynamic_ncols=True, mininterval=0.5 if self.interactive else 5)
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
        self.overall.set_postfix_str(f"{'✓' if result.status == 'ok' else '✗'} {Path(result.path).name[:30]}",
                                     refresh=False)
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


SUMMARY_COLUMNS = ("path", "student", "status", "reason", "movement", "score", "view", "working_leg", "frames",
                   "notes", "report_folder")


def criterion_ids(rows: list[Row]) -> list[str]:
    """Criteria in the order they first appear (rows are sorted by path, so this is deterministic)."""
    seen: dict[str, None] = {}
    for row in rows:
        for c in row.result.criteria if row.result else ():
            seen.setdefault(c.id, None)
    return list(seen)


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def summary_csv(rows: list[Row]) -> str:
    ids = criterion_ids(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*SUMMARY_COLUMNS, *ids])
    for row in rows:
        r = row.result if row.status == "ok" else None
        scores = {c.id: c.score for c in r.criteria} if r else {}
        writer.writerow([row.path, row.student or "", row.status, row.reason,
                         (r.movement or "unrecognised") if r else "", _fmt(r.score) if r else "",
                         r.view if r else "", r.working_leg if r else "", r.frames if r else "",
                         " | ".join(row.notes), f"{CLIPS}/{r.key}" if r else "",
                         *(_fmt(scores.get(i)) for i in ids)])
    return out.getvalue()


def criteria_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
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
    """A readable page: scored clips with a cell per criterion, then failures and skipped files."""
    e = html.escape
    ids = criterion_ids(rows)
    names = {}
    for row in rows:
        for c in row.result.criteria if row.result else ():
            names.setdefault(c.id, c.name)
    scored = [r for r in rows if r.status == "ok"]
    failed = [r for r in rows if r.status == "error"]
    skipped = [r for r in rows if r.status == "skipped"]
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>",
             f"<style>{HTML_STYLE}</style></head><body><h1>{e(title)}</h1>",
             f"<p>{len(scored)} clip(s) scored, {len(failed)} could not be scored, {len(skipped)} file(s) skipped. "
             f"{e(history_note)}</p>"]
    if scored:
        parts.append("<h2>Scores</h2><table><tr><th>Clip</th><th>Worst moment</th><th>Student</th>"
                     "<th>Movement</th><th>Score</th>" + "".join(f"<th>{e(names[i])}</th>" for i in ids)
                     + "<th>Notes</th></tr>")
        for row in scored:
            r = row.result
            folder = f"{CLIPS}/{r.key}"
            links = f"<a href='{e(folder)}/report.json'>report</a>"
            if "annotated.mp4" in r.files:
                links += f" · <a href='{e(folder)}/annotated.mp4'>video</a>"
            still = f"<img src='{e(folder)}/worst.jpg' alt=''>" if "worst.jpg" in r.files else ""
            cells = []
            by_id = {c.id: c for c in r.criteria}
            for i in ids:
                c = by_id.get(i)
                if c is None:
                    cells.append("<td></td>")
                elif c.verdict in VERDICT_STYLE:
                    value = "" if c.value is None else (f"{c.value:.0f}°" if c.unit == "degrees"
                                                        else f"{c.value:.2f} {c.unit}")
                    cells.append(f"<td class='{VERDICT_STYLE[c.verdict]} num' title='{e(c.verdict)}'>"
                                 f"{e(value)}<br><small>{_fmt(c.score)}</small></td>")
                else:
                    cells.append(f"<td class='na' title='{e(c.verdict)}'>–</td>")
            score = "–" if r.score is None else f"{r.score:g}"
            movement = r.movement_title or "not recognised"
            parts.append(f"<tr><td>{e(row.path)}<br><small>{links}</small></td><td>{still}</td>"
                         f"<td>{e(row.student or '')}</td><td>{e(movement)}</td><td class='num'>{score}</td>"
                         + "".join(cells) + f"<td><small>{'<br>'.join(e(n) for n in row.notes)}</small></td></tr>")
        parts.append("</table>")
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


def _write_text(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8", errors="backslashreplace")
    os.replace(partial, path)


# --------------------------------------------------------------------------- the batch


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
    from .history import content_hash

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
        if result.status == "ok":
            notes += list(result.warnings)
            if pattern is not None and student is None:
                notes.append("no student in the path: not saved to history")
            rows.append(Row(path, "ok", student, result, "", tuple(notes)))
        else:
            rows.append(Row(path, "error", student, result, result.reason, tuple(notes)))
    rows += [Row(path, "skipped", None, None, reason) for path, reason in plan_.found.skipped]
    return sorted(rows, key=lambda r: r.path)


class HistoryWriter:
    """Saves scored clips with a student to the history database (upserts: safe to repeat)."""

    def __init__(self, db: str | None, root: Path, out: Path):
        from .history import History

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
    from .cli import references_for
    from .references import reference_files

    loaded = references_for(folders, args.movement)
    if loaded is None:
        return USAGE
    files = reference_files(folders)
    try:
        out.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(out / PARTIAL, ignore_errors=True)  # leftovers of an interrupted run: never trusted
        (out / CLIPS).mkdir(exist_ok=True)
    except OSError as exc:
        print(f"technique: {out}: cannot create the output folder: {exc.strerror or exc}", file=sys.stderr)
        return SOME_FAILED

    video = not args.no_video
    manifest = Manifest(out, options_fingerprint(args.movement, video, args.blur_faces, files))
    work = plan(root, out, manifest, args.resume, args.movement, video, args.blur_faces, tuple(loaded.values()))
    manifest.reset(work.reused.values())  # compacted: cut-short lines and stale options dropped
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

    def on_result(result: ClipResult) -> None:
        if result.clip_hash:
            manifest.append(result)  # only now is the clip "done" for --resume
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
    except OSError as exc:
        print(f"technique: {out}: cannot write the summary: {exc.strerror or exc}", file=sys.stderr)
        return SOME_FAILED
    shutil.rmtree(out / PARTIAL, ignore_errors=True)
    if history is not None:
        history_note += f" ({history.history.path}: 'technique history STUDENT' shows progress)"
    print(summary_text(rows, out, work.found.ignored, history_note))
    failed = any(r.status == "error" for r in rows)
    return SOME_FAILED if failed or history_problem else OK


def summary_text(rows: list[Row], out: Path, ignored: int, history_note: str) -> str:
    """The end of a batch on screen: a line per clip, failures with their reason, where the files are."""
    scored = [r for r in rows if r.status == "ok"]
    failed = [r for r in rows if r.status == "error"]
    skipped = [r for r in rows if r.status == "skipped"]
    width = min(50, max((len(r.path) for r in rows), default=10))
    lines = []
    for r in scored:
        res = r.result
        score = "  -" if res.score is None else f"{res.score:3.0f}"
        lines.append(f"✓ {r.path:<{width}} {score}  {res.movement_title or 'not recognised'}"
                     + (f"  ({r.student})" if r.student else ""))
    for r in failed:
        lines.append(f"✗ {r.path:<{width}} {r.reason}")
    for r in skipped:
        lines.append(f"· {r.path:<{width}} skipped: {r.reason}")
    lines.append(f"{len(scored)} scored, {len(failed)} failed, {len(skipped)} skipped"
                 + (f", {ignored} other file(s) ignored" if ignored else "") + ". " + history_note)
    lines.append(f"Summary: {out / 'summary.html'}  {out / 'summary.csv'}")
    return "\n".join(lines)
