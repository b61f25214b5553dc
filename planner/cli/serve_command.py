"""`runstrong serve`: the web page for runners and coaches."""

from __future__ import annotations

import click

from planner.cli.common import (
    friendly_errors,
)
from planner.errors import InputError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default is only reachable from this computer; "
                   "0.0.0.0 opens it to your network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 = any free port).")
@click.option("--db", default=None, metavar="PATH|URL",
              help="SQLite file, or a SQLAlchemy URL such as postgresql+psycopg://user@host/db "
                   "(default: runstrong.sqlite3 in your user data folder).")
@friendly_errors
def serve(host: str, port: int, db: str | None) -> None:
    """Run the web page for runners and coaches, then open the address it prints.

    Runners upload a week (CSV or .ics) or type it in, get the week as a picture, the
    calendar file and a subscription feed; coaches upload a roster and a squad's runs.
    Every athlete page and feed sits behind its own unguessable address.

    It holds up to 200 connections at once (more get "503, busy"), drops a connection
    that has not sent its request within 10 s, and stops cleanly on Ctrl+C or SIGTERM
    (squads being planned are marked interrupted). Open to a network, run it behind a
    reverse proxy with https (README).
    """
    import shutil
    import signal
    import socket
    import sys
    import tempfile

    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from planner.web.app import Settings, create_app
    from planner.web.serving import upload_folder, uvicorn_config

    try:
        app = create_app(Settings(db=db))
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
        uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        tempfile.tempdir = None
        shutil.rmtree(uploads, ignore_errors=True)
        click.echo("runstrong stopped.", err=True)


def _stop_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)

