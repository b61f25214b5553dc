"""Recurring calendar events, bounded before they are expanded.

A runner's calendar repeats runs daily at most, so finer rules are read as daily
(`bound_recurrence`), and a calendar whose series would take too long to expand or give
too many occurrences is refused up front (`check_expansion`), naming its largest series.
The expansion itself (`expand`) is recurring-ical-events'; an error there names the event.
"""

from __future__ import annotations

import contextlib
from datetime import date, tzinfo

from planner.errors import InputError
from planner.readers.ics_events import (
    comparable,
    event_field,
    event_text,
    floating_zone,
    quoted,
    short_error,
)

# Recurrence is bounded before anything is expanded (a 1 MB calendar plans or fails in
# seconds): runs repeat at most daily (finer FREQ, or several BYHOUR/BYMINUTE/BYSECOND
# values, are read as once a day, with a note); the occurrences inside the range, and
# the recurrence steps from each series' first date to the range's end (the expansion
# library walks them all), are capped. A real calendar is far below both caps.
MAX_OCCURRENCES = 6_000


MAX_EXPANSION_STEPS = 1_000_000


_FINER_THAN_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")


_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}


def _rrules(event) -> list:
    """The event's RRULEs; none when unreadable (the expansion then names the event)."""
    try:
        value = event.get("RRULE")
        if value is None:
            return []
        rules = list(value) if isinstance(value, list) else [value]
        return [rule for rule in rules if isinstance(rule, dict)]
    except Exception:
        return []


def bound_recurrence(calendar) -> list[str]:
    """Runs recur at most daily: FREQ=SECONDLY/MINUTELY/HOURLY becomes DAILY, and only
    the first BYHOUR/BYMINUTE/BYSECOND value is kept. One note per event changed."""
    lines = []
    for event in calendar.walk("VEVENT"):
        changed = []
        for rule in _rrules(event):
            try:
                freq = str((rule.get("FREQ") or [""])[0]).upper()
            except (AttributeError, TypeError):
                continue  # unreadable: the expansion reports it with the event's name
            if freq in _FINER_THAN_DAILY:
                rule["FREQ"] = ["DAILY"]
                changed.append(f"FREQ={freq}")
            for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                values = rule.get(part)
                if isinstance(values, list) and len(values) > 1:
                    rule[part] = values[:1]
                    changed.append(part)
        if changed:
            lines.append(f"{quoted(event_text(event, 'SUMMARY'))} repeats more than once a day "
                         f"({', '.join(changed)}): read as once a day")
    return lines


def check_expansion(calendars: list, source: str, zone: tzinfo, first: date,
                     last: date) -> None:
    """Refuse, before expanding, a calendar whose recurrences would take too long or
    produce too many occurrences (see MAX_OCCURRENCES and MAX_EXPANSION_STEPS)."""
    occurrences = steps = 0
    worst: tuple[int, str] = (0, "")
    days = (last - first).days + 4
    for calendar in calendars:
        floating = floating_zone(calendar, zone)
        for event in calendar.walk("VEVENT"):
            count, work = _event_cost(event, floating, first, last, days)
            occurrences += count
            steps += work
            worst = max(worst, (work, event_field(event)))
    if occurrences > MAX_OCCURRENCES or steps > MAX_EXPANSION_STEPS:
        raise InputError(
            f"too many repeating events to expand between {first.isoformat()} and "
            f"{last.isoformat()} (about {occurrences:,} occurrences, {steps:,} steps; at most "
            f"{MAX_OCCURRENCES:,} and {MAX_EXPANSION_STEPS:,}); the largest series is "
            f"{worst[1]}: pick fewer weeks with --range, or export a shorter period",
            file=source)


def _event_cost(event, floating: tzinfo, first: date, last: date,
                days: int) -> tuple[int, int]:
    """(most occurrences inside the range, recurrence steps to reach its end)."""
    count = work = 1
    try:
        rdates = event.get("RDATE")
        for value in (rdates if isinstance(rdates, list) else [rdates] if rdates else []):
            extra = len(getattr(value, "dts", ()) or ())
            count += extra
            work += extra
    except Exception:  # unreadable RDATE: reported with the event when it is expanded
        pass
    try:
        start = comparable(event["DTSTART"].dt, floating).date()
    except Exception:
        return count, work
    for rule in _rrules(event):
        try:
            freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
            interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
            limit = rule.get("COUNT")
            until = rule.get("UNTIL")
        except (AttributeError, TypeError, ValueError):
            continue
        period = _PERIOD_DAYS.get(freq, 1) * interval
        spread = 1
        for part, most in (("BYDAY", 7), ("BYMONTHDAY", 31), ("BYYEARDAY", 366),
                           ("BYWEEKNO", 53), ("BYMONTH", 12), ("BYSETPOS", 1)):
            values = rule.get(part)
            if isinstance(values, list) and values and most > 1:
                spread *= min(len(values), most) * (5 if part == "BYDAY" and period > 7 else 1)
        end = last
        if until:
            with contextlib.suppress(Exception):
                end = min(end, comparable(until[0], floating).date())
        steps = max(0, (end - start).days) // period + 1
        steps = min(steps * spread, (int(limit[0]) if limit else steps * spread))
        work += steps
        count += min(days, steps, (days // period + 2) * spread)
    return count, work


def expand(calendar, source: str, first: date, last: date) -> list:
    """Every occurrence between the dates; a broken series is an error naming its event."""
    import recurring_ical_events

    try:
        return list(recurring_ical_events.of(calendar).between(first, last))
    except Exception as err:
        culprit = _broken_event(calendar, first, last)
        raise InputError(f"cannot expand this event: {short_error(err)}", file=source,
                         field=culprit) from err


def _broken_event(calendar, first: date, last: date) -> str | None:
    """Expand event by event to name the one recurring-ical-events choked on."""
    import recurring_ical_events
    from icalendar import Calendar

    for event in calendar.walk("VEVENT"):
        single = Calendar()
        if "X-WR-TIMEZONE" in calendar:
            single.add("X-WR-TIMEZONE", calendar["X-WR-TIMEZONE"])
        for vtimezone in calendar.walk("VTIMEZONE"):
            single.add_component(vtimezone)
        single.add_component(event)
        try:
            list(recurring_ical_events.of(single).between(first, last))
        except Exception:
            return event_field(event)
    return None
