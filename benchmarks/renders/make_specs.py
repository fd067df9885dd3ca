"""Write benchmarks/renders/vocabulary.json (the render spec of the issue-9 accuracy dataset), views.json,
camera.json, camera_default.json, camera_low.json, camera_wide.json, fps30.json and portrait.json.

    python benchmarks/renders/make_specs.py          # rewrites the eight specs beside this file

One clip per movement (the barre-and-centre vocabulary), its faulted variants and a few
non-ballet or unseeable negatives. Each clip starts in first position, does the movement, holds
it where it is held and returns. Poses are written for the right working leg and mirrored for
the left, so the two legs are the same movement. The pose angles come from the synthetic
dancer's examples (vocabulary.json, samples.json) where they exist and from
../shared/docs/ballet-criteria.md otherwise.

Every clip carries a ``meta`` block (ignored by the renderer) with its movement label, fault,
kind (movement / fault / negative) and the order in which its views should be rendered;
``render.py`` in this folder reads it to render in priority order, body by body.

views.json holds the same movement clips (no faults, no negatives) seen from in-between camera
azimuths, to check that recognition holds between the six named views: real users film from any
angle. A view "az+30" is the renderer's azimuth +30 degrees. Its sign (checked on a render: the
named three_quarter view, 45 deg toward her right, is azimuth -45, and a dancer turned yaw_deg +45
seen from the front gives the same picture): negative = the camera toward her right, positive =
toward her left.

views_back.json holds them seen from behind her, three-quarter: 135 deg round from her front, to either
side (the working leg's side first). Only the back view (180) was rendered from behind before; a
teacher at the back of the studio sees a class this way.
views_far.json: the same just behind her profile (110 deg round) and nearly behind her (160 deg), either
side; a check that views no set was tuned on say nothing confidently wrong.

camera.json holds the same movement clips seen from the named views front, side_right and
three_quarter by a camera placed high and far, as a phone on a high shelf at the back of the studio:
25 deg above hip height instead of 5, and zoom 0.7. The renderer's zoom divides the distance at
which the clip's whole movement just fills the frame (fixed 40 deg vertical field of view): 0.7
puts the camera 1/0.7 = 1.43 times farther than that fit, which at 25 deg is itself a little farther
(measured on the renders: 4.0-4.3 m from her hips instead of 2.75; she is 250-265 px tall of 480
instead of about 415, i.e. 0.6 as tall).
Its views are listed side_right first: the render order when time is short.
camera_default.json is camera.json with the renderer's default camera (5 deg, zoom 1.0): its control.
The renders of vocabulary.json were made at 15 fps and these at 10 (as views.json), so only the
control tells a change of camera from a change of frame rate.
camera_low.json is camera.json's mirror, a camera below her hips looking up at her, as a phone standing
on the floor against a wall: 12 deg below hip height, zoom 0.8 (a phone on the floor stands back to see
her whole). -15 was meant, but the renderer aims at the middle of the movement's extent and refits the
distance, so at -15 and zoom 0.8 the camera sat at floor level (-15 to +5 cm, computed with the
renderer's own fit for both DEV bodies) and 73 of the 270 clip-views put it under the floor, which then
hides her entirely (attitude_derriere_r front rendered a blank floor). At -13 it sat 0-18 cm up, the floor
edge-on; at -12, 8-25 cm above the floor (median 18-20), 3.4-3.9 m from her hips (adult_male 3.8-4.4),
and she stands 295-345 px tall of 480 (her first-position frame; measured the same way camera.json
gives 250-305 and the default camera 380-455), feet to raised hands within rows 60-425: whole.
camera_wide.json films them as a phone does, through its wide lens: 65 deg vertical field of view
(landscape) instead of the renderer's 40 ("yfov_deg", given to the renderer by lens.py; the ground truth's
K holds it: focal length 377 px instead of 659), at hip height (5 deg) and zoom 1.0, so the renderer's fit
brings the camera in until the movement fills the frame again. Measured on the renders: 1.6-2.1 m from her
hips (median 1.65-1.75; adult_male 1.8-2.35, median 1.85-2.0) instead of 2.7-3.2 (3.0-3.6), the lens
1.0-1.2 m above the floor; she is as tall in the picture (nose to feet in her first frame 311-431 px of
480, median about 400, against 346-428, median 407), but a foot held toward the camera comes to 0.65 m
from it and the two ankles' distances from the lens differ by up to 2.3 times (median 1.14-1.25) instead
of 1.6 (1.08-1.15): the perspective of a dancer filming herself.
fps30.json holds the right-leg and two-legged movement clips at 30 frames a second, as phones and webcams
film (the other sets are rendered at 10-15 to save time), from the default camera in the views side_right,
front and three_quarter: the adult_male body's (DEV) clips there are its 10 fps renders' twins, so the two
tell whether what the benchmark measures at 10 fps holds at a real frame rate.
portrait.json holds the same clips filmed upright, 480 x 640, as a phone held the way most people hold it
(the other sets are landscape, 640 x 480), at 10 fps: the adult_male body's clips there are twins of its
landscape renders.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
VIEWS_R = ["front", "side_right", "three_quarter", "side_left", "three_quarter_left", "back"]
VIEWS_L = ["front", "side_left", "three_quarter_left", "side_right", "three_quarter"]
VIEWS_BOTH = ["front", "side_right", "three_quarter", "side_left", "three_quarter_left", "back"]
# views.json: 30 and 70 deg from facing the camera, the working leg's side first (see the docstring for the sign)
AZIMUTHS_R = ["az-30", "az+30", "az-70", "az+70"]
AZIMUTHS_L = ["az+30", "az-30", "az+70", "az-70"]
# views_back.json: three-quarter from behind her
AZIMUTHS_BACK_R = ["az-135", "az+135"]
AZIMUTHS_BACK_L = ["az+135", "az-135"]
# views_far.json: just behind her profile (110 deg round) and nearly behind her (160 deg), either side
AZIMUTHS_FAR_R = ["az-110", "az+110", "az-160", "az+160"]
AZIMUTHS_FAR_L = ["az+110", "az-110", "az+160", "az-160"]
# camera.json: one placement, high and far (see the docstring), in three named views, the profile first
CAMERA = {"elevation_deg": 25, "zoom": 0.7}
# camera_low.json: the mirror placement, low and looking up; -12, not -15, keeps it above the floor (docstring)
CAMERA_LOW = {"elevation_deg": -12, "zoom": 0.8}
# camera_wide.json: a phone's wide lens (65 deg vertical, landscape) at the renderer's fitted distance (docstring)
CAMERA_WIDE = {"yfov_deg": 65, "zoom": 1.0}
CAMERA_VIEWS_R = ["side_right", "front", "three_quarter"]
CAMERA_VIEWS_L = ["side_left", "front", "three_quarter_left"]

ARMS_FIFTH_SECOND = dict(arm_elev_l=165, elbow_flex_l=25, arm_elev_r=78, arm_fwd_r=15, elbow_flex_r=15)
ARMS_SECOND = dict(arm_elev_l=78, arm_elev_r=78, arm_fwd_l=15, arm_fwd_r=15, elbow_flex_l=15, elbow_flex_r=15)
ARMS_FIRST = dict(arm_elev_l=45, arm_fwd_l=70, arm_elev_r=45, arm_fwd_r=70, elbow_flex_l=35, elbow_flex_r=35)
POINT_R = dict(ankle_pf_r=62, toe_pf_r=15)
LAZY_FOOT_R = dict(ankle_pf_r=18, toe_pf_r=0)
RELEVE_L = dict(ankle_pf_l=55, toe_pf_l=-50)

# Right-leg (or two-legged) poses, complete: the renderer adds only its symmetric first-position stance.
POSES: dict[str, dict] = {
    "first_position": {},
    "second_position": dict(hip_abd_l=11, hip_abd_r=11),
    "demi_plie_first": dict(hip_flex_l=24, hip_abd_l=22, hip_flex_r=24, hip_abd_r=22, knee_flex_l=62,
                            knee_flex_r=62, ankle_pf_l=-28, ankle_pf_r=-28),
    # thighs near horizontal at the bottom; in first the heels rise (criteria §5) and stay together: the
    # knees open over the toes by turnout (hip_rot 80), not by opening the thighs alone (hip_rot 50 left
    # the heels 20 cm apart, no longer a first position: 0.01-0.05 m now, as in the first-position stance)
    "grand_plie_first": dict(hip_flex_l=45, hip_abd_l=50, hip_flex_r=45, hip_abd_r=50, hip_rot_l=80, hip_rot_r=80,
                             knee_flex_l=122, knee_flex_r=122, ankle_pf_l=18, ankle_pf_r=18, toe_pf_l=-35, toe_pf_r=-35,
                             **{k: v for k, v in ARMS_SECOND.items()}),
    "demi_plie_second": dict(hip_abd_l=30, hip_abd_r=30, hip_flex_l=22, hip_flex_r=22, knee_flex_l=58,
                             knee_flex_r=58, ankle_pf_l=-26, ankle_pf_r=-26),
    # heels on the floor at the bottom (criteria §5): ankle_pf -52 lays the foot as flat as in first position
    # (ground truth, four bodies: heel points 2.7-3.7 cm up, toes 1.1-1.7, against first position's 2.4-3.6 and
    # 1.4-1.8); -40 left the heels 5.9-8.6 cm up, the foot resting on its toes
    "grand_plie_second": dict(hip_flex_l=40, hip_abd_l=48, hip_flex_r=40, hip_abd_r=48, knee_flex_l=112,
                              knee_flex_r=112, ankle_pf_l=-52, ankle_pf_r=-52, arm_elev_l=78, arm_elev_r=78,
                              arm_fwd_l=15, arm_fwd_r=15),
    "releve": dict(ankle_pf_l=55, ankle_pf_r=55, toe_pf_l=-50, toe_pf_r=-50),
    "passe": dict(hip_flex_r=69, hip_abd_r=45, hip_rot_r=70, knee_flex_r=131, ankle_pf_r=60, toe_pf_r=15,
                  hip_abd_l=0, **ARMS_FIRST),
    "tendu_devant": dict(hip_flex_r=30, hip_abd_l=0, **POINT_R),
    "tendu_a_la_seconde": dict(hip_abd_r=30, hip_rot_r=60, hip_abd_l=0, **POINT_R),
    "tendu_derriere": dict(hip_flex_r=-30, hip_abd_l=0, torso_lean=3, **POINT_R),
    # dégagé: a tendu whose toe leaves the floor, the leg about 45° from the supporting leg
    "degage_devant": dict(hip_flex_r=45, hip_abd_l=0, **POINT_R),
    "degage_a_la_seconde": dict(hip_abd_r=45, hip_rot_r=60, hip_abd_l=0, **POINT_R),
    "degage_derriere": dict(hip_flex_r=-42, hip_abd_l=0, torso_lean=6, **POINT_R),
    "arabesque": dict(hip_flex_r=-90, hip_rot_r=35, hip_rot_l=40, hip_abd_l=0, ankle_pf_r=65, toe_pf_r=20,
                      torso_lean=15, arm_elev_l=95, arm_fwd_l=80, elbow_flex_l=5, arm_elev_r=85, arm_fwd_r=-10,
                      elbow_flex_r=5),
    # thigh about 90°, knee bent to ~100-140° interior angle (criteria §8)
    "attitude_devant": dict(hip_flex_r=88, hip_rot_r=50, hip_abd_l=0, knee_flex_r=70, ankle_pf_r=65,
                            toe_pf_r=20, torso_lean=-3, **ARMS_FIFTH_SECOND),
    "developpe_devant": dict(hip_flex_r=90, hip_rot_r=45, hip_abd_l=0, ankle_pf_r=65, toe_pf_r=20, torso_lean=-5,
                             **ARMS_FIFTH_SECOND),
    "developpe_a_la_seconde": dict(hip_abd_r=90, hip_rot_r=60, hip_abd_l=0, ankle_pf_r=65, toe_pf_r=20,
                                   torso_side=8, **ARMS_SECOND),
    "developpe_derriere": dict(hip_flex_r=-80, hip_rot_r=40, hip_rot_l=40, hip_abd_l=0, ankle_pf_r=65,
                               toe_pf_r=20, torso_lean=14, **ARMS_SECOND),
    "grand_battement_devant": dict(hip_flex_r=92, hip_rot_r=45, hip_abd_l=0, ankle_pf_r=65, toe_pf_r=20,
                                   **ARMS_SECOND),
    "grand_battement_a_la_seconde": dict(hip_abd_r=90, hip_rot_r=60, hip_abd_l=0, ankle_pf_r=65, toe_pf_r=20,
                                         **ARMS_SECOND),
    "grand_battement_derriere": dict(hip_flex_r=-75, hip_rot_r=40, hip_abd_l=0, ankle_pf_r=65, toe_pf_r=20,
                                     torso_lean=18, **ARMS_SECOND),
}
POSES["passe_releve"] = dict(POSES["passe"], **RELEVE_L)
POSES["attitude_derriere"] = dict(POSES["arabesque"], hip_flex_r=-85, hip_abd_r=15, knee_flex_r=80, torso_lean=12,
                                  arm_elev_r=165, arm_fwd_r=10, elbow_flex_r=25)
POSES["fouette_seconde"] = dict(POSES["developpe_a_la_seconde"], knee_flex_l=25, ankle_pf_l=-12)  # plié
POSES["fouette_passe"] = dict(POSES["passe_releve"])
POSES["port_de_bras_first"] = dict(arm_elev_l=60, arm_fwd_l=75, arm_elev_r=60, arm_fwd_r=75, elbow_flex_l=30,
                                   elbow_flex_r=30)
# a passé too low for the développé's passage through retiré (fault passe_too_low): the knee bent less, so the
# toe stops about mid-shank, not at the supporting knee. Not in POSES: no movement clip of its own.
PASSE_LOW = dict(POSES["passe"], hip_flex_r=50, knee_flex_r=103)

# Faults: (clip name, movement, fault name, pose it modifies, changes)
# A bent supporting knee keeps its heel down: the renderer holds the pelvis and grounds the lowest point, so a
# knee bent alone tips the shank back and stands the foot on its toes (ground truth: the heel 9 cm up, read as
# a relevé); the thigh and the ankle bend with it in a demi-plié's proportions (hip 0.38, ankle -0.45 of the knee)
BENT_SUPPORTING_KNEE = dict(knee_flex_l=28, hip_flex_l=11, ankle_pf_l=-13)
FAULTS = [
    ("arabesque_bent_supporting_knee", "arabesque", "bent_supporting_knee", "arabesque", BENT_SUPPORTING_KNEE),
    ("passe_bent_supporting_knee", "passe", "bent_supporting_knee", "passe", BENT_SUPPORTING_KNEE),
    ("arabesque_low", "arabesque", "working_leg_low", "arabesque", dict(hip_flex_r=-45, torso_lean=6)),
    ("developpe_devant_low", "developpe_devant", "working_leg_low", "developpe_devant", dict(hip_flex_r=50)),
    ("developpe_a_la_seconde_low", "developpe_a_la_seconde", "working_leg_low", "developpe_a_la_seconde",
     dict(hip_abd_r=50, torso_side=3)),
    ("demi_plie_torso_forward", "demi_plie_first", "torso_leaning_forward", "demi_plie_first", dict(torso_lean=24)),
    ("tendu_devant_bent_knee", "tendu_devant", "bent_working_knee", "tendu_devant", dict(knee_flex_r=28)),
    ("tendu_a_la_seconde_bent_knee", "tendu_a_la_seconde", "bent_working_knee", "tendu_a_la_seconde",
     dict(knee_flex_r=28)),
    ("releve_low", "releve", "releve_too_low", "releve", dict(ankle_pf_l=18, ankle_pf_r=18, toe_pf_l=-15,
                                                              toe_pf_r=-15)),
    ("demi_plie_heels_up", "demi_plie_first", "heels_up", "demi_plie_first",
     dict(ankle_pf_l=22, ankle_pf_r=22, toe_pf_l=-35, toe_pf_r=-35)),
    # the demi-plié's heel rise at the bottom of the grand plié in second, where the heels stay down: the toes stay
    # on the floor, the heel points 15-26 cm above it instead of the clean render's 3-4 (ground truth, four bodies)
    ("grand_plie_second_heels_up", "grand_plie_second", "heels_up", "grand_plie_second",
     dict(ankle_pf_l=22, ankle_pf_r=22, toe_pf_l=-35, toe_pf_r=-35)),
    # the extension held as clean; the fault is in the passé it unfolds from (PASSE_LOW)
    ("developpe_a_la_seconde_low_passe", "developpe_a_la_seconde", "passe_too_low", "developpe_a_la_seconde", {}),
    ("developpe_devant_low_passe", "developpe_devant", "passe_too_low", "developpe_devant", {}),
    # a lazy foot (criteria §4 and §10: knee-ankle-toe under 135 is a "flexed/relaxed foot"): the ankle pointed 18
    # instead of 62 and the toes relaxed. By the view probe's ground truth (ankle_pf 0 / 30 / 62 -> 107 / 136 / 164)
    # that is about 123; the clean renders' 164 is the full point. In every named view: which views can tell a lazy
    # foot from a pointed one is what these measure (benchmarks/view_probe.py says it for the picture alone).
    *[(f"{m}_lazy_foot", m, "lazy_foot", m, LAZY_FOOT_R) for m in ("tendu_devant", "tendu_a_la_seconde",
                                                                     "tendu_derriere", "arabesque")],
]
FAULT_VIEWS = ["front", "side_right", "three_quarter", "three_quarter_left"]
# faults seen from more views than FAULT_VIEWS (the lazy foot's, whose visibility depends most on the view)
FAULT_VIEWS_OF = {"lazy_foot": VIEWS_R}


def mirror(params: dict) -> dict:
    """The same pose on the other leg: swap _l/_r and turn sideways/twisting angles the other way."""
    out = {}
    for k, v in params.items():
        if k.endswith("_l"):
            k = k[:-2] + "_r"
        elif k.endswith("_r"):
            k = k[:-2] + "_l"
        if k in ("torso_side", "torso_twist", "head_turn"):
            v = -v
        out[k] = v
    return out


def timeline(movement: str, pose: str, passe: str = "passe") -> tuple[float, list, list, list | None]:
    """(seconds, keys, labels, yaw) of one clip of `movement` using pose `pose` for its held shape
    (and, in a développé, pose `passe` for the passé it unfolds from)."""
    first = "first_position"
    if movement == "first_position":
        return 2.6, [[0, first], [1.2, "port_de_bras_first"], [2.4, first]], [[0, 2.6, movement]], None
    if movement == "second_position":
        return 2.8, [[0, first], [0.4, first], [1.1, pose]], [[1.1, 2.8, movement]], None
    if movement.endswith("_second") and "plie" in movement:
        deep = movement.startswith("grand")
        bottom, up = (1.9, 3.0) if deep else (1.5, 2.3)
        return up + 0.4, [[0, first], [0.3, first], [0.8, "second_position"], [bottom, pose],
                          [bottom + 0.2, pose], [up, "second_position"]], [[bottom - 0.1, bottom + 0.3, movement]], None
    if "plie" in movement:
        deep = movement.startswith("grand")
        bottom, up = (1.5, 2.7) if deep else (1.1, 1.9)
        return up + 0.4, [[0, first], [0.4, first], [bottom, pose], [bottom + 0.2, pose], [up, first]], \
            [[bottom - 0.1, bottom + 0.3, movement]], None
    if movement.startswith("developpe"):
        return 3.4, [[0, first], [0.3, first], [1.0, passe], [1.8, pose], [2.5, pose], [3.2, first]], \
            [[0.95, 1.05, "passe"], [1.8, 2.5, movement]], None
    if movement.startswith("grand_battement"):
        keys, labels = [[0, first], [0.4, first]], []
        for i in range(2):
            t = 0.4 + i * 0.8
            keys += [[t + 0.35, pose], [t + 0.45, pose], [t + 0.8, first]]
            labels.append([t + 0.3, t + 0.5, movement])
        return 2.4, keys, labels, None
    if movement == "pirouette":
        keys = [[0, first], [0.3, "demi_plie_first"], [0.8, "passe_releve"], [2.0, "passe_releve"], [2.6, first]]
        return 3.0, keys, [[0.25, 0.35, "demi_plie_first"], [0.8, 2.0, movement]], [[0, 0], [0.8, 0], [2.0, 360]]
    if movement == "fouette":
        return fouette_timeline(turns=2 if pose.endswith("_r") or pose == "fouette" else 3)
    if movement.startswith(("tendu", "degage")):
        return 2.8, [[0, first], [0.4, first], [1.0, pose], [1.8, pose], [2.4, first]], [[1.0, 1.8, movement]], None
    # held shapes: relevé, passé, attitude, arabesque
    return 3.2, [[0, first], [0.4, first], [1.3, pose], [2.2, pose], [2.9, first]], [[1.3, 2.2, movement]], None


def fouette_timeline(turns: int):
    """Fouetté as the bundled sample: plié with the leg à la seconde, whip into passé relevé, one turn each."""
    keys, labels = [[0, "first_position"], [0.5, "fouette_seconde"]], []
    t = 0.5
    for _ in range(turns):
        keys += [[t + 0.35, "fouette_passe"], [t + 0.65, "fouette_passe"], [t + 1.0, "fouette_seconde"]]
        labels.append([t, t + 1.0, "fouette"])
        t += 1.0
    keys.append([t + 0.7, "first_position"])
    return t + 0.9, keys, labels, [[0, 0], [0.5, 0], [t, 360 * turns]]


def leg_variant(name: str, leg: str) -> str:
    return f"{name}_{leg}"


def movement_clips(spec: dict) -> None:
    """Every movement, on the right leg and (where it has one) the left."""
    two_legged = {"first_position", "second_position", "demi_plie_first", "grand_plie_first", "demi_plie_second",
                  "grand_plie_second", "releve"}
    for movement in [m for m in POSES if not m.startswith(("fouette_", "port_de"))] + ["pirouette", "fouette"]:
        legs = [None] if movement in two_legged else ["r", "l"]
        for leg in legs:
            clip = dict(working=leg, meta=dict(kind="movement", movement=movement, fault=None, leg=leg,
                                               views=VIEWS_L if leg == "l" else VIEWS_R if leg else VIEWS_BOTH))
            pose = movement if leg in (None, "r") else leg_variant(movement, "l")
            seconds, keys, labels, yaw = timeline(movement, pose if movement != "fouette" else f"fouette_{leg}")
            if leg == "l":
                keys = [[t, leg_variant(p, "l") if isinstance(p, str) and p in POSES and p != "first_position"
                         and p not in two_legged else p] for t, p in keys]
                if yaw:
                    yaw = [[t, -d] for t, d in yaw]  # turning toward the supporting leg's side, mirrored
            clip.update(seconds=seconds, keys=keys, labels=labels)
            if yaw:
                clip["yaw"] = yaw
            spec["clips"][movement if leg is None else leg_variant(movement, leg)] = clip


def fault_clips(spec: dict) -> None:
    """Every fault clip: its faulted pose, and the low passé for the développés that pass too low."""
    spec["poses"]["passe_low"] = dict(label="passe", fault="passe_too_low", working="r", params=PASSE_LOW,
                                      render=False)
    for name, movement, fault, base, changes in FAULTS:
        spec["poses"][name] = dict(label=movement, fault=fault, working="r", params=dict(POSES[base], **changes),
                                   render=False)
        passe = "passe_low" if fault == "passe_too_low" else "passe"
        seconds, keys, labels, yaw = timeline(movement, name, passe)
        leg = None if movement in ("releve", "demi_plie_first", "grand_plie_second") else "r"
        spec["clips"][name] = dict(seconds=seconds, working=leg, keys=keys, labels=labels,
                                   meta=dict(kind="fault", movement=movement, fault=fault, leg=leg,
                                             views=FAULT_VIEWS_OF.get(fault, FAULT_VIEWS)))


def negative_clips(spec: dict) -> None:
    """Things that are not a ballet movement the coach knows, or a body it cannot see whole."""
    parallel = dict(hip_rot_l=5, hip_rot_r=5, hip_abd_l=4, hip_abd_r=4)
    stride_r = dict(parallel, hip_flex_r=28, knee_flex_r=15, hip_flex_l=-18, knee_flex_l=30, ankle_pf_l=25,
                    arm_fwd_l=30, arm_elev_l=15, arm_fwd_r=-25, arm_elev_r=15, elbow_flex_l=20, elbow_flex_r=20)
    spec["poses"]["walk_stride_r"] = dict(label="not_ballet", params=stride_r, render=False)
    spec["poses"]["walk_stride_l"] = dict(label="not_ballet", params=mirror(stride_r), render=False)
    spec["poses"]["parallel"] = dict(label="not_ballet", params=parallel, render=False)
    keys = [[0, "parallel"]] + [[0.35 + 0.5 * i, "walk_stride_r" if i % 2 == 0 else "walk_stride_l"] for i in range(6)]
    neg = dict(kind="negative", fault=None, leg=None, views=["front", "side_right", "three_quarter"])
    spec["clips"]["walk_in_place"] = dict(seconds=3.2, working=None, keys=keys, labels=[[0, 3.2, "not_ballet"]],
                                          meta=dict(neg, movement="not_ballet"))
    arms = [dict(parallel, arm_elev_l=a, arm_elev_r=b, arm_fwd_l=f, arm_fwd_r=-f, torso_twist=tw)
            for a, b, f, tw in [(30, 160, 20, 10), (170, 40, -10, -12), (90, 90, 60, 0), (20, 120, 0, 15)]]
    for i, p in enumerate(arms):
        spec["poses"][f"arms_{i}"] = dict(label="not_ballet", params=p, render=False)
    spec["clips"]["arms_only"] = dict(seconds=3.0, working=None, labels=[[0, 3.0, "not_ballet"]],
                                      keys=[[0, "parallel"]] + [[0.6 + 0.6 * i, f"arms_{i}"] for i in range(4)],
                                      meta=dict(neg, movement="not_ballet"))
    free = [dict(hip_flex_r=50, knee_flex_r=80, hip_rot_r=0, torso_lean=20, torso_twist=25, arm_elev_l=150,
                 arm_elev_r=60, knee_flex_l=20),
            dict(hip_abd_l=35, hip_rot_l=10, knee_flex_l=40, torso_side=-15, arm_elev_r=170, arm_elev_l=100,
                 arm_fwd_l=-30, knee_flex_r=25, head_turn=30),
            dict(hip_flex_r=-20, knee_flex_r=90, hip_rot_r=10, torso_lean=-15, torso_twist=-20, arm_elev_l=60,
                 arm_fwd_l=90, arm_elev_r=60, arm_fwd_r=90, knee_flex_l=35, hip_flex_l=30)]
    for i, p in enumerate(free):
        spec["poses"][f"free_{i}"] = dict(label="not_ballet", params=dict(parallel, **p), render=False)
    spec["clips"]["free_dance"] = dict(seconds=3.6, working=None, labels=[[0, 3.6, "not_ballet"]],
                                       keys=[[0, "parallel"], [0.9, "free_0"], [1.8, "free_1"], [2.7, "free_2"],
                                             [3.6, "parallel"]], yaw=[[0, 0], [1.5, 0], [3.0, 120]],
                                       meta=dict(neg, movement="not_ballet"))
    for movement in ("passe", "tendu_devant"):  # the legs out of frame: zoomed in on the torso
        seconds, keys, labels, yaw = timeline(movement, movement)
        spec["clips"][f"cropped_{movement}"] = dict(seconds=seconds, working="r", keys=keys, zoom=2.3,
                                                    labels=[[0, seconds, "unseeable"]],
                                                    meta=dict(neg, movement="unseeable", hidden_movement=movement,
                                                              views=["front", "three_quarter"]))


def build() -> dict:
    """vocabulary.json: every movement, its faults and the negatives, in the named views."""
    spec = movement_poses()
    movement_clips(spec)
    fault_clips(spec)
    negative_clips(spec)
    return spec


def build_views(right: list[str] = AZIMUTHS_R, left: list[str] = AZIMUTHS_L) -> dict:
    """views.json: the movement clips of vocabulary.json (both legs) at in-between azimuths (views_back.json:
    from behind her)."""
    spec = movement_poses()
    movement_clips(spec)
    for clip in spec["clips"].values():
        clip["meta"]["views"] = left if clip["meta"]["leg"] == "l" else right
    return spec


def build_camera(placement: dict | None = CAMERA) -> dict:
    """camera.json: the movement clips of vocabulary.json (both legs) filmed high and far (CAMERA);
    camera_low.json: the same filmed low, looking up (CAMERA_LOW); camera_wide.json: through a phone's wide
    lens, close (CAMERA_WIDE); camera_default.json (placement=None): the same with the renderer's default camera."""
    spec = movement_poses()
    if placement:
        spec.update(placement)
    movement_clips(spec)
    for clip in spec["clips"].values():
        clip["meta"]["views"] = CAMERA_VIEWS_L if clip["meta"]["leg"] == "l" else CAMERA_VIEWS_R
    return spec


def build_twins(settings: dict) -> dict:
    """The right-leg and two-legged movement clips in the camera sets' views with other `settings`, twins of
    vocabulary.json's: fps30.json ({"fps": 30}), portrait.json ({"size": [480, 640]}, filmed upright)."""
    spec = movement_poses()
    spec.update(settings)
    movement_clips(spec)
    spec["clips"] = {name: clip for name, clip in spec["clips"].items() if clip["meta"]["leg"] != "l"}
    for clip in spec["clips"].values():
        clip["meta"]["views"] = CAMERA_VIEWS_R
    return spec


# class clips (class.json): (name, views, [(member clip, x, z, delay_s[, facing_deg])]); x is the camera's left
# in the front view, z her front. In the centre the dancers stand in lines across the picture 1.5-1.6 m apart
# (a leg à la seconde reaches 0.9 m: a class spaces out so as not to kick a neighbour); at the barre one behind
# another along it, 1.7 m apart, filmed from beside the barre. They start a little apart in time, as a class
# does.
CLASSES = [
    ("class_centre_three", ["front", "three_quarter"],
     [("demi_plie_first", -1.5, 0.0, 0.0), ("tendu_a_la_seconde_r", 0.0, 0.0, 0.2), ("releve_low", 1.5, 0.0, 0.4)]),
    ("class_centre_four", ["front", "three_quarter"],
     [("grand_plie_second", -2.4, 0.0, 0.3), ("passe_r", -0.8, 0.0, 0.0), ("developpe_a_la_seconde_r", 0.8, 0.0, 0.1),
      ("demi_plie_heels_up", 2.4, 0.0, 0.2)]),
    # two lines, the second in the gaps of the first 1.5 m behind (as a centre practice is set out)
    ("class_centre_two_lines", ["front", "three_quarter"],
     [("demi_plie_second", -1.6, 0.0, 0.0), ("releve", 0.0, 0.0, 0.1), ("tendu_devant_r", 1.6, 0.0, 0.3),
      ("passe_r", -0.8, -1.5, 0.2), ("grand_plie_first", 0.8, -1.5, 0.0)]),
    # filmed from the back of the studio towards its mirror (the plane 2 m in front of them): two dancers with
    # their backs to the camera and their reflections (the mirrored clip, facing the camera, 4 m farther)
    ("class_mirror", ["front"],
     [("passe_r", -1.0, 0.0, 0.0, 180), ("passe_l", -1.0, -4.0, 0.0, 0), ("demi_plie_first", 1.0, 0.0, 0.3, 180),
      ("demi_plie_first", 1.0, -4.0, 0.3, 0)]),
    ("class_barre", ["side_right", "side_left"],
     [("tendu_devant_r", 0.0, 1.7, 0.0), ("arabesque_r", 0.0, 0.0, 0.2), ("tendu_derriere_lazy_foot", 0.0, -1.7, 0.1)]),
    ("class_barre_extensions", ["side_right", "side_left"],
     [("developpe_devant_r", 0.0, 1.7, 0.1), ("degage_derriere_r", 0.0, 0.0, 0.0),
      ("passe_bent_supporting_knee", 0.0, -1.7, 0.3)]),
]


def build_class() -> dict:
    """class.json: a few classes of three or four dancers, each member a clip of vocabulary.json (clean or with
    a fault), 1280x720 as a phone films a class; the members' own clips are there to be played, not rendered."""
    spec = build()
    for clip in spec["clips"].values():
        clip["views"] = []
    spec["size"] = [1280, 720]
    for name, views, members in CLASSES:
        members = [(*m, 0)[:5] for m in members]  # (clip, x, z, delay, facing_deg): facing the front unless told
        seconds = max(spec["clips"][clip]["seconds"] + delay for clip, _, _, delay, _ in members)
        spec["clips"][name] = dict(
            seconds=round(seconds + 0.2, 1), keys=[[0, "first_position"]], views=views,
            dancers=[dict(clip=clip, x=x, z=z, delay_s=delay, facing_deg=facing)
                     for clip, x, z, delay, facing in members],
            meta=dict(kind="class", movement="class", fault=None, leg=None, views=views,
                      dancers=[dict(spec["clips"][clip]["meta"], clip=clip, facing_deg=facing)
                               for clip, _, _, _, facing in members]))
    return spec


def movement_poses() -> dict:
    """The spec's settings and the poses of every movement, right leg and mirrored left; no clips yet."""
    spec = {"size": [640, 480], "fps": 10, "body": "adult", "views": ["front"], "poses": {}, "clips": {}}
    two_or_shared = {"first_position", "second_position", "demi_plie_first", "grand_plie_first",
                     "demi_plie_second", "grand_plie_second", "releve", "port_de_bras_first"}
    for name, params in POSES.items():
        spec["poses"][name] = dict(label=name, working=None if name in two_or_shared else "r", params=params,
                                   render=False)
        if name not in two_or_shared:
            spec["poses"][leg_variant(name, "l")] = dict(label=name, working="l", params=mirror(params), render=False)
    return spec


if __name__ == "__main__":
    for name, spec in (("vocabulary.json", build()), ("views.json", build_views()),
                       ("views_back.json", build_views(AZIMUTHS_BACK_R, AZIMUTHS_BACK_L)),
                       ("views_far.json", build_views(AZIMUTHS_FAR_R, AZIMUTHS_FAR_L)),
                       ("camera.json", build_camera()), ("camera_default.json", build_camera(None)),
                       ("camera_low.json", build_camera(CAMERA_LOW)), ("camera_wide.json", build_camera(CAMERA_WIDE)),
                       ("fps30.json", build_twins({"fps": 30})),
                       ("portrait.json", build_twins({"size": [480, 640]})), ("class.json", build_class())):
        out = HERE / name
        out.write_text(json.dumps(spec, indent=1) + "\n")
        print(f"wrote {out}")
