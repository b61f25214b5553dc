"""Training-block rules beyond the article, documented in docs/rules.md.

B1 (deload): every Nth week is a step-back week — the same exercises with one set fewer
(about a third less volume). Source: common periodisation practice (3:1 loading); reason:
the article says "Progress slowly" and leave time to adapt.
B2 (race taper): no heavy session in the 7 days before a race, none the day before, and only
light work in the 2 days after. Source: standard taper practice; reason: extends the
article's "Avoid heavy leg work right before ... racing".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.model import WeekModel

TAPER_DAYS_BEFORE = 7
LIGHT_DAYS_AFTER = 2


def add_b1_deload_week(wm: WeekModel) -> None:
    """B1 — in a deload week only last week's exercises, at reduced volume (the candidates
    offer nothing else), and no new exercise is introduced."""
    if not wm.inst.deload or not wm.inst.carry.doses:
        return
    for key in wm.family_keys():
        if key not in wm.inst.carry.doses:
            wm.require("B1", wm.model.add(wm.use[key] == 0))


def add_b2_race_taper(wm: WeekModel) -> None:
    """B2 — light only in the week before a race, nothing the day before, light only in the
    two days after."""
    inst = wm.inst
    for d in inst.days:
        day = inst.date_of(d)
        for race in inst.race_dates:
            before = (race - day).days
            after = (day - race).days
            if before == 1:
                wm.require("B2", wm.model.add(wm.session[d] == 0))
            if 1 <= before <= TAPER_DAYS_BEFORE or 1 <= after <= LIGHT_DAYS_AFTER:
                wm.require("B2", wm.model.add(wm.heavy[d] == 0))
