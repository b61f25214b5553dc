"""Reuse across a squad: a week instance solved once is answered from the cache for every
other athlete with the same instance (a club's shared run template), and the answer is
the one a fresh solve gives, so the files are byte-identical with and without reuse."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.domain import LEVELS
from planner.solving import solve
from tests.conftest import make_week

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]


def squad_files(folder: Path, athletes: int, weeks: int = 3) -> tuple[Path, Path]:
    """`athletes` runners on one run template, in two kit groups (and one name spelled
    with accents): every week instance is shared by half the squad."""
    roster, runs = folder / "roster.csv", folder / "runs.csv"
    lines = ["athlete,level,equipment,minutes,tz"]
    run_lines = ["athlete,date,run,minutes"]
    start = date(2027, 1, 4)
    for n in range(athletes):
        name = f"Runner {n:02d}" if n else "Zoë Åberg"
        kit = "dumbbell;band" if n % 2 else "band"
        lines.append(f"{name},intermediate,{kit},45,Europe/London")
        for offset in range(7 * weeks):
            kind = TEMPLATE[offset % 7]
            if kind != "rest":
                run_lines.append(f"{name},{start + timedelta(days=offset)},{kind},45")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs.write_text("\n".join(run_lines) + "\n", encoding="utf-8")
    return roster, runs


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every week the solver really solves, by instance key; a fresh cache."""
    calls: list[str] = []
    original = solve._solve

    def counting(inst, also):
        calls.append(solve.instance_key(inst))
        return original(inst, also)

    monkeypatch.setattr(solve, "_solve", counting)
    monkeypatch.setattr(solve, "WEEK_CACHE", type(solve.WEEK_CACHE)())
    return calls


def test_a_shared_template_is_solved_once_per_distinct_week(tmp_path: Path, counted,
                                                            monkeypatch) -> None:
    roster, runs = squad_files(tmp_path, athletes=6, weeks=3)
    result = CliRunner().invoke(main, ["batch", str(roster), str(runs), "--out",
                                       str(tmp_path / "reused"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    # two kit groups × three weeks, whatever the six names
    assert len(counted) == len(set(counted)) == 6
    reused = folder_bytes(tmp_path / "reused")

    monkeypatch.setattr(solve, "REUSE", False)
    counted.clear()
    result = CliRunner().invoke(main, ["batch", str(roster), str(runs), "--out",
                                       str(tmp_path / "fresh"), "--jobs", "1"])
    assert result.exit_code == 0
    assert len(counted) == 18  # every athlete's every week
    assert folder_bytes(tmp_path / "fresh") == reused
    # and each athlete's files still carry their own name
    assert "Zoë Åberg" in reused["Zoë-Åberg.json"].decode("utf-8")
    assert b"Runner 01" in reused["Runner-01.json"]


def test_reuse_is_byte_identical_across_jobs(tmp_path: Path) -> None:
    roster, runs = squad_files(tmp_path, athletes=4, weeks=2)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        result = CliRunner().invoke(main, ["batch", str(roster), str(runs), "--out",
                                           str(out), "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs.append(folder_bytes(out))
    assert outputs[0] == outputs[1]


def test_the_key_ignores_only_the_name(catalog) -> None:
    week = make_week(catalog, TEMPLATE, level="intermediate", athlete="Ann")
    key = solve.instance_key(week)
    renamed = dataclasses.replace(week, profile=dataclasses.replace(week.profile,
                                                                    athlete="Bo"))
    assert solve.instance_key(renamed) == key
    for changed in (
        dataclasses.replace(week, profile=dataclasses.replace(week.profile, minutes=40)),
        dataclasses.replace(week, profile=dataclasses.replace(week.profile, tz="Asia/Tokyo")),
        dataclasses.replace(week, deload=True),
        dataclasses.replace(week, start=week.start + timedelta(days=7)),
        dataclasses.replace(week, runs=week.runs[1:]),
        dataclasses.replace(week, exercises=week.exercises[1:]),
    ):
        assert solve.instance_key(changed) != key


def test_the_key_is_the_same_in_every_process(catalog) -> None:
    """Sets hash differently per process (PYTHONHASHSEED): the key must not."""
    script = ("from tests.conftest import make_week\n"
              "from planner.readers.catalog import load_catalog\n"
              "from planner.solving.solve import instance_key\n"
              "week = make_week(load_catalog(), ['easy','speed','rest','tempo','easy','rest',"
              "'long'], level='advanced', equipment=frozenset({'dumbbell','band','box'}),"
              " avoid_days=frozenset({1, 3}))\n"
              "print(instance_key(week))\n")
    keys = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                           text=True, check=True, timeout=300,
                           env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
                           ).stdout.strip() for seed in ("1", "2", "3")}
    assert len(keys) == 1 and len(next(iter(keys))) == 64


KINDS = ("easy", "rest", "speed", "tempo", "long", "hill", "recovery", "race")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=7, max_size=7),
       level=st.sampled_from(LEVELS), minutes=st.integers(25, 75),
       kit=st.frozensets(st.sampled_from(("dumbbell", "band", "kettlebell", "box")),
                         max_size=3),
       names=st.tuples(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12)))
def test_a_reused_week_is_the_week_a_fresh_solve_gives(catalog, kinds, level, minutes, kit,
                                                       names) -> None:
    first = make_week(catalog, kinds, level=level, minutes=minutes, equipment=kit,
                      athlete=names[0])
    second = dataclasses.replace(first, profile=dataclasses.replace(first.profile,
                                                                    athlete=names[1]))
    solve.WEEK_CACHE.clear()
    solve.solve_week(first)
    reused = solve.solve_week(second)  # from the cache
    assert solve.instance_key(second) in solve.WEEK_CACHE
    fresh = solve._solve(second, None)
    assert dataclasses.replace(reused, solve_seconds=0.0) == \
        dataclasses.replace(fresh, solve_seconds=0.0)


def test_a_template_whose_messages_name_rows_is_planned_per_athlete(tmp_path: Path,
                                                                    monkeypatch) -> None:
    """Rows out of date order: the warning names each athlete's own row, so each is
    planned on their own (in the pool), and the files are those of a batch without reuse."""
    roster, runs = squad_files(tmp_path, athletes=4, weeks=2)
    lines = runs.read_text(encoding="utf-8").splitlines()
    body = lines[1:]
    per = len(body) // 4
    swapped = []
    for n in range(4):
        rows = body[n * per:(n + 1) * per]
        rows[0], rows[1] = rows[1], rows[0]
        swapped += rows
    runs.write_text("\n".join([lines[0], *swapped]) + "\n", encoding="utf-8")
    outputs = []
    for reuse, jobs in ((True, "1"), (True, "2"), (False, "1")):
        monkeypatch.setattr(solve, "REUSE", reuse)
        out = tmp_path / f"out-{reuse}-{jobs}"
        result = CliRunner().invoke(main, ["batch", str(roster), str(runs), "--out", str(out),
                                           "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs.append(folder_bytes(out))
    assert outputs[0] == outputs[1] == outputs[2]
    summary = outputs[0]["summary.csv"].decode("utf-8")
    for n in range(4):  # each athlete's own first row, as written
        assert f"row {2 + n * per + 1} is dated before" in summary or \
            f"row {2 + n * per + 1}" in summary
