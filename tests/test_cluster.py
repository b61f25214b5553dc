"""Issue 16: `runstrong batch --cluster` on a real Dask cluster (2 worker processes on
127.0.0.1) writes the very bytes of the local run; a scheduler that cannot be reached is
one line and exit 5 with nothing written; a worker that dies is that athlete's row."""

from __future__ import annotations

import csv
import io
import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.readers.roster import load_roster, split_runs_by_athlete
from planner.services.batch import AthleteJob

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

ROSTER = """athlete,level,equipment,sessions,minutes,time,tz,new_to_strength
Zoë Müller,intermediate,dumbbell;band,,45,18:00,Europe/Berlin,no
Bad Row,expert,,,45,18:00,UTC,no
Slash/Name,beginner,,,45,07:00,UTC,yes
Tiny Time,advanced,,,10,07:00,UTC,no
Ben,beginner,,,40,07:00,UTC,no
No Runs,beginner,,,45,07:00,UTC,no
"""
WEEK = ["easy", "speed", "rest", "tempo", "easy", "rest", "long"]


def runs_csv() -> str:
    lines = ["athlete,date,run,minutes"]
    for name in ("Zoë Müller", "Bad Row", "Slash/Name", "Tiny Time", "Ben"):
        lines += [f"{name},2027-01-{4 + n:02d},{WEEK[n % 7]},40" for n in range(14)]
    lines.append("Slash/Name,2027-01-13,sprint-ish,40")  # an unknown run word: a bad row
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def cluster():
    # One failure per task is enough to show a dead worker's athlete (default is 3).
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address="127.0.0.1:0")
    yield local
    local.close()


@pytest.fixture
def coach_files(tmp_path: Path) -> tuple[Path, Path]:
    roster, runs = tmp_path / "roster.csv", tmp_path / "runs.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    runs.write_text(runs_csv(), encoding="utf-8")
    return roster, runs


def batch(roster: Path, runs: Path, out: Path, *options: str):
    return CliRunner().invoke(main, ["batch", str(roster), str(runs), "--out", str(out),
                                     *options])


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_cluster_run_is_byte_identical_to_the_local_runs(cluster, coach_files,
                                                          tmp_path: Path) -> None:
    one = batch(*coach_files, tmp_path / "one", "--jobs", "1")
    two = batch(*coach_files, tmp_path / "two", "--jobs", "2")
    far = batch(*coach_files, tmp_path / "far", "--cluster", cluster.scheduler_address)
    assert one.exit_code == two.exit_code == far.exit_code == 4, far.output
    assert folder_bytes(tmp_path / "far") == folder_bytes(tmp_path / "one")
    assert folder_bytes(tmp_path / "far") == folder_bytes(tmp_path / "two")
    summary = (tmp_path / "far" / "summary.csv").read_text(encoding="utf-8")
    assert [row[0] for row in list(csv.reader(io.StringIO(summary)))[1:]] == [
        "Zoë Müller", "Bad Row", "Slash/Name", "Tiny Time", "Ben", "No Runs"]
    assert "failed: bad runs" in summary and "failed: no plan" in summary
    assert "optimal" in summary
    # each failed athlete is one error line, whatever order the cluster finished them in
    assert sorted(line.split(":")[1] for line in far.stderr.splitlines()
                  if line.startswith("error:")) == sorted(
        line.split(":")[1] for line in one.stderr.splitlines() if line.startswith("error:"))


def test_jobs_caps_the_athletes_sent_to_a_scheduler(cluster, coach_files,
                                                     tmp_path: Path) -> None:
    result = batch(*coach_files, tmp_path / "capped", "--cluster", cluster.scheduler_address,
                   "--jobs", "1")
    assert result.exit_code == 4
    batch(*coach_files, tmp_path / "one", "--jobs", "1")
    assert folder_bytes(tmp_path / "capped") == folder_bytes(tmp_path / "one")


def test_cluster_local_starts_its_own_cluster_and_stops_it(coach_files, tmp_path: Path) -> None:
    before = _workers()
    local = batch(*coach_files, tmp_path / "local", "--cluster", "local", "--jobs", "2",
                  "--summary-format", "both")
    assert local.exit_code == 4, local.output
    batch(*coach_files, tmp_path / "one", "--jobs", "1", "--summary-format", "both")
    assert folder_bytes(tmp_path / "local") == folder_bytes(tmp_path / "one")
    assert (tmp_path / "local" / "summary.parquet").exists()
    assert _workers() <= before  # its worker processes are gone


def _workers() -> set[str]:
    """Process ids of this process's live worker children (Linux; empty elsewhere)."""
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if f"PPid:\t{os.getpid()}\n" in status and b"spawn_main" in command:
            found.add(entry.name)
    return found


def test_a_scheduler_nobody_answers_is_one_line_exit_5_and_nothing_written(
        coach_files, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "out"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = batch(*coach_files, out, "--cluster", f"tcp://127.0.0.1:{port}")
    assert result.exit_code == 5
    assert result.stderr.startswith(f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:"
                                    f"{port}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


@pytest.mark.parametrize("address", ["nonsense", "foo://host:1"])
def test_a_malformed_address_is_a_bad_option(coach_files, tmp_path: Path, address: str) -> None:
    result = batch(*coach_files, tmp_path / "out", "--cluster", address)
    assert result.exit_code == 2
    assert "is not a scheduler address" in result.stderr and "tcp://HOST:PORT" in result.stderr
    assert not (tmp_path / "out").exists()


def test_more_local_processes_than_a_machine_runs_is_refused(coach_files, tmp_path: Path) -> None:
    result = batch(*coach_files, tmp_path / "out", "--jobs", "500")
    assert result.exit_code == 2 and "--jobs" in result.stderr
    assert not (tmp_path / "out").exists()


def _worker_killer() -> str:
    """A catalog path that ends the process looking it up: planning it on a worker is a
    worker dying mid-task. The class is local, so cloudpickle ships it by value, and the
    scheduler (which unpickles tasks, here in this very process) never looks it up."""

    class KillsItsWorker(str):
        def __hash__(self) -> int:
            os._exit(1)

    return KillsItsWorker("catalog.csv")


def test_an_athlete_whose_worker_dies_is_its_row_and_the_others_are_kept(
        cluster, coach_files) -> None:
    from planner.services.cluster import plan_on_cluster

    roster, runs = coach_files
    entries = load_roster(roster)
    split = split_runs_by_athlete(runs)
    ben = next(e for e in entries if e.name == "Ben")
    zoe = next(e for e in entries if e.name == "Zoë Müller")

    def job(entry, catalog):
        return AthleteJob(entry, split.groups[entry.name.casefold()], split.source,
                          split.first_row, catalog)

    jobs = [job(zoe, None), job(ben, _worker_killer()), job(ben, None)]
    with distributed.Client(cluster.scheduler_address) as client:
        outcomes = dict(plan_on_cluster(client, jobs, in_flight=2))
    assert sorted(outcomes) == [0, 1, 2]
    assert not outcomes[0].failed and not outcomes[2].failed
    assert outcomes[1].failed
    assert outcomes[1].summary["status"] == "failed: cluster"
    assert "worker died" in outcomes[1].summary["warnings"]
