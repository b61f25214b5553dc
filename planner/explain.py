"""Plain-words reasons with rule ids: why this day, why this exercise, why no session fits.

Reads only the week's facts (WeekInstance) and the chosen candidates; the model's
variables never leak into the words, so the same text can be checked against RULES.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from constraints.session_shape import HEAVY_SESSION_NEEDS
from planner.domain import EQUIPMENT, KEY_RUNS, WEEKDAYS
from planner.progression import WARMUP_MINUTES

if TYPE_CHECKING:
    from planner.instance import WeekInstance
    from planner.progression import Candidate

GOOD_DAY_WORDS = {
    "easy": "after an easy run", "recovery": "after a recovery run",
    "tempo": "on a moderately hard tempo day", "hill": "on a hill-session day",
    "speed": "on a speed-session day",
}


def _days(days: list[int]) -> str:
    return ", ".join(WEEKDAYS[d] for d in days)


def _blocked_days(inst: WeekInstance, exclude: int) -> list[str]:
    eves = [d for d in inst.days if d != exclude and inst.is_eve_of_key_run(d)]
    races = [d for d in inst.days if d != exclude and inst.has_run(d, "race")]
    longs = [d for d in inst.days if d != exclude and inst.has_run(d, "long")]
    parts = []
    if eves:
        parts.append(f"{_days(eves)} {'is the eve' if len(eves) == 1 else 'are eves'} "
                     "of key runs (H1)")
    if races:
        parts.append(f"{_days(races)}: race day (H11)")
    if longs:
        parts.append(f"{_days(longs)}: long run, no heavy work (H11)")
    return parts


def session_why(inst: WeekInstance, day: int, intensity: str) -> str:
    """E.g. "Wed: after an easy run (S2); Tue, Fri are eves of key runs (H1)"."""
    kinds = inst.kinds(day)
    # The most demanding run of a double day says what kind of day it is.
    good = [GOOD_DAY_WORDS[k] for k in ("speed", "hill", "tempo", "easy", "recovery")
            if k in kinds]
    if good:
        reason = f"{good[0]} (S2)"
    elif not kinds:
        reason = "a rest day, the best room left this week (S2)"
    else:
        reason = f"a {'/'.join(sorted(kinds))} day (S2)"
    parts = [f"{WEEKDAYS[day]}: {reason}"]
    if intensity == "light":
        tomorrow = sorted(inst.kinds(day + 1) & KEY_RUNS)
        if tomorrow:
            parts.append(f"light because tomorrow holds a {'/'.join(tomorrow)} run (H1)")
        elif inst.in_taper(day):
            parts.append(f"light because the race is in {inst.days_to_race(day)} days "
                         "(B2 taper)")
        elif inst.has_run(day, "long"):
            parts.append("light because it is a long-run day (H11)")
        elif inst.deload:
            parts.append("deload week (B1)")
        else:
            parts.append("the second, lighter session of the week (S9)")
    parts.extend(_blocked_days(inst, day))
    if inst.carry.session_dates:
        parts.append("at least a day after the last session (H4)")
    return "; ".join(parts)


def exercise_why(inst: WeekInstance, cand: Candidate, intensity: str) -> str:
    """Which balance slot (H8) and muscles (S1) it covers, and how it progressed (H9)."""
    ex = cand.exercise
    parts = []
    if intensity == "heavy":
        slots = ["/".join(need) for need in HEAVY_SESSION_NEEDS if set(need) & set(ex.patterns)]
        if slots:
            parts.append(f"covers {', '.join(slots)} (H8)")
    if ex.primary:
        parts.append(f"trains {', '.join(ex.primary)} (S1)")
    if not cand.continuing:
        parts.append("new this week")
    elif not cand.changes:
        parts.append("same dose as last week" + (" (deload, B1)" if inst.deload else ""))
    else:
        parts.append(f"changed {cand.changes[0]} only (H9)"
                     + (", deload (B1)" if inst.deload else ""))
    return "; ".join(parts)


def describe_conflict(inst: WeekInstance, conflict: tuple[str, ...]) -> tuple[str, ...]:
    """One plain line per conflicting rule, with the days or numbers that make it bite."""
    lines = []
    for rule in conflict:
        if rule == "H1":
            eves = [d for d in inst.days if inst.is_eve_of_key_run(d)]
            lines.append(f"H1: {_days(eves) or 'no day'} — eve of a key run, light only")
        elif rule == "H11":
            lines.append("H11: no session on race day, no heavy session on a long-run day")
        elif rule == "H4":
            lines.append("H4: a full day must separate two strength sessions")
        elif rule == "B2":
            eves = [d for d in inst.days
                    if any((race - inst.date_of(d)).days == 1 for race in inst.race_dates)]
            lines.append(f"B2: {_days(eves) or 'no day'} — the day before a race, no session; "
                         "light only in the 7 days before and 2 days after")
        elif rule == "H12":
            lines.append(f"H12: {inst.profile.minutes} minutes must hold a "
                         f"{WARMUP_MINUTES['light']}–{WARMUP_MINUTES['heavy']}-minute "
                         "warm-up and at least 4 exercises")
        elif rule == "H5":
            kit = ", ".join(sorted(inst.profile.equipment)) or "none"
            lines.append(f"H5: only exercises your equipment allows (equipment: {kit})")
        elif rule == "H8":
            lines.append("H8: a heavy session needs squat/lunge, hinge, single-leg, calf and "
                         "hip-stability work")
        elif rule == "H2":
            lines.append("H2: every session needs 4 to 7 exercises")
        else:
            from constraints import RULES_BY_ID

            lines.append(f"{rule}: {RULES_BY_ID[rule].title}")
    return tuple(lines)


Feasible = Callable[["WeekInstance", int], bool]


def suggest_changes(inst: WeekInstance, wanted: int, conflict: tuple[str, ...],
                    feasible: Feasible) -> tuple[str, ...]:
    """The least change that makes `wanted` sessions fit, each verified by re-solving."""
    found = []
    if "H12" in conflict or not conflict:
        for minutes in range(inst.profile.minutes + 5, 181, 5):
            trial = replace(inst, profile=replace(inst.profile, minutes=minutes))
            if feasible(trial, wanted):
                found.append(f"try: give each session {minutes} minutes (--minutes {minutes})")
                break
    if "H5" in conflict or "H8" in conflict:
        for item in EQUIPMENT:
            if item in inst.profile.equipment:
                continue
            kit = inst.profile.equipment | {item}
            trial = replace(inst, profile=replace(inst.profile, equipment=kit))
            if feasible(trial, wanted):
                found.append(f"try: add a {item} (--equipment {','.join(sorted(kit))})")
                break
    if {"H1", "H11", "H4", "B2"} & set(conflict):
        for day in inst.days:
            moved = _soften_key_run(inst, day)
            if moved is not None and feasible(moved, wanted):
                run = sorted(inst.kinds(day) & KEY_RUNS)
                found.append(f"try: make {WEEKDAYS[day]}'s {'/'.join(run)} run an easy run, "
                             "or move it a day")
                break
    if wanted > 1:
        found.append(f"or accept {wanted - 1} session(s) this week (--sessions {wanted - 1})")
    return tuple(found)


def _soften_key_run(inst: WeekInstance, day: int) -> WeekInstance | None:
    target = inst.date_of(day)
    if not inst.kinds(day) & KEY_RUNS:
        return None
    runs = tuple(replace(r, kind="easy") if r.date == target and r.kind in KEY_RUNS else r
                 for r in inst.runs)
    races = tuple(d for d in inst.race_dates if d != target)
    return replace(inst, runs=runs, race_dates=races)
