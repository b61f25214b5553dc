"""Coach batch: good athletes plan even when one fails; safe names; --jobs never changes bytes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.checker import check_plan
from planner.cli import main
from planner.readers.catalog import load_catalog
from planner.services.batch import safe_file_stem

ROSTER = """athlete,level,equipment,sessions,minutes,time,tz,new_to_strength
Zoë Müller,intermediate,dumbbell;band,,45,18:00,Europe/Berlin,no
Bad Row,expert,,,45,18:00,UTC,no
Slash/Name,beginner,,,45,07:00,UTC,yes
Tiny Time,advanced,,,10,07:00,UTC,no
No Runs,beginner,,,45,07:00,UTC,no
"""


def runs_csv() -> str:
    lines = ["athlete,date,run,minutes"]
    week = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]
    for name in ("Zoë Müller", "Bad Row", "Slash/Name", "Tiny Time"):
        for n in range(14):
            kind = week[n % 7]
            lines.append(f"{name},2027-01-{4 + n:02d},{kind},40")
    lines.append("Slash/Name,2027-01-20,sprint-ish,40")  # unknown run type: this athlete fails
    return "\n".join(lines) + "\n"


@pytest.fixture
def coach_files(tmp_path: Path) -> tuple[Path, Path]:
    roster, runs = tmp_path / "roster.csv", tmp_path / "runs.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    runs.write_text(runs_csv(), encoding="utf-8")
    return roster, runs


def batch(roster: Path, runs: Path, out: Path, jobs: int) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["batch", str(roster), str(runs), "--out", str(out),
                                       "--jobs", str(jobs)])
    return result.exit_code, result.stderr


def test_failing_athletes_do_not_stop_the_others(coach_files, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, err = batch(*coach_files, out, jobs=1)
    assert code == 4
    summary = list(csv.reader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))
    rows = {row[0]: ",".join(row) for row in summary[1:]}
    assert "optimal" in rows["Zoë Müller"]
    assert "failed: bad roster row" in rows["Bad Row"] and "level" in rows["Bad Row"]
    assert "failed: bad runs" in rows["Slash/Name"] and "row" in rows["Slash/Name"]
    assert "failed: no plan" in rows["Tiny Time"] and "H12" in rows["Tiny Time"]
    assert "failed: no runs" in rows["No Runs"]
    assert "Bad Row" in err and "Slash/Name" in err
    assert (out / "Zoë-Müller.ics").exists()
    plan = json.loads((out / "Zoë-Müller.json").read_text(encoding="utf-8"))
    assert check_plan(plan, load_catalog()) == []
    assert not (out / "Bad-Row.ics").exists()


def test_output_is_identical_whatever_the_number_of_jobs(coach_files, tmp_path: Path) -> None:
    batch(*coach_files, tmp_path / "one", jobs=1)
    batch(*coach_files, tmp_path / "two", jobs=2)
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}
    assert one == two


@pytest.mark.parametrize(("name", "stem"), [
    ("Zoë Müller", "Zoë-Müller"),
    ("a/b\\c", "a-b-c"),
    ("../../etc/passwd", "etc-passwd"),
    ("   ", "athlete"),
    ("CON", "athlete-CON"),
    ("summary", "athlete-summary"),
    ("名前 テスト", "名前-テスト"),
])
def test_safe_file_names(name: str, stem: str) -> None:
    assert safe_file_stem(name, set()) == stem


def test_safe_file_names_are_unique() -> None:
    taken: set[str] = set()
    assert [safe_file_stem(n, taken) for n in ("A B", "A/B", "a b")] == ["A-B", "A-B-2", "a-b-3"]


def test_roster_without_required_column_is_exit_2(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("name,level\nAna,beginner\n")
    runs = tmp_path / "runs.csv"
    runs.write_text("athlete,date,run\nAna,2027-01-04,easy\n")
    code, err = batch(roster, runs, tmp_path / "out", jobs=1)
    assert code == 2 and "athlete" in err


def test_coach_example_plans_every_athlete_without_violations(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[1] / "examples" / "coach"
    out = tmp_path / "out"
    code, _ = batch(examples / "roster.csv", examples / "runs.csv", out, jobs=2)
    assert code == 0
    catalog = load_catalog()
    plans = sorted(out.glob("*.json"))
    assert len(plans) >= 12
    for path in plans:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert check_plan(data, catalog) == [], path.name
        assert len(data["weeks"]) >= 12
