"""The CP-SAT model of one week: variables, then every rule from constraints/ added by name.

Decision variables (all Boolean):
- session[d], heavy[d], light[d]: a strength session on day d and its intensity;
- inc[d, f, i]: family f is in the day-d session, which has intensity i;
- pick[f, i][c]: this week's prescription for family f at intensity i is candidate c
  (a variation + dose from planner.planning.progression); one prescription per family and
  intensity per week, so H9 can compare it with last week's.

Hard rules are added with `WeekModel.require`, which attaches the rule's guard literal
when the model is built for a diagnosis; soft objectives are named penalty terms added
with `WeekModel.penalize`, so the plan can list every cost it paid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ortools.sat.python import cp_model

from planner.domain import INTENSITIES, Dose, Exercise, Profile
from planner.planning.instance import FamilyKey, WeekInstance
from planner.planning.progression import Candidate, candidates_for

# A sum of literals as one expression: Python's sum() chains one expression object per term.
total = cp_model.LinearExpr.sum


# Bounded: a 16-week block asks a few hundred questions; a long-running web app must not
# keep every runner's ladders.
@lru_cache(maxsize=2048)
def _candidates(family: tuple[Exercise, ...], intensity: str, profile: Profile,
                previous: Dose | None, deload: bool, adherence: str,
                resume: Dose | None, taper: bool = False) -> tuple[Candidate, ...]:
    """candidates_for, once per distinct question: a block asks the same one week after
    week whenever a family's dose stands still (held, at the top of its ladder, new)."""
    return tuple(candidates_for(family, intensity, profile, previous, deload, adherence,
                                resume, taper=taper))


def _with_eased_doses(cands: tuple[Candidate, ...], niggles: frozenset[str],
                      previous: Dose | None) -> tuple[Candidate, ...]:
    """Beside each prescription, the same with the niggles' range and tempo limits (H30
    then keeps only those), so a niggle eases the dose instead of emptying a family."""
    from dataclasses import replace

    from planner.niggles import eased_dose
    from planner.planning.progression import dose_changes, exercise_seconds

    seen = {c.dose for c in cands}
    extra = []
    for cand in cands:
        dose = eased_dose(cand.exercise, cand.dose, niggles)
        if dose in seen:
            continue
        seen.add(dose)
        changes = dose_changes(previous, dose) if previous is not None else ()
        extra.append(replace(cand, dose=dose,
                             seconds=exercise_seconds(cand.exercise, dose, cand.rest_s),
                             changes=changes, progressed=False))
    return cands + tuple(extra)


_BOOLEAN = cp_model.Domain(0, 1)


class _PlainCpModel(cp_model.CpModel):
    """A CpModel without the deprecated CamelCase aliases (AddBoolOr…) that ortools binds
    onto every new model: about a millisecond a week, and nothing here calls them."""

    def _add_pre_pep8_methods(self) -> None:
        pass

    def new_bool_var(self, name: str) -> cp_model.IntVar:
        # ortools builds a new Domain(0, 1) for each of a week's ~400 Booleans
        return cp_model.IntVar(self.model_proto).with_name(name).with_domain(_BOOLEAN)


@dataclass(frozen=True)
class SoftTerm:
    rule: str
    weight: int
    literal: cp_model.IntVar  # 0/1 (or small int) whose value × weight is the cost
    text: str


class WeekModel:
    def __init__(self, inst: WeekInstance, guard_rules: Iterable[str] = (),
                 required_sessions: int | None = None,
                 closed: frozenset[tuple[int, str]] = frozenset(),
                 refused: tuple[Callable[[FamilyKey, Candidate], bool], ...] = ()) -> None:
        self.inst = inst
        self.model: cp_model.CpModel = _PlainCpModel()
        # One literal per hard rule when diagnosing: assumed true, so the solver can name
        # the rules whose conjunction leaves no plan.
        self.guards = {rule: self.model.new_bool_var(f"rule_{rule}") for rule in guard_rules}
        self.soft_terms: list[SoftTerm] = []
        # Structure that several rules build on (e.g. the slot matching of S10 and S11).
        self.shared: dict[str, Any] = {}
        m = self.model
        # (day, intensity) sessions a hard rule forbids outright (constraints' `closes`):
        # their literals are the constant `off` and nothing is built on them, so a week
        # with three key-run eves builds and searches about half the heavy side.
        self.closed = closed
        # Tests of the prescriptions a hard rule forbids outright (constraints' `refuses`):
        # never offered, so no pick literal, no cost term and no time budget for them.
        self.refused = refused
        self.off = m.new_constant(0)
        self.session: list[cp_model.IntVar] = []
        self.heavy: list[cp_model.IntVar] = []
        self.light: list[cp_model.IntVar] = []
        for d in inst.days:
            heavy_open, light_open = self.open(d, "heavy"), self.open(d, "light")
            heavy = m.new_bool_var(f"heavy_{d}") if heavy_open else self.off
            light = m.new_bool_var(f"light_{d}") if light_open else self.off
            if heavy_open and light_open:
                session = m.new_bool_var(f"session_{d}")
                m.add(heavy + light == session)
            else:
                session = heavy if heavy_open else light
            self.session.append(session)
            self.heavy.append(heavy)
            self.light.append(light)
        self.candidates: dict[FamilyKey, list[Candidate]] = {}
        # Every prescription the ladders offer, pruned or not: what a soft rule's words and
        # costs ask about ("nothing harder is open", "no plyometric this week") is the
        # same question with or without pruning, so the plan's costs read the same.
        self.offered: dict[FamilyKey, tuple[Candidate, ...]] = {}
        self.pick: dict[FamilyKey, list[cp_model.IntVar]] = {}
        self.use: dict[FamilyKey, cp_model.IntVar] = {}
        self.inc: dict[tuple[int, int, str], cp_model.IntVar] = {}
        # Per family key: each variation with its pick literals, in candidate order (the
        # candidates are sorted by variation), so a test on the exercise runs once each.
        self._by_variation: dict[FamilyKey, list[tuple[Exercise, list[cp_model.IntVar]]]] = {}
        self.required_sessions = required_sessions
        self._build_structure()

    # -- structure: definitions, not rules ---------------------------------------------
    def _build_structure(self) -> None:
        m, inst = self.model, self.inst
        new_bool_var, add_bool_and = m.new_bool_var, m.add_bool_and
        closed, off = self.closed, self.off
        hold, regress = inst.carry.hold, inst.carry.regress
        for f in inst.families:
            family = inst.family(f)
            for i in INTENSITIES:
                key = (f, i)
                adherence = ("hold" if key in hold else "regress" if key in regress
                             else "drop" if key in inst.carry.drop else "")
                cands = _candidates(family, i, inst.profile, inst.carry.doses.get(key),
                                    inst.deload, adherence, inst.carry.resume.get(key),
                                    inst.taper)
                if inst.profile.niggles:
                    cands = _with_eased_doses(cands, inst.profile.niggles,
                                              inst.carry.doses.get(key))
                self.offered[key] = cands
                if self.refused:
                    cands = tuple(c for c in cands
                                  if not any(test(key, c) for test in self.refused))
                self.candidates[key] = list(cands)
                picks = [new_bool_var(f"pick_{f}_{i}_{n}") for n in range(len(cands))]
                self.pick[key] = picks
                groups: list[tuple[Exercise, list[cp_model.IntVar]]] = []
                for cand, lit in zip(cands, picks, strict=True):
                    if groups and groups[-1][0] is cand.exercise:
                        groups[-1][1].append(lit)
                    else:
                        groups.append((cand.exercise, [lit]))
                self._by_variation[key] = groups
                use = self.use[key] = new_bool_var(f"use_{f}_{i}")
                m.add(total(picks) == use)
                intensity_of = self.heavy if i == "heavy" else self.light
                day_lits = []
                for d in inst.days:
                    if (d, i) in closed:
                        self.inc[(d, f, i)] = off
                        continue
                    lit = new_bool_var(f"inc_{d}_{f}_{i}")
                    self.inc[(d, f, i)] = lit
                    add_bool_and([intensity_of[d], use]).only_enforce_if(lit)
                    day_lits.append(lit)
                # A prescription exists only if some session of that intensity uses it.
                m.add(use <= total(day_lits))
                # An easier prescription offered for a key run's eve is only for such a day.
                eves = [lit for lit, cand in zip(picks, cands, strict=True)
                        if cand.reason == "eve"]
                for d in inst.days:
                    if eves and (d, i) not in closed and not inst.is_eve_of_key_run(d):
                        for lit in eves:
                            m.add_bool_or([~lit, ~self.inc[(d, f, i)]])
        inc = self.inc
        for d in inst.days:
            if (d, "heavy") in closed or (d, "light") in closed:
                continue
            for f in inst.families:
                # One family once per session: two variations of a squat is one squat too many.
                m.add(inc[(d, f, "heavy")] + inc[(d, f, "light")] <= 1)
        if self.required_sessions is not None:
            m.add(total(self.session) >= self.required_sessions)

    # -- helpers for constraint modules ---------------------------------------------------
    def open(self, day: int, intensity: str) -> bool:
        """False when a hard rule forbids a session of that intensity that day outright."""
        return (day, intensity) not in self.closed

    def intensity(self, day: int, intensity: str) -> cp_model.IntVar:
        return self.heavy[day] if intensity == "heavy" else self.light[day]

    def guard(self, rule: str) -> list[cp_model.IntVar]:
        lit = self.guards.get(rule)
        return [lit] if lit is not None else []

    def require(self, rule: str, constraint: cp_model.Constraint) -> cp_model.Constraint:
        """Tag a hard constraint with its rule, so a diagnosis can switch it on and off."""
        guard = self.guard(rule)
        if guard:
            constraint.only_enforce_if(guard)
        return constraint

    def penalize(self, rule: str, weight: int, literal: cp_model.IntVar, text: str) -> None:
        self.soft_terms.append(SoftTerm(rule, weight, literal, text))

    def picks_where(self, key: FamilyKey,
                    test: Callable[[Candidate], bool]) -> list[cp_model.IntVar]:
        return [lit for lit, cand in zip(self.pick[key], self.candidates[key], strict=True)
                if test(cand)]

    def exercise_picks(self, key: FamilyKey,
                       test: Callable[[Exercise], bool]) -> list[cp_model.IntVar]:
        # A family offers a few variations in many doses: test each variation once.
        picked: list[cp_model.IntVar] = []
        for exercise, lits in self.variations(key):
            if test(exercise):
                picked.extend(lits)
        return picked

    def variations(self, key: FamilyKey) -> list[tuple[Exercise, list[cp_model.IntVar]]]:
        """Each variation offered for `key`, with the pick literals of its doses."""
        return self._by_variation[key]

    def session_hits(self, intensity: str, test: Callable[[Exercise], bool],
                     per_family: bool = False) -> list[list[Any]]:
        """For each day, literals (one per family) true when that day's session holds the
        family in a variation passing `test`; with `per_family`, (family_no, literal) pairs.
        A family whose every candidate passes needs no new variable: its inclusion literal
        is the hit."""
        by_day: list[list[Any]] = [[] for _ in self.inst.days]
        for f in self.inst.families:
            key = (f, intensity)
            passing = self.exercise_picks(key, test)
            if not passing:
                continue
            every = len(passing) == len(self.pick[key])
            any_passing = total(passing)
            for d in self.inst.days:
                if (d, intensity) in self.closed:
                    continue
                inc = self.inc[(d, f, intensity)]
                if every:
                    hit = inc
                else:
                    hit = self.model.new_bool_var(f"hit_{d}_{f}_{intensity}")
                    self.model.add_implication(hit, inc)
                    self.model.add(hit <= any_passing)
                by_day[d].append((f, hit) if per_family else hit)
        return by_day

    def ever_offered(self, test: Callable[[FamilyKey, Candidate], bool]) -> bool:
        """Whether the ladders offer a prescription passing `test`, pruned or not."""
        return any(test(key, cand) for key, cands in self.offered.items() for cand in cands)

    def family_keys(self) -> Iterable[FamilyKey]:
        return self.candidates.keys()

    def day_families(self, day: int) -> list[cp_model.IntVar]:
        return [self.inc[(day, f, i)] for f in self.inst.families for i in INTENSITIES]

    def objective(self) -> cp_model.LinearExprT:
        terms = self.soft_terms
        return cp_model.LinearExpr.weighted_sum([term.literal for term in terms],
                                                [term.weight for term in terms])

