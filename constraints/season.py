"""The season's hard rules (docs/rules.md, B4-B6; docs/coaching.md, "The season: phases").

The block gives every week a phase from the running and the goal races
(planner/planning/season.py); these rules make the phases that protect a race binding.
B4 (race week): at most one session in the week of a goal race, light, short (four
exercises), at least four days before the race, and only variations already done in the
block; none when the runner asks (--race-week none). B5 (maintain): each continuing exercise
keeps its dose (sets may drop by one), so no load step, no rep climb, no harder variation.
B6 (return): the week after a goal race's week holds one light session at most, lighter than
race week's, and no jumps in the three days after the race. Source: standard
taper and race practice; reason: the article's "Avoid heavy leg work right before ...
racing" and "Runner strength work should improve your training, not compete with every run".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from constraints.key_runs import forbid_plyometrics
from constraints.registry import hard_rule
from planner.domain import Dose
from planner.planning.instance import RACE_WEEK_EXERCISES, RACE_WEEK_LEAD_DAYS

if TYPE_CHECKING:
    from planner.planning.instance import WeekInstance
    from planner.planning.model import WeekModel


def holds(before: Dose, after: Dose) -> bool:
    """B5: the same prescription, or the same with one set fewer."""
    return (after.variation == before.variation and after.load == before.load
            and after.reps == before.reps and after.tempo == before.tempo
            and after.range == before.range and before.sets - 1 <= after.sets <= before.sets)


def b4_closes(inst: WeekInstance) -> Iterator[tuple[int, str]]:
    """Race week: no heavy session; nothing within RACE_WEEK_LEAD_DAYS of the race, nor at
    all with --race-week none."""
    race = inst.goal_race_this_week
    if race is None:
        return
    for d in inst.days:
        yield (d, "heavy")
        if (inst.profile.race_week == "none"
                or (race - inst.date_of(d)).days < RACE_WEEK_LEAD_DAYS):
            yield (d, "light")


@hard_rule("B4", "race week: at most one short light session, 4+ days out, nothing new",
           closes=b4_closes)
def add_b4_race_week(wm: WeekModel) -> None:
    """B4 — in the week of a goal race: at most one session (none with --race-week none),
    light, of at most four exercises, at least four days before the race (none after it
    that week), each a variation the block has already done (a block that starts in race
    week has nothing to repeat, so any light-session exercise may come)."""
    inst = wm.inst
    race = inst.goal_race_this_week
    if race is None:
        return
    m = wm.model
    most = 0 if inst.profile.race_week == "none" else 1
    wm.require("B4", m.add(sum(wm.session) <= most))
    for d in inst.days:
        wm.require("B4", m.add(wm.heavy[d] == 0))
        if (race - inst.date_of(d)).days < RACE_WEEK_LEAD_DAYS:
            wm.require("B4", m.add(wm.session[d] == 0))
    _short_and_known(wm, "B4")


def _short_and_known(wm: WeekModel, rule: str) -> None:
    """Race week's session and the return week's (B4, B6): at most RACE_WEEK_EXERCISES
    exercises, each a variation the block has done (a block that starts there has nothing
    to repeat)."""
    m, inst = wm.model, wm.inst
    for d in inst.days:
        wm.require(rule, m.add(sum(wm.day_families(d)) <= RACE_WEEK_EXERCISES))
    seen = inst.carry.seen
    if not seen:
        return
    for key in wm.family_keys():
        for lit in wm.exercise_picks(key, lambda ex: ex.id not in seen):
            wm.require(rule, m.add(lit == 0))


@hard_rule("B5", "maintain weeks hold every dose: no load step, sets may drop")
def add_b5_maintain_holds(wm: WeekModel) -> None:
    """B5 — in a maintain week (the weeks before a goal race's taper, or a week whose
    running load jumps) every exercise carried over keeps its variation, load, reps, tempo
    and range; its sets may drop by one. A step-back week is B1's instead; work marked too
    hard may still ease."""
    inst = wm.inst
    if inst.phase != "maintain" or inst.deload:
        return
    for key, before in inst.carry.doses.items():
        if key not in wm.pick or key in inst.carry.regress:
            continue
        for lit in wm.picks_where(key, lambda c, b=before: not holds(b, c.dose)):
            wm.require("B5", wm.model.add(lit == 0))


RETURN_NO_JUMP_DAYS = 3  # no plyometrics this many days after the race


def b6_closes(inst: WeekInstance) -> Iterator[tuple[int, str]]:
    """The return week: no heavy session."""
    if inst.is_return_week:
        yield from ((d, "heavy") for d in inst.days)


@hard_rule("B6", "return week after a goal race: one short light session at most, nothing "
           "new, no early jumps", closes=b6_closes)
def add_b6_return_week(wm: WeekModel) -> None:
    """B6 — the week after a goal race's week holds no main session and at most one light
    one, no bigger than race week's (at most four exercises, each a variation the block has
    done, at the step-back dose: the block makes it a step-back week), and no jumps in the
    three days after the race: the legs recover from the race before loading starts again
    ("adding plyometrics when already fatigued" is the article's mistake)."""
    inst = wm.inst
    if not inst.is_return_week:
        return
    wm.require("B6", wm.model.add(sum(wm.session) <= 1))
    for d in inst.days:
        wm.require("B6", wm.model.add(wm.heavy[d] == 0))
    _short_and_known(wm, "B6")
    fresh = [d for d in inst.days
             if any(1 <= (inst.date_of(d) - race).days <= RETURN_NO_JUMP_DAYS
                    for race in inst.race_dates)]
    forbid_plyometrics(wm, "B6", fresh)
