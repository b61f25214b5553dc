"""planner.readers.plan_json: a plan JSON back into a `Plan` that renders the same calendar."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.errors import InputError
from planner.readers.plan_json import load_plan_json, plan_from_json
from planner.renderers.ics import render_ics
from planner.renderers.json_plan import render_json
from tests.test_render_ics import make_plan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_hand_made_plan_round_trips() -> None:
    plan = make_plan("America/New_York", date(2025, 3, 3), athlete="Anna")
    back = plan_from_json(json.loads(render_json(plan)))
    assert render_ics(back, alarm_minutes=5) == render_ics(plan, alarm_minutes=5)
    assert render_json(back) == render_json(plan)


@pytest.mark.parametrize("example", ["intermediate-week", "block-16-weeks"])
def test_cli_plan_round_trips(tmp_path: Path, example: str) -> None:
    ics_path, json_path = tmp_path / "plan.ics", tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["plan", str(EXAMPLES / f"{example}.csv"), "--tz",
                                       "Europe/Paris", "--equipment", "dumbbell,band", "--ics",
                                       str(ics_path), "--json", str(json_path), "-q"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    back = plan_from_json(load_plan_json(json_path))
    assert render_ics(back) == ics_path.read_bytes()


def test_bad_values_name_the_key() -> None:
    data = json.loads(render_json(make_plan("Europe/Berlin", date(2025, 3, 24))))
    data["weeks"][0]["sessions"][0]["exercises"][0]["load"] = "crushing"
    with pytest.raises(InputError, match=r"'crushing' in weeks\[1\]\.sessions\[1\]"):
        plan_from_json(data, file="x.json")
    data = json.loads(render_json(make_plan("Europe/Berlin", date(2025, 3, 24))))
    data["weeks"][0]["sessions"][0]["start"] = "late"
    with pytest.raises(InputError, match="not a time"):
        plan_from_json(data)
    del data["weeks"][0]["sessions"][0]["minutes"]
    data["weeks"][0]["sessions"][0]["start"] = "18:00"
    with pytest.raises(InputError, match="missing key 'minutes'"):
        plan_from_json(data)
