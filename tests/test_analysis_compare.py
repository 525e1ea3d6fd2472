"""Re-assessment, computed by hand.

before: a.gate 1, a.plain 0, a.two 2, b.tool 3, b.risk n/a
after:  a.gate 3, a.plain 0, a.two 1, b.tool 3, b.risk 2
"""

import datetime as dt

import pytest

from workshop.analysis import Change, compare

from factories import make_session

BEFORE = {"a.gate": 1, "a.plain": 0, "a.two": 2, "b.tool": 3, "b.risk": "na"}
AFTER = {"a.gate": 3, "a.plain": 0, "a.two": 1, "b.tool": 3, "b.risk": 2}


def sessions(**after_kwargs):
    before = make_session(BEFORE, session_id=1, date=dt.date(2026, 5, 1))
    after = make_session(AFTER, session_id=2, date=dt.date(2026, 11, 22), **after_kwargs)
    return before, after


def test_per_question_change_and_progress():
    result = compare(*sessions())
    by_id = {q.question_id: q for q in result.questions}
    # a.gate: (3 - 1) / (3 - 1) = 1
    assert (by_id["a.gate"].change, by_id["a.gate"].progress) == (Change.IMPROVED, 1.0)
    # a.plain: (0 - 0) / (2 - 0) = 0
    assert (by_id["a.plain"].change, by_id["a.plain"].progress) == (Change.UNCHANGED, 0.0)
    # a.two: (1 - 2) / (4 - 2) = -0.5
    assert (by_id["a.two"].change, by_id["a.two"].progress) == (Change.SLIPPED, -0.5)
    # b.tool: already at target before: nothing to divide by
    assert (by_id["b.tool"].change, by_id["b.tool"].progress) == (Change.UNCHANGED, None)
    # b.risk: not applicable before
    assert by_id["b.risk"].change is Change.NOT_COMPARABLE
    assert result.counts()[Change.IMPROVED] == 1


def test_per_set_and_overall():
    result = compare(*sessions())
    alpha, beta = result.sets
    # alpha: 7/24 = 29.17 -> (9 + 0 + 2)/24 = 45.83
    assert alpha.before_score == pytest.approx(100 * 7 / 24)
    assert alpha.after_score == pytest.approx(100 * 11 / 24)
    assert alpha.change is Change.IMPROVED
    # alpha weighted gaps: before 3x2 + 1x2 + 2x2 = 12, now 0 + 2 + 2x3 = 8 -> (12 - 8)/12
    assert alpha.progress == pytest.approx(1 / 3)
    # beta: 75 -> (2x3 + 1x2)/12 = 66.67: b.risk now counts, at level 2 of 4
    assert beta.change is Change.SLIPPED
    assert beta.progress is None  # b.tool had no gap; b.risk was not applicable before
    # overall over questions applicable in both: same 12 -> 8
    assert result.progress == pytest.approx(1 / 3)
    assert result.readiness_before == pytest.approx((100 * 7 / 24 + 75) / 2)
    assert result.readiness_after == pytest.approx((100 * 11 / 24 + 100 * 8 / 12) / 2)
    assert result.warnings == ()


def test_uses_the_later_targets_and_caps_progress_at_the_target():
    before, after = sessions(targets={"a.gate": 2})
    by_id = {q.question_id: q for q in compare(before, after).questions}
    # target 2: gap before 1, now 0 (level 3 beyond target) -> 1.0, not (3 - 1)/(2 - 1) = 2
    assert by_id["a.gate"].progress == 1.0
    assert by_id["a.gate"].target == 2


def test_warnings_for_different_initiatives_and_dates():
    before = make_session(BEFORE, date=dt.date(2026, 12, 1))
    after = make_session(AFTER, initiative="Fraud scoring", date=dt.date(2026, 11, 1))
    warnings = compare(before, after).warnings
    assert len(warnings) == 2
    assert "different initiatives" in warnings[0]


def test_questions_only_in_one_session():
    from workshop.questionnaire import QuestionBank

    before = make_session(BEFORE)
    full = before.bank
    smaller = QuestionBank(sets=(full.sets[0],))
    after = make_session({"a.gate": 2}, bank=smaller)
    result = compare(before, after)
    assert result.only_before == ("b.tool", "b.risk")
    assert result.only_after == ()
    assert [s.set_id for s in result.sets] == ["alpha"]


def test_comparison_as_json_data():
    import json

    before = make_session({"a.gate": 1, "a.two": 2}, session_id=1, date=dt.date(2026, 5, 1))
    after = make_session({"a.gate": 3, "a.two": 1}, session_id=2)
    data = compare(before, after).as_dict()
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    assert (data["before_session"], data["before_date"], data["after_date"]) == (1, "2026-05-01", "2026-11-22")
    gate = next(q for q in data["questions"] if q["question_id"] == "a.gate")
    assert (gate["change"], gate["before_status"], gate["progress"]) == ("improved", "assessed", 1.0)
