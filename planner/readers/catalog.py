"""Load and validate catalog.csv: one row per named variation of the article's 13 exercises.

Coaches edit the catalog in a spreadsheet, so every problem is reported as an InputError that
names the file, the spreadsheet row (header = row 1, first exercise = row 2) and the column,
and says which values would have been accepted. Nothing here imports the solver.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pandas as pd

from planner.domain import ALL_EQUIPMENT_WORDS, INTENSITIES, LEVELS, MUSCLES, PATTERNS, Exercise
from planner.errors import InputError

COLUMNS: tuple[str, ...] = (
    "id", "family_no", "family", "name", "level", "patterns", "primary_muscles",
    "secondary_muscles", "equipment", "loaded", "plyometric", "sessions", "role",
    "sets_min", "sets_max", "main_sets", "reps_min", "reps_max", "reps_unit", "rest_min_s",
    "rest_max_s", "easier", "harder", "cue", "how_to", "mistakes", "tip", "best_for",
    "fit_category", "fit_name",
)
# Bodyweight rows need no equipment, ladder ends have no neighbour, and some exercises
# work nothing beyond their primary muscles. A row without a FIT exercise still plans; its
# watch workout step just carries no exercise_category/exercise_name.
OPTIONAL_COLUMNS: frozenset[str] = frozenset({"secondary_muscles", "equipment", "easier", "harder",
                                              "fit_category", "fit_name"})
# Columns a catalog may leave out of its header altogether (catalogs written before FIT
# workouts existed); their cells are then empty.
OPTIONAL_HEADER: tuple[str, ...] = ("fit_category", "fit_name")
ROLES: tuple[str, ...] = ("core", "accessory")
REPS_UNITS: tuple[str, ...] = ("reps", "reps/side", "steps/side", "steps/direction", "seconds")
FAMILY_NOS = range(1, 14)  # the article numbers its exercises 1..13
TRUE_WORDS: frozenset[str] = frozenset({"true", "yes", "1"})
FALSE_WORDS: frozenset[str] = frozenset({"false", "no", "0"})
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LIST_SEPARATOR = ";"
ALTERNATIVE_SEPARATOR = "|"
HOW_TO_SEPARATOR = "|"
HEADER_ROW = 1
FIRST_DATA_ROW = 2


def default_catalog_path() -> Path:
    """The catalog beside the source tree, else the copy a wheel installs under share/."""
    in_tree = Path(__file__).resolve().parents[2] / "catalog.csv"
    if in_tree.exists():
        return in_tree
    return Path(sys.prefix) / "share" / "runstrong" / "catalog.csv"


@dataclass(frozen=True)
class Catalog:
    path: str
    exercises: tuple[Exercise, ...]  # by family_no, then ladder order (easiest first)

    def by_id(self) -> dict[str, Exercise]:
        return {exercise.id: exercise for exercise in self.exercises}

    def family(self, family_no: int) -> tuple[Exercise, ...]:
        return tuple(ex for ex in self.exercises if ex.family_no == family_no)

    def family_nos(self) -> tuple[int, ...]:
        return tuple(sorted({ex.family_no for ex in self.exercises}))


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read, validate and order the catalog; raise InputError on the first problem found."""
    source = default_catalog_path() if path is None else Path(path)
    shown = str(source if path is None else path)
    frame = _read_frame(source, shown)
    _check_columns(frame, shown)
    rows = _data_rows(frame, shown)
    exercises = [_parse_row(row) for row in rows]
    row_of = _check_unique_ids(exercises, rows)
    _check_family_titles(exercises, row_of, shown)
    _check_neighbours(exercises, row_of, shown)
    ordered = _order_ladders(exercises, row_of, shown)
    return Catalog(path=shown, exercises=ordered)


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One data row's cells plus where it came from, so every error can point at it."""

    file: str
    number: int
    cells: Mapping[str, str]

    def error(self, field: str, message: str) -> InputError:
        return InputError(message, file=self.file, row=self.number, field=field)

    def text(self, field: str) -> str:
        value = self.cells[field]
        if not value and field not in OPTIONAL_COLUMNS:
            raise self.error(field, f"'{field}' is empty; every exercise needs one")
        return value


def _read_frame(source: Path, shown: str) -> pd.DataFrame:
    if not source.is_file():
        raise InputError("catalog file not found", file=shown)
    try:
        # skip_blank_lines=False keeps pandas' row index in step with spreadsheet rows;
        # index_col=False stops a row with one extra cell from silently becoming the index.
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            skip_blank_lines=False, index_col=False)
    except pd.errors.EmptyDataError:
        raise InputError("catalog file is empty; expected a header row and exercise rows",
                         file=shown) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"catalog is not UTF-8 text ({exc.reason})", file=shown) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"catalog is not valid CSV: {exc}", file=shown) from None
    return frame.fillna("")


def _check_columns(frame: pd.DataFrame, shown: str) -> None:
    present = [str(name).strip() for name in frame.columns]
    for name in present:
        if name not in COLUMNS:
            raise InputError(_unknown_column_message(name), file=shown, row=HEADER_ROW,
                             field=name)
    for name in COLUMNS:
        if name not in present and name not in OPTIONAL_HEADER:
            raise InputError(f"column '{name}' is missing; expected columns: "
                             f"{', '.join(COLUMNS)}", file=shown, row=HEADER_ROW, field=name)
    frame.columns = present
    for name in OPTIONAL_HEADER:
        if name not in present:
            frame[name] = ""


def _unknown_column_message(name: str) -> str:
    # pandas renames a repeated header "id" to "id.1"; say what really happened.
    base = re.fullmatch(r"(.+)\.\d+", name)
    if base and base.group(1) in COLUMNS:
        return f"column '{base.group(1)}' appears more than once"
    return f"unknown column '{name}'; expected columns: {', '.join(COLUMNS)}"


def _data_rows(frame: pd.DataFrame, shown: str) -> list[_Row]:
    rows = []
    for offset, record in enumerate(frame.to_dict(orient="records")):
        cells = {name: str(value).strip() for name, value in record.items()}
        if any(cells.values()):  # a wholly blank spreadsheet row is harmless
            rows.append(_Row(shown, FIRST_DATA_ROW + offset, cells))
    if not rows:
        raise InputError("catalog has a header but no exercise rows", file=shown,
                         row=FIRST_DATA_ROW)
    return rows


# --- one row -------------------------------------------------------------------------------


def _parse_row(row: _Row) -> Exercise:
    # Keyword arguments evaluate left to right, in column order, so a row with several
    # problems reports the leftmost one first.
    exercise = Exercise(
        id=_parse_id(row, "id"),
        family_no=_parse_family_no(row),
        family=row.text("family"),
        name=row.text("name"),
        level=_parse_choice(row, "level", LEVELS),
        patterns=_parse_words(row, "patterns", PATTERNS),
        primary=_parse_words(row, "primary_muscles", MUSCLES),
        secondary=_parse_words(row, "secondary_muscles", MUSCLES),
        equipment=_parse_equipment(row),
        loaded=_parse_bool(row, "loaded"),
        plyometric=_parse_bool(row, "plyometric"),
        sessions=_parse_words(row, "sessions", INTENSITIES),
        role=_parse_choice(row, "role", ROLES),
        sets_min=(sets := _parse_range(row, "sets", minimum=1))[0], sets_max=sets[1],
        reps_min=(reps := _parse_range(row, "reps", minimum=1))[0], reps_max=reps[1],
        reps_unit=_parse_choice(row, "reps_unit", REPS_UNITS),
        rest_min_s=(rest := _parse_range(row, "rest", minimum=0, suffix="_s"))[0],
        rest_max_s=rest[1],
        easier=_parse_neighbour_id(row, "easier"),
        harder=_parse_neighbour_id(row, "harder"),
        cue=row.text("cue"),
        how_to=_parse_how_to(row),
        mistakes=row.text("mistakes"),
        tip=row.text("tip"),
        main_sets=_parse_int(row, "main_sets", 1),
        best_for=row.text("best_for"),
        fit_category=(fit := _parse_fit_exercise(row))[0], fit_name=fit[1],
    )
    _check_row_consistency(row, exercise)
    return exercise


def _parse_id(row: _Row, field: str) -> str:
    value = row.text(field)
    if not ID_PATTERN.fullmatch(value):
        raise row.error(field, f"'{value}' is not a lowercase slug like 'goblet-squat' "
                               "(letters, digits and single hyphens)")
    return value


def _parse_neighbour_id(row: _Row, field: str) -> str:
    return _parse_id(row, field) if row.text(field) else ""


def _parse_int(row: _Row, field: str, minimum: int) -> int:
    value = row.text(field)
    try:
        number = int(value)
    except ValueError:
        raise row.error(field, f"'{value}' is not a whole number") from None
    if number < minimum:
        raise row.error(field, f"{field} is {number}; it must be at least {minimum}")
    return number


def _parse_range(row: _Row, stem: str, minimum: int, suffix: str = "") -> tuple[int, int]:
    low_field, high_field = f"{stem}_min{suffix}", f"{stem}_max{suffix}"
    low = _parse_int(row, low_field, minimum)
    high = _parse_int(row, high_field, minimum)
    if low > high:
        raise row.error(low_field, f"{low_field} {low} is greater than {high_field} {high}")
    return low, high


def _parse_family_no(row: _Row) -> int:
    number = _parse_int(row, "family_no", FAMILY_NOS.start)
    if number not in FAMILY_NOS:
        raise row.error("family_no", f"family_no {number} is not one of the article's "
                                     f"exercises {FAMILY_NOS.start}..{FAMILY_NOS.stop - 1}")
    return number


def _parse_choice(row: _Row, field: str, allowed: Sequence[str]) -> str:
    value = row.text(field)
    _require_known(row, field, value, allowed)
    return value


def _parse_words(row: _Row, field: str, allowed: Sequence[str]) -> tuple[str, ...]:
    words = _split(row, field, row.text(field), LIST_SEPARATOR)
    for word in words:
        _require_known(row, field, word, allowed)
    return words


def _parse_equipment(row: _Row) -> tuple[tuple[str, ...], ...]:
    requirements = _split(row, "equipment", row.text("equipment"), LIST_SEPARATOR)
    parsed = []
    for requirement in requirements:
        alternatives = _split(row, "equipment", requirement, ALTERNATIVE_SEPARATOR)
        for item in alternatives:
            _require_known(row, "equipment", item, sorted(ALL_EQUIPMENT_WORDS))
        parsed.append(alternatives)
    return tuple(parsed)


def _split(row: _Row, field: str, value: str, separator: str) -> tuple[str, ...]:
    if not value:
        return ()
    parts = tuple(part.strip() for part in value.split(separator))
    if not all(parts):
        raise row.error(field, f"'{value}' has an empty item between '{separator}' separators")
    if len(set(parts)) != len(parts):
        raise row.error(field, f"'{value}' lists the same item twice")
    return parts


def _require_known(row: _Row, field: str, value: str, allowed: Iterable[str]) -> None:
    choices = list(allowed)
    if value not in choices:
        raise row.error(field, f"unknown {field} value '{value}'; allowed: {', '.join(choices)}")


def _parse_bool(row: _Row, field: str) -> bool:
    value = row.text(field).lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise row.error(field, f"'{row.text(field)}' is not a yes/no value; use true/false, "
                           "yes/no or 1/0")


def _parse_how_to(row: _Row) -> tuple[str, ...]:
    return _split(row, "how_to", row.text("how_to"), HOW_TO_SEPARATOR)


def _parse_fit_exercise(row: _Row) -> tuple[str, str]:
    """The FIT profile's (exercise_category, exercise_name) enum names, both or neither."""
    from planner.readers.fit_profile import exercise_categories, fit_exercise_problem

    category, name = row.text("fit_category"), row.text("fit_name")
    if not category and not name:
        return "", ""
    if not category:
        raise row.error("fit_category", f"fit_name '{name}' needs its fit_category "
                                        "(e.g. squat, lunge, calf_raise)")
    if not name:
        raise row.error("fit_name", f"fit_category '{category}' needs a fit_name from the FIT "
                                    f"profile's {category}_exercise_name")
    problem = fit_exercise_problem(category, name)
    if problem:
        field = "fit_category" if category not in exercise_categories() else "fit_name"
        raise row.error(field, problem)
    return category, name


def _check_row_consistency(row: _Row, exercise: Exercise) -> None:
    if not exercise.sets_min <= exercise.main_sets <= exercise.sets_max:
        raise row.error("main_sets", f"main_sets {exercise.main_sets} is outside sets_min.."
                                     f"sets_max ({exercise.sets_min}..{exercise.sets_max})")
    # The planner's H6/H7 rules key on the flag while coverage keys on the pattern;
    # letting them disagree would let a jump slip past the plyometric rules.
    if exercise.plyometric != ("plyometric" in exercise.patterns):
        raise row.error("plyometric", "plyometric must be true exactly when patterns "
                                      "include 'plyometric'")
    if exercise.loaded and not exercise.equipment:
        raise row.error("loaded", "a loaded variation must name the equipment that loads it")
    if exercise.easier and exercise.easier == exercise.harder:
        raise row.error("harder", f"'{exercise.harder}' cannot be both easier and harder")
    for field, neighbour in (("easier", exercise.easier), ("harder", exercise.harder)):
        if neighbour == exercise.id:
            raise row.error(field, f"'{exercise.id}' cannot be its own {field} variation")


# --- the whole catalog ---------------------------------------------------------------------


def _check_unique_ids(exercises: Sequence[Exercise], rows: Sequence[_Row]) -> dict[str, int]:
    row_of: dict[str, int] = {}
    for exercise, row in zip(exercises, rows, strict=True):
        if exercise.id in row_of:
            raise row.error("id", f"duplicate id '{exercise.id}'; first used on row "
                                  f"{row_of[exercise.id]}")
        row_of[exercise.id] = row.number
    return row_of


def _check_family_titles(exercises: Sequence[Exercise], row_of: Mapping[str, int],
                         shown: str) -> None:
    first: dict[int, Exercise] = {}
    for exercise in exercises:
        seen = first.setdefault(exercise.family_no, exercise)
        if seen.family != exercise.family:
            raise InputError(
                f"family {exercise.family_no} is called '{seen.family}' on row "
                f"{row_of[seen.id]} but '{exercise.family}' here",
                file=shown, row=row_of[exercise.id], field="family")


def _check_neighbours(exercises: Sequence[Exercise], row_of: Mapping[str, int],
                      shown: str) -> None:
    by_id = {exercise.id: exercise for exercise in exercises}
    # Dangling and cross-family links first: a typo'd id would otherwise surface as a
    # confusing "not mutual" complaint on the row above the one that was edited.
    for check in (_link_target_problem, _link_mutual_problem):
        for exercise in exercises:
            for field in ("easier", "harder"):
                problem = check(exercise, field, by_id, row_of) if getattr(exercise, field) else ""
                if problem:
                    raise InputError(problem, file=shown, row=row_of[exercise.id], field=field)


def _link_target_problem(exercise: Exercise, field: str, by_id: Mapping[str, Exercise],
                         row_of: Mapping[str, int]) -> str:
    target_id = getattr(exercise, field)
    target = by_id.get(target_id)
    if target is None:
        return f"{field} points at '{target_id}', which is not an id in the catalog"
    if target.family_no != exercise.family_no:
        return (f"{field} points at '{target_id}' in family {target.family_no}; "
                f"a ladder stays inside family {exercise.family_no}")
    return ""


def _link_mutual_problem(exercise: Exercise, field: str, by_id: Mapping[str, Exercise],
                         row_of: Mapping[str, int]) -> str:
    target_id = getattr(exercise, field)
    back_field = "harder" if field == "easier" else "easier"
    back = getattr(by_id[target_id], back_field)
    if back != exercise.id:
        return (f"{field} points at '{target_id}' (row {row_of[target_id]}), but its "
                f"{back_field} is '{back}' instead of '{exercise.id}'")
    return ""


def _order_ladders(exercises: Sequence[Exercise], row_of: Mapping[str, int],
                   shown: str) -> tuple[Exercise, ...]:
    ordered: list[Exercise] = []
    for family_no in sorted({exercise.family_no for exercise in exercises}):
        members = [exercise for exercise in exercises if exercise.family_no == family_no]
        ordered.extend(_ladder(members, row_of, shown))
    return tuple(ordered)


def _ladder(members: Sequence[Exercise], row_of: Mapping[str, int],
            shown: str) -> list[Exercise]:
    """Walk one family from its easiest rung; neighbours are already known to be mutual,
    so one bottom plus a walk that reaches every member proves a single chain."""
    family_no = members[0].family_no
    bottoms = [exercise for exercise in members if not exercise.easier]
    if not bottoms:
        raise InputError(f"family {family_no}'s ladder loops: no variation has an empty "
                         "easier", file=shown, row=row_of[members[0].id], field="easier")
    if len(bottoms) > 1:
        raise InputError(
            f"family {family_no} has {len(bottoms)} separate ladders (rows "
            f"{', '.join(str(row_of[b.id]) for b in bottoms)} have an empty easier); "
            "link them into one chain", file=shown, row=row_of[bottoms[1].id], field="easier")
    by_id = {exercise.id: exercise for exercise in members}
    chain = [bottoms[0]]
    while chain[-1].harder:
        chain.append(by_id[chain[-1].harder])
    on_chain = {exercise.id for exercise in chain}
    missing = [exercise for exercise in members if exercise.id not in on_chain]
    if missing:
        raise InputError(f"'{missing[0].id}' is not on family {family_no}'s ladder from "
                         f"'{bottoms[0].id}'; its easier/harder links form a loop",
                         file=shown, row=row_of[missing[0].id], field="easier")
    _check_levels_rise(chain, row_of, shown)
    return chain


def _check_levels_rise(chain: Sequence[Exercise], row_of: Mapping[str, int],
                       shown: str) -> None:
    # Progression moves up the ladder; a harder rung written for a lower level would send a
    # progressing runner backwards in the article's level lines.
    for easier, harder in pairwise(chain):
        if LEVELS.index(harder.level) < LEVELS.index(easier.level):
            raise InputError(
                f"'{harder.id}' is {harder.level} but sits above {easier.level} "
                f"'{easier.id}' on the ladder; levels must not go down",
                file=shown, row=row_of[harder.id], field="level")
