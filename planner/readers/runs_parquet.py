"""A batch's runs table as Parquet: one file, or a folder of them (a platform's export).

The table is read one row group at a time and only its runs columns, so a file bigger
than memory's comfort is never one DataFrame. Cells become the same stripped strings the
CSV reader hands on, and each athlete's rows go through `runs_from_frame`, so the run
words, dates and limits are checked by the one runs reader, not a second one here.

Rows are numbered from 1 (the first record of the file; Parquet has no header row). In a
folder, an athlete whose rows all sit in one file is reported with that file and its
rows; one whose rows span files is reported with the folder, rows counted through its
files in name order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import InputError, require_extra
from planner.readers.csv_table import normalise_header
from planner.readers.runs_csv import RUN_COLUMNS

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
# Bounds checked from each file's metadata before a row group is decoded: reading a row
# group at a time bounds nothing when one group is huge (a 1 MB file held one dictionary-
# encoded group of 5 000 000 rows whose 2 000-character title decoded to 12.5 GB).
MAX_PARQUET_ROWS = 20_000_000  # a whole file or folder: a club's seasons, many times over
MAX_ROW_GROUP_ROWS = 1_000_000
MAX_DECODED_BYTES = 256_000_000  # one row group's runs columns, decoded
PARQUET_MAGIC = b"PAR1"
ATHLETE = "\0athlete"  # the athlete column in a row group's frame: a name no file has


@dataclass(frozen=True, eq=False)
class ParquetRuns:
    """What planner.services.batch.RunsByAthlete holds, read from Parquet (rows from 1)."""

    groups: dict[str, pd.DataFrame]  # casefolded athlete -> rows labelled from 0
    spellings: dict[str, dict[str, int]]  # key -> {name as written: first row}
    sources: dict[str, str]  # key -> its file, for a folder whose athlete is in one file
    warnings: tuple[str, ...]


def is_parquet_runs(path: str | Path) -> bool:
    """A folder, a Parquet suffix, or Parquet's magic bytes (a .csv that is not one)."""
    target = Path(path)
    if target.is_dir() or target.suffix.lower() in PARQUET_SUFFIXES:
        return True
    try:
        with target.open("rb") as handle:
            return handle.read(4) == PARQUET_MAGIC
    except OSError:
        return False  # the CSV reader names the problem


def parquet_files(path: str | Path) -> list[Path]:
    """The Parquet files of a folder (any depth, in name order) or the file itself.
    Names starting with '.' or '_' are skipped: Spark's _SUCCESS, _metadata, temp files."""
    target = Path(path)
    if not target.exists():
        raise InputError("file not found", file=str(path))
    if not target.is_dir():
        return [target]
    files = sorted(
        p for p in target.rglob("*")
        if p.suffix.lower() in PARQUET_SUFFIXES and p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(target).parts))
    if not files:
        raise InputError("no Parquet files (*.parquet) in this folder", file=str(path))
    return files


def split_parquet_runs(path: str | Path) -> ParquetRuns:
    """The runs table's rows per athlete (casefolded name), read row group by row group."""
    files = parquet_files(path)
    folder = Path(path).is_dir()
    chunks: dict[str, list[tuple[int, pd.DataFrame]]] = {}
    spellings: dict[str, dict[str, int]] = {}
    extras: set[str] = set()
    offsets: list[int] = []  # rows of the files before each one: the folder's numbering
    total = 0
    for number, file in enumerate(files):
        reader = _open(file)
        offsets.append(total)
        if total + reader.metadata.num_rows > MAX_PARQUET_ROWS:
            raise InputError(f"over {MAX_PARQUET_ROWS:,} rows (MAX_PARQUET_ROWS) in "
                             f"{'the folder' if folder else 'the file'}: split the batch",
                             file=str(file if not folder else path))
        columns, ignored = _runs_columns(reader.schema_arrow, str(file))
        # Text columns are decoded as dictionaries (indices into the distinct values), so
        # their decoded size can be measured exactly before any cell is expanded.
        reader = _open(file, read_dictionary=[written for written in columns.values()
                                              if _is_text(reader.schema_arrow, written)])
        extras.update(ignored)
        for frame in _row_groups(reader, columns, str(file)):
            names = frame[ATHLETE]
            for first, written in names.drop_duplicates().items():
                spellings.setdefault(written.casefold(), {}).setdefault(
                    written, total + int(first) + 1)
            for key, rows in frame.drop(columns=ATHLETE).groupby(names.str.casefold(),
                                                                  sort=False):
                chunks.setdefault(str(key), []).append((number, rows))
        total += reader.metadata.num_rows
    groups: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    for key in sorted(chunks):
        parts = chunks.pop(key)
        if len({n for n, _ in parts}) == 1:
            groups[key] = parts[0][1] if len(parts) == 1 else pd.concat([p for _, p in parts])
            if folder:
                sources[key] = str(files[parts[0][0]])
        else:  # rows in several files: number them through the folder
            groups[key] = pd.concat([frame.set_axis(frame.index + offsets[n])
                                     for n, frame in parts])
    warnings = (f"{path}: ignored extra columns: {', '.join(sorted(extras))}",) if extras else ()
    return ParquetRuns(groups, spellings, sources, warnings)


def _open(file: Path, read_dictionary: list[str] | None = None) -> Any:
    require_extra("pyarrow.parquet", "cluster", "a Parquet runs file")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(file, read_dictionary=read_dictionary)
    except (pa.ArrowException, OSError, ValueError) as err:
        detail = str(err).strip().splitlines()[0][:200] if str(err).strip() else "unreadable"
        raise InputError(f"not a readable Parquet file ({detail})", file=str(file)) from None


def _runs_columns(schema: Any, source: str) -> tuple[dict[str, str], list[str]]:
    """{known column: name in the file}; the names of the columns that are not read.
    Whole-table problems stop the batch here, before any athlete is planned."""
    columns: dict[str, str] = {}
    ignored: list[str] = []
    for field in schema:
        name = normalise_header(field.name)
        if name not in RUN_COLUMNS:
            ignored.append(field.name)
            continue
        if name in columns:
            raise InputError(f"column '{name}' appears twice ('{columns[name]}' and "
                             f"'{field.name}')", file=source, field=name)
        _converter(field.type, source, name)  # refuse unreadable types up front
        columns[name] = field.name
    if "athlete" not in columns:
        raise InputError("a batch runs file needs an 'athlete' column", file=source,
                         field="athlete")
    if "run" not in columns:
        raise InputError("missing required column 'run' (columns: date (or day with --start), "
                         "run, and optionally minutes, time, title, week)", file=source,
                         field="run")
    if "date" not in columns and "day" not in columns:
        raise InputError("missing column 'date' (a date or YYYY-MM-DD text), or 'day' "
                         "(Mon..Sun) with --start YYYY-MM-DD", file=source, field="date")
    return columns, ignored


def _row_groups(reader: Any, columns: dict[str, str],
                source: str) -> Iterator[pd.DataFrame]:
    """Each row group's cells as strings, labelled by row in the file (from 0); the other
    columns keep their names as written, as the CSV header does."""
    import pyarrow as pa

    start = 0
    schema = reader.schema_arrow
    for group in range(reader.metadata.num_row_groups):
        _check_group_metadata(reader.metadata.row_group(group), columns, source, group, start)
        try:
            table = reader.read_row_group(group, columns=list(columns.values()))
        except (pa.ArrowException, OSError) as err:
            raise InputError(f"cannot read row group {group} ({_first_line(err)})",
                             file=source, row=start + 1) from None
        _check_decoded_size(table, source, group, start)
        cells: dict[str, list[str]] = {}
        for name, written in columns.items():
            convert = _converter(schema.field(written).type, source, name)
            values = table.column(written).to_pylist()
            text = []
            for index, value in enumerate(values):
                try:
                    text.append(convert(value))
                except (ValueError, OverflowError):
                    raise InputError(f"cannot read {value!r} as text", file=source,
                                     row=start + index + 1, field=name) from None
            cells[ATHLETE if name == "athlete" else written] = text
        frame = pd.DataFrame(cells, index=pd.RangeIndex(start, start + table.num_rows),
                             dtype=object)
        blank = frame.eq("").all(axis=1)
        yield frame[~blank] if blank.any() else frame
        start += table.num_rows


def _is_text(schema: Any, name: str) -> bool:
    import pyarrow.types as t

    kind = schema.field(name).type
    return bool(t.is_string(kind) or t.is_large_string(kind))


def _check_group_metadata(meta: Any, columns: dict[str, str], source: str, group: int,
                          start: int) -> None:
    """Refuse a row group from its metadata alone: more than MAX_ROW_GROUP_ROWS rows, or
    runs columns whose decoded size (the uncompressed pages, or rows x the longest value
    its statistics name, whichever is larger) exceeds MAX_DECODED_BYTES."""
    where = f"row group {group} holds"
    if meta.num_rows > MAX_ROW_GROUP_ROWS:
        raise InputError(f"{where} {meta.num_rows:,} rows; at most {MAX_ROW_GROUP_ROWS:,} "
                         "(MAX_ROW_GROUP_ROWS) are read at once: write smaller row groups",
                         file=source, row=start + 1)
    wanted = set(columns.values())
    estimate = 0
    for index in range(meta.num_columns):
        chunk = meta.column(index)
        if chunk.path_in_schema not in wanted:
            continue
        longest = 0
        stats = chunk.statistics if chunk.is_stats_set else None
        if stats is not None and stats.has_min_max and chunk.physical_type == "BYTE_ARRAY":
            longest = max(len(str(stats.min)), len(str(stats.max)))
        estimate += max(chunk.total_uncompressed_size, chunk.num_values * longest)
    if estimate > MAX_DECODED_BYTES:
        raise InputError(f"{where} about {estimate:,} bytes of runs once decoded; at most "
                         f"{MAX_DECODED_BYTES:,} (MAX_DECODED_BYTES) are read at once",
                         file=source, row=start + 1)


def _check_decoded_size(table: Any, source: str, group: int, start: int) -> None:
    """The exact decoded size of the text columns, counted on their dictionaries and
    indices before a single cell is expanded (statistics can be absent or short)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for column in table.columns:
        for chunk in column.chunks:
            if pa.types.is_dictionary(chunk.type):
                lengths = pc.binary_length(chunk.dictionary)
                total += pc.sum(pc.take(lengths, chunk.indices)).as_py() or 0
            elif pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type):
                total += pc.sum(pc.binary_length(chunk)).as_py() or 0
    if total > MAX_DECODED_BYTES:
        raise InputError(f"row group {group} holds {total:,} bytes of runs once decoded; at "
                         f"most {MAX_DECODED_BYTES:,} (MAX_DECODED_BYTES) are read at once",
                         file=source, row=start + 1)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0][:200] if text else type(err).__name__


def _converter(kind: Any, source: str, column: str) -> Callable[[Any], str]:
    """A cell of this Arrow type as the text a runs CSV would hold."""
    import pyarrow.types as t

    if t.is_dictionary(kind):
        return _converter(kind.value_type, source, column)
    if t.is_string(kind) or t.is_large_string(kind) or t.is_null(kind):
        return _text
    if t.is_integer(kind):
        return _integer
    if t.is_floating(kind):
        return _floating
    if t.is_boolean(kind):
        return _boolean
    if t.is_date(kind) or t.is_timestamp(kind):
        return _day
    if t.is_time(kind):
        return _clock
    raise InputError(f"a column of type {kind} cannot be read: store it as text, a number, "
                     "a date or a time", file=source, field=column)


def _text(value: Any) -> str:
    return "" if value is None else str(value).replace("\ufeff", "").strip()


def _integer(value: Any) -> str:
    return "" if value is None else str(value)


def _floating(value: Any) -> str:
    """45.0 -> '45' (pandas writes whole numbers with a gap as floats); 45.5 stays, so the
    runs reader says it is not a whole number."""
    if value is None or math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else str(value)


def _boolean(value: Any) -> str:
    return "" if value is None else ("yes" if value else "no")


def _day(value: Any) -> str:
    """A date, or a timestamp at midnight, as YYYY-MM-DD; any other time of day is kept,
    so the runs reader reports it rather than this reader dropping it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _clock(value: Any) -> str:
    if value is None:
        return ""
    return value.strftime("%H:%M") if isinstance(value, time) and not value.second \
        else str(value)


# --summary-format: the summary files written
