"""A yes/no question that stops the facilitator before something cannot be taken back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from workshop.tui.safe import content


class Confirm(ModalScreen[bool]):
    """`y` confirms, `n` or escape keeps things as they are. Dismisses with True or False."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Go ahead"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Keep things as they are"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "yes", no: str = "no") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(content(self.question), id="confirm-question")
            if self.detail:
                yield Static(content(self.detail), id="confirm-detail")
            yield Static(content(f"y: {self.yes}    n or escape: {self.no}"), id="confirm-keys")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
