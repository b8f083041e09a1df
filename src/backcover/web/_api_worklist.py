"""The clinic's JSON API: the worklist across patients, assigning a case, and the prior-authorization
figures (JSON or CSV). Reads need the READ action and the assignment WRITE (:mod:`._actor`); in the
single-user mode every action is allowed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from backcover import services
from backcover.caseload import MAX_DAYS
from backcover.web._actor import Action, require
from backcover.web._api import ERRORS
from backcover.web._casepage import assign_users
from backcover.web._context import ctx
from backcover.web._forms import CaseId

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["clinic"], responses={**ERRORS, 403: ERRORS[400]})

_OBJECT = {"content": {"application/json": {"schema": {"type": "object"}}}}


def _json(data: Any) -> Response:
    return Response(orjson.dumps(data), media_type="application/json")


@router.get(
    "/worklist",
    summary="Open cases across patients, most urgent first",
    response_class=Response,
    responses={200: {"description": "The worklist", **_OBJECT}},
)
def api_worklist(
    request: Request,
    assignee: Annotated[str | None, Query(max_length=64, description="only this user's cases")] = None,
    payer: Annotated[
        str | None, Query(max_length=200, description="a payer's name or a plan kind (medicare-advantage)")
    ] = None,
    status: Annotated[
        str | None, Query(max_length=40, description="a stage such as pa_submitted, denied, appeal_filed")
    ] = None,
    due_within_days: Annotated[
        int | None, Query(ge=0, le=MAX_DAYS, description="only cases with something due within N days")
    ] = None,
) -> Response:
    """Every open case with its patient, procedure, payer, status, assignee and next deadline (as of
    today), sorted overdue first, then expedited, then by the soonest date. `expedited` and `overdue`
    flag each case; `deadlines` lists its open dates (only those in the window with
    `due_within_days`)."""
    require(request, Action.READ)
    web = ctx(request)
    as_of = web.today()
    items = services.worklist(
        web.store(),
        as_of,
        assignee=assignee or None,
        payer=payer or None,
        status=status or None,
        due_within_days=due_within_days,
    )
    filters = {"assignee": assignee, "payer": payer, "status": status, "due_within_days": due_within_days}
    return _json(services.worklist_json(items, as_of, filters))


class AssignRequest(BaseModel):
    """Who works the case: a clinic user's name (1 to 64 characters), or null for no one."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"assignee": "kim"}]})
    assignee: Annotated[str | None, Field(max_length=1000)]


@router.post(
    "/cases/{case_id}/assign",
    summary="Assign a case to a clinic user",
    response_class=Response,
    responses={200: {"description": "The case's worklist row", **_OBJECT}},
)
def api_assign(case_id: CaseId, body: AssignRequest, request: Request) -> Response:
    """Give the case to `assignee` (null: to no one). In clinic mode the name must be one of the
    enabled staff or admin users (else 400). The change is audited. Returns the case as the
    worklist shows it."""
    require(request, Action.WRITE)
    web = ctx(request)
    as_of = web.today()
    store = web.store()
    item = services.assign_case(store, case_id, body.assignee, as_of, users=assign_users(request, store))
    return _json({"case": item.to_json(as_of)})


@router.get(
    "/metrics",
    summary="Prior-authorization figures by payer and service (CMS-0057-F style)",
    response_class=Response,
    responses={
        200: {
            "description": "The figures as JSON, or as CSV with format=csv",
            "content": {"application/json": {"schema": {"type": "object"}}, "text/csv": {}},
        }
    },
)
def api_metrics(
    request: Request,
    since: Annotated[date | None, Query(description="first day of the period (default: January 1)")] = None,
    until: Annotated[date | None, Query(description="last day of the period (default: today)")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> Response:
    """For each payer and service: the share of prior-authorization requests approved, denied and
    approved after appeal, and the average and median days from request to decision, standard and
    expedited apart, for requests sent in the period. These are the clinic's own figures from what
    it recorded, not the payer's published ones."""
    require(request, Action.READ)
    web = ctx(request)
    start, end = services.period(since, until, web.today())
    result = services.pa_metrics(web.store(), start, end)
    if format == "csv":
        name = f"pa-metrics-{start.isoformat()}-{end.isoformat()}.csv"
        return Response(
            result.to_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )
    return _json(result.to_json())
