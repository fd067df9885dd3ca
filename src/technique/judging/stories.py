"""Each movement told in time: its phases (preparation, rise, hold, close; passé, unfold; turns;
down, bottom, up) and what a teacher measures in them (how long held, how steady, the plié's rhythm).

Which story a movement tells is the field `story:` of its reference file. A metric is kept only in
the views where the reference judges its measure (a leg height from the front is not a height).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from technique.analysis.motion import (
    RELEVE_LIFT, Phase, Turn, active_frames, balance, body_rotation, find_turns, finite_stat, held_extreme, held_level,
    rise_start, rounded, time_at, turn_details,
)
from technique.judging.judge import MomentSpan
from technique.judging.references import STORIES
from technique.series import true_runs
from technique.wording import say


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
            "movement": self.movement, "start_s": time_at(times, self.start), "end_s": time_at(times, self.stop - 1),
            "phases": [p.to_dict(times) for p in self.phases],
            "metrics": {k: rounded(v, 3) if isinstance(v, float) else v for k, v in self.metrics.items()},
            "turns": [t.to_dict(times) for t in self.turns], "notes": list(self.notes),
        }


def hold_phases(span: MomentSpan, driver: np.ndarray, start: int, stop: int) -> tuple[Phase, ...]:
    baseline = finite_stat(np.min, driver[start:span.frames[0] + 1])
    rise = rise_start(driver, start, span.peaks[0], baseline)
    hold_start, hold_stop = int(span.frames[0]), int(span.frames[-1]) + 1
    phases = [Phase("preparation", start, rise), Phase("rise", rise, hold_start),
              Phase("hold", hold_start, hold_stop), Phase("close", hold_stop, stop)]
    return tuple(p for p in phases if p.stop > p.start)


def arabesque_story(measures, times, spans, start, stop) -> Story:
    span = spans.get("hold")
    if span is None:
        return Story("arabesque", start, stop, (), notes=(say("arabesque_not_reached"),))
    driver = measures["working_leg_height"]
    phases = hold_phases(span, driver, start, stop)
    named = {p.name: p for p in phases}
    hold = span.frames
    metrics = {
        "time_to_reach_s": float(times[hold[0]] - times[named["rise"].start]) if "rise" in named else None,
        "hold_s": float(times[hold[-1]] - times[hold[0]]),
        "height_at_hold": finite_stat(np.median, driver[hold]),
        "height_steadiness_sd": finite_stat(np.std, driver[hold]),
        **balance(measures, hold),
        "supporting_knee_lowest": _lowest(measures["supporting_knee"], times, named.get("rise", named["hold"]).start,
                                          hold[-1] + 1),
    }
    return Story("arabesque", start, stop, phases, metrics)


# the toe's place against the supporting knee (passe_toe_to_knee, shank lengths below it) that counts as
# having passed through passé: up to the knee or above it, to a shank above (the développés' passe_height
# criterion's acceptable band, docs/ballet-criteria.md §2, §7), where a reference doesn't give its own
PASSE_REACHED = (-1.0, 0.2)


def developpe_story(name, measures, times, spans, start, stop, view: str = "unknown",
                    reached_band: tuple[float, float] = PASSE_REACHED) -> Story:
    """A développé in time: preparation, passé, unfold, hold, close; whether the foot passed through passé
    (its toe within `reached_band` of the supporting knee: the reference's own criterion's acceptable
    band, so the story and the verdict agree), how the knee unfolded and the extension it reached."""
    passe, extension = spans.get("passe"), spans.get("extension")
    notes = []
    if extension is None:
        return Story(name, start, stop, (), notes=(say("never_unfolded"),))
    knee, toe = measures["working_knee"], measures["passe_toe_to_knee"]
    before = slice(start, int(extension.frames[0]))
    bent = np.flatnonzero(np.nan_to_num(knee[before], nan=180) < 120) + start
    if bent.size:
        closest = bent[int(np.nanargmin(np.abs(toe[bent])))] if np.isfinite(toe[bent]).any() else bent[0]
        passe_frame = int(bent[int(np.nanargmin(knee[bent]))])
        passe_gap = float(toe[closest])
    else:
        closest, passe_frame, passe_gap = None, None, float("nan")
        notes.append(say("no_passe_on_the_way"))
    reached = bool(np.isfinite(passe_gap) and reached_band[0] <= passe_gap <= reached_band[1])
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
        "unfold_knee_rebend_deg": _reversal(knee, times, unfold) if unfold else None,
        "knee_at_end": finite_stat(np.median, knee[hold]),
        "height_at_extension": finite_stat(np.median, measures["working_leg_height"][hold]),
        # the hip line is only seen across the picture from the front
        "hip_hike_highest": _highest(measures["hip_hike"], times, hold[0], hold[-1] + 1) if view == "front" else None,
        "supporting_knee_lowest": _lowest(measures["supporting_knee"], times, start, int(hold[-1]) + 1),
    }
    return Story(name, start, stop, phases, metrics, notes=tuple(notes))


def _lowest(series: np.ndarray, times: np.ndarray, start: int, stop: int) -> float:
    """The lowest the series stays over frames start:stop, past a single frame's jump (held_extreme)."""
    return held_extreme(series[start:stop], times[start:stop], lowest=True)


def _highest(series: np.ndarray, times: np.ndarray, start: int, stop: int) -> float:
    """The highest the series stays over frames start:stop, past a single frame's jump (held_extreme)."""
    return held_extreme(series[start:stop], times[start:stop], lowest=False)


def _reversal(series: np.ndarray, times: np.ndarray, phase: Phase) -> float | None:
    """Largest step back while unfolding: how far the knee re-bends after having been straighter (degrees),
    each level held for a blip either side (held_level).

    A smooth développé unfolds in one continuous movement, so this stays at the level of tracking
    noise (a couple of degrees); a jerky or hesitant unfold shows as a clear re-bend. A single frame
    of MediaPipe's knee jumping is neither (the raw reading told smooth renders' unfolds 10-33 deg).
    """
    if np.count_nonzero(np.isfinite(series[phase.start:phase.stop])) < 3:
        return None
    # levels over the whole clip, so the unfold's first and last frames are held against their neighbours too
    bent_at_most, straight_at_least = (held_level(series, times, at_most)[phase.start:phase.stop]
                                       for at_most in (True, False))
    kept = np.isfinite(bent_at_most) & np.isfinite(straight_at_least)
    straightest = np.maximum.accumulate(straight_at_least[kept])
    return float(max(0.0, np.max(straightest - bent_at_most[kept])))


def turns_story(movement: str, measures, times, world, start, stop, extension: bool = True) -> Story:
    """Turns in time (a fouetté's, a pirouette's): preparation, each revolution, close; how many, which way,
    how fast and how steadily, how many on relevé. `extension`: the working leg opens between turns (a
    fouetté), so the steadiness of its height is told too."""
    # the clip's turning is already measured (clip_measures); only the segment's frames are read
    rotation = measures["body_turn"] if "body_turn" in measures else body_rotation(world)
    turns = find_turns(rotation, start, stop)
    rest = ~active_frames(measures) & np.isfinite(measures["supporting_ankle_y"])
    flat = finite_stat(np.median, measures["supporting_ankle_y"][rest]) if rest.any() else finite_stat(
        np.max, measures["supporting_ankle_y"][start:stop])
    details = turn_details(turns, measures, times, flat)
    if not extension:  # a pirouette's leg stays in passé: no height at second to tell
        details = [dataclasses.replace(t, extension_height=float("nan")) for t in details]
    notes = []
    total = rotation[start:stop]
    seen = total[np.isfinite(total)]
    turned = float(abs(seen[-1] - seen[0])) if seen.size else 0.0
    if not turns:
        notes.append(say("no_complete_turn", turned=turned))
    lost = [(a, b) for a, b in true_runs(~np.isfinite(rotation[start:stop]))
            if times[start + b - 1] - times[start + a] >= 0.2]
    for a, b in lost:
        notes.append(say("out_of_view_in_turns", start=times[start + a], stop=times[start + b - 1]))
    durations = np.array([t.duration_s for t in details])
    height = finite_stat(np.median, measures["body_height"][start:stop])
    hip = np.stack([measures["hip_centre_x"][start:stop], measures["hip_centre_y"][start:stop]], axis=1)
    hip = hip[np.isfinite(hip).all(axis=1)]
    metrics = {
        "turns": len(details),
        "rotation_deg": turned,
        "direction": say("clockwise" if seen[-1] < seen[0] else "anticlockwise") if seen.size else None,
        "turns_per_second": float(len(details) / durations.sum()) if len(details) else None,
        "tempo_steadiness_cv": float(durations.std() / durations.mean()) if len(details) > 1 else None,
        "extension_height_sd": (float(np.nanstd([t.extension_height for t in details]))
                                if extension and len(details) > 1 else None),
        "travel_body_heights": float(np.linalg.norm(hip[-1] - hip[0]) / height) if len(hip) >= 2 else None,
        "relevé_in_turns": int(sum(1 for t in details if np.isfinite(t.releve) and t.releve > RELEVE_LIFT)),
    }
    phases = tuple(Phase(f"turn {t.index}", t.start, t.stop) for t in details)
    lead = [Phase("preparation", start, phases[0].start)] if phases and phases[0].start > start else []
    tail = [Phase("close", phases[-1].stop, stop)] if phases and phases[-1].stop < stop else []
    return Story(movement, start, stop, tuple(lead) + phases + tuple(tail), metrics, tuple(details), tuple(notes))


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
        return Story("plie", start, stop, (), notes=(say("no_plie"),))
    top = finite_stat(np.nanmax, knees[start:stop])
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
        "plie_knee_lowest": _lowest(knees, times, start, stop),
        "heels_rise_highest": _highest(measures["releve_lift"], times, start, stop),
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
        passe_height = next((c for c in reference.criteria if c.measure == "passe_toe_to_knee"), None)
        return developpe_story(movement, measures, times, spans, start, stop, view,
                               passe_height.acceptable if passe_height else PASSE_REACHED)
    if kind in ("fouette", "turns"):
        return turns_story(movement, measures, times, world, start, stop, extension=kind == "fouette")
    if kind == "plie":
        story = plie_story(measures, times, spans, start, stop)
        return Story(movement, story.start, story.stop, story.phases, story.metrics, notes=story.notes)
    return hold_story(reference, measures, times, spans, start, stop)
