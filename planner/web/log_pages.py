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

from planner.errors import InputError
from planner.web import store
from planner.web.forms import parse_log, read_form, text_field
from planner.web.pages import page
from planner.web.runner_pages import _athlete_context, _athlete_or_404


def _plan_number(form: FormData) -> int:
    number_text = text_field(form, "plan", 8)
    if not number_text.isdigit():
        raise HTTPException(400, "the log form names no plan")
    return int(number_text)


async def _answer(request: Request, token: str, number: int, problem: str | None) -> Response:
    if problem:
        def load() -> dict[str, Any]:
            with request.app.state.db() as db:
                athlete = _athlete_or_404(db, token)
                return _athlete_context(request, db, athlete, number, log_error=problem)

        return page(request, "athlete.html", await run_in_threadpool(load), 400, private=True)
    return RedirectResponse(f"/a/{token}/plans/{number}?saved=1#log", status_code=303)


async def save_log(request: Request) -> Response:
    token = request.path_params["token"]
    form = await read_form(request)
    number = _plan_number(form)

    def work() -> str | None:
        with request.app.state.db() as db:
            athlete = _athlete_or_404(db, token)
            record = store.plan_record(db, athlete, number)
            if record is None:
                raise HTTPException(404, "no such plan")
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
            athlete = _athlete_or_404(db, token)
            record = store.plan_record(db, athlete, number)
            if record is None:
                raise HTTPException(404, "no such plan")
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
