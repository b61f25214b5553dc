"""`runstrong log`: the logged-session record, typed or from the watch, and the next plan
following it (plan -> log -> plan --previous)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli import main
from tests.fit_activities import encode_activity

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WEEK = EXAMPLES / "intermediate-week.csv"
OPTIONS = ["--level", "intermediate", "--equipment", "dumbbell,band",
           "--weights", "dumbbell:6,8,10,12,14,16", "--tz", "Europe/London"]


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def next_week(folder: Path, source: Path = WEEK, weeks: int = 1) -> Path:
    """The same runs `weeks` weeks later."""
    with source.open(newline="") as handle:
        rows = list(csv.reader(handle))
    out = folder / f"week-{weeks}.csv"
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for row in rows[1:]:
            row[0] = (date.fromisoformat(row[0]) + timedelta(days=7 * weeks)).isoformat()
            writer.writerow(row)
    return out


def first_plan(folder: Path) -> tuple[Path, dict[str, Any]]:
    path = folder / "plan.json"
    code, _, err = run("plan", WEEK, *OPTIONS, "--ics", folder / "plan.ics", "--json", path,
                       "-q")
    assert code == 0, err
    return path, json.loads(path.read_text())


def replan(folder: Path, previous: Path, name: str = "next") -> dict[str, Any]:
    out = folder / f"{name}.json"
    code, _, err = run("plan", next_week(folder), *OPTIONS, "--previous", previous,
                       "--ics", folder / f"{name}.ics", "--json", out, "-q")
    assert code == 0, err
    return json.loads(out.read_text())


def item(plan: dict[str, Any], variation: str, intensity: str = "heavy") -> dict[str, Any]:
    for week in plan["weeks"]:
        for session in week["sessions"]:
            if session["intensity"] != intensity:
                continue
            for entry in session["exercises"]:
                if entry["variation"] == variation:
                    return entry
    raise AssertionError(f"{variation} not in the {intensity} session")


def main_session(plan: dict[str, Any]) -> dict[str, Any]:
    return next(s for w in plan["weeks"] for s in w["sessions"] if s["intensity"] == "heavy")


# ---- the record -------------------------------------------------------------------------


def test_log_writes_one_record_and_check_still_accepts_the_plan(tmp_path: Path) -> None:
    path, plan = first_plan(tmp_path)
    day = main_session(plan)["date"]
    code, out, err = run("log", path, day, "done", "--did", "goblet-squat:3x10@10",
                         "--did", "goblet-squat:1x8@12", "--rir", "2")
    assert code == 0, err
    assert f"Logged {day}: done" in out
    logged = json.loads(path.read_text())
    session = main_session(logged)
    assert session["done"] is True and session["logged_from"] == "cli"
    assert "rir" not in session  # with --did, reps in reserve belong to those sets
    squat = item(logged, "goblet-squat")
    assert squat["rir"] == 2
    assert squat["did"] == [{"reps": 10, "kg": 10.0}] * 3 + [{"reps": 8, "kg": 12.0}]
    assert all(e["done"] is True for e in session["exercises"])
    assert all("did" not in e for e in session["exercises"] if e["variation"] != "goblet-squat")
    code, out, err = run("check", path)
    assert code == 0, out + err


def test_logging_again_replaces_the_earlier_log(tmp_path: Path) -> None:
    path, plan = first_plan(tmp_path)
    day = main_session(plan)["date"]
    assert run("log", path, day, "done", "--did", "goblet-squat:3x10@10")[0] == 0
    assert run("log", path, day, "skipped")[0] == 0
    session = main_session(json.loads(path.read_text()))
    assert session["done"] is False
    assert all(e["done"] is False and "did" not in e for e in session["exercises"])


@pytest.mark.parametrize(("args", "message"), [
    (["2026-12-02", "done"], "no session on 2026-12-02 (the plan's sessions: 2026-12-01"),
    (["2026-12-01", "done", "--did", "nope:3x10"], "'nope' is not an exercise of the session"),
    (["2026-12-01", "done", "--did", "goblet-squat:3by10"], "is not ID:SETSxREPS[@KG]"),
    (["2026-12-01", "done", "--did", "goblet-squat:0x10"], "0 sets is not in the range"),
    (["2026-12-01", "fine"], "'fine' is not one of: done, skipped, too-hard"),
    (["2026-13-01", "done"], "'2026-13-01' is not a date"),
    (["2026-12-01", "done", "--rir", "9"], "9 is not in the range 0..5"),
    (["2026-12-01", "skipped", "--did", "goblet-squat:3x10"], "a skipped session has no sets"),
    ([], "give the session's DATE"),
])
def test_bad_log_is_one_line_exit_2_and_the_plan_is_unchanged(
        tmp_path: Path, args: list[str], message: str) -> None:
    path, _ = first_plan(tmp_path)
    before = path.read_bytes()
    code, _, err = run("log", path, *args)
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert path.read_bytes() == before


# ---- the next plan follows the log ------------------------------------------------------


def test_heavier_kg_logged_by_cli_is_where_the_next_plan_starts(tmp_path: Path) -> None:
    path, plan = first_plan(tmp_path)
    planned = item(plan, "goblet-squat")
    assert planned["weight_kg"] < 12.0  # the lift's start weight (a squat's: 10 kg)
    top = 12  # the top of the goblet squat's range: every set reached it at 12 kg
    assert run("log", path, main_session(plan)["date"], "done",
               "--did", f"goblet-squat:3x{top}@12")[0] == 0
    nxt = replan(tmp_path, path)
    squat = item(nxt, "goblet-squat")
    # Double progression from what was done: the top of the range at 12 kg -> the next
    # dumbbell up (14 kg), reps back down.
    assert squat["weight_kg"] == 14.0 and squat["reps"] < top
    assert squat["why"].startswith(f"you did 3×12 at 12 kg: now 3×{squat['reps']} at 14 kg")
    unlogged = replan(tmp_path, first_plan(tmp_path / "fresh")[0], "unlogged")
    assert item(unlogged, "goblet-squat")["weight_kg"] == planned["weight_kg"]


def test_lighter_kg_logged_is_where_the_next_plan_starts_not_the_lifts_start_weight(
        tmp_path: Path) -> None:
    """The squat's start weight (one dumbbell above the level's) names the first week
    only: a runner who lifted a lighter dumbbell goes on from the one they lifted, and
    the plan after that goes on from there, logged or not."""
    path, plan = first_plan(tmp_path)
    planned = item(plan, "goblet-squat")
    assert planned["weight_kg"] == 10.0
    assert run("log", path, main_session(plan)["date"], "done",
               "--did", f"goblet-squat:3x{planned['reps']}@8")[0] == 0
    nxt = replan(tmp_path, path)
    squat = item(nxt, "goblet-squat")
    # Below the top of the range at 8 kg: reps up, the same 8 kg (one variable, H9).
    assert (squat["sets"], squat["weight_kg"]) == (3, 8.0) and squat["reps"] > planned["reps"]
    assert squat["why"].startswith(f"you did 3×{planned['reps']} at 8 kg: now "
                                   f"3×{squat['reps']} at 8 kg")
    assert nxt["profile"]["start_weights"] == {}  # the runner's own choices only
    # The week after, not logged: it goes on from 8 kg, not from the squat's 10 kg start.
    out = tmp_path / "after.json"
    code, _, err = run("plan", next_week(tmp_path, weeks=2), *OPTIONS,
                       "--previous", tmp_path / "next.json", "--json", out, "-q")
    assert code == 0, err
    after = item(json.loads(out.read_text()), "goblet-squat")
    assert after["weight_kg"] in (8.0, 10.0)
    changed = [after[k] != squat[k] for k in ("sets", "reps", "weight_kg")]
    assert sum(changed) <= 1 and (after["weight_kg"] == 8.0 or after["reps"] == squat["reps"])


def test_too_hard_and_rir_0_step_back_and_skipped_repeats(tmp_path: Path) -> None:
    path, plan = first_plan(tmp_path)
    day = main_session(plan)["date"]
    planned = item(plan, "romanian-deadlift")
    assert run("log", path, day, "done", "--did", "romanian-deadlift:3x10@10", "--rir", "0"
               )[0] == 0
    nxt = replan(tmp_path, path)
    rdl = item(nxt, "romanian-deadlift")
    assert "you did 3×10 at 10 kg, a set to failure (0 in reserve): one step back" in rdl["why"]
    done = (3, 10, 10.0)  # one step back from what was done: one variable lower, none higher
    now = (rdl["sets"], rdl["reps"], rdl["weight_kg"])
    assert sum(a < b for a, b in zip(now, done, strict=True)) == 1 and all(
        a <= b for a, b in zip(now, done, strict=True))
    squat = item(nxt, "goblet-squat")  # --rir was for the sets typed with it
    assert "failure" not in squat["why"] and squat["reps"] > item(plan, "goblet-squat")["reps"]
    planned_squat = item(plan, "goblet-squat")
    reps, kg = planned_squat["reps"], planned_squat["weight_kg"]
    assert planned_squat["sets"] == 3
    assert run("log", path, day, "done", "--did", f"goblet-squat:2x{reps}@{kg:g}")[0] == 0
    squat = item(replan(tmp_path, path, "fewer"), "goblet-squat")  # 2 of 3: the same again
    assert (squat["sets"], squat["reps"], squat["weight_kg"]) == (3, reps, kg)
    assert squat["why"].startswith(
        f"you did 2 of 3 sets (2×{reps} at {kg:g} kg): the same dose again")
    assert run("log", path, day, "skipped")[0] == 0
    again = replan(tmp_path, path, "again")
    assert item(again, "romanian-deadlift")["reps"] == planned["reps"]
    assert item(again, "romanian-deadlift")["why"].startswith("skipped last time")
    assert run("log", path, day, "too-hard")[0] == 0
    easier = replan(tmp_path, path, "easier")
    hard = next(e for e in main_session(easier)["exercises"] if "too hard" in e["why"])
    assert hard["why"].startswith("too hard last time: one step back")


# ---- from the watch ---------------------------------------------------------------------


def activity(folder: Path, day: str, sets: list[tuple[str, str, int, float | None]], *,
             name: str = "activity.fit", **kwargs: Any) -> Path:
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(),
                             tzinfo=ZoneInfo("Europe/London")).replace(hour=18, minute=30)
    path = folder / name
    path.write_bytes(encode_activity(start, sets, **kwargs))
    return path


def test_fit_activity_is_logged_and_the_next_plan_uses_it(tmp_path: Path) -> None:
    from planner.readers.catalog import load_catalog

    path, plan = first_plan(tmp_path)
    day = main_session(plan)["date"]
    by_id = load_catalog().by_id()
    # The session's one-sided lift (H14 leaves one split-stance lift; which one is the
    # solver's): the watch counts both legs' reps, the log per side.
    one_sided = by_id[next(e["variation"] for e in main_session(plan)["exercises"]
                           if by_id[e["variation"]].reps_unit == "reps/side")]
    side_kg = 8.0 if one_sided.loaded else None
    sets = [("squat", "goblet_squat", 12, 12.0)] * 3
    sets += [(one_sided.fit_category, one_sided.fit_name, 20, side_kg)] * 3  # 10 per side
    sets += [("squat", "dumbbell_front_squat", 12, 12.0)]  # a sibling of the goblet squat
    sets += [("crunch", "crunch", 20, None)]  # not planned: reported, not recorded
    fit = activity(tmp_path, day, sets)
    code, out, err = run("log", path, "--fit", fit)
    assert code == 0, err
    assert "counted as goblet-squat (same exercise family)" in out
    assert "not matched: set 8 (crunch, 20 reps)" in out
    assert "romanian-deadlift: no set on the watch, marked skipped" in out
    logged = json.loads(path.read_text())
    assert main_session(logged)["logged_from"] == "fit"
    assert item(logged, "goblet-squat")["did"] == [{"reps": 12, "kg": 12.0}] * 4
    assert item(logged, one_sided.id)["did"] == [{"reps": 10, "kg": side_kg}] * 3
    assert item(logged, "romanian-deadlift")["done"] is False
    assert run("check", path)[0] == 0
    nxt = replan(tmp_path, path)
    squat = item(nxt, "goblet-squat")
    assert squat["weight_kg"] == 14.0
    assert squat["why"].startswith("you did 4×12 at 12 kg: now")


def test_fit_in_the_runners_time_zone(tmp_path: Path) -> None:
    """23:30 in London on the session's day is the next day in UTC+1 zones, but the plan's
    zone decides."""
    path, plan = first_plan(tmp_path)
    day = main_session(plan)["date"]
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(),
                             tzinfo=ZoneInfo("Europe/London")).replace(hour=23, minute=50)
    fit = tmp_path / "late.fit"
    fit.write_bytes(encode_activity(start.astimezone(ZoneInfo("Asia/Tokyo")),
                                    [("squat", "goblet_squat", 10, 10.0)]))
    code, out, err = run("log", path, "--fit", fit)
    assert code == 0, err
    assert f"Logged {day}" in out


@pytest.mark.parametrize(("make", "message"), [
    (lambda f, d: activity(f, d, [("squat", "goblet_squat", 10, 10.0)], sport="running",
                           sub_sport="generic"),
     "not a strength-training activity (the watch recorded running/generic)"),
    (lambda f, d: _write(f / "x.fit", activity(f, d, [("squat", "goblet_squat", 10, 10.0)])
                         .read_bytes()[:-40]), "corrupt or truncated"),
    (lambda f, d: _write(f / "x.fit", bytes(_flip(activity(
        f, d, [("squat", "goblet_squat", 10, 10.0)]).read_bytes()))), "corrupt or truncated"),
    (lambda f, d: _write(f / "x.fit", b"date,run\n"), "not a FIT file"),
    (lambda f, d: activity(f, "2027-06-01", [("squat", "goblet_squat", 10, 10.0)]),
     "the activity is on 2027-06-01 (Europe/London), and the plan has no session that day"),
    (lambda f, d: activity(f, d, [("crunch", "crunch", 10, None)]),
     "none of the activity's 1 set(s) is an exercise of the session"),
    (lambda f, d: f / "missing.fit", "file not found"),
])
def test_bad_activity_is_one_line_and_the_plan_is_unchanged(tmp_path: Path, make: Any,
                                                            message: str) -> None:
    path, plan = first_plan(tmp_path)
    before = path.read_bytes()
    fit = make(tmp_path, main_session(plan)["date"])
    code, _, err = run("log", path, "--fit", fit)
    assert code == 2
    assert message in err and err.count("\n") == 1, err
    assert path.read_bytes() == before


def test_a_bad_second_activity_leaves_the_plan_unchanged(tmp_path: Path) -> None:
    path, plan = first_plan(tmp_path)
    before = path.read_bytes()
    good = activity(tmp_path, main_session(plan)["date"], [("squat", "goblet_squat", 10, 10.0)])
    bad = _write(tmp_path / "bad.fit", b"\x0e\x10junk")
    assert run("log", path, "--fit", good, "--fit", bad)[0] == 2
    assert path.read_bytes() == before


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _flip(data: bytes) -> bytearray:
    out = bytearray(data)
    out[len(out) // 2] ^= 0xFF
    return out


def test_batch_roster_previous_column_starts_from_the_log_and_niggles_apply(
        tmp_path: Path) -> None:
    path, plan = first_plan(tmp_path)
    assert run("log", path, main_session(plan)["date"], "done",
               "--did", "goblet-squat:3x12@12")[0] == 0
    roster = tmp_path / "roster.csv"
    roster.write_text("athlete,level,equipment,tz,previous,niggles,exclude\n"
                      "Ana,intermediate,dumbbell;band,Europe/London,plan.json,,\n"
                      "Ben,intermediate,dumbbell;band,Europe/London,,knee,monster-walk\n",
                      encoding="utf-8")
    runs = tmp_path / "runs.csv"
    with next_week(tmp_path).open(newline="") as handle:
        rows = list(csv.reader(handle))
    with runs.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["athlete", *rows[0]])
        for name in ("Ana", "Ben"):
            writer.writerows([name, *row] for row in rows[1:])
    out = tmp_path / "out"
    code, _, err = run("batch", roster, runs, "--out", out)
    assert code == 0, err
    ana = json.loads(next(out.glob("*Ana*.json")).read_text())
    squat = item(ana, "goblet-squat")
    assert squat["why"].startswith("you did 3×12 at 12 kg: now")
    ben = json.loads(next(out.glob("*Ben*.json")).read_text())
    assert ben["profile"]["niggles"] == ["knee"] and ben["profile"]["exclude"] == ["monster-walk"]
    used = [e["variation"] for w in ben["weeks"] for s in w["sessions"] for e in s["exercises"]]
    assert "monster-walk" not in used and "low-pogo-hop" not in used


# ---- properties ---------------------------------------------------------------------------

_PLAN: dict[str, Any] = {}


def _a_plan() -> dict[str, Any]:
    """One two-week plan, made once (the property varies the logging, not the plan)."""
    if not _PLAN:
        from planner.pipeline import PlanOptions, PlanRequest, run_plan

        rows = WEEK.read_text(encoding="utf-8").splitlines()
        later = [f"{(date.fromisoformat(r[:10]) + timedelta(days=7)).isoformat()}{r[10:]}"
                 for r in rows[1:]]
        data = ("\n".join([*rows, *later]) + "\n").encode("utf-8")
        _PLAN.update(json.loads(run_plan(PlanRequest(data, "two.csv", options=PlanOptions(
            level="intermediate", equipment="dumbbell,band", tz="Europe/London"))).json))
    return json.loads(json.dumps(_PLAN))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_logging_changes_only_the_session_logged_and_check_accepts_it(catalog, data) -> None:
    from planner.checker import check_plan
    from planner.readers.session_log import SetDone, log_session, sessions_on

    plan = _a_plan()
    before = json.loads(json.dumps(plan))
    days = sorted({s["date"] for w in plan["weeks"] for s in w["sessions"]})
    day = data.draw(st.sampled_from(days))
    status = data.draw(st.sampled_from(["done", "skipped", "too hard"]))
    session = sessions_on(plan, day)[0]
    did = {}
    if status != "skipped":
        for item in data.draw(st.lists(st.sampled_from(session["exercises"]), max_size=3)):
            sets = data.draw(st.lists(st.builds(SetDone, st.integers(0, 40), st.one_of(
                st.none(), st.floats(0.5, 100).map(lambda kg: round(kg, 1)))), min_size=1,
                max_size=5))
            did[item["variation"]] = tuple(sets)
    log_session(session, status, did=did, session_rir=data.draw(st.one_of(
        st.none(), st.integers(0, 5))))
    for week_before, week_after in zip(before["weeks"], plan["weeks"], strict=True):
        for s_before, s_after in zip(week_before["sessions"], week_after["sessions"],
                                     strict=True):
            if s_before["date"] != day:
                assert s_after == s_before
            else:  # the prescription itself is untouched: only the log keys change
                keys = {"done", "did", "rir", "logged_from"}
                assert {k: v for k, v in s_after.items() if k not in keys | {"exercises"}} == {
                    k: v for k, v in s_before.items() if k not in keys | {"exercises"}}
                for e_before, e_after in zip(s_before["exercises"], s_after["exercises"],
                                             strict=True):
                    assert {k: v for k, v in e_after.items() if k not in keys} == {
                        k: v for k, v in e_before.items() if k not in keys}
    assert check_plan(plan, catalog) == []


_WEIGHED: dict[str, Any] = {}
OWNED = (6.0, 8.0, 10.0, 12.0, 14.0, 16.0)


def _a_weighed_plan() -> dict[str, Any]:
    """The example week planned with a list of dumbbells (start weights per lift)."""
    if not _WEIGHED:
        from planner.pipeline import PlanOptions, PlanRequest, run_plan

        _WEIGHED.update(json.loads(run_plan(PlanRequest(
            WEEK.read_bytes(), "week.csv", options=PlanOptions(
                level="intermediate", equipment="dumbbell,band", tz="Europe/London",
                weights=("dumbbell:" + ",".join(f"{w:g}" for w in OWNED),)))).json))
    return json.loads(json.dumps(_WEIGHED))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_next_plan_starts_from_the_kilograms_logged(catalog, data) -> None:
    """Whatever dumbbell a loaded lift was logged with, lighter or heavier than the lift's
    start weight, the next plan's starting point names that dumbbell (the heaviest owned
    one not above it); a light session never starts above its light weight."""
    from planner.planning.progression import named_weight, with_starts
    from planner.readers.plan_json import profile_from_json
    from planner.readers.session_log import SetDone, log_session
    from planner.solving.previous import read_previous

    plan = _a_weighed_plan()
    by_id = catalog.by_id()
    session = data.draw(st.sampled_from([s for w in plan["weeks"] for s in w["sessions"]]))
    loaded = [e for e in session["exercises"] if e.get("weight_kg") is not None]
    if not loaded:
        return
    entry = data.draw(st.sampled_from(loaded))
    kg = data.draw(st.sampled_from(OWNED) | st.floats(4.0, 20.0).map(lambda x: round(x, 1)))
    exercise = by_id[entry["variation"]]
    reps = data.draw(st.integers(exercise.reps_min, exercise.reps_max - 1))
    log_session(session, "done", did={entry["variation"]: (SetDone(reps, kg),) * entry["sets"]})
    profile = profile_from_json(plan)
    carry, _ = read_previous(plan, by_id, profile=profile)
    lifting = with_starts(profile, carry.start_weights)
    dose = carry.doses[(exercise.family_no, session["intensity"])]
    below = [w for w in OWNED if w <= kg + 1e-9]
    held = below[-1] if below else OWNED[0]
    if session["intensity"] == "heavy":  # light sessions stay at their light start
        assert named_weight(exercise, dose.load, lifting) == held
    else:
        assert named_weight(exercise, dose.load, lifting) <= max(held, entry["weight_kg"])
    assert dict(carry.start_weights).get(exercise.id, held) <= held


def test_work_skipped_before_race_week_comes_back_stepped_back(tmp_path: Path) -> None:
    """Every session of the week before race week skipped: race week still holds its one
    light session (the skipped doses at race week's step-back, B1), the why-line says so,
    and `check` finds no broken rule (it once said no plan satisfies B1)."""
    race_week = EXAMPLES / "race-week.csv"
    before = tmp_path / "before.csv"
    with race_week.open(newline="") as handle:
        rows = list(csv.reader(handle))
    with before.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for row in rows[1:]:
            day = date.fromisoformat(row[0]) - timedelta(days=7)
            kind = "easy" if row[1] in ("half marathon", "shakeout") else row[1]
            writer.writerow([day.isoformat(), kind, *row[2:]])
    options = ["--level", "intermediate", "--equipment", "dumbbell,band", "--tz", "UTC"]
    first = tmp_path / "first.json"
    assert run("plan", str(before), *options, "--ics", str(tmp_path / "a.ics"), "--json",
               str(first), "-q")[0] == 0
    planned = json.loads(first.read_text())["weeks"][0]["sessions"]
    for session in planned:
        assert run("log", str(first), session["date"], "skipped")[0] == 0
    second = tmp_path / "second.json"
    code, _, err = run("plan", str(race_week), *options, "--previous", str(first), "--ics",
                       str(tmp_path / "b.ics"), "--json", str(second), "-q")
    assert code == 0, err
    sessions = json.loads(second.read_text())["weeks"][0]["sessions"]
    assert len(sessions) == 1 and sessions[0]["intensity"] == "light"
    was = {e["variation"]: e for s in planned if s["intensity"] == "light"
           for e in s["exercises"]}
    for item in sessions[0]["exercises"]:
        old = was[item["variation"]]
        same = (item["sets"], item["reps"]) == (old["sets"], old["reps"])
        assert ("the same dose again" in item["why"]) == same, item["why"]
        assert ("this week's step-back" in item["why"]) == (not same), item["why"]
    assert run("check", str(second), str(race_week), "--previous", str(first))[0] == 0
