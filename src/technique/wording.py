"""The words technique says that are not in the reference files, in one place.

Corrections, criterion names and clue words live beside their bands in ``reference_poses/``; what is
said about any clip (how a value is written, what the framing or the recognition found) lives here,
so that a teacher can reword it without reading code. Every stage may use it (it imports nothing).
"""

from __future__ import annotations

import math
from typing import Callable

UNITS = {
    "passe_toe_to_knee": "shank lengths", "passe_toe_off_leg": "shank lengths", "releve": "foot lengths", "working_ankle_rise": "leg lengths", "working_foot_raised": "leg lengths",
    "working_leg_forward": "leg lengths", "working_leg_side": "leg lengths", "working_toe_lift": "leg lengths",
    "feet_apart": "leg lengths", "feet_apart_shoulders": "shoulder widths", "releve_lift": "leg lengths", "heel_rise": "leg lengths", "hips_rise": "leg lengths", "supporting_foot_lift": "leg lengths", "facing_x": "", "facing_away": "", "time_s": "s", "leg_opened_s": "s",
    "hip_travel": "body heights",
    "body_height": "px", "hip_centre_x": "px", "hip_centre_y": "px",
    "supporting_ankle_x": "px", "supporting_ankle_y": "px",
}  # everything else is in degrees


def format_value(measure: str, value: float) -> str:
    """A measure as a teacher reads it: whole degrees ("171°"), or its unit ("0.12 leg lengths")."""
    if not math.isfinite(value):
        return "-"
    unit = UNITS.get(measure)
    return f"{value:.2f} {unit}" if unit else f"{value:.0f}°"


def good_band(good: tuple[float, float], acceptable: tuple[float, float]) -> str:
    """A criterion's good band as a teacher reads it: "from 166" where nothing above it is ever
    corrected (its high end is the acceptable one: a knee can't straighten past 190), "up to 0.1" where
    nothing below it is (a développé's toe above the knee), else "80..100"."""
    if good[1] == acceptable[1] and good[0] != acceptable[0]:
        return f"from {good[0]:g}"
    if good[0] == acceptable[0] and good[1] != acceptable[1]:
        return f"up to {good[1]:g}"
    return f"{good[0]:g}..{good[1]:g}"


def share_of_height(value: float) -> str:
    """A distance in body heights as a teacher reads it: \"1.2% of her height\"."""
    return f"{100 * value:.1f}% of her height"


def passe_words(toe_to_knee, short: bool = False) -> str:
    """Where the working toe was against the supporting knee (0 = at the knee, positive = below)."""
    if toe_to_knee is None or not math.isfinite(toe_to_knee):
        return "—"
    side = "below" if toe_to_knee > 0 else "above"
    return f"{abs(toe_to_knee):.2f} {side}" if short else f"toe {abs(toe_to_knee):.2f} shank lengths {side} the knee"


# What each time metric of stories.Story is called (page and summary alike), and how its value reads.
METRIC_WORDS: dict[str, tuple[str, Callable]] = {
    "time_to_reach_s": ("Time to reach the position", "{:.2f} s".format),
    "hold_s": ("Held for", "{:.2f} s".format),
    "height_at_hold": ("Leg height while held", "{:.0f}°".format),
    "height_steadiness_sd": ("Leg height varied by (SD)", "{:.1f}°".format),
    "hip_sway": ("Hips swayed by", share_of_height),
    "supporting_ankle_sway": ("Supporting ankle swayed by", share_of_height),
    "passe_reached": ("Passed through passé", lambda v: "yes" if v else "no"),
    "passe_toe_to_knee": ("At passé", passe_words),
    "passe_time_s": ("Passé at", "{:.2f} s".format),
    "unfold_s": ("Unfolded in", "{:.2f} s".format),
    "unfold_knee_rebend_deg": ("Knee re-bent while unfolding by", "{:.0f}°".format),
    "knee_at_end": ("Knee at full extension", "{:.0f}°".format),
    "height_at_extension": ("Leg height at full extension", "{:.0f}°".format),
    "hip_hike_highest": ("Hip hiked by (highest)", "{:.0f}°".format),
    "supporting_knee_lowest": ("Supporting knee at its most bent", "{:.0f}°".format),
    "turns": ("Turns", "{}".format),
    "rotation_deg": ("Turned through", "{:.0f}°".format),
    "direction": ("Direction", "{}".format),
    "turns_per_second": ("Tempo", "{:.2f} turns/s".format),
    "tempo_steadiness_cv": ("Tempo varied between turns by", "{:.0%}".format),
    "extension_height_sd": ("Leg height at second varied by (SD)", "{:.1f}°".format),
    "travel_body_heights": ("Travelled", share_of_height),
    "relevé_in_turns": ("Turns on relevé", "{}".format),
    "plie_down_s": ("Going down took", "{:.2f} s".format),
    "plie_up_s": ("Coming up took", "{:.2f} s".format),
    "plie_rhythm": ("Down / up (even: 0.8-1.25)", "{:.2f}".format),
    "plie_bottom_s": ("At the bottom for", "{:.2f} s".format),
    "plie_knee_lowest": ("Knees at their most bent", "{:.0f}°".format),
    "heels_rise_highest": ("Heels rose by (highest)", "{:.2f} leg lengths".format),
}


# the angles live practice shows when no movement is chosen (analyser.stream)
FREE_PRACTICE = {"supporting_knee": "Supporting knee", "working_knee": "Working knee",
                 "working_leg_height": "Leg height"}

# a teacher's reference compared with a student (judging.teacher)
COMPARED_WORDS = {  # what a teacher says when the student's angle is smaller / larger than the reference's
    "working_knee": ("more bent", "straighter"),
    "supporting_knee": ("more bent", "straighter"),
    "working_leg_height": ("lower", "higher"),
    "working_thigh_height": ("lower", "higher"),
    "torso_tilt": ("more upright", "more tilted"),
}
JOINT_LABELS = {"working_knee": "working knee", "supporting_knee": "supporting knee",
                "working_leg_height": "working leg", "working_thigh_height": "working thigh", "torso_tilt": "torso"}

WORDS = {
    # reports (outputs.report)
    "summary_movements": "{name}: {count} movements, {leg} leg working, {view} view",
    "summary_not_recognised": "{name}: movement not recognised ({view} view)",
    "summary_movement": "{name}: {title} ({how}), {leg} leg working, {view} view, facing {facing}",
    "given": "given",
    "recognised": "recognised, {confidence:.0%}",
    "seen": "Seen: {why}",
    "because": "Because: {why}",
    "because_lower": "because: {why}",
    "worst_at": " · worst moment at {at:.2f} s",
    "score": "Score {score}{worst}",
    "corrections": "Corrections, most important first:",
    "correction_at": "{correction} (at {at:.2f} s)",
    "note": "Note: {note}",
    "compared_with": "Compared with {reference}: {similarity:.0%} similar ({joints})",
    "warning": "Warning: {warning}",
    "judged_of": "{judged} of {total} criteria judged, {view} view",
    "no_score": "- ({what}: too little can be judged for a score)",
    "facing_unknown": "unknown",
    "facing_camera": "towards the camera",
    "facing_away": "away from the camera",
    "facing_right": "to the right of the picture",
    "facing_left": "to the left of the picture",
    "follows_closely": "Your movement follows the reference closely: within 1° at every moment.",
    "differs_at": "At {when:.1f} s your {joint} is {by:.0f}° {word} than in the reference.",
    "views_differ": "The demonstration was filmed from the {her_view} view and this clip from the {view} view: "
                    "compared on what both show ({shown}).",
    "nothing": "nothing",
    # framing (capture.framing)
    "turned_on_side": "The video was turned on its side; analysed upright.",
    "upside_down": "The video was upside down; analysed upright.",
    "not_upright": "The dancer is not upright in the picture (lying down, upside down or a tilted camera?): "
                   "the scores assume an upright dancer and may be wrong.",
    "back_to_camera": "Her back is turned to the camera: from behind, MediaPipe places her feet and the leg "
                      "farther from the camera less surely, so fewer movements are named, her turnout and passé "
                      "are read less well and her heels are not judged. Film her from the front or the side "
                      "to be judged fully.",
    "camera_high": "The camera seems to look down on her (about {degrees:.0f}° from her pose): a raised leg's "
                   "height is judged only where the leg moves across the picture (à la seconde from the front, "
                   "devant and derrière from the side), and the foot at the knee only from the side. Film with "
                   "the camera at hip height.",
    "small_dancer": "The dancer is small (about {share:.0%} of the picture's height) and was found by looking "
                    "closer; film closer for finer detail.",
    "on_the_left": "on the left", "on_the_right": "on the right", "in_the_centre": "in the centre",
    "the_larger": " (the larger)", "the_largest": " (the largest)",
    "the_smaller": " (the smaller)", "the_smallest": " (the smallest)",
    "judged_the_one": "judged the one {place}",
    "judged_not_the_same": "the one judged was not always the same ({places})",
    "reflection_one": "the other is a reflection", "reflection_many": "the others are reflections",
    "people_in_picture": "{count} people in the picture; {judged}. If {mirror} in a mirror, all is well; "
                         "otherwise judge each dancer of the class (--dancer all, or --dancer N for the N-th from "
                         "the left; in the dashboard, the dancer's number).",
    # class clips (analyser.classes)
    "dancer_of": "dancer {number} of {count}",
    "dancer_in_class": "Dancer {number} of {count}, counted from the left of the picture (1 is the leftmost); "
                       "her classmates were blacked out to follow her.",
    "clip_dancer": "{name}, dancer {number} of {count} from the left",
    "reflections_maybe": "Backs to the camera: {away}; facing it: {towards}. If the camera looks towards a "
                         "mirror, those facing it may be reflections of the others, whose left and right are "
                         "swapped (a reflection's working leg is the dancer's other one).",
    "dancer_numbered": "dancer {numbers}", "dancers_numbered": "dancers {numbers}", "and": " and ",
    "dancer_title": "Dancer {number}: {title}",
    "class_summary": "{name}: {count} dancer(s), counted from the left of the picture: {dancers}",
    "class_not_judged": "not judged", "class_not_recognised": "not recognised",
    "not_recognised_title": "Movement not recognised",
    # verdicts and recognition (judging.judge)
    "film_from": "Film from the {views} to judge this.",
    "cant_judge_from": "Can't be judged from the {view} view. {film}",
    "bend_toward_camera": "From this side the {joint} points at the camera, so {shows} can't be seen. {film}",
    "film_front_or_side": "Film from the front or the side to judge this.",
    "height_from_above": "The camera looks down on her (about {degrees:.0f}°): from the {view} view a raised leg's height "
                         "can't be measured. Film with the camera at hip height to judge this.",
    "doubt_given": "From the {view} view this reads up to {doubt} off: not called a fault within that.",
    "covered_by_leg": "From this side the working leg hides the {joint}: film from the front or her other side to judge this.",
    "hold_glimpsed": "Only a glimpse of {moment} (the leg's reading jumped there): the working leg is not "
                     "judged; film so the whole leg stays in view through the hold.",
    "hidden_from_behind": "With her back to the camera {why}: film from the front or the side to judge this.",
    "out_of_view": " ({parts} out of view)",
    "joints_not_visible": "The joints for this were not visible{where}: film the whole body.",
    "moments_not_reached": "Not reached in this clip: {moments}.",
    "clue_times": "{says} ({value:.0f} times)",
    "clue_degrees": "{says} ({value:.0f}°)",
    "clue_seconds": "{says} ({value:.1f} s)",
    "clues_missing": "missing {clues}",
    "clues_partly": "only partly {clues}",
    "view_cant_show": "this view can't show {clues}",
    "shown_from": "only a {views} view shows it",
    "few_clues_seen": "this view shows too few of its signs",
    # reading a file (capture.video)
    "frame_rate_assumed": "The file doesn't state its frame rate clearly; {fps:g} frames/s was assumed, so times "
                          "(how long a position is held, the tempo of turns) may be off.",
    "time_goes_back": "The clip's timestamps go back by {by:.2f} s at frame {index} (after {after:.2f} s): it looks "
                      "like clips joined together. Times were made continuous, in the order the frames are stored; "
                      "re-export the clip if that order is wrong.",
    # movements told in time (judging.stories)
    "arabesque_not_reached": "The arabesque never reached 30° of height.",
    "never_unfolded": "The leg never unfolded above 30°.",
    "no_passe_on_the_way": "The working knee never bent below 120° before the extension: no passé on the way.",
    "no_complete_turn": "No complete turn found (the body turned {turned:.0f}°).",
    "out_of_view_in_turns": "The dancer was out of view from {start:.1f} to {stop:.1f} s: turns there may be missed; "
                            "keep the whole body in the picture.",
    "clockwise": "clockwise seen from above",
    "anticlockwise": "anticlockwise seen from above",
    "no_plie": "The knees never bent into a plié.",
    # reading a stream (analyser.stream)
    "part_read": "Only part of the clip could be read: {problem}.",
    "dancer_missing": "The dancer was not found in {share:.0%} of the frames.",
    # judging a clip (analyser.clip)
    "other_leg_moves": "The {named} leg was named as the working leg, but the {moving} leg is the one that rises "
                       "in this clip: check --working-leg.",
    "body_hidden": "Not visible for most of the clip: {parts}. Those criteria can't be judged; film the whole body.",
    "not_named_unseen": "No movement is named from this clip: {why}. Film the whole body, upright, head to feet.",
    "legs_unseen": "the {parts} are out of view for most of it",
    "not_upright_for_naming": "the body is not upright in the picture for most of it",
    "not_as_named": "This clip doesn't look like {title} as named: {against}. The criteria are judged as asked, "
                    "but check the name and the working leg.",
    "several_movements": "This clip holds {count} movements ({names}); each is judged on its own.",
    "pointed_unnamed": "At {spans} her {side} foot pointed with the leg under her, as a tendu's does along the "
                       "camera's line of sight (devant or derrière seen from the front, à la seconde from the "
                       "side): this view can't show where that leg went, so it is neither named nor judged. "
                       "Film so the leg moves across the picture.",
    "not_ballet": "This does not look like a ballet movement I know{why}. Name it with --movement if it is one.",
    "closest_but": " (closest: {title}, but {against})",
    "could_be": "Movement not recognised with confidence: it could be {names} ({because}); {against}. "
                "Name it with --movement, or film from another side.",
    "view_cant_tell": "they differ in what this view cannot show",
    "closest": "Movement not recognised with confidence: closest {title} {confidence:.0%} ({because}; but {against}). "
               "Name it with --movement.",
    "caveat": "{explanation} (note: {caveat})",
    # live practice (apps.live)
    "step_into_view": "Step into view: the whole body, head to feet",
    "hold_it": "Hold it.",
    "free_practice": "Free practice",
}


def say(key: str, **values) -> str:
    """The words for `key`, with its values filled in."""
    return WORDS[key].format(**values)


def listed(items: list[str]) -> str:
    """Items as a teacher lists them: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + say("and") + items[-1]
