"""Issue 12: fuzzed CSV, .ics and plan JSON through the real commands. Whatever the input
(extreme dates, any recurrence frequency, events that end before they start): no
traceback, exit 0, 2 or 3, nothing written on failure, the input file unchanged (bytes
and mode) and no temp file left behind."""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
OLD = b"the coach's previous calendar"
MONDAY = date(2026, 11, 30)

# Mostly dates near one another (so plans happen), sometimes anywhere a date can be.
near_dates = st.integers(min_value=-3, max_value=24).map(lambda n: MONDAY + timedelta(days=n))
any_dates = st.one_of(near_dates, near_dates, near_dates,
                      st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
                      st.sampled_from([date(1, 1, 1), date(1899, 12, 31), date(2200, 12, 31),
                                       date(2201, 1, 1), date(9999, 12, 31)]))
run_words = st.sampled_from(["easy", "long", "tempo", "speed", "hill", "race", "rest",
                             "cross", "recovery", "intervals", "Long run", "parkrun", "sped",
                             "", "=cmd", "Yoga", "half marathon"])
clock = st.one_of(st.just(""), st.builds(lambda h, m: f"{h:02d}:{m:02d}",
                                         st.integers(0, 25), st.integers(0, 61)))


def run_cli(folder: Path, args: list[str], inputs: list[Path]):
    """Run a command; check what every run must guarantee; return the result."""
    ics, out_json = folder / "out.ics", folder / "out.json"
    ics.write_bytes(OLD)
    out_json.unlink(missing_ok=True)
    before = {p: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in inputs}
    result = CliRunner().invoke(main, args)
    allowed = (0, 1, 2) if args[0] == "check" else (0, 2, 3)  # check: 1 = violations
    assert result.exit_code in allowed, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    for path, (data, mode) in before.items():
        assert path.read_bytes() == data and stat.S_IMODE(path.stat().st_mode) == mode
    if result.exit_code != 0 and args[0] == "plan":
        assert ics.read_bytes() == OLD
        assert not out_json.exists()
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]
    return result


@FUZZ
@given(st.lists(st.tuples(any_dates, run_words, st.integers(-5, 700), clock,
                          st.sampled_from(["", "Track 6 x 800", "Zoë", "@x", "a,b"])),
                min_size=1, max_size=12),
       st.sampled_from([",", ";"]))
def test_fuzzed_runs_csv(tmp_path_factory, rows, separator: str) -> None:
    folder = tmp_path_factory.mktemp("csv")
    runs = folder / "runs.csv"
    lines = [separator.join(["date", "run", "minutes", "time", "title"])]
    for day, word, minutes, time_text, title in rows:
        cell = f'"{title}"' if separator in title else title
        lines.append(separator.join([day.isoformat(), word, str(minutes), time_text, cell]))
    runs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(runs, 0o640)
    run_cli(folder, ["plan", str(runs), "--ics", str(folder / "out.ics"), "--json",
                     str(folder / "out.json"), "-q", "--tz", "UTC"], [runs])


def _ics_date(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


events = st.tuples(
    any_dates,
    st.integers(-3, 3),  # DTEND days after DTSTART: negative is backwards
    st.booleans(),  # all-day
    st.sampled_from(["", "SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY",
                     "YEARLY", "SOMETIMES"]),
    st.sampled_from(["", ";COUNT=5", ";INTERVAL=2", ";BYHOUR=1,2,3", ";COUNT=100000",
                     ";UNTIL=99991231T000000Z", ";BYDAY=MO,WE,FR"]),
    st.sampled_from(["Long run", "Tempo run", "Track intervals", "Easy run", "Dentist",
                     "Race day", "Hill repeats", "Easy run + hill strides", "Yoga"]),
)


@FUZZ
@given(st.lists(events, min_size=1, max_size=8),
       st.one_of(st.none(), st.tuples(near_dates, st.integers(0, 30)),
                 st.tuples(any_dates, st.integers(-2, 900))))
def test_fuzzed_calendars(tmp_path_factory, items, window) -> None:
    folder = tmp_path_factory.mktemp("ics")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for n, (day, length, all_day, freq, extra, summary) in enumerate(items):
        try:
            end = day + timedelta(days=length)
        except OverflowError:
            end = day
        lines += ["BEGIN:VEVENT", f"UID:{n}@fuzz", f"SUMMARY:{summary}"]
        if all_day:
            lines += [f"DTSTART;VALUE=DATE:{_ics_date(day)}", f"DTEND;VALUE=DATE:{_ics_date(end)}"]
        else:
            lines += [f"DTSTART:{_ics_date(day)}T070000Z", f"DTEND:{_ics_date(end)}T080000Z"]
        if freq:
            lines.append(f"RRULE:FREQ={freq}{extra}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    path = folder / "runs.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    args = ["plan", str(path), "--ics", str(folder / "out.ics"), "--json",
            str(folder / "out.json"), "-q", "--tz", "UTC"]
    if window is not None:
        first, days = window
        try:
            last = first + timedelta(days=days)
        except OverflowError:
            last = first
        args += ["--range", f"{first.isoformat()}..{last.isoformat()}"]
    run_cli(folder, args, [path])


_PLAN: dict | None = None


def _valid_plan(folder: Path) -> dict:
    global _PLAN
    if _PLAN is None:
        out = folder / "base.json"
        result = CliRunner().invoke(main, ["plan", str(EXAMPLES / "intermediate-week.csv"),
                                           "--ics", str(folder / "base.ics"), "--json", str(out),
                                           "--tz", "UTC", "-q"])
        assert result.exit_code == 0, result.output
        _PLAN = json.loads(out.read_text(encoding="utf-8"))
        out.unlink()
        (folder / "base.ics").unlink()
    return json.loads(json.dumps(_PLAN))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            yield from _paths(item, (*prefix, index))


replacements = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=6),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "25:00", "heavy", "x"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.none(),
                                                         max_size=2))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(["delete", "replace"]),
                          replacements), min_size=1, max_size=4),
       st.sampled_from(["check", "explain", "previous"]))
def test_fuzzed_plan_json(tmp_path_factory, edits, command: str) -> None:
    folder = tmp_path_factory.mktemp("json")
    data = _valid_plan(folder)
    for pick, action, value in edits:
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = paths[pick % len(paths)]
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if action == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    plan_json = folder / "plan.json"
    plan_json.write_text(json.dumps(data), encoding="utf-8")
    if command == "previous":
        args = ["plan", str(EXAMPLES / "intermediate-week.csv"), "--previous", str(plan_json),
                "--ics", str(folder / "out.ics"), "-q", "--tz", "UTC"]
    else:
        args = [command, str(plan_json)]
    run_cli(folder, args, [plan_json])


# --- issue 23: hostile values in plan JSON, hostile CSV shapes, formulas, week bounds --------

hostile_numbers = st.sampled_from(["9" * 5000, "-" + "9" * 100_000, "1e999", "-1e999", "NaN",
                                   "Infinity", "-Infinity", "1" + "0" * 15, "1e308",
                                   "123456789012345"])
hostile_values = st.one_of(
    st.just(["goblet-squat"]), st.just({"id": "x"}), st.sampled_from(
        ["bogus-lift", "Ana\nBell", "x;=1+1;y", "\u2028", "", "goblet-squat"]),
    st.integers(2, 10**6), st.just(None))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10**6), hostile_numbers), max_size=2),
       st.lists(st.tuples(st.sampled_from(["schema", "athlete", "id", "variation"]),
                          hostile_values), max_size=3),
       st.integers(0, 3), st.sampled_from(["check", "explain", "previous"]))
def test_hostile_plan_json_is_a_clean_answer(tmp_path_factory, numbers, fields, copies,
                                             command: str) -> None:
    """Numbers too long for int(), NaN, ids of the wrong type or unknown, schema numbers
    from the future, names with line breaks and repeated sessions: every command that
    reads plan JSON answers with a verdict or one error line, never a traceback."""
    folder = tmp_path_factory.mktemp("hostile")
    data = _valid_plan(folder)
    week = data["weeks"][0]
    week["sessions"] = week["sessions"] * (1 + copies)
    item = week["sessions"][0]["exercises"][0]
    for key, value in fields:
        (item if key in ("id", "variation") else data)[key] = value
    text = json.dumps(data)
    slots = [m.start() for m in re.finditer(r'": \d+', text)]
    for pick, number in numbers:
        if slots:
            at = slots[pick % len(slots)] + 3
            end = at
            while text[end].isdigit():
                end += 1
            text = text[:at] + number + text[end:]
            slots = [m.start() for m in re.finditer(r'": \d+', text)]
    plan_json = folder / "plan.json"
    plan_json.write_text(text, encoding="utf-8")
    if command == "previous":
        args = ["plan", str(EXAMPLES / "intermediate-week.csv"), "--previous", str(plan_json),
                "--ics", str(folder / "out.ics"), "-q", "--tz", "UTC"]
    else:
        args = [command, str(plan_json)]
    run_cli(folder, args, [plan_json])


@FUZZ
@given(st.integers(1, 400), st.sampled_from([0, 3, 40, 9_999, 10_000, 10_001, 12_000]),
       st.sampled_from([",", ";", "\t"]), st.integers(1, 5), st.sampled_from(["\n", "\r\n", "\r"]))
def test_any_csv_shape_reads_or_names_its_limit(tmp_path_factory, columns: int, cell: int,
                                                separator: str, rows: int, end: str) -> None:
    from planner.errors import InputError
    from planner.readers.csv_table import MAX_CELL_CHARS, MAX_COLUMNS, read_table

    path = tmp_path_factory.mktemp("shape") / "runs.csv"
    header = separator.join(["date", "run", *(f"c{i}" for i in range(columns - 2))])
    line = separator.join(["2026-11-30", "easy" if cell < 4 else "x" * cell])
    path.write_bytes((header + end + end.join([line] * rows) + end).encode())
    wide, long = max(columns, 2) > MAX_COLUMNS, cell > MAX_CELL_CHARS
    try:
        table = read_table(path)
    except InputError as err:
        assert wide or long, err
        assert (str(MAX_COLUMNS) in err.message) if wide else (f"{MAX_CELL_CHARS:,}"
                                                              in err.message)
    else:
        assert not wide and not long
        assert table.frame.shape[1] == max(columns, 2)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab =+-@;,\t\r\n\"'")), max_size=30))
def test_no_segment_of_a_written_cell_runs_as_a_formula(text: str) -> None:
    import csv
    import io
    import re

    from planner.services.batch import summary_csv

    written = summary_csv([{"athlete": text, "file": "", "weeks": "", "sessions": "",
                            "main": "", "light": "", "status": "", "muscles_covered": "",
                            "warnings": text}]).decode()
    [_, row] = list(csv.reader(io.StringIO(written)))
    guarded = row[0]
    remaining = iter(guarded)  # the guard only adds apostrophes: the text is all there
    assert all(char in remaining for char in text)
    for separator in (",", ";", "\t"):
        for line in written.splitlines():
            for segment in line.split(separator):
                assert not segment.lstrip(' "').startswith(("=", "+", "-", "@")), segment
    for part in re.split(r"[;,\t\r\n]", guarded):
        assert not part.lstrip(' "').startswith(("=", "+", "-", "@")), part


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_the_week_builder_takes_any_date(day: date) -> None:
    from planner.errors import InputError
    from planner.pipeline import week_csv
    from planner.readers.spans import DATE_MAX, DATE_MIN

    try:
        text = week_csv(day, [("easy", "30", "")] * 7).decode()
    except InputError as err:
        assert not DATE_MIN <= day <= DATE_MAX - timedelta(days=6), err
    else:
        assert text.count("\n") == 8


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=4, max_size=12).filter(lambda s: s.strip() and "*" not in s),
       st.text(alphabet="abcdefgh", min_size=1, max_size=8))
def test_a_url_password_never_survives_in_a_message(password: str, user: str) -> None:
    from urllib.parse import quote

    from hypothesis import assume

    from planner.services.push import redact_url, scrub

    url = f"https://{user}:{quote(password, safe='')}@dav.example.org/cal/"
    assume(password not in f"{user} cannot reach https://dav.example.org/cal/ login refused")
    assume(quote(password, safe="") not in f"https://{user}:***@dav.example.org/cal/")
    message = f"cannot reach {url} (login {password} refused; {user}:{password}@)"
    assert password not in scrub(message, url).replace(redact_url(url), "")
    assert "***" in redact_url(url) and quote(password, safe="") not in redact_url(url)
