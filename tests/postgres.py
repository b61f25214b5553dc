"""A throw-away PostgreSQL cluster for the tests: `initdb` into a temporary folder (trust
auth, TCP on 127.0.0.1 only, a free port), started with `pg_ctl`, stopped and removed after.

Debian's `postgresql` package puts the server under /usr/lib/postgresql/<version>/bin
(`.ci/run` installs it). PostgreSQL refuses to run as root, so as root the cluster runs as
the `postgres` user the package creates. Without the server the PostgreSQL tests skip,
except under CI=true, where they fail (as the browser tests do).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

CI_MISSING = "PostgreSQL tests need the server (apt-get install -y postgresql) and psycopg " \
             "(pip install -e '.[test]')"


def server_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: $RUNSTRONG_PG_BIN, PATH, or Debian's layout."""
    given = os.environ.get("RUNSTRONG_PG_BIN")
    if given:
        return Path(given)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def skip_or_fail(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why}: missing in CI", pytrace=False)
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """One running server; `database()` hands out a fresh empty database per test."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="runstrong-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        self.user: str | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import pwd

            try:
                record = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no postgres user") from None
            self.user = "postgres"
            os.chown(self.folder, record.pw_uid, record.pw_gid)

    def _run(self, *argv: str, timeout: float = 120) -> None:
        command = list(argv)
        if self.user:
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            command = [runuser, "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                cwd=self.folder)
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {result.stderr.strip() or result.stdout}")

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        # no unix socket (the folder may be unreachable for other users), fsync off: the
        # data lives as long as the test run
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   "-c unix_socket_directories='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200 "
                   # not UTC: moments must come back right from any server's zone
                   "-c timezone=America/St_Johns")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.folder / "server.log"), "-o", options, "-w", "-t", "60", "start")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        import psycopg

        name = f"runstrong_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        """Remove a database `database()` made (its connections are closed by force)."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "stop", timeout=60)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """Start a cluster or skip (fail under CI=true) naming what is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        skip_or_fail(CI_MISSING)
    bin_dir = server_bin()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        skip_or_fail(CI_MISSING)
    assert bin_dir is not None
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as err:
        cluster.stop()
        skip_or_fail(f"{CI_MISSING}; starting it failed: {err}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # pg_ctl -w waited; this guards a slow first accept
        try:
            socket.create_connection(("127.0.0.1", cluster.port), timeout=2).close()
            break
        except OSError:
            time.sleep(0.1)
    return cluster
