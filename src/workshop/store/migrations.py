"""The schema, built by named migrations (sqlite-utils' `Migrations`).

Never edit a migration that has shipped: add a new one. Each runs in the
transaction that records it, so a failed migration leaves nothing behind.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "workshop"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    # Questionnaire content as it was when a session began, stored once per
    # distinct content: a thousand workshops on version 1.0 share one row.
    db["snapshots"].create({"hash": str, "content": str, "created_at": str}, pk="hash")
    db["sessions"].create(
        {
            "id": int,
            "organisation": str,
            "initiative": str,
            "facilitator": str,
            "date": str,
            "status": str,
            "sets": str,  # JSON list of set ids, in the order they are run
            "snapshot": str,
            "question_count": int,
            "time_boxes": str,  # JSON: set id -> minutes
            "position": str,  # question the facilitator was on
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"organisation", "initiative", "facilitator", "date", "status", "sets", "snapshot"},
        foreign_keys=[("snapshot", "snapshots", "hash")],
    )
    db["sessions"].create_index(["organisation", "initiative"])
    db["participants"].create(
        {"id": int, "session_id": int, "name": str, "role": str},
        pk="id",
        not_null={"session_id", "name"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["participants"].create_index(["session_id", "name"], unique=True)
    db["answers"].create(
        {
            "session_id": int,
            "question_id": str,
            "status": str,  # level | unknown | na | NULL (notes only)
            "level": int,
            "reason": str,
            "evidence": str,
            "confidence": str,
            "note": str,
            "private_note": str,
            "flagged": int,
            "answered_by": str,
            "updated_at": str,
        },
        pk=("session_id", "question_id"),
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["votes"].create(
        {"session_id": int, "question_id": str, "participant_id": int, "level": int, "voted_at": str},
        pk=("session_id", "question_id", "participant_id"),
        foreign_keys=[("session_id", "sessions", "id"), ("participant_id", "participants", "id")],
    )
    db["answer_history"].create(
        {
            "id": int,
            "session_id": int,
            "question_id": str,
            "field": str,
            "old_value": str,
            "new_value": str,
            "changed_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["answer_history"].create_index(["session_id", "question_id"])
    # The history is evidence of how the room got to its answer: append-only.
    db.execute(
        "CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history "
        "BEGIN SELECT RAISE(ABORT, 'answer history is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER answer_history_no_delete BEFORE DELETE ON answer_history "
        "BEGIN SELECT RAISE(ABORT, 'answer history is append-only'); END"
    )
    db["decisions"].create(
        {
            "session_id": int,
            "action_id": str,
            "decision": str,
            "owner_name": str,
            "due_date": str,
            "note": str,
            "decided_at": str,
        },
        pk=("session_id", "action_id"),
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["targets"].create(
        {"session_id": int, "question_id": str, "target": int},
        pk=("session_id", "question_id"),
        foreign_keys=[("session_id", "sessions", "id")],
    )


@migrations()
def m002_drafts_and_clocks(db: Database) -> None:
    # Notes being typed in the app, kept every few seconds so a dead laptop
    # loses at most a few seconds of typing; and time spent per set, so a
    # resumed workshop's time box keeps counting from where it stopped.
    db["drafts"].create(
        {"session_id": int, "question_id": str, "field": str, "text": str, "saved_at": str},
        pk=("session_id", "question_id", "field"),
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["set_clocks"].create(
        {"session_id": int, "set_id": str, "elapsed_seconds": int},
        pk=("session_id", "set_id"),
        foreign_keys=[("session_id", "sessions", "id")],
    )


@migrations()
def m003_rounds_targets_phones(db: Database) -> None:
    # Vote rounds: a question can be voted on again, and every round is kept with its state, so
    # every window (facilitator, room view, phones) reads the same truth from the file.
    db["vote_rounds"].create(
        {
            "id": int,
            "session_id": int,
            "question_id": str,
            "state": str,  # open | revealed | settled
            "opened_at": str,
            "revealed_at": str,
            "settled_at": str,
        },
        pk="id",
        not_null={"session_id", "question_id", "state", "opened_at"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["vote_rounds"].create_index(["session_id", "question_id"])
    db["round_votes"].create(
        {"round_id": int, "participant_id": int, "level": int, "voted_at": str},  # level NULL: don't know
        pk=("round_id", "participant_id"),
        not_null={"voted_at"},
        foreign_keys=[("round_id", "vote_rounds", "id"), ("participant_id", "participants", "id")],
    )
    # Votes from before rounds existed: one round per question, treated as revealed (the old app
    # showed them in every export).
    for session_id, question_id, first, last in db.execute(
        "SELECT session_id, question_id, min(voted_at), max(voted_at) FROM votes GROUP BY session_id, question_id"
    ).fetchall():
        round_id = db["vote_rounds"].insert(
            {"session_id": session_id, "question_id": question_id, "state": "revealed",
             "opened_at": first, "revealed_at": last}
        ).last_pk
        db.execute(
            "INSERT INTO round_votes (round_id, participant_id, level, voted_at) "
            "SELECT ?, participant_id, level, voted_at FROM votes WHERE session_id = ? AND question_id = ?",
            [round_id, session_id, question_id],
        )
    db["votes"].drop()

    # Targets raised or lowered in a workshop, with when: the exports list them.
    db["target_history"].create(
        {"id": int, "session_id": int, "question_id": str, "old_target": int, "new_target": int,
         "changed_at": str},
        pk="id",
        not_null={"session_id", "question_id", "changed_at"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db.execute(
        "INSERT INTO target_history (session_id, question_id, old_target, new_target, changed_at) "
        "SELECT t.session_id, t.question_id, NULL, t.target, s.updated_at FROM targets t "
        "JOIN sessions s ON s.id = t.session_id"
    )

    # The time box runs while the facilitator is on a set: the wall-clock start lets every window
    # show the time left without the walk-through writing every second.
    db["set_clocks"].add_column("running_since", str)
    db["set_clocks"].add_column("running_by", str)  # which window runs it (a random id per walk-through)

    # Phones: the workshop's join token, which phone holds which participant, and the vote server
    # a facilitator started (its address, so every window can show the join link).
    db["phone_access"].create(
        {"session_id": int, "token": str, "created_at": str},
        pk="session_id",
        not_null={"token", "created_at"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["phone_claims"].create(
        {"session_id": int, "participant_id": int, "device": str, "claimed_at": str},
        pk=("session_id", "participant_id"),
        not_null={"device", "claimed_at"},
        foreign_keys=[("session_id", "sessions", "id"), ("participant_id", "participants", "id")],
    )
    db["vote_servers"].create(
        {"session_id": int, "url": str, "pid": int, "started_at": str},
        pk="session_id",
        not_null={"url", "started_at"},
        foreign_keys=[("session_id", "sessions", "id")],
    )


def known_names() -> list[str]:
    """Every migration this version of the app knows, in order."""
    return [m.name for m in migrations.pending(Database(memory=True))]
