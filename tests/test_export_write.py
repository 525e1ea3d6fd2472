"""Writing exports: file names, folders, atomic writes, one-line errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.analysis import analyse
from workshop.export import ExportError, default_filename, safe_filename, write_export
from workshop.export import writer as writer_module

from factories import make_session

SAFE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+$")


def test_default_file_name():
    session = make_session({}, organisation="Acme", initiative="Claims triage")
    assert default_filename(session, "participants", "md") == "2026-11-22-acme-claims-triage-w1-participants.md"


@pytest.mark.parametrize(
    ("organisation", "initiative"),
    [
        ("../../etc", "passwd"),
        ("a/b\\c", "..\\..\\windows"),
        ("Acme\x00\x1b[31m\n", "claims\ttriage\r\n"),
        ("..", "."),
        ("", ""),
        ("Zürich Versicherung AG", "Schäden-Triage"),
        ("x" * 500, "y" * 500),
        ("CON", "nul"),
        ("ACME ‮gpj.exe", "😀 emoji only 😀"),
    ],
)
def test_unsafe_names_become_safe_file_names(organisation, initiative):
    session = make_session({}, organisation=organisation, initiative=initiative)
    for audience in ("participants", "facilitator"):
        name = default_filename(session, audience, "html")
        assert SAFE_NAME.match(name), name
        assert ".." not in name and "/" not in name and "\\" not in name
        assert len(name) <= 120
        assert name.startswith("2026-11-22-")
        assert name.endswith(f"-w1-{audience}.html")  # the id and audience survive any capping


def test_accents_are_kept_as_letters():
    session = make_session({}, organisation="Zürich Versicherung AG", initiative="Schäden-Triage")
    assert default_filename(session, "participants", "md") == (
        "2026-11-22-zurich-versicherung-ag-schaden-triage-w1-participants.md"
    )


def test_safe_filename_rejects_odd_extensions():
    assert safe_filename("../x", "MD") == "x.md"
    assert safe_filename("con", "txt") == "con-export.txt"
    with pytest.raises(ValueError):
        safe_filename("x", "md/../../sh")


@pytest.fixture
def exported():
    session = make_session({"a.gate": 1})
    return session, analyse(session)


def test_default_folder_is_created(exported, tmp_path):
    session, analysis = exported
    path = write_export(session, analysis, "participants", "md", None, tmp_path / "exports")
    assert path == tmp_path / "exports" / "2026-11-22-acme-claims-triage-w1-participants.md"
    assert path.read_text(encoding="utf-8").startswith("# Readiness workshop: Claims triage")


def test_out_folder_gets_the_default_name(exported, tmp_path):
    session, analysis = exported
    path = write_export(session, analysis, "facilitator", "json", tmp_path, tmp_path / "unused")
    assert path == tmp_path / "2026-11-22-acme-claims-triage-w1-facilitator.json"
    assert not (tmp_path / "unused").exists()


def test_out_file_path_is_used_and_replaced(exported, tmp_path):
    session, analysis = exported
    target = tmp_path / "summary.html"
    target.write_text("old content that is longer than nothing " * 1000)
    path = write_export(session, analysis, "participants", "html", target, tmp_path)
    assert path == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.html"]  # no temporary file left


def test_csv_starts_with_a_byte_order_mark(exported, tmp_path):
    session, analysis = exported
    path = write_export(session, analysis, "participants", "csv", tmp_path, tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfkind,")


def test_missing_folder_is_a_one_line_error(exported, tmp_path):
    session, analysis = exported
    with pytest.raises(ExportError) as error:
        write_export(session, analysis, "participants", "md", tmp_path / "missing" / "out.md", tmp_path)
    assert "does not exist" in str(error.value)
    assert "\n" not in str(error.value)


def test_folder_that_is_a_file_is_an_error(exported, tmp_path):
    session, analysis = exported
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ExportError) as error:
        write_export(session, analysis, "participants", "md", blocker / "out.md", tmp_path)
    assert "\n" not in str(error.value)
    with pytest.raises(ExportError):
        write_export(session, analysis, "participants", "md", None, blocker / "exports")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_read_only_folder_is_an_error(exported, tmp_path):
    session, analysis = exported
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError) as error:
            write_export(session, analysis, "participants", "md", folder, tmp_path)
        assert "cannot write" in str(error.value)
    finally:
        folder.chmod(0o700)


def test_unwritable_folder_is_an_error_and_leaves_nothing(exported, tmp_path, monkeypatch):
    session, analysis = exported

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(writer_module.os, "open", refuse)
    with pytest.raises(ExportError) as error:
        write_export(session, analysis, "participants", "md", tmp_path, tmp_path)
    assert str(error.value).startswith("cannot write ") and str(error.value).endswith(": Permission denied")
    assert list(tmp_path.iterdir()) == []


def test_failed_replace_keeps_the_old_file_and_removes_the_temporary_one(exported, tmp_path, monkeypatch):
    session, analysis = exported
    target = tmp_path / "out.md"
    target.write_text("previous export")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module.os, "replace", fail)
    with pytest.raises(ExportError, match="No space left on device"):
        write_export(session, analysis, "participants", "md", target, tmp_path)
    assert target.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_export_does_not_import_sqlite_or_textual():
    code = (
        "import sys, workshop.export; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlite3', 'sqlite_utils', 'textual')))"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip() == "[]"


def test_two_workshops_never_share_a_file_name():
    # 'a/b' + 'X' and 'A B' + 'x' slug alike; on one date only the id tells them apart
    first = make_session({}, organisation="a/b", initiative="X", session_id=7)
    second = make_session({}, organisation="A B", initiative="x", session_id=8)
    names = {default_filename(s, "participants", "md") for s in (first, second)}
    assert names == {"2026-11-22-a-b-x-w7-participants.md", "2026-11-22-a-b-x-w8-participants.md"}


# --- issue 8: an export can never destroy the database --------------------------------


@pytest.fixture
def database(tmp_path):
    from workshop.store import Store

    path = tmp_path / "data" / "workshop.db"
    with Store.open(path) as store:
        store.db.execute("CREATE TABLE IF NOT EXISTS marker (x)")
        (path.parent / "workshop.db.bak-20261120-before-m003").write_bytes(b"backup")
        yield store


def _spellings(tmp_path, db: Path) -> list[Path]:
    link = tmp_path / "link.md"
    link.symlink_to(db)
    hard = tmp_path / "hard.db"
    os.link(db, hard)
    return [
        db,
        db.parent / ".." / "data" / db.name,  # another spelling of the same file
        db.with_name(db.name + "-wal"),
        db.with_name(db.name + "-shm"),
        db.with_name(db.name + "-journal"),  # not there now, but SQLite would read it
        db.with_name(db.name + ".bak-20261120-before-m003"),
        db.with_name(db.name + ".bak-anything-new"),
        link,  # a symbolic link to the database
        hard,  # a hard link to it
    ]


def test_an_export_refuses_the_database_its_companions_and_backups(exported, database, tmp_path):
    session, analysis = exported
    db = database.path
    before = {p.name: p.read_bytes() for p in db.parent.iterdir()}
    for path in _spellings(tmp_path, db):
        for audience, fmt in (("participants", "md"), ("facilitator", "json")):
            with pytest.raises(ExportError, match="refusing to write over the workshop database") as error:
                write_export(session, analysis, audience, fmt, path, tmp_path, database=db)
            assert "\n" not in str(error.value)
    assert {p.name: p.read_bytes() for p in db.parent.iterdir()} == before
    assert database.db.execute("SELECT count(*) FROM marker").fetchone() == (0,)
    # beside the database, any other name is fine
    assert write_export(session, analysis, "participants", "md", db.with_name("summary.md"), tmp_path, database=db)


def test_export_workshop_protects_the_open_database(database, tmp_path):
    from workshop.questionnaire import builtin_dir, load_paths
    from workshop.report import export_workshop
    from workshop.session import NewSession

    sid = database.create_session(
        NewSession(organisation="Acme", initiative="Claims", facilitator="Fay", sets=("business",)),
        load_paths([builtin_dir()]).bank,
    )
    with pytest.raises(ExportError, match="refusing"):
        export_workshop(database, sid, "participants", "md", database.path, tmp_path)
    assert database.load_session(sid).organisation == "Acme"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_file_modes_follow_the_umask_and_the_facilitators_is_owner_only(exported, tmp_path, umask):
    session, analysis = exported
    old = os.umask(umask)
    try:
        shared = write_export(session, analysis, "participants", "md", tmp_path, tmp_path)
        private = write_export(session, analysis, "facilitator", "md", tmp_path, tmp_path)
        # replacing an existing, world-readable file must not keep its mode
        target = tmp_path / "old.md"
        target.write_text("old")
        target.chmod(0o644)
        replaced = write_export(session, analysis, "facilitator", "html", target, tmp_path)
    finally:
        os.umask(old)
    assert shared.stat().st_mode & 0o777 == 0o666 & ~umask
    assert private.stat().st_mode & 0o777 == 0o600
    assert replaced.stat().st_mode & 0o777 == 0o600
