"""The annotated video: what each frame says (decided on real analyses of the sample clips, then read
back from the written video) and how legible it is (a TrueType font, sizes that follow the frame,
bones visible on pale tights)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import sample

from technique.outputs.overlay import (AMBER, BLACK, RED, SKY, WHITE, cue_layout, draw_skeleton, font_file, text_px,
                               text_width)
from technique.outputs.report import frame_marks, worst_moment

ARABESQUE = sample("first_to_arabesque__side_right")
DEVELOPPE = sample("developpe_devant__side_right")
FOUETTE = sample("fouette_turns__front")
# a render (tools/synthetic-dancer, benchmarks/renders) of an arabesque on a bent supporting knee: one correction
FLAWED = Path(__file__).parent / "data" / "arabesque_bent_supporting_knee__side_right.mp4"


def span_frames(analysis, moment: str) -> set[int]:
    return {int(i) for i in analysis.judgement.spans[moment].frames}


# ----------------------------------------------------------------------------- what each frame says

def test_a_frame_is_judged_only_while_its_moment_is_held(analyses):
    analysis = analyses(ARABESQUE)
    hold = span_frames(analysis, "hold")
    marks = [frame_marks(analysis, i) for i in range(len(analysis.track.times))]
    preparation = range(0, min(hold))
    # the preparation (leg down, about 1°) is shown in grey, not as a red "Leg height 1°"
    leg = [m.lines[2] for m in marks]
    assert leg[0].text.startswith("Leg height: ") and leg[0].band is None
    assert all(m.lines[k].band is None for i in preparation for m in [marks[i]] for k in range(3))
    assert all(marks[i].cue == "" for i in preparation)
    # while held, every key angle is judged, and here all of them are good
    assert all(marks[i].lines[k].band == "good" for i in hold for k in range(3))


def test_the_knee_is_not_judged_stretched_while_it_bends_at_passe(analyses):
    analysis = analyses(DEVELOPPE)
    passe, extension = span_frames(analysis, "passe"), span_frames(analysis, "extension")
    knee = [frame_marks(analysis, i).lines[0] for i in range(len(analysis.track.times))]
    assert knee[0].text.startswith("Knee fully stretched")
    bent = [i for i in passe if float(analysis.measures["working_knee"][i]) < 120]
    assert bent, "the sample's passé bends the knee"
    assert all(knee[i].band is None for i in bent)  # no red "Knee fully stretched 89°" at passé
    assert all(knee[i].band in ("good", "acceptable", "fault") for i in extension)


def test_no_worst_moment_when_nothing_needs_correcting(analyses):
    clean = analyses(ARABESQUE)
    assert clean.judgement.score == pytest.approx(100) and not clean.judgement.corrections
    assert worst_moment(clean.judgement) is None
    assert not any(frame_marks(clean, i).worst for i in range(len(clean.track.times)))

    flawed = analyses(FLAWED)  # the supporting knee is bent: one correction
    worst = worst_moment(flawed.judgement)
    assert flawed.judgement.corrections and worst is not None
    marked = [i for i in range(len(flawed.track.times)) if frame_marks(flawed, i).worst]
    assert worst in marked and max(marked) - min(marked) <= flawed.info.fps * 0.5 + 1


def reddish(region: np.ndarray) -> int:
    """Pixels drawn in the fault colour (BGR ~ (60, 60, 230)), allowing for the video codec."""
    b, g, r = (region[..., k].astype(int) for k in range(3))
    return int(((r > 170) & (g < 120) & (b < 130)).sum())


def greenish(region: np.ndarray) -> int:
    b, g, r = (region[..., k].astype(int) for k in range(3))
    return int(((g > 150) & (r < 140) & (b < 130)).sum())


def test_the_written_video_is_not_red_in_the_preparation(analyses, tmp_path):
    from technique.outputs.report import write_annotated_video
    from technique.capture.video import VideoReader

    from test_prefetch import finishes

    analysis = analyses(ARABESQUE)
    kind, path = finishes(lambda: write_annotated_video(analysis, ARABESQUE, tmp_path / "annotated.mp4"))
    assert kind == "ok", path
    middle_of_hold = int(np.median(analysis.judgement.spans["hold"].frames))
    wanted = {5: None, middle_of_hold: None}
    with VideoReader(path) as video, VideoReader(ARABESQUE) as clip:
        for drawn, raw in zip(video, clip):
            if drawn.index in wanted:
                wanted[drawn.index] = (drawn.image, raw.image)
    px = text_px((analysis.info.height, analysis.info.width))
    panel = (slice(0, 6 * px), slice(0, analysis.info.width // 2))  # title and key angles
    prep_drawn, prep_raw = wanted[5]
    hold_drawn, hold_raw = wanted[middle_of_hold]
    assert reddish(prep_drawn[panel]) <= reddish(prep_raw[panel]) + 5
    assert greenish(hold_drawn[panel]) > greenish(hold_raw[panel]) + 200  # the check can see colour


# ----------------------------------------------------------------------------- legibility

def test_a_truetype_font_draws_accents_and_degrees():
    from technique.outputs.overlay import _glyph

    assert font_file() is not None and font_file().name == "DejaVuSans.ttf"
    degree, question = _glyph("°", 24)[1], _glyph("?", 24)[1]
    assert degree.any() and not np.array_equal(degree, question)
    e_acute, e = _glyph("é", 24)[1], _glyph("e", 24)[1]
    assert e_acute.sum() > e.sum()  # the accent is drawn
    assert text_width("Développé 90°", 24) < text_width("Developpe 90 deg", 24)


def test_text_follows_the_frame_so_a_portrait_clip_stays_readable():
    portrait = (854, 480, 3)
    px = text_px(portrait)
    assert px >= 20 and text_px((1080, 1920, 3)) > text_px((480, 640, 3))
    cue = "Lift the chest and keep the back up; don't drop the chest to get the leg up."
    parts, size = cue_layout(cue, 480, px, 1.3)
    assert size >= px and all(text_width(p, size) <= 460 for p in parts)
    assert " ".join(parts) == cue


def test_supporting_leg_bones_stand_out_on_pale_tights(analyses):
    from technique import landmarks as L

    analysis = analyses(ARABESQUE)
    frame = int(analysis.judgement.spans["hold"].frames[0])
    pixels = analysis.track.pixels[frame]
    pale = np.full((analysis.info.height, analysis.info.width, 3), (235, 240, 250), np.uint8)  # pale pink
    draw_skeleton(pale, pixels, "right")
    for (a, b), colour in (((L.LEFT_KNEE, L.LEFT_ANKLE), SKY), ((L.RIGHT_KNEE, L.RIGHT_ANKLE), AMBER)):
        mid = ((pixels[a] + pixels[b]) / 2).astype(int)
        assert tuple(int(v) for v in pale[mid[1], mid[0]]) == colour
        direction = (pixels[b] - pixels[a]) / np.linalg.norm(pixels[b] - pixels[a])
        normal = np.array([-direction[1], direction[0]])
        beside = [pale[tuple((mid + normal * d).astype(int)[::-1])] for d in np.arange(2, 6.5, 0.5)]
        assert min(int(p.sum()) for p in beside) < 200  # a dark outline along the bone
    assert WHITE != SKY and BLACK != SKY and RED != SKY


def test_without_a_truetype_font_the_panel_falls_back_to_opencvs_font(monkeypatch):
    from technique.outputs import overlay

    monkeypatch.setattr(overlay, "font_file", lambda: None)  # matplotlib's fonts not installed
    image = np.full((480, 640, 3), 90, np.uint8)
    overlay.draw_panel(image, "Développé devant", [("Leg height: 92°", overlay.GREEN)], "Point through the toes.")
    assert (image != 90).any(axis=2)[:120].sum() > 500 and (image != 90).any(axis=2)[-60:].sum() > 500
