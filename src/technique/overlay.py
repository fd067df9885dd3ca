"""Drawing on frames: skeleton, key angles and the current correction (annotated video and live view)."""

from __future__ import annotations

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


def _text(image: np.ndarray, text: str, origin: tuple[int, int], scale: float, colour=WHITE,
          thickness: int = 1) -> None:
    import cv2

    text = ascii_text(text)
    cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, BLACK, thickness + 3, cv2.LINE_AA)
    cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)


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
