"""The phone-vote server's parts on their own: QR code, addresses, keys, limits, error catching, and
what a phone may see, read straight from the store."""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import subprocess

import pytest

from workshop.session import AnswerChange
from workshop.web import ballots
from workshop.web.ballots import Stage
from workshop.web.qr import qr_lines
from workshop.web.security import CatchAll, DeviceKeys, RateLimiter, host_allowed, redact
from workshop.web.server import announcement, join_url, lan_address, public_address

URL = "http://192.168.1.20:8765/0123456789abcdefghijklmnopqrstuv"
HALVES = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}


def modules(lines: list[str]) -> list[list[bool]]:
    """The drawn modules, two rows per line."""
    rows: list[list[bool]] = []
    for line in lines:
        rows += [[HALVES[c][0] for c in line], [HALVES[c][1] for c in line]]
    return rows


@pytest.mark.parametrize("on_dark", [True, False])
def test_the_qr_code_draws_exactly_segnos_modules(on_dark):
    import segno

    expected = [[bool(m) != on_dark for m in row] for row in segno.make(URL, error="m").matrix_iter(border=2)]
    lines = qr_lines(URL, on_dark=on_dark)
    assert len({len(line) for line in lines}) == 1 and len(lines[0]) == len(expected)
    drawn = modules(lines)
    assert drawn[: len(expected)] == expected
    assert drawn[len(expected):] in ([], [[on_dark] * len(expected[0])])  # quiet zone padding
    assert len(lines) <= 25  # fits a terminal beside the text


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (Debian's zbar-tools) is not installed")
def test_a_scanner_reads_the_drawn_code(tmp_path):
    for on_dark in (True, False):
        dark = [[(not m) if on_dark else m for m in row] for row in modules(qr_lines(URL, on_dark=on_dark))]
        scale, margin = 6, 4
        width = len(dark[0]) + 2 * margin
        padded = [[False] * width] * margin + [[False] * margin + r + [False] * margin for r in dark]
        padded += [[False] * width] * margin
        image = tmp_path / f"code-{on_dark}.pbm"
        pixels = ["\n".join([" ".join("1" if m else "0" for m in row for _ in range(scale))] * scale) for row in padded]
        image.write_text(f"P1\n{width * scale} {len(padded) * scale}\n" + "\n".join(pixels) + "\n")
        result = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True)
        assert result.stdout.strip() == URL


@pytest.mark.parametrize(("host", "allowed"), [
    ("192.168.1.20:8765", True), ("127.0.0.1", True), ("localhost:8765", True), ("[::1]:8765", True),
    ("[fe80::1]", True), ("evil.example", False), ("evil.example:8765", False), ("192.168.1.20.nip.io", False),
    ("", False), (None, False), ("[::1", False), ("[::1]x", False), ("127.0.0.1:x", False), ("127.0.0.1:²", False),
    ("1" * 200, False),
])
def test_only_an_address_or_localhost_is_a_host(host, allowed):
    assert host_allowed(host) is allowed


def test_the_rate_limit_lets_a_burst_through_then_slows_to_the_rate():
    now = [0.0]
    limiter = RateLimiter(rate=2, burst=3, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") == 0  # each key its own bucket
    now[0] += 0.5
    assert limiter.take("a") == 0
    assert limiter.take("a") > 0
    now[0] += 60
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]  # never more than the burst saved up
    assert limiter.take("a") > 0


def test_the_rate_limit_forgets_the_longest_idle_keys():
    limiter = RateLimiter(rate=1, burst=1, max_keys=3, clock=lambda: 0.0)
    for key in "abcd":
        limiter.take(key)
    assert limiter.take("a") == 0  # forgotten: a full bucket again
    assert limiter.take("d") > 0


def test_device_cookies_are_signed_and_survive_a_restart():
    keys = DeviceKeys("token-one")
    device, cookie = keys.new_device()
    assert keys.device(cookie) == device
    assert DeviceKeys("token-one").device(cookie) == device  # same workshop, new process
    assert DeviceKeys("token-two").device(cookie) is None
    for forged in (None, "", device, device + ".", device + ".AAAA", "x" * 300, cookie + "x"):
        assert keys.device(forged) is None
    other, _ = keys.new_device()
    assert other != device
    assert keys.check_csrf(device, keys.csrf(device))
    assert not keys.check_csrf(device, keys.csrf(other))
    assert not keys.check_csrf(device, None)


def test_logs_never_carry_the_token():
    assert redact("/s3cret/vote") == "/<token>/vote"
    assert redact("/s3cret") == "/<token>"
    assert redact("/") == "/"


def test_an_unexpected_error_is_a_plain_500_and_one_log_line():
    logged: list[str] = []

    async def broken(scope, receive, send):
        raise RuntimeError("boom\nwith a second line")

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    app = CatchAll(broken, log=logged.append)
    asyncio.run(app({"type": "http", "method": "GET", "path": "/s3cret/vote", "headers": []}, receive, send))
    assert sent[0]["status"] == 500
    assert sent[1]["body"].decode().startswith("Something went wrong")
    assert logged == ["workshop.web: error: GET /<token>/vote: RuntimeError: boom with a second line"]


def test_join_links_and_addresses():
    assert join_url("192.168.1.20", 8765, "tok") == "http://192.168.1.20:8765/tok"
    assert join_url("fe80::1", 8765, "tok") == "http://[fe80::1]:8765/tok"
    assert public_address("127.0.0.1") == "127.0.0.1"
    address = lan_address()
    if address is not None:  # a machine with no network has none
        ip = ipaddress.ip_address(address)
        assert not ip.is_loopback and not ip.is_unspecified
    assert public_address("0.0.0.0") == (address or "127.0.0.1")


def test_the_announcement_says_whether_phones_can_reach_the_link():
    lan = announcement(3, "http://192.168.1.20:8765/tok", "0.0.0.0", 8765)
    assert lan.splitlines()[0] == "Phones join workshop 3 at http://192.168.1.20:8765/tok"
    assert "No camera? Type the address: http://192.168.1.20:8765/tok" in lan
    assert "Listening on all interfaces port 8765. Phones must be on the same network." in lan
    assert "No network found" in announcement(3, "http://127.0.0.1:8765/tok", "0.0.0.0", 8765)


# --- what a phone may see, straight from the store -------------------------------------


def test_a_phone_sees_join_then_waiting_ballot_spread_and_waiting_again(store, session_id):
    assert ballots.phone_view(store, session_id, None).stage is Stage.JOIN
    view = ballots.phone_view(store, session_id, "phone-a")
    assert view.stage is Stage.JOIN and [s.name for s in view.seats] == ["Bo", "Cy"]
    seat = ballots.claim(store, session_id, "phone-a", view.seats[0].id)
    assert ballots.phone_view(store, session_id, "phone-a").stage is Stage.WAITING
    other = ballots.phone_view(store, session_id, "phone-b")
    assert other.seats[0].taken and not other.seats[0].mine

    store.open_round(session_id, "pilot.kpi")
    ballot = ballots.phone_view(store, session_id, "phone-a")
    assert ballot.stage is Stage.BALLOT and len(ballot.levels) == 5 and not ballot.voted
    ballots.cast(store, session_id, "phone-a", seat.id, ballot.round_id, None)
    voted = ballots.phone_view(store, session_id, "phone-a")
    assert voted.voted and voted.my_level is None and voted.key != ballot.key

    store.record_vote(session_id, "pilot.kpi", "Cy", 2)
    store.reveal_round(session_id)
    spread = ballots.phone_view(store, session_id, "phone-a").spread
    assert spread.counts == (0, 0, 1, 0, 0) and spread.dont_know == 1 and spread.total == 2
    store.settle_round(session_id, "pilot.kpi", AnswerChange.from_level_text("2"))
    assert ballots.phone_view(store, session_id, "phone-a").stage is Stage.WAITING


def test_phones_vote_on_the_round_opened_last(store, session_id):
    ballots.claim(store, session_id, "phone-a", store.load_session(session_id).participants[0].id)
    store.open_round(session_id, "pilot.kpi")
    later = store.open_round(session_id, "ops.monitoring")
    view = ballots.phone_view(store, session_id, "phone-a")
    assert view.round_id == later.id
    assert store.current_round(session_id).question_id == "ops.monitoring"


def test_a_phone_cannot_vote_as_someone_else_or_in_a_closed_round(store, session_id):
    bo, cy = store.load_session(session_id).participants
    ballots.claim(store, session_id, "phone-a", bo.id)
    opened = store.open_round(session_id, "pilot.kpi")
    with pytest.raises(ballots.NotSeated):
        ballots.cast(store, session_id, "phone-a", cy.id, opened.id, 1)
    with pytest.raises(ballots.RoundClosed):
        ballots.cast(store, session_id, "phone-a", bo.id, opened.id + 1, 1)
    with pytest.raises(ValueError):
        ballots.cast(store, session_id, "phone-a", bo.id, opened.id, 5)
    with pytest.raises(ballots.UnknownParticipant):
        ballots.claim(store, session_id, "phone-b", 9999)
    with pytest.raises(ballots.NameTaken):
        ballots.claim(store, session_id, "phone-b", bo.id)
    with pytest.raises(ballots.AlreadySeated):
        ballots.claim(store, session_id, "phone-a", cy.id)
    assert store.load_session(session_id).open_round().votes == ()
    ballots.leave(store, session_id, "phone-a")
    assert store.claims(session_id) == {}
