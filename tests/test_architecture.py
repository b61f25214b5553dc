"""The layout keeps its promises: the import-linter contracts of pyproject.toml hold, every
module sits in a layer, no import circle, and no source module grows past 600 lines."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: import-linter brings tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("planner", "constraints")
MAX_LINES = 600


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)


def test_import_linter_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    from importlinter import cli

    code = cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                            no_logo=True)
    assert code == 0, capsys.readouterr().out


def test_every_module_has_a_layer() -> None:
    [layers] = [c for c in contracts() if c["type"] == "layers" and "containers" not in c]
    named = {name.strip() for layer in layers["layers"]
             for name in layer.replace("|", ":").split(":")}
    for module in sorted(graph().modules):
        if module in PACKAGES or module.startswith("planner.web.migrations"):
            continue
        owners = [n for n in named if module == n or module.startswith(n + ".")]
        assert owners, f"{module} is in no layer of pyproject.toml's layers contract"


def test_no_import_circles() -> None:
    imports = graph()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(imports.find_modules_directly_imported_by(module)):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(imports.modules):
        if module not in index:
            visit(module)
    assert not circles, f"import circles: {circles}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_source_module_over_600_lines(package: str) -> None:
    long = {str(path.relative_to(ROOT)): lines
            for path in sorted((ROOT / package).rglob("*.py"))
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these by what they do: {long}"


def test_the_layout_docs_name_real_files() -> None:
    import re

    for doc in (ROOT / "docs" / "layout.md", ROOT / "README.md"):
        text = doc.read_text(encoding="utf-8")
        named = set(re.findall(r"\b((?:planner|constraints)/[\w/]*?\w+(?:\.py|/))", text))
        missing = sorted(name for name in named if not (ROOT / name).exists())
        assert not missing, f"{doc.name} names files that do not exist: {missing}"


def test_planner_top_level_stays_small() -> None:
    """The folders show the layers: planner/ keeps a handful of modules at its top level
    (the package, `python -m`, the plain data, the errors, the one pipeline); everything
    else sits in the package named for its layer."""
    top = sorted(path.name for path in (ROOT / "planner").glob("*.py"))
    assert len(top) <= 8, f"planner/ has {len(top)} top-level modules: {top}"
