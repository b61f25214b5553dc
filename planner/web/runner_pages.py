"""The runner's pages: the form, a new plan, the athlete page with its history, downloads,
re-plans that progress from the log, the log itself and the subscription feed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from planner.errors import RunstrongError
from planner.pipeline import (
    PlanOutcome,
    PlanRequest,
    plan_prepared,
    prepare,
)
from planner.web import store
from planner.web.db import as_utc
from planner.web.form_errors import error_context
from planner.web.forms import (
    GRID_NAME,
    forget_upload,
    form_values,
    grid_defaults,
    keep_upload,
    next_monday,
    plan_options,
    read_form,
    runs_from_form,
    stored_options,
)
from planner.web.pages import (
    TOKEN_PAGES_CACHE,
    Settings,
    page,
    public_base,
)
from planner.web.views import (
    block_rows,
    season_pictures,
    session_counts,
    week_changed_values,
    week_views,
)


async def home(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    values = form_values(None, {"tz": settings.default_tz, **grid_defaults(next_monday())})
    return page(request, "home.html", {"values": values, "errors": None})


async def plan_request(request: Request, form: FormData,
                       values: dict[str, Any]) -> PlanRequest:
    """The pipeline's request from a posted plan form (new plan or re-plan alike)."""
    settings: Settings = request.app.state.settings
    runs, name = await runs_from_form(form, values)
    return PlanRequest(runs, name, options=plan_options(values, settings.default_tz),
                       catalog=request.app.state.catalog,
                       notes=(values["grid_note"],) if values.get("grid_note") else ())


def _save(db: Any, athlete: Any, request: PlanRequest, outcome: PlanOutcome,
          notes: tuple[str, ...]) -> None:
    options = request.options
    store.save_plan(db, athlete, outcome.plan, plan_json=outcome.json, ics=outcome.ics,
                    report=outcome.report, source=request.runs_name,
                    warnings=outcome.warnings, notes=notes,
                    alarm_minutes=int(options.alarm) if options.alarm not in (None, "") else None,
                    with_runs=options.with_runs)
    db.commit()


def _plan_new(app_state: Any, request: PlanRequest, values: dict[str, Any]) -> str:
    outcome = plan_prepared(prepare(request))
    with app_state.db() as db:
        athlete = store.create_athlete(db, outcome.plan.athlete,
                                       stored_options(values, request.options))
        _save(db, athlete, request, outcome, outcome.notes)
        return athlete.token


def _kept_after(err: RunstrongError, values: dict[str, Any],
                plan: PlanRequest | None) -> dict[str, Any]:
    """The error for the page, keeping the runs file the runner chose unless the file itself
    is the problem (a browser cannot put a file back into the file field)."""
    errors = error_context(err)
    if plan is not None and plan.runs_name != GRID_NAME and "runs" not in errors["field_errors"]:
        keep_upload(values, plan.runs, plan.runs_name)
    else:
        forget_upload(values)
    return errors


async def create_plan(request: Request) -> Response:
    form = await read_form(request)
    values = form_values(form, {})
    plan: PlanRequest | None = None
    try:
        plan = await plan_request(request, form, values)
        token = await run_in_threadpool(_plan_new, request.app.state, plan, values)
    except RunstrongError as err:
        errors = _kept_after(err, values, plan)
        return page(request, "home.html", {"values": values, "errors": errors}, 400)
    return RedirectResponse(f"/a/{token}", status_code=303)


def _athlete_or_404(db: Any, token: str) -> Any:
    athlete = store.athlete_by_token(db, token)
    if athlete is None:
        raise HTTPException(404, "no such athlete page")
    return athlete


def _athlete_context(request: Request, db: Any, athlete: Any, number: int | None,
                     values: dict[str, Any] | None = None,
                     errors: dict[str, Any] | None = None,
                     log_error: str | None = None) -> dict[str, Any]:
    record = store.plan_record(db, athlete, number)
    if record is None:
        raise HTTPException(404, "no such plan")
    plan = json.loads(record.plan_json)
    logged = {(e.session_date, e.variation): e for e in store.log_entries(db, record)}
    history = []
    for item in store.plans_of(db, athlete):
        data = json.loads(item.plan_json)
        main, light = session_counts(data)
        history.append({"number": item.number, "first": item.first_week,
                        "last": item.last_week, "weeks": len(data["weeks"]),
                        "main": main, "light": light, "source": item.source,
                        "created": as_utc(item.created_at), "logged": store.log_counts(db, item),
                        "current": item.number == record.number})
    latest = history[-1]["number"] if history else record.number
    if values is None:
        options = store.athlete_options(athlete)
        latest_record = store.plan_record(db, athlete)
        monday = (latest_record.last_week + timedelta(days=7)) if latest_record else next_monday()
        values = form_values(None, {**options, **grid_defaults(monday)})
    base, netloc = public_base(request)
    feed_path = f"/feed/{athlete.feed_token}.ics"
    main, light = session_counts(plan)
    weeks = week_views(plan, request.app.state.catalog.by_id())
    return {
        "athlete": athlete, "record": record, "plan": plan, "weeks": weeks,
        **season_pictures(plan, weeks),
        "blocks": block_rows(plan), "main": main, "light": light,
        "warnings": json.loads(record.warnings), "notes": json.loads(record.notes),
        "logged": logged, "history": history, "is_latest": record.number == latest,
        "values": values, "errors": errors, "log_error": log_error,
        "saved": request.query_params.get("saved") == "1",
        "week_changed": week_changed_values(
            plan, request.query_params.get("changed_week", "")[:12]),
        "week_changed_error": None,
        "feed_http": base + feed_path, "feed_webcal": f"webcal://{netloc}{feed_path}",
        "base_path": f"/a/{athlete.token}",
    }


async def athlete_page(request: Request) -> Response:
    token = request.path_params["token"]
    number = request.path_params.get("number")

    def load() -> dict[str, Any]:
        with request.app.state.db() as db:
            athlete = _athlete_or_404(db, token)
            return _athlete_context(request, db, athlete, number)

    context = await run_in_threadpool(load)
    return page(request, "athlete.html", context, private=True)


async def print_sessions(request: Request) -> Response:
    """Every session card of a plan, one to a printed page (for the gym or the fridge)."""
    token, number = request.path_params["token"], request.path_params["number"]

    def load() -> dict[str, Any]:
        with request.app.state.db() as db:
            athlete = _athlete_or_404(db, token)
            record = store.plan_record(db, athlete, number)
            if record is None:
                raise HTTPException(404, "no such plan")
            plan = json.loads(record.plan_json)
            return {"athlete": athlete, "record": record, "plan": plan,
                    "weeks": week_views(plan, request.app.state.catalog.by_id()),
                    "base_path": f"/a/{athlete.token}"}

    return page(request, "sessions.html", await run_in_threadpool(load), private=True)


async def download(request: Request) -> Response:
    token, number, name = (request.path_params["token"], request.path_params["number"],
                           request.path_params["name"])
    if name not in ("plan.ics", "plan.json", "report.txt", "workouts.zip"):
        raise HTTPException(404, "no such file")

    def load() -> tuple[bytes, str]:
        with request.app.state.db() as db:
            athlete = _athlete_or_404(db, token)
            record = store.plan_record(db, athlete, number)
            if record is None:
                raise HTTPException(404, "no such plan")
            if name == "workouts.zip":
                return _workouts_zip(record.plan_json), athlete.name
            return {"plan.ics": record.ics, "plan.json": record.plan_json.encode("utf-8"),
                    "report.txt": record.report.encode("utf-8")}[name], athlete.name

    data, _ = await run_in_threadpool(load)
    media = {"plan.ics": "text/calendar; charset=utf-8",
             "plan.json": "application/json",
             "report.txt": "text/plain; charset=utf-8",
             "workouts.zip": "application/zip"}[name]
    _, dot, ext = name.partition(".")
    filename = f"runstrong-{number}{dot}{ext}"
    return Response(data, media_type=media, headers={
        "content-disposition": f'attachment; filename="{filename}"',
        "cache-control": TOKEN_PAGES_CACHE})


def _workouts_zip(plan_json: str) -> bytes:
    """The plan's sessions as Garmin FIT workouts (as `runstrong plan --fit` writes them),
    zipped: rebuilt from the stored plan with the catalog's FIT exercise names."""
    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import plan_from_json, with_catalog
    from planner.renderers.fit import fit_zip, render_fit_files

    plan = with_catalog(plan_from_json(json.loads(plan_json)), load_catalog().by_id())
    return fit_zip(render_fit_files(plan))


def _replan(app_state: Any, token: str, request: PlanRequest,
            values: dict[str, Any]) -> None:
    prepared = prepare(request)
    with app_state.db() as db:
        athlete = store.athlete_by_token(db, token)
        if athlete is None:
            raise HTTPException(404, "no such athlete page")
        found = store.previous_for(db, athlete, prepared.first_monday)
        previous = found[1] if found else None
        outcome = plan_prepared(prepared, previous)
        notes = outcome.notes
        if found:
            notes = (f"progressed from plan {found[0].number} (week of "
                     f"{found[0].last_week.isoformat()}) and your log of it", *notes)
        athlete.options = json.dumps(stored_options(values, request.options), sort_keys=True)
        athlete.name = outcome.plan.athlete
        _save(db, athlete, request, outcome, notes)


async def replan(request: Request) -> Response:
    token = request.path_params["token"]
    form = await read_form(request)
    values = form_values(form, {})
    plan: PlanRequest | None = None
    try:
        plan = await plan_request(request, form, values)
        await run_in_threadpool(_replan, request.app.state, token, plan, values)
    except RunstrongError as err:
        errors = _kept_after(err, values, plan)

        def load() -> dict[str, Any]:
            with request.app.state.db() as db:
                athlete = _athlete_or_404(db, token)
                return _athlete_context(request, db, athlete, None, values, errors)

        context = await run_in_threadpool(load)
        return page(request, "athlete.html", context, 400, private=True)
    return RedirectResponse(f"/a/{token}", status_code=303)


async def rotate_feed(request: Request) -> Response:
    token = request.path_params["token"]
    await read_form(request)

    def work() -> None:
        with request.app.state.db() as db:
            athlete = _athlete_or_404(db, token)
            store.rotate_feed(athlete)
            db.commit()

    await run_in_threadpool(work)
    return RedirectResponse(f"/a/{token}#feed", status_code=303)


async def feed(request: Request) -> Response:
    name: str = request.path_params["name"]
    if not name.endswith(".ics"):
        raise HTTPException(404, "no such feed")
    token = name[: -len(".ics")]

    def load() -> tuple[bytes, str, datetime] | None:
        with request.app.state.db() as db:
            athlete = store.athlete_by_feed_token(db, token)
            if athlete is None or athlete.feed_ics is None:
                return None
            return athlete.feed_ics, athlete.feed_etag or "", as_utc(athlete.feed_modified)

    found = await run_in_threadpool(load)
    if found is None:
        raise HTTPException(404, "no such feed")
    data, etag, modified = found
    headers = {"etag": etag, "last-modified": format_datetime(modified, usegmt=True),
               "cache-control": "no-cache"}
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="text/calendar; charset=utf-8", headers=headers)


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    none_match = request.headers.get("if-none-match")
    if none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False
        if moment is None or moment.tzinfo is None:
            return False
        return modified <= moment
    return False

