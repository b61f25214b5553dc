"""What one session holds: H2 (4–7 exercises), H8 (balanced heavy session), H12 (time),
H14 (one split-stance lift) and H15 (a light session is light)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from constraints.registry import hard_rule
from planner.domain import LEVELS, Exercise
from planner.planning.progression import WARMUP_MINUTES

if TYPE_CHECKING:
    from planner.planning.instance import FamilyKey, WeekInstance
    from planner.planning.model import WeekModel
    from planner.planning.progression import Candidate

MIN_EXERCISES, MAX_EXERCISES = 4, 7

# H8, from the FAQ: "a squat or lunge, a hip hinge, a step-up or single-leg move, calf
# work, and a hip stability drill". Each entry is satisfied by any one of its patterns.
# "hinge" is the deadlift pattern (Romanian, single-leg and kickstand RDL); a bridge is
# glute work lying down and does not stand in for it.
HEAVY_SESSION_NEEDS: tuple[tuple[str, ...], ...] = (
    ("squat", "lunge"), ("hinge",), ("single-leg",), ("calf",), ("hip-stability",),
)
# A beginner's main session is the article's beginner session (bodyweight squat, assisted
# reverse lunge, glute bridge, low step-up, wall calf raise): its hip extension is the
# glute bridge, and the hinge is learnt first as a warm-up drill ("hip hinges"), as the
# article's "Do not add heavy squats, lunges, deadlifts, and jumping all in the same week
# if you are new to strength training" asks.
BEGINNER_SESSION_NEEDS: tuple[tuple[str, ...], ...] = (
    ("squat", "lunge"), ("hinge", "bridge"), ("single-leg",), ("calf",), ("hip-stability",),
)
# The session a runner needs the whole session's time for: after a run the warm-up is
# shorter (drills only), but H12 cannot know the clock, so it books the longer one.
WARMUP_BUDGET_MINUTES = max(WARMUP_MINUTES.values())


def heavy_session_needs(level: str) -> tuple[tuple[str, ...], ...]:
    return BEGINNER_SESSION_NEEDS if level == "beginner" else HEAVY_SESSION_NEEDS


def is_split_stance(exercise: Exercise) -> bool:
    return "split-stance" in exercise.patterns


def eve_needs_easier(exercise: Exercise) -> bool:
    """H15: on a key run's eve, a bridge or single-leg variation written for an advanced
    runner (the single-leg hip thrust) gives way to the easier two-leg one."""
    return (bool({"bridge", "single-leg"} & set(exercise.patterns))
            and exercise.level == LEVELS[-1])


@hard_rule("H2", "4 to 7 exercises a session")
def add_h2_exercise_count(wm: WeekModel) -> None:
    """H2 — "Most runners only need 4–7 leg exercises in one session." """
    for d in wm.inst.days:
        count = cp_model.LinearExpr.sum(wm.day_families(d))
        wm.require("H2", wm.model.add(count >= MIN_EXERCISES * wm.session[d]))
        wm.require("H2", wm.model.add(count <= MAX_EXERCISES * wm.session[d]))


@hard_rule("H8", "a heavy session is balanced")
def add_h8_heavy_session_balance(wm: WeekModel) -> None:
    """H8 — a heavy session covers each of HEAVY_SESSION_NEEDS (a beginner's, each of
    BEGINNER_SESSION_NEEDS: the glute bridge is the beginner's hip extension)."""
    for need in heavy_session_needs(wm.inst.profile.level):
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
    for d in inst.days:
        parts = []
        for (f, i), longest, seconds, picks in costs:
            if not wm.open(d, i):
                continue
            spent = m.new_int_var(0, longest, f"seconds_{d}_{f}_{i}")
            m.add(spent >= weighted_sum(picks, seconds)).only_enforce_if(wm.inc[(d, f, i)])
            parts.append(spent)
        warmup_s = 60 * WARMUP_BUDGET_MINUTES * wm.session[d]
        wm.require("H12", m.add(warmup_s + cp_model.LinearExpr.sum(parts) <= budget_s))


@hard_rule("H14", "at most one split-stance lift a session")
def add_h14_one_split_stance_lift(wm: WeekModel) -> None:
    """H14 — one split-stance lift (reverse, walking or split-squat lunge) a session. The
    article's sessions each hold one ("Reverse Lunge" in the sample, "Bulgarian split
    squats" in the intermediate session, "assisted reverse lunge" for a beginner), beside a
    step-up; two back to back double the knee-dominant work of one leg."""
    for intensity in ("heavy", "light"):
        hits = wm.session_hits(intensity, is_split_stance)
        for d in wm.inst.days:
            if len(hits[d]) > 1:
                wm.require("H14", wm.model.add(cp_model.LinearExpr.sum(hits[d]) <= 1))


def _is_slow(cand: Candidate) -> bool:
    return cand.dose.tempo > 0


def h15_refuses(inst: WeekInstance) -> Callable[[FamilyKey, Candidate], bool]:
    """No slow lowering in a light session's prescriptions."""
    return lambda key, cand: key[1] == "light" and _is_slow(cand)


@hard_rule("H15", "a light session is light: no slow lowering, easier variations on an eve",
           refuses=h15_refuses)
def add_h15_light_sessions_are_light(wm: WeekModel) -> None:
    """H15 — the article's second session "can be lighter ... without making every session
    heavy": no slow 3-second lowering in any light session (slow eccentrics are the
    advanced, soreness-making step), and on the eve of a key run the easier bridge and
    single-leg variations (no single-leg hip thrust the night before a tempo run)."""
    m, inst = wm.model, wm.inst
    eves = [d for d in inst.days if inst.is_eve_of_key_run(d)]
    for f in inst.families:
        key = (f, "light")
        if key not in wm.pick:
            continue
        for lit in wm.picks_where(key, _is_slow):
            wm.require("H15", m.add(lit == 0))
        harder = wm.exercise_picks(key, eve_needs_easier)
        if harder and eves:
            any_harder = cp_model.LinearExpr.sum(harder)
            for d in eves:
                wm.require("H15", m.add(wm.inc[(d, f, "light")] + any_harder <= 1))
