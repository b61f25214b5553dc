"""`runstrong plan`: a runner's runs in, a calendar (and JSON, FIT) out, through
planner.pipeline."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.common import (
    OutputPath,
    check_output_dir,
    echo_found,
    friendly_errors,
    make_output_dir,
    parse_date_option,
    record_written,
    warn_stale_fit,
)
from planner.domain import (
    ALARM_RANGE,
    DEFAULT_ATHLETE,
    DEFAULT_EQUIPMENT,
    DEFAULT_GAP_MINUTES,
    DEFAULT_LEVEL,
    DEFAULT_MINUTES,
    DEFAULT_RACE_WEEK,
    DEFAULT_TIME,
    DELOAD_RANGE,
    GAP_RANGE,
    MINUTES_RANGE,
    RACE_WEEK_CHOICES,
    SESSIONS_RANGE,
)
from planner.errors import InputError


@click.command()
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
@click.option("--start-weight", "start_weights", multiple=True, metavar="ID:KG",
              help="A lift's first-week weight, one of your --weights, e.g. --start-weight "
                   "romanian-deadlift:10 (repeatable; ids from `runstrong catalog`). Without "
                   "it hinges start heaviest, then squats and bridges, then single-leg, "
                   "split-stance and calf work (docs/coaching.md).")
@click.option("--sessions", type=click.IntRange(*SESSIONS_RANGE), default=None,
              help="Most strength sessions per week you want (default: by level).")
@click.option("--minutes", type=click.IntRange(*MINUTES_RANGE), default=DEFAULT_MINUTES,
              show_default=True,
              help="Minutes you have per session, warm-up included (H12).")
@click.option("--time", "start_time", default=DEFAULT_TIME, show_default=True, metavar="HH:MM",
              help="When strength sessions start; moved to right after a run that overlaps.")
@click.option("--gap", type=click.IntRange(*GAP_RANGE), default=DEFAULT_GAP_MINUTES,
              show_default=True, metavar="MIN",
              help="Minutes between the end of a run and a strength session after it: time "
                   "to get home, change and drink. After a run the warm-up is drills only.")
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
@click.option("--deload-every", type=click.IntRange(*DELOAD_RANGE), default=None,
              metavar="N",
              help="Every Nth week is a lighter step-back week; 0 = never. Without it the "
                   "step-back weeks follow your running: a week whose running load (minutes "
                   "× effort by run type) falls 20% below the previous weeks' average steps "
                   "back, one that jumps 20% above it holds strength where it is.")
@click.option("--race", "races", multiple=True, metavar="YYYY-MM-DD",
              help="A goal race (repeatable): only goal races bring a taper, race week and "
                   "return week. Default: the longest race in the file that is not a weekly "
                   "series (a parkrun every Saturday is a hard run, not a goal).")
@click.option("--race-week", type=click.Choice(RACE_WEEK_CHOICES), default=DEFAULT_RACE_WEEK,
              show_default=True,
              help="Race week: 'light' = at most one short light session, at least 4 days "
                   "before the race, of exercises already done; 'none' = no strength.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Last plan's JSON, so this one progresses from where it ended (H9).")
@click.option("--niggle", "niggles", multiple=True, metavar="WHERE",
              help="A niggle to train around: knee, achilles, calf, hamstring, hip or back "
                   "(repeatable). Changes exercise choice and dosing, and says how in each "
                   "why-line (table in docs/coaching.md). Pain is not a niggle: stop and seek "
                   "professional help.")
@click.option("--exclude", multiple=True, metavar="ID",
              help="Leave this exercise out, e.g. --exclude bulgarian-split-squat "
                   "(repeatable; ids as `runstrong catalog` lists them).")
@click.option("--from", "from_day", default=None, metavar="YYYY-MM-DD",
              help="With --previous: my week changed. Keep that plan's sessions (and what "
                   "you logged) before this day, and re-plan the rest of its week around "
                   "the runs in RUNS; a main session logged as skipped is re-placed on a "
                   "later day if the rules allow. The rest of the plan is kept as it was.")
@click.option("--athlete", default=DEFAULT_ATHLETE, show_default=True,
              help="Name shown in the calendar.")
@click.option("--ics", "ics_path", type=OutputPath(dir_okay=False, path_type=Path),
              default=Path("plan.ics"), show_default=True,
              help="Calendar file to write; - writes it to standard output (the table then "
                   "goes to stderr).")
@click.option("--json", "json_path", type=OutputPath(dir_okay=False, path_type=Path),
              default=None, help="Also write the plan as JSON (for coaches, tools and --previous); "
                                 "- for standard output.")
@click.option("--fit", "fit_dir", type=OutputPath(file_okay=False, path_type=Path),
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
         weights: tuple[str, ...], start_weights: tuple[str, ...], sessions: int | None,
         minutes: int, start_time: str, gap: int, tz: str | None, start: str | None,
         date_range: str | None, keyword_maps: tuple[str, ...], prefer: str | None,
         avoid: str | None, deload_every: int | None, races: tuple[str, ...],
         race_week: str, previous: Path | None,
         niggles: tuple[str, ...], exclude: tuple[str, ...],
         from_day: str | None, athlete: str,
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
    from planner.pipeline import NoPlanError, PlanOptions, PlanRequest, plan_prepared, prepare
    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import load_plan_json
    from planner.renderers import ics as render_ics
    from planner.renderers.calendar_files import calendar_files
    from planner.renderers.fit import render_fit_files
    from planner.renderers.json_plan import render_json
    from planner.renderers.outputs import Output, check_outputs, is_stdout, write_outputs
    from planner.renderers.terminal import plan_report

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
        weights=weights, start_weights=start_weights, sessions=sessions, minutes=minutes,
        start_time=start_time, gap=gap, tz=tz,
        start=start, date_range=date_range, keyword_maps=keyword_maps, prefer=prefer,
        avoid=avoid, deload_every=deload_every, races=races, race_week=race_week, alarm=alarm,
        with_runs=with_runs, niggles=niggles, exclude=exclude)
    replan_day = parse_date_option(from_day, "--from")
    if replan_day is not None and previous is None:
        raise InputError("--from re-plans a week of an earlier plan: give it with --previous",
                         field="--from")
    previous_plan = load_plan_json(previous) if previous else None
    prepared = prepare(PlanRequest(
        runs=b"", runs_name=str(runs), path=runs, options=options, previous=previous_plan,
        catalog=load_catalog(catalog_path), previous_name=str(previous)))
    if prepared.zone_note:
        click.echo(prepared.zone_note, err=True)
    plan_json_bytes: bytes | None = None
    if replan_day is not None and previous_plan is not None:
        from planner.services.midweek import replan_from

        midweek = replan_from(prepared, previous_plan, replan_day, name=str(previous))
        echo_found(midweek.warnings, midweek.notes)
        planned, plan_json_bytes = midweek.plan, midweek.json
    else:
        try:
            outcome = plan_prepared(prepared, previous_plan)
        except NoPlanError as err:
            echo_found(err.warnings, err.notes)
            raise
        zone = prepared.zone_note.removeprefix("note: ") if prepared.zone_note else None
        echo_found(outcome.warnings, tuple(n for n in outcome.notes if n != zone))
        planned = outcome.plan
    from_calendar = prepared.from_calendar
    # Everything is rendered before anything is written, and everything is written
    # together or not at all (planner.renderers.outputs).
    whole = is_stdout(ics_path)  # one calendar on standard output, never split
    calendar = calendar_files(planned, [] if whole else _existing_parts(ics_path),
                              alarm_minutes=alarm, with_runs=with_runs,
                              # a changed week: moved sessions leave the calendar
                              cancel_dropped=cancel_dropped or replan_day is not None,
                              max_events=(2**62 if whole else render_ics.MAX_EVENTS_PER_FILE),
                              max_bytes=(2**62 if whole else render_ics.MAX_BYTES_PER_FILE))
    parts = calendar.parts
    fit_files = render_fit_files(planned) if fit_dir is not None else []
    ics_paths = [ics_path] + [_part_path(ics_path, number) for number in range(2, len(parts) + 1)]
    outputs = [Output(path, data, "--ics") for path, data in zip(ics_paths, parts, strict=True)]
    if json_path:
        outputs.append(Output(json_path, plan_json_bytes or render_json(planned), "--json"))
    if fit_dir is not None:
        make_output_dir(fit_dir, "--fit")
        outputs.extend(Output(fit_dir / name, data, "--fit") for name, data in fit_files)
    write_outputs(outputs, inputs)
    written = ["standard output" if is_stdout(p) else str(p)
               for p in (*ics_paths, json_path) if p]
    if fit_dir is not None:
        count = len(fit_files)
        written.append(f"{count} FIT workout{'' if count == 1 else 's'} in {fit_dir}")
    record_written(written)
    if fit_dir is not None:
        warn_stale_fit(fit_dir, {name for name, _ in fit_files})
    # With an output on standard output, everything else goes to stderr.
    if not quiet:
        click.echo(plan_report(planned, show_labels=from_calendar), err=to_stdout)
    if len(parts) > 1:
        click.echo(f"The calendar is split into {len(parts)} files (Google Calendar rejects "
                   "imports over about 1 MB or 1,000 events): import each of them.",
                   err=to_stdout)
    stale = None if whole else _part_path(ics_path, len(parts) + 1)
    if stale is not None and stale.exists():
        click.echo(f"warning: {stale} is left from an earlier, longer plan; do not import it",
                   err=True)
    updated = bool(calendar.note) and not quiet
    if updated:
        click.echo(calendar.note, err=to_stdout)
    # The update line already names the calendar: "Wrote" lists only the other files.
    shown = [name for name in written
             if not (updated and name in {str(p) for p in ics_paths})]
    if shown:
        click.echo(f"Wrote {', '.join(shown)}.", err=to_stdout)






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


def _part_path(ics_path: Path, number: int) -> Path:
    """plan.ics -> plan-2.ics, plan-3.ics, …"""
    return ics_path.with_name(f"{ics_path.stem}-{number}{ics_path.suffix or '.ics'}")

