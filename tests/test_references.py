"""Reference files: every built-in one validates; malformed ones fail naming the file and the field."""

from __future__ import annotations

import pytest
import yaml

from technique.errors import ReferenceError_, UnknownMovementError
from technique.judging.references import builtin_folder, get_reference, load_reference_file, load_references

REQUIRED = {"arabesque", "developpe_devant", "developpe_a_la_seconde", "developpe_derriere", "fouette",
            "passe", "first_position"}


def test_builtin_references_load_and_cover_the_syllabus():
    refs = load_references()
    assert REQUIRED <= set(refs)
    for ref in refs.values():
        for c in ref.criteria:
            assert c.correction_low and c.correction_high, (ref.name, c.id)
            assert c.acceptable[0] <= c.good[0] <= c.good[1] <= c.acceptable[1]
            assert c.views


def test_builtin_folder_is_package_data():
    assert (builtin_folder() / "arabesque.yaml").is_file()


@pytest.mark.parametrize("name", ["arabesque", "Arabesque", "développé devant", "developpe-devant"])
def test_names_are_forgiving(name):
    assert get_reference(name, load_references()).name in ("arabesque", "developpe_devant")


def test_unknown_movement_lists_the_known_ones():
    with pytest.raises(UnknownMovementError) as err:
        get_reference("grand jeté", load_references())
    assert "arabesque" in err.value.reason


def write(tmp_path, name, data) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True))
    return path


def valid() -> dict:
    return yaml.safe_load((builtin_folder() / "passe.yaml").read_text())


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["criteria"][0].pop("measure"), "criteria[0].measure"),
    (lambda d: d["criteria"][0].update(good=[10, 0]), "criteria[0].good"),
    (lambda d: d["criteria"][0].update(good="straight"), "criteria[0].good"),
    (lambda d: d["criteria"][0].update(measure="knee_of_doom"), "criteria[0].measure"),
    (lambda d: d["criteria"][1].update(views=["overhead"]), "criteria[1].views"),
    (lambda d: d["criteria"][0].update(moment="jump"), "criteria[0].moment"),
    (lambda d: d["criteria"][0].update(acceptable=[-0.05, 0.05]), "criteria[0].acceptable"),
    (lambda d: d["criteria"][0].update(weight=0), "criteria[0].weight"),
    (lambda d: d["moments"]["retire"].update(select="sometimes"), "moments.retire.select"),
    (lambda d: d.update(criteria=[]), "criteria"),
    # what once validated and then broke every score (issue 12, item 13)
    (lambda d: d["moments"]["retire"].update(within=-5), "moments.retire.within"),
    (lambda d: d["moments"]["retire"].update(select="troughs", held=True), "moments.retire.held"),  # a repeat is no hold
    (lambda d: d["moments"]["retire"].update(held="yes"), "moments.retire.held"),
    (lambda d: d["criteria"][0].update(doubt={"overhead": 5}), "criteria[0].doubt"),
    (lambda d: d["criteria"][0].update(doubt={"side": -0.1}), "criteria[0].doubt"),
    (lambda d: d["criteria"][0].update(doubt={"side": "a lot"}), "criteria[0].doubt"),
    (lambda d: d["criteria"][0].update(doubt=[0.1]), "criteria[0].doubt"),
    (lambda d: d["recognise"][0].update(margin=0), "recognise[0].margin"),
    (lambda d: d["recognise"][0].update(margin=-10), "recognise[0].margin"),
    (lambda d: d["criteria"][0].update(weight=float("nan")), "criteria[0].weight"),
    (lambda d: d["criteria"][0].update(weight=float("inf")), "criteria[0].weight"),
    (lambda d: d["criteria"][0].update(weight="heavy"), "criteria[0].weight"),
    (lambda d: d["criteria"][0].update(ideal=float("nan")), "criteria[0].ideal"),
    (lambda d: d["criteria"][0].update(good=[float("-inf"), 0.1]), "criteria[0].good"),
    (lambda d: d["moments"]["retire"].update({"max": float("nan")}), "moments.retire.max"),
    (lambda d: d.update(teacher=[1, 2]), "teacher"),
    (lambda d: d.update(title=["Passé"]), "title"),
    (lambda d: d.update(recognise={"measure": "knee"}), "recognise"),
    (lambda d: d.update(name="passé"), "name"),
])
def test_malformed_reference_names_file_and_field(tmp_path, mutate, field):
    data = valid()
    mutate(data)
    path = write(tmp_path, "passe", data)
    with pytest.raises(ReferenceError_) as err:
        load_reference_file(path)
    assert str(path) in str(err.value)
    assert f"'{field}'" in str(err.value)


def test_yaml_syntax_error_is_reported(tmp_path):
    path = write(tmp_path, "broken", "name: broken\ncriteria: [unclosed\n")
    with pytest.raises(ReferenceError_) as err:
        load_reference_file(path)
    assert "broken.yaml" in str(err.value) and "not valid YAML" in str(err.value)


def test_name_must_match_file(tmp_path):
    path = write(tmp_path, "other", valid())
    with pytest.raises(ReferenceError_, match="must match the file name"):
        load_reference_file(path)


def test_user_folder_adds_and_overrides(tmp_path):
    data = valid()
    data["title"] = "Our school's retiré"
    write(tmp_path, "passe", data)
    extra = valid()
    extra["name"] = "retire_high"
    write(tmp_path, "retire_high", extra)
    refs = load_references((tmp_path,))
    assert refs["passe"].title == "Our school's retiré"
    assert "retire_high" in refs and "arabesque" in refs


def test_nan_written_in_yaml_is_refused(tmp_path):
    text = (builtin_folder() / "passe.yaml").read_text().replace("weight: 3", "weight: .nan", 1)
    assert ".nan" in text
    with pytest.raises(ReferenceError_, match="finite number"):
        load_reference_file(write(tmp_path, "passe", text))


def teacher_section(frames: int = 4) -> dict:
    from technique.judging.teacher import TRAJECTORY

    point = [0.1, -0.2]
    return {"base": "passe", "times": [i / 30 for i in range(frames)],
            "trajectory": {m: [170.0] * frames for m in TRAJECTORY},
            "skeleton": [[point] * 33 for _ in range(frames)]}


@pytest.mark.parametrize("spoil, field", [
    (lambda t: t["trajectory"].pop("working_knee"), "teacher.trajectory.working_knee"),
    (lambda t: t["trajectory"].update(torso_tilt=[1.0, 2.0]), "teacher.trajectory.torso_tilt"),
    (lambda t: t["trajectory"]["supporting_knee"].__setitem__(1, None), "teacher.trajectory.supporting_knee"),
    (lambda t: t["trajectory"]["supporting_knee"].__setitem__(1, float("nan")), "teacher.trajectory.supporting_knee"),
    (lambda t: t.update(trajectory=[1, 2]), "teacher.trajectory"),
    (lambda t: t.update(times=[0.0]), "teacher.times"),
    (lambda t: t["skeleton"][0].pop(), "teacher.skeleton"),
])
def test_a_teachers_trajectory_must_be_complete(tmp_path, spoil, field):
    data = valid()
    data["teacher"] = teacher_section()
    load_reference_file(write(tmp_path, "passe", data))  # whole: loads
    spoil(data["teacher"])
    with pytest.raises(ReferenceError_) as err:
        load_reference_file(write(tmp_path, "passe", data))
    assert f"'{field}'" in str(err.value)


def test_a_huge_reference_file_is_refused_quickly(tmp_path):
    path = tmp_path / "passe.yaml"
    path.write_text((builtin_folder() / "passe.yaml").read_text() + "# padding\n" * 200_000)
    assert path.stat().st_size > 1 << 20
    with pytest.raises(ReferenceError_, match="larger than 1 MB"):
        load_reference_file(path)


def test_a_bad_user_file_is_skipped_and_reported_the_others_still_load(tmp_path):
    extra = valid()
    extra["name"] = "retire_high"
    write(tmp_path, "retire_high", extra)
    bad = valid()
    bad["name"] = "broken"
    bad["recognise"][0]["margin"] = 0
    write(tmp_path, "broken", bad)
    with pytest.raises(ReferenceError_):
        load_references((tmp_path,))  # without a list of problems: the first bad file is an error
    problems = []
    refs = load_references((tmp_path,), problems=problems)
    assert "retire_high" in refs and "arabesque" in refs and "broken" not in refs
    assert [p.source for p in problems] == [str(tmp_path / "broken.yaml")]
    with pytest.raises(UnknownMovementError, match="broken.yaml can't be used.*margin"):
        get_reference("Broken", refs, problems)


@pytest.mark.parametrize("name, suggestion", [("arabsque", "arabesque"), ("devlope devant", "developpe_devant"),
                                              ("fouete", "fouette")])
def test_a_misspelt_movement_suggests_the_closest(name, suggestion):
    with pytest.raises(UnknownMovementError, match=f"did you mean '{suggestion}'"):
        get_reference(name, load_references())


@pytest.mark.parametrize("name", ["arabésque", "ARABESQUE", " Arabesque ", "Arabe\u0301sque"])
def test_one_name_normalisation(name):
    from technique.judging.references import normalise_name

    assert normalise_name(name) == "arabesque"
    assert get_reference(name, load_references()).name == "arabesque"


def test_a_story_the_coach_cant_tell_is_refused_with_the_field_named(tmp_path):
    import yaml

    from technique.judging.references import builtin_folder

    data = yaml.safe_load((builtin_folder() / "demi_plie_first.yaml").read_text())
    data["story"] = "waltz"
    path = tmp_path / "demi_plie_first.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ReferenceError_) as err:
        load_reference_file(path)
    assert "story" in str(err.value) and "waltz" in str(err.value)


def test_the_generated_reference_files_are_what_their_generator_writes(tmp_path):
    """scripts/vocabulary.py keeps the families consistent: a file edited by hand instead would be lost
    the next time it runs."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, str(repo / "scripts" / "vocabulary.py")], check=True,
                   env={**os.environ, "VOCAB_OUT": str(tmp_path)}, capture_output=True)
    written = sorted(tmp_path.glob("*.yaml"))
    assert len(written) > 15
    for path in written:
        assert path.read_text() == (repo / "reference_poses" / path.name).read_text(), path.name
