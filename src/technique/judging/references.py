"""Reference positions as data: load and validate ``reference_poses/*.yaml|json``.

Each file describes one movement: the moments that matter (found from a driver measure), what makes
a clip look like the movement (``recognise``), and the criteria a teacher checks, each with its
ideal value, good/acceptable bands, the camera views it can be judged from, the correction in a
teacher's words and a short why. Errors name the file and the field.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from technique.errors import ReferenceError_, UnknownMovementError
from technique.analysis.direction import VIEWS
from technique.analysis.measures import MEASURE_NAMES

ALL_VIEWS = tuple(VIEWS)
AGGREGATES = ("median", "min", "max", "p05", "p95", "mean", "range")
# how a movement is told in time (stories.py): the field `story:` of a reference file
STORIES = ("arabesque", "developpe", "fouette", "turns", "plie", "hold")
# the joints a teacher's reference keeps as curves over time (teacher.py aligns them with a student's)
TRAJECTORY = ("working_knee", "supporting_knee", "working_leg_height", "working_thigh_height", "torso_tilt")
MAX_FILE_BYTES = 1 << 20  # 1 MB: a teacher's reference is about 0.2 MB; larger files cost seconds on every command


def normalise_name(name: str) -> str:
    """A movement's name as references are keyed, the one rule everywhere: accents stripped (NFKD),
    case folded, spaces and hyphens as _. "Arabésque", "arabesque" and "ARABESQUE" are one name."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def _finite(value: object) -> bool:
    """A real number a score can be computed from: not a bool, not NaN, not infinite."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Moment:
    """A moment that matters: frames where `driver` is near its max (or min), past a threshold."""

    name: str
    driver: str
    select: str  # "max" or "min"; "peaks"/"troughs" for repeated cycles (turns)
    threshold: float  # min (for max/peaks) or max (for min/troughs) the driver must reach
    within: float  # frames within this of the extreme belong to the moment
    description: str = ""
    turning: bool = False  # looked for only while she turns (a pirouette's turn, not its preparation)
    # a position held (an arabesque, an attitude, a développé's extension): seen for only a glimpse, the
    # reading of the leg that found it is a jump of MediaPipe's, and that leg is not judged there
    held: bool = False

    @property
    def words(self) -> str:
        """The moment as a teacher reads it: its description, else its name."""
        return self.description or self.name

    def reached(self, driver):
        """Where the position is reached: the driver past the threshold (False where unmeasured).
        The one rule of "in position", for a clip's moments, the annotated video and live cues."""
        import numpy as np

        d = np.asarray(driver, dtype=float)
        with np.errstate(invalid="ignore"):
            past = d >= self.threshold if self.select in ("max", "peaks") else d <= self.threshold
        return past & np.isfinite(d)


@dataclass(frozen=True)
class Condition:
    """One clue for recognising the movement, soft over `margin`."""

    measure: str
    moment: str
    low: float | None
    high: float | None
    margin: float
    aggregate: str = "median"
    views: tuple[str, ...] = ALL_VIEWS
    says: str = ""  # the clue in a teacher's words, for the report's explanation ("leg behind the hip")
    needed: bool = False  # the clue that tells this movement from a sibling: unseen, no confident name


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    measure: str
    moment: str
    ideal: float
    good: tuple[float, float]
    acceptable: tuple[float, float]
    views: tuple[str, ...]
    weight: float
    correction_low: str
    correction_high: str
    why: str
    film: str
    aggregate: str = "median"
    # (view, how far this criterion's judged value reads off from that view), where it reads off clearly
    # more than its measure does in general (measures.MEASURE_DOUBT): a fault is said only past that
    doubt: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Reference:
    name: str
    title: str
    description: str
    moments: dict[str, Moment]
    recognise: tuple[Condition, ...]
    criteria: tuple[Criterion, ...]
    source: str
    extra: dict = field(default_factory=dict)  # fields other stages own (e.g. a teacher's trajectories)
    recognisable_from: tuple[str, ...] = ()  # views that can show the movement (empty: any)


def builtin_folder() -> Path:
    """The reference_poses folder shipped with the package (works after pip install)."""
    return Path(__file__).resolve().parent / "reference_poses"


class _Fields:
    """Typed access to one mapping of a reference file, with errors naming file and field."""

    def __init__(self, data: object, source: str, where: str):
        if not isinstance(data, dict):
            what = f"field '{where}'" if where else "the file"
            raise ReferenceError_(source, f"{what}: expected a mapping, got {type(data).__name__}")
        self.data, self.source, self.where = data, source, where

    def fail(self, key: str, reason: str) -> ReferenceError_:
        return ReferenceError_(self.source, f"field '{self.where}.{key}': {reason}".replace("'.", "'"))

    def get(self, key: str, kind: type | tuple, default: object = ...) -> object:
        if key not in self.data:
            if default is ...:
                raise self.fail(key, "missing")
            return default
        value = self.data[key]
        if kind in (float, (int, float)):
            if not _finite(value):
                raise self.fail(key, f"expected a finite number, got {value!r}")
            return float(value)
        if not isinstance(value, kind):
            raise self.fail(key, f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
        return value

    def band(self, key: str) -> tuple[float, float]:
        value = self.get(key, list)
        if len(value) != 2 or not all(_finite(v) for v in value):
            raise self.fail(key, f"expected [low, high] finite numbers, got {value!r}")
        low, high = float(value[0]), float(value[1])
        if low > high:
            raise self.fail(key, f"low {low} is above high {high}")
        return low, high

    def positive(self, key: str, default: object = ...) -> float:
        """A finite number above zero (a weight, a margin something is divided by)."""
        value = self.get(key, float, default)
        if value <= 0:
            raise self.fail(key, f"must be a positive number, got {value:g}")
        return value

    def numbers(self, key: str) -> list[float]:
        """A list of finite numbers (a trajectory over time)."""
        values = self.get(key, list)
        if not values:
            raise self.fail(key, "is empty")
        for value in values:
            if not _finite(value):
                raise self.fail(key, f"expected a list of finite numbers, got {value!r}")
        return [float(v) for v in values]

    def measure(self, key: str) -> str:
        name = self.get(key, str)
        if name not in MEASURE_NAMES:
            raise self.fail(key, f"unknown measure {name!r}; known: {', '.join(MEASURE_NAMES)}")
        return name

    def views(self, key: str = "views") -> tuple[str, ...]:
        views = self.get(key, list, list(ALL_VIEWS))
        for view in views:
            if view not in ALL_VIEWS:
                raise self.fail(key, f"unknown view {view!r}; use {', '.join(ALL_VIEWS)}")
        return tuple(views)

    def aggregate(self, allowed: tuple[str, ...] = AGGREGATES) -> str:
        agg = self.get("aggregate", str, "median")
        if agg not in allowed:
            raise self.fail("aggregate", f"unknown {agg!r}; use {', '.join(allowed)}")
        return agg


def _moment(name: str, data: object, source: str) -> Moment:
    f = _Fields(data, source, f"moments.{name}")
    select = f.get("select", str)
    if select not in ("max", "min", "peaks", "troughs"):
        raise f.fail("select", f"expected max, min, peaks or troughs, got {select!r}")
    key = "min" if select in ("max", "peaks") else "max"
    within = f.get("within", float)
    if within < 0:
        raise f.fail("within", f"must be 0 or more, got {within:g}")
    held = f.get("held", bool, False)
    if held and select not in ("max", "min"):
        raise f.fail("held", f"a held position is a max or a min, not {select}")
    return Moment(name, f.measure("driver"), select, f.get(key, float), within, f.get("description", str, ""),
                  f.get("turning", bool, False), held)


def _condition(i: int, data: object, source: str, moments: dict) -> Condition:
    f = _Fields(data, source, f"recognise[{i}]")
    moment = f.get("moment", str)
    if moment != "all" and moment not in moments:
        raise f.fail("moment", f"no moment named {moment!r}")
    low, high = f.get("min", float, None), f.get("max", float, None)
    if low is None and high is None:
        raise f.fail("min", "give min, max or both")
    aggregate = f.aggregate(AGGREGATES + ("count", "longest"))
    if aggregate == "count" and moment == "all":
        raise f.fail("aggregate", "count (how many times a moment happens) needs a named moment")
    return Condition(f.measure("measure"), moment, low, high, f.positive("margin", 10.0), aggregate, f.views(),
                     f.get("says", str, ""), f.get("needed", bool, False))


def _criterion(i: int, data: object, source: str, moments: dict) -> Criterion:
    f = _Fields(data, source, f"criteria[{i}]")
    moment = f.get("moment", str)
    if moment != "all" and moment not in moments:
        raise f.fail("moment", f"no moment named {moment!r}")
    good, acceptable = f.band("good"), f.band("acceptable")
    if not (acceptable[0] <= good[0] and good[1] <= acceptable[1]):
        raise f.fail("acceptable", f"{list(acceptable)} must contain good {list(good)}")
    correction = f.get("correction", (str, dict))
    if isinstance(correction, dict):
        cf = _Fields(correction, source, f"criteria[{i}].correction")
        low = cf.get("low", str, "")
        high = cf.get("high", str, "")
        if not (low or high):
            raise f.fail("correction", "give low, high or both")
    else:
        low = high = correction
    weight = f.positive("weight", 1.0)
    doubt = _doubt(f)
    return Criterion(
        id=f.get("id", str), name=f.get("name", str), measure=f.measure("measure"), moment=moment,
        ideal=f.get("ideal", float), good=good, acceptable=acceptable, views=f.views(),
        weight=weight, correction_low=low or high, correction_high=high or low,
        why=f.get("why", str, ""), film=f.get("film", str, ""), aggregate=f.aggregate(), doubt=doubt,
    )


def _doubt(f: _Fields) -> tuple[tuple[str, float], ...]:
    """A criterion's `doubt`: {view: how far its value reads off from there}, each view known, each 0 or more."""
    doubt = f.get("doubt", dict, {})
    for view, amount in doubt.items():
        if view not in ALL_VIEWS:
            raise f.fail("doubt", f"unknown view {view!r}; use {', '.join(ALL_VIEWS)}")
        if not _finite(amount) or amount < 0:
            raise f.fail("doubt", f"{view}: expected a number 0 or more, got {amount!r}")
    return tuple((view, float(amount)) for view, amount in doubt.items())


def parse_reference(data: object, source: str) -> Reference:
    """Validate a reference already read from YAML/JSON."""
    f = _Fields(data, source, "")
    name = f.get("name", str)
    if not name.replace("_", "").isalnum() or name != normalise_name(name):
        hint = f" (e.g. {normalise_name(name)!r})" if normalise_name(name).replace("_", "").isalnum() else ""
        raise f.fail("name", f"use lower-case letters without accents, digits and _, got {name!r}{hint}")
    moments = {k: _moment(k, v, source) for k, v in f.get("moments", dict).items()}
    if not moments:
        raise f.fail("moments", "at least one moment is needed")
    recognise = tuple(_condition(i, c, source, moments) for i, c in enumerate(f.get("recognise", list, [])))
    criteria_data = f.get("criteria", list)
    if not criteria_data:
        raise f.fail("criteria", "at least one criterion is needed")
    criteria = tuple(_criterion(i, c, source, moments) for i, c in enumerate(criteria_data))
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise f.fail("criteria", f"duplicate criterion ids in {ids}")
    known = {"name", "title", "description", "moments", "recognise", "criteria", "recognisable_from"}
    extra = {k: v for k, v in data.items() if k not in known}
    recognisable = f.views("recognisable_from") if "recognisable_from" in data else ()
    story = f.get("story", str, None)
    if story is not None and story not in STORIES:
        raise f.fail("story", f"unknown story {story!r}; use {', '.join(STORIES)}")
    if "teacher" in extra:
        _teacher(extra["teacher"], source)
    return Reference(name, f.get("title", str, name), f.get("description", str, ""), moments,
                     recognise, criteria, source, extra, recognisable)


def _teacher(data: object, source: str) -> None:
    """A teacher's section (teacher.py writes it): the trajectories a comparison aligns and the skeleton
    the dashboard draws must be complete, finite and of one length, or the file is refused."""
    f = _Fields(data, source, "teacher")
    f.get("base", str, "")
    if "trajectory" not in f.data:
        return
    curves = _Fields(f.get("trajectory", dict), source, "teacher.trajectory")
    length = len(curves.numbers(TRAJECTORY[0]))
    for joint in TRAJECTORY:
        if len(curves.numbers(joint)) != length:
            raise curves.fail(joint, f"has {len(curves.data[joint])} values, {TRAJECTORY[0]} has {length}")
    if len(f.numbers("times")) != length:
        raise f.fail("times", f"has {len(f.data['times'])} values, the trajectory {length}")
    skeleton = f.get("skeleton", list, None)
    if skeleton is not None and (len(skeleton) != length or not all(map(_skeleton_frame, skeleton))):
        raise f.fail("skeleton", f"expected {length} frames of 33 points, each [x, y] or null")


def _skeleton_frame(points: object) -> bool:
    return isinstance(points, list) and len(points) == 33 and all(
        p is None or (isinstance(p, list) and len(p) == 2 and all(map(_finite, p))) for p in points)


def load_reference_file(path: str | os.PathLike) -> Reference:
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceError_(path, f"cannot read the file: {exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ReferenceError_(path, f"larger than {MAX_FILE_BYTES // (1 << 20)} MB; a reference file is a few "
                                    "kilobytes (a teacher's about 0.2 MB): is it the right file?")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster
            data = yaml.load(text, Loader=loader)  # a safe loader: plain data only, never objects
    except Exception as exc:  # yaml.YAMLError / json.JSONDecodeError: a syntax error in the file
        raise ReferenceError_(path, f"not valid {path.suffix.lstrip('.').upper()}: {exc}") from None
    reference = parse_reference(data, str(path))
    if reference.name != path.stem:
        raise ReferenceError_(path, f"field 'name': {reference.name!r} must match the file name {path.stem!r}")
    return reference


def user_folder() -> Path:
    """Where a school's own references live (teachers' demonstrations): $TECHNIQUE_REFERENCES, else
    the user's data folder ($XDG_DATA_HOME or ~/.local/share)/technique/references."""
    if os.environ.get("TECHNIQUE_REFERENCES"):
        return Path(os.environ["TECHNIQUE_REFERENCES"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "technique" / "references"


def reference_files(extra_folders: tuple[str | os.PathLike, ...] = (), user: bool = True) -> list[Path]:
    """Built-in references, then the user folder (if any), then extra folders: later ones override."""
    files: list[Path] = []
    user = (user_folder(),) if user and user_folder().is_dir() else ()
    for folder in (builtin_folder(), *user, *map(Path, extra_folders)):
        if not folder.is_dir():
            raise ReferenceError_(folder, "reference folder not found")
        files += sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
    return files


def load_references(extra_folders: tuple[str | os.PathLike, ...] = (), user: bool = True,
                    problems: list | None = None) -> dict[str, Reference]:
    """All references by name; a user folder's file overrides a built-in one of the same name.

    With a `problems` list, a file outside the built-in folder that can't be used is skipped (one
    teacher's bad file must not stop scoring with the others) and its ReferenceError_ appended, for
    the caller to report; without one, the first bad file is raised.
    """
    references: dict[str, Reference] = {}
    for path in reference_files(extra_folders, user):
        try:
            reference = load_reference_file(path)
        except ReferenceError_ as exc:
            if problems is None or path.parent == builtin_folder():
                raise
            problems.append(exc)
            continue
        references[reference.name] = reference
    return references


def get_reference(name: str, references: dict[str, Reference], problems: list = ()) -> Reference:
    """The reference a user named (accents, case, spaces and hyphens don't matter). An unknown name
    suggests the closest known one; a name whose file was skipped as bad says why."""
    import difflib

    key = normalise_name(name)
    if key in references:
        return references[key]
    for problem in problems:
        if normalise_name(Path(problem.source).stem) == key:
            raise UnknownMovementError(name, f"its reference file {problem.source} can't be used: {problem.reason}")
    close = difflib.get_close_matches(key, sorted(references), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise UnknownMovementError(name, f"unknown movement; {hint}known: {', '.join(sorted(references))}")
