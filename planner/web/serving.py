"""How `runstrong serve` holds under load and dies cleanly.

* **Connection limits** (uvicorn): at most LIMIT_CONCURRENCY connections at once (the next
  one gets a 503 at once instead of a file descriptor), idle keep-alive connections closed
  after KEEP_ALIVE_S, a request head over MAX_HEADER_BYTES refused, and, which uvicorn does
  not do itself, a connection that has not sent a whole request head within
  HEADER_TIMEOUT_S closed (21 000 slow connections used to exhaust the descriptors and
  block everyone). Exposed beyond this machine, put a reverse proxy in front (README).
* **Worker processes** of a squad are tied to the server: they ignore Ctrl+C (the server
  decides), ask the kernel to end them when the server dies (Linux), and are terminated
  when the server stops (SIGTERM or SIGINT), so none is left to PID 1.
* **Temporary uploads** go into a folder of this server's own (`runstrong-serve-PID-…`),
  removed when it stops; folders of servers that died are removed at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

LIMIT_CONCURRENCY = 200
KEEP_ALIVE_S = 5
HEADER_TIMEOUT_S = 10
MAX_HEADER_BYTES = 16_384
GRACEFUL_SHUTDOWN_S = 10
UPLOAD_PREFIX = "runstrong-serve-"


class HeaderTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline on each request head: a connection still
    idle or mid-head HEADER_TIMEOUT_S after it opened (or after its last response) is
    closed, however slowly it trickles bytes in."""

    _head_timer: asyncio.TimerHandle | None = None
    _head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            # h11 bounds only a head that arrives in pieces; count the whole head here.
            end = data.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else end + 4
            if self._head_bytes > MAX_HEADER_BYTES:
                self._cancel_head_timer()
                self.transport.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                     b"content-length: 0\r\nconnection: close\r\n\r\n")
                self.transport.close()
                return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._cancel_head_timer()  # the head is complete: the request runs
            self._head_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._head_bytes = 0
            self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(HEADER_TIMEOUT_S, self._head_timeout)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def uvicorn_config(app: Any, **extra: Any) -> Any:
    """The uvicorn.Config `runstrong serve` runs with (limits above)."""
    import uvicorn

    return uvicorn.Config(
        app, http=HeaderTimeoutH11, log_level="warning", proxy_headers=True,
        limit_concurrency=LIMIT_CONCURRENCY, timeout_keep_alive=KEEP_ALIVE_S,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, **extra)


def stop_worker_pool(pool: Executor | None) -> None:
    """Cancel what is queued and end the pool's processes now (SIGTERM, then SIGKILL)."""
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)


def upload_folder(parent: str | None = None) -> Path:
    """A fresh folder for this server's temporary uploads, after removing the folders of
    servers that are no longer running (killed, so they could not clean up)."""
    base = Path(parent or tempfile.gettempdir())
    for stale in base.glob(f"{UPLOAD_PREFIX}*"):
        owner = stale.name[len(UPLOAD_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)) and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-", dir=base))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
