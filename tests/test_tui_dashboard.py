"""The dashboard: verdict, scores per set, blockers and top actions, current after changes elsewhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Static

from workshop.analysis import analyse
from workshop.session import ActionDecision, AnswerChange, Decision
from workshop.tui.screens.actions import ActionPlanScreen
from workshop.tui.screens.dashboard import DashboardScreen
from workshop.tui.screens.export import ExportScreen
from workshop.tui.screens.home import HomeScreen
from workshop.tui.widgets.score_bars import ScoreBars

from tui_harness import make_app, plain, settle


async def open_dashboard(app, pilot) -> DashboardScreen:
    await pilot.pause()
    app.open_dashboard(1)
    await settle(pilot)
    assert isinstance(app.screen, DashboardScreen)
    return app.screen


async def test_dashboard_shows_what_the_analysis_says(tmp_path: Path):
    app = make_app(tmp_path)
    first = analyse(app.store.load_session(1)).actions[0].action_id
    app.store.decide(1, ActionDecision(action_id=first, decision="accepted", owner_name="Priya Shah",
                                       due_date=dt.date(2026, 12, 4)))
    expected = analyse(app.store.load_session(1))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(app, pilot)

        verdict = screen.query_one("#verdict", Static)
        assert plain(verdict).strip() == expected.verdict.status.label.upper() == "NOT READY"
        assert verdict.has_class("-not-ready")
        readiness = plain(screen.query_one("#readiness"))
        assert "Readiness 12/100" in readiness and "15% to target" in readiness
        reasons = " ".join(plain(w) for w in screen.query("#reasons .text"))
        assert "10 gate questions are under target" in reasons
        assert "15% of the way to its targets" in reasons
        assert "Gate not met" not in reasons  # those are listed once, under Blockers

        bars = screen.query_one("#set-bars", ScoreBars).bars
        assert [b.label for b in bars] == [s.title for s in expected.sets]
        assert bars[0].value_text.startswith("26 of 75")

        blockers = [plain(w) for w in screen.query("#blockers .prompt")]
        assert len(blockers) == len(expected.verdict.blockers) == 10
        assert blockers[0].startswith(expected.verdict.blockers[0].prompt)
        assert screen.query_one("#blockers-panel").border_title == "Blockers: 10"

        top = [plain(w) for w in screen.query("#top-actions .action")]
        assert len(top) == 5
        assert [t.splitlines()[0] for t in top] == [a.title for a in expected.actions[:5]]
        assert "accepted · Priya Shah · due 2026-12-04" in top[0]  # the decision taken on the first action
        assert f"{len(expected.actions)} actions in the plan" in plain(screen.query_one("#actions-more"))
        assert "Northwind Insurance (demo)" in screen.sub_title


async def test_dashboard_is_current_after_answers_and_decisions_change(tmp_path: Path):
    app = make_app(tmp_path)
    first = analyse(app.store.load_session(1)).actions[0]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(app, pilot)
        assert len(screen.query("#blockers .prompt")) == 10

        await pilot.press("a")  # to the action plan
        await settle(pilot)
        assert isinstance(app.screen, ActionPlanScreen)
        await pilot.press("a")  # accept the first action there
        # Meanwhile the walk-through (another screen) raises a blocker to its target.
        app.store.record_answer(1, "biz.results.kpi", AnswerChange.from_level_text("3"))
        await pilot.press("escape")
        await settle(pilot)

        assert app.screen is screen
        assert len(screen.query("#blockers .prompt")) == 9
        assert not any("measured results" in plain(w) for w in screen.query("#blockers .prompt"))
        assert "accepted" in plain(screen.query("#top-actions .action").first())
        assert app.store.load_session(1).decisions[first.action_id].decision is Decision.ACCEPTED


async def test_dashboard_keys_open_export_and_go_back(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(app, pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen) and app.screen.session_id == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_dashboard_scrolls_at_80_by_24(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(app, pilot)
        scroll = screen.query_one("#dashboard")
        assert scroll.has_focus and scroll.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_target_y > 0 or scroll.scroll_y > 0


def test_snapshot_dashboard_80x24(tmp_path: Path, snap_compare):
    app = make_app(tmp_path)

    async def run_before(pilot):
        await open_dashboard(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_dashboard_120x40(tmp_path: Path, snap_compare):
    app = make_app(tmp_path)

    async def run_before(pilot):
        await open_dashboard(app, pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
