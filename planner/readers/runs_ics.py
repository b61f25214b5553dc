"""Read a runner's calendar (.ics) as runs: Google, Apple, Outlook, TrainingPeaks or Runna.

`load_runs_ics` returns the same `RunsInput` as the runs CSV reader, so the rest of the
program cannot tell where the runs came from. What it does, in order:

1. Parse the file with icalendar (several VCALENDARs in one file are read one after the
   other). Anything that is not an iCalendar file is an `InputError` naming the file.
2. Expand recurring events (RRULE, RDATE, EXDATE, moved or cancelled occurrences; bounded
   first, see `planner.readers.ics_recurrence`) with `recurring-ical-events`, which also
   applies Google's ``X-WR-TIMEZONE``: UTC and floating times of such an export are read
   in that zone, as Google shows them. Floating times in a
   calendar without ``X-WR-TIMEZONE`` are read in `default_tz`.
   The range is `range_` when given; otherwise the weeks spanned by the one-off (not
   recurring) runs, or 16 weeks from the first occurrence when every run recurs (a warning
   says so).
3. Classify each occurrence from its text (`planner.readers.ics_events.classify_event`):
   the user's `keyword_map` first, then a summary that is a whole run label ("Off"), then
   the running words of `planner.readers.run_words` (the runs CSV's vocabulary too), most
   specific first. SUMMARY decides; CATEGORIES
   are read when the summary has no specific word; DESCRIPTION may refine an event that
   already looks like a run ("Morning run" + "6 x 800 m intervals") but never turns a
   dentist appointment into a run because its notes say "no running today".
   Two different types in the deciding text ("Easy run + hill strides") is ambiguous: the
   more demanding type is kept and a warning names the event. Events with no running
   word are ignored, with a warning only when they look like sport ("Yoga", "10 km").
4. runstrong's own output is recognised: strength sessions (CATEGORIES runstrong, or a
   ``<32 hex>@runstrong`` UID) are skipped so re-importing a plan does not count them as
   runs; run events written by ``plan --with-runs`` (CATEGORIES runstrong-runs, or a
   ``run-<hex>@runstrong`` UID) are read back exactly from their summary
   ("Sunday long run · long · 110 min").

Times: a timed event gives `Run.time`, its local start converted to `default_tz` (and the
date is the date there), and `Run.minutes` = DTEND - DTSTART in elapsed minutes. An all-day
event gives no time; its minutes come from the summary when it says so ("Long run 110 min").

`RunsInput.mapped` lists every distinct summary and the type it became; for a calendar its
"rows" are 1-based positions in `RunsInput.runs` (a calendar has no rows).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from planner.domain import Run, monday_of
from planner.errors import InputError
from planner.readers.ics_events import (
    Classification,
    all_day_span,
    classify_cached,
    comparable,
    elapsed_minutes,
    event_field,
    event_run_kind,
    event_text,
    event_texts,
    floating_zone,
    is_own_strength,
    local_start,
    minutes_in_text,
    own_run,
    quoted,
    short_error,
)
from planner.readers.ics_recurrence import bound_recurrence, check_expansion, expand
from planner.readers.runs_csv import RunsInput
from planner.readers.spans import (
    DATE_MAX,
    DATE_MIN,
    check_date_bounds,
    check_gaps,
    check_span,
)
from planner.readers.time_zones import zone_or_none

CALENDAR_EXTENSIONS: tuple[str, ...] = (".ics", ".ical", ".icalendar", ".ifb")
DEFAULT_WEEKS = 16  # how far recurring runs are expanded when nothing else bounds them
# Parsing is the slow part of a big calendar (about 0.1 ms a line with icalendar), so the
# size is checked on the raw bytes first: a runner's training calendar is far below both.
MAX_CONTENT_LINES = 15_000
MAX_EVENTS = 1_500
_PICK_WEEKS = "pick the weeks with --range START..END"
_VEVENT_RE = re.compile(rb"^BEGIN:VEVENT\s*$", re.IGNORECASE | re.MULTILINE)
_DTSTART_TZID_RE = re.compile(rb"^DTSTART;(?:[^:\r\n]*;)?TZID=([^:;\r\n]+)",
                              re.IGNORECASE | re.MULTILINE)
_X_WR_TIMEZONE_RE = re.compile(rb"^X-WR-TIMEZONE[;:][^\r\n]*?([^:;\r\n]+)\s*$",
                               re.IGNORECASE | re.MULTILINE)


def is_calendar_file(path: str | Path) -> bool:
    """By extension (.ics, .ical…), else by content starting with BEGIN:VCALENDAR."""
    if Path(path).suffix.lower() in CALENDAR_EXTENSIONS:
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except (OSError, ValueError):
        return False
    return _starts_like_calendar(head)


def calendar_timezone(path: str | Path) -> str | None:
    """The calendar's own zone (X-WR-TIMEZONE, as Google exports it) if it names a real one."""
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError):
        return None
    found = _X_WR_TIMEZONE_RE.search(data[:200_000])
    if found:
        name = found.group(1).decode("utf-8", "replace").strip()
        if zone_or_none(name) is not None:
            return name
    # No (usable) X-WR-TIMEZONE: the IANA zone most event starts are written in.
    counts: dict[str, int] = {}
    for raw in _DTSTART_TZID_RE.findall(data):
        name = raw.decode("utf-8", "replace").strip().strip('"')
        counts[name] = counts.get(name, 0) + 1
    for name, _ in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])):
        if "/" in name and zone_or_none(name) is not None:
            return name
    return None


# --------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class _Occurrence:
    summary: str
    day: date
    run: Run | None  # None: not a run
    classification: Classification
    own_strength: bool = False
    days: int = 1  # an all-day event over several days is counted on its first


def load_runs_ics(path: str | Path, *, range_: tuple[date, date] | None,
                  keyword_map: Mapping[str, str], default_tz: str) -> RunsInput:
    """Read the runs of a calendar file; see the module docs. Raises InputError only."""
    source = str(path)
    zone = zone_or_none(default_tz)
    if zone is None:
        raise InputError(f"unknown time zone {default_tz!r}", field="--tz")
    calendars = _parse(source)
    warnings: list[str] = []
    for calendar in calendars:
        _drop_bad_x_wr_timezone(calendar, warnings)
        warnings.extend(_unknown_tzids(calendar, zone))
        warnings.extend(_drop_backwards_ends(calendar, zone))
        warnings.extend(bound_recurrence(calendar))

    if range_ is None:
        first, last = _default_range(calendars, source, zone, keyword_map, warnings)
        check_span(first, last, fix=_PICK_WEEKS, file=source)
    else:
        first, last = range_
    # Runs in the whole weeks around the range, and on the Monday after, inform the rules
    # (H1 sees the long run the day after the range) but get no session.
    around = (max(DATE_MIN, monday_of(first)),
              min(DATE_MAX, monday_of(last) + timedelta(days=7)))
    check_expansion(calendars, source, zone, *around)
    occurrences = [
        occurrence
        for calendar in calendars
        for occurrence in _occurrences(calendar, source, zone, *around, keyword_map)
    ]
    inside = [item for item in occurrences if first <= item.day <= last]
    if not any(item.run is not None for item in inside):
        span = f"between {first.isoformat()} and {last.isoformat()}"
        raise InputError(f"no runs {span}: no event there reads as a run (use --map "
                         "'keyword=type' for your own words, or --range for other weeks)",
                         file=source)
    run_days = [item.day for item in inside if item.run is not None]
    check_span(min(run_days), max(run_days), fix=_PICK_WEEKS, file=source)
    if range_ is None:
        check_gaps(run_days, typo_in="an event's date",
                   fix="Pick the weeks to plan with --range START..END", file=source)
    warnings.extend(_event_warnings(inside))
    runs = [item for item in occurrences if item.run is not None]

    ordered = sorted(runs, key=lambda item: (item.day, item.run.time or time(0), item.summary))
    mapped: dict[tuple[str, str], list[int]] = {}
    for position, item in enumerate(ordered, start=1):
        assert item.run is not None
        if item.classification.via != "runstrong":  # our own run events say their type
            mapped.setdefault((item.summary, item.run.kind), []).append(position)
    return RunsInput(
        path=source,
        runs=tuple(item.run for item in ordered if item.run is not None),
        mapped=tuple(sorted((label, kind, tuple(rows)) for (label, kind), rows in mapped.items())),
        warnings=tuple(warnings),
        window=(first, last),
    )


def _parse(source: str) -> list:
    from icalendar import Calendar

    try:
        data = Path(source).read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=source) from None
    except IsADirectoryError:
        raise InputError("not a file (a folder?): give the path of a .ics file",
                         file=source) from None
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read the file: {err}", file=source) from err
    if not _starts_like_calendar(data):
        raise InputError("not an iCalendar file: it does not start with BEGIN:VCALENDAR "
                         "(export the calendar as .ics, or give a runs CSV)", file=source)
    _check_size(data, source)
    try:
        calendars = Calendar.from_ical(data.lstrip(b"\xef\xbb\xbf \t\r\n"), multiple=True)
    except Exception as err:  # icalendar raises ValueError, KeyError, IndexError...
        raise InputError(f"not a valid iCalendar file: {short_error(err)}", file=source) from err
    calendars = [cal for cal in calendars if cal.name == "VCALENDAR"]
    if not calendars:
        raise InputError("not an iCalendar file: no VCALENDAR in it", file=source)
    return calendars


def _check_size(data: bytes, source: str) -> None:
    """Refuse, before parsing, a calendar too big to read in a few seconds."""
    lines = len(re.findall(rb"(?:\r\n|\r|\n)(?![ \t])", data)) + 1  # unfolded lines
    events = len(_VEVENT_RE.findall(data))
    if lines > MAX_CONTENT_LINES or events > MAX_EVENTS:
        raise InputError(
            f"this calendar is too big to read ({events:,} events, {lines:,} lines; at most "
            f"{MAX_EVENTS:,} events and {MAX_CONTENT_LINES:,} lines): export only your "
            "training calendar, or a shorter period", file=source)


def _starts_like_calendar(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:15].upper() == b"BEGIN:VCALENDAR"


def _drop_bad_x_wr_timezone(calendar, warnings: list[str]) -> None:
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    if name and zone_or_none(name) is None:
        warnings.append(f"ignored X-WR-TIMEZONE {name!r}: not a time zone this machine knows")
        del calendar["X-WR-TIMEZONE"]


def _unknown_tzids(calendar, zone: tzinfo) -> list[str]:
    """A TZID that is neither an IANA/Windows zone nor defined by a VTIMEZONE leaves the
    time floating (icalendar gives a naive datetime): say how it is read."""
    floating = floating_zone(calendar, zone)
    unknown: dict[str, str] = {}
    for event in calendar.walk("VEVENT"):
        start = event.get("DTSTART")
        try:
            tzid = start.params.get("TZID") if start is not None else None
            naive = isinstance(start.dt, datetime) and start.dt.tzinfo is None
        except Exception:  # reported with the event when it is read
            continue
        if tzid and naive:
            unknown.setdefault(str(tzid), event_text(event, "SUMMARY"))
    return [f"unknown time zone {name!r} (in {quoted(summary)}): its times are read as "
            f"{getattr(floating, 'key', floating)} time" for name, summary in unknown.items()]


def _drop_backwards_ends(calendar, zone: tzinfo) -> list[str]:
    """An event whose DTEND is before its DTSTART is read by its DTSTART alone (the
    expansion library would otherwise swap them and move the run to the earlier day)."""
    lines = []
    floating = floating_zone(calendar, zone)
    for event in calendar.walk("VEVENT"):
        try:
            start, end = event["DTSTART"].dt, event["DTEND"].dt
            backwards = comparable(end, floating) < comparable(start, floating)
        except Exception:  # no DTEND, or one that is reported when the event is read
            continue
        if backwards:
            del event["DTEND"]
            lines.append(f"{quoted(event_text(event, 'SUMMARY'))} ends before it starts (DTEND "
                         "before DTSTART): read on the day it starts")
    return lines


def _default_range(calendars: list, source: str, zone: tzinfo, keyword_map: Mapping[str, str],
                   warnings: list[str]) -> tuple[date, date]:
    """Whole weeks around the one-off runs; else 16 weeks from the first recurring run."""
    one_off: list[date] = []
    series: list[date] = []
    for calendar in calendars:
        floating = floating_zone(calendar, zone)
        for event in calendar.walk("VEVENT"):
            if "DTSTART" not in event or "RECURRENCE-ID" in event:
                continue
            try:
                day = local_start(event["DTSTART"].dt, floating, zone)[0]
            except Exception:  # reported with the event's name when it is expanded
                continue
            if event_run_kind(event, keyword_map) is None:
                continue
            check_date_bounds(day, file=source, field=event_field(event))
            (series if ("RRULE" in event or "RDATE" in event) else one_off).append(day)
    if one_off:
        return monday_of(min(one_off)), monday_of(max(one_off)) + timedelta(days=6)
    if series:
        first = monday_of(min(series))
        last = first + timedelta(weeks=DEFAULT_WEEKS, days=-1)
        warnings.append(f"every run in the calendar repeats: planned {DEFAULT_WEEKS} weeks "
                        f"from {first.isoformat()} to {last.isoformat()} (use --range to choose)")
        return first, last
    raise InputError("no runs in the calendar: no event reads as a run (use --map "
                     "'keyword=type' for your own words)", file=source)


def _occurrences(calendar, source: str, zone: tzinfo, first: date, last: date,
                 keyword_map: Mapping[str, str]) -> list[_Occurrence]:
    events = expand(calendar, source, first - timedelta(days=1), last + timedelta(days=2))
    floating = floating_zone(calendar, zone)
    found: list[_Occurrence] = []
    for event in events:
        occurrence = _occurrence(event, source, zone, floating, keyword_map)
        if occurrence is not None and first <= occurrence.day <= last:
            found.append(occurrence)
    return found


def _occurrence(event, source: str, zone: tzinfo, floating: tzinfo,
                keyword_map: Mapping[str, str]) -> _Occurrence | None:
    summary = event_text(event, "SUMMARY")
    if event_text(event, "STATUS").upper() == "CANCELLED":
        return None
    try:
        start_value = event["DTSTART"].dt
        day, clock = local_start(start_value, floating, zone)
    except Exception as err:
        raise InputError(f"bad DTSTART: {short_error(err)}", file=source,
                         field=event_field(event)) from err
    if is_own_strength(event):
        return _Occurrence(summary, day, None, Classification(None), own_strength=True)
    check_date_bounds(day, file=source, field=event_field(event))

    own = own_run(event)
    if own is not None:
        title, kind, minutes = own
        label = title
        classification = Classification(kind, via="runstrong")
    else:
        summary_text, description, categories = event_texts(event)
        classification = classify_cached(summary_text, description, tuple(categories),
                                          tuple(sorted(keyword_map.items())))
        kind = classification.kind
        title = label = summary
        minutes = None
    if kind is None:
        return _Occurrence(summary, day, None, classification)
    try:
        if clock is None and own is None:
            minutes = minutes_in_text(summary)
        elif clock is not None and own is None:
            minutes = elapsed_minutes(event, start_value, floating)
    except Exception as err:
        raise InputError(f"bad DTEND or DURATION: {short_error(err)}", file=source,
                         field=event_field(event)) from err
    run = Run(date=day, kind=kind, minutes=minutes, time=clock, title=title,
              source_label=label)
    return _Occurrence(summary, day, run, classification, days=all_day_span(event))


def _event_warnings(occurrences: list[_Occurrence]) -> list[str]:
    """One line per summary: ambiguous ones, ignored sporty ones, and our own sessions."""
    ambiguous: dict[tuple[str, tuple[str, ...]], list[date]] = {}
    ignored: dict[str, list[date]] = {}
    long_events: dict[tuple[str, int], list[date]] = {}
    own = 0
    for item in occurrences:
        if item.own_strength:
            own += 1
            continue
        if item.run is not None and item.classification.found:
            ambiguous.setdefault((item.summary, item.classification.found), []).append(item.day)
        elif item.run is None and item.classification.sporty:
            ignored.setdefault(item.summary, []).append(item.day)
        if item.run is not None and item.days > 1:
            long_events.setdefault((item.summary, item.days), []).append(item.day)
    lines: list[str] = []
    for (summary, kinds), days in sorted(ambiguous.items(), key=lambda pair: min(pair[1])):
        keyword = summary.casefold()
        lines.append(
            f"ambiguous: {quoted(summary)} on {_days(days)} names {' and '.join(kinds)}; read as "
            f"{kinds[0]} (the more demanding); to choose, --map {quoted(f'{keyword}={kinds[-1]}')}"
        )
    for summary, days in sorted(ignored.items(), key=lambda pair: min(pair[1])):
        lines.append(f"ignored: {quoted(summary)} on {_days(days)}: not a run (if it is one, "
                     f"--map {quoted(f'{summary.casefold()}=easy')})")
    for (summary, days), starts in sorted(long_events.items(), key=lambda pair: min(pair[1])):
        lines.append(f"{quoted(summary)} on {_days(starts)} lasts {days} days: counted as one "
                     "run on its first day")
    if own:
        noun = "session" if own == 1 else "sessions"
        lines.append(f"ignored {own} runstrong strength {noun} already in the calendar")
    return lines


def _days(days: list[date]) -> str:
    ordered = sorted(set(days))
    shown = ", ".join(day.isoformat() for day in ordered[:3])
    return shown + (f" (+{len(ordered) - 3} more)" if len(ordered) > 3 else "")


