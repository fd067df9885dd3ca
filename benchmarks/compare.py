"""Compare two accuracy.py results clip by clip: the same movements filmed two ways (e.g. camera.json's
high, far camera against the default camera), on the clip keys both hold.

    python benchmarks/compare.py BASE.json OTHER.json [--top 6] [--names default,high-far]

BASE.json and OTHER.json are written by ``benchmarks/accuracy.py --json``. Only the clip keys present in
both count, so a difference is the filming's, not the clip list's. Printed per view and overall:
recognised in the views that can show the movement, wrong names (there and elsewhere), clean clips
with a "fault" verdict, the error of each judged value (the criterion's measure against the true angle
over its moment), then the clips that changed most. Which views can show a movement is decided as
accuracy.py does, by the references of the technique code on the path (PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

NONE, REFUSED = "not recognised", "refused"


def load_rows(path: str) -> dict[str, dict]:
    """{key: row} of the movement clips of one accuracy.py --json result."""
    report = json.loads(Path(path).read_text())
    return {r["key"]: r for r in report["rows"] if r.get("kind") == "movement"}


def seeable_keys(rows: list[dict]) -> set[str]:
    """Keys of the clips whose view can show their movement, as accuracy.py decides it (the references of
    the technique code on the path)."""
    from accuracy import can_be_seen  # this folder's; it loads the references lazily

    return {r["key"] for r in rows if can_be_seen(r)}


def summary(rows: list[dict], seeable: set[str]) -> dict:
    """The headline counts over one set of rows."""
    seen = [r for r in rows if r["key"] in seeable]
    other = [r for r in rows if r["key"] not in seeable]
    wrong = lambda r: r["predicted"] not in (r["movement"], NONE, REFUSED)  # noqa: E731
    clean = [r for r in rows if "clean_faults" in r]
    errors = defaultdict(list)
    for r in rows:
        for measure, e in (r.get("verdict_errors") or {}).items():
            errors[measure].append(e)
    return dict(recognised=sum(r["predicted"] == r["movement"] for r in seen), seeable=len(seen),
                wrong_seeable=sum(map(wrong, seen)), wrong_elsewhere=sum(map(wrong, other)), elsewhere=len(other),
                refused=sum(r["predicted"] == REFUSED for r in rows),
                clean_faulted=sum(bool(r["clean_faults"]) for r in clean), clean=len(clean),
                errors={m: (float(np.mean(e)), len(e)) for m, e in sorted(errors.items())})


def print_summaries(base: list[dict], other: list[dict], seeable: set[str], names: list[str]) -> None:
    views = sorted({r["view"] for r in base})
    for view in views + ["all"]:
        parts = [[r for r in rows if view in ("all", r["view"])] for rows in (base, other)]
        sums = [summary(p, seeable) for p in parts]
        print(f"\n== {view}: {len(parts[0])} clips ==")
        print(f"{'':<34}" + "".join(f"{n:>18}" for n in names))
        lines = [("recognised where seeable", lambda s: f"{s['recognised']}/{s['seeable']}"),
                 ("wrong name where seeable", lambda s: f"{s['wrong_seeable']}/{s['seeable']}"),
                 ("wrong name elsewhere", lambda s: f"{s['wrong_elsewhere']}/{s['elsewhere']}"),
                 ("refused", lambda s: str(s["refused"])),
                 ("clean clips with a 'fault'", lambda s: f"{s['clean_faulted']}/{s['clean']}")]
        for label, cell in lines:
            print(f"{label:<34}" + "".join(f"{cell(s):>18}" for s in sums))
        for measure in sorted(set(sums[0]["errors"]) | set(sums[1]["errors"])):
            cells = [f"{s['errors'][measure][0]:.1f} ({s['errors'][measure][1]})" if measure in s["errors"] else "-"
                     for s in sums]
            print(f"{'judged error ' + measure:<34}" + "".join(f"{c:>18}" for c in cells))
            both = paired_errors(*parts, measure)
            if both:
                print(f"{'   on the clips judged in both':<34}"
                      + "".join(f"{f'{np.mean(e):.1f} ({len(e)})':>18}" for e in both))


def paired_errors(base: list[dict], other: list[dict], measure: str) -> list[list[float]]:
    """The judged value's error on the clips that judged `measure` both ways (base and other in key order):
    a fair comparison, since which criteria are judged depends on the view each one read."""
    pairs = [((b.get("verdict_errors") or {}).get(measure), (o.get("verdict_errors") or {}).get(measure))
             for b, o in zip(base, other)]
    pairs = [p for p in pairs if None not in p]
    return [[p[0] for p in pairs], [p[1] for p in pairs]] if pairs else []


def change(b: dict, o: dict, seeable: bool) -> float:
    """How much a clip changed: a name won or lost where seeable counts most, then new or lost faults on a
    clean clip, then the largest change of a judged value's error (degrees / 10)."""
    score = 0.0
    if (b["predicted"] == b["movement"]) != (o["predicted"] == o["movement"]):
        score += 10 if seeable else 3
    elif b["predicted"] != o["predicted"]:
        score += 2
    bf = {c for c, _ in b.get("clean_faults") or []}
    of = {c for c, _ in o.get("clean_faults") or []}
    score += 2 * len(bf ^ of)
    be, oe = b.get("verdict_errors") or {}, o.get("verdict_errors") or {}
    deltas = [abs(oe[m] - be[m]) for m in set(be) & set(oe)]
    return score + (max(deltas) / 10 if deltas else 0)


def describe(b: dict, o: dict) -> str:
    be, oe = b.get("verdict_errors") or {}, o.get("verdict_errors") or {}
    errs = ", ".join(f"{m} {be.get(m, float('nan')):.0f}->{oe.get(m, float('nan')):.0f}"
                     for m in sorted(set(be) | set(oe)) if abs(oe.get(m, 0) - be.get(m, 0)) >= 3)
    faults = lambda r: ",".join(c for c, _ in r.get("clean_faults") or []) or "-"  # noqa: E731
    return (f"name {b['predicted']} -> {o['predicted']}; view seen {b.get('view_seen')} -> {o.get('view_seen')};"
            f" clean faults {faults(b)} -> {faults(o)}" + (f"; judged error {errs}" if errs else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base")
    ap.add_argument("other")
    ap.add_argument("--top", type=int, default=6, help="how many of the most changed clips to list")
    ap.add_argument("--names", default="base,other", help="column names, comma-separated")
    a = ap.parse_args(argv)
    base_rows, other_rows = load_rows(a.base), load_rows(a.other)
    keys = sorted(set(base_rows) & set(other_rows))
    if not keys:
        print(f"no clip key in both {a.base} and {a.other}", file=sys.stderr)
        return 2
    seeable = seeable_keys([base_rows[k] for k in keys])
    names = a.names.split(",")
    print(f"{len(keys)} clips in both ({len(base_rows)} in {a.base}, {len(other_rows)} in {a.other})")
    print_summaries([base_rows[k] for k in keys], [other_rows[k] for k in keys], seeable, names)
    ranked = sorted(keys, key=lambda k: -change(base_rows[k], other_rows[k], k in seeable))
    print(f"\n== The {a.top} clips that changed most ({names[0]} -> {names[1]}) ==")
    for k in ranked[:a.top]:
        print(f"  {k:<46} {describe(base_rows[k], other_rows[k])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
