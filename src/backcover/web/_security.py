"""Safety on localhost: Host and Origin checks, security headers, body-size limits and CSRF tokens.

These are plain ASGI middlewares so that they run before any route (and before FastAPI reads a
body). Nothing here logs request contents.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Iterable
from html import escape
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backcover import DISCLAIMER

_log = logging.getLogger("backcover.web")

__all__ = [
    "CSP",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "BodyLimitMiddleware",
    "CatchAllMiddleware",
    "HostGuardMiddleware",
    "SecurityHeadersMiddleware",
    "allowed_hosts_for",
    "csrf_token_for",
    "new_session_id",
    "valid_csrf",
]

CSRF_COOKIE = "bc_session"
CSRF_FIELD = "csrf_token"

# No inline scripts anywhere: every script is a file under /static. Styles are files too, except the
# `style` attributes that Swagger UI sets at run time (that page only; see SecurityHeadersMiddleware).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSP_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def allowed_hosts_for(port: int | None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host header values accepted: the loopback names, with and without the port."""
    names = ("127.0.0.1", "localhost", "[::1]")
    out = set(names)
    if port is not None:
        out.update(f"{n}:{port}" for n in names)
    out.update(h.lower() for h in extra)
    return frozenset(out)


async def _send_json(send: Send, status: int, body: dict[str, Any], scope: Scope | None = None) -> None:
    """The error as JSON for the API, or as a small HTML page (that htmx can swap in) for the pages."""
    if scope is not None and not str(scope.get("path", "")).startswith("/api/"):
        data = _error_html(body).encode()
        ctype = b"text/html; charset=utf-8"
    else:
        data = orjson.dumps(body)
        ctype = b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", ctype), (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})


def _error_html(body: dict[str, Any]) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error · backcover</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/app.css"></head><body><main id="main">'
        '<div class="alert error" role="alert" data-testid="error">'
        f"<p><strong>{escape(str(body['error']))}</strong></p>"
        f"<p>What to do: {escape(str(body['fix']))}</p></div>"
        '<p><a href="/">Back to Start</a></p>'
        f'<p class="disclaimer">{escape(DISCLAIMER)}</p></main></body></html>'
    )


class HostGuardMiddleware:
    """Refuse requests whose Host is not a loopback name (DNS rebinding), and cross-site writes.

    ``allowed`` holds exact ``host[:port]`` values (lower case). ``None`` accepts any port on the
    loopback names, which is what tests and ``create_app()`` without a port use.
    """

    def __init__(self, app: ASGIApp, allowed: frozenset[str] | None = None) -> None:
        self.app = app
        self.allowed = allowed

    def _ok(self, host: str) -> bool:
        host = host.lower()
        if self.allowed is not None:
            return host in self.allowed
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if host.startswith("[::1]"):
            name = "[::1]"
        return name in ("127.0.0.1", "localhost", "[::1]")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if not self._ok(host):
            await _send_json(
                send,
                421,
                {
                    "error": "this server only answers requests addressed to 127.0.0.1 or localhost",
                    "fix": "open the address that `backcover serve` printed",
                    "file": None,
                    "where": "Host header",
                },
                scope,
            )
            return
        origin = headers.get("origin")
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and origin and origin != "null":
            origin_host = origin.split("://", 1)[-1].rstrip("/")
            if origin_host.lower() != host.lower():
                await _send_json(
                    send,
                    403,
                    {
                        "error": "a request from another site was refused",
                        "fix": "use the backcover pages themselves to send forms",
                        "file": None,
                        "where": "Origin header",
                    },
                    scope,
                )
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse request bodies larger than ``max_bytes`` with 413, by header and while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = {
            "error": f"the upload is larger than the limit of {self.max_bytes // (1024 * 1024)} MB",
            "fix": "split the export into smaller files, or start the server with a larger --max-upload-mb",
            "file": None,
            "where": "request body",
        }
        for k, v in scope["headers"]:
            if k.lower() == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    n = 0
                if n > self.max_bytes:
                    await _send_json(send, 413, too_big, scope)
                    return
        seen = 0
        started = False
        refused = False

        async def limited_receive() -> Message:
            # Over the limit: answer 413 at once and tell the app the client went away, so that a
            # body parser's own error (FastAPI turns any into a 400) never reaches the client.
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not started:
                        await _send_json(send, 413, too_big, scope)
                    return {"type": "http.disconnect"}
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if refused:
                return
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not refused:
                raise


class SecurityHeadersMiddleware:
    """Add the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = CSP_DOCS if scope["path"] == "/docs" else CSP

        async def add_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
                ]
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, add_headers)


def new_session_id() -> str:
    return secrets.token_urlsafe(24)


def csrf_token_for(secret: bytes, session_id: str) -> str:
    """The form token for a browser session: an HMAC of its session cookie under the app's secret."""
    return hmac.new(secret, session_id.encode(), hashlib.sha256).hexdigest()


def valid_csrf(secret: bytes, session_id: str | None, token: str | None) -> bool:
    if not session_id or not token:
        return False
    return hmac.compare_digest(csrf_token_for(secret, session_id), token)


class CatchAllMiddleware:
    """Turn an unexpected exception into a 500 that names only the exception type.

    The exception text is never logged or sent (it could hold health data) unless BACKCOVER_DEBUG
    is set, in which case it propagates as usual.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if os.environ.get("BACKCOVER_DEBUG"):
                raise
            _log.error("internal error (%s) on %s %s", type(exc).__name__, scope["method"], _route_of(scope))
            if not started:
                await _send_json(
                    send,
                    500,
                    {
                        "error": f"internal error ({type(exc).__name__}); this is a bug in backcover, "
                        "not in your input",
                        "fix": "report it; run the server with BACKCOVER_DEBUG=1 to see details",
                        "file": None,
                        "where": None,
                    },
                    scope,
                )


def _route_of(scope: Scope) -> str:
    """The route's template (``/cases/{case_id}``), never the path itself: a path can hold a name."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(template, str):
        return template
    path: str = scope.get("path", "")
    first = path.split("/")[1] if path.count("/") >= 1 else ""
    return f"/{first}/…" if path.count("/") > 1 else f"/{first}"
