"""The values letters are made of: parties, the determination as letters see it (from the engine's
``Determination`` directly, or from its JSON), criteria, evidence, denials, attachments.

The letters themselves are in :mod:`._letters`. The one rule that
must always hold: a letter says a criterion is met only when the engine's status for it is
``met`` (:func:`criterion_statement`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from backcover.errors import BadInput
from backcover.vocab import CriterionStatus, Provenance, values

if TYPE_CHECKING:
    from backcover.engine import Determination

__all__ = [
    "LETTER_PROVENANCE",
    "STATUSES",
    "Attachment",
    "Citation",
    "CriterionView",
    "DenialView",
    "DeterminationView",
    "EvidenceView",
    "GuidelineRef",
    "Party",
    "TimelineEntry",
    "criterion_statement",
    "view_from_determination",
    "view_from_json",
]

STATUSES = values(CriterionStatus)


@dataclass(frozen=True)
class Party:
    """A person or organisation on a letter: patient, clinician, payer."""

    name: str
    address: tuple[str, ...] = ()
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    npi: str | None = None
    member_id: str | None = None
    birth_date: date | None = None
    specialty: str | None = None
    organization: str | None = None


@dataclass(frozen=True)
class EvidenceView:
    resource: str
    date: date | None = None
    provenance: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        bits = [self.note or self.resource]
        meta = ", ".join(
            x for x in (self.date.isoformat() if self.date else None, _prov(self.provenance)) if x
        )
        return f"{bits[0]} ({meta})" if meta else bits[0]


def _prov(p: str | None) -> str | None:
    return LETTER_PROVENANCE.get(p or "", p)


# How letters name where evidence came from (a letter speaks of "the patient's log", not "you").
LETTER_PROVENANCE: dict[str, str] = {
    Provenance.EHR: "clinical record",
    Provenance.CLAIM: "claims record",
    Provenance.SELF_REPORTED: "patient's log",
    Provenance.CLINICIAN_ATTESTED: "clinician's attestation",
}


@dataclass(frozen=True)
class Citation:
    policy: str
    section: str | None = None
    url: str | None = None
    title: str | None = None

    @property
    def label(self) -> str:
        return ", ".join(x for x in (self.policy, self.title, self.section) if x)


@dataclass(frozen=True)
class CriterionView:
    """One criterion as the engine judged it."""

    id: str
    kind: str
    status: str
    summary: str
    explanation: str = ""
    evidence: tuple[EvidenceView, ...] = ()
    source: Citation | None = None
    to_satisfy: str | None = None
    required: bool = True  # False: attested with the claim (equipment, credentials); never blocks

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise BadInput(
                f"criterion {self.id}: unknown status {self.status!r}", "use " + ", ".join(STATUSES)
            )

    @property
    def status_label(self) -> str:
        if self.status == "unknown" and not self.required:
            return "Shown with the claim"
        return CriterionStatus(self.status).label

    @property
    def statement(self) -> str:
        return criterion_statement(self)

    @property
    def first_date(self) -> date | None:
        dates = [e.date for e in self.evidence if e.date]
        return min(dates) if dates else None


def criterion_statement(c: CriterionView) -> str:
    """The sentence a letter may say about a criterion. Only ``met`` may claim it is met."""
    if c.status == "met":
        return f"This criterion is met. {c.explanation}".strip()
    if c.status == "not_applicable":
        return f"This criterion does not apply here. {c.explanation}".strip()
    if c.status == "unknown" and not c.required:
        return "This is documented when the service is given, not before." + (
            f" What shows it: {c.to_satisfy}" if c.to_satisfy else ""
        )
    if c.status == "unknown":
        return "The enclosed records do not yet document this." + (
            f" To document: {c.to_satisfy}" if c.to_satisfy else ""
        )
    return "The records reviewed do not show this." + (
        f" What would satisfy it: {c.to_satisfy}" if c.to_satisfy else ""
    )


@dataclass(frozen=True)
class DeterminationView:
    """What the letters need from a coverage determination."""

    decision: str
    criteria: tuple[CriterionView, ...]
    procedure_code: str
    procedure_name: str
    payer: str
    policies: tuple[Citation, ...] = ()
    notes: tuple[str, ...] = ()
    as_of: date | None = None
    prior_authorization: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeterminationView:
        """From the CONTRACTS.md section 1 JSON (a ``backcover check --format json`` file)."""
        return view_from_json(data)

    @classmethod
    def from_engine(cls, determination: Determination) -> DeterminationView:
        """From the engine's :class:`~backcover.engine.Determination` itself (no JSON in between)."""
        return view_from_determination(determination)

    def with_labels(self, labels: Mapping[str, str]) -> DeterminationView:
        """Name each evidence item in words (``Procedure/pt-4`` -> ``Physical therapy visit``)."""
        crit = tuple(
            replace(
                c,
                evidence=tuple(
                    replace(e, note=e.note or labels.get(e.resource)) if labels.get(e.resource) else e
                    for e in c.evidence
                ),
            )
            for c in self.criteria
        )
        return replace(self, criteria=crit)

    @property
    def met(self) -> tuple[CriterionView, ...]:
        return tuple(c for c in self.criteria if c.status == "met")

    @property
    def open(self) -> tuple[CriterionView, ...]:
        """Criteria the letter cannot claim: not met, or required and not documented."""
        return tuple(
            c for c in self.criteria if c.status == "not_met" or (c.status == "unknown" and c.required)
        )

    @property
    def at_service(self) -> tuple[CriterionView, ...]:
        """Criteria shown with the claim (not required before the service) and not yet documented."""
        return tuple(c for c in self.criteria if c.status == "unknown" and not c.required)

    @property
    def not_applicable(self) -> tuple[CriterionView, ...]:
        return tuple(c for c in self.criteria if c.status == "not_applicable")


@dataclass(frozen=True)
class DenialView:
    denial_date: date
    reason_text: str | None
    codes: tuple[tuple[str, str], ...] = ()  # (label such as "CO-50", plain-language summary)
    reference: str | None = None

    @property
    def code_labels(self) -> str:
        return ", ".join(c for c, _ in self.codes)


@dataclass(frozen=True)
class GuidelineRef:
    title: str
    citation: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Attachment:
    title: str
    doc_type: str
    date: date | None = None
    source: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    date: date
    text: str
    source: str | None = None


def view_from_determination(det: Determination) -> DeterminationView:
    """Every field the letters use, read from the engine's objects (no JSON round trip, no defaults)."""
    criteria = tuple(
        CriterionView(
            id=c.id,
            kind=str(c.kind),
            status=str(c.status),
            summary=c.summary,
            explanation=c.explanation,
            evidence=tuple(EvidenceView(e.resource, e.date, str(e.provenance), e.note) for e in c.evidence),
            source=Citation(c.source.policy, c.source.section, c.source.url),
            to_satisfy=c.to_satisfy,
            required=c.required,
        )
        for c in det.criteria
    )
    return DeterminationView(
        decision=str(det.decision),
        criteria=criteria,
        procedure_code=det.procedure.code,
        procedure_name=det.procedure.name,
        payer=str(det.payer),
        policies=tuple(Citation(p.id, None, p.url, p.title) for p in det.policies),
        notes=tuple(det.notes),
        as_of=det.as_of,
        prior_authorization=str(det.prior_authorization),
    )


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def view_from_json(data: Mapping[str, Any]) -> DeterminationView:
    """From the CONTRACTS.md section 1 JSON (``backcover check --format json``)."""
    crit = []
    for c in data.get("criteria") or []:
        src = c.get("source") or None
        crit.append(
            CriterionView(
                id=str(c.get("id", "")),
                kind=str(c.get("kind", "other")),
                status=str(c.get("status")),
                summary=str(c.get("summary", "")),
                explanation=str(c.get("explanation") or ""),
                evidence=tuple(
                    EvidenceView(
                        str(e.get("resource", "")), _d(e.get("date")), e.get("provenance"), e.get("note")
                    )
                    for e in c.get("evidence") or []
                ),
                source=Citation(str(src.get("policy", "")), src.get("section"), src.get("url"))
                if src
                else None,
                to_satisfy=c.get("to_satisfy"),
                required=bool(c.get("required", True)),
            )
        )
    proc = data.get("procedure") or {}
    return DeterminationView(
        decision=str(data.get("decision", "")),
        criteria=tuple(crit),
        procedure_code=str(proc.get("code", "")),
        procedure_name=str(proc.get("name", "")),
        payer=str(data.get("payer", "")),
        policies=tuple(
            Citation(str(p.get("id", "")), None, p.get("url"), p.get("title"))
            for p in data.get("policies") or []
        ),
        notes=tuple(str(n) for n in data.get("notes") or []),
        as_of=_d(data.get("as_of")),
        prior_authorization=data.get("prior_authorization"),
    )
