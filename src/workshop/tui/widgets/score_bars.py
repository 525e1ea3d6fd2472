"""Horizontal score bars: one labelled row per score, with an optional target mark.

    bars = ScoreBars(id="set-bars")
    bars.bars = (Bar("Business", 26.4, target=75, value_text="26 of 75", note="weakest: Cost"),)

The widget only draws what it is given: the caller (a screen reading the analysis) decides the
values, the texts and the scale. Rows fit any width: the note is dropped before the bar gets
shorter than NOTE_BAR cells, and the bar never gets shorter than MIN_BAR.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

MIN_BAR = 10
NOTE_BAR = 30  # notes are shown only when the bar can still be this wide
MAX_BAR = 60
MAX_LABEL = 18
EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
TARGET_MARK = "┃"


@dataclass(frozen=True)
class Bar:
    """One row: `value` and `target` on the widget's scale (0 to `maximum`); None value: nothing to draw."""

    label: str
    value: float | None
    target: float | None = None
    value_text: str = ""
    note: str = ""
    empty_text: str = "nothing applicable"


def _clip(text: str, width: int) -> str:
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class ScoreBars(Widget):
    """Labelled horizontal bars drawn with block characters, coloured by the theme."""

    DEFAULT_CSS = """
    ScoreBars {
        height: auto;
        width: 1fr;
    }
    ScoreBars > .score-bars--label {
        text-style: bold;
    }
    ScoreBars > .score-bars--fill {
        color: $primary;
    }
    ScoreBars > .score-bars--empty {
        color: $foreground 12%;
    }
    ScoreBars > .score-bars--target {
        color: $warning;
        text-style: bold;
    }
    ScoreBars > .score-bars--value {
        text-style: bold;
    }
    ScoreBars > .score-bars--note {
        color: $foreground-muted;
    }
    """

    COMPONENT_CLASSES = {
        "score-bars--label",
        "score-bars--fill",
        "score-bars--empty",
        "score-bars--target",
        "score-bars--value",
        "score-bars--note",
    }

    bars: reactive[tuple[Bar, ...]] = reactive((), layout=True)

    def __init__(
        self,
        bars: tuple[Bar, ...] = (),
        *,
        maximum: float = 100.0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.maximum = maximum
        self.set_reactive(ScoreBars.bars, tuple(bars))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.bars))

    def render(self) -> Content:
        if not self.bars:
            return Content("")
        width = self.content_size.width
        label_w = min(MAX_LABEL, max(len(b.label) for b in self.bars))
        value_w = max(len(b.value_text) for b in self.bars)
        note_w = max(len(b.note) for b in self.bars)
        fixed = label_w + 1 + 1 + value_w  # label, space, bar, space, value
        show_notes = note_w > 0 and width - fixed - 2 - note_w >= NOTE_BAR
        bar_w = width - fixed - (2 + note_w if show_notes else 0)
        bar_w = max(MIN_BAR, min(MAX_BAR, bar_w))
        lines = [self._row(bar, label_w, bar_w, value_w, show_notes) for bar in self.bars]
        return Content("\n").join(lines)

    def _style(self, name: str):
        return self.get_visual_style(f"score-bars--{name}", partial=True)

    def _row(self, bar: Bar, label_w: int, bar_w: int, value_w: int, show_notes: bool) -> Content:
        parts: list[Content | tuple[str, object] | str] = [
            (_clip(bar.label, label_w).ljust(label_w), self._style("label")),
            " ",
        ]
        if bar.value is None:
            parts.append((_clip(bar.empty_text, bar_w).ljust(bar_w), self._style("note")))
        else:
            parts.extend(self._bar(bar.value, bar.target, bar_w))
        parts.append(" ")
        parts.append((bar.value_text.rjust(value_w), self._style("value")))
        if show_notes and bar.note:
            parts.append("  ")
            parts.append((bar.note, self._style("note")))
        return Content.assemble(*parts)

    def _cells(self, fraction: float, width: int) -> str:
        """`fraction` of `width` cells in block characters, to an eighth of a cell."""
        eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
        full, rest = divmod(eighths, 8)
        return FULL * full + (EIGHTHS[rest] if rest else "")

    def _bar(self, value: float, target: float | None, width: int) -> list[tuple[str, object]]:
        scale = self.maximum or 1.0
        filled = self._cells(value / scale, width)
        cells = list(filled.ljust(width))
        kinds = ["fill" if i < len(filled) else "empty" for i in range(width)]
        for i in range(len(filled), width):
            cells[i] = FULL
        if target is not None:
            mark = min(width - 1, max(0, round(target / scale * width) - 1))
            cells[mark] = TARGET_MARK
            kinds[mark] = "target"
        runs: list[tuple[str, object]] = []
        for i, kind in enumerate(kinds):
            if runs and kinds[i - 1] == kind:
                runs[-1] = (runs[-1][0] + cells[i], runs[-1][1])
            else:
                runs.append((cells[i], kind))
        return [(text, self._style(kind)) for text, kind in runs]
