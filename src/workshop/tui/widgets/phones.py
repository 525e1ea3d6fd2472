"""Voting from phones, seen from the facilitator's app: start and stop the server, show how to join.

The server is its own process (`workshop serve`), so a crash there never takes the app down. The
app learns the join link from the database, where the server records it once it listens, and
tells the facilitator if the process died before that (with the first line it wrote).
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from workshop.session import Participant
from workshop.store import Store
from workshop.tui.app import FAILED
from workshop.tui.safe import line
from workshop.web import launch


class Listening(NamedTuple):
    """The server this app started listens: the join link to show."""

    link: str


class Stopped(NamedTuple):
    """The server this app started exited by itself: why, and whether it had been listening."""

    why: str
    had_listened: bool

    @property
    def title(self) -> str:
        return "Phones stopped" if self.had_listened else "Phones could not start"


class PhoneServer:
    """The phone-vote server this app started (or found running) for one workshop."""

    def __init__(self, store: Store, session_id: int, port: int | None = None) -> None:
        self.store = store
        self.session_id = session_id
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None
        self._listened = False

    def running(self) -> tuple[str, int] | None:
        """(join link, pid) while a server listens: from the database, whoever started it."""
        if self.process is not None and self.process.poll() is not None:
            return None  # ours has exited (its record may outlive it, and its pid until it is reaped)
        return launch.running(self.store, self.session_id)

    def start(self) -> None:
        if self.store.path is None:
            raise RuntimeError("an in-memory database cannot be served")
        fd, name = tempfile.mkstemp(prefix="workshop-serve-", suffix=".log")
        self._log = Path(name)
        self._listened = False
        with open(fd, "wb") as log:
            self.process = subprocess.Popen(
                launch.command(self.session_id, self.store.path, port=self.port), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
            )

    def stop(self) -> None:
        found = self.running()
        if found is not None:
            launch.stop(found[1])
        elif self.process is not None and self.process.poll() is None:
            self.process.terminate()
        self.process = None

    def check(self) -> Listening | Stopped | None:
        """News of the server this app started, each told once: it listens, or it exited by itself
        (before listening: why it could not start; after: that the phones have lost their page)."""
        if self.process is None:
            return None
        status = self.process.poll()
        if status is not None:
            self.process = None
            return Stopped(self._exit_reason(status), self._listened)
        if not self._listened:
            found = launch.running(self.store, self.session_id)
            if found is not None and found[1] == self.process.pid:
                self._listened = True
                return Listening(found[0])
        return None

    def _exit_reason(self, status: int) -> str:
        text = ""
        if self._log is not None:
            with contextlib.suppress(OSError):
                text = self._log.read_text(errors="replace").strip()
        if text:
            return text.splitlines()[-1]  # its own one-line error
        how = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
        return f"the phone-vote server stopped ({how}); votes already in are kept: press m to start it again"


class PhonesScreen(ModalScreen[None]):
    """The join link, its QR code and the address to type; 1-9 release a participant's name."""

    BINDINGS = [
        Binding("escape,i", "dismiss", "Close", id="phones.close", tooltip="Back to the question"),
        *[Binding(str(n), f"release({n})", f"Release {n}", show=False, id=f"phones.release{n}") for n in range(1, 10)],
    ]

    def __init__(self, session_id: int, url: str, participants: tuple[Participant, ...], claims: dict[int, str],
                 on_dark: bool = True) -> None:
        super().__init__()
        self.session_id = session_id
        self.url = url
        self.participants = participants
        self.claims = claims
        self.on_dark = on_dark

    def compose(self) -> ComposeResult:
        from workshop.web.qr import qr_lines

        with Vertical(id="phones"):
            yield Static(Text("Vote from your phone", style="bold"), id="phones-title")
            yield Static(Text("\n".join(qr_lines(self.url, on_dark=self.on_dark))), id="phones-qr")
            yield Static(Text.assemble(("No camera? Type  ", "dim"), line(self.url)), id="phones-url")
            yield Static(self._holders(), id="phones-holders")

    def _holders(self) -> Text:
        text = Text("Names taken on a phone (press the number to free one for another phone):\n", style="dim")
        for n, p in enumerate(self.participants[:9], start=1):
            held = p.id in self.claims
            text.append(f" {n} ", style="bold")
            text.append_text(line(p.name, 30, style="" if held else "dim"))
            text.append(" ● phone" if held else " ○", style="green" if held else "dim")
            text.append("\n")
        return text

    def action_release(self, number: int) -> None:
        if number > len(self.participants):
            return
        participant = self.participants[number - 1]
        if participant.id not in self.claims:
            return
        if self.app.attempt(self.app.store.release_participant, self.session_id, participant.id) is not FAILED:
            self.claims = {k: v for k, v in self.claims.items() if k != participant.id}
            self.query_one("#phones-holders", Static).update(self._holders())
            self.notify(f"{participant.name} can now be chosen on another phone.", timeout=4)
