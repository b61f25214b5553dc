"""`runstrong explain`: the full account of a plan JSON, rule id by rule id."""

from __future__ import annotations

from typing import Any

from constraints import RULES_BY_ID, SOFT_RULES


def explain_plan(data: dict[str, Any]) -> str:
    lines = [f"Plan for {data['athlete']} ({data['level']}), status {data.get('status', '?')}."]
    for week in data["weeks"]:
        lines.append("")
        lines.append(f"Week of {week['start']}" + (" — deload (B1)" if week.get("deload") else ""))
        for session in week["sessions"]:
            lines.append(f"  {session.get('day', '')} {session['date']} · {session['intensity']}"
                         f" · {len(session['exercises'])} exercises")
            lines.append(f"    why this day: {session.get('why', '')}")
            for item in session["exercises"]:
                lines.append(f"    - {item['name']}: {item.get('why', '')}")
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
            lines.extend(f"      · {p['text']} (+{p['cost']})" for p in items)
        for note in week.get("notes", []):
            lines.append(f"  note: {note}")
    lines.append("")
    lines.append("Weights (cost of one miss): " + ", ".join(
        f"{r.id}={RULES_BY_ID[r.id].weight}" for r in SOFT_RULES))
    return "\n".join(lines)
