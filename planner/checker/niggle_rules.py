"""H30 and H31 judged one session at a time, from the plan's own profile: the niggles the
runner named and the exercises they left out (planner/niggles.py's table, not the model)."""

from __future__ import annotations

from collections.abc import Iterator

from planner.checker.records import PlanContext, SessionEntry, Violation, when
from planner.domain import RANGE_LABELS, TEMPO_LABELS, Dose
from planner.niggles import dose_refused, variation_refused


def check_h30_niggles(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H30: with a niggle, nothing it rules out and every dose within its range and tempo
    limits (docs/coaching.md, "Niggles and exclusions")."""
    niggles = ctx.profile.niggles
    if not niggles:
        return
    for item, ex in s.known():
        refused = variation_refused(ex, niggles)
        if refused:
            yield Violation("H30", s.iso, item.variation,
                            f"{ex.name} on {when(s.day)}: ruled out by the {refused} niggle")
            continue
        if item.tempo not in TEMPO_LABELS or item.range not in RANGE_LABELS:
            continue
        dose = Dose(ex.id, item.sets or 0, item.reps or 0, 0, TEMPO_LABELS.index(item.tempo),
                    RANGE_LABELS.index(item.range))
        refused = dose_refused(ex, dose, niggles)
        if refused:
            yield Violation("H30", s.iso, item.variation,
                            f"{ex.name} on {when(s.day)} at {item.tempo}, {item.range}: "
                            f"outside the {refused} niggle's limits")


def check_h31_exclusions(s: SessionEntry, ctx: PlanContext) -> Iterator[Violation]:
    """H31: no exercise the runner left out (--exclude)."""
    for item in s.items:
        if item.variation is not None and item.variation in ctx.profile.exclude:
            yield Violation("H31", s.iso, item.variation,
                            f"{item.variation} on {when(s.day)}: the runner left it out")
