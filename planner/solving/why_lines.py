"""Plain-words reasons with rule ids: why this day and why this exercise, dose and change.

Reads only the week's facts (WeekInstance) and the chosen candidates; the model's
variables never leak into the words, so the same text can be checked against RULES.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import TYPE_CHECKING

from constraints.session_shape import HEAVY_SESSION_NEEDS
from planner.domain import KEY_RUNS, RANGE_LABELS, TEMPO_LABELS, WEEKDAYS
from planner.planning.loads import FIRST_GUESS, next_step_words, words
from planner.planning.progression import EASIER_REASONS, is_advanced_main_lift, named_weight
from planner.planning.wording import (
    days_phrase,
    equipment_used,
    plural,
    run_relation,
    session_word,
    with_article,
)

if TYPE_CHECKING:
    from planner.planning.instance import WeekInstance
    from planner.planning.progression import Candidate

# The most demanding run of a double day says what kind of day it is.
DAY_ORDER = ("race", "long", "speed", "hill", "tempo", "easy", "recovery", "cross")
KEY_DAY_WORDS = {
    "tempo": "on a moderately hard tempo day", "hill": "on a hill-session day",
    "speed": "on a speed-session day", "long": "on a long-run day", "race": "on a race day",
    "cross": "on a cross-training day",
}


def _days(days: list[int]) -> str:
    return ", ".join(WEEKDAYS[d] for d in days)


def _blocked_days(inst: WeekInstance, exclude: int) -> list[str]:
    eves = [d for d in inst.days if d != exclude and inst.is_eve_of_key_run(d)]
    races = [d for d in inst.days if d != exclude and inst.has_run(d, "race")]
    longs = [d for d in inst.days if d != exclude and inst.has_run(d, "long")]
    parts = []
    if eves:
        parts.append(days_phrase([WEEKDAYS[d] for d in eves], "is the eve of a key run",
                                 "are eves of key runs") + " (H1)")
    if races:
        parts.append(f"{_days(races)}: race day (H11)")
    if longs:
        parts.append(f"{_days(longs)}: long run, no {session_word('heavy')} session (H11)")
    return parts


def _day_reason(inst: WeekInstance, day: int, start: time | None) -> str:
    """What kind of day it is, and where the session sits against its runs by clock time:
    "after the 07:00 easy run", "before the 19:00 easy run", "on an easy-run day"."""
    kinds = inst.kinds(day)
    kind = next((k for k in DAY_ORDER if k in kinds), None)
    if kind is None:
        if not kinds:
            return "a rest day, the best room left this week"
        return f"{with_article('/'.join(sorted(kinds)))} day"
    # Easy and recovery days read by clock time alone; other days say what they are first.
    runs = sorted((r for r in inst.runs if r.date == inst.date_of(day) and r.kind == kind),
                  key=lambda r: (r.time is None, r.time or time(0)))
    if kind in KEY_DAY_WORDS:
        timed = [r for r in runs if r.time is not None]
        if start is None or not timed:
            return KEY_DAY_WORDS[kind]
        return f"{KEY_DAY_WORDS[kind]}, {run_relation(timed[0], start)}"
    if start is not None:
        # After a run that came earlier in the day is the article's choice; name that one.
        before = [r for r in runs if r.time is not None and r.time < start]
        if before:
            return run_relation(before[-1], start)
    return run_relation(runs[0], start)


def _light_order(day: int, week: Sequence[tuple[int, str]] | None) -> str:
    """Why a light session is light when no run or taper explains it, true for its place in
    the week's date order."""
    if week is None:
        return "a lighter session (S9)"
    ordered = sorted(week)
    main = [d for d, intensity in ordered if intensity == "heavy"]
    if not main:
        return f"no {session_word('heavy')} session this week (S9)"
    if len(ordered) == 2:
        if ordered[1][0] == day:
            return "the second, lighter session of the week (S9)"
        return (f"the lighter of the week's two sessions; the {session_word('heavy')} one is "
                f"on {WEEKDAYS[main[0]]} (S9)")
    return f"lighter than the week's {session_word('heavy')} session (S9)"


def session_why(inst: WeekInstance, day: int, intensity: str, *, start: time | None = None,
                week: Sequence[tuple[int, str]] | None = None) -> str:
    """E.g. "Wed: after the 07:00 easy run (S2); Tue, Fri are eves of key runs (H1)".

    `start` is the session's clock time: "after"/"before" a run is said only against it
    (without it, "on an easy-run day"). `week` is every session of the week as (day,
    intensity), so "the second, lighter session" is said only of the second by date.
    """
    parts = [f"{WEEKDAYS[day]}: {_day_reason(inst, day, start)} (S2)"]
    if intensity == "light":
        tomorrow = sorted(inst.kinds(day + 1) & KEY_RUNS)
        if tomorrow:
            parts.append(f"light because tomorrow holds {with_article('/'.join(tomorrow))} run "
                         "(H1)")
        elif inst.in_taper(day) and inst.phase == "race":
            parts.append(f"race week: light, the race is in "
                         f"{plural(inst.days_to_race(day), 'day')} (B4)")
        elif inst.in_taper(day):
            parts.append(f"light because the race is in {plural(inst.days_to_race(day), 'day')} "
                         "(B2 taper)")
        elif inst.has_run(day, "long"):
            parts.append("light because it is a long-run day (H11)")
        elif inst.deload:
            parts.append(("race week (B4)" if inst.phase == "race" else "taper week (B2)")
                         if inst.taper else "return week: no bigger than race week (B6)"
                         if inst.phase == "return" else "deload week (B1)")
        else:
            parts.append(_light_order(day, week))
    elif inst.taper:
        parts.append("taper: less volume than the peak (the slow lowering goes first, then a "
                     "set) in the last two weeks before the race (B2)")
    elif inst.deload:
        parts.append("deload week: one set fewer, the same load (B1)")
    if inst.phase == "race" and not inst.carry.seen:
        # The plan starts in race week: B4 cannot hold it to what the runner has done.
        parts.append("only moves you already know; skip any you have not done before")
    parts.extend(_blocked_days(inst, day))
    if inst.carry.session_dates:
        parts.append("at least a day after the last session (H4)")
    return "; ".join(parts)


def _ladder_step(inst: WeekInstance, before: str, after: str) -> int:
    """+1 when `after` is above `before` on the family's ladder, -1 below, 0 unknown."""
    for direction, link in ((1, "harder"), (-1, "easier")):
        seen = inst.exercise(before)
        while seen is not None and getattr(seen, link):
            seen = inst.exercise(getattr(seen, link))
            if seen is not None and seen.id == after:
                return direction
    return 0


def _change_words(inst: WeekInstance, cand: Candidate, intensity: str) -> str:
    """The one H9 change in a runner's words: "harder variation (was Low step-up)"."""
    change = cand.changes[0]
    before = inst.carry.doses.get((cand.exercise.family_no, intensity))
    after = cand.dose
    if before is None:
        return f"changed {change}"
    if change == "variation":
        step = _ladder_step(inst, before.variation, after.variation)
        known = inst.exercise(before.variation)
        was = known.name if known else before.variation
        word = {1: "harder", -1: "easier"}.get(step, "new")
        return f"{word} variation (was {was})"
    if change == "tempo":
        return (f"tempo now {TEMPO_LABELS[after.tempo]}" if after.tempo > before.tempo
                else f"tempo back to {TEMPO_LABELS[after.tempo]}")
    if change == "load":
        return (f"load {'up' if after.load > before.load else 'down'} to "
                f"{_load(inst, cand, intensity)}")
    if change == "range":
        return f"range now {RANGE_LABELS[after.range]}"
    old, new = getattr(before, change), getattr(after, change)
    # reps in the exercise's own unit: "2 fewer steps" for a band walk, seconds for a hold
    unit = cand.exercise.reps_unit.split("/")[0]
    noun = {"sets": "set", "reps": unit.removesuffix("s") or "rep"}.get(change, change)
    diff = abs(new - old)
    more = "more" if new > old else "fewer"
    return f"one {more} {noun}" if diff == 1 else f"{diff} {more} {noun}s"


def _first_weight(inst: WeekInstance, cand: Candidate, intensity: str) -> bool:
    """The first week this lift holds kilograms: new, or a loaded variation taking over
    from a bodyweight one (its weight is arithmetic on the runner's list)."""
    if not cand.exercise.loaded or not named_weight(cand.exercise, cand.dose.load,
                                                    inst.profile):
        return False
    if not cand.continuing:
        return True
    before = inst.carry.doses.get((cand.exercise.family_no, intensity))
    was = inst.exercise(before.variation) if before else None
    return was is not None and not was.loaded


def _step_back(inst: WeekInstance) -> str:
    """Which rule steps the week back, as a why-line says it."""
    if inst.phase == "race":
        return "race week, B4"
    if inst.taper:
        return "taper, B2"
    if inst.phase == "return":
        return "return week, B6"
    return "deload, B1"


def _load(inst: WeekInstance, cand: Candidate, intensity: str = "heavy") -> str:
    """The new load as every output says it: `10 kg per hand`, else `light +1 step`."""
    kg = named_weight(cand.exercise, cand.dose.load, inst.profile)
    used = equipment_used(cand.exercise.equipment, inst.profile.equipment)
    return words(cand.dose.load, kg, cand.exercise.id, used, effort=False,
                 heavier_start=is_advanced_main_lift(cand.exercise, inst.profile.level,
                                                     intensity))


def next_step(inst: WeekInstance, cand: Candidate, intensity: str = "heavy") -> str:
    """Where the ladder stops (the heaviest owned weight; a main session's bodyweight lift
    at the top of its reps): what to do next (loads.next_step_words), else "". A step-back,
    taper, race, return or maintain week advises no progression: it is not the week. A
    light session's bodyweight work stays light: no slower lowering or load there."""
    if inst.deload or inst.taper or inst.phase != "build":
        return ""
    if intensity == "light" and not cand.exercise.loaded:
        return ""
    return next_step_words(cand.exercise, cand.dose, inst.profile, inst.exercises)


def exercise_why(inst: WeekInstance, cand: Candidate, intensity: str,
                 next_words: str | None = None) -> str:
    """What it does for a runner (the article's "Best for"), which balance slot (H8) and
    muscles (S1) it covers, and how it progressed (H9)."""
    ex = cand.exercise
    parts = []
    if ex.best_for:
        parts.append(f"best for {ex.best_for[:1].lower()}{ex.best_for[1:].rstrip('.')}")
    if intensity == "heavy":
        slots = ["/".join(need) for need in HEAVY_SESSION_NEEDS if set(need) & set(ex.patterns)]
        if slots:
            parts.append(f"covers {', '.join(slots)} (H8)")
    if ex.primary:
        parts.append(f"trains {', '.join(ex.primary)} (S1)")
    if not cand.continuing:
        parts.append("new this week")
    elif not cand.changes and (cand.exercise.family_no, intensity) in inst.carry.returned:
        parts.append("back to the dose before the step-back week (B1)")
    elif not cand.changes:
        parts.append("same dose as last time" + (f" ({_step_back(inst)})" if inst.deload else ""))
    else:
        because = f" because {EASIER_REASONS.get(cand.reason, cand.reason)}" if cand.reason else ""
        parts.append(f"{_change_words(inst, cand, intensity)}{because}, nothing else changed (H9)"
                     + (f"; {_step_back(inst)}" if inst.deload else ""))
    if _first_weight(inst, cand, intensity):
        parts.append(FIRST_GUESS)
    heaviest = next_step(inst, cand, intensity) if next_words is None else next_words
    if heaviest:
        parts.append(heaviest.rstrip("."))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
