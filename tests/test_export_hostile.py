"""Text typed by people cannot break a table, change the document's structure or inject HTML.

The same session is exported twice: once with plain words everywhere people type, once with
hostile text (pipes, newlines, HTML, javascript links, backticks, Markdown markers, a 50 kB
paste). The block structure must be identical, and no renderer may see a tag or a link.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from markdown_it import MarkdownIt

from workshop.analysis import analyse
from workshop.export import render_csv, render_html, render_json, render_markdown
from workshop.export.escape import CELL_LIMIT, one_line, truncate

from factories import (
    HOSTILE,
    HOSTILE_PRIVATE,
    PASTE,
    SHORT,
    answer,
    block_structure,
    build,
    parse_tables,
    source_cell_counts,
)

PRIVATE = HOSTILE_PRIVATE
FORBIDDEN = ("<script", "<img", 'href="javascript', "<a ", "<b>", "<!--")


@pytest.fixture(scope="module")
def sessions():
    return build("plain words", "plain words", "Plain"), build(HOSTILE, PASTE, SHORT)


@pytest.mark.parametrize("audience", ["participants", "facilitator"])
@pytest.mark.parametrize("preset", ["commonmark", "js-default"])
def test_structure_is_the_same_as_with_plain_text(sessions, audience, preset):
    plain, hostile = sessions
    plain_md = render_markdown(plain, analyse(plain), audience)
    hostile_md = render_markdown(hostile, analyse(hostile), audience)
    assert block_structure(hostile_md, preset) == block_structure(plain_md, preset)


@pytest.mark.parametrize("audience", ["participants", "facilitator"])
@pytest.mark.parametrize("preset", ["commonmark", "js-default"])
def test_no_html_or_link_from_user_text(sessions, audience, preset):
    _, hostile = sessions
    md = render_markdown(hostile, analyse(hostile), audience)
    html = MarkdownIt(preset).render(md)
    for bad in FORBIDDEN:
        assert bad not in html
    assert "<h1>" in html and html.count("<h1>") == 1  # only the title is a top-level heading
    assert "<blockquote>" not in html


def test_tables_keep_their_cells(sessions):
    _, hostile = sessions
    md = render_markdown(hostile, analyse(hostile), "facilitator")
    assert all(header == cells for header, cells in source_cell_counts(md))
    tables = parse_tables(md)
    for table in tables:
        assert all(len(row) == len(table["header"]) for row in table["rows"])
    # the text reads back exactly as typed (on one line, cut with a marker)
    (answers,) = [t for t in tables if t["header"][:2] == ["Section", "Question"]]
    rows = {row[5]: row for row in answers["rows"]}  # by the facilitator's id column
    assert rows["a.na"][4] == "not applicable: " + truncate(one_line(PASTE), 200)
    assert rows["a.gate"][1] == truncate(one_line(HOSTILE), 160)
    assert answers["rows"][0][0] == truncate(one_line(HOSTILE), 160)  # the section's title
    votes = next(t for t in tables if t["heading"] == "Votes per participant")
    assert votes["header"][:3] == ["Question", "P1", "P2"]
    assert f"P1 {one_line(SHORT)} ({one_line(SHORT)})" in _plain_text(md)


def _plain_text(markdown: str) -> str:
    """The document's text as a reader sees it: every inline token's plain content."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    return "\n".join(
        "".join(c.content for c in t.children or [] if c.type in ("text", "code_inline")) for t in tokens
        if t.type == "inline"
    )


def test_long_pastes_are_cut(sessions):
    _, hostile = sessions
    md = render_markdown(hostile, analyse(hostile), "facilitator")
    assert len(PASTE) > 50_000
    assert len(md) < 80_000
    assert max(len(line) for line in md.splitlines() if line.startswith("|")) < 10 * CELL_LIMIT
    assert "… (truncated)" in md


def test_html_export_is_inert(sessions):
    _, hostile = sessions
    for audience in ("participants", "facilitator"):
        html = render_html(hostile, analyse(hostile), audience)
        body = html.split("<body>", 1)[1]
        for bad in FORBIDDEN:
            assert bad not in body
        assert not re.search(r"<(?!/?(?:main|article|div|section|h[1-4]|p|ul|ol|li|table|thead|tbody|tr|th|td|strong|em|"
                             r"code|pre|br|figure|figcaption|svg|g|line|text|rect|title|/?)[ >/])", body)
        assert '<article class="summary-page">' in body
    assert PRIVATE not in render_html(hostile, analyse(hostile), "participants")


def test_json_keeps_the_text_exactly(sessions):
    _, hostile = sessions
    document = json.loads(render_json(hostile, analyse(hostile), "facilitator"))
    assert document["session"]["organisation"] == HOSTILE
    answers = {a["question_id"]: a for a in document["answers"]}
    assert answers["a.gate"]["note"] == PASTE
    participants = render_json(hostile, analyse(hostile), "participants")
    assert PRIVATE not in participants
    assert "private_note" not in participants


def test_csv_rows_stay_rectangular_and_formulas_are_defused():
    session = build(HOSTILE, PASTE, SHORT)
    session = session.model_copy(
        update={
            "answers": {
                **session.answers,
                "a.two": answer("a.two", 1, note="=HYPERLINK(\"http://x\")", evidence="+1", reason="@SUM(A1)"),
            }
        }
    )
    rows = list(csv.reader(io.StringIO(render_csv(session, analyse(session), "facilitator"))))
    header = rows[0]
    assert all(len(row) == len(header) for row in rows)
    a_two = next(r for r in rows if r[header.index("question_id")] == "a.two")
    assert a_two[header.index("note")] == "'=HYPERLINK(\"http://x\")"
    assert a_two[header.index("evidence")] == "'+1"
    assert a_two[header.index("reason")] == "'@SUM(A1)"
    a_gate = next(r for r in rows if r[header.index("question_id")] == "a.gate")
    assert a_gate[header.index("note")] == PASTE  # newlines kept inside a quoted cell
    assert PRIVATE not in render_csv(session, analyse(session), "participants")


def test_hostile_history_entries():
    import datetime as dt

    from workshop.session import HistoryEntry

    session = build("plain words", "plain words", "Plain")
    history = [
        HistoryEntry(question_id="x|`y`<img src=x onerror=1>", field="<script>|", old_value=HOSTILE,
                     new_value=PASTE, changed_at=dt.datetime(2026, 11, 22, 9)),
        HistoryEntry(question_id="a.gate", field="level", old_value="1 | 2", new_value="<img src=x>",
                     changed_at=dt.datetime(2026, 11, 22, 10)),
    ]
    md = render_markdown(session, analyse(session), "facilitator", history)
    assert all(header == cells for header, cells in source_cell_counts(md))
    for preset in ("commonmark", "js-default"):
        html = MarkdownIt(preset).render(md)
        for bad in FORBIDDEN:
            assert bad not in html
    (table,) = [t for t in parse_tables(md) if t["heading"] == "Answer history"]
    assert [row[0] for row in table["rows"]] == ["a.gate", "x|`y`<img src=x onerror=1>"]
    assert table["rows"][0][3] == "1 | 2 → <img src=x>"


@pytest.mark.parametrize("text", ["=1+1", " =1+1", "\t=1+1", "  \t +SUM(A1)", "\r\n-2+3", "\u00a0@x", "\n=HYPERLINK(1)"])
def test_csv_formulas_are_defused_on_the_first_non_blank_character(text):
    from workshop.export.csv_export import safe_cell

    out = safe_cell(text)
    assert out.startswith("'"), repr(out)
    assert out[1:].lstrip()[0] in "=+-@"


@pytest.mark.parametrize("text", ["plain", "a=b", "1-2", "email@example.org", " x = 1", ""])
def test_csv_leaves_ordinary_text_alone(text):
    from workshop.export.csv_export import safe_cell

    assert safe_cell(text) == text
    assert safe_cell(-3) == "-3"  # numbers stay numbers
