"""Rules about the runs around a session: H1, H7, H11."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from constraints.registry import hard_rule

if TYPE_CHECKING:
    from planner.planning.instance import WeekInstance
    from planner.planning.model import WeekModel
    from planner.planning.progression import Candidate


def forbid_in_session(wm: WeekModel, rule: str, days: Iterable[int],
                      test: Callable[[Candidate], bool]) -> None:
    """No prescription passing `test` in those days' sessions, tagged with the rule."""
    days = list(days)
    if not days:
        return
    for key in wm.family_keys():
        f, i = key
        banned = wm.picks_where(key, test)
        if banned:
            any_banned = cp_model.LinearExpr.sum(banned)
            for day in days:
                wm.require(rule, wm.model.add(wm.inc[(day, f, i)] + any_banned <= 1))


def is_plyometric(cand: Candidate) -> bool:
    return cand.exercise.plyometric


def forbid_plyometrics(wm: WeekModel, rule: str, days: Iterable[int]) -> None:
    """No plyometric variation in those days' sessions, tagged with the rule that says so."""
    forbid_in_session(wm, rule, days, is_plyometric)


def is_loaded_or_slow(cand: Candidate) -> bool:
    return cand.dose.load > 0 or cand.dose.tempo > 0


def h1_closes(inst: WeekInstance) -> Iterator[tuple[int, str]]:
    """No heavy session on a key run's eve."""
    return ((d, "heavy") for d in inst.days if inst.is_eve_of_key_run(d))


@hard_rule("H1", "no heavy session or plyometrics the day before a key run", closes=h1_closes)
def add_h1_no_heavy_before_key_run(wm: WeekModel) -> None:
    """H1 — "Avoid heavy leg training the day before a long run, race, hill workout, or
    speed session." Also no plyometrics that day."""
    eves = [d for d in wm.inst.days if wm.inst.is_eve_of_key_run(d)]
    for d, _ in h1_closes(wm.inst):
        wm.require("H1", wm.model.add(wm.heavy[d] == 0))
    forbid_plyometrics(wm, "H1", eves)


@hard_rule("H7", "no plyometrics on fatigued legs")
def add_h7_no_plyometrics_when_fatigued(wm: WeekModel) -> None:
    """H7 — common mistake: "adding plyometrics when already fatigued". A day with a long,
    race or hard run counts as fatigued whatever the order, since jumps before that run
    would tire the legs it needs; so does the day after a long run or a race (Monday
    after last week's Sunday too), whose legs still carry it."""
    forbid_plyometrics(wm, "H7", [d for d in wm.inst.days if wm.inst.legs_fatigued(d)])


def h11_closes(inst: WeekInstance) -> Iterator[tuple[int, str]]:
    """Nothing on race day, no heavy session on a long-run day."""
    for d in inst.days:
        if inst.has_run(d, "race"):
            yield from ((d, "heavy"), (d, "light"))
        elif inst.has_run(d, "long"):
            yield (d, "heavy")


@hard_rule("H11", "no session on race day, no heavy session on a long-run day",
           closes=h11_closes)
def add_h11_race_and_long_run_days(wm: WeekModel) -> None:
    """H11 — "Avoid heavy leg work right before ... racing, or long runs": no session on
    race day, no heavy session on a long-run day."""
    for d in wm.inst.days:
        if wm.inst.has_run(d, "race"):
            wm.require("H11", wm.model.add(wm.session[d] == 0))
        if wm.inst.has_run(d, "long"):
            wm.require("H11", wm.model.add(wm.heavy[d] == 0))


@hard_rule("H13", "nothing loaded and no slow lowering on the eve of a key run")
def add_h13_nothing_loaded_before_key_run(wm: WeekModel) -> None:
    """H13 — the session on the eve of a key run is the article's light session ("single-leg
    control, lateral band walks, glute bridges"): bodyweight or band only, no external load
    and no slow 3-second lowering, whose soreness would reach the key run."""
    forbid_in_session(wm, "H13", [d for d in wm.inst.days if wm.inst.is_eve_of_key_run(d)],
                      is_loaded_or_slow)
