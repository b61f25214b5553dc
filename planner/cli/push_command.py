"""`runstrong push`: a plan into a CalDAV calendar, updating what an earlier push wrote."""

from __future__ import annotations

import os
from pathlib import Path

import click

from planner.cli.common import (
    friendly_errors,
)
from planner.domain import (
    ALARM_RANGE,
    CONFIRM_DELETES_OVER,
)


@click.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--caldav", "caldav_url", required=True, metavar="URL",
              help="The CalDAV calendar's own URL, e.g. "
                   "https://dav.example.com/calendars/me/runstrong/.")
@click.option("--user", default=None, metavar="NAME",
              help="User name on the server; the password is read from the environment "
                   "variable RUNSTRONG_CALDAV_PASSWORD, never from the command line.")
@click.option("--alarm", type=click.IntRange(*ALARM_RANGE), default=None, metavar="MIN",
              help="Add a reminder MIN minutes before each session.")
@click.option("--with-runs", is_flag=True,
              help="Also put the plan's runs in the calendar, as their own events.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@click.option("--dry-run", is_flag=True,
              help="Read the calendar and print what would be created, updated and deleted; "
                   "change nothing.")
@click.option("--yes", "-y", "assume_yes", is_flag=True,
              help=f"Delete more than {CONFIRM_DELETES_OVER} sessions from today on without "
                   "asking (a push of an older or shorter plan asks first; without a "
                   "terminal to ask on, it is refused).")
@friendly_errors
def push(plan_json: Path, caldav_url: str, user: str | None, alarm: int | None,
         with_runs: bool, quiet: bool, dry_run: bool, assume_yes: bool) -> None:
    """Write PLAN_JSON's sessions into a CalDAV calendar, and keep them in step.

    Creates new sessions, updates changed ones (SEQUENCE raised), deletes the sessions
    runstrong put there for this athlete from the plan's first week on that the plan no
    longer has, and never touches any other event. Pushing the same plan twice changes
    nothing. Exit 2: refused (user name, password, URL, a redirect to another host, deletions
    not confirmed); 5: server unreachable or failed
    part-way (what was done is reported; push again to finish).

    \b
    Example:
      RUNSTRONG_CALDAV_PASSWORD=... runstrong push plan.json \\
          --caldav https://dav.example.com/calendars/anna/runstrong/ --user anna
    """
    import sys
    from datetime import datetime, timezone
    from urllib.parse import urlsplit

    from planner.readers.plan_json import load_plan_json, plan_from_json
    from planner.renderers.feed import done_days
    from planner.services.push import (
        PASSWORD_ENV,
        PushRefused,
        push_plan,
        redact_url,
        sends_password_in_clear,
    )

    shown_url = redact_url(caldav_url)
    raw_plan = load_plan_json(plan_json)
    plan_data = plan_from_json(raw_plan, file=str(plan_json))
    password = os.environ.get(PASSWORD_ENV) or None
    if user is not None and password is None:
        raise PushRefused(f"--user {user} needs the password in the environment variable "
                          f"{PASSWORD_ENV}")
    try:
        in_url = urlsplit(caldav_url).password is not None
    except ValueError:
        in_url = False
    if (password is not None or in_url) and sends_password_in_clear(caldav_url):
        click.echo(f"warning: {shown_url} is plain http to another machine: the password "
                   "crosses the network unencrypted; use https", err=True)

    def progress(kind: str, uid: str) -> None:
        if not quiet:
            click.echo(f"{kind}d {uid}")  # created, updated, deleted

    def confirm(uids: list[str]) -> bool:
        if assume_yes:
            return True
        if not sys.stdin.isatty():
            return False
        click.echo(f"This push deletes {len(uids)} sessions from today on:", err=True)
        for uid in uids:
            click.echo(f"  {uid}", err=True)
        return click.confirm("Delete them?", default=False, err=True)

    result = push_plan(plan_data, caldav_url, username=user, password=password,
                       now=datetime.now(timezone.utc), alarm_minutes=alarm,
                       with_runs=with_runs, on_change=progress, dry_run=dry_run,
                       confirm_deletes=confirm, done=done_days(raw_plan))
    if dry_run:
        if not quiet:
            for kind, uids in (("create", result.created), ("update", result.updated),
                               ("delete", result.deleted)):
                for uid in uids:
                    click.echo(f"would {kind} {uid}")
        click.echo(f"Dry run, nothing changed: pushing {plan_json} to {result.url} would "
                   f"give {result.summary()}.")
        return
    click.echo(f"Pushed {plan_json} to {result.url}: {result.summary()}.")
