"""Pose estimation: the only module that imports mediapipe.

``PoseEstimator`` turns BGR frames into ``Pose`` objects (plain numpy data) or ``None`` when no
person is in view. Use one estimator per stream: in video (tracking) mode MediaPipe keeps state
between frames, so an estimator must never be shared across clips or threads.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from technique.landmarks import COUNT


@dataclass(frozen=True)
class Pose:
    """One person in one frame.

    pixels: (33, 2) x, y in pixels of the analysed frame (x right, y down).
    visibility: (33,) MediaPipe's visibility score in [0, 1].
    world: (33, 3) metres, origin between the hips, axes as the camera (x right, y down, z away).
    image_size: (width, height) of the frame the pixels refer to.
    """

    pixels: np.ndarray
    visibility: np.ndarray
    world: np.ndarray
    image_size: tuple[int, int]

    @classmethod
    def from_normalised(cls, xy: np.ndarray, visibility: np.ndarray, world: np.ndarray,
                        image_size: tuple[int, int]) -> "Pose":
        """A pose from MediaPipe's normalised image coordinates ([0, 1] of the width and the height):
        scaled to pixels, so that angles are true on a frame that isn't square."""
        width, height = image_size
        return cls(np.asarray(xy, dtype=np.float64)[:, :2] * (width, height), np.asarray(visibility, dtype=np.float64),
                   np.asarray(world, dtype=np.float64), (width, height))

    def mirrored(self) -> "Pose":
        """The same pose seen in a mirror: x flipped and left/right landmarks exchanged."""
        from technique.landmarks import MIRROR

        idx = list(MIRROR)
        px = self.pixels[idx].copy()
        px[:, 0] = self.image_size[0] - px[:, 0]
        world = self.world[idx].copy()
        world[:, 0] = -world[:, 0]
        return Pose(px, self.visibility[idx].copy(), world, self.image_size)

    def placed_in(self, corner: tuple[float, float], image_size: tuple[int, int], scale: float = 1.0) -> "Pose":
        """This pose, found in a crop whose top-left corner is `corner` (and enlarged 1/scale times
        before the model saw it), in the whole picture's pixels.

        World coordinates are metres around the hips, the same whichever crop they were seen in.
        """
        pixels = self.pixels * scale + np.asarray(corner, dtype=np.float64)
        return Pose(pixels, self.visibility, self.world, image_size)


@dataclass(frozen=True)
class PoseConfig:
    """MediaPipe Pose settings. model_complexity 1 is the "full" model shipped in the wheel."""

    model_complexity: int = 1
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    static_images: bool = False  # True: detect afresh in every frame (photos); False: track (video)


def _flush_c_stdio() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):
        pass


@contextmanager
def _quiet_native_logs():
    """Silence the C++ start-up chatter MediaPipe prints straight to file descriptor 2.

    Python-level errors still propagate as exceptions; only the native library's log lines
    (XNNPACK delegate, feedback tensors...) written while the graph starts are dropped.
    """
    import sys

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (e.g. some embedded runners)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        _flush_c_stdio()  # native logs sit in C's stdio buffer: flush them into /dev/null, not later
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class PoseEstimator:
    """MediaPipe Pose for one stream of frames. Use as a context manager, or call ``close()``."""

    def __init__(self, config: PoseConfig = PoseConfig()):
        os.environ.setdefault("GLOG_minloglevel", "2")  # mediapipe's C++ logs are noise to a user
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        if config.model_complexity != 1:
            # The lite (0) and heavy (2) models are not in the wheel; mediapipe would try to download them.
            raise ValueError("only model_complexity=1 (the 'full' model shipped with mediapipe 0.10.21) works offline")
        self.config = config
        self._quiet_frames = 5  # the graph's native start-up logs come with the first frames
        with _quiet_native_logs():
            import mediapipe as mp

            self._pose = mp.solutions.pose.Pose(
                static_image_mode=config.static_images,
                model_complexity=config.model_complexity,
                smooth_landmarks=True,
                enable_segmentation=False,
                min_detection_confidence=config.min_detection_confidence,
                min_tracking_confidence=config.min_tracking_confidence,
            )

    def process(self, frame_bgr: np.ndarray) -> Pose | None:
        """Landmarks of the most prominent person in a BGR uint8 frame, or None."""
        import cv2

        height, width = frame_bgr.shape[:2]
        rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        if self._quiet_frames:
            self._quiet_frames -= 1
            with _quiet_native_logs():
                result = self._pose.process(rgb)
        else:
            result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        image = np.array(
            [(lm.x, lm.y, lm.visibility) for lm in result.pose_landmarks.landmark], dtype=np.float64
        )
        if result.pose_world_landmarks is not None:
            world = np.array(
                [(lm.x, lm.y, lm.z) for lm in result.pose_world_landmarks.landmark],
                dtype=np.float64,
            )
        else:
            world = np.full((COUNT, 3), np.nan)
        return Pose.from_normalised(image[:, :2], image[:, 2].copy(), world, (width, height))

    def detect_afresh(self, frame_bgr: np.ndarray) -> Pose | None:
        """The person a fresh detection finds in this frame, whoever was tracked before.

        An empty (black) frame first ends the tracking, so MediaPipe detects anew in `frame_bgr` and
        restarts its landmark smoothing (the landmarks equal photo mode's to the pixel). For a picture
        that moved (a crop placed elsewhere) and for a second look at a frame after the stream: two
        inferences instead of a second graph (about 0.1-0.2 s to start).
        """
        if not self.config.static_images:
            self.process(np.zeros_like(frame_bgr))
        return self.process(frame_bgr)

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def detect_in_image(image_bgr: np.ndarray, config: PoseConfig = PoseConfig()) -> Pose | None:
    """Pose in a single photo (static mode: no tracking state)."""
    static = PoseConfig(
        config.model_complexity, config.min_detection_confidence, config.min_tracking_confidence, True
    )
    with PoseEstimator(static) as estimator:
        return estimator.process(image_bgr)
