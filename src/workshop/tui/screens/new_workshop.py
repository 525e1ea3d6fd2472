"""A new workshop: who, what, which sets and how long each may take. Validated before anything is saved."""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Static, TextArea

from workshop.errors import first_error
from workshop.parsing import parse_date
from workshop.questionnaire import DEFAULT_SETS
from workshop.session import NewSession, Participant
from workshop.tui.app import FAILED
from workshop.tui.base import WorkshopScreen
from workshop.tui.safe import line
from workshop.tui.widgets.confirm import Confirm

DEFAULT_MINUTES = 40


class NewWorkshopScreen(WorkshopScreen):
    SCREEN_NAME = "new"
    AUTO_FOCUS = "#organisation"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="new.cancel",
                tooltip="Back without creating anything (asks first if something was typed)"),
        Binding("f2", "create", "Start", id="new.create", tooltip="Check the form and start the workshop"),
    ]

    def compose(self) -> ComposeResult:
        today = self.app.today().isoformat()
        yield Header()
        with VerticalScroll(id="new-form"):
            yield Static("Start a workshop", id="new-title")
            for field, label, placeholder, value in (
                ("organisation", "Organisation", "e.g. Northwind Insurance", ""),
                ("initiative", "AI initiative assessed", "e.g. Claims triage assistant", ""),
                ("facilitator", "Facilitator", "your name", ""),
                ("date", "Date", "YYYY-MM-DD", today),
            ):
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="field-input"):
                        yield Input(value=value, placeholder=placeholder, id=field, max_length=200)
                        yield Static(classes="error", id=f"{field}-error")
            with Vertical(classes="field"):
                yield Label("Participants: one per line, as  Name: role")
                yield TextArea(id="participants", soft_wrap=True, show_line_numbers=False)
                yield Static(classes="error", id="participants-error")
            with Vertical(classes="field", id="sets"):
                yield Label("Question sets and time box (minutes)")
                for qset in self.app.bank.sets:
                    with Horizontal(classes="set-row"):
                        yield Checkbox(line(qset.title, 40),
                                       value=qset.id in DEFAULT_SETS or len(self.app.bank.sets) == 1,
                                       id=f"set-{qset.id}")
                        yield Input(str(DEFAULT_MINUTES), id=f"minutes-{qset.id}", classes="minutes",
                                    restrict=r"[0-9]*", max_length=3)
                        yield Label(f"{len(list(qset.questions()))} questions", classes="set-count")
                yield Static(classes="error", id="sets-error")
            with Horizontal(id="new-buttons"):
                yield Button("Start workshop", id="create", variant="primary")
                yield Button("Cancel", id="cancel")
        yield Footer(compact=True)

    @on(Button.Pressed, "#create")
    @on(Input.Submitted)
    def action_create(self) -> None:
        for error in self.query(".error"):
            error.update("")
            error.display = False
        try:
            new = self._read_form()
        except _FormError as exc:
            self._show_error(exc.field, exc.message)
            return
        session_id = self.attempt(self.app.store.create_session, new, self.app.bank, title="Workshop not created")
        if session_id is FAILED:
            return
        self.app.pop_screen()
        self.app.open_workshop(session_id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self._has_entries():
            self.app.pop_screen()
            return
        self.app.push_screen(
            Confirm("Discard this workshop form?", "What you typed (names, participants) is not saved anywhere.",
                    yes="discard it", no="keep editing"),
            lambda discard: self.app.pop_screen() if discard else None,
        )

    def _has_entries(self) -> bool:
        """Anything typed that would be lost: names, participants (the date and sets have defaults)."""
        typed = [self.query_one(f"#{f}", Input).value for f in ("organisation", "initiative", "facilitator")]
        return any(v.strip() for v in typed) or bool(self.query_one("#participants", TextArea).text.strip())

    def _read_form(self) -> NewSession:
        values = {f: self.query_one(f"#{f}", Input).value for f in ("organisation", "initiative", "facilitator")}
        try:
            date = parse_date(self.query_one("#date", Input).value)
        except ValueError as exc:
            raise _FormError("date", str(exc)) from None
        participants = []
        for number, text in enumerate(self.query_one("#participants", TextArea).text.splitlines(), start=1):
            if not text.strip():
                continue
            try:
                participants.append(Participant.parse(text))
            except ValidationError as exc:
                field, message = first_error(exc)
                detail = "needs a name before the colon" if message == "required" else f"{field}: {message}"
                raise _FormError("participants", f"Line {number} {detail}.") from None
        sets, boxes = [], {}
        for qset in self.app.bank.sets:
            if self.query_one(f"#set-{qset.id}", Checkbox).value:
                sets.append(qset.id)
                minutes = self.query_one(f"#minutes-{qset.id}", Input).value.strip()
                if minutes:
                    boxes[qset.id] = int(minutes)
        try:
            return NewSession(**values, date=date, participants=tuple(participants), sets=tuple(sets),
                              time_boxes=boxes)
        except ValidationError as exc:
            where, message = first_error(exc)
            field = where.split(".")[0] or ("sets" if "time box" in message else "organisation")
            field = {"time_boxes": "sets"}.get(field, field)
            if message == "required":
                message = "Required."
            elif field == "sets" and "time box" not in message and "twice" not in message:
                message = "Choose at least one question set."
            raise _FormError(field, message) from None

    def _show_error(self, field: str, message: str) -> None:
        error = self.query_one(f"#{field}-error", Static)
        error.update(line(message))
        error.display = True
        target = {"sets": f"#set-{self.app.bank.sets[0].id}"}.get(field, f"#{field}")
        self.query_one(target).focus()


class _FormError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
