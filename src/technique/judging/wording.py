"""The words technique says that are not in the reference files, in one place.

Corrections, criterion names and clue words live beside their bands in ``reference_poses/``; what
is said about any movement (how a value is written, what a score means, what a view can't show)
lives here, so a teacher can reword it without reading code.
"""

from __future__ import annotations

import math

from technique.analysis.measures import UNITS


def format_value(measure: str, value: float) -> str:
    """A measure as a teacher reads it: whole degrees ("171°"), or its unit ("0.12 leg lengths")."""
    if not math.isfinite(value):
        return "-"
    unit = UNITS.get(measure)
    return f"{value:.2f} {unit}" if unit else f"{value:.0f}°"
