"""Da Vinci PAS: the prior-authorization request Bundle, and the payer's ClaimResponse as a typed status.

Pure. :func:`build_pas_bundle` takes typed inputs (the lead wires them to a case and its packet) and
returns a PAS request Bundle: a Claim with ``use = preauthorization`` first, items carrying the
``certificationType`` and ``requestedService`` extensions, then the Patient, Coverage, insurer,
requesting practitioner, the ServiceRequests and the supporting documents it references.
:func:`ingest_claim_response` reads a ClaimResponse (alone or in a response Bundle): the X12 306
review action codes of PAS (A1 certified, A2 partial, A3 not certified, A4 pended, A6 modified,
C cancelled), and the older shapes (``extension-reviewAction`` as a string, ``disposition`` text,
``outcome``), with the authorization number and period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from backcover.dates import parse_date_only
from backcover.ehr._fhir import bundle_resources, codings
from backcover.errors import BadInput

__all__ = [
    "PAS",
    "Diagnosis",
    "PaItem",
    "PaStatus",
    "PasCoverage",
    "PasPatient",
    "PasProcedure",
    "PasProvider",
    "build_pas_bundle",
    "ingest_claim_response",
]

PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
_X12 = "http://codesystem.x12.org/005010/"
Decision = Literal["certified", "partial", "not_certified", "pended", "modified", "cancelled"]
_ACTION: dict[str, Decision] = {
    "A1": "certified",
    "A2": "partial",
    "A3": "not_certified",
    "A4": "pended",
    "A6": "modified",
    "C": "cancelled",
}
_STORE: dict[Decision, str] = {
    "certified": "approved",
    "partial": "approved",
    "modified": "approved",
    "not_certified": "denied",
    "pended": "pended",
    "cancelled": "withdrawn",
}


@dataclass(frozen=True, slots=True)
class PasPatient:
    id: str
    family: str
    given: str
    birth_date: date | None = None
    gender: str | None = None  # male | female | other | unknown
    member_id: str | None = None


@dataclass(frozen=True, slots=True)
class PasCoverage:
    id: str
    payer_name: str
    payer_id: str  # the payer's identifier (X12 NM109 with PI)
    member_id: str
    relationship: str = "self"


@dataclass(frozen=True, slots=True)
class PasProvider:
    id: str
    family: str
    given: str
    npi: str


@dataclass(frozen=True, slots=True)
class PasProcedure:
    code: str  # CPT/HCPCS
    display: str
    start: date
    end: date | None = None
    quantity: int = 1
    place_of_service: str = "11"  # CMS place of service (11 office, 22 hospital outpatient, 24 ASC)
    certification_type: str = "I"  # X12 1322: I initial, R renewal, S revised, 3 cancel, 4 extension
    system: str = "http://www.ama-assn.org/go/cpt"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    code: str  # ICD-10-CM
    display: str | None = None


def _ref(rtype: str, rid: str) -> dict[str, str]:
    return {"reference": f"{rtype}/{rid}"}


def _cc(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def build_pas_bundle(
    *,
    identifier: str,
    created: datetime,
    patient: PasPatient,
    coverage: PasCoverage,
    requester: PasProvider,
    procedures: Sequence[PasProcedure],
    diagnoses: Sequence[Diagnosis],
    supporting: Iterable[str] = (),
    urgent: bool = False,
) -> dict[str, Any]:
    """A PAS request Bundle (``Claim/$submit`` body). ``supporting``: references such as
    ``DocumentReference/letter-1`` to documents the payer can read (the packet)."""
    if not procedures:
        raise BadInput(
            "a prior-authorization request needs a procedure", "give the procedure code of the case"
        )
    insurer = f"payer-{coverage.payer_id}"
    sr_ids = [f"{identifier}-sr{i + 1}" for i in range(len(procedures))]
    items: list[dict[str, Any]] = []
    for i, (p, sr) in enumerate(zip(procedures, sr_ids, strict=True)):
        item: dict[str, Any] = {
            "extension": [
                {
                    "url": PAS + "extension-certificationType",
                    "valueCodeableConcept": _cc(_X12 + "1322", p.certification_type),
                },
                {"url": PAS + "extension-requestedService", "valueReference": _ref("ServiceRequest", sr)},
            ],
            "sequence": i + 1,
            "careTeamSequence": [1],
            "diagnosisSequence": list(range(1, len(diagnoses) + 1)),
            "productOrService": _cc(p.system, p.code, p.display),
            "locationCodeableConcept": _cc(
                "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
                p.place_of_service,
            ),
            "quantity": {"value": p.quantity},
        }
        if p.end is not None:
            item["servicedPeriod"] = {"start": p.start.isoformat(), "end": p.end.isoformat()}
        else:
            item["servicedDate"] = p.start.isoformat()
        items.append(item)
    claim: dict[str, Any] = {
        "resourceType": "Claim",
        "id": identifier,
        "meta": {"profile": [PAS + "profile-claim"]},
        "extension": [
            {
                "url": PAS + "extension-levelOfServiceCode",
                "valueCodeableConcept": _cc(_X12 + "1338", "U" if urgent else "E"),
            }
        ],
        "identifier": [{"system": "urn:backcover:pa-request", "value": identifier}],
        "status": "active",
        "type": _cc("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
        "use": "preauthorization",
        "patient": _ref("Patient", patient.id),
        "created": created.isoformat(),
        "insurer": _ref("Organization", insurer),
        "provider": _ref("Practitioner", requester.id),
        "priority": _cc(
            "http://terminology.hl7.org/CodeSystem/processpriority", "stat" if urgent else "normal"
        ),
        "careTeam": [{"sequence": 1, "provider": _ref("Practitioner", requester.id)}],
        "diagnosis": [
            {
                "sequence": i + 1,
                "diagnosisCodeableConcept": _cc("http://hl7.org/fhir/sid/icd-10-cm", d.code, d.display),
            }
            for i, d in enumerate(diagnoses)
        ],
        "insurance": [{"sequence": 1, "focal": True, "coverage": _ref("Coverage", coverage.id)}],
        "item": items,
    }
    docs = list(supporting)
    if docs:
        claim["supportingInfo"] = [
            {
                "sequence": i + 1,
                "category": _cc(
                    "http://hl7.org/us/davinci-pas/CodeSystem/PASTempCodes", "additionalInformation"
                ),
                "valueReference": {"reference": d},
            }
            for i, d in enumerate(docs)
        ]
    pat: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient.id,
        "name": [{"family": patient.family, "given": [patient.given]}],
    }
    if patient.member_id:
        pat["identifier"] = [
            {"type": _cc("http://terminology.hl7.org/CodeSystem/v2-0203", "MB"), "value": patient.member_id}
        ]
    if patient.birth_date:
        pat["birthDate"] = patient.birth_date.isoformat()
    if patient.gender:
        pat["gender"] = patient.gender
    cov = {
        "resourceType": "Coverage",
        "id": coverage.id,
        "status": "active",
        "subscriberId": coverage.member_id,
        "beneficiary": _ref("Patient", patient.id),
        "relationship": _cc(
            "http://terminology.hl7.org/CodeSystem/subscriber-relationship", coverage.relationship
        ),
        "payor": [_ref("Organization", insurer)],
    }
    org = {
        "resourceType": "Organization",
        "id": insurer,
        "identifier": [{"system": "urn:backcover:payer-id", "value": coverage.payer_id}],
        "name": coverage.payer_name,
    }
    prac = {
        "resourceType": "Practitioner",
        "id": requester.id,
        "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": requester.npi}],
        "name": [{"family": requester.family, "given": [requester.given]}],
    }
    srs = [
        {
            "resourceType": "ServiceRequest",
            "id": sr,
            "status": "active",
            "intent": "order",
            "code": _cc(p.system, p.code, p.display),
            "subject": _ref("Patient", patient.id),
            "requester": _ref("Practitioner", requester.id),
        }
        for p, sr in zip(procedures, sr_ids, strict=True)
    ]
    resources = [claim, pat, cov, org, prac, *srs]
    return {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:backcover:pa-request", "value": identifier},
        "type": "collection",
        "timestamp": created.isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{r['resourceType']}-{r['id']}", "resource": r} for r in resources],
    }


@dataclass(frozen=True, slots=True)
class PaItem:
    sequence: int | None
    decision: Decision
    action_code: str | None
    auth_number: str | None
    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class PaStatus:
    """The payer's answer: ``decision`` and its store status (approved, denied, pended, withdrawn)."""

    decision: Decision
    action_code: str | None
    auth_number: str | None
    start: date | None
    end: date | None
    response_id: str | None
    items: tuple[PaItem, ...] = ()
    note: str | None = None

    @property
    def status(self) -> str:
        return _STORE[self.decision]

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "status": self.status,
            "action_code": self.action_code,
            "auth_number": self.auth_number,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "response_id": self.response_id,
            "note": self.note,
            "items": [
                {
                    "sequence": i.sequence,
                    "decision": i.decision,
                    "action_code": i.action_code,
                    "auth_number": i.auth_number,
                }
                for i in self.items
            ],
        }


def _ext(res: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    return [
        e for e in res.get("extension") or [] if isinstance(e, dict) and str(e.get("url", "")).endswith(name)
    ]


def _period(v: Any) -> tuple[date | None, date | None]:
    if not isinstance(v, Mapping):
        return None, None
    try:
        return (
            parse_date_only(str(v["start"])[:10]) if v.get("start") else None,
            parse_date_only(str(v["end"])[:10]) if v.get("end") else None,
        )
    except BadInput:
        return None, None


def _action(ext: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(review action code, number) of one reviewAction extension (either shape)."""
    if isinstance(ext.get("valueString"), str):
        return ext["valueString"].strip().upper(), None
    code: str | None = None
    number: str | None = None
    for sub in ext.get("extension") or []:
        url = str(sub.get("url", ""))
        if url == "number" and isinstance(sub.get("valueString"), str):
            number = sub["valueString"]
        elif url.endswith("reviewActionCode"):
            code = next((str(c["code"]).upper() for c in codings(sub.get("valueCodeableConcept"))), None)
    return code, number


def _item(it: Mapping[str, Any]) -> PaItem | None:
    for adj in it.get("adjudication") or []:
        for ext in _ext(adj, "extension-reviewAction"):
            code, number = _action(ext)
            if code in _ACTION:
                start, end = _period(
                    next((e.get("valuePeriod") for e in _ext(it, "itemPreAuthPeriod")), None)
                )
                seq = it.get("itemSequence")
                return PaItem(seq if isinstance(seq, int) else None, _ACTION[code], code, number, start, end)
    return None


def _overall(items: list[PaItem]) -> Decision:
    kinds = {i.decision for i in items}
    if len(kinds) == 1:
        return items[0].decision
    if "pended" in kinds:
        return "pended"
    if kinds & {"certified", "partial", "modified"}:
        return "partial" if kinds & {"not_certified", "partial", "cancelled"} else "modified"
    return "not_certified"


_DISPOSITION: tuple[tuple[str, Decision], ...] = (
    ("denied", "not_certified"),
    ("not certified", "not_certified"),
    ("pend", "pended"),
    ("partial", "partial"),
    ("modified", "modified"),
    ("cancel", "cancelled"),
    ("approved", "certified"),
    ("granted", "certified"),
    ("certified", "certified"),
)


def ingest_claim_response(doc: Any, file: str = "ClaimResponse") -> PaStatus:
    """The typed status of a ClaimResponse (or of the ClaimResponse inside a response Bundle)."""
    found = [r for r in bundle_resources(doc) if r["resourceType"] == "ClaimResponse"]
    if not found:
        raise BadInput(
            "no ClaimResponse in this file", "give the payer's PAS response Bundle or ClaimResponse", file
        )
    cr = found[0]
    rid = str(cr.get("id")) if cr.get("id") else None
    items = [
        p for p in (_item(it) for it in cr.get("item") or [] if isinstance(it, Mapping)) if p is not None
    ]
    pre_ref = cr.get("preAuthRef") if isinstance(cr.get("preAuthRef"), str) else None
    pstart, pend = _period(cr.get("preAuthPeriod"))
    note = cr.get("disposition") if isinstance(cr.get("disposition"), str) else None
    if items:
        number = next((i.auth_number for i in items if i.auth_number), pre_ref)
        start = min((i.start for i in items if i.start), default=pstart)
        end = max((i.end for i in items if i.end), default=pend)
        code = items[0].action_code if len({i.action_code for i in items}) == 1 else None
        return PaStatus(_overall(items), code, number, start, end, rid, tuple(items), note)
    for ext in _ext(cr, "extension-reviewAction"):
        code, number = _action(ext)
        if code in _ACTION:
            return PaStatus(_ACTION[code], code, number or pre_ref, pstart, pend, rid, (), note)
    text = (note or "").lower()
    for word, decision in _DISPOSITION:
        if word in text:
            return PaStatus(decision, None, pre_ref, pstart, pend, rid, (), note)
    outcome = cr.get("outcome")
    if outcome in ("queued", "partial"):
        return PaStatus("pended", None, pre_ref, pstart, pend, rid, (), f"outcome {outcome}")
    if outcome == "complete" and pre_ref:
        return PaStatus("certified", None, pre_ref, pstart, pend, rid, (), note)
    if outcome == "error":
        return PaStatus(
            "pended",
            None,
            pre_ref,
            pstart,
            pend,
            rid,
            (),
            "the payer reported an error processing the request",
        )
    raise BadInput(
        "the ClaimResponse carries no review action, disposition or outcome backcover can read",
        "ask the payer for a PAS ClaimResponse with a review action code (A1, A2, A3, A4, A6)",
        file,
        f"ClaimResponse/{rid}" if rid else None,
    )
