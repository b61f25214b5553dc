"""What the web app keeps per athlete: plans, the log, the calendar feed (sync, one DB session).

Every function takes an open SQLAlchemy session; the caller commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session as DBSession

from planner.domain import Plan
from planner.readers.session_log import SetDone
from planner.renderers.feed import feed_etag, feed_state_from_json, feed_state_to_json, render_feed
from planner.web.db import Athlete, LogEntry, PlanRecord, utcnow
from planner.web.security import new_token
from planner.web.views import LoggedExercise, plan_with_log


def create_athlete(db: DBSession, name: str, options: dict[str, Any], *,
                   squad_id: int | None = None, position: int | None = None) -> Athlete:
    athlete = Athlete(token=new_token(), feed_token=new_token(), name=name[:120],
                      options=json.dumps(options, sort_keys=True), squad_id=squad_id,
                      squad_position=position, created_at=utcnow())
    db.add(athlete)
    db.flush()
    return athlete


def athlete_by_token(db: DBSession, token: str) -> Athlete | None:
    if not token or len(token) > 64:
        return None
    return db.scalars(select(Athlete).where(Athlete.token == token)).first()


def athlete_by_feed_token(db: DBSession, token: str) -> Athlete | None:
    if not token or len(token) > 64:
        return None
    return db.scalars(select(Athlete).where(Athlete.feed_token == token)).first()


def athlete_options(athlete: Athlete) -> dict[str, Any]:
    try:
        data = json.loads(athlete.options or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def plans_of(db: DBSession, athlete: Athlete) -> list[PlanRecord]:
    return list(db.scalars(select(PlanRecord).where(PlanRecord.athlete_id == athlete.id)
                           .order_by(PlanRecord.number)))


def plan_record(db: DBSession, athlete: Athlete, number: int | None = None) -> PlanRecord | None:
    if number is not None and not 0 < number < 2**31:
        return None
    query = select(PlanRecord).where(PlanRecord.athlete_id == athlete.id)
    if number is None:
        query = query.order_by(PlanRecord.number.desc())
    else:
        query = query.where(PlanRecord.number == number)
    return db.scalars(query.limit(1)).first()


def lock_athlete(db: DBSession, athlete: Athlete) -> None:
    """Serialise writers of one athlete until the caller commits.

    A no-op UPDATE of the athlete's row is the one lock both databases take the same way:
    PostgreSQL locks the row (a second writer waits, then reads what the first committed);
    SQLite takes its database write lock. Reads made after it see every committed plan and
    feed state, so numbers and the feed never race (a double click no longer clashes on
    UNIQUE(athlete_id, number))."""
    db.execute(update(Athlete).where(Athlete.id == athlete.id)
               .values(token=Athlete.token).execution_options(synchronize_session=False))
    # what another request committed while this one was planning
    db.refresh(athlete, ["feed_state", "feed_ics", "feed_etag", "feed_modified"])


def save_plan(db: DBSession, athlete: Athlete, plan: Plan, *, plan_json: bytes, ics: bytes,
              report: str, source: str, warnings: tuple[str, ...] = (),
              notes: tuple[str, ...] = (), summary: dict[str, str] | None = None,
              alarm_minutes: int | None = None, with_runs: bool = False,
              now: datetime | None = None) -> PlanRecord:
    """Keep a new plan in the athlete's history and make it what the feed serves."""
    now = now or utcnow()
    lock_athlete(db, athlete)
    number = (db.scalar(select(func.max(PlanRecord.number))
                        .where(PlanRecord.athlete_id == athlete.id)) or 0) + 1
    record = PlanRecord(
        athlete_id=athlete.id, number=number, created_at=now,
        first_week=plan.weeks[0].start, last_week=plan.weeks[-1].start, source=source[:120],
        plan_json=plan_json.decode("utf-8"), ics=ics, report=report,
        warnings=json.dumps(list(warnings)), notes=json.dumps(list(notes)),
        summary=json.dumps(summary or {}))
    db.add(record)
    db.flush()
    update_feed(db, athlete, now, alarm_minutes=alarm_minutes, with_runs=with_runs)
    db.flush()
    return record


def feed_plan(db: DBSession, athlete: Athlete) -> tuple[Plan, frozenset[date]] | None:
    """What the feed serves: the athlete's history (each earlier week as the newest plan
    that has it left it, with its log) and the current plan, and the days logged done.
    Planning next week never takes last week out of the runner's calendar."""
    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import plan_from_json, with_catalog
    from planner.renderers.feed import done_days

    records = plans_of(db, athlete)
    if not records:
        return None
    current = records[-1]
    weeks: dict[str, dict[str, Any]] = {}
    for record in records[:-1]:
        data = plan_with_log(json.loads(record.plan_json), log_entries(db, record))
        for week in data["weeks"]:
            weeks[week["start"]] = week  # a newer plan of the same week wins
    combined = plan_with_log(json.loads(current.plan_json), log_entries(db, current))
    first = min((w["start"] for w in combined["weeks"]), default="")
    combined["weeks"] = [weeks[start] for start in sorted(weeks) if start < first] + \
        combined["weeks"]
    plan = with_catalog(plan_from_json(combined), _catalog_by_id(load_catalog))
    return plan, done_days(combined)


_CATALOG: dict[str, Any] = {}


def _catalog_by_id(load: Any) -> dict[str, Any]:
    """The default catalog's rows by id, read once per process (the feed needs its FIT and
    how-to text, which the plan JSON does not carry)."""
    if "by_id" not in _CATALOG:
        _CATALOG["by_id"] = load().by_id()
    return _CATALOG["by_id"]


def update_feed(db: DBSession, athlete: Athlete, now: datetime, *,
                alarm_minutes: int | None = None, with_runs: bool = False) -> None:
    """Render the feed from the stored state: unchanged sessions stay byte-identical,
    changed ones raise SEQUENCE (a session logged done is titled "✓ …"), dropped ones
    leave. Last-Modified moves only when the bytes change."""
    found = feed_plan(db, athlete)
    if found is None:
        return
    plan, done = found
    previous = feed_state_from_json(athlete.feed_state) if athlete.feed_state else None
    ics, state = render_feed(plan, previous, now, alarm_minutes=alarm_minutes,
                             with_runs=with_runs, done=done)
    etag = feed_etag(ics)
    if etag != athlete.feed_etag or athlete.feed_modified is None:
        athlete.feed_modified = now
    athlete.feed_ics, athlete.feed_etag = ics, etag
    athlete.feed_state = feed_state_to_json(state)


def refresh_feed(db: DBSession, athlete: Athlete, now: datetime | None = None) -> None:
    """The feed again after the log changed, with the athlete's calendar options."""
    options = athlete_options(athlete)
    alarm = options.get("alarm")
    update_feed(db, athlete, now or utcnow(),
                alarm_minutes=int(alarm) if isinstance(alarm, (int, str)) and str(alarm).isdigit()
                else None, with_runs=bool(options.get("with_runs")))


def rotate_feed(athlete: Athlete) -> None:
    athlete.feed_token = new_token()


# ---- log ------------------------------------------------------------------------------------


def log_entries(db: DBSession, record: PlanRecord) -> list[LoggedExercise]:
    rows = db.scalars(select(LogEntry).where(LogEntry.plan_id == record.id))
    return [LoggedExercise(r.session_date.isoformat(), r.variation, r.status, r.reps,
                           r.weight_kg, r.rir, _sets(r.sets_json), r.source or "web")
            for r in rows]


def _sets(text: str | None) -> tuple[SetDone, ...]:
    try:
        data = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(SetDone(int(s["reps"]), None if s.get("kg") is None else float(s["kg"]))
                 for s in data if isinstance(s, dict) and isinstance(s.get("reps"), int))


@dataclass(frozen=True)
class LogRow:
    session_date: date
    variation: str
    status: str  # "" = not logged
    reps: int | None
    weight_kg: float | None
    rir: int | None
    sets: tuple[SetDone, ...] = ()
    source: str = "web"


def save_log(db: DBSession, record: PlanRecord, rows: list[LogRow],
             sessions: set[date]) -> None:
    """Replace the log of the given sessions of a plan with `rows`."""
    athlete = db.get(Athlete, record.athlete_id)
    assert athlete is not None
    lock_athlete(db, athlete)  # two identical posts at once: the second replaces the first
    if sessions:
        db.execute(delete(LogEntry).where(LogEntry.plan_id == record.id,
                                          LogEntry.session_date.in_(sorted(sessions))))
    now = utcnow()
    for row in rows:
        if row.status:
            sets = (json.dumps([{"reps": s.reps, "kg": s.kg} for s in row.sets])
                    if row.sets else None)
            db.add(LogEntry(plan_id=record.id, session_date=row.session_date,
                            variation=row.variation, status=row.status, reps=row.reps,
                            weight_kg=row.weight_kg, rir=row.rir, updated_at=now,
                            sets_json=sets, source=row.source))
    db.flush()


def previous_for(db: DBSession, athlete: Athlete, first_monday: date
                 ) -> tuple[PlanRecord, dict[str, Any]] | None:
    """The newest plan ending before `first_monday`, with the runner's log as "done" marks:
    what the next plan progresses from (the `--previous` logic)."""
    record = db.scalars(
        select(PlanRecord).where(PlanRecord.athlete_id == athlete.id,
                                 PlanRecord.last_week < first_monday)
        .order_by(PlanRecord.last_week.desc(), PlanRecord.number.desc()).limit(1)).first()
    if record is None:
        return None
    return record, plan_with_log(json.loads(record.plan_json), log_entries(db, record))


def log_counts(db: DBSession, record: PlanRecord) -> dict[str, int]:
    """Sessions of the plan by logged status (a session counts once)."""
    statuses: dict[date, str] = {}
    for row in db.scalars(select(LogEntry).where(LogEntry.plan_id == record.id)):
        statuses[row.session_date] = row.status
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    return counts


def adherence(db: DBSession, athlete: Athlete) -> list[tuple[date, dict[str, int]]]:
    """Per week (Monday, oldest first), the athlete's sessions by what they logged: done,
    skipped, too hard (a session counts once, "too hard" over "done"); weeks with no log
    are left out. A week planned twice counts in its newest plan."""
    from planner.domain import monday_of

    latest: dict[date, PlanRecord] = {}
    for record in plans_of(db, athlete):
        data = json.loads(record.plan_json)
        for week in data.get("weeks", []):
            latest[date.fromisoformat(week["start"])] = record
    statuses: dict[tuple[int, date], set[str]] = {}
    for record in {r.id: r for r in latest.values()}.values():
        for row in db.scalars(select(LogEntry).where(LogEntry.plan_id == record.id)):
            statuses.setdefault((record.id, row.session_date), set()).add(row.status)
    weeks: dict[date, dict[str, int]] = {}
    for (plan_id, day), found in sorted(statuses.items()):
        monday = monday_of(day)
        if latest.get(monday) is None or latest[monday].id != plan_id:
            continue
        status = ("too hard" if "too hard" in found else "done" if "done" in found
                  else "skipped")
        counts = weeks.setdefault(monday, {})
        counts[status] = counts.get(status, 0) + 1
    return sorted(weeks.items())
