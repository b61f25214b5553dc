"""`runstrong serve --cluster ADDRESS`: a coach's squad is planned on the Dask cluster
`batch --cluster` uses, and the squad's pages hold the same plans as when the server plans
them itself."""

from __future__ import annotations

import re
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from planner.web.app import Settings, create_app
from tests.test_web import BASE, csrf, small_squad, wait_for_squad

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as local:
        yield local.scheduler_address


def squad_plans(settings: Settings) -> dict[str, str]:
    """Each planned athlete's plan JSON, by name, and the failure rows' text."""
    roster, runs = small_squad()
    with TestClient(create_app(settings), base_url=BASE) as client:
        response = client.post("/coach", data={"csrf_token": csrf(client, "/coach")},
                               files={"roster": ("roster.csv", roster, "text/csv"),
                                      "runs": ("runs.csv", runs, "text/csv")},
                               follow_redirects=False)
        assert response.status_code == 303, response.text[:1000]
        page = wait_for_squad(client, response.headers["location"], limit=300)
        assert "unknown level" in page  # the bad roster row, reported either way
        plans = {}
        for athlete in re.findall(r'href="(/a/[A-Za-z0-9_-]{32})"', page):
            data = client.get(f"{athlete}/plans/1/plan.json")
            plans[data.json()["athlete"]] = data.text
        return plans


def test_a_squad_planned_on_the_cluster_is_the_squad_planned_here(scheduler, database,
                                                                  tmp_path) -> None:
    here = squad_plans(Settings(db=str(tmp_path / "here.sqlite3"), batch_processes=0))
    there = squad_plans(Settings(db=database, batch_processes=0, cluster=scheduler))
    assert len(here) == 3 and there == here


def test_an_unreachable_cluster_fails_the_squad_with_its_reason(database) -> None:
    roster, runs = small_squad(1)
    app = create_app(Settings(db=database, batch_processes=0, cluster="tcp://127.0.0.1:9"))
    with TestClient(app, base_url=BASE) as client:
        response = client.post("/coach", data={"csrf_token": csrf(client, "/coach")},
                               files={"roster": ("roster.csv", roster, "text/csv"),
                                      "runs": ("runs.csv", runs, "text/csv")},
                               follow_redirects=False)
        page = wait_for_squad(client, response.headers["location"], limit=120)
        assert "cannot reach" in page and "tcp://127.0.0.1:9" in page
