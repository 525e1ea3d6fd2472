"""The export screen: choose audience and format with keys, write in a worker, show the path or the error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from textual.widgets import Input, RadioSet

from workshop.export import resolve_out
from workshop.tui.screens.dashboard import DashboardScreen
from workshop.tui.screens.export import ExportScreen

from tui_harness import make_app, plain, settle

PRIVATE_NOTE = "Ops lead was defensive"
BASENAME = "2026-11-20-northwind-insurance-demo-claims-triage-assistant-w1"




async def open_export(app, pilot) -> ExportScreen:
    await pilot.pause()
    app.open_export(1)
    await settle(pilot)
    assert isinstance(app.screen, ExportScreen)
    return app.screen


async def test_enter_writes_the_participants_markdown_to_the_default_folder(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_export(app, pilot)
        assert screen.query_one("#out", Input).value == str(tmp_path / "exports")
        assert f"{BASENAME}-participants.md" in plain(screen.query_one("#target"))
        await pilot.press("enter")
        await settle(pilot)

        written = tmp_path / "exports" / f"{BASENAME}-participants.md"
        assert screen.written == written and written.is_file()
        assert plain(screen.query_one("#result")) == f"✓ Wrote {written}"
        text = written.read_text(encoding="utf-8")
        assert "Not ready" in text and "Write the back-out plan" in text
        assert PRIVATE_NOTE not in text


async def test_letter_keys_choose_audience_and_format(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_export(app, pilot)
        await pilot.press("f", "j")
        await pilot.pause()
        assert screen.query_one("#audience", RadioSet).pressed_button.id == "facilitator"
        assert screen.query_one("#format", RadioSet).pressed_button.id == "json"
        assert "do not forward" in plain(screen.query_one("#audience-note"))
        await pilot.press("enter")
        await settle(pilot)
        document = json.loads(screen.written.read_text(encoding="utf-8"))
        assert screen.written.name == f"{BASENAME}-facilitator.json"
        assert PRIVATE_NOTE in json.dumps(document)  # the facilitator's copy keeps private notes

        await pilot.press("p", "c", "enter")
        await settle(pilot)
        assert screen.written.name == f"{BASENAME}-participants.csv"
        with screen.written.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) > 1 and PRIVATE_NOTE not in screen.written.read_text(encoding="utf-8-sig")

        await pilot.press("h", "enter")
        await settle(pilot)
        html = screen.written.read_text(encoding="utf-8")
        assert screen.written.suffix == ".html" and "<svg" in html and PRIVATE_NOTE not in html


async def test_a_missing_folder_gives_a_one_line_error(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_export(app, pilot)
        await pilot.press("tab", "tab", "tab")  # audience, format, then the path (its text selected)
        assert screen.query_one("#out", Input).has_focus
        await pilot.press(*"nowhere/x.md", "enter")
        await settle(pilot)
        result = plain(screen.query_one("#result"))
        assert result.startswith("✗ output folder does not exist") and "\n" not in result
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
        await pilot.press("tab", "tab", "tab", *"r.md", "enter")  # relative to the working folder
        await settle(pilot)
        assert screen.written == tmp_path / "r.md" and "Not ready" in screen.written.read_text(encoding="utf-8")
        await pilot.press("escape")
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
    app = make_app(tmp_path)
    app.export_dir = Path("/srv/workshop/exports")  # a stable path for the snapshot; nothing is written
    return app


def test_snapshot_export_80x24(tmp_path: Path, snap_compare):
    app = fixed_app(tmp_path)

    async def run_before(pilot):
        await open_export(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_export_120x40(tmp_path: Path, snap_compare):
    """Facilitator's HTML chosen: the warning about private notes shows."""
    app = fixed_app(tmp_path)

    async def run_before(pilot):
        await open_export(app, pilot)
        await pilot.press("f", "h")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
