from __future__ import annotations

import subprocess
from datetime import date, time, timedelta

import pytest

from planner.domain import Profile, Run
from planner.planning.instance import Carry, WeekInstance
from planner.readers.catalog import Catalog, load_catalog

MONDAY = date(2026, 11, 30)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


def week_runs(kinds: list[str | tuple[str, ...]], monday: date = MONDAY) -> tuple[Run, ...]:
    """Seven entries, Mon..Sun; a tuple is a double day; "rest" or "" is no run."""
    runs = []
    for offset, entry in enumerate(kinds):
        for kind in (entry if isinstance(entry, tuple) else (entry,)):
            if kind:
                runs.append(Run(monday + timedelta(days=offset), kind, 45, time(7, 0)))
    return tuple(runs)


def make_week(catalog: Catalog, kinds, *, carry: Carry | None = None, deload: bool = False,
              next_monday: str | None = None, **profile) -> WeekInstance:
    runs = week_runs(kinds)
    nxt = (Run(MONDAY + timedelta(days=7), next_monday),) if next_monday else ()
    prof = Profile(**{"tz": "UTC", **profile})
    races = tuple(sorted({r.date for r in runs + nxt if r.kind == "race"}))
    return WeekInstance(start=MONDAY, profile=prof, exercises=catalog.exercises, runs=runs,
                        next_monday_runs=nxt, carry=carry or Carry(), deload=deload,
                        race_dates=races)


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """Stop a server a test started: ask, wait, then insist."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ---- databases: the web tests run on SQLite and on a throw-away PostgreSQL -----------------


@pytest.fixture(scope="session")
def postgres_cluster():
    """One PostgreSQL server per test process (see tests/postgres.py), stopped after."""
    from tests.postgres import start_cluster

    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


DATABASES = ("sqlite", "postgresql")


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path) -> str:
    """`--db` for a web test: a fresh SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "web.sqlite3")
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.database()
    yield url
    cluster.drop(url)
