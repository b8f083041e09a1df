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

__all__ = ["api_router", "page_router"]

_REFUSED = {
    "description": "The role may not read the audit log (admins only)",
    "content": ERRORS[400]["content"],
}
api_router = APIRouter(prefix="/api", tags=["audit"], responses={**ERRORS, 403: _REFUSED})
page_router = APIRouter(include_in_schema=False)

CSV_COLUMNS = (
    "at",
    "actor",
    "action",
    "route",
    "patient_id",
    "case_id",
    "patient_ids",
    "entity",
    "entity_id",
)

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


@page_router.get("/audit")
async def audit_page(
    request: Request,
    limit: Limit = 200,
    actor: ActorQ = None,
    patient: PatientQ = None,
    since: SinceQ = None,
) -> Response:
    error: BadInput | None = None
    events: list[dict[str, Any]] = []
    try:
        rows = await run_in_threadpool(_events, request, limit, actor, patient, since)
        events = [event_json(e) for e in rows]
    except BadInput as exc:
        error = exc
    for e in events:
        e["shown_at"] = datetime.fromisoformat(e["at"]).strftime("%Y-%m-%d %H:%M:%S UTC")
    query = str(request.url.query)
    return render(
        request,
        "audit.html",
        {
            "title": "Audit log",
            "events": events,
            "error": error,
            "filters": {"actor": actor or "", "patient": patient or "", "since": since or "", "limit": limit},
            "csv_href": "/audit.csv" + (f"?{query}" if query else ""),
        },
        400 if error else 200,
    )


@page_router.get("/audit.csv")
def audit_csv_download(
    request: Request,
    limit: Limit = 10_000,
    actor: ActorQ = None,
    patient: PatientQ = None,
    since: SinceQ = None,
) -> Response:
    rows = _events(request, limit, actor, patient, since)
    return Response(
        audit_csv([event_json(e) for e in rows]),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="backcover-audit.csv"'},
    )
