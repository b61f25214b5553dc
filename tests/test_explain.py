"""The explanations a runner reads: which rule ids a known week must cite."""

from __future__ import annotations

from planner.block import plan_block
from planner.explain_report import explain_plan
from planner.render_json import plan_to_dict
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
