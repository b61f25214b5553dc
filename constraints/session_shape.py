"""What one session holds: H2 (4–7 exercises), H8 (balanced heavy session), H12 (time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from constraints.registry import hard_rule
from planner.planning.progression import WARMUP_MINUTES

if TYPE_CHECKING:
    from planner.planning.model import WeekModel

MIN_EXERCISES, MAX_EXERCISES = 4, 7

# H8, from the FAQ: "a squat or lunge, a hip hinge, a step-up or single-leg move, calf
# work, and a hip stability drill". Each entry is satisfied by any one of its patterns.
HEAVY_SESSION_NEEDS: tuple[tuple[str, ...], ...] = (
    ("squat", "lunge"), ("hinge",), ("single-leg",), ("calf",), ("hip-stability",),
)


@hard_rule("H2", "4 to 7 exercises a session")
def add_h2_exercise_count(wm: WeekModel) -> None:
    """H2 — "Most runners only need 4–7 leg exercises in one session." """
    for d in wm.inst.days:
        count = cp_model.LinearExpr.sum(wm.day_families(d))
        wm.require("H2", wm.model.add(count >= MIN_EXERCISES * wm.session[d]))
        wm.require("H2", wm.model.add(count <= MAX_EXERCISES * wm.session[d]))


@hard_rule("H8", "a heavy session is balanced")
def add_h8_heavy_session_balance(wm: WeekModel) -> None:
    """H8 — a heavy session covers each of HEAVY_SESSION_NEEDS."""
    for need in HEAVY_SESSION_NEEDS:
        hits = wm.session_hits("heavy", lambda ex, need=need: bool(set(need) & set(ex.patterns)))
        for d in wm.inst.days:
            wm.require("H8", wm.model.add(cp_model.LinearExpr.sum(hits[d]) >= wm.heavy[d]))


@hard_rule("H12", "a session fits the minutes available")
def add_h12_time_budget(wm: WeekModel) -> None:
    """H12 — the warm-up ("5–8 minutes of easy movement", drills, practice sets) plus every
    exercise's sets, reps and rest fit the minutes the runner has. Counted in seconds, so
    six short exercises are not each rounded up to a whole minute."""
    m, inst = wm.model, wm.inst
    budget_s = inst.profile.minutes * 60
    weighted_sum = cp_model.LinearExpr.weighted_sum
    # What a family's pick costs in seconds is the same every day: worked out once.
    costs = []
    for key in wm.family_keys():
        seconds = [c.seconds for c in wm.candidates[key]]
        costs.append((key, max(seconds, default=0), seconds, wm.pick[key]))
    warmup = [60 * WARMUP_MINUTES["heavy"], 60 * WARMUP_MINUTES["light"]]
    for d in inst.days:
        parts = []
        for (f, i), longest, seconds, picks in costs:
            spent = m.new_int_var(0, longest, f"seconds_{d}_{f}_{i}")
            m.add(spent >= weighted_sum(picks, seconds)).only_enforce_if(wm.inc[(d, f, i)])
            parts.append(spent)
        warmup_s = weighted_sum([wm.heavy[d], wm.light[d]], warmup)
        wm.require("H12", m.add(warmup_s + cp_model.LinearExpr.sum(parts) <= budget_s))
