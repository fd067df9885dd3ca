"""Batch scoring with 1 worker vs N workers on the same set of clips; prints wall times and the speed-up.

The set: the six sample clips plus a mirrored copy of each (12 different clips of 120 frames; a plain
copy would have the same content hash and be scored only once). Each run is the real command,
``technique batch SET --out TMP --workers N --no-history`` in a fresh output folder.

    .venv/bin/python benchmarks/batch_speedup.py [--workers 2] [--repeat 2] [--video]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def make_set(folder: Path) -> list[Path]:
    from technique.capture.video import VideoReader, VideoWriter

    clips = []
    for clip in sorted((REPO / "sample_videos").glob("*.mp4")):
        shutil.copyfile(clip, folder / clip.name)
        mirrored = folder / f"{clip.stem}__mirrored.mp4"
        with VideoReader(clip) as reader:
            writer = VideoWriter(mirrored, reader.info.fps, (reader.info.width, reader.info.height), crf=18)
            for frame in reader:
                writer.write(frame.image[:, ::-1])
            writer.close()
        clips += [folder / clip.name, mirrored]
    return clips


def run(folder: Path, workers: int, video: bool) -> float:
    out = Path(tempfile.mkdtemp(prefix="batch-out-"))
    try:
        args = [sys.executable, "-m", "technique", "batch", str(folder), "--out", str(out), "--workers",
                str(workers), "--no-history", *([] if video else ["--no-video"])]
        start = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"batch failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return elapsed
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=2, help="runs per setting; the fastest counts")
    parser.add_argument("--video", action="store_true", help="also write annotated videos (default: --no-video)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-set-") as tmp:
        clips = make_set(Path(tmp))
        frames = 120 * len(clips)
        print(f"set: {len(clips)} clips, {frames} frames, 640x480; {os.cpu_count()} CPU(s); "
              f"video={'yes' if args.video else 'no'}")
        times = {}
        for workers in (1, args.workers):
            runs = [run(Path(tmp), workers, args.video) for _ in range(args.repeat)]
            times[workers] = min(runs)
            print(f"{workers} worker(s): {', '.join(f'{t:.1f} s' for t in runs)}  "
                  f"(best {times[workers]:.1f} s, {frames / times[workers]:.0f} frames/s)")
        print(f"speed-up {args.workers} vs 1 worker: {times[1] / times[args.workers]:.2f}x")


if __name__ == "__main__":
    main()
