"""`runstrong serve`: the web page for runners and coaches."""

from __future__ import annotations

import os

import click

from planner.cli.common import (
    friendly_errors,
)
from planner.errors import InputError

MAX_WORKERS = 64


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="RUNSTRONG_HOST",
              help="Address to listen on. The default is only reachable from this computer; "
                   "0.0.0.0 opens it to your network (a container needs it). "
                   "[env RUNSTRONG_HOST]")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              envvar="RUNSTRONG_PORT", help="Port to listen on (0 = any free port). "
                                            "[env RUNSTRONG_PORT]")
@click.option("--db", default=None, metavar="PATH|URL", envvar="RUNSTRONG_DATABASE_URL",
              help="SQLite file, or a database URL such as postgresql://user@host/runstrong "
                   "(needs pip install 'runstrong[postgres]'); default: runstrong.sqlite3 in "
                   "your user data folder. [env RUNSTRONG_DATABASE_URL]")
@click.option("--workers", type=click.IntRange(1, MAX_WORKERS), default=1, show_default=True,
              envvar="RUNSTRONG_WORKERS",
              help="Server processes sharing the port and the database: more runners at "
                   "once (about one per core). [env RUNSTRONG_WORKERS]")
@click.option("--public-url", "public_url", default=None, metavar="URL",
              envvar="RUNSTRONG_PUBLIC_URL",
              help="The address runners use, e.g. https://club.example/runstrong, when the "
                   "server sits behind a reverse proxy: calendar feed links start with it. "
                   "[env RUNSTRONG_PUBLIC_URL]")
@click.option("--cluster", "cluster", default=None, metavar="ADDRESS",
              envvar="RUNSTRONG_CLUSTER",
              help="Plan coaches' squads on a Dask cluster (its scheduler, tcp://HOST:8786), "
                   "as `batch --cluster` does; needs pip install 'runstrong[cluster]'. "
                   "[env RUNSTRONG_CLUSTER]")
@friendly_errors
def serve(host: str, port: int, db: str | None, workers: int, public_url: str | None,
          cluster: str | None) -> None:
    """Run the web page for runners and coaches, then open the address it prints.

    Runners upload a week (CSV or .ics) or type it in, get the week as a picture, the
    calendar file and a subscription feed; coaches upload a roster and a squad's runs.
    Every athlete page and feed sits behind its own unguessable address.

    It holds up to 200 connections at once per worker (more get "503, busy"), drops a
    connection that has not sent its request within 10 s, and stops cleanly on Ctrl+C or
    SIGTERM (squads being planned are marked interrupted). Open to a network, run it
    behind a reverse proxy with https (README).

    Every option can come from the environment (RUNSTRONG_DATABASE_URL, RUNSTRONG_WORKERS,
    RUNSTRONG_PUBLIC_URL, …), as a container sets it. GET /healthz answers 200 while the
    database answers, 503 when not.

    \b
    Examples:
      runstrong serve
      runstrong serve --host 0.0.0.0 --workers 4 --db postgresql://runstrong@db/runstrong \\
          --public-url https://club.example
    """
    import shutil
    import signal
    import socket
    import sys
    import tempfile

    from sqlalchemy.exc import SQLAlchemyError

    from planner.errors import require_extra
    from planner.web.app import Settings, create_app, prepare_database
    from planner.web.serving import upload_folder

    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise InputError(f"{public_url!r} is not an http:// or https:// address",
                         field="--public-url")
    if cluster is not None:
        require_extra("distributed", "cluster", "--cluster")
    settings = Settings(db=db, public_url=public_url, cluster=cluster,
                        # a squad's worker processes, shared out between the servers
                        batch_processes=max(1, min(4, (os.cpu_count() or 1) // workers)))
    try:
        if workers == 1:
            app = create_app(settings)
        else:
            prepare_database(settings)
    except (SQLAlchemyError, OSError) as err:
        raise InputError(f"cannot open the database: {err}", field="--db") from None
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror or err}",
                         field="--port") from None
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    click.echo(f"runstrong is running: open http://{shown}:{bound_port}/ (Ctrl+C to stop)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("warning: listening beyond this computer; anyone who can reach it can use "
                   "it. Put it behind https for a hosted install.", err=True)
    # Every temporary file of this server (uploads being read, a squad's runs) goes into
    # its own folder, removed when it stops; folders of servers killed earlier go now.
    uploads = upload_folder()
    tempfile.tempdir = str(uploads)
    # uvicorn shuts down on SIGTERM, then raises the signal again for the handler it found:
    # the default one would end the process before the cleanup below.
    signal.signal(signal.SIGTERM, _stop_quietly)
    try:
        if workers == 1:
            _serve_one(app, sock)
        else:
            _serve_many(settings, sock, workers, uploads)
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        tempfile.tempdir = None
        shutil.rmtree(uploads, ignore_errors=True)
        click.echo("runstrong stopped.", err=True)


def _stop_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _serve_one(app: object, sock: object) -> None:
    import uvicorn

    from planner.web.serving import uvicorn_config

    uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])  # type: ignore[list-item]


def _serve_many(settings: object, sock: object, workers: int, uploads: object) -> None:
    """uvicorn's supervisor: `workers` spawned processes accept on the one socket bound
    here, each building its app from the settings passed in the environment."""
    from uvicorn.supervisors import Multiprocess

    from planner.web.app import worker_environment
    from planner.web.serving import uvicorn_config

    # Spawned workers inherit the environment: the settings, and the upload folder as
    # TMPDIR so their temporary files are removed with this server's.
    os.environ.update(worker_environment(settings))  # type: ignore[arg-type]
    os.environ["TMPDIR"] = str(uploads)
    config = uvicorn_config("planner.web.app:app_from_environment", factory=True,
                            workers=workers)
    Multiprocess(config, sockets=[sock]).run()  # type: ignore[list-item]
