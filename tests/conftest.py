"""Shared fixtures: the bundled sample clips, real photos, and analyses cached per test session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_videos"


def sample(name: str) -> Path:
    return SAMPLES / f"{name}.mp4"


def ground_truth(name: str) -> list[dict]:
    return json.loads((SAMPLES / f"{name}.json").read_text())["frames"]


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
    from technique.pipeline import analyse_clip

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


@pytest.fixture(scope="session")
def flipped_arabesque(tmp_path_factory) -> Path:
    """The side arabesque mirrored left-right: a left-leg arabesque."""
    from technique.video import VideoReader, VideoWriter

    path = tmp_path_factory.mktemp("flipped") / "arabesque_flipped.mp4"
    with VideoReader(sample("first_to_arabesque__side_right")) as reader:
        writer = VideoWriter(path, reader.info.fps, (reader.info.width, reader.info.height), crf=18)
        for frame in reader:
            writer.write(frame.image[:, ::-1])
        writer.close()
    return path
