"""Honest words (issue 10, point 5): what the runner reads is true for that day and that kit.

Weeks are constructed here and the word functions called directly, so nothing pins an
exercise choice or a minute count of the solver (the model is reworked separately).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from planner.domain import (
    Dose,
    Penalty,
    PlannedExercise,
    Run,
    Session,
    WeekPlan,
)
from planner.planning.instance import Carry, WeekInstance
from planner.planning.progression import Candidate
from planner.planning.wording import (
    a_an,
    count_summary,
    equipment_choice,
    equipment_used,
    runner_text,
    shown_cue,
    shown_name,
    warmup_text,
)
from planner.renderers.ics import session_description, session_summary
from planner.renderers.json_plan import plan_to_dict
from planner.renderers.terminal import gave_up_line, plan_report, week_table
from planner.services.explain import explain_plan
from planner.solving.block import plan_block
from planner.solving.solve import solve_week
from planner.solving.why_lines import exercise_why, session_why
from tests.conftest import MONDAY, make_week

ARTICLE = Path(__file__).resolve().parents[1] / ".." / "shared" / "seed" / \
    "leg-exercises-for-runners.txt"
BOX_OR_BENCH = re.compile(r"\b(box|bench)", re.IGNORECASE)
TUE, WED, THU, FRI, SAT = 1, 2, 3, 4, 5


def _article_best_for() -> dict[int, str]:
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not at {ARTICLE}; best_for cannot be checked against it")
    text = ARTICLE.read_text(encoding="utf-8")
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(r"^(\d+)\. .+\nBest for: (.+)$", text, re.MULTILINE)}


def _week(catalog, kinds, *, times=None, **profile) -> WeekInstance:
    """make_week, with each day's run moved to the clock time given (None: no time)."""
    inst = make_week(catalog, kinds, **profile)
    if times is None:
        return inst
    runs = tuple(replace(r, time=times[(r.date - MONDAY).days]) for r in inst.runs)
    return replace(inst, runs=runs)


def _item(catalog, exercise_id: str, *, tempo: int = 0, load: int = 0, why: str = "",
          owned: frozenset[str] = frozenset()) -> PlannedExercise:
    ex = catalog.by_id()[exercise_id]
    return PlannedExercise(
        exercise=ex, dose=Dose(ex.id, 3, 10, load, tempo, 0), rest_s=60, minutes=5, why=why,
        equipment_used=equipment_used(ex.equipment, owned))


def _session(day: date, intensity: str, items, why: str = "a reason") -> Session:
    return Session(date=day, start=time(18, 0), minutes=40, intensity=intensity,
                   exercises=tuple(items), why=why, warmup_minutes=8)


# -- 1. the heavy session is the runner's "main" session --------------------------------


def test_heavy_session_is_called_main_to_the_runner(catalog) -> None:
    items = [_item(catalog, "bodyweight-squat"), _item(catalog, "glute-bridge")]
    main = _session(MONDAY + timedelta(days=TUE), "heavy", items)
    light = _session(MONDAY + timedelta(days=FRI), "light", items)
    assert session_summary(main) == "Leg strength · main · 2 exercises"
    assert session_summary(main, deload=True) == "Leg strength · main (deload) · 2 exercises"
    assert session_summary(light) == "Leg strength · light · 2 exercises"
    week = WeekPlan(start=MONDAY, runs=(), sessions=(main, light))
    table = "\n".join(week_table(week))
    assert "main 18:00 40'" in table and "heavy" not in table
    assert count_summary(["heavy", "light"], 1) == "2 sessions over 1 week: 1 main, 1 light."


def test_plan_report_and_explain_say_main(catalog) -> None:
    inst = make_week(catalog, ["easy", "rest", "easy", "rest", "easy", "rest", "long"],
                     level="beginner")
    plan = plan_block(inst.runs, inst.profile, catalog.exercises).plan
    assert any(s.intensity == "heavy" for w in plan.weeks for s in w.sessions)
    report = plan_report(plan)
    assert " main " in report and "1 main, 0 light." in report
    assert not re.search(r"\bheavy\b", report)
    data = plan_to_dict(plan)
    assert {s["intensity"] for w in data["weeks"] for s in w["sessions"]} == {"heavy"}
    assert {s["label"] for w in data["weeks"] for s in w["sessions"]} == {"main"}
    names = {e["display_name"] for w in data["weeks"] for s in w["sessions"]
             for e in s["exercises"]}
    assert not any(BOX_OR_BENCH.search(name) for name in names)
    explained = explain_plan(data, what_if=False)
    assert " · main · " in explained and " · heavy · " not in explained


def test_own_calendar_events_with_the_new_word_are_still_recognised() -> None:
    import icalendar

    from planner.readers.ics_events import is_own_strength

    event = icalendar.Event()
    event.add("summary", "Leg strength · main · 5 exercises")
    event.add("uid", "not-ours@example.com")
    assert is_own_strength(event)


# -- 2. every exercise says what it does for a runner, quoted from the article ---------


def test_best_for_is_the_articles_line_for_every_row(catalog) -> None:
    article = _article_best_for()
    assert len(article) == 13
    for ex in catalog.exercises:
        assert ex.best_for == article[ex.family_no], ex.id


def test_exercise_why_and_calendar_quote_best_for(catalog) -> None:
    article = _article_best_for()
    inst = make_week(catalog, ["easy"] * 7)
    ex = catalog.by_id()["low-step-up"]
    cand = Candidate(ex, Dose(ex.id, 2, 8, 0, 0, 0), 60, 4, (), False, False)
    why = exercise_why(inst, cand, "heavy")
    quoted = article[5].rstrip(".")  # "Hill strength, single-leg drive, and glute control"
    assert quoted[1:] in why and why.lower().startswith("best for " + quoted[:1].lower())
    text = session_description(_session(MONDAY, "heavy", [_item(catalog, "low-step-up")]))
    assert f"   Best for: {article[5]}" in text.split("\n")


# -- 3. why-lines true for the day --------------------------------------------------------


def test_session_before_an_evening_run_is_not_after_it(catalog) -> None:
    inst = _week(catalog, ["easy"] * 7, times=[time(19, 0)] * 7)
    why = session_why(inst, WED, "heavy", start=time(6, 30))
    assert "before the 19:00 easy run" in why
    assert "after" not in why.split(";")[0]


def test_session_after_a_morning_run_says_after(catalog) -> None:
    inst = _week(catalog, ["easy"] * 7, times=[time(7, 0)] * 7)
    why = session_why(inst, WED, "heavy", start=time(18, 0))
    assert why.startswith("Wed: after the 07:00 easy run (S2)")


def test_run_without_a_time_is_an_easy_run_day(catalog) -> None:
    inst = _week(catalog, ["easy"] * 7, times=[None] * 7)
    why = session_why(inst, WED, "heavy", start=time(18, 0))
    assert why.startswith("Wed: on an easy-run day (S2)")
    assert "after" not in why and "before" not in why


def test_planned_sessions_before_evening_runs_never_say_after(catalog) -> None:
    inst = _week(catalog, ["easy", "easy", "rest", "easy", "easy", "rest", "long"],
                 times=[time(19, 0)] * 7, start_time=time(6, 30),
                 equipment=frozenset({"dumbbell", "band"}))
    week = plan_block(inst.runs, inst.profile, catalog.exercises).plan.weeks[0]
    assert week.sessions
    for session in week.sessions:
        assert session.start < time(19, 0)
        assert "after the 19:00" not in session.why and "after an easy run" not in session.why


def test_first_light_session_is_not_called_the_second(catalog) -> None:
    inst = make_week(catalog, ["easy"] * 7)
    first = session_why(inst, TUE, "light", week=((TUE, "light"), (FRI, "heavy")))
    assert "second" not in first
    assert "the lighter of the week's two sessions; the main one is on Fri (S9)" in first
    second = session_why(inst, FRI, "light", week=((TUE, "heavy"), (FRI, "light")))
    assert "the second, lighter session of the week (S9)" in second
    alone = session_why(inst, FRI, "light", week=((FRI, "light"),))
    assert "second" not in alone and "lighter of" not in alone


def test_planned_second_session_wording_matches_date_order(catalog) -> None:
    for kinds in (["easy", "speed", "rest", "tempo", "easy", "rest", "long"],
                  ["easy", "easy", "rest", "easy", "easy", "easy", "rest"]):
        inst = make_week(catalog, kinds, equipment=frozenset({"dumbbell", "band"}))
        week = plan_block(inst.runs, inst.profile, catalog.exercises).plan.weeks[0]
        ordered = sorted(week.sessions, key=lambda s: s.date)
        for n, session in enumerate(ordered):
            if "the second, lighter session" in session.why:
                assert n == 1 and ordered[0].intensity == "heavy", session.why


def test_no_left_out_of_the_heavy_session_in_a_week_without_one(catalog) -> None:
    # Every day is the eve of a tempo run (H1): light sessions only.
    carry = Carry(doses={(1, "heavy"): Dose("goblet-squat", 3, 9, 1, 0, 1)},
                  session_dates=(MONDAY - timedelta(days=3),))
    inst = make_week(catalog, ["tempo"] * 7, carry=carry, next_monday="tempo",
                     equipment=frozenset({"dumbbell", "band"}))
    result = solve_week(inst)
    assert result.sessions and all(s.intensity == "light" for s in result.sessions)
    assert not [p for p in result.penalties if "left out of the heavy session" in p.text]
    week = WeekPlan(start=MONDAY, runs=inst.runs, sessions=result.sessions,
                    penalties=result.penalties)
    assert "left out of the" not in gave_up_line(week)


def test_gave_up_line_drops_a_session_the_week_does_not_hold(catalog) -> None:
    light = _session(MONDAY + timedelta(days=TUE), "light", [_item(catalog, "glute-bridge")])
    week = WeekPlan(start=MONDAY, runs=(), sessions=(light,), penalties=(
        Penalty("S4", 15, "Goblet squat left out of the heavy session although it is a core "
                          "lift"),))
    assert gave_up_line(week) == "Gave up: nothing — every soft objective met."


def test_a_an_grammar() -> None:
    assert a_an("intermediate") == "an" and a_an("advanced") == "an"
    assert a_an("beginner") == "a" and a_an("unilateral") == "a" and a_an("easy-run") == "an"
    week = WeekPlan(start=MONDAY, runs=(), sessions=(), penalties=(
        Penalty("S7", 5, "Goblet squat: a intermediate variation"),))
    assert gave_up_line(week) == "Gave up: Goblet squat: an intermediate variation (S7)"
    assert runner_text("Goblet squat (heavy) held at its last dose") == \
        "Goblet squat (main) held at its last dose"
    assert a_an("8-minute") == "an" and a_an("5-minute") == "a"


def test_conflict_lines_use_right_article_and_main(catalog) -> None:
    from planner.planning.progression import WARMUP_MINUTES
    from planner.solving.diagnosis import describe_conflict

    inst = make_week(catalog, ["easy"] * 7)
    h12, h8 = describe_conflict(inst, ("H12", "H8"))
    shortest = str(WARMUP_MINUTES["light"])
    assert f"{a_an(shortest)} {shortest}- to {WARMUP_MINUTES['heavy']}-minute warm-up" in h12
    assert "a main session needs" in h8


def test_eve_and_eves_agree(catalog) -> None:
    one = make_week(catalog, ["easy", "easy", "easy", "easy", "easy", "easy", "long"])
    assert "Sat is the eve of a key run (H1)" in session_why(one, TUE, "heavy")
    many = make_week(catalog, ["easy", "speed", "easy", "tempo", "easy", "easy", "easy"])
    assert "Mon, Wed are eves of key runs (H1)" in session_why(many, FRI, "heavy")
    tomorrow = session_why(many, WED, "light")
    assert "tomorrow holds a tempo run (H1)" in tomorrow


# -- 4. equipment named is what the runner owns --------------------------------------------


def test_equipment_used_prefers_own_then_home_items() -> None:
    assert equipment_used((("box", "bench", "chair"),), frozenset()) == ("chair",)
    assert equipment_used((("box", "bench", "chair"),), frozenset({"bench"})) == ("bench",)
    assert equipment_used((("box", "step", "bench"), ("dumbbell",)),
                          frozenset({"dumbbell"})) == ("step", "dumbbell")
    assert equipment_choice(("step", "box"), frozenset({"box"})) == "box"


def test_no_box_or_bench_named_to_a_runner_without_one(catalog) -> None:
    from constraints.eligibility import equipment_allows

    for owned in (frozenset(), frozenset({"dumbbell", "band"})):
        for ex in catalog.exercises:
            if not equipment_allows(ex, owned):
                continue
            used = equipment_used(ex.equipment, owned)
            assert not set(used) & {"box", "bench"}, ex.id
            assert not BOX_OR_BENCH.search(shown_name(ex, used)), ex.id
            assert not BOX_OR_BENCH.search(shown_cue(ex, used)), ex.id
    box_squat = catalog.by_id()["box-squat"]
    assert shown_name(box_squat, ("chair",)) == "Chair squat"
    assert shown_name(box_squat, ("box",)) == "Box squat"


def test_beginner_without_equipment_reads_no_box_no_bench_no_band(catalog) -> None:
    from planner.renderers.ics import render_ics

    inst = make_week(catalog, ["rest", "easy", "rest", "easy", "rest", "easy", "long"],
                     level="beginner")
    plan = plan_block(inst.runs, inst.profile, catalog.exercises).plan
    calendar = render_ics(plan).decode("utf-8").replace("\r\n ", "")
    for text in (plan_report(plan), calendar):
        assert not BOX_OR_BENCH.search(text)
        assert "band" not in text.lower()


def test_warm_up_prescribes_band_walks_only_with_a_band(catalog) -> None:
    assert "band" not in warmup_text(frozenset())
    assert "lateral band walks" in warmup_text({"band"})
    plain = _session(MONDAY, "light", [_item(catalog, "glute-bridge")])
    assert "band" not in session_description(plain)
    banded = _session(MONDAY, "light", [_item(catalog, "monster-walk", owned=frozenset({"band"}))])
    assert "lateral band walks" in session_description(banded)
    assert "band" not in session_description(banded, equipment=frozenset())


# -- 5. the table shows every run and the changes --------------------------------------


def test_double_day_runs_are_not_cut_off(catalog) -> None:
    tue = MONDAY + timedelta(days=TUE)
    runs = (Run(tue, "easy", 40, time(6, 30)), Run(tue, "speed", 75, time(18, 30)),
            Run(MONDAY + timedelta(days=THU), "easy", 35, time(6, 30)),
            Run(MONDAY + timedelta(days=THU), "hill", 60, time(18, 30)),
            Run(MONDAY + timedelta(days=SAT), "recovery", 30, None))
    session = _session(tue, "heavy", [_item(catalog, "bodyweight-squat")])
    table = "\n".join(week_table(WeekPlan(start=MONDAY, runs=runs, sessions=(session,))))
    assert "…" not in table
    for text in ("easy 40'", "speed 75'", "easy 35'", "hill 60'", "recovery 30'"):
        assert text in table


def test_table_shows_tempo_and_a_variation_change(catalog) -> None:
    inst = make_week(catalog, ["easy"] * 7, carry=Carry(
        doses={(5, "heavy"): Dose("low-step-up", 3, 12, 0, 0, 1)}))
    ex = catalog.by_id()["lateral-step-up"]
    cand = Candidate(ex, Dose(ex.id, 3, 12, 0, 0, 1), 60, 5, ("variation",), True, True)
    why = exercise_why(inst, cand, "heavy")
    assert "harder variation (was Low step-up)" in why
    slow = _item(catalog, "goblet-squat", tempo=1, load=1, owned=frozenset({"dumbbell"}))
    moved = replace(_item(catalog, "lateral-step-up"), why=why)
    session = _session(MONDAY + timedelta(days=WED), "heavy", [slow, moved])
    table = "\n".join(week_table(WeekPlan(start=MONDAY, runs=(), sessions=(session,))))
    assert "Goblet squat 3×10 reps @light, slow 3-s lowering" in table
    assert "Lateral step-up 3×10 reps/side (harder variation, was Low step-up)" in table



def test_long_run_day_says_what_it_is(catalog) -> None:
    inst = _week(catalog, ["easy", "easy", "easy", "easy", "easy", "easy", "long"],
                 times=[time(8, 0)] * 7)
    why = session_why(inst, 6, "light", start=time(18, 0))
    assert why.startswith("Sun: on a long-run day, after the 08:00 long run (S2)")
    assert "a long day" not in why


def test_a_why_line_says_new_or_how_the_dose_moved_never_both(catalog) -> None:
    """"new this week" and "same dose as last time" (or a change) exclude each other: a
    first week's exercise was never done, so it has no dose to repeat."""
    from planner.domain import Profile
    from planner.readers.runs_csv import load_runs
    from planner.solving.block import plan_block

    runs = load_runs(Path(__file__).resolve().parents[1] / "examples" / "block-16-weeks.csv").runs
    profile = Profile(level="intermediate", equipment=frozenset({"dumbbell", "band"}),
                      weights=(("dumbbell", (4.0, 6.0, 8.0, 10.0, 12.5)),), tz="UTC")
    plan = plan_block(runs, profile, catalog.exercises, diagnose=False).plan
    for week in plan.weeks:
        for session in week.sessions:
            for item in session.exercises:
                if "new this week" in item.why:
                    assert "same dose" not in item.why and "nothing else changed" not in \
                        item.why, item.why
