"""The catalog: the article's 13 exercises as ladders of variations, and its validator.

Rule ids (H6, H8, S1, S4) refer to ../shared/RULES.md.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import ASSUMED_EQUIPMENT, LEVELS, Exercise
from planner.errors import InputError
from planner.readers.catalog import COLUMNS, Catalog, default_catalog_path, load_catalog

REPO = Path(__file__).resolve().parents[1]
CATALOG_CSV = REPO / "catalog.csv"
ARTICLE = REPO.parent / "shared" / "seed" / "leg-exercises-for-runners.txt"
H8_NEEDS: dict[str, frozenset[str]] = {
    "squat or lunge": frozenset({"squat", "lunge"}),
    "hip hinge": frozenset({"hinge"}),
    "step-up or single-leg move": frozenset({"single-leg"}),
    "calf work": frozenset({"calf"}),
    "hip-stability drill": frozenset({"hip-stability"}),
}
CORE_FAMILIES = frozenset({1, 2, 4, 5, 7, 8})


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _rank(level: str) -> int:
    return LEVELS.index(level)


def _bodyweight(exercise: Exercise) -> bool:
    """Doable with nothing but what every home has (floor, wall, step, chair)."""
    return all(any(item in ASSUMED_EQUIPMENT for item in requirement)
               for requirement in exercise.equipment)


def _no_equipment_options(catalog: Catalog, level: str, intensity: str) -> list[Exercise]:
    return [ex for ex in catalog.exercises
            if _rank(ex.level) <= _rank(level) and _bodyweight(ex)
            and intensity in ex.sessions and not ex.plyometric]


# --- the real catalog ----------------------------------------------------------------------


def test_real_catalog_loads_from_the_default_path(catalog: Catalog) -> None:
    assert default_catalog_path() == CATALOG_CSV
    assert catalog.path == str(CATALOG_CSV)
    assert 45 <= len(catalog.exercises) <= 70
    assert len(catalog.by_id()) == len(catalog.exercises)


def test_catalog_file_is_plain_utf8_csv_with_the_documented_header() -> None:
    raw = CATALOG_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw
    assert raw.decode("utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_all_thirteen_families_are_present(catalog: Catalog) -> None:
    assert catalog.family_nos() == tuple(range(1, 14))
    titles = {ex.family_no: ex.family for ex in catalog.exercises}
    assert titles[1] == "Goblet Squat"
    assert titles[8] == "Hip Thrust or Glute Bridge"
    assert titles[13] == "Pogo Hop or Squat Jump"


@pytest.mark.parametrize("family_no", range(1, 14))
def test_each_family_ladder_is_one_chain_rising_in_level(catalog: Catalog,
                                                         family_no: int) -> None:
    ladder = catalog.family(family_no)
    assert ladder[0].easier == "" and ladder[-1].harder == ""
    for easier, harder in pairwise(ladder):
        assert easier.harder == harder.id and harder.easier == easier.id
        assert _rank(easier.level) <= _rank(harder.level)
    assert {ex.id for ex in ladder} == {ex.id for ex in catalog.exercises
                                        if ex.family_no == family_no}


def test_exercises_are_sorted_by_family_then_ladder(catalog: Catalog) -> None:
    expected = tuple(ex for no in catalog.family_nos() for ex in catalog.family(no))
    assert catalog.exercises == expected


def test_every_family_but_walking_lunge_and_plyometrics_has_a_beginner_rung(
        catalog: Catalog) -> None:
    with_beginner = {ex.family_no for ex in catalog.exercises if ex.level == "beginner"}
    assert with_beginner == set(range(1, 14)) - {3, 13}


def test_shared_easier_variations_appear_in_one_family_only(catalog: Catalog) -> None:
    by_id = catalog.by_id()
    assert by_id["split-squat"].family_no == 4
    assert catalog.family(4)[0].id == "split-squat"
    assert by_id["kickstand-rdl"].family_no == 6
    names = [ex.name.lower() for ex in catalog.exercises]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("level", LEVELS)
def test_h8_every_pattern_has_a_bodyweight_option_for_a_heavy_session(catalog: Catalog,
                                                                      level: str) -> None:
    beginner_rows = _no_equipment_options(catalog, "beginner", "heavy")
    usable = _no_equipment_options(catalog, level, "heavy")
    for need, patterns in H8_NEEDS.items():
        assert any(set(ex.patterns) & patterns for ex in beginner_rows), need
        assert any(set(ex.patterns) & patterns for ex in usable), need


@pytest.mark.parametrize("level", LEVELS)
def test_light_session_has_at_least_four_bodyweight_options(catalog: Catalog,
                                                            level: str) -> None:
    usable = _no_equipment_options(catalog, "beginner", "light")
    assert len(usable) >= 4
    # The planner picks one variation per family, so four families, not four rows (H2).
    assert len({ex.family_no for ex in usable}) >= 4
    assert len(_no_equipment_options(catalog, level, "light")) >= len(usable)


def test_s1_soleus_gets_direct_work(catalog: Catalog) -> None:
    # "Straight-knee calf raises emphasize the upper calf more, while bent-knee calf raises
    # shift more work toward the soleus": only the bent-knee raise claims the soleus.
    soleus = [ex for ex in catalog.exercises if "soleus" in ex.primary + ex.secondary]
    assert soleus
    assert all(ex.family_no == 10 and ex.primary == ("soleus",) for ex in soleus)
    assert {ex.family_no for ex in soleus} == {10}
    assert "soleus" not in catalog.by_id()["wall-calf-raise"].primary
    # S1 can still be met: a bodyweight bent-knee raise fits a light session.
    assert any("light" in ex.sessions and not ex.loaded for ex in soleus)


def test_s1_every_muscle_group_is_trained_somewhere(catalog: Catalog) -> None:
    from planner.domain import MUSCLES

    trained = {muscle for ex in catalog.exercises for muscle in ex.primary + ex.secondary}
    assert trained == set(MUSCLES)


def test_only_family_thirteen_is_plyometric(catalog: Catalog) -> None:
    plyometric = {ex.family_no for ex in catalog.exercises if ex.plyometric}
    assert plyometric == {13}
    assert all(ex.plyometric for ex in catalog.family(13))


def test_h6_plyometric_levels(catalog: Catalog) -> None:
    by_id = catalog.by_id()
    assert by_id["low-pogo-hop"].level == "intermediate"
    assert by_id["low-pogo-hop"].sessions == ("heavy", "light")
    for jump in ("squat-jump", "low-level-bounds", "single-leg-pogo-hop"):
        assert by_id[jump].level == "advanced"
        assert by_id[jump].sessions == ("heavy",)
    intermediate_jumps = [ex.id for ex in catalog.family(13) if ex.level != "advanced"]
    assert intermediate_jumps == ["low-pogo-hop"]


def test_pogo_rows_are_timed_and_jump_rows_counted(catalog: Catalog) -> None:
    for ex in catalog.family(13):
        if "pogo" in ex.id:
            assert (ex.reps_min, ex.reps_max, ex.reps_unit) == (10, 20, "seconds")
        else:
            assert (ex.reps_min, ex.reps_max, ex.reps_unit) == (3, 6, "reps")
        assert (ex.sets_min, ex.sets_max, ex.rest_min_s, ex.rest_max_s) == (2, 4, 60, 120)


@pytest.mark.parametrize(("family_no", "numbers"), [
    (1, (2, 4, 6, 12, "reps", 60, 120)),  # goblet squat
    (4, (2, 4, 6, 10, "reps/side", 90, 150)),  # Bulgarian split squat
    (9, (2, 4, 10, 20, "reps", 45, 90)),  # standing calf raise
    (11, (2, 3, 8, 15, "steps/direction", 30, 60)),  # lateral band walk
])
def test_prescriptions_match_the_article(catalog: Catalog, family_no: int,
                                         numbers: tuple[object, ...]) -> None:
    for ex in catalog.family(family_no):
        expected = numbers
        if ex.id.startswith("single-leg") or "-single-leg-" in ex.id:
            # A single-leg variation's count is per leg, which the session clock must know.
            expected = (*numbers[:4], "reps/side", *numbers[5:])
        assert (ex.sets_min, ex.sets_max, ex.reps_min, ex.reps_max, ex.reps_unit,
                ex.rest_min_s, ex.rest_max_s) == expected, ex.id


def test_s4_core_lifts_are_the_big_families(catalog: Catalog) -> None:
    for ex in catalog.exercises:
        assert ex.role == ("core" if ex.family_no in CORE_FAMILIES else "accessory"), ex.id


def test_loaded_rows_name_their_load_and_bands_do_not_count_as_load(catalog: Catalog) -> None:
    loads = {"dumbbell", "kettlebell", "barbell", "machine"}
    for ex in catalog.exercises:
        items = {item for requirement in ex.equipment for item in requirement}
        assert ex.loaded == bool(items & loads), ex.id
    assert not catalog.by_id()["banded-glute-bridge"].loaded


def test_light_rows_are_the_articles_light_session(catalog: Catalog) -> None:
    # "The second session can be lighter and focus on single-leg control, lateral band
    # walks, glute bridges, and low-level pogo hops" — plus calf work, and the lateral lunge
    # as a band-free hip drill. Squats, lunges, step-ups and deadlifts are main-session work.
    light_families = {6, 8, 9, 10, 11, 12, 13}
    for ex in catalog.exercises:
        if "light" in ex.sessions:
            assert ex.family_no in light_families, ex.id
            assert ex.level == "advanced" or not (ex.loaded and ex.family_no != 8), ex.id
    for family in light_families:
        assert any("light" in ex.sessions and not ex.loaded for ex in catalog.family(family))


# --- fidelity to the article (skipped where the seed article is not checked out) -----------


@pytest.fixture(scope="module")
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"seed article not found at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")


def _section(article: str, family_no: int) -> str:
    start = re.search(rf"^{family_no}\. .+$", article, re.M)
    assert start is not None
    end = re.search(rf"^{family_no + 1}\. .+$|^Sample Leg Workout", article[start.end():], re.M)
    assert end is not None
    return article[start.start():start.end() + end.start()]


@pytest.mark.parametrize("family_no", range(1, 14))
def test_quotes_come_from_the_article(catalog: Catalog, article: str, family_no: int) -> None:
    section = _section(article, family_no)
    steps = tuple(line[2:] for line in section.splitlines() if line.startswith("- "))
    for ex in catalog.family(family_no):
        assert section.splitlines()[0] == f"{family_no}. {ex.family}"
        assert ex.cue in section, ex.id
        assert ex.how_to == steps, ex.id
        assert f"Common mistakes: {ex.mistakes}\n" in section, ex.id
        assert f"Expert tip: {ex.tip}\n" in section, ex.id


@pytest.mark.parametrize("family_no", range(1, 13))
def test_numbers_come_from_the_article(catalog: Catalog, article: str, family_no: int) -> None:
    section = _section(article, family_no)
    dose = re.search(r"Do (\d+)–(\d+) sets of (\d+)–(\d+) ", section)
    rest = re.search(r"Rest (\d+)–(\d+) seconds", section)
    assert dose is not None and rest is not None
    expected = tuple(int(n) for n in dose.groups() + rest.groups())
    for ex in catalog.family(family_no):
        assert (ex.sets_min, ex.sets_max, ex.reps_min, ex.reps_max,
                ex.rest_min_s, ex.rest_max_s) == expected, ex.id


# --- the validator -------------------------------------------------------------------------


Rows = list[dict[str, str]]


def _real_rows() -> Rows:
    with CATALOG_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _csv_text(rows: Rows, columns: tuple[str, ...] | list[str] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _write(folder: Path, rows: Rows, columns: tuple[str, ...] | list[str] = COLUMNS) -> Path:
    path = folder / "catalog.csv"
    path.write_text(_csv_text(rows, columns), encoding="utf-8", newline="")
    return path


def _where(rows: Rows, exercise_id: str) -> int:
    """Index into rows of an id; its spreadsheet row is this + 2."""
    return next(i for i, row in enumerate(rows) if row["id"] == exercise_id)


def _load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_catalog(path)
    return caught.value


def _set(exercise_id: str, **cells: str) -> Callable[[Rows], int]:
    def mutate(rows: Rows) -> int:
        index = _where(rows, exercise_id)
        rows[index].update(cells)
        return index + 2
    return mutate


def _duplicate_id(rows: Rows) -> int:
    index = _where(rows, "goblet-squat")
    rows[index]["id"] = "box-squat"
    return index + 2


def _two_ladders(rows: Rows) -> int:
    rows[_where(rows, "box-squat")]["harder"] = ""
    rows[_where(rows, "bodyweight-squat")]["easier"] = ""
    return _where(rows, "bodyweight-squat") + 2


def _loop(rows: Rows) -> int:
    rows[_where(rows, "mid-shin-dumbbell-rdl")]["easier"] = "barbell-rdl"
    rows[_where(rows, "barbell-rdl")]["harder"] = "mid-shin-dumbbell-rdl"
    return _where(rows, "mid-shin-dumbbell-rdl") + 2


def _level_drops(rows: Rows) -> int:
    """Reported on the harder rung, the one now below the level of its easier neighbour."""
    rows[_where(rows, "bodyweight-squat")]["level"] = "advanced"
    return _where(rows, "pause-squat") + 2


def _family_renamed(rows: Rows) -> int:
    rows[_where(rows, "goblet-squat")]["family"] = "Goblet Squats"
    return _where(rows, "goblet-squat") + 2


BROKEN: dict[str, tuple[Callable[[Rows], int], str, str]] = {
    "bad level": (_set("box-squat", level="expert"), "level",
                  "'expert'; allowed: beginner, intermediate, advanced"),
    "unknown muscle": (_set("goblet-squat", primary_muscles="quads;biceps"),
                       "primary_muscles", "'biceps'"),
    "unknown secondary muscle": (_set("glute-bridge", secondary_muscles="lats"),
                                 "secondary_muscles", "'lats'"),
    "duplicate id": (_duplicate_id, "id", "duplicate id 'box-squat'; first used on row 2"),
    "dangling harder": (_set("dumbbell-reverse-lunge", harder="no-such-move"), "harder",
                        "'no-such-move', which is not an id"),
    "dangling easier": (_set("goblet-squat", easier="air-squat"), "easier", "'air-squat'"),
    "sets min > max": (_set("goblet-squat", sets_min="5"), "sets_min",
                       "sets_min 5 is greater than sets_max 4"),
    "reps min > max": (_set("step-calf-raise", reps_min="25"), "reps_min", "greater than"),
    "rest min > max": (_set("monster-walk", rest_min_s="90"), "rest_min_s", "greater than"),
    "sets below one": (_set("box-squat", sets_min="0"), "sets_min", "at least 1"),
    "not a number": (_set("box-squat", reps_max="ten"), "reps_max", "'ten' is not a whole"),
    "empty cue": (_set("squat-jump", cue=""), "cue", "empty"),
    "empty patterns": (_set("squat-jump", patterns=""), "patterns", "empty"),
    "bad boolean": (_set("goblet-squat", loaded="maybe"), "loaded", "'maybe'"),
    "unknown pattern": (_set("box-squat", patterns="squat;deadlift"), "patterns",
                        "'deadlift'; allowed: squat, lunge, hinge"),
    "unknown equipment": (_set("goblet-squat", equipment="dumbbell|sandbag"), "equipment",
                          "'sandbag'"),
    "empty equipment alternative": (_set("goblet-squat", equipment="dumbbell||kettlebell"),
                                    "equipment", "empty item"),
    "unknown session": (_set("box-squat", sessions="heavy;medium"), "sessions", "'medium'"),
    "unknown role": (_set("box-squat", role="main"), "role", "'main'; allowed: core, accessory"),
    "unknown reps unit": (_set("box-squat", reps_unit="minutes"), "reps_unit", "'minutes'"),
    "family out of range": (_set("box-squat", family_no="14"), "family_no", "1..13"),
    "family renamed": (_family_renamed, "family", "called 'Goblet Squat' on row 2"),
    "id not a slug": (_set("squat-jump", id="Squat Jump"), "id", "lowercase slug"),
    "plyometric flag without pattern": (_set("squat-jump", plyometric="false"), "plyometric",
                                        "patterns include 'plyometric'"),
    "harder in another family": (_set("barbell-front-squat", harder="assisted-reverse-lunge"),
                                 "harder", "in family 2"),
    "non-mutual neighbours": (_set("box-squat", harder="goblet-squat"), "harder",
                              "its easier is 'pause-squat' instead of 'box-squat'"),
    "own neighbour": (_set("box-squat", harder="box-squat"), "harder", "its own"),
    "two ladders in one family": (_two_ladders, "easier", "2 separate ladders"),
    "ladder loop": (_loop, "easier", "loops"),
    "level goes down the ladder": (_level_drops, "level", "must not go down"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_catalog_names_row_and_field(tmp_path: Path, case: str) -> None:
    mutate, field, fragment = BROKEN[case]
    rows = _real_rows()
    row = mutate(rows)
    error = _load_error(_write(tmp_path, rows))
    assert (error.row, error.field) == (row, field), str(error)
    assert fragment in error.message
    assert f"row {row}, field '{field}'" in str(error)
    assert str(tmp_path / "catalog.csv") in str(error)


@pytest.mark.parametrize("column", ["rest_max_s", "id", "tip"])
def test_missing_column_is_reported_on_the_header_row(tmp_path: Path, column: str) -> None:
    columns = [name for name in COLUMNS if name != column]
    error = _load_error(_write(tmp_path, _real_rows(), columns))
    assert (error.row, error.field) == (1, column)
    assert "missing" in error.message


def test_unknown_column_is_reported_on_the_header_row(tmp_path: Path) -> None:
    rows = _real_rows()
    for row in rows:
        row["colour"] = "red"
    error = _load_error(_write(tmp_path, rows, [*COLUMNS, "colour"]))
    assert (error.row, error.field) == (1, "colour")
    assert "unknown column 'colour'" in error.message


def test_repeated_column_is_named_as_such(tmp_path: Path) -> None:
    header, *data = _csv_text(_real_rows()).splitlines()
    path = tmp_path / "catalog.csv"
    path.write_text("\n".join([f"{header},tip", *(f"{line},x" for line in data)]) + "\n",
                    encoding="utf-8")
    error = _load_error(path)
    assert error.row == 1 and "'tip' appears more than once" in error.message


def test_missing_file_names_the_path_as_given(tmp_path: Path) -> None:
    given = str(tmp_path / "nowhere.csv")
    error = _load_error(Path(given))
    assert error.file == given and error.row is None
    assert "not found" in str(error)
    with pytest.raises(InputError) as caught:
        load_catalog(given)
    assert caught.value.file == given


def test_empty_file_and_header_only_file_are_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert "empty" in _load_error(empty).message
    header_only = _write(tmp_path, [])
    assert "no exercise rows" in _load_error(header_only).message


def test_garbage_bytes_are_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(_csv_text(_real_rows()).encode("utf-8") + b"\xff\xfe broken\n")
    assert "UTF-8" in _load_error(path).message


def test_spreadsheet_quirks_are_accepted(tmp_path: Path) -> None:
    """A BOM, CRLF line endings and yes/no/1/0 booleans are what spreadsheets save."""
    rows = _real_rows()
    for row in rows:
        row["loaded"] = "Yes" if row["loaded"] == "true" else "no"
        row["plyometric"] = "1" if row["plyometric"] == "true" else "0"
    path = tmp_path / "catalog.csv"
    text = _csv_text(rows).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_catalog(path).exercises == load_catalog().exercises


def test_blank_lines_do_not_shift_reported_rows(tmp_path: Path) -> None:
    rows = _real_rows()
    rows[5]["level"] = "expert"
    lines = _csv_text(rows).splitlines()
    path = tmp_path / "catalog.csv"
    # A blank line after the third data row is spreadsheet row 5, so the sixth data row
    # (row 7 without it) is row 8, where a spreadsheet would show it.
    path.write_text("\n".join([*lines[:4], "", *lines[4:]]) + "\n", encoding="utf-8")
    assert _load_error(path).row == 8


@settings(max_examples=15, deadline=None)
@given(order=st.permutations(range(len(_real_rows()))))
def test_row_order_in_the_file_does_not_matter(order: list[int]) -> None:
    rows = _real_rows()
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), [rows[i] for i in order])
        assert load_catalog(path).exercises == load_catalog().exercises
