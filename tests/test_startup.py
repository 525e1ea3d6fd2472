"""Start-up: the home screen is drawn before the question bank is loaded, and a broken set still
stops the app before it opens."""

from __future__ import annotations

import gc

import pytest

from workshop import cli
from workshop.questionnaire import QuestionBank
from workshop.store import Store

import tui_harness
from tui_harness import builtin_bank, settle


class Loader:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> QuestionBank:
        self.calls += 1
        return builtin_bank()


async def test_home_is_drawn_before_the_bank_is_loaded_and_the_form_loads_it(tmp_path):
    loader = Loader()
    store = Store.open(tmp_path / "w.db")
    app = tui_harness.TestApp(store, loader, export_dir=tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.SCREEN_NAME == "home" and loader.calls == 0
        await pilot.press("n")
        await settle(pilot)
        assert loader.calls == 1
        assert app.screen.query_one("#set-business")  # the form lists the sets the loader gave
        assert app.bank is app.bank and loader.calls == 1
    store.close()


@pytest.fixture
def launched(monkeypatch):
    """What `workshop` would open the app with, instead of opening it."""
    seen: dict[str, object] = {}

    def run(app):
        seen["bank"] = app._bank if app._bank is not None else app._load_bank
        seen["collecting"] = gc.isenabled()

    monkeypatch.setattr("workshop.tui.app.WorkshopApp.run", run)
    return seen


def test_sets_checked_before_are_loaded_when_first_needed(launched):
    assert cli.main([]) == 0
    assert isinstance(launched["bank"], QuestionBank)  # first run: checked before the app opens
    assert launched["collecting"]  # a command runs without the garbage collector; the app with it
    assert cli.main([]) == 0
    assert callable(launched["bank"])  # unchanged since: loaded after the first frame
    assert launched["bank"]() == builtin_bank()


def test_a_broken_set_stops_the_app_before_it_opens(tmp_path, launched, capsys):
    assert cli.main([]) == 0  # the built-in sets are cached
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "broken.toml").write_text('id = "broken"\n')
    launched.clear()
    assert cli.main(["--questionnaires", str(folder)]) == 1
    assert "broken.toml" in capsys.readouterr().err and not launched


async def test_the_list_is_drawn_first_then_every_row_gets_its_progress_and_verdict(tmp_path):
    from workshop.session import AnswerChange, NewSession
    from workshop.tui.screens.home import FIRST_SCREENFUL

    bank = builtin_bank()
    store = Store.open(tmp_path / "w.db")
    ids = [store.create_session(NewSession(organisation=f"Org {n}", initiative=f"Pilot {n}", facilitator="Fay",
                                           sets=("business",)), bank) for n in range(FIRST_SCREENFUL + 5)]
    oldest = ids[0]  # listed last: after the first screenful
    store.record_answer(oldest, "biz.kpi.agreed", AnswerChange.from_level_text("3"))
    app = tui_harness.TestApp(store, bank, export_dir=tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        table = home.query_one("#workshops")
        assert table.row_count == len(ids)
        assert str(table.get_cell(str(oldest), "progress")) == "1/17"
        assert set(home.verdicts) == set(ids)
        assert str(table.get_cell(str(oldest), "verdict")) == home.verdicts[oldest] == "Not ready"
    store.close()


def test_a_command_leaves_the_garbage_collector_as_it_found_it(capsys):
    assert gc.isenabled()
    assert cli.main(["list"]) == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert cli.main(["list"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
