"""Start: the plan, the amounts met so far, importing records and choosing the person."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from backcover.errors import BadInput
from backcover.web import _plans, _sbc, _services
from backcover.web._context import ctx, render
from backcover.web._forms import (
    checked_form,
    field,
    flash,
    see_other,
)

__all__ = ["router", "start_context"]

router = APIRouter(include_in_schema=False)


def start_context(
    request: Request,
    error: BadInput | None = None,
    *,
    typed: dict[str, Any] | None = None,
    field_errors: dict[str, BadInput] | None = None,
) -> dict[str, Any]:
    """``typed`` is what the person sent (kept on error, next to its message)."""
    ws = ctx(request).workspace
    templates, plan = _plans.template_choices(), _plans.current_plan_summary(ws)
    typed = typed or {}
    if plan and not plan.get("error"):
        if "text" in typed:
            plan["text"] = typed["text"]
        if "sbc" in typed and plan.get("sbc") is not None:
            plan["sbc"] = typed["sbc"]
        if "accumulators" in typed:
            for a in plan["accumulators"]:
                a["value"] = typed["accumulators"].get(a["key"], a["value"])
    return {
        "typed": typed,
        "field_errors": field_errors or {},
        "sbc_fields": _sbc.FIELDS,
        "sbc_rows": _sbc.BENEFIT_ROWS,
        "title": "Start",
        "flash": flash(request),
        "error": error,
        "patients": ws.patients(),
        "uploads": [p.name for p in ws.uploads()],
        "templates": templates,
        "plan": plan,
        "max_mb": ctx(request).max_upload_bytes // (1024 * 1024),
        "has_log": ws.log_path.exists(),
    }


@router.get("/")
def start(request: Request) -> Response:
    return render(request, "start.html", start_context(request))


@router.post("/start/import")
async def start_import(request: Request) -> Response:
    form = await checked_form(request)
    ws = ctx(request).workspace
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    htmx = request.headers.get("hx-request") == "true"
    try:
        if not files:
            raise BadInput(
                "no file was chosen", "choose one or more exported .json or .ndjson files", where="files"
            )
        contents = [(f.filename or "upload", await f.read()) for f in files]
        _services.validate_files(contents)  # a file that cannot be read is refused, and nothing kept
        for name, data in contents:
            ws.add_upload(name, data)
    except BadInput as exc:
        if htmx:
            return render(request, "_import_result.html", {"error": exc, "patients": ws.patients()}, 400)
        return render(request, "start.html", start_context(request, exc), 400)
    if htmx:
        return render(request, "_import_result.html", {"patients": ws.patients(), "imported": len(files)})
    return see_other("/?done=imported#import")


@router.post("/start/clear")
async def start_clear(request: Request) -> Response:
    await checked_form(request)
    ctx(request).workspace.clear_uploads()
    return see_other("/?done=cleared#import")


@router.post("/start/patient")
async def start_patient(request: Request) -> Response:
    form = await checked_form(request)
    ws = ctx(request).workspace
    chosen = field(form, "patient")
    if not chosen:
        exc = BadInput(
            "nobody was chosen",
            "pick the person this is about, then press the button again",
            where="Who is this about?",
        )
        return render(request, "start.html", start_context(request, exc), 400)
    ws.select_patient(chosen)
    return see_other("/record?done=patient")


@router.post("/start/plan")
async def start_plan(request: Request) -> Response:
    form = await checked_form(request)
    ws = ctx(request).workspace
    try:
        _plans.create_from_template(ws, field(form, "template"), field(form, "name"))
    except BadInput as exc:
        typed = {"template": field(form, "template"), "name": field(form, "name")}
        return render(request, "start.html", start_context(request, exc, typed=typed), 400)
    return see_other("/?done=plan#plan")


@router.post("/start/accumulators")
async def start_accumulators(request: Request) -> Response:
    form = await checked_form(request)
    ws = ctx(request).workspace
    values = {k: field(form, k) for k in _plans.ACCUMULATOR_FIELDS if k in form}
    try:
        _plans.set_accumulators(ws, values)
    except BadInput as exc:
        return render(request, "start.html", start_context(request, exc, typed={"accumulators": values}), 400)
    return see_other("/?done=accumulators#plan")


@router.post("/start/plan-select")
async def start_plan_select(request: Request) -> Response:
    form = await checked_form(request)
    ctx(request).workspace.select_plan(field(form, "name"))
    return see_other("/?done=plan#plan")


@router.post("/start/plan-text")
async def start_plan_text(request: Request) -> Response:
    form = await checked_form(request)
    ws = ctx(request).workspace
    text = form.get("text")
    text = text if isinstance(text, str) else ""
    try:
        _plans.save_text(ws, field(form, "name") or (ws.plan_name or "my-plan"), text)
    except BadInput as exc:  # a syntax error keeps the edits in the box, with the message above it
        return render(request, "start.html", start_context(request, exc, typed={"text": text}), 400)
    return see_other("/?done=plan#plan")


@router.post("/start/plan-form")
async def start_plan_form(request: Request) -> Response:
    form = await checked_form(request)
    ws = ctx(request).workspace
    values = {f.key: field(form, f.key) for f in _sbc.FIELDS}
    errors = _plans.save_form(ws, values)
    if errors:
        first = next(iter(errors.items()))
        summary = BadInput(
            f"{len(errors)} of the plan's numbers need{'s' if len(errors) == 1 else ''} fixing; "
            "nothing was saved",
            f"see the message beside \u201c{_sbc.field_label(first[0])}\u201d",
            where="Your plan's numbers",
        )
        return render(
            request,
            "start.html",
            start_context(request, summary, typed={"sbc": values}, field_errors=errors),
            400,
        )
    return see_other("/?done=planform#plan")
