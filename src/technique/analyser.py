"""One clip, end to end: frames -> poses -> clean track -> measures -> judgement.

``analyse_clip`` is the single entry point used by the CLI, the dashboard and batch scoring, so
that all of them say the same thing about the same clip.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np

from technique import landmarks as L
from technique.errors import NoPersonError, VideoError
from technique.judging.judge import Candidate, Judgement, candidates, fit_of, judge
from technique.analysis.measures import dancer_measures, steady_legs, view_of, working_side
from technique.capture.pose import PoseConfig
from technique.judging.references import Reference, get_reference, load_references
from technique.analysis.smoothing import SmoothingConfig, TrackArrays, fill_gaps
from technique.capture.video import VideoInfo

if TYPE_CHECKING:  # imported where they are used
    from technique.analysis.motion import Story
    from technique.judging.teacher import Comparison



@dataclass(frozen=True)
class AnalysisConfig:
    pose: PoseConfig = PoseConfig()
    smoothing: SmoothingConfig = SmoothingConfig()
    max_side: int = 1280
    min_frames: int = 8  # about a quarter of a second: less cannot show a movement
    min_detected: float = 0.2  # fraction of frames with a person below which the clip is refused
    working_leg: str = "auto"  # "left", "right" or "auto"
    reference_folders: tuple[str, ...] = ()
    # below this a movement is "not recognised": names given at 0.75-0.85 were right 4 times in 10
    # (benchmarks/accuracy.py, dev renders), at 0.95 and above 93 %
    recognised_above: float = 0.85


@dataclass(frozen=True)
class SegmentResult:
    """One movement within a clip: where it is, what it was recognised as, its judgement and story."""

    start: int
    stop: int
    movement: str | None
    confidence: float | None
    judgement: Judgement | None
    story: "Story"
    explanation: str = ""  # why this movement ("the leg behind the hip (158°), held (1.0 s)"), or why none


@dataclass(frozen=True)
class Analysis:
    """Everything known about one clip; reports and the dashboard are drawn from this."""

    info: VideoInfo
    track: TrackArrays
    working_leg: str
    view: str
    measures: dict[str, np.ndarray]
    judgement: Judgement | None
    recognition: list[tuple[str, float]]
    movement_given: bool
    warnings: list[str] = field(default_factory=list)
    segments: list[SegmentResult] = field(default_factory=list)
    comparison: "Comparison | None" = None  # with a teacher's reference, when one is used
    explanation: str = ""  # why the clip was recognised as its movement, or why not

    @property
    def reference(self) -> Reference | None:
        return self.judgement.reference if self.judgement else None


def read_track(source, config: AnalysisConfig = AnalysisConfig(),
               progress: Callable[[int, int], None] | None = None) -> tuple[VideoInfo, TrackArrays, list[str]]:
    """Stream a video through the dancer finder and the smoother; keep only landmarks.

    A clip whose first seconds show the dancer lying across the picture or upside down is read a
    second time turned upright (``info.turn`` says by how much), so that angles mean what they say;
    if she is then not upright for most of the clip, the turn was wrong (she lay down at first) and
    the clip is read as it is.
    """
    info, track, problem, finder, read = _read_poses(source, config, progress, turn=0, watch=True)
    if finder.turn:
        info, track, problem, finder, read = _read_poses(source, config, progress, turn=finder.turn, watch=False)
        if not finder.upright():
            info, track, problem, finder, read = _read_poses(source, config, progress, turn=0, watch=False)
    warnings = finder.warnings(info.turn) + read  # the reader's: timestamps repaired (joined clips)
    if problem:
        if len(track) < config.min_frames:
            raise VideoError(source, problem)
        warnings.append(f"Only part of the clip could be read: {problem}.")
    if len(track) < config.min_frames:
        raise VideoError(source, f"too short: {len(track)} frame(s); a movement needs at least "
                                 f"{config.min_frames} frames (about {config.min_frames / max(info.fps, 1):.2f} s)")
    arrays = track.arrays()
    detected = arrays.detected.mean()
    if not arrays.detected.any():
        raise NoPersonError(source, "no person found in any frame: is the dancer in view and lit?")
    if detected < config.min_detected:
        raise NoPersonError(source, f"a person was found in only {detected:.0%} of the frames; "
                                    "keep the dancer in view for the whole clip")
    if detected < 0.9:
        warnings.append(f"The dancer was not found in {1 - detected:.0%} of the frames.")
    return info, arrays, warnings


def camera_view(measures: dict[str, np.ndarray], detected: np.ndarray) -> str:
    """Where the camera stands, from how the dancer is turned while at rest (before and after the
    movement): a dancer who spins shows every angle, and her median says nothing about the camera."""
    from technique.analysis.motion import active_frames

    rest = detected & ~active_frames(measures)
    yaw = measures["body_yaw"]
    return view_of(yaw[rest] if np.isfinite(yaw[rest]).sum() >= 5 else yaw[detected])


def _read_poses(source, config: AnalysisConfig, progress: Callable[[int, int], None] | None, turn: int,
                watch: bool):
    """One pass over the clip (turned by `turn` degrees): the info, the cleaned track, the reader's
    problem, the finder and the reader's warnings. When watching, the pass stops once the dancer is
    found to need turning."""
    from technique.capture.framing import DancerFinder
    from technique.analysis.smoothing import PoseSmoother, Track
    from technique.capture.video import VideoReader, open_video, prefetched

    with open_video(source, config.max_side, turn) as reader:
        info = reader.info
        track = Track(info.fps, (info.width, info.height))
        smoother = PoseSmoother(config.smoothing)
        with DancerFinder(config.pose, frame_count=info.frame_count) as finder:
            finder.watching = watch and isinstance(reader, VideoReader)  # a camera can't be read again
            for frame in prefetched(iter(reader)):
                pose = finder.process(frame.image, frame.index, frame.time_s)
                if watch and finder.turn:
                    break  # read again, turned: nothing measured sideways is kept
                track.append(smoother.update(pose, frame.time_s))
                if progress:
                    progress(frame.index + 1, info.frame_count)
            if not (watch and finder.turn):  # a clip about to be read again turned needs no look
                finder.look_for_others()
        return info, track, reader.problem, finder, list(getattr(reader, "warnings", []))


def missing_body_parts(track: TrackArrays, share: float = 0.5) -> list[str]:
    """Body parts hidden or out of frame in more than `share` of the frames with a person."""
    seen = track.detected
    if not seen.any():
        return []
    hidden = ~np.isfinite(track.pixels[seen][..., 0])
    return [part for part, idx in L.BODY_PARTS.items() if hidden[:, list(idx)].all(axis=1).mean() > share]


def judge_track(info: VideoInfo, track: TrackArrays, movement: str | None,
                references: dict[str, Reference], config: AnalysisConfig = AnalysisConfig(),
                warnings: list[str] | None = None) -> Analysis:
    """Measures and judgement for a clean track (no video needed: used by tests and the dashboard too)."""
    warnings = list(warnings or [])
    gap = config.smoothing.max_gap_s
    pixels = fill_gaps(track.pixels, track.times, gap)
    world = fill_gaps(track.world, track.times, gap)
    moving = working_side(pixels, world)
    working = config.working_leg if config.working_leg in ("left", "right") else moving
    if working != moving:
        warnings.append(f"The {working} leg was named as the working leg, but the {moving} leg is the one that "
                        f"rises in this clip: check --working-leg.")
    from technique.analysis.motion import clip_measures

    # the named leg is kept as named: re-pairing the legs would silently undo the user's choice
    if working == moving:
        pixels, world = steady_legs(pixels, world, working)
    measures = clip_measures(dancer_measures(pixels, world, working), track.times, world)
    view = camera_view(measures, track.detected)
    missing = missing_body_parts(track)
    if missing:
        warnings.append(f"Not visible for most of the clip: {', '.join(missing)}. "
                        "Those criteria can't be judged; film the whole body.")
    active = track.detected
    ranked = candidates(references, measures, active, view)
    recognition = [(c.name, c.confidence) for c in ranked]
    segments = judge_segments(measures, track.times, world, active, view, movement, references, ", ".join(missing),
                              config.recognised_above)
    reference, explanation = name_the_clip(movement, ranked, segments, references, measures, active, view,
                                           track.times, config, warnings)
    judgement = judge(reference, measures, view, active, ", ".join(missing)) if reference else None
    analysis = Analysis(info, track, working, view, measures, judgement, recognition, bool(movement), warnings,
                        segments, explanation=explanation)
    from technique.judging.teacher import compare_analysis

    comparison = compare_analysis(analysis, reference, references)
    if comparison is None:
        return analysis
    notes = [comparison.note] if comparison.note else []
    return dataclasses.replace(analysis, comparison=comparison, warnings=analysis.warnings + notes)


def name_the_clip(movement: str | None, ranked: list[Candidate], segments: list[SegmentResult],
                  references: dict[str, Reference], measures: dict[str, np.ndarray], active: np.ndarray,
                  view: str, times: np.ndarray, config: AnalysisConfig,
                  warnings: list[str]) -> tuple[Reference | None, str]:
    """The clip's one movement and why (given, recognised, or its only recognised segment), or None:
    several movements (each judged in its segment), or none recognised (and why, in the warnings)."""
    recognised = [seg for seg in segments if seg.movement]
    if movement:
        reference = get_reference(movement, references)
        given = fit_of(reference, measures, active, view)
        if given.fit < config.recognised_above and reference.recognise:
            warnings.append(f"This clip doesn't look like {reference.title.lower()} as named: {given.against()}. "
                            "The criteria are judged as asked, but check the name and the working leg.")
        return reference, given.because()
    if ranked and ranked[0].confidence >= config.recognised_above and len(recognised) <= 1:
        reference = references[ranked[0].name]
        return reference, with_caveat(ranked[0].because(), reference)
    if len(recognised) == 1:  # one movement, found once the rests around it are set aside
        return references[recognised[0].movement], recognised[0].explanation
    if len(recognised) > 1:
        names = ", ".join(f"{seg.movement} at {times[seg.start]:.1f} s" for seg in recognised)
        warnings.append(f"This clip holds {len(recognised)} movements ({names}); each is judged on its own.")
        return None, ""
    explanation = not_recognised(ranked, references, view)
    warnings.append(explanation)
    return None, explanation


def with_caveat(explanation: str, reference: Reference) -> str:
    """The explanation, plus what the reference file says this movement can't be told apart from."""
    caveat = (reference.extra or {}).get("caveat")
    return f"{explanation} (note: {caveat})" if isinstance(caveat, str) and caveat else explanation


def not_recognised(ranked: list[Candidate], references: dict[str, Reference], view: str) -> str:
    """Why no movement is named: the closest one and what doesn't fit, or what this view can't show."""
    if not ranked or ranked[0].fit < 0.3:
        closest = ranked[0] if ranked else None
        why = f" (closest: {references[closest.name].title}, but {closest.against()})" if closest else ""
        return f"This does not look like a ballet movement I know{why}. Name it with --movement if it is one."
    best = ranked[0]
    rivals = [c for c in ranked[1:] if c.fit >= best.fit - 0.05]
    if rivals:
        names = " or ".join(references[c.name].title for c in [best, *rivals[:2]])
        return (f"Movement not recognised with confidence: it could be {names} "
                f"({best.because()}); {best.against() or 'they differ in what this view cannot show'}. "
                f"Name it with --movement, or film from another side.")
    return (f"Movement not recognised with confidence: closest {references[best.name].title} "
            f"{best.confidence:.0%} ({best.because()}; but {best.against()}). Name it with --movement.")


def judge_segments(measures: dict[str, np.ndarray], times: np.ndarray, world: np.ndarray, active: np.ndarray,
                   view: str, movement: str | None, references: dict[str, Reference],
                   missing: str = "",
                   recognised_above: float = AnalysisConfig.recognised_above) -> list[SegmentResult]:
    """Split the clip into movements and judge each on its own frames, with its motion story."""
    from technique.analysis.motion import only, segment_clip, tell

    out = []
    for start, stop in segment_clip(measures, times):
        part = only(measures, start, stop)
        in_part = np.zeros_like(active)
        in_part[start:stop] = active[start:stop]
        ranked = candidates(references, part, in_part, view)
        if movement:
            reference = get_reference(movement, references)
            given = fit_of(reference, part, in_part, view)
            confidence, explanation = given.fit, given.because()
        elif ranked and ranked[0].confidence >= recognised_above:
            reference, confidence = references[ranked[0].name], ranked[0].confidence
            explanation = with_caveat(ranked[0].because(), reference)
        else:
            reference, confidence = None, (ranked[0].confidence if ranked else None)
            explanation = not_recognised(ranked, references, view)
        judgement = judge(reference, part, view, in_part, missing) if reference else None
        story = tell(reference, part, times, world, judgement.spans if judgement else {}, start, stop, view)
        out.append(SegmentResult(start, stop, reference.name if reference else None, confidence, judgement, story,
                                 explanation))
    return out


def analyse_clip(source: str | os.PathLike, movement: str | None = None,
                 config: AnalysisConfig = AnalysisConfig(), references: dict[str, Reference] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Analysis:
    """Read, measure and judge one clip. Raises a TechniqueError subclass naming the file and reason."""
    references = references if references is not None else load_references(config.reference_folders)
    if movement:
        get_reference(movement, references)  # an unknown name fails before minutes of video work
    info, track, warnings = read_track(source, config, progress)
    return judge_track(info, track, movement, references, config, warnings)
