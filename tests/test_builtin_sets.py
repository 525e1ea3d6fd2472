"""The four built-in question sets: complete enough to run a real workshop with nothing else."""

from __future__ import annotations

import re

import pytest

from workshop.questionnaire import builtin_dir, load_paths

SETS = ("business", "technical", "organizational", "risk")


@pytest.fixture(scope="module")
def builtin():
    result = load_paths([builtin_dir()])
    assert [str(p) for p in result.problems] == []
    return result.bank


def test_the_four_sets_load_without_problems(builtin):
    assert sorted(builtin.set_ids()) == sorted(SETS)


@pytest.mark.parametrize("set_id", SETS)
def test_each_set_has_at_least_14_questions_and_a_gate(builtin, set_id):
    questions = list(builtin.get_set(set_id).questions())
    assert len(questions) >= 14
    assert any(q.gate for q in questions)


def test_sixty_or_more_questions_in_all(builtin):
    assert len(builtin.questions()) >= 60


def test_every_question_has_five_distinct_descriptors_and_an_action(builtin):
    for q in builtin.questions():
        assert len(q.levels) == 5 and all(text.strip() for text in q.levels), q.id
        assert len(set(q.levels)) == 5, q.id
        assert q.actions, q.id


def test_descriptors_are_specific_not_generic(builtin):
    generic = re.compile(r"^(poor|fair|good|very good|excellent|none|low|medium|high)\.?$", re.IGNORECASE)
    for q in builtin.questions():
        assert not any(generic.match(text.strip()) for text in q.levels), q.id


def test_prompts_are_one_question_read_in_one_breath(builtin):
    for q in builtin.questions():
        assert q.prompt.endswith("?"), q.id
        assert q.prompt.count("?") == 1, q.id
        assert len(q.prompt.split()) <= 35, (q.id, len(q.prompt.split()))


def test_guidance_is_one_to_three_sentences(builtin):
    for q in builtin.questions():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", q.guidance.strip()) if s]
        assert 1 <= len(sentences) <= 3, (q.id, len(sentences))


def test_dependencies_exist_and_have_no_cycle(builtin):
    actions = builtin.actions()
    for _, action in actions.values():
        assert set(action.depends_on) <= set(actions), action.id
    state: dict[str, int] = {}

    def visit(aid: str) -> None:
        assert state.get(aid) != 1, f"cycle through {aid}"
        if state.get(aid) == 2:
            return
        state[aid] = 1
        for dep in actions[aid][1].depends_on:
            visit(dep)
        state[aid] = 2

    for aid in actions:
        visit(aid)


def test_the_gates_the_seeds_call_for(builtin):
    gates = {q.id for q in builtin.questions() if q.gate}
    for expected in ("biz.kpi.agreed", "biz.sponsor", "tech.data.sources", "org.owner",
                     "risk.backout.plan", "risk.compliance.signoff"):
        assert expected in gates


def test_actions_distinguish_nothing_exists_from_exists_but_untested(builtin):
    thresholds = {q.id: {a.applies_below for a in q.actions} for q in builtin.questions()}
    several = [qid for qid, values in thresholds.items() if len(values) > 1]
    assert len(several) >= 0.8 * len(thresholds)
