"""HTTP-level tests of `runstrong serve` through Starlette's test client: every route."""

from __future__ import annotations

import io
import json
import re
import time
import warnings
import zipfile
from datetime import date, timedelta
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from planner.cli import main as cli_main
from planner.pipeline import PlanOptions, PlanRequest, run_plan
from planner.web.app import Settings, create_app
from planner.web.db import Base, make_engine, migrate
from tests.conftest import DATABASES

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "examples" / "intermediate-week.csv"
GOOGLE = ROOT / "examples" / "google-export.ics"
ROSTER = ROOT / "examples" / "coach" / "roster.csv"
SQUAD_RUNS = ROOT / "examples" / "coach" / "runs.csv"
BASE = "http://127.0.0.1:8000"


@pytest.fixture()
def client(database: str):
    """The app on a fresh database: every test using it runs on SQLite and on PostgreSQL."""
    app = create_app(Settings(db=database, default_tz="Europe/London",
                              batch_processes=0, max_body=2_000_000))
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


def csrf(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "every form carries a CSRF token"
    return found.group(1)


def form(token: str, **extra) -> dict:
    return {"csrf_token": token, "level": "intermediate", "equipment": ["dumbbell", "band"],
            "minutes": "45", "start_time": "18:00", "tz": "Europe/London",
            "deload_every": "4", **extra}


def upload(path: Path, name: str | None = None, data: bytes | None = None) -> dict:
    return {"runs": (name or path.name, data if data is not None else path.read_bytes(),
                     "text/csv")}


def plan_week(client: TestClient, path: Path = WEEK, **extra) -> str:
    response = client.post("/plan", data=form(csrf(client), **extra), files=upload(path),
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    location = response.headers["location"]
    assert re.fullmatch(r"/a/[A-Za-z0-9_-]{32}", location)
    return location


def message(html: str) -> str:
    found = re.search(r'class="message">(.*?)</(?:p|span)>', html, re.S)
    assert found, "an error page shows a message"
    import html as html_lib

    return html_lib.unescape(found.group(1)).strip()


def feed_path(html: str) -> str:
    found = re.search(r'"(/feed/[A-Za-z0-9_-]{32}\.ics)"', html)
    if found is None:
        found = re.search(r'value="http://[^/]+(/feed/[A-Za-z0-9_-]{32}\.ics)"', html)
    assert found
    return found.group(1)


def calendar_sessions(raw: bytes) -> list:
    calendar = Calendar.from_ical(raw)
    return [e for e in calendar.walk("VEVENT") if "runstrong" in str(e.get("categories", ""))
            or str(e.get("uid", "")).endswith("@runstrong")]


# ---- database ------------------------------------------------------------------------------


def test_migration_builds_the_schema_on_an_empty_database(database: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from planner.web.db import database_url

    engine = make_engine(database_url(database))
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"squads", "athletes", "plans", "session_logs", "squad_failures",
            "alembic_version"} <= tables
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    migrate(engine)  # idempotent: a second start-up changes nothing


def test_migration_compiles_for_postgresql() -> None:
    """`--db postgresql+…://`: the same migration as PostgreSQL DDL (offline, no server)."""
    from alembic import command
    from alembic.config import Config

    from planner.web.db import MIGRATIONS

    out = io.StringIO()
    config = Config(output_buffer=out)
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", "postgresql://runstrong@localhost/runstrong")
    command.upgrade(config, "head", sql=True)
    ddl = out.getvalue()
    for table in ("squads", "athletes", "plans", "session_logs", "squad_failures"):
        assert f"CREATE TABLE {table}" in ddl
    assert "BYTEA" in ddl and "TIMESTAMP WITH TIME ZONE" in ddl


# ---- runner flow ---------------------------------------------------------------------------


def test_home_page_has_a_label_for_every_field(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    checker = LabelChecker()
    checker.feed(page.text)
    assert checker.fields, "the form has fields"
    assert checker.unlabelled() == []
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"


def test_upload_plans_and_shows_the_week(client: TestClient) -> None:
    location = plan_week(client)
    page = client.get(location)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    for word in ("Week of", "main", "light", "Gave up", "Why?", "Warm-up", "Effort:", "key",
                 "Log what you did",
                 "webcal://127.0.0.1:8000/feed/", "Plan another week", "History"):
        assert word in text
    assert ">heavy<" not in text  # a heavy session is "main" to the runner
    ics = client.get(f"{location}/plans/1/plan.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert len(calendar_sessions(ics.content)) == 2
    data = client.get(f"{location}/plans/1/plan.json").json()
    assert data["weeks"][0]["start"] == "2026-11-30"
    assert data["tz"] == "Europe/London"
    report = client.get(f"{location}/plans/1/report.txt")
    assert "Week of 2026-11-30" in report.text
    # The same request through the pipeline gives the same plan (deterministic).
    direct = run_plan(PlanRequest(WEEK.read_bytes(), WEEK.name, options=PlanOptions(
        equipment="dumbbell,band", tz="Europe/London")))
    assert json.loads(direct.json)["weeks"] == data["weeks"]


def test_typed_week_grid_plans_without_a_file(client: TestClient) -> None:
    grid = {"week_start": "2026-11-30", "run_0": "easy", "minutes_0": "40", "time_0": "07:00",
            "run_1": "speed", "minutes_1": "60", "time_1": "18:00", "run_3": "tempo",
            "minutes_3": "50", "run_6": "long", "minutes_6": "110", "time_6": "08:00"}
    response = client.post("/plan", data=form(csrf(client), **grid),
                           files={"runs": ("", b"", "application/octet-stream")},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    data = client.get(response.headers["location"] + "/plans/1/plan.json").json()
    assert [r["run"] for r in data["weeks"][0]["runs"]][:2] == ["easy", "speed"]
    assert data["weeks"][0]["sessions"]


def test_a_typed_week_not_starting_on_monday_says_which_monday(client: TestClient) -> None:
    grid = {"week_start": "2026-12-02", "run_0": "easy", "minutes_0": "40", "run_1": "speed",
            "minutes_1": "60", "run_3": "tempo", "minutes_3": "50", "run_6": "long",
            "minutes_6": "110"}
    response = client.post("/plan", data=form(csrf(client), **grid),
                           files={"runs": ("", b"", "application/octet-stream")},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    page = client.get(response.headers["location"]).text
    assert ("the week you typed starts on Wednesday 2 December: weeks start on Monday, so it "
            "is the week of Monday 30 November 2026") in page
    assert "--start" not in page


def test_typed_week_grid_errors_name_the_cell(client: TestClient) -> None:
    grid = {"week_start": "2026-11-30", "run_0": "easy", "minutes_0": "forty"}
    response = client.post("/plan", data=form(csrf(client), **grid))
    assert response.status_code == 400
    assert "row 2" in message(response.text) and "minutes" in message(response.text)


def test_calendar_upload_plans_and_explains_what_it_read(client: TestClient) -> None:
    response = client.post("/plan", data=form(csrf(client), tz=""),
                           files={"runs": ("my calendar.ics", GOOGLE.read_bytes(),
                                           "text/calendar")}, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    page = client.get(response.headers["location"]).text
    assert "read as speed" in page  # the notes the CLI prints
    assert "ambiguous" in page  # and its warnings


@pytest.mark.parametrize(("name", "data"), [
    ("runs.csv", b"date,run\n2026-11-30,flying\n"),
    ("runs.csv", b"\x00\x01\x02binary"),
    ("runs.csv", b""),  # empty upload: asks for a file or the grid
    ("runs.csv", b"date,run,minutes\n2026-11-30,easy,40,extra\n"),
    ("cal.ics", b"BEGIN:VCALENDAR\nnonsense"),
])
def test_bad_upload_shows_the_cli_message(client: TestClient, tmp_path: Path, name: str,
                                          data: bytes) -> None:
    """The reader's own message, on the runs file's field, with a CSV's "field" called what
    the page calls it (a column)."""
    response = client.post("/plan", data=form(csrf(client)), files=upload(WEEK, name, data))
    assert response.status_code == 400
    shown = message(response.text)
    if not data:
        assert "upload a runs file" in shown
        return
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(cli_main, ["plan", str(path), "--ics", str(tmp_path / "o.ics")])
    assert result.exit_code == 2
    cli_line = result.output.strip().splitlines()[-1].removeprefix("error: ")
    assert shown == cli_line.replace(str(path), name).replace("field '", "column '")
    assert 'id="runs-error"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="intermediate" selected' in response.text  # the form keeps its values


@pytest.mark.parametrize(("field", "value", "words"), [
    ("minutes", "999", "not between 5 and 240"), ("tz", "Mars/Olympus", "unknown time zone"),
    ("start_time", "25:00", "bad time"), ("sessions", "9", "not between 0 and 7"),
    ("level", "elite", "unknown level"), ("deload_every", "x", "not a whole number"),
])
def test_bad_options_are_400_with_a_message(client: TestClient, field: str, value: str,
                                            words: str) -> None:
    response = client.post("/plan", data=form(csrf(client), **{field: value}),
                           files=upload(WEEK))
    assert response.status_code == 400
    assert words in message(response.text)
    assert "--" not in message(response.text)  # the page's words, not the CLI's flags
    # next to its field, which says it is the one in error
    assert f'id="{field}-error"' in response.text
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', response.text)


def test_oversize_upload_is_413_not_500(client: TestClient) -> None:
    token = csrf(client)
    big = b"date,run\n" + b"2026-11-30,easy\n" * 200_000
    response = client.post("/plan", data=form(token), files=upload(WEEK, "big.csv", big))
    assert response.status_code == 413
    assert "File too large" in response.text

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(300):
            yield b"x" * 10_000

    response = client.post("/plan", content=chunks(),
                           headers={"content-type": "multipart/form-data; boundary=zz"})
    assert response.status_code == 413


def test_runs_file_over_the_planning_limit_is_400(database: str) -> None:
    app = create_app(Settings(db=database, max_body=5_000_000,
                              batch_processes=0))
    with TestClient(app, base_url=BASE) as big_client:
        data = b"date,run\n" + b"2026-11-30,easy\n" * 80_000
        response = big_client.post("/plan", data=form(csrf(big_client)),
                                   files=upload(WEEK, "big.csv", data))
        assert response.status_code == 400
        assert "the most is" in message(response.text)


def test_malformed_multipart_is_400(client: TestClient) -> None:
    client.get("/")
    response = client.post("/plan", content=b"--zz\r\ngarbage",
                           headers={"content-type": "multipart/form-data; boundary=zz"})
    assert response.status_code in (400, 403)
    assert "<h1>" in response.text


def test_post_without_csrf_token_is_rejected(client: TestClient) -> None:
    token = csrf(client)
    for data in ({**form(token), "csrf_token": "forged"}, {k: v for k, v in form(token).items()
                                                         if k != "csrf_token"}):
        response = client.post("/plan", data=data, files=upload(WEEK))
        assert response.status_code == 403
    response = client.post("/plan", data=form(token), files=upload(WEEK),
                           headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    client.cookies.clear()  # a cross-site post carries no cookie of ours
    response = client.post("/plan", data=form(token), files=upload(WEEK))
    assert response.status_code == 403
    location = None
    for path in ("/coach",):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 403
    assert location is None


def test_every_token_post_is_csrf_protected(client: TestClient) -> None:
    location = plan_week(client)
    for action in ("/plan", "/log", "/feed/rotate"):
        response = client.post(location + action, data={"csrf_token": "nope", "plan": "1"})
        assert response.status_code == 403, action


def test_unknown_tokens_and_pages_are_404(client: TestClient) -> None:
    location = plan_week(client)
    for path in ("/a/not-a-token", "/a/" + "x" * 32, "/a/" + "x" * 500, "/squad/nope",
                 "/squad/nope/calendars.zip", "/feed/" + "x" * 32 + ".ics", "/feed/abc",
                 f"{location}/plans/9", f"{location}/plans/1/secrets.txt",
                 f"{location}/plans/1/../../etc/passwd", "/nothing-here"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.text
    assert client.post("/a/" + "x" * 32 + "/log",
                       data={"csrf_token": csrf(client), "plan": "1"}).status_code == 404


# ---- re-plan, feed ------------------------------------------------------------------------


def next_week_csv() -> bytes:
    lines = WEEK.read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        day, rest = line.split(",", 1)
        out.append(f"{date.fromisoformat(day) + timedelta(days=7)},{rest}")
    return ("\n".join(out) + "\n").encode()


def test_replan_adds_to_history_and_the_feed_follows(client: TestClient) -> None:
    location = plan_week(client)
    page = client.get(location).text
    feed = feed_path(page)
    first = client.get(feed)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    first_dates = {e.decoded("dtstart").date() for e in calendar_sessions(first.content)}
    assert min(first_dates) >= date(2026, 11, 30)

    response = client.post(location + "/plan", data=form(csrf(client, location)),
                           files=upload(WEEK, "next.csv", next_week_csv()),
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    page = client.get(location).text
    assert "Plan 2" in page and "progressed from plan 1" in page
    second = client.get(feed)
    assert second.headers["etag"] != first.headers["etag"]
    dates = {e.decoded("dtstart").date() for e in calendar_sessions(second.content)}
    # The feed keeps last week (the runner's history) and serves the new plan.
    assert first_dates <= dates and max(dates) >= date(2026, 12, 7)
    old = {str(e["UID"]): e.to_ical() for e in calendar_sessions(first.content)}
    new = {str(e["UID"]): e.to_ical() for e in calendar_sessions(second.content)}
    assert all(new[uid] == event for uid, event in old.items())  # unchanged, byte for byte
    assert client.get(f"{location}/plans/1").status_code == 200  # history kept
    assert client.get(f"{location}/plans/2/plan.ics").status_code == 200


def test_replanning_the_same_week_raises_sequence(client: TestClient) -> None:
    location = plan_week(client)
    feed = feed_path(client.get(location).text)
    before = {str(e["uid"]): int(e.get("sequence", 0))
              for e in calendar_sessions(client.get(feed).content)}
    moved = WEEK.read_text().replace("2026-12-04,easy,40,07:00", "2026-12-04,rest,,")
    response = client.post(location + "/plan", data=form(csrf(client, location)),
                           files=upload(WEEK, "moved.csv", moved.encode()),
                           follow_redirects=False)
    assert response.status_code == 303
    after = {str(e["uid"]): int(e.get("sequence", 0))
             for e in calendar_sessions(client.get(feed).content)}
    assert after != before
    for uid in set(before) & set(after):
        assert after[uid] >= before[uid]


def test_replan_with_bad_file_shows_the_message_on_the_athlete_page(client: TestClient) -> None:
    location = plan_week(client)
    response = client.post(location + "/plan", data=form(csrf(client, location)),
                           files=upload(WEEK, "bad.csv", b"date,run\nnot-a-date,easy\n"))
    assert response.status_code == 400
    assert "bad.csv, row 2" in message(response.text)
    assert "Plan another week" in response.text


def test_feed_conditional_get_and_rotation(client: TestClient) -> None:
    location = plan_week(client)
    feed = feed_path(client.get(location).text)
    first = client.get(feed)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "no-cache"
    assert client.get(feed, headers={"if-none-match": etag}).status_code == 304
    assert client.get(feed, headers={"if-none-match": f'"other", {etag}'}).status_code == 304
    assert client.get(feed, headers={"if-none-match": '"stale"'}).status_code == 200
    assert client.get(feed, headers={"if-modified-since": modified}).status_code == 304
    later = format_datetime(first_modified(modified) - timedelta(hours=1), usegmt=True)
    assert client.get(feed, headers={"if-modified-since": later}).status_code == 200
    assert client.get(feed, headers={"if-modified-since": "garbage"}).status_code == 200
    assert client.head(feed).status_code == 200

    response = client.post(location + "/feed/rotate", data={"csrf_token": csrf(client, location)},
                           follow_redirects=False)
    assert response.status_code == 303
    assert client.get(feed).status_code == 404  # the old address is gone
    new_feed = feed_path(client.get(location).text)
    assert new_feed != feed
    rotated = client.get(new_feed)
    assert rotated.status_code == 200 and rotated.content == first.content


def first_modified(header: str):
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(header)


# ---- log -------------------------------------------------------------------------------------


def log_form(client: TestClient, location: str, number: int = 1) -> tuple[dict, list]:
    plan = client.get(f"{location}/plans/{number}/plan.json").json()
    week = plan["weeks"][0]
    return {"csrf_token": csrf(client, location), "plan": str(number),
            "week": week["start"]}, week["sessions"]


def test_log_is_saved_shown_and_drives_the_next_plan(client: TestClient) -> None:
    from planner.readers.session_log import SetDone, log_session

    location = plan_week(client)
    data, sessions = log_form(client, location)
    heavy = next(s for s in sessions if s["intensity"] == "heavy")
    light = next(s for s in sessions if s["intensity"] == "light")
    data[f"status__{heavy['date']}"] = "done"
    data[f"status__{light['date']}"] = "too hard"
    did: dict[str, tuple[SetDone, ...]] = {}
    for item in heavy["exercises"]:
        key = f"{heavy['date']}__{item['variation']}"
        sets = []
        for number in range(1, item["sets"] + 1):
            reps = item["reps"] + (1 if number == 1 else 0)  # set 1 went one better
            data[f"reps__{key}__{number}"] = str(reps)
            kg = None
            if item["load"] != "bodyweight":
                kg = 12.5
                data[f"weight__{key}__{number}"] = "12.5"
            sets.append(SetDone(reps, kg))
        data[f"rir__{key}"] = "2"
        did[item["variation"]] = tuple(sets)
    response = client.post(location + "/log", data=data, follow_redirects=False)
    assert response.status_code == 303 and "saved=1" in response.headers["location"]
    assert "Saved." in client.get(response.headers["location"]).text
    page = client.get(location).text
    assert 'value="12.5"' in page
    assert "1 done, 1 too hard" in page  # the history counts logged sessions

    response = client.post(location + "/plan", data=form(csrf(client, location)),
                           files=upload(WEEK, "next.csv", next_week_csv()),
                           follow_redirects=False)
    assert response.status_code == 303
    replanned = client.get(f"{location}/plans/2/plan.json").json()
    # The same as --previous with the log written by `runstrong log` (the one record).
    previous = client.get(f"{location}/plans/1/plan.json").json()
    for session in previous["weeks"][0]["sessions"]:
        if session["date"] == heavy["date"]:
            log_session(session, "done", did=did, rir=dict.fromkeys(did, 2), source="web")
        else:
            log_session(session, "too hard", source="web")
    direct = run_plan(PlanRequest(next_week_csv(), "next.csv", previous=previous,
                                  options=PlanOptions(equipment="band,dumbbell",
                                                      tz="Europe/London")))
    assert json.loads(direct.json)["weeks"] == replanned["weeks"]
    whys = [e["why"] for s in replanned["weeks"][0]["sessions"] for e in s["exercises"]]
    assert any(why.startswith("you did 3 sets of ") and "at 12.5 kg: now" in why for why in whys)
    unlogged = run_plan(PlanRequest(next_week_csv(), "next.csv", options=PlanOptions(
        equipment="band,dumbbell", tz="Europe/London")))
    assert json.loads(unlogged.json)["weeks"] != replanned["weeks"]


@pytest.mark.parametrize(("suffix", "value", "words"), [
    ("rir", "7", "outside 0–5"), ("reps", "many", "not a number"),
    ("weight", "-3", "outside"), ("status", "maybe", "not one of"),
])
def test_bad_log_values_are_400(client: TestClient, suffix: str, value: str,
                                words: str) -> None:
    location = plan_week(client)
    data, sessions = log_form(client, location)
    session = sessions[0]
    data[f"status__{session['date']}"] = "done"
    key = f"{session['date']}__{session['exercises'][0]['variation']}"
    name = f"status__{session['date']}" if suffix == "status" else f"{suffix}__{key}"
    data[name] = value
    response = client.post(location + "/log", data=data)
    assert response.status_code == 400
    assert words in message(response.text)


def test_log_without_plan_number_is_400(client: TestClient) -> None:
    location = plan_week(client)
    response = client.post(location + "/log", data={"csrf_token": csrf(client, location)})
    assert response.status_code == 400


# ---- coach ---------------------------------------------------------------------------------


def small_squad(count: int = 3) -> tuple[bytes, bytes]:
    roster = ROSTER.read_text(encoding="utf-8").splitlines()
    names = [line.split(",")[0] for line in roster[1:count + 1]]
    runs = SQUAD_RUNS.read_text(encoding="utf-8").splitlines()
    kept = [runs[0]] + [line for line in runs[1:] if line.split(",")[0] in names]
    bad_roster_row = "Zed Unknown,elite,,,,,,,"
    return (("\n".join([*roster[:count + 1], bad_roster_row]) + "\n").encode(),
            ("\n".join(kept) + "\n").encode())


def wait_for_squad(client: TestClient, location: str, limit: float = 120) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        page = client.get(location)
        assert page.status_code == 200
        if 'http-equiv="refresh"' not in page.text:
            return page.text
        assert "<progress" in page.text
        time.sleep(0.3)
    raise AssertionError("the batch did not finish")


def test_coach_batch_table_zip_and_blocks(client: TestClient) -> None:
    roster, runs = small_squad()
    response = client.post("/coach", data={"csrf_token": csrf(client, "/coach")},
                           files={"roster": ("roster.csv", roster, "text/csv"),
                                  "runs": ("runs.csv", runs, "text/csv")},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    location = response.headers["location"]
    page = wait_for_squad(client, location)
    assert "Ana García" in page and "Chloé Martin" in page
    assert "Zed Unknown" in page and "unknown level" in page  # a bad row, reported
    athletes = re.findall(r'href="(/a/[A-Za-z0-9_-]{32})"', page)
    feeds = re.findall(r'href="(/feed/[A-Za-z0-9_-]{32}\.ics)"', page)
    assert len(athletes) == 3 and len(feeds) == 3
    athlete = client.get(athletes[0])
    assert athlete.status_code == 200 and "The block at a glance" in athlete.text
    assert client.get(feeds[0]).status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(client.get(location + "/calendars.zip").content))
    names = sorted(archive.namelist())
    assert "summary.csv" in names and len([n for n in names if n.endswith(".ics")]) == 3
    assert "Zed Unknown" in archive.read("summary.csv").decode()
    for name in names:
        if name.endswith(".ics"):
            assert calendar_sessions(archive.read(name))
    blocks = client.get(location + "/blocks")
    assert blocks.status_code == 200
    assert blocks.text.count('<table class="block">') == 3
    assert "taper" in blocks.text and "main" in blocks.text


@pytest.mark.parametrize(("roster", "runs", "words"), [
    (b"name,level\nAna,beginner\n", b"athlete,date,run\nAna,2027-01-04,easy\n",
     "roster.csv, row 1, field 'athlete': missing column"),
    (b"athlete,level\nAna,beginner\n", b"date,run\n2027-01-04,easy\n",
     "runs.csv, row 1, field 'athlete'"),
    (b"", b"athlete,date,run\n", "choose a roster CSV"),
])
def test_coach_bad_files_are_400_with_a_message(client: TestClient, roster: bytes, runs: bytes,
                                                words: str) -> None:
    response = client.post("/coach", data={"csrf_token": csrf(client, "/coach")},
                           files={"roster": ("roster.csv", roster, "text/csv"),
                                  "runs": ("runs.csv", runs, "text/csv")})
    assert response.status_code == 400
    assert words in message(response.text)


def test_coach_page_has_labels(client: TestClient) -> None:
    checker = LabelChecker()
    checker.feed(client.get("/coach").text)
    assert checker.fields and checker.unlabelled() == []


def test_athlete_page_has_labels(client: TestClient) -> None:
    checker = LabelChecker()
    checker.feed(client.get(plan_week(client)).text)
    assert len(checker.fields) > 20 and checker.unlabelled() == []


def test_serve_defaults_to_loopback() -> None:
    from planner.cli import serve

    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"
    result = CliRunner().invoke(cli_main, ["serve", "--help"])
    assert result.exit_code == 0 and "--db" in result.output


def test_serve_reports_a_bad_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_main, ["serve", "--db", "nosuchdriver://x/y"])
    assert result.exit_code == 2
    assert "cannot open the database" in result.output


class LabelChecker(HTMLParser):
    """Every visible input, select and textarea has a <label for=…> (or aria-label)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            if attributes.get("aria-label"):
                return
            self.fields.append(attributes.get("id") or f"<{tag} name={attributes.get('name')}>")

    def unlabelled(self) -> list[str]:
        return [field for field in self.fields if field not in self.labels]


# ---- no 500 on any input ----------------------------------------------------------------------


FIELDS = ("athlete", "level", "minutes", "sessions", "start_time", "tz", "deload_every",
          "alarm", "start", "map", "week_start", "run_0", "minutes_0", "time_0", "prefer")


@pytest.fixture(scope="module", params=DATABASES)
def shared_client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3")
    else:
        db = request.getfixturevalue("postgres_cluster").database()
    app = create_app(Settings(db=db, batch_processes=0))
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.text(max_size=40),
       values=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=30), max_size=6))
def test_any_upload_and_options_give_a_page_never_a_500(shared_client: TestClient, data: bytes,
                                                        name: str, values: dict) -> None:
    token = csrf(shared_client)
    response = shared_client.post("/plan", data={"csrf_token": token, **values},
                                  files={"runs": (name or "x", data, "text/csv")},
                                  follow_redirects=False)
    assert response.status_code in (303, 400), response.text[:500]


def test_huge_plan_number_is_404(client: TestClient) -> None:
    location = plan_week(client)
    assert client.get(f"{location}/plans/99999999999999999999999").status_code == 404
    response = client.post(location + "/log", data={"csrf_token": csrf(client, location),
                                                    "plan": "99999999999999999999"})
    assert response.status_code == 404


def test_impossible_week_shows_the_diagnosis(client: TestClient) -> None:
    grid = {"week_start": "2026-11-30", **{f"run_{d}": "race" for d in range(7)}}
    response = client.post("/plan", data=form(csrf(client), **grid))
    assert response.status_code == 400
    assert "no plan satisfies the hard rules" in message(response.text)


def test_csrf_cookie_is_strict_and_secure_over_https(database: str) -> None:
    app = create_app(Settings(db=database, batch_processes=0))
    with TestClient(app, base_url="https://runstrong.example") as secure_client:
        cookie = secure_client.get("/").headers["set-cookie"].lower()
        assert "samesite=strict" in cookie and "httponly" in cookie and "secure" in cookie


def test_owned_weights_reach_the_plan_and_the_replan_form(client: TestClient) -> None:
    location = plan_week(client, weights="dumbbell:4,6,8,10,12.5")
    data = client.get(f"{location}/plans/1/plan.json").json()
    assert data["profile"].get("weights") or any(
        item.get("weight_kg") for week in data["weeks"] for s in week["sessions"]
        for item in s["exercises"])
    assert 'value="dumbbell:4,6,8,10,12.5"' in client.get(location).text
    response = client.post("/plan", data=form(csrf(client), weights="dumbbell:lots"),
                           files=upload(WEEK))
    assert response.status_code == 400 and 'id="weights-error"' in response.text


def test_watch_workouts_download_matches_plan_fit(client, tmp_path: Path) -> None:
    """Issue 15: the web page offers the plan's sessions as Garmin FIT workouts, the same
    files `runstrong plan --fit` writes for that plan."""
    import io
    import zipfile

    from garmin_fit_sdk import Decoder, Stream

    from planner.readers.catalog import load_catalog
    from planner.readers.plan_json import plan_from_json, with_catalog
    from planner.renderers.fit import render_fit_files

    location = plan_week(client)
    assert "workouts.zip" in client.get(location).text
    response = client.get(f"{location}/plans/1/workouts.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    data = client.get(f"{location}/plans/1/plan.json").json()
    plan = with_catalog(plan_from_json(data), load_catalog().by_id())
    expected = dict(render_fit_files(plan))
    assert sorted(names) == sorted(expected) and len(names) == 2
    for name in names:
        raw = zipfile.ZipFile(io.BytesIO(response.content)).read(name)
        assert raw == expected[name]
        assert Decoder(Stream.from_byte_array(bytearray(raw))).check_integrity()
        messages, errors = Decoder(Stream.from_byte_array(bytearray(raw))).read(
            enable_crc_check=True)
        assert not errors
        steps = messages["workout_step_mesgs"]
        assert any(step.get("exercise_category") is not None for step in steps)
    assert client.get(f"{location}/plans/1/other.zip").status_code == 404
