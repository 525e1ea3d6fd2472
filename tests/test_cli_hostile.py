"""Hostile and malformed input on the command line: one line, an exit status, nothing escapes.

Issue 8's classes: ids too large for SQLite, text that is not UTF-8, terminal control sequences in
arguments and in stored text, and the validation gaps (duplicate sets, stray time boxes, caps on
every field, one date rule, ASCII digits only, names that look the same).
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from workshop.cli import cli

from helpers import FIXTURE_SETS, run_cli, run_main

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil\r\nnext"


def cli_run(*args, db):
    """In this process: the same `main` as the console script, without a new interpreter each time."""
    return run_main("--questionnaires", str(FIXTURE_SETS), *args, db=db)


def cli_process(*args, db):
    """As a separate process, where what reaches the real terminal is what matters."""
    return run_cli("--questionnaires", str(FIXTURE_SETS), *args, db=db)


@pytest.fixture
def workshop_id(db_path) -> str:
    result = cli_run("new", "--org", "Acme", "--initiative", "Claims", "--facilitator", "Ann", "--participant",
                     "Bo:IT", "--sets", "pilot,ops", "--date", "2026-11-20", db=db_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def assert_one_line(result, status: int, fragment: str = "") -> None:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workshop: error: "), result.stderr
    assert fragment in lines[0]
    assert not any(c in result.stderr for c in "\x1b\x07\u202e\r")


# Every command that takes a workshop id, with the rest of its arguments.
WITH_ID = {
    "answer": ["{id}", "pilot.kpi", "2"], "ask": ["{id}", "pilot.kpi"], "vote": ["{id}", "pilot.kpi", "Bo", "2"],
    "reveal": ["{id}"], "show": ["{id}"], "target": ["{id}", "pilot.kpi", "2"],
    "decide": ["{id}", "pilot.kpi.define", "accepted"], "export": ["{id}"], "compare": ["{id}"],
    "archive": ["{id}"], "room": ["{id}"], "serve": ["{id}"],
}


def test_every_command_that_takes_an_id_is_in_the_table():
    takes_id = {name for name, command in cli.commands.items()
                if any(p.name in ("session", "sessions") for p in command.params)}
    assert takes_id == set(WITH_ID)


@pytest.mark.parametrize("command", sorted(WITH_ID))
@pytest.mark.parametrize("bad_id", [str(2**63), "9" * 40, "-1", "0", "３", "١", "1.0", "0x1"])
def test_an_id_sqlite_cannot_hold_or_that_is_not_ascii_digits_is_a_usage_error(db_path, command, bad_id):
    args = [a.replace("{id}", bad_id) for a in WITH_ID[command]]
    # "-1" reads as an option, which is a usage error of its own.
    expected = "No such option" if bad_id == "-1" else "a workshop id is a whole number"
    assert_one_line(cli_run(command, *args, db=db_path), 2, expected)


@pytest.mark.parametrize(
    "args",
    [
        ["decide", "1", "pilot.kpi.define", "accepted", "--owner", "Dana\udcff"],
        ["answer", "1", "pilot.kpi", "2", "--by", "\udce9ve"],
        ["new", "--org", "A", "--initiative", "B", "--facilitator", "C", "--participant", "Bo:r\udcf4le"],
        ["new", "--org", "A", "--initiative", "B", "--facilitator", "C", "--sets", "pilot",
         "--time-box", "pil\udcffot=10"],
    ],
)
def test_text_that_is_not_utf8_is_refused_before_anything_is_stored(db_path, workshop_id, args):
    assert_one_line(cli_run(*args, db=db_path), 2, "not valid UTF-8")
    listing = json.loads(cli_run("list", "--json", db=db_path).stdout)
    assert len(listing) == 1  # nothing new was created


def test_control_sequences_in_arguments_are_not_echoed_to_the_terminal(db_path, workshop_id):
    assert_one_line(cli_process("answer", workshop_id, "pilot.kpi", HOSTILE, db=db_path), 2, "level must be 0-4")
    assert_one_line(cli_run("answer", workshop_id, HOSTILE, "2", db=db_path), 1, "no question")
    assert_one_line(cli_run("vote", workshop_id, "pilot.kpi", HOSTILE, "2", db=db_path), 1)


def test_stored_hostile_names_are_printed_clean(db_path, workshop_id):
    # Text written by another tool (or an older version) straight into the file.
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE participants SET name = ?, role = ?", [f"Bo{HOSTILE}", f"IT{HOSTILE}"])
        conn.execute("UPDATE sessions SET organisation = ?", [f"Acme{HOSTILE}"])
    for args in (["show", workshop_id], ["list"], ["show", workshop_id, "--json"], ["list", "--json"]):
        result = cli_process(*args, db=db_path)
        assert result.returncode == 0, result.stderr
        assert not any(c in result.stdout for c in "\x1b\x07\u202e\r"), args


@pytest.mark.parametrize(
    ("args", "status", "fragment"),
    [
        (["--sets", "pilot,pilot"], 2, "question set 'pilot' is listed twice"),
        (["--sets", "pilot", "--time-box", "ops=20"], 2, "not one of the workshop's sets"),
        (["--participant", "Bo", "--participant", "BO"], 2, "participant 'BO' looks the same as 'Bo'"),
        (["--participant", "Bo", "--participant", "B\u043e"], 2, "looks the same as 'Bo'"),  # Cyrillic о
        (["--participant", "Bo", "--participant", "Bo\u200b"], 2, "participant 'Bo' is listed twice"),
        (["--participant", "Bo:" + "r" * 201], 2, "too long"),
        (["--org", "A" * 201], 2, "organisation: too long"),
        (["--date", "20260101"], 2, "is not a date: write it as YYYY-MM-DD"),
        (["--date", "0001-01-01"], 2, "out of range"),
        (["--date", "9999-12-31"], 2, "out of range"),
        (["--date", "２０２６-01-01"], 2, "is not a date"),
    ],
)
def test_new_workshop_validation(db_path, args, status, fragment):
    base = {"--org": "Acme", "--initiative": "Claims", "--facilitator": "Ann", "--sets": "pilot,ops"}
    for i in range(0, len(args), 2):
        if args[i] in base:
            base[args[i]] = args[i + 1]
    rest = [a for i in range(0, len(args), 2) if args[i] not in base for a in args[i : i + 2]]
    full = [x for pair in base.items() for x in pair] + rest
    assert_one_line(cli_run("new", *full, db=db_path), status, fragment)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["answer", "{id}", "pilot.kpi", "３"], "level must be 0-4"),
        (["answer", "{id}", "pilot.kpi", "٣"], "level must be 0-4"),
        (["answer", "{id}", "pilot.kpi", "2", "--by", "x" * 201], "too long"),
        (["target", "{id}", "pilot.kpi", "４"], "a target is 1-4"),
        (["decide", "{id}", "pilot.kpi.define", "accepted", "--owner", "x" * 201], "too long"),
        (["decide", "{id}", "pilot.kpi.define", "rejected", "--note", "x" * 2001], "too long"),
        (["decide", "{id}", "pilot.kpi.define", "accepted", "--due", "20261215"], "YYYY-MM-DD"),
        (["decide", "{id}", "pilot.kpi.define", "accepted", "--due", "2026-02-30"], "not a day of the calendar"),
        (["vote", "{id}", "pilot.kpi", "Bo", "5"], "level must be 0-4"),
    ],
)
def test_every_field_is_capped_and_read_one_way(db_path, workshop_id, args, fragment):
    result = cli_run(*[a.replace("{id}", workshop_id) for a in args], db=db_path)
    assert_one_line(result, 2, fragment)


def test_a_name_is_stored_normalised_and_matched_by_its_look(db_path, workshop_id):
    assert cli_run("ask", workshop_id, "pilot.kpi", db=db_path).returncode == 0
    # The participant typed with a full-width letter and a zero-width space is the same Bo.
    assert cli_run("vote", workshop_id, "pilot.kpi", "\uff22o\u200b", "3", db=db_path).returncode == 0
    shown = json.loads(cli_run("show", workshop_id, "--json", db=db_path).stdout)
    assert shown["participants"][0]["name"] == "Bo"
    assert shown["rounds"][0]["votes"][0]["level"] == 3
