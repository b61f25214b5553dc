"""planner.pipeline: the one planning path from bytes; the same results as `runstrong plan`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main as cli_main
from planner.errors import InputError
from planner.pipeline import (
    NoPlanError,
    PlanOptions,
    PlanRequest,
    prepare,
    run_plan,
    week_csv,
)

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "examples" / "intermediate-week.csv"
GOOGLE = ROOT / "examples" / "google-export.ics"


def test_same_files_as_the_cli(tmp_path: Path) -> None:
    ics, js = tmp_path / "plan.ics", tmp_path / "plan.json"
    result = CliRunner().invoke(cli_main, [
        "plan", str(WEEK), "--equipment", "dumbbell,band", "--tz", "Europe/London",
        "--ics", str(ics), "--json", str(js)])
    assert result.exit_code == 0, result.output
    outcome = run_plan(PlanRequest(WEEK.read_bytes(), "week.csv", options=PlanOptions(
        equipment="dumbbell,band", tz="Europe/London")))
    assert outcome.ics == ics.read_bytes()
    assert outcome.json == js.read_bytes()
    assert outcome.report.strip() in result.output
    assert set(outcome.files) == {"plan.ics", "plan.json", "report.txt"}


def test_calendar_input_notes_and_zone_like_the_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_main, ["plan", str(GOOGLE), "--ics",
                                           str(tmp_path / "p.ics")])
    assert result.exit_code == 0, result.output
    outcome = run_plan(PlanRequest(GOOGLE.read_bytes(), "export.ics"))
    assert outcome.from_calendar
    for note in outcome.notes:
        assert f"note: {note}" in result.output
    for warning in outcome.warnings:
        assert f"warning: {warning}" in result.output
    assert outcome.plan.tz == "Europe/London"  # X-WR-TIMEZONE, as the CLI reads it


def test_errors_name_the_users_file_not_a_temporary_one() -> None:
    with pytest.raises(InputError) as caught:
        run_plan(PlanRequest(b"date,run\n2026-11-30,flying\n", "C:\\Users\\me\\my runs.csv"))
    assert str(caught.value).startswith("my runs.csv, row 2, field 'run'")
    assert "runstrong-" not in str(caught.value)


@pytest.mark.parametrize(("options", "words"), [
    (PlanOptions(minutes=300), "5<=x<=240"), (PlanOptions(sessions=8), "0<=x<=7"),
    (PlanOptions(deload_every=13), "0<=x<=12"), (PlanOptions(alarm=-1), "0<=x<=1440"),
    (PlanOptions(start="2026-13-01"), "not a date"), (PlanOptions(date_range="x..y"), "--range"),
])
def test_option_bounds_are_input_errors(options: PlanOptions, words: str) -> None:
    with pytest.raises(InputError, match=words.replace("<", ".").replace("=", ".")):
        run_plan(PlanRequest(WEEK.read_bytes(), "week.csv", options=options))


def test_no_plan_is_its_own_error() -> None:
    data = week_csv(date(2026, 11, 30), [("race", "", "")] * 7)  # H11: none on race day
    with pytest.raises(NoPlanError, match="no plan satisfies the hard rules"):
        run_plan(PlanRequest(data, "grid"))


def test_prepare_gives_the_first_monday_before_solving() -> None:
    prepared = prepare(PlanRequest(WEEK.read_bytes(), "week.csv"))
    assert prepared.first_monday.isoformat() == "2026-11-30"
