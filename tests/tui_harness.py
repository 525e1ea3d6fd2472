"""Build the app for Pilot and snapshot tests: a temporary database, frozen clock and date."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path

from textual import events

from workshop.demo import create_demo
from workshop.questionnaire import builtin_dir, load_paths
from workshop.store import Store
from workshop.tui.app import WorkshopApp

TODAY = dt.date(2026, 11, 20)
# Tests look for other windows' commits by hand (`app.check_for_changes()`): the app's own timer
# must not race them to it.
NEVER_WATCH = 3600.0


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


@functools.cache
def builtin_bank():
    return load_paths([builtin_dir()]).bank


_DEMO_FILE: list[Path] = []  # this process's demo database, made once and copied for each test


def demo_database(path: Path) -> None:
    """Put a database holding the demo workshop (id 1) at `path`: a copy of one made once per process
    (making it is two dozen commits, each flushed to disk)."""
    if not _DEMO_FILE:
        template = Path(tempfile.mkdtemp(prefix="workshop-demo-")) / "demo.db"
        with Store.open(template) as store:  # closing folds the log in: one self-contained file
            create_demo(store, builtin_bank(), today=TODAY)
        _DEMO_FILE.append(template)
    shutil.copyfile(_DEMO_FILE[0], path)


def make_app(tmp_path: Path, *, demo: bool = True, db_name: str = "workshop.db") -> WorkshopApp:
    """A WorkshopApp on a fresh file in tmp_path; with the demo workshop (id 1) unless demo=False."""
    path = tmp_path / db_name
    if demo and not path.exists():
        demo_database(path)
    store = Store.open(path)
    bank = builtin_bank()
    clock = FrozenClock()
    return TestApp(
        store, bank, export_dir=tmp_path / "exports", clock=clock, wall_clock=clock.wall, today=lambda: TODAY,
        draft_seconds=0.05,
        watch_seconds=NEVER_WATCH,
    )


async def settle(pilot) -> None:
    """Let the app finish what a key started: messages, then workers, then the redraw."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, condition, seconds: float = 15.0) -> None:
    """Let the app run (and look for other windows' commits) until `condition()` holds: for what
    another process or thread brings, whose timing a key press cannot wait for. Bounded, never a
    fixed sleep."""
    for _ in range(int(seconds / 0.05)):
        pilot.app.check_for_changes()
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("timed out waiting")


def plain(widget) -> str:
    """The text a widget shows."""
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


async def paste(pilot, text: str) -> None:
    """Paste text into whatever has focus, as a terminal's bracketed paste does."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def fill_in(pilot, *fields: str) -> None:
    """Paste into the focused field and each one after it (tab between): a form filled in order."""
    for n, text in enumerate(fields):
        if n:
            await pilot.press("tab")
        await paste(pilot, text)


async def write(pilot, key: str, text: str) -> None:
    """Open a text bar with `key`, paste `text`, press enter."""
    await pilot.press(key)
    await paste(pilot, text)
    await pilot.press("enter")
    await pilot.pause()
