"""Solve a week and turn the solver's answer into plain plan data
(planner/solving/diagnosis.py says why a
week holds fewer sessions).

Determinism: one worker, a fixed seed and a deterministic time limit, so the same input
gives the same plan on any machine (maintainers: parallel search is not deterministic).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ortools.sat.python import cp_model

from constraints import build_week_model, rule_sort_key
from planner.domain import KEY_RUNS, Dose, Penalty, PlannedExercise, Run, Session
from planner.planning.instance import Carry, FamilyKey, WeekInstance
from planner.planning.model import WeekModel
from planner.planning.progression import WARMUP_MINUTES, Candidate, named_weight, session_minutes
from planner.solving.why_lines import exercise_why, next_step, session_why

SEED = 20240611
DETERMINISTIC_TIME_LIMIT = 20.0  # deterministic units, not seconds: same stop on every machine
DEFAULT_RUN_MINUTES = 60
SOON_AFTER_MINUTES = 120  # a run starting within this of a session's end goes first


def solver_parameters(solver: cp_model.CpSolver) -> None:
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.max_deterministic_time = DETERMINISTIC_TIME_LIMIT
    # Measured on 16-week blocks: probing, symmetry detection and LP relaxation cost more
    # than they save on these small week models (24 ms -> 13 ms a week); all deterministic.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.linearization_level = 0


@dataclass(frozen=True)
class WeekResult:
    sessions: tuple[Session, ...]
    penalties: tuple[Penalty, ...]
    doses: dict[FamilyKey, Dose]
    status: str  # "optimal" | "feasible" | "infeasible"
    solve_seconds: float
    notes: tuple[str, ...] = field(default=())

    @property
    def carry(self) -> Carry:
        return Carry(doses=self.doses, session_dates=tuple(s.date for s in self.sessions))


def solve_week(inst: WeekInstance,
               also: Callable[[WeekModel], None] | None = None) -> WeekResult:
    """The best week under every rule; `also` adds constraints for what-if questions."""
    wm = build_week_model(inst)
    if also is not None:
        also(wm)
    solver = cp_model.CpSolver()
    solver_parameters(solver)
    status = solver.solve(wm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Zero sessions always satisfy the hard rules, so this is a bug or a time-out.
        return WeekResult((), (), {}, "infeasible", solver.wall_time)
    sessions, doses = _read_sessions(wm, solver)
    penalties = _read_penalties(wm, solver)
    return WeekResult(sessions, penalties, doses,
                      "optimal" if status == cp_model.OPTIMAL else "feasible", solver.wall_time)


def _chosen(wm: WeekModel, solver: cp_model.CpSolver, key: FamilyKey) -> Candidate | None:
    for cand, lit in zip(wm.candidates[key], wm.pick[key], strict=True):
        if solver.boolean_value(lit):
            return cand
    return None


def _read_sessions(wm: WeekModel, solver: cp_model.CpSolver
                   ) -> tuple[tuple[Session, ...], dict[FamilyKey, Dose]]:
    inst = wm.inst
    doses: dict[FamilyKey, Dose] = {}
    chosen: dict[FamilyKey, Candidate] = {}
    for key in wm.family_keys():
        cand = _chosen(wm, solver, key)
        if cand is not None:
            chosen[key] = cand
            doses[key] = cand.dose
    sessions = []
    week = tuple((d, "heavy" if solver.boolean_value(wm.heavy[d]) else "light")
                 for d in inst.days if solver.boolean_value(wm.session[d]))
    for d, intensity in week:
        picked = [chosen[(f, intensity)] for f in inst.families
                  if solver.boolean_value(wm.inc[(d, f, intensity)])]
        items = tuple(
            PlannedExercise(
                exercise=c.exercise, dose=c.dose, rest_s=c.rest_s, minutes=c.minutes,
                why=exercise_why(inst, c, intensity),
                equipment_used=equipment_used(c.exercise.equipment, inst.profile.equipment),
                weight_kg=named_weight(c.exercise, c.dose.load, inst.profile),
                seconds=c.seconds, next_step=next_step(inst, c))
            for c in sorted(picked, key=session_order))
        minutes = session_minutes(intensity, sum(item.seconds for item in items))
        day = inst.date_of(d)
        start = session_start(inst.runs, day, inst.profile.start_time, minutes)
        sessions.append(Session(
            date=day, start=start, minutes=minutes, intensity=intensity, exercises=items,
            why=session_why(inst, d, intensity, start=start, week=week),
            warmup_minutes=WARMUP_MINUTES[intensity]))
    return tuple(sessions), doses


def session_order(cand: Candidate) -> tuple[int, int]:
    """Jumps first while the legs are fresh, then the article's order of the 13 exercises."""
    return (0 if cand.exercise.plyometric else 1, cand.exercise.family_no)


def equipment_used(requirements: tuple[tuple[str, ...], ...], owned: frozenset[str]
                   ) -> tuple[str, ...]:
    """The item that meets each requirement: the runner's own kit first, else what every home
    has (floor, wall, step, chair), in the catalog's order of alternatives."""
    from planner.planning.wording import equipment_choice

    return tuple(equipment_choice(options, owned) for options in requirements)


def session_start(runs: tuple[Run, ...], day: date, preferred: time, minutes: int) -> time:
    """At the runner's strength time, or straight after that day's run when they would overlap.
    On a key-run day strength never comes first: "Avoid heavy leg work right before speed
    training, hill repeats, racing, or long runs", so it starts when the key run is over."""
    start = datetime_on(day, preferred)
    timed = sorted((r for r in runs if r.date == day and r.time), key=lambda r: r.time)
    key_ends = [datetime_on(day, r.time) + timedelta(minutes=r.minutes or DEFAULT_RUN_MINUTES)
                for r in timed if r.kind in KEY_RUNS]
    if key_ends and start < max(key_ends):
        start = max(key_ends)
    # "put harder strength training after an easy run": a run due soon after the session
    # would start goes first.
    soon = start + timedelta(minutes=minutes + SOON_AFTER_MINUTES)
    for run in timed:
        run_start = datetime_on(day, run.time)
        if start <= run_start < soon:
            start = max(start, run_start + timedelta(minutes=run.minutes or DEFAULT_RUN_MINUTES))
    end = start + timedelta(minutes=minutes)
    for run in timed:
        run_start = datetime_on(day, run.time)
        run_end = run_start + timedelta(minutes=run.minutes or DEFAULT_RUN_MINUTES)
        if run_start < end and start < run_end:
            start, end = run_end, run_end + timedelta(minutes=minutes)
    if start.date() != day:  # a late run pushes past midnight: keep the preferred time
        return preferred
    return start.time()


def datetime_on(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock)


def _read_penalties(wm: WeekModel, solver: cp_model.CpSolver) -> tuple[Penalty, ...]:
    paid = []
    for term in wm.soft_terms:
        value = solver.value(term.literal)
        if value:
            paid.append(Penalty(term.rule, term.weight * value, term.text))
    return tuple(sorted(paid, key=lambda p: (rule_sort_key(p.rule), -p.cost, p.text)))
