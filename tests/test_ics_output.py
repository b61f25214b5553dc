"""Calendar output beyond strength sessions: run events (`--with-runs`), splitting a big
plan into several files for Google's import limits, and the round trip
runs CSV -> plan.ics -> runs."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import ics
import pytest
import vobject
from click.testing import CliRunner

from planner.cli import main
from planner.domain import Plan, Run, Session, WeekPlan
from planner.readers.runs_csv import load_runs
from planner.readers.runs_ics import load_runs_ics
from planner.renderers import ics as render_module
from planner.renderers.ics import (
    render_ics,
    render_ics_files,
    run_summary,
    run_uid,
    session_uid,
)
from tests.test_render_ics import SEVEN, assert_rfc_lines, content_lines, make_plan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@contextmanager
def ics_py_safely() -> Iterator[None]:
    """ics-py 0.7.2 parses each line with TatSu, whose newer releases call colorama.init()
    per parse when colorama happens to be installed: sys.stderr gets wrapped once per
    line and a file of a few hundred events ends in RecursionError. Not our bug (the
    other parsers and a fresh venv without colorama are fine); switch that off here."""
    try:
        import tatsu.color as tatsu_color
    except ImportError:  # pragma: no cover - older TatSu
        yield
        return
    original = tatsu_color.init
    tatsu_color.init = lambda: None
    try:
        yield
    finally:
        tatsu_color.init = original


def plan_with_runs(tz: str = "Europe/Berlin") -> Plan:
    """make_plan's 2 weeks (3 sessions) with runs: timed, all-day, a double day, no minutes."""
    plan = make_plan(tz, date(2025, 3, 24))
    monday = plan.weeks[0].start
    week1_runs = (
        Run(monday, "easy", 40, time(7, 0), title="Easy 8 km"),
        Run(monday + timedelta(days=1), "easy", 30, time(6, 30)),
        Run(monday + timedelta(days=1), "speed", 60, time(18, 30), title="Track",
            source_label="intervals"),
        Run(monday + timedelta(days=2), "rest"),
        Run(monday + timedelta(days=5), "tempo", None, time(9, 0)),  # no minutes
        # 01:30 on the night of the change to summer time, 120 minutes of real time.
        Run(monday + timedelta(days=6), "long", 120, time(1, 30), title="Night long run"),
    )
    week2_runs = (
        Run(monday + timedelta(days=7), "long", 110, None, title="Long run"),  # all-day
        Run(monday + timedelta(days=8), "race"),
    )
    weeks = (dataclasses.replace(plan.weeks[0], runs=week1_runs),
             dataclasses.replace(plan.weeks[1], runs=week2_runs))
    return dataclasses.replace(plan, weeks=weeks)


def runs_of(plan: Plan) -> list[Run]:
    return [run for week in plan.weeks for run in week.runs]


def run_events(raw: bytes) -> list[icalendar.Event]:
    return [e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")
            if "Run" in [str(c) for c in e["CATEGORIES"].cats]]


# --- run events -----------------------------------------------------------------------


def test_without_runs_nothing_changes() -> None:
    plan = plan_with_runs()
    plain = render_ics(plan)
    assert plain == render_ics(plan, with_runs=False) == render_ics_files(plan)[0]
    assert b"runstrong-runs" not in plain
    # The strength events are the same with or without the runs around them.
    strength = [e.to_ical() for e in icalendar.Calendar.from_ical(plain).walk("VEVENT")]
    mixed = icalendar.Calendar.from_ical(render_ics(plan, with_runs=True)).walk("VEVENT")
    assert [e.to_ical() for e in mixed if "Strength" in str(e["CATEGORIES"].to_ical())] == \
        strength


def test_run_events() -> None:
    plan = plan_with_runs()
    raw = render_ics(plan, with_runs=True, alarm_minutes=15)
    assert_rfc_lines(raw)
    events = run_events(raw)
    assert [str(e["SUMMARY"]) for e in events] == [
        "Easy 8 km · easy · 40 min",
        "Run · easy · 30 min",
        "Track · speed · 60 min",
        "Rest day · rest",
        "Run · tempo",
        "Night long run · long · 120 min",
        "Long run · long · 110 min",
        "Run · race",
    ]
    berlin = ZoneInfo("Europe/Berlin")
    for event, run in zip(events, runs_of(plan), strict=True):
        assert [str(c) for c in event["CATEGORIES"].cats] == ["Run", "runstrong-runs"]
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert not event.walk("VALARM")  # reminders are for strength sessions
        assert re.fullmatch(r"run-[0-9a-f]{32}@runstrong", str(event["UID"]))
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        if run.time is None:
            assert (start, end) == (run.date, run.date + timedelta(days=1))  # exclusive end
        else:
            assert start == datetime.combine(run.date, run.time, tzinfo=berlin)
            assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
            elapsed = end.astimezone(timezone.utc) - start.astimezone(timezone.utc)
            assert elapsed == timedelta(minutes=run.minutes or 60)
    lines = content_lines(raw)
    assert "DTSTART;VALUE=DATE:20250326" in lines and "DTEND;VALUE=DATE:20250327" in lines
    # 01:30 CET + 120 min of real time is 04:30 CEST on the night of the change.
    assert "DTEND;TZID=Europe/Berlin:20250330T043000" in lines
    description = str(events[2]["DESCRIPTION"])
    assert "a key run" in description and "Written as: intervals" in description


def test_events_in_day_order_all_day_first() -> None:
    raw = render_ics(plan_with_runs(), with_runs=True)
    events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    keys = []
    for event in events:
        start = event["DTSTART"].dt
        keys.append((start.date(), 1, start.time()) if isinstance(start, datetime)
                    else (start, 0, time(0)))
    assert keys == sorted(keys)


def test_run_uids_are_stable_and_distinct() -> None:
    plan = plan_with_runs()
    first = [str(e["UID"]) for e in run_events(render_ics(plan, with_runs=True))]
    assert len(set(first)) == len(first)
    run = runs_of(plan)[0]
    # Content (minutes, time, title) does not change the UID; the day, type and who do.
    assert run_uid("Anna", run) == run_uid(" anna ", Run(run.date, "easy", 90, time(19, 0),
                                                         title="Other"))
    assert run_uid("Anna", run) != run_uid("Anna", Run(run.date, "tempo"))
    assert run_uid("Anna", run) != run_uid("Anna", run, 1)
    assert run_uid("Anna", run) != run_uid("Bob", run)
    # Told apart from strength sessions' UIDs ("<32 hex>@runstrong") at a glance.
    assert all(uid.startswith("run-") for uid in first)


def test_three_parsers_read_run_events() -> None:
    # vobject keeps the first VTIMEZONE it sees per TZID for the whole process (see
    # test_caldav); ours are whole-zone, so which test came first does not matter.
    raw = render_ics(plan_with_runs("America/Chicago"), with_runs=True)
    text = raw.decode()
    vevents = vobject.readOne(text).vevent_list
    assert len(vevents) == 3 + 8
    all_day = [e for e in vevents if not isinstance(e.dtstart.value, datetime)]
    assert sorted(e.dtstart.value for e in all_day) == [
        date(2025, 3, 26), date(2025, 3, 31), date(2025, 4, 1)]
    with ics_py_safely():
        parsed = ics.Calendar(text)
    assert len(parsed.events) == 11
    assert sum(1 for e in parsed.events if e.all_day) == 3


def test_run_summary() -> None:
    assert run_summary(Run(date(2025, 1, 1), "cross", 45)) == "Cross-training · cross · 45 min"
    assert run_summary(Run(date(2025, 1, 1), "long", 90, title="  Sunday\nlong ")) == \
        "Sunday long · long · 90 min"


# --- splitting big plans --------------------------------------------------------------


def big_plan(weeks: int = 60) -> Plan:
    """16 events a week (two runs a day, two sessions): 960 events over 60 weeks."""
    monday = date(2027, 1, 4)
    built = []
    for index in range(weeks):
        start = monday + timedelta(weeks=index)
        runs = tuple(Run(start + timedelta(days=day), kind, 40, time(hour, 0))
                     for day in range(7) for kind, hour in (("easy", 7), ("speed", 18)))
        sessions = (Session(start + timedelta(days=1), time(19, 30), 40, "heavy", SEVEN[:4]),
                    Session(start + timedelta(days=4), time(12, 0), 30, "light", SEVEN[4:]))
        built.append(WeekPlan(start=start, runs=runs, sessions=sessions))
    return Plan(athlete="Big", level="advanced", status="optimal", tz="Europe/London",
                weeks=tuple(built))


def uids_and_weeks(raw: bytes) -> tuple[list[str], set[date]]:
    events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    mondays = set()
    for event in events:
        start = event["DTSTART"].dt
        day = start.date() if isinstance(start, datetime) else start
        mondays.add(day - timedelta(days=day.weekday()))
    return [str(e["UID"]) for e in events], mondays


def test_a_plan_over_900_events_is_split_by_whole_weeks() -> None:
    plan = big_plan()
    all_uids = [session_uid(plan.athlete, s) for w in plan.weeks for s in w.sessions]
    all_uids += [run_uid(plan.athlete, run) for run in runs_of(plan)]  # one of a kind a day
    assert len(set(all_uids)) == 960
    parts = render_ics_files(plan, with_runs=True)
    assert len(parts) == 2
    seen: list[str] = []
    weeks_seen: list[set[date]] = []
    for number, raw in enumerate(parts, start=1):
        assert len(raw) <= 900_000
        assert_rfc_lines(raw)
        cal = icalendar.Calendar.from_ical(raw)
        assert str(cal["X-WR-CALNAME"]) == \
            f"runstrong – Big runs and leg strength (part {number} of 2)"
        assert cal.get_missing_tzids() == set()
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
        uids, mondays = uids_and_weeks(raw)
        assert len(uids) <= 900
        seen.extend(uids)
        weeks_seen.append(mondays)
        text = raw.decode()
        assert len(vobject.readOne(text).vevent_list) == len(uids)
        with ics_py_safely():
            assert len(ics.Calendar(text).events) == len(uids)
    assert sorted(seen) == sorted(all_uids)  # every event exactly once
    assert not weeks_seen[0] & weeks_seen[1]  # no week cut in two
    assert len(render_ics_files(plan, with_runs=False)) == 1  # 120 sessions fit in one


def test_split_by_bytes() -> None:
    plan = big_plan(weeks=8)
    parts = render_ics_files(plan, alarm_minutes=10, max_bytes=10_000)
    whole = render_ics(plan, alarm_minutes=10)
    assert len(whole) > 20_000 and len(parts) > 2
    assert all(len(raw) <= 10_000 for raw in parts)
    merged = sorted(uid for raw in parts for uid in uids_and_weeks(raw)[0])
    assert merged == sorted(uids_and_weeks(whole)[0])
    assert render_ics_files(plan, alarm_minutes=10, max_bytes=10_000) == parts  # stable
    with pytest.raises(ValueError, match="max_events"):
        render_ics_files(plan, max_events=0)


def test_cli_writes_numbered_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module, "MAX_EVENTS_PER_FILE", 12)
    lines = (EXAMPLES / "block-16-weeks.csv").read_text().splitlines()
    runs = tmp_path / "four-weeks.csv"
    runs.write_text("\n".join([lines[0], *(line for line in lines[1:] if line < "2027-02")]))
    ics_path = tmp_path / "plan.ics"
    args = ["plan", str(runs), "--tz", "UTC", "--with-runs", "--ics", str(ics_path), "-q"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    names = sorted(path.name for path in tmp_path.glob("plan*.ics"))
    count = len(names)
    assert count > 2
    expected = ["plan.ics"] + [f"plan-{n}.ics" for n in range(2, count + 1)]
    assert sorted(expected) == names
    assert f"Wrote {', '.join(str(tmp_path / name) for name in expected)}." in result.stdout
    assert "split into" in result.stdout
    # Planned again with room for everything: one file, and a warning about the old parts.
    monkeypatch.setattr(render_module, "MAX_EVENTS_PER_FILE", 900)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0
    assert f"{tmp_path / 'plan-2.ics'} is left from an earlier, longer plan" in result.stderr


# --- round trip: runs CSV -> plan --with-runs -> .ics -> plan -------------------------


@pytest.mark.parametrize("example", ["intermediate-week", "advanced-week", "race-week",
                                     "block-16-weeks"])
def test_round_trip_through_the_calendar(tmp_path: Path, example: str) -> None:
    csv_path = EXAMPLES / f"{example}.csv"
    first_ics, first_json = tmp_path / "first.ics", tmp_path / "first.json"
    second_ics, second_json = tmp_path / "second.ics", tmp_path / "second.json"
    common = ["--tz", "Europe/London", "--level", "advanced", "-q"]
    result = CliRunner().invoke(main, ["plan", str(csv_path), "--with-runs", "--ics",
                                       str(first_ics), "--json", str(first_json), *common],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    result = CliRunner().invoke(main, ["plan", str(first_ics), "--ics", str(second_ics),
                                       "--json", str(second_json), *common],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "runstrong strength session" in result.stderr  # ours, not counted as runs

    original = load_runs(csv_path).runs
    back = load_runs_ics(first_ics, range_=None, keyword_map={},
                         default_tz="Europe/London").runs

    def key(run: Run) -> tuple:
        return (run.date, run.kind, run.time, run.minutes)

    assert sorted(map(key, back)) == sorted(map(key, original))
    # Titles come back too, except a title that is the default label ("Rest day").
    assert sorted(r.title for r in back if r.title) == sorted(
        r.title for r in original if r.title and r.title not in ("Run", "Rest day"))
    # Same runs, same plan: every session of every week is the same.
    first, second = json.loads(first_json.read_text()), json.loads(second_json.read_text())
    assert [w["sessions"] for w in first["weeks"]] == [w["sessions"] for w in second["weeks"]]
