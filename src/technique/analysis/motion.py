"""Movements in time: segments and phases, holds and balance, the développé path, fouetté turns.

A still frame can't tell a développé from a held passé or count fouettés, so this stage reads the
measures as time series. Everything here is pure numpy on a clip's measures (and, for turns, its
world landmarks): no model, no video.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from technique.judging.judge import MomentSpan
from technique.judging.references import STORIES
from technique.series import true_runs

REST_LEG_HEIGHT = 20.0  # degrees: below this (and the thigh down) the working leg is at rest
REST_THIGH_HEIGHT = 25.0
BLIP_S = 0.1  # seconds: active stretches shorter than this are tracking noise
REST_KNEE = 160.0  # plie_knee (feet down) bent past this: a plié, not standing
RELEVE_LEG_LIFT = 0.06  # supporting ankle above its flat height, in standing leg lengths (about 5 cm; a demi-pointe is 6-10)
TURN_SLACK = 45.0  # degrees: a revolution counts once the body has turned 360 - 45


@dataclass(frozen=True)
class Phase:
    name: str
    start: int
    stop: int  # exclusive

    def to_dict(self, times: np.ndarray) -> dict:
        return {"name": self.name, "start_s": _t(times, self.start), "end_s": _t(times, self.stop - 1)}


@dataclass(frozen=True)
class Turn:
    """One revolution of a fouetté, with what a teacher checks in it."""

    index: int
    start: int
    stop: int
    duration_s: float
    passe_toe_to_knee: float  # at the turn's deepest passé (0 = toe at the knee)
    extension_height: float  # highest working leg (à la seconde) in the turn
    releve: float  # how far the supporting ankle rose above its flat-foot height, in body heights
    plie_depth: float  # 180 - smallest supporting knee angle: how much plié
    supporting_knee_straightened: float  # largest supporting knee after the plié
    travel: float  # hip centre displacement over the turn, in body heights

    def to_dict(self, times: np.ndarray) -> dict:
        return {
            "turn": self.index, "start_s": _t(times, self.start), "end_s": _t(times, self.stop - 1),
            "duration_s": _r(self.duration_s, 3), "passe_toe_to_knee": _r(self.passe_toe_to_knee),
            "extension_height": _r(self.extension_height, 1), "releve": _r(self.releve),
            "relevé": bool(self.releve > RELEVE_LIFT) if np.isfinite(self.releve) else None,
            "plie_depth": _r(self.plie_depth, 1),
            "supporting_knee_straightened": _r(self.supporting_knee_straightened, 1),
            "travel_body_heights": _r(self.travel),
        }


RELEVE_LIFT = 0.025  # body heights (about 4 cm) the supporting ankle must rise to count as relevé
# A demi-pointe lifts the ankle by 6-10 cm. The heel-above-toe angle is not used in turns: the foot
# is seen from every side as the body rotates, which changes that angle without any relevé.


@dataclass(frozen=True)
class Story:
    """What happened in one movement segment, in time."""

    movement: str | None
    start: int
    stop: int
    phases: tuple[Phase, ...]
    metrics: dict = field(default_factory=dict)
    turns: tuple[Turn, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self, times: np.ndarray) -> dict:
        return {
            "movement": self.movement, "start_s": _t(times, self.start), "end_s": _t(times, self.stop - 1),
            "phases": [p.to_dict(times) for p in self.phases],
            "metrics": {k: _r(v, 3) if isinstance(v, float) else v for k, v in self.metrics.items()},
            "turns": [t.to_dict(times) for t in self.turns], "notes": list(self.notes),
        }


def _t(times: np.ndarray, i: int) -> float:
    return round(float(times[min(max(i, 0), len(times) - 1)]), 3)


def _r(value, digits: int = 2):
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def _nan(f, values: np.ndarray) -> float:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return float(f(values)) if values.size else float("nan")


# ---------------------------------------------------------------- segmentation

def active_frames(measures: dict[str, np.ndarray]) -> np.ndarray:
    """Frames where the dancer is doing something: a leg raised or extended, its thigh lifted to passé,
    the knees bent in a plié, or the heels up in a relevé."""
    leg = np.nan_to_num(measures["working_leg_height"], nan=0.0)
    thigh = np.nan_to_num(measures["working_thigh_height"], nan=0.0)
    knees = np.nan_to_num(measures.get("plie_knee", np.full(len(leg), 180.0)), nan=180.0)
    lift = np.nan_to_num(measures.get("releve_lift", np.zeros(len(leg))), nan=0.0)
    return (leg >= REST_LEG_HEIGHT) | (thigh >= REST_THIGH_HEIGHT) | (knees <= REST_KNEE) | (lift >= RELEVE_LEG_LIFT)


def segment_clip(measures: dict[str, np.ndarray], times: np.ndarray, min_s: float = 0.5,
                 merge_gap_s: float = 0.5) -> list[tuple[int, int]]:
    """[start, stop) frame ranges of separate movements: active stretches split by rests.

    Short rests (under merge_gap_s: a breath between two counts) do not split a movement;
    stretches shorter than min_s are noise. Each range is widened to include its preparation and
    its close (the rest frames around it, up to half a second, and no further than the middle of a
    rest shared with the next movement).
    """
    active = active_frames(measures)
    # a blip of a frame or two (a tracking glitch) is neither a movement nor the end of a rest
    runs = [(a, b) for a, b in true_runs(active) if times[b - 1] - times[a] >= BLIP_S]
    merged: list[list[int]] = []
    for start, stop in runs:
        if merged and times[start] - times[merged[-1][1] - 1] <= merge_gap_s:
            merged[-1][1] = stop
        else:
            merged.append([start, stop])
    kept = [(start, stop) for start, stop in merged if times[stop - 1] - times[start] >= min_s]
    out = []
    for k, (start, stop) in enumerate(kept):
        # a rest between two movements is shared at its middle: the close of one, the preparation of the next
        lead = int(np.searchsorted(times, times[start] - 0.5))
        if k:
            lead = max(lead, (kept[k - 1][1] + start) // 2)
        tail = int(np.searchsorted(times, times[stop - 1] + 0.5, side="right"))
        if k + 1 < len(kept):
            tail = min(tail, (stop + kept[k + 1][0]) // 2)
        out.append((lead, min(tail, len(times))))
    return out


def clip_measures(measures: dict[str, np.ndarray], times: np.ndarray, world: np.ndarray) -> dict[str, np.ndarray]:
    """Measures that need the whole clip: time, how far the body has turned, how far it has travelled.

    - time_s: the frame's time (a moment's duration is the range of time_s over it);
    - body_turn: degrees turned about the vertical since the start (see body_rotation);
    - hip_travel: the hip centre's horizontal offset from its median place, in body heights.
    """
    height = _nan(np.median, measures["body_height"])
    x = measures["hip_centre_x"]
    return {**measures, "time_s": np.asarray(times, dtype=float), "body_turn": body_rotation(world),
            "hip_travel": (x - _nan(np.median, x)) / height}


def only(measures: dict[str, np.ndarray], start: int, stop: int) -> dict[str, np.ndarray]:
    """The measures with everything outside [start, stop) set to NaN (indices stay the clip's)."""
    out = {}
    for name, values in measures.items():
        masked = np.full(len(values), np.nan)
        masked[start:stop] = values[start:stop]
        out[name] = masked
    return out


# ---------------------------------------------------------------- turns

def body_rotation(world: np.ndarray) -> np.ndarray:
    """Cumulative rotation of the body about the vertical, in degrees, from the shoulder and hip lines.

    MediaPipe's world frame follows the camera, so the yaw of the shoulder line (in the floor plane)
    turns with the dancer. It is unwrapped frame to frame; a jump near 180° is MediaPipe exchanging
    left and right when the dancer faces away, and is taken out rather than counted as a half turn.
    """
    def yaw(a: int, b: int) -> np.ndarray:
        d = world[:, b, :] - world[:, a, :]
        return np.degrees(np.arctan2(d[:, 2], d[:, 0]))

    from technique.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

    shoulders, hips = yaw(LEFT_SHOULDER, RIGHT_SHOULDER), yaw(LEFT_HIP, RIGHT_HIP)
    # circular mean of the two lines
    angle = np.degrees(np.arctan2(np.nansum([np.sin(np.radians(shoulders)), np.sin(np.radians(hips))], axis=0),
                                  np.nansum([np.cos(np.radians(shoulders)), np.cos(np.radians(hips))], axis=0)))
    seen = np.isfinite(shoulders) | np.isfinite(hips)
    out = np.full(len(angle), np.nan)
    total, previous = 0.0, None
    for i in np.flatnonzero(seen):
        if previous is not None:
            step = (angle[i] - previous + 180) % 360 - 180
            if abs(step) > 120:  # left/right swap: the line flipped by ~180°
                step = (step + 90) % 180 - 90
            total += step
        previous = angle[i]
        out[i] = total
    return out


def find_turns(rotation: np.ndarray, start: int, stop: int) -> list[tuple[int, int]]:
    """Frame ranges of complete revolutions between start and stop (either direction)."""
    r = rotation[start:stop]
    seen = np.flatnonzero(np.isfinite(r))
    if seen.size < 2:
        return []
    r = r - r[seen[0]]
    direction = np.sign(r[seen[-1]]) or 1.0
    turned = direction * r
    turns, begin = [], start + int(seen[0])
    # a revolution starts when the dancer leaves her facing and ends when she has come round again
    leave = np.flatnonzero(np.nan_to_num(turned, nan=0.0) > 10)
    if leave.size:
        begin = start + max(int(leave[0]) - 1, 0)
    base = 0.0
    for k in range(1, 1000):
        target = base + 360 * k - TURN_SLACK
        reached = np.flatnonzero(np.nan_to_num(turned, nan=-np.inf) >= target)
        if reached.size == 0:
            break
        # the revolution ends where the body faces front again (360 k), or where turning stops
        full = np.flatnonzero(np.nan_to_num(turned, nan=-np.inf) >= base + 360 * k - 5)
        end = start + int(full[0] if full.size else reached[-1]) + 1
        turns.append((begin, end))
        begin = end
    return turns


def _releve_rise(m: dict[str, np.ndarray], passe: int | None, flat_ankle_y: float, height: float) -> float:
    """Supporting ankle height above flat, in body heights, around the passé (where the turn is on relevé).

    The median over the passé's neighbourhood (±3 frames) is used: single frames jump when the
    foot is seen edge-on as the body turns.
    """
    if passe is None:
        return float("nan")
    near = m["supporting_ankle_y"][max(passe - 3, 0):passe + 4]
    return (flat_ankle_y - _nan(np.median, near)) / height


def turn_details(turns: list[tuple[int, int]], measures: dict[str, np.ndarray], times: np.ndarray,
                 flat_ankle_y: float) -> list[Turn]:
    from technique.analysis.measures import rolling_percentile

    out = []
    height = _nan(np.median, measures["body_height"])
    # a plié lasts; a frame or two of a knee seen wrongly as the body turns is not one (it once read
    # "plié 66°" in a side-view fouetté with no plié): the bend counted is the one held for ~0.15 s
    # (the straightest knee within that stretch around each frame)
    step = _nan(np.median, np.diff(times)) if len(times) > 1 else float("nan")
    half = max(1, int(round(0.05 / step))) if np.isfinite(step) and step > 0 else 1
    steady_support = rolling_percentile(measures["supporting_knee"], half, 100)
    for k, (a, b) in enumerate(turns, 1):
        m = {name: values[a:b] for name, values in measures.items()}
        knee = m["working_knee"]
        deepest = int(np.nanargmin(knee)) if np.isfinite(knee).any() else None
        passe = float(m["passe_toe_to_knee"][deepest]) if deepest is not None else float("nan")
        support = steady_support[a:b]
        low = int(np.nanargmin(support)) if np.isfinite(support).any() else None
        plie = 180 - float(support[low]) if low is not None else float("nan")
        straightened = _nan(np.max, support[low:]) if low is not None else float("nan")
        hip = np.stack([m["hip_centre_x"], m["hip_centre_y"]], axis=1)
        ok = np.isfinite(hip).all(axis=1)
        travel = float(np.linalg.norm(hip[ok][-1] - hip[ok][0]) / height) if ok.sum() >= 2 else float("nan")
        out.append(Turn(k, a, b, float(times[b - 1] - times[a]), passe,
                        _nan(np.max, m["working_leg_height"]),
                        _releve_rise(m, deepest, flat_ankle_y, height),
                        plie, straightened, travel))
    return out


# ---------------------------------------------------------------- stories per movement

def _rise_start(driver: np.ndarray, start: int, peak: int, baseline: float) -> int:
    """First frame before the peak where the driver has covered a quarter of the way up."""
    level = baseline + 0.25 * (driver[peak] - baseline)
    before = np.flatnonzero(np.nan_to_num(driver[start:peak + 1], nan=-np.inf) < level)
    return start + int(before[-1]) + 1 if before.size else start


def hold_phases(span: MomentSpan, driver: np.ndarray, start: int, stop: int) -> tuple[Phase, ...]:
    baseline = _nan(np.min, driver[start:span.frames[0] + 1])
    rise = _rise_start(driver, start, span.peaks[0], baseline)
    hold_start, hold_stop = int(span.frames[0]), int(span.frames[-1]) + 1
    phases = [Phase("preparation", start, rise), Phase("rise", rise, hold_start),
              Phase("hold", hold_start, hold_stop), Phase("close", hold_stop, stop)]
    return tuple(p for p in phases if p.stop > p.start)


def balance(measures: dict[str, np.ndarray], frames: np.ndarray) -> dict:
    """Sway of the hips and the supporting ankle during a hold, in body heights (standard deviation)."""
    height = _nan(np.median, measures["body_height"][frames])

    def sway(x: str, y: str) -> float:
        points = np.stack([measures[x][frames], measures[y][frames]], axis=1)
        points = points[np.isfinite(points).all(axis=1)]
        if len(points) < 3:
            return float("nan")
        return float(np.sqrt(((points - points.mean(axis=0)) ** 2).sum(axis=1).mean()) / height)

    return {"hip_sway": sway("hip_centre_x", "hip_centre_y"),
            "supporting_ankle_sway": sway("supporting_ankle_x", "supporting_ankle_y")}


def arabesque_story(measures, times, spans, start, stop) -> Story:
    span = spans.get("hold")
    if span is None:
        return Story("arabesque", start, stop, (), notes=("The arabesque never reached 30° of height.",))
    driver = measures["working_leg_height"]
    phases = hold_phases(span, driver, start, stop)
    named = {p.name: p for p in phases}
    hold = span.frames
    metrics = {
        "time_to_reach_s": float(times[hold[0]] - times[named["rise"].start]) if "rise" in named else None,
        "hold_s": float(times[hold[-1]] - times[hold[0]]),
        "height_at_hold": _nan(np.median, driver[hold]),
        "height_steadiness_sd": _nan(np.std, driver[hold]),
        **balance(measures, hold),
        "supporting_knee_lowest": _nan(np.min, measures["supporting_knee"][named.get("rise", named["hold"]).start:hold[-1] + 1]),
    }
    return Story("arabesque", start, stop, phases, metrics)


def developpe_story(name, measures, times, spans, start, stop, view: str = "unknown") -> Story:
    passe, extension = spans.get("passe"), spans.get("extension")
    notes = []
    if extension is None:
        return Story(name, start, stop, (), notes=("The leg never unfolded above 30°.",))
    knee, toe = measures["working_knee"], measures["passe_toe_to_knee"]
    before = slice(start, int(extension.frames[0]))
    bent = np.flatnonzero(np.nan_to_num(knee[before], nan=180) < 120) + start
    if bent.size:
        closest = bent[int(np.nanargmin(np.abs(toe[bent])))] if np.isfinite(toe[bent]).any() else bent[0]
        passe_frame = int(bent[int(np.nanargmin(knee[bent]))])
        passe_gap = float(toe[closest])
    else:
        closest, passe_frame, passe_gap = None, None, float("nan")
        notes.append("The working knee never bent below 120° before the extension: no passé on the way.")
    reached = bool(np.isfinite(passe_gap) and abs(passe_gap) <= 0.2)
    hold = extension.frames
    held = passe.frames if passe is not None and passe.frames[-1] < hold[0] else (
        np.array([passe_frame]) if passe_frame is not None else None)
    phases = [Phase("preparation", start, int(held[0]) if held is not None else int(hold[0]))]
    if held is not None:
        phases += [Phase("passe", int(held[0]), int(held[-1]) + 1), Phase("unfold", int(held[-1]) + 1, int(hold[0]))]
    phases += [Phase("hold", int(hold[0]), int(hold[-1]) + 1), Phase("close", int(hold[-1]) + 1, stop)]
    phases = tuple(p for p in phases if p.stop > p.start)
    unfold = next((p for p in phases if p.name == "unfold"), None)
    metrics = {
        "passe_reached": reached,
        "passe_toe_to_knee": passe_gap,
        "passe_time_s": float(times[closest]) if closest is not None else None,
        "unfold_s": float(times[unfold.stop - 1] - times[unfold.start]) if unfold else None,
        "unfold_knee_rebend_deg": _reversal(knee, unfold) if unfold else None,
        "knee_at_end": _nan(np.median, knee[hold]),
        "height_at_extension": _nan(np.median, measures["working_leg_height"][hold]),
        # the hip line is only seen across the picture from the front
        "hip_hike_highest": _nan(np.max, measures["hip_hike"][hold]) if view == "front" else None,
        "supporting_knee_lowest": _nan(np.min, measures["supporting_knee"][start:int(hold[-1]) + 1]),
    }
    return Story(name, start, stop, phases, metrics, notes=tuple(notes))


def _reversal(series: np.ndarray, phase: Phase) -> float | None:
    """Largest step back while unfolding: how far the knee re-bends after having been straighter (degrees).

    A smooth développé unfolds in one continuous movement, so this stays at the level of tracking
    noise (a couple of degrees); a jerky or hesitant unfold shows as a clear re-bend.
    """
    s = series[phase.start:phase.stop]
    s = s[np.isfinite(s)]
    if s.size < 3:
        return None
    return float(np.max(np.maximum.accumulate(s) - s))


def fouette_story(measures, times, world, start, stop) -> Story:
    # the clip's turning is already measured (clip_measures); only the segment's frames are read
    rotation = measures["body_turn"] if "body_turn" in measures else body_rotation(world)
    turns = find_turns(rotation, start, stop)
    rest = ~active_frames(measures) & np.isfinite(measures["supporting_ankle_y"])
    flat = _nan(np.median, measures["supporting_ankle_y"][rest]) if rest.any() else _nan(
        np.max, measures["supporting_ankle_y"][start:stop])
    details = turn_details(turns, measures, times, flat)
    notes = []
    total = rotation[start:stop]
    seen = total[np.isfinite(total)]
    turned = float(abs(seen[-1] - seen[0])) if seen.size else 0.0
    if not turns:
        notes.append(f"No complete turn found (the body turned {turned:.0f}°).")
    lost = [(a, b) for a, b in true_runs(~np.isfinite(rotation[start:stop]))
            if times[start + b - 1] - times[start + a] >= 0.2]
    for a, b in lost:
        notes.append(f"The dancer was out of view from {times[start + a]:.1f} to {times[start + b - 1]:.1f} s: "
                     "turns there may be missed; keep the whole body in the picture.")
    durations = np.array([t.duration_s for t in details])
    height = _nan(np.median, measures["body_height"][start:stop])
    hip = np.stack([measures["hip_centre_x"][start:stop], measures["hip_centre_y"][start:stop]], axis=1)
    hip = hip[np.isfinite(hip).all(axis=1)]
    metrics = {
        "turns": len(details),
        "rotation_deg": turned,
        "direction": ("clockwise seen from above" if seen.size and seen[-1] < seen[0]
                      else "anticlockwise seen from above") if seen.size else None,
        "turns_per_second": float(len(details) / durations.sum()) if len(details) else None,
        "tempo_steadiness_cv": float(durations.std() / durations.mean()) if len(details) > 1 else None,
        "extension_height_sd": float(np.nanstd([t.extension_height for t in details])) if len(details) > 1 else None,
        "travel_body_heights": float(np.linalg.norm(hip[-1] - hip[0]) / height) if len(hip) >= 2 else None,
        "relevé_in_turns": int(sum(1 for t in details if np.isfinite(t.releve) and t.releve > RELEVE_LIFT)),
    }
    phases = tuple(Phase(f"turn {t.index}", t.start, t.stop) for t in details)
    lead = [Phase("preparation", start, phases[0].start)] if phases and phases[0].start > start else []
    tail = [Phase("close", phases[-1].stop, stop)] if phases and phases[-1].stop < stop else []
    return Story("fouette", start, stop, tuple(lead) + phases + tuple(tail), metrics, tuple(details), tuple(notes))


# The measure each story metric is read from: a metric is reported only in the views where the
# reference's criteria on that measure can be judged (a leg height from the front is not a height).
METRIC_MEASURES = {
    "time_to_reach_s": "working_leg_height", "height_at_hold": "working_leg_height",
    "height_steadiness_sd": "working_leg_height", "supporting_knee_lowest": "supporting_knee",
    "knee_at_end": "working_knee", "height_at_extension": "working_leg_height",
    "unfold_knee_rebend_deg": "working_knee", "extension_height_sd": "working_leg_height",
    "plie_knee_lowest": "plie_knee", "heels_rise_highest": "releve_lift",
}


def assessable(reference, measure: str, view: str) -> bool:
    """Whether the reference judges `measure` from this view (True when no criterion uses it)."""
    using = [c for c in reference.criteria if c.measure == measure]
    return not using or any(view in c.views for c in using)


def honest(story: "Story", reference, view: str) -> "Story":
    """The story without the metrics this view can't measure."""
    if reference is None:
        return story
    metrics = {k: (None if k in METRIC_MEASURES and not assessable(reference, METRIC_MEASURES[k], view) else v)
               for k, v in story.metrics.items()}
    return Story(story.movement, story.start, story.stop, story.phases, metrics, story.turns, story.notes)


def tell(reference, measures: dict[str, np.ndarray], times: np.ndarray, world: np.ndarray,
         spans: dict[str, MomentSpan | None], start: int, stop: int, view: str = "unknown") -> Story:
    """The motion story of one segment for its movement (a Reference, or None when unrecognised)."""
    return honest(_tell(reference, measures, times, world, spans, start, stop, view), reference, view)


def _story_kind(reference, movement: str | None) -> str:
    """Which story a movement tells: the reference file's `story:` field, else by its (base) name."""
    kind = (reference.extra or {}).get("story") if reference is not None else None
    if isinstance(kind, str) and kind in STORIES:
        return kind
    if movement == "arabesque" or movement == "fouette":
        return movement
    return "developpe" if movement and movement.startswith("developpe") else "hold"


def plie_story(measures, times, spans, start, stop) -> Story:
    """A plié in time: down, the bottom, up. Teachers want the rise as slow as the descent and no
    sitting at the bottom (docs/ballet-criteria.md §5: descent/ascent ratio 0.8-1.25 [H])."""
    span = spans.get("bottom")
    knees = measures["plie_knee"]
    if span is None:
        return Story("plie", start, stop, (), notes=("The knees never bent into a plié.",))
    top = _nan(np.nanmax, knees[start:stop])
    bent = np.flatnonzero(np.nan_to_num(knees[start:stop], nan=top) < top - 10) + start  # the plié itself
    down_start = int(bent[0]) if bent.size else start
    up_stop = int(bent[-1]) + 1 if bent.size else stop
    bottom0, bottom1 = int(span.frames[0]), int(span.frames[-1]) + 1
    phases = tuple(p for p in (Phase("preparation", start, down_start), Phase("down", down_start, bottom0),
                               Phase("bottom", bottom0, bottom1), Phase("up", bottom1, up_stop),
                               Phase("close", up_stop, stop)) if p.stop > p.start)
    down_s = float(times[bottom0] - times[down_start]) if bottom0 > down_start else float("nan")
    up_s = float(times[up_stop - 1] - times[bottom1 - 1]) if up_stop > bottom1 else float("nan")
    metrics = {
        "plie_down_s": down_s, "plie_up_s": up_s,
        "plie_rhythm": down_s / up_s if np.isfinite(down_s) and np.isfinite(up_s) and up_s > 0 else None,
        "plie_bottom_s": float(times[bottom1 - 1] - times[bottom0]),
        "plie_knee_lowest": _nan(np.nanmin, knees[start:stop]),
        "heels_rise_highest": _nan(np.nanmax, measures["releve_lift"][start:stop]),
    }
    return Story("plie", start, stop, phases, metrics)


def hold_story(reference, measures, times, spans, start, stop) -> Story:
    """The generic story: preparation, rise, the position held (and for how long, how steadily), close."""
    movement = reference.name
    name, key = next(((n, s) for n, s in spans.items() if s is not None), (None, None))
    if key is None:
        return Story(movement, start, stop, ())
    phases = hold_phases(key, measures[reference.moments[name].driver], start, stop)
    hold = key.frames
    return Story(movement, start, stop, phases, {"hold_s": float(times[hold[-1]] - times[hold[0]]),
                                                 **balance(measures, hold)})


def _tell(reference, measures: dict[str, np.ndarray], times: np.ndarray, world: np.ndarray,
          spans: dict[str, MomentSpan | None], start: int, stop: int, view: str = "unknown") -> Story:
    if reference is None:
        return Story(None, start, stop, ())
    # a teacher's reference tells the story of the movement it is built on
    movement = (reference.extra or {}).get("teacher", {}).get("base", reference.name)
    kind = _story_kind(reference, movement)
    if kind == "arabesque":
        return arabesque_story(measures, times, spans, start, stop)
    if kind == "developpe":
        return developpe_story(movement, measures, times, spans, start, stop, view)
    if kind == "fouette":
        return fouette_story(measures, times, world, start, stop)
    if kind == "plie":
        story = plie_story(measures, times, spans, start, stop)
        return Story(movement, story.start, story.stop, story.phases, story.metrics, notes=story.notes)
    return hold_story(reference, measures, times, spans, start, stop)
