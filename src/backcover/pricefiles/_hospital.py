"""Hospital standard charges (45 CFR 180): one item's charges, from either CSV or JSON, as rows.

Both layouts reduce to an :class:`Item` (description, codes, setting, the payer-independent
charges) and its :class:`PayerCharge` entries; :func:`item_rates` turns them into rates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from backcover.pricefiles._model import Basis, Rate

__all__ = ["Item", "PayerCharge", "item_rates", "primary_code"]

#: Code types that name a service a person could look up; revenue and local codes come last.
_SECONDARY = ("RC", "CDM", "LOCAL")
_BILLED_CHARGES = "percent of total billed charges"


@dataclass
class PayerCharge:
    payer: str
    plan: str | None
    dollar: Decimal | None = None
    percentage: Decimal | None = None
    algorithm: str | None = None
    methodology: str | None = None
    median: Decimal | None = None
    p10: Decimal | None = None
    p90: Decimal | None = None
    count: str | None = None
    estimated: Decimal | None = None
    notes: str | None = None


@dataclass
class Item:
    description: str | None
    codes: list[tuple[str, str]]
    setting: str | None
    modifiers: tuple[str, ...] = ()
    drug_unit: str | None = None
    gross: Decimal | None = None
    cash: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    notes: str | None = None
    billing_class: str | None = None
    payers: list[PayerCharge] = field(default_factory=list)


def primary_code(codes: list[tuple[str, str]]) -> tuple[str | None, str | None, tuple[tuple[str, str], ...]]:
    """The code a row is listed under (a CPT/HCPCS/DRG/NDC before a revenue code), and the rest."""
    if not codes:
        return None, None, ()
    main = next((c for c in codes if c[1].upper() not in _SECONDARY), codes[0])
    return main[0], main[1], tuple(c for c in codes if c != main)


def item_rates(item: Item, where: str, *, general: bool = True) -> Iterator[Rate]:
    """The rows of one item: its payer-independent charges (unless ``general`` is False, for the
    repeated rows of a tall CSV) and each payer's negotiated charge and allowed-amount figures."""
    code, code_type, others = primary_code(item.codes)
    base = Rate(
        code=code,
        code_type=code_type,
        basis=Basis.GROSS,
        amount=None,
        setting=item.setting,
        description=item.description,
        modifiers=item.modifiers,
        other_codes=others,
        drug_unit=item.drug_unit,
        billing_class=item.billing_class,
        notes=(item.notes,) if item.notes else (),
        where=where,
    )
    if general:
        for basis, amount in (
            (Basis.GROSS, item.gross),
            (Basis.DISCOUNTED_CASH, item.cash),
            (Basis.MIN, item.minimum),
            (Basis.MAX, item.maximum),
        ):
            if amount is not None:
                yield _with(base, basis, amount)
    for p in item.payers:
        yield from _payer_rates(base, item, p)


def _with(base: Rate, basis: Basis, amount: Decimal | None, **kw: object) -> Rate:
    return replace(base, basis=basis, amount=amount, **kw)  # type: ignore[arg-type]


def _payer_rates(base: Rate, item: Item, p: PayerCharge) -> Iterator[Rate]:
    notes = tuple(n for n in (*base.notes, p.notes) if n)
    if p.estimated is not None:
        notes = (*notes, f"the file's estimated amount (v2 template): {p.estimated}")
    who = {"payer": p.payer, "plan": p.plan, "methodology": p.methodology, "notes": notes}
    if p.dollar is not None:
        per_diem = (p.methodology or "").strip().lower() == "per diem"
        yield _with(base, Basis.PER_DIEM if per_diem else Basis.NEGOTIATED_DOLLAR, p.dollar, **who)
    if p.percentage is not None:
        amount = None
        note = "a percentage of a base the file does not state: no dollar amount"
        if (p.methodology or "").strip().lower() == _BILLED_CHARGES and item.gross is not None:
            amount = (item.gross * p.percentage / 100).quantize(Decimal("0.01"))
            note = (
                f"{p.percentage}% of the gross charge {item.gross} the file gives "
                "(percent of total billed charges; a claim's total billed charges may be higher)"
            )
        pct = {**who, "notes": (*notes, note)}
        yield _with(base, Basis.NEGOTIATED_PERCENTAGE, amount, percentage=p.percentage, **pct)
    if p.algorithm:
        yield _with(base, Basis.NEGOTIATED_ALGORITHM, None, algorithm=p.algorithm, **who)
    for basis, amount in (
        (Basis.MEDIAN_ALLOWED, p.median),
        (Basis.PERCENTILE_10, p.p10),
        (Basis.PERCENTILE_90, p.p90),
    ):
        if amount is not None:
            yield _with(base, basis, amount, count=p.count, **who)
