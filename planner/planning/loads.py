"""The words for a lift's load: one place every output (terminal, JSON, calendar, FIT, web)
takes them from, so "8 kg per hand" reads the same wherever the runner looks.

With --weights the load is the kilograms, said the way the lift is held: a pair of dumbbells
"per hand", a single dumbbell or kettlebell as such, a barbell with its bar. Without, it is
an effort, the article's "Most sets should finish with 1–3 reps in reserve" made concrete:
"light" leaves 3 reps in reserve (the easy end), and an advanced runner's main lift, which
goes "heavier at lower reps", starts "heavy", leaving 1–2. "+1 step" is explained once per
session (STEP_LEGEND).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from planner.domain import (
    LEVELS,
    LOAD_LABELS,
    LOADED_EQUIPMENT,
    Dose,
    Exercise,
    PlannedExercise,
    Profile,
)
from planner.planning.progression import (
    allowed_for,
    at_heaviest,
    has_lowering_phase,
    loaded_item,
    named_weight,
    top_reps,
)

# Lifts done with a dumbbell in each hand (the article: "Use heavier dumbbells", "light
# dumbbells"); the weight named is one dumbbell's. Every other loaded lift holds one
# implement: a goblet or front-rack hold, a dumbbell across the hips or the thigh, one
# dumbbell in the single-leg RDL's free hand.
PAIRED: frozenset[str] = frozenset({
    "dumbbell-front-squat", "dumbbell-reverse-lunge", "dumbbell-walking-lunge",
    "dumbbell-bulgarian-split-squat", "dumbbell-step-up", "dumbbell-step-up-knee-drive",
    "mid-shin-dumbbell-rdl", "romanian-deadlift", "dumbbell-deficit-reverse-lunge",
})
# A lift's first weight is arithmetic on the runner's list, not a test of their legs.
FIRST_GUESS = ("the kilograms are a first guess from your list: if a set feels harder or "
               "easier than the effort asked, change the weight")
LIGHT_EFFORT = "a weight you could lift 3 more times at the end of each set"
LIGHT_EFFORT_SHORT = "3 reps in reserve"  # a watch's notes have room for ~200 bytes
HEAVY_EFFORT = "a weight you could lift only 1–2 more times at the end of each set"
HEAVY_EFFORT_SHORT = "1-2 reps in reserve"
EFFORT_LEGEND = f"light means {LIGHT_EFFORT}."
HEAVY_EFFORT_LEGEND = f"heavy means {HEAVY_EFFORT} (an advanced main lift at 6–8 reps)."
STEP_LEGEND = ("+1 step means the next weight up from your start (the next dumbbell "
               "or kettlebell); take it only when every set's reps were clean.")
# The start of an advanced main lift: the same step as "light" in the plan's data (`load`),
# said as the effort it is at 6 reps.
HEAVY_WORD = "heavy"


def held_item(exercise_id: str, equipment_used: Sequence[str]) -> str | None:
    """The loaded item the runner holds for this lift (dumbbell, kettlebell, barbell)."""
    return next((item for item in equipment_used if item in LOADED_EQUIPMENT), None)


def kg_words(kg: float, exercise_id: str, item: str | None) -> str:
    """`8 kg per hand` (a pair of dumbbells), `8 kg (one dumbbell)`, `12 kg (one
    kettlebell)`, `40 kg (barbell, bar included)`: the weight and how it is held."""
    weight = f"{kg:g} kg"
    if item == "barbell":
        return f"{weight} (barbell, bar included)"
    if exercise_id in PAIRED and item != "kettlebell":
        return f"{weight} per hand"
    if exercise_id == "dumbbell-front-squat" and item == "kettlebell":
        return f"{weight} per hand (two kettlebells)"
    return f"{weight} (one {item or 'weight'})"


def words(load: int, weight_kg: float | None, exercise_id: str,
          equipment_used: Sequence[str], *, effort: bool | str = True,
          heavier_start: bool = False) -> str:
    """The load in words from plain values (a plan or its JSON): kilograms when named,
    else the step with, when `effort`, what its start feels like ("short": the watch's
    shorter words). `heavier_start`: an advanced main lift, "heavy" rather than "light"."""
    if load <= 0:
        return "bodyweight"
    if weight_kg is not None:
        return kg_words(weight_kg, exercise_id, held_item(exercise_id, equipment_used))
    label = LOAD_LABELS[min(load, len(LOAD_LABELS) - 1)]
    if heavier_start:
        label = label.replace(LOAD_LABELS[1], HEAVY_WORD, 1)
    if not effort or load != 1:
        return label
    if heavier_start:
        return f"{label} ({HEAVY_EFFORT_SHORT if effort == 'short' else HEAVY_EFFORT})"
    return f"{label} ({LIGHT_EFFORT_SHORT if effort == 'short' else LIGHT_EFFORT})"


def load_words(item: PlannedExercise, *, effort: bool | str = True) -> str:
    """The one function every renderer calls for a planned lift's load."""
    return words(item.dose.load, item.weight_kg, item.exercise.id, item.equipment_used,
                 effort=effort, heavier_start=item.heavier_start)


def load_words_of(item: Mapping[str, Any], *, effort: bool = True,
                  kit: Iterable[str] = ()) -> str:
    """The same words from an exercise of the plan JSON (the web page draws from it).

    `kit` (the profile's equipment) stands in for an item that does not list what it is
    held with (a plan from before "equipment" was stored), so the words still say "per
    hand" or "one dumbbell" rather than guess. A JSON `true` is not a number of kilograms
    (bool is an int in Python)."""
    from planner.domain import load_step

    step = load_step(item.get("load"))
    kg = item.get("weight_kg")
    named = kg if isinstance(kg, (int, float)) and not isinstance(kg, bool) else None
    used = tuple(str(e) for e in item.get("equipment") or ())
    if not any(e in LOADED_EQUIPMENT for e in used):
        owned = set(kit)
        used += tuple(e for e in LOADED_EQUIPMENT if e in owned)
    return words(step or 0, named, str(item.get("id") or item.get("variation") or ""),
                 used, effort=effort, heavier_start=item.get("heavier_start") is True)


def needs_step_legend(loads: Iterable[tuple[int, float | None]]) -> bool:
    """True when some lift reads "+N step(s)" (a load above light with no kilograms)."""
    return any(load >= 2 and kg is None for load, kg in loads)


def step_legend(items: Iterable[PlannedExercise]) -> str:
    """STEP_LEGEND when the session needs it, else ""."""
    return STEP_LEGEND if needs_step_legend(
        (item.dose.load, item.weight_kg) for item in items) else ""


def step_legend_of(items: Iterable[Mapping[str, Any]]) -> str:
    """STEP_LEGEND for a session of the plan JSON when it needs it, else ""."""
    from planner.domain import load_step

    pairs = [(load_step(item.get("load")) or 0, item.get("weight_kg")) for item in items]
    return STEP_LEGEND if needs_step_legend(pairs) else ""


def next_step_words(exercise: Exercise, dose: Dose, profile: Profile,
                    exercises: Iterable[Exercise]) -> str:
    """What to do next where the plan's own ladder stops ("" otherwise): the article's
    "more reps, more weight, more range of motion, slower tempo, or a harder variation",
    only those still open. A loaded lift at the heaviest weight the runner owns; a
    bodyweight one at the top of its reps (a calf raise "Advanced: Add load, pauses, or a
    slow eccentric lowering phase")."""
    family = [ex for ex in exercises if ex.family_no == exercise.family_no]
    if exercise.loaded:
        return _next_for_loaded(exercise, dose, profile, family)
    return _next_for_bodyweight(exercise, dose, profile, family)


def _listed(options: Sequence[str]) -> str:
    return ", ".join(options[:-1]) + (" or " if len(options) > 1 else "") + options[-1]


def _next_for_loaded(exercise: Exercise, dose: Dose, profile: Profile,
                     family: Sequence[Exercise]) -> str:
    if not at_heaviest(exercise, dose.load, profile):
        return ""
    kg = named_weight(exercise, dose.load, profile)
    item = loaded_item(exercise, profile.equipment) or "weight"
    options = []
    top = top_reps(exercise, profile.level)
    if dose.reps < top:
        options.append(f"add reps up to {top}")
    if has_lowering_phase(exercise) and dose.tempo == 0:
        options.append("slow the lowering to 3 s")
    harder = next((ex for ex in family if ex.id == exercise.harder), None)
    if harder is not None and allowed_for(harder, profile):
        options.append(f"move on to the {harder.name[:1].lower()}{harder.name[1:]}")
    # A barbell grows by its plates; a dumbbell or kettlebell is replaced by a heavier one.
    options.append("add plates" if item == "barbell" else f"get a heavier {item}")
    return f"{kg:g} kg is your heaviest {item}: next, {_listed(options)}."


def _next_for_bodyweight(exercise: Exercise, dose: Dose, profile: Profile,
                         family: Sequence[Exercise]) -> str:
    top = top_reps(exercise, profile.level)
    if exercise.plyometric or dose.reps < top:
        return ""
    options = []
    if has_lowering_phase(exercise) and dose.tempo == 0:
        options.append("slow the lowering to 3 s")
    if "calf" in exercise.patterns:
        options.append("pause 2 s at the top")
    harder = next((ex for ex in family if ex.id == exercise.harder), None)
    loaded = next((ex for ex in family if ex.loaded and allowed_for(ex, profile)
                   and LEVELS.index(ex.level) >= LEVELS.index(exercise.level)), None)
    if harder is not None and allowed_for(harder, profile):
        options.append(f"move on to the {harder.name[:1].lower()}{harder.name[1:]}")
    elif loaded is not None:
        options.append(f"add load: the {loaded.name[:1].lower()}{loaded.name[1:]}")
    if not options:
        return ""
    return (f"{dose.reps} {exercise.reps_unit} is the top of the range: next, "
            f"{_listed(options)}.")
