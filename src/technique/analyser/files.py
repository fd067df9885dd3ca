"""A video file through the analyser: read it (turned upright if it must be), then judge it.

A clip whose first seconds show the dancer lying across the picture or upside down is read a second
time turned upright (``info.turn`` says by how much), so that angles mean what they say; if she is
then not upright for most of the clip, the turn was wrong (she lay down at first) and the clip is
read as it is.
"""

from __future__ import annotations

import os
import threading
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
    dancer is found to need turning (nothing measured sideways is kept).

    A long clip is read in two parts at once, one per core (a pose tracker is sequential, so one
    stream can't use the second core): the later part starts `warm_up_s` early, so that its tracker
    and smoother have settled by the frame where it takes over, and those frames are dropped.
    """
    from technique.capture.video import VideoReader, open_video

    with open_video(source, config.max_side, turn) as reader:
        watch = watch and isinstance(reader, VideoReader)  # a camera can't be read again
        info = reader.info
        split = _split_at(info, config) if isinstance(reader, VideoReader) else None
        with Analyser(info, config, watch_turn=watch) as analyser, \
                _LaterPart(source, config, turn, info, split) as later:
            count = _feed(analyser, reader, split, watch, lambda done: progress and progress(
                done + later.done, info.frame_count))
            if watch and analyser.turn:
                return _Pass(info, analyser.turn, False)
            problem, warnings = reader.problem, list(getattr(reader, "warnings", ()))
            if later.started and count == split:  # the first part ended where the later one takes over
                later.wait(lambda: progress and progress(count + later.done, info.frame_count))
                analyser.join(later.analyser, later.overlap)
                problem, warnings = later.problem or problem, later.warnings
            reading = _Pass(info, 0, analyser.upright())
            try:
                reading.track, reading.warnings = analyser.finish_track(problem, tuple(warnings))
            except TechniqueError as exc:
                reading.error = exc
            return reading


def _split_at(info: VideoInfo, config: AnalysisConfig) -> int | None:
    """The frame where a second core takes over, or None for a clip too short to gain from it."""
    if config.read_in_parts < 2 or info.frame_count < config.split_above_s * info.fps:
        return None
    return info.frame_count // 2


def _feed(analyser: Analyser, reader, stop: int | None, watch: bool, progress: Callable[[int], None]) -> int:
    """Feed the reader's frames (up to `stop`) to the analyser; how many were fed."""
    from technique.capture.video import prefetched

    count = 0
    for frame in prefetched(iter(reader)):
        if stop is not None and frame.index >= stop:
            break
        analyser.feed(frame.image, frame.time_s)
        count += 1
        if watch and analyser.turn:
            break
        progress(count)
    return count


class _LaterPart:
    """The later part of a clip, analysed in a thread by its own analyser (its own pose tracker)
    while the caller analyses the first part. Stops early if the caller leaves (an error, a turn)."""

    def __init__(self, source, config: AnalysisConfig, turn: int, info: VideoInfo, split: int | None):
        self.overlap = min(split, round(config.warm_up_s * info.fps)) if split else 0
        self.started, self.done = split is not None, 0
        self.problem: str | None = None
        self.warnings: list[str] = []
        self._error: BaseException | None = None
        self._args = (source, config, turn, info, split)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="technique-later-part", daemon=True)
        self.analyser: Analyser | None = None

    def __enter__(self) -> "_LaterPart":
        if self.started:
            self._thread.start()
        return self

    def _run(self) -> None:
        from technique.capture.video import VideoReader

        source, config, turn, info, split = self._args
        try:
            with VideoReader(source, config.max_side, turn) as reader:
                self.analyser = Analyser(info, config, first_index=split - self.overlap, people_from=split)
                for frame in reader.frames(split - self.overlap, self._stop):
                    self.analyser.feed(frame.image, frame.time_s)
                    self.done = max(0, frame.index + 1 - split)
                if not self._stop.is_set():
                    self.problem, self.warnings = reader.problem, list(reader.warnings)
        except BaseException as exc:  # handed to the caller in wait()
            self._error = exc

    def wait(self, progress: Callable[[], None]) -> None:
        """Wait for the later part (reporting progress); its error, if any, is raised here."""
        while self._thread.is_alive():
            self._thread.join(timeout=0.2)
            progress()
        if self._error is not None:
            raise self._error

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.started:
            self._thread.join()
        if self.analyser is not None:
            self.analyser.close()


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
