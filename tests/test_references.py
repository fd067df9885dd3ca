"""Reference files: every built-in one validates; malformed ones fail naming the file and the field."""

from __future__ import annotations

import pytest
import yaml

from technique.errors import ReferenceError_, UnknownMovementError
from technique.references import builtin_folder, get_reference, load_reference_file, load_references

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
