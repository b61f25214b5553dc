"""`runstrong push`: write a plan into a CalDAV calendar and keep it in step with re-plans.

The protocol is the `caldav` library's (listing the calendar, PUT and DELETE with
If-Match / If-None-Match so nobody's concurrent change is overwritten). What to do is
planner.renderers.feed's: each event of the plan is compared with the server's copy by UID.

* **Which events are runstrong's**: a UID ending in ``@runstrong`` *and* either an
  X-RUNSTRONG-ATHLETE property naming this plan's athlete (same NFC/trim/case-fold as the
  UIDs) or, for files from before that property, a UID that is this athlete's strength
  session of that very day. Never by title. Any other event — the runner's own, another
  athlete's plan in a coach's shared calendar — is never changed or deleted.
* **Changed or not**: each pushed event carries X-RUNSTRONG-DIGEST, the SHA-256 of its
  content without SEQUENCE/DTSTAMP/LAST-MODIFIED (planner.renderers.feed.EventState.digest). Servers
  re-serialise what they store, so the server's text cannot be compared byte for byte;
  the property survives. Same digest: left alone (the runner's own edits of that event
  stay). Different: PUT with SEQUENCE + 1 and DTSTAMP = LAST-MODIFIED = now. New UID:
  created with SEQUENCE 0.
* **Deleted**: runstrong's events for this athlete dated from the plan's first Monday on
  that the plan no longer has. Earlier ones are the runner's history and stay.
* **Only runstrong's own are deleted**: an event is deleted only when it carries a
  well-formed X-RUNSTRONG-DIGEST (runstrong writes one on every event it pushes); one with
  the UID and athlete but no digest is someone else's copy and is kept (and counted).
* **Hostile servers**: every answer is read with a size cap (MAX_RESPONSE_BYTES) and a
  deadline; a redirect to another scheme, host or port is refused (the plan would go
  there), a same-origin one is followed and the summary names where it led; credentials
  written in the URL are never printed (redact_url).
* **Order**: creations and updates first, deletions last, so a push cut short leaves at
  worst an old session beside its replacement, never a hole. Every change that the server
  confirmed is counted; a failure names how many were made and how many were not, and
  pushing again finishes the job (it is idempotent).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from icalendar import Calendar, Event, Timezone

from planner.domain import CONFIRM_DELETES_OVER, Plan, Session
from planner.errors import RunstrongError
from planner.renderers.feed import (
    EventState,
    WrittenEvent,
    render_marked,
    revise,
    written_events,
)
from planner.renderers.ics import athlete_key, session_uid

DIGEST_PROPERTY = "X-RUNSTRONG-DIGEST"
PASSWORD_ENV = "RUNSTRONG_CALDAV_PASSWORD"
EXIT_SERVER = 5
_UNKNOWN_DIGEST = "0" * 64
TIMEOUT_S = 30
# A calendar listing of a coach's whole squad is a few megabytes; a server sending more is
# broken or hostile (one that kept streaming drove push to 3-8 GB).
MAX_RESPONSE_BYTES = 64_000_000
MAX_REDIRECTS = 5


class PushError(RunstrongError):
    """The server could not be reached or failed part-way (exit 5)."""

    exit_code = EXIT_SERVER


class PushRefused(RunstrongError):
    """Wrong user name or password, or no calendar at the URL: fix the options (exit 2)."""

    exit_code = 2


@dataclass
class PushResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # ours by UID, but carrying no digest
    url: str = ""  # the calendar's URL after any redirect, credentials redacted

    def summary(self) -> str:
        kept = (f", {len(self.kept)} kept (no {DIGEST_PROPERTY}: not written by runstrong, "
                "so never deleted)" if self.kept else "")
        return (f"{len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.deleted)} deleted, {len(self.unchanged)} unchanged{kept}")


@dataclass(frozen=True)
class _Remote:
    """One of this athlete's runstrong events on the server."""

    uid: str
    url: str
    etag: str | None
    day: date
    state: EventState
    has_digest: bool = True


@dataclass(frozen=True)
class _Change:
    kind: str  # "create" | "update" | "delete"
    uid: str
    url: str
    body: bytes | None = None
    etag: str | None = None
    day: date | None = None


def push_plan(plan: Plan, url: str, *, username: str | None, password: str | None,
              now: datetime, alarm_minutes: int | None = None, with_runs: bool = False,
              timeout: int = TIMEOUT_S,
              on_change: Callable[[str, str], None] | None = None, dry_run: bool = False,
              confirm_deletes: Callable[[list[str]], bool] | None = None,
              done: Collection[date] = ()) -> PushResult:
    """Make the calendar at `url` hold `plan`; return what was done (or, with `dry_run`,
    what would be done, changing nothing). The sessions of the days in `done` (logged
    done) are titled "✓ …", as the web feed titles them.

    More than CONFIRM_DELETES_OVER deletions of sessions from today on are made only when
    `confirm_deletes(uids)` says yes (None: refused). Raises PushRefused (credentials, URL,
    a cross-host redirect, deletions not confirmed) or PushError (network, server); a
    PushError raised part-way says how many changes were made before it. No message holds
    a password written in the URL.
    """
    try:
        return _push(plan, url, username=username, password=password, now=now,
                     alarm_minutes=alarm_minutes, with_runs=with_runs, timeout=timeout,
                     on_change=on_change, dry_run=dry_run, confirm_deletes=confirm_deletes,
                     done=done)
    except RunstrongError as exc:
        scrubbed = scrub(str(exc), url)
        if scrubbed == str(exc):
            raise
        raise type(exc)(scrubbed) from None


def _push(plan: Plan, url: str, *, username: str | None, password: str | None,
          now: datetime, alarm_minutes: int | None, with_runs: bool, timeout: int,
          on_change: Callable[[str, str], None] | None, dry_run: bool,
          confirm_deletes: Callable[[list[str]], bool] | None,
          done: Collection[date]) -> PushResult:
    calendar_url = url if url.endswith("/") else url + "/"
    client = _client(calendar_url, username, password, timeout)
    remote = _remote_events(client, calendar_url, plan)
    changes, result = _changes(plan, remote, calendar_url, now, alarm_minutes, with_runs, done)
    final_url = redact_url(client.session.final_url(calendar_url))
    done_result = PushResult(unchanged=list(result.unchanged), kept=list(result.kept),
                             url=final_url)
    if dry_run:
        for change in changes:
            {"create": done_result.created, "update": done_result.updated,
             "delete": done_result.deleted}[change.kind].append(change.uid)
        return done_result
    today = now.date()
    future = [change.uid for change in changes
              if change.kind == "delete" and change.day is not None and change.day >= today]
    if len(future) > CONFIRM_DELETES_OVER and not (confirm_deletes and confirm_deletes(future)):
        raise PushRefused(f"this push would delete {len(future)} sessions from today on "
                          f"(more than {CONFIRM_DELETES_OVER}): is the plan older or shorter "
                          "than the one pushed before? See them with --dry-run; push with "
                          "--yes to delete them. Nothing was changed")
    for number, change in enumerate(changes):
        try:
            _apply(client, change)
        except (PushError, PushRefused) as exc:
            left = len(changes) - number
            raise type(exc)(f"{exc} — {_made(done_result)} before that, {left} change(s) "
                            "not made; push again to finish") from exc
        {"create": done_result.created, "update": done_result.updated,
         "delete": done_result.deleted}[change.kind].append(change.uid)
        if on_change is not None:
            on_change(change.kind, change.uid)
    return done_result


def redact_url(url: str) -> str:
    """`url` with any password written in it replaced by ***, for every message."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
    except ValueError:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def scrub(text: str, url: str) -> str:
    """`text` with the password of `url` (as written and percent-decoded) replaced."""
    try:
        secret = urlsplit(url).password
    except ValueError:
        secret = None
    text = text.replace(url, redact_url(url))
    for form in {secret, unquote(secret or "")} - {None, ""}:
        # `user:secret@` wherever a library echoed the address; a bare secret only when it
        # is long enough not to garble ordinary words ("a" would eat every a).
        text = text.replace(f":{form}@", ":***@")
        if len(str(form)) >= 4:
            text = text.replace(str(form), "***")
    return text


def _made(done: PushResult) -> str:
    return (f"{len(done.created)} created, {len(done.updated)} updated and "
            f"{len(done.deleted)} deleted")


# --- what to change --------------------------------------------------------------------


def _changes(plan: Plan, remote: dict[str, _Remote], calendar_url: str, now: datetime,
             alarm_minutes: int | None, with_runs: bool,
             done: Collection[date] = ()) -> tuple[list[_Change], PushResult]:
    previous = {uid: found.state for uid, found in remote.items()}
    revisions, state = revise(plan, previous, now, alarm_minutes=alarm_minutes,
                               with_runs=with_runs, done=done)
    raw = render_marked(plan, alarm_minutes=alarm_minutes, with_runs=with_runs,
                        revisions=revisions, done=done)
    parsed = Calendar.from_ical(raw)
    zones = {str(zone["TZID"]): zone for zone in parsed.walk("VTIMEZONE")}
    result = PushResult()
    writes: list[_Change] = []
    for event in parsed.walk("VEVENT"):
        uid = str(event["UID"])
        found = remote.get(uid)
        if found is not None and found.state == state[uid]:
            result.unchanged.append(uid)
            continue
        event.add(DIGEST_PROPERTY, state[uid].digest)
        body = _resource(parsed, event, zones)
        if found is None:
            writes.append(_Change("create", uid, urljoin(calendar_url, _resource_name(uid)),
                                  body))
        else:
            writes.append(_Change("update", uid, found.url, body, found.etag))
    deletes = []
    if plan.weeks:
        first = min(week.start for week in plan.weeks)
        first -= timedelta(days=first.weekday())
        gone = [found for found in sorted(remote.values(), key=lambda item: (item.day, item.uid))
                if found.uid not in state and found.day >= first]
        deletes = [_Change("delete", found.uid, found.url, etag=found.etag, day=found.day)
                   for found in gone if found.has_digest]
        result.kept.extend(found.uid for found in gone if not found.has_digest)
    return writes + deletes, result


def _resource_name(uid: str) -> str:
    return quote(uid, safe="@-_.") + ".ics"


def _resource(parsed: Calendar, event: Event, zones: dict[str, Timezone]) -> bytes:
    """One event as its own calendar object: no METHOD (RFC 4791 §4.1), its VTIMEZONEs."""
    single = Calendar()
    for name in ("VERSION", "PRODID", "CALSCALE"):
        single.add(name, parsed[name])
    used = sorted({str(event[name].params["TZID"]) for name in ("DTSTART", "DTEND")
                   if name in event and "TZID" in event[name].params})
    for tzid in used:
        if tzid in zones:
            single.add_component(zones[tzid])
    single.add_component(event)
    return single.to_ical()


# --- the server --------------------------------------------------------------------------


def _client(url: str, username: str | None, password: str | None,
            timeout: int) -> Any:  # caldav.DAVClient, imported only when pushing
    import caldav

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number or above 65535 raises here
    except ValueError as exc:
        raise PushRefused(f"--caldav {redact_url(url)!r} is not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushRefused(f"--caldav must be an http(s) URL of a calendar, not "
                          f"{redact_url(url)!r}")
    client = caldav.DAVClient(url=url, username=username, password=password, timeout=timeout,
                              enable_rfc6764=False)
    client.session = BoundedSession(client.session, timeout=timeout)
    return client


class BoundedSession:
    """The HTTP session the caldav client talks through, made safe against a hostile
    server: each answer is read in chunks up to MAX_RESPONSE_BYTES within a deadline,
    redirects are followed by hand (MAX_REDIRECTS) and only within the same scheme, host
    and port, so neither the plan nor the password goes anywhere the user did not name."""

    def __init__(self, session: Any, *, timeout: float) -> None:
        self._session = session
        self._timeout = timeout
        self._moved: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def final_url(self, url: str) -> str:
        """Where requests to `url` ended up after same-origin redirects."""
        return self._moved.get(url, url)

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        kwargs.update(stream=True, allow_redirects=False)
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._session.request(method, target, **kwargs)
            location = response.headers.get("Location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                self._read(response, target)
                if target != url:
                    self._moved[url] = target
                return response
            response.close()
            following = urljoin(target, location)
            if _origin(following) != _origin(target):
                raise PushRefused(
                    f"{redact_url(url)}: the server redirects to another host "
                    f"({redact_url(following)}); runstrong does not send a plan there. If "
                    "that is the calendar, give its URL to --caldav")
            target = following
        raise PushError(f"{redact_url(url)}: more than {MAX_REDIRECTS} redirects")

    def _read(self, response: Any, url: str) -> None:
        deadline = time.monotonic() + 4 * self._timeout
        size = int(response.headers.get("Content-Length") or 0)
        chunks: list[bytes] = []
        total = 0
        if size <= MAX_RESPONSE_BYTES:
            for chunk in response.iter_content(65_536):
                total += len(chunk)
                chunks.append(chunk)
                if total > MAX_RESPONSE_BYTES or time.monotonic() > deadline:
                    break
        if max(size, total) > MAX_RESPONSE_BYTES or time.monotonic() > deadline:
            response.close()
            what = (f"over {MAX_RESPONSE_BYTES:,} bytes (MAX_RESPONSE_BYTES)"
                    if max(size, total) > MAX_RESPONSE_BYTES
                    else f"still coming after {4 * self._timeout} s")
            raise PushError(f"{redact_url(url)}: the server's answer is {what}; "
                            "is this a CalDAV calendar?")
        response._content = b"".join(chunks)
        response._content_consumed = True


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def sends_password_in_clear(url: str) -> bool:
    """http:// to a host other than this machine: the password would cross the network."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return False
    host = parts.hostname or ""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def _remote_events(client: Any, calendar_url: str, plan: Plan) -> dict[str, _Remote]:
    """This athlete's runstrong events on the server, by UID."""
    calendar = client.calendar(url=calendar_url)
    try:
        objects = calendar.get_events()
    except Exception as exc:  # the library's, the HTTP stack's or the parser's
        raise _server_error(exc, calendar_url, "reading the calendar") from exc
    me = athlete_key(plan.athlete)
    found: dict[str, _Remote] = {}
    for item in objects:
        data = item.data if isinstance(item.data, str) else str(item.data or "")
        try:
            events = written_events(data)
        except ValueError:
            continue  # not ours to judge, and never ours to change
        for written in events:
            if not _is_mine(written, me, plan.athlete):
                continue
            lines = {line.split(":", 1)[0].upper(): line.split(":", 1)[1]
                     for line in written.lines if ":" in line}
            digest = lines.get(DIGEST_PROPERTY, _UNKNOWN_DIGEST).strip().lower()
            try:
                state = EventState(written.state.sequence, written.state.stamp, digest)
            except ValueError:
                digest = _UNKNOWN_DIGEST
                state = EventState(written.state.sequence, written.state.stamp, digest)
            etag = (item.props or {}).get("{DAV:}getetag")
            found[written.uid] = _Remote(written.uid, str(item.url), etag, written.day, state,
                                         has_digest=digest != _UNKNOWN_DIGEST)
    return found


def _is_mine(written: WrittenEvent, me: str, athlete: str) -> bool:
    if written.athlete:
        return athlete_key(written.athlete) == me
    # Written before X-RUNSTRONG-ATHLETE: a strength session's UID is its athlete and day.
    probe = Session(date=written.day, start=datetime.min.time(), minutes=0, intensity="",
                    exercises=())
    return session_uid(athlete, probe) == written.uid


def _apply(client: Any, change: _Change) -> None:
    headers: dict[str, str] = {}
    try:
        if change.kind == "delete":
            if change.etag:
                headers["If-Match"] = change.etag
            response = client.delete(change.url, headers)
            ok = response.status in (200, 204, 404)
        else:
            headers["Content-Type"] = "text/calendar; charset=utf-8"
            if change.kind == "create":
                headers["If-None-Match"] = "*"
            elif change.etag:
                headers["If-Match"] = change.etag
            response = client.put(change.url, (change.body or b"").decode("utf-8"), headers)
            ok = response.status in (200, 201, 204)
    except Exception as exc:
        raise _server_error(exc, change.url, f"{_verb(change)} {change.uid}") from exc
    if ok:
        return
    if response.status == 412:
        raise PushError(f"{change.uid} was changed on the server while pushing "
                        f"({_verb(change)} refused, HTTP 412)")
    if response.status in (401, 403):
        raise PushRefused(f"the server refused to let {_verb(change)} {change.uid} "
                          f"(HTTP {response.status}): check --user and {PASSWORD_ENV}")
    raise PushError(f"the server refused to {_verb(change)} {change.uid} "
                    f"(HTTP {response.status} {response.reason or ''})".rstrip())


def _verb(change: _Change) -> str:
    return {"create": "create", "update": "update", "delete": "delete"}[change.kind]


def _server_error(exc: Exception, url: str, doing: str) -> RunstrongError:
    from caldav.lib import error as dav_error

    if isinstance(exc, RunstrongError):  # BoundedSession's own refusal, already worded
        return exc
    url = redact_url(url)
    status = getattr(exc, "status", None)
    if isinstance(exc, dav_error.AuthorizationError) or status in (401, 403):
        return PushRefused(f"{url}: the server refused the user name or password "
                           f"(HTTP {status or 401}); check --user and {PASSWORD_ENV}")
    if isinstance(exc, dav_error.NotFoundError) or status == 404:
        return PushRefused(f"{url}: no calendar there (HTTP 404); give the URL of the "
                           "calendar itself, e.g. https://dav.example.com/calendars/me/runstrong/")
    if isinstance(exc, dav_error.DAVError):
        reason = getattr(exc, "reason", "") or exc.__class__.__name__
        return PushError(f"{url}: the server failed while {doing}: {reason}")
    if isinstance(exc, OSError):
        return PushError(f"{url}: cannot reach the server while {doing} "
                         f"({_short(exc)})")
    return PushError(f"{url}: unexpected answer while {doing} "
                     f"({exc.__class__.__name__}: {_short(exc)})")


def _short(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "timed out", "Name or service not known",
                   "Temporary failure in name resolution", "No route to host"):
        if marker in text:
            return marker
    return text[:200]
