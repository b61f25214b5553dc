"""Turn what a runner hands us (a runs CSV, CLI options) into validated domain values.

Everything a user can fix becomes an `InputError` naming the file, the spreadsheet row
(header = row 1, first data row = row 2) and the field, so the CLI can print one plain
line instead of a traceback. No other exception may escape `load_runs`, whatever the bytes.
"""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import os
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from numbers import Integral
from pathlib import Path
from typing import Any

import pandas as pd

from planner.domain import (
    ASSUMED_EQUIPMENT,
    EQUIPMENT,
    LEVELS,
    LOADED_EQUIPMENT,
    RUN_TYPES,
    WEEKDAYS,
    Run,
)
from planner.errors import InputError

MAX_WEEKS = 104  # two years of training is the longest horizon we plan in one go
# More empty weeks than this in a row between two runs is taken for a typo in a date (a
# mistyped year would otherwise stretch the plan over months of nothing); fewer are
# reported and left unplanned.
MAX_EMPTY_WEEKS = 8
MAX_MINUTES = 600  # ten hours: longer than any single run we expect, so likely a typo
# Dates runstrong plans in: anything outside is a typo (and near year 1 or 9999 the
# calendar arithmetic of the planner and the .ics writer would overflow).
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)

# Columns of the runs CSV, in the order the help text lists them.
RUN_COLUMNS: tuple[str, ...] = ("date", "day", "run", "minutes", "time", "title", "week", "athlete")
_HEADER_HINT = "date (or day with --start), run, and optionally minutes, time, title, week"

# Labels runners and training apps actually write, keyed by their normalised form
# (lower case, '-'/'_' as spaces, single spaces). The nine RUN_TYPES map to themselves.
RUN_SYNONYMS: dict[str, str] = {
    **{word: "speed" for word in (
        "intervals", "interval", "track", "reps", "repeats", "vo2", "vo2max", "vo2 max",
        "fartlek",
    )},
    **{word: "tempo" for word in ("threshold", "lt", "cruise", "progression")},
    **{word: "easy" for word in ("jog", "aerobic", "base", "steady", "shakeout", "general")},
    **{word: "recovery" for word in ("recovery jog", "recovery run")},
    **{word: "long" for word in ("long run", "lsr")},
    **{word: "hill" for word in ("hills", "hill repeats", "hill sprints")},
    **{word: "race" for word in (
        "parkrun", "10k race", "half marathon", "marathon", "5k race", "race day",
    )},
    **{word: "rest" for word in ("off", "none", "day off", "rest day", "off day")},
    **{word: "cross" for word in (
        "bike", "cycling", "swim", "elliptical", "cross training", "xt",
    )},
}

# Day names for the `day` column and for --prefer-days/--avoid-days; 0 = Monday.
DAY_NAMES: dict[str, int] = {}
for _index, _full in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
):
    DAY_NAMES[_full] = _index
    DAY_NAMES[_full[:3]] = _index
DAY_NAMES.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

EQUIPMENT_SYNONYMS: dict[str, str] = {
    "dumbbells": "dumbbell",
    "kettlebells": "kettlebell",
    "barbells": "barbell",
    "benches": "bench",
    "boxes": "box",
    "bands": "band",
    "machines": "machine",
    "resistance band": "band",
    "resistance bands": "band",
    "mini band": "band",
    "mini bands": "band",
    "loop band": "band",
    "plyo box": "box",
}
# Things every home has (ASSUMED_EQUIPMENT); people still type them, so drop them quietly.
_ASSUMED_WORDS: frozenset[str] = ASSUMED_EQUIPMENT | {"floor", "walls", "steps", "stairs", "chairs"}

_TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
_FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")
_MINUTES_RE = re.compile(r"\d+")
_WEEK_RE = re.compile(r"(?:w(?:eek)?\s*)?(\d+)", re.IGNORECASE)
# C0/C1 control characters other than tab, CR and LF never occur in a spreadsheet export;
# finding one means the file is binary or was decoded with the wrong encoding.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
_PANDAS_LINE_RE = re.compile(r"line (\d+)")
_PANDAS_ROW_RE = re.compile(r"row (\d+)")
_UNNAMED_RE = re.compile(r"unnamed: \d+")
# A line made of these only is a blank spreadsheet row (",,," is what Excel writes for one).
_BLANK_CHARS = " \t\r\n,;"
# Not IANA zone names although zoneinfo can load them: they would mean different things
# on another machine, or nothing, in a calendar file.
_NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})

_ETC_TIMEZONE = Path("/etc/timezone")
_ETC_LOCALTIME = Path("/etc/localtime")


# --------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RunsInput:
    path: str
    runs: tuple[Run, ...]  # sorted by (date, time or 00:00, original row order)
    # (label as written, run type it became, rows), sorted; only labels that needed a
    # synonym, so "Easy" is not listed but "Intervals" is.
    mapped: tuple[tuple[str, str, tuple[int, ...]], ...]
    warnings: tuple[str, ...]
    # The days sessions may go on (a calendar's --range, or the whole weeks of its runs);
    # None: the whole weeks of the runs. Runs outside it only inform the rules.
    window: tuple[date, date] | None = None


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file read into strings, ready for a row-by-row loader (runs, roster...).

    `frame` holds the header cells as written (not yet normalised) and only non-blank
    rows; each row's index label plus `first_row` is its spreadsheet row, so errors can
    point at the line the user sees even after blank lines were skipped.
    """

    path: str
    frame: pd.DataFrame
    first_row: int  # spreadsheet row of index label 0 (header row + 1)
    encoding: str  # "utf-8", "utf-16", "windows-1252" or "latin-1"


# --------------------------------------------------------------------------------------
# Reading a file safely


def read_table(path: str | Path) -> Table:
    """Read any file as a CSV of strings, or raise InputError naming the file."""
    name = str(path)
    data = _read_bytes(path, name)
    text, encoding = _decode(data, name)
    _reject_control_characters(text, name)
    text, skipped = _drop_leading_blank_lines(text)
    if not text.strip(_BLANK_CHARS):
        raise InputError(
            "no runs in file: it is empty (expected a header row such as 'date,run,minutes')",
            file=name, row=1,
        )
    frame = _parse_csv(text, name, row_offset=skipped)
    header = [_cell(value) for value in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = header
    body = body[~body.apply(_row_is_blank, axis=1)] if len(body) else body
    return Table(path=name, frame=body, first_row=skipped + 2, encoding=encoding)


def _read_bytes(path: str | Path, name: str) -> bytes:
    try:
        target = Path(path)
        if not target.exists():
            raise InputError("file not found", file=name)
        if not target.is_file():
            raise InputError("not a file (a folder or device?): give the path of a CSV file",
                             file=name)
        return target.read_bytes()
    except InputError:
        raise
    except (OSError, ValueError) as err:  # ValueError: e.g. a NUL byte in the path
        raise InputError(f"cannot read the file: {err}", file=name) from err


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes -> text. UTF-8 (BOM or not) first, then the encodings Excel on Windows writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export is UTF-16 with a BOM (and tab separated).
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise InputError("unreadable content: not valid UTF-16 text", file=name) from err
    if b"\x00" in data:
        raise InputError("binary content: this is not a CSV text file", file=name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    _reject_mixed_encodings(data, name)
    # Windows-1252 is what "Latin-1" files from Excel usually really are (it adds curly
    # quotes and dashes in 0x80-0x9F); true Latin-1 decodes any byte, so it comes last.
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _reject_mixed_encodings(data: bytes, name: str) -> None:
    """A file whose lines are partly UTF-8 (with accents) and partly not (Windows-1252,
    Latin-1) cannot be read as either without garbling some names: say which lines."""
    utf8_line = other_line = None
    for number, line in enumerate(re.split(rb"\r\n|\r|\n", data), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and other_line:
            raise InputError(
                f"the file mixes encodings: line {utf8_line} is UTF-8 but line {other_line} "
                "is not (Windows-1252 or Latin-1?); save the whole file as UTF-8",
                file=name, row=other_line)


def _reject_control_characters(text: str, name: str) -> None:
    found = _CONTROL_RE.search(text)
    if found:
        line = len(re.split(r"\r\n|\r|\n", text[: found.start()]))
        raise InputError(
            f"binary or unreadable content (control character {found.group()!r}): "
            "this is not a CSV text file",
            file=name, row=line,
        )


def _drop_leading_blank_lines(text: str) -> tuple[str, int]:
    """pandas takes the column count from the first line, so a blank first line would
    make every later row 'too long'. Drop such lines but count them for row numbers."""
    lines = re.split(r"(\r\n|\r|\n)", text)
    skipped = 0
    # re.split with a group alternates [line, separator, line, separator, ...]
    while len(lines) > 2 and not lines[0].strip(_BLANK_CHARS):
        lines = lines[2:]
        skipped += 1
    return "".join(lines), skipped


def _guess_separator(text: str) -> str:
    """Comma, unless the header only uses ';' (European Excel) or tabs (UTF-16 export)."""
    header = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    for separator in (",", ";", "\t"):
        if separator in header:
            return separator
    return ","


def _parse_csv(text: str, name: str, *, row_offset: int) -> pd.DataFrame:
    try:
        # header=None: we read the header row ourselves so that duplicate names survive
        # (pandas would rename them "x.1") and can be reported.
        # skip_blank_lines=False: blank lines stay as rows so a row's position is its
        # spreadsheet row; blank rows are dropped afterwards (index labels kept).
        frame = pd.read_csv(
            io.StringIO(text), sep=_guess_separator(text), header=None, dtype=str,
            keep_default_na=False, skip_blank_lines=False, index_col=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error,
            OverflowError) as err:
        raise _parser_error(err, name, row_offset) from err
    if frame.empty or frame.shape[1] == 0:
        raise InputError("no header row: expected one such as 'date,run,minutes'",
                         file=name, row=row_offset + 1)
    return frame


def _parser_error(err: Exception, name: str, row_offset: int) -> InputError:
    """Say in plain words what the CSV parser choked on, with the row when it told us."""
    detail = str(err)
    line = _PANDAS_LINE_RE.search(detail)
    row = _PANDAS_ROW_RE.search(detail)
    if "Expected" in detail and line:
        found = re.search(r"Expected (\d+) fields .* saw (\d+)", detail)
        counts = (f"has {found.group(2)} cells but the header names {found.group(1)} columns"
                  if found else "has more cells than the header has names")
        return InputError(f"this row {counts}: remove the extra cells (a trailing comma?), "
                          "name the column, or put quotes around a title with a comma",
                          file=name, row=int(line.group(1)) + row_offset)
    if "EOF inside string" in detail and row:
        # pandas counts rows from 0 here
        return InputError('a quoted cell is never closed (a missing ")',
                          file=name, row=int(row.group(1)) + 1 + row_offset)
    short = detail.strip().splitlines()[0][:200] if detail.strip() else type(err).__name__
    return InputError(f"cannot read this as CSV: {short}", file=name)


def _cell(value: Any) -> str:
    """A frame cell as stripped text; missing cells (NaN/None) are empty."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""  # NaN/None: a short row, or a frame built by another loader
    return str(value).replace("\ufeff", "").strip()


def _row_is_blank(row: pd.Series) -> bool:
    return all(not _cell(value) for value in row.tolist())


# --------------------------------------------------------------------------------------
# Runs CSV


def load_runs(path: str | Path, *, start: date | None = None,
              athlete: str | None = None) -> RunsInput:
    """Read a runs CSV (see module docs for the format) into sorted, validated runs."""
    table = read_table(path)
    try:
        frame = _select_athlete(table.frame, athlete, source=table.path,
                                first_row=table.first_row)
        return runs_from_frame(frame, source=table.path, start=start, first_row=table.first_row)
    except InputError as err:
        raise _with_encoding_note(err, table.encoding) from None


def _with_encoding_note(err: InputError, encoding: str) -> InputError:
    """Mention the fallback encoding only when it could explain the error: the value
    quoted in the message has non-ASCII characters that may have been mis-decoded."""
    if encoding not in ("windows-1252", "latin-1") or err.message.isascii():
        return err
    note = " (the file is not UTF-8, so it was read as Latin-1; save it as UTF-8 if "
    note += "accents look wrong)"
    return InputError(err.message + note, file=err.file, row=err.row, field=err.field)


def runs_from_frame(frame: pd.DataFrame, *, source: str, start: date | None = None,
                    first_row: int = 2) -> RunsInput:
    """Validate a frame of string cells whose columns are the runs CSV header.

    A row's spreadsheet row is `first_row` + its integer index label, so a frame filtered
    from a bigger file (one athlete of a batch) still reports the rows the user sees.
    """
    header_row = first_row - 1
    columns, warnings = _map_header(list(frame.columns), frame, source, header_row)
    records = _records(frame, columns, first_row)
    if not records:
        raise InputError("no runs in file: there is a header but no data rows",
                         file=source, row=first_row)
    _check_single_athlete(records, source)
    try:
        monday = monday_of(start) if start is not None else None
    except OverflowError:
        raise InputError(f"{start} is outside the dates runstrong plans", field="--start") from None

    parsed: list[tuple[int, Run]] = []
    mapped: dict[tuple[str, str], list[int]] = {}
    week_ignored = False
    errors: list[InputError] = []
    for row, cells in records:
        try:
            run_date, used_week = _row_date(cells, row, source, monday)
            week_ignored |= bool(cells.get("week")) and not used_week
        except InputError as err:
            errors.append(err)
            run_date = None
        try:
            run = _row_run(cells, row, source, run_date or date(2000, 1, 3))
        except InputError as err:
            errors.append(err)
            continue
        if run_date is None:
            continue
        if run.source_label:
            mapped.setdefault((run.source_label, run.kind), []).append(row)
        parsed.append((row, run))
    if errors:
        raise combine_errors(errors)

    _check_span(parsed, source, "date" if "date" in columns else "day")
    _check_gaps(parsed, source, "date" if "date" in columns else "day")
    if week_ignored:
        warnings.append("ignored the 'week' column on rows that give a date")
    ordered = sorted(parsed, key=lambda item: (item[1].date, item[1].time or time(0), item[0]))
    out_of_order = _first_out_of_order(parsed)
    if out_of_order is not None:
        warnings.append(f"rows are not in date order (row {out_of_order} is dated before the "
                        "row above it); sorted them by date")
    return RunsInput(
        path=source,
        runs=tuple(run for _, run in ordered),
        mapped=tuple(sorted((label, kind, tuple(rows)) for (label, kind), rows in mapped.items())),
        warnings=tuple(warnings),
    )


MAX_REPORTED_ERRORS = 20  # bad rows listed in one error message


def combine_errors(errors: Sequence[InputError]) -> InputError:
    """One error for many bad rows: the first names file, row and field as usual; the
    next ones (up to MAX_REPORTED_ERRORS in all) follow, one a line, so a file with
    three typos is fixed in one go."""
    first = errors[0]
    if len(errors) == 1:
        return first
    lines = [first.message]
    for err in errors[1:MAX_REPORTED_ERRORS]:
        where = ", ".join(part for part in (
            f"row {err.row}" if err.row is not None else None,
            f"field '{err.field}'" if err.field else None) if part)
        lines.append(f"  {where}: {err.message}" if where else f"  {err.message}")
    if len(errors) > MAX_REPORTED_ERRORS:
        lines.append(f"  … and {len(errors) - MAX_REPORTED_ERRORS} more bad rows")
    else:
        lines.append(f"  ({len(errors)} bad rows in all)")
    return InputError("\n".join(lines), file=first.file, row=first.row, field=first.field)


def suggest(word: str, choices: Iterable[str]) -> str:
    """'; did you mean speed?' when `word` is close to one of `choices`, else ''."""
    close = difflib.get_close_matches(word.strip().lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def normalise_header(name: Any) -> str:
    """A header cell as matched against column names: lower case, spaces folded."""
    text = _cell(name).lower()
    text = " ".join(text.split())
    return "" if _UNNAMED_RE.fullmatch(text) else text


def _map_header(names: Sequence[Any], frame: pd.DataFrame, source: str,
                header_row: int) -> tuple[dict[str, int], list[str]]:
    """Header cells -> {known column: position}; warn about extra columns."""
    columns: dict[str, int] = {}
    extras: list[str] = []
    nameless_with_data = False
    for position, raw in enumerate(names):
        name = normalise_header(raw)
        if name in RUN_COLUMNS:
            if name in columns:
                raise InputError(f"column '{name}' appears twice in the header",
                                 file=source, row=header_row, field=name)
            columns[name] = position
        elif name:
            extras.append(_cell(raw))
        elif any(_cell(value) for value in frame.iloc[:, position].tolist()):
            nameless_with_data = True  # a trailing comma on every row is harmless; data isn't
    if not columns:
        raise InputError(f"no header row: the first row must name the columns ({_HEADER_HINT})",
                         file=source, row=header_row)
    if "run" not in columns:
        raise InputError(f"missing required column 'run' (columns: {_HEADER_HINT})",
                         file=source, row=header_row, field="run")
    if "date" not in columns and "day" not in columns:
        raise InputError("missing column 'date' (YYYY-MM-DD), or 'day' (Mon..Sun) with "
                         "--start YYYY-MM-DD", file=source, row=header_row, field="date")
    warnings: list[str] = []
    if extras:
        warnings.append("ignored extra columns: " + ", ".join(_show(name) for name in extras))
    if nameless_with_data:
        warnings.append("ignored a column with no header name")
    return columns, warnings


def _records(frame: pd.DataFrame, columns: dict[str, int],
             first_row: int) -> list[tuple[int, dict[str, str]]]:
    """Non-blank rows as (spreadsheet row, {known column: stripped text})."""
    records: list[tuple[int, dict[str, str]]] = []
    rows = frame.itertuples(index=False, name=None)
    for position, (label, values) in enumerate(zip(frame.index, rows, strict=True)):
        cells = {name: _cell(values[index]) for name, index in columns.items()}
        if not any(_cell(value) for value in values):
            continue
        offset = label if isinstance(label, Integral) and not isinstance(label, bool) else position
        records.append((first_row + int(offset), cells))
    return records


def find_column(frame: pd.DataFrame, column: str) -> int | None:
    """Position of the header cell naming `column`, however it is spelled, or None."""
    return next((index for index, name in enumerate(frame.columns)
                 if normalise_header(name) == column), None)


def _select_athlete(frame: pd.DataFrame, athlete: str | None, *, source: str,
                    first_row: int) -> pd.DataFrame:
    """Keep one athlete's rows of a multi-athlete file (index labels, so rows, kept)."""
    if athlete is None:
        return frame
    position = find_column(frame, "athlete")
    if position is None:
        return frame
    wanted = athlete.strip().casefold()
    names = [_cell(value) for value in frame.iloc[:, position].tolist()]
    keep = [name.casefold() == wanted for name in names]
    if not any(keep):
        found = sorted({name for name in names if name})
        raise InputError(
            f"no rows for athlete {_show(athlete)} (found: {', '.join(found) or 'none'})",
            file=source, row=first_row - 1, field="athlete",
        )
    return frame.loc[keep]


def _check_single_athlete(records: list[tuple[int, dict[str, str]]], source: str) -> None:
    seen: dict[str, str] = {}
    for row, cells in records:
        if "athlete" not in cells:
            return
        name = cells["athlete"]
        if not name:
            raise InputError("athlete is empty: name the athlete on every row or drop the column",
                             file=source, row=row, field="athlete")
        seen.setdefault(name.casefold(), name)
        if len(seen) > 1:
            names = ", ".join(sorted(seen.values()))
            raise InputError(f"several athletes ({names}): use runstrong batch, or pick one",
                             file=source, row=row, field="athlete")


def _row_date(cells: dict[str, str], row: int, source: str,
              monday: date | None) -> tuple[date, bool]:
    """The row's date: its `date` cell wins; else `day` (+ `week`) counted from --start.
    Returns the date and whether the week cell was used."""
    day_text = cells.get("day", "")
    if cells.get("date"):
        run_date = _parse_date_cell(cells["date"], source, row)
        if day_text:
            weekday = parse_weekday(day_text, field="day", file=source, row=row)
            if weekday != run_date.weekday():
                raise InputError(
                    f"{run_date.isoformat()} is a {WEEKDAYS[run_date.weekday()]} but day says "
                    f"{_show(day_text)}", file=source, row=row, field="day",
                )
        return run_date, False
    if not day_text:
        field = "date" if "date" in cells else "day"
        wanted = "a date (YYYY-MM-DD)" if field == "date" else "a day (Mon..Sun)"
        raise InputError(f"{field} is empty: give {wanted}", file=source, row=row, field=field)
    weekday = parse_weekday(day_text, field="day", file=source, row=row)
    if monday is None:
        raise InputError("a 'day' column needs the week it belongs to: pass --start YYYY-MM-DD "
                         "(the Monday of week 1)", file=source, row=row, field="day")
    week = _parse_week_cell(cells["week"], source, row) if "week" in cells else 1
    try:
        day = monday + timedelta(days=7 * (week - 1) + weekday)
    except OverflowError as err:
        raise InputError("this week falls after the year 9999: check --start",
                         file=source, row=row, field="week") from err
    return check_date_bounds(day, field="week" if "week" in cells else "day", file=source,
                             row=row), "week" in cells


def _row_run(cells: dict[str, str], row: int, source: str, run_date: date) -> Run:
    label = cells["run"]
    kind = classify_run(label)
    if kind is None:
        what = f"unknown run type {_show(label)}" if label else "run is empty"
        hint = suggest(label, (*RUN_TYPES, *RUN_SYNONYMS)) if label else ""
        raise InputError(f"{what}: use one of {', '.join(RUN_TYPES)}{hint}",
                         file=source, row=row, field="run")
    written = " ".join(label.split())
    return Run(
        date=run_date,
        kind=kind,
        minutes=_parse_minutes_cell(cells.get("minutes", ""), source, row),
        time=(parse_clock(cells["time"], field="time", file=source, row=row)
              if cells.get("time") else None),
        title=cells.get("title", ""),
        # Only set when a synonym was needed, so renderers can print "speed (intervals)".
        source_label="" if written.lower() in RUN_TYPES else written,
    )


def check_date_bounds(day: date, *, field: str | None = None, file: str | None = None,
                      row: int | None = None) -> date:
    """`day` when it lies in DATE_MIN..DATE_MAX, else an InputError naming where it came."""
    if isinstance(day, datetime):
        day = day.date()
    if not DATE_MIN <= day <= DATE_MAX:
        raise InputError(f"{day.isoformat()} is outside the dates runstrong plans "
                         f"({DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}): a typo in the year?",
                         file=file, row=row, field=field)
    return day


def _parse_date_cell(text: str, source: str, row: int) -> date:
    if _DATE_RE.fullmatch(text):
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return check_date_bounds(parsed, field="date", file=source, row=row)
    raise InputError(f"bad date {_show(text)}: expected YYYY-MM-DD, e.g. 2025-03-17",
                     file=source, row=row, field="date")


def _parse_minutes_cell(text: str, source: str, row: int) -> int | None:
    if not text:
        return None
    if not _MINUTES_RE.fullmatch(text) or int(text) > MAX_MINUTES:
        raise InputError(f"bad minutes {_show(text)}: expected a whole number from 0 to "
                         f"{MAX_MINUTES}", file=source, row=row, field="minutes")
    return int(text)


def _parse_week_cell(text: str, source: str, row: int) -> int:
    found = _WEEK_RE.fullmatch(text)
    week = int(found.group(1)) if found else 0
    if found and week > MAX_WEEKS:
        raise InputError(f"week {week} is beyond {MAX_WEEKS} weeks: split the file",
                         file=source, row=row, field="week")
    if week < 1:
        raise InputError(f"bad week {_show(text)}: expected a whole number from 1 "
                         f"(1 = the week of --start)", file=source, row=row, field="week")
    return week


def _check_span(parsed: list[tuple[int, Run]], source: str, field: str) -> None:
    first = monday_of(min(run.date for _, run in parsed))
    last_row, last = max(parsed, key=lambda item: (item[1].date, item[0]))
    weeks = (monday_of(last.date) - first).days // 7 + 1
    if weeks > MAX_WEEKS:
        raise InputError(
            f"runs span {weeks} weeks ({first.isoformat()} to {last.date.isoformat()}); "
            f"at most {MAX_WEEKS} fit in one plan: split the file",
            file=source, row=last_row, field=field,
        )


def empty_gaps(dates: Iterable[date]) -> list[tuple[date, date, int]]:
    """(last run before, first run after, empty weeks between) for every run of weeks
    without a run between the first and the last run."""
    ordered = sorted(dates)
    mondays = sorted({monday_of(day) for day in ordered})
    firsts: dict[date, date] = {}
    for day in ordered:
        firsts.setdefault(monday_of(day), day)
    lasts = {monday_of(day): day for day in ordered}
    return [(lasts[a], firsts[b], (b - a).days // 7 - 1)
            for a, b in itertools.pairwise(mondays) if (b - a).days > 7]


def _check_gaps(parsed: list[tuple[int, Run]], source: str, field: str) -> None:
    for before, after, weeks in empty_gaps(run.date for _, run in parsed):
        if weeks > MAX_EMPTY_WEEKS:
            row = min(r for r, run in parsed if run.date == after)
            raise InputError(
                f"no runs for {weeks} weeks between {before.isoformat()} and "
                f"{after.isoformat()}: a typo in the date? (at most {MAX_EMPTY_WEEKS} empty "
                "weeks in a row; plan the two parts as separate files if it is meant)",
                file=source, row=row, field=field)


def _first_out_of_order(parsed: list[tuple[int, Run]]) -> int | None:
    latest: date | None = None
    for row, run in parsed:
        if latest is not None and run.date < latest:
            return row
        latest = run.date if latest is None else max(latest, run.date)
    return None


def _show(value: str, limit: int = 40) -> str:
    """Quote a user's value in a message, cut short so junk cannot flood the terminal."""
    shown = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(shown)


def classify_run(label: str) -> str | None:
    """A run label as written -> one of RUN_TYPES, or None when we cannot tell."""
    key = " ".join(label.lower().replace("-", " ").replace("_", " ").split())
    kind = _lookup_run(key)
    if kind is None and key.endswith((" run", " runs")):
        kind = _lookup_run(key.rsplit(" ", 1)[0])  # "easy run", "tempo run"
    if kind is None and key.endswith(" race"):
        kind = "race"  # "10 mile race", "club champs race"
    return kind


def _lookup_run(key: str) -> str | None:
    if key in RUN_TYPES:
        return key
    return RUN_SYNONYMS.get(key)


def monday_of(day: date) -> date:
    """The Monday starting the week that holds `day` (weeks start on Monday)."""
    if isinstance(day, datetime):
        day = day.date()
    return day - timedelta(days=day.weekday())


def week_starts(runs: Iterable[Run]) -> list[date]:
    """Every Monday from the first run's week to the last run's, with no gaps."""
    dates = [run.date for run in runs]
    if not dates:
        return []
    first, last = monday_of(min(dates)), monday_of(max(dates))
    return [first + timedelta(weeks=index) for index in range((last - first).days // 7 + 1)]


# --------------------------------------------------------------------------------------
# Option parsers (CLI options; also usable for roster CSV cells via file=/row=)


def _words(text: str) -> list[str]:
    return [" ".join(part.lower().replace("-", " ").replace("_", " ").split())
            for part in text.split(",")]


def parse_equipment(text: str | None, *, field: str = "--equipment", file: str | None = None,
                    row: int | None = None) -> frozenset[str]:
    """'dumbbells, band' -> {'dumbbell', 'band'}; 'none' or empty -> no equipment."""
    if text is None or text.strip().lower() in ("", "none"):
        return frozenset()
    found: set[str] = set()
    for word in _words(text):
        if not word or word in _ASSUMED_WORDS:
            continue  # empty from a trailing comma; floor/wall/step/chair are assumed
        item = word if word in EQUIPMENT else EQUIPMENT_SYNONYMS.get(word)
        if item is None:
            raise InputError(
                f"unknown equipment {_show(word)}: use a comma list of {', '.join(EQUIPMENT)}, "
                "or 'none' (floor, wall, step and chair are assumed)"
                f"{suggest(word, (*EQUIPMENT, *EQUIPMENT_SYNONYMS))}",
                file=file, row=row, field=field,
            )
        found.add(item)
    return frozenset(found)


def parse_weekday(text: str, *, field: str, file: str | None = None,
                  row: int | None = None) -> int:
    """'Tue', 'tuesday', 'TUES' -> 1 (0 = Monday)."""
    key = text.strip().lower().rstrip(".")
    if key not in DAY_NAMES:
        raise InputError(f"bad day {_show(text)}: expected one of {', '.join(WEEKDAYS)} "
                         f"(or the full name){suggest(key, DAY_NAMES)}", file=file, row=row,
                         field=field)
    return DAY_NAMES[key]


def parse_days(text: str | None, *, field: str, file: str | None = None,
               row: int | None = None) -> frozenset[int]:
    """'Tue,Thu' or 'tuesday, thursday' -> {1, 3}; empty or 'none' -> no days."""
    if text is None or text.strip().lower() in ("", "none"):
        return frozenset()
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    return frozenset(parse_weekday(part, field=field, file=file, row=row) for part in parts)


def parse_clock(text: str, *, field: str, file: str | None = None,
                row: int | None = None) -> time:
    """'18:30' or '7:05' (24-hour) -> time."""
    found = _CLOCK_RE.fullmatch(text.strip())
    if found and int(found.group(1)) < 24 and int(found.group(2)) < 60:
        return time(int(found.group(1)), int(found.group(2)))
    raise InputError(f"bad time {_show(text)}: expected HH:MM on a 24-hour clock, e.g. 18:30",
                     file=file, row=row, field=field)


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """casefolded name -> IANA name, for every zone this machine (or tzdata) knows."""
    try:
        names = zoneinfo.available_timezones()
    except OSError:  # an unreadable TZPATH entry must not stop the program
        names = set()
    return {name.casefold(): name for name in names
            if name.casefold() not in _NOT_ZONES and not name.startswith(("posix/", "right/"))}


def _canonical_zone(text: str) -> str | None:
    """An IANA zone name, properly capitalised, or None if it is not one."""
    name = text.strip()
    canonical = _zone_names().get(name.casefold())
    if canonical is not None:
        return canonical
    if (not name or name.casefold() in _NOT_ZONES
            or name.startswith(("/", ".", "posix/", "right/"))):
        return None
    try:  # a zone newer than the list, or a tzpath that cannot be listed
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


def parse_timezone(text: str | None, *, field: str = "--tz", file: str | None = None,
                   row: int | None = None) -> str:
    """An IANA zone name such as Europe/London; None means this machine's zone."""
    if text is None:
        return default_timezone()
    canonical = _canonical_zone(text)
    if canonical is None:
        close = difflib.get_close_matches(text.strip(), list(_zone_names().values()), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise InputError(f"unknown time zone {_show(text)}: expected an IANA name such as "
                         f"Europe/London or America/New_York{hint}",
                         file=file, row=row, field=field)
    return canonical


def default_timezone() -> str:
    """The machine's IANA zone: $TZ, /etc/timezone, the /etc/localtime link, else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":"), _read_etc_timezone(),
                  _localtime_link_zone()]
    for candidate in candidates:
        zone = _canonical_zone(candidate) if candidate else None
        if zone:
            return zone
    return "UTC"


def _read_etc_timezone() -> str:
    try:
        lines = _ETC_TIMEZONE.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[0].strip() if lines else ""


def _localtime_link_zone() -> str:
    try:
        target = os.readlink(_ETC_LOCALTIME)
    except (OSError, ValueError):
        return ""
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""


def parse_level(text: str, *, field: str = "--level", file: str | None = None,
                row: int | None = None) -> str:
    level = text.strip().lower()
    if level not in LEVELS:
        raise InputError(f"unknown level {_show(text)}: use one of {', '.join(LEVELS)}"
                         f"{suggest(level, LEVELS)}", file=file, row=row, field=field)
    return level


def parse_bool(text: str, *, field: str, file: str | None = None,
               row: int | None = None) -> bool:
    word = text.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise InputError(f"bad yes/no value {_show(text)}: use true/false, yes/no, y/n or 1/0",
                     file=file, row=row, field=field)


MAX_WEIGHT_KG = 500.0


def parse_weights(texts: tuple[str, ...] | list[str], *, field: str = "--weights",
                  file: str | None = None, row: int | None = None
                  ) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """'dumbbell:4,6,8,10,12.5' (repeatable, or ';'-separated) -> (('dumbbell', (4.0, …)),):
    the weights the runner owns, in kg, so the plan names them."""
    found: dict[str, set[float]] = {}
    for text in texts:
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            item, sep, numbers = part.partition(":")
            key = item.strip().lower().rstrip("s")
            key = EQUIPMENT_SYNONYMS.get(key, key)
            if not sep or key not in LOADED_EQUIPMENT:
                raise InputError(
                    f"bad weights {_show(part)}: write ITEM:KG,KG,… with ITEM one of "
                    f"{', '.join(LOADED_EQUIPMENT)}, e.g. dumbbell:4,6,8,10,12.5",
                    file=file, row=row, field=field)
            kgs = found.setdefault(key, set())
            for number in numbers.split(","):
                try:
                    kg = float(number.strip().lower().removesuffix("kg"))
                except ValueError:
                    raise InputError(f"bad weight {_show(number)} in {_show(part)}: "
                                     "expected kilograms like 8 or 12.5",
                                     file=file, row=row, field=field) from None
                if not 0 < kg <= MAX_WEIGHT_KG or kg != kg:
                    raise InputError(f"weight {_show(number)} is not between 0 and "
                                     f"{MAX_WEIGHT_KG:g} kg", file=file, row=row, field=field)
                kgs.add(kg)
    return tuple((item, tuple(sorted(kgs))) for item, kgs in sorted(found.items()))
