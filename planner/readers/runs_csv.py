"""Read a runs CSV (date or day/week, run, minutes, time, title) into validated runs.

Everything a user can fix becomes an `InputError` naming the file, the spreadsheet row
(header = row 1, first data row = row 2) and the field, so the CLI can print one plain
line instead of a traceback. No other exception may escape `load_runs`, whatever the bytes.
Run labels are read with the shared vocabulary of `planner.readers.run_words`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from numbers import Integral
from pathlib import Path
from typing import Any

import pandas as pd

from planner.domain import RUN_TYPES, WEEKDAYS, Run, monday_of
from planner.errors import InputError, rows_phrase, shown_value
from planner.readers.csv_table import (
    cell_text,
    combine_errors,
    find_column,
    normalise_header,
    read_table,
    with_encoding_note,
)
from planner.readers.options import parse_clock, parse_weekday
from planner.readers.run_words import KNOWN_LABELS, classify_run, suggest
from planner.readers.spans import (
    MAX_EMPTY_WEEKS,
    MAX_MINUTES,
    MAX_WEEKS,
    check_date_bounds,
    check_gaps,
    check_span,
)

# Columns of the runs CSV, in the order the help text lists them.
RUN_COLUMNS: tuple[str, ...] = ("date", "day", "run", "minutes", "time", "title", "week", "athlete")
_HEADER_HINT = "date (or day with --start), run, and optionally minutes, time, title, week"

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MINUTES_RE = re.compile(r"\d+")
_WEEK_RE = re.compile(r"(?:w(?:eek)?\s*)?(\d+)", re.IGNORECASE)


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


def load_runs(path: str | Path, *, start: date | None = None,
              athlete: str | None = None) -> RunsInput:
    """Read a runs CSV (see module docs for the format) into sorted, validated runs."""
    table = read_table(path)
    try:
        frame = _select_athlete(table.frame, athlete, source=table.path,
                                first_row=table.first_row)
        return runs_from_frame(frame, source=table.path, start=start, first_row=table.first_row)
    except InputError as err:
        raise with_encoding_note(err, table.encoding) from None


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
    if start is not None and monday != start:
        warnings.append(f"--start {start.isoformat()} is a {start:%A}: weeks "
                        f"start on Monday, so week 1 is the week of Monday {monday}")
    dayless = [row for row, cells in records if not cells.get("date") and cells.get("day")]
    if monday is None and dayless:
        # One problem, one message: the missing --start, not one line per row.
        raise InputError("a 'day' column needs the week it belongs to: pass --start "
                         f"YYYY-MM-DD (the Monday of week 1); {rows_phrase(dayless)} give "
                         "a day but no date", file=source, row=dayless[0], field="day")

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

    _check_span_and_gaps(parsed, source, "date" if "date" in columns else "day")
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
            extras.append(cell_text(raw))
        elif any(cell_text(value) for value in frame.iloc[:, position].tolist()):
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
        warnings.append("ignored extra columns: " + ", ".join(shown_value(name) for name in extras))
    if nameless_with_data:
        warnings.append("ignored a column with no header name")
    return columns, warnings


def _records(frame: pd.DataFrame, columns: dict[str, int],
             first_row: int) -> list[tuple[int, dict[str, str]]]:
    """Non-blank rows as (spreadsheet row, {known column: stripped text})."""
    records: list[tuple[int, dict[str, str]]] = []
    rows = frame.itertuples(index=False, name=None)
    for position, (label, values) in enumerate(zip(frame.index, rows, strict=True)):
        cells = {name: cell_text(values[index]) for name, index in columns.items()}
        if not any(cell_text(value) for value in values):
            continue
        offset = label if isinstance(label, Integral) and not isinstance(label, bool) else position
        records.append((first_row + int(offset), cells))
    return records


def _select_athlete(frame: pd.DataFrame, athlete: str | None, *, source: str,
                    first_row: int) -> pd.DataFrame:
    """Keep one athlete's rows of a multi-athlete file (index labels, so rows, kept)."""
    if athlete is None:
        return frame
    position = find_column(frame, "athlete")
    if position is None:
        return frame
    wanted = athlete.strip().casefold()
    names = [cell_text(value) for value in frame.iloc[:, position].tolist()]
    keep = [name.casefold() == wanted for name in names]
    if not any(keep):
        found = sorted({name for name in names if name})
        raise InputError(
            f"no rows for athlete {shown_value(athlete)} (found: {', '.join(found) or 'none'})",
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
        run_date = _parse_datecell_text(cells["date"], source, row)
        if day_text:
            weekday = parse_weekday(day_text, field="day", file=source, row=row)
            if weekday != run_date.weekday():
                raise InputError(
                    f"{run_date.isoformat()} is a {WEEKDAYS[run_date.weekday()]} but day says "
                    f"{shown_value(day_text)}", file=source, row=row, field="day",
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
    week = _parse_weekcell_text(cells["week"], source, row) if "week" in cells else 1
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
        what = f"unknown run type {shown_value(label)}" if label else "run is empty"
        hint = suggest(label, KNOWN_LABELS) if label else ""
        raise InputError(f"{what}: use one of {', '.join(RUN_TYPES)}{hint}",
                         file=source, row=row, field="run")
    written = " ".join(label.split())
    return Run(
        date=run_date,
        kind=kind,
        minutes=_parse_minutescell_text(cells.get("minutes", ""), source, row),
        time=(parse_clock(cells["time"], field="time", file=source, row=row)
              if cells.get("time") else None),
        title=cells.get("title", ""),
        # Only set when a synonym was needed, so renderers can print "speed (intervals)".
        source_label="" if written.lower() in RUN_TYPES else written,
    )


def _parse_datecell_text(text: str, source: str, row: int) -> date:
    if _DATE_RE.fullmatch(text):
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return check_date_bounds(parsed, field="date", file=source, row=row)
    raise InputError(f"bad date {shown_value(text)}: expected YYYY-MM-DD, e.g. 2025-03-17",
                     file=source, row=row, field="date")


def _parse_minutescell_text(text: str, source: str, row: int) -> int | None:
    if not text:
        return None
    if not _MINUTES_RE.fullmatch(text) or int(text) > MAX_MINUTES:
        raise InputError(f"bad minutes {shown_value(text)}: expected a whole number from 0 to "
                         f"{MAX_MINUTES}", file=source, row=row, field="minutes")
    return int(text)


def _parse_weekcell_text(text: str, source: str, row: int) -> int:
    found = _WEEK_RE.fullmatch(text)
    week = int(found.group(1)) if found else 0
    if found and week > MAX_WEEKS:
        raise InputError(f"week {week} is beyond {MAX_WEEKS} weeks: split the file",
                         file=source, row=row, field="week")
    if week < 1:
        raise InputError(f"bad week {shown_value(text)}: expected a whole number from 1 "
                         f"(1 = the week of --start)", file=source, row=row, field="week")
    return week


def _check_span_and_gaps(parsed: list[tuple[int, Run]], source: str, field: str) -> None:
    first = min(run.date for _, run in parsed)
    last_row, last = max(parsed, key=lambda item: (item[1].date, item[0]))
    check_span(first, last.date, fix="split the file", file=source, row=last_row, field=field)
    first_rows: dict[date, int] = {}
    for row, run in sorted(parsed):
        first_rows.setdefault(run.date, row)
    check_gaps((run.date for _, run in parsed), typo_in="the date",
               fix=f"(at most {MAX_EMPTY_WEEKS} empty weeks in a row; plan the two parts as "
                   "separate files if it is meant)",
               file=source, row_of=first_rows, field=field)


def _first_out_of_order(parsed: list[tuple[int, Run]]) -> int | None:
    latest: date | None = None
    for row, run in parsed:
        if latest is not None and run.date < latest:
            return row
        latest = run.date if latest is None else max(latest, run.date)
    return None

