"""The one reader of plan JSON (planner.renderers.json_plan writes it), for check, explain,
--previous, push and the web app.

`load_plan_json` reads a file and checks the keys every consumer relies on, naming what is
wrong; `profile_from_json` and `runs_from_json` give what a plan was made from, and
`plan_from_json(load_plan_json(path))` rebuilds everything the calendar shows: sessions
(day, start, length, intensity, why, warm-up, exercises with dose, rest, labels, cue),
deload weeks and runs. Catalog facts the JSON does not carry (muscles the calendar does
not print, ladders, how-to) get neutral values, so the result is for rendering, not for
planning. A run's `source_label` ("Written as: intervals" in a run event's notes) is not
in the JSON either, so run events rebuilt from JSON lack that one line.
"""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

from planner.domain import (
    DEFAULT_DELOAD_EVERY,
    DEFAULT_MINUTES,
    DEFAULT_RACE_WEEK,
    DEFAULT_START_TIME,
    LEVELS,
    LOAD_LABELS,
    NAME_LINE_BREAKS,
    PHASES,
    RACE_WEEK_CHOICES,
    RANGE_LABELS,
    RUN_TYPES,
    TEMPO_LABELS,
    WEEKDAYS,
    Dose,
    Exercise,
    Plan,
    PlannedExercise,
    Profile,
    Run,
    Session,
    WeekPlan,
    load_step,
)
from planner.errors import InputError, shown_value
from planner.readers.spans import check_date_bounds

# What this reader understands: the `schema` number planner.renderers.json_plan writes
# (tests hold the two equal). A higher number is a plan from a newer runstrong whose keys
# may mean something this one would misread.
READABLE_SCHEMA = 1
# A 104-week plan is under 2 MB; the cap keeps a hostile file from costing gigabytes in
# json.loads and the checker before any key is looked at.
MAX_PLAN_JSON_BYTES = 16_000_000
# No count, cost or minute in a plan comes near 15 digits; a 100 000-digit integer would
# otherwise stop Python's int() with a traceback (its 4 300-digit guard).
MAX_NUMBER_DIGITS = 15
# Counts far above any plan (104 weeks of at most a session a day, a dozen exercises each)
# that keep the checker's and explain's work per file bounded whatever fits in the bytes.
MAX_PLAN_WEEKS = 1_000
MAX_PLAN_SESSIONS = 10_000
MAX_PLAN_EXERCISES = 100_000
MAX_PLAN_RUNS = 20_000

# A plan without a `deload_every` key gets the fixed cadence plans used before step-back
# weeks followed the running; `null` means they follow the running.
LEGACY_DELOAD_EVERY = 4


def load_plan_json(path: str | Path) -> dict[str, Any]:
    """Read a plan JSON and check the keys every consumer relies on, naming what is wrong."""
    name = str(path)
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_PLAN_JSON_BYTES + 1)
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    except IsADirectoryError:
        raise InputError("is a folder: give the path of a plan JSON", file=name) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}",
                         file=name) from None
    if len(raw) > MAX_PLAN_JSON_BYTES:
        raise InputError(f"over {MAX_PLAN_JSON_BYTES:,} bytes (MAX_PLAN_JSON_BYTES): far "
                         "larger than any plan runstrong writes", file=name)
    data = parse_plan_json_text(raw, name)
    require_plan_shape(data, name)
    return data


def parse_plan_json_text(raw: bytes, name: str) -> Any:
    """Bytes -> JSON value with numbers bounded: InputError naming the file otherwise."""
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_int=_bounded_int,
                          parse_float=_bounded_float, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; expected a runstrong plan JSON", file=name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                         file=name) from None
    except _NumberError as exc:
        raise InputError(str(exc), file=name) from None
    except RecursionError:
        raise InputError("nested too deeply to be a runstrong plan JSON", file=name) from None


class _NumberError(ValueError):
    """A number no plan holds (too many digits, infinite or not a number)."""


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        raise _NumberError(f"a number with {digits:,} digits; the numbers in a plan have at "
                           f"most {MAX_NUMBER_DIGITS} (MAX_NUMBER_DIGITS)")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > 4 * MAX_NUMBER_DIGITS:
        raise _NumberError(f"a number written with {len(text):,} characters; the numbers in "
                           f"a plan have at most {MAX_NUMBER_DIGITS} digits")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NumberError(f"the number {shown_value(text)} is too large for a plan")
    return value


def _no_constant(text: str) -> Any:
    raise _NumberError(f"{text} is not a number a plan can hold (JSON has no {text})")


def _require(obj: Any, key: str, kind: type | tuple[type, ...], where: str, name: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise InputError(f"missing key '{key}' in {where}", file=name, field=key)
    value = obj[key]
    if not isinstance(value, kind):
        raise InputError(f"'{key}' in {where} has the wrong type ({type(value).__name__})",
                         file=name, field=key)
    return value


def _require_date(text: str, key: str, where: str, name: str) -> None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{shown_value(text)} in {where} is not a date (YYYY-MM-DD)",
                         file=name, field=key) from None
    check_date_bounds(day, file=name, field=f"{where}.{key}")


def _optional(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
              name: str) -> Any:
    """A key consumers read when present: absent or null is fine, another type is not."""
    value = obj.get(key)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    wrong = not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)
    if value is not None and wrong:
        raise InputError(f"'{key}' in {where} has the wrong type ({type(value).__name__})",
                         file=name, field=key)
    return value


def _drop_nulls(obj: dict[str, Any], keys: dict[str, type]) -> None:
    """`null` for an optional list or object means empty: consumers then iterate it."""
    for key, kind in keys.items():
        if key in obj and obj[key] is None:
            obj[key] = kind()


def _require_clock(text: str | None, key: str, where: str, name: str) -> None:
    if text is None:
        return
    try:
        time.fromisoformat(text)
    except ValueError:
        raise InputError(f"{shown_value(text)} in {where} is not a time (HH:MM)", file=name,
                         field=key) from None


def require_plan_shape(data: Any, name: str) -> None:
    """Raise an InputError naming the first key a consumer relies on that is missing or of
    the wrong type; null optional lists and objects become empty ones (in place)."""
    if not isinstance(data, dict):
        raise InputError("expected a JSON object with 'athlete', 'level' and 'weeks'", file=name)
    schema = _optional(data, "schema", int, "the plan", name)
    if schema is not None and not 1 <= schema <= READABLE_SCHEMA:
        raise InputError(f"schema {schema} is not one this runstrong reads (1 to "
                         f"{READABLE_SCHEMA}): "
                         + ("the plan was written by a newer runstrong; upgrade to read it"
                            if schema > READABLE_SCHEMA else "not a runstrong plan number"),
                         file=name, field="schema")
    athlete = _require(data, "athlete", str, "the plan", name)
    if NAME_LINE_BREAKS.intersection(athlete):
        raise InputError(f"the athlete's name {shown_value(' '.join(athlete.split()))} holds a "
                         "line break: write the name on one line", file=name, field="athlete")
    _require(data, "level", str, "the plan", name)
    _drop_nulls(data, {"profile": dict})
    profile = _optional(data, "profile", dict, "the plan", name) or {}
    _optional(data, "tz", str, "the plan", name)
    _require_clock(_optional(profile, "time", str, "profile", name), "time", "profile", name)
    for key in ("equipment", "prefer_days", "avoid_days", "races"):
        _optional(profile, key, list, "profile", name)
    for day_number, day in enumerate(profile.get("races") or (), start=1):
        _require_date(day if isinstance(day, str) else repr(day), "races",
                      f"profile.races[{day_number}]", name)
    _optional(profile, "race_week", str, "profile", name)
    for key in ("minutes", "deload_every", "sessions"):
        _optional(profile, key, int, "profile", name)
    weeks = _require(data, "weeks", list, "the plan", name)
    _require_counts(weeks, name)
    for w, week in enumerate(weeks, start=1):
        where = f"weeks[{w}]"
        _require_date(_require(week, "start", str, where, name), "start", where, name)
        _drop_nulls(week, {"runs": list, "penalties": list, "notes": list})
        for r, run in enumerate(_optional(week, "runs", list, where, name) or [], start=1):
            rwhere = f"{where}.runs[{r}]"
            _require_date(_require(run, "date", str, rwhere, name), "date", rwhere, name)
            _require(run, "run", str, rwhere, name)
            _optional(run, "minutes", int, rwhere, name)
            _optional(run, "title", str, rwhere, name)
            _require_clock(_optional(run, "time", str, rwhere, name), "time", rwhere, name)
        for p, penalty in enumerate(_optional(week, "penalties", list, where, name) or [],
                                    start=1):
            pwhere = f"{where}.penalties[{p}]"
            _require(penalty, "rule", str, pwhere, name)
            _require(penalty, "cost", int, pwhere, name)
            _require(penalty, "text", str, pwhere, name)
        for n, note in enumerate(_optional(week, "notes", list, where, name) or [], start=1):
            if not isinstance(note, str):
                raise InputError(f"{where}.notes[{n}] is not text", file=name, field="notes")
        sessions = _require(week, "sessions", list, where, name)
        for s, session in enumerate(sessions, start=1):
            swhere = f"{where}.sessions[{s}]"
            _require_date(_require(session, "date", str, swhere, name), "date", swhere, name)
            _require(session, "intensity", str, swhere, name)
            exercises = _require(session, "exercises", list, swhere, name)
            for e, item in enumerate(exercises, start=1):
                ewhere = f"{swhere}.exercises[{e}]"
                for key in ("name", "variation", "load", "tempo", "range"):
                    _require(item, key, str, ewhere, name)
                _optional(item, "id", str, ewhere, name)
                for key in ("sets", "reps"):
                    _require(item, key, int, ewhere, name)


def _require_counts(weeks: list[Any], name: str) -> None:
    """Refuse a plan with more weeks, sessions, exercises or runs than MAX_PLAN_*."""
    sessions = [item for week in weeks if isinstance(week, dict)
                and isinstance(week.get("sessions"), list) for item in week["sessions"]]
    counts = {
        "weeks": (len(weeks), MAX_PLAN_WEEKS, "MAX_PLAN_WEEKS"),
        "sessions": (len(sessions), MAX_PLAN_SESSIONS, "MAX_PLAN_SESSIONS"),
        "exercises": (sum(len(item["exercises"]) for item in sessions if isinstance(item, dict)
                          and isinstance(item.get("exercises"), list)),
                      MAX_PLAN_EXERCISES, "MAX_PLAN_EXERCISES"),
        "runs": (sum(len(runs) for week in weeks if isinstance(week, dict)
                     and isinstance(runs := week.get("runs"), list)),
                 MAX_PLAN_RUNS, "MAX_PLAN_RUNS"),
    }
    for what, (count, limit, constant) in counts.items():
        if count > limit:
            raise InputError(f"{count:,} {what}; a plan holds at most {limit:,} ({constant})",
                             file=name, field=what)


def plan_from_json(data: dict[str, Any], *, file: str | None = None) -> Plan:
    """The plan a `load_plan_json` dict describes; InputError naming the key otherwise."""
    reader = _Reader(file)
    profile = profile_from_json(data, file=file)
    profile_data = data.get("profile") if isinstance(data.get("profile"), dict) else {}
    weeks = tuple(reader.week(week, f"weeks[{number}]")
                  for number, week in enumerate(data["weeks"], start=1))
    return Plan(athlete=profile.athlete, level=profile.level,
                status=reader.text(data, "status", "the plan", default="optimal"),
                tz=profile.tz, weeks=weeks, profile=profile,
                beginner_promoted=bool(profile_data.get("beginner_promoted", False)))


def profile_from_json(data: dict[str, Any], *, file: str | None = None) -> Profile:
    """The options a plan was made with (its "profile" object, athlete, level and zone)."""
    reader = _Reader(file)
    raw = data.get("profile") if isinstance(data.get("profile"), dict) else {}
    level = reader.text(data, "level", "the plan")
    if level not in LEVELS:
        raise reader.error(f"level '{level}' is not one of: {', '.join(LEVELS)}", "level")
    sessions = reader.value(raw, "sessions", "profile", int, None)
    weights = dict(raw.get("weights") or {}) if isinstance(raw.get("weights"), dict) else {}
    try:
        owned = tuple((str(item), tuple(sorted(float(kg) for kg in kgs)))
                      for item, kgs in sorted(weights.items()))
    except (TypeError, ValueError):
        raise reader.error("profile.weights is not a list of kilograms per item",
                           "weights") from None
    starts = raw.get("start_weights") if isinstance(raw.get("start_weights"), dict) else {}
    try:
        start_weights = tuple((str(name), float(kg)) for name, kg in sorted(starts.items()))
    except (TypeError, ValueError):
        raise reader.error("profile.start_weights is not kilograms per exercise id",
                           "start_weights") from None
    return Profile(
        athlete=reader.text(data, "athlete", "the plan"),
        level=level,
        new_to_strength=bool(raw.get("new_to_strength", False)),
        tz=reader.text(data, "tz", "the plan", default="UTC"),
        start_time=reader.clock(raw, "time", "profile", default=DEFAULT_START_TIME),
        minutes=reader.integer(raw, "minutes", "profile", default=DEFAULT_MINUTES),
        sessions=sessions,
        equipment=frozenset(str(item) for item in raw.get("equipment") or ()),
        prefer_days=reader.days(raw, "prefer_days"),
        avoid_days=reader.days(raw, "avoid_days"),
        # An older plan has no key: its fixed cadence was every 4th week. null = the
        # step-back weeks followed the running.
        deload_every=(DEFAULT_DELOAD_EVERY if "deload_every" in raw
                      and raw["deload_every"] is None
                      else reader.integer(raw, "deload_every", "profile",
                                          default=LEGACY_DELOAD_EVERY)),
        weights=owned, start_weights=start_weights,
        niggles=frozenset(str(n) for n in raw.get("niggles") or () if isinstance(n, str)),
        exclude=frozenset(str(n) for n in raw.get("exclude") or () if isinstance(n, str)),
        races=tuple(reader.date_at(day, "profile.races", "races")
                    for day in raw.get("races") or ()),
        race_week=reader.choice(raw, "race_week", "profile", RACE_WEEK_CHOICES,
                                DEFAULT_RACE_WEEK),
    )


def runs_from_json(data: dict[str, Any], *, file: str | None = None) -> tuple[Run, ...]:
    """Every run the plan's weeks list, in order."""
    reader = _Reader(file)
    return tuple(reader.run(run, f"weeks[{w}].runs[{r}]")
                 for w, week in enumerate(data["weeks"], start=1)
                 for r, run in enumerate(week.get("runs") or (), start=1))


class _Reader:
    def __init__(self, file: str | None) -> None:
        self.file = file

    def error(self, message: str, field: str) -> InputError:
        return InputError(message, file=self.file, field=field)

    def value(self, obj: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...],
              default: Any) -> Any:
        if key not in obj or obj[key] is None:
            if default is _REQUIRED:
                raise self.error(f"missing key '{key}' in {where}", key)
            return default
        value = obj[key]
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            raise self.error(f"'{key}' in {where} has the wrong type ({type(value).__name__})",
                             key)
        return value

    def text(self, obj: dict[str, Any], key: str, where: str, default: Any = None) -> str:
        return self.value(obj, key, where, str, _REQUIRED if default is None else default)

    def integer(self, obj: dict[str, Any], key: str, where: str, default: Any = None) -> int:
        return self.value(obj, key, where, int, _REQUIRED if default is None else default)

    def clock(self, obj: dict[str, Any], key: str, where: str, default: Any = None) -> time:
        text = self.value(obj, key, where, str, _REQUIRED if default is None else None)
        if text is None:
            return default
        try:
            hours, minutes = (int(part) for part in text.split(":"))
            return time(hours, minutes)
        except ValueError:
            raise self.error(f"'{text}' in {where} is not a time (HH:MM)", key) from None

    def choice(self, obj: dict[str, Any], key: str, where: str, words: tuple[str, ...],
               default: str) -> str:
        word = self.value(obj, key, where, str, default)
        if word not in words:
            raise self.error(f"'{word}' in {where} is not one of: {', '.join(words)}", key)
        return word

    def date_at(self, text: Any, where: str, key: str) -> date:
        try:
            return date.fromisoformat(text)
        except (TypeError, ValueError):
            raise self.error(f"{text!r} in {where} is not a date (YYYY-MM-DD)", key) from None

    def date(self, obj: dict[str, Any], key: str, where: str) -> date:
        text = self.text(obj, key, where)
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.error(f"'{text}' in {where} is not a date (YYYY-MM-DD)", key) from None

    def days(self, obj: dict[str, Any], key: str) -> frozenset[int]:
        names = obj.get(key) or ()
        return frozenset(WEEKDAYS.index(name) for name in names if name in WEEKDAYS)

    def load(self, obj: dict[str, Any], where: str) -> int:
        step = load_step(obj.get("load"))
        return step if step is not None else self.label(obj, "load", where, LOAD_LABELS)

    def label(self, obj: dict[str, Any], key: str, where: str, labels: tuple[str, ...]) -> int:
        text = self.text(obj, key, where)
        if text not in labels:
            raise self.error(f"'{text}' in {where} is not one of: {', '.join(labels)}", key)
        return labels.index(text)

    def week(self, data: dict[str, Any], where: str) -> WeekPlan:
        runs = tuple(self.run(run, f"{where}.runs[{number}]")
                     for number, run in enumerate(data.get("runs") or (), start=1))
        sessions = tuple(self.session(session, f"{where}.sessions[{number}]")
                         for number, session in enumerate(data["sessions"], start=1))
        # A moved session keeps the calendar event of the day it left (uid_date): that day
        # must be free of every other session's event, or two events would share a UID.
        events = [s.uid_date or s.date for s in sessions]
        for number, session in enumerate(sessions, start=1):
            if session.uid_date and events.count(session.uid_date) > 1:
                raise self.error(f"uid_date {session.uid_date.isoformat()} in "
                                 f"{where}.sessions[{number}] is another session's calendar "
                                 "day", "uid_date")
        return WeekPlan(start=self.date(data, "start", where), runs=runs, sessions=sessions,
                        deload=bool(data.get("deload", False)),
                        taper=bool(data.get("taper", False)),
                        # A plan from before phases: its taper weeks were its only shape.
                        phase=self.choice(data, "phase", where, PHASES,
                                          "taper" if data.get("taper") is True else "build"),
                        phase_why=self.value(data, "phase_why", where, str, ""),
                        target_sessions=self.integer(data, "target_sessions", where, default=0),
                        notes=tuple(str(note) for note in data.get("notes") or ()))

    def run(self, data: dict[str, Any], where: str) -> Run:
        if not isinstance(data, dict):
            raise self.error(f"{where} is not an object", where)
        kind = self.text(data, "run", where)
        if kind not in RUN_TYPES:
            raise self.error(f"'{kind}' in {where} is not one of: {', '.join(RUN_TYPES)}", "run")
        start = self.clock(data, "time", where, default=time(0)) if data.get("time") else None
        return Run(date=self.date(data, "date", where), kind=kind,
                   minutes=self.value(data, "minutes", where, int, None), time=start,
                   title=self.text(data, "title", where, default=""))

    def session(self, data: dict[str, Any], where: str) -> Session:
        exercises = tuple(self.exercise(item, f"{where}.exercises[{number}]")
                          for number, item in enumerate(data["exercises"], start=1))
        return Session(
            date=self.date(data, "date", where),
            start=self.clock(data, "start", where),
            minutes=self.integer(data, "minutes", where),
            intensity=self.text(data, "intensity", where),
            exercises=exercises,
            why=self.text(data, "why", where, default=""),
            warmup_minutes=self.integer(data, "warmup_minutes", where, default=10),
            after_run=data.get("after_run") is True,
            uid_date=self.date(data, "uid_date", where) if data.get("uid_date") else None,
        )

    def exercise(self, data: dict[str, Any], where: str) -> PlannedExercise:
        variation = self.text(data, "variation", where)
        name = self.text(data, "name", where)
        dose = Dose(variation=variation, sets=self.integer(data, "sets", where),
                    reps=self.integer(data, "reps", where),
                    load=self.load(data, where),
                    tempo=self.label(data, "tempo", where, TEMPO_LABELS),
                    range=self.label(data, "range", where, RANGE_LABELS))
        primary = tuple(str(m) for m in data.get("primary") or ())
        exercise = Exercise(
            id=variation, family=self.text(data, "family", where, default=name),
            family_no=self.integer(data, "family_no", where, default=0), name=name,
            level=self.text(data, "level", where, default=""),
            patterns=tuple(str(p) for p in data.get("patterns") or ()),
            primary=primary,
            secondary=tuple(str(m) for m in data.get("muscles") or () if m not in primary),
            equipment=(), loaded=dose.load > 0,
            plyometric=bool(data.get("plyometric", False)), sessions=(), role="",
            sets_min=dose.sets, sets_max=dose.sets, reps_min=dose.reps, reps_max=dose.reps,
            reps_unit=self.text(data, "reps_unit", where, default="reps"),
            rest_min_s=0, rest_max_s=0, easier="", harder="",
            cue=self.text(data, "cue", where, default=""), how_to=(), mistakes="", tip="",
            best_for=self.text(data, "best_for", where, default=""))
        return PlannedExercise(
            exercise=exercise, dose=dose, rest_s=self.integer(data, "rest_s", where),
            minutes=self.integer(data, "minutes", where, default=0),
            why=self.text(data, "why", where, default=""),
            equipment_used=tuple(str(e) for e in data.get("equipment") or ()),
            weight_kg=self.value(data, "weight_kg", where, (int, float), None),
            next_step=self.text(data, "next_step", where, default=""),
            heavier_start=data.get("heavier_start") is True)


_REQUIRED = object()


def with_catalog(plan: Plan, by_id: dict[str, Exercise]) -> Plan:
    """The plan with each exercise's full catalog row (FIT names, ladder, cues) in place of
    what the JSON carries, where the catalog knows the variation."""
    from dataclasses import replace

    def item(planned: PlannedExercise) -> PlannedExercise:
        known = by_id.get(planned.exercise.id)
        return planned if known is None else replace(planned, exercise=known)

    weeks = tuple(replace(week, sessions=tuple(
        replace(session, exercises=tuple(item(p) for p in session.exercises))
        for session in week.sessions)) for week in plan.weeks)
    return replace(plan, weeks=weeks)


DONE_WORDS = {True: "done", False: "skipped", None: "unknown", "yes": "done", "no": "skipped",
              "done": "done", "skipped": "skipped", "too hard": "too hard",
              "too_hard": "too hard", "hard": "too hard"}


def done_from_json(value: Any, name: str, field: str) -> str:
    """Adherence marks a coach or runner fills in: true/false/"too hard" (or null), as
    "done", "skipped", "too hard" or "unknown"."""
    key = value.strip().lower() if isinstance(value, str) else value
    if not isinstance(key, (str, bool, type(None))) or key not in DONE_WORDS:
        raise InputError(f"done must be true, false or \"too hard\", not {value!r}",
                         file=name, field=field)
    return DONE_WORDS[key]


def _index(labels: tuple[str, ...], value: str, name: str, field: str) -> int:
    if value not in labels:
        raise InputError(f"'{value}' is not one of: {', '.join(labels)}", file=name, field=field)
    return labels.index(value)


def _load(value: Any, name: str, field: str) -> int:
    step = load_step(value)
    return step if step is not None else _index(LOAD_LABELS, value, name, field)


def dose_from_json(item: dict[str, Any], name: str, where: str) -> Dose:
    """A planned exercise's dose (an item `require_plan_shape` checked); `where` names it."""
    return Dose(
        variation=item["variation"],
        sets=item["sets"],
        reps=item["reps"],
        load=_load(item["load"], name, f"{where}.load"),
        tempo=_index(TEMPO_LABELS, item["tempo"], name, f"{where}.tempo"),
        range=_index(RANGE_LABELS, item["range"], name, f"{where}.range"),
    )
