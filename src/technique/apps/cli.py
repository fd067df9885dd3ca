"""Command line: ``technique score``, ``technique references``. ``main(argv) -> exit code``.

Exit codes: 0 everything worked, 1 some inputs failed (each says why), 2 usage error.
Heavy modules are imported inside the commands so that ``technique --help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from technique import __version__

from technique.apps.common import OK, SOME_FAILED, USAGE, progress_bar, references_for


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="technique",
        description="A ballet technique coach: measures a dancer on video and says what to correct.",
    )
    parser.add_argument("--version", action="version", version=f"technique {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _score_and_batch(sub)
    _the_other_commands(sub)
    return parser


def _score_and_batch(sub) -> None:
    """The scoring commands' arguments."""
    score = sub.add_parser("score", help="score clips and write reports",
                           description="Score one or more clips: a summary on screen and, per clip, "
                                       "report.json, frames.csv and annotated.mp4 in --out.")
    score.add_argument("clips", nargs="+", metavar="CLIP", help="video files (mp4, mov, avi, mkv, webm)")
    score.add_argument("--movement", "-m", help="the movement (default: recognise it); see 'technique references list'")
    score.add_argument("--out", "-o", default="technique-reports", help="output folder (default: %(default)s)")
    score.add_argument("--json", action="store_true",
                       help="print a JSON list of reports (one per clip, also for one clip) instead of a summary")
    score.add_argument("--no-video", action="store_true", help="skip the annotated video")
    score.add_argument("--working-leg", choices=("auto", "left", "right"), default="auto")
    score.add_argument("--dancer", metavar="N|all",
                       help="a class clip: judge each dancer ('all') or the N-th from the left of the picture "
                            "(1 is the leftmost; several as 1,3), each with her own report")
    score.add_argument("--references", action="append", default=[], metavar="DIR",
                       help="an extra folder of reference files (may be repeated)")

    batch = sub.add_parser("batch", help="score every clip under a folder (parallel, resumable)",
                           description="Score a folder of clips: per-clip reports, a summary table "
                                       "(CSV and HTML) and the history database.")
    batch.add_argument("folder", help="folder to search for clips (recursively)")
    batch.add_argument("--out", "-o", required=True, help="output folder")
    batch.add_argument("--workers", "-j", type=int, default=None, help="worker processes (default: CPU count)")
    batch.add_argument("--resume", action="store_true", help="skip clips already scored in --out (by content)")
    batch.add_argument("--student-from", metavar="PATTERN",
                       help="regular expression whose first group (or 'student' group) names the student "
                            "from the clip's path relative to FOLDER, e.g. '^([^/]+)/'")
    batch.add_argument("--movement", "-m", help="the movement of every clip (default: recognise each)")
    batch.add_argument("--dancer", metavar="N|all",
                       help="class clips: judge each dancer ('all') or the N-th from the left of the picture, "
                            "each with her own report folder (not saved to the history: her name isn't known)")
    batch.add_argument("--engine", choices=("local", "dask"), default="local")
    batch.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (with --engine dask)")
    batch.add_argument("--blur-faces", action="store_true", help="blur faces in exported videos and stills")
    batch.add_argument("--no-video", action="store_true", help="skip annotated videos")
    batch.add_argument("--db", help="history database (default: the user's data folder, or $TECHNIQUE_DB)")
    batch.add_argument("--no-history", action="store_true", help="don't record results in the history database")
    batch.add_argument("--references", action="append", default=[], metavar="DIR")


def _the_other_commands(sub) -> None:
    """history, app, reference and references."""
    history = sub.add_parser("history", help="a student's progress over time")
    history.add_argument("student")
    history.add_argument("--movement", "-m")
    history.add_argument("--db", help="history database to read (default: the user's data folder, or $TECHNIQUE_DB); "
                                         "never created or changed")

    app = sub.add_parser("app", help="open the dashboard (live practice, clip review, progress)")
    app.add_argument("--port", type=int, default=8501)
    app.add_argument("--address", default="localhost",
                     help="address to serve on (default: localhost only; see the README for LAN use)")
    app.add_argument("--db", help="history database (default: the user's data folder, or $TECHNIQUE_DB)")

    teacher = sub.add_parser("reference", help="make a reference from a teacher's demonstration clip",
                             description="technique reference from-video CLIP --name NAME: a teacher's "
                                         "demonstration becomes a reference (her values and angle curves), "
                                         "usable with --movement NAME everywhere.")
    teacher.add_argument("action", choices=("from-video",))
    teacher.add_argument("clip")
    teacher.add_argument("--name", required=True, help="name of the new reference, e.g. 'anna_arabesque'")
    teacher.add_argument("--movement", "-m", help="the movement demonstrated (default: recognise it)")
    teacher.add_argument("--out", help="folder to save it in (default: your references folder, "
                                       "or $TECHNIQUE_REFERENCES)")
    teacher.add_argument("--working-leg", choices=("auto", "left", "right"), default="auto")
    teacher.add_argument("--overwrite", action="store_true",
                         help="replace an existing reference of that name (a built-in movement's name never)")
    teacher.add_argument("--references", action="append", default=[], metavar="DIR",
                         help="an extra folder of reference files (may be repeated): the movement "
                              "demonstrated may be one of them")

    refs = sub.add_parser("references", help="list or validate reference positions")
    refs.add_argument("action", choices=("list", "validate"))
    refs.add_argument("files", nargs="*", help="reference files to validate (default: all known)")
    refs.add_argument("--references", action="append", default=[], metavar="DIR")


def cmd_score(args) -> int:
    from technique.analyser import AnalysisConfig
    from technique.analyser.classes import chosen_dancers
    from technique.errors import TechniqueError
    from technique.outputs.report import class_summary, report_dict, summary_text
    from technique.outputs.writer import Outputs, publish_outputs
    from technique.safe_write import printable, unique_folder_name

    config = AnalysisConfig(working_leg=args.working_leg, reference_folders=tuple(args.references))
    references = references_for(config.reference_folders, args.movement)
    if references is None:
        return USAGE
    if args.dancer:
        try:
            chosen_dancers(args.dancer, "--dancer")
        except TechniqueError as exc:
            print(f"technique: {exc.reason}", file=sys.stderr)
            return USAGE
    failed, results, used, out = 0, [], set(), Path(args.out)
    for clip in args.clips:
        found, judged = _analysed(clip, args, config, references)
        for stem, analysis in judged:
            try:
                if isinstance(analysis, TechniqueError):
                    raise analysis
                name = unique_folder_name(stem, used)  # never '..', never outside --out
                paths = publish_outputs(analysis, clip, out / name, out, Outputs(video=not args.no_video))
            except TechniqueError as exc:
                failed += 1
                results.append({"clip": printable(clip), "error": printable(exc.reason)})
                print(f"✗ {exc}", file=sys.stderr)
                continue
            report = report_dict(analysis)
            report["outputs"] = {k: str(v) for k, v in paths.items()}
            results.append(report)
            if not args.json:
                print(summary_text(analysis))
                print(f"  Reports: {printable(paths['report'].parent)}\n")
        if found is not None and not args.json:
            dancers = [(d.number, d.analysis or d.error) for d in found.dancers]
            print(class_summary(Path(clip).name, found.count, dancers))
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))  # always a list, even for one clip
    if failed:
        what = "clip(s) or dancer(s)" if args.dancer else "clip(s)"
        print(f"{failed} of {len(results)} {what} could not be scored.", file=sys.stderr)
    return SOME_FAILED if failed else OK


def _analysed(clip: str, args, config, references) -> tuple:
    """(the class, or None; [(report folder's stem, Analysis or the error that says why not)]): one clip
    judged, or each dancer asked for of a class clip."""
    from technique.analyser import analyse_class, analyse_clip
    from technique.errors import TechniqueError

    try:
        if args.dancer:
            found = analyse_class(clip, args.movement, config, references, progress_bar(Path(clip).name), args.dancer)
            return found, [(f"{Path(clip).stem}-dancer-{d.number}", d.analysis or d.error) for d in found.dancers]
        return None, [(Path(clip).stem, analyse_clip(clip, args.movement, config, references,
                                                     progress_bar(Path(clip).name)))]
    except TechniqueError as exc:
        return None, [("", exc)]


def cmd_references(args) -> int:
    from technique.errors import TechniqueError
    from technique.judging.references import load_reference_file, load_references, reference_files

    if args.action == "list":
        problems: list = []
        try:
            references = load_references(tuple(args.references), problems=problems)
        except TechniqueError as exc:  # a reference folder that isn't there: a usage error, as documented
            print(f"technique: {exc}", file=sys.stderr)
            return USAGE
        for ref in references.values():
            print(f"{ref.name:<24} {ref.title:<26} {len(ref.criteria)} criteria  {ref.source}")
        for problem in problems:
            print(f"✗ {problem}", file=sys.stderr)
        return SOME_FAILED if problems else OK
    try:
        files = [Path(f) for f in args.files] or reference_files(tuple(args.references))
    except TechniqueError as exc:
        print(f"technique: {exc}", file=sys.stderr)
        return USAGE
    bad = 0
    for path in files:
        try:
            ref = load_reference_file(path)
            print(f"✓ {path}: {ref.name}, {len(ref.criteria)} criteria")
        except TechniqueError as exc:
            bad += 1
            print(f"✗ {exc}")
    return SOME_FAILED if bad else OK


def cmd_history(args) -> int:
    """A student's saved analyses. Only reads: the database is opened read-only, and a path that is
    missing or isn't a technique history database is a usage error, never a new or changed file."""
    import unicodedata

    from technique.outputs.history import History, HistoryError, default_path, progress_text

    args.student = unicodedata.normalize("NFC", args.student)  # as batch stores names: "José" is one student
    path = Path(args.db) if args.db else default_path()
    if not args.db and not path.exists():
        print(f"technique: no saved analyses yet (no history database at {path}): save a review in the "
              "dashboard or run 'technique batch' with --student-from", file=sys.stderr)
        return SOME_FAILED
    try:
        with History(path, readonly=True) as history:
            sessions = history.sessions(args.student, args.movement)
            known = ", ".join(history.students()) or "none yet"
    except HistoryError as exc:
        print(f"technique: {exc}", file=sys.stderr)
        return USAGE
    if not sessions:
        print(f"technique: no saved analyses for {args.student!r}"
              + (f" and {args.movement!r}" if args.movement else "") + f" (students: {known})", file=sys.stderr)
        return SOME_FAILED
    print(f"{args.student}: {len(sessions)} saved analyses ({path})")
    print(progress_text(sessions))
    return OK


def cmd_batch(args) -> int:
    from technique.apps.batch import run_batch

    return run_batch(args)


def cmd_app(args) -> int:
    from technique.apps.dashboard import launch

    return launch(args)


def cmd_reference(args) -> int:
    from technique.errors import TechniqueError
    from technique.judging.references import load_references, user_folder
    from technique.outputs.teacher_reference import make_teacher_reference, name_problem

    folder = Path(args.out) if args.out else user_folder()
    references = references_for(tuple(args.references), args.movement)
    if references is None:
        return USAGE
    mine = load_references((folder,), user=False, problems=[]) if folder.is_dir() else {}
    problem = name_problem(args.name, {**references, **mine}, args.overwrite)
    if problem:  # before minutes of video work
        hint = ", or replace it with --overwrite" if "already exists" in problem else ""
        print(f"technique: --name {args.name!r}: {problem}{hint}", file=sys.stderr)
        return USAGE
    try:
        data, path = make_teacher_reference(args.clip, args.name, args.movement, references, folder,
                                            args.working_leg, args.overwrite, progress_bar(Path(args.clip).name),
                                            hint="; say which it is with --movement")
    except TechniqueError as exc:  # a clip that can't be read, a name taken meanwhile, a full disk
        print(f"✗ {exc}", file=sys.stderr)
        return SOME_FAILED
    print(f"Saved {data['title']} to {path}")
    print(f"Use it with: technique score CLIP --movement {data['name']}"
          + (f" --references {folder}" if args.out else ""))
    return OK


COMMANDS = {"score": cmd_score, "reference": cmd_reference, "references": cmd_references, "history": cmd_history,
            "batch": cmd_batch, "app": cmd_app}


def _hide_native_logs() -> None:
    """Send MediaPipe's C++ log lines (written to fd 2, some only at exit) to /dev/null.

    Python's own stderr (messages, progress bars, tracebacks) keeps the real terminal. Set
    TECHNIQUE_NATIVE_LOGS=1 to see the native logs when debugging.
    """
    import os

    if os.environ.get("TECHNIQUE_NATIVE_LOGS") or getattr(sys.stderr, "_technique_own", False):
        return
    try:
        sys.stderr.flush()
        terminal = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):
        return
    os.dup2(devnull, 2)
    os.close(devnull)
    stream = os.fdopen(terminal, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8", errors="replace")
    stream._technique_own = True
    sys.stderr = stream


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not args.command:
        parser.print_help()
        return USAGE
    if argv is None:  # run as the `technique` program, not called from Python code or tests
        _hide_native_logs()
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, so that a closed pipe is caught below rather than at exit
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return SOME_FAILED
    except BrokenPipeError:  # `technique history X | head -1`: the reader has what it wanted
        _drop_stdout()
        return SOME_FAILED


def _drop_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush doesn't fail again on the closed pipe."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
