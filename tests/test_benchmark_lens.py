"""benchmarks/renders/render.py gives the renderer a spec's lens ("yfov_deg", through lens.py) and leaves
every other spec's camera as the renderer fixes it.

The synthetic dancer's renderer needs its own python (pyrender), so a stand-in renderer takes its place
(SYNTHETIC_DANCER): like the real one, its fit_camera has a default vertical field of view that its main
does not pass, and it writes the ground truth of what it was asked to render, with the lens it used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

WRAPPER = Path(__file__).resolve().parents[1] / "benchmarks" / "renders" / "render.py"

STAND_IN = '''
import argparse, json, os

def fit_camera(az, pts, width, height, margin=0.08, yfov=40.0, elev=5.0, zoom=1.0):
    return dict(yfov=yfov, elev=elev, zoom=zoom, margin=margin)

def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec"); ap.add_argument("--out"); ap.add_argument("--only", default="")
    ap.add_argument("--no-images", action="store_true")
    a = ap.parse_args(argv)
    spec = json.load(open(a.spec))
    os.makedirs(os.path.join(a.out, "videos"), exist_ok=True)
    for name, clip in spec["clips"].items():
        for view in clip["views"]:
            cam = fit_camera(0, None, 640, 480, margin=0.05, elev=spec.get("elevation_deg", 5.0),
                             zoom=spec.get("zoom", 1.0))
            stem = os.path.join(a.out, "videos", f"{name}__{view}")
            open(stem + ".mp4", "wb").close()  # the video first, its ground truth last, as the renderer does
            json.dump(dict(cam, out=os.path.basename(a.out)), open(stem + ".json", "w"))
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
'''


def render_one(tmp_path: Path, spec_name: str, **placement) -> dict:
    """Run the wrapper on one right-leg clip in its first view; the stand-in's record of its camera."""
    tool = tmp_path / "tool"
    tool.mkdir()
    (tool / "render.py").write_text(STAND_IN)
    spec = {"size": [640, 480], "fps": 10, "body": "adult", "poses": {}, **placement,
            "clips": {"passe_r": {"seconds": 1.0, "meta": {"kind": "movement", "leg": "r",
                                                           "views": ["side_right", "front"]}}}}
    path = tmp_path / spec_name
    path.write_text(json.dumps(spec))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(WRAPPER), "--spec", str(path), "--out", str(out), "--tiers", "1"],
                          env=dict(os.environ, SYNTHETIC_DANCER=str(tool)), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    cam = json.loads((out / "adult" / "videos" / "passe_r__side_right.json").read_text())
    # rendered aside and moved in whole: tracks.py --follow never reads a ground truth being written
    assert cam.pop("out") == ".staging"
    assert (out / "adult" / "videos" / "passe_r__side_right.mp4").exists()
    assert not list((out / "adult" / ".staging" / "videos").glob("*"))
    return cam


@pytest.mark.parametrize("yfov", [65, 58.5])
def test_a_specs_lens_reaches_the_renderers_camera_fit(tmp_path, yfov):
    cam = render_one(tmp_path, "camera_wide.json", yfov_deg=yfov, zoom=1.0)
    assert cam == dict(yfov=yfov, elev=5.0, zoom=1.0, margin=0.05)


def test_a_spec_without_a_lens_keeps_the_renderers_own(tmp_path):
    cam = render_one(tmp_path, "camera.json", elevation_deg=25, zoom=0.7)
    assert cam == dict(yfov=40.0, elev=25, zoom=0.7, margin=0.05)
