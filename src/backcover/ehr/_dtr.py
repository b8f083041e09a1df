"""Da Vinci DTR: the questionnaire of what a back-care order still needs, and its answers as record items.

Pure. :func:`build_questionnaire` turns a Determination into a FHIR Questionnaire: one group per
criterion the record does not show (``unknown``), an optional group for each time-based criterion not
met yet (the chart may hold earlier care or an earlier onset), and, read-only and pre-filled
(``initial``), the criteria the record already meets. :func:`answers_to_items` turns a
QuestionnaireResponse into record items with provenance ``clinician_attested``, shaped so that
the engine's test for each criterion reads them (a care period, an onset date, a score, a documented finding).
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, cast

from backcover.dates import parse_date_only
from backcover.engine import CriterionResult, Determination, Leaf, packs
from backcover.engine._pack_model import leaves
from backcover.errors import BadInput
from backcover.record.details import Details
from backcover.record.model import Coding, Item, ItemKind, Provenance, Record, SourceRef, When, item_sort_key
from backcover.vocab import Provenance as VocabProvenance

__all__ = [
    "ATTESTED",
    "DTR_SYSTEM",
    "answers_to_items",
    "build_questionnaire",
    "package_parameters",
    "render_html",
    "with_items",
]

DTR_SYSTEM = "urn:backcover:dtr-criterion"
# The record model's Provenance Literal predates clinician attestation; the vocab value is the same
# string the contracts use (CONTRACTS.md section 0), so items carry it as it is.
ATTESTED = cast(Provenance, VocabProvenance.CLINICIAN_ATTESTED.value)

# test -> (item kind, asks for a period, asks for a value)
_SHAPE: dict[str, tuple[ItemKind, bool, bool]] = {
    "conservative_care": (ItemKind.PROCEDURE, True, False),
    "symptom_duration": (ItemKind.DIAGNOSIS, False, False),
    "diagnosis": (ItemKind.DIAGNOSIS, False, False),
    "present": (ItemKind.DIAGNOSIS, False, False),
    "red_flag": (ItemKind.DIAGNOSIS, False, False),
    "imaging": (ItemKind.IMAGING, False, False),
    "severity": (ItemKind.SCORE, False, True),
    "lab_value": (ItemKind.LAB, False, True),
    "frequency": (ItemKind.PROCEDURE, False, False),
    "interval": (ItemKind.PROCEDURE, False, False),
}


_MORE = ("conservative_care", "symptom_duration")


@cache
def _leaf_index() -> dict[str, Leaf]:
    out: dict[str, Leaf] = {}
    for pack in packs():
        for leaf in [*pack.exclusions, *(leaves(pack.criteria) if pack.criteria is not None else [])]:
            out.setdefault(leaf.id, leaf)
    return out


def _shape(c: CriterionResult) -> tuple[Leaf | None, ItemKind, bool, bool]:
    leaf = _leaf_index().get(c.id)
    test = leaf.test if leaf else ""
    kind, period, value = _SHAPE.get(test, (ItemKind.OBSERVATION, False, False))
    kinds = getattr(leaf.params, "kinds", ()) if leaf is not None else ()
    if test == "documented" and kinds:
        kind = ItemKind(str(next(iter(kinds))))
    return leaf, kind, period, value


def _q(link: str, text: str, typ: str, **more: Any) -> dict[str, Any]:
    return {"linkId": link, "text": text, "type": typ, **more}


def _group(c: CriterionResult, readonly: bool) -> dict[str, Any]:
    _, _kind, period, value = _shape(c)
    items = [_q(f"{c.id}.documented", c.to_satisfy, "boolean", required=not readonly)]
    if readonly:
        items[0]["initial"] = [{"valueBoolean": True}]
        items[0]["readOnly"] = True
        dated = [e.date for e in c.evidence if e.date is not None]
        if dated:
            items.append(
                _q(
                    f"{c.id}.start",
                    "Documented on",
                    "date",
                    readOnly=True,
                    initial=[{"valueDate": min(dated).isoformat()}],
                )
            )
        return {"linkId": c.id, "text": c.summary, "type": "group", "readOnly": True, "item": items}
    items.append(_q(f"{c.id}.start", "Start date" if period else "Date", "date"))
    if period:
        items.append(_q(f"{c.id}.end", "End date (leave empty if it goes on)", "date"))
    if value:
        items.append(_q(f"{c.id}.value", "Value (score or result)", "decimal"))
    items.append(_q(f"{c.id}.note", "Where in the chart", "string"))
    return {"linkId": c.id, "text": c.summary, "type": "group", "item": items}


def build_questionnaire(det: Determination, qid: str, canonical: str) -> dict[str, Any]:
    """The questionnaire for one order: what is missing, then (read-only) what is documented."""
    missing = [c for c in det.criteria if c.status == "unknown" and c.required]
    met = [c for c in det.criteria if c.status == "met"]
    groups = [_group(c, False) for c in missing]
    # Time-based criteria the record does not meet yet: the chart may hold more than the record.
    more = [c for c in det.unmet if (leaf := _shape(c)[0]) is not None and leaf.test in _MORE]
    for c in more:
        g = _group(c, False)
        g["text"] = f"{c.summary} (only if the chart shows more than the record: {c.explanation})"
        g["item"][0]["required"] = False
        groups.append(g)
    if met:
        groups.append(
            {
                "linkId": "documented",
                "text": "Already in the record",
                "type": "group",
                "readOnly": True,
                "item": [_group(c, True) for c in met],
            }
        )
    return {
        "resourceType": "Questionnaire",
        "id": qid,
        "url": canonical,
        "meta": {"profile": ["http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire"]},
        "name": "BackcoverDocumentation",
        "title": f"{det.procedure.name} ({det.procedure.code}): documentation for {det.payer}",
        "status": "active",
        "subjectType": ["Patient"],
        "date": det.as_of.isoformat(),
        "code": [{"system": "http://www.ama-assn.org/go/cpt", "code": det.procedure.code}],
        "item": groups,
    }


def package_parameters(questionnaire: dict[str, Any] | None) -> dict[str, Any]:
    """The $questionnaire-package output: Parameters with a PackageBundle (empty when none applies)."""
    entries = [{"fullUrl": questionnaire["url"], "resource": questionnaire}] if questionnaire else []
    return {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "PackageBundle",
                "resource": {"resourceType": "Bundle", "type": "collection", "entry": entries},
            }
        ],
    }


def _answers(items: Any, out: dict[str, Any]) -> None:
    for it in items if isinstance(items, list) else []:
        if not isinstance(it, Mapping):
            continue
        link = it.get("linkId")
        for a in it.get("answer") or []:
            if isinstance(a, Mapping):
                for k, v in a.items():
                    if k.startswith("value") and isinstance(link, str):
                        out[link] = v
                _answers(a.get("item"), out)
        _answers(it.get("item"), out)


def _date(v: Any, where: str) -> date | None:
    if v in (None, ""):
        return None
    try:
        return parse_date_only(v)
    except BadInput as exc:
        raise exc.at("QuestionnaireResponse", where) from None


def answers_to_items(qr: Mapping[str, Any], det: Determination, as_of: date) -> list[Item]:
    """Record items for each criterion the clinician attested (``{id}.documented`` true)."""
    got: dict[str, Any] = {}
    _answers(qr.get("item"), got)
    qr_id = str(qr.get("id") or "submitted")
    out: list[Item] = []
    for c in det.criteria:
        if got.get(f"{c.id}.documented") is not True or c.status == "met":
            continue
        leaf, kind, period, has_value = _shape(c)
        start = _date(got.get(f"{c.id}.start"), f"{c.id}.start") or as_of
        end = _date(got.get(f"{c.id}.end"), f"{c.id}.end") if period else None
        if end is not None and end < start:
            raise BadInput(
                "the end date is before the start date",
                "correct the dates",
                "QuestionnaireResponse",
                f"{c.id}.end",
            )
        value: Decimal | str | None = None
        if has_value and got.get(f"{c.id}.value") is not None:
            try:
                value = Decimal(str(got[f"{c.id}.value"]))
            except InvalidOperation:
                raise BadInput(
                    "the value is not a number", "give a number", "QuestionnaireResponse", f"{c.id}.value"
                ) from None
        concepts = tuple(str(x) for x in (getattr(leaf.params, "concepts", ()) or ())) if leaf else ()
        if not concepts and leaf is not None and leaf.test == "conservative_care":
            concepts = ("conservative_care",)
        ongoing = (period and end is None) or (leaf is not None and leaf.test == "symptom_duration")
        note = got.get(f"{c.id}.note")
        out.append(
            Item(
                kind=kind,
                when=When(start, end, ongoing=bool(ongoing)),
                codes=(Coding(DTR_SYSTEM, c.id, c.summary),),
                provenance=ATTESTED,
                source=SourceRef(f"QuestionnaireResponse/{qr_id}#{c.id}", "QuestionnaireResponse"),
                concept=concepts[0] if concepts else None,
                concepts=concepts,
                region=det.procedure.region if kind in (ItemKind.DIAGNOSIS, ItemKind.IMAGING) else None,
                text=f"Attested by the clinician: {c.summary}",
                value=value,
                scale="nrs" if kind is ItemKind.SCORE else None,
                details=Details(note=note) if isinstance(note, str) and note else Details(),
            )
        )
    return out


def with_items(record: Record, items: list[Item]) -> Record:
    """The record with the attested items added (in timeline order)."""
    ids = {(i.source.resource) for i in items}
    kept = [i for i in record.items if i.source.resource not in ids]
    merged = sorted([*kept, *items], key=item_sort_key)
    return Record(record.patient, tuple(merged), record.unrecognized, record.warnings)


def _walk(items: Any, depth: int = 0) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for it in items if isinstance(items, list) else []:
        if isinstance(it, Mapping):
            yield depth, it
            yield from _walk(it.get("item"), depth + 1)


def render_html(q: Mapping[str, Any]) -> str:
    """A plain, printable page of the questionnaire (no patient names, only the questions and dates)."""
    rows: list[str] = []
    for depth, it in _walk(q.get("item")):
        text = html.escape(str(it.get("text") or ""))
        typ = str(it.get("type"))
        init = it.get("initial") or []
        shown = ""
        if init and isinstance(init[0], Mapping):
            shown = html.escape(str(next(iter(init[0].values()))))
        pad = depth * 1.5
        if typ == "group":
            rows.append(f'<h{min(2 + depth, 4)} style="margin-left:{pad}em">{text}</h{min(2 + depth, 4)}>')
            continue
        kind = {"boolean": "checkbox", "date": "date", "decimal": "number"}.get(typ, "text")
        link = html.escape(str(it.get("linkId")))
        checked = " checked" if shown == "True" else ""
        value = f' value="{shown}"' if shown and kind != "checkbox" else ""
        ro = " disabled" if it.get("readOnly") else ""
        rows.append(
            f'<p style="margin-left:{pad}em"><label>{text} '
            f'<input type="{kind}" name="{link}"{checked}{value}{ro}></label></p>'
        )
    title = html.escape(str(q.get("title") or "Questionnaire"))
    body = "\n".join(rows)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>\n<form>{body}</form></body></html>"
    )
