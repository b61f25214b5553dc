"""`runstrong explain`: the full account of a plan JSON, rule id by rule id.

Besides the costs the plan paid, it answers "why not another day?": the plan is rebuilt
from the runs and profile stored in the JSON, then each session's day is forbidden in turn
and the week re-solved, so the runner sees what the next-best choice would have cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from constraints import RULES_BY_ID, SOFT_RULES
from planner.domain import PHASES, WEEKDAYS, Session, phase_label
from planner.errors import InputError, shown_value
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
    written = {w.get("start"): w for w in data.get("weeks", []) if isinstance(w, dict)}
    for inst, week in zip(result.instances, result.plan.weeks, strict=True):
        if _arrangement(week.sessions) != _written_arrangement(written.get(
                week.start.isoformat())):
            # The rebuilt week is not the one in the file (another catalog, an edited
            # JSON): a what-if about a different plan would not be true of this one.
            for session in week.sessions:
                found[session.date.isoformat()] = NOT_REBUILT
            continue
        paid = sum(p.cost for p in week.penalties)
        for session in week.sessions:
            day = (session.date - inst.start).days
            other = solve_week(inst, lambda wm, d=day: wm.model.add(wm.session[d] == 0))
            extra = sum(p.cost for p in other.penalties) - paid
            new_costs = sorted({f"{runner_text(p.text)} ({p.rule})" for p in other.penalties}
                               - {f"{runner_text(p.text)} ({p.rule})" for p in week.penalties})
            found[session.date.isoformat()] = (
                f"without {WEEKDAYS[day]}, {_rearranged(week.sessions, other.sessions)}"
                + (f" at +{extra} cost" if extra else " at the same total cost")
                + (f": {'; '.join(new_costs[:3])}" if new_costs else ""))
    return found


NOT_REBUILT = ("not answered: rebuilding this week from the plan's runs and profile gives "
               "other sessions (was it made with another catalog or --previous plan?)")


def _arrangement(sessions: Sequence[Session]) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((s.date.isoformat(), s.intensity, tuple(i.exercise.id for i in s.exercises))
                  for s in sessions)


def _written_arrangement(week: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    if not isinstance(week, dict):
        return []
    try:
        return sorted((str(s["date"]), str(s["intensity"]),
                       tuple(str(i["id"]) for i in s["exercises"]))
                      for s in week.get("sessions", []))
    except (KeyError, TypeError):
        return []


def _rearranged(planned: Sequence[Session], instead: Sequence[Session]) -> str:
    """What the week would hold instead, in the plan's words: every session that moves or
    changes kind is named with its new day ("the main session would go to Fri and the light
    session to Mon"), so the line never names a day where that session could not go."""
    before = {(s.date, s.intensity) for s in planned}
    days_by_kind: dict[str, list[str]] = {}
    for s in sorted(instead, key=lambda s: s.date):
        if (s.date, s.intensity) not in before:
            days_by_kind.setdefault(s.intensity, []).append(WEEKDAYS[s.date.weekday()])
    parts = [(f"the {session_word(kind)} session" + ("s" if len(days) > 1 else ""),
              " and ".join(days)) for kind, days in days_by_kind.items()]
    text = " and ".join(f"{who}{' would go' if index == 0 else ''} to {where}"
                        for index, (who, where) in enumerate(parts))
    text = text or "the other sessions would stay"
    fewer = len(planned) - len(instead)
    if fewer > 0:
        text += (", and the week would hold " + ("one session" if fewer == 1
                                                   else f"{fewer} sessions") + " fewer")
    return text



def _shown(item: dict[str, Any], catalog: dict[str, Any]) -> str:
    """The exercise's name with the runner's own kit ("Chair squat" for a box squat done to
    a chair), as the table and the calendar show it."""
    exercise_id = item.get("id")
    exercise = catalog.get(exercise_id) if isinstance(exercise_id, str) else None
    if exercise is None:
        return str(item.get("name", exercise_id))
    kit = item.get("equipment")
    # A hand-edited plan may hold anything here: only a list of words names the kit.
    owned = tuple(str(x) for x in kit) if isinstance(kit, list) else ()
    return shown_name(exercise, owned)


def _require_known_exercises(data: dict[str, Any], catalog_by_id: dict[str, Any]) -> None:
    """Refuse a plan naming an exercise the catalog lacks: explaining it would re-solve
    weeks from a catalog the plan was not made with and print reasons for the wrong lifts."""
    for w, week in enumerate(data["weeks"], start=1):
        for s, session in enumerate(week["sessions"], start=1):
            for e, item in enumerate(session["exercises"], start=1):
                for key in ("variation", "id"):
                    value = item.get(key)
                    if value is not None and value not in catalog_by_id:
                        raise InputError(
                            f"unknown exercise {key} {shown_value(str(value))} in weeks[{w}]."
                            f"sessions[{s}].exercises[{e}]: not in the catalog (a plan made "
                            "with another catalog? give it with --catalog)", field=key)


def explain_plan(data: dict[str, Any], *, what_if: bool = True, catalog: Catalog | None = None,
                 previous: dict[str, Any] | None = None) -> str:
    """`catalog` (default: the built-in one) names the exercises and rebuilds the plan for
    the what-if lines; `previous` is the plan this one progressed from (--previous)."""
    from planner.readers.catalog import load_catalog

    exercises = catalog if catalog is not None else load_catalog()
    catalog_by_id = exercises.by_id()
    _require_known_exercises(data, catalog_by_id)
    other = alternatives(data, exercises, previous) if what_if else {}
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

