"""Episodes of care: the usual claim lines for a procedure, priced from the price tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from backcover.catalog import Procedure, families, resolve
from backcover.costs._lines import Line
from backcover.costs._money import cents
from backcover.costs._plan import Plan
from backcover.costs._prices import Price, PriceTable, builtin_tables, commercial_multiple
from backcover.knowledge import KNOWLEDGE_DIR
from backcover.yamlio import load_yaml

__all__ = ["EpisodeTemplate", "episode_info", "episode_lines"]

_FACILITY_KIND = {"asc": "asc", "hospital-outpatient": "opps", "inpatient": "ipps"}
_IMAGING_BENEFITS = frozenset({"imaging_basic", "imaging_advanced", "diagnostic_test", "specialist_visit"})


@dataclass(frozen=True, slots=True)
class EpisodeTemplate:
    family: str
    lines: tuple[Mapping[str, Any], ...]
    included: str | None


@cache
def _episodes() -> dict[str, EpisodeTemplate]:
    data = load_yaml(KNOWLEDGE_DIR / "episodes.yaml")
    out: dict[str, EpisodeTemplate] = {}
    for fam, e in data["families"].items():
        out[str(fam)] = EpisodeTemplate(str(fam), tuple(dict(x) for x in e["lines"]), e.get("included"))
    return out


def episode_info(code: str, setting: str | None = None) -> tuple[Procedure, str, EpisodeTemplate]:
    proc, setting = resolve(code, setting)
    return proc, setting, _episodes()[proc.family]


def _benefit(spec: Mapping[str, Any], proc: Procedure, setting: str) -> str:
    if spec.get("benefit"):
        return str(spec["benefit"])
    price = spec["price"]
    if price == "anesthesia":
        return "anesthesia"
    if price == "facility":
        if setting == "inpatient":
            return "inpatient_facility"
        return proc.benefit if proc.benefit in _IMAGING_BENEFITS else "outpatient_facility"
    b = proc.benefit
    if setting == "inpatient" and b == "outpatient_physician":
        return "inpatient_physician"
    if setting != "inpatient" and b == "inpatient_physician":
        return "outpatient_physician"
    return b


def _kind(price: str, setting: str) -> str | None:
    if price == "anesthesia":
        return "anesthesia"
    if price == "office":
        return "pfs_nonfacility"
    if price == "facility":
        return _FACILITY_KIND.get(setting)
    return "pfs_nonfacility" if setting == "office" else "pfs_facility"


def _price(
    plan: Plan, code: str | None, kind: str, tables: Sequence[PriceTable], multiple: Decimal | None
) -> tuple[Price, list[str]]:
    notes: list[str] = []
    commercial = plan.kind in ("commercial", "marketplace", "uninsured")
    if commercial:
        for t in tables:
            if t.payer == "commercial":
                p = t.lookup(code, kind)
                if p.amount is not None:
                    return p, notes
    base: Price | None = None
    for t in tables:
        if t.payer == "medicare":
            p = t.lookup(code, kind)
            if p.amount is not None:
                base = p
                break
            base = base or p
    assert base is not None
    if base.amount is None:
        return base, notes
    if commercial:
        default, src, conf = commercial_multiple()
        m = multiple if multiple is not None else default
        why = f"the default multiple ({src}; {conf})" if multiple is None else "the multiple you gave"
        return Price(cents(base.amount * m), f"{base.source} x {m} ({why})", base.confidence), notes
    if plan.kind == "medicaid":
        notes.append("Medicaid pays by each state's fee schedule; the Medicare amount stands in for it here.")
    if plan.kind == "medicare-advantage":
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
) -> list[Line]:
    """The usual claim lines for a procedure in a setting, priced for the plan (unknown prices are None).

    ``tables`` are searched first to last (a person's own table first, then the built-in ones).
    """
    proc, setting, tmpl = episode_info(code, setting)
    tables = [*(tables or ()), *builtin_tables()]
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
        price, notes = _price(plan, lcode, kind, tables, price_multiple)
        count = int(spec.get("count") or 1)
        for n in range(count):
            lid = str(spec["id"]) if count == 1 else f"{spec['id']}{n + 1}"
            desc = str(spec.get("description") or "")
            if spec.get("count"):
                desc += f" ({n + 1} of {count}; the number of visits is an assumption, not a sourced figure)"
            if notes:
                desc += " — " + " ".join(notes)
            office_line = spec["price"] == "office"
            line_setting = "office" if office_line else setting
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
                    medicare_part="A" if (spec["price"] == "facility" and setting == "inpatient") else "B",
                    description=desc,
                    price_source=price.source,
                    price_confidence=price.confidence,
                )
            )
    return out


def family_names() -> list[str]:
    return list(families())
