"""Read a runner's calendar (.ics) as runs: Google, Apple, Outlook, TrainingPeaks or Runna.

`load_runs_ics` returns the same `RunsInput` as the runs CSV reader, so the rest of the
program cannot tell where the runs came from. What it does, in order:

1. Parse the file with icalendar (several VCALENDARs in one file are read one after the
   other). Anything that is not an iCalendar file is an `InputError` naming the file.
2. Expand recurring events (RRULE, RDATE, EXDATE, moved or cancelled occurrences) with
   `recurring-ical-events`, which also applies Google's ``X-WR-TIMEZONE``: UTC and floating
   times of such an export are read in that zone, as Google shows them. Floating times in a
   calendar without ``X-WR-TIMEZONE`` are read in `default_tz`.
   The range is `range_` when given; otherwise the weeks spanned by the one-off (not
   recurring) runs, or 16 weeks from the first occurrence when every run recurs (a warning
   says so).
3. Classify each occurrence from its text (`classify_event`): the user's `keyword_map`
   first, then a table of running words, most specific first. SUMMARY decides; CATEGORIES
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

import contextlib
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path

from planner.domain import RUN_TYPES, Run
from planner.errors import InputError
from planner.inputs import (
    DATE_MAX,
    DATE_MIN,
    MAX_EMPTY_WEEKS,
    MAX_MINUTES,
    MAX_WEEKS,
    RunsInput,
    check_date_bounds,
    classify_run,
    empty_gaps,
    monday_of,
)

CALENDAR_EXTENSIONS: tuple[str, ...] = (".ics", ".ical", ".icalendar", ".ifb")
DEFAULT_WEEKS = 16  # how far recurring runs are expanded when nothing else bounds them
# Recurrence is bounded before anything is expanded (a 1 MB calendar plans or fails in
# seconds): runs repeat at most daily (finer FREQ, or several BYHOUR/BYMINUTE/BYSECOND
# values, are read as once a day, with a note); the occurrences inside the range, and
# the recurrence steps from each series' first date to the range's end (the expansion
# library walks them all), are capped. A real calendar is far below both caps.
MAX_OCCURRENCES = 6_000
# Parsing is the slow part of a big calendar (about 0.1 ms a line with icalendar), so the
# size is checked on the raw bytes first: a runner's training calendar is far below both.
MAX_CONTENT_LINES = 15_000
MAX_EVENTS = 1_500
_VEVENT_RE = re.compile(rb"^BEGIN:VEVENT\s*$", re.IGNORECASE | re.MULTILINE)
MAX_EXPANSION_STEPS = 1_000_000
_FINER_THAN_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}
IGNORE = "ignore"  # a --map type that drops matching events
# When one event names two types, the more demanding one is planned around (it is the
# one that must not be preceded by heavy legs). Types not listed rank below.
DEMAND: tuple[str, ...] = (
    "race", "long", "speed", "hill", "tempo", "easy", "recovery", "cross", "rest",
)

# (regex, type), most specific first. A match blanks its text, so "long run" is not also
# a "run", "hill repeats" not also "repeats", "marathon pace" not also a "marathon".
# A type of None only consumes the words ("cross country" is not cross-training).
_EXPLICIT: tuple[tuple[str, str | None], ...] = (
    (r"long[- ]?runs?|lsr|long[- ](?:easy|slow|steady|aerobic)"
     r"|long\s\d+(?:[.,]\d+)?\s?(?:k|km|mi|miles?)", "long"),
    (r"(?:race|marathon|half[- ]?marathon|hm|goal|\d+\s?(?:k|km|mi|mile)|threshold|tempo)"
     r"[- ]pace|mp", "tempo"),
    (r"hill[- ]?(?:repeats?|reps|sprints?|intervals?|strides?)", "hill"),
    (r"recovery[- ](?:run|jog)s?", "recovery"),
    (r"cruise[- ]intervals?|progression[- ]runs?", "tempo"),
    (r"rest[- ]day|day[- ]off|off[- ]day", "rest"),
    (r"cross[- ]country|xc", None),
    (r"race[- ]?day|\d+\s?k[- ]race|(?:half[- ]?)?marathon|parkrun|park[- ]run|junior parkrun"
     r"|race|relay|ultra|triathlon|duathlon|half(?![- ](?:day|term|hour|time|price|board))",
     "race"),
    (r"tempo|threshold", "tempo"),
    (r"intervals?|track|repeats|reps|vo2[- ]?max|vo2|fartlek|speed(?:[- ]?work)?|sprints?"
     r"|anaerobic", "speed"),
    (r"hills?|hilly", "hill"),
    (r"recovery", "recovery"),
    (r"easy|shake[- ]?out|aerobic|steady(?:[- ]state)?|base[- ]runs?|z2|zone[- ]?2", "easy"),
    (r"rest", "rest"),
    (r"bike|biking|cycling|cycle|spin(?:ning)?|swim(?:ming)?|cross[- ]?training|cross"
     r"|xt|elliptical|rowing|aqua[- ]?jog(?:ging)?", "cross"),
)
# Words that make an event a run without saying which kind: it is easy unless a more
# specific word (above) is found in the summary, categories or description.
_GENERIC = r"run|runs|running|jog|jogs|jogging"
# Not runs, but sport: ignoring one of these is worth a warning.
_SPORTY = (
    r"workout|gym|strength|yoga|pilates|stretch(?:ing)?|mobility|walk(?:ing)?"
    r"|hike|hiking|physio|sports?|football|soccer|tennis|climb(?:ing)?|ski(?:ing)?|crossfit"
    r"|hiit|bootcamp|drills|strides|\d+(?:[.,]\d+)?\s?(?:k|km|mi|miles?)|garmin|strava|runna"
    r"|trainingpeaks"
)


def _compile(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


_EXPLICIT_RE: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (_compile(words), kind) for words, kind in _EXPLICIT
)
_GENERIC_RE = _compile(_GENERIC)
_SPORTY_RE = _compile(_SPORTY)
_MINUTES_TEXT_RE = re.compile(
    r"(?<!\d)(?:(\d{1,2})\s?h(?:ours?|rs?)?\s?(\d{1,2})?|(\d{1,3})\s?(?:min(?:ute)?s?|'))(?![\w])",
    re.IGNORECASE,
)
# runstrong's own events (see planner.render_ics)
_OWN_STRENGTH_UID_RE = re.compile(r"[0-9a-f]{32}@runstrong", re.IGNORECASE)
_OWN_STRENGTH_SUMMARY_RE = re.compile(r"Leg strength · (?:main|heavy|light)\b")
_OWN_RUN_UID_RE = re.compile(r"run-[0-9a-f]{32}@runstrong", re.IGNORECASE)
_OWN_RUN_SUMMARY_RE = re.compile(
    rf"(?P<title>.*?)\s·\s(?P<kind>{'|'.join(RUN_TYPES)})(?:\s·\s(?P<minutes>\d+)\smin)?",
)
_OWN_RUN_DEFAULT_TITLES = frozenset({"Run", "Rest day", "Cross-training"})
_RANGE_RE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*")
_DTSTART_TZID_RE = re.compile(rb"^DTSTART;(?:[^:\r\n]*;)?TZID=([^:;\r\n]+)",
                              re.IGNORECASE | re.MULTILINE)
_X_WR_TIMEZONE_RE = re.compile(rb"^X-WR-TIMEZONE[;:][^\r\n]*?([^:;\r\n]+)\s*$",
                               re.IGNORECASE | re.MULTILINE)


# --------------------------------------------------------------------------------------
# Classification


@dataclass(frozen=True)
class Classification:
    kind: str | None  # one of RUN_TYPES, or None: not a run
    found: tuple[str, ...] = ()  # the types the deciding text named, when it named several
    sporty: bool = False  # not a run but looks like sport (worth telling the user)
    via: str = ""  # "map" when --map decided, else where the type was read


def classify_event(summary: str, description: str = "", categories: Sequence[str] = (),
                   keyword_map: Mapping[str, str] | None = None) -> Classification:
    """The run type of a calendar event, from its text (see the module docs).

    `keyword_map` ({keyword: type or "ignore"}) is matched first, in the summary and the
    categories, whole words, case-insensitive; the longest matching keyword wins.
    """
    summary = " ".join(summary.split())
    category_text = " ".join(", ".join(categories).split())
    description = " ".join(description.split())
    for text in (summary, category_text):
        mapped = _mapped_kind(text, keyword_map or {})
        if mapped is not None:
            return Classification(None if mapped == IGNORE else mapped, via="map")
    if summary.casefold() in ("off", "rest"):
        return Classification("rest", via="summary")

    summary_kinds, summary_generic = _kinds_in(summary)
    if summary_kinds:
        return _decide(summary_kinds, "summary")
    category_kinds, category_generic = _kinds_in(category_text)
    if category_kinds:
        return _decide(category_kinds, "categories")
    looks_like_run = summary_generic or category_generic
    sporty = bool(_SPORTY_RE.search(summary) or _SPORTY_RE.search(category_text))
    if looks_like_run or sporty:
        description_kinds, _ = _kinds_in(description)
        if description_kinds:
            return _decide(description_kinds, "description")
    if looks_like_run:
        return Classification("easy", via="summary" if summary_generic else "categories")
    return Classification(None, sporty=sporty)


@lru_cache(maxsize=4096)
def _classify_cached(summary: str, description: str, categories: tuple[str, ...],
                     keyword_map: tuple[tuple[str, str], ...]) -> Classification:
    """classify_event for the occurrences of one series (same texts): computed once."""
    return classify_event(summary, description, categories, dict(keyword_map))


def _mapped_kind(text: str, keyword_map: Mapping[str, str]) -> str | None:
    """The --map entry whose keyword occurs in `text`; the longest keyword wins."""
    for keyword in sorted(keyword_map, key=lambda word: (-len(word), word)):
        if _compile(re.escape(keyword).replace(r"\ ", r"\s+")).search(text):
            return keyword_map[keyword]
    return None


def _kinds_in(text: str) -> tuple[list[str], bool]:
    """Types named by explicit words in `text`, in DEMAND order; and whether a generic
    running word ("run", "jog") is there too."""
    kinds: set[str] = set()
    for pattern, kind in _EXPLICIT_RE:
        text, count = pattern.subn(" ", text)
        if count and kind is not None:
            kinds.add(kind)
    return sorted(kinds, key=DEMAND.index), bool(_GENERIC_RE.search(text))


def _decide(kinds: list[str], where: str) -> Classification:
    return Classification(kinds[0], found=tuple(kinds) if len(kinds) > 1 else (), via=where)


# --------------------------------------------------------------------------------------
# Options


def parse_range(text: str | None, *, field: str = "--range") -> tuple[date, date] | None:
    """'2027-03-01..2027-03-21' -> (first day, last day), both included."""
    if text is None:
        return None
    found = _RANGE_RE.fullmatch(text)
    try:
        first, last = (date.fromisoformat(found.group(1)), date.fromisoformat(found.group(2))
                       ) if found else (None, None)
    except ValueError:
        first = last = None
    if first is None or last is None:
        raise InputError(f"bad range {text!r}: expected START..END as YYYY-MM-DD..YYYY-MM-DD, "
                         "e.g. 2027-03-01..2027-03-28", field=field)
    if last < first:
        raise InputError(f"range {text!r} ends before it starts", field=field)
    for day in (first, last):
        check_date_bounds(day, field=field)
    weeks = (monday_of(last) - monday_of(first)).days // 7 + 1
    if weeks > MAX_WEEKS:
        raise InputError(f"range {text!r} spans {weeks} weeks; at most {MAX_WEEKS} fit in "
                         "one plan", field=field)
    return first, last


def parse_keyword_map(items: Iterable[str], *, field: str = "--map") -> dict[str, str]:
    """['parkrun=race', 'club night=speed', 'walk=ignore'] -> {keyword: type}."""
    mapping: dict[str, str] = {}
    for item in items:
        keyword, sep, kind_text = item.partition("=")
        keyword = " ".join(keyword.split()).casefold()
        if not sep or not keyword or not kind_text.strip():
            raise InputError(f"bad --map {item!r}: expected KEYWORD=TYPE, e.g. 'parkrun=race'",
                             field=field)
        word = kind_text.strip().lower()
        kind = IGNORE if word == IGNORE else classify_run(word)
        if kind is None:
            raise InputError(f"bad --map {item!r}: the type must be one of "
                             f"{', '.join(RUN_TYPES)}, or {IGNORE}", field=field)
        mapping[keyword] = kind
    return mapping


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
        if _zone_or_none(name) is not None:
            return name
    # No (usable) X-WR-TIMEZONE: the IANA zone most event starts are written in.
    counts: dict[str, int] = {}
    for raw in _DTSTART_TZID_RE.findall(data):
        name = raw.decode("utf-8", "replace").strip().strip('"')
        counts[name] = counts.get(name, 0) + 1
    for name, _ in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])):
        if "/" in name and _zone_or_none(name) is not None:
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
    zone = _zone_or_none(default_tz)
    if zone is None:
        raise InputError(f"unknown time zone {default_tz!r}", field="--tz")
    calendars = _parse(source)
    warnings: list[str] = []
    for calendar in calendars:
        _drop_bad_x_wr_timezone(calendar, warnings)
        warnings.extend(_unknown_tzids(calendar, zone))
        warnings.extend(_drop_backwards_ends(calendar, zone))
        warnings.extend(_bound_recurrence(calendar))

    if range_ is None:
        first, last = _default_range(calendars, source, zone, keyword_map, warnings)
        weeks = (monday_of(last) - monday_of(first)).days // 7 + 1
        if weeks > MAX_WEEKS:
            raise InputError(
                f"runs span {weeks} weeks ({first.isoformat()} to {last.isoformat()}); at "
                f"most {MAX_WEEKS} fit in one plan: pick the weeks with --range START..END",
                file=source)
    else:
        first, last = range_
    # Runs in the whole weeks around the range, and on the Monday after, inform the rules
    # (H1 sees the long run the day after the range) but get no session.
    around = (max(DATE_MIN, monday_of(first)),
              min(DATE_MAX, monday_of(last) + timedelta(days=7)))
    _check_expansion(calendars, source, zone, *around)
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
    _check_span([item for item in inside if item.run is not None], source)
    if range_ is None:
        _check_gaps([item.day for item in inside if item.run is not None], source)
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


def _check_gaps(days: list[date], source: str) -> None:
    for before, after, weeks in empty_gaps(days):
        if weeks > MAX_EMPTY_WEEKS:
            raise InputError(
                f"no runs for {weeks} weeks between {before.isoformat()} and "
                f"{after.isoformat()}: a typo in an event's date? Pick the weeks to plan with "
                "--range START..END", file=source)


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
        raise InputError(f"not a valid iCalendar file: {_short(err)}", file=source) from err
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
    if name and _zone_or_none(name) is None:
        warnings.append(f"ignored X-WR-TIMEZONE {name!r}: not a time zone this machine knows")
        del calendar["X-WR-TIMEZONE"]


def _unknown_tzids(calendar, zone: tzinfo) -> list[str]:
    """A TZID that is neither an IANA/Windows zone nor defined by a VTIMEZONE leaves the
    time floating (icalendar gives a naive datetime): say how it is read."""
    floating = _floating_zone(calendar, zone)
    unknown: dict[str, str] = {}
    for event in calendar.walk("VEVENT"):
        start = event.get("DTSTART")
        try:
            tzid = start.params.get("TZID") if start is not None else None
            naive = isinstance(start.dt, datetime) and start.dt.tzinfo is None
        except Exception:  # reported with the event when it is read
            continue
        if tzid and naive:
            unknown.setdefault(str(tzid), _text(event, "SUMMARY"))
    return [f"unknown time zone {name!r} (in {_quote(summary)}): its times are read as "
            f"{getattr(floating, 'key', floating)} time" for name, summary in unknown.items()]


def _drop_backwards_ends(calendar, zone: tzinfo) -> list[str]:
    """An event whose DTEND is before its DTSTART is read by its DTSTART alone (the
    expansion library would otherwise swap them and move the run to the earlier day)."""
    lines = []
    floating = _floating_zone(calendar, zone)
    for event in calendar.walk("VEVENT"):
        try:
            start, end = event["DTSTART"].dt, event["DTEND"].dt
            backwards = _comparable(end, floating) < _comparable(start, floating)
        except Exception:  # no DTEND, or one that is reported when the event is read
            continue
        if backwards:
            del event["DTEND"]
            lines.append(f"{_quote(_text(event, 'SUMMARY'))} ends before it starts (DTEND "
                         "before DTSTART): read on the day it starts")
    return lines


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


def _bound_recurrence(calendar) -> list[str]:
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
            lines.append(f"{_quote(_text(event, 'SUMMARY'))} repeats more than once a day "
                         f"({', '.join(changed)}): read as once a day")
    return lines


def _check_expansion(calendars: list, source: str, zone: tzinfo, first: date,
                     last: date) -> None:
    """Refuse, before expanding, a calendar whose recurrences would take too long or
    produce too many occurrences (see MAX_OCCURRENCES and MAX_EXPANSION_STEPS)."""
    occurrences = steps = 0
    worst: tuple[int, str] = (0, "")
    days = (last - first).days + 4
    for calendar in calendars:
        floating = _floating_zone(calendar, zone)
        for event in calendar.walk("VEVENT"):
            count, work = _event_cost(event, floating, first, last, days)
            occurrences += count
            steps += work
            worst = max(worst, (work, _event_field(event)))
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
        start = _comparable(event["DTSTART"].dt, floating).date()
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
                end = min(end, _comparable(until[0], floating).date())
        steps = max(0, (end - start).days) // period + 1
        steps = min(steps * spread, (int(limit[0]) if limit else steps * spread))
        work += steps
        count += min(days, steps, (days // period + 2) * spread)
    return count, work


def _comparable(value: date | datetime, floating: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=floating)
    return value if value.tzinfo is not None else value.replace(tzinfo=floating)


def _zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _default_range(calendars: list, source: str, zone: tzinfo, keyword_map: Mapping[str, str],
                   warnings: list[str]) -> tuple[date, date]:
    """Whole weeks around the one-off runs; else 16 weeks from the first recurring run."""
    one_off: list[date] = []
    series: list[date] = []
    for calendar in calendars:
        floating = _floating_zone(calendar, zone)
        for event in calendar.walk("VEVENT"):
            if "DTSTART" not in event or "RECURRENCE-ID" in event:
                continue
            try:
                day = _local_start(event["DTSTART"].dt, floating, zone)[0]
            except Exception:  # reported with the event's name when it is expanded
                continue
            if _event_run(event, keyword_map) is None:
                continue
            check_date_bounds(day, file=source, field=_event_field(event))
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


def _event_run(event, keyword_map: Mapping[str, str]) -> str | None:
    """The run type of a master event, or None (ours, cancelled or not a run)."""
    if _is_own_strength(event) or _text(event, "STATUS").upper() == "CANCELLED":
        return None
    own = _own_run(event)
    if own is not None:
        return own[1]
    return classify_event(*_texts(event), keyword_map).kind


def _floating_zone(calendar, zone: tzinfo) -> tzinfo:
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    return (_zone_or_none(name) if name else None) or zone


def _occurrences(calendar, source: str, zone: tzinfo, first: date, last: date,
                 keyword_map: Mapping[str, str]) -> list[_Occurrence]:
    events = _expand(calendar, source, first - timedelta(days=1), last + timedelta(days=2))
    floating = _floating_zone(calendar, zone)
    found: list[_Occurrence] = []
    for event in events:
        occurrence = _occurrence(event, source, zone, floating, keyword_map)
        if occurrence is not None and first <= occurrence.day <= last:
            found.append(occurrence)
    return found


def _expand(calendar, source: str, first: date, last: date) -> list:
    """Every occurrence between the dates; a broken series is an error naming its event."""
    import recurring_ical_events

    try:
        return list(recurring_ical_events.of(calendar).between(first, last))
    except Exception as err:
        culprit = _broken_event(calendar, first, last)
        raise InputError(f"cannot expand this event: {_short(err)}", file=source,
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
            return _event_field(event)
    return None


def _event_field(event) -> str:
    summary = _text(event, "SUMMARY") or "(no summary)"
    try:
        start = event["DTSTART"].dt
        day = (start.date() if isinstance(start, datetime) else start).isoformat()
    except Exception:  # no DTSTART, two of them, or one that does not parse
        day = "(no valid DTSTART)"
    return f"VEVENT {_cut(summary, 40)} {day}"


def _text(event, name: str) -> str:
    """A text property, whitespace collapsed; repeated ones (invalid) joined."""
    value = event.get(name)
    if value is None:
        return ""
    values = value if isinstance(value, list) else [value]
    return " ".join(" ".join(str(item).split()) for item in values)


def _occurrence(event, source: str, zone: tzinfo, floating: tzinfo,
                keyword_map: Mapping[str, str]) -> _Occurrence | None:
    summary = _text(event, "SUMMARY")
    if _text(event, "STATUS").upper() == "CANCELLED":
        return None
    try:
        start_value = event["DTSTART"].dt
        day, clock = _local_start(start_value, floating, zone)
    except Exception as err:
        raise InputError(f"bad DTSTART: {_short(err)}", file=source,
                         field=_event_field(event)) from err
    if _is_own_strength(event):
        return _Occurrence(summary, day, None, Classification(None), own_strength=True)
    check_date_bounds(day, file=source, field=_event_field(event))

    own = _own_run(event)
    if own is not None:
        title, kind, minutes = own
        label = title
        classification = Classification(kind, via="runstrong")
    else:
        summary_text, description, categories = _texts(event)
        classification = _classify_cached(summary_text, description, tuple(categories),
                                          tuple(sorted(keyword_map.items())))
        kind = classification.kind
        title = label = summary
        minutes = None
    if kind is None:
        return _Occurrence(summary, day, None, classification)
    try:
        if clock is None and own is None:
            minutes = _minutes_in_text(summary)
        elif clock is not None and own is None:
            minutes = _elapsed_minutes(event, start_value, floating)
    except Exception as err:
        raise InputError(f"bad DTEND or DURATION: {_short(err)}", file=source,
                         field=_event_field(event)) from err
    run = Run(date=day, kind=kind, minutes=minutes, time=clock, title=title,
              source_label=label)
    return _Occurrence(summary, day, run, classification, days=_all_day_span(event))


def _all_day_span(event) -> int:
    """How many days an all-day event covers (DTEND is exclusive); 1 for timed ones."""
    try:
        start, end = event["DTSTART"].dt, event["DTEND"].dt
    except Exception:  # no DTEND: one day
        return 1
    if isinstance(start, datetime) or isinstance(end, datetime):
        return 1
    return max(1, (end - start).days)


def _texts(event) -> tuple[str, str, list[str]]:
    return _text(event, "SUMMARY"), _text(event, "DESCRIPTION"), _categories(event)


def _categories(event) -> list[str]:
    found: list[str] = []
    values = event.get("CATEGORIES")
    if values is None:
        return found
    for value in values if isinstance(values, list) else [values]:
        cats = getattr(value, "cats", None)
        if cats is None:
            found.extend(part.strip() for part in str(value).split(","))
        else:
            found.extend(str(cat).strip() for cat in cats)
    return [cat for cat in found if cat]


def _is_own_strength(event) -> bool:
    categories = {cat.casefold() for cat in _categories(event)}
    if "runstrong" in categories:
        return True
    uid = _text(event, "UID")
    summary = _text(event, "SUMMARY")
    return bool(_OWN_STRENGTH_UID_RE.fullmatch(uid) or _OWN_STRENGTH_SUMMARY_RE.match(summary))


def _own_run(event) -> tuple[str, str, int | None] | None:
    """(title, type, minutes) of a run event written by `plan --with-runs`, else None."""
    categories = {cat.casefold() for cat in _categories(event)}
    uid = _text(event, "UID")
    found = _OWN_RUN_SUMMARY_RE.fullmatch(_text(event, "SUMMARY"))
    if found is None:
        return None  # not ours, or edited by hand: read it like any other event
    ours = "runstrong-runs" in categories or _OWN_RUN_UID_RE.fullmatch(uid)
    # A calendar that dropped CATEGORIES and UIDs still keeps "Run · long · 110 min".
    if not ours and found.group("title") not in _OWN_RUN_DEFAULT_TITLES:
        return None
    title = found.group("title").strip()
    minutes = int(found.group("minutes")) if found.group("minutes") else None
    return ("" if title in _OWN_RUN_DEFAULT_TITLES else title), found.group("kind"), minutes


def _local_start(value: date | datetime, floating: tzinfo,
                 zone: tzinfo) -> tuple[date, time | None]:
    """(date, time) in the plan's zone; an all-day date has no time and is not moved."""
    if not isinstance(value, datetime):
        return value, None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=floating)
    local = aware.astimezone(zone)
    return local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)


def _elapsed_minutes(event, start: datetime, floating: tzinfo) -> int | None:
    """DTEND - DTSTART (or DURATION) in real minutes; None when absent, 0 or too long."""
    if "DTEND" in event:
        end = event["DTEND"].dt
        if not isinstance(end, datetime):
            return None
        begin = start if start.tzinfo else start.replace(tzinfo=floating)
        finish = end if end.tzinfo else end.replace(tzinfo=floating)
        elapsed = finish.astimezone(timezone.utc) - begin.astimezone(timezone.utc)
    elif "DURATION" in event:
        elapsed = event["DURATION"].dt
    else:
        return None
    minutes = round(elapsed.total_seconds() / 60)
    return minutes if 0 < minutes <= MAX_MINUTES else None


def _minutes_in_text(text: str) -> int | None:
    """'Long run 110 min' -> 110; '1h30 long run' -> 90; nothing said -> None."""
    said = [int(plain) if plain else int(hours) * 60 + int(extra or 0)
            for hours, extra, plain in _MINUTES_TEXT_RE.findall(text)]
    # "Long run 2h with 20 min at MP": the longest figure is the run's length.
    minutes = max(said, default=0)
    return minutes if 0 < minutes <= MAX_MINUTES else None


def _check_span(runs: list[_Occurrence], source: str) -> None:
    first = monday_of(min(item.day for item in runs))
    last = max(item.day for item in runs)
    weeks = (monday_of(last) - first).days // 7 + 1
    if weeks > MAX_WEEKS:
        raise InputError(
            f"runs span {weeks} weeks ({first.isoformat()} to {last.isoformat()}); at most "
            f"{MAX_WEEKS} fit in one plan: pick the weeks with --range START..END",
            file=source,
        )


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
            f"ambiguous: {_quote(summary)} on {_days(days)} names {' and '.join(kinds)}; read as "
            f"{kinds[0]} (the more demanding); to choose, --map {_quote(f'{keyword}={kinds[-1]}')}"
        )
    for summary, days in sorted(ignored.items(), key=lambda pair: min(pair[1])):
        lines.append(f"ignored: {_quote(summary)} on {_days(days)}: not a run (if it is one, "
                     f"--map {_quote(f'{summary.casefold()}=easy')})")
    for (summary, days), starts in sorted(long_events.items(), key=lambda pair: min(pair[1])):
        lines.append(f"{_quote(summary)} on {_days(starts)} lasts {days} days: counted as one "
                     "run on its first day")
    if own:
        noun = "session" if own == 1 else "sessions"
        lines.append(f"ignored {own} runstrong strength {noun} already in the calendar")
    return lines


def _days(days: list[date]) -> str:
    ordered = sorted(set(days))
    shown = ", ".join(day.isoformat() for day in ordered[:3])
    return shown + (f" (+{len(ordered) - 3} more)" if len(ordered) > 3 else "")


def _quote(text: str) -> str:
    return "'" + _cut(text, 60).replace("'", "’") + "'"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:200]
