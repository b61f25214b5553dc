"""Calendars that follow re-plans: the revision history of each event, by UID.

A runner re-plans every week. For a calendar to follow, each event must say whether it
changed since the client last saw it (RFC 5545 §3.8.7.4: SEQUENCE counts revisions;
DTSTAMP and LAST-MODIFIED say when). This module keeps that history as a `FeedState`, a
map UID -> `EventState`, and renders the next calendar from a plan and the previous
state:

* a session the new plan no longer has is not in the new calendar (or in the state);
* a changed session keeps its UID, gets SEQUENCE + 1 and DTSTAMP = LAST-MODIFIED = `now`;
* an unchanged session is byte-identical to the previous feed: same SEQUENCE, same stamps;
* a new session is SEQUENCE 0 stamped `now`.

"Changed" means the event's content lines differ, apart from SEQUENCE, DTSTAMP and
LAST-MODIFIED: `EventState.digest` is the SHA-256 of exactly those lines, unfolded, so it
is the same whether computed from a freshly rendered event or read back from a file
runstrong wrote (`state_from_ics`).

Pure: no web, no clock (the caller passes `now`), no files. The web app stores the state
with `feed_state_to_json`/`feed_state_from_json` next to the athlete's plan, serves the
bytes with `feed_etag` for conditional GET, and `plan --ics` rebuilds the state from the
file it replaces (`update_calendar`). A server would do::

    previous = feed_state_from_json(row.state) if row.state else None
    ics, state = render_feed(plan_from_json(row.plan), previous, datetime.now(timezone.utc))
    if state != previous:
        row.state = feed_state_to_json(state)  # keep it, or changed events re-stamp
    etag = feed_etag(ics)                      # 304 when If-None-Match has it

Rendering again with the state it returned gives the same bytes whatever `now` is, so
the ETag only moves when the plan does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from icalendar import Event

from planner.domain import Plan
from planner.renderers.ics import (
    ATHLETE_PROPERTY,
    UID_DOMAIN,
    ExtraEvent,
    Revision,
    athlete_key,
    plan_events,
    render_ics,
    render_ics_files,
    session_uid,
)

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_STAMP_RE = re.compile(r"\d{8}T\d{6}Z")
_DIGEST_RE = re.compile(r"[0-9a-f]{64}")
# Lines that record when and how often an event changed, not what it is.
_REVISION_PROPERTIES = ("SEQUENCE", "DTSTAMP", "LAST-MODIFIED")
STATE_VERSION = 1
# Asked of subscribers (REFRESH-INTERVAL, X-PUBLISHED-TTL): Apple and Outlook take it as a
# hint, Google polls on its own schedule whatever the feed says.
FEED_REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class EventState:
    """What a client last saw of one event (by UID)."""

    sequence: int
    stamp: str  # UTC 'YYYYMMDDTHHMMSSZ': DTSTAMP/LAST-MODIFIED of its last change
    digest: str  # sha256 hex of the event's content without SEQUENCE/DTSTAMP/LAST-MODIFIED

    def __post_init__(self) -> None:
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int) \
                or self.sequence < 0:
            raise ValueError(f"sequence must be an int >= 0, not {self.sequence!r}")
        if not isinstance(self.stamp, str) or not _STAMP_RE.fullmatch(self.stamp):
            raise ValueError(f"stamp must be UTC 'YYYYMMDDTHHMMSSZ', not {self.stamp!r}")
        parse_stamp(self.stamp)  # a real date and time
        if not isinstance(self.digest, str) or not _DIGEST_RE.fullmatch(self.digest):
            raise ValueError(f"digest must be 64 lowercase hex digits, not {self.digest!r}")


FeedState = dict[str, EventState]


# --- the feed ---------------------------------------------------------------------------


def render_feed(plan: Plan, previous: FeedState | None, now: datetime, *,
                alarm_minutes: int | None = None,
                with_runs: bool = False,
                done: Collection[date] = ()) -> tuple[bytes, FeedState]:
    """The plan as one .ics feed that follows `previous`, and the state to keep for next time.

    `now` (aware) stamps the events that are new or changed; unchanged events keep their
    old SEQUENCE and stamps. A changed event's stamp is also at least one second after its
    previous one, so a clock that went back cannot make a change look older. The sessions
    on the days in `done` (logged as done) say so in their title, "✓ Leg strength · …",
    a change like any other (SEQUENCE + 1), so the calendar shows what was done.
    """
    revisions, state = revise(plan, previous, now, alarm_minutes=alarm_minutes,
                               with_runs=with_runs, done=done)
    raw = render_marked(plan, alarm_minutes=alarm_minutes, with_runs=with_runs,
                        revisions=revisions, done=done, refresh=FEED_REFRESH)
    return raw, state


DONE_MARK = "✓ "


def done_days(data: Mapping[str, Any]) -> frozenset[date]:
    """The days of a plan JSON's sessions logged as done (planner.readers.session_log)."""
    days = set()
    for week in data.get("weeks") or ():
        for session in week.get("sessions") or ():
            if session.get("done") is True:
                with contextlib.suppress(TypeError, ValueError):
                    days.add(date.fromisoformat(session["date"]))
    return frozenset(days)


def _mark(event: Event) -> Event:
    """The event with the done mark in front of its title (and its alarm's text)."""
    summary = str(event.get("SUMMARY", ""))
    if not summary.startswith(DONE_MARK):
        event.pop("SUMMARY", None)
        event.add("summary", DONE_MARK + summary)
    return event


def _done_session_events(plan: Plan, done: Collection[date], *, alarm_minutes: int | None,
                         with_runs: bool) -> list[tuple[str, date, Event]]:
    sessions = {session_uid(plan.athlete, s) for week in plan.weeks for s in week.sessions
                if s.date in done}
    return [(uid, day, _mark(event)) for uid, day, event in plan_events(
        plan, alarm_minutes=alarm_minutes, with_runs=with_runs) if uid in sessions]


def render_marked(plan: Plan, *, alarm_minutes: int | None, with_runs: bool,
                  revisions: Mapping[str, Revision], done: Collection[date] = (),
                  refresh: timedelta | None = None) -> bytes:
    """`render_ics` with the sessions of the days in `done` titled "✓ …". Without done
    days it is `render_ics` itself, byte for byte."""
    if not done:
        return render_ics(plan, alarm_minutes=alarm_minutes, with_runs=with_runs,
                          revisions=revisions, refresh=refresh)
    marked = _done_session_events(plan, done, alarm_minutes=alarm_minutes,
                                  with_runs=with_runs)
    days = {day for _, day, _ in marked}
    rest = dataclasses.replace(plan, weeks=tuple(
        dataclasses.replace(week, sessions=tuple(s for s in week.sessions
                                                 if s.date not in days))
        for week in plan.weeks))
    extra = []
    for uid, day, event in marked:
        revision = revisions.get(uid)
        if revision is not None:
            for name in ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE"):
                event.pop(name, None)
            stamp = revision.stamp.astimezone(timezone.utc).replace(microsecond=0)
            event.add("dtstamp", stamp)
            if revision.last_modified:
                event.add("last-modified", stamp)
            event.add("sequence", revision.sequence)
        extra.append(ExtraEvent(day, event))
    return render_ics(rest, alarm_minutes=alarm_minutes, with_runs=with_runs,
                      revisions=revisions, extra=extra, refresh=refresh)


def feed_etag(ics: bytes) -> str:
    """A strong ETag (quoted) for the feed's bytes: equal bytes, equal tag."""
    return '"' + hashlib.sha256(ics).hexdigest()[:40] + '"'


def feed_last_modified(state: FeedState) -> datetime | None:
    """The newest stamp in the state (a Last-Modified header), None for an empty feed.

    A re-plan that only drops sessions does not move it: compare ETags for that."""
    if not state:
        return None
    return parse_stamp(max(entry.stamp for entry in state.values()))


def feed_state_to_json(state: FeedState) -> str:
    """Stable JSON (sorted UIDs) for storing the state beside the plan."""
    return json.dumps({
        "version": STATE_VERSION,
        "events": {uid: {"sequence": entry.sequence, "stamp": entry.stamp,
                         "digest": entry.digest}
                   for uid, entry in sorted(state.items())},
    }, sort_keys=True, separators=(",", ":"))


def feed_state_from_json(text: str) -> FeedState:
    """The state `feed_state_to_json` wrote; ValueError naming what is wrong otherwise."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise ValueError(f"feed state is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION \
            or not isinstance(data.get("events"), dict):
        raise ValueError(f"feed state must be an object with version {STATE_VERSION} and "
                         "'events'")
    state: FeedState = {}
    for uid, entry in data["events"].items():
        if not isinstance(entry, dict) or set(entry) != {"sequence", "stamp", "digest"}:
            raise ValueError(f"feed state entry {uid!r} must have sequence, stamp and digest")
        try:
            state[uid] = EventState(entry["sequence"], entry["stamp"], entry["digest"])
        except ValueError as exc:
            raise ValueError(f"feed state entry {uid!r}: {exc}") from None
    return state


# --- stamps and digests ------------------------------------------------------------------


def format_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("now must be an aware datetime (e.g. datetime.now(timezone.utc))")
    return moment.astimezone(timezone.utc).strftime(STAMP_FORMAT)


def parse_stamp(stamp: str) -> datetime:
    try:
        return datetime.strptime(stamp, STAMP_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        raise ValueError(f"{stamp!r} is not a UTC time 'YYYYMMDDTHHMMSSZ'") from None


def unfolded_lines(raw: bytes | str) -> list[str]:
    """Content lines of iCalendar text, unfolded (RFC 5545 §3.1), without the empty tail."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    text = re.sub(r"\r?\n[ \t]", "", text)
    return [line for line in re.split(r"\r?\n", text) if line]


def event_digest(lines: Iterable[str]) -> str:
    """SHA-256 of a VEVENT's content lines without its revision properties.

    Only the VEVENT's own SEQUENCE/DTSTAMP/LAST-MODIFIED are left out; a VALARM inside
    is content like any other line."""
    kept = []
    depth = 0
    for line in lines:
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        if name == "BEGIN":
            depth += 1
        elif name == "END":
            depth -= 1
        elif depth == 1 and name in _REVISION_PROPERTIES:
            continue
        kept.append(line)
    return hashlib.sha256("\r\n".join(kept).encode("utf-8")).hexdigest()


def _event_digest(event: Event) -> str:
    return event_digest(unfolded_lines(event.to_ical()))


def revise(plan: Plan, previous: FeedState | None, now: datetime, *,
           alarm_minutes: int | None,
           with_runs: bool, done: Collection[date] = ()) -> tuple[dict[str, Revision], FeedState]:
    """Each event's revision (for the renderer) and the new state, given `previous`; the
    sessions of the days in `done` are judged with their "✓" title."""
    stamp_now = format_stamp(now)
    previous = previous or {}
    revisions: dict[str, Revision] = {}
    state: FeedState = {}
    marked = {uid: event for uid, _, event in _done_session_events(
        plan, done, alarm_minutes=alarm_minutes, with_runs=with_runs)} if done else {}
    for uid, _day, event in plan_events(plan, alarm_minutes=alarm_minutes,
                                        with_runs=with_runs):
        digest = _event_digest(marked.get(uid, event))
        before = previous.get(uid)
        if before is not None and before.digest == digest:
            entry = before
        elif before is not None:
            later = parse_stamp(before.stamp) + timedelta(seconds=1)
            stamp = max(stamp_now, format_stamp(later))
            entry = EventState(before.sequence + 1, stamp, digest)
        else:
            entry = EventState(0, stamp_now, digest)
        state[uid] = entry
        revisions[uid] = Revision(entry.sequence, parse_stamp(entry.stamp))
    return revisions, state


# --- reading back what runstrong wrote --------------------------------------------------


@dataclass(frozen=True)
class WrittenEvent:
    """One of runstrong's events as found in a calendar: its state and its text."""

    uid: str
    athlete: str  # X-RUNSTRONG-ATHLETE as written ("" in files older than that property)
    day: date  # local start date
    cancelled: bool
    has_last_modified: bool
    state: EventState
    lines: tuple[str, ...]  # the VEVENT's unfolded content lines, BEGIN to END

    def event(self) -> Event:
        return Event.from_ical("\r\n".join(self.lines) + "\r\n")


def is_runstrong_uid(uid: str) -> bool:
    return uid.endswith(f"@{UID_DOMAIN}")


def written_events(raw: bytes | str) -> list[WrittenEvent]:
    """runstrong's events in an .ics text (UID ``…@runstrong``); other events are left out.

    ValueError when the text is not a calendar or an event of ours cannot be read."""
    lines = unfolded_lines(raw)
    if not lines or lines[0].upper() != "BEGIN:VCALENDAR":
        raise ValueError("not an iCalendar file (no BEGIN:VCALENDAR)")
    found = []
    for block in _vevent_blocks(lines):
        uid = next((line.split(":", 1)[1] for line in block[1:]
                    if line.upper().startswith("UID:")), "")
        if not is_runstrong_uid(uid):
            continue
        found.append(_written(uid, block))
    return found


def _vevent_blocks(lines: Sequence[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] | None = None
    depth = 0
    for line in lines:
        upper = line.upper()
        if current is None:
            if upper == "BEGIN:VEVENT":
                current, depth = [line], 1
            continue
        current.append(line)
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            depth -= 1
            if depth == 0:
                blocks.append(current)
                current = None
    return blocks


def _written(uid: str, block: list[str]) -> WrittenEvent:
    try:
        event = Event.from_ical("\r\n".join(block) + "\r\n")
        sequence = int(event.get("SEQUENCE", 0))
        stamps = [event[name].dt for name in ("LAST-MODIFIED", "DTSTAMP") if name in event]
        start = event["DTSTART"].dt
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"event {uid} cannot be read: {exc}") from None
    if not stamps or not all(isinstance(stamp, datetime) and stamp.tzinfo for stamp in stamps):
        raise ValueError(f"event {uid} has no UTC DTSTAMP")
    day = start.date() if isinstance(start, datetime) else start
    status = str(event.get("STATUS", "")).upper()
    state = EventState(max(sequence, 0), format_stamp(max(stamps)), event_digest(block))
    return WrittenEvent(uid=uid, athlete=str(event.get(ATHLETE_PROPERTY, "")), day=day,
                        cancelled=status == "CANCELLED",
                        has_last_modified="LAST-MODIFIED" in event, state=state,
                        lines=tuple(block))


def state_from_ics(raw: bytes | str) -> FeedState:
    """The feed state a client holds after reading this calendar (runstrong's events only)."""
    return {written.uid: written.state for written in written_events(raw)}


# --- a static file that replaces an older one ------------------------------------------


@dataclass(frozen=True)
class CalendarUpdate:
    """What `update_calendar` made: the files' bytes and what changed since the old ones."""

    parts: list[bytes]
    created: int
    updated: int
    unchanged: int
    cancelled: int  # newly cancelled by this update
    dropped: int = 0  # the old file's events of this athlete the new file no longer holds


def update_calendar(plan: Plan, old: Sequence[bytes], now: datetime, *,
                    alarm_minutes: int | None = None, with_runs: bool = False,
                    cancel_dropped: bool = True, max_events: int | None = None,
                    max_bytes: int | None = None) -> CalendarUpdate:
    """The plan's .ics file(s), continuing the history of `old`, the file(s) they replace.

    Changed events get SEQUENCE + 1 and `now` as stamps; unchanged ones keep theirs. With
    `cancel_dropped`, a session or run of the same athlete that `old` has, that falls in
    the new plan's weeks and that the plan no longer has, is written once more with
    STATUS:CANCELLED (SEQUENCE + 1, no alarm), so calendars that honour it remove it;
    cancellations `old` already carried stay as they were. Events before or after the new
    plan's weeks are not the new plan's business and are left out.
    """
    written = [event for raw in old for event in written_events(raw)]
    me = athlete_key(plan.athlete)
    mine = [event for event in written if event.athlete == "" or athlete_key(event.athlete) == me]
    previous = {event.uid: event.state for event in mine if not event.cancelled}
    revisions, state = revise(plan, previous, now, alarm_minutes=alarm_minutes,
                               with_runs=with_runs)
    # An unchanged event stays exactly as the old file had it (no LAST-MODIFIED added to
    # a file written without history), so re-running an unchanged plan changes no byte.
    bare = {event.uid for event in mine if not event.has_last_modified}
    for uid, entry in state.items():
        if uid in bare and previous.get(uid) == entry:
            revisions[uid] = dataclasses.replace(revisions[uid], last_modified=False)
    extra: list[ExtraEvent] = []
    newly_cancelled = 0
    if cancel_dropped and plan.weeks:
        first = min(week.start for week in plan.weeks)
        first -= timedelta(days=first.weekday())
        last = max(week.start for week in plan.weeks)
        last += timedelta(days=6 - last.weekday())
        seen: set[str] = set()
        for event in mine:
            if event.uid in state or event.uid in seen or not first <= event.day <= last:
                continue
            seen.add(event.uid)
            if event.cancelled:
                extra.append(ExtraEvent(event.day, event.event()))
            else:
                newly_cancelled += 1
                extra.append(ExtraEvent(event.day, _cancellation(event, now)))
    limits = {name: value for name, value in (("max_events", max_events),
                                               ("max_bytes", max_bytes)) if value is not None}
    parts = render_ics_files(plan, alarm_minutes=alarm_minutes, with_runs=with_runs,
                             revisions=revisions, extra=extra, **limits)
    created = sum(1 for uid in state if uid not in previous)
    unchanged = sum(1 for uid, entry in state.items() if previous.get(uid) == entry)
    gone = sum(1 for uid in previous if uid not in state)
    return CalendarUpdate(parts=parts, created=created,
                          updated=len(state) - created - unchanged, unchanged=unchanged,
                          cancelled=newly_cancelled, dropped=gone - newly_cancelled)


def _cancellation(written: WrittenEvent, now: datetime) -> Event:
    """The old event, cancelled: STATUS:CANCELLED, SEQUENCE + 1, stamped, no alarm."""
    event = written.event()
    later = parse_stamp(written.state.stamp) + timedelta(seconds=1)
    stamp = max(now.astimezone(timezone.utc).replace(microsecond=0), later)
    for name in ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "STATUS"):
        event.pop(name, None)
    event.subcomponents = [sub for sub in event.subcomponents if sub.name != "VALARM"]
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", written.state.sequence + 1)
    event.add("status", "CANCELLED")
    return event


def newest_stamp(old: Sequence[bytes]) -> datetime | None:
    """The newest DTSTAMP/LAST-MODIFIED of runstrong's events in the old file(s)."""
    stamps = [event.state.stamp for raw in old for event in written_events(raw)]
    return parse_stamp(max(stamps)) if stamps else None
