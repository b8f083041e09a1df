"""Prices by stated method where no per-code figure is published: Medicare facility fees (OPPS, ASC,
IPPS), anesthesia ((base units + time units) x conversion factor), and commercial multiples by kind.

Every figure comes from knowledge (prices/opps-addendum-b-2025.yaml, prices/facility-2026.yaml,
prices/commercial.yaml `by_kind`) with its source; every estimate is a range (``Price.low`` /
``Price.high``) whose ``source`` names the method and says "estimate".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backcover.costs._money import cents
from backcover.costs._prices import Price
from backcover.costs._yaml import plain
from backcover.knowledge import Knowledge
from backcover.yamlio import load_yaml

__all__ = [
    "Minutes",
    "Multiple",
    "anesthesia_missing",
    "anesthesia_price",
    "commercial_range",
    "facility_price",
    "multiple_text",
    "opps_status",
    "packaged_price",
]

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Minutes:
    """Anesthesia minutes: an assumption (likely, low, high) and what it rests on."""

    likely: int
    low: int
    high: int
    basis: str


@dataclass(frozen=True, slots=True)
class Multiple:
    """Commercial price = Medicare x a multiple: the published average and a low/high."""

    likely: Decimal
    low: Decimal
    high: Decimal
    source: str
    confidence: str


def _build(kb: Knowledge) -> dict[str, Any]:
    return {
        "opps": plain(load_yaml(kb.file("prices/opps-addendum-b-2025.yaml"))),
        "methods": plain(load_yaml(kb.file("prices/facility-2026.yaml"))),
        "commercial": plain(load_yaml(kb.file("prices/commercial.yaml"))).get("by_kind") or {},
    }


def _data(kb: Knowledge | None) -> dict[str, Any]:
    return (kb or Knowledge.packaged()).cached("costs-price-methods", _build)


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def opps_status(code: str | None, knowledge: Knowledge | None = None) -> tuple[str, str | None] | None:
    """A code's CY2025 OPPS status indicator and APC (CMS Addendum B), or None when not listed."""
    row = _data(knowledge)["opps"]["codes"].get(code or "")
    return None if row is None else (str(row["si"]), row.get("apc"))


def _addendum_cite(code: str, row: dict[str, Any], opps: dict[str, Any]) -> str:
    return (
        f"{opps['source']}: {code} status {row['si']}, APC {row['apc']}, relative weight {row['weight']}, "
        f"2025 payment rate ${row['rate']}"
    )


def facility_price(code: str | None, kind: str, knowledge: Knowledge | None = None) -> Price | None:
    """Medicare's 2026 facility fee for a code by the stated method of prices/facility-2026.yaml.

    ``None`` when the method does not apply (the code is not in Addendum B, or not this kind).
    """
    data = _data(knowledge)
    m, opps = data["methods"], data["opps"]
    if kind == "ipps":
        ip = m["ipps"]
        return Price(None, f"Medicare inpatient stay (IPPS): {ip['method']}; look it up: {ip['look_up']}")
    if kind not in ("opps", "asc"):
        return None
    row = opps["codes"].get(code or "")
    if row is None:
        return None
    spec = m[kind]
    if row.get("weight") is None:  # packaged (N) or inpatient only (C)
        return None
    cf = spec["conversion_factor"]["2026"]
    likely = cents(_d(row["weight"]) * _d(cf["amount"]))
    band = _d(spec["band"])
    name = (
        "hospital outpatient facility fee (OPPS)" if kind == "opps" else "surgery center facility fee (ASC)"
    )
    source = (
        f"Medicare 2026 {name}, {spec['method']} [{_addendum_cite(str(code), row, opps)}; conversion "
        f"factor: {cf['source']}]"
    )
    conf = (
        f"◐ estimate: the 2025 weight is {opps['confidence']}; the 2026 conversion factor is "
        f"{cf['confidence']}; check the figure in {spec['look_up']}"
    )
    return Price(likely, source, conf, cents(likely * (ONE - band)), cents(likely * (ONE + band)))


def packaged_price(code: str | None, primary: str, knowledge: Knowledge | None = None) -> Price:
    """A hospital line packaged into the comprehensive APC of the claim's J1 procedure ($0)."""
    opps = _data(knowledge)["opps"]
    row = opps["codes"][primary]
    own = opps["codes"].get(code or "")
    si = f" (its own status indicator is {own['si']})" if own else ""
    return Price(
        Decimal("0.00"),
        f"packaged: {code}{si} is paid inside the comprehensive APC {row['apc']} payment of {primary} "
        f"(status indicator J1: one payment covers the hospital's other services on the claim; "
        f"CY2025 statuses, assumed unchanged in 2026) [{opps['source']}]",
        None,
    )


def anesthesia_price(
    code: str | None, minutes: Minutes | None, knowledge: Knowledge | None = None
) -> Price | None:
    """(base units + minutes / 15) x the 2026 anesthesia conversion factor; a range over ``minutes``.

    ``None`` when the base units or the minutes are not known (the line then says where to look).
    """
    a = _data(knowledge)["methods"]["anesthesia"]
    base = a["base_units"].get(code or "")
    if base is None or minutes is None:
        return None
    cf = a["conversion_factor"]
    per = _d(a["minutes_per_unit"])

    def amount(mins: int) -> Decimal:
        return cents((_d(base["units"]) + _d(mins) / per) * _d(cf["amount"]))

    units = _d(base["units"])
    source = (
        f"Medicare anesthesia 2026, {a['formula']}: {code} has {units} base units ({base['source']}); "
        f"{minutes.likely} minutes = {cents(_d(minutes.likely) / per)} time units; "
        f"minutes {minutes.basis}; conversion factor: {cf['source']}"
    )
    if minutes.low != minutes.high:
        source += f" (estimate: {minutes.low} to {minutes.high} minutes gives the range)"
    conf = f"◐ base units: {base['confidence']}; conversion factor: {cf['confidence']}"
    likely = amount(minutes.likely)
    if minutes.low == minutes.high:
        return Price(likely, source, conf)
    return Price(likely, source, conf, amount(minutes.low), amount(minutes.high))


def anesthesia_missing(code: str | None, knowledge: Knowledge | None = None) -> str:
    """Where to look up an anesthesia price backcover cannot compute."""
    a = _data(knowledge)["methods"]["anesthesia"]
    why = (
        "its base units were not found"
        if (code or "") not in a["base_units"]
        else "no typical anesthesia time was found (give one with --anesthesia-minutes)"
    )
    what = code or "this service"
    head = f"Medicare anesthesia 2026, {a['formula']}"
    return f"{head}: no amount for {what}, {why}; look it up: {a['look_up']}"


def commercial_range(kind: str, knowledge: Knowledge | None = None) -> Multiple | None:
    """The commercial multiple of Medicare for a kind of price, or None when knowledge has none."""
    for spec in _data(knowledge)["commercial"].values():
        if kind in spec["kinds"]:
            likely = _d(spec["likely"])
            if spec.get("band") is not None:
                band = _d(spec["band"])
                low, high = cents(likely * (ONE - band)), cents(likely * (ONE + band))
            else:
                low, high = _d(spec["low"]), _d(spec["high"])
            return Multiple(likely, low, high, str(spec["source"]), str(spec["confidence"]))
    return None


def multiple_text(m: Multiple) -> str:
    return f"x {m.likely} (range x {m.low} to x {m.high})"
