"""The store: answers committed with their history, snapshots, and refusing files it must not touch."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3

import pytest
from sqlite_utils import Database

from workshop.questionnaire import load_paths
from workshop.session import ActionDecision, AnswerChange, AnswerStatus, NewSession, RoundState, SessionStatus
from workshop.store import NotFound, NotOpen, Store, StoreError, VotedBefore
from workshop.store.migrations import known_names, migrations


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_is_created_on_first_use_in_wal_mode_with_full_sync(tmp_path):
    path = tmp_path / "deep" / "folder" / "w.db"
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert [m.name for m in migrations.applied(store.db)] == known_names()
    assert path.exists()


def test_answer_is_on_disk_when_record_answer_returns(store, session_id, db_path):
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("2", note="public"))
    # A second, independent connection sees it: committed, not just buffered.
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT level, note FROM answers").fetchall() == [(2, "public")]


def test_partial_changes_keep_other_fields(store, session_id):
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("2", evidence="KPI sheet"))
    store.record_answer(session_id, "pilot.kpi", AnswerChange(private_note="sponsor unsure"))
    store.record_answer(session_id, "pilot.kpi", AnswerChange(flagged=True, confidence="low"))
    answer = store.load_session(session_id).answer("pilot.kpi")
    assert (answer.level, answer.evidence, answer.private_note, answer.flagged, answer.confidence.value) == (
        2, "KPI sheet", "sponsor unsure", True, "low",
    )


def test_unknown_and_not_applicable(store, session_id):
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("3"))
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("unknown"))
    store.record_answer(session_id, "ops.backout", AnswerChange.from_level_text("na", reason="batch only"))
    session = store.load_session(session_id)
    assert session.answer("pilot.kpi").status is AnswerStatus.UNKNOWN
    assert session.answer("pilot.kpi").level is None
    assert session.answer("ops.backout").reason == "batch only"
    with pytest.raises(ValueError, match="needs a reason"):
        AnswerChange.from_level_text("na")


def test_every_change_is_appended_to_history(store, session_id):
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("1"))
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("3"))
    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("3"))  # no change, no entry
    levels = [(h.old_value, h.new_value) for h in store.history(session_id) if h.field == "level"]
    assert levels == [(None, "1"), ("1", "3")]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE answer_history SET new_value = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM answer_history")


def test_progress_counts_answered_questions_only(store, session_id):
    store.record_answer(session_id, "pilot.kpi", AnswerChange(note="just a note"))
    store.record_answer(session_id, "ops.backout", AnswerChange.from_level_text("2"))
    [summary] = store.list_sessions()
    assert (summary.answered, summary.total) == (1, 5)


def test_votes_replace_per_participant_and_accept_names_or_ids(store, session_id):
    store.open_round(session_id, "pilot.kpi")
    store.record_vote(session_id, "pilot.kpi", "bo", 1)
    store.record_vote(session_id, "pilot.kpi", "BO", 3)
    cy = next(p for p in store.load_session(session_id).participants if p.name == "Cy")
    store.record_vote(session_id, "pilot.kpi", cy.id, None)  # "don't know"
    [open_round] = store.load_session(session_id).rounds
    assert sorted(open_round.levels().items()) == [(1, 3), (cy.id, None)]
    with pytest.raises(NotFound, match="no participant 'Zed'"):
        store.record_vote(session_id, "pilot.kpi", "Zed", 1)
    with pytest.raises(StoreError, match="from 0 to 4"):
        store.record_vote(session_id, "pilot.kpi", "Bo", 5)


def test_a_round_stays_blind_until_revealed_then_settles_with_the_agreed_level(store, session_id):
    store.open_round(session_id, "pilot.kpi")
    store.record_vote(session_id, "pilot.kpi", "Bo", 1)
    session = store.load_session(session_id)
    assert session.votes_for("pilot.kpi") == []  # blind: nothing outside the open round sees it
    assert session.open_round().voters == {1}
    revealed = store.reveal_round(session_id)  # the round most recently opened
    assert (revealed.state, revealed.question_id) == (RoundState.REVEALED, "pilot.kpi")
    assert [v.level for v in store.load_session(session_id).votes_for("pilot.kpi")] == [1]
    with pytest.raises(NotOpen, match=r"no vote is open on 'pilot\.kpi'"):
        store.record_vote(session_id, "pilot.kpi", "Cy", 3)
    answer = store.settle_round(session_id, "pilot.kpi", AnswerChange.from_level_text("1", reason="Bo knows the data"))
    assert answer.level == 1
    assert store.load_session(session_id).latest_round("pilot.kpi").state is RoundState.SETTLED


def test_a_new_round_keeps_the_earlier_one_and_votes_go_to_the_new_one(store, session_id):
    store.open_round(session_id, "pilot.kpi")
    store.record_vote(session_id, "pilot.kpi", "Bo", 0)
    store.reveal_round(session_id, "pilot.kpi")
    with pytest.raises(VotedBefore, match=r"'pilot\.kpi' was voted on already \(revealed\); that round is kept"):
        store.open_round(session_id, "pilot.kpi")  # a new vote on it is asked for, never implied
    store.open_round(session_id, "pilot.kpi", again=True)
    store.record_vote(session_id, "pilot.kpi", "Bo", 4)
    first, second = store.load_session(session_id).rounds
    assert (first.state, first.levels()) == (RoundState.REVEALED, {1: 0})
    assert (second.state, second.levels()) == (RoundState.OPEN, {1: 4})
    with pytest.raises(NotOpen):
        store.settle_round(session_id, "pilot.kpi", AnswerChange.from_level_text("2"))
    with pytest.raises(NotOpen, match=r"no vote is open on 'pilot\.baseline'"):
        store.reveal_round(session_id, "pilot.baseline")


def test_two_windows_that_open_a_vote_at_once_share_one_round(store, session_id, db_path):
    with Store.open(db_path) as other:  # another window, its view of the question a moment old
        first = store.open_round(session_id, "pilot.kpi")
        store.record_vote(session_id, "pilot.kpi", "Bo", 2)
        second = other.open_round(session_id, "pilot.kpi")
        again = other.open_round(session_id, "pilot.kpi", again=True)  # "again" never doubles an open round
    assert first.id == second.id == again.id and second.levels() == {1: 2}
    assert [r.state for r in store.load_session(session_id).rounds] == [RoundState.OPEN]


def test_target_changes_are_kept_with_when(store, session_id):
    store.set_target(session_id, "pilot.kpi", 2)
    store.set_target(session_id, "pilot.kpi", 2)  # no change: nothing recorded
    store.set_target(session_id, "pilot.kpi", None)
    changes = store.load_session(session_id).target_changes
    assert [(c.question_id, c.old_target, c.new_target) for c in changes] == [("pilot.kpi", None, 2),
                                                                              ("pilot.kpi", 2, None)]
    assert changes[0].changed_at <= changes[1].changed_at


T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_the_time_box_clock_books_time_to_the_set_that_was_running(store, session_id, db_path):
    store.run_clock(session_id, "pilot", at(0))
    with Store.open(db_path) as other:  # another window sees it running, and counts on
        session = other.load_session(session_id)
        assert (session.clock.set_id, session.clock.since) == ("pilot", at(0))
        assert session.spent("pilot", at(42)) == 42
    store.run_clock(session_id, "pilot", at(20.5))  # a heartbeat
    store.run_clock(session_id, "ops", at(50))  # jumped to another set: pilot gets its 50 s
    session = store.load_session(session_id)
    assert session.elapsed == {"pilot": 50, "ops": 0}
    assert session.clock.set_id == "ops"
    store.run_clock(session_id, None, at(65))  # left the walk-through
    session = store.load_session(session_id)
    assert session.elapsed == {"pilot": 50, "ops": 15} and session.clock is None


def test_two_windows_book_each_second_once_and_a_dead_window_books_nothing_more(store, session_id):
    store.run_clock(session_id, "pilot", at(0), "window-a")
    for t, window in ((10, "window-b"), (12, "window-a"), (20, "window-b"), (25, "window-a"), (30, "window-b")):
        store.run_clock(session_id, "pilot", at(t), window)  # heartbeats from two windows, interleaved
    assert store.load_session(session_id).spent("pilot", at(30)) == 30
    store.run_clock(session_id, "pilot", at(630), "window-b")  # a window's own long gap is its time
    assert store.load_session(session_id).elapsed == {"pilot": 630}
    # The laptop died at 630 s; the workshop reopens (a new window) an hour later: the hour is not booked.
    store.run_clock(session_id, "pilot", at(4230), "window-c")
    assert store.load_session(session_id).elapsed == {"pilot": 630}


def test_data_version_moves_when_another_connection_commits(store, session_id, db_path):
    before = store.data_version()
    assert store.data_version() == before
    with Store.open(db_path) as other:
        other.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("2"))
    assert store.data_version() != before


def test_a_phone_holds_a_participant_until_released(store, session_id):
    token = store.phone_token(session_id)
    assert len(token) >= 32 and store.phone_token(session_id) == token
    assert store.claim_participant(session_id, "Bo", "phone-1")
    assert store.claim_participant(session_id, "bo", "phone-1")  # the same phone again
    assert not store.claim_participant(session_id, "Bo", "phone-2")
    assert store.claims(session_id) == {1: "phone-1"}
    store.release_participant(session_id, "Bo")
    assert store.claim_participant(session_id, "Bo", "phone-2")
    store.set_vote_server(session_id, "http://192.168.1.5:8765/j/x", 4242)
    assert store.vote_server(session_id) == ("http://192.168.1.5:8765/j/x", 4242)
    store.clear_vote_server(session_id, pid=1)  # another server's pid: left alone
    assert store.vote_server(session_id) is not None
    store.clear_vote_server(session_id, pid=4242)
    assert store.vote_server(session_id) is None


def test_decisions_and_targets(store, session_id):
    store.decide(session_id, ActionDecision(action_id="pilot.kpi.define", decision="accepted",
                                            owner_name="Dana", due_date=dt.date(2026, 12, 1)))
    store.set_target(session_id, "pilot.kpi", 4)
    session = store.load_session(session_id)
    assert session.decisions["pilot.kpi.define"].owner_name == "Dana"
    assert session.target("pilot.kpi") == 4
    store.set_target(session_id, "pilot.kpi", None)
    assert store.load_session(session_id).target("pilot.kpi") == 3
    with pytest.raises(NotFound, match="no action 'nope'"):
        store.decide(session_id, ActionDecision(action_id="nope", decision="rejected"))


def test_unknown_ids_raise_not_found(store, session_id):
    with pytest.raises(NotFound, match="no workshop with id 99"):
        store.load_session(99)
    with pytest.raises(NotFound, match=r"no question .biz\.nope."):
        store.record_answer(session_id, "biz.nope", AnswerChange(note="x"))


def test_session_keeps_its_questionnaire_snapshot_when_the_file_changes(tmp_path, db_path):
    folder = tmp_path / "sets"
    shutil.copytree(load_paths.__globals__["Path"](__file__).parent / "fixtures" / "sets", folder)
    with Store.open(db_path) as store:
        sid = store.create_session(
            NewSession(organisation="A", initiative="B", facilitator="C", sets=("pilot",)),
            load_paths([folder]).bank,
        )
    pilot = folder / "pilot.toml"
    pilot.write_text(pilot.read_text().replace("Are the success measures agreed?", "Changed wording?")
                     .replace("weight = 3", "weight = 1", 1))
    with Store.open(db_path) as store:
        question = store.load_session(sid).bank.question("pilot.kpi")
    assert (question.prompt, question.weight) == ("Are the success measures agreed?", 3)


def test_identical_snapshots_are_stored_once(store, bank):
    for n in range(3):
        store.create_session(NewSession(organisation=f"O{n}", initiative="I", facilitator="F", sets=("pilot",)), bank)
    assert store.db["snapshots"].count == 1


def test_earlier_session_for_reassessment(store, bank):
    def new(org, day):
        return store.create_session(
            NewSession(organisation=org, initiative="Claims", facilitator="F", sets=("pilot",),
                       date=dt.date(2026, 1, day)), bank)
    first = new("Acme", 1)
    new("Other", 2)
    second = new("ACME", 3)
    earlier = store.earlier_session(store.load_session(second))
    assert earlier is not None and earlier.id == first
    assert store.earlier_session(store.load_session(first)) is None


def test_archive_and_restore(store, session_id):
    store.set_status(session_id, SessionStatus.ARCHIVED)
    assert store.list_sessions(include_archived=False) == []
    store.set_status(session_id, SessionStatus.ACTIVE)
    assert len(store.list_sessions(include_archived=False)) == 1


def test_drafts_and_clocks(store, session_id):
    store.save_draft(session_id, "pilot.kpi", "note", "half a tho")
    store.save_draft(session_id, "pilot.kpi", "note", "half a thought")
    [draft] = store.drafts(session_id)
    assert (draft.question_id, draft.field, draft.text) == ("pilot.kpi", "note", "half a thought")
    store.discard_draft(session_id, "pilot.kpi", "note")
    assert store.drafts(session_id) == []
    store.run_clock(session_id, "pilot", at(0))
    store.run_clock(session_id, "pilot", at(50))
    store.run_clock(session_id, None, at(90))
    assert store.load_session(session_id).elapsed == {"pilot": 90}


# --- files the store must refuse, byte-for-byte untouched ------------------------------


def test_foreign_file_is_refused_untouched(tmp_path):
    png = tmp_path / "photo.db"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    before = digest(png)
    with pytest.raises(StoreError, match="not a workshop database"):
        Store.open(png)
    assert digest(png) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photo.db"]


def test_other_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    Database(path)["things"].insert({"a": 1})
    before = digest(path)
    with pytest.raises(StoreError, match="SQLite database but not a workshop one"):
        Store.open(path)
    assert digest(path) == before


def make_corrupted(path) -> None:
    with Store.open(path) as store:
        store.db["filler"].insert_all({"text": "x" * 500} for _ in range(200))
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 2 : page * 6] = b"\xde\xad\xbe\xef" * (page)  # wipe pages 3-6, keep the header
    path.write_bytes(bytes(data))


def test_corrupted_file_is_reported_with_the_last_backup_and_left_untouched(tmp_path):
    path = tmp_path / "w.db"
    make_corrupted(path)
    (tmp_path / "w.db.bak-20260101-000000-before-m002_drafts_and_clocks").write_bytes(b"")
    before = digest(path)
    with pytest.raises(StoreError, match=r"is damaged .*nothing was written to it; the last backup is .*w\.db\.bak-2026"):
        Store.open(path)
    assert digest(path) == before
    assert not (tmp_path / "w.db-wal").exists()


def test_file_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "w.db"
    Store.open(path).close()
    db = Database(path)
    db["_sqlite_migrations"].insert({"migration_set": "workshop", "name": "m999_from_the_future",
                                     "applied_at": "2030-01-01"})
    db.close()
    before = digest(path)
    with pytest.raises(StoreError, match="written by a newer version of workshop"):
        Store.open(path)
    assert digest(path) == before


def test_migration_from_the_previous_schema_backs_up_first(tmp_path, bank):
    """A file at schema m001 (the first release) is copied, then upgraded, and keeps its data."""
    path = tmp_path / "w.db"
    old = Database(path)
    migrations.apply(old, stop_before="m002_drafts_and_clocks")
    old.close()
    # Fill it through today's store code paths that existed at m001.
    with Store.open(path) as store:  # upgrading happens here
        assert "drafts" in store.db.table_names()
    backups = list(tmp_path.glob("w.db.bak-*-before-m002_drafts_and_clocks"))
    assert len(backups) == 1
    assert "drafts" not in Database(backups[0]).table_names()


def test_migration_keeps_existing_answers(tmp_path, bank):
    path = tmp_path / "w.db"
    old = Database(path)
    migrations.apply(old, stop_before="m002_drafts_and_clocks")
    old["snapshots"].insert({"hash": "h", "content": bank.subset(["pilot"]).model_dump_json(), "created_at": "x"})
    old["sessions"].insert({"id": 1, "organisation": "Old", "initiative": "I", "facilitator": "F",
                            "date": "2025-05-01", "status": "active", "sets": '["pilot"]', "snapshot": "h",
                            "question_count": 3, "time_boxes": "{}", "created_at": "2025-05-01T00:00:00",
                            "updated_at": "2025-05-01T00:00:00"})
    old["answers"].insert({"session_id": 1, "question_id": "pilot.kpi", "status": "level", "level": 2,
                           "flagged": 0, "updated_at": "2025-05-01T00:00:00"})
    old.close()
    with Store.open(path) as store:
        session = store.load_session(1)
    assert session.answer("pilot.kpi").level == 2
    assert session.elapsed == {}


def test_votes_and_targets_from_before_rounds_become_a_revealed_round_and_a_target_change(tmp_path, bank):
    path = tmp_path / "w.db"
    old = Database(path)
    migrations.apply(old, stop_before="m003_rounds_targets_phones")
    old["snapshots"].insert({"hash": "h", "content": bank.subset(["pilot"]).model_dump_json(), "created_at": "x"})
    old["sessions"].insert({"id": 1, "organisation": "Old", "initiative": "I", "facilitator": "F",
                            "date": "2025-05-01", "status": "active", "sets": '["pilot"]', "snapshot": "h",
                            "question_count": 3, "time_boxes": "{}", "created_at": "2025-05-01T00:00:00",
                            "updated_at": "2025-05-02T00:00:00"})
    for pid, name in ((1, "Bo"), (2, "Cy")):
        old["participants"].insert({"id": pid, "session_id": 1, "name": name, "role": ""})
    for pid, level in ((1, 0), (2, 3)):
        old["votes"].insert({"session_id": 1, "question_id": "pilot.kpi", "participant_id": pid, "level": level,
                             "voted_at": f"2025-05-01T10:0{pid}:00"})
    old["targets"].insert({"session_id": 1, "question_id": "pilot.kpi", "target": 2})
    old.close()
    with Store.open(path) as store:
        session = store.load_session(1)
    [round_] = session.rounds
    assert (round_.question_id, round_.state, round_.levels()) == ("pilot.kpi", RoundState.REVEALED, {1: 0, 2: 3})
    assert [(c.old_target, c.new_target) for c in session.target_changes] == [(None, 2)]
    assert session.target("pilot.kpi") == 2


def test_empty_file_is_a_new_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Store.open(path) as store:
        assert store.list_sessions() == []


def test_a_failed_write_is_a_one_line_store_error_and_leaves_nothing_behind(store, session_id):
    from workshop.store.connection import immediate

    with pytest.raises(StoreError, match=r"^not saved: no such table: nowhere$"), immediate(store.db):
        store.db.execute("INSERT INTO answers (session_id, question_id, status, level) VALUES (?, 'pilot.kpi', 'level', 2)",
                         [session_id])
        store.db.execute("INSERT INTO nowhere VALUES (1)")
    assert not store.db.conn.in_transaction
    assert store.load_session(session_id).answers == {}


def test_a_reader_in_another_thread_never_blocks_writes_here(store, session_id):
    """A background read left mid-way must not make an answer fail with 'table is locked'."""
    import threading

    store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("1"))
    reading = threading.Event()
    release = threading.Event()

    def slow_reader():
        with store.reader() as reader:
            cursor = reader.db.execute("SELECT * FROM answers")  # a read statement still open
            cursor.fetchone()
            reading.set()
            release.wait(5)

    thread = threading.Thread(target=slow_reader)
    thread.start()
    reading.wait(5)
    try:
        store.record_answer(session_id, "pilot.kpi", AnswerChange.from_level_text("3"))
    finally:
        release.set()
        thread.join()
    assert store.load_session(session_id).answer("pilot.kpi").level == 3
    with store.reader() as reader, pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.db.execute("DELETE FROM answers")


def test_a_batch_commits_its_writes_together_and_a_refused_one_leaves_the_others_in(store, session_id, db_path):
    store.open_round(session_id, "pilot.kpi")
    with store.batch():
        store.record_vote(session_id, "pilot.kpi", "Bo", 1)
        with pytest.raises(NotFound):
            store.record_vote(session_id, "pilot.kpi", "Zed", 2)  # refused on its own
        with pytest.raises(NotOpen):
            store.record_vote(session_id, "pilot.baseline", "Bo", 2)  # refused inside its savepoint
        with Store.open_for_reading(db_path) as other:  # nothing is on disk before the block ends
            assert other.current_round(session_id).votes == ()
        store.record_vote(session_id, "pilot.kpi", "Cy", 3)
    with Store.open_for_reading(db_path) as other:
        assert other.current_round(session_id).levels() == {1: 1, 2: 3}


def test_a_batch_that_cannot_commit_saves_none_of_it(store, session_id):
    store.open_round(session_id, "pilot.kpi")
    with pytest.raises(RuntimeError), store.batch():
        store.record_vote(session_id, "pilot.kpi", "Bo", 1)
        raise RuntimeError("the disk went away")
    assert store.current_round(session_id).votes == ()
    store.record_vote(session_id, "pilot.kpi", "Bo", 2)  # and the store writes normally after
    assert store.current_round(session_id).levels() == {1: 2}
