"""The payer's PAS ClaimResponse as a typed prior-authorization status.

Pure. :func:`ingest_claim_response` reads a ClaimResponse (alone or in a response Bundle): the X12
306 review action codes of PAS (A1 certified, A2 partial, A3 not certified, A4 pended, A6 modified,
C cancelled) on each item's adjudication, and the older shapes (``extension-reviewAction`` as a
string on the ClaimResponse, ``disposition`` text, ``outcome``), with the authorization number
(the review action's ``number``, else ``preAuthRef``) and period (``itemPreAuthPeriod``, else
``preAuthPeriod``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from backcover.dates import parse_date_only
from backcover.ehr._fhir import bundle_resources, codings
from backcover.errors import BadInput

__all__ = ["Decision", "PaItem", "PaStatus", "ingest_claim_response"]

Decision = Literal["certified", "partial", "not_certified", "pended", "modified", "cancelled"]
_ACTION: dict[str, Decision] = {
    "A1": "certified",
    "A2": "partial",
    "A3": "not_certified",
    "A4": "pended",
    "A6": "modified",
    "C": "cancelled",
}
_STORE: dict[Decision, str] = {
    "certified": "approved",
    "partial": "approved",
    "modified": "approved",
    "not_certified": "denied",
    "pended": "pended",
    "cancelled": "withdrawn",
}


@dataclass(frozen=True, slots=True)
class PaItem:
    sequence: int | None
    decision: Decision
    action_code: str | None
    auth_number: str | None
    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class PaStatus:
    """The payer's answer: ``decision`` and its store status (approved, denied, pended, withdrawn)."""

    decision: Decision
    action_code: str | None
    auth_number: str | None
    start: date | None
    end: date | None
    response_id: str | None
    items: tuple[PaItem, ...] = ()
    note: str | None = None

    @property
    def status(self) -> str:
        return _STORE[self.decision]

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "status": self.status,
            "action_code": self.action_code,
            "auth_number": self.auth_number,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "response_id": self.response_id,
            "note": self.note,
            "items": [
                {
                    "sequence": i.sequence,
                    "decision": i.decision,
                    "action_code": i.action_code,
                    "auth_number": i.auth_number,
                }
                for i in self.items
            ],
        }


def _ext(res: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    return [
        e for e in res.get("extension") or [] if isinstance(e, dict) and str(e.get("url", "")).endswith(name)
    ]


def _period(v: Any) -> tuple[date | None, date | None]:
    if not isinstance(v, Mapping):
        return None, None
    try:
        return (
            parse_date_only(str(v["start"])[:10]) if v.get("start") else None,
            parse_date_only(str(v["end"])[:10]) if v.get("end") else None,
        )
    except BadInput:
        return None, None


def _action(ext: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(review action code, number) of one reviewAction extension (either shape)."""
    if isinstance(ext.get("valueString"), str):
        return ext["valueString"].strip().upper(), None
    code: str | None = None
    number: str | None = None
    for sub in ext.get("extension") or []:
        url = str(sub.get("url", ""))
        if url == "number" and isinstance(sub.get("valueString"), str):
            number = sub["valueString"]
        elif url.endswith("reviewActionCode"):
            code = next((str(c["code"]).upper() for c in codings(sub.get("valueCodeableConcept"))), None)
    return code, number


def _item(it: Mapping[str, Any]) -> PaItem | None:
    for adj in it.get("adjudication") or []:
        for ext in _ext(adj, "extension-reviewAction"):
            code, number = _action(ext)
            if code in _ACTION:
                start, end = _period(
                    next((e.get("valuePeriod") for e in _ext(it, "itemPreAuthPeriod")), None)
                )
                seq = it.get("itemSequence")
                return PaItem(seq if isinstance(seq, int) else None, _ACTION[code], code, number, start, end)
    return None


def _overall(items: list[PaItem]) -> Decision:
    kinds = {i.decision for i in items}
    if len(kinds) == 1:
        return items[0].decision
    if "pended" in kinds:
        return "pended"
    if kinds & {"certified", "partial", "modified"}:
        return "partial" if kinds & {"not_certified", "partial", "cancelled"} else "modified"
    return "not_certified"


_DISPOSITION: tuple[tuple[str, Decision], ...] = (
    ("denied", "not_certified"),
    ("not certified", "not_certified"),
    ("pend", "pended"),
    ("partial", "partial"),
    ("modified", "modified"),
    ("cancel", "cancelled"),
    ("approved", "certified"),
    ("granted", "certified"),
    ("certified", "certified"),
)


def ingest_claim_response(doc: Any, file: str = "ClaimResponse") -> PaStatus:
    """The typed status of a ClaimResponse (or of the ClaimResponse inside a response Bundle)."""
    found = [r for r in bundle_resources(doc) if r["resourceType"] == "ClaimResponse"]
    if not found:
        raise BadInput(
            "no ClaimResponse in this file", "give the payer's PAS response Bundle or ClaimResponse", file
        )
    cr = found[0]
    rid = str(cr.get("id")) if cr.get("id") else None
    items = [
        p for p in (_item(it) for it in cr.get("item") or [] if isinstance(it, Mapping)) if p is not None
    ]
    pre_ref = cr.get("preAuthRef") if isinstance(cr.get("preAuthRef"), str) else None
    pstart, pend = _period(cr.get("preAuthPeriod"))
    note = cr.get("disposition") if isinstance(cr.get("disposition"), str) else None
    if items:
        number = next((i.auth_number for i in items if i.auth_number), pre_ref)
        start = min((i.start for i in items if i.start), default=pstart)
        end = max((i.end for i in items if i.end), default=pend)
        code = items[0].action_code if len({i.action_code for i in items}) == 1 else None
        return PaStatus(_overall(items), code, number, start, end, rid, tuple(items), note)
    for ext in _ext(cr, "extension-reviewAction"):
        code, number = _action(ext)
        if code in _ACTION:
            return PaStatus(_ACTION[code], code, number or pre_ref, pstart, pend, rid, (), note)
    text = (note or "").lower()
    for word, decision in _DISPOSITION:
        if word in text:
            return PaStatus(decision, None, pre_ref, pstart, pend, rid, (), note)
    outcome = cr.get("outcome")
    if outcome in ("queued", "partial"):
        return PaStatus("pended", None, pre_ref, pstart, pend, rid, (), f"outcome {outcome}")
    if outcome == "complete" and pre_ref:
        return PaStatus("certified", None, pre_ref, pstart, pend, rid, (), note)
    if outcome == "error":
        return PaStatus(
            "pended",
            None,
            pre_ref,
            pstart,
            pend,
            rid,
            (),
            "the payer reported an error processing the request",
        )
    raise BadInput(
        "the ClaimResponse carries no review action, disposition or outcome backcover can read",
        "ask the payer for a PAS ClaimResponse with a review action code (A1, A2, A3, A4, A6)",
        file,
        f"ClaimResponse/{rid}" if rid else None,
    )
