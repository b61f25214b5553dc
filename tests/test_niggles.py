"""Niggles and exclusions end to end: every niggle with every level and kit plans (the
checker finds nothing) or says which slot of a main session cannot be filled; the checker
rejects what a niggle rules out; each change is named in the why-line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.checker import check_plan
from planner.cli import main
from planner.domain import SAFETY_LINE
from planner.niggles import NIGGLES, family_why, variation_refused
from planner.pipeline import NoPlanError, PlanOptions, PlanRequest, run_plan

WEEK = Path(__file__).resolve().parents[1] / "examples" / "intermediate-week.csv"
KITS = ("none", "dumbbell,band", "dumbbell,kettlebell,barbell,bench,box,band,machine")


@pytest.mark.parametrize("kit", KITS)
@pytest.mark.parametrize("level", ["beginner", "intermediate", "advanced"])
@pytest.mark.parametrize("niggle", NIGGLES)
def test_every_niggle_level_and_kit_plans_or_explains(catalog, niggle: str, level: str,
                                                      kit: str) -> None:
    options = PlanOptions(level=level, equipment=kit, tz="Europe/London", niggles=(niggle,))
    try:
        outcome = run_plan(PlanRequest(WEEK.read_bytes(), WEEK.name, options=options,
                                       catalog=catalog))
    except NoPlanError as err:
        assert any("no exercise is left for its" in w for w in err.warnings), str(err)
        return
    data = json.loads(outcome.json)
    assert data["profile"]["niggles"] == [niggle]
    assert check_plan(data, catalog) == []
    assert any(SAFETY_LINE[1:] in note for note in outcome.notes)
    sessions = [s for week in outcome.plan.weeks for s in week.sessions]
    assert sessions
    for session in sessions:
        for item in session.exercises:
            assert not variation_refused(item.exercise, frozenset({niggle}))
            words = family_why(item.exercise.family_no, frozenset({niggle}))
            if words:
                assert item.why.startswith(words) and niggle in words.lower()


def test_a_plan_without_niggles_has_no_niggle_keys_and_no_safety_note(catalog) -> None:
    outcome = run_plan(PlanRequest(WEEK.read_bytes(), WEEK.name, options=PlanOptions(
        equipment="dumbbell,band", tz="Europe/London"), catalog=catalog))
    profile = json.loads(outcome.json)["profile"]
    assert "niggles" not in profile and "exclude" not in profile
    assert not any("niggle" in note for note in outcome.notes)


def test_check_rejects_what_a_niggle_rules_out_and_what_was_excluded(catalog) -> None:
    outcome = run_plan(PlanRequest(WEEK.read_bytes(), WEEK.name, options=PlanOptions(
        equipment="dumbbell,band", tz="Europe/London"), catalog=catalog))
    data = json.loads(outcome.json)
    assert check_plan(data, catalog) == []
    used = [e["variation"] for w in data["weeks"] for s in w["sessions"] for e in s["exercises"]]
    assert "low-pogo-hop" in used  # the light session's hops
    data["profile"]["niggles"] = ["knee"]
    found = {(v.rule, v.exercise) for v in check_plan(data, catalog)}
    assert ("H30", "low-pogo-hop") in found  # no jumps with a knee niggle
    assert any(rule == "H30" and ex == "goblet-squat" for rule, ex in found)  # full range
    del data["profile"]["niggles"]
    data["profile"]["exclude"] = [used[-1]]  # an exercise the plan holds
    assert {v.rule for v in check_plan(data, catalog)} == {"H31"}
    data["profile"]["exclude"] = used[-1]
    assert {v.rule for v in check_plan(data, catalog)} == {"H0"}


def test_excluded_exercise_is_left_out_and_the_plan_says_so(catalog) -> None:
    options = PlanOptions(equipment="dumbbell,band", tz="Europe/London",
                          exclude=("goblet-squat", "monster-walk"))
    outcome = run_plan(PlanRequest(WEEK.read_bytes(), WEEK.name, options=options,
                                   catalog=catalog))
    used = {item.exercise.id for w in outcome.plan.weeks for s in w.sessions
            for item in s.exercises}
    assert not used & {"goblet-squat", "monster-walk"}
    assert "left out as asked: goblet-squat, monster-walk" in outcome.notes


@pytest.mark.parametrize(("args", "message"), [
    (["--niggle", "elbow"], "unknown niggle 'elbow': use one of knee, achilles"),
    (["--exclude", "goblet-squats"], "'goblet-squats' is not an exercise id"),
])
def test_bad_niggle_or_exclude_is_one_line_exit_2(tmp_path: Path, args: list[str],
                                                  message: str) -> None:
    result = CliRunner().invoke(main, ["plan", str(WEEK), "--ics", str(tmp_path / "p.ics"),
                                       *args])
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "p.ics").exists()


def test_a_niggle_that_empties_a_slot_names_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "plan", str(WEEK), "--equipment", "none", "--niggle", "achilles",
        "--exclude", "seated-calf-raise", "--exclude", "wall-calf-raise",
        "--ics", str(tmp_path / "p.ics")])
    assert result.exit_code == 3
    assert ("with the achilles niggle and your exclusions, your kit and level, no exercise "
            "is left for its calf work slot (H8)") in result.stderr
