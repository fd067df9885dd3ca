"""One judged criterion on the output side, as the report tells it.

report.json's "criteria" entries (report.verdict_dict) are the source; a batch's results and summary
tables and the history database keep this small record of each instead of re-deriving the fields.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JudgedCriterion:
    """A criterion of a scored clip: its value, verdict and score (None where it couldn't be judged)."""

    id: str
    name: str
    value: float | None
    unit: str | None  # "degrees", "shank lengths"...; None where it is not kept (the history database)
    verdict: str  # "good", "acceptable", "fault", or why it was not judged
    score: float | None

    @classmethod
    def from_report(cls, entry: dict) -> "JudgedCriterion":
        """From one entry of a report's "criteria" list (report.json or report.report_dict)."""
        return cls(entry["id"], entry["name"], entry.get("value"), entry.get("unit"), entry["verdict"],
                   entry.get("score"))


def judged_criteria(report: dict) -> tuple[JudgedCriterion, ...]:
    """Every criterion of a report, in the report's order."""
    return tuple(JudgedCriterion.from_report(c) for c in report.get("criteria") or ())
