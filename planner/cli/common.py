"""What every command shares: exit codes, one-line errors instead of tracebacks, dates
and output paths checked before any work."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.errors import InputError, RunstrongError

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT, EXIT_NO_PLAN, EXIT_SOME_FAILED = 0, 1, 2, 3, 4
EXIT_STREAM = 74  # standard output or error could not be written (sysexits' EX_IOERR)
# Errors that mean a stream is gone or full (a closed pipe, /dev/full, a full log disk):
# every file error is an OutputError or InputError before it gets this far.
STREAM_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EBADF,
                           errno.EDQUOT, errno.EFBIG, errno.ECONNRESET})
# The files the running command has written (all of them, together): when only its printed
# report is lost, the exit code can say the files are there.
_written: list[str] = []


def record_written(names: Sequence[str]) -> None:
    """Note the files this command wrote, for an honest exit if printing then fails."""
    _written.extend(names)


class RunstrongGroup(click.Group):
    """The `runstrong` group: a standard output or error that cannot be written (a closed
    pipe, `> /dev/full`, a full log disk) ends in at most one line and EXIT_STREAM, never
    a traceback; when a command wrote all its files before printing failed, exit 0 and say
    so. SIGTERM unwinds like Ctrl+C (see stop_on_sigterm)."""

    def invoke(self, ctx: click.Context) -> Any:
        _written.clear()
        try:
            return super().invoke(ctx)
        except OSError as err:
            if err.errno not in STREAM_ERRNOS:
                raise
            ctx.exit(_stream_failed(err))


def _stream_failed(err: OSError) -> int:
    """Say (on stderr, if it still works) what was lost, silence both streams so the final
    flush at exit cannot fail again, and return the exit code."""
    written = [name for name in _written if name != "standard output"]
    complete = bool(written) and len(written) == len(_written)
    if err.errno != errno.EPIPE:  # a reader that went away (`| head`) wants no message
        where = f"; the files were written: {', '.join(written)}" if written else ""
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"{'warning' if complete else 'error'}: cannot write to "
                             f"standard output or error "
                             f"({os.strerror(err.errno or 0)}){where}\n")
            sys.stderr.flush()
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                os.dup2(devnull, stream.fileno())
    return EXIT_OK if complete else EXIT_STREAM




F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Bad input is a message and exit 2, never a traceback (RUNSTRONG_DEBUG=1 shows it)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RunstrongError as err:
            if os.environ.get("RUNSTRONG_DEBUG"):
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper  # type: ignore[return-value]


def stop_on_sigterm() -> None:
    """Make SIGTERM (what `kill`, systemd and docker send) unwind like Ctrl+C, so every
    `finally` runs: a batch writes what it planned and removes its work folder, a worker
    pool is ended, a half-written file is removed. Only in the main thread, and only when
    nobody else chose a handler."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def parse_date_option(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    from planner.readers.spans import check_date_bounds

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value}' is not a date (YYYY-MM-DD)", field=field) from None
    return check_date_bounds(day, field=field)


class OutputPath(click.Path):
    """A file or folder to write (``-`` is standard output for a file); an empty name is
    refused for both, since click would otherwise read it as "." (`--fit ''` wrote the
    workouts into the current folder)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("the file name is empty" if self.file_okay else
                      "the folder name is empty", param, ctx)
        return super().convert(value, param, ctx)


def check_output_dir(folder: Path, option: str) -> None:
    """Exit 2 before any work when `folder` cannot be a folder we write into: it, or the
    nearest part of its path that exists, is a file, or that part is not writable."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        where = "is a file" if existing == folder else f"cannot be made: {existing} is a file"
        raise InputError(f"{folder} {where}, not a folder", field=option)
    if existing.exists() and not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{folder}: cannot write into {existing} (permission denied)",
                         field=option)


def make_output_dir(folder: Path, option: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot make the folder ({exc.strerror or exc})",
                         field=option) from None


def echo_found(warnings: Sequence[str], notes: Sequence[str]) -> None:
    for text in warnings:
        click.echo(f"warning: {text}", err=True)
    for text in notes:
        click.echo(f"note: {text}", err=True)


def write_fit_folder(folder: Path, files: Sequence[tuple[str, bytes]],
                      option: str = "--fit") -> int:
    """Write one athlete's FIT workouts into `folder` (made if missing); warn about an earlier
    plan's files there. Returns how many were written."""
    from planner.renderers.outputs import write_atomic

    check_output_dir(folder, option)
    make_output_dir(folder, option)
    for name, data in files:
        write_atomic(folder / name, data)
    warn_stale_fit(folder, {name for name, _ in files})
    return len(files)


def warn_stale_fit(folder: Path, written: set[str]) -> None:
    """Workout files of an earlier plan in the same folder would go onto the watch too."""
    from planner.renderers.fit import FIT_FILE_PATTERN

    stale = sorted(p.name for p in folder.glob("*.fit")
                   if FIT_FILE_PATTERN.fullmatch(p.name) and p.name not in written)
    if stale:
        shown = ", ".join(stale[:3]) + (f" +{len(stale) - 3} more" if len(stale) > 3 else "")
        click.echo(f"warning: {folder} also holds {len(stale)} workout file(s) this plan did "
                   f"not write ({shown}); copy only this plan's files to the watch", err=True)
