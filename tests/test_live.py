"""Live practice: the steadying logic on constructed inputs, and LiveCoach on real clips with the real model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import sample

from technique.apps.live import NO_DANCER, LiveCoach, SteadyText, _HoldTimer
from technique.judging.judge import key_criteria
from technique.judging.references import load_references


@pytest.fixture(scope="module")
def references():
    return load_references()


def frames_of(path):
    from technique.capture.video import VideoReader

    with VideoReader(path) as reader:
        return [(f.image, f.time_s) for f in reader]


@pytest.fixture(scope="module")
def arabesque_frames():
    return frames_of(sample("first_to_arabesque__side_right"))


def run(coach, frames):
    return [coach.process(image, t) for image, t in frames]


# ----------------------------------------------------------------------------- steadying, no model

@pytest.mark.parametrize("inputs, expected", [
    # (text, time) -> shown: a new text shows only once it has lasted 0.5 s
    ([("a", 0.0), ("a", 0.4), ("a", 0.5), ("a", 0.9)], ["", "", "a", "a"]),
    # a flicker shorter than 0.5 s never shows
    ([("a", 0.0), ("a", 0.6), ("b", 0.7), ("a", 0.9), ("a", 1.5)], ["", "a", "a", "a", "a"]),
    # alternating every frame: nothing new is ever shown
    ([("a" if k % 2 else "b", k / 30) for k in range(60)], [""] * 60),
    # clearing also waits 0.5 s
    ([("a", 0.0), ("a", 0.5), ("", 0.6), ("", 1.0), ("", 1.1)], ["", "a", "a", "a", ""]),
])
def test_steady_text_waits_for_a_cue_to_hold(inputs, expected):
    steady = SteadyText(0.5)
    assert [steady.update(text, t) for text, t in inputs] == expected


def test_hold_timer_counts_through_short_wobbles_and_keeps_the_best():
    timer = _HoldTimer(grace_s=0.3)
    steps = [(True, 0.0), (True, 1.0), (False, 1.2), (True, 1.3), (True, 2.0), (False, 2.1), (False, 2.5),
             (True, 3.0), (True, 3.5)]
    held = [timer.update(flag, t) for flag, t in steps]
    assert held == pytest.approx([0.0, 1.0, 1.0, 1.3, 2.0, 2.0, 0.0, 0.0, 0.5])
    assert timer.best == pytest.approx(2.0)


def test_a_moment_is_reached_past_its_threshold_on_the_drivers_side(references):
    arabesque, passe = references["arabesque"], references["passe"]
    hold, up = arabesque.moments["hold"], next(iter(passe.moments.values()))
    assert hold.reached(85.0) and not hold.reached(20.0) and not hold.reached(math.nan)
    assert up.reached(60.0) and not up.reached(170.0)
    assert list(hold.reached(np.array([85.0, math.nan, 20.0]))) == [True, False, False]


@pytest.mark.parametrize("view, expected", [
    ("side", ["supporting_knee", "working_knee", "working_leg_height"]),
    ("front", ["supporting_knee"]),  # from the front only the supporting knee of an arabesque can be judged
])
def test_key_criteria_are_the_heaviest_judgeable_from_the_view(references, view, expected):
    assert [c.measure for c in key_criteria(references["arabesque"], view)] == expected


# ----------------------------------------------------------------------------- the real model

def test_live_arabesque_holds_counts_and_keeps_the_right_leg(references, arabesque_frames):
    with LiveCoach(references["arabesque"], "auto", mirror=False) as coach:
        out = run(coach, arabesque_frames)
    states = [s for _, s in out]
    assert [s.frame for s in states] == list(range(1, len(arabesque_frames) + 1))
    assert all(s.working_leg == "right" for s in states[10:])
    assert {s.view for s in states[10:]} == {"side"}
    assert states[-1].best_hold_s > 1.5  # the arabesque is held about two seconds
    assert states[-1].fps > 0 and all(s.process_ms > 0 for s in states)
    # the overlay names the angles that matter for an arabesque seen from the side
    assert [v.name for v in states[60].values] == ["Supporting knee straight", "Working knee straight", "Leg height"]
    assert all(v.band in ("good", "acceptable", "fault") for v in states[60].values)
    # every correction shown comes from the reference, and none flickers
    corrections = {c.correction_low for c in references["arabesque"].criteria} | {
        c.correction_high for c in references["arabesque"].criteria}
    shown = [s.cue for s in states]
    assert set(shown) <= corrections | {""}
    # a correction appears only after it has lasted 0.5 s (it may go at once: the frame no longer needs it)
    changes = [(states[k].time_s, shown[k]) for k in range(1, len(states)) if shown[k] != shown[k - 1]]
    assert all(b - a >= 0.5 - 1e-6 for (a, _), (b, text) in zip(changes, changes[1:]) if text)
    image = out[60][0]
    assert image.shape == arabesque_frames[60][0].shape and image.dtype == np.uint8
    assert not np.array_equal(image, arabesque_frames[60][0])  # skeleton and text were drawn


def test_auto_leg_finds_the_left_leg_in_a_mirrored_clip(references, flipped_arabesque):
    with LiveCoach(references["arabesque"], "auto") as coach:
        states = [s for _, s in run(coach, frames_of(flipped_arabesque))]
    held = [s for s in states if s.holding]
    assert held and all(s.working_leg == "left" for s in held)


def test_mirror_flips_the_picture_but_not_the_measures(references, arabesque_frames):
    frames = arabesque_frames[40:70]
    with LiveCoach(references["arabesque"], "right", mirror=False) as plain, \
            LiveCoach(references["arabesque"], "right", mirror=True) as mirrored:
        a = run(plain, frames)
        b = run(mirrored, frames)
    assert [s.values for _, s in a] == [s.values for _, s in b]
    assert [s.cue for _, s in a] == [s.cue for _, s in b]
    # bottom-right corner (no drawing there): the mirrored view shows the frame's bottom-left corner
    original = frames[-1][0]
    assert np.array_equal(b[-1][0][-40:, -8:], original[-40:, :8][:, ::-1])


def test_no_dancer_asks_to_step_into_view(references):
    blank = np.full((480, 640, 3), 90, np.uint8)
    with LiveCoach(references["arabesque"]) as coach:
        states = [coach.process(blank, k / 30)[1] for k in range(25)]
    assert not any(s.person for s in states)
    assert states[5].cue == ""  # not at once: the message waits like any correction
    assert states[-1].cue == NO_DANCER


def test_configure_changes_the_movement_without_a_new_stream(references, arabesque_frames):
    with LiveCoach(None) as coach:
        _, state = coach.process(*arabesque_frames[60])
        assert state.movement == "" and [v.name for v in state.values][0] == "Supporting knee"
        analyser = coach._analyser
        coach.configure(references["arabesque"], "right", True)
        _, state = coach.process(*arabesque_frames[61])
        assert state.movement == "Arabesque" and state.frame == 2 and coach._analyser is analyser
    with pytest.raises(ValueError):
        LiveCoach.configure(coach, None, "both")


# ----------------------------------------------------------------------------- one frame, one story

def correction_sources(reference) -> dict[str, str]:
    """Each correction's words -> the name of the criterion that says them."""
    out = {}
    for c in reference.criteria:
        out[c.correction_low] = out[c.correction_high] = c.name
    return out


def panel_red(image: np.ndarray) -> int:
    """Pixels of the fault colour (BGR (60, 60, 230)) in the top-left panel of a drawn frame."""
    panel = image[: image.shape[0] // 3, : image.shape[1] // 2].astype(int)
    b, g, r = panel[..., 0], panel[..., 1], panel[..., 2]
    return int(((r > 200) & (g < 90) & (b < 90)).sum())


@pytest.mark.parametrize("movement", ["arabesque", "developpe_devant"])
def test_the_correction_and_the_colours_come_from_the_same_frame(references, arabesque_frames, movement):
    """A correction is shown only over the frame whose angle it corrects (amber or red there), and
    "Hold it." only while everything judged is good: never "lift the leg" over a leg in the green."""
    reference = references[movement]
    sources = correction_sources(reference)
    with LiveCoach(reference, "right", mirror=False) as coach:
        out = run(coach, arabesque_frames)
    cued = 0
    for image, state in out:
        bands = {v.name: v.band for v in state.values}
        if state.cue and state.cue != NO_DANCER:
            cued += 1
            assert bands.get(sources[state.cue]) in ("acceptable", "fault"), (state.frame, state.cue, bands)
            assert state.message == state.cue
        if state.message == "Hold it.":
            assert state.holding and all(b == "good" for b in bands.values() if b)
        # the picture shows the same bands: red in the panel exactly when a shown angle is a fault
        assert (panel_red(image) > 30) == ("fault" in bands.values()), (state.frame, bands)
    assert cued > 0 or movement == "arabesque"  # the arabesque taken as a développé leans: a correction
    assert any(s.message == "Hold it." for _, s in out) or movement != "arabesque"


def test_angles_are_coloured_only_while_their_moment_is_held(references, arabesque_frames):
    with LiveCoach(references["arabesque"], "right", mirror=False) as coach:
        states = [s for _, s in run(coach, arabesque_frames)]
    preparation = [s for s in states[:25] if not s.holding]
    assert preparation and all(v.band == "" for s in preparation for v in s.values)  # leg down: no red "1°"
    assert all(v.band for s in states if s.holding for v in s.values if v.text != "-")


def test_a_corrected_fault_is_no_longer_said(references):
    from technique.apps.live import still_true

    arabesque = references["arabesque"]
    height = next(c for c in arabesque.criteria if c.measure == "working_leg_height")
    low = height.correction_low
    assert still_true(low, height, arabesque, {"working_leg_height": 50.0}, person=True)
    assert not still_true(low, height, arabesque, {"working_leg_height": 90.0}, person=True)  # in the green now
    assert not still_true(low, height, arabesque, {"working_leg_height": 10.0}, person=True)  # leg down: not held
    assert not still_true(low, height, arabesque, {"working_leg_height": 50.0}, person=False)
    assert still_true(NO_DANCER, None, arabesque, {}, person=False)
