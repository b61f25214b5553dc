"""Issue 23, hostile input: shared CSV width and cell limits, the week grid's date bounds,
plan JSON size, numbers, ids and schema, spreadsheet formulas in written CSVs, line breaks
in names and an empty --fit."""

from __future__ import annotations

import time
import warnings
from datetime import date
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
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        read_table(path)
    assert time.perf_counter() - started < 5  # pandas took 10-60 s on this file
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
