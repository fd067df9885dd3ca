"""Small helpers on time series that every stage uses (runs of frames where something holds)."""

from __future__ import annotations

import warnings

import numpy as np


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs of a boolean array."""
    edges = np.diff(np.concatenate(([0], np.asarray(mask).astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


# seconds between frames where a function is given none (a single frame, or a clip built in a test)
FRAME_S = 1 / 30


def frames_within(seconds: float, frame_s: float) -> int:
    """How many frames (at least one) span `seconds` of a clip whose frames come every `frame_s` seconds:
    a window measured in time reads the same at 10, 30 or 60 frames a second."""
    if not np.isfinite(frame_s) or frame_s <= 0:
        return 1
    return max(1, int(round(seconds / frame_s)))


def rolling_percentile(values: np.ndarray, half_window: int, q: float, rows: int = 4096) -> np.ndarray:
    """Each frame's q-th percentile of the finite values within half_window frames of it (NaN if none).

    Computed `rows` frames at a time: a long clip at 60 frames a second has wide windows, and all of them
    at once would hold frames x window values in memory."""
    from numpy.lib.stride_tricks import sliding_window_view

    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return values.copy()
    # padded with NaN, which nanpercentile leaves out: the windows at the ends are simply shorter
    windows = sliding_window_view(np.pad(values, half_window, constant_values=np.nan), 2 * half_window + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.concatenate([np.nanpercentile(windows[i:i + rows], q, axis=1)
                               for i in range(0, len(windows), rows)])
