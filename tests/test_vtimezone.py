"""planner.renderers.vtimezone: a VTIMEZONE that is right from 1970 to 2100, read by two
other parsers.

Each VTIMEZONE is read back by dateutil's tzical (what vobject, so Radicale, uses) and by
icalendar's own `Timezone.to_tz()` (which does not look the TZID up in zoneinfo), and both
must give zoneinfo's UTC offset for: every wall time one hour and one minute either side
of every change, and noon on the 1st and 15th of every month from 1970 to 2099.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import tz as dateutil_tz

from planner.renderers.vtimezone import FIRST_YEAR, LAST_YEAR, transitions, vtimezone

ZONES = [
    "Europe/Berlin", "America/New_York", "Europe/London", "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute DST
    "America/Sao_Paulo",  # southern DST, abolished 2019
    "Asia/Tehran",  # fixed-date rules, abolished 2022
    "Africa/Casablanca",  # Ramadan breaks
    "Pacific/Apia",  # skipped a whole day in 2011
    "America/Santiago", "Asia/Kolkata", "Asia/Tokyo", "Etc/GMT+5",
]


def wall_times(key: str) -> list[datetime]:
    """Local wall times that are neither skipped nor repeated in `key`."""
    zone = ZoneInfo(key)
    _, changes = transitions(key)
    candidates = [datetime(year, month, day, 12)
                  for year in range(FIRST_YEAR, LAST_YEAR) for month in range(1, 13)
                  for day in (1, 15)]
    for change in changes:
        for before in (change.utc + change.before[0], change.utc + change.after[0]):
            local = before.replace(tzinfo=None)
            candidates += [local + timedelta(minutes=delta) for delta in (-61, -1, 1, 61)]
    kept = []
    for local in candidates:
        fold0 = local.replace(tzinfo=zone)
        fold1 = local.replace(tzinfo=zone, fold=1)
        if fold0.utcoffset() != fold1.utcoffset():
            continue  # repeated (fall back) or skipped (spring forward): not an event time
        kept.append(local)
    return kept


def check(key: str, parsed: tzinfo, label: str) -> None:
    zone = ZoneInfo(key)
    wrong = []
    for local in wall_times(key):
        expected = local.replace(tzinfo=zone).utcoffset()
        got = local.replace(tzinfo=parsed).utcoffset()
        if got != expected:
            wrong.append((local, got, expected))
    assert not wrong, f"{label} {key}: {len(wrong)} wrong, e.g. {wrong[:3]}"


@pytest.mark.parametrize("key", ZONES)
def test_dateutil_reads_every_date_right(key: str) -> None:
    raw = vtimezone(key).to_ical().decode()
    parsed = dateutil_tz.tzical(io.StringIO(raw)).get(key)
    check(key, parsed, "dateutil")


@pytest.mark.parametrize("key", ZONES)
def test_icalendar_reads_every_date_right(key: str) -> None:
    component = icalendar.Timezone.from_ical(vtimezone(key).to_ical())
    # A TZID zoneinfo does not know, so icalendar really builds the zone from our rules.
    component["TZID"] = "runstrong-test/" + key
    check(key, component.to_tz(), "icalendar")


def test_current_rules_are_open_ended() -> None:
    raw = vtimezone("America/New_York").to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n" in raw
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n" in raw
    assert len(raw) < 2000  # rules, not a list of 260 changes
    assert "RRULE" not in vtimezone("Asia/Tokyo").to_ical().decode()


def test_until_is_utc_and_a_day_late() -> None:
    # The US rule of 1987-2006 last changed on 2 April 2006, 02:00 EST = 07:00 UTC.
    raw = vtimezone("America/New_York").to_ical().decode()
    assert "RRULE:FREQ=YEARLY;UNTIL=20060403T070000Z;BYDAY=1SU;BYMONTH=4\r\n" in raw


def test_transitions_match_zoneinfo() -> None:
    first, changes = transitions("Europe/Berlin")
    assert first == (timedelta(hours=1), "CET", False)
    zone = ZoneInfo("Europe/Berlin")
    for change in changes:
        assert change.utc.astimezone(zone).utcoffset() == change.after[0]
        assert (change.utc - timedelta(seconds=1)).astimezone(zone).utcoffset() == \
            change.before[0]
    spring_2025 = next(c for c in changes if c.utc.year == 2025)
    assert spring_2025.utc == datetime(2025, 3, 30, 1, 0, tzinfo=timezone.utc)
    assert spring_2025.onset == datetime(2025, 3, 30, 2, 0)
