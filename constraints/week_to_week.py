"""Week-to-week rules: H9 (one variable at a time) and H10 (new to strength)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from constraints.registry import hard_rule
from planner.domain import Exercise

if TYPE_CHECKING:
    from planner.planning.model import WeekModel

DEADLIFT_FAMILIES = frozenset({6, 7})  # Single-Leg Romanian Deadlift, Romanian Deadlift


@hard_rule("H9", "one variable at a time")
def add_h9_one_variable_at_a_time(wm: WeekModel) -> None:
    """H9 — "Add one variable at a time: more reps, more weight, more range of motion, slower
    tempo, or a harder variation." A prescription may differ from last week's in at most
    one of variation, load, sets, reps, range, tempo."""
    for key in wm.family_keys():
        for lit in wm.picks_where(key, lambda cand: len(cand.changes) > 1):
            wm.require("H9", wm.model.add(lit == 0))


def _category_tests(exercise: Exercise, intensity: str) -> dict[str, bool]:
    heavy = intensity == "heavy"
    return {
        "heavy squats": heavy and "squat" in exercise.patterns,
        "lunges": heavy and "lunge" in exercise.patterns,
        "deadlifts": heavy and exercise.family_no in DEADLIFT_FAMILIES
        and "hinge" in exercise.patterns,
        "jumping": exercise.plyometric,
    }


def categories_done(doses, by_id: dict[str, Exercise]) -> set[str]:
    """Which H10 categories a week's prescriptions contain."""
    done: set[str] = set()
    for (_family, intensity), dose in doses.items():
        exercise = by_id.get(dose.variation)
        if exercise is not None:
            done |= {c for c, hit in _category_tests(exercise, intensity).items() if hit}
    return done


@hard_rule("H10", "new to strength: not everything new in one week")
def add_h10_new_to_strength(wm: WeekModel) -> None:
    """H10 — "Do not add heavy squats, lunges, deadlifts, and jumping all in the same week if
    you are new to strength training." Only a category absent last week counts as added."""
    inst = wm.inst
    if not inst.profile.new_to_strength:
        return
    m = wm.model
    by_id = {ex.id: ex for ex in inst.exercises}
    already = categories_done(inst.carry.doses, by_id)
    added = []
    for category in ("heavy squats", "lunges", "deadlifts", "jumping"):
        if category in already:
            continue
        lits = [lit for key in wm.family_keys()
                for cand, lit in zip(wm.candidates[key], wm.pick[key], strict=True)
                if _category_tests(cand.exercise, key[1])[category]]
        if not lits:
            continue
        present = m.new_bool_var(f"h10_{category}")
        m.add_max_equality(present, lits)
        added.append(present)
    if len(added) == 4:
        wm.require("H10", m.add(cp_model.LinearExpr.sum(added) <= 3))
