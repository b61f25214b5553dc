"""`runstrong serve`: the web app (Starlette, Jinja2 templates, SQLAlchemy).

Routes (every page works without JavaScript; every POST carries a CSRF token):

  GET  /                           the runner's form: upload runs or type a week
  POST /plan                       plan for a new athlete -> 303 to the athlete page
  GET  /a/{token}                  the athlete's latest plan, log, feed, re-plan, history
  GET  /a/{token}/plans/{n}        an earlier plan of the history
  GET  /a/{token}/plans/{n}/sessions  the plan's session cards to print, one a page
  GET  /a/{token}/plans/{n}/plan.ics | plan.json | report.txt   downloads
  POST /a/{token}/plan             re-plan with a new week (progresses from the log)
  POST /a/{token}/log              log what was done of a plan's sessions (per set)
  POST /a/{token}/log/fit          log a session from a Garmin strength activity (.fit)
  POST /a/{token}/week-changed     my week changed: re-plan the rest of a week from a day on
  POST /a/{token}/feed/rotate      a new feed address; the old one then gets 404
  GET  /feed/{feed_token}.ics      the subscription feed (ETag, Last-Modified, 304)
  GET  /coach, POST /coach         a coach's roster + runs -> 303 to the squad page
  GET  /squad/{token}              progress, then the squad table
  GET  /squad/{token}/blocks       every athlete's block as a weeks × days picture
  GET  /squad/{token}/calendars.zip
  GET  /healthz                    200 when the database answers, else 503 (for probes)
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from planner.web import coach as coach_mod
from planner.web.db import database_url, make_engine, migrate, session_factory
from planner.web.log_pages import save_fit_log, save_log, week_changed
from planner.web.pages import (
    TITLES,
    Settings,
    error_page,
    http_error,
    server_error,
    template_environment,
)
from planner.web.runner_pages import (
    athlete_page,
    create_plan,
    download,
    feed,
    home,
    print_sessions,
    replan,
    rotate_feed,
)
from planner.web.security import (
    LimitsAndHeaders,
)
from planner.web.serving import stop_worker_pool
from planner.web.squad_pages import coach_home, coach_start, squad_blocks, squad_page, squad_zip

HERE = Path(__file__).parent

__all__ = ["Settings", "app_from_environment", "create_app", "prepare_database"]

# `runstrong serve --workers N` hands its settings to the worker processes it spawns here
WORKER_SETTINGS = "RUNSTRONG_WORKER_SETTINGS"


def prepare_database(settings: Settings) -> None:
    """Once per server, before any worker serves: bring the schema to head, and say of the
    squads a stopped server left unfinished that they will not finish."""
    engine = make_engine(database_url(settings.db))
    try:
        migrate(engine)
        coach_mod.mark_interrupted(session_factory(engine))
    finally:
        engine.dispose()


def app_from_environment() -> Starlette:
    """The app of one worker process of `serve --workers N` (uvicorn's factory): the
    parent prepared the database, so a worker starting late never marks the squads
    another worker is planning as interrupted."""
    fields = json.loads(os.environ[WORKER_SETTINGS])
    return create_app(Settings(**fields), prepare=False)


def worker_environment(settings: Settings) -> dict[str, str]:
    return {WORKER_SETTINGS: json.dumps(dataclasses.asdict(settings))}


async def healthz(request: Request) -> Response:
    """For a container's health check or a load balancer: the database answers."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    def ping() -> None:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        await run_in_threadpool(ping)
    except (SQLAlchemyError, OSError):
        return PlainTextResponse("database unreachable\n", status_code=503,
                                 headers={"cache-control": "no-store"})
    return PlainTextResponse("ok\n", headers={"cache-control": "no-store"})


def create_app(settings: Settings | None = None, *, prepare: bool = True) -> Starlette:
    """The app; `prepare` migrates the database and marks interrupted squads first (a
    single process; `serve --workers` does it once in the parent instead)."""
    settings = settings or Settings()
    from planner.readers.catalog import load_catalog

    if prepare:
        prepare_database(settings)
    engine = make_engine(database_url(settings.db))
    db = session_factory(engine)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        # Stopping (SIGTERM or Ctrl+C): squads stop between athletes and record why, and
        # the worker processes end now rather than outliving the server. (Only this
        # process's squads: another server on the same database may still be running.)
        app.state.stopping.set()
        app.state.executor.shutdown(wait=False, cancel_futures=True)
        stop_worker_pool(app.state.process_pool)
        engine.dispose()

    routes = [
        Route("/", home),
        Route("/plan", create_plan, methods=["POST"]),
        Route("/a/{token}", athlete_page),
        Route("/a/{token}/plans/{number:int}", athlete_page),
        Route("/a/{token}/plans/{number:int}/sessions", print_sessions),
        Route("/a/{token}/plans/{number:int}/{name}", download),
        Route("/a/{token}/plan", replan, methods=["POST"]),
        Route("/a/{token}/log", save_log, methods=["POST"]),
        Route("/a/{token}/log/fit", save_fit_log, methods=["POST"]),
        Route("/a/{token}/week-changed", week_changed, methods=["POST"]),
        Route("/a/{token}/feed/rotate", rotate_feed, methods=["POST"]),
        Route("/feed/{name}", feed),
        Route("/coach", coach_home),
        Route("/coach", coach_start, methods=["POST"]),
        Route("/squad/{token}", squad_page),
        Route("/squad/{token}/blocks", squad_blocks),
        Route("/squad/{token}/calendars.zip", squad_zip),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, 500: server_error})
    app.state.settings = settings
    app.state.engine = engine
    app.state.db = db
    app.state.templates = template_environment()
    app.state.catalog = load_catalog()
    app.state.process_pool = None
    app.state.stopping = threading.Event()
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

