"""Property tests: random weeks, levels and kits; every hard rule checked on the output by
planner.checker, which shares no code with the model."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.checker import check_plan
from planner.domain import EQUIPMENT, LEVELS, RUN_TYPES, Profile, Run
from planner.renderers.ics import render_ics
from planner.renderers.json_plan import plan_to_dict, render_json
from planner.solving.block import plan_block

FIRST_MONDAY = date(2027, 3, 1)

day_runs = st.lists(st.sampled_from(RUN_TYPES), min_size=0, max_size=2)


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[Run], Profile]:
    weeks = draw(st.integers(min_value=1, max_value=3))
    runs = []
    for offset in range(7 * weeks):
        for n, kind in enumerate(draw(day_runs)):
            runs.append(Run(FIRST_MONDAY + timedelta(days=offset), kind,
                            draw(st.sampled_from([None, 30, 60, 120])),
                            time(6 + 10 * n, 30) if draw(st.booleans()) else None))
    if not runs:
        runs.append(Run(FIRST_MONDAY, "rest"))
    profile = Profile(
        level=draw(st.sampled_from(LEVELS)),
        new_to_strength=draw(st.booleans()),
        equipment=frozenset(draw(st.lists(st.sampled_from(EQUIPMENT), max_size=4))),
        sessions=draw(st.sampled_from([None, 0, 1, 2, 3])),
        minutes=draw(st.sampled_from([20, 30, 35, 45, 60, 90])),
        tz="Europe/Berlin",
        prefer_days=frozenset(draw(st.lists(st.integers(0, 6), max_size=2))),
        avoid_days=frozenset(draw(st.lists(st.integers(0, 6), max_size=2))),
        deload_every=draw(st.sampled_from([0, 2, 3])),
    )
    return runs, profile


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks())
def test_every_hard_rule_holds_on_random_blocks(catalog, block) -> None:
    runs, profile = block
    result = plan_block(runs, profile, catalog.exercises)
    violations = check_plan(plan_to_dict(result.plan), catalog, runs=runs)
    assert violations == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks())
def test_same_input_same_bytes(catalog, block) -> None:
    runs, profile = block
    first = plan_block(runs, profile, catalog.exercises).plan
    second = plan_block(runs, profile, catalog.exercises).plan
    assert render_json(first) == render_json(second)
    assert render_ics(first) == render_ics(second)
