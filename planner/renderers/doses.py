"""A block's doses at a glance: one Markdown table per session type, weeks down, exercises
across, for a coach to read the progression (reps climbing, loads stepping up, deloads and
the taper) without opening sixteen weeks of sessions.

`python -m planner.services.doses RUNS.csv --level intermediate --equipment dumbbell,band`
prints the table for a runs file; docs/block-16-weeks.md is this output for the example
block, kept current by a test.
"""

from __future__ import annotations

from planner.domain import PHASE_WORDS, Plan, PlannedExercise, WeekPlan
from planner.planning.loads import load_words

KIND_TITLES = (("heavy", "Main session"), ("light", "Light session"))


def dose_cell(item: PlannedExercise) -> str:
    """`3×10 @light +1 step`, `2×15 s`, with the tempo when it is slow."""
    unit = {"seconds": " s", "reps/side": "/side", "steps/side": "/side",
            "steps/direction": "/way"}.get(item.exercise.reps_unit, "")
    text = f"{item.dose.sets}×{item.dose.reps}{unit}"
    if item.dose.load:
        text += f" @{load_words(item, effort=False)}"
    if item.dose.tempo:
        text += ", slow"
    return text


def _week_label(number: int, week: WeekPlan) -> str:
    """`4 (2027-01-25) step-back`, `13 (2027-03-29) maintain`, `16 (2027-04-19) race week`."""
    mark = ("step-back" if week.deload and week.phase in ("build", "maintain")
            else "" if week.phase == "build" else PHASE_WORDS[week.phase])
    return f"{number} ({week.start.isoformat()})" + (f" {mark}" if mark else "")


def dose_table(plan: Plan) -> str:
    lines = [f"# Doses of the block, week by week: {plan.athlete} ({plan.level})", "",
             "Each cell is sets × reps (per side or per way where it says so) and the load; "
             "\"light +1 step\" is the next dumbbell up from the light start weight, \"slow\" "
             "a 3-second lowering. The variation is named in its first week and when it "
             "changes. A dash: not in that week's session. Step-back and taper "
             "weeks take a set off; the week after a step-back returns to the dose before "
             "it; maintain weeks hold every dose; race week holds one short light session "
             "at most (docs/coaching.md, \"The season: phases\").",
             ""]
    for intensity, title in KIND_TITLES:
        names: list[str] = []
        for week in plan.weeks:
            for session in week.sessions:
                if session.intensity != intensity:
                    continue
                for item in session.exercises:
                    if item.exercise.family not in names:
                        names.append(item.exercise.family)
        if not names:
            continue
        lines += [f"## {title}", "", "| week | " + " | ".join(names) + " |",
                  "|---|" + "---|" * len(names)]
        last_variation: dict[str, str] = {}
        for number, week in enumerate(plan.weeks, start=1):
            cells = dict.fromkeys(names, "—")
            for session in week.sessions:
                if session.intensity != intensity:
                    continue
                for item in session.exercises:
                    shown = dose_cell(item)
                    family = item.exercise.family
                    if last_variation.get(family) != item.exercise.id:
                        shown = f"{item.exercise.name}: {shown}"  # named when it changes
                        last_variation[family] = item.exercise.id
                    cells[family] = shown
            lines.append(f"| {_week_label(number, week)} | "
                         + " | ".join(cells[name] for name in names) + " |")
        lines.append("")
    return "\n".join(lines)
