"""Doses and how they may move from one week to the next (H9, deload, level start points).

The model never invents numbers: every prescription it can choose is a `Candidate` built
here from the catalog's ranges (the article's "Suggested sets and reps" and "Rest") and
last week's dose. H9 is then a constraint over these candidates, not a filter here, so a
test can show the model refusing a two-variable jump.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from planner.domain import DOSE_FIELDS, Dose, Exercise

WARMUP_MINUTES = 8  # article: "5–8 minutes of easy movement" then drills and 1–2 practice sets
SETUP_SECONDS = 60  # moving kit, switching sides, the practice set
SECONDS_PER_REP = (4, 6)  # by tempo index: controlled, slow 3-s lowering
TWO_SIDED_UNITS = frozenset({"reps/side", "steps/side", "steps/direction"})
MAX_LOAD = 3


@dataclass(frozen=True)
class Candidate:
    """One prescription the model may pick for a family at one intensity this week."""

    exercise: Exercise
    dose: Dose
    rest_s: int
    minutes: int
    changes: tuple[str, ...]  # DOSE_FIELDS that differ from last week's dose; () if new or kept
    progressed: bool  # exactly one change, towards harder
    continuing: bool  # the family was done at this intensity last week


def exercise_minutes(exercise: Exercise, dose: Dose, rest_s: int) -> int:
    """Session time an exercise takes: sets × (work + rest) + setup, rounded up to a minute.

    The same formula is documented in docs/rules.md so the independent checker can
    recompute it.
    """
    sides = 2 if exercise.reps_unit in TWO_SIDED_UNITS else 1
    per_rep = 1 if exercise.reps_unit == "seconds" else SECONDS_PER_REP[dose.tempo]
    work_s = dose.reps * per_rep * sides
    return math.ceil((dose.sets * (work_s + rest_s) + SETUP_SECONDS) / 60)


def rest_seconds(exercise: Exercise, intensity: str) -> int:
    """Light control work takes the short end of the article's rest range; heavy the middle."""
    if intensity == "light":
        return exercise.rest_min_s
    middle = (exercise.rest_min_s + exercise.rest_max_s) // 2
    return max(exercise.rest_min_s, middle - middle % 15)


def rep_step(exercise: Exercise) -> int:
    return 5 if exercise.reps_unit == "seconds" else 2


def start_dose(exercise: Exercise, level: str, intensity: str, new_to_strength: bool) -> Dose:
    """Where a runner starts on an exercise: conservative, inside the article's ranges.

    Beginners and light sessions use the article's lowest set count ("Keep the first few
    weeks conservative"); others start one set higher. Reps start mid-range so there is
    room to progress in both directions.
    """
    cautious = level == "beginner" or new_to_strength or intensity == "light"
    sets = exercise.sets_min if cautious else min(exercise.sets_min + 1, exercise.sets_max)
    reps = exercise.reps_min + (exercise.reps_max - exercise.reps_min) // 2
    if exercise.loaded:
        load = 2 if (level == "advanced" and intensity == "heavy" and not new_to_strength) else 1
    else:
        load = 0
    full_range = 0 if cautious else 1
    return Dose(exercise.id, sets, reps, load, 0, full_range)


def dose_changes(before: Dose, after: Dose) -> tuple[str, ...]:
    """Which H9 variables differ. A new variation brings its own starting load, so load is
    only compared within the same variation."""
    changed = [name for name in DOSE_FIELDS if getattr(before, name) != getattr(after, name)]
    if "variation" in changed and "load" in changed:
        changed.remove("load")
    return tuple(changed)


LIGHT_MAX_LOAD = 1  # a light session is control work: bodyweight or a light load


def _within(exercise: Exercise, dose: Dose, intensity: str = "heavy") -> bool:
    """Inside the article's ranges; a light session keeps the article's lowest set count and
    at most a light load, so it never grows heavier than the heavy one."""
    if intensity == "light" and (dose.sets > exercise.sets_min or dose.load > LIGHT_MAX_LOAD):
        return False
    return (exercise.sets_min <= dose.sets <= exercise.sets_max
            and exercise.reps_min <= dose.reps <= exercise.reps_max
            and 0 <= dose.load <= (MAX_LOAD if exercise.loaded else 0)
            and dose.tempo in (0, 1) and dose.range in (0, 1))


def _harder_steps(exercise: Exercise, dose: Dose) -> list[Dose]:
    step = rep_step(exercise)
    steps = [
        replace(dose, reps=dose.reps + step),
        replace(dose, sets=dose.sets + 1),
        replace(dose, tempo=1),
        replace(dose, range=1),
    ]
    if exercise.loaded:
        steps.append(replace(dose, load=dose.load + 1))
    return [s for s in steps if s != dose]


def _switch_variation(to: Exercise, dose: Dose, level: str, intensity: str,
                      new_to_strength: bool) -> Dose:
    """Change only the variation: keep sets/reps/tempo/range when they fit the new variation."""
    fresh = start_dose(to, level, intensity, new_to_strength)
    kept = replace(dose, variation=to.id, load=fresh.load)
    return kept if _within(to, kept, intensity) else replace(
        fresh, sets=dose.sets if to.sets_min <= dose.sets <= to.sets_max else fresh.sets,
        tempo=dose.tempo, range=dose.range)


def _easier_steps(exercise: Exercise, dose: Dose, by_id: dict[str, Exercise]) -> list[
        tuple[Exercise, Dose]]:
    """One step back on a single variable: for work the runner marked too hard."""
    step = rep_step(exercise)
    steps = [replace(dose, reps=dose.reps - step), replace(dose, sets=dose.sets - 1),
             replace(dose, load=dose.load - 1), replace(dose, tempo=0), replace(dose, range=0)]
    offers = [(exercise, s) for s in steps if s != dose]
    easier = by_id.get(exercise.easier)
    if easier is not None:
        offers.append((easier, replace(dose, variation=easier.id,
                                       load=1 if easier.loaded else 0)))
    return offers


def candidates_for(family: Sequence[Exercise], intensity: str, level: str,
                   new_to_strength: bool, previous: Dose | None, deload: bool,
                   adherence: str = "") -> list[Candidate]:
    """Every prescription worth offering the model for one family at one intensity.

    `adherence` is "hold" (last week's work was skipped: repeat it) or "regress" (marked
    too hard: one step easier), else progression as usual.
    """
    by_id = {ex.id: ex for ex in family}
    allowed = [ex for ex in family if intensity in ex.sessions]
    if previous is None or previous.variation not in by_id:
        return _unique(_candidate(ex, start_dose(ex, level, intensity, new_to_strength),
                                  intensity, None) for ex in allowed)
    current = by_id[previous.variation]
    offers: list[tuple[Exercise, Dose]] = []
    if adherence in ("hold", "regress"):
        offers = [(current, previous)] if adherence == "hold" else _easier_steps(
            current, previous, by_id)
        return _unique(_candidate(ex, dose, intensity, previous) for ex, dose in offers
                       if intensity in ex.sessions and _within(ex, dose, intensity))
    if deload:
        offers.append((current, deload_dose(current, previous)))
    else:
        offers.append((current, previous))
        singles = _harder_steps(current, previous)
        offers.extend((current, d) for d in singles)
        # Two-variable jumps exist only so H9 has something to forbid; see constraints/progression.
        offers.extend((current, _combine(previous, a, b)) for i, a in enumerate(singles)
                      for b in singles[i + 1:])
    for other in allowed:
        if other.id != current.id and not deload:
            offers.append((other, _switch_variation(other, previous, level, intensity,
                                                    new_to_strength)))
    result = []
    for ex, dose in offers:
        if intensity not in ex.sessions:
            continue
        if not _within(ex, dose, intensity):
            continue
        result.append(_candidate(ex, dose, intensity, previous))
    return _unique(result)


def deload_dose(exercise: Exercise, dose: Dose) -> Dose:
    """B1: about a third less volume, one variable: a set fewer while the article's range
    allows it, else about a third fewer reps; at the bottom of both, unchanged."""
    if dose.sets > exercise.sets_min:
        return replace(dose, sets=dose.sets - 1)
    fewer = max(exercise.reps_min, dose.reps - max(1, dose.reps // 3))
    return replace(dose, reps=fewer)


def _combine(base: Dose, a: Dose, b: Dose) -> Dose:
    merged = base
    for name in DOSE_FIELDS:
        for step in (a, b):
            if getattr(step, name) != getattr(base, name):
                merged = replace(merged, **{name: getattr(step, name)})
    return merged


def _is_harder(before: Dose, after: Dose, changes: tuple[str, ...]) -> bool:
    """One numeric variable went up (variation changes are judged on the ladder instead)."""
    if len(changes) != 1 or changes[0] == "variation":
        return False
    return getattr(after, changes[0]) > getattr(before, changes[0])


def _candidate(ex: Exercise, dose: Dose, intensity: str, previous: Dose | None) -> Candidate:
    rest = rest_seconds(ex, intensity)
    if previous is None:
        changes: tuple[str, ...] = ()
        progressed = False
    else:
        changes = dose_changes(previous, dose)
        progressed = (changes == ("variation",) and _ladder_up(previous.variation, ex)) or \
            _is_harder(previous, dose, changes)
    return Candidate(ex, dose, rest, exercise_minutes(ex, dose, rest), changes, progressed,
                     previous is not None)


def _ladder_up(previous_id: str, ex: Exercise) -> bool:
    return ex.easier == previous_id


def _unique(items: Iterable[Candidate]) -> list[Candidate]:
    seen: dict[Dose, Candidate] = {}
    for item in items:
        seen.setdefault(item.dose, item)
    return sorted(seen.values(), key=lambda c: (c.exercise.id, _dose_key(c.dose)))


def _dose_key(dose: Dose) -> tuple[int, int, int, int, int]:
    return (dose.sets, dose.reps, dose.load, dose.tempo, dose.range)
