"""The history database: schema migrations, saving reports, no double counting, progress."""

from __future__ import annotations

import sqlite3

import pytest

from technique.history import SCHEMA_VERSION, History, content_hash, progress_text


def report(score, knee_verdict="good", movement="arabesque"):
    return {"movement": {"name": movement}, "score": score, "clip": {"path": "/x/clip.mp4"},
            "working_leg": "right", "view": "side",
            "criteria": [{"id": "supporting_knee", "name": "Supporting knee", "value": 171.0,
                          "verdict": knee_verdict, "score": 100.0}]}


def test_new_database_gets_the_current_schema(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        assert h.version == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(RuntimeError, match="newer technique"):
        History(path)


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
        assert "+25 points" in text and "supporting_knee" in text


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
