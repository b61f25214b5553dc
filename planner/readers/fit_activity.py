"""A Garmin strength-training activity (.fit), read with Garmin's own Decoder: the sets the
watch recorded, for `runstrong log --fit`.

What is read, from the FIT profile of the pinned `garmin-fit-sdk`:

* `sport` or `session` messages: sport ``training`` with sub_sport ``strength_training``
  (anything else is not a strength activity and is refused);
* `set` messages of set_type ``active`` (rest sets are the pauses between them):
  repetitions, weight (kg), duration (s), start_time, and the exercise as category and
  category_subtype, the same two numbers a workout step carries (planner.readers.fit_profile
  names them);
* when the activity started: the first set's start_time, else the session's, else
  file_id.time_created.

The watch counts every rep it sees, whichever leg does it, so a one-leg move's
repetitions are halved back to reps per side when matched (planner.renderers.fit writes
the total for the same reason). A timed move (reps_unit seconds) takes the set's duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from planner.errors import InputError

MAX_FIT_BYTES = 5_000_000  # an hour of strength work is tens of kB
STRENGTH_SUB_SPORT = "strength_training"


@dataclass(frozen=True)
class ActivitySet:
    """One active set as the watch recorded it."""

    number: int  # 1-based among the active sets, for messages
    start: datetime | None  # UTC
    category: str  # FIT exercise_category name, "" when the watch did not say
    name: str  # FIT exercise name within the category, "" when unknown
    repetitions: int | None
    weight_kg: float | None
    duration_s: float | None


@dataclass(frozen=True)
class Activity:
    file: str
    start: datetime  # UTC
    sets: tuple[ActivitySet, ...]


def read_activity(path: str | Path) -> Activity:
    """Decode one strength activity; InputError (one line, the file named) when the file is
    missing, corrupt, truncated, or not a strength-training activity."""
    from garmin_fit_sdk import Decoder, Stream

    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=name) from None
    if len(data) > MAX_FIT_BYTES:
        raise InputError(f"the file is {len(data):,} bytes; a strength activity is far "
                         f"smaller (the most is {MAX_FIT_BYTES:,})", file=name)
    try:
        if not Decoder(Stream.from_byte_array(bytearray(data))).is_fit():
            raise InputError("not a FIT file (no FIT header)", file=name)
        if not Decoder(Stream.from_byte_array(bytearray(data))).check_integrity():
            raise InputError("the FIT file is corrupt or truncated (its size or checksum "
                             "does not match); copy it from the watch again", file=name)
        messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    except InputError:
        raise
    except Exception as exc:  # the SDK raises plain exceptions on malformed bytes
        raise InputError(f"the FIT file cannot be decoded ({type(exc).__name__}); copy it "
                         "from the watch again", file=name) from None
    if errors:
        raise InputError(f"the FIT file cannot be decoded ({errors[0]}); copy it from the "
                         "watch again", file=name)
    _require_strength(messages, name)
    sets = _active_sets(messages.get("set_mesgs", []))
    start = _start_of(messages, sets)
    if start is None:
        raise InputError("the activity has no start time (no set, session or file_id "
                         "time)", file=name)
    return Activity(name, start, sets)


def _require_strength(messages: dict[str, list[dict[str, Any]]], name: str) -> None:
    found = [(str(m.get("sport", "")), str(m.get("sub_sport", "")))
             for key in ("sport_mesgs", "session_mesgs") for m in messages.get(key, [])]
    if any(sub == STRENGTH_SUB_SPORT for _, sub in found):
        return
    said = ", ".join(sorted({f"{sport}/{sub}" for sport, sub in found})) or "no sport at all"
    raise InputError(f"not a strength-training activity (the watch recorded {said}); "
                     "record the session as Strength on the watch", file=name)


def _active_sets(raw: list[dict[str, Any]]) -> tuple[ActivitySet, ...]:
    from planner.readers.fit_profile import exercise_categories, exercise_names

    numbers = {number: word for word, number in exercise_categories().items()}
    sets: list[ActivitySet] = []
    for message in raw:
        if str(message.get("set_type", "active")) != "active":
            continue
        category = _first(message.get("category"))
        if isinstance(category, int):
            category = numbers.get(category, "")
        category = "" if category in (None, "unknown") else str(category)
        subtype = _first(message.get("category_subtype"))
        name = ""
        if category and isinstance(subtype, int):
            name = {n: w for w, n in exercise_names(category).items()}.get(subtype, "")
        reps = message.get("repetitions")
        weight = message.get("weight")
        duration = message.get("duration")
        sets.append(ActivitySet(
            number=len(sets) + 1, start=_utc(message.get("start_time")),
            category=category, name=name,
            repetitions=int(reps) if isinstance(reps, (int, float)) else None,
            weight_kg=round(float(weight), 2) if isinstance(weight, (int, float)) and weight > 0
            else None,
            duration_s=float(duration) if isinstance(duration, (int, float)) else None))
    return tuple(sets)


def _first(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(
        tzinfo=timezone.utc)


def _start_of(messages: dict[str, list[dict[str, Any]]],
              sets: tuple[ActivitySet, ...]) -> datetime | None:
    for item in sets:
        if item.start is not None:
            return item.start
    for key, field in (("session_mesgs", "start_time"), ("activity_mesgs", "timestamp"),
                       ("file_id_mesgs", "time_created")):
        for message in messages.get(key, []):
            moment = _utc(message.get(field))
            if moment is not None:
                return moment
    return None


@dataclass(frozen=True)
class Matched:
    """An activity matched to a planned session: its sets per planned exercise id, the
    sets no planned exercise claims, and the planned exercises the watch did not see."""

    day: str  # the session's date, YYYY-MM-DD
    sets: dict[str, tuple[Any, ...]]  # variation id -> tuple[SetDone, ...]
    unmatched: tuple[ActivitySet, ...]
    missing: tuple[str, ...]  # planned variation ids with no set
    sibling: tuple[tuple[int, str, str], ...]  # (set number, watch name, planned id)


def local_day(activity: Activity, tz: str) -> str:
    """The activity's date in the runner's time zone (the plan's)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return activity.start.astimezone(zone).date().isoformat()


def match_activity(activity: Activity, plan: dict[str, Any], by_id: dict[str, Any]) -> Matched:
    """Match the activity to the plan's session on its local date, and each set to a
    planned exercise: first by the FIT category and name the catalog gives the planned
    variation, then by exercise family when the watch names a sibling variation (a
    goblet squat logged as a dumbbell squat). InputError when no session falls on that
    date."""
    from planner.readers.session_log import SetDone, session_dates, sessions_on

    day = local_day(activity, str(plan.get("tz") or "UTC"))
    sessions = sessions_on(plan, day)
    if not sessions:
        dates = session_dates(plan)
        span = f"{dates[0]}..{dates[-1]}" if dates else "no sessions at all"
        raise InputError(f"the activity is on {day} ({plan.get('tz') or 'UTC'}), and the plan "
                         f"has no session that day (its sessions: {span})", file=activity.file)
    exercises = sessions[0].get("exercises", [])
    planned = [str(item.get("variation")) for item in exercises]
    units = {str(item.get("variation")): str(item.get("reps_unit", "reps")) for item in exercises}
    wanted = {str(item.get("variation")): int(item.get("sets") or 0) for item in exercises}
    families_of_fit: dict[tuple[str, str], set[int]] = {}
    for ex in by_id.values():
        if ex.fit_category:
            families_of_fit.setdefault((ex.fit_category, ex.fit_name), set()).add(ex.family_no)
    found: dict[str, list[SetDone]] = {}
    unmatched: list[ActivitySet] = []
    sibling: list[tuple[int, str, str]] = []

    def pick(options: list[str]) -> str | None:
        # Two planned moves can share a FIT name (a Romanian deadlift and its one-leg
        # kin): fill them in the plan's order.
        open_ = [v for v in options if len(found.get(v, ())) < wanted[v]]
        return (open_ or options or [None])[0]

    for item in activity.sets:
        key = (item.category, item.name)
        variation = pick([v for v in planned if v in by_id and
                          (by_id[v].fit_category, by_id[v].fit_name) == key])
        if variation is None:
            families = families_of_fit.get(key, set())
            variation = pick([v for v in planned if v in by_id
                              and by_id[v].family_no in families])
            if variation is not None:
                sibling.append((item.number, item.name, variation))
        if variation is None:
            unmatched.append(item)
            continue
        found.setdefault(variation, []).append(_set_done(item, units[variation]))
    return Matched(day, {v: tuple(s) for v, s in found.items()}, tuple(unmatched),
                   tuple(v for v in planned if v not in found), tuple(sibling))


ONE_LEG_UNITS = frozenset({"reps/side", "steps/side", "steps/direction"})


def _set_done(item: ActivitySet, unit: str) -> Any:
    from planner.readers.session_log import MAX_REPS, SetDone

    if unit == "seconds":
        reps = round(item.duration_s or 0)
    else:
        reps = item.repetitions or 0
        if unit in ONE_LEG_UNITS:
            reps //= 2
    return SetDone(max(0, min(reps, MAX_REPS)), item.weight_kg)


def describe_set(item: ActivitySet) -> str:
    what = item.name or item.category or "an exercise the watch did not name"
    reps = f"{item.repetitions} reps" if item.repetitions is not None else (
        f"{item.duration_s:g} s" if item.duration_s is not None else "no reps")
    kg = f" at {item.weight_kg:g} kg" if item.weight_kg else ""
    return f"set {item.number} ({what}, {reps}{kg})"
