"""Cleaning: visibility gating, the left/right swap guard, the One-Euro filter and gap filling."""

from __future__ import annotations

import numpy as np
import pytest

from technique import landmarks as L
from technique.capture.pose import Pose
from technique.analysis.smoothing import OneEuro, PoseSmoother, SmoothingConfig, fill_gaps, gate, swap_legs


def make_pose(shift: float = 0.0, visibility: float = 0.9, size=(640, 480)) -> Pose:
    rng = np.random.default_rng(0)
    pixels = rng.uniform(100, 400, (L.COUNT, 2)) + shift
    # legs well apart so that a swap is unmistakable
    for i in L.LEG["left"]:
        pixels[i, 0] = 200 + shift
    for i in L.LEG["right"]:
        pixels[i, 0] = 400 + shift
    return Pose(pixels, np.full(L.COUNT, visibility), rng.normal(0, 0.3, (L.COUNT, 3)), size)


def test_gate_drops_low_visibility_and_out_of_frame():
    pose = make_pose()
    vis = pose.visibility.copy()
    vis[L.LEFT_ANKLE] = 0.1
    px = pose.pixels.copy()
    px[L.RIGHT_TOE] = (700.0, 200.0)  # right of a 640-wide frame
    pixels, world = gate(Pose(px, vis, pose.world, pose.image_size), SmoothingConfig())
    assert np.isnan(pixels[L.LEFT_ANKLE]).all() and np.isnan(world[L.LEFT_ANKLE]).all()
    assert np.isnan(pixels[L.RIGHT_TOE]).all()
    assert np.isfinite(pixels[L.LEFT_HIP]).all()


def upright(pose: Pose, head_up: bool = True) -> Pose:
    """The pose with its shoulders placed above its hips (or below them: upside down)."""
    px = pose.pixels.copy()
    top, bottom = (150.0, 300.0) if head_up else (300.0, 150.0)
    px[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 1] = top
    px[[L.LEFT_HIP, L.RIGHT_HIP], 1] = bottom
    px[[L.LEFT_SHOULDER, L.LEFT_HIP], 0], px[[L.RIGHT_SHOULDER, L.RIGHT_HIP], 0] = 280.0, 320.0
    return Pose(px, pose.visibility, pose.world, pose.image_size)


@pytest.mark.parametrize("head_up, torso_vis, kept", [
    (True, 0.9, True),    # upright, torso seen: a half-hidden far leg (profile) is kept
    (False, 0.9, False),  # upside down: a body MediaPipe guessed from part of itself; not trusted
    (True, 0.4, False),   # the torso itself half hidden: nothing to anchor the leg to
])
def test_a_half_hidden_leg_is_kept_only_on_an_upright_body_whose_torso_is_seen(head_up, torso_vis, kept):
    pose = upright(make_pose(), head_up)
    vis = pose.visibility.copy()
    vis[L.RIGHT_HIP] = torso_vis
    vis[[L.LEFT_KNEE, L.LEFT_ANKLE]] = 0.4  # the far leg, in profile
    vis[L.LEFT_TOE] = 0.2  # too doubtful anywhere
    vis[L.LEFT_WRIST] = 0.4  # an arm is not a leg: the usual 0.5 holds
    pixels, _ = gate(Pose(pose.pixels, vis, pose.world, pose.image_size), SmoothingConfig())
    assert np.isfinite(pixels[[L.LEFT_KNEE, L.LEFT_ANKLE]]).all() == kept
    assert np.isnan(pixels[L.LEFT_TOE]).all() and np.isnan(pixels[L.LEFT_WRIST]).all()


def test_swap_guard_repairs_a_swapped_frame():
    smoother = PoseSmoother()
    base = make_pose()
    smoother.update(base, 0.0)
    swapped = Pose(swap_legs(base.pixels), base.visibility, swap_legs(base.world), base.image_size)
    clean = smoother.update(swapped, 1 / 30)
    assert clean.swapped
    assert clean.pixels[L.LEFT_ANKLE][0] == pytest.approx(200.0, abs=1.0)
    assert clean.pixels[L.RIGHT_ANKLE][0] == pytest.approx(400.0, abs=1.0)


def test_swap_guard_leaves_real_motion_alone():
    smoother = PoseSmoother()
    smoother.update(make_pose(), 0.0)
    clean = smoother.update(make_pose(shift=5.0), 1 / 30)
    assert not clean.swapped


def test_one_euro_is_steady_on_a_still_signal_and_follows_a_step():
    f = OneEuro((1,), min_cutoff=1.0, beta=30.0, d_cutoff=1.0)
    rng = np.random.default_rng(1)
    noisy = [f(np.array([0.5 + rng.normal(0, 0.002)]), t / 30, 0.25)[0] for t in range(60)]
    assert np.std(noisy[10:]) < 0.002  # jitter reduced below the input's
    out = [f(np.array([0.9]), (60 + t) / 30, 0.25)[0] for t in range(15)]
    assert out[-1] == pytest.approx(0.9, abs=0.01)  # a real move is followed within half a second


def test_one_euro_holds_short_gaps_and_forgets_long_ones():
    f = OneEuro((1,), 1.0, 30.0, 1.0)
    f(np.array([1.0]), 0.0, 0.25)
    assert f(np.array([np.nan]), 0.1, 0.25)[0] == pytest.approx(1.0)
    assert np.isnan(f(np.array([np.nan]), 0.5, 0.25)[0])


def test_fill_gaps_bridges_short_gaps_only():
    times = np.arange(12) / 30
    values = np.arange(12, dtype=float)
    values[3:5] = np.nan  # 2 frames: bridged
    values[6:11] = np.nan  # 5 frames > 0.1 s: left alone
    out = fill_gaps(values[:, None], times, 0.1)[:, 0]
    assert out[3:5] == pytest.approx([3.0, 4.0])
    assert np.isnan(out[6:11]).all()


def test_mirrored_pose_swaps_left_and_right():
    pose = make_pose()
    mirror = pose.mirrored()
    assert mirror.pixels[L.LEFT_ANKLE][0] == pytest.approx(640 - pose.pixels[L.RIGHT_ANKLE][0])
