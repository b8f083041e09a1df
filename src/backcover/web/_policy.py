"""Who may use which route in clinic mode: the one table, and the one dependency that applies it.

Every route of the app runs :func:`authorize` first (it is the app's global dependency). In clinic
mode it looks the route up here, refuses (403) an action the signed-in user's role does not allow,
and tells the audit scope which route this is and whether it touches patient data. In the
single-user mode there is no actor and it does nothing.

The default is the safe one: a GET reads patient data (viewers may), any other method changes it
(staff and admins may). The tables below name the exceptions: routes with no patient data, the
POSTs that only compute (a viewer may run a check), and the admin routes. The store's audit gate
(``StoreBase._audit``) refuses a viewer's change again, whatever the route says.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from backcover.store import current_scope
from backcover.web._actor import Action, actor_of, require

__all__ = ["ADMIN", "COMPUTE", "NO_PATIENT_DATA", "Need", "authorize", "exempt", "need_for"]

# Paths that need no sign-in: the sign-in itself, health, static files, and the CDS Hooks and DTR
# endpoints (they check their own JWT, CONTRACTS.md section 9).
_EXEMPT_EXACT = frozenset({"/login", "/healthz", "/favicon.ico"})
_EXEMPT_PREFIX = ("/static/", "/cds-services", "/fhir/")

# (method, route template): routes that show or take no patient data.
NO_PATIENT_DATA = frozenset(
    {
        ("GET", "/help"),
        ("GET", "/docs"),
        ("GET", "/openapi.json"),
        ("GET", "/healthz"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("POST", "/api/session"),
        ("DELETE", "/api/session"),
        ("GET", "/api/me"),
        ("GET", "/api/procedures"),
        ("GET", "/api/plan-templates"),
        ("GET", "/api/insurers"),
        ("GET", "/check/procedures"),
        ("POST", "/api/deadlines"),
    }
)
# POSTs that read patient data and compute an answer, changing nothing.
COMPUTE = frozenset(
    {
        ("POST", "/api/check"),
        ("POST", "/api/estimate"),
        ("POST", "/cost"),
        ("POST", "/compare"),
        ("POST", "/cases/{case_id}/letter/{kind}"),
        ("POST", "/cases/{case_id}/letter/{kind}/review"),
        ("POST", "/cases/{case_id}/denial/read"),
    }
)
# Admin routes: users, the audit log, and the export of the whole store.
ADMIN = frozenset(
    {
        ("GET", "/api/audit"),
        ("GET", "/audit"),
        ("GET", "/audit.csv"),
        ("GET", "/users"),
        ("POST", "/users"),
        ("POST", "/users/{name}/disable"),
        ("POST", "/users/{name}/enable"),
        ("POST", "/users/{name}/password"),
        ("GET", "/my-data/download"),
    }
)
# Of the admin routes, the one that reads patient data (users and the audit log are not).
_ADMIN_READS = frozenset({("GET", "/my-data/download")})
# The single user's "delete everything": never in clinic mode.
SINGLE_USER_ONLY = frozenset({("POST", "/my-data/delete")})


@dataclass(frozen=True, slots=True)
class Need:
    """What a route needs: the action the role must allow (None: any signed-in user), and what it
    does to patient data (``"read"``, ``"update"``, or None)."""

    action: Action | None
    access: str | None


def exempt(method: str, path: str) -> bool:
    """Paths answered without a signed-in user."""
    if path in _EXEMPT_EXACT or path.startswith(_EXEMPT_PREFIX):
        return True
    return path == "/api/session" and method == "POST"


def need_for(method: str, template: str) -> Need:
    key = ("GET" if method == "HEAD" else method, template)
    if key in ADMIN:
        return Need(Action.ADMIN, "read" if key in _ADMIN_READS else None)
    if key in NO_PATIENT_DATA:
        return Need(None, None)
    if key[0] == "GET" or key in COMPUTE:
        return Need(Action.READ, "read")
    return Need(Action.WRITE, "update")


async def authorize(request: Request) -> None:
    """The app's global dependency: apply the table to this route (clinic mode only)."""
    if actor_of(request) is None:
        return
    route = request.scope.get("route")
    template = str(getattr(route, "path_format", None) or request.url.path)
    key = (request.method, template)
    if key in SINGLE_USER_ONLY:
        raise HTTPException(
            403, "deleting all data is not available in clinic mode; an admin removes data in the database"
        )
    need = need_for(request.method, template)
    if need.action is not None:
        require(request, need.action)
    scope = current_scope()
    if scope is not None:
        scope.route = f"{'GET' if request.method == 'HEAD' else request.method} {template}"
        scope.access = need.access
