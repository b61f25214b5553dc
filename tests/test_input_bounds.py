"""Issue 12, inputs: dates bounded, backwards events read by DTSTART, recurrence bounded
in time and memory, only covered days planned, every bad row listed, mixed encodings."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.checker import check_plan
from planner.cli import main
from planner.errors import InputError
from planner.readers.catalog import load_catalog
from planner.readers.runs_csv import load_runs
from planner.readers.runs_ics import MAX_CONTENT_LINES, MAX_EVENTS, load_runs_ics

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def calendar(*events: str) -> str:
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n"


def vevent(summary: str, start: str, end: str | None = None, extra: str = "",
           uid: str = "") -> str:
    lines = ["BEGIN:VEVENT", f"UID:{uid or summary + start}@test", f"DTSTART{start}"]
    if end:
        lines.append(f"DTEND{end}")
    if extra:
        lines.append(extra)
    lines += [f"SUMMARY:{summary}", "END:VEVENT"]
    return "\r\n".join(lines) + "\r\n"


def clean_exit(result, codes=(2,)) -> None:
    assert result.exit_code in codes, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_csv_dates_outside_1900_2200_are_a_clean_error(tmp_path: Path, day: str) -> None:
    runs = tmp_path / "runs.csv"
    runs.write_text(f"date,run\n2026-11-30,easy\n{day},long\n")
    ics = tmp_path / "p.ics"
    result = invoke("plan", str(runs), "--ics", str(ics))
    clean_exit(result)
    assert "row 3" in result.stderr and "'date'" in result.stderr and "1900" in result.stderr
    assert not ics.exists()


@pytest.mark.parametrize("year", ["9999", "0001", "2300"])
def test_calendar_dates_outside_the_bound_are_a_clean_error(tmp_path: Path, year: str) -> None:
    path = tmp_path / "runs.ics"
    path.write_text(calendar(vevent("Long run", f";VALUE=DATE:{year}1205",
                                    f";VALUE=DATE:{year}1206")))
    result = invoke("plan", str(path), "--ics", str(tmp_path / "p.ics"))
    clean_exit(result)
    assert "Long run" in result.stderr and year in result.stderr


@pytest.mark.parametrize("args", [
    ["day-format-week.csv", "--start", "9999-12-27"],
    ["day-format-week.csv", "--start", "0001-01-01"],
    ["google-export.ics", "--range", "9999-01-01..9999-01-31"],
    ["google-export.ics", "--range", "0001-01-01..0001-01-31"],
])
def test_start_and_range_outside_the_bound_are_a_clean_error(tmp_path: Path,
                                                             args: list[str]) -> None:
    result = invoke("plan", str(EXAMPLES / args[0]), *args[1:], "--ics", str(tmp_path / "p.ics"))
    clean_exit(result)
    assert args[1] in result.stderr


def test_plan_json_dates_outside_the_bound_are_a_clean_error(tmp_path: Path) -> None:
    plan_json = tmp_path / "p.json"
    assert invoke("plan", str(EXAMPLES / "intermediate-week.csv"), "--ics",
                  str(tmp_path / "p.ics"), "--json", str(plan_json)).exit_code == 0
    data = json.loads(plan_json.read_text())
    data["weeks"][0]["sessions"][0]["date"] = "9999-12-31"
    plan_json.write_text(json.dumps(data))
    for args in (["check", str(plan_json)], ["explain", str(plan_json)],
                 ["plan", str(EXAMPLES / "intermediate-week.csv"), "--previous", str(plan_json),
                  "--ics", str(tmp_path / "q.ics")]):
        result = invoke(*args)
        clean_exit(result)
        assert "9999-12-31" in result.stderr


# --- backwards events -------------------------------------------------------------------


def test_an_all_day_long_run_ending_before_it_starts_stays_on_its_day(tmp_path: Path) -> None:
    path = tmp_path / "runs.ics"
    path.write_text(calendar(
        vevent("Track intervals", ":20261201T180000Z", ":20261201T190000Z"),
        vevent("Tempo run", ":20261203T180000Z", ":20261203T190000Z"),
        vevent("Easy run", ":20261204T070000Z", ":20261204T080000Z"),
        vevent("Long run", ";VALUE=DATE:20261206", ";VALUE=DATE:20261130"),
    ))
    plan_json = tmp_path / "p.json"
    result = invoke("plan", str(path), "--tz", "UTC", "--ics", str(tmp_path / "p.ics"),
                    "--json", str(plan_json))
    assert result.exit_code == 0, result.output
    assert "ends before it starts" in result.stderr
    data = json.loads(plan_json.read_text())
    runs = {r["date"]: r["run"] for w in data["weeks"] for r in w["runs"]}
    assert runs["2026-12-06"] == "long" and "2026-11-30" not in runs
    sessions = [s for w in data["weeks"] for s in w["sessions"]]
    assert not any(s["date"] == "2026-12-05" and s["intensity"] == "heavy" for s in sessions)
    assert [v for v in check_plan(data, load_catalog()) if v.rule == "H1"] == []


def test_a_timed_event_ending_before_it_starts_has_no_length(tmp_path: Path) -> None:
    path = tmp_path / "runs.ics"
    path.write_text(calendar(vevent("Tempo run", ":20261203T180000Z", ":20261202T190000Z")))
    runs = load_runs_ics(path, range_=None, keyword_map={}, default_tz="UTC")
    assert [(r.date, r.minutes) for r in runs.runs] == [(date(2026, 12, 3), None)]


# --- recurrence -------------------------------------------------------------------------


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_finer_than_daily_recurrence_is_read_once_a_day(tmp_path: Path, freq: str) -> None:
    path = tmp_path / "runs.ics"
    path.write_text(calendar(vevent("Easy run", ":20261130T070000Z",
                                    extra=f"RRULE:FREQ={freq}")))
    started = time.monotonic()
    runs = load_runs_ics(path, range_=(date(2026, 11, 30), date(2026, 12, 13)),
                         keyword_map={}, default_tz="UTC")
    assert time.monotonic() - started < 10
    in_range = [r.date for r in runs.runs if r.date <= date(2026, 12, 13)]
    assert in_range == [date(2026, 11, 30) + timedelta(days=n) for n in range(14)]
    assert any(freq in w and "once a day" in w for w in runs.warnings)


def test_several_byhour_values_are_read_once_a_day(tmp_path: Path) -> None:
    path = tmp_path / "runs.ics"
    path.write_text(calendar(vevent("Easy run", ":20261130T070000Z",
                                    extra="RRULE:FREQ=DAILY;BYHOUR=6,7,8,9;BYMINUTE=0,30")))
    runs = load_runs_ics(path, range_=(date(2026, 11, 30), date(2026, 12, 6)),
                         keyword_map={}, default_tz="UTC")
    assert len([r for r in runs.runs if r.date <= date(2026, 12, 6)]) == 7


def test_too_many_occurrences_are_refused_before_expanding(tmp_path: Path) -> None:
    path = tmp_path / "runs.ics"
    path.write_text(calendar(*(vevent(f"Easy run {n}", ":19000101T070000Z",
                                      extra="RRULE:FREQ=DAILY", uid=f"e{n}")
                               for n in range(40))))
    started = time.monotonic()
    with pytest.raises(InputError, match="too many repeating events"):
        load_runs_ics(path, range_=(date(2026, 11, 30), date(2027, 11, 28)), keyword_map={},
                      default_tz="UTC")
    assert time.monotonic() - started < 10


def test_a_calendar_with_too_many_events_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "runs.ics"
    path.write_text(calendar(*(vevent("Easy run", ":20261201T070000Z", uid=f"e{n}")
                               for n in range(MAX_EVENTS + 1))))
    with pytest.raises(InputError, match="too big"):
        load_runs_ics(path, range_=None, keyword_map={}, default_tz="UTC")


def _hostile(kind: str) -> str:
    """About 1 MB of calendar built to hurt one part of the reader."""
    body = []
    size, n = 0, 0
    while size < 1_000_000:
        if kind == "secondly":
            event = vevent(f"Easy run {n}", ":20261130T070000Z", extra="RRULE:FREQ=SECONDLY",
                           uid=f"s{n}")
        elif kind == "old-daily":
            event = vevent(f"Run {n}", ":19000101T070000Z", extra="RRULE:FREQ=DAILY",
                           uid=f"d{n}")
        elif kind == "lines":
            event = "X-JUNK:x\r\n"
        else:
            event = vevent(f"Tempo run {n}", f":202612{1 + n % 14:02d}T070000Z", uid=f"o{n}")
        body.append(event)
        size += len(event)
        n += 1
    if kind == "lines":
        return calendar(vevent("Easy run", ":20261201T070000Z", extra="".join(body).strip()))
    return calendar(*body)


def _just_under_the_caps(kind: str) -> str:
    """The largest calendars the reader accepts: the real worst case for time."""
    if kind == "cap-lines":
        junk = "X-JUNK:x\r\n" * (MAX_CONTENT_LINES - 20)
        return calendar(vevent("Easy run", ":20261201T070000Z", extra=junk.strip()))
    kinds = ("Easy run", "Tempo run", "Long run", "Dentist", "Track intervals", "parkrun")
    return calendar(*(vevent(f"{kinds[n % 6]} {n}", f":202612{1 + n % 14:02d}T{n % 24:02d}0000Z",
                             uid=f"c{n}") for n in range(MAX_EVENTS)))


@pytest.mark.parametrize("kind", ["secondly", "old-daily", "lines", "one-off", "cap-lines",
                                  "cap-events"])
def test_a_1_mb_hostile_calendar_plans_or_fails_within_10_s_and_300_mb(tmp_path: Path,
                                                                       kind: str) -> None:
    path = tmp_path / "hostile.ics"
    path.write_text(_just_under_the_caps(kind) if kind.startswith("cap") else _hostile(kind))
    assert path.stat().st_size >= (100_000 if kind.startswith("cap") else 1_000_000)
    started = time.monotonic()
    script = ("import resource, sys; from planner.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
              "use = resource.getrusage(resource.RUSAGE_SELF)\n"
              # VmHWM is this program's own peak: ru_maxrss on Linux keeps the peak of the
              # process before exec, i.e. of the (large) pytest process that forked it.
              "peak = use.ru_maxrss\n"
              "try:\n"
              "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
              "    peak = int(status.split()[0])\n"
              "except (OSError, IndexError, ValueError):\n    pass\n"
              "print('MAXRSS', peak, use.ru_utime + use.ru_stime, file=sys.stderr)\n"
              "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script, "plan", str(path), "--tz", "UTC",
                           "--ics", str(tmp_path / "p.ics"), "-q"],
                          capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    peak_kb, cpu = done.stderr.rsplit("MAXRSS", 1)[1].split()[:2]
    assert done.returncode in (0, 2, 3), done.stderr
    assert "Traceback" not in done.stderr
    # CPU time is what the input costs; wall time also counts whatever else the machine
    # runs, so it only guards against a hang here.
    assert float(cpu) < 10, f"{kind}: {float(cpu):.1f} s of CPU"
    assert elapsed < 30, f"{kind}: {elapsed:.1f} s"
    assert int(peak_kb) < 300 * 1024, f"{kind}: {peak_kb} KB"


# --- only what the input covers ---------------------------------------------------------


def test_range_is_respected_and_the_long_run_after_it_still_counts(tmp_path: Path) -> None:
    events = []
    for week in range(3):
        monday = date(2027, 1, 4) + timedelta(weeks=week)
        for offset, summary in ((0, "Easy run"), (1, "Track intervals"), (3, "Tempo run"),
                                (6, "Long run")):
            day = (monday + timedelta(days=offset)).strftime("%Y%m%d")
            events.append(vevent(summary, f":{day}T070000Z", f":{day}T080000Z"))
    path = tmp_path / "runs.ics"
    path.write_text(calendar(*events))
    plan_json = tmp_path / "p.json"
    result = invoke("plan", str(path), "--tz", "UTC", "--range", "2027-01-04..2027-01-13",
                    "--ics", str(tmp_path / "p.ics"), "--json", str(plan_json))
    assert result.exit_code == 0, result.output
    data = json.loads(plan_json.read_text())
    dates = [s["date"] for w in data["weeks"] for s in w["sessions"]]
    assert dates and all("2027-01-04" <= d <= "2027-01-13" for d in dates)
    assert [w["start"] for w in data["weeks"]] == ["2027-01-04", "2027-01-11"]
    assert [v for v in check_plan(data, load_catalog()) if v.rule == "H1"] == []


def test_empty_weeks_are_reported_not_filled(tmp_path: Path) -> None:
    runs = tmp_path / "runs.csv"
    week = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]
    rows = [f"{date(2026, 11, 30) + timedelta(days=n)},{week[n]}" for n in range(7)]
    rows += [f"{date(2026, 12, 21) + timedelta(days=n)},{week[n]}" for n in range(7)]
    runs.write_text("date,run\n" + "\n".join(rows) + "\n")
    plan_json = tmp_path / "p.json"
    result = invoke("plan", str(runs), "--ics", str(tmp_path / "p.ics"), "--json",
                    str(plan_json))
    assert result.exit_code == 0, result.output
    assert "no runs in the week(s) of 2026-12-07, 2026-12-14" in result.stderr
    weeks = json.loads(plan_json.read_text())["weeks"]
    assert [len(w["sessions"]) for w in weeks][1:3] == [0, 0]
    assert weeks[0]["sessions"] and weeks[3]["sessions"]
    assert json.loads(plan_json.read_text())["status"] != "reduced"


def test_a_mistyped_year_is_refused_not_stretched(tmp_path: Path) -> None:
    runs = tmp_path / "runs.csv"
    runs.write_text("date,run\n2026-11-30,easy\n2026-12-01,speed\n2027-12-06,long\n")
    result = invoke("plan", str(runs), "--ics", str(tmp_path / "p.ics"))
    clean_exit(result)
    assert "row 4" in result.stderr and "typo" in result.stderr and "52 weeks" in result.stderr


# --- every bad row, with suggestions; mixed encodings ---------------------------------


def test_every_bad_row_is_listed_with_a_suggestion(tmp_path: Path) -> None:
    runs = tmp_path / "runs.csv"
    runs.write_text("date,run\n2026-11-30,easy\n2026-12-01,sped\n2026-12-02,tmepo\n"
                    "2026-13-03,easy\n2026-12-04,lnog\n")
    with pytest.raises(InputError) as caught:
        load_runs(runs)
    text = str(caught.value)
    assert caught.value.row == 3
    for row in ("row 4", "row 5", "row 6"):
        assert row in text
    assert "did you mean speed?" in text and "did you mean tempo?" in text
    assert "did you mean long?" in text and "4 bad rows" in text


def test_bad_rows_are_capped(tmp_path: Path) -> None:
    runs = tmp_path / "runs.csv"
    runs.write_text("date,run\n" + "".join(f"2026-12-01,zzz{n}\n" for n in range(50)))
    with pytest.raises(InputError) as caught:
        load_runs(runs)
    assert "and 30 more bad rows" in str(caught.value)
    assert str(caught.value).count("\n") <= 21


def test_a_csv_mixing_utf8_and_cp1252_names_the_lines(tmp_path: Path) -> None:
    runs = tmp_path / "runs.csv"
    runs.write_bytes("date,run,title\n2026-11-30,easy,Café run\n".encode()
                     + "2026-12-01,speed,Piste à Zoë\n".encode("cp1252"))
    with pytest.raises(InputError) as caught:
        load_runs(runs)
    assert caught.value.row == 3 and "line 2" in str(caught.value)
    assert "mixes encodings" in str(caught.value)
    cp1252_only = tmp_path / "old.csv"
    cp1252_only.write_bytes("date,run,title\n2026-11-30,easy,Café\n".encode("cp1252"))
    assert load_runs(cp1252_only).runs[0].title == "Café"


# --- plan JSON --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "explain", "previous"])
def test_deep_or_incomplete_plan_json_is_a_clean_error(tmp_path: Path, command: str) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"athlete": "a", "level": "beginner", "profile": "x",
                                   "weeks": [{"start": "2026-11-30", "sessions": [],
                                              "runs": [{"date": "2026-11-30"}]}]}))
    for path in (deep, missing):
        if command == "previous":
            args = ["plan", str(EXAMPLES / "intermediate-week.csv"), "--previous", str(path),
                    "--ics", str(tmp_path / "p.ics")]
        else:
            args = [command, str(path)]
        result = invoke(*args)
        clean_exit(result)
        assert path.name in result.stderr
