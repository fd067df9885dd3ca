"""Build a corpus of bad and awkward input files for tests, on the fly.

Nothing is downloaded: every file is made locally from one good sample clip
(``source``, e.g. ``first_to_arabesque__side_right.mp4``) with PyAV, OpenCV and
numpy. The ffmpeg command line is not needed.

Usage from a test::

    cases = build_corpus(tmp_path / "corpus", SAMPLE_CLIP)
    for case in cases:
        ...  # case.expect is "error", "ok" or "skip"

Building the whole corpus takes a few seconds and a few MB.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

FPS = 30
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CorpusCase:
    """One corpus file and what a well-behaved analyser should do with it.

    expect:
        "error": the analyser must refuse the file with a clear message.
        "ok":    a real clip that must still be scored (maybe with warnings).
        "skip":  not a clip at all (e.g. a symlink loop); a folder walk must
                 neither follow it forever nor crash on it.
    reason_words:
        lowercase words or phrases a good message should contain. ANY one of
        them is enough (see ``matches``); () means no wording is required.
    """

    name: str
    path: Path
    expect: str
    reason_words: tuple[str, ...] = ()

    def matches(self, message: str) -> bool:
        """True if ``message`` contains one of the case's reason words (a case without any can't be
        matched: a test that expects a reason must say which words it expects)."""
        text = message.lower()
        return any(w in text for w in self.reason_words)


# --------------------------------------------------------------------------- helpers


def _fresh(path: Path) -> Path:
    """Create the parent folders and remove any old file or link at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()  # needs only folder rights, so a mode-000 file from a re-run goes too
    return path


def _frames(source: Path, limit: int | None = None) -> Iterator[np.ndarray]:
    """Decode ``source`` lazily into BGR uint8 arrays (at most ``limit`` frames)."""
    with av.open(str(source)) as container:
        frames = container.decode(video=0)
        for frame in itertools.islice(frames, limit):
            yield frame.to_ndarray(format="bgr24")


def _write_h264(
    path: Path,
    frames: Iterable[np.ndarray],
    *,
    pts_steps: tuple[int, ...] = (1,),
    rotation: int | None = None,
    preset: str = "veryfast",
) -> Path:
    """Encode BGR frames to H.264/yuv420p MP4 with PyAV.

    pts_steps: gaps between frame timestamps in 1/30 s units, cycled; (1,) is
    a constant 30 fps, (1, 2) alternates 1/30 s and 1/15 s (variable rate).
    rotation: counter-clockwise display rotation written as a display matrix.
    """
    it = iter(frames)
    first = next(it)
    height, width = first.shape[:2]
    with av.open(str(_fresh(path)), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"preset": preset})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, FPS)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        pts = 0
        for i, image in enumerate(itertools.chain([first], it)):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
            frame.pts, frame.time_base = pts, Fraction(1, FPS)
            pts += pts_steps[i % len(pts_steps)]
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def _copy(source: Path, path: Path) -> Path:
    """Copy the bytes only (the shared samples are read-only; keep copies writable)."""
    shutil.copyfile(source, _fresh(path))
    return path


def _png_bytes(source: Path) -> bytes:
    """A real PNG of the first frame of ``source``."""
    ok, buf = cv2.imencode(".png", next(_frames(source, 1)))
    assert ok, "cv2.imencode failed"
    return buf.tobytes()


def _moov_first(data: bytes) -> bool:
    """True if the top-level 'moov' box comes before 'mdat' (a 'faststart' MP4)."""
    pos, order = 0, []
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        order.append(data[pos + 4 : pos + 8])
        if size == 1:  # 64-bit size follows
            size = int.from_bytes(data[pos + 8 : pos + 16], "big")
        if size < 8:
            break
        pos += size
    return b"moov" in order and (b"mdat" not in order or order.index(b"moov") < order.index(b"mdat"))


# --------------------------------------------------------------------------- cases


def make_zero_byte(folder: Path) -> CorpusCase:
    """``empty.mp4``: 0 bytes, e.g. a failed upload."""
    path = _fresh(folder / "empty.mp4")
    path.write_bytes(b"")
    return CorpusCase("zero_byte", path, "error", ("empty",))


def make_truncated(folder: Path, source: Path) -> CorpusCase:
    """``truncated.mp4``: the first 40 % of the bytes of ``source`` (an interrupted copy).

    The sample clips are 'faststart' MP4s (moov index before the data), so the
    result is PARTIALLY readable: it opens, still declares 120 frames, but
    only ~40 frames decode; PyAV then raises InvalidDataError while OpenCV just
    stops reading. An analyser should notice (decoder error or decoded <<
    declared frames) and say so instead of scoring 1.3 s of a 4 s clip.
    If ``source`` has its moov at the end, the result is wholly unreadable
    (see ``make_truncated_no_index``).
    """
    data = source.read_bytes()
    path = _fresh(folder / "truncated.mp4")
    path.write_bytes(data[: int(len(data) * 0.4)])
    return CorpusCase("truncated", path, "error", ("truncated", "corrupt", "unreadable"))


def make_truncated_no_index(folder: Path, source: Path) -> CorpusCase:
    """``truncated_no_index.mp4``: source remuxed with the moov index at the END, then cut to 40 %.

    This is how a phone recording killed mid-write looks: the index is
    missing, so neither PyAV nor OpenCV can open it at all ("moov atom not
    found"). Complements ``make_truncated``, which is only partly broken.
    """
    full = _fresh(folder / "_moov_last.tmp.mp4")
    with av.open(str(source)) as src, av.open(str(full), "w", format="mp4") as out:
        stream = out.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    data = full.read_bytes()
    full.unlink()
    assert not _moov_first(data), "PyAV wrote a faststart mp4; expected moov at the end"
    path = _fresh(folder / "truncated_no_index.mp4")
    path.write_bytes(data[: int(len(data) * 0.4)])
    return CorpusCase("truncated_no_index", path, "error", ("truncated", "corrupt", "unreadable"))


def make_text_as_mp4(folder: Path) -> CorpusCase:
    """``notes.mp4``: plain UTF-8 text with a video extension."""
    path = _fresh(folder / "notes.mp4")
    path.write_text("Rehearsal notes: keep the hips square in arabesque.\n" * 20, encoding="utf-8")
    return CorpusCase("text_as_mp4", path, "error", ("not a video",))


def make_png_as_mp4(folder: Path, source: Path) -> CorpusCase:
    """``picture.mp4``: a real PNG (a frame of ``source``) misnamed as .mp4.

    Note FFmpeg/PyAV happily opens it as a 1-frame 'video' (png_pipe) and
    cv2.VideoCapture may too, so the analyser must recognise a still image.
    """
    path = _fresh(folder / "picture.mp4")
    path.write_bytes(_png_bytes(source))
    return CorpusCase("png_as_mp4", path, "error", ("image",))


def make_image_file(folder: Path, source: Path) -> CorpusCase:
    """``still.png``: the same PNG under its honest name; a photo, not a clip."""
    path = _fresh(folder / "still.png")
    path.write_bytes(_png_bytes(source))
    return CorpusCase("image_file", path, "error", ("image",))


def _write_tone(path: Path, codec: str, seconds: float = 1.0, rate: int = 44100) -> None:
    """Write a 440 Hz mono sine tone with the given PyAV audio encoder."""
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :]
    with av.open(str(_fresh(path)), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        fmt = stream.codec_context.codec.audio_formats[0].name
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate, frame.pts = rate, 0
        resampled = av.AudioResampler(format=fmt, layout="mono", rate=rate).resample(frame)
        for piece in resampled:
            out.mux(stream.encode(piece))
        out.mux(stream.encode())


def make_audio_only(folder: Path) -> CorpusCase:
    """``audio_only.mp4``: 1 s of a sine tone in AAC, no video stream.

    Falls back to mp2 in ``audio_only.mka`` if this PyAV build has no AAC
    encoder (PyAV wheels do have it).
    """
    for codec, name in (("aac", "audio_only.mp4"), ("libopus", "audio_only.mka"), ("mp2", "audio_only.mka")):
        if codec in av.codecs_available:
            path = folder / name
            _write_tone(path, codec)
            return CorpusCase("audio_only", path, "error", ("no video",))
    raise RuntimeError("PyAV has no usable audio encoder (aac, libopus, mp2)")


def make_one_frame(folder: Path, source: Path) -> CorpusCase:
    """``one_frame.mp4``: H.264 with a single frame of ``source``; too short to judge a movement."""
    path = _write_h264(folder / "one_frame.mp4", _frames(source, 1))
    return CorpusCase("one_frame", path, "error", ("too short",))


def _empty_stage(count: int = 60, seed: int = 0) -> Iterator[np.ndarray]:
    """Grey vertical gradient ('wall' over 'floor') with film grain and flicker; nobody in it."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(170, 90, 480, dtype=np.float32)[:, None, None]
    base = np.broadcast_to(ramp, (480, 640, 3)) + rng.normal(0, 4, (480, 640, 3))
    for _ in range(count):
        noisy = base + rng.normal(0, 3, (480, 640, 1)) + rng.uniform(-3, 3)
        yield np.clip(noisy, 0, 255).astype(np.uint8)


def make_no_person(folder: Path) -> CorpusCase:
    """``empty_stage.mp4``: 2 s (60 frames) of an empty, slightly noisy stage."""
    path = _write_h264(folder / "empty_stage.mp4", _empty_stage())
    return CorpusCase("no_person", path, "error", ("no person",))


def make_half_body(folder: Path, source: Path) -> CorpusCase:
    """``half_body.mp4``: every frame cropped to its top half, kept at 640x240.

    In the side view the cut runs just below the hips (hips at y~225 of 480),
    so head, arms and hips are visible but the supporting knee and both feet
    are out of frame (the raised leg of the arabesque comes into view). The
    clip must still be scored, and the report should say what is not visible.
    """
    path = _write_h264(folder / "half_body.mp4", (f[: f.shape[0] // 2] for f in _frames(source)))
    return CorpusCase("half_body", path, "ok", ("out of frame",))


def make_rotated_phone(folder: Path, source: Path) -> CorpusCase:
    """``rotated_phone.mp4``: frames stored sideways (480 wide x 640 high) plus a display matrix.

    Pixels are the upright frame rotated 90 deg counter-clockwise; the display
    matrix says "rotate 90 deg clockwise to show", the same as the legacy
    ``rotate=90`` tag phones write. Read back, PyAV gives ``frame.rotation ==
    -90`` (counter-clockwise convention) and ``np.rot90(img, frame.rotation //
    90)`` is upright; OpenCV reports CAP_PROP_ORIENTATION_META == 90 but,
    in opencv-python 4.11, does NOT auto-rotate unless
    CAP_PROP_ORIENTATION_AUTO is set to 1.
    """
    sideways = (np.rot90(f, 1) for f in _frames(source))
    path = _write_h264(folder / "rotated_phone.mp4", sideways, rotation=-90)
    return CorpusCase("rotated_phone", path, "ok", ())


def make_vfr(folder: Path, source: Path) -> CorpusCase:
    """``variable_rate.mp4``: all frames of ``source`` with gaps alternating 1/30 s and 1/15 s.

    The clip lasts ~6 s instead of 4 s and its average rate is ~20 fps while
    the stream still advertises 30 fps: timing must come from timestamps, not
    from frame index / nominal fps.
    """
    path = _write_h264(folder / "variable_rate.mp4", _frames(source), pts_steps=(1, 2))
    return CorpusCase("vfr", path, "ok", ())


def _pillarbox_4k(image: np.ndarray) -> np.ndarray:
    """Upscale to 2160 high keeping the aspect ratio, centred on a black 3840x2160 canvas."""
    h, w = image.shape[:2]
    new_w = round(w * 2160 / h) // 2 * 2
    canvas = np.zeros((2160, 3840, 3), np.uint8)
    left = (3840 - new_w) // 2
    canvas[:, left : left + new_w] = cv2.resize(image, (new_w, 2160), interpolation=cv2.INTER_LINEAR)
    return canvas


def make_four_k(folder: Path, source: Path) -> CorpusCase:
    """``four_k.mp4``: first 45 frames of ``source`` upscaled to 3840x2160 (black side bars).

    Short so it builds in ~2 s; the analyser should downscale, not choke.
    """
    frames = (_pillarbox_4k(f) for f in _frames(source, 45))
    path = _write_h264(folder / "four_k.mp4", frames, preset="ultrafast")
    return CorpusCase("four_k", path, "ok", ())


def make_unreadable(folder: Path, source: Path) -> CorpusCase:
    """``locked.mp4``: a good copy with mode 000.

    As root (or with CAP_DAC_OVERRIDE, or on Windows) mode 000 does not stop
    reading. Rather than guess from the uid, this function tries to open the
    file: if it can still be read the case is an honest "ok" (the analyser
    must score it), otherwise "error" with a permission message.
    """
    path = _copy(source, folder / "locked.mp4")
    os.chmod(path, 0)
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except PermissionError:
        return CorpusCase("unreadable", path, "error", ("permission",))
    return CorpusCase("unreadable", path, "ok", ())


def make_odd_names(folder: Path, source: Path) -> CorpusCase:
    """``spaces and ünïcödé/ clip ü.mp4``: a good clip under a path with spaces,
    non-ASCII letters and a leading space in the file name."""
    path = _copy(source, folder / "spaces and ünïcödé" / " clip ü.mp4")
    return CorpusCase("odd_names", path, "ok", ())


def make_nested(folder: Path, source: Path) -> CorpusCase:
    """``nested/deeper/good.mp4``: a good clip two folders down (folder walks must recurse)."""
    path = _copy(source, folder / "nested" / "deeper" / "good.mp4")
    return CorpusCase("nested", path, "ok", ())


def make_symlink_loop(folder: Path) -> CorpusCase | None:
    """``loop/self -> ..``: a directory symlink back to the corpus root.

    Not a clip. A walker that follows directory links would see
    loop/self/loop/self/... forever (and re-find every clip); it must not.
    Returns None where symlinks cannot be made (e.g. Windows without rights).
    """
    path = _fresh(folder / "loop" / "self")
    try:
        os.symlink("..", path, target_is_directory=True)
    except (OSError, NotImplementedError):
        return None
    return CorpusCase("symlink_loop", path, "skip", ())


# --------------------------------------------------------------------------- entry point


def build_corpus(folder: Path, source: Path) -> list[CorpusCase]:
    """Write every corpus file into ``folder`` (created if needed) and describe each.

    ``source`` must be a good clip (e.g. a 640x480 sample video). Re-running
    on the same folder overwrites the files.
    """
    folder, source = Path(folder), Path(source)
    folder.mkdir(parents=True, exist_ok=True)
    cases = [
        make_zero_byte(folder),
        make_truncated(folder, source),
        make_truncated_no_index(folder, source),
        make_text_as_mp4(folder),
        make_png_as_mp4(folder, source),
        make_image_file(folder, source),
        make_audio_only(folder),
        make_one_frame(folder, source),
        make_no_person(folder),
        make_half_body(folder, source),
        make_rotated_phone(folder, source),
        make_vfr(folder, source),
        make_four_k(folder, source),
        make_unreadable(folder, source),
        make_odd_names(folder, source),
        make_nested(folder, source),
        make_symlink_loop(folder),
    ]
    return [case for case in cases if case is not None]
