"""A list of marked items with hanging indents, drawn by one widget.

The dashboard's reasons, blockers and top actions are lists of a mark ("•", "■", "#12") and a few
lines of text. Made of a row of small widgets each, a list of ten costs thirty widgets to lay out
on every change (six hundred for a 5,000-question bank); drawn here, it costs one. Text is Textual
Content, so theme styles such as `$text-muted` follow the theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget


@dataclass(frozen=True)
class Item:
    """One entry: its mark, its first line and the lines under it (each wrapped to the list's width).

    `short`, when given, is the whole entry on one line for a narrow list: the first line cut short,
    with an ellipsis, to leave room for `short` at its end.
    """

    mark: Content
    first: Content
    more: tuple[Content, ...] = ()
    short: Content | None = None

    @property
    def plain(self) -> str:
        return "\n".join(text.plain for text in (self.first, *self.more))


class BulletList(Widget):
    DEFAULT_CSS = """
    BulletList {
        height: auto;
    }
    """

    def __init__(self, mark_width: int = 2, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.mark_width = mark_width
        self.items: tuple[Item, ...] = ()
        self.empty = ""
        self.one_line = False  # each item that has a `short` form on a single line

    def set_items(self, items: Sequence[Item], empty: str = "", *, one_line: bool = False) -> None:
        self.items, self.empty, self.one_line = tuple(items), empty, one_line
        self.refresh(layout=True)

    @property
    def lines_per_item(self) -> list[int]:
        """How many lines each item takes at the list's width (the dashboard's tests read it)."""
        return [len(self._lines(item)) for item in self.items]

    def render(self) -> Content:
        if not self.items:
            return Content.styled(self.empty, "$text-muted")
        return Content("\n").join(line for item in self.items for line in self._lines(item))

    def _lines(self, item: Item) -> list[Content]:
        room = max(10, (self.size.width or 80) - self.mark_width)
        mark = item.mark.truncate(self.mark_width, pad=True)
        if self.one_line and item.short is not None:
            first = item.first.truncate(max(10, room - item.short.cell_length - 2), ellipsis=True)
            return [(mark + first + "  " + item.short).truncate(room + self.mark_width, ellipsis=True)]
        wrapped = [line for text in (item.first, *item.more) for line in text.wrap(room)]
        indent = Content(" " * self.mark_width)
        return [(mark if i == 0 else indent) + line for i, line in enumerate(wrapped)]
