"""The dashboard: verdict, top actions, scores per set and blockers, current after changes elsewhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Static

from workshop.analysis import analyse
from workshop.session import ActionDecision, AnswerChange, Decision
from workshop.tui.screens.actions import ActionPlanScreen
from workshop.tui.screens.dashboard import DashboardScreen
from workshop.tui.screens.export import ExportScreen
from workshop.tui.screens.home import HomeScreen
from workshop.tui.widgets.bullets import BulletList
from workshop.tui.widgets.score_bars import ScoreBars

from tui_harness import make_app, plain, settle


def bullets(screen, selector: str):
    return screen.query_one(selector, BulletList).items


async def open_dashboard(app, pilot) -> DashboardScreen:
    await pilot.pause()
    app.open_dashboard(1)
    await settle(pilot)
    assert isinstance(app.screen, DashboardScreen)
    return app.screen


async def test_dashboard_shows_what_the_analysis_says(tmp_path: Path):
    app = make_app(tmp_path)
    first = analyse(app.store.load_session(1)).actions[0]
    app.store.decide(1, ActionDecision(action_id=first.action_id, decision="accepted", owner_name="Priya Shah",
                                       due_date=dt.date(2026, 12, 4)))
    expected = analyse(app.store.load_session(1))
    verdict = expected.verdict
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(app, pilot)

        badge = screen.query_one("#verdict", Static)
        assert plain(badge).strip() == verdict.status.label.upper() == "NOT READY"
        assert badge.has_class("-not-ready")
        readiness = plain(screen.query_one("#readiness"))
        assert "Readiness 12/100" in readiness and "15% to target" in readiness
        # Provisional: said in the title and in the analysis's own words, with what is missing.
        assert screen.query_one("#verdict-panel").border_title == "Verdict (provisional)"
        assert plain(screen.query_one("#provisional")) == verdict.provisional_note
        assert "54 of 69 questions (3 of them gates) are not assessed yet" in verdict.provisional_note

        reasons = [item.plain for item in bullets(screen, "#reasons")]
        # The gates from the verdict's own lists (7 found short, 3 never assessed), then its other reasons.
        assert (len(verdict.failed_gates), len(verdict.gates_to_assess)) == (7, 3)
        assert reasons[0] == "7 gate questions are under target, 3 still to assess: see Blockers."
        assert reasons[1:] == list(verdict.reasons)
        assert not any("Gate not met" in r or "Gate still to assess" in r for r in reasons)

        bars = screen.query_one("#set-bars", ScoreBars).bars
        assert [b.label for b in bars] == [s.title for s in expected.sets]
        assert bars[0].value_text.startswith("26 of 75")
        assert screen.query_one("#scores-panel").border_title == "Scores per set · weakest: Risk (4)"

        panel = screen.query_one("#blockers-panel")
        assert panel.border_title == "Blockers: 7 not met · 3 still to assess"
        rows = bullets(screen, "#blockers")
        assert [r.mark.plain for r in rows] == ["■"] * 7 + ["□"] * 3
        texts = [r.plain for r in rows]
        assert texts[0].startswith(verdict.failed_gates[0].prompt) and "level 2" in texts[0]
        assert texts[7].startswith(verdict.gates_to_assess[0].prompt) and "still to assess" in texts[7]
        assert "level" not in texts[7].splitlines()[-1]  # never "not met" for a gate nobody assessed
        drawn = plain(screen.query_one("#blockers"))
        assert drawn.startswith("■  " + verdict.failed_gates[0].prompt[:20])  # the marks, drawn

        top = bullets(screen, "#top-actions")
        numbers = [r.mark.plain for r in top]
        titles = [r.first.plain for r in top]
        metas = [r.more[0].plain for r in top]
        assert numbers == [f"#{a.number}" for a in expected.actions[:5]] and numbers[0] == f"#{first.number}"
        assert titles == [a.title for a in expected.actions[:5]]
        # One owner: the person the room named (in the decision's own wording), else the role.
        assert metas[0].startswith("accepted · Priya Shah · due 2026-12-04")
        assert metas[0].count("Priya Shah") == 1 and first.owner not in metas[0]
        second = expected.actions[1]
        assert metas[1].startswith(f"{second.owner} · not decided yet")
        assert screen.query_one("#actions-panel").border_subtitle == f"{len(expected.actions)} actions in the plan · a: decide"
        assert "Northwind Insurance (demo)" in screen.sub_title


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_top_actions_are_on_screen_and_no_panel_grows_blank_rows(tmp_path: Path, size):
    app = make_app(tmp_path)
    width, height = size
    async with app.run_test(size=size) as pilot:
        screen = await open_dashboard(app, pilot)
        footer_top = height - 1
        panel = screen.query_one("#actions-panel")
        assert panel.region.y >= 1 and panel.region.bottom <= footer_top, panel.region  # whole, without scrolling
        top = screen.query_one("#top-actions")
        assert len(top.items) == 5 and top.region.bottom <= footer_top
        if width < 110:
            assert top.lines_per_item == [1] * 5  # one line each on a narrow screen
            assert screen.query_one("#scores-panel").region.y < footer_top  # the scores start on screen too
        # Every panel is exactly as tall as its rows (plus its border): no blank rows anywhere.
        for panel_id, rows_id in (("#blockers-panel", "#blockers"), ("#actions-panel", "#top-actions")):
            rows = screen.query_one(rows_id)
            assert rows.outer_size.height == sum(rows.lines_per_item)
            assert screen.query_one(panel_id).outer_size.height == rows.outer_size.height + 2
        stacked = screen.query_one("#panels")
        assert stacked.outer_size.height < 60


async def test_a_finished_workshop_reads_ready_and_not_provisional(tmp_path: Path):
    app = make_app(tmp_path)
    session = app.store.load_session(1)
    for question in session.bank.questions():
        app.store.record_answer(1, question.id, AnswerChange.from_level_text(str(session.target(question.id))))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(app, pilot)
        assert plain(screen.query_one("#verdict")).strip() == "READY"
        assert screen.query_one("#verdict-panel").border_title == "Verdict"
        assert not screen.query_one("#provisional").display
        assert bullets(screen, "#reasons")[0].plain.startswith("All 69 applicable questions meet")
        assert screen.query_one("#blockers-panel").border_title == "Blockers"
        assert plain(screen.query_one("#blockers")) == "No gate question is under its target."
        assert plain(screen.query_one("#top-actions")).startswith("No action needed")


async def test_dashboard_is_current_after_answers_and_decisions_change(tmp_path: Path):
    app = make_app(tmp_path)
    first = analyse(app.store.load_session(1)).actions[0]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(app, pilot)
        assert [r.mark.plain for r in bullets(screen, "#blockers")].count("■") == 7

        await pilot.press("a")  # to the action plan
        await settle(pilot)
        assert isinstance(app.screen, ActionPlanScreen)
        await pilot.press("a")  # accept the first action there
        await settle(pilot)
        # Meanwhile the walk-through (another screen) raises a blocker to its target.
        app.store.record_answer(1, "biz.results.kpi", AnswerChange.from_level_text("3"))
        await pilot.press("escape")
        await settle(pilot)

        assert app.screen is screen
        assert [r.mark.plain for r in bullets(screen, "#blockers")].count("■") == 6
        assert not any("measured results" in r.plain for r in bullets(screen, "#blockers"))
        assert "accepted" in bullets(screen, "#top-actions")[0].more[0].plain
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


async def test_dashboard_scrolls_to_the_blockers_at_80_by_24(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(app, pilot)
        scroll = screen.query_one("#dashboard")
        assert scroll.has_focus and scroll.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        blockers = screen.query_one("#blockers")
        assert scroll.scroll_target_y == scroll.max_scroll_y
        # The last blocker comes into view, with no blank rows after it.
        assert blockers.region.height > 0 and blockers.region.bottom <= 23
        assert blockers.outer_size.height == sum(blockers.lines_per_item)


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
