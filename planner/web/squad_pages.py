"""The coach's pages: upload a roster and the squad's runs, watch the batch, the squad
table, every block at a glance, and the calendars as one zip."""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from planner.errors import InputError, RunstrongError
from planner.pipeline import (
    MAX_RUNS_BYTES,
    display_name,
)
from planner.services.batch import tie_to_parent
from planner.web import coach as coach_mod
from planner.web import store
from planner.web.forms import (
    read_form,
)
from planner.web.pages import (
    TOKEN_PAGES_CACHE,
    Settings,
    page,
    public_base,
)
from planner.web.views import (
    block_rows,
    season_strip,
)


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
    settings: Settings = state.settings
    pool = None if settings.cluster else _process_pool(request.app)
    token = await run_in_threadpool(coach_mod.start_squad, state.db, state.executor,
                                    upload_data, entries, pool, state.stopping,
                                    settings.cluster)
    return RedirectResponse(f"/squad/{token}", status_code=303)


def _process_pool(app: Starlette) -> ProcessPoolExecutor | None:
    """Worker processes for squads, started on the first batch (spawned: this process has
    threads, so forking it is unsafe)."""
    settings: Settings = app.state.settings
    if settings.batch_processes <= 1:
        return None
    if app.state.process_pool is None:
        app.state.process_pool = ProcessPoolExecutor(
            max_workers=settings.batch_processes, mp_context=get_context("spawn"),
            initializer=tie_to_parent, initargs=(os.getpid(),))
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

    base, netloc = public_base(request)

    def load() -> dict[str, Any]:
        with request.app.state.db() as db:
            squad = _squad_or_404(db, token)
            rows = coach_mod.squad_rows(db, squad)
            strips = {row.position: season_strip(json.loads(row.record.plan_json))
                      for row in rows if row.record is not None}
            adherence = {row.athlete.id: store.adherence(db, row.athlete)
                         for row in rows if row.athlete is not None}
            return {"squad": squad, "rows": rows, "strips": strips, "adherence": adherence,
                    "running": squad.status in ("queued", "running"),
                    "base": base, "netloc": netloc}

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

