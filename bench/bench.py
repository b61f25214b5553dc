"""How fast is runstrong? A report, not a test: prints figures and PASS/FAIL, always exits 0.

    python3 bench/bench.py            # from the repository root (or anywhere)

(a) import time of the heavy dependencies (ortools CP-SAT, icalendar, pandas, click)
    in a fresh interpreter, best of 5;
(b) end-to-end CLI wall time for one week (`python -m planner plan ...`) in a fresh
    interpreter, best of 5, and its ratio to (a)          target: < 1.3x
(c) CP-SAT solver time per week (BlockResult.solve_seconds / weeks) for the one-week
    example and the 16-week block                          target: < 100 ms per week
(d) weeks planned per second in-process (model building + solving + reading the answer);
(e) peak memory: ru_maxrss of the CLI child, tracemalloc peak of an in-process plan.

Runs in well under a minute on a laptop.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ONE_WEEK = ROOT / "examples" / "intermediate-week.csv"
BLOCK = ROOT / "examples" / "block-16-weeks.csv"
LEVEL = "intermediate"
EQUIPMENT = "dumbbell,band"
TZ = "Europe/London"
REPEATS = 5
IN_PROCESS_REPEATS = 3

IMPORT_TARGET_RATIO = 1.3  # CLI wall time / dependency import time (issue 24)
SOLVE_TARGET_MS = 100.0  # CP-SAT wall time per planned week

IMPORTS = "import ortools.sat.python.cp_model, icalendar, pandas, click"


# --- helpers -------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def maxrss_mib(value: int) -> float:
    """ru_maxrss is KiB on Linux, bytes on macOS."""
    return value / (1024 * 1024) if sys.platform == "darwin" else value / 1024


def run_child(args: list[str], cwd: Path) -> tuple[float, int, int, str]:
    """Run a fresh interpreter; return (wall seconds, exit code, ru_maxrss, stderr tail)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max of all).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    return wall, proc.returncode, usage.ru_maxrss, " | ".join(tail)


def best_of(count: int, args: list[str], cwd: Path) -> tuple[float, float, int, int, str]:
    """Best and median wall time over `count` runs, the max ru_maxrss, last exit code."""
    walls: list[float] = []
    peak = 0
    code = 0
    tail = ""
    for _ in range(count):
        wall, code, rss, tail = run_child(args, cwd)
        if code != 0:
            return wall, wall, rss, code, tail
        walls.append(wall)
        peak = max(peak, rss)
    return min(walls), statistics.median(walls), peak, code, tail


def section(title: str) -> None:
    print()
    print(title)
    print("-" * len(title))


def guarded(title: str, body: Callable[[], Any]) -> Any:
    """Run one part of the report; a failure is printed, never raised (always exit 0)."""
    section(title)
    try:
        return body()
    except Exception as exc:  # a report keeps going whatever breaks
        print(f"  could not measure: {type(exc).__name__}: {exc}")
        return None


# --- (a) and (b): fresh interpreters ------------------------------------------------------


def measure_imports() -> float:
    python_only, _, _, _, _ = best_of(REPEATS, [sys.executable, "-c", "pass"], ROOT)
    best, median, rss, code, tail = best_of(REPEATS, [sys.executable, "-c", IMPORTS], ROOT)
    if code != 0:
        raise RuntimeError(f"import failed (exit {code}): {tail}")
    print(f"  bare interpreter start (python -c pass):  {python_only * 1000:8.0f} ms")
    print(f"  import cp_model, icalendar, pandas, click: {best * 1000:8.0f} ms "
          f"best of {REPEATS} (median {median * 1000:.0f} ms, peak RSS {maxrss_mib(rss):.0f} MiB)")
    return best


def measure_cli(import_best: float | None) -> None:
    with tempfile.TemporaryDirectory(prefix="runstrong-bench-") as tmp:
        out = Path(tmp)
        args = [sys.executable, "-m", "planner", "plan", str(ONE_WEEK), "--level", LEVEL,
                "--equipment", EQUIPMENT, "--tz", TZ, "--json", str(out / "plan.json"),
                "--ics", str(out / "plan.ics"), "--quiet"]
        best, median, rss, code, tail = best_of(REPEATS, args, out)
        if code != 0:
            raise RuntimeError(f"runstrong plan exited {code}: {tail}")
        written = sorted(p.name for p in out.iterdir())
    print(f"  python -m planner plan {ONE_WEEK.relative_to(ROOT)} --level {LEVEL} "
          f"--equipment {EQUIPMENT} --tz {TZ} --json ... --ics ...")
    print(f"  wall time:                                {best * 1000:8.0f} ms "
          f"best of {REPEATS} (median {median * 1000:.0f} ms); wrote {', '.join(written)}")
    print(f"  peak memory of the CLI child (ru_maxrss): {maxrss_mib(rss):8.1f} MiB   (e)")
    if import_best:
        ratio = best / import_best
        print(f"  CLI / dependency imports:                 {ratio:8.2f}x   target < "
              f"{IMPORT_TARGET_RATIO:.1f}x  {verdict(ratio < IMPORT_TARGET_RATIO)}")
    else:
        print("  CLI / dependency imports:                 n/a (imports not measured)")


# --- (c), (d), (e): in process --------------------------------------------------------------


def load_inputs() -> tuple[Any, Any]:
    from planner.domain import Profile
    from planner.readers.catalog import load_catalog
    from planner.readers.options import parse_equipment, parse_level
    from planner.readers.time_zones import parse_timezone

    profile = Profile(level=parse_level(LEVEL), equipment=parse_equipment(EQUIPMENT),
                      tz=parse_timezone(TZ))
    return profile, load_catalog()


def plan_once(path: Path, profile: Any, exercises: Any) -> tuple[int, float, float, Any]:
    """(weeks, CP-SAT seconds, in-process wall seconds incl. model building, result)."""
    from planner.readers.runs_csv import load_runs
    from planner.solving.block import plan_block
    from planner.solving.solve import WEEK_CACHE

    runs = load_runs(path).runs
    # Every run plans every week: a repeat answered from the week cache measures the cache
    # (0.0 ms a week), not the planner; bench_per_core.py measures the reuse.
    WEEK_CACHE.clear()
    started = time.perf_counter()
    result = plan_block(runs, profile, exercises)
    wall = time.perf_counter() - started
    return len(result.plan.weeks), result.solve_seconds, wall, result


def measure_in_process() -> None:
    profile, catalog = load_inputs()
    exercises = catalog.exercises
    plan_once(ONE_WEEK, profile, exercises)  # warm-up: first call pays lazy imports
    all_pass = True
    for path in (ONE_WEEK, BLOCK):
        if not path.exists():
            print(f"  {path.relative_to(ROOT)}: missing, skipped")
            continue
        runs: list[tuple[int, float, float]] = []
        for _ in range(IN_PROCESS_REPEATS):
            weeks, solve, wall, result = plan_once(path, profile, exercises)
            runs.append((weeks, solve, wall))
        weeks = runs[0][0]
        solve_ms = min(r[1] for r in runs) / weeks * 1000
        wall_best = min(r[2] for r in runs)
        ok = solve_ms < SOLVE_TARGET_MS
        all_pass &= ok
        status = result.plan.status + (", some week impossible" if result.impossible else "")
        print(f"  {path.relative_to(ROOT)} ({weeks} week{'s' if weeks != 1 else ''}, {status})")
        print(f"    (c) CP-SAT time per week:               {solve_ms:8.1f} ms   "
              f"target < {SOLVE_TARGET_MS:.0f} ms  {verdict(ok)}  "
              f"(best of {IN_PROCESS_REPEATS})")
        print(f"    (d) plans per second (weeks/s):         {weeks / wall_best:8.1f}     "
              f"({wall_best * 1000:.0f} ms for the whole file: model + solve + read-back)")
        tracemalloc.start()
        plan_once(path, profile, exercises)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"    (e) Python heap peak (tracemalloc):     {peak / (1024 * 1024):8.1f} MiB  "
              "(CP-SAT's C++ memory is not traced)")
    print(f"  solver target overall: {verdict(all_pass)}")


def main() -> int:
    print("runstrong benchmark")
    print(f"python {platform.python_version()} on {platform.platform()}; "
          f"{os.cpu_count()} CPUs; repo {ROOT}")
    import_best = guarded("(a) dependency import time, fresh interpreter", measure_imports)
    guarded("(b) end-to-end CLI, one week, fresh interpreter", lambda: measure_cli(import_best))
    guarded("(c)-(e) in-process planning (planner.solving.block.plan_block)", measure_in_process)
    print()
    print("A report, not a test: exit status is always 0.")
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
