"""How far each judged measure reads off, by the view the clip was seen from: the figures behind
measures.MEASURE_DOUBT.

    python benchmarks/doubt.py REPORT.json [REPORT.json ...]

Each REPORT is an `accuracy.py --tracks ... --json REPORT` dump. Over the DEV renders of movements (not
the faulted ones) of all of them together, the error of each criterion's judged value against the true
angle over its moment (accuracy.verdict_errors), per measure and view seen: clips, mean, 80th and 90th
percentiles; a criterion whose reference file gives its own `doubt` (a movement the measure reads
worse in, such as an attitude's bent knee) apart, as "measure (movement)". A view is given a doubt
where it misreads a measure clearly more than the view that shows it best, for a reason the picture
can't undo (see MEASURE_DOUBT's comment).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import numpy as np


def own_doubts() -> set[tuple[str, str]]:
    """(movement, measure) of every criterion whose reference file gives its own `doubt`."""
    from technique.judging.references import load_references

    return {(name, c.measure) for name, ref in load_references().items() for c in ref.criteria if c.doubt}


def errors_by_view(reports: list[dict], own: set[tuple[str, str]] = frozenset()) -> dict[tuple[str, str], list[float]]:
    """Errors per (measure, view seen); a criterion with its own doubt (`own`) counted apart, as
    "measure (movement)", and not in its measure's figure."""
    out = defaultdict(list)
    for report in reports:
        for row in report["rows"]:
            if row["kind"] != "movement" or row["split"] != "dev":
                continue
            errors = row.get("verdict_errors") or {}
            errors = json.loads(errors.replace("'", '"')) if isinstance(errors, str) else errors
            for measure, error in errors.items():
                if error is not None and np.isfinite(error):
                    key = f"{measure} ({row['movement']})" if (row.get("movement"), measure) in own else measure
                    out[(key, row["view_seen"])].append(float(error))
    return out


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    table = errors_by_view([json.loads(open(p).read()) for p in paths], own_doubts())
    width = max(24, *(len(m) + 2 for m, _ in table))
    print(f"{'measure':<{width}}{'view seen':<16}{'clips':>6}{'mean':>7}{'p80':>7}{'p90':>7}")
    for (measure, view), values in sorted(table.items()):
        v = np.array(values)
        print(f"{measure:<{width}}{view:<16}{v.size:>6}{v.mean():>7.2f}{np.percentile(v, 80):>7.2f}{np.percentile(v, 90):>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
