"""The per-install access key of the local server (CONTRACTS.md section 4), as Jupyter does it.

The key lives in ``server-key`` (mode 0600) in the data folder. A browser opens the URL that
``backcover serve`` prints (``/?key=KEY``); the server answers with an HttpOnly, SameSite=Strict
cookie and redirects to the same address without the key. API clients send
``Authorization: Bearer KEY``. Without either, ``/api/*`` answers 401 (JSON) and pages show a short
page that asks for the URL; no data is sent. Exempt: ``/healthz``, static files, the OpenAPI
description and its viewer (no data), and the CDS Hooks and DTR endpoints, which check their own JWT.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from backcover import DISCLAIMER
from backcover.errors import BadInput

__all__ = [
    "ACCESS_COOKIE",
    "KEY_FILE",
    "AccessKeyMiddleware",
    "browser_url",
    "cookie_token",
    "load_or_create_key",
]

ACCESS_COOKIE = "bc_access"
KEY_FILE = "server-key"
_EXEMPT_EXACT = frozenset({"/healthz", "/openapi.json", "/docs", "/favicon.ico"})
_EXEMPT_PREFIX = ("/static/", "/cds-services", "/fhir/")


def load_or_create_key(folder: Path) -> str:
    """The key kept in ``folder/server-key``, created (owner-only) on first use."""
    path = folder / KEY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_text(encoding="ascii").strip()
            if len(key) >= 32:
                os.chmod(path, 0o600)
                return key
            # An empty or cut-off key (a crash while it was written): make a new one.
            path.unlink()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        key = secrets.token_urlsafe(32)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return key
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(
            f"cannot read or create the server key ({type(exc).__name__})",
            "check that the data folder is yours and writable, or set BACKCOVER_HOME",
            file=str(path),
        ) from None


def browser_url(host: str, port: int, key: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?key={key}"


def cookie_token(key: str) -> str:
    """What the browser's cookie holds: derived from the key, so the key itself stays out of it."""
    return hmac.new(key.encode(), b"backcover browser session", hashlib.sha256).hexdigest()


def _exempt(path: str) -> bool:
    return path in _EXEMPT_EXACT or path.startswith(_EXEMPT_PREFIX)


_ASK_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Open the full address · backcover'
    '</title><meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="stylesheet" href="/static/app.css"></head><body><main id="main">'
    '<h1>Open the full address</h1><div class="alert" role="alert" data-testid="need-key">'
    "<p>This page needs the address that <code>backcover serve</code> (or <code>make run</code>) "
    "printed when it started: it ends in <code>?key=…</code>.</p>"
    "<p>To see it again, run <code>backcover serve --print-url</code>.</p></div>"
    f'<p class="disclaimer">{escape(DISCLAIMER)}</p></main></body></html>'
).encode()

_API_401 = orjson.dumps(
    {
        "error": "this request has no valid access key",
        "fix": "send the header 'Authorization: Bearer KEY' with the key in the data folder's "
        "server-key file (backcover serve --print-url shows it)",
        "file": None,
        "where": "Authorization header",
    }
)


class AccessKeyMiddleware:
    """Let through requests that carry the key (header or cookie); trade ``?key=`` for the cookie."""

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self.key = key.encode()
        self.token = cookie_token(key).encode()

    def _has_key(self, scope: Scope) -> bool:
        for k, v in scope["headers"]:
            name = k.lower()
            if name == b"authorization":
                scheme, _, given = v.partition(b" ")
                if scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self.key):
                    return True
            elif name == b"cookie":
                for part in v.split(b";"):
                    cname, _, cval = part.strip().partition(b"=")
                    if cname == ACCESS_COOKIE.encode() and hmac.compare_digest(cval, self.token):
                        return True
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        pairs = parse_qsl(query, keep_blank_values=True)
        given = next((v for k, v in pairs if k == "key"), None)
        if given is not None and hmac.compare_digest(given.encode(), self.key):
            rest = urlencode([(k, v) for k, v in pairs if k != "key"])
            location = scope["path"] + (f"?{rest}" if rest else "")
            cookie = f"{ACCESS_COOKIE}={self.token.decode()}; HttpOnly; SameSite=Strict; Path=/"
            await _respond(
                send,
                303,
                b"text/plain; charset=utf-8",
                b"",
                [
                    (b"location", location.encode("latin-1")),
                    (b"set-cookie", cookie.encode()),
                ],
            )
            return
        if self._has_key(scope):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/api/"):
            await _respond(
                send, 401, b"application/json", _API_401, [(b"www-authenticate", b'Bearer realm="backcover"')]
            )
        else:
            await _respond(send, 401, b"text/html; charset=utf-8", _ASK_PAGE, [])


async def _respond(
    send: Send, status: int, ctype: bytes, body: bytes, extra: list[tuple[bytes, bytes]]
) -> None:
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
