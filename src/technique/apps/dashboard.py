"""The dashboard (``technique app``): live practice, clip review for teachers, progress, teachers' references.

A thin face over the objects the CLI uses: ``live.LiveCoach`` for the webcam, ``pipeline.analyse_clip``
and ``report`` for clips (with ``motion``'s story of each movement in time and ``teacher``'s comparison),
``teacher_reference.make_teacher_reference`` for a teacher's demonstration, ``history.History`` for progress.
Nothing here measures or judges.

The pages are plain functions (``live_page``, ``review_page``, ``progress_page``, ``teacher_page``); ``main()`` wires
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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from technique.judging.judge import score_text
from technique.outputs.report import passe_words, story_rows, worst_moment  # noqa: F401  (story_rows: the page's time measures)
from technique.outputs.writer import frames_at

# The camera is asked for 24 frames/s: on a 2-core laptop the browser's and the server's VP8 work for
# 30 frames/s leaves too little time for the pose model (benchmarks/live.py --vp8: 18 processed
# frames/s, 187 ms p95 at 30; 23 frames/s, 96 ms p95 at 24), and frames beyond that are only dropped.
LIVE_FPS = 24
LIVE_STATUS_EVERY_S = 0.3  # the page's correction and figures are refreshed this often
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


def port_problem(address: str, port: int) -> str | None:
    """Why the dashboard can't listen on address:port (busy, or an address not on this computer),
    or None. Binds the way Streamlit's server does, then lets go at once."""
    import errno
    import socket

    try:
        addresses = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot serve on {address!r}: {exc.strerror}"
    for family, kind, proto, _, sockaddr in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(sockaddr)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return (f"port {port} is already in use on {address} (is the dashboard already open?): "
                            f"stop the other program, or choose another port with --port")
                if family == socket.AF_INET6 and exc.errno == errno.EADDRNOTAVAIL:
                    continue  # no IPv6 on this computer: the IPv4 address is enough
                return f"cannot serve on {address}:{port}: {exc.strerror or exc}"
    return None


# MediaPipe's native start-up chatter (absl info/warning lines, TFLite's delegate notice): the
# server's only output that is hidden. Errors (E, F) and everything Streamlit says pass through.
NATIVE_LOG = re.compile(
    r"^(?:[IW]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] "
    r"|INFO: Created TensorFlow Lite XNNPACK delegate"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR)")


def pass_server_messages(source, sink) -> None:
    """Copy the server's stderr to ours line by line, leaving out MediaPipe's native log lines.

    The CLI sends its own file descriptor 2 to /dev/null to hide those logs; a server inheriting it
    would hide Streamlit's errors too (a busy port, a crash), so its stderr comes through here.
    """
    for raw in iter(source.readline, b""):
        line = raw.decode("utf-8", "replace")
        if NATIVE_LOG.match(line):
            continue
        try:
            sink.write(line)
            sink.flush()
        except (OSError, ValueError):  # our stderr closed: keep draining so the server never blocks
            pass
    source.close()


def launch(args) -> int:
    """Run the dashboard until interrupted (args: port, address, db). Returns an exit code:
    0 when stopped with Ctrl+C or SIGTERM, 1 when it can't start or stops by itself."""
    problem = port_problem(args.address, args.port)
    if problem:
        print(f"technique: {problem}", file=sys.stderr)
        return 1
    env = dict(os.environ)
    env.setdefault("GLOG_minloglevel", "2")  # MediaPipe's native logs only; Streamlit's errors still show
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if getattr(args, "db", None):
        env["TECHNIQUE_DB"] = str(Path(args.db).expanduser().resolve())
    print(f"technique dashboard: http://{args.address}:{args.port}  (Ctrl+C to stop)", file=sys.stderr)
    server = subprocess.Popen(streamlit_command(args.port, args.address), env=env, stderr=subprocess.PIPE)
    messages = threading.Thread(target=pass_server_messages, args=(server.stderr, sys.stderr),
                                name="technique-server-stderr", daemon=True)
    messages.start()

    def stop(signum, frame):  # a service manager's SIGTERM stops the server too
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        code = server.wait()
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
        messages.join(timeout=5)  # the server's last words (its stderr closes as it exits)
    if code:
        print(f"technique: the dashboard stopped with exit code {code} (Streamlit's message is above)",
              file=sys.stderr)
        return 1
    return 0


def db_path() -> Path:
    from technique.outputs.history import default_path

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
            from technique.apps.live import LiveCoach

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
    cue = state.message or "—"
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
    if not ctx.state.playing:
        st.info("Press START and allow the camera. The correction appears on the video and here.")
        return
    live_status(ctx, settings)


def live_status(ctx, settings: LiveSettings) -> None:
    """The correction and the stream's figures under the video, refreshed a few times a second.

    A fragment re-run by the browser's timer, not a loop in the script: when the tab closes or the
    stream stops, nothing is left running on the server (a `while playing` loop outlived its page
    and kept the server from stopping).
    """
    import streamlit as st

    @st.fragment(run_every=LIVE_STATUS_EVERY_S)
    def status() -> None:
        proc = ctx.video_processor
        if proc is None or not ctx.state.playing:
            st.caption("Starting the camera…")
            return
        proc.update(settings)
        state = latest(proc.results, timeout=0.2)
        if state is not None:
            st.session_state["live_state"] = state
        state = st.session_state.get("live_state")
        if state is None:
            st.caption("Waiting for the first frame…")
            return
        cue, details = live_status_markdown(state)
        st.markdown(f"### Correction: {cue}")
        st.caption(details)

    status()


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
    side_by_side: np.ndarray | None = None  # with a teacher's reference: her position beside the student's, RGB


def safe_name(name: str) -> str:
    """A file name safe to write in a temp folder (keeps the extension, drops any path)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "clip"
    return base[:120]


@contextmanager
def uploaded_copy(upload, name: str):
    """The upload (a file-like object or bytes) as a file in a temporary folder, removed afterwards
    whatever happens. Yields the file's path; its folder's parent is free for outputs (an upload
    called annotated.mp4 can't be overwritten by the annotated video)."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="technique-upload-") as folder:
        path = Path(folder) / "upload" / safe_name(name)
        path.parent.mkdir()
        with open(path, "wb") as handle:
            if isinstance(upload, (bytes, bytearray)):
                handle.write(upload)
            else:
                upload.seek(0)
                shutil.copyfileobj(upload, handle, 1 << 20)
        yield path


def review_clip(upload, name: str, movement: str | None = None, working_leg: str = "auto",
                blur_faces: bool = True, references: dict | None = None,
                progress: Callable[[float, str], None] | None = None) -> Review:
    """Analyse an uploaded clip (a file-like object or bytes) in a temp folder that is always removed.

    Raises a TechniqueError subclass (with .reason) for a clip that can't be scored.
    """
    from technique.outputs.history import content_hash
    from technique.analyser import AnalysisConfig, analyse_clip
    from technique.outputs.report import report_dict
    from technique.outputs.writer import Outputs, shown_as, still_frame, write_outputs

    def tell(fraction: float, text: str) -> None:
        if progress:
            progress(min(max(fraction, 0.0), 1.0), text)

    with uploaded_copy(upload, name) as path:
        tell(0.0, "Finding the dancer…")
        analysis = analyse_clip(
            path, movement, AnalysisConfig(working_leg=working_leg), references,
            progress=lambda done, total: tell(0.8 * done / max(total, done, 1),
                                              f"Finding the dancer… frame {done} of {max(total, done)}"))
        named = shown_as(analysis, name)  # the temp folder means nothing to the reader
        report = report_dict(named)
        tell(0.8, "Writing the annotated video…")
        paths = write_outputs(named, path, path.parent.parent / "outputs", Outputs(blur_faces=blur_faces))
        video, frames_csv = paths["video"].read_bytes(), paths["frames"].read_bytes().decode("utf-8")
        tell(0.95, "Picking the worst moment…")
        c = analysis.comparison
        images = frames_at(path, (still_frame(analysis, fallback=False), c.worst_frame if c else None),
                           analysis.info.turn)
        still = worst_still(analysis, images, blur_faces)
        pair = side_by_side(analysis, images.get(c.worst_frame) if c else None, blur_faces)
        clip_hash = content_hash(path)
    tell(1.0, "Done")
    return Review(name, analysis, report, frames_csv, video, still, clip_hash, pair)


def worst_still(analysis, images: dict[int, np.ndarray], blur_faces: bool) -> np.ndarray | None:
    """The annotated frame of the worst moment (RGB), or None when there is none (nothing to correct)."""
    from technique.outputs.writer import still_frame, still_image

    still = still_image(analysis, images, still_frame(analysis, fallback=False), blur_faces)
    return None if still is None else still[:, :, ::-1].copy()


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
            "Correction": c["correction"] or c["note"] or "",
            # the chart's dark cross; only where there is something to correct ("worst" is the red line's word)
            "Lowest score at": "" if c["worst_time_s"] is None or not c["correction"] else f"{c['worst_time_s']:.2f} s",
        })
    return rows


def angle_figure(analysis):
    """Each judged criterion's measure over time: good band shaded green, acceptable amber,
    the criterion's moment shaded grey, each criterion's lowest-scoring frame as a dark cross and
    the clip's worst moment (only when something needs correcting) as the one red line."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from technique.analysis.measures import UNITS

    j = analysis.judgement
    judged = [v for v in j.verdicts if v.judged] if j else []
    if not judged:
        return None
    times = analysis.track.times
    fig = make_subplots(rows=len(judged), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[v.criterion.name for v in judged])
    worst = worst_moment(j)
    worst_t = float(times[worst]) if worst is not None else None
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
                                     marker={"color": LOWEST_MARK, "size": 9, "symbol": "x"},
                                     name="lowest score", showlegend=False), row=row, col=1)
        if worst_t is not None:
            fig.add_vline(x=worst_t, line_color="red", line_dash="dash", row=row, col=1)
        fig.update_yaxes(title_text=UNITS.get(c.measure, "degrees"), row=row, col=1)
    fig.update_xaxes(title_text="time (s)", row=len(judged), col=1)
    fig.update_layout(height=170 * len(judged) + 80, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


# --------------------------------------------------------------------------- movements in time

PHASE_COLOURS = {"preparation": "#d5d9e0", "rise": "#9cc3ec", "hold": "#6cc070", "close": "#c9c1e3",
                 "passe": "#d19be0", "unfold": "#f3b562"}
TURN_COLOURS = ("#5b9bd5", "#3a78b8")  # turns alternate, so that neighbours stay apart
TURN_LINE, WORST_LINE, DEPARTURE_LINE = "#1f4e9c", "red", "#8e44ad"
LOWEST_MARK = "#222222"  # a criterion's lowest-scoring frame: not red, red is the worst moment alone


def _edge(times: np.ndarray, index: int) -> float:
    """The time frame `index` begins; len(times) is the end of the clip."""
    if index < len(times):
        return float(times[max(index, 0)])
    step = float(times[-1] - times[-2]) if len(times) > 1 else 0.0
    return float(times[-1]) + step


def segment_title(seg) -> str:
    """A movement's name as the reference file titles it (or 'Unrecognised movement')."""
    if seg.judgement is not None:
        return seg.judgement.reference.title
    return seg.movement.replace("_", " ").capitalize() if seg.movement else "Unrecognised movement"


def segment_label(seg, k: int, count: int) -> str:
    confidence = "" if seg.confidence is None else f" · {seg.confidence:.0%}"
    return f"{k}. {segment_title(seg)}{confidence}" if count > 1 else f"{segment_title(seg)}{confidence}"


def worst_frames(analysis) -> list[int]:
    """The worst moment of the clip's judgement, or of each movement's when there are several (none
    for a movement with nothing to correct)."""
    judgements = [analysis.judgement] if analysis.judgement else [s.judgement for s in analysis.segments]
    return [f for f in (worst_moment(j) for j in judgements) if f is not None]


def timeline_figure(analysis):
    """The clip on a time axis: one band per movement (name and confidence) with its phases as
    coloured spans, a line at the start of each turn, the worst moment in red and, against a
    teacher's reference, where the student departs most from her in purple. None without movements."""
    import plotly.graph_objects as go

    times, segments = analysis.track.times, analysis.segments
    if not segments or len(times) == 0:
        return None
    fig = go.Figure()
    count = len(segments)
    duration = _edge(times, len(times))
    hover_x, hover_y, hover_text = [], [], []
    for k, seg in enumerate(segments, 1):
        y = count - k  # the first movement on top
        fig.add_shape(type="rect", name=f"segment {k}", x0=_edge(times, seg.start), x1=_edge(times, seg.stop),
                      y0=y - 0.42, y1=y + 0.42, fillcolor="#f1f3f6", line={"color": "#9aa4b2", "width": 1},
                      layer="below")
        for phase in seg.story.phases:
            turn = phase.name.startswith("turn")
            colour = (TURN_COLOURS[int(phase.name.split()[-1]) % 2] if turn
                      else PHASE_COLOURS.get(phase.name, "#bbbbbb"))
            x0, x1 = _edge(times, phase.start), _edge(times, phase.stop)
            text = phase.name.replace("passe", "passé")
            fits = (x1 - x0) >= 0.008 * len(text) * duration  # else the name is only in the hover text
            fig.add_shape(type="rect", name=f"phase {phase.name}", x0=x0, x1=x1, y0=y - 0.28, y1=y + 0.28,
                          fillcolor=colour, line={"color": "white", "width": 1}, layer="below",
                          label={"text": text if fits else "", "font": {"size": 11, "color": "#222"}})
            hover_x.append((x0 + x1) / 2)
            hover_y.append(y)
            hover_text.append(f"{segment_title(seg)}: {phase.name} {x0:.2f}–{x1:.2f} s")
        for t in seg.story.turns:
            x = _edge(times, t.start)
            fig.add_shape(type="line", name=f"turn {t.index} start", x0=x, x1=x, y0=y - 0.42, y1=y + 0.42,
                          line={"color": TURN_LINE, "width": 2})
            fig.add_annotation(x=x, y=y + 0.42, text=f"<b>{t.index}</b>", showarrow=False, yanchor="bottom",
                               font={"color": TURN_LINE}, name=f"turn {t.index}")
    for frame in worst_frames(analysis):
        x = float(times[frame])
        fig.add_shape(type="line", name="worst moment", x0=x, x1=x, y0=0, y1=1, yref="paper",
                      line={"color": WORST_LINE, "width": 2, "dash": "dash"})
        fig.add_annotation(x=x, y=1, yref="paper", text=f"worst {x:.2f} s", showarrow=False, yanchor="bottom",
                           font={"color": WORST_LINE}, name="worst moment")
    if analysis.comparison is not None:
        x = float(times[analysis.comparison.worst_frame])
        fig.add_shape(type="line", name="furthest from the reference", x0=x, x1=x, y0=0, y1=1, yref="paper",
                      line={"color": DEPARTURE_LINE, "width": 2, "dash": "dot"})
        fig.add_annotation(x=x, y=1, yref="paper", yshift=18, text=f"furthest from the reference {x:.2f} s",
                           showarrow=False, yanchor="bottom", font={"color": DEPARTURE_LINE},
                           name="furthest from the reference")
    fig.add_trace(go.Scatter(x=hover_x, y=hover_y, mode="markers", marker={"opacity": 0}, text=hover_text,
                             hoverinfo="text", showlegend=False, name="phases"))
    fig.update_xaxes(range=[0, duration], title_text="time (s)", showgrid=False, ticks="outside")
    fig.update_yaxes(range=[-0.75, count - 0.2], tickvals=list(range(count)), showgrid=False, zeroline=False,
                     ticktext=[segment_label(s, k, count) for k, s in reversed(list(enumerate(segments, 1)))])
    top = 58 if analysis.comparison is not None else 40
    fig.update_layout(height=top + 80 + 80 * count, margin={"l": 10, "r": 10, "t": top, "b": 10},
                      plot_bgcolor="white")
    return fig


def turn_rows(story, times: np.ndarray) -> list[dict]:
    """One row per fouetté turn: what a teacher checks in it (from motion.Turn)."""
    rows = []
    for turn in story.turns:
        d = turn.to_dict(times)

        def shown(value, fmt):
            return "—" if value is None else fmt(value)

        rows.append({
            "Turn": d["turn"], "From": f"{d['start_s']:.2f} s", "Duration": shown(d["duration_s"], "{:.2f} s".format),
            "Leg at second": shown(d["extension_height"], "{:.0f}°".format),
            "Passé: toe from the knee (shank lengths)": passe_words(d["passe_toe_to_knee"], short=True),
            "Plié": shown(d["plie_depth"], "{:.0f}°".format),
            "Relevé": {True: "yes", False: "flat foot", None: "—"}[d["relevé"]],
            "Travel (of her height)": shown(d["travel_body_heights"], "{:.1%}".format),
        })
    return rows


# --------------------------------------------------------------------------- a teacher's reference

def comparison_figure(comparison):
    """Similarity per joint (0-100%) as horizontal bars."""
    import plotly.graph_objects as go

    from technique.wording import JOINT_LABELS as LABELS

    names = list(comparison.joints)
    values = [100 * comparison.joints[n] for n in names]
    fig = go.Figure(go.Bar(x=values, y=[LABELS.get(n, n).capitalize() for n in names], orientation="h",
                           marker={"color": ["#5cb85c" if v >= 80 else "#f0ad4e" if v >= 50 else "#d9534f"
                                             for v in values]},
                           text=[f"{v:.0f}%" for v in values], textposition="auto"))
    fig.update_xaxes(range=[0, 100], title_text="similarity to the reference (%)")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=60 + 36 * len(names), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def teacher_skeleton(analysis):
    """The teacher's stored skeleton at the moment aligned with the student's worst departure
    (33 [x, y] or None, hip-centred, in body heights), and her reference's data; or (None, None)."""
    c, reference = analysis.comparison, analysis.reference
    if c is None or reference is None:
        return None, None
    teacher = (reference.extra or {}).get("teacher") or {}
    skeletons = teacher.get("skeleton") or []
    if not 0 <= c.teacher_index < len(skeletons):
        return None, None
    return skeletons[c.teacher_index], teacher


def _facing(nose_x: float, hips_x: float, height: float) -> int:
    """+1 / -1: which way the face is, from the nose against the hips (0 when seen from the front)."""
    offset = nose_x - hips_x
    return 0 if not np.isfinite(offset) or abs(offset) < 0.02 * height else int(np.sign(offset))


def side_by_side(analysis, image: np.ndarray | None, blur_faces: bool) -> np.ndarray | None:
    """Left: the student's frame at the comparison's worst moment with her skeleton (face blurred on
    request); right: the teacher's skeleton at the aligned moment, at the student's body height,
    centred on a plain canvas of the same size, turned to face the same way. RGB, or None."""
    from technique import landmarks as L
    from technique.outputs.overlay import draw_panel, draw_skeleton, place_points
    from technique.outputs.privacy import blur_face

    c = analysis.comparison
    points, teacher = teacher_skeleton(analysis)
    if image is None or points is None:
        return None
    frame = c.worst_frame
    student = analysis.track.pixels[frame]
    left = image.copy()
    if blur_faces:
        blur_face(left, student)
    draw_skeleton(left, student, analysis.working_leg)
    draw_panel(left, "You", [], "", f"{c.worst_time_s:.2f} s")

    heights = analysis.measures["body_height"]
    height = float(heights[frame]) if np.isfinite(heights[frame]) else float(np.median(heights[np.isfinite(heights)]))
    hips = student[[L.LEFT_HIP, L.RIGHT_HIP], 0]
    hips_x = float(hips[np.isfinite(hips)].mean()) if np.isfinite(hips).any() else float("nan")
    theirs = _facing(points[L.NOSE][0] if points[L.NOSE] else float("nan"), 0.0, 1.0)
    mine = _facing(float(student[L.NOSE][0]), hips_x, height)
    right = np.full_like(image, 45)
    h, w = right.shape[:2]
    draw_skeleton(right, place_points(points, (w / 2, h / 2), height, mirror=theirs * mine < 0),
                  teacher.get("working_leg"))
    times = teacher.get("times") or []
    draw_panel(right, "Reference", [], "", f"{times[c.teacher_index]:.2f} s" if c.teacher_index < len(times) else "")
    gap = np.full((h, max(4, w // 80), 3), 255, dtype=image.dtype)
    return np.hstack([left, gap, right])[:, :, ::-1].copy()


def teacher_name_problem(name: str, references: dict, overwrite: bool = False) -> str | None:
    """Why a name can't be used for a new teacher's reference (None when it can): the same rule as
    `technique reference from-video` (teacher.name_problem)."""
    from technique.outputs.teacher_reference import name_problem

    problem = name_problem(name, references, overwrite)
    return problem and problem[0].upper() + problem[1:] + ("" if problem.endswith(".") else ".")


def make_teacher_reference(upload, clip_name: str, name: str, movement: str | None, working_leg: str = "auto",
                           references: dict | None = None,
                           progress: Callable[[float, str], None] | None = None,
                           overwrite: bool = False) -> tuple[dict, Path]:
    """Analyse a teacher's demonstration (in a temp folder that is always removed) and save it as a
    reference in the user's references folder, as `technique reference from-video` does.

    Returns (the reference's data, its file). Raises TechniqueError (a clip that can't be analysed,
    a movement not recognised) or OSError (the folder can't be written).
    """
    from technique.judging.references import load_references, user_folder
    from technique.outputs.teacher_reference import make_teacher_reference as make

    references = references if references is not None else load_references()
    with uploaded_copy(upload, clip_name) as path:
        return make(path, name, movement, references, user_folder(), working_leg, overwrite,
                    progress=lambda done, total: progress and progress(
                        min(done / max(total, done, 1), 1.0), f"Finding the dancer… frame {done} of {max(total, done)}"),
                    hint="; choose which movement it is")


def teacher_page() -> None:
    import streamlit as st

    from technique.errors import TechniqueError
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
        st.session_state.pop("teacher_message", None)
        problem = teacher_name_problem(name, references, overwrite) if upload is not None else (
            "Choose the demonstration clip first.")
        if problem:
            st.session_state["teacher_message"] = ("error", problem)
        else:
            bar = st.progress(0.0, text="Analysing…")
            try:
                data, path = make_teacher_reference(upload, upload.name, name, movement, leg, references,
                                                    progress=lambda f, text: bar.progress(f, text=text),
                                                    overwrite=overwrite)
            except TechniqueError as exc:
                st.session_state["teacher_message"] = ("error", f"{upload.name} can't be used: {exc.reason}")
            except OSError as exc:
                st.session_state["teacher_message"] = (
                    "error", f"The reference can't be saved in {user_folder()}: {exc.strerror or exc}")
            else:
                replaced = " (it replaces the earlier one of that name)" if data["name"] in references else ""
                st.session_state["teacher_message"] = (
                    "success", f"Saved “{data['title']}” as {data['name']}{replaced}, in {path.parent}. "
                               "Choose it as the movement on Review a clip or Live practice.")
                references = cached_references()
            finally:
                bar.empty()
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


def review_page() -> None:
    import streamlit as st

    from technique.errors import TechniqueError

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
    judged = [seg for seg in analysis.segments if seg.judgement is not None]
    if movement:
        how = "named" if movement["given"] else f"recognised, {movement['confidence']:.0%}"
        st.subheader(f"{movement['title']} ({how})")
        score = "—" if report["score"] is None else f"{score_text(report['score'])}/100"
        st.markdown(f"**Score {score}** · {report['working_leg']} leg working · "
                    f"{report['view'].replace('_', '-')} view")
    elif len(judged) > 1:
        st.subheader(f"{len(judged)} movements: " + ", ".join(segment_title(seg) for seg in judged))
        st.markdown(f"{report['working_leg'].title()} leg working · {report['view'].replace('_', '-')} view · "
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
            st.markdown(f"**{k}. {segment_title(seg)}** ({_edge(times, seg.start):.1f}–{_edge(times, seg.stop):.1f} s"
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


# --------------------------------------------------------------------------- progress

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


# --------------------------------------------------------------------------- the app

def cached_references() -> dict:
    """All references (built-in and the user's folder). Loaded again whenever a reference file is
    added, changed or removed (a teacher's reference saved on the page or from the command line)."""
    import streamlit as st

    from technique.judging.references import reference_files

    from technique.errors import TechniqueError

    @st.cache_resource(show_spinner=False, max_entries=4)
    def load(signature: tuple, user: bool = True) -> tuple[dict, list]:
        from technique.judging.references import load_references

        problems: list = []
        return load_references(user=user, problems=problems), problems

    try:
        signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in reference_files())
    except OSError:  # a file removed while listing: read afresh
        signature = (time.monotonic(),)
    try:
        references, problems = load(signature)
    except TechniqueError as exc:  # the user's folder can't be listed: say why, keep working
        st.error(f"The references folder could not be read, so only the built-in movements are offered: {exc}")
        return load(("built-in",), user=False)[0]
    for problem in problems:  # a malformed file in the user's folder: say which, keep the others
        st.warning(f"A reference file was skipped: {problem}")
    return references


def app_icon():
    """The tab's icon, drawn here (a PIL image): a dancer in arabesque, white on the app's blue."""
    import cv2
    from PIL import Image

    icon = np.zeros((64, 64, 3), np.uint8)
    cv2.rectangle(icon, (0, 0), (63, 63), (31, 78, 156), -1)
    white = (255, 255, 255)
    cv2.circle(icon, (22, 14), 6, white, -1, cv2.LINE_AA)  # head
    for a, b in (((24, 21), (30, 36)), ((30, 36), (28, 58)), ((30, 36), (58, 28)),  # body, legs
                 ((25, 24), (8, 18)), ((25, 24), (40, 16))):  # arms
        cv2.line(icon, a, b, white, 4, cv2.LINE_AA)
    return Image.fromarray(icon)


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
