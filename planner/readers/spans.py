"""The dates runstrong plans in, and the checks every runs reader makes on them.

One set of bounds for the CSV and the .ics reader alike: a date outside DATE_MIN..DATE_MAX,
runs spanning more than MAX_WEEKS weeks, or more than MAX_EMPTY_WEEKS empty weeks in a row
are all taken for typos and reported as an InputError saying where.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from planner.domain import Run, monday_of
from planner.errors import InputError

MAX_WEEKS = 104  # two years of training is the longest horizon we plan in one go
# More empty weeks than this in a row between two runs is taken for a typo in a date (a
# mistyped year would otherwise stretch the plan over months of nothing); fewer are
# reported and left unplanned.
MAX_EMPTY_WEEKS = 8
MAX_MINUTES = 600  # ten hours: longer than any single run we expect, so likely a typo
# Dates runstrong plans in: anything outside is a typo (and near year 1 or 9999 the
# calendar arithmetic of the planner and the .ics writer would overflow).
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)

_RANGE_RE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*")


def check_date_bounds(day: date, *, field: str | None = None, file: str | None = None,
                      row: int | None = None) -> date:
    """`day` when it lies in DATE_MIN..DATE_MAX, else an InputError naming where it came."""
    if isinstance(day, datetime):
        day = day.date()
    if not DATE_MIN <= day <= DATE_MAX:
        raise InputError(f"{day.isoformat()} is outside the dates runstrong plans "
                         f"({DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}): a typo in the year?",
                         file=file, row=row, field=field)
    return day


def week_starts(runs: Iterable[Run]) -> list[date]:
    """Every Monday from the first run's week to the last run's, with no gaps."""
    dates = [run.date for run in runs]
    if not dates:
        return []
    first, last = monday_of(min(dates)), monday_of(max(dates))
    return [first + timedelta(weeks=index) for index in range((last - first).days // 7 + 1)]


def weeks_spanned(first: date, last: date) -> int:
    """How many Monday-to-Sunday weeks the days from `first` to `last` touch."""
    return (monday_of(last) - monday_of(first)).days // 7 + 1


def check_span(first: date, last: date, *, fix: str, file: str, row: int | None = None,
               field: str | None = None) -> None:
    """Refuse runs from `first` to `last` spanning more than MAX_WEEKS weeks; `fix` says
    how the runner picks fewer (split the file, --range...)."""
    weeks = weeks_spanned(first, last)
    if weeks > MAX_WEEKS:
        raise InputError(
            f"runs span {weeks} weeks ({monday_of(first).isoformat()} to {last.isoformat()}); "
            f"at most {MAX_WEEKS} fit in one plan: {fix}",
            file=file, row=row, field=field,
        )


def empty_gaps(dates: Iterable[date]) -> list[tuple[date, date, int]]:
    """(last run before, first run after, empty weeks between) for every run of weeks
    without a run between the first and the last run."""
    ordered = sorted(dates)
    mondays = sorted({monday_of(day) for day in ordered})
    firsts: dict[date, date] = {}
    for day in ordered:
        firsts.setdefault(monday_of(day), day)
    lasts = {monday_of(day): day for day in ordered}
    return [(lasts[a], firsts[b], (b - a).days // 7 - 1)
            for a, b in itertools.pairwise(mondays) if (b - a).days > 7]


def check_gaps(dates: Iterable[date], *, typo_in: str, fix: str, file: str,
               row_of: dict[date, int] | None = None, field: str | None = None) -> None:
    """Refuse more than MAX_EMPTY_WEEKS empty weeks in a row between two runs: "a typo in
    `typo_in`?", then `fix`; `row_of` gives the row of the run after the gap."""
    for before, after, weeks in empty_gaps(dates):
        if weeks > MAX_EMPTY_WEEKS:
            raise InputError(
                f"no runs for {weeks} weeks between {before.isoformat()} and "
                f"{after.isoformat()}: a typo in {typo_in}? {fix}",
                file=file, row=(row_of or {}).get(after), field=field)


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
    weeks = weeks_spanned(first, last)
    if weeks > MAX_WEEKS:
        raise InputError(f"range {text!r} spans {weeks} weeks; at most {MAX_WEEKS} fit in "
                         "one plan", field=field)
    return first, last
