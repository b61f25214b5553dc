"""Issue 23, Parquet runs: row and decoded-size caps checked from the file's metadata
before a row group is decoded, and measured exactly on the dictionaries when statistics
are missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import InputError
from planner.readers import runs_parquet
from planner.readers.runs_parquet import (
    MAX_DECODED_BYTES,
    MAX_ROW_GROUP_ROWS,
    split_parquet_runs,
)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def dictionary_runs(path: Path, rows: int, title: str, **options) -> Path:
    """One row group of `rows` identical runs, every text column dictionary-encoded: a
    file of a few kilobytes whatever `rows` is."""
    def column(value: str) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array([0] * rows, type=pa.int32()),
                                              pa.array([value]))

    table = pa.table({"athlete": column("Ana"), "date": column("2027-01-04"),
                      "run": column("easy"), "title": column(title)})
    pq.write_table(table, path, row_group_size=rows, **options)
    return path


def test_a_huge_row_group_is_refused_from_the_metadata(tmp_path: Path, monkeypatch) -> None:
    """The issue's file (5 000 000 rows, a 2 000-character title) decoded to 12.5 GB; it
    is refused before read_row_group runs."""
    path = dictionary_runs(tmp_path / "runs.parquet", 5_000_000, "x" * 2_000)
    assert path.stat().st_size < 2_000_000

    def never(*args, **kwargs):
        raise AssertionError("a row group was decoded")

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", never)
    with pytest.raises(InputError) as caught:
        split_parquet_runs(path)
    assert "5,000,000 rows" in caught.value.message
    assert f"{MAX_ROW_GROUP_ROWS:,}" in caught.value.message and caught.value.row == 1


def test_the_decoded_size_is_estimated_from_statistics(tmp_path: Path, monkeypatch) -> None:
    path = dictionary_runs(tmp_path / "runs.parquet", 200_000, "x" * 2_000)
    monkeypatch.setattr(pq.ParquetFile, "read_row_group",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("decoded")))
    with pytest.raises(InputError) as caught:  # 200 000 x 2 000 = 400 MB
        split_parquet_runs(path)
    assert "MAX_DECODED_BYTES" in caught.value.message
    assert f"{MAX_DECODED_BYTES:,}" in caught.value.message


def test_without_statistics_the_size_is_counted_before_any_cell_is_expanded(
        tmp_path: Path, monkeypatch) -> None:
    path = dictionary_runs(tmp_path / "runs.parquet", 200_000, "x" * 2_000,
                           write_statistics=False)
    expanded = []
    real = runs_parquet._text
    monkeypatch.setattr(runs_parquet, "_text", lambda value: expanded.append(1) or real(value))
    with pytest.raises(InputError) as caught:
        split_parquet_runs(path)
    assert "400," in caught.value.message and "MAX_DECODED_BYTES" in caught.value.message
    assert expanded == []


def test_rows_over_the_whole_file_cap_are_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runs_parquet, "MAX_PARQUET_ROWS", 1_000)
    path = dictionary_runs(tmp_path / "runs.parquet", 1_001, "Easy")
    with pytest.raises(InputError, match="MAX_PARQUET_ROWS"):
        split_parquet_runs(path)


def test_a_modest_dictionary_file_still_reads(tmp_path: Path) -> None:
    path = dictionary_runs(tmp_path / "runs.parquet", 50, "Easy run")
    runs = split_parquet_runs(path)
    assert list(runs.groups) == ["ana"] and len(runs.groups["ana"]) == 50
