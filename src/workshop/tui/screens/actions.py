"""Action plan: the ranked actions, and what the room decides about each.

`a` accepts and `r` rejects the highlighted action; `o` names its owner and `d` sets its due date in
a one-line editor at the bottom. Every decision is written to the store the moment it is made and
read back, and a "saved" mark says so. The ranking, grouping and reasons come from the analysis,
which runs in a worker; decisions are shown from the session, so a write needs no new analysis.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from workshop import formatting as numbers
from workshop.analysis import Analysis, RecommendedAction
from workshop.session import ActionDecision, Decision, Session
from workshop.store import StoreError
from workshop.tui.errors import first_line
from workshop.tui.safe import string
from workshop.tui.screens.analysed import AnalysedScreen

DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_OWNER = 200
VERIFY_MARK = "! "


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # 0: the action title, which takes the room that is left


COLUMNS = {
    c.key: c
    for c in (
        Column("rank", "#", 3),
        Column("horizon", "When", 14),
        Column("title", "Action", 0),
        Column("role", "Owner role", 18),
        Column("effort", "Effort", 6),
        Column("decision", "Decision", 8),
        Column("owner", "Owner", 14),
        Column("due", "Due", 10),
    )
}
# Which columns come first at each width: what the room decides stays in view at 80 columns.
LAYOUTS = {
    "narrow": ("rank", "title", "decision", "owner", "due", "horizon", "role", "effort"),
    "medium": ("rank", "horizon", "title", "decision", "owner", "due", "role", "effort"),
    "wide": ("rank", "horizon", "title", "role", "effort", "decision", "owner", "due"),
}
IN_VIEW = {"narrow": 5, "medium": 6, "wide": 8}  # leading columns sized to fit the screen
MIN_TITLE = 24
CELL_PADDING = 1


def layout_for(width: int) -> str:
    return "narrow" if width < 100 else "medium" if width < 150 else "wide"


def parse_due_date(text: str) -> dt.date | None:
    """'' clears the due date; anything else must be a real date written YYYY-MM-DD."""
    text = text.strip()
    if not text:
        return None
    if not DATE_SHAPE.match(text):
        raise ValueError(f"“{text}” is not a date: write it as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a day of the calendar: write it as YYYY-MM-DD") from None


class ActionPlanScreen(AnalysedScreen):
    SCREEN_NAME = "actions"
    SUB_TITLE = "Action plan"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [
        Binding("a", "accept", "Accept", id="actions.accept", tooltip="Accept the highlighted action (saved at once)"),
        Binding("r", "reject", "Reject", id="actions.reject", tooltip="Reject the highlighted action (saved at once)"),
        Binding(
            "o", "edit_owner", "Owner", id="actions.owner", tooltip="Name the person who owns the highlighted action"
        ),
        Binding(
            "d",
            "edit_due",
            "Due date",
            id="actions.due",
            tooltip="Set the due date of the highlighted action (YYYY-MM-DD)",
        ),
        Binding(
            "escape", "back", "Back", id="actions.back", tooltip="Close the editor, or go back to the previous screen"
        ),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__(session_id)
        self.editing: str | None = None  # "owner" or "due" while the editor is open
        self._editing_action: str | None = None
        self._layout: tuple[str, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="plan"):
            yield DataTable(id="actions", cursor_type="row", zebra_stripes=True, cell_padding=CELL_PADDING)
            with VerticalScroll(id="detail", classes="panel") as detail:
                detail.border_title = "Why"
                detail.can_focus = False
                yield Static(id="detail-body")
            with Horizontal(id="editor"):
                yield Label(id="editor-label")
                yield Input(id="editor-input", max_length=MAX_OWNER)
                yield Static(id="editor-message")
            with Horizontal(id="status"):
                yield Static(id="saved")
                yield Static(id="legend")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#editor").display = False
        self.query_one("#actions", DataTable).loading = True
        self.query_one("#actions").focus()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        # Table cells are Rich text coloured from the theme: draw them again in the new colours.
        if self.analysis is not None:
            self._build_table(force=True)

    def show_analysis(self, analysis: Analysis) -> None:
        self.query_one("#actions", DataTable).loading = False
        self._build_table(force=True)
        self.refresh_bindings()

    def show_failure(self, message: str) -> None:
        self.query_one("#actions", DataTable).loading = False
        self._status(Content.styled(message, "$text-error"))

    def on_resize(self) -> None:
        if self.analysis is not None:
            self._build_table()

    # --- the table ----------------------------------------------------------------------

    @property
    def actions(self) -> tuple[RecommendedAction, ...]:
        return self.analysis.actions if self.analysis else ()

    def show_session(self, session: Session) -> None:
        self.sub_title = string(f"Action plan · {session.organisation} · {session.initiative}", 100)

    def _title_width(self, layout: str) -> int:
        """The action column takes what the columns in view leave of the screen."""
        order = LAYOUTS[layout][: IN_VIEW[layout]]
        others = sum(COLUMNS[k].width + 2 * CELL_PADDING for k in order if k != "title")
        room = self.size.width - 4 - others - 2 * CELL_PADDING  # screen padding and scrollbar
        longest = max((len(a.title) for a in self.actions), default=MIN_TITLE) + len(VERIFY_MARK)
        return max(MIN_TITLE, min(longest, room))

    def _build_table(self, force: bool = False) -> None:
        layout = layout_for(self.size.width)
        shape = (layout, self._title_width(layout))
        if shape == self._layout and not force:
            return
        self._layout = shape
        table = self.query_one("#actions", DataTable)
        selected = self.selected_action()
        table.clear(columns=True)
        for key in LAYOUTS[layout]:
            column = COLUMNS[key]
            table.add_column(column.label, key=key, width=column.width or shape[1])
        previous = None
        for action in self.actions:
            cells = self._cells(action, show_horizon=action.horizon is not previous)
            table.add_row(*(cells[k] for k in LAYOUTS[layout]), key=action.action_id)
            previous = action.horizon
        if selected is not None and selected.action_id in table.rows:
            table.move_cursor(row=table.get_row_index(selected.action_id))
        self.query_one("#legend", Static).update(
            Content.assemble((VERIFY_MARK.strip(), "bold $text-warning"), (" verify first", "$text-muted"))
            if any(a.verify_first for a in self.actions)
            else ""
        )
        if not self.actions:
            self.query_one("#detail-body", Static).update(
                Content.styled(
                    "No action is recommended: every answer is at or above its actions' thresholds.", "$text-muted"
                )
            )
        else:
            self._show_detail()

    def _theme_color(self, name: str) -> str:
        return self.app.theme_variables.get(name, "")

    def _decision_cells(self, action: RecommendedAction) -> dict[str, Text]:
        decision = self._decision(action.action_id)
        if decision is None:
            return {"decision": Text("—", style="dim"), "owner": Text(""), "due": Text("")}
        color = "text-success" if decision.decision is Decision.ACCEPTED else "text-error"
        return {
            "decision": Text(decision.decision.value, style=f"bold {self._theme_color(color)}".strip()),
            "owner": Text(string(decision.owner_name), overflow="ellipsis", no_wrap=True),
            "due": Text(decision.due_date.isoformat() if decision.due_date else ""),
        }

    def _cells(self, action: RecommendedAction, show_horizon: bool) -> dict[str, Text]:
        title = Text(overflow="ellipsis", no_wrap=True)
        if action.verify_first:
            title.append(VERIFY_MARK, style=f"bold {self._theme_color('text-warning')}".strip())
        title.append(string(action.title))
        return {
            "rank": Text(str(action.rank), justify="right"),
            # Each horizon's first row in bold, the rest dim: the groups read at a glance.
            "horizon": Text(action.horizon.label, style="bold" if show_horizon else "dim"),
            "title": title,
            "role": Text(string(action.owner), overflow="ellipsis", no_wrap=True),
            "effort": Text(action.effort.value, justify="center"),
            **self._decision_cells(action),
        }

    def _decision(self, action_id: str) -> ActionDecision | None:
        return self.session.decisions.get(action_id) if self.session else None

    def selected_action(self) -> RecommendedAction | None:
        table = self.query_one("#actions", DataTable)
        if not table.row_count or self.analysis is None:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.analysis.action(key.value) if key.value else None

    @on(DataTable.RowHighlighted, "#actions")
    def _highlighted(self) -> None:
        self._show_detail()

    # --- the detail panel ------------------------------------------------------------

    def _show_detail(self) -> None:
        action = self.selected_action()
        body = self.query_one("#detail-body", Static)
        if action is None or self.analysis is None:
            body.update("")
            return
        self.query_one("#detail").border_title = f"#{action.rank} of {len(self.actions)}"
        body.update(self._detail(action, self.analysis))

    def _detail(self, action: RecommendedAction, analysis: Analysis) -> Content:
        muted = "$text-muted"
        parts: list[Content | str | tuple[str, str]] = [(string(action.title), "bold"), "\n"]
        parts += [
            (string(action.owner), ""),
            (" · effort ", muted),
            (action.effort.value, ""),
            (" · ", muted),
            (action.horizon.label.lower(), ""),
            (" · ", muted),
            (numbers.gain(action.gain), "bold"),
            (" of readiness if done", muted),
            "\n",
        ]
        parts += [("Decision: ", muted), self._decision_summary(action.action_id), "\n"]
        if action.verify_first:
            parts += [
                ("! Verify first: ", "bold $text-warning"),
                ("an answer behind this action was given with low confidence.", ""),
                "\n",
            ]
        for i, trigger in enumerate(action.triggers):
            parts += [("Why: " if i == 0 else "     ", "bold"), string(trigger.sentence), "\n"]
        parts += [string(action.detail)]
        if action.brought_forward:
            parts += [
                "\n",
                (
                    f"Brought forward from {action.planned_horizon.label.lower()}: an earlier action depends on it.",
                    muted,
                ),
            ]
        for label, ids in (("Depends on", action.depends_on), ("Needed by", action.needed_by)):
            if ids:
                names = [f"#{a.rank} {string(a.title)}" for i in ids if (a := analysis.action(i)) is not None]
                parts += ["\n", (f"{label}: ", "bold"), "; ".join(names)]
        return Content.assemble(*parts)

    def _decision_summary(self, action_id: str) -> Content:
        decision = self._decision(action_id)
        if decision is None:
            return Content.assemble(("not decided yet", "$text-muted"), (" (a accept · r reject)", "$text-muted"))
        style = "bold $text-success" if decision.decision is Decision.ACCEPTED else "bold $text-error"
        parts: list[tuple[str, str] | str] = [(decision.decision.value, style)]
        parts.append(f" · owner {string(decision.owner_name)}" if decision.owner_name
                     else (" · no owner yet", "$text-muted"))
        parts.append(
            f" · due {decision.due_date.isoformat()}" if decision.due_date else (" · no due date", "$text-muted")
        )
        return Content.assemble(*parts)

    # --- writing decisions ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"accept", "reject", "edit_owner", "edit_due"} and not self.actions:
            return None
        return True

    def _save(self, action: RecommendedAction, change: dict[str, object], saved: str) -> bool:
        """Write one decision (keeping what was already decided), read it back and say so."""
        current = self._decision(action.action_id)
        base = current or ActionDecision(action_id=action.action_id, decision=Decision.ACCEPTED)
        decision = base.model_copy(update=change)
        try:
            self.app.store.decide(self.session_id, decision)
            self.session = self.app.store.load_session(self.session_id)
        except StoreError as exc:
            self._status(Content.assemble(("✗ Not saved: ", "bold $text-error"), string(first_line(exc))))
            return False
        table = self.query_one("#actions", DataTable)
        for key, cell in self._decision_cells(action).items():
            table.update_cell(action.action_id, key, cell)
        self._show_detail()
        self._status(Content.assemble(("✓ Saved", "bold $text-success"), (f" · #{action.rank} {saved}", "")))
        return True

    def _status(self, content: Content) -> None:
        self.query_one("#saved", Static).update(content)

    def action_accept(self) -> None:
        if (action := self.selected_action()) is not None:
            self._save(action, {"decision": Decision.ACCEPTED}, "accepted")

    def action_reject(self) -> None:
        if (action := self.selected_action()) is not None:
            self._save(action, {"decision": Decision.REJECTED}, "rejected")

    def action_edit_owner(self) -> None:
        self._open_editor("owner")

    def action_edit_due(self) -> None:
        self._open_editor("due")

    def _open_editor(self, field: str) -> None:
        action = self.selected_action()
        if action is None:
            return
        decision = self._decision(action.action_id)
        editor_input = self.query_one("#editor-input", Input)
        if field == "owner":
            label = f"Owner of #{action.rank}:"
            value = decision.owner_name if decision else ""
            editor_input.placeholder = "a name, e.g. someone in the room"
            names = [p.name for p in self.session.participants] if self.session else []
            editor_input.suggester = SuggestFromList(names, case_sensitive=False)
            editor_input.max_length = MAX_OWNER
        else:
            label = f"Due date of #{action.rank}:"
            value = decision.due_date.isoformat() if decision and decision.due_date else ""
            editor_input.placeholder = "YYYY-MM-DD"
            editor_input.suggester = None
            editor_input.max_length = 10
        self.editing = field
        self._editing_action = action.action_id
        self.query_one("#editor-label", Label).update(label)
        self._editor_message(None)
        editor_input.value = value
        self.query_one("#editor").display = True
        editor_input.focus()

    def _editor_message(self, error: str | None) -> None:
        message = self.query_one("#editor-message", Static)
        text = f"✗ {error}" if error else "enter saves · escape cancels"
        if getattr(message.content, "plain", None) != text:  # typing need not redraw it each key
            message.update(Content.styled(text, "$text-error" if error else "$text-muted"))

    def _close_editor(self) -> None:
        self.editing = None
        self._editing_action = None
        self.query_one("#editor").display = False
        self.query_one("#actions").focus()

    @on(Input.Submitted, "#editor-input")
    def _editor_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        action = self.analysis.action(self._editing_action) if self.analysis and self._editing_action else None
        if action is None or self.editing is None:
            self._close_editor()
            return
        decided = self._decision(action.action_id) is not None
        also = "" if decided else "accepted, "
        if self.editing == "owner":
            owner = " ".join(event.value.split())
            saved = f"{also}owner {owner}" if owner else f"{also}owner cleared"
            if self._save(action, {"owner_name": owner}, saved):
                self._close_editor()
            return
        try:
            due = parse_due_date(event.value)
        except ValueError as exc:
            self._editor_message(str(exc))
            return
        saved = f"{also}due {due.isoformat()}" if due else f"{also}due date cleared"
        if self._save(action, {"due_date": due}, saved):
            self._close_editor()

    @on(Input.Changed, "#editor-input")
    def _editor_changed(self) -> None:
        self._editor_message(None)

    def action_back(self) -> None:
        if self.editing is not None:
            self._close_editor()
            self._status(Content.styled("Edit cancelled: nothing changed.", "$text-muted"))
            return
        self.app.pop_screen()
