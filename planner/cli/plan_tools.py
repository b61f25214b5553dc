"""Tools around a plan: `catalog` lists the exercises, `check` validates a plan without the
solver, `explain` says why each session and exercise."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planner.cli.common import (
    EXIT_VIOLATIONS,
    friendly_errors,
    parse_date_option,
)
from planner.errors import InputError

# A hostile or badly broken plan can break a rule in every one of thousands of sessions;
# the first few hundred lines say what to fix, the count says how much is left.
MAX_SHOWN_VIOLATIONS = 200


@click.command()
@click.option("--muscle", default=None, help="Only exercises that train this muscle.")
@click.option("--pattern", default=None, help="Only this movement pattern (squat, hinge, calf…).")
@click.option("--equipment", default=None, metavar="LIST",
              help="Only what this equipment allows (comma list, or none).")
@click.option("--level", default=None, help="Only variations suitable up to this level.")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Use another exercise catalog CSV.")
@friendly_errors
def catalog(muscle: str | None, pattern: str | None, equipment: str | None, level: str | None,
            catalog_path: Path | None) -> None:
    """List the exercises runstrong chooses from, with their doses and ladders.

    \b
    Examples:
      runstrong catalog --muscle soleus
      runstrong catalog --pattern hinge --equipment none --level beginner
    """
    from planner.domain import MUSCLES, PATTERNS
    from planner.planning.progression import equipment_allows, level_allows
    from planner.readers.catalog import load_catalog
    from planner.readers.options import parse_equipment, parse_level

    cat = load_catalog(catalog_path)
    if muscle and muscle not in MUSCLES:
        raise InputError(f"'{muscle}' is not one of: {', '.join(MUSCLES)}", field="--muscle")
    if pattern and pattern not in PATTERNS:
        raise InputError(f"'{pattern}' is not one of: {', '.join(PATTERNS)}", field="--pattern")
    owned = parse_equipment(equipment) if equipment is not None else None
    lvl = parse_level(level) if level else None
    shown = 0
    for ex in cat.exercises:
        if muscle and muscle not in ex.primary + ex.secondary:
            continue
        if pattern and pattern not in ex.patterns:
            continue
        if owned is not None and not equipment_allows(ex, owned):
            continue
        if lvl and not level_allows(ex, lvl):
            continue
        shown += 1
        kit = " and ".join("/".join(o) for o in ex.equipment) or "bodyweight"
        click.echo(f"{ex.family_no:>2}. {ex.name} [{ex.id}] — {ex.level}; "
                   f"{', '.join(ex.patterns)}; {ex.sets_min}–{ex.sets_max} × "
                   f"{ex.reps_min}–{ex.reps_max} {ex.reps_unit}, rest {ex.rest_min_s}–"
                   f"{ex.rest_max_s} s; {kit}")
        click.echo(f"      trains {', '.join(ex.primary)}"
                   + (f" (also {', '.join(ex.secondary)})" if ex.secondary else "")
                   + f". Cue: {ex.cue}")
    click.echo(f"{shown} of {len(cat.exercises)} variations.")


@click.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("runs", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--start", default=None, metavar="YYYY-MM-DD",
              help="The Monday, when RUNS has a 'day' column.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The plan before this one (checks H4 and H9 across the boundary).")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Use another exercise catalog CSV.")
@friendly_errors
def check(plan_json: Path, runs: Path | None, start: str | None, previous: Path | None,
          catalog_path: Path | None) -> None:
    """Check any plan JSON against every hard rule, without the solver.

    Works on runstrong's own plans, edited ones, or a coach's hand-made plan in the same
    JSON shape. RUNS (optional) replaces the runs stored in the plan. Exit 0 when clean,
    1 when a rule is broken.
    """
    from planner.checker import check_plan
    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import load_plan_json
    from planner.readers.runs_csv import load_runs

    cat = load_catalog(catalog_path)
    data = load_plan_json(plan_json)
    prior = load_plan_json(previous) if previous else None
    run_list = load_runs(runs, start=parse_date_option(start, "--start")).runs if runs else None
    violations = check_plan(data, cat, runs=run_list, previous=prior)
    for v in violations[:MAX_SHOWN_VIOLATIONS]:
        where = " ".join(part for part in (v.date, v.exercise) if part)
        click.echo(f"{v.rule} {where}: {v.message}" if where else f"{v.rule}: {v.message}")
    sessions = sum(len(w.get("sessions", [])) for w in data["weeks"])
    if len(violations) > MAX_SHOWN_VIOLATIONS:
        click.echo(f"... and {len(violations) - MAX_SHOWN_VIOLATIONS} more (the first "
                   f"{MAX_SHOWN_VIOLATIONS} are shown; fix these and check again)")
    if violations:
        click.echo(f"{len(violations)} violation(s) in {sessions} sessions.")
        sys.exit(EXIT_VIOLATIONS)
    click.echo(f"OK: {sessions} sessions in {len(data['weeks'])} week(s) break no hard rule.")


@click.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The plan JSON this plan progressed from (the --previous it was made with), "
                   "so the what-if lines rebuild the same weeks.")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="The exercise catalog CSV the plan was made with.")
@friendly_errors
def explain(plan_json: Path, previous: Path | None, catalog_path: Path | None) -> None:
    """Print why each session sits on its day, what moving it would cost, and what each
    soft objective cost.

    \b
    Example:
      runstrong explain plan.json
      runstrong explain week2.json --previous week1.json --catalog my-catalog.csv
    """
    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import load_plan_json
    from planner.services.explain import explain_plan

    data = load_plan_json(plan_json)
    before = load_plan_json(previous) if previous is not None else None
    try:
        text = explain_plan(data, catalog=load_catalog(catalog_path), previous=before)
    except InputError as err:
        if err.file is not None:
            raise
        raise InputError(err.message, file=str(plan_json), field=err.field) from None
    click.echo(text)

