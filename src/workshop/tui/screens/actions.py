"""Action plan: the ranked actions, and what the room decides about each.

Each action keeps its number (`#12`) for the whole workshop, whatever the answers do to the ranking.
`a` accepts and `r` rejects the highlighted action (asking for an optional reason, kept as the
decision's note); `o` names its owner (enter takes the participant's name suggested) and `d` sets its
due date, in the text bar at the bottom. Every decision is written through the app's one error
route the moment it is made, then the analysis runs again: a rejected action leaves the ranking and
is listed after it with its reason (accepting it again undoes the rejection); an accepted action
whose questions reached its level is listed as done.

Finding an action among a hundred and more: `1`-`4` cycle the filters by set, horizon, owner and
decision (`0` clears them), `/` searches the titles and jumps to the first match, `g` goes to an
action by its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from workshop import formatting as numbers
from workshop.analysis import ActionStatus, Analysis, RecommendedAction, action_numbers
from workshop.parsing import ascii_int, parse_optional_date, shown
from workshop.questionnaire import Horizon
from workshop.session import ActionDecision, Decision, Session
from workshop.tui.app import FAILED
from workshop.tui.safe import string
from workshop.tui.screens.analysed import AnalysedScreen
from workshop.tui.widgets.text_bar import TextBar

VERIFY_MARK = "! "
PROVISIONAL_MARK = "? "
NO_DECISION = "—"

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # 0: the action title, which takes the room that is left


COLUMNS = {
    c.key: c
    for c in (
        Column("number", "#", 4),
        Column("horizon", "When", 14),
        Column("title", "Action", 0),
        Column("owner", "Owner", 18),
        Column("decision", "Decision", 8),
        Column("due", "Due", 10),
        Column("effort", "Effort", 6),
    )
}
# Which columns come first at each width: what the room decides stays in view at 80 columns.
LAYOUTS = {
    "narrow": ("number", "title", "decision", "owner", "due", "horizon", "effort"),
    "medium": ("number", "horizon", "title", "decision", "owner", "due", "effort"),
    "wide": ("number", "horizon", "title", "owner", "effort", "decision", "due"),
}
IN_VIEW = {"narrow": 4, "medium": 6, "wide": 7}  # leading columns sized to fit the screen
MIN_TITLE = 24
CELL_PADDING = 1


def layout_for(width: int) -> str:
    return "narrow" if width < 100 else "medium" if width < 150 else "wide"


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the table shows: None (or no words) means every action."""

    set_id: str | None = None
    horizon: Horizon | None = None
    owner: str | None = None
    status: ActionStatus | None = None
    words: str = ""

    @property
    def active(self) -> bool:
        return self != Filters()


def action_sets(analysis: Analysis, action: RecommendedAction) -> set[str]:
    """The question sets whose questions list the action."""
    ids = action.question_ids or tuple(t.question_id for t in action.triggers)
    return {q.set_id for qid in ids if (q := analysis.question(qid)) is not None}


def every_action(analysis: Analysis) -> tuple[RecommendedAction, ...]:
    """The ranked plan, then the accepted actions already done, then the rejected ones."""
    return (*analysis.actions, *analysis.met, *analysis.rejected)


def title_matches(title: str, words: str) -> bool:
    """Every word searched for appears in the title, in any case."""
    folded = title.casefold()
    return all(word in folded for word in words.casefold().split())


def shown_actions(analysis: Analysis, filters: Filters) -> list[RecommendedAction]:
    """The table's rows, in plan order, that pass every filter."""
    rows = []
    for action in every_action(analysis):
        if filters.set_id is not None and filters.set_id not in action_sets(analysis, action):
            continue
        if filters.horizon is not None and action.horizon is not filters.horizon:
            continue
        if filters.owner is not None and action.owner_name != filters.owner:
            continue
        if filters.status is not None and action.status is not filters.status:
            continue
        if filters.words and not title_matches(action.title, filters.words):
            continue
        rows.append(action)
    return rows


def owners(analysis: Analysis, people: Sequence[str]) -> list[str]:
    """Every owner in the plan: the people the room named (in the order they were listed), then the roles."""
    named = {a.owner_name for a in every_action(analysis)}
    first = [p for p in people if p in named]
    return first + sorted(named - set(first), key=str.casefold)


def next_value(values: Sequence[T], current: T | None) -> T | None:
    """The value after `current` in `values`, None after the last (None: every one)."""
    if current is None:
        return values[0] if values else None
    try:
        index = values.index(current)
    except ValueError:
        return None
    return values[index + 1] if index + 1 < len(values) else None


def parse_action_number(text: str) -> int | None:
    """'28' or '#28' -> 28."""
    return ascii_int(text.strip().removeprefix("#"))


# --- the screen -----------------------------------------------------------------------------


class ActionPlanScreen(AnalysedScreen):
    SCREEN_NAME = "actions"
    SUB_TITLE = "Action plan"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [
        Binding("a", "accept", "Accept", id="actions.accept",
                tooltip="Accept the highlighted action (saved at once); also undoes a rejection"),
        Binding("r", "reject", "Reject", id="actions.reject",
                tooltip="Reject the highlighted action, with an optional reason"),
        Binding("o", "edit('owner')", "Owner", id="actions.owner",
                tooltip="Name the person who owns the highlighted action (enter takes the name suggested)"),
        Binding("d", "edit('due')", "Due date", id="actions.due",
                tooltip="Set the due date of the highlighted action (YYYY-MM-DD; empty clears it)"),
        Binding("slash", "edit('search')", "Find", id="actions.find", key_display="/",
                tooltip="Show only the actions whose titles hold these words, and go to the first"),
        Binding("g", "edit('goto')", "Go to #", id="actions.goto", tooltip="Go to an action by its number"),
        Binding("1", "cycle('set')", "Set", show=False, id="actions.filter_set",
                tooltip="Filter by question set: each in turn, then all"),
        Binding("2", "cycle('horizon')", "When", show=False, id="actions.filter_horizon",
                tooltip="Filter by horizon: before go-live, during rollout, after launch, then all"),
        Binding("3", "cycle('owner')", "Owner", show=False, id="actions.filter_owner",
                tooltip="Filter by owner: the people named, then the roles, then all"),
        Binding("4", "cycle('status')", "Decision", show=False, id="actions.filter_decision",
                tooltip="Filter by decision: not decided, accepted, done, rejected, then all"),
        Binding("0", "clear_filters", "All", show=False, id="actions.filter_clear",
                tooltip="Clear every filter and the search: show every action"),
        Binding("escape", "back", "Back", id="actions.back", tooltip="Back to the previous screen"),
    ]

    BAR_LABELS = {
        "owner": "Owner of #{n}:",
        "due": "Due #{n} (YYYY-MM-DD):",
        "reject": "Why reject #{n}? (optional)",
        "search": "Find in the titles:",
        "goto": "Go to action #",
    }

    def __init__(self, session_id: int) -> None:
        super().__init__(session_id)
        self.filters = Filters()
        self.rows: list[RecommendedAction] = []
        self._editing: str | None = None  # the action the text bar is for
        self._layout: tuple[str, int] | None = None
        self._keep_row: tuple[str, int] | None = None  # after a write: (action id, row index) to return to
        self._follow = True  # after the write: follow the action (False: stay on the row, e.g. after a reject)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="plan"):
            yield Static(id="filters")
            yield DataTable(id="actions", cursor_type="row", zebra_stripes=True, cell_padding=CELL_PADDING)
            with VerticalScroll(id="detail", classes="panel") as detail:
                detail.border_title = "Why"
                detail.can_focus = False
                yield Static(id="detail-body")
            yield TextBar(clock=self.app.clock, draft_seconds=self.app.draft_seconds, id="editor")
            with Horizontal(id="status"):
                yield Static(id="saved")
                yield Static(id="legend")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#actions", DataTable).loading = True
        self.query_one("#actions").focus()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        # Table cells are Rich text coloured from the theme: draw them again in the new colours.
        if self.analysis is not None:
            self._build_table(force=True)

    def show_session(self, session: Session) -> None:
        self.sub_title = string(f"Action plan · {session.organisation} · {session.initiative}", 100)

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
        """The ranked plan."""
        return self.analysis.actions if self.analysis else ()

    def _title_width(self, layout: str) -> int:
        """The action column takes what the columns in view leave of the screen."""
        order = LAYOUTS[layout][: IN_VIEW[layout]]
        others = sum(COLUMNS[k].width + 2 * CELL_PADDING for k in order if k != "title")
        room = self.size.width - 4 - others - 2 * CELL_PADDING  # screen padding and scrollbar
        every = every_action(self.analysis) if self.analysis else ()
        longest = max((len(a.title) for a in every), default=MIN_TITLE) + len(VERIFY_MARK)
        return max(MIN_TITLE, min(longest, room))

    def _build_table(self, force: bool = False) -> None:
        if self.analysis is None:
            return
        layout = layout_for(self.size.width)
        shape = (layout, self._title_width(layout))
        if shape == self._layout and not force:
            return
        self._layout = shape
        table = self.query_one("#actions", DataTable)
        selected = self.selected_action()
        index = table.cursor_row
        if self._keep_row is not None:
            keep_id, index = self._keep_row
            selected = self.analysis.action(keep_id) if self._follow else None
            self._keep_row = None
        self.rows = shown_actions(self.analysis, self.filters)
        table.clear(columns=True)
        for key in LAYOUTS[layout]:
            column = COLUMNS[key]
            table.add_column(column.label, key=key, width=column.width or shape[1])
        previous: tuple[Horizon, ActionStatus] | None = None
        for action in self.rows:
            group = (action.horizon, action.status if action.rank is None else ActionStatus.OPEN)
            cells = self._cells(action, first_of_group=group != previous)
            table.add_row(*(cells[k] for k in LAYOUTS[layout]), key=action.action_id)
            previous = group
        if selected is not None and selected.action_id in table.rows:
            table.move_cursor(row=table.get_row_index(selected.action_id), animate=False)
        elif self.rows:
            table.move_cursor(row=min(max(index, 0), len(self.rows) - 1), animate=False)
        self._show_filters()
        self._show_legend()
        self._show_detail()

    def _theme_color(self, name: str) -> str:
        return self.app.theme_variables.get(name, "")

    def _styled(self, text: str, variable: str, extra: str = "") -> Text:
        return Text(text, style=f"{extra} {self._theme_color(variable)}".strip())

    def _cells(self, action: RecommendedAction, first_of_group: bool) -> dict[str, Text]:
        title = Text(overflow="ellipsis", no_wrap=True)
        if action.verify_first:
            title.append(VERIFY_MARK, style=f"bold {self._theme_color('text-warning')}".strip())
        if action.provisional:
            title.append(PROVISIONAL_MARK, style=self._theme_color("text-muted"))
        title.append(string(action.title))
        decision = action.decision
        named = decision is not None and bool(decision.owner_name.strip())
        status = {
            ActionStatus.OPEN: Text(NO_DECISION, style="dim"),
            ActionStatus.ACCEPTED: self._styled("accepted", "text-success", "bold"),
            ActionStatus.MET: self._styled("done", "text-success"),
            ActionStatus.REJECTED: self._styled("rejected", "text-error", "bold"),
        }[action.status]
        if action.rank is None:
            title.stylize("dim")  # done or rejected: out of the ranking
        return {
            "number": Text(f"#{action.number}", justify="right"),
            # Each horizon's first row in bold, the rest dim: the groups read at a glance.
            "horizon": Text(numbers.horizon_text(action.horizon, capital=True),
                            style="bold" if first_of_group else "dim"),
            "title": title,
            # One owner: the person the room named, else the role (dim) from the question set.
            "owner": Text(string(action.owner_name), style="" if named else "dim", overflow="ellipsis", no_wrap=True),
            "decision": status,
            "due": Text(decision.due_date.isoformat() if decision and decision.due_date else ""),
            "effort": Text(action.effort.value, justify="center"),
        }

    def selected_action(self) -> RecommendedAction | None:
        table = self.query_one("#actions", DataTable)
        if not table.row_count or self.analysis is None:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.analysis.action(key.value) if key.value else None

    def move_to(self, action_id: str) -> bool:
        table = self.query_one("#actions", DataTable)
        if action_id not in table.rows:
            return False
        table.move_cursor(row=table.get_row_index(action_id), animate=False)
        return True

    @on(DataTable.RowHighlighted, "#actions")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_legend(self) -> None:
        parts: list[tuple[str, str]] = []
        if any(a.verify_first for a in self.rows):
            parts += [(VERIFY_MARK.strip(), "bold $text-warning"), (" verify first", "$text-muted")]
        if any(a.provisional for a in self.rows):
            parts += [("   " if parts else "", ""), (PROVISIONAL_MARK.strip(), "bold"),
                      (" not assessed yet", "$text-muted")]
        self.query_one("#legend", Static).update(Content.assemble(*parts))

    # --- filters ------------------------------------------------------------------------

    def _filter_label(self, kind: str) -> str:
        f, analysis = self.filters, self.analysis
        if kind == "set":
            found = analysis.set_score(f.set_id) if analysis and f.set_id else None
            return string(found.title, 30) if found else "all"
        if kind == "horizon":
            return numbers.horizon_text(f.horizon) if f.horizon else "all"
        if kind == "owner":
            return string(f.owner, 30) if f.owner else "all"
        return f.status.label if f.status else "all"

    def _show_filters(self) -> None:
        parts: list[tuple[str, str] | str] = []
        for key, kind, name in (("1", "set", "set"), ("2", "horizon", "when"), ("3", "owner", "owner"),
                                ("4", "status", "decision")):
            value = self._filter_label(kind)
            parts += [(key, "bold $text-accent"), (f" {name} ", "$text-muted"),
                      (value, "bold $text-primary" if value != "all" else ""), ("  ", "")]
        parts += [("/", "bold $text-accent"), (" find ", "$text-muted")]
        parts.append((f"“{string(self.filters.words, 30)}”", "bold $text-primary") if self.filters.words else ("-", ""))
        total = len(every_action(self.analysis)) if self.analysis else 0
        parts.append(("   ", ""))
        if self.filters.active:
            parts += [(f"{len(self.rows)} of {total} shown", "bold"), ("  ", ""), ("0", "bold $text-accent"),
                      (" all", "$text-muted")]
        else:
            parts.append((numbers.plural(total, "action", "actions"), "$text-muted"))
        self.query_one("#filters", Static).update(Content.assemble(*parts))

    def _set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self._build_table(force=True)

    def action_cycle(self, kind: str) -> None:
        if self.analysis is None:
            return
        f = self.filters
        if kind == "set":
            filters = replace(f, set_id=next_value([s.set_id for s in self.analysis.sets], f.set_id))
        elif kind == "horizon":
            filters = replace(f, horizon=next_value(list(Horizon), f.horizon))
        elif kind == "owner":
            people = [p.name for p in self.session.participants] if self.session else []
            filters = replace(f, owner=next_value(owners(self.analysis, people), f.owner))
        else:
            filters = replace(f, status=next_value(list(ActionStatus), f.status))
        self._set_filters(filters)

    def action_clear_filters(self) -> None:
        self._set_filters(Filters())

    # --- the detail panel ------------------------------------------------------------

    def _show_detail(self) -> None:
        action = self.selected_action()
        body = self.query_one("#detail-body", Static)
        detail = self.query_one("#detail")
        if action is None or self.analysis is None:
            detail.border_title = "Why"
            if self.analysis is not None and not every_action(self.analysis):
                text = "No action is recommended: every answer is at or above its actions' thresholds."
            elif self.analysis is not None:
                text = "No action matches these filters: 0 shows them all."
            else:
                text = ""
            body.update(Content.styled(text, "$text-muted"))
            return
        detail.border_title = self._place(action)
        body.update(self._detail(action, self.analysis))

    def _place(self, action: RecommendedAction) -> str:
        """'#70 · 1st of 34 in the plan', '#183 · done' or '#12 · rejected: out of the ranking'."""
        if action.rank is not None:
            return f"#{action.number} · rank {action.rank} of {len(self.actions)}"
        if action.status is ActionStatus.MET:
            return f"#{action.number} · done"
        return f"#{action.number} · rejected: out of the ranking"

    def _detail(self, action: RecommendedAction, analysis: Analysis) -> Content:
        muted = "$text-muted"
        parts: list[Content | str | tuple[str, str]] = [(string(action.title), "bold"), "\n"]
        owner = [(string(action.owner_name), "")]
        if action.owner_name != action.owner:
            owner.append((f" (role: {string(action.owner)})", muted))
        parts += [
            ("Owner ", muted),
            *owner,
            (" · effort ", muted),
            (action.effort.value, ""),
            (" · ", muted),
            (numbers.horizon_text(action.horizon), ""),
        ]
        if action.rank is not None:
            parts += [(" · ", muted), (numbers.gain(action.gain), "bold"), (" of readiness if done", muted)]
        parts += ["\n", ("Decision: ", muted), self._decision_summary(action), "\n"]
        if action.status is ActionStatus.MET:
            parts += [("Done: ", "bold $text-success"),
                      ("its questions have reached the level it addressed.", ""), "\n"]
        if action.provisional:
            parts += [("? Provisional: ", "bold"),
                      ("only questions not assessed yet call for it; it ranks after every known gap.", muted), "\n"]
        if action.needed_first:
            parts += [("Needed first: ", "bold"), (numbers.NEEDED_FIRST, muted), "\n"]
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
                (f"Brought forward from {numbers.horizon_text(action.planned_horizon)}: "
                 "an earlier action depends on it.", muted),
            ]
        for label, ids in (("Depends on", action.depends_on), ("Needed by", action.needed_by)):
            if ids:
                names = [string(a.label) for i in ids if (a := analysis.action(i)) is not None]
                parts += ["\n", (f"{label}: ", "bold"), "; ".join(names)]
        return Content.assemble(*parts)

    def _decision_summary(self, action: RecommendedAction) -> Content:
        text = string(numbers.decision_text(action, reason=True))
        if action.decision is None:
            return Content.assemble((text, "$text-muted"), (" (a accept · r reject)", "$text-muted"))
        if action.decision.decision is Decision.REJECTED:
            return Content.assemble((text, "bold $text-error"), (" (a accepts it again)", "$text-muted"))
        parts: list[tuple[str, str]] = [(text, "bold $text-success")]
        if not action.decision.owner_name.strip():
            parts.append((" · no one named yet (o)", "$text-muted"))
        if action.decision.due_date is None:
            parts.append((" · no due date (d)", "$text-muted"))
        return Content.assemble(*parts)

    # --- writing decisions ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.query_one(TextBar).is_open:
            return False  # keys are text while the bar is open
        if action in {"accept", "reject"} or (action == "edit" and parameters[:1] in (("owner",), ("due",))):
            return True if self.selected_action() is not None else None
        return True

    def _decision(self, action_id: str) -> ActionDecision | None:
        return self.session.decisions.get(action_id) if self.session else None

    def _save(self, action: RecommendedAction, change: dict[str, object], saved: str, *, follow: bool = True) -> bool:
        """Write one decision (keeping what was already decided), then analyse again."""
        current = self._decision(action.action_id)
        fields = current.model_dump(exclude={"decided_at"}) if current else {
            "action_id": action.action_id, "decision": Decision.ACCEPTED}
        try:
            decision = ActionDecision.model_validate({**fields, **change})
        except ValidationError as exc:
            problem = exc.errors()[0].get("msg", "not valid") if exc.errors() else "not valid"
            self._status(Content.assemble(("✗ Not saved: ", "bold $text-error"), string(problem, 120)))
            return False
        if self.attempt(self.app.store.decide, self.session_id, decision, title="Decision not saved") is FAILED:
            self._status(Content.assemble(("✗ Not saved", "bold $text-error"), (": see the message.", "")))
            return False
        self._status(Content.assemble(("✓ Saved", "bold $text-success"), f" · #{action.number} {string(saved, 120)}"))
        table = self.query_one("#actions", DataTable)
        self._keep_row = (action.action_id, table.cursor_row)
        self._follow = follow
        self.refresh_analysis()  # the ranking, done and rejected lists follow the decision
        return True

    def _status(self, content: Content) -> None:
        self.query_one("#saved", Static).update(content)

    def action_accept(self) -> None:
        if (action := self.selected_action()) is not None:
            was_rejected = action.status is ActionStatus.REJECTED
            self._save(action, {"decision": Decision.ACCEPTED},
                       "accepted" + (" (no longer rejected)" if was_rejected else ""))

    def action_reject(self) -> None:
        self.action_edit("reject")

    def action_edit(self, field: str) -> None:
        action = self.selected_action()
        if field in {"owner", "due", "reject"} and action is None:
            return
        decision = self._decision(action.action_id) if action else None
        value, suggestions = "", ()
        if field == "owner":
            value = decision.owner_name if decision else ""
            suggestions = tuple(p.name for p in self.session.participants) if self.session else ()
        elif field == "due":
            value = decision.due_date.isoformat() if decision and decision.due_date else ""
        elif field == "reject":
            value = decision.note if decision else ""
        elif field == "search":
            value = self.filters.words
        self._editing = action.action_id if action else None
        label = self.BAR_LABELS[field].format(n=action.number if action else "")
        self.query_one(TextBar).open(field, label, value, suggestions=suggestions)
        self.refresh_bindings()

    def _close_bar(self) -> None:
        self.query_one(TextBar).close()
        self._editing = None
        self.query_one("#actions").focus()
        self.refresh_bindings()

    @on(TextBar.Submitted)
    def _bar_submitted(self, event: TextBar.Submitted) -> None:
        event.stop()
        field, value = event.field, event.value
        if field == "search":
            self._close_bar()
            self._search(value)
            return
        if field == "goto":
            if self._go_to(value):
                self._close_bar()
            return
        action = self.analysis.action(self._editing) if self.analysis and self._editing else None
        if action is None:
            self._close_bar()
            return
        if self._write(field, action, value):
            self._close_bar()

    def _write(self, field: str, action: RecommendedAction, value: str) -> bool:
        undecided = self._decision(action.action_id) is None
        also = "accepted, " if undecided else ""
        if field == "reject":
            reason = value.strip()
            return self._save(action, {"decision": Decision.REJECTED, "note": reason},
                              f"rejected: {reason}" if reason else "rejected", follow=False)
        if field == "owner":
            owner = " ".join(value.split())
            saved = f"{also}owner {owner}" if owner else f"{also}owner: the role, {action.owner}"
            return self._save(action, {"owner_name": owner}, saved)
        try:
            due = parse_optional_date(value)
        except ValueError as exc:
            self._status(Content.assemble(("✗ ", "bold $text-error"), string(exc, 120)))
            return False
        saved = f"{also}due {due.isoformat()}" if due else f"{also}due date cleared"
        return self._save(action, {"due_date": due}, saved)

    @on(TextBar.Closed)
    def _bar_closed(self, event: TextBar.Closed) -> None:
        event.stop()
        field = event.field
        self._close_bar()
        if field == "reject":
            self._status(Content.styled("Not rejected: nothing changed.", "$text-muted"))
        elif field in {"owner", "due"}:
            self._status(Content.styled("Edit cancelled: nothing changed.", "$text-muted"))

    def _search(self, words: str) -> None:
        words = " ".join(words.split())
        self._set_filters(replace(self.filters, words=words))
        if words and not self.rows:
            self._status(Content.assemble(("No title holds ", "$text-muted"), f"“{string(words, 40)}”",
                                          (" with these filters.", "$text-muted")))
        elif words:
            self.query_one("#actions", DataTable).move_cursor(row=0, animate=False)
            self._status(Content.styled(f"{numbers.plural(len(self.rows), 'title matches', 'titles match')}.",
                                        "$text-muted"))

    def _go_to(self, text: str) -> bool:
        """Move to the action with this number, clearing the filters that hide it. False: not in the plan."""
        if self.analysis is None or self.session is None:
            return False
        number = parse_action_number(text)
        found = next((a for a in every_action(self.analysis) if a.number == number), None)
        if found is None:
            known = number is not None and number in action_numbers(self.session).values()
            why = (f"#{number} is not called for by this workshop's answers." if known
                   else f"No action is numbered '{shown(text, 20)}'.")
            self._status(Content.styled(why, "$text-warning"))
            return False
        if found.action_id not in {a.action_id for a in self.rows}:
            self._set_filters(Filters())
            self._status(Content.styled(f"Filters cleared to show #{found.number}.", "$text-muted"))
        self.move_to(found.action_id)
        return True

    def action_back(self) -> None:
        self.app.pop_screen()
