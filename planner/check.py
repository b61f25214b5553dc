"""Check any plan JSON against the hard rules H1-H12 of ../shared/RULES.md, in plain Python.

This module is the planner's independent referee: it reads the JSON written by
`planner.render_json.plan_to_dict` (or a hand-edited copy of it) and never imports the
solver, `planner.model`, `planner.solve` or `constraints/`. Every rule below is written
from RULES.md and the article, not from the model, so a property test can use it to judge
the solver's output.

The catalog is trusted for what an exercise *is* (equipment, patterns, level, plyometric
flag, family, reps unit), looked up by each entry's `variation`; the JSON is trusted only
for what was *prescribed* (sets, reps, rest, load, tempo, range, dates, intensity).
Malformed content is reported under rule id H0; the checker never raises on any input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations, pairwise
from typing import Any

from planner.domain import (
    ALL_EQUIPMENT_WORDS,
    ASSUMED_EQUIPMENT,
    DOSE_FIELDS,
    FATIGUING_RUNS,
    INTENSITIES,
    KEY_RUNS,
    LEGACY_LOAD_LABELS,
    LEVELS,
    LOAD_LABELS,
    RANGE_LABELS,
    RUN_TYPES,
    TEMPO_LABELS,
    WEEKDAYS,
    Exercise,
    Run,
    load_step,
)

__all__ = ["REPS_UNITS", "Violation", "check_plan", "exercise_minutes"]

REPS_UNITS: tuple[str, ...] = ("reps", "reps/side", "steps/side", "steps/direction", "seconds")
_TWO_SIDED: frozenset[str] = frozenset({"reps/side", "steps/side", "steps/direction"})
# H12: seconds of work per rep for each tempo label; a band-walk step; one set-up.
_SEC_PER_REP: dict[str, int] = {"controlled": 3, "slow 3-s lowering": 5}
_SEC_PER_SIDESTEP = 2
_SETUP_S = 30
# H12: the warm-up the article gives ("5–8 minutes"): the long end before a main session.
_WARMUP_MIN: dict[str, int] = {"heavy": 8, "light": 5}
# H3: a week's note that cites a rule id explains a shortfall.
RULE_CITE = re.compile(r"\b[HSB]\d+\b")
# H10: the article's "deadlifts" are the Romanian deadlift families.
_DEADLIFT_FAMILIES: frozenset[int] = frozenset({6, 7})
_H10_CATEGORIES: tuple[str, ...] = ("heavy squat", "lunge", "deadlift", "jumping")
# H8: what a heavy session must cover; each entry is satisfied by any of its patterns.
_H8_COVERAGE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("squat", "lunge"), "a squat or lunge"),
    (("hinge",), "a hip hinge"),
    (("single-leg",), "a step-up or single-leg move"),
    (("calf",), "calf work"),
    (("hip-stability",), "a hip-stability drill"),
)


@dataclass(frozen=True, order=True)
class Violation:
    """One broken hard rule, in words a runner or coach can act on."""

    rule: str  # "H0".."H12"
    date: str | None  # session date YYYY-MM-DD, if the violation is about a session
    exercise: str | None  # variation id, if about an exercise
    message: str


def exercise_seconds(*, sets: int, reps: int, reps_unit: str, tempo: str, rest_s: int) -> int:
    """Seconds one exercise takes (H12), from the documented formula.

    sets x work + (sets - 1) x rest + 30 s set-up: no rest after the last set. work = reps x
    3 s ("controlled") or 5 s ("slow 3-s lowering"), 2 s a step for steps/direction, times 2
    for per-side and per-direction units (both sides back to back); timed work ("seconds")
    is its seconds.
    """
    if reps_unit == "seconds":
        work_s = reps
    else:
        per = _SEC_PER_SIDESTEP if reps_unit == "steps/direction" else _SEC_PER_REP[tempo]
        work_s = reps * per * (2 if reps_unit in _TWO_SIDED else 1)
    return sets * work_s + (sets - 1) * rest_s + _SETUP_S


def exercise_minutes(*, sets: int, reps: int, reps_unit: str, tempo: str, rest_s: int) -> int:
    """The same, rounded up to whole minutes (what a plan shows per exercise)."""
    return -(-exercise_seconds(sets=sets, reps=reps, reps_unit=reps_unit, tempo=tempo,
                               rest_s=rest_s) // 60)


# --------------------------------------------------------------------------- parsed plan

_Dose = tuple[Any, ...]  # an exercise's prescription, in DOSE_FIELDS order


@dataclass(frozen=True)
class _Item:
    """One exercise entry of a session; None marks a field that was missing or invalid."""

    variation: str | None
    ex: Exercise | None  # the catalog row, None when the variation is unknown
    sets: int | None
    reps: int | None
    rest_s: int | None
    load: str | None
    tempo: str | None
    range: str | None
    reps_unit: str | None  # the catalog's when the variation is known

    @property
    def dose(self) -> _Dose | None:
        """The prescription H9 compares, in DOSE_FIELDS order; None if incomplete."""
        values = tuple(getattr(self, name) for name in DOSE_FIELDS)
        return None if any(v is None for v in values) else values

    @property
    def seconds(self) -> int | None:
        """Computed seconds (H12), None when a needed field is unknown."""
        sets, reps, rest_s, unit = self.sets, self.reps, self.rest_s, self.reps_unit
        if sets is None or reps is None or rest_s is None or unit is None:
            return None
        if unit != "seconds" and self.tempo not in _SEC_PER_REP:
            return None
        return exercise_seconds(sets=sets, reps=reps, reps_unit=unit, tempo=self.tempo or "",
                                rest_s=rest_s)


@dataclass(frozen=True)
class _Session:
    day: date
    intensity: str | None
    minutes: int | None  # as stated in the JSON
    warmup: int | None
    items: tuple[_Item, ...]
    n_entries: int  # length of the exercises list, malformed entries included
    previous: bool  # True for a session of the `previous` plan

    @property
    def iso(self) -> str:
        return self.day.isoformat()

    def known(self) -> Iterator[tuple[_Item, Exercise]]:
        """The entries whose variation is in the catalog, with their catalog row."""
        for item in self.items:
            if item.ex is not None:
                yield item, item.ex


@dataclass(frozen=True)
class _Week:
    start: date | None
    sessions: tuple[_Session, ...]  # valid-dated sessions, by date
    n_sessions: int  # length of the sessions list, malformed entries included
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Profile:
    level: str | None
    new_to_strength: bool
    equipment: frozenset[str] | None
    sessions: int | None  # what the runner asked for; None = the level's default
    minutes: int | None
    promoted: bool = False  # B3: a beginner moved up to two sessions after steady weeks


@dataclass(frozen=True)
class _Context:
    profile: _Profile
    weeks: tuple[_Week, ...]
    previous_weeks: tuple[_Week, ...]
    runs: Mapping[date, frozenset[str]]  # every run type on each date

    def runs_on(self, day: date) -> frozenset[str]:
        return self.runs.get(day, frozenset())

    def sessions(self) -> Iterator[_Session]:
        for week in self.weeks:
            yield from week.sessions

    def week_before_first(self) -> _Week | None:
        """The previous plan's last week, when it precedes this plan's first week."""
        if not self.previous_weeks or not self.weeks:
            return None
        last, first = self.previous_weeks[-1], self.weeks[0]
        if last.start is None or first.start is None or last.start >= first.start:
            return None
        return last


def _when(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _to_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _words(kinds: Iterable[str]) -> str:
    return " and ".join(sorted(kinds))


class _Parser:
    """Turns the JSON into typed records, reporting each malformed piece under H0."""

    def __init__(self, by_id: Mapping[str, Exercise], out: list[Violation]) -> None:
        self.by_id = by_id
        self.out = out

    def h0(self, message: str, day: str | None = None, exercise: str | None = None,
           prefix: str = "") -> None:
        self.out.append(Violation("H0", day, exercise, prefix + message))

    def profile(self, plan: Mapping[str, Any]) -> _Profile:
        level = plan.get("level")
        if level not in LEVELS:
            self.h0(f"level {level!r} is not one of {', '.join(LEVELS)}")
            level = None
        raw = plan.get("profile")
        if not isinstance(raw, dict):
            self.h0("the plan has no 'profile' object")
            raw = {}
        new = raw.get("new_to_strength", False)
        if not isinstance(new, bool):
            self.h0(f"profile.new_to_strength {new!r} is not true/false")
            new = False
        promoted = raw.get("beginner_promoted", False) is True
        return _Profile(level, new, self._equipment(raw), self._asked_sessions(raw),
                        self._minutes(raw), promoted)

    def _equipment(self, raw: Mapping[str, Any]) -> frozenset[str] | None:
        items = raw.get("equipment")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            self.h0("profile.equipment is not a list of equipment words")
            return None
        unknown = sorted(set(items) - ALL_EQUIPMENT_WORDS)
        if unknown:
            self.h0(f"profile.equipment has unknown items: {', '.join(unknown)}")
        return frozenset(items)

    def _asked_sessions(self, raw: Mapping[str, Any]) -> int | None:
        asked = raw.get("sessions")
        if asked is not None and not (_is_int(asked) and asked >= 0):
            self.h0(f"profile.sessions {asked!r} is not a count or null")
            return None
        return asked

    def _minutes(self, raw: Mapping[str, Any]) -> int | None:
        minutes = raw.get("minutes")
        if not (_is_int(minutes) and minutes > 0):
            self.h0(f"profile.minutes {minutes!r} is not a positive whole number")
            return None
        return minutes

    def weeks(self, plan: Any, *, previous: bool = False) -> tuple[_Week, ...]:
        prefix = "previous plan: " if previous else ""
        if not isinstance(plan, dict):
            self.h0("the plan is not a JSON object", prefix=prefix)
            return ()
        raw_weeks = plan.get("weeks")
        if not isinstance(raw_weeks, list):
            self.h0("the plan has no 'weeks' list", prefix=prefix)
            return ()
        weeks = tuple(self._week(n, raw, previous, prefix)
                      for n, raw in enumerate(raw_weeks, start=1))
        starts = [w.start for w in weeks if w.start is not None]
        if any(b <= a for a, b in pairwise(starts)):
            self.h0("weeks are not in date order", prefix=prefix)
        return weeks

    def _week(self, n: int, raw: Any, previous: bool, prefix: str) -> _Week:
        where = f"week {n}"
        if not isinstance(raw, dict):
            self.h0(f"{where} is not an object", prefix=prefix)
            return _Week(None, (), 0, ())
        start = _to_date(raw.get("start"))
        if start is None:
            self.h0(f"{where} has no valid 'start' date", prefix=prefix)
        raw_sessions = raw.get("sessions")
        if not isinstance(raw_sessions, list):
            self.h0(f"{where} has no 'sessions' list", prefix=prefix)
            raw_sessions = []
        sessions = [s for s in (self._session(where, r, previous, prefix) for r in raw_sessions)
                    if s is not None]
        if start is not None:
            for s in sessions:
                if not 0 <= (s.day - start).days <= 6:
                    self.h0(f"session {_when(s.day)} lies outside {where} "
                            f"(starting {start.isoformat()})", s.iso, prefix=prefix)
        notes = raw.get("notes", [])
        if not isinstance(notes, list):
            self.h0(f"{where} 'notes' is not a list", prefix=prefix)
            notes = []
        return _Week(start, tuple(sorted(sessions, key=lambda s: s.day)), len(raw_sessions),
                     tuple(note for note in notes if isinstance(note, str)))

    def _session(self, where: str, raw: Any, previous: bool, prefix: str) -> _Session | None:
        if not isinstance(raw, dict):
            self.h0(f"a session of {where} is not an object", prefix=prefix)
            return None
        day = _to_date(raw.get("date"))
        if day is None:
            self.h0(f"a session of {where} has no valid 'date' ({raw.get('date')!r})",
                    prefix=prefix)
            return None
        iso = day.isoformat()
        intensity = raw.get("intensity")
        if intensity not in INTENSITIES:
            self.h0(f"session {_when(day)}: intensity {intensity!r} is not heavy or light",
                    iso, prefix=prefix)
            intensity = None
        numbers = {}
        for key in ("minutes", "warmup_minutes"):
            value = raw.get(key)
            if not (_is_int(value) and value >= 0):
                self.h0(f"session {_when(day)}: '{key}' {value!r} is not a whole number",
                        iso, prefix=prefix)
                value = None
            numbers[key] = value
        raw_items = raw.get("exercises")
        if not isinstance(raw_items, list):
            self.h0(f"session {_when(day)} has no 'exercises' list", iso, prefix=prefix)
            raw_items = []
        items = tuple(item for item in (self._item(day, r, prefix) for r in raw_items)
                      if item is not None)
        return _Session(day, intensity, numbers["minutes"], numbers["warmup_minutes"], items,
                        len(raw_items), previous)

    def _item(self, day: date, raw: Any, prefix: str) -> _Item | None:
        iso, when = day.isoformat(), _when(day)
        if not isinstance(raw, dict):
            self.h0(f"session {when}: an exercise entry is not an object", iso, prefix=prefix)
            return None
        variation = raw.get("variation")
        ex = None
        if not isinstance(variation, str) or not variation:
            self.h0(f"session {when}: an exercise has no 'variation' id", iso, prefix=prefix)
            variation = None
        else:
            ex = self.by_id.get(variation)
            if ex is None:
                self.h0(f"session {when}: unknown variation {variation!r} (not in the catalog)",
                        iso, variation, prefix)

        def label(key: str, allowed: tuple[str, ...]) -> str | None:
            value = raw.get(key)
            if value in allowed:
                return value
            self.h0(f"session {when}: {key} {value!r} is not one of {', '.join(allowed)}",
                    iso, variation, prefix)
            return None

        def count(key: str, least: int) -> int | None:
            value = raw.get(key)
            if _is_int(value) and value >= least:
                return value
            self.h0(f"session {when}: {key} {value!r} is not a whole number >= {least}",
                    iso, variation, prefix)
            return None

        reps_unit = ex.reps_unit if ex is not None else raw.get("reps_unit")
        if reps_unit not in REPS_UNITS:
            self.h0(f"session {when}: reps unit {reps_unit!r} is not one of "
                    f"{', '.join(REPS_UNITS)}", iso, variation, prefix)
            reps_unit = None
        return _Item(variation, ex, count("sets", 1), count("reps", 1), count("rest_s", 0),
                     label("load", LOAD_LABELS + tuple(LEGACY_LOAD_LABELS)),
                     label("tempo", TEMPO_LABELS),
                     label("range", RANGE_LABELS), reps_unit)

    def runs(self, plan: Any, runs: Sequence[Run] | None) -> dict[date, frozenset[str]]:
        found: dict[date, set[str]] = defaultdict(set)
        if runs is not None:
            for run in runs:
                day, kind = getattr(run, "date", None), getattr(run, "kind", None)
                if isinstance(day, date) and kind in RUN_TYPES:
                    found[day].add(kind)
                else:
                    self.h0(f"run {run!r} has no valid date or run type")
        elif isinstance(plan, dict) and isinstance(plan.get("weeks"), list):
            for week in plan["weeks"]:
                raw_runs = week.get("runs", []) if isinstance(week, dict) else []
                if not isinstance(raw_runs, list):
                    self.h0("a week's 'runs' is not a list")
                    continue
                for raw in raw_runs:
                    day = _to_date(raw.get("date")) if isinstance(raw, dict) else None
                    kind = raw.get("run") if isinstance(raw, dict) else None
                    if day is None or kind not in RUN_TYPES:
                        self.h0(f"run {raw!r} has no valid date or run type")
                        continue
                    found[day].add(kind)
        return {day: frozenset(kinds) for day, kinds in found.items()}


# --------------------------------------------------------------------------- session rules


def check_h1_key_run_eve(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H1: no heavy session, and no plyometrics, on the day before a key run.

    Article: "Avoid heavy leg training the day before a long run, race, hill workout, or
    speed session." A session the day before a key run must be light and jump-free.
    """
    tomorrow = s.day + timedelta(days=1)
    key = ctx.runs_on(tomorrow) & KEY_RUNS
    if not key:
        return
    eve = f"on {_when(s.day)}, the day before a {_words(key)} run ({_when(tomorrow)})"
    if s.intensity == "heavy":
        yield Violation("H1", s.iso, None, f"heavy session {eve}")
    for item, ex in s.known():
        if ex.plyometric:
            yield Violation("H1", s.iso, item.variation, f"plyometric {ex.name} {eve}")


def check_h13_unloaded_eve_of_key_run(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H13: the session on the eve of a key run holds nothing loaded and no slow lowering.

    Article: the lighter session is "single-leg control, lateral band walks, glute bridges"
    and heavy leg work is avoided "the day before a long run, race, hill workout, or speed
    session".
    """
    tomorrow = s.day + timedelta(days=1)
    key = ctx.runs_on(tomorrow) & KEY_RUNS
    if not key:
        return
    for item in s.items:
        if item.load not in (None, "bodyweight"):
            yield Violation("H13", s.iso, item.variation,
                            f"{item.variation} at load '{item.load}' on {_when(s.day)}, the day "
                            f"before a {_words(key)} run")
        if item.tempo == TEMPO_LABELS[1]:
            yield Violation("H13", s.iso, item.variation,
                            f"{item.variation} with {item.tempo} on {_when(s.day)}, the day "
                            f"before a {_words(key)} run")


def check_b2_race_taper(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """B2 (docs/rules.md): no session the day before a race; no main session and no jumps in
    the 9 days before it; nothing loaded and no slow lowering in the last 3; light only in
    the 2 days after."""
    for ahead in range(1, 10):
        if "race" not in ctx.runs_on(s.day + timedelta(days=ahead)):
            continue
        race = _when(s.day + timedelta(days=ahead))
        if ahead == 1:
            yield Violation("B2", s.iso, None, f"session on {_when(s.day)}, the day before "
                                               f"a race ({race})")
        if s.intensity == "heavy":
            yield Violation("B2", s.iso, None, f"main session on {_when(s.day)}, {ahead} days "
                                               f"before a race ({race})")
        for item, ex in s.known():
            if ex.plyometric:
                yield Violation("B2", s.iso, item.variation,
                                f"plyometric {ex.name} {ahead} days before a race")
            if ahead <= 3 and (item.load not in (None, "bodyweight")
                               or item.tempo == TEMPO_LABELS[1]):
                yield Violation("B2", s.iso, item.variation,
                                f"{ex.name} loaded or slow {ahead} days before a race")
        break
    for behind in (1, 2):
        if "race" in ctx.runs_on(s.day - timedelta(days=behind)) and s.intensity == "heavy":
            yield Violation("B2", s.iso, None,
                            f"main session on {_when(s.day)}, {behind} day(s) after a race")


def check_h2_exercise_count(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H2: every session has 4 to 7 exercises, each variation and family at most once.

    Article: "Most runners only need 4–7 leg exercises in one session."
    """
    if not 4 <= s.n_entries <= 7:
        yield Violation("H2", s.iso, None,
                        f"session on {_when(s.day)} has {s.n_entries} exercises; 4 to 7 needed")
    seen: set[str] = set()
    for item in s.items:
        if item.variation is not None and item.variation in seen:
            yield Violation("H2", s.iso, item.variation,
                            f"{item.variation} appears more than once on {_when(s.day)}")
        elif item.variation is not None:
            seen.add(item.variation)
    families: dict[int, list[str]] = defaultdict(list)
    for item, ex in s.known():
        if item.variation not in families[ex.family_no]:
            families[ex.family_no].append(item.variation or "")
    for family_no, variations in sorted(families.items()):
        if len(variations) > 1:
            family = _family_name(s, family_no)
            yield Violation("H2", s.iso, variations[1],
                            f"{family} (exercise {family_no}) appears more than once on "
                            f"{_when(s.day)}: {', '.join(variations)}")


def _family_name(s: _Session, family_no: int) -> str:
    """The article title of family `family_no` as named by the session's catalog rows."""
    return next((ex.family for _, ex in s.known() if ex.family_no == family_no),
                f"exercise {family_no}")


def check_h5_equipment(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H5: only exercises the runner's equipment allows; with none, bodyweight variants.

    Article: each exercise's "Equipment needed" line. Floor, wall, step and chair are
    assumed in every home.
    """
    owned = ctx.profile.equipment
    if owned is None:
        return
    available = owned | ASSUMED_EQUIPMENT
    for item, ex in s.known():
        for group in ex.equipment:
            if not available & set(group):
                have = ", ".join(sorted(owned)) or "no equipment"
                yield Violation("H5", s.iso, item.variation,
                                f"{ex.name} on {_when(s.day)} needs {' or '.join(group)}; "
                                f"the runner has {have} (plus floor, wall, step, chair)")


def check_h6_plyometrics_by_level(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H6: plyometrics by level, and no variation above the runner's level.

    Article: "Beginners: Skip jumping at first"; "Intermediate: Start with low pogo hops on
    two legs"; "Advanced: Use squat jumps, low-level bounds, or single-leg pogo
    progressions". Documented extension: a variation written for a higher level than the
    runner's is not prescribed either.
    """
    level = ctx.profile.level
    if level is None:
        return
    for item, ex in s.known():
        reasons = []
        if ex.plyometric and level == "beginner":
            reasons.append("beginners skip jumping")
        elif ex.plyometric and level == "intermediate" and ex.level != "intermediate":
            reasons.append("intermediate runners do only low two-leg pogo hops")
        if ex.level not in LEVELS:
            reasons.append(f"its catalog level {ex.level!r} is unknown")
        elif LEVELS.index(ex.level) > LEVELS.index(level):
            reasons.append(f"it is a {ex.level} variation")
        if reasons:
            yield Violation("H6", s.iso, item.variation,
                            f"{ex.name} on {_when(s.day)} is not for a {level} runner: "
                            + "; ".join(reasons))


def check_h7_no_plyometrics_when_fatigued(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H7: no plyometrics on a day with a long, race or hard run.

    Article: "Common mistakes: ... adding plyometrics when already fatigued."
    """
    hard = ctx.runs_on(s.day) & FATIGUING_RUNS
    if not hard:
        return
    for item, ex in s.known():
        if ex.plyometric:
            yield Violation("H7", s.iso, item.variation,
                            f"plyometric {ex.name} on {_when(s.day)}, a day with a "
                            f"{_words(hard)} run")


def check_h8_balanced_heavy_session(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H8: a heavy session covers every movement the article lists.

    Article: "A balanced workout should include a squat or lunge, a hip hinge, a step-up or
    single-leg move, calf work, and a hip stability drill."
    """
    if s.intensity != "heavy":
        return
    patterns = {p for _, ex in s.known() for p in ex.patterns}
    for needed, words in _H8_COVERAGE:
        if not patterns & set(needed):
            yield Violation("H8", s.iso, None,
                            f"heavy session on {_when(s.day)} has no {words}")


def check_h11_race_and_long_run_day(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H11: no strength session on race day; no heavy session on a long-run day.

    Article: "Avoid heavy leg work right before speed training, hill repeats, racing, or
    long runs."
    """
    runs = ctx.runs_on(s.day)
    if "race" in runs:
        yield Violation("H11", s.iso, None, f"strength session on {_when(s.day)}, a race day")
    if "long" in runs and s.intensity == "heavy":
        yield Violation("H11", s.iso, None,
                        f"heavy session on {_when(s.day)}, a long-run day")


def check_h12_session_fits_minutes(s: _Session, ctx: _Context) -> Iterator[Violation]:
    """H12: a session, warm-up included, fits the minutes the runner has for it.

    Article: "Start with 5–8 minutes of easy movement" and each exercise's "Rest" line.
    The duration is recomputed from the prescriptions; entries that cannot be timed
    (reported under H0) are left out, so the figure is then a lower bound.
    """
    timed = [item.seconds for item in s.items if item.seconds is not None]
    warmup = s.warmup or 0
    duration = warmup + -(-sum(timed) // 60)
    limit = ctx.profile.minutes
    if s.intensity in _WARMUP_MIN and warmup < _WARMUP_MIN[s.intensity]:
        yield Violation("H12", s.iso, None,
                        f"session on {_when(s.day)} has a {warmup}-minute warm-up; the article "
                        f"gives 5–8 minutes ({_WARMUP_MIN[s.intensity]} counted here)")
    if limit is not None and duration > limit:
        yield Violation("H12", s.iso, None,
                        f"session on {_when(s.day)} takes {duration} min with warm-up; "
                        f"the runner has {limit}")
    if s.minutes is not None and s.minutes < duration:
        yield Violation("H12", s.iso, None,
                        f"session on {_when(s.day)} says {s.minutes} min but its warm-up and "
                        f"exercises take {duration}")


SESSION_RULES: tuple[Callable[[_Session, _Context], Iterator[Violation]], ...] = (
    check_h1_key_run_eve,
    check_h2_exercise_count,
    check_h5_equipment,
    check_h6_plyometrics_by_level,
    check_h7_no_plyometrics_when_fatigued,
    check_h8_balanced_heavy_session,
    check_h11_race_and_long_run_day,
    check_h12_session_fits_minutes,
    check_h13_unloaded_eve_of_key_run,
    check_b2_race_taper,
)


# --------------------------------------------------------------------------- plan rules


def _session_cap(profile: _Profile) -> int | None:
    """H3's cap: the level's default, lowered to what the runner asked for."""
    if profile.level is None:
        return None
    default = 1 if profile.level == "beginner" and not profile.promoted else 2
    return default if profile.sessions is None else min(profile.sessions, default)


def _room_for(cap: int, start: date, ctx: _Context, earlier: Sequence[date]) -> tuple[date, ...]:
    """`cap` dates of the week that H11 and H4 would allow, or () when none exist."""
    days = [start + timedelta(days=k) for k in range(7)]
    blocked = {day for day in days if "race" in ctx.runs_on(day)}
    before = [day for day in earlier if day < start]
    if before:
        blocked.add(max(before) + timedelta(days=1))
    allowed = [day for day in days if day not in blocked]
    for chosen in combinations(allowed, cap):
        if all((b - a).days >= 2 for a, b in pairwise(chosen)):
            return chosen
    return ()


def check_h3_sessions_per_week(ctx: _Context) -> Iterator[Violation]:
    """H3: sessions per week up to the cap; fewer only when the week cannot hold them.

    Article: "Most runners do well with 1–2 lower-body strength sessions per week.
    Beginners should start with one session." A shortfall is accepted when no choice of
    dates avoids race days and back-to-back days, or when a note cites the rule that
    caused it.
    """
    cap = _session_cap(ctx.profile)
    if cap is None:
        return
    earlier = sorted(s.day for week in ctx.previous_weeks + ctx.weeks for s in week.sessions)
    for week in ctx.weeks:
        label = f"week of {week.start.isoformat()}" if week.start else "a week"
        if week.n_sessions > cap:
            yield Violation("H3", None, None,
                            f"{label} has {week.n_sessions} sessions; at most {cap} allowed")
        elif week.n_sessions < cap and week.start is not None:
            if any(RULE_CITE.search(note) for note in week.notes):
                continue
            room = _room_for(cap, week.start, ctx, earlier)
            if room:
                yield Violation("H3", None, None,
                                f"{label} has {week.n_sessions} of {cap} sessions, yet "
                                f"{', '.join(_when(d) for d in room)} could hold them and no "
                                "note cites the rule that prevented it")


def check_h4_rest_day(ctx: _Context) -> Iterator[Violation]:
    """H4: at least one full day between two strength sessions, across weeks and plans.

    Article: recovery between sessions; "keep easy days truly easy".
    """
    sessions = sorted(
        [s for week in ctx.previous_weeks for s in week.sessions] + list(ctx.sessions()),
        key=lambda s: (s.day, s.previous),
    )
    for i, first in enumerate(sessions):
        for second in sessions[i + 1:]:
            gap = (second.day - first.day).days
            if gap >= 2:
                break
            if first.previous and second.previous:
                continue
            where = second if not second.previous else first
            first_, second_ = (_when(x.day) + (" (previous plan)" if x.previous else "")
                               for x in (first, second))
            apart = "on the same day" if gap == 0 else "on consecutive days"
            yield Violation("H4", where.iso, None,
                            f"sessions on {first_} and {second_} fall {apart}; "
                            "a full rest day is needed between strength sessions")


def _doses(week: _Week) -> dict[tuple[int, str], list[tuple[_Session, _Item, _Dose]]]:
    """Each session's first complete dose per (family_no, intensity), in date order.

    A family twice in one session is H2's concern, so only its first entry is kept here.
    """
    found: dict[tuple[int, str], list[tuple[_Session, _Item, _Dose]]] = defaultdict(list)
    for s in week.sessions:
        if s.intensity is None:
            continue
        for item, ex in s.known():
            key, dose = (ex.family_no, s.intensity), item.dose
            entries = found[key]
            if dose is not None and not (entries and entries[-1][0] is s):
                entries.append((s, item, dose))
    return {key: entries for key, entries in found.items() if entries}


def _step(label: Any) -> int:
    step = load_step(label)
    return -1 if step is None else step


def _changes(before: _Dose, after: _Dose) -> list[str]:
    """The DOSE_FIELDS that differ, where one step counts once: a new variation brings its
    own load and reps, and a load step brings the reps back down (double progression)."""
    old = dict(zip(DOSE_FIELDS, before, strict=True))
    new = dict(zip(DOSE_FIELDS, after, strict=True))
    changed = [name for name in DOSE_FIELDS if old[name] != new[name]]
    if "variation" in changed:
        return [name for name in changed if name not in ("load", "reps")]
    if ("load" in changed and "reps" in changed
            and _step(new["load"]) > _step(old["load"]) and new["reps"] < old["reps"]):
        changed.remove("reps")
    return changed


def check_h9_one_variable_at_a_time(ctx: _Context) -> Iterator[Violation]:
    """H9: from one week to the next, an exercise's prescription changes in one variable.

    Article: "Progress slowly. Add one variable at a time: more reps, more weight, more range
    of motion, slower tempo, or a harder variation." Within one week an exercise keeps one
    prescription per intensity.
    """
    weeks = list(ctx.weeks)
    boundary = ctx.week_before_first()
    pairs: list[tuple[_Week | None, _Week]] = [(boundary, weeks[0])] if weeks else []
    pairs += list(pairwise(weeks))
    for before, after in pairs:
        now = _doses(after)
        for (_, intensity), entries in sorted(now.items(), key=lambda kv: kv[0]):
            first_s, _, first = entries[0]
            for s, item, dose in entries[1:]:
                if dose != first:
                    yield Violation("H9", s.iso, item.variation,
                                    f"{item.variation} ({intensity}) on {_when(s.day)} differs "
                                    f"from its prescription on {_when(first_s.day)} in the "
                                    "same week; one prescription per week")
        if before is None:
            continue
        then = _doses(before)
        for key in sorted(now.keys() & then.keys()):
            (_, old, old_dose), (s, new, new_dose) = then[key][0], now[key][0]
            changed = _changes(old_dose, new_dose)
            if len(changed) > 1:
                yield Violation("H9", s.iso, new.variation,
                                f"{new.variation} ({key[1]}) on {_when(s.day)} changes "
                                f"{' and '.join(changed)} at once from the week before "
                                f"({old.variation}); change one variable at a time")


def _h10_categories(week: _Week) -> frozenset[str]:
    """Which of the article's four additions a week contains."""
    found: set[str] = set()
    for s in week.sessions:
        for _, ex in s.known():
            if ex.plyometric:
                found.add("jumping")
            if s.intensity != "heavy":
                continue
            if "squat" in ex.patterns:
                found.add("heavy squat")
            if "lunge" in ex.patterns:
                found.add("lunge")
            if "hinge" in ex.patterns and ex.family_no in _DEADLIFT_FAMILIES:
                found.add("deadlift")
    return frozenset(found)


def check_h10_new_to_strength_additions(ctx: _Context) -> Iterator[Violation]:
    """H10: a runner new to strength never adds all four heavy categories in one week.

    Article: "Do not add heavy squats, lunges, deadlifts, and jumping all in the same week
    if you are new to strength training."
    """
    if not ctx.profile.new_to_strength:
        return
    boundary = ctx.week_before_first()
    before = _h10_categories(boundary) if boundary is not None else frozenset()
    for week in ctx.weeks:
        now = _h10_categories(week)
        if len(now - before) == len(_H10_CATEGORIES):
            label = f"week of {week.start.isoformat()}" if week.start else "a week"
            yield Violation("H10", None, None,
                            f"{label} adds heavy squats, lunges, deadlifts and jumping all "
                            "at once for a runner new to strength training")
        before = now


PLAN_RULES: tuple[Callable[[_Context], Iterator[Violation]], ...] = (
    check_h3_sessions_per_week,
    check_h4_rest_day,
    check_h9_one_variable_at_a_time,
    check_h10_new_to_strength_additions,
)


# --------------------------------------------------------------------------- entry point


def _catalog_index(catalog: Any, out: list[Violation]) -> dict[str, Exercise]:
    """The catalog as {variation id: Exercise}; accepts a Catalog or a plain mapping."""
    try:
        raw = catalog if isinstance(catalog, Mapping) else catalog.by_id()
        return {key: ex for key, ex in dict(raw).items() if isinstance(ex, Exercise)}
    except Exception as exc:  # a broken catalog must not crash the checker
        out.append(Violation("H0", None, None, f"catalog could not be read ({exc!r})"))
        return {}


def _guarded(rule: str, run: Callable[[], Iterator[Violation]], day: str | None,
             out: list[Violation]) -> None:
    """Run one rule, turning an unexpected error into an H0 violation instead of a crash."""
    try:
        out.extend(run())
    except Exception as exc:
        out.append(Violation("H0", day, None, f"{rule} could not be checked ({exc!r})"))


def _sort_key(v: Violation) -> tuple[bool, int, str, str, str]:
    number = int(v.rule[1:]) if v.rule[1:].isdigit() else 99
    return v.rule.startswith("B"), number, v.date or "", v.exercise or "", v.message


def check_plan(plan: dict, catalog: Any, *, runs: Sequence[Run] | None = None,
               previous: dict | None = None) -> list[Violation]:
    """Every hard-rule violation in `plan`, sorted by rule, date, exercise and message.

    `catalog` has `by_id() -> {variation id: Exercise}` (or is that mapping). `runs`, when
    given, replaces the runs listed in the plan's weeks. `previous` is an earlier plan JSON
    whose last week precedes this plan's first week; it extends H3, H4, H9 and H10 across
    the boundary. Never raises: malformed content is reported under H0.
    """
    out: list[Violation] = []
    try:
        parser = _Parser(_catalog_index(catalog, out), out)
        if not isinstance(plan, dict):
            parser.h0("the plan is not a JSON object")
            return sorted(set(out), key=_sort_key)
        weeks = parser.weeks(plan)
        previous_weeks = parser.weeks(previous, previous=True) if previous is not None else ()
        ctx = _Context(parser.profile(plan), weeks, previous_weeks, parser.runs(plan, runs))
        if previous_weeks and ctx.week_before_first() is None:
            parser.h0("the previous plan's last week does not precede this plan's first week")
    except Exception as exc:
        out.append(Violation("H0", None, None, f"the plan could not be read ({exc!r})"))
        return sorted(set(out), key=_sort_key)
    for s in ctx.sessions():
        for rule in SESSION_RULES:
            _guarded(rule.__name__, lambda rule=rule, s=s: rule(s, ctx), s.iso, out)
    for plan_rule in PLAN_RULES:
        _guarded(plan_rule.__name__, lambda plan_rule=plan_rule: plan_rule(ctx), None, out)
    return sorted(set(out), key=_sort_key)
