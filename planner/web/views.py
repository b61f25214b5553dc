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

from planner.domain import KEY_RUNS, PHASE_WORDS, PHASES, WEEKDAYS, Exercise, phase_label
from planner.planning.instance import TAPER_DAYS_BEFORE
from planner.planning.wording import day_label
from planner.readers.session_log import STATUS_MARKS, SetDone

LOG_STATUSES: tuple[str, ...] = ("done", "skipped", "too hard")
RIR_RANGE = (0, 5)


def intensity_word(intensity: str) -> str:
    """The runner's word (planner.planning.wording): a heavy session is the week's "main" one."""
    from planner.planning.wording import session_word

    return session_word(intensity)


def taper_days(plan: dict[str, Any]) -> set[date]:
    """B2: the days with a goal race in the next TAPER_DAYS_BEFORE days. A goal race is the
    race of a week the plan marks `"phase": "race"`; a plan from before phases tapered to
    every race."""
    phased = any("phase" in week for week in plan["weeks"])
    races = {date.fromisoformat(run["date"]) for week in plan["weeks"]
             if not phased or week.get("phase") == "race"
             for run in week.get("runs", []) if run.get("run") == "race"}
    return {race - timedelta(days=n) for race in races for n in range(1, TAPER_DAYS_BEFORE + 1)}


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
    phase: str = "build"  # planner.domain.PHASES
    phase_label: str = "build"  # as the other outputs say it ("race week", "maintain")
    phase_why: str = ""

    @property
    def title(self) -> str:
        return f"Week of {day_label(self.start)} {self.start.year}"


def week_views(plan: dict[str, Any], by_id: dict[str, Exercise] | None = None) -> list[WeekView]:
    """The weeks with each session as its card (planner.web.cards): names fitted to the kit
    when the catalog is given."""
    from planner.web.cards import plan_cards

    taper = taper_days(plan)
    cards = plan_cards(plan, by_id or {})
    weeks = []
    for week in plan["weeks"]:
        monday = date.fromisoformat(week["start"])
        sessions = [cards[s["date"]] for s in week.get("sessions", [])]
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
        phase = _phase(week)
        weeks.append(WeekView(monday, bool(week.get("deload")), days,
                              list(week.get("penalties", [])), list(week.get("notes", [])),
                              sessions, phase, phase_label(phase, bool(week.get("deload"))),
                              str(week.get("phase_why") or "")))
    return weeks


def _phase(week: dict[str, Any]) -> str:
    """The week's phase; a plan from before phases had taper weeks and build weeks."""
    phase = week.get("phase")
    return phase if phase in PHASES else "taper" if week.get("taper") else "build"


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
                     "deload": bool(week.get("deload")), "cells": cells,
                     "phase": _phase(week), "phase_label": PHASE_WORDS[_phase(week)]})
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
    sets: tuple[SetDone, ...] = ()  # every set, when the log has them
    source: str = "web"

    def set_at(self, number: int) -> SetDone | None:
        """The `number`th set (1-based) as logged, for the form to show it again."""
        return self.sets[number - 1] if 0 < number <= len(self.sets) else None


def plan_with_log(plan: dict[str, Any], entries: Iterable[LoggedExercise]) -> dict[str, Any]:
    """A copy of the plan JSON with the runner's log written into it as the one logged-session
    record (planner.readers.session_log) that `--previous` and `runstrong log` share."""
    from planner.readers.session_log import log_session

    marked = copy.deepcopy(plan)
    by_session: dict[str, list[LoggedExercise]] = {}
    for entry in entries:
        by_session.setdefault(entry.session_date, []).append(entry)
    for week in marked["weeks"]:
        for session in week.get("sessions", []):
            found = by_session.get(session["date"])
            if not found:
                continue
            planned = {item.get("variation") for item in session.get("exercises", [])}
            found = [e for e in found if e.variation in planned]
            if not found:
                continue
            statuses = {e.status for e in found}
            status = ("too hard" if "too hard" in statuses
                      else "done" if "done" in statuses else "skipped")
            log_session(session, status,
                        did={e.variation: e.sets for e in found
                             if e.sets and status != "skipped"},
                        rir={e.variation: e.rir for e in found},
                        source=found[0].source)
            for item in session.get("exercises", []):
                entry = next((e for e in found if e.variation == item.get("variation")), None)
                if entry is not None and entry.status != status:
                    item["done"] = STATUS_MARKS[entry.status]
    return marked


# ---- the pictures -------------------------------------------------------------------------


def season_pictures(plan: dict[str, Any], weeks: list[WeekView]) -> dict[str, Any]:
    """The athlete page's charts (planner.web.charts): the season, and each lift with the
    names the session cards use. Empty for a single week: a season needs two."""
    from planner.web import charts

    if len(plan.get("weeks", [])) < 2:
        return {"season": None, "season_narrow": None, "season_rows": [], "lifts": []}
    names = {ex["id"]: ex["name"] for week in weeks for s in week.sessions
             for ex in s["exercises"]}
    rows = charts.season_weeks(plan)
    lifts = [(series, charts.line_chart(series, len(rows)))
             for series in charts.lift_series(plan, names)]
    return {"season": charts.season_chart(rows),
            "season_narrow": charts.season_chart(rows, charts.NARROW_WIDTH),
            "season_rows": rows, "lifts": lifts}


def season_strip(plan: dict[str, Any]) -> Any:
    """A squad row's strip of the season, or None without weeks."""
    from planner.web import charts

    rows = charts.season_weeks(plan)
    return charts.season_strip(rows) if rows else None
def week_changed_values(plan: dict[str, Any], chosen: str = "", today: date | None = None,
                        grid: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """"My week changed" for one week of the plan: `chosen` (a week's Monday) when it is
    one, else the week holding today, else the first. Its runs fill the grid (or `grid`,
    what the runner typed), with the days a re-plan may start from (Tuesday to Sunday of
    the first week, Monday to Sunday of a later one) and every week's Monday to choose."""
    weeks = plan.get("weeks") or []
    if not weeks:
        return {"week_start": "", "grid": [("", "", "")] * 7, "days": [], "weeks": []}
    today = today or date.today()
    starts = [str(w.get("start")) for w in weeks]
    current = next((w for w in weeks if w.get("start") == chosen), None) or next(
        (w for w in weeks if _holds_day(w, today)), weeks[0])
    monday = date.fromisoformat(current["start"])
    if grid is None:
        grid = []
        for offset in range(7):
            day = (monday + timedelta(days=offset)).isoformat()
            runs = [r for r in current.get("runs") or ()
                    if r.get("date") == day and r.get("run") != "rest"]
            run = runs[0] if runs else None
            grid.append((run["run"], str(run.get("minutes") or ""), run.get("time") or "")
                        if run else ("", "", ""))
    first = 1 if current is weeks[0] else 0  # from the first Monday is a new plan
    days = [(day.isoformat(), day_label(day))
            for day in (monday + timedelta(days=offset) for offset in range(first, 7))]
    return {"week_start": current["start"], "grid": grid, "days": days,
            "weeks": [(start, f"week of {day_label(date.fromisoformat(start))}")
                      for start in starts] if len(starts) > 1 else []}


def _holds_day(week: dict[str, Any], day: date) -> bool:
    try:
        monday = date.fromisoformat(str(week.get("start")))
    except ValueError:
        return False
    return monday <= day < monday + timedelta(days=7)
