"""Requests per second and p95 latency of planning one week through the web app.

Starts `runstrong serve` on a free 127.0.0.1 port with a throw-away database, then POSTs
examples/intermediate-week.csv to /plan (upload, plan, store, feed; the 303 answer is the
end of the request) — at most --requests times and for at most --seconds, with
--concurrency clients. Loopback only. A report, not a test: always exits 0.

    python3 bench/bench_web.py [--requests 60] [--seconds 60] [--concurrency 1 4]

With --page it instead plans examples/block-16-weeks.csv once (with dumbbells and their
weights, so every chart is drawn) and times GET of that athlete page: 16 weeks of session
cards, the season and lift charts, the block (the target: p95 under 300 ms).

    python3 bench/bench_web.py --page [--requests 60]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "examples" / "intermediate-week.csv"
BLOCK = ROOT / "examples" / "block-16-weeks.csv"


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "serve", "--host", "127.0.0.1", "--port", "0",
         "--db", str(folder / "bench.sqlite3")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=folder)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"open (http://127\.0\.0\.1:\d+)/", line)
    if not found:
        process.kill()
        raise SystemExit(f"serve did not start: {line!r}")
    base = found.group(1)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5).read()
            return process, base
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def client_for(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    page = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the home page"
    return client, token.group(1)


def plan_once(client: httpx.Client, token: str, data: bytes) -> float:
    form = {"csrf_token": token, "level": "intermediate", "equipment": ["dumbbell", "band"],
            "minutes": "45", "start_time": "18:00", "tz": "Europe/London",
            "deload_every": "4"}
    started = time.perf_counter()
    response = client.post("/plan", data=form, files={"runs": (WEEK.name, data, "text/csv")})
    elapsed = time.perf_counter() - started
    if response.status_code != 303:
        raise SystemExit(f"/plan answered {response.status_code}: {response.text[:300]}")
    return elapsed


def run(base: str, requests: int, seconds: float, concurrency: int) -> None:
    data = WEEK.read_bytes()
    clients = [client_for(base) for _ in range(concurrency)]
    plan_once(*clients[0], data)  # warm-up: catalog, solver, templates
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    left = [requests]

    def worker(client: httpx.Client, token: str) -> None:
        while True:
            with lock:
                if left[0] <= 0 or time.monotonic() > deadline:
                    return
                left[0] -= 1
            elapsed = plan_once(client, token, data)
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    for client, _ in clients:
        client.close()
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    print(f"concurrency {concurrency}: {len(latencies)} plans in {wall:.1f} s -> "
          f"{len(latencies) / wall:.2f} req/s; latency p50 {statistics.median(ordered) * 1000:.0f}"
          f" ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")


def page_run(base: str, requests: int, seconds: float) -> None:
    """GET the athlete page of a 16-week block, one request at a time."""
    client, token = client_for(base)
    form = {"csrf_token": token, "level": "intermediate", "equipment": ["dumbbell"],
            "weights": "dumbbell:4,6,8,10,12", "minutes": "45", "start_time": "18:00",
            "tz": "Europe/London", "deload_every": "4"}
    response = client.post("/plan", data=form,
                           files={"runs": (BLOCK.name, BLOCK.read_bytes(), "text/csv")})
    if response.status_code != 303:
        raise SystemExit(f"/plan answered {response.status_code}: {response.text[:300]}")
    page = response.headers["location"]
    size = len(client.get(page).content)  # warm-up: templates, catalog
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while len(latencies) < requests and time.monotonic() < deadline:
        started = time.perf_counter()
        answer = client.get(page)
        latencies.append(time.perf_counter() - started)
        if answer.status_code != 200 or "figure" not in answer.text:
            raise SystemExit(f"{page} answered {answer.status_code}")
    client.close()
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    print(f"GET the 16-week athlete page ({size:,} bytes): {len(ordered)} requests; latency "
          f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {ordered[-1] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="most plans per run")
    parser.add_argument("--seconds", type=float, default=60, help="most seconds per run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--page", action="store_true",
                        help="time GET of a 16-week athlete page instead of POST /plan")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runstrong-bench-web-") as folder:
        process, base = start_server(Path(folder))
        try:
            if args.page:
                print(f"runstrong serve at {base} (loopback); GET a plan of {BLOCK.name}")
                page_run(base, max(1, args.requests), max(1.0, args.seconds))
                return
            print(f"runstrong serve at {base} (loopback); POST /plan with {WEEK.name}")
            for concurrency in args.concurrency:
                run(base, max(1, args.requests), max(1.0, args.seconds), max(1, concurrency))
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
