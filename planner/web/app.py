"""`runstrong serve`: the web app (Starlette, Jinja2 templates, SQLAlchemy).

Routes (every page works without JavaScript; every POST carries a CSRF token):

  GET  /                           the runner's form: upload runs or type a week
  POST /plan                       plan for a new athlete -> 303 to the athlete page
  GET  /a/{token}                  the athlete's latest plan, log, feed, re-plan, history
  GET  /a/{token}/plans/{n}        an earlier plan of the history
  GET  /a/{token}/plans/{n}/plan.ics | plan.json | report.txt   downloads
  POST /a/{token}/plan             re-plan with a new week (progresses from the log)
  POST /a/{token}/log              log what was done of a plan's sessions
  POST /a/{token}/feed/rotate      a new feed address; the old one then gets 404
  GET  /feed/{feed_token}.ics      the subscription feed (ETag, Last-Modified, 304)
  GET  /coach, POST /coach         a coach's roster + runs -> 303 to the squad page
  GET  /squad/{token}              progress, then the squad table
  GET  /squad/{token}/blocks       every athlete's block as a weeks × days picture
  GET  /squad/{token}/calendars.zip
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from planner.domain import EQUIPMENT, LEVELS, RUN_TYPES, WEEKDAYS
from planner.errors import InputError, RunstrongError
from planner.pipeline import (
    DEFAULT_DELOAD_EVERY,
    DEFAULT_MINUTES,
    DEFAULT_TIME,
    MAX_RUNS_BYTES,
    MINUTES_RANGE,
    SESSIONS_RANGE,
    PlanOptions,
    PlanRequest,
    display_name,
    plan_prepared,
    prepare,
    week_csv,
)
from planner.readers.spans import monday_of
from planner.readers.time_zones import default_timezone
from planner.web import coach as coach_mod
from planner.web import store
from planner.web.db import as_utc, database_url, make_engine, migrate, session_factory
from planner.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    LimitsAndHeaders,
    csrf_cookie,
    csrf_ok,
    new_token,
)
from planner.web.views import (
    LOG_STATUSES,
    RIR_RANGE,
    block_rows,
    session_counts,
    week_views,
)

log = logging.getLogger("runstrong.web")
HERE = Path(__file__).parent
TOKEN_PAGES_CACHE = "no-store"
DEFAULT_MAX_BODY = 3_000_000  # a roster and a squad's runs file, with room to spare


@dataclass(frozen=True)
class Settings:
    db: str | None = None  # SQLAlchemy URL or SQLite path; None = the user's data folder
    max_body: int = DEFAULT_MAX_BODY
    default_tz: str = field(default_factory=default_timezone)
    batch_workers: int = 2  # squads planned at once
    # worker processes planning a squad's athletes; 0 or 1 = in the batch thread
    batch_processes: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))
    secure_cookies: bool = False  # always mark cookies Secure (they are over https anyway)


# ---- rendering ----------------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(("html",)), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(weekdays=WEEKDAYS, levels=LEVELS, equipment_choices=EQUIPMENT,
                       run_types=RUN_TYPES, log_statuses=LOG_STATUSES, rir_range=RIR_RANGE,
                       minutes_range=MINUTES_RANGE, sessions_range=SESSIONS_RANGE,
                       csrf_field=CSRF_FIELD)
    return env


def _csrf_token(request: Request) -> tuple[str, bool]:
    token = csrf_cookie(request.headers.get("cookie"))
    return (token, False) if token else (new_token(), True)


def page(request: Request, template: str, context: dict[str, Any], status: int = 200,
         *, private: bool = False) -> HTMLResponse:
    token, fresh = _csrf_token(request)
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(request=request, csrf=token, **context)
    response = HTMLResponse(html, status_code=status)
    if fresh:
        settings: Settings = request.app.state.settings
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=settings.secure_cookies or request.url.scheme == "https",
                            path="/")
    if private:
        response.headers["cache-control"] = TOKEN_PAGES_CACHE
    return response


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return page(request, "error.html", {"status": status, "title": title, "message": message},
                status)


# ---- forms --------------------------------------------------------------------------------------


async def read_form(request: Request) -> FormData:
    """The posted form, CSRF-checked; a malformed body is a 400, a bad token a 403."""
    try:
        form = await request.form(max_files=4, max_fields=400, max_part_size=MAX_RUNS_BYTES)
    except HTTPException:
        raise
    except Exception as err:  # multipart parser errors of any kind
        raise HTTPException(400, f"the form could not be read: {err}") from None
    if not csrf_ok(csrf_cookie(request.headers.get("cookie")), form.get(CSRF_FIELD),
                   request.headers.get("origin"), request.headers.get("host")):
        raise HTTPException(403, "this form came without its security token (or from another "
                                 "site). Reload the page and send it again.")
    return form


def _text(form: FormData, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _checked(form: FormData, name: str, allowed: tuple[str, ...]) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v in allowed]


def form_values(form: FormData | None, defaults: dict[str, Any]) -> dict[str, Any]:
    """The options as the form shows them (posted values, else `defaults`)."""
    if form is None:
        equipment = [e for e in str(defaults.get("equipment") or "").split(",") if e in EQUIPMENT]
        return {
            "athlete": defaults.get("athlete", ""), "level": defaults.get("level", "intermediate"),
            "new_to_strength": bool(defaults.get("new_to_strength")), "equipment": equipment,
            "sessions": "" if defaults.get("sessions") is None else str(defaults["sessions"]),
            "minutes": str(defaults.get("minutes", DEFAULT_MINUTES)),
            "start_time": defaults.get("start_time", DEFAULT_TIME),
            "tz": defaults.get("tz", ""),
            "prefer": [d for d in str(defaults.get("prefer") or "").split(",") if d in WEEKDAYS],
            "avoid": [d for d in str(defaults.get("avoid") or "").split(",") if d in WEEKDAYS],
            "deload_every": str(defaults.get("deload_every", DEFAULT_DELOAD_EVERY)),
            "alarm": "" if defaults.get("alarm") is None else str(defaults["alarm"]),
            "with_runs": bool(defaults.get("with_runs")), "start": "", "map": "",
            "weights": str(defaults.get("weights") or ""),
            "week_start": defaults.get("week_start", ""), "grid": defaults.get("grid", []),
        }
    return {
        "athlete": _text(form, "athlete", 80), "level": _text(form, "level", 20),
        "new_to_strength": form.get("new_to_strength") == "yes",
        "equipment": _checked(form, "equipment", EQUIPMENT),
        "sessions": _text(form, "sessions", 4), "minutes": _text(form, "minutes", 6),
        "start_time": _text(form, "start_time", 8), "tz": _text(form, "tz", 64),
        "prefer": _checked(form, "prefer", WEEKDAYS), "avoid": _checked(form, "avoid", WEEKDAYS),
        "deload_every": _text(form, "deload_every", 4), "alarm": _text(form, "alarm", 6),
        "with_runs": form.get("with_runs") == "yes", "start": _text(form, "start", 12),
        "map": _text(form, "map", 400), "week_start": _text(form, "week_start", 12),
        "weights": _text(form, "weights", 400),
        "grid": [(_text(form, f"run_{d}", 20), _text(form, f"minutes_{d}", 6),
                  _text(form, f"time_{d}", 8)) for d in range(7)],
    }


def plan_options(values: dict[str, Any], default_tz: str) -> PlanOptions:
    """An empty zone field (no JavaScript, cleared) means the calendar's own zone for an
    .ics upload, else this server's (`default_tz` is what the form was filled with)."""
    maps = tuple(part.strip() for part in values["map"].split(";") if part.strip())
    return PlanOptions(
        athlete=values["athlete"] or "runner", level=values["level"] or "intermediate",
        new_to_strength=values["new_to_strength"],
        equipment=",".join(values["equipment"]) or "none",
        weights=(values["weights"],) if values["weights"] else (),
        sessions=values["sessions"] or None, minutes=values["minutes"] or DEFAULT_MINUTES,
        start_time=values["start_time"] or DEFAULT_TIME, tz=values["tz"] or None,
        start=values["start"] or None, keyword_maps=maps,
        prefer=",".join(values["prefer"]) or None, avoid=",".join(values["avoid"]) or None,
        deload_every=values["deload_every"] or DEFAULT_DELOAD_EVERY,
        alarm=values["alarm"] or None, with_runs=values["with_runs"])


def stored_options(values: dict[str, Any], options: PlanOptions) -> dict[str, Any]:
    """What the re-plan form starts from next time."""
    return {"athlete": options.athlete, "level": options.level,
            "new_to_strength": options.new_to_strength, "equipment": options.equipment,
            "weights": ";".join(options.weights),
            "sessions": options.sessions, "minutes": options.minutes,
            "start_time": options.start_time, "tz": options.tz, "prefer": options.prefer,
            "avoid": options.avoid, "deload_every": options.deload_every,
            "alarm": options.alarm, "with_runs": options.with_runs}


async def runs_from_form(form: FormData, values: dict[str, Any]) -> tuple[bytes, str]:
    """The uploaded runs file, else the typed week as a CSV; InputError when neither."""
    upload = form.get("runs")
    if isinstance(upload, UploadFile):
        data = await upload.read(MAX_RUNS_BYTES + 1)
        await upload.close()
        if data:
            return data, display_name(upload.filename)
    if any(kind for kind, _, _ in values["grid"]):
        text = values["week_start"]
        try:
            monday = date.fromisoformat(text)
        except ValueError:
            raise InputError(f"'{text}' is not a date (YYYY-MM-DD): give the week's start",
                             field="week start") from None
        if monday.weekday() != 0:
            monday = monday_of(monday)
        return week_csv(monday, values["grid"]), "the week grid"
    raise InputError("no runs: upload a runs file (CSV or .ics) or type your week in the grid")


def grid_defaults(monday: date) -> dict[str, Any]:
    return {"week_start": monday.isoformat(), "grid": [("", "", "")] * 7}


def next_monday(today: date | None = None) -> date:
    today = today or date.today()
    return monday_of(today) + timedelta(days=7)


# ---- runner pages -------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    values = form_values(None, {"tz": settings.default_tz, **grid_defaults(next_monday())})
    return page(request, "home.html", {"values": values, "error": None})


def _plan_new(app_state: Any, request: PlanRequest, values: dict[str, Any]) -> str:
    prepared = prepare(request)
    outcome = plan_prepared(prepared)
    with app_state.db() as db:
        athlete = store.create_athlete(db, outcome.plan.athlete,
                                       stored_options(values, request.options))
        store.save_plan(db, athlete, outcome.plan, plan_json=outcome.json, ics=outcome.ics,
                        report=outcome.report, source=request.runs_name,
                        warnings=outcome.warnings, notes=outcome.notes,
                        alarm_minutes=_alarm(request.options),
                        with_runs=request.options.with_runs)
        db.commit()
        return athlete.token


def _alarm(options: PlanOptions) -> int | None:
    return int(options.alarm) if options.alarm not in (None, "") else None


async def create_plan(request: Request) -> Response:
    form = await read_form(request)
    settings: Settings = request.app.state.settings
    values = form_values(form, {})
    try:
        runs, name = await runs_from_form(form, values)
        options = plan_options(values, settings.default_tz)
        token = await run_in_threadpool(
            _plan_new, request.app.state, PlanRequest(runs, name, options=options,
                                                      catalog=request.app.state.catalog),
            values)
    except RunstrongError as err:
        return page(request, "home.html", {"values": values, "error": str(err)}, 400)
    return RedirectResponse(f"/a/{token}", status_code=303)


def _athlete_or_404(db: Any, token: str) -> Any:
    athlete = store.athlete_by_token(db, token)
    if athlete is None:
        raise HTTPException(404, "no such athlete page")
    return athlete


def _athlete_context(request: Request, db: Any, athlete: Any, number: int | None,
                     values: dict[str, Any] | None = None,
                     error: str | None = None, log_error: str | None = None) -> dict[str, Any]:
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
    base = f"{request.url.scheme}://{request.url.netloc}"
    feed_path = f"/feed/{athlete.feed_token}.ics"
    main, light = session_counts(plan)
    return {
        "athlete": athlete, "record": record, "plan": plan, "weeks": week_views(plan),
        "blocks": block_rows(plan), "main": main, "light": light,
        "warnings": json.loads(record.warnings), "notes": json.loads(record.notes),
        "logged": logged, "history": history, "is_latest": record.number == latest,
        "values": values, "error": error, "log_error": log_error,
        "feed_http": base + feed_path, "feed_webcal": f"webcal://{request.url.netloc}{feed_path}",
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
    from planner.render_fit import fit_zip, render_fit_files

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
        store.save_plan(db, athlete, outcome.plan, plan_json=outcome.json, ics=outcome.ics,
                        report=outcome.report, source=request.runs_name,
                        warnings=outcome.warnings, notes=notes,
                        alarm_minutes=_alarm(request.options),
                        with_runs=request.options.with_runs)
        db.commit()


async def replan(request: Request) -> Response:
    token = request.path_params["token"]
    form = await read_form(request)
    settings: Settings = request.app.state.settings
    values = form_values(form, {})
    try:
        runs, name = await runs_from_form(form, values)
        options = plan_options(values, settings.default_tz)
        await run_in_threadpool(_replan, request.app.state, token,
                                PlanRequest(runs, name, options=options,
                                            catalog=request.app.state.catalog), values)
    except RunstrongError as err:
        message = str(err)

        def load() -> dict[str, Any]:
            with request.app.state.db() as db:
                athlete = _athlete_or_404(db, token)
                return _athlete_context(request, db, athlete, None, values, message)

        context = await run_in_threadpool(load)
        return page(request, "athlete.html", context, 400, private=True)
    return RedirectResponse(f"/a/{token}", status_code=303)


def _parse_log(form: FormData, plan: dict[str, Any]) -> tuple[list[store.LogRow], set[date]]:
    rows: list[store.LogRow] = []
    sessions: set[date] = set()
    week_start = _text(form, "week", 12)
    for week in plan["weeks"]:
        if week_start and week["start"] != week_start:
            continue
        for session in week["sessions"]:
            day = session["date"]
            status_name = f"status__{day}"
            if status_name not in form:
                continue
            status = _text(form, status_name, 20)
            if status and status not in LOG_STATUSES:
                raise InputError(f"'{status}' is not one of: {', '.join(LOG_STATUSES)}",
                                 field=f"{day} status")
            sessions.add(date.fromisoformat(day))
            for item in session["exercises"]:
                key = f"{day}__{item['variation']}"
                label = f"{day} {item['name']}"
                rows.append(store.LogRow(
                    date.fromisoformat(day), item["variation"], status,
                    _number(form, f"reps__{key}", int, 0, 1000, f"{label} reps"),
                    _number(form, f"weight__{key}", float, 0, 1000, f"{label} weight"),
                    _number(form, f"rir__{key}", int, *RIR_RANGE, f"{label} RIR")))
    return rows, sessions


def _number(form: FormData, name: str, kind: type, low: float, high: float,
            label: str) -> Any:
    text = _text(form, name, 12).replace(",", ".")
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        raise InputError(f"'{text}' is not a number", field=label) from None
    if value != value or not low <= value <= high:  # NaN too
        raise InputError(f"{text} is outside {low:g}–{high:g}", field=label)
    return value


async def save_log(request: Request) -> Response:
    token = request.path_params["token"]
    form = await read_form(request)
    number_text = _text(form, "plan", 8)
    if not number_text.isdigit():
        raise HTTPException(400, "the log form names no plan")
    number = int(number_text)

    def work() -> str | None:
        with request.app.state.db() as db:
            athlete = _athlete_or_404(db, token)
            record = store.plan_record(db, athlete, number)
            if record is None:
                raise HTTPException(404, "no such plan")
            try:
                rows, sessions = _parse_log(form, json.loads(record.plan_json))
            except InputError as err:
                return str(err)
            store.save_log(db, record, rows, sessions)
            db.commit()
            return None

    problem = await run_in_threadpool(work)
    if problem:
        def load() -> dict[str, Any]:
            with request.app.state.db() as db:
                athlete = _athlete_or_404(db, token)
                return _athlete_context(request, db, athlete, number, log_error=problem)

        return page(request, "athlete.html", await run_in_threadpool(load), 400, private=True)
    return RedirectResponse(f"/a/{token}/plans/{number}#log", status_code=303)


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


# ---- coach pages --------------------------------------------------------------------------------


async def coach_home(request: Request) -> Response:
    return page(request, "coach.html", {"error": None})


async def coach_start(request: Request) -> Response:
    form = await read_form(request)
    files = {}
    for key in ("roster", "runs"):
        upload = form.get(key)
        data, name = b"", ""
        if isinstance(upload, UploadFile):
            data = await upload.read(MAX_RUNS_BYTES + 1)
            name = upload.filename or ""
            await upload.close()
        files[key] = (data, name)
    try:
        for key, label in (("roster", "a roster CSV"), ("runs", "the squad's runs CSV")):
            if not files[key][0]:
                raise InputError(f"no file: choose {label}", field=key)
            if len(files[key][0]) > MAX_RUNS_BYTES:
                raise InputError(f"the file is over {MAX_RUNS_BYTES:,} bytes",
                                 file=display_name(files[key][1]))
        upload_data = coach_mod.SquadUpload(files["roster"][0], files["roster"][1],
                                            files["runs"][0], files["runs"][1])
        entries = await run_in_threadpool(coach_mod.check_upload, upload_data)
    except RunstrongError as err:
        return page(request, "coach.html", {"error": str(err)}, 400)
    state = request.app.state
    token = await run_in_threadpool(coach_mod.start_squad, state.db, state.executor,
                                    upload_data, entries, _process_pool(request.app))
    return RedirectResponse(f"/squad/{token}", status_code=303)


def _process_pool(app: Starlette) -> ProcessPoolExecutor | None:
    """Worker processes for squads, started on the first batch (spawned: this process has
    threads, so forking it is unsafe)."""
    settings: Settings = app.state.settings
    if settings.batch_processes <= 1:
        return None
    if app.state.process_pool is None:
        app.state.process_pool = ProcessPoolExecutor(
            max_workers=settings.batch_processes, mp_context=get_context("spawn"))
    return app.state.process_pool


def _squad_or_404(db: Any, token: str) -> Any:
    from sqlalchemy import select

    from planner.web.db import Squad

    squad = (db.scalars(select(Squad).where(Squad.token == token)).first()
             if token and len(token) <= 64 else None)
    if squad is None:
        raise HTTPException(404, "no such squad")
    return squad


async def squad_page(request: Request) -> Response:
    token = request.path_params["token"]

    def load() -> dict[str, Any]:
        with request.app.state.db() as db:
            squad = _squad_or_404(db, token)
            rows = coach_mod.squad_rows(db, squad)
            return {"squad": squad, "rows": rows,
                    "running": squad.status in ("queued", "running"),
                    "base": f"{request.url.scheme}://{request.url.netloc}",
                    "netloc": request.url.netloc}

    return page(request, "squad.html", await run_in_threadpool(load), private=True)


async def squad_blocks(request: Request) -> Response:
    token = request.path_params["token"]

    def load() -> dict[str, Any]:
        with request.app.state.db() as db:
            squad = _squad_or_404(db, token)
            blocks = []
            for row in coach_mod.squad_rows(db, squad):
                if row.record is not None:
                    blocks.append({"row": row,
                                   "blocks": block_rows(json.loads(row.record.plan_json))})
            return {"squad": squad, "athletes": blocks}

    return page(request, "blocks.html", await run_in_threadpool(load), private=True)


async def squad_zip(request: Request) -> Response:
    token = request.path_params["token"]

    def load() -> bytes:
        with request.app.state.db() as db:
            squad = _squad_or_404(db, token)
            if squad.status in ("queued", "running"):
                raise HTTPException(409, "the batch is still running: wait for it to finish")
            return coach_mod.squad_zip(coach_mod.squad_rows(db, squad))

    data = await run_in_threadpool(load)
    return Response(data, media_type="application/zip", headers={
        "content-disposition": 'attachment; filename="runstrong-calendars.zip"',
        "cache-control": TOKEN_PAGES_CACHE})


# ---- errors -------------------------------------------------------------------------------------

TITLES = {400: "That did not work", 403: "Form expired", 404: "Not found",
          405: "Not allowed", 409: "Not yet", 413: "File too large", 500: "Something broke"}


async def http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "") or ""
    if status == 404:
        detail = "There is nothing at this address. A link to an athlete page or feed may " \
                 "have been mistyped or replaced by a new one."
    return error_page(request, status, TITLES.get(status, "Error"), str(detail))


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return error_page(request, 500, TITLES[500],
                      "The server hit a problem it did not expect. Your data is safe; try "
                      "again, and report it if it happens again.")


# ---- the app ------------------------------------------------------------------------------------


class _State:
    """What routes share: settings, the DB session factory, templates, the batch pool."""


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    from planner.readers.catalog import load_catalog

    engine = make_engine(database_url(settings.db))
    migrate(engine)
    db = session_factory(engine)
    coach_mod.mark_interrupted(db)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        app.state.executor.shutdown(wait=False, cancel_futures=True)
        if app.state.process_pool is not None:
            app.state.process_pool.shutdown(wait=False, cancel_futures=True)
        engine.dispose()

    routes = [
        Route("/", home),
        Route("/plan", create_plan, methods=["POST"]),
        Route("/a/{token}", athlete_page),
        Route("/a/{token}/plans/{number:int}", athlete_page),
        Route("/a/{token}/plans/{number:int}/{name}", download),
        Route("/a/{token}/plan", replan, methods=["POST"]),
        Route("/a/{token}/log", save_log, methods=["POST"]),
        Route("/a/{token}/feed/rotate", rotate_feed, methods=["POST"]),
        Route("/feed/{name}", feed),
        Route("/coach", coach_home),
        Route("/coach", coach_start, methods=["POST"]),
        Route("/squad/{token}", squad_page),
        Route("/squad/{token}/blocks", squad_blocks),
        Route("/squad/{token}/calendars.zip", squad_zip),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, 500: server_error})
    app.state.settings = settings
    app.state.engine = engine
    app.state.db = db
    app.state.templates = _environment()
    app.state.catalog = load_catalog()
    app.state.process_pool = None
    app.state.executor = ThreadPoolExecutor(max_workers=settings.batch_workers,
                                            thread_name_prefix="runstrong-squad")

    async def too_large(scope: dict[str, Any]) -> Any:
        request = Request(scope)
        request.scope["app"] = app
        limit = settings.max_body
        return error_page(request, 413, TITLES[413],
                          f"The upload is over {limit:,} bytes. A runs file for a year of "
                          "training is well under that: check you picked the right file.")

    app.add_middleware(LimitsAndHeaders, max_body=settings.max_body, too_large=too_large)
    return app
