"""The facilitator's app driven by keys: creating a workshop, answering, voting, drafts, time boxes.

Text is pasted (one test types it key by key, to prove typing works); time moves by the injected
clock, never by sleeping.
"""

from __future__ import annotations

import sqlite3

from workshop.session import AnswerStatus, Confidence, RoundState
from workshop.store import Store
from workshop.tui.widgets.time_box import TimeBox

from tui_harness import make_app, paste, plain, settle, write


async def open_demo(pilot):
    await pilot.pause()
    await pilot.press("enter")  # the demo workshop is the only row on the home screen
    await pilot.pause()
    return pilot.app.screen


def status_line(screen) -> str:
    return plain(screen.query_one("#status"))


def panel(screen) -> str:
    return plain(screen.query_one("#votes"))


def clock_text(screen) -> str:
    return plain(screen.query_one(TimeBox))


async def test_empty_database_shows_how_to_start_and_offers_a_demo(tmp_path):
    app = make_app(tmp_path, demo=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        empty = app.screen.query_one("#empty")
        assert empty.display and "No workshops yet" in str(empty.render())
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.SCREEN_NAME == "walkthrough"
    assert [s.organisation for s in app.store.list_sessions()] == ["Northwind Insurance (demo)"]


async def test_new_workshop_form_typed_key_by_key_shows_errors_beside_fields_then_creates(tmp_path):
    app = make_app(tmp_path, demo=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")  # submit the empty form
        await pilot.pause()
        assert "Required" in str(app.screen.query_one("#organisation-error").render())
        assert app.store.list_sessions() == []

        # The one test that types every character: typing works; every other test pastes.
        await pilot.press(*"Acme", "tab", *"Loans", "tab", *"Ann", "tab")
        await pilot.press("end", "ctrl+u", *"22/11/2026", "enter")
        await pilot.pause()
        assert "YYYY-MM-DD" in str(app.screen.query_one("#date-error").render())
        await pilot.press("ctrl+u")
        await paste(pilot, "0001-01-01")  # the one date rule: the range too
        await pilot.press("enter")
        await pilot.pause()
        assert "out of range (1990-2100)" in str(app.screen.query_one("#date-error").render())

        await pilot.press("end", "ctrl+u", *"2026-11-22", "tab")
        await pilot.press(*"Bo: IT", "enter", *"Cy: Risk")
        # Run the business set only: untick the other three.
        for set_id in ("technical", "organizational", "risk"):
            app.screen.query_one(f"#set-{set_id}").focus()
            await pilot.press("space")
        app.screen.query_one("#minutes-business").focus()
        await pilot.press("backspace", "backspace", *"25", "enter")
        await pilot.pause()
        assert app.screen.SCREEN_NAME == "walkthrough"

    [summary] = app.store.list_sessions()
    session = app.store.load_session(summary.id)
    assert (session.organisation, session.initiative, session.facilitator, str(session.date)) == (
        "Acme", "Loans", "Ann", "2026-11-22")
    assert [(p.name, p.role) for p in session.participants] == [("Bo", "IT"), ("Cy", "Risk")]
    assert session.sets == ("business",) and session.time_boxes == {"business": 25}


async def test_escape_on_a_filled_new_workshop_form_asks_before_discarding(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await paste(pilot, "Acme Bank")
        app.screen.query_one("#participants").focus()
        await pilot.pause()
        await paste(pilot, "Bo: IT lead\nCy: Credit risk")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "Confirm"
        await pilot.press("n")  # keep editing: nothing lost
        await pilot.pause()
        assert app.screen.SCREEN_NAME == "new"
        assert app.screen.query_one("#organisation").value == "Acme Bank"
        assert "Cy: Credit risk" in app.screen.query_one("#participants").text
        await pilot.press("escape", "y")
        await pilot.pause()
        assert app.screen.SCREEN_NAME == "home"
        await pilot.press("n")  # an untouched form closes at once
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.SCREEN_NAME == "home"


async def test_every_key_commits_before_saved_is_shown(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        question = screen.question_id
        await pilot.press("3")
        await pilot.pause()
        assert "saved" in status_line(screen) and "level 3" in status_line(screen)
        # Another connection sees it: on disk, not buffered (a killed terminal would lose nothing).
        other = sqlite3.connect(tmp_path / "workshop.db")
        row = other.execute("SELECT level, answered_by FROM answers WHERE question_id = ?", [question]).fetchone()
        assert row == (3, "Demo facilitator")

        await pilot.press("c", "c", "f")
        await write(pilot, "e", "minutes of 3 Nov")
        await write(pilot, "n", "Agreed after debate")
        await write(pilot, "p", "Sponsor unconvinced")
    answer = app.store.load_session(1).answer(question)
    assert (answer.level, answer.confidence, answer.flagged) == (3, Confidence.MEDIUM, True)
    assert (answer.evidence, answer.note, answer.private_note) == (
        "minutes of 3 Nov", "Agreed after debate", "Sponsor unconvinced")


async def test_unknown_and_not_applicable_with_its_reason_and_a_key_to_take_it_back(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        first = screen.question_id
        await pilot.press("u", "tab")  # the next question still open
        second = screen.question_id
        await pilot.press("x", "enter")  # no reason: refused, nothing saved
        await pilot.pause()
        assert not app.store.load_session(1).answer(second).answered
        await paste(pilot, "Internal tool, no customers")
        await pilot.press("enter")
        await pilot.pause()
        session = app.store.load_session(1)
        assert session.answer(first).status is AnswerStatus.UNKNOWN
        assert (session.answer(second).status, session.answer(second).reason) == (
            AnswerStatus.NOT_APPLICABLE, "Internal tool, no customers")
        await pilot.press("backspace")  # a stray x: back to not assessed
        await pilot.pause()
        assert "back to not assessed" in status_line(screen)
    assert not app.store.load_session(1).answer(second).answered
    history = [(h.field, h.old_value, h.new_value) for h in app.store.history(1) if h.question_id == second]
    assert ("status", "na", None) in history  # what it was stays on record


async def test_navigation_keys_and_tab_to_next_unanswered(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        order = screen.order
        start = screen.index
        await pilot.press("right", "j")
        assert screen.index == start + 2
        await pilot.press("left", "k")
        assert screen.index == start
        await write(pilot, "g", "tech.data.lineage")
        assert screen.question_id == "tech.data.lineage"
        await write(pilot, "g", "1")
        assert screen.index == 0
        await write(pilot, "g", "[/] [b]")  # markup typed into the go-to bar is just words
        assert app.is_running and screen.index == 0
        await pilot.press("escape")
        await pilot.press("tab")  # question 1 is answered in the demo; tab skips to the next open one
        session = app.store.load_session(1)
        assert not session.answer(screen.question_id).answered
        assert all(session.answer(q).answered for q in order[1:screen.index])


async def test_reopening_lands_on_the_same_question(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_demo(pilot)
        await write(pilot, "g", "risk.audit.trail")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.SCREEN_NAME == "home"
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        assert screen.question_id == "risk.audit.trail"


async def test_blind_vote_counts_who_voted_reveals_without_names_then_settles_with_a_reason(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        question = screen.question_id
        await pilot.press("v", "1", "s", "4")  # Priya 1, Tom skipped, Lena 4
        await pilot.pause()
        text = panel(screen)
        assert "2 of 3 have voted" in text and "Everyone has voted" not in text  # Tom skipped: not everyone
        assert "level" not in text.split("\n", 1)[1]  # no level is shown before the reveal
        assert "Lena Fischer's vote (hidden)" in status_line(screen)
        await pilot.press("r")
        await pilot.pause()
        text = panel(screen)
        assert "1 at level 1, 1 at level 4" in text and "misaligned" in text
        assert "Priya" not in text and "Lena" not in text  # the spread, not who voted what
        assert status_line(screen) == ""  # no "vote (hidden)" left beside the revealed spread
        await pilot.press("h")  # the facilitator asks to see names
        await pilot.pause()
        assert "Priya Shah" in panel(screen) and "PRIVATE SHOWN" in plain(screen.query_one("#privacy"))
        await pilot.press("2")
        await paste(pilot, "Claims data is fine, policy data is not")
        await pilot.press("enter")
        await pilot.pause()
        outline = screen.query_one("#outline")
        assert "≠" in str(outline.get_node_at_line(outline.cursor_line).label)
    session = app.store.load_session(1)
    assert sorted(v.level for v in session.votes_for(question)) == [1, 4]
    assert session.latest_round(question).state is RoundState.SETTLED
    assert (session.answer(question).level, session.answer(question).reason) == (
        2, "Claims data is fine, policy data is not")


async def test_a_vote_left_open_is_shown_on_return_and_can_be_revealed_later(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        question = screen.question_id
        await pilot.press("v", "3", "escape")  # one vote in, the round left open
        await pilot.press("right", "left")  # away and back
        await pilot.pause()
        assert screen.question_id == question
        assert "1 of 3 have voted" in panel(screen) and "r reveals" in panel(screen)
        await pilot.press("v", "3", "3")  # carry on keying in the same round
        await pilot.pause()
        assert "Everyone has voted" in panel(screen)
        await pilot.press("r")
        await pilot.pause()
        assert "Unanimous: enter settles at level 3" in panel(screen)
        await pilot.press("enter")  # one key settles a unanimous vote: no reason asked
        await pilot.pause()
        assert screen.mode.value == "answer" and not screen.query_one("#editor").display
    session = app.store.load_session(1)
    [round_] = [r for r in session.rounds if r.question_id == question]
    assert (round_.state, len(round_.votes)) == (RoundState.SETTLED, 3)
    assert session.answer(question).level == 3


async def test_a_new_vote_on_a_voted_question_asks_first_and_keeps_the_earlier_round(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        await write(pilot, "g", "tech.data.quality")  # the demo voted on it and settled at 2
        assert "Vote settled" in panel(screen)
        await pilot.press("v")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "Confirm"
        await pilot.press("n")
        await pilot.pause()
        assert len(app.store.load_session(1).rounds) == 1  # nothing wiped
        await pilot.press("v", "y")
        await pilot.pause()
        assert "0 of 3 have voted" in panel(screen)
    rounds = app.store.load_session(1).rounds
    assert [r.state for r in rounds] == [RoundState.SETTLED, RoundState.OPEN]
    assert len(rounds[0].votes) == 3


async def test_private_notes_and_flags_are_hidden_until_asked_for(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        await write(pilot, "g", "risk.backout.plan")  # the demo has a private note here
        meta = plain(screen.query_one("#meta"))
        assert "defensive" not in meta and "private hidden" in plain(screen.query_one("#privacy"))
        await pilot.press("f")
        await pilot.pause()
        assert "⚑" not in plain(screen.query_one("#meta")) and "hidden" in status_line(screen)
        await pilot.press("h")
        await pilot.pause()
        meta = plain(screen.query_one("#meta"))
        assert "defensive" in meta and "⚑" in meta
        await pilot.press("h")
        await pilot.pause()
        assert "defensive" not in plain(screen.query_one("#meta"))


async def test_a_note_being_typed_is_kept_as_a_draft_and_offered_back(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        question = screen.question_id
        await pilot.press("n")
        app.clock.advance(5)  # the bar keeps drafts every few seconds of the app's clock
        await paste(pilot, "The sponsor said budget is")
        # The app has not been told to save: the draft is already on disk, as after a crash.
        [draft] = app.store.drafts(1)
        assert (draft.question_id, draft.field, draft.text) == (question, "note", "The sponsor said budget is")
        await paste(pilot, " safe")
        await pilot.press("ctrl+q")  # quit with the text still in the bar: kept, not asked about
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert screen.query_one("#text-bar-input").value == "The sponsor said budget is safe"
        await pilot.press("enter")
        await pilot.pause()
    assert again.store.load_session(1).answer(question).note == "The sponsor said budget is safe"
    assert again.store.drafts(1) == []


async def test_escape_in_the_text_bar_keeps_what_was_typed_as_a_draft(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo(pilot)
        await pilot.press("n")
        await paste(pilot, "half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.mode.value == "answer"
        assert app.store.load_session(1).answer(screen.question_id).note == ""  # not saved as the note
        assert [d.text for d in app.store.drafts(1)] == ["half a thought"]  # but not lost either
        assert any("Kept as a draft" in n.message for n in app._notifications)
        await pilot.press("n")
        await pilot.pause()
        assert screen.query_one("#text-bar-input").value == "half a thought"
        await pilot.press("escape", "t", "escape")  # nothing typed, and a target bar: nothing kept
        await pilot.pause()
        assert [d.text for d in app.store.drafts(1)] == ["half a thought"]


async def test_time_box_counts_down_warns_and_books_time_to_the_set_on_screen(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo(pilot)
        time_box = screen.query_one(TimeBox)
        assert "Business: 40:00 left" in clock_text(screen)
        app.clock.advance(60 * 36)
        time_box.tick()
        assert "Business: 04:00 left" in clock_text(screen)
        app.clock.advance(60 * 5)
        time_box.tick()
        await pilot.pause()
        assert "Business: over by 01:00" in clock_text(screen)
        assert any("time box for Business has run out" in n.message for n in app._notifications)
        # Jump from business straight to risk: the 41 minutes are business's, not risk's.
        await write(pilot, "g", "risk.backout.plan")
        assert "Risk" in clock_text(screen)
        app.clock.advance(90)
        time_box.tick()
        assert "38:30 left" in clock_text(screen)
        await pilot.press("escape")
        await pilot.pause()
    elapsed = app.store.load_session(1).elapsed
    assert (elapsed["business"], elapsed["risk"]) == (41 * 60, 90)


async def test_answers_given_elsewhere_appear_without_a_key_press(tmp_path):
    from helpers import run_cli

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        question = screen.question_id
        before = plain(screen.query_one("#progress"))
        # Another process (the command line) answers this question and opens a vote on it.
        db = tmp_path / "workshop.db"
        assert run_cli("answer", "1", question, "1", "--note", "from the other laptop", db=db).returncode == 0
        assert run_cli("ask", "1", question, db=db).returncode == 0
        assert app.check_for_changes()  # what the app does four times a second
        await settle(pilot)
        assert "from the other laptop" in plain(screen.query_one("#meta"))
        assert "0 of 3 have voted" in panel(screen)
        # And another window in this process (its own connection) votes: the count fills in.
        with Store.open(db) as other:
            other.record_vote(1, question, "Tom Berger", 2)
        app.check_for_changes()
        await settle(pilot)
        assert "1 of 3 have voted" in panel(screen)
        assert before != plain(screen.query_one("#progress")) or "68" in before


async def test_two_facilitator_windows_share_one_vote_and_a_reveal_in_one_clears_the_other(tmp_path):
    first, second = make_app(tmp_path), make_app(tmp_path)  # two windows on one file
    async with first.run_test(size=(120, 40)) as one, second.run_test(size=(120, 40)) as two:
        a, b = await open_demo(one), await open_demo(two)
        assert a.question_id == b.question_id
        await one.press("v")  # both open a vote on the question before either sees the other's
        await two.press("v", "2")
        await one.pause()
        await two.pause()
        assert "Priya Shah's vote (hidden)" in status_line(b)
        first.check_for_changes()
        await settle(one)
        assert "1 of 3 have voted" in panel(a)  # one round, seen from both windows
        await one.press("3")  # the first window keys the next voter into the same round
        await one.pause()
        second.check_for_changes()
        await settle(two)
        assert "2 of 3 have voted" in panel(b)
        await one.press("r")
        await one.pause()
        assert second.check_for_changes()
        await settle(two)
        assert "1 at level 2, 1 at level 3" in panel(b)
        assert status_line(b) == "" and b.mode.value == "answer"  # no "(hidden)" beside the spread
        await two.press("3")  # keys answer again: it settles, it is not a vote
        await settle(two)
    first.store.close()
    session = second.store.load_session(1)
    [round_] = [r for r in session.rounds if r.question_id == a.question_id]
    assert (round_.state, sorted(v.level for v in round_.votes)) == (RoundState.SETTLED, [2, 3])


async def test_hostile_note_text_is_stored_verbatim_and_shown_on_one_line(tmp_path):
    hostile = "a | b `code` <script>alert(1)</script> [x](javascript:alert(1)) [b]bold[/b] " + "y" * 3000
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        await write(pilot, "n", hostile)
        meta = plain(screen.query_one("#meta"))
        assert "<script>" in meta and "[b]bold[/b]" in meta and meta.count("y") < 400
    assert app.store.load_session(1).answer(screen.question_id).note == hostile


async def test_help_lists_every_key_of_the_walkthrough_and_the_room_view(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_demo(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query(".help-section"))
        for key in ("0-4", "u", "x", "backspace", "n", "p", "e", "c", "f", "h", "v", "r", "s", "enter",
                    "left / k", "right / j", "tab", "?", "g", "t", "d", "a", "w", "o", "escape", "ctrl+p"):
            assert f"{key} " in text or f"{key}\n" in text, key
        assert "workshop room SESSION" in text and "[walk.vote]" in text
        await pilot.press("escape")
        assert app.screen.SCREEN_NAME == "walkthrough"


async def test_theme_toggles_from_the_command_palette(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p")
        await paste(pilot, "toggle light")
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "textual-light"


async def test_home_verdict_follows_answers_given_in_the_walkthrough(tmp_path):
    from workshop.session import AnswerChange

    app = make_app(tmp_path)
    order = [q.id for q in app.store.load_session(1).bank.questions()]
    with Store.open(tmp_path / "workshop.db") as other:  # every question at level 4 but the first, at 0
        for question in order:
            other.record_answer(1, question, AnswerChange.from_level_text("4" if question != order[0] else "0"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#workshops")
        assert str(table.get_cell("1", "verdict")) != "Ready"  # one question under its target
        await pilot.press("enter")
        await settle(pilot)
        await write(pilot, "g", "1")
        await pilot.press("4", "escape")  # the last answer, given in the walk-through
        await settle(pilot)
        assert str(app.screen.query_one("#workshops").get_cell("1", "verdict")) == "Ready"


async def test_leaving_a_workshop_by_any_way_folds_the_log_into_the_file(tmp_path):
    wal = tmp_path / "workshop.db-wal"
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for leave in (("escape",), ("ctrl+p", *"Home", "enter")):  # the key, and the palette's Home
            await open_demo(pilot)
            await pilot.press("3")
            await settle(pilot)
            assert wal.stat().st_size > 0  # the answer is committed, in the log for now
            await pilot.press(*leave)
            await settle(pilot)
            assert app.screen.SCREEN_NAME == "home"
            assert wal.stat().st_size == 0  # and now in workshop.db itself: a copy of it alone is whole
