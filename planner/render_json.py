"""The plan as JSON for tools and coaches, and the reader for `--previous` / `check` / `explain`.

The JSON is the plan's contract: keys required by the issue are always present, lists are in
a stable order and nothing depends on the clock, so the same input gives byte-identical output.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from planner.domain import WEEKDAYS, Plan, PlannedExercise, Run, Session, WeekPlan
from planner.errors import InputError
from planner.wording import session_word, shown_name

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
        "name": ex.name,
        "display_name": shown_name(ex, item.equipment_used),  # with the runner's own kit
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
        "tempo": item.tempo_label,
        "range": item.range_label,
        "variation": dose.variation,
        "level": ex.level,
        "plyometric": ex.plyometric,
        "minutes": item.minutes,
        "cue": ex.cue,
        "best_for": ex.best_for,
        "why": item.why,
        "done": None,  # for the athlete or coach: true, false (skipped) or "too hard"
    }


def session_to_dict(session: Session) -> dict[str, Any]:
    return {
        "date": session.date.isoformat(),
        "day": WEEKDAYS[session.date.weekday()],
        "start": session.start.strftime("%H:%M"),
        "minutes": session.minutes,
        "warmup_minutes": session.warmup_minutes,
        "intensity": session.intensity,
        "label": session_word(session.intensity),  # what the runner reads: main / light
        "why": session.why,
        "exercises": [exercise_to_dict(item) for item in session.exercises],
        "done": None,  # true when completed, false when skipped (see --previous)
    }


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
            "weights": {item: list(kgs) for item, kgs in profile.weights},
            "beginner_promoted": plan.beginner_promoted,
        },
        "weeks": [week_to_dict(week) for week in plan.weeks],
    }


def render_json(plan: Plan) -> bytes:
    return (json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def load_plan_json(path: str | Path) -> dict[str, Any]:
    """Read a plan JSON and check the keys every consumer relies on, naming what is wrong."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=name) from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; expected a runstrong plan JSON", file=name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                         file=name) from None
    except RecursionError:
        raise InputError("nested too deeply to be a runstrong plan JSON", file=name) from None
    _require_plan_shape(data, name)
    return data


def _require(obj: Any, key: str, kind: type | tuple[type, ...], where: str, name: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise InputError(f"missing key '{key}' in {where}", file=name, field=key)
    value = obj[key]
    if not isinstance(value, kind):
        raise InputError(f"'{key}' in {where} has the wrong type ({type(value).__name__})",
                         file=name, field=key)
    return value


def _require_date(text: str, key: str, where: str, name: str) -> None:
    from planner.inputs import check_date_bounds

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{_show(text)} in {where} is not a date (YYYY-MM-DD)",
                         file=name, field=key) from None
    check_date_bounds(day, file=name, field=f"{where}.{key}")


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _optional(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
              name: str) -> Any:
    """A key consumers read when present: absent or null is fine, another type is not."""
    value = obj.get(key)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    wrong = not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)
    if value is not None and wrong:
        raise InputError(f"'{key}' in {where} has the wrong type ({type(value).__name__})",
                         file=name, field=key)
    return value


def _drop_nulls(obj: dict[str, Any], keys: dict[str, type]) -> None:
    """`null` for an optional list or object means empty: consumers then iterate it."""
    for key, kind in keys.items():
        if key in obj and obj[key] is None:
            obj[key] = kind()


def _require_clock(text: str | None, key: str, where: str, name: str) -> None:
    from datetime import time

    if text is None:
        return
    try:
        time.fromisoformat(text)
    except ValueError:
        raise InputError(f"{_show(text)} in {where} is not a time (HH:MM)", file=name,
                         field=key) from None


def _require_plan_shape(data: Any, name: str) -> None:
    if not isinstance(data, dict):
        raise InputError("expected a JSON object with 'athlete', 'level' and 'weeks'", file=name)
    _require(data, "athlete", str, "the plan", name)
    _require(data, "level", str, "the plan", name)
    _drop_nulls(data, {"profile": dict})
    profile = _optional(data, "profile", dict, "the plan", name) or {}
    _optional(data, "tz", str, "the plan", name)
    _require_clock(_optional(profile, "time", str, "profile", name), "time", "profile", name)
    for key in ("equipment", "prefer_days", "avoid_days"):
        _optional(profile, key, list, "profile", name)
    for key in ("minutes", "deload_every", "sessions"):
        _optional(profile, key, int, "profile", name)
    weeks = _require(data, "weeks", list, "the plan", name)
    for w, week in enumerate(weeks, start=1):
        where = f"weeks[{w}]"
        _require_date(_require(week, "start", str, where, name), "start", where, name)
        _drop_nulls(week, {"runs": list, "penalties": list, "notes": list})
        for r, run in enumerate(_optional(week, "runs", list, where, name) or [], start=1):
            rwhere = f"{where}.runs[{r}]"
            _require_date(_require(run, "date", str, rwhere, name), "date", rwhere, name)
            _require(run, "run", str, rwhere, name)
            _optional(run, "minutes", int, rwhere, name)
            _optional(run, "title", str, rwhere, name)
            _require_clock(_optional(run, "time", str, rwhere, name), "time", rwhere, name)
        for p, penalty in enumerate(_optional(week, "penalties", list, where, name) or [],
                                    start=1):
            pwhere = f"{where}.penalties[{p}]"
            _require(penalty, "rule", str, pwhere, name)
            _require(penalty, "cost", int, pwhere, name)
            _require(penalty, "text", str, pwhere, name)
        for n, note in enumerate(_optional(week, "notes", list, where, name) or [], start=1):
            if not isinstance(note, str):
                raise InputError(f"{where}.notes[{n}] is not text", file=name, field="notes")
        sessions = _require(week, "sessions", list, where, name)
        for s, session in enumerate(sessions, start=1):
            swhere = f"{where}.sessions[{s}]"
            _require_date(_require(session, "date", str, swhere, name), "date", swhere, name)
            _require(session, "intensity", str, swhere, name)
            exercises = _require(session, "exercises", list, swhere, name)
            for e, item in enumerate(exercises, start=1):
                ewhere = f"{swhere}.exercises[{e}]"
                for key in ("name", "variation", "load", "tempo", "range"):
                    _require(item, key, str, ewhere, name)
                for key in ("sets", "reps"):
                    _require(item, key, int, ewhere, name)
