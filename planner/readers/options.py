"""Option values as a runner types them: CLI options, and the same cells in a roster CSV.

Each parser takes the text and where it came from (`field`, and `file`/`row` for a CSV
cell), and returns a domain value or raises an InputError naming that place with the
values that would have been accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import time

from planner.domain import ASSUMED_EQUIPMENT, EQUIPMENT, LEVELS, LOADED_EQUIPMENT, WEEKDAYS
from planner.errors import InputError, shown_value
from planner.readers.run_words import suggest

# Day names for the `day` column and for --prefer-days/--avoid-days; 0 = Monday.
DAY_NAMES: dict[str, int] = {}
for _index, _full in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
):
    DAY_NAMES[_full] = _index
    DAY_NAMES[_full[:3]] = _index
DAY_NAMES.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

EQUIPMENT_SYNONYMS: dict[str, str] = {
    "dumbbells": "dumbbell",
    "kettlebells": "kettlebell",
    "barbells": "barbell",
    "benches": "bench",
    "boxes": "box",
    "bands": "band",
    "machines": "machine",
    "resistance band": "band",
    "resistance bands": "band",
    "mini band": "band",
    "mini bands": "band",
    "loop band": "band",
    "plyo box": "box",
}
# Things every home has (ASSUMED_EQUIPMENT); people still type them, so drop them quietly.
_ASSUMED_WORDS: frozenset[str] = ASSUMED_EQUIPMENT | {"floor", "walls", "steps", "stairs", "chairs"}
_TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
_FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})
_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")


def _words(text: str) -> list[str]:
    return [" ".join(part.lower().replace("-", " ").replace("_", " ").split())
            for part in text.split(",")]


def parse_equipment(text: str | None, *, field: str = "--equipment", file: str | None = None,
                    row: int | None = None) -> frozenset[str]:
    """'dumbbells, band' -> {'dumbbell', 'band'}; 'none' or empty -> no equipment."""
    if text is None or text.strip().lower() in ("", "none"):
        return frozenset()
    found: set[str] = set()
    for word in _words(text):
        if not word or word in _ASSUMED_WORDS:
            continue  # empty from a trailing comma; floor/wall/step/chair are assumed
        item = word if word in EQUIPMENT else EQUIPMENT_SYNONYMS.get(word)
        if item is None:
            raise InputError(
                f"unknown equipment {shown_value(word)}: use a comma list of "
                f"{', '.join(EQUIPMENT)}, or 'none' (floor, wall, step and chair are assumed)"
                f"{suggest(word, (*EQUIPMENT, *EQUIPMENT_SYNONYMS))}",
                file=file, row=row, field=field,
            )
        found.add(item)
    return frozenset(found)


def parse_weekday(text: str, *, field: str, file: str | None = None,
                  row: int | None = None) -> int:
    """'Tue', 'tuesday', 'TUES' -> 1 (0 = Monday)."""
    key = text.strip().lower().rstrip(".")
    if key not in DAY_NAMES:
        raise InputError(f"bad day {shown_value(text)}: expected one of {', '.join(WEEKDAYS)} "
                         f"(or the full name){suggest(key, DAY_NAMES)}", file=file, row=row,
                         field=field)
    return DAY_NAMES[key]


def parse_days(text: str | None, *, field: str, file: str | None = None,
               row: int | None = None) -> frozenset[int]:
    """'Tue,Thu' or 'tuesday, thursday' -> {1, 3}; empty or 'none' -> no days."""
    if text is None or text.strip().lower() in ("", "none"):
        return frozenset()
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    return frozenset(parse_weekday(part, field=field, file=file, row=row) for part in parts)


def parse_clock(text: str, *, field: str, file: str | None = None,
                row: int | None = None) -> time:
    """'18:30' or '7:05' (24-hour) -> time."""
    found = _CLOCK_RE.fullmatch(text.strip())
    if found and int(found.group(1)) < 24 and int(found.group(2)) < 60:
        return time(int(found.group(1)), int(found.group(2)))
    raise InputError(f"bad time {shown_value(text)}: expected HH:MM on a 24-hour clock, e.g. 18:30",
                     file=file, row=row, field=field)


def parse_level(text: str, *, field: str = "--level", file: str | None = None,
                row: int | None = None) -> str:
    level = text.strip().lower()
    if level not in LEVELS:
        raise InputError(f"unknown level {shown_value(text)}: use one of {', '.join(LEVELS)}"
                         f"{suggest(level, LEVELS)}", file=file, row=row, field=field)
    return level


def parse_bool(text: str, *, field: str, file: str | None = None,
               row: int | None = None) -> bool:
    word = text.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise InputError(f"bad yes/no value {shown_value(text)}: use true/false, yes/no, y/n or 1/0",
                     file=file, row=row, field=field)


MAX_WEIGHT_KG = 500.0


def _kilograms(number: str) -> float | None:
    """'12.5', '12.5 kg' -> 12.5; None when it is no number."""
    try:
        return float(number.strip().lower().removesuffix("kg"))
    except ValueError:
        return None


def _possible_weight(kg: float) -> bool:
    """Between 0 and MAX_WEIGHT_KG, and a number (NaN is neither)."""
    return 0 < kg <= MAX_WEIGHT_KG


def parse_weights(texts: tuple[str, ...] | list[str], *, field: str = "--weights",
                  file: str | None = None, row: int | None = None
                  ) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """'dumbbell:4,6,8,10,12.5' (repeatable, or ';'-separated) -> (('dumbbell', (4.0, …)),):
    the weights the runner owns, in kg, so the plan names them."""
    found: dict[str, set[float]] = {}
    for text in texts:
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            item, sep, numbers = part.partition(":")
            key = item.strip().lower().rstrip("s")
            key = EQUIPMENT_SYNONYMS.get(key, key)
            if not sep or key not in LOADED_EQUIPMENT:
                raise InputError(
                    f"bad weights {shown_value(part)}: write ITEM:KG,KG,… with ITEM one of "
                    f"{', '.join(LOADED_EQUIPMENT)}, e.g. dumbbell:4,6,8,10,12.5",
                    file=file, row=row, field=field)
            kgs = found.setdefault(key, set())
            for number in numbers.split(","):
                kg = _kilograms(number)
                if kg is None:
                    raise InputError(f"bad weight {shown_value(number)} in {shown_value(part)}: "
                                     "expected kilograms like 8 or 12.5",
                                     file=file, row=row, field=field)
                if not _possible_weight(kg):
                    raise InputError(f"weight {shown_value(number)} is not between 0 and "
                                     f"{MAX_WEIGHT_KG:g} kg", file=file, row=row, field=field)
                kgs.add(kg)
    return tuple((item, tuple(sorted(kgs))) for item, kgs in sorted(found.items()))


def parse_niggles(items: tuple[str, ...] | list[str], *, field: str = "--niggle",
                  file: str | None = None, row: int | None = None) -> frozenset[str]:
    """'knee', 'Achilles; back' (repeatable, or ; and , lists) -> {'knee', 'achilles', 'back'}."""
    from planner.niggles import NIGGLES

    return _known_words(items, NIGGLES, lambda word, name: (
        f"unknown niggle {shown_value(word)}: use one of "
        f"{', '.join(NIGGLES)}{suggest(name, NIGGLES)}"), field=field, file=file, row=row)


def parse_exclude(items: tuple[str, ...] | list[str], known: set[str] | frozenset[str], *,
                  field: str = "--exclude", file: str | None = None,
                  row: int | None = None) -> frozenset[str]:
    """Catalog ids to leave out ('walking-lunge-knee-drive'); each must be in the catalog."""
    return _known_words(items, known, lambda word, name: (
        f"{shown_value(word)} is not an exercise id (runstrong catalog lists them)"
        f"{suggest(name, tuple(sorted(known)))}"), field=field, file=file, row=row)


def _known_words(items: tuple[str, ...] | list[str], known: Collection[str],
                 unknown: Callable[[str, str], str], *, field: str, file: str | None,
                 row: int | None) -> frozenset[str]:
    """Words of repeatable options and roster cells (`;` or `,` between them), lower-cased,
    each one of `known`; `unknown(word, name)` words the error for one that is not."""
    found: set[str] = set()
    for text in items:
        for word in text.replace(";", ",").split(","):
            name = word.strip().lower()
            if not name:
                continue
            if name not in known:
                raise InputError(unknown(word.strip(), name), file=file, row=row, field=field)
            found.add(name)
    return frozenset(found)


def parse_start_weights(texts: tuple[str, ...] | list[str], *, field: str = "--start-weight"
                        ) -> tuple[tuple[str, float], ...]:
    """'romanian-deadlift:10' (repeatable, or ';'-separated) -> (('romanian-deadlift', 10.0),):
    a lift's first-week weight by catalog id. Whether the lift exists and the weight is
    owned is checked against the catalog and --weights (pipeline.check_start_weights)."""
    found: dict[str, float] = {}
    for text in texts:
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            name, sep, number = part.rpartition(":")
            name = name.strip().lower()
            kg = _kilograms(number) if sep and name else None
            if kg is None:
                raise InputError(f"bad start weight {shown_value(part)}: write ID:KG with the "
                                 "exercise id of `runstrong catalog`, e.g. romanian-deadlift:10",
                                 field=field)
            if not _possible_weight(kg):
                raise InputError(f"start weight {shown_value(number)} is not between 0 and "
                                 f"{MAX_WEIGHT_KG:g} kg", field=field)
            if name in found and found[name] != kg:
                raise InputError(f"two start weights for {shown_value(name)}: "
                                 f"{found[name]:g} and {kg:g} kg", field=field)
            found[name] = kg
    return tuple(sorted(found.items()))
