"""Time-zone names, checked one way for every reader: --tz, a roster's tz, a calendar's zones.

A zone is an IANA name this machine (or the tzdata package) knows, properly capitalised;
names zoneinfo can load but that mean different things on another machine ("localtime")
are refused, so a plan written here reads the same anywhere.
"""

from __future__ import annotations

import difflib
import os
import zoneinfo
from functools import lru_cache
from pathlib import Path

from planner.errors import InputError, shown_value

# Not IANA zone names although zoneinfo can load them: they would mean different things
# on another machine, or nothing, in a calendar file.
_NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})

_ETC_TIMEZONE = Path("/etc/timezone")
_ETC_LOCALTIME = Path("/etc/localtime")


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """casefolded name -> IANA name, for every zone this machine (or tzdata) knows."""
    try:
        names = zoneinfo.available_timezones()
    except OSError:  # an unreadable TZPATH entry must not stop the program
        names = set()
    return {name.casefold(): name for name in names
            if name.casefold() not in _NOT_ZONES and not name.startswith(("posix/", "right/"))}


def canonical_zone(text: str) -> str | None:
    """An IANA zone name, properly capitalised, or None if it is not one."""
    name = text.strip()
    canonical = _zone_names().get(name.casefold())
    if canonical is not None:
        return canonical
    if (not name or name.casefold() in _NOT_ZONES
            or name.startswith(("/", ".", "posix/", "right/"))):
        return None
    return name if zone_or_none(name) is not None else None  # newer than the list


def zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone zoneinfo loads for `name` (as written), or None when it loads none."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def parse_timezone(text: str | None, *, field: str = "--tz", file: str | None = None,
                   row: int | None = None) -> str:
    """An IANA zone name such as Europe/London; None means this machine's zone."""
    if text is None:
        return default_timezone()
    canonical = canonical_zone(text)
    if canonical is None:
        close = difflib.get_close_matches(text.strip(), list(_zone_names().values()), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise InputError(f"unknown time zone {shown_value(text)}: expected an IANA name such as "
                         f"Europe/London or America/New_York{hint}",
                         file=file, row=row, field=field)
    return canonical


def default_timezone() -> str:
    """The machine's IANA zone: $TZ, /etc/timezone, the /etc/localtime link, else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":"), _read_etc_timezone(),
                  _localtime_link_zone()]
    for candidate in candidates:
        zone = canonical_zone(candidate) if candidate else None
        if zone:
            return zone
    return "UTC"


def _read_etc_timezone() -> str:
    try:
        lines = _ETC_TIMEZONE.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[0].strip() if lines else ""


def _localtime_link_zone() -> str:
    try:
        target = os.readlink(_ETC_LOCALTIME)
    except (OSError, ValueError):
        return ""
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
