"""One calendar event (VEVENT) as runstrong reads it: its texts, its run type, when it
starts and how long it lasts, and whether runstrong wrote it.

Classification (`classify_event`) uses the shared vocabulary of
`planner.readers.run_words`: the user's `--map` first, then a whole summary that is a run
label ("Off", "Cruise"), then the run words found in the summary, the categories, and the
description (which only refines an event that already looks like a run or sport).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone, tzinfo
from functools import lru_cache

from planner.domain import RUN_TYPES
from planner.errors import InputError
from planner.readers.run_words import (
    SPORT_RE,
    classify_run,
    run_kinds_in,
    words_pattern,
)
from planner.readers.spans import MAX_MINUTES
from planner.readers.time_zones import zone_or_none

IGNORE = "ignore"  # a --map type that drops matching events
_MINUTES_TEXT_RE = re.compile(
    r"(?<!\d)(?:(\d{1,2})\s?h(?:ours?|rs?)?\s?(\d{1,2})?|(\d{1,3})\s?(?:min(?:ute)?s?|'))(?![\w])",
    re.IGNORECASE,
)


# runstrong's own events (see planner.renderers.ics)
_OWN_STRENGTH_UID_RE = re.compile(r"[0-9a-f]{32}@runstrong", re.IGNORECASE)
_OWN_STRENGTH_SUMMARY_RE = re.compile(r"Leg strength · (?:main|heavy|light)\b")
_OWN_RUN_UID_RE = re.compile(r"run-[0-9a-f]{32}@runstrong", re.IGNORECASE)
_OWN_RUN_SUMMARY_RE = re.compile(
    rf"(?P<title>.*?)\s·\s(?P<kind>{'|'.join(RUN_TYPES)})(?:\s·\s(?P<minutes>\d+)\smin)?",
)
_OWN_RUN_DEFAULT_TITLES = frozenset({"Run", "Rest day", "Cross-training"})


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
    # A summary that is a whole run label reads as in a runs CSV: "Off", "Cruise", "Z2 run".
    label_kind = classify_run(summary)
    if label_kind is not None:
        return Classification(label_kind, via="summary")

    summary_kinds, summary_generic = run_kinds_in(summary)
    if summary_kinds:
        return _decide(summary_kinds, "summary")
    category_kinds, category_generic = run_kinds_in(category_text)
    if category_kinds:
        return _decide(category_kinds, "categories")
    looks_like_run = summary_generic or category_generic
    sporty = bool(SPORT_RE.search(summary) or SPORT_RE.search(category_text))
    if looks_like_run or sporty:
        description_kinds, _ = run_kinds_in(description)
        if description_kinds:
            return _decide(description_kinds, "description")
    if looks_like_run:
        return Classification("easy", via="summary" if summary_generic else "categories")
    return Classification(None, sporty=sporty)


@lru_cache(maxsize=4096)
def classify_cached(summary: str, description: str, categories: tuple[str, ...],
                     keyword_map: tuple[tuple[str, str], ...]) -> Classification:
    """classify_event for the occurrences of one series (same texts): computed once."""
    return classify_event(summary, description, categories, dict(keyword_map))


def _mapped_kind(text: str, keyword_map: Mapping[str, str]) -> str | None:
    """The --map entry whose keyword occurs in `text`; the longest keyword wins."""
    for keyword in sorted(keyword_map, key=lambda word: (-len(word), word)):
        if words_pattern(re.escape(keyword).replace(r"\ ", r"\s+")).search(text):
            return keyword_map[keyword]
    return None


def _decide(kinds: list[str], where: str) -> Classification:
    return Classification(kinds[0], found=tuple(kinds) if len(kinds) > 1 else (), via=where)


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


def floating_zone(calendar, zone: tzinfo) -> tzinfo:
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    return (zone_or_none(name) if name else None) or zone


def comparable(value: date | datetime, floating: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=floating)
    return value if value.tzinfo is not None else value.replace(tzinfo=floating)


def event_field(event) -> str:
    summary = event_text(event, "SUMMARY") or "(no summary)"
    try:
        start = event["DTSTART"].dt
        day = (start.date() if isinstance(start, datetime) else start).isoformat()
    except Exception:  # no DTSTART, two of them, or one that does not parse
        day = "(no valid DTSTART)"
    return f"VEVENT {cut(summary, 40)} {day}"


def event_text(event, name: str) -> str:
    """A text property, whitespace collapsed; repeated ones (invalid) joined."""
    value = event.get(name)
    if value is None:
        return ""
    values = value if isinstance(value, list) else [value]
    return " ".join(" ".join(str(item).split()) for item in values)


def event_texts(event) -> tuple[str, str, list[str]]:
    return event_text(event, "SUMMARY"), event_text(event, "DESCRIPTION"), event_categories(event)


def event_categories(event) -> list[str]:
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


def is_own_strength(event) -> bool:
    categories = {cat.casefold() for cat in event_categories(event)}
    if "runstrong" in categories:
        return True
    uid = event_text(event, "UID")
    summary = event_text(event, "SUMMARY")
    return bool(_OWN_STRENGTH_UID_RE.fullmatch(uid) or _OWN_STRENGTH_SUMMARY_RE.match(summary))


def own_run(event) -> tuple[str, str, int | None] | None:
    """(title, type, minutes) of a run event written by `plan --with-runs`, else None."""
    categories = {cat.casefold() for cat in event_categories(event)}
    uid = event_text(event, "UID")
    found = _OWN_RUN_SUMMARY_RE.fullmatch(event_text(event, "SUMMARY"))
    if found is None:
        return None  # not ours, or edited by hand: read it like any other event
    ours = "runstrong-runs" in categories or _OWN_RUN_UID_RE.fullmatch(uid)
    # A calendar that dropped CATEGORIES and UIDs still keeps "Run · long · 110 min".
    if not ours and found.group("title") not in _OWN_RUN_DEFAULT_TITLES:
        return None
    title = found.group("title").strip()
    minutes = int(found.group("minutes")) if found.group("minutes") else None
    return ("" if title in _OWN_RUN_DEFAULT_TITLES else title), found.group("kind"), minutes


def event_run_kind(event, keyword_map: Mapping[str, str]) -> str | None:
    """The run type of a master event, or None (ours, cancelled or not a run)."""
    if is_own_strength(event) or event_text(event, "STATUS").upper() == "CANCELLED":
        return None
    own = own_run(event)
    if own is not None:
        return own[1]
    return classify_event(*event_texts(event), keyword_map).kind


def local_start(value: date | datetime, floating: tzinfo,
                 zone: tzinfo) -> tuple[date, time | None]:
    """(date, time) in the plan's zone; an all-day date has no time and is not moved."""
    if not isinstance(value, datetime):
        return value, None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=floating)
    local = aware.astimezone(zone)
    return local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)


def elapsed_minutes(event, start: datetime, floating: tzinfo) -> int | None:
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


def minutes_in_text(text: str) -> int | None:
    """'Long run 110 min' -> 110; '1h30 long run' -> 90; nothing said -> None."""
    said = [int(plain) if plain else int(hours) * 60 + int(extra or 0)
            for hours, extra, plain in _MINUTES_TEXT_RE.findall(text)]
    # "Long run 2h with 20 min at MP": the longest figure is the run's length.
    minutes = max(said, default=0)
    return minutes if 0 < minutes <= MAX_MINUTES else None


def all_day_span(event) -> int:
    """How many days an all-day event covers (DTEND is exclusive); 1 for timed ones."""
    try:
        start, end = event["DTSTART"].dt, event["DTEND"].dt
    except Exception:  # no DTEND: one day
        return 1
    if isinstance(start, datetime) or isinstance(end, datetime):
        return 1
    return max(1, (end - start).days)


def quoted(text: str) -> str:
    return "'" + cut(text, 60).replace("'", "’") + "'"


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_error(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:200]
