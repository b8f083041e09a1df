"""The HTTP adapter: a FastAPI router for CDS Hooks (CRD) and DTR, mounted by the web app.

``cds_router(settings)`` returns an ``APIRouter`` with ``GET /cds-services``, ``POST
/cds-services/{id}``, ``POST /fhir/Questionnaire/$questionnaire-package``, ``GET
/fhir/Questionnaire/{id}`` (JSON; ``/$render`` is the HTML page) and ``POST
/fhir/QuestionnaireResponse``. Every POST and the Questionnaire JSON need the caller's JWT
(:mod:`backcover.ehr._jwt`); these paths are exempt from the local server key (CONTRACTS.md 4).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import orjson
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from backcover.ehr._crd import (
    PREFETCH,
    SERVICES,
    HookError,
    HookRequest,
    Judged,
    Service,
    choose_coverage,
    coverage_extension,
    discovery,
    judge,
    parse_hook_request,
    response,
)
from backcover.ehr._dtr import (
    answers_to_items,
    build_questionnaire,
    package_parameters,
    render_html,
    with_items,
)
from backcover.ehr._fetch import complete_prefetch, fetch_orders
from backcover.ehr._fhir import Order, bundle_resources, orders_of, record_from_resources
from backcover.ehr._httputil import ERRORS, Sessions, body_doc, json_response, outcome, read_json
from backcover.ehr._jwt import JwtVerifier, Trust, Unauthorized, load_trust
from backcover.engine import Determination, check
from backcover.errors import BadInput
from backcover.record.model import Record

__all__ = ["CdsSettings", "DtrSession", "cds_router"]


@dataclass
class CdsSettings:
    """What the router needs. ``transport`` (httpx) serves the FHIR-server and JWKS calls (tests
    pass ``httpx.MockTransport``); ``today`` is the date of the answers."""

    public_url: str = "http://127.0.0.1:8000"
    trust: Trust | None = None
    transport: httpx.BaseTransport | None = None
    today: Callable[[], date] = date.today
    now: Callable[[], float] = time.time
    fetch_timeout: float = 5.0
    expiry_days: int = 30
    session_ttl: float = 3600.0
    max_sessions: int = 10_000
    answer_cache: int = 256  # identical requests (same orders, data and day) reuse the engine's answers
    verifier: JwtVerifier | None = field(default=None, repr=False)

    @classmethod
    def from_trust_file(cls, path: Path | None, public_url: str, **more: Any) -> CdsSettings:
        return cls(public_url=public_url.rstrip("/"), trust=load_trust(path) if path else None, **more)


@dataclass
class DtrSession:
    """What a DTR questionnaire was built from, kept so that the answers can be judged again."""

    record: Record
    code: str
    payer: str
    order: Order
    coverage_ref: str
    determination: Determination


def cds_router(settings: CdsSettings) -> APIRouter:
    """The CDS Hooks and DTR routes, configured by ``settings``."""
    public = settings.public_url.rstrip("/")
    verifier = settings.verifier or JwtVerifier(
        settings.trust, transport=settings.transport, now=settings.now
    )
    sessions = Sessions[DtrSession](settings.session_ttl, settings.max_sessions, settings.now)
    router = APIRouter(tags=["CDS Hooks / Da Vinci CRD, DTR"])

    def q_url(sid: str) -> str:
        return f"{public}/fhir/Questionnaire/{sid}"

    def remember(record: Record) -> Callable[[Order, Determination, str, str], str | None]:
        def store(order: Order, det: Determination, aid: str, cov: str) -> str | None:
            sessions.put(aid, DtrSession(record, det.procedure.code, det.payer, order, cov, det))
            return q_url(aid)

        return store

    def authorise(request: Request, *paths: str) -> Response | None:
        try:
            verifier.verify(request.headers.get("authorization"), [f"{public}{p}" for p in paths])
        except Unauthorized as exc:
            return outcome(401, str(exc), "send a JWT signed by a trusted issuer", "security")
        return None

    async def hook(service_id: str, body: Any) -> dict[str, Any]:
        """Fetches (if any) run in a thread; the judging itself (about 2 ms) runs on the loop."""
        service = SERVICES[service_id]
        req = parse_hook_request(body, service)
        if service.hook == "order-dispatch" and not req.orders and req.dispatched:
            fetched = await run_in_threadpool(fetch_orders, req, settings.transport, settings.fetch_timeout)
            req = replace(req, orders=tuple(orders_of(fetched)))
        if not any(o.procedure is not None for o in req.orders):
            return {"cards": [], "systemActions": []}
        data = dict(req.prefetch)
        if any(k not in data for k in PREFETCH):
            data = await run_in_threadpool(complete_prefetch, req, settings.transport, settings.fetch_timeout)
        return judge_all(service, req, data)

    answers: OrderedDict[bytes, tuple[Record, list[Judged]]] = OrderedDict()
    answers_lock = threading.Lock()

    def judged_for(req: HookRequest, data: dict[str, Any]) -> tuple[Record, list[Judged]]:
        """The engine's answers for these orders and data (pure, so kept for identical requests)."""
        today = settings.today()
        key = b""
        if settings.answer_cache > 0:
            raw = [req.hook, today.isoformat(), req.patient_id, [o.resource for o in req.orders], data]
            key = hashlib.blake2b(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS), digest_size=20).digest()
            with answers_lock:
                hit = answers.get(key)
                if hit is not None:
                    answers.move_to_end(key)
                    return hit
        resources = [r for v in data.values() for r in bundle_resources(v)]
        coverages = [r for r in [*resources, *req.context_resources] if r["resourceType"] == "Coverage"]
        clinical = [r for r in resources if r["resourceType"] != "OperationOutcome"]
        pid = f"Patient/{req.patient_id}" if req.patient_id else None
        try:
            record = record_from_resources(clinical, pid, "prefetch")
        except BadInput as exc:
            raise HookError(400, exc.problem, exc.fix) from None
        out = (record, judge(req, coverages, record, today))
        if settings.answer_cache > 0:
            with answers_lock:
                answers[key] = out
                while len(answers) > settings.answer_cache:
                    answers.popitem(last=False)
        return out

    def judge_all(service: Service, req: HookRequest, data: dict[str, Any]) -> dict[str, Any]:
        record, judged = judged_for(req, data)
        store = None if service.supporting else remember(record)
        fresh: list[Judged] = []
        for j in judged:  # a new assertion id (and DTR form) for every answer
            aid = uuid.uuid4().hex
            form = (
                store(j.order, j.determination, aid, j.coverage_ref)
                if store and j.determination.missing
                else None
            )
            fresh.append(replace(j, assertion_id=aid, questionnaire=form))
        return response(
            fresh,
            service,
            settings.expiry_days,
            lambda j: f"{j.questionnaire}/$render" if j.questionnaire else None,
        )

    @router.get("/cds-services", summary="CDS Hooks discovery: the CRD services for back care")
    def cds_discovery() -> Response:
        return json_response(discovery())

    @router.post(
        "/cds-services/{service_id}",
        summary="Call a CRD service (CDS Hooks 2.0): coverage information for each back-care order",
        openapi_extra=body_doc(
            "A CDS Hooks request",
            {
                "hook": {"type": "string"},
                "hookInstance": {"type": "string"},
                "fhirServer": {"type": "string"},
                "fhirAuthorization": {"type": "object"},
                "context": {"type": "object"},
                "prefetch": {"type": "object"},
            },
            ["hook", "hookInstance", "context"],
        ),
        responses=ERRORS,
    )
    async def cds_call(service_id: str, request: Request) -> Response:
        if service_id not in SERVICES:
            return outcome(
                404,
                f"there is no service {service_id!r}",
                "list the services at GET /cds-services",
                "not-found",
            )
        denied = authorise(request, f"/cds-services/{service_id}")
        if denied is not None:
            return denied
        try:
            body = await read_json(request)
            return json_response(await hook(service_id, body))
        except HookError as exc:
            return json_response(exc.outcome(), exc.status)

    async def dtr_post(request: Request, path: str, fn: Callable[[Any], dict[str, Any]]) -> Response:
        """A DTR POST: the caller's JWT, the JSON body, and the work in a thread."""
        denied = authorise(request, path, "/fhir")
        if denied is not None:
            return denied
        try:
            return json_response(await run_in_threadpool(fn, await read_json(request)))
        except HookError as exc:
            return json_response(exc.outcome(), exc.status)
        except BadInput as exc:
            return outcome(400, exc.problem, exc.fix)

    def package(body: Any) -> dict[str, Any]:
        params = body.get("parameter") if isinstance(body, dict) else None
        if not isinstance(params, list):
            raise HookError(
                400, "the body is not a Parameters resource", "send the DTR questionnaire-package Parameters"
            )
        named: dict[str, list[Any]] = {}
        for p in params:
            if isinstance(p, dict):
                named.setdefault(str(p.get("name")), []).append(
                    p.get("resource") or p.get("valueString") or p.get("valueCanonical")
                )
        for ref in [*named.get("context", []), *named.get("questionnaire", [])]:
            sid = str(ref).rstrip("/").split("/")[-1].split("|")[0]
            s = sessions.get(sid)
            if s is not None:
                return package_parameters(build_questionnaire(s.determination, sid, q_url(sid)))
        orders = [o for o in orders_of(named.get("order", [])) if o.procedure is not None]
        if not orders:
            return package_parameters(None)
        coverages = [
            r for r in bundle_resources(named.get("coverage", [])) if r["resourceType"] == "Coverage"
        ]
        resources = bundle_resources(named.get("referenced", []) + named.get("patient", []))
        record = record_from_resources(resources, None, "questionnaire-package")
        order = orders[0]
        cov_ref, payer = choose_coverage(order, coverages)
        assert order.code is not None
        det = check(record, order.code, payer, as_of=settings.today())
        sid = uuid.uuid4().hex
        sessions.put(sid, DtrSession(record, det.procedure.code, payer, order, cov_ref, det))
        return package_parameters(build_questionnaire(det, sid, q_url(sid)))

    @router.post(
        "/fhir/Questionnaire/$questionnaire-package",
        summary="DTR: the questionnaire for an order",
        openapi_extra=body_doc(
            "DTR questionnaire-package input Parameters",
            {"resourceType": {"type": "string"}, "parameter": {"type": "array", "items": {"type": "object"}}},
            ["resourceType", "parameter"],
        ),
        responses=ERRORS,
    )
    async def dtr_package(request: Request) -> Response:
        return await dtr_post(request, "/fhir/Questionnaire/$questionnaire-package", package)

    @router.get("/fhir/Questionnaire/{qid}", summary="DTR: a questionnaire built for an order (JSON)")
    def dtr_questionnaire(qid: str, request: Request) -> Response:
        denied = authorise(request, f"/fhir/Questionnaire/{qid}", "/fhir")
        if denied is not None:
            return denied
        s = sessions.get(qid)
        if s is None:
            return outcome(
                404, "this questionnaire has expired or never existed", "sign the order again", "not-found"
            )
        return json_response(build_questionnaire(s.determination, qid, q_url(qid)))

    @router.get(
        "/fhir/Questionnaire/{qid}/$render",
        summary="DTR: the questionnaire as a page",
        response_class=HTMLResponse,
    )
    def dtr_render(qid: str) -> Response:
        s = sessions.get(qid)
        if s is None:
            return HTMLResponse(
                "<!doctype html><title>Expired</title><p>This form has expired; sign the order again.</p>",
                404,
            )
        return HTMLResponse(render_html(build_questionnaire(s.determination, qid, q_url(qid))))

    def submit(qr: Any) -> dict[str, Any]:
        if not isinstance(qr, dict) or qr.get("resourceType") != "QuestionnaireResponse":
            raise HookError(
                400, "the body is not a QuestionnaireResponse", "send the completed QuestionnaireResponse"
            )
        sid = str(qr.get("questionnaire") or "").rstrip("/").split("/")[-1].split("|")[0]
        s = sessions.get(sid)
        if s is None:
            raise HookError(
                404,
                "the questionnaire of this response has expired or never existed",
                "request the questionnaire package again",
                "not-found",
            )
        as_of = settings.today()
        items = answers_to_items(qr, s.determination, as_of)
        record = with_items(s.record, items)
        det = check(record, s.code, s.payer, state=record.patient.state, as_of=as_of)
        sessions.put(sid, DtrSession(record, s.code, s.payer, s.order, s.coverage_ref, det))
        ext = coverage_extension(
            Judged(s.order, s.coverage_ref, det, uuid.uuid4().hex, q_url(sid)), False, settings.expiry_days
        )
        out = dict(qr)
        out["extension"] = [*(qr.get("extension") or []), ext]
        out["contained"] = [*(qr.get("contained") or [])]
        return {
            "questionnaireResponse": out,
            "items": [i.to_json() for i in items],
            "determination": det.to_json(),
        }

    @router.post(
        "/fhir/QuestionnaireResponse",
        summary="DTR: submit the answers; returns the new coverage information",
        openapi_extra=body_doc(
            "A completed QuestionnaireResponse",
            {
                "resourceType": {"type": "string"},
                "questionnaire": {"type": "string"},
                "item": {"type": "array", "items": {"type": "object"}},
            },
            ["resourceType", "questionnaire"],
        ),
        responses=ERRORS,
    )
    async def dtr_submit(request: Request) -> Response:
        return await dtr_post(request, "/fhir/QuestionnaireResponse", submit)

    return router
