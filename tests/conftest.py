"""Shared fixtures: the bundled sample clips, real photos, and analyses cached per test session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_videos"


def sample(name: str) -> Path:
    return SAMPLES / f"{name}.mp4"


def ground_truth(name: str) -> list[dict]:
    return json.loads((SAMPLES / f"{name}.json").read_text())["frames"]


@pytest.fixture(autouse=True, scope="session")
def private_user_folders(tmp_path_factory):
    """Tests never read or write the real user's references or history."""
    folder = tmp_path_factory.mktemp("user")
    saved = {k: os.environ.get(k) for k in ("TECHNIQUE_REFERENCES", "TECHNIQUE_DB")}
    os.environ["TECHNIQUE_REFERENCES"] = str(folder / "references")
    os.environ["TECHNIQUE_DB"] = str(folder / "history.sqlite3")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def photos() -> Path:
    """Debian opencv-doc's photos of real people (scripts/test fetches them)."""
    folder = Path(os.environ.get("TECHNIQUE_TEST_IMAGES",
                                 REPO / ".cache/opencv-doc/usr/share/doc/opencv-doc/examples/data"))
    if not (folder / "messi5.jpg").exists():
        if os.environ.get("CI"):
            pytest.fail(f"test photos missing in {folder}: scripts/test fetches them")
        pytest.skip("test photos not fetched; run scripts/test")
    return folder


@pytest.fixture(scope="session")
def analyses():
    """analyse_clip results by (clip path, movement), computed once per session."""
    from technique.analyser import analyse_clip

    cache = {}

    def get(path, movement=None):
        key = (str(path), movement)
        if key not in cache:
            cache[key] = analyse_clip(path, movement)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """Bad and awkward inputs, built once per session from a sample clip."""
    from corpus import build_corpus

    folder = tmp_path_factory.mktemp("corpus")
    return {case.name: case for case in build_corpus(folder, sample("first_to_arabesque__side_right"))}


def rewrite(source: Path, path: Path, flip: bool = False, repeat: int = 1) -> Path:
    """A copy of a clip, mirrored and/or slowed down (each frame shown `repeat` times)."""
    from technique.capture.video import VideoReader, VideoWriter

    with VideoReader(source) as reader:
        writer = VideoWriter(path, reader.info.fps, (reader.info.width, reader.info.height), crf=18)
        for frame in reader:
            for _ in range(repeat):
                writer.write(frame.image[:, ::-1] if flip else frame.image)
        writer.close()
    return path


@pytest.fixture(scope="session")
def flipped_arabesque(tmp_path_factory) -> Path:
    """The side arabesque mirrored left-right: a left-leg arabesque."""
    return rewrite(sample("first_to_arabesque__side_right"), tmp_path_factory.mktemp("flip") / "flipped.mp4", flip=True)


@pytest.fixture(scope="session")
def slow_arabesque(tmp_path_factory) -> Path:
    """The side arabesque at half speed (every frame twice)."""
    return rewrite(sample("first_to_arabesque__side_right"), tmp_path_factory.mktemp("slow") / "slow.mp4", repeat=2)


def wait_until_healthy(process, url: str, log, seconds: float = 90) -> None:
    """Wait for a Streamlit server to answer its health check; fail with its log if it stops or
    doesn't answer within `seconds`."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {Path(log).read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the server did not start within {seconds:.0f} s")
        time.sleep(0.5)


CLASS = [("first_to_arabesque__side_right", "arabesque"), ("developpe_devant__side_right", "developpe_devant"),
         ("fouette_turns__front", "fouette")]


@pytest.fixture(scope="session")
def class_clip(tmp_path_factory):
    """Three sample dancers side by side (ffmpeg's hstack, each holding her last frame once done), read at
    1280x320 as the reader shrinks it: an arabesque, a développé devant and fouettés."""
    from technique.capture.video import VideoReader, VideoWriter

    clips = []
    for name, _ in CLASS:
        with VideoReader(sample(name)) as reader:
            clips.append([frame.image for frame in reader])
    path = tmp_path_factory.mktemp("class") / "class.mp4"
    writer = VideoWriter(path, 24.0, (640 * 3, 480), crf=18)
    for k in range(max(map(len, clips))):
        writer.write(np.hstack([frames[min(k, len(frames) - 1)] for frames in clips]))
    writer.close()
    return path
