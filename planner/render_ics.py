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
  ``DTSTART;TZID=<key>:<local time>`` and `Calendar.add_missing_timezones()` builds a
  VTIMEZONE whose TZID is the same zoneinfo key, placed before the events.
  UTC-equivalent zones ("UTC", "Etc/UTC", "GMT", ...) are written as ``...Z`` times
  and get no VTIMEZONE (see `_add_timezones`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event

from planner.domain import (
    REPS_IN_RESERVE,
    SAFETY_LINE,
    Plan,
    PlannedExercise,
    Session,
    WeekPlan,
)
from planner.errors import InputError

UID_DOMAIN = "runstrong"
# Fixed tag in the UID seed: one strength session per athlete per day. If another
# kind of event is ever exported, it gets its own tag so the UIDs cannot collide.
UID_TAG = "strength"
CATEGORIES: tuple[str, ...] = ("Strength", "runstrong")
WARMUP_TEXT = (
    "5–8 minutes of easy movement (brisk walk, light jog, bike or dynamic mobility), "
    "then drills: bodyweight squats, hip hinges, glute bridges, calf raises, "
    "lateral band walks; 1–2 lighter practice sets before the first loaded exercise."
)


def render_ics(plan: Plan, *, alarm_minutes: int | None = None) -> bytes:
    """Return the plan's strength sessions as a UTF-8, CRLF, folded .ics file.

    `alarm_minutes` adds a display reminder that many minutes before each session.
    """
    _check_alarm(alarm_minutes)
    tz = _zone(plan.tz)
    calendar = _new_calendar(plan)
    entries = _sessions_in_order(plan)
    dtstamp = _dtstamp(plan)
    for week, session in entries:
        calendar.add_component(
            _event(plan.athlete, week, session, tz, dtstamp, alarm_minutes)
        )
    _add_timezones(calendar, [session.date for _, session in entries])
    return calendar.to_ical()


def session_uid(athlete: str, session: Session) -> str:
    """UID from who and which day only, never from content.

    Re-planning a day (other exercises, time or length) keeps its UID, so a calendar
    re-import replaces the event instead of adding a second one. The athlete name is
    NFC-normalised, trimmed and case-folded so "Anna " and "anna" are one person and a
    composed/decomposed "é" does not fork the UID.
    """
    who = unicodedata.normalize("NFC", athlete).strip().casefold()
    seed = f"{who}\x1f{session.date.isoformat()}\x1f{UID_TAG}"
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


# --- calendar ----------------------------------------------------------------------


def _runstrong_version() -> str:
    try:
        return importlib.metadata.version("runstrong")
    except importlib.metadata.PackageNotFoundError:
        # Running from a source tree that was never installed.
        return "0"


def _new_calendar(plan: Plan) -> Calendar:
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", f"-//runstrong//runstrong {_runstrong_version()}//EN")
    calendar.add("calscale", "GREGORIAN")
    # PUBLISH: a plain feed to import, not a meeting invitation that expects replies.
    calendar.add("method", "PUBLISH")
    # X-WR-*: Google names a calendar created from the import after these and uses
    # X-WR-TIMEZONE as that calendar's zone.
    calendar.add("x-wr-calname", f"runstrong – {plan.athlete} leg strength")
    calendar.add("x-wr-timezone", plan.tz)
    return calendar


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
    """Add a VTIMEZONE for each TZID the events use.

    The range is cut to the plan's years (from 1 January of the first year to
    1 January two years after the last), which keeps the VTIMEZONE to a few
    lines instead of 1970..2038 RDATE lists; it is derived from the plan, so still
    deterministic. For UTC zones icalendar writes `...Z` times and adds nothing:
    RFC 5545 "form #2" UTC times need no VTIMEZONE, every importer (Google, Outlook,
    Apple) reads them, whereas a custom "TZID=UTC" VTIMEZONE is not an IANA reference
    for all of them. The wall time is unchanged, so nothing is converted.
    """
    if not days:
        return
    calendar.add_missing_timezones(
        first_date=date(min(days).year, 1, 1),
        last_date=date(max(days).year + 2, 1, 1),
    )


# --- events ------------------------------------------------------------------------


def _event(
    athlete: str,
    week: WeekPlan,
    session: Session,
    tz: ZoneInfo,
    dtstamp: datetime,
    alarm_minutes: int | None,
) -> Event:
    start, end = _start_end(session, tz)
    summary = session_summary(session, deload=week.deload)
    event = Event()
    event.add("uid", session_uid(athlete, session))
    event.add("dtstamp", dtstamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    # SEQUENCE stays 0: the UID alone identifies the day and the content is rebuilt
    # from the plan each time, so there is no revision history to count.
    event.add("sequence", 0)
    event.add("summary", summary)
    event.add("description", session_description(session))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("categories", list(CATEGORIES))
    if alarm_minutes is not None:
        event.add_component(_alarm(summary, alarm_minutes))
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


def session_summary(session: Session, *, deload: bool = False) -> str:
    """`Leg strength · heavy · 5 exercises`, with `(deload)` after the intensity."""
    intensity = f"{session.intensity} (deload)" if deload else session.intensity
    count = len(session.exercises)
    noun = "exercise" if count == 1 else "exercises"
    return f"Leg strength · {intensity} · {count} {noun}"


def session_description(session: Session) -> str:
    """Plain-text body: why, warm-up, numbered exercises with cues, RIR, safety."""
    blocks: list[str] = []
    if session.why:
        blocks.append(session.why)
    blocks.append(f"Warm-up ({session.warmup_minutes} min): {WARMUP_TEXT}")
    blocks.append(
        "\n".join(
            _exercise_lines(number, planned)
            for number, planned in enumerate(session.exercises, start=1)
        )
    )
    blocks.append(REPS_IN_RESERVE)
    blocks.append(SAFETY_LINE)
    # Blank lines between blocks read better in Google's event view.
    return "\n\n".join(block for block in blocks if block)


def _exercise_lines(number: int, planned: PlannedExercise) -> str:
    """`1. Goblet squat — 3 × 10 reps · rest 90 s · load: moderate · tempo: ... · range`."""
    exercise = planned.exercise
    dose = planned.dose
    line = (
        f"{number}. {exercise.name} — {dose.sets} × {dose.reps} {exercise.reps_unit}"
        f" · rest {planned.rest_s} s · load: {planned.load_label}"
        f" · tempo: {planned.tempo_label} · {planned.range_label}"
    )
    if exercise.cue:
        line += f"\n   Cue: {exercise.cue}"
    return line
