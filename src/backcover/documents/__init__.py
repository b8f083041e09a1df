"""Letters and packets: pure document objects, rendered to HTML and PDF from the same templates.

Build a document (:class:`AppealLetter`, :class:`PriorAuthPacket`, :class:`PeerToPeerPrep`,
:class:`ExternalReviewRequest`, :class:`GoodFaithEstimateRequest`) from plain values and a
:class:`DeterminationView`, then call :func:`render_html` or :func:`render_pdf`.
"""

from __future__ import annotations

from backcover.documents._model import (
    STATUSES,
    AppealLetter,
    Attachment,
    Citation,
    CriterionView,
    DenialView,
    DeterminationView,
    Document,
    EvidenceView,
    ExternalReviewRequest,
    GoodFaithEstimateRequest,
    GuidelineRef,
    Party,
    PeerToPeerPrep,
    PriorAuthPacket,
    TimelineEntry,
    criterion_statement,
)
from backcover.documents._render import render_html, render_pdf

__all__ = [
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
    "render_html",
    "render_pdf",
]
