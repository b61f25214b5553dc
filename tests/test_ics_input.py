"""Calendar (.ics) files as runs input: time zones, recurrences, classification, errors."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.domain import Run
from planner.errors import InputError
from planner.readers.ics_events import classify_event, parse_keyword_map
from planner.readers.runs_ics import is_calendar_file, load_runs_ics
from planner.readers.spans import parse_range

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GOOGLE_EXAMPLE = EXAMPLES / "google-export.ics"

LONDON_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/London
X-LIC-LOCATION:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""


def vevent(summary: str, start: str, end: str | None = None, *, uid: str | None = None,
           extra: str = "") -> str:
    """A VEVENT; `start`/`end` are whole property lines' values after 'DTSTART'."""
    uid = uid or f"{summary}-{start}".replace(" ", "-").replace(":", "-").replace(";", "-")
    lines = ["BEGIN:VEVENT", f"UID:{uid if '@' in uid else uid + '@example.com'}",
             "DTSTAMP:20270101T000000Z", f"DTSTART{start}"]
    if end is not None:
        lines.append(f"DTEND{end}")
    lines.append(f"SUMMARY:{summary}")
    lines.extend(line for line in extra.strip().splitlines() if line)
    lines.append("END:VEVENT")
    return "\n".join(lines)


def vcalendar(*events: str, header: str = "", timezones: str = LONDON_VTIMEZONE) -> str:
    parts = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    parts.extend(line for line in header.strip().splitlines() if line)
    if timezones:
        parts.append(timezones)
    parts.extend(events)
    parts.append("END:VCALENDAR")
    return "\r\n".join("\n".join(parts).split("\n")) + "\r\n"


def write(tmp_path: Path, text: str, name: str = "runs.ics") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def load(path: Path, *, tz: str = "Europe/London", range_: tuple[date, date] | None = None,
         keyword_map: dict[str, str] | None = None):
    return load_runs_ics(path, range_=range_, keyword_map=keyword_map or {}, default_tz=tz)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def summary_of(runs: tuple[Run, ...]) -> list[tuple[str, str, str | None, int | None]]:
    return [(r.date.isoformat(), r.kind, r.time.strftime("%H:%M") if r.time else None, r.minutes)
            for r in runs]


# A Google Calendar export: X-WR-TIMEZONE, a VTIMEZONE, recurring events with TZID, one-off
# events in UTC, a floating one, all-day ones, one that is not a run, one that is ambiguous.
GOOGLE = vcalendar(
    vevent("Easy run", ";TZID=Europe/London:20270302T070000",
           ";TZID=Europe/London:20270302T074500", uid="easy",
           extra="RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4\n"
                 "EXDATE;TZID=Europe/London:20270309T070000"),
    vevent("Track: 6 x 800 m", ":20270303T183000Z", ":20270303T193000Z"),
    vevent("Tempo 3 x 10 min", ":20270304T071500", ":20270304T080500"),  # floating
    vevent("Dentist", ":20270305T090000Z", ":20270305T093000Z"),
    vevent("parkrun", ";VALUE=DATE:20270306", ";VALUE=DATE:20270307"),
    vevent("Sunday long run 110 min", ";VALUE=DATE:20270307", ";VALUE=DATE:20270308"),
    vevent("Easy run + hill strides", ":20270311T170000Z", ":20270311T174000Z"),
    vevent("Yoga", ":20270312T120000Z", ":20270312T130000Z"),
    vevent("Long run", ":20270321T080000Z", ":20270321T100000Z"),
    header="X-WR-CALNAME:Running\nX-WR-TIMEZONE:Europe/London",
)


@pytest.fixture
def google(tmp_path: Path) -> Path:
    return write(tmp_path, GOOGLE)


def test_google_export_runs(google: Path) -> None:
    loaded = load(google)
    assert summary_of(loaded.runs) == [
        ("2027-03-02", "easy", "07:00", 45),
        ("2027-03-03", "speed", "18:30", 60),  # UTC = London in winter
        ("2027-03-04", "tempo", "07:15", 50),  # floating: read in X-WR-TIMEZONE
        ("2027-03-06", "race", None, None),  # all-day: no time
        ("2027-03-07", "long", None, 110),  # all-day: minutes from the summary
        ("2027-03-11", "hill", "17:00", 40),  # ambiguous: the more demanding type
        ("2027-03-16", "easy", "07:00", 45),  # 9 March is an EXDATE
        ("2027-03-21", "long", "08:00", 120),
    ]
    # The planned range is the weeks of the one-off runs (1 to 21 March): the last easy
    # run of the series (23 March; the EXDATE counts in COUNT=4) falls outside them.
    titles = {run.title for run in loaded.runs}
    assert "Dentist" not in titles and "Yoga" not in titles
    assert {run.source_label for run in loaded.runs if run.kind == "race"} == {"parkrun"}


def test_google_export_mapped_and_warnings(google: Path) -> None:
    loaded = load(google)
    mapped = {label: (kind, rows) for label, kind, rows in loaded.mapped}
    assert mapped["Easy run"] == ("easy", (1, 7))  # positions in loaded.runs
    assert mapped["parkrun"][0] == "race"
    assert "Dentist" not in mapped
    warnings = "\n".join(loaded.warnings)
    assert ("ambiguous: 'Easy run + hill strides' on 2027-03-11 names hill and easy; read as "
            "hill") in warnings
    assert "ignored: 'Yoga' on 2027-03-12" in warnings
    assert "Dentist" not in warnings  # not sporty: ignored silently


def test_times_are_converted_to_the_plan_zone(google: Path) -> None:
    runs = load(google, tz="America/New_York").runs
    track = next(run for run in runs if run.kind == "speed")
    assert (track.date, track.time) == (date(2027, 3, 3), time(13, 30))  # EST = UTC-5
    # A 07:00 London run is 02:00 in New York, same day; all-day runs do not move.
    assert next(run for run in runs if run.kind == "race").date == date(2027, 3, 6)
    tokyo = load(google, tz="Asia/Tokyo").runs
    track = next(run for run in tokyo if run.kind == "speed")
    assert (track.date, track.time) == (date(2027, 3, 4), time(3, 30))  # next day in Tokyo


def test_tzid_event_across_dst_and_floating_without_x_wr_timezone(tmp_path: Path) -> None:
    berlin = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""
    path = write(tmp_path, vcalendar(
        vevent("Tempo run", ";TZID=Europe/Berlin:20270325T180000",
               ";TZID=Europe/Berlin:20270325T185000", uid="t",
               extra="RRULE:FREQ=WEEKLY;COUNT=2"),
        vevent("Easy jog", ":20270326T063000", ":20270326T070000"),  # floating
        vevent("Long run", ":20270328T080000Z", ":20270328T100000Z"),
        timezones=berlin,
    ))
    runs = load(path, tz="Europe/Berlin").runs
    assert summary_of(runs) == [
        ("2027-03-25", "tempo", "18:00", 50),
        ("2027-03-26", "easy", "06:30", 30),  # floating, no X-WR-TIMEZONE: plan zone
        ("2027-03-28", "long", "10:00", 120),  # 08:00Z is 10:00 CEST after the change
    ]
    # The recurrence keeps 18:00 local across the DST change (1 April is CEST).
    runs = load(path, tz="Europe/Berlin", range_=(date(2027, 3, 22), date(2027, 4, 4))).runs
    assert [(r.date, r.time) for r in runs if r.kind == "tempo"] == [
        (date(2027, 3, 25), time(18, 0)), (date(2027, 4, 1), time(18, 0))]


def test_moved_and_cancelled_occurrences(tmp_path: Path) -> None:
    path = write(tmp_path, vcalendar(
        vevent("Intervals", ";TZID=Europe/London:20270301T180000",
               ";TZID=Europe/London:20270301T190000", uid="series",
               extra="RRULE:FREQ=WEEKLY;COUNT=3"),
        vevent("Intervals", ";TZID=Europe/London:20270309T190000",
               ";TZID=Europe/London:20270309T200000", uid="series",
               extra="RECURRENCE-ID;TZID=Europe/London:20270308T180000"),
        vevent("Long run", ":20270314T080000Z", ":20270314T100000Z", uid="cancelled",
               extra="STATUS:CANCELLED"),
        vevent("Long run", ":20270321T080000Z", ":20270321T100000Z"),
    ))
    runs = load(path, range_=(date(2027, 3, 1), date(2027, 3, 21))).runs
    assert summary_of(runs) == [
        ("2027-03-01", "speed", "18:00", 60),
        ("2027-03-09", "speed", "19:00", 60),  # moved from Monday to Tuesday 19:00
        ("2027-03-15", "speed", "18:00", 60),
        ("2027-03-21", "long", "08:00", 120),
    ]


def test_everything_recurring_expands_16_weeks_and_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, vcalendar(
        vevent("Easy run", ";TZID=Europe/London:20270302T070000",
               ";TZID=Europe/London:20270302T074500", uid="e",
               extra="RRULE:FREQ=WEEKLY;BYDAY=TU,TH"),
        vevent("Long run", ";TZID=Europe/London:20270307T080000",
               ";TZID=Europe/London:20270307T100000", uid="l", extra="RRULE:FREQ=WEEKLY"),
    ))
    loaded = load(path)
    assert len(loaded.runs) == 16 * 3
    assert loaded.runs[0].date == date(2027, 3, 2)
    assert loaded.runs[-1].date == date(2027, 6, 20)  # Sunday of week 16
    assert any("every run in the calendar repeats: planned 16 weeks from 2027-03-01 to "
               "2027-06-20" in warning for warning in loaded.warnings)
    # After the change to BST (28 March) the runs still start at 07:00 local.
    assert {run.time for run in loaded.runs if run.kind == "easy"} == {time(7, 0)}


def test_range_picks_the_weeks(google: Path) -> None:
    loaded = load(google, range_=(date(2027, 3, 8), date(2027, 3, 31)))
    assert [r.date.isoformat() for r in loaded.runs] == [
        "2027-03-11", "2027-03-16", "2027-03-21", "2027-03-23"]
    with pytest.raises(InputError, match="no runs between 2027-05-01 and 2027-05-31") as err:
        load(google, range_=(date(2027, 5, 1), date(2027, 5, 31)))
    assert err.value.file == str(google)


def test_keyword_map_is_applied_first(google: Path) -> None:
    loaded = load(google, keyword_map=parse_keyword_map(
        ["parkrun=tempo", "dentist=recovery", "Easy run + hill strides=easy", "yoga=ignore"]))
    kinds = {run.title: run.kind for run in loaded.runs}
    assert kinds["parkrun"] == "tempo"
    assert kinds["Dentist"] == "recovery"
    assert kinds["Easy run + hill strides"] == "easy"
    assert not any("ambiguous" in w or "Yoga" in w for w in loaded.warnings)


def test_our_own_strength_events_are_ignored_and_runs_read_back(tmp_path: Path) -> None:
    path = write(tmp_path, vcalendar(
        vevent("Leg strength · heavy · 5 exercises", ":20270302T180000Z",
               ":20270302T184500Z", uid="f29a282882c2d3b38b4eafb9dbe9a541@runstrong",
               extra="CATEGORIES:Strength,runstrong\nDESCRIPTION:easy jog warm-up"),
        # Google drops CATEGORIES on export but keeps the UID.
        vevent("Leg strength · light · 4 exercises", ":20270304T180000Z",
               ":20270304T183000Z", uid="0123456789abcdef0123456789abcdef@runstrong"),
        vevent("Sunday long run · long · 110 min", ":20270307T080000Z", ":20270307T090000Z",
               uid="run-0123456789abcdef0123456789abcdef@runstrong",
               extra="CATEGORIES:Run,runstrong-runs"),
        vevent("Run · tempo", ";VALUE=DATE:20270303", ";VALUE=DATE:20270304",
               uid="run-1123456789abcdef0123456789abcdef@runstrong"),
    ))
    loaded = load(path)
    assert summary_of(loaded.runs) == [
        ("2027-03-03", "tempo", None, None),
        ("2027-03-07", "long", "08:00", 110),  # minutes from the summary, not DTEND
    ]
    assert [run.title for run in loaded.runs] == ["", "Sunday long run"]
    assert "ignored 2 runstrong strength sessions already in the calendar" in loaded.warnings
    assert loaded.mapped == ()


@pytest.mark.parametrize(("summary", "kind"), [
    ("Sunday long run", "long"),
    ("LSR 28 km", "long"),
    ("parkrun", "race"),
    ("London Marathon", "race"),
    ("Half", "race"),
    ("10k race", "race"),
    ("Tempo run", "tempo"),
    ("Threshold 3 x 10 min", "tempo"),
    ("Intervals 6x800m", "speed"),
    ("Track session", "speed"),
    ("400m repeats", "speed"),
    ("Fartlek", "speed"),
    ("VO2 max", "speed"),
    ("Hills", "hill"),
    ("Hill repeats", "hill"),
    ("Recovery jog", "recovery"),
    ("Easy 8 km", "easy"),
    ("Morning run", "easy"),
    ("Shakeout", "easy"),
    ("Rest day", "rest"),
    ("Off", "rest"),
    ("Bike commute", "cross"),
    ("Swim", "cross"),
    ("Cross-training", "cross"),
    ("Dentist", None),
    ("Half term", None),
    ("Drop off the car", None),
    ("Team meeting", None),
])
def test_classification_table(summary: str, kind: str | None) -> None:
    found = classify_event(summary)
    assert found.kind == kind
    assert not found.found  # none of these is ambiguous


@pytest.mark.parametrize(("summary", "kind", "named"), [
    ("Easy run + hill strides", "hill", ("hill", "easy")),
    ("Long run with 5 km at marathon pace", "long", ("long", "tempo")),
    ("Tempo intervals", "speed", ("speed", "tempo")),
])
def test_ambiguous_events_take_the_more_demanding_type(summary: str, kind: str,
                                                       named: tuple[str, ...]) -> None:
    found = classify_event(summary)
    assert (found.kind, found.found) == (kind, named)


def test_categories_and_description() -> None:
    assert classify_event("Workout", categories=["Long Run"]).kind == "long"
    # A description refines a run, but never turns another event into one.
    assert classify_event("Morning run", "6 x 800 m intervals").kind == "speed"
    assert classify_event("Runna workout", "Tempo: 20 min at threshold").kind == "tempo"
    assert classify_event("Dentist", "no hill running today").kind is None
    sporty = classify_event("Yoga")
    assert (sporty.kind, sporty.sporty) == (None, True)


def test_parse_range_and_map() -> None:
    assert parse_range("2027-03-01..2027-03-21") == (date(2027, 3, 1), date(2027, 3, 21))
    assert parse_range(None) is None
    for bad in ("2027-03-01", "2027-03-21..2027-03-01", "2027-02-30..2027-03-01",
                "2027-01-01..2030-01-01", "march..april"):
        with pytest.raises(InputError) as err:
            parse_range(bad)
        assert err.value.field == "--range"
    assert parse_keyword_map(["ParkRun = race", "club  night=intervals", "walk=ignore"]) == {
        "parkrun": "race", "club night": "speed", "walk": "ignore"}
    for bad in ("parkrun", "=race", "parkrun=banana", "parkrun="):
        with pytest.raises(InputError) as err:
            parse_keyword_map([bad])
        assert err.value.field == "--map"


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    b"date,run\n2027-03-01,easy\n",
    b"",
    b"\x00\x01\x02binary",
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Long run\r\n",
])
def test_bad_file_is_an_input_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.ics"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load(path)
    assert err.value.file == str(path)


def test_bad_event_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, vcalendar(
        vevent("Easy run", ";TZID=Europe/London:20270302T070000", uid="e",
               extra="RRULE:FREQ=SOMETIMES"),
        vevent("Long run", ":20270307T080000Z", ":20270307T100000Z"),
    ))
    with pytest.raises(InputError) as err:
        load(path)
    assert err.value.file == str(path)
    assert err.value.field == "VEVENT Easy run 2027-03-02"


def test_no_runs_at_all(tmp_path: Path) -> None:
    path = write(tmp_path, vcalendar(vevent("Dentist", ":20270305T090000Z")))
    with pytest.raises(InputError, match="no runs in the calendar"):
        load(path)


def test_too_long_a_span_asks_for_a_range(tmp_path: Path) -> None:
    path = write(tmp_path, vcalendar(
        vevent("Long run", ":20200105T080000Z", ":20200105T100000Z"),
        vevent("Long run", ":20270307T080000Z", ":20270307T100000Z"),
    ))
    with pytest.raises(InputError, match="--range"):
        load(path)
    assert len(load(path, range_=(date(2027, 3, 1), date(2027, 3, 7))).runs) == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_runs_or_an_input_error(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "fuzz.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\n" + body + GOOGLE.encode()[17:])
    try:
        load(path)
    except InputError as err:
        assert err.file == str(path)


def test_is_calendar_file(tmp_path: Path) -> None:
    assert is_calendar_file(GOOGLE_EXAMPLE)
    sniffed = write(tmp_path, "\ufeff" + GOOGLE, name="export.txt")
    assert is_calendar_file(sniffed)
    assert not is_calendar_file(EXAMPLES / "intermediate-week.csv")
    assert not is_calendar_file(tmp_path / "missing.txt")


# --- the command line -----------------------------------------------------------------


def test_cli_plans_the_google_example(tmp_path: Path) -> None:
    ics, plan_json = tmp_path / "plan.ics", tmp_path / "plan.json"
    code, out, err = cli("plan", str(GOOGLE_EXAMPLE), "--level", "intermediate",
                         "--ics", str(ics), "--json", str(plan_json))
    assert code == 0, err
    # The calendar's X-WR-TIMEZONE is the plan's zone when --tz is not given.
    assert "· Europe/London ·" in out
    assert """long 110' ("Sunday long run")""" in out
    assert """race 30' ("parkrun")""" in out
    assert "Dentist" not in out + err
    assert "ambiguous: 'Long run with 5 km at marathon pace'" in err
    assert "note: 'parkrun' read as race (2027-03-06, 2027-03-13, 2027-03-20)" in err
    runs = [run for week in json.loads(plan_json.read_text())["weeks"] for run in week["runs"]]
    assert [run["date"] for run in runs][:3] == ["2027-03-02", "2027-03-03", "2027-03-04"]
    assert len(runs) == 14  # 5 easy (6 less an EXDATE), 3 speed or hill, 3 parkruns, 3 long
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_cli_range_map_and_tz(tmp_path: Path) -> None:
    ics, plan_json = tmp_path / "plan.ics", tmp_path / "plan.json"
    code, out, err = cli("plan", str(GOOGLE_EXAMPLE), "--range", "2027-03-08..2027-03-14",
                         "--map", "parkrun=tempo", "--map", "club=speed", "--tz", "UTC",
                         "--ics", str(ics), "--json", str(plan_json))
    assert code == 0, err
    assert "Week of 2027-03-08" in out and "Week of 2027-03-01" not in out
    assert """tempo 30' ("parkrun")""" in out
    week = json.loads(plan_json.read_text())["weeks"][0]
    assert {run["run"] for run in week["runs"]} == {"easy", "speed", "tempo", "long"}
    track = next(run for run in week["runs"] if run["run"] == "speed")
    assert track["time"] == "18:30"  # 18:30Z is 18:30 UTC


@pytest.mark.parametrize(("args", "message"), [
    (["--range", "2027-03-08"], "--range"),
    (["--range", "2027-05-01..2027-05-31"], "no runs between"),
    (["--map", "parkrun"], "--map"),
    (["--start", "2027-03-01"], "--start"),
])
def test_cli_bad_calendar_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    ics = tmp_path / "plan.ics"
    code, _, err = cli("plan", str(GOOGLE_EXAMPLE), *args, "--ics", str(ics))
    assert code == 2
    assert message in err
    assert not ics.exists()


def test_cli_calendar_options_need_a_calendar(tmp_path: Path) -> None:
    code, _, err = cli("plan", str(EXAMPLES / "intermediate-week.csv"), "--map", "a=easy",
                       "--ics", str(tmp_path / "p.ics"))
    assert code == 2 and "--map is for a calendar" in err


def test_cli_bad_calendar_file_exit_2_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ics"
    bad.write_text("this is not a calendar\n")
    ics = tmp_path / "plan.ics"
    code, _, err = cli("plan", str(bad), "--ics", str(ics))
    assert code == 2
    assert str(bad) in err and "not an iCalendar file" in err
    assert "Traceback" not in err
    assert not ics.exists()


def test_outlook_zones_unknown_zones_and_multi_day_events(tmp_path: Path) -> None:
    path = write(tmp_path, vcalendar(
        vevent("Easy run", ";TZID=W. Europe Standard Time:20270302T070000",
               ";TZID=W. Europe Standard Time:20270302T074500"),  # Outlook's Windows name
        vevent("Tempo run", ";TZID=Mars/Olympus:20270303T070000",
               ";TZID=Mars/Olympus:20270303T074500"),
        vevent("Marathon weekend", ";VALUE=DATE:20270305", ";VALUE=DATE:20270308"),
        timezones="",
    ))
    loaded = load(path, tz="UTC")
    assert summary_of(loaded.runs) == [
        ("2027-03-02", "easy", "06:00", 45),  # 07:00 CET
        ("2027-03-03", "tempo", "07:00", 45),  # unknown: read in the plan's zone
        ("2027-03-05", "race", None, None),
    ]
    assert ("unknown time zone 'Mars/Olympus' (in 'Tempo run'): its times are read as UTC "
            "time") in loaded.warnings
    assert ("'Marathon weekend' on 2027-03-05 lasts 3 days: counted as one run on its first "
            "day") in loaded.warnings


def test_calendar_timezone(tmp_path: Path) -> None:
    from planner.readers.runs_ics import calendar_timezone

    assert calendar_timezone(GOOGLE_EXAMPLE) == "Europe/London"
    apple = write(tmp_path, vcalendar(
        vevent("Easy run", ";TZID=Europe/Berlin:20270302T070000"),
        vevent("Long run", ";TZID=Europe/Berlin:20270307T070000"),
        vevent("Tempo", ";TZID=America/New_York:20270304T070000"),
        timezones=""), name="apple.ics")
    assert calendar_timezone(apple) == "Europe/Berlin"  # the zone most events use
    bad = write(tmp_path, vcalendar(vevent("Run", ":20270302T070000Z"),
                                    header="X-WR-TIMEZONE:Nowhere/Special", timezones=""),
                name="bad.ics")
    assert calendar_timezone(bad) is None
    loaded = load(bad, tz="UTC")
    assert loaded.warnings[0].startswith("ignored X-WR-TIMEZONE 'Nowhere/Special'")
