"""The phone-vote server as participants use it: the real server on 127.0.0.1, driven over HTTP.

Every response any phone gets in these tests is checked when the test ends (`check_responses`):
no notes, private notes, evidence, answers, other questions, tracebacks or other people's votes.
"""

from __future__ import annotations

import html
import re
import threading

import markupsafe
import pytest

from test_web_support import HOSTILE_NAME, HOSTILE_PROMPT, NAMES, PhoneServer, hostile_bank, seed_workshop
from workshop.session import AnswerChange

from helpers import run_cli


@pytest.fixture
def bank(tmp_path):
    return hostile_bank(tmp_path)


@pytest.fixture
def server(tmp_path, bank):
    db = tmp_path / "workshop.db"
    running = PhoneServer(db, seed_workshop(db, bank), bank).start()
    yield running
    status, stderr = running.stop()
    assert status == 0, stderr
    assert stderr == "", stderr
    running.check_responses()


def main_text(response) -> str:
    """The page's visible words, for asserting what a participant reads."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.text, flags=re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body).split()))


def vote_in_db(server: PhoneServer, name: str) -> tuple[bool, int | None]:
    """(voted?, level) of a participant in the round phones vote on, read from the file."""
    with server.store() as store:
        session = store.load_session(server.session_id)
        voting = session.open_round() or session.rounds[-1]
        pid = next(p.id for p in session.participants if p.name == name)
        levels = voting.levels()
        return pid in levels, levels.get(pid)


def test_join_vote_change_reveal_and_see_the_spread_without_names(server):
    ann, bea = server.phone("Voter01"), server.phone("Voter02")
    page = ann.join()
    assert page.status_code == 200
    assert "Voting as Voter01" in main_text(page)
    assert "Waiting for the facilitator" in main_text(page)
    bea.join()

    with server.store() as store:
        store.open_round(server.session_id, "pilot.kpi")
    ballot = main_text(ann.get())
    assert "Are the success measures agreed?" in ballot
    for descriptor in ("None named.", "Proposed by the team.", "Discussed, no targets.", "Signed off with targets.",
                       "Used for a <b>go/no-go</b> call & more."):
        assert descriptor in ballot
    assert "Don't know" in ballot
    assert "Vote recorded" not in ballot

    page = ann.vote("1")
    assert page.status_code == 200 and str(page.url).endswith(server.base)  # back on the join link
    assert "✓ Vote recorded: 1." in main_text(page)
    assert vote_in_db(server, "Voter01") == (True, 1)  # committed before the page said so
    page = ann.vote("3")
    assert "✓ Vote recorded: 3." in main_text(page)
    assert 'aria-pressed="true"' in page.text.split('value="3"')[1].split(">")[0]
    assert vote_in_db(server, "Voter01") == (True, 3)
    assert "✓ Vote recorded: don't know." in main_text(bea.vote("dk"))
    assert vote_in_db(server, "Voter02") == (True, None)

    revealed = run_cli("reveal", str(server.session_id), db=server.db_path)
    assert revealed.returncode == 0, revealed.stderr
    spread = ann.get()
    text = main_text(spread)
    assert "The votes are in" in text and "2 votes. No names are shown." in text
    counts = [int(c) for c in re.findall(r'<span class="count">(\d+)</span>', spread.text)]
    assert counts == [0, 0, 0, 1, 0, 1]  # levels 0-4, then don't know
    assert "Signed off with targets. (your vote)" in text
    assert "Voter02" not in spread.text

    late = ann.post("/vote", {**ann.form(spread), "participant": "1", "round": "1", "level": "2"})
    assert late.status_code in (400, 409)
    assert vote_in_db(server, "Voter01") == (True, 3)

    with server.store() as store:
        store.settle_round(server.session_id, "pilot.kpi", AnswerChange.from_level_text("3"))
    assert "Waiting for the facilitator" in main_text(ann.get())


def test_a_vote_after_the_reveal_is_refused_and_the_phone_shows_the_room(server):
    ann = server.phone("Voter01")
    ann.join()
    with server.store() as store:
        store.open_round(server.session_id, "pilot.baseline")
    fields = ann.form()
    with server.store() as store:
        store.reveal_round(server.session_id)
    refused = ann.post("/vote", {**fields, "level": "2"})
    assert refused.status_code == 409
    assert "This vote has closed" in main_text(refused)
    assert "The votes are in" in main_text(refused)
    assert vote_in_db(server, "Voter01") == (False, None)


def test_a_name_stays_with_the_phone_that_claimed_it_until_released(server):
    ann, impostor = server.phone("Voter01"), server.phone()
    ann.join()
    taken = impostor.join("Voter01")
    assert taken.status_code == 409
    assert "Voter01 is taken on another phone" in main_text(taken)
    assert re.search(r'value="\d+" disabled>\s*<span class="text">Voter01 <small>\(on another phone\)', taken.text)
    assert "Voting as Voter01" in main_text(ann.get())

    second = ann.post("/join", {"csrf": ann.form()["csrf"], "participant": str(server.participant_id("Voter03"))})
    assert second.status_code == 409
    assert "already votes as Voter01" in main_text(second)  # one phone, one voter

    with server.store() as store:  # the facilitator releases the name
        store.release_participant(server.session_id, "Voter01")
    assert impostor.join("Voter01").status_code == 200
    assert "Who are you?" in main_text(ann.get())

    page = impostor.post("/leave", {"csrf": impostor.form()["csrf"]})  # "Not you?"
    assert "Who are you?" in main_text(page)
    with server.store() as store:
        assert store.claims(server.session_id) == {}


def test_names_and_question_text_are_shown_as_text_never_markup(server):
    phone = server.phone()
    join = phone.get()
    assert str(markupsafe.escape(HOSTILE_NAME)) in join.text and HOSTILE_NAME not in join.text
    phone.join("Voter05")
    with server.store() as store:
        store.open_round(server.session_id, "pilot.sponsor")
    ballot = phone.get()
    assert str(markupsafe.escape(HOSTILE_PROMPT)) in ballot.text and "<img" not in ballot.text
    assert HOSTILE_PROMPT in main_text(ballot)
    rogue = server.phone(HOSTILE_NAME)
    rogue.join()
    assert f"Voting as {HOSTILE_NAME}" in main_text(rogue.get())


def test_twenty_phones_vote_at_once_and_every_vote_is_recorded(server):
    seated = server.seated(NAMES[:20], "pilot.kpi")
    phones = [phone for phone, _ in seated]
    start = threading.Barrier(len(phones))
    results: dict[str, object] = {}

    def vote(phone, fields, level):
        start.wait()
        try:
            results[phone.name] = phone.post("/vote", {**fields, "level": str(level)})
        except Exception as exc:  # reported below, with the phone's name
            results[phone.name] = exc

    threads = [threading.Thread(target=vote, args=(p, f, n % 5)) for n, (p, f) in enumerate(seated)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    failures = {name: r for name, r in results.items() if not hasattr(r, "status_code") or r.status_code != 200}
    assert not failures and len(results) == 20
    assert all("✓ Vote recorded" in main_text(r) for r in results.values())
    with server.store() as store:
        session = store.load_session(server.session_id)
        levels = session.open_round().levels()
        names = {p.id: p.name for p in session.participants}
        assert {names[pid]: level for pid, level in levels.items()} == {
            name: n % 5 for n, name in enumerate(NAMES[:20])}


def test_the_facilitator_sees_who_voted_never_how_and_can_close_and_reopen_meanwhile(server):
    ann, bea = server.phone("Voter01"), server.phone("Voter02")
    ann.join()
    bea.join()
    facilitator = server.store()  # another window on the file: what the facilitator's app reads
    facilitator.open_round(server.session_id, "ops.monitoring")
    before = facilitator.data_version()
    ann.vote("4")
    assert facilitator.data_version() != before  # the app's watcher sees the phone's commit
    voting = facilitator.current_round(server.session_id)
    assert voting.question_id == "ops.monitoring"
    names = {p.id: p.name for p in facilitator.participants(server.session_id)}
    assert [names[pid] for pid in voting.voters] == ["Voter01"]
    facilitator.close()  # the app is closed while votes keep arriving
    bea.vote("0")
    ann.vote("2")
    with server.store() as reopened:
        levels = reopened.current_round(server.session_id).levels()
        assert sorted(names[pid] for pid in levels) == ["Voter01", "Voter02"]
        assert sorted(levels.values()) == [0, 2]


def test_a_live_page_learns_of_a_new_round_from_the_state_digest(server):
    ann = server.phone("Voter01")
    ann.join()
    before = ann.get("/state").json()["key"]
    assert ann.get("/state").json()["key"] == before
    assert f'data-key="{before}"' in ann.get().text
    with server.store() as store:
        store.open_round(server.session_id, "pilot.kpi")
    after = ann.get("/state").json()
    assert set(after) == {"key"} and after["key"] != before
    ann.vote("2")
    assert ann.get("/state").json()["key"] != after["key"]


def test_a_phone_keeps_its_name_when_the_server_is_restarted(server):
    ann = server.phone("Voter01")
    ann.join()
    cookies = dict(ann.client.cookies)
    status, stderr = server.stop()
    assert status == 0 and stderr == ""
    server.start()
    again = server.phone("Voter01")
    again.client.cookies.update(cookies)
    assert "Voting as Voter01" in main_text(again.get())


def test_a_vote_the_file_refuses_is_not_saved_and_never_reads_as_recorded(tmp_path, bank):
    db = tmp_path / "workshop.db"
    server = PhoneServer(db, seed_workshop(db, bank), bank).start()
    ann = server.phone("Voter01")
    ann.join()
    with server.store() as store:
        store.open_round(server.session_id, "pilot.kpi")
    ann.vote("1")
    with server.store() as store:  # the disk refuses every vote from now on (as a full disk would)
        store.db.execute("CREATE TRIGGER refuse BEFORE UPDATE ON round_votes BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    page = ann.vote("4")
    assert (page.status_code, page.text.strip()) == (503, "Not saved: the laptop could not write it. Try again.")
    assert "recorded" not in page.text.casefold()
    assert vote_in_db(server, "Voter01") == (True, 1)  # the vote committed before is still there, unchanged
    assert "✓ Vote recorded: 1." in main_text(ann.get())  # and the ballot shows what is on disk
    status, stderr = server.stop()
    assert status == 0 and stderr.startswith("workshop.web: error: POST /<token>/vote") and "disk full" in stderr
    assert len(stderr.splitlines()) == 1 and "Traceback" not in stderr
    server.check_responses()
