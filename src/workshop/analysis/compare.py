"""Re-assessment: what changed between an earlier session and a later one.

Levels are compared as scored (unknown and not yet assessed count as 0). Targets are the later
session's. Progress to date is the share of the earlier gap closed since:
    (gap_before - gap_now) / gap_before, with gap = max(0, target - level),
which equals (now - before) / (target - before) while `now` is at most the target, is capped at 1
beyond it, is negative when the level slipped, and is None when there was no gap to close.
Sets and the whole session use weighted gaps over the questions applicable in both sessions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from enum import Enum, StrEnum
from typing import Any

from workshop.analysis.analyse import analyse
from workshop.analysis.models import Analysis, QuestionScore, ScoreStatus
from workshop.session import Session


class Change(StrEnum):
    IMPROVED = "improved"
    SLIPPED = "slipped"
    UNCHANGED = "unchanged"
    NOT_COMPARABLE = "not-comparable"  # not applicable in one of the sessions

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


@dataclass(frozen=True)
class QuestionChange:
    question_id: str
    set_id: str
    prompt: str
    before_status: ScoreStatus
    after_status: ScoreStatus
    before_level: int | None  # scored level, None when not applicable
    after_level: int | None
    target: int  # the later session's target
    change: Change
    progress: float | None  # share of the earlier gap closed; None when there was none


@dataclass(frozen=True)
class SetChange:
    set_id: str
    title: str
    before_score: float | None
    after_score: float | None
    delta: float | None
    change: Change
    progress: float | None


@dataclass(frozen=True)
class Comparison:
    before_session: int
    after_session: int
    before_date: dt.date
    after_date: dt.date
    readiness_before: float
    readiness_after: float
    readiness_delta: float
    progress: float | None  # share of the earlier weighted gap closed, over common questions
    sets: tuple[SetChange, ...]
    questions: tuple[QuestionChange, ...]
    only_before: tuple[str, ...]  # question ids no longer in the later session
    only_after: tuple[str, ...]  # question ids new in the later session
    warnings: tuple[str, ...]

    def counts(self) -> dict[Change, int]:
        return {c: sum(1 for q in self.questions if q.change is c) for c in Change}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data (dates as ISO strings, enums as their values): the one mapping that both
        `workshop compare --json` and the JSON export use."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_EPSILON = 1e-9


def _change(before: float | None, after: float | None) -> Change:
    if before is None or after is None:
        return Change.NOT_COMPARABLE
    if after > before + _EPSILON:
        return Change.IMPROVED
    if after < before - _EPSILON:
        return Change.SLIPPED
    return Change.UNCHANGED


def _progress(pairs: list[tuple[QuestionScore, QuestionScore]]) -> float | None:
    """Share of the earlier weighted gap closed, measured against the later targets."""
    gap_before = gap_now = 0
    for before, after in pairs:
        if before.level is None or after.level is None:
            continue
        gap_before += after.weight * max(0, after.target - before.level)
        gap_now += after.weight * max(0, after.target - after.level)
    if gap_before == 0:
        return None
    return (gap_before - gap_now) / gap_before


def compare_analyses(
    before: Analysis,
    after: Analysis,
    before_date: dt.date,
    after_date: dt.date,
    warnings: tuple[str, ...] = (),
) -> Comparison:
    earlier = {q.question_id: q for q in before.questions}
    later = {q.question_id: q for q in after.questions}
    pairs = [(earlier[q.question_id], q) for q in after.questions if q.question_id in earlier]

    questions = tuple(
        QuestionChange(
            question_id=a.question_id,
            set_id=a.set_id,
            prompt=a.prompt,
            before_status=b.status,
            after_status=a.status,
            before_level=b.level,
            after_level=a.level,
            target=a.target,
            change=_change(b.level, a.level),
            progress=_progress([(b, a)]),
        )
        for b, a in pairs
    )

    sets = []
    for s in after.sets:
        old = before.set_score(s.set_id)
        if old is None:
            continue
        old_score, new_score = old.score, s.score
        sets.append(
            SetChange(
                set_id=s.set_id,
                title=s.title,
                before_score=old_score,
                after_score=new_score,
                delta=None if old_score is None or new_score is None else new_score - old_score,
                change=_change(old_score, new_score),
                progress=_progress([(b, a) for b, a in pairs if a.set_id == s.set_id]),
            )
        )

    return Comparison(
        before_session=before.session_id,
        after_session=after.session_id,
        before_date=before_date,
        after_date=after_date,
        readiness_before=before.readiness_index,
        readiness_after=after.readiness_index,
        readiness_delta=after.readiness_index - before.readiness_index,
        progress=_progress(pairs),
        sets=tuple(sets),
        questions=questions,
        only_before=tuple(qid for qid in earlier if qid not in later),
        only_after=tuple(qid for qid in later if qid not in earlier),
        warnings=warnings,
    )


def compare(before: Session, after: Session) -> Comparison:
    """Compare an earlier session with a later one (normally the same organisation and initiative)."""
    warnings = []
    if (before.organisation.casefold(), before.initiative.casefold()) != (
        after.organisation.casefold(),
        after.initiative.casefold(),
    ):
        warnings.append(
            f"The sessions are for different initiatives: “{before.initiative}” ({before.organisation}) "
            f"and “{after.initiative}” ({after.organisation})."
        )
    if after.date < before.date:
        warnings.append(f"The later session is dated {after.date}, before the earlier one ({before.date}).")
    return compare_analyses(analyse(before), analyse(after), before.date, after.date, tuple(warnings))
