"""Concurrent writes to one athlete (a double click, two tabs) on SQLite and PostgreSQL: every
request gets its answer, plan numbers stay 1, 2, 3 … with no gap or clash, and the feed
follows the newest plan."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from planner.web import store
from tests.test_web import (
    WEEK,
    calendar_sessions,
    client,  # noqa: F401  (the fixture, on both databases)
    csrf,
    feed_path,
    form,
    log_form,
    next_week_csv,
    plan_week,
    upload,
)


def _at_once(monkeypatch: pytest.MonkeyPatch, module, name: str, parties: int) -> None:
    """Hold `parties` calls of module.name until all of them arrived, then let them go
    together: the window a double click falls into, made certain."""
    barrier = threading.Barrier(parties, timeout=60)
    original = getattr(module, name)

    def together(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, together)


def test_two_replans_at_the_same_moment_both_get_a_plan(client, monkeypatch) -> None:  # noqa: F811
    location = plan_week(client)
    token = csrf(client, location)
    _at_once(monkeypatch, store, "save_plan", 2)

    def replan(name: str) -> int:
        return client.post(location + "/plan", data=form(token),
                           files=upload(WEEK, name, next_week_csv()),
                           follow_redirects=False).status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(replan, ["a.csv", "b.csv"]))
    assert statuses == [303, 303]
    page = client.get(location).text
    assert "Plan 3" in page
    for number in (1, 2, 3):
        assert client.get(f"{location}/plans/{number}").status_code == 200
    assert client.get(f"{location}/plans/4").status_code == 404
    # the feed is the last plan saved, rendered on top of the one saved before it, after
    # the earlier week it keeps as history (plan 1's week: the re-plans are of the next)
    feed = {str(e["uid"]) for e in calendar_sessions(client.get(feed_path(page)).content)}
    latest = client.get(f"{location}/plans/3/plan.ics").content
    first = client.get(f"{location}/plans/1/plan.ics").content
    assert feed == ({str(e["uid"]) for e in calendar_sessions(latest)}
                    | {str(e["uid"]) for e in calendar_sessions(first)})


def test_two_identical_log_posts_at_once_keep_one_log(client, monkeypatch) -> None:  # noqa: F811
    location = plan_week(client)
    data, sessions = log_form(client, location)
    first = sessions[0]
    data[f"status__{first['date']}"] = "done"
    _at_once(monkeypatch, store, "save_log", 2)
    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(
            lambda _: client.post(location + "/log", data=data,
                                  follow_redirects=False).status_code, range(2)))
    assert statuses == [303, 303]
    assert "1 done" in client.get(location).text


def test_control_characters_in_a_name_are_dropped_not_a_500(client, tmp_path: Path) -> None:  # noqa: F811
    """PostgreSQL refuses NUL in text: the form keeps printable characters only."""
    location = plan_week(client, athlete="Ann\x00a\x07 Lee")
    assert "AnnaLee" in client.get(location).text.replace(" ", "")
