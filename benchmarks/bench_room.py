"""The room view: facilitator key -> room view redrawn with the change, and the room view's idle CPU.

Run: .venv/bin/python benchmarks/bench_room.py [--moves 50] [--votes 8] [--idle 10]
Prints figures; asserts nothing. Goals (issue 9): p95 under 500 ms, idle CPU under 2%.

Two processes on one database, each on its own pseudo-terminal, as a facilitator runs them: the
facilitator's app (`workshop`, 120x40) on the demo workshop's walk-through, and the room view
(`workshop room 1`, 80x24). A key is written to the facilitator's terminal and the clock stops when
the change appears in what the room view wrote to its terminal (escape sequences stripped):

- moves: `→` until "Question N of" shows the next question;
- votes: on a question never voted on, `v` ("0 of 3 have voted"), `1` three times ("1 of 3", "2 of 3",
  "3 of 3"), `r` ("Votes revealed"), `enter` settling the unanimous vote ("Agreed   level 1").

Keys are pressed at a random moment (50-300 ms after the last change was drawn), so they land at
every phase of the room's poll of the database (every 250 ms), as a facilitator's keys would.
Then, with both windows open and nothing pressed (the time box still counting in both), the room
view's CPU time over `--idle` seconds is read from /proc/<pid>/stat; the facilitator's app is
measured alongside for comparison.
"""

from __future__ import annotations

import argparse
import os
import pty
import random
import re
import select
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from workshop.demo import create_demo
from workshop.questionnaire import builtin_dir, load_paths
from workshop.store import Store

ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
RIGHT, ENTER = b"\x1b[C", b"\r"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Terminal:
    """A program on a pseudo-terminal of its own size, whose output is collected as it comes."""

    def __init__(self, argv: list[str], env: dict[str, str], columns: int, rows: int) -> None:
        self.argv = argv
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: size the terminal before Textual asks, then become the program
            try:
                import fcntl
                import struct
                import termios

                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.seen = b""

    def read(self) -> None:
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the program has closed the terminal
            chunk = b""
        if not chunk:
            raise RuntimeError(f"{self.argv} exited:\n{ANSI.sub(b'', self.seen)[-2000:]!r}")
        self.seen += chunk

    def shown(self) -> bytes:
        return ANSI.sub(b"", self.seen)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def quit(self) -> None:
        try:
            os.write(self.fd, b"\x11")  # ctrl+q, so the program restores the terminal
            give_up = time.perf_counter() + 10
            while time.perf_counter() < give_up:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
                if ready:
                    try:
                        if not os.read(self.fd, 65536):
                            break
                    except OSError:
                        break
        finally:
            if os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            os.close(self.fd)


def pump(terminals: list[Terminal], seconds: float) -> None:
    """Read whatever the programs draw for `seconds` (a program blocked on a full terminal stalls)."""
    until = time.perf_counter() + seconds
    while (left := until - time.perf_counter()) > 0:
        ready, _, _ = select.select([t.fd for t in terminals], [], [], left)
        for terminal in terminals:
            if terminal.fd in ready:
                terminal.read()


def wait_for(watched: Terminal, text: str, others: list[Terminal], timeout: float = 30.0) -> float:
    """perf_counter() when `text` first shows in `watched` (since its output was last cleared)."""
    wanted = text.encode()
    give_up = time.perf_counter() + timeout
    everyone = [watched, *others]
    while wanted not in watched.shown():
        left = give_up - time.perf_counter()
        if left <= 0:
            raise RuntimeError(f"'{text}' not drawn within {timeout:.0f} s:\n{watched.shown()[-3000:]!r}")
        ready, _, _ = select.select([t.fd for t in everyone], [], [], left)
        for terminal in everyone:
            if terminal.fd in ready:
                terminal.read()
    return time.perf_counter()


def timed(facilitator: Terminal, room: Terminal, key: bytes, marker: str) -> float:
    """Milliseconds from `key` written to the facilitator's terminal to `marker` drawn by the room view."""
    pump([facilitator, room], random.uniform(0.05, 0.3))
    room.seen = b""
    start = time.perf_counter()
    os.write(facilitator.fd, key)
    return (wait_for(room, marker, [facilitator]) - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=50, help="question moves timed")
    parser.add_argument("--votes", type=int, default=8, help="blind votes timed (6 changes each)")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measured")
    args = parser.parse_args()
    bank = load_paths([builtin_dir()]).bank
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with Store.open(db) as store:
            session_id = create_demo(store, bank)
            session = store.load_session(session_id)
        order = [q.id for q in session.bank.questions()]
        voted = {r.question_id for r in session.rounds}
        env = {**os.environ, "WORKSHOP_DB": str(db), "TERM": "xterm-256color", "HOME": tmp,
               "WORKSHOP_QUESTIONNAIRES": str(Path(tmp) / "none")}
        facilitator = Terminal([sys.executable, "-m", "workshop"], env, 120, 40)
        room = None
        try:
            wait_for(facilitator, "Claims triage assistant", [])
            pump([facilitator], 1.0)
            os.write(facilitator.fd, ENTER)  # open the demo workshop
            wait_for(facilitator, "answered", [])
            room = Terminal([sys.executable, "-m", "workshop", "room", str(session_id)], env, 80, 24)
            wait_for(room, f" of {len(order)}", [facilitator])
            found = re.search(rb"Question (\d+) of", room.shown())
            assert found is not None
            index = int(found.group(1)) - 1
            pump([facilitator, room], 1.0)

            moves: list[float] = []
            for _ in range(args.moves):
                index = (index + 1) % len(order)
                moves.append(timed(facilitator, room, RIGHT, f"Question {index + 1} of {len(order)}"))

            vote_steps: list[float] = []
            for _ in range(args.votes):
                while order[index] in voted:  # a question voted on before asks first: go past it
                    index = (index + 1) % len(order)
                    moves.append(timed(facilitator, room, RIGHT, f"Question {index + 1} of {len(order)}"))
                steps = [(b"v", "0 of 3 have voted"), (b"1", "1 of 3 have voted"), (b"1", "2 of 3 have voted"),
                         (b"1", "3 of 3 have voted"), (b"r", "Votes revealed"), (ENTER, "Agreed   level 1")]
                for key, marker in steps:
                    vote_steps.append(timed(facilitator, room, key, marker))
                voted.add(order[index])
                index = (index + 1) % len(order)
                moves.append(timed(facilitator, room, RIGHT, f"Question {index + 1} of {len(order)}"))

            pump([facilitator, room], 2.0)  # let both settle before the idle measurement
            room_cpu, facilitator_cpu, started = room.cpu_seconds(), facilitator.cpu_seconds(), time.perf_counter()
            pump([facilitator, room], args.idle)
            wall = time.perf_counter() - started
            room_idle = (room.cpu_seconds() - room_cpu) / wall * 100
            facilitator_idle = (facilitator.cpu_seconds() - facilitator_cpu) / wall * 100
        finally:
            if room is not None:
                room.quit()
            facilitator.quit()

    every = moves + vote_steps
    print(f"room view ({len(order)} questions, 3 participants): facilitator's app on a 120x40 pty, "
          "`workshop room 1` on an 80x24 pty; key written -> change drawn by the room view")
    for name, values in (("moves (→)", moves), ("vote steps (v, 1, 1, 1, r, enter)", vote_steps),
                         ("all changes", every)):
        print(f"  {name:<34} n={len(values):>3}  median {statistics.median(values):.0f} ms, "
              f"p95 {p95(values):.0f} ms, max {max(values):.0f} ms")
    print(f"  goal: p95 under 500 ms -> {p95(every):.0f} ms")
    print(f"idle CPU over {wall:.1f} s, both windows open, nothing pressed (time box counting): "
          f"room view {room_idle:.2f}% of one core (goal: under 2%); facilitator's app {facilitator_idle:.2f}%")


if __name__ == "__main__":
    main()
