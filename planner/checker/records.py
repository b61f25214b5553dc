"""The plan as the checker reads it: typed records in which None marks what was missing
or malformed (reported under H0 by `plan_reading`), and the violation every rule returns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from planner.checker.timing import SECONDS_PER_REP, exercise_seconds
from planner.domain import DOSE_FIELDS, WEEKDAYS, Exercise


@dataclass(frozen=True, order=True)
class Violation:
    """One broken hard rule, in words a runner or coach can act on."""

    rule: str  # "H0" (unreadable plan), "H1".."H13", "B1", "B2"
    date: str | None  # session date YYYY-MM-DD, if the violation is about a session
    exercise: str | None  # variation id, if about an exercise
    message: str



RACE_MINUTES = 60  # a race without minutes, when goal races are compared by length
DoseTuple = tuple[Any, ...]  # an exercise's prescription, in DOSE_FIELDS order


@dataclass(frozen=True)
class ExerciseEntry:
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
    # Marked skipped or "too hard" (item or session `done`): the week after repeats or eases
    # it instead of progressing or stepping back, so B1 does not judge what follows it.
    held_back: bool = False

    @property
    def dose(self) -> DoseTuple | None:
        """The prescription H9 compares, in DOSE_FIELDS order; None if incomplete."""
        values = tuple(getattr(self, name) for name in DOSE_FIELDS)
        return None if any(v is None for v in values) else values

    @property
    def seconds(self) -> int | None:
        """Computed seconds (H12), None when a needed field is unknown."""
        sets, reps, rest_s, unit = self.sets, self.reps, self.rest_s, self.reps_unit
        if sets is None or reps is None or rest_s is None or unit is None:
            return None
        if unit != "seconds" and self.tempo not in SECONDS_PER_REP:
            return None
        return exercise_seconds(sets=sets, reps=reps, reps_unit=unit, tempo=self.tempo or "",
                                rest_s=rest_s)


@dataclass(frozen=True)
class SessionEntry:
    day: date
    intensity: str | None
    minutes: int | None  # as stated in the JSON
    warmup: int | None
    items: tuple[ExerciseEntry, ...]
    n_entries: int  # length of the exercises list, malformed entries included
    previous: bool  # True for a session of the `previous` plan

    @property
    def iso(self) -> str:
        return self.day.isoformat()

    def known(self) -> Iterator[tuple[ExerciseEntry, Exercise]]:
        """The entries whose variation is in the catalog, with their catalog row."""
        for item in self.items:
            if item.ex is not None:
                yield item, item.ex


@dataclass(frozen=True)
class WeekEntry:
    start: date | None
    sessions: tuple[SessionEntry, ...]  # valid-dated sessions, by date
    n_sessions: int  # length of the sessions list, malformed entries included
    notes: tuple[str, ...]
    deload: bool | None = None  # the plan's own step-back marking; None when absent
    taper: bool | None = None  # the plan's own race-taper marking; None when absent
    # Sessions logged as skipped: left out of `sessions` (they did not happen), but the
    # plan did place them, so H3 does not call the week short for them.
    n_skipped: int = 0
    phase: str | None = None  # the plan's own phase (PHASES); None when absent


@dataclass(frozen=True)
class ProfileEntry:
    level: str | None
    new_to_strength: bool
    equipment: frozenset[str] | None
    sessions: int | None  # what the runner asked for; None = the level's default
    minutes: int | None
    promoted: bool = False  # B3: a beginner moved up to two sessions after steady weeks
    deload_every: int | None = None  # B1: every Nth week steps back; 0 never; None unknown
    niggles: frozenset[str] = frozenset()  # H30: planner.niggles.NIGGLES the runner named
    exclude: frozenset[str] = frozenset()  # H31: variation ids left out
    races: tuple[date, ...] = ()  # goal races the runner named (--race); () = from the runs
    race_week: str = "light"  # B4: "light" (one short session at most) or "none"


@dataclass(frozen=True)
class PlanContext:
    profile: ProfileEntry
    weeks: tuple[WeekEntry, ...]
    previous_weeks: tuple[WeekEntry, ...]
    runs: Mapping[date, frozenset[str]]  # every run type on each date
    # Each race day's longest race in minutes (RACE_MINUTES when not given): goal races.
    race_minutes: Mapping[date, int] = field(default_factory=dict)

    def runs_on(self, day: date) -> frozenset[str]:
        return self.runs.get(day, frozenset())

    def race_days(self) -> tuple[date, ...]:
        """Every race, goal or not (H1 and H11 protect them all)."""
        return tuple(sorted(day for day, kinds in self.runs.items() if "race" in kinds))

    def goal_races(self) -> tuple[date, ...]:
        """The races that bring a taper (B2), a race week (B4) and a return week (B6): those
        the runner named, else the longest race that has no other race exactly a week before
        or after it (a weekly parkrun is a hard run, not a goal), the later on a tie."""
        if self.profile.races:
            return self.profile.races
        races = self.race_days()
        weekly = {d for d in races
                  if d - timedelta(days=7) in races or d + timedelta(days=7) in races}
        single = [d for d in races if d not in weekly]
        if not single:
            return ()
        return (max(single, key=lambda d: (self.race_minutes.get(d, RACE_MINUTES), d)),)

    def race_week_cap(self, start: date) -> int | None:
        """B4's cap on the sessions of the week starting `start` when it is a goal race's
        week: one, or none when the runner asked for none or no day lies four days before
        the race (a race Monday to Thursday); None for any other week."""
        for race in self.goal_races():
            if 0 <= (race - start).days <= 6:
                return 0 if self.profile.race_week == "none" or race.weekday() < 4 else 1
        return None

    def sessions(self) -> Iterator[SessionEntry]:
        for week in self.weeks:
            yield from week.sessions

    def week_before_first(self) -> WeekEntry | None:
        """The previous plan's last week, when it precedes this plan's first week."""
        if not self.previous_weeks or not self.weeks:
            return None
        last, first = self.previous_weeks[-1], self.weeks[0]
        if last.start is None or first.start is None or last.start >= first.start:
            return None
        return last


def when(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def to_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def kinds_words(kinds: Iterable[str]) -> str:
    return " and ".join(sorted(kinds))
