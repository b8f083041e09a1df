"""CDS Hooks 2.0 / Da Vinci CRD: the services, the hook request, and the answer for each order.

Pure: the hook request and the data it needs go in, the CDS Hooks response comes out. Fetching
missing prefetch and verifying the caller's JWT are the adapter's job (:mod:`backcover.ehr._http`).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backcover.ehr._fhir import (
    Order,
    bundle_resources,
    insurer_for_coverage,
    orders_of,
    payer_for_coverage,
    ref_id,
)
from backcover.engine import Determination, check, insurer_table
from backcover.errors import BadInput
from backcover.record.model import Record

__all__ = [
    "CI_URL",
    "CPT",
    "DETAIL_SYSTEM",
    "PREFETCH",
    "SERVICES",
    "HookError",
    "HookRequest",
    "Judged",
    "Service",
    "coverage_extension",
    "discovery",
    "judge",
    "parse_hook_request",
    "response",
]

CI_URL = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
CPT = "http://www.ama-assn.org/go/cpt"
DETAIL_SYSTEM = "urn:backcover:crd-detail"
_TOPIC = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp"

PREFETCH: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "coverage": "Coverage?patient={{context.patientId}}&status=active",
    "conditions": "Condition?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "diagnosticReports": "DiagnosticReport?patient={{context.patientId}}",
    "encounters": "Encounter?patient={{context.patientId}}",
}


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    hook: str
    title: str
    description: str
    supporting: bool = False  # order-select: no documentation-needed messages (CRD 2.2.1)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "hook": self.hook,
            "title": self.title,
            "description": self.description,
            "prefetch": dict(PREFETCH),
        }


_WHAT = "coverage, prior authorization and documentation needs for back-care orders"
SERVICES: dict[str, Service] = {
    s.id: s
    for s in (
        Service("backcover-order-sign", "order-sign", "Back-care coverage (order sign)", f"Tells {_WHAT}."),
        Service(
            "backcover-order-dispatch",
            "order-dispatch",
            "Back-care coverage (order dispatch)",
            f"Tells {_WHAT}.",
        ),
        Service(
            "backcover-appointment-book",
            "appointment-book",
            "Back-care coverage (appointment booking)",
            f"Tells {_WHAT} for booked procedures.",
        ),
        Service(
            "backcover-order-select",
            "order-select",
            "Back-care coverage (order select)",
            "Tells whether a selected back-care order is covered and needs prior authorization.",
            supporting=True,
        ),
    )
}


def discovery() -> dict[str, Any]:
    return {"services": [s.to_json() for s in SERVICES.values()]}


class HookError(Exception):
    """A request this service cannot answer: the HTTP status and an OperationOutcome to send."""

    def __init__(self, status: int, problem: str, fix: str, code: str = "invalid") -> None:
        super().__init__(problem)
        self.status, self.problem, self.fix, self.code = status, problem, fix, code

    def outcome(self) -> dict[str, Any]:
        return {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "error", "code": self.code, "diagnostics": f"{self.problem}; fix: {self.fix}"}
            ],
        }


@dataclass(frozen=True, slots=True)
class HookRequest:
    hook: str
    instance: str
    fhir_server: str | None
    access_token: str | None
    patient_id: str | None
    orders: tuple[Order, ...]
    prefetch: Mapping[str, Any]
    context_resources: tuple[dict[str, Any], ...] = ()  # every resource inside the context
    dispatched: tuple[str, ...] = ()  # order-dispatch: references of the orders to fetch


def parse_hook_request(body: Any, service: Service) -> HookRequest:
    if not isinstance(body, dict) or not isinstance(body.get("context"), dict):
        raise HookError(
            400, "the body is not a CDS Hooks request", "send a JSON object with hook and context"
        )
    if body.get("hook") not in (None, service.hook):
        raise HookError(
            400, f"this service answers {service.hook}, not {body.get('hook')!r}", "call the matching service"
        )
    ctx: dict[str, Any] = body["context"]
    docs = [ctx.get(k) for k in ("draftOrders", "appointments", "orders")]
    everything = [r for d in docs for r in bundle_resources(d)]
    orders = [o for d in docs for o in orders_of(d)]
    selections = ctx.get("selections")
    if service.hook == "order-select" and isinstance(selections, list) and selections:
        wanted = {ref_id(s) for s in selections}
        orders = [o for o in orders if o.reference in wanted]
    auth = body.get("fhirAuthorization")
    token = auth.get("access_token") if isinstance(auth, dict) else None
    server = body.get("fhirServer")
    pid = ctx.get("patientId")
    prefetch = body.get("prefetch")
    return HookRequest(
        hook=service.hook,
        instance=str(body.get("hookInstance") or ""),
        fhir_server=server
        if isinstance(server, str) and server.startswith(("https://", "http://"))
        else None,
        access_token=token if isinstance(token, str) else None,
        patient_id=str(pid) if isinstance(pid, (str, int)) and str(pid) else None,
        orders=tuple(orders),
        prefetch=prefetch if isinstance(prefetch, dict) else {},
        context_resources=tuple(everything),
        dispatched=tuple(r for r in (ref_id(x) for x in ctx.get("dispatchedOrders") or []) if r),
    )


@dataclass(frozen=True, slots=True)
class Judged:
    """One order and its answer."""

    order: Order
    coverage_ref: str
    determination: Determination
    assertion_id: str
    questionnaire: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def choose_coverage(order: Order, coverages: list[dict[str, Any]]) -> tuple[str, str]:
    """The Coverage (reference, payer) this order is judged under, or HookError 400."""
    by_ref = {f"Coverage/{c.get('id')}": c for c in coverages if c.get("resourceType") == "Coverage"}
    named = [by_ref[r] for r in order.coverage_refs if r in by_ref]
    for cov in named or list(by_ref.values()):
        payer = payer_for_coverage(cov)
        if payer is not None:
            return f"Coverage/{cov.get('id')}", payer
    raise HookError(
        400,
        f"{order.reference} has no active Coverage this service handles",
        "send the patient's active Coverage (prefetch 'coverage') with a payer type of Medicare, Medicare "
        "Advantage, Medicaid or a private plan",
        "not-supported",
    )


def judge(req: HookRequest, coverages: list[dict[str, Any]], record: Record, as_of: date) -> list[Judged]:
    """Run the engine for each back-care order of the request (other orders get no answer)."""
    out: list[Judged] = []
    state = record.patient.state
    names = {slug: ins.name for slug, ins in insurer_table().by_slug.items()}
    by_ref = {f"Coverage/{c.get('id')}": c for c in coverages if c.get("resourceType") == "Coverage"}
    for order in req.orders:
        if order.procedure is None or order.code is None:
            continue
        cov_ref, payer = choose_coverage(order, coverages)
        # The payor's name picks a named insurer's own policies (CONTRACTS §5) when it sells that kind.
        insurer = insurer_for_coverage(by_ref.get(cov_ref, {}), names)
        det = None
        for st, ins in dict.fromkeys(((state, insurer), (state, None), (None, insurer), (None, None))):
            try:
                det = check(record, order.code, payer, state=st, as_of=as_of, insurer=ins)
                break
            except BadInput:  # a state the engine does not know, or an insurer without that kind of plan
                continue
        if det is None:
            det = check(record, order.code, payer, as_of=as_of)
        out.append(Judged(order, cov_ref, det, uuid.uuid4().hex))
    return out


def _detail(code: str, text: str, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": "detail",
        "extension": [
            {
                "url": "code",
                "valueCodeableConcept": {"coding": [{"system": DETAIL_SYSTEM, "code": code}], "text": text},
            },
            {"url": "value", **value},
        ],
    }


def coverage_extension(j: Judged, supporting: bool, expiry_days: int) -> dict[str, Any]:
    """The ``ext-coverage-information`` extension of one answer, sub-extensions keyed by url."""
    det = j.determination
    info = det.crd_coverage_information()
    if supporting:
        info.pop("doc-needed", None)
    ext: list[dict[str, Any]] = [
        {"url": "coverage", "valueReference": {"reference": j.coverage_ref}},
        {"url": "covered", "valueCode": info["covered"]},
    ]
    if "pa-needed" in info:
        ext.append({"url": "pa-needed", "valueCode": info["pa-needed"]})
    if "doc-needed" in info:
        ext.append({"url": "doc-needed", "valueCode": info["doc-needed"]})
        purpose = "withpa" if info.get("pa-needed") == "auth-needed" else "withclaim"
        ext.append({"url": "doc-purpose", "valueCode": purpose})
    if "info-needed" in info:
        ext.append({"url": "info-needed", "valueCode": info["info-needed"]})
    ext.append({"url": "billingCode", "valueCoding": {"system": CPT, "code": det.procedure.code}})
    ext.append({"url": "reason", "valueCodeableConcept": {"text": sentence(det)}})
    for c in det.missing:
        ext.append(_detail("missing-documentation", c.summary, {"valueString": c.to_satisfy}))
    for c in det.unmet:
        ext.append(_detail("criterion-not-met", c.summary, {"valueString": c.explanation}))
    if det.earliest_eligible_date is not None:
        ext.append(
            _detail(
                "earliest-eligible-date",
                "Earliest date the criteria can be met",
                {"valueDate": det.earliest_eligible_date.isoformat()},
            )
        )
    for p in det.policies:
        ext.append(_detail("policy", p.title, {"valueUrl": p.url}))
    ext.append({"url": "date", "valueDate": det.as_of.isoformat()})
    ext.append({"url": "coverage-assertion-id", "valueString": j.assertion_id})
    if j.questionnaire and "doc-needed" in info:
        ext.append({"url": "questionnaire", "valueCanonical": j.questionnaire})
    ext.append({"url": "expiry-date", "valueDate": (det.as_of + timedelta(days=expiry_days)).isoformat()})
    return {"url": CI_URL, "extension": ext}


_PA_WORDS = {
    "required": "prior authorization is required",
    "not_required": "no prior authorization is needed",
    "plan_dependent": "prior authorization depends on the plan",
}


def sentence(det: Determination) -> str:
    """The answer in one sentence."""
    name = det.procedure.name
    if det.decision == "not_covered":
        return f"{name} is not covered under this plan's policy."
    pa = _PA_WORDS[det.prior_authorization]
    if det.decision == "meets_criteria":
        return f"{name} is covered: the record meets the policy's criteria, and {pa}."
    if det.decision == "criteria_not_met":
        when = (
            f" (earliest eligible {det.earliest_eligible_date.isoformat()})"
            if det.earliest_eligible_date
            else ""
        )
        return f"{name} is covered only once unmet criteria are met{when}; {pa}."
    n = len(det.missing)
    items = f"{n} missing items of documentation are" if n != 1 else "1 missing item of documentation is"
    return f"{name} is covered if {items} provided; {pa}."


def _card(summary: str, detail: str, indicator: str, topic: str, **more: Any) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "summary": summary[:140],
        "detail": detail,
        "indicator": indicator,
        "source": {"label": "backcover", "topic": {"system": _TOPIC, "code": topic}},
        **more,
    }


def response(
    judged: list[Judged], service: Service, expiry_days: int, form_link: Callable[[Judged], str | None]
) -> dict[str, Any]:
    """The CDS Hooks response: an ``update`` system action per judged order, and the cards."""
    cards: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for j in judged:
        det = j.determination
        res = copy.deepcopy(j.order.resource)
        res["extension"] = [
            e for e in res.get("extension") or [] if not (isinstance(e, dict) and e.get("url") == CI_URL)
        ]
        res["extension"].append(coverage_extension(j, service.supporting, expiry_days))
        actions.append(
            {
                "type": "update",
                "description": f"Added coverage information to {j.order.reference}.",
                "resource": res,
            }
        )
        lines = [sentence(det)]
        lines += [f"- Missing: {c.summary} ({c.to_satisfy})" for c in det.missing]
        lines += [f"- Not met: {c.summary}" for c in det.unmet]
        indicator = "warning" if det.decision in ("not_covered", "criteria_not_met") else "info"
        cards.append(_card(sentence(det), "\n".join(lines), indicator, "coverage"))
        link = form_link(j)
        if link and det.missing and not service.supporting:
            cards.append(
                _card(
                    f"Document what {det.procedure.name} still needs",
                    "Answer the payer's questions for the criteria the record does not show yet.",
                    "info",
                    "documentation",
                    links=[{"label": "Open the documentation form", "url": link, "type": "absolute"}],
                )
            )
    return {"cards": cards, "systemActions": actions}
