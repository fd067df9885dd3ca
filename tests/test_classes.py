"""Class clips: every dancer counted from the left and judged as if filmed alone.

Pure geometry first (blacking out classmates, reading --dancer); then the real pipeline with the real
model on a class made at test time from the bundled samples (three dancers side by side, each doing
her own movement) and on a photo of two real people.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import CLASS, sample

from technique.analyser.classes import analyse_class, chosen_dancers
from technique.capture.people import widened
from technique.capture.roll_call import own_pictures
from technique.landmarks import COUNT
from technique.capture.video import VideoWriter
from technique.errors import TechniqueError


def test_widened_boxes_stay_inside_the_frame():
    assert widened((10, 20, 110, 220), 0.1, 640, 480) == (0, 0, 130, 240)
    assert widened((600, 400, 640, 480), 0.1, 640, 480) == (592, 392, 640, 480)


def person(left: float, top: float, right: float, bottom: float) -> np.ndarray:
    """(33, 2) landmark pixels filling a box: four at its corners, the rest in its middle."""
    pixels = np.full((COUNT, 2), ((left + right) / 2, (top + bottom) / 2))
    pixels[:4] = [(left, top), (right, top), (right, bottom), (left, bottom)]
    return pixels


def test_classmates_are_blacked_out_and_her_own_outline_kept():
    image = np.full((100, 300, 3), 200, np.uint8)
    left, her, right = person(10, 10, 125, 90), person(120, 10, 180, 90), person(230, 10, 290, 90)
    pictures = own_pictures(image, [left, her, right], [0, 1], cover=0.0)
    mine = pictures[1]
    assert (mine[50, 20] == 0).all() and (mine[50, 260] == 0).all()
    assert (mine[50, 122] == 200).all() and (mine[50, 150] == 200).all()  # the left one's outline reaches in
    assert (mine[50, 200] == 200).all()  # between them: untouched
    assert (pictures[0][50, 20] == 200).all() and (pictures[0][50, 150] == 0).all()
    assert (image == 200).all()  # the frame itself is never changed
    # grown by a share of her height: 0.1 of 80 px reaches 8 px past her outline
    grown = own_pictures(image, [left, her, right], [1], cover=0.1)[1]
    assert (grown[50, 225] == 0).all() and (grown[50, 215] == 200).all()


@pytest.mark.parametrize("asked, chosen", [("all", None), ("ALL", None), ("2", [2]), ("3,1", [1, 3]),
                                           ("1, 2,2", [1, 2])])
def test_dancers_asked_for(asked, chosen):
    assert chosen_dancers(asked, "class.mp4") == chosen


@pytest.mark.parametrize("asked", ["0", "x", "", "1,-2", "first"])
def test_a_bad_dancer_request_says_how_to_ask(asked):
    with pytest.raises(TechniqueError) as exc:
        chosen_dancers(asked, "class.mp4")
    assert exc.value.source == "class.mp4" and "counted from the left" in exc.value.reason


# ---- the real model on a class made from the samples ------------------------------------------------

@pytest.fixture(scope="module")
def judged_class(class_clip):
    return analyse_class(class_clip, dancers="all")


def test_every_dancer_is_found_and_judged_as_alone(judged_class, analyses):
    assert judged_class.count == 3
    assert [d.number for d in judged_class.dancers] == [1, 2, 3]
    for (name, movement), result in zip(CLASS, judged_class.dancers):
        a = result.analysis
        assert result.error is None and a is not None
        named = a.judgement.reference.name if a.judgement else [s.movement for s in a.segments]
        alone = analyses(sample(name))
        assert named == movement == alone.judgement.reference.name, (result.number, named, a.warnings)
        assert a.dancer == (result.number, 3)
        assert a.warnings[0].startswith(f"Dancer {result.number} of 3, counted from the left")
        assert not [w for w in a.warnings if "people in the picture" in w or "reflections" in w]


def test_each_track_stays_on_its_own_dancer(judged_class):
    """The reader shrinks the 1920-wide class to 1280: each dancer owns a third of the picture's width."""
    for result in judged_class.dancers:
        track = result.analysis.track
        x = track.pixels[track.detected][..., 0]
        x = x[np.isfinite(x)]
        third = 1280 / 3
        assert track.detected.mean() > 0.9
        assert ((x > (result.number - 1) * third - 20) & (x < result.number * third + 20)).mean() > 0.99


def test_the_class_in_the_cli(class_clip, tmp_path, capsys):
    from technique.apps.cli import main

    assert main(["score", str(class_clip), "--dancer", "2", "--out", str(tmp_path), "--no-video"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[0].startswith("class.mp4, dancer 2 of 3 from the left: Développé devant (recognised, 100%)")
    assert printed[-1] == "class.mp4: 3 dancer(s), counted from the left of the picture: 2 Développé devant 100/100"
    assert [p.name for p in tmp_path.iterdir()] == ["class-dancer-2"]
    report = json.loads((tmp_path / "class-dancer-2" / "report.json").read_text())
    assert report["dancer"] == {"number": 2, "of": 3, "counted": "from the left of the picture"}
    assert report["movement"]["name"] == "developpe_devant"


def test_a_dancer_not_in_the_class_is_an_error_naming_the_clip(class_clip, tmp_path, capsys):
    from technique.apps.cli import main

    assert main(["score", str(class_clip), "--dancer", "4", "--out", str(tmp_path), "--no-video"]) == 1
    err = capsys.readouterr().err
    assert str(class_clip) in err and "dancer 4 asked for, but 3 dancer(s) found" in err
    assert not list(tmp_path.iterdir())
    assert main(["score", str(class_clip), "--dancer", "zero", "--out", str(tmp_path)]) == 2


def test_the_people_warning_says_how_to_judge_each(analyses, class_clip):
    a = analyses(class_clip)
    said = [w for w in a.warnings if "people in the picture" in w]
    assert said and said[0].startswith("3 people in the picture; judged the one") and "--dancer all" in said[0]


def test_two_real_people_are_both_judged(photos, tmp_path):
    """A photo of two real men (basketball1.png: the left one whole, the right one smaller): the roll call
    counts both and numbers them from the left; each track stays on its man."""
    image = cv2.imread(str(photos / "basketball1.png"))
    path = tmp_path / "two.mp4"
    writer = VideoWriter(path, 30.0, (image.shape[1], image.shape[0]), crf=18)
    for _ in range(30):
        writer.write(image)
    writer.close()
    result = analyse_class(path)
    assert result.count == 2
    middle = image.shape[1] / 2
    xs = [np.nanmedian(d.analysis.track.pixels[d.analysis.track.detected][..., 0]) for d in result.dancers]
    assert xs[0] < middle < xs[1], xs


def test_a_real_street_is_counted_by_the_people_walking_in_it(photos):
    """OpenCV's vtest.avi: people walking across a campus, 70-90 px tall of 576, among stones, cloths and
    signposts in which MediaPipe, searching tiles, also finds "people" (lying, upside down). The roll call
    counts the three walking at its start, numbered from the left, and none of the things."""
    from technique.analyser.classes import count_the_class

    info, places = count_the_class(photos / "vtest.avi")
    assert (info.width, info.height) == (768, 576)
    centres = [np.nanmean(pixels[:, 0]) for pixels in places]
    assert len(places) == 3 and all(abs(x - walker) < 40 for x, walker in zip(centres, (265, 513, 660))), places


def test_standing_is_on_her_feet_head_up():
    from technique.capture.pose import Pose
    from technique.capture.people import standing
    from technique.landmarks import (COUNT, LEFT_ANKLE, LEFT_HIP, LEFT_SHOULDER, NOSE, RIGHT_ANKLE, RIGHT_HIP,
                                     RIGHT_SHOULDER)

    def pose(nose, shoulders, hips, ankles):
        pixels = np.full((COUNT, 2), 100.0)
        pixels[NOSE] = (100, nose)
        pixels[[LEFT_SHOULDER, RIGHT_SHOULDER]] = [(90, shoulders), (110, shoulders)]
        pixels[[LEFT_HIP, RIGHT_HIP]] = [(95, hips), (105, hips)]
        pixels[[LEFT_ANKLE, RIGHT_ANKLE]] = [(95, ankles[0]), (105, ankles[1])]
        return Pose(pixels, np.ones(COUNT), np.zeros((COUNT, 3)), (640, 480))

    assert standing(pose(10, 30, 80, (160, 160)))
    assert standing(pose(10, 30, 80, (60, 160)))  # a leg raised high: the other ankle stands below her
    assert not standing(pose(160, 130, 80, (10, 10)))  # upside down
    assert not standing(pose(10, 30, 80, (70, 75)))  # the feet above the hips: not on her feet
    assert not standing(pose(40, 30, 80, (160, 160)))  # the nose below the shoulders


def test_a_class_filmed_towards_a_mirror_is_told_its_reflections_may_be_there():
    """tests/data/class_mirror__front.mp4 (benchmarks/renders/class.json's class_mirror, adult, 960x540): two
    dancers with their backs to the camera, a passé and a demi-plié, and their reflections in a mirror 2 m
    in front of them (the mirrored clips, facing the camera). Each report says which may be reflections;
    in the 40 class renders where everyone faces one way, none does."""
    found = analyse_class(Path(__file__).parent / "data" / "class_mirror__front.mp4")
    assert found.count == 4
    said = "Backs to the camera: dancers 1 and 4; facing it: dancers 2 and 3. If the camera looks towards a mirror"
    for dancer in found.dancers:
        assert any(w.startswith(said) for w in dancer.analysis.warnings), dancer.analysis.warnings


@pytest.mark.parametrize("numbers, said", [(["3"], "dancer 3"), (["1", "4"], "dancers 1 and 4"),
                                           (["1", "2", "4"], "dancers 1, 2 and 4")])
def test_dancers_said(numbers, said):
    from technique.analyser.classes import dancers_said

    assert dancers_said(numbers) == said
