"""Solve a week and turn the solver's answer into plain plan data
(planner/solving/diagnosis.py says why a
week holds fewer sessions).

Determinism: one worker, a fixed seed and a deterministic time limit, so the same input
gives the same plan on any machine (maintainers: parallel search is not deterministic).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from ortools.sat.python import cp_model

import constraints
from constraints import build_week_model, rule_sort_key
from planner.domain import (
    DEFAULT_GAP_MINUTES,
    FATIGUING_RUNS,
    KEY_RUNS,
    NEXT_DAY_FATIGUING_RUNS,
    WEEKDAYS,
    Dose,
    Penalty,
    PlannedExercise,
    Run,
    Session,
)
from planner.planning.instance import Carry, FamilyKey, WeekInstance
from planner.planning.model import WeekModel
from planner.planning.progression import (
    WARMUP_MINUTES,
    Candidate,
    is_advanced_main_lift,
    named_weight,
)
from planner.planning.wording import equipment_used, run_name, with_article
from planner.solving.why_lines import exercise_why, next_step, session_why

SEED = 20240611
DETERMINISTIC_TIME_LIMIT = 20.0  # deterministic units, not seconds: same stop on every machine
DEFAULT_RUN_MINUTES = 60
SOON_AFTER_MINUTES = 120  # a run starting within this of a session's end goes first
# A session starting this soon after a run ends is done on legs still warm from it.
STILL_WARM_MINUTES = 60
FULL_WARMUP = max(WARMUP_MINUTES.values())  # as H12 budgets it (constraints.session_shape)


def solver_parameters(solver: cp_model.CpSolver) -> None:
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.max_deterministic_time = DETERMINISTIC_TIME_LIMIT
    # Measured on 16-week blocks: probing, symmetry detection and LP relaxation cost more
    # than they save on these small week models (24 ms -> 13 ms a week); all deterministic.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.linearization_level = 0
    # Issue 24: presolve cost more than the whole search on these ~600-literal models
    # (about half of every solve), and searching up from the objective's lower bound
    # proves optimality sooner than improving down from the first plan: 20 ms -> 9 ms a
    # week on bench_batch's squad, the same optimum. Where the objective ties, the plan
    # found may be another (accepted once, with the golden outputs re-blessed); still one
    # worker and a seed, so the same plan on any machine and for any --jobs or cluster.
    solver.parameters.cp_model_presolve = False
    solver.parameters.use_objective_lb_search = True
    # Clause inprocessing (vivification, subsumption between restarts) pays off on long
    # searches, not on a search of a few thousand conflicts: 9.7 ms -> 6.5 ms a week.
    solver.parameters.use_sat_inprocessing = False


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
    """The best week under every rule; `also` adds constraints for what-if questions.

    A week instance this process has already solved is answered from WEEK_CACHE: a club's
    squad shares run templates, so many athletes' weeks are the same instance (everything
    but the athlete's name). The solve is deterministic, so the answer is the one a
    fresh solve would give, byte for byte, whatever --jobs or cluster worker plans it."""
    if also is not None or not REUSE:
        return _solve(inst, also)
    builders = (constraints.HARD_RULES, constraints.SOFT_RULES, build_week_model)
    if any(now is not then for now, then in zip(builders, _CACHED_WITH, strict=True)):
        # other rules or another model builder (a test taking a rule out) build other
        # models: what was solved before no longer answers
        WEEK_CACHE.clear()
        _CACHED_WITH[:] = builders
    key = instance_key(inst)
    found = WEEK_CACHE.get(key)
    if found is not None:
        WEEK_CACHE.move_to_end(key)
        return dataclasses.replace(found, solve_seconds=0.0)
    result = _solve(inst, None)
    WEEK_CACHE[key] = result
    if len(WEEK_CACHE) > WEEK_CACHE_SIZE:
        WEEK_CACHE.popitem(last=False)
    return result


# RUNSTRONG_WEEK_REUSE=0 solves every week afresh (for benchmarks measuring the reuse).
REUSE = os.environ.get("RUNSTRONG_WEEK_REUSE", "1") != "0"
WEEK_CACHE_SIZE = 4096  # weeks; a result is a few kB
WEEK_CACHE: OrderedDict[str, WeekResult] = OrderedDict()
_CATALOG_KEYS: dict[int, tuple[tuple[Any, ...], str]] = {}
_CACHED_WITH: list[Any] = [None, None, None]  # the rules and builder WEEK_CACHE holds


def instance_key(inst: WeekInstance) -> str:
    """A canonical hash of everything the week's model is built from: every field of the
    instance (so a field added later is in the key without a change here), the profile
    without the athlete's name (no rule reads it), sets and mappings in sorted order."""
    parts = []
    for item in dataclasses.fields(inst):
        value = getattr(inst, item.name)
        if item.name == "profile":
            value = dataclasses.replace(value, athlete="")
        elif item.name == "exercises":
            value = _catalog_key(value)
        parts.append((item.name, _canonical(value)))
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _catalog_key(exercises: tuple[Any, ...]) -> str:
    """The catalog's hash, once per catalog object (a batch shares one)."""
    known = _CATALOG_KEYS.get(id(exercises))
    if known is None or known[0] is not exercises:
        digest = hashlib.sha256(repr(_canonical(exercises)).encode("utf-8")).hexdigest()
        known = _CATALOG_KEYS[id(exercises)] = (exercises, digest)
    return known[1]


def _canonical(value: Any) -> Any:
    """Plain nested tuples with a stable order: equal instances give equal reprs in any
    process (a frozenset's own order follows string hashing, which varies per process)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple((f.name, _canonical(getattr(value, f.name)))
                                            for f in dataclasses.fields(value)))
    if isinstance(value, Mapping):
        return ("map", tuple(sorted(((_canonical(k), _canonical(v)) for k, v in value.items()),
                                    key=repr)))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((_canonical(v) for v in value), key=repr)))
    if isinstance(value, (tuple, list)):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


def _solve(inst: WeekInstance, also: Callable[[WeekModel], None] | None) -> WeekResult:
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
        items = tuple(_planned(inst, c, intensity) for c in sorted(picked, key=session_order))
        work_minutes = math.ceil(sum(item.seconds for item in items) / 60)
        day = inst.date_of(d)
        gap = inst.profile.gap_minutes
        # Placed with the full warm-up H12 budgets; a shorter one only ends it sooner.
        start = session_start(inst.runs, day, inst.profile.start_time,
                              FULL_WARMUP + work_minutes, gap=gap)
        after_run = follows_a_run(inst.runs, day, start)
        warmup = warmup_minutes(intensity, after_run)
        sessions.append(Session(
            date=day, start=start, minutes=warmup + work_minutes, intensity=intensity,
            exercises=items, why=session_why(inst, d, intensity, start=start, week=week),
            warmup_minutes=warmup, after_run=after_run))
    line = no_power_line(inst, sessions)
    if line:
        first = sessions[0]
        sessions[0] = replace(first, why=f"{first.why}; {line}" if first.why else line)
    return tuple(sessions), doses


def _planned(inst: WeekInstance, c: Candidate, intensity: str) -> PlannedExercise:
    step = next_step(inst, c, intensity)  # said in the why-line and kept on its own
    return PlannedExercise(
        exercise=c.exercise, dose=c.dose, rest_s=c.rest_s, minutes=c.minutes,
        why=exercise_why(inst, c, intensity, step),
        equipment_used=equipment_used(c.exercise.equipment, inst.profile.equipment),
        weight_kg=named_weight(c.exercise, c.dose.load, inst.profile),
        seconds=c.seconds, next_step=step,
        heavier_start=is_advanced_main_lift(c.exercise, inst.profile.level, intensity))


def _runs_words(kinds: frozenset[str]) -> str:
    return " and ".join(with_article(run_name(kind)) for kind in sorted(kinds))


def no_power_line(inst: WeekInstance, sessions: list[Session]) -> str:
    """Why a week holds no power work when no day allowed it ("a small amount of power
    training when appropriate"): each session day named with the rule that keeps jumps
    off it. A week where jumps were allowed but left out says so under S12 instead;
    beginners skip jumping (H6) and are not told so every week."""
    if inst.profile.level == "beginner" or not sessions:
        return ""
    if any(item.exercise.plyometric for s in sessions for item in s.exercises):
        return ""
    if not all(inst.jumps_forbidden(d) for d in inst.days):
        return ""
    reasons = []
    for session in sessions:
        d = (session.date - inst.start).days
        day = WEEKDAYS[d]
        if inst.in_taper(d):
            reasons.append(f"{day} is in race week (B4)" if inst.phase == "race"
                           else f"{day} is in the race taper (B2)")
        elif inst.is_eve_of_key_run(d):
            reasons.append(f"{day} is the eve of {_runs_words(inst.kinds(d + 1) & KEY_RUNS)} "
                           "(H1)")
        elif inst.is_fatigued(d):
            reasons.append(f"{day} already holds {_runs_words(inst.kinds(d) & FATIGUING_RUNS)} "
                           "(H7)")
        else:
            before = inst.kinds_the_day_before(d) & NEXT_DAY_FATIGUING_RUNS
            reasons.append(f"{day} is the day after {_runs_words(before)} (H7)")
    return (f"no power work this week: {', '.join(reasons)}, and no other day is free of a "
            "key run's eve or a hard run; jumps wait for fresher legs")


def session_order(cand: Candidate) -> tuple[int, int]:
    """Jumps first while the legs are fresh, then the article's order of the 13 exercises."""
    return (0 if cand.exercise.plyometric else 1, cand.exercise.family_no)


def warmup_minutes(intensity: str, after_run: bool) -> int:
    """The warm-up booked: the article's "5–8 minutes of easy movement" and drills take the
    full FULL_WARMUP; after a run (the run was the easy movement) a light session takes
    drills only, the short WARMUP_MINUTES["light"], and a main session keeps its minutes
    for drills and lighter practice sets."""
    if intensity == "light" and after_run:
        return WARMUP_MINUTES["light"]
    return FULL_WARMUP


def _run_end(day: date, run: Run) -> datetime:
    assert run.time is not None
    return datetime_on(day, run.time) + timedelta(minutes=run.minutes or DEFAULT_RUN_MINUTES)


def follows_a_run(runs: tuple[Run, ...], day: date, start: time) -> bool:
    """The session starts within STILL_WARM_MINUTES of the end of a run that day (its clock
    time known): the run was the warm-up's easy movement. A run that morning is not."""
    begin = datetime_on(day, start)
    window = timedelta(minutes=STILL_WARM_MINUTES)
    return any(begin - window <= _run_end(day, r) <= begin for r in runs
               if r.date == day and r.time is not None and r.kind != "rest")


def session_start(runs: tuple[Run, ...], day: date, preferred: time, minutes: int,
                  gap: int = DEFAULT_GAP_MINUTES) -> time:
    """At the runner's strength time, or `gap` minutes after that day's run when they would
    overlap (time to get home, change and drink). On a key-run day strength never comes
    first: "Avoid heavy leg work right before speed training, hill repeats, racing, or long
    runs", so it starts `gap` minutes after the key run is over."""
    start = datetime_on(day, preferred)
    pause = timedelta(minutes=gap)
    timed = sorted((r for r in runs if r.date == day and r.time and r.kind != "rest"),
                   key=lambda r: r.time)
    key_ends = [_run_end(day, r) + pause for r in timed if r.kind in KEY_RUNS]
    if key_ends and start < max(key_ends):
        start = max(key_ends)
    # "put harder strength training after an easy run": a run due soon after the session
    # would start goes first.
    soon = start + timedelta(minutes=minutes + SOON_AFTER_MINUTES)
    for run in timed:
        run_start = datetime_on(day, run.time)
        if start <= run_start < soon:
            start = max(start, _run_end(day, run) + pause)
    end = start + timedelta(minutes=minutes)
    for run in timed:
        run_start = datetime_on(day, run.time)
        # A session may end as a run starts, but starts only `gap` after a run ends.
        if run_start < end and start < _run_end(day, run) + pause:
            start = _run_end(day, run) + pause
            end = start + timedelta(minutes=minutes)
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
