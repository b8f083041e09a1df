"""Da Vinci PAS: the prior-authorization request Bundle.

Pure. :func:`build_pas_bundle` takes typed inputs (the lead wires them to a case and its packet) and
returns a PAS request Bundle: a Claim with ``use = preauthorization`` first, items carrying the
``certificationType`` and ``requestedService`` extensions, then the Patient, Coverage, insurer,
requesting practitioner, the ServiceRequests and the supporting documents it references.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backcover.errors import BadInput

__all__ = [
    "PAS",
    "X12",
    "Diagnosis",
    "PasCoverage",
    "PasPatient",
    "PasProcedure",
    "PasProvider",
    "build_pas_bundle",
]

PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
X12 = "http://codesystem.x12.org/005010/"


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
                    "valueCodeableConcept": _cc(X12 + "1322", p.certification_type),
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
                "valueCodeableConcept": _cc(X12 + "1338", "U" if urgent else "E"),
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
