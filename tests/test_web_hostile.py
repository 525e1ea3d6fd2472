"""Hostile requests to the real phone-vote server: each gets a short 4xx, never a traceback, and
changes nothing. One server serves the whole module; every response is checked for leaks after
each test, and the server's stderr must stay empty.
"""

from __future__ import annotations

import time

import httpx
import pytest

from test_web_support import PhoneServer, hostile_bank, seed_workshop
from workshop.session import NewSession, Participant


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    bank = hostile_bank(folder)
    db = folder / "workshop.db"
    running = PhoneServer(db, seed_workshop(db, bank), bank).start()
    yield running
    status, stderr = running.stop()
    assert status == 0
    assert stderr == "", stderr


@pytest.fixture
def server(served):
    """The module's server with no round open and no name claimed."""
    with served.store() as store:
        for _ in range(len(store.rounds(served.session_id))):
            if store.load_session(served.session_id).open_round() is None:
                break
            store.reveal_round(served.session_id)
        for pid in store.claims(served.session_id):
            store.release_participant(served.session_id, pid)
    yield served
    served.check_responses()


def seated(server: PhoneServer, name: str, question: str | None = None):
    """A phone that joined as `name`, with `question` open for voting, and its form fields."""
    phone = server.phone(name)
    assert phone.join().status_code == 200
    if question:
        with server.store() as store:
            store.open_round(server.session_id, question, again=True)
    return phone, phone.form()


def votes(server: PhoneServer) -> dict[int, int | None]:
    with server.store() as store:
        session = store.load_session(server.session_id)
        voting = session.open_round()
        return dict(voting.levels()) if voting else {}


def assert_short_refusal(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.text[:200])
    assert len(response.content) < 12_000  # a few lines of text, with the page's stylesheet
    assert "set-cookie" not in response.headers or status == 409


def test_every_request_needs_the_workshops_token(server):
    phone = server.phone()
    token = server.base[1:]
    for path in ("/", "/favicon.ico", f"/{token[:-1]}", f"/{token}x", f"/{token.swapcase()}", f"/x/{token}",
                 f"/{token[:-1]}/state", "/%00", "/" + "a" * 5000):
        response = phone.client.get(path)
        assert response.status_code in (404, 414, 431), path
        assert "set-cookie" not in response.headers
    for path in (f"/{token[:-1]}/join", f"/{token[:-1]}/vote", "/join"):
        assert phone.client.post(path, data={"csrf": "x"}).status_code in (404, 405)
    with server.store() as store:
        assert store.claims(server.session_id) == {}


def test_it_serves_one_workshop_and_another_ones_own_link_finds_nothing(server):
    with server.store() as store:  # a second workshop in the same file, with a join link of its own
        other = store.create_session(NewSession(organisation="Other Org", initiative="Other pilot", facilitator="Fay",
                                                participants=(Participant(name="Olga Other"),), sets=("pilot",)),
                                     server.bank)
        store.open_round(other, "pilot.kpi")
        token = store.phone_token(other)
    phone = server.phone()
    for path in (f"/{token}", f"/{token}/state"):
        response = phone.client.get(path)
        assert (response.status_code, response.text) == (404, "Not found."), path
    refused = phone.client.post(f"/{token}/join", data={"participant": "1"}, headers={"Origin": server.origin})
    assert refused.status_code == 404 and "Olga" not in refused.text
    assert "Olga Other" not in phone.get().text  # its own page names only its own people
    with server.store() as store:
        assert store.claims(other) == {}


def test_a_cross_site_form_post_is_refused(server):
    phone = server.phone()
    csrf = phone.form()["csrf"]
    target = {"csrf": csrf, "participant": str(server.participant_id("Voter01"))}
    assert_short_refusal(phone.post("/join", target, origin="http://evil.example"), 403)
    assert_short_refusal(phone.post("/join", target, origin="null"), 403)
    assert_short_refusal(phone.post("/join", target, origin=f"{server.origin}.evil.example"), 403)
    assert_short_refusal(phone.post("/join", target, origin=None, headers={"Referer": "http://evil.example/x"}), 403)
    with server.store() as store:
        assert store.claims(server.session_id) == {}


def test_a_form_needs_this_phones_csrf_token(server):
    phone, other = server.phone(), server.phone()
    target = {"participant": str(server.participant_id("Voter01"))}
    assert_short_refusal(phone.post("/join", target), 403)
    phone.get()
    assert_short_refusal(phone.post("/join", {**target, "csrf": "forged"}), 403)
    assert_short_refusal(phone.post("/join", {**target, "csrf": other.form()["csrf"]}), 403)  # another phone's
    with server.store() as store:
        assert store.claims(server.session_id) == {}


def test_a_post_needs_the_device_cookie_this_server_signed(server):
    phone = server.phone()
    fields = phone.form()
    device = phone.client.cookies["workshop_device"]
    target = {"csrf": fields["csrf"], "participant": str(server.participant_id("Voter01"))}
    phone.client.cookies.clear()
    assert_short_refusal(phone.post("/join", target), 403)
    forged = device.split(".")[0] + ".AAAAAAAAAAAAAAAAAAAAAAAA"
    phone.client.cookies.set("workshop_device", forged)
    assert_short_refusal(phone.post("/join", target), 403)
    with server.store() as store:
        assert store.claims(server.session_id) == {}


def test_a_forged_participant_is_refused(server):
    phone, fields = seated(server, "Voter01", "pilot.kpi")
    other = str(server.participant_id("Voter02"))
    assert_short_refusal(phone.post("/vote", {**fields, "participant": other, "level": "4"}), 403)
    assert votes(server) == {}
    stranger = server.phone()
    csrf = stranger.form()["csrf"]
    for participant in ("999999", "abc", "-1", "", "1.0", "²"):
        response = stranger.post("/join", {"csrf": csrf, "participant": participant})
        assert_short_refusal(response, 400)
    with server.store() as store:
        assert list(store.claims(server.session_id)) == [server.participant_id("Voter01")]


def test_a_vote_when_no_round_is_open_is_refused(server):
    phone, fields = seated(server, "Voter01")
    refused = phone.post("/vote", {**fields, "participant": str(server.participant_id("Voter01")), "round": "1",
                                   "level": "2"})
    assert_short_refusal(refused, 409)
    assert "This vote has closed" in refused.text
    with server.store() as store:
        old = store.rounds(server.session_id)[0]  # revealed and settled long ago
        store.open_round(server.session_id, "pilot.baseline", again=True)
    fields = phone.form()
    assert_short_refusal(phone.post("/vote", {**fields, "round": str(old.id), "level": "2"}), 409)
    assert votes(server) == {}


def test_a_level_outside_0_to_4_is_refused(server):
    phone, fields = seated(server, "Voter01", "pilot.kpi")
    for level in ("5", "-1", "abc", "", " 3", "3.0", "04", "None", "dontknow"):
        assert_short_refusal(phone.post("/vote", {**fields, "level": level}), 400)
    assert_short_refusal(phone.post("/vote", fields), 400)  # no level at all
    assert votes(server) == {}
    assert phone.post("/vote", {**fields, "level": "4"}).status_code == 200
    assert list(votes(server).values()) == [4]


def test_a_huge_body_is_refused_before_it_is_read(server):
    phone, fields = seated(server, "Voter01", "pilot.kpi")
    started = time.monotonic()
    big = phone.post("/vote", {**fields, "level": "2", "pad": "x" * 1_000_000})
    assert_short_refusal(big, 413)

    def chunks():
        yield b"csrf=" + fields["csrf"].encode() + b"&level=2&pad="
        for _ in range(100):
            yield b"y" * 1000

    chunked = phone.post("/vote", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_short_refusal(chunked, 413)
    assert time.monotonic() - started < 5
    assert votes(server) == {}


def test_long_fields_and_too_many_fields_are_refused(server):
    phone, fields = seated(server, "Voter01", "pilot.kpi")
    assert_short_refusal(phone.post("/vote", {**fields, "level": "2", "note": "n" * 500}), 400)
    assert_short_refusal(phone.post("/vote", {**fields, "level": "2" + " " * 200}), 400)
    assert_short_refusal(phone.post("/vote", {**fields, "level": "2", **{f"f{n}": "1" for n in range(20)}}), 400)
    multipart = phone.post("/vote", files={"level": ("a.txt", b"2")}, data=fields)
    assert_short_refusal(multipart, 415)
    assert votes(server) == {}


def test_a_foreign_host_name_is_refused(server):
    phone = server.phone()
    for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1.nip.io", "", "[::1", "[::1]x",
                 "127.0.0.1:x"):
        assert phone.get(headers={"Host": host}).status_code == 400, host
    assert phone.get(headers={"Host": f"localhost:{server.port}"}).status_code == 200


def test_wrong_methods_are_refused(server):
    phone = server.phone()
    assert phone.get("/vote").status_code == 405
    assert phone.client.put(server.base).status_code == 405
    assert phone.client.delete(server.base + "/join").status_code == 405


def test_a_phone_that_floods_is_slowed_and_then_let_back_in(server):
    phone = server.phone()
    phone.get()  # now it has a device cookie: the device's own limit applies first
    statuses = [phone.get("/state").status_code for _ in range(100)]  # 40 at once, then 8 a second
    assert statuses.count(200) >= 40 and 429 in statuses
    limited = next(r for r in (phone.get("/state") for _ in range(5)) if r.status_code == 429)
    wait = int(limited.headers["retry-after"])
    assert 1 <= wait <= 2
    time.sleep(wait)
    assert phone.get("/state").status_code == 200

    anonymous = server.phone()  # no cookie: its address's limit
    statuses = []
    for _ in range(250):  # 80 at once, then 20 a second
        anonymous.client.cookies.clear()
        statuses.append(anonymous.get("/state").status_code)
    assert statuses.count(200) >= 80 and 429 in statuses
    other = server.phone()  # another address in the room is not slowed
    assert other.get().status_code == 200
