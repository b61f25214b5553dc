"""Pruning (issue 24): what a hard rule forbids outright never reaches the model.

build_week_model leaves out the sessions a rule `closes` and the prescriptions it
`refuses`. That must not change what the week can be: the pruned and the full model have
the same best cost on any week, and the pruned model's answer is a plan the full model
accepts (every hard rule's own constraints hold on it)."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from constraints import HARD_RULES, build_week_model
from planner.domain import EQUIPMENT, LEVELS, RUN_TYPES
from planner.niggles import NIGGLES
from planner.planning.instance import Carry, WeekInstance
from planner.readers.catalog import Catalog, load_catalog
from planner.solving.solve import solver_parameters
from tests.conftest import MONDAY, make_week

MON, TUE, SAT, SUN = 0, 1, 5, 6
EASY_WEEK = ["easy", "easy", "rest", "easy", "easy", "rest", "easy"]


def _solve(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver_parameters(solver)
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


@cache
def _catalog() -> Catalog:
    return load_catalog()


@st.composite
def weeks(draw: st.DrawFn) -> WeekInstance:
    catalog = _catalog()
    kinds = [draw(st.sampled_from(RUN_TYPES)) for _ in range(7)]
    last_session = draw(st.sampled_from([None, -1, -2, -3]))
    carry = Carry(session_dates=(MONDAY + timedelta(days=last_session),)
                  if last_session is not None else ())
    return make_week(
        catalog, kinds, carry=carry, deload=draw(st.booleans()),
        next_monday=draw(st.sampled_from([None, "long", "race", "easy"])),
        level=draw(st.sampled_from(LEVELS)),
        equipment=frozenset(draw(st.lists(st.sampled_from(EQUIPMENT), max_size=4))),
        minutes=draw(st.sampled_from([20, 30, 45, 60, 90])),
        niggles=frozenset(draw(st.lists(st.sampled_from(NIGGLES), max_size=2))),
        exclude=frozenset(draw(st.lists(st.sampled_from(
            ["goblet-squat", "reverse-lunge", "glute-bridge", "low-pogo-hop"]), max_size=2))),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weeks())
def test_pruning_keeps_the_best_cost_and_every_hard_rule(inst) -> None:
    full = build_week_model(inst, prune=False)
    pruned = build_week_model(inst)
    best, found = _solve(full.model), _solve(pruned.model)
    assert found.objective_value == best.objective_value
    # The pruned answer, fixed into the full model, breaks none of its constraints.
    for d in inst.days:
        full.model.add(full.heavy[d] == found.value(pruned.heavy[d]))
        full.model.add(full.light[d] == found.value(pruned.light[d]))
    for key, cands in pruned.candidates.items():
        chosen = [c for c, lit in zip(cands, pruned.pick[key], strict=True)
                  if found.boolean_value(lit)]
        for cand, lit in zip(full.candidates[key], full.pick[key], strict=True):
            full.model.add(lit == int(cand in chosen))
        for d in inst.days:
            f, i = key
            full.model.add(full.inc[(d, f, i)] == found.value(pruned.inc[(d, f, i)]))
    checked = cp_model.CpSolver()
    solver_parameters(checked)
    assert checked.solve(full.model) == cp_model.OPTIMAL
    assert checked.objective_value == found.objective_value


def test_a_key_runs_eve_builds_no_heavy_session(catalog) -> None:
    # Saturday is the long run's eve (H1) and Sunday the long run (H11): no heavy session
    # on either is built, so nothing of a heavy session exists for those days.
    kinds = ["easy", "easy", "rest", "easy", "easy", "easy", "long"]
    wm = build_week_model(make_week(catalog, kinds))
    assert {(SAT, "heavy"), (SUN, "heavy")} <= wm.closed
    assert wm.heavy[SAT] is wm.off and wm.heavy[SUN] is wm.off
    assert all(wm.inc[(SAT, f, "heavy")] is wm.off for f in wm.inst.families)
    assert wm.session[SAT] is wm.light[SAT]
    assert wm.open(SAT, "light") and wm.open(TUE, "heavy")


def test_what_the_kit_level_and_niggles_refuse_is_never_offered(catalog) -> None:
    inst = make_week(catalog, EASY_WEEK, level="beginner", equipment=frozenset(),
                     niggles=frozenset({"knee"}), exclude=frozenset({"glute-bridge"}))
    offered = {c.exercise.id for cands in build_week_model(inst).candidates.values()
               for c in cands}
    full = {c.exercise.id for cands in build_week_model(inst, prune=False).candidates.values()
            for c in cands}
    assert "goblet-squat" in full and "goblet-squat" not in offered  # H5: no dumbbell
    assert "low-pogo-hop" in full and "low-pogo-hop" not in offered  # H6: a beginner
    assert "glute-bridge" in full and "glute-bridge" not in offered  # H31
    assert offered < full


def test_a_disabled_or_guarded_rule_prunes_nothing(catalog) -> None:
    # A diagnosis switches rules off through their guards: what they would prune must be
    # in the model for the switch to mean anything.
    kinds = ["easy", "easy", "rest", "easy", "easy", "easy", "long"]
    inst = make_week(catalog, kinds, equipment=frozenset())
    assert (SAT, "heavy") not in build_week_model(inst, disabled=frozenset({"H1"})).closed
    guarded = build_week_model(inst, guard_rules=[rule.id for rule in HARD_RULES])
    assert not guarded.closed and not guarded.refused
    assert build_week_model(inst, prune=False).closed == frozenset()
