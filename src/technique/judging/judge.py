"""Measures against a reference: find the moments that matter, judge each criterion, score, order corrections.

Scoring a criterion (explainable to a teacher): 100 inside the good band; from 100 down to 60 across
the acceptable band; from 60 down to 0 over the same width again beyond it. The overall score is
the weighted mean of the criteria that could be judged (weights are in the reference file).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from technique.analysis.direction import back_turned, looks_down
from technique.analysis.measures import (HIDDEN_FROM_BEHIND, HIGH_CAMERA_VIEWS, LINE_OF_SIGHT, MEASURE_DOUBT, WORKING_LEG,
                                         precision)
from technique.analysis.motion import finite_stat, held_level, turning_frames
from technique.judging.references import Condition, Criterion, Moment, Reference
from technique.series import FRAME_S, true_runs
from technique.wording import UNITS, format_value, say


@dataclass(frozen=True)
class JudgingConfig:
    """The numbers of scoring and recognition that are not in the reference files."""
    # share of a movement's criteria (by weight) that must be judged to give a score
    min_judged_weight: float = 0.5
    # a clue this view can't show leaves the movement possible, never confident
    unseen_cap: float = 0.6
    # seconds: a held position's moment shorter than this is a glimpse (one frame at the renders' 10 frames a
    # second, up to two at 30), where MediaPipe's reading of the working leg jumped to the position: the leg's
    # own criteria there (measures.WORKING_LEG) are not judged. Dev renders of every benchmark set: on
    # single-frame holds the pointed foot was judged 55 deg off on average, the working knee 10 and the leg
    # height 7 (on holds of 0.4 s and more: 6, 8 and 3.5), and 4 of 23 clean renders were given a fault
    # (14 of 561); on two-frame holds (0.1 s) 15, 3 and 5; the standing knee and the torso read as well on
    # a single frame as anywhere (3.5 and 2.9 deg)
    held_seen_s: float = 0.05


JUDGING = JudgingConfig()


GOOD, ACCEPTABLE, FAULT = "good", "acceptable", "fault"
NOT_ASSESSABLE, NOT_VISIBLE, NOT_FOUND = "not_assessable", "not_visible", "moment_not_found"


def criterion_score(value: np.ndarray | float, c: Criterion) -> np.ndarray:
    """0-100 for each value (NaN stays NaN)."""
    v = np.asarray(value, dtype=float)
    below = c.good[0] - v
    above = v - c.good[1]
    distance = np.maximum(np.maximum(below, above), 0.0)
    width = np.where(below > 0, c.good[0] - c.acceptable[0], c.acceptable[1] - c.good[1])
    width = np.where(width > 0, width, 1e-9)
    inside = 100 - 40 * distance / width
    beyond = 60 - 60 * (distance - width) / width
    score = np.where(distance <= width, inside, np.maximum(beyond, 0.0))
    return np.where(np.isfinite(v), score, np.nan)


def band_of(value: float, c: Criterion) -> str:
    if c.good[0] <= value <= c.good[1]:
        return GOOD
    if c.acceptable[0] <= value <= c.acceptable[1]:
        return ACCEPTABLE
    return FAULT


def doubt_of(c: Criterion | Condition, view: str) -> float:
    """How far `c`'s measure reads off from this view (the criterion's own `doubt` where its file gives one
    for the view, else measures.MEASURE_DOUBT; 0 where none is recorded): a doubt about its level, so none
    for how much it varies (a "range")."""
    if c.aggregate == "range":
        return 0.0
    own = dict(getattr(c, "doubt", ()))
    return own[view] if view in own else MEASURE_DOUBT.get(c.measure, {}).get(view, 0.0)


def toward(value: float, low: float | None, high: float | None, doubt: float) -> float:
    """`value` moved towards [low, high] (None: open that side) by up to `doubt`, no further than its edge."""
    if low is not None and value < low:
        return min(value + doubt, low)
    if high is not None and value > high:
        return max(value - doubt, high)
    return value


def doubt_given(value: float, c: Criterion, view: str) -> float:
    """`value` given the benefit of the doubt its measure has from this view (doubt_of): moved towards
    the acceptable band by up to that doubt, no further than its edge. So a fault is said only past the
    band by more than the view misreads it by; nearer, it is at worst acceptable (and its correction
    still given); a value inside the band is left as it is."""
    return toward(value, c.acceptable[0], c.acceptable[1], doubt_of(c, view))


def aggregate(values: np.ndarray, how: str) -> float:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan")
    return float({
        "median": np.median, "mean": np.mean, "min": np.min, "max": np.max,
        "p05": lambda v: np.percentile(v, 5), "p95": lambda v: np.percentile(v, 95),
        "range": lambda v: np.percentile(v, 95) - np.percentile(v, 5),
    }[how](values))


@dataclass(frozen=True)
class MomentSpan:
    """Where a moment happens: its frames and the frame of its peak (several for repeated cycles)."""

    name: str
    frames: np.ndarray
    peaks: tuple[int, ...]

    def to_dict(self, times: np.ndarray) -> dict:
        return {
            "name": self.name,
            "start_s": round(float(times[self.frames[0]]), 3),
            "end_s": round(float(times[self.frames[-1]]), 3),
            "peak_s": [round(float(times[p]), 3) for p in self.peaks],
            "frames": int(self.frames.size),
        }


def find_moment(moment: Moment, measures: dict[str, np.ndarray]) -> MomentSpan | None:
    """Frames near the driver's extreme (or each cycle's), past the moment's threshold; None if never reached.
    A turning moment is looked for only while she turns, where the rotation shows it: a passé in the
    preparation or the close is not the turn's. Its deepest frame is looked for where she is seen from the
    front or the side, if it is ever reached there: turned away, MediaPipe misplaces her legs (dev renders'
    pirouettes: a passé's knee read 10-30, its toe 0.3-1.3 shank lengths above the knee, facing_away), and
    the moment was that one frame. A turned-away glimpse within the hold stays in it."""
    driver = np.asarray(measures[moment.driver], dtype=float)
    d = (1.0 if moment.select in ("max", "peaks") else -1.0) * driver
    reached = moment.reached(driver)
    turned_away = np.zeros(reached.shape, bool)
    if moment.turning and "body_turn" in measures:
        turning = turning_frames(measures["body_turn"])
        if turning.any():
            reached &= turning
        away = reached & (np.nan_to_num(np.asarray(measures.get("facing_away", 0.0), dtype=float)) > 0.5)
        if (reached & ~away).any():
            turned_away = away
    if not reached.any():
        return None
    shown = np.where(turned_away, -np.inf, d)
    runs = true_runs(reached)
    if moment.select in ("max", "min"):
        best = int(np.nanargmax(np.where(reached, shown, -np.inf)))
        runs = [r for r in runs if r[0] <= best < r[1]]
    frames, peaks = [], []
    for start, stop in runs:
        if turned_away[start:stop].all():
            continue
        peak = start + int(np.nanargmax(shown[start:stop]))
        near = np.flatnonzero((shown[start:stop] >= d[peak] - moment.within) | turned_away[start:stop]) + start
        # keep the contiguous stretch around the peak: a hold, not scattered frames
        run = [r for r in true_runs(np.isin(np.arange(len(d)), near)) if r[0] <= peak < r[1]][0]
        frames.append(np.arange(*run))
        peaks.append(peak)
    return MomentSpan(moment.name, np.concatenate(frames), tuple(peaks))


def moment_frames(name: str, spans: dict[str, MomentSpan | None], active: np.ndarray) -> np.ndarray | None:
    if name == "all":
        return np.flatnonzero(active)
    span = spans.get(name)
    return None if span is None else span.frames


@dataclass(frozen=True)
class Verdict:
    """One criterion judged on one clip."""

    criterion: Criterion
    verdict: str
    value: float | None = None
    score: float | None = None
    worst_value: float | None = None
    worst_frame: int | None = None
    correction: str = ""
    note: str = ""

    @property
    def judged(self) -> bool:
        return self.verdict in (GOOD, ACCEPTABLE, FAULT)

    @property
    def importance(self) -> float:
        """Weight x points lost: how much fixing this would raise the score (0 when not judged)."""
        if not self.judged or self.score is None:
            return 0.0
        return self.criterion.weight * (100 - self.score)


def correction_for(value: float, c: Criterion) -> str:
    if band_of(value, c) == GOOD:
        return ""
    return c.correction_low if value < c.good[0] else c.correction_high


def sights(c: Criterion) -> tuple:
    """The ways the joint `c` judges can point at the camera (measures.LINE_OF_SIGHT), the first one saying
    whether it stays put as she turns and what may cover it; () for a measure with none."""
    return LINE_OF_SIGHT.get(c.measure, ())


def hiding_sight(c: Criterion, measures: dict, frames: np.ndarray | None = None):
    """The first of `c`'s sights (a LineOfSight) by which its joint points at the camera over most of
    `frames` (or in a frame's row of values), so that its bend can't be seen; None where none does."""
    for how in sights(c):
        values = measures.get(how.sight)
        if values is None:
            continue
        values = np.asarray(values, dtype=float)
        if finite_stat(np.median, values[frames] if frames is not None else values) < how.seen_from:
            return how
    return None


def bend_hidden(c: Criterion, measures: dict, frames: np.ndarray | None = None) -> bool:
    """Whether the joint `c` judges points at the camera (most of `frames`; or a frame's row of values),
    so that its bend can't be seen (measures.LINE_OF_SIGHT)."""
    return hiding_sight(c, measures, frames) is not None


def bend_seen(c: Criterion, measures: dict, frames: np.ndarray) -> np.ndarray:
    """The `frames` to judge a joint that stays put as she turns on (LineOfSight.stays_put): those in which it
    doesn't point at the camera, so that its bend can be seen (in a turn the supporting knee points at the
    camera for part of each revolution only). All of them for any other measure."""
    how = next(iter(sights(c)), None)
    values = measures.get(how.sight) if how and how.stays_put else None
    if values is None:
        return frames
    return frames[~(np.asarray(values, dtype=float)[frames] < how.seen_from)]


def covered(c: Criterion, measures: dict) -> np.ndarray | None:
    """Where another part of her hides the joint `c` judges (LineOfSight.covered), per frame or for a frame's
    row of values; None for a joint nothing is known to hide."""
    how = next(iter(sights(c)), None)
    hidden = measures.get(how.covered) if how and how.covered else None
    return None if hidden is None else np.asarray(hidden, dtype=float) > 0.5


def uncovered(c: Criterion, measures: dict, frames: np.ndarray) -> np.ndarray:
    """The `frames` in which no other part of her hides the joint `c` judges."""
    hidden = covered(c, measures)
    return frames if hidden is None else frames[~hidden[frames]]


def looked_down_on(c: Criterion | Condition, measures: dict, view: str) -> float | None:
    """The camera's pitch (degrees) where it looks down on her too clearly for `c`'s height (a criterion's
    or a clue's) to be judged from this view (measures.HIGH_CAMERA_VIEWS), else None; per frame or for a
    frame's row of values."""
    shown_from = HIGH_CAMERA_VIEWS.get(c.measure)
    pitch = measures.get("camera_pitch") if shown_from is not None and view not in shown_from else None
    pitch = finite_stat(np.median, np.asarray(pitch, dtype=float)) if pitch is not None else float("nan")
    return pitch if looks_down(pitch, view) else None


def hidden_from_behind(c: Criterion | Condition, measures: dict) -> str:
    """What hides the part `c` judges (a criterion's or a clue's) with her back turned to the camera
    (measures.HIDDEN_FROM_BEHIND), over most of a clip or in a frame's row of values, at the body_yaw
    it hides it from; "" where it shows."""
    why, (low, high) = HIDDEN_FROM_BEHIND.get(c.measure, ("", (0.0, 90.0)))
    away = measures.get("facing_away") if why else None
    if away is None or not back_turned(away):
        return ""
    yaw = finite_stat(np.median, np.asarray(measures.get("body_yaw", np.nan), dtype=float))
    return why if not np.isfinite(yaw) or low <= yaw <= high else ""


def views_said(views: tuple[str, ...]) -> str:
    """Views as a teacher says them: "front or three-quarter"."""
    return " or ".join(v.replace("_", "-") for v in views)


def judge_criterion(c: Criterion, measures: dict[str, np.ndarray], frames: np.ndarray | None,
                    view: str, missing_parts: str, moment_words: str = "") -> Verdict:
    """One criterion's verdict on its moment's `frames`; `moment_words` says the moment as a teacher would
    (the reference's description of it) when it never happens."""
    if view not in c.views:
        film = c.film or say("film_from", views=views_said(c.views))
        return Verdict(c, NOT_ASSESSABLE, note=say("cant_judge_from", view=view.replace("_", "-"), film=film))
    pitch = looked_down_on(c, measures, view)
    if pitch is not None:
        return Verdict(c, NOT_ASSESSABLE, note=say("height_from_above", degrees=pitch, view=view.replace("_", "-")))
    behind = hidden_from_behind(c, measures)
    if behind:
        return Verdict(c, NOT_ASSESSABLE, note=say("hidden_from_behind", why=behind))
    if frames is None or frames.size == 0:
        return Verdict(c, NOT_FOUND, note=say("moments_not_reached", moments=moment_words or c.moment))
    # a joint that stays put as she turns is judged on the frames that show its bend, if a third of the
    # moment's do; any other over its whole moment, unless it points at the camera for most of it
    seen = bend_seen(c, measures, frames)
    hiding = hiding_sight(c, measures, seen)
    if seen.size < frames.size / 3 or hiding is not None:
        how = hiding or sights(c)[0]
        return Verdict(c, NOT_ASSESSABLE, note=say("bend_toward_camera", joint=how.joint, shows=how.shows,
                                                   film=c.film or say("film_front_or_side")))
    # ... and, where another part of her hides it (the working leg over the standing knee), on the rest
    shown = uncovered(c, measures, seen)
    if shown.size < frames.size / 3:
        return Verdict(c, NOT_ASSESSABLE, note=say("covered_by_leg", joint=sights(c)[0].joint))
    frames = shown
    series = np.asarray(measures[c.measure], dtype=float)[frames]
    value = aggregate(series, c.aggregate)
    # judged at the precision it is shown at, so "12°" is never "acceptable (good -5..12)"
    value = round(value, precision(c.measure)) if np.isfinite(value) else value
    if not np.isfinite(value):
        where = say("out_of_view", parts=missing_parts) if missing_parts else ""
        return Verdict(c, NOT_VISIBLE, note=say("joints_not_visible", where=where))
    # the worst moment is where the reading stays furthest outside the good band for a blip each side
    # (held_level: a single frame of MediaPipe's leg jumping is no moment to show a teacher); scores stop
    # at 0, distances don't
    times = clip_times(measures, len(measures[c.measure]))[frames]
    at_most, at_least = (held_level(series, times, at_most) for at_most in (True, False))
    low, high = c.good[0] - at_most, at_least - c.good[1]
    outside = np.fmax(np.fmax(low, high), 0.0)
    i = int(np.nanargmax(np.where(np.isfinite(outside) & np.isfinite(series), outside, -1.0)))
    worst, worst_value = int(frames[i]), float(at_most[i] if np.nan_to_num(low[i], nan=-1.0) > 0 else at_least[i])
    given = doubt_given(value, c, view)
    note = "" if given == value else say("doubt_given", view=view.replace("_", "-"),
                                         doubt=format_value(c.measure, doubt_of(c, view)))
    return Verdict(c, band_of(given, c), value, float(criterion_score(given, c)), worst_value, worst,
                   correction_for(given, c), note)


def score_text(score: float | None) -> str:
    """A score as shown: never "100" for a score a correction is holding below 100."""
    if score is None:
        return "-"
    return "100" if score >= 100 else f"{min(round(score), 99):.0f}"


@dataclass(frozen=True)
class Judgement:
    reference: Reference
    view: str
    verdicts: tuple[Verdict, ...]
    spans: dict[str, MomentSpan | None]
    score: float | None
    worst_frame: int | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def judged_count(self) -> tuple[int, int]:
        """(criteria judged, criteria in the reference)."""
        return sum(1 for v in self.verdicts if v.judged), len(self.verdicts)

    @property
    def corrections(self) -> list[Verdict]:
        """Criteria that need work, most important first (weight x lost score)."""
        return sorted((v for v in self.verdicts if v.correction), key=lambda v: -v.importance)


def clip_times(measures: dict[str, np.ndarray], frames: int) -> np.ndarray:
    """Each frame's time (s): the clip's own (time_s), or, for measures without them, the usual rate's."""
    times = measures.get("time_s")
    return np.asarray(times, dtype=float) if np.ndim(times) == 1 else np.arange(frames) * FRAME_S


def glimpsed(c: Criterion, reference: Reference, spans: dict[str, MomentSpan | None],
             measures: dict[str, np.ndarray]) -> Verdict | None:
    """No verdict (NOT_ASSESSABLE, with why) for a working-leg criterion of a held position seen only for a
    glimpse (JudgingConfig.held_seen_s), in place of the one its moment would give; None where that stands."""
    moment, span = reference.moments.get(c.moment), spans.get(c.moment)
    if moment is None or not moment.held or span is None or c.measure not in WORKING_LEG:
        return None
    times = clip_times(measures, len(measures[c.measure]))
    seen_s = times[span.frames[-1]] - times[span.frames[0]]
    if not np.isfinite(seen_s):  # times not known there: its frames at the usual rate
        seen_s = (span.frames[-1] - span.frames[0]) * FRAME_S
    if seen_s >= JUDGING.held_seen_s:
        return None
    return Verdict(c, NOT_ASSESSABLE, note=say("hold_glimpsed", moment=moment.words))


def judge(reference: Reference, measures: dict[str, np.ndarray], view: str,
          active: np.ndarray, missing_parts: str = "") -> Judgement:
    """Judge every criterion of a reference on a clip's measures (working leg already chosen)."""
    spans = {name: find_moment(m, measures) for name, m in reference.moments.items()}
    verdicts = []
    for c in reference.criteria:
        verdict = judge_criterion(c, measures, moment_frames(c.moment, spans, active), view, missing_parts,
                                  reference.moments[c.moment].words if c.moment in reference.moments else "")
        # a verdict resting on a glimpsed hold is withdrawn; one not given keeps its own reason (the view, ...)
        verdicts.append((verdict.judged and glimpsed(c, reference, spans, measures)) or verdict)
    verdicts = tuple(verdicts)
    judged = [v for v in verdicts if v.judged]
    weights = sum(v.criterion.weight for v in judged)
    total = sum(c.weight for c in reference.criteria)
    # no overall score when most of the weight can't be judged from this clip
    enough = judged and weights >= JUDGING.min_judged_weight * total
    score = sum(v.criterion.weight * v.score for v in judged) / weights if enough else None
    worst = max(judged, key=lambda v: v.importance, default=None)
    # no worst moment when nothing needs correcting
    worst_frame = worst.worst_frame if worst is not None and worst.importance > 0 else None
    notes = []
    missing_moments = [n for n, s in spans.items() if s is None]
    if missing_moments:
        words = "; ".join(reference.moments[n].words for n in missing_moments)
        notes.append(say("moments_not_reached", moments=words))
    return Judgement(reference, view, verdicts, spans, score, worst_frame, tuple(notes))


@dataclass(frozen=True)
class Clue:
    """One recognition clue measured on a clip: its words, value and how well it holds (0-1)."""

    says: str
    value: float
    score: float  # NaN: this view can't show it
    needed: bool = False
    measure: str = ""
    aggregate: str = "median"

    @property
    def holds(self) -> bool:
        return bool(np.isfinite(self.score) and self.score >= 0.5)

    def words(self) -> str:
        """The clue with its value where a teacher reads one: "the leg behind the hip (158°)"."""
        unit = UNITS.get(self.measure, "degrees")
        if np.isfinite(self.value) and self.aggregate == "count":
            return say("clue_times", says=self.says, value=self.value)
        if self.measure == "time_s" and np.isfinite(self.value):
            unit = "s"
        if not np.isfinite(self.value) or unit not in ("degrees", "s") or "(" in self.says:
            return self.says
        return say("clue_degrees" if unit == "degrees" else "clue_seconds", says=self.says, value=self.value)


@dataclass(frozen=True)
class Candidate:
    """How well a clip fits one movement: the weakest clue decides (every clue must hold)."""

    name: str
    fit: float
    clues: tuple[Clue, ...]
    confidence: float = 0.0
    # why it can be possible at most, beyond its clues: the views that can show it (this one can't), or
    # that this view shows too few of its clues
    shown_from: tuple[str, ...] = ()
    few_seen: bool = False

    def because(self) -> str:
        """Why it is this movement: the clues that hold fully, in words ("the leg behind the hip (158°), held (1.0 s)")."""
        return ", ".join(c.words() for c in self.clues if c.score >= 1.0)

    def against(self) -> str:
        """What doesn't fit, what fits only partly (the weakest clue decides the fit), and what this view
        can't show."""
        missing = [c.words() for c in self.clues if np.isfinite(c.score) and c.score < 0.5]
        partly = [c.words() for c in self.clues if c.holds and c.score < 1.0]
        unseen = [c.says for c in self.clues if c.needed and not np.isfinite(c.score)]
        parts = [say("clues_missing", clues=", ".join(missing))] if missing else []
        if partly:
            parts.append(say("clues_partly", clues=", ".join(partly)))
        if unseen:
            parts.append(say("view_cant_show", clues=" or ".join(unseen)))
        if self.shown_from:
            parts.append(say("shown_from", views=views_said(self.shown_from)))
        elif self.few_seen and not parts:
            parts.append(say("few_clues_seen"))
        return "; ".join(parts)


def condition_value(cond: Condition, measures: dict[str, np.ndarray], spans: dict, active: np.ndarray) -> float:
    """The clue's measured value (NaN when its moment never happens or its joints are hidden)."""
    frames = moment_frames(cond.moment, spans, active)
    if cond.aggregate == "count":  # how many times the moment happens (turns, repeated cycles)
        return float(len(spans[cond.moment].peaks)) if spans.get(cond.moment) else 0.0
    if frames is None or frames.size == 0:
        return float("nan") if cond.moment == "all" else -np.inf
    values = np.asarray(measures[cond.measure], dtype=float)[frames]
    if np.isfinite(values).mean() < 0.5:  # seen in too few of the moment's frames to say
        return float("nan")
    if cond.aggregate == "longest":  # the widest spread within one unbroken stretch (a hold's duration)
        runs = np.split(values, np.flatnonzero(np.diff(frames) > 1) + 1)
        return max((float(np.nanmax(r) - np.nanmin(r)) for r in runs if np.isfinite(r).any()), default=float("nan"))
    return aggregate(values, cond.aggregate)


def score_of(cond: Condition, value: float, doubt: float = 0.0) -> float:
    """How well a clue's value holds: 1 inside its range (or within `doubt` of it), falling to 0 over its
    margin; NaN when it can't be seen (its joints hidden), 0 when its moment never happens (an arabesque
    needs its hold)."""
    if value == -np.inf:
        return 0.0
    if not np.isfinite(value):
        return float("nan")
    value = toward(value, cond.low, cond.high, doubt)
    score = 1.0
    if cond.low is not None and value < cond.low:
        score = min(score, max(0.0, 1 - (cond.low - value) / cond.margin))
    if cond.high is not None and value > cond.high:
        score = min(score, max(0.0, 1 - (value - cond.high) / cond.margin))
    return score


def fit_of(ref: Reference, measures: dict[str, np.ndarray], active: np.ndarray, view: str,
           as_judged: bool = False) -> Candidate:
    """How well the clip fits one movement: each clue measured and scored, the weakest deciding.
    `as_judged`: a clue on what a camera looking down hides from this view (looked_down_on) is unseen, and
    one the view misreads is given the benefit of that doubt (doubt_of), as its verdict is. Only for a
    movement the user named: recognition tells a tendu, a dégagé and a grand battement apart by the leg's
    height, biased or not."""
    spans = {name: find_moment(m, measures) for name, m in ref.moments.items()}
    clues = []
    for cond in ref.recognise:
        seen = (view in cond.views and not (as_judged and looked_down_on(cond, measures, view) is not None)
                and not hidden_from_behind(cond, measures))
        value = condition_value(cond, measures, spans, active) if seen else float("nan")
        doubt = doubt_of(cond, view) if as_judged else 0.0
        clues.append(Clue(cond.says or cond.measure.replace("_", " "), value,
                          score_of(cond, value, doubt) if seen else float("nan"), cond.needed, cond.measure,
                          cond.aggregate))
    scores = np.array([c.score for c in clues])
    seen = scores[np.isfinite(scores)]
    if seen.size == 0:
        return Candidate(ref.name, 0.0, tuple(clues))
    fit = float(seen.min())
    # a clue that tells siblings apart, or most of the clues, unseen, or a view the reference says
    # can't show the movement: possible, never confident
    hidden = bool(ref.recognisable_from) and view not in ref.recognisable_from
    few = bool(seen.size < 0.6 * scores.size)
    if any(c.needed and not np.isfinite(c.score) for c in clues) or few or hidden:
        fit = min(fit, JUDGING.unseen_cap)
    return Candidate(ref.name, fit, tuple(clues), shown_from=ref.recognisable_from if hidden else (),
                     few_seen=few)


def candidates(references: dict[str, Reference], measures: dict[str, np.ndarray], active: np.ndarray,
               view: str) -> list[Candidate]:
    """Every movement with clues, best first, each with a confidence.

    Confidence is the fit of the weakest clue, lowered when another movement fits too: two movements
    that both fit (a tendu that is almost a dégagé) can't be told apart with confidence.
    """
    fits = [fit_of(ref, measures, active, view) for ref in references.values() if ref.recognise]
    fits.sort(key=lambda c: -c.fit)
    out = []
    for i, c in enumerate(fits):
        # only a rival that fits on what is seen counts (one merely possible from this view doesn't)
        rival = max((o.fit for j, o in enumerate(fits) if j != i), default=0.0)
        rivalry = max(0.0, rival - JUDGING.unseen_cap) / (1 - JUDGING.unseen_cap)
        out.append(dataclasses.replace(c, confidence=c.fit * (1 - 0.5 * rivalry)))
    return sorted(out, key=lambda c: -c.confidence)


def frame_cue(reference: Reference, row: dict[str, float], view: str,
              judged_here: Callable[[Criterion], bool] | None = None) -> tuple[str, Criterion | None]:
    """The single most important correction for one frame (live practice and the annotated video).

    A criterion speaks only on a frame where it is judged: by default while its moment's position is
    reached in this frame (live: the driver past the moment's threshold), or where `judged_here` says
    (the annotated video: the frames of the moment found in the whole clip, a subset of those). So a
    dancer isn't corrected on the way into the position, and live and review say the same words.
    """
    best, best_importance = ("", None), 0.0
    for c in reference.criteria:
        if view not in c.views or c.moment == "all":
            continue
        value = row.get(c.measure, np.nan)
        if (not (np.isfinite(value) and in_moment(reference, c, row, judged_here)) or bend_hidden(c, row)
                or bool(covered(c, row)) or looked_down_on(c, row, view) is not None or hidden_from_behind(c, row)):
            continue
        value = doubt_given(value, c, view)
        importance = c.weight * (100 - float(criterion_score(value, c)))
        if importance > best_importance:
            best, best_importance = (correction_for(value, c), c), importance
    return best


def in_moment(reference: Reference, c: Criterion, row: dict[str, float],
              judged_here: Callable[[Criterion], bool] | None = None) -> bool:
    """Whether criterion `c` is judged on this frame (see frame_cue); "all" is every frame."""
    if judged_here is not None:
        return judged_here(c)
    if c.moment == "all":
        return True
    moment = reference.moments[c.moment]
    return bool(moment.reached(row.get(moment.driver, np.nan)))


def key_criteria(reference: Reference, view: str, count: int = 3,
                 judged: Callable[[Criterion], bool] | None = None) -> list[Criterion]:
    """The few criteria worth showing on a picture: the heaviest judgeable from this view (and
    judged in this clip, when `judged` says which), one per measure."""
    chosen, measures = [], set()
    for c in sorted(reference.criteria, key=lambda c: -c.weight):
        if view in c.views and c.measure not in measures and (judged is None or judged(c)):
            chosen.append(c)
            measures.add(c.measure)
    return chosen[:count]
