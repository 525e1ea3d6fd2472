"""A workshop session: who took part, what the room answered, voted and decided.

Pure pydantic models; the store returns them and the analysis reads them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from workshop.parsing import check_date, parse_level, parse_participant
from workshop.questionnaire import MAX_LEVEL, QuestionBank
from workshop.text import clean, normalise_name, skeleton

MAX_NAME = 200
# Notes and evidence are free text typed live; cap them so a stray paste of a
# whole document cannot bloat the store or the exports.
MAX_TEXT = 20_000
MAX_DECISION_NOTE = 2_000


def _as_name(value: Any) -> Any:
    return normalise_name(value) if isinstance(value, str) else value


def _as_text(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


# A name (person, organisation, role, owner) is stored normalised: NFKC, one line, no control or
# invisible characters, so what is typed, stored, compared and shown is the same string.
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME), BeforeValidator(_as_name)]
OptionalName = Annotated[str, StringConstraints(max_length=MAX_NAME), BeforeValidator(_as_name)]
# Free text keeps its line breaks but loses control characters (an escape sequence is never data).
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), BeforeValidator(_as_text)]
Level = Annotated[int, Field(ge=0, le=MAX_LEVEL)]
Date = Annotated[dt.date, AfterValidator(check_date)]


class AnswerStatus(StrEnum):
    LEVEL = "level"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "na"


class Confidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class SessionStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class Decision(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Participant(_Model):
    id: int | None = None
    name: Name
    role: OptionalName = ""

    @classmethod
    def parse(cls, spec: str) -> Participant:
        """'Name:role' as typed on the command line; the role is optional."""
        name, role = parse_participant(spec)
        return cls(name=name, role=role)


class Answer(_Model):
    question_id: str
    status: AnswerStatus | None = None  # None: notes or flags only, not answered yet
    level: Level | None = None
    reason: str = ""  # why not applicable, or why the room settled on this level after a vote
    evidence: str = ""
    confidence: Confidence | None = None
    note: str = ""
    private_note: str = ""
    flagged: bool = False
    answered_by: str = ""
    updated_at: dt.datetime | None = None

    @property
    def answered(self) -> bool:
        return self.status is not None

    def describe(self) -> str:
        if self.status is AnswerStatus.LEVEL:
            return str(self.level)
        if self.status is AnswerStatus.UNKNOWN:
            return "unknown"
        if self.status is AnswerStatus.NOT_APPLICABLE:
            return "n/a"
        return "-"


class AnswerChange(_Model):
    """A partial update to one answer: fields left unset keep their stored value."""

    status: AnswerStatus | None = None
    level: Level | None = None
    reason: Text | None = None
    evidence: Text | None = None
    confidence: Confidence | None = None
    note: Text | None = None
    private_note: Text | None = None
    flagged: bool | None = None
    answered_by: OptionalName | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AnswerChange:
        if self.status is AnswerStatus.LEVEL and self.level is None:
            raise ValueError("a level from 0 to 4 is required")
        if self.status is AnswerStatus.NOT_APPLICABLE and not (self.reason or "").strip():
            raise ValueError("not applicable needs a reason")
        if self.level is not None and self.status not in (None, AnswerStatus.LEVEL):
            raise ValueError("a level goes with status 'level' only")
        return self

    @classmethod
    def not_assessed(cls) -> AnswerChange:
        """Back to "not assessed": the level goes, notes and evidence stay (the history records it)."""
        return cls(status=None)

    @classmethod
    def from_level_text(cls, text: str, reason: str | None = None, **fields) -> AnswerChange:
        """'0'-'4', 'unknown' or 'na' as typed by a facilitator; None fields are left unset."""
        given = {k: v for k, v in {"reason": reason, **fields}.items() if v is not None}
        status, level = parse_level(text)
        return cls(status=AnswerStatus(status), level=level, **given)

    def apply(self, answer: Answer) -> Answer:
        changes = self.model_dump(exclude_unset=True)
        if "status" in changes and changes["status"] is not AnswerStatus.LEVEL:
            changes["level"] = None
        return answer.model_copy(update=changes)


class RoundState(StrEnum):
    OPEN = "open"  # collecting votes: nobody sees a level
    REVEALED = "revealed"  # the spread is shown to the room
    SETTLED = "settled"  # the room agreed a level after the reveal


class Vote(_Model):
    question_id: str
    participant_id: int
    level: Level | None  # None: the participant voted "don't know"
    round_id: int | None = None


class VoteRound(_Model):
    """One blind vote on one question. A question can be voted on again; earlier rounds are kept."""

    id: int
    question_id: str
    state: RoundState
    opened_at: dt.datetime
    revealed_at: dt.datetime | None = None
    settled_at: dt.datetime | None = None
    votes: tuple[Vote, ...] = ()  # one per participant who voted, in participant id order

    @property
    def is_open(self) -> bool:
        return self.state is RoundState.OPEN

    @property
    def voters(self) -> frozenset[int]:
        return frozenset(v.participant_id for v in self.votes)

    def levels(self) -> dict[int, int | None]:
        """Participant id -> level (None for "don't know")."""
        return {v.participant_id: v.level for v in self.votes}


class ActionDecision(_Model):
    action_id: str
    decision: Decision
    owner_name: OptionalName = ""
    due_date: Date | None = None
    note: Annotated[str, StringConstraints(max_length=MAX_DECISION_NOTE), BeforeValidator(_as_text)] = ""
    decided_at: dt.datetime | None = None


class RunningClock(_Model):
    """The set whose time box is running, and since when (wall clock, UTC)."""

    set_id: str
    since: dt.datetime


class TargetChange(_Model):
    """A question's target raised or lowered for one workshop (None: the question set's own)."""

    question_id: str
    old_target: int | None
    new_target: int | None
    changed_at: dt.datetime


class HistoryEntry(_Model):
    question_id: str
    field: str
    old_value: str | None
    new_value: str | None
    changed_at: dt.datetime


class NewSession(_Model):
    """What a facilitator fills in to start a workshop (validated before anything is stored)."""

    organisation: Name
    initiative: Name
    facilitator: Name
    date: Date = Field(default_factory=dt.date.today)
    participants: tuple[Participant, ...] = Field(default=(), max_length=100)
    sets: tuple[str, ...] = Field(min_length=1)
    time_boxes: dict[str, int] = Field(default_factory=dict)  # set id -> minutes

    @field_validator("sets")
    @classmethod
    def _each_set_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for set_id in value:
            if value.count(set_id) > 1:
                raise ValueError(f"question set '{set_id}' is listed twice")
        return value

    @field_validator("time_boxes")
    @classmethod
    def _positive_minutes(cls, value: dict[str, int]) -> dict[str, int]:
        for set_id, minutes in value.items():
            if not 0 < minutes <= 600:
                raise ValueError(f"time box for '{set_id}' must be 1-600 minutes")
        return value

    @field_validator("participants")
    @classmethod
    def _unique_names(cls, value: tuple[Participant, ...]) -> tuple[Participant, ...]:
        # Names that look the same ("Bo", "BO", "Bо" with a Cyrillic о) would split one person's
        # votes in two, or let a phone claim somebody else's name.
        seen: dict[str, str] = {}
        for p in value:
            key = skeleton(p.name)
            if key in seen:
                same = "is listed twice" if seen[key] == p.name else f"looks the same as '{seen[key]}'"
                raise ValueError(f"participant '{p.name}' {same}")
            seen[key] = p.name
        return value

    @model_validator(mode="after")
    def _time_boxes_for_chosen_sets(self) -> NewSession:
        for set_id in self.time_boxes:
            if set_id not in self.sets:
                raise ValueError(f"a time box is given for '{set_id}', which is not one of the workshop's sets")
        return self


class SessionSummary(_Model):
    id: int
    organisation: str
    initiative: str
    facilitator: str
    date: dt.date
    status: SessionStatus
    sets: tuple[str, ...]
    answered: int
    total: int
    created_at: dt.datetime
    updated_at: dt.datetime | None = None  # last change that can move the verdict


class Session(_Model):
    """Everything recorded for one workshop, with the questionnaire as it was when it began."""

    id: int
    organisation: str
    initiative: str
    facilitator: str
    date: dt.date
    status: SessionStatus
    sets: tuple[str, ...]
    bank: QuestionBank  # the snapshot taken when the session was created
    participants: tuple[Participant, ...] = ()
    answers: dict[str, Answer] = Field(default_factory=dict)
    rounds: tuple[VoteRound, ...] = ()  # every vote round, oldest first
    decisions: dict[str, ActionDecision] = Field(default_factory=dict)
    targets: dict[str, int] = Field(default_factory=dict)  # per-session target overrides
    target_changes: tuple[TargetChange, ...] = ()  # oldest first
    time_boxes: dict[str, int] = Field(default_factory=dict)
    elapsed: dict[str, int] = Field(default_factory=dict)  # set id -> seconds booked
    clock: RunningClock | None = None  # the time box running now, if any
    position: str | None = None  # question the facilitator was on
    created_at: dt.datetime | None = None

    def answer(self, question_id: str) -> Answer:
        return self.answers.get(question_id) or Answer(question_id=question_id)

    def target(self, question_id: str) -> int:
        if question_id in self.targets:
            return self.targets[question_id]
        question = self.bank.question(question_id)
        return question.target if question else MAX_LEVEL

    def spent(self, set_id: str, now: dt.datetime) -> float:
        """Seconds spent on a set: what is booked, plus the running stretch if its clock runs."""
        seconds = float(self.elapsed.get(set_id, 0))
        if self.clock is not None and self.clock.set_id == set_id:
            seconds += max(0.0, (now - self.clock.since).total_seconds())
        return seconds

    def latest_round(self, question_id: str) -> VoteRound | None:
        """The question's most recent round, whatever its state."""
        return next((r for r in reversed(self.rounds) if r.question_id == question_id), None)

    def open_round(self) -> VoteRound | None:
        """The round most recently opened that is still collecting votes (what phones vote on)."""
        return next((r for r in sorted(self.rounds, key=lambda r: r.opened_at, reverse=True) if r.is_open), None)

    @property
    def votes(self) -> tuple[Vote, ...]:
        """The votes the room has seen: each question's latest revealed or settled round.

        Votes of a round still open are blind and appear nowhere else.
        """
        latest: dict[str, VoteRound] = {}
        for r in self.rounds:
            if not r.is_open:
                latest[r.question_id] = r
        return tuple(v for r in latest.values() for v in r.votes)

    def votes_for(self, question_id: str) -> list[Vote]:
        return [v for v in self.votes if v.question_id == question_id]

    def participant_name(self, participant_id: int) -> str:
        return next((p.name for p in self.participants if p.id == participant_id), f"#{participant_id}")

    @property
    def answered_count(self) -> int:
        return sum(1 for q in self.bank.questions() if self.answer(q.id).answered)

    @property
    def total(self) -> int:
        return len(self.bank.questions())
