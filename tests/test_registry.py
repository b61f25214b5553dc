"""The rule registry holds the project to its word: every rule id is declared once, on the
function that models it; docs/rules.md lists the same ids, functions and weights; and every
rule has tests that fail when the rule is taken out of the model."""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import constraints
from constraints import HARD_RULES, RULES, RULES_BY_ID, SOFT_RULES
from constraints.registry import hard_rule, rule_sort_key, soft_rule
from tests import test_rules, test_soft_rules

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
TABLE_ROW = re.compile(r"^\| ([HSB]\d+) \| (.+?) \|", re.M)


def docs_rows(heading: str) -> dict[str, str]:
    """id → second column of the table under `heading` in docs/rules.md."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return {rule: cell.strip("` ") for rule, cell in TABLE_ROW.findall(section)}


def test_every_id_is_declared_once_in_build_order() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert {f"H{n}" for n in range(1, 13)} <= set(ids), "every hard rule of RULES.md"
    assert {f"S{n}" for n in range(1, 7)} <= set(ids), "every soft rule of RULES.md"
    assert [rule.id[0] for rule in RULES] == sorted((r.id[0] for r in RULES), key="HBS".index)
    assert all(rule.kind == "hard" for rule in HARD_RULES)
    assert all(rule.kind == "soft" and rule.weight > 0 for rule in SOFT_RULES)


def test_each_rule_is_modelled_by_a_function_named_after_it() -> None:
    for rule in RULES:
        assert rule.add.__name__.startswith(f"add_{rule.id.lower()}_"), rule.function
        module = inspect.getmodule(rule.add)
        assert module is not None and module.__name__ == f"constraints.{rule.family}"
        assert rule.id in (inspect.getdoc(rule.add) or ""), f"{rule.function} cites {rule.id}"


def test_a_second_declaration_of_an_id_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        hard_rule("H1", "again")(lambda wm: None)
    with pytest.raises(ValueError, match="H and B ids are hard"):
        soft_rule("H99", "a hard id declared soft", weight=1)
    with pytest.raises(ValueError, match="not a rule id"):
        hard_rule("X1", "no such family")


def test_docs_hard_table_names_each_rules_function() -> None:
    assert docs_rows("## Hard rules") == {rule.id: rule.function for rule in HARD_RULES}


def test_docs_soft_table_gives_each_rules_weight() -> None:
    rows = docs_rows("## Soft objectives")
    assert set(rows) == {rule.id for rule in SOFT_RULES}
    for rule in SOFT_RULES:
        first_weight = int(rows[rule.id].split()[0].replace(",", ""))
        assert first_weight == rule.weight, f"docs/rules.md says {rows[rule.id]} for {rule.id}"


def test_docs_list_every_rule_beyond_the_article() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Rules beyond the article", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| (B\d+) \|.*$", section, re.M)}
    assert {rule.id for rule in RULES if rule.id.startswith("B")} <= set(rows)
    for rule_id, row in rows.items():
        # A block rule that is not a constraint says where it lives instead.
        assert rule_id in RULES_BY_ID or "planner/" in row, f"{rule_id} is modelled nowhere"


# -- removing a rule makes its tests fail -----------------------------------------------------

def _calls(fn: Callable[..., None], catalog) -> Iterator[Callable[[], None]]:
    """Each way pytest would call a test function: its parametrize cases, with the catalog."""
    cases: list[dict] = [{}]
    for mark in getattr(fn, "pytestmark", []):
        if mark.name == "parametrize":
            names = [n.strip() for n in mark.args[0].split(",")] if isinstance(
                mark.args[0], str) else list(mark.args[0])
            values = [v if len(names) > 1 else (v,) for v in mark.args[1]]
            cases = [{**case, **dict(zip(names, v, strict=True))} for case in cases
                     for v in values]
    wants_catalog = "catalog" in inspect.signature(fn).parameters
    for case in cases:
        kwargs = {**case, **({"catalog": catalog} if wants_catalog else {})}
        yield lambda kwargs=kwargs: fn(**kwargs)


def witnesses(rule_id: str, catalog) -> list[Callable[[], None]]:
    """The tests that speak for a rule: test_<id>_… in test_rules / test_soft_rules, and its
    forced miss."""
    prefix = f"test_{rule_id.lower()}_"
    found = [call for module in (test_rules, test_soft_rules)
             for name, fn in sorted(vars(module).items())
             if name.startswith(prefix) and inspect.isfunction(fn)
             for call in _calls(fn, catalog)]
    if rule_id in test_soft_rules.MISSES:
        found.append(lambda: test_soft_rules.test_a_forced_miss_pays_the_rules_named_penalty(
            catalog, rule_id))
    return found


@pytest.mark.parametrize("rule_id", sorted(RULES_BY_ID, key=rule_sort_key))
def test_removing_the_rule_fails_its_tests(catalog, rule_id: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    calls = witnesses(rule_id, catalog)
    assert calls, f"{rule_id} has no test of its own (test_{rule_id.lower()}_… in test_rules.py)"

    def removed(rules: tuple) -> tuple:
        return tuple(dataclasses.replace(r, add=lambda wm: None) if r.id == rule_id else r
                     for r in rules)

    monkeypatch.setattr(constraints, "HARD_RULES", removed(constraints.HARD_RULES))
    monkeypatch.setattr(constraints, "SOFT_RULES", removed(constraints.SOFT_RULES))
    monkeypatch.setitem(RULES_BY_ID, rule_id, removed((RULES_BY_ID[rule_id],))[0])
    failed = 0
    for call in calls:
        try:
            call()
        except AssertionError:
            failed += 1
    assert failed, f"with {rule_id} taken out of the model, none of its {len(calls)} tests fail"


def test_every_hard_rule_has_a_solver_free_check() -> None:
    from planner.checker import CHECKS

    assert set(CHECKS) == {rule.id for rule in HARD_RULES}
