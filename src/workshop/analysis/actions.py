"""Remediation: which actions the room should take, how urgent each is, and in what order.

- An action is recommended when a question it belongs to scores under the action's
  `applies_below` and under the question's target (not-applicable questions never trigger).
  An action that several questions trigger appears once, with every trigger as a reason.
- Every action has a stable number: its position among the distinct actions of the session's
  question-set snapshot, in bank order. It never changes within a workshop, whatever is answered.
- Decisions: a rejected action leaves the ranking (it is listed apart, with the room's reason); an
  accepted action stays in the plan while it is needed, and once its questions reach the level it
  addressed it is listed as done instead of vanishing.
- priority = sum over its triggers of weight x gap x (2 for a gate) / effort cost (S=1, M=2, L=3).
- gain = readiness-index points gained if every triggering question rose to
  min(applies_below, target): the level at which the action is no longer needed.
- Order: actions called for by an assessed (or unknown) answer come first; those called for only
  by questions not assessed yet ("provisional") come after all of them, so a half-finished workshop
  never ranks guesses above known gaps. Each of the two tiers is grouped by horizon. A ranked
  dependency is brought forward into the tier and horizon of the earliest action that needs it;
  within a group the highest priority that has its dependencies done comes next, a dependency
  ranking at least as high as whatever needs it. Dependencies that are not recommended, rejected
  or not in the snapshot are ignored.

Everything here is linear in the size of the bank (plus a log factor for the ordering heap).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable

from workshop.analysis.models import ActionStatus, QuestionScore, RecommendedAction, ScoreStatus, Trigger
from workshop.questionnaire import MAX_LEVEL, Action, Horizon
from workshop.session import Decision, Session

GATE_FACTOR = 2
HORIZON_ORDER = {h: i for i, h in enumerate(Horizon)}
HORIZONS = list(Horizon)


def contribution(q: QuestionScore) -> int:
    """weight x gap x (2 for a gate): what one triggering question adds to an action's priority."""
    return q.weight * q.gap * (GATE_FACTOR if q.gate else 1)


def triggered(q: QuestionScore, action: Action) -> bool:
    return q.level is not None and q.level < action.applies_below and q.level < q.target


def action_numbers(session: Session) -> dict[str, int]:
    """Action id -> its stable number: 1-based position among the bank's distinct actions, in bank order."""
    numbers: dict[str, int] = {}
    for question in session.bank.questions():
        for action in question.actions:
            numbers.setdefault(action.id, len(numbers) + 1)
    return numbers


class _GainCalculator:
    """Readiness-index points won by raising some questions' levels, in time linear in the questions raised.

    The index is the mean of the scored sets' scores, and a set scores 100 x sum(w x level) / sum(w x 4)
    over its applicable questions. Raising levels never changes which questions apply, so each point a
    question of weight w rises adds 100 x w / (4 x W_set) / scored sets to the index.
    """

    def __init__(self, questions: Iterable[QuestionScore]):
        self.set_weight: dict[str, int] = {}
        for q in questions:
            if q.applicable:
                self.set_weight[q.set_id] = self.set_weight.get(q.set_id, 0) + q.weight
        self.scored_sets = len(self.set_weight)

    def gain(self, raised: Iterable[tuple[QuestionScore, int]]) -> float:
        if not self.scored_sets:
            return 0.0
        points = 0.0
        for q, level in raised:
            if q.level is None or level <= q.level:
                continue
            points += 100 * q.weight * (level - q.level) / (MAX_LEVEL * self.set_weight[q.set_id])
        return points / self.scored_sets


def recommend(
    session: Session, questions: tuple[QuestionScore, ...]
) -> tuple[tuple[RecommendedAction, ...], tuple[RecommendedAction, ...], tuple[RecommendedAction, ...]]:
    """(the ranked plan, accepted actions now done, rejected actions)."""
    scores = {q.question_id: q for q in questions}
    numbers = action_numbers(session)
    # An action listed under several questions is defined by its first listing in the bank, whichever
    # of its questions trigger it: its effort (and so its priority) must not depend on which do.
    definitions: dict[str, Action] = {}
    listed_by: dict[str, list[str]] = {}
    triggers: dict[str, list[Trigger]] = {}
    trigger_scores: dict[str, list[QuestionScore]] = {}
    for question in session.bank.questions():
        q = scores.get(question.id)
        for action in question.actions:
            definitions.setdefault(action.id, action)
            listing = listed_by.setdefault(action.id, [])
            if question.id in listing:
                continue
            listing.append(question.id)
            if q is None or not triggered(q, action):
                continue
            triggers.setdefault(action.id, []).append(
                Trigger(
                    question_id=q.question_id,
                    prompt=q.prompt,
                    status=q.status,
                    level=q.level,
                    target=q.target,
                    threshold=action.applies_below,
                    weight=q.weight,
                    gate=q.gate,
                    low_confidence=q.low_confidence,
                    contribution=contribution(q),
                )
            )
            trigger_scores.setdefault(action.id, []).append(q)

    decisions = session.decisions
    rejected_ids = [aid for aid in triggers if _decided(session, aid) is Decision.REJECTED]
    out_of_plan = set(rejected_ids)
    found = {aid: definitions[aid] for aid in triggers if aid not in out_of_plan}
    priority = {aid: sum(t.contribution for t in triggers[aid]) / found[aid].effort.cost for aid in found}
    deps = {aid: [d for d in dict.fromkeys(found[aid].depends_on) if d in found and d != aid] for aid in found}
    needed_by: dict[str, list[str]] = {aid: [] for aid in found}
    for aid in found:
        for dep in deps[aid]:
            needed_by[dep].append(aid)

    provisional = {aid: all(t.status is ScoreStatus.UNASSESSED for t in triggers[aid]) for aid in found}
    order_of_needs = _dependents_first(found, deps, needed_by)
    # Tier 0: for assessed gaps, 1: provisional. A dependency joins the earliest tier and horizon needing it.
    tier = {aid: int(provisional[aid]) for aid in found}
    level = {aid: HORIZON_ORDER[a.horizon] for aid, a in found.items()}
    _propagate_down(order_of_needs, deps, tier)
    _propagate_down(order_of_needs, deps, level)
    group = {aid: (tier[aid], level[aid]) for aid in found}
    # A dependency ranks at least as high as what needs it in the same group, so the room meets it
    # just before the urgent action it unblocks rather than at the end of the list.
    key = dict(priority)
    _propagate_up(order_of_needs, deps, key, same=group)
    order = _plan_order(found, deps, needed_by, group, key, priority, numbers)

    gains = _GainCalculator(questions)

    def build(aid: str, rank: int | None, status: ActionStatus) -> RecommendedAction:
        action = definitions[aid]
        its_triggers = tuple(triggers.get(aid, ()))
        raised = [(q, min(t.threshold, t.target)) for q, t in zip(trigger_scores.get(aid, ()), its_triggers,
                                                                    strict=True)]
        in_plan = aid in found
        return RecommendedAction(
            action_id=aid,
            number=numbers[aid],
            title=action.title,
            detail=action.detail,
            owner=action.owner,
            effort=action.effort,
            horizon=HORIZONS[level[aid]] if in_plan else action.horizon,
            planned_horizon=action.horizon,
            priority=priority.get(aid, 0.0) if in_plan else sum(t.contribution for t in its_triggers) / action.effort.cost,
            gain=gains.gain(raised),
            triggers=its_triggers,
            depends_on=tuple(deps.get(aid, ())),
            needed_by=tuple(needed_by.get(aid, ())),
            decision=decisions.get(aid),
            verify_first=any(t.low_confidence for t in its_triggers),
            rank=rank,
            status=status,
            # In the plan: in the provisional tier (a dependency an assessed gap needs is not provisional).
            provisional=tier[aid] == 1 if in_plan else bool(its_triggers) and all(
                t.status is ScoreStatus.UNASSESSED for t in its_triggers),
            question_ids=tuple(listed_by.get(aid, ())),
        )

    plan = tuple(
        build(aid, rank, ActionStatus.ACCEPTED if _decided(session, aid) is Decision.ACCEPTED else ActionStatus.OPEN)
        for rank, aid in enumerate(order, start=1)
    )
    met = tuple(
        build(aid, None, ActionStatus.MET)
        for aid in sorted(decisions, key=lambda a: numbers.get(a, 0))
        if aid in definitions and aid not in triggers and decisions[aid].decision is Decision.ACCEPTED
    )
    rejected = tuple(build(aid, None, ActionStatus.REJECTED) for aid in sorted(rejected_ids, key=numbers.__getitem__))
    return plan, met, rejected


def _decided(session: Session, action_id: str) -> Decision | None:
    decision = session.decisions.get(action_id)
    return decision.decision if decision is not None else None


def _dependents_first(found: dict[str, Action], deps: dict[str, list[str]], needed_by: dict[str, list[str]]) -> list[str]:
    """Every action after all the actions that need it (Kahn's algorithm). Question sets are validated
    for cycles; should one slip through, its members follow in bank order and the passes below repeat."""
    waiting = {aid: len(needed_by[aid]) for aid in found}
    queue = deque(aid for aid in found if waiting[aid] == 0)
    order: list[str] = []
    while queue:
        aid = queue.popleft()
        order.append(aid)
        for dep in deps[aid]:
            waiting[dep] -= 1
            if waiting[dep] == 0:
                queue.append(dep)
    if len(order) < len(found):
        placed = set(order)
        order += [aid for aid in found if aid not in placed]
    return order


def _propagate_down(order: list[str], deps: dict[str, list[str]], value: dict[str, int]) -> None:
    """Give each dependency the lowest value of anything that needs it. One pass over a dependents-first
    order settles an acyclic plan; a cycle needs more, and values only decrease within a small range."""
    changed = True
    while changed:
        changed = False
        for aid in order:
            for dep in deps[aid]:
                if value[dep] > value[aid]:
                    value[dep] = value[aid]
                    changed = True


def _propagate_up(order: list[str], deps: dict[str, list[str]], key: dict[str, float],
                  same: dict[str, tuple[int, int]]) -> None:
    """Give each dependency at least the key of whatever needs it in the same group (values only rise,
    and only to values already present, so repeating for a cycle ends)."""
    changed = True
    while changed:
        changed = False
        for aid in order:
            for dep in deps[aid]:
                if same[dep] == same[aid] and key[dep] < key[aid]:
                    key[dep] = key[aid]
                    changed = True


def _plan_order(
    found: dict[str, Action],
    deps: dict[str, list[str]],
    needed_by: dict[str, list[str]],
    group: dict[str, tuple[int, int]],
    key: dict[str, float],
    priority: dict[str, float],
    numbers: dict[str, int],
) -> list[str]:
    """Group by group (tier, then horizon); inside one, the best ready action next (a heap)."""
    def rank_key(aid: str) -> tuple[float, float, int]:
        return (-key[aid], -priority[aid], numbers[aid])

    members: dict[tuple[int, int], list[str]] = {}
    for aid in found:
        members.setdefault(group[aid], []).append(aid)
    order: list[str] = []
    for g in sorted(members):
        pending = set(members[g])
        # Dependencies always sit in the same or an earlier group, and earlier groups are done.
        waiting = {aid: sum(1 for d in deps[aid] if group[d] == g) for aid in pending}
        heap = [(rank_key(aid), aid) for aid in pending if waiting[aid] == 0]
        heapq.heapify(heap)
        while pending:
            if heap:
                _, nxt = heapq.heappop(heap)
            else:  # a dependency cycle slipped through validation: break it at the top
                nxt = min(pending, key=rank_key)
            if nxt not in pending:
                continue
            order.append(nxt)
            pending.discard(nxt)
            for user in needed_by[nxt]:
                if user in pending and group[user] == g:
                    waiting[user] -= 1
                    if waiting[user] == 0:
                        heapq.heappush(heap, (rank_key(user), user))
    return order
