"""S1 — "Runners should train the quads, glutes, hamstrings, calves, hip stabilizers,
adductors, and core", and "Another mistake is skipping calf and soleus work ... they
deserve direct training"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from constraints.composition import first_week_of_beginner
from constraints.registry import soft_rule
from planner.domain import MUSCLES

if TYPE_CHECKING:
    from planner.planning.model import WeekModel

S1_WEIGHT = 1_000  # muscle coverage comes first among the trade-offs
DIRECT_ONLY = frozenset({"calves", "soleus"})


@soft_rule("S1", "cover every muscle group; direct calf and soleus work", weight=S1_WEIGHT)
def add_s1_muscle_coverage(wm: WeekModel) -> None:
    """S1 — a muscle group counts as trained when an exercise of the week works it as a primary
    muscle, or two exercises work it as a secondary one; calves and soleus need direct
    (primary) work. Only the bent-knee raise trains the soleus directly ("bent-knee calf
    raises shift more work toward the soleus"); a beginner's first week is the article's
    beginner session as written, whose one calf exercise is the wall calf raise, so the
    soleus is asked for from the second week on. Not in race week (B4) nor the return week
    after it (B6): their one short session keeps the legs moving around the race and is
    the article's light session, not the week's coverage."""
    if wm.inst.short_by_rule:
        return
    m = wm.model
    primary: dict[str, list] = {muscle: [] for muscle in MUSCLES}
    secondary: dict[str, list] = {muscle: [] for muscle in MUSCLES}
    # One pass over the variations, not one per muscle (the sums below do not depend on
    # the order their literals come in).
    for key in wm.family_keys():
        for exercise, lits in wm.variations(key):
            for muscle in primary.keys() & set(exercise.primary):
                primary[muscle].extend(lits)
            for muscle in secondary.keys() & set(exercise.secondary) - DIRECT_ONLY:
                secondary[muscle].extend(lits)
    asked = [mu for mu in MUSCLES
             if not (mu == "soleus" and first_week_of_beginner(wm.inst))]
    for muscle in asked:
        trained = m.new_bool_var(f"s1_trained_{muscle}")
        m.add(2 * trained <= 2 * cp_model.LinearExpr.sum(primary[muscle])
              + cp_model.LinearExpr.sum(secondary[muscle]))
        wm.penalize("S1", S1_WEIGHT, ~trained, f"{muscle} not trained this week")
