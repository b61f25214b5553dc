"""planner.renderers.feed: a calendar feed that follows re-plans (SEQUENCE, DTSTAMP, LAST-MODIFIED).

Every check reads the feed with icalendar and with a second parser (vobject, ics-py)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime, time, timedelta, timezone

import icalendar
import ics
import pytest
import vobject

from planner.domain import Plan, Session
from planner.renderers.feed import (
    EventState,
    feed_etag,
    feed_last_modified,
    feed_state_from_json,
    feed_state_to_json,
    render_feed,
    state_from_ics,
)
from planner.renderers.ics import render_ics, session_uid
from tests.test_ics_output import ics_py_safely, plan_with_runs
from tests.test_render_ics import SEVEN, assert_rfc_lines, make_plan, sessions_of, unfold

MONDAY = date(2025, 3, 24)
T0 = datetime(2025, 3, 20, 9, 0, 0, tzinfo=timezone.utc)
T1 = datetime(2025, 3, 22, 18, 30, 5, 123456, tzinfo=timezone.utc)  # microseconds dropped
T2 = datetime(2025, 3, 23, 7, 0, 0, tzinfo=timezone.utc)


def base_plan() -> Plan:
    return make_plan("Europe/Berlin", MONDAY, athlete="Anna")


def replace_sessions(plan: Plan, change) -> Plan:
    """A re-plan: `change(session)` returns the new session or None (dropped)."""
    weeks = []
    for week in plan.weeks:
        kept = tuple(new for new in (change(s) for s in week.sessions) if new is not None)
        weeks.append(dataclasses.replace(week, sessions=kept))
    return dataclasses.replace(plan, weeks=tuple(weeks))


def vevent_blocks(raw: bytes) -> dict[str, bytes]:
    """UID -> the VEVENT's unfolded bytes, exactly as written."""
    found = {}
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", unfold(raw), re.S):
        uid = re.search(rb"\r\nUID:([^\r]+)\r\n", block).group(1).decode()
        found[uid] = block
    return found


def by_uid_icalendar(raw: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}


def by_uid_vobject(raw: bytes) -> dict[str, object]:
    return {e.uid.value: e for e in vobject.readOne(raw.decode()).vevent_list}


def test_first_feed_stamps_everything_now() -> None:
    plan = base_plan()
    raw, state = render_feed(plan, None, T0, alarm_minutes=15)
    assert_rfc_lines(raw)
    uids = [session_uid("Anna", s) for s in sessions_of(plan)]
    assert sorted(state) == sorted(uids)
    for uid, event in by_uid_icalendar(raw).items():
        assert event["SEQUENCE"] == 0
        assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt == T0
        assert state[uid] == EventState(0, "20250320T090000Z", state[uid].digest)
        assert len(event.walk("VALARM")) == 1
    for uid, event in by_uid_vobject(raw).items():
        assert int(event.sequence.value) == 0
        assert event.last_modified.value == T0
        assert uid in state
    with ics_py_safely():
        assert {e.uid for e in ics.Calendar(raw.decode()).events} == set(uids)
    # Subscribers are asked to re-read it hourly (a hint: Google polls on its own).
    lines = unfold(raw).split(b"\r\n")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert b"X-PUBLISHED-TTL:PT1H" in lines
    assert vobject.readOne(raw.decode()).contents["x-published-ttl"][0].value == "PT1H"


def test_the_feed_is_the_file_plus_history() -> None:
    """Apart from SEQUENCE/DTSTAMP/LAST-MODIFIED the feed is exactly `render_ics`."""
    plan = plan_with_runs()
    raw, _ = render_feed(plan, None, T0, alarm_minutes=10, with_runs=True)

    def strip(data: bytes) -> list[bytes]:
        return [line for line in unfold(data).split(b"\r\n")
                if not line.startswith((b"DTSTAMP", b"LAST-MODIFIED", b"SEQUENCE",
                                        b"REFRESH-INTERVAL", b"X-PUBLISHED-TTL"))]

    assert strip(raw) == strip(render_ics(plan, alarm_minutes=10, with_runs=True))
    assert len(by_uid_icalendar(raw)) == 3 + 8


def test_same_plan_again_is_byte_identical() -> None:
    plan = base_plan()
    raw, state = render_feed(plan, None, T0)
    again, state_again = render_feed(plan, state, T1)
    assert again == raw
    assert state_again == state
    assert feed_etag(again) == feed_etag(raw)
    assert state_from_ics(raw) == state  # what a client holds is what we kept


def test_replan_changes_drops_and_moves() -> None:
    plan = base_plan()
    thursday, sunday, wednesday = sessions_of(plan)
    _, state = render_feed(plan, None, T0, alarm_minutes=15)

    moved_to = thursday.date + timedelta(days=1)

    def change(session: Session) -> Session | None:
        if session == thursday:  # moved to Friday: a new day is a new event
            return dataclasses.replace(session, date=moved_to)
        if session == sunday:  # same day, other start and fewer exercises: changed
            return dataclasses.replace(session, start=time(9, 30), exercises=SEVEN[:4])
        return None if session == wednesday else session

    replanned = replace_sessions(plan, change)
    new_raw, new_state = render_feed(replanned, state, T1, alarm_minutes=15)
    assert_rfc_lines(new_raw)
    old_uid = {s: session_uid("Anna", s) for s in (thursday, sunday, wednesday)}
    friday_uid = session_uid("Anna", dataclasses.replace(thursday, date=moved_to))

    assert set(new_state) == {friday_uid, old_uid[sunday]}
    for parsed in (by_uid_icalendar(new_raw), by_uid_vobject(new_raw)):
        assert set(parsed) == {friday_uid, old_uid[sunday]}  # dropped and moved-away: gone
    events = by_uid_icalendar(new_raw)
    changed = events[old_uid[sunday]]
    assert changed["SEQUENCE"] == 1
    assert changed["DTSTAMP"].dt == changed["LAST-MODIFIED"].dt == T1.replace(microsecond=0)
    assert changed["DTSTART"].dt.time() == time(9, 30)
    assert new_state[old_uid[sunday]].sequence == 1
    assert new_state[old_uid[sunday]].stamp == "20250322T183005Z"
    new = events[friday_uid]
    assert new["SEQUENCE"] == 0 and new["DTSTAMP"].dt == T1.replace(microsecond=0)
    vobj = by_uid_vobject(new_raw)[old_uid[sunday]]
    assert int(vobj.sequence.value) == 1
    assert vobj.dtstart.value.hour == 9
    with ics_py_safely():
        parsed = {e.uid: e for e in ics.Calendar(new_raw.decode()).events}
    assert set(parsed) == {friday_uid, old_uid[sunday]}

    # Changed again later: SEQUENCE 2; an unchanged re-plan after that keeps it.
    again = replace_sessions(replanned, lambda s: dataclasses.replace(s, minutes=s.minutes - 5)
                             if s.date == sunday.date else s)
    third, third_state = render_feed(again, new_state, T2)
    assert third_state[old_uid[sunday]].sequence == 2
    assert third_state[friday_uid] != new_state[friday_uid]  # alarm dropped: changed too
    fourth, fourth_state = render_feed(again, third_state, T2 + timedelta(days=3))
    assert fourth == third and fourth_state == third_state


def test_unchanged_sessions_stay_byte_identical() -> None:
    plan = plan_with_runs()
    raw, state = render_feed(plan, None, T0, with_runs=True)
    first, *_ = sessions_of(plan)
    replanned = replace_sessions(plan, lambda s: dataclasses.replace(s, start=time(6, 0))
                                 if s == first else s)
    new_raw, new_state = render_feed(replanned, state, T1, with_runs=True)
    before, after = vevent_blocks(raw), vevent_blocks(new_raw)
    assert set(before) == set(after)
    changed = {uid for uid in before if before[uid] != after[uid]}
    assert changed == {session_uid(plan.athlete, first)}
    assert all(new_state[uid] == state[uid] for uid in before if uid not in changed)


def test_a_clock_that_went_back_still_moves_stamps_forward() -> None:
    plan = base_plan()
    _, state = render_feed(plan, None, T1)
    replanned = replace_sessions(plan, lambda s: dataclasses.replace(s, minutes=s.minutes + 5))
    _, new_state = render_feed(replanned, state, T0)  # T0 is before T1
    for uid, entry in new_state.items():
        assert entry.sequence == 1
        assert entry.stamp == "20250322T183006Z"  # previous stamp + 1 s
        assert entry.stamp > state[uid].stamp
    assert feed_last_modified(new_state) == datetime(2025, 3, 22, 18, 30, 6, tzinfo=timezone.utc)
    assert feed_last_modified({}) is None


def test_a_returning_session_starts_over() -> None:
    plan = base_plan()
    _, state = render_feed(plan, None, T0)
    empty = replace_sessions(plan, lambda s: None)
    raw, empty_state = render_feed(empty, state, T1)
    assert empty_state == {} and b"VEVENT" not in raw
    _, back = render_feed(plan, empty_state, T2)
    assert {entry.sequence for entry in back.values()} == {0}


def test_state_json_round_trip_and_errors() -> None:
    _, state = render_feed(plan_with_runs(), None, T0, with_runs=True)
    text = feed_state_to_json(state)
    assert feed_state_from_json(text) == state
    assert feed_state_to_json(feed_state_from_json(text)) == text  # stable
    data = json.loads(text)
    assert data["version"] == 1 and list(data["events"]) == sorted(state)
    assert feed_state_from_json(feed_state_to_json({})) == {}
    uid = next(iter(state))
    bad_cases = [
        "not json",
        "[]",
        json.dumps({"version": 2, "events": {}}),
        json.dumps({"version": 1, "events": {uid: {"sequence": -1, "stamp": "20250101T000000Z",
                                                   "digest": "0" * 64}}}),
        json.dumps({"version": 1, "events": {uid: {"sequence": 1, "stamp": "2025-01-01",
                                                   "digest": "0" * 64}}}),
        json.dumps({"version": 1, "events": {uid: {"sequence": 1, "stamp": "20251301T000000Z",
                                                   "digest": "0" * 64}}}),
        json.dumps({"version": 1, "events": {uid: {"sequence": 1, "stamp": "20250101T000000Z",
                                                   "digest": "xyz"}}}),
        json.dumps({"version": 1, "events": {uid: {"sequence": 1}}}),
    ]
    for bad in bad_cases:
        with pytest.raises(ValueError):
            feed_state_from_json(bad)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        render_feed(base_plan(), None, datetime(2025, 3, 20, 9, 0))


def test_etag_is_strong_and_quoted() -> None:
    raw, _ = render_feed(base_plan(), None, T0)
    tag = feed_etag(raw)
    assert re.fullmatch(r'"[0-9a-f]{40}"', tag)
    assert feed_etag(raw + b" ") != tag


def test_feed_of_an_empty_plan() -> None:
    plan = Plan(athlete="A", level="beginner", status="reduced", tz="Europe/Berlin", weeks=())
    raw, state = render_feed(plan, None, T0)
    assert state == {}
    assert icalendar.Calendar.from_ical(raw).walk("VEVENT") == []


def test_the_api_the_web_app_codes_against() -> None:
    """Names, parameters and keyword-only markers the web app relies on."""
    import inspect

    parameters = inspect.signature(render_feed).parameters
    assert list(parameters)[:3] == ["plan", "previous", "now"]
    assert parameters["alarm_minutes"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["alarm_minutes"].default is None
    assert [field.name for field in dataclasses.fields(EventState)] == \
        ["sequence", "stamp", "digest"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        EventState(0, "20250101T000000Z", "0" * 64).sequence = 1  # type: ignore[misc]
