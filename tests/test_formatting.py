"""The one wording of numbers, decisions and vote spreads, shared by the exports, the app and the CLI."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from workshop import formatting
from workshop.analysis import analyse
from workshop.session import ActionDecision, Decision

from factories import accepted, make_session

MIXED = {"a.gate": 1, "a.plain": "unknown", "a.two": 2, "b.tool": 3, "b.risk": "na"}


def test_numbers():
    assert formatting.score(79.5) == "80" and formatting.score(None) == "n/a"
    assert formatting.percent(0.7996) == "79%"  # never rounded up to the threshold
    assert formatting.decimal(12.0) == "12" and formatting.decimal(4 / 3) == "1.33"
    assert formatting.gain(12.5) == "+12.5 points"
    assert formatting.plural(1, "question", "questions") == "1 question"


def test_decision_text_is_written_once():
    rejected = ActionDecision(action_id="a.two.act", decision=Decision.REJECTED, note="Covered elsewhere")
    decisions = {"a.gate.fix": accepted("a.gate.fix", "Priya Shah", dt.date(2026, 12, 4)), "a.two.act": rejected}
    analysis = analyse(make_session(MIXED, decisions=decisions))
    assert formatting.decision_text(analysis.action("a.gate.fix")) == "accepted · Priya Shah · due 2026-12-04"
    assert formatting.decision_text(analysis.action("a.gate.prove")) == "not decided yet"
    assert formatting.decision_text(rejected) == "rejected"
    assert formatting.decision_text(analysis.action("a.two.act"), reason=True) == "rejected: Covered elsewhere"
    done = analyse(make_session({**MIXED, "a.gate": 3}, decisions=decisions)).action("a.gate.fix")
    assert formatting.decision_text(done) == "accepted · Priya Shah · due 2026-12-04 · done"
    assert formatting.decision_text(accepted("x", "", None)) == "accepted"


def test_spread_text_names_nobody():
    from workshop.analysis import spread_text

    session = make_session(votes={"a.two": {1: 3, 2: 1, 3: None}, "b.tool": {1: 3, 2: 3}})
    two, tool = analyse(session).divergences
    assert spread_text(two) == "1 at level 1, 1 at level 3, 1 don't know"
    assert spread_text(tool) == "2 at level 3"
    assert spread_text(session.votes_for("a.two")) == spread_text(two)  # the CLI's reveal: Vote objects
    assert spread_text([None, 4]) == "1 at level 4, 1 don't know"
    assert spread_text([]) == "no votes"


def test_formatting_does_not_load_the_exports_or_markdown():
    code = (
        "import sys, workshop.formatting; "
        "print(sorted(m for m in sys.modules if m.startswith(('markdown_it', 'workshop.export', 'textual'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
