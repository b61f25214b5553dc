"""Golden outputs: the README's examples planned end to end give the same calendar, JSON and
terminal table, byte for byte, as tests/golden/ holds.

The files were written by the code before the foundation refactor (issue 11) and the
per-core speed work (issue 16), which both promise to change no plan. A change that means
to alter plans regenerates them on purpose (see `regenerate` below) and says so in its
commit."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
# name -> the README example's arguments (examples/ relative to the project)
CASES = {
    "intermediate": "examples/intermediate-week.csv --level intermediate "
                    "--equipment dumbbell,band",
    "beginner": "examples/beginner-week.csv --level beginner --equipment none",
    "advanced": "examples/advanced-week.csv --level advanced "
                "--equipment dumbbell,kettlebell,bench,box,band",
    "race": "examples/race-week.csv --level intermediate --equipment dumbbell,band",
    "day-format": "examples/day-format-week.csv --start 2027-02-01",
    "block-16": "examples/block-16-weeks.csv --level intermediate --equipment dumbbell,band",
    "google": "examples/google-export.ics --level intermediate --equipment dumbbell,band "
              "--with-runs",
}


def plan(name: str, folder: Path) -> subprocess.CompletedProcess[bytes]:
    args = [str(ROOT / a) if a.startswith("examples/") else a for a in shlex.split(CASES[name])]
    env = {**os.environ, "TZ": "Etc/UTC"}
    return subprocess.run([sys.executable, "-m", "planner", "plan", *args, "--tz",
                           "Europe/London", "--json", "plan.json", "--ics", "plan.ics"],
                          cwd=folder, env=env, capture_output=True, timeout=300, check=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_readme_example_is_byte_identical_to_its_golden_files(name: str,
                                                             tmp_path: Path) -> None:
    result = plan(name, tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    for suffix, made in (("ics", tmp_path / "plan.ics"), ("json", tmp_path / "plan.json")):
        golden = GOLDEN / f"{name}.{suffix}"
        assert made.read_bytes() == golden.read_bytes(), f"{name}.{suffix} changed"
    assert result.stdout == (GOLDEN / f"{name}.txt").read_bytes(), f"{name}'s table changed"


def regenerate() -> None:  # pragma: no cover - run by hand when plans change on purpose
    import tempfile

    for name in CASES:
        with tempfile.TemporaryDirectory() as folder:
            result = plan(name, Path(folder))
            result.check_returncode()
            for suffix in ("ics", "json"):
                (GOLDEN / f"{name}.{suffix}").write_bytes((Path(folder) / f"plan.{suffix}")
                                                         .read_bytes())
            (GOLDEN / f"{name}.txt").write_bytes(result.stdout)


if __name__ == "__main__":  # pragma: no cover
    regenerate()
