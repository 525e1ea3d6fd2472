"""The outline and the analysed screens, built to stay quick with thousands of questions: what they
show must still follow the store."""

from __future__ import annotations

from workshop.analysis import analyse
from workshop.session import AnswerChange
from workshop.store import Store
from workshop.tui.screens.dashboard import DashboardScreen
from workshop.tui.widgets.outline import RELABEL_LIMIT, Outline

from tui_harness import make_app, settle


def label(outline: Outline, question_id: str) -> str:
    return outline._question_nodes[question_id].label.plain


def cursor_question(outline: Outline) -> str | None:
    return outline.get_node_at_line(outline.cursor_line).data


async def open_demo(pilot):
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


async def test_marks_follow_answers_one_by_one_and_in_bulk(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        walk = await open_demo(pilot)
        outline = walk.query_one(Outline)
        session = walk.session
        for qid in walk.order:  # opened: every question labelled with its mark
            expected = {"level": "✓", "unknown": "?", "na": "–", None: "·"}[session.answer(qid).status]
            assert label(outline, qid).startswith(expected + " " + qid.split(".", 1)[-1])
        assert cursor_question(outline) == walk.question_id

        current = walk.question_id
        await pilot.press("2")  # one answer: its label changes, the others are left alone
        await settle(pilot)
        assert label(outline, current).startswith("✓")

        # Another window answers most of the questions: the outline is made again, marks and cursor right.
        pending = [qid for qid in walk.order if not walk.session.answer(qid).answered]
        assert len(pending) > RELABEL_LIMIT
        set_node = outline._branches[walk.located.set.id]
        other_set = next(n for n in outline._set_nodes.values() if n is not set_node)
        other_set.collapse()
        title = other_set.label.plain.rsplit(" ", 1)[0]  # without its count, which will change
        with Store.open(tmp_path / "workshop.db") as other:
            for qid in pending:
                other.record_answer(walk.session_id, qid, AnswerChange.from_level_text("unknown"))
        assert app.check_for_changes()
        await settle(pilot)
        assert all(label(outline, qid).startswith("?") for qid in pending)
        assert cursor_question(outline) == walk.question_id
        collapsed = [n.label.plain.rsplit(" ", 1)[0] for n in outline._set_nodes.values() if not n.is_expanded]
        assert collapsed == [title]  # a collapsed set stays collapsed


async def test_the_dashboard_shows_the_analysis_of_the_workshop_as_last_read(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_dashboard(1)
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        assert dashboard.analysis == analyse(app.store.load_session(1))

        # A result for a workshop read earlier arrives late: it is dropped, not drawn.
        current = dashboard.analysis
        stale = analyse(dashboard.session.model_copy(update={"answers": {}}))
        dashboard.post_message(DashboardScreen.AnalysisReady(stale, generation=0))
        await settle(pilot)
        assert dashboard.analysis is current
