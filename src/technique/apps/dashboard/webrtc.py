"""The live stream's server side: every camera frame shown, the newest one analysed.

streamlit-webrtc calls ``CoachProcessor.recv`` once per camera frame. The callback never waits for
the pose model: it hands the frame to an ``AnalysisWorker`` (one thread per stream, owning the
stream's ``LiveCoach``) and draws the latest analysis it has (skeleton, angles, steadied correction)
on the frame it was given. The worker always takes the newest frame; one it had no time for is
replaced by the next and dropped. So the picture keeps the camera's rate whatever the model's speed,
and the skeleton is at most one analysis behind. The page reads ``LiveStatus`` objects from a
queue; nothing here calls Streamlit.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Callable

# The camera's rate is asked for up to 30 frames/s: the callback only draws, so every frame the
# camera sends comes back (benchmarks/live.py --browser measures it), while the pose model takes
# the newest frame it can.
LIVE_FPS = 30
# No STUN or TURN server: on this computer (localhost) the browser and the server find each other
# without one, and nothing leaves the machine. LAN or remote use: see the README ("Live practice
# from another computer").
RTC_CONFIGURATION = {"iceServers": []}


@dataclass(frozen=True)
class LiveSettings:
    """What the dancer chose on the page; handed to the stream's processor."""

    movement: str | None  # a reference name, or None for free practice
    working_leg: str = "auto"
    mirror: bool = True


@dataclass(frozen=True)
class LiveStatus:
    """What the page shows under the video after an analysis: the coach's state and the rate at
    which frames are being shown (the camera's rate, when all is well)."""

    state: object  # live.LiveState
    shown_fps: float
    dropped: int  # camera frames the analysis had no time for (they were still shown)


def put_latest(box: queue.Queue, item) -> None:
    """Put without blocking; when the page is slow, the oldest result is dropped."""
    while True:
        try:
            box.put_nowait(item)
            return
        except queue.Full:
            try:
                box.get_nowait()
            except queue.Empty:
                pass


def latest(box: queue.Queue, timeout: float):
    """The newest item in the queue (waiting up to `timeout` for one), or None."""
    try:
        item = box.get(timeout=timeout)
    except queue.Empty:
        return None
    while True:
        try:
            item = box.get_nowait()
        except queue.Empty:
            return item


class Rate:
    """Events per second over windows of at least `window_s`: `per_second` is the last full window's
    figure (ticked from one thread, read from any)."""

    def __init__(self, window_s: float = 1.0):
        self.window_s = window_s
        self.count = 0
        self.per_second = 0.0
        self._start: tuple[float, int] | None = None

    def tick(self, now: float) -> float:
        self.count += 1
        if self._start is None:
            self._start = (now, self.count)
        elif now - self._start[0] >= self.window_s:
            self.per_second = (self.count - self._start[1]) / (now - self._start[0])
            self._start = (now, self.count)
        return self.per_second


class AnalysisWorker:
    """Runs `analyse(item)` on its own thread, always on the newest item submitted.

    `submit` never waits: an item not yet taken is replaced (and counted in `dropped`). `latest()`
    is the newest result (None before the first). `close()` stops the thread after the analysis in
    hand, then calls `on_stop` on the worker's own thread (the coach is closed where it lives). An
    analysis that fails stops the thread and is kept in `error`, for the stream to raise.
    """

    def __init__(self, analyse: Callable, on_stop: Callable[[], None] | None = None,
                 name: str = "technique-live-analysis"):
        self._analyse, self._on_stop = analyse, on_stop
        self._ready = threading.Condition()
        self._waiting = None  # the newest item not yet taken
        self._result = None
        self._closed = False
        self.error: BaseException | None = None
        self.dropped = 0
        self.analysed = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, item) -> None:
        with self._ready:
            if self._closed:
                return
            if self._waiting is not None:
                self.dropped += 1
            self._waiting = item
            self._ready.notify()

    def latest(self):
        with self._ready:
            return self._result

    def _take(self):
        with self._ready:
            self._ready.wait_for(lambda: self._waiting is not None or self._closed)
            item, self._waiting = self._waiting, None
            return None if self._closed else item

    def _run(self) -> None:
        try:
            while (item := self._take()) is not None:
                result = self._analyse(item)
                with self._ready:
                    self._result = result
                    self.analysed += 1
        except Exception as exc:  # handed to the stream, which raises it
            self.error = exc
            with self._ready:
                self._closed = True
        finally:
            if self._on_stop:
                self._on_stop()

    def close(self, timeout: float = 10.0) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join(timeout)


class CoachProcessor:
    """streamlit-webrtc's video processor, one per stream: its own LiveCoach (and so its own pose
    estimator) on its own AnalysisWorker. streamlit-webrtc calls recv() and on_ended() (no base
    class is needed; its VideoProcessorBase would import aiortc at start-up)."""

    def __init__(self, references: dict, settings: LiveSettings):
        from technique.apps.live import LiveCoach

        self.references = references
        self.results: queue.Queue = queue.Queue(maxsize=4)
        self._wanted = self._applied = settings
        self._clock_start: float | None = None
        self._shown = Rate()
        self._analysed = Rate()
        self.coach = LiveCoach(self._reference(settings), settings.working_leg, settings.mirror)
        self.worker = AnalysisWorker(self._analyse, on_stop=self.coach.close)

    def _reference(self, settings: LiveSettings):
        return self.references.get(settings.movement) if settings.movement else None

    def update(self, settings: LiveSettings) -> None:
        """Called from the page: the next analysis picks the new settings up."""
        self._wanted = settings

    def _analyse(self, item):
        """On the worker's thread: the coach's analysis of the newest frame, and the page's status."""
        image, time_s = item
        wanted = self._wanted
        if wanted != self._applied:
            self.coach.configure(self._reference(wanted), wanted.working_leg, wanted.mirror)
            self._applied = wanted
        started = time.perf_counter()
        result = self.coach.analyse(image, time_s)
        fps, took_ms = self._analysed.tick(time.perf_counter()), (time.perf_counter() - started) * 1000
        state = self.coach.state(result, fps, took_ms)
        put_latest(self.results, LiveStatus(state, self._shown.per_second, self.worker.dropped))
        return result

    def recv(self, frame):
        import av

        if self.worker.error is not None:  # the analysis failed: stop the stream rather than freeze its skeleton
            raise self.worker.error
        image = frame.to_ndarray(format="bgr24")
        now = time.monotonic()
        if self._clock_start is None:
            self._clock_start = now
        self.worker.submit((image, float(frame.time) if frame.time is not None else now - self._clock_start))
        result = self.worker.latest()
        if result is not None:
            shown = self.coach.draw(image, result)
        else:  # the model is still starting: the camera's picture alone
            shown = image[:, ::-1].copy() if self._applied.mirror else image
        self._shown.tick(now)
        return av.VideoFrame.from_ndarray(shown, format="bgr24")

    def on_ended(self):
        self.worker.close()
