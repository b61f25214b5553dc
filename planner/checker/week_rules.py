"""Hard rules judged across a week or from one week to the next (H3, H4, H9, H10): how
many sessions, the rest day between them, and how prescriptions move."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from itertools import combinations, pairwise
from typing import Any

from planner.checker.records import (
    DoseTuple,
    ExerciseEntry,
    PlanContext,
    ProfileEntry,
    SessionEntry,
    Violation,
    WeekEntry,
    when,
)
from planner.domain import DOSE_FIELDS, load_step

# H3: a week's note that cites a rule id explains a shortfall.
RULE_CITE = re.compile(r"\b[HSB]\d+\b")
# H10: the article's "deadlifts" are the Romanian deadlift families.
_DEADLIFT_FAMILIES: frozenset[int] = frozenset({6, 7})
_H10_CATEGORIES: tuple[str, ...] = ("heavy squat", "lunge", "deadlift", "jumping")


def _session_cap(profile: ProfileEntry) -> int | None:
    """H3's cap: the level's default, lowered to what the runner asked for."""
    if profile.level is None:
        return None
    default = 1 if profile.level == "beginner" and not profile.promoted else 2
    return default if profile.sessions is None else min(profile.sessions, default)


def _room_for(cap: int, start: date, ctx: PlanContext, earlier: Sequence[date]) -> tuple[date, ...]:
    """`cap` dates of the week that H11 and H4 would allow, or () when none exist."""
    days = [start + timedelta(days=k) for k in range(7)]
    blocked = {day for day in days if "race" in ctx.runs_on(day)}
    # `earlier` is sorted: the last session before this week by bisection, not a scan per
    # week (weeks x sessions grew quadratic on a hostile plan).
    index = bisect_left(earlier, start)
    if index:
        blocked.add(earlier[index - 1] + timedelta(days=1))
    allowed = [day for day in days if day not in blocked]
    for chosen in combinations(allowed, cap):
        if all((b - a).days >= 2 for a, b in pairwise(chosen)):
            return chosen
    return ()


def _has_runs(week: WeekEntry, ctx: PlanContext) -> bool:
    start = week.start
    return start is not None and any(ctx.runs_on(start + timedelta(days=k)) for k in range(7))


def check_h3_sessions_per_week(ctx: PlanContext) -> Iterator[Violation]:
    """H3: sessions per week up to the cap; fewer only when the week cannot hold them.

    Article: "Most runners do well with 1–2 lower-body strength sessions per week.
    Beginners should start with one session." A shortfall is accepted when no choice of
    dates avoids race days and back-to-back days, or when a note cites the rule that
    caused it. A week with no run listed on any day owes nothing: only weeks the runs file
    covers are planned (the planner warns about the gap instead of guessing a week).
    """
    cap = _session_cap(ctx.profile)
    if cap is None:
        return
    earlier = sorted(s.day for week in ctx.previous_weeks + ctx.weeks for s in week.sessions)
    full = cap
    for week in ctx.weeks:
        label = f"week of {week.start.isoformat()}" if week.start else "a week"
        # A goal race's week owes at most B4's one session (B4 judges more than that).
        race_cap = ctx.race_week_cap(week.start) if week.start is not None else None
        cap = full if race_cap is None else min(full, race_cap)
        # ...and the return week after it at most B6's one.
        if week.start is not None and any(
                (week.start - race).days + race.weekday() == 7 for race in ctx.goal_races()):
            cap = min(cap, 1)
        if week.n_sessions > full:
            yield Violation("H3", None, None,
                            f"{label} has {week.n_sessions} sessions; at most {full} allowed")
        elif week.n_sessions + week.n_skipped < cap and week.start is not None:
            if any(RULE_CITE.search(note) for note in week.notes) or not _has_runs(week, ctx):
                continue
            room = _room_for(cap, week.start, ctx, earlier)
            if room:
                yield Violation("H3", None, None,
                                f"{label} has {week.n_sessions} of {cap} sessions, yet "
                                f"{', '.join(when(d) for d in room)} could hold them and no "
                                "note cites the rule that prevented it")


def check_h4_rest_day(ctx: PlanContext) -> Iterator[Violation]:
    """H4: at least one full day between two strength sessions, across weeks and plans.

    Article: recovery between sessions; "keep easy days truly easy".
    """
    # Sessions grouped by day and by plan, not compared pairwise: n sessions on one day
    # made n²/2 identical violations (10 000 took 107 s and 9.4 GB). Each distinct pair of
    # (day, previous?) kinds yields the one message every such pair gave.
    kinds: dict[date, set[bool]] = defaultdict(set)
    counts: dict[tuple[date, bool], int] = defaultdict(int)
    for s in [s for week in ctx.previous_weeks for s in week.sessions] + list(ctx.sessions()):
        kinds[s.day].add(s.previous)
        counts[s.day, s.previous] += 1
    for day in sorted(kinds):
        if counts[day, False] >= 2:
            yield _h4(day, False, day, False)
        if counts[day, False] and counts[day, True]:
            yield _h4(day, False, day, True)
        after = day + timedelta(days=1)
        for first in sorted(kinds[day]):
            for second in sorted(kinds.get(after, ())):
                if not (first and second):
                    yield _h4(day, first, after, second)


def _h4(first_day: date, first_previous: bool, second_day: date,
        second_previous: bool) -> Violation:
    """H4's violation for a session on `first_day` and a later (or same-day) one."""
    where = second_day if not second_previous else first_day
    first_, second_ = (when(day) + (" (previous plan)" if previous else "")
                       for day, previous in ((first_day, first_previous),
                                             (second_day, second_previous)))
    apart = "on the same day" if first_day == second_day else "on consecutive days"
    return Violation("H4", where.isoformat(), None,
                     f"sessions on {first_} and {second_} fall {apart}; "
                     "a full rest day is needed between strength sessions")


WeekDoses = dict[tuple[int, str], list[tuple[SessionEntry, ExerciseEntry, DoseTuple]]]


def week_doses(week: WeekEntry) -> WeekDoses:
    """Each session's first complete dose per (family_no, intensity), in date order.

    A family twice in one session is H2's concern, so only its first entry is kept here.
    """
    found: WeekDoses = defaultdict(list)
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


def _changes(before: DoseTuple, after: DoseTuple) -> list[str]:
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


def check_h9_one_variable_at_a_time(ctx: PlanContext) -> Iterator[Violation]:
    """H9: from one week to the next, an exercise's prescription changes in one variable.

    Article: "Progress slowly. Add one variable at a time: more reps, more weight, more range
    of motion, slower tempo, or a harder variation." Within one week an exercise keeps one
    prescription per intensity.
    """
    weeks = list(ctx.weeks)
    boundary = ctx.week_before_first()
    pairs: list[tuple[WeekEntry | None, WeekEntry]] = [(boundary, weeks[0])] if weeks else []
    pairs += list(pairwise(weeks))
    for before, after in pairs:
        now = week_doses(after)
        for (_, intensity), entries in sorted(now.items(), key=lambda kv: kv[0]):
            first_s, _, first = entries[0]
            for s, item, dose in entries[1:]:
                if dose != first:
                    yield Violation("H9", s.iso, item.variation,
                                    f"{item.variation} ({intensity}) on {when(s.day)} differs "
                                    f"from its prescription on {when(first_s.day)} in the "
                                    "same week; one prescription per week")
        if before is None:
            continue
        then = week_doses(before)
        for key in sorted(now.keys() & then.keys()):
            (_, old, old_dose), (s, new, new_dose) = then[key][0], now[key][0]
            changed = _changes(old_dose, new_dose)
            if len(changed) > 1:
                yield Violation("H9", s.iso, new.variation,
                                f"{new.variation} ({key[1]}) on {when(s.day)} changes "
                                f"{' and '.join(changed)} at once from the week before "
                                f"({old.variation}); change one variable at a time")


def _h10_categories(week: WeekEntry) -> frozenset[str]:
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


def check_h10_new_to_strength_additions(ctx: PlanContext) -> Iterator[Violation]:
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
