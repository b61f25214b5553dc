"""Which variations a runner may do at all: H5 (equipment), H6 (level, plyometrics), S7.

The tests themselves (equipment_allows, level_allows) live in planner.planning.progression,
where the words for a lift's next step use them too."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from constraints.registry import hard_rule, soft_rule
from planner.domain import LEVELS
from planner.planning.progression import equipment_allows, level_allows
from planner.planning.wording import with_article

if TYPE_CHECKING:
    from planner.planning.instance import FamilyKey, WeekInstance
    from planner.planning.model import WeekModel
    from planner.planning.progression import Candidate

S7_WEIGHT = 5
LIGHT_BENT_KNEE_RAISE = (10, "light")  # family 10, Bent-Knee Calf Raise


def h5_refuses(inst: WeekInstance) -> Callable[[FamilyKey, Candidate], bool]:
    owned = inst.profile.equipment
    return lambda key, cand: not equipment_allows(cand.exercise, owned)


def h6_refuses(inst: WeekInstance) -> Callable[[FamilyKey, Candidate], bool]:
    level = inst.profile.level
    return lambda key, cand: not level_allows(cand.exercise, level)


def _forbid(wm: WeekModel, rule: str, test) -> None:
    for key in wm.family_keys():
        for lit in wm.exercise_picks(key, test):
            wm.require(rule, wm.model.add(lit == 0))


@hard_rule("H5", "only exercises the runner's equipment allows", refuses=h5_refuses)
def add_h5_equipment(wm: WeekModel) -> None:
    """H5 — only exercises the runner's equipment allows; with none, bodyweight variants."""
    owned = wm.inst.profile.equipment
    _forbid(wm, "H5", lambda ex: not equipment_allows(ex, owned))


@hard_rule("H6", "plyometrics and variations by level", refuses=h6_refuses)
def add_h6_level_and_plyometrics(wm: WeekModel) -> None:
    """H6 — "Beginners: Skip jumping at first"; "Intermediate: Start with low pogo hops on two
    legs"; "Advanced: Use squat jumps, low-level bounds ..."; no two-leg calf raise for an
    advanced runner."""
    level = wm.inst.profile.level
    _forbid(wm, "H6", lambda ex: not level_allows(ex, level))


@soft_rule("S7", "variations that match the runner's level", weight=S7_WEIGHT)
def add_s7_level_fit(wm: WeekModel) -> None:
    """S7 — prefer the variation written for the runner's level (an advanced runner gets the
    advanced variant when the equipment allows), one cost unit per level below. The light
    session's bent-knee raise is exempt: the bodyweight seated raise is light work for any
    level, and the intermediate one holds a dumbbell a light session does without."""
    rank = wm.inst.level_rank
    for key in wm.family_keys():
        if key == LIGHT_BENT_KNEE_RAISE:
            continue
        for cand, lit in zip(wm.candidates[key], wm.pick[key], strict=True):
            gap = rank - LEVELS.index(cand.exercise.level)
            if gap > 0:
                wm.penalize("S7", S7_WEIGHT * gap, lit,
                            f"{cand.exercise.name}: {with_article(cand.exercise.level)} variation")
