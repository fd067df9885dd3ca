"""Resident memory of a batch worker scoring one long clip: it must stay flat (streaming end to end).

Builds a 10-minute 640x480 H.264 clip in a temp folder by playing a sample clip forwards and
backwards (18,000 frames at 30 fps), runs the real ``technique batch`` on it with one worker, and
samples the worker process's VmRSS from /proc every second. Prints RSS over time and
start (first sample after the model is loaded) / peak / end, and the growth.

    .venv/bin/python benchmarks/memory.py [--minutes 10] [--no-video]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "first_to_arabesque__side_right.mp4"


def make_long_clip(path: Path, minutes: float) -> int:
    """Forwards, backwards, forwards... until `minutes` of 30 fps video; frames are never all in memory."""
    from technique.capture.video import VideoReader, VideoWriter

    with VideoReader(SAMPLE) as reader:
        loop = [f.image for f in reader]  # 120 frames of 640x480: 110 MB, only while building the clip
    total = int(minutes * 60 * 30)
    writer = VideoWriter(path, 30.0, (640, 480))
    for i in range(total):
        lap, k = divmod(i, len(loop))
        writer.write(loop[k] if lap % 2 == 0 else loop[-1 - k])
    writer.close()
    return total


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (the batch's worker and multiprocessing helpers)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--no-video", action="store_true", help="skip the annotated video (analysis only)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="batch-memory-"))
    try:
        (tmp / "in").mkdir()
        start = time.perf_counter()
        frames = make_long_clip(tmp / "in" / "long.mp4", args.minutes)
        size = (tmp / "in" / "long.mp4").stat().st_size / 1e6
        print(f"clip: {frames} frames ({args.minutes:g} min at 30 fps, 640x480), {size:.0f} MB, "
              f"built in {time.perf_counter() - start:.0f} s")
        command = [sys.executable, "-m", "technique", "batch", str(tmp / "in"), "--out", str(tmp / "out"),
                   "--workers", "1", "--no-history", *(["--no-video"] if args.no_video else [])]
        batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        samples = []  # (seconds, worker RSS MB, coordinator RSS MB)
        start = time.perf_counter()
        worker = None
        while batch.poll() is None:
            if worker is None:  # the worker is the child with the largest RSS (not the resource tracker)
                found = [(rss_kb(c) or 0, c) for c in children(batch.pid)]
                if found and max(found)[0] > 150_000:
                    worker = max(found)[1]
            parent = rss_kb(batch.pid)
            mine = rss_kb(worker) if worker else None
            if mine and parent:
                samples.append((time.perf_counter() - start, mine / 1024, parent / 1024))
            time.sleep(1.0)
        output = batch.stdout.read()
        if batch.returncode != 0 or not samples:
            sys.exit(f"batch failed ({batch.returncode}):\n{output}")
        elapsed = time.perf_counter() - start
        print(f"batch: {elapsed:.0f} s ({frames / elapsed:.0f} frames/s overall), "
              f"video={'no' if args.no_video else 'yes'}")
        print("   time   worker RSS   coordinator RSS")
        step = max(1, len(samples) // 20)
        for t, mine, parent in samples[::step] + [samples[-1]]:
            print(f"{t:6.0f} s  {mine:8.1f} MB   {parent:8.1f} MB")
        settled = [s for s in samples if s[0] >= 10] or samples  # after start-up (model loaded, first frames)
        first, peak, last = settled[0][1], max(s[1] for s in samples), samples[-1][1]
        print(f"worker RSS: start {first:.1f} MB (at {settled[0][0]:.0f} s), peak {peak:.1f} MB, "
              f"end {last:.1f} MB; growth (peak - start) {peak - first:+.1f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
