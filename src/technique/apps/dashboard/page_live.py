"""Live practice: the camera stream with the skeleton and correction drawn on it, and the correction
and the stream's figures under the video."""

from __future__ import annotations

from technique.apps.dashboard.services import cached_references
from technique.apps.dashboard.webrtc import LIVE_FPS, RTC_CONFIGURATION, CoachProcessor, LiveSettings, latest

LIVE_STATUS_EVERY_S = 0.3  # the page's correction and figures are refreshed this often


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
    ctx = webrtc_streamer(
        key="live",
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=RTC_CONFIGURATION,  # no STUN/TURN server: nothing leaves the machine (see README)
        media_stream_constraints={"video": {"width": {"ideal": 640}, "height": {"ideal": 480},
                                            "frameRate": {"ideal": LIVE_FPS, "max": LIVE_FPS}}, "audio": False},
        video_processor_factory=lambda: CoachProcessor(references, settings),
        # The callback only draws (a few ms, on the server's event loop); the analysis has its own thread
        # (webrtc.py). streamlit-webrtc's async mode, a frame behind, presented 24-25 of 30 frames/s at
        # 217-230 ms median against 30 at 182-187 ms here (benchmarks/live.py --browser 30).
        async_processing=False,
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
    def show_status() -> None:
        proc = ctx.video_processor
        if proc is None or not ctx.state.playing:
            st.caption("Starting the camera…")
            return
        proc.update(settings)
        status = latest(proc.results, timeout=0.2)
        if status is not None:
            st.session_state["live_status"] = status
        status = st.session_state.get("live_status")
        if status is None:
            st.caption("Waiting for the first frame…")
            return
        cue, details = live_status_markdown(status)
        st.markdown(f"### Correction: {cue}")
        st.caption(details)

    show_status()


def live_status_markdown(status) -> tuple[str, str]:
    """(correction, details) for the page, from a LiveStatus: the frames analysed and shown per second."""
    state = status.state
    cue = state.message or "—"
    hold = f" · hold {state.hold_s:.1f} s (best {state.best_hold_s:.1f} s)" if state.movement else ""
    details = (f"Frame {state.frame} · {state.fps:.1f} frames/s analysed, {status.shown_fps:.1f} shown · "
               f"{state.process_ms:.0f} ms per analysis · "
               f"{state.working_leg} leg · {state.view.replace('_', '-')} view{hold}")
    return cue, details
