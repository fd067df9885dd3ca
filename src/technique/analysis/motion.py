"""Movements in time: segments, rests, turns, balance, whole-clip measures.

A still frame can't tell a développé from a held passé or count fouettés, so this stage reads the
measures as time series. Everything here is pure numpy on a clip's measures (and, for turns, its
world landmarks): no model, no video, no reference. How each movement is told from these (its
phases and metrics) is judging/stories.py.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from technique.series import frames_within, rolling_percentile, true_runs



@dataclass(frozen=True)
class MotionConfig:
    """What counts as moving, resting, turning and rising: the numbers segmentation and turns use.

    rest_leg_height, rest_thigh_height: degrees; below both the working leg is at rest (a tendu
        already lifts it past this, a passé lifts the thigh past 45).
    rest_knee: plie_knee (feet down) bent past this is a plié, not standing (a demi-plié is 115-140).
    releve_leg_lift: the supporting ankle above its flat height, in standing leg lengths, that is a
        relevé (about 5 cm; a demi-pointe lifts it 6-10).
    blip_s: active stretches shorter than this are tracking noise, not a movement or the end of a rest.
    min_movement_s, merge_gap_s: a movement lasts at least this; a rest shorter than merge_gap_s (a
        breath between two counts) does not split one; edge_s of rest is kept on each side of it.
    turn_slack: degrees; a revolution counts once the body has turned 360 minus this.
    opened_knee, passe_knee: degrees of the working knee; straighter than opened_knee between two passés
        (bent past passe_knee) while she turns, the leg opened between turns: a fouetté's (dev renders:
        157-171 for 0.2-0.5 s; a pirouette's knee, misread for a frame as she turns, for at most 0.13 s).
    turn_releve_lift: body heights (about 4 cm) the supporting ankle must rise in a turn to count as
        relevé. The heel-above-toe angle is not used in turns: the foot is seen from every side as
        the body rotates, which changes that angle without any relevé.
    foot_pointed: degrees one foot's picture angle opens past its flat level (measures' *_foot_pointing)
        while the other stays under half of it and both legs hang straight: a tendu or dégagé along the
        camera's line of sight, whose leg doesn't rise in the picture (dev renders from the front: tendus
        devant and derrière 29-48, standing and pliés under 5; a relevé points both feet, 28-44).
    pointed_clear_s: such a pointing is told only as a whole excursion, out and back: this long clear of
        the clip's ends and of its movements on each side (a foot stepping out into second at the start
        of a clip, or a développé's leg seen end-on as it closes, is none).
    """

    rest_leg_height: float = 20.0
    rest_thigh_height: float = 25.0
    rest_knee: float = 160.0
    releve_leg_lift: float = 0.06
    blip_s: float = 0.1
    min_movement_s: float = 0.5
    merge_gap_s: float = 0.5
    edge_s: float = 0.5
    turn_slack: float = 45.0
    opened_knee: float = 140.0
    passe_knee: float = 110.0
    turn_releve_lift: float = 0.025
    foot_pointed: float = 20.0
    pointed_clear_s: float = 0.3


MOTION = MotionConfig()
RELEVE_LIFT = MOTION.turn_releve_lift  # a turn on relevé (reports and stories read it by this name)


@dataclass(frozen=True)
class Phase:
    name: str
    start: int
    stop: int  # exclusive

    def to_dict(self, times: np.ndarray) -> dict:
        return {"name": self.name, "start_s": time_at(times, self.start), "end_s": time_at(times, self.stop - 1)}


@dataclass(frozen=True)
class Turn:
    """One revolution of a fouetté or a pirouette, with what a teacher checks in it."""

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
            "turn": self.index, "start_s": time_at(times, self.start), "end_s": time_at(times, self.stop - 1),
            "duration_s": rounded(self.duration_s, 3), "passe_toe_to_knee": rounded(self.passe_toe_to_knee),
            "extension_height": rounded(self.extension_height, 1), "releve": rounded(self.releve),
            "relevé": bool(self.releve > RELEVE_LIFT) if np.isfinite(self.releve) else None,
            "plie_depth": rounded(self.plie_depth, 1),
            "supporting_knee_straightened": rounded(self.supporting_knee_straightened, 1),
            "travel_body_heights": rounded(self.travel),
        }




def time_at(times: np.ndarray, i: int) -> float:
    return round(float(times[min(max(i, 0), len(times) - 1)]), 3)


def rounded(value, digits: int = 2):
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def finite_stat(f, values: np.ndarray) -> float:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return float(f(values)) if values.size else float("nan")


def frame_step(times: np.ndarray) -> float:
    """The seconds between a clip's frames (their median); NaN for fewer than two frames."""
    return finite_stat(np.median, np.diff(np.asarray(times, dtype=float)))


def held_level(values: np.ndarray, times: np.ndarray, at_most: bool, each_side_s: float = MOTION.blip_s) -> np.ndarray:
    """Per frame, the level the series stays at or under (`at_most`; else at or over) for `each_side_s`
    either side of it (a blip, MotionConfig.blip_s, unless told): the level a movement holds there, past a
    single frame where MediaPipe's leg jumps. NaN where nothing near is finite."""
    return rolling_percentile(values, frames_within(each_side_s, frame_step(times)), 100 if at_most else 0)


def held_extreme(values: np.ndarray, times: np.ndarray, lowest: bool) -> float:
    """The lowest (or highest) value the series stays at or beyond for a blip on each side of a frame
    (held_level): the extreme of the movement, not of tracking noise. A single frame where MediaPipe's
    leg jumps reads a supporting knee 50-120 deg more bent than it ever was (dev renders); a knee that
    bends stays bent longer than a blip. NaN if nothing is finite."""
    return finite_stat(np.min if lowest else np.max, held_level(values, times, at_most=lowest))


# ---------------------------------------------------------------- segmentation

def active_frames(measures: dict[str, np.ndarray], config: MotionConfig = MOTION) -> np.ndarray:
    """Frames where the dancer is doing something: a leg raised or extended, its thigh lifted to passé,
    the knees bent in a plié, or the heels up in a relevé."""
    leg = np.nan_to_num(measures["working_leg_height"], nan=0.0)
    thigh = np.nan_to_num(measures["working_thigh_height"], nan=0.0)
    knees = np.nan_to_num(measures.get("plie_knee", np.full(len(leg), 180.0)), nan=180.0)
    lift = np.nan_to_num(measures.get("releve_lift", np.zeros(len(leg))), nan=0.0)
    return ((leg >= config.rest_leg_height) | (thigh >= config.rest_thigh_height) | (knees <= config.rest_knee)
            | (lift >= config.releve_leg_lift))


def segment_clip(measures: dict[str, np.ndarray], times: np.ndarray,
                 config: MotionConfig = MOTION) -> list[tuple[int, int]]:
    """[start, stop) frame ranges of separate movements: active stretches split by rests.

    Short rests (under merge_gap_s: a breath between two counts) do not split a movement;
    stretches shorter than min_movement_s are noise. Each range is widened to include its
    preparation and its close (the rest frames around it, up to edge_s, and no further than the
    middle of a rest shared with the next movement).
    """
    active = active_frames(measures, config)
    # a blip of a frame or two (a tracking glitch) is neither a movement nor the end of a rest
    runs = [(a, b) for a, b in true_runs(active) if times[b - 1] - times[a] >= config.blip_s]
    merged: list[list[int]] = []
    for start, stop in runs:
        if merged and times[start] - times[merged[-1][1] - 1] <= config.merge_gap_s:
            merged[-1][1] = stop
        else:
            merged.append([start, stop])
    kept = [(start, stop) for start, stop in merged if times[stop - 1] - times[start] >= config.min_movement_s]
    out = []
    for k, (start, stop) in enumerate(kept):
        # a rest between two movements is shared at its middle: the close of one, the preparation of the next
        lead = int(np.searchsorted(times, times[start] - config.edge_s))
        if k:
            lead = max(lead, (kept[k - 1][1] + start) // 2)
        tail = int(np.searchsorted(times, times[stop - 1] + config.edge_s, side="right"))
        if k + 1 < len(kept):
            tail = min(tail, (stop + kept[k + 1][0]) // 2)
        out.append((lead, min(tail, len(times))))
    return out


def feet_pointed(measures: dict[str, np.ndarray], times: np.ndarray, movements: list[tuple[int, int]],
                 config: MotionConfig = MOTION) -> list[tuple[int, int, str]]:
    """[start, stop) and foot ("working" or "supporting") of each stretch, outside the clip's `movements`,
    where one foot points (config.foot_pointed) while the other doesn't, the working leg hangs under her,
    both knees are straight and both feet down (no plié, relevé or lifted foot): a tendu along the camera's
    line of sight (devant or derrière from the front, à la seconde from the side), which rises too little
    in the picture to be a movement segment_clip finds. Only a whole excursion (config.pointed_clear_s
    clear of the clip's ends and of its movements), lasting config.min_movement_s at least. The view can't
    say where that leg went: the report tells it, never names or judges it."""
    n = len(times)
    if n < 3:
        return []
    feet = {f: np.nan_to_num(np.asarray(measures[f"{f}_foot_pointing"], dtype=float), nan=0.0)
            for f in ("working", "supporting")}
    half = config.foot_pointed / 2
    under = ((np.nan_to_num(measures["working_leg_height"], nan=0.0) < config.rest_leg_height)
             & (np.nan_to_num(measures["working_knee"], nan=180.0) > config.rest_knee)
             & (np.nan_to_num(measures["supporting_knee"], nan=180.0) > config.rest_knee)
             & (np.nan_to_num(measures["plie_knee"], nan=180.0) > config.rest_knee)
             & (np.nan_to_num(measures["releve_lift"], nan=0.0) < config.releve_leg_lift)
             & (np.nan_to_num(measures["supporting_foot_lift"], nan=0.0) < config.releve_leg_lift))
    busy = np.zeros(n, bool)
    for start, stop in movements:
        busy[start:stop] = True
    clear = frames_within(config.pointed_clear_s, frame_step(times))
    out = []
    for foot, other in (("working", "supporting"), ("supporting", "working")):
        pointed = (feet[foot] >= config.foot_pointed) & (feet[other] < half) & under & ~busy
        for start, stop in true_runs(pointed):
            near = busy[max(start - clear, 0):stop + clear]
            whole = start >= clear and stop + clear <= n and not near.any()
            if whole and times[stop - 1] - times[start] >= config.min_movement_s:
                out.append((int(start), int(stop), foot))
    return sorted(out)


def clip_measures(measures: dict[str, np.ndarray], times: np.ndarray, world: np.ndarray) -> dict[str, np.ndarray]:
    """Measures that need the whole clip: time, how far the body has turned, how far it has travelled.

    - time_s: the frame's time (a moment's duration is the range of time_s over it);
    - body_turn: degrees turned about the vertical since the start (see body_rotation);
    - hip_travel: the hip centre's horizontal offset from its median place, in body heights;
    - leg_opened_s: on each frame of an opening of the working leg between two passés while she turns
      (leg_openings), how long that opening lasts, in seconds; 0 elsewhere.
    """
    height = finite_stat(np.median, measures["body_height"])
    x = measures["hip_centre_x"]
    turn = body_rotation(world)
    return {**measures, "time_s": np.asarray(times, dtype=float), "body_turn": turn,
            "hip_travel": (x - finite_stat(np.median, x)) / height,
            "leg_opened_s": leg_openings(measures["working_knee"], turn, times)}


def leg_openings(knee: np.ndarray, turn: np.ndarray, times: np.ndarray, config: MotionConfig = MOTION) -> np.ndarray:
    """Per frame, the seconds of the working leg's opening it lies in (knee straighter than
    config.opened_knee), where that opening comes between two passés (knee bent past config.passe_knee)
    while she turns; 0 elsewhere. A fouetté opens the leg à la seconde between its turns, a pirouette
    holds the passé through them: from her side the fouetté's leg points at the camera and its height
    doesn't show, but its knee straightening does."""
    knee = np.asarray(knee, dtype=float)
    times = np.asarray(times, dtype=float)
    out = np.zeros(len(knee))
    turning = np.flatnonzero(turning_frames(turn))
    if turning.size < 2 or len(times) < 2:
        return out
    first, last = turning[0], turning[-1] + 1
    passes = first + np.flatnonzero(np.nan_to_num(knee[first:last], nan=180.0) <= config.passe_knee)
    frame_s = frame_step(times)
    for start, stop in true_runs(np.nan_to_num(knee, nan=0.0) >= config.opened_knee):
        if passes.size and passes[0] < start and stop <= passes[-1]:
            out[start:stop] = times[stop - 1] - times[start] + frame_s
    return out


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

    MediaPipe's world frame follows the camera, so the shoulder and hip lines (in the floor plane) turn
    with the dancer. Their direction is taken modulo 180 degrees, which MediaPipe exchanging her left
    and right as she faces away doesn't change; which way she faces along their normal comes from her
    face (the nose ahead of the ears, which MediaPipe places right from behind her too), or, where the
    face isn't seen (or points off the normal by more than 45 deg: a face MediaPipe can't place), from
    the frame before. Frame to frame the heading then moves by the turn alone. A fouetté filmed at 10
    frames a second turns 70-100 deg a frame; folding out every step past 120 deg as a swap lost a half
    or a whole turn in 14 of the 88 dev renders' fouettés (6 sets), this in 1 (its face misread as she
    came round).
    """
    from technique.landmarks import LEFT_EAR, LEFT_HIP, LEFT_SHOULDER, NOSE, RIGHT_EAR, RIGHT_HIP, RIGHT_SHOULDER

    def floor_angle(d: np.ndarray) -> np.ndarray:
        return np.degrees(np.arctan2(d[:, 2], d[:, 0]))

    lines = [floor_angle(world[:, b, :] - world[:, a, :]) for a, b in ((LEFT_SHOULDER, RIGHT_SHOULDER), (LEFT_HIP, RIGHT_HIP))]
    # the two lines' mean direction modulo 180 (doubled angles), then its normal: a heading up to 180 deg off
    doubled = np.radians(2 * np.stack(lines))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        line = np.degrees(np.arctan2(np.nansum(np.sin(doubled), axis=0), np.nansum(np.cos(doubled), axis=0))) / 2
    seen = np.isfinite(lines[0]) | np.isfinite(lines[1])
    face = world[:, NOSE, :] - (world[:, LEFT_EAR, :] + world[:, RIGHT_EAR, :]) / 2
    facing = floor_angle(face)
    # metres the nose stands ahead of the ears in the floor plane: 0.09-0.16 in the turning renders, 0.04-0.06
    # where MediaPipe misplaced the face
    facing_seen = np.isfinite(facing) & (np.hypot(face[:, 0], face[:, 2]) > 0.08)

    def gap(a: float, b: float) -> float:
        return abs((a - b + 180) % 360 - 180)

    out = np.full(len(line), np.nan)
    total, previous = 0.0, None
    for i in np.flatnonzero(seen):
        normal = line[i] + 90
        # the face guides only where it points along the lines' normal (within 45 deg, either way)
        square = facing_seen[i] and abs(gap(normal, facing[i]) - 90) > 45
        guide = facing[i] if square else previous
        if guide is not None and gap(normal, guide) > 90:
            normal -= 180
        if previous is not None:
            total += (normal - previous + 180) % 360 - 180
        previous = normal
        out[i] = total
    return out


def turning_frames(turn: np.ndarray, settled: float = 20.0) -> np.ndarray:
    """Where she is turning: past `settled` degrees from where the (segment's) rotation starts and short of
    where it ends. All False when she never turns that far (the rotation unknown, or no turn)."""
    turn = np.asarray(turn, dtype=float)
    seen = np.flatnonzero(np.isfinite(turn))
    if seen.size < 2:
        return np.zeros(len(turn), bool)
    with np.errstate(invalid="ignore"):
        return (np.abs(turn - turn[seen[0]]) > settled) & (np.abs(turn - turn[seen[-1]]) > settled)


def find_turns(rotation: np.ndarray, start: int, stop: int, config: MotionConfig = MOTION) -> list[tuple[int, int]]:
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
        target = base + 360 * k - config.turn_slack
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
    return (flat_ankle_y - finite_stat(np.median, near)) / height


def turn_details(turns: list[tuple[int, int]], measures: dict[str, np.ndarray], times: np.ndarray,
                 flat_ankle_y: float) -> list[Turn]:
    out = []
    height = finite_stat(np.median, measures["body_height"])
    # a plié lasts; a frame or two of a knee seen wrongly as the body turns is not one (it once read
    # "plié 66°" in a side-view fouetté with no plié): the bend counted is the one held for ~0.15 s
    # (the straightest knee within that stretch around each frame)
    steady_support = held_level(measures["supporting_knee"], times, at_most=True, each_side_s=0.05)
    for k, (a, b) in enumerate(turns, 1):
        m = {name: values[a:b] for name, values in measures.items()}
        knee = m["knee_in_passe"]  # a fouetté's opening, pointing at the camera, looks bent: not its passé
        deepest = int(np.nanargmin(knee)) if np.isfinite(knee).any() else None
        passe = float(m["passe_toe_to_knee"][deepest]) if deepest is not None else float("nan")
        support = steady_support[a:b]
        low = int(np.nanargmin(support)) if np.isfinite(support).any() else None
        plie = 180 - float(support[low]) if low is not None else float("nan")
        straightened = finite_stat(np.max, support[low:]) if low is not None else float("nan")
        hip = np.stack([m["hip_centre_x"], m["hip_centre_y"]], axis=1)
        ok = np.isfinite(hip).all(axis=1)
        travel = float(np.linalg.norm(hip[ok][-1] - hip[ok][0]) / height) if ok.sum() >= 2 else float("nan")
        out.append(Turn(k, a, b, float(times[b - 1] - times[a]), passe,
                        finite_stat(np.max, m["working_leg_height"]),
                        _releve_rise(m, deepest, flat_ankle_y, height),
                        plie, straightened, travel))
    return out


def rise_start(driver: np.ndarray, start: int, peak: int, baseline: float) -> int:
    """First frame before the peak where the driver has covered a quarter of the way up."""
    level = baseline + 0.25 * (driver[peak] - baseline)
    before = np.flatnonzero(np.nan_to_num(driver[start:peak + 1], nan=-np.inf) < level)
    return start + int(before[-1]) + 1 if before.size else start


def balance(measures: dict[str, np.ndarray], frames: np.ndarray) -> dict:
    """Sway of the hips and the supporting ankle during a hold, in body heights (standard deviation)."""
    height = finite_stat(np.median, measures["body_height"][frames])

    def sway(x: str, y: str) -> float:
        points = np.stack([measures[x][frames], measures[y][frames]], axis=1)
        points = points[np.isfinite(points).all(axis=1)]
        if len(points) < 3:
            return float("nan")
        return float(np.sqrt(((points - points.mean(axis=0)) ** 2).sum(axis=1).mean()) / height)

    return {"hip_sway": sway("hip_centre_x", "hip_centre_y"),
            "supporting_ankle_sway": sway("supporting_ankle_x", "supporting_ankle_y")}
