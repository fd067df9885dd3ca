"""Blurring faces in exported videos and stills (many ballet students are children).

The face region comes from the pose landmarks themselves (nose, eyes, ears, mouth), so no extra
face detector is needed and the blur follows the dancer wherever the pose does.
"""

from __future__ import annotations

import numpy as np

FACE = tuple(range(11))  # nose, eyes, ears, mouth corners
SHOULDERS = (11, 12)


def face_box(pixels: np.ndarray, image_size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around the head with a generous margin, or None if no face point is known."""
    face = pixels[list(FACE)]
    face = face[np.isfinite(face).all(axis=1)]
    if face.size == 0:
        return None
    centre = face.mean(axis=0)
    spread = float(np.ptp(face, axis=0).max()) if len(face) > 1 else 0.0
    shoulders = pixels[list(SHOULDERS)]
    width = float(np.linalg.norm(shoulders[0] - shoulders[1])) if np.isfinite(shoulders).all() else 0.0
    radius = max(spread * 1.2, width * 0.45, 0.04 * image_size[1])
    w, h = image_size
    x0, y0 = int(max(0, centre[0] - radius)), int(max(0, centre[1] - radius * 1.2))
    x1, y1 = int(min(w, centre[0] + radius)), int(min(h, centre[1] + radius))
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def blur_face(image: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """Blur the face in place (strong pixelation plus blur: unrecognisable, still clearly a head)."""
    import cv2

    box = face_box(pixels, (image.shape[1], image.shape[0]))
    if box is None:
        return image
    x0, y0, x1, y1 = box
    region = image[y0:y1, x0:x1]
    small = cv2.resize(region, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)), interpolation=cv2.INTER_AREA)
    image[y0:y1, x0:x1] = cv2.GaussianBlur(
        cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR), (0, 0), 3)
    return image
