"""Resources -> record items, grouped by the patient each belongs to (one mapper per resource type)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import InvalidOperation
from typing import Any

from backcover.codesets import codesets_for
from backcover.errors import BadInput
from backcover.guards import OutOfRange
from backcover.knowledge import Knowledge
from backcover.record.fhir import _admin, _clinical, _results
from backcover.record.fhir._context import Ctx
from backcover.record.fhir._read import Found, collector_paused
from backcover.record.fhir._values import status_of, tail
from backcover.record.model import Item, Patient
from backcover.vocab import Provenance

__all__ = ["HANDLED", "Parsed", "in_error", "iter_items", "parse_resources"]

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
    with collector_paused():
        for res, where, full_urls in resources:
            outcome = map_one(ctx, res, where, full_urls)
            if outcome is not None:
                if provenance is not None and outcome[0] == ITEMS:
                    outcome = (ITEMS, outcome[1], _with_provenance(outcome[2], provenance))
                add_outcome(parsed, outcome, where, ctx.notes)
    parsed.notes.extend(ctx.notes)
    return parsed


def in_error(res: Mapping[str, Any]) -> bool:
    """A resource the reader skips: its status, or its verificationStatus, says entered in error
    (or refuted). ``relevance`` asks this too, so that a screen drops exactly what the reader skips."""
    status = res.get("status")
    if (status if type(status) is str else status_of(res)) == "entered-in-error":
        return True
    return res.get("verificationStatus") is not None and status_of(res, "verificationStatus") in (
        "entered-in-error",
        "refuted",
    )


ITEMS, PATIENT, IGNORED, SKIPPED = 0, 1, 2, 3
Outcome = tuple[int, Any, Any]
"""What one resource adds to a :class:`Parsed` (see :func:`map_one`)."""
_SKIPPED: Outcome = (SKIPPED, None, None)


def map_one(ctx: Ctx, res: dict[str, Any], where: str, full_urls: Mapping[str, str]) -> Outcome | None:
    """What one resource adds: ``(ITEMS, subject, items)``, ``(PATIENT, "Patient/id", Patient)``,
    ``(IGNORED, type, None)`` or ``(SKIPPED, ...)`` (entered in error); ``None`` for nothing."""
    ctx.where = where
    ctx.full_urls = full_urls
    rtype = res["resourceType"]
    ctx.rid = f"{rtype}/{res.get('id', '?')}"
    handler = _HANDLERS.get(rtype)
    if handler is None:
        if rtype == "Patient":
            pid = f"Patient/{res.get('id') or where}"
            return (PATIENT, pid, _admin.patient(ctx, res, pid))
        return (IGNORED, rtype, None) if rtype not in HANDLED else None
    if in_error(res):
        return _SKIPPED
    ref = res.get("subject")
    target = ref.get("reference") if type(ref) is dict else None
    subject = tail(target) if type(target) is str and not full_urls else ctx.subject(res)
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
    return (ITEMS, subject, produced)


def add_outcome(parsed: Parsed, outcome: Outcome, where: str, notes: list[str]) -> None:
    """Add what one resource gave, in resource order; a note about it goes to ``notes``."""
    kind, key, value = outcome
    if kind == ITEMS:
        if value:
            mine = parsed.items.get(key)
            if mine is None:
                parsed.items[key] = value
            else:
                mine.extend(value)
    elif kind == PATIENT:
        before = parsed.patients.get(key)
        if before is not None and (before.name, before.birth_date) != (value.name, value.birth_date):
            # Never the names themselves: a warning must not carry patient data.
            notes.append(
                f"{key} appears twice with a different name or birth date; the later one is used "
                f"({where}): check that the files describe one person"
            )
        parsed.patients[key] = value
    elif kind == IGNORED:
        parsed.ignored[key] = parsed.ignored.get(key, 0) + 1
    else:
        parsed.skipped_in_error += 1


def _with_provenance(items: list[Item], provenance: Provenance) -> list[Item]:
    return [it if it.provenance == provenance else replace(it, provenance=provenance) for it in items]


def iter_items(parsed: Parsed) -> Iterator[Item]:
    for items in parsed.items.values():
        yield from items
