"""Export: choose who the summary is for, its format, what it is compared with, then write it.

Letters choose while no field has focus: `p`/`f` the audience, `m`/`h`/`j`/`c` the format, `s` the
earlier workshop the export compares with. `o` (or typing `~`, `/` or `.`) moves into the path field,
and from then on every letter is part of the path: the screen's letter keys never fire while the
field has focus (escape leaves it). The facilitator's copy holds private notes, so choosing it asks
first and the screen says so loudly for as long as it is chosen. The last "✓ Wrote" line clears as
soon as any choice changes, so it never describes a file the current choices would not write.

The analysis, the rendering and the write run in a worker thread; the screen shows the path that
was written and the workshop it was compared with, or the export's one-line error (for instance a
path naming the open database, which the writer refuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Self

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Header, Input, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from workshop.export import Audience, ExportError, Format, default_filename, resolve_out
from workshop.export.writer import database_file
from workshop.parsing import Since
from workshop.report import earlier_workshop, export_workshop
from workshop.session import Session, SessionStatus, SessionSummary
from workshop.tui.app import FAILED
from workshop.tui.base import WorkshopScreen
from workshop.tui.errors import first_line
from workshop.tui.safe import string
from workshop.tui.widgets.confirm import Confirm

AUDIENCE_NOTES = {
    Audience.PARTICIPANTS: ("Everything the room saw. Private notes, flags and who voted what are left out.",
                            "$text-muted"),
    Audience.FACILITATOR: ("PRIVATE: adds private notes, flags, who voted what and the answer history. "
                           "Keep it to yourself: do not forward it.", "bold $text-error"),
}
FORMAT_NOTES = {
    Format.MD: "Plain text that reads anywhere: e-mail, a wiki, a pull request.",
    Format.HTML: "One printable page with a chart, no external files.",
    Format.JSON: "The whole session and its analysis, for other tools.",
    Format.CSV: "Answers and actions, one row each, for spreadsheets.",
}
AUDIENCE_KEYS = {"p": Audience.PARTICIPANTS, "f": Audience.FACILITATOR}
FORMAT_KEYS = {"m": Format.MD, "h": Format.HTML, "j": Format.JSON, "c": Format.CSV}
FORMAT_LABELS = {Format.MD: "Markdown", Format.HTML: "HTML", Format.JSON: "JSON", Format.CSV: "CSV"}
PATH_STARTS = frozenset("~/.")  # typing one of these with no field focused starts a path


class AskFirstRadioButton(RadioButton):
    """A radio button that is not turned on by a click or a key, but asks the screen to turn it on
    (after a confirmation) with `Wanted`. Setting `value` still turns it on."""

    class Wanted(Message):
        def __init__(self, button: AskFirstRadioButton) -> None:
            super().__init__()
            self.button = button

    def toggle(self) -> Self:
        if self.value:
            return super().toggle()
        self.post_message(self.Wanted(self))
        return self


def _key_hint(label: str, key: str) -> Content:
    return Content.assemble(label, ("  ", ""), (key, "bold $text-accent"))


def workshop_name(summary: SessionSummary | Session) -> str:
    """'workshop 3 of 2026-06-01'."""
    return f"workshop {summary.id} of {summary.date.isoformat()}"


@dataclass(frozen=True)
class Written:
    path: Path
    compared_with: str | None  # 'workshop 3 of 2026-06-01', or None when nothing was compared


class ExportScreen(WorkshopScreen):
    SCREEN_NAME = "export"
    SUB_TITLE = "Export"
    # Nothing focused at first: enter exports and the letter keys choose, until `o` or tab moves into a field.
    AUTO_FOCUS = None
    BINDINGS = [
        # Priority: enter writes wherever the focus is (a radio list would otherwise take it).
        Binding("enter", "export", "Export", id="export.write", tooltip="Write the file with these choices",
                priority=True),
        Binding("escape", "back", "Back", id="export.back",
                tooltip="Leave the path field; elsewhere, back to the previous screen"),
        Binding("p", "audience('participants')", "Participants", show=False, id="export.participants",
                tooltip="For the participants: no private notes"),
        Binding("f", "audience('facilitator')", "Facilitator", show=False, id="export.facilitator",
                tooltip="For the facilitator: private notes, votes and history (asks first)"),
        Binding("m", "format('md')", "Markdown", show=False, id="export.md", tooltip="Markdown (.md)"),
        Binding("h", "format('html')", "HTML", show=False, id="export.html", tooltip="HTML (.html)"),
        Binding("j", "format('json')", "JSON", show=False, id="export.json", tooltip="JSON (.json)"),
        Binding("c", "format('csv')", "CSV", show=False, id="export.csv", tooltip="CSV (.csv)"),
        Binding("s", "since", "Since", id="export.since",
                tooltip="Compare with: the latest earlier workshop, none, or each earlier one on this initiative"),
        Binding("o", "path", "Save to", id="export.path",
                tooltip="Type the folder or file to write (letters typed there are the path)"),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: Session | None = None
        self.audience = Audience.PARTICIPANTS
        self.format = Format.MD
        self.since: Since = "auto"
        self.auto_earlier: SessionSummary | Session | None = None  # what 'auto' compares with
        self.earlier: list[SessionSummary] = []  # earlier workshops on the same initiative, newest first
        self.written: Path | None = None
        self._worker: Worker[Written] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="export"):
            yield Static(id="private-banner")
            with Horizontal(id="choices"):
                with Vertical(id="audience-box", classes="panel") as box:
                    box.border_title = "Audience"
                    with RadioSet(id="audience"):
                        for key, audience in AUDIENCE_KEYS.items():
                            kind = AskFirstRadioButton if audience is Audience.FACILITATOR else RadioButton
                            yield kind(
                                _key_hint(audience.value.capitalize(), key),
                                id=audience.value,
                                value=audience is Audience.PARTICIPANTS,
                            )
                    yield Static(id="audience-note", classes="note")
                with Vertical(id="format-box", classes="panel") as box:
                    box.border_title = "Format"
                    with RadioSet(id="format"):
                        for key, fmt in FORMAT_KEYS.items():
                            yield RadioButton(
                                _key_hint(f"{FORMAT_LABELS[fmt]} (.{fmt.value})", key),
                                id=fmt.value,
                                value=fmt is Format.MD,
                            )
                    yield Static(id="format-note", classes="note")
            yield Label(_key_hint("Compare with an earlier workshop", "s"), id="since-label")
            yield Static(id="since")
            yield Label(_key_hint("Save to: a folder, or a file path", "o"), id="out-label")
            yield Input(id="out", placeholder="a folder or a file; empty: the default folder")
            yield Static(id="target")
            with Horizontal(id="export-row"):
                yield Button("Export", id="export-button", variant="primary")
                yield Static(id="result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#out", Input).value = str(self.app.export_dir)
        self.query_one("#private-banner").display = False

    def on_screen_resume(self) -> None:
        session = self.attempt(self.app.store.load_session, self.session_id, title="Cannot read the workshop")
        if session is FAILED:
            return
        self.session = session
        self.sub_title = string(f"Export · {session.organisation} · {session.initiative}", 100)
        self._find_earlier(session)
        self._show_choices()

    def store_changed(self) -> None:
        self.on_screen_resume()  # a workshop added or archived elsewhere changes what 'since' can be

    # --- choices --------------------------------------------------------------------

    @property
    def chosen_audience(self) -> Audience:
        return self.audience

    @property
    def chosen_format(self) -> Format:
        return self.format

    def _path_focused(self) -> bool:
        return self.query_one("#out", Input).has_focus

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the path has focus, letters are the path: no choice changes, whatever is typed there.
        return not (action in {"audience", "format", "since", "path"} and self._path_focused())

    def action_audience(self, value: str) -> None:
        wanted = Audience(value)
        if wanted is self.audience:
            return
        if wanted is Audience.FACILITATOR:
            self._ask_for_facilitator()
        else:
            self._set_audience(wanted)

    def _ask_for_facilitator(self) -> None:
        def answered(yes: bool | None) -> None:
            self._set_audience(Audience.FACILITATOR if yes else Audience.PARTICIPANTS)

        self.app.push_screen(
            Confirm(
                "Export the facilitator's private copy?",
                "It holds private notes, flags, who voted what and the answer history. It is for you "
                "alone: never send it to the room.",
                yes="the facilitator's copy (private)",
                no="keep the participants' copy",
            ),
            answered,
        )

    def _set_audience(self, audience: Audience) -> None:
        changed = audience is not self.audience
        self.audience = audience
        button = self.query_one(f"#{audience.value}", RadioButton)
        if not button.value:
            button.value = True  # its Changed message finds the audience already chosen
        private = audience is Audience.FACILITATOR
        self.set_class(private, "-private")
        self.query_one("#private-banner").display = private
        export_button = self.query_one("#export-button", Button)
        export_button.label = "Export private copy" if private else "Export"
        export_button.variant = "error" if private else "primary"
        if changed:
            self._choice_changed()

    def action_format(self, value: str) -> None:
        self.query_one(f"#{Format(value).value}", RadioButton).value = True

    @on(AskFirstRadioButton.Wanted)
    def _facilitator_wanted(self, event: AskFirstRadioButton.Wanted) -> None:
        event.stop()
        self._ask_for_facilitator()  # clicked or toggled in the list: not chosen until confirmed

    @on(RadioSet.Changed, "#audience")
    def _audience_pressed(self, event: RadioSet.Changed) -> None:
        self._set_audience(Audience(event.pressed.id or Audience.PARTICIPANTS.value))

    @on(RadioSet.Changed, "#format")
    def _format_pressed(self, event: RadioSet.Changed) -> None:
        wanted = Format(event.pressed.id or Format.MD.value)
        if wanted is not self.format:
            self.format = wanted
            self._choice_changed()

    def _find_earlier(self, session: Session) -> None:
        summaries = self.attempt(self.app.store.list_sessions, title="Cannot list the workshops")
        if summaries is FAILED:
            summaries = []
        same = [
            s for s in summaries
            if s.id != session.id
            and s.organisation.casefold() == session.organisation.casefold()
            and s.initiative.casefold() == session.initiative.casefold()
            and (s.date, s.id) < (session.date, session.id)
        ]
        self.earlier = sorted(same, key=lambda s: (s.date, s.id), reverse=True)
        # 'auto' is the latest earlier active one: the store's own rule, read from the same list.
        self.auto_earlier = next((s for s in self.earlier if s.status is SessionStatus.ACTIVE), None)
        if isinstance(self.since, int) and self.since not in {s.id for s in self.earlier}:
            self.since = "auto"

    def since_choices(self) -> list[Since]:
        return ["auto", "none", *(s.id for s in self.earlier)]

    def action_since(self) -> None:
        choices = self.since_choices()
        index = choices.index(self.since) if self.since in choices else -1
        self.since = choices[(index + 1) % len(choices)]
        self._choice_changed()

    def since_text(self) -> Content:
        """What `s` has chosen: 'the latest earlier one: workshop 3 of 2026-06-01', 'nothing: ...', or one."""
        muted = "$text-muted"
        if self.since == "none":
            value: list[tuple[str, str]] = [("nothing", "bold"), (": the export has no section on what changed", muted)]
        elif self.since == "auto":
            value = [("the latest earlier one", "bold")]
            if self.auto_earlier is None:
                value.append((": there is none on this initiative", muted))
            else:
                value.append((f": {workshop_name(self.auto_earlier)}", ""))
        else:
            chosen = next((s for s in self.earlier if s.id == self.since), None)
            name = workshop_name(chosen) if chosen else f"workshop {self.since}"
            archived = " (archived)" if chosen and chosen.status is not SessionStatus.ACTIVE else ""
            value = [(name + archived, "bold")]
        others = len(self.earlier)
        tail = f"   · {others} earlier on this initiative" if others else ""
        return Content.assemble(*value, (tail, muted))

    @on(Input.Changed, "#out")
    def _path_changed(self) -> None:
        self._choice_changed()

    def _choice_changed(self) -> None:
        """Any choice changed: the last result no longer describes what enter would write."""
        self.written = None
        self.query_one("#result", Static).update("")
        self._show_choices()

    def _show_choices(self) -> None:
        text, style = AUDIENCE_NOTES[self.audience]
        self.query_one("#audience-note", Static).update(Content.styled(text, style))
        self.query_one("#private-banner", Static).update(
            Content.styled(" PRIVATE · the facilitator's copy: private notes, flags, votes, history ", "bold")
        )
        self.query_one("#format-note", Static).update(Content.styled(FORMAT_NOTES[self.format], "$text-muted"))
        self.query_one("#since", Static).update(self.since_text())
        self.query_one("#target", Static).update(self._target_text())

    def _target_text(self) -> Content:
        if self.session is None:
            return Content("")
        name = default_filename(self.session, self.audience.value, self.format.value)
        try:
            out = resolve_out(self.query_one("#out", Input).value, self.app.export_dir)
        except ExportError as exc:
            return Content.styled(string(exc), "$text-error")
        if out is None:
            folder = self.app.export_dir
        elif out.is_dir():
            folder = out
        else:
            folder, name = out.parent, out.name
        if self.app.store.path is not None and database_file(folder / name, self.app.store.path):
            return Content.styled(f"{string(folder / name)} is the workshop database or one of its files: "
                                  "an export never writes over it.", "$text-error")
        return Content.assemble(("Writes to ", "$text-muted"), string(folder), "\n", (string(name), "bold"))

    # --- the path field -----------------------------------------------------------------

    def action_path(self) -> None:
        self.query_one("#out", Input).focus()  # its text is selected: typing replaces it

    def on_key(self, event: events.Key) -> None:
        """Typing a path with nothing focused starts it in the path field, never as shortcuts."""
        if self.focused is None and event.character in PATH_STARTS:
            event.stop()
            event.prevent_default()
            field = self.query_one("#out", Input)
            field.select_on_focus = False  # keep the character, and type on after it
            field.value = event.character or ""
            field.cursor_position = len(field.value)
            field.focus()

    @on(events.DescendantBlur, "#out")
    def _left_path(self) -> None:
        self.query_one("#out", Input).select_on_focus = True  # `o` and tab select the path to replace it

    # --- writing ----------------------------------------------------------------------

    @on(Button.Pressed, "#export-button")
    def _export_requested(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        if self.session is None:
            return
        try:
            out = resolve_out(self.query_one("#out", Input).value, self.app.export_dir)
        except ExportError as exc:
            self._show_error(str(exc))
            return
        self.query_one("#result", Static).update(Content.styled("Writing…", "$text-muted"))
        self._worker = self._write(self.audience, self.format, out, self.since)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", name="export")
    def _write(self, audience: Audience, fmt: Format, out: Path | None, since: Since) -> Written:
        # Reading, analysing, rendering and writing all happen off the UI thread, on a connection of its own.
        with self.app.store.reader() as store:
            earlier = earlier_workshop(store, store.load_session(self.session_id), since)
            path = export_workshop(store, self.session_id, audience, fmt, out, self.app.export_dir,
                                   since=earlier.id if earlier is not None else "none")
        return Written(path, workshop_name(earlier) if earlier is not None else None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker:
            return
        if event.state is WorkerState.SUCCESS and event.worker.result is not None:
            written: Written = event.worker.result
            self.written = written.path
            compared = (("compared with ", "$text-muted"), (written.compared_with, "")) if written.compared_with \
                else (("compared with no earlier workshop", "$text-muted"),)
            self.query_one("#result", Static).update(
                Content.assemble(("✓ Wrote ", "bold $text-success"), string(written.path), "\n", *compared)
            )
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, ExportError):
                self._show_error(str(error))
            else:
                self._show_error(f"export failed: {first_line(error)}")

    def _show_error(self, message: str) -> None:
        self.written = None
        self.query_one("#result", Static).update(Content.assemble(("✗ ", "bold $text-error"), string(message)))

    def action_back(self) -> None:
        if self._path_focused():
            self.set_focus(None)  # leave the field; the next escape goes back
            return
        self.app.pop_screen()
