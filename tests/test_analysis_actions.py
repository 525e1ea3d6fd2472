"""Recommended actions: which, in what order, why, and the readiness gain, checked by hand.

priority = sum over triggering questions of weight x gap x (2 for a gate) / effort cost (S1 M2 L3).
"""

import pytest

from workshop.analysis import analyse
from workshop.questionnaire import Horizon, QuestionBank, QuestionSet, Section

from factories import accepted, action, make_session, question

MIXED = {"a.gate": 1, "a.plain": "unknown", "a.two": 2, "b.tool": 3, "b.risk": "na"}


def plan(levels, **kwargs):
    return analyse(make_session(levels, **kwargs)).actions


def test_ranking_by_hand():
    actions = plan(MIXED)
    # a.gate.fix:   a.gate w3 gap 2, gate x2 = 12 / S1 = 12
    # a.gate.prove: 12 / M2 = 6
    # a.two.act:    a.two w2 gap 2 = 4 / L3 = 1.33
    # a.plain.doc:  a.plain w1 gap 2 = 2 / M2 = 1 (unknown scores 0, under applies_below 2)
    # b.tool.setup: b.tool at 3, not under applies_below 3 -> not recommended
    # b.risk.review: b.risk not applicable -> never recommended
    assert [(a.action_id, a.horizon) for a in actions] == [
        ("a.gate.fix", Horizon.BEFORE_GO_LIVE),
        ("a.two.act", Horizon.BEFORE_GO_LIVE),
        ("a.gate.prove", Horizon.DURING_ROLLOUT),
        ("a.plain.doc", Horizon.AFTER_LAUNCH),
    ]
    priorities = {a.action_id: a.priority for a in actions}
    assert priorities == pytest.approx({"a.gate.fix": 12, "a.gate.prove": 6, "a.two.act": 4 / 3, "a.plain.doc": 1})
    assert [a.rank for a in actions] == [1, 2, 3, 4]


def test_each_action_says_why():
    fix = analyse(make_session(MIXED)).action("a.gate.fix")
    (trigger,) = fix.triggers
    assert (trigger.question_id, trigger.level, trigger.target, trigger.gap) == ("a.gate", 1, 3, 2)
    assert trigger.sentence == "“Question a.gate?” (a gate) is at level 1, target 3."
    assert (fix.owner, fix.effort.value) == ("Business sponsor", "S")
    # b.tool.setup is not recommended, so it is not a dependency to wait for
    assert fix.depends_on == ()


def test_readiness_gain():
    actions = {a.action_id: a for a in plan(MIXED)}
    # Now: alpha 7/24 = 29.17, beta 75 -> index 52.08.
    # a.gate.fix done: a.gate rises to min(applies_below 3, target 3) = 3;
    # alpha (9 + 0 + 4)/24 = 54.17 -> index 64.58: gain 12.5 points.
    assert actions["a.gate.fix"].gain == pytest.approx(12.5)
    # a.plain.doc: a.plain rises to min(2, 2) = 2 -> alpha (3 + 2 + 4)/24 = 37.5, gain (37.5 - 29.17)/2 = 4.17
    assert actions["a.plain.doc"].gain == pytest.approx((100 * 9 / 24 - 100 * 7 / 24) / 2)


def test_dependency_is_brought_forward_and_comes_first():
    # b.tool 1: b.tool.setup (after launch, w2 gap 2 / S = 4) is needed by a.gate.fix (before go-live, 12):
    # it moves to "before go-live" and is listed just before a.gate.fix.
    actions = plan({"a.gate": 1, "a.plain": 2, "a.two": 4, "b.tool": 1, "b.risk": 2})
    assert [a.action_id for a in actions] == ["b.tool.setup", "a.gate.fix", "a.gate.prove"]
    setup = actions[0]
    assert setup.horizon is Horizon.BEFORE_GO_LIVE
    assert setup.planned_horizon is Horizon.AFTER_LAUNCH
    assert setup.brought_forward
    assert setup.needed_by == ("a.gate.fix",)
    assert setup.priority == pytest.approx(4)
    assert actions[1].depends_on == ("b.tool.setup",)


def test_dependency_outside_the_snapshot_is_ignored():
    actions = plan({"a.gate": 3, "a.plain": 2, "a.two": 4, "b.tool": 3, "b.risk": 0})
    (review,) = actions
    assert review.action_id == "b.risk.review"
    assert review.depends_on == ()


def test_action_needs_both_thresholds():
    # a.gate at 2 with its target lowered to 2: under applies_below 3, but at target -> nothing for it
    assert not [a for a in plan({"a.gate": 2}, targets={"a.gate": 2}) if a.action_id.startswith("a.gate")]
    # with the bank's target of 3 the same level calls for both of its actions
    assert len([a for a in plan({"a.gate": 2}) if a.action_id.startswith("a.gate")]) == 2
    # a.two at 3, target lowered to 3: under applies_below 4 but at target -> not recommended
    assert "a.two.act" not in [a.action_id for a in plan({"a.two": 3}, targets={"a.two": 3})]
    # a.plain at 1 with target 2 but applies_below 2: recommended
    assert "a.plain.doc" in [a.action_id for a in plan({"a.plain": 1})]


def test_decision_and_verify_first():
    actions = {
        a.action_id: a
        for a in plan(MIXED, low_confidence=("a.gate",), decisions={"a.gate.fix": accepted("a.gate.fix", "Jo")})
    }
    fix = actions["a.gate.fix"]
    assert fix.decision.owner_name == "Jo"
    assert fix.decision.due_date.isoformat() == "2026-12-01"
    assert fix.verify_first
    assert actions["a.two.act"].decision is None
    assert not actions["a.two.act"].verify_first


def test_action_triggered_by_several_questions_appears_once():
    shared = action("shared.fix", effort="M", below=3)
    bank = QuestionBank(
        sets=(
            QuestionSet(
                id="s",
                title="S",
                version="1",
                sections=(
                    Section(
                        id="s.one",
                        title="One",
                        questions=(
                            question("q1", weight=2, target=3, actions=(shared,)),
                            question("q2", weight=1, target=2, gate=True, actions=(shared,)),
                        ),
                    ),
                ),
            ),
        )
    )
    (only,) = analyse(make_session({"q1": 1, "q2": 0}, bank=bank)).actions
    # q1: 2 x 2 = 4; q2: 1 x 2 x 2 (gate) = 4; total 8 / M2 = 4
    assert only.action_id == "shared.fix"
    assert [t.question_id for t in only.triggers] == ["q1", "q2"]
    assert only.priority == pytest.approx(4)
    # gain: both questions raised to min(3, target): q1 3, q2 2 -> (6 + 2)/12 - (2 + 0)/12 = 50 points
    assert only.gain == pytest.approx(50)


def test_dependency_cycle_does_not_hang():
    a = action("c.a", depends_on=("c.b",))
    b = action("c.b", depends_on=("c.a",))
    bank = QuestionBank(
        sets=(
            QuestionSet(
                id="c",
                title="C",
                version="1",
                sections=(
                    Section(
                        id="c.s", title="S", questions=(question("cq", weight=1, target=3, actions=(a, b)),)
                    ),
                ),
            ),
        )
    )
    assert sorted(x.action_id for x in analyse(make_session({"cq": 0}, bank=bank)).actions) == ["c.a", "c.b"]


def test_actions_by_horizon_groups_in_order():
    analysis = analyse(make_session(MIXED))
    groups = analysis.actions_by_horizon()
    assert [h for h, _ in groups] == [Horizon.BEFORE_GO_LIVE, Horizon.DURING_ROLLOUT, Horizon.AFTER_LAUNCH]
    assert [a.action_id for a in groups[0][1]] == ["a.gate.fix", "a.two.act"]
