"""Rules about the runs around a session: H1, H7, H11."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.model import WeekModel


def forbid_plyometrics(wm: WeekModel, rule: str, day: int) -> None:
    """No plyometric variation in the day's session, tagged with the rule that says so."""
    for key in wm.family_keys():
        f, i = key
        plyo = wm.exercise_picks(key, lambda ex: ex.plyometric)
        if plyo:
            wm.require(rule, wm.model.add(wm.inc[(day, f, i)] + sum(plyo) <= 1))


def add_h1_no_heavy_before_key_run(wm: WeekModel) -> None:
    """H1 — "Avoid heavy leg training the day before a long run, race, hill workout, or
    speed session." Also no plyometrics that day."""
    for d in wm.inst.days:
        if wm.inst.is_eve_of_key_run(d):
            wm.require("H1", wm.model.add(wm.heavy[d] == 0))
            forbid_plyometrics(wm, "H1", d)


def add_h7_no_plyometrics_when_fatigued(wm: WeekModel) -> None:
    """H7 — common mistake: "adding plyometrics when already fatigued". A day with a long,
    race or hard run counts as fatigued whatever the order, since jumps before that run
    would tire the legs it needs."""
    for d in wm.inst.days:
        if wm.inst.is_fatigued(d):
            forbid_plyometrics(wm, "H7", d)


def add_h11_race_and_long_run_days(wm: WeekModel) -> None:
    """H11 — "Avoid heavy leg work right before ... racing, or long runs": no session on
    race day, no heavy session on a long-run day."""
    for d in wm.inst.days:
        if wm.inst.has_run(d, "race"):
            wm.require("H11", wm.model.add(wm.session[d] == 0))
        if wm.inst.has_run(d, "long"):
            wm.require("H11", wm.model.add(wm.heavy[d] == 0))
