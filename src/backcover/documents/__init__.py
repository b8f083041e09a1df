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
    letter_kind,
    record_timeline,
    route_requests,
)
from backcover.documents._letters import (
    AppealLetter,
    Document,
    ExternalReviewRequest,
    GoodFaithEstimateRequest,
    PeerToPeerPrep,
    PriorAuthPacket,
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
from backcover.documents._render import render_html, render_pdf

__all__ = [
    "LETTER_NAMES",
    "LETTER_PROVENANCE",
    "PAYER_ADDRESSEES",
    "ROUTE_REQUESTS",
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
    "LetterFacts",
    "Party",
    "PeerToPeerPrep",
    "PriorAuthPacket",
    "TimelineEntry",
    "build_letter",
    "criterion_statement",
    "evidence_labels",
    "letter_kind",
    "record_timeline",
    "render_html",
    "render_pdf",
    "route_requests",
]
