"""Live practice speed: processed frames per second and camera-to-overlay latency of LiveCoach.

    .venv/bin/python benchmarks/live.py [--seconds 20] [--clip sample_videos/...mp4] [--vp8]

A "camera" thread plays a sample clip (640x480) in real time at 30 fps, stamping each frame with the
moment it was captured. The coach works like streamlit-webrtc's async mode: it always takes the
newest frame and drops the ones it had no time for. Latency is measured per processed frame from
capture to the annotated frame being ready (waiting + pose + measures + judgement + drawing).

--vp8 adds the video codec work the WebRTC path does on the same machine: the camera side encodes
each frame to VP8 and decodes it again (the browser's encoder and aiortc's decoder), and the coach
encodes its annotated frame to VP8 (aiortc's encoder), all with aiortc's own codecs. Network and
the browser's jitter buffer are not included; the browser test records those (test-artifacts/).
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
FPS = 30


class Vp8Loop:
    """Encode to VP8 and back with aiortc's codecs (the bytes a WebRTC peer would send)."""

    def __init__(self):
        from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder

        self.encoder, self.decoder, self.pts = Vp8Encoder(), Vp8Decoder(), 0

    def encode(self, image: np.ndarray) -> tuple[list[bytes], int]:
        import av

        frame = av.VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts, frame.time_base = self.pts, Fraction(1, 90000)
        self.pts += 3000
        return self.encoder.encode(frame)

    def round_trip(self, image: np.ndarray) -> np.ndarray:
        from aiortc.codecs.vpx import vp8_depayload
        from aiortc.jitterbuffer import JitterFrame

        payloads, stamp = self.encode(image)
        data = b"".join(vp8_depayload(p) for p in payloads)
        frames = self.decoder.decode(JitterFrame(data=data, timestamp=stamp))
        return frames[-1].to_ndarray(format="bgr24") if frames else image


def camera(frames: list[np.ndarray], seconds: float, slot: dict, lock: threading.Condition, vp8: bool,
           fps: float) -> None:
    codec = Vp8Loop() if vp8 else None
    start = time.perf_counter()
    for k in range(int(seconds * fps)):
        due = start + k / fps
        time.sleep(max(0.0, due - time.perf_counter()))
        captured = time.perf_counter()
        image = frames[int(k * FPS / fps) % len(frames)]  # the clip plays at its own speed
        if codec:
            image = codec.round_trip(image)
        with lock:
            if slot.get("frame") is not None:
                slot["dropped"] += 1
            slot["frame"] = (image, captured, k / fps)
            slot["sent"] += 1
            lock.notify()
    with lock:
        slot["done"] = True
        lock.notify()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", default=str(REPO / "sample_videos/first_to_arabesque__side_right.mp4"))
    parser.add_argument("--movement", default="arabesque")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--fps", type=float, default=FPS, help="camera frame rate (default: %(default)s)")
    parser.add_argument("--vp8", action="store_true", help="include WebRTC's VP8 encode/decode work")
    args = parser.parse_args()

    from technique.apps.live import LiveCoach
    from technique.judging.references import load_references
    from technique.capture.video import VideoReader

    with VideoReader(args.clip) as reader:
        frames = [f.image for f in reader]
    height, width = frames[0].shape[:2]
    coach = LiveCoach(load_references()[args.movement], "auto", mirror=True)
    coach.process(frames[0], 0.0)  # the model's start-up is not part of a stream's steady state
    out_codec = Vp8Loop() if args.vp8 else None

    slot, lock = {"frame": None, "dropped": 0, "sent": 0, "done": False}, threading.Condition()
    thread = threading.Thread(target=camera, args=(frames, args.seconds, slot, lock, args.vp8, args.fps), daemon=True)
    latencies, work = [], []
    started = time.perf_counter()
    thread.start()
    while True:
        with lock:
            while slot["frame"] is None and not slot["done"]:
                lock.wait()
            if slot["frame"] is None:
                break
            image, captured, stream_time = slot["frame"]
            slot["frame"] = None
        begin = time.perf_counter()
        annotated, state = coach.process(image, 1.0 + stream_time)
        if out_codec:
            out_codec.encode(annotated)
        done = time.perf_counter()
        latencies.append(done - captured)
        work.append(done - begin)
    elapsed = time.perf_counter() - started
    thread.join()
    coach.close()

    lat, busy = np.array(latencies) * 1000, np.array(work) * 1000
    print(f"clip: {Path(args.clip).name} ({width}x{height}), camera {args.fps:g} fps for {args.seconds:g} s, "
          f"{os.cpu_count()} CPUs{', with VP8 encode/decode' if args.vp8 else ''}")
    print(f"frames from the camera: {slot['sent']}, processed: {len(latencies)}, dropped (no time): {slot['dropped']}")
    print(f"processed frames/s: {len(latencies) / elapsed:.1f}")
    print(f"camera-to-overlay latency ms: p50 {np.percentile(lat, 50):.0f}, p95 {np.percentile(lat, 95):.0f}, "
          f"max {lat.max():.0f}")
    print(f"work per processed frame ms: p50 {np.percentile(busy, 50):.0f}, p95 {np.percentile(busy, 95):.0f}")
    print(f"last state: frame {state.frame}, cue {state.cue!r}, best hold {state.best_hold_s:.1f} s")


if __name__ == "__main__":
    main()
