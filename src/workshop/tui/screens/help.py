"""Every key, screen by screen, built from the bindings themselves so it cannot drift."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

VOTING = [
    ("v", "Start a blind vote on this question (clears its earlier votes)"),
    ("0-4", "Record the highlighted participant's level, hidden from the room"),
    ("s", "Skip this participant"),
    ("r", "Reveal every vote and the spread to the room"),
    ("0-4", "After the reveal: set the level the room agrees on, then say why"),
    ("escape", "Leave the vote (votes already cast are kept)"),
]
TEXT_BAR = [
    ("enter", "Save the text (the note is committed at once)"),
    ("escape", "Cancel; what was typed is dropped"),
    ("", "While you type, the text is kept as a draft every few seconds and offered back if the app dies"),
]


def screen_classes() -> list[tuple[str, type[Screen]]]:
    from workshop.tui.screens.actions import ActionPlanScreen
    from workshop.tui.screens.dashboard import DashboardScreen
    from workshop.tui.screens.export import ExportScreen
    from workshop.tui.screens.home import HomeScreen
    from workshop.tui.screens.new_workshop import NewWorkshopScreen
    from workshop.tui.screens.walkthrough import WalkthroughScreen

    return [
        ("Home", HomeScreen), ("New workshop", NewWorkshopScreen), ("Walk-through", WalkthroughScreen),
        ("Dashboard", DashboardScreen), ("Action plan", ActionPlanScreen), ("Export", ExportScreen),
    ]


def key_rows(bindings: list[Binding]) -> list[tuple[str, str]]:
    rows = []
    for binding in bindings:
        if binding.action.startswith("digit(") and binding.key != "0":
            continue  # 0-4 share one row
        keys = binding.key_display or " / ".join(k.replace("question_mark", "?") for k in binding.key.split(","))
        rows.append((keys, binding.tooltip or binding.description))
    return rows


def key_table(title: str, rows: list[tuple[str, str]]) -> Text:
    text = Text(title, style="bold")
    for keys, meaning in rows:
        text.append("\n")
        text.append(f"{keys:<12} ", style="bold")
        text.append(meaning)
    return text


class HelpScreen(Screen[None]):
    SCREEN_NAME = "help"
    BINDINGS = [
        Binding("escape,q,f1,question_mark", "app.pop_screen", "Close", id="help.close",
                tooltip="Back to where you were"),
    ]

    def __init__(self, opened_from: Screen | None = None) -> None:
        super().__init__()
        self.opened_from = type(opened_from) if opened_from is not None else None

    def compose(self) -> ComposeResult:
        from workshop.tui.app import WorkshopApp

        sections = screen_classes()
        # The screen the facilitator came from comes first.
        sections.sort(key=lambda item: item[1] is not self.opened_from)
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            for title, cls in sections:
                yield Static(key_table(title, key_rows(cls.BINDINGS)), classes="help-section")
                if title == "Walk-through":
                    yield Static(key_table("Walk-through: blind vote", VOTING), classes="help-section")
                    yield Static(key_table("Walk-through: the text bar (n, p, e, x, t, g)", TEXT_BAR),
                                 classes="help-section")
            everywhere = [*key_rows(WorkshopApp.BINDINGS), ("ctrl+p", "Command palette: every main action by name")]
            yield Static(key_table("Everywhere", everywhere), classes="help-section")
        yield Footer(compact=True)
