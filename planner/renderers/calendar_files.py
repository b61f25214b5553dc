"""`plan --ics FILE` when FILE is a calendar runstrong wrote before, and the UTC note.

Replacing a file: the old file's events (and its parts plan-2.ics, …) are read back into
a planner.renderers.feed state, so a changed session keeps its UID with SEQUENCE + 1, an unchanged
one keeps its SEQUENCE and stamps, and with `cancel_dropped` a session the re-plan dropped
(from the new plan's first week on) is written once more as STATUS:CANCELLED.

No wall clock: the same inputs, old file included, give byte-identical output. The stamp
of a change is `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention), else one
second after the newest DTSTAMP/LAST-MODIFIED in the old file — never earlier than the
stamp a fresh file of this plan would have (its first Monday). Clients compare SEQUENCE
first; DTSTAMP only has to move forward, which this does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from planner.domain import Plan
from planner.errors import InputError
from planner.renderers.feed import newest_stamp, update_calendar, written_events
from planner.renderers.ics import _dtstamp, athlete_key, render_ics_files

UTC_ZONES = frozenset({
    "UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu",
    "GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "Etc/GMT+0", "GMT-0", "Etc/GMT-0",
    "Greenwich", "Etc/Greenwich",
})


def machine_zone_note(zone: str) -> str | None:
    """What to tell a runner whose calendar times fell back to this machine's UTC zone."""
    if zone not in UTC_ZONES:
        return None
    return (f"note: calendar times are in {zone}, this machine's time zone (common in "
            "Docker, WSL and cloud shells); if you live elsewhere, give your zone, e.g. "
            "--tz Europe/London")


@dataclass(frozen=True)
class CalendarFiles:
    parts: list[bytes]
    note: str | None  # what changed since the old file, for the runner; None: a fresh file


def calendar_files(plan: Plan, old_paths: Sequence[Path], *, alarm_minutes: int | None,
                   with_runs: bool, cancel_dropped: bool, max_events: int,
                   max_bytes: int) -> CalendarFiles:
    """The .ics part(s) for `plan`, continuing the history of the files at `old_paths`
    (the existing plan.ics, plan-2.ics, …) when runstrong wrote them for this athlete."""
    old = _old_calendars(old_paths, plan.athlete)
    if not old:
        parts = render_ics_files(plan, alarm_minutes=alarm_minutes, with_runs=with_runs,
                                 max_events=max_events, max_bytes=max_bytes)
        if cancel_dropped and old_paths:
            return CalendarFiles(parts, f"note: {old_paths[0]} held no runstrong events of "
                                        f"{plan.athlete}; nothing to cancel")
        return CalendarFiles(parts, None)
    update = update_calendar(plan, old, change_stamp(plan, old), alarm_minutes=alarm_minutes,
                             with_runs=with_runs, cancel_dropped=cancel_dropped,
                             max_events=max_events, max_bytes=max_bytes)
    note = (f"Updated {old_paths[0]} in place: {update.created} new, {update.updated} changed "
            f"(SEQUENCE raised), {update.unchanged} unchanged, {update.dropped} dropped")
    if cancel_dropped:
        note += f", {update.cancelled} cancelled"
    if update.dropped:
        # A runner who imports the new file keeps the dropped events of the old import in
        # their calendar: say how to have them removed.
        note += (" (dropped events stay in a calendar that imported the old file: "
                 "--cancel-dropped writes them as cancelled)" if not cancel_dropped
                 else " (outside the new plan's weeks)")
    return CalendarFiles(update.parts, note + ".")


def change_stamp(plan: Plan, old: Sequence[bytes]) -> datetime:
    """DTSTAMP/LAST-MODIFIED for what changed: deterministic, see the module docstring."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds",
                             field="SOURCE_DATE_EPOCH") from None
    newest = newest_stamp(old)
    fresh = _dtstamp(plan)
    return fresh if newest is None else max(newest + timedelta(seconds=1), fresh)


def _old_calendars(paths: Sequence[Path], athlete: str) -> list[bytes]:
    """The old files' bytes, if at least one holds runstrong events of `athlete`."""
    found: list[bytes] = []
    me = athlete_key(athlete)
    mine = False
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        try:
            events = written_events(raw)
        except (ValueError, UnicodeDecodeError):
            continue  # not a calendar runstrong can read: replaced like any other file
        found.append(raw)
        mine = mine or any(event.athlete == "" or athlete_key(event.athlete) == me
                           for event in events)
    return found if mine else []
