"""Pure document objects: the prior-authorization packet, the appeal letter, the peer-to-peer prep
sheet, the external-review request, the Good Faith Estimate request and the private "Before you
send" sheet.

Each document has an audience. What goes to the payer argues for the patient: only the criteria the
engine found ``met`` appear in it. What is still missing is listed on the "Before you send" sheet
(:class:`BeforeYouSend`), for the patient or clinic only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from backcover.documents._model import (
    Attachment,
    CriterionView,
    DenialView,
    DeterminationView,
    GuidelineRef,
    Party,
    TimelineEntry,
)
from backcover.documents._parts import EXTERNAL_ROUTES, CaseRef, Right, RouteInfo, representative_form
from backcover.vocab import Signer

__all__ = [
    "AppealLetter",
    "BeforeYouSend",
    "Document",
    "ExternalReviewRequest",
    "GoodFaithEstimateRequest",
    "Missing",
    "PeerToPeerPrep",
    "PriorAuthPacket",
    "Withheld",
]


@dataclass(frozen=True)
class Missing:
    """A field a payer needs that the case does not have yet, and where it is printed."""

    field: str
    where: str


@dataclass(frozen=True)
class Document:
    """Common to every letter: who writes, to whom, about whom, when, under which numbers."""

    kind: ClassVar[str] = "document"
    title: ClassVar[str] = "Document"
    to_payer: ClassVar[bool] = True  # sent to the payer: member id and address are needed
    patient: Party
    sender: Party
    recipient: Party
    letter_date: date
    ref: CaseRef = field(default_factory=CaseRef)
    signer: Signer = Signer.PATIENT
    provider: Party | None = None

    @property
    def service(self) -> tuple[str, str] | None:
        """(code, plain name) of the service: from the determination, else from ``procedure``."""
        det = getattr(self, "determination", None)
        if det is not None and det.procedure_code:
            return det.procedure_code, det.procedure_name
        proc: tuple[str, str] | None = getattr(self, "procedure", None)
        return proc

    @property
    def argued(self) -> tuple[CriterionView, ...]:
        """The criteria the document argues: those the engine found met, and only those."""
        det: DeterminationView | None = getattr(self, "determination", None)
        return det.met if det is not None else ()

    @property
    def signer_role(self) -> str:
        return {
            Signer.PATIENT: "Patient",
            Signer.PROVIDER: "Treating clinician",
            Signer.REPRESENTATIVE: "Authorized representative of the patient",
        }[self.signer]

    @property
    def representative_form(self) -> tuple[str, str] | None:
        return representative_form(self.ref.plan_kind, self.signer)

    def missing(self) -> list[Missing]:
        """Fields the payer needs that are not filled in (finalising refuses these)."""
        if not self.to_payer:
            return []
        out = []
        if not (self.ref.member_id or self.patient.member_id):
            out.append(Missing("member id", "the top of the denial notice or the insurance card"))
        if not self.recipient.address:
            out.append(
                Missing(
                    "appeals address",
                    "the denial notice, under 'How to appeal' (or the plan's Evidence of Coverage)",
                )
            )
        return out

    def warnings(self) -> list[str]:
        """What to check before sending (printed in the draft box, never criteria)."""
        return [f"Missing {m.field}: it is printed on {m.where}." for m in self.missing()]


@dataclass(frozen=True)
class PriorAuthPacket(Document):
    """Clinic to the payer's utilization-management department: the minimum necessary."""

    kind: ClassVar[str] = "prior_auth_packet"
    title: ClassVar[str] = "Prior authorization request"
    procedure: tuple[str, str] | None = None
    determination: DeterminationView | None = None
    setting: str | None = None  # in words ("ambulatory surgery center")
    planned_date: date | None = None
    diagnoses: tuple[TimelineEntry, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    withheld: tuple[Withheld, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    urgent: bool = False

    def missing(self) -> list[Missing]:
        # sent to the plan's utilization-management fax or portal, not its appeals address
        return [m for m in super().missing() if m.field != "appeals address"]


@dataclass(frozen=True)
class Withheld:
    """A section of the record left out of a packet as unrelated: its name and how many items."""

    section: str
    count: int


@dataclass(frozen=True)
class AppealLetter(Document):
    kind: ClassVar[str] = "appeal_letter"
    title: ClassVar[str] = "Appeal of a denial"
    procedure: tuple[str, str] | None = None
    denial: DenialView | None = None
    determination: DeterminationView | None = None
    level_name: str = "internal appeal"
    file_by: date | None = None
    deadline_rule: str | None = None
    guidelines: tuple[GuidelineRef, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    urgent: bool = False
    ask_peer_to_peer: bool = True
    requests: tuple[str, ...] = ()
    rights: tuple[Right, ...] = ()

    def warnings(self) -> list[str]:
        out = super().warnings()
        if self.file_by is not None and self.file_by < self.letter_date:
            out.append(
                f"The filing deadline {self.file_by.isoformat()} has passed: "
                "ask about good cause for late filing."
            )
        return out


@dataclass(frozen=True)
class PeerToPeerPrep(Document):
    """For the treating clinician (the case's provider), before the call with the payer's reviewer."""

    kind: ClassVar[str] = "peer_to_peer_prep"
    title: ClassVar[str] = "Peer-to-peer review preparation"
    to_payer: ClassVar[bool] = False
    procedure: tuple[str, str] | None = None
    denial: DenialView | None = None
    determination: DeterminationView | None = None
    scheduled_for: date | None = None
    file_by: date | None = None
    guidelines: tuple[GuidelineRef, ...] = ()
    reviewer: str | None = None
    reviewer_credentials: str | None = None

    @property
    def strongest(self) -> tuple[CriterionView, ...]:
        """The three strongest points: met criteria with the most dated evidence first."""
        ranked = sorted(self.argued, key=lambda c: (-len([e for e in c.evidence if e.date]), c.summary))
        return tuple(ranked[:3])

    @property
    def objections(self) -> tuple[tuple[str, str], ...]:
        """(likely objection, answer) for each criterion the record does not show yet."""
        det = self.determination
        if det is None:
            return ()
        return tuple(
            (
                f"'{c.summary}' is not documented.",
                (c.to_satisfy or "Describe what the chart shows and offer to send it.")
                + " Offer the date it will be sent, and ask whether the reviewer will accept it.",
            )
            for c in det.open
        )

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

    @property
    def route(self) -> RouteInfo:
        return EXTERNAL_ROUTES[self.ref.route]

    def missing(self) -> list[Missing]:
        # sent to the review organization or the state, whose address the plan's final notice gives
        out = [m for m in super().missing() if m.field != "appeals address"]
        if not self.recipient.address:
            out.append(Missing("external review address", "the plan's final internal appeal decision"))
        return out


@dataclass(frozen=True)
class GoodFaithEstimateRequest(Document):
    """To the provider. Uninsured or self-pay: 45 CFR 149.610. Insured: ask provider and plan."""

    kind: ClassVar[str] = "good_faith_estimate_request"
    title: ClassVar[str] = "Request for a Good Faith Estimate"
    to_payer: ClassVar[bool] = False
    services: tuple[tuple[str, str], ...] = ()  # (code, plain name)
    planned_date: date | None = None
    diagnosis: str | None = None
    co_providers: Sequence[str] = field(default_factory=tuple)
    insured: bool = False


@dataclass(frozen=True)
class BeforeYouSend(Document):
    """Private: what is still missing, what to obtain and from whom, and the deadline. Never mailed."""

    kind: ClassVar[str] = "before_you_send"
    title: ClassVar[str] = "Before you send"
    to_payer: ClassVar[bool] = False
    for_letter: str = ""
    to_obtain: tuple[tuple[str, str, str], ...] = ()  # (what is missing, what to obtain, from whom)
    fields: tuple[Missing, ...] = ()
    file_by: date | None = None
    deadline_rule: str | None = None
    notes: tuple[str, ...] = ()
