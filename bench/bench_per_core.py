"""Weeks planned per second on ONE core: N athletes × 16 weeks in this process, no pool.

The athletes are `bench/bench_batch.py`'s mix (`write_inputs`), planned through the same
per-athlete function `runstrong batch` uses (`planner.services.batch.plan_athlete`), one
after the other. Prints weeks/s per core (the median run of --repeats by CPU time, with its
wall time) and where the CPU time goes:

    model building  constraints.build_week_model for the week's plan
    CP-SAT solve    CpSolver.solve for the week's plan
    reading back    turning the solver's answer into sessions, doses and penalties
    diagnosis       explaining a short week (models built and solved again)
    rendering       .ics, JSON and the summary.csv row of each athlete
    other           reading the runs, week instances, the block loop, the rest

Each phase is timed exclusively (a phase inside another is taken out of the outer one), so
the phases add up to the total. It is a report, not a test: it always exits 0.

    python3 bench/bench_per_core.py                   # 40 athletes, median of 3
    python3 bench/bench_per_core.py --athletes 20 --repeats 1 --profile 25
    python3 bench/bench_per_core.py --athletes 30 --repeats 1 --out /tmp/ref   # then diff -r

With --out, the last run's .ics and .json of every athlete are written there, so two
versions of the planner can be compared byte for byte (`diff -r`).

Against an older commit (its own worktree and venv; 84ca7fd's flat layout, planner.solve,
planner.render_ics…, is found too), copy this script and bench_batch.py into that tree's
bench/ so both plan the same squad, and alternate the two runs:

    git worktree add /tmp/base84 84ca7fd && python3 -m venv /tmp/base84/.venv
    /tmp/base84/.venv/bin/pip install -q -e /tmp/base84
    cp bench/bench_per_core.py bench/bench_batch.py /tmp/base84/bench/
    RUNSTRONG_WEEK_REUSE=0 /tmp/base84/.venv/bin/python /tmp/base84/bench/bench_per_core.py
    RUNSTRONG_WEEK_REUSE=0 .venv/bin/python bench/bench_per_core.py

RUNSTRONG_WEEK_REUSE=0 turns off the week cache (planner/solving/solve.py), so every week
is solved: the per-core figure is the planner's, not the squad's repetition.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench_batch import WEEKS, write_inputs  # noqa: E402

PHASES = ("model building", "CP-SAT solve", "reading back", "diagnosis", "rendering", "other")


class PhaseClock:
    """Exclusive time per phase: entering a phase pauses the one it is nested in."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(PHASES, 0.0)
        self._stack: list[tuple[str, float]] = []

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        now = time.process_time()
        if self._stack:
            outer, since = self._stack[-1]
            self.seconds[outer] += now - since
        self._stack.append((name, now))
        try:
            yield
        finally:
            end = time.process_time()
            _, since = self._stack.pop()
            self.seconds[name] += end - since
            if self._stack:
                outer, _ = self._stack[-1]
                self._stack[-1] = (outer, end)


def _timed(clock: PhaseClock, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with clock.phase(name):
            return function(*args, **kwargs)
    return wrapper


def _batch() -> Any:
    """planner.services.batch, or planner.batch in 84ca7fd's flat layout."""
    try:
        import planner.services.batch as batch
    except ImportError:
        import planner.batch as batch  # type: ignore[no-redef]
    return batch


def instrument(clock: PhaseClock) -> Callable[[], None]:
    """Wrap the functions of each phase where plan_athlete finds them; returns the undo."""
    from ortools.sat.python import cp_model

    batch = _batch()
    try:  # today's layout
        import planner.renderers.ics as ics
        import planner.renderers.json_plan as json_plan
        import planner.solving.block as block
        import planner.solving.solve as solve
    except ImportError:  # 84ca7fd's flat layout, so the two can be measured back to back
        import planner.block as block  # type: ignore[no-redef]
        import planner.render_ics as ics  # type: ignore[no-redef]
        import planner.render_json as json_plan  # type: ignore[no-redef]
        import planner.solve as solve  # type: ignore[no-redef]

    targets: list[tuple[Any, str, str]] = [
        (solve, "build_week_model", "model building"),
        (cp_model.CpSolver, "solve", "CP-SAT solve"),
        (solve, "_read_sessions", "reading back"),
        (solve, "_read_penalties", "reading back"),
        (block, "diagnose_week", "diagnosis"),
        (ics, "render_ics", "rendering"),
        (json_plan, "render_json", "rendering"),
        (batch, "_summary", "rendering"),
    ]
    targets = [target for target in targets if hasattr(target[0], target[1])]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in targets]
    for owner, name, phase in targets:
        setattr(owner, name, _timed(clock, phase, getattr(owner, name)))

    def undo() -> None:
        for owner, name, original in saved:
            setattr(owner, name, original)
    return undo


def athlete_jobs(folder: Path, athletes: int) -> list[Any]:
    batch = _batch()
    try:
        from planner.readers.roster import load_roster
    except ImportError:  # 84ca7fd
        load_roster = batch.load_roster

    roster, runs = write_inputs(folder, athletes)
    return list(batch.jobs_for(load_roster(roster), runs, None))


def plan_all(jobs: list[Any], clock: PhaseClock,
             out: Path | None = None) -> tuple[float, float, int]:
    """Plan every job in turn; (wall s, CPU s, weeks planned). A failed athlete is an error
    here: the bench inputs always plan. With `out`, each athlete's files are kept (written
    after the clock stops, so the figures do not include disk writes)."""
    plan_athlete = _batch().plan_athlete
    weeks = 0
    kept: list[tuple[str, bytes, bytes]] = []
    wall, cpu = time.perf_counter(), time.process_time()
    for job in jobs:
        with clock.phase("other"):
            outcome = plan_athlete(job)
        if outcome.failed or outcome.ics is None or outcome.json is None:
            raise SystemExit(f"{outcome.name}: {outcome.errors}")
        weeks += int(outcome.summary["weeks"])
        if out is not None:
            kept.append((outcome.name, outcome.ics, outcome.json))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, ics, json in kept:
            stem = name.replace(" ", "-")  # the bench names are "Athlete 0001"
            (out / f"{stem}.ics").write_bytes(ics)
            (out / f"{stem}.json").write_bytes(json)
    return wall, cpu, weeks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print cProfile's top N functions (one extra run)")
    parser.add_argument("--out", type=Path, default=None,
                        help="write every athlete's .ics and .json here (last run)")
    args = parser.parse_args()
    _catalog = _batch()._catalog
    with tempfile.TemporaryDirectory() as tmp:
        jobs = athlete_jobs(Path(tmp), args.athletes)
        _catalog(None)  # read once, as a batch worker does on its first athlete
        reuse = os.environ.get("RUNSTRONG_WEEK_REUSE", "1") != "0"
        print(f"runstrong per core: {args.athletes} athletes × {WEEKS} weeks in one process "
              f"(plan_athlete, no pool), median of {args.repeats} by CPU time, "
              f"week reuse {'on' if reuse else 'off (RUNSTRONG_WEEK_REUSE=0)'}")
        runs: list[tuple[float, float, int, PhaseClock]] = []
        repeats = max(1, args.repeats)
        for run in range(repeats):
            clock = PhaseClock()
            undo = instrument(clock)
            try:
                wall, cpu, weeks = plan_all(jobs, clock,
                                            args.out if run == repeats - 1 else None)
            finally:
                undo()
            print(f"  run: {weeks} weeks in {wall:.2f} s wall, {cpu:.2f} s CPU "
                  f"-> {weeks / cpu:.1f} weeks per CPU-second")
            runs.append((cpu, wall, weeks, clock))
        # CPU time, not wall: on a shared machine the wall time mostly measures the others.
        cpu, wall, weeks, clock = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
        print(f"weeks/s per core: {weeks / cpu:.1f} (CPU), {weeks / wall:.1f} (wall); "
              f"{1000 * cpu / weeks:.1f} ms of CPU a week")
        total = sum(clock.seconds.values())
        print(f"{'phase':<16} {'s':>7} {'ms/week':>8} {'share':>6}")
        for name in PHASES:
            seconds = clock.seconds[name]
            print(f"{name:<16} {seconds:>7.2f} {1000 * seconds / weeks:>8.2f} "
                  f"{seconds / total:>6.0%}")
        if args.profile:
            plan_athlete = _batch().plan_athlete
            profiler = cProfile.Profile()
            profiler.enable()
            for job in jobs:
                plan_athlete(job)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
