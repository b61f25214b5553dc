"""Print a block's dose table (Markdown) for a runs file: the planning behind
`planner.renderers.doses.dose_table`.

`python -m planner.services.doses RUNS.csv --level intermediate --equipment dumbbell,band`
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from planner.renderers.doses import dose_table


def main(argv: Sequence[str] | None = None) -> int:
    from planner.domain import Profile
    from planner.errors import InputError
    from planner.readers.catalog import load_catalog
    from planner.readers.options import parse_equipment, parse_level
    from planner.readers.runs_csv import load_runs
    from planner.solving.block import plan_block

    parser = argparse.ArgumentParser(prog="python -m planner.services.doses",
                                     description="Print a block's dose table (Markdown).")
    parser.add_argument("runs")
    parser.add_argument("--level", default="intermediate")
    parser.add_argument("--equipment", default="none")
    args = parser.parse_args(argv)
    try:
        profile = Profile(level=parse_level(args.level),
                          equipment=parse_equipment(args.equipment), tz="UTC")
        runs = load_runs(args.runs).runs
        plan = plan_block(runs, profile, load_catalog().exercises).plan
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    sys.stdout.write(dose_table(plan))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
