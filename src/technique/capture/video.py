"""Frames in (video files, webcam) and browser-playable annotated video out.

Everything else in technique gets ``Frame`` objects and never touches a codec. Reading uses PyAV:
it gives real timestamps (variable frame rate clips), the phone's rotation flag and precise
errors. Frames are streamed one at a time; a clip is never held in memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import numpy as np

from technique.errors import OutputError, VideoError
from technique.wording import say

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"BM": "BMP",
    b"RIFF": "WEBP",  # confirmed below by the WEBP tag
}
MAX_SIDE = 1280  # larger frames (4K phones) are analysed at this size: the model sees 256 px anyway


@dataclass(frozen=True)
class VideoInfo:
    """What a clip is: size as analysed (after rotation and downscaling), rate and length."""

    source: str
    width: int
    height: int
    fps: float
    frame_count: int  # an estimate from the container for some formats (webm, mkv)
    duration_s: float
    rotation: int  # degrees the stored frames are turned to be shown upright
    stored_size: tuple[int, int]
    turn: int = 0  # further degrees (counter-clockwise) found by looking at the dancer: a clip turned
    #                without rotation metadata. Re-read the clip with VideoReader(path, turn=info.turn).


@dataclass(frozen=True)
class Frame:
    index: int
    time_s: float
    image: np.ndarray  # BGR uint8, upright


def _image_kind(head: bytes) -> str | None:
    for signature, kind in IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            if kind == "WEBP" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def _check_file(path: Path) -> None:
    """Reasons a file cannot be a video, found before any decoder is involved."""
    if not path.exists():
        raise VideoError(path, "file not found")
    if path.is_dir():
        raise VideoError(path, "is a folder, not a video file")
    if not os.access(path, os.R_OK):
        raise VideoError(path, "permission denied: the file cannot be read")
    size = path.stat().st_size
    if size == 0:
        raise VideoError(path, "the file is empty (0 bytes)")
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
    except PermissionError:
        raise VideoError(path, "permission denied: the file cannot be read") from None
    kind = _image_kind(head)
    if kind:
        raise VideoError(path, f"is a {kind} image, not a video: film the movement as a clip")
    if head and _looks_like_text(head):
        raise VideoError(path, "is a text file, not a video")


def _looks_like_text(head: bytes) -> bool:
    """The first bytes of a file read as printable UTF-8 text (a README, notes, a subtitle file)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return False
        text = head[:exc.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\t\n\r" for ch in text)


def _bgr(frame) -> np.ndarray:
    """A decoded frame as BGR. Planar 4:2:0 (nearly every phone and camera clip) goes through
    OpenCV's converter, about twice as fast as swscale's; anything else through swscale."""
    import cv2

    if frame.format.name in ("yuv420p", "yuvj420p") and frame.width % 2 == 0 and frame.height % 2 == 0:
        return cv2.cvtColor(frame.to_ndarray(format=frame.format.name), cv2.COLOR_YUV2BGR_I420)
    return frame.to_ndarray(format="bgr24")


def _upright(image: np.ndarray, rotation: int) -> np.ndarray:
    """Turn a stored frame so that it is shown as the phone showed it."""
    import cv2

    turn = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    return cv2.rotate(image, turn[rotation]) if rotation in turn else image


def _scaled_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height))
    return int(round(width * scale)) // 2 * 2, int(round(height * scale)) // 2 * 2


class VideoReader:
    """A video file opened for streaming. Raises ``VideoError`` with the reason if it can't be.

    turn: degrees (0, 90, 180, 270, counter-clockwise) to turn the frames beyond what the file's
    rotation flag says: for clips filmed sideways whose flag was lost (see ``VideoInfo.turn``).
    """

    def __init__(self, path: str | os.PathLike, max_side: int = MAX_SIDE, turn: int = 0):
        import av

        if turn % 90:
            raise ValueError(f"a clip can only be turned by quarter turns, not {turn}°")

        self.path = Path(path)
        _check_file(self.path)
        try:
            self._container = av.open(str(self.path))
        except PermissionError:
            raise VideoError(self.path, "permission denied: the file cannot be read") from None
        except (av.error.InvalidDataError, av.error.FFmpegError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)  # without FFmpeg's "[Errno 1094995529]"
            raise VideoError(self.path, f"not a video file, or a corrupt or truncated one ({why})") from None
        if not self._container.streams.video:
            what = "audio only" if self._container.streams.audio else "no streams"
            self._container.close()
            raise VideoError(self.path, f"has no video stream ({what})")
        self._stream = self._container.streams.video[0]
        self.problem: str | None = None  # set if decoding stopped early (truncated file)
        self.warnings: list[str] = []  # things the reader repaired and the report should say (joined clips)
        self.frames_read = 0
        rotation = self._first_frame_rotation()
        self.info = self._probe(max_side, rotation, turn % 360)

    def _first_frame_rotation(self) -> int:
        """Decode one frame: proves the stream is decodable and reads the phone's rotation flag.

        The rotation (display matrix) is in degrees counter-clockwise needed to show the frame
        upright. The container is reopened afterwards so that iteration starts at frame 0.
        """
        import av

        try:
            first = next(self._container.decode(self._stream), None)
        except (av.error.FFmpegError, ValueError) as exc:
            self.close()
            raise VideoError(self.path, f"no frame can be decoded (truncated or corrupt file): {exc}") from None
        if first is None:
            self.close()
            raise VideoError(self.path, "the video stream has no frames (truncated or empty file)")
        rotation = int(round(first.rotation or 0)) % 360
        self._container.close()
        self._container = av.open(str(self.path))
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        return rotation

    def _probe(self, max_side: int, rotation: int, turn: int) -> VideoInfo:
        stream = self._stream
        codec = stream.codec_context
        if codec.name in ("png", "mjpeg", "bmp", "gif", "webp") and (stream.frames or 0) <= 1:
            self.close()
            raise VideoError(self.path, f"is a still image ({codec.name}), not a video")
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        guessed = stream.guessed_rate
        if not stream.average_rate or (guessed and abs(float(stream.average_rate) - float(guessed)) > 0.5):
            # the file doesn't state it (a raw stream, a broken AVI header): FFmpeg then says 25, the
            # codec's own timing is the better guess, and the report says times are uncertain
            rate = guessed or rate
            self.warnings.append(say("frame_rate_assumed", fps=float(rate or 30)))
        fps = float(rate) if rate else 30.0
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif self._container.duration:
            duration = self._container.duration / 1_000_000
        else:
            duration = 0.0
        frames = stream.frames or int(round(duration * fps))
        width, height = codec.width, codec.height
        if width <= 0 or height <= 0:
            self.close()
            raise VideoError(self.path, "the video stream has no picture size (corrupt header)")
        shown = (height, width) if (rotation + turn) % 180 == 90 else (width, height)
        out_w, out_h = _scaled_size(*shown, max_side)
        return VideoInfo(str(self.path), out_w, out_h, fps, frames, duration, rotation, (width, height), turn)

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def frames(self, first: int = 0, stop=None) -> Iterator[Frame]:
        """The frames from index `first` on. Earlier ones are decoded (a frame's index and time
        depend on all before it) but not converted to pictures, which costs a fraction. `stop`
        (a threading.Event) ends the reading early, even among the frames skipped."""
        import av
        import cv2

        rotation = (self.info.rotation + self.info.turn) % 360
        start = self._stream.start_time or 0
        index, shift, last = 0, 0.0, None
        try:
            for frame in self._container.decode(self._stream):
                if stop is not None and stop.is_set():
                    return
                if frame.pts is not None and frame.time_base is not None:
                    time_s = float((frame.pts - start) * frame.time_base) + shift
                else:
                    time_s = index / self.info.fps + shift
                if last is not None and time_s < last:
                    shift, time_s = self._went_back(index, time_s, last, shift)
                if index >= first:
                    image = _upright(_bgr(frame), rotation)
                    if image.shape[1] != self.info.width or image.shape[0] != self.info.height:
                        image = cv2.resize(image, (self.info.width, self.info.height), interpolation=cv2.INTER_AREA)
                    yield Frame(index, time_s, image)
                last = time_s
                index += 1
        except (av.error.FFmpegError, ValueError) as exc:
            self.problem = f"decoding stopped after frame {index} (truncated or corrupt file): {exc}"
        declared = self._stream.frames or 0
        if self.problem is None and declared and index < declared - 1:
            self.problem = f"only {index} of the {declared} frames the file declares could be decoded (truncated file?)"
        self.frames_read = index

    def _went_back(self, index: int, time_s: float, last: float, shift: float) -> tuple[float, float]:
        """Timestamps that jump backwards (clips joined with `cat a.ts b.ts`): times continue from the
        previous frame, frames stay in the order they are stored, and the report says so. Returns the
        new shift and the frame's corrected time."""
        step = 1.0 / self.info.fps if self.info.fps > 0 else 1 / 30
        extra = last + step - time_s
        self.warnings.append(say("time_goes_back", by=extra - step, index=index, after=last))
        return shift + extra, time_s + extra

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> "VideoReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class WebcamReader:
    """Frames from a camera index, timestamped with the monotonic clock."""

    def __init__(self, index: int, width: int = 640, height: int = 480):
        import cv2

        self._capture = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            raise VideoError(f"webcam {index}", "cannot open the camera (in use, or not present?)")
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        fps = self._capture.get(cv2.CAP_PROP_FPS) or 30.0
        w = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        h = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        self.problem = None
        self.info = VideoInfo(f"webcam {index}", w, h, fps, 0, 0.0, 0, (w, h))

    def __iter__(self) -> Iterator[Frame]:
        import time

        start = time.monotonic()
        index = 0
        while True:
            ok, image = self._capture.read()
            if not ok:
                return
            yield Frame(index, time.monotonic() - start, image)
            index += 1

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> "WebcamReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def prefetched(frames: Iterator, depth: int = 4, stall_s: float = 120.0, source: str = "video") -> Iterator:
    """Work ahead in a thread (decoding, drawing) so it overlaps the caller's (pose, encoding).

    Bounded in memory (at most `depth` items wait) and in time: every wait has a timeout, an error on
    either side stops the other, and the thread has stopped (its source closed) before this returns,
    so a reader can be closed safely afterwards. No item for `stall_s` seconds raises VideoError
    instead of waiting forever. Exceptions in the thread are re-raised here.
    """
    import queue
    import threading
    import time

    box: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def offer(item) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for frame in frames:
                if not offer(frame):
                    return
            offer(done)
        except BaseException as exc:  # handed to the consumer, not lost in the thread
            offer(exc)
        finally:
            close = getattr(frames, "close", None)
            if close is not None:
                close()  # a generator's own cleanup runs here, in its thread, before the reader closes

    thread = threading.Thread(target=produce, name="technique-prefetch", daemon=True)
    thread.start()
    try:
        last = time.monotonic()
        while True:
            try:
                item = box.get(timeout=0.5)
            except queue.Empty:
                if not thread.is_alive() and box.empty():
                    raise VideoError(source, "the decoding thread stopped without finishing") from None
                if time.monotonic() - last > stall_s:
                    raise VideoError(source, f"no frame for {stall_s:.0f} s: decoding stalled") from None
                continue
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            last = time.monotonic()
            yield item
    finally:
        stop.set()
        thread.join(timeout=min(30.0, stall_s))


def open_video(source: str | int | os.PathLike, max_side: int = MAX_SIDE,
               turn: int = 0) -> VideoReader | WebcamReader:
    """A reader for a file path, or for a webcam given as an integer index ("0"); `turn` for files only."""
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit()):
        return WebcamReader(int(source))
    return VideoReader(source, max_side, turn)


class VideoWriter:
    """H.264 MP4 (yuv420p, faststart) that plays in every browser; written to a unique temp file
    (safe_write.TempFile), then renamed. Errors (a full disk) are OutputErrors naming the file.

    `root` is the output folder below which no link may be planted (default: the video's folder).
    """

    def __init__(self, path: str | os.PathLike, fps: float, size: tuple[int, int], crf: int = 23,
                 root: str | os.PathLike | None = None):
        import av

        from technique.safe_write import TempFile

        self.path = Path(path)
        self._temp = TempFile(self.path, root)
        width, height = size[0] // 2 * 2, size[1] // 2 * 2
        self.size = (width, height)
        try:
            self._container = av.open(str(self._temp.temp), mode="w", format="mp4",
                                      options={"movflags": "+faststart"})
        except (OSError, av.error.FFmpegError) as exc:
            self._temp.discard()
            raise OutputError(self.path, f"cannot write the video: {self._reason(exc)}") from None
        rate = Fraction(fps).limit_denominator(1001) if fps > 0 else Fraction(30)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width, self._stream.height = width, height
        self._stream.pix_fmt = "yuv420p"
        # superfast: about 1 ms a frame at 640x480 on this class of machine (veryfast: 3.5 ms), for a
        # file about 1.6x larger; the annotated video is for watching, not archiving.
        self._stream.options = {"crf": str(crf), "preset": "superfast"}
        self.frames_written = 0

    @staticmethod
    def _reason(exc: Exception) -> str:
        from technique.safe_write import reason_of

        return reason_of(exc) if isinstance(exc, OSError) else str(exc)

    def write(self, image_bgr: np.ndarray) -> None:
        import av
        import cv2

        if image_bgr.shape[1] != self.size[0] or image_bgr.shape[0] != self.size[1]:
            image_bgr = image_bgr[: self.size[1], : self.size[0]]
        # OpenCV's BGR -> I420 is about 5x faster than letting the encoder's swscale convert
        planar = cv2.cvtColor(np.ascontiguousarray(image_bgr), cv2.COLOR_BGR2YUV_I420)
        frame = av.VideoFrame.from_ndarray(planar, format="yuv420p")
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except (OSError, av.error.FFmpegError) as exc:  # a full disk
            raise OutputError(self.path, f"cannot write the video: {self._reason(exc)}") from None
        self.frames_written += 1

    def close(self) -> Path:
        """Flush, close and move the finished file into place (removed if that fails)."""
        import av

        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
            self._container.close()
        except (OSError, av.error.FFmpegError) as exc:
            self.abort()
            raise OutputError(self.path, f"cannot write the video: {self._reason(exc)}") from None
        return self._temp.commit()

    def abort(self) -> None:
        try:
            self._container.close()
        except Exception:  # closing a broken container (full disk) may fail again: the file goes anyway
            pass
        finally:
            self._temp.discard()
