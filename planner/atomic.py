"""Write one output so a reader never sees half a file and a failure leaves the old file intact.

Kept for callers that write a single file; `planner.outputs.write_outputs` writes several
together (all or nothing) and is what the commands use.
"""

from __future__ import annotations

import os

from planner.outputs import Output, write_outputs


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` through `write_outputs`: temp file beside it, then rename;
    new files follow the umask, a replaced file keeps its mode. Raises OutputError."""
    write_outputs([Output(os.fspath(path), data)])
