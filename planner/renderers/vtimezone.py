"""A whole-zone VTIMEZONE: right for every instant from 1970 on, not only the plan's years.

Why: a CalDAV server such as Radicale parses with vobject, which keeps the first VTIMEZONE
it meets for a TZID for the whole process. A VTIMEZONE cut to one plan's years then places
events of other years (an older plan, the runner's other events) an hour off. A VTIMEZONE
that is right for every date avoids that, and is what RFC 5545 §3.6.5 intends.

How: the transitions come from `zoneinfo` itself (the same data that placed the events),
found by probing its UTC offset, name and DST flag from `FIRST_YEAR` to `LAST_YEAR`.
Transitions that repeat yearly by one rule (same month, local time, offsets and name, and
the same "2nd Sunday" / "last Sunday" / "the 25th") become one STANDARD or DAYLIGHT
component with an RRULE; the rule that still holds at `LAST_YEAR` (the zone's current
rules; zoneinfo extends them past the tz database's table with its POSIX rule) has no
UNTIL, so it is open-ended like Google's and Apple's VTIMEZONEs. One-off changes are
RDATEs. Europe/Berlin is four components; America/New_York nine.

UNTIL is written in UTC as RFC 5545 requires, one day after the rule's last change: some
readers (dateutil, so vobject and Radicale) compare it with local times, and a day's
margin gives the same set of changes either way.

Deterministic: only the zone's data decides the output — the data `zoneinfo` reads, the
system's zone files, else the tzdata package (a dependency). Two machines with different
tz database releases can differ in a zone that changed its rules, as their events would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vRecur

FIRST_YEAR = 1970
LAST_YEAR = 2100  # probed up to 1 January; a rule still in force then is open-ended
MIN_RULE_YEARS = 3  # shorter runs of a yearly rule are written as RDATEs
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Probe step. Since 1970 no zone has two changes less than 6 days apart (checked over
# every zone of tzdata 2025), so a change and its undoing never both fall in one step.
_STEP = timedelta(days=3)

Observance = tuple[timedelta, str, bool]  # UTC offset, name, in daylight time


@dataclass(frozen=True)
class Transition:
    utc: datetime  # the first instant of the new observance
    before: Observance
    after: Observance

    @property
    def onset(self) -> datetime:
        """Local wall time of the change, in the time before it (RFC 5545 DTSTART)."""
        return (self.utc + self.before[0]).replace(tzinfo=None)


def _observance(zone: ZoneInfo, instant: datetime) -> Observance:
    local = instant.astimezone(zone)
    return (local.utcoffset() or timedelta(0), local.tzname() or "", bool(local.dst()))


@lru_cache(maxsize=64)
def transitions(key: str) -> tuple[Observance, tuple[Transition, ...]]:
    """The observance on 1 January FIRST_YEAR (UTC) and every change up to LAST_YEAR."""
    zone = ZoneInfo(key)
    moment = datetime(FIRST_YEAR, 1, 1, tzinfo=timezone.utc)
    end = datetime(LAST_YEAR, 1, 1, tzinfo=timezone.utc)
    first = current = _observance(zone, moment)
    found: list[Transition] = []
    while moment < end:
        following = moment + _STEP
        after = _observance(zone, following)
        if after != current:
            low, high = moment, following  # current at low, changed at high
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle in (low, high):
                    break
                if _observance(zone, middle) == current:
                    low = middle
                else:
                    high = middle
            changed = _observance(zone, high)
            found.append(Transition(high, current, changed))
            current = changed
            # A second change within the same step (none since 1970) is caught next round.
            if changed != after:
                moment = high
                continue
        moment = following
    return first, tuple(found)


def _candidates(onset: datetime) -> frozenset[tuple[str, str]]:
    """Ways to say which day of its month `onset` is: 2SU, -1SU, 25."""
    day = onset.day
    weekday = _WEEKDAYS[onset.weekday()]
    following_month = (onset.replace(day=28) + timedelta(days=4)).replace(day=1)
    month_length = (following_month - timedelta(days=1)).day
    found = {("BYDAY", f"{(day - 1) // 7 + 1}{weekday}"), ("BYMONTHDAY", str(day))}
    if day + 7 > month_length:
        found.add(("BYDAY", f"-1{weekday}"))
    return frozenset(found)


def _preferred(specs: frozenset[tuple[str, str]]) -> tuple[str, str]:
    """Prefer '2nd Sunday' to 'last Sunday' to a fixed day of the month."""
    return min(specs, key=lambda spec: (spec[0] != "BYDAY", spec[1].startswith("-"), spec[1]))


@dataclass
class _Run:
    """Consecutive yearly changes that one RRULE describes."""

    changes: list[Transition]
    specs: frozenset[tuple[str, str]]


def _rule_key(change: Transition) -> tuple:
    onset = change.onset
    return (change.before, change.after, onset.month, onset.time())


def _runs(changes: tuple[Transition, ...]) -> list[_Run]:
    open_runs: dict[tuple, _Run] = {}
    runs: list[_Run] = []
    for change in changes:
        key = _rule_key(change)
        specs = _candidates(change.onset)
        run = open_runs.get(key)
        if run is not None and run.changes[-1].onset.year == change.onset.year - 1 \
                and run.specs & specs:
            run.changes.append(change)
            run.specs &= specs
            continue
        run = _Run([change], specs)
        open_runs[key] = run
        runs.append(run)
    return runs


def vtimezone(key: str) -> Timezone:
    """A VTIMEZONE for the zoneinfo `key`, right from FIRST_YEAR on, open-ended."""
    first, changes = transitions(key)
    runs = _runs(changes)
    components: list[tuple[datetime, str, TimezoneStandard | TimezoneDaylight]] = []

    def observance(before: Observance, after: Observance, start: datetime):
        component = TimezoneDaylight() if after[2] else TimezoneStandard()
        component.add("dtstart", start)
        component.add("tzoffsetfrom", before[0])
        component.add("tzoffsetto", after[0])
        if after[1]:
            component.add("tzname", after[1])
        return component

    # The observance in force on 1 January FIRST_YEAR: where the zone starts.
    base = observance(first, first, datetime(FIRST_YEAR, 1, 1))
    components.append((datetime(FIRST_YEAR, 1, 1), "0", base))
    last_year = LAST_YEAR - 1
    singles: dict[tuple[Observance, Observance], list[datetime]] = {}
    for run in runs:
        change = run.changes[0]
        if len(run.changes) < MIN_RULE_YEARS and run.changes[-1].onset.year < last_year:
            for one in run.changes:
                singles.setdefault((one.before, one.after), []).append(one.onset)
            continue
        component = observance(change.before, change.after, change.onset)
        by, value = _preferred(run.specs)
        rule = {"FREQ": "YEARLY", "BYMONTH": change.onset.month, by: value}
        if run.changes[-1].onset.year < last_year:
            rule["UNTIL"] = run.changes[-1].utc.replace(microsecond=0) + timedelta(days=1)
        component.add("rrule", vRecur(rule))
        components.append((change.onset, "1", component))
    for (before, after), onsets in singles.items():
        onsets.sort()
        component = observance(before, after, onsets[0])
        for onset in onsets[1:]:
            component.add("rdate", onset)
        components.append((onsets[0], "2", component))
    calendar_zone = Timezone()
    calendar_zone.add("tzid", key)
    for _, _, component in sorted(components, key=lambda item: (item[0], item[1])):
        calendar_zone.add_component(component)
    return calendar_zone
