"""The runner's log on the web: what was done of each set, typed in or read from the
watch's strength activity. Both end in the same rows (planner.web.store.LogEntry), which
the next plan reads as the one logged-session record (planner.readers.session_log)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from planner.domain import monday_of
from planner.errors import InputError
from planner.web import store
from planner.web.forms import parse_log, read_form, text_field
from planner.web.pages import page
from planner.web.runner_pages import _athlete_context, _athlete_or_404
from planner.web.views import plan_with_log, week_changed_values


def _plan_number(form: FormData) -> int:
    number_text = text_field(form, "plan", 8)
    if not number_text.isdigit():
        raise HTTPException(400, "the log form names no plan")
    return int(number_text)


async def _answer(request: Request, token: str, number: int, problem: str | None, *,
                  section: str = "log", typed: tuple[str, list[Any]] | None = None
                  ) -> Response:
    """The page again with the problem next to its form; `typed` (the week's Monday and
    the grid) keeps what the runner typed into "My week changed"."""
    if problem:
        def load() -> dict[str, Any]:
            with request.app.state.db() as db:
                athlete = _athlete_or_404(db, token)
                context = _athlete_context(request, db, athlete, number,
                                           log_error=problem if section == "log" else None)
                context["week_changed_error"] = problem if section != "log" else None
                if typed is not None:
                    context["week_changed"] = week_changed_values(
                        context["plan"], typed[0], grid=typed[1] or None)
                return context

        return page(request, "athlete.html", await run_in_threadpool(load), 400, private=True)
    return RedirectResponse(f"/a/{token}/plans/{number}?saved=1#log", status_code=303)


def _athlete_and_plan(db: Any, token: str, number: int) -> tuple[Any, Any]:
    """The athlete of `token` and their plan `number`; 404 for either unknown."""
    athlete = _athlete_or_404(db, token)
    record = store.plan_record(db, athlete, number)
    if record is None:
        raise HTTPException(404, "no such plan")
    return athlete, record


async def save_log(request: Request) -> Response:
    token = request.path_params["token"]
    form = await read_form(request)
    number = _plan_number(form)

    def work() -> str | None:
        with request.app.state.db() as db:
            athlete, record = _athlete_and_plan(db, token, number)
            try:
                rows, sessions = parse_log(form, json.loads(record.plan_json))
            except InputError as err:
                return str(err)
            store.save_log(db, record, rows, sessions)
            store.refresh_feed(db, athlete)
            db.commit()
            return None

    return await _answer(request, token, number, await run_in_threadpool(work))


async def save_fit_log(request: Request) -> Response:
    """A Garmin strength activity: its sets matched to the plan's session of its date, as
    `runstrong log --fit` does; nothing is saved when the file is refused."""
    from planner.readers.fit_activity import MAX_FIT_BYTES

    token = request.path_params["token"]
    form = await read_form(request)
    number = _plan_number(form)
    upload = form.get("fit")
    data = b""
    if isinstance(upload, UploadFile):
        data = await upload.read(MAX_FIT_BYTES + 1)
        await upload.close()

    def work() -> str | None:
        with request.app.state.db() as db:
            athlete, record = _athlete_and_plan(db, token, number)
            if not data:
                return "choose the activity file (.fit) from your watch first"
            try:
                rows, day = fit_rows(data, json.loads(record.plan_json), request.app.state.catalog)
            except InputError as err:
                return str(err)
            store.save_log(db, record, rows, {day})
            store.refresh_feed(db, athlete)
            db.commit()
            return None

    return await _answer(request, token, number, await run_in_threadpool(work))


def fit_rows(data: bytes, plan: dict[str, Any], catalog: Any) -> tuple[list[store.LogRow], date]:
    """The log rows of one activity (bytes of a .fit file) for the plan's session that day."""
    from planner.pipeline import rename_source, upload_file
    from planner.readers.fit_activity import match_activity, read_activity

    with upload_file(data, ".fit") as path:
        try:
            matched = match_activity(read_activity(path), plan, catalog.by_id())
        except InputError as err:
            raise rename_source(err, path, "the activity") from None
    if not matched.sets:
        raise InputError(f"none of the activity's sets is an exercise of the session on "
                         f"{matched.day}; nothing logged", file="the activity")
    day = date.fromisoformat(matched.day)
    session = next(s for w in plan["weeks"] for s in w["sessions"] if s["date"] == matched.day)
    rows = []
    for item in session["exercises"]:
        sets = matched.sets.get(item["variation"], ())
        rows.append(store.LogRow(
            day, item["variation"], "done" if sets else "skipped",
            min((s.reps for s in sets), default=None),
            max((s.kg for s in sets if s.kg is not None), default=None), None, sets, "fit"))
    return rows, day


# ---- my week changed --------------------------------------------------------------------


async def week_changed(request: Request) -> Response:
    """"My week changed": the plan's week re-planned from a day on around the runs typed
    (or uploaded), as `runstrong plan --previous … --from DAY` does; a new plan in the
    history whose earlier days, and their log, are the old plan's."""
    from planner.web.forms import form_values, runs_from_form

    token = request.path_params["token"]
    form = await read_form(request)
    number = _plan_number(form)
    values = form_values(form, {})
    day_text = text_field(form, "from", 12)

    async def request_runs() -> tuple[bytes, str] | str:
        try:
            return await runs_from_form(form, values)
        except InputError as err:
            return str(err)

    runs = await request_runs()

    def work() -> str | None:
        with request.app.state.db() as db:
            athlete, record = _athlete_and_plan(db, token, number)
            if isinstance(runs, str):
                return runs
            try:
                return _replan_week(db, athlete, record, runs, day_text,
                                    request.app.state.catalog)
            except InputError as err:
                return str(err)

    problem = await run_in_threadpool(work)
    if problem:
        try:
            chosen = monday_of(date.fromisoformat(day_text)).isoformat()
        except ValueError:
            chosen = ""
        return await _answer(request, token, number, problem, section="week-changed",
                             typed=(chosen, values.get("grid") or []))
    return RedirectResponse(f"/a/{token}#week-changed", status_code=303)


def _replan_week(db: Any, athlete: Any, record: Any, runs: tuple[bytes, str], day_text: str,
                 catalog: Any) -> str | None:
    from dataclasses import fields

    from planner.pipeline import PlanOptions, PlanRequest, parse_start, prepare
    from planner.renderers.ics import render_ics
    from planner.renderers.terminal import plan_report
    from planner.services.midweek import replan_from

    from_day = parse_start(day_text, field="from")
    if from_day is None:
        raise InputError("choose the day your week changed from", field="from")
    known = {f.name for f in fields(PlanOptions)}
    options = PlanOptions(**{key: value for key, value in store.athlete_options(athlete).items()
                             if key in known})
    prepared = prepare(PlanRequest(runs[0], runs[1], options=options, catalog=catalog))
    entries = store.log_entries(db, record)
    previous = plan_with_log(json.loads(record.plan_json), entries)
    outcome = replan_from(prepared, previous, from_day, name=f"plan {record.number}")
    alarm = options.alarm if isinstance(options.alarm, int) else None
    new = store.save_plan(db, athlete, outcome.plan, plan_json=outcome.json,
                          ics=render_ics(outcome.plan, alarm_minutes=alarm,
                                         with_runs=bool(options.with_runs)),
                          report=plan_report(outcome.plan) + "\n", source=runs[1],
                          warnings=outcome.warnings,
                          notes=(f"plan {record.number} re-planned from "
                                 f"{from_day.isoformat()}", *outcome.notes),
                          alarm_minutes=alarm, with_runs=bool(options.with_runs))
    # The log of the days kept goes with them.
    kept = [store.LogRow(date.fromisoformat(e.session_date), e.variation, e.status, e.reps,
                         e.weight_kg, e.rir, e.sets, e.source)
            for e in entries if e.session_date < from_day.isoformat()]
    store.save_log(db, new, kept, set())
    store.refresh_feed(db, athlete)
    db.commit()
    return None
