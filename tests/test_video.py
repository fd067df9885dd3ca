"""Reading and writing real files: errors for bad inputs, rotation, variable rate, 4K, playable output."""

from __future__ import annotations

import av
import numpy as np
import pytest
from conftest import sample

from technique.errors import VideoError
from technique.capture.video import VideoReader, VideoWriter

BAD = ["zero_byte", "truncated_no_index", "text_as_mp4", "png_as_mp4", "image_file", "audio_only"]


@pytest.mark.parametrize("name", BAD)
def test_unreadable_inputs_say_why(corpus, name):
    case = corpus[name]
    with pytest.raises(VideoError) as err:
        with VideoReader(case.path) as reader:
            list(reader)
    assert case.path.name in str(err.value)
    assert case.matches(err.value.reason), err.value.reason


def test_missing_file():
    with pytest.raises(VideoError, match="file not found"):
        VideoReader("no/such/clip.mp4")


def test_truncated_clip_yields_what_it_can_and_says_so(corpus):
    with VideoReader(corpus["truncated"].path) as reader:
        frames = list(reader)
    assert 0 < len(frames) < 120
    assert reader.problem and "truncated" in reader.problem


def test_sample_clip_info_and_frames():
    with VideoReader(sample("first_to_arabesque__side_right")) as reader:
        info = reader.info
        frames = list(reader)
    assert (info.width, info.height, info.fps, info.frame_count) == (640, 480, 30.0, 120)
    assert info.duration_s == pytest.approx(4.0)
    assert len(frames) == 120 and frames[0].image.shape == (480, 640, 3)
    assert frames[30].time_s == pytest.approx(1.0)


def test_rotated_phone_clip_is_read_upright(corpus):
    with VideoReader(corpus["rotated_phone"].path) as reader:
        first = next(iter(reader))
        assert reader.info.stored_size == (480, 640)
        assert reader.info.rotation in (90, 270)
    with VideoReader(sample("first_to_arabesque__side_right")) as original:
        reference = next(iter(original)).image
    assert first.image.shape == reference.shape
    assert np.abs(first.image.astype(int) - reference.astype(int)).mean() < 8


def test_variable_frame_rate_uses_timestamps(corpus):
    with VideoReader(corpus["vfr"].path) as reader:
        times = np.array([f.time_s for f in reader])
    steps = np.round(np.diff(times), 3)
    assert set(steps) >= {0.033, 0.067}


def test_four_k_is_analysed_at_a_reduced_size(corpus):
    with VideoReader(corpus["four_k"].path) as reader:
        first = next(iter(reader))
    assert reader.info.stored_size == (3840, 2160)
    assert max(first.image.shape[:2]) == 1280


def test_writer_makes_browser_playable_h264(tmp_path):
    path = tmp_path / "out.mp4"
    writer = VideoWriter(path, 30.0, (641, 481))  # odd sizes are trimmed to even for yuv420p
    for i in range(10):
        writer.write(np.full((481, 641, 3), i * 20, np.uint8))
    writer.close()
    assert not path.with_name("out.mp4.partial").exists()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert sum(1 for _ in container.decode(stream)) == 10
    head = path.read_bytes()[:64]
    assert b"ftyp" in head and path.read_bytes().find(b"moov") < path.read_bytes().find(b"mdat")  # faststart


def transport_stream(source, path):
    """A clip re-encoded as MPEG-TS: files that can be joined with `cat` (their timestamps restart)."""
    from fractions import Fraction

    with VideoReader(source) as reader, av.open(str(path), "w", format="mpegts") as out:
        stream = out.add_stream("libx264", rate=Fraction(30))
        stream.width, stream.height, stream.pix_fmt = reader.info.width, reader.info.height, "yuv420p"
        for frame in reader:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame.image, format="bgr24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path.read_bytes()


def test_joined_clips_whose_timestamps_go_back_are_read_in_order_and_flagged(tmp_path):
    """`cat arabesque.ts developpe.ts > back.ts` was scored as one développé, 100/100, without a word."""
    from technique.analyser import analyse_clip

    joined = tmp_path / "back.ts"
    joined.write_bytes(transport_stream(sample("first_to_arabesque__side_right"), tmp_path / "a.ts")
                       + transport_stream(sample("developpe_devant__side_right"), tmp_path / "b.ts"))
    with VideoReader(joined) as reader:
        times = np.array([frame.time_s for frame in reader])
        assert len(times) == 240 and (np.diff(times) > 0).all()
        assert np.diff(times).max() < 0.05  # continuous: no jump forwards either
        assert len(reader.warnings) == 1 and "frame 120" in reader.warnings[0]
    analysis = analyse_clip(joined)
    assert [seg.movement for seg in analysis.segments] == ["arabesque", "developpe_devant"]
    assert any("timestamps go back" in w for w in analysis.warnings)


def test_a_clip_that_does_not_state_its_frame_rate_is_said_to_be_uncertain(tmp_path):
    """A raw H.264 stream has no container timing: FFmpeg calls it 25 frames/s, the stream's own
    timing says 30 (the sample's rate). Hold times were once wrong without a word."""
    import shutil
    import subprocess

    from technique.capture.video import VideoReader

    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed (scripts/test installs it)")
    raw = tmp_path / "raw.h264"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(sample("first_to_arabesque__side_right")),
                    "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", str(raw)], check=True, timeout=60)
    with VideoReader(raw) as reader:
        assert reader.info.fps == pytest.approx(30.0)
        assert any("frame rate" in w and "may be off" in w for w in reader.warnings)
    with VideoReader(sample("first_to_arabesque__side_right")) as reader:
        assert not any("frame rate" in w for w in reader.warnings)
