"""Render the issue-9 accuracy dataset from vocabulary.json, most useful clips first, skipping done ones.

    py=$(../shared/tools/synthetic-dancer/setup.sh | tail -1)
    "$py" benchmarks/renders/render.py --out /work/data/renders [--tiers 1-3] [--dry-run]
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/views.json --out /work/data/renders_views
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/views_back.json --out /work/data/renders_back
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/views_far.json --out /work/data/renders_far
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/camera.json --out /work/data/renders_cam
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/camera_default.json --out /work/data/renders_cam0
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/camera_low.json --out /work/data/renders_camlow
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/camera_wide.json --out /work/data/renders_camwide
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/fps30.json --out /work/data/renders_fps30
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/portrait.json --out /work/data/renders_portrait
    "$py" benchmarks/renders/render.py --spec benchmarks/renders/class.json --out /work/data/renders_class

Bodies adult and adult_male are the DEV split; child and adult_short are HELD OUT (not for tuning).
Output: OUT/<body>/videos/<clip>__<view>.mp4 + .json (the renderer's per-frame ground truth).
A clip-view whose .json exists is skipped, so the command can be rerun or interrupted at any time.
Runs with the synthetic dancer's own python (it needs pyrender); it only calls its render.py, through
lens.py when the spec asks for a vertical field of view ("yfov_deg", camera_wide.json).

Every view is rendered into OUT/<body>/.staging and moved to OUT/<body>/videos/ once finished (the video,
then its ground truth), so that benchmarks/tracks.py --follow never reads a ground truth still being written
(it once did, and lost the clip). An azimuth view ("az+30", views.json) is given to the renderer as its
number and moved as <clip>__az+30.*, so that the view's name says it is an azimuth.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RENDERER = Path(os.environ.get("SYNTHETIC_DANCER", "/work/shared/tools/synthetic-dancer")) / "render.py"
DEV, HELDOUT = ("adult", "adult_male"), ("child", "adult_short")
SPLIT = {**{b: "dev" for b in DEV}, **{b: "heldout" for b in HELDOUT}}

# (bodies, which clips, which of a clip's views by priority index), in render order
TIERS = [
    (("adult",), "movement_r", slice(0, 3)),
    (("adult_male",), "movement_r", slice(0, 3)),
    (DEV, "fault", slice(0, 3)),
    (DEV, "negative", slice(0, 3)),
    (("adult",), "movement_l", slice(0, 3)),
    (("child",), "movement_r", slice(0, 3)),
    (("adult_short",), "movement_r", slice(0, 3)),
    (("child",), "movement_l", slice(1, 3)),
    (("adult_short",), "movement_l", slice(1, 3)),
    (("adult",), "movement_r", slice(5, 6)),
    (("adult_male",), "movement_l", slice(0, 3)),
    (HELDOUT, "fault", slice(0, 2)),
    (HELDOUT, "negative", slice(0, 2)),
    (HELDOUT, "movement_l", slice(0, 1)),
    (DEV, "fault", slice(3, 4)),
    (DEV, "movement", slice(3, 5)),
    (HELDOUT, "movement", slice(3, 5)),
    (DEV, "movement", slice(5, 6)),
    # the lazy foot is rendered in all six views (make_specs.FAULT_VIEWS_OF), the other faults in four
    (DEV, "fault", slice(4, 6)),
    (HELDOUT, "fault:lazy_foot", slice(2, 6)),
]
# views.json (DEV bodies only; views az-30, az+30, az-70, az+70 with the working leg's side first):
# both bodies' right legs at 30 deg first, then at 70, then the left legs
VIEW_TIERS = [((body,), which, views) for which in ("movement_r", "movement_l")
              for views in (slice(0, 2), slice(2, 4)) for body in DEV]
# then the held-out bodies' right legs (and two-legged movements), measured only: are the in-between views'
# figures the DEV bodies' alone?
VIEW_TIERS += [(HELDOUT, "movement_r", slice(0, 2)), (HELDOUT, "movement_r", slice(2, 4))]
# camera.json, its control camera_default.json, camera_low.json and camera_wide.json (DEV bodies; side_right,
# front, three_quarter):
# one view of every right-leg and two-legged clip at a time, adult before adult_male, then the left legs
CAMERA_TIERS = [((body,), which, slice(i, i + 1)) for which in ("movement_r", "movement_l")
                for body in DEV for i in range(3)]
# fps30.json and portrait.json: the adult_male body, one view at a time (their twins are vocabulary.json's)
FPS_TIERS = [(("adult_male",), "movement_r", slice(i, i + 1)) for i in range(3)]
# class.json: the classes in their first view for every body (DEV first), then in their second
CLASS_TIERS = [((body,), "class", slice(i, i + 1)) for i in range(2) for body in DEV + HELDOUT]
# a spec's file stem -> its render order (default TIERS)
TIERS_OF_SPEC = {"views": VIEW_TIERS, "views_back": VIEW_TIERS, "views_far": VIEW_TIERS,
                 "camera": CAMERA_TIERS, "camera_default": CAMERA_TIERS, "camera_low": CAMERA_TIERS,
                 "camera_wide": CAMERA_TIERS, "fps30": FPS_TIERS, "portrait": FPS_TIERS,
                 "class": CLASS_TIERS}


def selects(clip: dict, which: str) -> bool:
    """Whether a clip belongs to a tier's group (movement_r also holds the two-legged movements)."""
    meta = clip["meta"]
    if which == "movement_r":
        return meta["kind"] == "movement" and meta["leg"] in (None, "r")
    if which == "movement_l":
        return meta["kind"] == "movement" and meta["leg"] == "l"
    if which.startswith("fault:"):  # one fault's clips only
        return meta["kind"] == "fault" and meta["fault"] == which.partition(":")[2]
    return meta["kind"] == which


def parse_tiers(text: str, count: int) -> list[int]:
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return [t for t in out if 1 <= t <= count]


def renderer_view(view: str) -> str | int:
    """The renderer's name for a view: an azimuth view "az+30" is its number of degrees, a named view itself."""
    return int(view[2:]) if view.startswith("az") else view


def view_name(rendered: str) -> str:
    """The inverse of renderer_view on a rendered file's view: "-30" -> "az-30"; a named view unchanged."""
    try:
        return f"az{int(rendered):+d}"
    except ValueError:
        return rendered


def missing_work(spec: dict, out: Path, tiers: list, tier: int) -> dict[str, dict[str, list[str]]]:
    """{body: {clip: [views not rendered yet]}} for one tier."""
    bodies, which, views = tiers[tier - 1]
    work: dict[str, dict[str, list[str]]] = {}
    for body in bodies:
        for name, clip in spec["clips"].items():
            if not selects(clip, which):
                continue
            todo = [v for v in clip["meta"]["views"][views]
                    if not (out / body / "videos" / f"{name}__{v}.json").exists()]
            if todo:
                work.setdefault(body, {})[name] = todo
    return work


def render(spec: dict, body: str, clips: dict[str, list[str]], out: Path, python: str) -> int:
    """One renderer run for one body: a temporary spec holding only the clips and views still to do,
    rendered through OUT/<body>/.staging (see the module's docstring)."""
    chosen = {n: dict(spec["clips"][n], views=[renderer_view(x) for x in v]) for n, v in clips.items()}
    members = {m["clip"]: dict(spec["clips"][m["clip"]], views=[])  # a class's dancers play these, unrendered
               for clip in chosen.values() for m in clip.get("dancers", ())}
    sub = dict(spec, body=body, clips={**members, **chosen})
    folder = out / body / ".staging"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(sub, f)
    try:
        lens = [str(HERE / "lens.py")] if "yfov_deg" in spec else []  # a wider lens: see lens.py
        cmd = [python, *lens, str(RENDERER), "--spec", f.name, "--out", str(folder), "--no-images",
               "--only", ",".join(clips)]
        return subprocess.run(cmd, timeout=3 * 3600).returncode
    finally:
        os.unlink(f.name)
        adopt_staged(out / body)


def adopt_staged(body_folder: Path) -> None:
    """Move finished renders (their ground truth is written last) from .staging into videos/, named by
    view_name; an unfinished one stays behind and is rendered again."""
    videos = body_folder / "videos"
    for truth in sorted((body_folder / ".staging" / "videos").glob("*__*.json")):
        clip, _, view = truth.stem.rpartition("__")
        video = truth.with_suffix(".mp4")
        if not video.exists():
            continue
        videos.mkdir(parents=True, exist_ok=True)
        stem = f"{clip}__{view_name(view)}"
        shutil.move(video, videos / f"{stem}.mp4")
        shutil.move(truth, videos / f"{stem}.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", default=str(HERE / "vocabulary.json"))
    ap.add_argument("--out", default="/work/data/renders")
    ap.add_argument("--tiers", help="e.g. 1-3 or 1,4 (default: all of TIERS, or of VIEW_TIERS / CAMERA_TIERS "
                                      "for views.json / camera.json)")
    ap.add_argument("--dry-run", action="store_true", help="only count what is left to render")
    a = ap.parse_args(argv)
    spec = json.loads(Path(a.spec).read_text())
    tiers = TIERS_OF_SPEC.get(Path(a.spec).stem, TIERS)
    out = Path(a.out)
    failed = 0
    for body in {b for bodies, _, _ in tiers for b in bodies}:
        if (out / body / ".staging").exists():
            adopt_staged(out / body)  # finished by a run that was interrupted
    for tier in parse_tiers(a.tiers or f"1-{len(tiers)}", len(tiers)):
        for body, clips in missing_work(spec, out, tiers, tier).items():
            frames = sum(round(spec.get("fps", 15) * spec["clips"][n]["seconds"]) * len(v) for n, v in clips.items())
            print(f"tier {tier} {body} ({SPLIT[body]}): {sum(map(len, clips.values()))} clip-views, {frames} frames",
                  flush=True)
            if a.dry_run:
                continue
            t0 = time.time()
            rc = render(spec, body, clips, out, sys.executable)
            failed += rc != 0
            print(f"tier {tier} {body}: done in {time.time() - t0:.0f} s (exit {rc})", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
