"""Price tables: Medicare national amounts and the commercial multiple, each naming source and year.

A table's amount is used only when it is there; where no amount is known the price is ``None`` and
the line says where to look it up. backcover never makes a price up.

An amount entry may carry a ``confidence`` note (e.g. "◐ third-party page quoting the CMS figure");
the price then carries it, and the estimate flags the line's price as unconfirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from backcover.costs._money import to_decimal
from backcover.costs._reader import Reader
from backcover.costs._yaml import load_money_yaml
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import Payer
from backcover.yamlio import check_keys, load_yaml

__all__ = ["PRICE_KINDS", "Price", "PriceTable", "builtin_tables", "commercial_multiple", "load_price_table"]

PRICE_KINDS: tuple[str, ...] = ("pfs_facility", "pfs_nonfacility", "opps", "asc", "ipps", "anesthesia")


@dataclass(frozen=True, slots=True)
class Price:
    """A price, or ``amount is None`` when it is not known, with where it came from or where to find it.

    ``confidence`` is the table's note when the amount is not confirmed from the primary source.
    """

    amount: Decimal | None
    source: str
    confidence: str | None = None
    # an estimate's range (``amount`` is the likely figure between them); None for a stated figure
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PriceTable:
    name: str
    title: str
    year: int | None
    payer: str
    kinds: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    amounts: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    amount_sources: Mapping[str, str] = field(default_factory=dict)
    amount_confidence: Mapping[str, str] = field(default_factory=dict)
    file: str = ""

    def lookup(self, code: str | None, kind: str) -> Price:
        info = self.kinds.get(kind, {})
        label = info.get("name", f"{self.title}, {kind}")
        if code is not None and (code, kind) in self.amounts:
            src = self.amount_sources.get(code)
            return Price(
                self.amounts[(code, kind)],
                f"{label} [{self.name}{'; ' + src if src else ''}]",
                self.amount_confidence.get(code),
            )
        return Price(
            None,
            f"{label}: no amount for {code or 'this service'} in backcover's table "
            f"{self.name} (none confirmed); look it up: {info.get('look_up', 'ask the provider')}",
        )


def _table(data: Any, file: str, *, builtin: bool, base: PriceTable | None = None) -> PriceTable:
    """A price table from parsed YAML; a person's own (not ``builtin``) takes ``base``'s kinds."""
    r = Reader(file)
    if not isinstance(data, Mapping):
        raise BadInput(
            "a price table must be a YAML mapping", "see knowledge/prices/medicare-2026.yaml", file, "line 1"
        )
    check_keys(
        data,
        (
            "table",
            "title",
            "year",
            "payer",
            "conversion_factors",
            "kinds",
            "amounts",
            "multiple",
            "multiple_source",
            "confidence",
            "source",
        ),
        file,
        "the price table",
    )
    payer = r.choice(data, "payer", "payer", (Payer.MEDICARE, Payer.COMMERCIAL), Payer.MEDICARE)
    if not builtin and not data.get("source"):
        raise BadInput(
            "a price table needs a `source:` saying where its amounts come from",
            'add `source: "PFS Look-up Tool, national, read 2026-11-27"` (or your Good Faith Estimate)',
            file,
            "line 1",
        )
    amounts: dict[tuple[str, str], Decimal] = {}
    sources: dict[str, str] = {}
    confidence: dict[str, str] = {}
    anode = data.get("amounts") or {}
    if not isinstance(anode, Mapping):
        raise r.bad(
            data, "amounts", "amounts must map codes to prices", 'write `amounts: {"63030": {asc: 1234.56}}`'
        )
    for code, entry in anode.items():
        if not isinstance(entry, Mapping):
            raise r.bad(
                anode,
                code,
                f"amounts for {code} must be a mapping",
                f"write {{{', '.join(PRICE_KINDS)}: AMOUNT}}",
            )
        check_keys(entry, (*PRICE_KINDS, "source", "year", "confidence"), file, f"amounts.{code}")
        priced = [k for k in PRICE_KINDS if entry.get(k) is not None]
        if builtin and priced and not (entry.get("source") and entry.get("year")):
            raise r.bad(
                anode,
                code,
                f"the amounts for {code} must name their `source` and `year`",
                "add `source: URL` and `year: 2026` (and `confidence:` unless it is the CMS figure itself)",
            )
        for kind in PRICE_KINDS:
            if entry.get(kind) is not None:
                v = r.amount(entry, kind, f"amounts.{code}.{kind}")
                assert v is not None
                amounts[(str(code), kind)] = v
        if entry.get("source"):
            year = f", {entry['year']}" if entry.get("year") else ""
            sources[str(code)] = f"{entry['source']}{year}"
        if entry.get("confidence"):
            confidence[str(code)] = str(entry["confidence"])
    kinds = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in (data.get("kinds") or {}).items()}
    if not builtin:
        base = base or builtin_tables()[0]
        kinds = {**{k: dict(v) for k, v in base.kinds.items()}, **kinds}
        for k in list(kinds):
            kinds[k] = {**kinds[k], "name": f"{kinds[k].get('name', k)} — from your table ({data['source']})"}
    return PriceTable(
        name=str(data.get("table") or Path(file).stem),
        title=str(data.get("title") or data.get("table") or Path(file).stem),
        year=_int_or_none(r.count(data, "year", "year")),
        payer=payer,
        kinds=kinds,
        amounts=amounts,
        amount_sources=sources,
        amount_confidence=confidence,
        file=file,
    )


def _int_or_none(value: int | None) -> int | None:
    return None if value is None else int(value)


def _build_tables(kb: Knowledge) -> tuple[PriceTable, ...]:
    f = kb.file("prices/medicare-2026.yaml")
    return (_table(load_yaml(f), str(f), builtin=True),)


def builtin_tables(knowledge: Knowledge | None = None) -> tuple[PriceTable, ...]:
    """The built-in price tables (Medicare national amounts), parsed once per knowledge bundle."""
    return (knowledge or Knowledge.packaged()).cached("costs-price-tables", _build_tables)


def _build_multiple(kb: Knowledge) -> tuple[Decimal, str, str]:
    data = load_yaml(kb.file("prices/commercial.yaml"))
    m = to_decimal(data["multiple"])
    assert m is not None
    return m, str(data["multiple_source"]), str(data["confidence"])


def commercial_multiple(knowledge: Knowledge | None = None) -> tuple[Decimal, str, str]:
    """The default commercial multiple of Medicare, its source and its confidence note."""
    return (knowledge or Knowledge.packaged()).cached("costs-commercial-multiple", _build_multiple)


def load_price_table(path: Path | str, *, knowledge: Knowledge | None = None) -> PriceTable:
    """A person's own price table (same format as the built-in one, with a `source:`)."""
    p = Path(path)
    return _table(load_money_yaml(p), str(p), builtin=False, base=builtin_tables(knowledge)[0])
