"""The independent checker: one planted violation per hard rule, and a clean plan that passes.

Everything here is built by hand (a tiny catalog of `Exercise` rows and a plan dict in the
shape of `planner.renderers.json_plan.plan_to_dict`), so the tests do not depend on catalog.csv or
the solver.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.checker import Violation, check_plan, exercise_minutes
from planner.domain import WEEKDAYS, Exercise, Run


def make_exercise(id: str, family_no: int, family: str, level: str, patterns: tuple[str, ...],
                  *, equipment: tuple[tuple[str, ...], ...] = (), plyometric: bool = False,
                  reps_unit: str = "reps") -> Exercise:
    return Exercise(
        id=id, family=family, family_no=family_no, name=id.replace("-", " ").capitalize(),
        level=level, patterns=patterns, primary=("glutes",), secondary=(),
        equipment=equipment, loaded=bool(equipment), plyometric=plyometric,
        sessions=("heavy", "light"), role="core", sets_min=2, sets_max=4, reps_min=6,
        reps_max=20, reps_unit=reps_unit, rest_min_s=30, rest_max_s=150, easier="",
        harder="", cue="Move with control.", how_to=(), mistakes="", tip="",
    )


DB_OR_KB = (("dumbbell", "kettlebell"),)
EXERCISES: tuple[Exercise, ...] = (
    make_exercise("goblet-squat", 1, "Goblet Squat", "intermediate", ("squat",),
                  equipment=DB_OR_KB),
    make_exercise("box-squat", 1, "Goblet Squat", "beginner", ("squat",)),
    make_exercise("reverse-lunge", 2, "Reverse Lunge", "beginner", ("lunge", "single-leg"),
                  reps_unit="reps/side"),
    make_exercise("step-up", 5, "Step-Up", "beginner", ("single-leg",), reps_unit="reps/side"),
    make_exercise("romanian-deadlift", 7, "Romanian Deadlift", "intermediate", ("hinge",),
                  equipment=(("dumbbell", "kettlebell", "barbell"),)),
    make_exercise("glute-bridge", 8, "Hip Thrust or Glute Bridge", "beginner",
                  ("hip-stability",)),
    make_exercise("calf-raise", 9, "Standing Calf Raise", "beginner", ("calf",)),
    make_exercise("seated-calf-raise", 10, "Bent-Knee Calf Raise", "beginner", ("calf",)),
    make_exercise("band-walk", 11, "Lateral Band Walk", "beginner", ("hip-stability",),
                  equipment=(("band",),), reps_unit="steps/direction"),
    make_exercise("pogo-hop", 13, "Pogo Hop or Squat Jump", "intermediate",
                  ("plyometric", "calf"), plyometric=True, reps_unit="seconds"),
    make_exercise("squat-jump", 13, "Pogo Hop or Squat Jump", "advanced",
                  ("plyometric", "squat"), plyometric=True),
)


@dataclass(frozen=True)
class FakeCatalog:
    """Stands in for planner.readers.catalog.Catalog: only `exercises` and `by_id()`."""

    exercises: tuple[Exercise, ...]

    def by_id(self) -> dict[str, Exercise]:
        return {ex.id: ex for ex in self.exercises}


CATALOG = FakeCatalog(EXERCISES)
BY_ID = CATALOG.by_id()
WARMUP = 8


# ------------------------------------------------------------------ building plan dicts


def entry(variation: str, sets: int, reps: int, rest_s: int, load: str = "bodyweight",
          tempo: str = "controlled", range_: str = "full range") -> dict[str, Any]:
    ex = BY_ID[variation]
    return {
        "id": ex.id, "family": ex.family, "family_no": ex.family_no, "name": ex.name,
        "patterns": list(ex.patterns), "muscles": list(ex.primary), "primary": list(ex.primary),
        "equipment": [], "sets": sets, "reps": reps, "reps_unit": ex.reps_unit,
        "rest_s": rest_s, "load": load, "tempo": tempo, "range": range_,
        "variation": variation, "level": ex.level, "plyometric": ex.plyometric,
        "minutes": 0, "cue": ex.cue, "why": "",
    }


def restate(session: dict[str, Any]) -> dict[str, Any]:
    """Set each exercise's and the session's stated minutes from the H12 formula."""
    total = session["warmup_minutes"]
    for item in session["exercises"]:
        ex = BY_ID.get(item["variation"])
        unit = ex.reps_unit if ex else item["reps_unit"]
        item["minutes"] = exercise_minutes(sets=item["sets"], reps=item["reps"], reps_unit=unit,
                                           tempo=item["tempo"], rest_s=item["rest_s"])
        total += item["minutes"]
    session["minutes"] = total
    return session


def session(day: str, intensity: str, exercises: list[dict[str, Any]]) -> dict[str, Any]:
    d = date.fromisoformat(day)
    return restate({
        "date": day, "day": WEEKDAYS[d.weekday()], "start": "18:00", "minutes": 0,
        "warmup_minutes": WARMUP, "intensity": intensity, "why": "",
        "exercises": exercises,
    })


def heavy(day: str, squat_reps: int = 8) -> dict[str, Any]:
    return session(day, "heavy", [
        entry("goblet-squat", 3, squat_reps, 90, load="moderate"),
        entry("romanian-deadlift", 3, 8, 90, load="moderate"),
        entry("step-up", 2, 10, 60),
        entry("calf-raise", 3, 15, 60),
        entry("band-walk", 2, 10, 45),
    ])


def light(day: str, pogo: bool = True) -> dict[str, Any]:
    items = [
        entry("glute-bridge", 2, 12, 45),
        entry("band-walk", 2, 10, 45),
        entry("seated-calf-raise", 2, 15, 45),
    ]
    items.append(entry("pogo-hop", 3, 15, 60) if pogo else entry("calf-raise", 3, 15, 60))
    return session(day, "light", items)


def stepped_back(session_: dict[str, Any]) -> dict[str, Any]:
    """The session at B1's step-back dose (a set fewer, or at 2 sets a third of the reps
    off, on the coach's grid: 10 -> 6, 15 -> 10), as a taper week before a race must hold
    it (B2)."""
    grid_cut = {6: 5, 8: 5, 10: 6, 12: 8, 15: 10, 20: 12}
    for item_ in session_["exercises"]:
        if item_["sets"] > 2:
            item_["sets"] -= 1
        else:
            item_["reps"] = max(6, grid_cut.get(item_["reps"], item_["reps"] * 2 // 3))
    return restate(session_)


# Mon rest, Tue easy, Wed tempo, Thu easy, Fri rest, Sat long, Sun easy.
RUN_WEEK = ("rest", "easy", "tempo", "easy", "rest", "long", "easy")


def runs_for(start: str, kinds: tuple[str, ...] = RUN_WEEK) -> list[dict[str, Any]]:
    first = date.fromisoformat(start).toordinal()
    return [{"date": date.fromordinal(first + k).isoformat(), "run": kind, "minutes": 40,
             "time": "07:00", "title": f"{kind} run"} for k, kind in enumerate(kinds)]


def week(start: str, sessions: list[dict[str, Any]], runs: list[dict[str, Any]] | None = None,
         notes: list[str] | None = None) -> dict[str, Any]:
    return {"start": start, "deload": False, "target_sessions": 2,
            "runs": runs_for(start) if runs is None else runs, "sessions": sessions,
            "penalties": [], "notes": notes or []}


def plan_of(weeks: list[dict[str, Any]], *, level: str = "intermediate",
            equipment: tuple[str, ...] = ("band", "dumbbell", "kettlebell"),
            new_to_strength: bool = True, minutes: int = 60,
            sessions: int | None = None) -> dict[str, Any]:
    return {
        "schema": 1, "generator": "test", "athlete": "Sam", "level": level,
        "status": "optimal", "tz": "Europe/Berlin",
        "profile": {"new_to_strength": new_to_strength, "equipment": sorted(equipment),
                    "sessions": sessions, "minutes": minutes, "time": "18:00",
                    "prefer_days": [], "avoid_days": [], "deload_every": 4},
        "weeks": weeks,
    }


W1, W2 = "2026-11-30", "2026-12-07"  # two Mondays
MON1, THU1, SUN1 = "2026-11-30", "2026-12-03", "2026-12-06"
MON2, THU2 = "2026-12-07", "2026-12-10"


def clean_plan() -> dict[str, Any]:
    """Intermediate, new to strength: a heavy Monday and a light Thursday each week; week 2
    adds two squat reps (one variable)."""
    return plan_of([
        week(W1, [heavy(MON1), light(THU1)]),
        week(W2, [heavy(MON2, squat_reps=10), light(THU2)]),
    ])


def sess(plan: dict[str, Any], day: str) -> dict[str, Any]:
    return next(s for w in plan["weeks"] for s in w["sessions"] if s["date"] == day)


def item(session_: dict[str, Any], variation: str) -> dict[str, Any]:
    return next(e for e in session_["exercises"] if e["variation"] == variation)


def run_on(plan: dict[str, Any], day: str) -> dict[str, Any]:
    return next(r for w in plan["weeks"] for r in w["runs"] if r["date"] == day)


def check(plan: dict[str, Any], **kwargs: Any) -> list[Violation]:
    return check_plan(plan, CATALOG, **kwargs)


def only(violations: list[Violation], rule: str) -> list[Violation]:
    """Assert every violation is under `rule` (and there is at least one); return them."""
    assert violations, "expected a violation"
    assert {v.rule for v in violations} == {rule}, violations
    return violations


# ------------------------------------------------------------------ clean plan and formula


def test_clean_plan_passes() -> None:
    assert check(clean_plan()) == []


def test_clean_plan_passes_without_new_to_strength_and_with_run_objects() -> None:
    plan = clean_plan()
    plan["profile"]["new_to_strength"] = False
    runs = [Run(date.fromisoformat(r["date"]), r["run"]) for w in plan["weeks"]
            for r in w["runs"]]
    assert check(plan, runs=runs) == []


@pytest.mark.parametrize(("sets", "reps", "unit", "tempo", "rest", "minutes"), [
    (3, 8, "reps", "controlled", 90, 5),  # 3*24 + 2*90 + 30 = 282 s
    (3, 8, "reps", "slow 3-s lowering", 90, 6),  # 3*40 + 2*90 + 30 = 330 s
    (2, 10, "reps/side", "controlled", 60, 4),  # both sides back to back: 2*60 + 60 + 30 = 210 s
    (2, 10, "steps/direction", "slow 3-s lowering", 45, 3),  # 2 s a step: 2*40 + 45 + 30 = 155 s
    (3, 15, "seconds", "controlled", 60, 4),  # 3*15 + 2*60 + 30 = 195 s
    (2, 20, "seconds", "slow 3-s lowering", 60, 3),  # tempo ignored: 2*20 + 60 + 30 = 130 s
    (1, 30, "reps", "controlled", 600, 2),  # one set: no rest at all; 90 + 30 = exactly 120 s
])
def test_exercise_minutes_formula(sets: int, reps: int, unit: str, tempo: str, rest: int,
                                  minutes: int) -> None:
    assert exercise_minutes(sets=sets, reps=reps, reps_unit=unit, tempo=tempo,
                            rest_s=rest) == minutes


def test_result_is_sorted_and_deterministic() -> None:
    plan = clean_plan()
    plan["profile"]["minutes"] = 20
    run_on(plan, "2026-12-01")["run"] = "hill"
    first, second = check(plan), check(copy.deepcopy(plan))
    assert first == second
    assert [v.rule for v in first] == sorted((v.rule for v in first), key=lambda r: int(r[1:]))


def test_checker_does_not_import_the_solver() -> None:
    code = ("import sys, planner.checker; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ortools', 'constraints') or m in ('planner.planning.model',"
            " 'planner.solving.solve')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ H1


def test_h1_heavy_session_before_key_run() -> None:
    plan = clean_plan()
    run_on(plan, "2026-12-01")["run"] = "hill"  # the Tuesday after heavy Monday
    violations = check(plan)
    # The loaded squat and deadlift of that heavy session break H13 too.
    assert {v.rule for v in violations} == {"H1", "H13"}
    [v] = [v for v in violations if v.rule == "H1"]
    assert (v.date, v.exercise) == (MON1, None)
    assert "hill" in v.message and "Mon 2026-11-30" in v.message


def test_h1_plyometrics_before_key_run() -> None:
    plan = clean_plan()
    run_on(plan, "2026-12-04")["run"] = "speed"  # the Friday after Thursday's pogo
    [v] = only(check(plan), "H1")
    assert (v.date, v.exercise) == (THU1, "pogo-hop")


@pytest.mark.parametrize("kind", ["long", "race"])
def test_h7_plyometrics_the_day_after_a_long_run_or_race(kind: str) -> None:
    plan = clean_plan()
    wednesday = next(r for w in plan["weeks"] for r in w["runs"] if r["date"] == "2026-12-02")
    wednesday["run"] = kind
    # A race here is the block's goal race, which brings its own rules (B2, H11): judge H7.
    violations = [v for v in check(plan) if v.rule == "H7"]
    assert [(v.date, v.exercise) for v in violations] == [(THU1, "pogo-hop")]
    assert "the day after" in violations[0].message


def test_h1_uses_the_runs_argument_over_the_plan_runs() -> None:
    plan = clean_plan()
    runs = [Run(date(2026, 12, 8), "race")]  # Tuesday of week 2
    violations = check(plan, runs=runs)
    # The eve of a race is also B2's (no session at all) and H13's (nothing loaded).
    # (and B4's: a session two days before a goal race, in its race week).
    assert {v.rule for v in violations} == {"H1", "H13", "B2", "B4"}
    [v] = [v for v in violations if v.rule == "H1"]
    assert (v.date, v.exercise) == (MON2, None)


# ------------------------------------------------------------------ H2


def test_h2_too_few_exercises() -> None:
    plan = clean_plan()
    thu = sess(plan, THU1)
    thu["exercises"] = [e for e in thu["exercises"] if e["variation"] != "glute-bridge"]
    [v] = only(check(plan), "H2")
    assert (v.date, v.exercise) == (THU1, None)
    assert "3 exercises" in v.message


def test_h2_too_many_exercises() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"] += [entry("glute-bridge", 2, 12, 45), entry("seated-calf-raise", 2, 15, 45),
                         entry("reverse-lunge", 2, 8, 60)]
    restate(mon)
    plan["profile"]["new_to_strength"] = False  # the lunge would complete H10's four
    [v] = only(check(plan), "H2")
    assert (v.date, v.exercise) == (MON1, None)


def test_h2_same_family_twice_in_a_session() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"].append(entry("box-squat", 2, 10, 60))
    restate(mon)
    [v] = only(check(plan), "H2")
    assert (v.date, v.exercise) == (MON1, "box-squat")


def test_h2_same_variation_twice_in_a_session() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"].append(entry("calf-raise", 2, 20, 45))
    restate(mon)
    [v] = only(check(plan), "H2")
    assert (v.date, v.exercise) == (MON1, "calf-raise")


# ------------------------------------------------------------------ H3


def test_h3_more_sessions_than_the_level_allows() -> None:
    plan = clean_plan()
    plan["weeks"][1]["sessions"].append(light("2026-12-12", pogo=False))  # Saturday
    [v] = only(check(plan), "H3")
    assert v.date is None and "week of 2026-12-07" in v.message


def test_h3_more_sessions_than_the_runner_asked_for() -> None:
    plan = clean_plan()
    plan["profile"]["sessions"] = 1
    violations = only(check(plan), "H3")
    assert len(violations) == 2  # both weeks hold two


def test_h3_shortfall_with_free_days_and_no_note() -> None:
    plan = clean_plan()
    plan["weeks"][1]["sessions"].pop()  # drop Thursday of week 2
    [v] = only(check(plan), "H3")
    assert v.date is None and "1 of 2" in v.message


def test_h3_shortfall_explained_by_a_note_citing_a_rule() -> None:
    plan = clean_plan()
    plan["weeks"][1]["sessions"].pop()
    plan["weeks"][1]["notes"] = ["Only 1 session: the second does not fit your minutes (H12)."]
    assert check(plan) == []


def test_h3_note_without_a_rule_id_does_not_explain() -> None:
    plan = clean_plan()
    plan["weeks"][1]["notes"] = ["busy week"]
    plan["weeks"][1]["sessions"].pop()
    only(check(plan), "H3")


def test_h3_shortfall_when_race_days_leave_no_room() -> None:
    # A stage race Wednesday to Sunday: only Monday and Tuesday are free, and they touch.
    runs = runs_for(W1, ("rest", "easy", "race", "race", "race", "race", "race"))
    plan = plan_of([week(W1, [light(MON1, pogo=False)], runs=runs)])
    assert check(plan) == []


def test_h3_shortfall_when_adjacency_to_the_previous_plan_leaves_no_room() -> None:
    # Races Thursday to Sunday, and again the week after (a series: no goal race, no race
    # week) leave Mon-Wed: Mon + Wed could hold two sessions ...
    runs = runs_for(W1, ("rest", "easy", "easy", "race", "race", "race", "race"))
    series = [Run(date.fromisoformat(r["date"]) + timedelta(days=shift), r["run"], 40)
              for r in runs for shift in (0, 7) if shift == 0 or r["run"] == "race"]
    plan = plan_of([week(W1, [light("2026-12-01", pogo=False)], runs=runs)])
    [v] = only(check(plan, runs=series), "H3")
    assert "Mon 2026-11-30" in v.message and "Wed 2026-12-02" in v.message
    # ... unless the previous plan ended with a Sunday session, which rules Monday out (H4).
    previous = plan_of([week("2026-11-23", [light("2026-11-29", pogo=False)])])
    assert check(plan, previous=previous, runs=series) == []


def test_h3_adjacency_to_the_previous_week_of_the_same_plan() -> None:
    runs = runs_for(W2, ("rest", "easy", "easy", "race", "race", "race", "race"))
    plan = plan_of([
        week(W1, [heavy(MON1), light(SUN1, pogo=False)]),
        week(W2, [stepped_back(light("2026-12-08", pogo=False))], runs=runs),  # B2's taper
    ])
    assert check(plan) == []


# ------------------------------------------------------------------ H4


def test_h4_consecutive_days_across_a_week_boundary() -> None:
    plan = clean_plan()
    thu = sess(plan, THU1)
    thu["date"], thu["day"] = SUN1, "Sun"
    run_on(plan, "2026-12-05")["run"] = "easy"  # not the day after the long run (H7)
    [v] = only(check(plan), "H4")
    assert (v.date, v.exercise) == (MON2, None)
    assert "Sun 2026-12-06" in v.message


def test_h4_two_sessions_on_the_same_day() -> None:
    plan = clean_plan()
    thu = sess(plan, THU2)
    thu["date"], thu["day"] = "2026-12-07", "Mon"
    violations = check(plan)
    h4 = [v for v in violations if v.rule == "H4"]
    assert [v.date for v in h4] == [MON2]
    assert "same day" in h4[0].message


def test_h4_against_the_previous_plan() -> None:
    previous = plan_of([week("2026-11-23", [heavy("2026-11-24"), light("2026-11-29")])])
    [v] = only(check(clean_plan(), previous=previous), "H4")
    assert (v.date, v.exercise) == (MON1, None)
    assert "previous plan" in v.message


def test_h4_ignores_clashes_inside_the_previous_plan() -> None:
    previous = plan_of([week("2026-11-23", [heavy("2026-11-24"), light("2026-11-25")])])
    assert check(clean_plan(), previous=previous) == []


# ------------------------------------------------------------------ H5


def test_h5_equipment_the_runner_lacks() -> None:
    plan = clean_plan()
    plan["profile"]["equipment"] = ["dumbbell", "kettlebell"]  # no band
    violations = only(check(plan), "H5")
    assert {v.exercise for v in violations} == {"band-walk"}
    assert [v.date for v in violations] == [MON1, THU1, MON2, THU2]


def test_h5_trusts_the_catalog_not_the_json_copy() -> None:
    plan = clean_plan()
    plan["profile"]["equipment"] = ["band"]
    for day in (MON1, MON2):
        item(sess(plan, day), "goblet-squat")["equipment"] = []  # a hand edit that lies
    violations = [v for v in check(plan) if v.rule == "H5"]
    assert {v.exercise for v in violations} == {"goblet-squat", "romanian-deadlift"}


# ------------------------------------------------------------------ H6


def test_h6_intermediate_gets_only_the_low_two_leg_pogo() -> None:
    plan = clean_plan()
    jump = item(sess(plan, THU2), "pogo-hop")
    jump["variation"] = jump["id"] = "squat-jump"
    jump["plyometric"], jump["level"] = False, "intermediate"  # lies; the catalog wins
    restate(sess(plan, THU2))
    [v] = only(check(plan), "H6")
    assert (v.date, v.exercise) == (THU2, "squat-jump")


def test_h6_beginner_does_no_jumping() -> None:
    plan = plan_of([week(W1, [light(THU1)])], level="beginner")
    [v] = only(check(plan), "H6")
    assert (v.date, v.exercise) == (THU1, "pogo-hop")
    assert "beginner" in v.message


def test_h6_variation_above_the_runners_level() -> None:
    plan = plan_of([week(W1, [heavy(MON1)])], level="beginner")
    violations = only(check(plan), "H6")
    assert {v.exercise for v in violations} == {"goblet-squat", "romanian-deadlift"}


# ------------------------------------------------------------------ H7


def test_h7_plyometrics_on_a_hard_run_day() -> None:
    plan = clean_plan()
    run_on(plan, THU1)["run"] = "tempo"
    [v] = only(check(plan), "H7")
    assert (v.date, v.exercise) == (THU1, "pogo-hop")


# ------------------------------------------------------------------ H8


def test_h8_heavy_session_without_calf_work() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"] = [e for e in mon["exercises"] if e["variation"] != "calf-raise"]
    [v] = only(check(plan), "H8")
    assert (v.date, v.exercise) == (MON1, None)
    assert "calf work" in v.message


def test_h8_names_each_missing_pattern() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"] = [e for e in mon["exercises"]
                        if e["variation"] not in ("romanian-deadlift", "band-walk")]
    mon["exercises"].append(entry("seated-calf-raise", 2, 15, 45))
    violations = only(check(plan), "H8")
    assert sorted(v.message.split(" has no ")[1] for v in violations) == [
        "a hip hinge", "a hip-stability drill"]


# ------------------------------------------------------------------ H9


def test_h9_two_changes_in_one_week() -> None:
    plan = clean_plan()
    item(sess(plan, MON2), "goblet-squat")["sets"] = 4  # reps already 8 -> 10
    restate(sess(plan, MON2))
    [v] = only(check(plan), "H9")
    assert (v.date, v.exercise) == (MON2, "goblet-squat")
    assert "sets and reps" in v.message


def test_h9_new_variation_brings_its_own_load() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"][0] = entry("box-squat", 3, 10, 90, load="bodyweight")
    restate(mon)
    assert check(plan) == []  # box squat (bodyweight) -> goblet squat (moderate): one change


def test_h9_new_variation_brings_its_own_reps() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"][0] = entry("box-squat", 3, 12, 90, load="bodyweight")
    restate(mon)
    assert check(plan) == []  # box squat 3×12 -> goblet squat 3×10 @moderate: one change


def test_h9_new_variation_plus_slower_tempo_is_two_changes() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"][0] = entry("box-squat", 3, 8, 90, load="bodyweight",
                                tempo="slow 3-s lowering")
    restate(mon)
    [v] = only(check(plan), "H9")
    assert (v.date, v.exercise) == (MON2, "goblet-squat")
    assert "variation and tempo" in v.message


def test_h9_a_load_step_brings_the_reps_back_down() -> None:
    plan = clean_plan()
    mon2 = sess(plan, MON2)
    item(mon2, "goblet-squat").update(reps=6, load="light +2 steps")
    restate(mon2)
    assert check(plan) == []  # moderate 3×8 -> one step heavier at 3×6: double progression
    item(mon2, "goblet-squat").update(reps=10)
    restate(mon2)
    [v] = only(check(plan), "H9")
    assert "load and reps" in v.message


def test_h9_one_prescription_per_week() -> None:
    plan = clean_plan()
    plan["weeks"][0]["sessions"][1] = heavy(THU1, squat_reps=10)  # Monday says 8
    [v] = only(check(plan), "H9")
    assert (v.date, v.exercise) == (THU1, "goblet-squat")


def test_h9_from_the_previous_plan() -> None:
    previous = plan_of([week("2026-11-23", [heavy("2026-11-24", squat_reps=6),
                                            light("2026-11-27")])])
    item(sess(previous, "2026-11-24"), "goblet-squat")["load"] = "light"
    [v] = only(check(clean_plan(), previous=previous), "H9")
    assert (v.date, v.exercise) == (MON1, "goblet-squat")
    assert "load and reps" in v.message


# ------------------------------------------------------------------ H10


def test_h10_new_runner_adds_all_four_in_one_week() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"].append(entry("reverse-lunge", 2, 8, 60))
    restate(mon)
    [v] = only(check(plan), "H10")
    assert v.date is None and "week of 2026-11-30" in v.message
    plan["profile"]["new_to_strength"] = False
    assert check(plan) == []


def test_h10_previous_week_already_had_them() -> None:
    plan = clean_plan()
    mon = sess(plan, MON1)
    mon["exercises"].append(entry("reverse-lunge", 2, 8, 60))
    restate(mon)
    prev_heavy = heavy("2026-11-23")
    prev_heavy["exercises"].append(entry("reverse-lunge", 2, 8, 60))
    previous = plan_of([week("2026-11-23", [restate(prev_heavy), light("2026-11-26")])])
    assert check(plan, previous=previous) == []


# ------------------------------------------------------------------ H11


def test_h11_session_on_race_day() -> None:
    plan = clean_plan()
    run_on(plan, THU2)["run"] = "race"
    violations = check(plan)
    assert {(v.rule, v.date) for v in violations} >= {("H11", THU2)}
    # The race also makes Thursday a fatiguing day for the pogo hops (H7), Monday's
    # loaded main session falls in its taper (B2), and as the goal race it makes the week
    # its race week: one light session at most, four days before it (B4).
    assert {v.rule for v in violations} == {"H7", "H11", "B2", "B4"}


def test_h11_race_day_light_session_without_jumps() -> None:
    plan = clean_plan()
    plan["weeks"][1]["sessions"][1] = light(THU2, pogo=False)
    run_on(plan, THU2)["run"] = "race"
    violations = check(plan)
    # B2 and B4: Monday's main session, in the goal race's taper and race week.
    assert {v.rule for v in violations} == {"H11", "B2", "B4"}
    [v] = [v for v in violations if v.rule == "H11"]
    assert (v.date, v.exercise) == (THU2, None)
    assert "race day" in v.message


def test_h11_heavy_session_on_long_run_day() -> None:
    plan = clean_plan()
    run_on(plan, MON1)["run"] = "long"
    [v] = only(check(plan), "H11")
    assert (v.date, v.exercise) == (MON1, None)
    assert "long-run day" in v.message


def test_h11_double_day_counts_every_run() -> None:
    plan = clean_plan()
    plan["weeks"][0]["runs"].append({"date": MON1, "run": "long", "minutes": 90, "time": None,
                                     "title": "second run"})
    [v] = only(check(plan), "H11")
    assert v.date == MON1


# ------------------------------------------------------------------ H12


def test_h12_session_longer_than_the_runner_has() -> None:
    plan = clean_plan()
    plan["profile"]["minutes"] = 25  # heavy sessions take 8 + ⌈1214 s / 60⌉ = 29
    violations = only(check(plan), "H12")
    assert [v.date for v in violations] == [MON1, MON2]
    assert "29 min" in violations[0].message


def test_h12_stated_minutes_below_the_computed_duration() -> None:
    plan = clean_plan()
    sess(plan, THU1)["minutes"] = 15  # 8 + ⌈662 s / 60⌉ = 20 computed
    [v] = only(check(plan), "H12")
    assert (v.date, v.exercise) == (THU1, None)
    assert "20" in v.message


def test_h12_uses_the_catalog_reps_unit() -> None:
    plan = clean_plan()
    item(sess(plan, MON1), "step-up")["reps_unit"] = "reps"  # a lie: it is per side
    sess(plan, MON1)["minutes"] = 28  # what the lie would add up to (true: 29)
    [v] = only(check(plan), "H12")
    assert v.date == MON1


# ------------------------------------------------------------------ H0


def test_h0_unknown_variation() -> None:
    plan = clean_plan()
    item(sess(plan, THU1), "glute-bridge")["variation"] = "mystery-move"
    [v] = only(check(plan), "H0")
    assert (v.date, v.exercise) == (THU1, "mystery-move")


def test_h0_unknown_label() -> None:
    plan = clean_plan()
    item(sess(plan, MON2), "goblet-squat")["load"] = "super heavy"
    [v] = only(check(plan), "H0")
    assert (v.date, v.exercise) == (MON2, "goblet-squat")
    assert "super heavy" in v.message


def test_h0_missing_session_key() -> None:
    plan = clean_plan()
    del sess(plan, MON1)["intensity"]
    [v] = only(check(plan), "H0")
    assert (v.date, v.exercise) == (MON1, None)


@pytest.mark.parametrize("plan", [None, [], "plan", 3, {}])
def test_h0_not_a_plan(plan: Any) -> None:
    violations = check_plan(plan, CATALOG)  # type: ignore[arg-type]
    assert violations and {v.rule for v in violations} == {"H0"}


def test_h0_broken_catalog() -> None:
    class Broken:
        def by_id(self) -> dict[str, Exercise]:
            raise RuntimeError("catalog.csv half written")

    violations = check_plan(clean_plan(), Broken())
    assert "H0" in {v.rule for v in violations}


# ------------------------------------------------------------------ never raises

_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["heavy", "light", "2026-12-01", "race", "long",
                                           "goblet-squat", "seconds", "reps/side", "H3"]),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5),
                                                               st.integers(), max_size=3),
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key/index path inside a JSON-like value."""
    found = []
    children = (node.items() if isinstance(node, dict)
                else enumerate(node) if isinstance(node, list) else ())
    for key, child in children:
        found.append((*path, key))
        found.extend(_paths(child, (*path, key)))
    return found


@st.composite
def mutated_plans(draw: st.DrawFn) -> dict[str, Any]:
    plan: Any = clean_plan()
    for _ in range(draw(st.integers(1, 6))):
        paths = _paths(plan)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = plan
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_JUNK)
    return plan


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=mutated_plans(), use_previous=st.booleans())
def test_random_mutations_never_raise(plan: dict[str, Any], use_previous: bool) -> None:
    previous = copy.deepcopy(plan) if use_previous else None
    violations = check_plan(plan, CATALOG, previous=previous)
    assert all(isinstance(v, Violation) for v in violations)
    # The parser must catch malformed input itself; the per-rule guard is only a safety net.
    assert not [v for v in violations if "could not be checked" in v.message]
    assert violations == check_plan(copy.deepcopy(plan), CATALOG, previous=previous)
