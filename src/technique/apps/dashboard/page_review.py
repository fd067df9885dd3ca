"""Review a clip: upload, analyse, then the corrections, the annotated replay, the worst moment,
the criteria, the movements in time, the comparison with a teacher's reference and the downloads."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from technique.apps.dashboard.charts import (angle_figure, comparison_figure, segment_title, time_at,
                                             timeline_figure)
from technique.apps.dashboard.services import (UPLOAD_TYPES, Review, cached_references, db_path,
                                               review_clip)
from technique.apps.dashboard.server import MAX_UPLOAD_MB
from technique.judging.judge import score_text
from technique.outputs.report import story_rows, view_words, worst_moment
from technique.wording import passe_words

VERDICT_WORDS = {"good": "✓ good", "acceptable": "~ acceptable", "fault": "✗ fault",
                 "not_assessable": "· not assessable", "not_visible": "· not visible",
                 "moment_not_found": "· position not reached"}


def review_page() -> None:
    import streamlit as st

    from technique.errors import TechniqueError

    references = cached_references()
    st.title("Review a clip")
    cap_mb = int(st.get_option("server.maxUploadSize") or MAX_UPLOAD_MB)
    names = [None, *references]
    c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
    movement = c1.selectbox("Movement", names, key="review_movement",
                            format_func=lambda n: "Recognise it from the clip" if n is None else references[n].title)
    leg = c2.radio("Working leg", ("auto", "left", "right"), horizontal=True, key="review_leg",
                   format_func=lambda s: s.title())
    dancer = c3.number_input("Dancer", min_value=0, max_value=12, value=0, step=1, key="review_dancer",
                             help="A class clip: the dancer to judge, counted from the left of the picture "
                                  "(1 is the leftmost). 0: the one the coach finds.")
    blur = c4.toggle("Blur faces", value=True, key="review_blur",
                     help="Blur faces in the replay, the still and the downloaded video (many students are children).")
    upload = st.file_uploader("Clip (mp4, mov or webm)", type=list(UPLOAD_TYPES), key="review_upload")
    st.caption(f"Up to {cap_mb} MB. The clip is analysed on this computer and its temporary copy is deleted "
               "straight after; nothing leaves the machine.")
    if upload is None:
        return
    key = (upload.file_id, movement, leg, blur, dancer)
    if st.session_state.get("review_key") != key:
        st.session_state.pop("review", None)
        st.session_state.pop("review_error", None)
        st.session_state["review_key"] = key
        if upload.size > cap_mb * 1024 * 1024:
            st.session_state["review_error"] = (f"{upload.name} is {upload.size / 2**20:.1f} MB; clips up to "
                                                f"{cap_mb} MB can be reviewed. Trim it to the movement.")
        else:
            bar = st.progress(0.0, text="Analysing…")
            try:
                st.session_state["review"] = review_clip(
                    upload, upload.name, movement, leg, blur, references,
                    progress=lambda f, text: bar.progress(f, text=text), dancer=int(dancer) or None)
            except TechniqueError as exc:
                st.session_state["review_error"] = f"{upload.name} can't be reviewed: {exc.reason}"
            finally:
                bar.empty()
    if "review_error" in st.session_state:
        st.error(st.session_state["review_error"])
        return
    show_review(st.session_state["review"])


def show_review(review: Review) -> None:
    import json

    import streamlit as st

    report, analysis = review.report, review.analysis
    movement = report["movement"]
    judged = [seg for seg in analysis.segments if seg.judgement is not None]
    if movement:
        how = "named" if movement["given"] else f"recognised, {movement['confidence']:.0%}"
        st.subheader(f"{movement['title']} ({how})")
        score = "—" if report["score"] is None else f"{score_text(report['score'])}/100"
        st.markdown(f"**Score {score}** · {report['working_leg']} leg working · "
                    f"{view_words(analysis)} view")
    elif len(judged) > 1:
        st.subheader(f"{len(judged)} movements: " + ", ".join(segment_title(seg) for seg in judged))
        st.markdown(f"{report['working_leg'].title()} leg working · {view_words(analysis)} view · "
                    "each movement has its own score and corrections under the timeline")
    else:
        st.subheader("Movement not recognised")
    for warning in report["warnings"]:
        st.warning(warning)
    for note in report["notes"]:
        st.info(note)
    if report["corrections"]:
        st.markdown("**Corrections, most important first**\n\n" + "\n".join(
            f"{k}. {c['text']} (at {c['worst_time_s']:.2f} s)" for k, c in enumerate(report["corrections"], 1)))
    left, right = st.columns([1, 1])  # the still as large as the replay: it is the one to look at
    with left:
        st.markdown("**Annotated replay**")
        st.video(review.video, format="video/mp4")
    with right:
        worst = worst_moment(analysis.judgement)
        if review.still is not None and worst is not None:
            st.markdown(f"**Worst moment** ({float(analysis.track.times[worst]):.2f} s)")
            st.image(review.still, width="stretch")
        elif analysis.judgement is not None:
            st.markdown("**Nothing to correct**: every criterion judged is in its good band, so there is "
                        "no worst moment.")
    if report["criteria"]:
        st.markdown("**Criteria**")
        st.table(criteria_rows(report))
    show_movements_in_time(analysis, report)
    if analysis.comparison is not None:
        show_comparison(review)
    figure = angle_figure(analysis)
    if figure is not None:
        st.markdown("**Angles over time** (green: good band, amber: acceptable, grey: the position judged, "
                    "dark cross: each criterion's lowest score, red line: the worst moment)")
        st.plotly_chart(figure)
    stem = Path(review.name).stem or "clip"
    if analysis.dancer is not None:  # one dancer of a class clip: her own files
        stem = f"{stem}-dancer-{analysis.dancer[0]}"
    d1, d2, d3 = st.columns(3)
    d1.download_button("Report (JSON)", json.dumps(report, indent=2, ensure_ascii=False),
                       file_name=f"{stem}-report.json", mime="application/json", on_click="ignore")
    d2.download_button("Per-frame measures (CSV)", review.frames_csv, file_name=f"{stem}-frames.csv",
                       mime="text/csv", on_click="ignore")
    d3.download_button("Annotated video (MP4)", review.video, file_name=f"{stem}-annotated.mp4",
                       mime="video/mp4", on_click="ignore")
    save_form(review)


def show_movements_in_time(analysis, report: dict) -> None:
    """The timeline, then each movement's time metrics (with its score and corrections when the
    clip holds several movements)."""
    import streamlit as st

    figure = timeline_figure(analysis)
    if figure is None:
        return
    keys = ["coloured: the phases"]
    if any(seg.story.turns for seg in analysis.segments):
        keys.append("blue lines: the start of each turn")
    keys.append("red: the worst moment")
    if analysis.comparison is not None:
        keys.append("purple: where you are furthest from the reference")
    st.markdown(f"**Movements in time** ({'; '.join(keys)}; hover a phase for its times)")
    st.plotly_chart(figure, key="timeline")
    times = analysis.track.times
    several = len(analysis.segments) > 1
    for k, (seg, seg_report) in enumerate(zip(analysis.segments, report["segments"]), 1):
        if several:
            score = "" if seg_report["score"] is None else f" · score {score_text(seg_report['score'])}/100"
            confidence = "" if seg.confidence is None else f", {seg.confidence:.0%}"
            st.markdown(f"**{k}. {segment_title(seg)}** ({time_at(times, seg.start):.1f}–{time_at(times, seg.stop):.1f} s"
                        f"{confidence}){score}")
            if seg_report["corrections"]:
                st.markdown("\n".join(f"- {text}" for text in seg_report["corrections"]))
            elif seg.judgement is not None:
                st.markdown("- Nothing to correct.")
        rows = story_rows(seg.story)
        if rows:
            st.columns([1, 1])[0].table(rows)
        turns = turn_rows(seg.story, times)
        if turns:
            st.table(turns)
        for note in seg.story.notes:
            st.caption(note)


def show_comparison(review: Review) -> None:
    """Similarity to a teacher's reference, per joint, the biggest departure in words and the
    side-by-side at that moment."""
    import streamlit as st

    analysis = review.analysis
    c = analysis.comparison
    title = analysis.reference.title if analysis.reference is not None else c.reference
    st.markdown(f"**Compared with the teacher's reference {title}**")
    left, right = st.columns([1, 2])
    with left:
        st.metric("Similarity to the reference", f"{c.similarity:.0%}")
        st.plotly_chart(comparison_figure(c), key="comparison")
    with right:
        st.info(c.message)
        if review.side_by_side is not None:
            st.image(review.side_by_side, width="stretch",
                     caption=f"At {c.worst_time_s:.2f} s: you (left) and the reference at the same point of the "
                             "movement (right, her skeleton at your height, facing your way).")


def save_form(review: Review) -> None:
    import streamlit as st

    from technique.outputs.history import History, HistoryError

    st.markdown("**Save to progress**")
    with st.form("save", clear_on_submit=False, border=False):
        student = st.text_input("Student's name", key="save_student")
        submitted = st.form_submit_button("Save")
    if submitted:
        if not student.strip():
            st.error("Type the student's name to save this review.")
            return
        try:
            with History(db_path()) as history:
                history.save(student, review.report, review.clip_hash)
        except HistoryError as exc:
            st.error(f"Not saved: the history database {exc.source} {exc.reason}")
            return
        movement = (review.report["movement"] or {}).get("title", "unrecognised movement")
        st.success(f"Saved {review.name} ({movement}) for {student.strip()}. See it on the Progress page.")


def criteria_rows(report: dict) -> list[dict]:
    """The criteria table: value, good band, verdict, correction (or why it couldn't be judged)."""
    from technique.wording import format_value

    rows = []
    for c in report["criteria"]:
        value = c["value"]
        shown = format_value(c["measure"], value) if value is not None else "—"
        rows.append({
            "Criterion": c["name"],
            "Value": shown,
            "Good": f"{c['good'][0]:g} to {c['good'][1]:g}" + ("" if c["unit"] == "degrees" else f" {c['unit']}"),
            "Verdict": VERDICT_WORDS.get(c["verdict"], c["verdict"]),
            "Correction": " ".join(part for part in (c["correction"], c["note"]) if part),
            # the chart's dark cross; only where there is something to correct ("worst" is the red line's word)
            "Lowest score at": "" if c["worst_time_s"] is None or not c["correction"] else f"{c['worst_time_s']:.2f} s",
        })
    return rows


def turn_rows(story, times: np.ndarray) -> list[dict]:
    """One row per turn (a fouetté's, a pirouette's): what a teacher checks in it (from motion.Turn). The
    leg's height at second only where the leg opens to second (a fouetté)."""
    rows = []
    opens = any(np.isfinite(turn.extension_height) for turn in story.turns)
    for turn in story.turns:
        d = turn.to_dict(times)

        def shown(value, fmt):
            return "—" if value is None else fmt(value)

        leg = {"Leg at second": shown(d["extension_height"], "{:.0f}°".format)} if opens else {}
        rows.append({
            "Turn": d["turn"], "From": f"{d['start_s']:.2f} s", "Duration": shown(d["duration_s"], "{:.2f} s".format),
            **leg,
            "Passé: toe from the knee (shank lengths)": passe_words(d["passe_toe_to_knee"], short=True),
            "Plié": shown(d["plie_depth"], "{:.0f}°".format),
            "Relevé": {True: "yes", False: "flat foot", None: "—"}[d["relevé"]],
            "Travel (of her height)": shown(d["travel_body_heights"], "{:.1%}".format),
        })
    return rows
