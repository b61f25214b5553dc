"""Continue from an earlier plan (`--previous`): last week's doses and session dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from planner.domain import Dose, Exercise
from planner.errors import InputError
from planner.planning.instance import PROMOTION_WEEKS, Carry, FamilyKey
from planner.readers.plan_json import (
    done_from_json,
    dose_from_json,
    load_plan_json,
    require_plan_shape,
)


def carry_from_plan(path: str | Path, by_id: dict[str, Exercise]) -> Carry:
    """The last week of a plan JSON, as the starting point of the next one."""
    return carry_from_plan_data(load_plan_json(path), by_id, name=str(path))


def carry_from_plan_data(data: dict[str, Any], by_id: dict[str, Exercise], *,
                         name: str = "previous plan") -> Carry:
    """`carry_from_plan` for a plan already read (a dict in the plan JSON's shape, e.g. one
    the web app keeps with the runner's log); `name` is what error messages call it."""
    require_plan_shape(data, name)
    weeks = data["weeks"]
    if not weeks:
        return Carry()
    last = max(weeks, key=lambda w: w["start"])
    doses: dict[FamilyKey, Dose] = {}
    hold: set[FamilyKey] = set()
    regress: set[FamilyKey] = set()
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
            doses[key] = dose_from_json(item, name, where)
            verdict = done_from_json(item.get("done", session.get("done")), name, f"{where}.done")
            if verdict == "skipped":
                hold.add(key)
            elif verdict == "too hard":
                regress.add(key)
    return Carry(doses=doses, session_dates=tuple(sorted(dates)), hold=frozenset(hold),
                 regress=frozenset(regress) - hold,
                 beginner_promoted=_promoted(data, weeks))


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


