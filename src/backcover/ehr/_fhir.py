"""Small FHIR helpers for the EHR side: the orders of a hook, the payer of a Coverage, the record.

Pure: resources in, values out. The payer mapping (docs/ehr.md) reads, in this order,

1. ``Coverage.type`` codes of the Source of Payment Typology (``https://nahdo.org/sopt``): ``12``..
   (Medicare managed care) -> medicare-advantage, other ``1``.. -> medicare, ``2``.. -> medicaid,
   ``5``/``6``/``7``.. (private, BCBS, managed care) -> commercial, anything else -> not handled;
2. the words of ``Coverage.type.text``, the payor displays and the ``class`` names: "Medicare
   Advantage", "Part C" or "MA plan" -> medicare-advantage, "Medicare" -> medicare, "Medicaid" (and
   the state program names below) -> medicaid;
3. HL7 v3 ActCode plan types (``EHCPOL``, ``HIP``, ``PPO``, ``HMO``, ``POS``...) -> commercial, and
   any other active Coverage with a payor, type or class -> commercial (a plan not public is private).

SOPT ``3`` (other government: TRICARE, VA), ``4`` (corrections), ``8`` (no payment) and ``9`` are
not handled, nor is a Coverage whose status is not ``active``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from backcover import catalog
from backcover.catalog import Procedure
from backcover.record import fhir
from backcover.record.merge import Source, merge
from backcover.record.model import Record

__all__ = [
    "ORDER_TYPES",
    "Order",
    "bundle_resources",
    "codings",
    "insurer_for_coverage",
    "order_procedure",
    "payer_for_coverage",
    "record_from_resources",
    "ref_id",
]

ORDER_TYPES = (
    "ServiceRequest",
    "DeviceRequest",
    "MedicationRequest",
    "Appointment",
    "Procedure",
    "NutritionOrder",
    "VisionPrescription",
    "CommunicationRequest",
)
_PROCEDURE_SYSTEMS = (
    "http://www.ama-assn.org/go/cpt",
    "urn:oid:2.16.840.1.113883.6.12",
    "https://bluebutton.cms.gov/resources/codesystem/hcpcs",
    "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "urn:oid:2.16.840.1.113883.6.285",
    "urn:oid:2.16.840.1.113883.6.14",
)
_CODE_KEYS = ("code", "codeCodeableConcept", "medicationCodeableConcept", "serviceType", "appointmentType")
_SOPT = "https://nahdo.org/sopt"
_SOPT_OID = "urn:oid:2.16.840.1.113883.3.221.5"
_COMMERCIAL_ACT = {"EHCPOL", "HIP", "PPO", "HMO", "POS", "PPOPOL", "HMOPOL", "POSPOL", "MCPOL", "DENTAL"}
_MEDICAID_WORDS = ("medicaid", "medi-cal", "masshealth", "tenncare", "soonercare", "husky health", "chip")


@dataclass(frozen=True, slots=True)
class Order:
    """One order of a hook: its resource, its reference and the back-care procedure it asks for."""

    resource: dict[str, Any]
    reference: str  # "ServiceRequest/abc"
    procedure: Procedure | None
    code: str | None  # the code as ordered
    coverage_refs: tuple[str, ...]  # "Coverage/x" from insurance / coverage


def codings(cc: Any) -> Iterator[dict[str, Any]]:
    for concept in cc if isinstance(cc, list) else [cc]:
        if isinstance(concept, Mapping):
            raw = concept.get("coding")
            for c in raw if isinstance(raw, list) else [raw]:
                if isinstance(c, dict) and isinstance(c.get("code"), str):
                    yield c


def ref_id(ref: Any) -> str | None:
    """``"Coverage/x"`` from a Reference (absolute URLs and ``#contained`` kept as their tail)."""
    raw = ref.get("reference") if isinstance(ref, Mapping) else ref
    if not isinstance(raw, str) or not raw:
        return None
    parts = raw.split("?")[0].rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else raw


def bundle_resources(doc: Any) -> list[dict[str, Any]]:
    """The resources of a Bundle, a single resource, or a list of either (empty for anything else)."""
    if isinstance(doc, list):
        return [r for d in doc for r in bundle_resources(d)]
    if not isinstance(doc, dict) or not isinstance(doc.get("resourceType"), str):
        return []
    if doc["resourceType"] != "Bundle":
        return [doc]
    out: list[dict[str, Any]] = []
    for entry in doc.get("entry") or []:
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
            out.extend(bundle_resources(entry["resource"]))
    return out


def order_procedure(res: Mapping[str, Any]) -> tuple[Procedure | None, str | None]:
    """The back-care procedure an order asks for (CPT/HCPCS codes the catalog knows), or None."""
    first: str | None = None
    for key in _CODE_KEYS:
        for c in codings(res.get(key)):
            system = str(c.get("system") or "")
            code = str(c["code"]).strip()
            if system and system not in _PROCEDURE_SYSTEMS:
                continue
            first = first or code
            proc = catalog.find(code)
            if proc is not None:
                return proc, code
    return None, first


def orders_of(doc: Any) -> list[Order]:
    out: list[Order] = []
    for res in bundle_resources(doc):
        rtype = res["resourceType"]
        if rtype not in ORDER_TYPES:
            continue
        proc, code = order_procedure(res)
        refs = [ref_id(r) for r in _lst(res.get("insurance")) + _lst(res.get("coverage"))]
        out.append(
            Order(res, f"{rtype}/{res.get('id', '?')}", proc, code, tuple(r for r in refs if r is not None))
        )
    return out


def _lst(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [] if v is None else [v]


def _words(cov: Mapping[str, Any]) -> str:
    parts: list[str] = []
    t = cov.get("type")
    if isinstance(t, Mapping):
        parts.append(str(t.get("text") or ""))
        parts.extend(str(c.get("display") or "") for c in codings(t))
    for p in _lst(cov.get("payor")):
        if isinstance(p, Mapping):
            parts.append(str(p.get("display") or ""))
    for c in cov.get("contained") or []:
        if isinstance(c, Mapping) and c.get("resourceType") == "Organization":
            parts.append(str(c.get("name") or ""))
    for k in _lst(cov.get("class")):
        if isinstance(k, Mapping):
            parts.extend((str(k.get("name") or ""), str(k.get("value") or "")))
    return " ".join(parts).lower()


def payer_for_coverage(cov: Mapping[str, Any]) -> str | None:
    """medicare | medicare-advantage | medicaid | commercial, or None when this service cannot answer."""
    if cov.get("resourceType") != "Coverage" or cov.get("status", "active") != "active":
        return None
    for c in codings(cov.get("type")):
        system, code = str(c.get("system") or ""), str(c["code"])
        if system in (_SOPT, _SOPT_OID):
            if code.startswith("12"):
                return "medicare-advantage"
            if code.startswith("1"):
                return "medicare"
            if code.startswith("2"):
                return "medicaid"
            if code[:1] in ("5", "6", "7"):
                return "commercial"
            return None
    words = _words(cov)
    if "medicare advantage" in words or "part c" in words or "ma plan" in words:
        return "medicare-advantage"
    if "medicare" in words:
        return "medicare"
    if any(w in words for w in _MEDICAID_WORDS):
        return "medicaid"
    if any(str(c["code"]) in _COMMERCIAL_ACT for c in codings(cov.get("type"))):
        return "commercial"
    if cov.get("payor") or cov.get("type") or cov.get("class"):
        return "commercial"
    return None


def insurer_for_coverage(cov: Mapping[str, Any], names: Mapping[str, str]) -> str | None:
    """The named insurer (slug) whose name the Coverage's payor display or organisation carries, if one.

    ``names`` maps each insurer slug to its name (``engine.insurer_table().by_slug``): "Aetna Better
    Health" is ``aetna``, "Humana Gold Plus" ``humana``. None when no name, or more than one, is found.
    """
    parts = [str(p.get("display") or "") for p in _lst(cov.get("payor")) if isinstance(p, Mapping)]
    parts += [
        str(c.get("name") or "")
        for c in cov.get("contained") or []
        if isinstance(c, Mapping) and c.get("resourceType") == "Organization"
    ]
    text = f" {' '.join(parts).lower()} "
    found = {slug for slug, name in names.items() if re.search(rf"\b{re.escape(name.lower())}\b", text)}
    return found.pop() if len(found) == 1 else None


def record_from_resources(resources: list[dict[str, Any]], patient: str | None, name: str) -> Record:
    """The record of ``patient`` ("Patient/id") from FHIR resources (the prefetch of a hook)."""
    pairs = [
        fhir.Found(r, f"$.prefetch[{i}]")
        for i, r in enumerate(resources)
        if isinstance(r.get("resourceType"), str)
    ]
    parsed = fhir.parse_resources(pairs, name)
    src = Source(file=name, patients=parsed.patients, items=parsed.items)
    known = set(parsed.patients) | {s for s in parsed.items if s is not None}
    chosen = patient if patient is not None and patient in known else None
    return merge([src], chosen)
