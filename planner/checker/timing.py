"""The session-time formula of H12 (docs/rules.md, "Session time"), written here from the
documentation rather than imported from the planner, so the checker judges the planner's
arithmetic instead of repeating it."""

from __future__ import annotations

__all__ = ["REPS_UNITS", "SECONDS_PER_REP", "WARMUP_MINUTES", "exercise_minutes",
           "exercise_seconds"]

REPS_UNITS: tuple[str, ...] = ("reps", "reps/side", "steps/side", "steps/direction", "seconds")
TWO_SIDED_UNITS: frozenset[str] = frozenset({"reps/side", "steps/side", "steps/direction"})
# H12: seconds of work per rep for each tempo label; a band-walk step; one set-up.
SECONDS_PER_REP: dict[str, int] = {"controlled": 3, "slow 3-s lowering": 5}
SECONDS_PER_SIDESTEP = 2
SETUP_SECONDS = 30
# H12: the warm-up the article gives ("5–8 minutes"): the long end before a main session.
WARMUP_MINUTES: dict[str, int] = {"heavy": 8, "light": 5}


def exercise_seconds(*, sets: int, reps: int, reps_unit: str, tempo: str, rest_s: int) -> int:
    """Seconds one exercise takes (H12), from the documented formula.

    sets x work + (sets - 1) x rest + 30 s set-up: no rest after the last set. work = reps x
    3 s ("controlled") or 5 s ("slow 3-s lowering"), 2 s a step for steps/direction, times 2
    for per-side and per-direction units (both sides back to back); timed work ("seconds")
    is its seconds.
    """
    if reps_unit == "seconds":
        work_s = reps
    else:
        per = SECONDS_PER_SIDESTEP if reps_unit == "steps/direction" else SECONDS_PER_REP[tempo]
        work_s = reps * per * (2 if reps_unit in TWO_SIDED_UNITS else 1)
    return sets * work_s + (sets - 1) * rest_s + SETUP_SECONDS


def exercise_minutes(*, sets: int, reps: int, reps_unit: str, tempo: str, rest_s: int) -> int:
    """The same, rounded up to whole minutes (what a plan shows per exercise)."""
    return -(-exercise_seconds(sets=sets, reps=reps, reps_unit=reps_unit, tempo=tempo,
                               rest_s=rest_s) // 60)

