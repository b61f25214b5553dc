"""`plan --ics FILE` over a calendar runstrong wrote before: SEQUENCE carried forward,
cancellations for dropped sessions, byte-identical output for identical inputs, and the
note about a machine in UTC. Plans come from the CLI on the example files; nothing here
depends on which exercises are chosen. Files are read with icalendar, vobject and ics-py.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import icalendar
import ics
import pytest
import vobject
from click.testing import CliRunner, Result

from planner.cli import main
from planner.readers.plan_json import load_plan_json
from tests.test_ics_output import ics_py_safely

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WEEK = EXAMPLES / "intermediate-week.csv"
COMMON = ["--tz", "Europe/London", "--level", "intermediate", "--equipment", "dumbbell,band"]


def plan(ics_path: Path, *extra: str, runs: Path = WEEK, env: dict | None = None) -> Result:
    result = CliRunner(env=env).invoke(
        main, ["plan", str(runs), *COMMON, "--ics", str(ics_path), *extra],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def events(raw: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}


def test_unchanged_replan_changes_no_byte(tmp_path: Path) -> None:
    path = tmp_path / "plan.ics"
    plan(path, "--alarm", "15")
    first = path.read_bytes()
    result = plan(path, "--alarm", "15")
    assert path.read_bytes() == first
    count = len(events(first))
    assert f"0 new, 0 changed (SEQUENCE raised), {count} unchanged, 0 dropped." in result.stdout


def test_changed_sessions_raise_sequence(tmp_path: Path) -> None:
    path = tmp_path / "plan.ics"
    plan(path)
    before = events(path.read_bytes())
    newest = max(e["DTSTAMP"].dt for e in before.values())
    old = tmp_path / "old.ics"
    shutil.copy(path, old)

    result = plan(path, "--time", "20:30")  # every session moves later in the evening
    after_raw = path.read_bytes()
    after = events(after_raw)
    assert set(after) == set(before)  # same days, same UIDs
    for uid, event in after.items():
        assert event["SEQUENCE"] == 1, uid
        assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt == \
            newest + (datetime(2000, 1, 1, 0, 0, 1) - datetime(2000, 1, 1))
        assert event["DTSTART"].dt.time() != before[uid]["DTSTART"].dt.time()
    assert (f"0 new, {len(after)} changed (SEQUENCE raised), 0 unchanged, 0 dropped."
            in result.stdout)
    for vevent in vobject.readOne(after_raw.decode()).vevent_list:
        assert int(vevent.sequence.value) == 1
    with ics_py_safely():
        assert len(ics.Calendar(after_raw.decode()).events) == len(after)

    # Deterministic: the same plan over the same old file gives the same bytes.
    again = tmp_path / "again.ics"
    shutil.copy(old, again)
    plan(again, "--time", "20:30")
    assert again.read_bytes() == after_raw
    # And a second change counts on: SEQUENCE 2 (a session placed after a run may keep
    # its start, and so its SEQUENCE).
    plan(path, "--time", "07:15")
    third = events(path.read_bytes())
    for uid, event in third.items():
        moved = event["DTSTART"].dt != after[uid]["DTSTART"].dt
        assert event["SEQUENCE"] == (2 if moved else 1)
    assert max(e["SEQUENCE"] for e in third.values()) == 2


def strength(found: dict[str, icalendar.Event]) -> dict[str, icalendar.Event]:
    return {uid: e for uid, e in found.items() if "Strength" in e["CATEGORIES"].cats}


def test_dropped_sessions_are_cancelled_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "plan.ics"
    args = ("--alarm", "10", "--with-runs")
    plan(path, *args)
    before = events(path.read_bytes())
    assert len(strength(before)) == 2

    without = tmp_path / "without.ics"
    shutil.copy(path, without)
    dropped = plan(without, *args, "--sessions", "1")
    assert len(strength(events(without.read_bytes()))) == 1  # dropped: simply absent
    # ...and counted, with what to do about the copy a calendar imported earlier.
    assert "unchanged, 1 dropped (dropped events stay" in dropped.stdout
    assert "--cancel-dropped" in dropped.stdout
    assert f"Wrote {without}" not in dropped.stdout  # the update line already named it

    result = plan(path, *args, "--sessions", "1", "--cancel-dropped")
    raw = path.read_bytes()
    after = events(raw)
    assert set(after) == set(before)
    cancelled = {uid for uid, e in after.items() if str(e["STATUS"]) == "CANCELLED"}
    assert len(cancelled) == 1
    (uid,) = cancelled
    assert uid in strength(before)
    event = after[uid]
    assert event["SEQUENCE"] == before[uid]["SEQUENCE"] + 1
    assert event["DTSTART"].dt == before[uid]["DTSTART"].dt
    assert event["LAST-MODIFIED"].dt > before[uid]["DTSTAMP"].dt
    assert not event.walk("VALARM")  # a cancelled session does not ring
    assert ", 1 cancelled." in result.stdout
    statuses = {v.uid.value: v.status.value for v in vobject.readOne(raw.decode()).vevent_list}
    assert statuses[uid] == "CANCELLED"
    with ics_py_safely():
        parsed = {e.uid: e for e in ics.Calendar(raw.decode()).events}
    assert parsed[uid].status == "CANCELLED"

    # Planned again the same way: the cancellation is carried as it was, nothing changes.
    result = plan(path, *args, "--sessions", "1", "--cancel-dropped")
    assert path.read_bytes() == raw
    assert ", 0 cancelled." in result.stdout

    # The file is still a plan input: its runs are read back, its sessions (the cancelled
    # one included) are not runs.
    back = CliRunner().invoke(main, ["plan", str(path), *COMMON, "--ics",
                                     str(tmp_path / "next.ics"), "-q"], catch_exceptions=False)
    assert back.exit_code == 0, back.output
    assert "ignored 1 runstrong strength session" in back.stderr


def test_source_date_epoch_sets_the_stamp(tmp_path: Path) -> None:
    path = tmp_path / "plan.ics"
    plan(path)
    plan(path, "--time", "20:30", env={"SOURCE_DATE_EPOCH": "1893456000"})  # 2030-01-01
    for event in events(path.read_bytes()).values():
        assert event["DTSTAMP"].dt == datetime(2030, 1, 1, tzinfo=timezone.utc)
    result = CliRunner(env={"SOURCE_DATE_EPOCH": "soon"}).invoke(
        main, ["plan", str(WEEK), *COMMON, "--ics", str(path)])
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH" in result.stderr


def test_another_athletes_file_is_not_history(tmp_path: Path) -> None:
    path = tmp_path / "plan.ics"
    plan(path, "--athlete", "Anna")
    fresh = tmp_path / "fresh.ics"
    plan(fresh, "--athlete", "Bob")
    result = plan(path, "--athlete", "Bob", "--cancel-dropped")
    assert path.read_bytes() == fresh.read_bytes()
    assert "held no runstrong events of Bob" in result.stdout


def test_a_foreign_file_is_simply_replaced(tmp_path: Path) -> None:
    path = tmp_path / "plan.ics"
    path.write_text("not a calendar at all")
    plan(path)
    fresh = tmp_path / "fresh.ics"
    plan(fresh)
    assert path.read_bytes() == fresh.read_bytes()


def test_json_and_ics_still_agree(tmp_path: Path) -> None:
    path, json_path = tmp_path / "plan.ics", tmp_path / "plan.json"
    plan(path)
    plan(path, "--time", "06:30", "--json", str(json_path))
    sessions = [s for w in load_plan_json(json_path)["weeks"] for s in w["sessions"]]
    starts = sorted(e["DTSTART"].dt.strftime("%H:%M") for e in events(path.read_bytes()).values())
    assert starts == sorted(s["start"] for s in sessions)


# --- no silent UTC -------------------------------------------------------------------------


@pytest.mark.parametrize(("env_tz", "args", "noted"), [
    ("UTC", [], True),
    ("Etc/UTC", [], True),
    ("UTC", ["--tz", "UTC"], False),  # asked for: no note
    ("UTC", ["--tz", "Europe/London"], False),
    ("Europe/Berlin", [], False),
])
def test_utc_machine_note(tmp_path: Path, env_tz: str, args: list[str], noted: bool) -> None:
    result = CliRunner(env={"TZ": env_tz}).invoke(
        main, ["plan", str(WEEK), "--ics", str(tmp_path / "plan.ics"), "-q", *args],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    note = "this machine's time zone"
    assert (note in result.stderr) is noted
    if noted:
        assert "--tz Europe/London" in result.stderr


def test_no_utc_note_for_a_calendar_with_its_own_zone(tmp_path: Path) -> None:
    result = CliRunner(env={"TZ": "UTC"}).invoke(
        main, ["plan", str(EXAMPLES / "google-export.ics"), "--ics", str(tmp_path / "p.ics"),
               "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "this machine's time zone" not in result.stderr
