"""The escaping module on its own: what each kind of text turns into."""

import pytest
from markdown_it import MarkdownIt

from workshop.export.escape import TRUNCATED, cell, code_text, inline, paragraph

MD = MarkdownIt("commonmark").enable("table")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("version 1.0", "version 1.0"),
        ("1.0 beta", "1.0 beta"),
        ("1. item", "1\\. item"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("a | b", "a \\| b"),
        ("R&D", "R&D"),
        ("&amp;", "&amp;amp;"),
        ("<script>", "&lt;script&gt;"),
        ("[x](javascript:y)", "\\[x\\](javascript:y)"),
        ("`code` *em* _em_ ~~s~~", "\\`code\\` \\*em\\* \\_em\\_ \\~\\~s\\~\\~"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines\r\nhere", "two lines here"),
        ("   # indented", "\\# indented"),
        ("nul\x00 esc\x1b bidi\u202e", "nul esc bidi"),
    ],
)
def test_inline(text, expected):
    assert inline(text) == expected


@pytest.mark.parametrize("text", ["a | b", "<b>x</b> & y", "# not a heading", "[x](javascript:1)", "`a|b`", "\\"])
def test_inline_renders_as_the_text_typed(text):
    html = MD.renderInline(inline(text))
    expected = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert html == expected


def test_cell_is_cut_with_a_marker():
    text = "x" * 500
    out = cell(text, 100)
    assert len(out) == 100
    assert out.endswith(TRUNCATED)


def test_paragraph_keeps_lines_as_hard_breaks():
    out = paragraph("one\n\n# two\n  - three", indent="  ")
    assert out == "one\\\n  \\# two\\\n  \\- three"
    html = MD.render("- " + out)
    assert "<h1>" not in html and html.count("<li>") == 1 and html.count("<br />") == 2


def test_code_text_cannot_close_a_fence():
    assert code_text("```x```\ny", 40) == "'''x''' y"
    assert code_text("a" * 50, 10) == "a" * 9 + "…"
