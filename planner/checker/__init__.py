"""Check any plan JSON against every hard rule (H1-H15, H30, H31, B1, B2, B4-B6), in
plain Python.

This package is the planner's independent referee: it reads the JSON written by
`planner.renderers.json_plan.plan_to_dict` (or a hand-edited copy of it) and never imports the
solver, `planner.planning.model`, `planner.solving` or `constraints/`. Every rule is
written from docs/rules.md, ../shared/RULES.md and the article, not from the model, so a
property test can use it to judge the solver's output. Malformed content is reported under
rule id H0; the checker never raises on any input.

Modules: `plan_reading` (the tolerant reader), `records` (what it reads into), `timing`
(H12's formula), `session_rules`, `week_rules`, `block_rules`, `season_rules`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from planner.checker.block_rules import check_b1_step_back_weeks, check_b2_race_taper
from planner.checker.niggle_rules import check_h30_niggles, check_h31_exclusions
from planner.checker.plan_reading import PlanReader
from planner.checker.records import PlanContext, SessionEntry, Violation
from planner.checker.season_rules import (
    check_b4_race_week,
    check_b5_maintain_holds,
    check_b6_return_week,
)
from planner.checker.session_rules import (
    check_h1_key_run_eve,
    check_h2_exercise_count,
    check_h5_equipment,
    check_h6_plyometrics_by_level,
    check_h7_no_plyometrics_when_fatigued,
    check_h8_balanced_heavy_session,
    check_h11_race_and_long_run_day,
    check_h12_session_fits_minutes,
    check_h13_unloaded_eve_of_key_run,
    check_h14_one_split_stance_lift,
    check_h15_light_session_is_light,
)
from planner.checker.timing import REPS_UNITS, exercise_minutes, exercise_seconds
from planner.checker.week_rules import (
    check_h3_sessions_per_week,
    check_h4_rest_day,
    check_h9_one_variable_at_a_time,
    check_h10_new_to_strength_additions,
)
from planner.domain import Exercise, Run

__all__ = ["CHECKS", "REPS_UNITS", "PlanCheck", "Violation", "check_plan", "exercise_minutes",
           "exercise_seconds"]

PlanCheck = Callable[[PlanContext], Iterator[Violation]]
SessionCheck = Callable[[SessionEntry, PlanContext], Iterator[Violation]]


def _guarded(rule: str, run: Callable[[], Iterator[Violation]],
             day: str | None) -> list[Violation]:
    """Run one rule, turning an unexpected error into an H0 violation instead of a crash."""
    try:
        return list(run())
    except Exception as exc:
        return [Violation("H0", day, None, f"{rule} could not be checked ({exc!r})")]


def _each_session(rule: SessionCheck) -> PlanCheck:
    """A session rule as a plan check; an error in one session does not hide the others."""
    def over_sessions(ctx: PlanContext) -> Iterator[Violation]:
        for s in ctx.sessions():
            yield from _guarded(rule.__name__, lambda s=s: rule(s, ctx), s.iso)

    over_sessions.__name__ = over_sessions.__qualname__ = rule.__name__
    over_sessions.__doc__ = rule.__doc__
    return over_sessions


# Rule id -> the check that judges it; the ids are constraints.HARD_RULES' ids exactly.
CHECKS: dict[str, PlanCheck] = {
    "H1": _each_session(check_h1_key_run_eve),
    "H2": _each_session(check_h2_exercise_count),
    "H3": check_h3_sessions_per_week,
    "H4": check_h4_rest_day,
    "H5": _each_session(check_h5_equipment),
    "H6": _each_session(check_h6_plyometrics_by_level),
    "H7": _each_session(check_h7_no_plyometrics_when_fatigued),
    "H8": _each_session(check_h8_balanced_heavy_session),
    "H9": check_h9_one_variable_at_a_time,
    "H10": check_h10_new_to_strength_additions,
    "H11": _each_session(check_h11_race_and_long_run_day),
    "H12": _each_session(check_h12_session_fits_minutes),
    "H13": _each_session(check_h13_unloaded_eve_of_key_run),
    "H30": _each_session(check_h30_niggles),
    "H31": _each_session(check_h31_exclusions),
    "H14": _each_session(check_h14_one_split_stance_lift),
    "H15": _each_session(check_h15_light_session_is_light),
    "B1": check_b1_step_back_weeks,
    "B2": check_b2_race_taper,
    "B4": check_b4_race_week,
    "B5": check_b5_maintain_holds,
    "B6": check_b6_return_week,
}


def _catalog_index(catalog: Any, out: list[Violation]) -> dict[str, Exercise]:
    """The catalog as {variation id: Exercise}; accepts a Catalog or a plain mapping."""
    try:
        raw = catalog if isinstance(catalog, Mapping) else catalog.by_id()
        return {key: ex for key, ex in dict(raw).items() if isinstance(ex, Exercise)}
    except Exception as exc:  # a broken catalog must not crash the checker
        out.append(Violation("H0", None, None, f"catalog could not be read ({exc!r})"))
        return {}


def _sort_key(v: Violation) -> tuple[bool, int, str, str, str]:
    number = int(v.rule[1:]) if v.rule[1:].isdigit() else 99
    return v.rule.startswith("B"), number, v.date or "", v.exercise or "", v.message


def check_plan(plan: dict, catalog: Any, *, runs: Sequence[Run] | None = None,
               previous: dict | None = None) -> list[Violation]:
    """Every hard-rule violation in `plan`, sorted by rule, date, exercise and message.

    `catalog` has `by_id() -> {variation id: Exercise}` (or is that mapping). `runs`, when
    given, replaces the runs listed in the plan's weeks (and so decides the race dates B2
    tapers to). `previous` is an earlier plan JSON whose last week precedes this plan's
    first week; it extends H3, H4, H9, H10 and B1 across the boundary. Never raises:
    malformed content is reported under H0.
    """
    out: list[Violation] = []
    try:
        reader = PlanReader(_catalog_index(catalog, out), out)
        if not isinstance(plan, dict):
            reader.h0("the plan is not a JSON object")
            return sorted(set(out), key=_sort_key)
        weeks = reader.weeks(plan)
        previous_weeks = reader.weeks(previous, previous=True) if previous is not None else ()
        ctx = PlanContext(reader.profile(plan), weeks, previous_weeks, reader.runs(plan, runs),
                          reader.race_minutes)
        if previous_weeks and ctx.week_before_first() is None:
            reader.h0("the previous plan's last week does not precede this plan's first week")
    except Exception as exc:
        out.append(Violation("H0", None, None, f"the plan could not be read ({exc!r})"))
        return sorted(set(out), key=_sort_key)
    for rule_id, check in CHECKS.items():
        out.extend(_guarded(rule_id, lambda check=check: check(ctx), None))
    return sorted(set(out), key=_sort_key)
