"""Progress: a student's saved reviews, her score and each criterion over time."""

from __future__ import annotations

from technique.apps.dashboard.charts import criteria_figure, saved_at, score_figure
from technique.apps.dashboard.services import cached_references, db_path
from technique.judging.judge import score_text


def progress_page() -> None:
    import streamlit as st

    from technique.outputs.history import History, HistoryError

    references = cached_references()
    st.title("Progress")
    path = db_path()
    try:
        with History(path) as history:
            students = history.students()
            if not students:
                st.info("No saved reviews yet. Review a clip, type the student's name and press Save.")
                st.caption(f"History database: {path}")
                return
            student = st.selectbox("Student", students, key="progress_student")
            sessions = history.sessions(student)
    except HistoryError as exc:
        st.error(f"The history database {exc.source} {exc.reason}")
        return
    st.subheader(student)
    st.caption(f"{len(sessions)} saved review(s) · history database: {path}")
    st.markdown("**Score over time**")
    st.plotly_chart(score_figure(sessions, references))
    movements = list(dict.fromkeys(s.movement for s in sessions))
    movement = st.selectbox("Movement", movements, key="progress_movement",
                            format_func=lambda m: references[m].title if m in references else m)
    mine = [s for s in sessions if s.movement == movement]
    st.markdown("**Each criterion over time**")
    st.plotly_chart(criteria_figure(mine, references.get(movement)))
    st.table(progress_rows(sessions, references))


def progress_rows(sessions, references: dict) -> list[dict]:
    rows = []
    for s in sessions:
        ref = references.get(s.movement)
        names = {c.id: c.name for c in ref.criteria} if ref else {}
        faults = [names.get(c, s.names.get(c, c)) for c in s.to_work_on]  # every criterion with a correction
        rows.append({"Date": f"{saved_at(s):%Y-%m-%d %H:%M}", "Movement": ref.title if ref else s.movement,
                     "Clip": s.clip_name, "Score": "—" if s.score is None else score_text(s.score),
                     "To work on": ", ".join(faults)})
    return rows
