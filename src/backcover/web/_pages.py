"""The HTML pages. Each handler reads the workspace or store, calls the core, and renders a template.

Every form posts back with a CSRF token. A POST that changes something answers with a redirect
(or, for htmx, the fragment to swap in); one that only computes (cost lines, compare) answers with
the page. Bad input re-renders the page with the message and a 4xx status. Page routes are left
out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from backcover.errors import BadInput
from backcover.web._app import ctx, render
from backcover.web._security import CSRF_COOKIE, CSRF_FIELD, valid_csrf

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# Ids in paths are database integers: anything else is "no such case", not an overflow.
CaseId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]

MESSAGES = {
    "imported": "Records imported. Choose the person below.",
    "patient": "Person chosen. Their record is below.",
    "plan": "Plan saved.",
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


def see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def flash(request: Request) -> str | None:
    return MESSAGES.get(request.query_params.get("done", ""))


@router.get("/help")
def help_page(request: Request) -> Response:
    return render(request, "help.html", {"title": "Help"})


@router.get("/docs")
def docs_page(request: Request) -> Response:
    return render(request, "docs.html", {"title": "API"})


# ----- Start -------------------------------------------------------------------------------------
def _start_context(request: Request, error: BadInput | None = None) -> dict[str, Any]:
    from backcover.web import _plans

    ws = ctx(request).workspace
    templates, plan = _plans.template_choices(), _plans.current_plan_summary(ws)
    return {
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
    return render(request, "start.html", _start_context(request))


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
        for f in files:
            ws.add_upload(f.filename or "upload", await f.read())
    except BadInput as exc:
        if htmx:
            return render(request, "_import_result.html", {"error": exc, "patients": ws.patients()}, 400)
        return render(request, "start.html", _start_context(request, exc), 400)
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
    ws.select_patient(field(form, "patient") or None)
    return see_other("/record?done=patient")


@router.post("/start/plan")
async def start_plan(request: Request) -> Response:
    from backcover.web import _plans

    form = await checked_form(request)
    ws = ctx(request).workspace
    try:
        _plans.create_from_template(ws, field(form, "template"), field(form, "name"))
    except BadInput as exc:
        return render(request, "start.html", _start_context(request, exc), 400)
    return see_other("/?done=plan#plan")


@router.post("/start/accumulators")
async def start_accumulators(request: Request) -> Response:
    from backcover.web import _plans

    form = await checked_form(request)
    ws = ctx(request).workspace
    try:
        _plans.set_accumulators(ws, {k: field(form, k) for k in _plans.ACCUMULATOR_FIELDS if k in form})
    except BadInput as exc:
        return render(request, "start.html", _start_context(request, exc), 400)
    return see_other("/?done=accumulators#plan")


@router.post("/start/plan-select")
async def start_plan_select(request: Request) -> Response:
    form = await checked_form(request)
    ctx(request).workspace.select_plan(field(form, "name"))
    return see_other("/?done=plan#plan")


@router.post("/start/plan-text")
async def start_plan_text(request: Request) -> Response:
    from backcover.web import _plans

    form = await checked_form(request)
    ws = ctx(request).workspace
    try:
        _plans.save_text(ws, field(form, "name") or (ws.plan_name or "my-plan"), field(form, "text"))
    except BadInput as exc:
        return render(request, "start.html", _start_context(request, exc), 400)
    return see_other("/?done=plan#plan")


# ----- My record -----------------------------------------------------------------------------------
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
    request: Request, error: BadInput | None = None, show_all: bool = False, year: int | None = None
) -> dict[str, Any]:
    from backcover.web import _recordview, _services

    web = ctx(request)
    ws = web.workspace
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
        from backcover.yamlio import atomic_write_text

        atomic_write_text(
            ws.log_path,
            "# My treatment log (backcover). Dates are YYYY-MM-DD.\npain: []\nmedicines: []\ntherapy: []\n",
        )
    return see_other("/record?done=logstart#add")


@router.post("/record/add/{section}")
async def record_add(request: Request, section: str) -> Response:
    from backcover.record.log import append_entry

    form = await checked_form(request)
    if section not in LOG_FORMS:
        raise HTTPException(404, "There is no such kind of log entry.")
    ws = ctx(request).workspace
    try:
        entry = _log_entry(section, form)
        append_entry(ws.log_path, section, entry)
    except BadInput as exc:
        exc = BadInput(exc.problem, exc.fix, "your new entry", None)
        return render(request, "record.html", _record_context(request, exc), 400)
    return see_other(f"/record?done=log#add-{section}")


# ----- Check a procedure -------------------------------------------------------------------------
PAYERS: list[tuple[str, str]] = [
    ("commercial", "Private plan (job-based or marketplace)"),
    ("medicare", "Original Medicare"),
    ("medicare-advantage", "Medicare Advantage"),
    ("medicaid", "Medicaid"),
]
SETTING_NAMES: dict[str, str] = {
    "office": "doctor's office or imaging center",
    "asc": "ambulatory surgery center (ASC)",
    "hospital-outpatient": "hospital outpatient department",
    "inpatient": "hospital stay (inpatient)",
}
_PAYER_OF_PLAN = {
    "commercial": "commercial",
    "marketplace": "commercial",
    "medicare": "medicare",
    "medicare-advantage": "medicare-advantage",
    "medicaid": "medicaid",
}


def _plan_payer(request: Request) -> str | None:
    ws = ctx(request).workspace
    try:
        from backcover.web import _plans

        cur = _plans.current_plan(ws)
    except BadInput:
        return None
    return _PAYER_OF_PLAN.get(cur[2].kind) if cur else None


def _procedure_choices(q: str = "") -> list[dict[str, Any]]:
    from backcover.catalog import families, search

    fams = search(q) if q.strip() else list(families().values())
    return [{"code": p.code, "name": p.name, "family": p.family} for p in fams]


@router.get("/check/procedures")
def check_procedures(request: Request) -> Response:
    """htmx: the procedure options matching the words typed."""
    q = request.query_params.get("q", "")[:100]
    return render(
        request,
        "_procedure_options.html",
        {"procedures": _procedure_choices(q), "selected": request.query_params.get("procedure")},
    )


@router.get("/check")
def check_page(request: Request) -> Response:
    from datetime import date as _date

    from backcover.web import _checkview, _services

    web = ctx(request)
    qp = request.query_params
    form = {
        "procedure": (qp.get("code") or qp.get("procedure") or "").strip()[:12],
        "payer": qp.get("payer") or _plan_payer(request) or "commercial",
        "setting": qp.get("setting") or "",
        "state": (qp.get("state") or "").strip()[:2].upper(),
        "as_of": qp.get("as_of") or web.today().isoformat(),
        "q": qp.get("q", "")[:100],
    }
    result = None
    error: BadInput | None = None
    status = 200
    if form["procedure"]:
        try:
            try:
                as_of = _date.fromisoformat(form["as_of"])
            except ValueError:
                raise BadInput(
                    f"{form['as_of']!r} is not a date", "write the date as YYYY-MM-DD", where="As of"
                ) from None
            if form["payer"] not in dict(PAYERS):
                raise BadInput(f"unknown payer {form['payer']!r}", "choose one from the list", where="Payer")
            from backcover.catalog import resolve

            resolve(form["procedure"], form["setting"] or None)
            record = _services.workspace_record(web.workspace)
            det = _services.check(
                record,
                form["procedure"],
                form["payer"],
                setting=form["setting"] or None,
                state=form["state"] or None,
                as_of=as_of,
            )
            from backcover.web._recordview import item_label

            result = _checkview.view(det, {it.id: item_label(it) for it in record.items})
        except BadInput as exc:
            error, status = exc, 400
    return render(
        request,
        "check.html",
        {
            "title": "Check a procedure",
            "form": form,
            "payers": PAYERS,
            "settings": SETTING_NAMES,
            "procedures": _procedure_choices(),
            "result": result,
            "error": error,
        },
        status,
    )


# ----- What will it cost -------------------------------------------------------------------------
def _cost_view(est: dict[str, Any]) -> dict[str, Any]:
    from decimal import Decimal

    from backcover.web._charts import CostBar, cost_chart

    def dec(v: Any) -> Decimal:
        return Decimal(str(v)) if v not in (None, "") else Decimal(0)

    lines = est.get("lines") or []
    bars = [
        CostBar(
            str(ln.get("description") or ln.get("id")),
            dec(ln.get("patient")),
            dec(ln.get("plan")),
            dec(ln.get("balance_bill")),
        )
        for ln in lines
        if ln.get("patient") is not None
    ]
    ids = {ln.get("id"): (ln.get("description") or ln.get("id")) for ln in lines}
    g = est.get("guidance") or {}
    return {
        "raw": est,
        "lines": lines,
        "ids": ids,
        "totals": est.get("totals") or {},
        "chart": cost_chart(bars),
        "chart_has_bars": any(b.patient + b.plan + b.balance_bill > 0 for b in bars),
        "surprise": g.get("surprise_bills") or [],
        "nsa": g.get("no_surprises_act") or {},
        "hsa": g.get("hsa"),
        "gfe": g.get("good_faith_estimate"),
        "supplemental": g.get("supplemental") or [],
        "notes": est.get("notes") or [],
        "accumulators_after": est.get("accumulators_after") or {},
    }


def _cost_page(
    request: Request,
    *,
    procedure: str,
    setting: str,
    lines_text: str | None,
    prices: dict[str, str] | None = None,
) -> Response:
    from backcover.web import _plans, _services

    ws = ctx(request).workspace
    error: BadInput | None = None
    result = None
    status = 200
    plan_name = ws.plan_name
    if procedure or lines_text:
        try:
            cur = _plans.current_plan(ws)
            if cur is None:
                raise BadInput(
                    "there is no plan yet", "create your plan on the Start page first", where="plan"
                )
            est = _services.estimate(
                cur[2],
                procedure=procedure or None if not lines_text else None,
                setting=setting or None,
                lines=lines_text,
                prices=_services.parse_prices(prices or {}),
            )
            result = _cost_view(est)
        except BadInput as exc:
            error, status = exc, 400
    return render(
        request,
        "cost.html",
        {
            "title": "What will it cost",
            "form": {
                "procedure": procedure,
                "setting": setting,
                "lines": lines_text or "",
                "prices": prices or {},
            },
            "procedures": _procedure_choices(),
            "settings": SETTING_NAMES,
            "plan_name": plan_name,
            "result": result,
            "error": error,
        },
        status,
    )


@router.get("/cost")
def cost_page(request: Request) -> Response:
    qp = request.query_params
    return _cost_page(
        request,
        procedure=(qp.get("procedure") or "").strip()[:12],
        setting=(qp.get("setting") or "").strip()[:30],
        lines_text=None,
        prices={k[6:][:60]: v[:20] for k, v in qp.items() if k.startswith("price-")},
    )


@router.post("/cost")
async def cost_lines(request: Request) -> Response:
    form = await checked_form(request)
    return _cost_page(request, procedure="", setting="", lines_text=field(form, "lines") or None)


# ----- Cases ---------------------------------------------------------------------------------------
def _store_patient(request: Request) -> tuple[Any, int, Any]:
    from backcover.web import _cases, _services

    web = ctx(request)
    store = web.store()
    record = None
    if web.workspace.record_paths():
        record = _services.workspace_record(web.workspace)
    return store, _cases.store_patient_id(store, web.workspace, record), record


def _date_field(form: FormData, name: str, label: str, required: bool = True) -> Any:
    from datetime import date as _date

    raw = field(form, name)
    if not raw:
        if required:
            raise BadInput(f"{label} is missing", "give the date as YYYY-MM-DD", where=label)
        return None
    try:
        return _date.fromisoformat(raw)
    except ValueError:
        raise BadInput(f"{raw!r} is not a date", "give the date as YYYY-MM-DD", where=label) from None


@router.get("/cases")
def cases_page(request: Request) -> Response:
    from backcover.web import _cases

    web = ctx(request)
    error = None
    cases: list[dict[str, Any]] = []
    try:
        store, pid, _record = _store_patient(request)
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
            "procedures": _procedure_choices(),
            "payers": PAYERS,
            "payer_words": dict(PAYERS),
            "default_payer": _plan_payer(request) or "commercial",
            "settings": SETTING_NAMES,
        },
        400 if error else 200,
    )


@router.post("/cases/new")
async def case_new(request: Request) -> Response:
    form = await checked_form(request)
    store, pid, _record = _store_patient(request)
    from backcover.catalog import resolve

    code = field(form, "procedure")
    proc, setting = resolve(code, field(form, "setting") or None)
    case = store.new_case(
        pid,
        proc.code,
        field(form, "payer") or "commercial",
        title=proc.name,
        setting=setting,
        state=field(form, "state").upper() or None,
        plan_kind=_plan_kind(request),
    )
    return see_other(f"/cases/{case.id}?done=case")


def _plan_kind(request: Request) -> str | None:
    try:
        from backcover.web import _plans

        cur = _plans.current_plan(ctx(request).workspace)
    except BadInput:
        return None
    return cur[2].kind if cur else None


def _case_context(request: Request, case_id: CaseId, error: BadInput | None = None) -> dict[str, Any]:
    from backcover.web import _cases, _letters

    store, pid, _record = _store_patient(request)
    web = ctx(request)
    return {
        "title": "Case",
        "case": _cases.case_view(store, case_id, pid, web.today()),
        "error": error,
        "flash": flash(request),
        "today": web.today().isoformat(),
        "pa_statuses": list(_cases.PA_WORDS.items()),
        "doc_types": DOC_TYPE_WORDS,
        "payer_words": dict(PAYERS),
        "setting_words": SETTING_NAMES,
        "letters": _letters.LETTERS,
    }


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: CaseId) -> Response:
    return render(request, "case.html", _case_context(request, case_id))


@router.post("/cases/{case_id}/denial")
async def case_denial(request: Request, case_id: CaseId) -> Response:
    from backcover.web import _cases

    form = await checked_form(request)
    store, pid, _record = _store_patient(request)
    web = ctx(request)
    try:
        _cases.case_view(store, case_id, pid, web.today())  # the case must be this person's
        _cases.add_denial(
            store,
            case_id,
            denial_date=_date_field(form, "denial_date", "Date on the denial"),
            received_date=_date_field(form, "received_date", "Date you got it", required=False),
            codes_text=field(form, "codes"),
            reason=field(form, "reason"),
            as_of=web.today(),
        )
    except BadInput as exc:
        return render(request, "case.html", _case_context(request, case_id, exc), 400)
    return see_other(f"/cases/{case_id}?done=denial#denials")


@router.post("/cases/{case_id}/pa")
async def case_pa(request: Request, case_id: CaseId) -> Response:
    from backcover.web import _cases

    form = await checked_form(request)
    store, pid, _record = _store_patient(request)
    web = ctx(request)
    try:
        view = _cases.case_view(store, case_id, pid, web.today())
        status = field(form, "status")
        on = _date_field(form, "on_date", "Date")
        auth = field(form, "auth_number") or None
        expires = _date_field(form, "expires_on", "Valid until", required=False)
        if view["pa"]:
            store.set_pa_status(
                view["pa"][-1]["id"], status, on_date=on, auth_number=auth, expires_on=expires
            )
        else:
            store.add_pa_request(case_id, on_date=on, status=status, auth_number=auth, expires_on=expires)
    except BadInput as exc:
        return render(request, "case.html", _case_context(request, case_id, exc), 400)
    return see_other(f"/cases/{case_id}?done=status")


DOC_TYPE_WORDS: dict[str, str] = {
    "imaging_report": "imaging report (MRI, CT, X-ray)",
    "referral": "referral or order",
    "visit_note": "visit note",
    "denial_letter": "denial letter",
    "eob": "Explanation of Benefits",
    "lab_report": "lab report",
    "prior_auth": "prior-authorization paperwork",
    "letter": "other letter",
    "other": "something else",
}


@router.post("/cases/{case_id}/document")
async def case_document_add(request: Request, case_id: CaseId) -> Response:
    from backcover.web import _cases

    form = await checked_form(request)
    store, pid, _record = _store_patient(request)
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
            doc_date=_date_field(form, "doc_date", "Date on the document", required=False),
            source="uploaded in the web app",
            filename=up.filename,
            case_id=case_id,
        )
    except BadInput as exc:
        return render(request, "case.html", _case_context(request, case_id, exc), 400)
    return see_other(f"/cases/{case_id}?done=document#documents")


@router.post("/cases/{case_id}/letter/{kind}")
async def case_letter(request: Request, case_id: CaseId, kind: str) -> Response:
    from backcover.web import _letters

    await checked_form(request)
    if kind not in _letters.LETTERS:
        raise HTTPException(404, "There is no such letter.")
    store, pid, record = _store_patient(request)
    web = ctx(request)
    try:
        pdf, filename = _letters.make(store, case_id, pid, kind, record=record, as_of=web.today())
    except BadInput as exc:
        return render(request, "case.html", _case_context(request, case_id, exc), 400)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/cases/{case_id}/documents/{doc_id}")
def case_document(request: Request, case_id: CaseId, doc_id: CaseId) -> Response:
    from backcover.web import _cases

    store, pid, _record = _store_patient(request)
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


# ----- Compare plans -------------------------------------------------------------------------------
def _compare_context(request: Request, form: FormData | None) -> dict[str, Any]:
    from decimal import Decimal, InvalidOperation

    from backcover.costs import (
        CareItem,
        compare_plans,
        parse_plan,
        pathway,
        pathways,
        template_text,
        templates,
    )

    ws = ctx(request).workspace
    saved = ws.plan_names()
    choices = [("saved:" + n, f"{n} (yours)") for n in saved] + [
        ("template:" + t, f"{t} (example)") for t in templates()
    ]
    result = None
    error: BadInput | None = None
    picked: list[str] = []
    care_choice = "pathway:conservative-care-then-esi"
    if form is not None:
        try:
            picked = [v for v in form.getlist("plans") if isinstance(v, str)]
            care_choice = field(form, "care") or care_choice
            if len(picked) < 2:
                raise BadInput(
                    "choose at least two plans to compare", "tick two or more plans", where="Plans"
                )
            plans = []
            premiums: dict[str, Decimal] = {}
            for i, key in enumerate(picked[:8]):
                kind, _, name = key.partition(":")
                text = ws.plan_text(name) if kind == "saved" else template_text(name)
                plan = parse_plan(text, f"{name}.yaml")
                plans.append(plan)
                raw = field(form, f"premium-{key}").replace("$", "").replace(",", "")
                if raw:
                    try:
                        premiums[plan.name] = Decimal(raw)
                    except InvalidOperation:
                        raise BadInput(
                            f"{raw!r} is not an amount",
                            "type the monthly premium, e.g. 420",
                            where=f"premium {i + 1}",
                        ) from None
            ckind, _, cname = care_choice.partition(":")
            if ckind == "pathway":
                title, care = pathway(cname)
            else:
                title, care = f"one {cname}", [CareItem(procedure=cname)]
            result = compare_plans(plans, care, title=title, premiums=premiums or None).to_json()
            labels = dict(choices)
            for row, key in zip(result["plans"], picked[:8], strict=False):
                row["label"] = labels.get(key, key)
        except BadInput as exc:
            error = exc
    care_choices = [(f"pathway:{p}", pathway(p)[0]) for p in pathways()] + [
        (f"procedure:{p['code']}", f"Just one: {p['name']}") for p in _procedure_choices()
    ]
    return {
        "title": "Compare plans",
        "choices": choices,
        "picked": picked,
        "care_choices": care_choices,
        "care_choice": care_choice,
        "premiums": {
            k[8:]: v for k, v in (form.items() if form is not None else []) if k.startswith("premium-")
        },
        "result": result,
        "error": error,
    }


@router.get("/compare")
def compare_page(request: Request) -> Response:
    return render(request, "compare.html", _compare_context(request, None))


@router.post("/compare")
async def compare_post(request: Request) -> Response:
    form = await checked_form(request)
    c = _compare_context(request, form)
    return render(request, "compare.html", c, 400 if c["error"] else 200)
