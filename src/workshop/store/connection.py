"""Opening the database file safely, and writing to it only when a write can be kept.

Before anything is written, the file is checked read-only: it must be a SQLite file, pass
`quick_check`, and be a workshop database this version understands. A file that fails is reported
and left byte-for-byte untouched.

A file that cannot be written (a read-only file, folder or disk) can still be read: reading
commands and the app's read-only mode use `open_reader`, which never takes the write lock, so it
neither waits for nor blocks a facilitator who is writing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from workshop.errors import DataProblem
from workshop.store.migrations import MIGRATION_SET, known_names, migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
COMPANIONS = ("-wal", "-shm", "-journal")


class StoreError(DataProblem):
    """A problem with the database file, worded for the person at the keyboard."""


class ReadOnlyStore(StoreError):
    """A write to a database opened read-only."""


@dataclass
class FileIdentity:
    """Which file a connection holds: a path that names another file (or none) means it moved."""

    path: Path
    device: int
    inode: int
    lost: str = field(default="")  # why writing stopped, once it has

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        st = path.stat()
        return cls(path, st.st_dev, st.st_ino)

    def check(self) -> None:
        if self.lost:
            raise StoreError(self.lost)
        try:
            st = self.path.stat()
            same = (st.st_dev, st.st_ino) == (self.device, self.inode)
        except OSError:
            same = False
        if not same:
            # Everything from now on would go to a file nobody can open again: stop writing.
            self.lost = (
                f"not saved: {self.path} was moved, replaced or deleted while open; nothing more will be "
                "written (restart workshop to reopen the file)"
            )
            raise StoreError(self.lost)


def companions(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database: its write-ahead log, shared memory and journal."""
    return [path.with_name(path.name + suffix) for suffix in COMPANIONS]


def open_database(path: Path) -> Database:
    """Check, migrate if needed (after a backup), and open the file for writing."""
    path = Path(path)
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a database file")
        pending = _inspect(path)
        if pending and not _writable(path):
            raise StoreError(
                f"{path} needs upgrading to this version of workshop, but it is read-only; "
                "make it writable (or copy it somewhere writable) and open it again"
            )
        if pending:
            backup_before_migration(path, pending[0])
        if not os.access(path, os.W_OK):
            # SQLite would open it and refuse each write later ("attempt to write a readonly database").
            raise ReadOnlyStore(f"{path} is read-only: this user may not write it")
        _drop_stale_shared_memory(path)
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
        # Only an upgrade takes the write lock at opening: a second window opening the file while
        # the facilitator writes must not wait.
        if migrations.pending(db):
            with immediate(db):
                migrations.apply(db)
    except sqlite3.Error as exc:
        if _is_read_only_error(exc):
            raise ReadOnlyStore(f"{path} is read-only: {exc}") from None
        raise StoreError(f"cannot open {path}: {exc}") from None
    return db


def open_reader(path: Path) -> tuple[Database, Path]:
    """Open an existing database for reading only; returns it and the file it reads.

    Never writes, never takes the write lock. A file in a folder this user cannot write is read
    through `immutable=1`; if its write-ahead log holds recent commits, the two files are copied to a
    private temporary folder first (the file read is then that copy), so those commits are read too.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"no database at {path}")
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    pending = _inspect(path)
    if pending:
        raise StoreError(
            f"{path} was written by an older version of workshop and needs upgrading, which needs "
            "write access; open it once with write access"
        )
    try:
        conn, read = connect_read_only(path)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot read {path}: {exc}") from None
    return Database(conn, execute_plugins=False), read


def connect_read_only(path: Path) -> tuple[sqlite3.Connection, Path]:
    """A read-only connection that sees every commit, and the file it reads (see `open_reader`)."""
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, path
    except sqlite3.Error:
        pass  # WAL needs its shared-memory file, which a read-only folder cannot hold
    wal = path.with_name(path.name + "-wal")
    if not (wal.exists() and wal.stat().st_size):
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False, isolation_level=None), path
    # No connection of this process can hold the file here (it could not even be opened), so copying
    # it with plain file reads cannot disturb SQLite's locks.
    snapshot = Path(tempfile.mkdtemp(prefix="workshop-read-")) / path.name
    shutil.copyfile(path, snapshot)
    shutil.copyfile(wal, snapshot.with_name(wal.name))
    return sqlite3.connect(str(snapshot), check_same_thread=False, isolation_level=None), snapshot


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _is_read_only_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def _drop_stale_shared_memory(path: Path) -> None:
    """A -shm or an empty -wal this user cannot write (left by a read-only session, from before the
    file was made writable) would refuse the first write.

    The -shm is a cache SQLite rebuilds from the write-ahead log; an empty log holds no commit. Both
    can go. A log with commits in it is never touched.
    """
    if not os.access(path.parent, os.W_OK):
        return
    shm, wal = path.with_name(path.name + "-shm"), path.with_name(path.name + "-wal")
    with contextlib.suppress(OSError):
        if shm.exists() and not os.access(shm, os.W_OK):
            shm.unlink()
    with contextlib.suppress(OSError):
        if wal.exists() and not os.access(wal, os.W_OK) and wal.stat().st_size == 0:
            wal.unlink()


@contextlib.contextmanager
def immediate(db: Database, identity: FileIdentity | None = None) -> Iterator[Database]:
    """A write transaction that takes the write lock up front, and keeps nothing it cannot keep.

    sqlite-utils' `atomic()` begins a deferred transaction: two processes that read then write
    fail at once with SQLITE_BUSY, whatever the busy timeout. `BEGIN IMMEDIATE` waits for the lock
    instead. With `identity`, the path must still name the file this connection holds, before the
    write and after the commit: a file deleted or replaced while the app is open makes every write
    a "not saved", never a quiet write to a file nobody will open again.
    """
    if identity is not None:
        identity.check()
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
    if identity is not None:
        identity.check()


def _inspect(path: Path) -> list[str]:
    """Check an existing file read-only; return the migrations it still needs.

    The file is only ever opened through SQLite here. Opening and closing it any other way (a plain
    `open()`) would drop every POSIX lock this process holds on it, so another process closing the
    database would think it was the last and delete the write-ahead log our connections still use.
    """
    try:
        if path.stat().st_size == 0:
            return []  # an empty file is a new database
        conn = _read_only(path)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
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
        if _not_sqlite(path):
            raise StoreError(f"{path} is not a workshop database (not a SQLite file); it was left untouched") from None
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


def _not_sqlite(path: Path) -> bool:
    """Does the file lack SQLite's header? Read directly: SQLite has refused it, so no connection
    of ours holds it."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER
    except OSError:
        return False


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file or leave files beside it.

    With no WAL left over, `immutable=1` reads without creating -wal or -shm
    files. A WAL left by a crash holds committed pages the check must see, so
    then the file is opened read-only instead (SQLite may create its -shm).
    """
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        return connect_read_only(path)[0]
    return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)


def _damaged(path: Path, detail: str) -> str:
    backups = sorted(path.parent.glob(f"{path.name}.bak-*"), key=lambda p: p.stat().st_mtime)
    hint = f"; the last backup is {backups[-1]}" if backups else "; no backup was found"
    return f"{path} is damaged ({detail}); nothing was written to it{hint}"


def backup_before_migration(path: Path, first_pending: str) -> Path:
    """Copy the file (consistently, through SQLite's backup API) before a migration runs.

    One backup is kept per schema step: a migration that fails and is tried again replaces its own
    earlier backup instead of adding a full copy on every attempt.
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bak-{stamp}-before-{first_pending}")
    earlier = [p for p in path.parent.glob(f"{path.name}.bak-*-before-{first_pending}") if p != target]
    copy_database(path, target)
    for old in earlier:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def copy_database(source_path: Path, target: Path) -> Path:
    """A consistent copy of a live database through SQLite's online backup API, written atomically.

    Works while another process writes (the copy is a snapshot of the last commit). The copy goes to
    a temporary file beside the target, is flushed to disk, then renamed into place.
    """
    source = _read_only(source_path)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        dest = sqlite3.connect(tmp_name)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dest.close()
        with open(tmp_name, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
        tmp_name = ""
    except (sqlite3.Error, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StoreError(f"cannot copy {source_path} to {target}: {reason}") from None
    finally:
        source.close()
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return target
