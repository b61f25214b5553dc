"""The season's rules (docs/rules.md, B4-B6), judged across the weeks without the solver.

Goal races are `PlanContext.goal_races` (the runner's --race dates, else the longest race
that is not part of a weekly series). Weeks run Monday to Sunday; a goal race's *race
week* is the week holding it, the *return week* the week after.

B4 (race week). At most one session (none when the profile says `"race_week": "none"`);
light; at most four exercises; on a day at least four days before the race (so none in the
last three, none on race day or after it that week); and each exercise a variation done in
an earlier week of the plan or of the previous plan (when no earlier week holds a session,
there is nothing to repeat and any variation may come).

B5 (maintain). The maintain weeks are the two weeks before a goal race's taper week (the
third and second weeks before race week) and every week the plan marks `"phase":
"maintain"` (a week whose running load jumped); a week that is also a step-back week
(marked deload or taper, or due by B1's calendar) is B1's and B2's to judge. In a maintain
week each exercise carried over from the week before (same family at the same intensity)
keeps its variation, load, reps, tempo and range, and its sets stay or drop by one. When
the week before was a step-back week the dose it holds is the one from before the step-back
(the dose B1 returns to). Work marked skipped or "too hard" is exempt.

B6 (return). The return week holds no main session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from planner.checker.block_rules import is_due_step_back, is_return_week, is_taper_week
from planner.checker.records import (
    ExerciseEntry,
    PlanContext,
    SessionEntry,
    Violation,
    WeekEntry,
    when,
)
from planner.checker.week_rules import week_doses
from planner.domain import monday_of

RACE_WEEK_LEAD_DAYS = 4  # race week's one session lies at least this many days before
RACE_WEEK_EXERCISES = 4  # and holds at most this many exercises
MAINTAIN_WEEKS = 2  # the weeks before the taper week that hold every dose


def _in_week(s: SessionEntry, monday: date) -> bool:
    return 0 <= (s.day - monday).days <= 6


def _variations_before(ctx: PlanContext, monday: date) -> tuple[bool, set[str]]:
    """(whether any session came before `monday`, every variation those sessions held)."""
    earlier = [s for week in (*ctx.previous_weeks, *ctx.weeks) for s in week.sessions
               if s.day < monday]
    return bool(earlier), {item.variation for s in earlier for item in s.items
                           if item.variation is not None}


def _short_and_known(rule: str, s: SessionEntry, seen: set[str] | None, too_long: str,
                     new_words: Callable[[str], str]) -> Iterator[Violation]:
    """A race-week or return-week session: at most RACE_WEEK_EXERCISES exercises, each one
    the block has done (`seen`; None when nothing came before this plan's week)."""
    if s.n_entries > RACE_WEEK_EXERCISES:
        yield Violation(rule, s.iso, None, too_long)
    for item in s.items:
        if seen is not None and item.variation is not None and item.variation not in seen:
            yield Violation(rule, s.iso, item.variation, new_words(item.variation))


def _race_week(ctx: PlanContext, race: date) -> Iterator[Violation]:
    monday = monday_of(race)
    sessions = [s for s in ctx.sessions() if _in_week(s, monday)]
    most = 0 if ctx.profile.race_week == "none" else 1
    said = when(race)
    for s in sessions[most:]:
        yield Violation("B4", s.iso, None,
                        f"session on {when(s.day)} in race week (goal race {said}): at most "
                        f"{most} session{'' if most == 1 else 's'} that week"
                        + (" (--race-week none)" if most == 0 else ""))
    history, seen = _variations_before(ctx, monday)
    for s in sessions:
        lead = (race - s.day).days
        if s.intensity == "heavy":
            yield Violation("B4", s.iso, None,
                            f"main session on {when(s.day)} in race week (goal race {said}); "
                            "race week is light only")
        if lead < RACE_WEEK_LEAD_DAYS:
            where = "after" if lead < 0 else "on the day of" if lead == 0 else f"{lead} days before"
            yield Violation("B4", s.iso, None,
                            f"session on {when(s.day)}, {where} the goal race ({said}); race "
                            f"week's session comes at least {RACE_WEEK_LEAD_DAYS} days before it")
        yield from _short_and_known(
            "B4", s, seen if history else None,
            f"race-week session on {when(s.day)} holds {s.n_entries} exercises; a short "
            f"session holds at most {RACE_WEEK_EXERCISES}",
            lambda v, s=s: f"{v} on {when(s.day)} is new in race week (goal race {said}); "
                           "race week repeats only what the block has done")


def check_b4_race_week(ctx: PlanContext) -> Iterator[Violation]:
    """B4: race week holds at most one short light session, 4+ days out, nothing new.

    docs/rules.md: "in the week of a goal race at most one session (none with --race-week
    none), light, at most four exercises, at least four days before the race, and only
    variations the block has already done".
    """
    for race in ctx.goal_races():
        yield from _race_week(ctx, race)


def _step_back(index: int, week: WeekEntry, ctx: PlanContext) -> bool:
    return (week.deload is True or week.taper is True
            or (week.start is not None and is_taper_week(week.start, ctx.goal_races()))
            or is_due_step_back(index, ctx.profile.deload_every))


def _is_maintain(week: WeekEntry, ctx: PlanContext) -> bool:
    if week.phase == "maintain":
        return True
    if week.start is None:
        return False
    return any(2 <= (monday_of(race) - week.start).days // 7 < 2 + MAINTAIN_WEEKS
               for race in ctx.goal_races())


def _reference(ctx: PlanContext, index: int) -> dict[tuple[int, str], ExerciseEntry]:
    """The dose each exercise holds in week `index`: last week's, or, after a run of
    step-back weeks, the one from before the run."""
    weeks = (*ctx.previous_weeks, *ctx.weeks)
    offset = len(ctx.previous_weeks)
    at = offset + index - 1
    if at < 0:
        return {}
    steps = [_step_back(i - offset, w, ctx) if i >= offset else w.deload is True
             for i, w in enumerate(weeks)]
    first = at
    while first >= 0 and steps[first]:
        first -= 1
    chosen = weeks[first] if first >= 0 and first != at else weeks[at]
    if is_return_week(weeks[at].start, ctx):
        chosen = weeks[at]  # after a goal race the season builds again from its doses (B6)
    reference = {key: entries[0][1] for key, entries in week_doses(chosen).items()}
    if chosen is not weeks[at]:
        # Only exercises the step-back week itself carried go on.
        carried = week_doses(weeks[at])
        reference = {key: item for key, item in reference.items() if key in carried}
    return reference


def _held(before: ExerciseEntry, now: ExerciseEntry) -> bool:
    same = (now.variation, now.load, now.reps, now.tempo, now.range) == (
        before.variation, before.load, before.reps, before.tempo, before.range)
    return (same and before.sets is not None and now.sets is not None
            and before.sets - 1 <= now.sets <= before.sets)


def check_b5_maintain_holds(ctx: PlanContext) -> Iterator[Violation]:
    """B5: in a maintain week every dose carried over holds (sets may drop by one).

    docs/rules.md: "in a maintain week (the two weeks before a goal race's taper week, or a
    week whose running load jumps) every exercise carried over keeps its variation, load,
    reps, tempo and range; its sets may drop by one".
    """
    for index, week in enumerate(ctx.weeks):
        if not _is_maintain(week, ctx) or _step_back(index, week, ctx):
            continue
        reference = _reference(ctx, index)
        for key, entries in sorted(week_doses(week).items()):
            s, now, _ = entries[0]
            before = reference.get(key)
            if before is None or before.held_back or before.dose is None or now.dose is None:
                continue
            if not _held(before, now):
                yield Violation("B5", s.iso, now.variation,
                                f"{now.variation} ({key[1]}) on {when(s.day)}, in a maintain "
                                f"week, is {now.sets} x {now.reps} at {now.load}, {now.tempo}, "
                                f"{now.range}; it should hold {before.variation} at "
                                f"{before.sets} x {before.reps} at {before.load}, "
                                f"{before.tempo}, {before.range} (one set fewer at most)")


RETURN_NO_JUMP_DAYS = 3  # no plyometrics this many days after the race


def check_b6_return_week(ctx: PlanContext) -> Iterator[Violation]:
    """B6: the week after a goal race's week holds one short light session at most, of
    variations done before, and no jumps in the three days after the race.

    docs/rules.md: "the week after a goal race's week (the return week) holds no main
    session and at most one light one of at most four exercises, nothing new; no
    plyometrics in the 3 days after the race".
    """
    for race in ctx.goal_races():
        monday = monday_of(race) + timedelta(days=7)
        sessions = [s for s in ctx.sessions() if _in_week(s, monday)]
        history, seen = _variations_before(ctx, monday)
        for s in sessions:
            yield from _short_and_known(
                "B6", s, seen if history else None,
                f"return-week session on {when(s.day)} holds {s.n_entries} exercises; after "
                f"the race ({when(race)}) at most {RACE_WEEK_EXERCISES}, no more than race week",
                lambda v, s=s, race=race: f"{v} on {when(s.day)} is new in the return week "
                                          f"after the goal race ({when(race)}); it repeats "
                                          "only what the block has done")
            if s.intensity == "heavy":
                yield Violation("B6", s.iso, None,
                                f"main session on {when(s.day)}, in the return week after the "
                                f"goal race ({when(race)}); light sessions only that week")
            if 1 <= (s.day - race).days <= RETURN_NO_JUMP_DAYS:
                for item in s.items:
                    if item.ex is not None and item.ex.plyometric:
                        yield Violation("B6", s.iso, item.variation,
                                        f"{item.variation} on {when(s.day)}, "
                                        f"{(s.day - race).days} days after the goal race "
                                        f"({when(race)}): no jumps in the {RETURN_NO_JUMP_DAYS}"
                                        " days after it")
        if len(sessions) > 1:
            yield Violation("B6", sessions[1].iso, None,
                            f"{len(sessions)} sessions in the return week after the goal race "
                            f"({when(race)}); one light session at most")
