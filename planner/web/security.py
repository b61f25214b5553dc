"""Safe defaults: request size limits, CSRF protection and security headers (pure ASGI)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "runstrong_csrf"
CSRF_FIELD = "csrf_token"
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 bits

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # Athlete pages carry their token in the address: never send it to another site.
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class LimitsAndHeaders:
    """Refuse request bodies over `max_body` bytes with `too_large` (a 413 page) before the
    app sees them, whether announced by Content-Length or streamed; add security headers."""

    def __init__(self, app: ASGIApp, *, max_body: int,
                 too_large: Callable[[Scope], Awaitable[ASGIApp]]) -> None:
        self.app = app
        self.max_body = max_body
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                announced = int(length)
            except ValueError:
                announced = self.max_body + 1
            if announced > self.max_body:
                await _drain(receive, self.max_body)
                await (await self.too_large(scope))(scope, receive, send_with_headers)
                return
        body, more = [], True
        total = 0
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                total += len(chunk)
                more = message.get("more_body", False)
                if total > self.max_body:
                    if more:
                        await _drain(receive, 0)
                    await (await self.too_large(scope))(scope, receive, send_with_headers)
                    return
                body.append(chunk)
        buffered = b"".join(body)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed and scope.get("method") in ("POST", "PUT", "PATCH"):
                replayed = True
                return {"type": "http.request", "body": buffered, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)


async def _drain(receive: Receive, limit: int) -> None:
    """Read what the client is still sending (up to a bound) so it sees our answer."""
    seen = 0
    while seen <= max(limit, 8_000_000):
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def csrf_cookie(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed Cookie header is no token
        return None
    morsel = jar.get(CSRF_COOKIE)
    return morsel.value if morsel and morsel.value else None


def csrf_ok(cookie: str | None, submitted: Any, origin: str | None, host: str | None) -> bool:
    """Double-submit check: the form's hidden token equals the SameSite=Strict cookie, and a
    browser's Origin header (when sent) is this site."""
    if origin and host and origin not in ("null",):
        bare = origin.split("://", 1)[-1]
        if bare != host:
            return False
    if not cookie or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())
