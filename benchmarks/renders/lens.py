"""Run the synthetic dancer's renderer with the vertical field of view its spec asks for ("yfov_deg").

    "$py" benchmarks/renders/lens.py RENDERER --spec SPEC --out DIR [renderer options]

The renderer fixes a 40 deg vertical field of view (its fit_camera's default, called without yfov); a
phone films landscape at about 60-70 deg. This imports the renderer from its path, makes fit_camera's
default yfov the spec's "yfov_deg" and runs its main with the same arguments, so the renderer's own
files stay untouched and its distance fit works with the wider lens (its ground truth records K).
render.py in this folder calls it only for a spec that has "yfov_deg"; any other spec runs the renderer
as before.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path


def spec_path(argv: list[str]) -> Path:
    """The --spec file among the renderer's arguments."""
    for i, arg in enumerate(argv):
        if arg == "--spec" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--spec="):
            return Path(arg.partition("=")[2])
    raise SystemExit("lens.py: no --spec given")


def load_renderer(path: Path):
    """The renderer's module, imported from its file under its own name (not this folder's render.py)."""
    found = importlib.util.spec_from_file_location("synthetic_dancer_render", path)
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    if not argv:
        raise SystemExit(__doc__)
    renderer, args = load_renderer(Path(argv[0])), argv[1:]
    yfov = json.loads(spec_path(args).read_text()).get("yfov_deg")
    if yfov is not None:
        renderer.fit_camera = functools.partial(renderer.fit_camera, yfov=float(yfov))
    return renderer.main(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
