"""Pages of the web app: its settings, the Jinja2 environment, one page with its CSRF
cookie, and the error pages."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from planner.domain import (
    EQUIPMENT,
    LEVELS,
    MINUTES_RANGE,
    RUN_TYPES,
    SESSIONS_RANGE,
    WEEKDAYS,
)
from planner.niggles import NIGGLES
from planner.readers.time_zones import default_timezone
from planner.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    csrf_cookie,
    new_token,
)
from planner.web.views import (
    LOG_STATUSES,
    RIR_RANGE,
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
    # https://club.example/runstrong: what feed and page links start with, when the
    # address a request came in on is not the one runners use (behind a reverse proxy)
    public_url: str | None = None
    cluster: str | None = None  # a Dask scheduler address: squads are planned there


def public_base(request: Request) -> tuple[str, str]:
    """(scheme://host[/path], host[/path]) that links a runner keeps (feeds) start with:
    the configured public URL, else the address this request came in on."""
    settings: Settings = request.app.state.settings
    if settings.public_url:
        base = settings.public_url.rstrip("/")
        return base, base.split("://", 1)[-1]
    return f"{request.url.scheme}://{request.url.netloc}", request.url.netloc


def template_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(("html",)), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(weekdays=WEEKDAYS, levels=LEVELS, equipment_choices=EQUIPMENT,
                       run_types=RUN_TYPES, log_statuses=LOG_STATUSES, rir_range=RIR_RANGE,
                       minutes_range=MINUTES_RANGE, sessions_range=SESSIONS_RANGE,
                       csrf_field=CSRF_FIELD, niggle_choices=NIGGLES)
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

