"""`runstrong batch --cluster`: plan the athletes on a Dask distributed cluster.

One task per athlete runs `plan_athlete`, the very function the local batch runs, so a
plan's bytes do not depend on where it was made. Results come back as they finish
(`as_completed`) and the caller writes each athlete's files at once; it puts the summary
in roster order itself. At most `in_flight` athletes are on the cluster at a time, so
neither the client nor the scheduler ever holds the whole squad's inputs or plans.

Dask is imported here only, and this module only when --cluster is given, so
`runstrong plan` starts no slower for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from planner.errors import InputError, RunstrongError, require_extra
from planner.readers.roster import RosterEntry, RunsByAthlete
from planner.services.batch import (
    AthleteJob,
    AthleteOutcome,
    athlete_failure,
    jobs_for,
    plan_athlete,
    run_batch,
)

LOCAL = "local"  # --cluster local: a LocalCluster on this machine
EXIT_UNREACHABLE = 5  # as `push` when its server cannot be reached
WORKER_WAIT_SECONDS = 60  # a scheduler with no workers yet: wait this long for one
# The whole connection (TCP, Dask's handshake, registering the client) within this: a
# listener that accepts and stays silent (any other server's port) hung the batch for good.
CONNECT_SECONDS = 30
MAX_LOCAL_JOBS = 64  # processes on this machine (--jobs without a scheduler address)
IN_FLIGHT_PER_THREAD = 2  # tasks queued per worker thread: none idles between two athletes


class ClusterError(RunstrongError):
    """The cluster cannot be used (nothing planned, nothing written)."""

    exit_code = EXIT_UNREACHABLE


class ClusterAddressError(RunstrongError):
    """A --cluster value that is not an address (exit 2, like any bad option)."""


@contextlib.contextmanager
def batch_outcomes(roster: list[RosterEntry], runs: RunsByAthlete, *, jobs: int | None,
                   cluster: str | None, catalog_path: str | None, start: date | None,
                   fit: bool) -> Iterator[Iterator[tuple[int, AthleteOutcome]]]:
    """(roster index, outcome) of every athlete: in roster order on this machine (--jobs
    processes), as they finish on a cluster. `runstrong batch` writes them as they come.

    --jobs means "athletes planned in parallel" everywhere: the processes here or of
    --cluster local; for a scheduler address, the athletes sent to it at once (a coach
    sharing a club's cluster can cap their share), else twice the cluster's threads."""
    if jobs is not None and jobs > MAX_LOCAL_JOBS and cluster in (None, LOCAL):
        raise InputError(f"{jobs} is more processes than one machine runs well (at most "
                         f"{MAX_LOCAL_JOBS}); for more, give --cluster a scheduler address",
                         field="--jobs")
    workers = jobs or max(1, min(os.cpu_count() or 1, len(roster)))
    if cluster is None:
        yield enumerate(run_batch(roster, runs, jobs=workers, catalog_path=catalog_path,
                                  start=start, fit=fit))
        return
    with connect(cluster, workers) as client:
        in_flight = (jobs if jobs is not None and cluster != LOCAL
                     else IN_FLIGHT_PER_THREAD * cluster_threads(client))
        outcomes = plan_on_cluster(client, jobs_for(roster, runs, catalog_path, start, fit),
                                   in_flight)
        try:
            yield outcomes
        finally:
            outcomes.close()  # cancels what is still queued while the client is open


def plan_for_files(job: AthleteJob) -> AthleteOutcome:
    """`plan_athlete` without the Plan object: the files and the summary row are all the
    batch writes, and the plan would only add to what travels back."""
    return dataclasses.replace(plan_athlete(job), plan=None)


def worker_version() -> str:
    """The runstrong on a worker: it must be the client's, or plans would differ."""
    from importlib.metadata import version

    return version("runstrong")


@contextlib.contextmanager
def connect(address: str, workers: int) -> Iterator[Any]:
    """A Client on `address` (or on a new LocalCluster of `workers` single-threaded
    processes on 127.0.0.1 for 'local'), checked to have workers running this runstrong."""
    require_extra("distributed", "cluster", "--cluster")
    from distributed import Client, LocalCluster

    cluster = None
    where = "a local cluster" if address == LOCAL else f"the Dask scheduler at {address}"
    try:
        if address == LOCAL:
            # Processes, one thread each: planning is mostly Python holding the GIL, so
            # threads would wait on each other. Its HTTP endpoints on a free loopback port:
            # the default :8787 may be another cluster's.
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address="127.0.0.1:0")
            client = Client(cluster)
        else:
            check_address(address)
            client = _client_within(Client, address, where)
    except ClusterAddressError:
        raise
    except ValueError as err:
        if cluster is not None:
            cluster.close()
        raise ClusterAddressError(f"--cluster {address!r} is not a scheduler address "
                                  f"({_first_line(err)}); give tcp://HOST:PORT or 'local'"
                                  ) from None
    except OSError as err:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach {where} ({_first_line(err)})") from None
    try:
        _check_workers(client, where)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def check_address(address: str) -> None:
    """Refuse at once an address whose port is not a port (tcp://HOST:70000 waited 30 s)."""
    scheme, _, rest = address.rpartition("://")
    host, colon, port = rest.rpartition(":")
    if scheme not in ("", "tcp", "tls") or not colon:
        return  # Dask's other transports, or its default port: Dask judges those
    if not port.isdigit() or not 0 < int(port) <= 65535:
        raise ClusterAddressError(f"--cluster {address!r}: {port!r} is not a port (1 to "
                                  "65535); give tcp://HOST:PORT or 'local'")
    if not host.strip("[]"):
        raise ClusterAddressError(f"--cluster {address!r} names no host; give "
                                  "tcp://HOST:PORT or 'local'")


def _client_within(client_class: Any, address: str, where: str) -> Any:
    """A Client on `address`, or ClusterError when connecting, the handshake and
    registering take more than CONNECT_SECONDS in all. Dask's own timeout covers the TCP
    connect only, so the client is made in a thread the caller stops waiting for."""
    import threading

    made: dict[str, Any] = {}

    def make() -> None:
        try:
            made["client"] = client_class(address, timeout=CONNECT_SECONDS)
        except BaseException as err:  # handed to the caller's thread
            made["error"] = err

    thread = threading.Thread(target=make, name="runstrong-dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_SECONDS + 2)
    if thread.is_alive():
        raise ClusterError(f"no Dask scheduler answered at {address} within "
                           f"{CONNECT_SECONDS} s (something listens there, but not a Dask "
                           "scheduler?)")
    if "error" in made:
        raise made["error"]
    return made["client"]


def _check_workers(client: Any, where: str) -> None:
    from importlib.metadata import version

    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except TimeoutError:
        raise ClusterError(f"{where} has no workers (waited {WORKER_WAIT_SECONDS} s)") from None
    try:
        found = client.run(worker_version)
    except Exception as err:  # a worker without runstrong cannot even unpickle the call
        raise ClusterError(f"the workers of {where} cannot run runstrong: install it on "
                           f"every worker ({type(err).__name__}: {_first_line(err)})") from None
    mine = version("runstrong")
    other = sorted({(v, w) for w, v in found.items() if v != mine})
    if other:
        raise ClusterError(f"worker {other[0][1]} runs runstrong {other[0][0]}, this machine "
                           f"{mine}: install the same version everywhere")


def cluster_threads(client: Any) -> int:
    """Worker threads of the cluster now (it may grow or shrink later)."""
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def plan_on_cluster(client: Any, jobs: Iterable[AthleteJob], in_flight: int, *,
                    keep_plans: bool = False) -> Iterator[tuple[int, AthleteOutcome]]:
    """(roster index, outcome) as each athlete finishes, with at most `in_flight` athletes
    submitted and not yet taken back. A task whose worker died is retried by Dask (its
    `distributed.scheduler.allowed-failures`); if it still fails, that athlete's outcome
    is a failure naming the cause and the others go on. `keep_plans`: each outcome
    brings its Plan back too (the web app stores it; a batch writes only files)."""
    from distributed import as_completed

    task = plan_athlete if keep_plans else plan_for_files

    work = enumerate(jobs)
    waiting: dict[str, tuple[int, str, Any]] = {}  # future key -> (roster index, name, future)

    def submit_next() -> Any:
        for index, job in work:
            future = client.submit(task, job, pure=False, retries=1)
            waiting[future.key] = (index, job.entry.name, future)
            return future
        return None

    first = [f for f in (submit_next() for _ in range(max(1, in_flight))) if f is not None]
    try:
        pending = as_completed(first)
        for future in pending:
            index, name, _ = waiting.pop(future.key)
            yield index, _outcome(future, name)
            future.release()  # the scheduler may forget the result now
            following = submit_next()
            if following is not None:
                pending.add(following)
    finally:
        # Interrupted or stopped early: take the athletes still queued off the cluster.
        if waiting:
            client.cancel([future for _, _, future in waiting.values()])


def _outcome(future: Any, name: str) -> AthleteOutcome:
    try:
        return future.result()
    except Exception as err:  # the task never returned: its worker died, or the cluster went
        cause = type(err).__name__
        hint = ("its worker died while planning it (out of memory?)"
                if cause == "KilledWorker" else f"{cause}: {_first_line(err)}")
        return athlete_failure(name, "cluster", f"not planned on the cluster: {hint}")


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0][:200] if text else type(err).__name__
