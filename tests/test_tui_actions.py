"""The action plan: stable numbers, decisions saved at once, filters, search and go-to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable

from workshop.analysis import ActionStatus, action_numbers, analyse
from workshop.questionnaire import Horizon
from workshop.session import ActionDecision, AnswerChange, Decision
from workshop.tui.screens.actions import (
    ActionPlanScreen,
    Filters,
    every_action,
    next_value,
    owners,
    parse_action_number,
    shown_actions,
    title_matches,
)
from workshop.tui.screens.home import HomeScreen
from workshop.tui.widgets.text_bar import TextBar

from tui_harness import make_app, paste, plain, settle

ACCEPTED = "risk.backout.plan.write"  # the demo's one decision: Priya Shah, due 2026-12-04


async def open_plan(app, pilot) -> ActionPlanScreen:
    await pilot.pause()
    app.open_action_plan(1)
    await settle(pilot)
    assert isinstance(app.screen, ActionPlanScreen)
    return app.screen


def cell(screen: ActionPlanScreen, action_id: str, column: str) -> str:
    return str(screen.query_one("#actions", DataTable).get_cell(action_id, column))


def row_ids(screen: ActionPlanScreen) -> list[str]:
    return [str(k.value) for k in screen.query_one("#actions", DataTable).rows]


def decisions(app) -> dict[str, ActionDecision]:
    return app.store.load_session(1).decisions


def status(screen: ActionPlanScreen) -> str:
    return plain(screen.query_one("#saved"))


def bar(screen: ActionPlanScreen) -> TextBar:
    return screen.query_one(TextBar)


async def type_in_bar(pilot, key: str, text: str) -> None:
    """Open the text bar with `key`, paste `text` and press enter."""
    await pilot.press(key)
    await paste(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
def plan(tmp_path: Path):
    app = make_app(tmp_path)
    return app, analyse(app.store.load_session(1))


async def test_table_lists_the_plan_by_stable_numbers(plan):
    app, analysis = plan
    actions = analysis.actions
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        assert row_ids(screen) == [a.action_id for a in every_action(analysis)]
        first = actions[0]
        assert cell(screen, first.action_id, "number") == f"#{first.number}" == "#70"
        assert cell(screen, first.action_id, "title") == first.title
        assert cell(screen, first.action_id, "horizon") == "Before go-live"
        assert cell(screen, first.action_id, "owner") == first.owner  # no one named: the role
        assert cell(screen, first.action_id, "decision") == "—"
        assert cell(screen, ACCEPTED, "decision") == "accepted"
        assert cell(screen, ACCEPTED, "owner") == "Priya Shah"  # one owner: the person named
        assert cell(screen, ACCEPTED, "due") == "2026-12-04"
        verify = next(a for a in actions if a.verify_first)
        assert cell(screen, verify.action_id, "title").startswith("! ")
        provisional = analysis.provisional_actions[0]
        assert cell(screen, provisional.action_id, "title") == "? " + provisional.title
        assert "? not assessed yet" in plain(screen.query_one("#legend"))

        detail = plain(screen.query_one("#detail-body"))
        assert first.title in detail and first.triggers[0].sentence in detail
        assert first.detail in detail and "not decided yet" in detail
        assert screen.query_one("#detail").border_title == f"#70 · rank 1 of {len(actions)}"
        assert "Needed by: #71 Test each interface end to end" in detail  # dependencies by number and title

        # An answer moves the ranking; the numbers stay.
        app.store.record_answer(1, "biz.kpi.agreed", AnswerChange.from_level_text("0"))
        screen.refresh_analysis()
        await settle(pilot)
        moved = analyse(app.store.load_session(1))
        assert moved.action(first.action_id).rank == 4 and moved.actions[0].number == 17
        assert cell(screen, first.action_id, "number") == "#70"
        assert row_ids(screen)[0] == moved.actions[0].action_id
        assert screen.selected_action().action_id == first.action_id  # the cursor stays on #70


async def test_accept_saves_at_once_and_reject_asks_for_an_optional_reason(plan):
    app, analysis = plan
    first, second, third = analysis.actions[:3]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("a")
        await settle(pilot)
        saved = decisions(app)[first.action_id]
        assert saved.decision is Decision.ACCEPTED and saved.owner_name == "" and saved.due_date is None
        assert cell(screen, first.action_id, "decision") == "accepted"
        assert status(screen) == "✓ Saved · #70 accepted"

        await pilot.press("down", "r")
        await pilot.pause()
        assert bar(screen).is_open and "Why reject #103?" in plain(screen.query_one("#text-bar-label"))
        await paste(pilot, "covered by the group's programme")
        await pilot.press("enter")
        await settle(pilot)
        saved = decisions(app)[second.action_id]
        assert saved.decision is Decision.REJECTED and saved.note == "covered by the group's programme"
        assert status(screen) == "✓ Saved · #103 rejected: covered by the group's programme"
        # Out of the ranking, listed after it; the cursor stays on the row, now the next action.
        assert row_ids(screen)[-1] == second.action_id
        assert cell(screen, second.action_id, "decision") == "rejected"
        assert screen.selected_action().action_id == third.action_id
        assert screen.query_one("#actions").has_focus and not bar(screen).is_open

        await pilot.press("ctrl+end")
        await pilot.pause()
        assert screen.selected_action().action_id == second.action_id
        detail = plain(screen.query_one("#detail-body"))
        assert "rejected: covered by the group's programme" in detail
        assert screen.query_one("#detail").border_title == "#103 · rejected: out of the ranking"

        await pilot.press("ctrl+home", "down", "r")  # escape: nothing rejected
        await pilot.pause()
        await paste(pilot, "not now")
        await pilot.press("escape")
        await settle(pilot)
        assert third.action_id not in decisions(app)
        assert status(screen) == "Not rejected: nothing changed."


async def test_a_rejection_is_listed_and_accepting_undoes_it(plan):
    app, analysis = plan
    target = analysis.actions[4]
    app.store.decide(1, ActionDecision(action_id=target.action_id, decision="rejected", note="too costly"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("4", "4", "4", "4")  # not decided, accepted, done, rejected
        await pilot.pause()
        assert "decision rejected" in plain(screen.query_one("#filters"))
        assert row_ids(screen) == [target.action_id]
        assert "1 of 182 shown" in plain(screen.query_one("#filters"))
        assert "rejected: too costly" in plain(screen.query_one("#detail-body"))

        await pilot.press("a")
        await settle(pilot)
        assert decisions(app)[target.action_id].decision is Decision.ACCEPTED
        assert status(screen) == f"✓ Saved · #{target.number} accepted (no longer rejected)"
        assert row_ids(screen) == []  # no longer rejected: the filter shows none
        assert "No action matches these filters" in plain(screen.query_one("#detail-body"))
        await pilot.press("0")
        await pilot.pause()
        assert screen.selected_action() is not None
        assert analyse(app.store.load_session(1)).action(target.action_id).rank == target.rank


async def test_letters_in_the_owner_bar_are_text_and_enter_takes_the_suggestion(plan):
    app, analysis = plan
    target = analysis.actions[2]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("down", "down", "o")
        await pilot.pause()
        assert bar(screen).is_open and screen.query_one("#text-bar-input").has_focus
        # Typed key by key: 'a' (accept) is a letter of the name here, not a key.
        await pilot.press(*"Lena", "enter")
        await settle(pilot)
        saved = decisions(app)[target.action_id]
        assert saved.decision is Decision.ACCEPTED and saved.owner_name == "Lena Fischer"
        assert status(screen) == f"✓ Saved · #{target.number} accepted, owner Lena Fischer"
        assert cell(screen, target.action_id, "owner") == "Lena Fischer"
        assert screen.filters == Filters()

        await type_in_bar(pilot, "o", "Dr. Ardi")  # a name nobody in the room has: kept as typed
        assert decisions(app)[target.action_id].owner_name == "Dr. Ardi"

        await pilot.press("o", "ctrl+u", "enter")  # no one named: the role owns it again
        await settle(pilot)
        assert decisions(app)[target.action_id].owner_name == ""
        assert cell(screen, target.action_id, "owner") == target.owner
        assert status(screen) == f"✓ Saved · #{target.number} owner: the role, {target.owner}"


async def test_due_date_uses_the_one_date_rule(plan):
    app, _ = plan
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("g")
        await paste(pilot, "183")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.selected_action().action_id == ACCEPTED

        await pilot.press("d")
        await pilot.pause()
        assert screen.query_one("#text-bar-input").value == "2026-12-04"  # starts from what was decided
        await pilot.press("ctrl+u")
        await paste(pilot, "31/12")
        await pilot.press("enter")
        await settle(pilot)
        assert status(screen) == "✗ '31/12' is not a date: write it as YYYY-MM-DD"
        assert bar(screen).is_open  # still open, to correct it
        assert decisions(app)[ACCEPTED].due_date == dt.date(2026, 12, 4)
        for typed, said in (("0001-01-01", "✗ 0001-01-01 is out of range (1990-2100)"),
                            ("20261215", "✗ '20261215' is not a date: write it as YYYY-MM-DD")):
            await pilot.press("ctrl+u")
            await paste(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            assert status(screen) == said and bar(screen).is_open
        assert decisions(app)[ACCEPTED].due_date == dt.date(2026, 12, 4)

        await pilot.press("ctrl+u")
        await paste(pilot, "2026-12-31")
        await pilot.press("enter")
        await settle(pilot)
        assert decisions(app)[ACCEPTED].due_date == dt.date(2026, 12, 31)
        assert cell(screen, ACCEPTED, "due") == "2026-12-31" and not bar(screen).is_open

        await pilot.press("d", "ctrl+u", "enter")  # empty clears it; owner and decision stay
        await settle(pilot)
        saved = decisions(app)[ACCEPTED]
        assert saved.due_date is None and saved.owner_name == "Priya Shah" and saved.decision is Decision.ACCEPTED

        await pilot.press("d", "escape")  # escape closes the bar, not the screen
        await pilot.pause()
        assert isinstance(app.screen, ActionPlanScreen) and not bar(screen).is_open
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_filters_cycle_with_keys_and_say_what_they_show(plan):
    app, analysis = plan
    session = app.store.load_session(1)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        total = len(every_action(analysis))
        await pilot.press("1", "1")  # business, then technical
        await pilot.pause()
        technical = [a for a in every_action(analysis)
                     if any(analysis.question(q).set_id == "technical" for q in a.question_ids)]
        assert row_ids(screen) == [a.action_id for a in technical] and 0 < len(technical) < total
        assert "set Technical" in plain(screen.query_one("#filters"))
        assert f"{len(technical)} of {total} shown" in plain(screen.query_one("#filters"))

        await pilot.press("2")  # before go-live
        await pilot.pause()
        assert all(analysis.action(i).horizon is Horizon.BEFORE_GO_LIVE for i in row_ids(screen))
        assert "when before go-live" in plain(screen.query_one("#filters"))

        await pilot.press("0", "3")  # the people named come first: Priya Shah
        await pilot.pause()
        assert row_ids(screen) == [ACCEPTED] and "owner Priya Shah" in plain(screen.query_one("#filters"))
        await pilot.press("3")  # then the roles, in order
        await pilot.pause()
        role = owners(analysis, [p.name for p in session.participants])[1]
        assert all(analysis.action(i).owner_name == role for i in row_ids(screen))

        await pilot.press("0", "4")  # not decided
        await pilot.pause()
        assert len(row_ids(screen)) == total - 1 and ACCEPTED not in row_ids(screen)
        assert "decision not decided" in plain(screen.query_one("#filters"))
        await pilot.press("4")
        await pilot.pause()
        assert row_ids(screen) == [ACCEPTED]

        await pilot.press("0")
        await pilot.pause()
        assert len(row_ids(screen)) == total and f"{total} actions" in plain(screen.query_one("#filters"))


async def test_search_narrows_to_titles_and_go_to_jumps_by_number(plan):
    app, analysis = plan
    session = app.store.load_session(1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(app, pilot)
        await type_in_bar(pilot, "slash", "BACK-OUT plan")
        titles = [analysis.action(i).title for i in row_ids(screen)]
        assert titles == ["Write the back-out plan", "Rehearse the back-out plan from end to end"]
        assert screen.selected_action().title == titles[0]
        assert "find “BACK-OUT plan”" in plain(screen.query_one("#filters"))
        assert status(screen) == "2 titles match."

        # #28 is hidden by the search: going there clears the filters.
        await type_in_bar(pilot, "g", "#28")
        assert screen.selected_action().number == 28
        assert screen.filters == Filters() and status(screen) == "Filters cleared to show #28."
        # Four keys instead of 26 presses of down; the number, not the rank.
        assert screen.query_one("#detail").border_title.startswith("#28 · rank ")

        unused = min(set(action_numbers(session).values()) - {a.number for a in every_action(analysis)})
        await type_in_bar(pilot, "g", str(unused))
        assert status(screen) == f"#{unused} is not called for by this workshop's answers."
        assert bar(screen).is_open  # to correct the number
        await pilot.press("ctrl+u")
        await paste(pilot, "9999")
        await pilot.press("enter")
        await settle(pilot)
        assert status(screen) == "No action is numbered '9999'."
        await pilot.press("escape")
        await pilot.pause()
        assert screen.selected_action().number == 28

        await type_in_bar(pilot, "slash", "zzz")
        assert row_ids(screen) == [] and status(screen).startswith("No title holds")
        await pilot.press("slash", "ctrl+u", "enter")  # the bar opens on the words searched: emptied, it shows all
        await settle(pilot)
        assert len(row_ids(screen)) == len(every_action(analysis))


async def test_an_accepted_action_whose_questions_got_there_shows_as_done(plan):
    app, analysis = plan
    action = analysis.action(ACCEPTED)
    for question_id in action.question_ids:
        app.store.record_answer(1, question_id, AnswerChange.from_level_text("4"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        assert ACCEPTED in row_ids(screen)  # never vanishes
        assert cell(screen, ACCEPTED, "decision") == "done"
        await pilot.press("4", "4", "4")  # not decided, accepted, done
        await pilot.pause()
        assert row_ids(screen) == [ACCEPTED]
        assert screen.query_one("#detail").border_title == "#183 · done"
        detail = plain(screen.query_one("#detail-body"))
        assert "accepted · Priya Shah · due 2026-12-04 · done" in detail
        assert "its questions have reached the level it addressed" in detail


def test_filter_helpers(plan):
    _, analysis = plan
    assert shown_actions(analysis, Filters()) == list(every_action(analysis))
    assert [a.action_id for a in shown_actions(analysis, Filters(status=ActionStatus.ACCEPTED))] == [ACCEPTED]
    assert title_matches("Write the back-out plan", "PLAN back")
    assert not title_matches("Write the back-out plan", "plans")
    assert next_value(["a", "b"], None) == "a" and next_value(["a", "b"], "a") == "b"
    assert next_value(["a", "b"], "b") is None and next_value([], None) is None
    assert parse_action_number(" #28 ") == 28 and parse_action_number("28") == 28
    assert parse_action_number("２８") is None and parse_action_number("x") is None


def test_snapshot_actions_80x24(tmp_path: Path, snap_compare):
    app = make_app(tmp_path)

    async def run_before(pilot):
        await open_plan(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_actions_filtered_120x40(tmp_path: Path, snap_compare):
    """Technical actions before go-live that nobody has decided, the room typing an owner for one."""
    app = make_app(tmp_path)

    async def run_before(pilot):
        await open_plan(app, pilot)
        await pilot.press("1", "1", "2", "4", "down", "o", *"To")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
