"""The facilitator's app driven by keys: creating a workshop, answering, voting, drafts, time boxes."""

from __future__ import annotations

import sqlite3

from workshop.session import AnswerStatus, Confidence

from tui_harness import make_app


async def open_demo(pilot):
    await pilot.pause()
    await pilot.press("enter")  # the demo workshop is the only row on the home screen
    await pilot.pause()
    return pilot.app.screen


def status_line(screen) -> str:
    return str(screen.query_one("#status").render())


def topbar(screen) -> str:
    return str(screen.query_one("#clock").render())


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


async def test_new_workshop_form_shows_errors_beside_fields_then_creates(tmp_path):
    app = make_app(tmp_path, demo=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")  # submit the empty form
        await pilot.pause()
        assert "Required" in str(app.screen.query_one("#organisation-error").render())
        assert app.store.list_sessions() == []

        await pilot.press(*"Acme Bank", "tab", *"Loan pre-screening", "tab", *"Ann", "tab")
        await pilot.press("end", "ctrl+u", *"22/11/2026", "enter")
        await pilot.pause()
        assert "YYYY-MM-DD" in str(app.screen.query_one("#date-error").render())

        await pilot.press("end", "ctrl+u", *"2026-11-22", "tab")
        await pilot.press(*"Bo: IT lead", "enter", *"Cy: Credit risk")
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
        "Acme Bank", "Loan pre-screening", "Ann", "2026-11-22")
    assert [(p.name, p.role) for p in session.participants] == [("Bo", "IT lead"), ("Cy", "Credit risk")]
    assert session.sets == ("business",) and session.time_boxes == {"business": 25}


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

        await pilot.press("c", "c", "f", "e", *"minutes of 3 Nov", "enter")
        await pilot.press("n", *"Agreed after debate", "enter", "p", *"Sponsor unconvinced", "enter")
        await pilot.pause()
    answer = app.store.load_session(1).answer(question)
    assert (answer.level, answer.confidence, answer.flagged) == (3, Confidence.MEDIUM, True)
    assert (answer.evidence, answer.note, answer.private_note) == (
        "minutes of 3 Nov", "Agreed after debate", "Sponsor unconvinced")


async def test_unknown_and_not_applicable_with_its_reason(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        first = screen.question_id
        await pilot.press("u", "tab")  # the next question still open
        second = screen.question_id
        await pilot.press("x", "enter")  # no reason: refused, nothing saved
        await pilot.pause()
        assert not app.store.load_session(1).answer(second).answered
        await pilot.press(*"Internal tool, no customers", "enter")
        await pilot.pause()
    session = app.store.load_session(1)
    assert session.answer(first).status is AnswerStatus.UNKNOWN
    assert (session.answer(second).status, session.answer(second).reason) == (
        AnswerStatus.NOT_APPLICABLE, "Internal tool, no customers")


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
        await pilot.press("g", *"tech.data.lineage", "enter")
        assert screen.question_id == "tech.data.lineage"
        await pilot.press("g", *"1", "enter")
        assert screen.index == 0
        await pilot.press("tab")  # question 1 is answered in the demo; tab skips to the next open one
        session = app.store.load_session(1)
        assert not session.answer(screen.question_id).answered
        assert all(session.answer(q).answered for q in order[1:screen.index])


async def test_reopening_lands_on_the_same_question(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        await pilot.press("g", *"risk.audit.trail", "enter", "escape")
        await pilot.pause()
        assert app.screen.SCREEN_NAME == "home"
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        assert screen.question_id == "risk.audit.trail"


async def test_blind_vote_reveal_and_agreed_level_with_reason(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        question = screen.question_id
        await pilot.press("v", "1", "s", "4")  # Priya 1, Tom skipped, Lena 4
        await pilot.pause()
        panel = str(screen.query_one("#votes").render())
        assert "●" in panel and "1" not in panel.split("\n")[1]  # levels hidden before the reveal
        await pilot.press("r")
        await pilot.pause()
        panel = str(screen.query_one("#votes").render())
        assert "Priya Shah" in panel and "misaligned" in panel
        await pilot.press("2", *"Claims data is fine, policy data is not", "enter")
        await pilot.pause()
        assert "≠" in str(screen.query_one("#outline").get_node_at_line(screen.query_one("#outline").cursor_line).label)
    session = app.store.load_session(1)
    assert sorted(v.level for v in session.votes_for(question)) == [1, 4]
    assert (session.answer(question).level, session.answer(question).reason) == (
        2, "Claims data is fine, policy data is not")


async def test_guidance_toggles_and_target_can_be_changed(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        guidance = screen.query_one("#guidance")
        assert not guidance.display
        await pilot.press("question_mark")
        assert guidance.display
        await pilot.press("t", *"4", "enter")
        await pilot.pause()
        assert "target 4" in str(screen.query_one("#crumbs").render())
        assert app.store.load_session(1).targets == {screen.question_id: 4}


async def test_a_note_being_typed_is_kept_as_a_draft_and_offered_back(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        question = screen.question_id
        await pilot.press("n", *"The sponsor said budget is")
        await pilot.pause(0.3)  # the draft timer runs every 0.05 s in tests (3 s in the app)
        # The app has not been told to save: the draft is already on disk, as after a crash.
        [draft] = app.store.drafts(1)
        assert (draft.question_id, draft.field, draft.text) == (question, "note", "The sponsor said budget is")
        await pilot.press(" ", *"safe")
        await pilot.press("ctrl+q")  # quit with the text still in the bar: kept, not asked about
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert screen.query_one("#editor-input").value == "The sponsor said budget is safe"
        await pilot.press("enter")
        await pilot.pause()
    assert again.store.load_session(1).answer(question).note == "The sponsor said budget is safe"
    assert again.store.drafts(1) == []


async def test_escape_in_the_text_bar_cancels_without_saving(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        await pilot.press("n", *"not this", "escape")
        await pilot.pause()
        assert screen.mode.value == "answer"
        assert app.store.load_session(1).answer(screen.question_id).note == ""
        assert app.store.drafts(1) == []


async def test_time_box_counts_down_and_warns_when_it_runs_out(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        assert "Business: 40:00 left" in topbar(screen)
        app.clock.advance(60 * 36)
        await pilot.pause(1.2)
        assert "Business: 04:00 left" in topbar(screen)
        app.clock.advance(60 * 5)
        await pilot.pause(1.2)
        assert "Business: over by 01:00" in topbar(screen)
        assert any("time box for Business has run out" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
    assert app.store.load_session(1).elapsed["business"] == 41 * 60


async def test_hostile_note_text_is_stored_verbatim_and_shown_on_one_line(tmp_path):
    hostile = "a | b `code` <script>alert(1)</script> [x](javascript:alert(1)) " + "y" * 3000
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)
        await pilot.press("n")
        screen.query_one("#editor-input").insert_text_at_cursor(hostile)  # a paste
        await pilot.press("enter")
        await pilot.pause()
        meta = str(screen.query_one("#meta").render())
        assert "<script>" in meta and meta.count("y") < 400
    assert app.store.load_session(1).answer(screen.question_id).note == hostile


async def test_help_lists_every_key_of_the_walkthrough(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_demo(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query(".help-section"))
        for key in ("0-4", "u", "x", "n", "p", "e", "c", "f", "v", "left / k", "right / j", "tab", "?", "g", "t",
                    "d", "a", "w", "o", "escape", "ctrl+p"):
            assert f"{key} " in text or f"{key}\n" in text, key
        await pilot.press("escape")
        assert app.screen.SCREEN_NAME == "walkthrough"


async def test_theme_toggles_from_the_command_palette(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p", *"toggle light", "enter")
        await pilot.pause()
        assert app.theme == "textual-light"


async def test_a_write_that_fails_is_shown_as_not_saved(tmp_path, monkeypatch):
    from workshop.store import StoreError

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_demo(pilot)

        def disk_full(*args, **kwargs):
            raise StoreError("not saved: database or disk is full")

        monkeypatch.setattr(app.store, "record_answer", disk_full)
        await pilot.press("4")
        await pilot.pause()
        assert "NOT saved" in status_line(screen) and "disk is full" in status_line(screen)
        assert "Level 4" not in str(screen.query_one("#meta").render())
    assert not app.store.load_session(1).answer(screen.question_id).answered


async def test_home_verdict_follows_answers_given_in_the_walkthrough(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#workshops")
        assert str(table.get_cell("1", "verdict")) == "Not ready"
        await pilot.press("enter")
        await pilot.pause()
        for _ in app.screen.order:  # every question at level 4
            await pilot.press("4", "right")
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(app.screen.query_one("#workshops").get_cell("1", "verdict")) == "Ready"
