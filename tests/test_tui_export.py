"""The export screen: choices by key, a path field whose letters are the path, the facilitator's copy
asked for and marked, 'since' chosen, written in a worker with the path or the error shown."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from textual.widgets import Button, Input, RadioSet

from workshop.demo import create_demo
from workshop.export import resolve_out
from workshop.session import SessionStatus
from workshop.tui.screens.dashboard import DashboardScreen
from workshop.tui.screens.export import ExportScreen
from workshop.tui.widgets.confirm import Confirm

from tui_harness import TODAY, make_app, paste, plain, settle

PRIVATE_NOTE = "Ops lead was defensive"
BASENAME = "2026-11-20-northwind-insurance-demo-claims-triage-assistant-w1"
EARLIER = TODAY - dt.timedelta(days=90)  # 2026-08-22


async def open_export(app, pilot) -> ExportScreen:
    await pilot.pause()
    app.open_export(1)
    await settle(pilot)
    assert isinstance(app.screen, ExportScreen)
    return app.screen


def result(screen: ExportScreen) -> str:
    return plain(screen.query_one("#result"))


def with_earlier_workshop(tmp_path: Path):
    """The demo (workshop 1) and the same initiative assessed 90 days before (workshop 2)."""
    app = make_app(tmp_path)
    assert create_demo(app.store, app.bank, today=EARLIER) == 2
    return app


async def test_enter_writes_the_participants_markdown_to_the_default_folder(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_export(app, pilot)
        assert screen.query_one("#out", Input).value == str(tmp_path / "exports")
        assert f"{BASENAME}-participants.md" in plain(screen.query_one("#target"))
        assert not screen.query_one("#private-banner").display
        await pilot.press("enter")
        await settle(pilot)

        written = tmp_path / "exports" / f"{BASENAME}-participants.md"
        assert screen.written == written and written.is_file()
        assert result(screen) == f"✓ Wrote {written}\ncompared with no earlier workshop"
        text = written.read_text(encoding="utf-8")
        assert "Not ready" in text and "Write the back-out plan" in text
        assert PRIVATE_NOTE not in text


async def test_the_facilitators_copy_asks_first_and_is_marked_loudly(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_export(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "private" in app.screen.question
        await pilot.press("n")  # keep the participants' copy
        await pilot.pause()
        assert app.screen is screen and screen.chosen_audience.value == "participants"
        assert screen.query_one("#audience", RadioSet).pressed_button.id == "participants"

        await pilot.click("#facilitator")  # clicking the button asks too
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#audience", RadioSet).pressed_button.id == "participants"

        await pilot.press("f", "y", "j")
        await pilot.pause()
        assert screen.query_one("#audience", RadioSet).pressed_button.id == "facilitator"
        assert screen.query_one("#format", RadioSet).pressed_button.id == "json"
        assert screen.has_class("-private") and screen.query_one("#private-banner").display
        assert "PRIVATE" in plain(screen.query_one("#private-banner"))
        assert plain(screen.query_one("#audience-note")).startswith("PRIVATE:")
        button = screen.query_one("#export-button", Button)
        assert str(button.label) == "Export private copy" and button.variant == "error"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.written.name == f"{BASENAME}-facilitator.json"
        assert PRIVATE_NOTE in json.dumps(json.loads(screen.written.read_text(encoding="utf-8")))
        assert screen.written.stat().st_mode & 0o077 == 0  # for the facilitator alone

        await pilot.press("p", "c", "enter")  # back to the participants: no question asked
        await settle(pilot)
        assert not screen.has_class("-private") and str(button.label) == "Export"
        assert screen.written.name == f"{BASENAME}-participants.csv"
        with screen.written.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) > 1 and PRIVATE_NOTE not in screen.written.read_text(encoding="utf-8-sig")

        await pilot.press("h", "enter")
        await settle(pilot)
        html = screen.written.read_text(encoding="utf-8")
        assert screen.written.suffix == ".html" and "<svg" in html and PRIVATE_NOTE not in html


async def test_letters_typed_in_the_path_never_change_audience_or_format(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_export(app, pilot)
        field = screen.query_one("#out", Input)
        await pilot.press("o")
        assert field.has_focus
        # Typed key by key, as in the room: f (facilitator), c (CSV), h, m, p, s and o are path letters here.
        await pilot.press(*"~/Desktop/for-board/c.html")
        await pilot.pause()
        assert field.value == "~/Desktop/for-board/c.html"
        assert not isinstance(app.screen, Confirm)
        assert (screen.chosen_audience.value, screen.chosen_format.value, screen.since) == (
            "participants", "md", "auto")
        assert not screen.has_class("-private")

        await pilot.press("escape")  # leaves the field, not the screen
        await pilot.pause()
        assert app.screen is screen and not field.has_focus
        await pilot.press("c")  # with the field left, letters choose again
        await pilot.pause()
        assert screen.chosen_format.value == "csv"

        # Starting to type a path with nothing focused goes into the field, not to the shortcuts.
        await pilot.press(*"~/for")
        await pilot.pause()
        assert field.has_focus and field.value == "~/for"
        assert screen.chosen_audience.value == "participants"


async def test_the_last_wrote_line_clears_when_any_choice_changes(tmp_path: Path):
    app = with_earlier_workshop(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_export(app, pilot)
        for change in (("h",), ("s",), ("f", "y"), ("p",)):
            await pilot.press("enter")
            await settle(pilot)
            assert result(screen).startswith("✓ Wrote") and screen.written is not None
            await pilot.press(*change)
            await pilot.pause()
            assert result(screen) == "" and screen.written is None, change
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await paste(pilot, str(tmp_path))
        assert result(screen) == "" and screen.written is None  # the path changed


async def test_since_compares_with_the_latest_earlier_workshop_none_or_one_chosen(tmp_path: Path):
    app = with_earlier_workshop(tmp_path)
    app.store.set_status(2, SessionStatus.ARCHIVED)
    create_demo(app.store, app.bank, today=EARLIER - dt.timedelta(days=90))  # workshop 3, 2026-05-24
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_export(app, pilot)
        since = screen.query_one("#since")
        # Archived workshops are left out of 'auto', but can still be chosen.
        assert plain(since).startswith("the latest earlier one: workshop 3 of 2026-05-24")
        await pilot.press("enter")
        await settle(pilot)
        assert result(screen).endswith("compared with workshop 3 of 2026-05-24")
        assert "## Since the workshop of 2026-05-24 (workshop 3)" in screen.written.read_text(encoding="utf-8")

        await pilot.press("s", "enter")
        await settle(pilot)
        assert plain(since).startswith("nothing")
        assert result(screen).endswith("compared with no earlier workshop")
        assert "## Since the workshop" not in screen.written.read_text(encoding="utf-8")

        await pilot.press("s", "enter")  # the earlier ones, newest first: workshop 2, archived
        await settle(pilot)
        assert plain(since).startswith("workshop 2 of 2026-08-22 (archived)") and screen.since == 2
        assert "## Since the workshop of 2026-08-22 (workshop 2)" in screen.written.read_text(encoding="utf-8")

        await pilot.press("s", "s")  # workshop 3, then round to 'auto'
        await pilot.pause()
        assert screen.since == "auto"


async def test_a_path_naming_the_open_database_is_refused_on_screen(tmp_path: Path):
    app = make_app(tmp_path)
    database = app.store.path
    before = database.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_export(app, pilot)
        for name in (database.name, database.name + "-wal"):
            await pilot.press("o")
            await paste(pilot, str(database.parent / name))
            assert "an export never writes over it" in plain(screen.query_one("#target"))
            await pilot.press("enter")
            await settle(pilot)
            assert result(screen).startswith("✗ refusing to write over the workshop database")
            assert "\n" not in result(screen) and screen.written is None
            await pilot.press("escape")  # out of the field
    assert database.read_bytes()[:100] == before[:100] and app.store.load_session(1).id == 1


async def test_a_missing_folder_gives_a_one_line_error(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_export(app, pilot)
        await pilot.press("o")
        await paste(pilot, "nowhere/x.md")
        await pilot.press("enter")
        await settle(pilot)
        assert result(screen).startswith("✗ output folder does not exist") and "\n" not in result(screen)
        assert screen.written is None
        assert not (tmp_path / "exports").exists()


async def test_a_file_path_is_written_as_given_and_escape_goes_back(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_dashboard(1)
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press("tab", "tab", "tab")  # audience, format, then the path (its text selected)
        await paste(pilot, "r.md")  # relative to the working folder
        await pilot.press("enter")
        await settle(pilot)
        assert screen.written == tmp_path / "r.md" and "Not ready" in screen.written.read_text(encoding="utf-8")
        await pilot.press("escape", "escape")  # out of the field, then back
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


def test_resolve_out(tmp_path: Path):
    default = tmp_path / "exports"
    assert resolve_out("", default) is None
    assert resolve_out(str(default), default) is None
    assert resolve_out(str(tmp_path), default) == tmp_path
    assert resolve_out(str(tmp_path / "a.md"), default) == tmp_path / "a.md"
    assert resolve_out("~/a.md", default) == Path.home() / "a.md"
    try:
        resolve_out(str(tmp_path / "missing") + "/", default)
    except Exception as exc:
        assert "output folder does not exist" in str(exc)
    else:
        raise AssertionError("a missing folder must be refused")


def fixed_app(tmp_path: Path):
    app = with_earlier_workshop(tmp_path)
    app.export_dir = Path("/srv/workshop/exports")  # a stable path for the snapshot; nothing is written
    return app


def test_snapshot_export_confirmation_80x24(tmp_path: Path, snap_compare):
    """'f' asks before the facilitator's private copy is chosen."""
    app = fixed_app(tmp_path)

    async def run_before(pilot):
        await open_export(app, pilot)
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_export_private_copy_120x40(tmp_path: Path, snap_compare):
    """Facilitator's HTML confirmed: marked loudly; compared with the earlier workshop."""
    app = fixed_app(tmp_path)

    async def run_before(pilot):
        await open_export(app, pilot)
        await pilot.press("f", "y", "h")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
