"""Start, announce and stop the phone-vote server for one workshop.

`serve()` opens the store once (checking and migrating the file), binds the port itself (so a port
in use is one clear line), records the join link in the store for every other window, prints the
link, a QR code and the address to type, and serves until SIGINT or SIGTERM. Then the record is
cleared and the port closes.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from workshop.store import NotFound, Store, StoreError
from workshop.web.launch import process_alive
from workshop.web.qr import qr_lines
from workshop.web.security import Limits

ANY_HOST = "0.0.0.0"
DEFAULT_PORT = 8765
EXIT_DATA = 1
EXIT_USAGE = 2


class ServeError(Exception):
    """Why the server cannot start, in one line, with the exit status to give."""

    def __init__(self, message: str, status: int = EXIT_DATA):
        super().__init__(message)
        self.status = status


class _Stopped(Exception):
    """SIGINT or SIGTERM outside uvicorn's own handling (before it starts, after it stops)."""


def serve(
    db_path: Path,
    session_id: int,
    host: str = ANY_HOST,
    port: int = DEFAULT_PORT,
    announce: Callable[[str], None] = print,
    *,
    limits: Limits | None = None,
) -> int:
    """Serve one workshop to the phones until SIGINT/SIGTERM; 0 when stopped as asked.

    Raises ServeError (a one-line message and the exit status) when it cannot start.
    """
    with _stop_on_signals():
        try:
            return _serve(Path(db_path), session_id, host, port, announce, limits)
        except _Stopped:
            return 0


def _serve(db_path: Path, session_id: int, host: str, port: int, announce: Callable[[str], None],
           limits: Limits | None) -> int:
    try:
        store = Store.open(db_path)
    except StoreError as exc:
        raise ServeError(str(exc)) from None
    try:
        token = store.phone_token(session_id)
        _refuse_second_server(store, session_id)
    except (NotFound, StoreError) as exc:
        store.close()
        raise ServeError(str(exc)) from None
    try:
        sock = bind(host, port)
    except ServeError:
        store.close()
        raise
    with sock:
        url = join_url(public_address(host), sock.getsockname()[1], token)
        return _run(store, session_id, token, sock, url, host, announce, limits)


def _run(store: Store, session_id: int, token: str, sock: socket.socket, url: str, host: str,
         announce: Callable[[str], None], limits: Limits | None) -> int:
    import uvicorn  # the web stack is imported only to serve

    from workshop.web.app import StoreThreads, create_app

    pid = os.getpid()
    port = sock.getsockname()[1]

    async def on_ready(threads: StoreThreads) -> None:
        with contextlib.suppress(OSError):  # nobody reads the output any more: serve all the same
            announce(announcement(session_id, url, host, port))

    try:  # the socket already listens: a phone that connects now waits for the first request
        store.set_vote_server(session_id, url, pid)
    except StoreError as exc:
        store.close()
        raise ServeError(str(exc)) from None
    app = create_app(store, session_id, token, limits=limits, on_ready=on_ready)
    server = uvicorn.Server(server_config(app))
    try:
        server.run(sockets=[sock])
    finally:
        # Only this process's record goes: a newer server for the same workshop keeps its own.
        with contextlib.suppress(StoreError):
            store.clear_vote_server(session_id, pid)
        store.close()
    if not server.started:
        raise ServeError("the phone-vote server did not start (see the line above)")
    return 0


def server_config(app: Any) -> Any:
    """How uvicorn serves the phones' app: what `workshop serve` runs (and the tests, in-process)."""
    import uvicorn

    return uvicorn.Config(
        app,
        lifespan="on",
        log_level="warning",
        access_log=False,  # request lines would print the workshop's token
        proxy_headers=False,  # nothing sits in front: the client address is the phone's
        server_header=False,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=3,
        limit_concurrency=200,  # beyond this, 503 at once rather than a laptop that stalls
        h11_max_incomplete_event_size=16 * 1024,  # request line and headers
    )


def announcement(session_id: int, url: str, host: str, port: int) -> str:
    lines = [f"Phones join workshop {session_id} at {url}", ""]
    lines += ["  " + line for line in qr_lines(url)]
    lines += ["", f"No camera? Type the address: {url}"]
    if url.startswith(("http://127.", "http://[::1]", "http://localhost")):
        if host in ("0.0.0.0", "::", ""):
            lines.append("No network found: only this laptop can open the link. Join the room's network "
                         "(or a phone's hotspot) and start again.")
        else:
            lines.append(f"Listening on {host} port {port}: only this laptop can open the link.")
    else:
        lines.append(f"Listening on {_display(host)} port {port}. Phones must be on the same network.")
    lines.append("Stop with Ctrl+C.")
    return "\n".join(lines)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a one-line ServeError."""
    if not 0 <= port <= 65535:
        raise ServeError(f"--port must be 0-65535, not {port}", EXIT_USAGE)
    try:  # an IP address, never a name to look up: nothing leaves the laptop to start a server
        infos = socket.getaddrinfo("127.0.0.1" if host == "localhost" else host or None, port,
                                   type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE | socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        raise ServeError(f"--host {host}: not an IP address of this laptop", EXIT_USAGE) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # a quick restart may rebind past TIME_WAIT; never a port someone listens on
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} is in use on {_display(host)} (a vote server already running? "
                             "choose another with --port)") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServeError(f"--host {host}: not an IP address of this laptop", EXIT_USAGE) from None
        if exc.errno == errno.EACCES:
            raise ServeError(f"port {port} needs administrator rights; choose one above 1023 with --port") from None
        raise ServeError(f"cannot listen on {_display(host)} port {port}: {exc.strerror}") from None
    sock.setblocking(False)
    return sock


def public_address(host: str) -> str:
    """The address phones should use: the host given, or for all interfaces the laptop's LAN address."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    return lan_address() or "127.0.0.1"


def lan_address() -> str | None:
    """The laptop's address on its network, found without sending anything.

    Connecting a UDP socket sends no packet: the system only picks the route, and with it the
    address it would send from. 192.0.2.1 is a documentation address nobody uses.
    """
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
        if _usable(address):
            return address
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if _usable(info[4][0]):
                return info[4][0]
    return None


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


def join_url(address: str, port: int, token: str) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:{port}/{token}"


def _display(host: str) -> str:
    return "all interfaces" if host in ("0.0.0.0", "::", "") else host


def _refuse_second_server(store: Store, session_id: int) -> None:
    recorded = store.vote_server(session_id)
    if recorded and recorded[1] != os.getpid() and process_alive(recorded[1]):
        raise ServeError(f"workshop {session_id} is already served at {recorded[0]} (process {recorded[1]}); "
                         "stop that one first")


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM stop the server cleanly, whenever they come.

    While uvicorn serves, its own handlers shut it down gracefully; it then restores these and sends
    the signal again, which ends up here as `_Stopped` instead of killing the process before the
    store's record is cleared.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _Stopped

    signals = [signal.SIGINT, signal.SIGTERM]
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
