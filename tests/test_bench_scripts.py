"""The benchmarks still run against today's code (they import planner internals, so a
refactor could leave them broken). Smallest sizes only; no timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_bench_per_core_runs() -> None:
    out = run("bench/bench_per_core.py", "--athletes", "1", "--repeats", "1")
    assert "weeks/s per core" in out and "CP-SAT solve" in out


def test_bench_batch_runs() -> None:
    out = run("bench/bench_batch.py", "2", "--weeks", "1", "--jobs", "1")
    assert "weeks/s/core" in out


def test_bench_load_runs() -> None:
    out = run("bench/bench_load.py", "--runners", "2", "--seconds", "2")
    assert "PASS: no 5xx" in out and "peak memory" in out
