"""The one place where text typed by people becomes safe Markdown, HTML-free and structure-free.

Everything a person typed (notes, evidence, reasons, names, organisation, and the question sets'
own text, which users can write too) goes through `inline`, `cell`, `paragraph` or `code_text`
before it reaches an export. The Markdown stays readable as plain text: only characters that
could change the document are escaped.

- `<` `>` become `&lt;` `&gt;`, and `&` becomes `&amp;` where it would start an entity, so no
  renderer (even one with raw HTML on) sees a tag;
- backslash, backtick, `*`, `_`, `[`, `]`, `|` and `~` get a backslash: no code span, emphasis,
  link, image, table cell or strikethrough can start;
- a block marker at the start (`#`, `>`, `-`, `+`, `=`, `1. `, `1) `) is escaped, leading spaces
  dropped: the text cannot become a heading, quote, list, rule or code block;
- control and invisible bidirectional characters go; line breaks become spaces in `inline` and
  `cell` and escaped hard breaks in `paragraph`;
- long text is cut, with TRUNCATED as the marker (cells are cut shorter than paragraphs).
"""

from __future__ import annotations

import re

# Re-exported for the renderers: the cleaning itself lives in workshop.text.
from workshop.text import clean as clean
from workshop.text import collapse_spaces
from workshop.text import one_line as one_line

CELL_LIMIT = 160
INLINE_LIMIT = 2_000
PARAGRAPH_LIMIT = 10_000
TRUNCATED = "… (truncated)"

_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_BLOCK_START = re.compile(r"^(?:([#>+=-])|(\d{1,9})([.)])(?=\s|$))")  # "1.0" is no list item


def truncate(text: str, limit: int | None, marker: str = TRUNCATED) -> str:
    """At most `limit` characters, the marker included, when the text had to be cut."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))].rstrip() + marker


def _escape(text: str) -> str:
    text = _ENTITY_START.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _BLOCK_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text)


def inline(text: str, limit: int | None = INLINE_LIMIT) -> str:
    """Text for a heading, a list item or a sentence: one line, escaped."""
    return _escape(truncate(one_line(text), limit))


def cell(text: str, limit: int | None = CELL_LIMIT) -> str:
    """Text for a table cell: one line, escaped (pipes included), cut at `limit` characters."""
    return _escape(truncate(one_line(text), limit))


def paragraph(text: str, indent: str = "", limit: int | None = PARAGRAPH_LIMIT) -> str:
    """Multi-line text kept as lines joined by hard breaks; blank lines dropped so the block
    stays one paragraph. `indent` goes before every line after the first (for list items)."""
    lines = [collapse_spaces(line).strip() for line in truncate(clean(text), limit).split("\n")]
    escaped = [_escape(line) for line in lines if line]
    return ("\\\n" + indent).join(escaped)


def code_text(text: str, limit: int | None = 40) -> str:
    """Text inside a fenced code block: one line, no backticks (which could close the fence)."""
    return truncate(one_line(text), limit, "…").replace("`", "'")
