"""The README and the guides in docs/ are the runner's and coach's manual: their commands,
the options table and every printed example are held to the program, so they cannot drift
from `--help` and the real output."""

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
# The README first, then every guide it links to: one manual, held as a whole.
PAGES = {"README.md": README} | {
    f"docs/{path.name}": path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "docs").glob("*.md"))}
MANUAL = "\n".join(PAGES.values())
EXAMPLE = ["plan", str(ROOT / "examples" / "intermediate-week.csv"), "--level", "intermediate",
           "--equipment", "dumbbell,band"]


def blocks(language: str, text: str = MANUAL) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.S | re.M)


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
    """A `## title` section of the README or of a guide in docs/."""
    return MANUAL.split(f"\n## {title}", 1)[1].split("\n## ", 1)[0]


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
    shown = blocks("text", README)[0]
    result = run([*EXAMPLE, "--json", "plan.json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown
    [tuesday] = [line for line in shown.splitlines() if line.startswith("Tue ")]
    assert "main 19:15" in tuesday, "the prose below names Tuesday's session"
    prose = " ".join(README.split())
    assert "on Tuesday evening" in prose and "on Friday after the 07:00 easy run" in prose


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


def test_the_readme_is_short_and_its_links_lead_somewhere() -> None:
    """A runner reads the README in minutes; the rest is in the guides it links to, and
    every link between the pages (with its #anchor) lands on a real file and heading."""
    assert len(README.splitlines()) <= 300
    for name, text in PAGES.items():
        folder = (ROOT / name).parent
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path_part, _, anchor = target.partition("#")
            page = (folder / path_part).resolve() if path_part else ROOT / name
            assert page.exists(), f"{name} links to {target}, which does not exist"
            if anchor and page.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)
                anchors = {re.sub(r"[^a-z0-9 _-]", "", h.lower()).replace(" ", "-")
                           for h in headings}
                assert anchor in anchors, f"{name} links to #{anchor}, not a heading of {page}"


def test_the_race_week_notes_are_what_runstrong_prints(tmp_path: Path) -> None:
    text = section("The runs CSV")
    shown = text.split("```text\n", 1)[1].split("```", 1)[0]
    result = run(["plan", str(ROOT / "examples" / "race-week.csv"), "--level", "intermediate",
                  "--equipment", "dumbbell,band", "-q"], tmp_path)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: '")]
    assert notes == shown.splitlines()


# Every printed block of the manual, by its first line: the test that holds it to the
# program, or why it is not program output. A new block fails until it is listed here.
PRINTED = {
    "runstrong plan for runner · intermediate · Etc/UTC · status optimal":
        test_the_first_example_prints_what_the_readme_shows,
    "note: 'half marathon' read as race (row 8)":
        test_the_race_week_notes_are_what_runstrong_prints,
    "H1 2026-12-05: heavy session on Sat 2026-12-05, the day before a long run (Sun 2026-12-06)":
        test_the_check_example_is_what_check_prints,
    "error: no plan satisfies the hard rules.": test_the_exit_3_example_is_what_runstrong_prints,
    # not program output: a reverse proxy's configuration file
    "runstrong.club.example {": None,
    # push talks to a CalDAV server: the UIDs and the address are shortened with "…";
    # tests/test_caldav.py holds the real summary line against a Radicale server
    "created 3b2f0c…@runstrong": None,
}


def test_every_printed_example_is_held_to_the_program() -> None:
    firsts = [block.splitlines()[0] for block in blocks("text") if block.strip()]
    unknown = [first for first in firsts if first not in PRINTED]
    assert not unknown, f"printed examples no test holds to the program: {unknown}"
