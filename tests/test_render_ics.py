"""Tests for planner.renderers.ics: RFC 5545 shape, three independent parsers, folding, UIDs."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import ics
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import (
    LIGHT_EFFORT_CUE,
    REPS_IN_RESERVE,
    SAFETY_LINE,
    Dose,
    Exercise,
    Plan,
    PlannedExercise,
    Session,
    WeekPlan,
)
from planner.errors import InputError
from planner.renderers.ics import render_ics, session_description, session_uid

ATHLETE = "Zoë Ångström"

# --- a hand-made plan -------------------------------------------------------------


def make_exercise(
    slug: str,
    name: str,
    *,
    reps_unit: str = "reps",
    cue: str = "Brace, then move with control.",
    loaded: bool = True,
) -> Exercise:
    return Exercise(
        id=slug,
        family=name,
        family_no=1,
        name=name,
        level="intermediate",
        patterns=("squat",),
        primary=("quads",),
        secondary=("glutes",),
        equipment=(("dumbbell", "kettlebell"),) if loaded else (),
        loaded=loaded,
        plyometric=False,
        sessions=("heavy", "light"),
        role="core",
        sets_min=2,
        sets_max=4,
        reps_min=6,
        reps_max=12,
        reps_unit=reps_unit,
        rest_min_s=60,
        rest_max_s=120,
        easier="",
        harder="",
        cue=cue,
        how_to=("Stand tall.",),
        mistakes="",
        tip="",
    )


def planned(
    exercise: Exercise, sets: int, reps: int, *, load: int = 2, tempo: int = 0, rng: int = 1,
    rest_s: int = 90,
) -> PlannedExercise:
    dose = Dose(variation=exercise.id, sets=sets, reps=reps, load=load, tempo=tempo, range=rng)
    return PlannedExercise(exercise=exercise, dose=dose, rest_s=rest_s, minutes=6)


GOBLET = make_exercise("goblet-squat", "Goblet squat", cue="Elbows inside knees, chest tall.")
SPLIT = make_exercise(
    "bulgarian-split-squat", "Bulgarian split squat (pied arrière élevé)", reps_unit="reps/side"
)
RDL = make_exercise("sl-rdl", "Single-leg Romanian deadlift – kettlebell", reps_unit="reps/side")
WALL_SIT = make_exercise(
    "wall-sit", "Wall sit · isométrique", reps_unit="seconds", loaded=False, cue="Thighs level."
)
SOLEUS = make_exercise("soleus-raise", "Soleus calf raise × bent knee 🦵", cue="")
COPENHAGEN = make_exercise(
    "copenhagen", "Copenhagen plank 💪 (adductors)", reps_unit="seconds", loaded=False
)
BAND_WALK = make_exercise(
    "band-walk", "Lateral band walk ↔ «Monster»", reps_unit="steps/direction", loaded=False
)

SEVEN = (
    planned(GOBLET, 3, 10),
    planned(SPLIT, 3, 8),
    planned(RDL, 3, 8, load=1),
    planned(WALL_SIT, 2, 20, load=0, rest_s=60),
    planned(SOLEUS, 3, 15, tempo=1),
    planned(COPENHAGEN, 2, 20, load=0, rest_s=60),
    planned(BAND_WALK, 2, 12, load=0, rng=0, rest_s=45),
)
ALL_EXERCISES = (GOBLET, SPLIT, RDL, WALL_SIT, SOLEUS, COPENHAGEN, BAND_WALK)


def make_plan(tz: str, monday: date, athlete: str = ATHLETE, why: str = "") -> Plan:
    """2 weeks, 3 sessions: days 3 and 6 of week 1 (Thu, Sun), day 2 of week 2 (Wed).

    With monday = the Monday before a DST change (which happens on a Sunday in the EU
    and the US), Thursday is before the change and Sunday 18:00 after it.
    """
    week2 = monday + timedelta(days=7)
    thursday = Session(
        date=monday + timedelta(days=3),
        start=time(18, 0),
        minutes=45,
        intensity="heavy",
        exercises=SEVEN[:5],
        why=why or "Two days after your long run, well before Saturday's tempo.",
    )
    sunday = Session(
        date=monday + timedelta(days=6),
        start=time(18, 0),
        minutes=60,
        intensity="heavy",
        exercises=SEVEN,
        why="After the long run: legs are tired, keep the loads honest.",
        warmup_minutes=12,
    )
    wednesday = Session(
        date=week2 + timedelta(days=2),
        start=time(7, 15),
        minutes=30,
        intensity="light",
        exercises=(SEVEN[3], SEVEN[6]),
        why="",
    )
    weeks = (
        WeekPlan(start=monday, runs=(), sessions=(sunday, thursday), target_sessions=2),
        WeekPlan(start=week2, runs=(), sessions=(wednesday,), deload=True, target_sessions=1),
    )
    return Plan(athlete=athlete, level="intermediate", status="optimal", tz=tz, weeks=weeks)


def sessions_of(plan: Plan) -> list[Session]:
    return sorted((s for w in plan.weeks for s in w.sessions), key=lambda s: s.date)


# Mondays before a DST change, so every plan crosses one.
DST_CASES = [
    pytest.param("Europe/Berlin", date(2025, 3, 24), id="berlin-spring"),
    pytest.param("Europe/Berlin", date(2025, 10, 20), id="berlin-autumn"),
    pytest.param("America/New_York", date(2025, 3, 3), id="newyork-spring"),
    pytest.param("America/New_York", date(2025, 10, 27), id="newyork-autumn"),
]


def expected_times(session: Session, tz: str) -> tuple[datetime, datetime]:
    start = datetime.combine(session.date, session.start, tzinfo=ZoneInfo(tz))
    end = (start.astimezone(timezone.utc) + timedelta(minutes=session.minutes)).astimezone(
        ZoneInfo(tz)
    )
    return start, end


def assert_same_local_time(parsed: datetime, expected: datetime) -> None:
    """Same instant, same UTC offset and same wall clock: really 'in plan.tz'."""
    assert parsed.tzinfo is not None
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()
    assert parsed.replace(tzinfo=None) == expected.replace(tzinfo=None)


def unfold(raw: bytes) -> bytes:
    return re.sub(rb"\r\n[ \t]", b"", raw)


def content_lines(raw: bytes) -> list[str]:
    return unfold(raw).decode("utf-8").split("\r\n")


def event_lines(lines: list[str]) -> list[str]:
    """Content lines inside VEVENTs (a VTIMEZONE's DTSTARTs are local by definition)."""
    inside = False
    found: list[str] = []
    for line in lines:
        inside = (inside or line == "BEGIN:VEVENT") and line != "END:VEVENT"
        if inside:
            found.append(line)
    return found


# --- parsing back with three libraries ----------------------------------------------


@pytest.mark.parametrize(("tz", "monday"), DST_CASES)
def test_dst_cases_really_cross_a_change(tz: str, monday: date) -> None:
    offsets = {expected_times(s, tz)[0].utcoffset() for s in sessions_of(make_plan(tz, monday))}
    assert len(offsets) == 2


@pytest.mark.parametrize(("tz", "monday"), DST_CASES)
def test_icalendar_parses_back(tz: str, monday: date) -> None:
    plan = make_plan(tz, monday)
    cal = icalendar.Calendar.from_ical(render_ics(plan))
    events = cal.walk("VEVENT")
    sessions = sessions_of(plan)
    assert len(events) == len(sessions) == 3
    for event, session in zip(events, sessions, strict=True):
        start, end = expected_times(session, tz)
        assert_same_local_time(event["DTSTART"].dt, start)
        assert_same_local_time(event["DTEND"].dt, end)
        assert event["DTSTART"].params["TZID"] == tz
        assert event["DTEND"].params["TZID"] == tz
        description = str(event["DESCRIPTION"])
        for item in session.exercises:
            assert item.exercise.name in description


@pytest.mark.parametrize(("tz", "monday"), DST_CASES)
def test_vobject_parses_back(tz: str, monday: date) -> None:
    plan = make_plan(tz, monday)
    cal = vobject.readOne(render_ics(plan).decode("utf-8"))
    events = sorted(cal.vevent_list, key=lambda e: e.dtstart.value)
    sessions = sessions_of(plan)
    assert len(events) == len(sessions)
    for event, session in zip(events, sessions, strict=True):
        start, end = expected_times(session, tz)
        assert_same_local_time(event.dtstart.value, start)
        assert_same_local_time(event.dtend.value, end)
        for item in session.exercises:
            assert item.exercise.name in event.description.value


@pytest.mark.parametrize(("tz", "monday"), DST_CASES)
def test_ics_parses_back(tz: str, monday: date) -> None:
    plan = make_plan(tz, monday)
    cal = ics.Calendar(render_ics(plan).decode("utf-8"))
    events = sorted(cal.events, key=lambda e: e.begin)
    sessions = sessions_of(plan)
    assert len(events) == len(sessions)
    for event, session in zip(events, sessions, strict=True):
        start, end = expected_times(session, tz)
        assert_same_local_time(event.begin.datetime, start)
        assert_same_local_time(event.end.datetime, end)
        for item in session.exercises:
            assert item.exercise.name in event.description


def test_utc_plan_uses_z_times_and_no_vtimezone() -> None:
    plan = make_plan("UTC", date(2025, 3, 24))
    raw = render_ics(plan)
    lines = content_lines(raw)
    assert "BEGIN:VTIMEZONE" not in lines
    assert "X-WR-TIMEZONE:UTC" in lines
    starts = [line for line in lines if line.startswith("DTSTART")]
    assert starts == ["DTSTART:20250327T180000Z", "DTSTART:20250330T180000Z",
                      "DTSTART:20250402T071500Z"]
    for event, session in zip(
        vobject.readOne(raw.decode()).vevent_list, sessions_of(plan), strict=True
    ):
        assert_same_local_time(event.dtstart.value, expected_times(session, "UTC")[0])
    for event, session in zip(
        sorted(ics.Calendar(raw.decode()).events, key=lambda e: e.begin),
        sessions_of(plan),
        strict=True,
    ):
        assert_same_local_time(event.begin.datetime, expected_times(session, "UTC")[0])


def test_dtend_is_elapsed_minutes_across_the_dst_jump() -> None:
    # 01:30 EST + 60 min on the spring-forward night is 03:30 EDT, not 02:30.
    plan = make_plan("America/New_York", date(2025, 3, 3))
    night = dataclasses.replace(sessions_of(plan)[1], start=time(1, 30), minutes=60)
    plan = dataclasses.replace(
        plan, weeks=(dataclasses.replace(plan.weeks[0], sessions=(night,)),)
    )
    lines = content_lines(render_ics(plan))
    assert "DTSTART;TZID=America/New_York:20250309T013000" in lines
    assert "DTEND;TZID=America/New_York:20250309T033000" in lines


# --- calendar and event properties --------------------------------------------------


@pytest.mark.parametrize(("tz", "monday"), DST_CASES)
def test_vtimezone_matches_dtstart_tzid(tz: str, monday: date) -> None:
    raw = render_ics(make_plan(tz, monday))
    cal = icalendar.Calendar.from_ical(raw)
    assert [str(vtz["TZID"]) for vtz in cal.walk("VTIMEZONE")] == [tz]
    assert str(cal["X-WR-TIMEZONE"]) == tz
    lines = content_lines(raw)
    assert lines.index("BEGIN:VTIMEZONE") < lines.index("BEGIN:VEVENT")
    event_dt_lines = [
        line for line in event_lines(lines) if line.startswith(("DTSTART", "DTEND"))
    ]
    assert len(event_dt_lines) == 6
    for line in event_dt_lines:  # TZID form: not floating, not converted to ...Z
        assert re.fullmatch(rf"DT(START|END);TZID={re.escape(tz)}:\d{{8}}T\d{{6}}", line)
    for event in cal.walk("VEVENT"):
        assert event["DTSTART"].dt.tzinfo is not None  # never floating


def test_vtimezone_is_the_whole_zone() -> None:
    # Not cut to the plan's years (planner.renderers.vtimezone): from 1970, open-ended current
    # rules.
    plan = make_plan("Europe/Berlin", date(2025, 12, 22))
    cal = icalendar.Calendar.from_ical(render_ics(plan))
    (vtz,) = cal.walk("VTIMEZONE")
    assert "COMMENT" not in vtz
    assert min(sub["DTSTART"].dt for sub in vtz.subcomponents) == datetime(1970, 1, 1)
    open_ended = [str(sub["RRULE"].to_ical(), "ascii") for sub in vtz.subcomponents
                  if "RRULE" in sub and "UNTIL" not in sub["RRULE"]]
    assert sorted(open_ended) == ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
                                  "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"]
    assert cal.get_missing_tzids() == set()
    # The same zone, the same VTIMEZONE, whatever the plan's years.
    other = render_ics(make_plan("Europe/Berlin", date(2031, 6, 2)))
    assert icalendar.Calendar.from_ical(other).walk("VTIMEZONE")[0].to_ical() == vtz.to_ical()


def test_calendar_header() -> None:
    lines = content_lines(render_ics(make_plan("Europe/Berlin", date(2025, 3, 24))))
    assert re.fullmatch(r"PRODID:-//runstrong//runstrong [^/]+//EN", lines[2])
    assert lines[:2] + lines[3:7] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:runstrong – {ATHLETE} leg strength",
        "X-WR-TIMEZONE:Europe/Berlin",
    ]
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_event_properties() -> None:
    plan = make_plan("Europe/Berlin", date(2025, 3, 24))
    cal = icalendar.Calendar.from_ical(render_ics(plan))
    for event in cal.walk("VEVENT"):
        # Monday of the first week, midnight UTC, not the wall clock.
        assert event["DTSTAMP"].dt == datetime(2025, 3, 24, tzinfo=timezone.utc)
        assert event["SEQUENCE"] == 0
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["TRANSP"]) == "OPAQUE"
        assert [str(c) for c in event["CATEGORIES"].cats] == ["Strength", "runstrong"]
        # Whose plan it is: a shared (coach's) calendar can hold several athletes.
        assert str(event["X-RUNSTRONG-ATHLETE"]) == ATHLETE
        assert "LAST-MODIFIED" not in event  # no history without planner.renderers.feed


def test_events_in_date_order_with_summaries() -> None:
    cal = icalendar.Calendar.from_ical(render_ics(make_plan("Europe/Berlin", date(2025, 3, 24))))
    events = cal.walk("VEVENT")
    starts = [e["DTSTART"].dt for e in events]
    assert starts == sorted(starts)
    assert [str(e["SUMMARY"]) for e in events] == [
        "Leg strength · main · 5 exercises",
        "Leg strength · main · 7 exercises",
        "Leg strength · light (deload) · 2 exercises",
    ]


def test_description_content() -> None:
    plan = make_plan("Europe/Berlin", date(2025, 3, 24))
    sunday = sessions_of(plan)[1]
    text = session_description(sunday)
    lines = text.split("\n")
    assert lines[0] == sunday.why
    # the booked minutes, told as the article's easy movement and then drills
    assert any(line.startswith("Warm-up (12 min): 5 minutes of easy movement") and
               "then 7 minutes of drills" in line for line in lines)
    assert (
        "1. Goblet squat — 3 × 10 reps · rest 90 s · load: light +1 step · tempo: controlled"
        " · full range" in lines
    )
    assert "   Cue: Elbows inside knees, chest tall." in lines
    assert any("— 3 × 8 reps/side ·" in line for line in lines)
    assert any("4. Wall sit · isométrique — 2 × 20 seconds · rest 60 s · load: bodyweight"
               in line for line in lines)
    assert any("tempo: slow 3-s lowering" in line for line in lines)
    assert any("7. Lateral band walk" in line and "controlled range" in line for line in lines)
    # No cue line for an exercise without a cue.
    soleus_at = next(i for i, line in enumerate(lines) if "Soleus" in line)
    assert not lines[soleus_at + 1].startswith("   Cue:")
    assert lines.index(REPS_IN_RESERVE) < lines.index(SAFETY_LINE) == len(lines) - 1

    cal = icalendar.Calendar.from_ical(render_ics(plan))
    for event, session in zip(cal.walk("VEVENT"), sessions_of(plan), strict=True):
        description = str(event["DESCRIPTION"])
        assert SAFETY_LINE in description
        # a light session has its own effort: stop 3-5 reps short, never the main one's
        cue, other = ((LIGHT_EFFORT_CUE, REPS_IN_RESERVE) if session.intensity == "light"
                      else (REPS_IN_RESERVE, LIGHT_EFFORT_CUE))
        assert cue in description and other not in description
    # the calendar event is the session's words under the week's place in the season
    assert str(cal.walk("VEVENT")[1]["DESCRIPTION"]) == "Season: build\n\n" + text


def test_description_without_why_starts_with_warmup() -> None:
    wednesday = sessions_of(make_plan("Europe/Berlin", date(2025, 3, 24)))[2]
    assert session_description(wednesday).startswith("Warm-up (10 min): ")


# --- alarms -------------------------------------------------------------------------


def test_no_valarm_by_default() -> None:
    raw = render_ics(make_plan("Europe/Berlin", date(2025, 3, 24)))
    assert b"VALARM" not in raw


@pytest.mark.parametrize("minutes", [0, 15, 90])
def test_valarm_when_asked(minutes: int) -> None:
    raw = render_ics(make_plan("Europe/Berlin", date(2025, 3, 24)), alarm_minutes=minutes)
    cal = icalendar.Calendar.from_ical(raw)
    for event in cal.walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm["TRIGGER"].dt == timedelta(minutes=-minutes)
        assert str(alarm["DESCRIPTION"]) == str(event["SUMMARY"])
    if minutes == 15:
        assert "TRIGGER:-PT15M" in content_lines(raw)
    for event in ics.Calendar(raw.decode()).events:
        assert len(event.alarms) == 1


def test_negative_alarm_rejected() -> None:
    with pytest.raises(ValueError, match="alarm_minutes"):
        render_ics(make_plan("Europe/Berlin", date(2025, 3, 24)), alarm_minutes=-5)


# --- line format: CRLF, 75 octets, no split characters ---------------------------------


def assert_rfc_lines(raw: bytes) -> None:
    assert raw.endswith(b"\r\n")
    # Every LF is part of a CRLF and every CR starts one.
    assert raw.count(b"\n") == raw.count(b"\r\n") == raw.count(b"\r")
    for physical in raw.split(b"\r\n")[:-1]:
        assert len(physical) <= 75, physical
        physical.decode("utf-8")  # a fold inside a multibyte character would fail here
    unfold(raw).decode("utf-8")


@pytest.mark.parametrize(("tz", "monday"), DST_CASES)
def test_crlf_and_folding(tz: str, monday: date) -> None:
    raw = render_ics(make_plan(tz, monday), alarm_minutes=30)
    assert_rfc_lines(raw)
    assert max(len(line) for line in raw.split(b"\r\n")) > 70  # folding really happened


def straddling(prefix: str, char: str) -> str:
    """Padding that puts `char` across octet 75 of a content line starting with `prefix`.

    A byte-counting folder that cut at exactly 75 octets would split it.
    """
    pad = 74 - len(prefix.encode("utf-8"))
    return "a" * pad + char + " tail"


@pytest.mark.parametrize("char", ["é", "·", "–", "×", "😀"])
def test_fold_never_splits_a_multibyte_character(char: str) -> None:
    athlete = straddling("X-WR-CALNAME:runstrong – ", char)
    why = straddling("DESCRIPTION:Season: build\\n\\n", char)  # the season line comes first
    plan = make_plan("Europe/Berlin", date(2025, 3, 24), athlete=athlete, why=why)
    raw = render_ics(plan)
    for name in ("X-WR-CALNAME:", "DESCRIPTION:"):
        logical = next(line for line in content_lines(raw) if line.startswith(name))
        with pytest.raises(UnicodeDecodeError):  # the test really hits the boundary
            logical.encode("utf-8")[:75].decode("utf-8")
    assert_rfc_lines(raw)
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["X-WR-CALNAME"]) == f"runstrong – {athlete} leg strength"
    assert str(cal.walk("VEVENT")[0]["DESCRIPTION"]).split("\n")[2] == why
    assert vobject.readOne(raw.decode()).vevent_list[0].description.value.startswith(
        "Season: build\n\n" + why)


# Backslashes are left out: icalendar 7.3 unescapes a literal "\\N" as a newline on parse
# (its reader, not our writer); catalog text never holds one.
TEXT = st.text(
    alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\\"),
    min_size=1, max_size=150
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, cue=TEXT, athlete=TEXT)
def test_any_unicode_folds_and_round_trips(name: str, cue: str, athlete: str) -> None:
    exercise = make_exercise("x", name, cue=cue)
    session = Session(date(2025, 6, 3), time(18, 0), 40, "heavy", (planned(exercise, 3, 8),))
    week = WeekPlan(start=date(2025, 6, 2), runs=(), sessions=(session,))
    plan = Plan(athlete=athlete, level="beginner", status="optimal", tz="Europe/Berlin",
                weeks=(week,))
    raw = render_ics(plan)
    assert_rfc_lines(raw)
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]) == "Season: build\n\n" + session_description(session)


# --- UIDs and determinism --------------------------------------------------------------


def uids(raw: bytes) -> list[str]:
    return [str(e["UID"]) for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")]


def test_uids_unique_and_well_formed() -> None:
    plan = make_plan("Europe/Berlin", date(2025, 3, 24))
    found = uids(render_ics(plan))
    assert len(found) == len(set(found)) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}@runstrong", uid) for uid in found)
    assert found == [session_uid(ATHLETE, s) for s in sessions_of(plan)]


def test_uid_is_pinned() -> None:
    # Changing how UIDs are made duplicates every event already in users' calendars.
    session = sessions_of(make_plan("UTC", date(2025, 3, 24)))[0]
    # Seed: NFC + strip + casefold(athlete), ISO date, "strength", joined by U+001F.
    assert session.date == date(2025, 3, 27)
    assert session_uid("Anna", session) == "f29a282882c2d3b38b4eafb9dbe9a541@runstrong"


def test_uid_ignores_content_but_not_who_or_when() -> None:
    plan = make_plan("Europe/Berlin", date(2025, 3, 24))
    session = sessions_of(plan)[0]
    replanned = dataclasses.replace(
        session,
        exercises=(planned(COPENHAGEN, 2, 30),),
        start=time(6, 30),
        minutes=25,
        intensity="light",
        why="Moved to the morning.",
    )
    assert session_uid(ATHLETE, replanned) == session_uid(ATHLETE, session)
    assert session_uid(" zoë ångström ", session) == session_uid(ATHLETE, session)
    assert session_uid("Someone else", session) != session_uid(ATHLETE, session)
    next_day = dataclasses.replace(session, date=session.date + timedelta(days=1))
    assert session_uid(ATHLETE, next_day) != session_uid(ATHLETE, session)


def test_replanned_exercises_keep_uids() -> None:
    plan = make_plan("Europe/Berlin", date(2025, 3, 24))
    changed_weeks = tuple(
        dataclasses.replace(
            week,
            sessions=tuple(
                dataclasses.replace(s, exercises=tuple(reversed(s.exercises[:2])))
                for s in week.sessions
            ),
        )
        for week in plan.weeks
    )
    changed = dataclasses.replace(plan, weeks=changed_weeks)
    assert render_ics(changed) != render_ics(plan)
    assert uids(render_ics(changed)) == uids(render_ics(plan))


def test_byte_identical_output() -> None:
    first = render_ics(make_plan("America/New_York", date(2025, 3, 3)), alarm_minutes=10)
    second = render_ics(make_plan("America/New_York", date(2025, 3, 3)), alarm_minutes=10)
    assert first == second
    assert uids(first) == uids(second)


def test_session_order_in_weeks_does_not_matter() -> None:
    plan = make_plan("Europe/Berlin", date(2025, 3, 24))
    shuffled = dataclasses.replace(
        plan,
        weeks=tuple(
            dataclasses.replace(w, sessions=tuple(reversed(w.sessions)))
            for w in reversed(plan.weeks)
        ),
    )
    assert render_ics(shuffled) == render_ics(plan)


# --- errors and isolation ------------------------------------------------------------


def test_two_sessions_on_one_day_rejected() -> None:
    plan = make_plan("Europe/Berlin", date(2025, 3, 24))
    first = plan.weeks[0]
    twice = dataclasses.replace(first, sessions=(*first.sessions, first.sessions[0]))
    with pytest.raises(ValueError, match="two strength sessions"):
        render_ics(dataclasses.replace(plan, weeks=(twice,)))


def test_unknown_time_zone() -> None:
    with pytest.raises(InputError, match="Mars/Olympus"):
        render_ics(make_plan("Mars/Olympus", date(2025, 3, 24)))


def test_empty_plan_renders_a_bare_calendar() -> None:
    plan = Plan(athlete="A", level="beginner", status="reduced", tz="Europe/Berlin", weeks=())
    raw = render_ics(plan)
    assert b"VEVENT" not in raw
    assert icalendar.Calendar.from_ical(raw)["X-WR-TIMEZONE"] == "Europe/Berlin"


def test_renderer_does_not_import_the_solver() -> None:
    # Allow-list: whatever the solver modules end up being called, they are not these.
    code = (
        "import sys, planner.renderers.ics; "
        "ok = {'planner', 'planner.domain', 'planner.errors', 'planner.renderers.ics', "
        "'planner.planning.wording', 'planner.renderers.vtimezone', "
        "'planner.planning.loads', 'planner.planning.progression', "  # load words: plain data
        "'planner.renderers', 'planner.planning', 'planner.renderers.event_text'}; "
        "bad = [m for m in sys.modules if m.startswith(('ortools', 'constraints')) "
        "or (m.startswith('planner') and m not in ok)]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
