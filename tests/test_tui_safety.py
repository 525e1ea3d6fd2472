"""The app never crashes on data, never draws text as markup, never sends a control sequence.

Issue 8's classes in the app, each with notifications rendered: hostile names and question-set
titles (markup, links, escape sequences, bidi overrides), a connection that refuses writes (a real
`PRAGMA query_only`, not a monkeypatch), a database deleted while the app is open, a read-only file,
and a background worker that fails.
"""

from __future__ import annotations

import sqlite3

from textual.widgets import DataTable, Tree

from workshop.questionnaire import builtin_dir, load_paths
from workshop.store import Store

from helpers import FIXTURE_SETS
from tui_harness import FrozenClock, TestApp, fill_in, make_app, plain, settle, until

HOSTILE = "Acme [Holding] AG [/] [@click=app.quit]click me[/] [b]bold \x1b]0;pwned\x07\x1b[2J\u202eevil"
CONTROL = ("\x1b", "\x07", "\u202e")


def drawn(app) -> str:
    """Everything the screen's widgets draw, as text: statics, labels, table cells, tree labels."""
    texts = [app.title, app.sub_title]
    for widget in app.screen.query("*"):
        if isinstance(widget, DataTable):
            texts += [str(cell) for row in widget.rows for cell in widget.get_row(row)]
        elif isinstance(widget, Tree):
            nodes = [widget.root]
            while nodes:
                node = nodes.pop()
                texts.append(str(node.label))
                nodes.extend(node.children)
        else:
            rendered = widget.render()
            texts.append(getattr(rendered, "plain", "") or (rendered if isinstance(rendered, str) else ""))
    return "\n".join(texts)


def hostile_names(db_path) -> None:
    """Write hostile text straight into the file, as another tool (or an older version) could."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE sessions SET organisation = ?, initiative = ?", [HOSTILE, HOSTILE])
        conn.execute("UPDATE participants SET name = name || ?", [" " + HOSTILE])
        conn.execute("UPDATE answers SET note = ?, private_note = ?", [HOSTILE, HOSTILE])


async def test_hostile_names_are_drawn_as_typed_never_as_markup_or_control_codes(tmp_path):
    app = make_app(tmp_path)
    hostile_names(tmp_path / "workshop.db")
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await settle(pilot)
        home = drawn(app)
        assert "Acme [Holding] AG [/]" in home and "[@click=app.quit]click me[/]" in home
        await pilot.press("a")  # archive: its notification carries the name
        await settle(pilot)
        assert app.is_running and any("[Holding]" in n.message for n in app._notifications)
        await pilot.press("a", "enter")  # restore, open
        await settle(pilot)
        await pilot.press("h")  # private notes shown too
        await settle(pilot)
        screens = [drawn(app)]
        for key in ("d", "escape", "a", "escape", "w", "escape", "f1", "escape"):
            await pilot.press(key)
            await settle(pilot)
            screens.append(drawn(app))
        assert app.is_running
    everything = "\n".join(screens + [home] + [n.message + n.title for n in app._notifications])
    assert "[Holding]" in everything and "[b]bold" in everything
    assert not any(c in everything for c in CONTROL)


async def test_a_question_set_with_markup_and_escapes_in_its_titles_works(tmp_path):
    sets = tmp_path / "sets"
    sets.mkdir()
    text = (FIXTURE_SETS / "pilot.toml").read_text()
    text = text.replace('title = "Pilot"', 'title = "[/]Pilot [b]x \\u001b[2J"', 1)
    text = text.replace('title = "Value"', 'title = "Value [@click=app.quit]q[/]"', 1)
    (sets / "pilot.toml").write_text(text)
    bank = load_paths([sets, builtin_dir()]).bank
    assert bank.get_set("pilot").title.startswith("[/]")  # validate lets it through: it is data
    store = Store.open(tmp_path / "w.db")
    clock = FrozenClock()
    app = TestApp(store, bank, export_dir=tmp_path, clock=clock, wall_clock=clock.wall)
    async with app.run_test(size=(120, 45), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the new-workshop form lists the sets by title
        await settle(pilot)
        assert "[/]Pilot [b]x" in drawn(app)
        app.screen.query_one("#organisation").value = "Acme"
        app.screen.query_one("#initiative").value = "Claims"
        app.screen.query_one("#facilitator").value = "Ann"
        app.screen.query_one("#set-pilot").value = True
        for other in ("business", "technical", "organizational"):
            app.screen.query_one(f"#set-{other}").value = False  # the pilot set and risk
        await pilot.press("f2")
        await settle(pilot)
        walk = drawn(app)
        assert app.screen.SCREEN_NAME == "walkthrough" and "[/]Pilot [b]x" in walk
        assert "Value [@click=app.quit]q[/]" in walk and not any(c in walk for c in CONTROL)
        assert app.screen.located.set.id == "risk"
        await pilot.press("4", "d")  # risk ahead: the dashboard names the pilot set as the weakest
        await settle(pilot)
        assert app.screen.SCREEN_NAME == "dashboard"
        title = app.screen.query_one("#scores-panel")._border_title.plain  # as drawn on the panel's border
        assert title == "Scores per set · weakest: [/]Pilot [b]x [2J (0)"  # shown as typed, the escape dropped


async def test_a_connection_that_refuses_writes_is_reported_and_the_app_keeps_running(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.store.db.execute("PRAGMA query_only=1")  # every write now fails in SQLite itself
        await pilot.press("a")  # archive
        await settle(pilot)
        assert any(n.title == "Not saved" for n in app._notifications)
        await pilot.press("d")  # a demo workshop: refused, nothing opened
        await settle(pilot)
        assert app.screen.SCREEN_NAME == "home"
        await pilot.press("enter")  # reading still works
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert "NOT saved" in plain(app.screen.query_one("#status"))
        await pilot.press("escape", "n")  # a new workshop: the form keeps what was typed
        await settle(pilot)
        await fill_in(pilot, "Acme", "Claims", "Ann")
        await pilot.press("f2")
        await settle(pilot)
        assert any(n.title == "Workshop not created" for n in app._notifications)
        assert app.screen.SCREEN_NAME == "new" and app.screen.query_one("#organisation").value == "Acme"
        assert app.is_running
    app.store.db.execute("PRAGMA query_only=0")
    assert [s.status.value for s in app.store.list_sessions()] == ["active"]


async def test_a_database_deleted_while_the_app_is_open_is_never_shown_as_saved(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        (tmp_path / "workshop.db").unlink()
        await pilot.press("3")
        await settle(pilot)
        status = plain(app.screen.query_one("#status"))
        assert "NOT saved" in status
        assert any("moved, replaced or deleted" in n.message for n in app._notifications)
        await pilot.press("right", "4")  # and every later key too
        await settle(pilot)
        assert "NOT saved" in plain(app.screen.query_one("#status"))


async def test_a_read_only_database_opens_read_only_and_says_so(tmp_path):
    seeded = make_app(tmp_path)  # the demo workshop, then the file is opened for reading only
    seeded.store.close()
    store = Store.open_for_reading(tmp_path / "workshop.db")
    clock = FrozenClock()
    app = TestApp(store, seeded.bank, export_dir=tmp_path, clock=clock, wall_clock=clock.wall)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in app.sub_title
        assert any("Nothing can be changed" in n.message for n in app._notifications)
        await pilot.press("enter")
        await settle(pilot)
        assert "READ-ONLY" in plain(app.screen.query_one("#privacy"))
        await pilot.press("3")
        await settle(pilot)
        assert "NOT saved" in plain(app.screen.query_one("#status"))
        assert any("read-only" in n.message for n in app._notifications)


async def test_a_verdict_that_cannot_be_worked_out_is_reported_not_left_as_dots(tmp_path):
    make_app(tmp_path).store.close()  # the demo workshop
    with sqlite3.connect(tmp_path / "workshop.db") as conn:  # then its question sets, damaged
        conn.execute("UPDATE snapshots SET content = ?", ['{"sets": "broken"}'])
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        table = app.screen.query_one("#workshops")
        await until(pilot, lambda: str(table.get_cell("1", "verdict")) == "? (failed)")  # a worker's thread
        assert any("failed" in n.title for n in app._notifications)
        assert app.is_running
        await pilot.press("enter")  # opening it: said, and the app stays on the list
        await settle(pilot)
        [opening] = [n for n in app._notifications if n.title == "Cannot open the workshop"]
        assert "could not be read" in opening.message
        assert app.is_running and app.screen.SCREEN_NAME == "home"


async def test_a_keymap_in_the_settings_file_remaps_keys_and_names_an_unknown_id(tmp_path):
    from workshop.config import load_config

    settings = tmp_path / "config.toml"
    settings.write_text('[keymap]\n"walk.next" = "l"\n"walk.prev" = "y,left"\n"walk.nope" = "z"\n')
    config = load_config(settings)
    assert config.problems == () and config.keymap["walk.next"] == "l"
    app = make_app(tmp_path)
    app._keymap_wanted = config.keymap
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert any("walk.nope" in n.message for n in app._notifications)
        await pilot.press("enter")
        await settle(pilot)
        start = app.screen.index
        await pilot.press("l")
        await settle(pilot)
        assert app.screen.index == start + 1
        await pilot.press("f1")
        await settle(pilot)
        assert "l            Next question" in drawn(app)
    assert load_config(tmp_path / "missing.toml").keymap == {}
    broken = tmp_path / "broken.toml"
    broken.write_text("[keymap\n")
    assert "not valid TOML" in load_config(broken).problems[0]
