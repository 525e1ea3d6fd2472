"""Build the app for Pilot and snapshot tests: a temporary database, frozen clock and date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import events

from workshop.demo import create_demo
from workshop.questionnaire import builtin_dir, load_paths
from workshop.store import Store
from workshop.tui.app import WorkshopApp

TODAY = dt.date(2026, 11, 20)


START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


class FrozenClock:
    """The clocks the test moves by hand (monotonic and wall): time boxes and snapshots stay deterministic."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def wall(self) -> dt.datetime:
        return START + dt.timedelta(seconds=self.now - 1000.0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


class TestApp(WorkshopApp):
    """The real app, with blinking cursors off so snapshots do not depend on timing."""

    __test__ = False  # not a test class, whatever its name

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False


def builtin_bank():
    return load_paths([builtin_dir()]).bank


def make_app(tmp_path: Path, *, demo: bool = True, db_name: str = "workshop.db") -> WorkshopApp:
    """A WorkshopApp on a fresh file in tmp_path; with the demo workshop (id 1) unless demo=False."""
    store = Store.open(tmp_path / db_name)
    bank = builtin_bank()
    if demo and not store.list_sessions():
        create_demo(store, bank, today=TODAY)
    clock = FrozenClock()
    return TestApp(
        store, bank, export_dir=tmp_path / "exports", clock=clock, wall_clock=clock.wall, today=lambda: TODAY,
        draft_seconds=0.05,
    )


async def settle(pilot) -> None:
    """Let the app finish what a key started: messages, then workers, then the redraw."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def plain(widget) -> str:
    """The text a widget shows."""
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


async def paste(pilot, text: str) -> None:
    """Paste text into whatever has focus, as a terminal's bracketed paste does."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def write(pilot, key: str, text: str) -> None:
    """Open a text bar with `key`, paste `text`, press enter."""
    await pilot.press(key)
    await paste(pilot, text)
    await pilot.press("enter")
    await pilot.pause()
