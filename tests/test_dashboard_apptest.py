"""The dashboard's review, progress and teacher's reference pages with Streamlit's AppTest (real clips,
real model).

The live page needs a browser (streamlit-webrtc): it is tested in test_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import sample
from streamlit.testing.v1 import AppTest

from technique.apps.dashboard.server import streamlit_command
from technique.apps.dashboard.services import safe_name

ARABESQUE = sample("first_to_arabesque__side_right")
DEVELOPPE = sample("developpe_devant__side_right")
FOUETTE = sample("fouette_turns__front")
# a render (tools/synthetic-dancer, benchmarks/renders) of an arabesque on a bent supporting knee: one correction
FLAWED = Path(__file__).parent / "data" / "arabesque_bent_supporting_knee__side_right.mp4"


def review_script():
    from technique.apps.dashboard.page_review import review_page

    review_page()


def progress_script():
    from technique.apps.dashboard.page_progress import progress_page

    progress_page()


def teacher_script():
    from technique.apps.dashboard.page_teacher import teacher_page

    teacher_page()


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("TECHNIQUE_DB", str(path))
    return path


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    """Send the review's temporary files to a folder of our own, to see that they are removed."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def upload(at: AppTest, path: Path, name: str | None = None) -> AppTest:
    at.file_uploader[0].set_value((name or path.name, path.read_bytes(), "video/mp4"))
    return at.run()


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def test_review_a_clip_then_save_it_and_see_it_on_the_progress_page(db, temp_folder):
    at = AppTest.from_function(review_script, default_timeout=180).run()
    assert not at.exception
    assert any("Up to 200 MB" in c for c in texts(at.caption))
    upload(at, ARABESQUE, "Ada arabesque.mp4")
    assert not at.exception and not at.error
    assert texts(at.subheader) == ["Arabesque (recognised, 100%)"]
    table = at.table[0].value
    assert list(table["Criterion"])[:3] == ["Supporting knee straight", "Working knee straight", "Leg height"]
    assert set(table["Verdict"]) <= {"✓ good", "~ acceptable", "✗ fault"}
    assert all(v.endswith("°") for v in table["Value"])
    assert set(table["Lowest score at"]) == {""}  # nothing to correct: no moment singled out
    assert [b.label for b in at.get("download_button")] == [
        "Report (JSON)", "Per-frame measures (CSV)", "Annotated video (MP4)"]
    assert len(at.get("video")) == 1
    # 100/100 with no correction: no worst moment to show, and the page says why
    assert len(at.get("image")) == 0 and any("**Nothing to correct**" in m for m in texts(at.markdown))
    assert list(temp_folder.iterdir()) == []  # the uploaded clip's temp copy is gone

    at.text_input(key="save_student").input("Ada")
    at.button[0].click().run()
    assert any("Saved Ada arabesque.mp4 (Arabesque) for Ada" in s for s in texts(at.success))

    progress = AppTest.from_function(progress_script, default_timeout=60).run()
    assert not progress.exception
    assert progress.selectbox(key="progress_student").value == "Ada"
    rows = progress.table[0].value
    assert list(rows["Movement"]) == ["Arabesque"] and list(rows["Clip"]) == ["Ada arabesque.mp4"]
    assert list(rows["Score"]) == ["100"]
    assert len(progress.get("plotly_chart")) == 2


@pytest.mark.parametrize("case, words", [
    ("text_as_mp4", "not a video"),
    ("zero_byte", "empty"),
    ("truncated_no_index", "truncated"),
    ("png_as_mp4", "image"),
    ("no_person", "no person"),
])
def test_a_bad_upload_says_why_and_the_next_upload_still_works(db, temp_folder, corpus, case, words):
    at = AppTest.from_function(review_script, default_timeout=180).run()
    upload(at, corpus[case].path, f"{case}.mp4")
    assert not at.exception  # a message in the page, never a traceback
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith(f"{case}.mp4 can't be reviewed:") and words in message.lower()
    assert list(temp_folder.iterdir()) == []
    upload(at, ARABESQUE)
    assert not at.exception and not at.error
    assert texts(at.subheader) == ["Arabesque (recognised, 100%)"]
    assert list(temp_folder.iterdir()) == []


def test_one_dancer_of_a_class_is_reviewed_by_her_number(db, temp_folder, class_clip):
    """Three dancers side by side: the second from the left is the développé devant (conftest.CLASS)."""
    at = AppTest.from_function(review_script, default_timeout=180).run()
    at.number_input(key="review_dancer").set_value(2)
    upload(at, class_clip, "class.mp4")
    assert not at.exception and not at.error
    assert texts(at.subheader) == ["Développé devant (recognised, 100%)"]
    assert texts(at.warning)[0].startswith("Dancer 2 of 3, counted from the left of the picture")
    assert list(temp_folder.iterdir()) == []
    at.number_input(key="review_dancer").set_value(4).run()  # the same upload, a dancer who isn't there
    assert not at.exception
    assert texts(at.error) == ["class.mp4 can't be reviewed: dancer 4 asked for, but 3 dancer(s) found "
                               "(numbered from the left of the picture)"]


def test_a_partly_truncated_clip_is_reviewed_with_a_warning(db, corpus):
    at = AppTest.from_function(review_script, default_timeout=180).run()
    upload(at, corpus["truncated"].path)
    assert not at.exception and not at.error
    assert any("truncated" in w for w in texts(at.warning))


def test_a_clip_over_the_size_cap_gets_a_clear_message(db, tmp_path):
    from streamlit import config

    big = tmp_path / "long.mp4"
    big.write_bytes(ARABESQUE.read_bytes() + bytes(1_200_000))
    saved = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 1)  # MB
    try:
        at = AppTest.from_function(review_script, default_timeout=60).run()
        upload(at, big)
    finally:
        config.set_option("server.maxUploadSize", saved)
    assert not at.exception
    assert texts(at.error) == ["long.mp4 is 1.3 MB; clips up to 1 MB can be reviewed. Trim it to the movement."]


def test_a_named_movement_and_leg_are_used(db):
    at = AppTest.from_function(review_script, default_timeout=180).run()
    at.selectbox(key="review_movement").set_value("passe")
    at.radio(key="review_leg").set_value("right")
    upload(at, ARABESQUE)
    assert not at.exception
    assert texts(at.subheader) == ["Passé (retiré) (named)"]
    assert any("right leg working" in m for m in texts(at.markdown))


def test_a_clip_filmed_from_behind_her_says_the_back_view(db):
    """A tendu devant rendered from behind her (tests/data): the page says "back view", as the report does,
    where it said "front view" (a back view counts as front for the criteria)."""
    at = AppTest.from_function(review_script, default_timeout=180).run()
    at.selectbox(key="review_movement").set_value("tendu_devant")
    upload(at, Path(__file__).parent / "data" / "back__tendu_devant_r__back.mp4")
    assert not at.exception
    assert any("back view" in m for m in texts(at.markdown)), texts(at.markdown)


def test_saving_needs_a_name(db):
    at = AppTest.from_function(review_script, default_timeout=180).run()
    upload(at, ARABESQUE)
    at.button[0].click().run()
    assert texts(at.error) == ["Type the student's name to save this review."]
    assert not db.exists() or "Ada" not in db.read_bytes().decode("latin-1")


def test_progress_page_without_saved_reviews_explains_what_to_do(db):
    at = AppTest.from_function(progress_script, default_timeout=60).run()
    assert not at.exception
    assert "No saved reviews yet" in at.info[0].value


@pytest.mark.parametrize("name, expected", [
    ("clip.mp4", "clip.mp4"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\ada\\My clip.MOV", "My clip.MOV"),
    ("<script>.webm", "_script_.webm"),
    ("", "clip"),
])
def test_upload_names_are_made_safe(name, expected):
    assert safe_name(name) == expected


def test_launch_command_keeps_everything_on_this_machine():
    cmd = streamlit_command(8600, "localhost")
    assert Path(cmd[4]).name == "dashboard_app.py" and Path(cmd[4]).exists()
    options = dict(zip(cmd[5::2], cmd[6::2]))
    assert options["--browser.gatherUsageStats"] == "false"
    assert options["--server.address"] == "localhost"
    assert options["--server.port"] == "8600"
    assert options["--server.maxUploadSize"] == "200"


def test_repo_streamlit_config_matches():
    tomllib = pytest.importorskip("tomllib")

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit/config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "localhost"
    assert config["server"]["maxUploadSize"] == 200


# ----------------------------------------------------------------------------- movements in time

def test_the_timeline_shows_phases_turn_markers_and_the_worst_moment(analyses):
    from technique.apps.dashboard.charts import timeline_figure
    from technique.apps.dashboard.page_review import turn_rows
    from technique.outputs.report import story_rows

    analysis = analyses(FOUETTE)
    figure = timeline_figure(analysis)
    shapes = [s.name for s in figure.layout.shapes]
    assert shapes.count("segment 1") == 1
    assert [n for n in shapes if n.startswith("phase")] == [
        "phase preparation", "phase turn 1", "phase turn 2", "phase close"]
    assert [n for n in shapes if n.endswith(" start")] == ["turn 1 start", "turn 2 start"]
    assert shapes.count("worst moment") == 0  # a clean fouetté: nothing to correct, no worst moment
    flawed = [s.name for s in timeline_figure(analyses(FLAWED)).layout.shapes]
    assert flawed.count("worst moment") == 1
    turn_starts = [s.x0 for s in figure.layout.shapes if s.name.endswith(" start")]
    turns = analysis.segments[0].story.turns
    assert turn_starts == [pytest.approx(float(analysis.track.times[t.start])) for t in turns]
    numbers = [a.text for a in figure.layout.annotations if a.name and a.name.startswith("turn")]
    assert numbers == ["<b>1</b>", "<b>2</b>"]
    assert list(figure.layout.yaxis.ticktext) == ["Fouetté en tournant · 100%"]

    story = analysis.segments[0].story
    words = {r["In time"]: r["Value"] for r in story_rows(story)}
    assert words["Turns"] == "2" and words["Tempo"].endswith("turns/s") and words["Turns on relevé"].endswith("of 2")
    turns = turn_rows(story, analysis.track.times)
    assert [t["Turn"] for t in turns] == [1, 2]
    passe = "Passé: toe from the knee (shank lengths)"
    assert set(turns[0]) == {"Turn", "From", "Duration", "Leg at second", passe, "Plié", "Relevé",
                             "Travel (of her height)"}
    assert all(t["Leg at second"].endswith("°") and t[passe].endswith(("above", "below")) for t in turns)


def test_a_developpe_reads_in_plain_words(analyses):
    from technique.apps.dashboard.charts import timeline_figure
    from technique.outputs.report import story_rows

    analysis = analyses(DEVELOPPE)
    names = [s.name for s in timeline_figure(analysis).layout.shapes if s.name.startswith("phase")]
    assert names == ["phase preparation", "phase passe", "phase unfold", "phase hold", "phase close"]
    words = {r["In time"]: r["Value"] for r in story_rows(analysis.segments[0].story)}
    assert words["Passed through passé"] == "yes"
    assert words["Unfolded in"].endswith(" s") and "knee" in words["At passé"]


@pytest.fixture(scope="module")
def two_movements(tmp_path_factory) -> Path:
    """A class exercise: the side arabesque, then the side développé, in one clip."""
    from technique.capture.video import VideoReader, VideoWriter

    path = tmp_path_factory.mktemp("two") / "arabesque then developpe.mp4"
    writer = None
    for source in (ARABESQUE, DEVELOPPE):
        with VideoReader(source) as reader:
            writer = writer or VideoWriter(path, reader.info.fps, (reader.info.width, reader.info.height), crf=18)
            for frame in reader:
                writer.write(frame.image)
    writer.close()
    return path


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_a_clip_with_two_movements_is_reviewed_movement_by_movement(db, two_movements):
    at = AppTest.from_function(review_script, default_timeout=180).run()
    upload(at, two_movements)
    assert not at.exception and not at.error
    assert texts(at.subheader) == ["2 movements: Arabesque, Développé devant"]
    assert any("holds 2 movements" in w for w in texts(at.warning))
    markdown = "\n".join(texts(at.markdown))
    # the arabesque ends at the cut (4.0 s) and shares the rest after it with the développé
    assert re.search(r"\*\*1\. Arabesque\*\* \(0\.4–4\.[0-2] s, 100%\) · score 100/100", markdown), markdown
    assert "**2. Développé devant**" in markdown
    timeline = chart_specs(at)[0]["layout"]
    assert [s["name"] for s in timeline["shapes"] if s["name"].startswith("segment")] == ["segment 1", "segment 2"]
    assert timeline["yaxis"]["ticktext"] == ["2. Développé devant · 100%", "1. Arabesque · 100%"]
    review = at.session_state["review"]
    needing = [seg for seg in review.analysis.segments if seg.judgement and seg.judgement.corrections]
    # one worst moment per movement that has something to correct, none for a clean one
    assert [s["name"] for s in timeline["shapes"]].count("worst moment") == len(needing)
    rows = [t.value for t in at.table]
    assert any("Held for" in list(r.get("In time", [])) for r in rows)
    assert any("Passed through passé" in list(r.get("In time", [])) for r in rows)


# ----------------------------------------------------------------------------- a teacher's reference

def references_folder() -> Path:
    return Path(os.environ["TECHNIQUE_REFERENCES"])  # a temp folder: see conftest.private_user_folders


def test_the_teacher_page_saves_a_reference_that_the_review_page_then_lists(temp_folder):
    review = AppTest.from_function(review_script, default_timeout=60).run()
    assert "Arabesque (Miss Ada arabesque)" not in review.selectbox(key="review_movement").options  # labels

    at = AppTest.from_function(teacher_script, default_timeout=180).run()
    assert not at.exception
    at.button[0].click().run()
    assert texts(at.error) == ["Choose the demonstration clip first."]
    at.file_uploader[0].set_value(("demo.mp4", b"Rehearsal notes: arabesque, then pas de bourree.\n", "video/mp4"))
    at.text_input(key="teacher_name").input("Miss Ada arabesque")
    at.button[0].click().run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("demo.mp4 can't be used:")
    assert "not a video" in at.error[0].value
    assert list(temp_folder.iterdir()) == []

    at.text_input(key="teacher_name").input("Arabesque")
    at.button[0].click().run()
    assert "is the name of the built-in movement Arabesque" in at.error[0].value

    at.file_uploader[0].set_value((ARABESQUE.name, ARABESQUE.read_bytes(), "video/mp4"))
    at.text_input(key="teacher_name").input("Miss Ada arabesque")
    at.button[0].click().run()
    assert not at.exception and not at.error
    saved = references_folder() / "miss_ada_arabesque.yaml"
    assert texts(at.success) == [f"Saved “Arabesque (Miss Ada arabesque)” as miss_ada_arabesque, in "
                                 f"{saved.parent}. Choose it as the movement on Review a clip or Live practice."]
    assert saved.exists() and list(temp_folder.iterdir()) == []
    assert "miss_ada_arabesque" in list(at.table[0].value["Name"])

    review.run()  # the same session: the list is read again now that the folder has a new file
    assert "Arabesque (Miss Ada arabesque)" in review.selectbox(key="review_movement").options


@pytest.fixture(scope="module")
def teacher_reference():
    """Miss Cleo's arabesque, made from the side arabesque the way the teacher page makes it."""
    from technique.apps.dashboard.services import make_teacher_reference

    data, path = make_teacher_reference(ARABESQUE.read_bytes(), ARABESQUE.name, "Miss Cleo arabesque", None)
    assert path == references_folder() / "miss_cleo_arabesque.yaml"
    return data


def test_a_review_against_a_teachers_reference_shows_similarity_and_the_side_by_side(db, teacher_reference):
    from technique.outputs.privacy import face_box

    at = AppTest.from_function(review_script, default_timeout=180).run()
    at.selectbox(key="review_movement").set_value("miss_cleo_arabesque")
    upload(at, DEVELOPPE)
    assert not at.exception and not at.error
    metric = at.get("metric")[0]
    assert metric.label == "Similarity to the reference" and metric.value.endswith("%")
    review = at.session_state["review"]
    c = review.analysis.comparison
    assert metric.value == f"{c.similarity:.0%}"
    assert texts(at.info) == [c.message] and "working knee" in c.message
    charts = chart_specs(at)
    assert any(spec["data"][0].get("type") == "bar" and len(spec["data"][0]["y"]) == 5 for spec in charts)
    shapes = [s.get("name") for spec in charts for s in spec["layout"].get("shapes", [])]
    assert "segment 1" in shapes and "furthest from the reference" in shapes  # on the timeline

    pair = review.side_by_side
    width = review.analysis.info.width
    assert pair.shape[0] == review.analysis.info.height and pair.shape[1] > 2 * width
    teacher_side = pair[:, -width:]
    assert (teacher_side == 45).all(axis=2).mean() > 0.9  # a plain canvas...
    assert (teacher_side != 45).any(axis=2).sum() > 2000  # ...with her skeleton on it
    from technique.outputs.report import worst_moment

    still = worst_moment(review.analysis.judgement) is not None
    assert len(at.get("image")) == 1 + still  # the side-by-side, and the worst moment if any

    from technique.apps.dashboard.services import frames_at

    raw = frames_at(DEVELOPPE, [c.worst_frame])[c.worst_frame][:, :, ::-1]
    x0, y0, x1, y1 = face_box(review.analysis.track.pixels[c.worst_frame], (width, raw.shape[0]))
    face = (slice(y0, y1), slice(x0, x1))
    assert np.abs(pair[:, :width][face].astype(int) - raw[face]).mean() > 3  # blurred (Blur faces is on)


def test_a_malformed_reference_in_the_users_folder_is_named_and_the_page_still_works(db, tmp_path, monkeypatch):
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "broken.yaml").write_text("name: broken\ncriteria: [\n")
    from technique.judging.references import builtin_folder

    good = (builtin_folder() / "passe.yaml").read_text().replace("name: passe", "name: high_passe", 1)
    (folder / "high_passe.yaml").write_text(good.replace("title: Passé (retiré)", "title: Our high passé", 1))
    monkeypatch.setenv("TECHNIQUE_REFERENCES", str(folder))
    at = AppTest.from_function(review_script, default_timeout=120).run()
    assert not at.exception
    assert any("broken.yaml" in w.value and "skipped" in w.value for w in at.warning)
    options = at.selectbox[0].options
    assert any("Arabesque" in o for o in options)
    assert "Our high passé" in options  # the teacher's good file is still offered beside the bad one


@pytest.mark.parametrize("damage, words", [("garbage", "not an SQLite database"), ("newer", "newer technique")])
def test_a_damaged_or_newer_history_gets_a_message_on_progress_and_save(db, damage, words):
    import sqlite3

    from technique.outputs.history import SCHEMA_VERSION

    if damage == "garbage":
        db.write_bytes(b"not a database, just bytes " * 400)
    else:
        connection = sqlite3.connect(db)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        connection.close()
    progress = AppTest.from_function(progress_script, default_timeout=60).run()
    assert not progress.exception
    assert any(words in e and str(db) in e for e in texts(progress.error))
    at = AppTest.from_function(review_script, default_timeout=180).run()
    upload(at, ARABESQUE)
    at.text_input(key="save_student").input("Ada")
    at.button[0].click().run()
    assert not at.exception
    assert any(e.startswith("Not saved") and words in e for e in texts(at.error))


def test_to_work_on_lists_every_criterion_with_a_correction(db):
    from technique.apps.dashboard.page_progress import progress_rows
    from technique.outputs.history import History
    from technique.judging.references import load_references

    report = {"movement": {"name": "arabesque"}, "score": 96.9, "clip": {"path": "a.mp4"},
              "criteria": [{"id": "supporting_knee", "name": "Supporting knee straight", "value": 168.0,
                            "verdict": "acceptable", "score": 84.0},
                           {"id": "leg_height", "name": "Leg height", "value": 92.0, "verdict": "good",
                            "score": 100.0}]}
    with History(db) as history:
        history.save("Ada", report, "hash", "2026-09-01T10:00:00+00:00")
        sessions = history.sessions("Ada")
    row, = progress_rows(sessions, load_references())
    assert row["To work on"] == "Supporting knee straight"  # a 96.9 arabesque with a correction




def test_one_red_mark_one_name_on_the_angle_chart(analyses):
    """The worst moment is the chart's only red mark; each criterion's lowest score is a dark cross."""
    from technique.apps.dashboard.charts import LOWEST_MARK, angle_figure
    from technique.outputs.report import worst_moment

    analysis = analyses(FLAWED)  # one correction: a worst moment
    figure = angle_figure(analysis)
    crosses = [t for t in figure.data if t.name == "lowest score"]
    assert crosses and all(t.marker.color == LOWEST_MARK for t in crosses)
    red = [s for s in figure.layout.shapes if s.line.color == "red"]
    worst = float(analysis.track.times[worst_moment(analysis.judgement)])
    assert red and all(s.x0 == pytest.approx(worst) for s in red)
    assert not any(getattr(t.marker, "color", None) == "red" for t in figure.data)

    clean = angle_figure(analyses(ARABESQUE))  # nothing to correct: no red line at all
    assert not [s for s in clean.layout.shapes if s.line.color == "red"]
