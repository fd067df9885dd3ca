"""What the pages ask of the rest of technique: an uploaded clip analysed (in a temp folder that is
always removed), a teacher's reference made from a demonstration, the references and the history
database. No Streamlit widgets here (only the references' cache)."""

from __future__ import annotations

import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from technique.apps.dashboard.images import side_by_side, worst_still
from technique.outputs.writer import frames_at

UPLOAD_TYPES = ("mp4", "mov", "webm")


def db_path() -> Path:
    from technique.outputs.history import default_path

    return default_path()


@dataclass(frozen=True)
class Review:
    """A clip analysed for the review page, with everything the page and the downloads need."""

    name: str
    analysis: object  # pipeline.Analysis
    report: dict
    frames_csv: str
    video: bytes  # annotated H.264 MP4
    still: np.ndarray | None  # the worst moment, annotated, RGB
    clip_hash: str
    side_by_side: np.ndarray | None = None  # with a teacher's reference: her position beside the student's, RGB


def safe_name(name: str) -> str:
    """A file name safe to write in a temp folder (keeps the extension, drops any path)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "clip"
    return base[:120]


@contextmanager
def uploaded_copy(upload, name: str):
    """The upload (a file-like object or bytes) as a file in a temporary folder, removed afterwards
    whatever happens. Yields the file's path; its folder's parent is free for outputs (an upload
    called annotated.mp4 can't be overwritten by the annotated video)."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="technique-upload-") as folder:
        path = Path(folder) / "upload" / safe_name(name)
        path.parent.mkdir()
        with open(path, "wb") as handle:
            if isinstance(upload, (bytes, bytearray)):
                handle.write(upload)
            else:
                upload.seek(0)
                shutil.copyfileobj(upload, handle, 1 << 20)
        yield path


def review_clip(upload, name: str, movement: str | None = None, working_leg: str = "auto",
                blur_faces: bool = True, references: dict | None = None,
                progress: Callable[[float, str], None] | None = None, dancer: int | None = None) -> Review:
    """Analyse an uploaded clip (a file-like object or bytes) in a temp folder that is always removed;
    in a class clip, `dancer` is the one to judge, counted from the left of the picture (1 the leftmost).

    Raises a TechniqueError subclass (with .reason) for a clip that can't be scored.
    """
    from technique.outputs.history import content_hash
    from technique.analyser import AnalysisConfig, analyse_class, analyse_clip
    from technique.outputs.report import report_dict
    from technique.outputs.writer import Outputs, shown_as, still_frame, write_outputs

    def tell(fraction: float, text: str) -> None:
        if progress:
            progress(min(max(fraction, 0.0), 1.0), text)

    with uploaded_copy(upload, name) as path:
        tell(0.0, "Finding the dancer…")
        reading = lambda done, total: tell(0.8 * done / max(total, done, 1),  # noqa: E731
                                         f"Finding the dancer… frame {done} of {max(total, done)}")
        config = AnalysisConfig(working_leg=working_leg)
        if dancer:
            result = analyse_class(path, movement, config, references, reading, str(dancer)).dancers[0]
            if result.error is not None:
                raise result.error
            analysis = result.analysis
        else:
            analysis = analyse_clip(path, movement, config, references, progress=reading)
        named = shown_as(analysis, name)  # the temp folder means nothing to the reader
        report = report_dict(named)
        tell(0.8, "Writing the annotated video…")
        paths = write_outputs(named, path, path.parent.parent / "outputs", Outputs(blur_faces=blur_faces))
        video, frames_csv = paths["video"].read_bytes(), paths["frames"].read_bytes().decode("utf-8")
        tell(0.95, "Picking the worst moment…")
        c = analysis.comparison
        images = frames_at(path, (still_frame(analysis, fallback=False), c.worst_frame if c else None),
                           analysis.info.turn)
        still = worst_still(analysis, images, blur_faces)
        pair = side_by_side(analysis, images.get(c.worst_frame) if c else None, blur_faces)
        clip_hash = content_hash(path)
    tell(1.0, "Done")
    return Review(name, analysis, report, frames_csv, video, still, clip_hash, pair)


def teacher_name_problem(name: str, references: dict, overwrite: bool = False) -> str | None:
    """Why a name can't be used for a new teacher's reference (None when it can): the same rule as
    `technique reference from-video` (teacher.name_problem)."""
    from technique.outputs.teacher_reference import name_problem

    problem = name_problem(name, references, overwrite)
    return problem and problem[0].upper() + problem[1:] + ("" if problem.endswith(".") else ".")


def make_teacher_reference(upload, clip_name: str, name: str, movement: str | None, working_leg: str = "auto",
                           references: dict | None = None,
                           progress: Callable[[float, str], None] | None = None,
                           overwrite: bool = False) -> tuple[dict, Path]:
    """Analyse a teacher's demonstration (in a temp folder that is always removed) and save it as a
    reference in the user's references folder, as `technique reference from-video` does.

    Returns (the reference's data, its file). Raises TechniqueError (a clip that can't be analysed,
    a movement not recognised) or OSError (the folder can't be written).
    """
    from technique.judging.references import load_references, user_folder
    from technique.outputs.teacher_reference import make_teacher_reference as make

    references = references if references is not None else load_references()
    with uploaded_copy(upload, clip_name) as path:
        return make(path, name, movement, references, user_folder(), working_leg, overwrite,
                    progress=lambda done, total: progress and progress(
                        min(done / max(total, done, 1), 1.0), f"Finding the dancer… frame {done} of {max(total, done)}"),
                    hint="; choose which movement it is")


def cached_references() -> dict:
    """All references (built-in and the user's folder). Loaded again whenever a reference file is
    added, changed or removed (a teacher's reference saved on the page or from the command line)."""
    import streamlit as st

    from technique.judging.references import reference_files

    from technique.errors import TechniqueError

    @st.cache_resource(show_spinner=False, max_entries=4)
    def load(signature: tuple, user: bool = True) -> tuple[dict, list]:
        from technique.judging.references import load_references

        problems: list = []
        return load_references(user=user, problems=problems), problems

    try:
        signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in reference_files())
    except OSError:  # a file removed while listing: read afresh
        signature = (time.monotonic(),)
    try:
        references, problems = load(signature)
    except TechniqueError as exc:  # the user's folder can't be listed: say why, keep working
        st.error(f"The references folder could not be read, so only the built-in movements are offered: {exc}")
        return load(("built-in",), user=False)[0]
    for problem in problems:  # a malformed file in the user's folder: say which, keep the others
        st.warning(f"A reference file was skipped: {problem}")
    return references
