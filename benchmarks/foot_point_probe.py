"""How each view's picture shows the point of a turned-out foot à la seconde: the renderer's own ground truth,
no MediaPipe. The figures behind the à la seconde references judging the pointed foot from the front only.

    py=$(../shared/tools/synthetic-dancer/setup.sh | tail -1)
    "$py" ../shared/tools/synthetic-dancer/render.py --spec benchmarks/renders/foot_point_probe.json --out PROBE --no-video
    python benchmarks/foot_point_probe.py PROBE

Prints, per turnout and view, the true ankle angle (3D, knee-ankle-toe) of each still beside its angle in the
picture. A view can judge the point where the picture's angle rises with the true one.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path


def probe(folder: Path) -> dict[tuple[int, str], list[tuple[float, float]]]:
    """{(turnout, view): [(true ankle, picture ankle), ...] sorted by the true angle} from the stills' truth."""
    out = defaultdict(list)
    for path in sorted(folder.glob("images/seconde*__*.json")):
        name, view = path.stem.split("__")
        turnout = int(re.match(r"seconde(\d*)_", name).group(1) or 60)
        truth = json.loads(path.read_text())
        out[(turnout, view)].append((float(truth["angles_3d"]["ankle_r"]), float(truth["angles_2d"]["ankle_r"])))
    return {key: sorted(values) for key, values in out.items()}


def main(args: list[str]) -> int:
    if len(args) != 1 or not (Path(args[0]) / "images").is_dir():
        print(__doc__)
        return 2
    for (turnout, view), pairs in sorted(probe(Path(args[0])).items()):
        rises = all(b[1] > a[1] for a, b in zip(pairs, pairs[1:]))
        shown = "  ".join(f"{t:.0f}->{p:.0f}" for t, p in pairs)
        print(f"turnout {turnout:>2}  {view:<14} {shown}   {'rises with the point' if rises else 'does NOT rise with it'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
