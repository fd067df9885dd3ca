"""Pictures composed for the pages: the worst moment's annotated still, the student beside the
teacher's reference, and the tab's icon. RGB arrays (or a PIL image), ready for st.image."""

from __future__ import annotations

import numpy as np


def worst_still(analysis, images: dict[int, np.ndarray], blur_faces: bool) -> np.ndarray | None:
    """The annotated frame of the worst moment (RGB), or None when there is none (nothing to correct)."""
    from technique.outputs.writer import still_frame, still_image

    still = still_image(analysis, images, still_frame(analysis, fallback=False), blur_faces)
    return None if still is None else still[:, :, ::-1].copy()


def teacher_skeleton(analysis):
    """The teacher's stored skeleton at the moment aligned with the student's worst departure
    (33 [x, y] or None, hip-centred, in body heights), and her reference's data; or (None, None)."""
    c, reference = analysis.comparison, analysis.reference
    if c is None or reference is None:
        return None, None
    teacher = (reference.extra or {}).get("teacher") or {}
    skeletons = teacher.get("skeleton") or []
    if not 0 <= c.teacher_index < len(skeletons):
        return None, None
    return skeletons[c.teacher_index], teacher


def _facing(nose_x: float, hips_x: float, height: float) -> int:
    """+1 / -1: which way the face is, from the nose against the hips (0 when seen from the front)."""
    offset = nose_x - hips_x
    return 0 if not np.isfinite(offset) or abs(offset) < 0.02 * height else int(np.sign(offset))


def side_by_side(analysis, image: np.ndarray | None, blur_faces: bool) -> np.ndarray | None:
    """Left: the student's frame at the comparison's worst moment with her skeleton (face blurred on
    request); right: the teacher's skeleton at the aligned moment, at the student's body height,
    centred on a plain canvas of the same size, turned to face the same way. RGB, or None."""
    from technique import landmarks as L
    from technique.outputs.overlay import draw_panel, draw_skeleton, place_points
    from technique.outputs.privacy import blur_face

    c = analysis.comparison
    points, teacher = teacher_skeleton(analysis)
    if image is None or points is None:
        return None
    frame = c.worst_frame
    student = analysis.track.pixels[frame]
    left = image.copy()
    if blur_faces:
        blur_face(left, student)
    draw_skeleton(left, student, analysis.working_leg)
    draw_panel(left, "You", [], "", f"{c.worst_time_s:.2f} s")

    heights = analysis.measures["body_height"]
    height = float(heights[frame]) if np.isfinite(heights[frame]) else float(np.median(heights[np.isfinite(heights)]))
    hips = student[[L.LEFT_HIP, L.RIGHT_HIP], 0]
    hips_x = float(hips[np.isfinite(hips)].mean()) if np.isfinite(hips).any() else float("nan")
    theirs = _facing(points[L.NOSE][0] if points[L.NOSE] else float("nan"), 0.0, 1.0)
    mine = _facing(float(student[L.NOSE][0]), hips_x, height)
    right = np.full_like(image, 45)
    h, w = right.shape[:2]
    draw_skeleton(right, place_points(points, (w / 2, h / 2), height, mirror=theirs * mine < 0),
                  teacher.get("working_leg"))
    times = teacher.get("times") or []
    draw_panel(right, "Reference", [], "", f"{times[c.teacher_index]:.2f} s" if c.teacher_index < len(times) else "")
    gap = np.full((h, max(4, w // 80), 3), 255, dtype=image.dtype)
    return np.hstack([left, gap, right])[:, :, ::-1].copy()


def app_icon():
    """The tab's icon, drawn here (a PIL image): a dancer in arabesque, white on the app's blue."""
    import cv2
    from PIL import Image

    icon = np.zeros((64, 64, 3), np.uint8)
    cv2.rectangle(icon, (0, 0), (63, 63), (31, 78, 156), -1)
    white = (255, 255, 255)
    cv2.circle(icon, (22, 14), 6, white, -1, cv2.LINE_AA)  # head
    for a, b in (((24, 21), (30, 36)), ((30, 36), (28, 58)), ((30, 36), (58, 28)),  # body, legs
                 ((25, 24), (8, 18)), ((25, 24), (40, 16))):  # arms
        cv2.line(icon, a, b, white, 4, cv2.LINE_AA)
    return Image.fromarray(icon)
