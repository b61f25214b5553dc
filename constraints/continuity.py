"""Across weeks: S4 (stable core lifts, rotating accessories) and S8 (steady progression)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.model import WeekModel

S4_CORE_WEIGHT = 15
S4_ACCESSORY_WEIGHT = 2
S8_WEIGHT = 4


def add_s4_stable_core_lifts(wm: WeekModel) -> None:
    """S4 — core lifts stay in the block so they can progress ("Progress slowly"); an
    accessory repeated unchanged from last week costs a little, so they rotate."""
    add_s4_no_new_exercises_in_deload(wm)
    by_family = {ex.family_no: ex for ex in wm.inst.exercises}
    for key, dose in sorted(wm.inst.carry.doses.items()):
        if key not in wm.use:
            continue
        family = by_family.get(key[0])
        if family is None:
            continue
        if family.role == "core":
            dropped = ~wm.use[key]
            wm.penalize("S4", S4_CORE_WEIGHT, dropped,
                        f"{family.family} ({key[1]}) dropped although it is a core lift")
        else:
            same = wm.picks_where(key, lambda c, v=dose.variation: c.exercise.id == v)
            if same:
                repeated = wm.model.new_bool_var(f"s4_repeat_{key[0]}_{key[1]}")
                wm.model.add_max_equality(repeated, same)
                wm.penalize("S4", S4_ACCESSORY_WEIGHT, repeated,
                            f"{family.family} ({key[1]}) repeated instead of rotated")


def add_s4_no_new_exercises_in_deload(wm: WeekModel) -> None:
    """Part of S4: a deload week repeats last week's exercises; anything new costs."""
    inst = wm.inst
    if not inst.deload or not inst.carry.doses:
        return
    for key in wm.family_keys():
        if key not in inst.carry.doses:
            wm.penalize("S4", S4_CORE_WEIGHT, wm.use[key],
                        f"family {key[0]} ({key[1]}) is new in a deload week")


def add_s8_progress(wm: WeekModel) -> None:
    """S8 — "Progress slowly. Add one variable at a time": a continuing exercise that does
    not move one step harder costs a little (deload weeks excepted)."""
    if wm.inst.deload:
        return
    excused = wm.inst.carry.hold | wm.inst.carry.regress
    for key in wm.family_keys():
        if key in excused:
            continue
        flat = wm.picks_where(key, lambda c: c.continuing and not c.progressed)
        if flat:
            stalled = wm.model.new_bool_var(f"s8_stalled_{key[0]}_{key[1]}")
            wm.model.add_max_equality(stalled, flat)
            wm.penalize("S8", S8_WEIGHT, stalled,
                        f"family {key[0]} ({key[1]}) held at last week's dose")
