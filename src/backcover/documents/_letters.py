"""Pure document objects: the prior-authorization packet, the appeal letter, the peer-to-peer prep
sheet, the external-review request and the Good Faith Estimate request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from backcover.documents._model import (
    Attachment,
    DenialView,
    DeterminationView,
    GuidelineRef,
    Party,
    TimelineEntry,
)

__all__ = [
    "AppealLetter",
    "Document",
    "ExternalReviewRequest",
    "GoodFaithEstimateRequest",
    "PeerToPeerPrep",
    "PriorAuthPacket",
]


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
