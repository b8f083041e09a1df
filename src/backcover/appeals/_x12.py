"""X12 835 (health care claim payment/advice) parsing: the CAS adjustments and their remark codes.

Pure: it takes the file's text. The separators come from the ISA segment (element separator at
position 4, component separator at 105, segment terminator at 106). A file that is not X12, or is
cut off (no IEA, no SE, or a segment count that does not add up), is bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from backcover.appeals._codes import CodeExplanation, explain_carc
from backcover.errors import BadInput
from backcover.knowledge import Knowledge

__all__ = ["COST_SHARING_CARCS", "Adjustment", "is_denial", "parse_835"]

# CARCs that are the patient's cost sharing on a paid line: 1 deductible, 2 coinsurance, 3 copayment.
COST_SHARING_CARCS = frozenset({"1", "2", "3"})
# CLP02 claim status 4: denied; 22: reversal of a previous payment.
_DENIED_STATUSES = frozenset({"4", "22"})

_FIX_NOT_X12 = "give the 835 remittance file as received from the payer or clearinghouse (it starts with ISA)"
_FIX_CUT = "the file looks cut off or damaged: download or export the 835 again"


@dataclass(frozen=True)
class Adjustment:
    """One CAS adjustment: a group code, a CARC, an amount, and where it sits in the remittance."""

    claim_id: str
    claim_status: str
    level: str  # "claim" or "service"
    service_code: str | None
    service_date: date | None
    group: str
    carc: str
    amount: Decimal
    quantity: Decimal | None
    rarcs: tuple[str, ...]
    segment: int
    payer: str | None
    explanation: CodeExplanation

    def to_json(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "claim_status": self.claim_status,
            "level": self.level,
            "service_code": self.service_code,
            "service_date": self.service_date.isoformat() if self.service_date else None,
            "group": self.group,
            "carc": self.carc,
            "amount": str(self.amount.quantize(Decimal("0.01"))),
            "quantity": str(self.quantity) if self.quantity is not None else None,
            "rarcs": list(self.rarcs),
            "segment": self.segment,
            "payer": self.payer,
            "explanation": self.explanation.to_json(),
        }


@dataclass
class _Open:
    claim_id: str
    claim_status: str
    level: str
    service_code: str | None
    service_date: date | None
    parent: _Open | None = None
    adjustments: list[tuple[str, str, Decimal, Decimal | None, int]] = field(default_factory=list)
    rarcs: list[str] = field(default_factory=list)


def _decimal(text: str, file: str | None, where: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadInput(f"{text!r} is not an amount", _FIX_CUT, file, where) from None
    if not value.is_finite():
        raise BadInput(f"{text!r} is not an amount", _FIX_CUT, file, where)
    return value


def _d8(text: str) -> date | None:
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None


def parse_835(text: str, file: str | None = None, *, knowledge: Knowledge | None = None) -> list[Adjustment]:
    """Every CAS adjustment in an 835, with its claim, service line, codes and remark codes."""
    knowledge = knowledge or Knowledge.packaged()
    body = text.lstrip("\ufeff \t\r\n")
    if not body.startswith("ISA"):
        raise BadInput(
            "this is not an X12 file: it does not start with an ISA segment", _FIX_NOT_X12, file, "start"
        )
    if len(body) < 106:
        raise BadInput("the ISA segment is cut off", _FIX_CUT, file, "ISA")
    elem, comp, term = body[3], body[104], body[105]
    if elem.isalnum() or term.isalnum() or len(body[:106].split(elem)) != 17:
        raise BadInput("the ISA segment is not a valid X12 envelope header", _FIX_NOT_X12, file, "ISA")
    segments = [s.strip("\r\n \t") for s in body.split(term)]
    segments = [s for s in segments if s]
    last = segments[-1].split(elem)
    if last[0] != "IEA":
        raise BadInput(
            f"the file ends after {len(segments)} segments without the closing IEA segment",
            _FIX_CUT,
            file,
            "end",
        )
    control = body[:106].split(elem)[13].strip()
    if len(last) < 3 or last[2].strip() != control:
        raise BadInput(
            "the closing IEA segment does not match the ISA control number (the file is cut off or damaged)",
            _FIX_CUT,
            file,
            "IEA",
        )
    out: list[Adjustment] = []
    payer: str | None = None
    in_835 = False
    st_index = -1
    saw_835 = False
    claim: _Open | None = None
    service: _Open | None = None
    opened: list[_Open] = []

    def flush() -> None:
        for node in opened:
            inherited = node.parent.rarcs if node.parent is not None else []
            rarcs = tuple(dict.fromkeys([*node.rarcs, *inherited]))
            for group, carc, amount, qty, segno in node.adjustments:
                out.append(
                    Adjustment(
                        node.claim_id,
                        node.claim_status,
                        node.level,
                        node.service_code,
                        node.service_date,
                        group,
                        carc,
                        amount,
                        qty,
                        rarcs,
                        segno,
                        payer,
                        explain_carc(carc, knowledge=knowledge),
                    )
                )
        opened.clear()

    for n, seg in enumerate(segments, start=1):
        parts = seg.split(elem)
        tag = parts[0]
        where = f"segment {n} ({tag})"

        def el(i: int, parts: list[str] = parts) -> str:
            return parts[i].strip() if len(parts) > i else ""

        if tag == "ST":
            if in_835:
                raise BadInput(
                    "a transaction set starts before the previous one ended (no SE)", _FIX_CUT, file, where
                )
            in_835 = el(1) == "835"
            if not in_835:
                raise BadInput(
                    f"this X12 file holds a {el(1) or 'unknown'} transaction, not an 835 remittance",
                    "give an 835 (claim payment/advice) file",
                    file,
                    where,
                )
            saw_835 = True
            st_index = n
            claim = service = None
        elif tag == "SE":
            if not in_835:
                raise BadInput("SE segment without a matching ST", _FIX_CUT, file, where)
            count = n - st_index + 1
            if el(1) != str(count):
                raise BadInput(
                    f"the transaction says it has {el(1) or 'no'} segments but {count} were found",
                    _FIX_CUT,
                    file,
                    where,
                )
            flush()
            in_835 = False
            claim = service = None
        elif not in_835:
            continue
        elif tag == "N1" and el(1) == "PR":
            payer = el(2) or None
        elif tag == "CLP":
            claim = _Open(el(1), el(2), "claim", None, None)
            opened.append(claim)
            service = None
        elif tag == "SVC":
            if claim is None:
                raise BadInput("a service line (SVC) comes before any claim (CLP)", _FIX_CUT, file, where)
            proc = el(1).split(comp)
            code = proc[1] if len(proc) > 1 else proc[0]
            service = _Open(claim.claim_id, claim.claim_status, "service", code or None, None, parent=claim)
            opened.append(service)
        elif (
            tag == "DTM" and el(1) in ("472", "150") and service is not None and service.service_date is None
        ):
            service.service_date = _d8(el(2))
        elif tag == "DTM" and el(1) == "232" and claim is not None and service is None:
            claim.service_date = _d8(el(2))
        elif tag == "CAS":
            target = service or claim
            if target is None:
                raise BadInput("an adjustment (CAS) comes before any claim (CLP)", _FIX_CUT, file, where)
            group = el(1).upper()
            if not group:
                raise BadInput("the adjustment has no group code", _FIX_CUT, file, where)
            found = False
            for i in range(2, 20, 3):
                reason = el(i)
                if not reason:
                    continue
                amount = _decimal(el(i + 1) or "0", file, where)
                qty = _decimal(el(i + 2), file, where) if el(i + 2) else None
                target.adjustments.append((group, reason.upper(), amount, qty, n))
                found = True
            if not found:
                raise BadInput("the adjustment has no reason code", _FIX_CUT, file, where)
        elif tag == "LQ" and el(1) == "HE" and service is not None:
            service.rarcs.append(el(2).upper())
        elif tag in ("MOA", "MIA") and claim is not None:
            idx = (3, 4, 5, 6, 7) if tag == "MOA" else (5, 20, 21, 22, 23)
            claim.rarcs.extend(el(i).upper() for i in idx if el(i))
    if in_835:
        raise BadInput("the transaction set has no closing SE segment", _FIX_CUT, file, "end")
    if not saw_835:
        raise BadInput(
            "this X12 file holds no 835 transaction", "give an 835 (claim payment/advice) file", file
        )
    return out


def is_denial(adjustments: list[Adjustment]) -> bool:
    """Whether a claim's adjustments are a denial. A paid claim whose only adjustments are the
    patient's cost sharing (PR-1 deductible, PR-2 coinsurance, PR-3 copayment) is not: there is
    nothing to appeal and no appeal deadline."""
    if not adjustments:
        return False
    if any(a.claim_status in _DENIED_STATUSES for a in adjustments):
        return True
    return not all(a.group == "PR" and a.carc in COST_SHARING_CARCS for a in adjustments)
