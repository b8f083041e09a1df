"""Cases: the person's cases, a case's timeline, denials, status, documents and letters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from backcover import services
from backcover.catalog import resolve
from backcover.errors import BadInput
from backcover.web import _cases, _letters, _page_story
from backcover.web._casepage import DOC_TYPE_WORDS, case_context, case_plan_kind, store_patient
from backcover.web._context import ctx, render
from backcover.web._forms import (
    CASE_PLAN_KINDS,
    SETTING_NAMES,
    CaseId,
    checked_form,
    date_field,
    field,
    flash,
    optional_date_field,
    procedure_choices,
    see_other,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/cases")
def cases_page(request: Request) -> Response:
    web = ctx(request)
    error = None
    cases: list[dict[str, Any]] = []
    try:
        store, pid, _record = store_patient(request)
        cases = _cases.cases_list(store, pid, web.today())
    except BadInput as exc:
        error = exc
    return render(
        request,
        "cases.html",
        {
            "title": "Cases",
            "cases": cases,
            "error": error,
            "flash": flash(request),
            "procedures": procedure_choices(),
            "payers": CASE_PLAN_KINDS,
            "payer_words": dict(CASE_PLAN_KINDS),
            "default_payer": case_plan_kind(request) or "commercial",
            "settings": SETTING_NAMES,
        },
        400 if error else 200,
    )


@router.post("/cases/new")
async def case_new(request: Request) -> Response:
    form = await checked_form(request)
    store, pid, _record = store_patient(request, create=True)

    proc, _setting = resolve(field(form, "procedure"), field(form, "setting") or None)
    try:
        request_case = services.case_input(
            proc.code,
            field(form, "payer") or "commercial",
            plan_kind=case_plan_kind(request),
            setting=field(form, "setting") or None,
            state=field(form, "state") or None,
        )
        case = services.open_case(store, request_case, patient=pid)
    except BadInput as exc:
        raise _cases.on_form(exc) from None
    return see_other(f"/cases/{case.id}?done=case")


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: CaseId) -> Response:
    return render(request, "case.html", case_context(request, case_id))


@router.post("/cases/{case_id}/denial")
async def case_denial(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, pid, _record = store_patient(request)
    web = ctx(request)
    try:
        _cases.case_view(store, case_id, pid, web.today())  # the case must be this person's
        _cases.add_denial(
            store,
            case_id,
            denial_date=date_field(form, "denial_date", "Date on the denial"),
            received_date=optional_date_field(form, "received_date", "Date you got it"),
            codes_text=field(form, "codes"),
            reason=field(form, "reason"),
            as_of=web.today(),
        )
    except BadInput as exc:
        return render(request, "case.html", case_context(request, case_id, exc), 400)
    return see_other(f"/cases/{case_id}?done=denial#denials")


@router.post("/cases/{case_id}/pa")
async def case_pa(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, pid, _record = store_patient(request)
    web = ctx(request)
    try:
        _cases.case_view(store, case_id, pid, web.today())  # the case must be this person's
        services.set_prior_auth(
            store,
            case_id,
            field(form, "status"),
            on_date=date_field(form, "on_date", "Date"),
            auth_number=field(form, "auth_number") or None,
            expires_on=optional_date_field(form, "expires_on", "Valid until"),
            note=field(form, "note") or None,
            as_of=web.today(),
        )
    except BadInput as exc:
        return render(request, "case.html", case_context(request, case_id, _cases.on_form(exc)), 400)
    return see_other(f"/cases/{case_id}?done=status")


@router.post("/cases/{case_id}/document")
async def case_document_add(request: Request, case_id: CaseId) -> Response:
    form = await checked_form(request)
    store, pid, _record = store_patient(request)
    web = ctx(request)
    try:
        _cases.case_view(store, case_id, pid, web.today())
        up = form.get("file")
        if not isinstance(up, UploadFile) or not up.filename:
            raise BadInput("no file was chosen", "choose a PDF or a photo of the document", where="File")
        doc_type = field(form, "doc_type") or "other"
        if doc_type not in DOC_TYPE_WORDS:
            raise BadInput(f"unknown kind of document {doc_type!r}", "choose one from the list", where="Kind")
        store.add_document(
            pid,
            await up.read(),
            doc_type,
            doc_date=optional_date_field(form, "doc_date", "Date on the document"),
            source="uploaded in the web app",
            filename=up.filename,
            case_id=case_id,
        )
    except BadInput as exc:
        return render(request, "case.html", case_context(request, case_id, exc), 400)
    return see_other(f"/cases/{case_id}?done=document#documents")


@router.post("/cases/{case_id}/letter/{kind}")
async def case_letter(request: Request, case_id: CaseId, kind: str) -> Response:
    form = await checked_form(request)
    if kind not in _letters.LETTERS:
        raise HTTPException(404, "There is no such letter.")
    store, pid, record = store_patient(request)
    web = ctx(request)
    try:
        pdf, filename = _letters.make(
            store,
            case_id,
            pid,
            kind,
            record=record,
            as_of=web.today(),
            signer=field(form, "signer") or "patient",
        )
    except BadInput as exc:
        return render(request, "case.html", case_context(request, case_id, exc), 400)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/cases/{case_id}/documents/{doc_id}")
def case_document(request: Request, case_id: CaseId, doc_id: CaseId) -> Response:
    store, pid, _record = store_patient(request)
    view = _cases.case_view(store, case_id, pid, ctx(request).today())
    doc = next((d for d in view["documents"] if d["id"] == doc_id), None)
    if doc is None:
        raise HTTPException(404, "There is no such document in this case.")
    content = store.document_content(doc_id)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in str(doc["name"]))
    return Response(
        content,
        media_type="application/octet-stream",
        headers={"content-disposition": f'attachment; filename="{safe}"'},
    )


router.include_router(_page_story.router)
