"""A batch's summary: one row per clip (scored, failed or skipped) as CSV and as a readable HTML page."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from technique import __version__
from technique.apps.batch.jobs import CLIPS, ClipResult
from technique.outputs.judged import JudgedCriterion
from technique.safe_write import write_text


@dataclass(frozen=True)
class Row:
    """One line of the summary: a clip (scored or failed) or a file that was skipped."""

    path: str
    status: str  # "ok", "error" or "skipped"
    student: str | None = None
    result: ClipResult | None = None
    reason: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    already_done: bool = False  # the result came from an earlier run (--resume), not scored now
    clip: str = ""  # the clip's path (a class dancer's row has her number after it); default: path

    def __post_init__(self):
        if not self.clip:
            object.__setattr__(self, "clip", self.path)


SUMMARY_COLUMNS = ("path", "student", "status", "reason", "movement", "score", "view", "working_leg", "frames",
                   "notes", "report_folder")


def criterion_columns(rows: list[Row]) -> dict[tuple[str, str], str]:
    """(movement, criterion id) -> the criterion's name, in the order they first appear (rows are sorted
    by path, so this is deterministic). A criterion belongs to its movement: a développé's "Torso
    vertical" never sits in an arabesque's "Torso lifted" column, even with the same id."""
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.status == "ok":
            for c in row.result.criteria:
                seen.setdefault((row.result.movement or "unrecognised", c.id), c.name)
    return seen


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula: text starting with = + - @, a tab
    or a carriage return (from a file or student name) gets a leading apostrophe; numbers stay numbers."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
        return value  # "-12.5": a measured value, not a formula
    except ValueError:
        return "'" + value


class _SafeWriter:
    """csv.writer whose every cell goes through csv_cell."""

    def __init__(self, out):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(v) for v in row])


def summary_csv(rows: list[Row]) -> str:
    """One row per clip; then a score column per movement and criterion, named 'movement.criterion'."""
    columns = criterion_columns(rows)
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow([*SUMMARY_COLUMNS, *(f"{movement}.{cid}" for movement, cid in columns)])
    for row in rows:
        r = row.result if row.status == "ok" else None
        scores = {(r.movement or "unrecognised", c.id): c.score for c in r.criteria} if r else {}
        writer.writerow([row.path, row.student or "", row.status, row.reason,
                         (r.movement or "unrecognised") if r else "", _fmt(r.score) if r else "",
                         r.view if r else "", r.working_leg if r else "", r.frames if r else "",
                         " | ".join(row.notes), f"{CLIPS}/{r.key}" if r else "",
                         *(_fmt(scores.get(key)) for key in columns)])
    return out.getvalue()


def criteria_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(["path", "student", "movement", "criterion", "name", "value", "unit", "verdict", "score"])
    for row in rows:
        if row.status != "ok":
            continue
        for c in row.result.criteria:
            writer.writerow([row.path, row.student or "", row.result.movement or "", c.id, c.name, _fmt(c.value),
                             c.unit, c.verdict, _fmt(c.score)])
    return out.getvalue()


VERDICT_STYLE = {"good": "good", "acceptable": "ok", "fault": "fault"}
HTML_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f3f3f3} td.num{text-align:right}
.good{background:#d9f2d9}.ok{background:#fff2cc}.fault{background:#f8d0d0}.na{color:#999}
img{height:64px} .reason{color:#a00} small{color:#666}
"""


def summary_html(rows: list[Row], title: str, history_note: str) -> str:
    """A readable page: a table of scored clips per movement (a cell per criterion of that movement),
    then failures and skipped files with their reasons."""
    e = html.escape
    scored = [r for r in rows if r.status == "ok"]
    failed = [r for r in rows if r.status == "error"]
    skipped = [r for r in rows if r.status == "skipped"]
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>",
             f"<style>{HTML_STYLE}</style></head><body><h1>{e(title)}</h1>",
             f"<p>{len(scored)} clip(s) scored, {len(failed)} could not be scored, {len(skipped)} file(s) skipped. "
             f"{e(history_note)}</p>"]
    movements = list(dict.fromkeys(r.result.movement for r in scored if r.result.movement))
    for movement in movements:
        mine = [r for r in scored if r.result.movement == movement]
        parts += _scores_table(mine, mine[0].result.movement_title or movement)
    unrecognised = [r for r in scored if not r.result.movement]
    if unrecognised:
        parts += _scores_table(unrecognised, "Movement not recognised")
    if failed:
        parts.append("<h2>Could not be scored</h2><table><tr><th>Clip</th><th>Reason</th></tr>")
        parts += [f"<tr><td>{e(r.path)}</td><td class='reason'>{e(r.reason)}</td></tr>" for r in failed]
        parts.append("</table>")
    if skipped:
        parts.append("<h2>Skipped</h2><table><tr><th>Path</th><th>Why</th></tr>")
        parts += [f"<tr><td>{e(r.path)}</td><td>{e(r.reason)}</td></tr>" for r in skipped]
        parts.append("</table>")
    parts.append(f"<p><small>technique {e(__version__)}</small></p></body></html>\n")
    return "\n".join(parts)


def _scores_table(rows: list[Row], heading: str) -> list[str]:
    """The scored clips of one movement: a column per criterion of that movement, named as it names it."""
    e = html.escape
    columns = criterion_columns(rows)
    parts = [f"<h2>{e(heading)}</h2><table><tr><th>Clip</th><th>Worst moment</th><th>Student</th>"
             "<th>Score</th>" + "".join(f"<th>{e(name)}</th>" for name in columns.values()) + "<th>Notes</th></tr>"]
    for row in rows:
        r = row.result
        folder = f"{CLIPS}/{r.key}"
        links = f"<a href='{e(folder)}/report.json'>report</a>"
        if "annotated.mp4" in r.files:
            links += f" · <a href='{e(folder)}/annotated.mp4'>video</a>"
        still = f"<img src='{e(folder)}/worst.jpg' alt=''>" if "worst.jpg" in r.files else ""
        by_id = {c.id: c for c in r.criteria}
        cells = [_criterion_cell(by_id.get(cid)) for _, cid in columns]
        score = "–" if r.score is None else f"{r.score:g}"
        parts.append(f"<tr><td>{e(row.path)}<br><small>{links}</small></td><td>{still}</td>"
                     f"<td>{e(row.student or '')}</td><td class='num'>{score}</td>"
                     + "".join(cells) + f"<td><small>{'<br>'.join(e(n) for n in row.notes)}</small></td></tr>")
    parts.append("</table>")
    return parts


def _criterion_cell(c: JudgedCriterion | None) -> str:
    """A criterion's value and score, coloured by verdict; a dash where it could not be judged."""
    e = html.escape
    if c is None:
        return "<td></td>"
    if c.verdict not in VERDICT_STYLE:
        return f"<td class='na' title='{e(c.verdict)}'>–</td>"
    value = "" if c.value is None else (f"{c.value:.0f}°" if c.unit == "degrees" else f"{c.value:.2f} {c.unit}")
    return (f"<td class='{VERDICT_STYLE[c.verdict]} num' title='{e(c.verdict)}'>"
            f"{e(value)}<br><small>{_fmt(c.score)}</small></td>")


def write_summary(out: Path, rows: list[Row], title: str, history_note: str) -> None:
    """summary.csv, summary_criteria.csv and summary.html in OUT (names that aren't UTF-8 escaped)."""
    for name, text in (("summary.csv", summary_csv(rows)), ("summary_criteria.csv", criteria_csv(rows)),
                       ("summary.html", summary_html(rows, title, history_note))):
        write_text(out / name, text, out, errors="backslashreplace")
