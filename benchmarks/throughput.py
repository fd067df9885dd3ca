"""Throughput: a bare MediaPipe loop vs `technique score` on the same clip, in one run.

    .venv/bin/python benchmarks/throughput.py [CLIP] [--repeat N]

The bare loop is what any MediaPipe script does: decode each frame with OpenCV, convert to RGB,
run mp.solutions.pose (full model, tracking mode). `technique score` is the whole job: decoding,
pose, cleaning, measures, judgement, report.json, frames.csv and the annotated H.264 video.
Both run on the same clip, alternately, N times; the best run of each is compared (the least
disturbed by other work on the machine). Target: ratio >= 0.9.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "sample_videos" / "fouette_turns__front.mp4"


def bare_mediapipe(clip: Path) -> tuple[int, float]:
    import cv2
    import mediapipe as mp

    start = time.perf_counter()
    capture = cv2.VideoCapture(str(clip))
    frames = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            frames += 1
    capture.release()
    return frames, time.perf_counter() - start


def technique_score(clip: Path, out: Path) -> tuple[int, float]:
    from technique.cli import main

    start = time.perf_counter()
    code = main(["score", str(clip), "--out", str(out)])
    elapsed = time.perf_counter() - start
    if code != 0:
        sys.exit(f"technique score failed with exit code {code}")
    import json

    report = json.loads((out / clip.stem / "report.json").read_text())
    return report["clip"]["frames"], elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    clip = Path(args.clip)
    from technique.references import load_references

    load_references()  # warm imports for both sides
    bare_mediapipe(clip)  # warm-up: first model load is slower
    bare, score = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            bare.append(bare_mediapipe(clip))
            score.append(technique_score(clip, Path(tmp) / f"run{i}"))
    bare_fps = max(n / t for n, t in bare)
    score_fps = max(n / t for n, t in score)
    print(f"clip: {clip.name}, {bare[0][0]} frames, {args.repeat} runs each (best shown)")
    print(f"bare MediaPipe loop : {bare_fps:6.1f} frames/s   runs: " + ", ".join(f"{n / t:.1f}" for n, t in bare))
    print(f"technique score     : {score_fps:6.1f} frames/s   runs: " + ", ".join(f"{n / t:.1f}" for n, t in score))
    print(f"ratio               : {score_fps / bare_fps:6.2f}   (target >= 0.90)")


if __name__ == "__main__":
    main()
