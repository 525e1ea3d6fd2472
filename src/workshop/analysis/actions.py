"""Remediation: which actions the room should take, how urgent each is, and in what order.

- An action is recommended when a question it belongs to scores under the action's
  `applies_below` and under the question's target (not-applicable questions never trigger).
  An action that several questions trigger appears once, with every trigger as a reason.
- priority = sum over its triggers of weight x gap x (2 for a gate) / effort cost (S=1, M=2, L=3).
- gain = readiness-index points gained if every triggering question rose to
  min(applies_below, target): the level at which the action is no longer needed.
- Order: grouped by horizon; a recommended dependency is brought forward into the horizon of
  the earliest action that needs it; within a horizon, the highest priority that has its
  dependencies done comes next, a dependency ranking at least as high as whatever needs it.
  Dependencies that are not recommended or not in the snapshot are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from workshop.analysis.models import QuestionScore, RecommendedAction, Trigger
from workshop.questionnaire import Action, Horizon
from workshop.session import Session

GATE_FACTOR = 2
HORIZON_ORDER = {h: i for i, h in enumerate(Horizon)}


def contribution(q: QuestionScore) -> int:
    """weight x gap x (2 for a gate): what one triggering question adds to an action's priority."""
    return q.weight * q.gap * (GATE_FACTOR if q.gate else 1)


def triggered(q: QuestionScore, action: Action) -> bool:
    return q.level is not None and q.level < action.applies_below and q.level < q.target


def recommend(
    session: Session,
    questions: tuple[QuestionScore, ...],
    index_with: Callable[[Mapping[str, int]], float],
) -> tuple[RecommendedAction, ...]:
    """The ranked plan. `index_with(levels)` gives the readiness index with those levels replaced."""
    scores = {q.question_id: q for q in questions}
    # An action listed under several questions is defined by its first listing in the bank, whichever
    # of its questions trigger it: its effort (and so its priority) must not depend on which do.
    definitions: dict[str, Action] = {}
    for question in session.bank.questions():
        for action in question.actions:
            definitions.setdefault(action.id, action)
    found: dict[str, Action] = {}
    triggers: dict[str, list[Trigger]] = {}
    for question in session.bank.questions():
        q = scores.get(question.id)
        if q is None:
            continue
        for action in question.actions:
            if not triggered(q, action) or any(
                t.question_id == q.question_id for t in triggers.get(action.id, [])
            ):
                continue
            found.setdefault(action.id, definitions[action.id])
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

    priority = {aid: sum(t.contribution for t in triggers[aid]) / found[aid].effort.cost for aid in found}
    deps = {aid: [d for d in dict.fromkeys(found[aid].depends_on) if d in found and d != aid] for aid in found}
    needed_by: dict[str, list[str]] = {aid: [] for aid in found}
    for aid in found:
        for dep in deps[aid]:
            needed_by[dep].append(aid)

    horizon = _effective_horizons(found, deps)
    order = _plan_order(found, deps, needed_by, horizon, priority)

    current = index_with({})
    plan = []
    for rank, aid in enumerate(order, start=1):
        action = found[aid]
        raised: dict[str, int] = {}
        for t in triggers[aid]:
            raised[t.question_id] = max(raised.get(t.question_id, 0), min(t.threshold, t.target))
        plan.append(
            RecommendedAction(
                action_id=aid,
                title=action.title,
                detail=action.detail,
                owner=action.owner,
                effort=action.effort,
                horizon=horizon[aid],
                planned_horizon=action.horizon,
                priority=priority[aid],
                gain=max(0.0, index_with(raised) - current),
                triggers=tuple(triggers[aid]),
                depends_on=tuple(deps[aid]),
                needed_by=tuple(needed_by[aid]),
                decision=session.decisions.get(aid),
                verify_first=any(t.low_confidence for t in triggers[aid]),
                rank=rank,
            )
        )
    return tuple(plan)


def _effective_horizons(found: dict[str, Action], deps: dict[str, list[str]]) -> dict[str, Horizon]:
    """Bring each dependency forward to the earliest horizon of anything that needs it."""
    level = {aid: HORIZON_ORDER[a.horizon] for aid, a in found.items()}
    changed = True
    while changed:  # values only decrease and are bounded below: this ends
        changed = False
        for aid in found:
            for dep in deps[aid]:
                if level[dep] > level[aid]:
                    level[dep] = level[aid]
                    changed = True
    horizons = list(Horizon)
    return {aid: horizons[level[aid]] for aid in found}


def _plan_order(
    found: dict[str, Action],
    deps: dict[str, list[str]],
    needed_by: dict[str, list[str]],
    horizon: dict[str, Horizon],
    priority: dict[str, float],
) -> list[str]:
    # A dependency ranks at least as high as what needs it in the same horizon, so the room
    # meets it just before the urgent action it unblocks rather than at the end of the list.
    key = dict(priority)
    changed = True
    while changed:  # values only increase, and only to values already present: this ends
        changed = False
        for aid in found:
            for dep in deps[aid]:
                if horizon[dep] is horizon[aid] and key[dep] < key[aid]:
                    key[dep] = key[aid]
                    changed = True

    done: set[str] = set()
    order: list[str] = []
    for h in Horizon:
        pending = {aid for aid in found if horizon[aid] is h}
        while pending:
            ready = [aid for aid in pending if all(d in done for d in deps[aid])]
            # Question sets are validated for cycles; if one slips through, break it at the top.
            candidates = ready or list(pending)
            nxt = min(candidates, key=lambda aid: (-key[aid], -priority[aid], aid))
            order.append(nxt)
            done.add(nxt)
            pending.discard(nxt)
    return order
