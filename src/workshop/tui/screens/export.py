"""Export: choose who the summary is for and its format, then write it and show the path.

The analysis, the rendering and the write run in a worker thread; the screen shows the path that
was written or the export's one-line error. Nothing is previewed here: the file is the preview.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Header, Input, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from workshop.export import Audience, ExportError, Format, default_filename, resolve_out
from workshop.report import export_workshop
from workshop.session import Session
from workshop.tui.app import FAILED
from workshop.tui.base import WorkshopScreen
from workshop.tui.errors import first_line
from workshop.tui.safe import string

AUDIENCE_NOTES = {
    Audience.PARTICIPANTS: ("Everything the room saw. Private notes and flags are left out.", "$text-muted"),
    Audience.FACILITATOR: ("Adds private notes, flags, votes and the answer history: do not forward.", "$text-warning"),
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


def _key_hint(label: str, key: str) -> Content:
    return Content.assemble(label, ("  ", ""), (key, "bold $text-accent"))


class ExportScreen(WorkshopScreen):
    SCREEN_NAME = "export"
    SUB_TITLE = "Export"
    # Nothing focused at first: enter exports and the letter keys choose, until tab moves into a field.
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("enter", "export", "Export", id="export.write", tooltip="Write the file with these choices"),
        Binding("escape", "back", "Back", id="export.back", tooltip="Back to the previous screen"),
        Binding(
            "p",
            "audience('participants')",
            "Participants",
            show=False,
            id="export.participants",
            tooltip="For the participants: no private notes",
        ),
        Binding(
            "f",
            "audience('facilitator')",
            "Facilitator",
            show=False,
            id="export.facilitator",
            tooltip="For the facilitator: includes private notes, votes and history",
        ),
        Binding("m", "format('md')", "Markdown", show=False, id="export.md", tooltip="Markdown (.md)"),
        Binding("h", "format('html')", "HTML", show=False, id="export.html", tooltip="HTML (.html)"),
        Binding("j", "format('json')", "JSON", show=False, id="export.json", tooltip="JSON (.json)"),
        Binding("c", "format('csv')", "CSV", show=False, id="export.csv", tooltip="CSV (.csv)"),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: Session | None = None
        self.written: Path | None = None
        self._worker: Worker[Path] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="export"):
            with Horizontal(id="choices"):
                with Vertical(id="audience-box", classes="panel") as box:
                    box.border_title = "Audience"
                    with RadioSet(id="audience"):
                        for key, audience in AUDIENCE_KEYS.items():
                            yield RadioButton(
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
            yield Label("Save to: a folder, or a file path", id="out-label")
            yield Input(id="out", placeholder="a folder or a file; empty: the default folder")
            yield Static(id="target")
            with Horizontal(id="export-row"):
                yield Button("Export", id="export-button", variant="primary")
                yield Static(id="result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#out", Input).value = str(self.app.export_dir)

    def on_screen_resume(self) -> None:
        session = self.attempt(self.app.store.load_session, self.session_id, title="Cannot read the workshop")
        if session is FAILED:
            return
        self.session = session
        self.sub_title = string(f"Export · {session.organisation} · {session.initiative}", 100)
        self._show_choices()

    # --- choices --------------------------------------------------------------------

    @property
    def chosen_audience(self) -> Audience:
        pressed = self.query_one("#audience", RadioSet).pressed_button
        return Audience(pressed.id) if pressed is not None and pressed.id else Audience.PARTICIPANTS

    @property
    def chosen_format(self) -> Format:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return Format(pressed.id) if pressed is not None and pressed.id else Format.MD

    def action_audience(self, value: str) -> None:
        self.query_one(f"#{Audience(value).value}", RadioButton).value = True

    def action_format(self, value: str) -> None:
        self.query_one(f"#{Format(value).value}", RadioButton).value = True

    @on(RadioSet.Changed)
    @on(Input.Changed, "#out")
    def _choices_changed(self) -> None:
        self._show_choices()

    def _show_choices(self) -> None:
        text, style = AUDIENCE_NOTES[self.chosen_audience]
        self.query_one("#audience-note", Static).update(Content.styled(text, style))
        self.query_one("#format-note", Static).update(Content.styled(FORMAT_NOTES[self.chosen_format], "$text-muted"))
        self.query_one("#target", Static).update(self._target_text())

    def _target_text(self) -> Content:
        if self.session is None:
            return Content("")
        name = default_filename(self.session, self.chosen_audience.value, self.chosen_format.value)
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
        return Content.assemble(("Writes to ", "$text-muted"), string(folder), "\n", (string(name), "bold"))

    # --- writing ----------------------------------------------------------------------

    @on(Button.Pressed, "#export-button")
    @on(Input.Submitted, "#out")
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
        self._worker = self._write(self.chosen_audience, self.chosen_format, out)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", name="export")
    def _write(self, audience: Audience, fmt: Format, out: Path | None) -> Path:
        # Reading, analysing, rendering and writing all happen off the UI thread, on a connection of its own.
        with self.app.store.reader() as store:
            return export_workshop(store, self.session_id, audience, fmt, out, self.app.export_dir)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker:
            return
        if event.state is WorkerState.SUCCESS and event.worker.result is not None:
            self.written = event.worker.result
            self.query_one("#result", Static).update(
                Content.assemble(("✓ Wrote ", "bold $text-success"), string(self.written))
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
        self.app.pop_screen()
