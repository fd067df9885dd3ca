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
- leg_direction (3D): direction of the working leg in the floor plane relative to where the pelvis
  faces: 0 = devant, 90 = à la seconde, 180 = derrière.
- passe_toe_to_knee: height of the working toe below the supporting knee, in shank lengths
  (0 = toe at the knee, positive = below, negative = above).
- releve: how far the supporting heel is lifted above the toe, in foot lengths (0 = flat).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from . import landmarks as L

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
    """Floor-plane direction of hip->ankle vs the pelvis' facing (0 devant, 90 seconde, 180 derrière)."""
    across = world[..., L.RIGHT_HIP, :] - world[..., L.LEFT_HIP, :]
    # Facing is perpendicular to the hip line in the floor (x-z) plane; the nose says which way.
    forward = np.stack([across[..., 2], -across[..., 0]], axis=-1)
    nose = world[..., L.NOSE, :] - _mid(world, L.LEFT_HIP, L.RIGHT_HIP)
    sign = np.sign(np.sum(forward * nose[..., [0, 2]], axis=-1))
    forward = forward * np.where(sign == 0, 1, sign)[..., None]
    leg = (world[..., ankle, :] - world[..., hip, :])[..., [0, 2]]
    norm = np.linalg.norm(forward, axis=-1) * np.linalg.norm(leg, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(forward * leg, axis=-1) / norm
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


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


def view_of(yaw: np.ndarray | float, front_below: float = 30.0, side_above: float = 60.0) -> str:
    """Camera view from the body's yaw (a clip's median, or one frame's)."""
    finite = np.asarray(yaw, dtype=float)[np.isfinite(yaw)]
    y = float(np.median(finite)) if finite.size else float("nan")
    if not np.isfinite(y):
        return "unknown"
    return "front" if y < front_below else "side" if y > side_above else "three_quarter"


def working_side(pixels: np.ndarray, world: np.ndarray) -> str:
    """The leg that works: the one whose ankle rises higher above the other, over the clip."""
    rise = {s: side_measures(pixels, world, s).ankle_rise for s in SIDES}
    left = np.nanpercentile(rise["left"], 90) if np.isfinite(rise["left"]).any() else -np.inf
    right = np.nanpercentile(rise["right"], 90) if np.isfinite(rise["right"]).any() else -np.inf
    return "left" if left > right else "right"


UNITS = {
    "passe_toe_to_knee": "shank lengths", "releve": "foot lengths", "working_ankle_rise": "leg lengths",
    "body_height": "px", "hip_centre_x": "px", "hip_centre_y": "px",
    "supporting_ankle_x": "px", "supporting_ankle_y": "px",
}  # everything else is in degrees

MEASURE_NAMES = (
    "supporting_knee", "working_knee", "working_leg_height", "working_thigh_height",
    "working_hip_angle", "working_foot_point", "working_leg_height_3d", "working_leg_direction",
    "working_ankle_rise", "passe_toe_to_knee", "releve", "torso_tilt", "hip_hike", "shoulder_level",
    "facing_yaw", "body_height", "hip_centre_x", "hip_centre_y", "supporting_ankle_x", "supporting_ankle_y",
)


def dancer_measures(pixels: np.ndarray, world: np.ndarray, working: str) -> dict[str, np.ndarray]:
    """All named measures for a known working leg ("left" or "right"), for one frame or a clip."""
    w = side_measures(pixels, world, working)
    s = side_measures(pixels, world, OTHER[working])
    wi, si = _SIDE_IDX[working], _SIDE_IDX[OTHER[working]]
    p = pixels
    shank = _dist(p[..., si["knee"], :], p[..., si["ankle"], :])
    with np.errstate(invalid="ignore", divide="ignore"):
        passe = (p[..., wi["toe"], 1] - p[..., si["knee"], 1]) / shank
    pelvis = _mid(p, L.LEFT_HIP, L.RIGHT_HIP)
    return {
        "supporting_knee": s.knee,
        "working_knee": w.knee,
        "working_leg_height": w.leg_height,
        "working_thigh_height": w.thigh_height,
        "working_hip_angle": w.hip,
        "working_foot_point": w.foot_point,
        "working_leg_height_3d": w.leg_height_3d,
        "working_leg_direction": w.leg_direction,
        "working_ankle_rise": w.ankle_rise,
        "passe_toe_to_knee": passe,
        "releve": s.heel_lift,
        "torso_tilt": from_vertical_up(pelvis, _mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)),
        "hip_hike": slope(p[..., si["hip"], :], p[..., wi["hip"], :]),
        "shoulder_level": slope(p[..., si["shoulder"], :], p[..., wi["shoulder"], :]),
        "facing_yaw": facing_yaw(world),
        "body_height": body_height(p),
        "hip_centre_x": pelvis[..., 0],
        "hip_centre_y": pelvis[..., 1],
        "supporting_ankle_x": p[..., si["ankle"], 0],
        "supporting_ankle_y": p[..., si["ankle"], 1],
    }
