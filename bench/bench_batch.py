"""Coach batch benchmark: N athletes × 16 weeks through `runstrong batch`, end to end.

Prints wall time, weeks planned per second, weeks per second per core (weeks ÷ wall ÷
cores used), CPU milliseconds per week (all processes) and peak memory for growing
batches, so linear growth and flat memory can be read off; target: 200 athletes × 16
weeks in under 60 s on 2 cores. With --cluster the
same batch runs through `runstrong batch --cluster ADDRESS` on a Dask LocalCluster of
--jobs single-threaded worker processes that this script starts (its start-up is not in
the wall time), and each worker's peak memory is read from the workers themselves.
It is a report, not a test: it always exits 0.

    python3 bench/bench_batch.py                     # 50, 100, 200 athletes, --jobs 2
    python3 bench/bench_batch.py 40 100 --cluster    # on a 2-worker LocalCluster
    python3 bench/bench_batch.py 40 --parquet        # runs as a Parquet file
    python3 bench/bench_batch.py 400 --weeks 1       # one week each, as a platform plans
    python3 bench/bench_batch.py 1000 10000 --first-plan   # a club's roster: seconds until
                                                     # the first plan lands (then stops)

--first-plan is the large-roster case: everything before planning (roster and runs
parsing, the output-name checks, the job list) must stay linear, so a 10 000-athlete
roster reaches its first plan in seconds. It times `runstrong batch` until the first
calendar appears in its work folder, then stops it.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

LEVELS = ("beginner", "intermediate", "advanced")
KITS = ("", "dumbbell;band", "kettlebell", "dumbbell;barbell;bench;box;band", "band")
WEEK = {
    "beginner": ["easy", "rest", "easy", "rest", "easy", "rest", "long"],
    "intermediate": ["easy", "speed", "rest", "tempo", "easy", "rest", "long"],
    "advanced": ["easy", "speed", "recovery", "hill", "easy", "easy", "long"],
}
WEEKS = 16
TARGET_SECONDS = 60.0
MIB = 1024  # ru_maxrss is in KiB on Linux


@dataclass(frozen=True)
class Measured:
    athletes: int
    weeks: int  # per athlete
    wall: float
    cores: int
    client_mib: float  # the `runstrong batch` process (and, locally, its pool workers)
    cpu: float  # CPU seconds of the batch process, its pool and (--cluster) the workers
    client_cpu: float  # CPU seconds of the batch process (and, locally, its pool)
    worker_mib: tuple[float, ...] = ()  # each Dask worker's peak, with --cluster

    @property
    def weeks_per_second(self) -> float:
        return self.athletes * self.weeks / self.wall

    @property
    def cpu_ms_per_week(self) -> float:
        return 1000 * self.cpu / (self.athletes * self.weeks)


def write_inputs(folder: Path, athletes: int, weeks: int = WEEKS,
                 parquet: bool = False) -> tuple[Path, Path]:
    roster, runs = folder / "roster.csv", folder / "runs.csv"
    start = date(2027, 1, 4)
    with roster.open("w", newline="") as r, runs.open("w", newline="") as u:
        rw, uw = csv.writer(r), csv.writer(u)
        rw.writerow(["athlete", "level", "equipment", "minutes", "tz"])
        uw.writerow(["athlete", "date", "run", "minutes"])
        for n in range(athletes):
            name, level = f"Athlete {n:04d}", LEVELS[n % 3]
            rw.writerow([name, level, KITS[n % len(KITS)], 40 + 5 * (n % 4), "UTC"])
            for offset in range(7 * weeks):
                kind = WEEK[level][offset % 7]
                if offset == 7 * weeks - 1 and weeks > 1:
                    kind = "race"
                if kind != "rest":
                    uw.writerow([name, (start + timedelta(days=offset)).isoformat(), kind, 45])
    if parquet:
        import pyarrow.csv as pc
        import pyarrow.parquet as pq

        table = pc.read_csv(runs)
        runs = folder / "runs.parquet"
        pq.write_table(table, runs, row_group_size=10_000)
    return roster, runs


def run_batch(athletes: int, weeks: int, jobs: int, cluster: bool, parquet: bool) -> Measured:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster, runs = write_inputs(folder, athletes, weeks, parquet)
        command = [sys.executable, "-m", "planner", "batch", str(roster), str(runs),
                   "--out", str(folder / "out")]
        if not cluster:
            return _timed([*command, "--jobs", str(jobs)], athletes, weeks, jobs)
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address="127.0.0.1:0") as local, \
                Client(local) as client:
            before = client.run(_cpu_seconds)  # their start-up (imports) is not planning
            measured = _timed([*command, "--cluster", local.scheduler_address], athletes,
                              weeks, jobs)
            after, peaks = client.run(_cpu_seconds), client.run(_peak_mib)
        workers_cpu = sum(after[w] - before.get(w, 0.0) for w in after)
        return Measured(athletes, weeks, measured.wall, measured.cores, measured.client_mib,
                        measured.cpu + workers_cpu, measured.cpu,
                        tuple(peaks[w] for w in sorted(peaks)))


def _timed(command: list[str], athletes: int, weeks: int, jobs: int) -> Measured:
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait4: this child's own peak (and its waited-for pool workers'), not an earlier run's
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 4):
        print(child.stderr.read().decode(errors="replace") if child.stderr else "",
              file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(athletes, weeks, wall, min(jobs, os.cpu_count() or 1), usage.ru_maxrss / MIB,
                    cpu, cpu)


def first_plan(athletes: int, weeks: int, jobs: int) -> tuple[float, float]:
    """Seconds from starting `runstrong batch` until its first calendar is written, and the
    seconds it took to write the inputs (for scale)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        roster, runs = write_inputs(folder, athletes, weeks)
        written = time.perf_counter() - started
        out = folder / "out"
        command = [sys.executable, "-m", "planner", "batch", str(roster), str(runs),
                   "--out", str(out), "--jobs", str(jobs)]
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while child.poll() is None:
                # the batch fills a hidden work folder beside OUT, then swaps it in
                if next(folder.glob(".out*/*.ics"), None) or next(out.glob("*.ics"), None):
                    break
                time.sleep(0.01)
            return time.perf_counter() - started, written
        finally:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)  # as Ctrl-C: the batch cleans up
                try:
                    child.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()


def _cpu_seconds() -> float:
    """Run on each Dask worker: the CPU time its process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    """Run on each Dask worker: its process's peak resident memory."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MIB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[50, 100, 200])
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes (local) or Dask workers (--cluster); default 2")
    parser.add_argument("--cluster", action="store_true",
                        help="run through --cluster on a LocalCluster of --jobs workers")
    parser.add_argument("--weeks", type=int, default=WEEKS,
                        help=f"weeks per athlete (default {WEEKS}; 1: a platform's week)")
    parser.add_argument("--parquet", action="store_true", help="the runs as a Parquet file")
    parser.add_argument("--first-plan", action="store_true",
                        help="large rosters: time until the first plan is written, then stop "
                             "(default sizes 1000 10000, one week each)")
    args = parser.parse_args()
    if args.first_plan:
        sizes = args.sizes if args.sizes != [50, 100, 200] else [1000, 10_000]
        weeks = 1 if args.weeks == WEEKS else args.weeks
        print(f"runstrong batch: seconds until the first plan, {weeks} week(s) per athlete, "
              f"--jobs {args.jobs}")
        print(f"{'athletes':>9} {'first plan s':>13} {'inputs written s':>17}")
        for size in sizes:
            seconds, written = first_plan(size, weeks, args.jobs)
            print(f"{size:>9} {seconds:>13.1f} {written:>17.1f}")
        return
    how = f"--cluster (LocalCluster, {args.jobs} workers)" if args.cluster else \
        f"--jobs {args.jobs}"
    print(f"runstrong batch: athletes × {args.weeks} weeks, {how}, "
          f"{'Parquet' if args.parquet else 'CSV'} runs, {os.cpu_count()} cores")
    print(f"{'athletes':>9} {'wall s':>8} {'weeks/s':>8} {'weeks/s/core':>13} "
          f"{'CPU ms/week':>12} {'client CPU ms/athlete':>22} {'client MiB':>11} "
          f"{'worker MiB':>11}")
    results = []
    for size in args.sizes:
        m = run_batch(size, args.weeks, args.jobs, args.cluster, args.parquet)
        results.append(m)
        workers = "/".join(f"{w:.0f}" for w in m.worker_mib) or "-"
        print(f"{size:>9} {m.wall:>8.1f} {m.weeks_per_second:>8.1f} "
              f"{m.weeks_per_second / m.cores:>13.1f} {m.cpu_ms_per_week:>12.0f} "
              f"{1000 * m.client_cpu / m.athletes:>22.1f} "
              f"{m.client_mib:>11.0f} {workers:>11}")
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(f"growth: {b.athletes / a.athletes:.1f}× athletes took {b.wall / a.wall:.1f}× "
              "the time")
    for m in results:
        if m.athletes == 200 and m.weeks == WEEKS:
            verdict = "PASS" if m.wall < TARGET_SECONDS else "FAIL"
            print(f"{verdict}: 200 athletes × {WEEKS} weeks in {m.wall:.1f} s "
                  f"(target < {TARGET_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
