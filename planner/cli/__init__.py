"""`runstrong`: plan leg-strength sessions around your runs and put them in your calendar.

Exit codes: 0 done; 1 `check` found rule violations; 2 bad input or options (nothing
written; for `push` also a refused password or a URL with no calendar); 3 no plan
satisfies the hard rules (the rules in conflict and what to change are printed; nothing
written); 4 `batch`: some athletes failed (the others are written); 5 `push`: the
calendar server could not be reached or failed part-way (what was done is reported),
`batch --cluster`: the Dask scheduler could not be reached (nothing written);
74 standard output or error could not be written (a closed pipe, a full disk: one line,
no traceback; `plan` exits 0 when all its files were written and only its report was lost);
130 `batch` interrupted (the athletes planned so far are written, summary.csv marks the rest).
Every output goes through planner.renderers.outputs: checked before any work, written all or
nothing.
"""

from __future__ import annotations

import sys

import click

from planner.cli.batch_command import batch
from planner.cli.common import RunstrongGroup, stop_on_sigterm
from planner.cli.log_command import log
from planner.cli.plan_command import plan
from planner.cli.plan_tools import catalog, check, explain
from planner.cli.push_command import push
from planner.cli.serve_command import serve


@click.group(cls=RunstrongGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="runstrong")
def main() -> None:
    """Plan leg-strength training around your running week.

    runstrong reads your week of runs, places 1–2 strength sessions where they will not
    steal from your key runs (never heavy legs the day before a long run, hill, speed
    session or race), picks 4–7 exercises from the article's 13 and doses them, and
    writes a calendar file you can import into Google Calendar.

    \b
    Start here:
      runstrong plan examples/intermediate-week.csv --level intermediate --equipment dumbbell,band
      runstrong catalog --muscle soleus
      runstrong explain plan.json
    """
    stop_on_sigterm()



for command in (plan, log, batch, check, explain, catalog, push, serve):
    main.add_command(command)

# Commands that never read or write Parquet: pandas may skip pyarrow for them.
WITHOUT_PYARROW = frozenset({"plan", "check", "explain", "catalog", "push"})


def run(argv: list[str] | None = None) -> None:
    """The `runstrong` command (and `python -m planner`): `main`, with a lighter start for
    the commands that never touch Parquet."""
    args = sys.argv[1:] if argv is None else argv
    command = next((arg for arg in args if not arg.startswith("-")), None)
    if command in WITHOUT_PYARROW:
        import_pandas_without_pyarrow()
    main(args=args, prog_name="runstrong")


def import_pandas_without_pyarrow() -> None:
    """Import pandas as if pyarrow were not installed.

    pandas imports pyarrow whenever it is installed (pandas.compat.pyarrow), about 40 MB
    and a tenth of the start-up of `runstrong plan`, which reads CSV and .ics into plain
    strings and never needs it. With the [cluster] extra installed, hide pyarrow while
    pandas loads; pandas then keeps its strings in Python objects, the same values."""
    if "pandas" in sys.modules:
        return
    missing = object()
    saved = sys.modules.get("pyarrow", missing)
    sys.modules["pyarrow"] = None  # type: ignore[assignment]  # `import pyarrow` fails
    try:
        import pandas  # noqa: F401
    finally:
        if saved is missing:
            del sys.modules["pyarrow"]
        else:
            sys.modules["pyarrow"] = saved  # type: ignore[assignment]


__all__ = ["main", "run"]
