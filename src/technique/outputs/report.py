"""Reports from an Analysis: report.json, frames.csv, a readable summary and the annotated video
(outputs.writer writes them to a clip's folder).

Files are written through safe_write: a unique temporary name renamed into place (a crash never leaves
half a report), never through a link planted in the output folder.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from dataclasses import dataclass

import numpy as np

from technique import __version__
from technique.errors import OutputError
from technique.judging.judge import Judgement, Verdict, band_of, score_text
from technique.analysis.measures import MEASURE_NAMES
from technique.wording import UNITS
from technique.analyser import Analysis
from technique.wording import METRIC_WORDS, say
from technique.safe_write import make_folders, printable, reason_of

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
                    "given": analysis.movement_given, "confidence": _num(confidence),
                    "because": analysis.explanation}
    worst = None
    if j is not None and j.worst_frame is not None:
        worst_verdict = j.corrections[0] if j.corrections else None
        worst = {"time_s": _time(analysis, j.worst_frame), "frame": j.worst_frame,
                 "criterion": worst_verdict.criterion.id if worst_verdict else None}
    return {
        "technique_version": __version__,
        "clip": {"path": printable(info.source), "fps": round(info.fps, 3), "frames": len(analysis.track.times),
                 "duration_s": round(float(analysis.track.times[-1]) if len(analysis.track.times) else 0, 3),
                 "width": info.width, "height": info.height, "rotation": info.rotation, "turned": info.turn,
                 "frames_with_person": int(analysis.track.detected.sum())},
        "dancer": ({"number": analysis.dancer[0], "of": analysis.dancer[1], "counted": "from the left of the picture"}
                   if analysis.dancer else None),
        "movement": movement,
        "recognition": [{"name": n, "confidence": _num(c)} for n, c in analysis.recognition],
        "explanation": analysis.explanation,
        "working_leg": analysis.working_leg,
        "view": analysis.view,
        "facing": facing_words(analysis),
        "score": _num(j.score, 1) if j else None,
        "criteria_judged": list(j.judged_count) if j else None,
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
        "movement": seg.movement, "confidence": _num(seg.confidence), "explanation": seg.explanation,
        "start_s": _time(analysis, seg.start), "end_s": _time(analysis, seg.stop - 1),
        "score": _num(j.score, 1) if j else None,
        "corrections": [v.correction for v in j.corrections] if j else [],
        "story": seg.story.to_dict(analysis.track.times),
    }


def score_line(j: Judgement, view: str) -> str:
    """ "85/100 (4 of 5 criteria judged, front view)", or why there is no score."""
    judged, total = j.judged_count
    what = say("judged_of", judged=judged, total=total, view=view.replace("_", "-"))
    if j.score is None:
        return say("no_score", what=what)
    return f"{score_text(j.score)}/100" + (f" ({what})" if judged < total else "")


def turned_away(analysis: Analysis) -> bool:
    """Whether she has her back to the camera over most of the clip (measures.facing_away)."""
    from technique.analysis.direction import back_turned

    away = analysis.measures.get("facing_away")
    return away is not None and back_turned(away)


def view_words(analysis: Analysis) -> str:
    """The view as a teacher says it: "front", "three-quarter", "side", or "back" for a front view with
    her back to the camera (the product's views, which criteria name, count a back view as front)."""
    return "back" if analysis.view == "front" and turned_away(analysis) else analysis.view.replace("_", "-")


def facing_words(analysis: Analysis) -> str:
    """Which way the dancer faces in the picture, from the body itself (measures.facing_x, facing_away)."""
    facing = analysis.measures.get("facing_x")
    if facing is None or not np.isfinite(facing).any():
        return say("facing_unknown")
    median = float(np.nanmedian(facing))
    if analysis.view == "front" or abs(median) < 0.3:
        return say("facing_away" if turned_away(analysis) else "facing_camera")
    return say("facing_right" if median > 0 else "facing_left")


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


def clip_name(analysis: Analysis) -> str:
    """The clip's file name, and in a class clip which dancer ("class.mp4, dancer 2 of 3 from the left")."""
    name = printable(Path(analysis.info.source).name)
    if analysis.dancer is None:
        return name
    return say("clip_dancer", name=name, number=analysis.dancer[0], count=analysis.dancer[1])


def class_summary(name: str, count: int, dancers: list) -> str:
    """A class clip in one line, after each dancer's report: "class.mp4: 3 dancers, counted from the left:
    1 Arabesque 100/100 · 2 Développé devant 100/100 · 3 not recognised". `dancers`: (number, Analysis or
    the error that says why she wasn't judged)."""
    parts = []
    for number, analysis in dancers:
        if not isinstance(analysis, Analysis):
            said = say("class_not_judged")
        elif analysis.judgement is not None:
            said = f"{analysis.judgement.reference.title} {score_text(analysis.judgement.score)}/100"
        else:
            named = [seg.judgement.reference.title for seg in analysis.segments if seg.judgement]
            said = ", ".join(named) if named else say("class_not_recognised")
        parts.append(f"{number} {said}")
    return say("class_summary", name=printable(name), count=count, dancers=" · ".join(parts))


def summary_text(analysis: Analysis) -> str:
    """What a teacher would read: movement, score, each criterion, corrections in order."""
    name = clip_name(analysis)
    j = analysis.judgement
    lines = []
    judged = [seg for seg in analysis.segments if seg.judgement]
    view = view_words(analysis)
    if j is None and len(judged) > 1:
        lines.append(say("summary_movements", name=name, count=len(judged), leg=analysis.working_leg, view=view))
        for k, seg in enumerate(judged, 1):
            sj = seg.judgement
            score = score_line(sj, view)
            lines.append(f"  {k}. {sj.reference.title} ({analysis.track.times[seg.start]:.1f}–"
                         f"{analysis.track.times[seg.stop - 1]:.1f} s, {seg.confidence or 0:.0%}): score {score}")
            if seg.explanation:
                lines.append("       " + say("because_lower", why=seg.explanation))
            for v in sj.corrections:
                lines.append("       - " + say("correction_at", correction=v.correction, at=analysis.track.times[v.worst_frame]))
    elif j is None:
        lines.append(say("summary_not_recognised", name=name, view=view))
    else:
        how = say("given") if analysis.movement_given else say(
            "recognised", confidence=dict(analysis.recognition).get(j.reference.name, 0))
        lines.append(say("summary_movement", name=name, title=j.reference.title, how=how, leg=analysis.working_leg,
                         view=view, facing=facing_words(analysis)))
        if analysis.explanation:
            lines.append("  " + say("seen" if analysis.movement_given else "because", why=analysis.explanation))
        score = score_line(j, view)
        worst = "" if j.worst_frame is None else say("worst_at", at=analysis.track.times[j.worst_frame])
        lines.append("  " + say("score", score=score, worst=worst))
        for v in j.verdicts:
            c = v.criterion
            if v.judged:
                from technique.wording import format_value, good_band

                lines.append(f"  {SYMBOLS[v.verdict]} {c.name:<34} {format_value(c.measure, v.value):>16}  "
                             f"{v.verdict} (good {good_band(c.good, c.acceptable)})" + (f" {v.note}" if v.note else ""))
            else:
                lines.append(f"  · {c.name:<34} {'':>16}  {v.note}")
        if j.corrections:
            lines.append("  " + say("corrections"))
            for k, v in enumerate(j.corrections, 1):
                lines.append(f"    {k}. " + say("correction_at", correction=v.correction,
                                                 at=analysis.track.times[v.worst_frame]))
        for note in j.notes:
            lines.append("  " + say("note", note=note))
    lines += story_lines(analysis)
    if analysis.comparison:
        c = analysis.comparison
        joints = ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in c.joints.items())
        lines.append("  " + say("compared_with", reference=c.reference, similarity=c.similarity, joints=joints))
        lines.append(f"    {c.message}")
    for warning in analysis.warnings:
        lines.append("  " + say("warning", warning=warning))
    return "\n".join(lines)


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
    from technique.analysis.motion import RELEVE_LIFT

    lines = []
    times = analysis.track.times
    for seg in analysis.segments:
        story = seg.story
        if seg.movement is None:  # nothing to tell in time about a movement that wasn't recognised
            continue
        phases = ", ".join(f"{p.name} {times[p.start]:.1f}–{times[p.stop - 1]:.1f} s" for p in story.phases)
        lines.append(f"  In time ({seg.movement}, {times[seg.start]:.1f}–{times[seg.stop - 1]:.1f} s)"
                     + (f": {phases}" if phases else ""))
        facts = [f"{row['In time']}: {row['Value']}" for row in story_rows(story)]
        if facts:
            lines.append("    " + "; ".join(facts))
        for turn in story.turns:
            leg = f"leg at second {turn.extension_height:.0f}°, " if np.isfinite(turn.extension_height) else ""
            lines.append(f"    turn {turn.index}: {turn.duration_s:.2f} s, {leg}"
                         f"passé {turn.passe_toe_to_knee:+.2f} shank from the knee, plié {turn.plie_depth:.0f}°, "
                         f"{'relevé' if turn.releve > RELEVE_LIFT else 'flat foot'}")
        for note in story.notes:
            lines.append("    " + say("note", note=note))
    return lines


def prepare_folder(folder: str | os.PathLike, root: str | os.PathLike | None = None) -> Path:
    """Create the output folder (no link below `root` on the way) and check it can be written."""
    folder = Path(folder)
    make_folders(root if root is not None else folder, folder, "output folder")
    if not os.access(folder, os.W_OK):
        raise OutputError(folder, "the output folder is not writable")
    return folder


@dataclass(frozen=True)
class KeyLine:
    """One key angle on a frame of the annotated video: its words and band (None: not judged here)."""

    text: str
    band: str | None


@dataclass(frozen=True)
class FrameMarks:
    """What one frame of the annotated video says, decided before anything is drawn.

    A criterion is coloured, and may give the correction, only on the frames of its moment (the
    hold of an arabesque, the extension of a développé); elsewhere its value is shown in grey.
    """

    title: str
    lines: tuple[KeyLine, ...]
    cue: str
    worst: bool  # near the clip's worst moment (only when something needs correcting)
    time_s: float


def worst_moment(judgement) -> int | None:
    """The frame of the worst moment, or None when nothing needs correcting."""
    if judgement is None or not judgement.corrections:
        return None
    return judgement.worst_frame


def judging_frame(c, judgement, analysis: Analysis, index: int) -> bool:
    """True when criterion `c` is judged on frame `index`: seen from a view it can be judged from,
    and the frame lies in its moment (for "all", any frame with the dancer found)."""
    if judgement.view not in c.views:
        return False
    if c.moment == "all":
        return bool(analysis.track.detected[index])
    span = judgement.spans.get(c.moment)
    return span is not None and bool(np.any(span.frames == index))


def frame_marks(analysis: Analysis, index: int) -> FrameMarks:
    """The annotated video's decisions for frame `index`: key angles and their bands, the correction,
    whether it is the worst moment. The correction is live practice's rule (judge.frame_cue) on the
    frames of the moments found in the whole clip."""
    from technique.judging.judge import doubt_given, frame_cue, key_criteria
    from technique.wording import format_value

    j = analysis.judgement or next((seg.judgement for seg in analysis.segments
                                    if seg.start <= index < seg.stop and seg.judgement), None)
    time_s = float(analysis.track.times[index])
    def titled(title: str) -> str:  # in a class clip, whom the skeleton is
        return title if analysis.dancer is None else say("dancer_title", number=analysis.dancer[0], title=title)

    if j is None:
        return FrameMarks(titled(say("not_recognised_title")), (), "", False, time_s)
    row = {k: float(v[index]) for k, v in analysis.measures.items()}
    judged = [v.criterion for v in j.verdicts if v.judged]

    def in_verdicts(c) -> bool:
        return any(c is k for k in judged)

    def here(c) -> bool:  # only what the clip's verdicts judge is corrected on its frames
        return in_verdicts(c) and judging_frame(c, j, analysis, index)

    lines = []
    for c in key_criteria(j.reference, j.view, judged=in_verdicts):
        value = row[c.measure]
        band = band_of(doubt_given(value, c, j.view), c) if np.isfinite(value) and here(c) else None
        lines.append(KeyLine(f"{c.name}: {format_value(c.measure, value)}", band))
    cue, _ = frame_cue(j.reference, row, j.view, judged_here=here)
    worst = worst_moment(j)
    near = worst is not None and abs(index - worst) <= analysis.info.fps * 0.25
    return FrameMarks(titled(j.reference.title), tuple(lines), cue, near, time_s)


def annotate_frame(image: np.ndarray, analysis: Analysis, index: int, blur_faces: bool = False) -> np.ndarray:
    """One frame of the annotated video: skeleton, key angles coloured by band while their moment is
    held, the correction of this frame, the worst moment marked."""
    from technique.outputs.overlay import GREY, RED, VERDICT_COLOURS, WHITE, draw_panel, draw_skeleton

    if blur_faces:
        from technique.outputs.privacy import blur_face

        blur_face(image, analysis.track.pixels[index])
    draw_skeleton(image, analysis.track.pixels[index], analysis.working_leg)
    marks = frame_marks(analysis, index)
    lines = [(line.text, VERDICT_COLOURS[line.band] if line.band else GREY) for line in marks.lines]
    footer = f"{'Worst moment  ' if marks.worst else ''}{marks.time_s:.2f} s"
    draw_panel(image, marks.title, lines, marks.cue, footer, footer_colour=RED if marks.worst else WHITE)
    return image


def write_annotated_video(analysis: Analysis, source: str | os.PathLike, path: Path,
                          blur_faces: bool = False, root: str | os.PathLike | None = None) -> Path:
    """Re-read the clip and write the annotated H.264 MP4 (plays in browsers).

    Decoding and drawing run in a thread while this one encodes, so both cores are busy. Every wait
    is bounded: an error on either side stops both and removes the partial file (see prefetched).
    """
    from contextlib import closing

    from technique.capture.video import VideoReader, VideoWriter, prefetched

    writer = VideoWriter(path, analysis.info.fps, (analysis.info.width, analysis.info.height), root=root)
    count = len(analysis.track.times)

    def annotated(reader):
        for frame in reader:
            if frame.index >= count:
                return
            yield annotate_frame(frame.image, analysis, frame.index, blur_faces)

    try:
        # closing(): the drawing thread has stopped before the reader it decodes from is closed;
        # the clip is read turned as it was analysed (upright)
        with VideoReader(source, turn=analysis.info.turn) as reader, \
                closing(prefetched(annotated(reader), source=str(source))) as images:
            for image in images:
                try:
                    writer.write(image)
                except OSError as exc:  # a full disk, whichever layer of the encoder noticed it
                    raise OutputError(path, f"cannot write the video: {reason_of(exc)}") from None
    except BaseException:
        writer.abort()
        raise
    return writer.close()
