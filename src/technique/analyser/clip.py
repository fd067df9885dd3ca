"""A whole stream judged as a clip: clean track -> measures -> movements named and judged.

``judge_track`` is what every stream ends in (files, the webcam, class clips), so the CLI, batch,
the dashboard and live practice say the same thing about the same movement.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from technique import landmarks as L
from technique.judging.judge import Candidate, Judgement, candidates, fit_of, judge
from technique.analysis.direction import back_turned, camera_pitch, faces_one_way, looks_down, view_of
from technique.analysis.geometry import OTHER
from technique.analysis.measures import dancer_measures, steady_legs, working_side
from technique.analysis.motion import MOTION, MotionConfig, feet_pointed
from technique.capture.framing import mostly_upright
from technique.capture.people import head_directions
from technique.capture.pose import PoseConfig
from technique.judging.references import Reference, get_reference
from technique.analysis.smoothing import SmoothingConfig, TrackArrays, fill_gaps
from technique.capture.video import VideoInfo
from technique.wording import listed, say

if TYPE_CHECKING:  # imported where they are used
    from technique.judging.stories import Story
    from technique.judging.teacher import Comparison



@dataclass(frozen=True)
class FrameConfig:
    """Judging a stream frame by frame (live practice).

    leg_switch_s, leg_margin: in "auto", the other leg becomes the working leg once its ankle has
        stood more than leg_margin leg lengths higher than the current one's for leg_switch_s.
    view_window_s: the camera view is the median of the body's yaw over this window.
    key_count: how many key angles a frame shows.
    """

    leg_switch_s: float = 0.4
    leg_margin: float = 0.15
    view_window_s: float = 1.0
    key_count: int = 3


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
    frames: FrameConfig = FrameConfig()
    motion: MotionConfig = MOTION  # what counts as moving, resting, turning and rising
    # a pose tracker is sequential: a clip longer than split_above_s is read in read_in_parts parts at
    # once (one per core), each later part starting warm_up_s early so its tracker has settled where
    # it takes over (1 for batch workers, who already use every core)
    read_in_parts: int = 2
    split_above_s: float = 6.0
    warm_up_s: float = 1.0


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
    dancer: tuple[int, int] | None = None  # in a class clip: her number from the left, of how many

    @property
    def reference(self) -> Reference | None:
        return self.judgement.reference if self.judgement else None


def camera_view(measures: dict[str, np.ndarray], detected: np.ndarray, motion: MotionConfig = MOTION) -> str:
    """Where the camera stands, from how the dancer is turned while at rest (before and after the
    movement): a dancer who spins shows every angle, and her median says nothing about the camera."""
    from technique.analysis.motion import active_frames

    rest = detected & ~active_frames(measures, motion)
    yaw = measures["body_yaw"]
    return view_of(yaw[rest] if np.isfinite(yaw[rest]).sum() >= 5 else yaw[detected])


def missing_body_parts(track: TrackArrays, share: float = 0.5) -> list[str]:
    """Body parts hidden or out of frame in more than `share` of the frames with a person."""
    seen = track.detected
    if not seen.any():
        return []
    hidden = ~np.isfinite(track.pixels[seen][..., 0])
    return [part for part, idx in L.BODY_PARTS.items() if hidden[:, list(idx)].all(axis=1).mean() > share]


def not_seen_whole(track: TrackArrays, missing: list[str]) -> str:
    """Why no movement can be named from this clip ("" when it can): the legs the measures rest on
    (hips, knees, ankles) hidden or out of frame for most of it, or a body that is not upright for most
    of it (a body MediaPipe guessed from part of itself in a cropped picture comes out folded or upside
    down: every angle and height would be a guess's)."""
    legs = [part for part in missing if part in LEGS_NEEDED]
    if legs:
        return say("legs_unseen", parts=", ".join(legs))
    if not mostly_upright(head_directions(track.pixels[track.detected])):  # the finder's own rule
        return say("not_upright_for_naming")
    return ""


LEGS_NEEDED = ("hips", "knees", "ankles")  # every measure of a movement rests on them


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
        warnings.append(say("other_leg_moves", named=working, moving=moving))
    from technique.analysis.motion import clip_measures

    # the seconds between frames: the measures' windows are in time, whatever the frame rate
    frame_s = float(np.median(np.diff(track.times))) if len(track.times) > 1 else 1.0 / max(info.fps, 1.0)
    # the named leg is kept as named: re-pairing the legs would silently undo the user's choice
    if working == moving:
        pixels, world = steady_legs(pixels, world, working, frame_s)
    missing = missing_body_parts(track)
    unseen = not_seen_whole(track, missing)
    # how far the camera looks down on her: read from her line standing, shoulders to ankles, so only
    # where those are seen (a head out of frame doesn't matter)
    pitch = camera_pitch(pixels, world) if not (unseen or "shoulders" in missing) else float("nan")
    measures = clip_measures(dancer_measures(pixels, world, working, pitch=pitch, frame_s=frame_s), track.times, world)
    view = camera_view(measures, track.detected, config.motion)
    if missing:
        warnings.append(say("body_hidden", parts=", ".join(missing)))
    if unseen:  # what the measures rest on is not in the picture: judged if named, never named from it
        warnings.append(say("not_named_unseen", why=unseen))
        config = dataclasses.replace(config, recognised_above=math.inf)
    # what it hides is not judged (judge.looked_down_on)
    if looks_down(pitch, view):
        warnings.append(say("camera_high", degrees=pitch))
    # filmed from behind (the back of the studio), not a turn that shows her back for a moment
    if back_turned(measures["facing_away"]) and faces_one_way(measures["facing_x"]):
        warnings.append(say("back_to_camera"))
    active = track.detected
    ranked = candidates(references, measures, active, view)
    recognition = [(c.name, c.confidence) for c in ranked]
    segments = judge_segments(measures, track.times, world, active, view, movement, references, ", ".join(missing),
                              config.recognised_above, config.motion)
    reference, explanation = name_the_clip(movement, ranked, segments, references, measures, active, view,
                                           track.times, config, warnings)
    judgement = judge(reference, measures, view, active, ", ".join(missing)) if reference else None
    from technique.judging.teacher import compare_clip

    spans = [(seg.start, seg.stop) for seg in segments]
    if segments or reference is None:  # a clip that is one movement already named is that movement throughout
        pointed_without_a_name(measures, track.times, spans, working, warnings, config.motion)
    comparison = compare_clip(measures, track.times, spans, view, reference, references)
    if comparison is not None and comparison.note:
        warnings.append(comparison.note)
    return Analysis(info, track, working, view, measures, judgement, recognition, bool(movement), warnings,
                    segments, comparison, explanation)


def name_the_clip(movement: str | None, ranked: list[Candidate], segments: list[SegmentResult],
                  references: dict[str, Reference], measures: dict[str, np.ndarray], active: np.ndarray,
                  view: str, times: np.ndarray, config: AnalysisConfig,
                  warnings: list[str]) -> tuple[Reference | None, str]:
    """The clip's one movement and why (given, recognised, or its only recognised segment), or None:
    several movements (each judged in its segment), or none recognised (and why, in the warnings)."""
    recognised = [seg for seg in segments if seg.movement]
    if movement:
        reference = get_reference(movement, references)
        given = fit_of(reference, measures, active, view, as_judged=True)
        if given.fit < config.recognised_above and reference.recognise:
            warnings.append(say("not_as_named", title=reference.title.lower(), against=given.against()))
        return reference, given.because()
    if ranked and ranked[0].confidence >= config.recognised_above and len(recognised) <= 1:
        reference = references[ranked[0].name]
        return reference, with_caveat(ranked[0].because(), reference)
    if len(recognised) == 1:  # one movement, found once the rests around it are set aside
        return references[recognised[0].movement], recognised[0].explanation
    if len(recognised) > 1:
        names = ", ".join(f"{seg.movement} at {times[seg.start]:.1f} s" for seg in recognised)
        warnings.append(say("several_movements", count=len(recognised), names=names))
        return None, ""
    explanation = not_recognised(ranked, references, view)
    warnings.append(explanation)
    return None, explanation


def pointed_without_a_name(measures: dict[str, np.ndarray], times: np.ndarray, movements: list[tuple[int, int]],
                           working: str, warnings: list[str], motion: MotionConfig) -> None:
    """Say where a foot pointed with the leg under her outside every movement found (motion.feet_pointed):
    a tendu along the line of sight, which the report would otherwise pass over in silence (the tendu
    tutorial's two tendus devant from the front)."""
    found = feet_pointed(measures, times, movements, motion)
    for foot in ("working", "supporting"):
        at = [f"{times[a]:.1f}–{times[b - 1]:.1f} s" for a, b, f in found if f == foot]
        if at:
            side = working if foot == "working" else OTHER[working]
            warnings.append(say("pointed_unnamed", side=side, spans=listed(at)))


def with_caveat(explanation: str, reference: Reference) -> str:
    """The explanation, plus what the reference file says this movement can't be told apart from."""
    caveat = (reference.extra or {}).get("caveat")
    return say("caveat", explanation=explanation, caveat=caveat) if isinstance(caveat, str) and caveat else explanation


def not_recognised(ranked: list[Candidate], references: dict[str, Reference], view: str) -> str:
    """Why no movement is named: the closest one and what doesn't fit, or what this view can't show."""
    if not ranked or ranked[0].fit < 0.3:
        closest = ranked[0] if ranked else None
        why = say("closest_but", title=references[closest.name].title, against=closest.against()) if closest else ""
        return say("not_ballet", why=why)
    best = ranked[0]
    rivals = [c for c in ranked[1:] if c.fit >= best.fit - 0.05]
    if rivals:
        names = " or ".join(references[c.name].title for c in [best, *rivals[:2]])
        return say("could_be", names=names, because=best.because(), against=best.against() or say("view_cant_tell"))
    return say("closest", title=references[best.name].title, confidence=best.confidence, because=best.because(),
               against=best.against())


def judge_segments(measures: dict[str, np.ndarray], times: np.ndarray, world: np.ndarray, active: np.ndarray,
                   view: str, movement: str | None, references: dict[str, Reference],
                   missing: str = "",
                   recognised_above: float = AnalysisConfig.recognised_above,
                   motion: MotionConfig = MOTION) -> list[SegmentResult]:
    """Split the clip into movements and judge each on its own frames, with its motion story."""
    from technique.analysis.motion import only, segment_clip
    from technique.judging.stories import tell

    out = []
    for start, stop in segment_clip(measures, times, motion):
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
