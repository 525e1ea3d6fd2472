"""The current question, large: prompt, the five level descriptors, guidance, and the room's answer."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from workshop.questionnaire import Located
from workshop.session import Answer, AnswerStatus


class QuestionView(VerticalScroll):
    """Not focusable, so every key reaches the walk-through's bindings."""

    can_focus = False

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs")
        yield Static(id="prompt")
        yield Static(id="guidance")
        yield Static(id="levels")
        yield Static(id="meta")

    def show(self, located: Located, answer: Answer, target: int, number: int, total: int,
             guidance: bool) -> None:
        question = located.question
        crumbs = Text.assemble(
            (located.set.title, "bold"), "  ›  ", located.section.title,
            f"   question {number} of {total}   weight {question.weight}   target {target}",
        )
        if question.gate:
            crumbs.append("   GATE", "bold reverse")
        self.query_one("#crumbs", Static).update(crumbs)
        self.query_one("#prompt", Static).update(Text(question.prompt))
        guidance_widget = self.query_one("#guidance", Static)
        guidance_widget.update(Text.assemble(("Why it matters  ", "bold"), question.guidance))
        guidance_widget.display = guidance
        self.query_one("#levels", Static).update(self._levels(question.levels, answer, target))
        self.query_one("#meta", Static).update(self._meta(answer))

    @staticmethod
    def _levels(levels: tuple[str, ...], answer: Answer, target: int) -> Table:
        """Each level on its own row, wrapped descriptors aligned; the room's level highlighted."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=2)
        grid.add_column(width=1)
        grid.add_column(ratio=1)
        chosen = answer.level if answer.status is AnswerStatus.LEVEL else None
        for level, descriptor in enumerate(levels):
            style = "bold reverse" if level == chosen else ""
            grid.add_row(
                Text("▶" if level == chosen else ("◆" if level == target else ""), style="bold"),
                Text(str(level), style="bold"),
                Text(descriptor, style=style),
            )
        grid.add_row("", "", Text("◆ marks the target level", style="dim"))
        return grid

    @staticmethod
    def _meta(answer: Answer) -> Text:
        state = {
            AnswerStatus.LEVEL: f"Level {answer.level}",
            AnswerStatus.UNKNOWN: "Unknown (scores 0 and is listed as a gap)",
            AnswerStatus.NOT_APPLICABLE: "Not applicable",
            None: "Not answered yet",
        }[answer.status]
        text = Text.assemble(("Answer  ", "bold"), state)
        if answer.confidence:
            text.append(f"   confidence {answer.confidence.value}")
        if answer.flagged:
            text.append("   ⚑ follow up", "bold magenta")
        for label, value in (("Reason", answer.reason), ("Evidence", answer.evidence),
                             ("Note", answer.note), ("Private", answer.private_note)):
            if value:
                shown = " ".join(value.split())
                shown = shown if len(shown) <= 300 else shown[:299] + "…"
                text.append("\n")
                text.append_text(Text.assemble((f"{label}  ", "bold"), shown))
        return text
