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

from planner.domain import (
    ASSUMED_EQUIPMENT,
    DOSE_FIELDS,
    LEVELS,
    LOAD_LABELS,
    LOADED_EQUIPMENT,
    Dose,
    Exercise,
    Profile,
    grid_counts,
    step_back_reps,
)

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
    # Why an easier prescription is offered in a week that otherwise only holds or climbs:
    # a key of EASIER_REASONS ("too hard", "eve", "niggle"…); "" for every other candidate.
    reason: str = ""

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


def rest_seconds(exercise: Exercise, intensity: str, level: str = "intermediate") -> int:
    """Light control work takes the short end of the article's rest range; heavy the middle;
    an advanced runner's main lift the top of it ("2–3 min rest" for heavier sets)."""
    if intensity == "light":
        return exercise.rest_min_s
    if is_advanced_main_lift(exercise, level, intensity):
        return exercise.rest_max_s
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


# The numbers a coach writes: a starting dose is one of these counts ("2×10", "3×8"), timed
# work a multiple of five seconds; progression then climbs one or two reps a week.
# First-week reps per family (the article's numbering): (beginner, intermediate/advanced).
# The beginner column is the article's beginner session ("bodyweight squat for 2 sets of 10
# reps, assisted reverse lunge for 2 sets of 8 reps per side, glute bridge for 2 sets of 12
# reps, low step-up for 2 sets of 8 reps per side, and wall calf raise for 2 sets of 15
# reps"); the other column its sample workout (goblet squat 8–10, reverse lunge 8 each
# side, RDL 8–10, step-up 10 each side, calf raise 12–20, band walk 10 steps each way), and
# for the families it gives no number, the low end of the range on the grid, so reps have
# room to climb before the load steps up.
START_REPS: dict[int, tuple[int, int]] = {
    1: (10, 8), 2: (8, 8), 3: (8, 10), 4: (6, 8), 5: (8, 10), 6: (6, 8), 7: (8, 8),
    8: (12, 10), 9: (15, 12), 10: (15, 12), 11: (10, 10), 12: (6, 8), 13: (10, 15),
}
# An advanced runner's main lifts go heavier at lower reps: "3–4 × 5–8, 2–3 min rest".
ADVANCED_MAIN_FAMILIES = frozenset({1, 7})  # the squat and the Romanian deadlift
ADVANCED_MAIN_REPS = (6, 8)


def is_advanced_main_lift(exercise: Exercise, level: str, intensity: str) -> bool:
    return (level == "advanced" and intensity == "heavy" and exercise.loaded
            and exercise.family_no in ADVANCED_MAIN_FAMILIES)


def on_grid(exercise: Exercise, reps: int) -> int:
    """The grid count nearest `reps` inside the exercise's range (the lower on a tie)."""
    options = grid_counts(exercise.reps_unit, exercise.reps_min, exercise.reps_max)
    if not options:  # a range between two grid counts: its low end
        return exercise.reps_min
    return min(options, key=lambda n: (abs(n - reps), n))


def start_reps(exercise: Exercise, level: str = "intermediate", intensity: str = "heavy") -> int:
    """Where reps start (and return to after a load step): the article's numbers by level,
    on the grid a coach writes, inside the exercise's range."""
    if is_advanced_main_lift(exercise, level, intensity):
        return on_grid(exercise, ADVANCED_MAIN_REPS[0])
    beginner, other = START_REPS.get(exercise.family_no, (exercise.reps_min, exercise.reps_min))
    wanted = beginner if level == "beginner" else other
    # A family's number in another unit (pogo seconds against a jump's reps): the range's low end.
    if not exercise.reps_min <= wanted <= exercise.reps_max:
        wanted = exercise.reps_min
    return on_grid(exercise, wanted)


def top_reps(exercise: Exercise, level: str = "intermediate", intensity: str = "heavy") -> int:
    """Where reps stop climbing and the load steps up instead."""
    if is_advanced_main_lift(exercise, level, intensity):
        return min(exercise.reps_max, max(ADVANCED_MAIN_REPS[1], exercise.reps_min))
    return exercise.reps_max


def start_dose(exercise: Exercise, level: str, intensity: str, new_to_strength: bool) -> Dose:
    """Where a runner starts on an exercise: conservative, inside the article's ranges
    ("Keep the first few weeks conservative"); a loaded variation starts light."""
    cautious = level == "beginner" or new_to_strength or intensity == "light"
    sets = planned_sets(exercise, level, intensity, new_to_strength)
    load = 1 if exercise.loaded else 0
    full_range = 0 if cautious else 1
    return Dose(exercise.id, sets, start_reps(exercise, level, intensity), load, 0, full_range)


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
# Per lift, how many of the runner's weights above the level's start the first week begins:
# a hinge tolerates the most load, then the squat and the bridge; split-stance, step-up,
# single-leg, lateral and calf work start at the level's weight (docs/coaching.md, "Doses
# and kilograms").
START_STEPS_ABOVE: dict[int, int] = {7: 2, 1: 1, 8: 1}


def equipment_allows(exercise: Exercise, owned: frozenset[str]) -> bool:
    """H5: every piece of kit the exercise needs is owned, or in every home."""
    available = owned | ASSUMED_EQUIPMENT
    return all(set(options) & available for options in exercise.equipment)


def level_allows(exercise: Exercise, level: str) -> bool:
    """H6: beginners never jump; intermediates only the low two-leg pogo (written for
    intermediate); no variation above the runner's level; and an advanced runner's calf
    raise is never a beginner's two-leg one ("Intermediate: Use single-leg calf raises";
    "Advanced: Add load, pauses, or a slow eccentric")."""
    if exercise.plyometric and level == "beginner":
        return False
    if level == LEVELS[-1] and "calf" in exercise.patterns and exercise.level == LEVELS[0]:
        return False
    return LEVELS.index(exercise.level) <= LEVELS.index(level)


def allowed_for(exercise: Exercise, profile: Profile) -> bool:
    """The runner's kit and level allow this variation (H5, H6)."""
    return equipment_allows(exercise, profile.equipment) and level_allows(exercise,
                                                                          profile.level)


def loaded_item(exercise: Exercise, owned: frozenset[str]) -> str | None:
    """The loading item of a loaded variation that the runner owns (dumbbell, kettlebell…)."""
    for options in exercise.equipment:
        for item in options:
            if item in LOADED_EQUIPMENT and item in owned:
                return item
    return None


def owned_weights(exercise: Exercise, profile: Profile) -> tuple[float, ...]:
    """The kilograms the runner listed for the item this lift is loaded with, else ()."""
    if not exercise.loaded:
        return ()
    item = loaded_item(exercise, profile.equipment)
    return profile.weights_for(item) if item else ()


def start_index(exercise: Exercise, profile: Profile, weights: Sequence[float]) -> int:
    """Which of the owned weights the first week uses: the runner's own --start-weight for
    this lift, else the level's start plus the lift's START_STEPS_ABOVE, capped at the top."""
    chosen = dict(profile.start_weights).get(exercise.id)
    if chosen is not None and chosen in weights:
        return list(weights).index(chosen)
    wanted = WEIGHT_START_INDEX[profile.level] + START_STEPS_ABOVE.get(exercise.family_no, 0)
    return min(wanted, len(weights) - 1)


def with_starts(profile: Profile, starts: tuple[tuple[str, float], ...]) -> Profile:
    """The runner with the start weights the kilograms lifted set (`Carry.start_weights`)
    in place of the defaults, or their own --start-weight, for those lifts."""
    if not starts:
        return profile
    merged = dict(profile.start_weights) | dict(starts)
    return replace(profile, start_weights=tuple(sorted(merged.items())))


def start_weight_problem(exercise: Exercise, kg: float, profile: Profile) -> str | None:
    """Why `kg` cannot be this lift's start weight (--start-weight), or None when it can."""
    if not exercise.loaded:
        return f"{exercise.id} is a bodyweight exercise; it takes no start weight"
    items = [item for options in exercise.equipment for item in options
             if item in LOADED_EQUIPMENT]
    item = loaded_item(exercise, profile.equipment)
    weights = profile.weights_for(item) if item else ()
    if not weights:
        return (f"{exercise.id} is loaded with a {' or '.join(items)}: list the weights you "
                f"own with --weights {items[0]}:KG,KG,… to give it a start weight")
    if kg not in weights:
        owned = ", ".join(f"{w:g}" for w in weights)
        return f"{kg:g} kg is not one of your {item} weights ({owned} kg)"
    return None


def load_ceiling(exercise: Exercise, profile: Profile) -> int:
    """The highest load step: the heaviest weight the runner listed, else the ladder's top."""
    if not exercise.loaded:
        return 0
    weights = owned_weights(exercise, profile)
    if not weights:
        return MAX_LOAD
    return max(1, min(MAX_LOAD, len(weights) - start_index(exercise, profile, weights)))


def named_weight(exercise: Exercise, load: int, profile: Profile) -> float | None:
    """The kg of a load step when the runner listed the weights they own (--weights): the
    lift's start weight (start_index), then one weight up per step."""
    if load < 1:
        return None
    weights = owned_weights(exercise, profile)
    if not weights:
        return None
    start = start_index(exercise, profile, weights)
    return weights[min(start + load - 1, len(weights) - 1)]


def at_heaviest(exercise: Exercise, load: int, profile: Profile) -> bool:
    """The prescribed weight is the heaviest the runner owns for this lift."""
    weights = owned_weights(exercise, profile)
    return bool(weights) and load >= 1 and named_weight(exercise, load, profile) == weights[-1]


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


def at_top_of_range(exercise: Exercise, dose: Dose, level: str = "intermediate",
                    intensity: str = "heavy") -> bool:
    return dose.reps >= top_reps(exercise, level, intensity)


def _harder_steps(exercise: Exercise, dose: Dose, ceiling: int, level: str = "intermediate",
                  intensity: str = "heavy") -> list[Dose]:
    """The next step, one variable: reps climb to the top of the range; then a loaded
    exercise takes the next weight up with the reps back at the start (double progression),
    and a bodyweight one (or one at its heaviest weight) slows the lowering or goes through
    the full range."""
    top = top_reps(exercise, level, intensity)
    if dose.reps < top:
        return [replace(dose, reps=min(top, dose.reps + rep_step(exercise)))]
    if exercise.loaded and dose.load < ceiling:
        return [replace(dose, load=dose.load + 1, reps=start_reps(exercise, level, intensity))]
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


# Why a week may offer an easier prescription than last week's (the why-line says which).
EASIER_REASONS: dict[str, str] = {
    "too hard": "you marked it too hard",
    "eve": "tomorrow holds a key run: nothing loaded or slow on its eve (H13)",
    "niggle": "a niggle asks for less",
    "peak": "the last week before the taper drops a set in the main session (B5)",
}


def is_below(other: Exercise, current: Exercise, by_id: dict[str, Exercise]) -> bool:
    """`other` sits under `current` on the family's ladder of easier variations."""
    seen, step = {current.id}, by_id.get(current.easier)
    while step is not None and step.id not in seen:
        if step.id == other.id:
            return True
        seen.add(step.id)
        step = by_id.get(step.easier)
    return False


def candidates_for(family: Sequence[Exercise], intensity: str, profile: Profile,
                   previous: Dose | None, deload: bool, adherence: str = "",
                   resume: Dose | None = None, easier_reason: str = "",
                   taper: bool = False) -> list[Candidate]:
    """Every prescription worth offering the model for one family at one intensity.

    `adherence` is "hold" (last week's work was skipped: repeat it), "regress" (marked
    too hard: one step easier) or "drop" (the last maintain week before a taper: one set
    fewer, else held), else progression as usual. `resume` is the dose before a
    step-back week: the week after a deload returns to it. An easier variation is never
    offered without a reason: "too hard" (regress), "eve" (a light session whose day is the
    eve of a key run; the model holds such a pick to those days) or `easier_reason` (a key
    of EASIER_REASONS another rule asks for, such as "niggle").
    """
    level, new_to_strength = profile.level, profile.new_to_strength
    by_id = {ex.id: ex for ex in family}
    allowed = [ex for ex in family if intensity in ex.sessions]

    def within(ex: Exercise, dose: Dose) -> bool:
        return _within(ex, dose, intensity, load_ceiling(ex, profile))

    if previous is None or previous.variation not in by_id:
        fresh = [(ex, start_dose(ex, level, intensity, new_to_strength)) for ex in allowed]
        return _unique(_candidate(ex, start, intensity, None, level) for ex, start in fresh
                       if within(ex, start))
    current = by_id[previous.variation]
    offers: list[tuple[Exercise, Dose, str]] = []
    if adherence == "drop":  # the last maintain week: one set fewer, all else held (B5)
        fewer = replace(previous, sets=previous.sets - 1)
        dose, why = (fewer, "peak") if within(current, fewer) else (previous, "")
        return _unique([_candidate(current, dose, intensity, previous, level, why)]
                       if intensity in current.sessions and within(current, dose) else [])
    if adherence == "hold" and deload:
        # The work skipped comes again at this week's step-back (B1): one third less of it.
        offers = [(current, deload_dose(current, previous, taper), "")]
        return _unique(_candidate(ex, dose, intensity, previous, level, reason)
                       for ex, dose, reason in offers
                       if intensity in ex.sessions and within(ex, dose))
    if adherence in ("hold", "regress"):
        offers = ([(current, previous, "")] if adherence == "hold" else
                  [(ex, dose, "too hard") for ex, dose in _easier_steps(current, previous, by_id)])
        return _unique(_candidate(ex, dose, intensity, previous, level, reason)
                       for ex, dose, reason in offers
                       if intensity in ex.sessions and within(ex, dose))
    if deload:
        offers.append((current, deload_dose(current, previous, taper), ""))
    elif resume is not None and resume.variation == current.id:
        offers.append((current, resume, ""))
    else:
        offers.append((current, previous, ""))
        offers.extend((current, d, "") for d in _harder_steps(
            current, previous, load_ceiling(current, profile), level, intensity))
        singles = _raw_steps(current, previous)
        offers.extend((current, _combine(previous, a, b), "") for i, a in enumerate(singles)
                      for b in singles[i + 1:])
    # A reason that allows an easier prescription: the other rule's, else the key-run eve a
    # light session may fall on (H13 forbids load and slow lowering there).
    reason = easier_reason or ("eve" if intensity == "light" else "")
    if not deload and reason and previous.tempo > 0:
        offers.append((current, replace(previous, tempo=0), reason))
    for other in allowed:
        if other.id == current.id or deload:
            continue
        if other.id == current.harder and not at_top_of_range(current, previous, level,
                                                               intensity):
            continue  # the harder variation is earned at the top of the reps
        below = is_below(other, current, by_id) and intensity in current.sessions
        if below and not reason:
            continue  # no easier variation in a build week without a reason
        offers.append((other, _switch_variation(other, previous, level, intensity,
                                                new_to_strength), reason if below else ""))
    return _unique(_candidate(ex, dose, intensity, previous, level, why)
                   for ex, dose, why in offers if intensity in ex.sessions and within(ex, dose))


def deload_dose(exercise: Exercise, dose: Dose, taper: bool = False) -> Dose:
    """B1: about a third less volume, one variable: a set fewer at the same load while the
    article's range allows it, else about a third fewer reps on the coach's grid; at the
    bottom of both, unchanged. A taper week (B2) first drops the slow lowering, the part of
    a lift that leaves the legs sore for days ("avoid heavy leg work right before ...
    racing")."""
    if taper and dose.tempo > 0:
        return replace(dose, tempo=0)
    if dose.sets > exercise.sets_min:
        return replace(dose, sets=dose.sets - 1)
    return replace(dose, reps=step_back_reps(exercise.reps_unit, exercise.reps_min,
                                             exercise.reps_max, dose.reps))


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


def _candidate(ex: Exercise, dose: Dose, intensity: str, previous: Dose | None,
               level: str = "intermediate", reason: str = "") -> Candidate:
    rest = rest_seconds(ex, intensity, level)
    if previous is None:
        changes: tuple[str, ...] = ()
        progressed = False
    else:
        changes = dose_changes(previous, dose)
        progressed = (changes == ("variation",) and ex.easier == previous.variation) or \
            _is_harder(previous, dose, changes)
    return Candidate(ex, dose, rest, exercise_seconds(ex, dose, rest), changes, progressed,
                     previous is not None, reason)


def _unique(items: Iterable[Candidate]) -> list[Candidate]:
    seen: dict[Dose, Candidate] = {}
    for item in items:
        seen.setdefault(item.dose, item)
    return sorted(seen.values(), key=lambda c: (c.exercise.id, _dose_key(c.dose)))


def _dose_key(dose: Dose) -> tuple[int, int, int, int, int]:
    return (dose.sets, dose.reps, dose.load, dose.tempo, dose.range)
