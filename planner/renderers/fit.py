"""Render each strength session of a `Plan` as a Garmin FIT workout file for the watch.

One file per session, named `<date>-<kind>.fit` (`2027-03-02-main.fit`, `2027-03-04-light.fit`;
"main" is the runner's word for a heavy session). Each file holds, in this order:

* file_id: type workout, manufacturer development, product 0, a serial number made from the
  athlete's name and time_created = the session's start (its date and time in the plan's
  time zone). Nothing comes from the clock, so the same plan gives byte-identical files,
  and two sessions never share a file_id (which devices and Garmin Connect use to tell
  files apart).
* workout: sport training, sub_sport strength_training, the session's name
  (`Legs main Tue 2 Mar`), the number of steps, and the reps-in-reserve and safety lines as
  its description.
* workout_step, in message_index order:
  - a warm-up step: the session's warm-up minutes as a time duration, intensity warmup;
  - per exercise: the exercise step (exercise_category and exercise_name from the catalog's
    fit_category/fit_name, a short ASCII step name, intensity active, target open, and
    the dose in `notes`), duration_type reps with the reps as duration_value, or, for timed
    holds and hops (reps_unit "seconds"), duration_type time;
    then a rest step (duration_type time, the prescribed rest, intensity rest);
    then a repeat step (repeat_until_steps_cmplt back to the exercise step, target_value =
    the number of sets). One set has no repeat step, no rest has no rest step.

Unilateral exercises (reps_unit reps/side, steps/side, steps/direction): the watch counts
every rep it sees, whichever leg does it, so the step's rep target is the total, reps x 2,
and the step name says what the plan says, `8/side` (or `11/dir`), so the runner reads the
prescription and the watch counts the whole set.

Encoding uses the Encoder of Garmin's official SDK (`garmin-fit-sdk`, pinned in
pyproject.toml). Its `write_mesg` takes main field names only, not sub-field names, so
duration_value and target_value carry raw numbers: milliseconds for a time, the count for
reps, the step index and set count for a repeat (the profile's duration_time,
duration_reps, duration_step and repeat_steps sub-fields, which the Decoder expands back).

Pure function of the plan: no solver import, no clock, no randomness.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from garmin_fit_sdk import Encoder, Profile

from planner.domain import (
    SAFETY_LINE,
    WEEKDAYS,
    Plan,
    PlannedExercise,
    Session,
)
from planner.planning.loads import load_words
from planner.planning.wording import EASY_MOVEMENT_MINUTES, effort_cue, shown_name, tempo_words
from planner.readers.fit_profile import fit_exercise_numbers

KIND_WORDS: dict[str, str] = {"heavy": "main", "light": "light"}
# The names fit_file_names gives, so the CLI can spot an earlier plan's files in a folder.
FIT_FILE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}-[a-z]+(?:-\d+)?\.fit")
# The watch counts reps of either leg; the step name keeps the plan's per-side number.
UNILATERAL_SUFFIX: dict[str, str] = {"reps/side": "side", "steps/side": "side",
                                     "steps/direction": "dir"}
TIMED_UNIT = "seconds"
STEP_NAME_MAX = 26  # characters: about one line of a watch's workout screen
WORKOUT_NAME_MAX = 24
# The season's phase in a workout name (planner.domain.PHASES), every week.
PHASE_TAGS = {"build": "Build", "maintain": "Hold", "taper": "Taper", "race": "Race",
              "return": "Return"}
NOTES_MAX_BYTES = 200  # a FIT field holds at most 255 bytes, terminator included
WARMUP_STEP_NAME = "Warm-up"
WARMUP_DRILLS = "squats, hinges, bridges, calf raises, band walks; 1-2 light practice sets."
WARMUP_AFTER_RUN_NOTES = f"Drills only, your run was the easy movement: {WARMUP_DRILLS}"
REST_STEP_NAME = "Rest"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MANUFACTURER = "development"  # 255: the profile's value for makers without a registered id
PRODUCT = 0

# Words shortened (case-insensitively, in this order) so a step name fits a watch screen.
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"\bdumbbell or (?:double-)?kettlebell\b", "DB/KB"),
    (r"\bromanian deadlift\b", "RDL"),
    (r"\b(?:bodyweight|two-leg|stationary)\s+", ""),
    (r"\bsingle-leg\b", "SL"),
    (r"\bfront-foot-elevated\b", "FFE"),
    (r"\bfront-rack kettlebell\b", "KB rack"),
    (r"\bband-around-the-feet\b", "Feet-band"),
    (r"\bband above-knee\b", "Knee-band"),
    (r"\bdumbbell\b", "DB"),
    (r"\bkettlebell\b", "KB"),
    (r"\bweighted\b", "Wtd"),
    (r"\balternating\b", "Alt"),
    (r"\bwith knee drive\b", "+ knee"),
    (r"\bfrom mid-shin range\b", "mid-shin"),
    (r"\bcalf raise from a step\b", "step calf raise"),
    (r"\bbulgarian split squat\b", "Bulgarian SS"),
    (r"\bwalking\b", "walk"),
    (r"\breverse\b", "rev"),
    (r"\blateral lunge\b", "side lunge"),
    (r"\bseated calf raise\b", "seated calf"),
)
_ASCII_REPLACEMENTS = {"–": "-", "—": "-", "×": "x", "·": "-", "’": "'", "…": "..."}

# Global message numbers, looked up by name in the SDK's profile.
_MESG_NUM = {name: number for number, name in Profile["types"]["mesg_num"].items()}
FILE_ID, WORKOUT, WORKOUT_STEP = (_MESG_NUM[n] for n in ("file_id", "workout", "workout_step"))


def session_kind(session: Session) -> str:
    """The runner's word for the session: "main" (heavy) or "light"."""
    return KIND_WORDS.get(session.intensity, session.intensity)


def fit_file_names(sessions: Iterable[Session]) -> list[str]:
    """`2027-03-02-main.fit` for each session, in the given order; a second session of the
    same day and kind (not something the planner makes) gets `-2`, so names never clash."""
    names, seen = [], set()
    for session in sessions:
        stem = f"{session.date.isoformat()}-{session_kind(session)}"
        name, n = f"{stem}.fit", 2
        while name in seen:
            name, n = f"{stem}-{n}.fit", n + 1
        seen.add(name)
        names.append(name)
    return names


def render_fit_files(plan: Plan) -> list[tuple[str, bytes]]:
    """(file name, FIT bytes) for every session of the plan, in date order."""
    pairs = sorted(((s, week) for week in plan.weeks for s in week.sessions),
                   key=lambda pair: (pair[0].date, pair[0].start))
    sessions = [session for session, _ in pairs]
    return [(name, render_session_fit(session, athlete=plan.athlete, tz=plan.tz,
                                      phase=week.phase, deload=week.deload))
            for name, (session, week) in zip(fit_file_names(sessions), pairs, strict=True)]


def render_session_fit(session: Session, *, athlete: str = "runner", tz: str = "UTC",
                       phase: str = "", deload: bool = False) -> bytes:
    """One session as a FIT workout file (bytes, CRC included)."""
    steps = workout_steps(session)
    encoder = Encoder()
    encoder.write_mesg({
        "mesg_num": FILE_ID,
        "type": "workout",
        "manufacturer": MANUFACTURER,
        "product": PRODUCT,
        "serial_number": serial_number(athlete),
        "time_created": time_created(session, tz),
    })
    encoder.write_mesg({
        "mesg_num": WORKOUT,
        "wkt_name": workout_name(session, phase=phase, deload=deload),
        "sport": "training",
        "sub_sport": "strength_training",
        "num_valid_steps": len(steps),
        "wkt_description": _fit_text(f"{effort_cue(session.intensity)} {SAFETY_LINE}",
                                     NOTES_MAX_BYTES),
    })
    for step in steps:
        encoder.write_mesg({"mesg_num": WORKOUT_STEP, **step})
    return encoder.close()


def warmup_notes(session: Session) -> str:
    """The warm-up in the minutes the step lasts: drills only straight after a run, else
    5 minutes of the article's easy movement and the rest drills."""
    if session.after_run:
        return WARMUP_AFTER_RUN_NOTES
    movement = min(EASY_MOVEMENT_MINUTES, session.warmup_minutes)
    drills = session.warmup_minutes - movement
    then = f"then {drills} min drills" if drills else "then drills"
    return f"{movement} min easy movement (walk, jog, bike, mobility), {then}: {WARMUP_DRILLS}"


def workout_steps(session: Session) -> list[dict[str, Any]]:
    """The workout_step messages' fields (without mesg_num), message_index 0, 1, …"""
    steps: list[dict[str, Any]] = []
    if session.warmup_minutes > 0:
        steps.append({
            "wkt_step_name": WARMUP_STEP_NAME,
            "duration_type": "time",
            "duration_value": session.warmup_minutes * 60 * 1000,
            "target_type": "open",
            "intensity": "warmup",
            "notes": warmup_notes(session),
        })
    for planned in session.exercises:
        first = len(steps)
        steps.append(exercise_step(planned))
        if planned.rest_s > 0:
            steps.append({
                "wkt_step_name": REST_STEP_NAME,
                "duration_type": "time",
                "duration_value": planned.rest_s * 1000,
                "target_type": "open",
                "intensity": "rest",
            })
        if planned.dose.sets > 1:
            steps.append({
                "duration_type": "repeat_until_steps_cmplt",
                "duration_value": first,  # duration_step: the step to go back to
                "target_value": planned.dose.sets,  # repeat_steps: how many sets in all
            })
    for index, step in enumerate(steps):
        step["message_index"] = index
    return steps


def exercise_step(planned: PlannedExercise) -> dict[str, Any]:
    exercise, dose = planned.exercise, planned.dose
    step: dict[str, Any] = {"wkt_step_name": step_name(planned)}
    if exercise.reps_unit == TIMED_UNIT:
        step.update(duration_type="time", duration_value=dose.reps * 1000)
    else:
        step.update(duration_type="reps", duration_value=watch_reps(planned))
    step.update(target_type="open", intensity="active")
    if exercise.fit_category and exercise.fit_name:
        category, name = fit_exercise_numbers(exercise.fit_category, exercise.fit_name)
        step.update(exercise_category=category, exercise_name=name)
    if planned.weight_kg is not None and dose.load:
        # The profile's exercise_weight is kg with scale 100 (the Encoder applies it): the
        # weight of one implement, as the plan names it ("8 kg per hand" is 8).
        step.update(exercise_weight=planned.weight_kg, weight_display_unit="kilogram")
    step["notes"] = _fit_text(step_notes(planned), NOTES_MAX_BYTES)
    return step


def watch_reps(planned: PlannedExercise) -> int:
    """The rep target the watch counts: both sides of a unilateral exercise."""
    factor = 2 if planned.exercise.reps_unit in UNILATERAL_SUFFIX else 1
    return planned.dose.reps * factor


def step_name(planned: PlannedExercise) -> str:
    """`Goblet squat`, `SL RDL 8/side`, `Monster walk 11/dir`: at most STEP_NAME_MAX ASCII
    characters; the per-side count is kept whole, the name is shortened to fit."""
    exercise = planned.exercise
    side = UNILATERAL_SUFFIX.get(exercise.reps_unit)
    suffix = f" {planned.dose.reps}/{side}" if side else ""
    name = shown_name(exercise, planned.equipment_used)  # the name the calendar gives it
    return _shorten(short_exercise_name(name), STEP_NAME_MAX - len(suffix)) + suffix


def short_exercise_name(name: str) -> str:
    """The catalog's name with long words abbreviated (DB, KB, SL, RDL…), ASCII only."""
    text = name
    for pattern, replacement in _ABBREVIATIONS:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    text = " ".join(text.split())
    return _ascii(text[:1].upper() + text[1:])


def step_notes(planned: PlannedExercise) -> str:
    """`3 x 8 reps/side, rest 90 s, 8 kg per hand, slow 3-s lowering, full range. Cue: ...`
    (at the heaviest owned weight, what to do next comes before the cue)."""
    exercise, dose = planned.exercise, planned.dose
    parts = [f"{dose.sets} x {dose.reps} {exercise.reps_unit}", f"rest {planned.rest_s} s"]
    if dose.load:
        parts.append(f"load {load_words(planned, effort='short')}")
    parts += [tempo_words(planned), planned.range_label]
    text = ", ".join(parts) + "."
    if planned.next_step:
        text += f" {planned.next_step}"
    return f"{text} {exercise.cue}" if exercise.cue else text


def workout_name(session: Session, *, phase: str = "", deload: bool = False) -> str:
    """`Build legs main 2 Mar`: phase, kind and the day, so a watch's list tells them apart.
    Every week says its phase first, in place of the weekday (the name has 24 characters):
    `Build legs main 2 Mar`, `Race legs light 21 Apr`, `Hold legs main 30 Mar` (maintain),
    `Deload legs main 22 Mar` (a step-back week). English day and month names whatever the
    machine's locale (strftime's are not)."""
    day = session.date
    tag = "Deload" if deload and phase == "build" else PHASE_TAGS.get(phase, "")
    when = f"{day.day} {_MONTHS[day.month - 1]}"
    if tag:
        return _shorten(f"{tag} legs {session_kind(session)} {when}", WORKOUT_NAME_MAX)
    return _shorten(f"Legs {session_kind(session)} {WEEKDAYS[day.weekday()]} {when}",
                    WORKOUT_NAME_MAX)


def time_created(session: Session, tz: str) -> datetime:
    """The session's start in the plan's time zone, as UTC: fixed for a given plan."""
    try:
        zone: ZoneInfo | timezone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc
    start = datetime.combine(session.date, session.start, tzinfo=zone)
    return start.astimezone(timezone.utc)


def serial_number(athlete: str) -> int:
    """A stable, non-zero 32-bit number from the athlete's name (uint32z: 0 is invalid)."""
    return zlib.crc32(f"runstrong:{athlete}".encode()) or 1


def _ascii(text: str) -> str:
    """Watch fonts are not all Unicode: map dashes and signs, drop accents, keep ASCII."""
    for char, replacement in _ASCII_REPLACEMENTS.items():
        text = text.replace(char, replacement)
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _shorten(text: str, limit: int) -> str:
    """Cut at a word boundary to at most `limit` characters (mid-word only if one word)."""
    text = _ascii(text)
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut[:limit].rstrip(" -/,")


def _fit_text(text: str, max_bytes: int) -> str:
    """ASCII text of at most `max_bytes` bytes, cut at a word boundary with "..."."""
    text = _ascii(text)
    if len(text) <= max_bytes:
        return text
    return _shorten(text, max_bytes - 3) + "..."


def fit_zip(files: list[tuple[str, bytes]]) -> bytes:
    """The workout files as one zip (for a download), byte-identical for the same files."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
