"""The live page's frame-dropping worker: the camera's callback never waits for the analysis, the
analysis always takes the newest frame, and every frame is shown with the latest result.

The worker's logic on constructed items with a trivial (real) analysis held at a gate, so the order
of events is fixed rather than left to timing; then the stream's processor on a sample clip's real
frames with the real pose model (the browser test runs the same path through WebRTC)."""

from __future__ import annotations

import threading
import time
from fractions import Fraction

import pytest
from conftest import sample

from technique.apps.dashboard.webrtc import AnalysisWorker, CoachProcessor, LiveSettings, Rate, latest


def gated_doubler():
    """analyse(x) = 2x, holding each call at a gate until the test opens it; records what it saw."""
    seen, gate, started = [], threading.Semaphore(0), threading.Semaphore(0)

    def analyse(item):
        seen.append(item)
        started.release()
        assert gate.acquire(timeout=10), "the test never let the analysis finish"
        return 2 * item

    return analyse, seen, gate, started


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_frames_arriving_during_an_analysis_are_dropped_but_the_newest_is_analysed_next():
    analyse, seen, gate, started = gated_doubler()
    worker = AnalysisWorker(analyse)
    try:
        assert worker.latest() is None  # nothing analysed yet
        worker.submit(1)
        assert started.acquire(timeout=10)  # analysing 1, held at the gate
        begin = time.perf_counter()
        for item in (2, 3, 4, 5):  # the camera goes on while the model is busy
            worker.submit(item)
        assert time.perf_counter() - begin < 0.5  # submit never waits for the analysis
        assert worker.latest() is None and worker.dropped == 3  # 2, 3 and 4 replaced before being taken
        gate.release()
        assert started.acquire(timeout=10)  # the next analysis is of the newest frame
        assert seen == [1, 5]
        assert worker.latest() == 2  # the result of 1 is shown meanwhile
        gate.release()
        wait_for(lambda: worker.analysed == 2)
        assert worker.latest() == 10 and worker.dropped == 3
    finally:
        gate.release()
        worker.close()


def test_close_stops_the_thread_and_calls_on_stop_on_it():
    stopped_on = []
    worker = AnalysisWorker(lambda x: x + 1, on_stop=lambda: stopped_on.append(threading.current_thread().name),
                            name="live-test-worker")
    worker.submit(41)
    wait_for(lambda: worker.analysed == 1)
    assert worker.latest() == 42
    worker.close()
    assert stopped_on == ["live-test-worker"]  # the coach is closed on the thread that used it
    worker.submit(7)  # a frame after the stream ended is ignored
    time.sleep(0.05)
    assert worker.analysed == 1 and worker.latest() == 42


def test_a_failing_analysis_is_kept_for_the_stream_to_raise():
    stopped = []
    worker = AnalysisWorker(lambda x: 1 / x, on_stop=lambda: stopped.append(True))
    worker.submit(0)
    wait_for(lambda: stopped)
    assert isinstance(worker.error, ZeroDivisionError) and worker.latest() is None
    assert stopped == [True]  # the coach is closed all the same
    worker.submit(1)  # nothing analyses it any more
    worker.close()
    assert worker.analysed == 0


@pytest.mark.parametrize("period_s, expected", [(1 / 24, 24.0), (1 / 30, 30.0), (0.25, 4.0)])
def test_a_rate_is_the_events_per_second_of_the_last_full_window(period_s, expected):
    rate = Rate(window_s=1.0)
    figures = [rate.tick(k * period_s) for k in range(int(2.5 / period_s))]
    assert figures[0] == 0.0  # nothing to say before a window has passed
    assert rate.per_second == pytest.approx(expected, rel=0.01)


def test_every_frame_is_shown_while_the_model_takes_the_newest():
    """The stream's processor on the side arabesque, frames given as fast as they come: each comes
    back at once, drawn (mirrored, with the latest skeleton once there is one); the model analyses
    fewer, always the newest."""
    av = pytest.importorskip("av")
    import numpy as np

    from technique.capture.video import VideoReader
    from technique.judging.references import load_references

    with VideoReader(sample("first_to_arabesque__side_right")) as reader:
        images = [f.image for f in reader][:60]
    processor = CoachProcessor(load_references(), LiveSettings("arabesque", "auto", mirror=True))
    try:
        shown, waits = [], []
        for k, image in enumerate(images):
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = k * 3000, Fraction(1, 90000)
            begin = time.perf_counter()
            shown.append(processor.recv(frame).to_ndarray(format="bgr24"))
            waits.append(time.perf_counter() - begin)
            time.sleep(0.01)
        wait_for(lambda: processor.worker.latest() is not None, 60)
        last = processor.recv(frame).to_ndarray(format="bgr24")
    finally:
        processor.on_ended()
    assert len(shown) == len(images) and all(s.shape == images[0].shape for s in shown)
    assert np.array_equal(shown[0], images[0][:, ::-1])  # before the first analysis: the mirrored picture
    assert not np.array_equal(last, images[-1][:, ::-1])  # after it: the skeleton and panel drawn on it
    worker = processor.worker
    assert 1 <= worker.analysed < len(images) and worker.dropped >= 1  # the model couldn't take them all
    assert worker.analysed + worker.dropped <= len(images) + 1
    assert sorted(waits)[len(waits) // 2] < 0.05  # the callback doesn't wait for the model
    status = latest(processor.results, 0.1)
    assert status is not None and status.state.frame == worker.analysed and status.state.person


def test_no_stun_or_turn_server_on_the_server_side():
    """streamlit-webrtc hands the page's ICE servers to aiortc; an empty list stays empty (aiortc
    falls back to Google's STUN server only when it is given none at all)."""
    config = pytest.importorskip("streamlit_webrtc.config")
    from technique.apps.dashboard.webrtc import RTC_CONFIGURATION

    assert RTC_CONFIGURATION["iceServers"] == []
    assert config.compile_rtc_configuration(RTC_CONFIGURATION).iceServers == []
