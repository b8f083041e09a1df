"""Resources -> record items, grouped by the patient each belongs to (one mapper per resource type)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import InvalidOperation
from typing import Any

from backcover.codesets import codesets_for
from backcover.errors import BadInput
from backcover.guards import OutOfRange
from backcover.knowledge import Knowledge
from backcover.record.fhir import _admin, _clinical, _results
from backcover.record.fhir._context import Ctx, status_of
from backcover.record.fhir._read import Found, collector_paused
from backcover.record.model import Item, Patient
from backcover.vocab import Provenance

__all__ = ["HANDLED", "Parsed", "iter_items", "parse_resources"]

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

_HANDLERS: dict[str, Callable[[Ctx, dict[str, Any]], list[Item]]] = {
    "Condition": _clinical.condition,
    "Procedure": _clinical.procedure,
    "MedicationRequest": _clinical.medication_request,
    "MedicationStatement": _clinical.medication_statement,
    "Observation": _results.observation,
    "DiagnosticReport": _results.diagnostic_report,
    "ImagingStudy": _results.imaging_study,
    "Encounter": _admin.encounter,
    "ServiceRequest": _admin.service_request,
    "Coverage": _admin.coverage,
    "ExplanationOfBenefit": _admin.eob,
    "DocumentReference": _admin.document_reference,
}


@dataclass
class Parsed:
    """What one input held: its patients, and items keyed by the patient reference they concern."""

    patients: dict[str, Patient] = field(default_factory=dict)  # "Patient/id" -> Patient
    items: dict[str | None, list[Item]] = field(default_factory=dict)  # None: no subject
    ignored: dict[str, int] = field(default_factory=dict)  # resource types not used, with counts
    skipped_in_error: int = 0
    resource_count: int = 0
    notes: list[str] = field(default_factory=list)


def parse_resources(
    resources: Sequence[Found],
    file: str,
    provenance: Provenance | None = None,
    knowledge: Knowledge | None = None,
) -> Parsed:
    """Turn FHIR resources into items. ``provenance`` overrides the default (ehr; claim for EOBs).

    The resources are only read, never changed.
    """
    ctx = Ctx(file, resources, codesets_for(knowledge))
    parsed = Parsed(resource_count=len(resources))
    items = parsed.items
    handlers = _HANDLERS
    with collector_paused():
        for res, where, full_urls in resources:
            ctx.where = where
            ctx.full_urls = full_urls
            rtype = res["resourceType"]
            ctx.rid = f"{rtype}/{res.get('id', '?')}"
            handler = handlers.get(rtype)
            if handler is None:
                if rtype == "Patient":
                    _add_patient(ctx, parsed, res, where)
                elif rtype not in HANDLED:
                    parsed.ignored[rtype] = parsed.ignored.get(rtype, 0) + 1
                continue
            if status_of(res) == "entered-in-error" or status_of(res, "verificationStatus") in (
                "entered-in-error",
                "refuted",
            ):
                parsed.skipped_in_error += 1
                continue
            subject = ctx.subject(res)
            try:
                produced = handler(ctx, res)
            except BadInput:
                raise
            except OutOfRange as exc:
                raise ctx.bad(exc.problem, exc.fix) from None
            except OverflowError:
                raise ctx.bad(
                    "a date falls outside the calendar (before year 1 or after 9999) once its duration is "
                    "added",
                    "correct the date or the duration (for example authoredOn or the supply duration)",
                ) from None
            except (TypeError, AttributeError, KeyError, ValueError, IndexError, InvalidOperation):
                raise ctx.bad(
                    "an element has the wrong shape for FHIR R4 (for example a list where an object belongs)",
                    "validate the resource against the FHIR R4 specification, or re-export it",
                ) from None
            if not produced:
                continue
            if provenance is not None:
                produced = [
                    it if it.provenance == provenance else replace(it, provenance=provenance)
                    for it in produced
                ]
            mine = items.get(subject)
            if mine is None:
                items[subject] = produced
            else:
                mine.extend(produced)
    parsed.notes.extend(ctx.notes)
    return parsed


def _add_patient(ctx: Ctx, parsed: Parsed, res: dict[str, Any], where: str) -> None:
    pid = f"Patient/{res.get('id') or where}"
    person = _admin.patient(ctx, res, pid)
    before = parsed.patients.get(pid)
    if before is not None and (before.name, before.birth_date) != (person.name, person.birth_date):
        # Never the names themselves: a warning must not carry patient data.
        ctx.notes.append(
            f"{pid} appears twice with a different name or birth date; the later one is used "
            f"({where}): check that the files describe one person"
        )
    parsed.patients[pid] = person


def iter_items(parsed: Parsed) -> Iterator[Item]:
    for items in parsed.items.values():
        yield from items
