"""Niggles (`--niggle knee|achilles|calf|hamstring|hip|back`): what each one rules out of a
runner's plan and how it eases the dose, as plain data every layer reads (the model's
rule H30 in constraints/niggles.py, the checker, the why-lines, docs/coaching.md's table).

Where the article speaks, it decides: the reverse lunge has "less forward knee stress
than some forward lunge variations"; "If your back hip or lower back feels overloaded,
shorten the range or switch to a split squat"; plyometrics progress "only when landings
stay quiet, controlled, and pain-free". Elsewhere, ordinary coaching practice for a
grumbling joint: keep what it tolerates, take out what loads it at end range or fast.
A niggle is not an injury: the article's stop-and-seek-help line (planner.domain
SAFETY_LINE) is shown with every plan that has one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from planner.domain import Dose, Exercise

NIGGLES: tuple[str, ...] = ("knee", "achilles", "calf", "hamstring", "hip", "back")

FORWARD_LUNGES = frozenset({"bodyweight-walking-lunge", "dumbbell-walking-lunge",
                            "walking-lunge-knee-drive"})
REAR_FOOT_ELEVATED = frozenset({"bulgarian-split-squat", "dumbbell-bulgarian-split-squat"})
HIGH_STEPS = frozenset({"lateral-step-up", "dumbbell-step-up", "step-up-knee-drive",
                        "dumbbell-step-up-knee-drive"})
STRAIGHT_KNEE_RAISES_OFF_A_STEP = frozenset({
    "step-calf-raise", "single-leg-calf-raise", "single-leg-step-calf-raise",
    "single-leg-dumbbell-calf-raise", "machine-calf-raise"})
KNEE_DRIVES = frozenset({"walking-lunge-knee-drive", "step-up-knee-drive",
                         "dumbbell-step-up-knee-drive"})


@dataclass(frozen=True)
class NiggleRule:
    """What one niggle changes: variations out (with the reason a runner reads), families
    whose lowering must stay in a controlled range, or at a controlled tempo, or slow."""

    name: str
    out: frozenset[str]  # variation ids left out
    no_jumps: bool  # every plyometric out
    controlled_range: frozenset[int]  # family numbers held to "controlled range"
    controlled_tempo: frozenset[int]  # family numbers held to "controlled" (not slow)
    slow_tempo: frozenset[int]  # family numbers lowered slowly ("slow 3-s lowering")
    why: dict[int, str]  # family number -> what changed there, in the runner's words
    summary: str  # one line for the week's notes


NIGGLE_RULES: dict[str, NiggleRule] = {
    "knee": NiggleRule(
        "knee",
        out=FORWARD_LUNGES | REAR_FOOT_ELEVATED | HIGH_STEPS
        | {"deficit-reverse-lunge", "dumbbell-deficit-reverse-lunge", "cossack-squat"},
        no_jumps=True, controlled_range=frozenset({1, 2, 3, 4, 5, 12}),
        controlled_tempo=frozenset(), slow_tempo=frozenset(),
        why={1: "knee niggle: squat to a controlled depth",
             2: "knee niggle: the reverse lunge, less forward knee stress than forward "
                "lunges, to a controlled depth (no deficit)",
             3: "knee niggle: reverse steps only, no forward walking lunges",
             4: "knee niggle: split squat with the back foot down, controlled depth",
             5: "knee niggle: a low step only",
             12: "knee niggle: a shallow side lunge, controlled depth (no Cossack squat)",
             13: "knee niggle: no jumps or hops"},
        summary="knee niggle: no jumps, reverse rather than forward lunges, a low step, "
                "and every squat and lunge to a controlled depth"),
    "achilles": NiggleRule(
        "achilles",
        out=STRAIGHT_KNEE_RAISES_OFF_A_STEP, no_jumps=True,
        controlled_range=frozenset(), controlled_tempo=frozenset(),
        slow_tempo=frozenset({9, 10}),
        why={9: "Achilles niggle: a slow two-leg raise on flat ground, no heel drop off a step",
             10: "Achilles niggle: bent-knee (seated) raises first, lowered slowly",
             13: "Achilles niggle: no hops or jumps"},
        summary="Achilles niggle: no hops or jumps, bent-knee calf raises before "
                "straight-knee ones, every raise lowered slowly"),
    "calf": NiggleRule(
        "calf",
        out=STRAIGHT_KNEE_RAISES_OFF_A_STEP, no_jumps=True,
        controlled_range=frozenset(), controlled_tempo=frozenset(),
        slow_tempo=frozenset({9, 10}),
        why={9: "calf niggle: a slow two-leg raise on flat ground, no single-leg raises",
             10: "calf niggle: bent-knee (seated) raises first, lowered slowly",
             13: "calf niggle: no hops or jumps"},
        summary="calf niggle: no hops or jumps, bent-knee calf raises before straight-knee "
                "ones, every raise lowered slowly"),
    "hamstring": NiggleRule(
        "hamstring",
        out=frozenset({"low-level-bounds", "barbell-rdl"}), no_jumps=False,
        controlled_range=frozenset({6, 7}), controlled_tempo=frozenset({6, 7}),
        slow_tempo=frozenset(),
        why={6: "hamstring niggle: a controlled range and tempo, no slow lowering yet",
             7: "hamstring niggle: bridges before slow RDLs: a controlled range and tempo",
             8: "hamstring niggle: bridges carry the hinge work while the hamstring settles",
             13: "hamstring niggle: no bounds"},
        summary="hamstring niggle: bridges before slow RDLs (hinges in a controlled range "
                "and tempo), no bounds"),
    "hip": NiggleRule(
        "hip",
        out=KNEE_DRIVES | {"cossack-squat", "lateral-lunge", "goblet-lateral-lunge",
                           "low-level-bounds"},
        no_jumps=False, controlled_range=frozenset({12}), controlled_tempo=frozenset(),
        slow_tempo=frozenset(),
        why={3: "hip niggle: no knee drive",
             5: "hip niggle: no knee drive",
             12: "hip niggle: a shallow side lunge only",
             13: "hip niggle: no bounds"},
        summary="hip niggle: no knee drives, a shallow side lunge only, no bounds"),
    "back": NiggleRule(
        "back",
        out=REAR_FOOT_ELEVATED | {"barbell-front-squat", "barbell-rdl"}, no_jumps=False,
        controlled_range=frozenset({1, 4, 6, 7}), controlled_tempo=frozenset(),
        slow_tempo=frozenset(),
        why={1: "back niggle: no barbell on the back or front, a controlled depth",
             4: "back niggle: a split squat instead of the Bulgarian (the article: when the "
                "lower back feels overloaded, shorten the range or switch to a split squat)",
             6: "back niggle: a shortened, controlled range",
             7: "back niggle: a shortened, controlled range, no barbell"},
        summary="back niggle: split squats instead of Bulgarian split squats, no barbell, "
                "hinges and squats in a shortened, controlled range"),
}


def rules_for(niggles: frozenset[str] | tuple[str, ...]) -> list[NiggleRule]:
    return [NIGGLE_RULES[name] for name in NIGGLES if name in niggles]


def variation_refused(exercise: Exercise, niggles: frozenset[str]) -> str:
    """The niggle that rules this variation out, "" when none does."""
    for rule in rules_for(niggles):
        if exercise.id in rule.out or (rule.no_jumps and exercise.plyometric):
            return rule.name
    return ""


def dose_refused(exercise: Exercise, dose: Dose, niggles: frozenset[str]) -> str:
    """The niggle whose dose limit this dose breaks (range 1 = full, tempo 1 = slow), ""."""
    family = exercise.family_no
    for rule in rules_for(niggles):
        if family in rule.controlled_range and dose.range != 0:
            return rule.name
        if family in rule.controlled_tempo and dose.tempo != 0:
            return rule.name
        if family in rule.slow_tempo and dose.tempo != 1:
            return rule.name
    return ""


def eased_dose(exercise: Exercise, dose: Dose, niggles: frozenset[str]) -> Dose:
    """The dose with each niggle's range and tempo limits applied (the same otherwise)."""
    family = exercise.family_no
    for rule in rules_for(niggles):
        if family in rule.controlled_range:
            dose = replace(dose, range=0)
        if family in rule.controlled_tempo:
            dose = replace(dose, tempo=0)
        if family in rule.slow_tempo:
            dose = replace(dose, tempo=1)
    return dose


def family_why(family_no: int, niggles: frozenset[str]) -> str:
    """What the niggles change for this family, for its why-line; "" when nothing."""
    return "; ".join(rule.why[family_no] for rule in rules_for(niggles)
                     if family_no in rule.why)
