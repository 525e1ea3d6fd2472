"""Scores per question, section and set, the readiness index and percent-to-target.

- A question scores its level: 0-4, where unknown and not yet assessed count as 0 and
  not applicable drops out.
- A section or set scores 100 x sum(weight x level) / sum(weight x 4) over its applicable
  questions; percent-to-target is 1 - sum(weight x gap) / sum(weight x target), where
  gap = max(0, target - level): a level above target does not make up for a gap elsewhere.
- The readiness index is the mean of the set scores (each set counts the same however many
  questions it has); the overall percent-to-target is taken over every applicable question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from statistics import fmean

from workshop.analysis.models import QuestionScore, ScoreStatus, SectionScore, SetScore
from workshop.questionnaire import MAX_LEVEL, QuestionBank
from workshop.session import AnswerStatus, Session


def question_scores(session: Session) -> tuple[QuestionScore, ...]:
    """Every question of the session's bank, in bank order, scored with the session's targets."""
    scores = []
    for order, loc in enumerate(session.bank.located()):
        question = loc.question
        answer = session.answer(question.id)
        if answer.status is AnswerStatus.NOT_APPLICABLE:
            status, level = ScoreStatus.NOT_APPLICABLE, None
        elif answer.status is AnswerStatus.UNKNOWN:
            status, level = ScoreStatus.UNKNOWN, 0
        elif answer.status is AnswerStatus.LEVEL and answer.level is not None:
            status, level = ScoreStatus.ASSESSED, answer.level
        else:
            status, level = ScoreStatus.UNASSESSED, 0
        scores.append(
            QuestionScore(
                question_id=question.id,
                set_id=loc.set.id,
                section_id=loc.section.id,
                prompt=question.prompt,
                weight=question.weight,
                gate=question.gate,
                target=session.target(question.id),
                status=status,
                level=level,
                confidence=answer.confidence,
                flagged=answer.flagged,
                reason=answer.reason,
                order=order,
            )
        )
    return tuple(scores)


def weighted_score(questions: Iterable[QuestionScore]) -> float | None:
    """100 x sum(weight x level) / sum(weight x 4) over applicable questions; None if there are none."""
    applicable = [q for q in questions if q.level is not None]
    if not applicable:
        return None
    return 100 * sum(q.weight * q.level for q in applicable) / sum(q.weight * MAX_LEVEL for q in applicable)


def target_score(questions: Iterable[QuestionScore]) -> float | None:
    """The weighted score the questions would have at their targets."""
    applicable = [q for q in questions if q.level is not None]
    if not applicable:
        return None
    return 100 * sum(q.weight * q.target for q in applicable) / sum(q.weight * MAX_LEVEL for q in applicable)


def percent_to_target(questions: Iterable[QuestionScore]) -> float | None:
    """1 - sum(weight x gap) / sum(weight x target); 1.0 when every target is 0, None if nothing applies."""
    applicable = [q for q in questions if q.level is not None]
    if not applicable:
        return None
    total_target = sum(q.weight * q.target for q in applicable)
    if total_target == 0:
        return 1.0
    return 1 - sum(q.weighted_gap for q in applicable) / total_target


def weakest_question(questions: Iterable[QuestionScore]) -> QuestionScore | None:
    """The lowest applicable question; ties go to the larger weighted gap, then a gate, then bank order."""
    applicable = [q for q in questions if q.level is not None]
    if not applicable:
        return None
    return min(applicable, key=lambda q: (q.level, -q.weighted_gap, not q.gate, q.order))


@dataclass(frozen=True)
class Scores:
    sets: tuple[SetScore, ...]
    readiness_index: float  # 0.0 when no set has an applicable question
    percent_to_target: float  # 0.0 when nothing is applicable
    weakest_set: SetScore | None


def aggregate(bank: QuestionBank, questions: tuple[QuestionScore, ...]) -> Scores:
    by_section: dict[tuple[str, str], list[QuestionScore]] = {}
    for q in questions:
        by_section.setdefault((q.set_id, q.section_id), []).append(q)

    sets = []
    order = 0
    for qset in bank.sets:
        sections = []
        for section in qset.sections:
            members = by_section.get((qset.id, section.id), [])
            sections.append(
                SectionScore(
                    set_id=qset.id,
                    section_id=section.id,
                    title=section.title,
                    score=weighted_score(members),
                    percent_to_target=percent_to_target(members),
                    weakest=weakest_question(members),
                    question_ids=tuple(q.question_id for q in members),
                    order=order,
                )
            )
            order += 1
        members = [q for s in sections for q in by_section.get((qset.id, s.section_id), [])]
        scored_sections = [s for s in sections if s.score is not None]
        sets.append(
            SetScore(
                set_id=qset.id,
                title=qset.title,
                score=weighted_score(members),
                target_score=target_score(members),
                percent_to_target=percent_to_target(members),
                weakest=min(scored_sections, key=lambda s: (s.score, s.order)) if scored_sections else None,
                sections=tuple(sections),
                applicable=sum(1 for q in members if q.applicable),
                assessed=sum(1 for q in members if q.status is ScoreStatus.ASSESSED),
                unknown=sum(1 for q in members if q.status is ScoreStatus.UNKNOWN),
                unassessed=sum(1 for q in members if q.status is ScoreStatus.UNASSESSED),
                not_applicable=sum(1 for q in members if q.status is ScoreStatus.NOT_APPLICABLE),
                blockers=sum(1 for q in members if q.blocks),
            )
        )

    scored_sets = [s for s in sets if s.score is not None]
    index = fmean(s.score for s in scored_sets) if scored_sets else 0.0
    overall = percent_to_target(questions)
    return Scores(
        sets=tuple(sets),
        readiness_index=index,
        percent_to_target=0.0 if overall is None else overall,
        weakest_set=min(scored_sets, key=lambda s: (s.score, sets.index(s))) if scored_sets else None,
    )


def readiness_index(
    bank: QuestionBank, questions: tuple[QuestionScore, ...], levels: Mapping[str, int] | None = None
) -> float:
    """The readiness index, optionally with some questions' scored levels replaced (for 'what if')."""
    if levels:
        questions = tuple(
            replace(q, level=levels[q.question_id]) if q.question_id in levels and q.applicable else q
            for q in questions
        )
    return aggregate(bank, questions).readiness_index
