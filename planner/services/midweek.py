"""`plan --previous PLAN.json --from DATE` and the web's "My week changed": the plan with
the week of DATE re-planned from that day on (planner.solving.midweek), everything else
of it exactly as it was, logs included.

The result is built on the previous plan's JSON, so the sessions before DATE (and every
other week) are the very same JSON objects, and the calendar renders them unchanged: the
same UIDs, no new SEQUENCE; only what moved is new.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from planner.domain import Plan, WeekPlan
from planner.errors import InputError
from planner.pipeline import Prepared
from planner.planning.season import goal_races, season_weeks
from planner.readers.plan_json import plan_from_json, with_catalog
from planner.renderers.json_plan import run_to_dict, session_to_dict
from planner.solving.midweek import (
    WeekPhase,
    keep_calendar_events,
    replan_rest_of_week,
    week_containing,
    week_phase,
)
from planner.solving.niggle_notes import with_niggle_why


@dataclass(frozen=True)
class MidweekOutcome:
    data: dict[str, Any]  # the whole plan JSON, re-planned week included
    plan: Plan  # the same plan, for the calendar
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def json(self) -> bytes:
        return (json.dumps(self.data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def replan_from(prepared: Prepared, previous: dict[str, Any], from_day: date, *,
                name: str = "previous plan") -> MidweekOutcome:
    """The previous plan with the week of `from_day` re-planned from that day on, around the
    runs `prepared` read; InputError when the day is in no week of the plan or the runs
    file has no run in that week."""
    week = week_containing(previous, from_day, name)
    monday = date.fromisoformat(week["start"])
    sunday = monday + timedelta(days=6)
    runs = tuple(r for r in prepared.runs if monday <= r.date <= sunday)
    if not runs:
        raise InputError(f"no run in the week of {monday.isoformat()} (the week --from "
                         f"{from_day.isoformat()} re-plans); give that week's runs",
                         file=str(prepared.request.path or prepared.request.runs_name))
    warnings = list(prepared.reader_warnings)
    outside = sorted({r.date for r in prepared.runs if not monday <= r.date <= sunday + timedelta(
        days=1)})
    if outside:
        warnings.append(f"--from re-plans the week of {monday.isoformat()} only: the runs on "
                        f"{outside[0].isoformat()}..{outside[-1].isoformat()} are not planned "
                        "(plan those weeks with --previous as usual)")
    before = [w for w in previous["weeks"] if w["start"] < week["start"]]
    previous_dates = tuple(date.fromisoformat(s["date"]) for s in before[-1]["sessions"]
                           ) if before else ()
    # The goal race as the block planner and the checker choose it (a tune-up race is a
    # hard run, not a race week's cap), and the week's place around it.
    races = goal_races(prepared.runs, prepared.profile.races)
    fresh = season_weeks(prepared.runs, (monday,), races, prepared.profile.deload_every,
                         prepared.profile.race_week)[0]
    phase = week_phase(week, WeekPhase(fresh.phase, fresh.why, fresh.taper, fresh.deload))
    mid = replan_rest_of_week(
        week, from_day, runs,
        tuple(r for r in prepared.runs if r.date == sunday + timedelta(days=1)),
        prepared.profile, prepared.catalog.exercises, previous_dates=previous_dates,
        race_dates=races, phase=phase, name=name)
    data = copy.deepcopy(previous)
    target = next(w for w in data["weeks"] if w["start"] == week["start"])
    kept = [s for s in target["sessions"] if s["date"] < from_day.isoformat()]
    replaced = [s for s in target["sessions"] if s["date"] >= from_day.isoformat()]
    target["runs"] = [run_to_dict(run) for run in runs]
    # The new sessions say what a niggle changed, as a full plan's do.
    moved = keep_calendar_events(replaced, mid.sessions)
    worded = with_niggle_why(Plan(previous.get("athlete", ""), prepared.profile.level, "optimal",
                                  prepared.profile.tz, (WeekPlan(monday, runs, moved),),
                                  profile=prepared.profile))
    target["sessions"] = kept + [session_to_dict(s) for s in worded.weeks[0].sessions]
    target["penalties"] = [{"rule": p.rule, "cost": p.cost, "text": p.text}
                           for p in mid.result.penalties]
    target["notes"] = list(mid.notes)
    # The line says the race the rest of the week was planned around.
    target.update(phase=phase.phase, phase_why=phase.why, taper=phase.taper,
                  deload=phase.deload)
    plan = with_catalog(plan_from_json(data, file=name), prepared.catalog.by_id())
    return MidweekOutcome(data, plan, tuple(warnings), mid.notes)
