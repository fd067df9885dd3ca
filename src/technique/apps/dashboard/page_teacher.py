"""Teacher's reference: a teacher's demonstration becomes a reference students are judged against."""

from __future__ import annotations

from technique.apps.dashboard.services import (UPLOAD_TYPES, cached_references, make_teacher_reference,
                                               teacher_name_problem)


def teacher_page() -> None:
    import streamlit as st

    from technique.judging.references import user_folder

    references = cached_references()
    st.title("Teacher's reference")
    st.caption("Film yourself demonstrating a movement; technique keeps your angles over time and your skeleton "
               "(not the video) as a reference. Students' clips can then be reviewed against it: choose it as "
               "the movement on Review a clip or Live practice.")
    built_in = [n for n, r in references.items() if "teacher" not in r.extra]
    names = [None, *built_in]
    with st.form("teacher", clear_on_submit=False, border=False):
        upload = st.file_uploader("Demonstration clip (mp4, mov or webm)", type=list(UPLOAD_TYPES),
                                  key="teacher_upload")
        c1, c2, c3 = st.columns([2, 2, 1])
        name = c1.text_input("Name", key="teacher_name", placeholder="Miss Anna arabesque")
        movement = c2.selectbox("Movement demonstrated", names, key="teacher_movement",
                                format_func=lambda n: "Recognise it from the clip" if n is None
                                else references[n].title)
        leg = c3.radio("Working leg", ("auto", "left", "right"), horizontal=True, key="teacher_leg",
                       format_func=lambda s: s.title())
        overwrite = st.checkbox("Replace my existing reference if it is called the same", key="teacher_overwrite")
        submitted = st.form_submit_button("Make the reference")
    if submitted:
        st.session_state["teacher_message"] = make_reference(upload, name, movement, leg, references, overwrite)
        references = cached_references()  # with the new one
    if "teacher_message" in st.session_state:
        kind, text = st.session_state["teacher_message"]
        (st.success if kind == "success" else st.error)(text)
    mine = [r for r in references.values() if "teacher" in r.extra]
    st.markdown("**Teachers' references**")
    if not mine:
        st.caption(f"None yet. They are kept in {user_folder()}.")
        return
    st.table([{"Name": r.name, "Title": r.title, "Movement": r.extra["teacher"].get("base", ""),
               "Clip": r.extra["teacher"].get("clip", ""), "Working leg": r.extra["teacher"].get("working_leg", ""),
               "View": str(r.extra["teacher"].get("view", "")).replace("_", "-")} for r in mine])
    st.caption(f"Kept in {user_folder()}.")


def make_reference(upload, name: str, movement: str | None, leg: str, references: dict,
                   overwrite: bool) -> tuple[str, str]:
    """The form submitted: the reference made and saved, with a progress bar. Returns the page's
    message as ("success" or "error", text)."""
    import streamlit as st

    from technique.errors import TechniqueError
    from technique.judging.references import user_folder

    problem = teacher_name_problem(name, references, overwrite) if upload is not None else (
        "Choose the demonstration clip first.")
    if problem:
        return "error", problem
    bar = st.progress(0.0, text="Analysing…")
    try:
        data, path = make_teacher_reference(upload, upload.name, name, movement, leg, references,
                                            progress=lambda f, text: bar.progress(f, text=text),
                                            overwrite=overwrite)
    except TechniqueError as exc:
        return "error", f"{upload.name} can't be used: {exc.reason}"
    except OSError as exc:
        return "error", f"The reference can't be saved in {user_folder()}: {exc.strerror or exc}"
    finally:
        bar.empty()
    replaced = " (it replaces the earlier one of that name)" if data["name"] in references else ""
    return "success", (f"Saved “{data['title']}” as {data['name']}{replaced}, in {path.parent}. "
                       "Choose it as the movement on Review a clip or Live practice.")
