"""FIT workout files for the watch, read back with Garmin's own Decoder.

The files of the README's three examples are decoded and checked against the plan JSON of
the same run (not against fixed exercise choices): one file per session, CRC and
integrity, the workout message, and every step - warm-up, exercise (FIT category and
name, reps or time), rest, repeat (sets). What no test here can check is how a watch
shows and counts the workout: there is no watch on this machine.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fitdecode
import garmin_fit_sdk
import pytest
from click.testing import CliRunner
from garmin_fit_sdk import Decoder, Profile, Stream

from planner.cli import main
from planner.domain import Dose, PlannedExercise, Session
from planner.errors import InputError
from planner.readers.catalog import COLUMNS, load_catalog
from planner.renderers.fit import STEP_NAME_MAX, render_session_fit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
README_EXAMPLES = {
    "intermediate": (EXAMPLES / "intermediate-week.csv",
                     ["--level", "intermediate", "--equipment", "dumbbell,band"]),
    "beginner": (EXAMPLES / "beginner-week.csv", ["--level", "beginner", "--equipment", "none"]),
    "advanced": (EXAMPLES / "advanced-week.csv",
                 ["--level", "advanced", "--equipment", "dumbbell,kettlebell,bench,box,band"]),
}
UNILATERAL = {"reps/side", "steps/side", "steps/direction"}
TYPES = Profile["types"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def plan_with_fit(folder: Path, example: str, *extra: str) -> tuple[dict[str, Any], Path]:
    runs, options = README_EXAMPLES[example]
    folder.mkdir(parents=True, exist_ok=True)
    fit_dir, plan_json = folder / "watch", folder / "plan.json"
    code, _, err = invoke("plan", str(runs), *options, "--ics", str(folder / "plan.ics"),
                          "--json", str(plan_json), "--fit", str(fit_dir), "-q", *extra)
    assert code == 0, err
    return json.loads(plan_json.read_text(encoding="utf-8")), fit_dir


def decode(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Decode with the SDK, failing on anything but a clean, intact FIT file."""
    assert Decoder(Stream.from_byte_array(data)).is_fit()
    assert Decoder(Stream.from_byte_array(data)).check_integrity()  # header and file CRC
    messages, errors = Decoder(Stream.from_byte_array(data)).read(enable_crc_check=True)
    assert errors == []
    return messages


# The fields a watch runs a step by, as both decoders name them.
CROSS_CHECKED = ("message_index", "wkt_step_name", "duration_type", "duration_time",
                 "duration_reps", "duration_step", "repeat_steps", "target_type", "intensity",
                 "exercise_category", "exercise_name", "notes")


def decode_independently(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The same file through fitdecode, another implementation of the FIT protocol, with
    its own CRC check; messages by name, fields without a value left out."""
    messages: dict[str, list[dict[str, Any]]] = {}
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as fit:
        for frame in fit:
            if isinstance(frame, fitdecode.FitDataMessage):
                fields = {f.name: f.value for f in frame.fields if f.value is not None}
                messages.setdefault(frame.name, []).append(fields)
    return messages


def exercise_name(category: str, number: int) -> str:
    return TYPES[f"{category}_exercise_name"][number]


def read_steps(steps: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Interpret decoded workout steps as (warm-up, exercises), each exercise with what a
    watch would run: category/name, reps or seconds, rest and the number of sets."""
    assert [s["message_index"] for s in steps] == list(range(len(steps)))
    warmup = steps[0] if steps and steps[0].get("intensity") == "warmup" else None
    exercises: list[dict[str, Any]] = []
    for step in steps[1 if warmup else 0:]:
        if step["duration_type"] == "repeat_until_steps_cmplt":
            current = exercises[-1]
            assert step["duration_step"] == current["index"]  # loops back to the exercise
            assert current["sets"] == 1, "one repeat step per exercise"
            current["sets"] = step["repeat_steps"]
        elif step["intensity"] == "rest":
            assert exercises and exercises[-1]["rest_s"] == 0, "one rest step per exercise"
            assert step["duration_type"] == "time"
            exercises[-1]["rest_s"] = step["duration_time"]
        else:
            assert step["intensity"] == "active"
            category = step.get("exercise_category")
            exercises.append({
                "index": step["message_index"],
                "step_name": step["wkt_step_name"],
                "notes": step.get("notes", ""),
                "fit": (category, exercise_name(category, step["exercise_name"]))
                if category else None,
                "duration_type": step["duration_type"],
                "count": step.get("duration_reps", step.get("duration_time")),
                "rest_s": 0,
                "sets": 1,
            })
    return warmup, exercises


def check_file_against_json(data: bytes, session: dict[str, Any], plan: dict[str, Any],
                            catalog_by_id: dict[str, Any]) -> None:
    messages = decode(data)
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["type"] == "workout"
    assert file_id["manufacturer"] == "development"
    start = datetime.combine(date.fromisoformat(session["date"]),
                             time.fromisoformat(session["start"]), tzinfo=ZoneInfo(plan["tz"]))
    assert file_id["time_created"] == start.astimezone(timezone.utc)

    (workout,) = messages["workout_mesgs"]
    steps = messages["workout_step_mesgs"]
    kind = "main" if session["intensity"] == "heavy" else "light"
    assert workout["sport"] == "training"
    assert workout["sub_sport"] == "strength_training"
    assert workout["num_valid_steps"] == len(steps)
    assert kind in workout["wkt_name"]

    other = decode_independently(data)
    assert list(other) == ["file_id", "workout", "workout_step"]
    assert other["file_id"][0]["time_created"] == file_id["time_created"]
    assert other["workout"][0]["wkt_name"] == workout["wkt_name"]
    for theirs, ours in zip(other["workout_step"], steps, strict=True):
        for key in CROSS_CHECKED:
            assert theirs.get(key) == ours.get(key), (key, ours)

    warmup, exercises = read_steps(steps)
    assert warmup is not None
    assert warmup["duration_type"] == "time"
    assert warmup["duration_time"] == session["warmup_minutes"] * 60

    assert len(exercises) == len(session["exercises"])
    for got, want in zip(exercises, session["exercises"], strict=True):
        row = catalog_by_id[want["id"]]
        assert got["fit"] == (row.fit_category, row.fit_name), want["id"]
        assert got["sets"] == want["sets"], want["id"]
        assert got["rest_s"] == want["rest_s"], want["id"]
        name = got["step_name"]
        assert len(name) <= STEP_NAME_MAX and name.isascii(), name
        if want["reps_unit"] == "seconds":
            assert (got["duration_type"], got["count"]) == ("time", want["reps"]), want["id"]
        elif want["reps_unit"] in UNILATERAL:
            # The watch counts both legs; the name keeps the plan's per-side count.
            assert (got["duration_type"], got["count"]) == ("reps", 2 * want["reps"])
            assert re.search(rf"\b{want['reps']}/(side|dir)$", name), name
        else:
            assert (got["duration_type"], got["count"]) == ("reps", want["reps"]), want["id"]
        assert got["notes"].startswith(f"{want['sets']} x {want['reps']} {want['reps_unit']}")


@pytest.fixture(scope="module")
def catalog_by_id() -> dict[str, Any]:
    return load_catalog().by_id()


@pytest.mark.parametrize("example", sorted(README_EXAMPLES))
def test_readme_examples_decode_and_match_the_plan_json(
        tmp_path: Path, example: str, catalog_by_id: dict[str, Any]) -> None:
    plan, fit_dir = plan_with_fit(tmp_path, example)
    sessions = [s for week in plan["weeks"] for s in week["sessions"]]
    assert sessions, "the README examples all plan at least one session"
    kinds = {"heavy": "main", "light": "light"}
    expected = {f"{s['date']}-{kinds[s['intensity']]}.fit": s for s in sessions}
    assert sorted(p.name for p in fit_dir.iterdir()) == sorted(expected)
    for name, session in expected.items():
        check_file_against_json((fit_dir / name).read_bytes(), session, plan, catalog_by_id)


def test_same_input_gives_byte_identical_fit_files(tmp_path: Path) -> None:
    runs = []
    for n in range(2):
        _, fit_dir = plan_with_fit(tmp_path / str(n), "advanced", "--tz", "Europe/London")
        runs.append({p.name: p.read_bytes() for p in sorted(fit_dir.iterdir())})
    assert runs[0] and runs[0] == runs[1]


def test_fit_pointing_at_a_file_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "watch"
    target.write_bytes(b"not a folder")
    runs, options = README_EXAMPLES["intermediate"]
    ics, plan_json = tmp_path / "plan.ics", tmp_path / "plan.json"
    code, out, err = invoke("plan", str(runs), *options, "--ics", str(ics), "--json",
                            str(plan_json), "--fit", str(target))
    assert code == 2
    assert str(target) in err and "Traceback" not in err + out
    assert not ics.exists() and not plan_json.exists()
    assert target.read_bytes() == b"not a folder"


def test_fit_folder_under_a_file_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    runs, options = README_EXAMPLES["intermediate"]
    ics = tmp_path / "plan.ics"
    code, out, err = invoke("plan", str(runs), *options, "--ics", str(ics),
                            "--fit", str(blocker / "watch"))
    assert code == 2
    assert str(blocker / "watch") in err and "Traceback" not in err + out
    assert not ics.exists()


def test_an_earlier_plans_files_are_kept_and_reported(tmp_path: Path) -> None:
    fit_dir = tmp_path / "x" / "watch"
    fit_dir.mkdir(parents=True)
    old = fit_dir / "2020-01-06-main.fit"
    old.write_bytes(b"old")
    runs, options = README_EXAMPLES["beginner"]
    code, out, err = invoke("plan", str(runs), *options, "--ics", str(tmp_path / "p.ics"),
                            "--fit", str(fit_dir), "-q")
    assert code == 0
    assert "2020-01-06-main.fit" in err and "did not write" in err
    assert old.read_bytes() == b"old"
    assert re.search(r"\d+ FIT workouts? in ", out)


def write_squad(tmp_path: Path) -> tuple[Path, Path]:
    roster, runs = tmp_path / "roster.csv", tmp_path / "runs.csv"
    roster.write_text("athlete,level,equipment,tz\nZoë Müller,intermediate,dumbbell;band,"
                      "Europe/Berlin\nSam Lee,beginner,,UTC\n", encoding="utf-8")
    week = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]
    lines = ["athlete,date,run,minutes"] + [
        f"{name},2027-01-{4 + n:02d},{week[n]},40" for name in ("Zoë Müller", "Sam Lee")
        for n in range(7)]
    runs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return roster, runs


def batch_fit(roster: Path, runs: Path, out: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["batch", str(roster), str(runs), "--out", str(out),
                                       "--jobs", "1", "--fit"])
    return result.exit_code, result.stdout, result.stderr


def test_batch_fit_writes_each_athletes_workouts_in_their_folder(tmp_path: Path) -> None:
    roster, runs = write_squad(tmp_path)
    out = tmp_path / "plans"
    code, stdout, stderr = batch_fit(roster, runs, out)
    assert code == 0, stderr
    assert "FIT workouts in" in stdout
    catalog = load_catalog().by_id()
    for stem in ("Zoë-Müller", "Sam-Lee"):
        plan = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        sessions = {s["date"]: s for week in plan["weeks"] for s in week["sessions"]}
        files = sorted((out / f"{stem}-fit").iterdir())
        assert [p.name[:10] for p in files] == sorted(sessions)
        for path in files:
            check_file_against_json(path.read_bytes(), sessions[path.name[:10]], plan, catalog)


def test_batch_fit_folder_taken_by_a_file_fails_that_athlete_only(tmp_path: Path) -> None:
    roster, runs = write_squad(tmp_path)
    out = tmp_path / "plans"
    out.mkdir()
    (out / "Sam-Lee-fit").write_text("mine")
    code, _, stderr = batch_fit(roster, runs, out)
    assert code == 4
    assert "Sam Lee" in stderr and str(out / "Sam-Lee-fit") in stderr
    assert "Traceback" not in stderr
    assert (out / "Sam-Lee-fit").read_text() == "mine"
    assert any((out / "Zoë-Müller-fit").iterdir())


# --- the catalog's FIT names ----------------------------------------------------------------


def test_sdk_is_the_pinned_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pins = re.findall(r'"(garmin-fit-sdk[^"]*)"', pyproject)
    assert pins == [f"garmin-fit-sdk=={garmin_fit_sdk.__version__}"]


def test_every_catalog_row_names_an_exercise_of_the_pinned_profile() -> None:
    categories = TYPES["exercise_category"]
    catalog = load_catalog()
    assert COLUMNS[-2:] == ("fit_category", "fit_name")
    for ex in catalog.exercises:
        assert ex.fit_category in categories.values(), ex.id
        names = TYPES.get(f"{ex.fit_category}_exercise_name", {})
        assert ex.fit_name in names.values(), (ex.id, ex.fit_category, ex.fit_name)


def _catalog_text(mutate) -> str:
    lines = (ROOT / "catalog.csv").read_text(encoding="utf-8").splitlines()
    return "\n".join(mutate(lines)) + "\n"


def test_a_name_not_in_the_profile_is_reported_with_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(_catalog_text(
        lambda lines: [lines[0], lines[1].rsplit(",", 1)[0] + ",sqaut", *lines[2:]]),
        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalog(path)
    assert (caught.value.row, caught.value.field) == (2, "fit_name")
    assert "squat_exercise_name" in str(caught.value) and "did you mean squat" in str(caught.value)


def test_a_catalog_without_the_fit_columns_still_loads_and_renders(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(_catalog_text(
        lambda lines: [line.rsplit(",", 2)[0] for line in lines]), encoding="utf-8")
    catalog = load_catalog(path)
    ex = catalog.exercises[0]
    assert (ex.fit_category, ex.fit_name) == ("", "")
    session = Session(date(2027, 3, 2), time(18, 0), 30, "heavy",
                      (PlannedExercise(ex, Dose(ex.id, 2, 8, 0, 0, 0), 60, 5),))
    steps = decode(render_session_fit(session))["workout_step_mesgs"]
    assert "exercise_category" not in steps[1] and steps[1]["duration_reps"] == 8


# --- edge cases of the step layout ------------------------------------------------------------


def test_one_set_no_rest_no_warmup_and_timed_holds(catalog_by_id: dict[str, Any]) -> None:
    hop = catalog_by_id["low-pogo-hop"]
    squat = replace(catalog_by_id["goblet-squat"], cue="Knees out – chest up × calm ✓")
    session = Session(date(2027, 3, 4), time(7, 30), 20, "light", (
        PlannedExercise(hop, Dose(hop.id, 3, 15, 0, 0, 0), 60, 4),
        PlannedExercise(squat, Dose(squat.id, 1, 10, 1, 0, 0), 0, 3),
    ), warmup_minutes=0)
    messages = decode(render_session_fit(session, athlete="Zoë", tz="Europe/Berlin"))
    warmup, exercises = read_steps(messages["workout_step_mesgs"])
    assert warmup is None
    assert [(e["duration_type"], e["count"], e["rest_s"], e["sets"]) for e in exercises] == [
        ("time", 15, 60, 3), ("reps", 10, 0, 1)]
    notes = exercises[1]["notes"]
    assert notes.isascii() and "Knees out - chest up x calm" in notes
    assert messages["workout_mesgs"][0]["wkt_name"] == "Legs light Thu 4 Mar"
    assert messages["file_id_mesgs"][0]["time_created"] == datetime(2027, 3, 4, 6, 30,
                                                                     tzinfo=timezone.utc)


def test_every_catalog_variation_renders_and_reads_back(catalog_by_id: dict[str, Any]) -> None:
    planned = tuple(PlannedExercise(ex, Dose(ex.id, 2, ex.reps_max, 0, 0, 0), ex.rest_min_s, 4)
                    for ex in catalog_by_id.values())
    session = Session(date(2027, 3, 2), time(18, 0), 240, "heavy", planned)
    _, exercises = read_steps(decode(render_session_fit(session))["workout_step_mesgs"])
    for got, item in zip(exercises, planned, strict=True):
        ex = item.exercise
        assert got["fit"] == (ex.fit_category, ex.fit_name)
        assert len(got["step_name"]) <= STEP_NAME_MAX and got["step_name"].isascii()
        per_side = f" {ex.reps_max}/" if ex.reps_unit in UNILATERAL else ""
        assert per_side in got["step_name"], got["step_name"]
