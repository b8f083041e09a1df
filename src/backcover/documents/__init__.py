"""Letters and packets: pure document objects, rendered to HTML and PDF from the same templates.

Build a document (:class:`AppealLetter`, :class:`PriorAuthPacket`, :class:`PeerToPeerPrep`,
:class:`ExternalReviewRequest`, :class:`GoodFaithEstimateRequest`) from plain values and a
:class:`DeterminationView` (``DeterminationView.from_engine(determination)``), or from a case's
:class:`LetterFacts` with :func:`build_letter`; then call :func:`render_html` or :func:`render_pdf`.
"""

from __future__ import annotations

from backcover.documents._build import (
    LETTER_NAMES,
    PAYER_ADDRESSEES,
    ROUTE_REQUESTS,
    LetterFacts,
    build_letter,
    evidence_labels,
    guidelines_for,
    letter_kind,
    record_timeline,
    route_requests,
)
from backcover.documents._letters import (
    AppealLetter,
    BeforeYouSend,
    Document,
    ExternalReviewRequest,
    GoodFaithEstimateRequest,
    Missing,
    PeerToPeerPrep,
    PriorAuthPacket,
    Withheld,
)
from backcover.documents._model import (
    LETTER_PROVENANCE,
    STATUSES,
    Attachment,
    Citation,
    CriterionView,
    DenialView,
    DeterminationView,
    EvidenceView,
    GuidelineRef,
    Party,
    TimelineEntry,
    criterion_statement,
)
from backcover.documents._parts import (
    CaseRef,
    ExternalRoute,
    Right,
    external_route,
    patient_rights,
    representative_form,
)
from backcover.documents._render import render_html, render_pdf
from backcover.documents._sheet import SECTION_NAMES, before_you_send, packet_record

__all__ = [
    "LETTER_NAMES",
    "LETTER_PROVENANCE",
    "PAYER_ADDRESSEES",
    "ROUTE_REQUESTS",
    "SECTION_NAMES",
    "STATUSES",
    "AppealLetter",
    "Attachment",
    "BeforeYouSend",
    "CaseRef",
    "Citation",
    "CriterionView",
    "DenialView",
    "DeterminationView",
    "Document",
    "EvidenceView",
    "ExternalReviewRequest",
    "ExternalRoute",
    "GoodFaithEstimateRequest",
    "GuidelineRef",
    "LetterFacts",
    "Missing",
    "Party",
    "PeerToPeerPrep",
    "PriorAuthPacket",
    "Right",
    "TimelineEntry",
    "Withheld",
    "before_you_send",
    "build_letter",
    "criterion_statement",
    "evidence_labels",
    "external_route",
    "guidelines_for",
    "letter_kind",
    "packet_record",
    "patient_rights",
    "record_timeline",
    "render_html",
    "render_pdf",
    "representative_form",
    "route_requests",
]
