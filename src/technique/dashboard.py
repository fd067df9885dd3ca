"""The dashboard (``technique app``): live practice, clip review for teachers, progress.

A thin face over the objects the CLI uses: ``live.LiveCoach`` for the webcam, ``pipeline.analyse_clip``
and ``report`` for clips, ``history.History`` for progress. Nothing here measures or judges.

The pages are plain functions (``live_page``, ``review_page``, ``progress_page``); ``main()`` wires
them into a Streamlit app (``dashboard_app.py`` inside the package, and ``app.py`` in a checkout,
both call it). ``launch(args)`` starts Streamlit on that script with the privacy settings on the
command line, so ``technique app`` behaves the same from any folder.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

# The camera is asked for 24 frames/s: on a 2-core laptop the browser's and the server's VP8 work for
# 30 frames/s leaves too little time for the pose model (benchmarks/live.py --vp8: 18 processed
# frames/s, 187 ms p95 at 30; 23 frames/s, 96 ms p95 at 24), and frames beyond that are only dropped.
LIVE_FPS = 24
MAX_UPLOAD_MB = 200  # also in .streamlit/config.toml; launch() passes it on the command line
UPLOAD_TYPES = ("mp4", "mov", "webm")
VERDICT_WORDS = {"good": "✓ good", "acceptable": "~ acceptable", "fault": "✗ fault",
                 "not_assessable": "· not assessable", "not_visible": "· not visible",
                 "moment_not_found": "· position not reached"}


# --------------------------------------------------------------------------- launching

def streamlit_command(port: int, address: str, script: Path | None = None) -> list[str]:
    """The `streamlit run` command line: usage statistics off, bound to `address`, upload cap."""
    script = script or Path(__file__).with_name("dashboard_app.py")
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", address,
        "--server.headless", "true",  # no e-mail prompt; the URL is printed instead of a browser opening
        "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]


def launch(args) -> int:
    """Run the dashboard until interrupted (args: port, address, db). Returns an exit code."""
    env = dict(os.environ)
    if getattr(args, "db", None):
        env["TECHNIQUE_DB"] = str(Path(args.db).expanduser().resolve())
    print(f"technique dashboard: http://{args.address}:{args.port}  (Ctrl+C to stop)", file=sys.stderr)
    server = subprocess.Popen(streamlit_command(args.port, args.address), env=env)

    def stop(signum, frame):  # a service manager's SIGTERM stops the server too
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def db_path() -> Path:
    from .history import default_path

    return default_path()


# --------------------------------------------------------------------------- live practice

@dataclass(frozen=True)
class LiveSettings:
    """What the dancer chose on the page; handed to the stream's processor."""

    movement: str | None  # a reference name, or None for free practice
    working_leg: str = "auto"
    mirror: bool = True


def put_latest(box: queue.Queue, item) -> None:
    """Put without blocking; when the page is slow, the oldest result is dropped."""
    while True:
        try:
            box.put_nowait(item)
            return
        except queue.Full:
            try:
                box.get_nowait()
            except queue.Empty:
                pass


def latest(box: queue.Queue, timeout: float):
    """The newest item in the queue (waiting up to `timeout` for one), or None."""
    try:
        item = box.get(timeout=timeout)
    except queue.Empty:
        return None
    while True:
        try:
            item = box.get_nowait()
        except queue.Empty:
            return item


def coach_processor_class():
    """The streamlit-webrtc video processor (built lazily: streamlit_webrtc imports aiortc)."""
    from streamlit_webrtc import VideoProcessorBase

    class CoachProcessor(VideoProcessorBase):
        """One per stream: owns its LiveCoach (and so its own pose estimator). Runs on the
        stream's worker thread; it only computes and hands LiveState objects to `results`."""

        def __init__(self, references: dict, settings: LiveSettings):
            from .live import LiveCoach

            self.references = references
            self.results: queue.Queue = queue.Queue(maxsize=4)
            self._wanted = self._applied = settings
            self._lock = threading.Lock()
            self._closed = False
            self._clock_start: float | None = None
            self.coach = LiveCoach(self._reference(settings), settings.working_leg, settings.mirror)

        def _reference(self, settings: LiveSettings):
            return self.references.get(settings.movement) if settings.movement else None

        def update(self, settings: LiveSettings) -> None:
            """Called from the page: the next frame picks the new settings up."""
            self._wanted = settings

        def recv(self, frame):
            import av

            with self._lock:
                if self._closed:
                    return frame
                wanted = self._wanted
                if wanted != self._applied:
                    self.coach.configure(self._reference(wanted), wanted.working_leg, wanted.mirror)
                    self._applied = wanted
                now = time.monotonic()
                if self._clock_start is None:
                    self._clock_start = now
                time_s = float(frame.time) if frame.time is not None else now - self._clock_start
                image, state = self.coach.process(frame.to_ndarray(format="bgr24"), time_s)
            put_latest(self.results, state)
            return av.VideoFrame.from_ndarray(image, format="bgr24")

        def on_ended(self):
            with self._lock:
                if not self._closed:
                    self._closed = True
                    self.coach.close()

    return CoachProcessor


def live_status_markdown(state) -> tuple[str, str]:
    """(correction, details) for the page, from a LiveState."""
    cue = state.cue or ("Hold it." if state.holding else "—")
    hold = f" · hold {state.hold_s:.1f} s (best {state.best_hold_s:.1f} s)" if state.movement else ""
    details = (f"Frame {state.frame} · {state.fps:.1f} frames/s · {state.process_ms:.0f} ms per frame · "
               f"{state.working_leg} leg · {state.view.replace('_', '-')} view{hold}")
    return cue, details


def live_page() -> None:
    import streamlit as st
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    references = cached_references()
    st.title("Live practice")
    st.caption("Stand back so the camera sees you from head to feet, side-on for arabesque and développé. "
               "Nothing is recorded: frames are analysed on this computer and dropped.")
    names = [None, *references]
    c1, c2, c3 = st.columns([2, 2, 1])
    movement = c1.selectbox("Movement", names, index=names.index("arabesque") if "arabesque" in names else 0,
                            format_func=lambda n: "Free practice (no movement)" if n is None else references[n].title,
                            key="live_movement")
    leg = c2.radio("Working leg", ("auto", "left", "right"), horizontal=True, key="live_leg",
                   format_func=lambda s: "Auto" if s == "auto" else f"{s.title()} (your own {s})")
    mirror = c3.toggle("Mirror", value=True, key="live_mirror")
    settings = LiveSettings(movement, leg, mirror)
    processor = coach_processor_class()
    ctx = webrtc_streamer(
        key="live",
        mode=WebRtcMode.SENDRECV,
        rtc_configuration={"iceServers": []},  # on localhost no STUN/TURN server is needed (see README)
        media_stream_constraints={"video": {"width": {"ideal": 640}, "height": {"ideal": 480},
                                            "frameRate": {"ideal": LIVE_FPS, "max": LIVE_FPS}}, "audio": False},
        video_processor_factory=lambda: processor(references, settings),
        async_processing=True,
        video_html_attrs={"autoPlay": True, "controls": False, "muted": True, "style": {"width": "100%"}},
    )
    cue_box, details_box = st.empty(), st.empty()
    if not ctx.state.playing:
        cue_box.info("Press START and allow the camera. The correction appears on the video and here.")
        return
    last = 0.0
    while ctx.state.playing:
        proc = ctx.video_processor
        if proc is None:
            time.sleep(0.1)
            continue
        proc.update(settings)
        state = latest(proc.results, timeout=1.0)
        if state is None:
            continue
        cue, details = live_status_markdown(state)
        cue_box.markdown(f"### Correction: {cue}")
        details_box.caption(details)
        spent = time.monotonic() - last
        last = time.monotonic()
        time.sleep(max(0.0, 0.25 - spent))  # the page needs only a few updates a second


# --------------------------------------------------------------------------- review a clip

@dataclass(frozen=True)
class Review:
    """A clip analysed for the review page, with everything the page and the downloads need."""

    name: str
    analysis: object  # pipeline.Analysis
    report: dict
    frames_csv: str
    video: bytes  # annotated H.264 MP4
    still: np.ndarray | None  # the worst moment, annotated, RGB
    clip_hash: str


def safe_name(name: str) -> str:
    """A file name safe to write in a temp folder (keeps the extension, drops any path)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "clip"
    return base[:120]


def review_clip(upload, name: str, movement: str | None = None, working_leg: str = "auto",
                blur_faces: bool = True, references: dict | None = None,
                progress: Callable[[float, str], None] | None = None) -> Review:
    """Analyse an uploaded clip (a file-like object or bytes) in a temp folder that is always removed.

    Raises a TechniqueError subclass (with .reason) for a clip that can't be scored.
    """
    import shutil

    from .history import content_hash
    from .pipeline import AnalysisConfig, analyse_clip
    from .report import frames_table, report_dict, write_annotated_video

    def tell(fraction: float, text: str) -> None:
        if progress:
            progress(min(max(fraction, 0.0), 1.0), text)

    with tempfile.TemporaryDirectory(prefix="technique-upload-") as folder:
        path = Path(folder) / safe_name(name)
        with open(path, "wb") as handle:
            if isinstance(upload, (bytes, bytearray)):
                handle.write(upload)
            else:
                upload.seek(0)
                shutil.copyfileobj(upload, handle, 1 << 20)
        tell(0.0, "Finding the dancer…")
        analysis = analyse_clip(
            path, movement, AnalysisConfig(working_leg=working_leg), references,
            progress=lambda done, total: tell(0.8 * done / max(total, done, 1),
                                              f"Finding the dancer… frame {done} of {max(total, done)}"))
        report = report_dict(analysis)
        report["clip"]["path"] = name  # the temp folder means nothing to the reader
        tell(0.8, "Writing the annotated video…")
        video = write_annotated_video(analysis, path, Path(folder) / "annotated.mp4", blur_faces).read_bytes()
        tell(0.95, "Picking the worst moment…")
        still = worst_still(analysis, path, blur_faces)
        clip_hash = content_hash(path)
    tell(1.0, "Done")
    return Review(name, analysis, report, frames_table(analysis), video, still, clip_hash)


def worst_still(analysis, source: Path, blur_faces: bool) -> np.ndarray | None:
    """The annotated frame of the worst moment (RGB), or None when there is none."""
    from .report import annotate_frame
    from .video import VideoReader

    j = analysis.judgement
    if j is None or j.worst_frame is None:
        return None
    with VideoReader(source) as reader:
        for frame in reader:
            if frame.index == j.worst_frame:
                return annotate_frame(frame.image, analysis, frame.index, blur_faces)[:, :, ::-1].copy()
    return None


def criteria_rows(report: dict) -> list[dict]:
    """The criteria table: value, good band, verdict, correction (or why it couldn't be judged)."""
    from .overlay import format_value

    rows = []
    for c in report["criteria"]:
        value = c["value"]
        shown = format_value(c["measure"], value) if value is not None else "—"
        rows.append({
            "Criterion": c["name"],
            "Value": shown,
            "Good": f"{c['good'][0]:g} to {c['good'][1]:g}" + ("" if c["unit"] == "degrees" else f" {c['unit']}"),
            "Verdict": VERDICT_WORDS.get(c["verdict"], c["verdict"]),
            "Correction": c["correction"] or c["note"] or "",
            "Worst at": "" if c["worst_time_s"] is None else f"{c['worst_time_s']:.2f} s",
        })
    return rows


def angle_figure(analysis):
    """Each judged criterion's measure over time: good band shaded green, acceptable amber,
    the criterion's moment shaded grey and the clip's worst moment marked in red."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from .measures import UNITS

    j = analysis.judgement
    judged = [v for v in j.verdicts if v.judged] if j else []
    if not judged:
        return None
    times = analysis.track.times
    fig = make_subplots(rows=len(judged), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[v.criterion.name for v in judged])
    worst_t = float(times[j.worst_frame]) if j.worst_frame is not None else None
    for row, v in enumerate(judged, start=1):
        c = v.criterion
        series = np.asarray(analysis.measures[c.measure], dtype=float)
        fig.add_hrect(y0=c.acceptable[0], y1=c.acceptable[1], fillcolor="orange", opacity=0.12,
                      line_width=0, row=row, col=1, exclude_empty_subplots=False, layer="below")
        fig.add_hrect(y0=c.good[0], y1=c.good[1], fillcolor="green", opacity=0.18, line_width=0, row=row, col=1,
                      exclude_empty_subplots=False, layer="below")
        span = j.spans.get(c.moment)
        if span is not None:
            fig.add_vrect(x0=float(times[span.frames[0]]), x1=float(times[span.frames[-1]]),
                          fillcolor="grey", opacity=0.12, line_width=0, row=row, col=1,
                          exclude_empty_subplots=False, layer="below")
        fig.add_trace(go.Scatter(x=times, y=np.where(np.isfinite(series), series, None), mode="lines",
                                 name=c.name, line={"color": "#1f4e9c"}, showlegend=False,
                                 connectgaps=False), row=row, col=1)
        if v.worst_frame is not None:
            fig.add_trace(go.Scatter(x=[float(times[v.worst_frame])], y=[v.worst_value], mode="markers",
                                     marker={"color": "red", "size": 9, "symbol": "x"},
                                     name="worst", showlegend=False), row=row, col=1)
        if worst_t is not None:
            fig.add_vline(x=worst_t, line_color="red", line_dash="dash", row=row, col=1)
        fig.update_yaxes(title_text=UNITS.get(c.measure, "degrees"), row=row, col=1)
    fig.update_xaxes(title_text="time (s)", row=len(judged), col=1)
    fig.update_layout(height=170 * len(judged) + 80, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def review_page() -> None:
    import streamlit as st

    from .errors import TechniqueError

    references = cached_references()
    st.title("Review a clip")
    cap_mb = int(st.get_option("server.maxUploadSize") or MAX_UPLOAD_MB)
    names = [None, *references]
    c1, c2, c3 = st.columns([2, 2, 1])
    movement = c1.selectbox("Movement", names, key="review_movement",
                            format_func=lambda n: "Recognise it from the clip" if n is None else references[n].title)
    leg = c2.radio("Working leg", ("auto", "left", "right"), horizontal=True, key="review_leg",
                   format_func=lambda s: s.title())
    blur = c3.toggle("Blur faces", value=True, key="review_blur",
                     help="Blur faces in the replay, the still and the downloaded video (many students are children).")
    upload = st.file_uploader("Clip (mp4, mov or webm)", type=list(UPLOAD_TYPES), key="review_upload")
    st.caption(f"Up to {cap_mb} MB. The clip is analysed on this computer and its temporary copy is deleted "
               "straight after; nothing leaves the machine.")
    if upload is None:
        return
    key = (upload.file_id, movement, leg, blur)
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
                    progress=lambda f, text: bar.progress(f, text=text))
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
    if movement:
        how = "named" if movement["given"] else f"recognised, {movement['confidence']:.0%}"
        st.subheader(f"{movement['title']} ({how})")
        score = "—" if report["score"] is None else f"{report['score']:.0f}/100"
        st.markdown(f"**Score {score}** · {report['working_leg']} leg working · "
                    f"{report['view'].replace('_', '-')} view")
    else:
        st.subheader("Movement not recognised")
    for warning in report["warnings"]:
        st.warning(warning)
    for note in report["notes"]:
        st.info(note)
    if report["corrections"]:
        st.markdown("**Corrections, most important first**\n\n" + "\n".join(
            f"{k}. {c['text']} (at {c['worst_time_s']:.2f} s)" for k, c in enumerate(report["corrections"], 1)))
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Annotated replay**")
        st.video(review.video, format="video/mp4")
    with right:
        if review.still is not None:
            worst = report["worst_moment"]
            st.markdown(f"**Worst moment** ({worst['time_s']:.2f} s)")
            st.image(review.still, width="stretch")
    if report["criteria"]:
        st.markdown("**Criteria**")
        st.table(criteria_rows(report))
        figure = angle_figure(analysis)
        if figure is not None:
            st.markdown("**Angles over time** (green: good band, amber: acceptable, grey: the position judged, "
                        "red: the worst moment)")
            st.plotly_chart(figure)
    stem = Path(review.name).stem or "clip"
    d1, d2, d3 = st.columns(3)
    d1.download_button("Report (JSON)", json.dumps(report, indent=2, ensure_ascii=False),
                       file_name=f"{stem}-report.json", mime="application/json", on_click="ignore")
    d2.download_button("Per-frame measures (CSV)", review.frames_csv, file_name=f"{stem}-frames.csv",
                       mime="text/csv", on_click="ignore")
    d3.download_button("Annotated video (MP4)", review.video, file_name=f"{stem}-annotated.mp4",
                       mime="video/mp4", on_click="ignore")
    save_form(review)


def save_form(review: Review) -> None:
    import streamlit as st

    from .history import History

    st.markdown("**Save to progress**")
    with st.form("save", clear_on_submit=False, border=False):
        student = st.text_input("Student's name", key="save_student")
        submitted = st.form_submit_button("Save")
    if submitted:
        if not student.strip():
            st.error("Type the student's name to save this review.")
            return
        with History(db_path()) as history:
            history.save(student, review.report, review.clip_hash)
        movement = (review.report["movement"] or {}).get("title", "unrecognised movement")
        st.success(f"Saved {review.name} ({movement}) for {student.strip()}. See it on the Progress page.")


# --------------------------------------------------------------------------- progress

def progress_rows(sessions, references: dict) -> list[dict]:
    rows = []
    for s in sessions:
        ref = references.get(s.movement)
        names = {c.id: c.name for c in ref.criteria} if ref else {}
        faults = [names.get(c, c) for c, (_, verdict, _) in s.criteria.items() if verdict == "fault"]
        rows.append({"Date": f"{saved_at(s):%Y-%m-%d %H:%M}", "Movement": ref.title if ref else s.movement,
                     "Clip": s.clip_name, "Score": "—" if s.score is None else f"{s.score:.0f}",
                     "To work on": ", ".join(faults)})
    return rows


def score_figure(sessions, references: dict):
    """Overall score per saved analysis, one line per movement."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for movement in sorted({s.movement for s in sessions}):
        mine = [s for s in sessions if s.movement == movement and s.score is not None]
        if mine:
            ref = references.get(movement)
            fig.add_trace(go.Scatter(x=[saved_at(s) for s in mine], y=[s.score for s in mine],
                                     mode="lines+markers", name=ref.title if ref else movement))
    fig.update_layout(yaxis={"range": [0, 105], "title": "score"}, height=320,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return _dates_axis(fig, sessions)


def saved_at(session):
    """When a session was saved, in this computer's local time (stored in UTC)."""
    from datetime import datetime

    return datetime.fromisoformat(session.recorded_at).astimezone().replace(tzinfo=None)


def _dates_axis(fig, sessions):
    """Days on the time axis, at least a week wide (one session alone is not shown as milliseconds)."""
    from datetime import timedelta

    times = [saved_at(s) for s in sessions]
    axis = {"type": "date", "tickformat": "%d %b %Y", "hoverformat": "%d %b %Y %H:%M", "title": "saved on"}
    if times and max(times) - min(times) < timedelta(days=7):
        middle = min(times) + (max(times) - min(times)) / 2
        axis["range"] = [middle - timedelta(days=3.5), middle + timedelta(days=3.5)]
    fig.update_xaxes(**axis)
    return fig


def criteria_figure(sessions, reference):
    """Each criterion's score (0-100) per saved analysis of one movement."""
    import plotly.graph_objects as go

    fig = go.Figure()
    ids = list(dict.fromkeys(c for s in sessions for c in s.criteria))
    names = {c.id: c.name for c in reference.criteria} if reference else {}
    for cid in ids:
        points = [(saved_at(s), s.criteria[cid][2]) for s in sessions
                  if cid in s.criteria and s.criteria[cid][2] is not None]
        if points:
            fig.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points],
                                     mode="lines+markers", name=names.get(cid, cid)))
    fig.update_layout(yaxis={"range": [0, 105], "title": "criterion score"}, height=320,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return _dates_axis(fig, sessions)


def progress_page() -> None:
    import streamlit as st

    from .history import History

    references = cached_references()
    st.title("Progress")
    path = db_path()
    with History(path) as history:
        students = history.students()
        if not students:
            st.info("No saved reviews yet. Review a clip, type the student's name and press Save.")
            st.caption(f"History database: {path}")
            return
        student = st.selectbox("Student", students, key="progress_student")
        sessions = history.sessions(student)
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


# --------------------------------------------------------------------------- the app

def cached_references() -> dict:
    import streamlit as st

    @st.cache_resource(show_spinner=False)
    def load() -> dict:
        from .references import load_references

        return load_references()

    return load()


def main() -> None:
    """The Streamlit app: three pages in the sidebar."""
    import streamlit as st

    st.set_page_config(page_title="technique", page_icon=":material/accessibility_new:", layout="wide")
    pages = [
        st.Page(live_page, title="Live practice", icon=":material/videocam:", default=True),
        st.Page(review_page, title="Review a clip", icon=":material/movie:", url_path="review"),
        st.Page(progress_page, title="Progress", icon=":material/trending_up:", url_path="progress"),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":  # pragma: no cover - run through streamlit
    main()
