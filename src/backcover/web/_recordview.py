"""What the "My record" page shows: the timeline rows and the pain chart, from a Record (pure)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backcover import codesets, vocab
from backcover.names import plain_name
from backcover.record.model import Item, ItemKind, Record
from backcover.record.render import describe_when
from backcover.vocab import Provenance
from backcover.web._charts import Marker, PainPoint, pain_chart

__all__ = ["item_label", "plain_name", "view"]

PROVENANCE = {p.value: p.label for p in Provenance}
_PAIN_SCALES = {"nrs": Decimal(1), "peg": Decimal(1)}
_TIMELINE_LIMIT = 400


def item_label(it: Item) -> str:
    if it.concept:
        label = codesets.concept_label(it.concept)
        if it.text and it.text.lower() != label.lower() and it.kind is ItemKind.MEDICATION:
            return f"{label}: {it.text}"
        return label
    if it.text:
        return it.text
    for c in it.codes:
        if c.display:
            return c.display
    return it.codes[0].code if it.codes else it.kind.value


def _marker_kind(it: Item) -> str | None:
    if it.kind is ItemKind.MEDICATION:
        return "medication"
    if it.kind is ItemKind.IMAGING:
        return "imaging"
    if it.kind is ItemKind.PROCEDURE:
        if it.has("conservative_care"):
            return "therapy"
        if it.has("lumbar_mri") or it.has("lumbar_ct") or it.has("lumbar_xray"):
            return "imaging"
        return "procedure"
    return None


def view(record: Record, *, show_all: bool, as_of: date, year: int | None = None) -> dict[str, Any]:
    """``year`` narrows the chart to one calendar year (the timeline always shows everything)."""
    p = record.patient
    points: list[PainPoint] = []
    markers: list[Marker] = []
    rows: list[dict[str, Any]] = []
    hidden = 0
    seen_markers: set[tuple[date, str]] = set()
    for it in record.items:
        relevant = bool(it.concepts)
        if (
            it.kind is ItemKind.SCORE
            and it.scale in _PAIN_SCALES
            and it.date
            and isinstance(it.value, Decimal)
        ):
            points.append(PainPoint(it.date, it.value * _PAIN_SCALES[it.scale]))
        mk = _marker_kind(it) if relevant else None
        if mk is not None and it.date is not None:
            label = item_label(it)
            key = (it.date, label)
            if key not in seen_markers:
                seen_markers.add(key)
                markers.append(Marker(it.date, label, mk))
        if not relevant and not show_all:
            hidden += 1
            continue
        if len(rows) >= _TIMELINE_LIMIT:
            hidden += 1
            continue
        detail_bits = []
        if it.value is not None:
            detail_bits.append(f"{it.value}{(' ' + it.unit) if it.unit else ''}")
        for k in ("dose", "helped", "side_effects", "findings", "conclusion", "note"):
            v = it.details.get(k)
            if v:
                detail_bits.append(f"{k.replace('_', ' ')}: {v}")
        rows.append(
            {
                "when": describe_when(it),
                "kind": vocab.ItemKind(it.kind.value).label,
                "label": item_label(it),
                "region": vocab.Region(it.region.value).label if it.region else None,
                "provenance": PROVENANCE.get(it.provenance, it.provenance),
                "prov_key": it.provenance,
                "details": "; ".join(detail_bits),
                "codes": ", ".join(c.code for c in it.codes[:3]),
            }
        )
    rows.reverse()  # newest first
    age = p.age_on(as_of)
    return {
        "patient": {
            "name": plain_name(p.name) or p.id or "you",
            "id": p.id,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "age": age,
            "gender": p.gender,
        },
        "rows": rows,
        "hidden": hidden,
        "total": len(record.items),
        "years": sorted({d.year for d in [p.day for p in points] + [m.day for m in markers]}),
        "year": year,
        "chart": pain_chart(
            [p for p in points if year is None or p.day.year == year],
            [m for m in markers if year is None or m.day.year == year],
            title=f"Pain over time{f' in {year}' if year else ''}, with treatments marked",
        ),
        "pain_points": [{"date": pt.day.isoformat(), "value": str(pt.value)} for pt in points],
        "markers": [{"date": m.day.isoformat(), "label": m.label, "kind": m.kind} for m in markers],
        "warnings": list(record.warnings),
        "unrecognized": len(record.unrecognized),
    }
