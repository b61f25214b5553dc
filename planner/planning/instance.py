"""One week as the model sees it: seven days of runs, the runner, and what last week left.

Built from validated inputs; holds no solver objects, so constraint modules and the
explanations read the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from planner.domain import (
    FATIGUING_RUNS,
    KEY_RUNS,
    LEVELS,
    NEXT_DAY_FATIGUING_RUNS,
    Dose,
    Exercise,
    Profile,
    Run,
)

RACE_WEEK_LEAD_DAYS = 4  # B4: race week's session is at least this many days before the race
RACE_WEEK_EXERCISES = 4  # B4: and short, the article's four light-session slots
TAPER_DAYS_BEFORE = 9  # B2: no main session in the last 9 days before a race
UNLOADED_DAYS_BEFORE = 3  # B2: nothing loaded within 3 days of a race
TAPER_WEEKS = 2  # B2: volume falls in the last two weeks before a race
DEFAULT_SESSIONS = {"beginner": 1, "intermediate": 2, "advanced": 2}
PROMOTION_WEEKS = 4  # B3: "add a second only when recovery feels good"
FamilyKey = tuple[int, str]  # (family_no, intensity)


@dataclass(frozen=True)
class Carry:
    """What one week hands the next: doses to progress from and where the sessions fell."""

    doses: Mapping[FamilyKey, Dose] = field(default_factory=dict)
    session_dates: tuple[date, ...] = ()
    # Adherence from a completed plan: skipped work holds, work marked too hard steps back.
    hold: frozenset[FamilyKey] = frozenset()
    regress: frozenset[FamilyKey] = frozenset()
    # The doses before a step-back week: the week after returns to them (B1).
    resume: Mapping[FamilyKey, Dose] = field(default_factory=dict)
    # B3: a beginner who completed every session of PROMOTION_WEEKS weeks in a row.
    beginner_promoted: bool = False
    # Every variation done so far in the block (and in a --previous plan's last week): race
    # week holds nothing new (B4).
    seen: frozenset[str] = frozenset()
    # From a --previous plan: lifts whose kilograms lifted were below their start weight,
    # by catalog id, with the owned weight the plan starts them from instead (issue 21:
    # the logged kilograms are where the next plan starts, not a heavier default).
    start_weights: tuple[tuple[str, float], ...] = ()
    # The last maintain week before a taper drops a set of these (the main lifts, B5).
    drop: frozenset[FamilyKey] = frozenset()
    # The week after a step-back: these return to their dose from before it (B1), not to
    # last week's, so the why-line says "back to", not "same dose".
    returned: frozenset[FamilyKey] = frozenset()


@dataclass(frozen=True)
class WeekInstance:
    start: date  # Monday
    profile: Profile
    exercises: tuple[Exercise, ...]
    runs: tuple[Run, ...]  # runs dated inside this week
    next_monday_runs: tuple[Run, ...] = ()  # H1 looks one day past Sunday
    last_sunday_runs: tuple[Run, ...] = ()  # H7 looks one day before Monday
    carry: Carry = field(default_factory=Carry)
    deload: bool = False
    # The goal races of the block (planner/planning/season.py): only they bring a taper
    # (B2), a race week (B4) and a return week (B6); other races are hard runs (H1, H11).
    race_dates: tuple[date, ...] = ()
    taper: bool = False  # one of the last TAPER_WEEKS weeks before a race: volume falls (B2)
    phase: str = "build"  # PHASES; "maintain" holds every dose (B5)

    @property
    def days(self) -> range:
        return range(7)

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)

    @cached_property
    def kinds_by_day(self) -> tuple[frozenset[str], ...]:
        by_day: list[set[str]] = [set() for _ in range(8)]
        for run in self.runs:
            by_day[(run.date - self.start).days].add(run.kind)
        for run in self.next_monday_runs:
            by_day[7].add(run.kind)
        return tuple(frozenset(kinds - {"rest"}) for kinds in by_day)

    def kinds(self, day: int) -> frozenset[str]:
        return self.kinds_by_day[day]

    def is_eve_of_key_run(self, day: int) -> bool:
        return bool(self.kinds(day + 1) & KEY_RUNS)

    def is_fatigued(self, day: int) -> bool:
        return bool(self.kinds(day) & FATIGUING_RUNS)

    def kinds_the_day_before(self, day: int) -> frozenset[str]:
        """The runs of the day before `day`; Monday looks at last week's Sunday."""
        if day > 0:
            return self.kinds(day - 1)
        return frozenset(run.kind for run in self.last_sunday_runs) - {"rest"}

    def is_day_after_long_run_or_race(self, day: int) -> bool:
        return bool(self.kinds_the_day_before(day) & NEXT_DAY_FATIGUING_RUNS)

    def legs_fatigued(self, day: int) -> bool:
        """H7: a hard run that day, or a long run or race the day before."""
        return self.is_fatigued(day) or self.is_day_after_long_run_or_race(day)

    def days_to_race(self, day: int) -> int | None:
        """Days until the next race after this day, if any (B2)."""
        ahead = [n for race in self.race_dates if (n := (race - self.date_of(day)).days) >= 1]
        return min(ahead) if ahead else None

    def in_taper(self, day: int) -> bool:
        """B2: a race falls in the next TAPER_DAYS_BEFORE days."""
        to_race = self.days_to_race(day)
        return to_race is not None and to_race <= TAPER_DAYS_BEFORE

    def unloaded_for_race(self, day: int) -> bool:
        """B2: nothing loaded within UNLOADED_DAYS_BEFORE days of a race."""
        to_race = self.days_to_race(day)
        return to_race is not None and to_race <= UNLOADED_DAYS_BEFORE

    def jumps_forbidden(self, day: int) -> bool:
        """H1, H7 and B2 all keep plyometrics off this day."""
        return self.is_eve_of_key_run(day) or self.legs_fatigued(day) or self.in_taper(day)

    def has_run(self, day: int, kind: str) -> bool:
        return kind in self.kinds(day)

    @cached_property
    def goal_race_this_week(self) -> date | None:
        """The goal race this week holds (B4: race week), if any."""
        inside = [r for r in self.race_dates if 0 <= (r - self.start).days <= 6]
        return min(inside) if inside else None

    @cached_property
    def is_return_week(self) -> bool:
        """B6: the week after a goal race's week."""
        return any((self.start - r).days + r.weekday() == 7 for r in self.race_dates)

    @property
    def short_by_rule(self) -> bool:
        """Race week or the return week after it: one short light session at most (B4, B6),
        so the week's coverage, power, kept exercises and main session are not asked."""
        return self.goal_race_this_week is not None or self.is_return_week

    @property
    def level_rank(self) -> int:
        return LEVELS.index(self.profile.level)

    @property
    def target_sessions(self) -> int:
        """H3: the level's number, never more than the runner asked for."""
        default = DEFAULT_SESSIONS[self.profile.level]
        if self.profile.level == "beginner" and self.carry.beginner_promoted:
            default = 2
        asked = self.profile.sessions
        wanted = default if asked is None else max(0, min(asked, default))
        # B6: the return week after a goal race holds one light session at most.
        return min(wanted, self.race_week_sessions, 1 if self.is_return_week else 7)

    @property
    def race_week_sessions(self) -> int:
        """B4: in race week at most one session, and none when the runner asks for none or
        no day lies far enough before the race; any other week is not capped (7)."""
        race = self.goal_race_this_week
        if race is None:
            return 7
        if self.profile.race_week == "none" or race.weekday() < RACE_WEEK_LEAD_DAYS:
            return 0
        return 1

    @cached_property
    def families(self) -> tuple[int, ...]:
        return tuple(sorted({ex.family_no for ex in self.exercises}))

    @cached_property
    def _by_family(self) -> dict[int, tuple[Exercise, ...]]:
        grouped: dict[int, list[Exercise]] = {}
        for ex in self.exercises:
            grouped.setdefault(ex.family_no, []).append(ex)
        return {family_no: tuple(group) for family_no, group in grouped.items()}

    def family(self, family_no: int) -> tuple[Exercise, ...]:
        return self._by_family.get(family_no, ())

    @cached_property
    def _by_id(self) -> dict[str, Exercise]:
        return {ex.id: ex for ex in self.exercises}

    def exercise(self, exercise_id: str) -> Exercise | None:
        """The catalog's variation with this id, if the catalog has it."""
        return self._by_id.get(exercise_id)
