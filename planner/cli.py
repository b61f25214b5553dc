"""`runstrong`: plan leg-strength sessions around your runs and put them in your calendar.

Exit codes: 0 done; 1 `check` found rule violations; 2 bad input or options (nothing
written; for `push` also a refused password or a URL with no calendar); 3 no plan
satisfies the hard rules (the rules in conflict and what to change are printed; nothing
written); 4 `batch`: some athletes failed (the others are written); 5 `push`: the
calendar server could not be reached or failed part-way (what was done is reported),
`batch --cluster`: the Dask scheduler could not be reached (nothing written);
130 `batch` interrupted (the athletes planned so far are written, summary.csv marks the rest).
Every output goes through planner.outputs: checked before any work, written all or nothing.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.domain import (
    ALARM_RANGE,
    DEFAULT_ATHLETE,
    DEFAULT_DELOAD_EVERY,
    DEFAULT_EQUIPMENT,
    DEFAULT_LEVEL,
    DEFAULT_MINUTES,
    DEFAULT_TIME,
    DELOAD_RANGE,
    MINUTES_RANGE,
    SESSIONS_RANGE,
)
from planner.errors import InputError, RunstrongError

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT, EXIT_NO_PLAN, EXIT_SOME_FAILED = 0, 1, 2, 3, 4
F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Bad input is a message and exit 2, never a traceback (RUNSTRONG_DEBUG=1 shows it)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RunstrongError as err:
            if os.environ.get("RUNSTRONG_DEBUG"):
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper  # type: ignore[return-value]


def _date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    from planner.readers.spans import check_date_bounds

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value}' is not a date (YYYY-MM-DD)", field=field) from None
    return check_date_bounds(day, field=field)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="runstrong")
def main() -> None:
    """Plan leg-strength training around your running week.

    runstrong reads your week of runs, places 1–2 strength sessions where they will not
    steal from your key runs (never heavy legs the day before a long run, hill, speed
    session or race), picks 4–7 exercises from the article's 13 and doses them, and
    writes a calendar file you can import into Google Calendar.

    \b
    Start here:
      runstrong plan examples/intermediate-week.csv --level intermediate --equipment dumbbell,band
      runstrong catalog --muscle soleus
      runstrong explain plan.json
    """


class OutputPath(click.Path):
    """A file to write: ``-`` is standard output; an empty name is refused (click would
    otherwise read it as ".")."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("the file name is empty", param, ctx)
        return super().convert(value, param, ctx)


@main.command()
@click.argument("runs", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--level", default=DEFAULT_LEVEL, show_default=True,
              help="beginner (1 session/week), intermediate or advanced (2 sessions/week).")
@click.option("--new-to-strength", is_flag=True,
              help="First time lifting: new lifts come in gradually (H10).")
@click.option("--equipment", default=DEFAULT_EQUIPMENT, show_default=True, metavar="LIST",
              help="Comma list of dumbbell, kettlebell, barbell, bench, box, band, machine; "
                   "or none. Floor, wall, a step and a chair are assumed.")
@click.option("--weights", multiple=True, metavar="ITEM:KG,…",
              help="The weights you own, so the plan names them, e.g. "
                   "--weights dumbbell:4,6,8,10,12.5 (repeatable; implies owning the item). "
                   "Without it loads read 'light', 'light +1 step' (the next dumbbell up).")
@click.option("--sessions", type=click.IntRange(*SESSIONS_RANGE), default=None,
              help="Most strength sessions per week you want (default: by level).")
@click.option("--minutes", type=click.IntRange(*MINUTES_RANGE), default=DEFAULT_MINUTES,
              show_default=True,
              help="Minutes you have per session, warm-up included (H12).")
@click.option("--time", "start_time", default=DEFAULT_TIME, show_default=True, metavar="HH:MM",
              help="When strength sessions start; moved to right after a run that overlaps.")
@click.option("--tz", default=None, metavar="ZONE",
              help="IANA time zone for the calendar, e.g. Europe/London (default: this machine's).")
@click.option("--start", default=None, metavar="YYYY-MM-DD",
              help="The week's Monday, when the runs file has a 'day' column instead of dates.")
@click.option("--range", "date_range", default=None, metavar="START..END",
              help="Calendar input only: the days to plan, e.g. 2027-03-01..2027-03-28 "
                   "(default: the weeks of its one-off runs).")
@click.option("--map", "keyword_maps", multiple=True, metavar="KEYWORD=TYPE",
              help="Calendar input only: read events whose summary has KEYWORD as TYPE, "
                   "e.g. --map 'club night=speed' (TYPE 'ignore' drops them). Repeatable.")
@click.option("--prefer", default=None, metavar="DAYS",
              help="Days you'd like sessions, e.g. Tue,Fri (S5).")
@click.option("--avoid", default=None, metavar="DAYS",
              help="Days to keep free of strength work (S5).")
@click.option("--deload-every", type=click.IntRange(*DELOAD_RANGE), default=DEFAULT_DELOAD_EVERY,
              show_default=True,
              help="Every Nth week of a multi-week file is a lighter step-back week; "
                   "0 = never.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Last plan's JSON, so this one progresses from where it ended (H9).")
@click.option("--athlete", default=DEFAULT_ATHLETE, show_default=True,
              help="Name shown in the calendar.")
@click.option("--ics", "ics_path", type=OutputPath(dir_okay=False, path_type=Path),
              default=Path("plan.ics"), show_default=True,
              help="Calendar file to write; - writes it to standard output (the table then "
                   "goes to stderr).")
@click.option("--json", "json_path", type=OutputPath(dir_okay=False, path_type=Path),
              default=None, help="Also write the plan as JSON (for coaches, tools and --previous); "
                                 "- for standard output.")
@click.option("--fit", "fit_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="Also write each session as a Garmin FIT workout file into DIR "
                   "(2027-03-02-main.fit, …), for the watch.")
@click.option("--alarm", type=click.IntRange(*ALARM_RANGE), default=None, metavar="MIN",
              help="Add a reminder MIN minutes before each session (Google's import drops it).")
@click.option("--with-runs", is_flag=True,
              help="Also put the runs in the calendar, as their own events (category Run).")
@click.option("--cancel-dropped", is_flag=True,
              help="When --ics replaces a calendar runstrong wrote, also write the sessions "
                   "this plan dropped as cancelled (STATUS:CANCELLED) events.")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Use another exercise catalog CSV.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@friendly_errors
def plan(runs: Path, level: str, new_to_strength: bool, equipment: str,
         weights: tuple[str, ...], sessions: int | None,
         minutes: int, start_time: str, tz: str | None, start: str | None,
         date_range: str | None, keyword_maps: tuple[str, ...], prefer: str | None,
         avoid: str | None, deload_every: int, previous: Path | None, athlete: str,
         ics_path: Path, json_path: Path | None, fit_dir: Path | None, alarm: int | None,
         with_runs: bool, cancel_dropped: bool, catalog_path: Path | None,
         quiet: bool) -> None:
    """Plan strength sessions around the runs in RUNS and write a calendar.

    RUNS is a CSV, or a calendar file (.ics) exported from Google Calendar, Apple,
    Outlook, TrainingPeaks, Runna or Garmin.

    A CSV has a header with `date` (YYYY-MM-DD) or `day` (Mon..Sun, with --start), `run`
    (easy, recovery, long, tempo, speed, hill, race, rest, cross — or words like
    intervals, threshold, parkrun), and optional `minutes`, `time` (HH:MM) and `title`.
    A file may hold several weeks; weeks start on Monday.

    From a calendar, each event's title (then categories and notes) says what run it is:
    long run, tempo, threshold, intervals, track, repeats, hills, race, parkrun,
    marathon, easy, recovery, rest… Other events are ignored; an event naming two types
    is planned as the harder one and reported. Repeating events are expanded.
    Without --tz the calendar's own time zone is used.

    \b
    Examples:
      runstrong plan examples/intermediate-week.csv --level intermediate \\
          --equipment dumbbell,band --tz Europe/London --json plan.json
      runstrong plan examples/google-export.ics --map 'parkrun=tempo' --with-runs

    A plan over 900 events or 900 kB is written as several files (plan.ics,
    plan-2.ics, …): Google Calendar rejects larger imports.

    When --ics replaces a calendar runstrong wrote before, changed sessions keep their
    UID with a raised SEQUENCE and unchanged ones stay as they were, so calendar apps that
    honour SEQUENCE update in place (see the README for which do).
    """
    from planner import render_ics
    from planner.calendar_files import calendar_files
    from planner.outputs import Output, check_outputs, is_stdout, write_outputs
    from planner.pipeline import NoPlanError, PlanOptions, PlanRequest, plan_prepared, prepare
    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import load_plan_json
    from planner.render_fit import render_fit_files
    from planner.render_json import render_json
    from planner.report import plan_report

    to_stdout = is_stdout(ics_path) or is_stdout(json_path)
    inputs = (runs, previous, catalog_path)
    check_outputs([(ics_path, "--ics"), *([(json_path, "--json")] if json_path else [])],
                  inputs)
    if fit_dir is not None:
        check_output_dir(fit_dir, "--fit")
    # The same planning path as the web page (planner.pipeline): this shell reads the
    # options, prints what the pipeline reports and writes what it renders.
    options = PlanOptions(
        athlete=athlete, level=level, new_to_strength=new_to_strength, equipment=equipment,
        weights=weights, sessions=sessions, minutes=minutes, start_time=start_time, tz=tz,
        start=start, date_range=date_range, keyword_maps=keyword_maps, prefer=prefer,
        avoid=avoid, deload_every=deload_every, alarm=alarm, with_runs=with_runs)
    previous_plan = load_plan_json(previous) if previous else None
    prepared = prepare(PlanRequest(
        runs=b"", runs_name=str(runs), path=runs, options=options, previous=previous_plan,
        catalog=load_catalog(catalog_path), previous_name=str(previous)))
    if prepared.zone_note:
        click.echo(prepared.zone_note, err=True)
    try:
        outcome = plan_prepared(prepared, previous_plan)
    except NoPlanError as err:
        _echo_found(err.warnings, err.notes)
        raise
    zone = prepared.zone_note.removeprefix("note: ") if prepared.zone_note else None
    _echo_found(outcome.warnings, tuple(n for n in outcome.notes if n != zone))
    from_calendar = outcome.from_calendar
    # Everything is rendered before anything is written, and everything is written
    # together or not at all (planner.outputs).
    whole = is_stdout(ics_path)  # one calendar on standard output, never split
    calendar = calendar_files(outcome.plan, [] if whole else _existing_parts(ics_path),
                              alarm_minutes=alarm, with_runs=with_runs,
                              cancel_dropped=cancel_dropped,
                              max_events=(2**62 if whole else render_ics.MAX_EVENTS_PER_FILE),
                              max_bytes=(2**62 if whole else render_ics.MAX_BYTES_PER_FILE))
    parts = calendar.parts
    fit_files = render_fit_files(outcome.plan) if fit_dir is not None else []
    ics_paths = [ics_path] + [_part_path(ics_path, number) for number in range(2, len(parts) + 1)]
    outputs = [Output(path, data, "--ics") for path, data in zip(ics_paths, parts, strict=True)]
    if json_path:
        outputs.append(Output(json_path, render_json(outcome.plan), "--json"))
    if fit_dir is not None:
        make_output_dir(fit_dir, "--fit")
        outputs.extend(Output(fit_dir / name, data, "--fit") for name, data in fit_files)
    write_outputs(outputs, inputs)
    if fit_dir is not None:
        _warn_stale_fit(fit_dir, {name for name, _ in fit_files})
    # With an output on standard output, everything else goes to stderr.
    if not quiet:
        click.echo(plan_report(outcome.plan, show_labels=from_calendar), err=to_stdout)
    if len(parts) > 1:
        click.echo(f"The calendar is split into {len(parts)} files (Google Calendar rejects "
                   "imports over about 1 MB or 1,000 events): import each of them.",
                   err=to_stdout)
    stale = None if whole else _part_path(ics_path, len(parts) + 1)
    if stale is not None and stale.exists():
        click.echo(f"warning: {stale} is left from an earlier, longer plan; do not import it",
                   err=True)
    if calendar.note and not quiet:
        click.echo(calendar.note, err=to_stdout)
    written = ["standard output" if is_stdout(p) else str(p)
               for p in (*ics_paths, json_path) if p]
    if fit_dir is not None:
        count = len(fit_files)
        written.append(f"{count} FIT workout{'' if count == 1 else 's'} in {fit_dir}")
    click.echo(f"Wrote {', '.join(written)}.", err=to_stdout)


def _write_fit_folder(folder: Path, files: Sequence[tuple[str, bytes]],
                      option: str = "--fit") -> int:
    """Write one athlete's FIT workouts into `folder` (made if missing); warn about an earlier
    plan's files there. Returns how many were written."""
    from planner.atomic import write_atomic

    check_output_dir(folder, option)
    make_output_dir(folder, option)
    for name, data in files:
        write_atomic(folder / name, data)
    _warn_stale_fit(folder, {name for name, _ in files})
    return len(files)


def check_output_dir(folder: Path, option: str) -> None:
    """Exit 2 before any work when `folder` cannot be a folder we write into: it, or the
    nearest part of its path that exists, is a file, or that part is not writable."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        where = "is a file" if existing == folder else f"cannot be made: {existing} is a file"
        raise InputError(f"{folder} {where}, not a folder", field=option)
    if existing.exists() and not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{folder}: cannot write into {existing} (permission denied)",
                         field=option)


def make_output_dir(folder: Path, option: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot make the folder ({exc.strerror or exc})",
                         field=option) from None


def _warn_stale_fit(folder: Path, written: set[str]) -> None:
    """Workout files of an earlier plan in the same folder would go onto the watch too."""
    from planner.render_fit import FIT_FILE_PATTERN

    stale = sorted(p.name for p in folder.glob("*.fit")
                   if FIT_FILE_PATTERN.fullmatch(p.name) and p.name not in written)
    if stale:
        shown = ", ".join(stale[:3]) + (f" +{len(stale) - 3} more" if len(stale) > 3 else "")
        click.echo(f"warning: {folder} also holds {len(stale)} workout file(s) this plan did "
                   f"not write ({shown}); copy only this plan's files to the watch", err=True)


def _existing_parts(ics_path: Path) -> list[Path]:
    """plan.ics, plan-2.ics, … as far as they exist: the calendar a re-plan replaces."""
    found = []
    number = 1
    while True:
        path = ics_path if number == 1 else _part_path(ics_path, number)
        if not path.is_file():
            return found
        found.append(path)
        number += 1


def _echo_found(warnings: Sequence[str], notes: Sequence[str]) -> None:
    for text in warnings:
        click.echo(f"warning: {text}", err=True)
    for text in notes:
        click.echo(f"note: {text}", err=True)


def _part_path(ics_path: Path, number: int) -> Path:
    """plan.ics -> plan-2.ics, plan-3.ics, …"""
    return ics_path.with_name(f"{ics_path.stem}-{number}{ics_path.suffix or '.ics'}")


@main.command()
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("runs", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("plans"), show_default=True, help="Folder for the calendars.")
@click.option("--jobs", type=click.IntRange(1, 4096), default=None,
              help="Athletes planned in parallel (default: the machine's cores; at most 64 "
                   "here). With "
                   "--cluster local: the number of worker processes; with a scheduler "
                   "address: at most this many athletes on the cluster at once (default: "
                   "twice its worker threads).")
@click.option("--cluster", "cluster", default=None, metavar="ADDRESS",
              help="Plan on a Dask cluster: its scheduler (tcp://HOST:8786), or 'local' "
                   "for a cluster of --jobs processes on this machine. Every worker needs "
                   "this version of runstrong. The output is the same as without it.")
@click.option("--summary-format", "summary_format", type=click.Choice(["csv", "parquet", "both"]),
              default="csv", show_default=True,
              help="summary.csv, summary.parquet (same columns, counts as numbers) or both.")
@click.option("--start", default=None, metavar="YYYY-MM-DD",
              help="The Monday of week 1, when the runs file has a 'day' column.")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Use another exercise catalog CSV.")
@click.option("--fit", "fit", is_flag=True,
              help="Also write each athlete's sessions as Garmin FIT workout files, in "
                   "OUT/<athlete>-fit/ (2027-03-02-main.fit, …).")
@friendly_errors
def batch(roster: Path, runs: Path, out_dir: Path, jobs: int | None, cluster: str | None,
          summary_format: str, start: str | None, catalog_path: Path | None,
          fit: bool) -> None:
    """Plan a training block for every athlete of a ROSTER from one RUNS file.

    ROSTER columns: athlete, level, and optionally equipment (`;`-separated), sessions,
    minutes, time, tz, new_to_strength, email, prefer, avoid, deload_every. RUNS is the
    runs CSV of `runstrong plan` with an extra `athlete` column, or the same columns as a
    Parquet file or a folder of Parquet files (read a row group at a time).

    Writes OUT/<athlete>.ics, OUT/<athlete>.json and OUT/summary.csv. An athlete with bad
    rows, an impossible block or any other failure is a row of summary.csv and a line on
    stderr; the others are still planned, and the exit code is 4. OUT is replaced as a
    whole when the batch ends, so it never mixes plans of two runs; files in OUT that
    runstrong did not write are kept. Interrupted (Ctrl-C), the athletes planned so far
    are written with a summary.csv marked incomplete (into OUT.incomplete when OUT already
    holds plans, which are then left as they were).
    With --fit, each athlete's FIT workouts go into OUT/<athlete>-fit/.
    With --cluster, athletes are planned on a Dask cluster and written as they finish;
    a scheduler that cannot be reached exits 5 with nothing written.

    \b
    Example:
      runstrong batch examples/coach/roster.csv examples/coach/runs.csv --out plans/
      runstrong batch club.csv runs/ --cluster tcp://10.0.0.5:8786 --summary-format both
    """
    from planner.batch import (
        SUMMARY_COLUMNS,
        SUMMARY_FILES,
        name_warnings,
        safe_file_stem,
        summary_bytes,
    )
    from planner.cluster import batch_outcomes
    from planner.outputs import FolderGeneration, OutputError, check_outputs
    from planner.readers.roster import load_roster, split_runs_by_athlete

    inputs = (roster, runs, catalog_path)
    summaries = SUMMARY_FILES[summary_format]
    check_outputs([(out_dir / name, "") for name in summaries], inputs)
    monday = _date(start, "--start")
    if fit:
        check_output_dir(out_dir, "--out")
    entries = load_roster(roster)
    taken: set[str] = set()
    stems = [safe_file_stem(entry.name, taken) for entry in entries]
    names = [*summaries, *(f"{stem}{suffix}" for stem in stems for suffix in (".ics", ".json"))]
    check_outputs([(out_dir / name, "") for name in names], inputs)
    split = split_runs_by_athlete(runs)
    for warning in name_warnings(entries, split):
        click.echo(f"warning: {warning}", err=True)
    generation = FolderGeneration(out_dir, inputs)
    show_bar = sys.stderr.isatty() and not os.environ.get("CI")
    # Filled in by roster index: a cluster hands athletes back as they finish.
    rows: list[dict[str, str] | None] = [None] * len(entries)
    fit_later: list[tuple[int, str, str, Any]] = []
    failed = 0
    interrupted = False
    catalog = str(catalog_path) if catalog_path else None
    try:
        with batch_outcomes(entries, split, jobs=jobs, cluster=cluster, catalog_path=catalog,
                            start=monday, fit=fit) as outcomes, click.progressbar(
                outcomes, length=len(entries), label="Planning athletes",
                file=sys.stderr if show_bar else _Null()) as bar:
            for index, outcome in bar:
                stem = stems[index]
                summary = dict(outcome.summary)
                if not outcome.failed:
                    try:
                        generation.add(f"{stem}.ics", outcome.ics or b"")
                        generation.add(f"{stem}.json", outcome.json or b"")
                        summary["file"] = f"{stem}.ics"
                        if outcome.fit_files:
                            fit_later.append((index, outcome.name, stem, outcome.fit_files))
                    except OutputError as err:
                        summary.update(status="failed: cannot write", warnings=str(err))
                if summary["status"].startswith("failed"):
                    failed += 1
                    click.echo(f"error: {outcome.name}: {summary['warnings']}", err=True)
                rows[index] = summary
    except KeyboardInterrupt:
        interrupted = True
        for index, entry in enumerate(entries):
            if rows[index] is None:
                row = dict.fromkeys(SUMMARY_COLUMNS, "")
                row.update(athlete=entry.name, status="not planned: interrupted",
                           warnings="the batch was interrupted (Ctrl-C) before this athlete")
                rows[index] = row
    except BaseException:
        generation.discard()
        raise
    done = [row for row in rows if row is not None]
    try:
        for name in summaries:
            generation.add(name, summary_bytes(name, done))
        target = None
        if interrupted and generation.folder.is_dir() and any(generation.folder.iterdir()):
            target = generation.folder.with_name(generation.folder.name + ".incomplete")
        written = generation.commit(target)
        shown_dir = out_dir if target is None else written
    except BaseException:
        generation.discard()
        raise
    if generation.carried:
        shown = ", ".join(generation.carried[:5])
        more = f" and {len(generation.carried) - 5} more" if len(generation.carried) > 5 else ""
        click.echo(f"note: kept {shown}{more} in {shown_dir}/: not written by this batch",
                   err=True)
    planned = sum(1 for row in done if row["file"])
    shown_summary = " and ".join(summaries)
    if interrupted:
        click.echo(f"Interrupted: planned {planned} of {len(entries)} athletes into {shown_dir}/ "
                   f"({shown_summary} marks the rest)"
                   + (f"; {generation.folder}/ is unchanged" if target else "") + ".", err=True)
        sys.exit(130)
    click.echo(f"Planned {planned} of {len(entries)} athletes into {shown_dir}/ "
               f"({shown_summary}).")
    if fit:
        # The watch files go in after the calendars: one folder per athlete beside them.
        fit_count = 0
        for _, name, stem, files in sorted(fit_later, key=lambda item: item[0]):
            try:
                fit_count += _write_fit_folder(out_dir / f"{stem}-fit", files)
            except RunstrongError as err:
                failed += 1
                click.echo(f"error: {name}: FIT files not written: {err}", err=True)
        click.echo(f"Wrote {fit_count} FIT workouts in {out_dir}/<athlete>-fit/.")
    if failed:
        sys.exit(EXIT_SOME_FAILED)


class _Null(io.StringIO):
    """Where the progress bar goes when nobody is watching (pipes, CI)."""

    def isatty(self) -> bool:
        return False


@main.command()
@click.option("--muscle", default=None, help="Only exercises that train this muscle.")
@click.option("--pattern", default=None, help="Only this movement pattern (squat, hinge, calf…).")
@click.option("--equipment", default=None, metavar="LIST",
              help="Only what this equipment allows (comma list, or none).")
@click.option("--level", default=None, help="Only variations suitable up to this level.")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Use another exercise catalog CSV.")
@friendly_errors
def catalog(muscle: str | None, pattern: str | None, equipment: str | None, level: str | None,
            catalog_path: Path | None) -> None:
    """List the exercises runstrong chooses from, with their doses and ladders.

    \b
    Examples:
      runstrong catalog --muscle soleus
      runstrong catalog --pattern hinge --equipment none --level beginner
    """
    from constraints.eligibility import equipment_allows, level_allows
    from planner.domain import MUSCLES, PATTERNS
    from planner.readers.catalog import load_catalog
    from planner.readers.options import parse_equipment, parse_level

    cat = load_catalog(catalog_path)
    if muscle and muscle not in MUSCLES:
        raise InputError(f"'{muscle}' is not one of: {', '.join(MUSCLES)}", field="--muscle")
    if pattern and pattern not in PATTERNS:
        raise InputError(f"'{pattern}' is not one of: {', '.join(PATTERNS)}", field="--pattern")
    owned = parse_equipment(equipment) if equipment is not None else None
    lvl = parse_level(level) if level else None
    shown = 0
    for ex in cat.exercises:
        if muscle and muscle not in ex.primary + ex.secondary:
            continue
        if pattern and pattern not in ex.patterns:
            continue
        if owned is not None and not equipment_allows(ex, owned):
            continue
        if lvl and not level_allows(ex, lvl):
            continue
        shown += 1
        kit = " and ".join("/".join(o) for o in ex.equipment) or "bodyweight"
        click.echo(f"{ex.family_no:>2}. {ex.name} [{ex.id}] — {ex.level}; "
                   f"{', '.join(ex.patterns)}; {ex.sets_min}–{ex.sets_max} × "
                   f"{ex.reps_min}–{ex.reps_max} {ex.reps_unit}, rest {ex.rest_min_s}–"
                   f"{ex.rest_max_s} s; {kit}")
        click.echo(f"      trains {', '.join(ex.primary)}"
                   + (f" (also {', '.join(ex.secondary)})" if ex.secondary else "")
                   + f". Cue: {ex.cue}")
    click.echo(f"{shown} of {len(cat.exercises)} variations.")


@main.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("runs", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--start", default=None, metavar="YYYY-MM-DD",
              help="The Monday, when RUNS has a 'day' column.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The plan before this one (checks H4 and H9 across the boundary).")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Use another exercise catalog CSV.")
@friendly_errors
def check(plan_json: Path, runs: Path | None, start: str | None, previous: Path | None,
          catalog_path: Path | None) -> None:
    """Check any plan JSON against every hard rule, without the solver.

    Works on runstrong's own plans, edited ones, or a coach's hand-made plan in the same
    JSON shape. RUNS (optional) replaces the runs stored in the plan. Exit 0 when clean,
    1 when a rule is broken.
    """
    from planner.checker import check_plan
    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import load_plan_json
    from planner.readers.runs_csv import load_runs

    cat = load_catalog(catalog_path)
    data = load_plan_json(plan_json)
    prior = load_plan_json(previous) if previous else None
    run_list = load_runs(runs, start=_date(start, "--start")).runs if runs else None
    violations = check_plan(data, cat, runs=run_list, previous=prior)
    for v in violations:
        where = " ".join(part for part in (v.date, v.exercise) if part)
        click.echo(f"{v.rule} {where}: {v.message}" if where else f"{v.rule}: {v.message}")
    sessions = sum(len(w.get("sessions", [])) for w in data["weeks"])
    if violations:
        click.echo(f"{len(violations)} violation(s) in {sessions} sessions.")
        sys.exit(EXIT_VIOLATIONS)
    click.echo(f"OK: {sessions} sessions in {len(data['weeks'])} week(s) break no hard rule.")


@main.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--caldav", "caldav_url", required=True, metavar="URL",
              help="The CalDAV calendar's own URL, e.g. "
                   "https://dav.example.com/calendars/me/runstrong/.")
@click.option("--user", default=None, metavar="NAME",
              help="User name on the server; the password is read from the environment "
                   "variable RUNSTRONG_CALDAV_PASSWORD, never from the command line.")
@click.option("--alarm", type=click.IntRange(*ALARM_RANGE), default=None, metavar="MIN",
              help="Add a reminder MIN minutes before each session.")
@click.option("--with-runs", is_flag=True,
              help="Also put the plan's runs in the calendar, as their own events.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@friendly_errors
def push(plan_json: Path, caldav_url: str, user: str | None, alarm: int | None,
         with_runs: bool, quiet: bool) -> None:
    """Write PLAN_JSON's sessions into a CalDAV calendar, and keep them in step.

    Creates new sessions, updates changed ones (SEQUENCE raised), deletes the sessions
    runstrong put there for this athlete from the plan's first week on that the plan no
    longer has, and never touches any other event. Pushing the same plan twice changes
    nothing. Exit 2: refused (user name, password, URL); 5: server unreachable or failed
    part-way (what was done is reported; push again to finish).

    \b
    Example:
      RUNSTRONG_CALDAV_PASSWORD=... runstrong push plan.json \\
          --caldav https://dav.example.com/calendars/anna/runstrong/ --user anna
    """
    from datetime import datetime, timezone

    from planner.push import PASSWORD_ENV, PushRefused, push_plan, sends_password_in_clear
    from planner.readers.plan_json import load_plan_json, plan_from_json

    plan_data = plan_from_json(load_plan_json(plan_json), file=str(plan_json))
    password = os.environ.get(PASSWORD_ENV) or None
    if user is not None and password is None:
        raise PushRefused(f"--user {user} needs the password in the environment variable "
                          f"{PASSWORD_ENV}")
    if password is not None and sends_password_in_clear(caldav_url):
        click.echo(f"warning: {caldav_url} is plain http to another machine: the password "
                   "crosses the network unencrypted; use https", err=True)

    def progress(kind: str, uid: str) -> None:
        if not quiet:
            click.echo(f"{kind}d {uid}")  # created, updated, deleted

    result = push_plan(plan_data, caldav_url, username=user, password=password,
                       now=datetime.now(timezone.utc), alarm_minutes=alarm,
                       with_runs=with_runs, on_change=progress)
    click.echo(f"Pushed {plan_json} to {caldav_url}: {result.summary()}.")


@main.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The plan JSON this plan progressed from (the --previous it was made with), "
                   "so the what-if lines rebuild the same weeks.")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="The exercise catalog CSV the plan was made with.")
@friendly_errors
def explain(plan_json: Path, previous: Path | None, catalog_path: Path | None) -> None:
    """Print why each session sits on its day, what moving it would cost, and what each
    soft objective cost.

    \b
    Example:
      runstrong explain plan.json
      runstrong explain week2.json --previous week1.json --catalog my-catalog.csv
    """
    from planner.explain_report import explain_plan
    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import load_plan_json

    data = load_plan_json(plan_json)
    before = load_plan_json(previous) if previous is not None else None
    click.echo(explain_plan(data, catalog=load_catalog(catalog_path), previous=before))


if __name__ == "__main__":  # pragma: no cover
    main()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default is only reachable from this computer; "
                   "0.0.0.0 opens it to your network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 = any free port).")
@click.option("--db", default=None, metavar="PATH|URL",
              help="SQLite file, or a SQLAlchemy URL such as postgresql+psycopg://user@host/db "
                   "(default: runstrong.sqlite3 in your user data folder).")
@friendly_errors
def serve(host: str, port: int, db: str | None) -> None:
    """Run the web page for runners and coaches, then open the address it prints.

    Runners upload a week (CSV or .ics) or type it in, get the week as a picture, the
    calendar file and a subscription feed; coaches upload a roster and a squad's runs.
    Every athlete page and feed sits behind its own unguessable address.
    """
    import socket

    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from planner.web.app import Settings, create_app

    try:
        app = create_app(Settings(db=db))
    except (SQLAlchemyError, OSError) as err:
        raise InputError(f"cannot open the database: {err}", field="--db") from None
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror or err}",
                         field="--port") from None
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    click.echo(f"runstrong is running: open http://{shown}:{bound_port}/ (Ctrl+C to stop)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("warning: listening beyond this computer; anyone who can reach it can use "
                   "it. Put it behind https for a hosted install.", err=True)
    config = uvicorn.Config(app, log_level="warning", proxy_headers=True)
    uvicorn.Server(config).run(sockets=[sock])
