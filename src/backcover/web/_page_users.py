"""The admin's users page (clinic mode): add a user, disable or enable one, set a new password.

The same use cases as ``backcover users`` (:mod:`backcover.clinic`). Disabling a user or setting
their password ends their sessions at once. One-time codes are set up from the command line, which
shows the secret only to the person at the server.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from backcover import clinic
from backcover.errors import BadInput
from backcover.i18n import N_, gettext
from backcover.store import ROLES
from backcover.web._actor import Action, require
from backcover.web._context import ctx, page_language, render
from backcover.web._forms import checked_form, field, secret_field, see_other

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

UserName = Annotated[str, PathParam(min_length=1, max_length=64)]
DONE = {
    "added": N_("User added. They can sign in now."),
    "disabled": N_("User disabled; their sessions have ended."),
    "enabled": N_("User enabled."),
    "password": N_("Password set; the user's sessions have ended."),
}
ROLE_WORDS = {
    "admin": N_("admin: manages users, reads the audit log, and works cases"),
    "staff": N_("staff: reads and works cases"),
    "viewer": N_("viewer: reads only"),
}


def _page(request: Request, error: BadInput | None = None, status: int = 200) -> Response:
    me = require(request, Action.ADMIN)
    page_language(request)
    done = DONE.get(request.query_params.get("done", ""))
    accounts = ctx(request).signin().accounts
    counts = accounts.session_counts()
    users = [clinic.user_json(u, counts.get(u.id, 0)) for u in accounts.users()]
    return render(
        request,
        "users.html",
        {
            "title": "Users",
            "users": users,
            "roles": [(r, ROLE_WORDS[r]) for r in ROLES],
            "error": error,
            "flash": done and gettext(done),
            "min_password": clinic.MIN_PASSWORD,
            "me": me.username if me else None,
        },
        status,
    )


@router.get("/users")
async def users_page(request: Request) -> Response:
    return await run_in_threadpool(_page, request)


async def _act(request: Request, done: str, action: Any, *args: str) -> Response:
    require(request, Action.ADMIN)
    accounts = ctx(request).signin().accounts
    try:
        await run_in_threadpool(action, accounts, *args)
    except BadInput as exc:
        return await run_in_threadpool(_page, request, exc, 400)
    return see_other(f"/users?done={done}")


@router.post("/users")
async def users_add(request: Request) -> Response:
    form = await checked_form(request)
    return await _act(
        request,
        "added",
        clinic.add_user,
        field(form, "name"),
        field(form, "role"),
        secret_field(form, "password"),
    )


@router.post("/users/{name}/disable")
async def users_disable(request: Request, name: UserName) -> Response:
    await checked_form(request)
    me = require(request, Action.ADMIN)
    if me is not None and name.strip().lower() == me.username:
        # an admin who locked themselves out might leave the clinic with no admin at all
        problem = BadInput(
            "you cannot disable your own account here",
            "ask another admin, or run `backcover users disable NAME` at the server",
            where="user",
        )
        return await run_in_threadpool(_page, request, problem, 400)
    return await _act(request, "disabled", clinic.disable_user, name)


@router.post("/users/{name}/enable")
async def users_enable(request: Request, name: UserName) -> Response:
    await checked_form(request)
    return await _act(request, "enabled", clinic.enable_user, name)


@router.post("/users/{name}/password")
async def users_password(request: Request, name: UserName) -> Response:
    form = await checked_form(request)
    return await _act(request, "password", clinic.reset_password, name, secret_field(form, "password"))
