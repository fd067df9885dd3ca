"""The Streamlit app: four pages in the sidebar (run by apps/dashboard_app.py and the checkout's app.py)."""

from __future__ import annotations

from technique.apps.dashboard.images import app_icon
from technique.apps.dashboard.page_live import live_page
from technique.apps.dashboard.page_progress import progress_page
from technique.apps.dashboard.page_review import review_page
from technique.apps.dashboard.page_teacher import teacher_page


def main() -> None:
    """The Streamlit app: four pages in the sidebar."""
    import streamlit as st

    # A drawn icon served by this server: ":material/…" page icons are fetched from Google's font
    # server on every page load, and nothing may leave the machine.
    st.set_page_config(page_title="technique", page_icon=app_icon(), layout="wide")
    pages = [
        st.Page(live_page, title="Live practice", icon=":material/videocam:", default=True),
        st.Page(review_page, title="Review a clip", icon=":material/movie:", url_path="review"),
        st.Page(progress_page, title="Progress", icon=":material/trending_up:", url_path="progress"),
        st.Page(teacher_page, title="Teacher's reference", icon=":material/school:", url_path="teacher"),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":  # pragma: no cover - run through streamlit
    main()
