"""Weeks planned per second on ONE core: N athletes × 16 weeks in this process, no pool.

The athletes are `bench/bench_batch.py`'s mix (`write_inputs`), planned through the same
per-athlete function `runstrong batch` uses (`planner.services.batch.plan_athlete`), one after the
other. Prints weeks/s per core (best of --repeats, wall and CPU) and where the time goes:

    model building  constraints.build_week_model for the week's plan
    CP-SAT solve    CpSolver.solve for the week's plan
    reading back    turning the solver's answer into sessions, doses and penalties
    diagnosis       explaining a short week (models built and solved again)
    rendering       .ics, JSON and the summary.csv row of each athlete
    other           reading the runs, week instances, the block loop, the rest

Each phase is timed exclusively (a phase inside another is taken out of the outer one), so
the phases add up to the total. It is a report, not a test: it always exits 0.

    python3 bench/bench_per_core.py                   # 40 athletes, best of 3
    python3 bench/bench_per_core.py --athletes 20 --repeats 1 --profile 25
    python3 bench/bench_per_core.py --athletes 30 --repeats 1 --out /tmp/ref   # then diff -r

With --out, the last run's .ics and .json of every athlete are written there, so two
versions of the planner can be compared byte for byte (`diff -r`).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
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
        now = time.perf_counter()
        if self._stack:
            outer, since = self._stack[-1]
            self.seconds[outer] += now - since
        self._stack.append((name, now))
        try:
            yield
        finally:
            end = time.perf_counter()
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


def instrument(clock: PhaseClock) -> Callable[[], None]:
    """Wrap the functions of each phase where plan_athlete finds them; returns the undo."""
    from ortools.sat.python import cp_model

    import planner.renderers.ics
    import planner.renderers.json_plan
    import planner.services.batch
    import planner.solving.block
    import planner.solving.solve

    targets: list[tuple[Any, str, str]] = [
        (planner.solving.solve, "build_week_model", "model building"),
        (cp_model.CpSolver, "solve", "CP-SAT solve"),
        (planner.solving.solve, "_read_sessions", "reading back"),
        (planner.solving.solve, "_read_penalties", "reading back"),
        (planner.solving.block, "diagnose_week", "diagnosis"),
        (planner.renderers.ics, "render_ics", "rendering"),
        (planner.renderers.json_plan, "render_json", "rendering"),
        (planner.services.batch, "_summary", "rendering"),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in targets]
    for owner, name, phase in targets:
        setattr(owner, name, _timed(clock, phase, getattr(owner, name)))

    def undo() -> None:
        for owner, name, original in saved:
            setattr(owner, name, original)
    return undo


def athlete_jobs(folder: Path, athletes: int) -> list[Any]:
    from planner.readers.roster import load_roster
    from planner.services.batch import jobs_for

    roster, runs = write_inputs(folder, athletes)
    return list(jobs_for(load_roster(roster), runs, None))


def plan_all(jobs: list[Any], clock: PhaseClock,
             out: Path | None = None) -> tuple[float, float, int]:
    """Plan every job in turn; (wall s, CPU s, weeks planned). A failed athlete is an error
    here: the bench inputs always plan. With `out`, each athlete's files are kept (written
    after the clock stops, so the figures do not include disk writes)."""
    from planner.services.batch import plan_athlete

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
    from planner.services.batch import _catalog

    with tempfile.TemporaryDirectory() as tmp:
        jobs = athlete_jobs(Path(tmp), args.athletes)
        _catalog(None)  # read once, as a batch worker does on its first athlete
        print(f"runstrong per core: {args.athletes} athletes × {WEEKS} weeks in one process "
              f"(plan_athlete, no pool), best of {args.repeats}")
        best: tuple[float, float, int, PhaseClock] | None = None
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
                  f"-> {weeks / wall:.1f} weeks/s")
            if best is None or wall < best[0]:
                best = (wall, cpu, weeks, clock)
        assert best is not None
        wall, cpu, weeks, clock = best
        print(f"weeks/s per core: {weeks / wall:.1f} (wall), {weeks / cpu:.1f} (CPU); "
              f"{1000 * wall / weeks:.1f} ms a week")
        total = sum(clock.seconds.values())
        print(f"{'phase':<16} {'s':>7} {'ms/week':>8} {'share':>6}")
        for name in PHASES:
            seconds = clock.seconds[name]
            print(f"{name:<16} {seconds:>7.2f} {1000 * seconds / weeks:>8.2f} "
                  f"{seconds / total:>6.0%}")
        if args.profile:
            from planner.services.batch import plan_athlete

            profiler = cProfile.Profile()
            profiler.enable()
            for job in jobs:
                plan_athlete(job)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
