"""FHIR R4 import: Bundles of any type, single resources, NDJSON bulk exports and folders of these.

Reading is split in two steps:

* :func:`iter_resources` turns bytes into ``(resource, place)`` pairs and refuses what is not FHIR
  R4 JSON, with the file and place (line number or JSON path) in the error;
* :func:`parse_resources` turns resources into record items, grouped by the patient each belongs to.

The result of a file is a :class:`Parsed` value; merging several of them into one person's record is
:mod:`backcover.record.merge`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from backcover import codesets
from backcover.dates import Instant, parse_fhir_datetime
from backcover.errors import BadInput
from backcover.guards import OutOfRange, finite_decimal
from backcover.record.model import (
    Coding,
    Item,
    ItemKind,
    Patient,
    Provenance,
    Region,
    SourceRef,
    When,
)

__all__ = ["Parsed", "iter_resources", "parse_json_bytes", "parse_ndjson_bytes", "parse_resources"]

# Resource types that exist only in other FHIR versions (DSTU2/STU3 or R5).
_OTHER_VERSION_TYPES: dict[str, str] = {
    "MedicationOrder": "DSTU2",
    "DiagnosticOrder": "DSTU2",
    "DeviceUseRequest": "DSTU2",
    "Order": "DSTU2",
    "ProcedureRequest": "STU3",
    "ReferralRequest": "STU3",
    "ProcessRequest": "STU3",
    "EligibilityRequest": "STU3",
    "Transport": "R5",
    "InventoryItem": "R5",
    "ArtifactAssessment": "R5",
    "Requirements": "R5",
    "ActorDefinition": "R5",
    "Permission": "R5",
    "GenomicStudy": "R5",
    "FormularyItem": "R5",
    "NutritionIntake": "R5",
    "DeviceUsage": "R5",
    "DeviceDispense": "R5",
}

_R4_FIX = "export the data as FHIR R4 (4.0.1); most EHRs and Blue Button 2.0 offer R4"

HANDLED = (
    "Patient",
    "Condition",
    "Procedure",
    "MedicationRequest",
    "MedicationStatement",
    "Observation",
    "DiagnosticReport",
    "ImagingStudy",
    "Encounter",
    "ServiceRequest",
    "Coverage",
    "ExplanationOfBenefit",
    "DocumentReference",
    "Practitioner",
    "PractitionerRole",
    "Medication",
    "Organization",
)


@dataclass
class Parsed:
    """What one input held: its patients, and items keyed by the patient reference they concern."""

    patients: dict[str, Patient] = field(default_factory=dict)  # "Patient/id" -> Patient
    items: dict[str | None, list[Item]] = field(default_factory=dict)  # None: no subject
    ignored: dict[str, int] = field(default_factory=dict)  # resource types not used, with counts
    skipped_in_error: int = 0
    resource_count: int = 0
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------- reading


def _loads(data: bytes, file: str, where: str | None) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadInput(
            f"malformed JSON ({exc.msg} at character {exc.pos})",
            "check that the file is complete JSON; re-export it if it was cut off",
            file,
            where,
        ) from None


def parse_json_bytes(data: bytes, file: str) -> list[tuple[dict[str, Any], str]]:
    """Resources from a JSON file holding one resource or a Bundle (of any type, nested too)."""
    if not data.strip():
        raise BadInput(
            "the file is empty", "give a FHIR R4 JSON file, an NDJSON export or a treatment log", file
        )
    doc = _loads(data, file, None)
    out: list[tuple[dict[str, Any], str]] = []
    _collect(doc, "$", file, out)
    return out


def parse_ndjson_bytes(data: bytes, file: str) -> list[tuple[dict[str, Any], str]]:
    """Resources from an NDJSON bulk-export file, one resource per line."""
    out: list[tuple[dict[str, Any], str]] = []
    lines = data.split(b"\n")
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            cut = n == len(lines) or (n == len(lines) - 1 and not lines[-1].strip())
            problem = "the last line is cut off" if cut else f"malformed JSON ({exc.msg})"
            raise BadInput(
                problem,
                "each line of an NDJSON file must be one complete FHIR resource; re-export the file",
                file,
                f"line {n}",
            ) from None
        _collect(doc, f"line {n}", file, out)
    if not out:
        raise BadInput("the file holds no FHIR resources", "give a non-empty NDJSON bulk export", file)
    return out


def _collect(doc: Any, where: str, file: str, out: list[tuple[dict[str, Any], str]]) -> None:
    if not isinstance(doc, dict) or "resourceType" not in doc:
        raise BadInput(
            "this is JSON but not a FHIR resource (there is no resourceType)",
            "give a FHIR R4 resource, Bundle or NDJSON export; other JSON cannot be read as a record",
            file,
            where,
        )
    rtype = doc["resourceType"]
    if not isinstance(rtype, str):
        raise BadInput("resourceType must be text", "fix the resourceType field", file, where)
    _check_version(doc, file, where)
    if rtype == "Bundle":
        entries = doc.get("entry") if doc.get("entry") is not None else []
        if not isinstance(entries, list):
            raise BadInput("Bundle.entry must be a list", "fix the Bundle's entry field", file, where)
        full_urls: dict[str, str] = {}
        first = len(out)
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise BadInput(
                    "a Bundle entry must be an object", "fix the entry", file, f"{where}.entry[{i}]"
                )
            res = entry.get("resource")
            if res is None:
                continue  # a request-only entry (e.g. a DELETE in a transaction)
            if isinstance(res, dict) and isinstance(entry.get("fullUrl"), str) and res.get("id"):
                full_urls[entry["fullUrl"]] = f"{res.get('resourceType')}/{res['id']}"
            _collect(res, f"{where}.entry[{i}].resource", file, out)
        if full_urls:
            # Bundles may refer to entries by fullUrl (urn:uuid:...); remember how to resolve them.
            for res, _ in out[first:]:
                res.setdefault("_backcover_fullurls", full_urls)
        return
    out.append((doc, where))


def _check_version(res: Mapping[str, Any], file: str, where: str) -> None:
    rtype = res["resourceType"]
    version = _OTHER_VERSION_TYPES.get(rtype)
    reason = f"{rtype} exists only in FHIR {version}" if version else None
    if reason is None:
        if rtype == "Condition" and "patient" in res and "subject" not in res:
            version, reason = "DSTU2", "Condition has 'patient' (R4 uses 'subject')"
        elif rtype == "Procedure" and any(k.startswith("occurrence") for k in res):
            version, reason = "R5", "Procedure has occurrence[x] (R4 uses performed[x])"
        elif rtype in ("MedicationRequest", "MedicationStatement") and isinstance(
            res.get("medication"), dict
        ):
            version, reason = "R5", f"{rtype}.medication is a CodeableReference (R4 uses medication[x])"
        elif rtype == "Encounter" and isinstance(res.get("class"), list):
            version, reason = "R5", "Encounter.class is a list (R4 has a single Coding)"
        elif rtype == "MedicationRequest" and "context" in res:
            version, reason = "STU3", "MedicationRequest has 'context' (R4 uses 'encounter')"
    if reason:
        raise BadInput(
            f"this looks like FHIR {version}, not R4: {reason}",
            _R4_FIX,
            file,
            f"{where} ({rtype}/{res.get('id', '?')})",
        )


def iter_resources(data: bytes, file: str, ndjson: bool) -> list[tuple[dict[str, Any], str]]:
    return parse_ndjson_bytes(data, file) if ndjson else parse_json_bytes(data, file)


# ----------------------------------------------------------------------------------------- parsing


class _Ctx:
    """Per-input state: where we are, and the resources that others refer to."""

    def __init__(self, file: str, resources: list[tuple[dict[str, Any], str]]) -> None:
        self.file = file
        self.index: dict[str, dict[str, Any]] = {}
        for res, _ in resources:
            rid = res.get("id")
            if isinstance(rid, str):
                self.index[f"{res['resourceType']}/{rid}"] = res
        self.where = ""
        self.rid = ""
        self.notes: list[str] = []

    def bad(self, problem: str, fix: str) -> BadInput:
        return BadInput(problem, fix, self.file, f"{self.where} ({self.rid})")

    def when_value(self, raw: Any, field_name: str) -> tuple[Instant, str]:
        try:
            return parse_fhir_datetime(raw)
        except BadInput as exc:
            raise BadInput(
                f"{field_name}: {exc.problem}", exc.fix, self.file, f"{self.where} ({self.rid})"
            ) from None

    def resolve(self, ref: Any, res: Mapping[str, Any]) -> dict[str, Any] | None:
        if not isinstance(ref, dict):
            return None
        target = ref.get("reference")
        if not isinstance(target, str):
            return None
        if target.startswith("#"):
            for c in _lst(res.get("contained")):
                if isinstance(c, dict) and c.get("id") == target[1:]:
                    return c
            return None
        urls = res.get("_backcover_fullurls") or {}
        target = urls.get(target, target)
        return self.index.get(_tail(target))


def _lst(value: Any) -> list[Any]:
    """A FHIR list element, or an empty list when it is absent or not a list."""
    return value if isinstance(value, list) else []


def _tail(ref: str) -> str:
    """``http://x/fhir/Patient/1/_history/2`` -> ``Patient/1``; ``urn:uuid:..`` kept as is."""
    if ref.startswith("urn:"):
        return ref
    parts = ref.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    return "/".join(parts[-2:]) if len(parts) >= 2 else ref


def _codings(cc: Any) -> list[Coding]:
    if not isinstance(cc, dict):
        return []
    out = []
    for c in _lst(cc.get("coding")):
        if isinstance(c, dict) and c.get("code") is not None:
            out.append(Coding(str(c.get("system") or ""), str(c["code"]), c.get("display")))
    return out


def _text(cc: Any) -> str | None:
    if not isinstance(cc, dict):
        return None
    if isinstance(cc.get("text"), str):
        return str(cc["text"])
    for c in _lst(cc.get("coding")):
        if isinstance(c, dict) and isinstance(c.get("display"), str):
            return str(c["display"])
    return None


def _concepts_for(codes: Iterable[Coding]) -> tuple[list[str], Region | None, str | None]:
    concepts: list[str] = []
    region: Region | None = None
    scale: str | None = None
    for c in codes:
        m = codesets.lookup(c.system, c.code)
        if m is not None:
            concepts.append(m.concept)
            region = region or m.region
            scale = scale or m.scale
    return concepts, region, scale


def _status(res: Mapping[str, Any], key: str = "status") -> str | None:
    v = res.get(key)
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        cs = _codings(v)
        return cs[0].code if cs else None
    return None


def _subject(res: Mapping[str, Any], ctx: _Ctx) -> str | None:
    for key in ("subject", "patient", "beneficiary"):
        ref = res.get(key)
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            target = ref["reference"]
            urls = res.get("_backcover_fullurls") or {}
            return _tail(str(urls.get(target, target)))
    return None


def _decimal(v: Any) -> Decimal | None:
    return finite_decimal(v)  # a non-finite or huge number raises OutOfRange: see _map


def _period(ctx: _Ctx, p: Any, name: str) -> When | None:
    if not isinstance(p, dict):
        return None
    start = ctx.when_value(p["start"], f"{name}.start")[0] if p.get("start") else None
    end = ctx.when_value(p["end"], f"{name}.end")[0] if p.get("end") else None
    if start is None and end is None:
        return None
    if start is None:
        assert end is not None
        return When(end)
    if end is not None and _as_date(end) < _as_date(start):
        raise ctx.bad(f"{name} ends ({end}) before it starts ({start})", "fix the period's start or end date")
    return When(start, end, ongoing=end is None)


def _as_date(v: Instant) -> date:
    return v.date() if isinstance(v, datetime) else v


def _choice_when(ctx: _Ctx, res: Mapping[str, Any], prefix: str) -> When | None:
    """Read a FHIR choice element such as performed[x] / effective[x] / onset[x]."""
    for suffix in ("DateTime", "Instant", "Date"):
        raw = res.get(prefix + suffix)
        if raw is not None:
            return When(ctx.when_value(raw, prefix + suffix)[0])
    if res.get(prefix + "Period") is not None:
        return _period(ctx, res[prefix + "Period"], prefix + "Period")
    return None


def _performer_details(ctx: _Ctx, res: Mapping[str, Any], refs: Iterable[Any]) -> dict[str, Any]:
    names: list[str] = []
    specialties: list[str] = []
    for ref in refs:
        if not isinstance(ref, dict):
            continue
        target = ctx.resolve(ref, res)
        if target is None:
            if isinstance(ref.get("display"), str):
                names.append(ref["display"])
            continue
        if target.get("resourceType") == "PractitionerRole":
            for sp in _lst(target.get("specialty")):
                t = _text(sp)
                if t:
                    specialties.append(t)
            prac = ctx.resolve(target.get("practitioner"), target)
            if prac is not None:
                target = prac
        if target.get("resourceType") in ("Practitioner", "Organization"):
            n = (
                _human_name(target.get("name"))
                if target["resourceType"] == "Practitioner"
                else target.get("name")
            )
            if isinstance(n, str):
                names.append(n)
            for q in _lst(target.get("qualification")):
                t = _text(q.get("code")) if isinstance(q, dict) else None
                if t:
                    specialties.append(t)
    out: dict[str, Any] = {}
    if names:
        out["performer"] = names
    if specialties:
        out["specialty"] = specialties
    return out


def _human_name(names: Any) -> str | None:
    if not isinstance(names, list) or not names:
        return None
    official = next((n for n in names if isinstance(n, dict) and n.get("use") == "official"), names[0])
    if not isinstance(official, dict):
        return None
    if isinstance(official.get("text"), str):
        return str(official["text"])
    given = " ".join(g for g in _lst(official.get("given")) if isinstance(g, str))
    family = official.get("family") if isinstance(official.get("family"), str) else ""
    full = f"{given} {family}".strip()
    return full or None


def _add_reasons(details: dict[str, Any], res: Mapping[str, Any]) -> None:
    """Keep the codes of ``reasonCode`` (why a service was done) in the item's details."""
    reasons = [c.code for r in _lst(res.get("reasonCode")) for c in _codings(r)]
    if reasons:
        details["reason"] = reasons


def _refs(res: Mapping[str, Any], *keys: str) -> tuple[str, ...]:
    """The targets of the references in list elements such as ``partOf`` or ``basedOn``."""
    return tuple(
        _tail(r["reference"])
        for key in keys
        for r in _lst(res.get(key))
        if isinstance(r, dict) and isinstance(r.get("reference"), str)
    )


def _notes(res: Mapping[str, Any]) -> str | None:
    texts = [
        n["text"] for n in _lst(res.get("note")) if isinstance(n, dict) and isinstance(n.get("text"), str)
    ]
    return " ".join(texts) if texts else None


_SUPPLY_UNITS = {
    "d": 1,
    "day": 1,
    "days": 1,
    "wk": 7,
    "week": 7,
    "weeks": 7,
    "mo": 30,
    "month": 30,
    "months": 30,
}


def parse_resources(
    resources: list[tuple[dict[str, Any], str]], file: str, provenance: Provenance | None = None
) -> Parsed:
    """Turn FHIR resources into items. ``provenance`` overrides the default (ehr; claim for EOBs)."""
    ctx = _Ctx(file, resources)
    parsed = Parsed(resource_count=len(resources))
    for res, where in resources:
        ctx.where = where
        rtype = res["resourceType"]
        ctx.rid = f"{rtype}/{res.get('id', '?')}"
        if rtype == "Patient":
            pid = f"Patient/{res.get('id') or where}"
            person = _patient(ctx, res, pid)
            before = parsed.patients.get(pid)
            if before is not None and (before.name, before.birth_date) != (person.name, person.birth_date):
                # Never the names themselves: a warning must not carry patient data.
                ctx.notes.append(
                    f"{pid} appears twice with a different name or birth date; the later one is used "
                    f"({where}): check that the files describe one person"
                )
            parsed.patients[pid] = person
            continue
        handler = _HANDLERS.get(rtype)
        if handler is None:
            if rtype not in HANDLED:
                parsed.ignored[rtype] = parsed.ignored.get(rtype, 0) + 1
            continue
        if _status(res) == "entered-in-error" or _status(res, "verificationStatus") in (
            "entered-in-error",
            "refuted",
        ):
            parsed.skipped_in_error += 1
            continue
        subject = _subject(res, ctx)
        try:
            produced = handler(ctx, res)
        except BadInput:
            raise
        except OutOfRange as exc:
            raise ctx.bad(exc.problem, exc.fix) from None
        except OverflowError:
            raise ctx.bad(
                "a date falls outside the calendar (before year 1 or after 9999) once its duration is added",
                "correct the date or the duration (for example authoredOn or the supply duration)",
            ) from None
        except (TypeError, AttributeError, KeyError, ValueError, IndexError, InvalidOperation):
            raise ctx.bad(
                "an element has the wrong shape for FHIR R4 (for example a list where an object belongs)",
                "validate the resource against the FHIR R4 specification, or re-export it",
            ) from None
        for item in produced:
            if provenance is not None and item.provenance != provenance:
                item = Item(
                    **{**{f: getattr(item, f) for f in item.__dataclass_fields__}, "provenance": provenance}
                )
            parsed.items.setdefault(subject, []).append(item)
    parsed.notes.extend(ctx.notes)
    return parsed


def _patient(ctx: _Ctx, res: Mapping[str, Any], pid: str) -> Patient:
    birth = None
    if res.get("birthDate") is not None:
        value, precision = ctx.when_value(res["birthDate"], "birthDate")
        birth = _as_date(value) if precision == "day" else None
    idents = tuple(
        (str(i.get("system") or ""), str(i["value"]))
        for i in _lst(res.get("identifier"))
        if isinstance(i, dict) and i.get("value") is not None
    )
    state = None
    for addr in _lst(res.get("address")):
        if isinstance(addr, dict) and isinstance(addr.get("state"), str):
            state = addr["state"]
            break
    return Patient(
        id=pid.split("/", 1)[1],
        name=_human_name(res.get("name")),
        birth_date=birth,
        gender=res.get("gender") if isinstance(res.get("gender"), str) else None,
        identifiers=idents,
        state=state,
        sources=(ctx.file,),
    )


def _item(
    ctx: _Ctx,
    res: Mapping[str, Any],
    kind: ItemKind,
    when: When | None,
    codes: list[Coding],
    *,
    text: str | None = None,
    extra_concepts: Iterable[str] = (),
    provenance: Provenance = "ehr",
    source: str | None = None,
    **kw: Any,
) -> Item:
    concepts, region, scale = _concepts_for(codes)
    concepts.extend(extra_concepts)
    if not concepts and text:
        fallback = (
            codesets.match_visit_text(text) if kind in (ItemKind.ENCOUNTER, ItemKind.REFERRAL) else None
        )
        if fallback:
            concepts.append(fallback)
    kw.setdefault("scale", scale)
    kw.setdefault("region", region)
    cs = tuple(dict.fromkeys(concepts))
    return Item(
        kind=kind,
        when=when,
        codes=tuple(codes),
        provenance=provenance,
        source=SourceRef(source or ctx.rid, ctx.file),
        concept=cs[0] if cs else None,
        concepts=cs,
        text=text,
        status=kw.pop("status", _status(res)),
        **kw,
    )


def _kind_for(concepts: list[str], default: ItemKind) -> ItemKind:
    if any(codesets.is_a(c, "imaging") for c in concepts):
        return ItemKind.IMAGING
    return default


def _condition(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = _codings(res.get("code"))
    when = _choice_when(ctx, res, "onset")
    if when is None and res.get("recordedDate"):
        when = When(ctx.when_value(res["recordedDate"], "recordedDate")[0])
    abated = _choice_when(ctx, res, "abatement")
    clinical = _status(res, "clinicalStatus")
    if isinstance(res.get("clinicalStatus"), str):
        # Older (STU3-style) shape seen in real R4 exports, e.g. the Da Vinci prior-auth reference
        # implementation: tolerated, and said.
        ctx.notes.append(f"{ctx.rid}: clinicalStatus is plain text (an STU3 habit); read as {clinical!r}")
    if when is not None:
        if abated is not None:
            when = When(when.start, abated.end or abated.start)
        elif clinical in (None, "active", "recurrence", "relapse"):
            when = When(when.start, None, ongoing=True)
    details: dict[str, Any] = {}
    cats = [c.code for cat in _lst(res.get("category")) for c in _codings(cat)]
    if cats:
        details["category"] = cats
    return [
        _item(
            ctx,
            res,
            ItemKind.DIAGNOSIS,
            when,
            codes,
            text=_text(res.get("code")),
            status=clinical,
            details=details,
        )
    ]


def _procedure(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = _codings(res.get("code"))
    when = _choice_when(ctx, res, "performed")
    concepts, _, _ = _concepts_for(codes)
    details: dict[str, Any] = {}
    note = _notes(res)
    if note:
        details["note"] = note
    details.update(
        _performer_details(
            ctx, res, (p.get("actor") for p in _lst(res.get("performer")) if isinstance(p, dict))
        )
    )
    _add_reasons(details, res)
    refs = _refs(res, "basedOn")
    return [
        _item(
            ctx,
            res,
            _kind_for(concepts, ItemKind.PROCEDURE),
            when,
            codes,
            text=_text(res.get("code")),
            details=details,
            refs=refs,
        )
    ]


def _medication_codes(ctx: _Ctx, res: dict[str, Any]) -> tuple[list[Coding], str | None]:
    if isinstance(res.get("medicationCodeableConcept"), dict):
        cc = res["medicationCodeableConcept"]
        return _codings(cc), _text(cc)
    med = ctx.resolve(res.get("medicationReference"), res)
    if med is not None:
        return _codings(med.get("code")), _text(med.get("code"))
    ref = res.get("medicationReference")
    return [], ref.get("display") if isinstance(ref, dict) else None


def _med_concepts(codes: list[Coding], text: str | None) -> list[str]:
    concepts, _, _ = _concepts_for(codes)
    if not concepts:
        for c in codes:
            hit = codesets.match_medication_text(c.display)
            if hit:
                concepts.append(hit)
        hit = codesets.match_medication_text(text)
        if hit:
            concepts.append(hit)
    return concepts


def _medication_request(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes, text = _medication_codes(ctx, res)
    start: Instant | None = None
    end: Instant | None = None
    basis = None
    for d in _lst(res.get("dosageInstruction")):
        bounds = (
            ((d.get("timing") or {}).get("repeat") or {}).get("boundsPeriod") if isinstance(d, dict) else None
        )
        if isinstance(bounds, dict):
            p = _period(ctx, bounds, "dosageInstruction.timing.repeat.boundsPeriod")
            if p is not None:
                start, end = p.start, p.end
                basis = "dosage bounds" if end is not None else None
                break
    if res.get("authoredOn") is not None:
        authored = ctx.when_value(res["authoredOn"], "authoredOn")[0]
        start = start or authored
    dispense = res.get("dispenseRequest") or {}
    if start is not None and end is None:
        supply = dispense.get("expectedSupplyDuration") if isinstance(dispense, dict) else None
        if isinstance(supply, dict) and _decimal(supply.get("value")) is not None:
            unit = str(supply.get("code") or supply.get("unit") or "d").lower()
            days = int(_decimal(supply["value"]) * _SUPPLY_UNITS.get(unit, 1))  # type: ignore[operator]
            end = _as_date(start) + timedelta(days=max(days - 1, 0))
            basis = f"supply of {supply.get('value')} {unit}"
        else:
            end = _as_date(start) + timedelta(days=29)
            basis = "assumed 30-day course (no end date or supply duration)"
    if start is None:
        raise ctx.bad(
            "MedicationRequest has no date (authoredOn or dosage bounds)", "add authoredOn to the order"
        )
    details: dict[str, Any] = {}
    if basis:
        details["duration_basis"] = basis
    dosage = [
        d.get("text") for d in _lst(res.get("dosageInstruction")) if isinstance(d, dict) and d.get("text")
    ]
    if dosage:
        details["dose"] = "; ".join(str(x) for x in dosage)
    details.update(_performer_details(ctx, res, [res.get("requester")]))
    return [
        _item(
            ctx,
            res,
            ItemKind.MEDICATION,
            When(start, end),
            codes,
            text=text,
            extra_concepts=_med_concepts(codes, text),
            details=details,
        )
    ]


def _medication_statement(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes, text = _medication_codes(ctx, res)
    when = _choice_when(ctx, res, "effective")
    if when is None and res.get("dateAsserted"):
        when = When(ctx.when_value(res["dateAsserted"], "dateAsserted")[0])
    if when is not None and when.end is None and _status(res) in ("active", "intended", None):
        when = When(when.start, None, ongoing=True)
    details: dict[str, Any] = {}
    note = _notes(res)
    if note:
        details["note"] = note
    return [
        _item(
            ctx,
            res,
            ItemKind.MEDICATION,
            when,
            codes,
            text=text,
            extra_concepts=_med_concepts(codes, text),
            details=details,
        )
    ]


def _observation(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = _codings(res.get("code"))
    text = _text(res.get("code"))
    when = _choice_when(ctx, res, "effective")
    if when is None and res.get("issued"):
        when = When(ctx.when_value(res["issued"], "issued")[0])
    concepts, region, scale = _concepts_for(codes)
    if not concepts:
        hit = codesets.match_observation_text(text)
        if hit:
            concepts.append(hit.concept)
            scale = scale or hit.scale
    value: Decimal | str | None = None
    unit = None
    value_codes: list[Coding] = []
    if isinstance(res.get("valueQuantity"), dict):
        q = res["valueQuantity"]
        value = _decimal(q.get("value"))
        unit = q.get("unit") or q.get("code")
    elif res.get("valueInteger") is not None:
        value = _decimal(res["valueInteger"])
    elif isinstance(res.get("valueString"), str):
        value = res["valueString"]
    elif isinstance(res.get("valueCodeableConcept"), dict):
        value_codes = _codings(res["valueCodeableConcept"])
        value = _text(res["valueCodeableConcept"])
        concepts.extend(_concepts_for(value_codes)[0])
    elif isinstance(res.get("valueBoolean"), bool):
        value = "true" if res["valueBoolean"] else "false"
    cats = [c.code for cat in _lst(res.get("category")) for c in _codings(cat)]
    kind = ItemKind.SCORE if scale else ItemKind.LAB if "laboratory" in cats else ItemKind.OBSERVATION
    if scale and isinstance(value, str):
        raise ctx.bad(
            f"the {scale.upper()} score is text, not a number",
            "record the score as valueInteger or valueQuantity",
        )
    refs = _refs(res, "partOf", "derivedFrom", "focus", "basedOn")
    details: dict[str, Any] = {}
    if cats:
        details["category"] = cats
    if value_codes:
        details["value_codes"] = [c.to_json() for c in value_codes]
    note = _notes(res)
    if note:
        details["note"] = note
    return [
        _item(
            ctx,
            res,
            kind,
            when,
            codes,
            text=text,
            extra_concepts=[c for c in concepts if c not in _concepts_for(codes)[0]],
            value=value,
            unit=unit,
            scale=scale,
            region=region,
            refs=refs,
            details=details,
        )
    ]


def _diagnostic_report(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = _codings(res.get("code"))
    when = _choice_when(ctx, res, "effective")
    if when is None and res.get("issued"):
        when = When(ctx.when_value(res["issued"], "issued")[0])
    cats = [c.code for cat in _lst(res.get("category")) for c in _codings(cat)]
    concepts, _, _ = _concepts_for(codes)
    imaging = any(c in ("RAD", "IMG", "imaging", "LP29684-5") for c in cats) or any(
        codesets.is_a(c, "imaging") for c in concepts
    )
    details: dict[str, Any] = {"category": cats} if cats else {}
    conclusion = res.get("conclusion") if isinstance(res.get("conclusion"), str) else None
    if conclusion:
        details["conclusion"] = conclusion
    ccodes = [c for cc in _lst(res.get("conclusionCode")) for c in _codings(cc)]
    extra = _concepts_for(ccodes)[0] if ccodes else []
    if ccodes:
        details["conclusion_codes"] = [c.to_json() for c in ccodes]
    refs = _refs(res, "imagingStudy", "result", "basedOn")
    kind = ItemKind.IMAGING if imaging else ItemKind.LAB
    return [
        _item(
            ctx,
            res,
            kind,
            when,
            codes,
            text=conclusion or _text(res.get("code")),
            extra_concepts=extra,
            refs=refs,
            details=details,
        )
    ]


def _imaging_study(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = [c for cc in _lst(res.get("procedureCode")) for c in _codings(cc)]
    when = When(ctx.when_value(res["started"], "started")[0]) if res.get("started") else None
    modality = [str(m.get("code")) for m in _lst(res.get("modality")) if isinstance(m, dict)]
    details: dict[str, Any] = {"modality": modality} if modality else {}
    desc = res.get("description") if isinstance(res.get("description"), str) else None
    extra: list[str] = []
    if not _concepts_for(codes)[0]:
        extra.append("imaging")
    return [
        _item(
            ctx,
            res,
            ItemKind.IMAGING,
            when,
            codes,
            text=desc or _text((res.get("procedureCode") or [None])[0]),
            extra_concepts=extra,
            details=details,
        )
    ]


def _encounter(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = [c for t in _lst(res.get("type")) for c in _codings(t)]
    codes += _codings(res.get("serviceType"))
    texts = [t for t in [*(_text(t) for t in _lst(res.get("type"))), _text(res.get("serviceType"))] if t]
    text = "; ".join(dict.fromkeys(texts)) or None
    when = _period(ctx, res.get("period"), "period") if res.get("period") else None
    if when is not None and when.ongoing and _status(res) == "finished":
        when = When(when.start)
    if when is not None and when.end is not None and _as_date(when.end) == _as_date(when.start):
        when = When(when.start)
    details: dict[str, Any] = {}
    cls = res.get("class")
    if isinstance(cls, dict) and cls.get("code"):
        details["class"] = cls["code"]
    details.update(
        _performer_details(
            ctx, res, (p.get("individual") for p in _lst(res.get("participant")) if isinstance(p, dict))
        )
    )
    _add_reasons(details, res)
    extra: list[str] = []
    if not _concepts_for(codes)[0]:
        hit = codesets.match_visit_text(" ".join([text or "", *details.get("specialty", [])]))
        if hit:
            extra.append(hit)
    return [
        _item(ctx, res, ItemKind.ENCOUNTER, when, codes, text=text, extra_concepts=extra, details=details)
    ]


def _service_request(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = _codings(res.get("code"))
    text = _text(res.get("code"))
    when = (
        When(ctx.when_value(res["authoredOn"], "authoredOn")[0])
        if res.get("authoredOn")
        else _choice_when(ctx, res, "occurrence")
    )
    details: dict[str, Any] = {"intent": res.get("intent")} if res.get("intent") else {}
    _add_reasons(details, res)
    details.update(_performer_details(ctx, res, [res.get("requester"), *(_lst(res.get("performer")))]))
    extra = ["referral"] if "referral" not in _concepts_for(codes)[0] else []
    return [_item(ctx, res, ItemKind.REFERRAL, when, codes, text=text, extra_concepts=extra, details=details)]


def _coverage(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = _codings(res.get("type"))
    when = _period(ctx, res.get("period"), "period") if res.get("period") else None
    payors = [p.get("display") for p in _lst(res.get("payor")) if isinstance(p, dict) and p.get("display")]
    details: dict[str, Any] = {"payor": payors} if payors else {}
    return [_item(ctx, res, ItemKind.COVERAGE, when, codes, text=_text(res.get("type")), details=details)]


def _document_reference(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    codes = _codings(res.get("type"))
    when = When(ctx.when_value(res["date"], "date")[0]) if res.get("date") else None
    if when is None and isinstance(res.get("context"), dict) and res["context"].get("period"):
        when = _period(ctx, res["context"]["period"], "context.period")
    attachments = []
    for c in _lst(res.get("content")):
        att = c.get("attachment") if isinstance(c, dict) else None
        if isinstance(att, dict):
            attachments.append({k: att[k] for k in ("contentType", "title", "url", "size") if k in att})
    details: dict[str, Any] = {"attachments": attachments} if attachments else {}
    text = res.get("description") if isinstance(res.get("description"), str) else _text(res.get("type"))
    return [_item(ctx, res, ItemKind.DOCUMENT, when, codes, text=text, details=details)]


def _eob(ctx: _Ctx, res: dict[str, Any]) -> list[Item]:
    """Claims history: each claim line becomes an item, and each diagnosis on the claim too."""
    billable = (
        _period(ctx, res.get("billablePeriod"), "billablePeriod") if res.get("billablePeriod") else None
    )
    base = ctx.rid
    items: list[Item] = []
    for i, dx in enumerate(_lst(res.get("diagnosis"))):
        if not isinstance(dx, dict):
            continue
        codes = _codings(dx.get("diagnosisCodeableConcept"))
        if codes:
            when = When(billable.start) if billable else None
            items.append(
                _item(
                    ctx,
                    res,
                    ItemKind.DIAGNOSIS,
                    when,
                    codes,
                    text=_text(dx.get("diagnosisCodeableConcept")),
                    provenance="claim",
                    source=f"{base}#diagnosis[{i}]",
                    status=None,
                )
            )
    for i, line in enumerate(_lst(res.get("item"))):
        if not isinstance(line, dict):
            continue
        codes = _codings(line.get("productOrService"))
        line_when: When | None
        if line.get("servicedDate"):
            line_when = When(ctx.when_value(line["servicedDate"], "item.servicedDate")[0])
        elif line.get("servicedPeriod"):
            line_when = _period(ctx, line["servicedPeriod"], "item.servicedPeriod")
        else:
            line_when = billable
        concepts, _, _ = _concepts_for(codes)
        kind = (
            ItemKind.MEDICATION
            if any(codesets.is_a(c, "medication_trial") for c in concepts)
            else _kind_for(concepts, ItemKind.PROCEDURE)
        )
        if kind is ItemKind.PROCEDURE and any(codesets.is_a(c, "office_visit") for c in concepts):
            kind = ItemKind.ENCOUNTER
        details: dict[str, Any] = {"claim_status": res.get("outcome")} if res.get("outcome") else {}
        qty = (
            _decimal((line.get("quantity") or {}).get("value"))
            if isinstance(line.get("quantity"), dict)
            else None
        )
        if qty is not None:
            details["quantity"] = qty
        items.append(
            _item(
                ctx,
                res,
                kind,
                line_when,
                codes,
                text=_text(line.get("productOrService")),
                provenance="claim",
                source=f"{base}#item[{i}]",
                details=details,
            )
        )
    return items


_HANDLERS = {
    "Condition": _condition,
    "Procedure": _procedure,
    "MedicationRequest": _medication_request,
    "MedicationStatement": _medication_statement,
    "Observation": _observation,
    "DiagnosticReport": _diagnostic_report,
    "ImagingStudy": _imaging_study,
    "Encounter": _encounter,
    "ServiceRequest": _service_request,
    "Coverage": _coverage,
    "ExplanationOfBenefit": _eob,
    "DocumentReference": _document_reference,
}


def iter_items(parsed: Parsed) -> Iterator[Item]:
    for items in parsed.items.values():
        yield from items
