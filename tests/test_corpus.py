"""Smoke test for tests/corpus.py: every corpus file really is what its case claims.

Real files, real decoders (PyAV, OpenCV), no mocks.
"""

from __future__ import annotations

import os
import sys

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from corpus import PNG_SIGNATURE  # noqa: E402

SOURCE = Path(__file__).resolve().parents[1] / "sample_videos" / "first_to_arabesque__side_right.mp4"


def _pyav_frames(path: Path) -> list[av.VideoFrame]:
    """Decode all video frames; stop quietly at a decoder error (as a lenient reader would)."""
    frames = []
    try:
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                frames.append(frame)
    except av.FFmpegError:
        pass
    return frames


def _cv_count(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    count = 0
    while cap.isOpened() and cap.read()[0]:
        count += 1
    cap.release()
    return count


def test_cases_are_well_formed(corpus):
    expected = {
        "zero_byte", "truncated", "truncated_no_index", "text_as_mp4", "png_as_mp4",
        "image_file", "audio_only", "one_frame", "no_person", "half_body", "rotated_phone",
        "vfr", "four_k", "unreadable", "odd_names", "nested",
    }
    assert expected <= set(corpus)
    for case in corpus.values():
        assert case.expect in {"error", "ok", "skip"}
        assert case.path.is_symlink() or case.path.exists()
        assert all(w == w.lower() and w for w in case.reason_words)
        if case.expect == "error":
            assert case.reason_words, case.name


def test_corpus_is_small(corpus):
    root = corpus["zero_byte"].path.parent
    size = sum(p.lstat().st_size for p in root.rglob("*") if not p.is_symlink() and p.is_file())
    assert size < 30 * 1024 * 1024


def test_matches_uses_any_reason_word(corpus):
    assert corpus["truncated"].matches("The file looks Corrupt (cut short).")
    assert not corpus["zero_byte"].matches("no person found")
    assert corpus["nested"].matches("anything")


def test_zero_byte(corpus):
    assert corpus["zero_byte"].path.stat().st_size == 0


def test_truncated_is_partly_readable(corpus):
    path = corpus["truncated"].path
    assert path.stat().st_size < SOURCE.stat().st_size
    n_source = len(_pyav_frames(SOURCE))
    assert 0 < len(_pyav_frames(path)) < n_source
    assert _cv_count(path) < n_source
    with av.open(str(path)) as container:  # still claims the full length
        assert container.streams.video[0].frames == n_source
        with pytest.raises(av.FFmpegError):
            for _ in container.decode(video=0):
                pass


def test_truncated_no_index_is_unreadable(corpus):
    path = corpus["truncated_no_index"].path
    assert path.stat().st_size < SOURCE.stat().st_size
    with pytest.raises(av.FFmpegError):
        av.open(str(path))
    assert not cv2.VideoCapture(str(path)).isOpened()


def test_text_as_mp4(corpus):
    path = corpus["text_as_mp4"].path
    assert path.suffix == ".mp4"
    text = path.read_bytes().decode("utf-8")  # valid UTF-8 text ...
    assert text.strip() and "\x00" not in text  # ... and not binary
    with pytest.raises(av.FFmpegError):
        av.open(str(path))


@pytest.mark.parametrize("name", ["png_as_mp4", "image_file"])
def test_png_files(corpus, name):
    path = corpus[name].path
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    image = cv2.imread(str(path))  # imread goes by content, not by extension
    assert image is not None and image.shape == (480, 640, 3)
    assert corpus["png_as_mp4"].path.suffix == ".mp4"
    assert corpus["image_file"].path.suffix == ".png"


def test_audio_only(corpus):
    with av.open(str(corpus["audio_only"].path)) as container:
        assert len(container.streams.audio) == 1
        assert len(container.streams.video) == 0
        assert container.duration and container.duration / av.time_base >= 0.9


def test_one_frame(corpus):
    path = corpus["one_frame"].path
    assert len(_pyav_frames(path)) == 1
    assert _cv_count(path) == 1


def test_no_person_frames(corpus):
    frames = _pyav_frames(corpus["no_person"].path)
    assert len(frames) == 60
    image = frames[0].to_ndarray(format="rgb24")
    assert image.shape == (480, 640, 3)
    # plain background: no strong edges anywhere (the dancer's outline would have them)
    edges = cv2.Canny(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), 50, 150)
    assert edges.mean() < 0.5  # the source clip scores ~2.6


def test_no_person_per_mediapipe(corpus):
    """Real pose check, if MediaPipe's bundled full pose model is present (it never downloads)."""
    mp = pytest.importorskip("mediapipe")
    model = Path(mp.__file__).parent / "modules" / "pose_landmark" / "pose_landmark_full.tflite"
    if not model.exists():
        pytest.skip("bundled pose model missing")
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1) as pose:
        empty = _pyav_frames(corpus["no_person"].path)[30].to_ndarray(format="rgb24")
        dancer = _pyav_frames(SOURCE)[0].to_ndarray(format="rgb24")
        assert pose.process(empty).pose_landmarks is None
        assert pose.process(dancer).pose_landmarks is not None


def test_half_body(corpus):
    frames = _pyav_frames(corpus["half_body"].path)
    source = _pyav_frames(SOURCE)
    assert len(frames) == len(source)
    top = frames[0].to_ndarray(format="bgr24")
    assert top.shape == (240, 640, 3)
    reference = source[0].to_ndarray(format="bgr24")[:240]
    assert np.abs(top.astype(int) - reference).mean() < 5


def test_rotated_phone(corpus):
    path = corpus["rotated_phone"].path
    upright = _pyav_frames(SOURCE)[0].to_ndarray(format="bgr24")
    frame = _pyav_frames(path)[0]
    assert (frame.width, frame.height) == (480, 640)  # stored sideways
    assert frame.rotation == -90  # PyAV: counter-clockwise degrees of the display matrix
    shown = np.rot90(frame.to_ndarray(format="bgr24"), frame.rotation // 90)
    assert np.abs(shown.astype(int) - upright).mean() < 5

    cap = cv2.VideoCapture(str(path))
    assert cap.get(cv2.CAP_PROP_ORIENTATION_META) == 90  # OpenCV: clockwise, like the 'rotate' tag
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    ok, image = cap.read()
    assert ok and image.shape == (480, 640, 3)
    assert np.abs(image.astype(int) - upright).mean() < 5


def test_vfr(corpus):
    frames = _pyav_frames(corpus["vfr"].path)
    deltas = np.round(np.diff([f.time for f in frames]), 4)
    assert len(frames) == len(_pyav_frames(SOURCE))
    assert set(deltas) == {round(1 / 30, 4), round(1 / 15, 4)}


def test_four_k(corpus):
    frames = _pyav_frames(corpus["four_k"].path)
    assert len(frames) == 45
    assert (frames[0].width, frames[0].height) == (3840, 2160)
    image = frames[0].to_ndarray(format="gray")
    assert image[:, :400].max() < 40 and image[:, -400:].max() < 40  # black side bars


def test_unreadable(corpus):
    case = corpus["unreadable"]
    assert (case.path.stat().st_mode & 0o777) == 0
    if case.expect == "error":
        with pytest.raises(PermissionError):
            case.path.read_bytes()
        assert case.reason_words == ("permission",)
    else:  # root & co. read through mode 000; then it is just a good clip
        assert case.path.read_bytes() == SOURCE.read_bytes()


@pytest.mark.parametrize("name", ["odd_names", "nested"])
def test_good_copies(corpus, name):
    path = corpus[name].path
    assert path.read_bytes() == SOURCE.read_bytes()
    assert _cv_count(path) == len(_pyav_frames(path)) == 120


def test_odd_name_is_odd(corpus):
    path = corpus["odd_names"].path
    assert " " in path.parent.name and not path.parent.name.isascii()
    assert path.name.startswith(" ") and not path.name.isascii()


def test_nested_depth(corpus):
    path = corpus["nested"].path
    root = corpus["zero_byte"].path.parent
    assert path.relative_to(root).parts == ("nested", "deeper", "good.mp4")


def test_symlink_loop(corpus):
    case = corpus.get("symlink_loop")
    if case is None:
        pytest.skip("symlinks not supported here")
    root = corpus["zero_byte"].path.parent
    assert case.path.is_symlink() and case.path.is_dir()
    assert case.path.resolve() == root.resolve()  # loop/self/loop/self/... forever
    walked = [Path(d) for d, _, _ in os.walk(root)]  # followlinks=False must terminate
    assert len(walked) < 20
