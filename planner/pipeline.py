"""One planning path from bytes to rendered files, for the web app (and the CLI).

A `PlanRequest` holds what a runner hands over — the runs as bytes with a display name,
the profile options as plain values, optionally the previous plan (a plan JSON dict, with
"done" marks) and a catalog — and `run_plan` turns it into a `PlanOutcome`: the plan, the
weeks where nothing fits, the warnings and notes the CLI prints, and the rendered files
(name -> bytes: ``plan.ics`` (and ``plan-2.ics``… for very long plans), ``plan.json``,
``report.txt``).

Defaults and bounds of every option live in `planner/domain.py` (Profile). Bad input raises the same
`InputError` (same message) as the CLI; a block where no week holds a session raises
`NoPlanError` with the CLI's message.

The readers take paths, so the upload is written to a temporary file whose name the server
picks (``tempfile.mkstemp``); the user's file name never reaches the file system. It only
appears in messages, where it replaces the temporary path.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from planner.domain import (
    ALARM_RANGE,
    ATHLETE_NAME_MAX,
    DEFAULT_ATHLETE,
    DEFAULT_DELOAD_EVERY,
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
    Plan,
    Profile,
    Run,
)
from planner.errors import InputError, RunstrongError, rows_phrase, shown_value
from planner.planning.instance import Carry
from planner.readers.catalog import Catalog

MAX_RUNS_BYTES = 1_000_000  # a runs file bigger than this is not a runner's plan
RunsKind = Literal["csv", "ics"]


class NoPlanError(RunstrongError):
    """No week of the block holds even one session (the CLI exits 3). `warnings` and
    `notes` are what was found before it, for the CLI to print first."""

    exit_code = 3

    def __init__(self, message: str, warnings: tuple[str, ...] = (),
                 notes: tuple[str, ...] = (), impossible: tuple = ()) -> None:
        super().__init__(message)
        self.warnings, self.notes = warnings, notes
        self.impossible = impossible  # tuple[tuple[date, Diagnosis], ...]

    @property
    def conflicting_rules(self) -> tuple[str, ...]:
        """Every hard rule id that blocks some week, each once."""
        return tuple(sorted({rule for _, d in self.impossible for rule in d.conflict}))


@dataclass(frozen=True)
class PlanOptions:
    """The options of `runstrong plan`, as plain values (strings as a user types them)."""

    athlete: str = DEFAULT_ATHLETE
    level: str = DEFAULT_LEVEL
    new_to_strength: bool = False
    equipment: str = DEFAULT_EQUIPMENT  # comma list, or "none"
    weights: tuple[str, ...] = ()  # "dumbbell:4,6,8,10" items, as --weights (repeatable)
    start_weights: tuple[str, ...] = ()  # "romanian-deadlift:10", as --start-weight (repeatable)
    sessions: int | None = None  # None: the level's default
    minutes: int = DEFAULT_MINUTES
    start_time: str = DEFAULT_TIME  # HH:MM
    gap: int = DEFAULT_GAP_MINUTES  # minutes from a run's end to a session after it
    tz: str | None = None  # None: the calendar's own zone, else this machine's
    start: str | None = None  # YYYY-MM-DD, for a CSV with a 'day' column
    date_range: str | None = None  # calendar input only: START..END
    keyword_maps: tuple[str, ...] = ()  # calendar input only: KEYWORD=TYPE
    prefer: str | None = None  # e.g. "Tue,Fri"
    avoid: str | None = None
    deload_every: int | None = DEFAULT_DELOAD_EVERY  # None: step-backs follow the running
    races: tuple[str, ...] = ()  # goal race dates YYYY-MM-DD, as --race (repeatable)
    race_week: str = DEFAULT_RACE_WEEK  # "light" | "none", as --race-week
    alarm: int | None = None  # minutes before each session
    with_runs: bool = False
    niggles: tuple[str, ...] = ()  # "knee", "back"…, as --niggle (repeatable)
    exclude: tuple[str, ...] = ()  # catalog ids, as --exclude (repeatable)


@dataclass(frozen=True)
class PlanRequest:
    runs: bytes
    runs_name: str = "runs.csv"  # shown in messages only
    kind: RunsKind | None = None  # None: by the name's extension, else by content
    options: PlanOptions = field(default_factory=PlanOptions)
    previous: dict[str, Any] | None = None  # a plan JSON dict (see render_json), "done" marks
    catalog: Catalog | None = None
    # A file on disk (the CLI): read in place and named in full in messages, with no upload
    # size limit; `runs` is then unused.
    path: Path | None = None
    previous_name: str = "previous plan"  # what messages call the previous plan
    # What the interface itself noticed about the runs (the web grid's week moved to its
    # Monday), reported with the readers' warnings.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A request read and checked, before the solver runs."""

    request: PlanRequest
    profile: Profile
    runs: tuple  # tuple[Run, ...]
    mapped: tuple[tuple[str, str, tuple[int, ...]], ...]
    reader_warnings: tuple[str, ...]
    from_calendar: bool
    catalog: Catalog
    window: tuple[date, date] | None = None  # the days the input covers (RunsInput.window)
    zone_note: str | None = None  # the zone fell back to this machine's UTC

    @property
    def first_monday(self) -> date:
        from planner.domain import monday_of

        return monday_of(min(run.date for run in self.runs))


@dataclass(frozen=True)
class PlanOutcome:
    plan: Plan
    impossible: tuple  # tuple[tuple[date, Diagnosis], ...]: weeks where nothing fits
    warnings: tuple[str, ...]  # as the CLI prints them after "warning: "
    notes: tuple[str, ...]  # as the CLI prints them after "note: "
    from_calendar: bool
    solve_seconds: float = 0.0
    alarm: Any = None  # the options' --alarm, for the calendar files
    with_runs: bool = False

    @cached_property
    def files(self) -> dict[str, bytes]:
        """"plan.ics" (+ "plan-2.ics"…), "plan.json", "report.txt", rendered on first use:
        the CLI renders its own calendar (it merges with the files it replaces), so it
        never pays for these."""
        from planner.renderers import ics as render_ics
        from planner.renderers.json_plan import render_json
        from planner.renderers.terminal import plan_report

        parts = render_ics.render_ics_files(
            self.plan, alarm_minutes=self.alarm, with_runs=self.with_runs,
            max_events=render_ics.MAX_EVENTS_PER_FILE, max_bytes=render_ics.MAX_BYTES_PER_FILE)
        files = {"plan.ics": parts[0]}
        files.update({f"plan-{n}.ics": part for n, part in enumerate(parts[1:], start=2)})
        files["plan.json"] = render_json(self.plan)
        files["report.txt"] = (plan_report(self.plan, show_labels=self.from_calendar)
                               + "\n").encode("utf-8")
        return files

    @property
    def ics(self) -> bytes:
        return self.files["plan.ics"]

    @property
    def json(self) -> bytes:
        return self.files["plan.json"]

    @property
    def report(self) -> str:
        return self.files["report.txt"].decode("utf-8")


# ---- option checks ----------------------------------------------------------------------


def check_int(value: Any, bounds: tuple[int, int], field: str) -> int:
    """A whole number within `bounds`, or the InputError the CLI's IntRange would give."""
    low, high = bounds
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InputError(f"'{value}' is not a whole number", field=field) from None
    if not low <= number <= high:
        raise InputError(f"{number} is not in the range {low}<=x<={high}", field=field)
    return number


def parse_start(value: str | None, field: str = "--start") -> date | None:
    from planner.readers.spans import check_date_bounds

    if value is None or not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"'{value}' is not a date (YYYY-MM-DD)", field=field) from None
    return check_date_bounds(day, field=field)


def build_profile(options: PlanOptions, tz: str | None) -> Profile:
    from planner.readers.options import (
        parse_clock,
        parse_days,
        parse_equipment,
        parse_level,
        parse_niggles,
        parse_start_weights,
        parse_weights,
    )
    from planner.readers.time_zones import parse_timezone

    owned_weights = parse_weights(tuple(options.weights))
    athlete = " ".join(options.athlete.split())[:ATHLETE_NAME_MAX] or DEFAULT_ATHLETE
    sessions = (None if options.sessions is None
                else check_int(options.sessions, SESSIONS_RANGE, "--sessions"))
    return Profile(
        athlete=athlete, level=parse_level(options.level),
        new_to_strength=bool(options.new_to_strength),
        equipment=parse_equipment(options.equipment) | {item for item, _ in owned_weights},
        weights=owned_weights, start_weights=parse_start_weights(tuple(options.start_weights)),
        sessions=sessions,
        minutes=check_int(options.minutes, MINUTES_RANGE, "--minutes"),
        start_time=parse_clock(options.start_time, field="--time"), tz=parse_timezone(tz),
        gap_minutes=check_int(options.gap, GAP_RANGE, "--gap"),
        prefer_days=parse_days(options.prefer, field="--prefer"),
        avoid_days=parse_days(options.avoid, field="--avoid"),
        deload_every=(None if options.deload_every in (None, "")
                      else check_int(options.deload_every, DELOAD_RANGE, "--deload-every")),
        races=parse_races(options.races), race_week=parse_race_week(options.race_week),
        niggles=parse_niggles(tuple(options.niggles)))


def parse_races(values: Sequence[str], field: str = "--race") -> tuple[date, ...]:
    """Goal race dates: each YYYY-MM-DD; a value may hold several, separated by spaces,
    commas or ';' (a roster cell, a form field)."""
    days = {parse_start(part, field) for value in values
            for part in re.split(r"[\s,;]+", str(value)) if part}
    return tuple(sorted(day for day in days if day is not None))


def parse_race_week(value: str, field: str = "--race-week") -> str:
    word = str(value).strip().lower()
    if word not in RACE_WEEK_CHOICES:
        raise InputError(f"'{value}' is not one of: {', '.join(RACE_WEEK_CHOICES)}",
                         field=field)
    return word


def check_start_weights(profile: Profile, catalog: Catalog,
                        field: str = "--start-weight") -> None:
    """Each --start-weight names a loaded lift of the catalog and a weight the runner owns."""
    from planner.planning.progression import start_weight_problem

    by_id = catalog.by_id()
    for exercise_id, kg in profile.start_weights:
        exercise = by_id.get(exercise_id)
        if exercise is None:
            raise InputError(f"unknown exercise {shown_value(exercise_id)}: use an id that "
                             "`runstrong catalog` lists, e.g. romanian-deadlift", field=field)
        problem = start_weight_problem(exercise, kg, profile)
        if problem:
            raise InputError(problem, field=field)


# ---- temporary files --------------------------------------------------------------------


@contextmanager
def upload_file(data: bytes, suffix: str) -> Iterator[str]:
    """`data` in a fresh private temporary file named by the OS; removed afterwards."""
    handle, path = tempfile.mkstemp(prefix="runstrong-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        yield path
    finally:
        with suppress(OSError):
            os.unlink(path)


def rename_source(err: InputError, path: str, shown: str) -> InputError:
    """The same error, naming the user's file instead of the temporary one."""
    file = shown if err.file == path else err.file
    return InputError(err.message.replace(path, shown), file=file, row=err.row, field=err.field)


def display_name(name: str | None, default: str = "runs.csv") -> str:
    """A file name fit for messages: the last path part, printable, at most 80 characters."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text[:80] or default


def is_calendar(data: bytes, name: str, kind: RunsKind | None) -> bool:
    from planner.readers.runs_ics import CALENDAR_EXTENSIONS

    if kind is not None:
        return kind == "ics"
    if Path(name).suffix.lower() in CALENDAR_EXTENSIONS:
        return True
    return data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"


# ---- the pipeline -----------------------------------------------------------------------


def prepare(request: PlanRequest) -> Prepared:
    """Read and check the runs and options (no solver): InputError on anything wrong."""
    from planner.readers.catalog import load_catalog
    from planner.readers.ics_events import parse_keyword_map
    from planner.readers.runs_csv import load_runs
    from planner.readers.runs_ics import calendar_timezone, is_calendar_file, load_runs_ics
    from planner.readers.spans import parse_range

    options = request.options
    if request.path is not None:
        shown = str(request.path)
        from_calendar = (request.kind == "ics" if request.kind is not None
                         else is_calendar_file(request.path))
    else:
        shown = display_name(request.runs_name)
        if len(request.runs) > MAX_RUNS_BYTES:
            raise InputError(f"the file is {len(request.runs):,} bytes; the most is "
                             f"{MAX_RUNS_BYTES:,}", file=shown)
        from_calendar = is_calendar(request.runs, shown, request.kind)
    if not from_calendar:
        for given, option in ((options.date_range, "--range"), (options.keyword_maps, "--map")):
            if given:
                raise InputError(f"{option} is for a calendar (.ics) file; {shown} is read as a "
                                 "runs CSV", field=option)
    elif options.start:
        raise InputError("--start is for a runs CSV with a 'day' column; a calendar has dates",
                         field="--start")
    source = (nullcontext(str(request.path)) if request.path is not None
              else upload_file(request.runs, ".ics" if from_calendar else ".csv"))
    with source as path:
        try:
            tz = options.tz
            if tz is None and from_calendar:
                tz = calendar_timezone(path)
            profile = build_profile(options, tz)
            catalog = request.catalog or load_catalog()
            if options.exclude:
                from dataclasses import replace

                from planner.readers.options import parse_exclude

                profile = replace(profile, exclude=parse_exclude(
                    tuple(options.exclude), set(catalog.by_id())))
            check_start_weights(profile, catalog)
            if from_calendar:
                runs_input = load_runs_ics(path, range_=parse_range(options.date_range),
                                           keyword_map=parse_keyword_map(options.keyword_maps),
                                           default_tz=profile.tz)
            else:
                runs_input = load_runs(path, start=parse_start(options.start))
        except InputError as err:
            raise rename_source(err, path, shown) from None
    from planner.renderers.calendar_files import machine_zone_note

    if profile.races:
        from planner.planning.season import check_named_races

        check_named_races(runs_input.runs, profile.races, field="--race", file=shown)
    return Prepared(request, profile, runs_input.runs, runs_input.mapped,
                    (*request.notes, *(w.replace(path, shown) for w in runs_input.warnings)),
                    from_calendar, catalog, runs_input.window,
                    machine_zone_note(profile.tz) if tz is None else None)


def mapped_notes(prepared: Prepared) -> tuple[str, ...]:
    notes = []
    for label, kind, rows in prepared.mapped:
        if prepared.from_calendar:
            days = sorted({prepared.runs[row - 1].date.isoformat() for row in rows})
            shown = ", ".join(days[:3]) + (f" +{len(days) - 3} more" if len(days) > 3 else "")
            notes.append(f"'{label}' read as {kind} ({shown})")
        else:
            notes.append(f"'{label}' read as {kind} ({rows_phrase(list(rows))})")
    return tuple(notes)


def no_plan_message(impossible: Sequence) -> str:
    lines = ["no plan satisfies the hard rules."]
    shown = 6  # a block of 104 impossible weeks must not flood the page
    for monday, diagnosis in impossible[:shown]:
        rules = ", ".join(diagnosis.conflict) or "the week's days"
        lines.append(f"Week of {monday.isoformat()}: not even one session fits; "
                     f"conflicting rules: {rules}")
        lines.extend(f"  {line}" for line in diagnosis.suggestions)
    if len(impossible) > shown:
        lines.append(f"… and {len(impossible) - shown} more weeks where no session fits.")
    return "\n".join(lines)


@dataclass(frozen=True)
class Planned:
    """A block planned, before any file is rendered."""

    plan: Plan
    impossible: tuple  # tuple[tuple[date, Diagnosis], ...]: weeks where nothing fits
    warnings: tuple[str, ...]
    solve_seconds: float


def plan_runs(runs: Sequence[Run], profile: Profile, catalog: Catalog, *,
              carry: Carry | None = None, window: tuple[date, date] | None = None,
              reader_warnings: Sequence[str] = (), notes: Sequence[str] = ()) -> Planned:
    """The planning step every interface shares (plan, batch, the web page): the block,
    the warnings a runner must read, and NoPlanError when no week holds a session."""
    from planner.solving.block import plan_block
    from planner.solving.niggle_notes import unfillable_slots, with_niggle_why

    result = plan_block(runs, profile, catalog.exercises, carry, window=window)
    result = replace(result, plan=with_niggle_why(result.plan))
    warnings = list(reader_warnings)
    warnings.extend(unfillable_slots(profile, catalog.exercises))
    if result.empty_weeks:
        shown = ", ".join(day.isoformat() for day in result.empty_weeks[:6])
        more = f" +{len(result.empty_weeks) - 6} more" if len(result.empty_weeks) > 6 else ""
        warnings.append(f"no runs in the week(s) of {shown}{more}: nothing planned there "
                        "(a date typo? add the week's runs, or rest rows, to plan it)")
    if result.impossible and not any(w.sessions for w in result.plan.weeks):
        raise NoPlanError(no_plan_message(result.impossible), tuple(warnings), tuple(notes),
                          result.impossible)
    for monday, diagnosis in result.impossible:
        warnings.append(f"week of {monday.isoformat()} holds no session "
                        f"({', '.join(diagnosis.conflict) or 'no free day'}); see its notes")
    return Planned(result.plan, result.impossible, tuple(warnings), result.solve_seconds)


def plan_prepared(prepared: Prepared, previous: dict[str, Any] | None = None) -> PlanOutcome:
    """Solve; the outcome renders its files when they are first asked for."""
    from planner.solving.previous import read_previous, with_logged_why

    options = prepared.request.options
    if options.alarm is not None:
        check_int(options.alarm, ALARM_RANGE, "--alarm")
    carry, logged = (read_previous(previous, prepared.catalog.by_id(),
                                   name=prepared.request.previous_name,
                                   profile=prepared.profile)
                     if previous else (None, {}))
    notes = mapped_notes(prepared)
    planned = plan_runs(prepared.runs, prepared.profile, prepared.catalog, carry=carry,
                        window=prepared.window, reader_warnings=prepared.reader_warnings,
                        notes=notes)
    if prepared.zone_note:
        notes = (prepared.zone_note.removeprefix("note: "), *notes)
    from planner.solving.niggle_notes import niggle_notes

    planned_families = frozenset(item.exercise.family_no for week in planned.plan.weeks
                                 for session in week.sessions for item in session.exercises)
    notes = (*notes, *niggle_notes(prepared.profile, planned_families))
    return PlanOutcome(with_logged_why(planned.plan, logged), planned.impossible,
                       planned.warnings, notes, prepared.from_calendar,
                       planned.solve_seconds, options.alarm, options.with_runs)


def run_plan(request: PlanRequest) -> PlanOutcome:
    """The whole path: read, check, plan, render. Raises InputError or NoPlanError."""
    return plan_prepared(prepare(request), request.previous)


# ---- helpers for forms ------------------------------------------------------------------


def week_csv(monday: date, days: Sequence[tuple[str, str, str]]) -> bytes:
    """A runs CSV from a typed 7-day grid: per day (run type, minutes, HH:MM), '' = none.

    The cells go through the same reader as an uploaded file, so its checks and messages
    (rows 2..8 are Monday..Sunday) apply.
    """
    import csv
    import io
    from datetime import timedelta

    from planner.readers.spans import check_date_bounds

    # Bound the whole week before any arithmetic: a Monday near 9999-12-31 would overflow
    # date() on its Sunday, and the week's last day must be a date the planner plans in.
    check_date_bounds(monday, field="week start")
    check_date_bounds(monday + timedelta(days=max(len(days) - 1, 0)), field="week start")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("date", "run", "minutes", "time"))
    for offset, (kind, minutes, clock) in enumerate(days):
        kind = kind.strip()
        writer.writerow(((monday + timedelta(days=offset)).isoformat(), kind or "rest",
                         minutes.strip() if kind else "", clock.strip() if kind else ""))
    return out.getvalue().encode("utf-8")


def options_from_profile(profile: Profile) -> dict[str, Any]:
    """A profile as the plain values a form (or PlanOptions) takes."""
    from planner.domain import WEEKDAYS

    return {
        "athlete": profile.athlete, "level": profile.level,
        "new_to_strength": profile.new_to_strength,
        "equipment": ",".join(sorted(profile.equipment)) or "none",
        "weights": ";".join(f"{item}:{','.join(f'{kg:g}' for kg in kgs)}"
                            for item, kgs in profile.weights),
        "start_weights": ";".join(f"{name}:{kg:g}" for name, kg in profile.start_weights),
        "sessions": profile.sessions, "minutes": profile.minutes,
        "start_time": profile.start_time.strftime("%H:%M"), "tz": profile.tz,
        "gap": profile.gap_minutes,
        "prefer": ",".join(WEEKDAYS[d] for d in sorted(profile.prefer_days)) or None,
        "avoid": ",".join(WEEKDAYS[d] for d in sorted(profile.avoid_days)) or None,
        "deload_every": profile.deload_every,
        "niggles": sorted(profile.niggles), "exclude": sorted(profile.exclude),
        "race": " ".join(day.isoformat() for day in profile.races),
        "race_week": profile.race_week,
    }
