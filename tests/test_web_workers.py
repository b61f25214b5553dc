"""`runstrong serve --workers 2` on one database (SQLite and PostgreSQL): two processes
share the port, every page is right whichever of them answers, and /healthz tells a probe
whether the database answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from planner.web.app import Settings, create_app
from planner.web.db import make_engine
from tests.conftest import stop_process
from tests.test_web import WEEK, calendar_sessions, next_week_csv

ROOT = Path(__file__).resolve().parents[1]


def worker_pids(parent: int) -> list[int]:
    """The server's worker processes (uvicorn spawns them as children of `serve`)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            children.append(int(entry.name))
    return children


@pytest.fixture()
def served(database: str, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RUNSTRONG_DATABASE_URL": database,
           "RUNSTRONG_WORKERS": "2", "RUNSTRONG_PUBLIC_URL": "https://club.example/rs"}
    process = subprocess.Popen([sys.executable, "-m", "planner", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env, cwd=tmp_path)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"open (http://127\.0\.0\.1:\d+)/", line)
        assert found, f"serve printed {line!r}"
        base = found.group(1)
        deadline = time.monotonic() + 120
        while True:  # both workers import the planner before they accept
            try:
                if httpx.get(base + "/healthz", timeout=5).status_code == 200 and \
                        len(worker_pids(process.pid)) == 2:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, "serve stopped"
            assert time.monotonic() < deadline, "serve --workers 2 never answered"
            time.sleep(0.3)
        yield base, process
    finally:
        stop_process(process, timeout=30)


def fresh(base: str) -> httpx.Client:
    """A new connection per request: the kernel hands each to either worker."""
    return httpx.Client(base_url=base, headers={"connection": "close"}, timeout=120)


def test_every_page_is_right_across_two_workers(served) -> None:
    base, process = served
    assert len(worker_pids(process.pid)) == 2
    with fresh(base) as client:
        home = client.get("/")
        token = re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)
        fields = {"csrf_token": token, "level": "intermediate", "equipment": "dumbbell",
                  "minutes": "45", "start_time": "18:00", "tz": "Europe/London"}
        created = client.post("/plan", data=fields,
                              files={"runs": ("week.csv", WEEK.read_bytes(), "text/csv")})
        assert created.status_code == 303, created.text[:500]
        athlete = created.headers["location"]
        for _ in range(6):  # whichever worker answers, the same page
            page = client.get(athlete)
            assert page.status_code == 200 and "Plan 1" in page.text
        # links runners keep start with the public address, not the one asked
        feed = re.search(r'"https://club\.example/rs(/feed/[A-Za-z0-9_-]{32}\.ics)"', page.text)
        assert feed, "the feed link uses RUNSTRONG_PUBLIC_URL"
        for number in (1, 2):
            replanned = client.post(athlete + "/plan", data=fields, files={
                "runs": (f"next{number}.csv", next_week_csv(), "text/csv")})
            assert replanned.status_code == 303
        for _ in range(6):
            page = client.get(athlete).text
            assert "Plan 3" in page and "progressed from plan" in page
        served_feed = client.get(feed.group(1))
        latest = client.get(athlete + "/plans/3/plan.ics")
        first = client.get(athlete + "/plans/1/plan.ics")
        # the current plan, after the earlier week the feed keeps as history
        assert {str(e["uid"]) for e in calendar_sessions(served_feed.content)} == \
            ({str(e["uid"]) for e in calendar_sessions(latest.content)}
             | {str(e["uid"]) for e in calendar_sessions(first.content)})
        etag = served_feed.headers["etag"]
        for _ in range(4):
            assert client.get(feed.group(1), headers={"if-none-match": etag}).status_code == 304


def test_healthz_is_503_when_the_database_is_gone(database: str) -> None:
    app = create_app(Settings(db=database, batch_processes=0))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        ok = client.get("/healthz")
        assert ok.status_code == 200 and ok.text == "ok\n"
        assert ok.headers["cache-control"] == "no-store"
        app.state.engine.dispose()
        app.state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/gone")
        gone = client.get("/healthz")
        assert gone.status_code == 503 and "database" in gone.text


def test_serve_refuses_a_public_url_that_is_not_http(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "planner", "serve", "--db",
                             str(tmp_path / "x.sqlite3"), "--public-url", "club.example"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "--public-url" in result.stderr and "Traceback" not in result.stderr
