"""The time box of the set on screen, counted from the store's one shared clock.

The clock lives in the database (`Store.run_clock`), so the facilitator's window, a second
facilitator window and the room view all show the same time. This widget only draws it: once a
second it works out what is left from the session it was given and the app's wall clock, warns
five minutes before the end and when time is up (once per set), and posts `Heartbeat` every
HEARTBEAT_SECONDS so the screen can book the running stretch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from workshop.session import Session
from workshop.tui.safe import line, show

HEARTBEAT_SECONDS = 15
WARN_BEFORE_END = 5 * 60


def clock_text(seconds: float) -> str:
    seconds = int(abs(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class TimeBox(Static):
    class Heartbeat(Message):
        """Time to book the running stretch (and show other windows the clock is alive)."""

    class Warning(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, wall_clock: Callable[[], dt.datetime], *, heartbeat: bool = True, id: str | None = None):
        super().__init__(id=id)
        self._wall_clock = wall_clock
        self._heartbeat = heartbeat
        self._session: Session | None = None
        self._set_id = ""
        self._title = ""
        self._ticks = 0
        self._warned: set[tuple[str, str]] = set()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick, name="time box")

    def show(self, session: Session, set_id: str, title: str) -> None:
        self._session, self._set_id, self._title = session, set_id, title
        self._draw()

    def seconds_left(self) -> float | None:
        """Seconds left in the set's time box (negative when over); None without a time box."""
        if self._session is None:
            return None
        box = self._session.time_boxes.get(self._set_id)
        if not box:
            return None
        return box * 60 - self._session.spent(self._set_id, self._wall_clock())

    def tick(self) -> None:
        """Once a second: redraw, warn if due, and now and then ask for a heartbeat."""
        self._ticks += 1
        if self._heartbeat and self._ticks % HEARTBEAT_SECONDS == 0:
            self.post_message(self.Heartbeat())
        self._draw()
        self._warn()

    def _draw(self) -> None:
        if self._session is None:
            return
        left = self.seconds_left()
        if left is None:
            spent = self._session.spent(self._set_id, self._wall_clock())
            text = Text.assemble(line(self._title), f": {clock_text(spent)} spent")
        elif left >= 0:
            style = "bold" if left > WARN_BEFORE_END else "bold yellow"
            text = Text.assemble(line(self._title), (f": {clock_text(left)} left", style))
        else:
            text = Text.assemble(line(self._title), (f": over by {clock_text(left)}", "bold red"))
        show(self, text)

    def _warn(self) -> None:
        left = self.seconds_left()
        if left is None or self._session is None:
            return
        box = self._session.time_boxes.get(self._set_id)
        if left <= 0 and (self._set_id, "over") not in self._warned:
            self._warned.add((self._set_id, "over"))
            self.post_message(self.Warning(
                f"The {box}-minute time box for {self._title} has run out: move on, or agree to extend."))
        elif 0 < left <= WARN_BEFORE_END and (self._set_id, "soon") not in self._warned:
            self._warned.add((self._set_id, "soon"))
            self.post_message(self.Warning(f"Five minutes left for {self._title}."))
