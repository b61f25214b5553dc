"""What one session holds: H2 (4–7 exercises), H8 (balanced heavy session), H12 (time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from constraints.registry import hard_rule
from planner.progression import WARMUP_MINUTES

if TYPE_CHECKING:
    from planner.model import WeekModel

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
        count = sum(wm.day_families(d))
        wm.require("H2", wm.model.add(count >= MIN_EXERCISES * wm.session[d]))
        wm.require("H2", wm.model.add(count <= MAX_EXERCISES * wm.session[d]))


@hard_rule("H8", "a heavy session is balanced")
def add_h8_heavy_session_balance(wm: WeekModel) -> None:
    """H8 — a heavy session covers each of HEAVY_SESSION_NEEDS."""
    for need in HEAVY_SESSION_NEEDS:
        hits = wm.session_hits("heavy", lambda ex, need=need: bool(set(need) & set(ex.patterns)))
        for d in wm.inst.days:
            wm.require("H8", wm.model.add(sum(hits[d]) >= wm.heavy[d]))


@hard_rule("H12", "a session fits the minutes available")
def add_h12_time_budget(wm: WeekModel) -> None:
    """H12 — the warm-up ("5–8 minutes of easy movement", drills, practice sets) plus every
    exercise's sets, reps and rest fit the minutes the runner has. Counted in seconds, so
    six short exercises are not each rounded up to a whole minute."""
    m, inst = wm.model, wm.inst
    budget_s = inst.profile.minutes * 60
    for d in inst.days:
        parts = []
        for key in wm.family_keys():
            f, i = key
            cands = wm.candidates[key]
            longest = max((c.seconds for c in cands), default=0)
            spent = m.new_int_var(0, longest, f"seconds_{d}_{f}_{i}")
            duration = sum(c.seconds * lit for c, lit in zip(cands, wm.pick[key], strict=True))
            m.add(spent >= duration).only_enforce_if(wm.inc[(d, f, i)])
            parts.append(spent)
        warmup_s = 60 * (WARMUP_MINUTES["heavy"] * wm.heavy[d]
                         + WARMUP_MINUTES["light"] * wm.light[d])
        wm.require("H12", m.add(warmup_s + sum(parts) <= budget_s))
