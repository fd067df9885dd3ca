"""Finding the dancer in awkward pictures.

Pure geometry on constructed landmarks first; then the real pipeline with the real model on awkward
clips made at test time from a bundled sample (turned, upside down, tilted, small, two dancers side
by side) and on photos of real people, each compared with what the upright sample gives.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from conftest import sample

from technique.capture.framing import (PeopleSeen, crop_around, enlarged, head_direction, people_warning,
                               square_tiles, turn_needed)
from technique.landmarks import COUNT, LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER
from technique.analyser import read_track
from technique.capture.pose import Pose
from technique.capture.video import VideoReader, VideoWriter

ARABESQUE = "first_to_arabesque__side_right"


def torso_pose(shoulders: tuple[float, float], hips: tuple[float, float]) -> Pose:
    pixels = np.full((COUNT, 2), 100.0)
    pixels[[LEFT_SHOULDER, RIGHT_SHOULDER]] = shoulders
    pixels[[LEFT_HIP, RIGHT_HIP]] = hips
    return Pose(pixels, np.ones(COUNT), np.zeros((COUNT, 3)), (640, 480))


@pytest.mark.parametrize("shoulders, hips, direction", [
    ((100, 50), (100, 150), 0),      # head up
    ((200, 100), (100, 100), 90),    # head to the right
    ((100, 150), (100, 50), 180),    # head down
    ((0, 100), (100, 100), -90),     # head to the left
    ((150, 50), (100, 100), 45),
])
def test_head_direction(shoulders, hips, direction):
    difference = (head_direction(torso_pose(shoulders, hips)) - direction + 180) % 360 - 180
    assert difference == pytest.approx(0, abs=1e-9)


def test_head_direction_needs_a_seen_torso():
    pose = torso_pose((100, 50), (100, 150))
    hidden = Pose(pose.pixels, np.where(np.arange(COUNT) == LEFT_HIP, 0.1, 1.0), pose.world, pose.image_size)
    assert math.isnan(head_direction(hidden))


@pytest.mark.parametrize("directions, turn", [
    ([0, 5, -8, 12, 20] * 6, 0),                      # upright, an arabesque's lean included
    ([88, 92, 95, 85] * 8, 90),                       # head to the right: turn counter-clockwise
    ([-88, -92, -95, -85] * 8, 270),
    ([178, -175, 180, 170] * 8, 180),                 # upside down, either side of 180
    ([0] * 24 + [90] * 6, 0),                         # a penché for a fifth of the time stays upright
    ([45, 50, 40, 48, 55] * 6, None),                 # tilted camera: not upright, no certain turn
    ([90, 0, 180, 90, 60, 120] * 5, None),            # lying and standing mixed: unsure
    ([], 0),                                          # nothing seen: nothing to say
    ([math.nan] * 10, 0),
])
def test_turn_needed(directions, turn):
    assert turn_needed(directions) == turn


@pytest.mark.parametrize("width, height", [(640, 480), (480, 640), (1280, 720), (200, 200)])
def test_square_tiles_cover_the_frame_at_each_size(width, height):
    tiles = square_tiles(width, height, (1.0, 0.5))
    for share in (1.0, 0.5):
        side = int(min(width, height) * share)
        mine = [t for t in tiles if t[2] == side]
        covered = np.zeros((height, width), bool)
        for x, y, s in mine:
            assert 0 <= x and 0 <= y and x + s <= width and y + s <= height
            covered[y:y + s, x:x + s] = True
        assert covered.all()
    assert tiles[0][2] == min(width, height)  # the largest tiles are tried first


@pytest.mark.parametrize("box, expected", [
    ((300, 200, 340, 280), (240, 160, 160)),   # in the middle: centred, twice the extent
    ((0, 0, 40, 80), (0, 0, 160)),             # in a corner: kept inside the frame
    ((600, 400, 640, 480), (480, 320, 160)),
    ((0, 0, 600, 470), (60, 0, 480)),          # larger than the frame allows: the frame's height
])
def test_crop_around_a_body(box, expected):
    assert crop_around(box, 640, 480, 2.0) == expected


def test_pose_found_in_a_crop_is_placed_in_the_whole_picture():
    pose = torso_pose((10, 5), (10, 20))
    placed = pose.placed_in((100, 200), (640, 480))
    assert placed.pixels[LEFT_SHOULDER].tolist() == [110, 205]
    assert placed.image_size == (640, 480)
    assert np.array_equal(placed.world, pose.world)
    # found in a crop enlarged twice: half the distances from the crop's corner
    assert pose.placed_in((100, 200), (640, 480), 0.5).pixels[LEFT_HIP].tolist() == [105, 210]


def test_small_crops_are_enlarged_and_mapped_back():
    crop = np.zeros((128, 128, 3), np.uint8)
    crop[32:96, 60:68] = 255  # a bar in the middle
    big, shrink = enlarged(crop, 256)
    assert big.shape == (256, 256, 3) and shrink == 0.5
    rows, cols = np.nonzero(big[..., 0] > 128)
    assert cols.mean() * shrink == pytest.approx(63.5, abs=1) and rows.mean() * shrink == pytest.approx(63.5, abs=1)
    same, one = enlarged(np.zeros((300, 300, 3), np.uint8), 256)
    assert same.shape == (300, 300, 3) and one == 1.0


@pytest.mark.parametrize("judged, others, said", [
    ((0, 0, 100, 300), [(400, 0, 500, 300)], "2 people in the picture; judged the one on the left."),
    ((400, 0, 500, 300), [(0, 0, 100, 200)], "2 people in the picture; judged the one on the right (the larger)."),
    ((300, 0, 400, 100), [(0, 0, 100, 300), (500, 0, 600, 300)],
     "3 people in the picture; judged the one in the centre (the smallest)."),
])
def test_people_warning_says_which_one_was_judged(judged, others, said):
    assert people_warning([PeopleSeen(judged, others)] * 3).startswith(said)


def test_people_warning_needs_most_looked_at_frames():
    alone = PeopleSeen((0, 0, 100, 300))
    crowded = PeopleSeen((0, 0, 100, 300), [(400, 0, 500, 300)])
    assert people_warning([alone, alone, crowded]) is None
    assert people_warning([alone, crowded, crowded]) is not None
    assert people_warning([]) is None


# ---- the real model on awkward clips made from a sample --------------------------------------------

def remade(source, path, change) -> str:
    """A copy of a clip with every frame changed by `change` (an image -> image function)."""
    with VideoReader(source) as reader:
        writer = None
        for frame in reader:
            image = np.ascontiguousarray(change(frame.image))
            if writer is None:
                writer = VideoWriter(path, reader.info.fps, (image.shape[1], image.shape[0]), crf=18)
            writer.write(image)
    writer.close()
    return str(path)


def smaller(share: float, corner: tuple[float, float]):
    """The picture shrunk to `share` of its size on a black frame of the original size (filmed from afar)."""
    def change(image):
        h, w = image.shape[:2]
        out = np.zeros_like(image)
        small = cv2.resize(image, (int(w * share), int(h * share)), interpolation=cv2.INTER_AREA)
        x, y = int(corner[0] * (w - small.shape[1])), int(corner[1] * (h - small.shape[0]))
        out[y:y + small.shape[0], x:x + small.shape[1]] = small
        return out
    return change


def tilted(degrees: float):
    def change(image):
        h, w = image.shape[:2]
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 0.7)
        return cv2.warpAffine(image, turn, (w, h))
    return change


AWKWARD = {
    "turned_clockwise": lambda im: cv2.rotate(im, cv2.ROTATE_90_CLOCKWISE),  # ffmpeg -vf transpose=1
    "turned_anticlockwise": lambda im: cv2.rotate(im, cv2.ROTATE_90_COUNTERCLOCKWISE),
    "upside_down": lambda im: cv2.rotate(im, cv2.ROTATE_180),
    "a_third": smaller(1 / 3, (0.5, 0.5)),  # ffmpeg -vf pad=iw*3:ih*3:iw:ih,scale=640:480
    "a_fifth_in_a_corner": smaller(1 / 5, (0.9, 0.8)),
    "tilted": tilted(45),
}


@pytest.fixture(scope="module")
def awkward(tmp_path_factory):
    folder = tmp_path_factory.mktemp("awkward")
    clips = {name: remade(sample(ARABESQUE), folder / f"{name}.mp4", change) for name, change in AWKWARD.items()}
    with VideoReader(sample("developpe_devant__side_right")) as reader:
        developpe = [frame.image for frame in reader]
    clips["two_dancers"] = remade(sample(ARABESQUE), folder / "two.mp4", _beside(developpe))
    return clips


def _beside(right_frames):
    """Each frame with the other clip's frame to its right (ffmpeg's hstack): two dancers side by side."""
    index = iter(range(10 ** 6))
    return lambda image: np.hstack([image, right_frames[min(next(index), len(right_frames) - 1)]])


def held(analysis, measure):
    return float(np.median(analysis.measures[measure][analysis.judgement.spans["hold"].frames]))


@pytest.mark.parametrize("name, said", [
    ("turned_clockwise", "The video was turned on its side; analysed upright."),
    ("turned_anticlockwise", "The video was turned on its side; analysed upright."),
    ("upside_down", "The video was upside down; analysed upright."),
    ("a_third", "The dancer is small"),
    ("a_fifth_in_a_corner", "The dancer is small"),
])
def test_awkward_clip_is_measured_as_the_upright_one(analyses, awkward, name, said):
    upright = analyses(sample(ARABESQUE))
    a = analyses(awkward[name])
    assert any(w.startswith(said) for w in a.warnings), a.warnings
    assert a.track.detected.mean() > 0.95
    assert a.judgement.reference.name == "arabesque" and a.working_leg == "right"
    assert (a.info.width, a.info.height) == (640, 480)
    for measure in ("working_leg_height", "torso_tilt", "supporting_knee"):
        assert held(a, measure) == pytest.approx(held(upright, measure), abs=3), measure
    assert a.judgement.score == pytest.approx(upright.judgement.score, abs=5)


@pytest.mark.parametrize("clip, movement", [
    ("fouette_turns__side_right", "fouette"),
    ("developpe_devant__side_right", "developpe_devant"),
])
def test_other_movements_danced_small_are_recognised_and_measured(analyses, tmp_path, clip, movement):
    small = analyses(remade(sample(clip), tmp_path / "small.mp4", smaller(1 / 5, (0.2, 0.6))))
    upright = analyses(sample(clip))
    assert small.judgement is not None and small.judgement.reference.name == movement
    assert small.working_leg == upright.working_leg == "right"
    for measure in ("working_leg_height", "torso_tilt"):
        both = np.isfinite(small.measures[measure]) & np.isfinite(upright.measures[measure])
        assert np.median(np.abs(small.measures[measure][both] - upright.measures[measure][both])) < 3, measure


def test_small_dancer_landmarks_are_in_the_whole_frame(analyses, awkward):
    a = analyses(awkward["a_fifth_in_a_corner"])
    seen = a.track.pixels[a.track.detected]
    x, y = np.nanmedian(seen[..., 0]), np.nanmedian(seen[..., 1])
    # the picture was shrunk to 128x96 at (461, 307): the dancer's landmarks are there, not in a crop's corner
    assert 461 < x < 461 + 128 and 307 < y < 307 + 96


def test_turned_clip_gives_an_upright_annotated_video(analyses, awkward, tmp_path):
    from technique.outputs.report import write_annotated_video

    a = analyses(awkward["turned_clockwise"])
    assert a.info.turn == 90
    out = write_annotated_video(a, awkward["turned_clockwise"], tmp_path / "annotated.mp4")
    with VideoReader(out) as drawn, VideoReader(sample(ARABESQUE)) as upright:
        first, original = next(iter(drawn)).image, next(iter(upright)).image
    assert first.shape == original.shape
    unpainted = np.abs(first.astype(int) - original.astype(int)).mean(axis=2) < 30
    assert unpainted.mean() > 0.8  # the same upright picture, apart from the drawing


def test_turned_clip_gives_upright_stills_in_batch_and_dashboard(analyses, awkward, tmp_path):
    from technique.outputs.writer import write_still
    from technique.apps.dashboard.services import frames_at

    a = analyses(awkward["turned_clockwise"])
    still = write_still(a, awkward["turned_clockwise"], tmp_path / "worst.jpg")
    assert cv2.imread(str(still)).shape == (480, 640, 3)
    frame = frames_at(awkward["turned_clockwise"], [0], a.info.turn)[0]
    with VideoReader(sample(ARABESQUE)) as upright:
        original = next(iter(upright)).image
    assert np.abs(frame.astype(int) - original.astype(int)).mean() < 8


def test_tilted_camera_is_said_not_upright(analyses, awkward):
    a = analyses(awkward["tilted"])
    assert any("not upright" in w for w in a.warnings), a.warnings
    assert a.info.turn == 0  # 45° is no quarter turn: nothing is turned by guesswork


def lying_at_first(frames: int):
    """The first `frames` frames turned on their side (fitted into the frame), the rest as filmed."""
    index = iter(range(10 ** 6))

    def change(image):
        if next(index) >= frames:
            return image
        h, w = image.shape[:2]
        side = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
        side = cv2.resize(side, (h * h // w, h), interpolation=cv2.INTER_AREA)
        out = np.zeros_like(image)
        out[:, (w - side.shape[1]) // 2:][:, :side.shape[1]] = side
        return out
    return change


def test_a_dancer_lying_only_at_first_is_not_turned(tmp_path):
    clip = remade(sample(ARABESQUE), tmp_path / "lying.mp4", lying_at_first(45))
    info, track, warnings = read_track(clip)
    assert info.turn == 0 and (info.width, info.height) == (640, 480)
    assert not [w for w in warnings if "turned" in w or "upside" in w], warnings
    assert track.detected.mean() > 0.9


def test_two_dancers_side_by_side_says_which_one_was_judged(analyses, awkward):
    a = analyses(awkward["two_dancers"])
    said = [w for w in a.warnings if "people in the picture" in w]
    assert said and said[0].startswith("2 people in the picture; judged the one on the left"), a.warnings
    # and the one judged really is the left one: the arabesque, not the développé on the right
    assert a.judgement.reference.name == "arabesque"
    assert np.nanmedian(a.track.pixels[a.track.detected][..., 0]) < 640


def test_upright_sample_has_no_framing_warning(analyses):
    a = analyses(sample(ARABESQUE))
    assert a.info.turn == 0
    assert not [w for w in a.warnings if "upright" in w or "small" in w or "people" in w]


def still_clip(image, path, seconds: float = 1.0) -> str:
    writer = VideoWriter(path, 30.0, (image.shape[1], image.shape[0]), crf=18)
    for _ in range(int(30 * seconds)):
        writer.write(image)
    writer.close()
    return str(path)


def test_two_real_people_are_counted_and_the_judged_one_named(photos, tmp_path):
    image = cv2.imread(str(photos / "basketball1.png"))  # two men throwing a ball, left one whole
    _, track, warnings = read_track(still_clip(image, tmp_path / "two.mp4"))
    said = [w for w in warnings if "people in the picture" in w]
    assert said and said[0].startswith("2 people in the picture; judged the one on the left (the larger)")
    assert np.nanmedian(track.pixels[track.detected][..., 0]) < image.shape[1] / 2


def test_one_real_person_is_alone(photos, tmp_path):
    image = cv2.imread(str(photos / "messi5.jpg"))
    _, _, warnings = read_track(still_clip(image, tmp_path / "one.mp4"))
    assert not [w for w in warnings if "people" in w or "upright" in w or "small" in w], warnings


def test_real_person_upside_down_is_read_upright(photos, tmp_path):
    image = cv2.imread(str(photos / "messi5.jpg"))
    info, track, warnings = read_track(still_clip(cv2.rotate(image, cv2.ROTATE_180), tmp_path / "down.mp4"))
    assert "The video was upside down; analysed upright." in warnings
    assert info.turn == 180
    upright_info, upright, _ = read_track(still_clip(image, tmp_path / "up.mp4"))
    shoulders = track.pixels[track.detected][:, [LEFT_SHOULDER, RIGHT_SHOULDER]].mean(axis=1)
    hips = track.pixels[track.detected][:, [LEFT_HIP, RIGHT_HIP]].mean(axis=1)
    assert np.nanmedian(shoulders[:, 1]) < np.nanmedian(hips[:, 1])  # head up after the turn
    same = upright.pixels[upright.detected][:, [LEFT_SHOULDER, LEFT_HIP]]
    assert np.nanmedian(np.abs(track.pixels[track.detected][:, [LEFT_SHOULDER, LEFT_HIP]] - same)) < 10


def test_real_person_a_fifth_of_the_frame_high_is_found(photos, tmp_path):
    image = cv2.imread(str(photos / "messi5.jpg"))
    _, track, warnings = read_track(still_clip(smaller(1 / 5, (0.3, 0.6))(image), tmp_path / "far.mp4"))
    assert track.detected.mean() > 0.9
    assert any(w.startswith("The dancer is small") for w in warnings), warnings
    h, w = image.shape[:2]
    x0, y0 = int(0.3 * (w - w // 5)), int(0.6 * (h - h // 5))
    hips = track.pixels[track.detected][:, [LEFT_HIP, RIGHT_HIP]].reshape(-1, 2)
    assert (hips[:, 0] > x0).all() and (hips[:, 0] < x0 + w // 5).all()  # where the small picture is
    assert (hips[:, 1] > y0).all() and (hips[:, 1] < y0 + h // 5).all()
