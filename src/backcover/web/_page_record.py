"""My record: the person, the pain chart, the timeline, and the treatment-log forms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from backcover.errors import BadInput
from backcover.record.log import append_entry
from backcover.services._log import delete_entry, edit_entry, log_entries
from backcover.web import _recordview, _services
from backcover.web._context import ctx, render
from backcover.web._forms import (
    checked_form,
    field,
    flash,
    see_other,
)
from backcover.yamlio import atomic_write_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# The log forms: section -> fields shown (name, label, input type, hint). Names are the log's fields.
LOG_FORMS: dict[str, dict[str, Any]] = {
    "pain": {
        "title": "Pain score",
        "fields": [
            ("date", "Date", "date", ""),
            ("score", "Pain now, 0 (none) to 10 (worst)", "number010", ""),
            ("note", "Note", "text", "for example: worse after sitting"),
        ],
    },
    "medicines": {
        "title": "Medicine",
        "fields": [
            ("name", "Medicine", "text", "for example: ibuprofen"),
            ("dose", "Dose", "text", "for example: 400 mg 3 times a day"),
            ("start", "Started", "date", ""),
            ("end", "Stopped", "date", "leave empty if you still take it"),
            ("helped", "Did it help?", "helped", ""),
            ("side_effects", "Side effects", "text", ""),
        ],
    },
    "therapy": {
        "title": "Therapy",
        "fields": [
            ("type", "Kind", "therapy", ""),
            ("start", "First session", "date", ""),
            ("end", "Last session", "date", "leave empty if still going"),
            ("sessions", "Number of sessions", "number", ""),
            ("with", "Where or with whom", "text", ""),
        ],
    },
    "visits": {
        "title": "Visit",
        "fields": [
            ("date", "Date", "date", ""),
            ("with", "With", "text", "for example: Dr. Lee"),
            ("specialty", "Kind of doctor", "text", "for example: primary care, spine surgeon"),
            ("reason", "Reason", "text", ""),
        ],
    },
    "imaging": {
        "title": "Imaging",
        "fields": [
            ("date", "Date", "date", ""),
            ("type", "Kind", "imaging", ""),
            ("region", "Where", "region", ""),
            ("findings", "What it found", "text", "copy the report's impression"),
        ],
    },
    "injections": {
        "title": "Injection or block",
        "fields": [
            ("date", "Date", "date", ""),
            ("type", "Kind", "injection", ""),
            ("region", "Where", "region", ""),
            ("pain_before", "Pain before, 0–10", "number010", ""),
            ("pain_after", "Pain after, 0–10", "number010", ""),
            ("relief_weeks", "Weeks the relief lasted", "number", ""),
        ],
    },
}
CHOICES: dict[str, list[tuple[str, str]]] = {
    "helped": [("", "not sure"), ("yes", "yes"), ("partly", "partly"), ("no", "no")],
    "therapy": [
        ("physical_therapy", "physical therapy"),
        ("chiropractic", "chiropractic"),
        ("acupuncture", "acupuncture"),
        ("massage", "massage"),
        ("home_exercise", "home exercise"),
        ("cbt", "cognitive behavioral therapy"),
    ],
    "imaging": [("mri", "MRI"), ("ct", "CT scan"), ("xray", "X-ray"), ("emg", "EMG / nerve test")],
    "region": [
        ("lumbar", "lower back"),
        ("cervical", "neck"),
        ("thoracic", "mid back"),
        ("sacroiliac", "SI joint"),
    ],
    "injection": [
        ("epidural", "epidural steroid injection"),
        ("transforaminal", "transforaminal epidural"),
        ("interlaminar", "interlaminar epidural"),
        ("medial_branch_block", "medial branch block"),
        ("rfa", "radiofrequency ablation"),
        ("sacroiliac", "sacroiliac joint injection"),
        ("trigger_point", "trigger point injection"),
    ],
}
_NUMERIC = {"score", "sessions", "pain_before", "pain_after", "relief_percent", "relief_weeks"}


def _log_entry(section: str, form: FormData) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for name, _label, _kind, _hint in LOG_FORMS[section]["fields"]:
        v = field(form, name)
        if not v:
            continue
        if name in _NUMERIC and v.isdigit():
            entry[name] = int(v)
        else:
            entry[name] = v
    return entry


def _record_context(
    request: Request,
    error: BadInput | None = None,
    show_all: bool = False,
    year: int | None = None,
    typed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``typed``: what was sent with a form that failed (its section, number and fields), kept."""
    web = ctx(request)
    ws = web.workspace
    try:
        entries = log_entries(ws.log_path) if ws.log_path.exists() else []
    except BadInput:
        entries = []
    record = None
    load_error = None
    if ws.record_paths():
        try:
            record = _services.workspace_record(ws)
        except BadInput as exc:
            load_error = exc
    view = (
        _recordview.view(record, show_all=show_all, as_of=web.today(), year=year)
        if record is not None
        else None
    )
    return {
        "title": "My record",
        "flash": flash(request),
        "error": error,
        "load_error": load_error,
        "view": view,
        "patient_label": view["patient"]["name"] if view else None,
        "forms": LOG_FORMS,
        "choices": CHOICES,
        "has_log": ws.log_path.exists(),
        "show_all": show_all,
        "today": web.today().isoformat(),
        "entries": entries,
        "typed": typed or {},
    }


@router.get("/record")
def record_page(request: Request) -> Response:
    show_all = request.query_params.get("all") == "1"
    raw_year = request.query_params.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 1900 <= int(raw_year) <= 2200 else None
    return render(request, "record.html", _record_context(request, show_all=show_all, year=year))


@router.post("/record/start-log")
async def record_start_log(request: Request) -> Response:
    await checked_form(request)
    ws = ctx(request).workspace
    if not ws.log_path.exists():
        atomic_write_text(
            ws.log_path,
            "# My treatment log (backcover). Dates are YYYY-MM-DD.\npain: []\nmedicines: []\ntherapy: []\n",
        )
    return see_other("/record?done=logstart#add")


@router.post("/record/add/{section}")
async def record_add(request: Request, section: str) -> Response:
    form = await checked_form(request)
    if section not in LOG_FORMS:
        raise HTTPException(404, "There is no such kind of log entry.")
    ws = ctx(request).workspace
    try:
        entry = _log_entry(section, form)
        append_entry(ws.log_path, section, entry)
    except BadInput as exc:
        exc = BadInput(exc.problem, exc.fix, "your new entry", None)
        typed = {"section": section, "number": 0, "fields": _typed(section, form)}
        return render(request, "record.html", _record_context(request, exc, typed=typed), 400)
    return see_other(f"/record?done=log#add-{section}")


def _typed(section: str, form: FormData) -> dict[str, str]:
    return {name: field(form, name) for name, _l, _k, _h in LOG_FORMS[section]["fields"]}


@router.post("/record/log/{section}/{number}/edit")
async def record_edit(request: Request, section: str, number: int) -> Response:
    form = await checked_form(request)
    if section not in LOG_FORMS:
        raise HTTPException(404, "There is no such kind of log entry.")
    ws = ctx(request).workspace
    entry = _log_entry(section, form)
    changes: dict[str, Any] = {name: entry.get(name) for name, _l, _k, _h in LOG_FORMS[section]["fields"]}
    try:
        edit_entry(ws.log_path, section, number, changes)
    except BadInput as exc:
        exc = BadInput(exc.problem, exc.fix, f"{LOG_FORMS[section]['title'].lower()} {number}", None)
        typed = {"section": section, "number": number, "fields": _typed(section, form)}
        return render(request, "record.html", _record_context(request, exc, typed=typed), 400)
    return see_other(f"/record?done=logedit#log-{section}-{number}")


@router.post("/record/log/{section}/{number}/delete")
async def record_delete(request: Request, section: str, number: int) -> Response:
    await checked_form(request)
    ws = ctx(request).workspace
    try:
        delete_entry(ws.log_path, section, number)
    except BadInput as exc:
        exc = BadInput(exc.problem, exc.fix, "your treatment log", None)
        return render(request, "record.html", _record_context(request, exc), 400)
    return see_other("/record?done=logdelete#log-h")
