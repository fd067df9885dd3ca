"""One analyser for every stream of frames: a file, the webcam, a class clip.

``Analyser.feed(image, time_s) -> FrameResult`` finds the dancer, cleans her landmarks and, when
asked (live practice), measures and judges that frame at once; ``finish() -> Analysis`` judges the
whole stream as a clip. A frame's correction is ``judge.frame_cue``: the criteria of the reference
file, each spoken while its moment's position is reached, the same rule the annotated video applies
to the moments found in the whole clip. So a live cue and the later review of the same movement
use the same criteria, bands and words, and never contradict each other on a frame both judge.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from technique.analyser.clip import Analysis, AnalysisConfig, judge_track
from technique.analysis.direction import view_of
from technique.analysis.geometry import OTHER, SIDES, side_measures
from technique.analysis.measures import dancer_measures
from technique.capture.video import VideoInfo
from technique.errors import NoPersonError, VideoError
from technique.judging.judge import band_of, doubt_given, frame_cue, in_moment, key_criteria
from technique.judging.references import Criterion, Reference
from technique.wording import FREE_PRACTICE, format_value
from technique.wording import say



@dataclass(frozen=True)
class KeyValue:
    """One of the angles shown on a frame: its name, formatted value and band ("" when not judged here)."""

    name: str
    text: str
    band: str


@dataclass(frozen=True)
class FrameResult:
    """One analysed frame: where the dancer is and, when frames are judged, what this frame says.

    pixels: (33, 2) landmarks in the frame's pixels, NaN where unseen. measures: this frame's
    measures ({} when frames aren't judged). cue: the correction this frame warrants ("" if none) and
    criterion the one it comes from. values: the key angles with their bands.
    """

    index: int
    time_s: float
    person: bool
    pixels: np.ndarray
    working_leg: str
    view: str
    measures: dict
    in_position: bool = False  # the movement's first moment reached in this frame
    cue: str = ""
    criterion: Criterion | None = None
    values: tuple[KeyValue, ...] = ()


class LegChooser:
    """The working leg of a stream, with hysteresis: the other leg becomes the working one only once
    its ankle has stood `margin` leg lengths higher for `switch_s` (a named leg never changes)."""

    def __init__(self, named: str, switch_s: float, margin: float):
        if named not in ("auto", *SIDES):
            raise ValueError(f"working_leg must be auto, left or right, not {named!r}")
        self.named, self.switch_s, self.margin = named, switch_s, margin
        self.leg = named if named in SIDES else "right"
        self._since: float | None = None

    def update(self, pixels: np.ndarray, world: np.ndarray, time_s: float) -> str:
        if self.named in SIDES:
            return self.named
        rise = {s: float(side_measures(pixels, world, s).ankle_rise) for s in SIDES}
        other = OTHER[self.leg]
        ahead = rise[other] - np.nan_to_num(rise[self.leg], nan=-1.0)
        if math.isfinite(rise[other]) and ahead > self.margin:
            self._since = time_s if self._since is None else self._since
            if time_s - self._since >= self.switch_s:
                self.leg, self._since = other, None
        else:
            self._since = None
        return self.leg


class ViewWindow:
    """The camera's view over the last `window_s` seconds of the body's yaw (a turn doesn't move it)."""

    def __init__(self, window_s: float):
        self.window_s = window_s
        self._yaws: deque[tuple[float, float]] = deque()

    def update(self, yaw: float, time_s: float) -> str:
        if math.isfinite(yaw):
            self._yaws.append((time_s, yaw))
        while self._yaws and time_s - self._yaws[0][0] > self.window_s:
            self._yaws.popleft()
        return view_of(np.array([y for _, y in self._yaws])) if self._yaws else "unknown"


def frame_values(reference: Reference | None, measures: dict[str, float], view: str, person: bool,
                 count: int, also: Criterion | None = None) -> tuple[KeyValue, ...]:
    """The key angles of one frame, each with its band only while its moment is reached here (and
    `also`, the criterion behind the correction shown, if it isn't one of them)."""
    if reference is None:
        return tuple(KeyValue(name, format_value(m, measures[m]), "") for m, name in FREE_PRACTICE.items())
    shown = key_criteria(reference, view, count)
    if also is not None and all(c is not also for c in shown):
        shown.append(also)
    out = []
    for c in shown:
        value = measures[c.measure]
        judged = person and math.isfinite(value) and in_moment(reference, c, measures)
        band = band_of(doubt_given(value, c, view), c) if judged else ""
        out.append(KeyValue(c.name, format_value(c.measure, value), band))
    return tuple(out)


class Analyser:
    """The analysis of one stream. One per stream (its pose tracker keeps state): never share it
    between streams or threads. Use as a context manager, or call ``close()``.

    info: what the stream is (a file's VideoInfo, or the camera's size and rate).
    reference: the movement practised or named (None: recognised at the end; free practice live).
    judge_frames: measure and judge every frame as it comes (live), not only the whole at the end.
    watch_turn: decide from the first seconds whether the clip must be read again turned (files).
    first_index, people_from: for a later part of a clip read on another core, the clip's index of its
        first frame and the first frame that part owns (where it looks for other people).
    place: one dancer of a class clip, fed her own picture (roll_call.own_pictures): her place in the roll
        call, where her finder starts following her; the others are known, so nobody else is looked for.
    """

    def __init__(self, info: VideoInfo, config: AnalysisConfig = AnalysisConfig(),
                 reference: Reference | None = None, judge_frames: bool = False, watch_turn: bool = False,
                 first_index: int = 0, people_from: int = 0, place: tuple | None = None):
        from technique.analysis.smoothing import PoseSmoother, Track
        from technique.capture.framing import DancerFinder

        self.info, self.config, self.judge_frames = info, config, judge_frames
        self._finder = DancerFinder(config.pose, frame_count=0 if place else info.frame_count,
                                    skip_before=people_from, place=place)
        self._finder.watching = watch_turn
        self._smoother = PoseSmoother(config.smoothing)
        self.track = Track(info.fps, (info.width, info.height))
        self._view = ViewWindow(config.frames.view_window_s)
        self._legs: LegChooser | None = None
        self.configure(reference, config.working_leg)
        self._last_time = -math.inf
        self.frames = first_index  # the clip's index of the next frame (a later part starts later)
        self._first = first_index
        self._later: list[tuple[Analyser, int]] = []

    def configure(self, reference: Reference | None, working_leg: str = "auto") -> None:
        """Change the movement or the working leg without restarting the stream (live practice); the
        leg found so far is kept unless the working leg asked for changes."""
        self.reference = reference
        if self._legs is None or self._legs.named != working_leg:
            self._legs = LegChooser(working_leg, self.config.frames.leg_switch_s, self.config.frames.leg_margin)

    @property
    def turn(self) -> int | None:
        """The quarter turn that shows the dancer upright (0: none; None: unsure), once decided."""
        return self._finder.turn

    def upright(self) -> bool:
        """True unless the dancer was turned or tilted in most of the frames seen so far."""
        return self._finder.upright()

    def feed(self, image: np.ndarray, time_s: float) -> FrameResult:
        """Find, clean and (if judging frames) measure and judge one BGR frame. Time must increase;
        a camera that restarts its clock is kept monotonic."""
        time_s = max(time_s, self._last_time + 1e-3) if self.frames > self._first else time_s
        self._last_time = time_s
        pose = self._finder.process(image, self.frames, time_s)
        clean = self._smoother.update(pose, time_s)
        self.track.append(clean)
        index, self.frames = self.frames, self.frames + 1
        if not self.judge_frames:
            return FrameResult(index, time_s, clean.detected, clean.pixels, self._legs.leg, "unknown", {})
        return self._judge_frame(index, time_s, clean)

    def _judge_frame(self, index: int, time_s: float, clean) -> FrameResult:
        leg = self._legs.update(clean.pixels, clean.world, time_s)
        row = {k: float(v) for k, v in dancer_measures(clean.pixels, clean.world, leg).items()}
        view = self._view.update(row["facing_yaw"], time_s)
        ref, person = self.reference, clean.detected
        first = next(iter(ref.moments.values())) if ref is not None else None
        in_position = bool(person and first is not None and first.reached(row.get(first.driver, math.nan)))
        cue, criterion = frame_cue(ref, row, view) if ref is not None and person else ("", None)
        values = frame_values(ref, row, view, person, self.config.frames.key_count, criterion)
        return FrameResult(index, time_s, person, clean.pixels, leg, view, row, in_position, cue, criterion,
                           values)

    def join(self, later: "Analyser", overlap: int) -> None:
        """Append a later part of the same clip, analysed at the same time by `later` (another core);
        its first `overlap` frames were its tracker's warm-up on frames this one already has."""
        self._later.append((later, overlap))

    def finish_track(self, problem: str | None = None, read_warnings: tuple[str, ...] = ()):
        """The stream's cleaned track and what a teacher should know about it; raises when too little
        of the dancer was seen to judge anything (naming the source and why)."""
        from technique.analysis.smoothing import joined

        self._finder.look_for_others()
        track = self.track.arrays()
        for later, overlap in self._later:
            later._finder.look_for_others()
            self._finder.absorb(later._finder)
            track = joined(track, later.track.arrays(), overlap)
        self._later = []
        return checked_track(self.info, track, self.config, problem,
                             self._finder.warnings(self.info.turn) + list(read_warnings))

    def finish(self, references: dict[str, Reference], problem: str | None = None,
               read_warnings: tuple[str, ...] = ()) -> Analysis:
        """The whole stream judged as a clip (the movement named, or recognised)."""
        track, warnings = self.finish_track(problem, read_warnings)
        named = self.reference.name if self.reference is not None else None
        return judge_track(self.info, track, named, references, self.config, warnings)

    def close(self) -> None:
        self._finder.close()

    def __enter__(self) -> "Analyser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def checked_track(info: VideoInfo, arrays, config: AnalysisConfig, problem: str | None,
                  warnings: list[str]):
    """The track if it can show a movement, with warnings; else the error naming the clip and why."""
    source = info.source
    if problem:
        if len(arrays.times) < config.min_frames:
            raise VideoError(source, problem)
        warnings.append(say("part_read", problem=problem))
    if len(arrays.times) < config.min_frames:
        raise VideoError(source, f"too short: {len(arrays.times)} frame(s); a movement needs at least "
                                 f"{config.min_frames} frames (about {config.min_frames / max(info.fps, 1):.2f} s)")
    detected = arrays.detected.mean()
    if not arrays.detected.any():
        raise NoPersonError(source, "no person found in any frame: is the dancer in view and lit?")
    if detected < config.min_detected:
        raise NoPersonError(source, f"a person was found in only {detected:.0%} of the frames; "
                                    "keep the dancer in view for the whole clip")
    if detected < 0.9:
        warnings.append(say("dancer_missing", share=1 - detected))
    return arrays, warnings
