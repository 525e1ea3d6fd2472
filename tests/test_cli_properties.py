"""Every command, any arguments: an exit status of 0, 1 or 2, never a traceback (hypothesis).

The commands run in this process through the same `main` the console script calls, against a
database holding one workshop, from a scratch working folder. Arguments mix words each command
understands with arbitrary text: huge numbers, other scripts' digits, control characters and text
decoded from invalid UTF-8. Paths are kept relative, so nothing is written outside the scratch folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop.cli import cli

from helpers import FIXTURE_SETS, run_main

# Every command. The two that run until stopped (the room view draws a window, `serve` listens) get
# their arguments checked, the workshop looked up and, for `serve`, the port bound for real; only the
# window and the serving loop itself are left out (see `scratch`): they have tests of their own.
COMMANDS = sorted(cli.commands)

# Values a command would accept, by parameter name: arguments built from these reach deep into
# each command; arbitrary text in their place exercises every refusal.
PLAUSIBLE = {
    "session": ["1", "2"], "sessions": ["1", "2"], "question": ["pilot.kpi", "ops.backout", "pilot.sponsor"],
    "level": ["0", "1", "3", "4", "unknown", "na"], "participant": ["Bo", "bo", "Cy", "1"],
    "target": ["1", "2", "4", "default"], "action": ["pilot.kpi.define", "ops.backout.write"],
    "decision": ["accepted", "rejected"], "dest": ["backup.db", "w.db"], "paths": ["."],
    "reason": ["no customers", ""], "note": ["a | b", "`x`"], "owner": ["Dana"], "due": ["2026-12-15"],
    "confidence": ["low", "high"], "audience": ["participants", "facilitator"], "fmt": ["md", "html", "json", "csv"],
    "out": ["out.md", "out"], "set_id": ["pilot", "ops"], "sets": ["pilot", "pilot,ops"],
    "time_boxes": ["pilot=10", "ops=5"], "org": ["Acme"], "initiative": ["Claims"], "facilitator": ["Ann"],
    "participants": ["Bo:IT", "Cy"], "date": ["2026-11-20"], "answered_by": ["Ann"], "evidence": ["minutes"],
    "private_note": ["secret"], "host": ["127.0.0.1"], "port": ["0"],
}
# Any text, surrogates (what Python makes of invalid UTF-8 in argv) and control characters included,
# but no path separators or home folders: paths stay inside the scratch folder.
ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=(), blacklist_characters="/\\~"), max_size=30
).filter(lambda t: not t.startswith("."))
HOSTILE = st.one_of(ANY_TEXT, st.integers(-(2**70), 2**70).map(str), st.sampled_from(["３", "٣", "", " ", "-1"]))


def value_for(name: str) -> st.SearchStrategy[str]:
    plausible = PLAUSIBLE.get(name)
    return st.one_of(st.sampled_from(plausible), HOSTILE) if plausible else HOSTILE


@st.composite
def invocations(draw) -> list[str]:
    """A command with its arguments in place, some of its options, and now and then a stray word."""
    name = draw(st.sampled_from(COMMANDS))
    command = cli.commands[name]
    words = [name]
    for param in command.params:
        if isinstance(param, click.Argument):
            count = 1 if param.nargs == 1 else draw(st.integers(0 if not param.required else 1, 2))
            words += [draw(value_for(param.name)) for _ in range(count)]
        elif param.name != "help" and draw(st.integers(0, 3)) == 0:
            words.append(param.opts[0])
            if not param.is_flag:
                words.append(draw(value_for(param.name)))
    if draw(st.integers(0, 4)) == 0:
        words.insert(draw(st.integers(1, len(words))), draw(HOSTILE))
    return words


@pytest.fixture
def scratch(tmp_path, bank, monkeypatch):
    """A database with one workshop (id 1, participants Bo and Cy), and a scratch working folder.
    The room view's window and the phone server's loop return at once."""
    import workshop.web.server
    from workshop.tui.room import RoomApp

    def serve_nothing(store, *args, **kwargs) -> int:
        store.close()
        return 0

    monkeypatch.setattr(RoomApp, "run", lambda self, *args, **kwargs: None)
    monkeypatch.setattr(workshop.web.server, "_run", serve_nothing)
    db = tmp_path / "w.db"
    created = run_main("--questionnaires", str(FIXTURE_SETS), "new", "--org", "Acme", "--initiative", "Claims",
                       "--facilitator", "Ann", "--participant", "Bo:IT", "--participant", "Cy", "--sets",
                       "pilot,ops", db=db)
    assert created.returncode == 0, created.stderr
    work = tmp_path / "work"
    work.mkdir()
    previous = Path.cwd()
    os.chdir(work)
    yield db
    os.chdir(previous)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(invocation=invocations())
def test_any_arguments_give_an_exit_status_and_at_most_one_line_of_error(scratch, invocation):
    command, arguments = invocation[0], invocation[1:]
    result = run_main("--questionnaires", str(FIXTURE_SETS), *invocation, db=scratch)
    assert result.returncode in (0, 1, 2), (command, arguments, result)
    assert "Traceback" not in result.stderr
    if result.returncode:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (command, arguments, result.stderr)
        # `validate` prints its problems on stdout and a count on stderr; every other failure is an error.
        if command != "validate":
            assert lines[0].startswith("workshop: error: "), (command, arguments, result.stderr)
    assert not any(c in result.stderr for c in "\x1b\x07\u202e"), (command, arguments)


def test_the_property_covers_every_command():
    assert {"room", "serve", "new", "answer", "export", "backup"} <= set(COMMANDS)
    assert len(COMMANDS) >= 17
