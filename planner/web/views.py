"""Plan JSON (as stored) -> what the templates draw: the week grid, the block picture, the log.

Everything here works on the plan's JSON dict (planner.renderers.json_plan), so a plan from the
runner's form and one from a coach's batch are drawn the same way.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from planner.domain import KEY_RUNS, WEEKDAYS
from planner.planning.instance import TAPER_DAYS_BEFORE

LOG_STATUSES: tuple[str, ...] = ("done", "skipped", "too hard")
RIR_RANGE = (0, 5)


def intensity_word(intensity: str) -> str:
    """The runner's word (planner.planning.wording): a heavy session is the week's "main" one."""
    from planner.planning.wording import session_word

    return session_word(intensity)


def day_label(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day.strftime('%b')}"


def taper_days(plan: dict[str, Any]) -> set[date]:
    """B2: the days with a race in the next TAPER_DAYS_BEFORE days."""
    races = {date.fromisoformat(run["date"]) for week in plan["weeks"]
             for run in week.get("runs", []) if run.get("run") == "race"}
    return {race - timedelta(days=n) for race in races for n in range(1, TAPER_DAYS_BEFORE + 1)}


def exercise_view(item: dict[str, Any]) -> dict[str, Any]:
    from planner.planning.loads import load_words_of

    load = item.get("load", "")
    return {
        "name": item.get("name", ""), "variation": item.get("variation", ""),
        "dose": f"{item.get('sets')}×{item.get('reps')} {item.get('reps_unit', 'reps')}",
        "sets": item.get("sets"), "reps": item.get("reps"),
        # The load as every output words it (planner.planning.loads): "8 kg per hand".
        "load": load_words_of(item), "loaded": load not in ("", "bodyweight"),
        "tempo": item.get("tempo", ""), "range": item.get("range", ""),
        "rest_s": item.get("rest_s"), "cue": item.get("cue", ""), "why": item.get("why", ""),
    }


def session_view(session: dict[str, Any]) -> dict[str, Any]:
    from planner.planning.loads import step_legend_of

    day = date.fromisoformat(session["date"])
    return {
        "date": session["date"], "label": day_label(day),
        "intensity": session["intensity"], "word": intensity_word(session["intensity"]),
        "start": session.get("start", ""), "minutes": session.get("minutes"),
        "why": session.get("why", ""),
        "exercises": [exercise_view(item) for item in session.get("exercises", [])],
        "load_legend": step_legend_of(session.get("exercises", [])),
    }


def run_view(run: dict[str, Any]) -> dict[str, Any]:
    return {"kind": run.get("run", ""), "minutes": run.get("minutes"),
            "time": run.get("time"), "title": run.get("title", ""),
            "key": run.get("run") in KEY_RUNS}


@dataclass
class WeekView:
    start: date
    deload: bool
    days: list[dict[str, Any]]
    penalties: list[dict[str, Any]]
    notes: list[str]
    sessions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Week of {day_label(self.start)} {self.start.year}"


def week_views(plan: dict[str, Any]) -> list[WeekView]:
    taper = taper_days(plan)
    weeks = []
    for week in plan["weeks"]:
        monday = date.fromisoformat(week["start"])
        sessions = [session_view(s) for s in week.get("sessions", [])]
        days = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            iso = day.isoformat()
            days.append({
                "date": iso, "label": day_label(day), "name": WEEKDAYS[offset],
                "runs": [run_view(r) for r in week.get("runs", []) if r.get("date") == iso
                         and r.get("run") != "rest"],
                "sessions": [s for s in sessions if s["date"] == iso],
                "taper": day in taper,
            })
        weeks.append(WeekView(monday, bool(week.get("deload")), days,
                              list(week.get("penalties", [])), list(week.get("notes", [])),
                              sessions))
    return weeks


def block_rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The block picture: one row per week, one cell per day, with what happens there."""
    taper = taper_days(plan)
    rows = []
    for number, week in enumerate(plan["weeks"], start=1):
        monday = date.fromisoformat(week["start"])
        by_day = {s["date"]: s["intensity"] for s in week.get("sessions", [])}
        cells = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            iso = day.isoformat()
            kinds = [r.get("run") for r in week.get("runs", []) if r.get("date") == iso]
            intensity = by_day.get(iso)
            marks = []
            if intensity:
                marks.append(intensity_word(intensity))
            if "race" in kinds:
                marks.append("race")
            elif any(kind in KEY_RUNS for kind in kinds):
                marks.append("key run")
            if day in taper:
                marks.append("taper")
            cells.append({"date": iso, "label": day_label(day), "session": intensity or "",
                          "word": intensity_word(intensity) if intensity else "",
                          "race": "race" in kinds, "key": any(k in KEY_RUNS for k in kinds),
                          "taper": day in taper, "title": ", ".join(marks) or "nothing"})
        rows.append({"number": number, "start": week["start"], "label": day_label(monday),
                     "deload": bool(week.get("deload")), "cells": cells})
    return rows


def session_counts(plan: dict[str, Any]) -> tuple[int, int]:
    """(main, light) sessions in the plan."""
    intensities = [s["intensity"] for w in plan["weeks"] for s in w.get("sessions", [])]
    heavy = sum(1 for i in intensities if i == "heavy")
    return heavy, len(intensities) - heavy


# ---- the log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedExercise:
    session_date: str
    variation: str
    status: str
    reps: int | None
    weight_kg: float | None
    rir: int | None


def exercise_verdict(entry: LoggedExercise, planned_reps: int | None) -> Any:
    """What `--previous` reads for one exercise: True (done), False (skipped) or "too hard".

    A set taken to failure (0 reps in reserve) or fewer reps than planned counts as too
    hard: the next plan holds that exercise back a step, as it would for a "too hard" mark.
    """
    if entry.status == "skipped":
        return False
    if entry.status == "too hard":
        return "too hard"
    if entry.rir == 0 or (entry.reps is not None and planned_reps is not None
                          and entry.reps < planned_reps):
        return "too hard"
    return True


def plan_with_log(plan: dict[str, Any], entries: Iterable[LoggedExercise]) -> dict[str, Any]:
    """A copy of the plan JSON with the runner's log as "done" marks (what --previous reads)."""
    marked = copy.deepcopy(plan)
    by_key = {(e.session_date, e.variation): e for e in entries}
    for week in marked["weeks"]:
        for session in week.get("sessions", []):
            statuses = set()
            for item in session.get("exercises", []):
                entry = by_key.get((session["date"], item.get("variation", "")))
                if entry is None:
                    continue
                item["done"] = exercise_verdict(entry, item.get("reps"))
                statuses.add(entry.status)
            if statuses:
                session["done"] = ("too hard" if "too hard" in statuses
                                   else statuses == {"done"})
    return marked
