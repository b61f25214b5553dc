"""The explanations a runner reads: which rule ids a known week must cite."""

from __future__ import annotations

import re
from pathlib import Path

from planner.renderers.json_plan import plan_to_dict
from planner.services.explain import explain_plan
from planner.solving.block import plan_block
from tests.conftest import make_week

# Mon easy, Tue speed, Wed rest, Thu tempo, Fri easy, Sat rest, Sun long.
KNOWN_WEEK = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]


def known_plan(catalog):
    inst = make_week(catalog, KNOWN_WEEK, level="intermediate",
                     equipment=frozenset({"dumbbell", "band"}))
    return plan_block(inst.runs, inst.profile, catalog.exercises).plan


def test_session_reasons_cite_day_rules(catalog) -> None:
    week = known_plan(catalog).weeks[0]
    for session in week.sessions:
        assert "(S2)" in session.why
        assert "Mon, Wed, Sat are eves of key runs (H1)" in session.why
        assert "Sun: long run, no main session (H11)" in session.why
        # Never on an eve of a key run when heavy.
        if session.intensity == "heavy":
            assert session.date.weekday() not in (0, 2, 5)


def test_exercise_reasons_cite_balance_and_coverage(catalog) -> None:
    week = known_plan(catalog).weeks[0]
    heavy = next(s for s in week.sessions if s.intensity == "heavy")
    reasons = " ".join(item.why for item in heavy.exercises)
    for slot in ("squat/lunge", "hinge", "single-leg", "calf", "hip-stability"):
        assert f"{slot}" in reasons
    assert "(H8)" in reasons and "(S1)" in reasons


def test_explain_prints_every_soft_objective_and_a_what_if(catalog) -> None:
    text = explain_plan(plan_to_dict(known_plan(catalog)))
    for rule in ("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10"):
        assert f"    {rule} " in text
    assert "why not another day: without" in text


def next_week(runs: Path) -> str:
    """The same runs one week later."""
    from datetime import date, timedelta

    def later(match: re.Match[str]) -> str:
        return (date.fromisoformat(match.group(0)) + timedelta(days=7)).isoformat()

    return re.sub(r"\d{4}-\d{2}-\d{2}", later, runs.read_text(encoding="utf-8"))


def test_explain_uses_the_catalog_and_previous_plan_it_is_given(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from planner.cli import main

    root = Path(__file__).resolve().parents[1]
    runs = root / "examples" / "intermediate-week.csv"
    options = ["--level", "intermediate", "--equipment", "dumbbell,band", "--tz", "UTC"]
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["plan", str(runs), *options, "--json", "week1.json",
                                "--ics", "week1.ics"]).exit_code == 0
    Path("next.csv").write_text(next_week(runs), encoding="utf-8")
    assert runner.invoke(main, ["plan", "next.csv", *options, "--json", "week2.json",
                                "--ics", "week2.ics", "--previous", "week1.json"]
                         ).exit_code == 0
    renamed = (root / "catalog.csv").read_text(encoding="utf-8").replace(
        ",Goblet squat,", ",Club goblet squat,")
    Path("club.csv").write_text(renamed, encoding="utf-8")
    alone = runner.invoke(main, ["explain", "week2.json"])
    given = runner.invoke(main, ["explain", "week2.json", "--previous", "week1.json",
                                 "--catalog", "club.csv"])
    assert alone.exit_code == 0 and given.exit_code == 0, given.output
    assert "Club goblet squat" in given.output and "Club goblet squat" not in alone.output
    # Rebuilt from where week 1 ended, the what-if lines are those of the real week 2.
    assert "why not another day" in given.output
    assert given.output.replace("Club goblet squat", "Goblet squat") != alone.output
    bad = runner.invoke(main, ["explain", "week2.json", "--previous", "club.csv"])
    assert bad.exit_code == 2 and "club.csv" in bad.output


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
README_RUNS = [
    ("intermediate-week.csv", ["--level", "intermediate", "--equipment", "dumbbell,band"]),
    ("beginner-week.csv", ["--level", "beginner", "--equipment", "none"]),
    ("advanced-week.csv", ["--level", "advanced", "--equipment",
                           "dumbbell,kettlebell,bench,box,band"]),
    ("race-week.csv", ["--level", "intermediate", "--equipment", "dumbbell,band"]),
    ("day-format-week.csv", ["--start", "2027-02-01"]),
]


def test_explain_agrees_with_every_example_plan(tmp_path) -> None:
    """Every session of the README's examples gets a what-if about the plan in the file
    (not a rebuilt plan that differs from it), and a what-if never sends a main session to
    a day the plan's own why-line names as the eve of a key run (H1)."""
    import json

    from click.testing import CliRunner

    from planner.cli import main

    for name, options in README_RUNS:
        out = tmp_path / f"{name}.json"
        result = CliRunner().invoke(main, ["plan", str(EXAMPLES / name), *options, "--tz",
                                           "UTC", "-q", "--json", str(out), "--ics",
                                           str(tmp_path / f"{name}.ics")])
        assert result.exit_code == 0, result.output
        data = json.loads(out.read_text(encoding="utf-8"))
        text = explain_plan(data)
        lines = [line for line in text.splitlines() if "why not another day" in line]
        sessions = [s for week in data["weeks"] for s in week["sessions"]]
        assert len(lines) == len(sessions), (name, text)
        for line, session in zip(lines, sessions, strict=True):
            assert "not answered" not in line, (name, line)
            eves = re.search(r"(\w+(?:, \w+)*(?: and \w+)?) (?:is|are) (?:the )?eves? of key runs",
                             session["why"])
            moved = re.search(r"the main session (?:would go )?to (\w+)", line)
            if eves and moved:
                assert moved.group(1) not in eves.group(1), (name, line, session["why"])


def test_explain_says_when_the_file_is_not_the_rebuilt_plan(catalog) -> None:
    data = plan_to_dict(known_plan(catalog))
    session = data["weeks"][0]["sessions"][0]
    session["exercises"] = session["exercises"][1:]
    assert "why not another day: not answered" in explain_plan(data)
