"""Hold `runstrong serve` under a club's worth of runners: no 5xx, latency and memory.

Starts `runstrong serve` on a free 127.0.0.1 port with a throw-away database, then runs
--runners runners at once for --seconds: each plans a first week (POST /plan, the 303 is
the end of the request), then, until time is up, re-plans (POST /a/TOKEN/plan, alternating
two weeks) and reads their page (GET /a/TOKEN). Every answer's status is counted; any 5xx
(or a refused connection) is a failure. Latency is measured per POST (planning) and per
GET. Peak memory is the largest resident size of the server and its children together,
sampled every 0.2 s. Loopback only; needs httpx and psutil (the `test` extra).

Prints p50/p95/max latency, requests per second and peak memory, and exits 1 when any
request failed (0 otherwise): this one is a check, not only a report.

    python3 bench/bench_load.py [--runners 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import collections
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import start_server  # the same server start as bench_web

ROOT = Path(__file__).resolve().parents[1]
WEEKS = [ROOT / "examples" / "intermediate-week.csv", ROOT / "examples" / "beginner-week.csv"]
FORM = {"level": "intermediate", "equipment": ["dumbbell", "band"], "minutes": "45",
        "start_time": "18:00", "tz": "Europe/London", "deload_every": "4"}


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.post: list[float] = []
        self.get: list[float] = []
        self.statuses: collections.Counter[str] = collections.Counter()
        self.failures: list[str] = []

    def record(self, kind: str, seconds: float, status: str) -> None:
        with self.lock:
            (self.post if kind == "POST" else self.get).append(seconds)
            self.statuses[status] += 1
            if status[0] not in "23":
                self.failures.append(f"{kind} {status}")


def token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def runner(base: str, number: int, until: float, tally: Tally) -> None:
    with httpx.Client(base_url=base, timeout=600) as client:
        def timed(method: str, url: str, **options: object) -> httpx.Response | None:
            kind = "POST" if method == "POST" else "GET"
            started = time.perf_counter()
            try:
                answer = client.request(method, url, **options)  # type: ignore[arg-type]
            except httpx.HTTPError as err:
                tally.record(kind, time.perf_counter() - started, type(err).__name__)
                return None
            tally.record(kind, time.perf_counter() - started, str(answer.status_code))
            return answer

        home = timed("GET", "/")
        if home is None or home.status_code != 200:
            return
        week = WEEKS[number % 2]
        first = timed("POST", "/plan",
                      data={"csrf_token": token(home.text), **FORM, "athlete": f"Runner {number}"},
                      files={"runs": (week.name, week.read_bytes(), "text/csv")})
        if first is None or first.status_code != 303:
            return
        location = first.headers["location"]
        turn = 1
        while time.monotonic() < until:
            page = timed("GET", location)
            if page is None or page.status_code != 200 or time.monotonic() >= until:
                return
            week = WEEKS[(number + turn) % 2]
            turn += 1
            timed("POST", location + "/plan", data={"csrf_token": token(page.text), **FORM},
                  files={"runs": (week.name, week.read_bytes(), "text/csv")})


def sample_memory(pid: int, stop: threading.Event, peak: list[int]) -> None:
    server = psutil.Process(pid)
    while not stop.is_set():
        try:
            total = server.memory_info().rss + sum(
                child.memory_info().rss for child in server.children(recursive=True))
        except psutil.Error:
            total = 0
        peak[0] = max(peak[0], total)
        stop.wait(0.2)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(Path(folder))
        tally, peak, stop = Tally(), [0], threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(process.pid, stop, peak))
        sampler.start()
        started = time.monotonic()
        until = started + args.seconds
        threads = [threading.Thread(target=runner, args=(base, n, until, tally))
                   for n in range(args.runners)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
        process.terminate()
        process.wait(timeout=30)
    requests = len(tally.post) + len(tally.get)
    print(f"{args.runners} runners for {args.seconds:.0f} s (finished after {elapsed:.0f} s): "
          f"{requests} requests, {requests / elapsed:.1f}/s")
    for kind, values in (("plan/re-plan POST", tally.post), ("page GET", tally.get)):
        if values:
            print(f"  {kind:18} n={len(values):5}  p50 {statistics.median(values):6.2f} s  "
                  f"p95 {percentile(values, 0.95):6.2f} s  max {max(values):6.2f} s")
    print(f"  statuses: {dict(sorted(tally.statuses.items()))}")
    print(f"  peak memory (server and children, resident): {peak[0] / 1e6:.0f} MB")
    if tally.failures:
        print(f"FAIL: {len(tally.failures)} failed requests, e.g. {tally.failures[:5]}")
        return 1
    print("PASS: no 5xx and no refused request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
