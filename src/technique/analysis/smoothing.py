"""Cleaning landmarks over time: visibility gating, left/right swap guard, One-Euro filter, gap filling.

``PoseSmoother`` is causal (it sees one frame at a time), so live practice and file analysis
clean landmarks in exactly the same way. ``Track`` collects the cleaned frames of a clip as
arrays; ``fill_gaps`` then bridges short gaps by interpolation, which needs the frames after the gap
and so is done once the clip has been read.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from technique.series import true_runs

from technique.landmarks import COUNT, LEG
from technique.capture.people import UPRIGHT_WITHIN, head_direction
from technique.capture.pose import Pose


@dataclass(frozen=True)
class SmoothingConfig:
    """Tunable cleaning parameters.

    min_visibility: landmarks MediaPipe scores below this become NaN (not guessed).
    leg_visibility: ... except the knees and feet of an upright body whose torso is seen, kept down to
        this score. MediaPipe scores the far leg in profile as half hidden (0.3-0.5) where it still
        places it: a far leg raised in arabesque lost its knee, and the movement its name. Read again
        with it, the dev renders gave 271 -> 274 of 294 recognised, wrong names 7 -> 5, the judged leg
        height 0.5 deg nearer the truth; the in-between-angle set 170 -> 171 of 232.
    frame_margin: landmarks further than this fraction of the frame outside it become NaN.
    min_cutoff_hz, beta, d_cutoff_hz: One-Euro filter (Casiez et al. 2012). The cutoff rises from
        min_cutoff_hz with speed (in image heights per second) times beta: still poses are steadied,
        fast whips (fouetté) are not lagged. MediaPipe already smooths its landmarks, so the defaults
        mostly steady held positions: on the sample fouetté they add under 1 px of median error
        against the ground truth, where (1.5 Hz, beta 4) lagged the whip by 15 px at the 90th percentile.
    max_gap_s: gaps in a joint up to this long are bridged (held live, interpolated in files).
    swap_ratio: a frame's legs are exchanged when the exchanged assignment moves less than this
        fraction of the kept one (MediaPipe swaps legs in profile views).
    """

    min_visibility: float = 0.5
    leg_visibility: float = 0.3
    frame_margin: float = 0.02
    min_cutoff_hz: float = 1.0
    beta: float = 30.0
    d_cutoff_hz: float = 1.0
    max_gap_s: float = 0.25
    swap_ratio: float = 0.5


def gate(pose: Pose, config: SmoothingConfig) -> tuple[np.ndarray, np.ndarray]:
    """Pixels and world coordinates with unreliable or out-of-frame landmarks set to NaN."""
    width, height = pose.image_size
    pixels = pose.pixels.astype(np.float64).copy()
    world = pose.world.astype(np.float64).copy()
    mx, my = config.frame_margin * width, config.frame_margin * height
    outside = (
        (pixels[:, 0] < -mx) | (pixels[:, 0] > width + mx)
        | (pixels[:, 1] < -my) | (pixels[:, 1] > height + my)
    )
    hidden = pose.visibility < config.min_visibility
    if abs(head_direction(pose)) <= UPRIGHT_WITHIN:  # NaN (never within) unless the torso is seen
        legs = list(LEG["left"][1:] + LEG["right"][1:])
        hidden[legs] = pose.visibility[legs] < config.leg_visibility
    bad = hidden | outside
    pixels[bad] = np.nan
    world[bad] = np.nan
    ghost = ghost_leg(pose.pixels, pose.visibility)  # on raw points: gating may have hidden the evidence
    if ghost:
        leg = list(LEG[ghost][1:])  # keep the hip: it is seen, only the leg below it is invented
        pixels[leg] = np.nan
        world[leg] = np.nan
    return pixels, world


def ghost_leg(pixels: np.ndarray, visibility: np.ndarray) -> str | None:
    """The leg MediaPipe invented on top of the other one, if it did.

    When one leg is out of frame (a body cut at the hips), MediaPipe tends to draw both legs on the
    visible one. Two raised legs in the same place cannot happen standing, so when both knees and
    ankles coincide (within 0.4 torso lengths) and both legs are raised more than 35°, the less
    visible leg is dropped. Legs together hanging down (first position in profile) are left alone.
    """
    from technique.landmarks import LEFT_ANKLE, LEFT_HIP, LEFT_KNEE, LEFT_SHOULDER, RIGHT_ANKLE, RIGHT_HIP, RIGHT_KNEE
    from technique.landmarks import RIGHT_SHOULDER

    torso = np.linalg.norm((pixels[LEFT_SHOULDER] + pixels[RIGHT_SHOULDER]) / 2
                           - (pixels[LEFT_HIP] + pixels[RIGHT_HIP]) / 2)
    knees = np.linalg.norm(pixels[LEFT_KNEE] - pixels[RIGHT_KNEE])
    ankles = np.linalg.norm(pixels[LEFT_ANKLE] - pixels[RIGHT_ANKLE])
    if not np.isfinite([torso, knees, ankles]).all() or (knees + ankles) / 2 > 0.4 * torso:
        return None

    def raised(hip: int, ankle: int) -> bool:
        d = pixels[ankle] - pixels[hip]
        return np.degrees(np.arctan2(abs(d[0]), d[1])) > 35

    if not (raised(LEFT_HIP, LEFT_ANKLE) and raised(RIGHT_HIP, RIGHT_ANKLE)):
        return None
    left, right = (float(visibility[list(LEG[s][1:])].sum()) for s in ("left", "right"))
    return "left" if left < right else "right"


def _leg_motion(current: np.ndarray, previous: np.ndarray, a: tuple, b: tuple) -> float:
    """Mean distance the joints of leg a (now) are from leg b (before), over joints seen in both.

    NaN unless at least two joints below the hip are seen in both: hips alone say nothing (in profile
    the two hips coincide), and a single joint is too weak a clue to exchange whole legs.
    """
    d = np.linalg.norm(current[list(a[1:])] - previous[list(b[1:])], axis=1)
    d = d[np.isfinite(d)]
    return float(d.mean()) if d.size >= 2 else math.nan


def swap_legs(array: np.ndarray) -> np.ndarray:
    """A copy with the left and right leg landmarks exchanged: one pose (33, d) or many (..., 33, d)."""
    out = array.copy()
    left, right = list(LEG["left"]), list(LEG["right"])
    out[..., left, :], out[..., right, :] = array[..., right, :], array[..., left, :]
    return out


class OneEuro:
    """Vectorised One-Euro low-pass filter over an array of values that may contain NaN."""

    def __init__(self, shape: tuple[int, ...], min_cutoff: float, beta: float, d_cutoff: float):
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.value = np.full(shape, np.nan)
        self.speed = np.zeros(shape)
        self.last_seen = np.full(shape, -np.inf)
        self.time: float | None = None

    @staticmethod
    def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray:
        tau = 1.0 / (2 * math.pi * np.asarray(cutoff))
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, t: float, max_gap: float) -> np.ndarray:
        seen = np.isfinite(x)
        fresh = seen & ((t - self.last_seen > max_gap) | ~np.isfinite(self.value))
        dt = (t - self.time) if self.time is not None else 0.0
        self.time = t
        if dt <= 0:
            self.value = np.where(seen, x, self.value)
            self.speed = np.where(fresh, 0.0, self.speed)
        else:
            raw_speed = np.where(seen & ~fresh, (x - self.value) / dt, 0.0)
            a_d = self._alpha(self.d_cutoff, dt)
            speed = a_d * raw_speed + (1 - a_d) * self.speed
            a = self._alpha(self.min_cutoff + self.beta * np.abs(speed), dt)
            smoothed = a * x + (1 - a) * self.value
            self.value = np.where(fresh, x, np.where(seen, smoothed, self.value))
            self.speed = np.where(fresh, 0.0, np.where(seen, speed, self.speed))
        self.last_seen = np.where(seen, t, self.last_seen)
        held = (t - self.last_seen) <= max_gap
        return np.where(held, self.value, np.nan)


@dataclass
class CleanPose:
    """One frame after cleaning: NaN where a joint is unknown."""

    time_s: float
    pixels: np.ndarray  # (33, 2)
    world: np.ndarray  # (33, 3)
    detected: bool
    swapped: bool = False


class PoseSmoother:
    """Causal cleaning of one stream of poses (one per stream, like the estimator)."""

    def __init__(self, config: SmoothingConfig = SmoothingConfig()):
        self.config = config
        self._pixels: OneEuro | None = None
        self._world = OneEuro((COUNT, 3), config.min_cutoff_hz, config.beta, config.d_cutoff_hz)
        self._previous: np.ndarray | None = None
        self._scale = 1.0

    def update(self, pose: Pose | None, time_s: float) -> CleanPose:
        cfg = self.config
        if pose is None:
            empty = np.full((COUNT, 2), np.nan)
            return CleanPose(time_s, self._hold(empty, time_s), np.full((COUNT, 3), np.nan), False)
        if self._pixels is None:
            self._scale = float(pose.image_size[1])
            self._pixels = OneEuro((COUNT, 2), cfg.min_cutoff_hz, cfg.beta, cfg.d_cutoff_hz)
        pixels, world = gate(pose, cfg)
        swapped = self._should_swap(pixels)
        if swapped:
            pixels, world = swap_legs(pixels), swap_legs(world)
        smoothed = self._pixels(pixels / self._scale, time_s, cfg.max_gap_s) * self._scale
        world_s = self._world(world, time_s, cfg.max_gap_s)
        self._previous = smoothed
        return CleanPose(time_s, smoothed, world_s, True, swapped)

    def _hold(self, empty: np.ndarray, time_s: float) -> np.ndarray:
        if self._pixels is None:
            return empty
        return self._pixels(empty, time_s, self.config.max_gap_s) * self._scale

    def _should_swap(self, pixels: np.ndarray) -> bool:
        """True when exchanging the legs makes this frame continuous with the previous one."""
        if self._previous is None:
            return False
        left, right = LEG["left"], LEG["right"]
        keep = _leg_motion(pixels, self._previous, left, left) + _leg_motion(pixels, self._previous, right, right)
        swap = _leg_motion(pixels, self._previous, left, right) + _leg_motion(pixels, self._previous, right, left)
        if not (math.isfinite(keep) and math.isfinite(swap)):
            return False
        noticeable = keep > 0.03 * self._scale  # ignore jitter between legs that stand together
        return noticeable and swap < self.config.swap_ratio * keep


class Track:
    """A clip's cleaned landmarks, one row per frame, kept compactly while a clip streams by.

    Rows go into preallocated float32 blocks (660 bytes a frame: about 12 MB for ten minutes at
    30 fps) rather than one small array per frame, so memory grows little and steadily.
    """

    BLOCK = 1024  # frames per block

    def __init__(self, fps: float, image_size: tuple[int, int]):
        self.fps = fps
        self.image_size = image_size
        self.times: list[float] = []
        self._blocks: list[np.ndarray] = []  # (BLOCK, 33, 5): x, y pixels then x, y, z world
        self._flags: list[np.ndarray] = []  # (BLOCK, 2): detected, swapped

    def append(self, clean: CleanPose) -> None:
        row = len(self.times) % self.BLOCK
        if row == 0:
            self._blocks.append(np.empty((self.BLOCK, COUNT, 5), np.float32))
            self._flags.append(np.zeros((self.BLOCK, 2), bool))
        self._blocks[-1][row, :, :2] = clean.pixels
        self._blocks[-1][row, :, 2:] = clean.world
        self._flags[-1][row] = (clean.detected, clean.swapped)
        self.times.append(clean.time_s)

    def __len__(self) -> int:
        return len(self.times)

    def arrays(self) -> "TrackArrays":
        n = len(self.times)
        data = np.concatenate(self._blocks)[:n] if n else np.zeros((0, COUNT, 5), np.float32)
        flags = np.concatenate(self._flags)[:n] if n else np.zeros((0, 2), bool)
        return TrackArrays(
            fps=self.fps, image_size=self.image_size, times=np.asarray(self.times, dtype=np.float64),
            pixels=data[..., :2], world=data[..., 2:], detected=flags[:, 0], swapped=flags[:, 1],
        )


@dataclass(frozen=True)
class TrackArrays:
    fps: float
    image_size: tuple[int, int]
    times: np.ndarray  # (T,)
    pixels: np.ndarray  # (T, 33, 2) float32
    world: np.ndarray  # (T, 33, 3) float32
    detected: np.ndarray  # (T,) a person was found in the frame
    swapped: np.ndarray  # (T,) the swap guard exchanged the legs in this frame


def joined(first: TrackArrays, later: TrackArrays, overlap: int) -> TrackArrays:
    """One track from two parts of a clip read at once; `later`'s first `overlap` frames repeat the
    end of `first` (the second tracker's warm-up) and are dropped."""
    return dataclasses.replace(
        first, times=np.concatenate([first.times, later.times[overlap:]]),
        pixels=np.concatenate([first.pixels, later.pixels[overlap:]]),
        world=np.concatenate([first.world, later.world[overlap:]]),
        detected=np.concatenate([first.detected, later.detected[overlap:]]),
        swapped=np.concatenate([first.swapped, later.swapped[overlap:]]))


def fill_gaps(values: np.ndarray, times: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate NaN runs no longer than max_gap_s along axis 0 (each column alone)."""
    out = values.copy()
    flat = out.reshape(len(times), -1)
    for col in range(flat.shape[1]):
        series = flat[:, col]
        missing = ~np.isfinite(series)
        if not missing.any() or missing.all():
            continue
        known = np.flatnonzero(~missing)
        for start, stop in true_runs(missing):
            if start == 0 or stop == len(series):
                continue
            if times[stop] - times[start - 1] <= max_gap_s + 1e-9:
                series[start:stop] = np.interp(times[start:stop], times[known], series[known])
    return out
