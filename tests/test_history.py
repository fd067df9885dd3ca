"""The history database: schema migrations, saving reports, no double counting, progress, several
processes opening it at once, and reading that never writes (foreign, missing, damaged databases)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import REPO

from technique.apps.cli import main
from technique.outputs.history import SCHEMA_VERSION, History, HistoryError, content_hash, progress_text


def report(score, knee_verdict="good", movement="arabesque", knee_score=100.0):
    return {"movement": {"name": movement}, "score": score, "clip": {"path": "/x/clip.mp4"},
            "working_leg": "right", "view": "side",
            "criteria": [{"id": "supporting_knee", "name": "Supporting knee", "value": 171.0,
                          "verdict": knee_verdict, "score": knee_score}]}


def test_new_database_gets_the_current_schema(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        assert h.version == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    for readonly in (False, True):
        with pytest.raises(HistoryError, match="newer technique"):
            History(path, readonly=readonly)


def test_save_and_read_progress(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        h.save("Ana", report(60, "fault"), "hash1", "2026-09-01T10:00:00+00:00")
        h.save("Ana", report(85), "hash2", "2026-10-01T10:00:00+00:00")
        h.save("Ben", report(70), "hash1", "2026-10-02T10:00:00+00:00")
        sessions = h.sessions("Ana")
        assert [s.score for s in sessions] == [60, 85]
        assert sessions[0].criteria["supporting_knee"][1] == "fault"
        assert h.students() == ["Ana", "Ben"]
        text = progress_text(sessions)
        assert "arabesque: +25 points" in text and "to work on: Supporting knee" in text


def test_same_clip_saved_twice_is_not_counted_twice(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        h.save("Ana", report(60), "same")
        h.save("Ana", report(65), "same")
        assert [s.score for s in h.sessions("Ana")] == [65]


def test_content_hash_ignores_the_name(tmp_path):
    a, b, c = tmp_path / "a.mp4", tmp_path / "b.mp4", tmp_path / "c.mp4"
    a.write_bytes(b"clip")
    b.write_bytes(b"clip")
    c.write_bytes(b"clip!")
    assert content_hash(a) == content_hash(b) != content_hash(c)


def test_to_work_on_lists_every_criterion_with_a_correction_not_only_faults(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        h.save("Ana", report(96.9, "acceptable", knee_score=84.0), "hash1")
        h.save("Ana", report(99, "good"), "hash2")
        first, second = h.sessions("Ana")
    assert first.to_work_on == ["supporting_knee"] and second.to_work_on == []
    lines = progress_text([first, second]).splitlines()
    assert lines[0].endswith("to work on: Supporting knee") and "to work on" not in lines[1]


def test_progress_compares_a_movement_only_with_itself(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        h.save("Alice", report(80, movement="arabesque"), "a1", "2026-09-01T10:00:00+00:00")
        h.save("Alice", report(80, movement="fouette"), "f1", "2026-09-02T10:00:00+00:00")
        h.save("Alice", report(90, movement="arabesque"), "a2", "2026-09-03T10:00:00+00:00")
        h.save("Alice", report(None, movement="unrecognised"), "u1", "2026-09-04T10:00:00+00:00")
        text = progress_text(h.sessions("Alice"))
    assert "arabesque: +10 points from the first to the latest of 2 sessions" in text
    assert "fouette:" not in text and "unrecognised:" not in text  # one session each: nothing to compare
    assert "-0 points" not in text and "+0 points" not in text and "−0 points" not in text


OPENER = """
import os, sys, time
from technique.outputs.history import History
go, path = sys.argv[1], sys.argv[2]
while not os.path.exists(go):
    time.sleep(0.001)
for _ in range(5):
    History(path).close()
"""


def test_four_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    go, path = tmp_path / "go", tmp_path / "new" / "history.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    openers = [subprocess.Popen([sys.executable, "-c", OPENER, str(go), str(path)], env=env,
                                stderr=subprocess.PIPE, text=True) for _ in range(4)]
    time.sleep(1.0)  # let all four start (the gate makes them open together); not a timing assertion
    go.touch()
    errors = [p.communicate(timeout=120)[1] for p in openers]
    assert [p.returncode for p in openers] == [0, 0, 0, 0], errors
    with History(path) as h:
        assert h.version == SCHEMA_VERSION
        h.save("Ana", report(70), "hash")
        assert len(h.sessions("Ana")) == 1


def _fingerprint(folder) -> dict:
    """Every file in a folder with its bytes' hash: what 'never writes' is checked against."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _foreign(path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.execute("INSERT INTO invoices (total) VALUES (12.5)")
    db.commit()
    db.close()


def test_a_foreign_database_is_refused_and_left_untouched(tmp_path, capsys):
    path = tmp_path / "db" / "accounts.sqlite"
    path.parent.mkdir()
    _foreign(path)
    before = _fingerprint(path.parent)
    for readonly in (True, False):  # reading, and the dashboard or a batch given the wrong --db
        with pytest.raises(HistoryError, match="not a technique history database"):
            History(path, readonly=readonly)
    assert main(["history", "Ana", "--db", str(path)]) == 2
    assert "not a technique history database" in capsys.readouterr().err
    (tmp_path / "clips").mkdir()
    assert main(["batch", str(tmp_path / "clips"), "--out", str(tmp_path / "clips" / "out"), "--db", str(path),
                 "--student-from", "^([^/]+)/"]) == 1
    assert "history database not available" in capsys.readouterr().err
    assert _fingerprint(path.parent) == before  # no WAL files, no tables, no user_version
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    db.close()


def test_reading_history_never_writes(tmp_path, capsys):
    path = tmp_path / "h.sqlite3"
    with History(path) as h:
        h.save("Ana", report(70), "hash")
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = DELETE")  # a quiet file: any write would show in its bytes
    db.close()
    before = _fingerprint(tmp_path)
    assert main(["history", "Ana", "--db", str(path)]) == 0
    assert "Ana: 1 saved analyses" in capsys.readouterr().out
    assert _fingerprint(tmp_path) == before


def test_a_mistyped_db_is_an_error_not_a_new_database(tmp_path, capsys):
    typo = tmp_path / "no such folder" / "histroy.sqlite3"
    assert main(["history", "Ana", "--db", str(typo)]) == 2
    assert "no history database at this path" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty_file"])
def test_a_damaged_database_gets_a_message_not_a_traceback(tmp_path, damage):
    path = tmp_path / "h.sqlite3"
    if damage == "garbage":
        path.write_bytes(os.urandom(8192))
    elif damage == "empty_file":
        path.write_bytes(b"")
    else:
        with History(path) as h:
            for i in range(50):
                h.save("Ana", {**report(70), "padding": "x" * 4000}, f"hash{i}")
        db = sqlite3.connect(path)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])
    result = subprocess.run([sys.executable, "-m", "technique", "history", "Ana", "--db", str(path)],
                            capture_output=True, text=True, timeout=120, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(path) in result.stderr
    assert {"garbage": "not an SQLite database", "truncated": "is damaged",
            "empty_file": "empty database"}[damage] in result.stderr


def test_history_into_a_closed_pipe_is_quiet(tmp_path):
    path = tmp_path / "h.sqlite3"
    with History(path) as h:
        for i in range(3000):
            h.save("Ana", report(70 + i % 20, "fault"), f"hash{i}", f"2026-09-01T10:{i % 60:02d}:00+00:00")
    shell = (f"{sys.executable} -m technique history Ana --db '{path}' | head -1; "
             "exit ${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert result.stdout.startswith("Ana: 3000 saved analyses")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


def test_one_student_whatever_the_unicode_form_of_her_name(tmp_path):
    """"José" typed (é) and "José" from a macOS folder name (e + combining accent) are one student."""
    report = {"movement": {"name": "arabesque"}, "score": 90.0, "clip": {"path": "a.mp4"}, "criteria": []}
    with History(tmp_path / "h.sqlite3") as history:
        history.save("Jose\u0301 ", report, "hash-a", "2026-09-01T10:00:00+00:00")
        history.save("Jos\u00e9", dict(report, score=95.0), "hash-b", "2026-09-08T10:00:00+00:00")
        assert history.students() == ["Jos\u00e9"]
        assert [s.score for s in history.sessions("Jose\u0301")] == [90.0, 95.0]


def test_a_saved_criterion_reads_back_as_the_reports_entry(tmp_path):
    """One shape for a judged criterion: what history keeps is the report's entry (the unit is not stored)."""
    from dataclasses import replace

    from technique.outputs.judged import JudgedCriterion, judged_criteria

    saved = report(72, "acceptable", knee_score=84.0)
    saved["criteria"][0]["unit"] = "degrees"
    with History(tmp_path / "h.sqlite3") as h:
        h.save("Ana", saved, "hash1")
        (session,) = h.sessions("Ana")
    (entry,) = judged_criteria(saved)
    assert entry == JudgedCriterion("supporting_knee", "Supporting knee", 171.0, "degrees", "acceptable", 84.0)
    assert session.judged == {"supporting_knee": replace(entry, unit=None)}
    assert session.criteria == {"supporting_knee": (171.0, "acceptable", 84.0)}
    assert session.names == {"supporting_knee": "Supporting knee"}
