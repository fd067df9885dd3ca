"""Throughput: a bare MediaPipe loop vs `technique score` on the same clip, in one run.

    .venv/bin/python benchmarks/throughput.py [CLIP ...] [--repeat N] [--no-video]

The bare loop is what any MediaPipe script does: decode each frame with OpenCV, convert to RGB,
run mp.solutions.pose (full model, tracking mode). `technique score` is the whole job: decoding,
pose, cleaning, measures, judgement, report.json, frames.csv and the annotated H.264 video.
Both run on the same clip, alternately, N times; the best run of each is compared (the least
disturbed by other work on the machine) and the ratio of medians is shown too. Target: ratio >= 0.9.

Without a CLIP, the six bundled sample clips are joined into one 24-second clip (720 frames, a
class-exercise length) twice: as they are (640x480) and as a phone films (720x960 portrait: the
middle of each frame, enlarged), written to a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def joined_samples(path: Path, portrait: bool = False) -> Path:
    """All sample clips one after the other, as one H.264 clip (640x480, or 720x960 portrait)."""
    import cv2

    from technique.capture.video import VideoReader, VideoWriter

    writer = VideoWriter(path, 30.0, (720, 960) if portrait else (640, 480), crf=18)
    for clip in sorted((REPO / "sample_videos").glob("*.mp4")):
        with VideoReader(clip) as reader:
            for frame in reader:
                image = frame.image
                if portrait:  # the middle 360x480, enlarged to 720x960
                    x0 = (image.shape[1] - 360) // 2
                    image = cv2.resize(image[:, x0:x0 + 360], (720, 960), interpolation=cv2.INTER_CUBIC)
                writer.write(image)
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


def compare(clip: Path, tmp: Path, repeat: int, video: bool) -> None:
    """Alternate the two on one clip and print frames/s and the ratios."""
    bare, score = [], []
    bare_mediapipe(clip)  # warm-up: first model load is slower
    for i in range(repeat):
        bare.append(bare_mediapipe(clip))
        score.append(technique_score(clip, tmp / f"run{clip.stem}{i}", video))
    bare_fps = max(n / t for n, t in bare)
    score_fps = max(n / t for n, t in score)
    print(f"clip: {clip.name}, {bare[0][0]} frames, {repeat} runs each (best shown)")
    print(f"bare MediaPipe loop : {bare_fps:6.1f} frames/s   runs: " + ", ".join(f"{n / t:.1f}" for n, t in bare))
    label = "technique score" + ("" if video else " --no-video")
    print(f"{label:<20}: {score_fps:6.1f} frames/s   runs: " + ", ".join(f"{n / t:.1f}" for n, t in score))
    median = statistics.median(n / t for n, t in score) / statistics.median(n / t for n, t in bare)
    print(f"ratio               : {score_fps / bare_fps:6.2f}   best against best (target >= 0.90)")
    print(f"ratio of medians    : {median:6.2f}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-video", action="store_true", help="score without the annotated video")
    args = parser.parse_args()
    from technique.judging.references import load_references

    load_references()  # warm imports for both sides
    with tempfile.TemporaryDirectory() as tmp:
        clips = [Path(c) for c in args.clips] or [joined_samples(Path(tmp) / "samples_640x480.mp4"),
                                                  joined_samples(Path(tmp) / "samples_720x960.mp4", portrait=True)]
        for clip in clips:
            compare(clip, Path(tmp), args.repeat, not args.no_video)


if __name__ == "__main__":
    main()
