"""Progress over time: every saved analysis in one local SQLite database (stdlib sqlite3).

Shared by the dashboard (save a review under a student's name) and batch scoring. The schema is
versioned: ``MIGRATIONS[n]`` upgrades a database from version n-1 to n, applied in order on open,
so a school's history survives upgrades of technique. Saving the same clip (by content hash) for the
same student and movement again replaces the earlier row instead of counting it twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE analyses (
               id INTEGER PRIMARY KEY,
               student TEXT NOT NULL,
               movement TEXT NOT NULL,
               clip_name TEXT NOT NULL,
               clip_hash TEXT NOT NULL,
               recorded_at TEXT NOT NULL,
               score REAL,
               working_leg TEXT,
               view TEXT,
               report_json TEXT NOT NULL,
               UNIQUE (student, movement, clip_hash)
           )""",
        """CREATE TABLE criteria (
               analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
               criterion TEXT NOT NULL,
               name TEXT NOT NULL,
               value REAL,
               verdict TEXT NOT NULL,
               score REAL,
               PRIMARY KEY (analysis_id, criterion)
           )""",
        "CREATE INDEX analyses_by_student ON analyses (student, movement, recorded_at)",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)


def default_path() -> Path:
    """$TECHNIQUE_DB, else the user's data folder ($XDG_DATA_HOME or ~/.local/share)/technique/history.sqlite3."""
    if os.environ.get("TECHNIQUE_DB"):
        return Path(os.environ["TECHNIQUE_DB"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "technique" / "history.sqlite3"


def content_hash(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes: the same clip under another name has the same hash."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Session:
    """One saved analysis of a student."""

    id: int
    student: str
    movement: str
    clip_name: str
    clip_hash: str
    recorded_at: str
    score: float | None
    criteria: dict[str, tuple[float | None, str, float | None]]  # id -> (value, verdict, score)


class History:
    """A history database; opening it creates or upgrades the schema."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")  # batch workers and the dashboard may share it
        self.migrate()

    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path}: made by a newer technique (schema {current} > {SCHEMA_VERSION})")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self._db:
                for statement in MIGRATIONS[version]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version}")

    def save(self, student: str, report: dict, clip_hash: str, recorded_at: str | None = None) -> int:
        """Store a report (as from report.report_dict) for a student; returns the analysis id."""
        student = student.strip()
        if not student:
            raise ValueError("a student name is needed to save progress")
        movement = (report.get("movement") or {}).get("name") or "unrecognised"
        recorded_at = recorded_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        clip_name = Path(report.get("clip", {}).get("path", "clip")).name
        with self._db:
            self._db.execute("DELETE FROM analyses WHERE student = ? AND movement = ? AND clip_hash = ?",
                             (student, movement, clip_hash))
            cursor = self._db.execute(
                "INSERT INTO analyses (student, movement, clip_name, clip_hash, recorded_at, score, working_leg,"
                " view, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (student, movement, clip_name, clip_hash, recorded_at, report.get("score"),
                 report.get("working_leg"), report.get("view"), json.dumps(report, ensure_ascii=False)),
            )
            analysis_id = cursor.lastrowid
            self._db.executemany(
                "INSERT INTO criteria (analysis_id, criterion, name, value, verdict, score) VALUES (?, ?, ?, ?, ?, ?)",
                [(analysis_id, c["id"], c["name"], c.get("value"), c["verdict"], c.get("score"))
                 for c in report.get("criteria", [])],
            )
        return analysis_id

    def students(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT student FROM analyses ORDER BY student")]

    def sessions(self, student: str, movement: str | None = None) -> list[Session]:
        """A student's saved analyses, oldest first (optionally one movement)."""
        query = ("SELECT id, student, movement, clip_name, clip_hash, recorded_at, score FROM analyses"
                 " WHERE student = ?" + (" AND movement = ?" if movement else "") + " ORDER BY recorded_at, id")
        rows = self._db.execute(query, (student, movement) if movement else (student,)).fetchall()
        out = []
        for row in rows:
            criteria = {c: (v, verdict, s) for c, v, verdict, s in self._db.execute(
                "SELECT criterion, value, verdict, score FROM criteria WHERE analysis_id = ?", (row[0],))}
            out.append(Session(*row, criteria=criteria))
        return out

    def report(self, analysis_id: int) -> dict:
        row = self._db.execute("SELECT report_json FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        if row is None:
            raise KeyError(analysis_id)
        return json.loads(row[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress_text(sessions: list[Session]) -> str:
    """A student's progress as a small table: date, movement, score, and each criterion's verdict."""
    if not sessions:
        return "No saved analyses."
    lines = []
    for s in sessions:
        score = "-" if s.score is None else f"{s.score:.0f}"
        faults = [c for c, (_, verdict, _) in s.criteria.items() if verdict == "fault"]
        lines.append(f"{s.recorded_at[:10]}  {s.movement:<24} {score:>4}  {s.clip_name}"
                     + (f"  to work on: {', '.join(faults)}" if faults else ""))
    first, last = sessions[0].score, sessions[-1].score
    if len(sessions) > 1 and first is not None and last is not None:
        lines.append(f"Change since the first session: {last - first:+.0f} points")
    return "\n".join(lines)
