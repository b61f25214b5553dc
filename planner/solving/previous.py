"""Continue from an earlier plan (`--previous`): last week's doses and session dates, and
what the runner logged of them (planner.readers.session_log), turned into the `Carry` the
next week progresses from.

What was logged moves the starting point (docs/coaching.md, "Log what you did"):

* sets logged as done: the next week starts from the reps every set reached and the
  weight held, and double progression carries on from there (reps up to the top of the
  range, then the next weight up with the reps back down);
* fewer sets than planned, or a skipped session: the same dose again;
* "too hard", or a set to failure (0 reps in reserve): one step back from what was done.

The why-line of each exercise so continued says so ("you did 3×10 at 12 kg: now 3×8 at
14 kg"); `with_logged_why` writes it once the week is solved.

Load steps count up from a lift's start weight (progression.start_index), which the next
plan's runner may place above what was lifted (a squat starts a weight above the level's,
or a --start-weight). The kilograms lifted still decide: a lift logged (or last planned)
below its start weight starts the next plan at that weight (`Carry.start_weights`), never
at the heavier default.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from planner.domain import Dose, Exercise, Plan, PlannedExercise, Profile
from planner.errors import InputError
from planner.planning.instance import PROMOTION_WEEKS, Carry, FamilyKey
from planner.planning.progression import (
    LIGHT_MAX_LOAD,
    load_ceiling,
    named_weight,
    owned_weights,
    start_index,
    with_starts,
)
from planner.readers.plan_json import (
    done_from_json,
    dose_from_json,
    load_plan_json,
    profile_from_json,
    require_plan_shape,
)
from planner.readers.session_log import ExerciseLog, exercise_log


@dataclass(frozen=True)
class Logged:
    """What the runner logged of one family at one intensity, for its why-line."""

    exercise: Exercise
    planned: Dose
    log: ExerciseLog
    verdict: str  # "progress", "hold" or "regress"
    fewer_sets: bool = False


def carry_from_plan(path: str | Path, by_id: dict[str, Exercise]) -> Carry:
    """The last week of a plan JSON, as the starting point of the next one."""
    return carry_from_plan_data(load_plan_json(path), by_id, name=str(path))


def carry_from_plan_data(data: dict[str, Any], by_id: dict[str, Exercise], *,
                         name: str = "previous plan", profile: Profile | None = None) -> Carry:
    """`carry_from_plan` for a plan already read (a dict in the plan JSON's shape, e.g. one
    the web app keeps with the runner's log); `name` is what error messages call it.
    `profile` is the next plan's runner (their weights name the kilograms logged); by
    default the previous plan's own."""
    return read_previous(data, by_id, name=name, profile=profile)[0]


def read_previous(data: dict[str, Any], by_id: dict[str, Exercise], *,
                  name: str = "previous plan", profile: Profile | None = None
                  ) -> tuple[Carry, dict[FamilyKey, Logged]]:
    """The carry, and what was logged per family for the why-lines (`with_logged_why`)."""
    require_plan_shape(data, name)
    weeks = data["weeks"]
    if not weeks:
        return Carry(), {}
    if profile is None:
        profile = profile_from_json(data, file=name)
    last = max(weeks, key=lambda w: w["start"])
    starts = _logged_starts(last, by_id, profile)
    if starts:
        profile = with_starts(profile, starts)
    doses: dict[FamilyKey, Dose] = {}
    hold: set[FamilyKey] = set()
    regress: set[FamilyKey] = set()
    logged: dict[FamilyKey, Logged] = {}
    dates: list[date] = []
    for s_no, session in enumerate(last["sessions"], start=1):
        dates.append(date.fromisoformat(session["date"]))
        intensity = session["intensity"]
        if intensity not in ("heavy", "light"):
            raise InputError(f"intensity '{intensity}' is not heavy or light", file=name,
                             field=f"sessions[{s_no}].intensity")
        for e_no, item in enumerate(session["exercises"], start=1):
            where = f"sessions[{s_no}].exercises[{e_no}]"
            exercise = by_id.get(item["variation"])
            if exercise is None:
                raise InputError(f"variation '{item['variation']}' is not in the catalog",
                                 file=name, field=f"{where}.variation")
            key = (exercise.family_no, intensity)
            planned = dose_from_json(item, name, where)
            verdict = done_from_json(item.get("done", session.get("done")), name,
                                     f"{where}.done")
            log = replace(exercise_log(item, session, name, where), status=verdict)
            dose, verdict, fewer = _from_log(exercise, planned, log, intensity, profile,
                                             item.get("weight_kg"))
            doses[key] = dose
            if verdict == "hold":
                hold.add(key)
            elif verdict == "regress":
                regress.add(key)
            if log.sets or log.status in ("skipped", "too hard") or log.rir == 0:
                logged[key] = Logged(exercise, planned, log, verdict, fewer)
    carry = Carry(doses=doses, session_dates=tuple(sorted(dates)), hold=frozenset(hold),
                  regress=frozenset(regress) - hold,
                  beginner_promoted=_promoted(data, weeks), start_weights=starts)
    return carry, logged


def _logged_starts(week: dict[str, Any], by_id: dict[str, Exercise], profile: Profile
                   ) -> tuple[tuple[str, float], ...]:
    """The loaded lifts whose kilograms last week (logged, else planned) were below their
    start weight for `profile`, each with the owned weight the next plan starts from: the
    heaviest not above the lightest kilograms held, else the lightest owned."""
    lightest: dict[str, float] = {}
    for session in week.get("sessions") or ():
        if session.get("done") is False or not isinstance(session.get("exercises"), list):
            continue  # skipped: the planned dose comes again (its kilograms say nothing)
        for item in session["exercises"]:
            exercise = by_id.get(item.get("variation")) if isinstance(item, dict) else None
            if exercise is None or item.get("done") is False:
                continue
            kg = _kg_held(item)
            if kg is not None:
                lightest[exercise.id] = min(kg, lightest.get(exercise.id, kg))
    starts = []
    for exercise_id, kg in sorted(lightest.items()):
        exercise = by_id[exercise_id]
        weights = owned_weights(exercise, profile)
        if not weights or kg >= weights[start_index(exercise, profile, weights)] - 1e-9:
            continue
        below = [w for w in weights if w <= kg + 1e-9]
        starts.append((exercise_id, below[-1] if below else weights[0]))
    return tuple(starts)


def _kg_held(item: dict[str, Any]) -> float | None:
    """The heaviest kilograms of an exercise's logged sets, else its planned weight_kg."""
    did = item.get("did")
    if isinstance(did, list) and did:
        weights = [s["kg"] for s in did if isinstance(s, dict) and _is_kg(s.get("kg"))]
        return float(max(weights)) if weights else None
    return float(item["weight_kg"]) if _is_kg(item.get("weight_kg")) else None


def _is_kg(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _from_log(exercise: Exercise, planned: Dose, log: ExerciseLog, intensity: str,
              profile: Profile, planned_kg: Any) -> tuple[Dose, str, bool]:
    """The dose to continue from, and whether it progresses, holds or steps back."""
    if _is_kg(planned_kg) and planned.load >= 1:
        # The kilograms the plan named, not its step: steps count from a start weight the
        # next plan may place elsewhere (Carry.start_weights, --start-weight).
        named = named_weight(exercise, planned.load, profile)
        if named is not None and abs(named - planned_kg) > 1e-9:
            load = _load_for(exercise, float(planned_kg), planned.load, planned_kg, profile)
            planned = replace(planned, load=min(load, LIGHT_MAX_LOAD) if intensity == "light"
                              else load)
    if log.status == "skipped":
        return planned, "hold", False
    actual = planned
    if log.sets:
        reps = max(exercise.reps_min, min(exercise.reps_max, log.reps or 0))
        load = _load_for(exercise, log.kg, planned.load, planned_kg, profile)
        if intensity == "light":
            load = min(load, LIGHT_MAX_LOAD)
        actual = replace(planned, reps=reps, load=load)
    if log.status == "too hard" or log.rir == 0:
        return actual, "regress", False
    if log.sets and len(log.sets) < planned.sets:
        # Every planned set is part of the dose: fewer sets is the same dose again.
        return planned, "hold", True
    return actual, "progress", False


def _load_for(exercise: Exercise, kg: float | None, planned_load: int, planned_kg: Any,
              profile: Profile) -> int:
    """The load step of the kilograms logged: the heaviest owned weight not above them
    (--weights); without a list of weights, one step up or down from the plan's when the
    runner held more or less than it named."""
    if not exercise.loaded or kg is None:
        return planned_load
    ceiling = load_ceiling(exercise, profile)
    named = [(step, named_weight(exercise, step, profile)) for step in range(1, ceiling + 1)]
    owned = [(step, weight) for step, weight in named if weight is not None]
    if owned:
        below = [step for step, weight in owned if weight <= kg + 1e-9]
        return max(below) if below else 1
    if isinstance(planned_kg, (int, float)) and not isinstance(planned_kg, bool):
        if kg > planned_kg:
            return min(ceiling, planned_load + 1)
        if kg < planned_kg:
            return max(1, planned_load - 1)
    return planned_load


def _promoted(data: dict[str, Any], weeks: list[dict[str, Any]]) -> bool:
    """B3: a beginner earns a second weekly session after PROMOTION_WEEKS weeks in a row
    with every session marked done; once earned it lasts."""
    if data.get("profile", {}).get("beginner_promoted") is True:
        return True
    steady = 0
    for week in sorted(weeks, key=lambda w: w["start"], reverse=True):
        sessions = week["sessions"]
        if sessions and all(s.get("done") is True for s in sessions):
            steady += 1
        else:
            break
    return steady >= PROMOTION_WEEKS


# ---- the why-line of what was logged ---------------------------------------------------


def with_logged_why(plan: Plan, logged: dict[FamilyKey, Logged]) -> Plan:
    """The plan with the first week's exercises that follow a log saying what was done
    and what comes now; plans without a log are returned unchanged (the same object)."""
    if not logged or not plan.weeks:
        return plan
    first = plan.weeks[0]
    sessions = []
    for session in first.sessions:
        items = []
        for item in session.exercises:
            found = logged.get((item.exercise.family_no, session.intensity))
            if found is not None:
                item = replace(item, why=f"{logged_line(found, item)}. {item.why}".strip())
            items.append(item)
        sessions.append(replace(session, exercises=tuple(items)))
    weeks = (replace(first, sessions=tuple(sessions)), *plan.weeks[1:])
    return replace(plan, weeks=weeks)


def logged_line(found: Logged, now: PlannedExercise) -> str:
    """"you did 3×10 at 12 kg: now 3×8 at 14 kg", and its hold and step-back kin."""
    after = _dose_words(now.exercise, now.dose.sets, now.dose.reps, now.weight_kg,
                        now.load_label if now.exercise.loaded else "")
    name = "" if now.exercise.id == found.exercise.id else f" ({now.exercise.name})"
    if found.log.status == "skipped":
        if now.dose != found.planned:  # a step-back week takes its third off the dose
            return f"skipped last time: now {after}{name}, this week's step-back of it"
        return f"skipped last time: the same dose again, {after}{name}"
    did = _did_words(found)
    if found.verdict == "regress":
        why = "too hard" if found.log.status == "too hard" else "a set to failure (0 in reserve)"
        if not found.log.sets:
            return f"{why} last time: one step back, now {after}{name}"
        return f"you did {did}, {why}: one step back, now {after}{name}"
    if found.fewer_sets:
        return (f"you did {len(found.log.sets)} of {found.planned.sets} sets ({did}): "
                f"the same dose again, {after}{name}")
    return f"you did {did}: now {after}{name}"


def _did_words(found: Logged) -> str:
    log, exercise = found.log, found.exercise
    if not log.sets:
        return "it"
    reps = [s.reps for s in log.sets]
    if len(set(reps)) == 1:
        text = f"{len(reps)}×{_reps(exercise, reps[0])}"
    else:
        text = f"{len(reps)} sets of {'/'.join(str(r) for r in reps)}{_unit(exercise)}"
    kg = log.kg
    return f"{text} at {kg:g} kg" if kg is not None else text


def _dose_words(exercise: Exercise, sets: int, reps: int, kg: float | None, load: str) -> str:
    text = f"{sets}×{_reps(exercise, reps)}"
    if kg is not None:
        return f"{text} at {kg:g} kg"
    return f"{text} ({load})" if load else text


def _reps(exercise: Exercise, reps: int) -> str:
    return f"{reps}{_unit(exercise)}"


def _unit(exercise: Exercise) -> str:
    return {"seconds": " s", "reps/side": "/side", "steps/side": "/side",
            "steps/direction": "/direction"}.get(exercise.reps_unit, "")
