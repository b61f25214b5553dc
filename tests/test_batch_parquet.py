"""Issue 16: batch RUNS as a Parquet file or a folder of them plans exactly what the CSV
plans, read by row group; bad Parquet is one clear error with nothing written; the summary
can be Parquet, byte-identical run to run."""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROSTER = """athlete,level,equipment,sessions,minutes,time,tz,new_to_strength
Ana,beginner,,,45,07:00,UTC,no
Ben,intermediate,dumbbell;band,,45,18:00,Europe/Berlin,no
Cleo,beginner,,,45,07:00,UTC,no
Tiny Time,advanced,,,10,07:00,UTC,no
"""
WEEK = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]
NAMES = ("Ana", "Ben", "Cleo", "Tiny Time")


def rows(names=NAMES, days: int = 7) -> list[dict]:
    return [{"athlete": name, "date": date(2027, 1, 4) + timedelta(days=n),
             "run": WEEK[n % 7], "minutes": 40, "time": time(7, 0)}
            for name in names for n in range(days)]


def as_csv(records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: (v.strftime("%H:%M") if isinstance(v, time) else v)
                         for k, v in record.items()})
    return out.getvalue()


def write_parquet(path: Path, records: list[dict], row_group_size: int = 5) -> Path:
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=row_group_size)
    return path


def batch(tmp_path: Path, runs: Path, out: str, *options: str):
    roster = tmp_path / "roster.csv"
    if not roster.exists():
        roster.write_text(ROSTER, encoding="utf-8")
    return CliRunner().invoke(main, ["batch", str(roster), str(runs), "--out",
                                     str(tmp_path / out), "--jobs", "1", *options])


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_parquet_file_plans_what_the_csv_plans(tmp_path: Path, monkeypatch) -> None:
    records = rows()
    (tmp_path / "runs.csv").write_text(as_csv(records), encoding="utf-8")
    write_parquet(tmp_path / "runs.parquet", records)

    def whole_table(*args, **kwargs):
        raise AssertionError("the runs table is read by row group, never whole")

    monkeypatch.setattr(pq.ParquetFile, "read", whole_table)
    monkeypatch.setattr(pq, "read_table", whole_table)
    from_csv = batch(tmp_path, tmp_path / "runs.csv", "csv")
    from_parquet = batch(tmp_path, tmp_path / "runs.parquet", "parquet")
    assert from_csv.exit_code == from_parquet.exit_code == 4  # Tiny Time has no plan
    assert folder_bytes(tmp_path / "parquet") == folder_bytes(tmp_path / "csv")
    assert "failed: no plan" in (tmp_path / "parquet" / "summary.csv").read_text()


def test_a_folder_of_parquet_files_plans_what_the_csv_plans(tmp_path: Path) -> None:
    records = rows()
    (tmp_path / "runs.csv").write_text(as_csv(records), encoding="utf-8")
    folder = tmp_path / "runs"
    (folder / "part=2").mkdir(parents=True)
    ana_ben = [r for r in records if r["athlete"] in ("Ana", "Ben")]
    cleo = [r for r in records if r["athlete"] == "Cleo"]
    tiny = [r for r in records if r["athlete"] == "Tiny Time"]
    write_parquet(folder / "a.parquet", ana_ben + cleo[:3])
    write_parquet(folder / "part=2" / "b.parquet", cleo[3:] + tiny)  # Cleo spans two files
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / ".tmp.parquet").write_bytes(b"half written")
    assert batch(tmp_path, tmp_path / "runs.csv", "csv").exit_code == 4
    assert batch(tmp_path, folder, "folder").exit_code == 4
    assert folder_bytes(tmp_path / "folder") == folder_bytes(tmp_path / "csv")


def test_typed_and_text_columns_read_alike(tmp_path: Path) -> None:
    records = rows(("Ana",))
    text = [{**r, "date": r["date"].isoformat(), "minutes": str(r["minutes"]),
             "time": r["time"].strftime("%H:%M")} for r in records]
    floats = [{**r, "minutes": float(r["minutes"])} for r in records]  # pandas with a gap
    for name, table in (("typed", records), ("text", text), ("floats", floats)):
        write_parquet(tmp_path / f"{name}.parquet", table)
    (tmp_path / "roster.csv").write_text(ROSTER.splitlines()[0] + "\n" + ROSTER.splitlines()[1]
                                         + "\n", encoding="utf-8")
    for name in ("typed", "text", "floats"):
        assert batch(tmp_path, tmp_path / f"{name}.parquet", name).exit_code == 0
    assert folder_bytes(tmp_path / "typed") == folder_bytes(tmp_path / "text")
    assert folder_bytes(tmp_path / "typed") == folder_bytes(tmp_path / "floats")


def test_a_bad_row_is_that_athletes_row_naming_file_row_and_field(tmp_path: Path) -> None:
    records = rows()
    records[9]["run"] = "sprint-ish"  # Ben's 3rd run: the file's 10th record
    runs = write_parquet(tmp_path / "runs.parquet", records)
    result = batch(tmp_path, runs, "out")
    assert result.exit_code == 4
    summary = {r["athlete"]: r for r in csv.DictReader(
        io.StringIO((tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")))}
    assert summary["Ben"]["status"] == "failed: bad runs"
    assert f"{runs}, row 10, field 'run': unknown run type 'sprint-ish'" in \
        summary["Ben"]["warnings"]
    assert summary["Ana"]["status"] == "optimal"


@pytest.mark.parametrize(("table", "expected"), [
    (pa.table({"athlete": ["Ana"], "date": ["2027-01-04"], "minutes": [40]}),
     "field 'run': missing required column 'run'"),
    (pa.table({"date": ["2027-01-04"], "run": ["easy"]}),
     "field 'athlete': a batch runs file needs an 'athlete' column"),
    (pa.table({"athlete": ["Ana"], "run": ["easy"]}), "field 'date': missing column 'date'"),
    (pa.table({"athlete": ["Ana"], "date": ["2027-01-04"], "run": [["easy", "long"]]}),
     "field 'run': a column of type list<element: string> cannot be read"),
    (pa.table({"athlete": ["Ana"], "Date": ["2027-01-04"], "date ": ["2027-01-04"],
               "run": ["easy"]}), "field 'date': column 'date' appears twice"),
])
def test_a_bad_table_stops_the_batch_with_nothing_written(tmp_path: Path, table,
                                                          expected: str) -> None:
    runs = tmp_path / "runs.parquet"
    pq.write_table(table, runs)
    result = batch(tmp_path, runs, "out")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {runs}, {expected}"), result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: (p / "runs.parquet").write_bytes(b"PAR1 not really"), "not a readable Parquet"),
    (lambda p: (p / "runs.csv").write_bytes(b"PAR1" + b"\0" * 40), "not a readable Parquet"),
    (lambda p: (p / "runs").mkdir(), "no Parquet files (*.parquet) in this folder"),
])
def test_an_unreadable_file_or_empty_folder_is_one_clear_error(tmp_path: Path, make,
                                                               expected: str) -> None:
    make(tmp_path)
    runs = next(p for p in tmp_path.iterdir() if p.name.startswith("runs"))
    result = batch(tmp_path, runs, "out")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {runs}") and expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_ignored_columns_are_warned_once(tmp_path: Path) -> None:
    records = [{**r, "heart_rate": 140} for r in rows(("Ana",))]
    runs = write_parquet(tmp_path / "runs.parquet", records)
    result = batch(tmp_path, runs, "out")
    assert result.stderr.count("ignored extra columns: heart_rate") == 1


def test_summary_parquet_has_the_csv_columns_and_the_same_bytes_every_run(
        tmp_path: Path) -> None:
    runs = write_parquet(tmp_path / "runs.parquet", rows())
    first = batch(tmp_path, runs, "one", "--summary-format", "both")
    second = batch(tmp_path, runs, "two", "--summary-format", "parquet")
    assert first.exit_code == second.exit_code == 4
    assert "(summary.csv and summary.parquet)" in first.stdout
    one, two = tmp_path / "one", tmp_path / "two"
    assert (one / "summary.parquet").read_bytes() == (two / "summary.parquet").read_bytes()
    assert not (two / "summary.csv").exists()
    table = pq.read_table(one / "summary.parquet")
    from_csv = list(csv.DictReader(io.StringIO((one / "summary.csv").read_text("utf-8"))))
    assert table.column_names == list(from_csv[0])
    assert table.schema.field("weeks").type == pa.int32()
    for got, want in zip(table.to_pylist(), from_csv, strict=True):
        assert {k: "" if v is None else (f"{v:.2f}" if k == "muscles_covered" else str(v))
                for k, v in got.items()} == want
    tiny = next(r for r in table.to_pylist() if r["athlete"] == "Tiny Time")
    assert tiny["weeks"] is None and tiny["status"] == "failed: no plan"
