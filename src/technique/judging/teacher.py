"""A teacher's own demonstration as a reference, and a student's clip compared with it.

``reference_from_analysis`` turns an analysed demonstration into a reference file: the built-in
movement's criteria re-centred on the teacher's own values, plus her angle trajectories over time.
``compare`` aligns a student's trajectories to the teacher's with dynamic time warping (dtaidistance),
so tempo does not matter; the angles are measured on the working and supporting legs (not left and
right), so mirroring does not matter; and angles do not change with camera distance.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from technique.analysis.measures import precision
from technique.judging.references import TRAJECTORY

WORDS = {  # what a teacher says when the student's angle is smaller / larger than the reference's
    "working_knee": ("more bent", "straighter"),
    "supporting_knee": ("more bent", "straighter"),
    "working_leg_height": ("lower", "higher"),
    "working_thigh_height": ("lower", "higher"),
    "torso_tilt": ("more upright", "more tilted"),
}
LABELS = {"working_knee": "working knee", "supporting_knee": "supporting knee",
          "working_leg_height": "working leg", "working_thigh_height": "working thigh", "torso_tilt": "torso"}
TOLERANCE = 30.0  # degrees of mean difference at which a joint's similarity reaches 0
MAX_SAMPLES = 150  # trajectories are resampled to at most this many points (about 5 s at 30 fps)


# Cyrillic and Greek letters written in Latin ones (readable file names for "Анна арабеск", "Ελένη").
TRANSLITERATION = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўαβγδεζηθικλμνξοπρσςτυφχψω",
    ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi", "ye", "g", "w",
     "a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s", "t", "y",
     "f", "ch", "ps", "o"]))
TRANSLITERATION.update({"ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "þ": "th", "ð": "d",
                        "ı": "i"})  # Latin letters that don't decompose into a plain letter and an accent


def _latin(char: str) -> str:
    """A character in plain ASCII letters: accents dropped, Cyrillic and Greek transliterated; '' if
    there is no plain spelling (Arabic, CJK, emoji...)."""
    import unicodedata

    if char in TRANSLITERATION:  # before decomposing: й is "y", not и + breve
        return TRANSLITERATION[char]
    letters = "".join(TRANSLITERATION.get(c, c) for c in unicodedata.normalize("NFKD", char))  # έ: ε + accent
    return letters.encode("ascii", "ignore").decode()


def slug(name: str) -> str:
    """A reference (and file) name from free text: "Miss Anna's arabesque" -> "miss_anna_s_arabesque",
    "Анна арабеск" -> "anna_arabesk". Letters or symbols with no plain spelling (Arabic, CJK, emoji)
    add a short id made from the whole name, so different names never share a file:
    "أنا" -> "teacher_1a2b3c4d"."""
    import hashlib
    import unicodedata

    text = unicodedata.normalize("NFKC", name).strip().lower()
    plain = re.sub(r"[^a-z0-9]+", "_", "".join(_latin(c) for c in text).lower()).strip("_")
    lost = any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "So"
               for c in text if not _latin(c))
    if not lost:
        return plain or "teacher"
    tag = hashlib.sha256(unicodedata.normalize("NFC", name.strip()).encode("utf-8")).hexdigest()[:8]
    return f"{plain or 'teacher'}_{tag}"


def display_name(name: str) -> str:
    """The name as the teacher typed it, for titles: capitals and letters of every script kept."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", name).split())


def name_problem(name: str, references: dict, overwrite: bool = False) -> str | None:
    """Why a teacher's reference can't be saved under `name` (None when it can). One rule for the
    command line and the dashboard: a built-in movement's name is never taken (her reference would
    hide the built-in one, and that movement would no longer be recognised); an existing reference
    is replaced only when asked (`overwrite`)."""
    from technique.judging.references import builtin_folder

    if not name.strip():
        return "Type a name for the reference, e.g. “Miss Anna arabesque”."
    key = slug(name)
    builtin = next((p for p in builtin_folder().iterdir() if p.stem == key), None)
    if builtin is not None:
        title = references[key].title if key in references else key
        return (f"“{name.strip()}” is the name of the built-in movement {title}; "
                "choose another, e.g. “Miss Anna arabesque”.")
    if key in references and not overwrite:
        return f"a reference named {key} already exists ({references[key].source}); choose another name"
    return None


def _filled(values: np.ndarray) -> np.ndarray:
    """NaN gaps bridged by interpolation (ends held), so DTW sees a continuous curve."""
    values = np.asarray(values, dtype=float).copy()
    ok = np.isfinite(values)
    if ok.sum() == 0:
        return np.zeros_like(values)
    idx = np.arange(len(values))
    values[~ok] = np.interp(idx[~ok], idx[ok], values[ok])
    return values


def _main_frames(analysis) -> np.ndarray:
    """Frame indices of the main movement (the longest segment), at most MAX_SAMPLES of them."""
    segments = analysis.segments
    if segments:
        main = max(segments, key=lambda s: s.stop - s.start)
        start, stop = main.start, main.stop
    else:
        start, stop = 0, len(analysis.track.times)
    frames = np.arange(start, stop)
    if len(frames) > MAX_SAMPLES:
        frames = frames[np.linspace(0, len(frames) - 1, MAX_SAMPLES).round().astype(int)]
    return frames


def trajectory(analysis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(frames, times, values[T, len(TRAJECTORY)]) over the main movement."""
    frames = _main_frames(analysis)
    lo, hi = frames[0], frames[-1] + 1
    values = np.stack([_filled(analysis.measures[m][lo:hi])[frames - lo] for m in TRAJECTORY], axis=1)
    return frames, analysis.track.times[frames], values


def built_on(reference, references: dict):
    """The built-in movement a reference stands for (a teacher's reference names its base)."""
    base = (reference.extra or {}).get("teacher", {}).get("base")
    return references.get(base, reference) if base else reference


def skeleton(analysis, frames: np.ndarray) -> list:
    """The dancer's 2D skeleton at each frame, centred on the hips and scaled to her height (1.0).

    Kept in a teacher's reference instead of any picture of her, so the comparison can draw her
    position beside the student's without storing her video.
    """
    from technique.analysis.smoothing import fill_gaps

    # bridge joints hidden for up to a second (the far knee in profile), as a teacher would see them
    pixels = fill_gaps(analysis.track.pixels, analysis.track.times, 1.0)[frames]
    centre = np.nanmean(pixels[:, [23, 24]], axis=1, keepdims=True)
    height = float(np.nanmedian(analysis.measures["body_height"])) or 1.0
    points = (pixels - centre) / height
    return [[None if not np.isfinite(p).all() else [round(float(p[0]), 3), round(float(p[1]), 3)] for p in frame]
            for frame in points]


def reference_from_analysis(analysis, name: str, base_source: str | Path) -> dict:
    """The data of a teacher's reference file, built on the built-in movement she demonstrated."""
    import yaml

    base = yaml.safe_load(Path(base_source).read_text(encoding="utf-8"))
    verdicts = {v.criterion.id: v for v in analysis.judgement.verdicts} if analysis.judgement else {}
    criteria = []
    for c in base["criteria"]:
        v = verdicts.get(c["id"])
        if v is not None and v.value is not None and np.isfinite(v.value):
            delta = float(v.value) - float(c["ideal"])
            digits = precision(c["measure"])
            c = dict(c, ideal=round(float(v.value), digits),
                     good=_shift(c["good"], delta, digits), acceptable=_shift(c["acceptable"], delta, digits))
        criteria.append(c)
    frames, times, values = trajectory(analysis)
    return {
        "name": slug(name),
        "title": f"{base.get('title', base['name'])} ({display_name(name)})",
        "description": f"A teacher's demonstration ({Path(analysis.info.source).name}) of {base['name']}.",
        "moments": base["moments"],
        "recognise": [],  # used when named (--movement NAME), never guessed over the built-in one
        "criteria": criteria,
        "teacher": {
            "base": base["name"], "clip": Path(analysis.info.source).name, "working_leg": analysis.working_leg,
            "view": analysis.view, "times": [round(float(t - times[0]), 3) for t in times],
            "trajectory": {m: [round(float(x), 1) for x in values[:, j]] for j, m in enumerate(TRAJECTORY)},
            "skeleton": skeleton(analysis, frames),
        },
    }


def save_reference(data: dict, folder: str | Path, overwrite: bool = False) -> Path:
    """Write a teacher's reference (atomically, through safe_write) and check it loads like any other;
    returns its path. An existing reference of that name (.yaml, .yml or .json) is replaced only with
    `overwrite`: otherwise OutputError, and nothing is lost."""
    import yaml

    from technique.errors import OutputError
    from technique.judging.references import parse_reference
    from technique.safe_write import make_folders, write_text

    folder = Path(folder)
    path = folder / f"{data['name']}.yaml"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    parse_reference(yaml.safe_load(text), str(path))  # what we write must load like any reference
    make_folders(folder, folder)
    if not overwrite:
        for other in (folder / f"{data['name']}{suffix}" for suffix in (".yaml", ".yml", ".json")):
            if os.path.lexists(other):
                raise OutputError(other, "a reference of that name already exists; it was not replaced")
    return write_text(path, text, folder, overwrite=overwrite)


def _shift(band: list, delta: float, digits: int = 0) -> list:
    """Move a band with the teacher's value, at the measure's precision; open ends (a straight knee's
    190, an upright torso's 0) stay."""
    low, high = float(band[0]), float(band[1])
    out = [round(low if low <= 0 else low + delta, digits), round(high if high >= 180 else high + delta, digits)]
    return [int(x) if digits == 0 else x for x in out]


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


SAME_WITHIN = 1.0  # degrees: closer than this everywhere reads as "the same", not "0 deg lower"


def compare(student_times: np.ndarray, student: np.ndarray, teacher: np.ndarray, name: str,
            student_frames: np.ndarray | None = None, joints: tuple[str, ...] = TRAJECTORY,
            note: str = "") -> Comparison:
    """Align the student's trajectories to the teacher's (DTW) on `joints` and say where they depart most."""
    from dtaidistance import dtw_ndim

    cols = [TRAJECTORY.index(m) for m in joints]
    student, teacher = student[:, cols], teacher[:, cols]
    scale = TOLERANCE
    path = dtw_ndim.warping_path(np.ascontiguousarray(student / scale, dtype=np.double),
                                 np.ascontiguousarray(teacher / scale, dtype=np.double))
    s_idx = np.array([p[0] for p in path])
    t_idx = np.array([p[1] for p in path])
    diff = student[s_idx] - teacher[t_idx]  # degrees, per aligned pair and joint
    mad = np.abs(diff).mean(axis=0)
    similarity = {m: float(max(0.0, 1 - mad[j] / TOLERANCE)) for j, m in enumerate(joints)}
    k, j = np.unravel_index(int(np.argmax(np.abs(diff))), diff.shape)
    measure = joints[j]
    d = float(diff[k, j])
    when = float(student_times[s_idx[k]])
    if abs(d) < SAME_WITHIN:
        message = "Your movement follows the reference closely: within 1° at every moment."
    else:
        word = WORDS[measure][0 if d < 0 else 1]
        message = f"At {when:.1f} s your {LABELS[measure]} is {abs(d):.0f}° {word} than in the reference."
    frames = student_frames if student_frames is not None else np.arange(len(student))
    return Comparison(name, float(np.mean(list(similarity.values()))), similarity, int(frames[s_idx[k]]),
                      int(t_idx[k]), when, measure, d, message, tuple(joints), note)


def comparable_joints(base, teacher_view: str, student_view: str) -> tuple[str, ...]:
    """The trajectory joints the base movement judges from both the teacher's and the student's view."""
    from technique.judging.stories import assessable

    return tuple(m for m in TRAJECTORY
                 if assessable(base, m, teacher_view) and assessable(base, m, student_view))


def compare_analysis(analysis, reference, references: dict | None = None) -> Comparison | None:
    """Compare an analysed clip with a teacher reference (one that carries a trajectory).

    Only what both views can show is compared: her side-view arabesque against a student filmed
    from the front compares the supporting knee, not the working knee the front view can't see.
    """
    teacher = (reference.extra or {}).get("teacher") if reference is not None else None
    if not teacher or "trajectory" not in teacher:
        return None
    values = np.stack([np.asarray(teacher["trajectory"][m], dtype=float) for m in TRAJECTORY], axis=1)
    frames, times, student = trajectory(analysis)
    base = built_on(reference, references) if references else reference
    her_view = teacher.get("view", analysis.view)
    joints = comparable_joints(base, her_view, analysis.view)
    note = ""
    if her_view != analysis.view:
        shown = ", ".join(LABELS[m] for m in joints) or "nothing"
        note = (f"The demonstration was filmed from the {her_view.replace('_', '-')} view and this clip from the "
                f"{analysis.view.replace('_', '-')} view: compared on what both show ({shown}).")
    if not joints:
        return None
    return compare(times, student, values, reference.name, frames, joints, note)
