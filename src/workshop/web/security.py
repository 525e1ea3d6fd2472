"""What stands between the shared network and the workshop: device cookies, CSRF tokens, rate limits,
body caps, host checks, security headers and one catch-all for errors.

The middlewares are plain ASGI (no web library imported here), wrapped around the Starlette app in
this order, outermost first: `CatchAll`, `SecureHeaders`, `Guard`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import math
import secrets
import sys
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEVICE_COOKIE = "workshop_device"
DEVICE_COOKIE_DAYS = 3  # a workshop can run over two days; a lost cookie means asking for a release


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class DeviceKeys:
    """Device ids in signed cookies, and each device's CSRF token.

    The key derives from the workshop's phone token, which lives in the database: a phone keeps its
    identity (and its name) when the facilitator stops and restarts the server.
    """

    def __init__(self, phone_token: str):
        self._key = hashlib.sha256(b"workshop.web device key\0" + phone_token.encode()).digest()

    def _sign(self, purpose: str, value: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}\0{value}".encode(), hashlib.sha256).digest()[:18])

    def new_device(self) -> tuple[str, str]:
        """(device id, cookie value) for a phone seen for the first time."""
        device = secrets.token_urlsafe(18)
        return device, f"{device}.{self._sign('device', device)}"

    def device(self, cookie: str | None) -> str | None:
        """The device id in a cookie this server signed; None for a missing or forged one."""
        if not cookie or len(cookie) > 100 or "." not in cookie:
            return None
        device, _, signature = cookie.partition(".")
        return device if hmac.compare_digest(signature, self._sign("device", device)) else None

    def csrf(self, device: str) -> str:
        return self._sign("csrf", device)

    def check_csrf(self, device: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf(device))


class RateLimiter:
    """Token buckets per key: `burst` requests at once, then `rate` a second."""

    def __init__(self, rate: float, burst: float, max_keys: int = 4096, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def take(self, key: str) -> float:
        """0 if the request may go on; otherwise the seconds until it may."""
        now = self.clock()
        tokens, at = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:  # forget the longest idle: a full bucket anyway
            self._buckets.popitem(last=False)
        return wait


@dataclass(frozen=True)
class Limits:
    """How much one phone may ask. A person taps a few times a minute and a live page polls every
    couple of seconds; a script that floods is slowed to this."""

    per_device_rate: float = 8.0
    per_device_burst: float = 40.0
    per_address_rate: float = 20.0
    per_address_burst: float = 80.0
    max_body: int = 4096  # bytes: a vote or join form is about 200
    max_field: int = 100  # characters in one form field
    poll_ms: int = 1500  # how often a live page asks whether it changed: the rates above allow it


def cookie_value(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def host_allowed(host: str | None) -> bool:
    """A Host header naming this laptop by address (or localhost), never by some other name: a page
    on another site cannot point its own domain name at the laptop and read the answers."""
    if not host or len(host) > 100:
        return False
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isascii() and rest[1:].isdigit())):
            return False
    else:
        name, _, port = host.partition(":")
        if port and not (port.isascii() and port.isdigit()):
            return False
    if name.lower() == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def same_origin(scope: Scope) -> bool:
    """A form post whose Origin (or, lacking one, Referer) is this very server."""
    host = header(scope, b"host")
    if not host:
        return False
    own = f"http://{host}"
    origin = header(scope, b"origin")
    if origin is not None:
        return origin == own
    referer = header(scope, b"referer")
    if referer is not None:
        return referer == own or referer.startswith(own + "/")
    return True  # no browser omits both on a form post: a script with the page's CSRF token


async def plain(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


class Guard:
    """Before any route runs: the rate limits, the Host check and the body cap."""

    def __init__(self, app: ASGIApp, keys: DeviceKeys, limits: Limits):
        self.app = app
        self.keys = keys
        self.limits = limits
        self.by_address = RateLimiter(limits.per_address_rate, limits.per_address_burst)
        self.by_device = RateLimiter(limits.per_device_rate, limits.per_device_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        device = self.keys.device(cookie_value(scope, DEVICE_COOKIE))
        wait = self.by_address.take(address)
        if not wait and device:
            wait = self.by_device.take(device)
        if wait:
            await plain(send, 429, "Too many requests from this phone; wait a moment.",
                        [(b"retry-after", str(max(1, math.ceil(wait))).encode())])
            return
        if not host_allowed(header(scope, b"host")):
            await plain(send, 400, "Open the join link as it was given (the laptop's address).")
            return
        length = header(scope, b"content-length")
        if length is not None and (not (length.isascii() and length.isdigit()) or int(length) > self.limits.max_body):
            await plain(send, 413, "Request too large.", [(b"connection", b"close")])
            return
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limits.max_body:
                    raise BodyTooLarge
            return message

        watched = WatchedSend(send)
        try:
            await self.app(scope, capped_receive, watched)
        except BodyTooLarge:
            if not watched.started:
                await plain(send, 413, "Request too large.", [(b"connection", b"close")])


class WatchedSend:
    """An ASGI `send` that notes whether a response has begun: once it has, a middleware that catches
    an error can no longer answer with a response of its own."""

    def __init__(self, send: Send):
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


CSP = ("default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; connect-src 'self'; "
       "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class SecureHeaders:
    """Every response: never cached, a strict Content-Security-Policy with a fresh nonce for the page's
    one inline stylesheet and script, no framing, no sniffing, no referrer beyond this server."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        extra = [
            (b"content-security-policy", CSP.format(nonce=nonce).encode()),
            (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
        ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CatchAll:
    """No traceback ever reaches a phone or the terminal: one line on stderr, a plain 500."""

    def __init__(self, app: ASGIApp, log: Callable[[str], None] | None = None):
        self.app = app
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = WatchedSend(send)
        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            detail = " ".join(str(exc).split())[:200]
            self.log(f"workshop.web: error: {scope.get('method')} {redact(scope.get('path', ''))}: "
                     f"{type(exc).__name__}: {detail}")
            if not watched.started:
                await plain(send, 500, "Something went wrong on the laptop. Try again.",
                            [(b"cache-control", b"no-store")])


def redact(path: str) -> str:
    """A path with its first segment (the workshop's token) hidden, for logs."""
    parts = path.split("/")
    if len(parts) > 1 and parts[1]:
        parts[1] = "<token>"
    return "/".join(parts)
