"""S1 — "Runners should train the quads, glutes, hamstrings, calves, hip stabilizers,
adductors, and core", and "Another mistake is skipping calf and soleus work ... they
deserve direct training"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain import MUSCLES, WEEKDAYS

if TYPE_CHECKING:
    from planner.model import WeekModel

S1_WEIGHT = 1_000  # muscle coverage comes first among the trade-offs
DIRECT_ONLY = frozenset({"calves", "soleus"})


def add_s1_muscle_coverage(wm: WeekModel) -> None:
    """A muscle group counts as trained when an exercise of the week works it as a primary
    muscle, or two exercises work it as a secondary one; calves and soleus need direct
    (primary) work."""
    m = wm.model
    for muscle in MUSCLES:
        primary = [lit for key in wm.family_keys()
                   for lit in wm.exercise_picks(key, lambda ex, mu=muscle: mu in ex.primary)]
        secondary = [] if muscle in DIRECT_ONLY else [
            lit for key in wm.family_keys()
            for lit in wm.exercise_picks(key, lambda ex, mu=muscle: mu in ex.secondary)]
        trained = m.new_bool_var(f"s1_trained_{muscle}")
        m.add(2 * trained <= 2 * sum(primary) + sum(secondary))
        wm.penalize("S1", S1_WEIGHT, ~trained, f"{muscle} not trained this week")

S10_HEAVY_WEIGHT = 10
S10_LIGHT_WEIGHT = 5
# The article's "Sample Leg Workout": goblet squat, reverse lunge, Romanian deadlift,
# step-up, standing calf raise, lateral band walk — one of each pattern.
HEAVY_SAMPLE = ("squat", "lunge", "hinge", "single-leg", "calf", "hip-stability")
# Its lighter second session: "single-leg control, lateral band walks, glute bridges, and
# low-level pogo hops" (plus calves, which deserve direct work).
LIGHT_SAMPLE = ("single-leg", "hip-stability", "hinge", "calf", "plyometric")


def add_s10_sample_sessions(wm: WeekModel) -> None:
    """S10 — sessions look like the article's sample workouts: a heavy session has every
    pattern of the sample leg workout, a light one the control work of the second session.
    Each missing pattern costs a little, so a session uses its minutes for real work."""
    from constraints.eligibility import level_allows

    plyo_ok = any(ex.plyometric and level_allows(ex, wm.inst.profile.level)
                  for ex in wm.inst.exercises)
    for intensity, sample, weight in (("heavy", HEAVY_SAMPLE, S10_HEAVY_WEIGHT),
                                      ("light", LIGHT_SAMPLE, S10_LIGHT_WEIGHT)):
        for pattern in sample:
            if pattern == "plyometric" and not plyo_ok:
                continue
            hits = wm.session_hits(intensity, lambda ex, p=pattern: p in ex.patterns)
            for d in wm.inst.days:
                if pattern == "plyometric" and wm.inst.jumps_forbidden(d):
                    continue  # a hard rule already keeps jumps off this day
                missing = wm.model.new_bool_var(f"s10_{d}_{intensity}_{pattern}")
                wm.model.add(sum(hits[d]) + missing >= 1).only_enforce_if(
                    wm.intensity(d, intensity))
                wm.model.add(missing == 0).only_enforce_if(~wm.intensity(d, intensity))
                wm.penalize("S10", weight, missing,
                            f"{intensity} session on {WEEKDAYS[d]} has no {pattern} exercise")
