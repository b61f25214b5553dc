"""Coach batch planning: a roster of athletes and one runs file, one calendar per athlete.

Each athlete is planned on its own (in a worker process with --jobs), so one athlete's bad
rows or impossible block is reported in summary.csv and never stops the others. Results are
written in roster order whatever the number of jobs, so the output is byte-identical.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

import pandas as pd

from planner.catalog import Catalog
from planner.domain import MUSCLES, Plan, Profile
from planner.errors import InputError

ROSTER_COLUMNS = ("athlete", "level", "equipment", "sessions", "minutes", "time", "tz",
                  "new_to_strength", "email", "prefer", "avoid", "deload_every")
REQUIRED_ROSTER = ("athlete", "level")
SUMMARY_COLUMNS = ("athlete", "file", "weeks", "sessions", "heavy", "light", "status",
                   "coverage", "warnings")
STEM_BYTES = 100  # an athlete's file name stem, in UTF-8 bytes
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", "summary",
                            *(f"com{n}" for n in range(1, 10)),
                            *(f"lpt{n}" for n in range(1, 10))})


@dataclass(frozen=True)
class RosterEntry:
    row: int
    name: str
    profile: Profile | None  # None when the row itself is bad
    error: str = ""


@dataclass(frozen=True)
class AthleteJob:
    entry: RosterEntry
    runs_frame: pd.DataFrame | None
    runs_source: str
    first_row: int
    catalog_path: str | None
    fit: bool = False  # also render each session as a FIT workout file
    start: date | None = None


@dataclass(frozen=True)
class AthleteOutcome:
    name: str
    ics: bytes | None
    json: bytes | None
    summary: dict[str, str]
    errors: tuple[str, ...] = field(default=())
    fit_files: tuple[tuple[str, bytes], ...] = ()  # (file name, bytes) with --fit
    plan: Plan | None = None  # the plan itself, for callers that keep it (the web app)

    @property
    def failed(self) -> bool:
        return self.ics is None


def safe_file_stem(name: str, taken: set[str]) -> str:
    """A file name any OS accepts for any athlete name: letters and digits kept (unicode
    too, NFC), everything else a dash, reserved device names avoided, unique in `taken`."""
    text = unicodedata.normalize("NFC", name).strip()
    stem = _cut_bytes(re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_."),
                      STEM_BYTES).strip("-_.") or "athlete"
    if stem.casefold() in RESERVED_NAMES:
        stem = f"athlete-{stem}"
    candidate, n = stem, 2
    while candidate.casefold() in taken:
        candidate = f"{stem}-{n}"
        n += 1
    taken.add(candidate.casefold())
    return candidate


def _cut_bytes(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut between characters (file names are limited in
    bytes: 255 on most file systems, and a suffix and temp prefix must still fit)."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def load_roster(path: str | Path) -> list[RosterEntry]:
    """Every roster row as an entry; a bad row becomes an entry with its error (file, row,
    field), so the rest of the roster still plans."""
    from planner.inputs import normalise_header, read_table

    table = read_table(path)
    header = {normalise_header(c): i for i, c in enumerate(table.frame.columns)}
    for column in REQUIRED_ROSTER:
        if column not in header:
            raise InputError(f"missing column '{column}' (columns: {', '.join(ROSTER_COLUMNS)})",
                             file=table.path, row=table.first_row - 1, field=column)
    entries = []
    for label, values in table.frame.iterrows():
        row = int(label) + table.first_row
        cells = {col: str(values.iloc[pos]).strip() for col, pos in header.items()
                 if col in ROSTER_COLUMNS}
        name = cells.get("athlete", "")
        try:
            if not name:
                raise InputError("athlete name is empty", file=table.path, row=row,
                                 field="athlete")
            entries.append(RosterEntry(row, name, _roster_profile(cells, table.path, row)))
        except InputError as err:
            entries.append(RosterEntry(row, name or f"row {row}", None, str(err)))
    if not entries:
        raise InputError("the roster has no athletes", file=table.path)
    return entries


def _roster_profile(cells: dict[str, str], source: str, row: int) -> Profile:
    from planner.inputs import (
        parse_bool,
        parse_clock,
        parse_days,
        parse_equipment,
        parse_level,
        parse_timezone,
    )

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
        sessions=integer("sessions", 0, 7, None),
        minutes=integer("minutes", 5, 240, 45) or 45,
        start_time=parse_clock(cells.get("time") or "18:00", field="time", **where),
        tz=parse_timezone(cells.get("tz") or None, field="tz", **where),
        prefer_days=parse_days(cells.get("prefer") or None, field="prefer", **where),
        avoid_days=parse_days(cells.get("avoid") or None, field="avoid", **where),
        deload_every=integer("deload_every", 0, 12, 4) or 0,
    )


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


def split_runs_by_athlete(path: str | Path) -> RunsByAthlete:
    """The runs file's rows per athlete (casefolded name), keeping row labels for errors.
    A Parquet file or a folder of them is read by planner.batch_parquet."""
    from planner.batch_parquet import is_parquet_runs, split_parquet_runs
    from planner.inputs import find_column, read_table

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
    groups = {name: table.frame[names == name] for name in sorted(set(names))}
    spellings: dict[str, dict[str, int]] = {}
    for label, name in written.items():
        spellings.setdefault(name.casefold(), {}).setdefault(name, int(label) + table.first_row)
    return RunsByAthlete(table.path, table.first_row, groups, spellings)


def name_warnings(roster: list[RosterEntry], runs: RunsByAthlete) -> list[str]:
    """Names that differ only in capitals (they share runs) and runs nobody will plan."""
    warnings: list[str] = list(runs.warnings)
    by_key: dict[str, list[RosterEntry]] = {}
    for entry in roster:
        by_key.setdefault(entry.name.strip().casefold(), []).append(entry)
    for same in by_key.values():
        if len(same) > 1:
            shown = ", ".join(f"{_quote(e.name)} (row {e.row})" for e in same)
            warnings.append(f"roster names {shown} differ only in capitals or spaces: they "
                            "share the same runs; rename one if they are different athletes")
    for key, spelled in sorted(runs.spellings.items()):
        if len(spelled) > 1:
            shown = ", ".join(f"{_quote(n)} (row {r})" for n, r in sorted(spelled.items()))
            warnings.append(f"{runs.source}: {shown} are read as one athlete")
        if key and key not in by_key:
            name, row = min(spelled.items(), key=lambda pair: pair[1])
            count = len(runs.groups.get(key, ()))
            warnings.append(f"{runs.source}: {count} row(s) for {_quote(name)} (first at row "
                            f"{row}), who is not in the roster: not planned")
    return warnings


def _quote(name: str) -> str:
    return repr(name if len(name) <= 40 else name[:37] + "...")


def plan_athlete(job: AthleteJob) -> AthleteOutcome:
    """Plan one athlete from start to bytes; any input or planning problem is captured."""
    from planner.block import plan_block
    from planner.inputs import runs_from_frame
    from planner.render_fit import render_fit_files
    from planner.render_ics import render_ics
    from planner.render_json import render_json

    entry = job.entry
    if entry.profile is None:
        return athlete_failure(entry.name, "bad roster row", entry.error)
    if job.runs_frame is None or job.runs_frame.empty:
        return athlete_failure(entry.name, "no runs", f"{job.runs_source}: no rows for athlete "
                        f"'{entry.name}'")
    try:
        runs_input = runs_from_frame(job.runs_frame, source=job.runs_source,
                                     first_row=job.first_row, start=job.start)
        result = plan_block(runs_input.runs, entry.profile,
                            _catalog(job.catalog_path).exercises)
        if result.impossible and not any(w.sessions for w in result.plan.weeks):
            rules = sorted({r for _, d in result.impossible for r in d.conflict})
            return athlete_failure(entry.name, "no plan",
                            f"no plan satisfies the hard rules ({', '.join(rules)})")
        plan = result.plan
        fit_files = tuple(render_fit_files(plan)) if job.fit else ()
        return AthleteOutcome(entry.name, render_ics(plan), render_json(plan),
                              _summary(entry.name, plan, runs_input.warnings), (),
                              fit_files, plan)
    except InputError as err:
        return athlete_failure(entry.name, "bad runs", str(err))
    except Exception as err:  # one athlete's bug or odd data never stops the squad
        return athlete_failure(entry.name, "error", f"{type(err).__name__}: {_first_line(err)}")


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0][:200] if text else "no details"


_CATALOGS: dict[str | None, Catalog] = {}


def _catalog(path: str | None) -> Catalog:
    """One catalog per worker process, read on its first athlete."""
    from planner.catalog import load_catalog

    if path not in _CATALOGS:
        _CATALOGS[path] = load_catalog(path)
    return _CATALOGS[path]


def athlete_failure(name: str, status: str, message: str) -> AthleteOutcome:
    summary = {column: "" for column in SUMMARY_COLUMNS}
    summary.update(athlete=name, status=f"failed: {status}",
                   warnings=" | ".join(line.strip() for line in message.splitlines()))
    return AthleteOutcome(name, None, None, summary, (message,))


def _summary(name: str, plan: Plan, input_warnings: tuple[str, ...] = ()) -> dict[str, str]:
    sessions = [s for w in plan.weeks for s in w.sessions]
    heavy = sum(1 for s in sessions if s.intensity == "heavy")
    untrained = sum(1 for w in plan.weeks for p in w.penalties if p.rule == "S1")
    coverage = 1 - untrained / (len(MUSCLES) * max(1, len(plan.weeks)))
    warnings = [*input_warnings,
                *(f"{w.start.isoformat()}: {w.notes[0]}" for w in plan.weeks if w.notes)]
    return {
        "athlete": name, "file": "", "weeks": str(len(plan.weeks)),
        "sessions": str(len(sessions)), "heavy": str(heavy), "light": str(len(sessions) - heavy),
        "status": plan.status, "coverage": f"{coverage:.2f}", "warnings": " | ".join(warnings),
    }


def jobs_for(roster: list[RosterEntry], runs: str | Path | RunsByAthlete,
             catalog_path: str | None, start: date | None = None,
             fit: bool = False) -> Iterator[AthleteJob]:
    split = runs if isinstance(runs, RunsByAthlete) else split_runs_by_athlete(runs)
    for entry in roster:
        key = entry.name.strip().casefold()
        yield AthleteJob(entry, split.groups.get(key), split.sources.get(key, split.source),
                         split.first_row, catalog_path, fit=fit, start=start)


def run_batch(roster: list[RosterEntry], runs: str | Path | RunsByAthlete, *, jobs: int,
              catalog_path: str | None = None,
              start: date | None = None, fit: bool = False) -> Iterator[AthleteOutcome]:
    """Outcomes in roster order, streamed: only a few plans are in memory at once."""
    work = jobs_for(roster, runs, catalog_path, start, fit)
    if jobs <= 1:
        yield from map(plan_athlete, work)
        return
    # fork where the OS has it: workers start without re-importing OR-Tools and pandas.
    context = get_context("fork" if "fork" in get_all_start_methods() else "spawn")
    with context.Pool(processes=jobs) as pool:
        yield from pool.imap(plan_athlete, work, chunksize=1)


def neutralise_cell(text: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula: one starting with
    = + - @ tab or CR gets a leading apostrophe (OWASP's advice for CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def summary_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: neutralise_cell(str(value)) for key, value in row.items()}
                     for row in rows)
    return out.getvalue().encode("utf-8")
