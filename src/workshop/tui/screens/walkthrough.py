"""The walk-through: one question at a time, every key committed to the store at once.

The screen coordinates; its parts own their state and post their own messages: the question view,
the outline, the vote panel (a question's vote round and the keyed entry of votes, each typed level
posted for the screen to commit), the time box (counted from the store's shared clock), the text
bar (notes, reasons, targets, with drafts) and the phones control (the phone-vote server). What a key does
after a vote depends on the round's state in the database, not on this window: another window
revealing the round makes 0-4 here settle it.

This screen is often the one on the projector: private notes, flags and who voted what stay hidden
until the facilitator presses `h`, and the top bar says which way it is.
"""

from __future__ import annotations

import functools
import secrets
from enum import Enum

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from workshop.analysis import misaligned_questions
from workshop.parsing import parse_target
from workshop.questionnaire import Located
from workshop.session import AnswerChange, Confidence, RoundState, Session, VoteRound
from workshop.tui.app import FAILED
from workshop.tui.base import WorkshopScreen
from workshop.tui.safe import line, show
from workshop.tui.widgets.confirm import Confirm
from workshop.tui.widgets.outline import Outline
from workshop.tui.widgets.phones import PhonesControl
from workshop.tui.widgets.question_view import QuestionView
from workshop.tui.widgets.text_bar import TextBar
from workshop.tui.widgets.time_box import TimeBox
from workshop.tui.widgets.vote_panel import VotePanel, unanimous_level

# Fields edited in the text bar: (label, kept as a draft while typed).
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


class Mode(Enum):
    ANSWER = "answer"  # keys answer the question (or settle a revealed vote)
    EDIT = "edit"  # the text bar has the keys
    VOTE = "vote"  # the facilitator keys in each participant's hidden level


class WalkthroughScreen(WorkshopScreen):
    SCREEN_NAME = "walkthrough"
    AUTO_FOCUS = ""  # nothing focused: every key reaches the bindings below
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("0", "digit(0)", "Level", key_display="0-4", id="walk.level",
                tooltip="Set the level (in a vote: this participant's vote; after a reveal: the agreed level)"),
        *[Binding(str(n), f"digit({n})", f"Level {n}", show=False, id=f"walk.level{n}") for n in range(1, 5)],
        Binding("u", "unknown", "Unknown", id="walk.unknown",
                tooltip="The room does not know (scores 0); in a vote: this participant does not know"),
        Binding("x", "not_applicable", "N/A", show=False, id="walk.na", tooltip="Not applicable: asks for the reason"),
        Binding("backspace", "clear", "Clear", show=False, id="walk.clear",
                tooltip="Back to not assessed (notes stay; the history keeps what it was)"),
        Binding("n", "edit('note')", "Note", id="walk.note", tooltip="Public note, shown to participants"),
        Binding("p", "edit('private_note')", "Private", show=False, id="walk.private",
                tooltip="Private note, never exported to participants"),
        Binding("e", "edit('evidence')", "Evidence", show=False, id="walk.evidence", tooltip="Evidence the room cited"),
        Binding("c", "confidence", "Confidence", show=False, id="walk.confidence",
                tooltip="Cycle the room's confidence: low, medium, high, none"),
        Binding("f", "flag", "Flag", show=False, id="walk.flag", tooltip="Flag for follow-up (private)"),
        Binding("h", "toggle_private", "Show private", show=False, id="walk.show_private",
                tooltip="Show or hide private notes, flags and who voted what (hidden: safe to project)"),
        Binding("v", "vote", "Vote", id="walk.vote", tooltip="Blind vote: open a round, key in levels, then reveal"),
        Binding("r", "reveal", "Reveal", id="walk.reveal", tooltip="Reveal the open vote's spread to the room"),
        Binding("s", "skip_voter", "Skip", id="walk.skip", tooltip="Skip this participant's vote"),
        Binding("enter", "settle_unanimous", "Settle", show=False, id="walk.settle",
                tooltip="After a unanimous reveal: settle at that level"),
        Binding("m", "phones", "Phones", show=False, id="walk.phones",
                tooltip="Start or stop voting from phones (the app shows the join link and its QR code)"),
        Binding("i", "show_join", "Join link", show=False, id="walk.join",
                tooltip="Show the phones' join link and QR code again; free a name taken on a phone"),
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
        Binding("escape", "escape", "Back", id="walk.escape", tooltip="Leave the vote entry, or go home"),
        Binding("q", "app.quit", "Quit", show=False, id="walk.quit", tooltip="Quit (every answer is already saved)"),
    ]
    VOTE_ACTIONS = {"digit", "unknown", "skip_voter", "reveal", "escape", "quit", "toggle_private", "guidance",
                    "phones", "show_join"}

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session_id = session.id
        self.session = session  # loaded by the app through its error route: a damaged one never gets here
        self.order: list[str] = []
        self.index = 0
        self.mode = Mode.ANSWER
        self.show_guidance = False
        self.show_private = False
        self.drafts: dict[tuple[str, str], str] = {}
        self._running_set: str | None = None
        self._shown = False  # the first resume is the opening itself: nothing to reload
        self._runner = secrets.token_hex(8)  # this window, as the time box's clock knows it

    # --- building ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static(id="title")
            yield Static(id="progress")
            yield TimeBox(self.app.wall_clock, id="clock")
            yield Static(id="privacy")
        with Horizontal(id="body"):
            yield Outline(self.session.bank, id="outline")
            with Vertical(id="main"):
                yield QuestionView(id="question")
                yield VotePanel(id="votes")
                yield Static(id="status")
        yield TextBar(clock=self.app.clock, draft_seconds=self.app.draft_seconds, id="editor")
        yield PhonesControl(self.session_id)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.order = [q.id for q in self.session.bank.questions()]
        self.index = self._resume_index()
        drafts = self.attempt(self.app.store.drafts, self.session_id, title="Cannot read the drafts")
        if drafts is not FAILED:
            self.drafts = {(d.question_id, d.field): d.text for d in drafts}
        self._run_clock()
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

    @property
    def round(self) -> VoteRound | None:
        return self.session.latest_round(self.question_id)

    def _show(self, marks: str = "none") -> None:
        """Draw the current question; `marks` is 'all', 'current' or 'none' for the outline's labels."""
        with self.app.batch_update():  # one layout and one repaint for everything a key changes
            self._draw(marks)

    def _draw(self, marks: str) -> None:
        answer = self.session.answer(self.question_id)
        self.query_one(QuestionView).show(
            self.located, answer, self.session.target(self.question_id), self.index + 1, len(self.order),
            self.show_guidance, self.show_private,
        )
        outline = self.query_one(Outline)
        outline.show_private = self.show_private
        if marks == "all":
            outline.update_marks(self.session, misaligned_questions(self.session))
        elif marks == "current":
            outline.update_question(self.session, self.question_id, misaligned_questions(self.session))
        outline.show_question(self.question_id)
        self._show_round()
        self._show_topbar()

    def _show_round(self) -> None:
        panel = self.query_one(VotePanel)
        panel.show_round(self.round, self.session.participants, show_names=self.show_private)
        if self.mode is Mode.VOTE and (self.round is None or not self.round.is_open):
            # Revealed in another window, by the CLI or by phones: as if revealed here.
            panel.stop_keyed()
            self._set_mode(Mode.ANSWER)
            self._clear_status()  # no "vote (hidden)" left beside the spread

    def _show_topbar(self) -> None:
        s = self.session
        show(self.query_one("#title", Static),
             Text.assemble(" ", line(f"{s.organisation} · {s.initiative}", 80, style="bold")), fixed_size=True)
        show(self.query_one("#progress", Static), Text(f"{s.answered_count}/{s.total} answered   "))
        self.query_one(TimeBox).show(s, self.located.set.id, self.located.set.title)
        if self.app.store.read_only:
            state = Text(" READ-ONLY ", style="bold reverse red")
        elif self.show_private:
            state = Text(" PRIVATE SHOWN (h hides) ", style="bold reverse yellow")
        else:
            state = Text(" private hidden ", style="dim")
        if self.query_one(PhonesControl).is_on():
            state.append(" phones on (i) ", style="bold reverse green")
        show(self.query_one("#privacy", Static), state)

    def _status(self, ok: bool, what: str) -> None:
        mark = ("✓ saved ", "bold green") if ok else ("✗ NOT saved ", "bold red")
        show(self.query_one("#status", Static), Text.assemble(mark, line(what, 200)), fixed_size=True)

    def _clear_status(self) -> None:
        show(self.query_one("#status", Static), Text(), fixed_size=True)

    def _set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self.refresh_bindings()

    # --- the store is the bus -------------------------------------------------------------

    def store_changed(self) -> None:
        """Another window answered, voted or revealed: show the workshop as the database has it."""
        session = self.attempt(self.app.store.load_session, self.session_id, title="Cannot read the workshop")
        if session is not FAILED:
            self.session = session
            self._show(marks="all")
        self.query_one(PhonesControl).check()  # a server this window started may have begun listening

    def _reload_rounds(self) -> None:
        rounds = self.attempt(self.app.store.rounds, self.session_id, title="Cannot read the votes")
        if rounds is not FAILED:
            self.session = self.session.model_copy(update={"rounds": rounds})

    # --- recording ---------------------------------------------------------------------

    def _record(self, change: AnswerChange, what: str, settle: bool = False) -> bool:
        """Commit to the store first; only then update the screen and say 'saved'."""
        if change.status is not None:
            change = change.model_copy(update={"answered_by": self.session.facilitator})
        write = self.app.store.settle_round if settle else self.app.store.record_answer
        answer = self.attempt(write, self.session_id, self.question_id, change)
        if answer is FAILED:
            self._status(False, what)
            return False
        self.session = self.session.model_copy(update={"answers": {**self.session.answers, self.question_id: answer}})
        if settle:
            self._reload_rounds()
        self._show(marks="current")
        self._status(True, what)
        return True

    def action_digit(self, level: int) -> None:
        if self.mode is Mode.VOTE:
            self.query_one(VotePanel).key_level(level)
        elif self.round is not None and self.round.state is RoundState.REVEALED:
            self._settle(level)
        else:
            self._record(AnswerChange.from_level_text(str(level)), f"level {level}")

    def action_unknown(self) -> None:
        if self.mode is Mode.VOTE:
            self.query_one(VotePanel).key_level(None)
        else:
            self._record(AnswerChange.from_level_text("unknown"), "unknown")

    def action_clear(self) -> None:
        if self.session.answer(self.question_id).answered:
            self._record(AnswerChange.not_assessed(), "back to not assessed")

    def action_not_applicable(self) -> None:
        self._open_editor("na_reason")

    def action_confidence(self) -> None:
        current = self.session.answer(self.question_id).confidence
        following = CONFIDENCE_CYCLE[(CONFIDENCE_CYCLE.index(current) + 1) % len(CONFIDENCE_CYCLE)]
        self._record(AnswerChange(confidence=following), f"confidence {following.value if following else 'cleared'}")

    def action_flag(self) -> None:
        flagged = not self.session.answer(self.question_id).flagged
        hidden = "" if self.show_private else " (hidden: h shows flags)"
        self._record(AnswerChange(flagged=flagged), ("flagged for follow-up" if flagged else "flag removed") + hidden)

    def action_toggle_private(self) -> None:
        self.show_private = not self.show_private
        self._show(marks="all")

    # --- moving ------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        self.index = index % len(self.order)
        self.attempt(self.app.store.set_position, self.session_id, self.question_id)
        self._clear_status()
        self._run_clock()
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
        if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(self.order):
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

    # --- the time box: one clock in the database, booked to the set on screen ----------------

    def _run_clock(self, set_id: str | None = "current") -> None:
        """Run the clock for the set on screen (or stop it): time so far goes to the set that ran."""
        wanted = self.located.set.id if set_id == "current" else set_id
        if wanted == self._running_set and wanted is None:
            return
        if self.attempt(self.app.store.run_clock, self.session_id, wanted, self.app.wall_clock(), self._runner,
                        title="Time not booked") is FAILED:
            return
        self._running_set = wanted
        state = self.attempt(self.app.store.clock_state, self.session_id, title="Cannot read the time boxes")
        if state is not FAILED:
            elapsed, clock = state
            self.session = self.session.model_copy(update={"elapsed": elapsed, "clock": clock})

    @on(TimeBox.Heartbeat)
    def _heartbeat(self) -> None:
        if self.app.screen is self:
            self._run_clock()
            self._show_topbar()

    @on(TimeBox.Warning)
    def _time_warning(self, event: TimeBox.Warning) -> None:
        if self.app.screen is self:
            self.notify(event.text, title="Time box", severity="warning", timeout=10)

    # --- the text bar at the bottom ------------------------------------------------------

    def action_edit(self, field: str) -> None:
        self._open_editor(field)

    def _open_editor(self, field: str) -> None:
        label, keeps_drafts = EDIT_FIELDS[field]
        answer = self.session.answer(self.question_id)
        current = {
            "note": answer.note, "private_note": answer.private_note, "evidence": answer.evidence,
            "na_reason": answer.reason, "vote_reason": answer.reason,
            "target": str(self.session.targets.get(self.question_id, "")), "jump": "",
        }[field]
        draft = self.drafts.get((self.question_id, field))
        if draft is not None and draft != current:
            current = draft
            self.notify("Restored the text you were typing last time.", timeout=4)
        self._set_mode(Mode.EDIT)
        self.query_one(TextBar).open(field, label, current, keeps_drafts=keeps_drafts)

    @on(TextBar.Submitted)
    def _editor_submitted(self, event: TextBar.Submitted) -> None:
        event.stop()
        field, value = event.field, event.value
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
            if not self._record(AnswerChange.from_level_text("na", reason=value), "not applicable"):
                return
        elif field == "vote_reason":
            if not self._record(AnswerChange(reason=value), "reason for the agreed level"):
                return
        elif not self._record(AnswerChange(**{field: value}), EDIT_FIELDS[field][0].split(" (")[0].lower()):
            return
        self._forget_draft(field)
        self._close_editor()

    @on(TextBar.Closed)
    def _editor_closed(self, event: TextBar.Closed) -> None:
        """Escape: text that would be lost is kept as a draft, and comes back when the bar reopens."""
        event.stop()
        self._set_mode(Mode.ANSWER)
        if event.unsaved and self._keep_draft(event.field, event.value):
            self.notify("Kept as a draft: it comes back when you open this note again.", timeout=4)

    @on(TextBar.DraftDue)
    def _draft_due(self, event: TextBar.DraftDue) -> None:
        event.stop()
        if self._keep_draft(event.field, event.value):
            event.bar.mark_kept(event.value)

    def _keep_draft(self, field: str, text: str) -> bool:
        if self.attempt(self.app.store.save_draft, self.session_id, self.question_id, field, text) is FAILED:
            return False
        self.drafts[(self.question_id, field)] = text
        return True

    def _close_editor(self) -> None:
        self.query_one(TextBar).close()
        self._set_mode(Mode.ANSWER)

    def _set_target(self, value: str) -> bool:
        try:
            target = parse_target(value)
        except ValueError as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return False
        if self.attempt(self.app.store.set_target, self.session_id, self.question_id, target) is FAILED:
            return False
        targets = {k: v for k, v in self.session.targets.items() if k != self.question_id}
        if target is not None:
            targets[self.question_id] = target
        self.session = self.session.model_copy(update={"targets": targets})
        self._show()
        self._status(True, f"target {self.session.target(self.question_id)} for this workshop")
        return True

    def _forget_draft(self, field: str) -> None:
        if self.drafts.pop((self.question_id, field), None) is not None:
            self.attempt(self.app.store.discard_draft, self.session_id, self.question_id, field)

    def keep_draft(self) -> bool:
        """Called before the app quits: keep any text being typed as a draft. True if one was kept."""
        bar = self.query_one(TextBar)
        if not bar.is_open or not bar.keeps_drafts or not bar.value.strip():
            return False
        return self._keep_draft(bar.field or "", bar.value)

    # --- blind votes ----------------------------------------------------------------------

    def action_vote(self) -> None:
        if not self.session.participants:
            self.notify("This workshop has no participants to vote.", severity="warning", timeout=4)
            return
        current = self.round
        if current is not None and current.is_open:
            self._start_keyed()  # a round left open: carry on where it was
            return
        if current is None:
            self._open_round(again=False)  # should another window have voted meanwhile, the store says so
            return
        settled = "settled" if current.state is RoundState.SETTLED else "revealed, not settled"
        self.app.push_screen(
            Confirm("Start a new vote on this question?",
                    f"It was voted on already ({settled}); that round stays in the history.",
                    yes="new vote", no="keep the earlier round"),
            lambda yes: self._open_round(again=True) if yes else None,
        )

    def _open_round(self, again: bool) -> None:
        # A vote another window opened on this question meanwhile is carried on, not doubled.
        opened = functools.partial(self.app.store.open_round, again=again)
        if self.attempt(opened, self.session_id, self.question_id, title="Vote not opened") is FAILED:
            self._reload_rounds()
            self._show_round()
            return
        self._reload_rounds()
        self._start_keyed()

    def _start_keyed(self) -> None:
        self.query_one(VotePanel).start_keyed()
        self._set_mode(Mode.VOTE)
        self._clear_status()
        self._show_round()

    @on(VotePanel.Keyed)
    def _commit_keyed_vote(self, event: VotePanel.Keyed) -> None:
        voter = event.participant
        if self.attempt(self.app.store.record_vote, self.session_id, event.question_id, voter.id, event.level,
                        title="Vote not saved") is FAILED:
            event.panel.not_saved(voter)
            self._status(False, f"{voter.name}'s vote")
            return
        self._reload_rounds()
        self._status(True, f"{voter.name}'s vote (hidden)")
        self._show_round()

    def action_skip_voter(self) -> None:
        self.query_one(VotePanel).skip()
        self._show_round()

    def action_reveal(self) -> None:
        if self.round is None or not self.round.is_open:
            return
        if self.attempt(self.app.store.reveal_round, self.session_id, self.question_id) is FAILED:
            return
        self._reload_rounds()
        self._show(marks="current")  # the round is no longer open: back to answering (see _show_round)

    def _settle(self, level: int) -> None:
        agreed = unanimous_level(self.round) if self.round is not None else None
        if not self._record(AnswerChange.from_level_text(str(level)), f"agreed level {level}", settle=True):
            return
        if level != agreed:
            self._open_editor("vote_reason")

    def action_settle_unanimous(self) -> None:
        current = self.round
        if current is not None and current.state is RoundState.REVEALED:
            agreed = unanimous_level(current)
            if agreed is not None:
                self._record(AnswerChange.from_level_text(str(agreed), reason="Unanimous vote."),
                             f"agreed level {agreed} (unanimous)", settle=True)

    # --- voting from phones (PhonesControl owns the server and its watch) -----------------------

    def action_phones(self) -> None:
        self.query_one(PhonesControl).toggle(self.session.participants)

    def action_show_join(self) -> None:
        self.query_one(PhonesControl).show_join(self.session.participants)

    @on(PhonesControl.Changed)
    def _phones_changed(self, event: PhonesControl.Changed) -> None:
        if event.starting:
            show(self.query_one("#status", Static), Text("Starting the phone-vote server…", style="dim"),
                 fixed_size=True)
        else:
            self._clear_status()
        self._show_topbar()

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
        if self.mode is Mode.VOTE:
            self.query_one(VotePanel).stop_keyed()  # the round stays open: r reveals it later
            self._set_mode(Mode.ANSWER)
            self._show_round()
            return
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.mode is Mode.EDIT:
            return False
        if self.mode is Mode.VOTE:
            return action in self.VOTE_ACTIONS
        if action == "skip_voter":
            return False
        if action == "reveal":
            return self.round is not None and self.round.is_open
        if action == "settle_unanimous":
            return self.round is not None and self.round.state is RoundState.REVEALED
        return True

    def on_screen_resume(self) -> None:
        # Back from the dashboard, the action plan or a question: pick up what changed meanwhile.
        if self._shown:
            self.store_changed()
            self._run_clock()
        self._shown = True

    def on_screen_suspend(self) -> None:
        if self._running_set is not None:
            self._run_clock(None)  # the time box counts while the questions are on screen

    def on_unmount(self) -> None:
        """Closing the workshop, however it is left (escape, the palette's Home, quitting): stop its
        clock and fold the log into the file, so that a copy of the file alone is whole."""
        if self._running_set is not None:
            self._run_clock(None)
        self.app.store.checkpoint()
