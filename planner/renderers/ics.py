"""Render a `Plan` as an iCalendar (RFC 5545) file that Google Calendar can import.

Pure function of the plan: no solver import, no clock, no randomness, so the same plan
always gives byte-identical output and re-importing a re-planned week updates events
in place (stable UIDs) instead of duplicating them.

Findings about icalendar 7.3 that this module relies on (tests pin them down):

* Folding: `Component.to_ical()` folds content lines at 75 octets counting UTF-8
  bytes and only ever breaks between code points, so multibyte characters such as
  "·", "–", "×", "é" or emoji are never split; it also avoids breaking a TEXT
  backslash escape such as ``\\n``. Lines end with CRLF. No folding of our own needed.
* Time zones: an aware `datetime` with a `zoneinfo.ZoneInfo` is written as
  ``DTSTART;TZID=<key>:<local time>``; `_add_timezones` puts a VTIMEZONE whose TZID is
  the same zoneinfo key before the events (built by planner.renderers.vtimezone).
  UTC-equivalent zones ("UTC", "Etc/UTC", "GMT", ...) are written as ``...Z`` times
  and get no VTIMEZONE (see `_add_timezones`).
* vobject (and so Radicale, which parses with it) keeps the first VTIMEZONE it meets for
  a TZID for the whole process. icalendar's `add_missing_timezones` cuts the VTIMEZONE
  to a date range, so a long-running Radicale sent plans of different years placed the
  later ones an hour off in its time-range queries. Ours are whole-zone VTIMEZONEs (every
  change since 1970, open-ended current rules; planner.renderers.vtimezone), right for any year.

With `with_runs` the runs are events too: CATEGORIES "Run,runstrong-runs", TRANSP
TRANSPARENT, UIDs ``run-<32 hex>@runstrong`` (see `run_uid`), timed when the run's start
is known, else all-day (DTSTART;VALUE=DATE and the exclusive DTEND of the next day). The
summary ("Long run 22 km · long · 110 min") is what planner.readers.runs_ics reads back, so a
plan's .ics can be the input of the next plan. `render_ics_files` splits a plan over
900 events or 900 kB into several calendars by whole weeks: Google Calendar rejects
imports of about 1 MB or 1,000 events.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event
from icalendar.prop import vDuration

from planner.domain import (
    Plan,
    Run,
    Session,
    WeekPlan,
)
from planner.errors import InputError
from planner.renderers.event_text import (
    run_description,
    run_summary,
    season_line,
    session_description,
    session_summary,
)
from planner.renderers.vtimezone import vtimezone

UID_DOMAIN = "runstrong"
# Fixed tag in the UID seed: one strength session per athlete per day. If another
# kind of event is ever exported, it gets its own tag so the UIDs cannot collide.
UID_TAG = "strength"
CATEGORIES: tuple[str, ...] = ("Strength", "runstrong")
# Runs exported with `with_runs`: their own tag, UID prefix and categories, so a calendar
# (or runstrong reading the file back) never mistakes them for strength sessions.
RUN_UID_TAG = "run"
RUN_CATEGORIES: tuple[str, ...] = ("Run", "runstrong-runs")
# Every event says whose plan it belongs to, so a calendar shared by several athletes
# (a coach's) can be updated for one of them without touching the others'.
ATHLETE_PROPERTY = "X-RUNSTRONG-ATHLETE"
RUN_DEFAULT_MINUTES = 60  # calendar length of a timed run whose length is not known
# Google Calendar rejects imports over about 1 MB or 1,000 events; stay under both.
MAX_EVENTS_PER_FILE = 900
MAX_BYTES_PER_FILE = 900_000


@dataclass(frozen=True)
class Revision:
    """Where one event (by UID) stands in its history: written as SEQUENCE, DTSTAMP and
    LAST-MODIFIED. Without one an event is SEQUENCE 0 with the plan's fixed DTSTAMP and
    no LAST-MODIFIED (see `_dtstamp`)."""

    sequence: int
    stamp: datetime  # aware; written in UTC, whole seconds
    last_modified: bool = True  # also write the stamp as LAST-MODIFIED

    def __post_init__(self) -> None:
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int) \
                or self.sequence < 0:
            raise ValueError("sequence must be an int >= 0")
        if self.stamp.tzinfo is None:
            raise ValueError("stamp must be an aware datetime")


@dataclass(frozen=True)
class ExtraEvent:
    """An event the plan itself does not make (a cancellation of a dropped session), placed
    in date order among the plan's events. `day` is its local date."""

    day: date
    event: Event


Revisions = Mapping[str, Revision]


def render_ics(plan: Plan, *, alarm_minutes: int | None = None,
               with_runs: bool = False, revisions: Revisions | None = None,
               extra: Sequence[ExtraEvent] = (),
               refresh: timedelta | None = None) -> bytes:
    """Return the plan's strength sessions as a UTF-8, CRLF, folded .ics file.

    `alarm_minutes` adds a display reminder that many minutes before each session.
    `with_runs` adds the plan's runs as their own events (CATEGORIES Run, free time), so
    the file holds the runner's whole week. `revisions` sets SEQUENCE, DTSTAMP and
    LAST-MODIFIED per UID (planner.renderers.feed keeps that history); `extra` adds events such as
    cancellations. `refresh` (for a subscription feed) tells subscribers how often to
    re-read it: REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL (Outlook, Apple).
    """
    _check_alarm(alarm_minutes)
    entries = _entries(plan, _zone(plan.tz), alarm_minutes, with_runs, revisions, extra)
    return _calendar_bytes(plan, entries, with_runs=with_runs, refresh=refresh)


def plan_events(plan: Plan, *, alarm_minutes: int | None = None,
                with_runs: bool = False) -> list[tuple[str, date, Event]]:
    """(UID, local day, event) of every event `render_ics` writes, in file order, each
    with SEQUENCE 0 and the plan's fixed DTSTAMP."""
    _check_alarm(alarm_minutes)
    return [(str(entry.event["UID"]), entry.day, entry.event)
            for entry in _entries(plan, _zone(plan.tz), alarm_minutes, with_runs)]


def render_ics_files(plan: Plan, *, alarm_minutes: int | None = None, with_runs: bool = False,
                     max_events: int = MAX_EVENTS_PER_FILE,
                     max_bytes: int = MAX_BYTES_PER_FILE,
                     revisions: Revisions | None = None,
                     extra: Sequence[ExtraEvent] = ()) -> list[bytes]:
    """The plan as one .ics file, or several when it is over `max_events` or `max_bytes`.

    Parts hold whole weeks, in date order; each is a complete VCALENDAR with the
    VTIMEZONE its events need, and its X-WR-CALNAME ends in " (part 2 of 3)". Within the
    limits the single file is exactly `render_ics(...)`. A single week over a limit (not
    possible with real plans: at most 7 sessions and a few runs) still makes one part.
    """
    _check_alarm(alarm_minutes)
    for name, limit in (("max_events", max_events), ("max_bytes", max_bytes)):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"{name} must be a positive int")
    entries = _entries(plan, _zone(plan.tz), alarm_minutes, with_runs, revisions, extra)
    whole = _calendar_bytes(plan, entries, with_runs=with_runs)
    if len(entries) <= max_events and len(whole) <= max_bytes:
        return [whole]
    sizes = [len(entry.event.to_ical()) for entry in entries]
    # Header, VTIMEZONE (for all the plan's years: a part's is no bigger) and footer,
    # plus room for the " (part 10 of 12)" suffix.
    overhead = len(whole) - sum(sizes) + 64
    budget = max_bytes - overhead
    while True:
        groups = _pack_weeks(entries, sizes, max_events, budget)
        parts = [
            _calendar_bytes(plan, group, with_runs=with_runs, part=(number, len(groups)))
            for number, group in enumerate(groups, start=1)
        ]
        excess = max((len(raw) - max_bytes for raw, group in zip(parts, groups, strict=True)
                      if _weeks_in(group) > 1), default=0)
        if excess <= 0:
            return parts
        budget -= excess  # the estimate was short (it never is with icalendar 7.3)


def run_uid(athlete: str, run: Run, index: int = 0) -> str:
    """UID of a run event: who, day, run type and the run's index among that day's runs
    of that type, with the tag "run"; written ``run-<32 hex>@runstrong`` so the run events
    can be told from strength sessions even where CATEGORIES are dropped."""
    who = unicodedata.normalize("NFC", athlete).strip().casefold()
    seed = f"{who}\x1f{run.date.isoformat()}\x1f{run.kind}\x1f{index}\x1f{RUN_UID_TAG}"
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"{RUN_UID_TAG}-{digest}@{UID_DOMAIN}"


def athlete_key(athlete: str) -> str:
    """The athlete name as UIDs see it: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", athlete).strip().casefold()


def session_uid(athlete: str, session: Session) -> str:
    """UID from who and which day only, never from content (the day a mid-week re-plan
    moved the session from, when it did: Session.uid_date).

    Re-planning a day (other exercises, time or length) keeps its UID, so a calendar
    re-import replaces the event instead of adding a second one. The athlete name is
    NFC-normalised, trimmed and case-folded so "Anna " and "anna" are one person and a
    composed/decomposed "é" does not fork the UID.
    """
    who = unicodedata.normalize("NFC", athlete).strip().casefold()
    day = session.uid_date or session.date  # a moved session keeps the day it left
    seed = f"{who}\x1f{day.isoformat()}\x1f{UID_TAG}"
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


# --- calendar ----------------------------------------------------------------------


def _runstrong_version() -> str:
    try:
        return importlib.metadata.version("runstrong")
    except importlib.metadata.PackageNotFoundError:
        # Running from a source tree that was never installed.
        return "0"


def _new_calendar(plan: Plan, *, with_runs: bool = False,
                  part: tuple[int, int] | None = None,
                  refresh: timedelta | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", f"-//runstrong//runstrong {_runstrong_version()}//EN")
    calendar.add("calscale", "GREGORIAN")
    # PUBLISH: a plain feed to import, not a meeting invitation that expects replies.
    calendar.add("method", "PUBLISH")
    # X-WR-*: Google names a calendar created from the import after these and uses
    # X-WR-TIMEZONE as that calendar's zone.
    what = "runs and leg strength" if with_runs else "leg strength"
    name = f"runstrong – {plan.athlete} {what}"
    if part is not None:
        name += f" (part {part[0]} of {part[1]})"
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", plan.tz)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    return calendar


@dataclass(frozen=True)
class _Entry:
    """One event of the file, with what ordering and splitting need to know."""

    key: tuple  # date order; all-day runs first, then by start time; runs before sessions
    week: date  # Monday of its week: files are split between weeks, never inside one
    day: date
    event: Event


def _entries(plan: Plan, tz: ZoneInfo, alarm_minutes: int | None, with_runs: bool,
             revisions: Revisions | None = None,
             extra: Sequence[ExtraEvent] = ()) -> list[_Entry]:
    revisions = revisions or {}
    fixed = Revision(0, _dtstamp(plan))

    def revision(uid: str) -> tuple[Revision, bool]:
        found = revisions.get(uid)
        return (found, found.last_modified) if found is not None else (fixed, False)

    entries = []
    for week, session in _sessions_in_order(plan):
        uid = session_uid(plan.athlete, session)
        entries.append(_Entry(
            key=(session.date, 1, session.start, 1), week=_monday(session.date),
            day=session.date,
            event=_event(plan.athlete, week, session, tz, *revision(uid), alarm_minutes,
                         plan.profile.equipment)))
    if with_runs:
        for index, run in _indexed_runs(plan):
            uid = run_uid(plan.athlete, run, index)
            entries.append(_Entry(
                key=(run.date, 0 if run.time is None else 1, run.time or time(0), 0, index),
                week=_monday(run.date), day=run.date,
                event=_run_event(plan.athlete, run, index, tz, *revision(uid)),
            ))
    taken = {str(entry.event["UID"]) for entry in entries}
    for added in extra:
        uid = str(added.event.get("UID", ""))
        if uid in taken:
            raise ValueError(f"event {uid} is both in the plan and added to it")
        taken.add(uid)
        start = added.event.get("DTSTART")
        clock = start.dt.time() if start is not None and isinstance(start.dt, datetime) \
            else time(0)
        entries.append(_Entry(key=(added.day, 2, clock, 2, uid), week=_monday(added.day),
                              day=added.day, event=added.event))
    # Sessions alone keep the order of _sessions_in_order (their keys tie on nothing).
    entries.sort(key=lambda entry: entry.key)
    return entries


def _add_revision(event: Event, revision: Revision, revised: bool) -> None:
    """DTSTAMP (and LAST-MODIFIED when the event has a history) in UTC, whole seconds."""
    stamp = revision.stamp.astimezone(timezone.utc).replace(microsecond=0)
    event.add("dtstamp", stamp)
    if revised:
        event.add("last-modified", stamp)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _indexed_runs(plan: Plan) -> list[tuple[int, Run]]:
    """Every run once, with its index among the same day's runs of the same type."""
    runs = sorted({run for week in plan.weeks for run in week.runs},
                  key=lambda run: (run.date, run.time or time(0), run.kind,
                                   run.minutes or 0, run.title, run.source_label))
    # A run listed in two weeks (a plan built by hand) is one event: the set above.
    counts: dict[tuple[date, str], int] = {}
    indexed = []
    for run in runs:
        index = counts.get((run.date, run.kind), 0)
        counts[(run.date, run.kind)] = index + 1
        indexed.append((index, run))
    return indexed


def _calendar_bytes(plan: Plan, entries: list[_Entry], *, with_runs: bool,
                    part: tuple[int, int] | None = None,
                    refresh: timedelta | None = None) -> bytes:
    calendar = _new_calendar(plan, with_runs=with_runs, part=part, refresh=refresh)
    for entry in entries:
        calendar.add_component(entry.event)
    _add_timezones(calendar, [entry.day for entry in entries])
    return calendar.to_ical()


def _pack_weeks(entries: list[_Entry], sizes: list[int], max_events: int,
                budget: int) -> list[list[_Entry]]:
    """Greedy: whole weeks into a part until the next week would pass a limit."""
    weeks: dict[date, list[int]] = {}
    for position, entry in enumerate(entries):
        weeks.setdefault(entry.week, []).append(position)
    groups: list[list[_Entry]] = []
    current: list[_Entry] = []
    count = size = 0
    for positions in (weeks[monday] for monday in sorted(weeks)):
        week_size = sum(sizes[position] for position in positions)
        if current and (count + len(positions) > max_events or size + week_size > budget):
            groups.append(current)
            current, count, size = [], 0, 0
        current.extend(entries[position] for position in positions)
        count += len(positions)
        size += week_size
    if current:
        groups.append(current)
    return groups


def _weeks_in(group: list[_Entry]) -> int:
    return len({entry.week for entry in group})


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {name!r}", field="tz") from exc


def _check_alarm(alarm_minutes: int | None) -> None:
    if alarm_minutes is None:
        return
    if isinstance(alarm_minutes, bool) or not isinstance(alarm_minutes, int):
        raise TypeError("alarm_minutes must be an int or None")
    if alarm_minutes < 0:
        raise ValueError("alarm_minutes must be >= 0 (minutes before the session)")


def _sessions_in_order(plan: Plan) -> list[tuple[WeekPlan, Session]]:
    """Every (week, session) pair in date order; the week tells whether it is a deload."""
    entries = sorted(
        ((week, session) for week in plan.weeks for session in week.sessions),
        key=lambda pair: (pair[1].date, pair[1].start),
    )
    _reject_duplicate_days(entries)
    return entries


def _reject_duplicate_days(entries: Iterable[tuple[WeekPlan, Session]]) -> None:
    # The UID is per day by design; two sessions on one day would share a UID and
    # one would silently overwrite the other in the calendar.
    seen: set[date] = set()
    for _, session in entries:
        if session.date in seen:
            raise ValueError(f"two strength sessions on {session.date.isoformat()}")
        seen.add(session.date)


def _dtstamp(plan: Plan) -> datetime:
    """Monday of the plan's first week, 00:00:00 UTC.

    DTSTAMP is meant to be "when this object was created"; the wall clock would make
    every render differ. The first Monday is fixed for a given plan, so output is
    byte-identical for identical input, and it is still a plausible creation time
    (the plan cannot be newer than the week it starts).
    """
    if not plan.weeks:
        return datetime(1970, 1, 5, tzinfo=timezone.utc)  # unused: no events
    first = min(week.start for week in plan.weeks)
    monday = first - timedelta(days=first.weekday())
    return datetime.combine(monday, time(0, 0), tzinfo=timezone.utc)


def _add_timezones(calendar: Calendar, days: list[date]) -> None:
    """Add a whole-zone VTIMEZONE (planner.renderers.vtimezone) for each TZID the events use.

    It is right for every date from 1970 on, with open-ended rules, not only the plan's
    years: a CalDAV server (vobject) keeps the first VTIMEZONE it sees for a TZID, so
    one cut to this plan's years would misplace the runner's other years. It depends on
    the zone only, so output stays deterministic. For UTC zones icalendar writes `...Z`
    times and adds nothing: RFC 5545 "form #2" UTC times need no VTIMEZONE, every
    importer (Google, Outlook, Apple) reads them, whereas a custom "TZID=UTC" VTIMEZONE
    is not an IANA reference for all of them. The wall time is unchanged, so nothing is
    converted.
    """
    if not days:
        return
    zones = []
    for tzid in sorted(calendar.get_missing_tzids()):
        try:
            zones.append(vtimezone(tzid))
        except (ZoneInfoNotFoundError, ValueError):
            continue  # not a zoneinfo key (an old event's own zone): nothing to add
    calendar.subcomponents[0:0] = zones


# --- events ------------------------------------------------------------------------


def _event(
    athlete: str,
    week: WeekPlan,
    session: Session,
    tz: ZoneInfo,
    revision: Revision,
    revised: bool,
    alarm_minutes: int | None,
    equipment: frozenset[str] = frozenset(),
) -> Event:
    start, end = _start_end(session, tz)
    summary = session_summary(session, deload=week.deload, phase=week.phase)
    event = Event()
    event.add("uid", session_uid(athlete, session))
    _add_revision(event, revision, revised)
    event.add("dtstart", start)
    event.add("dtend", end)
    # SEQUENCE is 0 unless planner.renderers.feed knows the event's history (a changed event
    # counts up, so clients that honour SEQUENCE replace their copy).
    event.add("sequence", revision.sequence)
    event.add("summary", summary)
    event.add("description", session_description(session, equipment=equipment,
                                                 season=season_line(week)))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("categories", list(CATEGORIES))
    event.add(ATHLETE_PROPERTY, athlete)
    if alarm_minutes is not None:
        event.add_component(_alarm(summary, alarm_minutes))
    return event


def _run_event(athlete: str, run: Run, index: int, tz: ZoneInfo, revision: Revision,
               revised: bool) -> Event:
    """A run as a calendar event: timed when its start is known, else all-day."""
    event = Event()
    event.add("uid", run_uid(athlete, run, index))
    _add_revision(event, revision, revised)
    if run.time is None:
        # All-day: DTSTART;VALUE=DATE and an exclusive DTEND, the next day (RFC 5545).
        event.add("dtstart", run.date)
        event.add("dtend", run.date + timedelta(days=1))
    else:
        start = datetime.combine(run.date, run.time.replace(tzinfo=None), tzinfo=tz)
        elapsed = start.astimezone(timezone.utc) + timedelta(
            minutes=run.minutes or RUN_DEFAULT_MINUTES)
        event.add("dtstart", start)
        event.add("dtend", elapsed.astimezone(tz))
    event.add("sequence", revision.sequence)
    event.add("summary", run_summary(run))
    event.add("description", run_description(run))
    event.add("status", "CONFIRMED")
    # TRANSPARENT: a run on the calendar does not make the runner "busy" for others.
    event.add("transp", "TRANSPARENT")
    event.add("categories", list(RUN_CATEGORIES))
    event.add(ATHLETE_PROPERTY, athlete)
    return event


def _start_end(session: Session, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local, zone-aware start; end = start + minutes of elapsed time.

    Adding a timedelta to an aware datetime in Python is wall-clock arithmetic, which
    is off by an hour when a session spans a DST jump; going through UTC is not.
    """
    start = datetime.combine(session.date, session.start.replace(tzinfo=None), tzinfo=tz)
    elapsed = start.astimezone(timezone.utc) + timedelta(minutes=session.minutes)
    return start, elapsed.astimezone(tz)


def _alarm(summary: str, alarm_minutes: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    # RFC 5545 requires DESCRIPTION in a DISPLAY alarm.
    alarm.add("description", summary)
    # icalendar writes the canonical duration: -PT15M, -PT1H30M for 90 (same value).
    alarm.add("trigger", timedelta(minutes=-alarm_minutes))
    return alarm
