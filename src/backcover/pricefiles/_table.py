"""A price table for ``backcover estimate --prices`` from the rates a file states.

The table has the shape of ``knowledge/prices/*.yaml`` (read by ``costs.load_price_table``):
``amounts: {CODE: {KIND: AMOUNT, source, year, confidence}}``. For each code and kind it takes,
in order: the negotiated dollar amount, else the median allowed amount, else a percentage whose
base the file gives, else the allowed amount (Transparency in Coverage), else the discounted cash
price; CMS payment files give the Medicare payment. Each entry's ``source`` names which it took.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from backcover.errors import BadInput
from backcover.pricefiles._model import Basis, Rate, Source, money_text
from backcover.yamlio import dump_yaml

__all__ = ["PREFERENCE", "price_table", "price_table_yaml"]

PREFERENCE: tuple[Basis, ...] = (
    Basis.NEGOTIATED_DOLLAR,
    Basis.MEDICARE_PAYMENT,
    Basis.MEDIAN_ALLOWED,
    Basis.NEGOTIATED_PERCENTAGE,
    Basis.ALLOWED_AMOUNT,
    Basis.DISCOUNTED_CASH,
)
_PAYER_SPECIFIC = frozenset(PREFERENCE[:5]) - {Basis.MEDICARE_PAYMENT}
_KIND_NAMES = {
    "pfs_facility": "clinician's fee in a facility",
    "pfs_nonfacility": "clinician's fee in an office",
    "opps": "hospital outpatient facility fee",
    "asc": "surgery center facility fee",
    "ipps": "inpatient hospital stay",
    "anesthesia": "anesthesia fee",
}
_OFFICE = "11"
_ASC = "24"


def _kinds(rate: Rate) -> tuple[str, ...]:
    """The estimate's price kinds a rate stands for (knowledge/prices kinds)."""
    if rate.basis is Basis.MEDICARE_PAYMENT:
        return {"outpatient": ("opps",), "asc": ("asc",)}.get(rate.setting or "", ())
    if (rate.billing_class or "") == "professional":
        codes = set(rate.service_codes)
        if not codes or codes == {"CSTM-00"}:
            return ("pfs_facility", "pfs_nonfacility")
        kinds = (("pfs_nonfacility",) if _OFFICE in codes else ()) + (
            ("pfs_facility",) if codes - {_OFFICE} else ()
        )
        return kinds
    if _ASC in rate.service_codes and rate.setting != "inpatient":
        return ("asc",)
    return {"outpatient": ("opps",), "inpatient": ("ipps",), "both": ("opps", "ipps")}.get(
        rate.setting or "", ()
    )


def _who(rate: Rate) -> str:
    return " ".join(x for x in (rate.payer, rate.plan) if x)


def price_table(rates: Iterable[Rate], source: Source) -> dict[str, Any]:
    """The table as plain data. Raises BadInput when negotiated rows of several payers or plans
    remain (the table would mix them): pick one with --payer-name/--plan-name."""
    by_key: dict[tuple[str, str], dict[Basis, list[Rate]]] = defaultdict(lambda: defaultdict(list))
    payers: set[str] = set()
    for r in rates:
        if r.code is None or r.amount is None or r.basis not in PREFERENCE or r.modifiers:
            continue
        if r.basis in _PAYER_SPECIFIC:
            payers.add(_who(r))
        for kind in _kinds(r):
            by_key[(r.code, kind)][r.basis].append(r)
    if len(payers) > 1:
        names = sorted(payers)
        shown = "; ".join(names[:6]) + (" ..." if len(names) > 6 else "")
        raise BadInput(
            f"the file has negotiated rates of {len(names)} payers or plans ({shown})",
            "pick one with --payer-name NAME --plan-name NAME (a table holds one payer's prices)",
            source.file,
            "--output",
        )
    year = _year(source.last_updated)
    amounts: dict[str, dict[str, Any]] = {}
    why: dict[str, list[str]] = defaultdict(list)
    doubt: dict[str, list[str]] = defaultdict(list)
    for (code, kind), found in sorted(by_key.items()):
        basis = next(b for b in PREFERENCE if found.get(b))
        chosen = found[basis]
        top = max(chosen, key=lambda r: r.amount or Decimal(0))
        entry = amounts.setdefault(code, {})
        entry[kind] = money_text(top.amount)
        who = f" ({_who(top)})" if basis in _PAYER_SPECIFIC and _who(top) else ""
        why[code].append(f"{kind}: {basis.value}{who}, {top.where}")
        values = sorted({r.amount for r in chosen if r.amount is not None})
        if len(values) > 1:
            doubt[code].append(
                f"{kind}: the file gives {len(values)} {basis.value} amounts ({money_text(values[0])} to "
                f"{money_text(values[-1])}); the highest is used"
            )
        if basis is Basis.NEGOTIATED_PERCENTAGE:
            doubt[code].append(f"{kind}: {top.percentage}% of the item's gross charge, as the file states")
    for code, entry in amounts.items():
        entry["source"] = f"{source.file}: " + "; ".join(why[code])
        if year:
            entry["year"] = year
        if doubt[code]:
            entry["confidence"] = "◐ " + "; ".join(doubt[code])
    if not amounts:
        raise BadInput(
            "no dollar amount in the rows kept could go into a price table",
            "widen the filters (--code, --payer-name), or price the lines by hand with --price",
            source.file,
            "--output",
        )
    medicare = source.format.startswith("cms-")
    name = re.sub(r"[^a-z0-9]+", "-", (source.entity or "imported").lower()).strip("-")
    title = ", ".join(x for x in (source.entity, ", ".join(sorted(payers)) or None) if x)
    table: dict[str, Any] = {
        "table": f"prices-{name}",
        "title": f"{title} ({source.format})",
        "payer": "medicare" if medicare else "commercial",
        "source": f"{source.file} ({source.format}"
        + (f", last updated {source.last_updated}" if source.last_updated else "")
        + "), read by backcover prices import",
        "amounts": amounts,
    }
    used = sorted({k for entry in amounts.values() for k in entry if k in _KIND_NAMES})
    table["kinds"] = {
        k: {
            "name": f"{_KIND_NAMES[k]}, {source.entity or source.file}",
            "look_up": f"the price file {source.file}",
        }
        for k in used
    }
    if year:
        table["year"] = year
    return table


def _year(text: str | None) -> int | None:
    m = re.search(r"(\d{4})", text or "")
    return int(m.group(1)) if m else None


def price_table_yaml(rates: Iterable[Rate], source: Source) -> str:
    table = price_table(rates, source)
    head = (
        "# Price table imported by `backcover prices import`; use it with `backcover estimate --prices`.\n"
        "# Each amount's `source` says which figure of the file it is (negotiated dollar, median\n"
        "# allowed, percentage with its base, allowed amount, or discounted cash).\n"
    )
    return head + dump_yaml(table)
