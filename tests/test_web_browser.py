"""A real browser at phone size (360x740): Debian's Chromium, driven by Playwright.

Join by the link, tap a name, tap a level, see "vote recorded", and find the vote in the database;
the page follows the room by itself (new round, reveal) where scripts run, and works with plain
form posts where they do not. Set WORKSHOP_SCREENSHOTS=DIR to keep a PNG of every page.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from test_web_support import PhoneServer, Seen, hostile_bank, seed_workshop
from workshop.web.security import Limits

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no browser: install Debian's chromium package for /usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def server(tmp_path):
    bank = hostile_bank(tmp_path)
    db = tmp_path / "workshop.db"
    # A live page asks every 0.2 s instead of 1.5 s: the same script, without the wait.
    running = PhoneServer(db, seed_workshop(db, bank), bank, limits=Limits(poll_ms=200)).start()
    yield running
    status, stderr = running.stop()
    assert (status, stderr) == (0, "")


@pytest.fixture(scope="module")
def browser():  # one Chromium for the module; each test opens its own context (cookies, scripts)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


class Shots:
    def __init__(self, page, prefix: str):
        self.page = page
        self.folder = os.environ.get("WORKSHOP_SCREENSHOTS")
        self.prefix = prefix

    def __call__(self, name: str) -> None:
        if self.folder:
            Path(self.folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(self.folder) / f"{self.prefix}-{name}.png"), full_page=True)


def fits_a_phone(page) -> None:
    """Nothing wider than the screen, every button big enough for a thumb."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for box in (b.bounding_box() for b in page.locator("button:visible").all()):
        assert box["height"] >= 44 and box["width"] >= 44


def keep(request) -> tuple:
    """What the browser received for a request, read at once: a body is gone once the page moves on
    (then None, as for a redirect, whose body the browser does not keep)."""
    response = request.response()
    body = None
    if response.status not in (301, 302, 303, 307, 308):
        with contextlib.suppress(Exception):
            body = response.text()
    return request.method, request.url, response.status, response.all_headers(), body


def remember(server: PhoneServer, responses: list[tuple], name: str) -> None:
    """Hand what the browser received to the server's response checks."""
    phone = SimpleNamespace(name=name)
    for method, url, status, headers, body in responses:
        if body is not None:
            server.seen.append(Seen(phone, method, url, status, httpx.Headers(headers), body))


def vote_of(server: PhoneServer, name: str):
    with server.store() as store:
        session = store.load_session(server.session_id)
        pid = next(p.id for p in session.participants if p.name == name)
        voting = session.open_round()
        return voting.levels().get(pid, "none") if voting else "no round"


def test_a_phone_joins_by_the_link_taps_a_level_and_the_vote_is_in_the_database(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    shot = Shots(page, "js")
    responses = []
    page.on("requestfinished", lambda request: responses.append(keep(request)))

    page.goto(server.url)
    assert page.locator("h1").inner_text() == "Who are you?"
    fits_a_phone(page)
    shot("1-join")
    page.get_by_role("button", name="Voter03").tap()
    page.get_by_text("Waiting for the facilitator").wait_for()
    assert page.get_by_text("Voting as Voter03").is_visible()
    shot("2-waiting")

    with server.store() as store:
        store.open_round(server.session_id, "pilot.kpi")
    page.get_by_text("Are the success measures agreed?").wait_for(timeout=10_000)  # no reload by hand
    fits_a_phone(page)
    shot("3-ballot")
    page.get_by_role("button", name=re.compile("Signed off with targets")).tap()
    page.get_by_text("✓ Vote recorded: 3.").wait_for()
    assert vote_of(server, "Voter03") == 3
    assert page.get_by_role("button", name=re.compile("Signed off with targets")).get_attribute("aria-pressed") == "true"
    shot("4-voted")
    page.get_by_role("button", name="Don't know").tap()
    page.get_by_text("✓ Vote recorded: don't know.").wait_for()
    assert vote_of(server, "Voter03") is None

    with server.store() as store:
        store.record_vote(server.session_id, "pilot.kpi", "Voter04", 1)
        store.reveal_round(server.session_id)
    page.get_by_text("The votes are in").wait_for(timeout=10_000)
    assert page.get_by_text("2 votes. No names are shown.").is_visible()
    fits_a_phone(page)
    shot("5-revealed")
    assert problems == []  # no script error, no Content-Security-Policy violation
    assert sum(url.endswith("/state") for _, url, *_ in responses) >= 2  # the live page polled
    assert sum("Vote recorded" in (body or "") for *_, body in responses) >= 2
    remember(server, responses, "Voter03")
    context.close()
    server.check_responses()  # every page and poll the browser got: nothing a phone may not see


def test_without_scripts_the_plain_forms_still_vote(server, browser):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    shot = Shots(page, "nojs")
    responses = []
    page.on("requestfinished", lambda request: responses.append(keep(request)))
    with server.store() as store:
        store.open_round(server.session_id, "pilot.sponsor")
    page.goto(server.url)
    page.get_by_role("button", name="Voter05").tap()
    page.get_by_text("Voting as Voter05").wait_for()
    assert page.get_by_role("link", name="Refresh").is_visible()  # stands in for the live updates
    page.get_by_role("button", name=re.compile("^1")).tap()
    page.get_by_text("✓ Vote recorded: 1.").wait_for()
    assert vote_of(server, "Voter05") == 1
    fits_a_phone(page)
    shot("ballot-with-markup-in-the-question")
    remember(server, responses, "Voter05")
    context.close()
    assert any("Vote recorded" in (body or "") for *_, body in responses)
    server.check_responses()  # every page the plain forms got: nothing a phone may not see
