"""Divergence of votes and low-confidence answers."""

from workshop.analysis import analyse, misaligned_questions
from workshop.session import Confidence, RoundState

from factories import PARTICIPANTS, answer, make_session, revealed_round


def test_spread_of_two_or_more_is_misaligned():
    session = make_session(
        answers={"a.gate": answer("a.gate", 1, reason="IT's evidence was the stronger")},
        votes={"a.gate": {1: 0, 2: 3, 3: 1}, "b.tool": {1: 2, 2: 3}},
    )
    analysis = analyse(session)
    assert [d.question_id for d in analysis.divergences] == ["a.gate", "b.tool"]
    (gate,) = analysis.misaligned
    assert gate.spread == 3
    assert [(v.name, v.level) for v in gate.votes] == [("Ann", 0), ("Bob", 3), ("Cy", 1)]
    assert (gate.consensus, gate.consensus_level) == ("1", 1)
    assert gate.reason == "IT's evidence was the stronger"
    tool = analysis.divergences[1]
    assert (tool.spread, tool.misaligned, tool.consensus) == (1, False, "-")


def test_the_latest_revealed_round_counts_and_an_open_round_stays_blind():
    session = make_session({"a.two": 2}).model_copy(
        update={
            "rounds": (
                revealed_round(1, "a.two", {1: 0, 2: 4}),
                revealed_round(2, "a.two", {1: 2, 2: 2}),
                revealed_round(3, "a.two", {1: 4, 2: 0}, state=RoundState.OPEN),
            )
        }
    )
    (d,) = analyse(session).divergences
    assert [(v.participant_id, v.level) for v in d.votes] == [(1, 2), (2, 2)]
    assert not d.misaligned


def test_unknown_voter_gets_a_placeholder_name():
    session = make_session(votes={"a.two": {1: 0, 9: 4}}, participants=PARTICIPANTS[:1])
    (d,) = analyse(session).divergences
    assert [v.name for v in d.votes] == ["Ann", "#9"]
    assert d.misaligned


def test_low_confidence_answers_are_listed_for_verification():
    session = make_session(
        answers={
            "a.gate": answer("a.gate", 2, confidence=Confidence.LOW),
            "a.two": answer("a.two", "unknown", confidence=Confidence.LOW),
            "b.tool": answer("b.tool", 3, confidence=Confidence.HIGH),
            "a.plain": answer("a.plain", None, confidence=Confidence.LOW),  # not answered yet
        }
    )
    assert [q.question_id for q in analyse(session).low_confidence] == ["a.gate", "a.two"]


def test_misaligned_questions_uses_the_same_rule_as_the_divergences():
    from workshop.analysis import misaligned_questions

    session = make_session(votes={"a.gate": {1: 0, 2: 3, 3: 1}, "b.tool": {1: 2, 2: 3}})
    assert misaligned_questions(session) == {d.question_id for d in analyse(session).misaligned} == {"a.gate"}


def test_dont_know_votes_are_shown_but_left_out_of_the_spread():
    session = make_session({"a.two": 2}, votes={"a.two": {1: 1, 2: None, 3: 2}, "b.tool": {1: None, 2: None}})
    two, tool = analyse(session).divergences
    assert [(v.name, v.level) for v in two.votes] == [("Ann", 1), ("Bob", None), ("Cy", 2)]
    assert (two.spread, two.misaligned, two.counts, two.dont_know) == (1, False, {1: 1, 2: 1}, 1)
    assert (tool.spread, tool.counts, tool.dont_know) == (0, {}, 2)
    assert misaligned_questions(session) == set()


def test_spread_helpers_are_part_of_the_analysis_api():
    from workshop.analysis import is_misaligned, spread_of

    assert spread_of({1: 0, 2: None, 3: 3}) == 3
    assert spread_of([None, None]) == 0
    assert is_misaligned([4, None, 2]) and not is_misaligned({1: 2, 2: 3})
