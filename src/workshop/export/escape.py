"""The one place where text typed by people becomes safe Markdown: HTML-free and structure-free.

Everything a person typed (notes, evidence, reasons, names, organisation, and the question sets'
own text, which users can write too) goes through `inline`, `cell`, `paragraph` or `code_text`
before it reaches a Markdown export. The result must read cleanly as plain text (an e-mail body),
so only what would change the document is escaped, each with a backslash:

- `<` only where it could open a tag, a comment or an autolink (before a letter, `/`, `!` or `?`),
  and `&` only where it would start an entity: no renderer, even one with raw HTML on, sees a tag;
  `A&E target <4h` stays as it is;
- `]` only before `(`, `[` or `:`, so no link, image or link reference can form;
- backticks and `|` always (a code span or a table cell could swallow our own text);
- `*`, `_` and `~` only where they could really open or close emphasis or strikethrough: runs at
  either end of the text, and pairs of runs that flank words the way CommonMark requires. `* 2`,
  `~£30k` and `#3_final` stay as they are;
- a backslash only before punctuation (where it would escape something) or at the end;
- a block marker at the start of a line (`#`, `>`, `-`, `+`, `=`, `*`, `_`, `~`, `1.`, `1)`),
  leading spaces dropped: no heading, quote, list, rule, fence or indented code;
- control and invisible bidirectional characters go; line breaks become spaces in `inline` and
  `cell`, and hard breaks in `paragraph`;
- long text is cut, with TRUNCATED as the marker (cells shorter than paragraphs; callers rendering
  HTML, where there is room, pass `limit=None` for the question sets' own text).
"""

from __future__ import annotations

import re
import unicodedata

# Re-exported for the renderers: the cleaning itself lives in workshop.text.
from workshop.text import clean as clean
from workshop.text import collapse_spaces
from workshop.text import one_line as one_line

CELL_LIMIT = 160
INLINE_LIMIT = 2_000
PARAGRAPH_LIMIT = 10_000
TRUNCATED = "… (truncated)"

_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_LINK_CLOSE = re.compile(r"\](?=[(\[:])")
_ALWAYS = re.compile(r"([`|])")
# What makes a line a block: an ATX heading, a quote, a bullet, a thematic break, a setext underline,
# a tilde fence or an ordered list item ("1.0 beta" and "#3_final" are none of these); and a run of
# dashes or underscores, which after a list marker of ours would make a rule.
_BLOCK_START = re.compile(
    r"^(?:(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|([-*_])(?:\s*\2){2,}\s*$|=+\s*$|~{3,}|-{2,}|_{2,})"
    r"|(\d{1,9})([.)])(?=\s|$))"
)
_HEADING_CLOSE = re.compile(r"(?<= )(#+)$")
_ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_DELIMITERS = "*_~"


def truncate(text: str, limit: int | None, marker: str = TRUNCATED) -> str:
    """At most `limit` characters, the marker included, when the text had to be cut."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))].rstrip() + marker


def _space(ch: str | None) -> bool:
    return ch is None or ch.isspace()


def _punct(ch: str | None) -> bool:
    return ch is not None and (ch in _ASCII_PUNCTUATION or unicodedata.category(ch)[0] in "PS")


def _delimiter_runs_to_escape(text: str) -> set[int]:
    """Positions of `*`, `_` and `~` that could open or close emphasis or strikethrough.

    CommonMark's flanking rules decide what each run can do. A run at either end of the text, or of
    one of its lines, is escaped whatever it is (it sits next to our own Markdown); inside, a kind of
    delimiter is escaped only when an opener is followed by a closer, since a lone one changes nothing.
    """
    escape: set[int] = set()
    runs: dict[str, list[tuple[int, int, bool, bool]]] = {c: [] for c in _DELIMITERS}
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch not in _DELIMITERS:
            i += 1
            continue
        j = i
        while j < n and text[j] == ch:
            j += 1
        prev = text[i - 1] if i > 0 else None
        nxt = text[j] if j < n else None
        # A line break becomes a hard break ("\" + newline) in the document: the backslash beside
        # a run changes what the run can do, so a run at a line's end or start counts as at an end.
        if prev in (None, "\n") or nxt in (None, "\n"):
            escape.update(range(i, j))
            runs[ch].append((i, j, True, True))  # it also pairs with a run inside
        else:
            left = not _space(nxt) and (not _punct(nxt) or _space(prev) or _punct(prev))
            right = not _space(prev) and (not _punct(prev) or _space(nxt) or _punct(nxt))
            if ch == "_":
                opens, closes = left and (not right or _punct(prev)), right and (not left or _punct(nxt))
            else:
                opens, closes = left, right
            runs[ch].append((i, j, opens, closes))
        i = j
    for found in runs.values():
        first_opener = next((start for start, _, opens, _ in found if opens), None)
        if first_opener is not None and any(closes and start > first_opener for start, _, _, closes in found):
            for start, end, opens, closes in found:
                if opens or closes:
                    escape.update(range(start, end))
    return escape


_SLOW_PATH = re.compile(r"[\\*_~]")  # what needs the character-by-character pass


def _escape(text: str, line_start: bool = True) -> str:
    """Escape one text (line breaks, if any, are '\\n'); `line_start`: each line can start a block."""
    escaped = text
    if _SLOW_PATH.search(text):
        delimiters = _delimiter_runs_to_escape(text) if any(c in text for c in _DELIMITERS) else set()
        out: list[str] = []
        for i, ch in enumerate(text):
            if ch == "\\":
                nxt = text[i + 1] if i + 1 < len(text) else None
                out.append("\\\\" if nxt is None or nxt == "\n" or nxt in _ASCII_PUNCTUATION else "\\")
            elif i in delimiters:
                out.append("\\" + ch)
            else:
                out.append(ch)
        escaped = "".join(out)
    if "&" in escaped:
        escaped = _ENTITY.sub(r"\\&", escaped)
    if "<" in escaped:
        escaped = _TAG_START.sub(r"\\<", escaped)
    if "]" in escaped:
        escaped = _LINK_CLOSE.sub(r"\\]", escaped)
    escaped = _ALWAYS.sub(r"\\\1", escaped)
    if line_start:
        escaped = "\n".join(_block_start(line) for line in escaped.split("\n"))
    return escaped


def _block_start(line: str) -> str:
    def repl(m: re.Match[str]) -> str:
        return "\\" + m.group(1) if m.group(1) else m.group(3) + "\\" + m.group(4)

    return line if line.startswith("\\") else _BLOCK_START.sub(repl, line)


def inline(text: str, limit: int | None = INLINE_LIMIT) -> str:
    """Text for a heading, a list item or a sentence: one line, escaped."""
    escaped = _escape(truncate(one_line(text), limit))
    return _HEADING_CLOSE.sub(lambda m: "\\" + m.group(1), escaped)  # 'Acme #' would lose its '#' in a heading


def cell(text: str, limit: int | None = CELL_LIMIT) -> str:
    """Text for a table cell: one line, escaped (pipes included), cut at `limit` characters."""
    return _escape(truncate(one_line(text), limit), line_start=False)  # a cell holds no block


def paragraph(text: str, indent: str = "", limit: int | None = PARAGRAPH_LIMIT) -> str:
    """Multi-line text kept as lines joined by hard breaks; blank lines dropped so the block
    stays one paragraph. `indent` goes before every line after the first (for list items)."""
    lines = [collapse_spaces(line).strip() for line in truncate(clean(text), limit).split("\n")]
    escaped = _escape("\n".join(line for line in lines if line))
    return ("\\\n" + indent).join(escaped.split("\n")) if escaped else ""


def code_text(text: str, limit: int | None = 40) -> str:
    """Text inside a fenced code block: one line, no backticks (which could close the fence)."""
    return truncate(one_line(text), limit, "…").replace("`", "'")
