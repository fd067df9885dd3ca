"""Which way the dancer faces, where the camera stands, and where the working leg goes.

Conventions (facing_x, body_yaw, working_leg_forward/side, working_leg_direction, leg height proof
against foreshortening) are documented at the top of measures.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import warnings

import numpy as np

from technique import landmarks as L
from technique.series import FRAME_S, frames_within, rolling_percentile, true_runs
from technique.analysis.geometry import OTHER, SIDE_POINTS, distance, from_vertical_down, hangs_straight, midpoint


@dataclass(frozen=True)
class DirectionConfig:
    """The numbers that say which way she faces and where the leg goes (measured on the dev renders)."""
    # body_yaw bands of the three views (degrees). body_yaw reads a camera 45 deg round as 25-55 (dev renders:
    # the adult_male body's shoulders read narrow, 25-41) and a front or back camera as 0-19: the front band
    # ends at 22, between the two
    view_front_below: float = 22.0
    # body_yaw above this is a profile (side view)
    view_side_above: float = 60.0
    # shoulder width / torso length of a body square to the camera (MediaPipe points)
    frontal_shoulder_width: float = 0.72
    # MediaPipe's world depth reads her shoulder and hip lines this many times too shallow: with it, the
    # yaw read from them is within 5 deg of the camera's true angle at 0, 30, 45 and 70 deg for two dev
    # bodies (without it 3/4 read 35-41, 30 deg read 20-23)
    world_depth_scale: float = 1.35
    # ... and with her back to the camera (facing_away) about right: seen 45 deg off her back (135 round
    # from her front) the raw lines read 45-52, rescaled 56-65, which called the view a profile
    world_depth_scale_away: float = 1.0
    # metres of MediaPipe depth between hip and ankle that are trusted to say front from back
    depth_clear_m: float = 0.3
    # degrees: in a three-quarter view, MediaPipe's own 3D leg picks one of the picture's two possible
    # legs only when it lies this much nearer to one than to the other (dev renders: its angle is
    # within ~25 deg of the true one for the near leg and for any leg behind, and 30-60 deg off, towards
    # à la seconde, for the far leg devant)
    world_pick_margin: float = 20.0
    # degrees: the near leg's picture leg must lie this near its 3D direction (a category's width)
    world_agree_within: float = 45.0
    # degrees of MediaPipe's 3D direction of the far leg, from three-quarter, that say devant (within this
    # of her front) or à la seconde (over this, up to 135); between them its devant and its à la seconde
    # both read
    far_devant_below: float = 45.0
    far_seconde_above: float = 85.0
    # perspective: the part of a leg nearer the camera looks larger. A raised straight leg's shank/thigh
    # picture ratio against the same ratio hanging (BodyScale.shank_to_thigh) grows when the foot comes
    # nearer than the knee and shrinks when it goes away. Dev renders (camera 3 m off, the usual webcam
    # distance for a whole body), far leg from three-quarter: devant (foot nearer) 1.10-1.46 as MediaPipe
    # reads it, 1.10-1.14 in the renders' true picture; à la seconde (foot away) 0.72-1.00, true 0.79.
    # Near leg: à la seconde (foot nearer) 1.01-1.25, derrière (away) 0.59-0.99 (one arabesque 1.20, which
    # its 3D leg places). Only beyond these, and only where MediaPipe's 3D leg doesn't place the leg.
    size_nearer_above: float = 1.08
    size_farther_below: float = 0.95
    # degrees of leg height from which the foot lies far enough off the hip's depth for it to show
    size_shows_from: float = 45.0
    # degrees: a knee straighter than this leaves thigh and shank in one line (a straight knee reads 170-177;
    # the recognition clues' "knee straight" starts at 150)
    size_straight_knee: float = 150.0
    # degrees the camera may look down on her in profile before the report says so (camera_pitch; looks_down):
    # the 943 dev clips filmed from 5 deg above her hips with the body whole (named and in-between views)
    # read at most 11.4 (median 4-7; in profile median 8.6, from the front and three-quarter at most 10.1,
    # where level_from says so), the same movements filmed from 25 deg above 12-27 (218 of 270 over 16).
    # Levelled (level_camera), a leg raised towards or away from it still read 10-22 deg off from
    # three-quarter: there its height is not judged (measures.HIGH_CAMERA_VIEWS)
    camera_high_above: float = 16.0
    # degrees of camera_pitch from which the picture is levelled (level_camera) before the legs' heights
    # and directions are measured: beyond the 11.4 a camera 5 deg above her hips reads at most. Levelling
    # by less adds MediaPipe's depth noise for no gain (dev renders from 5 deg above, levelled by what
    # they read: leg height error 4.8 -> 5.1 deg, thigh 3.6 -> 4.8)
    level_from: float = 12.0
    # seconds: the longest unknown stretch of a held leg filled from both sides (the renders were tuned at 10
    # frames a second with 15 frames; filling only 0.5 s lost 9 dev clips' names, 5 of them from below her)
    held_gap_s: float = 1.5
    # seconds each side of a frame over which a turning dancer's yaw is steadied (steady_yaw; 5 frames of
    # the 10-frame renders, as tuned)
    yaw_steady_s: float = 0.5
    # seconds of standing on both straight legs (standing_still) from which a dancer facing one way takes her
    # yaw from those frames alone: a raised leg or a bent knee moves MediaPipe's hip line (a développé devant
    # filmed 70 deg off her front read 50-56 over the whole clip, 61-68 standing; dev renders 30 and 70 deg
    # off: 11 of 104 clips at 70 read as three-quarter over the whole clip, 1 standing)
    yaw_standing_s: float = 0.5
    # degrees: how far body_yaw may be off (renders at 45 deg read 26-36)
    yaw_uncertainty: float = 15.0
    # metres MediaPipe's nose must lie behind her ears for her back to be turned to the camera (facing_away):
    # a third of the 0.11-0.15 it reads from the back
    nose_behind_ears_m: float = 0.04


DIRECTION = DirectionConfig()
# degrees of working_leg_direction: devant below the first, derrière beyond the second, à la seconde between
CATEGORY_BOUNDS = (45.0, 135.0)


def facing_yaw(world: np.ndarray, away: np.ndarray | bool | None = None) -> np.ndarray:
    """How far the body is turned from facing the camera, 0 (front or back) to 90 (profile), in degrees.

    Taken from the shoulder and hip lines in MediaPipe's world coordinates (depth is noisier than
    x and y, so both lines are averaged), its depth scaled by DIRECTION.world_depth_scale, or where her
    back is turned to the camera (`away`, by default facing_away) by DIRECTION.world_depth_scale_away.
    """
    away = facing_away(world) if away is None else away
    scale = np.where(away, DIRECTION.world_depth_scale_away, DIRECTION.world_depth_scale)

    def yaw(a: int, b: int) -> np.ndarray:
        d = world[..., b, :] - world[..., a, :]
        return np.degrees(np.arctan2(scale * np.abs(d[..., 2]), np.abs(d[..., 0])))

    both = np.stack([yaw(L.LEFT_SHOULDER, L.RIGHT_SHOULDER), yaw(L.LEFT_HIP, L.RIGHT_HIP)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame with neither line is NaN, as it should be
        return np.nanmean(both, axis=0)


def facing_away(world: np.ndarray, pixels: np.ndarray | None = None) -> np.ndarray:
    """Per frame, whether she turns her back to the camera: MediaPipe places her nose farther from the
    camera than her ears. body_yaw reads a front and a back view alike (0); the nose tells them apart.
    Renders read the nose 0.11-0.15 m behind the ears from the back (27 clips) and 0.12-0.13 m in front of
    them from the front (all four bodies); in profile it lies beside them (no depth). Without a face it is
    unknown, and so is a face the picture (`pixels`) places below her shoulders (a head out of frame,
    guessed: a child's render cropped at the neck read "away" in 68 % of its frames): both count as not
    away (the picture's own reading, as before).
    """
    nose = world[..., L.NOSE, 2] - 0.5 * (world[..., L.LEFT_EAR, 2] + world[..., L.RIGHT_EAR, 2])
    away = np.nan_to_num(nose, nan=0.0) > DIRECTION.nose_behind_ears_m
    if pixels is None:
        return away
    with np.errstate(invalid="ignore"):
        face_up = pixels[..., L.NOSE, 1] < midpoint(pixels, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)[..., 1]
    return away & face_up


def nearer_side(world: np.ndarray) -> np.ndarray:
    """Per frame, which side of her body ("left" or "right") is nearer the camera: the hip MediaPipe
    places nearer (smaller z). In profile the hips lie 0.17-0.22 m apart in its depth and it agrees with
    the way she faces in the picture on 91-100 % of frames (renders of four bodies, turning clips the lowest).
    "" where a hip is not seen."""
    left_z, right_z = world[..., L.LEFT_HIP, 2], world[..., L.RIGHT_HIP, 2]
    with np.errstate(invalid="ignore"):
        return np.where(left_z < right_z, "left", np.where(right_z < left_z, "right", ""))


VIEWS = ("front", "three_quarter", "side")


def view_of(yaw: np.ndarray | float, front_below: float = DIRECTION.view_front_below,
            side_above: float = DIRECTION.view_side_above) -> str:
    """Camera view from the body's yaw (a clip's median, or one frame's)."""
    finite = np.asarray(yaw, dtype=float)[np.isfinite(yaw)]
    y = float(np.median(finite)) if finite.size else float("nan")
    if not np.isfinite(y):
        return "unknown"
    return "front" if y < front_below else "side" if y > side_above else "three_quarter"


def camera_pitch(pixels: np.ndarray, world: np.ndarray) -> float:
    """How far (degrees) the camera looks down on her over a clip (negative: up at her), NaN without a
    moment standing on both feet (both legs hang within 12 deg of vertical in the picture and lean alike
    in MediaPipe's depth).

    MediaPipe's world frame is the camera's: standing, her line from the shoulders to the ankles leans
    away from the camera by the camera's pitch (its depth rescaled as in facing_yaw). docs/ballet-
    criteria.md §0: "the camera may not be level". Dev renders: from 5 deg above her hips -1-11.3
    (median 2.8 front, 8-10 profile), from 25 deg above 12-27 (median 17-21) but for 5 of 270 clips
    (-1 to 11), and NaN for 18 profiles with no such moment.
    """
    if np.ndim(pixels) != 3:
        return float("nan")
    k = DIRECTION.world_depth_scale
    def lean(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
        d = bottom - top
        return np.degrees(np.arctan2(k * d[..., 2], d[..., 1]))

    p, w = pixels, world
    with np.errstate(invalid="ignore"):
        # both legs hang in the picture and lean alike in depth: a leg stretched in front or behind her
        # also hangs seen from the front (and its foot may stand level with the other in the picture)
        standing = ((from_vertical_down(p[:, L.LEFT_HIP], p[:, L.LEFT_ANKLE]) < 12.0)
                    & (from_vertical_down(p[:, L.RIGHT_HIP], p[:, L.RIGHT_ANKLE]) < 12.0)
                    & (np.abs(lean(w[:, L.LEFT_HIP], w[:, L.LEFT_ANKLE]) - lean(w[:, L.RIGHT_HIP], w[:, L.RIGHT_ANKLE]))
                       < 10.0))
        body = lean(midpoint(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), midpoint(w, L.LEFT_ANKLE, L.RIGHT_ANKLE))
    leans = body[standing]
    leans = leans[np.isfinite(leans)]
    return float(np.median(leans)) if leans.size >= 3 else float("nan")


def looks_down(pitch: float, view: str) -> bool:
    """Whether a clip's camera clearly looks down on her (camera_pitch): past what a camera at her hips'
    height reads, from the front and three-quarter (level_from) and in profile, where it reads higher
    (camera_high_above). The report says so, and doesn't judge what that hides (measures.HIGH_CAMERA_VIEWS)."""
    return bool(pitch >= (DIRECTION.camera_high_above if view == "side" else DIRECTION.level_from))


def level_camera(pixels: np.ndarray, world: np.ndarray, pitch: float, yaw: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The clip (T, 33, 2 / 3) as a level camera would have seen it, the camera's pitch (degrees,
    camera_pitch) turned out of both: every point's height becomes y cos(pitch) + depth sin(pitch).
    Not in profile (body_yaw): there the legs move across the picture, which a camera looking down
    changes little (from 25 deg above a leg at 45 reads 47, at 90 reads 90) and MediaPipe's depth of a
    turned-out knee pointing at the camera more (high-camera dev renders levelled in profile too:
    thigh height error 12 -> 14 deg).

    Looking down on her, a leg raised towards the camera looks lower than it is and one raised away
    higher (measures.py's heights assume a level camera). The picture has no depth: each point's comes
    from MediaPipe's world estimate (rescaled as in facing_yaw), in pixels by the clip's own scale of
    picture to world lengths; multiplied by sin(pitch), its noise counts a third at 20 deg.
    """
    if np.ndim(pixels) != 3 or not pitch >= DIRECTION.level_from:
        return pixels, world
    cos, sin = np.cos(np.radians(pitch)), np.sin(np.radians(pitch))
    k = DIRECTION.world_depth_scale
    depth = k * world[..., 2]
    levelled = world.copy()
    levelled[..., 1] = world[..., 1] * cos + depth * sin
    levelled[..., 2] = (depth * cos - world[..., 1] * sin) / k
    # pixels per metre: the body's segments across the picture against the same in MediaPipe's world
    pairs = [(L.LEFT_HIP, L.LEFT_KNEE), (L.RIGHT_HIP, L.RIGHT_KNEE), (L.LEFT_SHOULDER, L.LEFT_HIP),
             (L.RIGHT_SHOULDER, L.RIGHT_HIP), (L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_KNEE, L.RIGHT_ANKLE)]
    seen = sum(distance(pixels[:, a], pixels[:, b]) for a, b in pairs)
    metres = sum(distance(world[:, a, :2], world[:, b, :2]) for a, b in pairs)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = seen / metres
    ratio = ratio[np.isfinite(ratio)]
    if not ratio.size:
        return pixels, world
    scale = float(np.median(ratio))
    hip_y = midpoint(pixels, L.LEFT_HIP, L.RIGHT_HIP)[:, None, 1]
    hip_depth = midpoint(world, L.LEFT_HIP, L.RIGHT_HIP)[:, None, 2] * k
    height = (pixels[..., 1] - hip_y) * cos + (depth - hip_depth) * scale * sin
    out = pixels.copy()
    profile = (np.nan_to_num(yaw, nan=90.0) > DIRECTION.view_side_above)[:, None]
    out[..., 1] = np.where(np.isfinite(height) & ~profile, hip_y + height, pixels[..., 1])
    levelled[profile[:, 0]] = world[profile[:, 0]]
    return out, levelled


def in_three_quarter(yaw: np.ndarray) -> np.ndarray:
    """Per frame: whether the body's yaw lies in the three-quarter band of view_of."""
    return (yaw >= DIRECTION.view_front_below) & (yaw <= DIRECTION.view_side_above)


def square_or_side_on(yaw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: (from the front or back, in profile), by the bands of view_of; unknown yaw is neither."""
    return (np.nan_to_num(yaw, nan=90.0) < DIRECTION.view_front_below,
            np.nan_to_num(yaw, nan=0.0) > DIRECTION.view_side_above)


def facing_x(pixels: np.ndarray, working: str = "right") -> np.ndarray:
    """Which way the dancer faces in the picture: +1 right, -1 left, near 0 towards (or away from) the camera.

    The nose sits ahead of the ears, and the supporting foot's toes ahead of its heel, whatever the
    torso or the working leg do; offsets are in torso lengths, and 0.15 torso lengths of offset (a
    profile) reads as fully sideways. The foot alone decides when the head is out of the picture.
    """
    p = pixels
    si = SIDE_POINTS[OTHER[working]]
    torso = distance(midpoint(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), midpoint(p, L.LEFT_HIP, L.RIGHT_HIP))
    with np.errstate(invalid="ignore", divide="ignore"):
        nose = (p[..., L.NOSE, 0] - midpoint(p, L.LEFT_EAR, L.RIGHT_EAR)[..., 0]) / torso
        toes = (p[..., si["toe"], 0] - p[..., si["heel"], 0]) / torso
    cue = np.where(np.isfinite(nose), nose + 0.5 * np.nan_to_num(toes), 1.5 * toes)
    return np.clip(cue / 0.15, -1.0, 1.0)


def body_yaw(pixels: np.ndarray, world: np.ndarray, away: np.ndarray | None = None) -> np.ndarray:
    """0 = square to the camera (front or back view), 90 = profile, per frame.

    From MediaPipe's world shoulder and hip lines, their depth rescaled (facing_yaw; `away`: facing_away,
    computed here unless given); from the apparent
    shoulder width against the torso length (2D) only where those are unknown. The 2D width depends on
    her build: broad shoulders read square (a male body seen 30 deg off her front read 3-18, at
    three-quarter 28-30), where the rescaled world lines read every dev body within 5 deg.
    """
    p = pixels
    torso = distance(midpoint(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), midpoint(p, L.LEFT_HIP, L.RIGHT_HIP))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = distance(p[..., L.LEFT_SHOULDER, :], p[..., L.RIGHT_SHOULDER, :]) / torso
    flat = np.degrees(np.arccos(np.clip(ratio / DIRECTION.frontal_shoulder_width, 0.0, 1.0)))
    deep = facing_yaw(world, facing_away(world, pixels) if away is None else away)
    return np.where(np.isfinite(deep), deep, flat)


def steady_yaw(yaw: np.ndarray, facing: np.ndarray, frame_s: float = FRAME_S,
               standing: np.ndarray | None = None) -> np.ndarray:
    """A clip's body yaw without frame-to-frame noise: when the dancer doesn't turn (the facing never
    swings from one side to the other), the median of the frames she stands on both straight legs
    (`standing`, standing_still) if they last DIRECTION.yaw_standing_s, else the clip's median; when she
    turns, a running median over DIRECTION.yaw_steady_s each side, frames `frame_s` seconds apart.

    The yaw is read from her shoulder and hip lines, which raised arms, a leaning torso and a raised leg
    also move; a dancer who stays facing one way keeps one yaw, best read while she stands.
    """
    if np.ndim(yaw) == 0 or not np.isfinite(yaw).any():
        return yaw
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if faces_one_way(facing):
            still = yaw[standing] if standing is not None else yaw[:0]
            enough = np.isfinite(still).sum() >= max(frames_within(DIRECTION.yaw_standing_s, frame_s), 2)
            return np.full_like(yaw, np.nanmedian(still if enough else yaw))
        return rolling_percentile(yaw, frames_within(DIRECTION.yaw_steady_s, frame_s), 50)


def standing_still(pixels: np.ndarray, working: str) -> np.ndarray:
    """Per frame of a clip: whether she stands on both legs straight and hanging in the picture (each
    hip->ankle within 10 deg of vertical, knee over 165, and the working leg at least 0.9 of its standing
    length: a leg raised towards the camera is foreshortened, and may hang in the picture)."""
    out = hangs_straight(pixels, working) & hangs_straight(pixels, OTHER[working])
    i = SIDE_POINTS[working]
    length = distance(pixels[..., i["hip"], :], pixels[..., i["ankle"], :])
    if np.ndim(out) == 0 or not np.isfinite(length).any():
        return out
    with np.errstate(invalid="ignore"):
        return out & (length >= 0.9 * np.nanpercentile(length, 95))


def faces_one_way(facing: np.ndarray) -> bool:
    """Whether a clip's dancer keeps facing one way (facing_x never swings from one side to the other)."""
    facing = np.asarray(facing, dtype=float)
    if not np.isfinite(facing).any():
        return True
    return bool(np.nanpercentile(facing, 95) - np.nanpercentile(facing, 5) <= 1.0)


def back_turned(away: np.ndarray) -> bool:
    """Whether her back is turned to the camera over most of a clip (facing_away, per frame)."""
    away = np.asarray(away, dtype=float)
    return bool(np.isfinite(away).any() and np.nanmean(away) > 0.5)


def steady_away(away: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """facing_away over a clip in which she keeps facing one way: its most frequent reading on every frame.
    From behind her at three-quarter MediaPipe's nose comes forward of her ears on a raised leg's frames
    (dev renders 135 deg round: a grand battement à la seconde read "facing the camera" at its top, and
    its leg devant); her back stays turned while she doesn't turn."""
    away = np.asarray(away, dtype=bool)
    if np.ndim(away) == 0 or not faces_one_way(facing):
        return away
    return np.full(away.shape, back_turned(away))


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
    flat, seen, deep = _picture_and_drop(hip, ankle, rest)
    with np.errstate(invalid="ignore", divide="ignore"):
        straight = distance(hip, ankle) / (distance(hip, knee) + distance(knee, ankle))
    end_on = (np.nan_to_num(seen, nan=1.0) < 0.6) & np.isfinite(height_3d)
    deep = np.where(end_on, height_3d, deep)
    bent = (np.nan_to_num(straight, nan=1.0) < 0.95) & ~(np.nan_to_num(knee_3d, nan=0.0) >= 155)
    # 1: trust the picture. A standing leg measures 0.97-1.0 of its standing length (the length is
    # known to a few percent); a 20 deg tendu towards the camera already measures 0.94
    in_plane = np.where(bent & ~end_on, 1.0, np.clip((seen - 0.9) / 0.07, 0.0, 1.0))
    return _blended(flat, deep, in_plane)


def _picture_and_drop(top: np.ndarray, bottom: np.ndarray, standing: float
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a segment top->bottom: (its angle from straight down in the picture, its length against its
    standing length, its angle from arccos(the bottom's drop below the top / the standing length))."""
    with np.errstate(invalid="ignore", divide="ignore"):
        seen = distance(top, bottom) / standing
        drop = np.degrees(np.arccos(np.clip((bottom[..., 1] - top[..., 1]) / standing, -1.0, 1.0)))
    return from_vertical_down(top, bottom), seen, drop


def _blended(flat: np.ndarray, deep: np.ndarray, in_plane: np.ndarray) -> np.ndarray:
    """The picture's angle weighted by `in_plane` (1: all of it) against the depth-proof one, or the
    picture's alone where the depth-proof one is unknown."""
    return np.where(np.isfinite(deep), in_plane * flat + (1 - in_plane) * deep, flat)


def thigh_height(hip: np.ndarray, knee: np.ndarray, standing: float) -> np.ndarray:
    """Height of hip->knee from straight down, foreshortening-proof as leg_height: the picture's angle
    where the thigh shows its standing length, else arccos(the knee's drop below the hip / the thigh's
    standing length). A turned-out attitude's thigh points partly along the line of sight; from the
    front a thigh raised devant read 63 deg where it was at 90 (dev renders)."""
    flat, seen, deep = _picture_and_drop(hip, knee, standing)
    # the picture's angle from 0.94 of its length: the knee jitters more against the shorter thigh (a
    # standing thigh measured 0.92-1.0; arccos near 1 turns 2 % of length into 11 deg); the drop's below 0.8
    in_plane = np.clip((np.nan_to_num(seen, nan=1.0) - 0.8) / 0.14, 0.0, 1.0)
    return _blended(flat, deep, in_plane)


def ankle_nearer(pixels: np.ndarray, side: str, shank_to_thigh: float, knee: np.ndarray,
                 height: np.ndarray) -> np.ndarray:
    """Whether perspective shows a raised straight leg's foot nearer the camera than its knee (+1),
    farther (-1) or can't tell (0): its shank against its thigh in the picture looks longer than while it
    hung, or shorter (DirectionConfig.size_nearer_above). A leg pointing partly at the camera shows both
    foreshortened alike, so only the nearer half grows."""
    i = SIDE_POINTS[side]
    p = pixels
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = (distance(p[..., i["knee"], :], p[..., i["ankle"], :])
                  / distance(p[..., i["hip"], :], p[..., i["knee"], :])) / shank_to_thigh
        straight = np.nan_to_num(knee, nan=0.0) >= DIRECTION.size_straight_knee
        shows = (np.nan_to_num(height, nan=0.0) >= DIRECTION.size_shows_from) & straight
        return np.where(shows & (growth > DIRECTION.size_nearer_above), 1.0,
                        np.where(shows & (growth < DIRECTION.size_farther_below), -1.0, 0.0))


def world_leg_direction(world: np.ndarray, side: str, away: np.ndarray | bool = False) -> np.ndarray:
    """Where MediaPipe's 3D leg points in its own 3D body frame, degrees: 0 devant, 90 out to the working
    side, 180 derrière, negative across the body.

    Leg and body come from the same estimate, so an error in the whole body's turn cancels; its depth
    is the noisiest axis, so this only ever chooses between the picture's two possible legs.
    """
    i = SIDE_POINTS[side]
    right = (world[..., L.RIGHT_HIP, :] - world[..., L.LEFT_HIP, :]
             + world[..., L.RIGHT_SHOULDER, :] - world[..., L.LEFT_SHOULDER, :])
    # its depth reads shallow while she faces the camera, about right with her back turned (facing_yaw)
    k = np.where(away, DIRECTION.world_depth_scale_away, DIRECTION.world_depth_scale)
    across = np.stack([right[..., 0], k * right[..., 2]], axis=-1)  # the floor plane (y points down)
    with np.errstate(invalid="ignore", divide="ignore"):
        across = across / np.linalg.norm(across, axis=-1, keepdims=True)
    ahead = np.stack([-across[..., 1], across[..., 0]], axis=-1)  # her front: the hip line turned by 90 deg
    leg = world[..., i["ankle"], :] - world[..., i["hip"], :]
    leg = np.stack([leg[..., 0], k * leg[..., 2]], axis=-1)
    out = np.sum(leg * across, axis=-1) * (1.0 if side == "right" else -1.0)
    return np.degrees(np.arctan2(out, np.sum(leg * ahead, axis=-1)))


def _apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Absolute difference of two angles in degrees, 0-180."""
    return np.abs((a - b + 180.0) % 360.0 - 180.0)


def leg_components(pixels: np.ndarray, world: np.ndarray, side: str, rest: float, facing: np.ndarray,
                   yaw: np.ndarray, foot_nearer: np.ndarray | float = 0.0,
                   check_3d: np.ndarray | bool = True, away: np.ndarray | bool = False,
                   reach: np.ndarray | float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(forward, outward) of the working hip->ankle in standing leg lengths; NaN where the view can't tell.

    The picture gives the leg's horizontal and vertical offsets; its length says how much of it points
    along the line of sight, but not whether towards the camera or away. The body's facing (body_yaw,
    facing_x) turns the two possible legs into the dancer's own frame; a leg can't point across the
    body, so usually only one is possible. When both are (a raised leg seen from the front: in front of
    her or behind her), a foot near the floor is placed by perspective (a foot in front stands lower in
    the picture than the supporting foot); in a three-quarter view MediaPipe's 3D leg (for the far leg
    only when it reads clearly in front or clearly to the side; where it places neither leg,
    perspective: `foot_nearer`, from ankle_nearer) or a clear depth decides; otherwise the forward
    part is unknown (NaN) and only "out to the side" is reported. With `check_3d`, a near leg's
    picture leg far from its 3D leg is misplaced, and unknown too. `away`: where her back is turned to
    the camera (facing_away). `reach`: the leg's hip-to-ankle length for its knee's bend, in standing leg
    lengths (measures.bent_reach; 1 for a straight leg): only what the picture lacks beyond it is depth.
    """
    i, o = SIDE_POINTS[side], SIDE_POINTS[OTHER[side]]
    p = pixels
    d = (p[..., i["ankle"], :] - p[..., i["hip"], :]) / rest
    x = d[..., 0]
    depth = np.sqrt(np.clip(np.asarray(reach) ** 2 - x ** 2 - d[..., 1] ** 2, 0.0, None))
    # in a side view the hips overlap in the picture: take it as a true profile (forward = horizontal)
    theta = np.radians(np.where(yaw > DIRECTION.view_side_above, 90.0, np.nan_to_num(yaw, nan=0.0)))
    s = np.where(np.nan_to_num(facing) < 0, -1.0, 1.0)
    o_s = np.where(p[..., i["hip"], 0] < p[..., o["hip"], 0], -1.0, 1.0)
    # her back to the camera (facing_away): her front points away from it and her sides turn the other way
    # in depth, so the ankle nearer the camera is the one behind her
    away = np.asarray(away, dtype=bool)
    back = np.where(away, -1.0, 1.0)
    fx, fz = s * np.sin(theta), back * np.cos(theta)
    ox, oz = o_s * np.cos(theta), -back * o_s * s * np.sin(theta)
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
        # Her back to the camera, all of it mirrored (at rest -0.01..-0.04, a tendu devant -0.25, a tendu
        # derrière +0.17)
        nearer = np.where(away, floor > 0.08, floor > 0.15)
        farther = np.where(away, floor < -0.15, floor < -0.08)
        level = low_foot & ~nearer & ~farther  # on the floor beside her: neither in front nor behind
        dz = world[..., i["ankle"], 2] - world[..., i["hip"], 2]
        deep_nearer = dz < 0  # MediaPipe: -z is nearer
    # MediaPipe's depth decides only in a three-quarter view, and only when it is clear (the ankle a
    # good 30 cm nearer or farther than the hip): on the dev renders that added 7 right names and no wrong one,
    # where any depth difference added 17 right and 4 wrong
    # ... and in a front view within the yaw's uncertainty of that band (read 19-20 at 30 deg off her front)
    three_quarter = in_three_quarter(yaw) | (np.abs(yaw - DIRECTION.view_front_below) <= DIRECTION.yaw_uncertainty)
    # there, MediaPipe's own 3D leg picks the nearer of the two, when it is clearly nearer to one
    world_dir = world_leg_direction(world, side, away)
    c1, c2 = np.degrees(np.arctan2(b1, a1)), np.degrees(np.arctan2(b2, a2))  # the two legs' directions
    to1, to2 = _apart(world_dir, c1), _apart(world_dir, c2)
    # ... for the leg nearer the camera; the far leg's devant and à la seconde read much alike in 3D too
    # her near hip lies opposite the way she faces in the picture (on the same side with her back turned)
    near_leg = (o_s != s) != away
    # ... but not with her back turned: 135 deg round from her front its 3D leg read a raised leg à la seconde
    # coming towards the camera as devant, going away from it (dev renders)
    world_says = three_quarter & near_leg & ~away & (np.abs(np.nan_to_num(to1 - to2)) > DIRECTION.world_pick_margin)
    # the far leg's devant reads -13..81 in 3D, its à la seconde 53..102 (dev renders, depth rescaled):
    # only the ends of those ranges decide, the middle stays unknown
    with np.errstate(invalid="ignore"):
        far_devant = np.abs(world_dir) < DIRECTION.far_devant_below  # a leg behind her reads beyond 135
        far_seconde = (world_dir > DIRECTION.far_seconde_above) & (world_dir < CATEGORY_BOUNDS[1])
    far_says = three_quarter & ~near_leg & ~away & (far_devant | far_seconde)
    # (a direction is negative across the body: devant is the nearer to 0 either way)
    far_pick = np.where(far_devant, np.abs(c1) < np.abs(c2), np.abs(c1 - 90.0) < np.abs(c2 - 90.0))
    # where the 3D leg places neither leg, perspective may: the foot looking nearer than its knee is the
    # picture's leg whose ankle is nearer the camera (ankle_nearer)
    sized = three_quarter & ~world_says & ~far_says & (np.asarray(foot_nearer) != 0)
    far_says, far_pick = far_says | sized, np.where(sized, np.asarray(foot_nearer) > 0, far_pick)
    clear_depth = three_quarter & (np.abs(np.nan_to_num(dz)) > DIRECTION.depth_clear_m)
    deep_nearer = np.where(world_says, to1 < to2, np.where(far_says, far_pick, deep_nearer))
    world_says = world_says | far_says
    decided_in_depth = world_says | clear_depth
    pick_near = np.where(low_foot & nearer, True, np.where(low_foot & farther, False, deep_nearer))
    known = (ok1 != ok2) | agree | (low_foot & (nearer | farther)) | decided_in_depth | level
    first = np.where(ok1 != ok2, ok1, np.where(agree, True, pick_near))
    middle = (agree & ok1 & ok2) | level
    forward = np.where(middle, (a1 + a2) / 2, np.where(first, a1, a2))
    outward = np.where(middle, (b1 + b2) / 2, np.where(first, b1, b2))
    # the near leg's 3D direction reads within ~25 deg of the true one: a picture leg far from it is
    # misplaced (a leg devant seen 30 deg off her front: 3D -10, the picture's legs 64 and -175)
    chosen = np.degrees(np.arctan2(outward, forward))
    misplaced = (three_quarter & near_leg & check_3d
                 & (_apart(world_dir, chosen) > DIRECTION.world_agree_within))
    known = known & ~misplaced
    forward, outward = np.where(known, forward, np.nan), np.where(known, outward, np.minimum(b1, b2))
    # profile: the hips overlap, so which side is "out" can't be signed; forward is the horizontal
    profile = yaw > DIRECTION.view_side_above
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


def _category(direction: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(direction), -1, np.digitize(direction, CATEGORY_BOUNDS))

def leg_direction(pixels: np.ndarray, world: np.ndarray, side: str, rest: float, facing: np.ndarray,
                  yaw: np.ndarray, height: np.ndarray, foot_nearer: np.ndarray | float = 0.0,
                  away: np.ndarray | bool = False, frame_s: float = FRAME_S, reach: np.ndarray | float = 1.0
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(forward, outward, direction) of the working leg, said only where the view is sure.

    The body's yaw is an estimate: the leg is solved again with the yaw 15 deg either way, and where
    devant / à la seconde / derrière changes with it, the direction is unknown (NaN), not a guess. A
    profile is solved as a true profile, and also as three-quarter when its yaw lies within those 15
    deg of the three-quarter band: seen from 70 deg a leg à la seconde reads 20 deg forward or back as
    a profile, and MediaPipe's foreshortened leg behind it (dev renders: 149 deg, "derrière").
    """
    profile = yaw > DIRECTION.view_side_above
    # a profile read within the yaw's uncertainty of the three-quarter band is tried as three-quarter too
    near_band = profile & (yaw - DIRECTION.yaw_uncertainty <= DIRECTION.view_side_above)
    runs = []
    facing_known = np.abs(np.nan_to_num(facing)) >= 0.3
    for offset in (0.0, -DIRECTION.yaw_uncertainty, DIRECTION.yaw_uncertainty):
        # turning further only makes sense towards a known facing
        profile_as_three_quarter = near_band & (offset < 0)
        tried = np.where((profile & ~profile_as_three_quarter) | ((offset > 0) & ~facing_known), yaw,
                         np.clip(yaw + offset, 0.0, DIRECTION.view_side_above))
        # (a profile tried as three-quarter is the picture's own reading: no 3D check, see leg_components)
        forward, outward = leg_components(pixels, world, side, rest, facing, tried, foot_nearer,
                                          check_3d=~profile_as_three_quarter, away=away, reach=reach)
        runs.append((forward, outward, leg_direction_2d(forward, outward, height)))
    # a variant that can't tell (NaN) doesn't contradict; one that says otherwise does
    categories = [_category(d) for _, _, d in runs]
    sure = (categories[0] >= 0) & np.all([(c == categories[0]) | (c < 0) for c in categories[1:]], axis=0)
    forward, outward, direction = runs[0]
    forward, direction = np.where(sure, forward, np.nan), np.where(sure, direction, np.nan)
    held = held_through(direction, height, frame_s)
    return _bridged(forward, np.isnan(direction) & np.isfinite(held)), outward, held


def held_through(direction: np.ndarray, height: np.ndarray, frame_s: float = FRAME_S) -> np.ndarray:
    """A clip's leg direction with short unknown gaps filled where the leg stays raised and the frames
    either side say the same (devant, à la seconde or derrière): a leg held out doesn't swap between the
    picture's two possible legs for a few frames; only the estimate of the yaw or MediaPipe's depth
    wavers. Interpolated between the two sides; longer gaps, or sides that disagree, stay unknown."""
    if np.ndim(direction) != 1:
        return direction
    gaps = np.zeros(len(direction), bool)
    longest = frames_within(DIRECTION.held_gap_s, frame_s)
    raised = np.nan_to_num(height, nan=0.0) >= 10
    for start, stop in true_runs(np.isnan(direction)):
        if start == 0 or stop == len(direction) or stop - start > longest:
            continue
        if raised[start - 1:stop + 1].all() and _category(direction[start - 1]) == _category(direction[stop]):
            gaps[start:stop] = True
    return _bridged(direction, gaps)


def _bridged(values: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """`values` with the frames in `gaps` interpolated between the finite values around them (none known:
    unchanged; a leg's forward part is unknown wherever its direction is only "out to the side")."""
    known = np.flatnonzero(np.isfinite(values)) if np.ndim(values) == 1 else np.array([], int)
    if not gaps.any() or not known.size:
        return values
    out = values.copy()
    out[gaps] = np.interp(np.flatnonzero(gaps), known, values[known])
    return out
