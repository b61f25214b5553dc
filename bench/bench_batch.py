"""Coach batch benchmark: N athletes × 16 weeks through `runstrong batch`, end to end.

Prints wall time, athletes per second and peak memory for growing batches, so linear growth
and flat memory can be read off; target: 200 athletes × 16 weeks in under 60 s on 2 cores.
It is a report, not a test: it always exits 0.

    python3 bench/bench_batch.py            # 50, 100, 200 athletes
    python3 bench/bench_batch.py 20 40      # other sizes
"""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
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


def write_inputs(folder: Path, athletes: int) -> tuple[Path, Path]:
    roster, runs = folder / "roster.csv", folder / "runs.csv"
    start = date(2027, 1, 4)
    with roster.open("w", newline="") as r, runs.open("w", newline="") as u:
        rw, uw = csv.writer(r), csv.writer(u)
        rw.writerow(["athlete", "level", "equipment", "minutes", "tz"])
        uw.writerow(["athlete", "date", "run", "minutes"])
        for n in range(athletes):
            name, level = f"Athlete {n:04d}", LEVELS[n % 3]
            rw.writerow([name, level, KITS[n % len(KITS)], 40 + 5 * (n % 4), "UTC"])
            for offset in range(7 * WEEKS):
                kind = WEEK[level][offset % 7]
                if offset == 7 * WEEKS - 1:
                    kind = "race"
                if kind != "rest":
                    uw.writerow([name, (start + timedelta(days=offset)).isoformat(), kind, 45])
    return roster, runs


def run_batch(athletes: int, jobs: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster, runs = write_inputs(folder, athletes)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "planner", "batch", str(roster), str(runs),
                        "--out", str(folder / "out"), "--jobs", str(jobs)],
                       check=True, capture_output=True)
        wall = time.perf_counter() - started
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return wall, peak / 1024


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [50, 100, 200]
    jobs = min(2, os.cpu_count() or 1)
    print(f"runstrong batch: athletes × {WEEKS} weeks, --jobs {jobs}, {os.cpu_count()} cores")
    print(f"{'athletes':>9} {'wall s':>8} {'athletes/s':>11} {'weeks/s':>8} {'peak MiB':>9}")
    results = []
    for size in sizes:
        wall, peak = run_batch(size, jobs)
        results.append((size, wall))
        print(f"{size:>9} {wall:>8.1f} {size / wall:>11.1f} {size * WEEKS / wall:>8.0f} "
              f"{peak:>9.0f}")
    if len(results) > 1:
        (a, ta), (b, tb) = results[0], results[-1]
        print(f"growth: {b / a:.1f}× athletes took {tb / ta:.1f}× the time")
    for size, wall in results:
        if size == 200:
            verdict = "PASS" if wall < TARGET_SECONDS else "FAIL"
            print(f"{verdict}: 200 athletes × {WEEKS} weeks in {wall:.1f} s "
                  f"(target < {TARGET_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
