"""Live practice speed: frames shown and analysed per second, and camera-to-screen latency.

    .venv/bin/python benchmarks/live.py --browser 24 30 [--seconds 20]      the page, in Chromium
    .venv/bin/python benchmarks/live.py [--seconds 20] [--clip ...mp4] [--vp8]   LiveCoach alone

--browser FPS...: `technique app` with Debian's Chromium (playwright, /usr/bin/chromium) and its fake
camera playing the clip at each FPS, every frame stamped with its number in black and white blocks.
In the component's iframe, the camera's frames are read (a clone of the track) and the <video>
showing the server's stream is watched with requestVideoFrameCallback: presented frames/s is its
presentedFrames counter; latency is, per frame read back on screen, its expected display time minus
the moment the same frame reached the page's JavaScript from the camera (so it includes the browser's
VP8 encode, the server's decode, drawing and encode, the browser's decode and jitter buffer, and
leaves out the camera's own delay before the frame reaches the page). Analysed frames/s is the
page's frame counter (frames analysed by the server) over the window. The load average is printed:
the figures depend on what else runs on the machine.

Without --browser, the server's side alone: the sample clip (640x480) is given in real time at 30 fps
to the live page's CoachProcessor, as streamlit-webrtc's callback would give it. Every frame comes back
drawn; the analysis worker takes the newest frame it can. Printed: frames shown and analysed per
second, the callback's time, camera-to-shown-frame-ready latency, and the age of the skeleton drawn
(how far the analysed frame is behind the frame it is drawn on).

--vp8 adds the video codec work the WebRTC path does on the same machine: the camera side encodes
each frame to VP8 and decodes it again (the browser's encoder and aiortc's decoder), and the page's
drawn frame is encoded to VP8 (aiortc's encoder), all with aiortc's own codecs, here in one thread
(so it overstates the wait). Network and the browser's jitter buffer are left out: --browser has them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
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


def av_frame(image: np.ndarray, k: int, fps: float):
    """The image as the WebRTC track delivers it: a VideoFrame stamped with its time in the stream."""
    import av

    frame = av.VideoFrame.from_ndarray(image, format="bgr24")
    frame.pts, frame.time_base = round(k * 90000 / fps), Fraction(1, 90000)
    return frame


def serve(processor, frames: list[np.ndarray], fps: float, seconds: float, vp8: bool) -> dict:
    """Camera frames given to the processor's callback in real time: how long each callback took,
    how late each shown frame was ready, and how old the skeleton drawn on it was."""
    from technique.apps.dashboard.webrtc import latest

    codec_in, codec_out = (Vp8Loop(), Vp8Loop()) if vp8 else (None, None)
    ready_ms, callback_ms, age_ms, analysed_time = [], [], [], None
    start = time.perf_counter()
    for k in range(int(seconds * fps)):
        due = start + k / fps
        time.sleep(max(0.0, due - time.perf_counter()))
        image = frames[int(k * FPS / fps) % len(frames)]  # the clip plays at its own speed
        if codec_in:
            image = codec_in.round_trip(image)
        begin = time.perf_counter()
        shown = processor.recv(av_frame(image, k, fps))
        callback_ms.append((time.perf_counter() - begin) * 1000)
        if codec_out:
            codec_out.encode(shown.to_ndarray(format="bgr24"))
        ready_ms.append((time.perf_counter() - due) * 1000)
        status = latest(processor.results, 0)
        analysed_time = status.state.time_s if status is not None else analysed_time
        if analysed_time is not None:
            age_ms.append((k / fps - analysed_time) * 1000)
    elapsed = time.perf_counter() - start
    return {"shown": len(ready_ms), "elapsed": elapsed, "ready": np.array(ready_ms),
            "callback": np.array(callback_ms), "age": np.array(age_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", default=str(REPO / "sample_videos/first_to_arabesque__side_right.mp4"))
    parser.add_argument("--movement", default="arabesque")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--fps", type=float, default=FPS, help="camera frame rate (default: %(default)s)")
    parser.add_argument("--vp8", action="store_true", help="include WebRTC's VP8 encode/decode work")
    parser.add_argument("--browser", type=int, nargs="+", metavar="FPS",
                        help="measure the live page in Chromium with a fake camera at these frame rates")
    args = parser.parse_args()
    if args.browser:
        browser_main(args)
        return

    from technique.apps.dashboard.webrtc import CoachProcessor, LiveSettings
    from technique.capture.video import VideoReader
    from technique.judging.references import load_references

    with VideoReader(args.clip) as reader:
        frames = [f.image for f in reader]
    height, width = frames[0].shape[:2]
    processor = CoachProcessor(load_references(), LiveSettings(args.movement, "auto", mirror=True))
    processor.recv(av_frame(frames[0], 0, args.fps))  # the model's start-up is not part of a stream's steady state
    while processor.worker.latest() is None:
        time.sleep(0.05)
    load = os.getloadavg()
    figures = serve(processor, frames, args.fps, args.seconds, args.vp8)
    processor.on_ended()
    worker, ready, callback, age = processor.worker, figures["ready"], figures["callback"], figures["age"]
    print(f"clip: {Path(args.clip).name} ({width}x{height}), camera {args.fps:g} fps for {args.seconds:g} s, "
          f"{os.cpu_count()} CPUs, load before {load[0]:.1f}{', with VP8 encode/decode' if args.vp8 else ''}")
    print(f"frames shown: {figures['shown'] / figures['elapsed']:.1f}/s; analysed: {worker.analysed - 1} "
          f"({(worker.analysed - 1) / figures['elapsed']:.1f}/s), dropped by the analysis (still shown): {worker.dropped}")
    print(f"callback ms: p50 {np.percentile(callback, 50):.1f}, p95 {np.percentile(callback, 95):.1f}")
    print(f"camera-to-shown-frame-ready ms: p50 {np.percentile(ready, 50):.0f}, p95 {np.percentile(ready, 95):.0f}")
    print(f"age of the skeleton drawn ms: p50 {np.percentile(age, 50):.0f}, p95 {np.percentile(age, 95):.0f}")

# ----------------------------------------------------------------------------- in real Chromium (--browser)

CODE_BITS = 7  # the frame number mod 128 in black/white blocks, and under it its complement (a check)
CODE_X, CODE_Y, CODE_W, CODE_H = 15, 64, 30, 24  # in the camera's 640x480 picture (px): one block
CHROMIUM = "/usr/bin/chromium"


def stamp(image: np.ndarray, number: int) -> np.ndarray:
    """The frame with `number` (mod 128) drawn as two rows of blocks near its top-left corner (top-right
    on the mirrored page, clear of the coach's panel, the correction and the dancer): the bits, and
    under them their complement, so that a picture smeared by the codec is not misread."""
    out = image.copy()
    for k in range(CODE_BITS):
        bit = (number >> k) & 1
        x = CODE_X + k * CODE_W
        out[CODE_Y:CODE_Y + CODE_H, x:x + CODE_W] = 235 if bit else 16
        out[CODE_Y + CODE_H:CODE_Y + 2 * CODE_H, x:x + CODE_W] = 16 if bit else 235
    return out


def write_y4m(frames: list[np.ndarray], path: Path, fps: int) -> Path:
    """The clip as Chromium's fake camera reads it (YUV 4:2:0), each frame stamped with its number."""
    import cv2

    height, width = frames[0].shape[:2]
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for k, image in enumerate(frames):
            out.write(b"FRAME\n" + cv2.cvtColor(stamp(image, k % 128), cv2.COLOR_BGR2YUV_I420).tobytes())
    return path


# Runs in every frame of the page; acts in the component's iframe. The camera side: a clone of the
# camera's track read with MediaStreamTrackProcessor, each frame's number decoded when it reaches
# the page's JavaScript (stamped with performance.now()). The screen side: requestVideoFrameCallback
# on the <video> showing the server's stream, each presented frame's number decoded from its pixels
# (expectedDisplayTime) and the presented-frames counter kept. Both clocks are this iframe's.
PAGE_PROBE = """(() => {
  const BITS = %(bits)d, X = %(x)d, Y = %(y)d, W = %(w)d, H = %(h)d;
  const bench = window.__bench = {captured: [], shown: [], counts: []};
  // Reads the blocks from `source` (width x height, mirrored or not): only the code's strip is
  // copied to a small canvas (the probe's own work stays small beside the stream's).
  const strip = new OffscreenCanvas(BITS * W, 2 * H), sctx = strip.getContext('2d', {willReadFrequently: true});
  function level(data, span, block, row) {  // the mean grey of a block's middle
    let sum = 0, n = 0;
    const my = Math.floor(H / 4), mx = Math.floor(W / 4);
    for (let y = row * H + my; y < (row + 1) * H - my; y++)
      for (let x = block * W + mx; x < (block + 1) * W - mx; x++) {
        const i = (y * span + x) * 4;
        sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]; n++;
      }
    return sum / n;
  }
  function decode(source, width, height, mirrored) {
    const sx = width / 640, sy = height / 480, span = BITS * W;
    const left = mirrored ? width - (X + span) * sx : X * sx;
    sctx.drawImage(source, left, Y * sy, span * sx, 2 * H * sy, 0, 0, span, 2 * H);
    const data = sctx.getImageData(0, 0, span, 2 * H).data;
    let number = 0;
    for (let k = 0; k < BITS; k++) {
      const block = mirrored ? BITS - 1 - k : k;
      const bit = level(data, span, block, 0), check = level(data, span, block, 1);
      if (Math.abs(bit - check) < 100) return null;  // not a clean pair: no reading
      if (bit > check) number += 1 << k;
    }
    return number;
  }
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia && window.MediaStreamTrackProcessor) {
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      const track = stream.getVideoTracks()[0];
      if (track) {
        const reader = new MediaStreamTrackProcessor({track: track.clone()}).readable.getReader();
        (async () => {
          for (;;) {
            const {value, done} = await reader.read();
            if (done) break;
            const t = performance.now();
            const n = decode(value, value.displayWidth, value.displayHeight, false);
            value.close();
            if (n !== null) bench.captured.push([n, t]);
          }
        })();
      }
      return stream;
    };
  }
  if (window.RTCPeerConnection) {  // keep the peer connections, to read their statistics
    const Original = window.RTCPeerConnection;
    bench.pcs = [];
    window.RTCPeerConnection = function (...args) { const pc = new Original(...args); bench.pcs.push(pc); return pc; };
    window.RTCPeerConnection.prototype = Original.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, Original);
  }
  const watch = setInterval(() => {
    const video = document.querySelector('video');
    if (!video || !video.requestVideoFrameCallback) return;
    clearInterval(watch);
    const onFrame = (now, meta) => {
      bench.counts.push([meta.expectedDisplayTime, meta.presentedFrames]);
      const n = decode(video, meta.width, meta.height, true);
      if (n !== null) bench.shown.push([n, meta.expectedDisplayTime]);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }, 200);
})();""" % {"bits": CODE_BITS, "x": CODE_X, "y": CODE_Y, "w": CODE_W, "h": CODE_H}


WEBRTC_STATS = """async () => {
  const out = {};
  for (const pc of window.__bench.pcs || []) {
    out.iceServers = pc.getConfiguration().iceServers;
    (await pc.getStats()).forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'video')
        out.jitter_buffer_ms = 1000 * s.jitterBufferDelay / Math.max(s.jitterBufferEmittedCount, 1);
      if (s.type === 'outbound-rtp' && s.kind === 'video') out.sent = [s.frameWidth, s.frameHeight, s.framesPerSecond];
      if (s.type === 'local-candidate') (out.candidates = out.candidates || []).push(s.candidateType);
    });
  }
  return out;
}"""


def latencies_ms(captured: list, shown: list) -> np.ndarray:
    """For each frame number shown, the time since that number last reached the camera's side
    (the clip loops, so a number recurs; the latest capture before the display is the one)."""
    times: dict[int, list[float]] = {}
    for number, t in captured:
        times.setdefault(number, []).append(t)
    out, seen = [], set()
    for number, t in shown:
        before = [c for c in times.get(number, []) if c <= t]
        if before and (number, before[-1]) not in seen:  # a frame shown twice counts once
            seen.add((number, before[-1]))
            out.append(t - before[-1])
    return np.array(out)


def presented_fps(counts: list) -> float:
    """Frames presented per second by the <video> (its presentedFrames counter over the window)."""
    if len(counts) < 2:
        return 0.0
    (t0, n0), (t1, n1) = counts[0], counts[-1]
    return (n1 - n0) / max((t1 - t0) / 1000, 1e-9)


def start_app(folder: Path):
    """`technique app` on a free port with a temporary history database; (process, url)."""
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, TECHNIQUE_DB=str(folder / "history.sqlite3"), PYTHONUNBUFFERED="1")
    log = open(folder / "server.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "technique", "app", "--port", str(port), "--address", "localhost"],
                               cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return process, url
        except OSError:
            time.sleep(0.5)
    stop_app(process)
    raise SystemExit(f"the app did not start: {(folder / 'server.log').read_text(errors='replace')}")


def stop_app(process) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except Exception:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def frame_counter(page) -> tuple[int, float] | None:
    """The page's analysed-frame counter and the moment it was read."""
    import re

    m = re.search(r"Frame (\d+) ·", page.locator("[data-testid='stMain']").inner_text())
    return (int(m.group(1)), time.perf_counter()) if m else None


def run_browser(y4m: Path, seconds: float, folder: Path) -> dict:
    """Live practice in Chromium with the fake camera playing `y4m`: the page's figures."""
    import re

    from playwright.sync_api import sync_playwright

    process, url = start_app(folder)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={y4m}"])
            context = browser.new_context(viewport={"width": 1280, "height": 1400})
            context.add_init_script(PAGE_PROBE)
            page = context.new_page()
            page.goto(url)
            page.get_by_text("Live practice").first.wait_for(timeout=60_000)
            page.frame_locator("iframe").first.get_by_role("button", name=re.compile("start", re.I)).click(timeout=60_000)
            page.get_by_text(re.compile(r"Frame \d+ ·")).wait_for(timeout=120_000)
            time.sleep(3)  # past the model's start-up and the codecs' first key frames
            frame = next(f for f in page.frames if f.evaluate("() => !!document.querySelector('video')"))
            frame.evaluate("() => { const b = window.__bench; b.captured = []; b.shown = []; b.counts = []; }")
            first = frame_counter(page)
            time.sleep(seconds)
            last = frame_counter(page)
            bench = frame.evaluate("() => ({captured: window.__bench.captured, shown: window.__bench.shown, "
                                   "counts: window.__bench.counts})")
            webrtc = frame.evaluate(WEBRTC_STATS)
            status = re.search(r"Frame \d+ · .*", page.locator("[data-testid='stMain']").inner_text())
            browser.close()
    finally:
        stop_app(process)
    lat = latencies_ms(bench["captured"], bench["shown"])
    return {
        "presented_fps": presented_fps(bench["counts"]),
        "read_back_fps": len(lat) / seconds,
        "camera_fps": len(bench["captured"]) / seconds,
        "analysed_fps": (last[0] - first[0]) / (last[1] - first[1]) if first and last else float("nan"),
        "latency": lat, "status": status.group(0) if status else "", "webrtc": webrtc,
    }


def browser_main(args) -> None:
    from technique.capture.video import VideoReader

    with VideoReader(args.clip) as reader:
        frames = [f.image for f in reader]
    for fps in args.browser:
        with tempfile.TemporaryDirectory(prefix="technique-live-bench-") as tmp:
            y4m = write_y4m(frames, Path(tmp) / f"camera{fps}.y4m", fps)
            load = os.getloadavg()
            figures = run_browser(y4m, args.seconds, Path(tmp))
        lat = figures["latency"]
        print(f"camera {fps} fps ({Path(args.clip).name} stamped with frame numbers), {args.seconds:g} s, "
              f"{os.cpu_count()} CPUs, load before {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        print(f"  camera frames reaching the page: {figures['camera_fps']:.1f}/s")
        print(f"  presented by the <video>: {figures['presented_fps']:.1f} frames/s "
              f"(camera frames read back on screen: {figures['read_back_fps']:.1f}/s)")
        print(f"  analysed on the server: {figures['analysed_fps']:.1f} frames/s")
        if len(lat):
            print(f"  camera-to-screen latency ms ({len(lat)} frames): p50 {np.percentile(lat, 50):.0f}, "
                  f"p95 {np.percentile(lat, 95):.0f}, max {lat.max():.0f}")
        print(f"  page: {figures['status']}")
        print(f"  WebRTC: {figures['webrtc']}")


if __name__ == "__main__":
    main()
