"""The entries of a treatment log, section by section, as record items (see :mod:`backcover.record.log`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from backcover.codesets import Codesets
from backcover.dates import parse_date_only
from backcover.errors import BadInput
from backcover.record.details import (
    DocumentDetails,
    EncounterDetails,
    ImagingDetails,
    MedicationDetails,
    ProcedureDetails,
    ScoreDetails,
    Timing,
)
from backcover.record.model import Item, SourceRef, When
from backcover.vocab import ItemKind, Provenance, Region
from backcover.yamlio import line_of, suggest

__all__ = ["ENTRY", "Reader"]

_SCALES: dict[str, tuple[str, Decimal]] = {
    "nrs": ("pain_nrs", Decimal(10)),
    "peg": ("peg_score", Decimal(10)),
    "odi": ("odi_score", Decimal(100)),
    "rmdq": ("rmdq_score", Decimal(24)),
}
_THERAPY = {
    "physical_therapy": "physical_therapy",
    "pt": "physical_therapy",
    "occupational_therapy": "occupational_therapy",
    "chiropractic": "chiropractic_manipulation",
    "acupuncture": "acupuncture",
    "massage": "massage",
    "cupping": "massage",
    "home_exercise": "home_exercise",
    "cbt": "cognitive_behavioral_therapy",
    "cognitive_behavioral_therapy": "cognitive_behavioral_therapy",
    "osteopathic": "osteopathic_manipulation",
}
_IMAGING = {
    ("mri", True): "lumbar_mri",
    ("mri", False): "cervical_mri",
    ("ct", True): "lumbar_ct",
    ("xray", True): "lumbar_xray",
    ("x-ray", True): "lumbar_xray",
    ("emg", True): "emg_ncs",
    ("emg", False): "emg_ncs",
    ("dxa", True): "bone_density_scan",
}
_INJECTIONS = {
    "epidural": "lumbar_esi",
    "interlaminar": "lumbar_esi_interlaminar",
    "transforaminal": "lumbar_esi_transforaminal",
    "medial_branch_block": "medial_branch_block",
    "facet": "medial_branch_block",
    "rfa": "lumbar_facet_rfa",
    "radiofrequency_ablation": "lumbar_facet_rfa",
    "sacroiliac": "sacroiliac_injection",
    "trigger_point": "trigger_point_injection",
    "scs_trial": "scs_trial",
}
_HELPED = ("yes", "no", "partly")


class Reader:
    """Reads the fields of one log entry, with the line of anything wrong."""

    def __init__(self, file: str, codesets: Codesets) -> None:
        self.file = file
        self.cs = codesets

    def bad(self, node: Any, key: str | int | None, problem: str, fix: str) -> BadInput:
        return BadInput(problem, fix, self.file, line_of(node, key))

    def day(self, node: Any, key: str) -> date:
        raw = node[key]
        if isinstance(raw, (date, datetime)):
            return raw if not isinstance(raw, datetime) else raw.date()
        try:
            return parse_date_only(str(raw))
        except BadInput as exc:
            raise self.bad(
                node, key, f"{key}: {exc.problem}", "write dates as YYYY-MM-DD, e.g. 2026-05-04"
            ) from None

    def opt_date(self, node: Any, key: str) -> date | None:
        return self.day(node, key) if node.get(key) not in (None, "") else None

    def number(self, node: Any, key: str, lo: Decimal, hi: Decimal) -> Decimal:
        raw = node[key]
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            value = Decimal(str(raw).strip().rstrip("%"))
            if not value.is_finite():  # "NaN" or "Infinity" in quotes
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise self.bad(
                node, key, f"{key} must be a number, got {raw!r}", f"write a number from {lo} to {hi}"
            ) from None
        if not lo <= value <= hi:
            raise self.bad(
                node, key, f"{key} {value} is outside {lo}..{hi}", f"write a number from {lo} to {hi}"
            )
        return value

    def choice(self, node: Any, key: str, choices: Mapping[str, Any] | tuple[str, ...]) -> str:
        raw = str(node[key]).strip().lower().replace(" ", "_").replace("-", "_")
        if raw not in choices:
            raise self.bad(node, key, f"unknown {key} {node[key]!r}", suggest(raw, choices))
        return raw

    def region(self, node: Any) -> Region | None:
        raw = node.get("region")
        if raw in (None, ""):
            return None
        text = str(raw).strip().lower()
        aliases = {"lower back": "lumbar", "low back": "lumbar", "neck": "cervical", "mid back": "thoracic"}
        text = aliases.get(text, text)
        try:
            return Region(text)
        except ValueError:
            raise self.bad(
                node, "region", f"unknown region {raw!r}", suggest(text, [r.value for r in Region])
            ) from None


def _text(e: Any, key: str) -> str | None:
    """A field as text, or ``None`` when it is absent or empty."""
    return str(e[key]) if e.get(key) else None


def _mk(kind: ItemKind, when: When | None, src: SourceRef, concept: str | None, **kw: Any) -> Item:
    concepts = (concept,) if concept else ()
    return Item(
        kind=kind,
        when=when,
        codes=(),
        provenance=Provenance.SELF_REPORTED,
        source=src,
        concept=concept,
        concepts=concepts,
        **kw,
    )


def _period(r: Reader, e: Any, start_key: str = "start") -> When:
    start = r.day(e, start_key)
    end = r.opt_date(e, "end")
    if end is not None and end < start:
        raise r.bad(e, "end", f"end {end} is before start {start}", "fix the start or end date")
    return When(start, end, ongoing=end is None)


def _pain(r: Reader, e: Any, src: SourceRef) -> list[Item]:
    scale = r.choice(e, "scale", tuple(_SCALES)) if e.get("scale") else "nrs"
    concept, hi = _SCALES[scale]
    value = r.number(e, "score", Decimal(0), hi)
    details = ScoreDetails(note=_text(e, "note"))
    return [
        _mk(
            ItemKind.SCORE,
            When(r.day(e, "date")),
            src,
            concept,
            text=f"pain/function score ({scale.upper()})",
            value=value,
            scale=scale,
            region=r.region(e),
            details=details,
        )
    ]


def _medicine(r: Reader, e: Any, src: SourceRef) -> list[Item]:
    name = str(e["name"])
    concept = r.cs.match_medication_text(name)
    helped = None
    if e.get("helped") is not None:
        raw = e["helped"]
        helped = ("yes" if raw else "no") if isinstance(raw, bool) else r.choice(e, "helped", _HELPED)
    details = MedicationDetails(
        dose=_text(e, "dose"),
        side_effects=_text(e, "side_effects"),
        prescribed_by=_text(e, "prescribed_by"),
        note=_text(e, "note"),
        helped=helped,
    )
    return [_mk(ItemKind.MEDICATION, _period(r, e), src, concept, text=name, details=details)]


def _visit(r: Reader, e: Any, src: SourceRef) -> list[Item]:
    words = " ".join(str(e.get(k) or "") for k in ("specialty", "with", "reason"))
    concept = r.cs.match_visit_text(words) or "office_visit"
    details = EncounterDetails(
        with_=_text(e, "with"),
        specialty=_text(e, "specialty"),
        reason=_text(e, "reason"),
        note=_text(e, "note"),
    )
    return [
        _mk(
            ItemKind.ENCOUNTER,
            When(r.day(e, "date")),
            src,
            concept,
            text=str(e.get("specialty") or "visit"),
            details=details,
        )
    ]


def _therapy(r: Reader, e: Any, src: SourceRef) -> list[Item]:
    kind = r.choice(e, "type", _THERAPY)
    if e.get("date") is not None:
        when = When(r.day(e, "date"))
    elif e.get("start") is not None:
        when = _period(r, e)
    else:
        raise r.bad(e, None, "a therapy entry needs a date, or a start (and end)", "add date: YYYY-MM-DD")
    sessions = (
        int(r.number(e, "sessions", Decimal(1), Decimal(1000))) if e.get("sessions") is not None else None
    )
    details = ProcedureDetails(with_=_text(e, "with"), note=_text(e, "note"), sessions=sessions)
    return [
        _mk(
            ItemKind.PROCEDURE,
            when,
            src,
            _THERAPY[kind],
            text=kind.replace("_", " "),
            region=r.region(e),
            details=details,
        )
    ]


def _exercise(r: Reader, e: Any, src: SourceRef) -> list[Item]:
    details = ProcedureDetails(how_often=_text(e, "how_often"), note=_text(e, "note"))
    return [
        _mk(
            ItemKind.PROCEDURE,
            _period(r, e),
            src,
            "home_exercise",
            text=str(e.get("what") or "home exercise"),
            details=details,
        )
    ]


def _imaging(r: Reader, e: Any, src: SourceRef) -> list[Item]:
    kind = str(e["type"]).strip().lower()
    region = r.region(e) or Region.LUMBAR
    concept = _IMAGING.get((kind, region.is_low_back))
    if concept is None and kind not in {k for k, _ in _IMAGING}:
        raise r.bad(
            e, "type", f"unknown imaging type {e['type']!r}", suggest(kind, sorted({k for k, _ in _IMAGING}))
        )
    item_kind = ItemKind.PROCEDURE if kind == "emg" else ItemKind.IMAGING
    findings = _text(e, "findings")
    cls = ProcedureDetails if item_kind is ItemKind.PROCEDURE else ImagingDetails
    details = cls(findings=findings, where=_text(e, "where"), note=_text(e, "note"))
    return [
        _mk(
            item_kind,
            When(r.day(e, "date")),
            src,
            concept or "imaging",
            text=findings or kind.upper(),
            region=region,
            details=details,
        )
    ]


def _injection(r: Reader, e: Any, src: SourceRef) -> list[Item]:
    kind = r.choice(e, "type", _INJECTIONS)
    day = r.day(e, "date")
    details = ProcedureDetails(
        with_=_text(e, "with"),
        level=_text(e, "level"),
        note=_text(e, "note"),
        relief_percent=(
            r.number(e, "relief_percent", Decimal(0), Decimal(100))
            if e.get("relief_percent") is not None
            else None
        ),
        relief_weeks=(
            r.number(e, "relief_weeks", Decimal(0), Decimal(520))
            if e.get("relief_weeks") is not None
            else None
        ),
    )
    items = [
        _mk(
            ItemKind.PROCEDURE,
            When(day),
            src,
            _INJECTIONS[kind],
            text=kind.replace("_", " "),
            region=r.region(e) or Region.LUMBAR,
            details=details,
        )
    ]
    for key, timing in (("pain_before", Timing.BEFORE), ("pain_after", Timing.AFTER)):
        if e.get(key) is not None:
            score = r.number(e, key, Decimal(0), Decimal(10))
            items.append(
                _mk(
                    ItemKind.SCORE,
                    When(day),
                    SourceRef(f"{src.resource}/{key}", src.file),
                    "pain_nrs",
                    value=score,
                    scale="nrs",
                    refs=(src.resource,),
                    details=ScoreDetails(timing=timing),
                )
            )
    return items


def _document(r: Reader, e: Any, src: SourceRef) -> list[Item]:
    details = DocumentDetails(file=_text(e, "file"), attachment_type=_text(e, "type"), note=_text(e, "note"))
    when = When(r.day(e, "date")) if e.get("date") else None
    return [_mk(ItemKind.DOCUMENT, when, src, None, text=str(e["title"]), details=details)]


ENTRY: dict[str, Callable[[Reader, Any, SourceRef], list[Item]]] = {
    "pain": _pain,
    "medicines": _medicine,
    "visits": _visit,
    "therapy": _therapy,
    "exercise": _exercise,
    "imaging": _imaging,
    "injections": _injection,
    "documents": _document,
}
