"""What the analysis returns: frozen dataclasses read by the exports, the CLI and the TUI.

Scores are on a 0-100 scale (level 4 = 100); percent-to-target is a fraction from 0 to 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from workshop.questionnaire import MAX_LEVEL, Effort, Horizon
from workshop.session import ActionDecision, Confidence


def _due(action: RecommendedAction) -> dt.date:
    due = action.decision.due_date if action.decision is not None else None
    return due or dt.date.max


class ScoreStatus(StrEnum):
    """How a question's level was obtained."""

    ASSESSED = "assessed"  # the room gave a level 0-4
    UNKNOWN = "unknown"  # the room does not know: scored as 0
    UNASSESSED = "unassessed"  # not answered yet: scored as 0
    NOT_APPLICABLE = "na"  # drops out of every average

    @property
    def label(self) -> str:
        return {
            "assessed": "assessed",
            "unknown": "unknown",
            "unassessed": "not yet assessed",
            "na": "not applicable",
        }[self.value]


@dataclass(frozen=True)
class QuestionScore:
    question_id: str
    set_id: str
    section_id: str
    prompt: str
    weight: int
    gate: bool
    target: int  # the session's target (overrides applied)
    status: ScoreStatus
    level: int | None  # the scored level: 0 for unknown or unassessed, None when not applicable
    confidence: Confidence | None
    flagged: bool
    reason: str  # why not applicable, or why the room settled on its level
    order: int  # position in the session's question bank

    @property
    def applicable(self) -> bool:
        return self.status is not ScoreStatus.NOT_APPLICABLE

    @property
    def gap(self) -> int:
        """Levels still missing to reach the target (0 when met, exceeded or not applicable)."""
        if self.level is None:
            return 0
        return max(0, self.target - self.level)

    @property
    def weighted_gap(self) -> int:
        return self.weight * self.gap

    @property
    def score(self) -> float | None:
        """The level on the 0-100 scale, None when not applicable."""
        return None if self.level is None else 100 * self.level / MAX_LEVEL

    @property
    def blocks(self) -> bool:
        """A gate question under its target: the verdict is 'not ready' while this holds."""
        return self.gate and self.gap > 0

    @property
    def is_gap(self) -> bool:
        """Under target as the room answered it ("unknown" included): a question still to assess
        scores 0 but is no gap until the room has said where it stands."""
        return self.gap > 0 and self.status is not ScoreStatus.UNASSESSED

    @property
    def low_confidence(self) -> bool:
        return self.confidence is Confidence.LOW and self.status is not ScoreStatus.UNASSESSED

    @property
    def level_text(self) -> str:
        """'3', 'unknown (0)', 'not assessed (0)' or 'n/a'."""
        if self.status is ScoreStatus.ASSESSED:
            return str(self.level)
        if self.status is ScoreStatus.UNKNOWN:
            return "unknown (0)"
        if self.status is ScoreStatus.UNASSESSED:
            return "not assessed (0)"
        return "n/a"


@dataclass(frozen=True)
class SectionScore:
    set_id: str
    section_id: str
    title: str
    score: float | None  # weighted 0-100, None when every question is not applicable
    percent_to_target: float | None
    weakest: QuestionScore | None  # the lowest applicable question
    question_ids: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class SetScore:
    set_id: str
    title: str
    score: float | None  # weighted 0-100 over the set's applicable questions
    target_score: float | None  # what the score would be with every question at its target
    percent_to_target: float | None
    weakest: SectionScore | None  # the lowest section
    sections: tuple[SectionScore, ...]
    applicable: int
    assessed: int
    unknown: int
    unassessed: int
    not_applicable: int
    blockers: int  # gate questions under target


class VerdictStatus(StrEnum):
    READY = "ready"
    READY_WITH_CONDITIONS = "ready-with-conditions"
    NOT_READY = "not-ready"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True)
class Verdict:
    status: VerdictStatus
    summary: str  # the verdict in one sentence, with why
    reasons: tuple[str, ...]  # whole sentences on everything but single gates, most important first
    gate_reasons: tuple[str, ...]  # one sentence per gate under target: failed first, then still to assess
    blockers: tuple[QuestionScore, ...]  # gate questions under their target, not yet assessed ones included
    threshold: float  # the percent-to-target needed for 'ready with conditions'
    unassessed: tuple[QuestionScore, ...] = ()  # applicable questions not assessed yet
    applicable: int = 0  # how many questions apply

    @property
    def failed_gates(self) -> tuple[QuestionScore, ...]:
        """Gates the room assessed (or said it does not know) under their target: 'gate not met'."""
        return tuple(q for q in self.blockers if q.status is not ScoreStatus.UNASSESSED)

    @property
    def gates_to_assess(self) -> tuple[QuestionScore, ...]:
        """Gates not assessed yet: 'still to assess', never 'not met'."""
        return tuple(q for q in self.blockers if q.status is ScoreStatus.UNASSESSED)

    @property
    def provisional(self) -> bool:
        """Questions are still to assess: the verdict can change once they are."""
        return bool(self.unassessed)

    @property
    def provisional_note(self) -> str:
        """'Provisional: 51 of 66 questions (3 of them gates) are not assessed yet; ...', or '' when complete."""
        missing, gates = len(self.unassessed), len(self.gates_to_assess)
        if not missing:
            return ""
        of_them = f" ({gates} of them {'a gate' if gates == 1 else 'gates'})" if gates else ""
        verb = "is" if missing == 1 else "are"
        return (
            f"Provisional: {missing} of {self.applicable} questions{of_them} {verb} not assessed yet; "
            "the verdict can change once they are."
        )


@dataclass(frozen=True)
class Trigger:
    """One question that makes an action necessary."""

    question_id: str
    prompt: str
    status: ScoreStatus
    level: int  # the scored level
    target: int
    threshold: int  # the action's applies_below for this question
    weight: int
    gate: bool
    low_confidence: bool
    contribution: int  # weight x gap x (2 for a gate), before dividing by effort

    @property
    def gap(self) -> int:
        return self.target - self.level

    @property
    def sentence(self) -> str:
        level = {
            ScoreStatus.UNKNOWN: "unknown (scored 0)",
            ScoreStatus.UNASSESSED: "not yet assessed (scored 0)",
        }.get(self.status, f"at level {self.level}")
        gate = " (a gate)" if self.gate else ""
        return f"“{self.prompt}”{gate} is {level}, target {self.target}."


class ActionStatus(StrEnum):
    """Where an action stands with the room."""

    OPEN = "open"  # recommended, not decided yet
    ACCEPTED = "accepted"  # recommended and accepted: in the plan, with its owner and due date
    MET = "met"  # accepted, and its questions have since reached the level it addressed
    REJECTED = "rejected"  # recommended, but the room rejected it: out of the ranking

    @property
    def label(self) -> str:
        return {"open": "not decided", "accepted": "accepted", "met": "done", "rejected": "rejected"}[self.value]


@dataclass(frozen=True)
class RecommendedAction:
    action_id: str
    number: int  # stable within a workshop: its position among the distinct actions of the bank snapshot
    title: str
    detail: str
    owner: str  # the role that owns it, from the question set
    effort: Effort
    horizon: Horizon  # where it sits in the plan (brought forward when an earlier action needs it)
    planned_horizon: Horizon  # the horizon the question set gives it
    priority: float  # sum of trigger contributions / effort cost
    gain: float  # readiness-index points gained if its questions reach min(threshold, target)
    triggers: tuple[Trigger, ...]  # empty for an accepted action whose questions have reached its level
    depends_on: tuple[str, ...]  # ranked actions that must come first
    needed_by: tuple[str, ...]  # ranked actions that depend on this one
    decision: ActionDecision | None  # what the room decided, if anything
    verify_first: bool  # a triggering answer was given with low confidence
    rank: int | None  # 1-based position in the plan; None for a done or rejected action
    status: ActionStatus = ActionStatus.OPEN
    provisional: bool = False  # every question calling for it is not assessed yet
    question_ids: tuple[str, ...] = ()  # every question of the bank that lists this action

    @property
    def brought_forward(self) -> bool:
        return self.horizon != self.planned_horizon

    @property
    def needed_first(self) -> bool:
        """Ranked among the known gaps only because an action for one depends on it: its own
        questions are all still to assess."""
        return (self.rank is not None and not self.provisional and bool(self.triggers)
                and all(t.status is ScoreStatus.UNASSESSED for t in self.triggers))

    @property
    def owner_name(self) -> str:
        """One owner: the person the room named, else the question set's role."""
        named = self.decision.owner_name.strip() if self.decision is not None else ""
        return named or self.owner

    @property
    def label(self) -> str:
        """'#12 Agree the KPIs': how people name an action."""
        return f"#{self.number} {self.title}"


@dataclass(frozen=True)
class VoteCast:
    participant_id: int
    name: str
    level: int | None  # None: "don't know"


@dataclass(frozen=True)
class Divergence:
    """The votes on one question, next to the level the room settled on."""

    question_id: str
    set_id: str
    prompt: str
    votes: tuple[VoteCast, ...]  # one per participant, in participant order
    spread: int  # highest level voted - lowest ("don't know" left out)
    misaligned: bool  # spread >= MISALIGNED_SPREAD
    consensus: str  # the room's answer as shown: '0'-'4', 'unknown', 'n/a' or '-'
    consensus_level: int | None
    reason: str  # Answer.reason: why the room settled on its level

    @property
    def counts(self) -> dict[int, int]:
        """Level -> how many voted it, levels that nobody voted left out, lowest first."""
        found: dict[int, int] = {}
        for v in sorted(self.votes, key=lambda v: -1 if v.level is None else v.level):
            if v.level is not None:
                found[v.level] = found.get(v.level, 0) + 1
        return found

    @property
    def dont_know(self) -> int:
        return sum(1 for v in self.votes if v.level is None)


@dataclass(frozen=True)
class Analysis:
    session_id: int
    questions: tuple[QuestionScore, ...]  # in bank order
    sets: tuple[SetScore, ...]  # in bank order, each with its sections
    readiness_index: float  # mean of the set scores, 0-100
    percent_to_target: float  # 1 - total weighted gap / total weighted target, 0-1
    weakest_set: SetScore | None
    verdict: Verdict
    # The ranked plan: actions for assessed gaps first, grouped by horizon, then the provisional ones
    # (called for only by questions not assessed yet); dependencies first. Rejected actions are not in it.
    actions: tuple[RecommendedAction, ...]
    divergences: tuple[Divergence, ...]  # every question with votes, in bank order
    met: tuple[RecommendedAction, ...] = ()  # accepted actions no longer needed: their questions got there
    rejected: tuple[RecommendedAction, ...] = ()  # recommended actions the room rejected, by number

    @cached_property
    def _questions_by_id(self) -> dict[str, QuestionScore]:
        return {q.question_id: q for q in self.questions}

    @cached_property
    def _actions_by_id(self) -> dict[str, RecommendedAction]:
        return {a.action_id: a for a in (*self.actions, *self.met, *self.rejected)}

    def question(self, question_id: str) -> QuestionScore | None:
        return self._questions_by_id.get(question_id)

    def set_score(self, set_id: str) -> SetScore | None:
        return next((s for s in self.sets if s.set_id == set_id), None)

    def action(self, action_id: str) -> RecommendedAction | None:
        """Any action the analysis knows of: ranked, done or rejected."""
        return self._actions_by_id.get(action_id)

    @property
    def sections(self) -> tuple[SectionScore, ...]:
        return tuple(section for s in self.sets for section in s.sections)

    def actions_by_horizon(self, provisional: bool = False) -> list[tuple[Horizon, tuple[RecommendedAction, ...]]]:
        """The plan's non-empty horizon groups, in horizon order: of the actions for assessed gaps, or
        (`provisional`) of those called for only by questions not assessed yet."""
        groups = []
        for horizon in Horizon:
            items = tuple(a for a in self.actions if a.horizon is horizon and a.provisional is provisional)
            if items:
                groups.append((horizon, items))
        return groups

    @property
    def agreed(self) -> tuple[RecommendedAction, ...]:
        """Every accepted action, done ones included: soonest due date first, undated last, then by number."""
        accepted = [a for a in self.actions if a.status is ActionStatus.ACCEPTED] + list(self.met)
        return tuple(sorted(accepted, key=lambda a: (_due(a), a.number)))

    def next_actions(self, limit: int = 10) -> tuple[RecommendedAction, ...]:
        """The top of the plan the room has not decided yet, for assessed gaps only."""
        return tuple(a for a in self.actions if a.status is ActionStatus.OPEN and not a.provisional)[:limit]

    @property
    def provisional_actions(self) -> tuple[RecommendedAction, ...]:
        return tuple(a for a in self.actions if a.provisional)

    @property
    def misaligned(self) -> tuple[Divergence, ...]:
        return tuple(d for d in self.divergences if d.misaligned)

    @property
    def unknown(self) -> tuple[QuestionScore, ...]:
        return tuple(q for q in self.questions if q.status is ScoreStatus.UNKNOWN)

    @property
    def unassessed(self) -> tuple[QuestionScore, ...]:
        return tuple(q for q in self.questions if q.status is ScoreStatus.UNASSESSED)

    @property
    def not_applicable(self) -> tuple[QuestionScore, ...]:
        return tuple(q for q in self.questions if q.status is ScoreStatus.NOT_APPLICABLE)

    @property
    def low_confidence(self) -> tuple[QuestionScore, ...]:
        """Answers the room marked low-confidence: verify them before acting on them."""
        return tuple(q for q in self.questions if q.low_confidence)

    @property
    def flagged(self) -> tuple[QuestionScore, ...]:
        return tuple(q for q in self.questions if q.flagged)
