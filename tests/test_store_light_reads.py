"""The store's light reads agree with the full ones, and the store imports no model until one is needed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from workshop.session import ActionDecision, AnswerChange, NewSession, SessionStatus
from workshop.store import NotFound, StoreError


def test_session_rows_say_what_list_sessions_says(store, session_id, bank):
    other = store.create_session(NewSession(organisation="Beta", initiative="Second", facilitator="Fay",
                                            sets=("ops",)), bank)
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("2"))
    store.record_answer(session_id, "pilot.sponsor", AnswerChange(note="notes alone are not an answer"))
    store.set_status(other, SessionStatus.ARCHIVED)
    full = store.list_sessions()
    rows = store.session_rows()
    assert [(r.id, r.organisation, r.initiative, r.date, r.status, r.answered, r.total) for r in rows] == [
        (s.id, s.organisation, s.initiative, s.date.isoformat(), s.status.value, s.answered, s.total) for s in full
    ]
    assert [r.id for r in store.session_rows(include_archived=False)] == [session_id]


def test_answers_are_counted_on_request_for_the_rows_on_screen(store, session_id):
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("unknown"))
    [row] = store.session_rows(count_answers=False)
    assert row.answered is None
    assert store.answered_counts([session_id, 999]) == {session_id: 1, 999: 0}
    assert store.answered_counts(list(range(1, 1200)))[session_id] == 1  # more ids than one query takes


def test_the_facilitator_without_loading_the_workshop(store, session_id):
    assert store.facilitator(session_id) == store.load_session(session_id).facilitator == "Ann Facilitator"
    with pytest.raises(NotFound):
        store.facilitator(999)


def test_ids_are_checked_against_the_snapshot_without_the_bank(store, session_id, db_path):
    from workshop.store import Store

    with Store.open(db_path) as fresh:  # nothing cached: the ids come from the snapshot's JSON
        fresh.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("3"))
        fresh.decide(session_id, ActionDecision(action_id="pilot.kpi.define", decision="accepted"))
        with pytest.raises(NotFound, match=r"no question 'pilot\.nope'"):
            fresh.record_answer(session_id, "pilot.nope", AnswerChange.from_level_text("3"))
        with pytest.raises(NotFound, match=r"no action 'pilot\.kpi'"):  # a question id is not an action id
            fresh.decide(session_id, ActionDecision(action_id="pilot.kpi", decision="accepted"))
        assert not fresh._banks  # and no bank was validated for it


def test_a_damaged_snapshot_is_a_store_error(store, session_id, db_path):
    from workshop.store import Store

    store.db.execute("UPDATE snapshots SET content = '{\"sets\": 3}'")
    with Store.open(db_path) as fresh:
        with pytest.raises(StoreError, match="could not be read"):
            fresh.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("3"))
        with pytest.raises(StoreError, match="could not be read"):
            fresh.load_session(session_id)


def test_listing_workshops_imports_no_model(db_path, session_id):
    code = (
        "import sys; from pathlib import Path; from workshop.store import Store\n"
        f"rows = Store.open(Path({str(db_path)!r})).session_rows()\n"
        "print(len(rows), sorted(m for m in sys.modules if m.startswith(('pydantic', 'workshop.session'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split(" ", 1) == ["1", "[]\n"]


def test_a_status_is_set_from_the_enum_or_its_value_and_nothing_else(store, session_id):
    store.set_status(session_id, "archived")
    assert store.load_session(session_id).status is SessionStatus.ARCHIVED
    store.set_status(session_id, SessionStatus.ACTIVE)
    assert store.session_rows()[0].status == "active"
    with pytest.raises(StoreError, match="not 'deleted'"):
        store.set_status(session_id, "deleted")
