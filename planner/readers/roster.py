"""A coach's roster CSV (one athlete a row, with their options) and a squad's runs file
split per athlete.

A bad roster row does not stop the squad: it becomes an entry carrying its error (file,
row, field), so `runstrong batch` plans everyone else and reports that row in summary.csv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from planner.domain import (
    DEFAULT_DELOAD_EVERY,
    DEFAULT_GAP_MINUTES,
    DEFAULT_MINUTES,
    DEFAULT_RACE_WEEK,
    DEFAULT_TIME,
    DELOAD_RANGE,
    GAP_RANGE,
    MINUTES_RANGE,
    NAME_LINE_BREAKS,
    RACE_WEEK_CHOICES,
    SESSIONS_RANGE,
    Profile,
)
from planner.errors import InputError, shown_value
from planner.readers.csv_table import find_column, normalise_header, read_table
from planner.readers.options import (
    parse_bool,
    parse_clock,
    parse_days,
    parse_equipment,
    parse_level,
    parse_niggles,
)
from planner.readers.spans import check_date_bounds
from planner.readers.time_zones import parse_timezone

ROSTER_COLUMNS = ("athlete", "level", "equipment", "sessions", "minutes", "time", "tz",
                  "new_to_strength", "email", "prefer", "avoid", "deload_every", "gap",
                  "race", "race_week", "niggles", "exclude", "previous")
REQUIRED_ROSTER = ("athlete", "level")


@dataclass(frozen=True)
class RosterEntry:
    row: int
    name: str
    profile: Profile | None  # None when the row itself is bad
    error: str = ""
    # The athlete's previous plan JSON (the `previous` column, relative to the roster's
    # folder): the next plan starts from it and its log, as `plan --previous` does.
    previous: str = ""


def load_roster(path: str | Path) -> list[RosterEntry]:
    """Every roster row as an entry; a bad row becomes an entry with its error (file, row,
    field), so the rest of the roster still plans."""
    table = read_table(path)
    header = {normalise_header(c): i for i, c in enumerate(table.frame.columns)}
    for column in REQUIRED_ROSTER:
        if column not in header:
            raise InputError(f"missing column '{column}' (columns: {', '.join(ROSTER_COLUMNS)})",
                             file=table.path, row=table.first_row - 1, field=column)
    entries = []
    # a column at a time into lists: iterrows builds a Series per row
    wanted = [(col, table.frame.iloc[:, pos].tolist()) for col, pos in header.items()
              if col in ROSTER_COLUMNS]
    for index, label in enumerate(table.frame.index.tolist()):
        row = int(label) + table.first_row
        cells = {col: str(values[index]).strip() for col, values in wanted}
        name = cells.get("athlete", "")
        try:
            if not name:
                raise InputError("athlete name is empty", file=table.path, row=row,
                                 field="athlete")
            if NAME_LINE_BREAKS.intersection(name):
                shown = " ".join(name.split())
                name = shown
                raise InputError(f"athlete name {shown_value(shown)} holds a line break: "
                                 "write the name on one line", file=table.path, row=row,
                                 field="athlete")
            entries.append(RosterEntry(row, name, _roster_profile(cells, table.path, row),
                                       previous=_previous_path(cells, table.path)))
        except InputError as err:
            entries.append(RosterEntry(row, name or f"row {row}", None, str(err)))
    if not entries:
        raise InputError("the roster has no athletes", file=table.path)
    return entries


def _roster_profile(cells: dict[str, str], source: str, row: int) -> Profile:
    where = {"file": source, "row": row}

    def integer(column: str, low: int, high: int, default: int | None) -> int | None:
        text = cells.get(column, "")
        if not text:
            return default
        try:
            value = int(text)
        except ValueError:
            raise InputError(f"'{text}' is not a whole number", field=column, **where) from None
        if not low <= value <= high:
            raise InputError(f"{value} is outside {low}–{high}", field=column, **where)
        return value

    equipment_text = cells.get("equipment", "").replace(";", ",")
    return Profile(
        athlete=cells["athlete"],
        level=parse_level(cells.get("level", ""), field="level", **where),
        new_to_strength=parse_bool(cells.get("new_to_strength") or "no",
                                   field="new_to_strength", **where),
        equipment=parse_equipment(equipment_text, field="equipment", **where),
        sessions=integer("sessions", *SESSIONS_RANGE, None),
        minutes=integer("minutes", *MINUTES_RANGE, DEFAULT_MINUTES) or DEFAULT_MINUTES,
        start_time=parse_clock(cells.get("time") or DEFAULT_TIME, field="time", **where),
        tz=parse_timezone(cells.get("tz") or None, field="tz", **where),
        prefer_days=parse_days(cells.get("prefer") or None, field="prefer", **where),
        avoid_days=parse_days(cells.get("avoid") or None, field="avoid", **where),
        deload_every=integer("deload_every", *DELOAD_RANGE, DEFAULT_DELOAD_EVERY),
        gap_minutes=integer("gap", *GAP_RANGE, DEFAULT_GAP_MINUTES) or 0,
        races=parse_race_dates(cells.get("race", ""), field="race", **where),
        race_week=_race_week(cells.get("race_week", ""), where),
        niggles=parse_niggles([cells.get("niggles", "")], field="niggles", **where),
        # checked against the catalog when the athlete is planned (planner.services.batch)
        exclude=frozenset(w.strip().lower() for w in cells.get("exclude", "").replace(
            ";", ",").split(",") if w.strip()),
    )


def _previous_path(cells: dict[str, str], source: str) -> str:
    text = cells.get("previous", "")
    if not text:
        return ""
    path = Path(text)
    return str(path if path.is_absolute() else Path(source).parent / path)


def parse_race_dates(text: str, *, field: str, file: str | None = None,
                     row: int | None = None) -> tuple[date, ...]:
    """Goal race dates, YYYY-MM-DD, separated by spaces, commas or ';'."""
    days = set()
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        try:
            day = date.fromisoformat(part)
        except ValueError:
            raise InputError(f"{shown_value(part)} is not a date (YYYY-MM-DD)", file=file,
                             row=row, field=field) from None
        days.add(check_date_bounds(day, file=file, row=row, field=field))
    return tuple(sorted(days))


def _race_week(text: str, where: dict) -> str:
    word = text.strip().lower() or DEFAULT_RACE_WEEK
    if word not in RACE_WEEK_CHOICES:
        raise InputError(f"{shown_value(text)} is not one of: {', '.join(RACE_WEEK_CHOICES)}",
                         field="race_week", **where)
    return word


@dataclass(frozen=True, eq=False)
class RunsByAthlete:
    """A batch runs file split per athlete (casefolded, stripped name)."""

    source: str
    first_row: int
    groups: dict[str, pd.DataFrame]
    spellings: dict[str, dict[str, int]]  # key -> {name as written: first row}
    # key -> the file its rows are numbered in, when not `source` (one file of a folder)
    sources: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # about the whole table (columns it ignored)
    # key -> its rows' cells but the athlete's, in order: two athletes with equal contents
    # (and equal profiles) get the same plan; read from CSV (empty for Parquet)
    contents: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)


def split_runs_by_athlete(path: str | Path) -> RunsByAthlete:
    """The runs file's rows per athlete (casefolded name), keeping row labels for errors.
    A Parquet file or a folder of them is read by planner.readers.runs_parquet."""
    from planner.readers.runs_parquet import is_parquet_runs, split_parquet_runs

    if is_parquet_runs(path):
        read = split_parquet_runs(path)
        return RunsByAthlete(str(path), 1, read.groups, read.spellings, read.sources,
                             read.warnings)
    table = read_table(path)
    position = find_column(table.frame, "athlete")
    if position is None:
        raise InputError("a batch runs file needs an 'athlete' column", file=table.path,
                         row=table.first_row - 1, field="athlete")
    written = table.frame.iloc[:, position].astype(str).str.strip()
    names = written.str.casefold()
    # one pass (groupby), not one comparison of the whole column per athlete
    grouped = table.frame.groupby(names, sort=True)
    groups = {str(name): rows for name, rows in grouped}
    spellings: dict[str, dict[str, int]] = {}
    for label, name in written.items():
        spellings.setdefault(name.casefold(), {}).setdefault(name, int(label) + table.first_row)
    # every athlete's cells from one array, not a frame conversion per athlete
    others = [i for i in range(table.frame.shape[1]) if i != position]
    cells = table.frame.iloc[:, others].astype(str).to_numpy(dtype=object)
    header = tuple(str(table.frame.columns[i]) for i in others)
    contents = {str(name): (header, *map(tuple, cells[rows].tolist()))
                for name, rows in grouped.indices.items()}
    return RunsByAthlete(table.path, table.first_row, groups, spellings, contents=contents)
