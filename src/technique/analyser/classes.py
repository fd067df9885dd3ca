"""A class clip: every dancer judged in turn, each as if she had been filmed alone.

The roll call (capture/roll_call.py) counts the dancers in frames of the clip's first seconds and of the
rest of it (a title card, a dancer who walks in late) and numbers them from the left of the picture. A
lost dancer is looked for only near where she was (framing.near): never a classmate. A clip of one
dancer is judged as any clip is (``analyse_clip``): a batch's solo clips give what they give alone.
Otherwise one reading of the clip feeds each chosen dancer's own analyser her
own picture (her classmates blacked out where they stood a frame before), two dancers at a time (one
per core), and each analyser's track is judged like any clip's (``judge_track``): the same movements,
criteria and words as a dancer filmed alone. One dancer who can't be judged (lost behind another) is
an error of hers alone; the others are still judged.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from technique.analyser.clip import Analysis, AnalysisConfig, judge_track
from technique.analyser.files import analyse_clip
from technique.capture.roll_call import ROLL_CALL, RollCallConfig
from technique.capture.video import VideoInfo
from technique.errors import NoPersonError, TechniqueError
from technique.judging.references import Reference, get_reference, load_references
from technique.wording import listed, say


@dataclass(frozen=True)
class DancerResult:
    """One dancer of a class: her number from the left of the picture and her analysis, or why none."""

    number: int
    analysis: Analysis | None = None
    error: TechniqueError | None = None


@dataclass(frozen=True)
class ClassResult:
    """A class clip: how many dancers the roll call found, and each chosen dancer's result."""

    info: VideoInfo
    count: int
    dancers: list[DancerResult]


def chosen_dancers(asked: str, source: str) -> list[int] | None:
    """The dancers asked for ("all", or numbers from the left such as "2" or "1,3"), None for all;
    a bad request is an error naming the clip."""
    if asked.strip().lower() == "all":
        return None
    try:
        numbers = sorted({int(part) for part in asked.split(",") if part.strip()})
    except ValueError:
        numbers = []
    if not numbers or numbers[0] < 1:
        raise TechniqueError(source, f"--dancer {asked!r}: say 'all', or the dancers' numbers counted from "
                                     "the left of the picture (1 is the leftmost), such as 2 or 1,3")
    return numbers


def frames_at(source, config: AnalysisConfig, due: list[float]) -> tuple[VideoInfo, list]:
    """The clip's info and its first frames at or after each of the times `due` (seconds, rising)."""
    from technique.capture.video import VideoReader

    with VideoReader(source, config.max_side) as reader:
        info = reader.info
        images = []
        for frame in reader:
            if frame.time_s + 1e-6 >= due[len(images)]:
                images.append(frame.image)
                if len(images) == len(due):
                    break
    return info, images


def first_seconds(source, config: AnalysisConfig, roll: RollCallConfig) -> tuple[VideoInfo, list]:
    """The clip's info and the frames the roll call looks at (`roll.looks` over its first `roll.look_s`)."""
    return frames_at(source, config, [roll.look_s * k / roll.looks for k in range(roll.looks)])


def count_the_class(source, config: AnalysisConfig = AnalysisConfig(),
                    roll: RollCallConfig = ROLL_CALL) -> tuple[VideoInfo, list]:
    """The clip's info and its dancers' places, numbered from the left (roll_call.roll_call), from frames of
    its first seconds and as many spread over the rest of it (a title card, a dancer who walks in late)."""
    from technique.capture.pose import PoseEstimator
    from technique.capture.roll_call import roll_call

    info, images = first_seconds(source, config, roll)
    if info.duration_s > 2 * roll.look_s:  # and over the clip: a title card, a dancer who walks in
        spread = [roll.look_s + (info.duration_s - roll.look_s) * (k + 1) / (roll.looks + 1) for k in range(roll.looks)]
        images += frames_at(source, config, spread)[1]
    with PoseEstimator(dataclasses.replace(config.pose, static_images=True)) as estimator:
        places, _ = roll_call(images, estimator, roll)
    if not places:
        raise NoPersonError(source, "no dancer found: is the class in view and lit?")
    return info, places


def read_dancers(source, info: VideoInfo, places: list, chosen: list[int], config: AnalysisConfig,
                 progress=None) -> dict[int, tuple]:
    """One reading of the clip, each chosen dancer (0-based) fed her own picture by her own analyser;
    {dancer: (track, warnings) or the TechniqueError that says why she can't be judged}."""
    from concurrent.futures import ThreadPoolExecutor

    from technique.analyser.stream import Analyser
    from technique.capture.people import pixels_box
    from technique.capture.roll_call import own_pictures, place_of
    from technique.capture.video import VideoReader, prefetched

    analysers = {k: Analyser(info, config, place=pixels_box(places[k])) for k in chosen}
    current = list(places)
    try:
        with VideoReader(source, config.max_side) as reader, ThreadPoolExecutor(max(1, config.read_in_parts)) as pool:
            for count, frame in enumerate(prefetched(iter(reader)), 1):
                pictures = own_pictures(frame.image, current, chosen)
                results = list(pool.map(lambda k: analysers[k].feed(pictures[k], frame.time_s), chosen))
                for k, result in zip(chosen, results):  # where each stands now: her classmates' mask next frame
                    if result.person:
                        current[k] = place_of(result.pixels, current[k])
                if progress:
                    progress(count, info.frame_count)
            problem, warnings = reader.problem, tuple(reader.warnings)
        out: dict[int, tuple] = {}
        for k in chosen:
            try:
                out[k] = analysers[k].finish_track(problem, warnings)
            except TechniqueError as exc:
                out[k] = exc
        return out
    finally:
        for analyser in analysers.values():
            analyser.close()


def analyse_class(source: str | os.PathLike, movement: str | None = None, config: AnalysisConfig = AnalysisConfig(),
                  references: dict[str, Reference] | None = None, progress=None, dancers: str = "all",
                  roll: RollCallConfig = ROLL_CALL) -> ClassResult:
    """Count the class, then read, measure and judge each dancer asked for. Raises a TechniqueError naming
    the file when the clip can't be read or nobody is in it, or a dancer asked for isn't there."""
    references = references if references is not None else load_references(config.reference_folders)
    if movement:
        get_reference(movement, references)  # an unknown name fails before minutes of video work
    numbers = chosen_dancers(dancers, str(source))
    info, places = count_the_class(source, config, roll)
    count = len(places)
    if numbers is not None and numbers[-1] > count:
        raise TechniqueError(source, f"dancer {numbers[-1]} asked for, but {count} dancer(s) found "
                                     "(numbered from the left of the picture)")
    if count == 1:  # one dancer: judged as any clip is (a batch's solo clips give what they give alone)
        try:
            alone = analyse_clip(source, movement, config, references, progress)
            return ClassResult(info, 1, [DancerResult(1, dataclasses.replace(alone, dancer=(1, 1)))])
        except TechniqueError as exc:
            return ClassResult(info, 1, [DancerResult(1, error=exc)])
    chosen = [n - 1 for n in numbers] if numbers is not None else list(range(count))
    tracks = read_dancers(source, info, places, chosen, config, progress)
    results = [judged_dancer(k + 1, count, tracks[k], info, movement, references, config) for k in chosen]
    note = mirror_note(results)
    if note:
        results = [dataclasses.replace(r, analysis=with_warning(r.analysis, note)) if r.analysis else r
                   for r in results]
    return ClassResult(info, count, results)


def judged_dancer(number: int, count: int, read, info: VideoInfo, movement: str | None,
                  references: dict[str, Reference], config: AnalysisConfig) -> DancerResult:
    """One dancer's track judged as any clip's (read: (track, warnings), or the error that says why not)."""
    if isinstance(read, TechniqueError):
        said = say("dancer_of", number=number, count=count)
        return DancerResult(number, error=type(read)(read.source, f"{said}: {read.reason}"))
    track, warnings = read
    warnings = [say("dancer_in_class", number=number, count=count), *warnings]
    analysis = judge_track(info, track, movement, references, config, warnings)
    return DancerResult(number, dataclasses.replace(analysis, dancer=(number, count)))


def with_warning(analysis: Analysis, warning: str) -> Analysis:
    return dataclasses.replace(analysis, warnings=[*analysis.warnings, warning])


def mirror_note(results: list[DancerResult]) -> str | None:
    """What to say when some dancers of a class face the camera and others keep their backs to it: filmed
    towards a studio's mirror, the ones facing it may be the others' reflections (left and right swapped,
    so the other working leg). A dancer who turns says nothing either way. None when all face one way."""
    from technique.analysis.direction import back_turned, faces_one_way

    away, towards = [], []
    for result in results:
        measures = result.analysis.measures if result.analysis is not None else None
        if measures is None or not faces_one_way(measures["facing_x"]):
            continue
        (away if back_turned(measures["facing_away"]) else towards).append(str(result.number))
    if not away or not towards:
        return None
    return say("reflections_maybe", away=dancers_said(away), towards=dancers_said(towards))


def dancers_said(numbers: list[str]) -> str:
    """ "dancer 3", "dancers 1 and 4", "dancers 1, 2 and 4"."""
    return say("dancer_numbered" if len(numbers) == 1 else "dancers_numbered", numbers=listed(numbers))
