"""Issue 12, batch: any failure is one athlete's row, summary.csv is always written, a
re-run never mixes generations, inputs in --out survive, cells are formula-safe."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.services import batch as batch_module
from planner.services.batch import neutralise_cell, safe_file_stem

HEADER = "athlete,level,equipment,sessions,minutes,time,tz,new_to_strength\n"
WEEK = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]


def runs_for(*names: str, days: int = 7) -> str:
    lines = ["athlete,date,run,minutes"]
    for name in names:
        lines += [f"{name},2027-01-{4 + n:02d},{WEEK[n % 7]},40" for n in range(days)]
    return "\n".join(lines) + "\n"


def write(folder: Path, roster: str, runs: str) -> tuple[Path, Path]:
    r, u = folder / "roster.csv", folder / "runs.csv"
    r.write_text(HEADER + roster, encoding="utf-8")
    u.write_text(runs, encoding="utf-8")
    return r, u


def run_batch(*args: str):
    return CliRunner().invoke(main, ["batch", *args, "--jobs", "1"])


def summary(folder: Path) -> dict[str, dict[str, str]]:
    text = (folder / "summary.csv").read_text(encoding="utf-8")
    return {row["athlete"]: row for row in csv.DictReader(io.StringIO(text))}


def test_any_exception_in_one_athlete_is_its_row_and_the_rest_are_planned(
        tmp_path: Path, monkeypatch) -> None:
    roster, runs = write(tmp_path, "Ana,beginner,,,45,18:00,UTC,no\n"
                                   "Ben,beginner,,,45,18:00,UTC,no\n", runs_for("Ana", "Ben"))
    import planner.solving.block

    real = planner.solving.block.plan_block

    def exploding(runs, profile, *args, **kwargs):
        if profile.athlete == "Ana":
            raise OverflowError("date value out of range")
        return real(runs, profile, *args, **kwargs)

    monkeypatch.setattr("planner.solving.block.plan_block", exploding)
    out = tmp_path / "out"
    result = run_batch(str(roster), str(runs), "--out", str(out))
    assert result.exit_code == 4, result.output
    rows = summary(out)
    assert rows["Ana"]["status"] == "failed: error"
    assert "OverflowError" in rows["Ana"]["warnings"]
    assert rows["Ben"]["status"] in ("optimal", "feasible")
    assert (out / "Ben.ics").exists() and not (out / "Ana.ics").exists()


def test_a_year_9999_athlete_first_does_not_stop_the_squad(tmp_path: Path) -> None:
    runs = runs_for("Ben") + "Ana,9999-12-31,easy,40\n"
    roster, runs_path = write(tmp_path, "Ana,beginner,,,45,18:00,UTC,no\n"
                                        "Ben,beginner,,,45,18:00,UTC,no\n", runs)
    out = tmp_path / "out"
    result = run_batch(str(roster), str(runs_path), "--out", str(out))
    assert result.exit_code == 4
    rows = summary(out)
    assert rows["Ana"]["status"].startswith("failed") and "9999" in rows["Ana"]["warnings"]
    assert (out / "Ben.ics").exists()


def test_a_long_non_ascii_name_fits_the_file_name_limit(tmp_path: Path) -> None:
    name = "Ñ" * 100
    stem = safe_file_stem(name, set())
    assert len(f".{stem}.json.runstrong-x.tmp".encode()) < 255
    roster, runs = write(tmp_path, f"{name},beginner,,,45,18:00,UTC,no\n", runs_for(name))
    out = tmp_path / "out"
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    assert (out / f"{stem}.ics").exists()


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)",
                                  "\tTab", "\rCR"])
def test_cells_starting_like_a_formula_are_neutralised(cell: str) -> None:
    assert neutralise_cell(cell) == "'" + cell
    assert neutralise_cell("Ana") == "Ana"


@pytest.mark.parametrize("name", ["=1+2", "+1+1", "-2+3", "@SUM(A1)"])
def test_summary_cells_are_neutralised_against_formula_injection(tmp_path: Path,
                                                                 name: str) -> None:
    roster, runs = write(tmp_path, f"{name},expert,,,45,18:00,UTC,no\n"
                                   f"{name}x,beginner,,,45,18:00,UTC,no\n",
                         runs_for(f"{name}x"))
    out = tmp_path / "out"
    run_batch(str(roster), str(runs), "--out", str(out))
    text = (out / "summary.csv").read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert f"'{name}" in text


def test_runs_for_athletes_not_in_the_roster_and_case_variants_are_warned(
        tmp_path: Path) -> None:
    roster, runs = write(tmp_path, "Bob,beginner,,,45,18:00,UTC,no\n"
                                   "bob,beginner,,,45,18:00,UTC,no\n",
                         runs_for("Bob") + runs_for("BOB", days=1).split("\n", 1)[1]
                         + runs_for("Zed").split("\n", 1)[1])
    result = run_batch(str(roster), str(runs), "--out", str(tmp_path / "out"))
    assert "'Zed'" in result.stderr and "not in the roster" in result.stderr
    assert "'Bob' (row 2), 'bob' (row 3)" in result.stderr
    assert "'BOB'" in result.stderr and "read as one athlete" in result.stderr


def test_batch_start_places_day_rows(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + "Ana,beginner,,,45,18:00,UTC,no\n", encoding="utf-8")
    runs = tmp_path / "runs.csv"
    runs.write_text("athlete,day,run\n" + "".join(
        f"Ana,{d},{k}\n" for d, k in zip(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], WEEK,
                                        strict=True)))
    out = tmp_path / "out"
    assert run_batch(str(roster), str(runs), "--out", str(out),
                     "--start", "2027-02-01").exit_code == 0
    assert '"start": "2027-02-01"' in (out / "Ana.json").read_text(encoding="utf-8")
    no_start = run_batch(str(roster), str(runs), "--out", str(tmp_path / "o2"))
    assert no_start.exit_code == 4 and "--start" in (tmp_path / "o2" / "summary.csv").read_text()


def test_inputs_inside_out_are_never_overwritten_and_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    roster, runs = write(out, "Ana,beginner,,,45,18:00,UTC,no\n", runs_for("Ana"))
    named_summary = out / "summary.csv"
    named_summary.write_bytes(roster.read_bytes())
    result = run_batch(str(named_summary), str(runs), "--out", str(out))
    assert result.exit_code == 2 and "summary.csv" in result.stderr
    assert named_summary.read_bytes() == roster.read_bytes()
    named_summary.unlink()
    (out / "notes.txt").write_text("coach's notes")
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    assert (out / "Ana.ics").exists()
    assert (out / "notes.txt").read_text() == "coach's notes"
    assert roster.read_text(encoding="utf-8").startswith(HEADER)
    assert runs.read_text(encoding="utf-8").startswith("athlete,date")


def test_a_rerun_replaces_the_whole_generation(tmp_path: Path) -> None:
    roster, runs = write(tmp_path, "Ana,beginner,,,45,18:00,UTC,no\n"
                                   "Ben,beginner,,,45,18:00,UTC,no\n", runs_for("Ana", "Ben"))
    out = tmp_path / "out"
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    (out / "summary.csv").chmod(0o640)
    roster.write_text(HEADER + "Ana,beginner,,,45,18:00,UTC,no\n", encoding="utf-8")
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    assert not (out / "Ben.ics").exists()  # the old generation's file is gone, not mixed in
    assert set(summary(out)) == {"Ana"}
    assert (out / "summary.csv").stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_ctrl_c_writes_an_incomplete_summary_and_keeps_the_old_folder(
        tmp_path: Path, monkeypatch) -> None:
    # three profiles: a copy of Ana's would get her plan without being planned (run_batch)
    roster, runs = write(tmp_path, "Ana,beginner,,,45,18:00,UTC,no\n"
                                   "Ben,beginner,,,40,18:00,UTC,no\n"
                                   "Cy,beginner,,,35,18:00,UTC,no\n",
                         runs_for("Ana", "Ben", "Cy"))
    out = tmp_path / "out"
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    real = batch_module.plan_athlete

    def interrupted(job):
        if job.entry.name == "Ben":
            raise KeyboardInterrupt
        return real(job)

    monkeypatch.setattr(batch_module, "plan_athlete", interrupted)
    result = run_batch(str(roster), str(runs), "--out", str(out))
    assert result.exit_code == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    partial = tmp_path / "out.incomplete"
    rows = summary(partial)
    assert rows["Ana"]["file"] == "Ana.ics"
    assert rows["Ben"]["status"] == rows["Cy"]["status"] == "not planned: interrupted"
    assert (partial / "Ana.ics").exists() and not (partial / "Cy.ics").exists()
    # First run into a new folder: the interrupted generation is the folder.
    fresh = tmp_path / "fresh"
    assert run_batch(str(roster), str(runs), "--out", str(fresh)).exit_code == 130
    assert summary(fresh)["Cy"]["status"] == "not planned: interrupted"


def test_a_hard_linked_plan_keeps_its_link_across_reruns(tmp_path: Path) -> None:
    roster, runs = write(tmp_path, "Ana,beginner,,,45,18:00,UTC,no\n", runs_for("Ana"))
    out = tmp_path / "out"
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    shared = tmp_path / "shared-ana.ics"
    os.link(out / "Ana.ics", shared)
    shared_before = shared.read_bytes()
    (out / "Ana.ics").write_bytes(b"edited")  # both names see the edit
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    assert shared.read_bytes() == shared_before
    assert os.path.samefile(shared, out / "Ana.ics")


def test_out_that_is_a_file_is_exit_2(tmp_path: Path) -> None:
    roster, runs = write(tmp_path, "Ana,beginner,,,45,18:00,UTC,no\n", runs_for("Ana"))
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    result = run_batch(str(roster), str(runs), "--out", str(blocker / "plans"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert blocker.read_text() == "x"


def test_out_dot_writes_into_the_current_folder_without_moving_it(tmp_path: Path,
                                                                  monkeypatch) -> None:
    roster, runs = write(tmp_path, "Ana,beginner,,,45,18:00,UTC,no\n"
                                   "Ben,beginner,,,45,18:00,UTC,no\n", runs_for("Ana", "Ben"))
    monkeypatch.chdir(tmp_path)
    inode = tmp_path.stat().st_ino
    assert run_batch("roster.csv", "runs.csv", "--out", ".").exit_code == 0
    roster.write_text(HEADER + "Ana,beginner,,,45,18:00,UTC,no\n", encoding="utf-8")
    assert run_batch("roster.csv", "runs.csv", "--out", ".").exit_code == 0
    assert tmp_path.stat().st_ino == inode
    assert (tmp_path / "Ana.ics").exists() and not (tmp_path / "Ben.ics").exists()
    assert runs.read_text(encoding="utf-8").startswith("athlete,date")
    assert set(summary(tmp_path)) == {"Ana"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".runstrong-new")]


def test_a_mount_point_out_is_written_in_place_one_generation(tmp_path: Path,
                                                              monkeypatch) -> None:
    roster, runs = write(tmp_path, "Ana,beginner,,,45,18:00,UTC,no\n"
                                   "Ben,beginner,,,45,18:00,UTC,no\n", runs_for("Ana", "Ben"))
    out = tmp_path / "out"
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    (out / "notes.txt").write_text("mine")
    inode = out.stat().st_ino
    monkeypatch.setattr("planner.renderers.outputs.os.path.ismount", lambda path: Path(path) == out)
    roster.write_text(HEADER + "Ana,beginner,,,45,18:00,UTC,no\n", encoding="utf-8")
    assert run_batch(str(roster), str(runs), "--out", str(out)).exit_code == 0
    assert out.stat().st_ino == inode  # the same folder, written in place
    assert not (out / "Ben.ics").exists() and (out / "Ana.ics").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert set(summary(out)) == {"Ana"}
    assert not [p for p in out.iterdir() if p.name.startswith(".runstrong-new")]
