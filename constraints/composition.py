"""What a session is made of, slot by slot: S10 (the article's sessions), S11 (nothing
beyond them), S12 (power) and S13 (the runner's kit is used).

The article gives three sessions to copy:
- its Sample Leg Workout (goblet squat, reverse lunge, Romanian deadlift, step-up, standing
  calf raise, lateral band walk), which is also its balanced session: "a squat or lunge, a
  hip hinge, a step-up or single-leg move, calf work, and a hip stability drill";
- its beginner session: "bodyweight squat ..., assisted reverse lunge ..., glute bridge ...,
  low step-up ..., and wall calf raise";
- its lighter second session: "single-leg control, lateral band walks, glute bridges, and
  low-level pogo hops".

Each session has slots and each slot is filled by its own exercise: an exercise fills at
most one slot, so a single-leg RDL cannot stand in for the hinge, the single-leg move and
the hip drill at once. H8 (hard) still accepts one exercise covering several needs, so a
session too short for every slot stays legal and pays S10 for each empty slot instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from constraints.registry import soft_rule
from constraints.session_shape import is_split_stance
from planner.domain import INTENSITIES, LOADED_EQUIPMENT, WEEKDAYS, Exercise, Profile
from planner.planning.progression import allowed_for

if TYPE_CHECKING:
    from planner.planning.instance import WeekInstance
    from planner.planning.model import WeekModel

S10_MAIN_WEIGHT = 60
S10_LIGHT_WEIGHT = 40
S11_WEIGHT = 8
S12_WEIGHT = 20
S13_WEIGHT = 50
S13_INTERMEDIATE_WEIGHT = 12

SlotTest = Callable[[Exercise], bool]

TRUE_HINGE_FAMILIES = frozenset({6, 7})  # single-leg and two-leg Romanian deadlifts
REVERSE_LUNGE_FAMILY = 2
STEP_UP_FAMILY = 5
SINGLE_LEG_RDL_FAMILY = 6
ROMANIAN_DEADLIFT_FAMILY = 7
BRIDGE_FAMILY = 8  # hip thrust or glute bridge
STANDING_CALF_FAMILY = 9  # straight-knee: "emphasize the upper calf more"
BENT_KNEE_CALF_FAMILY = 10  # "shift more work toward the soleus"
BAND_WALK_FAMILY = 11
SQUAT_FAMILY = 1

MAIN_SLOTS = ("squat", "lunge", "hinge", "single-leg", "calf", "hip stability")
BEGINNER_MAIN_SLOTS = ("squat", "reverse lunge", "glute bridge", "step-up", "calf")
LIGHT_SLOTS = ("single-leg control", "hip stability", "glute bridge", "pogo or calf")
# "A good starting session is bodyweight squat ..., assisted reverse lunge ..., glute
# bridge ..., low step-up ..., and wall calf raise": a beginner's first week, as written.
ARTICLE_BEGINNER_SESSION = {
    "squat": "bodyweight-squat", "reverse lunge": "assisted-reverse-lunge",
    "glute bridge": "glute-bridge", "step-up": "low-step-up", "calf": "wall-calf-raise",
}


def owns_weights(profile: Profile) -> bool:
    return bool(profile.equipment & set(LOADED_EQUIPMENT))


def has_hills(inst: WeekInstance) -> bool:
    return any(inst.has_run(d, "hill") for d in inst.days)


def first_week_of_beginner(inst: WeekInstance) -> bool:
    """A beginner with nothing done before: the week of the article's beginner session."""
    return inst.profile.level == "beginner" and not inst.carry.doses


def slot_tests(inst: WeekInstance) -> dict[str, SlotTest]:
    """Which exercises fill each slot for this runner and week.

    - The hinge is the deadlift pattern: the sample workout's loaded Romanian deadlift when
      an intermediate or advanced runner owns weights, else the (single-leg, kickstand)
      RDL; never the bridge.
    - The lunge is one split-stance lift (reverse, walking or split-squat lunge; H14 allows
      no second one).
    - "a step-up or single-leg move" is the step-up ("Step-ups closely match the single-leg
      drive runners use during hills"); beside a two-leg RDL, in a week without a hill
      session, the single-leg RDL may take its turn instead, unless the runner can load
      the step-up ("Intermediate: Hold dumbbells and control the lowering phase").
    - The main session's calf work is the sample's straight-knee Standing Calf Raise; the
      bent-knee raise for the soleus comes from S1 (coverage), so both appear in the week.
    - A runner who owns a band does the article's lateral band walk for hip stability.
    - A beginner's first week is the article's beginner session, variation by variation.
    """
    profile = inst.profile
    loaded_hinge = owns_weights(profile) and profile.level != "beginner"
    has_band = "band" in profile.equipment
    # "Intermediate: Hold dumbbells and control the lowering phase": a runner who can load
    # the step-up does it; the single-leg RDL stands in only for one who cannot.
    loaded_step_up = any(ex.family_no == STEP_UP_FAMILY and ex.loaded
                         and allowed_for(ex, profile) for ex in inst.exercises)
    rdl_may_stand_in = loaded_hinge and not has_hills(inst) and not loaded_step_up
    single_leg = {STEP_UP_FAMILY, SINGLE_LEG_RDL_FAMILY} if rdl_may_stand_in else {STEP_UP_FAMILY}
    tests: dict[str, SlotTest] = {
        "squat": lambda ex: "squat" in ex.patterns and not ex.plyometric,
        "lunge": is_split_stance,
        "hinge": lambda ex: ex.family_no == ROMANIAN_DEADLIFT_FAMILY and ex.loaded
        if loaded_hinge else ex.family_no in TRUE_HINGE_FAMILIES,
        "single-leg": lambda ex: ex.family_no in single_leg,
        "step-up": lambda ex: ex.family_no == STEP_UP_FAMILY,
        "reverse lunge": lambda ex: ex.family_no == REVERSE_LUNGE_FAMILY,
        "calf": lambda ex: ex.family_no == STANDING_CALF_FAMILY,
        "hip stability": lambda ex: ex.family_no == BAND_WALK_FAMILY if has_band
        else "hip-stability" in ex.patterns,
        "glute bridge": lambda ex: ex.family_no == BRIDGE_FAMILY,
        "single-leg control": lambda ex: "single-leg" in ex.patterns and not ex.loaded,
        "pogo or calf": lambda ex: ex.plyometric or "calf" in ex.patterns,
    }
    if first_week_of_beginner(inst):
        for slot, variation in ARTICLE_BEGINNER_SESSION.items():
            tests[slot] = lambda ex, variation=variation: ex.id == variation
    return tests


def session_slots(profile: Profile, intensity: str) -> tuple[str, ...]:
    if intensity == "light":
        return LIGHT_SLOTS
    if profile.level != "beginner":
        return MAIN_SLOTS
    # A beginner who owns a band adds the balanced session's hip-stability drill.
    return BEGINNER_MAIN_SLOTS + (("hip stability",) if "band" in profile.equipment else ())


@dataclass(frozen=True)
class SlotMatching:
    """Each (day, intensity): a literal per slot that is true when no exercise fills it, and
    the literals of every (slot, family) assignment made."""

    missing: dict[tuple[int, str, str], Any]
    filled: dict[tuple[int, str], list[Any]]


def slot_matching(wm: WeekModel) -> SlotMatching:
    """Assign each session's exercises to the article's slots, one slot per exercise. Built
    once per model and shared by S10 and S11."""
    cached = wm.shared.get("slot_matching")
    if cached is not None:
        return cached
    m, inst = wm.model, wm.inst
    new_bool_var, add_implication = m.new_bool_var, m.add_implication
    total = cp_model.LinearExpr.sum
    tests = slot_tests(inst)
    missing: dict[tuple[int, str, str], Any] = {}
    filled: dict[tuple[int, str], list[Any]] = {}
    for intensity in INTENSITIES:
        slots = session_slots(inst.profile, intensity)
        fillers = {slot: wm.session_hits(intensity, tests[slot], per_family=True)
                   for slot in slots}
        for d in inst.days:
            if not wm.open(d, intensity):
                continue  # no session to fill
            held = wm.intensity(d, intensity)
            by_family: dict[int, list[Any]] = {}
            filled[(d, intensity)] = []
            for slot in slots:
                assigned = []
                for family, hit in fillers[slot][d]:
                    lit = new_bool_var(f"slot_{d}_{intensity}_{slot}_{family}")
                    add_implication(lit, hit)
                    assigned.append(lit)
                    by_family.setdefault(family, []).append(lit)
                gap = new_bool_var(f"slot_{d}_{intensity}_{slot}_missing")
                m.add(total(assigned) + gap == 1).only_enforce_if(held)
                m.add(gap == 0).only_enforce_if(~held)
                missing[(d, intensity, slot)] = gap
                filled[(d, intensity)].extend(assigned)
            for lits in by_family.values():
                m.add(total(lits) <= 1)  # one exercise, one slot
    matching = SlotMatching(missing, filled)
    wm.shared["slot_matching"] = matching
    return matching


def _word(intensity: str) -> str:
    return "main" if intensity == "heavy" else "light"


@soft_rule("S10", "each slot of the article's session filled by its own exercise",
           weight=S10_MAIN_WEIGHT)
def add_s10_sample_sessions(wm: WeekModel) -> None:
    """S10 — every slot of the article's session for this runner and intensity is filled
    by an exercise of its own; an empty slot costs S10_MAIN_WEIGHT (main) or
    S10_LIGHT_WEIGHT (light)."""
    matching = slot_matching(wm)
    for (d, intensity, slot), gap in matching.missing.items():
        weight = S10_MAIN_WEIGHT if intensity == "heavy" else S10_LIGHT_WEIGHT
        wm.penalize("S10", weight, gap,
                    f"{_word(intensity)} session on {WEEKDAYS[d]} has no exercise of its own "
                    f"for {slot}")


@soft_rule("S11", "no exercise beyond the session's slots", weight=S11_WEIGHT)
def add_s11_no_extras(wm: WeekModel) -> None:
    """S11 — "Keep the workout short": an exercise that fills none of the session's slots
    costs a little, so a session does not grow a second calf raise or a third lunge just
    because minutes are left; a jump for S12 is worth more than this cost."""
    m = wm.model
    matching = slot_matching(wm)
    # The soleus is not asked for in a beginner's first week (S1): there it is an extra too.
    free = set() if first_week_of_beginner(wm.inst) else {BENT_KNEE_CALF_FAMILY}
    families = [f for f in wm.inst.families if f not in free]
    for (d, intensity), filled in matching.filled.items():
        count = cp_model.LinearExpr.sum([wm.inc[(d, f, intensity)] for f in families])
        extra = m.new_int_var(0, 7, f"s11_{d}_{intensity}_extra")
        m.add(extra >= count - cp_model.LinearExpr.sum(filled))
        wm.penalize("S11", S11_WEIGHT, extra,
                    f"{_word(intensity)} session on {WEEKDAYS[d]} holds exercises beyond the "
                    "article's session")
    # The bent-knee raise is the article's answer to "skipping calf and soleus work" (S1
    # asks for it), not an extra; once a week is enough.
    # Where the week has a light session it goes there, keeping the main session the
    # sample workout's six.
    keys = [(BENT_KNEE_CALF_FAMILY, i) for i in INTENSITIES]
    if all(key in wm.use for key in keys):
        any_light = m.new_bool_var("s11_any_light")
        m.add_max_equality(any_light, wm.light)
        in_main = m.new_bool_var("s11_bent_knee_in_main")
        m.add(in_main >= wm.use[keys[0]] + any_light - 1)
        wm.penalize("S11", S11_WEIGHT, in_main,
                    "the bent-knee calf raise is in the main session of a week with a light "
                    "one")


@soft_rule("S12", "a little power: one plyometric exercise a week when a day allows",
           weight=S12_WEIGHT)
def add_s12_a_little_power(wm: WeekModel) -> None:
    """S12 — "a small amount of power training when appropriate": an intermediate or
    advanced runner does one plyometric exercise a week (low pogo hops first) when a
    session day allows jumps (H1, H7, B2 decide which days do)."""
    inst = wm.inst
    if inst.profile.level == "beginner":
        return
    if inst.short_by_rule:
        return  # the legs are racing or recovering from it: power waits (B4, B6)
    if all(inst.jumps_forbidden(d) for d in inst.days):
        return
    jumps = [lit for key in wm.family_keys()
             for lit in wm.exercise_picks(key, lambda ex: ex.plyometric)]
    if not wm.ever_offered(lambda key, c: c.exercise.plyometric):
        return
    missing = wm.model.new_bool_var("s12_no_power")
    wm.model.add(cp_model.LinearExpr.sum(jumps) + missing >= 1)
    wm.penalize("S12", S12_WEIGHT, missing, "no plyometric (power) work this week")


@soft_rule("S13", "the runner's kit is used: more kit never makes the plan easier",
           weight=S13_WEIGHT)
def add_s13_kit_is_used(wm: WeekModel) -> None:
    """S13 — more kit never makes the plan easier. Advanced ("Use a heavier goblet squat,
    front squat"; "heavier dumbbells"; "More experienced runners can benefit from heavier
    strength work"): a barbell owner does the main squat and Romanian deadlift with it; a
    dumbbell or kettlebell owner does one loaded single-leg lift in the main session and
    loads its split-stance lift (each unloaded one costs S13_WEIGHT). Intermediate
    ("Intermediate: Use a dumbbell or kettlebell at chest height"; step-up: "Hold dumbbells
    and control the lowering phase"): a weight owner's main squat and step-up are the
    loaded ones; each other pick costs S13_INTERMEDIATE_WEIGHT, less than dropping a core
    lift (S4), so a continuing bodyweight step-up climbs to its loaded rung instead of
    leaving the session."""
    inst, m = wm.inst, wm.model
    profile = inst.profile
    weights = bool(profile.equipment & {"dumbbell", "kettlebell"})
    if profile.level == "intermediate" and weights:
        _penalize_unloaded(wm, (SQUAT_FAMILY, STEP_UP_FAMILY), S13_INTERMEDIATE_WEIGHT)
    if profile.level != "advanced":
        return
    if "barbell" in profile.equipment:
        for family in (SQUAT_FAMILY, ROMANIAN_DEADLIFT_FAMILY):
            key = (family, "heavy")
            if key not in wm.pick:
                continue
            for exercise, lits in wm.variations(key):
                if "barbell" in {item for group in exercise.equipment for item in group}:
                    continue
                for lit in lits:
                    wm.penalize("S13", S13_WEIGHT, lit,
                                f"{exercise.name} in the main session although you own a "
                                "barbell")
    if weights:
        split_stance = [key for key in wm.family_keys() if key[1] == "heavy"
                        and any(is_split_stance(ex) for ex in inst.family(key[0]))]
        _penalize_unloaded(wm, tuple(key[0] for key in split_stance), S13_WEIGHT)
        loaded = [lit for key in wm.family_keys() if key[1] == "heavy"
                  for lit in wm.exercise_picks(
                      key, lambda ex: ex.loaded and "single-leg" in ex.patterns)]
        if not wm.ever_offered(lambda key, c: key[1] == "heavy" and c.exercise.loaded
                               and "single-leg" in c.exercise.patterns):
            return
        any_main = m.new_bool_var("s13_any_main")
        m.add_max_equality(any_main, wm.heavy)
        missing = m.new_bool_var("s13_no_loaded_single_leg")
        m.add(cp_model.LinearExpr.sum(loaded) + missing >= any_main)
        wm.penalize("S13", S13_WEIGHT, missing,
                    "no loaded single-leg lift in the main session although you own weights")


def _penalize_unloaded(wm: WeekModel, families: tuple[int, ...], weight: int) -> None:
    """Each main-session pick of an unloaded variation in `families` costs `weight`, where
    the family has a loaded variation the runner's kit and level allow."""
    profile = wm.inst.profile
    for family in families:
        key = (family, "heavy")
        if key not in wm.pick:
            continue
        open_loaded = [ex for ex in wm.inst.family(family) if ex.loaded
                       and allowed_for(ex, profile)]
        if not open_loaded:
            continue
        for exercise, lits in wm.variations(key):
            if exercise.loaded:
                continue
            for lit in lits:
                wm.penalize("S13", weight, lit,
                            f"{exercise.name} in the main session although your weights "
                            f"allow the {open_loaded[0].name[:1].lower()}"
                            f"{open_loaded[0].name[1:]}")
