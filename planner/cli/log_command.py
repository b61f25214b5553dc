"""`runstrong log`: write what the runner did into the plan JSON, so the next plan
(`plan --previous`) starts from it. Typed in, or read from the watch's activity file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from planner.cli.common import friendly_errors
from planner.errors import InputError

STATUS_WORDS = {"done": "done", "skipped": "skipped", "too-hard": "too hard"}


@click.command()
@click.argument("plan_json", metavar="PLAN.json",
                type=click.Path(dir_okay=False, path_type=Path))
@click.argument("day", metavar="[DATE", required=False)
@click.argument("status", metavar="done|skipped|too-hard]", required=False)
@click.option("--did", "did", multiple=True, metavar="ID:SETSxREPS[@KG]",
              help="What you did of one exercise, e.g. --did goblet-squat:3x10@12 (3 sets of "
                   "10 at 12 kg); reps per side for one-leg moves, seconds for timed holds; "
                   "leave out @KG for bodyweight. Repeatable; repeat an ID for sets that "
                   "differ (--did goblet-squat:1x10@12 --did goblet-squat:2x8@14).")
@click.option("--rir", type=int, default=None, metavar="N",
              help="Reps in reserve at the end of your hardest set, 0-5: 0 (to failure) "
                   "steps the next plan back. With --did it is for those exercises, "
                   "else for the whole session.")
@click.option("--fit", "fit_files", multiple=True, metavar="ACTIVITY.fit",
              type=click.Path(dir_okay=False, path_type=Path),
              help="A strength-training activity from your Garmin watch: its sets are "
                   "matched to the planned session of its date. Repeatable.")
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Use another exercise catalog CSV.")
@friendly_errors
def log(plan_json: Path, day: str | None, status: str | None, did: tuple[str, ...],
        rir: int | None, fit_files: tuple[Path, ...], catalog_path: Path | None) -> None:
    """Record a session as done, skipped or too hard, in PLAN.json itself.

    The next `runstrong plan --previous PLAN.json` then starts from what you did: the reps
    and kilograms you logged (reps climb to the top of the range, then the next weight
    up), one step back after "too hard" or a set to failure (--rir 0), the same dose again
    after a skipped session.

    \b
    Examples:
      runstrong log plan.json 2027-03-02 done --did goblet-squat:3x10@12 --rir 2
      runstrong log plan.json 2027-03-04 skipped
      runstrong log plan.json 2027-03-05 too-hard
      runstrong log plan.json --fit 2027-03-02-strength.fit

    Logging a date again replaces what was logged for it. The file is rewritten all or
    nothing: on any error it is left exactly as it was.
    """
    from planner.readers.plan_json import load_plan_json

    plan = load_plan_json(plan_json)
    name = str(plan_json)
    if fit_files:
        if day or status or did or rir is not None:
            raise InputError("--fit reads the date and sets from the activity; give either "
                             "--fit files or DATE and STATUS (with --did/--rir), not both",
                             field="--fit")
        lines = _log_fit(plan, fit_files, catalog_path, name)
    else:
        lines = [_log_typed(plan, day, status, did, rir, name)]
    _write(plan_json, plan)
    for line in lines:
        click.echo(line)


def _log_typed(plan: dict[str, Any], day: str | None, status: str | None,
               did: tuple[str, ...], rir: int | None, name: str) -> str:
    from planner.cli.common import parse_date_option
    from planner.readers.session_log import (
        check_rir,
        log_session,
        parse_did,
        session_dates,
        sessions_on,
    )

    if day is None or status is None:
        raise InputError("give the session's DATE and done, skipped or too-hard (or --fit "
                         "ACTIVITY.fit)", field="DATE")
    when = parse_date_option(day, "DATE")
    assert when is not None
    word = STATUS_WORDS.get(status.strip().lower())
    if word is None:
        raise InputError(f"'{status}' is not one of: {', '.join(STATUS_WORDS)}",
                         field="STATUS")
    sessions = sessions_on(plan, when.isoformat())
    if not sessions:
        dates = ", ".join(session_dates(plan)) or "none"
        raise InputError(f"no session on {when.isoformat()} (the plan's sessions: {dates})",
                         file=name, field="DATE")
    sets: dict[str, tuple] = {}
    for text in did:
        variation, done = parse_did(text)
        sets[variation] = sets.get(variation, ()) + done
    if rir is not None:
        check_rir(rir)
    # Reps in reserve belong to the sets typed with it; without sets, to the whole session.
    log_session(sessions[0], word, did=sets, rir=dict.fromkeys(sets, rir) if sets else None,
                session_rir=None if sets else rir, source="cli", name=name)
    detail = f" ({len(sets)} exercise(s) with sets)" if sets else ""
    return f"Logged {when.isoformat()}: {word}{detail}."


def _log_fit(plan: dict[str, Any], files: tuple[Path, ...], catalog_path: Path | None,
             name: str) -> list[str]:
    from planner.readers.catalog import load_catalog
    from planner.readers.fit_activity import describe_set, match_activity, read_activity
    from planner.readers.session_log import log_session, sessions_on

    by_id = load_catalog(catalog_path).by_id()
    lines: list[str] = []
    matches = []
    for path in files:
        matched = match_activity(read_activity(path), plan, by_id)
        if not matched.sets:
            raise InputError(f"none of the activity's {len(matched.unmatched)} set(s) is an "
                             f"exercise of the session on {matched.day}; nothing logged",
                             file=str(path))
        matches.append((path, matched))
    for path, matched in matches:
        log_session(sessions_on(plan, matched.day)[0], "done", did=dict(matched.sets),
                    source="fit", name=name)
        session = sessions_on(plan, matched.day)[0]
        for item in session.get("exercises", []):
            if item.get("variation") in matched.missing:
                item["done"] = False
        lines.append(f"Logged {matched.day} from {path}: "
                     f"{sum(len(s) for s in matched.sets.values())} set(s) of "
                     f"{len(matched.sets)} exercise(s).")
        for number, watch_name, planned in matched.sibling:
            lines.append(f"  set {number}: the watch says {watch_name}; counted as {planned} "
                         "(same exercise family)")
        for variation in matched.missing:
            lines.append(f"  {variation}: no set on the watch, marked skipped (log it with "
                         f"--did {variation}:SETSxREPS if you did it)")
        for item in matched.unmatched:
            lines.append(f"  not matched: {describe_set(item)} is no planned exercise "
                         "of this session; not recorded")
    return lines


def _write(path: Path, plan: dict[str, Any]) -> None:
    import json

    from planner.renderers.outputs import Output, write_outputs

    data = (json.dumps(plan, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_outputs([Output(path, data, "PLAN.json")])
