"""Live practice: the camera stream through the one analyser, with what a dancer needs shown steadily.

``LiveCoach`` feeds each camera frame to an ``analyser.Analyser`` judging frames as they come (the
same criteria, moments and words as a clip's review: ``judge.frame_cue``), then steadies what it
shows: a correction appears only once it has held for ``cue_hold_s`` (no flicker) and goes as soon
as the frame no longer warrants it (never "lift the leg" over a leg in the green); an angle is
coloured only while its moment is reached. Picture and page come from one ``LiveFrame``. A hold
timer runs while the movement's first moment is held. One coach per stream: never share it.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np

from technique.analyser import AnalysisConfig, FrameResult, KeyValue
from technique.analyser.stream import frame_values
from technique.judging.judge import correction_for, in_moment
from technique.judging.references import Criterion, Reference
from technique.wording import say

NO_DANCER = say("step_into_view")


@dataclass(frozen=True)
class LiveConfig:
    """Settings of a live stream.

    analysis: pose, smoothing and frame-by-frame judging (leg switching, view window, key angles).
    cue_hold_s: a new correction (or its absence) must persist this long before it is shown.
    hold_grace_s: a position dropped for less than this (a wobble, a missed frame) doesn't stop the
        hold timer.
    """

    analysis: AnalysisConfig = AnalysisConfig()
    cue_hold_s: float = 0.5
    hold_grace_s: float = 0.3


@dataclass(frozen=True)
class LiveState:
    """What the coach knows after one frame (handed to the page through a queue)."""

    frame: int  # frames processed in this stream, counting from 1
    time_s: float
    person: bool
    working_leg: str
    view: str
    cue: str  # the steady correction shown ("" when there is none)
    values: tuple[KeyValue, ...]
    holding: bool
    hold_s: float  # how long the current hold has lasted
    best_hold_s: float  # the longest hold in this stream
    fps: float  # frames processed per second, over the last couple of seconds
    process_ms: float  # time spent on this frame
    movement: str = ""
    message: str = ""  # what the page says: the correction, "Hold it." while held and all good, or ""


@dataclass(frozen=True)
class LiveFrame:
    """One analysed frame as shown: the analyser's reading with the steadied correction and the
    hold (the picture and the page are drawn from it)."""

    reading: FrameResult
    cue: str
    message: str
    hold_s: float
    values: tuple[KeyValue, ...]


class SteadyText:
    """Text that changes only after a new value has persisted for `hold_s` seconds."""

    def __init__(self, hold_s: float):
        self.hold_s = hold_s
        self.shown = ""
        self._pending = ""
        self._since = -math.inf

    def reset(self) -> None:
        """Show nothing now; any text must persist `hold_s` again before it is shown."""
        self.shown, self._pending, self._since = "", "", -math.inf

    def update(self, text: str, time_s: float) -> str:
        if text != self._pending:
            self._pending, self._since = text, time_s
        if self._pending != self.shown and time_s - self._since >= self.hold_s:
            self.shown = self._pending
        return self.shown


@dataclass
class _HoldTimer:
    grace_s: float
    start: float | None = None
    last_in: float = -math.inf
    best: float = 0.0

    def update(self, in_position: bool, time_s: float) -> float:
        if in_position:
            if self.start is None:
                self.start = time_s
            self.last_in = time_s
        elif self.start is not None and time_s - self.last_in > self.grace_s:
            self.start = None
        if self.start is None:
            return 0.0
        held = self.last_in - self.start
        self.best = max(self.best, held)
        return held


def still_true(cue: str, source: Criterion | None, reference: Reference | None, row: dict[str, float],
               person: bool) -> bool:
    """Whether a correction chosen on earlier frames still describes this one: the same words would
    be said for its criterion now (its moment reached, the value on the same wrong side)."""
    if cue == NO_DANCER:
        return not person
    if source is None or reference is None or not person:
        return False
    value = row.get(source.measure, math.nan)
    return math.isfinite(value) and in_moment(reference, source, row) and correction_for(value, source) == cue


@dataclass
class _Clock:
    """Processed frames per second over a sliding window of wall-clock stamps."""

    window_s: float = 2.0
    stamps: deque = field(default_factory=lambda: deque(maxlen=240))

    def tick(self, now: float) -> float:
        self.stamps.append(now)
        while len(self.stamps) > 2 and now - self.stamps[0] > self.window_s:
            self.stamps.popleft()
        if len(self.stamps) < 2:
            return 0.0
        return (len(self.stamps) - 1) / max(now - self.stamps[0], 1e-9)


class LiveCoach:
    """The streaming coach for one camera: ``process(frame_bgr, time_s) -> (annotated, LiveState)``,
    or ``analyse`` then ``draw`` when the picture is shown apart from the analysis.

    reference: the movement practised (None: free practice, skeleton and leg angles only).
    working_leg: "left", "right" or "auto" (the dancer's own leg, whether or not the view is mirrored).
    mirror: show the picture as a mirror would (dancers expect one); the measures don't change.
    """

    def __init__(self, reference: Reference | None = None, working_leg: str = "auto", mirror: bool = False,
                 config: LiveConfig = LiveConfig()):
        self.config = config
        self._analyser = None  # made at the first frame, when the camera's picture size is known
        self._clock = _Clock()
        self.frames = 0
        self.reference: Reference | None = None
        self._hold = _HoldTimer(config.hold_grace_s)
        self._cue = SteadyText(config.cue_hold_s)
        self._sources: dict[str, Criterion | None] = {}  # each correction's criterion, for still_true
        self.configure(reference, working_leg, mirror)

    def configure(self, reference: Reference | None, working_leg: str = "auto", mirror: bool = False) -> None:
        """Change the movement, working leg or mirror without restarting the stream."""
        if working_leg not in ("auto", "left", "right"):
            raise ValueError(f"working_leg must be auto, left or right, not {working_leg!r}")
        if reference is not self.reference:  # a new movement: a new hold timer and no stale correction
            self._hold = _HoldTimer(self.config.hold_grace_s)
            self._cue = SteadyText(self.config.cue_hold_s)
            self._sources = {}
        self.reference, self.working_leg, self.mirror = reference, working_leg, mirror
        if self._analyser is not None:
            self._analyser.configure(reference, working_leg)

    def _stream(self, frame_bgr: np.ndarray):
        if self._analyser is None:
            from technique.analyser import Analyser
            from technique.capture.video import VideoInfo

            height, width = frame_bgr.shape[:2]
            info = VideoInfo("camera", width, height, 30.0, 0, 0.0, 0, (width, height))
            self._analyser = Analyser(info, replace(self.config.analysis, working_leg=self.working_leg),
                                      self.reference, judge_frames=True)
        return self._analyser

    def process(self, frame_bgr: np.ndarray, time_s: float) -> tuple[np.ndarray, LiveState]:
        """Measure, judge and draw one frame. `time_s` must increase (stream time in seconds).

        The picture and the state come from one LiveFrame: the skeleton, the colours and the
        correction shown are those of this frame, never of an earlier one.
        """
        started = time.perf_counter()
        result = self.analyse(frame_bgr, time_s)
        image = self.draw(frame_bgr, result)
        fps = self._clock.tick(time.perf_counter())
        return image, self.state(result, fps, (time.perf_counter() - started) * 1000)

    def state(self, result: "LiveFrame", fps: float, process_ms: float) -> LiveState:
        """What the page shows about the last analysed frame (fps and process_ms as the caller counts them)."""
        ref = self.reference
        reading = result.reading
        return LiveState(
            frame=self.frames, time_s=reading.time_s, person=reading.person,
            working_leg=reading.working_leg, view=reading.view, cue=result.cue, values=result.values,
            holding=reading.in_position, hold_s=result.hold_s, best_hold_s=self._hold.best, fps=fps,
            process_ms=process_ms, movement=ref.title if ref else "", message=result.message,
        )

    def analyse(self, frame_bgr: np.ndarray, time_s: float) -> LiveFrame:
        """The analyser's reading of one frame, with the steadied correction checked against it."""
        reading = self._stream(frame_bgr).feed(frame_bgr, time_s)
        self.frames += 1
        hold_s = self._hold.update(reading.in_position, reading.time_s)
        wanted = NO_DANCER if not reading.person else reading.cue
        if wanted:
            self._sources[wanted] = reading.criterion
        cue = self._cue.update(wanted, reading.time_s)
        source = self._sources.get(cue)
        if cue and cue != wanted and not still_true(cue, source, self.reference, reading.measures, reading.person):
            self._cue.reset()  # the dancer has corrected it: don't say it over a green leg
            cue, source = "", None
        # the key angles, and the criterion behind the correction shown (steadied, not this frame's)
        values = reading.values if source is reading.criterion else frame_values(
            self.reference, reading.measures, reading.view, reading.person, self.config.analysis.frames.key_count, source)
        good = all(v.band == "good" for v in values if v.band)
        message = cue or (say("hold_it") if reading.in_position and good else "")
        return LiveFrame(reading, cue, message, hold_s, values)

    def draw(self, frame_bgr: np.ndarray, result: LiveFrame) -> np.ndarray:
        """The frame as the dancer sees it: mirrored if asked, skeleton, key angles, hold and cue."""
        from technique.outputs.overlay import GREY, VERDICT_COLOURS, WHITE, draw_panel, draw_skeleton

        pixels = result.reading.pixels
        if self.mirror:
            image = np.ascontiguousarray(frame_bgr[:, ::-1])
            pixels = pixels.copy()
            pixels[:, 0] = image.shape[1] - pixels[:, 0]
        else:
            image = frame_bgr.copy()
        draw_skeleton(image, pixels, result.reading.working_leg)
        lines = [(f"{v.name}: {v.text}", VERDICT_COLOURS.get(v.band, GREY)) for v in result.values]
        if self.reference is not None:
            best = f"  (best {self._hold.best:.1f} s)" if self._hold.best >= 1 else ""
            held = result.reading.in_position or result.hold_s
            lines.append((f"Hold {result.hold_s:.1f} s{best}" if held else f"Hold -{best}", WHITE))
        title = self.reference.title if self.reference else say("free_practice")
        draw_panel(image, title, lines, result.cue, f"frame {self.frames}", cue_scale=2.0)
        return image

    def close(self) -> None:
        if self._analyser is not None:
            self._analyser.close()

    def __enter__(self) -> "LiveCoach":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
