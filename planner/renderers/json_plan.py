"""The plan as JSON for tools and coaches (read back by planner.readers.plan_json).

The JSON is the plan's contract: keys required by the issue are always present, lists are in
a stable order and nothing depends on the clock, so the same input gives byte-identical output.
"""

from __future__ import annotations

import json
from typing import Any

from planner.domain import WEEKDAYS, Plan, PlannedExercise, Run, Session, WeekPlan
from planner.planning.loads import load_words
from planner.planning.wording import effort_cue, session_word, shown_cue, shown_name, tempo_words

SCHEMA_VERSION = 1


def _generator() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"runstrong {version('runstrong')}"
    except PackageNotFoundError:
        return "runstrong"


def exercise_to_dict(item: PlannedExercise) -> dict[str, Any]:
    ex, dose = item.exercise, item.dose
    return {
        "id": ex.id,
        "family": ex.family,
        "family_no": ex.family_no,
        # The name the terminal, calendar and watch show: with the runner's own kit ("Chair
        # squat" for a box squat done to a chair); the catalog's own name beside it.
        "name": shown_name(ex, item.equipment_used),
        "catalog_name": ex.name,
        "display_name": shown_name(ex, item.equipment_used),
        "patterns": list(ex.patterns),
        "muscles": list(ex.primary) + [m for m in ex.secondary if m not in ex.primary],
        "primary": list(ex.primary),
        "equipment": list(item.equipment_used),
        "sets": dose.sets,
        "reps": dose.reps,
        "reps_unit": ex.reps_unit,
        "rest_s": item.rest_s,
        "load": item.load_label,
        "weight_kg": item.weight_kg,
        "load_words": load_words(item),  # what the runner reads: "8 kg per hand", "light (…)"
        "heavier_start": item.heavier_start,  # an advanced main lift: its start is "heavy"
        "tempo": item.tempo_label,  # data: the dose's tempo step (`--previous`, the checker)
        "tempo_words": tempo_words(item),  # what a person reads: jumps are quick contacts
        "range": item.range_label,
        "variation": dose.variation,
        "level": ex.level,
        "plyometric": ex.plyometric,
        "minutes": item.minutes,
        "cue": shown_cue(ex, item.equipment_used),  # in the runner's own kit
        "best_for": ex.best_for,
        "why": item.why,
        "next_step": item.next_step,  # at the heaviest owned weight: what to do next
        "done": None,  # for the athlete or coach: true, false (skipped) or "too hard"
    }


def session_to_dict(session: Session) -> dict[str, Any]:
    return {
        "date": session.date.isoformat(),
        "day": WEEKDAYS[session.date.weekday()],
        "start": session.start.strftime("%H:%M"),
        "minutes": session.minutes,
        "warmup_minutes": session.warmup_minutes,
        "after_run": session.after_run,  # straight after a run: the warm-up is drills only
        "intensity": session.intensity,
        "effort": effort_cue(session.intensity),  # how hard each set is
        "label": session_word(session.intensity),  # what the runner reads: main / light
        "why": session.why,
        "exercises": [exercise_to_dict(item) for item in session.exercises],
        "done": None,  # true when completed, false when skipped (see --previous)
    } | ({"uid_date": session.uid_date.isoformat()} if session.uid_date else {})


def run_to_dict(run: Run) -> dict[str, Any]:
    return {
        "date": run.date.isoformat(),
        "run": run.kind,
        "minutes": run.minutes,
        "time": run.time.strftime("%H:%M") if run.time else None,
        "title": run.title,
    }


def week_to_dict(week: WeekPlan) -> dict[str, Any]:
    return {
        "start": week.start.isoformat(),
        "phase": week.phase,
        "phase_why": week.phase_why,
        "deload": week.deload,
        "taper": week.taper,
        "target_sessions": week.target_sessions,
        "runs": [run_to_dict(run) for run in week.runs],
        "sessions": [session_to_dict(s) for s in week.sessions],
        "penalties": [
            {"rule": p.rule, "cost": p.cost, "text": p.text} for p in week.penalties
        ],
        "notes": list(week.notes),
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    profile = plan.profile
    return {
        "schema": SCHEMA_VERSION,
        "generator": _generator(),
        "athlete": plan.athlete,
        "level": plan.level,
        "status": plan.status,
        "tz": plan.tz,
        "profile": {
            "new_to_strength": profile.new_to_strength,
            "equipment": sorted(profile.equipment),
            "sessions": profile.sessions,
            "minutes": profile.minutes,
            "time": profile.start_time.strftime("%H:%M"),
            "prefer_days": [WEEKDAYS[d] for d in sorted(profile.prefer_days)],
            "avoid_days": [WEEKDAYS[d] for d in sorted(profile.avoid_days)],
            "deload_every": profile.deload_every,
            "races": [day.isoformat() for day in profile.races],
            "race_week": profile.race_week,
            "weights": {item: list(kgs) for item, kgs in profile.weights},
            "start_weights": dict(profile.start_weights),  # --start-weight, by exercise id
            "beginner_promoted": plan.beginner_promoted,
            # only when given, so plans without them keep their bytes
            **({"niggles": sorted(profile.niggles)} if profile.niggles else {}),
            **({"exclude": sorted(profile.exclude)} if profile.exclude else {}),
        },
        "weeks": [week_to_dict(week) for week in plan.weeks],
    }


def render_json(plan: Plan) -> bytes:
    return (json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
