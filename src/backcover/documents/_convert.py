"""Determination views for letters: from the engine's :class:`Determination` directly, or from its
CONTRACTS.md section 1 JSON (a file a person saved with ``backcover check --format json``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from backcover.documents._model import Citation, CriterionView, DeterminationView, EvidenceView

if TYPE_CHECKING:
    from backcover.engine import Determination

__all__ = ["view_from_determination", "view_from_json"]


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
