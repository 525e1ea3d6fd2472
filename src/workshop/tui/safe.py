"""Text from people or files, made fit to draw: never markup, never a control sequence.

Textual and Rich parse a plain `str` as markup in many places (labels, statics, tree nodes, check
boxes, notifications), and neither drops the escape character, so `[@click=app.quit]` in a name
would become a live link and an OSC sequence in a title would rename the terminal. Every widget
that shows user or file text gets it through one of these, which clean it with the one cleaner
(`workshop.text`) and wrap it so it is drawn as typed.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from workshop.text import clean, one_line, shorten


def line(text: object, limit: int | None = None, style: str = "") -> Text:
    """One line of user text as Rich Text (for tables, trees, check boxes, assembled texts)."""
    value = one_line("" if text is None else str(text))
    return Text(value if limit is None else shorten(value, limit), style=style)


def lines(text: object, style: str = "") -> Text:
    """User text that keeps its line breaks (notes), as Rich Text."""
    return Text(clean("" if text is None else str(text)), style=style)


def content(text: object, limit: int | None = None) -> Content:
    """One line of user text as Textual Content (for Static.update, Label, titles)."""
    value = one_line("" if text is None else str(text))
    return Content(value if limit is None else shorten(value, limit))


def string(text: object, limit: int | None = None) -> str:
    """One clean line as a plain str, for places that treat it as a literal (titles, notifications)."""
    value = one_line("" if text is None else str(text))
    return value if limit is None else shorten(value, limit)


def show(widget: Static, text: Text | Content, *, fixed_size: bool = False) -> None:
    """Put `text` in a Static, doing only the work the change needs.

    Static.update lays the whole screen out again. A key in the walk-through changes a few words in
    a dozen widgets: the same text is not redrawn at all, and a change of style only, or any change
    in a widget whose size the stylesheet fixes (`fixed_size`), is redrawn without a new layout.
    """
    previous = getattr(widget, "_workshop_shown", None)
    if previous is not None and previous == text:
        return
    widget._workshop_shown = text  # type: ignore[attr-defined]
    widget.update(text, layout=not (fixed_size or (previous is not None and previous.plain == text.plain)))
