"""The worklist page: every open case across patients, most urgent first, with filters, "what is due
in N days", and a form on each row (and on the case page) to assign the case to a clinic user."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backcover import i18n, services
from backcover.caseload import MAX_DAYS, STAGES, WorkItem
from backcover.errors import BadInput
from backcover.i18n import N_
from backcover.i18n import gettext as _
from backcover.web._actor import Action, actor_of, allowed, require
from backcover.web._casepage import assign_users, case_context
from backcover.web._context import ctx, page_language, render
from backcover.web._forms import CASE_PLAN_KINDS, CaseId, checked_form, field, labelled, see_other

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FILTERS = ("assignee", "payer", "status", "due")
FORM_WORDS = {
    "assignee": N_("Assigned to"),
    "payer": N_("Payer"),
    "status": N_("Status"),
    "days": N_("Due within"),
}


def _days(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_DAYS:
        raise BadInput(
            f"{text[:20]!r} is not a number of days from 0 to {MAX_DAYS}",
            "give a number of days such as 14",
            where="days",
        )
    return int(text)


def _when(left: int) -> str:
    """How far a date is, in the page's language: "in 3 days", "today", "2 days overdue"."""
    if left < 0:
        return i18n.ngettext("%(num)s day overdue", "%(num)s days overdue", -left) % {"num": -left}
    if left == 0:
        return _("today")
    return i18n.ngettext("in %(num)s day", "in %(num)s days", left) % {"num": left}


def _row(item: WorkItem, today: Any) -> dict[str, Any]:
    data = item.to_json(today)
    nxt = data["next_deadline"]
    if nxt is not None:
        nxt["when"] = _when(nxt["days_left"])
    return data


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: (q.get(k) or "").strip()[:200] for k in FILTERS}


@router.get("/worklist")
def worklist_page(request: Request) -> Response:
    require(request, Action.READ)
    page_language(request)
    web = ctx(request)
    today = web.today()
    store = web.store()
    chosen = _filters(request)
    users = assign_users(request, store)
    error: BadInput | None = None
    rows: list[dict[str, Any]] = []
    try:
        items = services.worklist(
            store,
            today,
            assignee=chosen["assignee"] or None,
            payer=chosen["payer"] or None,
            status=chosen["status"] or None,
            due_within_days=_days(chosen["due"]),
        )
        rows = [_row(i, today) for i in items]
    except BadInput as exc:
        error = labelled(exc, FORM_WORDS)
    return render(
        request,
        "worklist.html",
        {
            "title": "Worklist",
            "rows": rows,
            "error": error,
            "flash": _("Case assigned.") if request.query_params.get("done") == "assigned" else None,
            "today": today.isoformat(),
            "chosen": chosen,
            "back": urlencode({k: v for k, v in chosen.items() if v}),
            "assignees": store.assignees(),
            "users": users,
            "payers": CASE_PLAN_KINDS,
            "stages": list(STAGES.items()),
            "can_write": allowed(actor_of(request), Action.WRITE),
        },
        400 if error else 200,
    )


def _back(raw: str) -> str:
    """The worklist's address with the filters it was showing (only the known ones, re-encoded)."""
    kept = {k: v[:200] for k, v in parse_qsl(raw, keep_blank_values=False) if k in FILTERS}
    return "/worklist" + (f"?{urlencode(kept)}&" if kept else "?")


def _assignee(form: Any) -> str | None:
    return None if field(form, "action") == "unassign" else field(form, "assignee")


@router.post("/worklist/assign")
async def worklist_assign(request: Request) -> Response:
    require(request, Action.WRITE)
    form = await checked_form(request)
    web = ctx(request)
    back = _back(field(form, "back"))
    raw = field(form, "case_id")
    if not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
        raise BadInput("no case was chosen", "use the form on the case's row", where="case")
    store = web.store()
    services.assign_case(store, int(raw), _assignee(form), web.today(), users=assign_users(request, store))
    return see_other(f"{back}done=assigned#case-{raw}")


@router.post("/cases/{case_id}/assign")
async def case_assign(request: Request, case_id: CaseId) -> Response:
    require(request, Action.WRITE)
    form = await checked_form(request)
    web = ctx(request)
    store = web.store()
    try:
        services.assign_case(store, case_id, _assignee(form), web.today(), users=assign_users(request, store))
    except BadInput as exc:
        page_language(request)
        err = labelled(exc, FORM_WORDS)
        return render(request, "case.html", case_context(request, case_id, err), 400)
    return see_other(f"/cases/{case_id}?done=assigned#assign")
