"""`runstrong push` against a real Radicale on 127.0.0.1 with a password (htpasswd).

A plan is pushed, re-planned (a session moved, one dropped, one changed) and pushed again,
then pushed a third time unchanged. A foreign event and another athlete's runstrong event
in the same calendar are never touched. Wrong password, a missing password, a URL without
a calendar and a server that is down (before and in the middle of a push) end in a clean
error and an exit code, never a traceback, and nothing unconfirmed is reported as done.
Events the server holds are read back with icalendar and vobject.
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from urllib.parse import unquote

import icalendar
import pytest
import vobject
from click.testing import CliRunner, Result

from planner.cli import main
from planner.domain import Plan, Session
from planner.renderers.ics import session_uid
from planner.renderers.json_plan import render_json
from planner.services import push as push_module
from tests.conftest import stop_process
from tests.test_caldav import _start_radicale, hrefs
from tests.test_render_ics import SEVEN, make_plan, sessions_of

USER, PASSWORD = "anna", "correct horse"
CALENDAR = f"/{USER}/runstrong/"
MONDAY = date(2027, 3, 8)  # the US change to summer time is on 14 March 2027
FOREIGN = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//else//EN\r\n"
           b"BEGIN:VEVENT\r\nUID:dentist-1@example.com\r\nDTSTAMP:20270101T000000Z\r\n"
           b"DTSTART:20270311T150000Z\r\nDTEND:20270311T160000Z\r\n"
           b"SUMMARY:Leg strength \xc2\xb7 heavy \xc2\xb7 5 exercises\r\n"  # title alone: not ours
           b"CATEGORIES:runstrong\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@dataclass
class Radicale:
    folder: Path
    log: Path
    htpasswd: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for _ in range(3):
            started = _start_radicale(self.folder, self.log, htpasswd=self.htpasswd,
                                      port=self.port or None)
            if started is not None:
                self.process, self.port = started
                return
        raise AssertionError(f"radicale exited at start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process, timeout=5)
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALENDAR}"

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body,
                               headers={"Authorization": f"Basic {token}", **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read(), response.getheader("ETag") or ""
        finally:
            connection.close()

    def events(self) -> dict[str, tuple[str, bytes]]:
        """href -> (ETag, body) of every resource in the calendar."""
        status, listing, _ = self.request("PROPFIND", CALENDAR, b"", {"Depth": "1"})
        assert status == 207, listing
        found = {}
        for href in hrefs(listing):
            status, body, etag = self.request("GET", href)
            assert status == 200
            found[unquote(href)] = (etag, body)
        return found


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    pytest.importorskip("radicale", reason="radicale is not installed (pip install -e '.[test]')")
    pytest.importorskip("caldav", reason="caldav is not installed (pip install -e .)")
    htpasswd = tmp_path / "htpasswd"
    htpasswd.write_text(f"{USER}:{PASSWORD}\n")
    server = Radicale(tmp_path / "radicale", tmp_path / "radicale.log", htpasswd)
    server.start()
    try:
        # Radicale makes the user's own collection at their first login (then 405).
        assert server.request("MKCOL", f"/{USER}/")[0] in (201, 405)
        assert server.request("MKCALENDAR", CALENDAR)[0] == 201
        yield server
    finally:
        server.stop()


def plan_file(tmp_path: Path, plan: Plan, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_bytes(render_json(plan))
    return path


def push(server_url: str, plan_json: Path, *extra: str, password: str | None = PASSWORD,
         user: str | None = USER) -> Result:
    env = {"RUNSTRONG_CALDAV_PASSWORD": password} if password is not None else {}
    args = ["push", str(plan_json), "--caldav", server_url, *extra]
    if user is not None:
        args += ["--user", user]
    runner = CliRunner(env={"RUNSTRONG_CALDAV_PASSWORD": None, **env})
    return runner.invoke(main, args, catch_exceptions=False)


def ours(found: dict[str, tuple[str, bytes]]) -> dict[str, icalendar.Event]:
    events = {}
    for _, body in found.values():
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT"):
            if str(event["UID"]).endswith("@runstrong") and \
                    str(event.get("X-RUNSTRONG-ATHLETE", "")) == "Anna":
                events[str(event["UID"])] = event
    return events


def anna_plan() -> Plan:
    return make_plan("America/New_York", MONDAY, athlete="Anna")


def bob_event() -> bytes:
    """Another athlete's runstrong session in the same (a coach's) calendar."""
    from planner.renderers.ics import render_ics

    raw = render_ics(make_plan("America/New_York", MONDAY, athlete="Bob"))
    calendar = icalendar.Calendar.from_ical(raw)
    single = icalendar.Calendar()
    single.add("version", "2.0")
    single.add("prodid", "-//runstrong//test//EN")
    for component in calendar.walk("VTIMEZONE"):
        single.add_component(component)
    single.add_component(calendar.walk("VEVENT")[0])
    return single.to_ical()


def test_push_replan_and_push_again(radicale: Radicale, tmp_path: Path) -> None:
    for name, body in (("dentist.ics", FOREIGN), ("bob.ics", bob_event())):
        status, answer, _ = radicale.request("PUT", CALENDAR + name, body,
                                             {"Content-Type": "text/calendar"})
        assert status == 201, answer
    others_before = {href: item for href, item in radicale.events().items()}

    plan = anna_plan()
    thursday, sunday, wednesday = sessions_of(plan)
    result = push(radicale.url, plan_file(tmp_path, plan), "--alarm", "20")
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 deleted, 0 unchanged" in result.stdout
    first = radicale.events()
    events = ours(first)
    assert set(events) == {session_uid("Anna", s) for s in (thursday, sunday, wednesday)}
    for event in events.values():
        assert event["SEQUENCE"] == 0
        assert len(event.walk("VALARM")) == 1
    # vobject (Radicale's own parser) reads the server's copies and their time zone.
    for href, (_, body) in first.items():
        if href in others_before:
            continue
        assert b"METHOD:" not in body  # RFC 4791: a calendar object has no METHOD
        parsed = vobject.readOne(body.decode())
        assert parsed.vevent.dtstart.value.tzinfo is not None
        assert parsed.vevent.dtstart.value.hour in (18, 7)

    # The same plan again: nothing to do, the server's copies are untouched.
    result = push(radicale.url, plan_file(tmp_path, plan), "--alarm", "20")
    assert result.exit_code == 0, result.output
    assert "Pushed" in result.stdout
    assert "0 created, 0 updated, 0 deleted, 3 unchanged" in result.stdout
    assert radicale.events() == first

    # Re-plan: Thursday moves to Friday, Sunday starts at 09:30 with 4 exercises,
    # Wednesday is dropped.
    friday = dataclasses.replace(thursday, date=thursday.date + timedelta(days=1))
    changed = dataclasses.replace(sunday, start=time(9, 30), exercises=SEVEN[:4])

    def replan(session: Session) -> Session | None:
        return {thursday: friday, sunday: changed}.get(session)

    weeks = tuple(dataclasses.replace(week, sessions=tuple(
        new for new in map(replan, week.sessions) if new is not None)) for week in plan.weeks)
    result = push(radicale.url, plan_file(tmp_path, dataclasses.replace(plan, weeks=weeks)),
                  "--alarm", "20")
    assert result.exit_code == 0, result.output
    assert "1 created, 1 updated, 2 deleted, 0 unchanged" in result.stdout
    assert f"deleted {session_uid('Anna', wednesday)}" in result.stdout
    after = radicale.events()
    events = ours(after)
    assert set(events) == {session_uid("Anna", friday), session_uid("Anna", sunday)}
    moved, updated = events[session_uid("Anna", friday)], events[session_uid("Anna", sunday)]
    assert moved["SEQUENCE"] == 0
    assert updated["SEQUENCE"] == 1
    assert updated["DTSTART"].dt.time() == time(9, 30)
    assert updated["LAST-MODIFIED"].dt == updated["DTSTAMP"].dt
    assert updated["DTSTAMP"].dt > first_stamp(first, session_uid("Anna", sunday))
    for href, item in others_before.items():  # the dentist and Bob: byte for byte the same
        assert after[href] == item

    result = push(radicale.url, plan_file(tmp_path, dataclasses.replace(plan, weeks=weeks)),
                  "--alarm", "20", "-q")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("0 created, 0 updated, 0 deleted, 2 unchanged.")
    assert radicale.events() == after


def first_stamp(found: dict[str, tuple[str, bytes]], uid: str):
    return ours(found)[uid]["DTSTAMP"].dt


def test_history_before_the_plan_stays(radicale: Radicale, tmp_path: Path) -> None:
    """A plan for later weeks never deletes the sessions of earlier ones."""
    plan = anna_plan()
    assert push(radicale.url, plan_file(tmp_path, plan)).exit_code == 0
    later = make_plan("America/New_York", MONDAY + timedelta(weeks=2), athlete="Anna")
    result = push(radicale.url, plan_file(tmp_path, later))
    assert "3 created, 0 updated, 0 deleted, 0 unchanged" in result.stdout
    assert len(ours(radicale.events())) == 6


def test_wrong_password(radicale: Radicale, tmp_path: Path) -> None:
    result = push(radicale.url, plan_file(tmp_path, anna_plan()), password="wrong")
    assert result.exit_code == 2
    assert "refused the user name or password" in result.stderr
    assert "Traceback" not in result.output and "Pushed" not in result.stdout
    assert radicale.events() == {}


def test_password_only_from_the_environment(radicale: Radicale, tmp_path: Path) -> None:
    result = push(radicale.url, plan_file(tmp_path, anna_plan()), password=None)
    assert result.exit_code == 2
    assert "RUNSTRONG_CALDAV_PASSWORD" in result.stderr
    result = CliRunner().invoke(main, ["push", str(plan_file(tmp_path, anna_plan())),
                                       "--caldav", radicale.url, "--password", "x"])
    assert result.exit_code == 2 and "No such option" in result.stderr


def test_url_without_a_calendar(radicale: Radicale, tmp_path: Path) -> None:
    result = push(radicale.url.replace("runstrong", "nothing-here"),
                  plan_file(tmp_path, anna_plan()))
    assert result.exit_code == 2
    assert "no calendar there" in result.stderr


def test_server_down(tmp_path: Path) -> None:
    from tests.test_caldav import _free_port

    url = f"http://127.0.0.1:{_free_port()}{CALENDAR}"
    result = push(url, plan_file(tmp_path, anna_plan()))
    assert result.exit_code == 5
    assert "cannot reach the server" in result.stderr
    assert "Traceback" not in result.output and "Pushed" not in result.stdout


def test_server_dies_in_the_middle(radicale: Radicale, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the changes the server confirmed are reported; pushing again finishes."""
    original = push_module._apply
    calls = []

    def flaky(client, change) -> None:
        calls.append(change.uid)
        if len(calls) == 2:
            radicale.stop()  # the server goes away before the second PUT
        original(client, change)

    monkeypatch.setattr(push_module, "_apply", flaky)
    plan_json = plan_file(tmp_path, anna_plan())
    result = push(radicale.url, plan_json)
    assert result.exit_code == 5
    assert "cannot reach the server" in result.stderr
    assert "1 created, 0 updated and 0 deleted before that, 2 change(s) not made" \
        in result.stderr
    assert "Pushed" not in result.stdout
    assert result.stdout.splitlines() == [f"created {calls[0]}"]

    monkeypatch.setattr(push_module, "_apply", original)
    radicale.start()  # same port and storage
    result = push(radicale.url, plan_json)
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 deleted, 1 unchanged" in result.stdout
    assert len(ours(radicale.events())) == 3


def test_cleartext_password_warning() -> None:
    assert push_module.sends_password_in_clear("http://dav.example.com/cal/")
    assert not push_module.sends_password_in_clear("https://dav.example.com/cal/")
    assert not push_module.sends_password_in_clear("http://127.0.0.1:5232/cal/")
    assert not push_module.sends_password_in_clear("http://localhost:5232/cal/")


@dataclass
class _Answer:
    status: int
    reason: str = ""


class _FakeClient:
    """Answers every PUT/DELETE with one status: what a server can say back."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.calls: list[tuple[str, str, dict[str, str]]] = []

    def put(self, url: str, body: str, headers: dict[str, str]) -> _Answer:
        self.calls.append(("PUT", url, headers))
        return _Answer(self.status, "Reason")

    def delete(self, url: str, headers: dict[str, str]) -> _Answer:
        self.calls.append(("DELETE", url, headers))
        return _Answer(self.status, "Reason")


@pytest.mark.parametrize(("status", "error", "text"), [
    (412, push_module.PushError, "changed on the server while pushing"),
    (403, push_module.PushRefused, "refused to let update"),
    (507, push_module.PushError, "HTTP 507 Reason"),
])
def test_refusals_of_single_changes(status: int, error: type, text: str) -> None:
    change = push_module._Change("update", "x@runstrong", "http://h/c/x.ics", b"BODY", '"e1"')
    client = _FakeClient(status)
    with pytest.raises(error, match=text):
        push_module._apply(client, change)
    assert client.calls == [("PUT", "http://h/c/x.ics",
                             {"Content-Type": "text/calendar; charset=utf-8",
                              "If-Match": '"e1"'})]
    # A delete that finds the event already gone is fine; a create never overwrites.
    push_module._apply(_FakeClient(404), push_module._Change("delete", "x@runstrong", "u"))
    creating = _FakeClient(201)
    push_module._apply(creating, push_module._Change("create", "x@runstrong", "u", b"B"))
    assert creating.calls[0][2]["If-None-Match"] == "*"
