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

from planner.domain import DOSE_FIELDS, LOAD_LABELS, LOADED_EQUIPMENT, Dose, Exercise, Profile

# The article: "Start with 5–8 minutes of easy movement ... Then perform a few low-intensity
# warm-up drills". A main session takes the long end (drills and practice sets before the
# loaded work); a light session, already control work, the short end.
WARMUP_MINUTES: dict[str, int] = {"heavy": 8, "light": 5}
SETUP_SECONDS = 30  # one short set-up per exercise: pick up the weight, find the step
SECONDS_PER_REP = (3, 5)  # by tempo index: controlled, slow 3-s lowering
SECONDS_PER_SIDESTEP = 2  # a lateral band-walk step
TWO_SIDED_UNITS = frozenset({"reps/side", "steps/side", "steps/direction"})
LOWERING_UNITS = frozenset({"reps", "reps/side", "steps/side"})
MAX_LOAD = len(LOAD_LABELS) - 1


@dataclass(frozen=True)
class Candidate:
    """One prescription the model may pick for a family at one intensity this week."""

    exercise: Exercise
    dose: Dose
    rest_s: int
    seconds: int  # work + rest between sets + set-up, what H12 adds up
    changes: tuple[str, ...]  # DOSE_FIELDS that differ from last week's dose; () if new or kept
    progressed: bool  # exactly one change, towards harder
    continuing: bool  # the family was done at this intensity last week

    @property
    def minutes(self) -> int:
        return math.ceil(self.seconds / 60)


def work_seconds(reps_unit: str, reps: int, tempo: int) -> int:
    """One set's work: both sides back to back for a unilateral exercise; timed work (pogo
    hops) is its seconds."""
    if reps_unit == "seconds":
        return reps
    per_rep = SECONDS_PER_SIDESTEP if reps_unit == "steps/direction" else SECONDS_PER_REP[tempo]
    sides = 2 if reps_unit in TWO_SIDED_UNITS else 1
    return reps * per_rep * sides


def exercise_seconds(exercise: Exercise, dose: Dose, rest_s: int) -> int:
    """sets × work + rest between sets (none after the last) + one set-up. The same formula
    is documented in docs/rules.md so the independent checker can recompute it."""
    work = work_seconds(exercise.reps_unit, dose.reps, dose.tempo)
    return dose.sets * work + (dose.sets - 1) * rest_s + SETUP_SECONDS


def exercise_minutes(exercise: Exercise, dose: Dose, rest_s: int) -> int:
    return math.ceil(exercise_seconds(exercise, dose, rest_s) / 60)


def session_minutes(intensity: str, exercise_seconds_total: int) -> int:
    """What a session takes, warm-up included (H12)."""
    return WARMUP_MINUTES[intensity] + math.ceil(exercise_seconds_total / 60)


def rest_seconds(exercise: Exercise, intensity: str) -> int:
    """Light control work takes the short end of the article's rest range; heavy the middle."""
    if intensity == "light":
        return exercise.rest_min_s
    middle = (exercise.rest_min_s + exercise.rest_max_s) // 2
    return max(exercise.rest_min_s, middle - middle % 15)


def rep_step(exercise: Exercise) -> int:
    return 5 if exercise.reps_unit == "seconds" else 2


def planned_sets(exercise: Exercise, level: str, intensity: str, new_to_strength: bool) -> int:
    """Sets are fixed by level and session type, so progression moves reps and load: the
    article's beginner session and its light session are 2 sets of each exercise; an
    intermediate or advanced main session follows the sample workout (3 sets of the big
    lifts and calves, 2 of step-ups and band walks)."""
    if level == "beginner" or new_to_strength or intensity == "light":
        return exercise.sets_min
    wanted = exercise.main_sets or exercise.sets_min + 1
    return max(exercise.sets_min, min(wanted, exercise.sets_max))


def start_reps(exercise: Exercise) -> int:
    """Mid-range, so reps have room to climb before the load steps up."""
    return exercise.reps_min + (exercise.reps_max - exercise.reps_min) // 2


def start_dose(exercise: Exercise, level: str, intensity: str, new_to_strength: bool) -> Dose:
    """Where a runner starts on an exercise: conservative, inside the article's ranges
    ("Keep the first few weeks conservative"); a loaded variation starts light."""
    cautious = level == "beginner" or new_to_strength or intensity == "light"
    sets = planned_sets(exercise, level, intensity, new_to_strength)
    load = 1 if exercise.loaded else 0
    full_range = 0 if cautious else 1
    return Dose(exercise.id, sets, start_reps(exercise), load, 0, full_range)


def dose_changes(before: Dose, after: Dose) -> tuple[str, ...]:
    """Which H9 variables differ. Two changes count as one because they are one step:
    a new variation brings its own starting load and reps, and a load step brings the reps
    back down (double progression: "increase load when you can complete all target reps")."""
    changed = [name for name in DOSE_FIELDS if getattr(before, name) != getattr(after, name)]
    if "variation" in changed:
        changed = [name for name in changed if name not in ("load", "reps")]
    elif "load" in changed and "reps" in changed and after.load > before.load \
            and after.reps < before.reps:
        changed.remove("reps")
    return tuple(changed)


LIGHT_MAX_LOAD = 1  # a light session is control work: bodyweight or a light load
WEIGHT_START_INDEX = {"beginner": 0, "intermediate": 1, "advanced": 2}


def loaded_item(exercise: Exercise, owned: frozenset[str]) -> str | None:
    """The loading item of a loaded variation that the runner owns (dumbbell, kettlebell…)."""
    for options in exercise.equipment:
        for item in options:
            if item in LOADED_EQUIPMENT and item in owned:
                return item
    return None


def load_ceiling(exercise: Exercise, profile: Profile) -> int:
    """The highest load step: the heaviest weight the runner listed, else the ladder's top."""
    if not exercise.loaded:
        return 0
    item = loaded_item(exercise, profile.equipment)
    weights = profile.weights_for(item) if item else ()
    if not weights:
        return MAX_LOAD
    start = min(WEIGHT_START_INDEX[profile.level], len(weights) - 1)
    return max(1, min(MAX_LOAD, len(weights) - start))


def named_weight(exercise: Exercise, load: int, profile: Profile) -> float | None:
    """The kg of a load step when the runner listed the weights they own (--weights):
    the start weight by level (lightest for a beginner, the next ones up for intermediate
    and advanced), then one weight up per step."""
    if load < 1:
        return None
    item = loaded_item(exercise, profile.equipment)
    weights = profile.weights_for(item) if item else ()
    if not weights:
        return None
    start = min(WEIGHT_START_INDEX[profile.level], len(weights) - 1)
    return weights[min(start + load - 1, len(weights) - 1)]


def _within(exercise: Exercise, dose: Dose, intensity: str = "heavy",
            ceiling: int = MAX_LOAD) -> bool:
    """Inside the article's ranges; a light session keeps the article's lowest set count and
    at most a light load, so it never grows heavier than the main one."""
    if intensity == "light" and (dose.sets > exercise.sets_min or dose.load > LIGHT_MAX_LOAD):
        return False
    return (exercise.sets_min <= dose.sets <= exercise.sets_max
            and exercise.reps_min <= dose.reps <= exercise.reps_max
            and 0 <= dose.load <= (ceiling if exercise.loaded else 0)
            and dose.tempo in (0, 1) and dose.range in (0, 1))


def at_top_of_range(exercise: Exercise, dose: Dose) -> bool:
    return dose.reps >= exercise.reps_max


def _harder_steps(exercise: Exercise, dose: Dose, ceiling: int) -> list[Dose]:
    """The next step, one variable: reps climb to the top of the range; then a loaded
    exercise takes the next weight up with the reps back at the start (double progression),
    and a bodyweight one (or one at its heaviest weight) slows the lowering or goes through
    the full range."""
    if not at_top_of_range(exercise, dose):
        return [replace(dose, reps=min(exercise.reps_max, dose.reps + rep_step(exercise)))]
    if exercise.loaded and dose.load < ceiling:
        return [replace(dose, load=dose.load + 1, reps=start_reps(exercise))]
    steps = []
    if has_lowering_phase(exercise):
        if dose.tempo == 0:
            steps.append(replace(dose, tempo=1))
        if dose.range == 0:
            steps.append(replace(dose, range=1))
    return steps


def has_lowering_phase(exercise: Exercise) -> bool:
    """Tempo and range progress only lifts that lower a load or the body: not band-walk
    steps, timed hops or jumps ("Quality matters more than height")."""
    return not exercise.plyometric and exercise.reps_unit in LOWERING_UNITS


def _raw_steps(exercise: Exercise, dose: Dose) -> list[Dose]:
    """Every single-variable increase, whatever the order of progression; pairs of them are
    offered only so H9 has two-variable jumps to forbid (see constraints/progression)."""
    steps = [replace(dose, reps=dose.reps + rep_step(exercise)), replace(dose, sets=dose.sets + 1),
             replace(dose, tempo=1), replace(dose, range=1)]
    if exercise.loaded:
        steps.append(replace(dose, load=dose.load + 1))
    return [s for s in steps if s != dose]


def _switch_variation(to: Exercise, dose: Dose, level: str, intensity: str,
                      new_to_strength: bool) -> Dose:
    """Change the variation: its own start reps and load, the same sets, tempo and range."""
    fresh = start_dose(to, level, intensity, new_to_strength)
    sets = dose.sets if to.sets_min <= dose.sets <= to.sets_max else fresh.sets
    kept = replace(fresh, sets=sets, tempo=dose.tempo, range=dose.range)
    return kept if _within(to, kept, intensity) else fresh


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


def candidates_for(family: Sequence[Exercise], intensity: str, profile: Profile,
                   previous: Dose | None, deload: bool, adherence: str = "",
                   resume: Dose | None = None) -> list[Candidate]:
    """Every prescription worth offering the model for one family at one intensity.

    `adherence` is "hold" (last week's work was skipped: repeat it) or "regress" (marked
    too hard: one step easier), else progression as usual. `resume` is the dose before a
    step-back week: the week after a deload returns to it.
    """
    level, new_to_strength = profile.level, profile.new_to_strength
    by_id = {ex.id: ex for ex in family}
    allowed = [ex for ex in family if intensity in ex.sessions]

    def within(ex: Exercise, dose: Dose) -> bool:
        return _within(ex, dose, intensity, load_ceiling(ex, profile))

    if previous is None or previous.variation not in by_id:
        fresh = [(ex, start_dose(ex, level, intensity, new_to_strength)) for ex in allowed]
        return _unique(_candidate(ex, start, intensity, None) for ex, start in fresh
                       if within(ex, start))
    current = by_id[previous.variation]
    offers: list[tuple[Exercise, Dose]] = []
    if adherence in ("hold", "regress"):
        offers = [(current, previous)] if adherence == "hold" else _easier_steps(
            current, previous, by_id)
        return _unique(_candidate(ex, dose, intensity, previous) for ex, dose in offers
                       if intensity in ex.sessions and within(ex, dose))
    if deload:
        offers.append((current, deload_dose(current, previous)))
    elif resume is not None and resume.variation == current.id:
        offers.append((current, resume))
    else:
        offers.append((current, previous))
        offers.extend((current, d) for d in _harder_steps(current, previous,
                                                           load_ceiling(current, profile)))
        singles = _raw_steps(current, previous)
        offers.extend((current, _combine(previous, a, b)) for i, a in enumerate(singles)
                      for b in singles[i + 1:])
    for other in allowed:
        if other.id == current.id or deload:
            continue
        if other.id == current.harder and not at_top_of_range(current, previous):
            continue  # the harder variation is earned at the top of the reps
        offers.append((other, _switch_variation(other, previous, level, intensity,
                                                new_to_strength)))
    return _unique(_candidate(ex, dose, intensity, previous) for ex, dose in offers
                   if intensity in ex.sessions and within(ex, dose))


def deload_dose(exercise: Exercise, dose: Dose) -> Dose:
    """B1: about a third less volume, one variable: a set fewer at the same load while the
    article's range allows it, else about a third fewer reps; at the bottom of both, unchanged."""
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
        progressed = (changes == ("variation",) and ex.easier == previous.variation) or \
            _is_harder(previous, dose, changes)
    return Candidate(ex, dose, rest, exercise_seconds(ex, dose, rest), changes, progressed,
                     previous is not None)


def _unique(items: Iterable[Candidate]) -> list[Candidate]:
    seen: dict[Dose, Candidate] = {}
    for item in items:
        seen.setdefault(item.dose, item)
    return sorted(seen.values(), key=lambda c: (c.exercise.id, _dose_key(c.dose)))


def _dose_key(dose: Dose) -> tuple[int, int, int, int, int]:
    return (dose.sets, dose.reps, dose.load, dose.tempo, dose.range)
