"""Divergence: where participants' votes on a question spread by MISALIGNED_SPREAD levels or more.

Business and IT scoring the same fact differently is a finding in itself (the "coordination
tax"), so the distribution is kept next to the level the room settled on and its reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from workshop.analysis.models import Divergence, QuestionScore, VoteCast
from workshop.questionnaire import MAX_LEVEL
from workshop.session import Session, Vote

MISALIGNED_SPREAD = 2


def latest_votes(session: Session, question_id: str) -> dict[int, int]:
    """Each participant's level on a question: a participant's last vote counts."""
    return {vote.participant_id: vote.level for vote in session.votes_for(question_id)}


def spread_of(levels: dict[int, int | None]) -> int:
    """Highest level minus lowest; "don't know" votes (None) take no part."""
    known = [level for level in levels.values() if level is not None]
    return max(known) - min(known) if known else 0


def spread_text(votes: Iterable[Vote]) -> str:
    """The spread without names: '1 at level 1, 2 at level 3, 1 don't know'."""
    levels = [v.level for v in votes]
    parts = [f"{levels.count(n)} at level {n}" for n in range(MAX_LEVEL + 1) if levels.count(n)]
    if None in levels:
        parts.append(f"{levels.count(None)} don't know")
    return ", ".join(parts) or "no votes"


def misaligned_questions(session: Session) -> set[str]:
    """Ids of the questions whose votes spread by MISALIGNED_SPREAD levels or more."""
    voted = {vote.question_id for vote in session.votes}
    return {qid for qid in voted if spread_of(latest_votes(session, qid)) >= MISALIGNED_SPREAD}


def divergences(session: Session, questions: tuple[QuestionScore, ...]) -> tuple[Divergence, ...]:
    """Every question with votes, in bank order."""
    positions = {p.id: i for i, p in enumerate(session.participants) if p.id is not None}
    found = []
    for q in questions:
        latest = latest_votes(session, q.question_id)
        if not latest:
            continue
        votes = tuple(
            VoteCast(pid, session.participant_name(pid), level)
            for pid, level in sorted(latest.items(), key=lambda kv: (positions.get(kv[0], len(positions)), kv[0]))
        )
        spread = spread_of(latest)
        answer = session.answer(q.question_id)
        found.append(
            Divergence(
                question_id=q.question_id,
                set_id=q.set_id,
                prompt=q.prompt,
                votes=votes,
                spread=spread,
                misaligned=spread >= MISALIGNED_SPREAD,
                consensus=answer.describe(),
                consensus_level=answer.level,
                reason=answer.reason,
            )
        )
    return tuple(found)
