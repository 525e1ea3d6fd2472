"""The current question, large: prompt, the five level descriptors, guidance, and the room's answer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from workshop.questionnaire import LEVELS, Located
from workshop.session import Answer, AnswerStatus
from workshop.tui.safe import line, show


class LevelList(Widget):
    """The five level descriptors, the chosen one highlighted and the target marked.

    One widget that wraps and draws the five levels itself, rather than sixteen small ones: a key
    that changes the level then costs one repaint, not a new layout of the screen.
    """

    COMPONENT_CLASSES = {"level-list--mark", "level-list--target", "level-list--chosen", "level-list--legend"}
    MARK = 5  # cells for "▶ 3" and its gap

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.descriptors: tuple[str, ...] = ()
        self.chosen: int | None = None
        self.target: int | None = None

    def set_levels(self, descriptors: tuple[str, ...], chosen: int | None, target: int) -> None:
        if (descriptors, chosen, target) == (self.descriptors, self.chosen, self.target):
            return
        relayout = descriptors != self.descriptors  # new text wraps to a new height; a new choice does not
        self.descriptors, self.chosen, self.target = descriptors, chosen, target
        self.refresh(layout=relayout)

    def render(self) -> Text:
        mark = self.get_component_rich_style("level-list--mark")
        target_mark = self.get_component_rich_style("level-list--target")
        chosen_text = self.get_component_rich_style("level-list--chosen")
        width = max(self.MARK + 10, self.size.width or 80)
        out = Text()
        for level, descriptor in zip(LEVELS, self.descriptors, strict=False):
            marker = "▶" if level == self.chosen else ("◆" if level == self.target else " ")
            lines = line(descriptor).wrap(self.app.console, width - self.MARK)
            for number, wrapped in enumerate(lines):
                label = f"{marker} {level}" if number == 0 else ""
                out.append(label.ljust(self.MARK), target_mark if level == self.target else mark)
                if level == self.chosen:
                    wrapped.stylize(chosen_text)
                out.append_text(wrapped)
                out.append("\n")
        out.append(" " * self.MARK + "◆ marks the target level", self.get_component_rich_style("level-list--legend"))
        return out


class QuestionView(VerticalScroll):
    """Not focusable, so every key reaches the walk-through's bindings."""

    can_focus = False

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs")
        yield Static(id="prompt")
        yield Static(id="guidance")
        yield LevelList(id="levels")
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
        show(self.query_one("#crumbs", Static), crumbs)
        show(self.query_one("#prompt", Static), line(question.prompt))
        guidance_widget = self.query_one("#guidance", Static)
        show(guidance_widget, Text.assemble(("Why it matters  ", "bold"), line(question.guidance)))
        guidance_widget.display = guidance
        chosen = answer.level if answer.status is AnswerStatus.LEVEL else None
        self.query_one(LevelList).set_levels(question.levels, chosen, target)
        show(self.query_one("#meta", Static), self._meta(answer, show_private))

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
