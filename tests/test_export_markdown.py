"""The Markdown exports, parsed back with markdown-it-py: what a participant and a facilitator read."""

import datetime as dt
import itertools
import re

import pytest
from markdown_it import MarkdownIt

from workshop.analysis import analyse, compare
from workshop.export import render_comparison, render_markdown
from workshop.session import ActionDecision, Confidence, Decision, HistoryEntry, TargetChange

from factories import (
    accepted,
    answer,
    builtin_workshop,
    make_session,
    parse_tables,
    source_cell_counts,
    table_named,
)

PRIVATE = "PRIVATE-MARKER-7f3a"
MD = MarkdownIt("commonmark").enable("table")


def rich_session(**kwargs):
    return make_session(
        answers={
            "a.gate": answer("a.gate", 1, confidence=Confidence.LOW, note="Sponsor away", private_note=PRIVATE),
            "a.plain": answer("a.plain", "unknown", flagged=True),
            "a.two": answer("a.two", 2, evidence="Runbook v2", reason="IT view prevailed"),
            "b.tool": answer("b.tool", 3),
            "b.risk": answer("b.risk", "na", reason="No personal data"),
        },
        votes={"a.two": {1: 0, 2: 3, 3: None}, "b.tool": {1: 3, 2: 3}},
        decisions={
            "a.gate.fix": accepted("a.gate.fix", "Jo", dt.date(2026, 12, 1)),
            "a.two.act": ActionDecision(action_id="a.two.act", decision=Decision.REJECTED, note="Too costly now",
                                        decided_at=dt.datetime(2026, 11, 22, 11, 0)),
        },
        **kwargs,
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


def headings(markdown: str) -> list[tuple[int, str]]:
    tokens = MD.parse(markdown)
    return [(int(t.tag[1]), tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def section(markdown: str, title: str) -> str:
    """The Markdown source of one section: from its heading to the next heading of the same or a higher level."""
    lines = markdown.split("\n")
    start = next(i for i, line in enumerate(lines) if line.lstrip("#").strip() == title and line.startswith("#"))
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    end = next((j for j in range(start + 1, len(lines))
                if lines[j].startswith("#") and len(lines[j]) - len(lines[j].lstrip("#")) <= level
                and not lines[j].startswith("#" * (level + 1))), len(lines))
    return "\n".join(lines[start:end])


def plain(markdown: str) -> str:
    """What a reader sees: the text of every inline token."""
    tokens = MD.parse(markdown)
    return "\n".join(
        "".join(c.content for c in (t.children or []) if c.type in ("text", "code_inline"))
        for t in tokens if t.type == "inline"
    )


def test_the_summary_comes_first(documents):
    _, _, md, fac = documents
    for doc in (md, fac):
        outline = headings(doc)
        assert outline[:6] == [
            (1, "Readiness workshop: Claims triage"),
            (2, "Summary"),
            (3, "Scores per set"),
            (3, "What the room agreed"),
            (3, "Next recommended actions"),
            (2, "Answers"),
        ]
    summary = section(md, "Summary")
    assert "**Verdict: Not ready.** 1 gate question is under target" in summary
    assert "Gate not met: “Question a.gate?” (level 1, target 3)" in summary
    assert "Readiness index **52 / 100** · **52%** of the way to the targets" in summary
    assert "The **readiness index** is the average set score" in md  # the two headline numbers, explained
    for needed in ("Acme · 2026-11-22 · facilitator Fay", "Ann (Business sponsor)"):
        assert needed in md


def test_the_heading_outline_never_skips_a_level(documents):
    session = builtin_workshop(answered=15)
    earlier = builtin_workshop(answered=10, session_id=2).model_copy(update={"date": dt.date(2026, 5, 1)})
    comparison = compare(earlier, session)
    for doc in (*documents[2:], render_markdown(session, analyse(session), "facilitator", (), comparison),
                render_markdown(session, analyse(session), "participants", (), comparison)):
        levels = [level for level, _ in headings(doc)]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    outline = headings(render_markdown(session, analyse(session), "participants", (), comparison))
    since = [i for i, (level, text) in enumerate(outline) if text.startswith("Since the workshop of")]
    (at,) = since
    assert outline[at] == (2, "Since the workshop of 2026-05-01 (workshop 2)")
    assert outline[at + 1 : at + 3] == [(3, "Sets then and now"), (3, "Questions that changed")]


def test_every_row_has_as_many_cells_as_its_header(documents):
    for md in documents[2:]:
        tables = parse_tables(md)
        assert len(tables) >= 4
        for table in tables:
            assert all(len(row) == len(table["header"]) for row in table["rows"]), table["heading"]
        assert all(header == cells for header, cells in source_cell_counts(md))


def test_scores_table_matches_the_analysis(documents):
    _, analysis, md, _ = documents
    table = table_named(md, "Scores per set")
    assert table["header"] == ["Set", "Score", "Target", "To target", "Gaps", "Answered"]
    assert [round(s.score) for s in analysis.sets] == [29, 75]
    # alpha: (3x1 + 0 + 2x2)/24 = 29.2 -> 29; to target 1 - (6 + 2 + 4)/19 = 36.8% -> 36%
    assert table["rows"][0] == ["Alpha", "29", "79", "36%", "3", "3 of 3"]
    # beta: b.risk not applicable still counts as answered
    assert table["rows"][1] == ["Beta", "75", "75", "100%", "0", "2 of 2"]
    assert table["rows"][2] == ["Readiness index", "52", "", "52%", "3", "5 of 5"]
    assert "5 of 5 questions answered" in md  # one way of counting, everywhere


def test_questions_still_to_assess_are_not_counted_as_gaps():
    # a.gate answered under target, a.plain unknown (a gap: the room does not know); a.two and the
    # Beta set still to assess: scored 0, but no gap until the room has said where they stand
    session = make_session({"a.gate": 1, "a.plain": "unknown"})
    table = table_named(render_markdown(session, analyse(session), "participants"), "Scores per set")
    gaps_and_answered = [(row[0], row[4], row[5]) for row in table["rows"]]
    assert gaps_and_answered == [("Alpha", "2", "2 of 3"), ("Beta", "0", "0 of 2"), ("Readiness index", "2", "2 of 5")]


def test_every_answer_is_listed_strengths_included(documents):
    _, _analysis, md, _ = documents
    alpha = table_named(md, "Alpha: score 29, target 79")
    assert alpha["header"] == ["Section", "Question", "Level", "Target", "Result"]
    assert alpha["rows"] == [
        ["One", "Question a.gate?", "1", "3", "gap 2 · gate · verify"],  # given with low confidence
        ["", "Question a.plain?", "?", "2", "unknown: gap 2"],
        ["Two", "Question a.two?", "2", "4", "gap 2"],
    ]
    beta = table_named(md, "Beta: score 75, target 75")
    assert beta["rows"] == [
        ["Main", "Question b.tool?", "3", "3", "meets target"],
        ["", "Question b.risk?", "n/a", "2", "not applicable: No personal data"],
    ]


def test_decisions_are_first_class(documents):
    _, _, md, fac = documents
    agreed = section(md, "What the room agreed")
    assert "- **#1 Do a.gate.fix** — Jo, due 2026-12-01" in agreed
    plan = section(md, "Recommendations")
    # one line per action, one owner (the person if named, else the role), dependencies by title
    assert "1. **#1 Do a.gate.fix** — Jo, effort S, accepted, due 2026-12-01" in plan
    assert "**#2 Do a.gate.prove** — Project lead, effort M, after #1 (above)" in plan  # listed earlier: by number
    # the rejected action left the ranking; the participants do not see it, the facilitator sees why
    assert "a.two.act" not in plan and "#4 Do a.two.act" not in md
    rejected = table_named(fac, "Rejected actions")
    assert rejected["rows"] == [["#4 Do a.two.act", "Too costly now", "2026-11-22"]]
    assert "#4 Do a.two.act" not in section(fac, "Action plan")


def test_an_accepted_action_stays_once_its_question_reaches_the_target():
    session = rich_session()
    done = session.model_copy(update={"answers": {**session.answers, "a.gate": answer("a.gate", 3)}})
    analysis = analyse(done)
    assert "a.gate.fix" not in [a.action_id for a in analysis.actions]
    for audience in ("participants", "facilitator"):
        md = render_markdown(done, analysis, audience)
        assert "**#1 Do a.gate.fix** — Jo, due 2026-12-01, done: its questions reached the level it addressed" in (
            section(md, "What the room agreed"))


def test_no_question_not_yet_assessed_reads_as_a_failed_gate():
    session = builtin_workshop(answered=15)
    analysis = analyse(session)
    md = render_markdown(session, analysis, "participants")
    unassessed = {q.prompt for q in analysis.unassessed}
    failed = re.findall(r"Gate not met: “(.+?)”", md)
    assert failed and not unassessed & set(failed)
    assert len(failed) <= 5
    summary = section(md, "Summary")
    missing, gates = len(analysis.unassessed), len(analysis.verdict.gates_to_assess)
    assert missing == len(analysis.questions) - 15 and gates > 1
    assert "**Verdict: Not ready (provisional).**" in summary
    assert f"Provisional: {missing} of {len(analysis.questions)} questions ({gates} of them gates) are not" in summary
    assert f"Still to assess: {gates} gate questions" in summary
    # nothing called for only by unassessed questions is recommended next, nor ranked among the known gaps
    heading = next(line for line in md.splitlines() if line.startswith("### Next recommended actions"))
    upcoming = section(md, heading.lstrip("# "))
    numbers = {a.number: a for a in analysis.actions}
    for n in re.findall(r"\*\*#(\d+) ", upcoming):
        assert not numbers[int(n)].provisional
    assert "### Once the open questions are assessed (provisional)" in md


def test_participants_read_no_ids_nor_who_voted_what(documents):
    session = builtin_workshop()
    analysis = analyse(session)
    ids = {q.question_id for q in analysis.questions} | {a.action_id for a in analysis.actions}
    text = plain(render_markdown(session, analysis, "participants"))
    assert not [i for i in ids if i in text]
    assert not [t for t in MD.parse(documents[2]) for c in (t.children or []) if c.type == "code_inline"]
    _, _, md, fac = documents
    misaligned = table_named(md, "Misaligned questions")
    assert misaligned["rows"] == [["Question a.two?", "1 at level 0, 1 at level 3, 1 don't know", "2",
                                   "IT view prevailed"]]
    for name in ("Ann", "Bob"):
        assert name not in section(md, "Misaligned questions")
    assert table_named(fac, "Misaligned questions")["rows"][0][1] == "Ann: 0, Bob: 3, Cy: ?"


def test_targets_changed_in_the_workshop_are_listed_for_both():
    change = TargetChange(question_id="a.two", old_target=None, new_target=3,
                          changed_at=dt.datetime(2026, 11, 22, 10, 40))
    back = TargetChange(question_id="a.plain", old_target=3, new_target=None,
                        changed_at=dt.datetime(2026, 11, 22, 11, 5))
    session = rich_session(targets={"a.two": 3}).model_copy(update={"target_changes": (change, back)})
    analysis = analyse(session)
    participants = table_named(render_markdown(session, analysis, "participants"), "Targets changed in this workshop")
    assert participants["rows"] == [
        ["Question a.two?", "4 (the set's)", "3", "2026-11-22 10:40"],
        ["Question a.plain?", "3", "2 (the set's)", "2026-11-22 11:05"],
    ]
    facilitator = table_named(render_markdown(session, analysis, "facilitator"), "Targets changed in this workshop")
    assert facilitator["rows"][0][0] == "a.two"
    assert "Targets changed" not in render_markdown(rich_session(), analyse(rich_session()))


def test_private_notes_only_for_the_facilitator(documents):
    _, _, participants, facilitator = documents
    assert PRIVATE not in participants
    assert "## Private notes" not in participants
    assert "## Answer history" not in participants
    assert "## Votes per participant" not in participants
    assert PRIVATE in facilitator
    assert "do not forward" in facilitator.lower()


def test_facilitator_extras(documents):
    _, _, _, md = documents
    votes = table_named(md, "Votes per participant")
    assert votes["header"] == ["Question", "P1", "P2", "P3", "Spread", "Room"]
    assert votes["rows"][0] == ["Question a.two?", "0", "3", "?", "3", "2"]
    assert votes["rows"][1] == ["Question b.tool?", "3", "3", "", "0", "3"]
    assert "P1 Ann (Business sponsor); P2 Bob (IT lead); P3 Cy (Risk)." in md
    history = table_named(md, "Answer history")
    assert history["rows"] == [["a.gate", "Question a.gate?", "level ×2, private_note ×1", "— → 2 → 1", "2026-11-22 10:31"]]
    assert PRIVATE not in history["rows"][0][2]
    flags = table_named(md, "Flagged")
    assert [row[0] for row in flags["rows"]] == ["a.plain"]
    unknown = table_named(md, "Unknown and still to assess")
    assert [row[0] for row in unknown["rows"]] == ["a.plain"]
    plan = section(md, "Action plan")
    assert "1. **#1 Do a.gate.fix** (`a.gate.fix`)\\\n   What: The detail of a.gate.fix.\\\n" in plan
    assert "   Decided: accepted · Jo · due 2026-12-01\\\n" in plan
    assert "   **Verify first:**" in plan
    assert "   After: #1 Do a.gate.fix" in plan
    html = MD.render(plan)
    assert html.count("<ol") == 3  # one numbered list per horizon
    assert "<ul>" not in html  # one paragraph per action, its lines broken
    assert "<br />\nOwner: Jo (role: Business sponsor) · effort S · priority 12 · readiness +12.5 points<br />" in html


def test_framework_references_for_the_facilitator():
    from workshop.questionnaire import Reference

    session = rich_session()
    bank = session.bank
    alpha = bank.sets[0]
    section_one = alpha.sections[0]
    gate = section_one.questions[0].model_copy(update={"references": (
        Reference(framework="nist-ai-rmf", ref="GOVERN 1.1"), Reference(framework="iso-42001", ref="A.6.2.4"))})
    new_bank = bank.model_copy(update={"sets": (
        alpha.model_copy(update={"sections": (section_one.model_copy(update={"questions": (
            gate, *section_one.questions[1:])}), *alpha.sections[1:])}), *bank.sets[1:])})
    session = session.model_copy(update={"bank": new_bank})
    md = render_markdown(session, analyse(session), "facilitator")
    refs = table_named(md, "Framework references")
    assert refs["rows"] == [["a.gate", "Question a.gate?", "NIST AI RMF GOVERN 1.1; ISO/IEC 42001 A.6.2.4"]]


def test_text_chart_is_a_code_block(documents):
    _, _, md, _ = documents
    fences = [t for t in MD.parse(md) if t.type == "fence"]
    assert len(fences) == 1
    assert fences[0].content.splitlines()[0].startswith("Alpha            [######")


def test_empty_session_renders():
    session = make_session({})
    md = render_markdown(session, analyse(session))
    assert "**Verdict: Not ready (provisional).** No applicable question has been assessed yet." in md
    assert all(h == c for h, c in source_cell_counts(md))


def test_plain_text_reads_cleanly():
    note = "A&E target <4h; costs ~£30k * 2 sites, see file #3_final (v2)."
    session = make_session(answers={"a.two": answer("a.two", 2, note=note)})
    md = render_markdown(session, analyse(session))
    assert f"  - Note: {note}" in md  # exactly as typed: nothing in it could change the document


def test_comparison_markdown():
    before = make_session({"a.gate": 1, "a.two": 2}, session_id=1, date=dt.date(2026, 5, 1))
    after = make_session({"a.gate": 3, "a.two": 1}, session_id=2)
    md = render_comparison(compare(before, after), {"alpha": "Alpha", "beta": "Beta"})
    assert md.startswith("# Re-assessment: 2026-05-01 → 2026-11-22 (workshop 1 → workshop 2)")
    changes = parse_tables(md)[1]
    assert [row[0] for row in changes["rows"]] == ["a.gate", "a.two"]
    assert changes["rows"][0][6:] == ["improved", "100%"]
    assert all(h == c for h, c in source_cell_counts(md))
    assert "n/a (no gap before) of the earlier gap closed" not in md
    at_target = make_session({"a.gate": 3, "a.plain": 2, "a.two": 4, "b.tool": 3, "b.risk": 2})
    none = render_comparison(compare(at_target, at_target))
    assert "There was no gap to close before, so progress to date is not measured." in none


# --- issue 11: what a finished 66-question workshop hands the room ------------------


@pytest.fixture(scope="module")
def finished():
    session = builtin_workshop()
    analysis = analyse(session)
    return session, analysis, render_markdown(session, analysis, "participants"), render_markdown(
        session, analysis, "facilitator")


def test_a_finished_workshop_fits_the_size_goal(finished):
    _session, analysis, md, fac = finished
    assert len(analysis.questions) >= 66 and len(analysis.actions) > 100
    assert len(md.encode()) < 40_000, len(md.encode())  # was 96 kB before issue 11
    assert len(fac.encode()) > len(md.encode())  # the facilitator's keeps everything


def test_the_participants_summary_holds_what_the_room_needs_to_act(finished):
    _session, analysis, md, _ = finished
    summary = md.split("\n## Answers", 1)[0].split("\n## Targets changed", 1)[0]
    assert len(summary.encode()) < 6_000
    for a in analysis.agreed[:10]:
        assert f"**#{a.number} {a.title}** — {a.owner_name}, due {a.decision.due_date.isoformat()}" in summary
    for a in analysis.next_actions(10):
        assert f"**#{a.number} {a.title}** — {a.owner_name}, " in summary
    failed = len(analysis.verdict.failed_gates)
    assert failed > 5 and summary.count("Gate not met") == 5
    assert f"… and {failed - 5} more gates under target" in summary
    # every answer, strengths included, follows
    answer_rows = sum(len(t["rows"]) for t in parse_tables(md) if t["header"][:2] == ["Section", "Question"])
    assert answer_rows == len(analysis.questions)
    assert md.count("meets target") + md.count("above target") >= 10
    assert "(truncated)" not in md


def test_an_action_ranked_for_what_needs_it_says_so_in_the_facilitators_plan():
    # b.tool is not assessed; a.gate.fix, for an assessed gate, needs its b.tool.setup first
    session = make_session({"a.gate": 1, "a.plain": 2, "a.two": 4, "b.risk": 2})
    plan = render_markdown(session, analyse(session), "facilitator")
    items = re.split(r"\n(?=\d+\. \*\*#)", plan.split("## Action plan", 1)[1])
    entries = {re.search(r"\(`([\w.]+)`\)", item)[1]: item for item in items[1:]}
    assert "Needed first: its own questions are not assessed yet" in entries["b.tool.setup"]
    assert "Needed first" not in entries["a.gate.fix"]


def test_the_ranking_is_explained_in_a_plain_sentence_and_the_formula_only_for_the_facilitator(documents):
    _, _, participants, facilitator = documents
    plain_words = ("a gate counts double", "a small effort ranks above a large one",
                   "An action never comes before one it depends on", "The number after # stays the same")
    recommendations, plan = section(participants, "Recommendations"), section(facilitator, "Action plan")
    for words in plain_words:
        assert words in recommendations and words in plan
    assert "Σ" not in participants and "priority" not in recommendations.casefold()
    assert "Priority = Σ weight × gap × (2 for a gate) ÷ effort cost" in plan
