"""A laptop that dies mid-workshop loses nothing it reported saved; two writers never collide."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

from workshop.session import NewSession
from workshop.store import Store

from helpers import FIXTURE_SETS

QUESTIONS = ["pilot.kpi", "pilot.baseline", "pilot.sponsor", "ops.monitoring", "ops.backout"]


def make_session(path, bank) -> int:
    with Store.open(path) as store:
        return store.create_session(
            NewSession(organisation="A", initiative="B", facilitator="C", participants=(),
                       sets=("pilot", "ops")), bank)


def saved_notes(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {row[0] for row in conn.execute("SELECT new_value FROM answer_history WHERE field = 'note'")}
    finally:
        conn.close()


def kill_after(proc: subprocess.Popen, saves: int) -> list[str]:
    """Read 'saved' lines until `saves` have arrived, then SIGKILL the whole process group."""
    reported = []
    for line in proc.stdout:
        reported.append(line.strip())
        if len(reported) >= saves:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return reported


def test_sigkill_during_cli_answer_loop_loses_nothing_reported_saved(tmp_path, bank):
    db = tmp_path / "w.db"
    sid = make_session(db, bank)
    script = tmp_path / "loop.sh"
    script.write_text(textwrap.dedent(f"""
        for i in $(seq 1 500); do
          q=$(echo {' '.join(QUESTIONS)} | cut -d' ' -f$(( i % 5 + 1 )))
          "{sys.executable}" -m workshop --questionnaires "{FIXTURE_SETS}" --db "{db}" \\
              answer {sid} $q $(( i % 5 )) --note "note-$i" || exit 1
        done
    """))
    proc = subprocess.Popen(["bash", str(script)], stdout=subprocess.PIPE, text=True, start_new_session=True)
    reported = kill_after(proc, saves=6)
    assert all(line.startswith("saved ") for line in reported)
    notes = saved_notes(db)
    assert {f"note-{i}" for i in range(1, len(reported) + 1)} <= notes


WRITER = """
import sys
from workshop.session import AnswerChange
from workshop.store import Store

path, sid, tag, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
questions = {questions!r}
with Store.open(path) as store:
    for i in range(count):
        store.record_answer(sid, questions[i % len(questions)], AnswerChange(note=f"{{tag}}-{{i}}"))
        print(i, flush=True)
"""


def start_writer(path, sid, tag, count) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER.format(questions=QUESTIONS), str(path), str(sid), tag, str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def test_sigkill_in_a_tight_write_loop_keeps_every_reported_answer(tmp_path, bank):
    db = tmp_path / "w.db"
    sid = make_session(db, bank)
    proc = start_writer(db, sid, "tight", 100_000)
    reported = kill_after(proc, saves=300)
    notes = saved_notes(db)
    assert {f"tight-{line}" for line in reported} <= notes


def test_two_processes_writing_at_once_both_succeed(tmp_path, bank):
    db = tmp_path / "w.db"
    sid = make_session(db, bank)
    writers = [start_writer(db, sid, tag, 200) for tag in ("left", "right")]
    for proc in writers:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
    notes = saved_notes(db)
    assert {f"{tag}-{i}" for tag in ("left", "right") for i in range(200)} <= notes


def test_sigkill_of_the_phone_server_mid_stream_keeps_every_vote_a_phone_was_told_was_recorded(tmp_path):
    import threading

    import httpx

    from test_web_support import NAMES, PhoneServer, hostile_bank, seed_workshop

    bank = hostile_bank(tmp_path)
    db = tmp_path / "workshop.db"
    server = PhoneServer(db, seed_workshop(db, bank), bank).start(process=True)
    seated = server.seated(NAMES[:12], "pilot.kpi")
    phones = [phone for phone, _ in seated]
    sent: dict[str, list[int]] = {phone.name: [] for phone in phones}  # each phone's votes, in order
    told: dict[str, int] = {}  # the last of them the phone read "✓ Vote recorded" for
    enough = threading.Event()

    def keep_voting(phone, fields) -> None:
        for n in range(200):  # each phone changes its vote over and over until the server dies
            level = (n + len(phone.name)) % 5
            sent[phone.name].append(level)
            try:
                page = phone.post("/vote", {**fields, "level": str(level)})
            except httpx.HTTPError:
                return
            if f"✓ Vote recorded: {level}." in page.text:
                told[phone.name] = n
            if n >= 5 and len(told) == len(phones):
                enough.set()

    threads = [threading.Thread(target=keep_voting, args=pair) for pair in seated]
    for thread in threads:
        thread.start()
    assert enough.wait(30)
    os.kill(server.process.pid, signal.SIGKILL)  # mid-stream: other votes are on their way
    for thread in threads:
        thread.join(30)
    server.process.wait(10)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with server.store() as store:
        session = store.load_session(server.session_id)
        names = {p.id: p.name for p in session.participants}
        on_disk = {names[pid]: level for pid, level in session.open_round().levels().items()}
    assert len(told) == len(phones) and all(len(votes) < 200 for votes in sent.values())  # killed mid-stream
    for name, last in told.items():
        # On disk: the vote the phone was last told was recorded, or the one it sent next, which may
        # have been committed as the server died before its answer left (never an older one).
        assert on_disk[name] in sent[name][last:last + 2], (name, last, sent[name][last:last + 2], on_disk[name])
