"""The current question, large: prompt, the five level descriptors, guidance, and the room's answer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from workshop.questionnaire import LEVELS, Located
from workshop.session import Answer, AnswerStatus
from workshop.tui.safe import line


class QuestionView(VerticalScroll):
    """Not focusable, so every key reaches the walk-through's bindings."""

    can_focus = False

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs")
        yield Static(id="prompt")
        yield Static(id="guidance")
        with Vertical(id="levels"):
            for level in LEVELS:
                with Horizontal(classes="level-row", id=f"level-{level}"):
                    yield Static(classes="level-mark")
                    yield Static(classes="level-text")
            yield Static("◆ marks the target level", id="target-legend")
        yield Static(id="meta")

    def show(self, located: Located, answer: Answer, target: int, number: int, total: int,
             guidance: bool, show_private: bool = False) -> None:
        question = located.question
        crumbs = Text.assemble(
            line(located.set.title, 40, style="bold"), "  ›  ", line(located.section.title, 50),
            f"   question {number} of {total}   weight {question.weight}   target {target}",
        )
        if question.gate:
            crumbs.append("   GATE", "bold reverse")
        self.query_one("#crumbs", Static).update(crumbs)
        self.query_one("#prompt", Static).update(line(question.prompt))
        guidance_widget = self.query_one("#guidance", Static)
        guidance_widget.update(Text.assemble(("Why it matters  ", "bold"), line(question.guidance)))
        guidance_widget.display = guidance
        chosen = answer.level if answer.status is AnswerStatus.LEVEL else None
        for level, descriptor in zip(LEVELS, question.levels, strict=True):
            row = self.query_one(f"#level-{level}")
            # Only touch classes that change: each change re-applies the stylesheet.
            if row.has_class("-chosen") != (level == chosen):
                row.set_class(level == chosen, "-chosen")
            if row.has_class("-target") != (level == target):
                row.set_class(level == target, "-target")
            marker = "▶" if level == chosen else ("◆" if level == target else " ")
            row.query_one(".level-mark", Static).update(f"{marker} {level}")
            row.query_one(".level-text", Static).update(line(descriptor))
        self.query_one("#meta", Static).update(self._meta(answer, show_private))

    @staticmethod
    def _meta(answer: Answer, show_private: bool) -> Text:
        """The room's answer and its notes. Private notes and the flag only when asked for: this
        screen is often the one on the projector."""
        state = {
            AnswerStatus.LEVEL: f"Level {answer.level}",
            AnswerStatus.UNKNOWN: "Unknown (scores 0 and is listed as a gap)",
            AnswerStatus.NOT_APPLICABLE: "Not applicable",
            None: "Not answered yet",
        }[answer.status]
        text = Text.assemble(("Answer  ", "bold"), state)
        if answer.confidence:
            text.append(f"   confidence {answer.confidence.value}")
        if answer.flagged and show_private:
            text.append("   ⚑ follow up", "bold magenta")
        fields = [("Reason", answer.reason), ("Evidence", answer.evidence), ("Note", answer.note)]
        if show_private:
            fields.append(("Private", answer.private_note))
        for label, value in fields:
            if value:
                text.append("\n")
                text.append_text(Text.assemble((f"{label}  ", "bold"), line(value, 300)))
        return text
