"""The accuracy benchmark's tallies, on constructed results (no video, no model).

The confusion matrix and the fault scores must count right and must not break on names the code
does not know yet (a movement with no reference file, a name the code invents).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "accuracy.py"


@pytest.fixture(scope="module")
def acc():
    spec = importlib.util.spec_from_file_location("bench_accuracy", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(movement, predicted, kind="movement", view="front", fault=None, verdicts=None, split="dev"):
    return dict(key=f"{movement}_{predicted}_{view}_{fault}", movement=movement, predicted=predicted, kind=kind,
                view=view, fault=fault, split=split, expected=[movement] if kind != "negative" else [],
                segments=[predicted] if predicted not in ("not recognised", "refused") else [],
                fault_verdicts=verdicts or {}, confidence=0.9)


def test_confusion_counts_right_names_and_shows_unknown_ones_as_columns(acc, capsys):
    rows = [row("passe", "passe"), row("passe", "arabesque"), row("plie_in_fourth", "not recognised"),
            row("tendu_devant", "a_name_without_reference")]
    out = acc.confusion(rows, "DEV")
    assert out["recognised"] == pytest.approx(1 / 4)
    assert out["counts"]["passe|arabesque"] == 1
    assert "a_name_without_reference" in out["columns"] and "not recognised" in out["columns"]
    printed = capsys.readouterr().out
    assert any(line.startswith("plie_in_fourth") and line.endswith("0/1") for line in printed.splitlines())


def test_fault_scores_flag_fault_and_acceptable_not_good(acc):
    rows = [row("passe", "passe", kind="fault", fault="bent_supporting_knee",
                verdicts={"bent_supporting_knee": "fault"}),
            row("passe", "passe", kind="fault", fault="bent_supporting_knee",
                verdicts={"bent_supporting_knee": "acceptable"}),
            row("passe", "passe", kind="fault", fault="bent_supporting_knee",
                verdicts={"bent_supporting_knee": "not_assessable"}),
            row("passe", "passe", verdicts={"bent_supporting_knee": "good"}),
            row("passe", "passe", verdicts={"bent_supporting_knee": "fault"})]
    scores = acc.fault_scores(rows, "DEV")["bent_supporting_knee|passe"]
    # a view that can't judge the criterion says so: neither a hit nor a miss
    assert (scores["tp"], scores["fn"], scores["fp"], scores["tn"]) == (2, 0, 1, 1)
    assert scores["f1"] == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))


def test_a_name_on_a_negative_is_a_confident_wrong_name_and_none_is_right(acc):
    rows = [row("not_ballet", "passe", kind="negative"), row("not_ballet", "not recognised", kind="negative")]
    wrong = acc.wrong_names(rows)
    assert [w["wrong"] for w in sorted(wrong, key=lambda w: w["predicted"])] == [False, True]


def test_fault_criterion_found_by_id_else_by_measure(acc):
    by_id = SimpleNamespace(criteria=[SimpleNamespace(id="leg_height", measure="working_leg_height")])
    by_measure = SimpleNamespace(criteria=[SimpleNamespace(id="height_of_leg", measure="working_leg_height")])
    unrelated = SimpleNamespace(criteria=[SimpleNamespace(id="torso", measure="torso_tilt")])
    assert acc.criterion_for("working_leg_low", by_id).id == "leg_height"
    assert acc.criterion_for("working_leg_low", by_measure).id == "height_of_leg"
    assert acc.criterion_for("working_leg_low", unrelated) is None


def test_an_azimuth_view_reads_as_the_view_kind_of_the_products_own_yaw_bands(acc):
    from technique.analysis.direction import DIRECTION

    front, side = int(DIRECTION.view_front_below), int(DIRECTION.view_side_above)
    for sign in (1, -1):  # toward her left and toward her right alike
        assert acc.view_kind(f"az{sign * (front - 1):+d}") == "front"
        assert acc.view_kind(f"az{sign * (front + 1):+d}") == "three_quarter"
        assert acc.view_kind(f"az{sign * side:+d}") == "three_quarter"
        assert acc.view_kind(f"az{sign * (side + 1):+d}") == "side"
        assert acc.view_kind(f"az{sign * (180 - front + 1):+d}") == "front"  # seen from behind, as "back"
    assert [acc.view_kind(v) for v in ("front", "back", "three_quarter_left", "side_right")] == \
        ["front", "front", "three_quarter", "side"]


def test_per_view_columns_keep_the_named_views_and_add_azimuths_from_her_right_to_her_left(acc):
    assert acc.table_views({"side_left", "front", "three_quarter"}) == ["front", "three_quarter", "side_left"]
    assert acc.table_views({"az+70", "az-30", "front", "az+30", "az-70"}) == \
        ["front", "az-30", "az-70", "az+30", "az+70"]
    assert acc.short("az-30").startswith("30°R") and acc.short("az+70").startswith("70°L")


def test_angle_errors_compare_with_the_dancers_working_leg_not_the_side_the_code_named(acc):
    """MediaPipe may swap the legs' names in profile while the code measures the raised leg: the truth is
    the renders' working leg (here left, raised to 90; the right one hangs)."""
    gt = {"working": "l", "angles_3d": {"leg_from_vertical_l": [90.0, 90.0], "leg_from_vertical_r": [0.0, 0.0],
                                        "knee_l": [170.0, 170.0], "knee_r": [150.0, 150.0]}}
    named_right = SimpleNamespace(working_leg="right")
    assert list(acc.true_angles(gt, "3d", "working_leg_height", named_right)) == [90.0, 90.0]
    assert list(acc.true_angles(gt, "3d", "supporting_knee", named_right)) == [150.0, 150.0]
    # without the renders' working leg (older truth files), the side the code named
    del gt["working"]
    assert list(acc.true_angles(gt, "3d", "working_leg_height", named_right)) == [0.0, 0.0]


def test_clean_renders_heels_count_against_the_floor_they_stand_on(acc):
    """The renders hold no heel height per frame, but the clean pliés that keep their heels down stand them
    flat by construction: their judged heel_rise is its own error (the figure behind a view's doubt). A
    heels-up render and a grand plié in first (whose heels rise) have no such truth."""
    def analysis(value):
        heels = SimpleNamespace(measure="heel_rise", moment="bottom", aggregate="median")
        verdict = SimpleNamespace(criterion=heels, value=value, judged=True)
        return SimpleNamespace(judgement=SimpleNamespace(verdicts=[verdict], spans={}))

    gt = {"working": None, "angles_3d": {}}
    clean = dict(kind="movement", movement="grand_plie_second", ground_truth=gt)
    assert acc.verdict_errors(analysis(0.08), clean) == {"heel_rise": pytest.approx(0.08)}
    assert acc.verdict_errors(analysis(-0.02), clean) == {"heel_rise": pytest.approx(0.02)}
    assert acc.verdict_errors(analysis(0.08), dict(clean, kind="fault")) == {}
    assert acc.verdict_errors(analysis(0.08), dict(clean, movement="grand_plie_first")) == {}


def test_feet_pointed_without_a_name_are_tallied_by_the_movement_rendered(acc, capsys):
    """The report's note on a foot pointed outside any movement is for tendus along the line of sight:
    the tally says how many clips got it and how many of those truly were tendus or dégagés."""
    rows = [dict(row("tendu_devant", "not recognised"), pointed_unnamed=True),
            dict(row("degage_devant", "not recognised"), pointed_unnamed=True),
            dict(row("second_position", "second_position"), pointed_unnamed=True),
            dict(row("tendu_devant", "tendu_devant", view="side_right"), pointed_unnamed=False)]
    assert acc.pointed_tally(rows, "DEV") == dict(told=3, tendus=2, by_movement={"tendu_devant": 1, "degage_devant": 1,
                                                                                "second_position": 1})
    assert "3 clips told so, 2 of them tendus" in capsys.readouterr().out
    assert acc.pointed_tally([row("passe", "passe")], "DEV") == {}  # reports from before the note: no tally


def test_a_class_tally_counts_the_dancers_found_and_how_well_they_were_followed(acc, capsys):
    """tracks.py caches each true dancer of a class render with what the class said of her: found (paired with
    a track) or not, and the share of her frames that track stayed nearest her."""
    def dancer(number, found_as, followed=None, view="front"):
        info = dict(clip="class_a", dancers=3, found=2, number=number)
        if found_as is not None:
            info.update(found_as=found_as, followed=followed)
        return dict(row("passe", "passe", view=view), body="adult", **{"class": info})
    rows = [dancer(1, 1, 1.0), dancer(2, 2, 0.9), dancer(3, None), row("passe", "passe")]
    assert acc.class_tally(rows, "DEV") == dict(clips=1, dancers=3, followed=2, nearest=0.9)
    assert "1 clips, 2 of 3 dancers found and followed" in capsys.readouterr().out
    assert acc.class_tally([row("passe", "passe")], "DEV") == {}


def test_faulted_renders_are_tallied_by_the_name_they_get_in_views_that_show_the_movement(acc, capsys):
    rows = [row("releve", "first_position", kind="fault", fault="releve_too_low"),
            row("releve", "releve", kind="fault", fault="releve_too_low"),
            row("passe", "not recognised", kind="fault", fault="bent_supporting_knee"),
            row("arabesque", "arabesque", kind="fault", fault="working_leg_low", view="front"),  # front can't show it
            row("passe", "passe")]  # clean: not counted
    out = acc.faulted_named(rows, "DEV")
    assert out == dict(named=1, other=1, clips=3)
    assert "first_position x1" in capsys.readouterr().out


def test_the_doubt_table_pools_clean_dev_renders_by_the_view_seen():
    """benchmarks/doubt.py: the figures behind measures.MEASURE_DOUBT, from accuracy.py's dumps."""
    spec = importlib.util.spec_from_file_location("bench_doubt", SCRIPT.parent / "doubt.py")
    doubt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(doubt)

    def judged(error, view, kind="movement", split="dev"):
        return dict(kind=kind, split=split, view_seen=view, verdict_errors={"working_leg_height": error})

    one = {"rows": [judged(2.0, "side"), judged(9.0, "three_quarter"), judged(30.0, "three_quarter", kind="fault"),
                    judged(40.0, "three_quarter", split="heldout")]}
    two = {"rows": [judged(5.0, "three_quarter"), dict(kind="negative", split="dev", view_seen="front")]}
    table = doubt.errors_by_view([one, two])
    assert table == {("working_leg_height", "side"): [2.0], ("working_leg_height", "three_quarter"): [9.0, 5.0]}
    # a criterion with its own doubt in its reference file is counted apart, and not in its measure's figure
    attitude = {"rows": [dict(judged(20.0, "side"), movement="attitude_devant"), dict(judged(3.0, "side"), movement="arabesque")]}
    assert ("attitude_devant", "working_leg_height") not in doubt.own_doubts()
    own = doubt.errors_by_view([attitude], {("attitude_devant", "working_leg_height")})
    assert own == {("working_leg_height (attitude_devant)", "side"): [20.0], ("working_leg_height", "side"): [3.0]}
    assert ("attitude_devant", "working_knee") in doubt.own_doubts()


def test_the_passe_toe_truth_is_the_toe_below_the_other_knee_in_its_shank_lengths(acc, tmp_path):
    """accuracy.with_toe_truth: passe_toe_to_knee's truth from the render's joints, positive below the knee,
    in 3D (height up) and in the picture (y down) alike."""
    import json

    joints_3d = {"right_knee": [0.1, 0.5, 0.0], "right_ankle": [0.1, 0.1, 0.0], "left_foot_index": [0.0, 0.45, 0.1],
                 "left_knee": [-0.1, 0.5, 0.0], "left_ankle": [-0.1, 0.1, 0.0], "right_foot_index": [0.1, 0.7, 0.0]}
    joints_2d = {k: [100 * v[0] + 300, 400 - 100 * v[1], 3.0] for k, v in joints_3d.items()}
    truth = tmp_path / "clip.json"
    truth.write_text(json.dumps({"frames": [{"joints_3d": joints_3d, "joints_2d": joints_2d}]}))
    labels = acc.with_toe_truth({"truth": str(truth), "ground_truth": {"angles_3d": {}, "angles_2d": {}}})
    for space in ("3d", "2d"):
        got = labels["ground_truth"][f"angles_{space}"]
        assert got["toe_below_knee_l"] == [pytest.approx(0.125)]  # 0.05 below a 0.4 shank
        assert got["toe_below_knee_r"] == [pytest.approx(-0.5)]   # 0.2 above
    assert acc.with_toe_truth({"ground_truth": {}}) == {"ground_truth": {}}  # no render file: as it was


def test_the_view_probe_pairs_each_stills_true_angle_with_its_picture(tmp_path, capsys):
    """benchmarks/view_probe.py: per position, bent joint and view, the renderer's true angle beside the one
    in the picture, sorted by the true one, and whether the picture's rises with it over half its range."""
    import json

    spec = importlib.util.spec_from_file_location("bench_view_probe", SCRIPT.parent / "view_probe.py")
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    (tmp_path / "images").mkdir()
    stills = {"tendu_devant__foot62__front": ("ankle_r", 164.0, 180.0),
              "tendu_devant__foot0__front": ("ankle_r", 107.0, 109.0),
              "tendu_devant__foot62__three_quarter": ("ankle_r", 164.0, 170.0),
              "tendu_devant__foot0__three_quarter": ("ankle_r", 107.0, 178.0),
              "tendu_devant__knee0__three_quarter": ("knee_r", 171.0, 177.0),
              "tendu_devant__knee30__three_quarter": ("knee_r", 142.0, 174.0),
              "tendu_devant__support20__front": ("knee_l", 152.0, 154.0)}
    for name, (key, true, shown) in stills.items():
        (tmp_path / "images" / f"{name}.json").write_text(
            json.dumps({"angles_3d": {key: true}, "angles_2d": {key: shown}}))
    table = probe.probe(tmp_path)
    assert table[("tendu_devant", "foot", "front")] == [(107.0, 109.0), (164.0, 180.0)]
    assert table[("tendu_devant", "support", "front")] == [(152.0, 154.0)]
    assert probe.shows(table[("tendu_devant", "foot", "front")]) == ""
    assert probe.shows(table[("tendu_devant", "foot", "three_quarter")]) == "!"  # upside down
    assert probe.shows(table[("tendu_devant", "knee", "three_quarter")]) == "~"  # 29 deg squeezed into 3
    assert probe.main([str(tmp_path)]) == 0
    assert "tendu_devant               foot     true 107 164 | front 109 180 | three_quarter 178 170 !" in \
        capsys.readouterr().out
    assert probe.main([str(tmp_path / "nowhere")]) == 2
