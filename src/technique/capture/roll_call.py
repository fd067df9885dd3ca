"""Who dances in a class clip: the roll call, and each dancer's own picture.

A teacher films the class; the coach judges each dancer in turn. MediaPipe's pose model sees one
person a frame, so:

- the **roll call** looks at a few frames of the clip's first seconds, finds everyone there (the most
  prominent person, then, with each one found blacked out, the next; the small ones in tiles of the
  frame) and keeps a frame that shows as many people as most of them do; the dancers are numbered
  from the left of the picture, as the camera sees them (1 is the leftmost);
- **each dancer's picture** is the frame with her classmates blacked out where they stood in the
  frame before, her own place kept: her own pose tracker (one per dancer) then finds only her, even
  after it loses her in a turn, and can't be pulled across to a classmate.

Dancers who keep to their own place (the barre, lines in the centre) are followed; dancers who cross
in front of one another, or who arrive after the first seconds, are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from technique.capture.people import Box, blacked_out, people_in, pixels_box
from technique.capture.pose import PoseEstimator


@dataclass(frozen=True)
class RollCallConfig:
    """How the class is counted and kept apart.

    look_s, looks: the roll call looks at this many frames spread over the clip's first look_s seconds
        (a class starts together) and keeps a frame that shows as many people as most of them.
    most: at most this many dancers are counted (a larger class: film it in groups).
    tile_sides: sides of the square tiles (shares of the frame's shorter side) searched for people too
        small for the whole frame's detector.
    cover: a classmate's place is blacked out widened by this share of her size on every side (her
        landmarks lie inside her silhouette; a hand or a foot reaches a little beyond them).
    """

    look_s: float = 2.0
    looks: int = 4
    most: int = 12
    tile_sides: tuple[float, ...] = (1.0, 0.5)
    cover: float = 0.1


ROLL_CALL = RollCallConfig()


def roll_call(images: list[np.ndarray], estimator: PoseEstimator,
              config: RollCallConfig = ROLL_CALL) -> tuple[list[Box], int]:
    """The dancers' places, ordered from the left of the picture, in the first looked-at frame that shows
    as many people as most of them do (the larger count of equally frequent ones: a dancer hidden in one
    frame, or a pose read wrong and counted twice in another, doesn't change the class), and that frame's
    position in `images`. `estimator` in photo mode."""
    found = [people_in(image, estimator, most=config.most, cover=config.cover, tiles=config.tile_sides)
             for image in images]
    counts = [len(boxes) for boxes in found]
    if not counts:
        return [], 0
    usual = max(set(counts), key=lambda n: (counts.count(n), n))
    at = counts.index(usual)
    return sorted(found[at], key=lambda b: (b[0] + b[2]) / 2), at


def own_picture(image: np.ndarray, places: list[Box], dancer: int, cover: float = ROLL_CALL.cover) -> np.ndarray:
    """Dancer `dancer`'s picture (0-based): the frame with every classmate's place black, her own kept."""
    others = [box for k, box in enumerate(places) if k != dancer]
    return blacked_out(image, others, cover, keep=places[dancer])


def place_of(pixels: np.ndarray, last: Box) -> Box:
    """Where a dancer is now: the box round her placed landmarks, or where she was last seen."""
    return pixels_box(pixels) or last
