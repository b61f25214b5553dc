"""The checker's block rules: B1 (step-back weeks) and B2 (race taper), clause by clause.

Real plans come from the planner for examples/block-16-weeks.csv (race on Sunday
2027-04-25; step-back weeks 4, 8, 12 by the calendar and 15-16 before the race), then one
thing is changed and the checker must name it; small hand-made plans use the helpers of
tests/test_check.py.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.checker import CHECKS, Violation, check_plan
from planner.domain import EQUIPMENT, LEVELS, Profile, Run
from planner.readers.catalog import Catalog
from planner.readers.runs_csv import load_runs
from planner.renderers.json_plan import plan_to_dict
from planner.solving.block import plan_block
from tests.test_check import (
    MON1,
    MON2,
    THU1,
    THU2,
    W1,
    W2,
    check,
    heavy,
    light,
    plan_of,
    restate,
    runs_for,
    stepped_back,
    week,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RACE = "2027-04-25"


@pytest.fixture(scope="module")
def block(catalog: Catalog) -> dict[str, Any]:
    runs = load_runs(EXAMPLES / "block-16-weeks.csv").runs
    # The fixed cadence (--deload-every 4), so B1's calendar clauses have weeks to judge.
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}), tz="UTC",
                      deload_every=4)
    return plan_to_dict(plan_block(runs, profile, catalog.exercises).plan)


def of_rule(violations: list[Violation], rule: str) -> list[Violation]:
    return [v for v in violations if v.rule == rule]


def heavy_session(week_: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in week_["sessions"] if s["intensity"] == "heavy")


def dose(entry: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(entry[key] for key in ("variation", "sets", "reps", "load", "tempo", "range"))


def entry_of(session_: dict[str, Any], variation: str) -> dict[str, Any]:
    return next(e for e in session_["exercises"] if e["variation"] == variation)


def test_the_example_block_passes_every_rule(block: dict[str, Any], catalog: Catalog) -> None:
    # The block must exercise both rules, or passing them would prove nothing.
    assert [n for n, w in enumerate(block["weeks"], 1) if w["deload"]] == [4, 8, 12, 15, 16]
    assert [n for n, w in enumerate(block["weeks"], 1) if w["taper"]] == [15, 16]
    assert check_plan(block, catalog) == []


# ------------------------------------------------------------------ B1


def test_b1_a_deload_week_that_gets_its_sets_back(block: dict[str, Any],
                                                  catalog: Catalog) -> None:
    plan = copy.deepcopy(block)
    session_ = heavy_session(plan["weeks"][3])  # week 4, a step-back week
    carried = heavy_session(plan["weeks"][2])["exercises"][0]
    item = entry_of(session_, carried["variation"])
    assert item["sets"] == carried["sets"] - 1  # the planner's step-back: one set fewer
    item["sets"] = carried["sets"]
    [v] = of_rule(check_plan(plan, catalog), "B1")
    assert (v.date, v.exercise) == (session_["date"], item["variation"])
    assert "step-back week 4" in v.message and "should step back to" in v.message
    assert f"{carried['sets'] - 1} x {carried['reps']}" in v.message


def test_b1_a_step_back_that_changes_two_variables(block: dict[str, Any],
                                                   catalog: Catalog) -> None:
    plan = copy.deepcopy(block)
    session_ = heavy_session(plan["weeks"][3])
    item = session_["exercises"][0]
    item["reps"] -= 2  # a set fewer *and* fewer reps
    [v] = of_rule(check_plan(plan, catalog), "B1")
    assert (v.date, v.exercise) == (session_["date"], item["variation"])


def test_b1_a_deload_week_the_plan_does_not_mark(block: dict[str, Any],
                                                 catalog: Catalog) -> None:
    plan = copy.deepcopy(block)
    plan["weeks"][7]["deload"] = False  # week 8, doses still stepped back
    [v] = of_rule(check_plan(plan, catalog), "B1")
    assert v.date is None
    assert "week 8 (from 2027-02-22) should be a step-back week" in v.message
    assert "deload every 4 weeks" in v.message


def test_b1_a_six_week_block_without_its_step_back_week(catalog: Catalog) -> None:
    runs = tuple(r for r in load_runs(EXAMPLES / "block-16-weeks.csv").runs
                 if r.date < date(2027, 2, 15))
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}),
                      tz="UTC", deload_every=0)
    plan = plan_to_dict(plan_block(runs, profile, catalog.exercises).plan)
    assert len(plan["weeks"]) == 6 and check_plan(plan, catalog) == []
    plan["profile"]["deload_every"] = 4  # the plan now says: step back every 4th week
    violations = of_rule(check_plan(plan, catalog), "B1")
    assert any(v.date is None and "week 4 " in v.message for v in violations)
    week4 = {s["date"] for s in plan["weeks"][3]["sessions"]}
    assert any(v.date in week4 and v.exercise for v in violations), violations
    # Without the key the week is judged on its doses alone.
    del plan["weeks"][3]["deload"]
    unmarked = of_rule(check_plan(plan, catalog), "B1")
    assert not any("should be a step-back week" in v.message for v in unmarked)
    assert any(v.date in week4 for v in unmarked)
    # The week after, progressed from the undeloaded week 4, is told to return instead.
    assert any("the first week after a step-back" in v.message for v in unmarked)


def test_b1_the_week_after_must_return_to_the_dose_before(block: dict[str, Any],
                                                         catalog: Catalog) -> None:
    plan = copy.deepcopy(block)
    before, deload, after = (heavy_session(plan["weeks"][n]) for n in (2, 3, 4))
    returned = {dose(e) for e in before["exercises"]} & {dose(e) for e in after["exercises"]}
    # One whose step back dropped a set (a step-up at 2 sets drops reps instead).
    variation = next(v for v, *_ in sorted(returned)
                     if entry_of(deload, v)["sets"] != entry_of(before, v)["sets"])
    stayed = entry_of(after, variation)
    stayed["sets"] = entry_of(deload, variation)["sets"]  # held at the deload dose
    restate(after)
    [v] = of_rule(check_plan(plan, catalog), "B1")
    assert (v.date, v.exercise) == (after["date"], variation)
    assert "the first week after a step-back" in v.message and "should return to" in v.message


def test_b1_new_exercises_in_a_step_back_week_are_allowed() -> None:
    """B1 steps back what is carried over; new exercises only cost S4, so even a week with
    more sets in all passes (the planner adds pogo hops to a taper week's light session)."""
    extra = [entry for entry in light(MON2, pogo=False)["exercises"]
             if entry["variation"] in ("glute-bridge", "seated-calf-raise")]
    for entry in extra:
        entry["sets"] = 4
    deload = stepped_back(heavy(MON2))
    deload["exercises"] += extra
    plan = plan_of([week(W1, [heavy(MON1), light(THU1)]),
                    week(W2, [restate(deload), stepped_back(light(THU2))])])
    plan["profile"]["deload_every"] = 2
    plan["weeks"][1]["deload"] = True
    assert of_rule(check(plan), "B1") == []
    carried = deload["exercises"][0]
    carried["sets"] += 1  # but a carried-over exercise must still step back
    restate(deload)
    [v] = of_rule(check(plan), "B1")
    assert (v.date, v.exercise) == (MON2, carried["variation"])


# ------------------------------------------------------------------ B2


def test_b2_a_main_session_three_days_before_the_race(block: dict[str, Any],
                                                      catalog: Catalog) -> None:
    plan = copy.deepcopy(block)
    main = heavy_session(plan["weeks"][14])  # week 15's main session, Thursday 04-15
    plan["weeks"][14]["sessions"].remove(main)
    main["date"], main["day"] = "2027-04-22", "Thursday"
    plan["weeks"][15]["sessions"].append(main)
    violations = of_rule(check_plan(plan, catalog), "B2")
    [v] = [v for v in violations if v.exercise is None]
    assert v.date == "2027-04-22"
    assert "main session on Thu 2027-04-22, 3 days before a race (Sun 2027-04-25)" in v.message
    loaded = [e["variation"] for e in main["exercises"] if e["load"] != "bodyweight"]
    assert loaded and {v.exercise for v in violations if v.exercise} >= set(loaded)
    assert all("at load 'light" in v.message and "3 days before a race" in v.message
               for v in violations if v.exercise in loaded)


def test_b2_a_session_the_day_before_the_race(block: dict[str, Any], catalog: Catalog) -> None:
    plan = copy.deepcopy(block)
    last = plan["weeks"][15]["sessions"][-1]
    last["date"], last["day"] = "2027-04-24", "Saturday"
    # (Its loaded and slow exercises are B2's too, one violation each.)
    [v] = [v for v in of_rule(check_plan(plan, catalog), "B2") if v.exercise is None]
    assert v.date == "2027-04-24" and "the day before a race" in v.message


def test_b2_a_taper_week_that_keeps_its_volume(block: dict[str, Any],
                                              catalog: Catalog) -> None:
    plan = copy.deepcopy(block)
    session_ = heavy_session(plan["weeks"][14])  # week 15: the taper, not a calendar deload
    item = session_["exercises"][0]
    item["sets"] += 1
    violations = check_plan(plan, catalog)
    assert of_rule(violations, "B1") == []
    [v] = [v for v in of_rule(violations, "B2") if v.exercise == item["variation"]]
    assert v.date == session_["date"] and "step-back week 15" in v.message


def test_b2_main_work_within_two_days_after_a_race() -> None:
    runs = runs_for(W1, ("rest", "easy", "tempo", "easy", "rest", "race", "easy"))
    plan = plan_of([week(W1, [light("2026-12-01", pogo=False)], runs=runs),
                    week(W2, [heavy(MON2)])])
    [v] = of_rule(check(plan), "B2")
    assert v.date == MON2
    assert "main session on Mon 2026-12-07, 2 day(s) after a race (Sat 2026-12-05)" in v.message


def test_b2_skipped_work_is_repeated_not_stepped_back() -> None:
    runs = runs_for(W2, ("rest", "easy", "tempo", "easy", "rest", "easy", "race"))
    plan = plan_of([week(W2, [light(THU2, pogo=False)], runs=runs)])
    previous = plan_of([week(W1, [heavy(MON1), light(THU1, pogo=False)])])
    not_stepped = of_rule(check(plan, previous=previous), "B2")
    assert len(not_stepped) == 4 and all(v.date == THU2 for v in not_stepped)
    previous["weeks"][0]["sessions"][1]["done"] = False  # skipped: the next plan repeats it
    assert of_rule(check(plan, previous=previous), "B2") == []


# ------------------------------------------------------------------ the rule table


def test_every_hard_rule_has_a_check() -> None:
    from constraints import HARD_RULES

    assert set(CHECKS) == {rule.id for rule in HARD_RULES}


def test_the_checker_loads_no_solver_and_no_model() -> None:
    code = ("import sys, planner.checker; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ortools', 'constraints') or m in "
            "('planner.planning.model', 'planner.solving.solve', 'planner.solving.block')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ generated blocks

START = date(2027, 3, 1)
WEEK_KINDS = st.lists(st.sampled_from(["easy", "rest", "tempo", "long", "speed", "hill",
                                       "recovery", "cross"]), min_size=7, max_size=7)


@st.composite
def raced_blocks(draw: st.DrawFn) -> tuple[list[Run], Profile]:
    weeks = draw(st.integers(min_value=4, max_value=7))
    pattern = draw(WEEK_KINDS)
    runs = [Run(START + timedelta(days=k), pattern[k % 7], 45, time(7, 0))
            for k in range(7 * weeks)]
    race_day = draw(st.one_of(st.none(), st.integers(7 * weeks - 10, 7 * weeks - 1)))
    if race_day is not None:
        runs[race_day] = Run(START + timedelta(days=race_day), "race", 90, time(9, 0))
    profile = Profile(level=draw(st.sampled_from(LEVELS)),
                      equipment=frozenset(draw(st.lists(st.sampled_from(EQUIPMENT),
                                                        max_size=3))),
                      new_to_strength=draw(st.booleans()), tz="UTC",
                      deload_every=draw(st.sampled_from([2, 3, 4])))
    return runs, profile


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raced_blocks())
def test_generated_blocks_with_step_backs_and_races_pass(catalog: Catalog, drawn) -> None:
    runs, profile = drawn
    plan = plan_to_dict(plan_block(runs, profile, catalog.exercises).plan)
    assert any(w["deload"] for w in plan["weeks"])
    assert check_plan(plan, catalog, runs=runs) == []


def test_found_by_hypothesis_a_taper_week_that_adds_pogo_hops(catalog: Catalog) -> None:
    """A taper week may hold more sets than the week before: new work is B1's S4 cost."""
    runs = [Run(date(2027, 3, 14), "easy"), Run(date(2027, 3, 17), "race")]
    profile = Profile(level="intermediate", sessions=1, minutes=20, tz="UTC", deload_every=0)
    plan = plan_to_dict(plan_block(runs, profile, catalog.exercises).plan)
    assert [w["taper"] for w in plan["weeks"]] == [True, True]
    assert check_plan(plan, catalog, runs=runs) == []


def test_found_by_hypothesis_a_week_without_runs_owes_no_session(catalog: Catalog) -> None:
    """H3: the planner leaves a week with no run unplanned, and says so in a note."""
    runs = [Run(date(2027, 3, 7), "easy"), Run(date(2027, 3, 21), "easy")]
    profile = Profile(level="beginner", minutes=20, tz="UTC", deload_every=0)
    plan = plan_to_dict(plan_block(runs, profile, catalog.exercises).plan)
    assert [len(w["sessions"]) for w in plan["weeks"]][1] == 0
    assert check_plan(plan, catalog, runs=runs) == []
