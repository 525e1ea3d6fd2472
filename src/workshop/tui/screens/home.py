"""Home: every workshop in the database, newest first, with a filter.

The first screen, so the first frame: the list is one light query (`Store.session_rows`, plain
rows, no model built, pydantic not imported yet), and only the first screenful of rows, with
their answers counted, is added before it is drawn; the rest follow a screenful a frame. The verdicts need each
workshop loaded and analysed: a worker thread works them out once that frame is drawn, and posts
them to the screen as `VerdictsReady` messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from workshop.tui.app import FAILED
from workshop.tui.base import WorkshopScreen
from workshop.tui.safe import line, string

if TYPE_CHECKING:
    from workshop.store.repository import SessionRow

FIRST_SCREENFUL = 60  # rows: enough for a 200x50 terminal
ACTIVE, ARCHIVED = "active", "archived"  # the values of SessionStatus, without importing the models

Verdicts = dict[int, tuple[str | None, str]]  # workshop id -> (as of: its updated_at, the verdict's label)

EMPTY_TEXT = """\
[b]No workshops yet.[/b]

Press [b]n[/b] to start one: you name the organisation, the AI initiative, who is in the room
and which question sets to run.

Press [b]d[/b] to open a demo workshop (a claims-triage pilot, part-way through) and try
the keys before the room arrives.

From a shell: [b]workshop new --org ORG --initiative NAME --facilitator NAME[/b]"""


class HomeScreen(WorkshopScreen):
    class VerdictsReady(Message):
        """Verdicts the worker has worked out, for some of the workshops listed."""

        def __init__(self, verdicts: Verdicts) -> None:
            super().__init__()
            self.verdicts = verdicts

    SCREEN_NAME = "home"
    AUTO_FOCUS = "#workshops"
    BINDINGS = [
        Binding("n", "new", "New", id="home.new", tooltip="Start a new workshop"),
        Binding("enter", "resume", "Resume", id="home.resume", tooltip="Open the highlighted workshop",
                show=True),
        Binding("w", "export", "Export", id="home.export", tooltip="Export the highlighted workshop"),
        Binding("a", "archive", "Archive", id="home.archive", tooltip="Archive or restore the highlighted workshop"),
        Binding("s", "toggle_archived", "Show archived", show=False, id="home.archived", tooltip="Show or hide archived"),
        Binding("d", "demo", "Demo", id="home.demo", tooltip="Create a demo workshop to try the keys"),
        Binding("slash", "filter", "Filter", id="home.filter", tooltip="Filter by organisation or initiative"),
        Binding("q", "app.quit", "Quit", id="home.quit", tooltip="Quit (every answer is already saved)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list[SessionRow] = []
        self._verdicts: Verdicts = {}
        self._answered: dict[int, int] = {}  # workshop id -> questions answered, for the rows added so far
        self._stale_verdicts: list[tuple[int, str | None]] = []  # to work out once the first rows are drawn
        self._generation = 0  # bumped each time the table is refilled
        self.show_archived = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Input(placeholder="Filter: organisation or initiative  (press / )", id="filter")
            yield DataTable(id="workshops", cursor_type="row", zebra_stripes=True)
            yield Static(EMPTY_TEXT, id="empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#workshops", DataTable)
        # What a facilitator scans for first stays visible on an 80-column terminal.
        table.add_column("Date", key="date")
        table.add_column("Verdict", key="verdict", width=21)
        table.add_column("Progress", key="progress")
        table.add_column("Organisation", key="org")
        table.add_column("Initiative", key="initiative")

    def on_screen_resume(self) -> None:
        # Also sent on the first push, right after on_mount: the one place the list is loaded.
        self.reload()

    def store_changed(self) -> None:
        self.reload()  # another window started, answered or archived a workshop

    def reload(self) -> None:
        summaries = self.attempt(self.app.store.session_rows, True, False, title="Cannot read the workshops")
        if summaries is FAILED:
            return
        self.summaries = summaries
        self._answered = {}  # counted again as rows are added: answers may have changed
        # Verdicts are kept across visits: only workshops changed since their verdict was computed
        # are analysed again (back from a walk-through, that is one).
        self._stale_verdicts = [(s.id, s.updated_at) for s in self.summaries if self._stale(s)]
        self._fill()

    def _visible(self) -> list[SessionRow]:
        text = self.query_one("#filter", Input).value.strip().casefold()
        return [
            s for s in self.summaries
            if (self.show_archived or s.status == ACTIVE)
            and (not text or text in s.organisation.casefold() or text in s.initiative.casefold())
        ]

    def _fill(self) -> None:
        table = self.query_one("#workshops", DataTable)
        selected = self.selected_id()
        table.clear()
        visible = self._visible()
        self._generation += 1
        self._add_rows(self._generation, visible, selected)
        empty = not self.summaries
        self.query_one("#empty").display = empty
        table.display = not empty
        self.query_one("#filter").display = not empty

    def _add_rows(self, generation: int, rows: list[SessionRow], selected: int | None, frame: int = 0) -> None:
        """A screenful of rows now, the next after the screen is drawn again, and so on: the list
        appears as fast with 1,000 workshops as with 10, and the table measures only the rows it
        was given since it last drew."""
        if generation != self._generation:
            return  # the list was filled again (a filter, a reload) before these rows were added
        summaries, rest = rows[:FIRST_SCREENFUL], rows[FIRST_SCREENFUL:]
        if rest:
            self.call_after_refresh(self._add_rows, generation, rest, selected, frame + 1)
        if self._stale_verdicts and (frame == 1 or not rest):
            # Once the first rows are on screen: the worker's thread would slow that frame down.
            self.call_after_refresh(self._compute_verdicts, self._stale_verdicts)
            self._stale_verdicts = []
        table = self.query_one("#workshops", DataTable)
        uncounted = [s.id for s in summaries if s.id not in self._answered]
        if uncounted:
            counts = self.attempt(self.app.store.answered_counts, uncounted, title="Cannot read the workshops")
            if counts is not FAILED:
                self._answered.update(counts)
        for s in summaries:
            archived = " (archived)" if s.status == ARCHIVED else ""
            # Text, not str: names are shown as typed, never parsed as markup (and 1,000 rows draw faster).
            verdict = self._verdicts.get(s.id, (None, "…"))[1]
            progress = f"{self._answered.get(s.id, '?')}/{s.total}"
            table.add_row(
                Text(s.date), Text(verdict), Text(progress),
                line(s.organisation + archived, 60), line(s.initiative, 60), key=str(s.id),
            )
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))

    @property
    def verdicts(self) -> dict[int, str]:
        """The verdicts computed so far, by workshop id."""
        return {session_id: label for session_id, (_, label) in self._verdicts.items()}

    def _stale(self, summary: SessionRow) -> bool:
        cached = self._verdicts.get(summary.id)
        return cached is None or summary.updated_at is None or cached[0] != summary.updated_at

    @work(thread=True, exclusive=True, exit_on_error=False, name="working out the verdicts")
    def _compute_verdicts(self, stale: list[tuple[int, str | None]]) -> None:
        # Off the UI thread. The first screenful is posted as soon as it is ready, the rest in one
        # go: each message repaints the table.
        from workshop.analysis import verdict_of

        batch: Verdicts = {}
        with self.app.store.reader() as store:  # its own connection: the UI thread may be writing
            for number, (session_id, as_of) in enumerate(stale, start=1):
                batch[session_id] = (as_of, verdict_of(store.load_session(session_id)).status.label)
                if number == FIRST_SCREENFUL:
                    self.post_message(self.VerdictsReady(batch))
                    batch = {}
        if batch:
            self.post_message(self.VerdictsReady(batch))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The app reports the error; the list must not say "…" for ever.
        if event.state is WorkerState.ERROR:
            table = self.query_one("#workshops", DataTable)
            for row_key in table.rows:
                if row_key.value and int(row_key.value) not in self._verdicts:
                    table.update_cell(row_key, "verdict", Text("? (failed)"))

    @on(VerdictsReady)
    def _set_verdicts(self, message: VerdictsReady) -> None:
        verdicts = message.verdicts
        self._verdicts.update(verdicts)
        table = self.query_one("#workshops", DataTable)
        for session_id, (_, label) in verdicts.items():
            if str(session_id) in table.rows:
                table.update_cell(str(session_id), "verdict", Text(label))

    def selected_id(self) -> int | None:
        table = self.query_one("#workshops", DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(key.value) if key.value else None

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#workshops").focus()

    @on(DataTable.RowSelected, "#workshops")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_workshop(int(event.row_key.value))

    def action_filter(self) -> None:
        self.query_one("#filter").focus()

    def action_new(self) -> None:
        self.app.open_new_workshop()

    def action_resume(self) -> None:
        if (session_id := self.selected_id()) is not None:
            self.app.open_workshop(session_id)

    def action_export(self) -> None:
        if (session_id := self.selected_id()) is not None:
            self.app.open_export(session_id)

    def action_archive(self) -> None:
        session_id = self.selected_id()
        if session_id is None:
            return
        from workshop.session import SessionStatus

        summary = next(s for s in self.summaries if s.id == session_id)
        status = SessionStatus.ACTIVE if summary.status == ARCHIVED else SessionStatus.ARCHIVED
        if self.attempt(self.app.store.set_status, session_id, status) is FAILED:
            return
        self.notify(f"{string(summary.organisation, 60)} · {string(summary.initiative, 60)}: {status.value}",
                    timeout=3)
        self.reload()

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self._fill()

    def action_demo(self) -> None:
        from workshop.demo import create_demo

        session_id = self.attempt(create_demo, self.app.store, self.app.bank, self.app.today())
        if session_id is not FAILED:
            self.app.open_workshop(session_id)

    def key_escape(self) -> None:
        filter_input = self.query_one("#filter", Input)
        if filter_input.value:
            filter_input.value = ""
        self.query_one("#workshops").focus()
