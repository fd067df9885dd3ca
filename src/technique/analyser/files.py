"""A video file through the analyser: read it (turned upright if it must be), then judge it.

A clip whose first seconds show the dancer lying across the picture or upside down is read a second
time turned upright (``info.turn`` says by how much), so that angles mean what they say; if she is
then not upright for most of the clip, the turn was wrong (she lay down at first) and the clip is
read as it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from technique.analyser.clip import Analysis, AnalysisConfig, judge_track
from technique.analyser.stream import Analyser
from technique.analysis.smoothing import TrackArrays
from technique.capture.video import VideoInfo
from technique.errors import TechniqueError
from technique.judging.references import Reference, get_reference, load_references

Progress = Callable[[int, int], None]


@dataclass
class _Pass:
    """One reading of the clip: its info, and the track with its warnings or why there is none."""

    info: VideoInfo
    turn: int | None  # the turn found while watching (then nothing else was kept)
    upright: bool
    track: TrackArrays | None = None
    warnings: list[str] | None = None
    error: TechniqueError | None = None


def _read(source, config: AnalysisConfig, progress: Progress | None, turn: int, watch: bool) -> _Pass:
    """One pass over the clip turned by `turn` degrees; when watching, it stops as soon as the
    dancer is found to need turning (nothing measured sideways is kept)."""
    from technique.capture.video import VideoReader, open_video, prefetched

    with open_video(source, config.max_side, turn) as reader:
        watch = watch and isinstance(reader, VideoReader)  # a camera can't be read again
        with Analyser(reader.info, config, watch_turn=watch) as analyser:
            for frame in prefetched(iter(reader)):
                analyser.feed(frame.image, frame.time_s)
                if watch and analyser.turn:
                    return _Pass(reader.info, analyser.turn, False)
                if progress:
                    progress(frame.index + 1, reader.info.frame_count)
            reading = _Pass(reader.info, 0, analyser.upright())
            try:
                reading.track, reading.warnings = analyser.finish_track(
                    reader.problem, tuple(getattr(reader, "warnings", ())))
            except TechniqueError as exc:
                reading.error = exc
            return reading


def read_track(source, config: AnalysisConfig = AnalysisConfig(),
               progress: Progress | None = None) -> tuple[VideoInfo, TrackArrays, list[str]]:
    """Stream a video through the analyser; keep only the cleaned landmarks (and what to know)."""
    reading = _read(source, config, progress, turn=0, watch=True)
    if reading.turn:
        reading = _read(source, config, progress, turn=reading.turn, watch=False)
        if not reading.upright:
            reading = _read(source, config, progress, turn=0, watch=False)
    if reading.error is not None:
        raise reading.error
    return reading.info, reading.track, reading.warnings


def analyse_clip(source: str | os.PathLike, movement: str | None = None,
                 config: AnalysisConfig = AnalysisConfig(), references: dict[str, Reference] | None = None,
                 progress: Progress | None = None) -> Analysis:
    """Read, measure and judge one clip. Raises a TechniqueError subclass naming the file and reason."""
    references = references if references is not None else load_references(config.reference_folders)
    if movement:
        get_reference(movement, references)  # an unknown name fails before minutes of video work
    info, track, warnings = read_track(source, config, progress)
    return judge_track(info, track, movement, references, config, warnings)
