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


def known_names() -> list[str]:
    """Every migration this version of the app knows, in order."""
    return [m.name for m in migrations.pending(Database(memory=True))]
