"""What the page modules share: the CSRF-checked form, redirects and messages, and the choices
the forms offer (payers, settings, procedures) in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from backcover.catalog import families, search
from backcover.errors import BadInput
from backcover.i18n import gettext
from backcover.vocab import Payer, PlanKind, Setting, payer_for_plan_kind
from backcover.web import _plans
from backcover.web._context import ctx
from backcover.web._security import CSRF_COOKIE, CSRF_FIELD, valid_csrf

__all__ = [
    "CASE_PLAN_KINDS",
    "MESSAGES",
    "PAYERS",
    "SETTING_NAMES",
    "CaseId",
    "checked_form",
    "date_field",
    "field",
    "flash",
    "labelled",
    "optional_date_field",
    "plan_kind",
    "plan_payer",
    "procedure_choices",
    "secret_field",
    "see_other",
]

# Ids in paths are database integers: anything else is "no such case", not an overflow.
CaseId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]

MESSAGES = {
    "imported": "Records imported. Choose the person below.",
    "patient": "Person chosen. Their record is below.",
    "plan": "Plan saved.",
    "planform": "Your plan's numbers are saved.",
    "logedit": "Log entry changed.",
    "logdelete": "Log entry deleted.",
    "deleted": "All your data in this app was deleted.",
    "accumulators": "Amounts met so far saved.",
    "log": "Entry added to your treatment log.",
    "logstart": "Treatment log started. Add your first entries below.",
    "cleared": "Imported records removed from this app.",
    "case": "Case opened.",
    "denial": "Denial added.",
    "status": "Status updated.",
    "document": "Document added to the case.",
}


async def checked_form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the session cookie."""
    form = await request.form(max_files=20, max_fields=200)
    token = form.get(CSRF_FIELD)
    if not valid_csrf(
        ctx(request).secret, request.cookies.get(CSRF_COOKIE), token if isinstance(token, str) else None
    ):
        raise HTTPException(
            403, "This form has expired or did not come from this app. Reload the page and send it again."
        )
    return form


def field(form: FormData, name: str, default: str = "") -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else default


def secret_field(form: FormData, name: str) -> str:
    """A password as typed: not stripped (spaces may be part of it)."""
    v = form.get(name)
    return v if isinstance(v, str) else ""


def see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def labelled(exc: BadInput, labels: Mapping[str, str]) -> BadInput:
    """The error with its field named as the form labels it, in the page's language."""
    label = labels.get(exc.where or "")
    return BadInput(exc.problem, exc.fix, exc.file, gettext(label) if label else exc.where)


def flash(request: Request) -> str | None:
    return MESSAGES.get(request.query_params.get("done", ""))


PAYERS: list[tuple[str, str]] = [(p.value, p.label) for p in Payer]
# A case is filed under a plan kind (which names its payer and its appeal levels).
CASE_PLAN_KINDS: list[tuple[str, str]] = [(k.value, k.label) for k in PlanKind if k is not PlanKind.UNINSURED]
SETTING_NAMES: dict[str, str] = {
    Setting.OFFICE: "doctor's office or imaging center",
    Setting.ASC: "ambulatory surgery center (ASC)",
    Setting.HOSPITAL_OUTPATIENT: "hospital outpatient department",
    Setting.INPATIENT: "hospital stay (inpatient)",
}


def plan_payer(request: Request) -> str | None:
    ws = ctx(request).workspace
    try:
        cur = _plans.current_plan(ws)
    except BadInput:
        return None
    if not cur:
        return None
    payer = payer_for_plan_kind(cur[2].kind)
    return payer.value if payer is not None else None


def procedure_choices(q: str = "") -> list[dict[str, Any]]:
    fams = search(q) if q.strip() else list(families().values())
    return [{"code": p.code, "name": p.name, "family": p.family} for p in fams]


def optional_date_field(form: FormData, name: str, label: str) -> date | None:
    """A date typed in a form (``YYYY-MM-DD``), or None when left empty."""
    raw = field(form, name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadInput(f"{raw!r} is not a date", "give the date as YYYY-MM-DD", where=label) from None


def date_field(form: FormData, name: str, label: str) -> date:
    """A date the form must have."""
    d = optional_date_field(form, name, label)
    if d is None:
        raise BadInput(f"{label} is missing", "give the date as YYYY-MM-DD", where=label)
    return d


def plan_kind(request: Request) -> str | None:
    try:
        cur = _plans.current_plan(ctx(request).workspace)
    except BadInput:
        return None
    return cur[2].kind if cur else None
