"""The command line a runner types: every exit code, atomic writes, determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WEEK = EXAMPLES / "intermediate-week.csv"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_plan_writes_calendar_and_json(tmp_path: Path) -> None:
    ics, plan_json = tmp_path / "p.ics", tmp_path / "p.json"
    code, out, _ = run("plan", str(WEEK), "--equipment", "dumbbell,band", "--tz",
                       "Europe/London", "--ics", str(ics), "--json", str(plan_json))
    assert code == 0
    assert "Week of 2026-11-30" in out and "Gave up" in out
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    data = json.loads(plan_json.read_text())
    for key in ("athlete", "level", "status", "weeks"):
        assert key in data
    session = data["weeks"][0]["sessions"][0]
    for key in ("date", "start", "minutes", "intensity", "why", "exercises"):
        assert key in session
    for key in ("family", "name", "patterns", "muscles", "equipment", "sets", "reps", "rest_s",
                "load", "tempo", "range", "variation"):
        assert key in session["exercises"][0]


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    outputs = []
    for n in range(2):
        ics, plan_json = tmp_path / f"{n}.ics", tmp_path / f"{n}.json"
        assert run("plan", str(WEEK), "--tz", "UTC", "--ics", str(ics),
                   "--json", str(plan_json))[0] == 0
        outputs.append((ics.read_bytes(), plan_json.read_bytes()))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("args", [
    ["--level", "expert"],
    ["--equipment", "trampoline"],
    ["--time", "25:00"],
    ["--tz", "Mars/Olympus"],
    ["--avoid", "Funday"],
])
def test_bad_options_exit_2_and_write_nothing(tmp_path: Path, args: list[str]) -> None:
    ics = tmp_path / "p.ics"
    code, _, err = run("plan", str(WEEK), "--ics", str(ics), *args)
    assert code == 2
    assert "error:" in err and "Traceback" not in err
    assert not ics.exists()


def test_bad_runs_file_names_file_row_and_field_and_keeps_old_output(tmp_path: Path) -> None:
    bad = tmp_path / "runs.csv"
    bad.write_text("date,run\n2026-11-30,easy\n2026-12-01,jogg\n")
    ics = tmp_path / "p.ics"
    ics.write_bytes(b"old calendar")
    code, _, err = run("plan", str(bad), "--ics", str(ics))
    assert code == 2
    assert "runs.csv" in err and "row 3" in err and "run" in err
    assert ics.read_bytes() == b"old calendar"


def test_missing_runs_file_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run("plan", str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv" in err


def test_impossible_week_exits_3_with_conflicting_rules_and_a_verified_fix(tmp_path: Path) -> None:
    ics = tmp_path / "p.ics"
    code, _, err = run("plan", str(WEEK), "--minutes", "10", "--ics", str(ics))
    assert code == 3
    assert "H12" in err
    assert "--minutes" in err
    assert not ics.exists()


def test_shortfall_is_explained_in_the_week_notes(tmp_path: Path) -> None:
    # Race week of a Friday goal race owes one session, at least four days out (B4): only
    # Monday, which holds a short tune-up race (H11). The week before is planned as usual.
    runs = tmp_path / "runs.csv"
    easy_week = "".join(f"2026-11-{day},easy,40\n" for day in range(23, 30))
    runs.write_text("date,run,minutes\n" + easy_week + "2026-11-30,race,20\n2026-12-01,easy,30\n"
                    "2026-12-02,easy,30\n2026-12-03,easy,30\n2026-12-04,race,120\n")
    plan_json = tmp_path / "p.json"
    code, _, _ = run("plan", str(runs), "--level", "advanced", "--ics",
                       str(tmp_path / "p.ics"), "--json", str(plan_json))
    data = json.loads(plan_json.read_text())
    week = data["weeks"][1]
    assert code == 0
    assert data["status"] == "reduced"
    assert week["phase"] == "race" and week["target_sessions"] == 1
    assert len(week["sessions"]) < week["target_sessions"]
    assert any("H11" in note and "B4" in note for note in week["notes"])


def test_previous_plan_continues_progression(tmp_path: Path) -> None:
    first = tmp_path / "w1.json"
    assert run("plan", str(WEEK), "--equipment", "dumbbell,band", "--ics",
               str(tmp_path / "w1.ics"), "--json", str(first))[0] == 0
    nxt = tmp_path / "next.csv"
    nxt.write_text(WEEK.read_text().replace("2026-11-", "2026-12-0X").replace(
        "2026-12-0X30", "2026-12-07").replace("2026-12-01", "2026-12-08")
        .replace("2026-12-02", "2026-12-09").replace("2026-12-03", "2026-12-10")
        .replace("2026-12-04", "2026-12-11").replace("2026-12-05", "2026-12-12")
        .replace("2026-12-06", "2026-12-13"))
    second = tmp_path / "w2.json"
    assert run("plan", str(nxt), "--equipment", "dumbbell,band", "--previous", str(first),
               "--ics", str(tmp_path / "w2.ics"), "--json", str(second))[0] == 0
    code, out, _ = run("check", str(second), "--previous", str(first))
    assert code == 0, out
    week2 = json.loads(second.read_text())["weeks"][0]
    assert any("(H9)" in item["why"] or "same dose" in item["why"]
               for s in week2["sessions"] for item in s["exercises"])


def test_bad_previous_plan_is_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "prev.json"
    broken.write_text("{not json")
    code, _, err = run("plan", str(WEEK), "--previous", str(broken),
                       "--ics", str(tmp_path / "p.ics"))
    assert code == 2 and "prev.json" in err


def test_check_exit_codes(tmp_path: Path) -> None:
    plan_json = tmp_path / "p.json"
    assert run("plan", str(WEEK), "--ics", str(tmp_path / "p.ics"),
               "--json", str(plan_json))[0] == 0
    assert run("check", str(plan_json))[0] == 0
    data = json.loads(plan_json.read_text())
    data["weeks"][0]["sessions"][0]["exercises"] = data["weeks"][0]["sessions"][0][
        "exercises"][:2]
    plan_json.write_text(json.dumps(data))
    code, out, _ = run("check", str(plan_json))
    assert code == 1 and "H2" in out


def test_explain_cites_rule_ids(tmp_path: Path) -> None:
    plan_json = tmp_path / "p.json"
    run("plan", str(WEEK), "--ics", str(tmp_path / "p.ics"), "--json", str(plan_json))
    code, out, _ = run("explain", str(plan_json))
    assert code == 0
    for rule in ("H1", "S1", "S2", "S6"):
        assert rule in out


def test_catalog_filters() -> None:
    code, out, _ = run("catalog", "--muscle", "soleus")
    assert code == 0 and "seated-calf-raise" in out
    code, out, _ = run("catalog", "--pattern", "plyometric", "--level", "beginner")
    assert code == 0 and out.strip().splitlines()[-1].startswith("0 of ")
    assert run("catalog", "--muscle", "biceps")[0] == 2


def test_python_m_planner_and_help_teach() -> None:
    done = subprocess.run([sys.executable, "-m", "planner", "plan", "--help"],
                          capture_output=True, text=True, check=True)
    assert "Example" in done.stdout and "--equipment" in done.stdout
