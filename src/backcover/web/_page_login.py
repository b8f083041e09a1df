"""Signing in and out (clinic mode): the ``/login`` page, sign-out, and ``/api/session`` for API clients.

``POST /api/session`` with ``{"username", "password"}`` (and ``"otp"`` for an account with a
one-time code) answers ``{"token": ...}`` and sets the session cookie; ``DELETE /api/session`` ends
the session (``?everywhere=true``: every session of the user). A wrong answer is 401 after a
short, growing delay; too many are 429 with Retry-After (see :mod:`backcover.clinic._signin`).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from backcover.clinic import Granted, SignInRefused
from backcover.i18n import gettext
from backcover.store import AuditScope, acting
from backcover.web._actor import actor_of
from backcover.web._api import ERRORS
from backcover.web._context import ctx, page_language, render
from backcover.web._forms import checked_form, field, secret_field
from backcover.web._security import CSRF_COOKIE, new_session_id
from backcover.web._signin import SIGNIN_COOKIE, safe_next

__all__ = ["api_router", "page_router"]

page_router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["session"], responses=ERRORS)


class SessionRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"username": "jsmith", "password": "correct horse battery staple"}]},
    )
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    otp: str | None = Field(
        default=None, max_length=20, description="the one-time code, if the account has one"
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _sign_in(request: Request, username: str, password: str, otp: str | None) -> Granted:
    signin = ctx(request).signin()
    try:
        with acting(AuditScope(route=f"{request.method} {request.url.path}")):  # the sign-in's audit entry
            return await run_in_threadpool(signin.sign_in, username, password, otp or None, _client(request))
    except SignInRefused as exc:
        if exc.delay:
            await asyncio.sleep(exc.delay)
        raise


def _set_cookies(request: Request, resp: Response, token: str) -> None:
    settings = ctx(request).signin().settings
    resp.set_cookie(
        SIGNIN_COOKIE,
        token,
        max_age=int(settings.absolute.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    # a new form-token session after signing in (forms opened before cannot be replayed)
    resp.set_cookie(
        CSRF_COOKIE,
        new_session_id(),
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )


def _clear_cookie(request: Request, resp: Response) -> None:
    resp.delete_cookie(
        SIGNIN_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=ctx(request).signin().settings.secure_cookies,
    )


def _refusal_headers(exc: SignInRefused) -> dict[str, str]:
    return {"retry-after": str(exc.retry_after)} if exc.status == 429 else {}


@api_router.post(
    "/session",
    summary="Sign in (clinic mode): a bearer token for API clients",
    responses={401: {"description": "wrong credentials"}, 429: {"description": "too many failed sign-ins"}},
)
async def api_session(body: SessionRequest, request: Request) -> Response:
    """Returns `{"token": "..."}` (send it as `Authorization: Bearer TOKEN`) and sets the session
    cookie. Wrong credentials: 401 (the same answer for an unknown user)."""
    try:
        granted = await _sign_in(request, body.username, body.password, body.otp)
    except SignInRefused as exc:
        return JSONResponse(
            {"error": exc.message, "fix": _fix(exc), "file": None, "where": "username, password"},
            status_code=exc.status,
            headers=_refusal_headers(exc),
        )
    resp = JSONResponse(
        {"token": granted.token, "user": {"username": granted.user.username, "role": granted.user.role}}
    )
    _set_cookies(request, resp, granted.token)
    return resp


def _fix(exc: SignInRefused) -> str:
    if exc.status == 429:
        return f"try again in {exc.retry_after} seconds, or ask an admin"
    return "check the user name and password (and the one-time code, if the account has one)"


def _page_error(request: Request, exc: SignInRefused) -> str:
    """The refusal in the page's language: what happened, then what to do."""
    page_language(request)
    if exc.status == 429:
        fix = gettext("Try again in %(n)s seconds, or ask an admin.") % {"n": exc.retry_after}
    else:
        fix = gettext("Check the user name and password (and the one-time code, if the account has one).")
    return f"{gettext(exc.message)}. {fix}"


@api_router.delete("/session", summary="Sign out (clinic mode)")
def api_session_end(
    request: Request,
    everywhere: Annotated[bool, Query(description="end every session of this user")] = False,
) -> Response:
    token = str(getattr(request.state, "session_token", "") or "")
    ended = ctx(request).signin().sign_out(token, everywhere=everywhere)
    resp = JSONResponse({"ended": ended})
    _clear_cookie(request, resp)
    return resp


@api_router.get("/me", summary="Who is signed in (clinic mode)")
def api_me(request: Request) -> dict[str, Any]:
    actor = actor_of(request)
    return {"username": actor.username if actor else None, "role": actor.role.value if actor else None}


def _login_page(request: Request, nxt: str, error: str | None = None, status: int = 200) -> Response:
    signed_out = request.query_params.get("signed_out") == "1"
    return render(
        request,
        "login.html",
        {"title": "Sign in", "next": nxt, "error": error, "signed_out": signed_out},
        status,
    )


@page_router.get("/login")
def login_page(
    request: Request, go: Annotated[str | None, Query(alias="next", max_length=2000)] = None
) -> Response:
    nxt = safe_next(go)
    if actor_of(request) is not None:
        return RedirectResponse(nxt, status_code=303)
    return _login_page(request, nxt)


@page_router.post("/login")
async def login_submit(request: Request) -> Response:
    form = await checked_form(request)
    nxt = safe_next(field(form, "next"))
    try:
        granted = await _sign_in(
            request, field(form, "username"), secret_field(form, "password"), field(form, "otp")
        )
    except SignInRefused as exc:
        resp = _login_page(request, nxt, _page_error(request, exc), exc.status)
        resp.headers.update(_refusal_headers(exc))
        return resp
    resp = RedirectResponse(nxt, status_code=303)
    _set_cookies(request, resp, granted.token)
    return resp


@page_router.post("/logout")
async def logout(request: Request) -> Response:
    form = await checked_form(request)
    token = str(getattr(request.state, "session_token", "") or "")
    await run_in_threadpool(
        ctx(request).signin().sign_out, token, everywhere=field(form, "everywhere") == "1"
    )
    resp = RedirectResponse("/login?signed_out=1", status_code=303)
    _clear_cookie(request, resp)
    return resp
