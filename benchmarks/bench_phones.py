"""Phone-vote figures: 30 phones each voting on 66 questions through the real server.

Run: .venv/bin/python benchmarks/bench_phones.py [--phones 30] [--questions 66] [--paced 10]
Prints figures; asserts nothing.

The server runs as a facilitator runs it (`workshop serve`, its own process) on 127.0.0.1, over a
fresh database holding the four default sets. Each phone has its own loopback address, as each
phone in a room has its own, so the per-address limits apply as they would there. The phones run in
this process, on the same cores as the server, and so does the facilitator's real app (headless,
with its own watcher polling the database four times a second).

For each question the facilitator's app opens a round with `v`; every phone loads its ballot, as the
live page does when the round opens, and then taps a level. When all have voted the app reveals
with `r`, waits --pause (the room looks at the spread) and moves to the next question.

- all at once: every phone taps in the same instant, on each of the --questions questions. The
  worst case: the last of 30 votes queues behind the other 29.
- room pace: the taps spread evenly over --spread seconds, as people read and decide, on --paced
  more rounds.

Figures:
- request sent -> vote committed: the vote's POST until its response; the server answers only
  after the BEGIN IMMEDIATE commit (synchronous=FULL) returned.
- tap -> "vote recorded" page: the POST plus the page it redirects to.
- commit -> facilitator's count redrawn: from the vote's own commit time (stored with it) to the
  moment the app's vote panel shows the new count ("N of M have voted"), its watcher having seen the
  commit and the walk-through having redrawn.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import html
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from workshop.questionnaire import DEFAULT_SETS, builtin_dir, load_paths
from workshop.session import NewSession, Participant
from workshop.store import Store
from workshop.tui.app import WorkshopApp

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def figures(label: str, values: list[float]) -> str:
    return (f"{label:<44} median {statistics.median(values):7.1f} ms   p95 {p95(values):7.1f} ms   "
            f"max {max(values):7.1f} ms   (n={len(values)})")


class Connection:
    """A phone's keep-alive HTTP/1.1 connection, kept to the bare minimum so that 30 simulated
    phones cost the shared cores little and the figures are the server's: GET and form POST, a
    cookie jar of one, responses with Content-Length (all the server sends)."""

    def __init__(self, host: str, port: int, local: str):
        self.host, self.port, self.local = host, port, local
        self.cookie = ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, form: dict[str, str] | None = None,
                      origin: str = "") -> tuple[int, str]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, local_addr=(self.local, 0))
        body = urlencode(form).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookie:
            head.append(f"Cookie: {self.cookie}")
        if form is not None:
            head += [f"Origin: {origin}", "Content-Type: application/x-www-form-urlencoded",
                     f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "set-cookie":
                self.cookie = value.strip().split(";")[0]
        return status, (await self.reader.readexactly(length)).decode()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


class Phone:
    def __init__(self, n: int, origin: str, base: str):
        self.name = f"Phone {n:02d}"
        self.base = base
        self.origin = origin
        host, port = origin.removeprefix("http://").rsplit(":", 1)
        self.http = Connection(host, int(port), f"127.0.1.{n + 10}")
        self.errors: list[str] = []

    async def join(self) -> None:
        _, page = await self.http.request("GET", self.base)
        pid = re.search(rf'value="(\d+)"[^>]*>\s*<span class="text">{re.escape(html.escape(self.name))}', page)[1]
        fields = dict(HIDDEN.findall(page))
        status, text = await self.http.request("POST", self.base + "/join", {"csrf": fields["csrf"], "participant": pid},
                                               self.origin)
        assert status == 303, text

    async def ballot(self) -> dict[str, str]:
        """Load the page, as the live page does when a round opens; its form's hidden fields."""
        status, page = await self.http.request("GET", self.base)
        fields = dict(HIDDEN.findall(page))
        if "round" not in fields:
            self.errors.append(f"no ballot on the page ({status})")
        return fields

    async def vote(self, fields: dict[str, str], level: int, delay: float, samples: Samples) -> None:
        if "round" not in fields:
            return
        await asyncio.sleep(delay)
        start = time.perf_counter()
        status, text = await self.http.request("POST", self.base + "/vote", {**fields, "level": str(level)},
                                               self.origin)
        committed = time.perf_counter()
        if status != 303:
            samples.limited += status == 429
            self.errors.append(f"{status}: {text[:80]}")
            return
        _, shown = await self.http.request("GET", self.base)
        if "Vote recorded" not in shown:
            self.errors.append("no 'vote recorded' after the vote")
        samples.committed.append((committed - start) * 1000)
        samples.shown.append((time.perf_counter() - start) * 1000)


class Samples:
    def __init__(self, label: str):
        self.label = label
        self.committed: list[float] = []
        self.shown: list[float] = []
        self.rounds: list[int] = []
        self.bursts: list[float] = []
        self.limited = 0


class AppWatcher:
    """Notes when the app's vote panel first shows each count of votes in each round."""

    def __init__(self) -> None:
        self.seen: dict[tuple[int, int], float] = {}  # (round id, count) -> wall time first drawn
        self.round_id: int | None = None

    async def watch(self, app: WorkshopApp, stop: asyncio.Event) -> None:
        pattern = re.compile(r"(\d+) of \d+ have voted")
        while not stop.is_set():
            screen = app.screen
            if self.round_id is not None and hasattr(screen, "query_one"):
                try:
                    text = str(screen.query_one("#votes").render())
                except Exception:
                    text = ""
                if (found := pattern.search(text)) is not None:
                    self.seen.setdefault((self.round_id, int(found[1])), time.time())
            await asyncio.sleep(0.002)


async def run(args: argparse.Namespace, db: Path) -> None:
    bank = load_paths([builtin_dir()]).bank.subset(DEFAULT_SETS)
    questions = [q.id for q in bank.questions()]
    with Store.open(db) as store:
        sid = store.create_session(NewSession(
            organisation="Bench", initiative="Phones", facilitator="F", sets=DEFAULT_SETS,
            participants=tuple(Participant(name=f"Phone {n:02d}") for n in range(args.phones))), bank)
    server = subprocess.Popen([sys.executable, "-m", "workshop", "--db", str(db), "serve", str(sid),
                               "--host", "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE, text=True)
    url = re.search(r"(http://\S+)", server.stdout.readline())[1]
    threading.Thread(target=server.stdout.read, daemon=True).start()
    origin, token = url.rsplit("/", 1)
    phones = [Phone(n, origin, "/" + token) for n in range(args.phones)]
    facilitator = Store.open(db)
    app = WorkshopApp(Store.open(db), bank)
    watcher = AppWatcher()
    stop = asyncio.Event()
    burst = Samples("all at once")
    paced = Samples(f"room pace ({args.spread:g} s)")
    rng = random.Random(7)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")  # the workshop, at its first question
            await pilot.pause()
            watching = asyncio.create_task(watcher.watch(app, stop))
            await asyncio.gather(*(p.join() for p in phones))
            plan = [(burst, q) for q in questions[: args.questions]] + [(paced, q) for q in questions[: args.paced]]
            for n, (samples, _question) in enumerate(plan):
                if n == args.questions:
                    await pilot.press("g")  # back to the first question for the paced rounds
                    await pilot.pause()
                    await pilot.press("1", "enter")
                await pilot.press("v")  # open a round (a new one, after a confirmation, on a voted question)
                await pilot.pause()
                if n >= args.questions:
                    await pilot.press("y")
                    await pilot.pause()
                await pilot.press("escape")  # leave the keyed entry to the phones
                await pilot.pause()
                opened = facilitator.current_round(sid)
                samples.rounds.append(opened.id)
                watcher.round_id = opened.id
                forms = await asyncio.gather(*(p.ballot() for p in phones))
                delays = [0.0] * len(phones) if samples is burst else [rng.uniform(0, args.spread) for _ in phones]
                started = time.perf_counter()
                await asyncio.gather(*(p.vote(f, (n + i) % 5, d, samples)
                                       for i, (p, f, d) in enumerate(zip(phones, forms, delays, strict=True))))
                samples.bursts.append(len(phones) / (time.perf_counter() - started))
                for _ in range(200):  # until the app has drawn the last vote (at most 2 s)
                    if (opened.id, len(phones)) in watcher.seen:
                        break
                    await asyncio.sleep(0.01)
                await pilot.press("r", "right")  # reveal, next question
                await asyncio.sleep(args.pause)
            stop.set()
            await watching
    finally:
        for phone in phones:
            await phone.http.close()
        server.terminate()
        server.wait(10)

    redraw: dict[int, float] = {}
    stored: dict[int, int] = {}
    # The n-th vote of a round (by commit time) is drawn when the panel first says "n of M".
    committed: dict[int, list[float]] = {}
    for round_id, _pid, voted_at in facilitator.db.execute(
            "SELECT v.round_id, v.participant_id, v.voted_at FROM round_votes v JOIN vote_rounds r ON r.id = v.round_id "
            "WHERE r.session_id = ?", [sid]).fetchall():
        stored[round_id] = stored.get(round_id, 0) + 1
        committed.setdefault(round_id, []).append(dt.datetime.fromisoformat(voted_at).timestamp())
    for round_id, times in committed.items():
        for count, when in enumerate(sorted(times), start=1):
            # Drawn once the panel shows this count or a later one (a redraw can take several votes).
            drawn = [t for (r, c), t in watcher.seen.items() if r == round_id and c >= count]
            if drawn:
                redraw[(round_id, count)] = (min(drawn) - when) * 1000
    facilitator.close()

    errors = [e for p in phones for e in p.errors]
    print(f"{len(phones)} phones, {len(burst.rounds) + len(paced.rounds)} rounds: "
          f"{sum(stored.values())} votes stored of {len(phones) * (len(burst.rounds) + len(paced.rounds))}, "
          f"{len(errors)} errors ({burst.limited + paced.limited} rate-limited)")
    for error in sorted(set(errors))[:5]:
        print(f"  error: {error}")
    for samples in (burst, paced):
        if not samples.committed:
            continue
        print(f"\n{samples.label}: {len(samples.rounds)} rounds")
        print(figures("  request sent -> vote committed (goal < 50)", samples.committed))
        print(figures("  tap -> 'vote recorded' page", samples.shown))
        lags = [lag for (round_id, _), lag in redraw.items() if round_id in samples.rounds]
        if lags:
            print(figures("  commit -> facilitator's count redrawn (goal < 500)", lags))
        if samples is burst:
            print(f"  {'throughput while 30 votes queue':<42} median {statistics.median(samples.bursts):7.0f} "
                  f"votes/s  (slowest round {min(samples.bursts):.0f} votes/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--questions", type=int, default=66)
    parser.add_argument("--paced", type=int, default=10, help="rounds at room pace after the all-at-once ones")
    parser.add_argument("--spread", type=float, default=2.0, help="seconds over which taps spread at room pace")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between a reveal and the next round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args, Path(tmp) / "bench.db"))


if __name__ == "__main__":
    main()
