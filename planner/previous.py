"""Continue from an earlier plan (`--previous`): last week's doses and session dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from planner.domain import (
    LOAD_LABELS,
    RANGE_LABELS,
    TEMPO_LABELS,
    Dose,
    Exercise,
    load_step,
)
from planner.errors import InputError
from planner.instance import PROMOTION_WEEKS, Carry, FamilyKey
from planner.readers.plan_json import load_plan_json, require_plan_shape


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
            doses[key] = _dose(item, name, where)
            verdict = _done(item.get("done", session.get("done")), name, f"{where}.done")
            if verdict == "skipped":
                hold.add(key)
            elif verdict == "too hard":
                regress.add(key)
    return Carry(doses=doses, session_dates=tuple(sorted(dates)), hold=frozenset(hold),
                 regress=frozenset(regress) - hold,
                 beginner_promoted=_promoted(data, weeks))


DONE_WORDS = {True: "done", False: "skipped", None: "unknown", "yes": "done", "no": "skipped",
              "done": "done", "skipped": "skipped", "too hard": "too hard",
              "too_hard": "too hard", "hard": "too hard"}


def _done(value: Any, name: str, field: str) -> str:
    """Adherence marks a coach or runner fills in: true/false/"too hard" (or null)."""
    key = value.strip().lower() if isinstance(value, str) else value
    if not isinstance(key, (str, bool, type(None))) or key not in DONE_WORDS:
        raise InputError(f"done must be true, false or \"too hard\", not {value!r}",
                         file=name, field=field)
    return DONE_WORDS[key]


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


def _index(labels: tuple[str, ...], value: str, name: str, field: str) -> int:
    if value not in labels:
        raise InputError(f"'{value}' is not one of: {', '.join(labels)}", file=name, field=field)
    return labels.index(value)


def _load(value: Any, name: str, field: str) -> int:
    step = load_step(value)
    return step if step is not None else _index(LOAD_LABELS, value, name, field)


def _dose(item: dict[str, Any], name: str, where: str) -> Dose:
    return Dose(
        variation=item["variation"],
        sets=item["sets"],
        reps=item["reps"],
        load=_load(item["load"], name, f"{where}.load"),
        tempo=_index(TEMPO_LABELS, item["tempo"], name, f"{where}.tempo"),
        range=_index(RANGE_LABELS, item["range"], name, f"{where}.range"),
    )
