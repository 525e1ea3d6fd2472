"""The facilitator's app: screens over the store and the analysis.

Screens ask the store for models and the analysis for results; none of them writes SQL or computes
a score. Three things every screen relies on live here:

- **One error route.** A store call goes through `attempt`, and every worker's failure reaches
  `on_worker_state_changed`: the facilitator sees what failed and the app keeps running.
- **The store is the bus.** Other windows (another facilitator app, the room view, the phones'
  server, the CLI) write to the same file. The app polls `PRAGMA data_version` a few times a second
  (microseconds each) and posts `StoreChanged` to the screen on top, which reloads what it shows.
- **Text is data.** Notifications are never markup and are cleaned like every other user text.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from workshop.paths import default_export_dir
from workshop.store import Store, StoreError
from workshop.tui.errors import first_line
from workshop.tui.messages import StoreChanged
from workshop.tui.safe import string

if TYPE_CHECKING:
    from workshop.questionnaire import QuestionBank

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"
WATCH_SECONDS = 0.25  # how often other windows' changes are looked for

T = TypeVar("T")


class Failed:
    """What `attempt` returns when the store call failed (and was reported): check with `is FAILED`."""

    def __repr__(self) -> str:
        return "FAILED"


FAILED = Failed()


class WorkshopApp(App[None]):
    # Absolute, so subclasses (the tests' app) find the stylesheets too.
    CSS_PATH = [Path(__file__).parent / "app.tcss", Path(__file__).parent / "reports.tcss"]
    TITLE = "workshop"
    SUB_TITLE = "AI production readiness"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Every key on this screen"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="app.quit", priority=True),
    ]

    def __init__(
        self,
        store: Store,
        bank: QuestionBank | Callable[[], QuestionBank],
        *,
        export_dir: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        today: Callable[[], dt.date] = dt.date.today,
        draft_seconds: float = 3.0,
        watch_seconds: float = WATCH_SECONDS,
        keymap: dict[str, str] | None = None,
        setup_problems: Iterable[str] = (),
        phone_port: int | None = None,
    ):
        super().__init__()
        self.store = store
        # The question bank, or how to load it when a screen first needs it (after the first frame).
        self._bank: QuestionBank | None = None if callable(bank) else bank
        self._load_bank: Callable[[], QuestionBank] | None = bank if callable(bank) else None
        self._bank_lock = threading.Lock()
        self.export_dir = export_dir or default_export_dir()
        self.clock = clock  # injected so time boxes are testable and snapshots stable
        self.wall_clock = wall_clock  # for time boxes other windows started
        self.today = today
        self.draft_seconds = draft_seconds
        self.watch_seconds = watch_seconds
        self.theme = DARK_THEME
        self.phone_port = phone_port  # None: the server's default port
        self._keymap_wanted = dict(keymap or {})
        self._setup_problems = list(setup_problems)
        self._data_version: int | None = None
        if store.read_only:
            self.sub_title = f"READ-ONLY: {string(store.read_only, 80)}"

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Run in this terminal. Everything imported so far lives as long as the app: frozen, the
        garbage collector stops walking it, so no full collection (15-30 ms) lands in the first frame."""
        gc.freeze()
        return super().run(*args, **kwargs)

    @property
    def bank(self) -> QuestionBank:
        """The question sets in play: new workshops and the demo are made from them."""
        if self._bank is None:
            with self._bank_lock:  # a worker thread may ask at the same time
                if self._bank is None and self._load_bank is not None:
                    self._bank = self._load_bank()
        assert self._bank is not None
        return self._bank

    def on_mount(self) -> None:
        from workshop.tui.screens.home import HomeScreen

        if self._keymap_wanted:
            self._apply_keymap(self._keymap_wanted)
        version = self.attempt(self.store.data_version, title="Cannot read the database")
        self._data_version = None if version is FAILED else version
        self.set_interval(self.watch_seconds, self.check_for_changes, name="watch the database")
        self.push_screen(HomeScreen())
        for problem in self._setup_problems:
            self.notify(problem, title="Settings", severity="warning", timeout=10)
        if self.store.read_only:
            self.notify(f"Nothing can be changed: {self.store.read_only}", title="Read-only", severity="warning",
                        timeout=10)

    # --- one error route -------------------------------------------------------------

    def attempt(self, call: Callable[..., T], *args: Any, title: str = "Not saved") -> T | Failed:
        """Run a store call; on a StoreError, show it and return FAILED. The app keeps running."""
        try:
            return call(*args)
        except StoreError as exc:
            self.report_error(exc, title=title)
            return FAILED

    def report_error(self, error: BaseException | str, title: str = "Something failed") -> None:
        message = error if isinstance(error, str) else first_line(error)
        self.notify(message, title=title, severity="error", timeout=12)

    def notify(self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Never markup, never a control character: notifications often carry names and notes."""
        super().notify(string(message, 500), title=string(title, 80), severity=severity, timeout=timeout,
                       markup=False)

    # --- the store is the bus ----------------------------------------------------------

    def check_for_changes(self) -> bool:
        """Has another window committed since the last look? If so, tell the screen on top. Runs a
        few times a second; tests call it instead of waiting."""
        try:
            version = self.store.data_version()
        except StoreError:
            return False  # a read that fails now will be reported by the screen that needs it
        if version == self._data_version:
            return False
        self._data_version = version
        self.screen.post_message(StoreChanged())
        return True

    # --- keys ---------------------------------------------------------------------------

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        from workshop.tui.screens.help import binding_ids

        known = binding_ids(type(self))
        unknown = sorted(set(keymap) - known)
        if unknown:
            self.notify(f"The keymap names no key binding '{unknown[0]}': see F1 for the ids.", title="Settings",
                        severity="warning", timeout=10)
        self.set_keymap({k: v for k, v in keymap.items() if k in known})

    # --- navigation, used by the screens and the command palette --------------------

    def open_new_workshop(self) -> None:
        from workshop.tui.screens.new_workshop import NewWorkshopScreen

        self.push_screen(NewWorkshopScreen())

    def open_workshop(self, session_id: int) -> None:
        from workshop.tui.screens.walkthrough import WalkthroughScreen

        session = self.attempt(self.store.load_session, session_id, title="Cannot open the workshop")
        if session is not FAILED:
            self.push_screen(WalkthroughScreen(session))

    def open_dashboard(self, session_id: int) -> None:
        from workshop.tui.screens.dashboard import DashboardScreen

        self.push_screen(DashboardScreen(session_id))

    def open_action_plan(self, session_id: int) -> None:
        from workshop.tui.screens.actions import ActionPlanScreen

        self.push_screen(ActionPlanScreen(session_id))

    def open_export(self, session_id: int) -> None:
        from workshop.tui.screens.export import ExportScreen

        self.push_screen(ExportScreen(session_id))

    def action_help(self) -> None:
        from workshop.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        """Quit at once; a note still being typed is kept as a draft and offered back next time."""
        for screen in self.screen_stack:
            keep = getattr(screen, "keep_draft", None)
            if keep is not None:
                keep()
        self.exit()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def current_session_id(self) -> int | None:
        return getattr(self.screen, "session_id", None)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Help", "Every key on this screen", self.action_help)
        yield SystemCommand("Toggle light and dark theme", "For a bright room or a dim one", self.action_toggle_theme)
        yield SystemCommand("New workshop", "Start a workshop for another pilot", self.open_new_workshop)
        session_id = self.current_session_id()
        if session_id is not None:
            yield SystemCommand("Walk-through", "Back to the questions", lambda: self._switch_to("walkthrough"))
            yield SystemCommand("Dashboard", "Scores, verdict, blockers and top actions",
                                lambda: self.open_dashboard(session_id))
            yield SystemCommand("Action plan", "Accept or reject actions, name owners and due dates",
                                lambda: self.open_action_plan(session_id))
            yield SystemCommand("Export", "Write the summary for participants or the facilitator",
                                lambda: self.open_export(session_id))
        yield SystemCommand("Home", "All workshops", lambda: self._switch_to("home"))
        yield SystemCommand("Quit", "Quit workshop (every answer is already saved)", self.exit)

    def _switch_to(self, name: str) -> None:
        """Pop screens until one with the given `SCREEN_NAME` is on top."""
        while len(self.screen_stack) > 2 and getattr(self.screen, "SCREEN_NAME", "") != name:
            self.pop_screen()
