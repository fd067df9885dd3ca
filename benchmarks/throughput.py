"""Throughput: a bare MediaPipe loop vs `technique score` on the same clip, in one run.

    .venv/bin/python benchmarks/throughput.py [CLIP] [--repeat N]

The bare loop is what any MediaPipe script does: decode each frame with OpenCV, convert to RGB,
run mp.solutions.pose (full model, tracking mode). `technique score` is the whole job: decoding,
pose, cleaning, measures, judgement, report.json, frames.csv and the annotated H.264 video.
Both run on the same clip, alternately, N times; the best run of each is compared (the least
disturbed by other work on the machine). Target: ratio >= 0.9.

Without a CLIP, the six bundled sample clips are joined into one 24-second clip (720 frames, a
class-exercise length), written to a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def joined_samples(path: Path) -> Path:
    """All sample clips one after the other, as one H.264 clip."""
    from technique.capture.video import VideoReader, VideoWriter

    writer = VideoWriter(path, 30.0, (640, 480), crf=18)
    for clip in sorted((REPO / "sample_videos").glob("*.mp4")):
        with VideoReader(clip) as reader:
            for frame in reader:
                writer.write(frame.image)
    return writer.close()


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


def technique_score(clip: Path, out: Path, video: bool = True) -> tuple[int, float]:
    from technique.apps.cli import main

    start = time.perf_counter()
    code = main(["score", str(clip), "--out", str(out)] + ([] if video else ["--no-video"]))
    elapsed = time.perf_counter() - start
    if code != 0:
        sys.exit(f"technique score failed with exit code {code}")
    import json

    report = json.loads((out / clip.stem / "report.json").read_text())
    return report["clip"]["frames"], elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-video", action="store_true", help="score without the annotated video")
    args = parser.parse_args()
    from technique.judging.references import load_references

    load_references()  # warm imports for both sides
    bare, score = [], []
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(args.clip) if args.clip else joined_samples(Path(tmp) / "samples_joined.mp4")
        bare_mediapipe(clip)  # warm-up: first model load is slower
        for i in range(args.repeat):
            bare.append(bare_mediapipe(clip))
            score.append(technique_score(clip, Path(tmp) / f"run{i}", not args.no_video))
    bare_fps = max(n / t for n, t in bare)
    score_fps = max(n / t for n, t in score)
    print(f"clip: {clip.name}, {bare[0][0]} frames, {args.repeat} runs each (best shown)")
    print(f"bare MediaPipe loop : {bare_fps:6.1f} frames/s   runs: " + ", ".join(f"{n / t:.1f}" for n, t in bare))
    label = "technique score" + (" --no-video" if args.no_video else "")
    print(f"{label:<20}: {score_fps:6.1f} frames/s   runs: " + ", ".join(f"{n / t:.1f}" for n, t in score))
    import statistics

    median = statistics.median(n / t for n, t in score) / statistics.median(n / t for n, t in bare)
    print(f"ratio               : {score_fps / bare_fps:6.2f}   best against best (target >= 0.90)")
    print(f"ratio of medians    : {median:6.2f}")


if __name__ == "__main__":
    main()
