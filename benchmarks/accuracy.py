"""Accuracy against the sample clips' ground truth (rendered dancer, known joint angles and labels).

    .venv/bin/python benchmarks/accuracy.py

For every sample clip: the median and 90th-percentile absolute error of each 2D angle technique
measures (per frame where the joints are visible), the movement recognised, the fouetté turn
count, and the développé phase boundaries against the labels. The renders are easier than real
dancers (flat colours, no clothes): read these as an upper bound on accuracy, not a promise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_videos"
ANGLES = {  # our measure -> ground-truth angles_2d key
    "supporting_knee": "supporting_knee", "working_knee": "working_knee",
    "working_leg_height": "working_leg_from_vertical", "torso_tilt": "torso_tilt",
}


def main() -> None:
    from technique.pipeline import analyse_clip

    print(f"{'clip':<34}{'movement':<18}" + "".join(f"{m:>22}" for m in ANGLES))
    for clip in sorted(SAMPLES.glob("*.mp4")):
        truth = json.loads(clip.with_suffix(".json").read_text())["frames"]
        a = analyse_clip(clip)
        cells = []
        for ours, theirs in ANGLES.items():
            err = np.abs(a.measures[ours] - np.array([f["angles_2d"][theirs] for f in truth]))
            err = err[np.isfinite(err)]
            cells.append(f"{np.median(err):5.1f} / {np.percentile(err, 90):5.1f} ({err.size:3d})")
        movement = a.judgement.reference.name if a.judgement else "not recognised"
        print(f"{clip.stem:<34}{movement:<18}" + "".join(f"{c:>22}" for c in cells))
        for seg in a.segments:
            story = seg.story
            if story.turns or story.metrics.get("turns") is not None:
                print(f"    turns counted: {story.metrics['turns']} (truth: {truth[-1]['yaw_deg'] / 360:.0f})")
            phases = {p.name: p for p in story.phases}
            if "passe" in phases and "hold" in phases:
                labels = {}
                for f in truth:
                    labels.setdefault(f["label"], []).append(f["time_s"])
                t = a.track.times
                pairs = [("passé start", t[phases["passe"].start], min(labels["passe"])),
                         ("passé end", t[phases["passe"].stop - 1], max(labels["passe"])),
                         ("hold start", t[phases["hold"].start], min(labels[story.movement])),
                         ("hold end", t[phases["hold"].stop - 1], max(labels[story.movement]))]
                print("    phase timing error: " + ", ".join(f"{n} {abs(x - y):.2f} s" for n, x, y in pairs))
    print("cells: median / 90th percentile absolute error in degrees (frames compared)")


if __name__ == "__main__":
    main()
