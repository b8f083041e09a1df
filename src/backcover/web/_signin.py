"""Clinic mode's sign-in middleware: it takes the access key's place (CONTRACTS.md section 8).

A request carries its session as ``Authorization: Bearer TOKEN`` (API clients) or in the HttpOnly,
SameSite=Strict ``bc_signin`` cookie (browsers). With a valid session the middleware puts the
:class:`~backcover.web._actor.Actor` on ``request.state.actor`` and runs the request under an audit
scope naming that user. Without one, ``/api/*`` (and the OpenAPI document) answers 401 with the
usual error object, and a page answers 303 to ``/login?next=PATH``. Exempt: ``/login``,
``POST /api/session``, ``/healthz``, static files, and the CDS Hooks and DTR endpoints (their own
JWT).

A request that touched patient data outside the store (the workspace's imported files) and so
wrote no audit entry of its own gets one for its route, written before the answer is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backcover.store import AuditScope, acting
from backcover.web._actor import Action, Actor, Role, allowed
from backcover.web._policy import exempt

if TYPE_CHECKING:
    from backcover.web._context import WebContext

__all__ = ["SIGNIN_COOKIE", "SignInMiddleware", "safe_next", "token_of"]

SIGNIN_COOKIE = "bc_signin"
_PASS = ("/static/", "/cds-services", "/fhir/")

API_401 = orjson.dumps(
    {
        "error": "this request has no valid session: sign in first",
        "fix": 'POST /api/session with {"username": "...", "password": "..."} and send the token it '
        "returns as 'Authorization: Bearer TOKEN'",
        "file": None,
        "where": "Authorization header",
    }
)


def token_of(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The session token: the bearer header first, else the sign-in cookie."""
    cookie: str | None = None
    for k, v in headers:
        name = k.lower()
        if name == b"authorization":
            scheme, _, given = v.partition(b" ")
            if scheme.lower() == b"bearer" and given.strip():
                return given.strip().decode("latin-1")
        elif name == b"cookie":
            for part in v.split(b";"):
                cname, _, cval = part.strip().partition(b"=")
                if cname == SIGNIN_COOKIE.encode() and cval:
                    cookie = cval.decode("latin-1")
    return cookie


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (never ``//host`` or a scheme)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ch in value for ch in "\r\n\t\\") or value.startswith("/login"):
        return "/"
    return value


class SignInMiddleware:
    def __init__(self, app: ASGIApp, web: WebContext) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(_PASS) or path == "/healthz":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        token = token_of(scope["headers"])
        user = await run_in_threadpool(self.web.signin().session, token) if token else None
        if user is None:
            if exempt(method, path):
                await self.app(scope, receive, send)
            else:
                await _refuse(scope, send)
            return
        actor = Actor(user.user_id, user.username, Role(user.role))
        state = scope.setdefault("state", {})
        state["actor"] = actor
        state["session_token"] = token
        audit = AuditScope(actor=user.username, may_write=allowed(actor, Action.WRITE))
        web = self.web

        async def audited_send(msg: Message) -> None:
            if (
                msg["type"] == "http.response.start"
                and msg["status"] < 400
                and audit.access is not None
                and audit.events == 0
            ):
                await run_in_threadpool(web.store().record_access, audit.access)
            await send(msg)

        with acting(audit):
            await self.app(scope, receive, audited_send)


async def _refuse(scope: Scope, send: Send) -> None:
    path: str = scope["path"]
    headers: list[tuple[bytes, bytes]]
    if path.startswith("/api/") or path == "/openapi.json":
        body = API_401
        headers = [
            (b"content-type", b"application/json"),
            (b"www-authenticate", b'Bearer realm="backcover"'),
        ]
        status = 401
    else:
        query = scope.get("query_string", b"").decode("latin-1")
        here = path + (f"?{query}" if query else "")
        nxt = safe_next(here) if scope["method"] in ("GET", "HEAD") else "/"
        location = "/login" if nxt == "/" else f"/login?next={quote(nxt, safe='/')}"
        body = b""
        headers = [(b"location", location.encode("latin-1")), (b"content-type", b"text/plain; charset=utf-8")]
        status = 303
        if any(k.lower() == b"hx-request" for k, _ in scope["headers"]):
            # htmx would follow a redirect inside the page: ask it to load the sign-in page instead
            headers = [(b"hx-redirect", location.encode("latin-1")), headers[1]]
            status = 401
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
