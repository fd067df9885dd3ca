"""No wait without an end: the work-ahead thread behind reading clips and writing the annotated video
(a dashboard test once hung for 180 s at "Writing the annotated video…")."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from conftest import sample

from technique.errors import VideoError
from technique.capture.video import prefetched

ARABESQUE = sample("first_to_arabesque__side_right")


def finishes(work, timeout: float = 120.0):
    """Run `work()` in a thread; fail the test (instead of hanging) if it hasn't returned in time.
    Returns ("ok", result) or ("error", exception)."""
    outcome = []

    def run():
        try:
            outcome.append(("ok", work()))
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(("error", exc))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"still running after {timeout:.0f} s"
    return outcome[0]


def prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "technique-prefetch"]


def test_an_error_while_drawing_stops_the_annotated_video_cleanly(analyses, tmp_path):
    """The drawing thread dies at frame 10: the writer gets the error, the partial file goes, and no
    thread is left behind."""
    from technique.outputs.report import write_annotated_video

    analysis = analyses(ARABESQUE)
    broken = dataclasses.replace(analysis, measures={k: v[:10] for k, v in analysis.measures.items()})
    kind, error = finishes(lambda: write_annotated_video(broken, ARABESQUE, tmp_path / "annotated.mp4"))
    assert kind == "error" and isinstance(error, IndexError)
    assert list(tmp_path.iterdir()) == []  # neither annotated.mp4 nor annotated.mp4.partial
    assert prefetch_threads() == []
    kind, path = finishes(lambda: write_annotated_video(analysis, ARABESQUE, tmp_path / "annotated.mp4"))
    assert kind == "ok" and path.stat().st_size > 10_000  # and the next video is written


def test_stopping_early_closes_the_source_in_its_thread_before_returning():
    closed = threading.Event()

    def frames():
        try:
            for k in range(1000):
                yield k
        finally:
            closed.set()

    def take_two():
        items = prefetched(frames())
        got = [next(items), next(items)]
        items.close()
        return got, closed.is_set()

    kind, (got, closed_before_return) = finishes(take_two)
    assert kind == "ok" and got == [0, 1] and closed_before_return
    assert prefetch_threads() == []


def test_an_error_in_the_source_reaches_the_consumer():
    def frames():
        yield 1
        raise VideoError("clip.mp4", "decoding stopped")

    kind, error = finishes(lambda: list(prefetched(frames())))
    assert kind == "error" and isinstance(error, VideoError) and "decoding stopped" in str(error)


def test_a_stalled_source_is_an_error_not_a_wait_forever():
    release = threading.Event()

    def frames():
        yield 1
        release.wait(60)  # a decoder that stops answering
        yield 2

    try:
        kind, error = finishes(lambda: list(prefetched(frames(), stall_s=1.0, source="clip.mp4")), timeout=60)
    finally:
        release.set()
    assert kind == "error" and isinstance(error, VideoError)
    assert "clip.mp4" in str(error) and "stalled" in str(error)
