"""A coach's squad: the roster and runs planned in a background thread with planner.services.batch.

The request checks the roster (its errors show on the form at once), writes the runs to a
server-named temporary file, and queues the batch; the squad page shows progress until
every athlete is planned. Each planned athlete gets an athlete page and a feed of their own.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import suppress
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session as DBSession
from sqlalchemy.orm import sessionmaker

from planner.errors import InputError
from planner.pipeline import display_name, options_from_profile, rename_source, upload_file
from planner.readers.roster import RosterEntry, load_roster, split_runs_by_athlete
from planner.renderers.terminal import plan_report
from planner.services.batch import (
    AthleteOutcome,
    jobs_for,
    plan_athlete,
    run_batch,
    safe_file_stem,
    summary_csv,
)
from planner.web.db import Athlete, PlanRecord, Squad, SquadFailure, utcnow
from planner.web.security import new_token
from planner.web.store import create_athlete, save_plan

log = logging.getLogger("runstrong.web")
MAX_ATHLETES = 500


@dataclass(frozen=True)
class SquadUpload:
    roster: bytes
    roster_name: str
    runs: bytes
    runs_name: str


def check_upload(upload: SquadUpload) -> list[RosterEntry]:
    """Read the roster and check the runs file's shape; InputError names the user's files."""
    roster_shown = display_name(upload.roster_name, "roster.csv")
    runs_shown = display_name(upload.runs_name, "runs.csv")
    with upload_file(upload.roster, ".csv") as path:
        try:
            entries = load_roster(path)
        except InputError as err:
            raise rename_source(err, path, roster_shown) from None
    if len(entries) > MAX_ATHLETES:
        raise InputError(f"{len(entries)} athletes; the most in one batch is {MAX_ATHLETES}",
                         file=roster_shown)
    entries = [_renamed_entry(entry, path, roster_shown) for entry in entries]
    with upload_file(upload.runs, ".csv") as path:
        try:
            split_runs_by_athlete(path)
        except InputError as err:
            raise rename_source(err, path, runs_shown) from None
    return entries


def _renamed_entry(entry: RosterEntry, path: str, shown: str) -> RosterEntry:
    if not entry.error:
        return entry
    return RosterEntry(entry.row, entry.name, entry.profile, entry.error.replace(path, shown))


def start_squad(db_factory: sessionmaker, executor: Executor, upload: SquadUpload,
                entries: list[RosterEntry], pool: Executor | None = None,
                stopping: threading.Event | None = None, cluster: str | None = None) -> str:
    """Record the squad, queue its batch, and return its token."""
    with db_factory() as db:
        squad = Squad(token=new_token(), created_at=utcnow(), status="queued",
                      total=len(entries), done=0, error="",
                      roster_name=display_name(upload.roster_name, "roster.csv"),
                      runs_name=display_name(upload.runs_name, "runs.csv"))
        db.add(squad)
        db.commit()
        squad_id, token = squad.id, squad.token
    handle, path = tempfile.mkstemp(prefix="runstrong-squad-", suffix=".csv")
    with os.fdopen(handle, "wb") as out:
        out.write(upload.runs)
    executor.submit(_run_squad_safely, db_factory, squad_id, entries, path,
                    squad.runs_name, pool, stopping, cluster)
    return token


INTERRUPTED = "the server stopped before this batch finished: upload it again"


class ServerStopping(Exception):
    """The server is shutting down: the squad stops between two athletes."""


def _run_squad_safely(db_factory: sessionmaker, squad_id: int, entries: list[RosterEntry],
                      path: str, shown: str, pool: Executor | None,
                      stopping: threading.Event | None = None,
                      cluster: str | None = None) -> None:
    try:
        run_squad(db_factory, squad_id, entries, path, shown, pool=pool, stopping=stopping,
                  cluster=cluster)
    except BaseException as err:  # the page must say so, not spin forever
        # A server stopping (SIGTERM, Ctrl+C) ends its worker pool under the batch: that is
        # an interruption with a reason, not a failure with an empty one.
        if stopping is not None and stopping.is_set():
            status, reason = "interrupted", INTERRUPTED
        else:
            log.exception("squad %s failed", squad_id)
            status, reason = "failed", f"the batch stopped: {str(err) or type(err).__name__}"
        with suppress(Exception), db_factory() as db:
            squad = db.get(Squad, squad_id)
            if squad is not None:
                squad.status, squad.error = status, reason
                db.commit()
        if not isinstance(err, Exception):
            raise
    finally:
        with suppress(OSError):
            os.unlink(path)


def run_squad(db_factory: sessionmaker, squad_id: int, entries: list[RosterEntry],
              runs_path: str, shown: str, *, pool: Executor | None = None,
              cluster: str | None = None,
              on_athlete: Callable[[int], None] | None = None,
              stopping: threading.Event | None = None) -> None:
    """Plan every athlete with planner.services.batch (on the Dask cluster at `cluster`, in
    `pool`'s worker processes, else one after another in this thread) and store each as
    it finishes: in roster order here, as they come back from a cluster. A server that is
    stopping (`stopping` set) ends the squad between two athletes."""
    with db_factory() as db:
        squad = db.get(Squad, squad_id)
        assert squad is not None
        squad.status = "running"
        db.commit()
    if cluster is not None:
        from planner.services.cluster import IN_FLIGHT_PER_THREAD, connect, plan_on_cluster
        from planner.services.cluster import cluster_threads as threads_of

        with connect(cluster, 1) as client:
            finished = plan_on_cluster(client, jobs_for(entries, runs_path, None),
                                       IN_FLIGHT_PER_THREAD * threads_of(client),
                                       keep_plans=True)
            for done, (index, outcome) in enumerate(finished, start=1):
                if stopping is not None and stopping.is_set():
                    raise ServerStopping
                _store(db_factory, squad_id, index + 1, done, entries[index], outcome,
                       runs_path, shown)
                if on_athlete:
                    on_athlete(done)
    else:
        if pool is not None:
            outcomes = pool.map(plan_athlete, jobs_for(entries, runs_path, None), chunksize=1)
        else:
            outcomes = run_batch(entries, runs_path, jobs=1)
        for position, (entry, outcome) in enumerate(zip(entries, outcomes, strict=True),
                                                     start=1):
            if stopping is not None and stopping.is_set():
                raise ServerStopping
            _store(db_factory, squad_id, position, position, entry, outcome, runs_path, shown)
            if on_athlete:
                on_athlete(position)
    with db_factory() as db:
        squad = db.get(Squad, squad_id)
        assert squad is not None
        squad.status = "done"
        db.commit()


def _store(db_factory: sessionmaker, squad_id: int, position: int, done: int,
           entry: RosterEntry, outcome: AthleteOutcome, runs_path: str, shown: str) -> None:
    """One athlete's outcome: an athlete page with its plan, or a failure row."""
    with db_factory() as db:
        squad = db.get(Squad, squad_id)
        assert squad is not None
        if outcome.failed or outcome.plan is None:
            message = (outcome.errors[0] if outcome.errors else "failed").replace(
                runs_path, shown)
            db.add(SquadFailure(squad_id=squad_id, position=position,
                                name=outcome.name[:120], error=message))
        else:
            assert entry.profile is not None
            athlete = create_athlete(db, outcome.name, options_from_profile(entry.profile),
                                     squad_id=squad_id, position=position)
            summary = {k: v.replace(runs_path, shown) for k, v in outcome.summary.items()}
            save_plan(db, athlete, outcome.plan, plan_json=outcome.json or b"",
                      ics=outcome.ics or b"", report=plan_report(outcome.plan),
                      source=shown, summary=summary)
        squad.done = done
        db.commit()


def mark_interrupted(db_factory: sessionmaker) -> None:
    """A server stopped mid-batch leaves squads that will never finish: say so."""
    with db_factory() as db:
        for squad in db.scalars(select(Squad).where(Squad.status.in_(("queued", "running")))):
            squad.status = "interrupted"
            squad.error = INTERRUPTED
        db.commit()


@dataclass(frozen=True)
class SquadRow:
    position: int
    name: str
    athlete: Athlete | None
    record: PlanRecord | None
    summary: dict[str, str]
    error: str


def squad_rows(db: DBSession, squad: Squad) -> list[SquadRow]:
    rows: list[SquadRow] = []
    athletes = db.scalars(select(Athlete).where(Athlete.squad_id == squad.id))
    for athlete in athletes:
        record = db.scalars(select(PlanRecord).where(PlanRecord.athlete_id == athlete.id)
                            .order_by(PlanRecord.number.desc()).limit(1)).first()
        summary = json.loads(record.summary) if record else {}
        rows.append(SquadRow(athlete.squad_position or 0, athlete.name, athlete, record,
                             summary, ""))
    for failure in db.scalars(select(SquadFailure).where(SquadFailure.squad_id == squad.id)):
        rows.append(SquadRow(failure.position, failure.name, None, None, {}, failure.error))
    return sorted(rows, key=lambda row: row.position)


def squad_zip(rows: list[SquadRow]) -> bytes:
    """Every athlete's latest calendar (and plan JSON), plus summary.csv."""
    buffer = io.BytesIO()
    taken: set[str] = set()
    summaries = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            stem = safe_file_stem(row.name, taken)
            summary = dict(row.summary) if row.summary else {
                "athlete": row.name, "status": "failed", "warnings": row.error}
            if row.record is not None:
                _write(archive, f"{stem}.ics", row.record.ics)
                _write(archive, f"{stem}.json", row.record.plan_json.encode("utf-8"))
                summary["file"] = f"{stem}.ics"
            summaries.append(summary)
        _write(archive, "summary.csv", summary_csv(summaries))
    return buffer.getvalue()


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # same bytes every time
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)
