"""The outline of a workshop: sets, sections and questions with their marks.

Built to stay quick with thousands of questions: the nodes are made once, with their marks, by the
first `update_marks` (or unmarked after the first frame, if nothing called it); after that a question's label is set only
when its mark changes, and when most of them change at once the nodes are made again, which costs
one pass instead of one repaint callback per node. A label's width is counted from its text, not
by rendering it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workshop.questionnaire import QuestionBank
from workshop.session import AnswerStatus, Session
from workshop.tui.safe import line


@dataclass(frozen=True)
class Mark:
    symbol: str
    style: str
    meaning: str


MARKS = {
    "answered": Mark("✓", "green", "answered"),
    "unanswered": Mark("·", "dim", "not answered yet"),
    "unknown": Mark("?", "yellow", "unknown"),
    "na": Mark("–", "dim", "not applicable"),
}
FLAG = Mark("⚑", "bold magenta", "flagged for follow-up")
MISALIGNED = Mark("≠", "bold red", "votes spread by two levels or more")

# Labels set one by one, each repainted by its own callback, up to this many; more are made anew.
RELABEL_LIMIT = 50

Shown = tuple[Mark, bool, bool]  # what a question's label shows: its mark, the flag, misaligned


def mark_for(session: Session, question_id: str) -> Mark:
    status = session.answer(question_id).status
    if status is AnswerStatus.UNKNOWN:
        return MARKS["unknown"]
    if status is AnswerStatus.NOT_APPLICABLE:
        return MARKS["na"]
    return MARKS["answered"] if status is AnswerStatus.LEVEL else MARKS["unanswered"]


class Outline(Tree[str]):
    """Not focusable: the facilitator's keys always reach the walk-through. Clicks still jump."""

    can_focus = False

    class Jump(Message):
        def __init__(self, question_id: str) -> None:
            super().__init__()
            self.question_id = question_id

    def __init__(self, bank: QuestionBank, **kwargs) -> None:
        super().__init__("Workshop", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self.show_private = False  # flags are private: shown only when the facilitator asks
        self._bank = bank
        self._question_nodes: dict[str, TreeNode[str]] = {}
        self._set_nodes: dict[str, TreeNode[str]] = {}
        self._branches: dict[str, TreeNode[str]] = {}  # set and section ids (unique across the bank) -> node
        self._shown: dict[str, Shown] = {}  # question id -> what its label shows now
        self._made = False  # the nodes are made by the first `update_marks`, else after the first frame

    def on_mount(self) -> None:
        self.call_after_refresh(self._make_plain_nodes)

    def _make_plain_nodes(self) -> None:
        if not self._made:
            self._make_nodes({q.id: (MARKS["unanswered"], False, False) for q in self._bank.questions()})

    def _make_nodes(self, shown: dict[str, Shown]) -> None:
        """(Re)make every node, each question labelled for `shown`; sets and sections stay expanded
        or collapsed as they were."""
        expanded = {key: node.is_expanded for key, node in self._branches.items()}
        if self._branches:
            self.clear()
        self._question_nodes, self._set_nodes, self._branches = {}, {}, {}
        for qset in self._bank.sets:
            set_node = self.root.add(line(qset.title, 40), expand=expanded.get(qset.id, True))
            self._set_nodes[qset.id] = self._branches[qset.id] = set_node
            for section in qset.sections:
                section_node = set_node.add(line(section.title, 40), expand=expanded.get(section.id, True))
                self._branches[section.id] = section_node
                for question in section.questions:
                    label = self._label_for(question.id, shown[question.id])
                    self._question_nodes[question.id] = section_node.add_leaf(label, data=question.id)
        self._shown = dict(shown)
        self._made = True

    def update_marks(self, session: Session, misaligned: set[str]) -> None:
        """Relabel everything: on opening, and when coming back from another screen."""
        shown = {q.id: self._shown_for(session, q.id, misaligned) for q in self._bank.questions()}
        changed = [qid for qid, state in shown.items() if self._shown.get(qid) != state]
        if not self._made or len(changed) > RELABEL_LIMIT:
            self._make_nodes(shown)
        else:
            for qid in changed:
                self._relabel(qid, shown[qid])
        for qset in session.bank.sets:
            self._update_set(session, qset.id)

    def update_question(self, session: Session, question_id: str, misaligned: set[str]) -> None:
        """Relabel one question and its set's count: all an answer can change."""
        self._relabel(question_id, self._shown_for(session, question_id, misaligned))
        located = session.bank.locate(question_id)
        if located is not None:
            self._update_set(session, located.set.id)

    def _relabel(self, question_id: str, state: Shown) -> None:
        if self._shown.get(question_id) != state and question_id in self._question_nodes:
            self._question_nodes[question_id].set_label(self._label_for(question_id, state))
            self._shown[question_id] = state

    def _update_set(self, session: Session, set_id: str) -> None:
        qset = session.bank.get_set(set_id)
        questions = list(qset.questions())
        answered = sum(1 for q in questions if session.answer(q.id).answered)
        label = Text.assemble(line(qset.title, 40, style="bold"), (f" {answered}/{len(questions)}", "dim"))
        node = self._set_nodes[set_id]
        if node.label != label:
            node.set_label(label)

    def _shown_for(self, session: Session, question_id: str, misaligned: set[str]) -> Shown:
        flagged = self.show_private and session.answer(question_id).flagged
        return mark_for(session, question_id), flagged, question_id in misaligned

    @staticmethod
    def _label_for(question_id: str, state: Shown) -> Text:
        mark, flagged, misaligned = state
        label = Text.assemble((mark.symbol, mark.style), " ", question_id.split(".", 1)[-1])
        if flagged:
            label.append(" " + FLAG.symbol, FLAG.style)
        if misaligned:
            label.append(" " + MISALIGNED.symbol, MISALIGNED.style)
        return label

    def _label(self, session: Session, question_id: str, misaligned: set[str]) -> Text:
        return self._label_for(question_id, self._shown_for(session, question_id, misaligned))

    def get_label_width(self, node: TreeNode[str]) -> int:
        """Counted from the label's text: the tree asks for every line's width on each rebuild."""
        label = node.label
        width = label.cell_len if isinstance(label, Text) else cell_len(str(label))
        return width + (cell_len(self.ICON_NODE) if node.allow_expand else 0)

    def show_question(self, question_id: str) -> None:
        node = self._question_nodes.get(question_id)
        if node is not None:
            if node.line == -1:  # nodes just made have no line yet: reading `last_line` lays them out
                _ = self.last_line
            self.move_cursor(node)
            self.scroll_to_node(node, animate=False)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data:
            self.post_message(self.Jump(event.node.data))
