"""A teacher's own demonstration made into a reference file, for the command line and the dashboard.

``reference_from_analysis`` turns an analysed demonstration into a reference: the built-in movement's
criteria re-centred on the teacher's own values, plus her angle trajectories and skeleton over time
(what judging.teacher compares a student with). ``make_teacher_reference`` is the whole job: analyse
her clip, build the reference on the movement she demonstrated, save it where references are found.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

import numpy as np

from technique.analysis.measures import precision
from technique.errors import TechniqueError
from technique.judging.references import TRAJECTORY
from technique.judging.teacher import built_on, trajectory


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
    frames, times, values = trajectory(analysis.measures, analysis.track.times,
                                       [(seg.start, seg.stop) for seg in analysis.segments])
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


def make_teacher_reference(clip: str | os.PathLike, name: str, movement: str | None, references: dict,
                           folder: str | os.PathLike, working_leg: str = "auto", overwrite: bool = False,
                           progress: Callable[[int, int], None] | None = None,
                           hint: str = "") -> tuple[dict, Path]:
    """Analyse a teacher's demonstration and save it as reference `name` in `folder`, built on the
    built-in movement she demonstrated (another teacher's reference stands for its base); returns
    (the reference's data, its file). Raises TechniqueError for a clip that can't be analysed, a
    movement not recognised (the reason ends with `hint`) or a name taken (without `overwrite`)."""
    from technique.analyser import AnalysisConfig, analyse_clip

    analysis = analyse_clip(clip, movement, AnalysisConfig(working_leg=working_leg), references, progress)
    if analysis.judgement is None:
        raise TechniqueError(clip, "the movement was not recognised" + hint)
    base = built_on(analysis.judgement.reference, references)
    data = reference_from_analysis(analysis, name, base.source)
    return data, save_reference(data, folder, overwrite=overwrite)
