"""Plane and solid geometry of the body's points: angles, lengths, the points of each side.

Pure numpy on one frame ((33, 2) pixels) or a clip ((T, 33, 2)); the conventions are documented at
the top of measures.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from technique import landmarks as L


SIDES = ("left", "right")

SIDE_POINTS = {
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

def hangs_straight(pixels: np.ndarray, side: str) -> np.ndarray:
    """Per frame: whether the `side` leg hangs straight in the picture (hip->ankle within 10 deg of vertical,
    knee over 165 deg); False where a point is unseen."""
    i = SIDE_POINTS[side]
    hip, knee, ankle = pixels[..., i["hip"], :], pixels[..., i["knee"], :], pixels[..., i["ankle"], :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (from_vertical_down(hip, ankle) < 10.0) & (joint_angle(hip, knee, ankle) > 165.0)


def from_vertical_up(bottom: np.ndarray, top: np.ndarray) -> np.ndarray:
    """Angle between bottom->top and straight up: 0 = upright."""
    d = top - bottom
    return np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))

def slope(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Degrees by which `second` stands higher than `first` along the line joining them."""
    d = second - first
    return np.degrees(np.arctan2(-d[..., 1], np.abs(d[..., 0])))

def midpoint(points: np.ndarray, a: int, b: int) -> np.ndarray:
    return (points[..., a, :] + points[..., b, :]) / 2

def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.norm(a - b, axis=-1)

def distance_to_segment(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from point `p` to the segment a-b (the nearest of its points), per frame."""
    ab = b - a
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.sum((p - a) * ab, axis=-1) / np.sum(ab * ab, axis=-1), 0.0, 1.0)
    return distance(p, a + t[..., None] * ab)

@dataclass(frozen=True)
class SideMeasures:
    """Measures of one side of the body (arrays of shape () or (T,))."""

    knee: np.ndarray
    hip: np.ndarray
    leg_height: np.ndarray
    foot_point: np.ndarray
    ankle_rise: np.ndarray  # ankle height above the other ankle, in leg lengths
    leg_height_3d: np.ndarray
    leg_direction: np.ndarray
    heel_lift: np.ndarray  # heel above toe, in foot lengths (relevé proxy)

def side_measures(pixels: np.ndarray, world: np.ndarray, side: str) -> SideMeasures:
    i = SIDE_POINTS[side]
    o = SIDE_POINTS[OTHER[side]]
    p = pixels
    hip, knee, ankle = p[..., i["hip"], :], p[..., i["knee"], :], p[..., i["ankle"], :]
    heel, toe = p[..., i["heel"], :], p[..., i["toe"], :]
    leg_length = distance(hip, knee) + distance(knee, ankle)
    with np.errstate(invalid="ignore", divide="ignore"):
        ankle_rise = (p[..., o["ankle"], 1] - ankle[..., 1]) / leg_length
        heel_lift = (toe[..., 1] - heel[..., 1]) / distance(heel, toe)
    w = world
    return SideMeasures(
        knee=joint_angle(hip, knee, ankle),
        hip=joint_angle(p[..., i["shoulder"], :], hip, knee),
        leg_height=from_vertical_down(hip, ankle),
        foot_point=joint_angle(knee, ankle, toe),
        ankle_rise=ankle_rise,
        leg_height_3d=angle_from_down_3d(w[..., i["hip"], :], w[..., i["ankle"], :]),
        leg_direction=leg_direction_3d(w, i["hip"], i["ankle"]),
        heel_lift=heel_lift,
    )

def angle_from_down_3d(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """3D angle from straight down; MediaPipe world y points down."""
    d = bottom - top
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = d[..., 1] / np.linalg.norm(d, axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))

def leg_direction_3d(world: np.ndarray, hip: int, ankle: int) -> np.ndarray:
    """Floor-plane direction of hip->ankle vs the body's facing (0 devant, 90 seconde, 180 derrière), 3D.

    Facing is perpendicular to the hip and shoulder lines, turned the way the nose points from the
    ears and the toes from the heels (the nose ahead of the hips is not enough: a dancer leaning back
    in a développé devant has her nose above her hips).
    """
    w = world[..., [0, 2]]
    across = unit_vector(np.nan_to_num(unit_vector(w[..., L.RIGHT_HIP, :] - w[..., L.LEFT_HIP, :]))
                   + np.nan_to_num(unit_vector(w[..., L.RIGHT_SHOULDER, :] - w[..., L.LEFT_SHOULDER, :])))
    forward = np.stack([-across[..., 1], across[..., 0]], axis=-1)
    nose = unit_vector(w[..., L.NOSE, :] - midpoint(w, L.LEFT_EAR, L.RIGHT_EAR))
    toes = unit_vector(w[..., L.LEFT_TOE, :] - w[..., L.LEFT_HEEL, :] + w[..., L.RIGHT_TOE, :] - w[..., L.RIGHT_HEEL, :])
    cue = np.nan_to_num(nose) + 0.5 * np.nan_to_num(toes)
    sign = np.sign(np.sum(forward * cue, axis=-1))
    forward = forward * np.where(sign == 0, 1, sign)[..., None]
    leg = unit_vector(w[..., ankle, :] - w[..., hip, :])
    return np.degrees(np.arccos(np.clip(np.sum(forward * leg, axis=-1), -1, 1)))

def unit_vector(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)

def body_height(pixels: np.ndarray) -> np.ndarray:
    """Dancer's height in pixels: nose to mid-ankle through the skeleton (robust to leg lifts)."""
    p = pixels
    neck = midpoint(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    pelvis = midpoint(p, L.LEFT_HIP, L.RIGHT_HIP)
    legs = np.fmax(
        distance(p[..., L.LEFT_HIP, :], p[..., L.LEFT_KNEE, :]) + distance(p[..., L.LEFT_KNEE, :], p[..., L.LEFT_ANKLE, :]),
        distance(p[..., L.RIGHT_HIP, :], p[..., L.RIGHT_KNEE, :]) + distance(p[..., L.RIGHT_KNEE, :], p[..., L.RIGHT_ANKLE, :]),
    )
    head = distance(p[..., L.NOSE, :], neck)
    return head + distance(neck, pelvis) + legs
