"""Everything runstrong reads: runs (CSV or .ics), a coach's roster, the exercise catalog,
and plan JSON. Readers never import the solver; each turns a file into domain values or
raises an InputError naming the file, row and field.
"""

from planner.readers.catalog import Catalog, load_catalog
from planner.readers.plan_json import load_plan_json, plan_from_json
from planner.readers.roster import RosterEntry, load_roster, split_runs_by_athlete
from planner.readers.runs_csv import RunsInput, load_runs
from planner.readers.runs_ics import load_runs_ics

__all__ = [
    "Catalog",
    "RosterEntry",
    "RunsInput",
    "load_catalog",
    "load_plan_json",
    "load_roster",
    "load_runs",
    "load_runs_ics",
    "plan_from_json",
    "split_runs_by_athlete",
]
