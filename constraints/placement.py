"""Where in the week: S2 (day fit), S3 (spread), S5 (preferred and avoided days)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from constraints.registry import soft_rule
from planner.domain import KEY_RUNS, WEEKDAYS

if TYPE_CHECKING:
    from planner.planning.model import WeekModel

S2_REST_DAY_WEIGHT = 60
# Hard days hard, easy days truly easy: a light session on a rest day costs more than the
# week's jumps (S12), two sessions two days apart (S3) and the pogo hops left out of a
# block that had them (S4's accessory) together, so with a run day free it goes after that
# run and the jumps wait a week; the eve of a key run costs more again, and the long-run
# day more than a rest day two days from the main session (S3), so a free rest day still
# beats them.
S2_LIGHT_REST_DAY_WEIGHT = 50
S2_CROSS_DAY_WEIGHT = 10
S2_LIGHT_EVE_WEIGHT = 55
S2_LIGHT_LONG_RUN_DAY_WEIGHT = 75
# On top of a heavy rest day: the rest day after a long run or a race, legs still carrying it.
S2_HEAVY_AFTER_LONG_RUN_WEIGHT = 40
S3_WEIGHT = 20
S5_AVOID_WEIGHT = 400
S5_PREFER_WEIGHT = 15

# "a day that is already moderately hard" — or an easy run day ("after an easy run").
GOOD_HEAVY_DAYS = frozenset({"easy", "recovery", "tempo", "hill", "speed"})


@soft_rule("S2", "heavy after an easy or moderately hard run; rest days free",
           weight=S2_REST_DAY_WEIGHT)
def add_s2_day_fit(wm: WeekModel) -> None:
    """S2 — "put harder strength training after an easy run or on a day that is already
    moderately hard, then keep easy days truly easy"; rest days stay free. Hard days hard:
    the light session, too, goes on a day with a run rather than on the eve of a key run,
    whose legs should come fresh ("Avoid heavy leg training the day before a long run,
    race, hill workout, or speed session"): that costs more than a light rest day. A
    light rest day in turn costs more than dropping the week's jumps (S12) plus two
    sessions two days apart (S3): the runner's rest day is not spent on pogo hops."""
    inst = wm.inst
    for d in inst.days:
        kinds = inst.kinds(d)
        day = WEEKDAYS[d]
        if inst.is_eve_of_key_run(d):
            tomorrow = ", ".join(sorted(inst.kinds(d + 1) & KEY_RUNS))
            wm.penalize("S2", S2_LIGHT_EVE_WEIGHT, wm.light[d],
                        f"light session on {day}, the eve of a key run ({tomorrow})")
        if not kinds:
            wm.penalize("S2", S2_REST_DAY_WEIGHT, wm.heavy[d],
                        f"heavy session on {day}, a rest day")
            if inst.is_day_after_long_run_or_race(d):
                wm.penalize("S2", S2_HEAVY_AFTER_LONG_RUN_WEIGHT, wm.heavy[d],
                            f"heavy session on {day}, the rest day after a long run or race")
            wm.penalize("S2", S2_LIGHT_REST_DAY_WEIGHT, wm.light[d],
                        f"light session on {day}, a rest day")
        elif "long" in kinds:
            wm.penalize("S2", S2_LIGHT_LONG_RUN_DAY_WEIGHT, wm.light[d],
                        f"light session on {day}, on legs tired from the long run")
        elif not kinds & GOOD_HEAVY_DAYS:
            wm.penalize("S2", S2_CROSS_DAY_WEIGHT, wm.heavy[d],
                        f"heavy session on {day}, not after an easy or moderately hard run")


@soft_rule("S3", "spread two sessions apart", weight=S3_WEIGHT)
def add_s3_spread(wm: WeekModel) -> None:
    """S3 — two sessions two days apart recover less than three or more days apart."""
    m = wm.model
    for d in range(5):
        close = m.new_bool_var(f"s3_close_{d}")
        m.add(wm.session[d] + wm.session[d + 2] <= 1 + close)
        wm.penalize("S3", S3_WEIGHT, close,
                    f"sessions on {WEEKDAYS[d]} and {WEEKDAYS[d + 2]} are only two days apart")


@soft_rule("S5", "honour preferred and avoided days", weight=S5_AVOID_WEIGHT)
def add_s5_preferred_days(wm: WeekModel) -> None:
    """S5 — honour the runner's avoided days strongly and preferred days mildly."""
    profile = wm.inst.profile
    for d in wm.inst.days:
        if d in profile.avoid_days:
            wm.penalize("S5", S5_AVOID_WEIGHT, wm.session[d],
                        f"session on {WEEKDAYS[d]}, a day you asked to avoid")
        elif profile.prefer_days and d not in profile.prefer_days:
            wm.penalize("S5", S5_PREFER_WEIGHT, wm.session[d],
                        f"session on {WEEKDAYS[d]}, not one of your preferred days")
