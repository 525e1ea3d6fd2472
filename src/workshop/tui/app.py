"""The facilitator's app: screens over the store and the analysis.

Screens ask the store for models and the analysis for results; none of them
writes SQL or computes a score.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from workshop.paths import default_export_dir
from workshop.questionnaire import QuestionBank
from workshop.store import Store

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class WorkshopApp(App[None]):
    # Absolute, so subclasses (the tests' app) find the stylesheets too.
    CSS_PATH = [Path(__file__).parent / "app.tcss", Path(__file__).parent / "reports.tcss"]
    TITLE = "workshop"
    SUB_TITLE = "AI production readiness"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", tooltip="Every key on this screen"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="quit", priority=True),
    ]

    def __init__(
        self,
        store: Store,
        bank: QuestionBank,
        *,
        export_dir: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] = dt.date.today,
        draft_seconds: float = 3.0,
    ):
        super().__init__()
        self.store = store
        self.bank = bank
        self.export_dir = export_dir or default_export_dir()
        self.clock = clock  # injected so time boxes are testable and snapshots stable
        self.today = today
        self.draft_seconds = draft_seconds
        self.theme = DARK_THEME

    def on_mount(self) -> None:
        from workshop.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    # --- navigation, used by the screens and the command palette --------------------

    def open_new_workshop(self) -> None:
        from workshop.tui.screens.new_workshop import NewWorkshopScreen

        self.push_screen(NewWorkshopScreen())

    def open_workshop(self, session_id: int) -> None:
        from workshop.tui.screens.walkthrough import WalkthroughScreen

        self.push_screen(WalkthroughScreen(session_id))

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
