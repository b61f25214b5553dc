"""`runstrong explain`: the full account of a plan JSON, rule id by rule id.

Besides the costs the plan paid, it answers "why not another day?": the plan is rebuilt
from the runs and profile stored in the JSON, then each session's day is forbidden in turn
and the week re-solved, so the runner sees what the next-best choice would have cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from constraints import RULES_BY_ID, SOFT_RULES
from planner.domain import PHASES, WEEKDAYS, phase_label
from planner.errors import InputError
from planner.planning.wording import runner_text, session_word, shown_name

if TYPE_CHECKING:
    from planner.readers.catalog import Catalog


def alternatives(data: dict[str, Any], catalog: Catalog,
                 previous: dict[str, Any] | None = None) -> dict[str, str]:
    """session date -> what moving that session elsewhere would have cost. The plan is
    rebuilt with the catalog and the previous plan it was made with, so the rebuilt week is
    the explained one."""
    from planner.readers.plan_json import profile_from_json, runs_from_json
    from planner.solving.block import plan_block
    from planner.solving.previous import carry_from_plan_data
    from planner.solving.solve import solve_week

    runs = runs_from_json(data)
    if not runs:
        return {}
    profile = profile_from_json(data)
    carry = (carry_from_plan_data(previous, catalog.by_id(), name="--previous")
             if previous is not None else None)
    try:
        result = plan_block(runs, profile, catalog.exercises, carry, diagnose=False)
    except (ValueError, KeyError, TypeError) as err:
        raise InputError(f"cannot rebuild the plan from its runs and profile ({err})") from None
    found: dict[str, str] = {}
    for inst, week in zip(result.instances, result.plan.weeks, strict=True):
        paid = sum(p.cost for p in week.penalties)
        for session in week.sessions:
            day = (session.date - inst.start).days
            other = solve_week(inst, lambda wm, d=day: wm.model.add(wm.session[d] == 0))
            moved = sorted(set(s.date for s in other.sessions) - {s.date for s in week.sessions})
            extra = sum(p.cost for p in other.penalties) - paid
            where = ", ".join(WEEKDAYS[d.weekday()] for d in moved) or "nowhere"
            new_costs = sorted({f"{runner_text(p.text)} ({p.rule})" for p in other.penalties}
                               - {f"{runner_text(p.text)} ({p.rule})" for p in week.penalties})
            found[session.date.isoformat()] = (
                f"without {WEEKDAYS[day]}, the session would go to {where} at +{extra} cost"
                + (f": {'; '.join(new_costs[:3])}" if new_costs else ""))
    return found


def _shown(item: dict[str, Any], catalog: dict[str, Any]) -> str:
    """The exercise's name with the runner's own kit ("Chair squat" for a box squat done to
    a chair), as the table and the calendar show it."""
    exercise_id = item.get("id")
    exercise = catalog.get(exercise_id) if isinstance(exercise_id, str) else None
    if exercise is None:
        return str(item.get("name", exercise_id))
    return shown_name(exercise, tuple(item.get("equipment") or ()))


def explain_plan(data: dict[str, Any], *, what_if: bool = True, catalog: Catalog | None = None,
                 previous: dict[str, Any] | None = None) -> str:
    """`catalog` (default: the built-in one) names the exercises and rebuilds the plan for
    the what-if lines; `previous` is the plan this one progressed from (--previous)."""
    from planner.readers.catalog import load_catalog

    exercises = catalog if catalog is not None else load_catalog()
    other = alternatives(data, exercises, previous) if what_if else {}
    catalog_by_id = exercises.by_id()
    lines = [f"Plan for {data['athlete']} ({data['level']}), status {data.get('status', '?')}."]
    for week in data["weeks"]:
        lines.append("")
        lines.append(f"Week of {week['start']}" + _season_words(week))
        for session in week["sessions"]:
            lines.append(f"  {session.get('day', '')} {session['date']} · "
                         f"{session_word(session['intensity'])}"
                         f" · {len(session['exercises'])} exercises")
            lines.append(f"    why this day: {session.get('why', '')}")
            if session["date"] in other:
                lines.append(f"    why not another day: {other[session['date']]}")
            for item in session["exercises"]:
                lines.append(f"    - {_shown(item, catalog_by_id)}: {item.get('why', '')}")
        paid = week.get("penalties", [])
        total = sum(p["cost"] for p in paid)
        lines.append(f"  Soft objectives: total cost {total}")
        by_rule: dict[str, list[dict[str, Any]]] = {}
        for p in paid:
            by_rule.setdefault(p["rule"], []).append(p)
        for rule in SOFT_RULES:
            items = by_rule.get(rule.id, [])
            if not items:
                lines.append(f"    {rule.id} {rule.title}: met (cost 0)")
                continue
            cost = sum(p["cost"] for p in items)
            lines.append(f"    {rule.id} {rule.title}: cost {cost}")
            lines.extend(f"      · {runner_text(p['text'])} (+{p['cost']})" for p in items)
        for note in week.get("notes", []):
            lines.append(f"  note: {note}")
    lines.append("")
    lines.append("Weights (cost of one miss): " + ", ".join(
        f"{r.id}={RULES_BY_ID[r.id].weight}" for r in SOFT_RULES))
    return "\n".join(lines)


def _season_words(week: dict[str, Any]) -> str:
    """" — maintain: running load 383 is 32% above ...", or " — deload (B1)" for a plan
    written before phases."""
    phase = week.get("phase")
    if phase not in PHASES:
        return " — deload (B1)" if week.get("deload") else ""
    if phase == "build" and not week.get("deload"):
        return ""
    why = week.get("phase_why") or ""
    return f" — {phase_label(phase, bool(week.get('deload')))}" + (f": {why}" if why else "")

