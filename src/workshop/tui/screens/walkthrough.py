"""The walk-through: one question at a time, every key committed to the store at once.

Modes: answering (the default), editing a line of text in the bar at the
bottom, collecting blind votes, and showing the revealed votes. Escape always
leaves the current mode; nothing here is a modal that traps the facilitator.
"""

from __future__ import annotations

from enum import Enum

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from workshop.analysis import misaligned_questions
from workshop.questionnaire import Located
from workshop.session import Answer, AnswerChange, Confidence, Session
from workshop.store import StoreError
from workshop.tui.widgets.outline import Outline
from workshop.tui.widgets.question_view import QuestionView
from workshop.tui.widgets.vote_panel import VotePanel

# Fields edited in the bar at the bottom: (label, kept as a draft while typed).
EDIT_FIELDS = {
    "note": ("Public note (shown to participants)", True),
    "private_note": ("Private note (facilitator only, never exported to participants)", True),
    "evidence": ("Evidence the room cited", True),
    "na_reason": ("Why is this not applicable?", True),
    "vote_reason": ("Why did the room settle on this level?", True),
    "target": ("Target for this workshop: 1-4, or 'default'", False),
    "jump": ("Go to: question number, id, or words from the prompt", False),
}
CONFIDENCE_CYCLE = [None, Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH]
FLUSH_CLOCK_EVERY = 15.0  # seconds of workshop time between writes of the time spent per set
WARN_BEFORE_END = 5 * 60


class Mode(Enum):
    ANSWER = "answer"
    EDIT = "edit"
    VOTE = "vote"
    REVEAL = "reveal"


def _clock_text(seconds: float) -> str:
    seconds = int(abs(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class WalkthroughScreen(Screen[None]):
    SCREEN_NAME = "walkthrough"
    AUTO_FOCUS = ""  # nothing focused: every key reaches the bindings below
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("0", "digit(0)", "Level", key_display="0-4", id="walk.level",
                tooltip="Set the level (in a vote: this participant's vote)"),
        *[Binding(str(n), f"digit({n})", f"Level {n}", show=False, id=f"walk.level{n}") for n in range(1, 5)],
        Binding("u", "unknown", "Unknown", id="walk.unknown", tooltip="The room does not know (scores 0)"),
        Binding("x", "not_applicable", "N/A", show=False, id="walk.na", tooltip="Not applicable: asks for the reason"),
        Binding("n", "edit('note')", "Note", id="walk.note", tooltip="Public note, shown to participants"),
        Binding("p", "edit('private_note')", "Private", show=False, id="walk.private", tooltip="Private note, never exported"),
        Binding("e", "edit('evidence')", "Evidence", show=False, id="walk.evidence",
                tooltip="Evidence the room cited"),
        Binding("c", "confidence", "Confidence", show=False, id="walk.confidence",
                tooltip="Cycle the room's confidence: low, medium, high, none"),
        Binding("f", "flag", "Flag", show=False, id="walk.flag", tooltip="Flag for follow-up"),
        Binding("v", "vote", "Vote", id="walk.vote", tooltip="Blind vote: each participant's level, then reveal"),
        Binding("r", "reveal", "Reveal", id="walk.reveal", tooltip="Reveal the votes to the room"),
        Binding("s", "skip_voter", "Skip", id="walk.skip", tooltip="Skip this participant's vote"),
        Binding("left,k", "move(-1)", "Prev", show=False, id="walk.prev", tooltip="Previous question"),
        Binding("right,j", "move(1)", "Next", show=False, id="walk.next", tooltip="Next question"),
        Binding("tab", "next_unanswered", "Next open", show=False, id="walk.tab", tooltip="Next unanswered question"),
        Binding("g", "edit('jump')", "Go to", show=False, id="walk.jump", tooltip="Jump to any question"),
        Binding("t", "edit('target')", "Target", show=False, id="walk.target",
                tooltip="Raise or lower this question's target for this workshop"),
        Binding("question_mark", "guidance", "Guidance", key_display="?", id="walk.guidance",
                tooltip="Show or hide why the question matters"),
        Binding("o", "outline", "Outline", show=False, id="walk.outline", tooltip="Show or hide the outline"),
        Binding("d", "dashboard", "Dashboard", id="walk.dashboard", tooltip="Scores, verdict and blockers"),
        Binding("a", "actions", "Actions", show=False, id="walk.actions", tooltip="The ranked action plan"),
        Binding("w", "export", "Export", show=False, id="walk.export", tooltip="Export the summary"),
        Binding("escape", "escape", "Back", id="walk.escape", tooltip="Leave the current mode, or go home"),
        Binding("q", "app.quit", "Quit", show=False, id="walk.quit", tooltip="Quit (every answer is already saved)"),
    ]
    # Keys that mean something only in one mode (the rest are for answering).
    VOTE_ACTIONS = {"skip_voter", "reveal"}
    ALWAYS = {"digit", "escape", "quit"}

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: Session = None  # type: ignore[assignment]  # loaded in on_mount
        self.order: list[str] = []
        self.index = 0
        self.mode = Mode.ANSWER
        self.editing: str | None = None
        self.show_guidance = False
        self.votes: dict[int, int] = {}
        self.voter = 0
        self.drafts: dict[tuple[str, str], str] = {}
        self._draft_saved: str | None = None
        self._last_tick = 0.0
        self._unflushed = 0.0
        self._warned: set[tuple[str, str]] = set()

    # --- building ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.session = self.app.store.load_session(self.session_id)
        with Horizontal(id="topbar"):
            yield Static(id="title")
            yield Static(id="clock")
        with Horizontal(id="body"):
            yield Outline(self.session.bank, id="outline")
            with Vertical(id="main"):
                yield QuestionView(id="question")
                yield VotePanel(id="votes")
                yield Static(id="status")
        with Horizontal(id="editor"):
            yield Label(id="editor-label")
            yield Input(id="editor-input", max_length=20_000)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.order = [q.id for q in self.session.bank.questions()]
        self.index = self._resume_index()
        self.drafts = {(d.question_id, d.field): d.text for d in self.app.store.drafts(self.session_id)}
        self._last_tick = self.app.clock()
        self.set_interval(1.0, self._tick)
        self.set_interval(self.app.draft_seconds, self._autosave_draft)
        self._show(marks="all")
        if self.drafts:
            where = ", ".join(sorted({qid for qid, _ in self.drafts}))
            self.notify(f"Unsaved notes kept from last time on {where}: they come back when you open them.",
                        title="Drafts restored", timeout=8)

    def _resume_index(self) -> int:
        if self.session.position in self.order:
            return self.order.index(self.session.position)
        unanswered = [i for i, qid in enumerate(self.order) if not self.session.answer(qid).answered]
        return unanswered[0] if unanswered else 0

    # --- what is on screen -----------------------------------------------------------

    @property
    def question_id(self) -> str:
        return self.order[self.index]

    @property
    def located(self) -> Located:
        found = self.session.bank.locate(self.question_id)
        assert found is not None
        return found

    def _show(self, marks: str = "none") -> None:
        """Draw the current question; `marks` is 'all', 'current' or 'none' for the outline's labels."""
        answer = self.session.answer(self.question_id)
        self.query_one(QuestionView).show(
            self.located, answer, self.session.target(self.question_id), self.index + 1, len(self.order),
            self.show_guidance,
        )
        outline = self.query_one(Outline)
        if marks == "all":
            outline.update_marks(self.session, misaligned_questions(self.session))
        elif marks == "current":
            outline.update_question(self.session, self.question_id, misaligned_questions(self.session))
        outline.show_question(self.question_id)
        self._show_topbar()

    def _show_topbar(self) -> None:
        s = self.session
        title = Text(f" {s.organisation} · {s.initiative}", style="bold", no_wrap=True, overflow="ellipsis")
        self.query_one("#title", Static).update(title)
        text = Text(f"{s.answered_count}/{s.total} answered ")
        set_id = self.located.set.id
        spent = s.elapsed.get(set_id, 0) + self._unflushed
        box = s.time_boxes.get(set_id)
        if box:
            left = box * 60 - spent
            if left >= 0:
                text.append(f"   {self.located.set.title}: {_clock_text(left)} left ", "bold" if left > WARN_BEFORE_END else "bold yellow")
            else:
                text.append(f"   {self.located.set.title}: over by {_clock_text(left)} ", "bold red")
        else:
            text.append(f"   {self.located.set.title}: {_clock_text(spent)} spent ")
        self.query_one("#clock", Static).update(text)

    def _saved(self, what: str) -> None:
        status = self.query_one("#status", Static)
        status.update(Text.assemble(("✓ saved ", "bold green"), what))

    # --- recording ---------------------------------------------------------------------

    def _record(self, change: AnswerChange, what: str, settle: bool = False) -> Answer:
        """Commit to the store first; only then update the screen and say 'saved'."""
        if change.status is not None:
            change = change.model_copy(update={"answered_by": self.session.facilitator})
        write = self.app.store.settle_round if settle else self.app.store.record_answer
        try:
            answer = write(self.session_id, self.question_id, change)
        except StoreError as exc:
            self.query_one("#status", Static).update(Text.assemble(("✗ NOT saved ", "bold red"), str(exc)))
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return self.session.answer(self.question_id)
        self.session = self.session.model_copy(update={"answers": {**self.session.answers, self.question_id: answer}})
        self._show(marks="current")
        self._saved(what)
        return answer

    def _write(self, write, *args) -> bool:
        """Any other store write (position, votes, drafts, clock): on failure say so, never crash."""
        try:
            write(*args)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return False
        return True

    def action_digit(self, level: int) -> None:
        if self.mode is Mode.VOTE:
            self._cast_vote(level)
        elif self.mode is Mode.REVEAL:
            self._record(AnswerChange.from_level_text(str(level)), f"agreed level {level}", settle=True)
            self._end_vote()
            self._open_editor("vote_reason")
        else:
            self._record(AnswerChange.from_level_text(str(level)), f"level {level}")

    def action_unknown(self) -> None:
        self._record(AnswerChange.from_level_text("unknown"), "unknown")

    def action_not_applicable(self) -> None:
        self._open_editor("na_reason")

    def action_confidence(self) -> None:
        current = self.session.answer(self.question_id).confidence
        following = CONFIDENCE_CYCLE[(CONFIDENCE_CYCLE.index(current) + 1) % len(CONFIDENCE_CYCLE)]
        self._record(AnswerChange(confidence=following), f"confidence {following.value if following else 'cleared'}")

    def action_flag(self) -> None:
        flagged = not self.session.answer(self.question_id).flagged
        self._record(AnswerChange(flagged=flagged), "flagged for follow-up" if flagged else "flag removed")

    # --- moving ------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        self.index = index % len(self.order)
        self._write(self.app.store.set_position, self.session_id, self.question_id)
        self.query_one("#status", Static).update("")
        self._show()

    def action_move(self, step: int) -> None:
        self._go(self.index + step)

    def action_next_unanswered(self) -> None:
        for step in range(1, len(self.order) + 1):
            candidate = (self.index + step) % len(self.order)
            if not self.session.answer(self.order[candidate]).answered:
                self._go(candidate)
                return
        self.notify("Every question has an answer. Press d for the dashboard.", timeout=4)

    @on(Outline.Jump)
    def _jump_from_outline(self, event: Outline.Jump) -> None:
        if self.mode is Mode.ANSWER:
            self._go(self.order.index(event.question_id))

    def _jump(self, text: str) -> bool:
        wanted = text.strip().casefold()
        if wanted.isdigit() and 1 <= int(wanted) <= len(self.order):
            self._go(int(wanted) - 1)
            return True
        bank = self.session.bank
        for index, qid in enumerate(self.order):
            if qid == wanted or qid.endswith("." + wanted):
                self._go(index)
                return True
        for index, qid in enumerate(self.order):
            if wanted and wanted in bank.question(qid).prompt.casefold():
                self._go(index)
                return True
        return False

    # --- the text bar at the bottom ------------------------------------------------------

    def action_edit(self, field: str) -> None:
        self._open_editor(field)

    def _open_editor(self, field: str) -> None:
        self.mode = Mode.EDIT
        self.editing = field
        label, _ = EDIT_FIELDS[field]
        answer = self.session.answer(self.question_id)
        current = {
            "note": answer.note, "private_note": answer.private_note, "evidence": answer.evidence,
            "na_reason": answer.reason, "vote_reason": answer.reason,
            "target": str(self.session.targets.get(self.question_id, "")), "jump": "",
        }[field]
        draft = self.drafts.get((self.question_id, field))
        if draft is not None and draft != current:
            current = draft
            self.notify("Restored the note you were typing last time.", timeout=4)
        self._draft_saved = current
        self.query_one("#editor-label", Label).update(label)
        editor_input = self.query_one("#editor-input", Input)
        editor_input.value = current
        editor_input.cursor_position = len(current)
        self.query_one("#editor").display = True
        editor_input.focus()
        self.refresh_bindings()

    def _close_editor(self) -> None:
        self.mode = Mode.ANSWER
        self.editing = None
        self.query_one("#editor").display = False
        self.set_focus(None)
        self.refresh_bindings()

    @on(Input.Submitted, "#editor-input")
    def _editor_submitted(self, event: Input.Submitted) -> None:
        field, value = self.editing, event.value
        if field is None:
            return
        if field == "jump":
            if not self._jump(value):
                self.notify(f"No question matches '{value}'.", severity="warning", timeout=3)
                return
        elif field == "target":
            if not self._set_target(value):
                return
        elif field == "na_reason":
            if not value.strip():
                self.notify("Say why it does not apply; the reason goes into the report.", severity="warning")
                return
            self._record(AnswerChange.from_level_text("na", reason=value), "not applicable")
        elif field == "vote_reason":
            self._record(AnswerChange(reason=value), "reason for the agreed level")
        else:
            self._record(AnswerChange(**{field: value}), EDIT_FIELDS[field][0].split(" (")[0].lower())
        self._forget_draft(field)
        self._close_editor()

    def _set_target(self, value: str) -> bool:
        value = value.strip().lower()
        if value not in {"1", "2", "3", "4", "default", ""}:
            self.notify("A target is 1-4, or 'default'.", severity="warning", timeout=3)
            return False
        target = int(value) if value.isdigit() else None
        if not self._write(self.app.store.set_target, self.session_id, self.question_id, target):
            return False
        targets = {k: v for k, v in self.session.targets.items() if k != self.question_id}
        if target is not None:
            targets[self.question_id] = target
        self.session = self.session.model_copy(update={"targets": targets})
        self._show()
        self._saved(f"target {self.session.target(self.question_id)} for this workshop")
        return True

    def _forget_draft(self, field: str) -> None:
        if self.drafts.pop((self.question_id, field), None) is not None or self._draft_saved is not None:
            self._write(self.app.store.discard_draft, self.session_id, self.question_id, field)
        self._draft_saved = None

    def _autosave_draft(self) -> None:
        """Keep the note being typed every few seconds: a dead laptop loses only the last few."""
        if self.mode is not Mode.EDIT or not self.editing or not EDIT_FIELDS[self.editing][1]:
            return
        text = self.query_one("#editor-input", Input).value
        if text != self._draft_saved:
            if not self._write(self.app.store.save_draft, self.session_id, self.question_id, self.editing, text):
                return
            self.drafts[(self.question_id, self.editing)] = text
            self._draft_saved = text

    def keep_draft(self) -> bool:
        """Called before the app quits: keep any text being typed as a draft. True if one was kept."""
        if self.mode is not Mode.EDIT or not self.editing or not EDIT_FIELDS[self.editing][1]:
            return False
        text = self.query_one("#editor-input", Input).value
        if not text.strip():
            return False
        return self._write(self.app.store.save_draft, self.session_id, self.question_id, self.editing, text)

    # --- blind votes ----------------------------------------------------------------------

    def action_vote(self) -> None:
        if not self.session.participants:
            self.notify("This workshop has no participants to vote.", severity="warning", timeout=4)
            return
        if not self._write(self.app.store.open_round, self.session_id, self.question_id):
            return
        self.session = self.app.store.load_session(self.session_id)
        self.mode = Mode.VOTE
        self.votes = {}
        self.voter = 0
        self.query_one("#votes").display = True
        self._show_votes()
        self.refresh_bindings()

    def _cast_vote(self, level: int) -> None:
        participant = self.session.participants[self.voter]
        try:
            self.app.store.record_vote(self.session_id, self.question_id, participant.id, level)
        except StoreError as exc:
            self.notify(str(exc), title="Vote not saved", severity="error", timeout=10)
            return
        self.votes[participant.id] = level
        self.voter += 1
        self._saved(f"{participant.name}'s vote (hidden)")
        self._show_votes()

    def action_skip_voter(self) -> None:
        if self.voter < len(self.session.participants):
            self.voter += 1
            self._show_votes()

    def action_reveal(self) -> None:
        if not self._write(self.app.store.reveal_round, self.session_id, self.question_id):
            return
        self.session = self.app.store.load_session(self.session_id)
        self.mode = Mode.REVEAL
        self.query_one(VotePanel).show_revealed(self.session.participants, self.votes)
        self.query_one(Outline).update_question(self.session, self.question_id, misaligned_questions(self.session))
        self.refresh_bindings()

    def _show_votes(self) -> None:
        self.query_one(VotePanel).show_collecting(self.session.participants, self.votes, self.voter)

    def _end_vote(self) -> None:
        self.mode = Mode.ANSWER
        self.query_one("#votes").display = False
        self.refresh_bindings()

    # --- everything else ---------------------------------------------------------------------

    def action_guidance(self) -> None:
        self.show_guidance = not self.show_guidance
        self._show()

    def action_outline(self) -> None:
        self.toggle_class("-outline-toggled")

    def action_dashboard(self) -> None:
        self.app.open_dashboard(self.session_id)

    def action_actions(self) -> None:
        self.app.open_action_plan(self.session_id)

    def action_export(self) -> None:
        self.app.open_export(self.session_id)

    def action_escape(self) -> None:
        if self.mode is Mode.EDIT:
            if self.editing:
                self._forget_draft(self.editing)
            self._close_editor()
        elif self.mode in (Mode.VOTE, Mode.REVEAL):
            self._end_vote()
        else:
            self._flush_clock()
            self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.mode is Mode.EDIT:
            return action == "escape"
        if action in self.ALWAYS:
            return True
        if self.mode is Mode.VOTE:
            return action in self.VOTE_ACTIONS
        if self.mode is Mode.REVEAL:
            return False
        return action not in self.VOTE_ACTIONS

    def on_screen_resume(self) -> None:
        # Back from the dashboard or action plan: pick up targets or decisions changed there.
        self.session = self.app.store.load_session(self.session_id)
        self._last_tick = self.app.clock()
        self._show(marks="all")

    # --- the time box --------------------------------------------------------------------------

    def _tick(self) -> None:
        if self.app.screen is not self:
            self._last_tick = self.app.clock()
            return
        now = self.app.clock()
        self._unflushed += max(0.0, now - self._last_tick)
        self._last_tick = now
        if self._unflushed >= FLUSH_CLOCK_EVERY:
            self._flush_clock()
        self._warn_about_time()
        self._show_topbar()

    def _flush_clock(self) -> None:
        seconds = int(self._unflushed)
        if seconds <= 0:
            return
        set_id = self.located.set.id
        if not self._write(self.app.store.add_elapsed, self.session_id, set_id, seconds):
            return
        elapsed = {**self.session.elapsed, set_id: self.session.elapsed.get(set_id, 0) + seconds}
        self.session = self.session.model_copy(update={"elapsed": elapsed})
        self._unflushed -= seconds

    def _warn_about_time(self) -> None:
        qset = self.located.set
        box = self.session.time_boxes.get(qset.id)
        if not box:
            return
        left = box * 60 - self.session.elapsed.get(qset.id, 0) - self._unflushed
        if left <= 0 and (qset.id, "over") not in self._warned:
            self._warned.add((qset.id, "over"))
            self.notify(f"The {box}-minute time box for {qset.title} has run out: move on, or agree to extend.",
                        title="Time box", severity="warning", timeout=10)
        elif 0 < left <= WARN_BEFORE_END and (qset.id, "soon") not in self._warned:
            self._warned.add((qset.id, "soon"))
            self.notify(f"Five minutes left for {qset.title}.", title="Time box", timeout=6)

    def on_unmount(self) -> None:
        self._flush_clock()
