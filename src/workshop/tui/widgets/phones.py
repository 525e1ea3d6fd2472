"""Voting from phones, seen from the facilitator's app: start and stop the server, show how to join.

The server is its own process (`workshop serve`), so a crash there never takes the app down. The
app learns the join link from the database, where the server records it once it listens, and
tells the facilitator if the process dies, before that (with the line it wrote) or after.
`PhonesControl` is the part a screen holds: it owns the server and its watch and posts `Changed`
when what the screen shows of it may have changed.
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
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from workshop.session import Participant
from workshop.store import Store, StoreError
from workshop.tui.app import FAILED
from workshop.tui.safe import line
from workshop.tui.widgets.confirm import Confirm
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


class PhonesControl(Widget):
    """Voting from phones for one workshop, as a screen offers it: start the server or stop it
    (asking first), watch it, show how to join. Draws nothing itself."""

    DEFAULT_CSS = "PhonesControl { display: none; }"
    WATCH_SECONDS = 0.5  # a process poll and one small query: while a server this window started runs

    class Changed(Message):
        """Phones went on or off, or a server is starting: redraw what shows it."""

        def __init__(self, starting: bool = False) -> None:
            super().__init__()
            self.starting = starting

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self._server: PhoneServer | None = None
        self._shown: str | None = None  # the join link last shown in a pop-up
        self._watch: Timer | None = None
        self._participants: tuple[Participant, ...] = ()  # the names the join pop-up lists

    @property
    def server(self) -> PhoneServer:
        if self._server is None:
            self._server = PhoneServer(self.app.store, self.session_id, self.app.phone_port)
        return self._server

    def is_on(self) -> bool:
        """A server listens for this workshop: started here, in another window or with `workshop serve`."""
        try:
            return self.server.running() is not None
        except StoreError:
            return False  # the read that fails here is reported by the screen's own reads

    def toggle(self, participants: tuple[Participant, ...]) -> None:
        """Start the server, or stop it after asking (the phones lose their page)."""
        if self.app.store.read_only:
            self.notify("The database is read-only: phones could not vote.", severity="warning", timeout=5)
            return
        if not participants:
            self.notify("This workshop has no participants to vote.", severity="warning", timeout=4)
            return
        self._participants = participants
        if self.server.running() is None and self.server.process is None:
            self.server.start()
            self._shown = None
            self.post_message(self.Changed(starting=True))
            # It records its link in the database when it listens; the watch also sees it exit, before
            # listening (a port already in use) or after (a crash).
            self._stop_watching()
            self._watch = self.set_interval(self.WATCH_SECONDS, self.check, name="phone server watch")
            return
        self.app.push_screen(
            Confirm("Stop voting from phones?", "The phones lose their page; votes already in are kept.",
                    yes="stop the server", no="keep it running"),
            self._stop,
        )

    def _stop(self, stop: bool | None) -> None:
        if stop:
            self.server.stop()
            self._stop_watching()
            self._shown = None
            self.post_message(self.Changed())
            self.notify("Voting from phones has stopped.", timeout=4)

    def show_join(self, participants: tuple[Participant, ...]) -> None:
        found = self.server.running()
        if found is None:
            self.notify("Phones are off: press m to let the room vote from their phones.", timeout=4)
            return
        claims = self.app.attempt(self.app.store.claims, self.session_id, title="Cannot read the phones")
        self.app.push_screen(PhonesScreen(self.session_id, found[0], participants,
                                          {} if claims is FAILED else claims, on_dark=self.app.current_theme.dark))
        self._shown = found[0]

    def check(self) -> None:
        """The server this window started: show the join link once it listens, and say so once if it
        stops by itself (the app carries on either way)."""
        if self._server is None:
            return
        try:
            news = self._server.check()
        except StoreError:
            return  # a watch tick: the next one looks again; the screen's own reads report the file
        if news is None:
            return
        if isinstance(news, Listening):
            if news.link != self._shown:
                self.show_join(self._participants)
        else:
            self.app.report_error(news.why, title=news.title)
            self._stop_watching()
        self.post_message(self.Changed())

    def _stop_watching(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None


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
