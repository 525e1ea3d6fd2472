"""Helpers for the phone-vote server tests (no tests here): a seeded workshop, the real server in a
subprocess, and phones that record every response they get, so each test can check that nothing but
what a phone may see ever left the server.
"""

from __future__ import annotations

import html
import io
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import markupsafe

from workshop.questionnaire import QuestionBank, load_paths
from workshop.session import AnswerChange, NewSession, Participant
from workshop.store import Store
from workshop.web.security import Limits

from helpers import FIXTURE_SETS

# Text typed in the room that must never reach a phone.
SECRETS = {
    "note": "NOTE-7f3a the sponsor privately doubts the KPI",
    "private_note": "PRIVATE-91c2 facilitator thinks Bo is bluffing",
    "evidence": "EVIDENCE-55d0 see the board deck page 12",
    "reason": "REASON-e61b agreed after a long argument",
    "organisation": "ORG-2b7e Hidden Corp",
    "initiative": "INITIATIVE-c4d1 secret pilot",
    "facilitator": "FACILITATOR-0a9f",
    "role": "ROLE-83be",
}
HOSTILE_NAME = '<script>alert("pwned")</script>'
HOSTILE_PROMPT = '<img src=x onerror=alert(1)> Is there an executive sponsor?'
NAMES = (*(f"Voter{n:02d}" for n in range(1, 25)), HOSTILE_NAME)
BANNED_PAGE_TEXT = ("Traceback", 'File "', "sqlite3.", "starlette", "uvicorn")

_addresses = itertools.count(2)


def next_address() -> str:
    """A loopback source address of its own for each phone (Linux answers on all of 127/8), so
    that, as in a real room, each phone has its own address and its own rate limit."""
    n = next(_addresses)
    return f"127.0.{n // 250 % 250}.{n % 250 + 2}"


def hostile_bank(tmp_path: Path) -> QuestionBank:
    """The fixture sets, with markup in one question's prompt and one descriptor."""
    folder = tmp_path / "sets"
    folder.mkdir()
    for source in FIXTURE_SETS.glob("*.toml"):
        text = source.read_text()
        text = text.replace('"Is there an executive sponsor?"', repr(HOSTILE_PROMPT).replace("'", '"'))
        text = text.replace('"Used for a go/no-go call."', '"Used for a <b>go/no-go</b> call & more."')
        (folder / source.name).write_text(text)
    result = load_paths([folder])
    assert not result.problems, result.problems
    return result.bank


def seed_workshop(db_path: Path, bank: QuestionBank) -> int:
    """A workshop with secrets everywhere a phone must not look: notes, private notes, evidence,
    answers and a revealed round with every participant's vote on another question."""
    with Store.open(db_path) as store:
        sid = store.create_session(
            NewSession(
                organisation=SECRETS["organisation"], initiative=SECRETS["initiative"],
                facilitator=SECRETS["facilitator"],
                participants=tuple(Participant(name=n, role=SECRETS["role"]) for n in NAMES),
                sets=("pilot", "ops"),
            ),
            bank,
        )
        for qid in ("ops.monitoring", "ops.backout", "pilot.baseline"):
            store.record_answer(sid, qid, AnswerChange.from_level_text(
                "2", note=SECRETS["note"], private_note=SECRETS["private_note"], evidence=SECRETS["evidence"],
                reason=SECRETS["reason"]))
        store.open_round(sid, "ops.backout")
        for n, participant in enumerate(NAMES[:6]):
            store.record_vote(sid, "ops.backout", participant, n % 5)
        store.reveal_round(sid, "ops.backout")
        store.settle_round(sid, "ops.backout", AnswerChange.from_level_text("3", reason=SECRETS["reason"]))
    return sid


def forbidden_texts(bank: QuestionBank) -> list[str]:
    """What no response may ever contain, raw or HTML-escaped."""
    texts = list(SECRETS.values())
    for question in bank.questions():
        texts.append(question.guidance)
        for action in question.actions:
            texts += [action.title, action.detail]
    return [form for text in texts for form in written(text)]


def written(text: str) -> set[str]:
    """The ways a text can appear in a response: raw, or HTML-escaped (by Jinja or otherwise)."""
    return {text, html.escape(text), str(markupsafe.escape(text))}


@dataclass
class Seen:
    phone: Phone
    method: str
    path: str
    status: int
    headers: httpx.Headers
    body: str


class Phone:
    """One participant's phone: its own source address and cookie jar; remembers every response."""

    def __init__(self, server: PhoneServer, name: str | None = None):
        self.server = server
        self.name = name
        self.address = next_address()
        self.client = httpx.Client(
            base_url=server.origin, follow_redirects=True, timeout=10,
            transport=httpx.HTTPTransport(local_address=self.address),
            event_hooks={"response": [self._remember]},
        )
        server.phones.append(self)

    def _remember(self, response: httpx.Response) -> None:
        response.read()
        self.server.seen.append(Seen(self, response.request.method, response.request.url.path,
                                     response.status_code, response.headers, response.text))

    def get(self, path: str = "", **kwargs) -> httpx.Response:
        return self.client.get(self.server.base + path, **kwargs)

    def post(self, path: str, data: dict | None = None, *, origin: str | None = "same", **kwargs) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if origin == "same":
            headers["Origin"] = self.server.origin
        elif origin is not None:
            headers["Origin"] = origin
        return self.client.post(self.server.base + path, data=data, headers=headers, **kwargs)

    def form(self, page: httpx.Response | None = None) -> dict[str, str]:
        """The hidden fields of the page's forms (csrf, participant, round)."""
        text = (page or self.get()).text
        return {m[0]: html.unescape(m[1]) for m in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', text)}

    def join(self, name: str | None = None) -> httpx.Response:
        name = name or self.name
        assert name is not None
        page = self.get()
        match = re.search(rf'name="participant" value="(\d+)"[^>]*>\s*<span class="text">{re.escape(str(markupsafe.escape(name)))}[ <]',
                          page.text)
        assert match, f"{name} is not on the join page"
        response = self.post("/join", {"csrf": self.form(page)["csrf"], "participant": match[1]})
        if response.status_code == 200:
            self.name = name
        return response

    def vote(self, level: str) -> httpx.Response:
        fields = self.form()
        return self.post("/vote", {"csrf": fields["csrf"], "participant": fields["participant"],
                                   "round": fields["round"], "level": level})

    def close(self) -> None:
        self.client.close()


@dataclass
class PhoneServer:
    """`workshop --db PATH serve SESSION --host 127.0.0.1 --port 0`, as a facilitator runs it."""

    db_path: Path
    session_id: int
    bank: QuestionBank
    process: subprocess.Popen | None = None
    url: str = ""
    output: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    limits: Limits | None = None  # the in-process server's; None: what `workshop serve` uses

    @property
    def origin(self) -> str:
        return self.url.rsplit("/", 1)[0]

    @property
    def base(self) -> str:
        return "/" + self.url.rsplit("/", 1)[1]

    @property
    def port(self) -> int:
        return int(self.origin.rsplit(":", 1)[1])

    def start(self, *args: str, process: bool = False) -> PhoneServer:
        """The server in this process (a thread, as fast as a fixture should be), or, with `process`
        or command-line `args`, as its own process: where signals, exit statuses and the printed
        announcement are what a test is about."""
        if not (process or args):
            return self._start_here()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workshop", "--db", str(self.db_path), "serve", str(self.session_id),
             "--host", "127.0.0.1", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        first = self.process.stdout.readline()
        match = re.search(r"(http://\S+)", first)
        assert match, f"no join link in {first!r}; stderr: {self.process.stderr.read()}"
        self.url = match[1]
        self.output.append(first)
        # Keep reading so the pipe never fills; the rest is the QR code and the address.
        threading.Thread(target=lambda: self.output.extend(self.process.stdout), daemon=True).start()
        return self

    def _start_here(self) -> PhoneServer:
        import uvicorn

        from workshop.web.app import create_app
        from workshop.web.server import bind, server_config

        store = Store.open(self.db_path)
        token = store.phone_token(self.session_id)
        sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/{token}"
        store.set_vote_server(self.session_id, self.url, os.getpid())
        self._store = store
        self._stderr = io.StringIO()  # what the server logs (sys.stderr is looked up when it writes)
        self._saved_stderr, sys.stderr = sys.stderr, self._stderr
        self._uvicorn = uvicorn.Server(server_config(create_app(store, self.session_id, token, limits=self.limits)))
        self._thread = threading.Thread(target=self._uvicorn.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        wait_for(lambda: self._uvicorn.started)
        return self

    def phone(self, name: str | None = None) -> Phone:
        return Phone(self, name)

    def seated(self, names: tuple[str, ...], question: str) -> list[tuple[Phone, dict[str, str]]]:
        """A phone joined as each name, a vote opened on `question`, and each phone's ballot fields."""
        phones = [self.phone(name) for name in names]
        for phone in phones:
            assert phone.join().status_code == 200
        with self.store() as store:
            store.open_round(self.session_id, question)
        return [(phone, phone.form()) for phone in phones]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> tuple[int, str]:
        """Stop as the app will (SIGTERM by default); the exit status and stderr."""
        for phone in self.phones:
            phone.close()
        if self.process is None:  # in this process: ask uvicorn to finish, as a signal would
            self._uvicorn.should_exit = True
            self._thread.join(timeout)
            sys.stderr = self._saved_stderr
            self._store.clear_vote_server(self.session_id, os.getpid())
            self._store.close()
            return 0, self._stderr.getvalue()
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        return status, self.process.stderr.read()

    def store(self) -> Store:
        return Store.open(self.db_path)

    def participant_id(self, name: str) -> int:
        with self.store() as store:
            return next(p.id for p in store.load_session(self.session_id).participants if p.name == name)

    def check_responses(self) -> None:
        """Every response any phone got: no secret, no other question, no traceback, and names of
        other people only on the join page (where picking one's own name needs them)."""
        banned = forbidden_texts(self.bank)
        prompts = [q.prompt for q in self.bank.questions()]
        for seen in self.seen:
            for text in banned:
                assert text not in seen.body, f"{seen.method} {seen.path} ({seen.status}) leaked {text!r}"
            for text in BANNED_PAGE_TEXT:
                assert text not in seen.body, f"{seen.method} {seen.path} ({seen.status}) shows {text!r}"
            shown = [p for p in prompts if any(form in seen.body for form in written(p))]
            assert len(shown) <= 1, f"{seen.method} {seen.path} shows several questions: {shown}"
            if "<h1>Who are you?</h1>" not in seen.body:
                others = [n for n in NAMES if n != seen.phone.name and any(f in seen.body for f in written(n))]
                assert not others, f"{seen.method} {seen.path} ({seen.status}) names {others}"
            assert seen.headers.get("cache-control") == "no-store"
            assert "default-src 'none'" in seen.headers.get("content-security-policy", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def wait_for(predicate, timeout: float = 5.0, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")
