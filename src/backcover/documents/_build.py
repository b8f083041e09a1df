"""Building a letter from a case's facts: who writes to whom, the denial, the deadline, the evidence.

:func:`build_letter` takes plain typed values (:class:`LetterFacts`, a :class:`DeterminationView`)
and returns the document object; :mod:`backcover.services` gathers the facts from the store. The
words for record items (:func:`evidence_labels`) and the treatment timeline (:func:`record_timeline`)
come from the record itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from backcover.codesets import concept_label
from backcover.documents._letters import (
    AppealLetter,
    Document,
    ExternalReviewRequest,
    GoodFaithEstimateRequest,
    PeerToPeerPrep,
    PriorAuthPacket,
    Withheld,
)
from backcover.documents._model import (
    LETTER_PROVENANCE,
    Attachment,
    DenialView,
    DeterminationView,
    GuidelineRef,
    Party,
    TimelineEntry,
)
from backcover.documents._parts import GUIDELINES, CaseRef, patient_rights
from backcover.record.model import Item, Record
from backcover.vocab import ItemKind, LetterKind, PlanKind, Setting, Signer, values

__all__ = [
    "LETTER_NAMES",
    "PAYER_ADDRESSEES",
    "ROUTE_REQUESTS",
    "LetterFacts",
    "build_letter",
    "evidence_labels",
    "guidelines_for",
    "letter_kind",
    "record_timeline",
    "route_requests",
]

# The short names the CLI's ``--kind`` and the web app's buttons use for each letter.
LETTER_NAMES: dict[LetterKind, str] = {
    LetterKind.APPEAL_LETTER: "appeal",
    LetterKind.PRIOR_AUTH_PACKET: "packet",
    LetterKind.PEER_TO_PEER_PREP: "p2p",
    LetterKind.EXTERNAL_REVIEW_REQUEST: "external",
    LetterKind.GOOD_FAITH_ESTIMATE_REQUEST: "gfe",
}

# Who receives a letter when the case has no plan with an appeals address.
PAYER_ADDRESSEES: dict[PlanKind, str] = {
    PlanKind.MEDICARE: "Medicare Administrative Contractor (see the notice for the address)",
    PlanKind.MEDICARE_ADVANTAGE: "Medicare Advantage plan, Appeals Department",
    PlanKind.COMMERCIAL: "Health plan, Appeals Department",
    PlanKind.MARKETPLACE: "Health plan, Appeals Department",
    PlanKind.MEDICAID: "Medicaid managed care plan, Appeals",
    PlanKind.MEDICAID_FFS: "State Medicaid agency, Fair Hearings",
}

# Extra requests an appeal letter makes, by the route that usually fixes a denial code.
ROUTE_REQUESTS = {
    "retro_auth_or_appeal": "If prior authorization was required, treat this letter also as a request for "
    "retroactive authorization: the enclosed records show the service was needed when it was given.",
    "nsa_or_network_exception": "If the No Surprises Act protects this service (emergency care, or an "
    "out-of-network clinician at an in-network facility), apply in-network cost sharing; otherwise, if no "
    "in-network provider could provide it in time, treat this as a request for a network exception.",
    "extend_auth": "Extend or update the existing authorization to cover the services given.",
    "exception": "Grant an exception to the benefit limit, given the medical need documented here.",
}

_TIMELINE_KINDS = frozenset(
    k.value
    for k in (
        ItemKind.PROCEDURE,
        ItemKind.MEDICATION,
        ItemKind.IMAGING,
        ItemKind.ENCOUNTER,
        ItemKind.REFERRAL,
        ItemKind.SCORE,
    )
)


def letter_kind(name: str | LetterKind) -> LetterKind:
    """A letter kind from its short name (``appeal``) or its value (``appeal_letter``)."""
    if isinstance(name, LetterKind):
        return name
    for kind, short in LETTER_NAMES.items():
        if name in (short, kind.value):
            return kind
    from backcover.errors import BadInput

    raise BadInput(
        f"unknown letter {name!r}", "use one of: " + ", ".join(LETTER_NAMES.values()), where="letter"
    )


@dataclass(frozen=True)
class LetterFacts:
    """What a case says about a letter: the parties, the service, the denial and the deadline."""

    patient: Party
    provider: Party | None
    payer: Party
    procedure: tuple[str, str]  # (code, plain name)
    setting: str | None = None
    urgent: bool = False
    denial: DenialView | None = None
    requests: tuple[str, ...] = ()
    level_name: str = "appeal"
    file_by: date | None = None
    rule: str | None = None
    final_decision_date: date | None = None  # the plan's final decision (for external review)
    attachments: tuple[Attachment, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    diagnoses: tuple[TimelineEntry, ...] = ()
    withheld: tuple[Withheld, ...] = ()
    ref: CaseRef = field(default_factory=CaseRef)
    representative: Party | None = None
    reviewer: str | None = None
    reviewer_credentials: str | None = None
    scheduled_for: date | None = None
    external_party: Party | None = None
    planned_date: date | None = None


def guidelines_for(det: DeterminationView | None) -> tuple[GuidelineRef, ...]:
    """The guideline references a letter may cite: those backing a criterion it argues."""
    if det is None:
        return ()
    kinds = {c.kind for c in det.met}
    return tuple(GuidelineRef(g.title, g.citation, g.url) for g in GUIDELINES if g.backs & kinds)


def _signer(kind: LetterKind, f: LetterFacts, sender: Signer) -> tuple[Signer, Party]:
    if kind in (LetterKind.PRIOR_AUTH_PACKET, LetterKind.PEER_TO_PEER_PREP) and f.provider:
        return Signer.PROVIDER, f.provider
    if sender is Signer.PROVIDER and f.provider:
        return Signer.PROVIDER, f.provider
    if sender is Signer.REPRESENTATIVE and f.representative:
        return Signer.REPRESENTATIVE, f.representative
    return Signer.PATIENT, f.patient


def build_letter(
    kind: LetterKind,
    facts: LetterFacts,
    determination: DeterminationView | None,
    as_of: date,
    *,
    sender: Signer = Signer.PATIENT,
) -> Document:
    """The letter ``kind`` for a case. Clinic staff sign for the clinician (``sender=provider``), a
    representative for the patient (``sender=representative``); the packet and the peer-to-peer sheet
    always come from the clinician when one is known."""
    f = facts
    signer, by = _signer(kind, f, sender)
    det = determination
    if kind is LetterKind.APPEAL_LETTER:
        return AppealLetter(
            f.patient,
            by,
            f.payer,
            as_of,
            ref=f.ref,
            signer=signer,
            provider=f.provider,
            denial=f.denial,
            determination=det,
            level_name=f.level_name[:1].lower() + f.level_name[1:],
            file_by=f.file_by,
            deadline_rule=f.rule,
            attachments=f.attachments,
            urgent=f.urgent,
            procedure=f.procedure,
            requests=f.requests,
            guidelines=guidelines_for(det),
            rights=patient_rights(f.ref.plan_kind, urgent=f.urgent),
        )
    if kind is LetterKind.PRIOR_AUTH_PACKET:
        # the appeals address is not where prior-authorization requests go (the plan's UM fax or portal)
        um = Party(f.payer.name, organization="Utilization Management (prior authorization)")
        return PriorAuthPacket(
            f.patient,
            by,
            um,
            as_of,
            ref=f.ref,
            signer=signer,
            provider=f.provider,
            determination=det,
            setting=Setting(f.setting).label if f.setting in values(Setting) else f.setting,
            planned_date=f.planned_date,
            diagnoses=f.diagnoses,
            timeline=tuple(sorted(f.timeline, key=lambda t: t.date)),
            withheld=f.withheld,
            attachments=f.attachments,
            urgent=f.urgent,
            procedure=f.procedure,
        )
    if kind is LetterKind.PEER_TO_PEER_PREP:
        return PeerToPeerPrep(
            f.patient,
            by,
            f.payer,
            as_of,
            ref=f.ref,
            signer=signer,
            provider=f.provider,
            denial=f.denial,
            determination=det,
            file_by=f.file_by,
            procedure=f.procedure,
            guidelines=guidelines_for(det),
            reviewer=f.reviewer,
            reviewer_credentials=f.reviewer_credentials,
            scheduled_for=f.scheduled_for,
        )
    if kind is LetterKind.EXTERNAL_REVIEW_REQUEST:
        final = f.final_decision_date is not None
        return ExternalReviewRequest(
            f.patient,
            by,
            f.external_party or Party("External review (see the plan's final notice for where to send this)"),
            as_of,
            ref=f.ref,
            signer=signer,
            provider=f.provider,
            denial=f.denial,
            determination=det,
            final_decision_date=f.final_decision_date,
            file_by=f.file_by if final else None,
            rule=f.rule if final else None,
            urgent=f.urgent,
            attachments=f.attachments,
            procedure=f.procedure,
        )
    recipient = f.provider or Party("The provider's billing office")
    return GoodFaithEstimateRequest(
        f.patient,
        f.patient,
        recipient,
        as_of,
        ref=f.ref,
        provider=f.provider,
        services=(f.procedure,),
        planned_date=f.planned_date,
        insured=f.ref.plan_kind not in (None, PlanKind.UNINSURED.value),
    )


def _item_label(item: Item, limit: int) -> str:
    label = item.text or (
        concept_label(item.concept) if item.concept else str(item.kind.value).replace("_", " ")
    )
    if item.value is not None and item.scale:
        label = f"{label}: {item.scale.upper()} {item.value}{item.unit or ''}"
    return label[:limit]


def record_timeline(record: Record) -> list[TimelineEntry]:
    """Treatment timeline entries from a record (procedures, medicines, imaging, visits, scores)."""
    out = []
    for item in record.items:
        if item.when is None or str(item.kind.value) not in _TIMELINE_KINDS:
            continue
        prov = str(item.provenance)
        out.append(
            TimelineEntry(item.when.start_date, _item_label(item, 140), LETTER_PROVENANCE.get(prov, prov))
        )
    return out


def evidence_labels(record: Record) -> dict[str, str]:
    """Words for each record item, so letters say "Physical therapy" rather than "Procedure/p-4"."""
    out: dict[str, str] = {}
    for item in record.items:
        out.setdefault(item.source.resource, _item_label(item, 120))
    return out


def route_requests(routes: Iterable[str]) -> tuple[str, ...]:
    """The extra requests for the routes (in order, each once) that usually fix the denial's codes."""
    seen: list[str] = []
    for r in routes:
        if r in ROUTE_REQUESTS and r not in seen:
            seen.append(r)
    return tuple(ROUTE_REQUESTS[r] for r in seen)
