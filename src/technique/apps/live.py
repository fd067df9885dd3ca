"""Live practice: one camera stream, one frame at a time, judged like a clip.

``LiveCoach`` owns one ``PoseEstimator`` and one ``PoseSmoother`` (one per stream: never share a
coach between streams or threads). For each frame it measures the dancer with the same
``measures.dancer_measures`` and picks the correction with ``judge.frame_cue``, then steadies what it
shows: a correction appears only once it has held for ``cue_hold_s`` (no flicker) and goes as soon
as the frame no longer warrants it (never "lift the leg" over a leg in the green); an angle is
coloured only while its moment is held. Picture and page come from one ``FrameResult``. The
working leg changes only after the other leg has clearly been higher for ``leg_switch_s``, and a
hold timer runs while the movement's first moment is held.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from technique.judging.judge import band_of, correction_for, frame_cue
from technique.analysis.measures import OTHER, SIDES, dancer_measures, side_measures, view_of
from technique.capture.pose import PoseConfig
from technique.judging.references import Criterion, Reference
from technique.analysis.smoothing import SmoothingConfig

NO_DANCER = "Step into view: the whole body, head to feet"
FREE_PRACTICE_MEASURES = ("supporting_knee", "working_knee", "working_leg_height")
FREE_PRACTICE_NAMES = {"supporting_knee": "Supporting knee", "working_knee": "Working knee",
                       "working_leg_height": "Leg height"}


@dataclass(frozen=True)
class LiveConfig:
    """Settings of a live stream.

    cue_hold_s: a new correction (or its absence) must persist this long before it is shown.
    leg_switch_s, leg_margin: in "auto", the other leg becomes the working leg once its ankle has
        stood more than leg_margin leg lengths higher than the current one's for leg_switch_s.
    hold_grace_s: a position dropped for less than this (a wobble, a missed frame) doesn't stop the
        hold timer.
    view_window_s: the camera view is the median of the body's yaw over this window.
    """

    pose: PoseConfig = PoseConfig()
    smoothing: SmoothingConfig = SmoothingConfig()
    cue_hold_s: float = 0.5
    leg_switch_s: float = 0.4
    leg_margin: float = 0.15
    hold_grace_s: float = 0.3
    view_window_s: float = 1.0
    key_count: int = 3


@dataclass(frozen=True)
class KeyValue:
    """One of the angles shown on the video: its name, formatted value and band (or "")."""

    name: str
    text: str
    band: str


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
class FrameResult:
    """One analysed frame: the skeleton, the key angles with their bands and the correction,
    all from this frame (the picture and the page are drawn from it)."""

    pixels: np.ndarray
    working_leg: str
    view: str
    person: bool
    values: tuple["KeyValue", ...]
    cue: str
    message: str
    holding: bool
    hold_s: float


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


def moment_held(reference: Reference, name: str, row: dict[str, float]) -> bool:
    """True while the moment `name` is held in this frame: its driver past the moment's threshold
    (the rule judge.frame_cue uses). "all" is always held."""
    if name == "all":
        return True
    moment = reference.moments[name]
    driver = row.get(moment.driver, math.nan)
    if not math.isfinite(driver):
        return False
    return driver >= moment.threshold if moment.select in ("max", "peaks") else driver <= moment.threshold


def in_position(reference: Reference | None, row: dict[str, float]) -> bool:
    """True while the reference's first moment is held (the hold timer runs then)."""
    return reference is not None and moment_held(reference, next(iter(reference.moments)), row)


def still_true(cue: str, source: Criterion | None, reference: Reference | None, row: dict[str, float],
               person: bool) -> bool:
    """Whether a correction chosen on earlier frames still describes this one: the same words would
    be said for its criterion now (its moment held, the value on the same wrong side)."""
    if cue == NO_DANCER:
        return not person
    if source is None or reference is None or not person:
        return False
    value = row.get(source.measure, math.nan)
    return (math.isfinite(value) and moment_held(reference, source.moment, row)
            and correction_for(value, source) == cue)


def key_criteria(reference: Reference, view: str, count: int = 3) -> list[Criterion]:
    """The heaviest criteria judgeable from this view, one per measure (as on the annotated video)."""
    chosen, measures = [], set()
    for c in sorted(reference.criteria, key=lambda c: -c.weight):
        if view in c.views and c.measure not in measures:
            chosen.append(c)
            measures.add(c.measure)
    return chosen[:count]


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
    """The streaming coach for one camera: ``process(frame_bgr, time_s) -> (annotated, LiveState)``.

    reference: the movement practised (None: free practice, skeleton and leg angles only).
    working_leg: "left", "right" or "auto" (the dancer's own leg, whether or not the view is mirrored).
    mirror: show the picture as a mirror would (dancers expect one); the measures don't change.
    """

    def __init__(self, reference: Reference | None = None, working_leg: str = "auto", mirror: bool = False,
                 config: LiveConfig = LiveConfig()):
        from technique.capture.pose import PoseEstimator
        from technique.analysis.smoothing import PoseSmoother

        self.config = config
        self._estimator = PoseEstimator(config.pose)
        self._smoother = PoseSmoother(config.smoothing)
        self._cue = SteadyText(config.cue_hold_s)
        self._sources: dict[str, Criterion | None] = {}  # each correction's criterion, for still_true
        self._hold = _HoldTimer(config.hold_grace_s)
        self.reference: Reference | None = None
        self._clock = _Clock()
        self._yaws: deque[tuple[float, float]] = deque()
        self._leg = "right"
        self._challenger_since: float | None = None
        self._last_time = -math.inf
        self.frames = 0
        self.configure(reference, working_leg, mirror)

    def configure(self, reference: Reference | None, working_leg: str = "auto", mirror: bool = False) -> None:
        """Change the movement, working leg or mirror without restarting the stream."""
        if working_leg not in ("auto", *SIDES):
            raise ValueError(f"working_leg must be auto, left or right, not {working_leg!r}")
        changed = reference is not self.reference
        self.reference, self.working_leg, self.mirror = reference, working_leg, mirror
        if changed:  # a new movement: a new hold timer and no stale correction
            self._hold = _HoldTimer(self.config.hold_grace_s)
            self._cue = SteadyText(self.config.cue_hold_s)
            self._sources = {}

    def _choose_leg(self, pixels: np.ndarray, world: np.ndarray, time_s: float) -> str:
        """The working leg, with hysteresis: the other leg must be clearly higher for a moment."""
        if self.working_leg in SIDES:
            return self.working_leg
        rise = {s: float(side_measures(pixels, world, s).ankle_rise) for s in SIDES}
        other = OTHER[self._leg]
        if math.isfinite(rise[other]) and rise[other] - np.nan_to_num(rise[self._leg], nan=-1.0) > self.config.leg_margin:
            if self._challenger_since is None:
                self._challenger_since = time_s
            if time_s - self._challenger_since >= self.config.leg_switch_s:
                self._leg, self._challenger_since = other, None
        else:
            self._challenger_since = None
        return self._leg

    def _view(self, yaw: float, time_s: float) -> str:
        if math.isfinite(yaw):
            self._yaws.append((time_s, yaw))
        while self._yaws and time_s - self._yaws[0][0] > self.config.view_window_s:
            self._yaws.popleft()
        return view_of(np.array([y for _, y in self._yaws])) if self._yaws else "unknown"

    def process(self, frame_bgr: np.ndarray, time_s: float) -> tuple[np.ndarray, LiveState]:
        """Measure, judge and draw one frame. `time_s` must increase (stream time in seconds).

        The picture and the state come from one FrameResult: the skeleton, the colours and the
        correction shown are those of this frame, never of an earlier one.
        """
        started = time.perf_counter()
        if time_s <= self._last_time:  # a camera that restarts its clock: keep the smoother monotonic
            time_s = self._last_time + 1e-3
        self._last_time = time_s
        result = self.analyse(frame_bgr, time_s)
        self.frames += 1
        image = self._draw(frame_bgr, result)
        fps = self._clock.tick(time.perf_counter())
        ref = self.reference
        state = LiveState(
            frame=self.frames, time_s=time_s, person=result.person, working_leg=result.working_leg,
            view=result.view, cue=result.cue, values=result.values, holding=result.holding, hold_s=result.hold_s,
            best_hold_s=self._hold.best, fps=fps, process_ms=(time.perf_counter() - started) * 1000,
            movement=ref.title if ref else "", message=result.message,
        )
        return image, state

    def analyse(self, frame_bgr: np.ndarray, time_s: float) -> FrameResult:
        """Pose, measures and judgement of one frame, with the steadied correction checked against it."""
        clean = self._smoother.update(self._estimator.process(frame_bgr), time_s)
        pixels, world = clean.pixels, clean.world
        leg = self._choose_leg(pixels, world, time_s)
        row = {k: float(v) for k, v in dancer_measures(pixels, world, leg).items()}
        view = self._view(row["facing_yaw"], time_s)
        ref = self.reference
        holding = clean.detected and in_position(ref, row)
        hold_s = self._hold.update(holding, time_s)
        criterion = None
        if not clean.detected:
            wanted = NO_DANCER
        elif ref is not None:
            wanted, criterion = frame_cue(ref, row, view)
        else:
            wanted = ""
        if wanted:
            self._sources[wanted] = criterion
        cue = self._cue.update(wanted, time_s)
        source = self._sources.get(cue)
        if cue and cue != wanted and not still_true(cue, source, ref, row, clean.detected):
            self._cue.reset()  # the dancer has corrected it: don't say it over a green leg
            cue, source = "", None
        values = self._key_values(row, view, clean.detected, source)
        message = cue or ("Hold it." if holding and all(v.band == "good" for v in values if v.band) else "")
        return FrameResult(pixels, leg, view, clean.detected, values, cue, message, holding, hold_s)

    def _key_values(self, row: dict[str, float], view: str, person: bool,
                    cue_source: Criterion | None) -> tuple[KeyValue, ...]:
        """The key angles of this frame, each with its band only while its moment is held here
        (and the criterion behind the correction shown, if it isn't one of them)."""
        from technique.outputs.overlay import format_value

        if self.reference is None:
            return tuple(KeyValue(FREE_PRACTICE_NAMES[m], format_value(m, row[m]), "")
                         for m in FREE_PRACTICE_MEASURES)
        shown = key_criteria(self.reference, view, self.config.key_count)
        if cue_source is not None and cue_source not in shown:
            shown.append(cue_source)
        out = []
        for c in shown:
            value = row[c.measure]
            judged = person and math.isfinite(value) and moment_held(self.reference, c.moment, row)
            out.append(KeyValue(c.name, format_value(c.measure, value), band_of(value, c) if judged else ""))
        return tuple(out)

    def draw(self, frame_bgr: np.ndarray, result: FrameResult) -> np.ndarray:
        """The frame with this result drawn on it (the dashboard draws the latest result on every frame)."""
        return self._draw(frame_bgr, result)

    def _draw(self, frame_bgr: np.ndarray, result: FrameResult) -> np.ndarray:
        from technique.outputs.overlay import GREY, VERDICT_COLOURS, WHITE, draw_panel, draw_skeleton

        pixels = result.pixels
        if self.mirror:
            image = np.ascontiguousarray(frame_bgr[:, ::-1])
            pixels = pixels.copy()
            pixels[:, 0] = image.shape[1] - pixels[:, 0]
        else:
            image = frame_bgr.copy()
        draw_skeleton(image, pixels, result.working_leg)
        lines = [(f"{v.name}: {v.text}", VERDICT_COLOURS.get(v.band, GREY)) for v in result.values]
        if self.reference is not None:
            best = f"  (best {self._hold.best:.1f} s)" if self._hold.best >= 1 else ""
            held = result.holding or result.hold_s
            lines.append((f"Hold {result.hold_s:.1f} s{best}" if held else f"Hold -{best}", WHITE))
        title = self.reference.title if self.reference else "Free practice"
        draw_panel(image, title, lines, result.cue, f"frame {self.frames}", cue_scale=2.0)
        return image

    def close(self) -> None:
        self._estimator.close()

    def __enter__(self) -> "LiveCoach":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
