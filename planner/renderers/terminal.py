"""The terminal view: a week table a runner can read at a glance, and what was given up."""

from __future__ import annotations

import re
from datetime import time, timedelta
from itertools import zip_longest

from planner.domain import WEEKDAYS, Plan, Run, WeekPlan, phase_label
from planner.planning.loads import (
    EFFORT_LEGEND,
    HEAVY_EFFORT_LEGEND,
    STEP_LEGEND,
    load_words,
    needs_step_legend,
)
from planner.planning.wording import (
    count_summary,
    runner_text,
    session_word,
    shown_name,
    wrap_parts,
)

RUN_WIDTH = 16
LABEL_LIMIT = 24  # a calendar event's summary is cut to this many characters


def _run_parts(week: WeekPlan, day_index: int, show_labels: bool = False) -> list[str]:
    """Every run of the day, in clock order: `easy 40'`, `speed 75'`."""
    day = week.start + timedelta(days=day_index)
    runs = sorted((r for r in week.runs if r.date == day),
                  key=lambda r: (r.time is None, r.time or time(0)))
    if not runs:
        return ["-"]
    if show_labels:
        return [_labelled(r) for r in runs]
    return [r.kind + (f" {r.minutes}'" if r.minutes else "") for r in runs]


def _labelled(run: Run) -> str:
    """`long 110' ("Sunday long run")`: the type and the calendar event it was read from."""
    text = run.kind + (f" {run.minutes}'" if run.minutes else "")
    label = " ".join(run.source_label.split())
    if label:
        if len(label) > LABEL_LIMIT:
            label = label[: LABEL_LIMIT - 1] + "…"
        text += f' ("{label}")'
    return text


_VARIATION_RE = re.compile(r"\b(harder|easier|new) variation \(was ([^)]*)\)")


def _exercise_line(item) -> str:
    """`Dumbbell step-up 3×10 reps/side @light, slow 3-s lowering (harder variation, was
    Low step-up)`: dose, load, tempo when slowed, and a variation change named."""
    unit = item.exercise.reps_unit
    load = "" if item.dose.load == 0 else f" @{load_words(item, effort=False)}"
    tempo = f", {item.tempo_label}" if item.dose.tempo else ""
    name = shown_name(item.exercise, item.equipment_used)
    text = f"{name} {item.dose.sets}×{item.dose.reps} {unit}{load}{tempo}"
    moved = _VARIATION_RE.search(item.why)
    if moved:
        text += f" ({moved.group(1)} variation, was {moved.group(2)})"
    return text


def week_table(week: WeekPlan, *, show_labels: bool = False,
               show_phase: bool = True) -> list[str]:
    """The week as a table. `show_labels` adds each run's own words (a calendar event's
    summary) after its type, and widens the Run column to fit them. A day with more runs
    than fit the column (a double day) wraps onto the next lines; nothing is cut off. The
    heading names the week's phase (`show_phase`, or always when it is not plain build)."""
    plain = week.phase == "build" and not week.deload
    marker = f"  ({phase_label(week.phase, week.deload)})" if show_phase or not plain else ""
    title = f"Week of {week.start.isoformat()}{marker}"
    parts = [_run_parts(week, d, show_labels) for d in range(7)]
    if show_labels:
        width = max(RUN_WIDTH, *(len(" + ".join(p)) for p in parts))
    else:
        width = max(RUN_WIDTH, *(len(part) + 2 for p in parts for part in p))
    runs = [wrap_parts(p, width) for p in parts]
    lines = [title, *([f"Season: {week.phase_why}"] if week.phase_why else []),
             f"{'Day':<4} {'Run':<{width}} {'Strength':<20} Exercises"]
    sessions = {s.date: s for s in week.sessions}
    for d in range(7):
        day = week.start + timedelta(days=d)
        session = sessions.get(day)
        if session is None:
            right = [f"{'-':<20}"]
        else:
            label = (f"{session_word(session.intensity)} {session.start.strftime('%H:%M')} "
                     f"{session.minutes}'")
            items = [_exercise_line(item) for item in session.exercises]
            right = [f"{label:<20} {items[0] if items else ''}"]
            right += [f"{'':<20} {text}" for text in items[1:]]
            right.append(f"{'':<20} why: {session.why}")
        for n, (run_text, rest) in enumerate(zip_longest(runs[d], right, fillvalue="")):
            day_name = WEEKDAYS[d] if n == 0 else ""
            lines.append(f"{day_name:<4} {run_text:<{width}} {rest}".rstrip())
    lines.append(gave_up_line(week))
    lines.extend(f"  note: {note}" for note in week.notes)
    return lines


def gave_up_line(week: WeekPlan) -> str:
    """What the plan paid, in the runner's words; a cost about a session the week does not
    hold (a "main session" in a week without one) is not listed, it was not given up."""
    shown = [p for p in week.penalties if _applies(p.text, week)]
    if not shown:
        return "Gave up: nothing — every soft objective met."
    parts = [f"{_kit_names(runner_text(p.text), week)} ({p.rule})" for p in shown]
    return "Gave up: " + "; ".join(parts)


def _kit_names(text: str, week: WeekPlan) -> str:
    """Exercise names in a penalty as the table shows them, with the runner's own kit."""
    for session in week.sessions:
        for item in session.exercises:
            name = item.exercise.name
            if name in text:
                text = text.replace(name, shown_name(item.exercise, item.equipment_used))
    return text


def _applies(text: str, week: WeekPlan) -> bool:
    held = {s.intensity for s in week.sessions}
    for intensity in ("heavy", "light"):
        if f"out of the {intensity} session" in text and intensity not in held:
            return False
    return True


def plan_report(plan: Plan, *, show_labels: bool = False) -> str:
    lines = [f"runstrong plan for {plan.athlete} · {plan.level} · {plan.tz} · status {plan.status}",
             ""]
    # A single plain week has no season to place it in; a block names every week's phase.
    season = len(plan.weeks) > 1
    for week in plan.weeks:
        lines.extend(week_table(week, show_labels=show_labels, show_phase=season))
        lines.append("")
    lines.append(count_summary((s.intensity for w in plan.weeks for s in w.sessions),
                               len(plan.weeks)))
    lines.extend(load_legend(plan))
    return "\n".join(lines)


def load_legend(plan: Plan) -> list[str]:
    """What `@light` and `+1 step` mean, once, when the table uses them (no --weights)."""
    items = [item for w in plan.weeks for s in w.sessions for item in s.exercises]
    loads = [(item.dose.load, item.weight_kg) for item in items]
    unnamed = [item for item in items if item.dose.load >= 1 and item.weight_kg is None]
    lines = []
    if any(not item.heavier_start for item in unnamed):
        lines.append(f"Loads: {EFFORT_LEGEND}")
    if any(item.heavier_start for item in unnamed):
        lines.append(f"{'       ' if lines else 'Loads: '}{HEAVY_EFFORT_LEGEND}")
    if needs_step_legend(loads):
        lines.append(f"       {STEP_LEGEND}")
    return lines
