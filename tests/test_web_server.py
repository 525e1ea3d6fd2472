"""Starting and stopping the phone-vote server: what it prints, what it records, how it refuses.

`workshop serve` is what a facilitator runs, and what the facilitator's app starts as a child process.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from test_web_support import PhoneServer, free_port, hostile_bank, port_open, seed_workshop, wait_for
from workshop.store import Store
from workshop.web import launch


@pytest.fixture
def seeded(tmp_path):
    bank = hostile_bank(tmp_path)
    db = tmp_path / "workshop.db"
    return db, seed_workshop(db, bank), bank


def serve_cli(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    """`workshop serve ARGS`; a --db given among them goes before the command, where it belongs."""
    args_list = list(args)
    front: list[str] = []
    if "--db" in args_list:
        i = args_list.index("--db")
        front = args_list[i : i + 2]
        del args_list[i : i + 2]
    return subprocess.run([sys.executable, "-m", "workshop", *front, "serve", *args_list], capture_output=True,
                          text=True, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, status: int, *words: str) -> None:
    assert result.returncode == status, (result.returncode, result.stderr)
    assert result.stderr.startswith("workshop: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_it_prints_the_link_a_qr_code_and_the_address_and_records_the_link(seeded):
    db, sid, bank = seeded
    server = PhoneServer(db, sid, bank).start(process=True)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert len(server.base) > 30  # the token: unguessable
        output = wait_for(lambda: "".join(server.output) if "Stop with Ctrl+C" in "".join(server.output) else "")
        qr = [line for line in output.splitlines() if "█" in line]
        assert len(qr) >= 15 and len({len(line) for line in qr}) == 1
        assert f"No camera? Type the address: {server.url}" in output
        assert "only this laptop can open the link" in output  # it listens on 127.0.0.1
        with Store.open(db) as store:
            assert store.vote_server(sid) == (server.url, server.process.pid)
            assert launch.running(store, sid) == (server.url, server.process.pid)
            assert store.phone_token(sid) == server.base[1:]
    finally:
        status, stderr = server.stop()
    assert (status, stderr) == (0, "")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_it_clears_the_record_and_closes_the_port(seeded, sig):
    db, sid, bank = seeded
    server = PhoneServer(db, sid, bank).start(process=True)
    phone = server.phone("Voter01")
    phone.join()
    idle = httpx.Client(base_url=server.origin)  # a phone keeping its connection open
    idle.get(server.base)
    started = time.monotonic()
    status, stderr = server.stop(sig)
    idle.close()
    assert (status, stderr) == (0, "")
    assert time.monotonic() - started < 5
    assert not port_open(server.port)
    with Store.open(db) as store:
        assert store.vote_server(sid) is None
        assert launch.running(store, sid) is None
        assert len(store.claims(sid)) == 1  # names stay claimed for the next start


def test_the_apps_stop_helper_stops_it(seeded):
    db, sid, bank = seeded
    server = PhoneServer(db, sid, bank).start(process=True)
    with Store.open(db) as store:
        _, pid = wait_for(lambda: launch.running(store, sid))
    launch.stop(pid)
    assert server.process.wait(10) == 0
    assert not port_open(server.port)
    launch.stop(pid)  # already gone: nothing happens


def test_a_killed_server_leaves_a_record_that_no_longer_counts(seeded):
    db, sid, bank = seeded
    server = PhoneServer(db, sid, bank).start(process=True)
    server.process.kill()
    server.process.wait(10)
    with Store.open(db) as store:
        assert store.vote_server(sid) is not None
        assert launch.running(store, sid) is None
    again = PhoneServer(db, sid, bank).start(process=True)  # and a new one starts over it
    assert again.stop() == (0, "")


def test_one_workshop_is_served_once(seeded):
    db, sid, bank = seeded
    server = PhoneServer(db, sid, bank).start(process=True)
    try:
        second = serve_cli(str(sid), "--db", str(db), "--host", "127.0.0.1", "--port", "0")
        assert_one_line_error(second, 1, f"workshop {sid} is already served at {server.url}")
    finally:
        assert server.stop() == (0, "")


def test_a_port_in_use_is_one_line(seeded):
    db, sid, _ = seeded
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve_cli(str(sid), "--db", str(db), "--host", "127.0.0.1", "--port", str(port))
    assert_one_line_error(result, 1, f"port {port} is in use", "--port")
    with Store.open(db) as store:
        assert store.vote_server(sid) is None


def test_an_unknown_workshop_or_a_foreign_file_is_one_line(seeded, tmp_path):
    db, _, _ = seeded
    assert_one_line_error(serve_cli("999", "--db", str(db), "--port", str(free_port())), 1, "no workshop with id 999")
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database")
    assert_one_line_error(serve_cli("1", "--db", str(foreign), "--port", str(free_port())), 1, "not a workshop database")
    assert foreign.read_text() == "not a database"


def test_usage_problems_exit_2(seeded):
    db, sid, _ = seeded
    assert_one_line_error(serve_cli("--db", str(db)), 2, "SESSION")
    assert_one_line_error(serve_cli("one", "--db", str(db)), 2, "'one'")
    assert_one_line_error(serve_cli(str(sid), "--db", str(db), "--port", "http"), 2, "'http'")
    assert_one_line_error(serve_cli(str(sid), "--db", str(db), "--port", "70000"), 2, "0<=x<=65535")
    assert_one_line_error(serve_cli(str(sid), "--db", str(db), "--host", "laptop.example"), 2, "not an IP address")
    assert_one_line_error(serve_cli(str(sid), "--db", str(db), "--host", "192.0.2.1", "--port", "0"), 2,
                          "not an IP address of this laptop")


def test_it_serves_until_stopped_even_if_the_facilitators_app_exits(seeded):
    """The app starts the server as its own process: the app's end is not the server's."""
    db, sid, _ = seeded
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys; from workshop.web import launch; "
         f"p = subprocess.Popen(launch.command({sid}, sys.argv[1], '127.0.0.1', 0), stdout=subprocess.DEVNULL, "
         "start_new_session=True); print(p.pid, flush=True)", str(db)],
        stdout=subprocess.PIPE, text=True)
    pid = int(parent.stdout.readline())
    parent.wait(10)
    try:
        with Store.open(db) as store:
            url, recorded = wait_for(lambda: launch.running(store, sid), timeout=10)
        assert recorded == pid
        assert httpx.get(url).status_code == 200
    finally:
        os.kill(pid, signal.SIGTERM)
    with Store.open(db) as store:
        wait_for(lambda: store.vote_server(sid) is None, timeout=10)


def test_a_database_that_fails_under_the_server_is_a_plain_503_and_one_line_never_a_traceback(seeded):
    db, sid, bank = seeded
    server = PhoneServer(db, sid, bank).start(process=True)
    phone = server.phone()
    assert phone.get().status_code == 200
    with sqlite3.connect(db) as conn:  # the file changes under the server's feet
        conn.execute("ALTER TABLE participants RENAME TO people")
    broken = phone.get()
    assert broken.status_code == 503
    assert broken.text.strip() == "The laptop could not read the workshop. Try again."
    assert broken.headers["cache-control"] == "no-store"
    assert phone.get("/state").status_code == 503
    status, stderr = server.stop()
    assert status == 0
    lines = stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("workshop.web: error: GET /<token>") for line in lines), stderr
    assert "no such table: participants" in lines[0]
    assert server.base[1:] not in stderr and "Traceback" not in stderr
