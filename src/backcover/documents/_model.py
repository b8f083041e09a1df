"""Pure document objects: the prior-authorization packet, the appeal letter, the peer-to-peer prep
sheet, the external-review request and the Good Faith Estimate request.

They take a determination-like input (:class:`DeterminationView`, built from the engine's
``Determination`` or its JSON), so they do not depend on the engine's classes. The one rule that
must always hold: a letter says a criterion is met only when the engine's status for it is
``met`` (:func:`criterion_statement`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from backcover.errors import BadInput
from backcover.vocab import CriterionStatus, Provenance, values

if TYPE_CHECKING:
    from backcover.engine import Determination

__all__ = [
    "LETTER_PROVENANCE",
    "STATUSES",
    "AppealLetter",
    "Attachment",
    "Citation",
    "CriterionView",
    "DenialView",
    "DeterminationView",
    "Document",
    "EvidenceView",
    "ExternalReviewRequest",
    "GoodFaithEstimateRequest",
    "GuidelineRef",
    "Party",
    "PeerToPeerPrep",
    "PriorAuthPacket",
    "TimelineEntry",
    "criterion_statement",
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
        from backcover.documents._convert import view_from_json

        return view_from_json(data)

    @classmethod
    def from_engine(cls, determination: Determination) -> DeterminationView:
        """From the engine's :class:`~backcover.engine.Determination` itself (no JSON in between)."""
        from backcover.documents._convert import view_from_determination

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


@dataclass(frozen=True)
class Document:
    """Common to every letter: who writes, to whom, about whom, when."""

    kind: ClassVar[str] = "document"
    title: ClassVar[str] = "Document"
    patient: Party
    sender: Party
    recipient: Party
    letter_date: date

    @property
    def service(self) -> tuple[str, str] | None:
        """(code, plain name) of the service: from the determination, else from ``procedure``."""
        det = getattr(self, "determination", None)
        if det is not None and det.procedure_code:
            return det.procedure_code, det.procedure_name
        proc: tuple[str, str] | None = getattr(self, "procedure", None)
        return proc

    def warnings(self) -> list[str]:
        """Things the person should check before sending (shown by the CLI, printed on drafts)."""
        return []


@dataclass(frozen=True)
class PriorAuthPacket(Document):
    kind: ClassVar[str] = "prior_auth_packet"
    title: ClassVar[str] = "Prior authorization request"
    procedure: tuple[str, str] | None = None
    determination: DeterminationView | None = None
    provider: Party | None = None
    setting: str | None = None
    planned_date: date | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    urgent: bool = False

    def warnings(self) -> list[str]:
        if self.determination is None:
            return ["No coverage check was attached: the criteria checklist is empty."]
        return [
            f"Criterion '{c.summary}' is {c.status_label.lower()}: the packet does not claim it."
            for c in self.determination.open
        ]


@dataclass(frozen=True)
class AppealLetter(Document):
    kind: ClassVar[str] = "appeal_letter"
    title: ClassVar[str] = "Appeal of a denial"
    procedure: tuple[str, str] | None = None
    denial: DenialView | None = None
    determination: DeterminationView | None = None
    provider: Party | None = None
    level_name: str = "internal appeal"
    file_by: date | None = None
    deadline_rule: str | None = None
    guidelines: tuple[GuidelineRef, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    urgent: bool = False
    ask_peer_to_peer: bool = True
    requests: tuple[str, ...] = ()

    def warnings(self) -> list[str]:
        out: list[str] = []
        if self.determination is None:
            out.append("No coverage check was attached: the letter cannot answer the criteria one by one.")
        else:
            out += [
                f"Criterion '{c.summary}' is {c.status_label.lower()}: the letter does not claim it is met."
                for c in self.determination.open
            ]
        if self.file_by is not None and self.file_by < self.letter_date:
            out.append(
                f"The filing deadline {self.file_by.isoformat()} has passed: "
                "ask about good cause for late filing."
            )
        return out


@dataclass(frozen=True)
class PeerToPeerPrep(Document):
    kind: ClassVar[str] = "peer_to_peer_prep"
    title: ClassVar[str] = "Peer-to-peer review preparation"
    procedure: tuple[str, str] | None = None
    denial: DenialView | None = None
    determination: DeterminationView | None = None
    scheduled_for: date | None = None
    file_by: date | None = None
    guidelines: tuple[GuidelineRef, ...] = ()

    def warnings(self) -> list[str]:
        if self.determination is None:
            return ["No coverage check was attached: the talking points are empty."]
        return []


@dataclass(frozen=True)
class ExternalReviewRequest(Document):
    kind: ClassVar[str] = "external_review_request"
    title: ClassVar[str] = "Request for external review"
    procedure: tuple[str, str] | None = None
    denial: DenialView | None = None
    determination: DeterminationView | None = None
    final_decision_date: date | None = None
    file_by: date | None = None
    rule: str | None = None
    urgent: bool = False
    attachments: tuple[Attachment, ...] = ()

    def warnings(self) -> list[str]:
        out = []
        if self.determination is not None:
            out += [
                f"Criterion '{c.summary}' is {c.status_label.lower()}: the request does not claim it is met."
                for c in self.determination.open
            ]
        return out


@dataclass(frozen=True)
class GoodFaithEstimateRequest(Document):
    kind: ClassVar[str] = "good_faith_estimate_request"
    title: ClassVar[str] = "Request for a Good Faith Estimate"
    services: tuple[tuple[str, str], ...] = ()  # (code, plain name)
    planned_date: date | None = None
    diagnosis: str | None = None
    co_providers: Sequence[str] = field(default_factory=tuple)
