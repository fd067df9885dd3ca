"""Which views show which bends: the renderer's own ground truth, no MediaPipe. Stills of a few positions
with one joint bent step by step (the working knee, the working foot's point, the supporting knee; a foot
à la seconde at three turnouts), each seen from six views; a view can judge a bend where the angle in its
picture rises with the true one, and judges it well where it rises as much.

    py=$(../shared/tools/synthetic-dancer/setup.sh | tail -1)
    "$py" ../shared/tools/synthetic-dancer/render.py --spec benchmarks/renders/view_probe.json --out PROBE --no-video
    python benchmarks/view_probe.py PROBE

The figures behind the à la seconde references judging the pointed foot from the front only.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

# a still's bent joint (its name's second part, without the number) -> its key in the ground truth's angles
JOINTS = {"knee": "knee_r", "foot": "ankle_r", "support": "knee_l"}
VIEWS = ("front", "three_quarter", "three_quarter_left", "side_right", "side_left", "back")


def probe(folder: Path) -> dict[tuple[str, str, str], list[tuple[float, float]]]:
    """{(position, joint, view): [(true angle, angle in the picture), ...] sorted by the true angle}."""
    out = defaultdict(list)
    for path in sorted(folder.glob("images/*__*__*.json")):
        position, bent, view = path.stem.split("__")
        joint = re.sub(r"\d+$", "", bent)
        if joint not in JOINTS:
            continue
        truth = json.loads(path.read_text())
        out[(position, joint, view)].append((float(truth["angles_3d"][JOINTS[joint]]),
                                             float(truth["angles_2d"][JOINTS[joint]])))
    return {key: sorted(values) for key, values in out.items()}


def shows(pairs: list[tuple[float, float]]) -> str:
    """How a view shows a bend: "" where the picture's angle rises with the true one step by step (by more
    than a degree) over at least half its range, "~" where it rises over less (a bend squeezed flat), "!"
    where it doesn't rise at all."""
    if not all(b[1] > a[1] + 1.0 for a, b in zip(pairs, pairs[1:])):
        return "!"
    true_range, shown_range = pairs[-1][0] - pairs[0][0], pairs[-1][1] - pairs[0][1]
    return "" if shown_range >= 0.5 * true_range else "~"


def main(args: list[str]) -> int:
    if len(args) != 1 or not (Path(args[0]) / "images").is_dir():
        print(__doc__)
        return 2
    table = probe(Path(args[0]))
    print("true angles, then per view the picture's ('!': it doesn't rise with the true one; '~': over less than"
          " half its range)")
    for position, joint in sorted({(p, j) for p, j, _ in table}):
        pairs = {view: table[(position, joint, view)] for view in VIEWS if (position, joint, view) in table}
        if not pairs:
            continue
        truth = " ".join(f"{t:.0f}" for t, _ in next(iter(pairs.values())))
        shown = " | ".join(f"{view} {' '.join(f'{p:.0f}' for _, p in values)}{(' ' + shows(values)).rstrip()}"
                           for view, values in pairs.items())
        print(f"{position:<26} {joint:<8} true {truth} | {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
