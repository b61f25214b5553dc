"""The season week after week (docs/coaching.md, "The season: phases"): a family not done in
a week carries its last dose forward, a maintain week truly holds, the time budget is said
in words, build weeks step back by the 4th at the latest, and step-back doses land on the
coach's grid. Properties over generated blocks (tests/test_season.py's generator), then the
coach reviewer's masters runner (tests/data/masters-10k.csv)."""

from __future__ import annotations

import copy
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given

from planner.checker import check_plan
from planner.domain import REP_GRID, SECOND_STEP, TEMPO_LABELS, Profile, Run
from planner.planning.season import MAX_BUILD_WEEKS
from planner.readers.runs_csv import load_runs
from tests.test_season import SLOW, START, planned, season_blocks

MASTERS = Path(__file__).resolve().parent / "data" / "masters-10k.csv"

Key = tuple[int, str]
Dose = tuple[str, int, int, str, str]


def doses(week: dict[str, Any]) -> dict[Key, tuple[Dose, dict[str, Any]]]:
    """(family, intensity) -> ((variation, sets, reps, load, tempo), the item) of the week."""
    found: dict[Key, tuple[Dose, dict[str, Any]]] = {}
    for session in week["sessions"]:
        for item in session["exercises"]:
            dose = (item["variation"], item["sets"], item["reps"], item["load"], item["tempo"])
            found.setdefault((item["family_no"], session["intensity"]), (dose, item))
    return found


def on_grid(item: dict[str, Any]) -> bool:
    if item["reps_unit"] == "seconds":
        return item["reps"] % SECOND_STEP == 0
    return item["reps"] in REP_GRID


def season_faults(plan: dict[str, Any], fixed_cadence: bool) -> list[str]:
    """Every breach of the week-after-week properties, in words."""
    faults: list[str] = []
    last: dict[Key, Dose] = {}
    build_run = 0
    for n, week in enumerate(plan["weeks"]):
        label = f"week {n + 1} ({week['phase']})"
        now = doses(week)
        after_step_back = n > 0 and plan["weeks"][n - 1]["deload"]
        for key, (dose, item) in now.items():
            before = last.get(key)
            if before is not None and "new this week" in item["why"]:
                faults.append(f"{label}: {item['name']} done before yet 'new this week'")
            last_maintain = n + 1 < len(plan["weeks"]) and \
                plan["weeks"][n + 1]["phase"] == "taper"
            if week["phase"] == "maintain" and not week["deload"] and not after_step_back \
                    and before is not None and dose[0] == before[0]:
                # Held; the last maintain week before the taper drops a set in the main
                # session wherever the sets allow it (B5), and says so.
                dropped = (dose[0], before[1] - 1, *before[2:])
                wanted = dropped if last_maintain and key[1] == "heavy" and before[1] > 2 \
                    else before
                if dose != wanted:
                    faults.append(f"{label}: {item['name']} {dose}, wanted {wanted}")
                if dose == dropped and "drops a set" not in item["why"]:
                    faults.append(f"{label}: {item['name']} drops a set without saying why")
            if week["deload"] and before is not None and dose[0] == before[0] \
                    and dose[2] != before[2] and not on_grid(item):
                faults.append(f"{label}: {item['name']} steps back to {item['sets']}x"
                              f"{item['reps']}, off the coach's grid")
            if week["taper"]:
                if item["tempo"] == TEMPO_LABELS[1]:
                    faults.append(f"{label}: {item['name']} keeps a slow lowering")
                if item["next_step"] or "Next:" in item["why"]:
                    faults.append(f"{label}: {item['name']} advises progressing")
        last.update({key: dose for key, (dose, _) in now.items()})
        build_run = build_run + 1 if week["phase"] == "build" and not week["deload"] else 0
        if not fixed_cadence and build_run > MAX_BUILD_WEEKS:
            faults.append(f"{label}: {build_run} build weeks in a row without a step-back")
    return faults


@SLOW
@given(season_blocks())
def test_a_goal_race_season_carries_holds_and_steps_back(catalog, drawn) -> None:
    runs, profile, _ = drawn
    assert season_faults(planned(catalog, runs, profile), False) == []


@SLOW
@given(season_blocks(goal=False))
def test_a_block_without_a_race_steps_back_by_the_fourth_build_week(catalog, drawn) -> None:
    runs, profile, _ = drawn
    assert season_faults(planned(catalog, runs, profile), False) == []


def test_deload_every_stays_the_fixed_cadence(catalog) -> None:
    runs = load_runs(MASTERS).runs
    profile = Profile(level="intermediate", equipment=frozenset({"band"}), tz="UTC",
                      deload_every=5)
    plan = planned(catalog, list(runs), profile)
    assert [n + 1 for n, w in enumerate(plan["weeks"]) if w["deload"] and not w["taper"]] \
        == [5]


def test_the_masters_runner_keeps_her_main_session_and_is_told_why_it_holds(catalog) -> None:
    """The reviewer's masters runner (band, 3 runs, 45 minutes, 10k on the last Sunday):
    week 4 once lost its main session and week 5 restarted at week-1 numbers."""
    runs = load_runs(MASTERS).runs
    profile = Profile(level="intermediate", equipment=frozenset({"band"}), tz="UTC")
    plan = planned(catalog, list(runs), profile)
    weeks = plan["weeks"]
    assert season_faults(plan, False) == []
    for week in weeks[:6]:
        assert any(s["intensity"] == "heavy" for s in week["sessions"]), week["start"]
    notes = " ".join(note for week in weeks[:4] for note in week["notes"])
    assert "45 minutes cannot hold another step of the main session" in notes
    assert "(--minutes " in notes


def test_a_budget_too_short_for_a_main_session_says_how_many_minutes(catalog) -> None:
    runs = load_runs(MASTERS).runs
    profile = Profile(level="intermediate", equipment=frozenset({"band"}), tz="UTC",
                      minutes=25)
    week = planned(catalog, list(runs)[:3], profile)["weeks"][0]
    assert not any(s["intensity"] == "heavy" for s in week["sessions"])
    note = next(n for n in week["notes"] if n.startswith("25 minutes cannot hold a main"))
    needed = int(note.rsplit("--minutes ", 1)[1].rstrip(")"))
    longer = Profile(level="intermediate", equipment=frozenset({"band"}), tz="UTC",
                     minutes=needed)
    again = planned(catalog, list(runs)[:3], longer)["weeks"][0]
    assert any(s["intensity"] == "heavy" for s in again["sessions"])


@SLOW
@given(season_blocks())
def test_race_week_says_race_week_and_the_return_week_is_lighter_still(catalog, drawn) -> None:
    runs, profile, race = drawn
    assert race is not None
    plan = planned(catalog, runs, profile)
    weeks = plan["weeks"]
    r = next(n for n, w in enumerate(weeks) if w["phase"] == "race")
    for s in weeks[r]["sessions"]:
        assert "(B4)" in s["why"] and "B2 taper" not in s["why"]
    if r + 1 >= len(weeks):
        return  # the block ends with the race: no return week
    back = weeks[r + 1]
    assert back["phase"] == "return" and len(back["sessions"]) <= 1
    raced = {key: dose for key, (dose, _) in doses(weeks[r]).items()}
    for s in back["sessions"]:
        assert s["intensity"] == "light"
        days_after = (date.fromisoformat(s["date"]) - race).days
        for item in s["exercises"]:
            assert not (item["plyometric"] and days_after <= 3), (s["date"], item["name"])
            before = raced.get((item["family_no"], "light"))
            if before is not None and before[0] == item["variation"]:
                assert item["sets"] * item["reps"] < before[1] * before[2] or \
                    item["reps"] == before[2] == min_reps(catalog, item["variation"]), item


def min_reps(catalog, variation: str) -> int:
    return catalog.by_id()[variation].reps_min


def test_the_checker_catches_two_return_sessions_and_early_jumps(catalog) -> None:
    runs = [Run(START + timedelta(days=d), kind, 45, time(7, 0))
            for d, kind in enumerate(["easy", "speed", "rest", "tempo", "easy", "rest", "long"]
                                     * 3)]
    runs[13] = Run(START + timedelta(days=13), "race", 100, time(9, 0))
    race = runs[13].date
    profile = Profile(level="intermediate", equipment=frozenset({"band"}), tz="UTC")
    data = planned(catalog, runs, profile)
    assert check_plan(data, catalog, runs=runs) == []
    back = data["weeks"][2]
    assert len(back["sessions"]) == 1
    twice = copy.deepcopy(data)
    extra = copy.deepcopy(back["sessions"][0])
    extra["date"] = (race + timedelta(days=6)).isoformat()
    extra["day"] = "Sun"
    twice["weeks"][2]["sessions"].append(extra)
    assert any(v.rule == "B6" and "one light session at most" in v.message
               for v in check_plan(twice, catalog, runs=runs))
    ordinary = planned(catalog, load_runs(MASTERS).runs[:3], profile)  # a week with jumps
    hop = next(item for w in ordinary["weeks"] for s in w["sessions"]
               for item in s["exercises"] if item["plyometric"])
    early = copy.deepcopy(data)
    session = early["weeks"][2]["sessions"][0]
    session["date"] = (race + timedelta(days=2)).isoformat()
    session["day"] = "Tue"
    session["exercises"].append(copy.deepcopy(hop))
    assert any(v.rule == "B6" and "no jumps" in v.message
               for v in check_plan(early, catalog, runs=runs))


def test_the_checker_catches_a_big_or_new_return_session(catalog) -> None:
    runs = [Run(START + timedelta(days=d), kind, 45, time(7, 0))
            for d, kind in enumerate(["easy", "speed", "rest", "tempo", "easy", "rest", "long"]
                                     * 3)]
    runs[13] = Run(START + timedelta(days=13), "race", 100, time(9, 0))
    profile = Profile(level="intermediate", equipment=frozenset({"band"}), tz="UTC")
    data = planned(catalog, runs, profile)
    assert check_plan(data, catalog, runs=runs) == []
    session = data["weeks"][2]["sessions"][0]
    assert len(session["exercises"]) <= 4
    done = {item["variation"] for w in data["weeks"][:2] for s in w["sessions"]
            for item in s["exercises"]}
    bigger = copy.deepcopy(data)
    extra = next(item for w in data["weeks"][:2] for s in w["sessions"]
                 for item in s["exercises"]
                 if item["variation"] not in {e["variation"] for e in session["exercises"]})
    while len(bigger["weeks"][2]["sessions"][0]["exercises"]) <= 4:
        bigger["weeks"][2]["sessions"][0]["exercises"].append(copy.deepcopy(extra))
    assert any(v.rule == "B6" and "at most 4" in v.message
               for v in check_plan(bigger, catalog, runs=runs))
    fresh = copy.deepcopy(data)
    other = next(ex for ex in catalog.exercises
                 if ex.id not in done and ex.family_no == catalog.by_id()[
                     session["exercises"][0]["variation"]].family_no)
    fresh["weeks"][2]["sessions"][0]["exercises"][0]["variation"] = other.id
    assert any(v.rule == "B6" and "new in the return week" in v.message
               for v in check_plan(fresh, catalog, runs=runs))


def test_after_the_return_week_the_season_builds_from_its_doses(catalog) -> None:
    """"Progress slowly": the week after the return week climbs from the return week's
    doses (one step), not back to the pre-taper peak in one go, and a why-line says "same
    dose" only of a dose that is the same."""
    runs = [Run(START + timedelta(days=d), kind, 45, time(7, 0))
            for d, kind in enumerate(["easy", "speed", "rest", "tempo", "easy", "rest", "long"]
                                     * 4)]
    runs[13] = Run(START + timedelta(days=13), "race", 100, time(9, 0))
    profile = Profile(level="intermediate", equipment=frozenset({"band"}), tz="UTC")
    data = planned(catalog, runs, profile)
    assert check_plan(data, catalog, runs=runs) == []
    back, after = data["weeks"][2], data["weeks"][3]
    assert back["phase"] == "return"
    doses = {(item["variation"], s["intensity"]): item for s in back["sessions"]
             for item in s["exercises"]}
    compared = 0
    for s in after["sessions"]:
        for item in s["exercises"]:
            was = doses.get((item["variation"], s["intensity"]))
            if was is None:
                continue
            compared += 1
            assert item["sets"] <= was["sets"] + 1 and item["reps"] <= was["reps"] + 2, item
            same = (item["sets"], item["reps"]) == (was["sets"], was["reps"])
            assert ("same dose as last time" in item["why"]) <= same, item["why"]
    assert compared
