"""`technique batch`: check the command, take the output folder's lock, plan, score, record, summarise."""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from technique.apps.batch.jobs import CLIPS, PARTIAL, ClipJob, ClipResult
from technique.apps.batch.manifest import Manifest, OutputBusy, lock_output, options_fingerprint, unlock_output
from technique.apps.batch.plan import BatchPlan, plan, summary_rows
from technique.apps.batch.recording import Recorder, open_history
from technique.apps.batch.screen import Progress, summary_text
from technique.apps.batch.summary import write_summary
from technique.apps.common import OK, SOME_FAILED, USAGE, references_for
from technique.errors import OutputError
from technique.safe_write import check_no_links, make_folders, printable


@dataclass(frozen=True)
class Settings:
    """The command's folders, workers and student pattern, checked."""

    root: Path  # the folder of clips
    out: Path
    workers: int
    pattern: re.Pattern | None  # --student-from


def settings_of(args) -> Settings | None:
    """The batch's settings, or None after saying why they are a usage error."""
    root, out = Path(args.folder).absolute(), Path(args.out).absolute()
    if not root.is_dir():
        return _usage(f"{args.folder}: not a folder")
    workers = args.workers or os.cpu_count() or 1
    if workers < 1:
        return _usage("--workers must be at least 1")
    try:
        pattern = re.compile(args.student_from) if args.student_from else None
    except re.error as exc:
        return _usage(f"--student-from {args.student_from!r}: not a valid regular expression ({exc})")
    if getattr(args, "dancer", None):
        from technique.analyser.classes import chosen_dancers
        from technique.errors import TechniqueError

        try:
            chosen_dancers(args.dancer, "--dancer")
        except TechniqueError as exc:
            return _usage(exc.reason)
    if args.engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            return _usage("--engine dask needs Dask: pip install 'technique[dask]'")
    return Settings(root, out, workers, pattern)


def _usage(problem: str) -> None:
    """Say why the command can't run (a usage error)."""
    print(f"technique: {problem}", file=sys.stderr)
    return None


def run_batch(args) -> int:
    """`technique batch`: score every clip under args.folder; see the package docstring for outputs."""
    settings = settings_of(args)
    if settings is None:
        return USAGE
    from technique.judging.references import reference_files

    folders = tuple(str(Path(r).absolute()) for r in args.references)
    loaded = references_for(folders, args.movement)
    if loaded is None:
        return USAGE
    files = reference_files(folders)
    out = settings.out
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
        return _run_locked(args, settings, loaded, files)
    finally:
        unlock_output(lock)


def _clean_output(out: Path) -> str | None:
    """OUT/clips ready and the leftovers of an interrupted run gone (never trusted); why not, if not."""
    try:
        check_no_links(out, out / PARTIAL)  # rmtree and mkdtemp must not go through a planted link
        shutil.rmtree(out / PARTIAL, ignore_errors=True)
        make_folders(out, out / CLIPS)
    except OSError as exc:
        return f"{out}: cannot create the output folder: {exc.strerror or exc}"
    except OutputError as exc:
        return str(exc)
    return None


def _run_locked(args, settings: Settings, loaded: dict, files: list[Path]) -> int:
    """The batch itself, while this process holds the output folder's lock."""
    root, out = settings.root, settings.out
    problem = _clean_output(out)
    if problem:
        print(f"technique: {problem}", file=sys.stderr)
        return SOME_FAILED
    video = not args.no_video
    dancers = getattr(args, "dancer", None)
    manifest = Manifest(out, options_fingerprint(args.movement, video, args.blur_faces, files, dancers))
    work = plan(root, out, manifest, args.resume, args.movement, video, args.blur_faces, tuple(loaded.values()),
                dancers)
    try:
        manifest.reset(work.reused.values())  # compacted: cut-short lines and stale options dropped
    except OutputError as exc:  # a full disk, a link planted as the manifest's folder
        print(f"technique: {exc}", file=sys.stderr)
        return SOME_FAILED
    if args.resume:
        already = {h for h in work.hashes.values() if h in work.reused}
        print(f"Resuming: {len(already)} clip(s) already done, {len(work.jobs)} to score.", file=sys.stderr)
    history, problem = None, None
    if not args.no_history and settings.pattern is not None:
        history, problem = open_history(args.db, root, out)
    recorder = Recorder(work, manifest, history, problem, settings.pattern)
    progress = Progress(len(work.jobs))

    def on_result(result: ClipResult) -> None:
        recorder.finished(result)
        progress.finished(result)

    try:
        _score_all(args, work.jobs, settings.workers, on_result, progress)
    finally:
        progress.close()
        recorder.close()
    return _finish(args, settings, work, recorder)


def _score_all(args, jobs: list[ClipJob], workers: int, on_result, progress: Progress) -> None:
    from technique.apps.batch.workers import run_dask, run_local

    if not jobs:
        return
    if args.engine == "dask":
        run_dask(jobs, args.scheduler, workers, on_result)
    else:
        run_local(jobs, min(workers, len(jobs)), on_result, progress)


def _history_note(args, settings: Settings, recorder: Recorder) -> str:
    """What the summary says about the history database."""
    if recorder.history is not None:
        return "Clips with a student were saved to the history database."
    if args.no_history:
        return "Not saved to the history database (--no-history)."
    if settings.pattern is None:
        return "Not saved to the history database: name students with --student-from."
    return recorder.history_problem or ""


def _finish(args, settings: Settings, work: BatchPlan, recorder: Recorder) -> int:
    """The summary files and the summary on screen; the exit code."""
    out = settings.out
    rows = summary_rows(work, recorder.results, settings.pattern)
    note = _history_note(args, settings, recorder)
    try:
        write_summary(out, rows, f"technique batch: {settings.root.name}", note)
    except (OSError, OutputError) as exc:
        reason = exc.reason if isinstance(exc, OutputError) else exc.strerror or exc
        print(f"technique: {out}: cannot write the summary: {reason}", file=sys.stderr)
        return SOME_FAILED
    shutil.rmtree(out / PARTIAL, ignore_errors=True)
    if recorder.history is not None:
        note += f" ({recorder.history.history.path}: 'technique history STUDENT' shows progress)"
    print(printable(summary_text(rows, out, note)))  # names that aren't UTF-8
    failed = any(r.status == "error" for r in rows)
    return SOME_FAILED if failed or recorder.history_problem or recorder.unrecorded else OK
