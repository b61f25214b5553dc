"""planner.readers: the runs CSV and the option parsers.

Every error test checks that the message names the file, the spreadsheet row (header =
row 1) and the field, because that is what lets a runner fix their file without help.
"""

from __future__ import annotations

import tempfile
from datetime import date, time, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import RUN_TYPES, Run
from planner.errors import InputError
from planner.readers import runs_csv, spans, time_zones
from planner.readers.csv_table import read_table
from planner.readers.options import (
    parse_bool,
    parse_clock,
    parse_days,
    parse_equipment,
    parse_level,
)
from planner.readers.run_words import classify_run
from planner.readers.runs_csv import RunsInput, load_runs, runs_from_frame
from planner.readers.spans import week_starts
from planner.readers.time_zones import default_timezone, parse_timezone

DATA = Path(__file__).parent / "data" / "inputs"
MONDAY = date(2025, 3, 17)


def write(tmp_path: Path, content: str | bytes, name: str = "runs.csv") -> Path:
    """Write text (as UTF-8, newlines untouched) or raw bytes to a file in tmp_path."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def load_error(path: Path, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as caught:
        load_runs(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


def assert_names(err: InputError, path: Path, row: int | None, field: str | None) -> None:
    """The error points at file, row and field, both as attributes and in the text."""
    assert err.file == str(path)
    assert err.row == row
    assert err.field == field
    text = str(err)
    assert str(path) in text
    if row is not None:
        assert f"row {row}" in text
    if field is not None:
        assert f"'{field}'" in text


# --------------------------------------------------------------------------------------
# Happy paths and fixtures


def test_fixture_with_dates_loads_sorted_typed_runs() -> None:
    result = load_runs(DATA / "week_dates.csv")
    assert isinstance(result, RunsInput)
    assert result.path == str(DATA / "week_dates.csv")
    assert [run.kind for run in result.runs] == [
        "easy", "speed", "rest", "easy", "tempo", "race", "long",
    ]
    first = result.runs[0]
    assert first == Run(date=MONDAY, kind="easy", minutes=40, time=time(7, 0), title="Easy loop")
    rest = result.runs[2]
    assert (rest.kind, rest.minutes, rest.time) == ("rest", None, None)
    assert result.warnings == ()
    assert week_starts(result.runs) == [MONDAY]


def test_fixture_with_week_and_day_columns_spans_two_weeks() -> None:
    result = load_runs(DATA / "weeks_days.csv", start=MONDAY)
    assert [run.date for run in result.runs] == [
        date(2025, 3, 17), date(2025, 3, 19), date(2025, 3, 22),
        date(2025, 3, 25), date(2025, 3, 27), date(2025, 3, 30),
    ]
    assert result.runs[4].kind == "hill"
    assert week_starts(result.runs) == [date(2025, 3, 17), date(2025, 3, 24)]


def test_day_format_uses_monday_of_any_start_date(tmp_path: Path) -> None:
    path = write(tmp_path, "day,run\nmonday,easy\nSUNDAY,long\nFri,tempo\n")
    result = load_runs(path, start=date(2025, 3, 20))  # a Thursday
    assert [run.date for run in result.runs] == [
        date(2025, 3, 17), date(2025, 3, 21), date(2025, 3, 23),
    ]
    # Sessions may land before the date given: say which Monday is used, once.
    assert result.warnings[0] == ("--start 2025-03-20 is a Thursday: weeks start on Monday, "
                                  "so week 1 is the week of Monday 2025-03-17")
    assert not any("--start" in w for w in load_runs(path, start=date(2025, 3, 17)).warnings)


def test_date_and_day_columns_that_agree(tmp_path: Path) -> None:
    path = write(tmp_path, "date,day,run\n2025-03-18,Tue,easy\n")
    assert load_runs(path).runs[0].date == date(2025, 3, 18)


def test_date_wins_over_week_column_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "date,week,run\n2025-03-18,3,easy\n")
    result = load_runs(path, start=MONDAY)
    assert result.runs[0].date == date(2025, 3, 18)
    assert any("week" in warning for warning in result.warnings)


def test_minutes_time_and_title_are_optional(tmp_path: Path) -> None:
    result = load_runs(write(tmp_path, "date,run\n2025-03-18,easy\n"))
    assert result.runs == (Run(date=date(2025, 3, 18), kind="easy"),)


def test_minutes_bounds_are_inclusive(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,minutes\n2025-03-18,rest,0\n2025-03-19,long,600\n")
    assert [run.minutes for run in load_runs(path).runs] == [0, 600]


# --------------------------------------------------------------------------------------
# Robustness


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfdate,run,title\n2025-03-18,easy,Caf\xc3\xa9 run\n")
    result = load_runs(path)
    assert result.runs[0].title == "Café run"
    assert result.warnings == ()


def test_latin1_file_is_read_silently(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,title\n2025-03-18,easy,Café run\n".encode("latin-1"))
    result = load_runs(path)
    assert result.runs[0].title == "Café run"
    assert result.warnings == ()  # "say nothing unless it matters"


def test_windows_1252_curly_quotes_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,title\n2025-03-18,easy,“Sam’s” run\n".encode("cp1252"))
    assert load_runs(path).runs[0].title == "“Sam’s” run"


def test_latin1_fallback_is_mentioned_when_it_matters(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-18,séance\n".encode("latin-1"))
    err = load_error(path)
    assert_names(err, path, 2, "run")
    assert "séance" in err.message
    assert "Latin-1" in err.message


def test_latin1_fallback_not_mentioned_for_ascii_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,title\n2025-03-18,zumba,Café\n".encode("latin-1"))
    assert "Latin-1" not in load_error(path).message


def test_utf16_excel_unicode_text_export(tmp_path: Path) -> None:
    path = write(tmp_path, "date\trun\ttitle\r\n2025-03-18\teasy\tCafé run\r\n".encode("utf-16"))
    assert load_runs(path).runs[0].title == "Café run"


def test_crlf_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path, b"date,run,minutes\r\n2025-03-18,easy,30\r\n2025-03-19,long,90\r\n")
    result = load_runs(path)
    assert [(run.kind, run.minutes) for run in result.runs] == [("easy", 30), ("long", 90)]


def test_old_mac_cr_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path, b"date,run\r2025-03-18,easy\r2025-03-19,long\r")
    assert len(load_runs(path).runs) == 2


def test_semicolon_separated_european_export(tmp_path: Path) -> None:
    path = write(tmp_path, "date;run;minutes\n2025-03-18;easy;30\n")
    assert load_runs(path).runs[0].minutes == 30


def test_blank_lines_are_skipped_but_still_count_as_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n\n2025-03-18,easy\n\n   \n,\n2025-03-19,zumba\n\n")
    err = load_error(path)
    assert_names(err, path, 7, "run")  # the row a spreadsheet shows
    ok = write(tmp_path, "date,run\n\n2025-03-18,easy\n\n2025-03-19,long\n\n", "ok.csv")
    assert len(load_runs(ok).runs) == 2


def test_leading_blank_lines_shift_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "\n,,\ndate,run\n2025-03-18,zumba\n")
    assert_names(load_error(path), path, 4, "run")


def test_header_names_are_case_insensitive_and_trimmed(tmp_path: Path) -> None:
    path = write(tmp_path, " DATE , Run ,  Minutes\n2025-03-18,easy,30\n")
    assert load_runs(path).runs[0].minutes == 30


def test_extra_columns_are_ignored_with_one_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,Pace,notes\n2025-03-18,easy,5:30,felt good\n")
    result = load_runs(path)
    assert result.runs[0].kind == "easy"
    assert len(result.warnings) == 1
    assert "Pace" in result.warnings[0]
    assert "notes" in result.warnings[0]


def test_trailing_commas_make_no_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,\n2025-03-18,easy,\n")
    assert load_runs(path).warnings == ()


def test_out_of_order_dates_are_sorted_and_warned_once(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-20,easy\n2025-03-18,long\n2025-03-23,easy\n"
                           "2025-03-17,tempo\n")
    result = load_runs(path)
    assert [run.date.day for run in result.runs] == [17, 18, 20, 23]
    assert len(result.warnings) == 1
    assert "row 3" in result.warnings[0]


def test_double_days_and_identical_rows_are_kept_and_ordered_by_time(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,time,title\n"
                           "2025-03-18,easy,18:00,pm\n"
                           "2025-03-18,easy,,a\n"
                           "2025-03-18,easy,,a\n"
                           "2025-03-18,speed,06:30,am\n")
    result = load_runs(path)
    assert [run.title for run in result.runs] == ["a", "a", "am", "pm"]
    assert result.warnings == ()


def test_rest_rows_are_kept_as_rest_runs(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-18,Rest Day\n2025-03-19,off\n")
    assert [run.kind for run in load_runs(path).runs] == ["rest", "rest"]


def test_quoted_cells_with_commas_and_newlines(tmp_path: Path) -> None:
    path = write(tmp_path, 'date,run,title\n2025-03-18,easy,"Loop, then\nstrides"\n'
                           "2025-03-19,zumba,x\n")
    err = load_error(path)
    assert_names(err, path, 3, "run")  # a quoted newline stays inside one spreadsheet row


# --------------------------------------------------------------------------------------
# Run types and the synonym report


@pytest.mark.parametrize("kind", RUN_TYPES)
def test_every_run_type_is_accepted_in_any_case_with_spaces(kind: str) -> None:
    assert classify_run(f"  {kind.upper()} ") == kind


@pytest.mark.parametrize(("label", "kind"), [
    *[(word, "speed") for word in ("intervals", "interval", "track", "reps", "repeats", "vo2",
                                   "VO2max", "fartlek")],
    *[(word, "tempo") for word in ("threshold", "LT", "cruise", "progression", "tempo run")],
    *[(word, "easy") for word in ("jog", "aerobic", "base", "steady", "shakeout", "general",
                                  "Easy Run")],
    *[(word, "recovery") for word in ("recovery jog", "Recovery  Run")],
    *[(word, "long") for word in ("long run", "LSR")],
    *[(word, "hill") for word in ("hills", "hill repeats", "hill sprints")],
    *[(word, "race") for word in ("parkrun", "10k race", "half marathon", "marathon",
                                  "5k race", "race day", "10 mile race")],
    *[(word, "rest") for word in ("off", "none", "day off", "rest day")],
    *[(word, "cross") for word in ("bike", "cycling", "swim", "elliptical", "cross-training",
                                   "XT", "cross training", "Cross_Training")],
])
def test_synonyms(label: str, kind: str) -> None:
    assert classify_run(label) == kind


@pytest.mark.parametrize("label", ["", "   ", "zumba", "run", "speedy", "long long"])
def test_unknown_labels(label: str) -> None:
    assert classify_run(label) is None


def test_mapped_report_lists_each_label_as_written_with_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n"
                           "2025-03-17,Intervals\n"
                           "2025-03-18,easy\n"
                           "2025-03-19,Intervals\n"
                           "2025-03-20,intervals\n"
                           "2025-03-21, Long Run \n"
                           "2025-03-22,Easy\n")
    result = load_runs(path)
    assert result.mapped == (
        ("Intervals", "speed", (2, 4)),
        ("Long Run", "long", (6,)),
        ("intervals", "speed", (5,)),
    )
    by_day = {run.date.day: run for run in result.runs}
    assert by_day[17].source_label == "Intervals"
    assert by_day[18].source_label == ""  # no synonym needed, nothing to report
    assert by_day[22].source_label == ""


# --------------------------------------------------------------------------------------
# Errors: the file as a whole


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    err = load_error(path)
    assert_names(err, path, None, None)
    assert "not found" in err.message


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    err = load_error(tmp_path)
    assert_names(err, tmp_path, None, None)
    assert "not a file" in err.message


def test_path_with_nul_byte_is_an_input_error() -> None:
    with pytest.raises(InputError):
        load_runs("bad\x00name.csv")


def test_binary_content(tmp_path: Path) -> None:
    path = write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    err = load_error(path)
    assert_names(err, path, None, None)
    assert "binary" in err.message


def test_control_characters_are_unreadable_content(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-18,easy\n2025-03-19,ea\x01sy\n")
    err = load_error(path)
    assert_names(err, path, 3, None)
    assert "binary" in err.message


@pytest.mark.parametrize("content", [b"", b"   \n\r\n  \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, content)
    err = load_error(path)
    assert_names(err, path, 1, None)
    assert "no runs in file" in err.message


def test_header_without_data_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,minutes\n\n\n")
    err = load_error(path)
    assert_names(err, path, 2, None)
    assert "no runs in file" in err.message


def test_no_header(tmp_path: Path) -> None:
    path = write(tmp_path, "2025-03-18,easy,30\n2025-03-19,long,90\n")
    err = load_error(path)
    assert_names(err, path, 1, None)
    assert "no header" in err.message


def test_missing_run_column(tmp_path: Path) -> None:
    path = write(tmp_path, "date,minutes\n2025-03-18,30\n")
    err = load_error(path)
    assert_names(err, path, 1, "run")
    assert "missing" in err.message


def test_missing_date_and_day_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "run,minutes\neasy,30\n")
    err = load_error(path)
    assert_names(err, path, 1, "date")
    assert "day" in err.message


def test_duplicate_column(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,Run\n2025-03-18,easy,long\n")
    assert_names(load_error(path), path, 1, "run")


def test_row_with_more_cells_than_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-18,easy\n\n2025-03-19,easy,30\n")
    err = load_error(path)
    assert_names(err, path, 4, None)
    assert "3 cells" in err.message


def test_unclosed_quote(tmp_path: Path) -> None:
    path = write(tmp_path, 'date,run,title\n2025-03-18,easy,ok\n2025-03-19,easy,"oops\n')
    err = load_error(path)
    assert_names(err, path, 3, None)
    assert "quoted" in err.message


# --------------------------------------------------------------------------------------
# Errors: one cell


@pytest.mark.parametrize("value", ["18/03/2025", "2025-3-18", "2025-02-30", "tomorrow",
                                   "2025-03-18T07:00"])
def test_bad_date(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"date,run\n2025-03-17,easy\n{value},easy\n")
    err = load_error(path)
    assert_names(err, path, 3, "date")
    assert "YYYY-MM-DD" in err.message
    assert value in err.message


def test_empty_date(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,minutes\n,easy,30\n")
    assert_names(load_error(path), path, 2, "date")


@pytest.mark.parametrize("value", ["Mo", "Funday", "8", "Tu esday"])
def test_bad_day_name(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"day,run\n{value},easy\n")
    err = load_error(path, start=MONDAY)
    assert_names(err, path, 2, "day")
    assert "Mon" in err.message


def test_day_without_start(tmp_path: Path) -> None:
    path = write(tmp_path, "day,run\nTue,easy\n")
    err = load_error(path)
    assert_names(err, path, 2, "day")
    assert "--start YYYY-MM-DD" in err.message


def test_day_without_start_is_one_error_for_the_whole_file(tmp_path: Path) -> None:
    path = write(tmp_path, "day,run\nMon,easy\nTue,speed\nWed,rest\nThu,tempo\n")
    err = load_error(path)
    assert_names(err, path, 2, "day")
    assert "rows 2-5 give a day but no date" in err.message
    assert str(err).count("--start") == 1


@pytest.mark.parametrize("value", ["abc", "-5", "601", "45.5", "1e3", "30 min"])
def test_bad_minutes(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"date,run,minutes\n2025-03-18,easy,{value}\n")
    err = load_error(path)
    assert_names(err, path, 2, "minutes")
    assert "600" in err.message


@pytest.mark.parametrize("value", ["25:00", "7pm", "07:60", "0700", "7:5"])
def test_bad_time(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"date,run,time\n2025-03-18,easy,{value}\n")
    err = load_error(path)
    assert_names(err, path, 2, "time")
    assert "HH:MM" in err.message


def test_more_than_104_weeks_of_dates(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-17,easy\n2027-03-14,easy\n2027-03-15,long\n"
                           "2025-03-18,easy\n")
    err = load_error(path)
    assert_names(err, path, 4, "date")
    assert "split the file" in err.message
    # 104 weeks with runs in them (two runs 104 weeks apart and nothing between is now
    # refused as a likely typo: see test_a_mistyped_year_is_refused_not_stretched).
    every_month = "".join(f"{date(2025, 3, 17) + timedelta(weeks=4 * n)},easy\n"
                          for n in range(26))
    exactly = write(tmp_path, "date,run\n" + every_month + "2027-03-14,easy\n", "ok.csv")
    assert len(week_starts(load_runs(exactly).runs)) == 104


@pytest.mark.parametrize(("value", "message"), [("105", "split the file"), ("0", "bad week"),
                                                ("two", "bad week"), ("", "bad week")])
def test_bad_week(tmp_path: Path, value: str, message: str) -> None:
    path = write(tmp_path, f"week,day,run\n1,Mon,easy\n{value},Tue,easy\n")
    err = load_error(path, start=MONDAY)
    assert_names(err, path, 3, "week")
    assert message in err.message


def test_week_accepts_a_w_prefix(tmp_path: Path) -> None:
    path = write(tmp_path, "week,day,run\nW2,Mon,easy\nweek 3,Mon,easy\n")
    dates = [run.date for run in load_runs(path, start=MONDAY).runs]
    assert dates == [date(2025, 3, 24), date(2025, 3, 31)]


def test_week_past_year_9999(tmp_path: Path) -> None:
    path = write(tmp_path, "week,day,run\n3,Mon,easy\n")
    assert_names(load_error(path, start=date(9999, 12, 20)), path, 2, "week")


def test_date_that_does_not_match_its_day(tmp_path: Path) -> None:
    path = write(tmp_path, "date,day,run\n2025-03-18,Tue,easy\n2025-03-19,Thu,easy\n")
    err = load_error(path)
    assert_names(err, path, 3, "day")
    assert "Wed" in err.message


def test_unknown_run_type(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-18,easy\n2025-03-19,Zumba\n")
    err = load_error(path)
    assert_names(err, path, 3, "run")
    assert "Zumba" in err.message
    assert all(kind in err.message for kind in RUN_TYPES)


def test_empty_run(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run,minutes\n2025-03-18,,30\n")
    err = load_error(path)
    assert_names(err, path, 2, "run")
    assert "empty" in err.message


def test_long_junk_values_are_cut_short(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-18," + "x" * 5000 + "\n")
    assert len(str(load_error(path))) < 400


# --------------------------------------------------------------------------------------
# Athletes


def test_single_named_athlete_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path, "athlete,date,run\nAnn,2025-03-18,easy\nann ,2025-03-19,long\n")
    assert len(load_runs(path).runs) == 2


def test_several_athletes_need_batch(tmp_path: Path) -> None:
    path = write(tmp_path, "athlete,date,run\nAnn,2025-03-18,easy\nBo,2025-03-19,long\n")
    err = load_error(path)
    assert_names(err, path, 3, "athlete")
    assert "runstrong batch" in err.message


def test_athlete_filter_keeps_their_rows_and_row_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "athlete,date,run\nAnn,2025-03-18,easy\nBo,2025-03-19,long\n"
                           "Bo,2025-03-20,zumba\nAnn,2025-03-21,intervals\n")
    result = load_runs(path, athlete="ann")
    assert [run.date.day for run in result.runs] == [18, 21]
    assert result.mapped == (("intervals", "speed", (5,)),)
    assert_names(load_error(path, athlete="Bo"), path, 4, "run")


def test_athlete_filter_with_unknown_name(tmp_path: Path) -> None:
    path = write(tmp_path, "athlete,date,run\nAnn,2025-03-18,easy\n")
    err = load_error(path, athlete="Cy")
    assert_names(err, path, 1, "athlete")
    assert "Ann" in err.message


def test_empty_athlete_cell(tmp_path: Path) -> None:
    path = write(tmp_path, "athlete,date,run\nAnn,2025-03-18,easy\n,2025-03-19,long\n")
    assert_names(load_error(path), path, 3, "athlete")


def test_athlete_filter_without_athlete_column_keeps_everything(tmp_path: Path) -> None:
    path = write(tmp_path, "date,run\n2025-03-18,easy\n")
    assert len(load_runs(path, athlete="Ann").runs) == 1


# --------------------------------------------------------------------------------------
# runs_from_frame and read_table


def test_runs_from_frame_uses_index_labels_for_rows() -> None:
    frame = pd.DataFrame({"Date": ["2025-03-18", "2025-03-19", "2025-03-20"],
                          "Run": ["easy", "long", "zumba"],
                          "minutes": ["30", float("nan"), None]})
    subset = frame.iloc[[0, 2]]
    with pytest.raises(InputError) as caught:
        runs_from_frame(subset, source="team.csv", first_row=2)
    assert (caught.value.file, caught.value.row, caught.value.field) == ("team.csv", 4, "run")
    ok = runs_from_frame(frame.iloc[:2], source="team.csv")
    assert [run.minutes for run in ok.runs] == [30, None]


def test_read_table_keeps_header_as_written_and_row_labels(tmp_path: Path) -> None:
    path = write(tmp_path, "\nName , Level\n\nAnn,beginner\n")
    table = read_table(path)
    assert list(table.frame.columns) == ["Name", "Level"]
    assert table.first_row == 3
    assert [label + table.first_row for label in table.frame.index] == [4]
    assert table.encoding == "utf-8"


# --------------------------------------------------------------------------------------
# week_starts


def test_week_starts_across_a_month_boundary_and_a_gap() -> None:
    runs = [Run(date(2025, 3, 28), "easy"), Run(date(2025, 4, 22), "long"),
            Run(date(2025, 4, 2), "tempo")]
    assert week_starts(runs) == [date(2025, 3, 24), date(2025, 3, 31), date(2025, 4, 7),
                                 date(2025, 4, 14), date(2025, 4, 21)]


def test_week_starts_across_a_year_boundary() -> None:
    runs = [Run(date(2024, 12, 31), "easy"), Run(date(2025, 1, 6), "easy")]
    assert week_starts(runs) == [date(2024, 12, 30), date(2025, 1, 6)]


def test_week_starts_of_nothing() -> None:
    assert week_starts([]) == []


# --------------------------------------------------------------------------------------
# Option parsers


@pytest.mark.parametrize(("text", "expected"), [
    (None, set()),
    ("", set()),
    ("none", set()),
    (" None ", set()),
    ("dumbbell", {"dumbbell"}),
    ("Dumbbells, kettlebells,bands", {"dumbbell", "kettlebell", "band"}),
    ("resistance band, mini band, Mini-Band", {"band"}),
    ("plyo box, bench", {"box", "bench"}),
    ("floor, wall, step, chair", set()),
    ("barbell, floor,", {"barbell"}),
    ("machine", {"machine"}),
])
def test_parse_equipment(text: str | None, expected: set[str]) -> None:
    assert parse_equipment(text) == frozenset(expected)


def test_parse_equipment_unknown_lists_allowed_items() -> None:
    with pytest.raises(InputError) as caught:
        parse_equipment("dumbbell, treadmill")
    err = caught.value
    assert err.field == "--equipment"
    assert "treadmill" in err.message
    assert "kettlebell" in err.message
    assert "--equipment" in str(err)


def test_parse_equipment_can_name_a_roster_cell() -> None:
    with pytest.raises(InputError) as caught:
        parse_equipment("rowing machine", field="equipment", file="team.csv", row=4)
    assert (caught.value.file, caught.value.row, caught.value.field) == ("team.csv", 4, "equipment")


@pytest.mark.parametrize(("text", "expected"), [
    ("Tue,Thu", {1, 3}),
    ("tuesday, thursday", {1, 3}),
    ("MON SUN", {0, 6}),
    ("Sat,sat", {5}),
    ("", set()),
    (None, set()),
])
def test_parse_days(text: str | None, expected: set[int]) -> None:
    assert parse_days(text, field="--prefer-days") == frozenset(expected)


def test_parse_days_unknown() -> None:
    with pytest.raises(InputError) as caught:
        parse_days("Tue,Thor", field="--avoid-days")
    assert caught.value.field == "--avoid-days"
    assert "Thor" in caught.value.message


@pytest.mark.parametrize(("text", "expected"), [
    ("18:30", time(18, 30)), ("07:05", time(7, 5)), ("7:05", time(7, 5)), (" 00:00 ", time(0)),
    ("23:59", time(23, 59)),
])
def test_parse_clock(text: str, expected: time) -> None:
    assert parse_clock(text, field="--time") == expected


@pytest.mark.parametrize("text", ["24:00", "6pm", "18.30", "", "18:3", "-1:00"])
def test_parse_clock_rejects(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_clock(text, field="--time")
    assert caught.value.field == "--time"
    assert "HH:MM" in caught.value.message


@pytest.mark.parametrize(("text", "expected"), [
    ("Europe/London", "Europe/London"),
    (" europe/london ", "Europe/London"),
    ("America/New_York", "America/New_York"),
    ("utc", "UTC"),
])
def test_parse_timezone(text: str, expected: str) -> None:
    assert parse_timezone(text) == expected


@pytest.mark.parametrize("text", ["Europe/Londn", "America", "/etc/passwd", "../x", "",
                                  "localtime", "Mars/Olympus"])
def test_parse_timezone_rejects(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_timezone(text)
    assert caught.value.field == "--tz"


def test_parse_timezone_suggests_a_close_name() -> None:
    with pytest.raises(InputError) as caught:
        parse_timezone("Europe/Londn")
    assert "Europe/London" in caught.value.message


def test_parse_timezone_none_means_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert parse_timezone(None) == "Asia/Tokyo"


def test_default_timezone_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    etc_timezone = tmp_path / "timezone"
    localtime = tmp_path / "localtime"
    monkeypatch.setattr(time_zones, "_ETC_TIMEZONE", etc_timezone)
    monkeypatch.setattr(time_zones, "_ETC_LOCALTIME", localtime)
    monkeypatch.delenv("TZ", raising=False)
    assert default_timezone() == "UTC"  # nothing to go on

    localtime.symlink_to("/usr/share/zoneinfo/America/Chicago")
    assert default_timezone() == "America/Chicago"

    etc_timezone.write_text("Europe/Paris\n")
    assert default_timezone() == "Europe/Paris"

    monkeypatch.setenv("TZ", ":Asia/Tokyo")
    assert default_timezone() == "Asia/Tokyo"

    monkeypatch.setenv("TZ", "EST5EDT,M3.2.0,M11.1.0")  # a POSIX rule, not an IANA name
    assert default_timezone() == "Europe/Paris"

    etc_timezone.write_text("Not/AZone\n")
    assert default_timezone() == "America/Chicago"


@pytest.mark.parametrize(("text", "expected"), [
    ("beginner", "beginner"), (" Intermediate ", "intermediate"), ("ADVANCED", "advanced"),
])
def test_parse_level(text: str, expected: str) -> None:
    assert parse_level(text) == expected


def test_parse_level_rejects() -> None:
    with pytest.raises(InputError) as caught:
        parse_level("elite")
    assert caught.value.field == "--level"
    assert "beginner" in caught.value.message


@pytest.mark.parametrize("text", ["true", "Yes", "y", "1", " TRUE "])
def test_parse_bool_true(text: str) -> None:
    assert parse_bool(text, field="new_to_strength") is True


@pytest.mark.parametrize("text", ["false", "No", "n", "0"])
def test_parse_bool_false(text: str) -> None:
    assert parse_bool(text, field="new_to_strength") is False


def test_parse_bool_rejects() -> None:
    with pytest.raises(InputError) as caught:
        parse_bool("maybe", field="new_to_strength", file="team.csv", row=3)
    assert str(caught.value).startswith("team.csv, row 3, field 'new_to_strength'")


# --------------------------------------------------------------------------------------
# Fuzz: any bytes give a RunsInput or an InputError, never another exception

# Junk is printable most of the time so that fuzzing reaches the row checks, not only
# the "binary content" guard; st.binary() below covers the unprintable bytes.
_JUNK_TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=4),
)
_VALID_CELLS: dict[str, st.SearchStrategy[str]] = {
    "date": st.dates(date(2025, 3, 1), date(2025, 12, 31)).map(date.isoformat),
    "day": st.sampled_from(["Mon", "tue", "Wednesday", "THU", "fri", "Sat", "sunday"]),
    "run": st.sampled_from([*RUN_TYPES, "Intervals", " long run ", "parkrun", "XT"]),
    "minutes": st.one_of(st.integers(0, 600).map(str), st.just("")),
    "time": st.sampled_from(["06:30", "18:00", "7:05", ""]),
    "title": st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    "week": st.integers(1, 104).map(str),
    "athlete": st.sampled_from(["Ann", "ann "]),
}
# Values a careless spreadsheet produces: wrong but printable.
_ODD_CELLS = st.one_of(
    st.sampled_from([
        "2025-3-18", "9999-12-31", "0001-01-01", "2025-02-29", "2027-06-30", "Funday", "zumba",
        "-5", "601", "45.5", "24:00", "0", "105", "Bo", "", " ", '"', '""', '"a,b"', '"\n"',
        "é", "\ufeff", "nan", "NULL",
    ]),
    _JUNK_TEXT,
)


def _header(required: list[str], optional: list[str]) -> st.SearchStrategy[list[str]]:
    extra = st.lists(st.sampled_from(optional), unique=True, max_size=len(optional))
    return extra.flatmap(lambda names: st.permutations([*required, *names]))


_HEADERS = st.one_of(
    _header(["date", "run"], ["minutes", "time", "title", "athlete", "notes", "day"]),
    _header(["day", "run"], ["week", "minutes", "time", "athlete", "Pace"]),
    st.lists(st.one_of(st.sampled_from([*runs_csv.RUN_COLUMNS, " Date ", "RUN", "notes", ""]),
                       _JUNK_TEXT), max_size=7),
)


def _cell_for(column: str, messy: bool) -> st.SearchStrategy[str]:
    valid = _VALID_CELLS.get(column.strip().lower(), _VALID_CELLS["title"])
    if not messy:
        return valid
    return st.one_of(valid, valid, valid, _ODD_CELLS)


@st.composite
def csvish_bytes(draw: st.DrawFn) -> bytes:
    """A CSV-like file: real or junk headers, mostly plausible cells, odd separators,
    line endings, blank lines, ragged rows and encodings."""
    header = draw(_HEADERS)
    messy = draw(st.booleans())  # clean files reach the happy path, messy ones the errors
    separator = draw(st.sampled_from([",", ",", ",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows: list[str] = []
    for _ in range(draw(st.integers(0, 6) if messy else st.integers(1, 6))):
        cells = [draw(_cell_for(column, messy)) for column in header or [""]]
        if messy and draw(st.integers(0, 9)) == 0:  # now and then a ragged row
            cells = cells[:-1] if draw(st.booleans()) else [*cells, draw(_JUNK_TEXT)]
        rows.append(separator.join(cells))
    lines = [separator.join(header), *rows]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "")
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=st.one_of(st.binary(max_size=300), csvish_bytes()),
    start=st.one_of(st.none(), st.dates()),
    athlete=st.one_of(st.none(), st.sampled_from(["Ann", "bo", " "])),
)
def test_fuzz_load_runs_only_raises_input_error(content: bytes, start: date | None,
                                                athlete: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        try:
            result = load_runs(path, start=start, athlete=athlete)
        except InputError as err:
            assert err.file == str(path)
            assert str(err)
            return
    assert isinstance(result, RunsInput)
    assert result.runs
    assert all(run.kind in RUN_TYPES for run in result.runs)
    assert list(result.runs) == sorted(result.runs, key=lambda run: (run.date, run.time or time(0)))
    assert len(week_starts(result.runs)) <= spans.MAX_WEEKS
