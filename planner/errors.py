"""Errors a user can act on. The CLI prints them without a traceback."""

from __future__ import annotations


class RunstrongError(Exception):
    """Base class; `exit_code` is what the CLI exits with."""

    exit_code = 2


class InputError(RunstrongError):
    """Bad input: names the file, the row (1-based data row, header = row 1) and the field."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = [part for part in (
            self.file,
            f"row {self.row}" if self.row is not None else None,
            f"field '{self.field}'" if self.field else None,
        ) if part]
        return f"{', '.join(where)}: {self.message}" if where else self.message


def shown_value(value: str, limit: int = 40) -> str:
    """Quote a user's value in a message, cut short so junk cannot flood the terminal."""
    shown = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(shown)


def rows_phrase(rows: list[int]) -> str:
    """"row 4", "rows 2-8", "rows 2, 5, 9" """
    if len(rows) == 1:
        return f"row {rows[0]}"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"rows {rows[0]}-{rows[-1]}"
    if len(rows) > 6:
        return f"rows {', '.join(str(r) for r in rows[:6])} and {len(rows) - 6} more"
    return f"rows {', '.join(str(r) for r in rows[:-1])} and {rows[-1]}"
class MissingExtra(RunstrongError):
    """A feature whose libraries come with an optional extra that is not installed."""

    exit_code = 2


EXTRAS = {
    # extra: (what it adds, in a user's words)
    "cluster": "Dask clusters and Parquet",
    "postgres": "PostgreSQL",
}


def require_extra(module: str, extra: str, feature: str) -> None:
    """Import `module` or raise MissingExtra naming the one `pip install` that brings it.

    A lean `pip install runstrong` holds what a runner needs (plan, serve, push, FIT);
    `feature` is what the user asked for, e.g. "--cluster" or "a Parquet runs file"."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"{feature} needs {EXTRAS[extra]} support, which this install leaves out: "
            f"run  pip install 'runstrong[{extra}]'") from None
