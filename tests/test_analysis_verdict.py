"""The verdict rule, on hand-computed sessions. Weighted targets of the bank: 3x3 + 1x2 + 2x4 + 2x3
+ 1x2 = 27 when every question applies."""

from workshop.analysis import CONDITIONS_THRESHOLD, VerdictStatus, analyse

from factories import make_session

AT_TARGET = {"a.gate": 3, "a.plain": 2, "a.two": 4, "b.tool": 3, "b.risk": 2}


def verdict(levels, **kwargs):
    return analyse(make_session(levels, **kwargs)).verdict


def test_ready_when_everything_meets_its_target():
    v = verdict(AT_TARGET)
    assert v.status is VerdictStatus.READY
    assert v.reasons == ("All 5 applicable questions meet their target, with nothing unknown or left unassessed.",)
    assert v.summary == "Ready: all 5 applicable questions meet their target, with nothing unknown or left unassessed."


def test_ready_with_conditions_on_a_small_non_gate_gap():
    # a.plain 1: weighted gap 1 -> 1 - 1/27 = 96% >= 80%, no gate under target
    v = verdict({**AT_TARGET, "a.plain": 1})
    assert v.status is VerdictStatus.READY_WITH_CONDITIONS
    assert v.reasons[0].startswith("No gate question is under its target and the pilot is 96%")
    assert "1 question is under target; the action plan lists what closes the gaps." in v.reasons
    assert v.summary == (
        "Ready with conditions: no gate is under its target and the pilot is 96% of the way to its targets; "
        "the conditions are 1 question under target."
    )


def test_a_gate_under_target_means_not_ready_whatever_the_averages():
    # a.gate 2: weighted gap 3 -> 1 - 3/27 = 88% (would pass the threshold), but it is a gate
    v = verdict({**AT_TARGET, "a.gate": 2})
    assert v.status is VerdictStatus.NOT_READY
    assert v.gate_reasons == ("Gate not met: “Question a.gate?” is at level 2, under its target of 3.",)
    assert v.reasons == ()  # the gates have sentences of their own: no screen parses prefixes
    assert v.summary == "Not ready: 1 gate question is under target."
    assert [q.question_id for q in v.blockers] == [q.question_id for q in v.failed_gates] == ["a.gate"]
    assert not v.provisional and v.provisional_note == ""


def test_unknown_or_unassessed_gate_blocks():
    v = verdict({**AT_TARGET, "b.risk": "unknown"})
    assert v.status is VerdictStatus.NOT_READY
    assert v.gate_reasons == ("Gate not met: “Question b.risk?” is unknown (scored 0), under its target of 2.",)
    v = verdict({k: val for k, val in AT_TARGET.items() if k != "b.risk"})
    assert v.status is VerdictStatus.NOT_READY


def test_a_gate_not_assessed_is_still_to_assess_not_failed():
    # b.risk (a gate) not answered: it blocks 'ready' (scored 0) but the room has not found it short
    v = verdict({k: val for k, val in AT_TARGET.items() if k != "b.risk"})
    assert v.status is VerdictStatus.NOT_READY
    assert [q.question_id for q in v.blockers] == ["b.risk"]
    assert v.failed_gates == ()
    assert [q.question_id for q in v.gates_to_assess] == ["b.risk"]
    assert v.gate_reasons == ("Gate still to assess: “Question b.risk?” (target 2).",)
    assert not any("not met" in r for r in (*v.reasons, *v.gate_reasons, v.summary))
    assert v.summary == "Not ready: 1 gate question is still to assess."
    assert v.provisional
    assert v.provisional_note == (
        "Provisional: 1 of 5 questions (1 of them a gate) is not assessed yet; the verdict can change once they are."
    )


def test_a_partial_workshop_says_what_is_missing():
    # a.gate met, a.two short; a.plain, b.tool and the gate b.risk not assessed
    v = verdict({"a.gate": 3, "a.two": 1})
    assert v.summary.startswith("Not ready: 1 gate question is still to assess and the pilot is ")
    assert [q.question_id for q in v.unassessed] == ["a.plain", "b.tool", "b.risk"]
    assert v.provisional_note.startswith("Provisional: 3 of 5 questions (1 of them a gate) are not assessed yet")


def test_failed_gates_come_before_gates_to_assess():
    v = verdict({"a.gate": 1, "a.plain": 2, "a.two": 4, "b.tool": 3})
    assert [r.split(":")[0] for r in v.gate_reasons] == ["Gate not met", "Gate still to assess"]
    # gaps: a.gate 3 x 2 + b.risk 1 x 2 = 8 -> 1 - 8/27 = 70%
    assert v.summary == (
        "Not ready: 1 gate question is under target, 1 gate question is still to assess and the pilot is 70% "
        "of the way to its targets (80% needed)."
    )


def test_not_ready_under_the_threshold_without_a_gate_blocker():
    # gaps: a.plain 1x2 + a.two 2x3 + b.tool 2x2 = 12 -> 1 - 12/27 = 55%
    v = verdict({"a.gate": 3, "a.plain": 0, "a.two": 1, "b.tool": 1, "b.risk": 2})
    assert v.status is VerdictStatus.NOT_READY
    assert v.blockers == ()
    assert v.reasons[0] == "The pilot is 55% of the way to its targets, under the 80% needed for 'ready with conditions'."
    assert v.summary == "Not ready: the pilot is 55% of the way to its targets (80% needed)."


def test_threshold_is_inclusive():
    # a.two's target lowered to 3: weighted targets 9 + 2 + 6 + 6 + 2 = 25;
    # gaps a.plain 1x1 + a.two 2x2 = 5 -> 1 - 5/25 = 0.80 exactly
    v = verdict({**AT_TARGET, "a.plain": 1, "a.two": 1}, targets={"a.two": 3})
    assert CONDITIONS_THRESHOLD == 0.80
    assert v.status is VerdictStatus.READY_WITH_CONDITIONS


def test_unknown_non_gate_question_is_a_condition_not_ready():
    # a.plain unknown: gap 2 -> 25/27 = 92%
    v = verdict({**AT_TARGET, "a.plain": "unknown"})
    assert v.status is VerdictStatus.READY_WITH_CONDITIONS
    assert "1 question is unknown, scored as 0." in v.reasons


def test_half_finished_workshop_is_not_ready():
    v = verdict({"a.gate": 3, "b.risk": 2})
    assert v.status is VerdictStatus.NOT_READY
    assert "3 questions have not been assessed yet, scored as 0." in v.reasons


def test_nothing_assessed():
    v = verdict({})
    assert v.status is VerdictStatus.NOT_READY
    assert v.reasons[0] == "No applicable question has been assessed yet."


def test_not_applicable_drops_out_of_the_verdict():
    # b.risk (a gate) not applicable: it cannot block.
    v = verdict({**AT_TARGET, "b.risk": "na"})
    assert v.status is VerdictStatus.READY


def test_verdict_of_matches_the_full_analysis_on_the_demo_workshop(tmp_path):
    from workshop.analysis import analyse, verdict_of
    from workshop.demo import create_demo
    from workshop.questionnaire import builtin_dir, load_paths
    from workshop.session import AnswerChange
    from workshop.store import Store

    with Store.open(tmp_path / "w.db") as store:
        session_id = create_demo(store, load_paths([builtin_dir()]).bank)
        assert verdict_of(store.load_session(session_id)) == analyse(store.load_session(session_id)).verdict
        for question in store.bank(session_id).questions():
            store.record_answer(session_id, question.id, AnswerChange.from_level_text("4"))
        session = store.load_session(session_id)
    assert verdict_of(session) == analyse(session).verdict
    assert verdict_of(session).status.value == "ready"
