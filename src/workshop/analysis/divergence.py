"""Divergence: where participants' votes on a question spread by MISALIGNED_SPREAD levels or more.

Business and IT scoring the same fact differently is a finding in itself (the "coordination
tax"), so the distribution is kept next to the level the room settled on and its reason.
A "don't know" vote (level None) is shown with the others but left out of the spread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from workshop.analysis.models import Divergence, QuestionScore, VoteCast
from workshop.session import Session, Vote

MISALIGNED_SPREAD = 2


def spread_of(levels: Mapping[int, int | None] | Iterable[int | None]) -> int:
    """Highest level voted minus the lowest; "don't know" votes (None) are left out."""
    values = levels.values() if isinstance(levels, Mapping) else levels
    known = [level for level in values if level is not None]
    return max(known) - min(known) if known else 0


def spread_text(votes: Divergence | Iterable[Vote | VoteCast | int | None]) -> str:
    """The votes without names, levels lowest first: '1 at level 1, 2 at level 3, 1 don't know'.

    The one wording of a spread: the CLI's reveal, the app and the participants' exports use it.
    """
    items = votes.votes if isinstance(votes, Divergence) else votes
    levels = [v.level if isinstance(v, Vote | VoteCast) else v for v in items]
    counts: dict[int, int] = {}
    for level in levels:
        if level is not None:
            counts[level] = counts.get(level, 0) + 1
    parts = [f"{n} at level {level}" for level, n in sorted(counts.items())]
    unknown = sum(1 for level in levels if level is None)
    if unknown:
        parts.append(f"{unknown} don't know")
    return ", ".join(parts) or "no votes"


def is_misaligned(levels: Mapping[int, int | None] | Iterable[int | None]) -> bool:
    return spread_of(levels) >= MISALIGNED_SPREAD


def _votes_by_question(session: Session) -> dict[str, dict[int, int | None]]:
    found: dict[str, dict[int, int | None]] = {}
    for vote in session.votes:  # one pass: Session.votes is recomputed on every access
        found.setdefault(vote.question_id, {})[vote.participant_id] = vote.level
    return found


def misaligned_questions(session: Session) -> set[str]:
    """Ids of the questions whose votes spread by MISALIGNED_SPREAD levels or more."""
    return {qid for qid, levels in _votes_by_question(session).items() if is_misaligned(levels)}


def divergences(session: Session, questions: tuple[QuestionScore, ...]) -> tuple[Divergence, ...]:
    """Every question with votes, in bank order."""
    positions = {p.id: i for i, p in enumerate(session.participants) if p.id is not None}
    names = {p.id: p.name for p in session.participants if p.id is not None}
    by_question = _votes_by_question(session)
    found = []
    for q in questions:
        latest = by_question.get(q.question_id)
        if not latest:
            continue
        votes = tuple(
            VoteCast(pid, names.get(pid, f"#{pid}"), level)
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
