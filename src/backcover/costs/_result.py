"""What an estimate holds: each line's result, the running accumulators, the totals and their JSON
(CONTRACTS.md section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backcover.costs._lines import Line
from backcover.costs._model import Plan
from backcover.costs._money import ZERO, money
from backcover.vocab import PlanKind

__all__ = ["Estimate", "LineResult", "State"]


@dataclass(slots=True)
class LineResult:
    """What one line costs, who pays it, and why."""

    line: Line
    allowed: Decimal | None
    patient: Decimal | None = None
    plan: Decimal | None = None
    balance_bill: Decimal | None = None
    nsa_protected: bool = False
    covered: bool = True
    deductible: Decimal = ZERO
    copay: Decimal = ZERO
    coinsurance: Decimal = ZERO
    medigap_pays: Decimal | None = None
    surprise_bill_risk: bool = False
    notes: list[str] = field(default_factory=list)
    # additive (issue 19): the line priced both ways when its network is unknown, each payer in
    # order with what is left to the person after it, and the plan year the line falls in
    both_ways: dict[str, Any] | None = None
    payers: list[dict[str, Any]] | None = None
    plan_year: str | None = None

    @property
    def price_known(self) -> bool:
        return self.patient is not None

    def to_json(self) -> dict[str, Any]:
        def m(v: Decimal | None) -> str | None:
            return None if v is None else money(v)

        out: dict[str, Any] = {
            "id": self.line.id,
            "allowed": m(self.allowed),
            "patient": m(self.patient),
            "plan": m(self.plan),
            "balance_bill": m(self.balance_bill),
            "nsa_protected": self.nsa_protected,
            "covered": self.covered,
            "notes": list(self.notes),
            "benefit": self.line.benefit,
            "code": self.line.code,
            "role": self.line.role,
            "network": self.line.network,
            "description": self.line.description,
            "price_source": self.line.price_source,
            "price_known": self.price_known,
            "price_confidence": self.line.price_confidence if self.price_known else None,
            "deductible": m(self.deductible) if self.price_known else None,
            "copay": m(self.copay) if self.price_known else None,
            "coinsurance": m(self.coinsurance) if self.price_known else None,
            "surprise_bill_risk": self.surprise_bill_risk,
        }
        if self.medigap_pays is not None:
            out["medigap_pays"] = money(self.medigap_pays)
        if self.line.network_source is not None:
            out["network_source"] = self.line.network_source.to_json()
        if self.both_ways is not None:
            out["both_ways"] = self.both_ways
        if self.payers is not None:
            out["payers"] = self.payers
        if self.line.date is not None:
            out["date"] = self.line.date.isoformat()
        if self.plan_year is not None:
            out["plan_year"] = self.plan_year
        return out


@dataclass(slots=True)
class State:
    ded: Decimal
    oop: Decimal
    fam_ded: Decimal
    fam_oop: Decimal
    oon_ded: Decimal
    oon_oop: Decimal
    part_b: Decimal
    part_a: Decimal
    visits: dict[str, int]

    @classmethod
    def start(cls, plan: Plan) -> State:
        a = plan.accumulators
        return cls(
            ded=a.deductible_met,
            oop=a.oop_met,
            fam_ded=max(a.family_deductible_met, a.deductible_met),
            fam_oop=max(a.family_oop_met, a.oop_met),
            oon_ded=a.oon_deductible_met,
            oon_oop=a.oon_oop_met,
            part_b=a.part_b_deductible_met,
            part_a=a.part_a_deductible_met,
            visits=dict(a.visits_used),
        )

    def copy(self) -> State:
        fields = {f: getattr(self, f) for f in self.__dataclass_fields__}
        return State(**{**fields, "visits": dict(self.visits)})

    def take(self, other: State) -> None:
        """Become ``other`` (the state of the branch an estimate keeps)."""
        for f in self.__dataclass_fields__:
            setattr(self, f, getattr(other, f))
        self.visits = dict(other.visits)


@dataclass(slots=True)
class Estimate:
    """The result of :func:`estimate`: lines, totals, accumulators after, and guidance."""

    plan: Plan
    lines: list[LineResult]
    state: State
    notes: list[str] = field(default_factory=list)
    guidance: dict[str, Any] = field(default_factory=dict)
    # additive top-level JSON (plan years, payer order, the secondary plan's accumulators)
    extras: dict[str, Any] = field(default_factory=dict)
    # the same estimate with every estimated price at the low / high end of its range
    low: Estimate | None = None
    high: Estimate | None = None

    def total(self, attr: str) -> Decimal:
        return sum((getattr(r, attr) or ZERO for r in self.lines), ZERO)

    @property
    def patient_total(self) -> Decimal:
        return self.total("patient") + self.total("balance_bill")

    @property
    def missing_prices(self) -> list[str]:
        return [r.line.id for r in self.lines if not r.price_known]

    def accumulators_after(self) -> dict[str, Any]:
        s, plan = self.state, self.plan
        visits = dict(s.visits)
        for name, b in plan.benefits.items():
            if b.visit_limit is not None:
                visits.setdefault(name, 0)
        if plan.kind is PlanKind.MEDICARE:
            return {
                "part_b_deductible_met": money(s.part_b),
                "part_a_deductible_met": money(s.part_a),
                "visits_used": visits,
            }
        return {
            "deductible_met": money(s.ded),
            "oop_met": money(s.oop),
            "visits_used": visits,
            "family_deductible_met": money(s.fam_ded),
            "family_oop_met": money(s.fam_oop),
            "oon_deductible_met": money(s.oon_ded),
            "oon_oop_met": money(s.oon_oop),
        }

    def oop_cap(self) -> dict[str, Any] | None:
        """The in-network out-of-pocket maximum and whether this estimate reaches it."""
        limit = self.plan.oop_max.individual
        if limit is None or self.plan.kind in (PlanKind.MEDICARE, PlanKind.UNINSURED):
            return None
        out: dict[str, Any] = {"limit": money(limit), "reached": self.state.oop >= limit}
        if self.high is not None:
            out["reached_at_high"] = self.high.state.oop >= limit
        return out

    def to_json(self) -> dict[str, Any]:
        out = self._json()
        if self.low is not None and self.high is not None:
            lo, hi = self.low._json(), self.high._json()
            for i, r in enumerate(self.lines):
                if r.line.is_range:
                    out["lines"][i]["range"] = {
                        "low": money(r.line.allowed_low or ZERO),
                        "high": money(r.line.allowed_high or ZERO),
                        "patient": {"low": lo["lines"][i]["patient"], "high": hi["lines"][i]["patient"]},
                    }
            out["totals"]["range"] = {
                "low": lo["totals"]["patient_total"],
                "high": hi["totals"]["patient_total"],
                "plan": {"low": lo["totals"]["plan"], "high": hi["totals"]["plan"]},
            }
        cap = self.oop_cap()
        if cap is not None:
            out["totals"]["out_of_pocket_max"] = cap
        for i, r in enumerate(self.lines):
            if r.line.group:
                out["lines"][i]["group"] = r.line.group
        return out

    def _json(self) -> dict[str, Any]:
        return {
            "plan": {
                "name": self.plan.name,
                "kind": str(self.plan.kind),
                "year": self.plan.year,
                "example": self.plan.example,
            },
            "lines": [r.to_json() for r in self.lines],
            "totals": {
                "patient": money(self.total("patient")),
                "plan": money(self.total("plan")),
                "balance_bill": money(self.total("balance_bill")),
                "patient_total": money(self.patient_total),
                "complete": not self.missing_prices,
                "missing_prices": self.missing_prices,
            },
            "accumulators_after": self.accumulators_after(),
            "notes": list(self.notes),
            "guidance": self.guidance,
            **self.extras,
        }
