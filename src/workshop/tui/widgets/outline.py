"""The outline of a workshop: sets, sections and questions with their marks."""

from __future__ import annotations

from dataclasses import dataclass

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
        self._question_nodes: dict[str, TreeNode[str]] = {}
        self._set_nodes: dict[str, TreeNode[str]] = {}
        self.show_private = False  # flags are private: shown only when the facilitator asks
        for qset in bank.sets:
            set_node = self.root.add(line(qset.title, 40), expand=True)
            self._set_nodes[qset.id] = set_node
            for section in qset.sections:
                section_node = set_node.add(line(section.title, 40), expand=True)
                for question in section.questions:
                    self._question_nodes[question.id] = section_node.add_leaf(question.id, data=question.id)

    def update_marks(self, session: Session, misaligned: set[str]) -> None:
        """Relabel everything: on opening, and when coming back from another screen."""
        for qset in session.bank.sets:
            self._update_set(session, qset.id)
            for question in qset.questions():
                self._question_nodes[question.id].set_label(self._label(session, question.id, misaligned))

    def update_question(self, session: Session, question_id: str, misaligned: set[str]) -> None:
        """Relabel one question and its set's count: all an answer can change."""
        self._question_nodes[question_id].set_label(self._label(session, question_id, misaligned))
        located = session.bank.locate(question_id)
        if located is not None:
            self._update_set(session, located.set.id)

    def _update_set(self, session: Session, set_id: str) -> None:
        qset = session.bank.get_set(set_id)
        questions = list(qset.questions())
        answered = sum(1 for q in questions if session.answer(q.id).answered)
        label = Text.assemble(line(qset.title, 40, style="bold"), (f" {answered}/{len(questions)}", "dim"))
        self._set_nodes[set_id].set_label(label)

    def _label(self, session: Session, question_id: str, misaligned: set[str]) -> Text:
        mark = mark_for(session, question_id)
        label = Text.assemble((mark.symbol, mark.style), " ", question_id.split(".", 1)[-1])
        if self.show_private and session.answer(question_id).flagged:
            label.append(" " + FLAG.symbol, FLAG.style)
        if question_id in misaligned:
            label.append(" " + MISALIGNED.symbol, MISALIGNED.style)
        return label

    def show_question(self, question_id: str) -> None:
        node = self._question_nodes.get(question_id)
        if node is not None:
            self.move_cursor(node)
            self.scroll_to_node(node, animate=False)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data:
            self.post_message(self.Jump(event.node.data))
