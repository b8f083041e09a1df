"""Episodes of care: the usual claim lines for a procedure, priced from the price tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backcover.catalog import Procedure, resolve
from backcover.costs._lines import Line
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


def price_for(
    plan: Plan,
    code: str | None,
    kind: str,
    tables: Sequence[PriceTable],
    multiple: Decimal | None,
    knowledge: Knowledge | None = None,
) -> tuple[Price, list[str]]:
    """A code's price for the plan's payer from ``tables`` (first hit wins), and notes about it.

    Private plans and self-pay take a commercial table's amount, else Medicare's times the multiple.
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
    base: Price | None = None
    for t in tables:
        if t.payer == Payer.MEDICARE:
            p = t.lookup(code, kind)
            if p.amount is not None:
                base = p
                break
            base = base or p
    assert base is not None
    if base.amount is None:
        return base, notes
    if commercial:
        default, src, conf = commercial_multiple(knowledge)
        m = multiple if multiple is not None else default
        why = f"the default multiple ({src}; {conf})" if multiple is None else "the multiple you gave"
        return Price(cents(base.amount * m), f"{base.source} x {m} ({why})", base.confidence), notes
    if payer is Payer.MEDICAID:
        notes.append("Medicaid pays by each state's fee schedule; the Medicare amount stands in for it here.")
    if payer is Payer.MEDICARE_ADVANTAGE:
        notes.append(
            "Medicare Advantage plans set their own rates; the Medicare amount stands in for them here."
        )
    return base, notes


def episode_lines(
    code: str,
    setting: str | None,
    plan: Plan,
    *,
    price_multiple: Decimal | None = None,
    tables: Sequence[PriceTable] | None = None,
    knowledge: Knowledge | None = None,
) -> list[Line]:
    """The usual claim lines for a procedure in a setting, priced for the plan (unknown prices are None).

    ``tables`` are searched first to last (a person's own table first, then the built-in ones of
    ``knowledge``).
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
        price, notes = price_for(plan, lcode, kind, tables, price_multiple, knowledge)
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
                )
            )
    return out
