"""Training blocks: H9 over 16 weeks, deload (B1), taper (B2), adherence and promotion (B3)."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from pathlib import Path

from planner.checker import check_plan
from planner.domain import Profile, Run
from planner.renderers.json_plan import plan_to_dict, render_json
from planner.solving.block import plan_block
from planner.solving.previous import carry_from_plan

START = date(2027, 1, 4)
PATTERN = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]


def block_runs(weeks: int, race_on: date | None = None) -> list[Run]:
    runs = []
    for offset in range(7 * weeks):
        day = START + timedelta(days=offset)
        kind = "race" if day == race_on else PATTERN[offset % 7]
        runs.append(Run(day, kind, 45, time(7, 0)))
    return runs


def test_sixteen_weeks_progress_one_variable_at_a_time(catalog) -> None:
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}), tz="UTC")
    plan = plan_block(block_runs(16), profile, catalog.exercises).plan
    data = plan_to_dict(plan)
    assert check_plan(data, catalog) == []
    squat = [item for week in data["weeks"] for s in week["sessions"]
             for item in s["exercises"] if item["family_no"] == 1 and s["intensity"] == "heavy"]
    doses = {(i["variation"], i["sets"], i["reps"], i["load"], i["tempo"], i["range"])
             for i in squat}
    assert len(doses) >= 4, "the core squat should progress over a 16-week block"


def test_every_fourth_week_is_a_deload_with_less_volume(catalog) -> None:
    profile = Profile(level="advanced", equipment=frozenset({"dumbbell"}), tz="UTC",
                      deload_every=4)  # given explicitly: the fixed cadence
    plan = plan_block(block_runs(8), profile, catalog.exercises).plan
    assert [w.deload for w in plan.weeks] == [False, False, False, True] * 2
    for before, deload in ((plan.weeks[2], plan.weeks[3]), (plan.weeks[6], plan.weeks[7])):
        volume_before = {(e.exercise.family_no, s.intensity): e.dose.sets * e.dose.reps
                         for s in before.sessions for e in s.exercises}
        for s in deload.sessions:
            for e in s.exercises:
                key = (e.exercise.family_no, s.intensity)
                assert e.dose.sets >= e.exercise.sets_min, "never below the article's sets"
                if key in volume_before:
                    assert e.dose.sets * e.dose.reps < volume_before[key] or (
                        e.dose.reps == e.exercise.reps_min)


def test_race_taper_light_only_then_light_after(catalog) -> None:
    race = START + timedelta(days=7 * 2 + 5)  # Saturday of week 3
    profile = Profile(level="advanced", equipment=frozenset({"dumbbell", "band"}), tz="UTC",
                      deload_every=0)
    plan = plan_block(block_runs(4, race_on=race), profile, catalog.exercises).plan
    sessions = [s for w in plan.weeks for s in w.sessions]
    for s in sessions:
        gap = (race - s.date).days
        assert gap != 1 and gap != 0
        if 1 <= gap <= 7 or -2 <= gap <= -1:
            assert s.intensity == "light", s.date
    assert any(s.intensity == "heavy" for s in sessions)


def _previous_with(data: dict, verdict: object, tmp_path: Path) -> Path:
    for week in data["weeks"]:
        for session in week["sessions"]:
            session["done"] = True
            for item in session["exercises"]:
                item["done"] = verdict
    path = tmp_path / "done.json"
    path.write_text(json.dumps(data))
    return path


def test_skipped_work_holds_and_too_hard_work_steps_back(catalog, tmp_path: Path) -> None:
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}), tz="UTC")
    first = plan_block(block_runs(1), profile, catalog.exercises).plan
    before = {(e.exercise.family_no, s.intensity): e.dose
              for s in first.weeks[0].sessions for e in s.exercises}
    next_week = [Run(r.date + timedelta(days=7), r.kind, r.minutes, r.time)
                 for r in block_runs(1)]
    for verdict, expect in ((False, "hold"), ("too hard", "easier")):
        carry = carry_from_plan(_previous_with(plan_to_dict(first), verdict, tmp_path),
                                catalog.by_id())
        after = plan_block(next_week, profile, catalog.exercises, carry).plan.weeks[0]
        for s in after.sessions:
            for e in s.exercises:
                old = before.get((e.exercise.family_no, s.intensity))
                if old is None:
                    continue
                if expect == "hold":
                    assert e.dose == old
                else:
                    assert e.dose != old
                    assert (e.dose.sets, e.dose.reps, e.dose.load, e.dose.tempo,
                            e.dose.range) <= (old.sets, old.reps, old.load, old.tempo,
                                              old.range) or e.dose.variation != old.variation


def test_beginner_moves_up_to_two_sessions_after_four_steady_weeks(catalog, tmp_path) -> None:
    profile = Profile(level="beginner", tz="UTC", deload_every=0)
    four = plan_block(block_runs(4), profile, catalog.exercises).plan
    assert all(len(w.sessions) == 1 for w in four.weeks)
    data = plan_to_dict(four)
    previous = _previous_with(json.loads(json.dumps(data)), True, tmp_path)
    carry = carry_from_plan(previous, catalog.by_id())
    assert carry.beginner_promoted
    later = [Run(r.date + timedelta(days=28), r.kind, r.minutes, r.time)
             for r in block_runs(2)]
    nxt = plan_block(later, profile, catalog.exercises, carry).plan
    assert all(len(w.sessions) == 2 for w in nxt.weeks)
    out = plan_to_dict(nxt)
    assert out["profile"]["beginner_promoted"] is True
    assert check_plan(out, catalog, previous=json.loads(previous.read_text())) == []
    # One missed session in the last four weeks: no promotion.
    data["weeks"][-1]["sessions"][0]["done"] = False
    missed = tmp_path / "missed.json"
    missed.write_text(json.dumps(data))
    assert not carry_from_plan(missed, catalog.by_id()).beginner_promoted


def test_block_output_is_deterministic(catalog) -> None:
    profile = Profile(level="advanced", equipment=frozenset({"kettlebell", "box"}), tz="UTC")
    runs = block_runs(6)
    assert render_json(plan_block(runs, profile, catalog.exercises).plan) == render_json(
        plan_block(runs, profile, catalog.exercises).plan)
