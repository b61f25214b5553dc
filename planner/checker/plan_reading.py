"""Reading a plan JSON tolerantly: every malformed piece becomes an H0 violation, never an
exception, and the rest of the plan is still checked.

The catalog is trusted for what an exercise *is* (equipment, patterns, level, plyometric
flag, family, reps unit), looked up by each entry's `variation`; the JSON is trusted only
for what was *prescribed* (sets, reps, rest, load, tempo, range, dates, intensity) and for
its own week markings (deload, taper), which the block rules compare with the calendar.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from planner.checker.records import (
    RACE_MINUTES,
    ExerciseEntry,
    ProfileEntry,
    SessionEntry,
    Violation,
    WeekEntry,
    is_int,
    to_date,
    when,
)
from planner.checker.timing import REPS_UNITS
from planner.domain import (
    ALL_EQUIPMENT_WORDS,
    INTENSITIES,
    LEGACY_LOAD_LABELS,
    LEVELS,
    LOAD_LABELS,
    PHASES,
    RANGE_LABELS,
    RUN_TYPES,
    TEMPO_LABELS,
    Exercise,
    Run,
)
from planner.errors import shown_value
from planner.niggles import NIGGLES

# The `done` words planner.solving.previous reads as "skipped" or "too hard" (README, adherence):
# the next plan repeats or eases that work, so it neither progresses nor steps back.
HELD_BACK_WORDS: frozenset[str] = frozenset({"no", "skipped", "too hard", "too_hard", "hard"})


def _held_back(done: Any) -> bool:
    if done is False:
        return True
    return isinstance(done, str) and done.strip().lower() in HELD_BACK_WORDS


def _skipped(done: Any) -> bool:
    """The session-level mark of a session logged as skipped (planner.readers.session_log)."""
    return done is False or (isinstance(done, str) and done.strip().lower() in ("no", "skipped"))


class PlanReader:
    """Turns the JSON into typed records, reporting each malformed piece under H0."""

    def __init__(self, by_id: Mapping[str, Exercise], out: list[Violation]) -> None:
        self.by_id = by_id
        self.out = out
        self.race_minutes: dict[date, int] = {}

    def h0(self, message: str, day: str | None = None, exercise: str | None = None,
           prefix: str = "") -> None:
        self.out.append(Violation("H0", day, exercise, prefix + message))

    def profile(self, plan: Mapping[str, Any]) -> ProfileEntry:
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
        return ProfileEntry(level, new, self._equipment(raw), self._asked_sessions(raw),
                            self._minutes(raw), promoted, self._deload_every(raw),
                            self._words(raw, "niggles", NIGGLES), self._words(raw, "exclude"),
                            self._races(raw), self._race_week(raw))

    def _words(self, raw: Mapping[str, Any], key: str,
               allowed: tuple[str, ...] | None = None) -> frozenset[str]:
        """profile.niggles / profile.exclude: a list of words (absent in plans without)."""
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.h0(f"profile.{key} {value!r} is not a list of words")
            return frozenset()
        unknown = [v for v in value if allowed is not None and v not in allowed]
        if unknown:
            self.h0(f"profile.{key}: {', '.join(map(repr, unknown))} is not one of "
                    f"{', '.join(allowed or ())}")
        return frozenset(v for v in value if allowed is None or v in allowed)

    def _races(self, raw: Mapping[str, Any]) -> tuple[date, ...]:
        """The goal races the runner named; a plan written without them names none."""
        named = raw.get("races") or []
        days = [to_date(day) for day in named] if isinstance(named, list) else [None]
        if None in days:
            self.h0(f"profile.races {named!r} is not a list of dates (YYYY-MM-DD)")
        return tuple(sorted({day for day in days if day is not None}))

    def _race_week(self, raw: Mapping[str, Any]) -> str:
        word = raw.get("race_week", "light")
        if word not in ("light", "none"):
            self.h0(f"profile.race_week {word!r} is not light or none")
            return "light"
        return word

    def _deload_every(self, raw: Mapping[str, Any]) -> int | None:
        """B1's N; a plan written without it says nothing about its step-back weeks."""
        every = raw.get("deload_every")
        if every is not None and not (is_int(every) and every >= 0):
            self.h0(f"profile.deload_every {every!r} is not a whole number of weeks")
            return None
        return every

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
        if asked is not None and not (is_int(asked) and asked >= 0):
            self.h0(f"profile.sessions {asked!r} is not a count or null")
            return None
        return asked

    def _minutes(self, raw: Mapping[str, Any]) -> int | None:
        minutes = raw.get("minutes")
        if not (is_int(minutes) and minutes > 0):
            self.h0(f"profile.minutes {minutes!r} is not a positive whole number")
            return None
        return minutes

    def weeks(self, plan: Any, *, previous: bool = False) -> tuple[WeekEntry, ...]:
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

    def _week(self, n: int, raw: Any, previous: bool, prefix: str) -> WeekEntry:
        where = f"week {n}"
        if not isinstance(raw, dict):
            self.h0(f"{where} is not an object", prefix=prefix)
            return WeekEntry(None, (), 0, ())
        start = to_date(raw.get("start"))
        if start is None:
            self.h0(f"{where} has no valid 'start' date", prefix=prefix)
        raw_sessions = raw.get("sessions")
        if not isinstance(raw_sessions, list):
            self.h0(f"{where} has no 'sessions' list", prefix=prefix)
            raw_sessions = []
        # A session logged as skipped did not happen: the legs did no work that day, so no
        # rule counts it (a mid-week re-plan may put its work on a later day).
        planned = len(raw_sessions)
        raw_sessions = [r for r in raw_sessions
                        if not (isinstance(r, dict) and _skipped(r.get("done")))]
        sessions = [s for s in (self._session(where, r, previous, prefix) for r in raw_sessions)
                    if s is not None]
        if start is not None:
            for s in sessions:
                if not 0 <= (s.day - start).days <= 6:
                    self.h0(f"session {when(s.day)} lies outside {where} "
                            f"(starting {start.isoformat()})", s.iso, prefix=prefix)
        notes = raw.get("notes", [])
        if not isinstance(notes, list):
            self.h0(f"{where} 'notes' is not a list", prefix=prefix)
            notes = []
        return WeekEntry(start, tuple(sorted(sessions, key=lambda s: s.day)), len(raw_sessions),
                         tuple(note for note in notes if isinstance(note, str)),
                         self._flag(raw, "deload", where, prefix),
                         self._flag(raw, "taper", where, prefix),
                         planned - len(raw_sessions), self._phase(raw, where, prefix))

    def _phase(self, raw: Mapping[str, Any], where: str, prefix: str) -> str | None:
        value = raw.get("phase")
        if value is not None and value not in PHASES:
            self.h0(f"{where} 'phase' {value!r} is not one of {', '.join(PHASES)}",
                    prefix=prefix)
            return None
        return value

    def _flag(self, raw: Mapping[str, Any], key: str, where: str, prefix: str) -> bool | None:
        value = raw.get(key)
        if value is not None and not isinstance(value, bool):
            self.h0(f"{where} '{key}' {value!r} is not true/false", prefix=prefix)
            return None
        return value

    def _session(self, where: str, raw: Any, previous: bool, prefix: str) -> SessionEntry | None:
        if not isinstance(raw, dict):
            self.h0(f"a session of {where} is not an object", prefix=prefix)
            return None
        day = to_date(raw.get("date"))
        if day is None:
            self.h0(f"a session of {where} has no valid 'date' ({raw.get('date')!r})",
                    prefix=prefix)
            return None
        iso = day.isoformat()
        intensity = raw.get("intensity")
        if intensity not in INTENSITIES:
            self.h0(f"session {when(day)}: intensity {intensity!r} is not heavy or light",
                    iso, prefix=prefix)
            intensity = None
        numbers = {}
        for key in ("minutes", "warmup_minutes"):
            value = raw.get(key)
            if not (is_int(value) and value >= 0):
                self.h0(f"session {when(day)}: '{key}' {value!r} is not a whole number",
                        iso, prefix=prefix)
                value = None
            numbers[key] = value
        raw_items = raw.get("exercises")
        if not isinstance(raw_items, list):
            self.h0(f"session {when(day)} has no 'exercises' list", iso, prefix=prefix)
            raw_items = []
        items = tuple(item for item in (self._item(day, r, prefix, raw.get("done"))
                                        for r in raw_items) if item is not None)
        return SessionEntry(day, intensity, numbers["minutes"], numbers["warmup_minutes"], items,
                            len(raw_items), previous)

    def _item(self, day: date, raw: Any, prefix: str,
              session_done: Any) -> ExerciseEntry | None:
        iso, said = day.isoformat(), when(day)
        if not isinstance(raw, dict):
            self.h0(f"session {said}: an exercise entry is not an object", iso, prefix=prefix)
            return None
        variation = raw.get("variation")
        ex = None
        if not isinstance(variation, str) or not variation:
            self.h0(f"session {said}: an exercise has no 'variation' id", iso, prefix=prefix)
            variation = None
        else:
            ex = self.by_id.get(variation)
            if ex is None:
                self.h0(f"session {said}: unknown variation {variation!r} (not in the catalog)",
                        iso, variation, prefix)
        # The exercise's own `id` (what explain, the web page and a coach's tools read) must
        # name the same catalog row: a plan naming an exercise runstrong does not know is
        # not a plan it can vouch for.
        own_id = raw.get("id", variation if ex is not None else "")
        if own_id == "" and "id" not in raw:
            pass  # no id and an unknown variation: reported just above
        elif not isinstance(own_id, str):
            self.h0(f"session {said}: exercise id of type {type(own_id).__name__} is not an id",
                    iso, variation, prefix)
        elif own_id not in self.by_id:
            self.h0(f"session {said}: unknown exercise id {shown_value(own_id)} (not in the "
                    "catalog)", iso, variation, prefix)
        elif ex is not None and own_id != variation:
            self.h0(f"session {said}: exercise id {own_id!r} is not its variation "
                    f"{variation!r}", iso, variation, prefix)

        def label(key: str, allowed: tuple[str, ...]) -> str | None:
            value = raw.get(key)
            if value in allowed:
                return value
            self.h0(f"session {said}: {key} {value!r} is not one of {', '.join(allowed)}",
                    iso, variation, prefix)
            return None

        def count(key: str, least: int) -> int | None:
            value = raw.get(key)
            if is_int(value) and value >= least:
                return value
            self.h0(f"session {said}: {key} {value!r} is not a whole number >= {least}",
                    iso, variation, prefix)
            return None

        reps_unit = ex.reps_unit if ex is not None else raw.get("reps_unit")
        if reps_unit not in REPS_UNITS:
            self.h0(f"session {said}: reps unit {reps_unit!r} is not one of "
                    f"{', '.join(REPS_UNITS)}", iso, variation, prefix)
            reps_unit = None
        return ExerciseEntry(variation, ex, count("sets", 1), count("reps", 1),
                             count("rest_s", 0),
                             label("load", LOAD_LABELS + tuple(LEGACY_LOAD_LABELS)),
                             label("tempo", TEMPO_LABELS), label("range", RANGE_LABELS),
                             reps_unit, _held_back(raw.get("done", session_done)))

    def runs(self, plan: Any, runs: Sequence[Run] | None) -> dict[date, frozenset[str]]:
        found: dict[date, set[str]] = defaultdict(set)
        if runs is not None:
            for run in runs:
                day, kind = getattr(run, "date", None), getattr(run, "kind", None)
                if isinstance(day, date) and kind in RUN_TYPES:
                    found[day].add(kind)
                    self._race_length(day, kind, getattr(run, "minutes", None))
                else:
                    self.h0(f"run {run!r} has no valid date or run type")
        elif isinstance(plan, dict) and isinstance(plan.get("weeks"), list):
            for week in plan["weeks"]:
                raw_runs = week.get("runs", []) if isinstance(week, dict) else []
                if not isinstance(raw_runs, list):
                    self.h0("a week's 'runs' is not a list")
                    continue
                for raw in raw_runs:
                    day = to_date(raw.get("date")) if isinstance(raw, dict) else None
                    kind = raw.get("run") if isinstance(raw, dict) else None
                    if day is None or kind not in RUN_TYPES:
                        self.h0(f"run {raw!r} has no valid date or run type")
                        continue
                    found[day].add(kind)
                    self._race_length(day, kind, raw.get("minutes"))
        return {day: frozenset(kinds) for day, kinds in found.items()}

    def _race_length(self, day: date, kind: str, minutes: Any) -> None:
        """The longest race of the day, for choosing the goal race (RACE_MINUTES unknown)."""
        if kind == "race":
            length = minutes if is_int(minutes) and minutes > 0 else RACE_MINUTES
            self.race_minutes[day] = max(self.race_minutes.get(day, 0), length)
