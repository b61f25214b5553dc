"""Where every rule id is declared: once, by the decorator on the function that models it.

A constraint module declares each of its rules with `@hard_rule(...)` or `@soft_rule(...)`
on the named function that adds it to the week model: the id, a one-line title and (soft
rules) the cost of one miss. The family is the module the function lives in. This module
imports nothing from the model, so the registry can never pull the model back in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from planner.planning.instance import WeekInstance
    from planner.planning.model import WeekModel
    from planner.planning.progression import Candidate

AddRule = Callable[["WeekModel"], None]
# The (day, intensity) pairs a hard rule forbids outright for a week ("heavy" or "light"),
# read from the week's facts alone: build_week_model leaves them out of the model.
Closes = Callable[["WeekInstance"], Iterable[tuple[int, str]]]
# A test of (family key, candidate) true for the prescriptions a hard rule forbids outright
# for a week, or None when it forbids none: they are never offered to the model.
Refuses = Callable[["WeekInstance"],
                   "Callable[[tuple[int, str], Candidate], bool] | None"]
Kind = Literal["hard", "soft"]
RULE_ID = re.compile(r"(H|S|B)([1-9][0-9]*)")
# The model is built hard rules first (the article's H ids, then the block's B ids), then
# the soft objectives; the order of its variables is part of the plan's identity.
BUILD_ORDER = ("H", "B", "S")


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Kind
    family: str  # the constraints/ module that models it
    title: str
    add: AddRule
    weight: int = 0  # soft only: cost of one miss (its main term; see the module for others)
    # hard only: the sessions the rule forbids outright, pruned from the model before it
    # is built (the rule still adds its constraints, so a diagnosis can switch it off)
    closes: Closes | None = None
    refuses: Refuses | None = None  # hard only: the prescriptions it forbids outright

    @property
    def function(self) -> str:
        """Where to read it: `module.function`, as docs/rules.md names it."""
        return f"{self.family}.{self.add.__name__}"


_DECLARED: dict[str, Rule] = {}


def rule_sort_key(rule_id: str) -> tuple[str, int]:
    """The order rule ids are listed in to a reader: B, H, S, each by number (H2 < H10)."""
    match = RULE_ID.fullmatch(rule_id)
    if match is None:
        raise ValueError(f"{rule_id!r} is not a rule id (H1, S2, B3…)")
    return match.group(1), int(match.group(2))


def _build_order(rule: Rule) -> tuple[int, int]:
    prefix, number = rule_sort_key(rule.id)
    return BUILD_ORDER.index(prefix), number


def _declare(rule_id: str, kind: Kind, title: str, weight: int,
             closes: Closes | None = None,
             refuses: Refuses | None = None) -> Callable[[AddRule], AddRule]:
    rule_sort_key(rule_id)  # reject malformed ids at import time
    if (kind == "hard") != rule_id.startswith(("H", "B")):
        raise ValueError(f"{rule_id} cannot be a {kind} rule: H and B ids are hard, S soft")

    def register(add: AddRule) -> AddRule:
        if rule_id in _DECLARED:
            raise ValueError(f"rule {rule_id} declared twice: {_DECLARED[rule_id].function} "
                             f"and {add.__module__}.{add.__name__}")
        family = add.__module__.rpartition(".")[2]
        _DECLARED[rule_id] = Rule(rule_id, kind, family, title, add, weight, closes,
                                  refuses)
        return add

    return register


def hard_rule(rule_id: str, title: str, closes: Closes | None = None,
              refuses: Refuses | None = None) -> Callable[[AddRule], AddRule]:
    """Declare the decorated function as the one that adds hard rule `rule_id`; `closes`
    names the (day, intensity) sessions and `refuses` the prescriptions it forbids
    outright, so they are never built."""
    return _declare(rule_id, "hard", title, 0, closes, refuses)


def soft_rule(rule_id: str, title: str, *, weight: int) -> Callable[[AddRule], AddRule]:
    """Declare the decorated function as the one that adds soft objective `rule_id`."""
    if weight <= 0:
        raise ValueError(f"soft rule {rule_id} needs a positive weight")
    return _declare(rule_id, "soft", title, weight)


def declared_rules() -> tuple[Rule, ...]:
    return tuple(sorted(_DECLARED.values(), key=_build_order))
