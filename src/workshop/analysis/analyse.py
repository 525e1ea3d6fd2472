"""One call that runs every step of the analysis on a session."""

from __future__ import annotations

from collections.abc import Mapping

from workshop.analysis.actions import recommend
from workshop.analysis.divergence import divergences
from workshop.analysis.models import Analysis, Verdict
from workshop.analysis.scores import aggregate, question_scores, readiness_index
from workshop.analysis.verdict import decide
from workshop.session import Session


def analyse(session: Session) -> Analysis:
    """Scores, verdict, ranked actions and divergence for one session. Pure: reads only `session`."""
    questions = question_scores(session)
    scores = aggregate(session.bank, questions)

    def index_with(levels: Mapping[str, int]) -> float:
        return readiness_index(session.bank, questions, levels)

    return Analysis(
        session_id=session.id,
        questions=questions,
        sets=scores.sets,
        readiness_index=scores.readiness_index,
        percent_to_target=scores.percent_to_target,
        weakest_set=scores.weakest_set,
        verdict=decide(questions, scores.percent_to_target),
        actions=recommend(session, questions, index_with),
        divergences=divergences(session, questions),
    )


def verdict_of(session: Session) -> Verdict:
    """Only the verdict: what a list of many workshops needs, without ranking every action (40x the cost)."""
    questions = question_scores(session)
    return decide(questions, aggregate(session.bank, questions).percent_to_target)
