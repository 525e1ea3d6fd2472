"""Killing the app, as a dead laptop or a closed terminal would, loses no answer shown as saved."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sqlite3
import struct
import sys
import time

import pytest

from workshop.demo import create_demo
from workshop.store import Store

from tui_harness import TODAY, builtin_bank

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")


def spawn(db, columns=120, rows=40):
    """`python -m workshop` on a pseudo-terminal, as a facilitator starts it."""
    pid, fd = pty.fork()
    if pid == 0:
        import fcntl
        import termios

        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {**os.environ, "WORKSHOP_DB": str(db), "TERM": "xterm-256color"}
        os.execve(sys.executable, [sys.executable, "-m", "workshop"], env)
    return pid, fd


def wait_for(fd, text: str, timeout: float = 30) -> None:
    seen = b""
    give_up = time.monotonic() + timeout
    while text.encode() not in ANSI.sub(b"", seen):
        if time.monotonic() > give_up:
            raise AssertionError(f"{text!r} never drawn; last screen: {ANSI.sub(b'', seen)[-400:]!r}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                raise AssertionError(f"the app exited before drawing {text!r}") from None


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_sigkill_right_after_saved_is_drawn_keeps_the_answer(tmp_path):
    db = tmp_path / "workshop.db"
    with Store.open(db) as store:
        session_id = create_demo(store, builtin_bank(), today=TODAY)
        question = next(q.id for q in store.bank(session_id).questions() if not store.load_session(session_id)
                        .answer(q.id).answered)
    pid, fd = spawn(db)
    try:
        wait_for(fd, "Northwind Insurance")
        os.write(fd, b"\r")  # open the demo workshop, at its first open question
        wait_for(fd, "answered")
        os.write(fd, b"3")
        wait_for(fd, "saved level 3")
    finally:
        os.kill(pid, signal.SIGKILL)  # no clean exit: nothing gets a chance to flush
        os.waitpid(pid, 0)
        os.close(fd)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        row = conn.execute("SELECT status, level FROM answers WHERE session_id = ? AND question_id = ?",
                           [session_id, question]).fetchone()
    finally:
        conn.close()
    assert row == ("level", 3)
