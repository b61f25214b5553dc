"""The season (docs/coaching.md, "The season: phases"): running load, goal races and the
phase of every week, stated as properties over generated blocks and judged on the plan JSON
by the solver-free checker (planner/checker/), then on the README's examples."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.checker import check_plan
from planner.domain import EQUIPMENT, LEVELS, PHASES, Profile, Run, load_step
from planner.errors import InputError
from planner.planning.season import (
    DEFAULT_RUN_MINUTES,
    RUN_LOAD_FACTORS,
    goal_races,
    recurring_races,
    run_load,
    season_weeks,
    week_load,
)
from planner.readers.runs_csv import load_runs
from planner.readers.runs_ics import load_runs_ics
from planner.readers.spans import week_starts
from planner.renderers.json_plan import plan_to_dict
from planner.solving.block import plan_block

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
START = date(2027, 1, 4)  # a Monday
# A week of running: (weekday, run type, typical minutes); a parkrun is added on Saturdays.
WEEK = ((0, "rest", 0), (1, "speed", 50), (2, "easy", 40), (3, "tempo", 45), (4, "rest", 0),
        (5, "easy", 30), (6, "long", 90))


# -- generated blocks -------------------------------------------------------------------------

@st.composite
def season_blocks(draw: st.DrawFn, *, goal: bool = True) -> tuple[list[Run], Profile, date | None]:
    """8-16 weeks of running with a weekly Saturday parkrun and a running volume that rises,
    dips and jumps at random; with `goal`, a half marathon on the last Sunday of the race
    week, followed by 0-2 more weeks (so some blocks have a return week)."""
    weeks = draw(st.integers(8, 16))
    after = draw(st.integers(0, 2)) if goal else 0
    volume = draw(st.lists(st.sampled_from([0.6, 0.8, 1.0, 1.0, 1.1, 1.3, 1.5]),
                           min_size=weeks + after, max_size=weeks + after))
    parkrun = draw(st.booleans()) or not goal
    runs: list[Run] = []
    for w in range(weeks + after):
        monday = START + timedelta(weeks=w)
        for day, kind, minutes in WEEK:
            when = monday + timedelta(days=day)
            if kind == "rest":
                runs.append(Run(when, "rest"))
                continue
            if goal and w == weeks - 1 and day == 6:
                runs.append(Run(when, "race", 110, time(9, 0), "Half marathon"))
                continue
            if parkrun and day == 5:
                runs.append(Run(when, "race", 25, time(9, 0), "parkrun"))
                continue
            runs.append(Run(when, kind, max(10, round(minutes * volume[w])), time(7, 0)))
    race = START + timedelta(weeks=weeks - 1, days=6) if goal else None
    profile = Profile(level=draw(st.sampled_from(LEVELS)),
                      equipment=frozenset(draw(st.lists(st.sampled_from(EQUIPMENT),
                                                        max_size=3))),
                      tz="UTC", race_week=draw(st.sampled_from(["light", "light", "none"])))
    return runs, profile, race


def planned(catalog, runs: list[Run], profile: Profile) -> dict[str, Any]:
    return plan_to_dict(plan_block(runs, profile, catalog.exercises).plan)


def loads_by_key(week: dict[str, Any]) -> dict[tuple[int, str], tuple[str, int]]:
    """(family, intensity) -> (variation, load step) of the week's first prescription."""
    found: dict[tuple[int, str], tuple[str, int]] = {}
    for session in week["sessions"]:
        for item in session["exercises"]:
            step = load_step(item["load"])
            assert step is not None
            found.setdefault((item["family_no"], session["intensity"]), (item["variation"], step))
    return found


def load_steps_up(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Exercises whose load rises from `before` to `after` (same variation)."""
    then, now = loads_by_key(before), loads_by_key(after)
    return [now[key][0] for key in now.keys() & then.keys()
            if now[key][0] == then[key][0] and now[key][1] > then[key][1]]


def week_of(plan: dict[str, Any], day: date) -> int:
    return next(n for n, w in enumerate(plan["weeks"])
                if 0 <= (day - date.fromisoformat(w["start"])).days <= 6)


SLOW = settings(max_examples=8, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SLOW
@given(season_blocks())
def test_a_goal_race_season_holds_every_rule_and_its_shape(catalog, drawn) -> None:
    runs, profile, race = drawn
    assert race is not None
    plan = planned(catalog, runs, profile)
    assert check_plan(plan, catalog, runs=runs) == []
    weeks = plan["weeks"]
    r = week_of(plan, race)
    assert weeks[r]["phase"] == "race" and weeks[r - 1]["phase"] == "taper"
    assert [w["phase"] for w in weeks[r - 3:r - 1]] == ["maintain", "maintain"]
    # No load step in the three weeks before race week.
    for n in range(r - 3, r):
        assert not load_steps_up(weeks[n - 1], weeks[n]), f"week {n + 1}"
    # Race week: at most one session, light, none in the three days before the race.
    sessions = weeks[r]["sessions"]
    assert len(sessions) <= (0 if profile.race_week == "none" else 1)
    for s in sessions:
        assert s["intensity"] == "light"
        assert (race - date.fromisoformat(s["date"])).days >= 4
    # The return week, when the block goes on, is light only.
    if r + 1 < len(weeks):
        assert weeks[r + 1]["phase"] == "return"
        assert all(s["intensity"] == "light" for s in weeks[r + 1]["sessions"])
    # Maintain weeks hold every load, whatever made them maintain weeks.
    for n, week in enumerate(weeks):
        if week["phase"] == "maintain" and not week["deload"] and n > 0:
            assert not load_steps_up(weeks[n - 1], week), f"week {n + 1}"
    # Only the goal race tapers: the parkruns are hard runs.
    assert [n for n, w in enumerate(weeks) if w["taper"]] == [r - 1, r]


@SLOW
@given(season_blocks(goal=False))
def test_a_parkrun_only_block_has_no_taper(catalog, drawn) -> None:
    runs, profile, _ = drawn
    plan = planned(catalog, runs, profile)
    assert check_plan(plan, catalog, runs=runs) == []
    assert not any(w["taper"] for w in plan["weeks"])
    assert {w["phase"] for w in plan["weeks"]} <= {"build", "maintain"}
    assert any(s["intensity"] == "heavy" for w in plan["weeks"] for s in w["sessions"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["easy", "long", "tempo", "race", "cross"]),
                          st.integers(0, 20), st.one_of(st.none(), st.integers(10, 200))),
                max_size=30))
def test_phases_follow_the_running_and_the_goal_race(entries) -> None:
    runs = [Run(START + timedelta(days=3 * k), kind, minutes) for kind, k, minutes in entries]
    mondays = week_starts(runs) if runs else []
    goals = goal_races(runs)
    weeks = season_weeks(runs, mondays, goals, None)
    assert len(weeks) == len(mondays)
    assert all(w.phase in PHASES for w in weeks)
    weekly = recurring_races(r.date for r in runs if r.kind == "race")
    assert not set(goals) & weekly
    for n, w in enumerate(weeks):
        assert w.taper == (w.phase in ("race", "taper"))
        assert not w.taper or w.deload
        assert w.load == week_load(runs, w.monday)
        if w.phase == "race":
            assert any(0 <= (g - w.monday).days <= 6 for g in goals)
        if w.phase == "build" and n >= 2 and not w.deload:
            before = [x.load for x in weeks[max(0, n - 3):n]]
            assert w.load <= 1.2 * sum(before) / len(before) + 1e-9


# -- the pieces ------------------------------------------------------------------------------

def test_running_load_is_minutes_times_the_run_types_factor() -> None:
    assert run_load(Run(START, "easy", 40)) == 40
    assert run_load(Run(START, "long", 100)) == 120
    assert run_load(Run(START, "tempo", 40)) == 60
    assert run_load(Run(START, "race", 30)) == 60
    assert run_load(Run(START, "cross", 60)) == 30
    assert run_load(Run(START, "rest")) == 0
    # No minutes: the type's typical run.
    assert run_load(Run(START, "hill")) == DEFAULT_RUN_MINUTES["hill"] * RUN_LOAD_FACTORS["hill"]
    assert set(RUN_LOAD_FACTORS) == set(DEFAULT_RUN_MINUTES)


def test_a_weekly_parkrun_is_never_the_goal_race() -> None:
    saturdays = [Run(START + timedelta(days=5 + 7 * k), "race", 25) for k in range(6)]
    assert goal_races(saturdays) == ()
    half = Run(START + timedelta(days=7 * 6 + 6), "race", 110)
    assert goal_races([*saturdays, half]) == (half.date,)
    # A short race inside the block is a hard run: the longest one is the goal.
    tune_up = Run(START + timedelta(days=20), "race", 45)
    assert goal_races([tune_up, half]) == (half.date,)
    # Named races win, in date order.
    assert goal_races([tune_up, half], named=(half.date, tune_up.date)) == (tune_up.date,
                                                                            half.date)


def test_a_running_jump_holds_and_a_cutback_steps_back() -> None:
    def week(monday: date, minutes: int) -> list[Run]:
        return [Run(monday + timedelta(days=d), "easy", minutes) for d in (1, 3, 5)]

    volumes = [40, 40, 40, 60, 40, 40, 25]  # week 4 jumps 50%, week 7 falls ~35%
    runs = [r for n, m in enumerate(volumes) for r in week(START + timedelta(weeks=n), m)]
    mondays = week_starts(runs)
    auto = season_weeks(runs, mondays, (), None)
    assert [w.phase for w in auto] == ["build"] * 3 + ["maintain"] + ["build"] * 3
    assert [w.deload for w in auto] == [False] * 6 + [True]
    assert "50% above" in auto[3].why and "below" in auto[6].why
    fixed = season_weeks(runs, mondays, (), 3)  # --deload-every 3: the cadence, not the running
    assert [w.deload for w in fixed] == [False, False, True, False, False, True, False]
    assert fixed[3].phase == "maintain", "a jump still holds strength"


def test_a_named_race_that_is_not_in_the_runs_is_refused() -> None:
    from planner.planning.season import check_named_races

    runs = [Run(START, "easy", 30), Run(START + timedelta(days=6), "race", 60)]
    check_named_races(runs, (START + timedelta(days=6),))
    with pytest.raises(InputError, match="2027-01-04 is not a race in the runs"):
        check_named_races(runs, (START,), field="--race")


# -- the README's examples ------------------------------------------------------------------

def test_the_sixteen_week_example_has_a_season(catalog) -> None:
    runs = load_runs(EXAMPLES / "block-16-weeks.csv").runs
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}), tz="UTC")
    plan = planned(catalog, runs, profile)
    assert check_plan(plan, catalog) == []
    weeks = plan["weeks"]
    assert [w["phase"] for w in weeks][-5:] == ["build", "maintain", "maintain", "taper", "race"]
    # Step-back weeks fall where the runner's own cutback weeks are ("Long run ... (cutback)").
    cutbacks = {date.fromisoformat(w["start"]) for w in weeks
                if any("cutback" in r["title"] for r in w["runs"])}
    assert {date.fromisoformat(w["start"]) for w in weeks if w["deload"] and not w["taper"]} \
        == cutbacks
    race = date(2027, 4, 25)
    [session] = weeks[-1]["sessions"]
    assert session["intensity"] == "light"
    assert (race - date.fromisoformat(session["date"])).days >= 4
    done_before = {item["variation"] for w in weeks[:-1] for s in w["sessions"]
                   for item in s["exercises"]}
    assert {item["variation"] for item in session["exercises"]} <= done_before
    for n in (12, 13, 14):
        assert not load_steps_up(weeks[n - 1], weeks[n])


def test_the_google_export_parkruns_bring_no_taper(catalog) -> None:
    read = load_runs_ics(EXAMPLES / "google-export.ics", range_=None, keyword_map={},
                         default_tz="Europe/London")
    assert sum(1 for r in read.runs if r.kind == "race") == 3
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}),
                      tz="Europe/London")
    plan = planned(catalog, read.runs, profile)
    assert check_plan(plan, catalog) == []
    assert [w["phase"] for w in plan["weeks"]] == ["build"] * 3
    assert not any(w["taper"] or w["deload"] for w in plan["weeks"])
    for week in plan["weeks"]:
        assert [s["intensity"] for s in week["sessions"]].count("heavy") == 1
        saturday = date.fromisoformat(week["start"]) + timedelta(days=5)
        friday = (saturday - timedelta(days=1)).isoformat()
        # The parkrun is a hard run: its eve holds no main session, its day none at all.
        assert all(s["date"] != saturday.isoformat() for s in week["sessions"])
        assert all(s["intensity"] == "light" for s in week["sessions"] if s["date"] == friday)


def test_the_coaching_page_states_the_load_table_the_code_uses() -> None:
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "coaching.md").read_text("utf-8")
    section = text.split("### Running load", 1)[1].split("###", 1)[0]
    rows = {kind: (float(factor), int(minutes)) for kind, factor, minutes in
            re.findall(r"^\| (\w+) \| ([\d.]+) \| (\d+) \|$", section, re.M)}
    assert rows == {kind: (RUN_LOAD_FACTORS[kind], DEFAULT_RUN_MINUTES[kind])
                    for kind in RUN_LOAD_FACTORS}


# -- where goal races come from: --race, the roster, the batch ----------------------------------

def _cli(*args: str):
    from click.testing import CliRunner

    from planner.cli import main

    return CliRunner().invoke(main, list(args))


def test_plan_race_names_the_goal_and_race_week_none_empties_race_week(tmp_path: Path) -> None:
    runs = tmp_path / "runs.csv"
    lines = ["date,run,minutes"]
    for w in range(4):
        monday = START + timedelta(weeks=w)
        lines += [f"{monday + timedelta(days=1)},speed,50", f"{monday + timedelta(days=3)},easy,40",
                  f"{monday + timedelta(days=6)},long,90"]
    tune_up, goal = START + timedelta(days=5), START + timedelta(weeks=3, days=5)
    lines += [f"{tune_up},race,120", f"{goal},race,25"]  # a long race early, a short one last
    runs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "p.json"
    import json

    # By default the longest race is the goal: its week is race week.
    assert _cli("plan", str(runs), "--json", str(out), "--ics", str(tmp_path / "a.ics"),
                "-q").exit_code == 0
    assert json.loads(out.read_text())["weeks"][0]["phase"] == "race"
    # --race names the last one instead; --race-week none leaves its week empty.
    result = _cli("plan", str(runs), "--race", goal.isoformat(), "--race-week", "none",
                  "--json", str(out), "--ics", str(tmp_path / "b.ics"), "-q")
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    assert [w["phase"] for w in plan["weeks"]] == ["maintain", "maintain", "taper", "race"]
    assert plan["weeks"][3]["sessions"] == []
    assert "no strength this week (--race-week none)" in plan["weeks"][3]["phase_why"]
    assert plan["profile"]["races"] == [goal.isoformat()]
    assert plan["profile"]["race_week"] == "none"
    # A date that is no race: one line, the option named, nothing written.
    bad = tmp_path / "bad.ics"
    result = _cli("plan", str(runs), "--race", START.isoformat(), "--ics", str(bad))
    assert result.exit_code == 2
    assert "--race" in result.output and "2027-01-04 is not a race in the runs" in result.output
    assert "Traceback" not in result.output and not bad.exists()


def test_the_roster_race_column_and_batch_race(tmp_path: Path) -> None:
    import json

    from planner.readers.roster import load_roster

    roster = tmp_path / "roster.csv"
    roster.write_text("athlete,level,race,race_week,deload_every\n"
                      "Ana,beginner,2027-01-23,,\n"
                      "Ben,intermediate,,none,3\n"
                      "Cy,intermediate,23/01/2027,,\n"
                      "Di,intermediate,2027-01-16; 2027-01-23,light,\n", encoding="utf-8")
    entries = load_roster(roster)
    assert entries[0].profile is not None and entries[0].profile.races == (date(2027, 1, 23),)
    assert entries[0].profile.deload_every is None
    assert entries[1].profile is not None and entries[1].profile.race_week == "none"
    assert entries[1].profile.deload_every == 3
    assert entries[2].profile is None
    assert "row 4" in entries[2].error and "race" in entries[2].error
    assert entries[3].profile is not None and len(entries[3].profile.races) == 2
    runs = tmp_path / "runs.csv"
    lines = ["athlete,date,run,minutes"]
    for name in ("Ana", "Ben", "Di"):
        for n in range(21):
            day = START + timedelta(days=n)
            kind = "race" if day.weekday() == 5 else ("easy", "speed", "rest", "tempo", "easy",
                                                       "", "long")[day.weekday()]
            lines.append(f"{name},{day},{kind},{25 if kind == 'race' else 40}")
    runs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _cli("batch", str(roster), str(runs), "--out", str(out), "--jobs", "1",
                  "--race", "2027-01-16")
    assert result.exit_code == 4  # Cy's bad row
    ana = json.loads((out / "Ana.json").read_text())
    ben = json.loads((out / "Ben.json").read_text())
    # Ana names her own goal race; Ben (no race in his row) takes the batch's --race.
    assert [w["phase"] for w in ana["weeks"]] == ["maintain", "taper", "race"]
    assert [w["phase"] for w in ben["weeks"]] == ["taper", "race", "return"]
    assert ben["weeks"][1]["sessions"] == []  # race_week none
    assert all(s["intensity"] == "light" for s in ben["weeks"][2]["sessions"])


# -- the phase in every output ------------------------------------------------------------------

@pytest.fixture(scope="module")
def season_plan(catalog):
    runs = load_runs(EXAMPLES / "block-16-weeks.csv").runs
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}), tz="UTC")
    return plan_block(runs, profile, catalog.exercises).plan


def test_the_plan_json_reader_takes_phases_and_older_plans_without_them(season_plan) -> None:
    import copy

    from planner.readers.plan_json import plan_from_json, profile_from_json

    data = plan_to_dict(season_plan)
    back = plan_from_json(copy.deepcopy(data))
    assert [w.phase for w in back.weeks] == [w.phase for w in season_plan.weeks]
    assert [w.phase_why for w in back.weeks] == [w.phase_why for w in season_plan.weeks]
    assert profile_from_json(data).deload_every is None
    old = copy.deepcopy(data)
    for week in old["weeks"]:
        del week["phase"], week["phase_why"]
    for key in ("races", "race_week", "deload_every"):
        del old["profile"][key]
    before = plan_from_json(old)
    # A plan from before phases: its taper weeks were its only shape; every 4th week stepped back.
    assert [w.phase for w in before.weeks] == ["build"] * 14 + ["taper"] * 2
    assert profile_from_json(old).deload_every == 4
    assert profile_from_json(old).race_week == "light"
    bad = copy.deepcopy(data)
    bad["weeks"][0]["phase"] = "peak"
    with pytest.raises(InputError, match="'peak' in weeks\\[1\\] is not one of: build"):
        plan_from_json(bad)


def test_the_calendar_fit_and_explain_name_the_phase(season_plan) -> None:
    from planner.renderers.fit import render_fit_files
    from planner.renderers.ics import render_ics
    from planner.services.explain import explain_plan

    text = (render_ics(season_plan).decode().replace("\r\n ", "").replace("\\,", ",")
            .replace("\\;", ";"))
    assert "Season: race week — the goal race is on Sun 2027-04-25" in text
    assert "Season: maintain — running load 383 is 32% above" in text
    assert "Season: build, step-back week — running load 252 is 22% below" in text
    assert "Season: build\\n" in text, "a plain build week names its phase too"
    assert "SUMMARY:Leg strength · light (race week) · " in text
    assert "(deload)" not in text.split("Season: race week")[0].rsplit("BEGIN:VEVENT", 1)[1]
    from tests.test_fit import decode

    files = render_fit_files(season_plan)
    workout_names = {name: decode(data)["workout_mesgs"][0]["wkt_name"] for name, data in files}
    [race_session] = season_plan.weeks[15].sessions  # the one light session of race week
    day = race_session.date
    assert workout_names[f"{day.isoformat()}-light.fit"] == f"Race legs light {day.day} Apr"
    for word, wanted in (("Hold", lambda w: w.phase == "maintain" and not w.deload),
                         ("Deload", lambda w: w.phase == "build" and w.deload),
                         ("Build", lambda w: w.phase == "build" and not w.deload)):
        main = next(s for w in season_plan.weeks if wanted(w) for s in w.sessions
                    if s.intensity == "heavy")
        assert workout_names[f"{main.date.isoformat()}-main.fit"] == \
            f"{word} legs main {main.date.day} {main.date:%b}"
    explained = explain_plan(plan_to_dict(season_plan), what_if=False)
    assert "Week of 2027-04-19 — race week: the goal race is on Sun 2027-04-25" in explained
    assert "Week of 2027-03-29 — maintain: the last weeks before the taper" in explained


def test_the_web_pages_label_each_week(season_plan) -> None:
    from planner.web.views import block_rows, taper_days, week_views

    data = plan_to_dict(season_plan)
    views = week_views(data)
    assert [v.phase_label for v in views][-4:] == ["maintain", "maintain", "taper week",
                                                   "race week"]
    assert views[3].phase_label == "build, step-back week" and "below" in views[3].phase_why
    assert [row["phase"] for row in block_rows(data)][-1] == "race"
    # Taper swatches only before the goal race, never before a weekly parkrun.
    assert min(taper_days(data)) == date(2027, 4, 16)


# -- the checker judges B4-B6 without the solver ---------------------------------------------

def _rules(violations) -> set[str]:
    return {v.rule for v in violations}


def test_the_checker_catches_a_race_week_that_breaks_b4(catalog, season_plan) -> None:
    import copy

    data = plan_to_dict(season_plan)
    assert check_plan(data, catalog) == []
    race_week = data["weeks"][15]
    [session] = race_week["sessions"]
    second = copy.deepcopy(session)
    second["date"] = "2027-04-19"  # Monday: a second session
    two = copy.deepcopy(data)
    two["weeks"][15]["sessions"].insert(0, second)
    assert any(v.rule == "B4" and v.date == session["date"] and "at most 1" in v.message
               for v in check_plan(two, catalog))
    late = copy.deepcopy(data)
    late["weeks"][15]["sessions"][0]["date"] = "2027-04-22"  # Thursday: three days out
    assert any(v.rule == "B4" and "3 days before" in v.message for v in check_plan(late, catalog))
    new = copy.deepcopy(data)
    new["weeks"][15]["sessions"][0]["exercises"][0]["variation"] = "wall-calf-raise"
    assert any(v.rule == "B4" and v.exercise == "wall-calf-raise" and "new in race week"
               in v.message for v in check_plan(new, catalog))
    long_ = copy.deepcopy(data)
    extra = copy.deepcopy(data["weeks"][14]["sessions"][1]["exercises"][0])
    long_["weeks"][15]["sessions"][0]["exercises"].append(extra)
    assert any(v.rule == "B4" and "holds 5 exercises" in v.message
               for v in check_plan(long_, catalog))
    none = copy.deepcopy(data)
    none["profile"]["race_week"] = "none"
    assert any(v.rule == "B4" and "--race-week none" in v.message
               for v in check_plan(none, catalog))


def test_the_checker_catches_a_load_step_in_a_maintain_week(catalog, season_plan) -> None:
    import copy

    data = plan_to_dict(season_plan)
    # a maintain week's main lift that carries a load step
    week_no, session_no, item = next(
        (n, k, i) for n, w in enumerate(data["weeks"]) if w["phase"] == "maintain"
        for k, s in enumerate(w["sessions"]) if s["intensity"] == "heavy"
        for i in s["exercises"] if i["load"] == "light +1 step")

    def same_lift(plan: dict) -> dict:
        return next(i for i in plan["weeks"][week_no]["sessions"][session_no]["exercises"]
                    if i["variation"] == item["variation"])

    stepped = copy.deepcopy(data)
    same_lift(stepped)["load"] = "light +2 steps"
    found = [v for v in check_plan(stepped, catalog) if v.rule == "B5"]
    assert found and found[0].exercise == item["variation"] and "maintain" in found[0].message
    fewer = copy.deepcopy(data)
    same_lift(fewer)["sets"] -= 1
    assert "B5" not in _rules(check_plan(fewer, catalog)), "a set fewer still holds"
    # A week the plan marks maintain (its running jumped) is held to the same.
    week9 = copy.deepcopy(data)
    assert week9["weeks"][9]["phase"] == "build"
    week9["weeks"][9]["phase"] = "maintain"
    assert "B5" in _rules(check_plan(week9, catalog))


def test_the_checker_catches_a_main_session_in_the_return_week(catalog) -> None:
    runs = [Run(START + timedelta(days=d), kind, 45, time(7, 0))
            for d, kind in enumerate(["easy", "speed", "rest", "tempo", "easy", "rest", "long"]
                                     * 3)]
    runs[13] = Run(START + timedelta(days=13), "race", 100, time(9, 0))
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}), tz="UTC")
    data = planned(catalog, runs, profile)
    assert [w["phase"] for w in data["weeks"]] == ["taper", "race", "return"]
    assert check_plan(data, catalog, runs=runs) == []
    data["weeks"][2]["sessions"][-1]["intensity"] = "heavy"
    assert any(v.rule == "B6" and "return week" in v.message
               for v in check_plan(data, catalog, runs=runs))
