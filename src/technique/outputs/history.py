"""Progress over time: every saved analysis in one local SQLite database (stdlib sqlite3).

Shared by the dashboard (save a review under a student's name) and batch scoring. The schema is
versioned: ``MIGRATIONS[n]`` upgrades a database from version n-1 to n, applied in order on open,
so a school's history survives upgrades of technique. Saving the same clip (by content hash) for the
same student and movement again replaces the earlier row instead of counting it twice.

Several processes may open the same database at once (batch runs, the dashboard): the schema is
created or upgraded inside one ``BEGIN IMMEDIATE`` transaction, so only one of them does it. Reading
(``History(path, readonly=True)``) never writes: the file is opened read-only and a file that is not a
technique history database is refused with a ``HistoryError`` rather than changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from technique.errors import TechniqueError
from technique.outputs.judged import JudgedCriterion, judged_criteria

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE IF NOT EXISTS analyses (
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
        """CREATE TABLE IF NOT EXISTS criteria (
               analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
               criterion TEXT NOT NULL,
               name TEXT NOT NULL,
               value REAL,
               verdict TEXT NOT NULL,
               score REAL,
               PRIMARY KEY (analysis_id, criterion)
           )""",
        "CREATE INDEX IF NOT EXISTS analyses_by_student ON analyses (student, movement, recorded_at)",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)
TABLES = frozenset({"analyses", "criteria"})  # what makes a database technique's
BUSY_SECONDS = 30  # how long to wait for another process holding the database
TO_WORK_ON = ("acceptable", "fault")  # verdicts that come with a correction


class HistoryError(TechniqueError):
    """A history database that can't be used: missing, not technique's, damaged, or from a newer technique."""


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



def student_name(name: str) -> str:
    """One spelling per student: trimmed and Unicode-normalised (NFC), so "José" typed on one machine
    and "José" from a macOS folder name (e + combining accent) are the same student."""
    import unicodedata

    return unicodedata.normalize("NFC", name).strip()

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
    judged: dict[str, JudgedCriterion] = field(default_factory=dict)  # id -> the criterion as it was saved

    @property
    def criteria(self) -> dict[str, tuple[float | None, str, float | None]]:
        """id -> (value, verdict, score), for charts of a criterion over time."""
        return {c.id: (c.value, c.verdict, c.score) for c in self.judged.values()}

    @property
    def names(self) -> dict[str, str]:
        """id -> the criterion's name when it was saved."""
        return {c.id: c.name for c in self.judged.values()}

    @property
    def to_work_on(self) -> list[str]:
        """Criteria that came with a correction (acceptable or fault), lowest score first."""
        found = [(c.score if c.score is not None else 100.0, c.id) for c in self.judged.values()
                 if c.verdict in TO_WORK_ON]
        return [c for _, c in sorted(found)]


@contextmanager
def _database_errors(path: Path) -> Iterator[None]:
    """SQLite's errors as a HistoryError naming the file and what it means for the user."""
    try:
        yield
    except HistoryError:
        raise
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "not a database" in text:
            reason = "is not a technique history database (not an SQLite database at all)"
        elif "malformed" in text or "corrupt" in text:
            reason = f"is damaged ({text}); restore it from a backup or choose another --db"
        elif "locked" in text or "busy" in text:
            reason = f"is busy: another program has held it for over {BUSY_SECONDS} s ({text})"
        elif "readonly" in text:
            reason = f"cannot be written ({text}): check the file's and its folder's permissions"
        elif "unable to open" in text:
            reason = f"cannot be opened ({text}): check the file's and its folder's permissions"
        else:
            reason = f"cannot be used: {text}"
        raise HistoryError(path, reason) from None


def _retry(step: Callable[[], None], attempts: int = 5) -> None:
    """Run a schema step again when another process held the database (beyond the busy timeout)."""
    for attempt in range(attempts):
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if attempt == attempts - 1 or not ("locked" in str(exc) or "busy" in str(exc)):
                raise
            time.sleep(0.05 * 2 ** attempt)


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taking the write lock at the start (BEGIN IMMEDIATE) so that two
    processes never both decide to create the same tables."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.in_transaction:  # SQLite may already have rolled back (a full disk, an I/O error)
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class History:
    """A history database. Opened for writing (the default), a new or empty file gets the schema and an
    older schema is upgraded; ``readonly=True`` opens an existing database without changing a byte.
    Either way a file that isn't a technique history database is refused (HistoryError)."""

    def __init__(self, path: str | os.PathLike | None = None, readonly: bool = False):
        self.path = Path(path) if path else default_path()
        self.readonly = readonly
        self._db = self._open_readonly() if readonly else self._open_for_writing()

    def _open_readonly(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise HistoryError(self.path, "no history database at this path (mistyped? nothing was created)")
        if self.path.is_dir():
            raise HistoryError(self.path, "is a folder, not a history database")
        uri = "file:" + urllib.parse.quote(str(self.path.absolute())) + "?mode=ro"
        with _database_errors(self.path):
            db = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                if self._check(db) == 0:
                    raise HistoryError(self.path, "is an empty database: nothing has been saved to it")
            except BaseException:
                db.close()
                raise
        return db

    def _open_for_writing(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise HistoryError(self.path, "is a folder, not a history database")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(self.path.parent, f"cannot create the folder: {exc.strerror or exc}") from None
        with _database_errors(self.path):
            db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                db.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
                _retry(lambda: self._create_or_upgrade(db))
                _retry(lambda: _use_wal(db))  # batch workers and the dashboard may share it
                db.execute("PRAGMA foreign_keys = ON")
            except BaseException:
                db.close()
                raise
        return db

    def _check(self, db: sqlite3.Connection) -> int:
        """The schema version of a technique database, 0 for an empty one; refuses anything else."""
        # both read in one transaction: read apart, another process creating the schema between the two
        # reads made a new database look like someone else's (tables, but version 0)
        own = not db.in_transaction
        if own:
            db.execute("BEGIN")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            if own:
                db.execute("COMMIT")
        if version > SCHEMA_VERSION:
            raise HistoryError(self.path, f"made by a newer technique (schema {version}; this one knows up to "
                                          f"{SCHEMA_VERSION}): upgrade technique to use it")
        if version == 0 and not tables:
            return 0
        if version == 0 or not TABLES <= tables:
            raise HistoryError(self.path, "is not a technique history database (it holds other data), so it "
                                          "is left untouched: choose another --db")
        return version

    def _create_or_upgrade(self, db: sqlite3.Connection) -> None:
        if self._check(db) == SCHEMA_VERSION:
            return  # the usual case: no write lock needed
        with _transaction(db):
            current = self._check(db)  # again: another process may have done it while we waited
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {version}")

    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def save(self, student: str, report: dict, clip_hash: str, recorded_at: str | None = None) -> int:
        """Store a report (as from report.report_dict) for a student; returns the analysis id."""
        if self.readonly:
            raise HistoryError(self.path, "opened read-only")
        student = student_name(student)
        if not student:
            raise ValueError("a student name is needed to save progress")
        movement = (report.get("movement") or {}).get("name") or "unrecognised"
        recorded_at = recorded_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        clip_name = Path(report.get("clip", {}).get("path", "clip")).name
        with _database_errors(self.path), _transaction(self._db):
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
                [(analysis_id, c.id, c.name, c.value, c.verdict, c.score) for c in judged_criteria(report)],
            )
        return analysis_id

    def students(self) -> list[str]:
        with _database_errors(self.path):
            return [r[0] for r in self._db.execute("SELECT DISTINCT student FROM analyses ORDER BY student")]

    def sessions(self, student: str, movement: str | None = None) -> list[Session]:
        """A student's saved analyses, oldest first (optionally one movement)."""
        student = student_name(student)
        query = ("SELECT id, student, movement, clip_name, clip_hash, recorded_at, score FROM analyses"
                 " WHERE student = ?" + (" AND movement = ?" if movement else "") + " ORDER BY recorded_at, id")
        with _database_errors(self.path):
            rows = self._db.execute(query, (student, movement) if movement else (student,)).fetchall()
            out = []
            for row in rows:
                found = self._db.execute("SELECT criterion, name, value, verdict, score FROM criteria"
                                         " WHERE analysis_id = ?", (row[0],)).fetchall()
                out.append(Session(*row, judged={c: JudgedCriterion(c, name, value, None, verdict, score)
                                                 for c, name, value, verdict, score in found}))
        return out

    def report(self, analysis_id: int) -> dict:
        with _database_errors(self.path):
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


def _use_wal(db: sqlite3.Connection) -> None:
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode = WAL")


def progress_text(sessions: list[Session]) -> str:
    """A student's progress as a small table (date, movement, score, what to work on), then the change of
    score per movement: an arabesque is only ever compared with an arabesque."""
    if not sessions:
        return "No saved analyses."
    from technique.judging.judge import score_text

    lines = []
    for s in sessions:
        score = "-" if s.score is None else score_text(s.score)
        work = [s.names.get(c, c) for c in s.to_work_on]
        lines.append(f"{s.recorded_at[:10]}  {s.movement:<24} {score:>4}  {s.clip_name}"
                     + (f"  to work on: {', '.join(work)}" if work else ""))
    for movement in dict.fromkeys(s.movement for s in sessions):
        scored = [s.score for s in sessions if s.movement == movement and s.score is not None]
        if movement == "unrecognised" or len(scored) < 2:
            continue
        change = round(scored[-1] - scored[0])
        lines.append(f"{movement}: {'no change' if change == 0 else f'{change:+d} points'} from the first "
                     f"to the latest of {len(scored)} sessions")
    return "\n".join(lines)
