"""Measures against a reference: find the moments that matter, judge each criterion, score, order corrections.

Scoring a criterion (explainable to a teacher): 100 inside the good band; from 100 down to 60 across
the acceptable band; from 60 down to 0 over the same width again beyond it. The overall score is
the weighted mean of the criteria that could be judged (weights are in the reference file).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .references import Condition, Criterion, Moment, Reference
from .smoothing import true_runs

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
    """Frames near the driver's extreme (or each cycle's), past the moment's threshold; None if never reached."""
    driver = np.asarray(measures[moment.driver], dtype=float)
    sign = 1.0 if moment.select in ("max", "peaks") else -1.0
    d = sign * driver
    threshold = sign * moment.threshold
    reached = np.isfinite(d) & (d >= threshold)
    if not reached.any():
        return None
    runs = true_runs(reached)
    if moment.select in ("max", "min"):
        best = int(np.nanargmax(np.where(reached, d, -np.inf)))
        runs = [r for r in runs if r[0] <= best < r[1]]
    frames, peaks = [], []
    for start, stop in runs:
        segment = d[start:stop]
        peak = start + int(np.nanargmax(segment))
        near = np.flatnonzero(segment >= d[peak] - moment.within) + start
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
        return self.criterion.weight * (100 - (self.score or 100)) if self.judged else 0.0


def correction_for(value: float, c: Criterion) -> str:
    if band_of(value, c) == GOOD:
        return ""
    return c.correction_low if value < c.good[0] else c.correction_high


def judge_criterion(c: Criterion, measures: dict[str, np.ndarray], frames: np.ndarray | None,
                    view: str, missing_parts: str) -> Verdict:
    if view not in c.views:
        film = c.film or f"Film from the {' or '.join(v.replace('_', '-') for v in c.views)} to judge this."
        return Verdict(c, NOT_ASSESSABLE, note=f"Can't be judged from the {view.replace('_', '-')} view. {film}")
    if frames is None or frames.size == 0:
        return Verdict(c, NOT_FOUND, note=f"The {c.moment} position was not reached in this clip.")
    series = np.asarray(measures[c.measure], dtype=float)[frames]
    value = aggregate(series, c.aggregate)
    if not np.isfinite(value):
        where = f" ({missing_parts} out of view)" if missing_parts else ""
        return Verdict(c, NOT_VISIBLE, note=f"The joints for this were not visible{where}: film the whole body.")
    scores = criterion_score(series, c)
    worst = int(frames[int(np.nanargmin(scores))])
    return Verdict(
        c, band_of(value, c), value, float(criterion_score(value, c)),
        float(np.asarray(measures[c.measure])[worst]), worst, correction_for(value, c),
    )


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
    def corrections(self) -> list[Verdict]:
        """Criteria that need work, most important first (weight x lost score)."""
        return sorted((v for v in self.verdicts if v.correction), key=lambda v: -v.importance)


def judge(reference: Reference, measures: dict[str, np.ndarray], view: str,
          active: np.ndarray, missing_parts: str = "") -> Judgement:
    """Judge every criterion of a reference on a clip's measures (working leg already chosen)."""
    spans = {name: find_moment(m, measures) for name, m in reference.moments.items()}
    verdicts = tuple(
        judge_criterion(c, measures, moment_frames(c.moment, spans, active), view, missing_parts)
        for c in reference.criteria
    )
    judged = [v for v in verdicts if v.judged]
    weights = sum(v.criterion.weight for v in judged)
    score = sum(v.criterion.weight * v.score for v in judged) / weights if judged else None
    worst = max(judged, key=lambda v: v.importance, default=None)
    worst_frame = worst.worst_frame if worst is not None else None
    notes = []
    missing_moments = [n for n, s in spans.items() if s is None]
    if missing_moments:
        notes.append(f"Not reached in this clip: {', '.join(missing_moments)}.")
    return Judgement(reference, view, verdicts, spans, score, worst_frame, tuple(notes))


def condition_score(cond: Condition, measures: dict[str, np.ndarray], spans: dict,
                    active: np.ndarray, view: str) -> float:
    """1 when the clue holds, falling to 0 over its margin; 0.5 when it can't be seen from this view."""
    if view not in cond.views:
        return 0.5
    frames = moment_frames(cond.moment, spans, active)
    if cond.aggregate == "count":  # how many times the moment happens (turns, repeated cycles)
        value = float(len(spans[cond.moment].peaks)) if spans.get(cond.moment) else 0.0
    elif frames is None or frames.size == 0:
        return 0.0
    else:
        value = aggregate(np.asarray(measures[cond.measure], dtype=float)[frames], cond.aggregate)
    if not np.isfinite(value):
        return 0.5
    score = 1.0
    if cond.low is not None and value < cond.low:
        score = min(score, max(0.0, 1 - (cond.low - value) / cond.margin))
    if cond.high is not None and value > cond.high:
        score = min(score, max(0.0, 1 - (value - cond.high) / cond.margin))
    return score


def recognise(references: dict[str, Reference], measures: dict[str, np.ndarray], active: np.ndarray,
              view: str) -> list[tuple[str, float]]:
    """(movement, confidence 0-1) for every reference with clues, best first."""
    out = []
    for ref in references.values():
        if not ref.recognise:
            continue
        spans = {name: find_moment(m, measures) for name, m in ref.moments.items()}
        scores = [condition_score(c, measures, spans, active, view) for c in ref.recognise]
        out.append((ref.name, float(np.mean(scores))))
    return sorted(out, key=lambda item: -item[1])


def frame_cue(reference: Reference, row: dict[str, float], view: str) -> tuple[str, Criterion | None]:
    """The single most important correction for one frame (live practice and the annotated video).

    A criterion speaks only while its moment's position is being held in this frame (the driver is
    past the moment's threshold), so a dancer isn't corrected on the way into the position.
    """
    best, best_importance = ("", None), 0.0
    for c in reference.criteria:
        if view not in c.views or c.moment == "all":
            continue
        moment = reference.moments[c.moment]
        driver = row.get(moment.driver, np.nan)
        in_position = driver >= moment.threshold if moment.select in ("max", "peaks") else driver <= moment.threshold
        value = row.get(c.measure, np.nan)
        if not (np.isfinite(driver) and in_position and np.isfinite(value)):
            continue
        importance = c.weight * (100 - float(criterion_score(value, c)))
        if importance > best_importance:
            best, best_importance = (correction_for(value, c), c), importance
    return best
