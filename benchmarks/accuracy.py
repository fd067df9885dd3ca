"""Accuracy against rendered ground truth: sample clips, or the cached issue-9 dataset (confusion matrix).

    .venv/bin/python benchmarks/accuracy.py                       # the sample clips, as before
    PYTHONPATH=src .venv/bin/python benchmarks/accuracy.py --tracks /work/data/tracks \
        [--split dev|heldout|all] [--only SUBSTR] [--json OUT] [--workers 2]

Sample mode: for every sample clip the median and 90th-percentile absolute error of each 2D angle
technique measures, the movement recognised, the fouetté turn count and the développé phase timing.

Tracks mode (the cache made by benchmarks/tracks.py; no video is read, so it takes seconds): every
clip is judged by ``judge_track`` of the code on the path, and it prints
- the confusion matrix (true movement x recognised name), per split: DEV (adult, adult_male: tune on
  these) and HELD-OUT (child, adult_short: never tune on these), and % recognised per movement x view;
- "confident wrong names": a name given to a non-ballet, unseeable or real clip that is not one of its
  right answers;
- per-measure angle error against ground truth (3D: the anatomical angle a teacher means; 2D: the
  picture's angle, i.e. pose-estimation error alone), per view, over the frames the movement is held;
- fault precision / recall / F1: a rendered fault must make its criterion (FAULT_CRITERIA) "fault" or
  "acceptable" and the clean clip of the same movement must not; judged with the true movement given;
- clean renders judged as their own movement that still get a "fault" verdict, by criterion;
- the error of each judged value itself: the criterion's value against the true angle over its moment.
The renders are easier than real dancers (flat colours, no clothes): an upper bound, not a promise.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import pickle
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_videos"
ANGLES = {  # our measure -> ground-truth angles_2d key
    "supporting_knee": "supporting_knee", "working_knee": "working_knee",
    "working_leg_height": "working_leg_from_vertical", "torso_tilt": "torso_tilt",
}
NONE = "not recognised"
REFUSED = "refused"
VIEWS = ["front", "three_quarter", "side_right", "side_left", "three_quarter_left", "back"]
SHORT = {"front": "front", "three_quarter": "3/4 right", "side_right": "side right", "side_left": "side left",
         "three_quarter_left": "3/4 left", "back": "back"}
# rendered fault -> criterion ids that should catch it (the first id a reference has is used), then
# measures as a fallback for references whose ids differ; resolved against the references at run time
FAULT_CRITERIA = {
    "bent_supporting_knee": (("supporting_knee",), ("supporting_knee",)),
    "working_leg_low": (("leg_height", "thigh_height", "height"), ("working_leg_height", "working_thigh_height")),
    "torso_leaning_forward": (("torso",), ("torso_tilt",)),
    "bent_working_knee": (("working_knee",), ("working_knee",)),
    "releve_too_low": (("releve_height", "height", "releve", "rise"), ("releve_lift", "releve")),
    "heels_up": (("heels_down", "heels"), ("releve_lift", "releve", "supporting_foot_lift")),
    "passe_too_low": (("passe_height",), ("passe_toe_to_knee",)),
    "lazy_foot": (("pointed_foot",), ("working_foot_point",)),
}
FLAGGED = ("fault", "acceptable")
# the movements benchmarks/renders/make_specs.py renders with a fault, and those faults
FAULTED_MOVEMENTS = {
    "arabesque": ("bent_supporting_knee", "working_leg_low", "lazy_foot"), "passe": ("bent_supporting_knee",),
    "developpe_devant": ("working_leg_low", "passe_too_low"),
    "developpe_a_la_seconde": ("working_leg_low", "passe_too_low"),
    "demi_plie_first": ("torso_leaning_forward", "heels_up"), "grand_plie_second": ("heels_up",),
    "tendu_devant": ("bent_working_knee", "lazy_foot"), "tendu_derriere": ("lazy_foot",),
    "tendu_a_la_seconde": ("bent_working_knee", "lazy_foot"), "releve": ("releve_too_low",),
}
# the movements whose turns are counted (their renders turn her through whole revolutions)
TURNING = ("pirouette", "fouette")
# measure -> ground truth per side ({w} / {s} = the dancer's working / supporting leg, from the renders)
MEASURE_TRUTH = {
    "supporting_knee": "knee_{s}", "working_knee": "knee_{w}", "working_leg_height": "leg_from_vertical_{w}",
    "working_thigh_height": "thigh_from_vertical_{w}", "torso_tilt": "torso_tilt",
    "plie_knee": ("knee_l", "knee_r"),  # a plié's more bent knee, as the measure
    "working_foot_point": "ankle_{w}",  # knee-ankle-toe
    # the working toe below the supporting knee, in that leg's shank lengths (with_toe_truth)
    "passe_toe_to_knee": "toe_below_knee_{w}",
}
# measures whose truth the renders hold by construction, not per frame: the heels of the clean renders of these
# movements stand flat on the floor at the moment judged (benchmarks/renders/make_specs.py: a grand plié in second
# as flat as first position), so their heel_rise is truly 0 (verdict_errors, for benchmarks/doubt.py)
FLAT_HEELS = ("demi_plie_first", "demi_plie_second", "grand_plie_second")
# the words of the report's note on a foot pointed outside any movement (wording "pointed_unnamed"), as found in
# an analysis' warnings
POINTED_WORDS = "foot pointed with the leg under her"


# ----------------------------------------------------------------------------------- sample mode
def samples_main() -> None:
    from technique.analyser import analyse_clip

    print(f"{'clip':<34}{'movement':<18}" + "".join(f"{m:>22}" for m in ANGLES))
    for clip in sorted(SAMPLES.glob("*.mp4")):
        truth = json.loads(clip.with_suffix(".json").read_text())["frames"]
        a = analyse_clip(clip)
        cells = []
        for ours, theirs in ANGLES.items():
            err = np.abs(a.measures[ours] - np.array([f["angles_2d"][theirs] for f in truth]))
            err = err[np.isfinite(err)]
            cells.append(f"{np.median(err):5.1f} / {np.percentile(err, 90):5.1f} ({err.size:3d})")
        movement = a.judgement.reference.name if a.judgement else "not recognised"
        print(f"{clip.stem:<34}{movement:<18}" + "".join(f"{c:>22}" for c in cells))
        for seg in a.segments:
            story = seg.story
            if story.turns or story.metrics.get("turns") is not None:
                print(f"    turns counted: {story.metrics['turns']} (truth: {truth[-1]['yaw_deg'] / 360:.0f})")
            phases = {p.name: p for p in story.phases}
            if "passe" in phases and "hold" in phases:
                labels = {}
                for f in truth:
                    labels.setdefault(f["label"], []).append(f["time_s"])
                t = a.track.times
                pairs = [("passé start", t[phases["passe"].start], min(labels["passe"])),
                         ("passé end", t[phases["passe"].stop - 1], max(labels["passe"])),
                         ("hold start", t[phases["hold"].start], min(labels[story.movement])),
                         ("hold end", t[phases["hold"].stop - 1], max(labels[story.movement]))]
                print("    phase timing error: " + ", ".join(f"{n} {abs(x - y):.2f} s" for n, x, y in pairs))
    print("cells: median / 90th percentile absolute error in degrees (frames compared)")


# ----------------------------------------------------------------------------------- judging
def call_judge_track(info, track, movement, references, warnings):
    """judge_track of whatever code is on the path, whatever its current signature."""
    from technique.analyser import AnalysisConfig, judge_track

    known = dict(info=info, track=track, movement=movement, references=references, config=AnalysisConfig(),
                 warnings=warnings)
    params = inspect.signature(judge_track).parameters
    return judge_track(**{k: v for k, v in known.items() if k in params})


def criterion_for(fault: str, reference) -> object | None:
    """The reference's criterion that should catch a rendered fault (by id, else by measure)."""
    ids, measures = FAULT_CRITERIA.get(fault, ((), ()))
    crits = list(getattr(reference, "criteria", ()))
    for cid in ids:
        for c in crits:
            if getattr(c, "id", None) == cid:
                return c
    for m in measures:
        for c in crits:
            if getattr(c, "measure", None) == m:
                return c
    return None


def verdict_of(analysis, criterion) -> str:
    if analysis is None or analysis.judgement is None or criterion is None:
        return "no judgement"
    for v in analysis.judgement.verdicts:
        if v.criterion.id == criterion.id:
            return v.verdict
    return "no verdict"


def true_angles(gt: dict, space: str, measure: str, analysis) -> np.ndarray | None:
    """The ground truth of one measure per frame ("3d" or "2d"), for the dancer's working and supporting
    legs (NaN where the renderer has none), or None when the renders don't give it.

    The renders' working leg, not the side the code named: MediaPipe may swap the legs' names in
    profile while the code still measures the raised leg; a code that measured the wrong leg shows
    here as a large error. (Which side it named is counted on its own, "working leg chosen right".)"""
    w = gt.get("working") if gt.get("working") in ("l", "r") else ("l" if analysis.working_leg == "left" else "r")
    keys = MEASURE_TRUTH[measure]
    truths = [gt[f"angles_{space}"].get(key.format(w=w, s="r" if w == "l" else "l"))
              for key in (keys if isinstance(keys, tuple) else (keys,))]
    if any(t is None for t in truths):
        return None
    # the smaller where both are known (np.fmin: NaN only where neither is)
    return functools.reduce(np.fmin, [np.array([np.nan if x is None else x for x in t], float) for t in truths])


def angle_errors(analysis, labels: dict) -> dict:
    """{measure: {"3d": [abs errors], "2d": [...]}} over the frames the movement is held (renders only)."""
    gt = labels.get("ground_truth")
    if not gt or analysis is None or labels.get("kind") == "negative":
        return {}
    frame_labels = np.array(gt["label"])
    held = np.isin(frame_labels, [labels["movement"]]) | (
        (labels["movement"] in ("first_position", "second_position")) & (frame_labels != "transition"))
    n = min(len(frame_labels), len(analysis.track.times))
    out = {}
    for measure in MEASURE_TRUTH:
        if measure not in analysis.measures:
            continue
        ours = np.asarray(analysis.measures[measure], float)[:n]
        for space in ("3d", "2d"):
            truth = true_angles(gt, space, measure, analysis)
            if truth is None:
                continue
            err = (ours - truth[:n])[held[:n]]
            err = err[np.isfinite(err)]
            if err.size:
                out.setdefault(measure, {})[space] = float(np.mean(np.abs(err)))
                out[measure][f"{space}_bias"] = float(np.mean(err))
    return out


def with_toe_truth(labels: dict) -> dict:
    """The labels with each leg's toe below the other leg's knee per frame, in that leg's shank lengths
    (passe_toe_to_knee's truth: 3D from the render's joints, height up; 2D from its picture, y down), read
    from the render's own ground truth file when it is there."""
    gt, path = labels.get("ground_truth"), labels.get("truth")
    if not gt or not path or not Path(path).exists():
        return labels
    frames = json.loads(Path(path).read_text())["frames"]
    for space, up in (("3d", 1.0), ("2d", -1.0)):
        for w, s in (("l", "right"), ("r", "left")):
            toe = "left_foot_index" if w == "l" else "right_foot_index"
            values = []
            for f in frames:
                j = f[f"joints_{space}"]
                knee, ankle, tip = (np.array(j[k][:3 if space == "3d" else 2], float)
                                    for k in (f"{s}_knee", f"{s}_ankle", toe))
                values.append(float(up * (knee[1] - tip[1]) / np.linalg.norm(knee - ankle)))
            gt[f"angles_{space}"][f"toe_below_knee_{w}"] = values
    return labels


def judge_one(args: tuple[str, str]) -> dict:
    """Judge one cached clip: the recognised name, segment names, verdicts for its fault, angle errors."""
    pkl, sidecar = args
    import warnings as python_warnings

    python_warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices of hidden joints: expected
    labels = with_toe_truth(json.loads(Path(sidecar).read_text()))
    refs = references()
    row = dict(key=labels["key"], movement=labels["movement"], expected=labels.get("expected", []),
               view=labels.get("view"), body=labels.get("body"), split=labels.get("split"), kind=labels.get("kind"),
               leg=labels.get("leg"), fault=labels.get("fault"))
    if labels.get("camera"):  # a placement of its own (benchmarks/renders/camera.json); else the default
        row["camera"] = labels["camera"]
    if labels.get("class"):  # a class's dancer (benchmarks/renders/class.json): found, followed
        row["class"] = labels["class"]
    cached = pickle.loads(Path(pkl).read_bytes())
    if cached is None:
        row.update(predicted=REFUSED, confidence=None, segments=[], note=labels.get("refused", ""))
        return row
    info, track, warnings = cached
    try:
        a = call_judge_track(info, track, None, refs, warnings)
    except Exception as e:  # a crash is a result too; the benchmark goes on
        row.update(predicted=f"crash: {type(e).__name__}", confidence=None, segments=[], note=str(e)[:200])
        return row
    rec = list(a.recognition or [])
    row.update(predicted=a.judgement.reference.name if a.judgement else NONE,
               confidence=rec[0][1] if rec else None, top=rec[:3],
               segments=[s.movement for s in a.segments if s.movement], view_seen=a.view,
               working_seen=a.working_leg, errors=angle_errors(a, labels),
               pointed_unnamed=any(POINTED_WORDS in w for w in a.warnings))
    if row["kind"] in ("fault", "movement") and row["movement"] in refs:
        named = as_named(a, row["movement"], refs, info, track, warnings)
        if row["movement"] in FAULTED_MOVEMENTS:
            row["fault_verdicts"] = fault_verdicts(named, row["movement"], refs, FAULTED_MOVEMENTS[row["movement"]])
        if row["kind"] == "movement" and not isinstance(named, str):
            row["clean_faults"] = [(v.criterion.id, v.value) for v in named.judgement.verdicts if v.verdict == "fault"]
        if not isinstance(named, str):
            row["verdict_errors"] = verdict_errors(named, labels)
        if row["kind"] == "movement" and row["movement"] in TURNING and not isinstance(named, str):
            row.update(turn_count(named, row["movement"], labels))
    return row


def turn_count(analysis, name: str, labels: dict) -> dict:
    """{"turns": counted in the segments judged as `name` (None if none is), "turns_truth": the yaw the
    renderer turned her through, in whole revolutions}."""
    gt = labels.get("ground_truth") or {}
    yaw = np.array([np.nan if v is None else v for v in gt.get("yaw_deg", [])], dtype=float)
    if not np.isfinite(yaw).any():
        return {}
    stories = [seg.story for seg in analysis.segments if seg.movement == name and seg.story is not None]
    counted = sum(int(story.metrics.get("turns") or 0) for story in stories) if stories else None
    return dict(turns=counted, turns_truth=int(round((np.nanmax(yaw) - np.nanmin(yaw)) / 360)))


def verdict_errors(analysis, labels: dict) -> dict:
    """{measure: abs error} of each judged criterion's value against the true angle over the same frames
    (its moment's; the median, as the verdict takes it): the error a teacher's verdict rests on. The heels of
    clean renders that keep them flat (FLAT_HEELS) against 0."""
    gt = labels.get("ground_truth")
    if not gt:
        return {}
    out = {}
    for v in analysis.judgement.verdicts:
        c = v.criterion
        span = analysis.judgement.spans.get(c.moment)
        if (c.measure == "heel_rise" and v.value is not None and v.judged and labels.get("kind") == "movement"
                and labels.get("movement") in FLAT_HEELS):
            out.setdefault(c.measure, []).append(abs(v.value))
            continue
        if c.measure not in MEASURE_TRUTH or v.value is None or span is None or c.aggregate != "median" or not v.judged:
            continue
        truth = true_angles(gt, "3d", c.measure, analysis)
        if truth is None:
            continue
        values = truth[span.frames[span.frames < len(truth)]]
        if np.isfinite(values).any():
            out.setdefault(c.measure, []).append(abs(v.value - float(np.nanmedian(values))))
    return {m: float(np.mean(e)) for m, e in out.items()}


def as_named(a, name: str, refs: dict, info, track, warnings):
    """The clip judged as its true movement (its own analysis when recognised as that), or the crash's name."""
    if a.judgement is not None and a.judgement.reference.name == name:
        return a
    try:
        return call_judge_track(info, track, name, refs, warnings)
    except Exception as e:  # noqa: BLE001 - reported, not fatal
        return f"crash: {type(e).__name__}"


def fault_verdicts(a, name: str, refs: dict, faults) -> dict:
    """For each fault that could happen to this movement: the verdict of its criterion, true movement given."""
    if isinstance(a, str):
        return {f: a for f in faults}
    return {f: verdict_of(a, criterion_for(f, refs[name])) for f in faults if criterion_for(f, refs[name])}


@functools.lru_cache(maxsize=1)
def references() -> dict:
    """The references of the code on the path, loaded once per worker process."""
    from technique.judging.references import load_references

    return load_references()


# ----------------------------------------------------------------------------------- printing
def in_split(row: dict, split: str) -> bool:
    if split == "all":
        return True
    return row["split"] in (split, "real") or row["split"] == "sample" and split == "dev"


def confusion(rows: list[dict], title: str) -> dict:
    """Print true x predicted counts; return them with the recognised share."""
    rows = [r for r in rows if r["kind"] in ("movement", "sample")]
    if not rows:
        return {}
    trues = sorted({r["movement"] for r in rows})
    preds = sorted({r["predicted"] for r in rows} - set(trues) - {NONE, REFUSED})
    cols = trues + preds + [NONE, REFUSED]
    counts = Counter((r["movement"], r["predicted"]) for r in rows)
    used = [c for c in cols if any(counts[(t, c)] for t in trues)]
    print(f"\n== Confusion matrix, {title}: {len(rows)} clips (rows: truth; columns: the name given) ==")
    for i, c in enumerate(used):
        print(f"   [{i:2d}] {c}")
    print(f"{'truth':<30}" + "".join(f"{i:>4d}" for i in range(len(used))) + "   right")
    for t in trues:
        n = sum(counts[(t, c)] for c in cols)
        right = counts[(t, t)]
        cells = "".join(f"{(counts[(t, c)] or '.'):>4}" for c in used)
        print(f"{t:<30}{cells}   {right}/{n}")
    right = sum(counts[(t, t)] for t in trues)
    seg = sum(r["movement"] in r.get("segments", []) for r in rows)
    print(f"recognised (clip verdict = truth): {right}/{len(rows)} = {right / len(rows):.0%};"
          f" truth among the segments' names: {seg}/{len(rows)} = {seg / len(rows):.0%}")
    return dict(columns=used, counts={f"{t}|{c}": counts[(t, c)] for t in trues for c in used if counts[(t, c)]},
                recognised=right / len(rows), in_segments=seg / len(rows))


def by_view(rows: list[dict], title: str) -> dict:
    """% recognised per movement x view."""
    rows = [r for r in rows if r["kind"] == "movement"]
    if not rows:
        return {}
    views = table_views({r["view"] for r in rows})
    table = defaultdict(lambda: [0, 0])
    for r in rows:
        cell = table[(r["movement"], r["view"])]
        cell[0] += r["predicted"] == r["movement"]
        cell[1] += 1
    print(f"\n== % recognised per movement x view, {title} (right/clips) ==")
    print_azimuth_legend(views)
    print(f"{'movement':<30}" + "".join(f"{short(v):>13}" for v in views))
    for m in sorted({r["movement"] for r in rows}):
        cells = "".join(f"{(f'{table[(m, v)][0]}/{table[(m, v)][1]}' if table[(m, v)][1] else '-'):>13}"
                        for v in views)
        print(f"{m:<30}{cells}")
    totals = {v: (sum(table[(m, v)][0] for m, _ in table if _ == v), sum(table[(m, v)][1] for m, _ in table if _ == v))
              for v in views}
    print(f"{'all':<30}" + "".join(f"{f'{a / b:.0%}' if b else '-':>13}" for a, b in totals.values()))
    return {f"{m}|{v}": table[(m, v)] for m, v in table}


VIEW_KIND = {"front": "front", "back": "front", "side_right": "side", "side_left": "side",
             "three_quarter": "three_quarter", "three_quarter_left": "three_quarter"}
KIND_SHORT = {"front": "front", "three_quarter": "3/4", "side": "side"}


def azimuth_of(view) -> int | None:
    """The camera's azimuth of a view named "az+30" (benchmarks/renders/views.json), else None.
    The renderer's sign: negative = the camera toward her right (three_quarter is az-45)."""
    if isinstance(view, str) and view.startswith("az"):
        try:
            return int(view[2:])
        except ValueError:
            return None
    return None


def view_kind(view) -> str:
    """front / three_quarter / side: a named view by VIEW_KIND; an azimuth view by the product's own bands
    of body yaw (direction.view_of: front below view_front_below, side above view_side_above, else
    three-quarter). An azimuth past 90 deg sees her back and reads as its mirror in front, as back does."""
    azimuth = azimuth_of(view)
    if azimuth is None:
        return VIEW_KIND.get(view, view)
    from technique.analysis.direction import view_of

    turned = abs(azimuth) % 360
    turned = min(turned, 360 - turned)
    return view_of(float(min(turned, 180 - turned)))


def table_views(present: set) -> list[str]:
    """The columns of a per-view table: the named views in VIEWS order, then the azimuth views from her
    right to her left (each side from the front outwards)."""
    named = [v for v in VIEWS if v in present]
    azimuths = sorted((v for v in present if azimuth_of(v) is not None),
                      key=lambda v: (azimuth_of(v) > 0, abs(azimuth_of(v))))
    return named + azimuths


def short(view: str) -> str:
    """A view's column heading: "3/4 right" for a named view, "30°R 3/4" for an azimuth view."""
    azimuth = azimuth_of(view)
    if azimuth is None:
        return SHORT.get(view, view)
    side = "" if azimuth % 180 == 0 else "R" if azimuth < 0 else "L"
    return f"{abs(azimuth)}°{side} {KIND_SHORT.get(view_kind(view), view_kind(view))}"


def print_azimuth_legend(views: list[str]) -> None:
    """Say what an azimuth column means (printed only when the table has one)."""
    if any(azimuth_of(v) is not None for v in views):
        print("(N°R / N°L: the camera N deg from her front toward her right / left; then the view kind it reads"
              " as, by the product's bands of body yaw)")


def can_be_seen(row: dict) -> bool:
    """Whether the clip's view is one its movement's reference says can show it (recognisable_from)."""
    ref = references().get(row["movement"])
    if ref is None:
        return False
    views = getattr(ref, "recognisable_from", ()) or ()
    return not views or view_kind(row["view"]) in views


def seeable(rows: list[dict], title: str) -> dict:
    """Recognised in the views that can show the movement; and in the others, how often a wrong name
    is given (it should be "not recognised")."""
    rows = [r for r in rows if r["kind"] == "movement"]
    if not rows:
        return {}
    seen = [r for r in rows if can_be_seen(r)]
    unseen = [r for r in rows if not can_be_seen(r)]
    right = sum(r["predicted"] == r["movement"] for r in seen)
    wrong_seen = [r for r in seen if r["predicted"] not in (r["movement"], NONE, REFUSED)]
    wrong_unseen = [r for r in unseen if r["predicted"] not in (r["movement"], NONE, REFUSED)]
    print(f"\n== In the views that can show the movement (reference's recognisable_from), {title} ==")
    print(f"recognised: {right}/{len(seen)} = {right / max(len(seen), 1):.0%}; "
          f"a wrong name: {len(wrong_seen)}/{len(seen)}")
    print(f"in the other views: a wrong name {len(wrong_unseen)}/{len(unseen)} (else 'not recognised' or right)")
    for r in wrong_seen + wrong_unseen:
        print(f"   {r['key']:<52} -> {r['predicted']}")
    return dict(recognised=right / max(len(seen), 1), clips=len(seen), wrong=len(wrong_seen),
                wrong_elsewhere=len(wrong_unseen), elsewhere=len(unseen))


def calibration(rows: list[dict], title: str) -> dict:
    """Of the clips given a name, how often the name is right, by the confidence it was given with."""
    named = [r for r in rows if r["kind"] in ("movement", "negative") and r["predicted"] not in (NONE, REFUSED)
             and isinstance(r.get("confidence"), (int, float))]
    if not named:
        return {}
    print(f"\n== Calibration, {title}: names given, by confidence ==")
    out = {}
    for low, high in ((0.75, 0.85), (0.85, 0.95), (0.95, 1.01)):
        band = [r for r in named if low <= r["confidence"] < high]
        right = sum(r["predicted"] == r["movement"] or r["predicted"] in r.get("expected", []) for r in band)
        if band:
            print(f"  confidence {low:.2f}-{min(high, 1):.2f}: {right}/{len(band)} right = {right / len(band):.0%}")
        out[f"{low:.2f}"] = dict(right=right, named=len(band))
    return out


def wrong_names(rows: list[dict]) -> list[dict]:
    """Names given to non-ballet, unseeable and real clips that are not right answers, with confidence."""
    out = []
    print("\n== Negatives, real and unseeable clips: the name given (expected: none, or one of its right answers) ==")
    for r in sorted((r for r in rows if r["kind"] in ("negative", "real")), key=lambda r: r["key"]):
        name = r["predicted"]
        bad = name not in (NONE, REFUSED) and name not in r["expected"]
        conf = r.get("confidence")
        seg_bad = [s for s in r.get("segments", []) if s not in r["expected"]]
        flag = "CONFIDENT WRONG NAME" if bad else ("wrong segment names: " + ", ".join(seg_bad) if seg_bad else "ok")
        print(f"  {r['key']:<52} {name:<26} {'' if conf is None else f'{conf:.2f}':>5}  {flag}")
        out.append(dict(key=r["key"], predicted=name, confidence=conf, wrong=bad, wrong_segments=seg_bad))
    n_bad = sum(o["wrong"] for o in out)
    print(f"confident wrong names: {n_bad}/{len(out)}")
    return out


def decimals(measure: str) -> int:
    """Decimals an error is printed with: tenths of a degree, hundredths of a measure with a unit of its own
    (the passé's toe, in shank lengths)."""
    from technique.wording import UNITS

    return 2 if UNITS.get(measure) else 1


def angle_table(rows: list[dict], title: str) -> dict:
    """Mean of the per-clip mean absolute errors, per measure x view, against 3D and 2D truth."""
    cells, bias = defaultdict(list), defaultdict(list)
    for r in rows:
        for measure, spaces in (r.get("errors") or {}).items():
            for space in ("3d", "2d"):
                if space in spaces:
                    cells[(space, measure, r["view"])].append(spaces[space])
                    bias[(space, measure, r["view"])].append(spaces.get(f"{space}_bias", np.nan))
    if not cells:
        return {}
    views = table_views({k[2] for k in cells})
    out = {}
    for space, what in (("3d", "the true (anatomical) angle"), ("2d", "the angle in the picture")):
        print(f"\n== Angle error in degrees vs {what} ({space}), {title}: MAE / mean signed error (clips),"
              f" frames where the movement is held; the renders' working leg ==")
        print_azimuth_legend(views)
        print(f"{'measure':<24}" + "".join(f"{short(v):>18}" for v in views))
        for measure in MEASURE_TRUTH:
            keys = [(space, measure, v) for v in views]
            if not any(cells.get(k) for k in keys):
                continue
            digits = decimals(measure)
            texts = [f"{np.mean(cells[k]):5.{digits}f}/{np.nanmean(bias[k]):+5.{digits}f} ({len(cells[k])})"
                     if cells.get(k) else "-" for k in keys]
            print(f"{measure:<24}" + "".join(f"{t:>18}" for t in texts))
            out.update({f"{space}|{measure}|{k[2]}": dict(mae=float(np.mean(cells[k])), bias=float(np.nanmean(bias[k])),
                                                          clips=len(cells[k])) for k in keys if cells.get(k)})
    legs = [r for r in rows if r.get("leg") in ("r", "l") and r.get("working_seen")]
    if legs:
        ok = sum(r["working_seen"][0] == r["leg"] for r in legs)
        print(f"working leg chosen right: {ok}/{len(legs)} = {ok / len(legs):.0%}")
        out["working_leg_right"] = ok / len(legs)
    return out


def judged_from(movement: str, measure: str) -> set[str]:
    """The views the movement's criteria judge `measure` from (empty: it isn't judged)."""
    ref = references().get(movement)
    return {v for c in (ref.criteria if ref else ()) if c.measure == measure for v in c.views}


def verdict_angles(rows: list[dict], title: str) -> dict:
    """Each measure's error where a verdict is taken: the criterion's value against the true angle over
    its moment's frames, on clips judged as their own movement (renders, 3D truth)."""
    errors = defaultdict(list)
    for r in rows:
        if r["kind"] in ("movement", "fault"):
            for measure, e in (r.get("verdict_errors") or {}).items():
                errors[measure].append(e)
    if not errors:
        return {}
    return error_table(errors, f"Angle error of the judged value itself (the criterion's moment, its median), {title}")


def assessable_angles(rows: list[dict], title: str) -> dict:
    """Each measure's MAE against 3D truth only in the clips whose movement judges it from that view:
    the error a teacher's verdict rests on (the issue's target: 5 deg or less)."""
    errors = defaultdict(list)
    for r in rows:
        if r["kind"] not in ("movement", "fault"):
            continue
        for measure, spaces in (r.get("errors") or {}).items():
            if "3d" in spaces and view_kind(r["view"]) in judged_from(r["movement"], measure):
                errors[measure].append(spaces["3d"])
    if not errors:
        return {}
    return error_table(errors, f"Angle MAE vs the true angle, only where the movement's criteria judge it, {title}")


def error_table(errors: dict[str, list[float]], heading: str) -> dict:
    """Print and return each measure's mean and median error over the clips."""
    print(f"\n== {heading} ==")
    out = {}
    from technique.wording import UNITS

    for measure, values in sorted(errors.items()):
        d = decimals(measure)
        print(f"  {measure:<24} {np.mean(values):5.{d}f} {UNITS.get(measure) or 'deg'}  (median {np.median(values):.{d}f}, "
              f"{len(values)} clips)")
        out[measure] = dict(mae=float(np.mean(values)), median=float(np.median(values)), clips=len(values))
    return out


def fault_scores(rows: list[dict], title: str) -> dict:
    """Precision / recall / F1 per rendered fault: faulted clips vs clean clips of the same movement."""
    fault_movements = {(r["fault"], r["movement"]) for r in rows if r["kind"] == "fault"}
    if not fault_movements:
        return {}
    print(f"\n== Faults, {title}: criterion verdict 'fault'/'acceptable' on the faulted clip (true movement"
          f" given) and not on the clean one ==")
    print(f"{'fault':<24}{'movement':<24}{'TP':>4}{'FN':>4}{'FP':>4}{'TN':>4}{'P':>6}{'R':>6}{'F1':>6}"
          "   missed because")
    total = Counter()
    out = {}
    for fault, movement in sorted(fault_movements):
        tp = fn = fp = tn = 0
        why = Counter()
        for r in rows:
            if r["movement"] != movement or r["kind"] not in ("fault", "movement"):
                continue
            if r["kind"] == "fault" and r["fault"] != fault:
                continue
            v = (r.get("fault_verdicts") or {}).get(fault, "no criterion")
            if v == "not_assessable":  # a view that can't show the criterion: the report says so, not a miss
                continue
            flagged = v in FLAGGED
            if r["kind"] == "fault":
                tp += flagged
                fn += not flagged
                if not flagged:
                    why[v] += 1
            else:
                fp += flagged
                tn += not flagged
        p, rc, f1 = prf(tp, fp, fn)
        total.update(tp=tp, fn=fn, fp=fp, tn=tn)
        print(f"{fault:<24}{movement:<24}{tp:>4}{fn:>4}{fp:>4}{tn:>4}{p:>6.2f}{rc:>6.2f}{f1:>6.2f}   "
              + ", ".join(f"{k} x{n}" for k, n in why.items()))
        out[f"{fault}|{movement}"] = dict(tp=tp, fn=fn, fp=fp, tn=tn, precision=p, recall=rc, f1=f1)
    p, rc, f1 = prf(total["tp"], total["fp"], total["fn"])
    print(f"{'all':<48}{total['tp']:>4}{total['fn']:>4}{total['fp']:>4}{total['tn']:>4}{p:>6.2f}{rc:>6.2f}{f1:>6.2f}")
    out["all"] = dict(total, precision=p, recall=rc, f1=f1)
    return out


def clean_faults(rows: list[dict], title: str) -> dict:
    """Clean renders (no fault rendered) judged as their own movement: how many get a 'fault' verdict, and
    on which criteria. A coach that faults clean dancing is not believed."""
    clean = [r for r in rows if r["kind"] == "movement" and "clean_faults" in r]
    if not clean:
        return {}
    faulted = [r for r in clean if r["clean_faults"]]
    by = Counter(cid for r in faulted for cid, _ in r["clean_faults"])
    print(f"\n== Clean renders judged as their own movement, {title}: {len(faulted)}/{len(clean)} with a 'fault' ==")
    for cid, n in by.most_common(8):
        where = Counter(f"{r['movement']} {short(r['view'])}" for r in faulted
                        for c, _ in r["clean_faults"] if c == cid)
        print(f"  {cid:<20} {n:>3}   " + ", ".join(f"{k} x{v}" for k, v in where.most_common(4)))
    return dict(faulted=len(faulted), clips=len(clean), criteria=dict(by))


def faulted_named(rows: list[dict], title: str) -> dict:
    """Renders of a movement done with a fault, in the views that show the movement: a student's faults
    should still get the movement's name (and the corrections), not another name or none."""
    faulted = [r for r in rows if r["kind"] == "fault" and can_be_seen(r)]
    if not faulted:
        return {}
    right = [r for r in faulted if r["predicted"] == r["movement"]]
    other = [r for r in faulted if r["predicted"] not in (r["movement"], "not recognised", "refused")]
    print(f"\n== Renders with a fault, in the views that show the movement, {title}: named as it {len(right)}/"
          f"{len(faulted)}, another name {len(other)} ==")
    for fault, movement in sorted({(r["fault"], r["movement"]) for r in faulted}):
        named = Counter(r["predicted"] for r in faulted if (r["fault"], r["movement"]) == (fault, movement))
        print(f"  {fault:<22} {movement:<26} " + ", ".join(f"{k} x{v}" for k, v in named.most_common()))
    return dict(named=len(right), other=len(other), clips=len(faulted))


def pointed_tally(rows: list[dict], title: str) -> dict:
    """Clips whose report says a foot pointed with the leg under her, outside any movement found
    (motion.feet_pointed): by the movement truly rendered. A tendu or dégagé along the line of sight is what
    it is for; anything else told so is a false note."""
    if not any("pointed_unnamed" in r for r in rows):
        return {}
    told = [r for r in rows if r.get("pointed_unnamed")]
    low_legs = [r for r in told if r["movement"].startswith(("tendu", "degage"))]
    print(f"\n== Feet pointed outside any movement found, {title}: {len(told)} clips told so, {len(low_legs)} of them "
          f"tendus or dégagés ==")
    for movement, n in Counter(r["movement"] for r in told).most_common():
        views = Counter(short(r["view"]) for r in told if r["movement"] == movement)
        print(f"  {movement:<30} {n:>3}   " + ", ".join(f"{k} x{v}" for k, v in views.most_common(6)))
    return dict(told=len(told), tendus=len(low_legs), by_movement=dict(Counter(r["movement"] for r in told)))


def class_tally(rows: list[dict], title: str) -> dict:
    """Class renders (benchmarks/renders/class.json, cached per true dancer by tracks.py): dancers the roll call
    found and followed (a track paired with her), and the smallest share of a followed dancer's frames her
    track stayed nearest her; {} for clips that aren't a class's dancers."""
    dancers = [r["class"] for r in rows if r.get("class")]
    if not dancers:
        return {}
    followed = [d for d in dancers if d.get("found_as") is not None]
    clips = {(r["class"]["clip"], r["view"], r.get("body")) for r in rows if r.get("class")}
    nearest = min((d["followed"] for d in followed), default=float("nan"))
    print(f"\n== Class clips, {title}: {len(clips)} clips, {len(followed)} of {len(dancers)} dancers found and "
          f"followed; a followed track nearest its dancer in at least {nearest:.0%} of her frames ==")
    return dict(clips=len(clips), dancers=len(dancers), followed=len(followed), nearest=nearest)


def turn_counts(rows: list[dict], title: str) -> dict:
    """Pirouettes and fouettés judged as their movement: how many count the renderer's turns, and which don't."""
    turning = [r for r in rows if r.get("turns_truth") is not None]
    if not turning:
        return {}
    right = [r for r in turning if r.get("turns") == r["turns_truth"]]
    print(f"\n== Turns counted (pirouettes and fouettés, judged as their movement), {title}: "
          f"{len(right)}/{len(turning)} right ==")
    for r in sorted(turning, key=lambda r: r["key"]):
        if r.get("turns") != r["turns_truth"]:
            print(f"  {r['key']:<52} counted {r.get('turns')}, turned {r['turns_truth']}")
    return dict(right=len(right), clips=len(turning))


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * p * r / (p + r) if tp else 0.0
    return p, r, f1


def list_wrong(rows: list[dict]) -> None:
    """Every rendered movement clip given a wrong name or none, with the best candidates and segments."""
    print("\n== Clips not recognised as their movement: best candidates (confidence) and segment names ==")
    for r in sorted(rows, key=lambda r: r["key"]):
        if r["kind"] not in ("movement", "sample", "fault") or r["predicted"] == r["movement"]:
            continue
        top = ", ".join(f"{n} {c:.2f}" for n, c in r.get("top", []))
        print(f"  {r['key']:<50} -> {r['predicted']:<24} [{top}] segments: {r.get('segments')}"
              f" view seen: {r.get('view_seen')}")


def code_fingerprint() -> str:
    """A hash of the technique code and reference files on the path, and of this script: results judged
    by the same code are reused (new clips alone are judged); any change judges everything again."""
    import hashlib

    import technique

    package = Path(technique.__file__).resolve().parent
    digest = hashlib.sha1(Path(__file__).read_bytes())
    from technique.judging.references import builtin_folder

    for path in sorted([*package.rglob("*.py"), *builtin_folder().resolve().glob("*.*")]):
        digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def track_stamp(job: tuple[str, str]) -> list[int]:
    """The size and modification time (ns) of a clip's track and label files: which version was judged."""
    return [v for path in job for v in (Path(path).stat().st_size, Path(path).stat().st_mtime_ns)]


def camera_placements(rows: list[dict]) -> dict:
    """Print and return the camera placements the clips were filmed from, when any clip was filmed from
    other than the renderer's default (benchmarks/renders/camera.json): the same keys, another camera."""
    placed = Counter(json.dumps(r["camera"], sort_keys=True) for r in rows if r.get("camera"))
    if not placed:
        return {}
    placed["default"] = sum(not r.get("camera") for r in rows)
    print("camera: " + "; ".join(f"{'the default' if k == 'default' else k} ({n} clips)"
                                 for k, n in placed.items() if n))
    return dict(cameras={k: n for k, n in placed.items() if n})


def tracks_main(a: argparse.Namespace) -> int:
    folder = Path(a.tracks)
    jobs = [(str(p.with_suffix(".pkl")), str(p)) for p in sorted(folder.glob("*.json"))
            if a.only in p.stem and p.with_suffix(".pkl").exists()]
    if not jobs:
        print(f"no cached tracks in {folder} (matching {a.only!r}): run benchmarks/tracks.py first", file=sys.stderr)
        return 2
    store = folder / ".results" / f"{code_fingerprint()}.pkl"
    done = {} if a.fresh or not store.exists() else pickle.loads(store.read_bytes())
    # a clip's cached result holds while its track file is the one judged (a re-rendered clip is judged again)
    stamp = {Path(j[1]).stem: track_stamp(j) for j in jobs}
    todo = [j for j in jobs if done.get(Path(j[1]).stem, {}).get("track_stamp") != stamp[Path(j[1]).stem]]
    if a.workers > 1 and len(todo) > 8:
        with ProcessPoolExecutor(a.workers) as pool:
            fresh = list(pool.map(judge_one, todo, chunksize=4))
    else:
        fresh = [judge_one(j) for j in todo]
    done.update({r["key"]: dict(r, track_stamp=stamp[r["key"]]) for r in fresh})
    store.parent.mkdir(exist_ok=True)
    store.write_bytes(pickle.dumps(done))
    for old in sorted(store.parent.glob("*.pkl"), key=lambda p: p.stat().st_mtime)[:-5]:
        old.unlink()  # results of code long since changed
    rows = [done[Path(j[1]).stem] for j in jobs]
    rows = [r for r in rows if in_split(r, a.split)]
    import technique

    print(f"technique from {Path(technique.__file__).parent}; {len(rows)} clips, split {a.split}")
    print("DEV split = bodies adult, adult_male (+ sample clips); HELD-OUT = child, adult_short: "
          "do not tune on the held-out numbers.")
    report: dict = dict(code=str(Path(technique.__file__).parent), split=a.split, clips=len(rows))
    report.update(camera_placements(rows))
    for split in ("dev", "heldout"):
        part = [r for r in rows if r["split"] == split or (split == "dev" and r["split"] == "sample")]
        if not part:
            continue
        title = "DEV" if split == "dev" else "HELD-OUT (not for tuning)"
        report[split] = dict(confusion=confusion(part, title), seeable=seeable(part, title),
                             calibration=calibration(part, title), by_view=by_view(part, title),
                             assessable_angles=assessable_angles(part, title),
                             verdict_angles=verdict_angles(part, title),
                             angles=angle_table(part, title), faults=fault_scores(part, title),
                             clean_faults=clean_faults(part, title), faulted=faulted_named(part, title),
                             turns=turn_counts(part, title), pointed=pointed_tally(part, title),
                             classes=class_tally(part, title))
    report["negatives"] = wrong_names(rows)
    if a.wrong:
        list_wrong(rows)
    report["rows"] = rows
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1, default=str))
        print(f"\nwritten {a.json}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tracks", help="folder of cached tracks (benchmarks/tracks.py); without it: sample clips")
    ap.add_argument("--split", choices=("dev", "heldout", "all"), default="all")
    ap.add_argument("--only", default="", help="only clips whose key contains this")
    ap.add_argument("--json", help="also write every number and every clip's result to this file")
    ap.add_argument("--wrong", action="store_true", help="also list every clip given a wrong name or none")
    ap.add_argument("--fresh", action="store_true", help="judge every clip again even if the code is unchanged")
    ap.add_argument("--workers", type=int, default=2, help="processes judging clips (default 2)")
    a = ap.parse_args(argv)
    if not a.tracks:
        samples_main()
        return 0
    return tracks_main(a)


if __name__ == "__main__":
    sys.exit(main())
