"""Issue 23, push against a hostile or mistaken setup: credentials in the URL never printed,
a server that never stops answering, redirects to other hosts, events that only look like
runstrong's, --dry-run, and a yes before deleting many sessions. The server is the real
Radicale of tests/test_push.py; the hostile ones are tiny HTTP servers in a thread."""

from __future__ import annotations

import dataclasses
import http.server
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.domain import CONFIRM_DELETES_OVER, Plan
from planner.renderers.ics import render_ics, session_uid
from planner.services import push as push_module
from tests.test_push import (
    CALENDAR,
    MONDAY,
    PASSWORD,
    USER,
    Radicale,
    anna_plan,
    ours,
    plan_file,
    push,
    radicale,  # noqa: F401 - the fixture `dav` stands on
)
from tests.test_render_ics import make_plan, sessions_of

SECRET = "s3cret-pass"


@pytest.fixture
def dav(radicale: Radicale) -> Radicale:  # noqa: F811 - the imported fixture
    """tests/test_push.py's Radicale with a password, a calendar at CALENDAR."""
    return radicale


@pytest.fixture
def http_server() -> Iterator[callable]:
    """Start a ThreadingHTTPServer on 127.0.0.1 with the given handler; stopped after."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(handler: type[http.server.BaseHTTPRequestHandler]) -> int:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _Streaming(_Quiet):
    """Answers every request with a 207 that never ends."""

    def _endless(self) -> None:
        self.send_response(207)
        self.send_header("Content-Type", "application/xml")
        self.end_headers()
        chunk = b"<x>" + b"a" * 65_536 + b"</x>"
        try:
            for _ in range(2_000):  # 130 MB at most, so a broken client cannot hang the test
                self.wfile.write(chunk)
        except OSError:
            pass

    do_REPORT = do_PROPFIND = do_GET = do_OPTIONS = _endless


def _redirecting(to: str) -> type[http.server.BaseHTTPRequestHandler]:
    class Redirect(_Quiet):
        def _moved(self) -> None:
            self.send_response(307)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_REPORT = do_PROPFIND = do_GET = do_PUT = do_DELETE = do_OPTIONS = _moved

    return Redirect


def invoke(*args: str) -> object:
    runner = CliRunner(env={"RUNSTRONG_CALDAV_PASSWORD": None})
    return runner.invoke(main, ["push", *args], catch_exceptions=False)


# --- credentials in the URL ------------------------------------------------------------------


def test_a_password_in_the_url_is_never_printed(dav: Radicale, tmp_path: Path) -> None:
    plan = plan_file(tmp_path, anna_plan())
    good = f"http://{USER}:{PASSWORD.replace(' ', '%20')}@127.0.0.1:{dav.port}{CALENDAR}"
    result = invoke(str(plan), "--caldav", good)
    assert result.exit_code == 0, result.output
    assert "correct" not in result.output and "%20" not in result.output
    assert f"{USER}:***@127.0.0.1" in result.stdout
    for url in (f"http://{USER}:{SECRET}@127.0.0.1:{dav.port}{CALENDAR}",
                f"http://{USER}:{SECRET}@127.0.0.1:{dav.port}/nothing/here/",
                f"http://{USER}:{SECRET}@127.0.0.1:1/cal/",
                f"http://{USER}:{SECRET}@127.0.0.1:99999/cal/",
                f"ftp://{USER}:{SECRET}@example.org/cal/",
                f"http://{USER}:{SECRET}@dav.example.org/cal/"):
        result = invoke(str(plan), "--caldav", url)
        assert result.exit_code in (2, 5), (url, result.output)
        assert SECRET not in result.output, result.output
        assert "Traceback" not in result.output


def test_redact_url_and_scrub() -> None:
    url = "https://me:p%40ss@dav.example.org:8443/cal/"
    assert push_module.redact_url(url) == "https://me:***@dav.example.org:8443/cal/"
    assert push_module.redact_url("https://dav.example.org/cal/") == "https://dav.example.org/cal/"
    assert push_module.scrub(f"failed at {url} with p@ss and p%40ss", url) == \
        "failed at https://me:***@dav.example.org:8443/cal/ with *** and ***"


# --- a server that never stops, and redirects ----------------------------------------------


def test_an_endless_answer_is_cut_at_the_size_cap(http_server, tmp_path: Path,
                                                   monkeypatch) -> None:
    monkeypatch.setattr(push_module, "MAX_RESPONSE_BYTES", 2_000_000)
    port = http_server(_Streaming)
    result = invoke(str(plan_file(tmp_path, anna_plan())), "--caldav",
                    f"http://127.0.0.1:{port}/cal/")
    assert result.exit_code == 5, result.output
    assert "2,000,000 bytes (MAX_RESPONSE_BYTES)" in result.stderr
    assert "Traceback" not in result.output


def test_a_redirect_to_another_host_is_refused(dav: Radicale, http_server,
                                               tmp_path: Path) -> None:
    elsewhere = f"http://localhost:{dav.port}{CALENDAR}"
    port = http_server(_redirecting(elsewhere))
    env_push = push(f"http://127.0.0.1:{port}{CALENDAR}", plan_file(tmp_path, anna_plan()))
    assert env_push.exit_code == 2, env_push.output
    assert "redirects to another host" in env_push.stderr and elsewhere in env_push.stderr
    assert dav.events() == {}  # the plan went nowhere


class _FakeResponse:
    def __init__(self, status: int, location: str | None = None, body: bytes = b"") -> None:
        self.status_code = status
        self.headers = {"Location": location} if location else {}
        self._body = body

    def iter_content(self, size: int) -> Iterator[bytes]:
        yield self._body

    def close(self) -> None:
        pass


class _FakeSession:
    def __init__(self, answers: dict[str, _FakeResponse]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str, dict]] = []

    def request(self, method: str, url: str, **kwargs) -> _FakeResponse:
        self.asked.append((method, url, kwargs))
        return self.answers[url]


def test_a_same_origin_redirect_is_followed_and_named() -> None:
    fake = _FakeSession({"https://h/cal/": _FakeResponse(308, "/users/me/cal/"),
                         "https://h/users/me/cal/": _FakeResponse(207, body=b"<ok/>")})
    session = push_module.BoundedSession(fake, timeout=5)
    response = session.request("REPORT", "https://h/cal/", data=b"q", auth="A")
    assert response._content == b"<ok/>"
    assert [url for _, url, _ in fake.asked] == ["https://h/cal/", "https://h/users/me/cal/"]
    assert all(kw == {"data": b"q", "auth": "A", "stream": True, "allow_redirects": False}
               for _, _, kw in fake.asked)
    assert session.final_url("https://h/cal/") == "https://h/users/me/cal/"


@pytest.mark.parametrize("to", ["http://h/cal/", "https://h:8443/cal/", "https://evil/cal/"])
def test_scheme_host_and_port_changes_are_other_origins(to: str) -> None:
    fake = _FakeSession({"https://h/cal/": _FakeResponse(302, to)})
    with pytest.raises(push_module.PushRefused, match="another host"):
        push_module.BoundedSession(fake, timeout=5).request("GET", "https://h/cal/")


# --- what is deleted, and when -------------------------------------------------------------


def _lookalike(plan: Plan, days_after_monday: int) -> bytes:
    """An event with runstrong's UID and athlete property but no X-RUNSTRONG-DIGEST."""
    raw = render_ics(plan)
    calendar = icalendar.Calendar.from_ical(raw)
    event = calendar.walk("VEVENT")[0]
    session = dataclasses.replace(sessions_of(plan)[0],
                                  date=MONDAY + timedelta(days=days_after_monday))
    event["UID"] = session_uid("Anna", session)
    for name in ("DTSTART", "DTEND"):
        moved = event[name].dt.replace(day=session.date.day)
        del event[name]
        event.add(name, moved)
    single = icalendar.Calendar()
    single.add("version", "2.0")
    single.add("prodid", "-//someone//copy//EN")
    for zone in calendar.walk("VTIMEZONE"):
        single.add_component(zone)
    single.add_component(event)
    return single.to_ical()


def test_only_events_with_runstrongs_digest_are_deleted(dav: Radicale,
                                                        tmp_path: Path) -> None:
    plan = anna_plan()
    body = _lookalike(plan, 1)  # a Tuesday the plan has no session on
    assert b"X-RUNSTRONG-ATHLETE" in body and b"X-RUNSTRONG-DIGEST" not in body
    status, answer, _ = dav.request("PUT", CALENDAR + "copy.ics", body,
                                         {"Content-Type": "text/calendar"})
    assert status == 201, answer
    result = push(dav.url, plan_file(tmp_path, plan))
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 deleted, 0 unchanged, 1 kept" in result.stdout
    assert CALENDAR + "copy.ics" in dav.events()


def _two_plans() -> tuple[Plan, Plan]:
    """Four weeks of sessions, then the same plan with all but its first session gone."""
    early, late = anna_plan(), make_plan("America/New_York", MONDAY + timedelta(weeks=2),
                                         athlete="Anna")
    full = dataclasses.replace(early, weeks=early.weeks + late.weeks)
    first = full.weeks[0].sessions[0]
    short = dataclasses.replace(full, weeks=tuple(
        dataclasses.replace(week, sessions=tuple(s for s in week.sessions if s == first))
        for week in full.weeks))
    return full, short


def test_deleting_many_future_sessions_needs_a_yes(dav: Radicale, tmp_path: Path) -> None:
    full, short = _two_plans()
    assert push(dav.url, plan_file(tmp_path, full)).exit_code == 0
    before = dav.events()
    assert len(ours(before)) == 6

    result = push(dav.url, plan_file(tmp_path, short, "short.json"))
    assert result.exit_code == 2
    assert f"would delete 5 sessions from today on (more than {CONFIRM_DELETES_OVER})" \
        in result.stderr and "--yes" in result.stderr and "Nothing was changed" in result.stderr
    assert dav.events() == before

    result = push(dav.url, plan_file(tmp_path, short, "short.json"), "--yes")
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 5 deleted, 1 unchanged" in result.stdout
    assert len(ours(dav.events())) == 1


def test_dry_run_reads_and_changes_nothing(dav: Radicale, tmp_path: Path) -> None:
    full, short = _two_plans()
    result = push(dav.url, plan_file(tmp_path, full), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("would create ") == 6
    assert "Dry run, nothing changed" in result.stdout and "6 created" in result.stdout
    assert dav.events() == {}
    assert push(dav.url, plan_file(tmp_path, full)).exit_code == 0
    before = dav.events()
    result = push(dav.url, plan_file(tmp_path, short, "short.json"), "--dry-run")
    assert result.exit_code == 0, result.output  # no confirmation needed to look
    assert result.stdout.count("would delete ") == 5
    assert dav.events() == before
