"""Reports from an Analysis: report.json, frames.csv, a readable summary and the annotated video.

Files are written to a temporary name and renamed into place, so a crash never leaves half a report.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Callable

import numpy as np

from . import __version__
from .errors import OutputError
from .judge import Verdict, band_of, frame_cue
from .measures import MEASURE_NAMES, UNITS
from .pipeline import Analysis

SYMBOLS = {"good": "✓", "acceptable": "~", "fault": "✗"}


def _num(value, digits: int = 2):
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def _time(analysis: Analysis, frame: int | None) -> float | None:
    return None if frame is None else round(float(analysis.track.times[frame]), 3)


def verdict_dict(v: Verdict, analysis: Analysis) -> dict:
    c = v.criterion
    span = analysis.judgement.spans.get(c.moment) if analysis.judgement else None
    return {
        "id": c.id, "name": c.name, "measure": c.measure, "unit": UNITS.get(c.measure, "degrees"),
        "value": _num(v.value), "ideal": c.ideal, "good": list(c.good), "acceptable": list(c.acceptable),
        "verdict": v.verdict, "score": _num(v.score, 1), "weight": c.weight,
        "correction": v.correction, "why": c.why, "note": v.note, "views": list(c.views),
        "moment": c.moment, "moment_span": span.to_dict(analysis.track.times) if span else None,
        "worst_time_s": _time(analysis, v.worst_frame), "worst_frame": v.worst_frame,
        "worst_value": _num(v.worst_value),
    }


def report_dict(analysis: Analysis) -> dict:
    """Everything in report.json: the clip, the movement, every criterion and the ordered corrections."""
    info, j = analysis.info, analysis.judgement
    movement = None
    if j is not None:
        confidence = dict(analysis.recognition).get(j.reference.name)
        movement = {"name": j.reference.name, "title": j.reference.title,
                    "given": analysis.movement_given, "confidence": _num(confidence)}
    worst = None
    if j is not None and j.worst_frame is not None:
        worst_verdict = j.corrections[0] if j.corrections else None
        worst = {"time_s": _time(analysis, j.worst_frame), "frame": j.worst_frame,
                 "criterion": worst_verdict.criterion.id if worst_verdict else None}
    return {
        "technique_version": __version__,
        "clip": {"path": info.source, "fps": round(info.fps, 3), "frames": len(analysis.track.times),
                 "duration_s": round(float(analysis.track.times[-1]) if len(analysis.track.times) else 0, 3),
                 "width": info.width, "height": info.height, "rotation": info.rotation, "turned": info.turn,
                 "frames_with_person": int(analysis.track.detected.sum())},
        "movement": movement,
        "recognition": [{"name": n, "confidence": _num(c)} for n, c in analysis.recognition],
        "working_leg": analysis.working_leg,
        "view": analysis.view,
        "score": _num(j.score, 1) if j else None,
        "worst_moment": worst,
        "corrections": [{"criterion": v.criterion.id, "text": v.correction, "verdict": v.verdict,
                         "worst_time_s": _time(analysis, v.worst_frame)} for v in (j.corrections if j else [])],
        "criteria": [verdict_dict(v, analysis) for v in (j.verdicts if j else [])],
        "moments": {n: s.to_dict(analysis.track.times) if s else None for n, s in (j.spans.items() if j else [])},
        "notes": list(j.notes) if j else [],
        "segments": [segment_dict(seg, analysis) for seg in analysis.segments],
        "comparison": analysis.comparison.to_dict() if analysis.comparison else None,
        "warnings": analysis.warnings,
    }


def segment_dict(seg, analysis: Analysis) -> dict:
    """One movement of the clip: its recognition, score, corrections and its story in time."""
    j = seg.judgement
    return {
        "movement": seg.movement, "confidence": _num(seg.confidence),
        "start_s": _time(analysis, seg.start), "end_s": _time(analysis, seg.stop - 1),
        "score": _num(j.score, 1) if j else None,
        "corrections": [v.correction for v in j.corrections] if j else [],
        "story": seg.story.to_dict(analysis.track.times),
    }


def frames_table(analysis: Analysis) -> str:
    """Per-frame measures as CSV text (NaN as empty cells)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["frame", "time_s", "person", *MEASURE_NAMES])
    m = analysis.measures
    for i, t in enumerate(analysis.track.times):
        row = [i, f"{t:.3f}", int(analysis.track.detected[i])]
        row += ["" if not np.isfinite(m[k][i]) else f"{m[k][i]:.3f}" for k in MEASURE_NAMES]
        writer.writerow(row)
    return out.getvalue()


def summary_text(analysis: Analysis) -> str:
    """What a teacher would read: movement, score, each criterion, corrections in order."""
    name = Path(analysis.info.source).name
    j = analysis.judgement
    lines = []
    judged = [seg for seg in analysis.segments if seg.judgement]
    if j is None and len(judged) > 1:
        lines.append(f"{name}: {len(judged)} movements, {analysis.working_leg} leg working, "
                     f"{analysis.view.replace('_', '-')} view")
        for k, seg in enumerate(judged, 1):
            sj = seg.judgement
            score = "-" if sj.score is None else f"{sj.score:.0f}/100"
            lines.append(f"  {k}. {sj.reference.title} ({analysis.track.times[seg.start]:.1f}–"
                         f"{analysis.track.times[seg.stop - 1]:.1f} s, {seg.confidence or 0:.0%}): score {score}")
            for v in sj.corrections:
                lines.append(f"       - {v.correction} (at {analysis.track.times[v.worst_frame]:.2f} s)")
    elif j is None:
        lines.append(f"{name}: movement not recognised")
    else:
        how = "given" if analysis.movement_given else f"recognised, {dict(analysis.recognition).get(j.reference.name, 0):.0%}"
        lines.append(f"{name}: {j.reference.title} ({how}), {analysis.working_leg} leg working, "
                     f"{analysis.view.replace('_', '-')} view")
        score = "-" if j.score is None else f"{j.score:.0f}/100"
        worst = "" if j.worst_frame is None else f" · worst moment at {analysis.track.times[j.worst_frame]:.2f} s"
        lines.append(f"  Score {score}{worst}")
        for v in j.verdicts:
            c = v.criterion
            if v.judged:
                from .overlay import format_value

                lines.append(f"  {SYMBOLS[v.verdict]} {c.name:<34} {format_value(c.measure, v.value):>16}  "
                             f"{v.verdict} (good {c.good[0]:g}..{c.good[1]:g})")
            else:
                lines.append(f"  · {c.name:<34} {'':>16}  {v.note}")
        if j.corrections:
            lines.append("  Corrections, most important first:")
            for k, v in enumerate(j.corrections, 1):
                lines.append(f"    {k}. {v.correction} (at {analysis.track.times[v.worst_frame]:.2f} s)")
        for note in j.notes:
            lines.append(f"  Note: {note}")
    lines += story_lines(analysis)
    if analysis.comparison:
        c = analysis.comparison
        joints = ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in c.joints.items())
        lines.append(f"  Compared with {c.reference}: {c.similarity:.0%} similar ({joints})")
        lines.append(f"    {c.message}")
    for warning in analysis.warnings:
        lines.append(f"  Warning: {warning}")
    return "\n".join(lines)


def _share_of_height(value: float) -> str:
    return f"{100 * value:.1f}% of her height"


def passe_words(toe_to_knee, short: bool = False) -> str:
    """Where the working toe was against the supporting knee (0 = at the knee, positive = below)."""
    if toe_to_knee is None or not np.isfinite(toe_to_knee):
        return "—"
    side = "below" if toe_to_knee > 0 else "above"
    return f"{abs(toe_to_knee):.2f} {side}" if short else f"toe {abs(toe_to_knee):.2f} shank lengths {side} the knee"


# What each time metric of motion.Story is called (page and summary alike), and how its value reads.
METRIC_WORDS: dict[str, tuple[str, Callable]] = {
    "time_to_reach_s": ("Time to reach the position", "{:.2f} s".format),
    "hold_s": ("Held for", "{:.2f} s".format),
    "height_at_hold": ("Leg height while held", "{:.0f}°".format),
    "height_steadiness_sd": ("Leg height varied by (SD)", "{:.1f}°".format),
    "hip_sway": ("Hips swayed by", _share_of_height),
    "supporting_ankle_sway": ("Supporting ankle swayed by", _share_of_height),
    "passe_reached": ("Passed through passé", lambda v: "yes" if v else "no"),
    "passe_toe_to_knee": ("At passé", passe_words),
    "passe_time_s": ("Passé at", "{:.2f} s".format),
    "unfold_s": ("Unfolded in", "{:.2f} s".format),
    "unfold_knee_rebend_deg": ("Knee re-bent while unfolding by", "{:.0f}°".format),
    "knee_at_end": ("Knee at full extension", "{:.0f}°".format),
    "height_at_extension": ("Leg height at full extension", "{:.0f}°".format),
    "hip_hike_highest": ("Hip hiked by (highest)", "{:.0f}°".format),
    "supporting_knee_lowest": ("Supporting knee at its most bent", "{:.0f}°".format),
    "turns": ("Turns", "{}".format),
    "rotation_deg": ("Turned through", "{:.0f}°".format),
    "direction": ("Direction", "{}".format),
    "turns_per_second": ("Tempo", "{:.2f} turns/s".format),
    "tempo_steadiness_cv": ("Tempo varied between turns by", "{:.0%}".format),
    "extension_height_sd": ("Leg height at second varied by (SD)", "{:.1f}°".format),
    "travel_body_heights": ("Travelled", _share_of_height),
    "relevé_in_turns": ("Turns on relevé", "{}".format),
}


def story_rows(story) -> list[dict]:
    """A movement's time metrics in plain words (metrics not measured in this clip are left out)."""
    rows = []
    for key, value in story.metrics.items():
        if value is None or (isinstance(value, float) and not np.isfinite(value)):
            continue
        words, fmt = METRIC_WORDS.get(key, (key.replace("_", " ").capitalize(), "{}".format))
        text = fmt(value)
        if key == "relevé_in_turns":
            text = f"{value} of {len(story.turns)}"
        rows.append({"In time": words, "Value": text})
    return rows


def story_lines(analysis: Analysis) -> list[str]:
    """The motion story of each movement found, in a few words and numbers."""
    from .motion import RELEVE_LIFT

    lines = []
    times = analysis.track.times
    for seg in analysis.segments:
        story = seg.story
        name = seg.movement or "unrecognised movement"
        phases = ", ".join(f"{p.name} {times[p.start]:.1f}–{times[p.stop - 1]:.1f} s" for p in story.phases)
        lines.append(f"  In time ({name}, {times[seg.start]:.1f}–{times[seg.stop - 1]:.1f} s): {phases}")
        facts = [f"{row['In time']}: {row['Value']}" for row in story_rows(story)]
        if facts:
            lines.append("    " + "; ".join(facts))
        for turn in story.turns:
            lines.append(f"    turn {turn.index}: {turn.duration_s:.2f} s, leg at second {turn.extension_height:.0f}°, "
                         f"passé {turn.passe_toe_to_knee:+.2f} shank from the knee, plié {turn.plie_depth:.0f}°, "
                         f"{'relevé' if turn.releve > RELEVE_LIFT else 'flat foot'}")
        for note in story.notes:
            lines.append(f"    Note: {note}")
    return lines


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OutputError(path, f"cannot write: {exc.strerror or exc}") from None


def prepare_folder(folder: str | os.PathLike) -> Path:
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(folder, f"cannot create the output folder: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(folder, "the output folder is not writable")
    return folder


def key_criteria(analysis: Analysis, count: int = 3, judgement=None) -> list:
    """The few criteria worth showing on the video: the heaviest ones judgeable from this view."""
    judgement = judgement or analysis.judgement
    if judgement is None:
        return []
    judged = [v.criterion for v in judgement.verdicts if v.judged]
    return sorted(judged, key=lambda c: -c.weight)[:count]


def annotate_frame(image: np.ndarray, analysis: Analysis, index: int, blur_faces: bool = False) -> np.ndarray:
    """One frame of the annotated video: skeleton, key angles coloured by band, the current correction."""
    from .overlay import VERDICT_COLOURS, draw_panel, draw_skeleton, format_value

    if blur_faces:
        from .privacy import blur_face

        blur_face(image, analysis.track.pixels[index])
    draw_skeleton(image, analysis.track.pixels[index], analysis.working_leg)
    j = analysis.judgement or next((seg.judgement for seg in analysis.segments
                                    if seg.start <= index < seg.stop and seg.judgement), None)
    row = {k: float(v[index]) for k, v in analysis.measures.items()}
    lines = []
    for c in key_criteria(analysis, judgement=j):
        value = row[c.measure]
        colour = VERDICT_COLOURS[band_of(value, c)] if np.isfinite(value) else (200, 200, 200)
        lines.append((f"{c.name}: {format_value(c.measure, value)}", colour))
    cue = frame_cue(j.reference, row, analysis.view)[0] if j else ""
    title = j.reference.title if j else "Movement not recognised"
    footer = f"{analysis.track.times[index]:.2f} s"
    if j and j.worst_frame is not None and abs(index - j.worst_frame) <= analysis.info.fps * 0.25:
        footer = "WORST MOMENT  " + footer
    draw_panel(image, title, lines, cue, footer)
    return image


def write_annotated_video(analysis: Analysis, source: str | os.PathLike, path: Path,
                          blur_faces: bool = False) -> Path:
    """Re-read the clip and write the annotated H.264 MP4 (plays in browsers).

    Decoding and drawing run in a thread while this one encodes, so both cores are busy.
    """
    from .video import VideoReader, VideoWriter, prefetched

    writer = VideoWriter(path, analysis.info.fps, (analysis.info.width, analysis.info.height))
    count = len(analysis.track.times)

    def annotated(reader):
        for frame in reader:
            if frame.index >= count:
                return
            yield annotate_frame(frame.image, analysis, frame.index, blur_faces)

    try:
        with VideoReader(source, turn=analysis.info.turn) as reader:  # as analysed: upright
            for image in prefetched(annotated(reader)):
                writer.write(image)
    except BaseException:
        writer.abort()
        raise
    return writer.close()


def write_reports(analysis: Analysis, source: str | os.PathLike, folder: str | os.PathLike,
                  video: bool = True, blur_faces: bool = False) -> dict[str, Path]:
    """report.json, frames.csv and annotated.mp4 in `folder`; returns their paths."""
    folder = prepare_folder(folder)
    paths = {"report": folder / "report.json", "frames": folder / "frames.csv"}
    _write_atomic(paths["report"], json.dumps(report_dict(analysis), indent=2, ensure_ascii=False))
    _write_atomic(paths["frames"], frames_table(analysis))
    if video:
        paths["video"] = write_annotated_video(analysis, source, folder / "annotated.mp4", blur_faces)
    return paths
