"""The room view (`workshop room SESSION`): it follows what other windows and the CLI commit, and
never draws what only the facilitator may see.

Changes come from another connection, the facilitator's app or the CLI (a second process); the
test then calls the room's own `check_for_changes()`, what it does four times a second, instead of
waiting. Assertions read the text the room view has drawn.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from workshop.demo import create_demo
from workshop.session import AnswerChange, NewSession, Participant
from workshop.store import Store
from workshop.tui.room import Levels, Progress, RoomApp
from workshop.web.qr import qr_lines

from helpers import run_cli, run_main
from tui_harness import NEVER_WATCH, START, TODAY, FrozenClock, builtin_bank, make_app, paste, settle

QUESTION = "tech.data.pipeline"  # answered at level 1 in the demo workshop
PROMPT_START = "Is there an automated data feed for the pilot"
SECRET_NOTE = "Ops lead hides outages from the sponsor"
SECRET_EVIDENCE = "Incident log shared in confidence"
PHONE_LINK = "http://192.168.43.20:8765/Xq3hNcW1fT0yL8bZr5uVaPk2mDsGe7Jo"
NAMES = ("Priya Shah", "Tom Berger", "Lena Fischer")  # the demo's participants, in order


def seed(tmp_path: Path) -> Path:
    """The demo workshop, the facilitator on QUESTION with its time box running, and everything
    private about QUESTION filled in: a private note, evidence, low confidence and a flag."""
    db = tmp_path / "workshop.db"
    with Store.open(db) as store:
        session_id = create_demo(store, builtin_bank(), today=TODAY)
        store.set_position(session_id, QUESTION)
        store.run_clock(session_id, "technical", START, "facilitator")
        store.record_answer(session_id, QUESTION, AnswerChange(
            private_note=SECRET_NOTE, evidence=SECRET_EVIDENCE, confidence="low", flagged=True))
    return db


def room_app(db: Path) -> RoomApp:
    clock = FrozenClock()
    clock.advance(5 * 60 + 12)  # 5:12 into the technical set's 40 minutes
    return RoomApp(Store.open_for_reading(db), 1, wall_clock=clock.wall, watch_seconds=NEVER_WATCH)


def screen_text(app: RoomApp) -> str:
    """What the window shows, as text (how Textual's own screenshots render the screen)."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def every_text(app: RoomApp) -> str:
    """The content of every widget, shown or not (a hidden widget could be shown by a resize)."""
    parts = [str(getattr(w.render(), "plain", w.render())) for w in app.query(Static)]
    parts += [w.render().plain for w in app.query(Levels)] + [w.render().plain for w in app.query(Progress)]
    return "\n".join(parts)


async def resized(pilot, width: int, height: int) -> None:
    """A new terminal size, and the frames it takes to lay out and draw at that size again."""
    await pilot.resize_terminal(width, height)
    for _ in range(3):
        await pilot.pause(1 / 60)


async def changed(app: RoomApp, pilot) -> str:
    assert app.check_for_changes(), "the room saw no commit"
    await pilot.pause()
    return screen_text(app)


def one_spaced(text: str) -> str:
    return " ".join(text.split())


# --- following other windows ------------------------------------------------------------------------


async def test_the_room_follows_the_facilitators_app_through_a_blind_vote(tmp_path):
    facilitator = make_app(tmp_path)  # the demo workshop, on the same file
    room = room_app(tmp_path / "workshop.db")
    async with facilitator.run_test(size=(100, 30)) as keys, room.run_test(size=(80, 24)) as pilot:
        await settle(keys)
        await keys.press("enter")  # open the demo workshop
        await settle(keys)
        walk = facilitator.screen
        await keys.press("right")
        await settle(keys)
        text = await changed(room, pilot)
        prompt = walk.located.question.prompt
        assert one_spaced(prompt)[:40] in one_spaced(text)
        assert f"Question {walk.index + 1} of {len(walk.order)}" in text

        await keys.press("v", "1", "3")  # a blind vote: Priya and Tom key in their levels
        await settle(keys)
        text = await changed(room, pilot)
        assert "2 of 3 have voted" in text
        assert "● Priya Shah" in text and "● Tom Berger" in text and "○ Lena Fischer" in text
        assert "at level" not in text and "█" not in room.query_one(Levels).render().plain  # no level, no bar

        await keys.press("r")
        await settle(keys)
        text = await changed(room, pilot)
        assert "Votes revealed   1 at level 1, 1 at level 3" in text
        assert not any(name in text for name in NAMES)  # the spread, without names

        await keys.press("2")  # the room settles on 2, and the facilitator says why
        await paste(keys, "Scripts exist but nobody runs them on schedule")
        await keys.press("enter")
        await settle(keys)
        text = await changed(room, pilot)
        assert "Agreed   level 2   because Scripts exist but nobody runs them on schedule" in one_lines(text)
        assert any(row.lstrip().startswith("▶") and row.lstrip(" ▶◆").startswith("2  ") for row in text.splitlines())

        await pilot.press("q")
        await pilot.pause()
    assert room.return_code == 0
    room.store.close()


def one_lines(text: str) -> str:
    """The text with its wrapped lines joined, so a sentence split by the width still matches."""
    return " ".join(line.strip() for line in text.splitlines())


async def test_a_vote_run_from_the_cli_in_another_process_appears_in_the_room(tmp_path):
    db = seed(tmp_path)
    room = room_app(db)
    async with room.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(room)
        assert PROMPT_START in text and "Answer   level 1" in text

        assert run_cli("answer", "1", QUESTION, "2", db=db).returncode == 0
        assert "Answer   level 2" in await changed(room, pilot)

        assert run_cli("ask", "1", QUESTION, db=db).returncode == 0
        text = await changed(room, pilot)
        assert "0 of 3 have voted" in text
        assert "Answer   level" not in text and "▶" not in text  # the earlier answer would anchor the vote

        assert run_cli("vote", "1", QUESTION, "Lena Fischer", "4", db=db).returncode == 0
        text = await changed(room, pilot)
        assert "1 of 3 have voted" in text and "● Lena Fischer" in text and "○ Priya Shah" in text

        assert run_cli("reveal", "1", db=db).returncode == 0
        text = await changed(room, pilot)
        assert "Votes revealed   1 at level 4" in text
        assert "█ 1" in room.query_one(Levels).render().plain and "Lena" not in text

        number = room.view.number
        with Store.open(db) as other:  # the facilitator moves on, as the walk-through writes it
            other.set_position(1, "org.owner")
        text = await changed(room, pilot)
        assert room.view.number != number and f"Question {room.view.number} of" in text
        assert "Votes revealed" not in text
        assert one_spaced(room.view.prompt)[:40] in one_spaced(text)
        assert not room.check_for_changes()  # nothing new: nothing read, nothing redrawn
    room.store.close()


async def test_a_room_opened_later_shows_the_vote_as_it_stands(tmp_path):
    db = seed(tmp_path)
    with Store.open(db) as store:
        store.open_round(1, QUESTION)
        store.record_vote(1, QUESTION, store.load_session(1).participants[1].id, 3)
    room = room_app(db)
    async with room.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(room)
        assert "1 of 3 have voted" in text and "● Tom Berger" in text
    room.store.close()


# --- what the room never sees ------------------------------------------------------------------------


async def test_private_notes_flags_evidence_and_who_voted_what_never_reach_the_room(tmp_path):
    db = seed(tmp_path)
    room = room_app(db)
    secrets = (SECRET_NOTE, SECRET_EVIDENCE, "Incident", "⚑", "follow up", "confidence", "Private")
    seen_states = []

    def check(state: str, text: str) -> None:
        seen_states.append(state)
        everything = text + every_text(room) + repr(room.view)
        for secret in secrets:
            assert secret not in everything, f"{secret!r} shown in the room view ({state})"
        if state in ("revealed", "settled"):
            for name in NAMES:
                assert name not in everything, f"{name} named beside the spread ({state})"

    async with room.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        check("answered", screen_text(room))
        with Store.open(db) as other:
            ids = [p.id for p in other.load_session(1).participants]
            other.open_round(1, QUESTION)
            for participant, level in zip(ids, (0, 2, None), strict=True):
                other.record_vote(1, QUESTION, participant, level)
        check("open", await changed(room, pilot))
        with Store.open(db) as other:
            other.reveal_round(1, QUESTION)
        check("revealed", await changed(room, pilot))
        with Store.open(db) as other:
            other.settle_round(1, QUESTION, AnswerChange.from_level_text(
                "1", reason="Half the feeds are manual", private_note=SECRET_NOTE + " (again)"))
        text = await changed(room, pilot)
        check("settled", text)
        assert "Agreed   level 1   because Half the feeds are manual" in text
        await resized(pilot, 80, 24)
        check("settled, 80x24", screen_text(room))
    assert len(seen_states) == 5
    room.store.close()


async def test_names_and_reasons_are_drawn_as_typed_never_as_markup(tmp_path):
    db = tmp_path / "workshop.db"
    with Store.open(db) as store:
        session_id = store.create_session(NewSession(
            organisation="[b]Acme[/b] \x1b]0;pwned\x07Ltd", initiative="Claims [red]triage",
            facilitator="Ann", participants=(Participant(name="[@click=app.quit]Mallory"),), sets=("business",),
        ), builtin_bank())
        question = store.load_session(session_id).bank.questions()[0].id
        store.set_position(session_id, question)
        store.record_answer(session_id, question, AnswerChange.from_level_text("na", reason="[i]not ours[/i]"))
    room = room_app(db)
    async with room.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(room)
        assert "[b]Acme[/b] ]0;pwnedLtd · Claims [red]triage" in text  # the escape sequence lost its escape
        assert "Answer   not applicable   because [i]not ours[/i]" in text
        with Store.open(db) as other:
            other.open_round(session_id, question)
        text = await changed(room, pilot)
        assert "○ [@click=app.quit]Mallory" in text
        await pilot.click("#vote")  # a link it is not: the room view stays open
        assert room.is_running
    room.store.close()


# --- size, phones, the command ----------------------------------------------------------------------


async def test_at_80x24_the_longest_question_keeps_its_prompt_five_levels_and_the_spread(tmp_path):
    db = seed(tmp_path)
    with Store.open(db) as store:
        session = store.load_session(1)
        longest = max(session.bank.questions(), key=lambda q: sum(len(level) for level in q.levels))
        store.set_position(1, longest.id)
        store.open_round(1, longest.id)
        for participant, level in zip(session.participants, (0, 4, None), strict=True):
            store.record_vote(1, longest.id, participant.id, level)
        store.reveal_round(1, longest.id)
    room = room_app(db)
    async with room.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = screen_text(room).splitlines()
        assert len(rows) == 24
        text = "\n".join(rows)
        assert one_spaced(longest.prompt) in one_lines(text)
        for level in "01234?":
            assert any(row.lstrip(" ◆▶").startswith(f"{level}  ") for row in rows), f"level {level} not shown"
        assert "Votes revealed   1 at level 0, 1 at level 4, 1 don't know" in text
        assert "…" in text  # descriptors too long for the window are shortened, not dropped
        assert rows[-1].startswith(" Business") and "Risk" in rows[-1]
        await resized(pilot, 160, 50)  # and scales up: nothing shortened on a large screen
        assert "…" not in screen_text(room)
    room.store.close()


async def test_the_join_link_and_its_qr_code_show_while_the_phone_server_runs(tmp_path):
    db = seed(tmp_path)
    room = room_app(db)
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        async with room.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert "phone" not in screen_text(room)
            with Store.open(db) as other:
                other.set_vote_server(1, PHONE_LINK, server.pid)
            text = await changed(room, pilot)
            assert "Vote from your phone" in text
            assert all(row in text for row in qr_lines(PHONE_LINK))  # the QR code, beside the question
            assert room.query_one("#qr-link", Static).render().plain == PHONE_LINK  # and the link to type
            await resized(pilot, 80, 24)  # no room for the code: the link, on one line
            text = screen_text(room)
            assert f"Vote by phone: {PHONE_LINK}" in text
            assert qr_lines(PHONE_LINK)[1] not in text

            server.kill()  # killed outright: its record stays in the database, the room notices
            server.wait()
            room._check_server()
            await pilot.pause()
            assert "phone" not in screen_text(room)
    finally:
        server.kill()
        server.wait()
    room.store.close()


def test_room_names_an_unknown_workshop_in_one_line(tmp_path):
    db = seed(tmp_path)
    ran = run_main("room", "7", db=db)
    assert ran.returncode == 1
    assert ran.stderr == "workshop: error: no workshop with id 7 (see 'workshop list')\n"
    ran = run_main("room", "0", db=db)
    assert ran.returncode == 2 and ran.stderr.count("\n") == 1 and "a workshop id is a whole number" in ran.stderr


# --- snapshots ----------------------------------------------------------------------------------------

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_open_vote_with_phones(snap_compare, tmp_path, size):
    db = seed(tmp_path)
    with Store.open(db) as store:
        participants = store.load_session(1).participants
        store.open_round(1, QUESTION)
        store.record_vote(1, QUESTION, participants[0].id, 2)
        store.record_vote(1, QUESTION, participants[2].id, 3)
        store.set_vote_server(1, PHONE_LINK, os.getpid())  # this process: alive while the snapshot is taken
    assert snap_compare(room_app(db), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_revealed_vote(snap_compare, tmp_path, size):
    db = seed(tmp_path)
    with Store.open(db) as store:
        participants = store.load_session(1).participants
        store.open_round(1, QUESTION)
        for participant, level in zip(participants, (1, 3, None), strict=True):
            store.record_vote(1, QUESTION, participant.id, level)
        store.reveal_round(1, QUESTION)
    assert snap_compare(room_app(db), terminal_size=size)
