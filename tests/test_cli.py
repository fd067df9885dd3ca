"""The command line as a user runs it: real clips, real files written, exit codes, bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, sample

from technique.apps.cli import main

ARABESQUE = sample("first_to_arabesque__side_right")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "technique", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=600)


def test_help_does_not_load_the_model():
    code = ("import sys; from technique.apps.cli import main; main(['--help']); "
            "print('heavy:', sorted(m for m in ('mediapipe', 'cv2', 'av') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "score" in out and "heavy: []" in out


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["score"]) == 2
    assert main(["score", str(ARABESQUE), "--movement", "grand jete"]) == 2
    assert "unknown movement" in capsys.readouterr().err


def test_score_writes_report_frames_and_playable_video(tmp_path):
    result = run("score", str(ARABESQUE), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Arabesque" in result.stdout and "Score" in result.stdout
    assert "Traceback" not in result.stderr
    folder = tmp_path / ARABESQUE.stem
    report = json.loads((folder / "report.json").read_text())
    assert report["movement"]["name"] == "arabesque"
    assert report["working_leg"] == "right"
    by_id = {c["id"]: c for c in report["criteria"]}
    assert by_id["supporting_knee"]["verdict"] == "good"
    for c in report["criteria"]:
        assert {"value", "good", "acceptable", "verdict", "correction", "why", "worst_time_s"} <= set(c)
    # a worst moment only when something needs correcting (issue 11: none on a clean clip)
    if report["corrections"]:
        assert report["worst_moment"]["time_s"] is not None
    else:
        assert report["worst_moment"] is None and report["score"] == 100
    rows = (folder / "frames.csv").read_text().splitlines()
    assert rows[0].startswith("frame,time_s,person,supporting_knee")
    assert len(rows) == 121
    import av

    with av.open(str(folder / "annotated.mp4")) as video:
        assert video.streams.video[0].codec_context.name == "h264"
        assert sum(1 for _ in video.decode(video=0)) == 120


def test_json_output_and_a_bad_file_in_the_batch(tmp_path, corpus):
    result = run("score", str(corpus["text_as_mp4"].path), str(ARABESQUE), str(corpus["zero_byte"].path),
                 "--out", str(tmp_path), "--json", "--no-video")
    assert result.returncode == 1
    reports = json.loads(result.stdout)
    assert [("error" in r) for r in reports] == [True, False, True]
    assert "text file" in reports[0]["error"] and "empty" in reports[2]["error"]
    assert reports[1]["movement"]["name"] == "arabesque"
    assert (tmp_path / ARABESQUE.stem / "report.json").exists()
    assert "notes.mp4" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["zero_byte", "truncated_no_index", "text_as_mp4", "png_as_mp4",
                                  "image_file", "audio_only", "one_frame", "no_person"])
def test_each_bad_input_gets_its_reason(tmp_path, corpus, name, capsys):
    case = corpus[name]
    assert main(["score", str(case.path), "--out", str(tmp_path), "--no-video"]) == 1
    err = capsys.readouterr().err
    assert case.path.name in err and case.matches(err), err


def test_unwritable_output_folder(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["score", str(ARABESQUE), "--out", str(blocker / "reports"), "--no-video"]) == 1
    err = capsys.readouterr().err
    assert "output folder" in err and "a-file" in err


def test_references_list_and_validate(tmp_path, capsys):
    assert main(["references", "list"]) == 0
    assert "arabesque" in capsys.readouterr().out
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nmoments: {}\n")
    assert main(["references", "validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "broken.yaml" in out and "moments" in out


def test_a_bad_user_reference_is_skipped_unless_named(tmp_path, capsys):
    """One teacher's broken file must not stop scoring with the others; naming it is a clear error."""
    (tmp_path / "oops.yaml").write_text("name: oops\ncriteria: 3\n")
    assert main(["score", str(ARABESQUE), "--references", str(tmp_path), "--out", str(tmp_path / "out"),
                 "--no-video"]) == 0
    err = capsys.readouterr().err
    assert "skipped a reference file" in err and "oops.yaml" in err
    assert main(["score", str(ARABESQUE), "--references", str(tmp_path), "--movement", "oops"]) == 2
    err = capsys.readouterr().err
    assert "oops.yaml can't be used" in err and "'moments': missing" in err


def test_a_misspelt_movement_suggests_the_closest(capsys):
    assert main(["score", str(ARABESQUE), "--movement", "arabsque"]) == 2
    assert "did you mean 'arabesque'?" in capsys.readouterr().err


def test_a_clip_named_dots_stays_inside_the_output_folder(tmp_path, monkeypatch):
    """`...mp4` has the stem `..`: its reports once landed beside --out (or in the working folder)."""
    work = tmp_path / "work"
    (work / "outer").mkdir(parents=True)
    (work / "...mp4").write_bytes(ARABESQUE.read_bytes())
    monkeypatch.chdir(work)
    assert main(["score", "./...mp4", "--out", "outer/reports", "--no-video"]) == 0
    assert main(["score", "./...mp4", "--no-video"]) == 0  # the default --out
    assert sorted(p.name for p in work.iterdir()) == ["...mp4", "outer", "technique-reports"]
    assert [p.name for p in (work / "outer").iterdir()] == ["reports"]
    for out in (work / "outer" / "reports", work / "technique-reports"):
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
            "clip", "clip/frames.csv", "clip/report.json"]


def test_a_planted_link_in_the_output_folder_is_refused(tmp_path, capsys):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (outside / "report.json").write_text("someone else's")
    (out / ARABESQUE.stem).symlink_to(outside)
    assert main(["score", str(ARABESQUE), "--out", str(out), "--no-video"]) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert [p.name for p in outside.iterdir()] == ["report.json"]
    assert (outside / "report.json").read_text() == "someone else's"
    assert sorted(p.name for p in out.iterdir()) == [ARABESQUE.stem]  # nothing staged left behind


def test_a_full_disk_keeps_the_old_reports_and_scores_the_next_clip(tmp_path, monkeypatch, capsys):
    """Fault injection: the encoder's first write fails with ENOSPC, as on a full disk."""
    import errno

    from technique.capture.video import VideoWriter

    developpe = sample("developpe_devant__side_right")
    out = tmp_path / "out"
    assert main(["score", str(ARABESQUE), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in (out / ARABESQUE.stem).iterdir()}
    assert set(before) == {"report.json", "frames.csv", "annotated.mp4"}
    real_write, calls = VideoWriter.write, []

    def full_once(self, image):
        calls.append(self.path)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, image)

    monkeypatch.setattr(VideoWriter, "write", full_once)
    capsys.readouterr()
    assert main(["score", str(ARABESQUE), str(developpe), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "disk is full" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (out / ARABESQUE.stem).iterdir()} == before  # not a mixed folder
    assert sorted(p.name for p in (out / developpe.stem).iterdir()) == ["annotated.mp4", "frames.csv", "report.json"]
    assert sorted(p.name for p in out.iterdir()) == sorted([ARABESQUE.stem, developpe.stem])  # no partials


def test_a_file_name_that_is_not_utf8_is_scored(tmp_path):
    import os

    clip = tmp_path / os.fsdecode(b"caf\xe9.mp4")
    clip.write_bytes(ARABESQUE.read_bytes())
    result = run("score", str(clip), "--out", str(tmp_path / "out"), "--no-video", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)[0]["clip"]["path"].endswith("caf\ufffd.mp4")  # --json: always a list
    files = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*"))
    assert files == ["caf\ufffd", "caf\ufffd/frames.csv", "caf\ufffd/report.json"]
    json.loads((tmp_path / "out" / "caf\ufffd" / "report.json").read_text(encoding="utf-8"))


def test_json_is_a_list_even_for_one_clip(tmp_path, corpus):
    result = run("score", str(corpus["text_as_mp4"].path), "--out", str(tmp_path), "--json", "--no-video")
    assert result.returncode == 1
    reports = json.loads(result.stdout)
    assert isinstance(reports, list) and len(reports) == 1 and "text file" in reports[0]["error"]


def test_a_readme_given_as_a_clip_is_named_a_text_file(tmp_path, capsys):
    assert main(["score", str(REPO / "README.md"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "README.md: is a text file, not a video" in err and "Errno" not in err


def test_an_unrecognised_movement_gets_no_empty_in_time_line(analyses):
    from dataclasses import replace

    from technique.outputs.report import story_lines

    analysis = analyses(ARABESQUE)
    assert any(line.startswith("  In time (arabesque") for line in story_lines(analysis))
    unrecognised = replace(analysis, segments=tuple(replace(s, movement=None) for s in analysis.segments))
    assert not any("In time" in line for line in story_lines(unrecognised))


def test_a_reference_folder_that_isnt_there_is_a_usage_error(tmp_path, capsys):
    missing = tmp_path / "nonexist"
    for action in ("list", "validate"):
        assert main(["references", action, "--references", str(missing)]) == 2
        assert "nonexist" in capsys.readouterr().err
