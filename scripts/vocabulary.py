"""Writes the reference files of the vocabulary's families (positions, pliés, relevés, tendus,
dégagés, grands battements, attitudes): the YAML files in reference_poses/ are the data, this keeps
the families consistent (one band, one wording, changed in one place), and the pirouette. Hand-written
files (arabesque, passé, fouetté, développés) are not touched: edit those directly.

    python scripts/vocabulary.py      # VOCAB_OUT=<folder> writes elsewhere (to compare)
"""
import os
from pathlib import Path

R = Path(os.environ.get("VOCAB_OUT", Path(__file__).resolve().parents[1] / "reference_poses"))
# a movement of the barre and centre is done facing one way (en face, croisé, effacé: the body's direction
# is held through it). body_yaw is steadied over a clip in which the dancer never turns; in one where she
# does it follows her, and its own noise within a still movement is under 30 deg (dev renders: p99 17, max 28)
STILL = """  - {measure: facing_x, moment: all, aggregate: range, max: 1.0, margin: 0.4, says: facing one way (no turn)}
  - {measure: body_yaw, moment: all, aggregate: range, max: 30, margin: 15, says: turned the same way to the camera throughout}
  - {measure: hip_travel, moment: all, aggregate: range, max: 0.4, margin: 0.2, says: staying on the spot}
  - {measure: supporting_foot_lift, moment: all, aggregate: p95, max: 0.12, margin: 0.08, says: the supporting foot on the floor (no jump or step)}
"""
# feet seen at different depths in a three-quarter view stand at different heights in the picture:
# stepping out into second reads as a lift of up to 0.2 leg lengths, so pliés allow that much
PLIE_STILL = STILL.replace("max: 0.12, margin: 0.08", "max: 0.2, margin: 0.1")
KNEE_S = """    ideal: 175
    # a straight knee reads 170-177 on MediaPipe's skeleton (the renders' straight knee is 171-173) and the
    # picture's knee angle is off by ~4 deg (dev renders): good from 166, so a straight knee is never corrected;
    # below 163 is a bent knee (docs/ballet-criteria.md §1: [H] <165 fault)
    good: [166, 190]
    acceptable: [163, 190]"""
def hip_level(moment, name, correction, why, seen):
    """Both hips level with both feet down (positions, pliés): one band, judged from the front."""
    return f"""  - id: hip_level
    name: {name}
    measure: hip_hike
    moment: {moment}
    ideal: 0
    good: [-4, 4]
    acceptable: [-8, 8]
    views: [front]
    weight: 1
    correction: {correction}
    why: {why}
    film: Film from the front to see the {seen}.
"""


def toe_at_knee(crit_id, moment, high, why):
    """The working toe at the supporting knee (§7), one band and one wording wherever a passé is judged."""
    return f"""  - id: {crit_id}
    name: Foot at the knee
    measure: passe_toe_to_knee
    moment: {moment}
    ideal: 0
    good: [-0.1, 0.1]
    acceptable: [-0.2, 0.2]
    views: [front, three_quarter, side]
    weight: 2
    correction:
      low: Place the toe at the knee - any higher and the hip lifts.
      high: {high}
    why: {why}
"""


TORSO = lambda moment, good=10, ok=20, views="[side, three_quarter, front]", text="Stay lifted - don't stick your seat out or lean.": f"""  - id: torso
    name: Torso upright
    measure: torso_tilt
    moment: {moment}
    ideal: 0
    good: [0, {good}]
    acceptable: [0, {ok}]
    views: {views}
    weight: 2
    correction: {text}
    why: "Back straight, hips over heels (docs/ballet-criteria.md §5: [H] lean < {good}° good, {good}-{ok}° acceptable)."
"""
DIRS = {"devant": ("in front", "max: 40", "to the front", "[side, three_quarter]", "devant"),
        "a_la_seconde": ("to the side", "min: 60, max: 120", "to the side", "[front, three_quarter]", "à la seconde"),
        "derriere": ("behind", "min: 140", "behind", "[side, three_quarter]", "derrière")}

def write(name, text):
    (R / f"{name}.yaml").write_text(text)

# the frames that are the position: first, where the legs hang straightest; second, where the feet stand
# widest (the dancer comes into second from first, so the straightest legs would be first's: renders)
FIRST_STANDING = """    driver: working_leg_height
    select: min
    max: 12
    within: 5"""
SECOND_STANDING = """    driver: feet_apart
    select: max
    min: 0.15
    within: 0.05"""
# the heels down, in heel_rise (the heels against their own toes)
FIRST_HEELS = """  # flat feet read at most 0.016 (95th percentile; dev renders from the front, the back, three-quarter, the
  # camera level or 25 deg above her); a low relevé (ankles pointed 18 deg, a relevé's 55) 0.017-0.032, and was
  # named first position: from 0.03 (2.5 cm on an adult) the heels are off the floor
  - {measure: heel_rise, moment: all, aggregate: p95, max: 0.02, margin: 0.01, says: the heels down}"""
SECOND_HEELS = """  # feet apart stand at two depths: flat, they read up to 0.024 (95th percentile; dev renders from the back,
  # and from the front with the camera 25 deg above her)
  - {measure: heel_rise, moment: all, aggregate: p95, max: 0.03, margin: 0.02, says: the heels down}"""


def position(name, title, feet, feet_says, descr, why_feet, caveat="", still="", standing=FIRST_STANDING,
             heels=FIRST_HEELS):
    # the positions are turned out (docs/ballet-criteria.md §4; a children's syllabus asks ~90° in all): feet
    # standing parallel, hip-width apart, are no position. From the front or three-quarter turned-out feet point
    # apart in the picture (renders: 55-140°), parallel ones the same way (under 25°); [H] 40° with a 15° margin
    write(name, f"""# {title}: both feet on the floor, knees pulled up, body upright. docs/ballet-criteria.md §4.
# From the side the distance between the feet runs along the line of sight, so first and second
# can't be told apart there: recognition says which it could be and asks for a front view.
name: {name}
title: {title}
description: {descr}
caveat: "{caveat}"
recognisable_from: [front, three_quarter]
moments:
  standing:
    description: standing in the position
{standing}
recognise:
  - {{measure: working_leg_height, moment: all, aggregate: p95, max: 14, margin: 5, says: both feet on the floor, legs together}}
  - {{measure: plie_knee, moment: all, aggregate: p05, min: 160, margin: 10, says: no plié}}
  - {{measure: working_knee, moment: all, aggregate: p05, min: 160, margin: 10, says: both knees straight}}
  # the heels against their own toes (heel_rise): a step into second at another depth from the camera moves
  # the ankle and the toe together, which releve_lift, against where the foot stood, reads as a rise
{heels}
  - {{measure: feet_apart_shoulders, moment: all, aggregate: median, {feet}, views: [front, three_quarter], needed: true, says: {feet_says}}}
  # needed: turnout tells a position from merely standing, so where it is unseen (from behind her at three-quarter,
  # measures.HIDDEN_FROM_BEHIND) the position is possible, never named
  - {{measure: feet_turnout, moment: all, aggregate: median, min: 40, margin: 15, views: [front, three_quarter], needed: true, says: the feet turned out}}
{still}{STILL}criteria:
  - id: supporting_knee
    name: Knees pulled up
    measure: plie_knee
    moment: standing
{KNEE_S}
    views: [front, three_quarter, side]
    weight: 2
    correction: Pull up both knees.
    why: Both legs are straight and pulled up in the position (docs/ballet-criteria.md §4, §6).
  - id: feet_apart
    name: Feet apart
    measure: feet_apart_shoulders
    moment: standing
{why_feet}
    views: [front, three_quarter]
    weight: 1
    film: Film from the front to see how far apart the feet are.
{TORSO("standing", 8, 15)}{hip_level("standing", "Hips level", "Keep both hips level, the weight on both feet.", "Weight evenly on both feet keeps the pelvis level.", "hips")}""")

# degrees the hip->ankle line may lean from vertical with both feet down: a grand plié's thighs come about
# horizontal over near-vertical shins (docs/ballet-criteria.md §5), which puts the ankle ~45 deg out from
# under the hip; a demi-plié's knees open far less
FEET_DOWN_HIP_TO_ANKLE = {True: 50, False: 30}


def plie(name, title, deep, feet, feet_says, heels_rule, depth_band, descr):
    # the torso is judged from the side only (docs/ballet-criteria.md §5: side for depth, trunk and heel lift):
    # from three-quarter a forward lean is foreshortened (dev renders: a 'torso forward' plié read good 3 times in 4)
    knees = "max: 100, margin: 15" if deep else "min: 95, max: 150, margin: 8"
    write(name, f"""# {title}. docs/ballet-criteria.md §5 (and §4 for the position of the feet).
# The moment that matters is the bottom of the plié: both knees at their most bent.
name: {name}
title: {title}
description: {descr}
recognisable_from: [front, three_quarter]
story: plie
moments:
  bottom:
    description: the bottom of the plié (both knees most bent)
    driver: plie_knee
    select: min
    max: 165
    within: 6
recognise:
  - {{measure: plie_knee, moment: bottom, {knees}, says: {"both knees fully bent (grand plié)" if deep else "both knees bent (demi-plié)"}}}
  - {{measure: working_leg_height, moment: all, aggregate: p95, max: {FEET_DOWN_HIP_TO_ANKLE[deep]}, margin: 10, says: both feet on the floor}}
  - {{measure: working_foot_raised, moment: all, aggregate: p95, max: 0.2, margin: 0.1, says: neither foot raised}}
  - {{measure: feet_apart_shoulders, moment: bottom, {feet}, views: [front, three_quarter], needed: true, says: {feet_says}}}
{PLIE_STILL}criteria:
  - id: depth
    name: Depth of the plié
    measure: plie_knee
    moment: bottom
{depth_band}
    views: [front, three_quarter, side]
    weight: 2
  - id: heels_down
    name: Heels on the floor
    measure: heel_rise
    moment: bottom
{heels_rule}
    views: [front, three_quarter, side]
    weight: 3
{TORSO("bottom", 10, 20, "[side]", "Stay lifted - don't stick your seat out; hips over the heels.")}    film: Film from the side to see the back.
{hip_level("bottom", "Pelvis level", "Keep the pelvis level going down and up.", "The pelvis stays level in the plié (docs/ballet-criteria.md §5).", "pelvis")}""")

# the feet apart in shoulder widths, as teachers size second (docs/ballet-criteria.md §4: 1.0-1.6); it reads the
# same from the front and three-quarter. With the heels together MediaPipe's ankles stand 0.2-0.3 shoulder widths
# apart, up to 0.6 in a plié as they roll over the bent knees (renders)
FIRST = ("max: 0.7, margin: 0.2", "the heels together (first)")
SECOND = ("min: 1.0, margin: 0.25", "the feet apart (second)")
def feet_band(ideal, good, ok, low, high, why):
    return f"""    ideal: {ideal}
    good: {good}
    acceptable: {ok}
    correction:
      low: {low}
      high: {high}
    why: "{why}\""""
position("first_position", "First position", *FIRST, "Standing in first position, heels together, both knees pulled up, hips and shoulders level.",
         feet_band(0.25, "[0, 0.4]", "[0, 0.55]", "Bring the heels together.", "Bring the heels together.", "First position: heels together (docs/ballet-criteria.md §4). In shoulder widths between the ankles, which stand 0.2-0.3 apart when the heels touch; [H]."),
         "fifth and fourth positions (feet crossed) look like first from one camera: they are not told apart",
         # a foot that moves (a tendu towards the camera hides its length, not its movement) is not a position held
         "  - {measure: feet_apart, moment: all, aggregate: range, max: 0.04, margin: 0.03, says: the feet still}\n")
position("second_position", "Second position", *SECOND, "Standing in second position, feet a little wider than the shoulders, knees pulled up.",
         feet_band(1.3, "[1.0, 1.6]", "[0.85, 1.8]", "Open the feet a little wider than your shoulders.", "Bring the feet a little closer - just wider than the shoulders.", "Second: a little wider than shoulder width (docs/ballet-criteria.md §4: 1.0-1.6 x shoulder width; [H])."),
         "fourth position (one foot in front) can look like second from the front", standing=SECOND_STANDING,
         heels=SECOND_HEELS)
DEMI_DEPTH = feet_band(120, "[100, 140]", "[95, 150]", "Don't go so low - a demi-plié keeps the heels down.", "Bend the knees more - a full demi-plié, as far as the heels stay down.", "Depth of a demi-plié: as deep as the heels allow (docs/ballet-criteria.md §5, [H]); the straighter knee's angle at the bottom.")
GRAND_DEPTH = feet_band(75, "[40, 95]", "[30, 105]", "Control the bottom - don't sit in the plié.", "Go all the way down - thighs about level at the bottom.", "Grand plié: thighs about horizontal at the bottom (docs/ballet-criteria.md §5, [H]).")
HEELS_DOWN = """    ideal: 0
    good: [-0.1, 0.03]
    acceptable: [-0.1, 0.05]
    correction: Keep the heels down.
    why: "Heels stay on the floor in every demi-plié, and in second even in grand plié (docs/ballet-criteria.md §5: [H] heel rise > 0.05 foot length = fault; here the ankle's rise above its own toe in standing leg lengths, which a step to another depth doesn't change)." """
# In a grand plié in second seen from the side each turned-out foot points along the line of sight, one at the
# camera under the knee that comes over its toes, the other away with its toe behind its heel, and MediaPipe
# guesses the toes: on the clean dev renders of every benchmark set the heels read 0.05 leg lengths up at the
# 80th percentile from the side (20 verdicts), against 0.02 from the front and 0.01 from three-quarter, and
# the demi-pliés' 0.01 in every view (their knees stay over the feet; benchmarks/doubt.py): a fault is said
# only past that (the heels-up renders read 0.11-0.12 there)
HEELS_DOWN_GRAND_SECOND = HEELS_DOWN + """
    # from the side each turned-out foot points along the line of sight and MediaPipe guesses its toe: clean
    # dev renders of every benchmark set read 0.05 up at the 80th percentile (front 0.02, three-quarter 0.01;
    # a demi-plié's 0.01 from the side): benchmarks/doubt.py
    doubt: {side: 0.05}"""
HEELS_GRAND_FIRST = """    ideal: 0.05
    good: [-0.1, 0.12]
    acceptable: [-0.1, 0.16]
    correction: Let the heels rise only after the knees are half bent, and return them early.
    why: "In grand plié in first the heels rise only at the bottom (docs/ballet-criteria.md §5, [H])." """
plie("demi_plie_first", "Demi-plié in first", False, *FIRST, HEELS_DOWN, DEMI_DEPTH, "Bending both knees over the toes in first position, heels down.")
plie("demi_plie_second", "Demi-plié in second", False, *SECOND, HEELS_DOWN, DEMI_DEPTH, "Bending both knees over the toes in second position, heels down.")
plie("grand_plie_first", "Grand plié in first", True, *FIRST, HEELS_GRAND_FIRST, GRAND_DEPTH, "A full bend of the knees in first; the heels rise only at the bottom.")
plie("grand_plie_second", "Grand plié in second", True, *SECOND, HEELS_DOWN_GRAND_SECOND, GRAND_DEPTH, "A full bend of the knees in second; the heels never leave the floor.")

# A relevé's height (§6, [H] by level): a full demi-pointe raises the ankle about 6-10 cm, 0.07-0.12 standing leg
# lengths (the renders' demi-pointe 0.074-0.081); MediaPipe's ankle reads it up to 20 % low (dev renders 0.061-0.087
# with the near foot in profile), so good from 0.06. A quarter pointe (half as high: renders 0.04, read 0.02-0.042)
# is the fault; acceptable down to 0.04.
RELEVE_HEIGHT = """    ideal: 0.1
    good: [0.06, 0.3]
    acceptable: [0.04, 0.3]"""

# a relevé lifts the body with the heels: on straight legs the hips rise as the ankles do (measures.hips_rise;
# renders' relevés 0.056-0.108 leg lengths, MEASURING.hips_risen 0.05). The heels or the supporting ankle alone
# were fooled: flat passés through a phone's wide lens from three-quarter read the supporting ankle 0.04-0.05 up
# (hips 0.03), tendus à la seconde seen end-on from a camera below her hips the heels 0.04-0.05 (hips 0.00-0.04)
HIPS_LIFTED = "  - {measure: hips_rise, moment: top, min: 0.05, margin: 0.02, says: the body lifted onto the toes}\n"


def releve(name, title, passe):
    extra = ("  # needed: the foot at the knee makes it a passé; with the feet out of frame a bent knee may be anything\n"
             "  # (a render cropped above the feet, turning, was named a pirouette at 1.00)\n"
             "  - {measure: passe_toe_to_knee, moment: top, min: -0.4, max: 0.4, margin: 0.3, says: the foot at the supporting knee, needed: true}\n"
             # the toe rests at the knee, as in the passé (passe.yaml)
             "  - {measure: passe_toe_off_leg, moment: top, max: 0.5, margin: 0.3, says: the toe against the supporting leg}\n"
             "  - {measure: working_knee, moment: top, max: 115, margin: 25, views: [side, three_quarter], says: the working knee bent (passé)}\n"
             # a passé on relevé, as the passé: a développé passes through it and unfolds
             "  - {measure: working_leg_height, moment: all, aggregate: p95, max: 45, margin: 8, says: the leg not unfolding}\n"
             + HIPS_LIFTED) if passe else \
            ("  - {measure: working_leg_height, moment: all, aggregate: p95, max: 20, margin: 8, says: both feet together}\n"
             "  - {measure: working_knee, moment: top, min: 155, margin: 15, says: both knees straight}\n"
             # a foot stepping along the line of sight moves in the picture as a lift would
             "  - {measure: feet_apart, moment: all, aggregate: range, max: 0.06, margin: 0.04, says: the feet in place}\n"
             # a relevé lifts the heels off the floor (§6): the ankles rise above their own toes, which a step
             # to another depth doesn't do (renders: relevés 0.025-0.065 leg lengths, low ones 0.017+, a step
             # into second 0.005-0.02)
             "  - {measure: heel_rise, moment: top, min: 0.02, margin: 0.015, says: the heels off the floor}\n"
             + HIPS_LIFTED)
    crit_passe = toe_at_knee("toe_height", "top", "Bring the foot up to the knee.", "Retiré places the toe at the supporting knee (docs/ballet-criteria.md §7, [H] ±0.1 shank length good, ±0.2 acceptable).") if passe else ""
    # relevé: the top of the rise; passé relevé: the passé itself (its knee most bent), judged on relevé
    moment = """  top:
    description: the passé on relevé (the working knee most bent)
    driver: working_knee
    select: min
    max: 130
    within: 12""" if passe else """  top:
    description: the top of the relevé (found even when low, so that a low relevé is judged, not missed)
    driver: releve_lift
    select: max
    min: 0.015
    within: 0.02"""
    write(name, f"""# {title}. docs/ballet-criteria.md §6{" and §7" if passe else ""}.
# The moment that matters is {"the passé held on relevé" if passe else "the top of the relevé: the supporting ankle at its highest"}.
name: {name}
title: {title}
description: {"Rising onto demi-pointe on one leg with the other foot at the knee." if passe else "Rising onto demi-pointe on both feet, knees straight."}
moments:
{moment}
recognise:
  - {{measure: releve_lift, moment: top, min: 0.04, margin: 0.015, needed: true, says: up on demi-pointe}}
{extra}  - {{measure: supporting_knee, moment: top, min: 155, margin: 15, says: the supporting knee straight}}
  - {{measure: time_s, moment: top, aggregate: range, min: 0.25, margin: 0.15, says: held at the top}}
{STILL}criteria:
  - id: height
    name: Height of the relevé
    measure: releve_lift
    moment: top
{RELEVE_HEIGHT}
    views: [side, three_quarter, front]
    weight: 2
    correction: Get higher on the demi-pointe.
    why: "A high demi-pointe (docs/ballet-criteria.md §6, [H] by level): the ankle rises about 6-10 cm, 0.07-0.12 standing leg lengths, read up to 20 % low."
  - id: supporting_knee
    name: Supporting knee straight
    measure: supporting_knee
    moment: top
{KNEE_S}
    views: [side, three_quarter, front]
    weight: 3
    correction: Pull up the knees.
    why: Straight knees on top, not hyperextended (docs/ballet-criteria.md §6).
{crit_passe}{TORSO("top", 6, 12, "[side, three_quarter, front]", "Stand on top of your leg - one line from ankle to shoulder.")}""")

releve("releve", "Relevé", False)
releve("passe_releve", "Passé relevé", True)


QUIET = """    ideal: 0
    good: [0, 6]
    acceptable: [0, 11]
    views: [side, three_quarter]
    weight: 2
    correction: Keep the body still while the leg is thrown.
    why: "\\"The body should not make any involuntary movements\\" (docs/ballet-criteria.md §9: [H] trunk change < 5° good, 5-10 ok; 1° added for tracking jitter)." """.rstrip()
# only in battement derrière may the body bend forward (Vaganova; §9): as much as in arabesque (§1)
QUIET_DERRIERE = """    ideal: 0
    good: [0, 20]
    acceptable: [0, 30]
    views: [side, three_quarter]
    weight: 2
    correction: Keep the body still while the leg is thrown - lean forward only as far as the leg needs.
    why: "Only in battement derrière may the body bend forward (docs/ballet-criteria.md §9, Vaganova); as in arabesque, the upper back stays lifted (§1: [H] up to 20° good, 30 acceptable)." """.rstrip()

def extension(name, title, kind, d):
    where, dirclue, words, knee_views, fr = DIRS[d]
    # tendu and dégagé are told apart by the height the foot reaches: a tendu's pointed foot on the floor
    # holds the leg at about 25-32 deg (renders: 27-32 in the views that show it), a dégagé's lifted
    # foot at about 40-45; MediaPipe's foot points are too noisy (+-0.1 leg lengths) to see the toe leave the floor
    heights = {"tendu": ("min: 15, max: 36, margin: 4", "the foot stretched along the floor (a tendu's height)",
                         "", "max", 15, 4),
               "degage": ("min: 37, max: 60, margin: 4", "the foot just off the floor (a dégagé's height)",
                          "", "max", 15, 5),
               # a throw's top lasts under 0.35 s (dev renders 0.0-0.3); by half a second the leg is held
               # (arabesque, développé: 0.8-1.1, down to 0.4 where a far leg's height flickers in profile)
               "battement": ("min: 70, margin: 15", "the leg thrown high",
                             "  - {measure: time_s, moment: extended, aggregate: longest, max: 0.35, margin: 0.15, says: thrown and lowered, not held}\n", "peaks", 55, 8)}[kind]
    hclue, hsays, special, select, mn, within = heights
    # the knee's bend and a dégagé's height are read in the picture: only the view across the leg shows them
    # (docs/ballet-criteria.md §0: 2D knee angle valid when the leg lies in the image plane, side view for
    # devant/derrière, front view for à la seconde; §9, §11: leg height devant/derrière from the side, à la
    # seconde from the front). A battement's height is read foreshortening-proof, so a three-quarter view
    # keeps it (§1: 3D in effacé/croisé); a dégagé's 12 deg of difference from a tendu is foreshortened away there
    plane = "[front]" if d == "a_la_seconde" else "[side]"
    if kind == "tendu":
        crit = ""  # toe on the floor: not measurable (see the heights above); a tendu too high reads as a dégagé
    elif kind == "degage":
        crit = f"""  - id: leg_height
    name: Height of the dégagé
    measure: working_leg_height
    moment: extended
    ideal: 35
    good: [25, 50]
    acceptable: [18, 60]
    views: {plane}
    weight: 2
    correction:
      low: Brush through and let the foot leave the floor - a little higher.
      high: Keep the dégagé low, just off the floor.
    why: "A dégagé is a tendu that leaves the floor, low: about 25-45° ([H]; ballet-criteria.md §10 for the tendu it grows from)."
"""
    else:
        crit = f"""  - id: leg_height
    name: Height of the battement
    measure: working_leg_height
    moment: extended
    ideal: 90
    good: [80, 110]
    acceptable: [70, 135]
    views: {knee_views}
    weight: 2
    correction:
      low: Throw the leg up to 90°, from the hip.
      high: Throw to 90° and control it - no higher at this stage.
    why: "The leg is thrown to 90°; beginners shouldn't exceed 90° (docs/ballet-criteria.md §9, Vaganova)."
  - id: quiet_body
    name: Body still
    measure: torso_tilt
    moment: all
    aggregate: range
{QUIET_DERRIERE if d == "derriere" else QUIET}
    film: Film from the side to see the body.
"""
    label = {"tendu": "Battement tendu", "degage": "Dégagé", "battement": "Grand battement"}[kind]
    # a thrown leg passes close to the line of sight in a three-quarter view, where its knee reads bent;
    # "thrown, not held" is what tells a battement from a développé there
    straight_views = "[side]" if kind == "battement" and d != "a_la_seconde" else knee_views
    # a foot is judged where the picture's angle rises with its point (benchmarks/view_probe.py, the renderer's
    # ground truth): à la seconde from the front and from three-quarter on her supporting side (turnout 60:
    # ankles of 107/127/136/146/164 deg show 124/143/151/160/177 and 104/123/133/144/167), never from
    # three-quarter on her working side, where its point lies along the line of sight (154/171/176/180/172):
    # the working knee's sight (measures.LINE_OF_SIGHT) says which side that is; from the side the leg
    # points at the camera
    foot_film = "from the front" if d == "a_la_seconde" else "from the side"
    # a tendu and a dégagé differ by ~12 deg of height, which a three-quarter view foreshortens away
    # (renders: dégagés devant read 31 deg there, inside the tendu band): only the view across the leg
    if kind == "battement":
        rec_views = "[front, three_quarter]" if d == "a_la_seconde" else "[side, three_quarter]"
    else:
        rec_views = "[front]" if d == "a_la_seconde" else "[side]"
    # a tendu or a dégagé on a bent knee (a fault: the criterion) is still one, low and without a passé: dev
    # renders bent 28 deg read 144; a battement's knee keeps 150, where an attitude (knee 100-140) begins
    knee_min = 150 if kind == "battement" else 140
    write(name, f"""# {title}. docs/ballet-criteria.md §{"9" if kind == "battement" else "10"}. The moment that matters is
# the full extension of the leg ({"each throw" if kind == "battement" else "the foot furthest from the body"}).
name: {name}
title: {title}
recognisable_from: {rec_views}
description: "{label} {fr}: the working leg {"thrown up" if kind == "battement" else "stretched out"} {words} with a straight knee{"" if kind != "tendu" else ", the toe on the floor"}."
moments:
  extended:
    description: the full extension
    driver: working_leg_height
    select: {select}
    min: {mn}
    within: {within}
recognise:
  - {{measure: working_leg_height, moment: extended, {hclue}, says: {hsays}}}
{special}  - {{measure: working_leg_direction, moment: extended, {dirclue}, margin: 20, needed: true, says: the leg {where}}}
  - {{measure: working_knee, moment: extended, min: {knee_min}, margin: 15, views: {knee_views}, says: the knee straight}}
  - {{measure: working_knee, moment: all, aggregate: p05, min: 135, margin: 20, views: {straight_views}, says: the leg straight all the way (no passé)}}
  - {{measure: supporting_knee, moment: extended, min: 150, margin: 15, says: the standing leg straight}}
{STILL}criteria:
{crit}  - id: working_knee
    name: Working knee straight
    measure: working_knee
    moment: extended
    ideal: 175
    good: [165, 190]
    acceptable: [155, 190]
    views: {plane}
    weight: 3
    correction: Keep the working knee straight, out and in.
    why: Both knees stay straight throughout, including the closing (docs/ballet-criteria.md §10, §9; lowered as in arabesque.yaml for MediaPipe's straight knee).
    film: Film so the leg moves across the picture ({"from the front" if d == "a_la_seconde" else "from the side"}).
  - id: supporting_knee
    name: Supporting knee straight
    measure: supporting_knee
    moment: extended
{KNEE_S}
    views: [side, three_quarter, front]
    weight: 3
    correction: Pull up on the standing leg.
    why: The supporting leg stays straight and pulled up (docs/ballet-criteria.md §10).
  - id: pointed_foot
    name: Working foot pointed
    measure: working_foot_point
    moment: extended
    ideal: 165
    good: [150, 190]
    acceptable: [135, 190]
    views: {knee_views}
    weight: 1
    correction: Point through the foot at the end of the movement.
    why: Full point at the extreme (docs/ballet-criteria.md §10); foot landmarks are MediaPipe's least reliable, so this weighs little.
    film: Film so the working foot is seen {foot_film}.
{TORSO("extended", 10, 20, "[side, three_quarter]", "Keep the hips square and the body upright; the weight stays on the standing leg.")}    film: Film from the side to see the body.
""")

for d in DIRS:
    fr = DIRS[d][4]
    extension(f"tendu_{d}", f"Battement tendu {fr}", "tendu", d)
    extension(f"degage_{d}", f"Dégagé {fr}", "degage", d)
    extension(f"grand_battement_{d}", f"Grand battement {fr}", "battement", d)

for d in ("devant", "derriere"):
    where, dirclue, words, knee_views, fr = DIRS[d]
    # the bent knee takes the foot off the line of the thigh: the foot's direction is looser than a straight leg's.
    # Only the side shows the knee's bend: at three-quarter a straight knee reads 20 deg bent (benchmark), so
    # an attitude and an arabesque can't be told apart there, and the knee and the thigh are judged from the
    # side only (dev renders at three-quarter: knee 37-38 deg off, thigh 9-35 deg off)
    attitude_dir = "max: 60" if d == "devant" else "min: 115"
    write(f"attitude_{d}", f"""# Attitude {fr}: the working leg raised {words} with the knee bent. docs/ballet-criteria.md §8.
name: attitude_{d}
title: Attitude {fr}
recognisable_from: [side]
description: The working thigh raised {words}, the knee bent, the foot about as high as the knee, held.
moments:
  hold:
    description: the attitude held at its height
    driver: working_thigh_height
    select: max
    min: 45
    within: 8
    held: true
recognise:
  - {{measure: working_thigh_height, moment: hold, min: 60, margin: 15, says: the thigh raised}}
  - {{measure: working_knee, moment: hold, min: 75, max: 150, margin: 15, views: [side], needed: true, says: the knee bent}}
  - {{measure: working_leg_direction, moment: hold, {attitude_dir}, margin: 20, needed: true, says: the leg {where}}}
  - {{measure: time_s, moment: hold, aggregate: range, min: 0.3, margin: 0.2, says: held}}
  - {{measure: supporting_knee, moment: hold, min: 150, margin: 15, says: the standing leg straight}}
{STILL}criteria:
  - id: working_knee
    name: Knee bend of the attitude
    measure: working_knee
    moment: hold
    ideal: 120
    good: [100, 140]
    acceptable: [90, 155]
    views: [side]
    weight: 3
    correction:
      low: Open the knee a little - don't collapse the attitude.
      high: Bend the knee more - an attitude, not a bent arabesque.
    why: "Between Grant's 90° and the ~145° of other glossaries: [H] 100-140° good (docs/ballet-criteria.md §8)."
    film: Film from the side to see the knee.
    # the turned-out attitude's lower leg crosses behind (or in front of) her, out of the picture's plane
    # even in profile: the renders' knees bent to 92-104 make 105-126 deg in the picture itself from the
    # side, 81-136 from 20 deg off it, and MediaPipe reads the picture well. So judged from the side the
    # knee is 17-18 deg off on average (80th percentile 29) on the clean dev renders of every benchmark
    # set, a straight working knee 4.5 (6.7): benchmarks/doubt.py
    doubt: {{side: 29}}
  - id: thigh_height
    name: Height of the knee
    measure: working_thigh_height
    moment: hold
    ideal: 90
    good: [80, 110]
    acceptable: [65, 120]
    views: [side]
    weight: 2
    correction:
      low: Lift the knee - the thigh at hip height.
      high: Keep the knee at hip height for this attitude.
    why: The thigh is raised to about 90° (docs/ballet-criteria.md §8).
    film: Film from the side to measure the thigh.
  - id: supporting_knee
    name: Supporting knee straight
    measure: supporting_knee
    moment: hold
{KNEE_S}
    views: [side, three_quarter, front]
    weight: 3
    correction: Pull up on your supporting leg and straighten the knee.
    why: The supporting leg stays straight and pulled up (docs/ballet-criteria.md §1, §8).
{TORSO("hold", 15 if d == "derriere" else 10, 25 if d == "derriere" else 20, "[side, three_quarter]", "Lift the chest - don't lean to lift the leg.")}    film: Film from the side to see the torso.
""")

write("pirouette", """# Pirouette en dehors from fifth or fourth: a demi-plié, then one or more turns in passé on relevé.
# docs/ballet-criteria.md §3 (turn science) and §7 (passé). The plié before the turn is the
# pirouette's preparation: it is never judged as a bent supporting knee.
name: pirouette
title: Pirouette
# told as turns: how many, which way, how many on relevé (a single, a double)
story: turns
description: A turn on one leg in passé on demi-pointe, from a demi-plié.
moments:
  turn:
    description: the turn in passé
    driver: working_knee
    select: min
    max: 110
    within: 15
    # while she turns: the passé she rises into before the turn (or closes through after it) is not the turn's
    turning: true
  spin:
    description: the whole turn in passé
    driver: working_knee
    select: min
    max: 110
    # every frame of the turn in passé, not only its deepest: the standing knee turns with her and shows its
    # bend only part of the time, which the few frames of the deepest passé may miss
    within: 180
    turning: true
recognise:
  # one full turn (§3) reads 280-380 in body_turn (dev renders): passing profile MediaPipe's shoulder line
  # can flip and a quarter turn is lost, so three quarters seen is a turn
  - {measure: body_turn, moment: all, aggregate: range, min: 270, margin: 90, says: turning at least once}
  # needed: the foot at the knee makes it a passé; with the feet out of frame a bent knee may be anything
  # (a render cropped above the feet, turning, was named a pirouette at 1.00)
  - {measure: passe_toe_to_knee, moment: turn, min: -0.4, max: 0.4, margin: 0.3, says: the foot at the supporting knee, needed: true}
  - {measure: working_leg_height, moment: all, aggregate: p95, max: 55, margin: 15, says: the leg staying in passé (no fouetté)}
  # from her side a fouetté's leg at second points at the camera and reads low, but its knee opening between
  # the turns shows (0.2-0.5 s; motion.leg_openings): a pirouette holds the passé through them
  - {measure: leg_opened_s, moment: all, aggregate: max, max: 0.15, margin: 0.3, says: the passé held through the turns (no opening between them)}
  - {measure: hip_travel, moment: all, aggregate: range, max: 0.4, margin: 0.2, says: staying on the spot}
criteria:
""" + toe_at_knee("passe_height", "turn", "Bring the foot up to the knee for the turn.", "The turn is held in retiré with the toe at the supporting knee (docs/ballet-criteria.md §7).") + """  - id: supporting_knee
    name: Straight supporting knee in the turn
    measure: supporting_knee
    moment: spin
    ideal: 175
    good: [168, 190]
    acceptable: [160, 190]
    views: [front, three_quarter, side]
    weight: 3
    correction: Get up onto your leg - straight knee on top.
    why: A straight supporting knee on relevé while turning (docs/ballet-criteria.md §3, [H] ≥ 170, lowered 2°).
  - id: releve
    name: On relevé in the turn
    measure: releve_lift
    moment: turn
""" + RELEVE_HEIGHT + """
    views: [front, three_quarter, side]
    weight: 2
    correction: Rise fully onto the demi-pointe for the turn.
    why: "The turn is on a high relevé (docs/ballet-criteria.md §6: the ankle rises about 6-10 cm; [H])."
""")
print("written")
