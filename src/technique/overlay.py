"""Drawing on frames: skeleton, key angles and the current correction (annotated video and live view)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .landmarks import SKELETON
from .measures import UNITS

WHITE, BLACK = (255, 255, 255), (0, 0, 0)
GREEN, AMBER, RED = (80, 200, 60), (0, 190, 255), (60, 60, 230)  # BGR
VERDICT_COLOURS = {"good": GREEN, "acceptable": AMBER, "fault": RED}


def format_value(measure: str, value: float) -> str:
    if not np.isfinite(value):
        return "-"
    unit = UNITS.get(measure)
    return f"{value:.2f} {unit}" if unit else f"{value:.0f}°"


def ascii_text(text: str) -> str:
    """OpenCV's Hershey fonts are ASCII only: "Développé 90°" -> "Developpe 90 deg"."""
    import unicodedata

    text = text.replace("°", " deg").replace("—", "-").replace("–", "-").replace("·", "-")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=1024)
def _text_masks(text: str, scale: float, thickness: int) -> tuple:
    """Anti-aliased coverage of a text's dark outline and of its letters, rendered once and reused.

    Annotating a clip draws the same words (a correction, a title, "176 deg") on many frames;
    putText with anti-aliasing is the costliest part of a frame, so each string is drawn once.
    Returns the outline's and the letters' float32 alphas and their complements, and the offset of
    the text origin inside them.
    """
    import cv2

    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness + 3)
    pad = thickness + 4
    size = (h + base + 2 * pad, w + 2 * pad)
    origin = (pad, pad + h)
    outline = np.zeros(size, np.uint8)
    fill = np.zeros(size, np.uint8)
    cv2.putText(outline, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, 255, thickness + 3, cv2.LINE_AA)
    cv2.putText(fill, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, 255, thickness, cv2.LINE_AA)
    a_out, a_fill = outline.astype(np.float32) / 255, fill.astype(np.float32) / 255
    return a_out, 1 - a_out, a_fill, 1 - a_fill, origin[0], origin[1]


def _text(image: np.ndarray, text: str, origin: tuple[int, int], scale: float, colour=WHITE,
          thickness: int = 1) -> None:
    """Text with a dark outline (readable on any background), composited from cached masks."""
    import cv2

    outline, keep_out, fill, keep_fill, ox, oy = _text_masks(ascii_text(text), round(scale, 3), thickness)
    x0, y0 = origin[0] - ox, origin[1] - oy
    h, w = image.shape[:2]
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + outline.shape[1], w), min(y0 + outline.shape[0], h)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    crop = (slice(cy0 - y0, cy1 - y0), slice(cx0 - x0, cx1 - x0))
    roi = image[cy0:cy1, cx0:cx1]
    ink = np.empty_like(roi)
    ink[:] = colour
    dark = cv2.blendLinear(roi, np.zeros_like(roi), keep_out[crop], outline[crop])  # the outline is black
    image[cy0:cy1, cx0:cx1] = cv2.blendLinear(dark, ink, keep_fill[crop], fill[crop])


def draw_skeleton(image: np.ndarray, pixels: np.ndarray, working: str | None = None) -> None:
    """Bones in white, the working leg in amber, joints as dots; NaN joints are skipped."""
    import cv2

    from .landmarks import LEG

    working_joints = set(LEG[working]) if working in LEG else set()
    thickness = max(2, image.shape[0] // 240)
    for a, b in SKELETON:
        pa, pb = pixels[a], pixels[b]
        if np.isfinite(pa).all() and np.isfinite(pb).all():
            colour = AMBER if a in working_joints and b in working_joints else WHITE
            cv2.line(image, tuple(int(v) for v in pa), tuple(int(v) for v in pb), colour, thickness, cv2.LINE_AA)
    for point in pixels[11:]:
        if np.isfinite(point).all():
            cv2.circle(image, tuple(int(v) for v in point), thickness + 1, GREEN, -1, cv2.LINE_AA)


def _two_lines(text: str) -> list[str]:
    """Split a sentence at the space nearest its middle."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return [text]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1:]]


def draw_panel(image: np.ndarray, title: str, lines: list[tuple[str, tuple[int, int, int]]],
               cue: str, footer: str = "", cue_scale: float = 1.3, wrap_cue: bool = False) -> None:
    """Title and key values top-left, the correction in large text at the bottom.

    cue_scale sizes the correction against the panel's text; wrap_cue lets a long correction take
    two lines before it is shrunk (the live view, read from across a studio).
    """
    import cv2

    height, width = image.shape[:2]
    scale = max(0.45, height / 900)
    _text(image, title, (10, int(28 * scale / 0.55)), scale * 1.1, WHITE, 2)
    y = int(28 * scale / 0.55)
    for text, colour in lines:
        y += int(26 * scale / 0.55)
        _text(image, text, (10, y), scale, colour, 1)
    if cue:
        big = scale * cue_scale
        thick = 2 if cue_scale <= 1.5 else 3

        def too_wide(parts: list[str], size: float) -> bool:
            return max(cv2.getTextSize(ascii_text(p), cv2.FONT_HERSHEY_SIMPLEX, size, thick)[0][0]
                       for p in parts) > width - 20

        parts = [cue]
        if wrap_cue and too_wide(parts, big):
            parts = _two_lines(cue)
        while big > 0.4 and too_wide(parts, big):
            big -= 0.05
        step = cv2.getTextSize("Ag", cv2.FONT_HERSHEY_SIMPLEX, big, thick)[0][1] * 1.6
        for k, part in enumerate(parts):
            _text(image, part, (10, int(height - 20 - step * (len(parts) - 1 - k))), big, (60, 230, 255), thick)
    if footer:
        size = cv2.getTextSize(ascii_text(footer), cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0]
        _text(image, footer, (width - size[0] - 10, int(28 * scale / 0.55)), scale, WHITE, 1)


def place_points(points, centre: tuple[float, float], scale: float, mirror: bool = False) -> np.ndarray:
    """Pixels for points given relative to a centre in some unit ([x, y] or None each, y down): (N, 2),
    NaN where a point is None. `scale` is pixels per unit; `mirror` flips left and right about the centre.

    Draws a stored skeleton (a teacher's, hip-centred in body heights) on any canvas with draw_skeleton.
    """
    relative = np.array([[np.nan, np.nan] if p is None else p for p in points], dtype=float).reshape(-1, 2)
    if mirror:
        relative[:, 0] = -relative[:, 0]
    return np.asarray(centre, dtype=float) + relative * float(scale)
