"""The action plan: accept, reject, owner and due date, each saved at once and read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from workshop.analysis import analyse
from workshop.session import ActionDecision, Decision
from workshop.tui.screens.actions import ActionPlanScreen, parse_due_date
from workshop.tui.screens.home import HomeScreen

from tui_harness import TODAY, make_app, plain, settle


async def open_plan(app, pilot) -> ActionPlanScreen:
    await pilot.pause()
    app.open_action_plan(1)
    await settle(pilot)
    assert isinstance(app.screen, ActionPlanScreen)
    return app.screen


def cell(screen: ActionPlanScreen, action_id: str, column: str) -> str:
    return str(screen.query_one("#actions", DataTable).get_cell(action_id, column))


def decisions(app) -> dict[str, ActionDecision]:
    return app.store.load_session(1).decisions


@pytest.fixture
def plan(tmp_path: Path):
    app = make_app(tmp_path)
    return app, analyse(app.store.load_session(1)).actions


async def test_table_lists_the_ranked_plan(plan):
    app, actions = plan
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        table = screen.query_one("#actions", DataTable)
        assert table.row_count == len(actions)
        assert [str(k.value) for k in table.rows] == [a.action_id for a in actions]
        first = actions[0]
        assert cell(screen, first.action_id, "rank") == "1"
        assert cell(screen, first.action_id, "title") == first.title
        assert cell(screen, first.action_id, "horizon") == first.horizon.label
        assert cell(screen, first.action_id, "role") == first.owner
        assert cell(screen, first.action_id, "decision") == "—"
        accepted = "risk.backout.plan.write"  # the demo's decision
        assert cell(screen, accepted, "decision") == "accepted"
        assert cell(screen, accepted, "owner") == "Priya Shah"
        assert cell(screen, accepted, "due") == "2026-12-04"
        verify = next(a for a in actions if a.verify_first)
        assert cell(screen, verify.action_id, "title") == "! " + verify.title

        detail = plain(screen.query_one("#detail-body"))
        assert first.title in detail and first.triggers[0].sentence in detail
        assert first.detail in detail and "not decided yet" in detail
        assert screen.query_one("#detail").border_title == f"#1 of {len(actions)}"


async def test_accept_and_reject_are_saved_at_once(plan):
    app, actions = plan
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        saved = decisions(app)[actions[0].action_id]
        assert saved.decision is Decision.ACCEPTED and saved.owner_name == "" and saved.due_date is None
        assert cell(screen, actions[0].action_id, "decision") == "accepted"
        assert plain(screen.query_one("#saved")) == "✓ Saved · #1 accepted"

        await pilot.press("down", "r")
        await pilot.pause()
        assert decisions(app)[actions[1].action_id].decision is Decision.REJECTED
        assert cell(screen, actions[1].action_id, "decision") == "rejected"
        assert plain(screen.query_one("#saved")) == "✓ Saved · #2 rejected"
        assert "rejected" in plain(screen.query_one("#detail-body"))


async def test_owner_and_due_date_are_kept_when_the_decision_changes(plan):
    app, actions = plan
    target = actions[0].action_id
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("a", "o")
        await pilot.pause()
        editor = screen.query_one("#editor-input", Input)
        assert editor.has_focus and screen.query_one("#editor").display
        await pilot.press(*"Tom B", "enter")
        await pilot.pause()
        assert not screen.query_one("#editor").display
        assert screen.query_one("#actions").has_focus
        assert decisions(app)[target].owner_name == "Tom B"
        assert cell(screen, target, "owner") == "Tom B"
        assert plain(screen.query_one("#saved")) == "✓ Saved · #1 owner Tom B"

        await pilot.press("d", *"2026-12-31", "enter")
        await pilot.pause()
        assert decisions(app)[target].due_date == dt.date(2026, 12, 31)
        assert cell(screen, target, "due") == "2026-12-31"

        await pilot.press("r")  # the room changes its mind: owner and date stay
        await pilot.pause()
        saved = decisions(app)[target]
        assert saved.decision is Decision.REJECTED
        assert (saved.owner_name, saved.due_date) == ("Tom B", dt.date(2026, 12, 31))


async def test_a_bad_date_shows_an_error_and_saves_nothing(plan):
    app, actions = plan
    target = actions[0].action_id
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("a", "d", *"31/12", "enter")
        await pilot.pause()
        message = plain(screen.query_one("#editor-message"))
        assert message.startswith("✗") and "YYYY-MM-DD" in message and "\n" not in message
        assert screen.query_one("#editor").display  # still open, to correct it
        assert decisions(app)[target].due_date is None

        await pilot.press("escape")  # cancels the editor, not the screen
        await pilot.pause()
        assert isinstance(app.screen, ActionPlanScreen) and not screen.query_one("#editor").display
        assert decisions(app)[target].due_date is None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_naming_an_owner_of_an_undecided_action_accepts_it(plan):
    app, actions = plan
    target = actions[2].action_id
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("down", "down", "o", *"Lena", "right", "enter")  # right takes the suggestion
        await pilot.pause()
        saved = decisions(app)[target]
        assert saved.decision is Decision.ACCEPTED and saved.owner_name == "Lena Fischer"
        assert plain(screen.query_one("#saved")) == "✓ Saved · #3 accepted, owner Lena Fischer"


async def test_editing_an_existing_decision_starts_from_its_values(plan):
    app, _ = plan
    accepted = "risk.backout.plan.write"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        table = screen.query_one("#actions", DataTable)
        while str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value) != accepted:
            await pilot.press("down")
        await pilot.press("o")
        await pilot.pause()
        assert screen.query_one("#editor-input", Input).value == "Priya Shah"
        await pilot.press("escape", "d")
        await pilot.pause()
        assert screen.query_one("#editor-input", Input).value == (TODAY + dt.timedelta(days=14)).isoformat()
        await pilot.press("ctrl+u", "enter")  # an empty date clears it
        await pilot.pause()
        saved = decisions(app)[accepted]
        assert saved.due_date is None and saved.owner_name == "Priya Shah"
        assert saved.decision is Decision.ACCEPTED


def test_parse_due_date():
    assert parse_due_date(" 2026-12-04 ") == dt.date(2026, 12, 4)
    assert parse_due_date("") is None
    for bad in ("20261204", "2026-12-4", "tomorrow", "31/12/2026"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_due_date(bad)
    with pytest.raises(ValueError, match="not a day of the calendar"):
        parse_due_date("2026-02-30")


def test_snapshot_actions_80x24(tmp_path: Path, snap_compare):
    app = make_app(tmp_path)

    async def run_before(pilot):
        await open_plan(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_actions_120x40(tmp_path: Path, snap_compare):
    """The room has accepted #1 and is typing its owner."""
    app = make_app(tmp_path)

    async def run_before(pilot):
        await open_plan(app, pilot)
        await pilot.press("a", "o", *"Priya")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
