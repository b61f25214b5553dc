"""A reader's error in the web form's words: which field it concerns, and a message that
names that field as the page labels it, never a command-line flag.

The readers speak to every interface at once ("field '--tz'", "pass --start YYYY-MM-DD");
this is where the web says the same thing its own way, once per problem: a file's rows that
share one problem become one message listing the rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from planner.errors import InputError, RunstrongError

# Command-line flags and the form fields (input names) that stand for them on the page.
FLAG_FIELDS: dict[str, str] = {
    "--start": "start", "--tz": "tz", "--minutes": "minutes", "--time": "start_time",
    "--prefer": "prefer", "--avoid": "avoid", "--sessions": "sessions",
    "--deload-every": "deload_every", "--level": "level", "--equipment": "equipment",
    "--weights": "weights", "--map": "map", "--alarm": "alarm", "--athlete": "athlete",
}
# The page's label of each field, as the runner reads it.
FIELD_LABELS: dict[str, str] = {
    "runs": "Runs file", "week_start": "Week starting", "athlete": "Your name",
    "level": "Level", "equipment": "Equipment you own", "weights": "Weights you own",
    "minutes": "Minutes per session", "sessions": "Most sessions a week",
    "start_time": "Usual start time", "prefer": "Days you'd like sessions",
    "avoid": "Days to keep free", "tz": "Time zone", "deload_every": "Lighter week every",
    "alarm": "Reminder", "start": "Monday of week 1", "map": "Calendar words",
    "roster": "Roster CSV",
}
# Fields the form folds away under "More options": an error there opens it.
MORE_OPTIONS = frozenset({"deload_every", "alarm", "with_runs", "start", "map"})
# Fields of "You and your kit" (folded away under "Change your options" on a re-plan).
PROFILE_FIELDS = frozenset(FLAG_FIELDS.values()) | MORE_OPTIONS

_FLAG_RE = re.compile(r"--[a-z][a-z-]*")
_RANGE_RE = re.compile(r"(-?\d+) is not in the range (-?\d+)<=x<=(-?\d+)")
_ROW_LINE_RE = re.compile(r"^\s*row (\d+)(?:, field '([^']*)')?: (.*)$")
_DAY_NEEDS_START = "a 'day' column needs the week it belongs to"


@dataclass(frozen=True)
class FormError:
    field: str  # the form field's name ("runs" for the file itself)
    message: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


def _words(text: str) -> str:
    """Flags replaced by the fields' labels, ranges in words."""
    text = _RANGE_RE.sub(r"\1 is not between \2 and \3", text)

    def label(match: re.Match[str]) -> str:
        field = FLAG_FIELDS.get(match.group(0))
        return f"“{FIELD_LABELS[field]}”" if field else match.group(0)

    return _FLAG_RE.sub(label, text)


def _rows(rows: list[int]) -> str:
    """`row 3`, `rows 2–8`, `rows 2, 5, 9`."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"rows {rows[0]}–{rows[-1]}"
    return "rows " + ", ".join(str(row) for row in rows)


def _file_problems(err: InputError) -> list[tuple[list[int], str | None, str]]:
    """A file error's problems as (rows, column, message), equal ones merged."""
    lines = err.message.split("\n")
    found: list[tuple[int | None, str | None, str]] = [(err.row, err.field, lines[0])]
    for line in lines[1:]:
        match = _ROW_LINE_RE.match(line)
        if match:
            found.append((int(match.group(1)), match.group(2), match.group(3)))
        elif line.strip() and not line.strip().startswith("("):
            found.append((None, None, line.strip()))
    merged: dict[tuple[str | None, str], list[int]] = {}
    for row, column, message in found:
        rows = merged.setdefault((column, message), [])
        if row is not None:
            rows.append(row)
    return [(rows, column, message) for (column, message), rows in merged.items()]


def form_errors(err: InputError) -> list[FormError]:
    """The error as the form shows it: one FormError per problem, each on its field."""
    if err.field in FLAG_FIELDS:
        return [FormError(FLAG_FIELDS[err.field], _words(err.message))]
    if err.field == "week start":
        return [FormError("week_start", _words(err.message))]
    if err.field == "roster" and err.file is None:
        return [FormError("roster", _words(err.message))]
    if _DAY_NEEDS_START in err.message:
        where = f" ({err.file})" if err.file else ""
        return [FormError("start", "your runs file gives days (Mon–Sun) without dates"
                                   f"{where}: give the Monday of its first week here")]
    problems = []
    for rows, column, message in _file_problems(err):
        where = [part for part in (err.file, _rows(rows) if rows else None,
                                   f"column '{column}'" if column else None) if part]
        text = _words(message)
        problems.append(FormError("runs", f"{', '.join(where)}: {text}" if where else text))
    return problems


def error_context(err: RunstrongError) -> dict[str, Any]:
    """What the templates read: the problems in order, each field's message, and whether
    a folded part of the form must open to show its field."""
    problems = (form_errors(err) if isinstance(err, InputError)
                else [FormError("", _words(str(err)))])
    by_field: dict[str, str] = {}
    for problem in problems:
        by_field[problem.field] = (f"{by_field[problem.field]}\n{problem.message}"
                                   if problem.field in by_field else problem.message)
    fields = set(by_field)
    return {"problems": problems, "field_errors": by_field,
            "open_more": bool(fields & MORE_OPTIONS),
            "open_profile": bool(fields & PROFILE_FIELDS),
            "open_grid": "week_start" in fields}
