"""Who dances in a class clip: the roll call, and each dancer's own picture.

A teacher films the class; the coach judges each dancer in turn. MediaPipe's pose model sees one
person a frame, so:

- the **roll call** looks at a few frames of the clip (analyser.classes.count_the_class: its first
  seconds, and the rest of a longer clip), finds everyone there (the most prominent person, then, with
  each one found blacked out, the next; the small ones in tiles of the frame) and keeps a frame that
  shows as many people as most of them do; the dancers are numbered from the left of the picture, as
  the camera sees them (1 is the leftmost);
- **each dancer's picture** is the frame with her classmates blacked out where they stood in the
  frame before (the outline of their landmarks, grown a little), her own outline kept: her own pose
  tracker (one per dancer) then finds only her, even after it loses her in a turn, and can't be pulled
  across to a classmate.

Dancers who keep to their own place (the barre, lines in the centre) are followed; dancers who cross
in front of one another are not, and one who walks in late is counted only if most frames looked at
show her.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from technique.capture.people import centre, people_in, pixels_box, silhouette
from technique.capture.pose import PoseEstimator


@dataclass(frozen=True)
class RollCallConfig:
    """How the class is counted and kept apart.

    look_s, looks: the roll call looks at this many frames spread over the clip's first look_s seconds
        (a class starts together; as many more over the rest of a clip twice as long) and keeps a frame
        that shows as many people as most of them.
    most: at most this many dancers are counted (a larger class: film it in groups).
    tile_sides: sides of the square tiles (shares of the frame's shorter side) searched for people too
        small for the whole frame's detector.
    cover: a classmate is blacked out past the outline of her landmarks by this share of her height (the
        top of her head, her fingers and her toes reach beyond them).
    """

    look_s: float = 2.0
    looks: int = 4
    most: int = 12
    tile_sides: tuple[float, ...] = (1.0, 0.5)
    cover: float = 0.1


ROLL_CALL = RollCallConfig()


def roll_call(images: list[np.ndarray], estimator: PoseEstimator,
              config: RollCallConfig = ROLL_CALL) -> tuple[list[np.ndarray], int]:
    """The dancers, as (33, 2) landmark pixels, ordered from the left of the picture, in the first looked-at
    frame that shows as many people as most of them do (the larger count of equally frequent ones: a dancer
    hidden in one frame, or a pose read wrong and counted twice in another, doesn't change the class), and
    that frame's position in `images`. `estimator` in photo mode."""
    found = [people_in(image, estimator, most=config.most, cover=config.cover, tiles=config.tile_sides)
             for image in images]
    counts = [len(people) for people in found]
    if not counts:
        return [], 0
    usual = max(set(counts), key=lambda n: (counts.count(n), n))
    at = counts.index(usual)
    return sorted(found[at], key=lambda p: centre(pixels_box(p))[0]), at


def own_pictures(image: np.ndarray, places: list[np.ndarray], chosen: list[int],
                 cover: float = ROLL_CALL.cover) -> dict[int, np.ndarray]:
    """Each chosen dancer's picture (0-based): the frame with every classmate blacked out where she is
    (`places`: each one's latest landmark pixels; silhouette grown by `cover`), her own outline kept."""
    shape = image.shape[:2]
    outlines = [silhouette(shape, pixels, cover) for pixels in places]
    everyone = np.logical_or.reduce(outlines) if outlines else np.zeros(shape, bool)
    out = {}
    for k in chosen:
        picture = image.copy()
        picture[everyone & ~outlines[k]] = 0
        out[k] = picture
    return out


def place_of(pixels: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Where a dancer is now: her latest landmark pixels, or where she was last seen."""
    return pixels if np.isfinite(pixels).all(axis=1).sum() >= 3 else last
