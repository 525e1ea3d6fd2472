"""Recommended actions: which, in what order, why, and the readiness gain, checked by hand.

priority = sum over triggering questions of weight x gap x (2 for a gate) / effort cost (S1 M2 L3).
"""

import datetime as dt
from pathlib import Path

import pytest

import workshop.analysis
from workshop.analysis import ActionStatus, analyse
from workshop.questionnaire import Horizon, QuestionBank, QuestionSet, Section
from workshop.session import ActionDecision, Decision

from factories import accepted, action, make_session, question

ANALYSIS = str(Path(workshop.analysis.__file__).parent)

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


def test_every_action_has_a_stable_number_in_bank_order():
    # bank order: a.gate.fix 1, a.gate.prove 2, a.plain.doc 3, a.two.act 4, b.tool.setup 5, b.risk.review 6
    numbers = {a.action_id: a.number for a in plan(MIXED)}
    assert numbers == {"a.gate.fix": 1, "a.gate.prove": 2, "a.plain.doc": 3, "a.two.act": 4}
    other = {a.action_id: a.number for a in plan({"a.gate": 3, "a.plain": 2, "a.two": 4, "b.tool": 0, "b.risk": 0})}
    assert other == {"b.tool.setup": 5, "b.risk.review": 6}
    assert plan(MIXED)[0].label == "#1 Do a.gate.fix"


def test_a_rejected_action_leaves_the_ranking_and_is_listed_with_its_reason():
    rejected = ActionDecision(action_id="a.gate.fix", decision=Decision.REJECTED, note="Done group-wide")
    analysis = analyse(make_session(MIXED, decisions={"a.gate.fix": rejected}))
    assert [a.action_id for a in analysis.actions] == ["a.two.act", "a.gate.prove", "a.plain.doc"]
    assert [a.rank for a in analysis.actions] == [1, 2, 3]
    (out,) = analysis.rejected
    assert (out.action_id, out.status, out.rank, out.decision.note) == ("a.gate.fix", ActionStatus.REJECTED, None,
                                                                         "Done group-wide")
    assert out.priority == pytest.approx(12)  # still says how much it would have mattered
    assert analysis.action("a.gate.fix") is out
    # what needed it no longer waits for it
    assert analysis.action("a.gate.prove").depends_on == ()


def test_an_accepted_action_stays_once_its_question_reaches_the_target():
    decisions = {"a.gate.fix": accepted("a.gate.fix", "Jo")}
    before = analyse(make_session(MIXED, decisions=decisions))
    assert before.action("a.gate.fix").status is ActionStatus.ACCEPTED
    assert before.action("a.gate.fix").rank == 1
    after = analyse(make_session({**MIXED, "a.gate": 3}, decisions=decisions))
    assert "a.gate.fix" not in [a.action_id for a in after.actions]
    (done,) = after.met
    assert (done.action_id, done.status, done.rank, done.triggers) == ("a.gate.fix", ActionStatus.MET, None, ())
    assert done.question_ids == ("a.gate",)
    assert [a.action_id for a in after.agreed] == ["a.gate.fix"]
    assert done.owner_name == "Jo" and done.decision.due_date is not None


def test_one_owner_per_action_the_person_if_named():
    decisions = {"a.gate.fix": accepted("a.gate.fix", "Jo"), "a.two.act": accepted("a.two.act", " ")}
    actions = {a.action_id: a for a in plan(MIXED, decisions=decisions)}
    assert actions["a.gate.fix"].owner_name == "Jo"
    assert actions["a.two.act"].owner_name == "Project lead"  # no person named: the role
    assert actions["a.plain.doc"].owner_name == "Project lead"


def test_agreed_actions_by_due_date_then_number():
    decisions = {
        "a.two.act": accepted("a.two.act", "Al", dt.date(2026, 12, 20)),
        "a.gate.prove": accepted("a.gate.prove", "Bo", None),
        "a.gate.fix": accepted("a.gate.fix", "Cy", dt.date(2026, 12, 5)),
    }
    analysis = analyse(make_session(MIXED, decisions=decisions))
    assert [a.action_id for a in analysis.agreed] == ["a.gate.fix", "a.two.act", "a.gate.prove"]
    assert [a.action_id for a in analysis.next_actions()] == ["a.plain.doc"]


def test_questions_not_assessed_never_outrank_assessed_gaps():
    # a.gate (a gate, weight 3) not assessed: its actions would rank first on priority 12 if it were scored 0
    # like an assessed answer; a.two (assessed at 2) and a.plain (unknown) come first instead.
    analysis = analyse(make_session({"a.plain": "unknown", "a.two": 2, "b.tool": 3, "b.risk": "na"}))
    order = [(a.action_id, a.provisional) for a in analysis.actions]
    assert order == [
        ("a.two.act", False),
        ("a.plain.doc", False),
        ("a.gate.fix", True),
        ("a.gate.prove", True),
    ]
    assert [a.action_id for a in analysis.next_actions()] == ["a.two.act", "a.plain.doc"]
    assert [h for h, _ in analysis.actions_by_horizon(provisional=True)] == [
        Horizon.BEFORE_GO_LIVE, Horizon.DURING_ROLLOUT]


def test_a_provisional_dependency_of_an_assessed_gap_comes_with_it():
    # b.tool not assessed calls for b.tool.setup; a.gate (assessed at 1) needs it through a.gate.fix
    actions = plan({"a.gate": 1, "a.plain": 2, "a.two": 4, "b.risk": 2})
    assert [(a.action_id, a.provisional) for a in actions] == [
        ("b.tool.setup", False), ("a.gate.fix", False), ("a.gate.prove", False)]
    # ... and says why it ranks among the known gaps although its own question is still to assess
    assert [a.action_id for a in actions if a.needed_first] == ["b.tool.setup"]


def test_the_plan_of_a_large_bank_is_linear():
    """Four times the questions, about four times the work (counted in lines of Python executed, which
    a busy machine cannot change), not sixteen: the ranking once recomputed the index per action."""
    import sys

    from workshop.questionnaire import Section as Sec

    def big(n):
        questions = tuple(
            question(f"q{i}", weight=1 + i % 3, target=3, gate=i % 7 == 0, actions=(
                action(f"q{i}.a", depends_on=(f"q{i - 1}.a",) if i else ()),
                action(f"q{i}.b", effort="M", horizon="during-rollout"),
            ))
            for i in range(n)
        )
        bank = QuestionBank(sets=(QuestionSet(id="big", title="Big", version="1",
                                              sections=(Sec(id="big.s", title="S", questions=questions),)),))
        return make_session({f"q{i}": i % 3 for i in range(n)}, bank=bank)

    def lines_run(session) -> int:
        count = 0

        def trace(frame, event, arg):
            nonlocal count
            if event == "line" and frame.f_code.co_filename.startswith(ANALYSIS):
                count += 1
            return trace

        sys.settrace(trace)
        try:
            analysis = analyse(session)
        finally:
            sys.settrace(None)
        assert len(analysis.actions) == 2 * len(session.bank.questions())
        return count

    small, large = lines_run(big(150)), lines_run(big(600))
    assert small > 1000 and large < 6 * small, (small, large)  # linear: about 4x; quadratic: about 16x
