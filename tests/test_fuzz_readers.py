"""Every reader, fed random bytes and near-miss CSV/JSON: an InputError or a result, never a
traceback, and never a half-written or overwritten output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.errors import InputError
from planner.readers.catalog import default_catalog_path, load_catalog
from planner.readers.plan_json import load_plan_json
from planner.readers.roster import load_roster
from planner.solving.previous import carry_from_plan

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
ROSTER_HEADER = "athlete,level,equipment,sessions,minutes,time,tz,new_to_strength\n"
cells = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)


def _only_input_errors(reader, path: Path) -> None:
    try:
        reader(path)
    except InputError as err:
        assert str(err)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_into_every_reader(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "input.csv"
    path.write_bytes(data)
    for reader in (load_roster, load_catalog, load_plan_json,
                   lambda p: carry_from_plan(p, {})):
        _only_input_errors(reader, path)


@FUZZ
@given(st.lists(st.lists(cells, min_size=8, max_size=9), min_size=1, max_size=5))
def test_near_miss_rosters(tmp_path_factory, rows: list[list[str]]) -> None:
    path = tmp_path_factory.mktemp("roster") / "roster.csv"
    body = "\n".join(",".join(c.replace(",", " ").replace("\n", " ") for c in row)
                     for row in rows)
    path.write_text(ROSTER_HEADER + body + "\n", encoding="utf-8")
    _only_input_errors(load_roster, path)


@FUZZ
@given(st.integers(min_value=1, max_value=60), st.sampled_from(
    ["", "x", "-1", "99999", "maybe", "squat;;", "dumbbell|", "nope-id", "0"]))
def test_corrupted_catalog_cells(tmp_path_factory, line: int, value: str) -> None:
    lines = default_catalog_path().read_text(encoding="utf-8").splitlines()
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    column = line % len(rows[0])
    rows[line % len(rows)][column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path_factory.mktemp("catalog") / "catalog.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    _only_input_errors(load_catalog, path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=10)


@FUZZ
@given(st.dictionaries(st.sampled_from(["athlete", "level", "weeks", "status", "x"]),
                       json_values, max_size=5))
def test_near_miss_previous_plans(tmp_path_factory, data: dict) -> None:
    path = tmp_path_factory.mktemp("prev") / "prev.json"
    path.write_text(json.dumps(data))
    _only_input_errors(lambda p: carry_from_plan(p, load_catalog().by_id()), path)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_cli_never_shows_a_traceback_and_never_overwrites(tmp_path_factory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("cli")
    runs = folder / "runs.csv"
    runs.write_bytes(b"date,run\n" + data)
    ics = folder / "plan.ics"
    ics.write_bytes(b"previous calendar")
    result = CliRunner().invoke(main, ["plan", str(runs), "--ics", str(ics), "-q"])
    assert result.exit_code in (0, 2, 3), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code != 0:
        assert ics.read_bytes() == b"previous calendar"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
