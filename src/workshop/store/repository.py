"""Reads and writes of workshops. Takes and returns the models of `workshop.session`.

Every write is its own `BEGIN IMMEDIATE ... COMMIT`: when a method returns, what
it wrote is on disk (synchronous=FULL), and a second process writing the same
file waits its turn instead of failing.

The models are imported where they are used, not with this module: the app draws its home screen
from `session_rows` before pydantic is imported, and a command that only checks an id
(`_check_question`) reads it from the stored snapshot's JSON without validating the whole bank.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import inspect
import json
import os
import secrets
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlite_utils import Database

from workshop.errors import one_line_error
from workshop.store.connection import (
    FileIdentity,
    ReadOnlyStore,
    StoreError,
    companions,
    connect_read_only,
    copy_database,
    immediate,
    open_database,
    open_reader,
)
from workshop.text import skeleton, terminal

if TYPE_CHECKING:
    from workshop.questionnaire import QuestionBank
    from workshop.session import (
        ActionDecision,
        Answer,
        AnswerChange,
        HistoryEntry,
        NewSession,
        Participant,
        RunningClock,
        Session,
        SessionStatus,
        SessionSummary,
        Vote,
        VoteRound,
    )

# The values of SessionStatus, for the writes that take them without importing the models.
SESSION_STATUSES = ("active", "archived")

# A time box not heard from for this long was left running by a window that died.
CLOCK_STALE_SECONDS = 60.0

# Answer columns whose changes are kept in the append-only history.
TRACKED_FIELDS = (
    "status", "level", "reason", "evidence", "confidence", "note", "private_note", "flagged",
)


class NotFound(StoreError):
    """An id that names no session, question, participant or action."""


class NotOpen(StoreError):
    """A vote for, or a reveal of, a round that is not open."""


class NoDatabase(StoreError):
    """A reading command named a database file that does not exist."""


class VotedBefore(StoreError):
    """A new vote on a question whose earlier round was revealed or settled, without asking for it again."""


class SessionRow(NamedTuple):
    """One line of the list of workshops, read without building a model: what the home screen and
    `workshop list` show. Dates and times are as stored (ISO 8601 text)."""

    id: int
    organisation: str
    initiative: str
    date: str
    status: str  # a SessionStatus value: "active" or "archived"
    answered: int | None  # None when not counted (see `session_rows`)
    total: int
    updated_at: str | None  # the last change that can move the verdict


@dataclass(frozen=True)
class Draft:
    question_id: str
    field: str
    text: str
    saved_at: dt.datetime


def is_database_file(candidate: Path, database: Path) -> bool:
    """True when `candidate` names the database, one of its companion files, or one of its backups.

    Compared by the files themselves (device and inode) where they exist, else by resolved path:
    `./w.db`, a symlink to it and `../here/w.db` are all the database.
    """
    candidate = Path(candidate).expanduser()
    protected = [database, *companions(database)]
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):
        return False
    for path in protected:
        try:
            if candidate.exists() and path.exists() and os.path.samefile(candidate, path):
                return True
        except OSError:
            pass
        if resolved == path.resolve():
            return True
    db = database.resolve()
    return resolved.parent == db.parent and resolved.name.startswith(db.name + ".bak-")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _reported(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the database: {exc}") from None
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            if not _is_validation_error(exc):
                raise
            raise StoreError(f"a stored workshop could not be read ({one_line_error(exc)})") from None

    return wrapper


def _is_validation_error(exc: BaseException) -> bool:
    """Without importing pydantic: if it is not imported yet, nothing has been validated."""
    pydantic_core = sys.modules.get("pydantic_core")
    return pydantic_core is not None and isinstance(exc, pydantic_core.ValidationError)


def _one_error_kind(cls: type) -> type:
    """Every public method raises StoreError for a database problem, reads as well as writes."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(cls, name, _reported(member))
    return cls


@_one_error_kind
class Store:
    def __init__(self, db: Database, path: Path | None = None, *, read_only: str = "", reads: Path | None = None):
        self.db = db
        self.path = path
        self._reads = reads or path  # the file a read-only store reads (a private copy, in a read-only folder)
        # Why this store cannot write ('' when it can): a read-only file, folder or disk.
        self.read_only = read_only
        self._identity = FileIdentity.of(path) if path is not None and not read_only else None
        self._banks: dict[str, QuestionBank] = {}  # snapshots never change: safe to cache
        self._batch_depth = 0  # inside batch(): writes are savepoints of its one transaction
        self._ids: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # snapshot -> question, action ids

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open for reading and writing (creating the file if needed)."""
        return cls(open_database(Path(path)), Path(path))

    @classmethod
    def open_for_reading(cls, path: Path) -> Store:
        """Open without ever writing: for reading commands, so they never wait for a writer.

        Nor create: a database that is not there (never made, or moved or deleted since) is
        `NoDatabase`, never a new empty file that would hide where the workshops went.
        """
        path = Path(path)
        if not path.exists():
            raise NoDatabase(f"there is no database at {path} (`workshop new` or the app creates one)")
        db, reads = open_reader(path)
        return cls(db, path, read_only="opened for reading", reads=reads)

    @classmethod
    def open_or_read_only(cls, path: Path) -> Store:
        """For the app: writable if the file can be written, else read-only with the reason."""
        try:
            return cls.open(path)
        except ReadOnlyStore as exc:
            db, reads = open_reader(Path(path))
            return cls(db, Path(path), read_only=str(exc), reads=reads)

    def reader(self) -> Store:
        """A second, read-only connection, for a background thread; close it when done.

        Never share this store's connection with another thread: a read still running there makes
        a write here fail with 'database table is locked'. WAL lets this reader see every commit.
        """
        if self.path is None or self._reads is None:
            raise StoreError("an in-memory store has no second connection")
        # The file was checked when this store opened it. Not again: checking reopens the file, and
        # this process already holds it (see connection._inspect on locks).
        try:
            conn, reads = connect_read_only(self._reads)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot read {self._reads}: {exc}") from None
        reader = Store(Database(conn, execute_plugins=False), self.path, read_only="a background reader", reads=reads)
        reader._banks = self._banks  # snapshots never change: the caches are safe to share
        reader._ids = self._ids
        return reader

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Database]:
        if self.read_only:
            raise ReadOnlyStore(f"not saved: the database is read-only ({self.read_only})")
        if self._batch_depth:
            # Inside batch(): one savepoint per write, so a write that fails leaves the others in.
            self._batch_depth += 1
            name = f"write_{self._batch_depth}"
            self.db.execute(f"SAVEPOINT {name}")
            try:
                yield self.db
            except BaseException:
                self.db.execute(f"ROLLBACK TO {name}")
                self.db.execute(f"RELEASE {name}")
                raise
            else:
                self.db.execute(f"RELEASE {name}")
            finally:
                self._batch_depth -= 1
            return
        with immediate(self.db, self._identity) as db:
            yield db

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Several writes in one commit (one flush to disk): for writes that arrive together, such as
        thirty phones voting in the same second. Each write inside still succeeds or fails on its own
        (a savepoint each); nothing is on disk, and nothing may be reported saved, until the block
        ends without raising."""
        if self.read_only:
            raise ReadOnlyStore(f"not saved: the database is read-only ({self.read_only})")
        with immediate(self.db, self._identity):
            self._batch_depth = 1
            try:
                yield
            finally:
                self._batch_depth = 0

    def checkpoint(self) -> None:
        """Move committed pages from the write-ahead log into the database file itself.

        Then a copy of just `workshop.db` (a sync tool that drops the -wal) holds every answer.
        Best effort: a reader still open elsewhere may keep part of the log, which is still safe.
        """
        if self.read_only:
            return
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def backup(self, target: Path) -> Path:
        """A consistent copy of the whole database at `target` (works while others write)."""
        if self.path is None:
            raise StoreError("an in-memory store cannot be backed up")
        target = Path(target).expanduser()
        if target.is_dir():
            target = target / self.path.name
        if is_database_file(target, self.path):
            raise StoreError(f"{target} is the live database (or one of its files): choose another place")
        if not target.parent.is_dir():
            raise StoreError(f"no folder {target.parent} to write the backup into")
        return copy_database(self.path, target)

    def close(self) -> None:
        self.checkpoint()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sessions -----------------------------------------------------------

    def create_session(self, new: NewSession, bank: QuestionBank) -> int:
        chosen = bank.subset(new.sets)
        missing = [s for s in new.sets if s not in chosen.set_ids()]
        if missing:
            raise NotFound(f"unknown question set '{missing[0]}' (known: {', '.join(bank.set_ids())})")
        content = chosen.model_dump_json()
        digest = hashlib.sha256(content.encode()).hexdigest()
        now = _now()
        with self._writing():
            self.db.execute(
                "INSERT OR IGNORE INTO snapshots (hash, content, created_at) VALUES (?, ?, ?)",
                [digest, content, now],
            )
            session_id = self.db["sessions"].insert(
                {
                    "organisation": new.organisation,
                    "initiative": new.initiative,
                    "facilitator": new.facilitator,
                    "date": new.date.isoformat(),
                    "status": SESSION_STATUSES[0],  # SessionStatus.ACTIVE
                    "sets": json.dumps(list(new.sets)),
                    "snapshot": digest,
                    "question_count": len(chosen.questions()),
                    "time_boxes": json.dumps(new.time_boxes),
                    "position": None,
                    "created_at": now,
                    "updated_at": now,
                }
            ).last_pk
            for participant in new.participants:
                self.db["participants"].insert(
                    {"session_id": session_id, "name": participant.name, "role": participant.role}
                )
        self._banks[digest] = chosen
        return int(session_id)

    def session_rows(self, include_archived: bool = True, count_answers: bool = True) -> list[SessionRow]:
        """The list of workshops, newest first, as plain rows: one query, no model built.

        Counting the answers reads every answer in the file; without `count_answers` they are left
        None, for `answered_counts` to fill in for the rows on screen (the app's first frame).
        """
        where = "" if include_archived else "WHERE s.status = 'active'"
        answered = "NULL" if not count_answers else (
            "(SELECT count(*) FROM answers a WHERE a.session_id = s.id AND a.status IS NOT NULL)"
        )
        return [
            SessionRow(*r)
            for r in self.db.execute(
                f"""
                SELECT s.id, s.organisation, s.initiative, s.date, s.status, {answered}, s.question_count, s.updated_at
                FROM sessions s {where}
                ORDER BY s.date DESC, s.id DESC
                """
            ).fetchall()
        ]

    def answered_counts(self, session_ids: list[int]) -> dict[int, int]:
        """How many questions each of these workshops has answered."""
        counts = dict.fromkeys(session_ids, 0)
        for start in range(0, len(session_ids), 500):  # within SQLite's limit on parameters
            chunk = session_ids[start:start + 500]
            counts.update(self.db.execute(
                f"SELECT session_id, count(*) FROM answers WHERE session_id IN ({', '.join('?' * len(chunk))}) "
                "AND status IS NOT NULL GROUP BY session_id",
                chunk,
            ).fetchall())
        return counts

    def facilitator(self, session_id: int) -> str:
        """Who facilitates a workshop: one column, without loading the workshop."""
        return self._session_row(session_id)["facilitator"]

    def list_sessions(self, include_archived: bool = True) -> list[SessionSummary]:
        from workshop.session import SessionSummary

        where = "" if include_archived else "WHERE s.status = 'active'"
        rows = self.db.execute(
            f"""
            SELECT s.id, s.organisation, s.initiative, s.facilitator, s.date, s.status, s.sets,
                   s.question_count, s.created_at, s.updated_at,
                   (SELECT count(*) FROM answers a
                     WHERE a.session_id = s.id AND a.status IS NOT NULL) AS answered
            FROM sessions s {where}
            ORDER BY s.date DESC, s.id DESC
            """
        ).fetchall()
        return [
            SessionSummary(
                id=r[0], organisation=r[1], initiative=r[2], facilitator=r[3], date=r[4], status=r[5],
                sets=tuple(json.loads(r[6])), total=r[7], created_at=r[8], updated_at=r[9], answered=r[10],
            )
            for r in rows
        ]

    def load_session(self, session_id: int) -> Session:
        from workshop.session import ActionDecision, Session, TargetChange

        row = self._session_row(session_id)
        sid = row["id"]
        participants = self.participants(sid)
        answers = {
            a["question_id"]: _answer(a)
            for a in self.db["answers"].rows_where("session_id = ?", [sid])
        }
        decisions = {
            d["action_id"]: ActionDecision(
                action_id=d["action_id"], decision=d["decision"], owner_name=d["owner_name"] or "",
                due_date=d["due_date"], note=d["note"] or "", decided_at=d["decided_at"],
            )
            for d in self.db["decisions"].rows_where("session_id = ?", [sid])
        }
        targets = {t["question_id"]: t["target"] for t in self.db["targets"].rows_where("session_id = ?", [sid])}
        target_changes = tuple(
            TargetChange(question_id=t["question_id"], old_target=t["old_target"], new_target=t["new_target"],
                         changed_at=t["changed_at"])
            for t in self.db["target_history"].rows_where("session_id = ?", [sid], order_by="id")
        )
        elapsed, running = self.clock_state(sid)
        return Session(
            id=sid,
            organisation=row["organisation"],
            initiative=row["initiative"],
            facilitator=row["facilitator"],
            date=row["date"],
            status=row["status"],
            sets=tuple(json.loads(row["sets"])),
            bank=self._bank(row["snapshot"]),
            participants=participants,
            answers=answers,
            rounds=self.rounds(sid),
            decisions=decisions,
            targets=targets,
            target_changes=target_changes,
            time_boxes=json.loads(row["time_boxes"] or "{}"),
            elapsed=elapsed,
            clock=running,
            position=row["position"],
            created_at=row["created_at"],
        )

    def earlier_session(self, session: Session) -> Session | None:
        """The latest earlier active workshop on the same organisation and initiative, for re-assessment.

        Archived workshops are left out: archiving one is how a facilitator says it does not count.
        """
        row = self.db.execute(
            """
            SELECT id FROM sessions
            WHERE organisation = ? COLLATE NOCASE AND initiative = ? COLLATE NOCASE AND id != ?
              AND status = 'active' AND (date < ? OR (date = ? AND id < ?))
            ORDER BY date DESC, id DESC LIMIT 1
            """,
            [session.organisation, session.initiative, session.id, session.date.isoformat(),
             session.date.isoformat(), session.id],
        ).fetchone()
        return self.load_session(row[0]) if row else None

    def set_status(self, session_id: int, status: SessionStatus | str) -> None:
        """Archive or restore; `status` is a SessionStatus or its value ("active", "archived"), so a
        command can archive without importing the models."""
        value = str(status)  # a SessionStatus is a StrEnum: its str is its value
        if value not in SESSION_STATUSES:
            raise StoreError(f"a workshop is {' or '.join(SESSION_STATUSES)}, not '{terminal(value, 40)}'")
        self._session_row(session_id)
        with self._writing():
            self.db["sessions"].update(session_id, {"status": value, "updated_at": _now()})

    def set_position(self, session_id: int, question_id: str) -> None:
        self._check_question(session_id, question_id)
        with self._writing():
            self.db["sessions"].update(session_id, {"position": question_id})

    # --- answers, votes, decisions, targets -----------------------------------

    def record_answer(self, session_id: int, question_id: str, change: AnswerChange) -> Answer:
        """Apply a change to one answer and commit it, with its history, before returning."""
        self._check_question(session_id, question_id)
        with self._writing():
            return self._write_answer(session_id, question_id, change)

    def _write_answer(self, session_id: int, question_id: str, change: AnswerChange) -> Answer:
        """Inside a write transaction: the answer, its history and the session's change time."""
        from workshop.session import Answer

        row = self._one("SELECT * FROM answers WHERE session_id = ? AND question_id = ?", [session_id, question_id])
        old = _answer(row) if row else Answer(question_id=question_id)
        now = dt.datetime.now(dt.UTC)
        new = change.apply(old).model_copy(update={"updated_at": now})
        stored = _answer_row(session_id, new)
        self.db["answers"].upsert(stored, pk=("session_id", "question_id"))
        old_row = _answer_row(session_id, old)
        for field in TRACKED_FIELDS:
            if old_row[field] != stored[field]:
                self.db["answer_history"].insert(
                    {
                        "session_id": session_id,
                        "question_id": question_id,
                        "field": field,
                        "old_value": _text(old_row[field]),
                        "new_value": _text(stored[field]),
                        "changed_at": now.isoformat(),
                    }
                )
        self.db["sessions"].update(session_id, {"updated_at": now.isoformat()})
        return new

    # --- vote rounds ---------------------------------------------------------------

    def open_round(self, session_id: int, question_id: str, *, again: bool = False) -> VoteRound:
        """Start a blind vote on a question, or carry on the one already open there: two windows that
        open a vote on one question at the same moment share one round. A question voted on before
        gets a new round only `again` (the earlier rounds are kept); otherwise `VotedBefore`."""
        from workshop.session import RoundState

        self._check_question(session_id, question_id)
        with self._writing():  # the look and the insert in one write transaction: no other window between
            latest = self._latest_round_row(session_id, question_id)
            if latest is not None and latest["state"] == RoundState.OPEN.value:
                round_id = latest["id"]
            elif latest is not None and not again:
                raise VotedBefore(f"'{question_id}' was voted on already ({latest['state']}); that round is kept")
            else:
                round_id = self.db["vote_rounds"].insert(
                    {"session_id": session_id, "question_id": question_id, "state": RoundState.OPEN.value,
                     "opened_at": _now()}
                ).last_pk
        return self._round(session_id, int(round_id))

    def record_vote(
        self, session_id: int, question_id: str, participant: str | int, level: int | None
    ) -> Vote:
        """One participant's level (None: "don't know") in the question's open round; a second vote replaces it."""
        from workshop.questionnaire import MAX_LEVEL
        from workshop.session import RoundState, Vote

        self._check_question(session_id, question_id)
        participant_id = self._participant_id(session_id, participant)
        if level is not None and not 0 <= level <= MAX_LEVEL:
            raise StoreError(f"a vote is a level from 0 to {MAX_LEVEL}, not {level}")
        with self._writing():
            current = self._latest_round_row(session_id, question_id)
            if current is None or current["state"] != RoundState.OPEN.value:
                raise NotOpen(f"no vote is open on '{question_id}' (open one first)")
            self.db["round_votes"].upsert(
                {"round_id": current["id"], "participant_id": participant_id, "level": level, "voted_at": _now()},
                pk=("round_id", "participant_id"),
            )
        return Vote(question_id=question_id, participant_id=participant_id, level=level, round_id=current["id"])

    def reveal_round(self, session_id: int, question_id: str | None = None) -> VoteRound:
        """Show an open round's votes: the question's, or the round most recently opened in the workshop."""
        from workshop.session import RoundState

        self._session_row(session_id)
        with self._writing():
            if question_id is not None:
                self._check_question(session_id, question_id)
                row = self._latest_round_row(session_id, question_id)
            else:
                row = self._one(
                    "SELECT * FROM vote_rounds WHERE session_id = ? AND state = 'open' ORDER BY id DESC LIMIT 1",
                    [session_id],
                )
            if row is None or row["state"] != RoundState.OPEN.value:
                where = f" on '{question_id}'" if question_id else ""
                raise NotOpen(f"no vote is open{where} to reveal")
            self.db["vote_rounds"].update(row["id"], {"state": RoundState.REVEALED.value, "revealed_at": _now()})
        return self._round(session_id, row["id"])

    def settle_round(self, session_id: int, question_id: str, change: AnswerChange) -> Answer:
        """Record the level the room agreed after a reveal and mark the round settled, in one commit."""
        from workshop.session import RoundState

        self._check_question(session_id, question_id)
        with self._writing():
            row = self._latest_round_row(session_id, question_id)
            if row is None or row["state"] == RoundState.OPEN.value:
                raise NotOpen(f"no revealed vote on '{question_id}' to settle")
            answer = self._write_answer(session_id, question_id, change)
            self.db["vote_rounds"].update(row["id"], {"state": RoundState.SETTLED.value, "settled_at": _now()})
        return answer

    def participants(self, session_id: int) -> tuple[Participant, ...]:
        """A workshop's participants, in the order they were listed (a light read)."""
        from workshop.session import Participant

        # Plain SQL, not rows_where: a missing table must be an error, not an empty list.
        return tuple(
            Participant(id=p[0], name=p[1], role=p[2] or "")
            for p in self.db.execute(
                "SELECT id, name, role FROM participants WHERE session_id = ? ORDER BY id", [session_id]
            ).fetchall()
        )

    def current_round(self, session_id: int, *, open_only: bool = True) -> VoteRound | None:
        """The round most recently opened that is still open (what phones vote on); with
        `open_only=False`, the most recent round whatever its state. A light read, with its votes."""
        state = "AND state = 'open'" if open_only else ""
        row = self._one(
            f"SELECT * FROM vote_rounds WHERE session_id = ? {state} ORDER BY opened_at DESC, id DESC LIMIT 1",
            [session_id],
        )
        if row is None:
            return None
        from workshop.session import Vote

        votes = [
            Vote(round_id=row["id"], question_id=row["question_id"], participant_id=v[0], level=v[1])
            for v in self.db.execute(
                "SELECT participant_id, level FROM round_votes WHERE round_id = ? ORDER BY participant_id", [row["id"]]
            ).fetchall()
        ]
        return _round(row, votes)

    def rounds(self, session_id: int) -> tuple[VoteRound, ...]:
        """Every vote round of a workshop with its votes, oldest first."""
        from workshop.session import Vote

        votes: dict[int, list[Vote]] = {}
        for v in self.db.execute(
            """
            SELECT v.round_id, r.question_id, v.participant_id, v.level FROM round_votes v
            JOIN vote_rounds r ON r.id = v.round_id WHERE r.session_id = ? ORDER BY v.round_id, v.participant_id
            """,
            [session_id],
        ).fetchall():
            votes.setdefault(v[0], []).append(Vote(round_id=v[0], question_id=v[1], participant_id=v[2], level=v[3]))
        return tuple(
            _round(r, votes.get(r["id"], []))
            for r in self.db["vote_rounds"].rows_where("session_id = ?", [session_id], order_by="id")
        )

    def _round(self, session_id: int, round_id: int) -> VoteRound:
        return next(r for r in self.rounds(session_id) if r.id == round_id)

    def _latest_round_row(self, session_id: int, question_id: str) -> dict[str, Any] | None:
        return self._one(
            "SELECT * FROM vote_rounds WHERE session_id = ? AND question_id = ? ORDER BY id DESC LIMIT 1",
            [session_id, question_id],
        )

    def decide(self, session_id: int, decision: ActionDecision) -> None:
        if decision.action_id not in self._snapshot_ids(self._session_row(session_id)["snapshot"])[1]:
            raise NotFound(f"workshop {session_id} has no action '{terminal(decision.action_id, 80)}'")
        with self._writing():
            self.db["decisions"].upsert(
                {
                    "session_id": session_id,
                    "action_id": decision.action_id,
                    "decision": decision.decision.value,
                    "owner_name": decision.owner_name,
                    "due_date": decision.due_date.isoformat() if decision.due_date else None,
                    "note": decision.note,
                    "decided_at": _now(),
                },
                pk=("session_id", "action_id"),
            )

    def set_target(self, session_id: int, question_id: str, target: int | None) -> None:
        """Raise or lower one question's target for this session; None restores the default."""
        self._check_question(session_id, question_id)
        with self._writing():
            self.db["sessions"].update(session_id, {"updated_at": _now()})  # a target can move the verdict
            old = self._one("SELECT target FROM targets WHERE session_id = ? AND question_id = ?",
                            [session_id, question_id])
            old_target = old["target"] if old else None
            if old_target != target:
                self.db["target_history"].insert(
                    {"session_id": session_id, "question_id": question_id, "old_target": old_target,
                     "new_target": target, "changed_at": _now()}
                )
            if target is None:
                self.db.execute(
                    "DELETE FROM targets WHERE session_id = ? AND question_id = ?", [session_id, question_id]
                )
            else:
                self.db["targets"].upsert(
                    {"session_id": session_id, "question_id": question_id, "target": target},
                    pk=("session_id", "question_id"),
                )

    def history(self, session_id: int) -> list[HistoryEntry]:
        from workshop.session import HistoryEntry

        self._session_row(session_id)
        return [
            HistoryEntry(
                question_id=h["question_id"], field=h["field"], old_value=h["old_value"],
                new_value=h["new_value"], changed_at=h["changed_at"],
            )
            for h in self.db["answer_history"].rows_where("session_id = ?", [session_id], order_by="id")
        ]

    # --- drafts and clocks -----------------------------------------------------

    def save_draft(self, session_id: int, question_id: str, field: str, text: str) -> None:
        with self._writing():
            self.db["drafts"].upsert(
                {"session_id": session_id, "question_id": question_id, "field": field, "text": text,
                 "saved_at": _now()},
                pk=("session_id", "question_id", "field"),
            )

    def drafts(self, session_id: int) -> list[Draft]:
        return [
            Draft(d["question_id"], d["field"], d["text"], dt.datetime.fromisoformat(d["saved_at"]))
            for d in self.db["drafts"].rows_where("session_id = ?", [session_id], order_by="saved_at")
        ]

    def discard_draft(self, session_id: int, question_id: str, field: str) -> None:
        with self._writing():
            self.db.execute(
                "DELETE FROM drafts WHERE session_id = ? AND question_id = ? AND field = ?",
                [session_id, question_id, field],
            )

    def run_clock(self, session_id: int, set_id: str | None, now: dt.datetime, runner: str = "",
                  stale_after: float = CLOCK_STALE_SECONDS) -> None:
        """The time boxes' one shared clock: book the running set's time up to `now`, then run `set_id`.

        Every window showing the walk-through calls this when the set on screen changes, when it
        leaves (`set_id` None: the clock stops), and every few seconds while it stays (a heartbeat),
        naming itself as `runner`. Time is booked to the set that was running, never the one arrived
        at; two windows on one workshop book each second once. A clock another runner has not
        touched for `stale_after` seconds belonged to a window that died: that gap is not booked.
        """
        self._session_row(session_id)
        with self._writing():
            row = self._one(
                "SELECT set_id, running_since, running_by FROM set_clocks "
                "WHERE session_id = ? AND running_since IS NOT NULL",
                [session_id],
            )
            if row is not None:
                gap = (now - dt.datetime.fromisoformat(row["running_since"])).total_seconds()
                alive = gap <= stale_after or (runner and row["running_by"] == runner)
                booked = int(gap) if gap > 0 and alive else 0
                # Whole seconds are booked; the fraction stays running, so nothing is lost to rounding.
                carried = now - dt.timedelta(seconds=gap - booked) if booked else now
                self.db.execute(
                    "UPDATE set_clocks SET elapsed_seconds = elapsed_seconds + ?, running_since = NULL, "
                    "running_by = NULL WHERE session_id = ? AND set_id = ?",
                    [booked, session_id, row["set_id"]],
                )
                if set_id == row["set_id"]:
                    now = carried
            if set_id is not None:
                self.db.execute(
                    """
                    INSERT INTO set_clocks (session_id, set_id, elapsed_seconds, running_since, running_by)
                    VALUES (?, ?, 0, ?, ?)
                    ON CONFLICT (session_id, set_id) DO UPDATE SET
                        running_since = excluded.running_since, running_by = excluded.running_by
                    """,
                    [session_id, set_id, now.isoformat(), runner],
                )

    def clock_state(self, session_id: int) -> tuple[dict[str, int], RunningClock | None]:
        """Seconds booked per set, and the clock running now: what a time box needs, read cheaply."""
        from workshop.session import RunningClock

        rows = list(self.db["set_clocks"].rows_where("session_id = ?", [session_id]))
        running = next((RunningClock(set_id=r["set_id"], since=r["running_since"]) for r in rows
                        if r["running_since"]), None)
        return {r["set_id"]: r["elapsed_seconds"] for r in rows}, running

    # --- watching for changes made by other windows ------------------------------------

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file: cheap enough to poll often."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    # --- phones ---------------------------------------------------------------------------

    def phone_token(self, session_id: int) -> str:
        """The workshop's join token, made on first use: unguessable, the same for every phone."""
        self._session_row(session_id)
        row = self._one("SELECT token FROM phone_access WHERE session_id = ?", [session_id])
        if row:
            return row["token"]
        with self._writing():
            self.db.execute(
                "INSERT OR IGNORE INTO phone_access (session_id, token, created_at) VALUES (?, ?, ?)",
                [session_id, secrets.token_urlsafe(24), _now()],
            )
        return self._one("SELECT token FROM phone_access WHERE session_id = ?", [session_id])["token"]

    def claim_participant(self, session_id: int, participant: str | int, device: str) -> bool:
        """Bind a participant to one phone. True if this device holds the name now; False if another does."""
        participant_id = self._participant_id(session_id, participant)
        with self._writing():
            self.db.execute(
                "INSERT OR IGNORE INTO phone_claims (session_id, participant_id, device, claimed_at) VALUES (?, ?, ?, ?)",
                [session_id, participant_id, device, _now()],
            )
            row = self._one("SELECT device FROM phone_claims WHERE session_id = ? AND participant_id = ?",
                            [session_id, participant_id])
        return row is not None and row["device"] == device

    def release_participant(self, session_id: int, participant: str | int) -> None:
        """Free a participant's name so another phone can take it."""
        participant_id = self._participant_id(session_id, participant)
        with self._writing():
            self.db.execute("DELETE FROM phone_claims WHERE session_id = ? AND participant_id = ?",
                            [session_id, participant_id])

    def claims(self, session_id: int) -> dict[int, str]:
        """Participant id -> the device that holds it."""
        return {r["participant_id"]: r["device"] for r in self.db["phone_claims"].rows_where("session_id = ?", [session_id])}

    def set_vote_server(self, session_id: int, url: str, pid: int) -> None:
        """Record the phone-vote server's address, so every window can show the join link."""
        with self._writing():
            self.db["vote_servers"].upsert(
                {"session_id": session_id, "url": url, "pid": pid, "started_at": _now()}, pk="session_id"
            )

    def clear_vote_server(self, session_id: int, pid: int | None = None) -> None:
        """Forget the server (only if it is still the one with `pid`, when given)."""
        with self._writing():
            if pid is None:
                self.db.execute("DELETE FROM vote_servers WHERE session_id = ?", [session_id])
            else:
                self.db.execute("DELETE FROM vote_servers WHERE session_id = ? AND pid = ?", [session_id, pid])

    def vote_server(self, session_id: int) -> tuple[str, int] | None:
        """(url, pid) of the phone-vote server last started for this workshop, if one was recorded."""
        row = self._one("SELECT url, pid FROM vote_servers WHERE session_id = ?", [session_id])
        return (row["url"], row["pid"]) if row else None

    # --- helpers -------------------------------------------------------------------

    def bank(self, session_id: int) -> QuestionBank:
        return self._bank(self._session_row(session_id)["snapshot"])

    def _bank(self, digest: str) -> QuestionBank:
        from workshop.questionnaire import QuestionBank

        if digest not in self._banks:
            row = self.db.execute("SELECT content FROM snapshots WHERE hash = ?", [digest]).fetchone()
            self._banks[digest] = QuestionBank.model_validate_json(row[0])
        return self._banks[digest]

    def _session_row(self, session_id: int) -> dict[str, Any]:
        row = self._one("SELECT * FROM sessions WHERE id = ?", [session_id])
        if row is None:
            raise NotFound(f"no workshop with id {session_id} (see 'workshop list')")
        return row

    def _snapshot_ids(self, digest: str) -> tuple[frozenset[str], frozenset[str]]:
        """The question ids and action ids of a stored snapshot.

        From the validated bank when this store has it; else from the snapshot's JSON, without
        validating the whole bank (a command that records one answer needs only to know the id).
        """
        if digest not in self._ids:
            bank = self._banks.get(digest)
            if bank is not None:
                questions = bank.questions()
                ids = (frozenset(q.id for q in questions), frozenset(a.id for q in questions for a in q.actions))
            else:
                row = self.db.execute("SELECT content FROM snapshots WHERE hash = ?", [digest]).fetchone()
                try:
                    stored = [q for s in json.loads(row[0])["sets"] for c in s["sections"] for q in c["questions"]]
                    ids = (frozenset(q["id"] for q in stored), frozenset(a["id"] for q in stored for a in q["actions"]))
                except (TypeError, KeyError, ValueError) as exc:
                    raise StoreError(f"a stored workshop could not be read (its question sets: {exc!r})") from None
            self._ids[digest] = ids
        return self._ids[digest]

    def _check_question(self, session_id: int, question_id: str) -> None:
        if question_id not in self._snapshot_ids(self._session_row(session_id)["snapshot"])[0]:
            raise NotFound(
                f"workshop {session_id} has no question '{terminal(question_id, 80)}' (see 'workshop questions')"
            )

    def _participant_id(self, session_id: int, participant: str | int) -> int:
        wanted = skeleton(str(participant))
        for p in self.db["participants"].rows_where("session_id = ?", [session_id]):
            if str(p["id"]) == str(participant) or skeleton(p["name"]) == wanted:
                return p["id"]
        raise NotFound(f"workshop {session_id} has no participant '{terminal(participant, 60)}'")

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        cursor = self.db.execute(sql, params)
        row = cursor.fetchone()
        return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None


def _answer(row: dict[str, Any]) -> Answer:
    from workshop.session import Answer

    return Answer(
        question_id=row["question_id"],
        status=row["status"],
        level=row["level"],
        reason=row["reason"] or "",
        evidence=row["evidence"] or "",
        confidence=row["confidence"],
        note=row["note"] or "",
        private_note=row["private_note"] or "",
        flagged=bool(row["flagged"]),
        answered_by=row["answered_by"] or "",
        updated_at=row["updated_at"],
    )


def _round(row: dict[str, Any], votes: list[Vote]) -> VoteRound:
    from workshop.session import VoteRound

    return VoteRound(
        id=row["id"], question_id=row["question_id"], state=row["state"], opened_at=row["opened_at"],
        revealed_at=row["revealed_at"], settled_at=row["settled_at"], votes=tuple(votes),
    )


def _answer_row(session_id: int, answer: Answer) -> dict[str, Any]:
    data = answer.model_dump(mode="json")
    data["flagged"] = int(answer.flagged)
    return {"session_id": session_id, **data}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
