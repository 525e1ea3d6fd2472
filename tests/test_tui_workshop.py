"""A whole workshop run from the keyboard: create, answer a set, reopen, decide actions, export."""

from __future__ import annotations

import datetime as dt

from workshop.session import AnswerStatus, Confidence, Decision

from tui_harness import builtin_bank, fill_in, make_app, paste, plain, settle, write

PRIVATE = "CFO doubts the budget"

BUSINESS = len(list(builtin_bank().get_set("business").questions()))



async def test_a_whole_workshop_from_the_keyboard(tmp_path):
    app = make_app(tmp_path, demo=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Create it: the business set only, two participants.
        await pilot.press("n")
        await settle(pilot)
        await fill_in(pilot, "Acme Bank", "Loan pre-screening", "Ann")
        await pilot.press("tab", "tab")
        await paste(pilot, "Bo: IT lead\nCy: Credit risk")
        await pilot.press("tab")
        await pilot.press("tab", "tab", "space")  # technical off
        await pilot.press("tab", "tab", "space")  # organizational off
        await pilot.press("tab", "tab", "space")  # risk off
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert screen.SCREEN_NAME == "walkthrough"
        session_id = screen.session_id
        order = list(screen.order)
        assert len(order) == BUSINESS == 17 and screen.index == 0

        # Answer every question of the set, with each kind of answer along the way.
        await pilot.press("3", "right")
        await pilot.press("u", "right")
        await write(pilot, "x", "No customers involved: internal tool")
        await pilot.press("right", "2")
        await write(pilot, "n", "Targets agreed in principle")
        await write(pilot, "p", PRIVATE)
        await write(pilot, "e", "Steering minutes 3 Nov")
        await pilot.press("c", "f", "right")
        await pilot.press("v", "1", "4", "r", "2")
        await paste(pilot, "IT saw a demo, credit risk saw none")
        await pilot.press("enter", "right")
        for index in range(5, BUSINESS):
            await pilot.press(str(index % 5))
            if index < BUSINESS - 1:
                await pilot.press("right")
        await settle(pilot)
        assert f"{BUSINESS}/{BUSINESS} answered" in plain(screen.query_one("#progress"))

        # Leave on question 7 and come back later.
        await write(pilot, "g", "7")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.SCREEN_NAME == "home"
        await pilot.press("q")
    app.store.close()

    again = make_app(tmp_path, demo=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert again.screen.question_id == order[6]

        # The room decides on the top action: accepted, with an owner and a due date.
        await pilot.press("a")
        await settle(pilot)
        assert again.screen.SCREEN_NAME == "actions"
        await pilot.press("a", "o")
        await paste(pilot, "Dana Owner")
        await pilot.press("enter", "d")
        await paste(pilot, "2026-12-15")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        # Export the participants' summary.
        await pilot.press("w")
        await settle(pilot)
        assert again.screen.SCREEN_NAME == "export"
        await pilot.press("enter")
        await settle(pilot)

    session = again.store.load_session(session_id)
    answers = [session.answer(q) for q in order]
    assert all(a.answered for a in answers)
    assert answers[0].level == 3
    assert answers[1].status is AnswerStatus.UNKNOWN
    assert (answers[2].status, answers[2].reason) == (AnswerStatus.NOT_APPLICABLE,
                                                      "No customers involved: internal tool")
    assert (answers[3].level, answers[3].note, answers[3].private_note, answers[3].evidence,
            answers[3].confidence, answers[3].flagged) == (
        2, "Targets agreed in principle", PRIVATE, "Steering minutes 3 Nov", Confidence.LOW, True)
    assert sorted(v.level for v in session.votes_for(order[4])) == [1, 4]
    assert (answers[4].level, answers[4].reason) == (2, "IT saw a demo, credit risk saw none")
    assert [a.level for a in answers[5:]] == [i % 5 for i in range(5, BUSINESS)]
    [decision] = session.decisions.values()
    assert (decision.decision, decision.owner_name, decision.due_date) == (
        Decision.ACCEPTED, "Dana Owner", dt.date(2026, 12, 15))

    [exported] = (tmp_path / "exports").glob("*.md")
    assert exported.name == "2026-11-20-acme-bank-loan-pre-screening-w1-participants.md"
    text = exported.read_text()
    assert "Acme Bank" in text and "Not ready" in text
    assert "Targets agreed in principle" in text
    assert "Dana Owner" in text and "2026-12-15" in text
    assert PRIVATE not in text


async def test_the_new_workshop_form_offers_genai_unticked_and_a_tick_adds_it(tmp_path):
    app = make_app(tmp_path, demo=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        ticked = {box.id: box.value for box in app.screen.query("Checkbox")}
        assert ticked == {"set-business": True, "set-technical": True, "set-organizational": True,
                          "set-risk": True, "set-genai": False}  # the four by default, genai offered
        await fill_in(pilot, "Acme Bank", "Support assistant", "Ann")
        await pilot.press("tab", "tab", "tab")  # past the participants to the business set
        await pilot.press(*["tab"] * 8, "space")  # four sets further (a box and a time box each): genai
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.SCREEN_NAME == "walkthrough"
        session = app.store.load_session(app.screen.session_id)
    assert session.sets == ("business", "technical", "organizational", "risk", "genai")
