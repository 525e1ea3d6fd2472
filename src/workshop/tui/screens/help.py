"""Every key, screen by screen, built from the bindings themselves so it cannot drift.

Each key is shown with its binding id, which a `[keymap]` table in the settings file can remap
(see README, "Keys of your own").
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

VOTING = [
    ("v", "Open a blind vote on this question (asks first if it was voted on; earlier rounds are kept)"),
    ("0-4 / u", "Key in the highlighted participant's level (or don't know), hidden from the room"),
    ("s", "Skip this participant"),
    ("r", "Reveal the spread to the room (also a vote left open earlier, or one phones voted in)"),
    ("0-4", "After the reveal: the level the room agrees on, then why"),
    ("enter", "After a unanimous reveal: settle at that level, no reason needed"),
    ("escape", "Stop keying in votes; the round stays open until revealed"),
    ("m", "Phones: start the phone-vote server (the join link and QR code appear) or stop it"),
    ("i", "Phones: show the join link again; 1-9 there free a name taken on a phone"),
]
TEXT_BAR = [
    ("enter", "Save the text (committed at once)"),
    ("escape", "Close the bar; text typed and not saved is kept as a draft and comes back"),
    ("", "While you type, the text is kept as a draft every few seconds and offered back if the app dies"),
]
ROOM = [
    ("", "For the projector: run `workshop room SESSION` in a second window. It follows this one and never"),
    ("", "shows private notes, flags, evidence or who voted what."),
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


def binding_ids(app_class: type) -> set[str]:
    """Every binding id a keymap can remap: the app's (passed in: this module does not import the
    app, which imports it) and every screen's and widget's."""
    from workshop.tui.widgets.confirm import Confirm
    from workshop.tui.widgets.phones import PhonesScreen
    from workshop.tui.widgets.text_bar import TextBar

    classes: list[type] = [cls for _, cls in screen_classes()] + [app_class, Confirm, PhonesScreen, TextBar, HelpScreen]
    return {b.id for cls in classes for b in cls.BINDINGS if isinstance(b, Binding) and b.id}


def key_rows(bindings: list[Binding]) -> list[tuple[str, str, str]]:
    rows = []
    for binding in bindings:
        if binding.action.startswith("digit(") and binding.key != "0":
            continue  # 0-4 share one row
        keys = binding.key_display or " / ".join(k.replace("question_mark", "?") for k in binding.key.split(","))
        rows.append((keys, binding.tooltip or binding.description, binding.id or ""))
    return rows


def key_table(title: str, rows: list[tuple[str, ...]]) -> Text:
    text = Text(title, style="bold")
    for keys, meaning, *binding_id in rows:
        text.append("\n")
        text.append(f"{keys:<12} ", style="bold")
        text.append(meaning)
        if binding_id and binding_id[0]:
            text.append(f"  [{binding_id[0]}]", style="dim")
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

    def _live(self, cls: type) -> list[Binding]:
        """A class's bindings with the keys the keymap gave them."""
        keymap = getattr(self.app, "_keymap", {})
        return [b if not (b.id and b.id in keymap) else b.with_key(keymap[b.id]) for b in cls.BINDINGS]

    def compose(self) -> ComposeResult:
        sections = screen_classes()
        # The screen the facilitator came from comes first.
        sections.sort(key=lambda item: item[1] is not self.opened_from)
        with VerticalScroll(id="help"):
            yield Static(Text("Keys  (the id in brackets can be remapped in the settings file)", style="bold"),
                         id="help-title")
            for title, cls in sections:
                yield Static(key_table(title, key_rows(self._live(cls))), classes="help-section")
                if title == "Walk-through":
                    yield Static(key_table("Walk-through: blind vote", VOTING), classes="help-section")
                    yield Static(key_table("Walk-through: the text bar (n, p, e, x, t, g)", TEXT_BAR),
                                 classes="help-section")
                    yield Static(key_table("The room view", ROOM), classes="help-section")
            everywhere = [*key_rows(self._live(type(self.app))), ("ctrl+p", "Command palette: every main action by name")]
            yield Static(key_table("Everywhere", everywhere), classes="help-section")
        yield Footer(compact=True)
