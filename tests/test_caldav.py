"""A real CalDAV server accepts every event runstrong writes and gives back what we sent.

Radicale (from PyPI) runs as `python -m radicale` on 127.0.0.1 on a free port, with a
temporary storage folder and no authentication. Each event of a produced plan is PUT as
its own calendar resource (with the VTIMEZONE it needs, as CalDAV requires), read back
with GET, and compared with our file: UID, SUMMARY, DESCRIPTION, CATEGORIES, alarms, and
DTSTART/DTEND (all-day dates stay dates; timed ones keep their TZID and wall clock). A
time-range REPORT then checks that the server itself places the events on the right
instants, which it can only do by reading our VTIMEZONE.

Why a subprocess and not Radicale's WSGI app in this process: Radicale parses with
vobject, and vobject keeps one process-wide TZID -> tzinfo map where the first VTIMEZONE
seen for a TZID wins. Our VTIMEZONEs used to cover only the plan's years, so a
long-running Radicale sent plans of different years placed one of them an hour off.
They are whole-zone now (planner.renderers.vtimezone) and
`test_plans_of_different_years_in_one_server` pins that; a server of its own per test
still keeps the tests independent of each other.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.renderers.ics import render_ics
from tests.conftest import stop_process
from tests.test_render_ics import make_plan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DAV = "{DAV:}"
CALENDAR = "/runner/plan/"

# Untimed runs (all-day events) and timed ones, over the US change to summer time on
# 14 March 2027.
RUNS_CSV = """date,run,minutes,time,title
2027-03-08,rest,,,
2027-03-09,speed,60,18:30,Track: 6 x 800 m
2027-03-10,easy,40,,Easy 8 km
2027-03-11,tempo,50,07:00,Threshold 3 x 10 min
2027-03-13,easy,30,08:00,Shakeout
2027-03-14,long,110,,Long run 22 km
2027-03-16,easy,45,07:00,Easy
2027-03-18,hill,50,18:00,Hill repeats
2027-03-21,race,,09:00,City half marathon
"""


@dataclass
class Server:
    port: int

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_radicale(folder: Path, log: Path, *, htpasswd: Path | None = None,
                    port: int | None = None) -> tuple[subprocess.Popen[bytes], int] | None:
    """`python -m radicale` on a free port (or `port`); None if the port was taken meanwhile.

    With `htpasswd` (lines "user:password") it asks for HTTP Basic authentication and
    each user may only use their own collections (/user/...)."""
    port = port or _free_port()
    auth = (["--auth-type", "htpasswd", "--auth-htpasswd-filename", str(htpasswd),
             "--auth-htpasswd-encryption", "plain", "--auth-delay", "0.05",
             "--rights-type", "owner_only"]
            if htpasswd else ["--auth-type", "none", "--rights-type", "authenticated"])
    command = [
        sys.executable, "-m", "radicale", "--config", "",  # no system or user config
        "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(folder),
        *auth,
        "--logging-level", "error",
    ]
    with log.open("ab") as sink:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.02)
    process.kill()
    process.wait()
    raise AssertionError(f"radicale did not start in 10 s: {log.read_text()[-2000:]}")


@pytest.fixture
def radicale_server(tmp_path: Path) -> Iterator[Server]:
    """A real Radicale in its own process (its vobject time zone cache stays its own)."""
    pytest.importorskip("radicale",
                        reason="radicale is not installed (pip install -e '.[test]')")
    log = tmp_path / "radicale.log"
    for _ in range(3):  # another program may grab the free port before Radicale does
        started = _start_radicale(tmp_path / "radicale", log)
        if started is not None:
            break
    else:
        raise AssertionError(f"radicale exited at start: {log.read_text()[-2000:]}")
    process, port = started
    try:
        yield Server(port)
    finally:
        stop_process(process, timeout=5)


def produce_plan(tmp_path: Path, source: str) -> bytes:
    if source == "csv":
        runs = tmp_path / "runs.csv"
        runs.write_text(RUNS_CSV)
    else:
        runs = EXAMPLES / "google-export.ics"  # runs written in London time
    ics = tmp_path / "plan.ics"
    # 20:00 in New York is 01:00 or 00:00 UTC the next day.
    result = CliRunner().invoke(main, ["plan", str(runs), "--with-runs", "--alarm", "30",
                                       "--tz", "America/New_York", "--time", "20:00",
                                       "--ics", str(ics), "-q"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return ics.read_bytes()


def resources(raw: bytes) -> list[tuple[str, bytes]]:
    """Each event as its own VCALENDAR resource, with the VTIMEZONEs it refers to."""
    calendar = icalendar.Calendar.from_ical(raw)
    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    found = []
    for event in calendar.walk("VEVENT"):
        single = icalendar.Calendar()
        single.add("version", "2.0")
        single.add("prodid", str(calendar["PRODID"]))
        for tzid in sorted({str(event[name].params["TZID"]) for name in ("DTSTART", "DTEND")
                            if "TZID" in event[name].params}):
            single.add_component(zones[tzid])
        single.add_component(event)
        found.append((str(event["UID"]), single.to_ical()))
    return found


def same_moment(back: icalendar.prop.vDDDTypes, sent: icalendar.prop.vDDDTypes) -> None:
    assert type(back.dt) is type(sent.dt)
    assert back.dt == sent.dt
    if isinstance(sent.dt, datetime):
        assert back.params.get("TZID") == sent.params.get("TZID")
        assert back.dt.replace(tzinfo=None) == sent.dt.replace(tzinfo=None)  # wall clock
        assert back.dt.utcoffset() == sent.dt.utcoffset()
    else:
        assert back.params.get("VALUE") == "DATE"


def hrefs_between(server: Server, start: datetime, end: datetime) -> set[str]:
    """The server's own answer to 'which events overlap [start, end)?'."""
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{end:%Y%m%dT%H%M%SZ}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>""".encode()
    status, answer = server.request("REPORT", CALENDAR, body,
                                    {"Depth": "1", "Content-Type": "application/xml"})
    assert status == 207, answer
    return hrefs(answer)


def hrefs(answer: bytes) -> set[str]:
    """The event resources named in a multistatus answer, decoded."""
    found = {unquote(element.text or "") for element in ET.fromstring(answer).iter(f"{DAV}href")}
    return {href for href in found if href.endswith(".ics")}


def path_of(uid: str) -> str:
    return f"{CALENDAR}{quote(uid)}.ics"


@pytest.mark.parametrize("source", ["csv", "ics"])
def test_every_event_survives_a_caldav_server(radicale_server: Server, tmp_path: Path,
                                               source: str) -> None:
    server = radicale_server
    raw = produce_plan(tmp_path, source)
    sent = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}
    kinds = {("run" if "runstrong-runs" in str(e["CATEGORIES"].to_ical()) else "strength",
              type(e["DTSTART"].dt).__name__) for e in sent.values()}
    expected_kinds = {("run", "datetime"), ("strength", "datetime")}
    if source == "csv":
        expected_kinds.add(("run", "date"))
    assert kinds == expected_kinds

    assert server.request("MKCOL", "/runner/")[0] == 201
    assert server.request("MKCALENDAR", CALENDAR)[0] == 201
    for uid, body in resources(raw):
        status, answer = server.request(
            "PUT", path_of(uid), body,
            {"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"})
        assert status == 201, (uid, answer)

    status, listing = server.request("PROPFIND", CALENDAR, b"", {"Depth": "1"})
    assert status == 207
    assert hrefs(listing) == {f"{CALENDAR}{uid}.ics" for uid in sent}

    for uid, event in sent.items():
        status, body = server.request("GET", path_of(uid))
        assert status == 200
        (back,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
        assert str(back["UID"]) == uid
        assert str(back["SUMMARY"]) == str(event["SUMMARY"])
        assert str(back["DESCRIPTION"]) == str(event["DESCRIPTION"])
        assert back["CATEGORIES"].cats == event["CATEGORIES"].cats
        assert str(back["TRANSP"]) == str(event["TRANSP"])
        same_moment(back["DTSTART"], event["DTSTART"])
        same_moment(back["DTEND"], event["DTEND"])
        if isinstance(event["DTSTART"].dt, date) and not isinstance(event["DTSTART"].dt,
                                                                    datetime):
            assert back["DTEND"].dt == back["DTSTART"].dt + timedelta(days=1)  # exclusive
        assert ([a["TRIGGER"].dt for a in back.walk("VALARM")]
                == [a["TRIGGER"].dt for a in event.walk("VALARM")])

    # The server's time-range filter, over a New York day before and one after the
    # change to summer time: exactly the timed events starting that local day come back.
    zone = ZoneInfo("America/New_York")
    timed = {uid: e["DTSTART"].dt for uid, e in sent.items()
             if isinstance(e["DTSTART"].dt, datetime)}
    # Some events start on the next day in UTC, so a server that ignored TZID would fail.
    assert any(when.astimezone(timezone.utc).date() != when.date() for when in timed.values())
    for day in sorted({start.date() for start in timed.values()}):
        start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        found = hrefs_between(server, start.astimezone(timezone.utc),
                              end.astimezone(timezone.utc))
        found_timed = {href for href in found if href.rsplit("/", 1)[-1][:-4] in timed}
        assert found_timed == {f"{CALENDAR}{uid}.ics" for uid, when in timed.items()
                               if when.date() == day}, day


def test_server_rejects_a_broken_event(radicale_server: Server) -> None:
    """The check above means something: Radicale does validate what it is sent."""
    server = radicale_server
    assert server.request("MKCOL", "/runner/")[0] == 201
    assert server.request("MKCALENDAR", CALENDAR)[0] == 201
    broken = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
              b"UID:x@y\r\nDTSTART:not-a-date\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    status, _ = server.request("PUT", f"{CALENDAR}broken.ics", broken,
                               {"Content-Type": "text/calendar"})
    assert status >= 400


def test_plans_of_different_years_in_one_server(radicale_server: Server) -> None:
    server = radicale_server
    assert server.request("MKCOL", "/runner/")[0] == 201
    assert server.request("MKCALENDAR", CALENDAR)[0] == 201
    later = make_plan("America/New_York", date(2027, 6, 28), athlete="Anna")
    earlier = make_plan("America/New_York", date(2025, 6, 30), athlete="Bob")
    for plan in (later, earlier):
        for uid, body in resources(render_ics(plan)):
            status, _ = server.request("PUT", path_of(uid), body,
                                       {"Content-Type": "text/calendar"})
            assert status == 201
    # Bob's Thursday session: 3 July 2025, 18:00 in New York (EDT) = 22:00 UTC, read by a
    # server whose vobject first met the VTIMEZONE of Anna's 2027 plan.
    found = hrefs_between(server, datetime(2025, 7, 3, 21, 50, tzinfo=timezone.utc),
                          datetime(2025, 7, 3, 22, 10, tzinfo=timezone.utc))
    assert len(found) == 1
    # And Anna's Thursday session: 1 July 2027, 18:00 EDT = 22:00 UTC.
    found = hrefs_between(server, datetime(2027, 7, 1, 21, 50, tzinfo=timezone.utc),
                          datetime(2027, 7, 1, 22, 10, tzinfo=timezone.utc))
    assert len(found) == 1
