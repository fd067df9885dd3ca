"""Body measures from cleaned landmarks: pure numpy geometry, no model, no video.

Every function works on one frame ((33, 2) pixels) or a whole clip ((T, 33, 2)) alike.
Angles are in degrees and computed in **pixels** (normalised coordinates would stretch angles on
non-square frames). A missing joint gives NaN, never 0.

Angle conventions (documented once, here):
- joint angle (knee, hip, foot point): the interior angle at the middle joint, 180 = straight line.
  A "straight" knee measures about 170-177 on real bodies and on MediaPipe's skeleton.
- height from vertical (working_leg_height, thigh height): angle between straight down and the
  hip->ankle (or hip->knee) vector. 0 = hanging, 45 = demi-hauteur, 90 = horizontal ("à la
  hauteur"), above 90 = higher than the hip.
- torso_tilt: mid-hip->mid-shoulder against straight up; 0 = upright, positive whichever way.
- hip_hike / shoulder_level: slope of the hip (shoulder) line against horizontal, positive when the
  working side is higher. Meaningful only when the line lies across the picture (front view).
- working_leg_height: hip->ankle from straight down as above. In the image plane it is the 2D angle;
  a straight leg pointing partly at (or away from) the camera looks short, so then the height comes
  from how far the ankle drops below the hip against the leg's standing length: arccos(drop /
  standing length). That needs no depth and holds in every view (the camera is roughly level). A leg
  pointing almost straight at the camera shows neither: MediaPipe's 3D height is used there.
- facing_x: which way the dancer faces in the picture, from the body itself: the nose ahead of the
  ears and the supporting foot's toes ahead of its heel. +1 = towards the picture's right, -1 = left,
  0 = towards the camera (or away). body_yaw: how far she is turned from the camera, 0 = front (or
  back) view, 90 = profile: the apparent shoulder width against the torso length (2D), averaged with
  MediaPipe's world shoulder and hip lines, and steadied over a clip in which she doesn't turn.
- working_leg_forward / working_leg_side: the hip->ankle vector in the dancer's own frame, in standing
  leg lengths: forward (+) or back (-), and out to the working side. The picture gives the leg's
  horizontal and vertical offsets, its length how much of it points along the line of sight (but not
  whether towards the camera or away); body_yaw and facing_x turn the two possible legs into her
  frame. A leg can't point across the body, so usually one of them is impossible. When both are
  possible a foot on the floor is placed by perspective against the supporting heel (in front of her
  stands lower in the picture), in a three-quarter view MediaPipe's depth decides, and otherwise the
  forward part is unknown (NaN). The yaw is only an estimate: the leg is solved again with the yaw
  15 deg either way, and a direction that changes with it is unknown, not guessed.
- working_leg_direction: where the leg goes in the floor plane: 0 = devant, 90 = à la seconde,
  180 = derrière. NaN when the view can't tell (a raised leg seen from the front), and for a hanging
  leg.
- passe_toe_to_knee: height of the working toe below the supporting knee, in shank lengths
  (0 = toe at the knee, positive = below, negative = above).
- plie_knee: the more bent knee while both feet are down (a plié); NaN while a foot is raised.
- feet_apart: distance between the ankles, in standing leg lengths (first ~0.1, second ~0.5).
- feet_turnout: the angle between the two feet (heel->toe) in the picture, 0 = parallel. Seen from
  the front or three-quarter, turned-out feet point apart (renders of first and second: 95-140 from
  the front, 55-115 at three-quarter) and parallel feet the same way (under 25); in profile both
  feet point along the picture, turned out or not, so it says nothing there.
- working_toe_lift: the working toe above the supporting heel, in standing leg lengths (noisy: the
  foot points are MediaPipe's least reliable; not used to judge).
- releve: how far the supporting heel is lifted above the toe, in foot lengths (0 = flat; side view).
- releve_lift: how far the supporting ankle has risen above its flat level (the lowest it stood, on
  a straight leg, in the last few seconds), in standing leg lengths; works in every view.
  supporting_foot_lift: how far the supporting toes rose the same way (a jump, a step).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from technique import landmarks as L
from technique.wording import UNITS

SIDES = ("left", "right")
_SIDE_IDX = {
    "left": dict(shoulder=L.LEFT_SHOULDER, hip=L.LEFT_HIP, knee=L.LEFT_KNEE, ankle=L.LEFT_ANKLE,
                 heel=L.LEFT_HEEL, toe=L.LEFT_TOE, wrist=L.LEFT_WRIST, elbow=L.LEFT_ELBOW),
    "right": dict(shoulder=L.RIGHT_SHOULDER, hip=L.RIGHT_HIP, knee=L.RIGHT_KNEE, ankle=L.RIGHT_ANKLE,
                  heel=L.RIGHT_HEEL, toe=L.RIGHT_TOE, wrist=L.RIGHT_WRIST, elbow=L.RIGHT_ELBOW),
}
OTHER = {"left": "right", "right": "left"}


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Interior angle a-b-c at b in degrees (180 = straight). Works in 2D or 3D, any leading dims."""
    u, v = a - b, c - b
    norm = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / norm
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def from_vertical_down(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Angle between top->bottom and straight down (image y grows downwards): 0 hanging, 90 level."""
    d = bottom - top
    return np.degrees(np.arctan2(np.abs(d[..., 0]), d[..., 1]))


def from_vertical_up(bottom: np.ndarray, top: np.ndarray) -> np.ndarray:
    """Angle between bottom->top and straight up: 0 = upright."""
    d = top - bottom
    return np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))


def slope(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Degrees by which `second` stands higher than `first` along the line joining them."""
    d = second - first
    return np.degrees(np.arctan2(-d[..., 1], np.abs(d[..., 0])))


def _mid(points: np.ndarray, a: int, b: int) -> np.ndarray:
    return (points[..., a, :] + points[..., b, :]) / 2


def _dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.norm(a - b, axis=-1)


@dataclass(frozen=True)
class SideMeasures:
    """Measures of one side of the body (arrays of shape () or (T,))."""

    knee: np.ndarray
    hip: np.ndarray
    leg_height: np.ndarray
    thigh_height: np.ndarray
    foot_point: np.ndarray
    ankle_rise: np.ndarray  # ankle height above the other ankle, in leg lengths
    leg_height_3d: np.ndarray
    leg_direction: np.ndarray
    heel_lift: np.ndarray  # heel above toe, in foot lengths (relevé proxy)


def side_measures(pixels: np.ndarray, world: np.ndarray, side: str) -> SideMeasures:
    i = _SIDE_IDX[side]
    o = _SIDE_IDX[OTHER[side]]
    p = pixels
    hip, knee, ankle = p[..., i["hip"], :], p[..., i["knee"], :], p[..., i["ankle"], :]
    heel, toe = p[..., i["heel"], :], p[..., i["toe"], :]
    leg_length = _dist(hip, knee) + _dist(knee, ankle)
    with np.errstate(invalid="ignore", divide="ignore"):
        ankle_rise = (p[..., o["ankle"], 1] - ankle[..., 1]) / leg_length
        heel_lift = (toe[..., 1] - heel[..., 1]) / _dist(heel, toe)
    w = world
    return SideMeasures(
        knee=joint_angle(hip, knee, ankle),
        hip=joint_angle(p[..., i["shoulder"], :], hip, knee),
        leg_height=from_vertical_down(hip, ankle),
        thigh_height=from_vertical_down(hip, knee),
        foot_point=joint_angle(knee, ankle, toe),
        ankle_rise=ankle_rise,
        leg_height_3d=_angle_from_down_3d(w[..., i["hip"], :], w[..., i["ankle"], :]),
        leg_direction=_leg_direction(w, i["hip"], i["ankle"]),
        heel_lift=heel_lift,
    )


def _angle_from_down_3d(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """3D angle from straight down; MediaPipe world y points down."""
    d = bottom - top
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = d[..., 1] / np.linalg.norm(d, axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _leg_direction(world: np.ndarray, hip: int, ankle: int) -> np.ndarray:
    """Floor-plane direction of hip->ankle vs the body's facing (0 devant, 90 seconde, 180 derrière), 3D.

    Facing is perpendicular to the hip and shoulder lines, turned the way the nose points from the
    ears and the toes from the heels (the nose ahead of the hips is not enough: a dancer leaning back
    in a développé devant has her nose above her hips).
    """
    w = world[..., [0, 2]]
    across = _unit(np.nan_to_num(_unit(w[..., L.RIGHT_HIP, :] - w[..., L.LEFT_HIP, :]))
                   + np.nan_to_num(_unit(w[..., L.RIGHT_SHOULDER, :] - w[..., L.LEFT_SHOULDER, :])))
    forward = np.stack([-across[..., 1], across[..., 0]], axis=-1)
    nose = _unit(w[..., L.NOSE, :] - _mid(w, L.LEFT_EAR, L.RIGHT_EAR))
    toes = _unit(w[..., L.LEFT_TOE, :] - w[..., L.LEFT_HEEL, :] + w[..., L.RIGHT_TOE, :] - w[..., L.RIGHT_HEEL, :])
    cue = np.nan_to_num(nose) + 0.5 * np.nan_to_num(toes)
    sign = np.sign(np.sum(forward * cue, axis=-1))
    forward = forward * np.where(sign == 0, 1, sign)[..., None]
    leg = _unit(w[..., ankle, :] - w[..., hip, :])
    return np.degrees(np.arccos(np.clip(np.sum(forward * leg, axis=-1), -1, 1)))


def _unit(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)


def body_height(pixels: np.ndarray) -> np.ndarray:
    """Dancer's height in pixels: nose to mid-ankle through the skeleton (robust to leg lifts)."""
    p = pixels
    neck = _mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    pelvis = _mid(p, L.LEFT_HIP, L.RIGHT_HIP)
    legs = np.fmax(
        _dist(p[..., L.LEFT_HIP, :], p[..., L.LEFT_KNEE, :]) + _dist(p[..., L.LEFT_KNEE, :], p[..., L.LEFT_ANKLE, :]),
        _dist(p[..., L.RIGHT_HIP, :], p[..., L.RIGHT_KNEE, :]) + _dist(p[..., L.RIGHT_KNEE, :], p[..., L.RIGHT_ANKLE, :]),
    )
    head = _dist(p[..., L.NOSE, :], neck)
    return head + _dist(neck, pelvis) + legs


def facing_yaw(world: np.ndarray) -> np.ndarray:
    """How far the body is turned from facing the camera, 0 (front or back) to 90 (profile), in degrees.

    Taken from the shoulder and hip lines in MediaPipe's world coordinates (depth is noisier than
    x and y, so both lines are averaged).
    """
    def yaw(a: int, b: int) -> np.ndarray:
        d = world[..., b, :] - world[..., a, :]
        return np.degrees(np.arctan2(np.abs(d[..., 2]), np.abs(d[..., 0])))

    both = np.stack([yaw(L.LEFT_SHOULDER, L.RIGHT_SHOULDER), yaw(L.LEFT_HIP, L.RIGHT_HIP)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame with neither line is NaN, as it should be
        return np.nanmean(both, axis=0)


VIEWS = ("front", "three_quarter", "side")
# body_yaw bands of the three views (degrees). body_yaw reads a camera 45 deg round as 25-55 (dev renders:
# the adult_male body's shoulders read narrow, 25-41) and a front or back camera as 0-19: the front
# band ends at 22, between the two
VIEW_FRONT_BELOW, VIEW_SIDE_ABOVE = 22.0, 60.0


def view_of(yaw: np.ndarray | float, front_below: float = VIEW_FRONT_BELOW, side_above: float = VIEW_SIDE_ABOVE) -> str:
    """Camera view from the body's yaw (a clip's median, or one frame's)."""
    finite = np.asarray(yaw, dtype=float)[np.isfinite(yaw)]
    y = float(np.median(finite)) if finite.size else float("nan")
    if not np.isfinite(y):
        return "unknown"
    return "front" if y < front_below else "side" if y > side_above else "three_quarter"


def working_side(pixels: np.ndarray, world: np.ndarray) -> str:
    """The leg that works, over the clip: the one whose ankle rises higher above the other, or, when
    neither rises far (tendus, which stay on the floor), the one whose ankle travels further from
    where it stood while the supporting foot stays put."""
    def p90(values: np.ndarray) -> float:
        return float(np.nanpercentile(values, 90)) if np.isfinite(values).any() else -np.inf

    rise = {s: p90(side_measures(pixels, world, s).ankle_rise) for s in SIDES}
    if max(rise.values()) > 0.25:  # a leg lifted off the floor by a quarter of its length
        return max(SIDES, key=lambda s: rise[s])
    p = np.asarray(pixels, dtype=float).reshape(-1, pixels.shape[-2], 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # the unit: the torso (always in view when a leg is not)
        torso = np.nanmedian(_dist(_mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), _mid(p, L.LEFT_HIP, L.RIGHT_HIP)))
        travel = {s: p90(_dist(p[:, _SIDE_IDX[s]["ankle"]], np.nanmedian(p[:, _SIDE_IDX[s]["ankle"]], axis=0))) / torso
                  for s in SIDES}
        # legs cut off by the frame: the leg whose ankle is ever seen high is the one that rises
        high = {s: -p90(-(p[:, _SIDE_IDX[s]["ankle"], 1] - p[:, _SIDE_IDX[s]["hip"], 1]) / torso) for s in SIDES}
    key = {s: tuple(np.nan_to_num(v, nan=-np.inf) for v in (travel[s], rise[s], -high[s])) for s in SIDES}
    if all(np.isneginf(key[s][0]) for s in SIDES):
        key = {s: (key[s][2],) for s in SIDES}
    return max(SIDES, key=lambda s: key[s])



@dataclass(frozen=True)
class BodyScale:
    """The dancer's standing lengths in pixels, from the clip itself (for foreshortening and relevé).

    leg: hip->ankle of a straight, hanging leg. flat: for each foot ("supporting", "working"), the
    image y of its ankle and toe standing flat (per frame for a clip: its lowest place in the picture
    over the last few seconds; a number for a single frame).
    """

    leg: float
    flat: dict  # foot -> (ankle_y, toe_y)


def body_scale(pixels: np.ndarray, working: str = "right") -> BodyScale:
    """Standing lengths from a clip (T, 33, 2) or a frame: the working leg's longest hip->ankle seen
    (95th percentile; both legs' for a single frame), and each foot's flat levels."""
    p = np.asarray(pixels, dtype=float).reshape(-1, pixels.shape[-2], 2)
    # the working leg's own length: MediaPipe's two hip points are not mirror images, and a leg
    # farther from the camera looks shorter
    i = _SIDE_IDX[working]
    own = _dist(p[:, i["hip"]], p[:, i["ankle"]])
    both = np.concatenate([own, _dist(p[:, _SIDE_IDX[OTHER[working]]["hip"]], p[:, _SIDE_IDX[OTHER[working]]["ankle"]])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        legs = own if np.isfinite(own).sum() >= 5 else both
        leg = float(np.nanpercentile(legs, 95)) if np.isfinite(legs).any() else float("nan")
    flat = {}
    for foot, side in (("supporting", OTHER[working]), ("working", working)):
        i = _SIDE_IDX[side]
        # standing on a straight leg only: in a plié MediaPipe's ankle slides down the picture
        bent = joint_angle(p[:, i["hip"]], p[:, i["knee"]], p[:, i["ankle"]]) < 160
        levels = [rolling_percentile(np.where(bent, np.nan, p[:, i[part], 1]), FLAT_WINDOW_FRAMES, 90)
                  for part in ("ankle", "toe")]
        flat[foot] = tuple(levels) if pixels.ndim == 3 else tuple(float(v[0]) for v in levels)
    return BodyScale(leg, flat)


def releve_lifts(pixels: np.ndarray, working: str, scale: BodyScale) -> tuple[np.ndarray, np.ndarray]:
    """(relevé lift, supporting foot lift) in standing leg lengths.

    A relevé raises the ankle above its flat level (the toe tip rises a little too, about 0.05 leg
    lengths on demi-pointe; a jump or a step lifts it much more, which supporting_foot_lift shows).
    With both feet down (relevé in first) both must rise, so the lower of the two counts (in profile,
    the one seen); with the working leg raised (passé relevé) the supporting foot alone.
    """
    w, s = _SIDE_IDX[working], _SIDE_IDX[OTHER[working]]
    with np.errstate(invalid="ignore", divide="ignore"):
        lifts = {foot: (scale.flat[foot][0] - pixels[..., i["ankle"], 1]) / scale.leg
                 for foot, i in (("supporting", s), ("working", w))}
        toe = (scale.flat["supporting"][1] - pixels[..., s["toe"], 1]) / scale.leg
        rise = (pixels[..., s["ankle"], 1] - pixels[..., w["ankle"], 1]) / scale.leg
    feet_down = np.abs(np.nan_to_num(rise, nan=0.0)) < 0.08
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        both = np.nanmin(np.stack([lifts["supporting"], lifts["working"]]), axis=0)
    return np.where(feet_down, both, lifts["supporting"]), toe


FLAT_WINDOW_FRAMES = 75  # frames each side (about 2.5 s at 30 fps) in which the feet are flat at some point


def rolling_percentile(values: np.ndarray, half_window: int, q: float) -> np.ndarray:
    """Each frame's q-th percentile of the finite values within half_window frames of it (NaN if none)."""
    from numpy.lib.stride_tricks import sliding_window_view

    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return values.copy()
    # padded with NaN, which nanpercentile leaves out: the windows at the ends are simply shorter
    windows = sliding_window_view(np.pad(values, half_window, constant_values=np.nan), 2 * half_window + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(windows, q, axis=1)


def facing_x(pixels: np.ndarray, working: str = "right") -> np.ndarray:
    """Which way the dancer faces in the picture: +1 right, -1 left, near 0 towards (or away from) the camera.

    The nose sits ahead of the ears, and the supporting foot's toes ahead of its heel, whatever the
    torso or the working leg do; offsets are in torso lengths, and 0.15 torso lengths of offset (a
    profile) reads as fully sideways. The foot alone decides when the head is out of the picture.
    """
    p = pixels
    si = _SIDE_IDX[OTHER[working]]
    torso = _dist(_mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), _mid(p, L.LEFT_HIP, L.RIGHT_HIP))
    with np.errstate(invalid="ignore", divide="ignore"):
        nose = (p[..., L.NOSE, 0] - _mid(p, L.LEFT_EAR, L.RIGHT_EAR)[..., 0]) / torso
        toes = (p[..., si["toe"], 0] - p[..., si["heel"], 0]) / torso
    cue = np.where(np.isfinite(nose), nose + 0.5 * np.nan_to_num(toes), 1.5 * toes)
    return np.clip(cue / 0.15, -1.0, 1.0)


FRONTAL_SHOULDER_WIDTH = 0.72  # shoulder width / torso length of a body square to the camera (MediaPipe points)


def body_yaw(pixels: np.ndarray, world: np.ndarray) -> np.ndarray:
    """0 = square to the camera (front or back view), 90 = profile, per frame.

    The apparent shoulder width against the torso length (2D) and MediaPipe's world shoulder and hip
    lines (depth is its noisiest axis) each give an estimate; their mean is steadier than either.
    """
    p = pixels
    torso = _dist(_mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), _mid(p, L.LEFT_HIP, L.RIGHT_HIP))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = _dist(p[..., L.LEFT_SHOULDER, :], p[..., L.RIGHT_SHOULDER, :]) / torso
    flat = np.degrees(np.arccos(np.clip(ratio / FRONTAL_SHOULDER_WIDTH, 0.0, 1.0)))
    deep = facing_yaw(world)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.stack([flat, deep]), axis=0)


def steady_yaw(yaw: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """A clip's body yaw without frame-to-frame noise: the clip's median when the dancer doesn't turn
    (the facing never swings from one side to the other), else a running median over half a second.

    The yaw is read from the shoulders' apparent width, which raised arms and a leaning torso also
    change; a dancer who stays facing one way keeps one yaw.
    """
    if np.ndim(yaw) == 0 or not np.isfinite(yaw).any():
        return yaw
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        swing = np.nanpercentile(facing, 95) - np.nanpercentile(facing, 5) if np.isfinite(facing).any() else 0.0
        if swing <= 1.0:
            return np.full_like(yaw, np.nanmedian(yaw))
        return rolling_percentile(yaw, 7, 50)


def leg_height(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, rest: float,
               knee_3d: np.ndarray | float = np.nan, height_3d: np.ndarray | float = np.nan) -> np.ndarray:
    """Height of hip->ankle from straight down (0 hanging, 90 level), foreshortening-proof.

    In the picture's plane the 2D angle is exact. A straight leg pointing partly along the camera's
    line of sight looks short; its height is then arccos(drop / standing length) from the ankle's
    vertical drop below the hip. The two are blended by how foreshortened the leg looks; a bent knee
    keeps the 2D angle (the drop of a bent leg is not its height). A leg pointing almost straight at
    (or away from) the camera shows neither its knee nor its length: MediaPipe's 3D estimate
    (`height_3d`) is all there is then. The knee counts as straight when the picture or MediaPipe's
    3D knee (`knee_3d`) says so: seen end-on, a straight leg looks bent.
    """
    flat = from_vertical_down(hip, ankle)
    d = ankle - hip
    with np.errstate(invalid="ignore", divide="ignore"):
        seen = np.linalg.norm(d, axis=-1) / rest
        straight = np.linalg.norm(d, axis=-1) / (_dist(hip, knee) + _dist(knee, ankle))
        deep = np.degrees(np.arccos(np.clip(d[..., 1] / rest, -1.0, 1.0)))
    end_on = (np.nan_to_num(seen, nan=1.0) < 0.6) & np.isfinite(height_3d)
    deep = np.where(end_on, height_3d, deep)
    bent = (np.nan_to_num(straight, nan=1.0) < 0.95) & ~(np.nan_to_num(knee_3d, nan=0.0) >= 155)
    # 1: trust the picture. A standing leg measures 0.97-1.0 of its standing length (the length is
    # known to a few percent); a 20 deg tendu towards the camera already measures 0.94
    in_plane = np.where(bent & ~end_on, 1.0, np.clip((seen - 0.9) / 0.07, 0.0, 1.0))
    out = in_plane * flat + (1 - in_plane) * deep
    return np.where(np.isfinite(deep), out, flat)


DEPTH_CLEAR_M = 0.3  # metres of MediaPipe depth between hip and ankle that are trusted to say front from back


def leg_components(pixels: np.ndarray, world: np.ndarray, side: str, rest: float, facing: np.ndarray,
                   yaw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(forward, outward) of the working hip->ankle in standing leg lengths; NaN where the view can't tell.

    The picture gives the leg's horizontal and vertical offsets; its length says how much of it points
    along the line of sight, but not whether towards the camera or away. The body's facing (body_yaw,
    facing_x) turns the two possible legs into the dancer's own frame; a leg can't point across the
    body, so usually only one is possible. When both are (a raised leg seen from the front: in front of
    her or behind her), a foot near the floor is placed by perspective (a foot in front stands lower in
    the picture than the supporting foot); in a three-quarter view MediaPipe's depth decides; otherwise
    the forward part is unknown (NaN) and only "out to the side" is reported.
    """
    i, o = _SIDE_IDX[side], _SIDE_IDX[OTHER[side]]
    p = pixels
    d = (p[..., i["ankle"], :] - p[..., i["hip"], :]) / rest
    x = d[..., 0]
    depth = np.sqrt(np.clip(1.0 - x ** 2 - d[..., 1] ** 2, 0.0, None))
    # in a side view the hips overlap in the picture: take it as a true profile (forward = horizontal)
    theta = np.radians(np.where(yaw > VIEW_SIDE_ABOVE, 90.0, np.nan_to_num(yaw, nan=0.0)))
    s = np.where(np.nan_to_num(facing) < 0, -1.0, 1.0)
    o_s = np.where(p[..., i["hip"], 0] < p[..., o["hip"], 0], -1.0, 1.0)
    fx, fz = s * np.sin(theta), np.cos(theta)
    ox, oz = o_s * np.cos(theta), -o_s * s * np.sin(theta)
    a1, b1 = x * fx + depth * fz, x * ox + depth * oz  # the ankle nearer the camera than the hip
    a2, b2 = x * fx - depth * fz, x * ox - depth * oz  # ... or farther
    # only a leg clearly across the body is impossible (the facing itself is only known to ~20 deg)
    ok1, ok2 = b1 >= -0.5, b2 >= -0.5
    # both possible legs say the same (devant, à la seconde or derrière): no need to choose
    agree = _category(np.degrees(np.arctan2(np.clip(b1, 0, None), a1))) == _category(np.degrees(np.arctan2(np.clip(b2, 0, None), a2)))
    with np.errstate(invalid="ignore"):
        low_foot = d[..., 1] > np.cos(np.radians(40))
        floor = (p[..., i["toe"], 1] - p[..., o["heel"], 1]) / rest  # the supporting heel stands at her depth
        # lower in the picture: nearer the camera. A turned-out foot at rest has its toe a hand ahead of
        # the heel (+0.1 on the renders); a toe pointed to the side at her depth +0.02; a tendu devant's
        # +0.3 or more, a tendu derrière's -0.2 or less
        nearer, farther = floor > 0.15, floor < -0.08
        level = low_foot & ~nearer & ~farther  # on the floor beside her: neither in front nor behind
        dz = world[..., i["ankle"], 2] - world[..., i["hip"], 2]
        deep_nearer = dz < 0  # MediaPipe: -z is nearer
    # MediaPipe's depth decides only in a three-quarter view, and only when it is clear (the ankle a
    # good 30 cm nearer or farther than the hip): on the dev renders that added 7 right names and no wrong one,
    # where any depth difference added 17 right and 4 wrong
    three_quarter = (yaw >= VIEW_FRONT_BELOW) & (yaw <= VIEW_SIDE_ABOVE) & (np.abs(np.nan_to_num(dz)) > DEPTH_CLEAR_M)
    pick_near = np.where(low_foot & nearer, True, np.where(low_foot & farther, False, deep_nearer))
    known = (ok1 != ok2) | agree | (low_foot & (nearer | farther)) | three_quarter | level
    first = np.where(ok1 != ok2, ok1, np.where(agree, True, pick_near))
    middle = (agree & ok1 & ok2) | level
    forward = np.where(middle, (a1 + a2) / 2, np.where(first, a1, a2))
    outward = np.where(middle, (b1 + b2) / 2, np.where(first, b1, b2))
    forward, outward = np.where(known, forward, np.nan), np.where(known, outward, np.minimum(b1, b2))
    # profile: the hips overlap, so which side is "out" can't be signed; forward is the horizontal
    profile = yaw > VIEW_SIDE_ABOVE
    sure = np.abs(np.nan_to_num(facing)) > 0.3
    forward = np.where(profile, np.where(sure, x * s, np.nan), forward)
    outward = np.where(profile, depth, outward)
    return forward, outward


def leg_direction_2d(forward: np.ndarray, outward: np.ndarray, height: np.ndarray) -> np.ndarray:
    """0 devant, 90 à la seconde, 180 derrière; NaN for a hanging leg, or when front/back is unknown
    and the leg is not clearly out to the side."""
    with np.errstate(invalid="ignore"):
        direction = np.degrees(np.arctan2(np.clip(outward, 0, None), forward))
        reach = np.sin(np.radians(np.clip(height, 1, 90)))
        seconde = np.isnan(forward) & (np.nan_to_num(outward) >= 0.75 * reach)
    direction = np.where(seconde, 90.0, direction)
    return np.where(np.nan_to_num(height, nan=0.0) >= 10, direction, np.nan)


YAW_UNCERTAINTY = 15.0  # degrees: how far body_yaw may be off (renders at 45 deg read 26-36)


def _category(direction: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(direction), -1, np.digitize(direction, (45.0, 135.0)))


def leg_direction(pixels: np.ndarray, world: np.ndarray, side: str, rest: float, facing: np.ndarray,
                  yaw: np.ndarray, height: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(forward, outward, direction) of the working leg, said only where the view is sure.

    The body's yaw is an estimate: the leg is solved again with the yaw 15 deg either way, and where
    devant / à la seconde / derrière changes with it, the direction is unknown (NaN), not a guess.
    """
    profile = yaw > VIEW_SIDE_ABOVE
    runs = []
    facing_known = np.abs(np.nan_to_num(facing)) >= 0.3
    for offset in (0.0, -YAW_UNCERTAINTY, YAW_UNCERTAINTY):
        # turning further only makes sense towards a known facing
        tried = np.where(profile | ((offset > 0) & ~facing_known), yaw, np.clip(yaw + offset, 0.0, VIEW_SIDE_ABOVE))
        forward, outward = leg_components(pixels, world, side, rest, facing, tried)
        runs.append((forward, outward, leg_direction_2d(forward, outward, height)))
    # a variant that can't tell (NaN) doesn't contradict; one that says otherwise does
    categories = [_category(d) for _, _, d in runs]
    sure = (categories[0] >= 0) & np.all([(c == categories[0]) | (c < 0) for c in categories[1:]], axis=0)
    forward, outward, direction = runs[0]
    return np.where(sure, forward, np.nan), outward, np.where(sure, direction, np.nan)


# UNITS (each measure's unit, in words) lives in technique.wording
MEASURE_NAMES = (
    "supporting_knee", "working_knee", "plie_knee", "working_leg_height", "working_thigh_height",
    "working_hip_angle", "working_foot_point", "working_leg_height_3d", "working_leg_direction",
    "working_leg_forward", "working_leg_side", "working_toe_lift", "feet_apart",
    "working_ankle_rise", "passe_toe_to_knee", "releve", "releve_lift", "supporting_foot_lift", "torso_tilt", "hip_hike",
    "shoulder_level", "feet_turnout", "facing_yaw", "body_yaw", "facing_x", "body_height", "hip_centre_x", "hip_centre_y",
    "supporting_ankle_x", "supporting_ankle_y",
    "time_s", "body_turn", "hip_travel",  # whole-clip measures (motion.clip_measures)
)


def precision(measure: str) -> int:
    """Decimals a measure is shown (and judged) at: whole degrees, tenths of a second, hundredths of lengths."""
    unit = UNITS.get(measure, "degrees")
    return 0 if unit in ("degrees", "px") else 1 if unit == "s" else 2


def feet_turnout(pixels: np.ndarray) -> np.ndarray:
    """Angle between the two feet's heel->toe lines in the picture (0 = parallel), degrees."""
    p = pixels
    return joint_angle(p[..., L.LEFT_TOE, :] - p[..., L.LEFT_HEEL, :], np.zeros(2),
                       p[..., L.RIGHT_TOE, :] - p[..., L.RIGHT_HEEL, :])


PLIE_PERSPECTIVE_RISE = 0.2  # leg lengths: two feet on the floor, apart, seen from three-quarter


def plie_knee(supporting: np.ndarray, working: np.ndarray, working_height: np.ndarray,
              ankle_rise: np.ndarray) -> np.ndarray:
    """The knees' bend in a plié: the more bent knee while both feet are down (NaN otherwise).

    Seen from three-quarter or in profile, the far knee bends along the line of sight and looks
    straighter than it is; the near one shows the plié. A raised foot (passé, développé) is not a
    plié, so its bent knee doesn't count.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        knees = np.nanmin(np.stack([supporting, working]), axis=0)
    # a working leg not seen at all hides behind the supporting one (profile): it is down, not raised
    rise = np.abs(np.nan_to_num(ankle_rise, nan=0.0))
    level = (np.nan_to_num(working_height, nan=0.0) < 20.0) & (rise < 0.08)
    # both knees bent (neither reads straight, 170+) with the feet apart seen from three-quarter: the far
    # foot stands higher in the picture (up to PLIE_PERSPECTIVE_RISE) and a knee opened to the side takes
    # the ankle out from under the hip. A foot lifting into passé leaves the supporting knee straight.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        straighter = np.nanmax(np.stack([supporting, working]), axis=0)
    bent = (knees < 150.0) & (straighter < 170.0) & (rise < PLIE_PERSPECTIVE_RISE)
    return np.where(level | bent, knees, np.nan)


LEG_SWAP_RISE = 0.15  # leg lengths: the "working" ankle this far below the other one means the labels swapped


def steady_legs(pixels: np.ndarray, world: np.ndarray, working: str) -> tuple[np.ndarray, np.ndarray]:
    """The clip's landmarks with the legs exchanged in frames where the working leg is clearly the lower one.

    In profile MediaPipe sometimes names the near leg for the far one for a few frames; the
    measures follow the leg that works (the raised one), not the label.
    """
    rise = side_measures(pixels, world, working).ankle_rise
    flip = np.nan_to_num(rise, nan=0.0) < -LEG_SWAP_RISE
    if not flip.any() or pixels.ndim < 3:
        return pixels, world
    from technique.analysis.smoothing import swap_legs

    pixels, world = pixels.copy(), world.copy()
    pixels[flip], world[flip] = swap_legs(pixels[flip]), swap_legs(world[flip])
    return pixels, world


def dancer_measures(pixels: np.ndarray, world: np.ndarray, working: str,
                    scale: BodyScale | None = None) -> dict[str, np.ndarray]:
    """All named measures for a known working leg ("left" or "right"), for one frame or a clip.

    `scale` is the dancer's standing lengths; by default taken from the same pixels (a clip).
    """
    scale = scale or body_scale(pixels, working)
    w = side_measures(pixels, world, working)
    s = side_measures(pixels, world, OTHER[working])
    wi, si = _SIDE_IDX[working], _SIDE_IDX[OTHER[working]]
    p = pixels
    shank = _dist(p[..., si["knee"], :], p[..., si["ankle"], :])
    with np.errstate(invalid="ignore", divide="ignore"):
        passe = (p[..., wi["toe"], 1] - p[..., si["knee"], 1]) / shank
        # the supporting heel stands under the body, at its depth: the floor level where a tendu's toe lands
        toe_lift = (p[..., si["heel"], 1] - p[..., wi["toe"], 1]) / scale.leg
        feet_apart = _dist(p[..., wi["ankle"], :], p[..., si["ankle"], :]) / scale.leg
    releve_lift, foot_lift = releve_lifts(p, working, scale)
    pelvis = _mid(p, L.LEFT_HIP, L.RIGHT_HIP)
    facing = facing_x(p, working)
    yaw = steady_yaw(body_yaw(p, world), facing)
    # without the face, a turned-out foot seen from the front points sideways: no facing from it there
    facing = np.where(~np.isfinite(p[..., L.NOSE, 0]) & (yaw < VIEW_FRONT_BELOW), 0.0, facing)
    knee_3d = joint_angle(world[..., wi["hip"], :], world[..., wi["knee"], :], world[..., wi["ankle"], :])
    height = leg_height(p[..., wi["hip"], :], p[..., wi["knee"], :], p[..., wi["ankle"], :], scale.leg, knee_3d,
                        w.leg_height_3d)
    forward, lateral, direction = leg_direction(p, world, working, scale.leg, facing, yaw, height)
    return {
        "supporting_knee": s.knee,
        "working_knee": w.knee,
        "plie_knee": plie_knee(s.knee, w.knee, height, w.ankle_rise),
        "working_leg_height": height,
        "working_thigh_height": w.thigh_height,
        "working_hip_angle": w.hip,
        "working_foot_point": w.foot_point,
        "working_leg_height_3d": w.leg_height_3d,
        "working_leg_direction": direction,
        "working_leg_forward": forward,
        "working_leg_side": lateral,
        "working_toe_lift": toe_lift,
        "feet_apart": feet_apart,
        "working_ankle_rise": w.ankle_rise,
        "passe_toe_to_knee": passe,
        "releve": s.heel_lift,
        "releve_lift": releve_lift,
        "supporting_foot_lift": foot_lift,
        "torso_tilt": from_vertical_up(pelvis, _mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)),
        "hip_hike": slope(p[..., si["hip"], :], p[..., wi["hip"], :]),
        "shoulder_level": slope(p[..., si["shoulder"], :], p[..., wi["shoulder"], :]),
        "feet_turnout": feet_turnout(p),
        "facing_yaw": facing_yaw(world),
        "body_yaw": yaw,
        "facing_x": facing,
        "body_height": body_height(p),
        "hip_centre_x": pelvis[..., 0],
        "hip_centre_y": pelvis[..., 1],
        "supporting_ankle_x": p[..., si["ankle"], 0],
        "supporting_ankle_y": p[..., si["ankle"], 1],
    }
