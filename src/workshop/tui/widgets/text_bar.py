"""The text bar: a one-line editor at the foot of a screen, for notes, reasons, targets and owners.

It owns what is being typed. It posts `Submitted` on enter, `DraftDue` every few seconds while
text that should survive a dead laptop changes, and `Closed` on escape, saying whether anything
typed would be lost, so the screen keeps it as a draft instead. Escape never drops text silently.

"Every few seconds" is read from the app's clock (injected, so tests move time by hand): a draft is
due on the first change or timer tick once `draft_seconds` have passed since the last one was kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from workshop.session import MAX_TEXT
from workshop.tui.safe import content


class TextBar(Horizontal):
    BINDINGS = [Binding("escape", "close", "Close", id="text.close", tooltip="Close the bar (typed text is kept)")]

    class Submitted(Message):
        def __init__(self, bar: TextBar, field: str, value: str) -> None:
            super().__init__()
            self.bar = bar
            self.field = field
            self.value = value

    class Closed(Message):
        """Escape: `value` is what was typed, `unsaved` when it differs from what the bar opened with."""

        def __init__(self, bar: TextBar, field: str, value: str, unsaved: bool) -> None:
            super().__init__()
            self.bar = bar
            self.field = field
            self.value = value
            self.unsaved = unsaved

    class DraftDue(Message):
        """Text that keeps drafts changed since the last one was kept: time to keep it again."""

        def __init__(self, bar: TextBar, field: str, value: str) -> None:
            super().__init__()
            self.bar = bar
            self.field = field
            self.value = value

    def __init__(self, *, clock: Callable[[], float], draft_seconds: float = 3.0, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._kept_at = 0.0
        self.field: str | None = None
        self.keeps_drafts = False
        self._opened_with = ""
        self._last_draft: str | None = None
        self._suggestions: tuple[str, ...] = ()
        self._draft_seconds = draft_seconds

    def compose(self) -> ComposeResult:
        yield Label(id="text-bar-label")
        yield Input(id="text-bar-input", max_length=MAX_TEXT)

    def on_mount(self) -> None:
        self.display = False
        self.set_interval(self._draft_seconds, self._draft_check, name="keep the text being typed")

    @property
    def is_open(self) -> bool:
        return self.field is not None

    @property
    def value(self) -> str:
        return self.query_one(Input).value

    def open(self, field: str, label: str, value: str = "", *, keeps_drafts: bool = False,
             suggestions: Sequence[str] = ()) -> None:
        """Show the bar for `field`, holding `value`; the cursor goes to its end."""
        self.field = field
        self.keeps_drafts = keeps_drafts
        self._opened_with = value
        self._last_draft = value
        self._kept_at = self._clock()
        self._suggestions = tuple(suggestions)
        self.query_one(Label).update(content(label))
        editor = self.query_one(Input)
        editor.suggester = SuggestFromList(self._suggestions, case_sensitive=False) if suggestions else None
        editor.value = value
        editor.cursor_position = len(value)
        self.display = True
        editor.focus()

    def close(self) -> None:
        self.field = None
        self.display = False
        self.screen.set_focus(None)

    def mark_kept(self, value: str) -> None:
        """The screen kept `value` as a draft: the next DraftDue waits for a change and for time to pass."""
        self._last_draft = value
        self._kept_at = self._clock()

    def _draft_check(self) -> None:
        due = self._clock() - self._kept_at >= self._draft_seconds
        if due and self.field is not None and self.keeps_drafts and self.value != self._last_draft:
            self.post_message(self.DraftDue(self, self.field, self.value))

    @on(Input.Changed, "#text-bar-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._draft_check()

    @on(Input.Submitted, "#text-bar-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.field is not None:
            self.post_message(self.Submitted(self, self.field, self._completed(event.value)))

    def _completed(self, typed: str) -> str:
        """What enter means: the suggestion on screen (the first that starts with what was typed)."""
        wanted = typed.casefold()
        if not wanted.strip() or not self._suggestions:
            return typed
        return next((s for s in self._suggestions if s.casefold().startswith(wanted)), typed)

    def action_close(self) -> None:
        if self.field is None:
            return
        field, value = self.field, self.value
        unsaved = self.keeps_drafts and value.strip() != "" and value != self._opened_with
        self.close()
        self.post_message(self.Closed(self, field, value, unsaved))
