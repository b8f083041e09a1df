"""Episodes of care: the usual claim lines for a procedure, priced from the price tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from backcover.catalog import Procedure, resolve
from backcover.costs._lines import Line
from backcover.costs._methods import (
    Minutes,
    Multiple,
    anesthesia_missing,
    anesthesia_price,
    commercial_range,
    facility_price,
    multiple_text,
    opps_status,
    packaged_price,
)
from backcover.costs._model import Plan
from backcover.costs._money import cents
from backcover.costs._prices import Price, PriceTable, builtin_tables, commercial_multiple
from backcover.costs._yaml import plain
from backcover.knowledge import Knowledge
from backcover.vocab import BenefitCategory as B
from backcover.vocab import Payer, Setting
from backcover.yamlio import load_yaml

__all__ = ["EpisodeTemplate", "episode_info", "episode_lines", "price_for"]

# The price-table kind of a facility fee in each setting (an office has none).
_FACILITY_KIND: dict[str, str] = {
    Setting.ASC: "asc",
    Setting.HOSPITAL_OUTPATIENT: "opps",
    Setting.INPATIENT: "ipps",
}
_IMAGING_BENEFITS = frozenset({B.IMAGING_BASIC, B.IMAGING_ADVANCED, B.DIAGNOSTIC_TEST, B.SPECIALIST_VISIT})


@dataclass(frozen=True, slots=True)
class EpisodeTemplate:
    family: str
    lines: tuple[Mapping[str, Any], ...]
    included: str | None


def _build_episodes(kb: Knowledge) -> dict[str, EpisodeTemplate]:
    data = plain(load_yaml(kb.file("episodes.yaml")))
    out: dict[str, EpisodeTemplate] = {}
    for fam, e in data["families"].items():
        out[str(fam)] = EpisodeTemplate(str(fam), tuple(e["lines"]), e.get("included"))
    return out


def episode_info(
    code: str, setting: str | None = None, *, knowledge: Knowledge | None = None
) -> tuple[Procedure, str, EpisodeTemplate]:
    """The procedure, the setting (its usual one when not given) and its episode template."""
    proc, setting = resolve(code, setting, knowledge)
    episodes = (knowledge or Knowledge.packaged()).cached("costs-episodes", _build_episodes)
    return proc, setting, episodes[proc.family]


def _benefit(spec: Mapping[str, Any], proc: Procedure, setting: str) -> str:
    if spec.get("benefit"):
        return str(spec["benefit"])
    price = spec["price"]
    if price == "anesthesia":
        return B.ANESTHESIA.value
    if price == "facility":
        if setting == Setting.INPATIENT:
            return B.INPATIENT_FACILITY.value
        return proc.benefit if proc.benefit in _IMAGING_BENEFITS else B.OUTPATIENT_FACILITY.value
    b = proc.benefit
    if setting == Setting.INPATIENT and b == B.OUTPATIENT_PHYSICIAN:
        return B.INPATIENT_PHYSICIAN.value
    if setting != Setting.INPATIENT and b == B.INPATIENT_PHYSICIAN:
        return B.OUTPATIENT_PHYSICIAN.value
    return b


def _kind(price: str, setting: str) -> str | None:
    if price == "anesthesia":
        return "anesthesia"
    if price == "office":
        return "pfs_nonfacility"
    if price == "facility":
        return _FACILITY_KIND.get(setting)
    return "pfs_nonfacility" if setting == Setting.OFFICE else "pfs_facility"


def _medicare_base(
    code: str | None,
    kind: str,
    tables: Sequence[PriceTable],
    minutes: Minutes | None,
    knowledge: Knowledge | None,
) -> Price:
    """Medicare's price: a table's amount (first hit), else backcover's stated method, else unknown."""
    base: Price | None = None
    for t in tables:
        if t.payer == Payer.MEDICARE:
            p = t.lookup(code, kind)
            if p.amount is not None:
                return p
            base = base or p
    assert base is not None
    if kind == "anesthesia":
        est = anesthesia_price(code, minutes, knowledge)
        return est or Price(None, anesthesia_missing(code, knowledge))
    return facility_price(code, kind, knowledge) or base


def price_for(
    plan: Plan,
    code: str | None,
    kind: str,
    tables: Sequence[PriceTable],
    multiple: Decimal | None,
    knowledge: Knowledge | None = None,
    minutes: Minutes | None = None,
) -> tuple[Price, list[str]]:
    """A code's price for the plan's payer from ``tables`` (first hit wins), and notes about it.

    Private plans and self-pay take a commercial table's amount (the plan's own negotiated rate), else
    Medicare's times the multiple for that kind of price, as a range (``Price.low``/``high``).
    """
    notes: list[str] = []
    payer = plan.payer
    commercial = payer is None or payer is Payer.COMMERCIAL
    if commercial:
        for t in tables:
            if t.payer == Payer.COMMERCIAL:
                p = t.lookup(code, kind)
                if p.amount is not None:
                    return p, notes
    base = _medicare_base(code, kind, tables, minutes, knowledge)
    if base.amount is None:
        return base, notes
    if commercial:
        return _commercial(base, kind, multiple, knowledge), notes
    if payer is Payer.MEDICAID:
        notes.append("Medicaid pays by each state's fee schedule; the Medicare amount stands in for it here.")
    if payer is Payer.MEDICARE_ADVANTAGE:
        notes.append(
            "Medicare Advantage plans set their own rates; the Medicare amount stands in for them here."
        )
    return base, notes


def _commercial(base: Price, kind: str, multiple: Decimal | None, knowledge: Knowledge | None) -> Price:
    assert base.amount is not None
    lo = base.low if base.low is not None else base.amount
    hi = base.high if base.high is not None else base.amount
    if multiple is not None:
        src = f"{base.source} x {multiple} (the multiple you gave)"
        if base.low is None:
            return Price(cents(base.amount * multiple), src, base.confidence)
        lo, hi = cents(lo * multiple), cents(hi * multiple)
        return Price(cents(base.amount * multiple), src, base.confidence, lo, hi)
    m = commercial_range(kind, knowledge)
    if m is None:
        default, msrc, conf = commercial_multiple(knowledge)
        m = Multiple(default, default, default, msrc, conf)
    src = (
        f"estimate for a private plan: {base.source} {multiple_text(m)} "
        f"(commercial prices as a multiple of Medicare: {m.source}; {m.confidence})"
    )
    return Price(cents(base.amount * m.likely), src, base.confidence, cents(lo * m.low), cents(hi * m.high))


def _minutes(spec: Mapping[str, Any], override: int | None) -> Minutes | None:
    if override is not None:
        return Minutes(override, override, override, "you gave (--anesthesia-minutes)")
    m = spec.get("minutes")
    if not m:
        return None
    return Minutes(int(m["likely"]), int(m["low"]), int(m["high"]), str(m["basis"]))


def _package_j1(lines: list[Line], knowledge: Knowledge | None) -> list[Line]:
    """OPPS: the hospital's other lines on a claim with a J1 procedure are packaged into its payment."""
    primary = next(
        (
            ln.code
            for ln in lines
            if ln.role == "facility" and (opps_status(ln.code, knowledge) or ("",))[0] == "J1"
        ),
        None,
    )
    if primary is None:
        return lines
    out: list[Line] = []
    for ln in lines:
        if ln.role == "facility" and ln.code != primary and ln.setting == Setting.HOSPITAL_OUTPATIENT:
            p = packaged_price(ln.code, primary, knowledge)
            ln = replace(
                ln,
                allowed=p.amount,
                allowed_low=None,
                allowed_high=None,
                price_source=p.source,
                price_confidence=None,
                opps_copay_cap=False,
            )
        out.append(ln)
    return out


def episode_lines(
    code: str,
    setting: str | None,
    plan: Plan,
    *,
    price_multiple: Decimal | None = None,
    tables: Sequence[PriceTable] | None = None,
    anesthesia_minutes: int | None = None,
    knowledge: Knowledge | None = None,
) -> list[Line]:
    """The usual claim lines for a procedure in a setting, priced for the plan (unknown prices are None).

    ``tables`` are searched first to last (a person's own table first, then the built-in ones of
    ``knowledge``). Where no table has a figure, facility and anesthesia lines are priced by the
    stated methods of :mod:`backcover.costs._methods`, as ranges. ``anesthesia_minutes`` replaces
    the episode's assumed anesthesia time.
    """
    proc, setting, tmpl = episode_info(code, setting, knowledge=knowledge)
    tables = [*(tables or ()), *builtin_tables(knowledge)]
    out: list[Line] = []
    for spec in tmpl.lines:
        settings = spec.get("settings")
        if settings and setting not in settings:
            continue
        kind = _kind(str(spec["price"]), setting)
        if kind is None:  # a facility line in an office
            continue
        raw_code = spec.get("code")
        lcode = None if raw_code is None else str(raw_code).replace("{code}", proc.code)
        minutes = _minutes(spec, anesthesia_minutes) if kind == "anesthesia" else None
        price, notes = price_for(plan, lcode, kind, tables, price_multiple, knowledge, minutes)
        count = int(spec.get("count") or 1)
        for n in range(count):
            lid = str(spec["id"]) if count == 1 else f"{spec['id']}{n + 1}"
            desc = str(spec.get("description") or "")
            if spec.get("count"):
                desc += f" ({n + 1} of {count}; the number of visits is an assumption, not a sourced figure)"
            if notes:
                desc += " — " + " ".join(notes)
            office_line = spec["price"] == "office"
            line_setting = Setting.OFFICE.value if office_line else setting
            role = str(spec["role"])
            out.append(
                Line(
                    id=lid,
                    benefit=_benefit(spec, proc, setting),
                    allowed=price.amount,
                    code=lcode,
                    role=role,
                    network="in",
                    facility_network="in" if line_setting != "office" else None,
                    setting=line_setting,
                    medicare_part="A"
                    if (spec["price"] == "facility" and setting == Setting.INPATIENT)
                    else "B",
                    description=desc,
                    price_source=price.source,
                    price_confidence=price.confidence,
                    allowed_low=price.low,
                    allowed_high=price.high,
                    group=str(spec["id"]) if count > 1 else None,
                    opps_copay_cap=kind == "opps" and price.amount is not None,
                )
            )
    if setting == Setting.HOSPITAL_OUTPATIENT:
        out = _package_j1(out, knowledge)
    return out
