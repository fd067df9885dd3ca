"""Finding the dancer in awkward pictures: turned on its side or upside down, small, or not alone.

``DancerFinder`` stands where a ``PoseEstimator`` stood in the reading loop. In the usual case (one
dancer, upright, a good size) it is that estimator on the full frame, at the same cost. Extra work
happens only when it is needed:

- nobody found: square tiles of the frame are searched (a dancer a fifth of the frame high is too
  small for the detector on the full frame, not on a crop), then the dancer is tracked in a crop
  that follows her; her landmarks are returned in the whole frame's pixels;
- the first seconds show her lying across the picture or upside down: ``turn`` says how far the
  clip must be turned (counter-clockwise) to show her upright, so that the clip can be read again;
- a few frames are looked at again with the dancer blacked out: another person found there means
  the clip shows more than one person, and the warning says which one was judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from technique.capture.people import (UPRIGHT_WITHIN, Box, body_box, centre, head_direction, people_in,
                                      pixels_box, square_tiles, torso_seen)
from technique.capture.pose import Pose, PoseConfig, PoseEstimator
from technique.wording import say


@dataclass(frozen=True)
class FindingConfig:
    """When and how hard to look for the dancer.

    small_body: a body less tall than this share of the frame height is followed in a crop...
    large_body: ...until it grows taller than this share (apart, so that a leg stretched out and
        drawn in again does not switch between the crop and the full frame at every movement).
    tile_sides: sides of the square search tiles, as shares of the frame's shorter side.
    search_gap_s: after a search that found nobody, wait this long (doubling up to max) before the next.
    search_after_s: a dancer seen at full size is searched for in tiles only once lost this long (a
        frame lost in a fast turn is no small dancer, and a normal clip must not pay for searches).
    crop_scale, min_crop: a crop's side is this many times the body's extent, and at least min_crop of
        the frame's shorter side (the detector needs some room around a body).
    crop_pixels: a smaller crop is enlarged to this side (bicubic) before the model sees it. Sharper
        than MediaPipe's own bilinear enlargement: on a frontal fouetté a sixth of the frame high the
        legs were told apart (scored 91 and 84 against 77 and "not recognised").
    watch_s, watch_frames: the dancer's orientation in the first seconds (or first frames with her
        torso seen) decides whether the clip is read again turned.
    turn_share: a quarter turn is certain when this share of the watched frames agree within turn_tolerance.
    people_samples: how many frames (spread over the clip) are searched again for other people.
    """

    small_body: float = 0.3
    large_body: float = 0.45
    tile_sides: tuple[float, ...] = (1.0, 0.5)
    search_gap_s: float = 0.3
    max_search_gap_s: float = 2.0
    search_after_s: float = 1.0
    crop_scale: float = 2.0
    min_crop: float = 0.3
    crop_pixels: int = 256
    watch_s: float = 2.0
    watch_frames: int = 30
    turn_share: float = 0.8
    turn_tolerance: float = 30.0
    people_samples: int = 3


def mostly_upright(directions) -> bool:
    """Whether most of the known head directions lie within UPRIGHT_WITHIN of straight up (yes when none
    is known)."""
    angles = np.asarray(directions, dtype=float)
    angles = angles[np.isfinite(angles)]
    return angles.size == 0 or bool(np.median(np.abs((angles + 180) % 360 - 180)) <= UPRIGHT_WITHIN)


def turn_needed(directions: list[float], share: float = 0.8, tolerance: float = 30.0) -> int | None:
    """Degrees counter-clockwise that show the dancer upright: 0, 90, 180 or 270; None when unsure.

    A quarter turn is certain when at least `share` of the head directions lie within `tolerance`
    of it. Upright is assumed unless most directions are more than 35° from upright (an arabesque
    leans 20°; a penché is a moment, not most of a clip); then, without a certain turn, None.
    """
    angles = np.asarray([d for d in directions if math.isfinite(d)])
    if angles.size == 0:
        return 0
    for turn in (0, 90, 180, 270):
        off = np.abs((angles - turn + 180) % 360 - 180)
        if (off <= tolerance).mean() >= share:
            return turn
    return 0 if mostly_upright(angles) else None


def crop_around(box: tuple[float, float, float, float], width: int, height: int,
                scale: float, min_side: int = 64) -> tuple[int, int, int]:
    """A square (x, y, side) centred on a body box, `scale` times its extent (at least `min_side`),
    kept inside the frame."""
    left, top, right, bottom = box
    side = int(min(max(scale * max(right - left, bottom - top), min_side), min(width, height)))
    x = int(min(max((left + right) / 2 - side / 2, 0), width - side))
    y = int(min(max((top + bottom) / 2 - side / 2, 0), height - side))
    return x, y, side


def enlarged(crop: np.ndarray, pixels: int) -> tuple[np.ndarray, float]:
    """A square crop enlarged (bicubic) to `pixels` a side if smaller, and the factor that maps its
    pixels back to the crop's."""
    import cv2

    side = crop.shape[0]
    if side >= pixels:
        return crop, 1.0
    return cv2.resize(crop, (pixels, pixels), interpolation=cv2.INTER_CUBIC), side / pixels


def near(box: Box | None, place: Box) -> bool:
    """Whether a body found (its box) is where a dancer was: its centre within half her height across and her
    height up or down (a class's next dancer stands 0.8-1 of a height away; a jump rises less than one)."""
    if box is None:
        return False
    tall = place[3] - place[1]
    return (abs((box[0] + box[2]) / 2 - (place[0] + place[2]) / 2) <= tall / 2
            and abs((box[1] + box[3]) / 2 - (place[1] + place[3]) / 2) <= tall)


def still_framed(box: tuple[float, float, float, float], crop: tuple[int, int, int], min_side: int = 64,
                 frame: tuple[int, int] | None = None) -> bool:
    """True while a body stays well inside its crop at a sensible size (so the crop need not move).

    Too small means under 0.3 of the crop, unless the crop is already as small as crops get. Given the
    `frame`'s (width, height), a crop that can't move or grow further (at the frame's edge, as high as the
    frame) is as good as any: a class's dancer is followed in a crop whatever her size."""
    x, y, side = crop
    left, top, right, bottom = box
    margin = 0.08 * side
    width, height = frame or (math.inf, math.inf)
    inside = ((left > x + margin or x <= 0) and (top > y + margin or y <= 0)
              and (right < x + side - margin or x + side >= width)
              and (bottom < y + side - margin or y + side >= height))
    extent = max(right - left, bottom - top) / side
    return inside and (extent <= 0.7 or side >= min(width, height)) and (extent >= 0.3 or side <= min_side)


@dataclass
class PeopleSeen:
    """What one frame showed: the judged dancer's box and the boxes of other people found."""

    judged: tuple[float, float, float, float]
    others: list[tuple[float, float, float, float]] = field(default_factory=list)


def _height(box) -> float:
    return box[3] - box[1]


def which_one(seen: PeopleSeen) -> str:
    """Where the judged dancer stands among the people, as a teacher would say it."""
    xs = sorted(centre(b)[0] for b in [seen.judged, *seen.others])
    rank = xs.index(centre(seen.judged)[0])
    where = say("on_the_left" if rank == 0 else "on_the_right" if rank == len(xs) - 1 else "in_the_centre")
    tallest = max(_height(b) for b in seen.others)
    shortest = min(_height(b) for b in seen.others)
    two = len(seen.others) == 1
    if _height(seen.judged) > 1.15 * tallest:
        where += say("the_larger" if two else "the_largest")
    elif _height(seen.judged) < shortest / 1.15:
        where += say("the_smaller" if two else "the_smallest")
    return where


def people_warning(samples: list[PeopleSeen]) -> str | None:
    """"2 people in the picture; judged the one on the left" when most looked-at frames show others."""
    crowded = [s for s in samples if s.others]
    if not samples or len(crowded) * 2 < len(samples):
        return None
    count = 1 + max(len(s.others) for s in crowded)
    places = {which_one(s) for s in crowded}
    if len(places) == 1:
        judged = say("judged_the_one", place=places.pop())
    else:
        judged = say("judged_not_the_same", places=", then ".join(which_one(s) for s in crowded))
    return say("people_in_picture", count=count, judged=judged,
               mirror=say("reflection_one" if count == 2 else "reflection_many"))


class DancerFinder:
    """Poses of the dancer in one stream of frames, however she is framed. One per stream, like the
    estimators inside it; use as a context manager, or call ``close()``.

    ``turn`` is the quarter turn that shows her upright, decided from the first seconds (None if
    unsure, 0 upright): the reader reads the clip again turned. After the stream, call
    ``look_for_others()``; then ``warnings()`` says what a teacher should know about the framing.
    """

    def __init__(self, pose: PoseConfig = PoseConfig(), config: FindingConfig = FindingConfig(),
                 frame_count: int = 0, skip_before: int = 0, place: Box | None = None):
        self.config = config
        # a class's dancer (roll_call): always followed in a crop, from her place in the roll call on (the
        # detector letterboxes a wide class picture to a square, where one dancer of several is too small),
        # by one pose graph (each costs about 120 MB, and a class has a dancer for each)
        self._place, self._always_follow = place, place is not None
        self._pose_config = pose
        self._full = PoseEstimator(pose)
        # made when a small dancer is first found; a class's dancer's crop has the one graph
        self._crop_estimator: PoseEstimator | None = self._full if self._always_follow else None
        self._static: PoseEstimator | None = None  # photo mode, made for the first tile search
        self._crop: tuple[int, int, int] | None = None
        self._new_crop = False  # the crop moved: detect afresh in it (tracked place and smoothing are stale)
        self.crops = 0  # how many crops were placed (diagnostics)
        self._next_search = 0.0  # time from which a tile search may run
        self._search_gap = config.search_gap_s
        self._directions: list[float] = []
        self.turn: int | None = 0
        self.watching = True
        self.small_frames = 0  # frames where she was found only in a crop
        self.small_heights: list[float] = []  # her extent then, as a share of the frame height
        n = config.people_samples
        # frames looked at again for other people (those before skip_before are another finder's)
        self._people_at = ({int(frame_count * (i + 1) / (n + 1)) for i in range(n)} - set(range(skip_before))
                           if frame_count > n else set())
        self._looked_at: list[tuple[np.ndarray, Pose]] = []  # frames kept for look_for_others()
        self.people: list[PeopleSeen] = []

    def process(self, image: np.ndarray, index: int, time_s: float) -> Pose | None:
        """The dancer's pose in this BGR frame (whole-frame pixels), or None."""
        pose = self._find(image, time_s)
        if pose is not None:
            self._directions.append(head_direction(pose))
        if self.watching:
            self._watch(time_s)
        if index in self._people_at and pose is not None:
            self._looked_at.append((image, pose))
        return pose

    def _find(self, image: np.ndarray, time_s: float) -> Pose | None:
        """The full frame while it finds her at a good size; else her crop, or a tile search."""
        if self._always_follow:
            return self._follow(image)
        if self._crop is not None:
            pose = self._in_crop(image)
            if pose is not None:
                return pose
            self._crop = None
        pose = self._full.process(image)
        if pose is not None:
            if not self._maybe_follow(pose, image):
                self._next_search = max(self._next_search, time_s + self.config.search_after_s)
            return pose
        if time_s < self._next_search:
            return None
        pose = self._search(image)
        if pose is None:
            self._next_search = time_s + self._search_gap
            self._search_gap = min(2 * self._search_gap, self.config.max_search_gap_s)
        else:
            self._search_gap = self.config.search_gap_s
            self._note_small(pose, image)
            self._maybe_follow(pose, image)
        return pose

    def _follow(self, image: np.ndarray) -> Pose | None:
        """A class's dancer: always in a crop round her, by one pose graph; where the crop doesn't show her
        (cut by the picture's edge, which the crop can't pass), her picture whole (her classmates are blacked
        out in it), then a crop round where she was, afresh, from the next frame."""
        if self._crop is None:
            height, width = image.shape[:2]
            self._crop = crop_around(self._place, width, height, self.config.crop_scale, self._min_crop(image))
            self._new_crop = True
        pose = self._in_crop(image)
        if pose is None or not near(body_box(pose), self._place):
            self._crop = None
            pose = self._full.detect_afresh(image)
            if pose is not None and not near(body_box(pose), self._place):
                pose = None  # someone else, where a classmate's outline left her in sight: not her
        if pose is not None:
            self._place = body_box(pose) or self._place
        return pose

    def _maybe_follow(self, pose: Pose, image: np.ndarray, below: float | None = None) -> bool:
        """Follow a body smaller than `below` (default small_body) of the frame height in a crop from
        the next frame on; a larger body needs nothing. True when it is followed."""
        box = body_box(pose)
        height, width = image.shape[:2]
        below = math.inf if self._always_follow else self.config.small_body if below is None else below
        if box is not None and max(box[2] - box[0], box[3] - box[1]) < below * height:
            self._crop = crop_around(box, width, height, self.config.crop_scale, self._min_crop(image))
            self._new_crop = True
            self.crops += 1
            return True
        return False

    def _in_crop(self, image: np.ndarray) -> Pose | None:
        """Track in the crop; move the crop (or drop it for a grown body) when she leaves its middle."""
        x, y, side = self._crop
        if self._crop_estimator is None:
            self._crop_estimator = PoseEstimator(self._pose_config)
        crop, shrink = enlarged(image[y:y + side, x:x + side], self.config.crop_pixels)
        found = self._crop_estimator.detect_afresh(crop) if self._new_crop else self._crop_estimator.process(crop)
        self._new_crop = False
        if found is None:
            return None
        height, width = image.shape[:2]
        pose = found.placed_in((x, y), (width, height), shrink)
        box = body_box(pose)
        if box is None:
            return pose
        self._note_small(pose, image)
        frame = (width, height) if self._always_follow else None
        if not still_framed(box, self._crop, self._min_crop(image), frame):
            self._crop = None
            self._maybe_follow(pose, image, below=self.config.large_body)
        return pose

    def _min_crop(self, image: np.ndarray) -> int:
        return int(self.config.min_crop * min(image.shape[:2]))

    def _note_small(self, pose: Pose, image: np.ndarray) -> None:
        box = body_box(pose)
        share = max(box[2] - box[0], box[3] - box[1]) / image.shape[0] if box is not None else math.nan
        if self._always_follow and not share < self.config.small_body:
            return  # a class's dancer is always followed closer: small only if she is
        self.small_frames += 1
        if box is not None:
            self.small_heights.append(share)

    def _static_estimator(self) -> PoseEstimator:
        if self._static is None:
            self._static = PoseEstimator(replace(self._pose_config, static_images=True))
        return self._static

    def _search(self, image: np.ndarray) -> Pose | None:
        """The first square tile (large ones first) in which a body with a seen torso is found."""
        height, width = image.shape[:2]
        estimator = self._static_estimator()
        for x, y, side in square_tiles(width, height, self.config.tile_sides):
            found = estimator.process(image[y:y + side, x:x + side])
            if torso_seen(found):
                return found.placed_in((x, y), (width, height))
        return None

    def upright(self) -> bool:
        """True unless the dancer was turned or tilted in most of the frames seen so far."""
        return turn_needed(self._directions, self.config.turn_share, self.config.turn_tolerance) == 0

    def _watch(self, time_s: float) -> None:
        """Decide the turn once, from the head directions of the first seconds."""
        seen = sum(math.isfinite(d) for d in self._directions)
        if seen >= self.config.watch_frames or (time_s >= self.config.watch_s and seen >= 5):
            self.turn = turn_needed(self._directions, self.config.turn_share, self.config.turn_tolerance)
            self.watching = False

    def look_for_others(self) -> None:
        """After the stream: look again at a few frames for people other than the dancer.

        Done at the end with the full-frame estimator (its tracking is over), not with a second
        estimator during the stream, because starting another graph costs more than the looks.
        """
        for image, pose in self._looked_at:
            self._look_for_others(image, pose)
        self._looked_at.clear()

    def _look_for_others(self, image: np.ndarray, pose: Pose) -> None:
        """Black out the dancer (and each person found) and look again, up to three more people."""
        box = body_box(pose)
        if box is not None:
            # a dancer the whole frame's detector missed (found in tiles, followed in a crop): the others,
            # as small to it, are looked for in tiles too
            tiles = self.config.tile_sides if self.small_frames else ()
            estimator = self._static_estimator() if tiles else self._full
            found = people_in(image, estimator, known=(pose.pixels,), most=4, tiles=tiles)
            self.people.append(PeopleSeen(box, [pixels_box(p) for p in found[1:]]))

    def absorb(self, later: "DancerFinder") -> None:
        """Take in what another finder saw in a later part of the same clip (read at the same time
        on another core), so that warnings speak for the whole clip. Call after both have looked
        for others."""
        self._directions.extend(later._directions)
        self.small_frames += later.small_frames
        self.small_heights.extend(later.small_heights)
        self.people.extend(later.people)
        self.crops += later.crops

    def warnings(self, turned: int = 0) -> list[str]:
        """What a teacher should know about how the dancer was framed."""
        out = []
        if turned in (90, 270):
            out.append(say("turned_on_side"))
        elif turned == 180:
            out.append(say("upside_down"))
        if not self.upright():
            out.append(say("not_upright"))
        share = float(np.median(self.small_heights)) if self.small_heights else 0.0
        if self.small_frames and share < self.config.large_body:  # not a tall dancer in a wide picture
            out.append(say("small_dancer", share=share))
        crowd = people_warning(self.people)
        if crowd:
            out.append(crowd)
        return out

    def close(self) -> None:
        for estimator in {id(e): e for e in (self._full, self._crop_estimator, self._static) if e is not None}.values():
            estimator.close()

    def __enter__(self) -> "DancerFinder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
