"""Issue 23, `runstrong serve` under abuse: connection limits and a deadline on each request
head, and a server stopped by SIGTERM or Ctrl+C (SIGINT) leaves no worker process, no
temporary upload, and squads marked interrupted with a reason."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from planner.web import serving
from planner.web.app import Settings, create_app
from tests.conftest import stop_process

psutil = pytest.importorskip("psutil")
ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "coach" / "roster.csv"
SQUAD_RUNS = ROOT / "examples" / "coach" / "runs.csv"


# --- limits, in process ----------------------------------------------------------------------


@pytest.fixture
def live_server(tmp_path: Path, monkeypatch) -> Iterator[int]:
    """The app under uvicorn with serve's config, in a thread, limits made small."""
    monkeypatch.setattr(serving, "HEADER_TIMEOUT_S", 0.5)
    monkeypatch.setattr(serving, "LIMIT_CONCURRENCY", 3)
    app = create_app(Settings(db=str(tmp_path / "web.sqlite3"), batch_processes=0))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(serving.uvicorn_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield sock.getsockname()[1]
    server.should_exit = True
    thread.join(timeout=20)


def closed_within(conn: socket.socket, seconds: float) -> bool:
    conn.settimeout(seconds)
    try:
        return conn.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_a_connection_that_never_finishes_its_head_is_closed(live_server: int) -> None:
    silent = socket.create_connection(("127.0.0.1", live_server))
    trickle = socket.create_connection(("127.0.0.1", live_server))
    trickle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    for _ in range(3):  # a byte at a time keeps the head open but never complete
        time.sleep(0.2)
        trickle.sendall(b"X")
    assert closed_within(silent, 5) and closed_within(trickle, 5)
    answer = httpx.get(f"http://127.0.0.1:{live_server}/healthz-not-a-page", timeout=10)
    assert answer.status_code == 404  # a real request still gets its answer


def test_connections_over_the_limit_get_503_not_a_descriptor(live_server: int) -> None:
    idle = [socket.create_connection(("127.0.0.1", live_server)) for _ in range(3)]
    # The server counts a connection once its loop has accepted it: on a busy machine that
    # can take a moment, so ask until it has (well inside the 10-s request-head timeout).
    deadline = time.monotonic() + 5
    while True:
        answer = httpx.get(f"http://127.0.0.1:{live_server}/", timeout=10)
        if answer.status_code == 503 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert answer.status_code == 503
    for conn in idle:
        conn.close()
    time.sleep(0.2)
    assert httpx.get(f"http://127.0.0.1:{live_server}/", timeout=10).status_code == 200


def test_an_oversized_request_head_is_refused(live_server: int) -> None:
    answer = httpx.get(f"http://127.0.0.1:{live_server}/",
                       headers={"X-Big": "a" * (serving.MAX_HEADER_BYTES + 10)}, timeout=10)
    assert answer.status_code in (400, 431)


def test_stale_upload_folders_of_dead_servers_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{serving.UPLOAD_PREFIX}{dead.pid}-abc"
    stale.mkdir()
    (stale / "runstrong-squad-x.csv").write_text("athlete,date,run\n")
    live = tmp_path / f"{serving.UPLOAD_PREFIX}{os.getpid()}-def"
    live.mkdir()
    mine = serving.upload_folder(str(tmp_path))
    assert not stale.exists() and live.exists() and mine.is_dir()
    assert mine.name.startswith(f"{serving.UPLOAD_PREFIX}{os.getpid()}-")


# --- stopping a server mid-squad -------------------------------------------------------------


def big_squad(count: int = 40) -> tuple[bytes, bytes]:
    """The coach example's athletes, many times over, under new names."""
    roster = ROSTER.read_text(encoding="utf-8").splitlines()
    runs = SQUAD_RUNS.read_text(encoding="utf-8").splitlines()
    good = [line for line in roster[1:] if line.split(",")[0] in ("Ben Okafor",)]
    out_roster, out_runs = [roster[0]], [runs[0]]
    for number in range(count):
        for line in good:
            name = line.split(",")[0]
            out_roster.append(f"{name} {number}," + line.split(",", 1)[1])
            out_runs += [f"{name} {number}," + row.split(",", 1)[1] for row in runs[1:]
                         if row.split(",")[0] == name]
    return ("\n".join(out_roster) + "\n").encode(), ("\n".join(out_runs) + "\n").encode()


def start_serving(folder: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(folder / "tmp")}
    (folder / "tmp").mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "serve", "--port", "0",
         "--db", str(folder / "web.sqlite3")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=folder)
    assert process.stdout is not None
    found = re.search(r"open (http://127\.0\.0\.1:\d+)/", process.stdout.readline())
    assert found
    return process, found.group(1)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_server_ends_its_workers_uploads_and_says_why(tmp_path: Path,
                                                                     stop: int) -> None:
    process, base = start_serving(tmp_path)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            page = client.get("/coach").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            roster, runs = big_squad()
            answer = client.post("/coach", data={"csrf_token": token},
                                 files={"roster": ("roster.csv", roster, "text/csv"),
                                        "runs": ("runs.csv", runs, "text/csv")})
            assert answer.status_code == 303, answer.text[:500]
        server = psutil.Process(process.pid)
        deadline = time.monotonic() + 60
        while len(server.children(recursive=True)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = server.children(recursive=True)
        assert len(workers) >= 2, "the squad's worker pool did not start"
        assert list((tmp_path / "tmp").glob("runstrong-serve-*/runstrong-squad-*.csv"))
        process.send_signal(stop)
        process.wait(timeout=30)
        _, alive = psutil.wait_procs(workers, timeout=15)
        assert alive == [], f"left running: {alive}"
    finally:
        stop_process(process, timeout=10)
    assert list((tmp_path / "tmp").iterdir()) == []
    with sqlite3.connect(tmp_path / "web.sqlite3") as db:
        [(status, error)] = db.execute("select status, error from squads").fetchall()
    assert status == "interrupted" and "server stopped" in error
