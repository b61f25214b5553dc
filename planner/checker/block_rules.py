"""The block rules beyond the article (docs/rules.md, B1 and B2), judged across the weeks.

What the checker enforces, clause by clause:

B1 (step-back weeks). A week is *due* to step back when it is the Nth, 2Nth, ... week of
the plan (`profile.deload_every` = N; 0 means never; week 1 never does) or a taper week
(B2). (a) A week due by N that the plan marks `"deload": false` is reported (a plan
without the key is judged on its doses alone). (b) In a due week, or any week the plan
marks deload or taper, every exercise carried over from the week before (same family at
the same intensity) keeps its variation and takes exactly the step-back dose: one set
fewer with load, reps, tempo and range unchanged while the catalog's lowest set count
allows it, else a third of the reps off (at least one, never below the catalog's lowest
reps) with everything else unchanged. New exercises are allowed (S4 charges for them), so
the week's total sets are not compared: the planner does add a light session's pogo hops,
or a main session the week before lacked, to a taper week. Work the previous plan marks
skipped or "too hard" is exempt: the week after repeats or eases it instead. (c) The
first ordinary week after a run of step-back weeks gives each exercise that kept its
variation exactly the dose it had before the run (one variable back; a dose first seen
inside the run is the one it returns to); a change of variation is left to H9. A run that
opens the plan has no "before" to return to.

B2 (race taper). Only goal races taper (`PlanContext.goal_races`: the races the runner
named, else the longest race that is not part of a weekly series); a weekly parkrun is a
hard run that H1 and H11 protect. The two weeks whose Monday lies 0-13 days before a goal
race are step-back weeks as in (b), reported under B2.
Session by session: no session the day before a race; no main session and no plyometrics
in the 9 days before; nothing loaded and no slow lowering in the last 3; no main session
in the 2 days after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from planner.checker.records import (
    ExerciseEntry,
    PlanContext,
    SessionEntry,
    Violation,
    WeekEntry,
    when,
)
from planner.checker.week_rules import week_doses
from planner.domain import TEMPO_LABELS, Exercise, step_back_reps

TAPER_WEEKS = 2  # the last two weeks before a race, race week included
TAPER_DAYS_BEFORE = 9  # no main session and no jumps this many days before a race
UNLOADED_DAYS_BEFORE = 3  # nothing loaded and no slow lowering this close to a race
LIGHT_DAYS_AFTER = 2  # only light work this many days after a race
SLOW_TEMPO = TEMPO_LABELS[1]


def is_taper_week(start: date, races: tuple[date, ...]) -> bool:
    return any(0 <= (race - start).days < 7 * TAPER_WEEKS for race in races)


def is_due_step_back(index: int, every: int | None) -> bool:
    """B1's calendar: with N = `every`, the weeks at positions N, 2N, ... (1-based)."""
    return bool(every) and index > 0 and (index + 1) % every == 0


def step_back_dose(ex: Exercise, sets: int, reps: int, tempo: int = 0,
                   taper: bool = False) -> tuple[int, int, int]:
    """(sets, reps, tempo) a third lighter in one variable: in a taper week (B2) a slow
    lowering goes first; else a set fewer while the article's set range allows it, else a
    third of the reps off on the coach's grid (never below the range)."""
    if taper and tempo > 0:
        return sets, reps, 0
    if sets > ex.sets_min:
        return sets - 1, reps, tempo
    return sets, step_back_reps(ex.reps_unit, ex.reps_min, ex.reps_max, reps), tempo


def _week_label(index: int, week: WeekEntry) -> str:
    start = f" (from {week.start.isoformat()})" if week.start else ""
    return f"week {index + 1}{start}"


def _dose_words(item: ExerciseEntry) -> str:
    return f"{item.sets} x {item.reps} at {item.load}, {item.tempo}, {item.range}"


def _step_back_weeks(ctx: PlanContext) -> list[bool]:
    """For each week, whether it must take the step-back dose (due, or marked by the plan)."""
    races, every = ctx.goal_races(), ctx.profile.deload_every
    return [week.deload is True or week.taper is True
            or (week.start is not None and is_taper_week(week.start, races))
            or is_due_step_back(index, every)
            for index, week in enumerate(ctx.weeks)]


def _rule_for(week: WeekEntry, ctx: PlanContext) -> str:
    """A taper week's step-back is B2's; any other is B1's."""
    return "B2" if week.start is not None and is_taper_week(week.start, ctx.goal_races()) \
        else "B1"


def _marking(index: int, week: WeekEntry, ctx: PlanContext) -> Iterator[Violation]:
    """Clause (a): a week due by the calendar that the plan says is no step-back week. (A
    taper week is judged on its doses alone: a hand-made plan need not say why they fall.)"""
    every = ctx.profile.deload_every
    if is_due_step_back(index, every) and week.deload is False:
        yield Violation("B1", None, None,
                        f"{_week_label(index, week)} should be a step-back week (deload every "
                        f"{every} weeks: week {every}, {2 * every}, ...), yet the plan marks it "
                        "\"deload\": false")


def _stepped_back_doses(index: int, week: WeekEntry, before: WeekEntry,
                        rule: str) -> Iterator[Violation]:
    """Clause (b): each carried-over exercise takes exactly the step-back dose."""
    then, now = week_doses(before), week_doses(week)
    for key in sorted(now.keys() & then.keys()):
        (_, old, _), (s, new, _) = then[key][0], now[key][0]
        if old.held_back or old.ex is None or old.sets is None or old.reps is None:
            continue
        where = (f"{new.variation} ({key[1]}) on {when(s.day)}, in step-back "
                 f"{_week_label(index, week)}")
        if new.variation != old.variation:
            yield Violation(rule, s.iso, new.variation,
                            f"{where}, replaces {old.variation} from the week before; a "
                            "step-back week keeps each exercise and only lowers its volume")
            continue
        slow = int(old.tempo == TEMPO_LABELS[1])
        sets, reps, tempo = step_back_dose(old.ex, old.sets, old.reps, slow, rule == "B2")
        tempo_word = old.tempo if tempo == slow else TEMPO_LABELS[tempo]
        wanted = (sets, reps, old.load, tempo_word, old.range)
        if (new.sets, new.reps, new.load, new.tempo, new.range) != wanted:
            target = f"{sets} x {reps} at {old.load}, {tempo_word}, {old.range}"
            yield Violation(rule, s.iso, new.variation,
                            f"{where}, is {_dose_words(new)}; after {_dose_words(old)} the week "
                            f"before it should step back to {target} (a third less volume in "
                            "one variable, nothing else changed)")


def is_return_week(start: date | None, ctx: PlanContext) -> bool:
    """The week starting `start` follows a goal race's week (B6)."""
    return start is not None and any(
        (start - race).days + race.weekday() == 7 for race in ctx.goal_races())


def _returns_to_dose(index: int, ctx: PlanContext, step_back: list[bool]) -> Iterator[Violation]:
    """Clause (c): week `index`, the first after a run of step-back weeks, resumes the doses
    from before the run."""
    first = index - 1
    while first > 0 and step_back[first - 1]:
        first -= 1
    if first == 0:
        return  # the run opens the plan: what came before it is not in this plan
    if is_return_week(ctx.weeks[index - 1].start, ctx):
        return  # after a goal race's return week the season builds again from its doses (B6)
    resume: dict[tuple[int, str], ExerciseEntry] = {}
    for earlier in ctx.weeks[first - 1:index - 1]:
        for key, entries in week_doses(earlier).items():
            resume.setdefault(key, entries[0][1])
    last_step_back = week_doses(ctx.weeks[index - 1])
    for key, entries in sorted(week_doses(ctx.weeks[index]).items()):
        s, new, dose = entries[0]
        before, during = resume.get(key), last_step_back.get(key)
        if before is None or during is None or before.dose is None:
            continue
        if not new.variation == during[0][1].variation == before.variation:
            continue  # a change of variation is H9's concern
        if dose != before.dose:
            yield Violation("B1", s.iso, new.variation,
                            f"{new.variation} ({key[1]}) on {when(s.day)}, the first week after "
                            f"a step-back, is {_dose_words(new)}; it should return to "
                            f"{_dose_words(before)}, its dose before the step-back")


def _step_back_violations(ctx: PlanContext) -> Iterator[Violation]:
    step_back = _step_back_weeks(ctx)
    boundary = ctx.week_before_first()
    for index, week in enumerate(ctx.weeks):
        yield from _marking(index, week, ctx)
        before = ctx.weeks[index - 1] if index > 0 else boundary
        if step_back[index] and before is not None:
            rule = _rule_for(week, ctx)
            yield from _stepped_back_doses(index, week, before, rule)
        elif index > 0 and step_back[index - 1] and not step_back[index]:
            yield from _returns_to_dose(index, ctx, step_back)


def check_b1_step_back_weeks(ctx: PlanContext) -> Iterator[Violation]:
    """B1: every Nth week steps back a third in one variable; the week after returns.

    docs/rules.md: "A step-back week follows the running ...; with `--deload-every N`
    instead every Nth week ... The week after returns to the dose before the deload (one
    variable back)". Weeks the running steps back are judged by the plan's own marking.
    """
    yield from (v for v in _step_back_violations(ctx) if v.rule == "B1")


def _race_session(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """B2's day-by-day part for one session."""
    ahead = [(race - s.day).days for race in ctx.goal_races() if (race - s.day).days >= 1]
    days = min(ahead) if ahead else None
    if days is not None and days <= TAPER_DAYS_BEFORE:
        race = when(s.day + timedelta(days=days))
        if days == 1:
            yield Violation("B2", s.iso, None,
                            f"session on {when(s.day)}, the day before a race ({race})")
        if s.intensity == "heavy":
            yield Violation("B2", s.iso, None,
                            f"main session on {when(s.day)}, {days} days before a race "
                            f"({race}); only light work in the last {TAPER_DAYS_BEFORE} days")
        for item in s.items:
            name = item.ex.name if item.ex is not None else item.variation
            if item.ex is not None and item.ex.plyometric:
                yield Violation("B2", s.iso, item.variation,
                                f"plyometric {name} {days} days before a race ({race})")
            if days > UNLOADED_DAYS_BEFORE:
                continue
            what = [f"at load '{item.load}'"] if item.load not in (None, "bodyweight") else []
            what += [f"with {SLOW_TEMPO}"] if item.tempo == SLOW_TEMPO else []
            if what:
                yield Violation("B2", s.iso, item.variation,
                                f"{name} {' and '.join(what)} {days} days before a race "
                                f"({race}); bodyweight and controlled tempo only in the last "
                                f"{UNLOADED_DAYS_BEFORE}")
    for race in ctx.goal_races():
        behind = (s.day - race).days
        if 1 <= behind <= LIGHT_DAYS_AFTER and s.intensity == "heavy":
            yield Violation("B2", s.iso, None,
                            f"main session on {when(s.day)}, {behind} day(s) after a race "
                            f"({when(race)}); only light work in the {LIGHT_DAYS_AFTER} "
                            "days after")


def check_b2_race_taper(ctx: PlanContext) -> Iterator[Violation]:
    """B2: the taper before a race and the light days after it.

    docs/rules.md: "the last two weeks before a race (race week included) take B1's
    step-back dose, so volume falls; no main session and no plyometrics in the 9 days
    before the race, nothing loaded and no slow lowering in the last 3, no session the day
    before, only light work in the 2 days after".
    """
    for s in ctx.sessions():
        yield from _race_session(s, ctx)
    yield from (v for v in _step_back_violations(ctx) if v.rule == "B2")
