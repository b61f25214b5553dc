"""The season: each week's running load, the goal races, and the phase every week takes.

Plain code over the runs, before any model is built (docs/coaching.md, "The season:
phases"). The strength plan follows the running: it builds while the running is steady,
holds when the running jumps, steps back when the running steps back, and tapers only to a
goal race, never to a weekly parkrun.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.domain import PHASES, Run, monday_of
from planner.errors import InputError

# Running load = minutes × this factor per run type: how much a minute of it costs the legs
# (easy running is the unit; hills and track cost more, a race the most; cross-training
# spares the legs the impact).
RUN_LOAD_FACTORS: dict[str, float] = {
    "easy": 1.0, "recovery": 1.0, "long": 1.2, "tempo": 1.5, "speed": 1.7, "hill": 1.7,
    "race": 2.0, "cross": 0.5, "rest": 0.0,
}
# A run without minutes counts as a typical one of its type.
DEFAULT_RUN_MINUTES: dict[str, int] = {
    "easy": 40, "recovery": 30, "long": 90, "tempo": 50, "speed": 50, "hill": 45,
    "race": 60, "cross": 45, "rest": 0,
}
LOOKBACK_WEEKS = 3  # a week is compared with the average of the weeks before it...
LOOKBACK_MIN = 2  # ...once at least this many are known (the first two weeks never are)
JUMP_RATIO = 1.2  # more than 20 % above that average: the running jumps, strength holds
CUTBACK_RATIO = 0.8  # more than 20 % below it: the running steps back, so does strength
MAINTAIN_WEEKS = 2  # before a goal race's taper week, strength holds this many weeks
TAPER_WEEKS = 2  # the taper week and race week itself: the step-back dose (B2)
MAX_BUILD_WEEKS = 3  # without a fixed cadence, the 4th build week in a row steps back
RECURRING_DAYS = 7  # a race with another exactly a week before or after is a weekly series

# Which label wins when a week lies in two races' windows: the stricter one.
_PRECEDENCE = ("race", "taper", "return", "maintain", "build")
assert set(_PRECEDENCE) == set(PHASES)


def run_load(run: Run) -> float:
    """One run's load: its minutes (or its type's typical minutes) × its type's factor."""
    minutes = run.minutes if run.minutes is not None else DEFAULT_RUN_MINUTES[run.kind]
    return minutes * RUN_LOAD_FACTORS[run.kind]


def week_load(runs: Iterable[Run], monday: date) -> float:
    """The running load of the Monday-to-Sunday week starting `monday`, to one decimal."""
    sunday = monday + timedelta(days=6)
    return round(sum(run_load(r) for r in runs if monday <= r.date <= sunday), 1)


def _race_minutes(runs: Iterable[Run]) -> dict[date, int]:
    minutes: dict[date, int] = {}
    for run in runs:
        if run.kind == "race":
            said = run.minutes if run.minutes is not None else DEFAULT_RUN_MINUTES["race"]
            minutes[run.date] = max(minutes.get(run.date, 0), said)
    return minutes


def recurring_races(days: Iterable[date]) -> frozenset[date]:
    """Races with another race exactly a week before or after: a parkrun series."""
    found = set(days)
    step = timedelta(days=RECURRING_DAYS)
    return frozenset(d for d in found if d - step in found or d + step in found)


def goal_races(runs: Sequence[Run], named: Sequence[date] = ()) -> tuple[date, ...]:
    """The races the season tapers to. Named ones (--race) when given; else the longest race
    that is not part of a weekly series, the later one on a tie. Every other race is a hard
    run: its eve stays free of heavy work (H1), its day of strength (H11), but no taper."""
    if named:
        return tuple(sorted(set(named)))
    minutes = _race_minutes(runs)
    weekly = recurring_races(minutes)
    single = [d for d in minutes if d not in weekly]
    if not single:
        return ()
    return (max(single, key=lambda d: (minutes[d], d)),)


def check_named_races(runs: Sequence[Run], named: Sequence[date], *, field: str = "--race",
                      file: str | None = None, row: int | None = None) -> None:
    """A named goal race must be a race in the runs: the plan cannot taper to a day it
    does not know is a race."""
    races = set(_race_minutes(runs))
    for day in sorted(set(named)):
        if day not in races:
            raise InputError(f"{day.isoformat()} is not a race in the runs (mark that day's "
                             "run as a race, or name another date)", file=file, row=row,
                             field=field)


@dataclass(frozen=True)
class WeekSeason:
    """One week's place in the season, as the block plans it."""

    monday: date
    load: float  # running load (minutes × factor)
    phase: str  # PHASES
    deload: bool  # the step-back dose (B1; B2 in taper and race weeks)
    taper: bool  # the taper week or race week of a goal race (B2)
    why: str  # the reason in a coach's words, "" for an ordinary build week


def _calendar_phase(monday: date, goals: Sequence[date]) -> str:
    """The phase the goal races alone give a week (weeks counted Monday to Monday)."""
    labels = {"build"}
    for race in goals:
        ahead = (monday_of(race) - monday).days // 7
        if ahead == 0:
            labels.add("race")
        elif ahead == 1:
            labels.add("taper")
        elif 2 <= ahead < 2 + MAINTAIN_WEEKS:
            labels.add("maintain")
        elif ahead == -1:
            labels.add("return")
    return next(phase for phase in _PRECEDENCE if phase in labels)


def is_fixed_deload(index: int, every: int | None) -> bool:
    """With a fixed cadence N (--deload-every), every Nth week steps back; week 1 never."""
    return bool(every) and index > 0 and (index + 1) % every == 0  # type: ignore[operator]


def _trend(loads: Sequence[float], index: int) -> tuple[str, float]:
    """("jump" | "cutback" | "", the average compared with) for week `index`."""
    before = loads[max(0, index - LOOKBACK_WEEKS):index]
    if len(before) < LOOKBACK_MIN:
        return "", 0.0
    average = sum(before) / len(before)
    if loads[index] > average * JUMP_RATIO:
        return "jump", average
    if loads[index] < average * CUTBACK_RATIO:
        return "cutback", average
    return "", average


def _percent(load: float, average: float) -> str:
    if average <= 0:
        return "up from no running"
    change = round(100 * (load - average) / average)
    return f"{abs(change)}% {'above' if change > 0 else 'below'}"


def season_weeks(runs: Sequence[Run], mondays: Sequence[date], goals: Sequence[date],
                 deload_every: int | None, race_week: str = "light") -> tuple[WeekSeason, ...]:
    """Every week's phase. Goal races first (race week, the taper week before it, the
    maintain weeks before that, the return week after); the other weeks build, except that
    a week whose running jumps holds strength (maintain) and, without a fixed cadence, a
    week whose running steps back steps strength back too."""
    loads = [week_load(runs, monday) for monday in mondays]
    weeks = []
    for index, monday in enumerate(mondays):
        phase = _calendar_phase(monday, goals)
        taper = phase in ("race", "taper")
        trend, average = _trend(loads, index)
        # The return week steps back from race week's doses again (B6): lighter, not the
        # pre-taper peak the week after a step-back would otherwise resume.
        deload = taper or phase == "return" or is_fixed_deload(index, deload_every)
        why = _CALENDAR_WHY.get(phase, "")
        if phase == "race":
            race = min(r for r in goals if monday_of(r) == monday)
            rest = "no strength this week (--race-week none)" if race_week == "none" else why
            why = f"the goal race is on {race:%a %Y-%m-%d}: {rest}"
        running = f"running load {loads[index]:.0f} is {_percent(loads[index], average)}"
        if phase == "build" and trend == "jump":
            phase = "maintain"
            why = f"{running} the previous weeks' average: doses held"
        # A cutback lasting two weeks steps strength back once: a second step-back in a row
        # would take a third off the third already taken.
        stepped_back = bool(weeks) and weeks[-1].deload
        if phase == "build" and trend == "cutback" and deload_every is None \
                and not stepped_back:
            deload = True
            why = f"{running} the previous weeks' average: one set fewer"
        elif deload and not taper and phase != "return":
            why = f"one week in {deload_every} (--deload-every): one set fewer"
        elif phase == "build" and deload_every is None \
                and _build_run(weeks) >= MAX_BUILD_WEEKS:
            # The running may never step back (a cutback under 20 %): strength still does.
            deload = True
            why = (f"{MAX_BUILD_WEEKS} build weeks in a row: a step-back week, one set fewer, "
                   "before building on")
        weeks.append(WeekSeason(monday, loads[index], phase, deload, taper, why))
    return tuple(_with_last_maintain_words(weeks))


def _with_last_maintain_words(weeks: list[WeekSeason]) -> list[WeekSeason]:
    """The last maintain week before a taper says it drops a set in the main session."""
    for n, week in enumerate(weeks[:-1]):
        after_step_back = n > 0 and weeks[n - 1].deload  # returns to its dose instead (B1)
        if week.phase == "maintain" and not week.deload and weeks[n + 1].phase == "taper" \
                and week.why == _CALENDAR_WHY["maintain"] and not after_step_back:
            weeks[n] = replace(week, why="the last week before the taper: doses held, one set "
                                         "fewer in the main session")
    return weeks


def _build_run(weeks: Sequence[WeekSeason]) -> int:
    """How many build weeks in a row end the season so far (a step-back, maintain, taper or
    return week ends the run)."""
    count = 0
    for week in reversed(weeks):
        if week.phase != "build" or week.deload:
            break
        count += 1
    return count


_CALENDAR_WHY = {
    "race": "one short light session at most, 4+ days before it",
    "taper": ("the week before race week: a set fewer than the peak (the slow lowering goes "
              "first), the main session early, nothing heavy in the last 9 days"),
    "return": ("the week after the goal race: one short light session at most, nothing "
               "new, no jumps in the 3 days after the race"),
    "maintain": "the last weeks before the taper: doses held",
}
