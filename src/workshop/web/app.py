"""The participant's pages: join, ballot, revealed spread, waiting. Starlette routes, Jinja2 templates.

Every URL starts with the workshop's token; the phone always stays on one page, the join link,
which shows what the room is doing now. Forms post and redirect back to it (so the pages work
without scripts); a small script polls a digest of the page and reloads when it changes.

SQLite connections are confined to threads: one writer thread owns the store opened at start-up
(every vote queues there for its own BEGIN IMMEDIATE commit, in arrival order, with no lock
contention inside the server), and one reader thread owns a read-only connection that WAL lets see
every commit at once. The event loop never touches a connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any, TypeVar

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from workshop.store import Store, StoreError
from workshop.web import ballots
from workshop.web.ballots import BallotError, PhoneView
from workshop.web.security import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_DAYS,
    BodyTooLarge,
    CatchAll,
    DeviceKeys,
    Guard,
    Limits,
    SecureHeaders,
    redact,
    same_origin,
)

T = TypeVar("T")

# What a failed request shows: a 4xx with a short page, never a traceback.
ERROR_STATUS: dict[type[BallotError], int] = {
    ballots.NotSeated: 403,
    ballots.NameTaken: 409,
    ballots.AlreadySeated: 409,
    ballots.UnknownParticipant: 400,
    ballots.RoundClosed: 409,
}
LEVEL_CHOICES = {"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "dk": None}


class StoreThreads:
    """The store's two connections, each used by its own single thread only.

    Writes are committed in groups: while one group is being written, the writes that arrive queue,
    and the next group goes to disk in one transaction (one flush) instead of one each. Thirty phones
    voting in the same second then wait for two or three flushes, not thirty. Each write still
    succeeds or fails on its own, and none is answered before its group is on disk.
    """

    def __init__(self, store: Store):
        self.store = store
        self.reader = store.reader()
        self._write = ThreadPoolExecutor(1, thread_name_prefix="workshop-web-write")
        self._read = ThreadPoolExecutor(1, thread_name_prefix="workshop-web-read")
        self._queued: list[tuple[Callable[..., Any], tuple[Any, ...], asyncio.Future[Any]]] = []
        self._queue_lock = threading.Lock()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._read, fn, self.reader, *args)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        with self._queue_lock:
            self._queued.append((fn, args, done))
            first = len(self._queued) == 1
        if first:  # the writer thread takes everything queued by the time it gets to it
            self._write.submit(self._commit_group, loop)
        return await done

    def _commit_group(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._queue_lock:
            group, self._queued = self._queued, []
        outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        try:
            with self.store.batch():
                for fn, args, done in group:
                    try:
                        outcomes.append((done, fn(self.store, *args), None))
                    except Exception as exc:  # this write is refused; the others go on
                        outcomes.append((done, None, exc))
        except Exception as exc:  # the commit itself failed: nothing of the group was saved
            outcomes = [(done, None, exc) for _, _, done in group]
        for done, value, error in outcomes:
            loop.call_soon_threadsafe(_settle, done, value, error)

    def close(self) -> None:
        self._read.shutdown(wait=True)
        self._write.shutdown(wait=True)
        self.reader.close()


def _settle(done: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if done.cancelled():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(value)


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("workshop.web") / "templates")),
        autoescape=True,  # names and question text are data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def create_app(
    store: Store,
    session_id: int,
    token: str,
    *,
    limits: Limits | None = None,
    on_ready: Callable[[StoreThreads], Awaitable[None]] | None = None,
) -> Callable[..., Awaitable[None]]:
    """The whole ASGI app for one workshop. `store` is handed to the writer thread for good."""
    limits = limits or Limits()
    keys = DeviceKeys(token)
    templates = _templates()
    threads = StoreThreads(store)
    base = f"/{token}"

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            if on_ready:
                await on_ready(threads)
            yield
        finally:
            threads.close()  # after the last request: uvicorn has closed every connection

    def check_token(request: Request) -> None:
        if not hmac.compare_digest(request.path_params["token"].encode(), token.encode()):
            raise HTTPException(404, "Not found.")

    def render(request: Request, view: PhoneView, device: str, status: int = 200, error: str = "") -> Response:
        return templates.TemplateResponse(request, f"{view.stage.value}.html", {
            "view": view, "base": base, "csrf": keys.csrf(device), "error": error,
            "nonce": request.state.csp_nonce, "level_choices": range(len(view.levels)),
            "poll_ms": limits.poll_ms,
        }, status_code=status)

    async def page(request: Request) -> Response:
        check_token(request)
        device = keys.device(request.cookies.get(DEVICE_COOKIE))
        cookie = None
        if device is None:
            device, cookie = keys.new_device()
        view = await threads.read(ballots.phone_view, session_id, device)
        response = render(request, view, device)
        if cookie:
            response.set_cookie(DEVICE_COOKIE, cookie, max_age=DEVICE_COOKIE_DAYS * 86400, path=base,
                                httponly=True, samesite="strict")
        return response

    async def state(request: Request) -> Response:
        check_token(request)
        device = keys.device(request.cookies.get(DEVICE_COOKIE))
        view = await threads.read(ballots.phone_view, session_id, device)
        return JSONResponse({"key": view.key})

    async def posted(request: Request) -> tuple[str, dict[str, str]]:
        """The device and the form fields of a genuine post from this server's own page."""
        check_token(request)
        if not same_origin(request.scope):
            raise HTTPException(403, "This form did not come from the workshop's page. Open the join link again.")
        device = keys.device(request.cookies.get(DEVICE_COOKIE))
        if device is None:
            raise HTTPException(403, "This phone has no workshop cookie. Open the join link again.")
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            raise HTTPException(415, "Send the page's form.")
        form = await request.form(max_files=0, max_fields=8, max_part_size=limits.max_body)
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if not isinstance(value, str) or len(value) > limits.max_field or len(name) > limits.max_field:
                raise HTTPException(400, "A form field is too long.")
            fields[name] = value
        if not keys.check_csrf(device, fields.get("csrf")):
            raise HTTPException(403, "This page is out of date. Reload it and try again.")
        return device, fields

    async def act(request: Request, device: str, work: Callable[..., Any], *args: Any) -> Response:
        """Run a write; on success back to the page (303), on a refused one the page with why."""
        try:
            await threads.write(work, session_id, device, *args)
        except BallotError as exc:
            view = await threads.read(ballots.phone_view, session_id, device)
            return render(request, view, device, status=ERROR_STATUS[type(exc)], error=str(exc))
        return RedirectResponse(base, status_code=303)

    async def join(request: Request) -> Response:
        device, fields = await posted(request)
        participant = _number(fields.get("participant"), "participant")
        return await act(request, device, ballots.claim, participant)

    async def leave(request: Request) -> Response:
        device, _ = await posted(request)
        return await act(request, device, ballots.leave)

    async def vote(request: Request) -> Response:
        device, fields = await posted(request)
        participant = _number(fields.get("participant"), "participant")
        round_id = _number(fields.get("round"), "round")
        if fields.get("level") not in LEVEL_CHOICES:
            raise HTTPException(400, "A vote is a level from 0 to 4, or don't know.")
        return await act(request, device, ballots.cast, participant, round_id, LEVEL_CHOICES[fields["level"]])

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return PlainTextResponse("Not found.", status_code=404)
        path = request.url.path
        if path != base and not path.startswith(base + "/"):  # no token, no page: plain text
            return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
        return templates.TemplateResponse(request, "error.html", {
            "message": exc.detail, "base": base, "nonce": request.state.csp_nonce,
        }, status_code=exc.status_code, headers=exc.headers)

    async def too_large(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Request too large.", status_code=413, headers={"Connection": "close"})

    async def store_error(request: Request, exc: Exception) -> Response:
        # The file could not be read, or could not take the write (locked too long, disk full): say
        # which, and log one line for the facilitator's terminal.
        detail = " ".join(str(exc).split())[:200]
        print(f"workshop.web: error: {request.method} {redact(request.url.path)}: {detail}", file=sys.stderr,
              flush=True)
        if request.method == "GET":
            return PlainTextResponse("The laptop could not read the workshop. Try again.", status_code=503)
        return PlainTextResponse("Not saved: the laptop could not write it. Try again.", status_code=503)

    async def server_error(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Something went wrong on the laptop. Try again.", status_code=500)

    app = Starlette(
        routes=[
            Route("/{token}", page, methods=["GET"]),
            Route("/{token}/state", state, methods=["GET"]),
            Route("/{token}/join", join, methods=["POST"]),
            Route("/{token}/leave", leave, methods=["POST"]),
            Route("/{token}/vote", vote, methods=["POST"]),
        ],
        exception_handlers={HTTPException: http_error, BodyTooLarge: too_large, StoreError: store_error,
                            Exception: server_error},
        lifespan=lifespan,
    )
    return CatchAll(SecureHeaders(Guard(app, keys, limits)))


def _number(text: str | None, what: str) -> int:
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise HTTPException(400, f"The form's {what} is not valid.")
    return int(text)
