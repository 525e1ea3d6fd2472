"""Scores checked against small sessions computed by hand (see tests/factories.py for the bank)."""

import pytest

from workshop.analysis import ScoreStatus, analyse

from factories import make_session

# The session most tests use: a.gate 1, a.plain unknown, a.two 2, b.tool 3, b.risk not applicable.
MIXED = {"a.gate": 1, "a.plain": "unknown", "a.two": 2, "b.tool": 3, "b.risk": "na"}


def test_question_scores_gap_and_status():
    analysis = analyse(make_session(MIXED))
    by_id = {q.question_id: q for q in analysis.questions}
    assert [q.question_id for q in analysis.questions] == ["a.gate", "a.plain", "a.two", "b.tool", "b.risk"]
    assert (by_id["a.gate"].level, by_id["a.gate"].target, by_id["a.gate"].gap) == (1, 3, 2)
    assert by_id["a.gate"].score == 25
    assert (by_id["a.plain"].status, by_id["a.plain"].level, by_id["a.plain"].gap) == (ScoreStatus.UNKNOWN, 0, 2)
    assert by_id["b.tool"].gap == 0
    na = by_id["b.risk"]
    assert (na.status, na.level, na.gap, na.score) == (ScoreStatus.NOT_APPLICABLE, None, 0, None)
    assert na.reason == "Does not apply here."
    assert [q.question_id for q in analysis.not_applicable] == ["b.risk"]
    assert [q.question_id for q in analysis.unknown] == ["a.plain"]


def test_set_section_and_overall_scores():
    analysis = analyse(make_session(MIXED))
    alpha, beta = analysis.sets
    # alpha: (3x1 + 1x0 + 2x2) / ((3+1+2) x 4) = 7/24 = 29.17
    assert alpha.score == pytest.approx(100 * 7 / 24)
    # alpha at its targets: (3x3 + 1x2 + 2x4) / 24 = 19/24
    assert alpha.target_score == pytest.approx(100 * 19 / 24)
    # beta: b.risk drops out; (2x3) / (2x4) = 75
    assert beta.score == pytest.approx(75)
    assert (beta.applicable, beta.not_applicable) == (1, 1)
    # readiness index = mean of the set scores = (29.17 + 75) / 2
    assert analysis.readiness_index == pytest.approx((100 * 7 / 24 + 75) / 2)
    # percent-to-target: weighted targets 3x3 + 1x2 + 2x4 + 2x3 = 25; weighted gaps 3x2 + 1x2 + 2x2 + 0 = 12
    assert analysis.percent_to_target == pytest.approx(1 - 12 / 25)

    one, two = alpha.sections
    # alpha.one: (3x1 + 1x0) / (4x4) = 3/16; to target: 1 - (6 + 2) / (9 + 2) = 3/11
    assert one.score == pytest.approx(100 * 3 / 16)
    assert one.percent_to_target == pytest.approx(3 / 11)
    # alpha.two: 2/4 = 50
    assert two.score == pytest.approx(50)


def test_weakest_links():
    analysis = analyse(make_session(MIXED))
    alpha = analysis.set_score("alpha")
    assert analysis.weakest_set.set_id == "alpha"  # 29 < 75
    assert alpha.weakest.section_id == "alpha.one"  # 18.75 < 50
    assert alpha.weakest.weakest.question_id == "a.plain"  # unknown scores 0, lower than a.gate's 1


def test_weakest_question_tie_goes_to_larger_weighted_gap():
    # a.gate (weight 3, gap 3) and a.plain (weight 1, gap 2) both at 0: a.gate is the weaker link.
    analysis = analyse(make_session({"a.gate": 0, "a.plain": 0}))
    assert analysis.set_score("alpha").sections[0].weakest.question_id == "a.gate"


def test_session_targets_override_the_bank():
    analysis = analyse(make_session(MIXED, targets={"b.tool": 4}))
    assert analysis.question("b.tool").target == 4
    assert analysis.question("b.tool").gap == 1
    # weighted targets 9 + 2 + 8 + 8 = 27; gaps 6 + 2 + 4 + 2 = 14
    assert analysis.percent_to_target == pytest.approx(1 - 14 / 27)


def test_unanswered_questions_score_zero_and_are_listed():
    analysis = analyse(make_session({"a.gate": 3}))
    # alpha: 3x3 / 24 = 37.5; beta: 0 / 12 = 0; index (37.5 + 0) / 2 = 18.75
    assert analysis.set_score("alpha").score == pytest.approx(37.5)
    assert analysis.set_score("beta").score == pytest.approx(0)
    assert analysis.readiness_index == pytest.approx(18.75)
    assert [q.question_id for q in analysis.unassessed] == ["a.plain", "a.two", "b.tool", "b.risk"]
    assert analysis.question("a.two").level_text == "not assessed (0)"


def test_notes_only_answer_is_not_assessed():
    from factories import answer

    session = make_session(answers={"a.gate": answer("a.gate", None, note="talk to IT")})
    assert analyse(session).question("a.gate").status is ScoreStatus.UNASSESSED


def test_everything_not_applicable():
    analysis = analyse(make_session(dict.fromkeys(["a.gate", "a.plain", "a.two", "b.tool", "b.risk"], "na")))
    assert all(s.score is None and s.weakest is None for s in analysis.sets)
    assert analysis.readiness_index == 0.0
    assert analysis.percent_to_target == 0.0
    assert analysis.weakest_set is None


def test_level_above_target_does_not_hide_a_gap():
    # a.gate 4 (over target 3 by 1) does not make up for a.plain 0 (gap 2).
    analysis = analyse(make_session({"a.gate": 4, "a.plain": 0, "a.two": 4, "b.tool": 3, "b.risk": 2}))
    # weighted targets 27, gaps only a.plain: 1x2 = 2
    assert analysis.percent_to_target == pytest.approx(1 - 2 / 27)
