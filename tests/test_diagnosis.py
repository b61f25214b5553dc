"""Impossible weeks: the smallest set of conflicting rules, and a suggestion that works."""

from __future__ import annotations

from dataclasses import replace

from planner.solving.diagnosis import diagnose_week
from planner.solving.solve import solve_week
from tests.conftest import make_week


def test_too_few_minutes_names_h12_and_the_minutes_that_work(catalog) -> None:
    inst = make_week(catalog, ["easy"] * 7, level="beginner", minutes=8)
    assert solve_week(inst).sessions == ()
    diagnosis = diagnose_week(inst, 0)
    assert "H12" in diagnosis.conflict
    assert set(diagnosis.conflict) <= {"H2", "H12"}
    fix = next(line for line in diagnosis.suggestions if "--minutes" in line)
    minutes = int(fix.rsplit("--minutes ", 1)[1].rstrip(")"))
    fixed = replace(inst, profile=replace(inst.profile, minutes=minutes))
    assert len(solve_week(fixed).sessions) == 1
    shorter = replace(inst, profile=replace(inst.profile, minutes=minutes - 5))
    assert solve_week(shorter).sessions == (), "the suggestion is the least change"


def test_a_week_of_races_names_h11(catalog) -> None:
    inst = make_week(catalog, ["race"] * 7, level="beginner")
    diagnosis = diagnose_week(inst, 0)
    assert diagnosis.conflict == ("H11",)
    assert any("easy run" in line for line in diagnosis.suggestions)


def test_a_stage_race_week_names_the_taper_and_race_days(catalog) -> None:
    kinds = ["easy", "race", "easy", "race", "easy", "race", "easy"]
    inst = make_week(catalog, kinds, level="intermediate")
    result = solve_week(inst)
    assert len(result.sessions) == 1
    diagnosis = diagnose_week(inst, 1)
    assert set(diagnosis.conflict) == {"B2", "H11"}
    assert any("Mon, Wed, Fri" in line for line in diagnosis.suggestions)
    assert any("--sessions 1" in line for line in diagnosis.suggestions)


def test_shortfall_notes_cite_rule_ids(catalog) -> None:
    from planner.solving.block import plan_block

    kinds = ["easy", "race", "easy", "race", "easy", "race", "easy"]
    inst = make_week(catalog, kinds, level="intermediate")
    plan = plan_block(inst.runs, inst.profile, catalog.exercises).plan
    assert plan.status == "reduced"
    assert "B2" in plan.weeks[0].notes[0] and "H11" in plan.weeks[0].notes[0]
