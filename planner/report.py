"""The terminal view: a week table a runner can read at a glance, and what was given up."""

from __future__ import annotations

from datetime import timedelta

from planner.domain import WEEKDAYS, Plan, Run, WeekPlan

RUN_WIDTH = 16
LABEL_LIMIT = 24  # a calendar event's summary is cut to this many characters


def _runs_on(week: WeekPlan, day_index: int, show_labels: bool = False) -> str:
    day = week.start + timedelta(days=day_index)
    runs = [r for r in week.runs if r.date == day]
    if not runs:
        return "-"
    if show_labels:  # the column widens to fit these; each label is cut instead
        return " + ".join(_labelled(r) for r in runs)
    text = " + ".join(r.kind + (f" {r.minutes}'" if r.minutes else "") for r in runs)
    return text if len(text) <= RUN_WIDTH else text[:RUN_WIDTH - 1] + "…"


def _labelled(run: Run) -> str:
    """`long 110' ("Sunday long run")`: the type and the calendar event it was read from."""
    text = run.kind + (f" {run.minutes}'" if run.minutes else "")
    label = " ".join(run.source_label.split())
    if label:
        if len(label) > LABEL_LIMIT:
            label = label[: LABEL_LIMIT - 1] + "…"
        text += f' ("{label}")'
    return text


def _exercise_line(item) -> str:
    unit = item.exercise.reps_unit
    if item.weight_kg is not None:
        load = f" @{item.weight_kg:g} kg"
    else:
        load = "" if item.dose.load == 0 else f" @{item.load_label}"
    return f"{item.exercise.name} {item.dose.sets}×{item.dose.reps} {unit}{load}"


def week_table(week: WeekPlan, *, show_labels: bool = False) -> list[str]:
    """The week as a table. `show_labels` adds each run's own words (a calendar event's
    summary) after its type, and widens the Run column to fit them."""
    title = f"Week of {week.start.isoformat()}" + ("  (deload week)" if week.deload else "")
    runs = [_runs_on(week, d, show_labels) for d in range(7)]
    width = max(RUN_WIDTH, *(len(text) for text in runs)) if show_labels else RUN_WIDTH
    indent = 4 + 1 + width + 1 + 20
    lines = [title, f"{'Day':<4} {'Run':<{width}} {'Strength':<20} Exercises"]
    sessions = {s.date: s for s in week.sessions}
    for d in range(7):
        day = week.start + timedelta(days=d)
        session = sessions.get(day)
        if session is None:
            lines.append(f"{WEEKDAYS[d]:<4} {runs[d]:<{width}} {'-':<20}")
            continue
        label = f"{session.intensity} {session.start.strftime('%H:%M')} {session.minutes}'"
        items = [_exercise_line(item) for item in session.exercises]
        lines.append(f"{WEEKDAYS[d]:<4} {runs[d]:<{width}} {label:<20} {items[0]}")
        lines.extend(f"{'':<{indent}} {text}" for text in items[1:])
        lines.append(f"{'':<{indent}} why: {session.why}")
    lines.append(gave_up_line(week))
    lines.extend(f"  note: {note}" for note in week.notes)
    return lines


def gave_up_line(week: WeekPlan) -> str:
    if not week.penalties:
        return "Gave up: nothing — every soft objective met."
    parts = [f"{p.text} ({p.rule})" for p in week.penalties]
    return "Gave up: " + "; ".join(parts)


def plan_report(plan: Plan, *, show_labels: bool = False) -> str:
    lines = [f"runstrong plan for {plan.athlete} · {plan.level} · {plan.tz} · status {plan.status}",
             ""]
    for week in plan.weeks:
        lines.extend(week_table(week, show_labels=show_labels))
        lines.append("")
    total = sum(len(w.sessions) for w in plan.weeks)
    heavy = sum(1 for w in plan.weeks for s in w.sessions if s.intensity == "heavy")
    weeks = len(plan.weeks)
    lines.append(f"{total} session{'s' if total != 1 else ''} over {weeks} "
                 f"week{'s' if weeks != 1 else ''}: {heavy} heavy, {total - heavy} light.")
    return "\n".join(lines)
