"""Voting from phones, from the facilitator's app: `m` starts the server (its own process), the app
shows the join link and QR code, a phone in Chromium joins and votes, and the vote panel counts it.

The server is a real process and Chromium a real browser, so these tests wait for them, each wait
bounded (never a fixed sleep).
"""

from __future__ import annotations

import os
import re
import signal
import socket
from pathlib import Path

import pytest

from workshop.tui.widgets.phones import PhonesScreen

from tui_harness import make_app, plain, settle, until

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


def phones_app(tmp_path, port: int = 0):
    app = make_app(tmp_path)
    app.phone_port = port  # any free port: tests run side by side
    return app


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no browser: install Debian's chromium package for /usr/bin/chromium")
async def test_m_starts_the_server_a_phone_votes_and_the_app_counts_it_then_m_stops_it(tmp_path):
    async_api = pytest.importorskip("playwright.async_api")
    app = phones_app(tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the demo workshop
        await settle(pilot)
        walk = app.screen
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, PhonesScreen))
        join = app.screen
        assert "█" in plain(join.query_one("#phones-qr"))  # the QR code, drawn in the terminal
        url = re.search(r"http://\S+", plain(join.query_one("#phones-url")))[0]
        assert "phones on" in plain(walk.query_one("#privacy"))
        await pilot.press("escape", "v")  # open a vote on the question on screen
        await settle(pilot)
        assert "0 of 3 have voted" in plain(walk.query_one("#votes"))

        async with async_api.async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = await browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
            await page.goto(url)
            await page.get_by_role("button", name="Tom Berger").tap()
            await page.get_by_text(walk.located.question.prompt).wait_for(timeout=10_000)
            await page.get_by_role("button", name=re.compile(re.escape(walk.located.question.levels[2]))).tap()
            await page.get_by_text("✓ Vote recorded: 2.").wait_for()
            await browser.close()

        await until(pilot, lambda: "1 of 3 have voted" in plain(walk.query_one("#votes")))
        text = plain(walk.query_one("#votes"))
        assert "Tom Berger" in text and "level 2" not in text  # who voted, never what
        await pilot.press("m")  # stop, after a confirmation
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: "phones on" not in plain(walk.query_one("#privacy")))
    round_ = app.store.load_session(1).latest_round(walk.question_id)
    assert [(v.participant_id, v.level) for v in round_.votes] == [(2, 2)]


async def test_a_server_that_cannot_start_is_reported_and_the_app_carries_on(tmp_path):
    taken = socket.socket()
    taken.bind(("0.0.0.0", 0))
    taken.listen()
    app = phones_app(tmp_path, port=taken.getsockname()[1])
    try:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("m")
            await until(pilot, lambda: any("Phones could not start" in n.title for n in app._notifications))
            message = next(n.message for n in app._notifications if "Phones could not start" in n.title)
            assert "in use" in message and "Traceback" not in message
            await pilot.press("3")  # the app carries on
            await settle(pilot)
            assert app.store.load_session(1).answer(app.screen.question_id).level == 3
    finally:
        taken.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


async def test_phones_are_off_until_m_and_a_server_that_dies_later_is_reported_once(tmp_path):
    port = free_port()
    app = phones_app(tmp_path, port=port)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        walk = app.screen
        await pilot.press("v", "escape")  # a vote, keyed on the laptop: no server for that
        await settle(pilot)
        assert not listening(port) and app.store.vote_server(1) is None  # nothing serves until asked
        assert "phones on" not in plain(walk.query_one("#privacy"))

        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, PhonesScreen))
        await pilot.press("escape")
        await until(pilot, lambda: "phones on" in plain(walk.query_one("#privacy")))
        assert listening(port)
        _, pid = app.store.vote_server(1)
        os.kill(pid, signal.SIGKILL)  # the server crashes; the app must not
        await until(pilot, lambda: any(n.title == "Phones stopped" for n in app._notifications))
        [stopped] = [n for n in app._notifications if n.title == "Phones stopped"]
        assert "killed by signal 9" in stopped.message and "press m to start it again" in stopped.message
        await until(pilot, lambda: "phones on" not in plain(walk.query_one("#privacy")))
        await pilot.press("3")  # the app carries on
        await settle(pilot)
        assert app.store.load_session(1).answer(walk.question_id).level == 3
        assert sum(n.title == "Phones stopped" for n in app._notifications) == 1


async def test_the_join_pop_up_frees_a_name_taken_on_a_phone(tmp_path):
    app = make_app(tmp_path)
    app.store.set_vote_server(1, "http://192.0.2.2:8765/token", os.getpid())  # a server that runs
    tom = next(p for p in app.store.load_session(1).participants if p.name == "Tom Berger")
    assert app.store.claim_participant(1, tom.id, "a lost phone")
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "phones on" in plain(app.screen.query_one("#privacy"))  # a server started elsewhere
        await pilot.press("i")
        await settle(pilot)
        holders = plain(app.screen.query_one("#phones-holders"))
        assert "Tom Berger ● phone" in holders and "Priya Shah ○" in holders
        await pilot.press("2")  # Tom is the second participant
        await settle(pilot)
        assert "Tom Berger ○" in plain(app.screen.query_one("#phones-holders"))
    assert app.store.claims(1) == {}
