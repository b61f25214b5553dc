"""The words for a lift's load: one place every output (terminal, JSON, calendar, FIT, web)
takes them from, so "8 kg per hand" reads the same wherever the runner looks.

With --weights the load is the kilograms, said the way the lift is held: a pair of dumbbells
"per hand", a single dumbbell or kettlebell as such, a barbell with its bar. Without, it is
an effort ("light: a weight you could lift 2–3 more times at the end of each set", the
article's "finish with 1–3 reps in reserve" made concrete) and "+1 step" is explained once
per session (STEP_LEGEND).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from planner.domain import (
    ASSUMED_EQUIPMENT,
    LOAD_LABELS,
    LOADED_EQUIPMENT,
    Dose,
    Exercise,
    PlannedExercise,
    Profile,
)
from planner.planning.progression import (
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
LIGHT_EFFORT = "a weight you could lift 2–3 more times at the end of each set"
LIGHT_EFFORT_SHORT = "2–3 more reps possible"  # a watch's notes have room for ~200 bytes
EFFORT_LEGEND = f"light means {LIGHT_EFFORT}."
STEP_LEGEND = ("+1 step means the next weight up from your light start (the next dumbbell "
               "or kettlebell); take it only when every set's reps were clean.")


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
          equipment_used: Sequence[str], *, effort: bool | str = True) -> str:
    """The load in words from plain values (a plan or its JSON): kilograms when named,
    else the step with, when `effort`, what "light" feels like ("short": the watch's
    shorter words)."""
    if load <= 0:
        return "bodyweight"
    if weight_kg is not None:
        return kg_words(weight_kg, exercise_id, held_item(exercise_id, equipment_used))
    label = LOAD_LABELS[min(load, len(LOAD_LABELS) - 1)]
    if not effort or load != 1:
        return label
    return f"{label} ({LIGHT_EFFORT_SHORT if effort == 'short' else LIGHT_EFFORT})"


def load_words(item: PlannedExercise, *, effort: bool | str = True) -> str:
    """The one function every renderer calls for a planned lift's load."""
    return words(item.dose.load, item.weight_kg, item.exercise.id, item.equipment_used,
                 effort=effort)


def load_words_of(item: Mapping[str, Any], *, effort: bool = True) -> str:
    """The same words from an exercise of the plan JSON (the web page draws from it)."""
    from planner.domain import load_step

    step = load_step(item.get("load"))
    kg = item.get("weight_kg")
    return words(step or 0, kg if isinstance(kg, (int, float)) else None,
                 str(item.get("id") or item.get("variation") or ""),
                 tuple(str(e) for e in item.get("equipment") or ()), effort=effort)


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
    """At the heaviest weight the runner owns for this lift, what to do next instead of a
    heavier one ("" below it): the article's "more reps, more weight, more range of motion,
    slower tempo, or a harder variation", only those still open."""
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
    harder = next((ex for ex in exercises if ex.id == exercise.harder), None)
    kit = profile.equipment | ASSUMED_EQUIPMENT
    if harder is not None and all(set(options) & kit for options in harder.equipment):
        options.append(f"move on to the {harder.name[:1].lower()}{harder.name[1:]}")
    options.append(f"get a heavier {item}")
    listed = ", ".join(options[:-1]) + (" or " if len(options) > 1 else "") + options[-1]
    return f"{kg:g} kg is your heaviest {item}: next, {listed}."
