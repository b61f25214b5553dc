"""What the runner's legs ask for: H30 (niggles) and H31 (exercises left out).

The table of what each niggle changes is planner/niggles.py (docs/coaching.md, "Niggles and
exclusions"); the model offers each prescription also with the niggle's range and tempo
limits (planner.planning.model), and these rules keep only what the table allows. Without
a niggle or an exclusion they add nothing, so plans without them are the same model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from constraints.registry import hard_rule
from planner.niggles import dose_refused, variation_refused

if TYPE_CHECKING:
    from planner.planning.instance import FamilyKey, WeekInstance
    from planner.planning.model import WeekModel
    from planner.planning.progression import Candidate


def h30_refuses(inst: WeekInstance) -> Callable[[FamilyKey, Candidate], bool] | None:
    niggles = inst.profile.niggles
    if not niggles:
        return None
    return lambda key, cand: (variation_refused(cand.exercise, niggles)
                              or dose_refused(cand.exercise, cand.dose, niggles))


def h31_refuses(inst: WeekInstance) -> Callable[[FamilyKey, Candidate], bool] | None:
    excluded = inst.profile.exclude
    if not excluded:
        return None
    return lambda key, cand: cand.exercise.id in excluded


@hard_rule("H30", "nothing a niggle rules out, every dose within its limits",
           refuses=h30_refuses)
def add_h30_niggles(wm: WeekModel) -> None:
    """H30 — with a niggle (knee, Achilles, calf, hamstring, hip, back): no variation the
    niggle rules out (the article: the reverse lunge for less forward knee stress; "shorten
    the range or switch to a split squat" for an overloaded lower back; plyometrics only
    when pain-free) and each dose within the niggle's range and tempo limits."""
    niggles = wm.inst.profile.niggles
    if not niggles:
        return
    for key in wm.family_keys():
        for cand, lit in zip(wm.candidates[key], wm.pick[key], strict=True):
            if variation_refused(cand.exercise, niggles) or \
                    dose_refused(cand.exercise, cand.dose, niggles):
                wm.require("H30", wm.model.add(lit == 0))


@hard_rule("H31", "no exercise the runner left out", refuses=h31_refuses)
def add_h31_exclusions(wm: WeekModel) -> None:
    """H31 — `--exclude ID`: that variation is never prescribed."""
    excluded = wm.inst.profile.exclude
    if not excluded:
        return
    for key in wm.family_keys():
        for lit in wm.exercise_picks(key, lambda ex: ex.id in excluded):
            wm.require("H31", wm.model.add(lit == 0))
