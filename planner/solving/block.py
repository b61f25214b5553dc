"""Plan a whole runs file: week after week, each week progressing from the one before."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from constraints import RULES_BY_ID
from planner.domain import Exercise, Plan, Profile, Run, WeekPlan
from planner.planning.instance import TAPER_WEEKS, Carry, WeekInstance
from planner.planning.progression import with_starts
from planner.planning.season import WeekSeason, goal_races, is_fixed_deload, season_weeks
from planner.readers.spans import week_starts
from planner.solving.budget import budget_notes
from planner.solving.diagnosis import Diagnosis, diagnose_week
from planner.solving.solve import WeekResult, solve_week

# Explaining a shortfall re-solves the week many times; a hostile file (a race every day
# for two years) would take minutes. Later shortfall weeks get a short note instead.
MAX_DIAGNOSED_WEEKS = 6
NO_RUNS_NOTE = "no runs this week: nothing planned (only weeks with runs are planned)"


@dataclass(frozen=True)
class BlockResult:
    plan: Plan
    solve_seconds: float
    # Weeks where not even one session fits (target ≥ 1): "no plan satisfies the hard rules".
    impossible: tuple[tuple[date, Diagnosis], ...]
    instances: tuple[WeekInstance, ...] = ()  # kept for what-if questions (explain)
    empty_weeks: tuple[date, ...] = ()  # Mondays of weeks without a run: left unplanned


def is_deload_week(index: int, every: int | None) -> bool:
    """With a fixed cadence (--deload-every N), every Nth week steps back (B1); week 1 never
    does. Without one, step-back weeks follow the running (planner/planning/season.py)."""
    return is_fixed_deload(index, every)


def is_taper_week(monday: date, races: Sequence[date]) -> bool:
    """B2: one of the last TAPER_WEEKS weeks before a goal race (the race week included)."""
    return any(0 <= (race - monday).days < 7 * TAPER_WEEKS for race in races)


def plan_block(runs: Sequence[Run], profile: Profile, exercises: tuple[Exercise, ...],
               carry: Carry | None = None, *, diagnose: bool = True,
               window: tuple[date, date] | None = None) -> BlockResult:
    """Plan week after week. Only days the input covers get sessions: with `window`
    (a calendar's --range) only its days, in the weeks it touches; runs outside it still
    count for the rules (the long run the day after the range keeps H1). A week without
    a run on its planned days is left empty and reported, never filled."""
    carry = carry or Carry()
    # A --previous plan's last week counts as done in this block: race week may repeat it.
    carry = replace(carry, seen=carry.seen | {d.variation for d in carry.doses.values()})
    # The weeks name kilograms from where the runner's lifting left off (Carry.start_weights);
    # the plan keeps the runner's own profile.
    lifting = with_starts(profile, carry.start_weights)
    races = goal_races(runs, profile.races)
    weeks: list[WeekPlan] = []
    impossible: list[tuple[date, Diagnosis]] = []
    empty: list[date] = []
    statuses: set[str] = set()
    instances: list[WeekInstance] = []
    seconds = 0.0
    diagnosed = 0
    mondays = (week_starts([Run(window[0], "rest"), Run(window[1], "rest")]) if window
               else week_starts(runs))
    season = season_weeks(runs, mondays, races, profile.deload_every, profile.race_week)
    for index, (monday, week) in enumerate(zip(mondays, season, strict=True)):
        sunday = monday + timedelta(days=6)
        held = _held(carry) if _holds(week, carry) else carry
        # (Not in the week after a step-back: that week returns to the dose before it, B1.)
        if _last_before_taper(season, index) and not carry.resume:
            held = _drop_main_sets(held)
        inst = WeekInstance(
            start=monday, profile=lifting, exercises=exercises,
            runs=tuple(r for r in runs if monday <= r.date <= sunday),
            next_monday_runs=tuple(r for r in runs if r.date == sunday + timedelta(days=1)),
            last_sunday_runs=tuple(r for r in runs if r.date == monday - timedelta(days=1)),
            carry=held,
            deload=week.deload, race_dates=races, taper=week.taper, phase=week.phase)
        instances.append(inst)
        closed = _closed_days(inst, window)
        open_days = {inst.date_of(day) for day in range(7) if day not in closed}
        if not any(run.date in open_days for run in inst.runs):
            empty.append(monday)
            weeks.append(WeekPlan(start=monday, runs=inst.runs, sessions=(),
                                  deload=inst.deload, taper=inst.taper, target_sessions=0,
                                  notes=(NO_RUNS_NOTE,), phase=inst.phase,
                                  phase_why=week.why))
            continue
        result = solve_week(inst, _forbid(closed) if closed else None)
        seconds += result.solve_seconds
        statuses.add(result.status)
        notes: tuple[str, ...] = ()
        placed = len(result.sessions)
        if placed < inst.target_sessions and closed:
            notes = (f"{placed} of {inst.target_sessions} sessions placed: only "
                     f"{7 - len(closed)} day(s) of this week are in the range",)
        elif placed < inst.target_sessions and diagnose:
            diagnosed += 1
            if diagnosed <= MAX_DIAGNOSED_WEEKS:
                diagnosis = diagnose_week(inst, placed)
            else:
                diagnosis = Diagnosis(placed + 1, (), (
                    f"not diagnosed (only the first {MAX_DIAGNOSED_WEEKS} short weeks are): "
                    "see the weeks above",))
            notes = _shortfall_notes(inst.target_sessions, placed, diagnosis)
            if placed == 0:
                impossible.append((monday, diagnosis))
        if diagnose and not closed:
            notes += budget_notes(inst, result)
        weeks.append(_week_plan(inst, result, notes, week))
        # Adherence applies to the week after a completed plan only; promotion lasts. After a
        # step-back week the doses return to where they were before it (B1).
        resume = _resume_after(inst, carry)
        done = {item.exercise.id for s in result.sessions for item in s.exercises}
        # A family not done this week (no main session, a rotated accessory) keeps its last
        # dose: next time it comes back where it stood, not at week-1 numbers.
        doses = {**inst.carry.doses, **result.carry.doses}
        # A family that returned from a step-back but was not done this week still does
        # when it comes back: its dose differs from the last one the runner did.
        done_keys = {(item.exercise.family_no, s.intensity) for s in result.sessions
                     for item in s.exercises}
        returned = frozenset(key for key in inst.carry.returned if key not in done_keys)
        carry = replace(result.carry, doses=doses, beginner_promoted=carry.beginner_promoted,
                        resume=resume, seen=carry.seen | done, returned=returned)
    status = _status(statuses, weeks)
    plan = Plan(athlete=profile.athlete, level=profile.level, status=status, tz=profile.tz,
                weeks=tuple(weeks), profile=profile,
                beginner_promoted=carry.beginner_promoted and profile.level == "beginner")
    return BlockResult(plan, seconds, tuple(impossible), tuple(instances), tuple(empty))


def _holds(week: WeekSeason, carry: Carry) -> bool:
    """A maintain week holds every dose (B5); so does the first week after a step-back,
    which returns to the doses before it (B1) before progression goes on."""
    return not week.deload and (week.phase == "maintain" or bool(carry.resume))


def _held(carry: Carry) -> Carry:
    """A maintain week (B5): every dose held where it stands. The week after a step-back
    holds the dose from before it, so the step-back still ends (B1)."""
    doses = {**carry.doses, **{key: dose for key, dose in carry.resume.items()
                               if key in carry.doses}}
    returned = carry.returned | {key for key, dose in doses.items() if dose != carry.doses[key]}
    return replace(carry, doses=doses, resume={}, returned=returned,
                   hold=carry.hold | (frozenset(doses) - carry.regress))


def _last_before_taper(season: Sequence[WeekSeason], index: int) -> bool:
    """The last maintain week before a goal race's taper week."""
    week = season[index]
    return (week.phase == "maintain" and not week.deload and index + 1 < len(season)
            and season[index + 1].phase == "taper")


def _drop_main_sets(carry: Carry) -> Carry:
    """B5 lets a maintain week drop a set; a coach does it in the main session 19 days out,
    so the legs arrive at the taper fresh (where a lift is at its lowest sets, it holds)."""
    drop = frozenset(key for key in carry.doses
                     if key[1] == "heavy" and key not in carry.regress)
    return replace(carry, drop=drop, hold=carry.hold - drop)


def _closed_days(inst: WeekInstance, window: tuple[date, date] | None) -> frozenset[int]:
    """Days of the week (0 = Monday) outside `window`: no session may go there."""
    if window is None:
        return frozenset()
    return frozenset(day for day in range(7)
                     if not window[0] <= inst.date_of(day) <= window[1])


def _forbid(days: frozenset[int]):
    def also(wm) -> None:
        for day in sorted(days):
            wm.model.add(wm.session[day] == 0)
    return also


def _resume_after(inst: WeekInstance, carry: Carry) -> dict:
    """The doses to return to next week: those before this week's step-back, or the ones
    still pending when this week was held back by skipped work."""
    if inst.deload and inst.phase != "return":
        return dict(carry.resume) | {key: dose for key, dose in carry.doses.items()
                                     if key not in carry.resume}
    # After a goal race the season builds again from the return week's doses, not the
    # pre-taper peak ("Progress slowly").
    return {}


def _shortfall_notes(target: int, placed: int, diagnosis: Diagnosis) -> tuple[str, ...]:
    # In words, the rule id after each: a coach reads "a full day between two strength
    # sessions (H4)", and can still look the id up in docs/rules.md.
    rules = "; ".join(f"{RULES_BY_ID[rule].title} ({rule})" if rule in RULES_BY_ID else rule
                      for rule in diagnosis.conflict) or "the week's days"
    head = (f"{placed} of {target} sessions placed: session {placed + 1} is blocked by "
            f"{rules}")
    return (head, *diagnosis.suggestions)


def _week_plan(inst: WeekInstance, result: WeekResult, notes: tuple[str, ...],
               week: WeekSeason) -> WeekPlan:
    return WeekPlan(start=inst.start, runs=inst.runs, sessions=result.sessions,
                    deload=inst.deload, taper=inst.taper, target_sessions=inst.target_sessions,
                    penalties=result.penalties, notes=notes, phase=inst.phase,
                    phase_why=week.why)


def _status(statuses: set[str], weeks: list[WeekPlan]) -> str:
    if any(len(w.sessions) < w.target_sessions for w in weeks):
        return "reduced"
    return "feasible" if statuses - {"optimal"} else "optimal"
