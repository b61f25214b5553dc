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


class _PlainCpModel(cp_model.CpModel):
    """A CpModel without the deprecated CamelCase aliases (AddBoolOr…) that ortools binds
    onto every new model: about a millisecond a week, and nothing here calls them."""

    def _add_pre_pep8_methods(self) -> None:
        pass


@dataclass(frozen=True)
class SoftTerm:
    rule: str
    weight: int
    literal: cp_model.IntVar  # 0/1 (or small int) whose value × weight is the cost
    text: str


class WeekModel:
    def __init__(self, inst: WeekInstance, guard_rules: Iterable[str] = (),
                 required_sessions: int | None = None) -> None:
        self.inst = inst
        self.model: cp_model.CpModel = _PlainCpModel()
        # One literal per hard rule when diagnosing: assumed true, so the solver can name
        # the rules whose conjunction leaves no plan.
        self.guards = {rule: self.model.new_bool_var(f"rule_{rule}") for rule in guard_rules}
        self.soft_terms: list[SoftTerm] = []
        # Structure that several rules build on (e.g. the slot matching of S10 and S11).
        self.shared: dict[str, Any] = {}
        m = self.model
        self.session = [m.new_bool_var(f"session_{d}") for d in inst.days]
        self.heavy = [m.new_bool_var(f"heavy_{d}") for d in inst.days]
        self.light = [m.new_bool_var(f"light_{d}") for d in inst.days]
        self.candidates: dict[FamilyKey, list[Candidate]] = {}
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
        new_bool_var, add_implication = m.new_bool_var, m.add_implication
        for d in inst.days:
            m.add(self.heavy[d] + self.light[d] == self.session[d])
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
                    lit = new_bool_var(f"inc_{d}_{f}_{i}")
                    self.inc[(d, f, i)] = lit
                    add_implication(lit, intensity_of[d])
                    add_implication(lit, use)
                    day_lits.append(lit)
                # A prescription exists only if some session of that intensity uses it.
                m.add(use <= total(day_lits))
                # An easier prescription offered for a key run's eve is only for such a day.
                eves = [lit for lit, cand in zip(picks, cands, strict=True)
                        if cand.reason == "eve"]
                for d in inst.days:
                    if eves and not inst.is_eve_of_key_run(d):
                        for lit in eves:
                            m.add_bool_or([~lit, ~self.inc[(d, f, i)]])
        inc = self.inc
        for d in inst.days:
            for f in inst.families:
                # One family once per session: two variations of a squat is one squat too many.
                m.add(inc[(d, f, "heavy")] + inc[(d, f, "light")] <= 1)
        if self.required_sessions is not None:
            m.add(total(self.session) >= self.required_sessions)

    # -- helpers for constraint modules ---------------------------------------------------
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
                inc = self.inc[(d, f, intensity)]
                if every:
                    hit = inc
                else:
                    hit = self.model.new_bool_var(f"hit_{d}_{f}_{intensity}")
                    self.model.add_implication(hit, inc)
                    self.model.add(hit <= any_passing)
                by_day[d].append((f, hit) if per_family else hit)
        return by_day

    def family_keys(self) -> Iterable[FamilyKey]:
        return self.candidates.keys()

    def day_families(self, day: int) -> list[cp_model.IntVar]:
        return [self.inc[(day, f, i)] for f in self.inst.families for i in INTENSITIES]

    def objective(self) -> cp_model.LinearExprT:
        terms = self.soft_terms
        return cp_model.LinearExpr.weighted_sum([term.literal for term in terms],
                                                [term.weight for term in terms])

