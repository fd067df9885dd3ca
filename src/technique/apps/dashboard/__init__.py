"""The dashboard (``technique app``): live practice, clip review for teachers, progress, teachers' references.

A thin face over the objects the CLI uses: ``live.LiveCoach`` for the webcam, ``analyser.analyse_clip``
and ``report`` for clips (with ``motion``'s story of each movement in time and ``teacher``'s comparison),
``teacher_reference.make_teacher_reference`` for a teacher's demonstration, ``history.History`` for progress.
Nothing here measures or judges.

Rooms, lowest first (each imports only those above it):
  server.py        ``launch(args)``: `streamlit run` with the privacy settings, its messages, stopping it
  webrtc.py        the live stream's server side: the camera's every frame shown, the newest analysed
  images.py        pictures composed for the pages (worst-moment still, side-by-side, the tab's icon)
  charts.py        the plotly figures
  services.py      an upload analysed, a teacher's reference made, references and the history database
  page_*.py        one module per page (live, review, progress, teacher)
  app.py           ``main()``: the pages wired into a Streamlit app (``dashboard_app.py`` and ``app.py`` in
                   a checkout both call it)
"""

from technique.apps.dashboard.app import main
from technique.apps.dashboard.server import launch

__all__ = ["launch", "main"]
