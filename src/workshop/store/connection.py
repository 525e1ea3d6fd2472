"""Opening the database file safely.

Before anything is written, the file is checked read-only: it must be a
SQLite file, pass `quick_check`, and be a workshop database this version
understands. A file that fails is reported and left byte-for-byte untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from workshop.store.migrations import MIGRATION_SET, known_names, migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000


class StoreError(Exception):
    """A problem with the database file, worded for the person at the keyboard."""


def open_database(path: Path) -> Database:
    """Check, migrate if needed (after a backup), and open the file for writing."""
    path = Path(path)
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a database file")
        pending = _inspect(path)
        if pending:
            backup_before_migration(path, pending[0])
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc.strerror}") from None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        db = Database(conn, execute_plugins=False)
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode=WAL")
        # FULL: a laptop whose battery dies is a power loss, and WAL with
        # NORMAL may roll back the last commits then.
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        with immediate(db):
            migrations.apply(db)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    return db


@contextlib.contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock up front.

    sqlite-utils' `atomic()` begins a deferred transaction: two processes that
    read then write fail at once with SQLITE_BUSY, whatever the busy timeout.
    `BEGIN IMMEDIATE` waits for the lock instead.
    """
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        # Disk full, a read-only file, a lock held too long: nothing was saved, say so in one line.
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise StoreError(f"not saved: {exc}") from None


def _inspect(path: Path) -> list[str]:
    """Check an existing file read-only; return the migrations it still needs."""
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if not header:
        return []  # an empty file is a new database
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not a workshop database (not a SQLite file); it was left untouched")
    try:
        conn = _read_only(path)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read {path}: {exc}") from None
    try:
        result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if result != ["ok"]:
            raise StoreError(_damaged(path, result[0] if result else "no answer"))
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return []  # an empty SQLite file: nothing to back up
        if "_sqlite_migrations" not in tables:
            raise StoreError(f"{path} is a SQLite database but not a workshop one; it was left untouched")
        applied = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET]
            )
        ]
    except sqlite3.DatabaseError as exc:
        raise StoreError(_damaged(path, str(exc))) from None
    finally:
        conn.close()
    known = known_names()
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise StoreError(
            f"{path} was written by a newer version of workshop (schema step '{unknown[-1]}'); "
            "upgrade workshop to open it"
        )
    if not applied:
        raise StoreError(f"{path} is a SQLite database but not a workshop one; it was left untouched")
    return [name for name in known if name not in applied]


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file or leave files beside it.

    With no WAL left over, `immutable=1` reads without creating -wal or -shm
    files. A WAL left by a crash holds committed pages the check must see, so
    then the file is opened read-only instead (SQLite may create its -shm).
    """
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() and wal.stat().st_size else "immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)


def _damaged(path: Path, detail: str) -> str:
    backups = sorted(path.parent.glob(f"{path.name}.bak-*"))
    hint = f"; the last backup is {backups[-1]}" if backups else "; no backup was found"
    return f"{path} is damaged ({detail}); nothing was written to it{hint}"


def backup_before_migration(path: Path, first_pending: str) -> Path:
    """Copy the file (consistently, through SQLite's backup API) before a migration runs."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bak-{stamp}-before-{first_pending}")
    source = _read_only(path)
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot back up {path} before upgrading it: {exc}") from None
    finally:
        dest.close()
        source.close()
    return target
