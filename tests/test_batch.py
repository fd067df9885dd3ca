"""`technique batch` as a school runs it: real clips, the bad-input corpus, real worker processes,
a real `kill -9`, a real Dask LocalCluster and the real history database. No mocks.

One reference run (module fixture) over two students' sample clips plus the whole corpus is
compared with the Dask engine's outputs and with an interrupted-then-resumed run.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import REPO, sample
from corpus import build_corpus

from technique.apps.batch import discover, folder_key, student_of
from technique.outputs.judged import JudgedCriterion as CriterionResult
from technique.apps.cli import main

STUDENTS = {"amelie": "first_to_arabesque__side_right", "bea": "developpe_devant__side_right"}
PATTERN = r"^students/(?P<student>[^/]+)/"
OPTIONS = ("--no-video", "--student-from", PATTERN)


def batch(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "technique", "batch", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=900, **kwargs)


def rows_of(out: Path) -> dict[str, dict]:
    with open(out / "summary.csv", encoding="utf-8", newline="") as handle:
        return {row["path"]: row for row in csv.DictReader(handle)}


def outputs(out: Path) -> dict[str, bytes]:
    """Every file a batch leaves that must not depend on how it was run (the manifest has timings)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "manifest.jsonl"}


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> tuple[Path, dict]:
    """A term's folder: two students' clips, and the corpus of bad and awkward files."""
    root = tmp_path_factory.mktemp("term")
    for student, clip in STUDENTS.items():
        (root / "students" / student).mkdir(parents=True)
        shutil.copyfile(sample(clip), root / "students" / student / f"{clip}.mp4")
    cases = {c.name: c for c in build_corpus(root / "corpus", sample("first_to_arabesque__side_right"))}
    return root, cases


@pytest.fixture(scope="module")
def reference(school, tmp_path_factory):
    """An uninterrupted two-worker run: (output folder, completed process, database)."""
    root, _ = school
    tmp = tmp_path_factory.mktemp("reference")
    db = tmp / "history.sqlite3"
    result = batch(str(root), "--out", str(tmp / "out"), "--workers", "2", "--db", str(db), *OPTIONS)
    return tmp / "out", result, db


def test_every_clip_is_scored_or_refused_with_its_reason(school, reference):
    root, cases = school
    out, result, _ = reference
    assert result.returncode == 1, result.stderr  # some clips failed, the batch still finished
    assert "Traceback" not in result.stderr
    assert "clips:" not in result.stderr and "frame/s" not in result.stderr  # no bars in a captured log
    rows = rows_of(out)
    for student, clip in STUDENTS.items():
        row = rows[f"students/{student}/{clip}.mp4"]
        assert row["status"] == "ok" and row["student"] == student and float(row["score"]) > 0
        assert row["movement"] == clip.split("__")[0].replace("first_to_", "")
    for case in cases.values():
        path = case.path.relative_to(root).as_posix()
        row = rows[path]
        if case.name == "truncated":  # the readable 40 % is scored, and the summary says it is truncated
            assert row["status"] == "ok" and "truncated" in row["notes"], row
        elif case.name == "image_file":  # a photo is not a clip: listed, not a failure
            assert row["status"] == "skipped" and case.matches(row["reason"]), row
        elif case.expect == "error":
            assert row["status"] == "error" and case.matches(row["reason"]), row
            assert row["reason"] in result.stdout
        elif case.expect == "skip":
            assert row["status"] == "skipped" and "not followed" in row["reason"]
        elif case.name == "half_body":  # legs out of frame: what is seen is judged, the rest is said
            assert row["status"] == "ok", row
            report = json.loads((out / row["report_folder"] / "report.json").read_text())
            assert any("film the whole body" in w for w in report["warnings"])
            judged, total = report["criteria_judged"] or (0, 0)
            assert judged < total or not row["score"]  # never a whole score from half a body
        else:
            assert row["status"] == "ok" and row["score"], row
            report = json.loads((out / row["report_folder"] / "report.json").read_text())
            assert report["clip"]["path"] == path or row["notes"].startswith("same clip as")
    assert not any("/self/" in p for p in rows)  # the symlink loop was not followed
    assert rows["corpus/audio_only.mp4"]["reason"] == "has no video stream (audio only)"
    assert "not visible" in rows["corpus/half_body.mp4"]["notes"].lower()
    four_k = json.loads((out / rows["corpus/four_k.mp4"]["report_folder"] / "report.json").read_text())
    assert max(four_k["clip"]["width"], four_k["clip"]["height"]) == 1280
    rotated = json.loads((out / rows["corpus/rotated_phone.mp4"]["report_folder"] / "report.json").read_text())
    assert rotated["clip"]["rotation"] in (90, 270)  # stored sideways, analysed upright as filmed
    assert (rotated["clip"]["width"], rotated["clip"]["height"]) == (640, 480)


def test_identical_clips_are_scored_once_and_listed_under_each_name(school, reference):
    out, _, _ = reference
    rows = rows_of(out)
    folder = rows["corpus/nested/deeper/good.mp4"]["report_folder"]
    copies = [p for p, r in rows.items() if r["report_folder"] == folder]
    assert len(copies) >= 3  # the good copies in the corpus have the same bytes
    assert sum(not rows[p]["notes"].startswith("same clip as") for p in copies) == 1
    lines = (out / "manifest.jsonl").read_text().splitlines()
    hashes = [json.loads(line)["hash"] for line in lines]
    assert len(hashes) == len(set(hashes))


def test_summary_files(school, reference):
    out, _, _ = reference
    rows = rows_of(out)
    assert list(rows) == sorted(rows)
    header = next(csv.reader(open(out / "summary.csv", encoding="utf-8")))
    assert {"arabesque.supporting_knee", "arabesque.torso", "developpe_devant.torso"} <= set(header)
    bea = rows[f"students/bea/{STUDENTS['bea']}.mp4"]
    assert bea["developpe_devant.torso"] and not bea["arabesque.torso"]  # "Torso vertical" is not "Torso lifted"
    page = (out / "summary.html").read_text(encoding="utf-8")
    arabesques = page[page.index("<h2>Arabesque</h2>"):]
    developpes = page[page.index("<h2>Développé devant</h2>"):]
    assert "<th>Torso lifted</th>" in arabesques.split("</table>")[0]
    assert "<th>Torso vertical</th>" in developpes.split("</table>")[0]
    assert "Torso vertical" not in arabesques.split("</table>")[0]
    assert "Could not be scored" in page and "the file is empty (0 bytes)" in page
    assert "spaces and ünïcödé/ clip ü.mp4" in page
    with open(out / "summary_criteria.csv", encoding="utf-8") as handle:
        per_criterion = list(csv.DictReader(handle))
    bea = [r for r in per_criterion if r["student"] == "bea"]
    verdicts = {"good", "acceptable", "fault", "not_assessable", "not_visible", "moment_not_found"}
    assert bea and all(r["verdict"] in verdicts for r in bea)
    for row in rows.values():
        if row["status"] == "ok":
            folder = out / row["report_folder"]
            assert {"report.json", "frames.csv", "worst.jpg"} <= {p.name for p in folder.iterdir()}
    assert not (out / ".partial").exists()


def test_results_go_into_the_history_database(reference, capsys):
    from technique.outputs.history import History

    out, _, db = reference
    rows = rows_of(out)
    with History(db) as history:
        assert history.students() == ["amelie", "bea"]  # corpus clips have no student: not saved
        session, = history.sessions("bea")
        report = json.loads((out / rows[f"students/bea/{STUDENTS['bea']}.mp4"]["report_folder"]
                             / "report.json").read_text())
        assert session.movement == report["movement"]["name"] and session.score == report["score"]
        assert session.criteria == {c["id"]: (c["value"], c["verdict"], c["score"]) for c in report["criteria"]}
    assert "no student in the path" in rows["corpus/four_k.mp4"]["notes"]
    assert main(["history", "amelie", "--db", str(db)]) == 0
    assert "arabesque" in capsys.readouterr().out


def test_dask_engine_gives_identical_outputs(school, reference, tmp_path):
    from distributed import LocalCluster

    root, _ = school
    ref_out, _, _ = reference
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        code = main(["batch", str(root), "--out", str(tmp_path / "out"), "--engine", "dask",
                     "--scheduler", cluster.scheduler_address, "--db", str(tmp_path / "h.sqlite3"), *OPTIONS])
    assert code == 1
    assert outputs(tmp_path / "out") == outputs(ref_out)


def _manifest_lines(out: Path) -> int:
    try:
        return (out / "manifest.jsonl").read_text().count("\n")
    except FileNotFoundError:
        return 0


def test_kill_9_then_resume_gives_exactly_the_uninterrupted_results(school, reference, tmp_path):
    root, _ = school
    ref_out, _, _ = reference
    total = _manifest_lines(ref_out)
    out = tmp_path / "out"
    args = [sys.executable, "-m", "technique", "batch", str(root), "--out", str(out), "--workers", "2",
            "--db", str(tmp_path / "h.sqlite3"), *OPTIONS]
    process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 300
    while _manifest_lines(out) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the batch and its worker processes, mid-run
    process.wait()
    finished = _manifest_lines(out)
    assert 3 <= finished < total, "the kill should land mid-run"
    assert not (out / "summary.csv").exists()
    done = {json.loads(line)["result"]["key"] for line in (out / "manifest.jsonl").read_text().splitlines()}
    before = {p: p.stat().st_mtime_ns for key in done for p in (out / "clips" / key).glob("*")}

    result = batch(str(root), "--out", str(out), "--workers", "2", "--resume", "--db", str(tmp_path / "h.sqlite3"),
                   *OPTIONS)
    assert result.returncode == 1, result.stderr
    assert f"Resuming: {finished} clip(s) already done, {total - finished} to score" in result.stderr
    assert outputs(out) == outputs(ref_out)
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())  # finished clips were not redone
    assert _manifest_lines(out) == total


def test_resume_follows_content_not_names(tmp_path):
    folder, out = tmp_path / "clips", tmp_path / "out"
    folder.mkdir()
    shutil.copyfile(sample("first_to_arabesque__side_right"), folder / "monday.mp4")
    shutil.copyfile(sample("developpe_devant__side_right"), folder / "tuesday.mp4")
    assert batch(str(folder), "--out", str(out), "--no-video", "--no-history").returncode == 0
    first = rows_of(out)
    kept = out / first["monday.mp4"]["report_folder"] / "report.json"
    stamp = kept.stat().st_mtime_ns

    (folder / "monday.mp4").rename(folder / "renamed monday.mp4")  # same bytes: not scored again
    shutil.copyfile(sample("fouette_turns__side_right"), folder / "tuesday.mp4")  # new bytes: scored
    result = batch(str(folder), "--out", str(out), "--no-video", "--no-history", "--resume")
    assert result.returncode == 0, result.stderr
    assert "Resuming: 1 clip(s) already done, 1 to score" in result.stderr
    rows = rows_of(out)
    assert set(rows) == {"renamed monday.mp4", "tuesday.mp4"}
    assert rows["renamed monday.mp4"]["report_folder"] == first["monday.mp4"]["report_folder"]
    assert kept.stat().st_mtime_ns == stamp
    assert rows["tuesday.mp4"]["report_folder"] != first["tuesday.mp4"]["report_folder"]
    assert rows["tuesday.mp4"]["movement"] != first["tuesday.mp4"]["movement"]

    again = batch(str(folder), "--out", str(out), "--no-video", "--no-history", "--resume")
    assert again.returncode == 0, again.stderr
    assert "0 scored, 0 failed, 2 already done, 0 skipped." in again.stdout  # not "2 scored"


def _sharpness(image: np.ndarray) -> float:
    return float(cv2.Laplacian(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var())


def test_blur_faces_in_the_exported_video_and_still(tmp_path, analyses):
    from technique.outputs.privacy import face_box
    from technique.capture.video import VideoReader

    # a clip with something to correct, so that it has a worst moment and its still
    clip = Path(__file__).parent / "data" / "arabesque_bent_supporting_knee__side_right.mp4"
    (tmp_path / "in").mkdir()
    shutil.copyfile(clip, tmp_path / "in" / clip.name)
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--blur-faces", "--no-history"]) == 0
    folder, = (tmp_path / "out" / "clips").iterdir()
    worst = json.loads((folder / "report.json").read_text())["worst_moment"]["frame"]
    analysis = analyses(clip)
    x0, y0, x1, y1 = face_box(analysis.track.pixels[worst], (640, 480))
    originals = {f.index: f.image for f in VideoReader(clip) if f.index == worst}
    raw = originals[worst][y0:y1, x0:x1]
    still = cv2.imread(str(folder / "worst.jpg"))[y0:y1, x0:x1]
    with VideoReader(folder / "annotated.mp4") as reader:
        frames = [f.image for f in reader]
    assert len(frames) == len(analysis.track.times)
    video = frames[worst][y0:y1, x0:x1]
    assert _sharpness(still) < 0.35 * _sharpness(raw)
    assert _sharpness(video) < 0.35 * _sharpness(raw)


# --------------------------------------------------------------------------- small, fast pieces


def test_a_class_clip_is_scored_dancer_by_dancer_and_resumed(tmp_path, class_clip):
    """--dancer all: each dancer of a class clip (conftest.CLASS, three side by side) gets her own row and
    report folder; a resumed run trusts them; a dancer who isn't there fails that clip alone, with why."""
    root, out = tmp_path / "term", tmp_path / "out"
    (root / "classes").mkdir(parents=True)
    shutil.copyfile(class_clip, root / "classes" / "class.mp4")
    shutil.copyfile(sample(STUDENTS["amelie"]), root / "solo.mp4")
    done = batch(str(root), "--out", str(out), "--dancer", "all", "--no-video", "--student-from", PATTERN)
    assert done.returncode == 0, done.stderr
    rows = rows_of(out)
    assert list(rows) == [f"classes/class.mp4 · dancer {n} of 3" for n in (1, 2, 3)] + ["solo.mp4 · dancer 1 of 1"]
    assert [r["movement"] for r in rows.values()] == ["arabesque", "developpe_devant", "fouette", "arabesque"]
    for n, row in enumerate(list(rows.values())[:3], 1):
        report = json.loads((out / row["report_folder"] / "report.json").read_text(encoding="utf-8"))
        assert report["dancer"]["number"] == n and report["clip"]["path"] == "classes/class.mp4"
        assert "not saved to history" in row["notes"]
    again = batch(str(root), "--out", str(out), "--dancer", "all", "--no-video", "--resume")
    assert again.returncode == 0 and "0 scored, 0 failed, 4 already done" in again.stdout, again.stdout
    fourth = batch(str(root), "--out", str(tmp_path / "out4"), "--dancer", "4", "--no-video")
    assert fourth.returncode == 1
    failed = rows_of(tmp_path / "out4")
    assert failed["classes/class.mp4"]["status"] == "error"
    assert "dancer 4 asked for, but 3 dancer(s) found" in failed["classes/class.mp4"]["reason"]
    assert batch(str(root), "--out", str(tmp_path / "out5"), "--dancer", "none").returncode == 2


def test_discovery_walks_folders_but_not_links_hidden_files_or_its_output(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/b/Clip.MP4", "a/x.mov", "z.webm", "photo.JPG", "notes.txt", ".hidden.mp4", "out/old.mp4"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    os.symlink("..", tmp_path / "a" / "up", target_is_directory=True)
    found = discover(tmp_path, exclude=[tmp_path / "out"])
    assert found.clips == ("a/b/Clip.MP4", "a/x.mov", "z.webm")
    assert dict(found.skipped) == {"a/up": "a link to a folder: not followed", "photo.JPG": "a JPG image, not a video",
                                   "notes.txt": "not a video file (.txt; clips end in .mp4 .mov .m4v .avi .mkv .webm)"}


@pytest.mark.parametrize("pattern, path, student", [
    (r"^students/(?P<student>[^/]+)/", "students/ann/arabesque.mp4", "ann"),
    (r"^([^/]+)/", "Zoé Martin/week 1.mp4", "Zoé Martin"),
    (r"^[^_]+", "ann_arabesque.mp4", "ann"),
    (r"^students/([^/]+)/", "corpus/empty.mp4", None),
])
def test_student_from_pattern(pattern, path, student):
    import re

    assert student_of(path, re.compile(pattern)) == student


def test_report_folder_names_are_portable_and_follow_content():
    assert folder_key(" clip ü.mp4", "ab" * 32) == "clip_u-abababababab"
    assert folder_key("a/ü.mp4", None) != folder_key("b/ü.mp4", None)


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o"), "--student-from", "(unclosed"]) == 2
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o"), "--movement", "grand jete"]) == 2
    err = capsys.readouterr().err
    assert "not a folder" in err and "regular expression" in err and "unknown movement" in err


def test_an_empty_folder_is_not_an_error(tmp_path):
    (tmp_path / "in").mkdir()
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-history"]) == 0
    assert (tmp_path / "out" / "summary.csv").read_text().startswith("path,")


def test_manifest_trusts_only_whole_lines_with_whole_reports_and_the_same_options(tmp_path):
    from technique.apps.batch import ClipResult, Manifest

    def result(name: str, status: str = "ok", **kw) -> ClipResult:
        return ClipResult(f"{name}.mp4", name * 8, f"{name}-key", status, movement="arabesque", score=80.0,
                          files=("report.json",) if status == "ok" else (), **kw)

    whole = {"clip": {"path": "a.mp4"}, "movement": {"name": "arabesque"}, "score": 80.0}
    reports = {"a": json.dumps(whole),  # as the manifest says
               "f": "",  # fsync lost to a power cut: empty
               "g": json.dumps({**whole, "clip": {"path": "g.mp4"}})[:40],  # cut short
               "h": json.dumps(whole)}  # another clip's report (h.mp4's folder holds a.mp4's)
    for name, text in reports.items():
        (tmp_path / "clips" / f"{name}-key").mkdir(parents=True)
        (tmp_path / "clips" / f"{name}-key" / "report.json").write_text(text)
    manifest = Manifest(tmp_path, "options-1")
    manifest.reset([result("a"), result("b"), result("c", "error", reason="the file is empty (0 bytes)"),
                    result("d", "error", reason="internal error: boom", transient=True),
                    result("f"), result("g"), result("h")])
    with open(manifest.path, "a") as handle:
        handle.write('{"hash": "eeee", "result": {"path": "e.mp')  # cut short by kill -9
    done = manifest.load()
    assert set(done) == {"a" * 8, "c" * 8}  # b's folder is missing; d may pass on another try; f-h: bad reports
    assert Manifest(tmp_path, "options-2").load() == {}
    manifest.reset(done.values())
    assert manifest.path.read_text().count("\n") == 2 and manifest.load() == done


def test_the_end_of_a_batch_marks_only_recognised_clips_with_a_tick(tmp_path):
    from technique.apps.batch import ClipResult, Row, summary_text

    rows = [Row("a.mp4", "ok", result=ClipResult("a.mp4", "a" * 8, "a", "ok", movement="arabesque",
                                                  movement_title="Arabesque", score=91.0)),
            Row("b.mp4", "ok", result=ClipResult("b.mp4", "b" * 8, "b", "ok"), already_done=True),
            Row("c.mp4", "error", reason="the file is empty (0 bytes)"),
            Row("d.m4a", "skipped", reason="a M4A sound file, not a video")]
    lines = summary_text(rows, tmp_path, "").splitlines()
    assert lines[0].startswith("✓ a.mp4") and lines[1].startswith("? b.mp4") and "not recognised" in lines[1]
    assert lines[2].startswith("✗ c.mp4") and lines[3].startswith("· d.m4a")
    assert lines[4].startswith("1 scored, 1 failed, 1 already done, 1 skipped.")


def test_other_files_are_listed_and_a_cut_short_report_is_scored_again(tmp_path):
    folder, out = tmp_path / "clips", tmp_path / "out"
    folder.mkdir()
    shutil.copyfile(sample("first_to_arabesque__side_right"), folder / "monday.mp4")
    (folder / "music.m4a").write_bytes(b"\0\0\0\x20ftypM4A ")
    (folder / "notes.txt").write_text("warm up first")
    first = batch(str(folder), "--out", str(out), "--no-video", "--no-history")
    assert first.returncode == 0, first.stderr
    rows = rows_of(out)
    assert rows["music.m4a"]["status"] == rows["notes.txt"]["status"] == "skipped"
    assert rows["music.m4a"]["reason"] == "a M4A sound file, not a video"
    assert "· music.m4a" in first.stdout and "not a video file (.txt" in first.stdout
    assert "Skipped" in (out / "summary.html").read_text(encoding="utf-8")

    report = out / rows["monday.mp4"]["report_folder"] / "report.json"
    whole = report.read_text()
    report.write_text(whole[:len(whole) // 3])  # as after a power cut with the report not on disk
    resumed = batch(str(folder), "--out", str(out), "--no-video", "--no-history", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming: 0 clip(s) already done, 1 to score" in resumed.stderr
    assert json.loads(report.read_text())["clip"]["path"] == "monday.mp4"


def _wait_for(condition, seconds: float = 300) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_second_batch_on_the_same_output_is_refused_while_the_first_runs(tmp_path):
    folder, out = tmp_path / "clips", tmp_path / "out"
    folder.mkdir()
    shutil.copyfile(sample("first_to_arabesque__side_right"), folder / "monday.mp4")
    shutil.copyfile(sample("developpe_devant__side_right"), folder / "tuesday.mp4")
    args = [str(folder), "--out", str(out), "--workers", "1", "--no-video", "--no-history"]
    first = subprocess.Popen([sys.executable, "-m", "technique", "batch", *args], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = out / ".lock"
        assert _wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid))
        os.kill(first.pid, signal.SIGSTOP)  # the first batch holds the folder, mid-run, for as long as we need
        try:
            second = batch(*args)
        finally:
            os.kill(first.pid, signal.SIGCONT)
        assert second.returncode == 2
        assert f"another batch is writing to {out} (pid {first.pid})" in second.stderr
        stdout, stderr = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, stderr  # the refused run took nothing away from it
    assert {r["status"] for r in rows_of(out).values()} == {"ok"} and _manifest_lines(out) == 2
    assert lock.read_text() == ""  # released, and the next run may start
    assert "0 scored, 0 failed, 2 already done" in batch(*args, "--resume").stdout


def _children(pid: int) -> list[int]:
    """Processes whose parent is pid (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie runs nothing: it only waits to be reaped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_a_batch_takes_its_workers_with_it(school, tmp_path):
    root, _ = school
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "technique", "batch", str(root), "--out", str(out),
                                "--workers", "2", "--no-history", "--no-video"], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert _wait_for(lambda: _manifest_lines(out) >= 1 or process.poll() is not None)
        assert process.poll() is None, "the batch should still be running"
        children = _children(process.pid)
        workers = [pid for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 2
        os.kill(process.pid, signal.SIGKILL)  # the batch only, as the kernel's OOM killer or a user would
        process.wait()
        clips = sorted(p.name for p in (out / "clips").iterdir())
        assert _wait_for(lambda: not any(_alive(pid) for pid in children), seconds=10), \
            [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children if _alive(pid)]
        assert sorted(p.name for p in (out / "clips").iterdir()) == clips  # nothing published after
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left, if the test failed
        except ProcessLookupError:
            pass


# --------------------------------------------------------------------------- writes that must stay inside --out


@pytest.mark.parametrize("planted", ["clips", ".partial"])
def test_a_linked_folder_planted_in_the_output_is_refused(tmp_path, planted, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("the school's marks")
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / planted).symlink_to(outside, target_is_directory=True)
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-history"]) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert [(p.name, p.read_text()) for p in outside.iterdir()] == [("precious.txt", "the school's marks")]


def test_linked_summary_and_manifest_files_are_replaced_not_written_through(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    for name in ("summary.csv", "summary.html", "manifest.jsonl", "summary.csv.partial", "manifest.jsonl.partial"):
        (outside / name).write_text("someone else's")
        (tmp_path / "out" / name).symlink_to(outside / name)
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-history"]) == 0
    assert all(p.read_text() == "someone else's" for p in outside.iterdir())
    assert not (tmp_path / "out" / "summary.csv").is_symlink()
    assert (tmp_path / "out" / "summary.csv").read_text().startswith("path,")


def test_summary_cells_never_run_as_spreadsheet_formulas():
    from technique.apps.batch import ClipResult, Row, criteria_csv, csv_cell, summary_csv

    for text in ("=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert [csv_cell(v) for v in ("-12.5", "+3", "anna", "", 7, None)] == ["-12.5", "+3", "anna", "", 7, None]
    criterion = CriterionResult("hip", "=Hips square", -4.5, "degrees", "good", 90.0)
    result = ClipResult("=evil.mp4", "h" * 8, "evil-key", "ok", movement="@movement", criteria=(criterion,))
    rows = [Row("=evil.mp4", "ok", "+Anna", result), Row("-x.mp4", "error", None, None, "=reason")]
    table = list(csv.reader(summary_csv(rows).splitlines()))
    assert table[1][:5] == ["'=evil.mp4", "'+Anna", "ok", "", "'@movement"]
    assert table[2][:5] == ["'-x.mp4", "", "error", "'=reason", ""]
    criteria = list(csv.reader(criteria_csv(rows).splitlines()))
    assert criteria[1][:6] == ["'=evil.mp4", "'+Anna", "'@movement", "hip", "'=Hips square", "-4.5"]


def test_one_student_whatever_the_unicode_form_of_her_folder():
    import re

    pattern = re.compile(r"^([^/]+)/")
    typed, from_macos = "José/week 1.mp4", "Jose\u0301/week 2.mp4"
    assert student_of(typed, pattern) == student_of(from_macos, pattern) == "Jos\u00e9"


def test_a_clip_name_that_is_not_utf8_is_scored_once(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copyfile(sample("first_to_arabesque__side_right"), tmp_path / "in" / os.fsdecode(b"caf\xe9.mp4"))
    out = tmp_path / "out"
    first = batch(str(tmp_path / "in"), "--out", str(out), "--workers", "1", "--no-video", "--no-history")
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr and "caf\ufffd.mp4" in first.stdout
    row = next(iter(rows_of(out).values()))
    assert row["status"] == "ok" and row["movement"] == "arabesque"
    assert not list(out.rglob("*.partial"))
    again = batch(str(tmp_path / "in"), "--out", str(out), "--resume", "--no-video", "--no-history")
    assert again.returncode == 0 and "1 clip(s) already done, 0 to score" in again.stderr


def test_a_full_disk_at_the_manifest_still_scores_every_clip_and_writes_the_summary(tmp_path, monkeypatch, capsys):
    """Fault injection: the manifest's append fails with ENOSPC, as on a full disk (it once killed the batch)."""
    import errno

    from technique import safe_write

    real_fsync, calls = os.fsync, []

    def full_after_start(fd):
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")) == "manifest.jsonl":
            calls.append(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    (tmp_path / "in").mkdir()
    for student, clip in STUDENTS.items():
        shutil.copyfile(sample(clip), tmp_path / "in" / f"{student}.mp4")
    monkeypatch.setattr(safe_write.os, "fsync", full_after_start)
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "in"), "--out", str(out), "--workers", "1", "--no-video",
                 "--no-history"]) == 1
    err = capsys.readouterr().err
    assert len(calls) == 2 and err.count("disk is full") == 2 and "Traceback" not in err
    assert "will be scored again by --resume" in err
    assert {path: row["status"] for path, row in rows_of(out).items()} == {"amelie.mp4": "ok", "bea.mp4": "ok"}
    assert (out / "manifest.jsonl").read_text() == ""  # no line claims a clip done: --resume scores both again


def test_batch_does_not_import_the_command_line():
    """batch used to import cli (for references_for, inside run_batch) while cli imports batch: a cycle.
    Both now use apps.common; no import in batch, at the top or inside a function, names cli."""
    import ast

    import technique.apps.batch as batch

    files = sorted(Path(batch.__path__[0]).glob("*.py"))
    imported = {node.module for f in files for node in ast.walk(ast.parse(f.read_text()))
                if isinstance(node, ast.ImportFrom)}
    assert "technique.apps.common" in imported and "technique.apps.batch.jobs" in imported
    assert not {name for name in imported if name and name.startswith("technique.apps.cli")}


def test_a_clips_criteria_in_the_manifest_are_the_reports_entries(tmp_path):
    """One shape for a judged criterion: batch keeps the report's own entries (outputs.judged), so the
    summary tables can never say other than report.json."""
    from technique.apps.batch import ClipResult
    from technique.outputs.judged import judged_criteria

    (tmp_path / "in").mkdir()
    shutil.copyfile(sample("first_to_arabesque__side_right"), tmp_path / "in" / "a.mp4")
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "in"), "--out", str(out), "--workers", "1", "--no-video",
                 "--no-history"]) == 0
    (line,) = (out / "manifest.jsonl").read_text().splitlines()
    result = ClipResult.from_json(json.loads(line)["result"])
    report = json.loads((out / "clips" / result.key / "report.json").read_text())
    assert result.criteria == judged_criteria(report) and len(result.criteria) == len(report["criteria"]) > 3
    assert result.files == ("frames.csv", "report.json", "worst.jpg")
