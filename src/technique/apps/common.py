"""What the command-line faces (cli, batch) share: exit codes, the references a command uses, a progress bar."""

from __future__ import annotations

import sys

OK, SOME_FAILED, USAGE = 0, 1, 2  # everything worked; some inputs failed (each says why); a usage error


def progress_bar(name: str):
    """A tqdm bar shown only for clips longer than a few seconds."""
    state = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if total <= 150 or not sys.stderr.isatty():  # short clips, logs: a bar would only be noise
                state["bar"] = None
            else:
                from tqdm import tqdm

                state["bar"] = tqdm(total=total, desc=name[:30], unit="frame", file=sys.stderr, leave=False)
        bar = state["bar"]
        if bar is not None:
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

    return update


def references_for(folders: tuple[str, ...], movement: str | None) -> dict | None:
    """The references a command will use, or None after saying why not (a usage error: an unknown
    movement name, a missing reference folder, a --movement whose file is bad). Other bad files in
    a user's folders are reported and skipped: the remaining references still score."""
    from technique.errors import TechniqueError, UnknownMovementError
    from technique.judging.references import get_reference, load_references

    problems: list = []
    try:
        references = load_references(folders, problems=problems)
        for problem in problems:
            print(f"technique: skipped a reference file: {problem}", file=sys.stderr)
        if movement:
            get_reference(movement, references, problems)
    except UnknownMovementError as exc:
        print(f"technique: {exc.source!r}: {exc.reason}", file=sys.stderr)
        return None
    except TechniqueError as exc:
        print(f"technique: {exc}", file=sys.stderr)
        return None
    return references
