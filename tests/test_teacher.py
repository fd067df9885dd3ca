"""A teacher's reference from a clip, and students compared with it (DTW: tempo, mirror, distance)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import sample

from technique.apps.cli import main
from technique.judging.references import load_reference_file, load_references
from technique.judging.teacher import TRAJECTORY, compare
from technique.outputs.teacher_reference import name_problem, slug


def test_identical_trajectories_are_fully_similar():
    t = np.linspace(0, 3, 90)
    values = np.stack([170 - 60 * np.sin(t)] * len(TRAJECTORY), axis=1)
    c = compare(t, values, values, "self")
    assert c.similarity == pytest.approx(1.0)
    slow = np.repeat(values, 2, axis=0)  # same movement at half tempo
    assert compare(np.linspace(0, 6, 180), slow, values, "self").similarity > 0.99


def test_the_worst_departure_is_named_in_a_teachers_words():
    t = np.linspace(0, 3, 90)
    teacher = np.full((90, len(TRAJECTORY)), 175.0)
    student = teacher.copy()
    student[40:50, 0] = 150.0  # the working knee bends by 25° in the middle
    c = compare(t, student, teacher, "ref")
    assert c.worst_measure == "working_knee"
    assert c.worst_difference == pytest.approx(-25.0)
    assert "working knee is 25° more bent" in c.message
    assert c.joints["working_knee"] < c.joints["supporting_knee"] == pytest.approx(1.0)


@pytest.fixture(scope="module")
def teacher_reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("teacher")
    code = main(["reference", "from-video", str(sample("first_to_arabesque__side_right")),
                 "--name", "Miss Anna's arabesque", "--out", str(folder)])
    assert code == 0
    return folder / "miss_anna_s_arabesque.yaml"


def test_reference_from_video_is_a_valid_reference(teacher_reference):
    ref = load_reference_file(teacher_reference)
    assert ref.name == "miss_anna_s_arabesque"
    assert ref.title == "Arabesque (Miss Anna's arabesque)"  # the name as she typed it, capitals kept
    data = yaml.safe_load(teacher_reference.read_text())
    assert data["teacher"]["base"] == "arabesque"
    assert set(data["teacher"]["trajectory"]) == set(TRAJECTORY)
    height = next(c for c in ref.criteria if c.id == "leg_height")
    assert height.ideal == pytest.approx(90, abs=5)  # the demonstration's own height
    assert not ref.recognise  # never guessed in place of the built-in arabesque
    assert "miss_anna_s_arabesque" in load_references((teacher_reference.parent,))


def compared(path, teacher_reference):
    from technique.analyser import analyse_clip

    refs = load_references((teacher_reference.parent,))
    return analyse_clip(path, "miss_anna_s_arabesque", references=refs).comparison


def test_mirrored_and_slowed_copies_align_almost_perfectly(teacher_reference, flipped_arabesque, slow_arabesque):
    mirrored = compared(flipped_arabesque, teacher_reference)
    slowed = compared(slow_arabesque, teacher_reference)
    assert mirrored.similarity > 0.9
    assert slowed.similarity > 0.9


def test_a_different_movement_scores_clearly_lower(teacher_reference, slow_arabesque):
    other = compared(sample("developpe_devant__side_right"), teacher_reference)
    same = compared(slow_arabesque, teacher_reference)
    assert other.similarity < same.similarity - 0.15
    assert "working knee" in other.message and "more bent" in other.message


def test_an_identical_clip_is_said_to_follow_not_to_be_0_degrees_lower():
    t = np.linspace(0, 3, 60)
    values = np.stack([170 + 5 * np.sin(t + k) for k in range(len(TRAJECTORY))], axis=1)
    c = compare(t, values, values, "miss_anna")
    assert "0°" not in c.message and "closely" in c.message


def test_views_that_cant_both_show_a_joint_leave_it_out_of_the_comparison():
    from technique.judging.teacher import comparable_joints

    arabesque = load_references(user=False)["arabesque"]
    side_vs_front = comparable_joints(arabesque, "side", "front")
    assert "working_knee" not in side_vs_front and "working_leg_height" not in side_vs_front
    assert "supporting_knee" in side_vs_front
    assert comparable_joints(arabesque, "side", "side") == TRAJECTORY


def test_a_teachers_bands_are_rounded_to_the_measures_precision():
    from technique.outputs.teacher_reference import _shift

    assert _shift([170, 190], 1.45) == [171, 190]
    assert _shift([0.05, 0.12], 0.034, 2) == [0.08, 0.15]


@pytest.mark.parametrize("name, file_name", [
    ("Miss Anna's arabesque", "miss_anna_s_arabesque"), ("Анна арабеск", "anna_arabesk"), ("Ελένη", "eleni"),
    ("Zoë Łukasz", "zoe_lukasz"), ("Arabesque", "arabesque"),
])
def test_names_are_spelt_in_plain_letters_where_they_can_be(name, file_name):
    assert slug(name) == file_name


def test_names_with_no_plain_spelling_get_a_short_stable_id():
    names = ["أنا", "アンナ", "安娜", "💃", "🩰", "💃 Anna", "🩰 Anna"]
    slugs = [slug(n) for n in names]
    assert len(set(slugs)) == len(names)  # never all "teacher.yaml", each replacing the last
    assert slugs == [slug(n) for n in names]  # stable
    assert slugs[5].startswith("anna_") and slugs[0].startswith("teacher_")
    assert all(re.fullmatch(r"[a-z0-9_]+", s) for s in slugs)


def test_one_naming_rule_for_the_command_line_and_the_dashboard(teacher_reference):
    from technique.apps.dashboard.services import teacher_name_problem

    refs = load_references((teacher_reference.parent,))
    for typed in ("Arabesque", "arabésque", "PASSE"):
        assert "built-in movement" in name_problem(typed, refs, overwrite=True)
        assert "built-in movement" in teacher_name_problem(typed, refs, overwrite=True)
    assert "already exists" in name_problem("Miss Anna's arabesque", refs)
    assert "already exists" in teacher_name_problem("Miss Anna's arabesque", refs)
    assert name_problem("Miss Anna's arabesque", refs, overwrite=True) is None
    assert name_problem("Miss Bea", refs) is None


def make(clip, name: str, folder, *extra: str) -> int:
    return main(["reference", "from-video", str(clip), "--name", name, "--out", str(folder), *extra])


def test_a_built_in_name_never_replaces_the_built_in_movement(tmp_path, capsys):
    assert make(sample("first_to_arabesque__side_right"), "Arabesque", tmp_path) == 2
    assert make(sample("first_to_arabesque__side_right"), "Arabesque", tmp_path, "--overwrite") == 2
    assert "built-in movement Arabesque" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(["reference", "from-video", str(sample("first_to_arabesque__side_right")), "--name", "arabesque"]) == 2
    assert not any(Path(os.environ["TECHNIQUE_REFERENCES"]).glob("arabesque.*"))  # the user folder too


def test_an_existing_reference_is_replaced_only_when_asked(teacher_reference, tmp_path, capsys):
    theirs = tmp_path / teacher_reference.name
    theirs.write_text(teacher_reference.read_text() + "# Miss Anna's own\n")
    clip = sample("first_to_arabesque__side_right")
    assert make(clip, "Miss Anna's arabesque", tmp_path) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--overwrite" in err
    assert theirs.read_text().endswith("# Miss Anna's own\n")
    assert make(clip, "Miss Anna's arabesque", tmp_path, "--overwrite") == 0
    assert not theirs.read_text().endswith("# Miss Anna's own\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [theirs.name]  # no temp file left


def test_references_named_in_any_script_each_keep_their_own_file(tmp_path):
    clip = sample("first_to_arabesque__side_right")
    names = ["Анна", "أنا", "アンナ", "💃"]
    for name in names:
        assert make(clip, name, tmp_path) == 0
    files = sorted(tmp_path.iterdir())
    assert len(files) == len(names)
    titles = {load_reference_file(f).title for f in files}
    assert titles == {f"Arabesque ({n})" for n in names}


def test_a_movement_from_a_references_folder_can_be_demonstrated(teacher_reference, tmp_path, capsys):
    """Fix: `reference from-video` had no --references, so a movement kept in a school's folder (here
    Miss Anna's arabesque) could not be demonstrated: 'unknown movement' without the folder."""
    clip = sample("first_to_arabesque__side_right")
    assert make(clip, "Miss Bea", tmp_path, "--movement", "miss_anna_s_arabesque") == 2
    assert "miss_anna_s_arabesque" in capsys.readouterr().err and list(tmp_path.iterdir()) == []
    assert make(clip, "Miss Bea", tmp_path, "--movement", "miss_anna_s_arabesque",
                "--references", str(teacher_reference.parent)) == 0
    data = yaml.safe_load((tmp_path / "miss_bea.yaml").read_text())
    assert data["teacher"]["base"] == "arabesque"  # built on the built-in movement hers stands for
    assert data["title"] == "Arabesque (Miss Bea)"
