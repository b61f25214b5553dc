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

__all__ = ["main"]
