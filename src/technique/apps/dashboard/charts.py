"""The dashboard's plotly figures: angles over time, the movements' timeline, similarity to a
teacher's reference, and a student's scores over saved reviews. Each returns a figure (or None)."""

from __future__ import annotations

import numpy as np

from technique.outputs.report import worst_moment


def angle_figure(analysis):
    """Each judged criterion's measure over time: good band shaded green, acceptable amber,
    the criterion's moment shaded grey, each criterion's lowest-scoring frame as a dark cross and
    the clip's worst moment (only when something needs correcting) as the one red line."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from technique.wording import UNITS

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


PHASE_COLOURS = {"preparation": "#d5d9e0", "rise": "#9cc3ec", "hold": "#6cc070", "close": "#c9c1e3",
                 "passe": "#d19be0", "unfold": "#f3b562"}
TURN_COLOURS = ("#5b9bd5", "#3a78b8")  # turns alternate, so that neighbours stay apart
TURN_LINE, WORST_LINE, DEPARTURE_LINE = "#1f4e9c", "red", "#8e44ad"
LOWEST_MARK = "#222222"  # a criterion's lowest-scoring frame: not red, red is the worst moment alone


def time_at(times: np.ndarray, index: int) -> float:
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
    duration = time_at(times, len(times))
    hover_x, hover_y, hover_text = [], [], []
    for k, seg in enumerate(segments, 1):
        y = count - k  # the first movement on top
        fig.add_shape(type="rect", name=f"segment {k}", x0=time_at(times, seg.start), x1=time_at(times, seg.stop),
                      y0=y - 0.42, y1=y + 0.42, fillcolor="#f1f3f6", line={"color": "#9aa4b2", "width": 1},
                      layer="below")
        for phase in seg.story.phases:
            turn = phase.name.startswith("turn")
            colour = (TURN_COLOURS[int(phase.name.split()[-1]) % 2] if turn
                      else PHASE_COLOURS.get(phase.name, "#bbbbbb"))
            x0, x1 = time_at(times, phase.start), time_at(times, phase.stop)
            text = phase.name.replace("passe", "passé")
            fits = (x1 - x0) >= 0.008 * len(text) * duration  # else the name is only in the hover text
            fig.add_shape(type="rect", name=f"phase {phase.name}", x0=x0, x1=x1, y0=y - 0.28, y1=y + 0.28,
                          fillcolor=colour, line={"color": "white", "width": 1}, layer="below",
                          label={"text": text if fits else "", "font": {"size": 11, "color": "#222"}})
            hover_x.append((x0 + x1) / 2)
            hover_y.append(y)
            hover_text.append(f"{segment_title(seg)}: {phase.name} {x0:.2f}–{x1:.2f} s")
        for t in seg.story.turns:
            x = time_at(times, t.start)
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
