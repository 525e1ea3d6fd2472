"""The escaping module on its own: what each kind of text turns into."""

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from workshop.export.escape import TRUNCATED, cell, code_text, inline, one_line, paragraph

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
        ("&amp;", "\\&amp;"),
        ("<script>", "\\<script>"),
        ("[x](javascript:y)", "[x\\](javascript:y)"),
        ("[ref]: javascript:y", "[ref\\]: javascript:y"),
        ("`code` *em* _em_ ~~s~~", "\\`code\\` \\*em\\* \\_em\\_ \\~\\~s\\~\\~"),
        ("back\\slash", "back\\slash"),  # a backslash before a letter escapes nothing
        ("end\\", "end\\\\"),
        ("a \\* b", "a \\\\* b"),
        # plain text stays plain: only what would change the document is escaped
        ("A&E target <4h; costs ~£30k * 2 sites, file #3_final", "A&E target <4h; costs ~£30k * 2 sites, file #3_final"),
        ("x < y > z, 3 > 2", "x < y > z, 3 > 2"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2\\*3\\*4"),
        ("*starts and ends*", "\\*starts and ends\\*"),
        ("a **bold** claim", "a \\*\\*bold\\*\\* claim"),
        ("#3_final", "#3_final"),
        ("## heading", "\\## heading"),
        ("+1 from IT", "+1 from IT"),
        ("+ item", "\\+ item"),
        ("***", "\\*\\*\\*"),
        ("---", "\\---"),
        ("Acme #", "Acme \\#"),
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


ALPHABET = [*list("ab1 *_~`|[]()<>&#;!\\-+=.:/\n\t"), "£", "é", "&amp;", "<b>", "](", "javascript:", "&#60;"]
JS = MarkdownIt("js-default")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join))
def test_any_text_reads_back_exactly_as_typed(text):
    expected = html.escape(one_line(text), quote=False)
    for md in (MD, JS):
        assert md.renderInline(inline(text)).replace("&quot;", '"') == expected
        assert md.renderInline(cell(text)).replace("&quot;", '"') == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join))
def test_any_text_stays_one_paragraph(text):
    out = paragraph(text, indent="  ")
    for md in (MD, JS):
        tokens = [t.type for t in md.parse("- " + out) if t.type != "inline"] if out else []
        assert tokens in ([], ["bullet_list_open", "list_item_open", "paragraph_open", "paragraph_close",
                               "list_item_close", "bullet_list_close"]), (out, tokens)
        rendered = md.render("- " + out) if out else ""
        assert "<a " not in rendered and "<b>" not in rendered and "<em>" not in rendered and "<s>" not in rendered


@pytest.mark.parametrize("text", ["_*\na*a", "a*\n*b", "x~\n~y", "a_\n_b"])
def test_a_line_break_never_lets_a_delimiter_pair_up_across_it(text):
    """Found by hypothesis: the hard break's backslash made a run beside it an opener."""
    out = paragraph(text, indent="  ")
    for md in (MD, JS):
        assert "<em>" not in md.render("- " + out) and "<s>" not in md.render("- " + out), out
