"""Coach batch planning: a roster of athletes and one runs file, one calendar per athlete.

Each athlete is planned on its own (in a worker process with --jobs), so one athlete's bad
rows or impossible block is reported in summary.csv and never stops the others. Results are
written in roster order whatever the number of jobs, so the output is byte-identical.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import io
import os
import re
import signal
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

import pandas as pd

from planner.domain import MUSCLES, Plan
from planner.errors import InputError, require_extra, shown_value
from planner.readers.catalog import Catalog
from planner.readers.roster import RosterEntry, RunsByAthlete, split_runs_by_athlete

# `main` and `light` count the sessions by the words every page uses; `muscles_covered` is
# the share of the 8 muscle groups (S1) the plan trains, week by week: 1.00 = every group
# in every week, 0.75 = a quarter of the group-weeks missed.
SUMMARY_COLUMNS = ("athlete", "file", "weeks", "sessions", "main", "light", "status",
                   "muscles_covered", "warnings")
STEM_BYTES = 100  # an athlete's file name stem, in UTF-8 bytes
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A separator some spreadsheet splits on, then (spaces or a quote and) a formula start.
_SEGMENT_FORMULA_RE = re.compile(r"([;,\t\r\n])(?=[ \"]*[=+\-@])")
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", "summary",
                            *(f"com{n}" for n in range(1, 10)),
                            *(f"lpt{n}" for n in range(1, 10))})


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
    # planned, with no message naming its rows: another athlete with the same profile and
    # runs gets this plan under their own name (run_batch)
    reusable: bool = False

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


def name_warnings(roster: list[RosterEntry], runs: RunsByAthlete) -> list[str]:
    """Names that differ only in capitals (they share runs) and runs nobody will plan."""
    warnings: list[str] = list(runs.warnings)
    by_key: dict[str, list[RosterEntry]] = {}
    for entry in roster:
        by_key.setdefault(entry.name.strip().casefold(), []).append(entry)
    for same in by_key.values():
        if len(same) > 1:
            shown = ", ".join(f"{shown_value(e.name)} (row {e.row})" for e in same)
            warnings.append(f"roster names {shown} differ only in capitals or spaces: they "
                            "share the same runs; rename one if they are different athletes")
    for key, spelled in sorted(runs.spellings.items()):
        if len(spelled) > 1:
            shown = ", ".join(f"{shown_value(n)} (row {r})" for n, r in sorted(spelled.items()))
            warnings.append(f"{runs.source}: {shown} are read as one athlete")
        if key and key not in by_key:
            name, row = min(spelled.items(), key=lambda pair: pair[1])
            count = len(runs.groups.get(key, ()))
            warnings.append(f"{runs.source}: {count} row(s) for {shown_value(name)} (first at row "
                            f"{row}), who is not in the roster: not planned")
    return warnings


def plan_athlete(job: AthleteJob) -> AthleteOutcome:
    """Plan one athlete from start to bytes, through the planning step `plan` and the web
    page share (planner.pipeline.plan_runs); any input or planning problem is captured."""
    from planner.pipeline import NoPlanError, plan_runs
    from planner.readers.runs_csv import runs_from_frame
    from planner.renderers.fit import render_fit_files
    from planner.renderers.ics import render_ics
    from planner.renderers.json_plan import render_json
    from planner.solving.previous import with_logged_why

    entry = job.entry
    if entry.profile is None:
        return athlete_failure(entry.name, "bad roster row", entry.error)
    if job.runs_frame is None or job.runs_frame.empty:
        return athlete_failure(entry.name, "no runs", f"{job.runs_source}: no rows for athlete "
                        f"'{entry.name}'")
    try:
        runs_input = runs_from_frame(job.runs_frame, source=job.runs_source,
                                     first_row=job.first_row, start=job.start)
        if entry.profile.races:
            from planner.planning.season import check_named_races

            try:
                check_named_races(runs_input.runs, entry.profile.races, field="race",
                                  row=entry.row, file="roster")
            except InputError as err:
                return athlete_failure(entry.name, "bad roster row", str(err))
        catalog = _catalog(job.catalog_path)
        profile, carry, logged = _from_roster(entry, catalog)
        planned = plan_runs(runs_input.runs, profile, catalog, carry=carry,
                            reader_warnings=runs_input.warnings)
        plan = with_logged_why(planned.plan, logged)
        fit_files = tuple(render_fit_files(plan)) if job.fit else ()
        return AthleteOutcome(entry.name, render_ics(plan), render_json(plan),
                              _summary(entry.name, plan, planned.warnings), (),
                              fit_files, plan, reusable=not runs_input.warnings)
    except NoPlanError as err:
        return athlete_failure(entry.name, "no plan", "no plan satisfies the hard rules "
                               f"({', '.join(err.conflicting_rules)})")
    except InputError as err:
        return athlete_failure(entry.name, "bad runs", str(err))
    except Exception as err:  # one athlete's bug or odd data never stops the squad
        return athlete_failure(entry.name, "error", f"{type(err).__name__}: {_first_line(err)}")


def _from_roster(entry: RosterEntry, catalog: Catalog) -> tuple[Any, Any, Any]:
    """The roster row's profile with its exclusions checked against the catalog, and the
    carry and log of its `previous` plan (None, {} without one)."""
    from dataclasses import replace

    from planner.readers.options import parse_exclude
    from planner.readers.plan_json import load_plan_json
    from planner.solving.previous import read_previous

    profile = entry.profile
    assert profile is not None
    if profile.exclude:
        profile = replace(profile, exclude=parse_exclude(
            tuple(profile.exclude), set(catalog.by_id()), field="exclude", row=entry.row))
    if not entry.previous:
        return profile, None, {}
    carry, logged = read_previous(load_plan_json(entry.previous), catalog.by_id(),
                                  name=entry.previous, profile=profile)
    return profile, carry, logged


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0][:200] if text else "no details"


_CATALOGS: dict[str | None, Catalog] = {}


def _catalog(path: str | None) -> Catalog:
    """One catalog per worker process, read on its first athlete."""
    from planner.readers.catalog import load_catalog

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
    main = sum(1 for s in sessions if s.intensity == "heavy")
    untrained = sum(1 for w in plan.weeks for p in w.penalties if p.rule == "S1")
    covered = 1 - untrained / (len(MUSCLES) * max(1, len(plan.weeks)))
    warnings = [*input_warnings,
                *(f"{w.start.isoformat()}: {w.notes[0]}" for w in plan.weeks if w.notes)]
    return {
        "athlete": name, "file": "", "weeks": str(len(plan.weeks)),
        "sessions": str(len(sessions)), "main": str(main), "light": str(len(sessions) - main),
        "status": plan.status, "muscles_covered": f"{covered:.2f}",
        "warnings": " | ".join(warnings),
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
    """Outcomes in roster order, streamed: only a few plans are in memory at once.

    Athletes with the same profile and the same runs (a club's shared template) are
    planned once: the others get that plan under their own name, rendered afresh, the
    bytes a plan of their own would give (the solve is deterministic). Whichever --jobs,
    a template is solved by one process; RUNSTRONG_WEEK_REUSE=0 plans everyone."""
    from planner.solving import solve

    split = runs if isinstance(runs, RunsByAthlete) else split_runs_by_athlete(runs)
    work = list(jobs_for(roster, split, catalog_path, start, fit))
    keys = [athlete_key(job, split) if solve.REUSE else None for job in work]
    copies: dict[Any, list[int]] = {}  # a template's later athletes, in roster order
    firsts: set[int] = set()
    for index, key in enumerate(keys):
        if key is not None and key in copies:
            copies[key].append(index)
        else:
            firsts.add(index)
            if key is not None:
                copies[key] = []
    unique = (job for index, job in enumerate(work) if index in firsts)

    def in_order(planned: Iterator[AthleteOutcome],
                 submit: Callable[[AthleteJob], Callable[[], AthleteOutcome]]
                 ) -> Iterator[AthleteOutcome]:
        kept: dict[int, Callable[[], AthleteOutcome]] = {}
        for index in range(len(work)):
            if index in firsts:
                outcome = next(planned)
                key = keys[index]
                for later in copies.pop(key, []) if key is not None else []:
                    if outcome.reusable:
                        kept[later] = functools.partial(renamed_outcome, outcome, work[later])
                    else:  # its messages name its own rows: plan each on its own
                        kept[later] = submit(work[later])
            else:
                outcome = kept.pop(index)()
            yield outcome

    if jobs <= 1:
        yield from in_order(map(plan_athlete, unique),
                            lambda job: functools.partial(plan_athlete, job))
        return
    # fork where the OS has it: workers start without re-importing OR-Tools and pandas.
    context = get_context("fork" if "fork" in get_all_start_methods() else "spawn")
    with context.Pool(processes=jobs, initializer=tie_to_parent,
                      initargs=(os.getpid(),)) as pool:
        yield from in_order(pool.imap(plan_athlete, unique, chunksize=1),
                            lambda job: pool.apply_async(plan_athlete, (job,)).get)


def athlete_key(job: AthleteJob, split: RunsByAthlete) -> tuple[Any, ...] | None:
    """Everything an athlete's plan is made from but their name: the profile, the runs'
    cells (not their rows), the catalog, --start and --fit. Compared whole (no hash that
    could collide); None when the runs' cells are not at hand (Parquet)."""
    if job.entry.profile is None or job.runs_frame is None or job.runs_frame.empty:
        return None
    cells = split.contents.get(job.entry.name.strip().casefold())
    if cells is None:
        return None
    return (dataclasses.replace(job.entry.profile, athlete=""), cells, job.runs_source,
            job.catalog_path, job.start, job.fit)


def renamed_outcome(first: AthleteOutcome, job: AthleteJob) -> AthleteOutcome:
    """`first`'s plan as `job`'s athlete's own: their name and profile, rendered afresh."""
    from planner.renderers.fit import render_fit_files
    from planner.renderers.ics import render_ics
    from planner.renderers.json_plan import render_json

    assert first.plan is not None and job.entry.profile is not None
    plan = dataclasses.replace(first.plan, athlete=job.entry.profile.athlete,
                               profile=job.entry.profile)
    fit_files = tuple(render_fit_files(plan)) if job.fit else ()
    return AthleteOutcome(job.entry.name, render_ics(plan), render_json(plan),
                          {**first.summary, "athlete": job.entry.name}, (), fit_files, plan,
                          reusable=True)


def tie_to_parent(parent: int) -> None:
    """A worker process's first act: leave Ctrl+C and SIGTERM to the parent (which ends
    its pool) and, on Linux, have the kernel end this worker when the parent dies, so a
    killed batch or server leaves no planner running for good."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took hold
        os._exit(0)


def neutralise_cell(text: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula.

    One starting with = + - @ tab or CR gets a leading apostrophe (OWASP's advice for CSV
    injection). So does every segment after a ';', ',', tab or line break that starts like
    a formula (`x;=1+1;y` -> `x;'=1+1;y`): a spreadsheet whose locale splits on ';' (the
    European Excel the README invites) or on tabs cuts the quoted cell there, and the
    segment would be a cell of its own."""
    guarded = _SEGMENT_FORMULA_RE.sub(r"\1'", text)
    starts = guarded.lstrip(" \"")
    if guarded.startswith(FORMULA_STARTS) or starts.startswith(FORMULA_STARTS[:4]):
        return f"'{guarded}"
    return guarded


def summary_csv(rows: list[dict[str, str]]) -> bytes:
    """Every cell quoted and guarded (neutralise_cell), whatever separator opens it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SUMMARY_COLUMNS, lineterminator="\n",
                            quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows({key: neutralise_cell(str(value)) for key, value in row.items()}
                     for row in rows)
    return out.getvalue().encode("utf-8")


SUMMARY_FILES = {"csv": ("summary.csv",), "parquet": ("summary.parquet",),
                 "both": ("summary.csv", "summary.parquet")}
# summary.parquet: the summary.csv columns, counts as numbers (empty for a failed athlete).
_INT_COLUMNS = frozenset({"weeks", "sessions", "main", "light"})
_FLOAT_COLUMNS = frozenset({"muscles_covered"})


def summary_parquet(rows: list[dict[str, str]], columns: tuple[str, ...]) -> bytes:
    """The summary rows as Parquet, byte-identical for the same rows: one row group, no
    pandas metadata, and every writer option that could vary pinned. Cells are as
    planned, not formula-guarded as in the CSV (no spreadsheet opens Parquet as text)."""
    require_extra("pyarrow.parquet", "cluster", "--summary-format parquet")
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays, fields = [], []
    for column in columns:
        values = [row.get(column, "") for row in rows]
        if column in _INT_COLUMNS:
            kind: Any = pa.int32()
            cells: list[Any] = [int(v) if v else None for v in values]
        elif column in _FLOAT_COLUMNS:
            kind, cells = pa.float64(), [float(v) if v else None for v in values]
        else:
            kind, cells = pa.string(), [str(v) for v in values]
        arrays.append(pa.array(cells, type=kind))
        fields.append(pa.field(column, kind, nullable=kind != pa.string()))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, row_group_size=max(1, len(rows)), version="2.6",
                   compression="zstd", compression_level=3, use_dictionary=True,
                   write_statistics=True, data_page_version="1.0", store_schema=False)
    return sink.getvalue().to_pybytes()


def summary_bytes(name: str, rows: list[dict[str, str]]) -> bytes:
    """summary.csv or summary.parquet of these rows (roster order)."""
    return summary_parquet(rows, SUMMARY_COLUMNS) if name.endswith(".parquet") \
        else summary_csv(rows)
