"""Why a week holds fewer sessions than asked: the hard rules that conflict, in words, and
the least change that fixes it, each change verified by solving again.

The solver gives an unsatisfiable core over one guard literal per hard rule (CP-SAT
assumptions); it is shrunk to a minimal set, so the runner reads only rules that matter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from constraints import HARD_RULES, RULES_BY_ID, build_week_model, rule_sort_key
from planner.domain import EQUIPMENT, KEY_RUNS, WEEKDAYS
from planner.planning.instance import WeekInstance
from planner.planning.progression import WARMUP_MINUTES
from planner.planning.wording import session_word, with_article
from planner.solving.solve import solver_parameters


@dataclass(frozen=True)
class Diagnosis:
    wanted: int
    conflict: tuple[str, ...]  # smallest set of hard rule ids that together block `wanted`
    suggestions: tuple[str, ...]


def feasible_with(inst: WeekInstance, wanted: int, disabled: frozenset[str] = frozenset()) -> bool:
    wm = build_week_model(inst, disabled=disabled, required_sessions=wanted,
                          with_objective=False)
    solver = cp_model.CpSolver()
    solver_parameters(solver)
    return solver.solve(wm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def conflicting_rules(inst: WeekInstance, wanted: int) -> tuple[str, ...]:
    """Rules that together forbid `wanted` sessions: CP-SAT assumptions on a feasibility
    model (no objective, one worker), then shrunk one rule at a time to a minimal set."""
    rule_ids = [rule.id for rule in HARD_RULES if rule.id != "H3"]
    wm = build_week_model(inst, guard_rules=rule_ids, required_sessions=wanted,
                          with_objective=False)
    wm.model.add_assumptions([wm.guards[r] for r in rule_ids])
    solver = cp_model.CpSolver()
    solver_parameters(solver)
    if solver.solve(wm.model) != cp_model.INFEASIBLE:
        return ()
    by_index = {wm.guards[r].index: r for r in rule_ids}
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()
            if i in by_index]
    all_rules = frozenset(rule.id for rule in HARD_RULES)
    for rule in sorted(core, key=rule_sort_key):
        trial = [r for r in core if r != rule]
        if not feasible_with(inst, wanted, disabled=all_rules - frozenset(trial) - {"H3"}):
            core = trial
    return tuple(sorted(core, key=rule_sort_key))


def diagnose_week(inst: WeekInstance, placed: int) -> Diagnosis:
    wanted = placed + 1
    conflict = conflicting_rules(inst, wanted)
    suggestions = suggest_changes(inst, wanted, conflict)
    return Diagnosis(wanted, conflict, describe_conflict(inst, conflict) + suggestions)


def _days(days: list[int]) -> str:
    return ", ".join(WEEKDAYS[d] for d in days)


def describe_conflict(inst: WeekInstance, conflict: tuple[str, ...]) -> tuple[str, ...]:
    """One plain line per conflicting rule, with the days or numbers that make it bite."""
    lines = []
    for rule in conflict:
        if rule == "H1":
            eves = [d for d in inst.days if inst.is_eve_of_key_run(d)]
            lines.append(f"H1: {_days(eves) or 'no day'} — eve of a key run, light only")
        elif rule == "H11":
            lines.append(f"H11: no session on race day, no {session_word('heavy')} session on a "
                         "long-run day")
        elif rule == "H4":
            lines.append("H4: a full day must separate two strength sessions")
        elif rule == "B2":
            eves = [d for d in inst.days
                    if any((race - inst.date_of(d)).days == 1 for race in inst.race_dates)]
            lines.append(f"B2: {_days(eves) or 'no day'} — the day before a race, no session; "
                         "light only in the 9 days before and 2 days after")
        elif rule == "H12":
            warmups = f"{WARMUP_MINUTES['light']}- to {WARMUP_MINUTES['heavy']}-minute"
            lines.append(f"H12: {inst.profile.minutes} minutes must hold "
                         f"{with_article(warmups)} warm-up and at least 4 exercises")
        elif rule == "H5":
            kit = ", ".join(sorted(inst.profile.equipment)) or "none"
            lines.append(f"H5: only exercises your equipment allows (equipment: {kit})")
        elif rule == "H8":
            lines.append(f"H8: a {session_word('heavy')} session needs squat/lunge, hinge, "
                         "single-leg, calf and hip-stability work")
        elif rule == "H2":
            lines.append("H2: every session needs 4 to 7 exercises")
        else:
            lines.append(f"{rule}: {RULES_BY_ID[rule].title}")
    return tuple(lines)


def suggest_changes(inst: WeekInstance, wanted: int, conflict: tuple[str, ...]
                    ) -> tuple[str, ...]:
    """The least change that makes `wanted` sessions fit, each verified by re-solving."""
    found = []
    if "H12" in conflict or not conflict:
        for minutes in range(inst.profile.minutes + 5, 181, 5):
            trial = replace(inst, profile=replace(inst.profile, minutes=minutes))
            if feasible_with(trial, wanted):
                found.append(f"try: give each session {minutes} minutes (--minutes {minutes})")
                break
    if "H5" in conflict or "H8" in conflict:
        for item in EQUIPMENT:
            if item in inst.profile.equipment:
                continue
            kit = inst.profile.equipment | {item}
            trial = replace(inst, profile=replace(inst.profile, equipment=kit))
            if feasible_with(trial, wanted):
                found.append(f"try: add a {item} (--equipment {','.join(sorted(kit))})")
                break
    if {"H1", "H11", "H4", "B2"} & set(conflict):
        for day in inst.days:
            moved = _soften_key_run(inst, day)
            if moved is not None and feasible_with(moved, wanted):
                run = sorted(inst.kinds(day) & KEY_RUNS)
                found.append(f"try: make {WEEKDAYS[day]}'s {'/'.join(run)} run an easy run, "
                             "or move it a day")
                break
    if wanted > 1:
        found.append(f"or accept {wanted - 1} session(s) this week (--sessions {wanted - 1})")
    return tuple(found)


def _soften_key_run(inst: WeekInstance, day: int) -> WeekInstance | None:
    target = inst.date_of(day)
    if not inst.kinds(day) & KEY_RUNS:
        return None
    runs = tuple(replace(r, kind="easy") if r.date == target and r.kind in KEY_RUNS else r
                 for r in inst.runs)
    races = tuple(d for d in inst.race_dates if d != target)
    return replace(inst, runs=runs, race_dates=races)
