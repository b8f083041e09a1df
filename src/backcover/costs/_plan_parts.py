"""The parts of a plan file: deductibles, limits, benefits, accumulators and supplemental policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from backcover.costs._model import (
    BENEFITS,
    COB_METHODS,
    Accumulators,
    Benefit,
    Deductible,
    OopMax,
    Supplemental,
)
from backcover.costs._money import ZERO
from backcover.costs._reader import Reader
from backcover.vocab import PlanKind, values
from backcover.yamlio import check_keys, suggest

__all__ = ["accumulators", "benefit", "coordination", "deductible", "oop", "supplemental"]

_ACC_KEYS = (
    "deductible_met",
    "oop_met",
    "visits_used",
    "family_deductible_met",
    "family_oop_met",
    "oon_deductible_met",
    "oon_oop_met",
)
_MEDICARE_ACC_KEYS = ("part_b_deductible_met", "part_a_deductible_met", "visits_used")


def deductible(r: Reader, node: Mapping[str, Any], what: str) -> Deductible:
    check_keys(node, ("individual", "family", "embedded"), r.file, what)
    if "individual" not in node:
        raise r.bad(node, None, f"{what} has no individual amount", f"add `individual: AMOUNT` to {what}")
    ind = r.amount(node, "individual", f"{what}.individual")
    assert ind is not None
    fam = r.amount(node, "family", f"{what}.family", nullable=True)
    embedded = r.boolean(node, "embedded", f"{what}.embedded", True)
    if fam is not None and fam < ind:
        raise r.bad(
            node,
            "family",
            f"{what}.family ({fam}) is less than the individual amount ({ind})",
            "check the SBC",
        )
    return Deductible(ind, fam, embedded)


def oop(r: Reader, parent: Mapping[str, Any], key: str, what: str) -> OopMax:
    node = parent.get(key)
    if node is None:
        return OopMax(None)
    node = r.map(parent, key, what)
    check_keys(node, ("individual", "family"), r.file, what)
    return OopMax(
        r.amount(node, "individual", f"{what}.individual", nullable=True),
        r.amount(node, "family", f"{what}.family", nullable=True),
    )


def benefit(r: Reader, benefits: Mapping[str, Any], name: str) -> Benefit:
    node = benefits[name]
    what = f"benefits.{name}"
    if not isinstance(node, Mapping):
        raise r.bad(benefits, name, f"{what} must be a mapping", f"write `{name}: {{coinsurance: 0.2}}`")
    check_keys(
        node,
        (
            "covered",
            "copay",
            "coinsurance",
            "deductible_applies",
            "visit_limit",
            "referral_required",
            "notes",
        ),
        r.file,
        what,
    )
    covered = r.boolean(node, "covered", f"{what}.covered", True)
    return Benefit(
        covered=covered,
        copay=r.amount(node, "copay", f"{what}.copay", nullable=True),
        coinsurance=r.rate(node, "coinsurance", f"{what}.coinsurance") if "coinsurance" in node else ZERO,
        deductible_applies=r.boolean(node, "deductible_applies", f"{what}.deductible_applies", True),
        visit_limit=r.count(node, "visit_limit", f"{what}.visit_limit"),
        referral_required=r.boolean(node, "referral_required", f"{what}.referral_required", False),
    )


def accumulators(r: Reader, top: Mapping[str, Any], medicare: bool) -> tuple[Accumulators, tuple[str, ...]]:
    node = top.get("accumulators")
    allowed = _MEDICARE_ACC_KEYS if medicare else _ACC_KEYS
    if node is None:
        return Accumulators(), ()
    node = r.map(top, "accumulators", "accumulators")
    check_keys(node, allowed, r.file, "accumulators")
    money: dict[str, Decimal] = {}
    for k in allowed:
        if k != "visits_used" and k in node:
            v = r.amount(node, k, f"accumulators.{k}")
            assert v is not None
            money[k] = v
    visits: dict[str, int] = {}
    if node.get("visits_used") is not None:
        vnode = r.map(node, "visits_used", "accumulators.visits_used")
        for b in vnode:
            if str(b) not in BENEFITS:
                raise r.bad(
                    vnode,
                    b,
                    f"unknown benefit category {b!r} in accumulators.visits_used",
                    suggest(str(b), values(BENEFITS)),
                )
            n = r.count(vnode, b, f"accumulators.visits_used.{b}")
            visits[str(b)] = n or 0
    return Accumulators(**money, visits_used=visits), tuple(str(k) for k in node)


def supplemental(r: Reader, top: Mapping[str, Any]) -> tuple[Supplemental, ...]:
    items = top.get("supplemental")
    if items is None:
        return ()
    if not isinstance(items, list):
        raise r.bad(
            top, "supplemental", "supplemental must be a list of policies", "write `supplemental: [{...}]`"
        )
    out: list[Supplemental] = []
    for i, node in enumerate(items):
        what = f"supplemental[{i}]"
        if not isinstance(node, Mapping):
            raise r.bad(items, i, f"{what} must be a mapping", "see docs/costs.md for the fields")
        check_keys(
            node,
            (
                "kind",
                "name",
                "per_admission",
                "per_day",
                "pays",
                "waiting_period_days",
                "effective",
                "accident_only",
            ),
            r.file,
            what,
        )
        kind = r.choice(node, "kind", f"{what}.kind", ("hospital_indemnity", "accident"))
        pays: dict[str, Decimal] = {}
        if node.get("pays") is not None:
            pnode = r.map(node, "pays", f"{what}.pays")
            for k in pnode:
                v = r.amount(pnode, k, f"{what}.pays.{k}")
                assert v is not None
                pays[str(k)] = v
        eff = node.get("effective")
        if eff is not None and not isinstance(eff, dt.date):
            try:
                eff = dt.date.fromisoformat(str(eff))
            except ValueError:
                raise r.bad(
                    node, "effective", f"{what}.effective is not a date", "write YYYY-MM-DD"
                ) from None
        out.append(
            Supplemental(
                kind=kind,
                name=str(node.get("name") or kind.replace("_", " ")),
                per_admission=r.amount(node, "per_admission", f"{what}.per_admission", nullable=True),
                per_day=r.amount(node, "per_day", f"{what}.per_day", nullable=True),
                pays=pays,
                waiting_period_days=r.count(node, "waiting_period_days", f"{what}.waiting_period_days") or 0,
                effective=eff,
                accident_only=r.boolean(node, "accident_only", f"{what}.accident_only", kind == "accident"),
            )
        )
    return tuple(out)


def coordination(r: Reader, top: Mapping[str, Any], kind: PlanKind) -> dict[str, Any]:
    """The plan-year start and the coordination-of-benefits fields (``plan_year_start``, ``qmb``,
    ``cob_method``)."""
    out: dict[str, Any] = {}
    start = top.get("plan_year_start")
    if start is not None:
        if isinstance(start, dt.datetime):
            start = start.date()
        if not isinstance(start, dt.date):
            try:
                start = dt.date.fromisoformat(str(start))
            except ValueError:
                raise r.bad(
                    top,
                    "plan_year_start",
                    f"plan_year_start {start!r} is not a date",
                    "write the first day of the current plan year, YYYY-MM-DD (the renewal date)",
                ) from None
        if kind is PlanKind.MEDICARE and (start.month, start.day) != (1, 1):
            raise r.bad(
                top,
                "plan_year_start",
                "Original Medicare's year is the calendar year",
                "remove `plan_year_start:` (or write January 1)",
            )
        out["plan_year_start"] = start
    if "qmb" in top:
        qmb = r.boolean(top, "qmb", "qmb", False)
        if qmb and kind is not PlanKind.MEDICAID:
            raise r.bad(
                top,
                "qmb",
                "qmb (Qualified Medicare Beneficiary) belongs on a Medicaid plan file",
                "put `qmb: true` in the Medicaid plan you give as --secondary",
            )
        out["qmb"] = qmb
    if "cob_method" in top:
        out["cob_method"] = r.choice(top, "cob_method", "cob_method", COB_METHODS)
    return out
