"""Plan a whole runs file: week after week, each week progressing from the one before."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.domain import Exercise, Plan, Profile, Run, WeekPlan
from planner.inputs import week_starts
from planner.instance import TAPER_WEEKS, Carry, WeekInstance
from planner.solve import Diagnosis, WeekResult, diagnose_week, solve_week


@dataclass(frozen=True)
class BlockResult:
    plan: Plan
    solve_seconds: float
    # Weeks where not even one session fits (target ≥ 1): "no plan satisfies the hard rules".
    impossible: tuple[tuple[date, Diagnosis], ...]
    instances: tuple[WeekInstance, ...] = ()  # kept for what-if questions (explain)


def is_deload_week(index: int, every: int) -> bool:
    """Every Nth week of the block steps back (B1); week 1 never does."""
    return every > 0 and index > 0 and (index + 1) % every == 0


def is_taper_week(monday: date, races: Sequence[date]) -> bool:
    """B2: one of the last TAPER_WEEKS weeks before a race (the race week included)."""
    return any(0 <= (race - monday).days < 7 * TAPER_WEEKS for race in races)


def plan_block(runs: Sequence[Run], profile: Profile, exercises: tuple[Exercise, ...],
               carry: Carry | None = None, *, diagnose: bool = True) -> BlockResult:
    carry = carry or Carry()
    races = tuple(sorted({r.date for r in runs if r.kind == "race"}))
    weeks: list[WeekPlan] = []
    impossible: list[tuple[date, Diagnosis]] = []
    statuses: set[str] = set()
    instances: list[WeekInstance] = []
    seconds = 0.0
    for index, monday in enumerate(week_starts(runs)):
        sunday = monday + timedelta(days=6)
        taper = is_taper_week(monday, races)
        inst = WeekInstance(
            start=monday, profile=profile, exercises=exercises,
            runs=tuple(r for r in runs if monday <= r.date <= sunday),
            next_monday_runs=tuple(r for r in runs if r.date == sunday + timedelta(days=1)),
            carry=carry, deload=taper or is_deload_week(index, profile.deload_every),
            race_dates=races, taper=taper)
        result = solve_week(inst)
        instances.append(inst)
        seconds += result.solve_seconds
        statuses.add(result.status)
        notes: tuple[str, ...] = ()
        placed = len(result.sessions)
        if placed < inst.target_sessions and diagnose:
            diagnosis = diagnose_week(inst, placed)
            notes = _shortfall_notes(inst.target_sessions, placed, diagnosis)
            if placed == 0:
                impossible.append((monday, diagnosis))
        weeks.append(_week_plan(inst, result, notes))
        # Adherence applies to the week after a completed plan only; promotion lasts. After a
        # step-back week the doses return to where they were before it (B1).
        resume = _resume_after(inst, carry)
        carry = replace(result.carry, beginner_promoted=carry.beginner_promoted, resume=resume)
    status = _status(statuses, weeks)
    plan = Plan(athlete=profile.athlete, level=profile.level, status=status, tz=profile.tz,
                weeks=tuple(weeks), profile=profile,
                beginner_promoted=carry.beginner_promoted and profile.level == "beginner")
    return BlockResult(plan, seconds, tuple(impossible), tuple(instances))


def _resume_after(inst: WeekInstance, carry: Carry) -> dict:
    """The doses to return to next week: those before this week's step-back, or the ones
    still pending when this week was held back by skipped work."""
    if inst.deload:
        return dict(carry.resume) | {key: dose for key, dose in carry.doses.items()
                                     if key not in carry.resume}
    return {}


def _shortfall_notes(target: int, placed: int, diagnosis: Diagnosis) -> tuple[str, ...]:
    rules = ", ".join(diagnosis.conflict) or "the week's days"
    head = (f"{placed} of {target} sessions placed: session {placed + 1} is blocked by "
            f"{rules}")
    return (head, *diagnosis.suggestions)


def _week_plan(inst: WeekInstance, result: WeekResult, notes: tuple[str, ...]) -> WeekPlan:
    return WeekPlan(start=inst.start, runs=inst.runs, sessions=result.sessions,
                    deload=inst.deload, taper=inst.taper, target_sessions=inst.target_sessions,
                    penalties=result.penalties, notes=notes)


def _status(statuses: set[str], weeks: list[WeekPlan]) -> str:
    if any(len(w.sessions) < w.target_sessions for w in weeks):
        return "reduced"
    return "feasible" if statuses - {"optimal"} else "optimal"
