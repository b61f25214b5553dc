"""Training-block rules beyond the article, documented in docs/rules.md.

B1 (deload): a step-back week — where the running steps back, or every Nth week with
--deload-every (planner/planning/season.py) — keeps the same exercises with about a third
less volume (one set fewer, or fewer reps at the article's lowest set count). Source: common
periodisation practice (3:1 loading); reason: "Progress slowly" and leave time to adapt.
B2 (race taper): in the last two weeks before a goal race the volume falls (the deload dose);
no main session and no jumps in the 9 days before it, nothing loaded and no slow lowering
in the last 3, no session the day before, and only light work in the 2 days after. Source:
standard taper practice; reason: extends the article's "Avoid heavy leg work right before
... racing".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from constraints.key_runs import forbid_in_session, forbid_plyometrics, is_loaded_or_slow
from constraints.registry import hard_rule, soft_rule
from planner.domain import WEEKDAYS
from planner.planning.progression import deload_dose

if TYPE_CHECKING:
    from planner.planning.instance import WeekInstance
    from planner.planning.model import WeekModel

LIGHT_DAYS_AFTER = 2
S15_WEIGHT = 3  # per open day the taper week's main session sits after the first


@soft_rule("S15", "a taper week's main session early, far from the race", weight=S15_WEIGHT)
def add_s15_early_taper_main(wm: WeekModel) -> None:
    """S15 — in the taper week the main session goes as early in the week as the rules
    allow: each open day it sits after the first one a main session could use (not a key
    run's eve, a long-run or race day) costs S15_WEIGHT, so it moves later only for a
    reason that weighs more (the article's "Avoid heavy leg work right before ... racing",
    applied to the week)."""
    inst = wm.inst
    if inst.phase != "taper":
        return
    open_days = [d for d in inst.days if not inst.is_eve_of_key_run(d)
                 and not inst.has_run(d, "long") and not inst.has_run(d, "race")]
    for later, d in enumerate(open_days[1:], start=1):
        wm.penalize("S15", S15_WEIGHT * later, wm.heavy[d],
                    f"taper week: main session on {WEEKDAYS[d]}, later than "
                    f"{WEEKDAYS[open_days[0]]}, nearer the race")


@hard_rule("B1", "a deload week only steps back")
def add_b1_deload_week(wm: WeekModel) -> None:
    """B1 — in a deload (or taper) week every exercise carried over from last week loses
    about a third of its volume in one variable (`deload_dose`), nothing else changes. New
    exercises are not forbidden — a taper may need a light session last week did not
    have — but S4 charges for them."""
    inst = wm.inst
    if not inst.deload:
        return
    by_id = {ex.id: ex for ex in inst.exercises}
    for key, before in inst.carry.doses.items():
        exercise = by_id.get(before.variation)
        if key not in wm.pick or exercise is None:
            continue
        stepped_back = deload_dose(exercise, before, inst.taper)
        for lit in wm.picks_where(key, lambda c, d=stepped_back: c.dose != d):
            wm.require("B1", wm.model.add(lit == 0))


def b2_closes(inst: WeekInstance) -> Iterator[tuple[int, str]]:
    """Nothing the day before a race; no heavy session in its taper or just after it."""
    for d in inst.days:
        day = inst.date_of(d)
        if inst.days_to_race(d) == 1:
            yield from ((d, "heavy"), (d, "light"))
        elif inst.in_taper(d) or any(1 <= (day - race).days <= LIGHT_DAYS_AFTER
                                     for race in inst.race_dates):
            yield (d, "heavy")


@hard_rule("B2", "race taper: less volume, light only and unloaded before a race",
           closes=b2_closes)
def add_b2_race_taper(wm: WeekModel) -> None:
    """B2 — light only in the 9 days before a race and nothing loaded in the last 3, nothing
    the day before, light only in the two days after. (The falling volume of the last two
    weeks is B1's step-back dose, applied by the block to taper weeks.)"""
    inst = wm.inst
    for d in inst.days:
        day = inst.date_of(d)
        if inst.days_to_race(d) == 1:
            wm.require("B2", wm.model.add(wm.session[d] == 0))
        after_race = any(1 <= (day - race).days <= LIGHT_DAYS_AFTER for race in inst.race_dates)
        if inst.in_taper(d) or after_race:
            wm.require("B2", wm.model.add(wm.heavy[d] == 0))

    forbid_plyometrics(wm, "B2", [d for d in inst.days if inst.in_taper(d)])
    forbid_in_session(wm, "B2", [d for d in inst.days if inst.unloaded_for_race(d)],
                      is_loaded_or_slow)
