"""Every hard rule and soft objective of the week model, one named function each.

Each rule is declared once, by `@hard_rule` / `@soft_rule` (constraints/registry.py) on the
function in its family's module that adds its constraints (hard) or named penalty terms
(soft). Importing this package imports every family, so the registry below is complete.
The ids of ../shared/RULES.md, and those beyond it (B*, S7+), are documented in
docs/rules.md, whose tables tests/test_registry.py holds to this registry.
"""

from __future__ import annotations

from collections.abc import Iterable

from constraints import (  # noqa: F401  (imported for their @hard_rule/@soft_rule declarations)
    composition,
    continuity,
    coverage,
    deload_and_taper,
    eligibility,
    frequency,
    key_runs,
    niggles,
    placement,
    season,
    session_shape,
    week_to_week,
)
from constraints.registry import Rule, declared_rules, rule_sort_key
from planner.planning.instance import WeekInstance
from planner.planning.model import WeekModel

RULES: tuple[Rule, ...] = declared_rules()
HARD_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.kind == "hard")
SOFT_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.kind == "soft")
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

__all__ = ["HARD_RULES", "RULES", "RULES_BY_ID", "SOFT_RULES", "Rule", "build_week_model",
           "rule_sort_key"]


def build_week_model(inst: WeekInstance, *, disabled: frozenset[str] = frozenset(),
                     guard_rules: Iterable[str] = (),
                     required_sessions: int | None = None,
                     with_objective: bool = True, prune: bool = True) -> WeekModel:
    """Every hard rule, then every soft objective, each added by its own named function.

    With `prune`, the sessions and prescriptions an active hard rule forbids outright (its
    `closes` and `refuses`) are left out before the model is built; a rule that is
    disabled or guarded (a diagnosis switches it off) prunes nothing, so switching it off
    really frees them."""
    guard_rules = tuple(guard_rules)
    closed = frozenset(
        pair for rule in HARD_RULES
        if rule.closes is not None and rule.id not in disabled
        and rule.id not in guard_rules
        for pair in rule.closes(inst)) if prune else frozenset()
    refused = tuple(
        test for rule in HARD_RULES
        if rule.refuses is not None and rule.id not in disabled and rule.id not in guard_rules
        and (test := rule.refuses(inst)) is not None) if prune else ()
    wm = WeekModel(inst, guard_rules=guard_rules, required_sessions=required_sessions,
                   closed=closed, refused=refused)
    for rule in HARD_RULES:
        if rule.id not in disabled:
            rule.add(wm)
    if with_objective:
        for soft in SOFT_RULES:
            if soft.id not in disabled:
                soft.add(wm)
        wm.model.minimize(wm.objective())
    return wm
