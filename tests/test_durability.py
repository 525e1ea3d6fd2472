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
