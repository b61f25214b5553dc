"""Issue 23, processes and streams: SIGTERM during a batch leaves no work folder or worker,
stale work folders of killed batches are removed, and a standard output or error that
cannot be written ends in one line and an honest exit code, never a traceback."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_abuse_serve import big_squad

psutil = pytest.importorskip("psutil")
ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "examples" / "intermediate-week.csv"


def runstrong(*args: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "planner", *args],
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, **options)


def test_sigterm_during_a_batch_leaves_no_work_folder_or_worker(tmp_path: Path) -> None:
    roster, runs = big_squad(30)
    (tmp_path / "roster.csv").write_bytes(roster)
    (tmp_path / "runs.csv").write_bytes(runs)
    out = tmp_path / "out"
    process = runstrong("batch", "roster.csv", "runs.csv", "--out", str(out), "--jobs", "2",
                        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        text=True)
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
            len(parent.children()) >= 2 and list(tmp_path.glob(".out.new-*/*.ics"))):
        time.sleep(0.05)
    workers = parent.children(recursive=True)
    assert workers and list(tmp_path.glob(".out.new-*"))
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "Interrupted: planned" in err
    assert list(tmp_path.glob(".out.new-*")) == []
    assert (out / "summary.csv").exists()
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert alive == []


def test_work_folders_of_killed_batches_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".out.new-{dead.pid}-abcd1234"
    stale.mkdir()
    (stale / "Ana.ics").write_text("half a batch")
    old = tmp_path / ".out.new-oldstyle"
    old.mkdir()
    os.utime(old, (time.time() - 3 * 86400,) * 2)
    live = tmp_path / f".out.new-{os.getpid()}-efgh5678"
    live.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "planner", "batch", str(ROOT / "examples/coach/roster.csv"),
         str(ROOT / "examples/coach/runs.csv"), "--out", str(tmp_path / "out"), "--jobs", "1"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and not old.exists() and live.exists()


# --- batch --cluster: a deadline on the whole connection -------------------------------------


def test_a_silent_listener_is_a_one_line_exit_5(tmp_path: Path, monkeypatch) -> None:
    import socket
    import threading

    from click.testing import CliRunner

    from planner.cli import main
    from planner.services import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_say_nothing() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(listener.accept()[0])

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()
    try:
        started = time.monotonic()
        result = CliRunner().invoke(main, [
            "batch", str(ROOT / "examples/coach/roster.csv"),
            str(ROOT / "examples/coach/runs.csv"), "--out", str(tmp_path / "out"),
            "--cluster", f"tcp://127.0.0.1:{listener.getsockname()[1]}"])
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        for conn in accepted:
            conn.close()
        listener.close()
    assert result.exit_code == 5, result.output
    assert "no Dask scheduler answered" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert elapsed < 30  # it hung for good before
    assert not (tmp_path / "out").exists() and list(tmp_path.glob(".out.new-*")) == []


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:70000", "tcp://127.0.0.1:0",
                                     "tcp://127.0.0.1:port", "tcp://:8786"])
def test_an_address_with_no_valid_port_or_host_is_an_immediate_error(tmp_path: Path,
                                                                    address: str) -> None:
    from click.testing import CliRunner

    from planner.cli import main

    result = CliRunner().invoke(main, [
        "batch", str(ROOT / "examples/coach/roster.csv"), str(ROOT / "examples/coach/runs.csv"),
        "--out", str(tmp_path / "out"), "--cluster", address])
    assert result.exit_code == 2, result.output
    assert "--cluster" in result.stderr and "Traceback" not in result.output


# --- standard output or error that cannot be written -----------------------------------------

GOLDEN = ROOT / "tests" / "golden" / "intermediate.json"


def with_stdout(target: str, *args: str, stderr_target: str | None = None
                ) -> subprocess.CompletedProcess:
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(target, "wb"))
        err = stack.enter_context(open(stderr_target, "wb")) if stderr_target \
            else subprocess.PIPE
        return subprocess.run([sys.executable, "-m", "planner", *args], stdout=out,
                              stderr=err, env={**os.environ, "TZ": "UTC"})


@pytest.mark.parametrize("args", [["check", str(GOLDEN)], ["explain", str(GOLDEN)],
                                  ["catalog"], ["check", str(GOLDEN), "--previous", str(GOLDEN)]])
def test_a_full_standard_output_is_one_line_and_exit_74(args: list[str]) -> None:
    result = with_stdout("/dev/full", *args)
    err = result.stderr.decode()
    assert result.returncode == 74, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.strip().splitlines() == [
        "error: cannot write to standard output or error (No space left on device)"]


def test_plan_to_a_full_standard_output_exits_0_naming_the_files(tmp_path: Path) -> None:
    ics, out = tmp_path / "p.ics", tmp_path / "p.json"
    result = with_stdout("/dev/full", "plan", str(WEEK), "--ics", str(ics), "--json", str(out),
                         "--tz", "UTC")
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert "Traceback" not in err and ics.exists() and out.exists()
    assert err.strip().splitlines()[-1].startswith("warning: cannot write to standard output")
    assert f"the files were written: {ics}, {out}" in err


def test_plan_with_the_calendar_on_a_full_standard_output_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    result = with_stdout("/dev/full", "plan", str(WEEK), "--ics", "-", "--json", str(out),
                         "--tz", "UTC")
    assert result.returncode != 0 and not out.exists()
    assert "Traceback" not in result.stderr.decode()


def test_both_streams_full_is_a_silent_exit_74() -> None:
    result = with_stdout("/dev/full", "check", str(GOLDEN), stderr_target="/dev/full")
    assert result.returncode == 74


def test_a_closed_pipe_ends_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written (`| head -0`)
    try:
        result = subprocess.run([sys.executable, "-m", "planner", "catalog"],
                                stdout=write_end, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert result.returncode == 74 and result.stderr.decode() == ""
