"""The one writer of a clip's outputs (outputs.writer): what the CLI, batch and the dashboard publish."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from conftest import sample

from technique.errors import OutputError
from technique.outputs.report import report_dict
from technique.outputs.writer import Outputs, publish_outputs, shown_as, still_frame, write_outputs

ARABESQUE = sample("first_to_arabesque__side_right")


@pytest.fixture(scope="module")
def analysis(analyses):
    return analyses(ARABESQUE)


def test_a_clips_folder_holds_the_report_the_measures_and_the_still(analysis, tmp_path):
    paths = publish_outputs(analysis, ARABESQUE, tmp_path / "out" / "clips" / "a", tmp_path / "out",
                            Outputs(video=False, still=True), staging=tmp_path / "out" / ".partial")
    folder = tmp_path / "out" / "clips" / "a"
    assert sorted(p.name for p in folder.iterdir()) == ["frames.csv", "report.json", "worst.jpg"]
    assert {k: p.parent for k, p in paths.items()} == dict.fromkeys(("report", "frames", "still"), folder)
    assert json.loads(paths["report"].read_text()) == json.loads(json.dumps(report_dict(analysis)))
    assert cv2.imread(str(paths["still"])).shape == (analysis.info.height, analysis.info.width, 3)
    assert list((tmp_path / "out" / ".partial").iterdir()) == []  # nothing staged is left behind


def test_the_report_names_the_clip_as_its_reader_knows_it(analysis, tmp_path):
    paths = write_outputs(shown_as(analysis, "class/anna.mp4"), ARABESQUE, tmp_path, Outputs(video=False))
    assert json.loads(paths["report"].read_text())["clip"]["path"] == "class/anna.mp4"
    assert analysis.info.source == str(ARABESQUE)  # the analysis itself is left as it was


def test_a_batch_worker_stopped_before_publishing_leaves_the_earlier_folder(analysis, tmp_path):
    out = tmp_path / "out"
    publish_outputs(analysis, ARABESQUE, out / "a", out, Outputs(video=False))
    before = (out / "a" / "report.json").read_bytes()

    def batch_gone():
        raise OutputError(out, "the batch is gone")

    with pytest.raises(OutputError):
        publish_outputs(shown_as(analysis, "other.mp4"), ARABESQUE, out / "a", out, Outputs(video=False),
                        before_publish=batch_gone)
    assert (out / "a" / "report.json").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["a"]


def test_with_nothing_to_correct_batch_still_shows_the_dancer_and_the_page_shows_none(analysis):
    assert analysis.judgement.worst_frame is None  # this demonstration is in every good band
    seen = np.flatnonzero(analysis.track.detected)
    assert still_frame(analysis) == seen[len(seen) // 2]  # worst.jpg: the middle of the dancer seen
    assert still_frame(analysis, fallback=False) is None  # the review page: "Nothing to correct"
