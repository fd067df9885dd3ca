"""A student's clip compared with a teacher's reference (one that carries her angle curves over time).

``compare`` aligns a student's trajectories to the teacher's with dynamic time warping (dtaidistance),
so tempo does not matter; the angles are measured on the working and supporting legs (not left and
right), so mirroring does not matter; and angles do not change with camera distance. Making a
teacher's reference from her demonstration is outputs.teacher_reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from technique.judging.references import TRAJECTORY
from technique.wording import COMPARED_WORDS, JOINT_LABELS, say


@dataclass(frozen=True)
class ComparisonConfig:
    """How a student's curves are compared with a teacher's."""
    # degrees of mean difference at which a joint's similarity reaches 0
    tolerance: float = 30.0
    # trajectories are resampled to at most this many points (about 5 s at 30 fps)
    max_samples: int = 150
    # degrees: closer than this everywhere reads as "the same", not "0 deg lower"
    same_within: float = 1.0


COMPARING = ComparisonConfig()


def _filled(values: np.ndarray) -> np.ndarray:
    """NaN gaps bridged by interpolation (ends held), so DTW sees a continuous curve."""
    values = np.asarray(values, dtype=float).copy()
    ok = np.isfinite(values)
    if ok.sum() == 0:
        return np.zeros_like(values)
    idx = np.arange(len(values))
    values[~ok] = np.interp(idx[~ok], idx[ok], values[ok])
    return values


def main_frames(segments: list[tuple[int, int]], count: int) -> np.ndarray:
    """Frame indices of the main movement (the longest [start, stop) segment, else all `count`
    frames), at most COMPARING.max_samples of them."""
    start, stop = max(segments, key=lambda s: s[1] - s[0]) if segments else (0, count)
    frames = np.arange(start, stop)
    if len(frames) > COMPARING.max_samples:
        frames = frames[np.linspace(0, len(frames) - 1, COMPARING.max_samples).round().astype(int)]
    return frames


def trajectory(measures: dict[str, np.ndarray], times: np.ndarray,
               segments: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(frames, times, values[T, len(TRAJECTORY)]) over the main movement of a clip's measures."""
    frames = main_frames(segments, len(times))
    lo, hi = frames[0], frames[-1] + 1
    values = np.stack([_filled(measures[m][lo:hi])[frames - lo] for m in TRAJECTORY], axis=1)
    return frames, times[frames], values


def built_on(reference, references: dict):
    """The built-in movement a reference stands for (a teacher's reference names its base)."""
    base = (reference.extra or {}).get("teacher", {}).get("base")
    return references.get(base, reference) if base else reference


@dataclass(frozen=True)
class Comparison:
    """How a student's movement follows the teacher's, joint by joint."""

    reference: str
    similarity: float  # 0-1 overall
    joints: dict[str, float]  # similarity per measure
    worst_frame: int  # the student's frame where she departs most
    teacher_index: int  # the aligned sample of the teacher's trajectory (and skeleton)
    worst_time_s: float
    worst_measure: str
    worst_difference: float  # student minus teacher, degrees
    message: str
    compared: tuple[str, ...] = TRAJECTORY  # the joints both views can show
    note: str = ""  # e.g. the two clips were filmed from different sides

    def to_dict(self) -> dict:
        return {"reference": self.reference, "similarity": round(self.similarity, 3),
                "compared": list(self.compared), "note": self.note,
                "joints": {k: round(v, 3) for k, v in self.joints.items()},
                "worst_frame": self.worst_frame, "teacher_index": self.teacher_index,
                "worst_time_s": round(self.worst_time_s, 3), "worst_measure": self.worst_measure,
                "worst_difference_deg": round(self.worst_difference, 1), "message": self.message}


def compare(student_times: np.ndarray, student: np.ndarray, teacher: np.ndarray, name: str,
            student_frames: np.ndarray | None = None, joints: tuple[str, ...] = TRAJECTORY,
            note: str = "") -> Comparison:
    """Align the student's trajectories to the teacher's (DTW) on `joints` and say where they depart most."""
    from dtaidistance import dtw_ndim

    cols = [TRAJECTORY.index(m) for m in joints]
    student, teacher = student[:, cols], teacher[:, cols]
    scale = COMPARING.tolerance
    path = dtw_ndim.warping_path(np.ascontiguousarray(student / scale, dtype=np.double),
                                 np.ascontiguousarray(teacher / scale, dtype=np.double))
    s_idx = np.array([p[0] for p in path])
    t_idx = np.array([p[1] for p in path])
    diff = student[s_idx] - teacher[t_idx]  # degrees, per aligned pair and joint
    mad = np.abs(diff).mean(axis=0)
    similarity = {m: float(max(0.0, 1 - mad[j] / COMPARING.tolerance)) for j, m in enumerate(joints)}
    k, j = np.unravel_index(int(np.argmax(np.abs(diff))), diff.shape)
    measure = joints[j]
    d = float(diff[k, j])
    when = float(student_times[s_idx[k]])
    if abs(d) < COMPARING.same_within:
        message = say("follows_closely")
    else:
        word = COMPARED_WORDS[measure][0 if d < 0 else 1]
        message = say("differs_at", when=when, joint=JOINT_LABELS[measure], by=abs(d), word=word)
    frames = student_frames if student_frames is not None else np.arange(len(student))
    return Comparison(name, float(np.mean(list(similarity.values()))), similarity, int(frames[s_idx[k]]),
                      int(t_idx[k]), when, measure, d, message, tuple(joints), note)


def comparable_joints(base, teacher_view: str, student_view: str) -> tuple[str, ...]:
    """The trajectory joints the base movement judges from both the teacher's and the student's view."""
    from technique.judging.stories import assessable

    return tuple(m for m in TRAJECTORY
                 if assessable(base, m, teacher_view) and assessable(base, m, student_view))


def compare_clip(measures: dict[str, np.ndarray], times: np.ndarray, segments: list[tuple[int, int]], view: str,
                 reference, references: dict | None = None) -> Comparison | None:
    """Compare a clip's measures (its movements' [start, stop) frames, its view) with a teacher's
    reference (one that carries a trajectory); None for any other reference.

    Only what both views can show is compared: her side-view arabesque against a student filmed
    from the front compares the supporting knee, not the working knee the front view can't see.
    """
    teacher = (reference.extra or {}).get("teacher") if reference is not None else None
    if not teacher or "trajectory" not in teacher:
        return None
    values = np.stack([np.asarray(teacher["trajectory"][m], dtype=float) for m in TRAJECTORY], axis=1)
    frames, times, student = trajectory(measures, times, segments)
    base = built_on(reference, references) if references else reference
    her_view = teacher.get("view", view)
    joints = comparable_joints(base, her_view, view)
    note = ""
    if her_view != view:
        shown = ", ".join(JOINT_LABELS[m] for m in joints) or say("nothing")
        note = say("views_differ", her_view=her_view.replace("_", "-"), view=view.replace("_", "-"), shown=shown)
    if not joints:
        return None
    return compare(times, student, values, reference.name, frames, joints, note)
