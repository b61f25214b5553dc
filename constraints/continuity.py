"""Across weeks: S4 (exercises stay so they can progress) and S8 (steady progression)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from constraints.registry import soft_rule
from planner.domain import LEVELS, Exercise
from planner.planning.progression import EASIER_REASONS, allowed_for
from planner.planning.wording import equipment_used, shown_name

if TYPE_CHECKING:
    from planner.planning.model import WeekModel

S4_CORE_WEIGHT = 15
S4_ACCESSORY_WEIGHT = 6
S8_WEIGHT = 4


@soft_rule("S4", "keep core lifts stable, rotate accessories", weight=S4_CORE_WEIGHT)
def add_s4_stable_core_lifts(wm: WeekModel) -> None:
    """S4 — exercises stay in the block so they can progress ("Progress slowly ... one
    variable at a time" needs the same exercise week after week): dropping a core lift costs
    S4_CORE_WEIGHT, an accessory (calf raise, band walk) S4_ACCESSORY_WEIGHT. Switching
    to another variation of the same exercise is not dropping it."""
    add_s4_no_new_exercises_in_deload(wm)
    if wm.inst.short_by_rule:
        return  # one short session by rule (B4, B6): leaving exercises out is its point
    by_family = {ex.family_no: ex for ex in wm.inst.exercises}
    for key, dose in sorted(wm.inst.carry.doses.items()):
        if key not in wm.use:
            continue
        family = by_family.get(key[0])
        if family is None:
            continue
        core = family.role == "core"
        was = wm.inst.exercise(dose.variation)
        shown = was.name if was else family.family
        # "Can still progress" only where a harder step is on offer this week.
        growing = any(c.progressed for c in wm.offered[key])
        kind = ("a core lift" if core else "an exercise that can still progress" if growing
                else "an exercise kept in the block")
        # Only a week that holds a session of this intensity can leave the exercise out.
        wm.penalize("S4", S4_CORE_WEIGHT if core else S4_ACCESSORY_WEIGHT, _left_out(wm, key),
                    f"{shown} left out of the {key[1]} session although it is {kind}")


def _harder(exercise: Exercise, was: Exercise) -> bool:
    """A variation a step up the family's ladder from `was` (by level, then loaded)."""
    return ((LEVELS.index(exercise.level), exercise.loaded)
            > (LEVELS.index(was.level), was.loaded))


def _left_out(wm: WeekModel, key: tuple[int, str]):
    """True exactly when the week has a session of key's intensity without the family."""
    m = wm.model
    held = m.new_bool_var(f"s4_holds_{key[0]}_{key[1]}")
    m.add_max_equality(held, [wm.intensity(d, key[1]) for d in wm.inst.days])
    left_out = m.new_bool_var(f"s4_left_out_{key[0]}_{key[1]}")
    m.add_bool_and([held, ~wm.use[key]]).only_enforce_if(left_out)
    m.add_bool_or([~held, wm.use[key], left_out])
    return left_out


def add_s4_no_new_exercises_in_deload(wm: WeekModel) -> None:
    """Part of S4: a deload week repeats last week's exercises; anything new costs."""
    inst = wm.inst
    if not inst.deload or not inst.carry.doses:
        return
    for key in wm.family_keys():
        if key not in inst.carry.doses:
            family = wm.inst.family(key[0])[0].family
            wm.penalize("S4", S4_CORE_WEIGHT, wm.use[key],
                        f"{family} is new in the {key[1]} session of a deload week")


@soft_rule("S8", "progress each continuing exercise by one step", weight=S8_WEIGHT)
def add_s8_progress(wm: WeekModel) -> None:
    """S8 — "Progress slowly. Add one variable at a time": a continuing exercise that does
    not move one step harder costs a little (deload weeks excepted)."""
    if wm.inst.deload:
        return
    excused = wm.inst.carry.hold | wm.inst.carry.regress | wm.inst.carry.drop
    profile = wm.inst.profile
    for key in wm.family_keys():
        if key in excused:
            continue
        before = wm.inst.carry.doses.get(key)
        was = wm.inst.exercise(before.variation) if before else None
        name = (shown_name(was, equipment_used(was.equipment, profile.equipment)) if was
                else wm.inst.family(key[0])[0].family)
        # The line says what the week did: held (the same dose), or eased for a stated
        # reason; and a dose with nothing harder open to it says so, not "held" as a choice.
        # Open means the runner's kit and level allow it (H5, H6): a loaded rung the runner
        # can lift is open, one needing a machine they lack is not.
        stuck = not wm.picks_where(key, lambda c: c.progressed
                                   and allowed_for(c.exercise, profile))
        held = wm.picks_where(key, lambda c: c.continuing and not c.changes)
        # A light session's top is not a dead end: what comes next (a loaded variation the
        # runner can lift) is main-session work, and light days stay light.
        light_top = stuck and key[1] == "light" and any(
            "light" not in ex.sessions and allowed_for(ex, profile)
            for ex in wm.inst.family(key[0]))
        # Nothing harder in the family at the runner's level and kit: that is for good.
        ceiling = stuck and not light_top and (was is None or not any(
            ex.id != was.id and allowed_for(ex, profile) and _harder(ex, was)
            for ex in wm.inst.family(key[0])))
        lines = [(held, f"{name} ({key[1]}) held at its last dose"
                  + (": the top of a light session (what comes next is main-session work)"
                     if light_top else ": the top your level and kit open" if ceiling
                     else ": nothing harder is open to it this week" if stuck else ""))]
        for reason in sorted({c.reason for c in wm.candidates[key]}):
            eased = wm.picks_where(key, lambda c, r=reason: c.continuing and bool(c.changes)
                                   and not c.progressed and c.reason == r)
            lines.append((eased, f"{name} ({key[1]}) eased, not progressed"
                          + (f": {EASIER_REASONS.get(reason, reason)}" if reason else "")))
        for lits, text in lines:
            if not lits:
                continue
            paid = wm.model.new_bool_var(f"s8_{len(wm.soft_terms)}_{key[0]}_{key[1]}")
            wm.model.add_max_equality(paid, lits)
            wm.penalize("S8", S8_WEIGHT, paid, text)
    _s8_not_done(wm, excused)


S16_WEIGHT = 6  # more than holding one lift a week (S8: 4), so the third big step waits
BIG_STEPS_PER_SESSION = 2
BIG_STEPS = ("load", "variation")


@soft_rule("S16", "at most two big steps (a heavier load, a harder variation) a session",
           weight=S16_WEIGHT)
def add_s16_big_steps_one_at_a_time(wm: WeekModel) -> None:
    """S16 — "Progress slowly. Add one variable at a time" across a session, not only per
    exercise: a session whose squat, deadlift and step-up all take the next weight the
    same week is a new session for the legs. Beyond two big steps, each costs more than
    holding a lift a week (S8), so the rest climb reps and take their step a week later."""
    for intensity in ("heavy", "light"):
        big = [lit for key in wm.family_keys() if key[1] == intensity
               for lit in wm.picks_where(key, lambda c: c.progressed
                                         and any(f in BIG_STEPS for f in c.changes))]
        if len(big) <= BIG_STEPS_PER_SESSION:
            continue
        over = [wm.model.new_bool_var(f"s16_{intensity}_{n}")
                for n in range(len(big) - BIG_STEPS_PER_SESSION)]
        wm.model.add(cp_model.LinearExpr.sum(big)
                     <= BIG_STEPS_PER_SESSION + cp_model.LinearExpr.sum(over))
        word = "main" if intensity == "heavy" else "light"
        for n, lit in enumerate(over, start=BIG_STEPS_PER_SESSION + 1):
            wm.penalize("S16", S16_WEIGHT, lit,
                        f"{n} big steps in the {word} session this week (a heavier load or "
                        "a harder variation each)")


def _s8_not_done(wm: WeekModel, excused: frozenset) -> None:
    """Part of S8: a week without a session of an intensity progresses none of its
    continuing exercises either, so it costs what holding them all would; else dropping
    the main session is cheaper than holding it (a 45-minute session at its ceiling).
    The return week after a race is light by rule (B6): nothing to weigh there."""
    if wm.inst.phase == "return":
        return
    for intensity in ("heavy", "light"):
        waiting = [key for key in wm.inst.carry.doses
                   if key[1] == intensity and key in wm.use and key not in excused]
        if not waiting:
            continue
        m = wm.model
        held = m.new_bool_var(f"s8_has_{intensity}")
        m.add_max_equality(held, [wm.intensity(d, intensity) for d in wm.inst.days])
        none = m.new_bool_var(f"s8_no_{intensity}")
        m.add(none + held == 1)
        word = "main" if intensity == "heavy" else "light"
        wm.penalize("S8", S8_WEIGHT * len(waiting), none,
                    f"no {word} session this week: its {len(waiting)} exercises wait a week")
