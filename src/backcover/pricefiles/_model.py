"""The typed rows every price-file reader yields, the filters they honour, and money from text."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from backcover.errors import BadInput

__all__ = [
    "PAYER_INDEPENDENT",
    "Basis",
    "Filters",
    "Rate",
    "Reading",
    "Source",
    "Warnings",
    "csv_rows",
    "iso_date",
    "money_text",
    "parse_money",
]


class Basis(StrEnum):
    """What a rate's amount is (CONTRACTS.md section 6)."""

    NEGOTIATED_DOLLAR = "negotiated_dollar"
    NEGOTIATED_PERCENTAGE = "negotiated_percentage"
    NEGOTIATED_ALGORITHM = "negotiated_algorithm"
    GROSS = "gross"
    DISCOUNTED_CASH = "discounted_cash"
    MEDIAN_ALLOWED = "median_allowed"
    PERCENTILE_10 = "percentile_10"
    PERCENTILE_90 = "percentile_90"
    MIN = "min"
    MAX = "max"
    PER_DIEM = "per_diem"
    MEDICARE_PAYMENT = "medicare_payment"
    #: Transparency in Coverage allowed-amount files: what a plan allowed for out-of-network claims.
    ALLOWED_AMOUNT = "allowed_amount"


#: Rows that belong to no payer: kept by --payer-name/--plan-name filters.
PAYER_INDEPENDENT = frozenset({Basis.GROSS, Basis.DISCOUNTED_CASH, Basis.MIN, Basis.MAX})


@dataclass(frozen=True, slots=True)
class Rate:
    """One price a file states for one code (or one modifier), as the file states it.

    ``amount`` is ``None`` where the file gives no dollar figure (an algorithm, a percentage
    without its base). ``other_codes`` are the item's further codes (a revenue code beside a CPT).
    """

    code: str | None
    code_type: str | None
    basis: Basis
    amount: Decimal | None
    setting: str | None = None
    description: str | None = None
    payer: str | None = None
    plan: str | None = None
    methodology: str | None = None
    negotiated_type: str | None = None
    percentage: Decimal | None = None
    algorithm: str | None = None
    modifiers: tuple[str, ...] = ()
    other_codes: tuple[tuple[str, str], ...] = ()
    npi: tuple[str, ...] = ()
    tin: tuple[str, ...] = ()
    billing_class: str | None = None
    service_codes: tuple[str, ...] = ()
    count: str | None = None
    drug_unit: str | None = None
    expiration_date: str | None = None
    relative_weight: Decimal | None = None
    base_units: Decimal | None = None
    notes: tuple[str, ...] = ()
    where: str | None = None

    def with_note(self, note: str) -> Rate:
        return replace(self, notes=(*self.notes, note))

    def codes(self) -> tuple[str, ...]:
        own = (self.code,) if self.code else ()
        return own + tuple(c for c, _ in self.other_codes)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "code_type": self.code_type,
            "setting": self.setting,
            "amount": money_text(self.amount),
            "basis": self.basis.value,
            "payer": self.payer,
            "plan": self.plan,
            "description": self.description,
        }
        optional: dict[str, Any] = {
            "methodology": self.methodology,
            "negotiated_type": self.negotiated_type,
            "percentage": None if self.percentage is None else str(self.percentage),
            "algorithm": self.algorithm,
            "modifiers": list(self.modifiers),
            "other_codes": [{"code": c, "code_type": t} for c, t in self.other_codes],
            "npi": list(self.npi),
            "tin": list(self.tin),
            "billing_class": self.billing_class,
            "service_codes": list(self.service_codes),
            "count": self.count,
            "drug_unit": self.drug_unit,
            "expiration_date": self.expiration_date,
            "relative_weight": None if self.relative_weight is None else str(self.relative_weight),
            "base_units": None if self.base_units is None else str(self.base_units),
            "notes": list(self.notes),
        }
        out.update({k: v for k, v in optional.items() if v not in (None, [])})
        return out


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    format: str
    entity: str | None = None
    last_updated: str | None = None
    plan: str | None = None
    version: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "format": self.format,
            "entity": self.entity,
            "last_updated": self.last_updated,
        }
        if self.plan:
            out["plan"] = self.plan
        if self.version:
            out["version"] = self.version
        return out


def _fold(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().casefold() for v in values if v.strip())


@dataclass(frozen=True)
class Filters:
    """Which rows to keep. Empty sets keep everything; names match without regard to case."""

    codes: frozenset[str] = frozenset()
    npis: frozenset[str] = frozenset()
    tins: frozenset[str] = frozenset()
    payer: str | None = None
    plan: str | None = None

    @classmethod
    def of(
        cls,
        codes: Iterable[str] = (),
        npis: Iterable[str] = (),
        tins: Iterable[str] = (),
        payer: str | None = None,
        plan: str | None = None,
    ) -> Filters:
        return cls(
            codes=_fold(codes),
            npis=frozenset(n.strip() for n in npis if n.strip()),
            tins=frozenset(_tin(t) for t in tins if t.strip()),
            payer=payer.strip().casefold() if payer and payer.strip() else None,
            plan=plan.strip().casefold() if plan and plan.strip() else None,
        )

    def wants_code(self, *codes: str | None) -> bool:
        return not self.codes or any(c is not None and c.strip().casefold() in self.codes for c in codes)

    def wants_payer(self, payer: str | None, plan: str | None) -> bool:
        if self.payer is not None and (payer or "").strip().casefold() != self.payer:
            return False
        return self.plan is None or (plan or "").strip().casefold() == self.plan

    def keeps(self, rate: Rate) -> bool:
        if not self.wants_code(*rate.codes()):
            return False
        if rate.basis not in PAYER_INDEPENDENT and not self.wants_payer(rate.payer, rate.plan):
            return False
        if self.npis and not self.npis.intersection(rate.npi):
            return False
        return not self.tins or bool(self.tins.intersection(_tin(t) for t in rate.tin))


def _tin(text: str) -> str:
    """A TIN compared without its hyphen: 11-1111111 and 111111111 are the same EIN."""
    return text.strip().replace("-", "")


def parse_money(value: object) -> Decimal | None:
    """A dollar amount from a file's text or number: ``None`` for an empty cell.

    Raises ``ValueError`` (with the reason) for text that is not an amount. Floats never reach
    here: the JSON readers ask ijson for ``Decimal``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("$", "").replace(",", "")
        if not text:
            return None
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{value.strip()[:40]!r} is not an amount") from None
    else:
        raise ValueError(f"a {type(value).__name__} is not an amount")
    if not d.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if d < 0:
        raise ValueError(f"{d} is negative")
    return d


def money_text(d: Decimal | None) -> str | None:
    """``250`` -> ``"250.00"``; finer amounts (a drug's 0.0125 per unit) keep their digits."""
    if d is None:
        return None
    exp = d.as_tuple().exponent
    if isinstance(exp, int) and exp >= -2:
        return f"{d.quantize(Decimal('0.01')):f}"
    return f"{d.normalize():f}"


@dataclass
class Warnings:
    """Rows a reader skipped or read with caution, each with its place; capped so a bad
    multi-gigabyte file cannot flood the output."""

    limit: int = 200
    items: list[str] = field(default_factory=list)
    dropped: int = 0

    def add(self, where: str, why: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(f"{where}: {why}")
        else:
            self.dropped += 1

    def to_json(self) -> list[str]:
        more = [f"... and {self.dropped} more warnings"] if self.dropped else []
        return [*self.items, *more]


class Reading:
    """One file being read: ``rates()`` streams the kept rows; afterwards ``source()`` describes
    the file (its metadata may come after the rows), ``warnings`` lists skipped rows, and
    ``files`` the files a table of contents names."""

    format: str = ""

    def __init__(self, file: str, filters: Filters) -> None:
        self.file = file
        self.filters = filters
        self.warnings = Warnings()
        self.entity: str | None = None
        self.last_updated: str | None = None
        self.version: str | None = None
        self.plan: str | None = None
        self.files: list[dict[str, str | None]] = []

    def rates(self) -> Iterator[Rate]:
        """The rows the filters keep, in file order."""
        return (r for r in self.rows() if self.filters.keeps(r))

    def rows(self) -> Iterator[Rate]:
        raise NotImplementedError

    def source(self) -> Source:
        when = iso_date(self.last_updated)
        return Source(self.file, self.format, self.entity, when, self.plan, self.version)


def csv_rows(reader: Any, file: str) -> Iterator[list[str]]:
    """The rows of a ``csv.reader``; a malformed line is bad input naming its line."""
    try:
        yield from reader
    except csv.Error as exc:
        raise BadInput(
            f"the CSV file cannot be read ({exc})",
            "save it again as CSV (UTF-8)",
            file,
            f"line {reader.line_num}",
        ) from None


def iso_date(text: str | None) -> str | None:
    """``4/1/2026`` (as CSV files written by spreadsheets say) -> ``2026-04-01``; ISO stays."""
    if not text:
        return text
    m = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text)
    return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}" if m else text.strip()
