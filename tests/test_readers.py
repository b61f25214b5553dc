"""planner.readers as a whole: one run-word vocabulary for both runs readers, shared span
checks, and no solver behind any reader."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from planner.domain import RUN_TYPES
from planner.errors import InputError
from planner.readers.ics_events import classify_event
from planner.readers.run_words import (
    GENERIC_RUN_WORDS,
    KNOWN_LABELS,
    LABEL_ONLY_WORDS,
    VOCABULARY,
    classify_run,
    normalise_label,
)
from planner.readers.runs_csv import load_runs
from planner.readers.runs_ics import load_runs_ics

MONDAY = date(2027, 3, 1)


def csv_runs(tmp_path: Path, *labels: str) -> list[str]:
    """The run types a runs CSV with one row per label (one a day from MONDAY) reads as."""
    rows = "".join(f"2027-03-{day:02d},{label}\n" for day, label in enumerate(labels, start=1))
    path = tmp_path / "runs.csv"
    path.write_text("date,run\n" + rows, encoding="utf-8")
    return [run.kind for run in load_runs(path).runs]


def ics_runs(tmp_path: Path, *summaries: str) -> list[str]:
    """The run types a calendar with one all-day event per summary (one a day) reads as."""
    events = [
        "\r\n".join(("BEGIN:VEVENT", f"UID:event-{day}@example.com", "DTSTAMP:20270101T000000Z",
                     f"DTSTART;VALUE=DATE:202703{day:02d}", f"SUMMARY:{summary}", "END:VEVENT"))
        for day, summary in enumerate(summaries, start=1)
    ]
    text = "\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *events,
                        "END:VCALENDAR")) + "\r\n"
    path = tmp_path / "runs.ics"
    path.write_bytes(text.encode("utf-8"))
    result = load_runs_ics(path, range_=None, keyword_map={}, default_tz="Europe/London")
    return [run.kind for run in result.runs]


# --------------------------------------------------------------------------------------
# One vocabulary: a word one reader knew is known to both, with the same meaning


def test_words_only_the_csv_knew_are_read_from_a_calendar(tmp_path: Path) -> None:
    # "lt" and "progression" were runs-CSV words; a calendar now reads them as tempo too.
    assert csv_runs(tmp_path, "LT", "progression") == ["tempo", "tempo"]
    assert ics_runs(tmp_path, "LT", "progression", "LT 3 x 10 min",
                    "Progression 45 min") == ["tempo"] * 4


def test_words_only_the_calendar_knew_are_read_from_a_csv(tmp_path: Path) -> None:
    # "rowing" and "z2" were calendar words; a runs CSV now reads them, with the same type.
    assert ics_runs(tmp_path, "Rowing", "Z2 run") == ["cross", "easy"]
    assert csv_runs(tmp_path, "rowing", "z2 run", "Z2", "zone 2") == [
        "cross", "easy", "easy", "easy"]


@pytest.mark.parametrize(("phrase", "kind"), [
    (phrase, words.kind) for words in VOCABULARY if words.kind for phrase in words.phrases
])
def test_every_word_means_the_same_as_a_label_and_as_an_event(phrase: str, kind: str) -> None:
    assert classify_run(phrase) == kind
    assert classify_run(phrase.upper().replace(" ", "-")) == kind
    found = classify_event(phrase.title())
    assert (found.kind, found.found) == (kind, ())


@pytest.mark.parametrize(("word", "kind"), [*LABEL_ONLY_WORDS.items(), ("long", "long")])
def test_label_only_words_name_a_run_only_as_the_whole_label(word: str, kind: str) -> None:
    assert classify_run(word) == kind
    assert classify_event(word.title()).kind == kind  # the whole summary: "Off", "Cruise"
    # Inside other text they are ordinary words: "Off to Paris" is no rest day ("jog" in
    # text is still a generic running word, so easy).
    inside = classify_event(f"{word.title()} meeting with Sam").kind
    assert inside == ("easy" if word in GENERIC_RUN_WORDS else None)


def test_words_that_are_no_run_type_are_refused_alike() -> None:
    for phrase in ("cross country", "xc"):
        assert classify_run(phrase) is None
    # A lone sprint is a key run either way (intervals or a race): read as speed by both.
    assert classify_run("sprint") == classify_event("Sprint session").kind == "speed"
    assert classify_event("Sprint triathlon").kind == "race"
    assert classify_event("Cross country").kind is None
    for word in GENERIC_RUN_WORDS:
        # A bare "run" says too little for a runs CSV; a calendar reads it as easy.
        assert classify_run(word) == LABEL_ONLY_WORDS.get(word)
        assert classify_event(f"Morning {word}").kind == "easy"


def test_number_forms_are_read_as_labels_too() -> None:
    assert classify_run("long 20 km") == classify_event("Long 20 km").kind == "long"
    assert classify_run("5k pace") == classify_event("5k pace").kind == "tempo"
    assert classify_run("half") == classify_event("Half").kind == "race"
    assert classify_run("half term") is classify_event("Half term").kind is None


def test_suggestions_come_from_the_whole_vocabulary(tmp_path: Path) -> None:
    assert set(RUN_TYPES) <= set(KNOWN_LABELS)
    assert {"rowing", "lt", "off"} <= set(KNOWN_LABELS)
    path = tmp_path / "runs.csv"
    path.write_text("date,run\n2027-03-01,rowng\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_runs(path)
    assert "did you mean rowing?" in caught.value.message
    assert (caught.value.row, caught.value.field) == (2, "run")


def test_normalise_label() -> None:
    assert normalise_label("  Cross_Training-Run ") == "cross training run"


# --------------------------------------------------------------------------------------
# One set of span checks


def test_both_readers_refuse_the_same_long_gap(tmp_path: Path) -> None:
    csv_path = tmp_path / "gap.csv"
    csv_path.write_text("date,run\n2027-03-01,easy\n2027-06-07,easy\n", encoding="utf-8")
    with pytest.raises(InputError) as from_csv:
        load_runs(csv_path)
    with pytest.raises(InputError) as from_ics:
        ics_runs_between(tmp_path, date(2027, 3, 1), date(2027, 6, 7))
    shared = "no runs for 13 weeks between 2027-03-01 and 2027-06-07: a typo in"
    assert from_csv.value.message.startswith(shared)
    assert from_ics.value.message.startswith(shared)
    assert (from_csv.value.row, from_csv.value.field) == (3, "date")


def ics_runs_between(tmp_path: Path, first: date, last: date) -> list[str]:
    events = [
        "\r\n".join(("BEGIN:VEVENT", f"UID:{day:%Y%m%d}@example.com", "DTSTAMP:20270101T000000Z",
                     f"DTSTART;VALUE=DATE:{day:%Y%m%d}", "SUMMARY:Easy run", "END:VEVENT"))
        for day in (first, last)
    ]
    path = tmp_path / "gap.ics"
    path.write_text("\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
                                 *events, "END:VCALENDAR")) + "\r\n", encoding="utf-8")
    result = load_runs_ics(path, range_=None, keyword_map={}, default_tz="UTC")
    return [run.kind for run in result.runs]


# --------------------------------------------------------------------------------------
# Readers never load the solver


def test_readers_do_not_import_the_solver() -> None:
    script = (
        "import sys\n"
        "import planner.readers\n"
        "import planner.readers.ics_recurrence, planner.readers.spans\n"
        "banned = ('ortools', 'constraints', 'planner.planning.model',"
        " 'planner.solving.solve', 'planner.solving.block')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in banned[:2] or m in banned))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "[]", done.stdout
