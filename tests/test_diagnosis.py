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
    # A race every day, none of them a goal race (no race week, no taper): H11 alone.
    inst = replace(make_week(catalog, ["race"] * 7, level="beginner"), race_dates=())
    diagnosis = diagnose_week(inst, 0)
    assert diagnosis.conflict == ("H11",)
    assert any("easy run" in line for line in diagnosis.suggestions)


def test_a_friday_goal_races_week_names_race_week_and_race_days(catalog) -> None:
    # Race week owes one session at least four days before Friday's goal race (B4): only
    # Monday, which holds a tune-up race (H11).
    kinds = ["race", "easy", "easy", "easy", "race", "easy", "easy"]
    week = make_week(catalog, kinds, level="intermediate")
    inst = replace(week, race_dates=(week.date_of(4),))
    assert inst.target_sessions == 1
    assert solve_week(inst).sessions == ()
    diagnosis = diagnose_week(inst, 0)
    assert set(diagnosis.conflict) == {"B4", "H11"}


def test_shortfall_notes_cite_rule_ids(catalog) -> None:
    from datetime import time

    from planner.domain import Run
    from planner.solving.block import plan_block

    kinds = ["race", "easy", "easy", "easy", "race", "easy", "easy"]
    inst = make_week(catalog, kinds, level="intermediate")
    # The Monday race is a short tune-up, Friday's the goal race.
    runs = [Run(r.date, r.kind, 20 if r.date == inst.start else 45, time(7, 0))
            for r in inst.runs]
    plan = plan_block(runs, inst.profile, catalog.exercises).plan
    assert plan.status == "reduced"
    assert "B4" in plan.weeks[0].notes[0] and "H11" in plan.weeks[0].notes[0]

