"""The question bank cache: read while no file has changed, never a bank the files no longer describe."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from workshop import setfiles
from workshop.cli import main
from workshop.questionnaire import load_bank, load_paths

from helpers import FIXTURE_SETS


@pytest.fixture
def sets(tmp_path):
    folder = tmp_path / "sets"
    shutil.copytree(FIXTURE_SETS, folder)
    return folder


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("WORKSHOP_CACHE", str(folder))
    return folder / "banks"


def cached_files(cache) -> list[str]:
    return sorted(p.name for p in cache.glob("*.json")) if cache.is_dir() else []


def test_the_cached_bank_is_the_bank_the_files_make(sets, cache):
    first = load_bank([sets])
    assert not first.problems and len(cached_files(cache)) == 1
    again = load_bank([sets])
    assert again.bank == first.bank == load_paths([sets]).bank
    assert [str(f) for f in again.files] == [str(f) for f in first.files]


def test_a_second_load_does_not_parse_the_files(sets, cache, monkeypatch):
    expected = load_bank([sets]).bank
    monkeypatch.setattr("workshop.questionnaire.load_paths", lambda files: pytest.fail("the files were parsed"))
    assert load_bank([sets]).bank == expected


def test_an_edited_set_is_loaded_from_the_file(sets, cache):
    load_bank([sets])
    pilot = sets / "pilot.toml"
    pilot.write_text(pilot.read_text().replace('title = "Pilot"', 'title = "Pilot, renamed"', 1))
    assert load_bank([sets]).bank.get_set("pilot").title == "Pilot, renamed"
    assert len(cached_files(cache)) == 2  # one per content


def test_a_removed_set_is_gone_from_the_bank(sets, cache):
    assert load_bank([sets]).bank.set_ids() == ["ops", "pilot"]
    (sets / "ops.toml").unlink()
    assert load_bank([sets]).bank.set_ids() == ["pilot"]


def test_a_broken_set_is_reported_every_time_and_never_cached(sets, cache):
    (sets / "broken.toml").write_text('id = "broken"\ntitle = "Broken"\n')
    for _ in range(2):
        result = load_bank([sets])
        assert result.problems and any("broken.toml" in str(p) for p in result.problems)
    assert cached_files(cache) == []


def test_a_damaged_cache_file_is_loaded_again_from_the_files(sets, cache):
    expected = load_bank([sets]).bank
    [entry] = cache.glob("*.json")
    entry.write_text('{"sets": [{"id": "not a set"}]}')
    assert load_bank([sets]).bank == expected
    assert load_bank([sets]).bank == expected  # and the entry was written again
    assert '"not a set"' not in entry.read_text()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_cache_folder_that_cannot_be_written_only_makes_loading_slower(sets, cache):
    cache.parent.mkdir()
    cache.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert load_bank([sets]).bank == load_paths([sets]).bank
    finally:
        cache.parent.chmod(stat.S_IRWXU)


def test_a_cache_where_a_file_should_be_only_makes_loading_slower(sets, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("WORKSHOP_CACHE", str(blocker))
    assert load_bank([sets]).bank == load_paths([sets]).bank


def test_old_entries_are_pruned(sets, cache, monkeypatch):
    monkeypatch.setattr(setfiles, "KEEP", 2)
    pilot = sets / "pilot.toml"
    original = pilot.read_text()
    for n in range(4):
        pilot.write_text(original + f"\n# edit {n}\n")
        load_bank([sets])
    assert len(cached_files(cache)) == 2


def test_the_key_covers_every_byte_and_the_order(sets):
    files = setfiles.toml_files([sets])
    key = setfiles.bank_key(files)
    assert key == setfiles.bank_key(files)
    assert setfiles.bank_key(list(reversed(files))) != key
    files[0].write_text(files[0].read_text() + " ")
    assert setfiles.bank_key(files) != key
    assert setfiles.bank_key([*files, sets / "missing.toml"]) is None


def test_the_cli_lists_the_same_questions_from_the_cache(tmp_path, cache, capsys):
    args = ["--questionnaires", str(FIXTURE_SETS), "questions", "--json"]
    assert main(args) == 0
    cold = capsys.readouterr().out
    assert cached_files(cache)
    assert main(args) == 0
    assert capsys.readouterr().out == cold


def test_the_cli_reports_a_broken_set_while_another_is_cached(tmp_path, cache, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    assert main(["questions"]) == 0
    capsys.readouterr()
    (folder / "broken.toml").write_text("not toml at all = = =")
    assert main(["--questionnaires", str(folder), "questions"]) == 1
    assert "broken.toml" in capsys.readouterr().err
