"""Re-plan the rest of a week from a day on (`plan --previous PLAN.json --from DATE`).

The sessions before that day stay exactly as they were and count for every rule as what
the legs did: a session done (or not yet logged) is fixed in the model, day, intensity,
exercises and doses; a session logged as skipped did not happen, so its day is free of
strength work and its place may be taken later in the week. From the day on, the week is
planned afresh around its (possibly changed) runs under every rule, with the prescriptions
the week already had: every family the week held keeps its dose (a re-plan moves work, it
does not progress it), and a family new to the week starts where a new one would.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from planner.domain import Dose, Exercise, Profile, Run, Session
from planner.errors import InputError
from planner.planning.instance import Carry, FamilyKey, WeekInstance
from planner.planning.wording import day_label
from planner.readers.plan_json import dose_from_json
from planner.readers.session_log import status_of
from planner.solving.solve import WeekResult, solve_week


@dataclass(frozen=True)
class Kept:
    """A session before the re-plan day, as the plan JSON has it."""

    day: int  # 0 = Monday
    intensity: str
    doses: dict[FamilyKey, Dose]
    skipped: bool


@dataclass(frozen=True)
class MidweekResult:
    sessions: tuple[Session, ...]  # the new sessions, from the re-plan day on
    result: WeekResult
    notes: tuple[str, ...]


@dataclass(frozen=True)
class WeekPhase:
    """The re-planned week's place in the season (planner/planning/season.py)."""

    phase: str  # PHASES
    why: str
    taper: bool
    deload: bool


def week_phase(week: dict[str, Any], fresh: WeekPhase) -> WeekPhase:
    """The week's phase as the plan wrote it, unless the races the re-plan reads put it
    around a goal race (race week, taper, return) or take it out of one: a race added,
    moved or dropped changes it, the running of one changed week does not."""
    if {fresh.phase, week.get("phase")} & {"race", "taper", "return"}:
        return fresh
    return WeekPhase(str(week.get("phase") or "build"), str(week.get("phase_why") or ""),
                     bool(week.get("taper")), bool(week.get("deload")))


def week_containing(plan: dict[str, Any], day: date, name: str) -> dict[str, Any]:
    for week in plan["weeks"]:
        start = date.fromisoformat(week["start"])
        if start <= day < start + timedelta(days=7):
            return week
    starts = [w["start"] for w in plan["weeks"]]
    span = f"{starts[0]}..{starts[-1]}" if starts else "no weeks"
    raise InputError(f"{day.isoformat()} is in no week of this plan (its weeks start "
                     f"{span}); --from re-plans a week the plan already has", file=name,
                     field="--from")


def kept_sessions(week: dict[str, Any], monday: date, from_day: date,
                  by_id: dict[str, Exercise], name: str) -> list[Kept]:
    kept = []
    for number, session in enumerate(week["sessions"], start=1):
        day = date.fromisoformat(session["date"])
        if day >= from_day:
            continue
        doses = {}
        for e_no, item in enumerate(session["exercises"], start=1):
            exercise = by_id.get(item["variation"])
            where = f"sessions[{number}].exercises[{e_no}]"
            if exercise is None:
                raise InputError(f"variation '{item['variation']}' is not in the catalog",
                                 file=name, field=f"{where}.variation")
            doses[(exercise.family_no, session["intensity"])] = dose_from_json(item, name, where)
        kept.append(Kept((day - monday).days, session["intensity"], doses,
                         status_of(session.get("done")) == "skipped"))
    return kept


def week_doses(week: dict[str, Any], by_id: dict[str, Exercise], name: str
               ) -> dict[FamilyKey, Dose]:
    """Every prescription the week held, per family and intensity."""
    doses = {}
    for number, session in enumerate(week["sessions"], start=1):
        for e_no, item in enumerate(session["exercises"], start=1):
            exercise = by_id.get(item["variation"])
            if exercise is not None:
                doses[(exercise.family_no, session["intensity"])] = dose_from_json(
                    item, name, f"sessions[{number}].exercises[{e_no}]")
    return doses


def replan_rest_of_week(week: dict[str, Any], from_day: date, runs: tuple[Run, ...],
                        next_monday_runs: tuple[Run, ...], profile: Profile,
                        exercises: tuple[Exercise, ...], *, previous_dates: tuple[date, ...],
                        race_dates: tuple[date, ...], phase: WeekPhase,
                        name: str) -> MidweekResult:
    """Solve the week with the sessions before `from_day` fixed, new ones only from it on,
    in its place in the season as the (possibly changed) races put it (`phase`)."""
    by_id = {ex.id: ex for ex in exercises}
    monday = date.fromisoformat(week["start"])
    kept = kept_sessions(week, monday, from_day, by_id, name)
    doses = week_doses(week, by_id, name)
    # Held, every one: the candidates of a family the week had are exactly its dose.
    carry = Carry(doses=doses, session_dates=previous_dates, hold=frozenset(doses))
    # The week's doses are already its step-back doses when it is a step-back week: held
    # as they stand, not stepped back again (B1 would ask a third off them once more).
    inst = WeekInstance(start=monday, profile=profile, exercises=exercises, runs=runs,
                        next_monday_runs=next_monday_runs, carry=carry, deload=False,
                        race_dates=race_dates, taper=phase.taper, phase=phase.phase)
    first_open = (from_day - monday).days
    result = solve_week(inst, _fix_before(kept, first_open))
    relaxed: tuple[str, ...] = ()
    if result.status == "infeasible" or not _kept_all(result, kept, monday):
        # The runs changed around a session already done (tomorrow's easy run became a
        # tempo): the past cannot move, so plan the rest as if it stood alone, a rest day
        # clear of every kept session and within the week's number of sessions.
        result = solve_week(inst, _after_only(kept, first_open, inst.target_sessions))
        relaxed = (f"the changed runs conflict with a session kept before {day_label(from_day)}; "
                   "the rest of the week is planned around it with a rest day either side",)
    new = tuple(s for s in result.sessions if s.date >= from_day)
    return MidweekResult(new, result, (*_replace_notes(kept, new, monday, from_day,
                                                       inst.target_sessions), *relaxed))


def _kept_all(result: WeekResult, kept: list[Kept], monday: date) -> bool:
    days = {(s.date - monday).days for s in result.sessions}
    return all(k.day in days for k in kept if not k.skipped)


def _after_only(kept: list[Kept], first_open: int, target: int):
    done = [k.day for k in kept if not k.skipped]

    def also(wm) -> None:
        for day in range(first_open):
            wm.model.add(wm.session[day] == 0)
        for day in done:
            if day + 1 < 7:
                wm.model.add(wm.session[day + 1] == 0)
        wm.model.add(sum(wm.session) <= max(0, target - len(done)))
    return also


def _fix_before(kept: list[Kept], first_open: int):
    done = {k.day: k for k in kept if not k.skipped}

    def also(wm) -> None:
        m = wm.model
        for day in range(first_open):
            session = done.get(day)
            m.add(wm.session[day] == (1 if session else 0))
            if session is None:
                continue
            m.add(wm.intensity(day, session.intensity) == 1)
            for family in wm.inst.families:
                for intensity in ("heavy", "light"):
                    wanted = (family, intensity) in session.doses
                    m.add(wm.inc[(day, family, intensity)] == (1 if wanted else 0))
            for key, dose in session.doses.items():
                lits = wm.picks_where(key, lambda c, dose=dose: c.dose == dose)
                if not lits:  # the catalog no longer offers it: nothing can keep it
                    m.add(wm.session[day] == 0)
                    continue
                m.add_bool_or(lits)
    return also


def _replace_notes(kept: list[Kept], new: tuple[Session, ...], monday: date, from_day: date,
                   target: int) -> tuple[str, ...]:
    notes = [f"re-planned from {day_label(from_day)}: the sessions before it are kept as they were"]
    for item in kept:
        if not item.skipped:
            continue
        day = day_label(monday + timedelta(days=item.day))
        word = "main" if item.intensity == "heavy" else "light"
        if any(s.intensity == item.intensity for s in new):
            moved = next(s for s in new if s.intensity == item.intensity)
            notes.append(f"the {word} session skipped on {day} is re-placed on "
                         f"{day_label(moved.date)}")
        else:
            held = sum(1 for k in kept if not k.skipped) + len(new)
            notes.append(f"the {word} session skipped on {day} cannot be re-placed: no day "
                         f"from {day_label(from_day)} to Sunday takes another {word} session under "
                         f"the hard rules ({held} of {target} sessions this week); the next "
                         "plan repeats its doses")
    held = sum(1 for k in kept if not k.skipped) + len(new)
    if held < target:
        notes.append(f"{held} of {target} sessions this week (H3): re-planned from "
                     f"{day_label(from_day)}, the days left hold no more under the hard rules")
    return tuple(notes)


def keep_calendar_events(replaced: list[dict[str, Any]], new: tuple[Session, ...]
                         ) -> tuple[Session, ...]:
    """The new sessions, each moved one keeping the calendar event of a session it replaces:
    a re-planned main session that went from Friday to Saturday is Friday's event moved
    (same UID, SEQUENCE raised), not Friday's cancelled and Saturday's added.

    `replaced` are the previous plan's sessions from the re-plan day on. A new session on a
    day that had one keeps that day's event as ever; the others take, in date order, the
    events of the replaced sessions of the same intensity that no new session kept."""
    def eventday_label(item: dict[str, Any]) -> date:
        return date.fromisoformat(item.get("uid_date") or item["date"])

    by_day = {date.fromisoformat(item["date"]): item for item in replaced}
    free = sorted((item for day, item in by_day.items()
                   if day not in {s.date for s in new}), key=lambda item: item["date"])
    out = []
    for session in sorted(new, key=lambda s: s.date):
        if session.date in by_day:
            kept = eventday_label(by_day[session.date])
            out.append(replace(session, uid_date=kept if kept != session.date else None))
            continue
        match = next((item for item in free if item["intensity"] == session.intensity), None)
        if match is None:
            out.append(session)
            continue
        free.remove(match)
        out.append(replace(session, uid_date=eventday_label(match)))
    return tuple(out)
