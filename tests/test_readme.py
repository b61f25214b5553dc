"""The README is the runner's and coach's manual: its commands, its options table and its
printed examples are held to the program, so they cannot drift from `--help` and the real
output."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from planner.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = ["plan", str(ROOT / "examples" / "intermediate-week.csv"), "--level", "intermediate",
           "--equipment", "dumbbell,band"]


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README, re.S | re.M)


def readme_commands() -> list[list[str]]:
    """Every `runstrong …` line of the README's shell blocks, as argument lists."""
    commands = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith("runstrong "):
                commands.append(shlex.split(line)[1:])
    return commands


def options_of(command: click.Command) -> set[str]:
    return {opt for param in command.params if isinstance(param, click.Option)
            for opt in param.opts + param.secondary_opts} | {"-h", "--help"}


def section(title: str) -> str:
    return README.split(f"\n## {title}", 1)[1].split("\n## ", 1)[0]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The README's examples were printed on a machine set to UTC, without --tz.
    env = {**os.environ, "TZ": "Etc/UTC", "RUNSTRONG_DEBUG": ""}
    return subprocess.run([sys.executable, "-m", "planner", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_every_readme_command_exists_with_the_options_it_shows() -> None:
    commands = readme_commands()
    assert len(commands) >= 10
    assert isinstance(main, click.Group)
    for args in commands:
        name = args[0]
        assert name in main.commands, f"README runs `runstrong {name}`, which does not exist"
        command = main.commands[name]
        known = options_of(command)
        used = {arg.split("=", 1)[0] for arg in args[1:] if arg.startswith("-") and arg != "-"}
        assert used <= known, f"`runstrong {' '.join(args)}`: {sorted(used - known)} unknown"


def test_the_options_table_is_plans_help() -> None:
    table = section("Options (`runstrong plan --help`)")
    first_cells = re.findall(r"^\| (`[^|]+`) \|", table, re.M)
    shown = {token for cell in first_cells for token in re.findall(r"`(--?[a-z][a-z-]*)", cell)}
    real = options_of(main.commands["plan"]) - {"-h", "--help"}
    assert shown == real, (f"missing from the README: {sorted(real - shown)}; "
                           f"not options of plan: {sorted(shown - real)}")


def test_the_first_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    shown = blocks("text")[0]
    result = run([*EXAMPLE, "--json", "plan.json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown
    [tuesday] = [line for line in shown.splitlines() if line.startswith("Tue ")]
    assert "main 19:15" in tuesday, "the prose below names Tuesday's session"
    assert "on Tuesday evening" in README and "on Friday after the 07:00 easy run" in README


def test_the_exit_3_example_is_what_runstrong_prints(tmp_path: Path) -> None:
    shown = section("Exit codes").split("```text\n", 1)[1].split("```", 1)[0]
    result = run([*EXAMPLE, "--minutes", "10"], tmp_path)
    assert result.returncode == 3
    printed = [line for line in result.stderr.splitlines() if not line.startswith("note:")]
    assert printed == shown.splitlines()
    assert not list(tmp_path.iterdir()), "exit 3 writes nothing"


def test_the_check_example_is_what_check_prints(tmp_path: Path) -> None:
    text = section("Check, explain, catalog")
    assert "Moving the Tuesday main session of the example to Saturday gives:" in text
    shown = text.split("```text\n", 1)[1].split("```", 1)[0]
    assert run([*EXAMPLE, "--json", "plan.json"], tmp_path).returncode == 0
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    [main_session] = [s for s in plan["weeks"][0]["sessions"] if s["intensity"] == "heavy"]
    assert main_session["date"] == "2026-12-01", "the example's main session is on Tuesday"
    main_session["date"] = "2026-12-05"
    (tmp_path / "moved.json").write_text(json.dumps(plan), encoding="utf-8")
    result = run(["check", "moved.json"], tmp_path)
    assert result.returncode == 1
    assert result.stdout == shown


def test_readme_says_which_tests_need_the_article() -> None:
    text = section("For developers")
    assert "leg-exercises-for-runners.txt" in text and "skip" in text


@pytest.mark.parametrize("name", sorted(main.commands) if isinstance(main, click.Group) else [])
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"runstrong {name}" in README
