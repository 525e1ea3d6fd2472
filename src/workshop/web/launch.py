"""Running the phone-vote server as its own process, for the CLI and the facilitator's app.

A crash of the server must never take the facilitator's app down, so the app starts it as a child
process (`command()`), learns the join link from the store once the server has recorded it
(`running()`), and stops it with SIGTERM (`stop()`). Imports nothing of the web stack.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

from workshop.store import Store


def command(session_id: int, db_path: Path, host: str | None = None, port: int | None = None) -> list[str]:
    """The command line that serves this workshop: `python -m workshop --db PATH serve SESSION ...`."""
    args = [sys.executable, "-m", "workshop", "--db", str(db_path), "serve", str(session_id)]
    if host is not None:
        args += ["--host", host]
    if port is not None:
        args += ["--port", str(port)]
    return args


def running(store: Store, session_id: int) -> tuple[str, int] | None:
    """(join link, process id) of the server serving this workshop now, if one is.

    The record is cleared when a server stops; one killed outright leaves it behind, so the process
    is checked too.
    """
    recorded = store.vote_server(session_id)
    return recorded if recorded and process_alive(recorded[1]) else None


def stop(pid: int) -> None:
    """Ask a server to stop: it finishes the requests under way, clears its record and closes the port."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
