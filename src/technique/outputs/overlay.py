"""Drawing on frames: skeleton, key angles and the current correction (annotated video and live view).

Text is drawn with a TrueType font (DejaVu Sans, shipped with matplotlib, which MediaPipe depends on),
so "Développé 90°" reads as written; sizes follow the frame, so a 480-wide portrait clip stays
readable. Glyphs are rendered once and reused: annotating a clip costs little more than copying.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from technique.landmarks import SKELETON

WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (200, 200, 200)
GREEN, AMBER, RED = (80, 200, 60), (0, 190, 255), (60, 60, 230)  # BGR
SKY = (235, 180, 60)  # the supporting leg: stands out on pale tights and on dark floors alike
CUE_COLOUR = (60, 230, 255)
VERDICT_COLOURS = {"good": GREEN, "acceptable": AMBER, "fault": RED}


def ascii_text(text: str) -> str:
    """For OpenCV's Hershey fonts (ASCII only, the fallback without a TrueType font):
    "Développé 90°" -> "Developpe 90 deg"."""
    import unicodedata

    text = text.replace("°", " deg").replace("—", "-").replace("–", "-").replace("·", "-")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=1)
def font_file() -> Path | None:
    """DejaVu Sans from matplotlib's data (found without importing matplotlib), or None."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return path
    return None


def text_px(image_shape: tuple[int, ...]) -> int:
    """The panel's font size in pixels: about 4% of the frame's shorter side, never below 16."""
    return max(16, round(0.042 * min(image_shape[0], image_shape[1])))


@lru_cache(maxsize=64)
def _font(px: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_file()), px)


def _outline_width(px: int) -> int:
    return max(2, px // 9)


@lru_cache(maxsize=4096)
def _glyph(ch: str, px: int) -> tuple[np.ndarray, np.ndarray, float]:
    """One character's outline and letter coverage (uint8, same box) and its advance in pixels."""
    from PIL import Image, ImageDraw

    font = _font(px)
    stroke = _outline_width(px)
    ascent, descent = font.getmetrics()
    advance = font.getlength(ch)
    pad = stroke + px // 4
    size = (int(advance) + 2 * pad + 1, ascent + descent + 2 * stroke)
    masks = []
    for width in (stroke, 0):
        canvas = Image.new("L", size, 0)
        ImageDraw.Draw(canvas).text((pad, stroke), ch, font=font, fill=255, stroke_width=width, stroke_fill=255)
        masks.append(np.asarray(canvas))
    return masks[0], masks[1], advance


@lru_cache(maxsize=384)  # ~50 kB a line: enough for a clip's titles, cues and recurring values
def _text_masks(text: str, px: int) -> tuple:
    """A line of text as float32 alphas (outline, 1 - outline, letters, 1 - letters) and the offset of
    its top-left corner, assembled from cached glyphs (a new string costs a few array maxima)."""
    glyphs = [_glyph(ch, px) for ch in text]
    pad = _outline_width(px) + px // 4
    width = int(sum(g[2] for g in glyphs)) + 2 * pad + 2
    height = glyphs[0][0].shape[0] if glyphs else 1
    outline = np.zeros((height, width), np.uint8)
    fill = np.zeros((height, width), np.uint8)
    x = 0.0
    for out_mask, fill_mask, advance in glyphs:
        left = int(round(x))
        w = min(out_mask.shape[1], width - left)
        np.maximum(outline[:, left:left + w], out_mask[:, :w], out=outline[:, left:left + w])
        np.maximum(fill[:, left:left + w], fill_mask[:, :w], out=fill[:, left:left + w])
        x += advance
    a_out, a_fill = outline.astype(np.float32) / 255, fill.astype(np.float32) / 255
    return a_out, 1 - a_out, a_fill, 1 - a_fill, pad, _outline_width(px)


def text_width(text: str, px: int) -> int:
    """Width in pixels of `text` drawn at `px` (without its outline)."""
    if font_file() is None:
        import cv2

        return cv2.getTextSize(ascii_text(text), cv2.FONT_HERSHEY_SIMPLEX, px / 30, 1)[0][0]
    return int(round(_font(px).getlength(text)))


def _text(image: np.ndarray, text: str, top_left: tuple[int, int], px: int, colour=WHITE) -> None:
    """Text whose letters' box starts at `top_left`, with a dark outline (readable on any background)."""
    import cv2

    if not text:
        return
    if font_file() is None:  # no TrueType font: OpenCV's ASCII font, at a comparable size
        x, y = top_left
        cv2.putText(image, ascii_text(text), (x, y + px), cv2.FONT_HERSHEY_SIMPLEX, px / 30, BLACK, 4, cv2.LINE_AA)
        cv2.putText(image, ascii_text(text), (x, y + px), cv2.FONT_HERSHEY_SIMPLEX, px / 30, colour, 1, cv2.LINE_AA)
        return
    outline, keep_out, fill, keep_fill, ox, oy = _text_masks(text, px)
    x0, y0 = top_left[0] - ox, top_left[1] - oy
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


def bone_colour(a: int, b: int, working_joints: set, supporting_joints: set) -> tuple[int, int, int]:
    """Working leg amber, supporting leg sky blue, the rest white (every bone has a dark outline)."""
    if a in working_joints and b in working_joints:
        return AMBER
    if a in supporting_joints and b in supporting_joints:
        return SKY
    return WHITE


def draw_skeleton(image: np.ndarray, pixels: np.ndarray, working: str | None = None) -> None:
    """Bones as a colour on a dark outline (visible on pale tights and on dark floors), joints as
    dots; NaN joints are skipped. The skeleton itself never judges: it only shows where the body is."""
    import cv2

    from technique.landmarks import LEG
    from technique.analysis.geometry import OTHER

    working_joints = set(LEG[working]) if working in LEG else set()
    supporting_joints = set(LEG[OTHER[working]]) if working in LEG else set()
    thickness = max(2, min(image.shape[:2]) // 200)
    bones = []
    for a, b in SKELETON:
        pa, pb = pixels[a], pixels[b]
        if np.isfinite(pa).all() and np.isfinite(pb).all():
            bones.append(((int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])),
                          bone_colour(a, b, working_joints, supporting_joints)))
    for pa, pb, _ in bones:
        cv2.line(image, pa, pb, BLACK, thickness + 3, cv2.LINE_AA)
    for pa, pb, colour in bones:
        cv2.line(image, pa, pb, colour, thickness, cv2.LINE_AA)
    for point in pixels[11:]:
        if np.isfinite(point).all():
            centre = (int(point[0]), int(point[1]))
            cv2.circle(image, centre, thickness + 2, BLACK, -1, cv2.LINE_AA)
            cv2.circle(image, centre, thickness + 1, GREEN, -1, cv2.LINE_AA)


def _two_lines(text: str) -> list[str]:
    """Split a sentence at the space nearest its middle."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return [text]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1:]]


def cue_layout(cue: str, width: int, px: int, cue_scale: float) -> tuple[list[str], int]:
    """The correction's lines and font size: as large as asked, on two lines before it is shrunk,
    and never smaller than the panel's text (so it stays readable on narrow portrait clips)."""
    size = round(px * cue_scale)
    parts = [cue]

    def too_wide(lines: list[str], s: int) -> bool:
        return max(text_width(p, s) for p in lines) > width - 20

    if too_wide(parts, size):
        parts = _two_lines(cue)
    while size > px and too_wide(parts, size):
        size -= 1
    return parts, size


def draw_panel(image: np.ndarray, title: str, lines: list[tuple[str, tuple[int, int, int]]],
               cue: str, footer: str = "", cue_scale: float = 1.3, footer_colour=WHITE) -> None:
    """Title and key values top-left, the footer top-right (or under the values when there is no
    room), the correction in large text at the bottom. cue_scale sizes the correction against the
    panel's text (2 for the live view, read from across a studio)."""
    height, width = image.shape[:2]
    px = text_px(image.shape)
    step = round(px * 1.35)
    y = 8
    _text(image, title, (10, y), round(px * 1.1), WHITE)
    if footer and text_width(title, round(px * 1.1)) + text_width(footer, px) + 40 <= width:
        _text(image, footer, (width - text_width(footer, px) - 10, y), px, footer_colour)
        footer = ""
    y += round(px * 1.1 * 1.35)
    for text, colour in lines:
        _text(image, text, (10, y), px, colour)
        y += step
    if footer:
        _text(image, footer, (10, y), px, footer_colour)
    if cue:
        parts, size = cue_layout(cue, width, px, cue_scale)
        line_step = round(size * 1.3)
        for k, part in enumerate(parts):
            _text(image, part, (10, height - 14 - size - line_step * (len(parts) - 1 - k)), size, CUE_COLOUR)


def place_points(points, centre: tuple[float, float], scale: float, mirror: bool = False) -> np.ndarray:
    """Pixels for points given relative to a centre in some unit ([x, y] or None each, y down): (N, 2),
    NaN where a point is None. `scale` is pixels per unit; `mirror` flips left and right about the centre.

    Draws a stored skeleton (a teacher's, hip-centred in body heights) on any canvas with draw_skeleton.
    """
    relative = np.array([[np.nan, np.nan] if p is None else p for p in points], dtype=float).reshape(-1, 2)
    if mirror:
        relative[:, 0] = -relative[:, 0]
    return np.asarray(centre, dtype=float) + relative * float(scale)
