"""Where people are in a picture: the box round a pose, square tiles to search for a small one, and
everyone in a frame found one at a time, each blacked out before looking again (MediaPipe's pose model
sees one person a frame). Used by the dancer finder (who else is in the picture) and the class's roll
call (everyone in it)."""

from __future__ import annotations

import math

import numpy as np

from technique.capture.pose import Pose, PoseEstimator
from technique.landmarks import LEFT_ANKLE, LEFT_HIP, LEFT_SHOULDER, NOSE, RIGHT_ANKLE, RIGHT_HIP, RIGHT_SHOULDER

TORSO = (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP)
SEEN = 0.5  # MediaPipe visibility above which a landmark counts as seen
Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels
# degrees: a body whose head points further than this from straight up for most of a clip is not upright
# (an arabesque leans 20°; a penché is a moment, not most of a clip)
UPRIGHT_WITHIN = 35.0


def body_box(pose: Pose) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) in pixels around all the landmarks, or None if none has a place.

    All, not only the well-seen ones: MediaPipe places hidden joints where the body must be, and a
    box of the seen ones alone (a head and shoulders) makes a crop too small for the whole body.
    """
    return pixels_box(pose.pixels)


def pixels_box(pixels: np.ndarray) -> tuple[float, float, float, float] | None:
    """body_box of (33, 2) landmark pixels, NaN where unplaced."""
    placed = pixels[np.isfinite(pixels).all(axis=1)]
    if not len(placed):
        return None
    return float(placed[:, 0].min()), float(placed[:, 1].min()), float(placed[:, 0].max()), float(placed[:, 1].max())


def torso_seen(pose: Pose | None) -> bool:
    return pose is not None and bool((pose.visibility[list(TORSO)] > SEEN).all())


def head_direction(pose: Pose) -> float:
    """Where the head points, in degrees clockwise from straight up in the picture (hips to shoulders).

    0 upright, 90 head to the right, 180 upside down, -90 head to the left; NaN if the torso is not seen.
    """
    return float(head_directions(pose.pixels)) if torso_seen(pose) else math.nan


def head_directions(pixels: np.ndarray) -> np.ndarray:
    """head_direction of one frame's (33, 2) pixels or a clip's (T, 33, 2); NaN where a torso point is."""
    up = ((pixels[..., LEFT_SHOULDER, :] + pixels[..., RIGHT_SHOULDER, :]) / 2
          - (pixels[..., LEFT_HIP, :] + pixels[..., RIGHT_HIP, :]) / 2)
    return np.degrees(np.arctan2(up[..., 0], -up[..., 1]))


def standing(pose: Pose) -> bool:
    """Whether a pose found in a picture is a person on her feet: head up (within UPRIGHT_WITHIN), the nose
    above the shoulders, the shoulders above the hips and the hips above the lower ankle. MediaPipe also
    finds "people" in a stone, a cloth or a signpost when a tile of a real street is searched (OpenCV's
    vtest.avi: 5 such of 18 found in 4 frames of its first 2 s, none standing; the 13 walkers all are);
    a dancer at the barre or in the centre stands, in a plié or with a leg raised as well."""
    p = pose.pixels
    shoulders, hips = (p[LEFT_SHOULDER, 1] + p[RIGHT_SHOULDER, 1]) / 2, (p[LEFT_HIP, 1] + p[RIGHT_HIP, 1]) / 2
    lower_ankle = max(p[LEFT_ANKLE, 1], p[RIGHT_ANKLE, 1])
    return bool(abs(head_direction(pose)) <= UPRIGHT_WITHIN and p[NOSE, 1] < shoulders < hips < lower_ankle)


def square_tiles(width: int, height: int, sides: tuple[float, ...]) -> list[tuple[int, int, int]]:
    """(x, y, side) squares covering the frame at each size, half-overlapping, middle ones first."""
    out = []
    for share in sides:
        side = max(32, int(min(width, height) * share))
        step = max(1, side // 2)
        xs = sorted({*range(0, width - side + 1, step), width - side})
        ys = sorted({*range(0, height - side + 1, step), height - side})
        tiles = [(x, y, side) for y in ys for x in xs]
        tiles.sort(key=lambda t: abs(t[0] + side / 2 - width / 2) + abs(t[1] + side / 2 - height / 2))
        out += tiles
    return out


def centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def widened(box: Box, by: float, width: int, height: int) -> tuple[int, int, int, int]:
    """The box grown by `by` of its larger side on every side, in whole pixels inside the frame."""
    pad = by * max(box[2] - box[0], box[3] - box[1])
    return (max(int(box[0] - pad), 0), max(int(box[1] - pad), 0),
            min(int(math.ceil(box[2] + pad)), width), min(int(math.ceil(box[3] + pad)), height))


def silhouette(shape: tuple[int, int], pixels: np.ndarray, by: float) -> np.ndarray:
    """Where a person is in a frame of `shape` (height, width): the convex hull of her placed landmarks grown
    by `by` of her height on every side (her landmarks lie inside her body; the top of her head, her fingers
    and her toes reach a little past them). Tighter than her box: a dancer just behind her, in the gap under
    her raised arm or beside her leg, stays in sight."""
    import cv2

    mask = np.zeros(shape, np.uint8)
    placed = pixels[np.isfinite(pixels).all(axis=1)]
    if len(placed) >= 3:
        hull = cv2.convexHull(np.round(placed).astype(np.int32))
        grow = max(1, round(by * float(np.ptp(placed[:, 1]))))
        cv2.fillConvexPoly(mask, hull, 1)
        cv2.polylines(mask, [hull], True, 1, thickness=2 * grow + 1)
    return mask.astype(bool)


def blacked_out(image: np.ndarray, people: list[np.ndarray], by: float,
                boxes: tuple[tuple[int, int, int, int], ...] = ()) -> np.ndarray:
    """A copy of the frame with each person (her (33, 2) landmark pixels) blacked out (silhouette, grown by
    `by`) and each of `boxes` (whole pixels)."""
    shape = image.shape[:2]
    hidden = np.zeros(shape, bool)
    for pixels in people:
        hidden |= silhouette(shape, pixels, by)
    for left, top, right, bottom in boxes:
        hidden[top:bottom, left:right] = True
    out = image.copy()
    out[hidden] = 0
    return out


def _inside(point, box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def in_tiles(image: np.ndarray, estimator: PoseEstimator, sides: tuple[float, ...]) -> Pose | None:
    """The first person with a seen torso found in a square tile of the frame (a photo-mode estimator),
    in the whole frame's pixels; all-black tiles are skipped."""
    height, width = image.shape[:2]
    for x, y, side in square_tiles(width, height, sides):
        tile = image[y:y + side, x:x + side]
        if tile.any():
            found = estimator.process(tile)
            if torso_seen(found):
                return found.placed_in((x, y), (width, height))
    return None


def people_in(image: np.ndarray, estimator: PoseEstimator, known: tuple[np.ndarray, ...] = (), most: int = 4,
              cover: float = 0.1, tiles: tuple[float, ...] = ()) -> list[np.ndarray]:
    """The people in one frame, as (33, 2) landmark pixels, `known` ones first: black out everyone found
    (silhouette, grown by `cover`) and look again (the whole frame, then `tiles` for someone small) until
    nobody more is found or `most` are; only people standing count (`standing`, and mostly in the picture:
    `in_sight`), the rest are blacked out too; a person found again (what her outline left in sight) is
    blacked out to her widened box. Each look detects afresh, so a tracking estimator may be used once its
    stream is over."""
    height, width = image.shape[:2]
    people, hidden, boxes = list(known), list(known), []
    for _ in range(2 * most):
        if len(people) >= most:
            break
        masked = blacked_out(image, hidden, cover, boxes=tuple(boxes)) if hidden else image
        pose = estimator.detect_afresh(masked)
        if not torso_seen(pose) and tiles:
            pose = in_tiles(masked, estimator, tiles)
        box = body_box(pose) if torso_seen(pose) else None
        if box is None:
            break
        around = [(pixels_box(p), widened(pixels_box(p), cover, width, height)) for p in hidden]
        again = [wide for own, wide in around if same_person(box, own, wide)]
        if again:  # found again, what her outline left in sight (a small person's is a few pixels round her)
            boxes += again  # her whole box, then
        else:
            hidden.append(pose.pixels)
            if standing(pose) and in_sight(box, height):
                people.append(pose.pixels)
    return people


def in_sight(box: Box, height: int, share: float = 0.75) -> bool:
    """Whether most of a person found stands in the picture (her feet cut off by its edge at most): a pose
    laid over a dancer's bent knees with legs reaching far below the frame (a grand plié's, in a class) is
    nobody."""
    inside = min(box[3], height) - max(box[1], 0.0)
    return box[3] > box[1] and inside >= share * (box[3] - box[1])


def same_person(box: Box, found: Box, around: tuple[int, int, int, int], share: float = 0.6) -> bool:
    """Whether a box found after a person (`found`, her box; `around`, it widened) was blacked out is still
    her: its centre inside her box, or the smaller of the two boxes mostly (`share`) inside the other (what
    her outline left in sight, a hand; or her body read again with something beside her). A dancer half
    hidden behind her, in the next line of a class, is neither."""
    if _inside(centre(box), found):
        return True
    across = max(0.0, min(box[2], around[2]) - max(box[0], around[0]))
    down = max(0.0, min(box[3], around[3]) - max(box[1], around[1]))
    smaller = min((box[2] - box[0]) * (box[3] - box[1]), (found[2] - found[0]) * (found[3] - found[1]))
    return smaller > 0 and across * down >= share * smaller
