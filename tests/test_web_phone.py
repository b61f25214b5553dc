"""The page a runner uses on a phone (issue 22), without a browser: the session card's words,
the charts' geometry, the form's errors in the page's words, the print view and the squad's
season strips. tests/test_web_browser.py drives the same pages in Chromium."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import PLYOMETRIC_TEMPO, phase_label
from planner.errors import InputError
from planner.planning.loads import LIGHT_EFFORT, load_words_of
from planner.planning.wording import effort_cue, shown_name, warmup_text
from planner.readers.catalog import load_catalog
from planner.web import charts
from planner.web.cards import exercise_card, load_words, plan_cards
from planner.web.form_errors import error_context, form_errors
from tests.test_web import ROOT, client, csrf, form, plan_week, upload  # noqa: F401

BLOCK = ROOT / "examples" / "block-16-weeks.csv"
DAY_WEEK = ROOT / "examples" / "day-format-week.csv"
BY_ID = load_catalog().by_id()


def _item(variation: str, **extra) -> dict:
    exercise = BY_ID[variation]
    return {"id": variation, "family": exercise.family, "name": exercise.name,
            "display_name": exercise.name, "sets": 3, "reps": 8,
            "reps_unit": exercise.reps_unit, "rest_s": 90, "load": "light",
            "weight_kg": None, "tempo": "controlled", "range": "full range",
            "variation": variation, "cue": exercise.cue, "why": "trains glutes (S1)",
            "equipment": [], **extra}


# ---- the session card ---------------------------------------------------------------------


def test_names_come_from_wording_shown_name_with_the_runners_kit() -> None:
    box = next(ex for ex in BY_ID.values() if ex.name.startswith("Box squat"))
    card = exercise_card(_item(box.id, equipment=["chair"]), BY_ID)
    assert card["name"] == shown_name(box, ("chair",))
    assert "Chair" in card["name"] and "Box" not in card["name"]
    either = next(ex for ex in BY_ID.values()
                  if ex.name.startswith("Dumbbell or kettlebell Romanian"))
    card = exercise_card(_item(either.id, equipment=["dumbbell"]), BY_ID)
    assert card["name"] == "Dumbbell Romanian deadlift"


def test_the_exercise_line_says_how_and_keeps_the_reasons_apart() -> None:
    variation = next(iter(BY_ID))
    item = _item(variation, weight_kg=8.0, equipment=["dumbbell"])
    card = exercise_card(item, BY_ID)
    assert card["dose"].startswith("3 × 8 ")
    assert card["load"] == load_words_of(item) and card["load"].startswith("8 kg ")
    assert card["rest"] == "rest 90 s"
    assert card["cue"] and "(S1)" not in card["dose"] + card["load"] + card["cue"]
    assert card["why"] == "trains glutes (S1)"  # kept for the Why? disclosure


@pytest.mark.parametrize(("item", "kit", "words"), [
    # the JSON's own words first: the .ics of the same plan was written with them
    ({"weight_kg": 8.0, "load": "light", "load_words": "8 kg per hand"}, (), "8 kg per hand"),
    # a plan stored before load_words: worded afresh, held as the runner's kit holds it
    ({"id": "goblet-squat", "weight_kg": 12.5, "load": "light +1 step"}, ("dumbbell",),
     "12.5 kg (one dumbbell)"),
    ({"id": "romanian-deadlift", "weight_kg": 10, "load": "light", "equipment": []},
     ("band", "dumbbell"), "10 kg per hand"),
    ({"weight_kg": None, "load": "light +1 step"}, (), "light +1 step"),
    ({"weight_kg": None, "load": "bodyweight"}, (), "bodyweight"),
    ({}, (), "bodyweight"),
    # JSON true is not a number of kilograms (bool is an int in Python)
    ({"weight_kg": True, "load": "light"}, (), f"light ({LIGHT_EFFORT})"),
])
def test_load_words(item: dict, kit: tuple[str, ...], words: str) -> None:
    assert load_words(item, kit) == words


def test_the_card_has_the_ics_warm_up_place_and_effort() -> None:
    plan = {"profile": {"equipment": ["band"]}, "weeks": [{
        "start": "2027-01-04", "deload": False,
        "runs": [{"date": "2027-01-06", "run": "easy", "minutes": 40, "time": "07:00"},
                 {"date": "2027-01-07", "run": "long", "minutes": 90, "time": "08:00"}],
        "sessions": [{"date": "2027-01-06", "start": "18:00", "minutes": 30,
                      "warmup_minutes": 5, "intensity": "heavy", "why": "Wed: after (S2)",
                      "exercises": [_item(next(iter(BY_ID)))]}]}]}
    card = plan_cards(plan, BY_ID)["2027-01-06"]
    assert card["warmup"] == warmup_text({"band"}, loaded=True, minutes=5)
    assert card["place"] == ["after the 07:00 easy run", "tomorrow: long run"]
    assert card["word"] == "main" and card["effort"] == effort_cue("heavy")
    assert card["season"] == "Season: build"  # every week names its phase, as the .ics does
    plan["weeks"][0]["sessions"][0]["after_run"] = True
    plan["weeks"][0].update(phase="taper", phase_why="race on Sun 17 Jan")
    card = plan_cards(plan, BY_ID)["2027-01-06"]
    assert card["warmup"] == warmup_text({"band"}, loaded=True, minutes=5, after_run=True)
    assert card["season"] == f"Season: {phase_label('taper')} — race on Sun 17 Jan"


def _ics_descriptions(path: Path) -> dict[str, str]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    return {event.decoded("dtstart").date().isoformat(): str(event.get("description"))
            for event in calendar.walk("VEVENT")}


def test_the_card_says_what_the_ics_says_for_the_same_plan(tmp_path: Path) -> None:
    """Every session of a 16-week season with dumbbells: the card's season line, warm-up,
    each lift's name, load, tempo (quick contacts for jumps), range and next step, the
    step legend and the effort line are the .ics event's own words."""
    from click.testing import CliRunner

    from planner.cli import main

    result = CliRunner().invoke(main, [
        "plan", str(BLOCK), "--weights", "dumbbell:4,6,8,10,12.5", "--race", "2027-04-25",
        "--ics", str(tmp_path / "plan.ics"), "--json", str(tmp_path / "plan.json"), "-q"])
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    descriptions = _ics_descriptions(tmp_path / "plan.ics")
    cards = plan_cards(plan, BY_ID)
    assert cards.keys() == descriptions.keys()
    seen = {"season": 0, "kg": 0, "jump": 0, "next": 0}
    for day, card in cards.items():
        text = descriptions[day]
        if card["season"]:
            assert text.startswith(card["season"] + "\n"), day
            seen["season"] += 1
        else:
            assert "Season:" not in text, day
        assert f"Warm-up ({card['warmup_minutes']} min): {card['warmup']}\n" in text, day
        for number, ex in enumerate(card["exercises"], start=1):
            assert f"{number}. {ex['name']} — " in text, (day, ex["name"])
            assert f" · load: {ex['load']} · tempo: {ex['tempo']} · {ex['range']}\n" in text
            seen["kg"] += " kg" in ex["load"]
            seen["jump"] += ex["tempo"] == PLYOMETRIC_TEMPO
            if ex["next_step"]:
                assert f"Next: {ex['next_step']}" in text
                seen["next"] += 1
        assert (card["load_legend"] in text) if card["load_legend"] else True
        assert f"\n{card['effort']}\n" in text, day
    assert all(seen.values()), seen  # the plan had each kind of line to compare


# ---- the charts ---------------------------------------------------------------------------


def _week(number: int, minutes: int, sets: int, *, deload: bool = False,
          races: tuple[date, ...] = (), phase: str = "build") -> charts.SeasonWeek:
    start = date(2027, 1, 4) + timedelta(days=7 * (number - 1))
    return charts.SeasonWeek(number, start, minutes, sets, 2, phase, deload, races)


def test_season_chart_bars_scale_to_their_panels() -> None:
    weeks = [_week(1, 200, 10), _week(2, 300, 20), _week(3, 150, 5, deload=True)]
    chart = charts.season_chart(weeks)
    assert chart.run_max == 300 and chart.strength_max == 20
    tallest = max(chart.run_bars, key=lambda r: r.height)
    assert tallest.height == charts.RUN_H and tallest.y == charts.RUN_Y
    assert chart.strength_bars[0].height == charts.STRENGTH_H / 2
    assert [r.label for r in chart.deloads] == ["week 3: step-back week"]
    assert all(bar.x + bar.width <= chart.width - charts.RIGHT for bar in chart.run_bars)


def test_phases_merge_into_bands_and_races_sit_on_their_day() -> None:
    sunday = date(2027, 1, 24)
    weeks = [_week(1, 100, 10), _week(2, 100, 10, phase="taper"),
             _week(3, 100, 4, phase="race", races=(sunday,))]
    chart = charts.season_chart(weeks)
    assert [band.phase for band in chart.phases] == ["build", "taper", "race"]
    weeks = [_week(1, 100, 10, phase="maintain"), _week(2, 100, 10, phase="maintain")]
    [band] = charts.season_chart(weeks).phases  # equal phases side by side: one band
    assert band.width == charts.WIDTH - charts.LEFT - charts.RIGHT
    flag = chart.races[0]
    x3, slot = charts.LEFT + 2 * (chart.width - charts.LEFT - charts.RIGHT) / 3, \
        (chart.width - charts.LEFT - charts.RIGHT) / 3
    assert x3 + slot * 6 / 7 < flag.x < x3 + slot  # Sunday: the week's last seventh
    assert flag.label == "race 24 Jan"


def test_a_step_back_week_stays_in_its_phase_band_and_words_that_do_not_fit_are_left_out() -> None:
    weeks = [_week(n, 100, 10, deload=n % 4 == 0) for n in range(1, 13)]
    weeks[2] = _week(3, 100, 10, phase="maintain")
    bands = charts.season_chart(weeks, charts.NARROW_WIDTH).phases
    assert [band.phase for band in bands] == ["build", "maintain", "build"]
    assert bands[-1].label == "build"  # weeks 4-12, step-back weeks 4, 8, 12 inside
    assert bands[1].label == ""  # one week of "maintain" on a phone: no room for the word
    assert abs(bands[-1].x + bands[-1].width - (charts.NARROW_WIDTH - charts.RIGHT)) < 0.2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 900), st.integers(0, 60), st.booleans()),
                min_size=1, max_size=30),
       st.sampled_from([charts.WIDTH, charts.NARROW_WIDTH]))
def test_season_chart_stays_inside_its_box(data: list, width: int) -> None:
    weeks = [_week(n, minutes, sets, deload=deload)
             for n, (minutes, sets, deload) in enumerate(data, start=1)]
    chart = charts.season_chart(weeks, width)
    for bar in chart.run_bars:
        assert bar.y >= charts.RUN_Y and bar.y + bar.height <= charts.RUN_Y + charts.RUN_H + 0.1
    for bar in chart.strength_bars:
        assert bar.y + bar.height <= charts.STRENGTH_Y + charts.STRENGTH_H + 0.1
    for bar in chart.run_bars + chart.strength_bars:
        assert bar.x >= charts.LEFT and bar.x + bar.width <= width - charts.RIGHT + 0.1
    assert len(chart.week_labels) * 28 <= width  # labels never crowd
    assert chart.week_labels[0].text == "1"


def test_nice_max() -> None:
    assert [charts.nice_max(v) for v in (0, 1, 7, 11, 280, 301, 999)] == \
        [1, 1, 8, 20, 300, 400, 1000]


def test_lift_series_in_kg_when_weights_named_else_reps() -> None:
    a, b = list(BY_ID)[:2]
    plan = {"weeks": [
        {"sessions": [{"exercises": [_item(v, weight_kg=kg, reps=r, family=f"family {v}")
                                     for v, kg, r in row]}]}
        for row in ([(a, 6.0, 10), (b, None, 8)], [(a, 8.0, 10), (b, None, 10)],
                    [(a, 8.0, 12), (b, None, 12)])]}
    ids = [a, b]
    series = charts.lift_series(plan)
    assert [(s.unit, [p.value for p in s.points]) for s in series] == [
        ("kg", [6.0, 8.0, 8.0]), (BY_ID[ids[1]].reps_unit, [8.0, 10.0, 12.0])]
    line = charts.line_chart(series[0], 3)
    assert line.path.startswith("M") and len(line.dots) == 3
    assert line.dots[0].y > line.dots[1].y  # heavier is higher
    assert line.week_labels[-1].text == "week 3"


def test_a_held_lift_draws_a_level_line_mid_height() -> None:
    series = charts.LiftSeries("x", "kg", tuple(charts.LiftPoint(n, 6.0, "") for n in (1, 2)))
    line = charts.line_chart(series, 2)
    assert line.dots[0].y == line.dots[1].y
    assert 20 < line.dots[0].y < line.height - 30


def test_squad_strip_marks_step_back_weeks_and_races() -> None:
    weeks = [_week(1, 100, 10), _week(2, 100, 5, deload=True),
             _week(3, 100, 2, races=(date(2027, 1, 23),))]
    strip = charts.season_strip(weeks)
    assert len(strip.bars) == 3 and len(strip.deloads) == 1 and len(strip.races) == 1
    assert strip.bars[0].height > strip.bars[1].height > strip.bars[2].height
    assert 2 * strip.width / 3 < strip.races[0] < strip.width


# ---- errors in the page's words ---------------------------------------------------------


def test_one_message_for_one_missing_start_on_the_start_field() -> None:
    lines = ["a 'day' column needs the week it belongs to: pass --start YYYY-MM-DD"]
    lines += [f"  row {n}, field 'day': {lines[0]}" for n in range(3, 9)] + ["  (7 bad rows)"]
    err = InputError("\n".join(lines), file="week.csv", row=2, field="day")
    problems = form_errors(err)
    assert len(problems) == 1 and problems[0].field == "start"
    assert "--" not in problems[0].message and "Monday" in problems[0].message
    context = error_context(err)
    assert context["open_more"] and context["field_errors"].keys() == {"start"}


def test_rows_with_the_same_problem_become_one_message() -> None:
    err = InputError("'flying' is not a run\n  row 3, field 'run': 'flying' is not a run\n"
                     "  row 4, field 'minutes': 'x' is not a number\n  (3 bad rows in all)",
                     file="runs.csv", row=2, field="run")
    assert [p.message for p in form_errors(err)] == [
        "runs.csv, rows 2–3, column 'run': 'flying' is not a run",
        "runs.csv, row 4, column 'minutes': 'x' is not a number"]


@pytest.mark.parametrize(("flag", "field"), [("--tz", "tz"), ("--minutes", "minutes"),
                                             ("--time", "start_time"), ("--map", "map"),
                                             ("--deload-every", "deload_every")])
def test_flags_become_fields(flag: str, field: str) -> None:
    err = InputError(f"{flag} is not right; see --start", field=flag)
    [problem] = form_errors(err)
    assert problem.field == field and "--" not in problem.message
    assert "“Monday of week 1”" in problem.message


# ---- through the app ----------------------------------------------------------------------


def test_missing_start_date_is_said_once_next_to_the_shown_field(client) -> None:  # noqa: F811
    response = client.post("/plan", data=form(csrf(client), athlete="Kim", equipment=["band"]),
                           files=upload(DAY_WEEK))
    assert response.status_code == 400
    html = response.text
    assert html.count("without dates") == 2  # the summary's link and the field's own line
    assert "--start" not in html and "field '" not in html
    assert re.search(r'<details open>\s*<summary>More options', html)
    assert re.search(r'name="start"[^>]*aria-invalid="true"', html)
    assert 'href="#start"' in html  # the summary links to the field
    # the runner's other choices are kept
    assert 'value="Kim"' in html and re.search(r'value="band" checked', html)
    response = client.post("/plan", data=form(csrf(client), start="2027-01-04"),
                           files=upload(DAY_WEEK), follow_redirects=False)
    assert response.status_code == 303


def test_a_replan_error_opens_the_options_it_concerns(client) -> None:  # noqa: F811
    location = plan_week(client)
    response = client.post(f"{location}/plan", data=form(csrf(client), tz="Mars/Base"),
                           files=upload(ROOT / "examples" / "intermediate-week.csv"))
    assert response.status_code == 400
    assert re.search(r"<details open><summary>Change your options", response.text)
    assert re.search(r'id="re-tz"[^>]*aria-invalid="true"', response.text)
    assert 'href="#re-tz"' in response.text


def test_block_page_has_charts_with_data_tables_and_print_view(client) -> None:  # noqa: F811
    location = plan_week(client, BLOCK, weights="dumbbell:4,6,8,10,12")
    html = client.get(location).text
    assert html.count('class="chart season"') == 1
    assert html.count("<svg") >= 3 and 'role="img"' in html
    assert "The numbers behind the picture" in html and 'class="chart-data"' in html
    assert html.count("<tr><th scope=\"row\">") >= 16  # a row per week behind the season
    assert "kg per week" in html  # a loaded lift drawn in kilograms
    assert "<script" not in html.split("</main>")[0]  # pictures without JavaScript
    printed = client.get(f"{location}/plans/1/sessions")
    assert printed.status_code == 200
    assert printed.text.count('class="print-page"') == html.count('class="card ')
    assert client.get(f"{location}/plans/9/sessions").status_code == 404


def test_one_week_has_cards_but_no_season_chart(client) -> None:  # noqa: F811
    html = client.get(plan_week(client)).text
    assert 'class="chart season"' not in html
    cards = re.findall(r'<article class="card (main|light)"', html)
    assert cards and html.count("<summary>Why?</summary>") == len(cards)
    assert not re.search(r"<li><strong class=\"ex-name\">[^<]*</strong>[^<]*\(S\d", html)


def test_squad_page_draws_a_strip_per_athlete(client) -> None:  # noqa: F811
    token = csrf(client, "/coach")
    response = client.post("/coach", data={"csrf_token": token}, files={
        "roster": ("roster.csv", (ROOT / "examples/coach/roster.csv").read_bytes(), "text/csv"),
        "runs": ("runs.csv", (ROOT / "examples/coach/runs.csv").read_bytes(), "text/csv")},
        follow_redirects=False)
    assert response.status_code == 303
    squad = response.headers["location"]
    import time

    deadline = time.monotonic() + 300
    while "All calendars" not in (html := client.get(squad).text):
        assert time.monotonic() < deadline
        time.sleep(0.5)
    planned = len(re.findall(r'href="/a/', html))
    assert planned and html.count('<svg class="strip"') == planned


def test_a_failed_send_keeps_the_chosen_file(client) -> None:  # noqa: F811
    """A phone cannot re-fill a file field: the page keeps the file the runner chose when
    another field was the problem, and the next send uses it."""
    response = client.post("/plan", data=form(csrf(client), tz="Mars/Base"),
                           files=upload(DAY_WEEK))
    assert response.status_code == 400
    assert 'name="kept_name" value="day-format-week.csv"' in response.text
    kept = re.search(r'name="kept_runs" value="([^"]*)"', response.text)
    assert kept and "Still using" in response.text
    import html as html_lib

    fixed = form(csrf(client), tz="Europe/London", start="2027-01-04",
                 kept_runs=html_lib.unescape(kept.group(1)), kept_name="day-format-week.csv")
    response = client.post("/plan", data=fixed, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "day-format-week.csv" in page  # the history names the file used


def test_a_bad_file_is_not_kept(client) -> None:  # noqa: F811
    response = client.post("/plan", data=form(csrf(client)),
                           files=upload(DAY_WEEK, "runs.csv", b"date,run\n2026-11-30,flying\n"))
    assert response.status_code == 400 and 'name="kept_runs"' not in response.text


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(2, 40), st.sampled_from(["day", "run", "minutes"]),
                          st.sampled_from(["bad --start", "not a run", "pass --tz X"])),
                min_size=1, max_size=12),
       st.sampled_from([None, "runs.csv"]))
def test_file_errors_are_grouped_and_flag_free(rows: list, file: str | None) -> None:
    first, *rest = rows
    text = "\n".join([first[2], *(f"  row {r}, field '{c}': {m}" for r, c, m in rest),
                      f"  ({len(rows)} bad rows in all)"])
    problems = form_errors(InputError(text, file=file, row=first[0], field=first[1]))
    distinct = {(c, m) for _, c, m in rows}
    assert len(problems) == len(distinct)  # one message per problem
    for problem in problems:
        assert problem.field == "runs" and not re.search(r"--[a-z]", problem.message)
        assert "bad rows in all" not in problem.message
    for row, column, _ in rows:  # every row is still named
        assert any(row in _named_rows(p.message) and f"'{column}'" in p.message
                   for p in problems)


def _named_rows(message: str) -> set[int]:
    """The rows a message names: `row 3`, `rows 2–8`, `rows 2, 5, 9`."""
    found = re.search(r"rows? ([\d–, ]+)", message)
    named: set[int] = set()
    for part in (found.group(1).split(",") if found else []):
        low, _, high = part.strip().partition("–")
        if low:
            named |= set(range(int(low), int(high or low) + 1))
    return named
