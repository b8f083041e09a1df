"""The audit log for admins: ``GET /api/audit`` (CONTRACTS.md section 8), the ``/audit`` page with
its filters, and the same rows as CSV (``/audit.csv``). Newest first; ids, never patient data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from backcover.errors import BadInput
from backcover.store import AuditEntry, audit_csv, event_json, parse_since
from backcover.web._actor import Action, require
from backcover.web._api import ERRORS
from backcover.web._context import ctx, render
from backcover.web._forms import labelled

__all__ = ["api_router", "page_router"]

_REFUSED = {
    "description": "The role may not read the audit log (admins only)",
    "content": ERRORS[400]["content"],
}
api_router = APIRouter(prefix="/api", tags=["audit"], responses={**ERRORS, 403: _REFUSED})
page_router = APIRouter(include_in_schema=False)

Limit = Annotated[int, Query(ge=1, le=10_000, description="at most this many events (newest first)")]
ActorQ = Annotated[
    str | None,
    Query(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$", description="only this user (or CLI actor)"),
]
PatientQ = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="only events about this patient id")]
SinceQ = Annotated[
    str | None, Query(max_length=40, description="only events at or after this date (YYYY-MM-DD) or time")
]


def _events(
    request: Request, limit: int, actor: str | None, patient: int | None, since: str | None
) -> list[AuditEntry]:
    require(request, Action.ADMIN)
    return (
        ctx(request)
        .store()
        .audit_events(limit=limit, actor=actor or None, patient_id=patient, since=parse_since(since))
    )


@api_router.get("/audit", summary="The audit log (admins only)")
def api_audit(
    request: Request,
    limit: Limit = 100,
    actor: ActorQ = None,
    patient: PatientQ = None,
    since: SinceQ = None,
) -> dict[str, Any]:
    """Every read and write of patient data: `{"events": [{"at", "actor", "action", "route",
    "patient_id", "case_id", ...}]}`, newest first. A list read names its patients in
    `patient_ids`. Others than admins get 403."""
    return {"events": [event_json(e) for e in _events(request, limit, actor, patient, since)]}


def _number(raw: str, name: str, words: str, low: int, high: int) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadInput(
            f"{raw[:20]!r} is not a {words}", f"give a whole number from {low} to {high:,}", where=name
        )
    return int(raw)


def _page_filters(request: Request, default_limit: int) -> tuple[int, str | None, int | None, str | None]:
    """The filter form's fields as typed (an empty box is no filter; the API is stricter)."""
    q = request.query_params
    actor = (q.get("actor") or "").strip()[:200]
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in actor):
        raise BadInput("the user name has control characters", "type the name again", where="User")
    patient = _number((q.get("patient") or "").strip(), "Patient number", "patient number", 1, 2**31 - 1)
    limit = _number((q.get("limit") or "").strip(), "At most", "number of events", 1, 10_000)
    since = (q.get("since") or "").strip()[:40]
    return limit or default_limit, actor or None, patient, since or None


@page_router.get("/audit")
async def audit_page(request: Request) -> Response:
    require(request, Action.ADMIN)
    error: BadInput | None = None
    events: list[dict[str, Any]] = []
    q = request.query_params
    limit = 200
    try:
        limit, actor, patient, since = _page_filters(request, limit)
        rows = await run_in_threadpool(_events, request, limit, actor, patient, since)
        events = [event_json(e) for e in rows]
    except BadInput as exc:
        error = labelled(exc, {"since": "Since"})
    for e in events:
        e["shown_at"] = datetime.fromisoformat(e["at"]).strftime("%Y-%m-%d %H:%M:%S UTC")
    query = str(request.url.query)
    return render(
        request,
        "audit.html",
        {
            "title": "Audit log",  # translated by the layout
            "events": events,
            "error": error,
            "filters": {
                "actor": (q.get("actor") or "")[:200],
                "patient": (q.get("patient") or "")[:20],
                "since": (q.get("since") or "")[:40],
                "limit": (q.get("limit") or "")[:20] or limit,
            },
            "csv_href": "/audit.csv" + (f"?{query}" if query else ""),
        },
        400 if error else 200,
    )


@page_router.get("/audit.csv")
def audit_csv_download(request: Request) -> Response:
    require(request, Action.ADMIN)
    rows = _events(request, *_page_filters(request, 10_000))
    return Response(
        audit_csv([event_json(e) for e in rows]),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="backcover-audit.csv"'},
    )
