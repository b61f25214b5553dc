"""The words of each calendar event: a session's title and description (why, warm-up,
numbered exercises with load, tempo and cue, effort, safety) and a run's.

Split from planner.renderers.ics, which places these texts into events; the FIT notes
and the feed reuse them, so a session reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.domain import (
    KEY_RUNS,
    SAFETY_LINE,
    PlannedExercise,
    Run,
    Session,
    WeekPlan,
)
from planner.planning.loads import FIRST_GUESS, load_words, step_legend
from planner.planning.wording import (
    effort_cue,
    season_words,
    session_word,
    shown_cue,
    shown_name,
    tempo_words,
    warmup_text,
)


def run_summary(run: Run) -> str:
    """`Run · long · 110 min`, or the run's own title in place of "Run"."""
    default = {"rest": "Rest day", "cross": "Cross-training"}.get(run.kind, "Run")
    title = " ".join(run.title.split()) or default
    minutes = f" · {run.minutes} min" if run.minutes else ""
    return f"{title} · {run.kind}{minutes}"


def run_description(run: Run) -> str:
    lines = [f"{run.kind.capitalize()} run" if run.kind not in ("rest", "cross")
             else ("Rest day" if run.kind == "rest" else "Cross-training")]
    if run.kind in KEY_RUNS:
        lines[0] += ": a key run; strength sessions are planned around it."
    else:
        lines[0] += "."
    if run.minutes:
        lines.append(f"Length: {run.minutes} min.")
    label = " ".join(run.source_label.split())
    if label and label != " ".join(run.title.split()):
        lines.append(f"Written as: {label}")
    lines.append("From your running plan: runstrong plans strength around it and does "
                 "not change it.")
    return "\n".join(lines)


# The week's phase in the event title, where it changes what the session is.
SUMMARY_TAGS = {"race": "race week", "taper": "taper week", "return": "return week"}


def session_summary(session: Session, *, deload: bool = False, phase: str = "build") -> str:
    """`Leg strength · main · 5 exercises` (a heavy session is the runner's main one), with
    the phase after the session word where it matters (`light (race week)`), `(deload)` in a
    step-back week."""
    word = session_word(session.intensity)
    tag = SUMMARY_TAGS.get(phase) or ("deload" if deload else "")
    intensity = f"{word} ({tag})" if tag else word
    count = len(session.exercises)
    noun = "exercise" if count == 1 else "exercises"
    return f"Leg strength · {intensity} · {count} {noun}"


def season_line(week: WeekPlan) -> str:
    """The week's place in the season, "Season: maintain — running load ... doses held";
    "Season: build" for a plain build week (wording.season_words)."""
    return season_words(week.phase, week.deload, week.phase_why)


def session_description(session: Session, *, equipment: Iterable[str] | None = None,
                        season: str = "") -> str:
    """Plain-text body: why, warm-up, numbered exercises with cues, RIR, safety.

    The warm-up names only drills the runner's `equipment` allows (band walks need a band);
    without it, the kit the session's own exercises use stands for it.
    """
    blocks: list[str] = [season] if season else []
    if session.why:
        blocks.append(session.why)
    kit = (set(equipment) if equipment is not None
           else {item for planned in session.exercises for item in planned.equipment_used})
    loaded = any(planned.dose.load for planned in session.exercises)
    warmup = warmup_text(kit, loaded=loaded, minutes=session.warmup_minutes,
                         after_run=session.after_run)
    blocks.append(f"Warm-up ({session.warmup_minutes} min): {warmup}")
    blocks.append(
        "\n".join(
            _exercise_lines(number, planned)
            for number, planned in enumerate(session.exercises, start=1)
        )
    )
    if any(FIRST_GUESS in planned.why for planned in session.exercises):
        guess = FIRST_GUESS[:1].upper() + FIRST_GUESS[1:]
        blocks.append(f"{guess} (lifts new this week).")
    blocks.append(step_legend(session.exercises))
    blocks.append(effort_cue(session.intensity))
    blocks.append(SAFETY_LINE)
    # Blank lines between blocks read better in Google's event view.
    return "\n\n".join(block for block in blocks if block)


def _exercise_lines(number: int, planned: PlannedExercise) -> str:
    """`1. Goblet squat — 3 × 10 reps · rest 90 s · load: moderate · tempo: ... · range`."""
    exercise = planned.exercise
    dose = planned.dose
    used = planned.equipment_used
    line = (
        f"{number}. {shown_name(exercise, used)} — {dose.sets} × {dose.reps} {exercise.reps_unit}"
        f" · rest {planned.rest_s} s · load: {load_words(planned)}"
        f" · tempo: {tempo_words(planned)} · {planned.range_label}"
    )
    if exercise.best_for:
        line += f"\n   Best for: {exercise.best_for}"
    if exercise.cue:
        line += f"\n   Cue: {shown_cue(exercise, used)}"
    if planned.next_step:
        line += f"\n   Next: {planned.next_step}"
    return line
