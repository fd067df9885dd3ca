"""Geometry on constructed landmarks: conventions, mirroring, non-square frames, missing joints."""

from __future__ import annotations

import numpy as np
import pytest

from technique import landmarks as L
from technique.analysis.direction import DIRECTION, body_yaw, facing_yaw, steady_away, view_of
from technique.analysis.geometry import from_vertical_down, from_vertical_up, joint_angle, slope
from technique.analysis.measures import MEASURING, dancer_measures, plie_knee, working_side


@pytest.mark.parametrize("a, b, c, expected", [
    ((1, 0), (0, 0), (0, 1), 90.0),
    ((0, -1), (0, 0), (0, 1), 180.0),
    ((1, 0), (0, 0), (1, 1), 45.0),
    ((1, 0), (0, 0), (1, 0), 0.0),
    ((1, 0, 0), (0, 0, 0), (0, 0, 1), 90.0),
])
def test_joint_angle(a, b, c, expected):
    assert joint_angle(np.array(a, float), np.array(b, float), np.array(c, float)) == pytest.approx(expected)


def test_joint_angle_missing_joint_is_nan_not_zero():
    assert np.isnan(joint_angle(np.array([np.nan, 0.0]), np.zeros(2), np.array([0.0, 1.0])))


def test_joint_angle_degenerate_is_nan():
    assert np.isnan(joint_angle(np.zeros(2), np.zeros(2), np.array([0.0, 1.0])))


@pytest.mark.parametrize("bottom, expected", [((0, 10), 0.0), ((10, 0), 90.0), ((10, 10), 45.0),
                                              ((-10, 0), 90.0), ((0, -10), 180.0)])
def test_from_vertical_down(bottom, expected):
    assert from_vertical_down(np.zeros(2), np.array(bottom, float)) == pytest.approx(expected)


def test_from_vertical_up_and_slope():
    assert from_vertical_up(np.array([0.0, 10.0]), np.array([0.0, 0.0])) == pytest.approx(0.0)
    assert from_vertical_up(np.array([0.0, 10.0]), np.array([10.0, 0.0])) == pytest.approx(45.0)
    # second point higher on screen (smaller y) -> positive
    assert slope(np.array([0.0, 10.0]), np.array([10.0, 0.0])) == pytest.approx(45.0)
    assert slope(np.array([10.0, 0.0]), np.array([0.0, 10.0])) == pytest.approx(-45.0)


def standing_pixels(leg_up_deg: float = 0.0, side: str = "right", knee_bend: float = 0.0) -> np.ndarray:
    """A dancer in profile, facing +x, pixel coordinates (y down); one leg raised behind her."""
    p = np.full((L.COUNT, 2), np.nan)
    hip = np.array([300.0, 250.0])
    for s, x_off in (("left", -2.0), ("right", 2.0)):
        h = hip + (x_off, 0)
        p[getattr(L, f"{s.upper()}_HIP")] = h
        p[getattr(L, f"{s.upper()}_SHOULDER")] = h + (0, -150)
        angle = np.radians(leg_up_deg) if s == side else 0.0
        direction = np.array([-np.sin(angle), np.cos(angle)])  # behind = -x
        knee = h + 100 * direction
        shin_angle = angle + (np.radians(knee_bend) if s == side else 0.0)
        ankle = knee + 100 * np.array([-np.sin(shin_angle), np.cos(shin_angle)])
        p[getattr(L, f"{s.upper()}_KNEE")] = knee
        p[getattr(L, f"{s.upper()}_ANKLE")] = ankle
        p[getattr(L, f"{s.upper()}_HEEL")] = ankle + (-5, 5)
        p[getattr(L, f"{s.upper()}_TOE")] = ankle + (15, 8)
    p[L.NOSE] = hip + (10, -200)
    return p


def test_straight_standing_leg_measures():
    m = dancer_measures(standing_pixels(), np.full((L.COUNT, 3), np.nan), "right")
    assert m["supporting_knee"] == pytest.approx(180.0)
    assert m["working_knee"] == pytest.approx(180.0)
    assert m["working_leg_height"] == pytest.approx(0.0, abs=1e-6)
    assert m["torso_tilt"] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("height", [45.0, 90.0, 110.0])
def test_working_leg_height_and_side(height):
    pixels = standing_pixels(height, "right")
    world = np.full((L.COUNT, 3), np.nan)
    assert working_side(pixels, world) == "right"
    m = dancer_measures(pixels, world, "right")
    assert m["working_leg_height"] == pytest.approx(height)
    assert m["working_thigh_height"] == pytest.approx(height)
    assert m["supporting_knee"] == pytest.approx(180.0)


def test_bent_working_knee():
    m = dancer_measures(standing_pixels(90.0, "right", knee_bend=60.0), np.full((L.COUNT, 3), np.nan), "right")
    assert m["working_knee"] == pytest.approx(120.0)


def test_mirrored_pose_gives_mirrored_result():
    """A mirror swaps which leg works but not one angle."""
    pixels = standing_pixels(80.0, "right", knee_bend=20.0)
    world = np.full((L.COUNT, 3), np.nan)
    mirrored = pixels[list(L.MIRROR)].copy()
    mirrored[:, 0] = 640 - mirrored[:, 0]
    assert working_side(mirrored, world) == "left"
    a = dancer_measures(pixels, world, "right")
    b = dancer_measures(mirrored, world, "left")
    for name in ("supporting_knee", "working_knee", "working_leg_height", "torso_tilt", "hip_hike"):
        assert b[name] == pytest.approx(a[name], nan_ok=True), name


def test_non_square_frame_angles_are_in_pixels():
    """A knee bent to 135° in a 16:9 frame, as MediaPipe reports it (normalised to the width and the
    height): the pose adapter scales it to pixels and the measure reads 135°; had the frame size been
    ignored (the same numbers read as a square frame) the angle would be well off."""
    from technique.capture.pose import Pose

    pixels = standing_pixels(45.0, "right", knee_bend=45.0)
    normalised = pixels / (1280.0, 720.0)
    visible, world = np.ones(L.COUNT), np.full((L.COUNT, 3), np.nan)
    wide = Pose.from_normalised(normalised, visible, world, (1280, 720))
    assert dancer_measures(wide.pixels, world, "right")["working_knee"] == pytest.approx(135.0)
    square = Pose.from_normalised(normalised, visible, world, (1000, 1000))
    assert abs(dancer_measures(square.pixels, world, "right")["working_knee"] - 135.0) > 5.0


def test_passe_toe_to_knee_is_in_shank_lengths():
    pixels = standing_pixels()
    pixels[L.RIGHT_TOE] = pixels[L.LEFT_KNEE] + (5.0, 0.0)
    m = dancer_measures(pixels, np.full((L.COUNT, 3), np.nan), "right")
    assert m["passe_toe_to_knee"] == pytest.approx(0.0)
    pixels[L.RIGHT_TOE] = pixels[L.LEFT_KNEE] + (5.0, 50.0)  # half a shank below the knee
    m = dancer_measures(pixels, np.full((L.COUNT, 3), np.nan), "right")
    assert m["passe_toe_to_knee"] == pytest.approx(0.5)


def test_whole_clip_arrays_match_single_frames():
    clip = np.stack([standing_pixels(h, "right") for h in (0.0, 30.0, 60.0, 90.0)])
    world = np.full(clip.shape[:2] + (3,), np.nan)
    m = dancer_measures(clip, world, "right")
    assert m["working_leg_height"] == pytest.approx([0.0, 30.0, 60.0, 90.0])


def test_missing_leg_gives_nan():
    pixels = standing_pixels(90.0)
    pixels[L.RIGHT_ANKLE] = np.nan
    m = dancer_measures(pixels, np.full((L.COUNT, 3), np.nan), "right")
    assert np.isnan(m["working_leg_height"]) and np.isnan(m["working_knee"])
    assert m["supporting_knee"] == pytest.approx(180.0)


@pytest.mark.parametrize("yaw, view", [([5, 10, 8], "front"), ([80, 85, 70], "side"),
                                       ([40, 50, 45], "three_quarter"), ([np.nan], "unknown")])
def test_view_of(yaw, view):
    assert view_of(np.array(yaw, float)) == view


def test_leg_direction_in_world_coordinates():
    """World: x right, y down, z away. Dancer facing the camera (-z); a leg to the front points at -z."""
    from technique.analysis.geometry import side_measures

    w = np.zeros((L.COUNT, 3))
    w[L.LEFT_HIP], w[L.RIGHT_HIP] = (0.1, 0, 0), (-0.1, 0, 0)
    w[L.NOSE] = (0, -0.6, -0.1)
    w[L.RIGHT_ANKLE] = (-0.1, 0.0, -0.9)  # devant, horizontal
    assert side_measures(np.zeros((L.COUNT, 2)), w, "right").leg_direction == pytest.approx(0.0, abs=1e-6)
    w[L.RIGHT_ANKLE] = (-0.1, 0.0, 0.9)  # derrière
    assert side_measures(np.zeros((L.COUNT, 2)), w, "right").leg_direction == pytest.approx(180.0)
    w[L.RIGHT_ANKLE] = (-1.0, 0.0, 0.0)  # à la seconde
    s = side_measures(np.zeros((L.COUNT, 2)), w, "right")
    assert s.leg_direction == pytest.approx(90.0)
    assert s.leg_height_3d == pytest.approx(90.0)


# ----------------------------------------------------------------- where the leg goes, from the body itself

def dancer(leg_azimuth: float, leg_height: float, yaw: float,
           camera_m: float | None = None, pitch: float = 0.0, plie: dict | None = None, passe: bool = False,
           knee: float = 180.0) -> tuple[np.ndarray, np.ndarray]:
    """A dancer on her left leg, the right leg raised straight to `leg_height` (from straight down) in
    the direction `leg_azimuth` (0 devant, 90 à la seconde, 180 derrière), seen by a camera she is
    turned `yaw` degrees from (0: facing it, 90: her left side to the camera, facing the picture's left;
    -90: her right side to it), from far away, or `camera_m` metres from her hips (perspective: what is
    nearer looks larger), looking down on her by `pitch` degrees. `plie` ({"left": 110, "right": 110},
    with leg_height 0) bends both knees to those angles, both feet on the floor (bend_legs); `passe`
    draws the right foot up to the left knee, the thigh turned out. `knee` under 180 bends the raised leg
    there, the thigh at `leg_height` and the shank dropping towards the floor (an attitude).

    Returns (pixels, world) in MediaPipe's conventions: pixels y down; world metres, x right, y down,
    z away from the camera. Her own frame: x her left, y up, z forward.
    """
    body = {name: np.zeros(3) for name in L.NAMES}
    def put(name, x, y, z):
        body[name] = np.array([x, y, z], float)
    put("left_shoulder", 0.18, 1.40, 0), put("right_shoulder", -0.18, 1.40, 0)
    put("left_hip", 0.09, 0.90, 0), put("right_hip", -0.09, 0.90, 0)
    put("nose", 0, 1.62, 0.10), put("left_ear", 0.07, 1.62, 0), put("right_ear", -0.07, 1.62, 0)
    put("left_knee", 0.09, 0.47, 0), put("left_ankle", 0.09, 0.05, 0)
    put("left_heel", 0.08, 0.02, -0.04), put("left_foot_index", 0.14, 0.0, 0.14)  # turned out
    for n, k in (("left_wrist", 1), ("right_wrist", -1), ("left_elbow", 1), ("right_elbow", -1)):
        put(n, 0.25 * k, 1.0, 0.05)
    h, a = np.radians(leg_height), np.radians(leg_azimuth)
    direction = np.array([-np.sin(h) * np.sin(a), -np.cos(h), np.sin(h) * np.cos(a)])  # right leg: out = -x
    hip = body["right_hip"]
    put("right_knee", *(hip + 0.43 * direction)), put("right_ankle", *(hip + 0.85 * direction))
    put("right_heel", *(hip + 0.82 * direction)), put("right_foot_index", *(hip + 1.0 * direction))
    if knee < 180:
        down = np.array([0.0, -1.0, 0.0])
        across = down - (down @ direction) * direction
        across = across / np.linalg.norm(across)
        b = np.radians(180 - knee)
        shank = np.cos(b) * direction + np.sin(b) * across
        put("right_ankle", *(body["right_knee"] + 0.42 * shank))
        put("right_heel", *(body["right_ankle"] - 0.03 * shank))
        put("right_foot_index", *(body["right_ankle"] + 0.15 * shank))
    if plie:
        bend_legs(body, plie)
    if passe:
        # the thigh raised 70 deg, turned out 45 deg to her right; the foot at the supporting knee
        out, up = np.radians(45), np.radians(70)
        thigh = np.array([-np.sin(up) * np.sin(out), -np.cos(up), np.sin(up) * np.cos(out)])
        put("right_knee", *(hip + 0.43 * thigh))
        put("right_ankle", *(body["left_knee"] + (-0.07, 0.0, 0.04)))
        put("right_heel", *(body["right_ankle"] + (-0.02, -0.02, -0.03)))
        put("right_foot_index", *(body["left_knee"] + (-0.02, -0.08, 0.06)))
    t = np.radians(yaw)
    # camera frame: image x right, y down, z away; she faces the camera at yaw 0 (her left = image right)
    rot = np.array([[np.cos(t), 0, -np.sin(t)], [0, -1, 0], [-np.sin(t), 0, -np.cos(t)]])
    world = np.stack([rot @ body[n] for n in L.NAMES])
    world = world @ tilt_down(pitch).T
    shown = world[:, :2] + (0.0, 0.8)
    if camera_m is not None:
        shown = shown * camera_m / (camera_m + world[:, 2:3])
    pixels = np.array([320.0, 240.0]) + 250 * shown
    world[:, 2] /= DIRECTION.world_depth_scale  # MediaPipe's world depth reads shallow
    return pixels, world - (world[L.LEFT_HIP] + world[L.RIGHT_HIP]) / 2


def bend_legs(body: dict, knees: dict) -> None:
    """A plié: bend both knees of a dancer standing on both feet (her own frame, x her left, y up, z
    forward) to the angles in `knees` ("left", "right"), thigh and shank equal, each hip straight above
    its ankle, each knee turned out 45 deg from her front; the body above the hips sinks with them."""
    half = 0.425
    sink = 0.0
    for side, knee in knees.items():
        out = 1.0 if side == "left" else -1.0
        ankle = body[f"{side}_ankle"]
        hip_y = ankle[1] + 2 * half * np.sin(np.radians(knee) / 2)
        sink = max(sink, body[f"{side}_hip"][1] - hip_y)
        body[f"{side}_hip"] = np.array([ankle[0], hip_y, 0.0])
        turned_out = np.array([out * np.sin(np.radians(45)), 0.0, np.cos(np.radians(45))])
        body[f"{side}_knee"] = (body[f"{side}_hip"] + ankle) / 2 + half * np.cos(np.radians(knee) / 2) * turned_out
    for name in ("left_shoulder", "right_shoulder", "nose", "left_ear", "right_ear", "left_wrist",
                 "right_wrist", "left_elbow", "right_elbow"):
        body[name] = body[name] - (0.0, sink, 0.0)


def tilt_down(pitch: float) -> np.ndarray:
    """The rotation of a camera looking down by `pitch` degrees, about its x axis (y down, z away): what
    hangs below her hips lies farther from it."""
    t = np.radians(pitch)
    return np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])


def held_clip(pixels: np.ndarray, world: np.ndarray, hanging: tuple | None = None) -> dict:
    """dancer_measures over a short clip of the pose, after three frames of `hanging` (the leg down: the
    clip's standing lengths) when given. The last frame's values are the pose's."""
    frames = ([hanging] * 3 if hanging is not None else []) + [(pixels, world)] * 3
    return dancer_measures(np.stack([f[0] for f in frames]), np.stack([f[1] for f in frames]), "right")


def assert_direction(direction: float, expected: float | None, within: float = 25) -> None:
    """The leg's direction is `expected` (degrees, within `within`), or unknown (NaN) when None."""
    if expected is None:
        assert np.isnan(direction), direction
    else:
        assert direction == pytest.approx(expected, abs=within)


@pytest.mark.parametrize("azimuth, height, yaw, expected", [
    (0, 90, 90, 0),       # devant seen from the side: devant, whichever way she faces
    (0, 90, -90, 0),
    (180, 90, 90, 180),   # derrière from the side: never devant
    (180, 90, -90, 180),
    (90, 90, 0, 90),      # à la seconde from the front: à la seconde
    (90, 45, 0, 90),
    (0, 90, 0, None),     # a raised leg pointing at the camera: in front or behind can't be told
    (180, 90, 0, None),
])
def test_where_the_leg_goes_in_every_view(azimuth, height, yaw, expected):
    from technique.analysis.measures import dancer_measures

    pixels, world = dancer(azimuth, height, yaw)
    m = dancer_measures(pixels, world, "right")
    direction = float(m["working_leg_direction"])
    if expected is None:
        assert np.isnan(direction)
    else:
        assert direction == pytest.approx(expected, abs=25)
    assert float(m["working_leg_height"]) == pytest.approx(height, abs=8)


@pytest.mark.parametrize("azimuth, yaw, expected", [
    (90, -45, 90),     # her right side nearer the camera: à la seconde is told from derrière ...
    (180, -45, 180),
    (0, -45, 0),       # ... and devant is the only leg the picture allows
    (0, 45, 0),        # the far leg: devant and à la seconde look alike; MediaPipe's 3D decides only at
    (90, 45, None),    # the ends of its range (its shallow depth reads devant 34 here, à la seconde 56)
    (180, 45, 180),    # ... but behind her is the only leg the picture allows
])
def test_three_quarter_view_with_shallow_depth(azimuth, yaw, expected):
    """MediaPipe's depth of a leg reads shallow (the renders: an ankle 60 cm nearer than the hip reads
    10 cm nearer), too little to say "in front" alone; its 3D leg still says which of the picture's two
    legs it is, for the leg nearer the camera, and for the far one when it reads clearly in front or
    clearly to the side."""
    pixels, world = dancer(azimuth, 90, yaw)
    for joint in (L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_TOE):
        world[joint, 2] = world[L.RIGHT_HIP, 2] + 0.2 * (world[joint, 2] - world[L.RIGHT_HIP, 2])
    assert_direction(float(held_clip(pixels, world)["working_leg_direction"][-1]), expected)


def front_feet(turnout_each: float) -> np.ndarray:
    """Feet seen from the front, each turned out by `turnout_each` degrees (0 = parallel, toes at the camera).

    A foot pointing at the camera shows as a short line down the picture (the floor seen from above the
    hips); turned out, its toe swings outwards across the picture.
    """
    p = standing_pixels()
    for side, out in (("left", -1.0), ("right", 1.0)):
        heel = np.array([300.0 + 20 * out, 460.0])
        a = np.radians(turnout_each)
        p[getattr(L, f"{side.upper()}_HEEL")] = heel
        p[getattr(L, f"{side.upper()}_TOE")] = heel + (out * 40 * np.sin(a), 12 * np.cos(a))
    return p


@pytest.mark.parametrize("each", [0.0, 10.0, 45.0, 90.0])
def test_feet_turnout_is_the_angle_between_the_feet_in_the_picture(each):
    m = dancer_measures(front_feet(each), np.full((L.COUNT, 3), np.nan), "right")
    # each foot's line leans out from straight down by atan(40 sin a / 12 cos a) in the picture
    one = np.degrees(np.arctan2(40 * np.sin(np.radians(each)), 12 * np.cos(np.radians(each))))
    assert m["feet_turnout"] == pytest.approx(2 * one)


def test_parallel_feet_read_far_below_turned_out_ones():
    parallel = dancer_measures(front_feet(0.0), np.full((L.COUNT, 3), np.nan), "right")["feet_turnout"]
    turned_out = dancer_measures(front_feet(45.0), np.full((L.COUNT, 3), np.nan), "right")["feet_turnout"]
    assert parallel == pytest.approx(0.0, abs=1e-6)
    assert turned_out > 120.0


def test_feet_turnout_is_nan_without_the_feet():
    p = front_feet(45.0)
    p[L.LEFT_TOE] = np.nan
    assert np.isnan(dancer_measures(p, np.full((L.COUNT, 3), np.nan), "right")["feet_turnout"])


@pytest.mark.parametrize("supporting, working, height, rise, expected", [
    (176.0, 175.0, 3.0, 0.0, 175.0),     # standing: the knees as they are
    (120.0, 118.0, 5.0, 0.02, 118.0),    # a plié seen from the front, feet level
    (125.0, 168.0, 30.0, -0.15, 125.0),  # from three-quarter: feet apart at two depths, a knee opened out
    (176.0, 140.0, 25.0, 0.35, np.nan),  # a foot raised towards passé: not a plié
    (176.0, 160.0, 25.0, 0.15, np.nan),  # a foot just leaving the floor, the knee hardly bent: not yet a plié
    (176.0, 130.0, 25.0, 0.15, np.nan),  # a foot lifting into passé, the standing knee straight: not a plié
    (176.0, 175.0, 30.0, 0.03, np.nan),  # a straight leg out in tendu: no plié to measure
])
def test_plie_knee_counts_bent_knees_only_with_both_feet_down(supporting, working, height, rise, expected):
    value = plie_knee(np.array(supporting), np.array(working), np.array(height), np.array(rise))
    assert value == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize("thigh_seen, knee_3d, yaw, expected", [
    (0.3, 60.0, 40.0, 60.0),    # three-quarter, knee pointing at the camera, bent in 3D: the 3D knee
    (0.3, 145.0, 40.0, 120.0),  # the same picture, 3D barely bent (depth noise on a straight leg): the picture
    (0.9, 60.0, 40.0, 120.0),   # the thigh across the picture: the picture
    (0.3, 60.0, 10.0, 120.0),   # from the front (a leg pointing away reads bent in 3D): the picture
    (0.3, 60.0, 80.0, 120.0),   # in profile the picture's angle is the nearer
    (0.3, np.nan, 40.0, 120.0),
])
def test_a_knee_pointing_at_the_camera_from_three_quarter_is_measured_in_3d(thigh_seen, knee_3d, yaw, expected):
    from technique.analysis.measures import working_knee

    rest = 200.0  # standing hip->ankle in pixels; the thigh is half of it
    hip, knee = np.array([0.0, 0.0]), np.array([0.0, thigh_seen * 100.0])
    got = working_knee(hip, knee, np.array(120.0), np.array(knee_3d), rest, np.array(yaw))
    assert float(got) == pytest.approx(expected)


def _reach_knee(reach: float) -> float:
    """Interior knee angle of two equal segments whose ends lie `reach` standing lengths apart."""
    return float(np.degrees(np.arccos(1 - 2 * reach ** 2)))


@pytest.mark.parametrize("knee, ankle, seen, thigh, yaw, expected", [
    # a passé in profile: the ankle hangs under the hip half a leg down, the shank (hanging 100 long)
    # shows 0.64 of it; the picture reads the turned-out knee 85, the reach says 60
    ((60.0, 60.0), (10.0, 100.0), 85.0, 60.0, 80.0, _reach_knee(np.hypot(10, 100) / 200)),
    ((60.0, 60.0), (10.0, 100.0), 85.0, 60.0, 40.0, _reach_knee(np.hypot(10, 100) / 200)),  # three-quarter too
    ((60.0, 60.0), (10.0, 100.0), 85.0, 60.0, 10.0, 85.0),    # from the front the picture shows the bend
    ((60.0, 60.0), (10.0, 100.0), 170.0, 60.0, 80.0, 170.0),  # the picture's knee straight
    # a straight leg raised towards the camera: as short, but its shank shows 0.2 of its length
    ((5.0, 80.0), (10.0, 100.0), 85.0, 60.0, 80.0, 85.0),
    ((60.0, 60.0), (10.0, 100.0), 85.0, 20.0, 80.0, 85.0),    # the thigh hanging (a tendu, a bent standing leg)
    ((100.0, 0.0), (120.0, 80.0), 110.0, 90.0, 80.0, 110.0),  # an attitude's foot held out from under the hip
    ((50.0, -80.0), (10.0, -30.0), 85.0, 90.0, 80.0, 85.0),   # the foot above the hip
])
def test_a_leg_folded_under_the_hip_is_measured_from_its_reach(knee, ankle, seen, thigh, yaw, expected):
    from technique.analysis.measures import folded_knee

    rest, shank = 200.0, 100.0  # standing hip->ankle and the hanging shank, in pixels
    got = folded_knee(np.array([0.0, 0.0]), np.array(knee), np.array(ankle), np.array(seen), rest, shank,
                      np.array(yaw), np.array(thigh))
    assert float(got) == pytest.approx(expected)


def test_a_gap_with_nothing_known_around_it_stays_unknown():
    """A leg read only as "out to the side" has a direction but no forward part anywhere: filling the
    forward part's gaps from nothing crashed a passé seen from the front (np.interp on no points)."""
    from technique.analysis.direction import _bridged

    values = np.full(6, np.nan)
    out = _bridged(values, np.array([False, True, True, False, False, False]))
    assert np.isnan(out).all()
    assert _bridged(np.array([1.0, np.nan, 3.0]), np.array([False, True, False]))[1] == pytest.approx(2.0)


def test_a_held_leg_keeps_its_direction_through_a_short_unsure_stretch():
    from technique.analysis.direction import DIRECTION, held_through

    nan = np.nan
    raised = np.full(12, 85.0)
    held = np.array([112, 113, nan, nan, nan, 114, 113, nan, nan, 170, 171, 170], float)
    out = held_through(held, raised)
    assert out[2:5] == pytest.approx([113.25, 113.5, 113.75])  # à la seconde on both sides: filled
    assert np.isnan(out[7:9]).all()  # à la seconde before, derrière after: still unknown
    lowered = raised.copy()
    lowered[3] = 5.0  # the leg came down in the gap: it may have gone anywhere
    assert np.isnan(held_through(held, lowered)[2:5]).all()
    # a gap longer than DIRECTION.held_gap_s stays unknown, at any frame rate
    for fps in (10, 30, 60):
        frames = int(round(DIRECTION.held_gap_s * fps))
        for gap, filled in ((frames, True), (frames + 1, False)):
            stretch = np.concatenate([[112.0], np.full(gap, nan), [113.0]])
            out = held_through(stretch, np.full(stretch.size, 85.0), 1.0 / fps)
            assert np.isfinite(out[1:-1]).all() == filled, (fps, gap)


def test_legs_are_re_paired_in_profile_but_not_for_two_feet_at_different_depths():
    """In profile MediaPipe may name the raised leg for the standing one: the measures follow the raised
    leg. From three-quarter, second position puts the far foot higher in the picture: both feet are down,
    and the legs keep their names."""
    from technique.analysis.measures import steady_legs

    raised, world = dancer(180, 80, 90)  # profile, the right leg raised behind her
    clip, clip_world = np.stack([raised] * 5), np.stack([world] * 5)
    named_wrong, _ = steady_legs(clip, clip_world, "left")  # told the left leg works
    assert named_wrong[0, L.LEFT_ANKLE, 1] == pytest.approx(raised[L.RIGHT_ANKLE, 1])

    second, world = dancer(90, 15, 40)  # three-quarter, the right foot out to the side on the floor
    leg = np.linalg.norm(second[L.LEFT_ANKLE] - second[L.LEFT_HIP])
    for joint in (L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_TOE):
        second[joint, 1] = second[L.LEFT_ANKLE, 1] - 0.18 * leg  # farther away: higher in the picture
    clip, clip_world = np.stack([second] * 5), np.stack([world] * 5)
    kept, _ = steady_legs(clip, clip_world, "left")
    assert kept[0, L.LEFT_ANKLE, 1] == pytest.approx(second[L.LEFT_ANKLE, 1])


def test_feet_apart_in_shoulder_widths_reads_the_same_from_the_front_and_three_quarter():
    """Second position as teachers size it (§4: 1.0-1.6 shoulder widths): both lines lie across her
    body and shorten alike as she turns from the camera; in profile it can't be seen."""
    from technique.analysis.measures import dancer_measures

    read = {}
    for yaw in (0, 40, 90):
        pixels, world = dancer(90, 20, yaw)  # the right foot out to the side
        read[yaw] = float(dancer_measures(pixels, world, "right")["feet_apart_shoulders"])
    across = 0.09 + 0.09 + 0.85 * np.sin(np.radians(20))  # the hips' half-widths and the leg's reach
    assert read[0] == pytest.approx(across / 0.36, rel=0.02)
    assert read[40] == pytest.approx(read[0], rel=0.02)
    assert np.isnan(read[90])


def test_a_step_to_another_depth_is_not_a_heel_rising():
    """releve_lift measures the ankle against where the foot stood, so a foot stepping away from the
    camera (higher in the picture) reads as a rise; heel_rise measures it against its own toe."""
    from technique.analysis.measures import body_scale, dancer_measures

    frame, world = dancer(0, 0, 0)
    clip, clip_world = np.stack([frame] * 40), np.stack([world] * 40)
    leg = np.linalg.norm(frame[L.LEFT_ANKLE] - frame[L.LEFT_HIP])
    stepped, lifted = clip.copy(), clip.copy()
    for foot in (L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_TOE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_TOE):
        stepped[20:, foot, 1] -= 0.08 * leg  # both feet planted further away
    for foot in (L.LEFT_ANKLE, L.LEFT_HEEL, L.RIGHT_ANKLE, L.RIGHT_HEEL):
        lifted[20:, foot, 1] -= 0.08 * leg  # the heels leave the floor, the toes stay
    step = dancer_measures(stepped, clip_world, "right", body_scale(clip, "right"))
    rise = dancer_measures(lifted, clip_world, "right", body_scale(clip, "right"))
    assert np.nanmax(step["releve_lift"]) == pytest.approx(0.08, abs=0.01)  # the old measure is fooled
    assert np.nanmax(np.abs(step["heel_rise"])) < 0.01
    assert np.nanmax(rise["heel_rise"]) == pytest.approx(0.08, abs=0.01)


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_a_relevé_held_four_seconds_keeps_its_rise_at_any_frame_rate(fps):
    """The flat levels a relevé rises from are looked for over seconds, not frames: a balance held 4 s
    filmed at 60 frames a second once lost its rise in the middle of the hold (75 frames = 1.25 s)."""
    from technique.analysis.measures import dancer_measures

    frame, world = dancer(0, 0, 0)
    count = 6 * fps  # 1 s flat, 4 s on relevé, 1 s flat
    clip, clip_world = np.stack([frame] * count), np.stack([world] * count)
    leg = np.linalg.norm(frame[L.LEFT_ANKLE] - frame[L.LEFT_HIP])
    hold = slice(fps, 5 * fps)
    rising = [j for j in range(33) if j not in (L.LEFT_TOE, L.RIGHT_TOE)]  # all but the toes rise
    clip[hold, rising, 1] -= 0.08 * leg
    m = dancer_measures(clip, clip_world, "right", frame_s=1.0 / fps)
    middle = 3 * fps
    for name in ("releve_lift", "heel_rise", "hips_rise"):
        assert m[name][middle] == pytest.approx(0.08, abs=0.005), name
        assert m[name][fps // 2] == pytest.approx(0.0, abs=0.005), name


@pytest.mark.parametrize("yaw, expected", [
    (90, 0.08),   # profile, her left side to the camera: the near (left) foot's rise
    (-90, 0.05),  # her right side to the camera: the near (right) foot's
    (0, 0.05),    # from the front both feet are seen: both must rise, the lower counts
])
def test_a_relevé_in_profile_is_read_from_the_near_foot(yaw, expected):
    """In profile the far foot hides behind the near one and MediaPipe's guess for it rises less."""
    from technique.analysis.measures import body_scale, dancer_measures

    frame, world = dancer(0, 0, yaw)
    clip, clip_world = np.stack([frame] * 40), np.stack([world] * 40)
    leg = np.linalg.norm(frame[L.LEFT_ANKLE] - frame[L.LEFT_HIP])
    risen = clip.copy()
    for foot, rise in ((L.LEFT_ANKLE, 0.08), (L.LEFT_HEEL, 0.08), (L.RIGHT_ANKLE, 0.05), (L.RIGHT_HEEL, 0.05)):
        risen[20:, foot, 1] -= rise * leg
    lift = dancer_measures(risen, clip_world, "right", body_scale(clip, "right"))["releve_lift"]
    assert np.nanmax(lift) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("yaw, expected", [
    (0, 45),     # from the front the turned-out knee points 45 deg to her side
    (45, 0),     # three-quarter, the standing (left) leg nearer: its knee points at the camera
    (-45, 90),   # three-quarter, the standing leg farther: its knee points across the picture
    (90, 45),    # profile, standing leg nearer
    (-90, 135),  # profile, standing leg farther
])
def test_where_the_supporting_knee_points_against_the_camera(yaw, expected):
    from technique.analysis.measures import dancer_measures

    pixels, world = dancer(0, 0, yaw)  # standing on the left leg, the right one down beside it
    m = dancer_measures(pixels, world, "right")
    assert float(m["supporting_knee_to_camera"]) == pytest.approx(expected, abs=8)


@pytest.mark.parametrize("yaw, expected", [
    (45, 90),    # three-quarter, her standing side nearer: the working knee points across the picture
    (-45, 0),    # three-quarter, her working side nearer: it points at the camera
    (0, 45),     # from the front, 45 deg to her side
])
def test_where_a_low_working_knee_points_against_the_camera(yaw, expected):
    """A low turned-out working leg's knee faces out to her side as the standing one's does (and is told the
    same way); raised past MEASURING.low_leg it faces up, and no such sight is given."""
    from technique.analysis.measures import MEASURING, dancer_measures

    pixels, world = dancer(0, 0, yaw)  # standing on the left leg, the right one down beside it
    assert float(dancer_measures(pixels, world, "right")["working_knee_to_camera"]) == pytest.approx(expected, abs=8)
    raised, raised_world = dancer(0, MEASURING.low_leg + 20, yaw)
    assert np.isnan(float(dancer_measures(raised, raised_world, "right")["working_knee_to_camera"]))


@pytest.mark.parametrize("toe_at, yaw, working_near, covered", [
    ("knee", 85.0, True, 1.0),    # a passé in profile from her working side: the foot over the standing knee
    ("knee", 85.0, False, 0.0),   # from her other side the standing knee is in front of the foot
    ("knee", 10.0, True, 0.0),    # from the front the foot sits beside the knee
    ("away", 85.0, True, 0.0),    # a leg held away (an arabesque's) covers nothing
])
def test_the_working_leg_covers_the_supporting_knee_only_from_its_own_side_in_profile(toe_at, yaw, working_near,
                                                                                       covered):
    from technique.analysis.measures import knee_covered

    p = np.full((33, 2), np.nan)
    p[L.LEFT_KNEE], p[L.LEFT_ANKLE] = (100.0, 200.0), (100.0, 300.0)  # the standing leg, shank 100 px
    p[L.RIGHT_KNEE] = (160.0, 150.0)
    p[L.RIGHT_ANKLE] = (110.0, 190.0) if toe_at == "knee" else (300.0, 150.0)
    p[L.RIGHT_TOE] = (102.0, 202.0) if toe_at == "knee" else (340.0, 150.0)
    got = knee_covered(p, "right", np.array(yaw), np.array(working_near))
    assert float(got) == covered


@pytest.mark.parametrize("yaw", [0, 30, 45, 70])
def test_the_body_turn_reads_the_same_for_broad_and_narrow_shoulders(yaw):
    """The turn from the camera is read from MediaPipe's world shoulder and hip lines (depth rescaled),
    not from how wide the shoulders look: a broad-shouldered dancer turned 30 deg is not read square."""
    from technique.analysis.direction import body_yaw

    read = []
    for shoulders in (0.8, 1.25):  # narrower, broader than dancer()'s
        pixels, world = dancer(0, 0, yaw)
        centre = (pixels[L.LEFT_SHOULDER] + pixels[L.RIGHT_SHOULDER]) / 2
        centre_w = (world[L.LEFT_SHOULDER] + world[L.RIGHT_SHOULDER]) / 2
        for joint in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER):
            pixels[joint] = centre + shoulders * (pixels[joint] - centre)
            world[joint] = centre_w + shoulders * (world[joint] - centre_w)
        read.append(float(body_yaw(pixels, world)))
    assert read[0] == pytest.approx(yaw, abs=2) and read[1] == pytest.approx(yaw, abs=2)


def test_a_plié_seen_from_three_quarter_keeps_the_legs_down():
    """In a plié the far knee bends along the line of sight and looks straight; its leg is only shorter.
    Its drop is then no measure of its height: both feet are down, the leg hangs (the 2D angle)."""
    from technique.analysis.measures import body_scale, dancer_measures

    frame, world = dancer(0, 0, 40)
    clip, clip_world = np.stack([frame] * 20), np.stack([world] * 20)
    leg = np.linalg.norm(frame[L.LEFT_ANKLE] - frame[L.LEFT_HIP])
    plie = clip.copy()
    plie[10:, [L.LEFT_HIP, L.RIGHT_HIP], 1] += 0.12 * leg  # the hips sink
    for hip, knee, ankle in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)):
        plie[10:, knee] = (plie[10:, hip] + plie[10:, ankle]) / 2
    plie[10:, L.LEFT_KNEE, 0] += 0.25 * leg  # the near (left, standing) knee bends out over the toes in the picture
    plie[10:, L.RIGHT_KNEE, 0] -= 0.04 * leg  # the far one shows little of its bend (165 deg)
    m = dancer_measures(plie, clip_world, "right", body_scale(clip, "right"))
    assert np.nanmax(m["plie_knee"][10:]) < 140  # a plié: both feet down, a knee bent
    assert np.nanmax(m["working_leg_height"][10:]) < 10  # not arccos(0.88) = 28 deg


def test_standing_on_both_feet_at_different_depths_is_no_jump():
    """In profile MediaPipe may name the far foot "supporting" while she stands on both feet, and the
    far foot stands higher in the picture: the supporting foot lift is the lower toe's (a jump lifts both)."""
    from technique.analysis.measures import body_scale, dancer_measures

    frame, world = dancer(0, 0, 90)
    clip, clip_world = np.stack([frame] * 40), np.stack([world] * 40)
    leg = np.linalg.norm(frame[L.LEFT_ANKLE] - frame[L.LEFT_HIP])
    for joint in (L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_TOE):
        clip[:10, joint, 1] -= 0.12 * leg  # the far foot, named "supporting" (left) for the first frames
    jump = np.stack([frame] * 40)
    jump[20:25, :, 1] -= 0.2 * leg  # the whole body leaves the floor
    still = dancer_measures(clip, clip_world, "right", body_scale(clip, "right"))["supporting_foot_lift"]
    jumped = dancer_measures(jump, clip_world, "right", body_scale(jump, "right"))["supporting_foot_lift"]
    assert np.nanmax(still) < 0.02
    assert np.nanmax(jumped) == pytest.approx(0.2, abs=0.02)


@pytest.mark.parametrize("azimuth, yaw, expected", [
    (180, 90, 180), (180, 70, 180), (180, -70, 180),  # attitude derrière, in profile and 70 deg off her front
    (0, 90, 0), (0, 70, 0), (0, -70, 0),              # attitude devant
])
def test_a_bent_leg_is_placed_by_its_own_reach(azimuth, yaw, expected):
    """An attitude's hip->ankle is shorter than the leg because the knee bends, not because it points along
    the line of sight: read as a straight leg, the attitude derrière seen 70 deg off her front came out
    118-132 deg (à la seconde) in profile and 180 as three-quarter, and was said to be unknown."""
    standing = dancer(0, 0, yaw)
    pose = dancer(azimuth, 80, yaw, knee=95)
    measures = held_clip(*pose, hanging=standing)
    assert_direction(measures["working_leg_direction"][-1], expected, within=30)


@pytest.mark.parametrize("yaw", [-45, -30])
def test_a_leg_stretched_towards_the_camera_leaves_her_standing_leg_down(yaw):
    """A tendu à la seconde seen from three-quarter on her working side stretches the leg towards a camera
    2 m off, where it looks longer than it stood: measured against that length, her standing leg read
    13-19 deg raised, and the tendu's moment was found while she stood (dev renders: its pointed foot
    judged on the flat foot of the preparation). The leg's standing length is its length hanging."""
    from technique.analysis.measures import dancer_measures

    frames = [dancer(0, 0, yaw, camera_m=2.0)] * 10 + [dancer(90, 30, yaw, camera_m=2.0)] * 10
    m = dancer_measures(np.stack([f[0] for f in frames]), np.stack([f[1] for f in frames]), "right", frame_s=0.1)
    assert np.all(m["working_leg_height"][:10] < 3.0)
    assert np.all(m["working_leg_height"][10:] > 20.0)


@pytest.mark.parametrize("azimuth, height, yaw, expected", [
    (0, 0, 70, True),      # standing on both feet, seen 70 deg off her front
    (0, 0, 30, True),
    (90, 60, 0, False),    # a leg raised to the side
    (0, 60, 10, False),    # a leg raised towards the camera: it hangs in the picture, foreshortened
    (180, 30, 90, False),  # a leg behind her
])
def test_standing_still_is_both_legs_straight_and_down(azimuth, height, yaw, expected):
    from technique.analysis.direction import standing_still

    standing, _ = dancer(0, 0, yaw)
    pose, _ = dancer(azimuth, height, yaw)
    # over a clip, so that the working leg's standing length is known
    assert bool(standing_still(np.stack([standing] * 3 + [pose]), "right")[-1]) is expected


def test_a_dancer_facing_one_way_takes_her_yaw_from_the_frames_she_stands():
    """A raised leg moves MediaPipe's hip line: a développé devant filmed 70 deg off her front read 50-56
    over the whole clip, 61-68 while she stood. Her yaw is the standing frames', so the view is a profile."""
    from technique.analysis.measures import dancer_measures

    frames = [dancer(0, 0, 70)] * 6 + [dancer(0, 80, 52)] * 10  # the leg devant reads 18 deg squarer
    measures = dancer_measures(np.stack([f[0] for f in frames]), np.stack([f[1] for f in frames]), "right",
                               frame_s=0.1)  # 0.6 s standing
    assert measures["body_yaw"] == pytest.approx(np.full(16, 70.0), abs=3)
    assert view_of(measures["body_yaw"]) == "side"


@pytest.mark.parametrize("azimuth, yaw, expected", [
    (180, 90, 90),   # an arabesque seen from the side: across the picture
    (180, 60, 60),   # seen 60 deg off her front, the leg behind her points 60 deg from the line of sight
    (180, 20, 20),   # seen 20 deg off her front, nearly away from the camera: its knee can't be judged
])
def test_how_far_the_working_leg_points_from_the_camera(azimuth, yaw, expected):
    from technique.analysis.measures import dancer_measures

    pixels, world = dancer(azimuth, 90, yaw)
    assert float(dancer_measures(pixels, world, "right")["working_leg_to_camera"]) == pytest.approx(expected, abs=3)


@pytest.mark.parametrize("knee", [110.0, 60.0])  # a demi-plié's, a grand plié's
def test_a_plie_seen_from_the_side_is_as_deep_as_the_hip_sinks(knee):
    """In profile a plié's turned-out knees bend towards the camera: the picture shows thigh and shank
    nearly in one line (150) whatever the bend. The hip sinking towards the ankles says how far the
    knees bend (thigh and shank about equal)."""
    pixels, world = dancer(0, 0, 90)
    standing = (pixels, world)
    pixels = pixels.copy()
    for side in ("LEFT", "RIGHT"):
        hip, ankle = getattr(L, f"{side}_HIP"), getattr(L, f"{side}_ANKLE")
        half = np.linalg.norm(pixels[ankle] - pixels[hip]) / 2
        drop = 2 * half * np.sin(np.radians(knee) / 2)  # the hip straight above the ankle
        pixels[hip] = pixels[ankle] - (0.0, drop)
        # the knee points at the camera: across the picture only as far as a 150 deg knee shows
        pixels[getattr(L, f"{side}_KNEE")] = pixels[ankle] - (0.0, drop / 2) + (drop / 2 * np.tan(np.radians(15)), 0.0)
    for name in ("LEFT_SHOULDER", "RIGHT_SHOULDER", "NOSE", "LEFT_EAR", "RIGHT_EAR"):
        pixels[getattr(L, name)] += pixels[L.LEFT_HIP] - standing[0][L.LEFT_HIP]  # the body sinks with the hips
    measures = held_clip(pixels, world, hanging=standing)
    assert float(measures["supporting_knee"][-1]) == pytest.approx(150, abs=2)  # what the picture shows
    assert float(measures["plie_knee"][-1]) == pytest.approx(knee, abs=5)


@pytest.mark.parametrize("knee", [110.0, 55.0])  # a demi-plié's, a grand plié's
@pytest.mark.parametrize("yaw", [0, 180, 45, 90])  # from the front, the back, three-quarter, the side
def test_a_plie_is_as_deep_as_its_knees_bend_from_every_view(knee, yaw):
    """Turned out, a plié's knees bend 45 deg off her front, out of the picture's plane: from the front
    (or back) the picture shows them straighter than they are (a 110 deg demi-plié reads about 127) and
    the hips' reach towards the ankles says how far they bend. From three-quarter one knee bends across
    the picture and shows it."""
    standing = dancer(0, 0, yaw)
    measures = held_clip(*dancer(0, 0, yaw, plie={"left": knee, "right": knee}), hanging=standing)
    if yaw in (0, 180):
        assert float(measures["supporting_knee"][-1]) > knee + 8  # what the picture shows
    assert float(measures["plie_knee"][-1]) == pytest.approx(knee, abs=5)


def test_one_bent_knee_with_both_feet_down_is_no_plie_where_both_bends_are_seen():
    """A plié bends both knees: where both bends are measured (from the front, in profile) a tendu's bent
    working knee beside a straight supporting one is no plié (the straighter counts), and two bent knees
    are the plié's, each leg's reach misreading its own bend (in profile the near one straighter from her
    right, more bent from her left): their mean. From three-quarter the far knee looks straighter than it
    bends, so the more bent one counts."""
    supporting, working, height, rise = np.array([175.0]), np.array([128.0]), np.array([5.0]), np.array([0.0])
    assert plie_knee(supporting, working, height, rise, both_shown=True)[0] == 175.0
    assert plie_knee(supporting, working, height, rise, both_shown=False)[0] == 128.0
    assert plie_knee(np.array([104.0]), working, height, rise, both_shown=True)[0] == pytest.approx(116.0)


@pytest.mark.parametrize("yaw", [-45, -70])  # three-quarter; 70 deg off her front, read as a profile
def test_a_passe_whose_knee_points_at_the_camera_reads_bent(yaw):
    """Filmed from her working side, a turned-out passé's thigh points at the camera: the picture's knee,
    between a short thigh and the shank, reads far straighter than it bends (a render from 70 deg read
    153-176 for 41); MediaPipe's 3D knee reads the bend (55-85 for 45 on renders: its depth reads
    shallow, as this dancer's)."""
    pixels, world = dancer(0, 0, yaw, passe=True)
    measures = held_clip(pixels, world, hanging=dancer(0, 0, yaw))
    seen = joint_angle(pixels[L.RIGHT_HIP], pixels[L.RIGHT_KNEE], pixels[L.RIGHT_ANKLE])
    assert seen > 105  # what the picture shows
    assert float(measures["working_knee"][-1]) < 85


@pytest.mark.parametrize("yaw, pointing_at_camera", [(90, False), (20, True)])
def test_a_bent_knee_is_not_taken_for_a_leg_pointing_at_the_camera(yaw, pointing_at_camera):
    """An attitude devant (thigh level, the knee bent to 70 as a render of one read) seen from the side
    lies across the picture, though hip to ankle measures 0.57 of the leg: from that length alone it
    read 35 deg from the line of sight, under the 37 from which its knee is judged. Seen 20 deg off her
    front its thigh points nearly at the camera. Each half against its hanging length says which."""
    pixels, world = dancer(0, 90, yaw)
    hip, knee, ankle = pixels[L.RIGHT_HIP], pixels[L.RIGHT_KNEE], pixels[L.RIGHT_ANKLE]
    back = (hip - knee) / np.linalg.norm(hip - knee)  # from the knee towards the hip
    bend = np.radians(70)
    turned = np.array([back[0] * np.cos(bend) - back[1] * np.sin(bend), back[0] * np.sin(bend) + back[1] * np.cos(bend)])
    if turned[1] < 0:  # the foot hangs below the knee, whichever way the picture turns
        turned = np.array([back[0] * np.cos(bend) + back[1] * np.sin(bend), -back[0] * np.sin(bend) + back[1] * np.cos(bend)])
    pixels = pixels.copy()
    pixels[L.RIGHT_ANKLE] = pixels[L.RIGHT_HEEL] = knee + np.linalg.norm(ankle - knee) * turned
    pixels[L.RIGHT_TOE] = pixels[L.RIGHT_ANKLE] + 10 * turned
    measures = held_clip(pixels, world, hanging=dancer(0, 0, yaw))
    if not pointing_at_camera:
        assert float(measures["working_knee"][-1]) == pytest.approx(70, abs=2)
    seen = float(measures["working_leg_to_camera"][-1])
    assert (seen < MEASURING.leg_seen_from) == pointing_at_camera, seen


@pytest.mark.parametrize("yaw", [70, -70])
def test_a_leg_to_the_side_seen_near_profile_is_not_placed_by_the_profile_guess(yaw):
    """Seen 20 deg off profile (the yaw reads 70) a leg à la seconde also fits a profile's leg 20 deg
    forward or back; the view could be three-quarter (the yaw is known to ~15 deg), where it reads
    otherwise: unknown, or right, never off by the view's error. Devant and derrière stay clear."""
    def direction(azimuth):
        return float(held_clip(*dancer(azimuth, 30, yaw))["working_leg_direction"][-1])
    seconde = direction(90)
    assert np.isnan(seconde) or abs(seconde - 90) < 10, seconde
    assert direction(0) == pytest.approx(0, abs=25)
    assert direction(180) == pytest.approx(180, abs=25)


@pytest.mark.parametrize("picture, expected", [(20, 20), (70, None)])
def test_the_near_legs_picture_far_from_its_3d_leg_is_misplaced(picture, expected):
    """From three-quarter MediaPipe's 3D leg reads the near leg within ~25 deg; a picture's leg 70 deg away
    from it (a leg devant seen 30 deg off her front read 64) is misplaced: unknown, not à la seconde."""
    pixels, _ = dancer(picture, 90, -35)
    _, world = dancer(0, 90, -35)
    assert_direction(float(held_clip(pixels, world)["working_leg_direction"][-1]), expected, within=10)


@pytest.mark.parametrize("azimuth, height, yaw", [
    (0, 70, 0),      # a thigh raised devant seen from the front points at the camera: no angle in the picture
    (0, 70, 20),
    (90, 60, 60),    # à la seconde seen from 60 deg: foreshortened
    (0, 60, 90),     # in the picture's plane (profile): the picture's own angle
    (90, 70, 0),
])
def test_thigh_height_holds_against_foreshortening(azimuth, height, yaw):
    """The knee's drop below the hip against the thigh's length while it hung (the clip's first frames)
    gives its height whichever way it points, as the leg's height does."""
    m = held_clip(*dancer(azimuth, height, yaw), hanging=dancer(0, 0, yaw))
    assert float(m["working_thigh_height"][-1]) == pytest.approx(height, abs=3)


@pytest.mark.parametrize("yaw, expected", [(18, 0), (5, None)])
def test_a_front_view_near_three_quarter_lets_the_3d_leg_decide(yaw, expected):
    """Read 18 deg from her front the view may be three-quarter (the yaw is known to ~15 deg), where
    MediaPipe's 3D leg says devant or not; square to the camera (5 deg) a raised leg pointing at it
    stays unknown."""
    assert_direction(float(held_clip(*dancer(0, 90, yaw))["working_leg_direction"][-1]), expected, within=15)


@pytest.mark.parametrize("azimuth, camera_m, expected", [
    (0, 3.0, 0),        # 3 m off: the foot coming nearer than the knee makes the shank look longer
    (90, 3.0, 90),      # ... going away, shorter
    (0, None, None),    # seen from far away the two legs look alike: unknown, not a guess
    (90, None, None),
])
def test_perspective_tells_the_far_legs_devant_from_its_a_la_seconde(azimuth, camera_m, expected):
    """From three-quarter the far leg's devant and à la seconde make the same picture, and MediaPipe's 3D
    leg may read in between (here 65 deg); the nearer half of a leg looks larger, against its proportions
    while it hung at the start of the clip."""
    pixels, _ = dancer(azimuth, 90, 45, camera_m)
    _, world = dancer(65, 90, 45, camera_m)
    m = held_clip(pixels, world, hanging=dancer(0, 0, 45, camera_m))
    assert_direction(float(m["working_leg_direction"][-1]), expected)


@pytest.mark.parametrize("azimuth, world_azimuth, yaw, told", [
    (90, 130, -40, True),     # à la seconde, its 3D leg halfway to derrière
    (90, 150, -45, False),    # ... or nearer derrière
    (165, 140, -45, True),    # derrière, its 3D leg halfway to à la seconde
    (165, 120, -45, False),
])
def test_perspective_never_lets_the_near_leg_be_called_what_it_is_not(azimuth, world_azimuth, yaw, told):
    """The near leg from three-quarter (3 m off): where MediaPipe's 3D leg lies between the picture's two
    legs, the foot looking nearer or farther than its knee says which; the direction is then right, or
    unknown, never the other category (without perspective, 90 deg legs were called 159-172, 165 deg
    legs 84-103)."""
    pixels, _ = dancer(azimuth, 90, yaw, 3.0)
    _, world = dancer(world_azimuth, 90, yaw, 3.0)
    direction = float(held_clip(pixels, world, hanging=dancer(0, 0, yaw, 3.0))["working_leg_direction"][-1])
    truth = 1 if azimuth < 135 else 2  # à la seconde, derrière
    assert np.isnan(direction) or int(np.digitize(direction, (45, 135))) == truth, direction
    assert np.isfinite(direction) == told, direction


@pytest.mark.parametrize("pitch", [0.0, 10.0, 25.0, -10.0])
def test_how_far_the_camera_looks_down_on_her(pitch):
    """MediaPipe's world frame is the camera's: a camera looking down by `pitch` sees her standing body
    lean away from it by as much (its shallow depth rescaled)."""
    from technique.analysis.direction import camera_pitch

    pixels, world = dancer(0, 0, 0, pitch=pitch)
    assert camera_pitch(np.stack([pixels] * 3), np.stack([world] * 3)) == pytest.approx(pitch, abs=1)
    assert np.isnan(camera_pitch(pixels, world))  # one frame: no clip to stand in


@pytest.mark.parametrize("azimuth, height, yaw", [
    (0, 45, 0), (180, 45, 0), (0, 30, 0),  # devant / derrière from the front
    (0, 90, 45), (180, 60, 45), (90, 90, 45), (90, 45, 45), (0, 60, 30), (180, 60, 30),  # turned from it
    (90, 90, 0), (0, 90, 90), (180, 90, 90),  # in the picture's plane: a high camera changes little
])
def test_a_camera_looking_down_on_her_is_levelled(azimuth, height, yaw):
    """Filmed from 25 deg above her hips (a camera on a shelf), a leg raised towards the camera looks
    lower than it is and one raised away higher: measured as if level, 15-30 deg off, and a leg devant
    seen 30 deg off her front was called à la seconde. Levelled by the clip's own camera pitch, the
    height and the direction are the level camera's."""
    pixels, world = dancer(azimuth, height, yaw, pitch=25.0)
    measures = held_clip(pixels, world, hanging=dancer(0, 0, yaw, pitch=25.0))
    assert float(measures["working_leg_height"][-1]) == pytest.approx(height, abs=3)
    direction = float(measures["working_leg_direction"][-1])
    assert np.isnan(direction) or int(np.digitize(direction, (45, 135))) == int(np.digitize(azimuth, (45, 135)))


@pytest.mark.parametrize("yaw, away", [(0, False), (30, False), (90, False), (-90, False), (-135, True),
                                       (150, True), (180, True)])
def test_her_back_to_the_camera_is_told_by_her_nose_behind_her_ears(yaw, away):
    """body_yaw reads a front and a back view alike; MediaPipe's nose, farther from the camera than her
    ears, says her back is turned. In profile the nose lies beside the ears, and without a face (or with
    one the picture places below her shoulders, guessed) nothing is said."""
    from technique.analysis.direction import facing_away

    pixels, world = dancer(90, 45, yaw)
    assert bool(facing_away(world, pixels)) == away
    guessed = pixels.copy()
    guessed[L.NOSE, 1] = pixels[L.LEFT_SHOULDER, 1] + 40  # a face below the shoulders: a head out of frame
    assert not facing_away(world, guessed)
    world[L.NOSE] = np.nan
    assert not facing_away(world)


@pytest.mark.parametrize("azimuth, height, yaw, camera_m, expected", [
    (0, 30, 180, 3.0, 0),      # devant from behind: the foot farther from the camera stands higher
    (90, 30, 180, 3.0, 90),
    (0, 30, 160, 3.0, 0),
    (90, 30, 160, 3.0, 90),
    (0, 90, 150, None, 0),     # her back three-quarter to the camera: MediaPipe's 3D leg, as from her front
    (180, 90, 150, None, 180),
    (90, 90, -150, None, 90),
])
def test_where_the_leg_goes_with_her_back_to_the_camera(azimuth, height, yaw, camera_m, expected):
    """Filmed from behind her (a class filmed from the back of the studio, facing the mirror), the foot
    nearer the camera is behind her, not in front: a leg raised 30 deg devant read derrière, and from 20
    deg off her back devant and à la seconde were unknown."""
    pixels, world = dancer(azimuth, height, yaw, camera_m)
    m = held_clip(pixels, world, hanging=dancer(0, 0, yaw, camera_m))
    assert_direction(float(m["working_leg_direction"][-1]), expected)
    assert float(m["facing_away"][-1]) == 1.0


def test_the_hips_rise_on_straight_legs_is_the_releves_height():
    """Hips 16 px (0.08 of a 200 px leg) above where they stood on flat feet read 0.08; lower in a plié
    (legs bent: not the flat level) they read below 0; one frame alone has no flat level."""
    from technique.analysis.measures import hips_rise

    hip_y = np.array([300.0] * 10 + [284.0] * 10 + [320.0] * 10)
    straight = np.array([True] * 20 + [False] * 10)
    rise = hips_rise(hip_y, straight, 200.0)
    assert rise[:10] == pytest.approx(0.0) and rise[10:20] == pytest.approx(0.08)
    assert np.all(rise[20:] < 0)
    assert np.isnan(hips_rise(np.float64(300.0), np.True_, 200.0))


def test_a_heel_whose_rise_the_picture_hides_counts_once_the_hips_have_risen():
    """Both heels must rise for a relevé, so the lower counts; but looking down on a foot pointing at
    the camera its rise cancels in the picture. With the hips risen on straight legs both heels are up:
    then the one the picture shows."""
    from technique.analysis.measures import BodyScale, heel_rise

    t = 30
    p = np.full((t, L.COUNT, 2), np.nan)
    up = np.zeros(t, bool)
    up[10:20] = True
    for ankle, toe in ((L.LEFT_ANKLE, L.LEFT_TOE), (L.RIGHT_ANKLE, L.RIGHT_TOE)):
        p[:, toe] = (300.0, 400.0)
        p[:, ankle] = (300.0, 380.0)
    p[up, L.LEFT_ANKLE, 1] -= 12.0  # the left heel rises 0.06 of a 200 px leg; the right one looks flat
    scale = BodyScale(leg=200.0, flat={})
    assert heel_rise(p, "right", scale)[up] == pytest.approx(0.0)
    assert heel_rise(p, "right", scale, hips_up=up)[up] == pytest.approx(0.06)
    assert heel_rise(p, "right", scale, hips_up=up)[~up] == pytest.approx(0.0)


def test_a_foot_standing_where_it_stood_is_not_raised_however_high_perspective_shows_it():
    """Two feet down at different depths: the far one stands 0.3 leg lengths higher in the picture (a wide
    lens close to her, from three-quarter), but where it stood; a passé's foot leaves both."""
    from technique.analysis.measures import foot_raised, plie_knee

    leg = 200.0
    flat = np.full(4, 400.0)
    far_foot = foot_raised(np.full(4, 0.3), np.full(4, 400.0), flat, leg)
    assert far_foot == pytest.approx(0.0)
    passe = foot_raised(np.full(4, 0.5), np.full(4, 300.0), flat, leg)
    assert passe == pytest.approx(0.5)
    assert foot_raised(np.float64(0.3), np.float64(400.0), 400.0, leg) == pytest.approx(0.3)  # one frame
    bent = np.full(4, 120.0)
    assert plie_knee(bent, bent, np.full(4, 25.0), far_foot) == pytest.approx(120.0)
    assert np.all(np.isnan(plie_knee(bent, bent, np.full(4, 25.0), passe)))


def test_the_far_leg_is_never_called_devant_when_its_3d_leg_reads_behind_her():
    """From three-quarter the far leg's picture fits devant or à la seconde; MediaPipe's 3D leg decides only
    when it reads clearly one of them. A 3D leg reading behind her (-160 deg) decides nothing."""
    pixels, _ = dancer(0, 90, 45)      # the picture of the far (right) leg raised devant ...
    _, world = dancer(200, 90, 45)     # ... with a 3D leg behind her and a little across
    m = dancer_measures(np.stack([pixels] * 3), np.stack([world] * 3), "right")
    assert np.isnan(m["working_leg_direction"][0])


@pytest.mark.parametrize("yaw", [45, 135])
def test_her_turn_from_the_camera_reads_alike_from_in_front_and_from_behind(yaw):
    """MediaPipe's depth reads her shoulder and hip lines 1.35 times too shallow while she faces the
    camera, and about right with her back turned: seen 135 deg round from her front, the front's rescaling
    read 56-65 deg, a profile."""
    pixels, world = dancer(0, 0, yaw)
    if yaw > 90:
        world[:, 2] *= DIRECTION.world_depth_scale  # her back turned: MediaPipe's depth is not shallow
    assert float(facing_yaw(world)) == pytest.approx(45, abs=3)
    assert view_of(body_yaw(pixels, world)) == "three_quarter"


def test_her_back_stays_turned_while_she_does_not_turn():
    """From behind her at three-quarter MediaPipe's nose came forward of her ears on a raised leg's
    frames; while she keeps facing one way her back stays turned. Turning, each frame says its own."""
    away = np.array([1, 1, 0, 0, 1, 0, 1, 1], dtype=bool)
    assert steady_away(away, np.ones(8)).all()
    turning = np.array([1, 1, -1, -1, 1, -1, 1, 1], dtype=float)
    assert (steady_away(away, turning) == away).all()

