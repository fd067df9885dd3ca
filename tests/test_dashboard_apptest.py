"""The dashboard's review and progress pages with Streamlit's AppTest (real clips, real model).

The live page needs a browser (streamlit-webrtc): it is tested in test_browser.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import sample
from streamlit.testing.v1 import AppTest

from technique.dashboard import safe_name, streamlit_command

ARABESQUE = sample("first_to_arabesque__side_right")


def review_script():
    from technique.dashboard import review_page

    review_page()


def progress_script():
    from technique.dashboard import progress_page

    progress_page()


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
    assert [b.label for b in at.get("download_button")] == [
        "Report (JSON)", "Per-frame measures (CSV)", "Annotated video (MP4)"]
    assert len(at.get("video")) == 1 and len(at.get("image")) == 1  # replay and the worst moment
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
