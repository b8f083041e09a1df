"""The rest of a case's story on the case page: edit its details, record appeals, peer-to-peer and
external reviews, review a draft beside its "Before you send" sheet, make the final letter and keep
it, read a denial notice, close, reopen or delete, and the deadlines as a calendar file."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from backcover import services
from backcover.errors import BadInput
from backcover.web import _cases, _letters
from backcover.web._casepage import case_context, store_patient
from backcover.web._context import ctx, render
from backcover.web._forms import CaseId, checked_form, field, optional_date_field, see_other

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

EDIT_DATES = {
    "birth_date": "Date of birth",
    "service_from": "Date of service",
    "service_to": "Last date of service",
}


def _fail(request: Request, case_id: int, exc: BadInput, **extra: object) -> Response:
    return render(request, "case.html", case_context(request, case_id, _cases.on_form(exc), **extra), 400)


def _letter_kind(kind: str) -> str:
    if kind not in _letters.LETTERS:
        raise HTTPException(404, "There is no such letter.")
    return kind


@router.post("/cases/{case_id}/edit")
async def case_edit(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, _pid, _record = store_patient(request)
    try:
        changes: dict[str, object] = {}
        for name in services.CASE_EDIT_FIELDS:
            if name not in form:
                continue
            if name in EDIT_DATES:
                changes[name] = optional_date_field(form, name, EDIT_DATES[name])
            else:
                changes[name] = field(form, name)
        services.edit_case(store, case_id, changes)
    except BadInput as exc:
        return _fail(request, case_id, exc)
    return see_other(f"/cases/{case_id}?done=edit#details")


@router.post("/cases/{case_id}/appeal")
async def case_appeal(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, _pid, _record = store_patient(request)
    try:
        services.record_appeal(
            store,
            case_id,
            field(form, "level"),
            filed_on=optional_date_field(form, "filed_on", "Date filed"),
            outcome=field(form, "outcome") or None,
            outcome_date=optional_date_field(form, "outcome_date", "Date of the decision"),
        )
    except BadInput as exc:
        return _fail(request, case_id, exc)
    return see_other(f"/cases/{case_id}?done=appeal#appeals")


@router.post("/cases/{case_id}/p2p")
async def case_p2p(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, _pid, _record = store_patient(request)
    try:
        services.record_peer_to_peer(
            store,
            case_id,
            requested_on=optional_date_field(form, "requested_on", "Date requested"),
            scheduled_for=optional_date_field(form, "scheduled_for", "Scheduled for"),
            reviewer=field(form, "reviewer") or None,
            credentials=field(form, "credentials") or None,
            outcome=field(form, "outcome") or None,
            decided_on=optional_date_field(form, "decided_on", "Date of the outcome"),
        )
    except BadInput as exc:
        return _fail(request, case_id, exc)
    return see_other(f"/cases/{case_id}?done=p2p#appeals")


@router.post("/cases/{case_id}/external")
async def case_external(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, _pid, _record = store_patient(request)
    try:
        services.record_external_review(
            store,
            case_id,
            requested_on=optional_date_field(form, "requested_on", "Date requested"),
            organization=field(form, "organization") or None,
            decision=field(form, "decision") or None,
            decided_on=optional_date_field(form, "decided_on", "Date of the decision"),
        )
    except BadInput as exc:
        return _fail(request, case_id, exc)
    return see_other(f"/cases/{case_id}?done=external#appeals")


@router.post("/cases/{case_id}/letter/{kind}/review")
async def case_letter_review(request: Request, case_id: CaseId, kind: str) -> Response:
    form = await checked_form(request)
    store, pid, record = store_patient(request)
    signer = field(form, "signer") or "patient"
    try:
        _case, doc = _letters.draft(
            store, case_id, pid, _letter_kind(kind), record=record, as_of=ctx(request).today(), signer=signer
        )
    except BadInput as exc:
        return _fail(request, case_id, exc)
    panel = {"kind": kind, "signer": signer, **_letters.review(doc)}
    return render(request, "case.html", case_context(request, case_id, review=panel))


@router.post("/cases/{case_id}/letter/{kind}/final")
async def case_letter_final(request: Request, case_id: CaseId, kind: str) -> Response:
    form = await checked_form(request)
    store, pid, record = store_patient(request)
    signer = field(form, "signer") or "patient"
    try:
        _kept, doc, problem = _letters.finalise(
            store, case_id, pid, _letter_kind(kind), record=record, as_of=ctx(request).today(), signer=signer
        )
    except BadInput as exc:
        return _fail(request, case_id, exc)
    if problem is not None:  # nothing kept: the draft stays available beside the sheet
        panel = {"kind": kind, "signer": signer, **_letters.review(doc)}
        return _fail(request, case_id, problem, review=panel)
    return see_other(f"/cases/{case_id}?done=final#documents")


@router.post("/cases/{case_id}/denial/read")
async def case_denial_read(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, _pid, _record = store_patient(request)
    try:
        store.get_case(case_id)
        up = form.get("notice")
        if not isinstance(up, UploadFile) or not up.filename:
            raise BadInput(
                "no file was chosen", "choose the denial letter (PDF or photo)", where="Denial letter"
            )
        got = services.read_notice(await up.read(), up.filename)
    except BadInput as exc:
        return _fail(request, case_id, exc)
    reading = {
        "codes": got.codes_text,
        "date": got.notice_date.isoformat() if got.notice_date else "",
        "claim": got.claim_number or "",
        "reason": got.reason or "",
        "method": got.method,
    }
    return render(request, "case.html", case_context(request, case_id, reading=reading))


@router.post("/cases/{case_id}/status")
async def case_status(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, _pid, _record = store_patient(request)
    try:
        if field(form, "action") == "close":
            services.close_case(store, case_id, ctx(request).today())
            done = "closed"
        else:
            services.reopen_case(store, case_id)
            done = "reopened"
    except BadInput as exc:
        return _fail(request, case_id, exc)
    return see_other(f"/cases/{case_id}?done={done}")


@router.post("/cases/{case_id}/delete")
async def case_delete(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, _pid, _record = store_patient(request)
    try:
        services.delete_case(store, case_id, confirm=field(form, "confirm") == "yes")
    except BadInput as exc:
        return _fail(request, case_id, exc)
    return see_other("/cases?done=deleted")


@router.post("/cases/{case_id}/documents/{doc_id}/delete")
async def case_document_delete(request: Request, case_id: CaseId, doc_id: CaseId) -> Response:
    form = await checked_form(request)
    store, _pid, _record = store_patient(request)
    try:
        services.delete_document(store, case_id, doc_id, confirm=field(form, "confirm") == "yes")
    except BadInput as exc:
        return _fail(request, case_id, exc)
    return see_other(f"/cases/{case_id}?done=docdeleted#documents")


@router.get("/cases/{case_id}/calendar.ics")
def case_calendar(request: Request, case_id: CaseId) -> Response:
    store, _pid, _record = store_patient(request)
    case = store.get_case(case_id)
    items = [i for i in services.case_deadlines(case) if i.due >= ctx(request).today()]
    text = services.deadlines_ics(items, stamp=datetime.now(UTC), titles={case.id: case.title})
    return Response(
        text,
        media_type="text/calendar",
        headers={"content-disposition": f'attachment; filename="backcover-case-{case.id}-deadlines.ics"'},
    )
