"""When the runner's minutes (--minutes, H12) are what stops the main session: say so in
words, with the minutes that would do, instead of only a rule id.

Two cases, both plain arithmetic or a re-solve, so the sentence is true by construction:
a build week whose main session holds doses because the next step does not fit, and a
week left without a main session that a longer budget would give one.
"""

from __future__ import annotations

import math
from dataclasses import replace

from planner.domain import Session
from planner.planning.instance import WeekInstance
from planner.planning.progression import candidates_for, exercise_seconds
from planner.solving.solve import WeekResult, solve_week

MAX_MINUTES = 240  # the CLI's top for --minutes


def budget_notes(inst: WeekInstance, result: WeekResult) -> tuple[str, ...]:
    """The week's note about the time budget, or () when the minutes are not the cause."""
    if inst.phase not in ("build", "maintain") or inst.deload or not result.sessions:
        return ()
    main = [s for s in result.sessions if s.intensity == "heavy"]
    if main:
        return _step_note(inst, main[0]) if inst.phase == "build" else ()
    return _no_main_note(inst)


def _step_note(inst: WeekInstance, session: Session) -> tuple[str, ...]:
    """A main session that holds doses because the smallest next step would overrun."""
    budget = inst.profile.minutes
    total = sum(item.seconds or exercise_seconds(item.exercise, item.dose, item.rest_s)
                for item in session.exercises)
    smallest: tuple[int, str] | None = None
    for item in session.exercises:
        key = (item.exercise.family_no, "heavy")
        before = inst.carry.doses.get(key)
        if before != item.dose or key in inst.carry.hold | inst.carry.regress:
            continue  # progressed, new or changed for a reason: not held by the clock
        family = inst.family(item.exercise.family_no)
        steps = [c for c in candidates_for(family, "heavy", inst.profile, before, False)
                 if c.progressed and c.exercise.id == item.exercise.id]
        for cand in steps:
            extra = cand.seconds - (item.seconds or exercise_seconds(
                item.exercise, item.dose, item.rest_s))
            if smallest is None or extra < smallest[0]:
                smallest = (extra, item.exercise.name)
    if smallest is None:
        return ()
    needed = session.minutes - math.ceil(total / 60) + math.ceil((total + smallest[0]) / 60)
    if needed <= budget:
        return ()
    return (f"{budget} minutes cannot hold another step of the main session (the smallest, "
            f"on {smallest[1]}, would make it {needed} minutes), so it holds; give {needed} "
            f"(--minutes {needed}) to keep progressing",)


def _no_main_note(inst: WeekInstance) -> tuple[str, ...]:
    """No main session this week: if the same week with the most minutes the CLI allows
    chooses one, the budget is the cause; its length is the budget that gives it (that
    plan fits it, so nothing better can leave the main session out)."""
    budget = inst.profile.minutes
    if budget >= MAX_MINUTES:
        return ()
    longer = replace(inst, profile=replace(inst.profile, minutes=MAX_MINUTES))
    found = [s for s in solve_week(longer).sessions if s.intensity == "heavy"]
    if not found:
        return ()
    needed = found[0].minutes
    return (f"{budget} minutes cannot hold a main session this week: give {needed} "
            f"(--minutes {needed})",)
