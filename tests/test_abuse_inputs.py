"""Issue 23, hostile input: shared CSV width and cell limits, the week grid's date bounds,
plan JSON size, numbers, ids and schema, spreadsheet formulas in written CSVs, line breaks
in names and an empty --fit."""

from __future__ import annotations

import json
import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from planner.cli import main
from planner.errors import InputError
from planner.pipeline import week_csv
from planner.readers.csv_table import MAX_CELL_CHARS, MAX_COLUMNS, read_table
from planner.web.app import Settings, create_app

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "examples" / "intermediate-week.csv"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def clean_exit(result, codes=(2,)) -> None:
    assert result.exit_code in codes, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# --- CSV width and cells ------------------------------------------------------------------


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_a_very_wide_csv_is_refused_at_once_naming_the_limit(tmp_path: Path,
                                                            separator: str) -> None:
    path = tmp_path / "wide.csv"
    header = separator.join(["date", "run"] + [f"c{i}" for i in range(120_000)])
    path.write_text(header + "\n" + separator.join(["2026-11-30", "easy"]) + "\n")
    with pytest.raises(InputError) as caught:  # pandas took 10-60 s and 600 MB on it
        read_table(path)
    assert caught.value.row == 1 and f"{MAX_COLUMNS}" in caught.value.message
    assert "120,002 columns" in caught.value.message


def test_the_widest_allowed_csv_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    names = ["date", "run"] + [f"c{i}" for i in range(MAX_COLUMNS - 2)]
    path.write_text(",".join(names) + "\n2026-11-30,easy\n")
    assert read_table(path).frame.shape[1] == MAX_COLUMNS


def test_an_overlong_cell_is_refused_with_row_field_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "runs.csv"
    path.write_text("date,run,title\n2026-11-30,easy,ok\n2026-12-01,long,"
                    + "x" * (MAX_CELL_CHARS + 1) + "\n")
    result = invoke("plan", str(path), "--ics", str(tmp_path / "p.ics"))
    clean_exit(result)
    assert "row 3" in result.stderr and "'title'" in result.stderr
    assert f"{MAX_CELL_CHARS:,}" in result.stderr and not (tmp_path / "p.ics").exists()


def test_a_roster_goes_through_the_same_width_limit(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(",".join(["name", "runs"] + [f"x{i}" for i in range(MAX_COLUMNS)])
                      + "\nAna,runs.csv\n")
    result = invoke("batch", str(roster), str(ROOT / "examples" / "coach" / "runs.csv"),
                    "--out", str(tmp_path / "out"))
    clean_exit(result)
    assert "roster.csv" in result.stderr and f"{MAX_COLUMNS}" in result.stderr


# --- the week grid's dates ----------------------------------------------------------------


@pytest.mark.parametrize("monday", [date(9999, 12, 27), date(2200, 12, 29), date(1, 1, 1)])
def test_the_week_builder_refuses_dates_out_of_bounds(monday: date) -> None:
    with pytest.raises(InputError) as caught:
        week_csv(monday, [("easy", "30", "")] * 7)
    assert caught.value.field == "week start" and "2200-12-31" in caught.value.message


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2200-12-30"])
def test_the_web_week_grid_answers_400_for_a_far_date(tmp_path: Path, day: str) -> None:
    import re

    app = create_app(Settings(db=str(tmp_path / "web.sqlite3"), default_tz="Europe/London",
                              batch_processes=0))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
        response = client.post("/plan", data={
            "csrf_token": token, "level": "intermediate", "minutes": "45",
            "start_time": "18:00", "tz": "Europe/London", "deload_every": "4",
            "week_start": day, "run_0": "easy", "minutes_0": "40"})
    assert response.status_code == 400
    assert "2200-12-31" in response.text


# --- plan JSON: size, numbers, ids, schema, linear check -------------------------------------

GOLDEN = ROOT / "tests" / "golden" / "intermediate.json"


def golden() -> dict:
    return json.loads(GOLDEN.read_text())


def plan_commands(path: Path, tmp_path: Path) -> list[list[str]]:
    return [["check", str(path)], ["explain", str(path)],
            ["check", str(GOLDEN), "--previous", str(path)],
            ["plan", str(WEEK), "--previous", str(path), "--ics", str(tmp_path / "p.ics")],
            ["push", str(path), "--caldav", "http://127.0.0.1:9/cal/"]]


@pytest.mark.parametrize("number", ["9" * 100_000, "-" + "1" * 5000, "1e999", "NaN",
                                    "Infinity", "1" + "0" * 16])
def test_an_oversized_number_is_a_clean_error_everywhere_plan_json_is_read(
        tmp_path: Path, number: str) -> None:
    path = tmp_path / "plan.json"
    data = golden()
    data["weeks"][0]["sessions"][0]["minutes"] = "NUMBER"  # a session's booked minutes
    path.write_text(json.dumps(data).replace('"NUMBER"', number, 1))
    for args in plan_commands(path, tmp_path):
        result = invoke(*args)
        clean_exit(result)
        assert "plan.json" in result.stderr and "number" in result.stderr, (args, result.stderr)
    assert not (tmp_path / "p.ics").exists()


def test_a_future_schema_is_refused_by_every_reader(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**golden(), "schema": 2}))
    for args in plan_commands(path, tmp_path):
        result = invoke(*args)
        clean_exit(result)
        assert "schema 2" in result.stderr and "newer runstrong" in result.stderr, args


def test_the_reader_and_the_writer_agree_on_the_schema() -> None:
    from planner.readers.plan_json import READABLE_SCHEMA
    from planner.renderers.json_plan import SCHEMA_VERSION

    assert SCHEMA_VERSION == READABLE_SCHEMA == golden()["schema"]


def test_an_unknown_exercise_id_fails_check_and_explain(tmp_path: Path) -> None:
    data = golden()
    data["weeks"][0]["sessions"][0]["exercises"][0]["id"] = "bogus-lift"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    result = invoke("check", str(path))
    assert result.exit_code == 1 and "H0" in result.output
    assert "unknown exercise id 'bogus-lift'" in result.output
    result = invoke("explain", str(path))
    clean_exit(result)
    assert "plan.json" in result.stderr and "'bogus-lift'" in result.stderr


@pytest.mark.parametrize("value", [["goblet-squat"], {"a": 1}, 7, True])
def test_an_exercise_id_of_the_wrong_type_is_a_clean_error(tmp_path: Path, value) -> None:
    data = golden()
    data["weeks"][0]["sessions"][0]["exercises"][0]["id"] = value
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    for args in (["check", str(path)], ["explain", str(path)]):
        result = invoke(*args)
        clean_exit(result)
        assert "'id'" in result.stderr and "wrong type" in result.stderr


def test_a_plan_json_over_the_byte_cap_is_refused_before_parsing(tmp_path: Path,
                                                                  monkeypatch) -> None:
    from planner.readers import plan_json

    monkeypatch.setattr(plan_json, "MAX_PLAN_JSON_BYTES", 1_000)
    result = invoke("check", str(GOLDEN))
    clean_exit(result)
    assert "1,000 bytes" in result.stderr and "MAX_PLAN_JSON_BYTES" in result.stderr


def test_more_sessions_than_a_plan_holds_are_refused(tmp_path: Path) -> None:
    from planner.readers.plan_json import MAX_PLAN_SESSIONS

    session = {"date": "2026-12-01", "intensity": "heavy", "exercises": []}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"athlete": "x", "level": "intermediate", "weeks": [
        {"start": "2026-11-30", "sessions": [session] * (MAX_PLAN_SESSIONS + 1)}]}))
    result = invoke("check", str(path))
    clean_exit(result)
    assert f"{MAX_PLAN_SESSIONS + 1:,} sessions" in result.stderr


def test_h4_is_linear_in_same_day_sessions(monkeypatch) -> None:
    """10 000 sessions on one day gave 50 million identical H4 pairs (107 s, 9.4 GB);
    the check now words each distinct clash once, so its work does not grow with n²."""
    from planner.checker import check_plan, week_rules
    from planner.readers.catalog import load_catalog

    calls = []
    real_when = week_rules.when
    monkeypatch.setattr(week_rules, "when", lambda day: calls.append(day) or real_when(day))
    data = golden()
    session = data["weeks"][0]["sessions"][0]
    data["weeks"][0]["sessions"] = [session] * 2_000
    violations = check_plan(data, load_catalog())
    h4 = [v for v in violations if v.rule == "H4"]
    assert len(h4) == 1 and "same day" in h4[0].message
    assert len(calls) < 100


def test_check_lists_a_bounded_number_of_violations(tmp_path: Path) -> None:
    from planner.cli.plan_tools import MAX_SHOWN_VIOLATIONS

    day = date(2026, 1, 5)
    weeks = []
    for w in range(MAX_SHOWN_VIOLATIONS + 20):
        start = day + timedelta(weeks=w)
        weeks.append({"start": start.isoformat(), "sessions": [
            {"date": (start + timedelta(days=1)).isoformat(), "intensity": "heavy",
             "exercises": []}] * 2})
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"athlete": "x", "level": "intermediate", "weeks": weeks}))
    result = invoke("check", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == MAX_SHOWN_VIOLATIONS + 2
    assert "more (the first" in lines[-2] and "violation(s)" in lines[-1]


# --- CSVs written for spreadsheets ---------------------------------------------------------


def spreadsheet_cells(text: str, separator: str) -> list[str]:
    """What a spreadsheet splitting on `separator` sees: it honours quotes only when a
    quote opens a cell, so cells of a comma CSV are cut at every ';' or tab inside."""
    import csv
    import io

    cells: list[str] = []
    for line in text.splitlines():
        cells.extend(cell.strip('"') for cell in line.split(separator))
    cells.extend(cell for row in csv.reader(io.StringIO(text)) for cell in row)
    return cells


@pytest.mark.parametrize("name", ["x;=1+1;y", "x,=1+1,y", "x\t=1+1\ty", "x; =HYPERLINK(1)",
                                  'x;"=1+1";y', "=1+1", "@SUM(A1);b", "ok;-2+3", "a,+1"])
def test_summary_csv_cells_cannot_run_as_formulas_whatever_the_separator(
        tmp_path: Path, name: str) -> None:
    from planner.services.batch import summary_csv

    text = summary_csv([{"athlete": name, "file": "", "weeks": "", "sessions": "",
                         "main": "", "light": "", "status": f"failed: {name}",
                         "muscles_covered": "", "warnings": f"note: {name}"}]).decode()
    for separator in (",", ";", "\t"):
        for cell in spreadsheet_cells(text, separator):
            assert not cell.lstrip(' "').startswith(("=", "+", "-", "@")), (separator, cell)
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())


def test_a_roster_name_with_a_line_break_is_refused_naming_the_row(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text('athlete,level\nBen,beginner\n"Ana\nBell",beginner\n')
    runs = tmp_path / "runs.csv"
    runs.write_text("athlete,date,run,minutes\nBen,2027-01-04,easy,40\n"
                    "Ben,2027-01-06,long,90\n")
    result = invoke("batch", str(roster), str(runs), "--out", str(tmp_path / "out"),
                    "--jobs", "1")
    assert result.exit_code == 4 and "Traceback" not in result.output
    assert "AssertionError" not in result.output
    assert "roster.csv, row 3, field 'athlete'" in result.stderr
    assert "line break" in result.stderr
    summary = (tmp_path / "out" / "summary.csv").read_text()
    assert "AssertionError" not in summary and '"Ana Bell"' in summary


def test_a_plan_json_athlete_with_a_line_break_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**golden(), "athlete": "Ana\r\nBell"}))
    for args in plan_commands(path, tmp_path):
        result = invoke(*args)
        clean_exit(result)
        assert "line break" in result.stderr and "AssertionError" not in result.output


@pytest.mark.parametrize("option", ["--fit", "--ics", "--json"])
def test_an_empty_output_name_is_an_error(tmp_path: Path, option: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["plan", str(WEEK), option, ""]
    if option != "--ics":
        args += ["--ics", str(tmp_path / "p.ics")]
    result = invoke(*args)
    clean_exit(result)
    assert "name is empty" in result.stderr and list(tmp_path.iterdir()) == []


def test_an_empty_batch_out_is_an_error(tmp_path: Path) -> None:
    result = invoke("batch", str(ROOT / "examples" / "coach" / "roster.csv"),
                    str(ROOT / "examples" / "coach" / "runs.csv"), "--out", "")
    clean_exit(result)
    assert "folder name is empty" in result.stderr


def test_a_wide_csv_upload_is_a_400_naming_the_limit(tmp_path: Path) -> None:
    import re

    app = create_app(Settings(db=str(tmp_path / "web.sqlite3"), default_tz="Europe/London",
                              batch_processes=0))
    wide = (",".join(["date", "run"] + [f"c{i}" for i in range(120_000)]) + "\n"
            "2026-11-30,easy\n").encode()
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
        response = client.post("/plan", data={
            "csrf_token": token, "level": "intermediate", "minutes": "45",
            "start_time": "18:00", "tz": "Europe/London", "deload_every": "4"},
            files={"runs": ("wide.csv", wide, "text/csv")})
    assert response.status_code == 400
    assert "120,002 columns" in response.text and "wide.csv" in response.text
