"""Every hard rule, on the model itself: it bites, forcing a violation is infeasible, and
switching the rule off changes the plan. Rule ids are those of ../shared/RULES.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import time, timedelta

import pytest
from ortools.sat.python import cp_model

from constraints import HARD_RULES, RULES_BY_ID, SOFT_RULES, build_week_model
from planner.domain import Dose, Run
from planner.planning.instance import Carry, WeekInstance
from planner.planning.model import WeekModel
from planner.planning.progression import deload_dose
from planner.solving.solve import solve_week, solver_parameters
from tests.conftest import MONDAY as MONDAY_OF_TESTS
from tests.conftest import make_week

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
EASY_WEEK = ["easy", "easy", "rest", "easy", "easy", "rest", "easy"]


def solve_with(inst: WeekInstance, force: Callable[[WeekModel], None] | None = None,
               disabled: frozenset[str] = frozenset()) -> tuple[int, WeekModel, cp_model.CpSolver]:
    # Unpruned: the rule's own constraints must reject the plan (pruning is tested apart).
    wm = build_week_model(inst, disabled=disabled, prune=False)
    if force:
        force(wm)
    solver = cp_model.CpSolver()
    solver_parameters(solver)
    return solver.solve(wm.model), wm, solver


def feasible(status: int) -> bool:
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def pick_of(wm: WeekModel, variation: str, intensity: str = "heavy"):
    for key, cands in wm.candidates.items():
        if key[1] != intensity:
            continue
        for cand, lit in zip(cands, wm.pick[key], strict=True):
            if cand.exercise.id == variation:
                return key, lit
    raise AssertionError(f"{variation} is not a candidate")


def force_in_session(wm: WeekModel, day: int, variation: str, intensity: str = "heavy") -> None:
    key, lit = pick_of(wm, variation, intensity)
    wm.model.add(lit == 1)
    wm.model.add(wm.inc[(day, key[0], intensity)] == 1)


def sessions_of(inst: WeekInstance, disabled: frozenset[str] = frozenset()):
    status, wm, solver = solve_with(inst, disabled=disabled)
    assert feasible(status)
    return {d: ("heavy" if solver.boolean_value(wm.heavy[d]) else "light")
            for d in inst.days if solver.boolean_value(wm.session[d])}


def test_registry_lists_every_rule_of_rules_md_once() -> None:
    ids = [r.id for r in HARD_RULES + SOFT_RULES]
    assert len(ids) == len(set(ids))
    assert {f"H{n}" for n in range(1, 13)} <= set(ids)
    assert {f"S{n}" for n in range(1, 7)} <= set(ids)


def test_h1_no_heavy_or_plyometrics_on_the_eve_of_a_key_run(catalog) -> None:
    kinds = ["easy", "speed", "easy", "hill", "easy", "rest", "long"]
    inst = make_week(catalog, kinds, level="advanced", equipment=frozenset({"dumbbell", "band"}))
    for day in (MON, WED, SAT):  # eves of speed, hill and long
        status, *_ = solve_with(inst, lambda wm, d=day: wm.model.add(wm.heavy[d] == 1))
        assert not feasible(status)
        status, *_ = solve_with(inst, lambda wm, d=day: force_in_session(wm, d, "low-pogo-hop",
                                                                          "light"))
        assert not feasible(status)
    # The same heavy day is fine once H1 is off: the rule, not something else, forbids it.
    status, *_ = solve_with(inst, lambda wm: wm.model.add(wm.heavy[MON] == 1),
                            disabled=frozenset({"H1"}))
    assert feasible(status)


def test_h1_relaxed_changes_the_plan(catalog) -> None:
    # Only Tue and Sat hold easy runs (S2's favourite heavy days) and both are eves.
    kinds = ["rest", "easy", "tempo", "rest", "rest", "easy", "long"]
    inst = make_week(catalog, kinds, level="beginner")
    with_rule = sessions_of(inst)
    without = sessions_of(inst, disabled=frozenset({"H1"}))
    assert all(not inst.is_eve_of_key_run(d) for d, kind in with_rule.items() if kind == "heavy")
    assert with_rule != without


def test_h1_looks_past_sunday_into_next_week(catalog) -> None:
    inst = make_week(catalog, ["rest"] * 7, next_monday="race", level="beginner")
    status, *_ = solve_with(inst, lambda wm: wm.model.add(wm.heavy[SUN] == 1))
    assert not feasible(status)


@pytest.mark.parametrize("count", [3, 8])
def test_h2_sessions_hold_four_to_seven_exercises(catalog, count: int) -> None:
    inst = make_week(catalog, EASY_WEEK, level="advanced",
                     equipment=frozenset({"dumbbell", "band", "bench", "machine"}), minutes=240)

    def force(wm: WeekModel) -> None:
        wm.model.add(wm.session[MON] == 1)
        wm.model.add(sum(wm.day_families(MON)) == count)

    assert not feasible(solve_with(inst, force)[0])
    assert feasible(solve_with(inst, force, disabled=frozenset({"H2", "H8"}))[0])


def test_h3_beginner_gets_one_session_and_never_more_than_asked(catalog) -> None:
    beginner = make_week(catalog, EASY_WEEK, level="beginner")
    assert len(sessions_of(beginner)) == 1

    def two_sessions(wm: WeekModel) -> None:
        wm.model.add(sum(wm.session) == 2)

    assert not feasible(solve_with(beginner, two_sessions)[0])
    assert feasible(solve_with(beginner, two_sessions, disabled=frozenset({"H3"}))[0])
    asked_one = make_week(catalog, EASY_WEEK, level="advanced", sessions=1)
    assert len(sessions_of(asked_one)) == 1
    assert len(sessions_of(make_week(catalog, EASY_WEEK, level="advanced"))) == 2


def test_h4_a_full_day_between_sessions(catalog) -> None:
    inst = make_week(catalog, EASY_WEEK, level="intermediate")

    def force(wm: WeekModel) -> None:
        wm.model.add(wm.session[TUE] == 1)
        wm.model.add(wm.session[WED] == 1)

    assert not feasible(solve_with(inst, force)[0])
    assert feasible(solve_with(inst, force, disabled=frozenset({"H4"}))[0])


def test_h4_holds_across_the_week_boundary(catalog) -> None:
    from datetime import timedelta

    last_sunday = make_week(catalog, EASY_WEEK).start - timedelta(days=1)
    inst = make_week(catalog, EASY_WEEK, carry=Carry(session_dates=(last_sunday,)))
    assert MON not in sessions_of(inst)
    status, *_ = solve_with(inst, lambda wm: wm.model.add(wm.session[MON] == 1))
    assert not feasible(status)


def test_h5_only_what_the_equipment_allows(catalog) -> None:
    bare = make_week(catalog, EASY_WEEK, equipment=frozenset())
    status, *_ = solve_with(bare, lambda wm: force_in_session(wm, TUE, "goblet-squat"))
    assert not feasible(status)
    assert feasible(solve_with(bare, lambda wm: force_in_session(wm, TUE, "goblet-squat"),
                               disabled=frozenset({"H5"}))[0])
    result = solve_week(bare)
    assert result.sessions
    assert all(not ex.exercise.equipment or all(
        set(opts) & {"floor", "wall", "step", "chair"} for opts in ex.exercise.equipment)
        for s in result.sessions for ex in s.exercises)


@pytest.mark.parametrize(("level", "variation", "allowed"), [
    ("beginner", "low-pogo-hop", False),
    ("intermediate", "low-pogo-hop", True),
    ("intermediate", "squat-jump", False),
    ("advanced", "squat-jump", True),
])
def test_h6_plyometrics_by_level(catalog, level: str, variation: str, allowed: bool) -> None:
    inst = make_week(catalog, EASY_WEEK, level=level, equipment=frozenset({"band"}), minutes=60)
    intensity = "heavy" if variation == "squat-jump" else "light"
    try:
        status, *_ = solve_with(inst, lambda wm: force_in_session(wm, TUE, variation, intensity))
    except AssertionError:
        status = cp_model.INFEASIBLE  # not even offered at this intensity
    assert feasible(status) == allowed


def test_h7_no_plyometrics_on_fatigued_legs(catalog) -> None:
    kinds = ["easy", "tempo", "rest", "easy", "rest", "rest", "rest"]
    inst = make_week(catalog, kinds, level="intermediate", minutes=60)
    force = lambda wm: force_in_session(wm, TUE, "low-pogo-hop", "light")  # noqa: E731
    assert not feasible(solve_with(inst, force)[0])
    assert feasible(solve_with(inst, force, disabled=frozenset({"H7"}))[0])


@pytest.mark.parametrize("kind", ["long", "race"])
def test_h7_no_plyometrics_the_day_after_a_long_run_or_race(catalog, kind: str) -> None:
    """"adding plyometrics when already fatigued": the legs of the day after a long run or a
    race are still tired, and Monday remembers last week's Sunday."""
    kinds = [kind, "easy", "rest", "easy", "rest", "rest", "rest"]
    # A tune-up race, not a goal race: no taper or return week around it (B2, B6).
    inst = replace(make_week(catalog, kinds, level="intermediate", minutes=60), race_dates=())
    force = lambda wm: force_in_session(wm, TUE, "low-pogo-hop", "light")  # noqa: E731
    assert not feasible(solve_with(inst, force)[0])
    assert feasible(solve_with(inst, force, disabled=frozenset({"H7"}))[0])
    monday = make_week(catalog, ["easy", "rest", "easy", "rest", "easy", "rest", "rest"],
                       level="intermediate", minutes=60)
    after_sunday = replace(monday, last_sunday_runs=(
        Run(monday.start - timedelta(days=1), kind, 100, time(8, 0)),))
    force_monday = lambda wm: force_in_session(wm, 0, "low-pogo-hop", "light")  # noqa: E731
    assert feasible(solve_with(monday, force_monday)[0])
    assert not feasible(solve_with(after_sunday, force_monday)[0])


def test_h8_heavy_session_covers_the_five_needs(catalog) -> None:
    inst = make_week(catalog, EASY_WEEK, level="intermediate",
                     equipment=frozenset({"dumbbell", "band"}))

    def no_calf_work(wm: WeekModel) -> None:
        wm.model.add(wm.heavy[TUE] == 1)
        for key in wm.family_keys():
            for lit in wm.exercise_picks(key, lambda ex: "calf" in ex.patterns):
                wm.model.add(lit == 0)

    assert not feasible(solve_with(inst, no_calf_work)[0])
    assert feasible(solve_with(inst, no_calf_work, disabled=frozenset({"H8"}))[0])


def test_h9_one_variable_at_a_time(catalog) -> None:
    previous = {(1, "heavy"): Dose("goblet-squat", sets=3, reps=8, load=1, tempo=0, range=1)}
    inst = make_week(catalog, EASY_WEEK, carry=Carry(doses=previous),
                     equipment=frozenset({"dumbbell", "band"}))

    def force_two_changes(wm: WeekModel) -> None:
        lits = wm.picks_where((1, "heavy"), lambda c: set(c.changes) == {"sets", "reps"})
        assert lits
        wm.model.add(sum(lits) == 1)

    assert not feasible(solve_with(inst, force_two_changes)[0])
    assert feasible(solve_with(inst, force_two_changes, disabled=frozenset({"H9"}))[0])
    for session in solve_week(inst).sessions:
        for item in session.exercises:
            if item.exercise.family_no == 1 and session.intensity == "heavy":
                before = previous[(1, "heavy")]
                changed = [f for f in ("sets", "reps", "load", "tempo", "range")
                           if getattr(item.dose, f) != getattr(before, f)]
                assert len(changed) + (item.dose.variation != before.variation) <= 1


def test_h10_new_to_strength_does_not_add_everything_at_once(catalog) -> None:
    kit = frozenset({"dumbbell", "band", "bench"})
    inst = make_week(catalog, EASY_WEEK, level="advanced", new_to_strength=True,
                     equipment=kit, minutes=120)

    def all_four(wm: WeekModel) -> None:
        wm.model.add(wm.heavy[TUE] == 1)
        wm.model.add(wm.heavy[FRI] == 1)
        force_in_session(wm, TUE, "goblet-squat")
        force_in_session(wm, TUE, "dumbbell-reverse-lunge")
        force_in_session(wm, FRI, "romanian-deadlift")
        force_in_session(wm, FRI, "squat-jump")

    assert not feasible(solve_with(inst, all_four)[0])
    assert feasible(solve_with(inst, all_four, disabled=frozenset({"H10"}))[0])


def test_h11_race_day_and_long_run_day(catalog) -> None:
    kinds = ["easy", "easy", "easy", "easy", "easy", "long", "race"]
    # Not a goal race (a weekly parkrun, say): no taper or race week, only H11 guards it.
    inst = replace(make_week(catalog, kinds, level="beginner"), race_dates=())
    assert not feasible(solve_with(inst, lambda wm: wm.model.add(wm.session[SUN] == 1))[0])
    assert not feasible(solve_with(inst, lambda wm: wm.model.add(wm.heavy[SAT] == 1))[0])
    assert feasible(solve_with(inst, lambda wm: wm.model.add(wm.session[SUN] == 1),
                               disabled=frozenset({"H11", "B2"}))[0])


def test_h12_session_fits_the_minutes(catalog) -> None:
    short = make_week(catalog, EASY_WEEK, level="beginner", minutes=10)
    assert sessions_of(short) == {}
    assert sessions_of(short, disabled=frozenset({"H12"}))
    roomy = make_week(catalog, EASY_WEEK, level="beginner", minutes=45)
    for session in solve_week(roomy).sessions:
        assert session.minutes <= 45


def test_b1_deload_keeps_last_weeks_exercises_with_one_set_fewer(catalog) -> None:
    first = solve_week(make_week(catalog, EASY_WEEK, equipment=frozenset({"dumbbell", "band"})))
    deload = solve_week(make_week(catalog, EASY_WEEK, carry=Carry(doses=first.doses), deload=True,
                                  equipment=frozenset({"dumbbell", "band"})))
    assert deload.sessions
    carried = set(deload.doses) & set(first.doses)
    assert carried
    for key in carried:
        before, dose = first.doses[key], deload.doses[key]
        exercise = catalog.by_id()[before.variation]
        assert dose == deload_dose(exercise, before)
        assert dose.sets * dose.reps < before.sets * before.reps or (
            before.sets == exercise.sets_min and before.reps == exercise.reps_min)
    assert not set(deload.doses) - set(first.doses), "S4 keeps a deload week to last week's work"


def test_b1_forbids_keeping_full_volume_in_a_deload_week(catalog) -> None:
    first = solve_week(make_week(catalog, EASY_WEEK, equipment=frozenset({"dumbbell", "band"})))
    inst = make_week(catalog, EASY_WEEK, carry=Carry(doses=first.doses), deload=True,
                     equipment=frozenset({"dumbbell", "band"}))
    key, before = next((k, d) for k, d in sorted(first.doses.items()) if d.sets > 1)

    def keep_volume(wm: WeekModel) -> None:
        wm.model.add(wm.use[key] == 1)
        for cand, lit in zip(wm.candidates[key], wm.pick[key], strict=True):
            if cand.dose.sets * cand.dose.reps < before.sets * before.reps:
                wm.model.add(lit == 0)

    assert not feasible(solve_with(inst, keep_volume)[0])


def test_b1_the_rule_itself_leaves_only_the_step_back_dose(catalog) -> None:
    """The deload week's candidates are already step-back doses; this offers the model a
    normal week's ladder (hold, progress, switch) and shows B1 alone removes all of it."""
    kit = frozenset({"dumbbell", "band"})
    first = solve_week(make_week(catalog, EASY_WEEK, equipment=kit))
    normal = make_week(catalog, EASY_WEEK, carry=Carry(doses=first.doses), equipment=kit)
    key, before = next((k, d) for k, d in sorted(first.doses.items()) if d.sets > 1)
    stepped_back = deload_dose(catalog.by_id()[before.variation], before)

    def full_volume(wm: WeekModel) -> None:
        wm.model.add(wm.use[key] == 1)
        wm.model.add(sum(wm.picks_where(key, lambda c: c.dose == stepped_back)) == 0)

    def model(with_b1: bool) -> int:
        wm = build_week_model(normal)
        wm.inst = replace(normal, deload=True)
        if with_b1:
            RULES_BY_ID["B1"].add(wm)
        full_volume(wm)
        solver = cp_model.CpSolver()
        solver_parameters(solver)
        return solver.solve(wm.model)

    assert not feasible(model(with_b1=True))
    assert feasible(model(with_b1=False))


def test_b2_taper_light_only_before_a_race(catalog) -> None:
    # The goal race is next Monday: this is its taper week (race week is B4's).
    kinds = ["easy", "easy", "rest", "easy", "easy", "rest", "easy"]
    inst = make_week(catalog, kinds, level="advanced", next_monday="race")
    assert set(sessions_of(inst).values()) <= {"light"}
    assert not feasible(solve_with(inst, lambda wm: wm.model.add(wm.session[SUN] == 1))[0])
    assert "heavy" in sessions_of(inst, disabled=frozenset({"B2"})).values()


RACE_SUNDAY = ["easy", "easy", "easy", "easy", "easy", "rest", "race"]


def test_b4_race_week_holds_one_session_at_most(catalog) -> None:
    inst = make_week(catalog, RACE_SUNDAY, level="advanced")
    assert inst.target_sessions == 1
    assert len(sessions_of(inst)) == 1

    def two(wm: WeekModel) -> None:
        wm.model.add(wm.session[MON] + wm.session[WED] == 2)

    # H3 bounds the week by its target, which race week lowers; B4 forbids it by itself.
    assert not feasible(solve_with(inst, two, disabled=frozenset({"H3"}))[0])
    assert feasible(solve_with(inst, two, disabled=frozenset({"H3", "B4"}))[0])
    none = make_week(catalog, RACE_SUNDAY, level="advanced", race_week="none")
    assert none.target_sessions == 0
    monday = lambda wm: wm.model.add(wm.session[MON] == 1)  # noqa: E731
    assert not feasible(solve_with(none, monday, disabled=frozenset({"H3"}))[0])
    assert feasible(solve_with(none, monday, disabled=frozenset({"H3", "B4"}))[0])


def test_b4_race_week_session_comes_four_days_before_the_race(catalog) -> None:
    inst = make_week(catalog, RACE_SUNDAY, level="advanced")
    for day in (THU, FRI):  # three and two days out: B2 lets a light session through
        status, *_ = solve_with(inst, lambda wm, d=day: wm.model.add(wm.session[d] == 1))
        assert not feasible(status)
        status, *_ = solve_with(inst, lambda wm, d=day: wm.model.add(wm.session[d] == 1),
                                disabled=frozenset({"B4"}))
        assert feasible(status)
    assert {d for d in sessions_of(inst)} <= {MON, TUE, WED}


def test_b4_race_week_session_is_short(catalog) -> None:
    kit = frozenset({"dumbbell", "band"})
    inst = make_week(catalog, RACE_SUNDAY, level="advanced", equipment=kit)

    def five(wm: WeekModel) -> None:
        wm.model.add(sum(wm.day_families(TUE)) >= 5)

    assert not feasible(solve_with(inst, five)[0])
    assert feasible(solve_with(inst, five, disabled=frozenset({"B4"}))[0])


def test_b4_race_week_holds_nothing_new(catalog) -> None:
    kit = frozenset({"dumbbell", "band"})
    new = "wall-calf-raise"
    # A block's light sessions so far: every light-session variation but one.
    done = frozenset(ex.id for ex in catalog.exercises if "light" in ex.sessions) - {new}
    inst = make_week(catalog, RACE_SUNDAY, level="intermediate", equipment=kit,
                     carry=Carry(seen=done))
    week = solve_week(inst)
    assert len(week.sessions) == 1
    assert {item.exercise.id for s in week.sessions for item in s.exercises} <= done

    def with_new(wm: WeekModel) -> None:
        force_in_session(wm, TUE, new, "light")

    assert not feasible(solve_with(inst, with_new)[0])
    assert feasible(solve_with(inst, with_new, disabled=frozenset({"B4"}))[0])


def test_b5_maintain_week_holds_every_dose(catalog) -> None:
    """A maintain week's candidates are already held by the block (Carry.hold); this offers
    the model a normal week's ladder and shows B5 alone removes every step up."""
    kit = frozenset({"dumbbell", "band"})
    first = solve_week(make_week(catalog, EASY_WEEK, equipment=kit))
    normal = make_week(catalog, EASY_WEEK, carry=Carry(doses=first.doses), equipment=kit)
    key = next(k for k in sorted(first.doses) if k[1] == "heavy")

    def step_up(wm: WeekModel) -> None:
        wm.model.add(sum(wm.picks_where(key, lambda c: c.progressed)) == 1)

    def model(with_b5: bool) -> int:
        wm = build_week_model(normal)
        wm.inst = replace(normal, phase="maintain")
        if with_b5:
            RULES_BY_ID["B5"].add(wm)
        step_up(wm)
        solver = cp_model.CpSolver()
        solver_parameters(solver)
        return solver.solve(wm.model)

    assert not feasible(model(with_b5=True))
    assert feasible(model(with_b5=False))


def test_b5_a_held_dose_and_one_set_fewer_are_both_allowed() -> None:
    from constraints.season import holds

    before = Dose("goblet-squat", 3, 10, 1, 0, 1)
    assert holds(before, before) and holds(before, replace(before, sets=2))
    for changed in (replace(before, load=2), replace(before, reps=12), replace(before, tempo=1),
                    replace(before, sets=4), replace(before, sets=1),
                    replace(before, variation="dumbbell-front-squat")):
        assert not holds(before, changed)


def test_b6_return_week_is_light_only(catalog) -> None:
    last_sunday = MONDAY_OF_TESTS - timedelta(days=1)
    inst = replace(make_week(catalog, EASY_WEEK, level="advanced"), race_dates=(last_sunday,))
    assert inst.is_return_week
    assert set(sessions_of(inst).values()) == {"light"}
    heavy_thursday = lambda wm: wm.model.add(wm.heavy[THU] == 1)  # noqa: E731
    assert not feasible(solve_with(inst, heavy_thursday)[0])
    assert feasible(solve_with(inst, heavy_thursday, disabled=frozenset({"B6"}))[0])


def test_h13_nothing_loaded_or_slow_on_the_eve_of_a_key_run(catalog) -> None:
    kinds = ["easy", "speed", "rest", "easy", "easy", "rest", "easy"]
    kit = frozenset({"dumbbell", "band"})
    inst = make_week(catalog, kinds, level="intermediate", equipment=kit)

    def loaded_bridge_on_monday(wm: WeekModel) -> None:
        key, _ = pick_of(wm, "dumbbell-glute-bridge", "light")
        wm.model.add(wm.light[MON] == 1)
        wm.model.add(wm.inc[(MON, key[0], "light")] == 1)
        wm.model.add(sum(wm.picks_where(key, lambda c: c.dose.load > 0)) == 1)

    assert not feasible(solve_with(inst, loaded_bridge_on_monday)[0])
    assert feasible(solve_with(inst, loaded_bridge_on_monday, disabled=frozenset({"H13"}))[0])


def main_families(inst: WeekInstance, disabled: frozenset[str] = frozenset()) -> list[set[int]]:
    return [{item.exercise.family_no for item in s.exercises}
            for s in _solve_disabled(inst, disabled).sessions if s.intensity == "heavy"]


def _solve_disabled(inst: WeekInstance, disabled: frozenset[str]):
    from planner.solving import solve

    original = solve.build_week_model
    solve.build_week_model = lambda i, **kw: original(i, disabled=disabled, **kw)
    try:
        return solve_week(inst)
    finally:
        solve.build_week_model = original


def test_s10_fills_each_slot_with_its_own_exercise(catalog) -> None:
    kit = frozenset({"dumbbell", "band"})
    inst = make_week(catalog, EASY_WEEK, level="intermediate", equipment=kit)
    [main] = main_families(inst)
    # squat, one split-stance lunge, loaded Romanian deadlift, step-up (or single-leg RDL),
    # straight-knee calf raise, band walk
    assert {1, 7, 9, 11} <= main and len(main & {2, 3, 4}) == 1 and main & {5, 6}
    without = main_families(inst, frozenset({"S10"}))
    assert without != [main], "S10, not something else, shapes the main session"


def test_s11_keeps_sessions_to_the_articles_slots(catalog) -> None:
    inst = make_week(catalog, EASY_WEEK, level="intermediate", minutes=90,
                     equipment=frozenset({"dumbbell", "band"}))
    sessions = solve_week(inst).sessions
    # the light session's four slots, and the bent-knee raise the soleus asks for (S1)
    [light] = [s for s in sessions if s.intensity == "light"]
    assert len(light.exercises) == 5
    assert any(item.exercise.family_no == 10 for item in light.exercises)
    assert all(len(s.exercises) <= 7 for s in sessions)
    status, wm, solver = solve_with(inst)
    extra = [t for t in wm.soft_terms if t.rule == "S11"]
    assert extra and all(solver.value(t.literal) == 0 for t in extra)
    # A second calf raise in the main session costs S11.
    def second_calf(wm: WeekModel) -> None:
        for family in (9, 10):
            wm.model.add(sum(wm.inc[(d, family, "heavy")] for d in inst.days) == 1)

    status, wm, solver = solve_with(inst, second_calf)
    assert feasible(status)
    assert sum(solver.value(t.literal) for t in wm.soft_terms if t.rule == "S11") >= 1


def test_s12_a_little_power_when_a_day_allows_jumps(catalog) -> None:
    inst = make_week(catalog, EASY_WEEK, level="intermediate",
                     equipment=frozenset({"dumbbell", "band"}))
    jumps = [item for s in solve_week(inst).sessions for item in s.exercises
             if item.exercise.plyometric]
    assert [item.exercise.id for item in jumps] == ["low-pogo-hop"]
    def no_jumps(wm: WeekModel) -> None:
        for key in wm.family_keys():
            for lit in wm.exercise_picks(key, lambda ex: ex.plyometric):
                wm.model.add(lit == 0)

    status, wm, solver = solve_with(inst, no_jumps)
    assert feasible(status)
    assert [solver.value(t.literal) for t in wm.soft_terms if t.rule == "S12"] == [1]
    _, wm, solver = solve_with(inst, no_jumps, disabled=frozenset({"S12"}))
    assert not [t for t in wm.soft_terms if t.rule == "S12"]
    beginner = make_week(catalog, EASY_WEEK, level="beginner")
    assert not any(item.exercise.plyometric for s in solve_week(beginner).sessions
                   for item in s.exercises)


@pytest.mark.parametrize(("niggle", "variation", "intensity"), [
    ("knee", "bulgarian-split-squat", "heavy"),  # rear foot up: deep front knee
    ("knee", "bodyweight-walking-lunge", "heavy"),  # forward lunges: reverse instead
    ("knee", "low-pogo-hop", "light"),  # jumps only when pain-free
    ("achilles", "single-leg-step-calf-raise", "heavy"),  # heel drop off a step
    ("calf", "low-pogo-hop", "light"),
    ("hamstring", "low-level-bounds", "heavy"),
    ("hip", "step-up-knee-drive", "heavy"),
    ("back", "bulgarian-split-squat", "heavy"),  # the article: switch to a split squat
])
def test_h30_a_niggle_rules_variations_out(catalog, niggle: str, variation: str,
                                           intensity: str) -> None:
    inst = make_week(catalog, EASY_WEEK, level="advanced", minutes=90,
                     equipment=frozenset({"dumbbell", "band", "bench", "box"}),
                     niggles=frozenset({niggle}))
    force = lambda wm: force_in_session(wm, TUE, variation, intensity)  # noqa: E731
    assert not feasible(solve_with(inst, force)[0])
    assert feasible(solve_with(inst, force, disabled=frozenset({"H30"}))[0])


@pytest.mark.parametrize(("niggle", "variation", "field", "value"), [
    ("knee", "goblet-squat", "range", 0),  # controlled depth
    ("back", "romanian-deadlift", "range", 0),  # shorten the range
    ("achilles", "dumbbell-seated-calf-raise", "tempo", 1),  # slow raises
    ("hamstring", "romanian-deadlift", "tempo", 0),  # no slow lowering yet
])
def test_h30_a_niggle_limits_the_dose(catalog, niggle: str, variation: str, field: str,
                                      value: int) -> None:
    # Last week's dose went the other way (slow, full range): the niggle eases it.
    row = next(ex for ex in catalog.exercises if ex.id == variation)
    tempo = 0 if (field, value) == ("tempo", 1) else 1
    full = 0 if field == "tempo" else 1  # one variable off the niggle's limit (H9)
    carry = Carry(doses={(row.family_no, "heavy"): Dose(variation, 3, row.reps_min, 1, tempo,
                                                        full)})
    inst = make_week(catalog, EASY_WEEK, level="intermediate", minutes=90, carry=carry,
                     equipment=frozenset({"dumbbell", "band"}), niggles=frozenset({niggle}))

    def force(wm: WeekModel, other: bool) -> None:
        """The variation on Tuesday, at a dose with `field` = `value` or (other) not."""
        key, _ = pick_of(wm, variation)
        wm.model.add(wm.inc[(TUE, key[0], "heavy")] == 1)
        wm.model.add(sum(lit for cand, lit in zip(wm.candidates[key], wm.pick[key],
                                                  strict=True)
                         if cand.exercise.id == variation
                         and (getattr(cand.dose, field) != value) == other) == 1)

    assert not feasible(solve_with(inst, lambda wm: force(wm, True))[0])
    assert feasible(solve_with(inst, lambda wm: force(wm, True), disabled=frozenset({"H30"}))[0])
    status, wm, solver = solve_with(inst, lambda wm: force(wm, False))
    assert feasible(status)
    key, _ = pick_of(wm, variation)
    chosen = [c for c, lit in zip(wm.candidates[key], wm.pick[key], strict=True)
              if solver.boolean_value(lit)]
    assert [getattr(c.dose, field) for c in chosen] == [value]


def test_h31_an_excluded_exercise_is_never_prescribed(catalog) -> None:
    inst = make_week(catalog, EASY_WEEK, level="intermediate",
                     equipment=frozenset({"dumbbell", "band"}),
                     exclude=frozenset({"goblet-squat"}))
    force = lambda wm: force_in_session(wm, TUE, "goblet-squat")  # noqa: E731
    assert not feasible(solve_with(inst, force)[0])
    assert feasible(solve_with(inst, force, disabled=frozenset({"H31"}))[0])
    assert all(item.exercise.id != "goblet-squat" for s in solve_week(inst).sessions
               for item in s.exercises)
def test_h14_at_most_one_split_stance_lift_a_session(catalog) -> None:
    # The reverse lunge and the front-foot-elevated split squat back to back: twice the
    # split-stance work of one leg in one session.
    inst = make_week(catalog, EASY_WEEK, level="intermediate", minutes=90,
                     equipment=frozenset({"dumbbell", "band"}))

    def two_split_stance(wm: WeekModel) -> None:
        force_in_session(wm, TUE, "dumbbell-reverse-lunge")
        force_in_session(wm, TUE, "front-foot-elevated-split-squat")

    assert not feasible(solve_with(inst, two_split_stance)[0])
    assert feasible(solve_with(inst, two_split_stance, disabled=frozenset({"H14"}))[0])
    for session in solve_week(inst).sessions:
        split = [i for i in session.exercises if "split-stance" in i.exercise.patterns]
        assert len(split) <= 1


def test_h15_no_slow_lowering_in_a_light_session(catalog) -> None:
    # Last week's bridge reached the top of its reps: the ladder offers the slow lowering
    # next, which a light session does not take.
    previous = {(8, "light"): Dose("glute-bridge", sets=2, reps=15, load=0, tempo=0, range=0)}
    inst = make_week(catalog, EASY_WEEK, level="intermediate", carry=Carry(doses=previous))

    def slow_bridge(wm: WeekModel) -> None:
        lits = wm.picks_where((8, "light"), lambda c: c.dose.tempo > 0)
        assert lits
        wm.model.add(sum(lits) == 1)

    assert not feasible(solve_with(inst, slow_bridge)[0])
    assert feasible(solve_with(inst, slow_bridge, disabled=frozenset({"H15"}))[0])


def test_h15_the_easier_bridge_on_the_eve_of_a_key_run(catalog) -> None:
    # Friday before Saturday's tempo run: no single-leg hip thrust in that light session.
    kinds = ["easy", "easy", "rest", "easy", "easy", "tempo", "rest"]
    inst = make_week(catalog, kinds, level="advanced", equipment=frozenset({"band", "bench"}))

    def thrust_on_the_eve(wm: WeekModel) -> None:
        wm.model.add(wm.light[FRI] == 1)
        force_in_session(wm, FRI, "single-leg-hip-thrust", "light")

    assert not feasible(solve_with(inst, thrust_on_the_eve)[0])
    assert feasible(solve_with(inst, thrust_on_the_eve, disabled=frozenset({"H15"}))[0])


def test_h6_an_advanced_calf_raise_is_never_the_two_leg_one(catalog) -> None:
    # "Intermediate: Use single-leg calf raises"; "Advanced: Add load, pauses, or a slow
    # eccentric": more kit or level never brings the beginner's two-leg wall raise back.
    inst = make_week(catalog, EASY_WEEK, level="advanced", equipment=frozenset({"band"}))
    force = lambda wm: force_in_session(wm, TUE, "wall-calf-raise")  # noqa: E731
    assert not feasible(solve_with(inst, force)[0])
    assert feasible(solve_with(inst, force, disabled=frozenset({"H6"}))[0])


def test_b6_return_week_session_is_short_and_holds_nothing_new(catalog) -> None:
    """The return week's one light session: four exercises at most, each done before."""
    last_sunday = MONDAY_OF_TESTS - timedelta(days=1)
    first = make_week(catalog, EASY_WEEK, level="intermediate",
                      equipment=frozenset({"dumbbell", "band"}))
    done = solve_week(first)
    seen = frozenset(d.variation for d in done.doses.values())
    inst = replace(first, race_dates=(last_sunday,),
                   carry=Carry(doses=done.doses, seen=seen), deload=True, phase="return")
    assert inst.is_return_week
    plan = solve_week(inst)
    assert all(len(s.exercises) <= 4 for s in plan.sessions)
    assert all(item.exercise.id in seen for s in plan.sessions for item in s.exercises)

    def five_on_thursday(wm) -> None:
        wm.model.add(sum(wm.day_families(THU)) == 5)

    assert not feasible(solve_with(inst, five_on_thursday)[0])
    assert feasible(solve_with(inst, five_on_thursday, disabled=frozenset({"B6"}))[0])
    def the_new_one(wm) -> None:  # the first light variation offered that was never done
        lits = next(lits for key in wm.family_keys() if key[1] == "light"
                    if (lits := wm.exercise_picks(key, lambda ex: ex.id not in seen
                                                  and not ex.plyometric)))
        wm.model.add(sum(lits) >= 1)

    assert not feasible(solve_with(inst, the_new_one)[0])
    assert feasible(solve_with(inst, the_new_one, disabled=frozenset({"B6"}))[0])
