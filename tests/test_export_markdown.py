"""The Markdown exports, parsed back with markdown-it-py."""

import datetime as dt

import pytest
from markdown_it import MarkdownIt

from workshop.analysis import analyse
from workshop.export import render_comparison, render_markdown
from workshop.session import Confidence, HistoryEntry

from factories import (
    accepted,
    answer,
    make_session,
    parse_tables,
    source_cell_counts,
    table_named,
)

PRIVATE = "PRIVATE-MARKER-7f3a"


def rich_session():
    return make_session(
        answers={
            "a.gate": answer("a.gate", 1, confidence=Confidence.LOW, note="Sponsor away", private_note=PRIVATE),
            "a.plain": answer("a.plain", "unknown", flagged=True),
            "a.two": answer("a.two", 2, evidence="Runbook v2", reason="IT view prevailed"),
            "b.tool": answer("b.tool", 3),
            "b.risk": answer("b.risk", "na", reason="No personal data"),
        },
        votes={"a.two": {1: 0, 2: 3, 3: 2}, "b.tool": {1: 3, 2: 3}},
        decisions={"a.gate.fix": accepted("a.gate.fix", "Jo", dt.date(2026, 12, 1))},
    )


HISTORY = [
    HistoryEntry(question_id="a.gate", field="level", old_value=None, new_value="2",
                 changed_at=dt.datetime(2026, 11, 22, 10, 0)),
    HistoryEntry(question_id="a.gate", field="level", old_value="2", new_value="1",
                 changed_at=dt.datetime(2026, 11, 22, 10, 30)),
    HistoryEntry(question_id="a.gate", field="private_note", old_value=None, new_value=PRIVATE,
                 changed_at=dt.datetime(2026, 11, 22, 10, 31)),
]


@pytest.fixture
def documents():
    session = rich_session()
    analysis = analyse(session)
    return (
        session,
        analysis,
        render_markdown(session, analysis, "participants", HISTORY),
        render_markdown(session, analysis, "facilitator", HISTORY),
    )


def test_verdict_comes_first_after_the_title(documents):
    _, _, md, _ = documents
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings[0] == "# Readiness workshop: Claims triage"
    assert headings[1] == "## Verdict: Not ready"
    assert headings[2] == "## Blockers"
    for needed in ("- **Organisation:** Acme", "- **Date:** 2026-11-22", "Ann (Business sponsor)"):
        assert needed in md


def test_every_row_has_as_many_cells_as_its_header(documents):
    for md in documents[2:]:
        tables = parse_tables(md)
        assert len(tables) >= 5
        for table in tables:
            assert all(len(row) == len(table["header"]) for row in table["rows"]), table["heading"]
        assert all(header == cells for header, cells in source_cell_counts(md))


def test_scores_table_matches_the_analysis(documents):
    _, analysis, md, _ = documents
    table = table_named(md, "Scores per set")
    assert table["header"] == ["Set", "Score", "Target score", "To target", "Weakest section", "Answered"]
    assert [round(s.score) for s in analysis.sets] == [29, 75]
    # alpha: (3x1 + 0 + 2x2)/24 = 29.2 -> 29; to target 1 - (6 + 2 + 4)/19 = 36.8% -> 36%
    assert table["rows"][0] == ["Alpha", "29", "79", "36%", "One (19)", "3 of 3"]
    assert table["rows"][1] == ["Beta", "75", "75", "100%", "Main (75)", "1 of 1"]
    # readiness index (29.17 + 75)/2 = 52.1; to target 1 - 12/25 = 52%
    assert table["rows"][2] == ["Readiness index", "52", "", "52%", "Alpha (29)", "4 of 4"]


def test_gap_table_matches_the_analysis(documents):
    _, analysis, md, _ = documents
    table = table_named(md, "Gaps to target")
    rows = [[row[0], row[3], row[4], row[5]] for row in table["rows"]]
    expected = [[q.question_id, q.level_text, str(q.target), str(q.gap)] for q in analysis.gaps]
    assert rows == expected
    assert rows[0] == ["a.gate", "1", "3", "2"]  # the gate first


def test_misaligned_and_not_applicable(documents):
    _, _, md, _ = documents
    misaligned = table_named(md, "Misaligned questions to settle")
    assert misaligned["rows"] == [["a.two", "Question a.two?", "Ann: 0, Bob: 3, Cy: 2", "3", "2", "IT view prevailed"]]
    na = table_named(md, "Not applicable")
    assert na["rows"] == [["b.risk", "Question b.risk?", "No personal data"]]


def test_action_plan_with_owners_and_due_dates(documents):
    _, _, md, _ = documents
    plan = md.split("## Action plan", 1)[1].split("\n## ", 1)[0]
    assert plan.index("### Before go live") < plan.index("### During rollout") < plan.index("### After launch")
    assert "1. **Do a.gate.fix** (`a.gate.fix`)" in plan
    assert "   - Decided: accepted · owner Jo · due 2026-12-01" in plan
    assert "   - **Verify first:**" in plan
    html = MarkdownIt("commonmark").render(plan)
    assert html.count("<ol") == 3  # one numbered list per horizon


def test_text_chart_is_a_code_block(documents):
    _, _, md, _ = documents
    tokens = MarkdownIt("commonmark").parse(md)
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1
    assert fences[0].content.splitlines()[0].startswith("Alpha            [######")


def test_private_notes_only_for_the_facilitator(documents):
    _, _, participants, facilitator = documents
    assert PRIVATE not in participants
    assert "## Private notes" not in participants
    assert "## Answer history" not in participants
    assert PRIVATE in facilitator


def test_facilitator_extras(documents):
    _, _, _, md = documents
    votes = table_named(md, "Votes per participant")
    assert votes["header"] == ["Id", "Question", "Ann", "Bob", "Cy", "Spread", "Room's level"]
    assert votes["rows"][0] == ["a.two", "Question a.two?", "0", "3", "2", "3", "2"]
    assert votes["rows"][1] == ["b.tool", "Question b.tool?", "3", "3", "", "0", "3"]
    history = table_named(md, "Answer history")
    assert history["rows"] == [["a.gate", "Question a.gate?", "level ×2, private_note ×1", "— → 2 → 1", "2026-11-22 10:31"]]
    assert PRIVATE not in history["rows"][0][2]
    flags = table_named(md, "Flagged")
    assert [row[0] for row in flags["rows"]] == ["a.plain"]
    unknown = table_named(md, "Unknown and not yet assessed")
    assert [row[0] for row in unknown["rows"]] == ["a.plain"]


def test_empty_session_renders():
    session = make_session({})
    md = render_markdown(session, analyse(session))
    assert "No applicable question has been assessed yet." in md
    assert all(h == c for h, c in source_cell_counts(md))


def test_comparison_markdown():
    from workshop.analysis import compare

    before = make_session({"a.gate": 1, "a.two": 2}, session_id=1, date=dt.date(2026, 5, 1))
    after = make_session({"a.gate": 3, "a.two": 1}, session_id=2)
    md = render_comparison(compare(before, after), {"alpha": "Alpha", "beta": "Beta"})
    changes = parse_tables(md)[1]
    assert [row[0] for row in changes["rows"]] == ["a.gate", "a.two"]
    assert changes["rows"][0][6:] == ["improved", "100%"]
    assert all(h == c for h, c in source_cell_counts(md))
