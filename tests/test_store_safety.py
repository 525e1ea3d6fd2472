"""Every promise about the data, under faults: moved files, read-only files, busy files, copies.

Each test names the class of problem it covers (issue 8); read-only cases run the CLI as a user who
cannot write the files (when the suite runs as root: root without its power to ignore permissions).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from workshop.session import AnswerChange, NewSession
from workshop.store import Store, StoreError
from workshop.store.migrations import migrations

from helpers import FIXTURE_SETS, make_read_only, other_user_prefix, run_cli, run_cli_as_reader


@pytest.fixture
def shared_dir():
    """A folder the tests make read-only, made writable again afterwards so that it can be removed."""
    folder = Path(tempfile.mkdtemp(prefix="workshop-test-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


def new_workshop(store: Store, bank) -> int:
    return store.create_session(
        NewSession(organisation="Acme", initiative="Claims", facilitator="Ann", sets=("pilot",)), bank
    )


# --- "✓ saved" must be true -------------------------------------------------------------------


@pytest.mark.parametrize("how", ["deleted", "replaced", "moved"])
def test_a_database_deleted_or_replaced_while_open_is_never_reported_saved(tmp_path, bank, how):
    path = tmp_path / "w.db"
    store = Store.open(path)
    sid = new_workshop(store, bank)
    store.record_answer(sid, "pilot.kpi", AnswerChange.from_level_text("1"))
    if how == "deleted":
        path.unlink()
    elif how == "moved":
        path.rename(tmp_path / "elsewhere.db")
    else:
        replacement = tmp_path / "other.db"
        Store.open(replacement).close()
        replacement.replace(path)
    with pytest.raises(StoreError, match="was moved, replaced or deleted while open"):
        store.record_answer(sid, "pilot.kpi", AnswerChange.from_level_text("3"))
    # And it stays stopped: no later write goes anywhere quietly.
    with pytest.raises(StoreError, match="nothing more will be written"):
        store.set_position(sid, "pilot.kpi")
    store.db.close()


# --- the file a user copies must be whole -------------------------------------------------------


def test_closing_checkpoints_so_a_copy_of_the_main_file_alone_has_every_answer(tmp_path, bank):
    path = tmp_path / "w.db"
    with Store.open(path) as store:
        sid = new_workshop(store, bank)
        store.record_answer(sid, "pilot.kpi", AnswerChange.from_level_text("3"))
        assert (tmp_path / "w.db-wal").stat().st_size > 0  # the answer lives in the log for now
    copy = tmp_path / "copy" / "w.db"
    copy.parent.mkdir()
    shutil.copyfile(path, copy)  # what a sync tool that drops the -wal does
    with Store.open(copy) as copied:
        assert copied.load_session(sid).answer("pilot.kpi").level == 3


def test_backup_command_copies_while_the_app_writes_and_refuses_the_live_file(tmp_path, bank, db_path):
    store = Store.open(db_path)  # another window, still open, with uncheckpointed commits
    sid = new_workshop(store, bank)
    store.record_answer(sid, "pilot.kpi", AnswerChange.from_level_text("2"))
    backup = tmp_path / "backups"
    backup.mkdir()
    result = run_cli("backup", str(backup), db=db_path)
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.strip())
    assert written == backup / "workshop.db"
    assert not Path(str(written) + "-wal").exists()  # one self-contained file
    with Store.open(written) as copied:
        assert copied.load_session(sid).answer("pilot.kpi").level == 2
    for live in (db_path, Path(f"{db_path}-wal"), tmp_path / "." / db_path.name):
        refused = run_cli("backup", str(live), db=db_path)
        assert refused.returncode == 1 and "is the live database" in refused.stderr
    assert store.load_session(sid).answer("pilot.kpi").level == 2
    store.close()


def test_a_migration_that_keeps_failing_leaves_one_backup_per_schema_step(tmp_path, monkeypatch):
    path = tmp_path / "w.db"
    from sqlite_utils import Database

    old = Database(path)
    migrations.apply(old, stop_before="m003_rounds_targets_phones")
    old.close()

    def broken(db):
        raise sqlite3.OperationalError("disk I/O error")

    step = next(m for m in migrations._migrations if m.name == "m003_rounds_targets_phones")
    monkeypatch.setattr(step, "fn", broken)
    # Backups are named by the second they are taken: attempts on earlier days left these.
    for day in ("20260101-090000", "20260102-090000"):
        (tmp_path / f"w.db.bak-{day}-before-m003_rounds_targets_phones").write_bytes(b"an earlier attempt")
    for _ in range(2):
        with pytest.raises(StoreError):
            Store.open(path)
    [kept] = tmp_path.glob("w.db.bak-*-before-m003_rounds_targets_phones")
    assert "2026010" not in kept.name and kept.read_bytes().startswith(b"SQLite format 3")


# --- read-only and busy files ---------------------------------------------------------------------


def _workshop_file(folder: Path, bank) -> tuple[Path, int]:
    path = folder / "w.db"
    with Store.open(path) as store:
        sid = new_workshop(store, bank)
        store.record_answer(sid, "pilot.kpi", AnswerChange.from_level_text("2", note="read me"))
    return path, sid


def test_reading_commands_work_on_a_read_only_database_and_folder(shared_dir, bank):
    path, sid = _workshop_file(shared_dir, bank)
    out = shared_dir / "out"
    out.mkdir()
    out.chmod(0o777)
    make_read_only(path, shared_dir)
    listing = run_cli_as_reader("list", db=path, cwd=out)
    assert listing.returncode == 0, listing.stderr
    assert "Claims" in listing.stdout
    shown = run_cli_as_reader("show", str(sid), db=path, cwd=out)
    assert shown.returncode == 0 and "read me" in shown.stdout
    exported = run_cli_as_reader("--questionnaires", str(FIXTURE_SETS), "export", str(sid), "--out", str(out),
                                 db=path, cwd=out)
    assert exported.returncode == 0, exported.stderr
    assert "read me" in Path(exported.stdout.strip()).read_text()
    assert run_cli_as_reader("--questionnaires", str(FIXTURE_SETS), "questions", db=path, cwd=out).returncode == 0
    refused = run_cli_as_reader("answer", str(sid), "pilot.kpi", "3", db=path, cwd=out)
    assert refused.returncode == 1 and "read-only" in refused.stderr and "Traceback" not in refused.stderr


def test_commits_still_in_the_log_are_read_from_a_read_only_folder(shared_dir, bank):
    path = shared_dir / "w.db"
    store = Store.open(path)  # kept open: its last commit is only in w.db-wal
    sid = new_workshop(store, bank)
    store.record_answer(sid, "pilot.kpi", AnswerChange.from_level_text("4"))
    # The reader may not write the log or the shared memory either (the writer, root, still can).
    make_read_only(path.with_name("w.db-wal"), path.with_name("w.db-shm"), shared_dir)
    shown = run_cli_as_reader("show", str(sid), "--json", db=path, cwd=shared_dir)
    assert shown.returncode == 0, shown.stderr
    assert '"level": 4' in shown.stdout
    store.db.close()


def test_an_older_schema_in_a_read_only_folder_is_one_line_and_left_alone(shared_dir):
    from sqlite_utils import Database

    path = shared_dir / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m003_rounds_targets_phones")
    old.close()
    before = path.read_bytes()
    make_read_only(path, shared_dir)
    for args in (["list"], ["answer", "1", "x", "1"]):
        result = run_cli_as_reader(*args, db=path, cwd=shared_dir)
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1 and "needs upgrading" in result.stderr
    assert path.read_bytes() == before


def test_a_leftover_read_only_shared_memory_file_does_not_block_writing_again(tmp_path, bank):
    path, sid = _workshop_file(tmp_path, bank)
    shm = tmp_path / "w.db-shm"
    shm.write_bytes(b"\x00" * 32768)
    make_read_only(shm)
    with Store.open(path) as store:
        store.record_answer(sid, "pilot.kpi", AnswerChange.from_level_text("3"))
        assert store.load_session(sid).answer("pilot.kpi").level == 3


def test_files_a_read_only_session_left_behind_do_not_refuse_the_first_write_once_writable(shared_dir, bank):
    path, sid = _workshop_file(shared_dir, bank)
    make_read_only(path)
    assert run_cli_as_reader("list", db=path, cwd=shared_dir).returncode == 0
    wal, shm = path.with_name("w.db-wal"), path.with_name("w.db-shm")
    assert wal.stat().st_size == 0 and oct(shm.stat().st_mode & 0o777) == "0o444"  # what it left, read-only
    path.chmod(0o644)  # the user makes the file writable again
    first = run_cli_as_reader("--questionnaires", str(FIXTURE_SETS), "answer", str(sid), "pilot.kpi", "3",
                              db=path, cwd=shared_dir)
    assert (first.returncode, first.stdout) == (0, "saved pilot.kpi = 3\n"), first.stderr


def test_reading_commands_do_not_wait_for_a_writer_holding_the_lock(tmp_path, bank, db_path):
    with Store.open(db_path) as store:
        sid = new_workshop(store, bank)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
         "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)", str(db_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        # The lock is held for longer than the busy timeout (15 s): a command that needed it would
        # fail with "locked" or "not saved"; reading commands succeed because they never ask for it.
        for args in (["list"], ["show", str(sid)], ["export", str(sid), "--out", str(tmp_path)]):
            result = run_cli("--questionnaires", str(FIXTURE_SETS), *args, db=db_path)
            assert result.returncode == 0, result.stderr
            assert "not saved" not in result.stderr
    finally:
        holder.kill()
        holder.wait()


def test_opening_a_reader_never_lets_another_process_delete_the_log_our_writes_go_to(tmp_path, bank):
    """POSIX drops every lock a process holds on a file when it closes any descriptor of it. A reader
    that reopened the file to check it would leave the writer unlocked; another process closing its
    own connection would then delete the write-ahead log, and our later commits would be invisible."""
    path = tmp_path / "w.db"
    store = Store.open(path)
    sid = new_workshop(store, bank)
    reader = store.reader()
    peek = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute(sys.argv[2]).fetchall()); c.close()"
    subprocess.run([sys.executable, "-c", peek, str(path), "SELECT 1"], check=True, capture_output=True)
    store.record_answer(sid, "pilot.kpi", AnswerChange.from_level_text("3"))
    seen = subprocess.run([sys.executable, "-c", peek, str(path), "SELECT level FROM answers"],
                          check=True, capture_output=True, text=True)
    assert seen.stdout.strip() == "[(3,)]"
    assert (tmp_path / "w.db-wal").exists()
    reader.close()
    store.close()


def test_a_read_only_file_in_a_writable_folder_opens_the_app_read_only(shared_dir, bank):
    path, sid = _workshop_file(shared_dir, bank)
    make_read_only(path)  # the folder stays writable: SQLite alone would open it and refuse each write
    probe = ("import sys; from workshop.store import Store\n"
             "store = Store.open_or_read_only(sys.argv[1])\n"
             "print(store.read_only); print(store.load_session(int(sys.argv[2])).answer('pilot.kpi').note)")
    opened = subprocess.run([*other_user_prefix(), sys.executable, "-c", probe, str(path), str(sid)],
                            capture_output=True, text=True, timeout=60)
    assert opened.returncode == 0, opened.stderr
    reason, note = opened.stdout.splitlines()
    assert reason == f"{path} is read-only: this user may not write it" and note == "read me"
    refused = run_cli_as_reader("answer", str(sid), "pilot.kpi", "3", db=path, cwd=shared_dir)
    assert refused.returncode == 1 and "read-only" in refused.stderr and "Traceback" not in refused.stderr
