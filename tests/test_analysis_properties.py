"""Properties of the analysis over random answers and random question banks (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.analysis import ActionStatus, ScoreStatus, analyse
from workshop.analysis.scores import readiness_index
from workshop.questionnaire import Action, Effort, Horizon, QuestionBank, QuestionSet, Section
from workshop.session import ActionDecision, Confidence, Decision

from factories import answer, make_session, question, small_bank

SETTINGS = settings(max_examples=60, deadline=None)
VALUES = st.one_of(st.integers(0, 4), st.sampled_from(["unknown", "na", None]))


@st.composite
def random_banks(draw) -> QuestionBank:
    """1-6 questions in 1-2 sets, 1-3 actions each, depending only on earlier actions (so no
    cycles) or on ids outside the bank; an action id may repeat across questions."""
    n_questions = draw(st.integers(1, 6))
    action_ids: list[str] = []
    questions = []
    for qi in range(n_questions):
        actions = []
        for ai in range(draw(st.integers(1, 3))):
            if action_ids and draw(st.integers(0, 9)) == 0:
                shared = draw(st.sampled_from(action_ids))  # the same action under another question
                if shared not in [a.id for a in actions]:
                    actions.append(
                        Action(id=shared, title="Shared", detail="Shared.", owner="Lead",
                               effort=Effort.M, horizon=Horizon.DURING_ROLLOUT, applies_below=3)
                    )
                continue
            aid = f"x{qi}.a{ai}"
            deps = draw(st.lists(st.sampled_from(action_ids), max_size=3, unique=True)) if action_ids else []
            if draw(st.booleans()):
                deps.append("missing.action")
            actions.append(
                Action(
                    id=aid,
                    title=f"Action {aid}",
                    detail="Detail.",
                    owner="Lead",
                    effort=draw(st.sampled_from(list(Effort))),
                    horizon=draw(st.sampled_from(list(Horizon))),
                    applies_below=draw(st.integers(1, 4)),
                    depends_on=tuple(deps),
                )
            )
            action_ids.append(aid)
        questions.append(
            question(
                f"x{qi}",
                weight=draw(st.integers(1, 3)),
                target=draw(st.integers(1, 4)),
                gate=draw(st.booleans()),
                actions=tuple(actions),
            )
        )
    split = draw(st.integers(1, n_questions))
    groups = [questions[:split], questions[split:]]
    sets = tuple(
        QuestionSet(id=f"s{i}", title=f"Set {i}", version="1",
                    sections=(Section(id=f"s{i}.main", title="Main", questions=tuple(group)),))
        for i, group in enumerate(groups)
        if group
    )
    return QuestionBank(sets=sets)


@st.composite
def sessions(draw, bank_strategy=None):
    bank = draw(bank_strategy) if bank_strategy is not None else small_bank()
    answers = {}
    for q in bank.questions():
        value = draw(VALUES)
        confidence = draw(st.sampled_from([None, Confidence.LOW, Confidence.HIGH]))
        answers[q.id] = answer(q.id, value, confidence=confidence)
    targets = draw(st.dictionaries(st.sampled_from([q.id for q in bank.questions()]), st.integers(0, 4), max_size=2))
    return make_session(bank=bank, answers=answers, targets=targets)


ANY_SESSION = st.one_of(sessions(), sessions(random_banks()))


@SETTINGS
@given(session=ANY_SESSION, data=st.data())
def test_raising_one_level_never_lowers_the_index_nor_raises_its_actions(session, data):
    before = analyse(session)
    raisable = [q for q in before.questions if q.level is not None and q.level < 4]
    if not raisable:
        return
    q = data.draw(st.sampled_from(raisable))
    new_level = data.draw(st.integers(q.level + 1, 4))
    old = session.answer(q.question_id)
    raised = answer(q.question_id, new_level, confidence=old.confidence)
    after = analyse(session.model_copy(update={"answers": {**session.answers, q.question_id: raised}}))

    assert after.readiness_index >= before.readiness_index - 1e-9
    assert after.percent_to_target >= before.percent_to_target - 1e-9
    own = {a.id for a in session.bank.question(q.question_id).actions}
    before_priority = {a.action_id: a.priority for a in before.actions}
    for a in after.actions:
        if a.action_id in own:
            assert a.action_id in before_priority, "raising a level must not call for a new action"
            assert a.priority <= before_priority[a.action_id] + 1e-9


@SETTINGS
@given(session=ANY_SESSION)
def test_dependencies_always_come_first(session):
    analysis = analyse(session)
    position = {a.action_id: i for i, a in enumerate(analysis.actions)}
    definitions = session.bank.actions()
    for a in analysis.actions:
        for dep in definitions[a.action_id][1].depends_on:
            if dep in position and dep != a.action_id:
                assert position[dep] < position[a.action_id], f"{dep} must come before {a.action_id}"
    groups = [(a.provisional, list(Horizon).index(a.horizon)) for a in analysis.actions]
    assert groups == sorted(groups), "assessed gaps first, then provisional actions, each grouped by horizon"
    assert [a.rank for a in analysis.actions] == list(range(1, len(analysis.actions) + 1))


@SETTINGS
@given(session=ANY_SESSION)
def test_unassessed_questions_never_outrank_assessed_gaps(session):
    analysis = analyse(session)
    seen_provisional = False
    for a in analysis.actions:
        only_unassessed = all(t.status is ScoreStatus.UNASSESSED for t in a.triggers)
        if a.provisional:
            assert only_unassessed
            seen_provisional = True
        elif only_unassessed:
            assert a.needed_by, "a provisional action ranks with assessed gaps only when one of them needs it"
        else:
            assert not seen_provisional, f"{a.action_id} (an assessed gap) after a provisional action"


@SETTINGS
@given(session=ANY_SESSION)
def test_the_gain_is_the_index_with_the_questions_raised(session):
    analysis = analyse(session)
    for a in (*analysis.actions, *analysis.rejected):
        raised = {t.question_id: min(t.threshold, t.target) for t in a.triggers}
        expected = readiness_index(session.bank, analysis.questions, raised) - analysis.readiness_index
        assert a.gain == pytest.approx(max(0.0, expected), abs=1e-9)


@SETTINGS
@given(session=ANY_SESSION, data=st.data())
def test_decisions_never_make_an_action_vanish(session, data):
    bank_actions = list(session.bank.actions())
    chosen = data.draw(st.lists(st.sampled_from(bank_actions), unique=True, max_size=len(bank_actions)))
    decisions = {
        aid: ActionDecision(action_id=aid, decision=data.draw(st.sampled_from(list(Decision))), owner_name="Jo")
        for aid in chosen
    }
    undecided = analyse(session)
    analysis = analyse(session.model_copy(update={"decisions": decisions}))
    plan = {a.action_id: a for a in analysis.actions}
    rejected = {a.action_id for a in analysis.rejected}
    met = {a.action_id for a in analysis.met}
    for aid, decision in decisions.items():
        if decision.decision is Decision.ACCEPTED:
            assert (aid in plan and plan[aid].status is ActionStatus.ACCEPTED) or aid in met
        else:
            assert aid not in plan and aid not in met
    recommended = {a.action_id for a in undecided.actions}
    assert recommended == (set(plan) | rejected), "a decision moves an action, it never drops one"
    assert all(plan[a].status is ActionStatus.OPEN for a in plan if a not in decisions)
    # numbers are stable whatever is decided
    assert {a.action_id: a.number for a in undecided.actions} == {
        a.action_id: a.number for a in (*analysis.actions, *analysis.rejected)
    }


@SETTINGS
@given(session=ANY_SESSION)
def test_every_action_traces_to_an_answer_under_threshold(session):
    analysis = analyse(session)
    ids = [a.action_id for a in analysis.actions]
    assert len(ids) == len(set(ids)), "an action appears once"
    for a in analysis.actions:
        assert a.triggers
        for t in a.triggers:
            q = analysis.question(t.question_id)
            assert q.applicable
            assert q.level < t.threshold and q.level < q.target
            assert a.action_id in {x.id for x in session.bank.question(t.question_id).actions}
    # and the converse: every question under both thresholds has its actions in the plan
    for q in analysis.questions:
        if q.level is None:
            continue
        for act in session.bank.question(q.question_id).actions:
            if q.level < act.applies_below and q.level < q.target:
                assert act.id in ids
    numbers = [a.number for a in analysis.actions]
    assert len(numbers) == len(set(numbers))
    assert all(1 <= n <= len(session.bank.actions()) for n in numbers)


@SETTINGS
@given(session=ANY_SESSION)
def test_scores_stay_in_range(session):
    analysis = analyse(session)
    assert 0 <= analysis.readiness_index <= 100
    assert 0 <= analysis.percent_to_target <= 1
    for s in analysis.sets:
        assert s.score is None or 0 <= s.score <= 100
    assert all(a.gain >= 0 and a.priority > 0 for a in analysis.actions)
