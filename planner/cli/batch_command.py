"""`runstrong batch`: a coach's squad, one calendar per athlete, on this machine or a Dask
cluster."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from planner.cli.common import (
    EXIT_SOME_FAILED,
    OutputPath,
    check_output_dir,
    friendly_errors,
    parse_date_option,
    write_fit_folder,
)
from planner.errors import RunstrongError, require_extra


@click.command()
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("runs", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=OutputPath(file_okay=False, path_type=Path),
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
@click.option("--race", "races", multiple=True, metavar="YYYY-MM-DD",
              help="A goal race for every athlete whose roster row names none in its `race` "
                   "column (repeatable). Default: each athlete's longest race that is not a "
                   "weekly series.")
@friendly_errors
def batch(roster: Path, runs: Path, out_dir: Path, jobs: int | None, cluster: str | None,
          summary_format: str, start: str | None, catalog_path: Path | None,
          fit: bool, races: tuple[str, ...]) -> None:
    """Plan a training block for every athlete of a ROSTER from one RUNS file.

    ROSTER columns: athlete, level, and optionally equipment (`;`-separated), sessions,
    minutes, time, tz, new_to_strength, email, prefer, avoid, deload_every (empty: the
    step-back weeks follow the running), gap, race (goal race dates, separated by spaces
    or `;`) and race_week (light or none). RUNS is the
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
    from planner.pipeline import parse_races
    from planner.readers.roster import load_roster, split_runs_by_athlete
    from planner.renderers.outputs import FolderGeneration, OutputError, check_outputs
    from planner.services.batch import (
        SUMMARY_COLUMNS,
        SUMMARY_FILES,
        name_warnings,
        safe_file_stem,
        summary_bytes,
    )
    from planner.services.cluster import batch_outcomes

    # a missing extra is one line before any work, not a failure halfway
    if cluster is not None:
        require_extra("distributed", "cluster", "--cluster")
    if summary_format != "csv":
        require_extra("pyarrow.parquet", "cluster", f"--summary-format {summary_format}")
    inputs = (roster, runs, catalog_path)
    summaries = SUMMARY_FILES[summary_format]
    check_outputs([(out_dir / name, "") for name in summaries], inputs)
    monday = parse_date_option(start, "--start")
    if fit:
        check_output_dir(out_dir, "--out")
    entries = with_goal_races(load_roster(roster), parse_races(races))
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
                fit_count += write_fit_folder(out_dir / f"{stem}-fit", files)
            except RunstrongError as err:
                failed += 1
                click.echo(f"error: {name}: FIT files not written: {err}", err=True)
        click.echo(f"Wrote {fit_count} FIT workouts in {out_dir}/<athlete>-fit/.")
    if failed:
        sys.exit(EXIT_SOME_FAILED)


def with_goal_races(entries: list, races: tuple) -> list:
    """The batch's --race dates for every athlete whose roster row names no goal race."""
    if not races:
        return entries
    return [replace(entry, profile=replace(entry.profile, races=races))
            if entry.profile is not None and not entry.profile.races else entry
            for entry in entries]


class _Null(io.StringIO):
    """Where the progress bar goes when nobody is watching (pipes, CI)."""

    def isatty(self) -> bool:
        return False

