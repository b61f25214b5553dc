"""The session card: how to do one session, in the same words as the calendar and the watch.

Works on the stored plan JSON (planner.renderers.json_plan) plus the catalog, and asks
planner.planning.wording for every name, cue and warm-up, so the page, the .ics and the FIT
workout never call one exercise two things. The reasons (rule ids, why-lines) are kept apart
from the how-to: the page puts them behind a "Why?" disclosure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import Any

from planner.domain import PLYOMETRIC_TEMPO, Exercise, Run
from planner.planning.loads import load_words_of, step_legend_of
from planner.planning.wording import (
    clock,
    day_label,
    effort_cue,
    run_name,
    run_relation,
    season_words,
    session_word,
    shown_cue,
    shown_name,
    warmup_text,
)

BODYWEIGHT = "bodyweight"


def kg(value: float) -> str:
    """`6 kg`, `7.5 kg`."""
    return f"{value:g} kg"


def load_words(item: dict[str, Any], kit: Iterable[str] = ()) -> str:
    """What to lift, in words, as every output says it (planner.planning.loads): "8 kg per
    hand", "light (a weight you could lift 3 more times at the end of each set)". The
    plan JSON's own `load_words` first: the .ics of the same plan was written with them;
    a plan stored before they were is worded afresh, with the runner's `kit`."""
    stored = item.get("load_words")
    if isinstance(stored, str) and stored:
        return stored
    return load_words_of(item, kit=kit) or BODYWEIGHT


def _unit(unit: str, count: Any) -> str:
    """`10 reps`, `1 rep`, `30 seconds`, `8 reps/side`."""
    if count == 1:
        return {"reps": "rep", "seconds": "second"}.get(unit, unit.replace("reps/", "rep/"))
    return unit


def exercise_card(item: dict[str, Any], by_id: dict[str, Exercise],
                  kit: Iterable[str] = ()) -> dict[str, Any]:
    """One line of the how-to: name fitted to the kit, sets × reps, load, rest, tempo, cue,
    and, at the heaviest weight owned, what to do next (the .ics's "Next:")."""
    used = tuple(item.get("equipment") or ())
    exercise = by_id.get(str(item.get("id", "")))
    if exercise is not None:
        name, cue = shown_name(exercise, used), shown_cue(exercise, used)
    else:  # a plan from an older catalog: its stored words
        name = item.get("display_name") or item.get("name", "")
        cue = item.get("cue", "")
    unit = str(item.get("reps_unit") or "reps")
    load = load_words(item, kit)
    sets, reps = item.get("sets"), item.get("reps")
    rest = item.get("rest_s")
    return {
        "id": str(item.get("id", "")), "name": name, "variation": item.get("variation", ""),
        "sets": sets, "reps": reps, "unit": _unit(unit, reps), "timed": unit == "seconds",
        "reps_unit": unit,
        "dose": f"{sets} × {reps} {_unit(unit, reps)}",
        "load": load, "loaded": load != BODYWEIGHT,
        "weight_kg": item.get("weight_kg"),
        "rest": f"rest {rest} s" if rest else "",
        # jumps are quick, elastic contacts whatever the JSON's tempo word (wording.tempo_words)
        "tempo": (PLYOMETRIC_TEMPO if exercise is not None and exercise.plyometric
                  else item.get("tempo", "")), "range": item.get("range", ""),
        "cue": cue, "why": item.get("why", ""), "next_step": item.get("next_step") or "",
    }


def _run(run: dict[str, Any]) -> Run | None:
    try:
        day = date.fromisoformat(run["date"])
        at = time.fromisoformat(run["time"]) if run.get("time") else None
    except (KeyError, TypeError, ValueError):
        return None
    return Run(day, str(run.get("run", "")), run.get("minutes"), at, run.get("title", ""))


def _runs_by_day(plan: dict[str, Any]) -> dict[date, list[Run]]:
    found: dict[date, list[Run]] = {}
    for week in plan["weeks"]:
        for item in week.get("runs", []):
            run = _run(item)
            if run is not None and run.kind != "rest":
                found.setdefault(run.date, []).append(run)
    return found


def place_words(day: date, start: time | None, runs: dict[date, list[Run]]) -> list[str]:
    """Where the session sits in the week: against the day's runs ("after the 07:00 easy
    run", wording.run_relation) and before tomorrow's ("tomorrow: long run")."""
    words = [run_relation(run, start) for run in runs.get(day, [])]
    tomorrow = runs.get(day + timedelta(days=1), [])
    if tomorrow:
        words.append("tomorrow: " + ", ".join(run_name(run.kind) for run in tomorrow))
    return words


def session_card(session: dict[str, Any], profile: dict[str, Any],
                 runs: dict[date, list[Run]], by_id: dict[str, Exercise],
                 week: dict[str, Any] | None = None) -> dict[str, Any]:
    """The how-to of one session, in the order the runner does it."""
    day = date.fromisoformat(session["date"])
    try:
        start: time | None = time.fromisoformat(session.get("start", ""))
    except ValueError:
        start = None
    kit = set(profile.get("equipment") or ())
    exercises = [exercise_card(item, by_id, kit) for item in session.get("exercises", [])]
    loaded = any(ex["loaded"] for ex in exercises)
    week = week or {}
    return {
        "date": session["date"], "label": day_label(day),
        "intensity": session["intensity"], "word": session_word(session["intensity"]),
        "start": clock(start) if start else session.get("start", ""),
        "minutes": session.get("minutes"),
        "warmup_minutes": session.get("warmup_minutes"),
        "warmup": warmup_text(kit, loaded=loaded, minutes=session.get("warmup_minutes"),
                              after_run=session.get("after_run") is True),
        "place": place_words(day, start, runs),
        "effort": effort_cue(session["intensity"]),
        "exercises": exercises,
        "load_legend": step_legend_of(session.get("exercises", [])),
        "why": session.get("why", ""),
        "deload": bool(week.get("deload")),
        "phase": week.get("phase", ""),
        # the .ics's first line: "Season: taper — ...", "Season: build" for a plain week
        "season": season_words(str(week.get("phase") or "build"), bool(week.get("deload")),
                               str(week.get("phase_why") or "")),
    }


def plan_cards(plan: dict[str, Any], by_id: dict[str, Exercise]) -> dict[str, dict[str, Any]]:
    """Every session's card, by its ISO date."""
    runs = _runs_by_day(plan)
    profile = plan.get("profile") or {}
    return {session["date"]: session_card(session, profile, runs, by_id, week)
            for week in plan["weeks"] for session in week.get("sessions", [])}
