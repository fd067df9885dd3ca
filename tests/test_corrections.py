"""Corrections point the right way, and the worst fault comes first.

A correction is chosen by which side of the good band a value falls (``low`` below it, ``high``
above it), so its words must ask for the change that brings the value back: for a measure that
grows as the foot drops (passé), "too high" means "bring the foot up". These tests read every
built-in reference, so a new file with swapped texts fails here.
"""

from __future__ import annotations

import numpy as np
import pytest

from technique import landmarks as L
from technique.judging.judge import judge
from technique.analysis.measures import MEASURE_NAMES, dancer_measures
from technique.judging.references import load_references

REFS = load_references(user=False)

# For each measure, words a correction must use when the value is too low (the fix raises the value)
# and when it is too high (the fix lowers it). Read as: "value too low -> say one of these".
DIRECTION_WORDS = {
    # leg height from vertical: low = leg too low
    "working_leg_height": (("lift", "up to", "leg up", "higher", "leave the floor", "extend"),
                           ("hip height", "no higher", "low", "than the exercise", "below")),
    "working_thigh_height": (("lift",), ("at hip height",)),
    # knee angle (180 = straight): low = too bent
    "working_knee": (("open", "stretch", "straighten"), ("bend",)),
    "plie_knee": (("don't go so low", "don't sit", "control"), ("bend", "go all the way down")),
    # toe below the knee in shank lengths: low = toe above the knee, high = toe below it
    "passe_toe_to_knee": (("at the knee", "not above", "any higher"), ("up",)),
    # working hip above the supporting hip: low = sinking into the supporting hip
    "hip_hike": (("lift out", "sink"), ("hike",)),
    "feet_apart": (("wider", "open"), ("closer", "together")),
    "feet_apart_shoulders": (("wider", "open"), ("closer", "together")),
}


def directional_criteria():
    for ref in REFS.values():
        for c in ref.criteria:
            if c.correction_low != c.correction_high:
                yield pytest.param(ref.name, c, id=f"{ref.name}.{c.id}")


@pytest.mark.parametrize("movement, criterion", list(directional_criteria()))
def test_every_correction_asks_for_the_change_its_side_of_the_band_needs(movement, criterion):
    assert criterion.measure in DIRECTION_WORDS, (
        f"{movement}.{criterion.id}: add {criterion.measure!r} to DIRECTION_WORDS so its corrections are checked")
    raise_words, lower_words = DIRECTION_WORDS[criterion.measure]
    low, high = criterion.correction_low.lower(), criterion.correction_high.lower()
    assert any(w in low for w in raise_words), f"{movement}.{criterion.id} low: {criterion.correction_low!r}"
    assert any(w in high for w in lower_words), f"{movement}.{criterion.id} high: {criterion.correction_high!r}"


def standing(toe_y: float) -> tuple[np.ndarray, np.ndarray]:
    """A dancer standing on her left leg (pixels, y down); the right toe at height toe_y."""
    p = np.zeros((L.COUNT, 2))
    p[L.LEFT_SHOULDER], p[L.RIGHT_SHOULDER] = (330, 100), (270, 100)
    p[L.LEFT_HIP], p[L.RIGHT_HIP] = (320, 250), (280, 250)
    p[L.LEFT_KNEE], p[L.LEFT_ANKLE] = (320, 350), (320, 450)
    p[L.LEFT_HEEL], p[L.LEFT_TOE] = (315, 460), (340, 462)
    p[L.RIGHT_KNEE], p[L.RIGHT_ANKLE] = (220, 300), (300, toe_y - 10)
    p[L.RIGHT_HEEL], p[L.RIGHT_TOE] = (295, toe_y - 12), (318, toe_y)
    p[L.NOSE], p[L.LEFT_EAR], p[L.RIGHT_EAR] = (300, 40), (315, 45), (285, 45)
    return p, np.zeros((L.COUNT, 3))


@pytest.mark.parametrize("toe_y, sign", [(400, 1), (300, -1)])
def test_passe_measure_is_positive_with_the_foot_below_the_knee(toe_y, sign):
    pixels, world = standing(toe_y)
    value = float(dancer_measures(pixels, world, "right")["passe_toe_to_knee"])
    assert np.sign(value) == sign


def test_a_foot_below_the_knee_in_passe_is_told_to_come_up():
    passe = REFS["passe"]
    toe = next(c for c in passe.criteria if c.measure == "passe_toe_to_knee")
    pixels, world = standing(400)
    value = float(dancer_measures(pixels, world, "right")["passe_toe_to_knee"])
    assert value > toe.good[1]
    assert "up" in toe.correction_high.lower()


def arabesque_clip(n: int = 90, supporting: float = 176.0, height: float = 90.0) -> dict[str, np.ndarray]:
    t = np.arange(n)
    rise = np.clip((t - 10) / 25, 0, 1) * np.clip((80 - t) / 10, 0, 1)
    m = {name: np.full(n, np.nan) for name in MEASURE_NAMES}
    m.update(working_leg_height=height * rise, supporting_knee=np.full(n, supporting),
             working_knee=np.full(n, 172.0), torso_tilt=np.full(n, 8.0), working_foot_point=np.full(n, 160.0))
    return m


def test_the_worst_criterion_at_score_zero_is_the_first_correction_and_the_worst_moment():
    m = arabesque_clip(supporting=120.0, height=78.0)  # knee far past its band (0); leg slightly low
    m["supporting_knee"][46:55] = 100.0  # its worst moment, 0.3 s
    m["supporting_knee"][40] = 60.0  # one frame of MediaPipe's leg jumping: no moment to show
    j = judge(REFS["arabesque"], m, "side", np.ones(90, bool))
    knee = next(v for v in j.verdicts if v.criterion.id == "supporting_knee")
    assert knee.score == 0
    assert j.corrections[0].criterion.id == "supporting_knee"
    assert j.worst_frame == knee.worst_frame and 46 <= knee.worst_frame < 55
    assert knee.worst_value == 100.0


def test_no_worst_moment_when_nothing_needs_correcting():
    j = judge(REFS["arabesque"], arabesque_clip(), "side", np.ones(90, bool))
    assert j.score == 100 and not j.corrections
    assert j.worst_frame is None
