"""Cache the pose track of every benchmark clip once, so the accuracy benchmark runs in seconds.

    PYTHONPATH=/work/main/src /work/main/.venv/bin/python benchmarks/tracks.py \
        [--renders /work/data/renders] [--out /work/data/tracks] [--only SUBSTR] [--follow]
    # the in-between views (benchmarks/renders/views.json): their own renders, spec and cache
    ... benchmarks/tracks.py --renders /work/data/renders_views --spec benchmarks/renders/views.json \
        --out /work/data/tracks_views --no-real
    # class clips (benchmarks/renders/class.json): one cache entry per dancer, <key>__d<N> from the left
    ... benchmarks/tracks.py --renders /work/data/renders_class --spec benchmarks/renders/class.json \
        --out /work/data/tracks_class --no-real
    # the same movements filmed high and far (benchmarks/renders/camera.json)
    ... benchmarks/tracks.py --renders /work/data/renders_cam --spec benchmarks/renders/camera.json \
        --out /work/data/tracks_cam --no-real

For each rendered clip (OUT_RENDERS/<body>/videos/<clip>__<view>.mp4, see benchmarks/renders/),
each real clip in ../shared/real_clips and each sample clip in ../shared/sample_videos it runs
``technique.analyser.read_track`` once and writes
  <out>/<key>.pkl   pickle of (info, track, warnings), or of None when read_track refused the clip
  <out>/<key>.json  the labels: movement, view, body, split (dev / heldout / real / sample), working
                    leg, fault, kind, what a right answer is, per-frame ground-truth angles (renders),
                    the camera's placement when the spec sets one, and the refusal's message when there was one.
A clip whose .json exists is skipped (the .json is written last), so the command is idempotent and
can run while the renders are still being made (--follow keeps polling until nothing new comes).
<out>/../READY.txt lists what is cached (READY_<name>.txt beside a cache not named "tracks").
The .pkl needs the technique classes on the path to load.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SHARED = Path("/work/shared")
SPLIT = {"adult": "dev", "adult_male": "dev", "child": "heldout", "adult_short": "heldout"}
GT_ANGLES = ("supporting_knee", "working_knee", "working_leg_from_vertical", "torso_tilt", "knee_l", "knee_r",
             "thigh_from_vertical_l", "thigh_from_vertical_r", "leg_from_vertical_l", "leg_from_vertical_r",
             "ankle_l", "ankle_r")
NOT_BALLET = "not_ballet"


def rendered(renders: Path, spec: dict) -> list[tuple[str, Path, dict]]:
    """(key, video, labels) of every finished render (its ground-truth .json exists)."""
    out = []
    for truth in sorted(renders.glob("*/videos/*__*.json")):
        body = truth.parent.parent.name
        clip, view = truth.stem.split("__")
        meta = spec["clips"].get(clip, {}).get("meta", {})
        labels = dict(kind=meta.get("kind", "unknown"), movement=meta.get("movement", clip), view=view, body=body,
                      split=SPLIT.get(body, "dev"), leg=meta.get("leg"), fault=meta.get("fault"), clip=clip,
                      hidden_movement=meta.get("hidden_movement"), truth=str(truth))
        labels["expected"] = expected_names(labels["movement"])
        labels.update(camera_label(spec, spec["clips"].get(clip, {})))
        out.append((f"{body}__{clip}__{view}", truth.with_suffix(".mp4"), labels))
    return out


def camera_label(spec: dict, clip: dict) -> dict:
    """{"camera": {"elevation_deg": .., "zoom": ..}} when the spec places the camera itself (camera.json),
    with "yfov_deg" when it also widens the lens (camera_wide.json), so that a result says which placement
    filmed it; {} for the specs filmed by the renderer's default."""
    keys = [k for k in ("elevation_deg", "zoom", "yfov_deg") if k in spec]
    return {"camera": {k: clip.get(k, spec[k]) for k in keys}} if keys else {}


def expected_names(movement: str) -> list[str]:
    """Names a right answer may carry: the movement itself, or none at all for non-ballet/unseeable clips."""
    return [] if movement in (NOT_BALLET, "unseeable") else [movement]


def real_clips() -> list[tuple[str, Path, dict]]:
    """The real footage and its hand labels (../shared/real_clips/labels.json)."""
    folder = SHARED / "real_clips"
    hand = json.loads((folder / "labels.json").read_text()) if (folder / "labels.json").exists() else {}
    out = []
    for video in sorted([*folder.glob("*.mp4"), *folder.glob("*.avi")]):
        label = hand.get(video.name, {})
        spans = label.get("spans", [])
        if any(s.get("what") == "tendu" for s in spans):
            movement, expected = "tendu", ["tendu_devant", "tendu_a_la_seconde", "degage_devant",
                                           "degage_a_la_seconde", "first_position"]
        else:
            movement, expected = NOT_BALLET, []
        out.append((f"real__{video.stem}", video, dict(kind="real", movement=movement, expected=expected,
                                                       view=label.get("view", "front"), body="real", split="real",
                                                       leg=None, fault=None, clip=video.stem, hand_labels=label)))
    return out


def sample_clips() -> list[tuple[str, Path, dict]]:
    """The bundled sample renders: their movement is the last non-transition label they hold."""
    names = {"first_to_arabesque": "arabesque", "developpe_devant": "developpe_devant", "fouette_turns": "fouette"}
    out = []
    for video in sorted((SHARED / "sample_videos").glob("*.mp4")):
        clip, view = video.stem.split("__")
        movement = names.get(clip, clip)
        out.append((f"sample__{video.stem}", video, dict(kind="sample", movement=movement, expected=[movement],
                                                         view=view, body="adult", split="sample", leg="r",
                                                         fault=None, clip=clip, truth=str(video.with_suffix(".json")))))
    return out


def truth_frames(path: str) -> dict:
    """Per-frame labels and the ground-truth angles the benchmark compares with (2D and 3D)."""
    doc = json.loads(Path(path).read_text())
    frames = doc["frames"]
    out = dict(fps=doc.get("fps"), time_s=[f["time_s"] for f in frames], label=[f["label"] for f in frames],
               yaw_deg=[f.get("yaw_deg", 0.0) for f in frames], working=frames[0].get("working"))
    for space in ("angles_2d", "angles_3d"):
        out[space] = {k: [f[space].get(k) for f in frames] for k in GT_ANGLES if k in frames[0][space]}
    return out


def cache_one(key: str, video: Path, labels: dict, out: Path) -> str:
    """read_track once; pickle the result (or None when refused) and write the labels last."""
    from technique.errors import TechniqueError
    from technique.analyser import read_track

    labels = dict(labels, key=key, video=str(video))
    if labels.get("truth"):
        labels["ground_truth"] = truth_frames(labels["truth"])
    t0 = time.time()
    try:
        result = read_track(video)
        status = "ok"
    except TechniqueError as e:  # a refusal is an answer too (a body it can't see, no person)
        result, status = None, "refused"
        labels["refused"] = str(e)
    labels["read_s"] = round(time.time() - t0, 2)
    with open(out / f"{key}.pkl", "wb") as f:
        pickle.dump(result, f)
    (out / f"{key}.json").write_text(json.dumps(labels))
    return status


def member_truth(doc: dict, member: int) -> dict:
    """A class render's ground truth for one of its dancers, in a single dancer's format."""
    frames = [dict(f["dancers"][member], frame=f["frame"], time_s=f["time_s"]) for f in doc["frames"]]
    return dict(doc, frames=frames)


def hips(points) -> np.ndarray:
    """(T, 2) the middle of the hips from a track's pixels (T, 33, 2) or ground truth's joints_2d frames."""
    if isinstance(points, np.ndarray):
        return (points[:, 23] + points[:, 24]) / 2  # MediaPipe's left and right hip
    return np.array([(np.array(j["left_hip"][:2]) + np.array(j["right_hip"][:2])) / 2 for j in points])


def matched_members(tracks: dict, truth_hips: list[np.ndarray]) -> dict[int, tuple[int, float]]:
    """{true dancer: (found dancer, share of her frames nearest that true dancer)}: each found dancer's track
    paired with the true dancer its hips lie nearest on average, nearest pairs first, one to one."""
    pairs = []
    for k, (track, _) in tracks.items():
        seen = track.detected
        if not seen.any():
            continue
        found = hips(track.pixels)[seen]
        far = np.array([np.linalg.norm(found - truth[:len(track.detected)][seen], axis=1) for truth in truth_hips])
        for m in range(len(truth_hips)):
            pairs.append((float(far[m].mean()), m, k, float((far.argmin(axis=0) == m).mean())))
    out, used = {}, set()
    for _, m, k, followed in sorted(pairs):
        if m not in out and k not in used:
            out[m] = (k, followed)
            used.add(k)
    return out


def cache_class(key: str, video: Path, labels: dict, spec: dict, out: Path) -> str:
    """A class render: its roll call and every dancer's track (technique.analyser.classes, as
    `technique score --dancer all` reads them), cached per TRUE dancer (numbered from the left of the picture
    in her first frame) with her own labels and ground truth; a true dancer no track followed is cached as
    refused. Each also records what the class says: dancers in the class, found by the roll call, and the
    share of her frames her track stayed nearest her."""
    from technique.analyser import AnalysisConfig
    from technique.analyser.classes import count_the_class, read_dancers
    from technique.errors import TechniqueError

    doc = json.loads(Path(labels["truth"]).read_text())
    members = spec["clips"][labels["clip"]]["meta"]["dancers"]
    truth_hips = [hips([f["dancers"][m]["joints_2d"] for f in doc["frames"]]) for m in range(len(members))]
    order = sorted(range(len(members)), key=lambda m: truth_hips[m][0][0])  # from the left of the picture
    t0 = time.time()
    try:
        config = AnalysisConfig()
        info, places = count_the_class(video, config)
        read = read_dancers(video, info, places, list(range(len(places))), config)
        tracks = {k: r for k, r in read.items() if not isinstance(r, TechniqueError)}
    except TechniqueError as e:
        info, places, read, tracks = None, [], {}, {}
        labels["refused"] = str(e)
    matched = matched_members(tracks, truth_hips)
    for number, m in enumerate(order, 1):
        meta = members[m]
        own = dict(labels, kind=meta["kind"], movement=meta["movement"], leg=meta["leg"], fault=meta["fault"],
                   clip=meta["clip"], expected=expected_names(meta["movement"]), key=f"{key}__d{number}",
                   video=str(video), read_s=round(time.time() - t0, 2),
                   **{"class": dict(clip=labels["clip"], dancers=len(members), found=len(places), number=number)})
        truth = out / "truth" / f"{own['key']}.json"
        truth.parent.mkdir(exist_ok=True)
        truth.write_text(json.dumps(member_truth(doc, m)))
        own["truth"] = str(truth)
        own["ground_truth"] = truth_frames(str(truth))
        result = None
        if m in matched:
            k, followed = matched[m]
            own["class"].update(found_as=k + 1, followed=round(followed, 3))
            result = (info, *tracks[k])
        else:
            own["refused"] = labels.get("refused") or "no track followed her (the roll call or her tracker lost her)"
        with open(out / f"{own['key']}.pkl", "wb") as f:
            pickle.dump(result, f)
        (out / f"{own['key']}.json").write_text(json.dumps(own))
    return f"{len(places)} of {len(members)} dancers found, {len(matched)} followed"


def priority(item: tuple[str, Path, dict]) -> tuple:
    """Dev movements first, then the samples and real clips, then faults, negatives, held-out."""
    lab = item[2]
    split_rank = {"dev": 0, "sample": 1, "real": 1, "heldout": 2}.get(lab["split"], 3)
    kind_rank = {"movement": 0, "sample": 0, "real": 0, "fault": 1, "negative": 2}.get(lab["kind"], 3)
    return (split_rank, kind_rank, item[0])


def ready_file(out: Path) -> Path:
    """READY.txt beside the main cache ("tracks"); READY_<name>.txt beside any other, so that two caches
    in one folder never overwrite each other's list."""
    return out.parent / ("READY.txt" if out.name == "tracks" else f"READY_{out.name}.txt")


def write_ready(out: Path) -> None:
    """The ready file beside the cache: counts by split and kind, then every cached key."""
    rows = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    counts: dict[tuple, int] = {}
    for r in rows:
        counts[(r["split"], r["kind"], r["body"])] = counts.get((r["split"], r["kind"], r["body"]), 0) + 1
    lines = [f"# {len(rows)} clips cached in {out} (updated {time.strftime('%H:%M:%S', time.gmtime())} UTC)",
             "# split kind body: clips"]
    lines += [f"{s} {k} {b}: {n}" for (s, k, b), n in sorted(counts.items())]
    lines += ["", "# refused by read_track:"] + [f"{r['key']}: {r['refused']}" for r in rows if r.get("refused")]
    lines += ["", "# keys:"] + [r["key"] for r in rows]
    ready_file(out).write_text("\n".join(lines) + "\n")


def pending(renders: Path, out: Path, spec: dict, only: str, real: bool) -> list[tuple[str, Path, dict]]:
    items = rendered(renders, spec) + ((real_clips() + sample_clips()) if real else [])
    done = lambda key, labels: (out / f"{key}{'__d1' if labels['kind'] == 'class' else ''}.json").exists()  # noqa: E731
    return sorted((i for i in items if only in i[0] and not done(i[0], i[2])), key=priority)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--renders", default="/work/data/renders")
    ap.add_argument("--out", default="/work/data/tracks")
    ap.add_argument("--spec", default=str(HERE / "renders" / "vocabulary.json"))
    ap.add_argument("--only", default="", help="only clips whose key contains this")
    ap.add_argument("--no-real", action="store_true", help="skip the real and sample clips")
    ap.add_argument("--follow", action="store_true", help="keep polling for new renders until idle")
    ap.add_argument("--idle", type=float, default=600, help="--follow stops after this long without new clips (s)")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    spec = json.loads(Path(a.spec).read_text())
    failed, last_new, tried = 0, time.time(), set()
    while True:
        todo = [i for i in pending(Path(a.renders), out, spec, a.only, not a.no_real) if i[0] not in tried]
        for key, video, labels in todo[:20]:  # then look again: new dev renders jump the queue
            tried.add(key)
            try:
                status = (cache_class(key, video, labels, spec, out) if labels["kind"] == "class"
                          else cache_one(key, video, labels, out))
            except Exception:  # one bad clip never stops the cache
                failed += 1
                status = "FAILED\n" + traceback.format_exc(limit=3)
            print(f"{key}: {status}", flush=True)
            write_ready(out)
            last_new = time.time()
        if not todo:
            if not a.follow or time.time() - last_new > a.idle:
                break
            time.sleep(20)
    write_ready(out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
