"""The cost-sharing calculator: CONTRACTS.md section 2, line rules 1 to 6, in that order.

Pure: no I/O, no clock. Lines are applied in the order given; each line's amounts are rounded to
cents, half up, once, at the end of the line, and the running accumulators take the rounded amounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backcover.costs._lines import NEVER_WAIVABLE, Line
from backcover.costs._money import ZERO, cents, money
from backcover.costs._plan import Benefit, Deductible, OopMax, Plan
from backcover.errors import BadInput

__all__ = ["FACILITY_SETTINGS", "Estimate", "LineResult", "estimate"]

FACILITY_SETTINGS = frozenset({"hospital-outpatient", "asc", "inpatient"})
_TWENTY = Decimal("20")


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
        return out


@dataclass(slots=True)
class _State:
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
    def start(cls, plan: Plan) -> _State:
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


@dataclass(slots=True)
class Estimate:
    """The result of :func:`estimate`: lines, totals, accumulators after, and guidance."""

    plan: Plan
    lines: list[LineResult]
    state: _State
    notes: list[str] = field(default_factory=list)
    guidance: dict[str, Any] = field(default_factory=dict)

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
        if plan.kind == "medicare":
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

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": {
                "name": self.plan.name,
                "kind": self.plan.kind,
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
        }


# --- the rules -----------------------------------------------------------------------------------


def _left(limit: Decimal | None, met: Decimal) -> Decimal | None:
    return None if limit is None else max(limit - met, ZERO)


def _min_opt(*values: Decimal | None) -> Decimal | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _deductible_left(d: Deductible, met: Decimal, fam_met: Decimal | None) -> Decimal:
    if d.family is not None and fam_met is not None:
        fam_left = max(d.family - fam_met, ZERO)
        if not d.embedded:
            return fam_left  # aggregate: only the family's deductible counts
        return min(max(d.individual - met, ZERO), fam_left)
    return max(d.individual - met, ZERO)


def _oop_left(o: OopMax, met: Decimal, fam_met: Decimal | None) -> Decimal | None:
    return _min_opt(_left(o.individual, met), _left(o.family, fam_met) if fam_met is not None else None)


def _share(
    r: LineResult,
    amount: Decimal,
    ded_left: Decimal,
    copay: Decimal | None,
    coinsurance: Decimal,
    deductible_applies: bool,
    oop_left: Decimal | None,
) -> Decimal:
    """Deductible, then copay, then coinsurance, capped by what is left of the out-of-pocket maximum.

    Fills the line's patient share and its parts; returns the deductible portion paid.
    """
    d = min(amount, ded_left) if deductible_applies else ZERO
    rest = amount - d
    c = min(copay, rest) if copay is not None else ZERO
    rest -= c
    co = coinsurance * rest
    raw = d + c + co
    patient = raw if oop_left is None else min(raw, oop_left)
    if patient < raw:
        r.notes.append(
            f"The out-of-pocket maximum is reached on this line: you pay {money(patient)} instead of "
            f"{money(raw)}."
        )
    d_paid = cents(min(d, patient))
    c_paid = cents(min(c, patient - min(d, patient)))
    r.patient = cents(patient)
    r.deductible, r.copay = d_paid, c_paid
    r.coinsurance = r.patient - d_paid - c_paid
    return d_paid


def _not_covered(r: LineResult, why: str) -> None:
    amount = r.line.billed if r.line.billed is not None else r.line.allowed
    assert amount is not None
    r.covered = False
    r.patient, r.plan, r.balance_bill = cents(amount), ZERO, ZERO
    r.notes.append(why)


def _in_network(r: LineResult, plan: Plan, b: Benefit, s: _State, amount: Decimal) -> None:
    fam = plan.deductible.family is not None or plan.oop_max.family is not None
    d_paid = _share(
        r,
        amount,
        _deductible_left(plan.deductible, s.ded, s.fam_ded if fam else None),
        b.copay,
        b.coinsurance,
        b.deductible_applies,
        _oop_left(plan.oop_max, s.oop, s.fam_oop if fam else None),
    )
    assert r.patient is not None
    s.ded += d_paid
    s.fam_ded += d_paid
    s.oop += r.patient
    s.fam_oop += r.patient


def _nsa_protected(plan: Plan, line: Line) -> tuple[bool, str]:
    if line.emergency:
        return True, "Emergency care: the No Surprises Act protects it wherever it was given."
    if line.facility_network != "in" or line.setting not in FACILITY_SETTINGS:
        return False, ""
    if line.role in NEVER_WAIVABLE:
        return True, (
            f"Out-of-network {line.role.replace('_', ' ')} at an in-network facility: the No Surprises Act "
            "protects it, and this protection cannot be waived by any consent form."
        )
    if not line.consent_signed:
        return True, (
            "Out-of-network clinician at an in-network facility, with no signed notice-and-consent: the No "
            "Surprises Act protects it. Signing the consent form (CMS-10780) would give that protection up."
        )
    return False, ""


def _medicare(r: LineResult, plan: Plan, s: _State) -> None:
    m = plan.medicare
    assert m is not None and r.allowed is not None
    line, allowed = r.line, r.allowed
    medigap_pays = ZERO
    excess = ZERO
    if line.medicare_part == "A":
        d = min(allowed, max(m.part_a_deductible - s.part_a, ZERO))
        s.part_a += cents(d)
        coins = ZERO
        r.notes.append(
            f"Medicare Part A: the inpatient deductible for the benefit period (${m.part_a_deductible}, "
            f"{m.year}); "
            "days 61 and later of a stay have a daily coinsurance that is not counted here."
        )
        if plan.medigap in ("G", "N"):
            medigap_pays, patient = d, ZERO
        else:
            patient = d
    else:
        d = min(allowed, max(m.part_b_deductible - s.part_b, ZERO))
        s.part_b += cents(d)
        coins = m.part_b_coinsurance * (allowed - d)
        if not line.participating:
            cap = m.limiting_charge_factor * allowed
            excess = max((cap if line.billed is None else min(line.billed, cap)) - allowed, ZERO)
            r.notes.append(
                "This clinician does not accept Medicare assignment: they may charge up to the limiting "
                "charge, "
                f"115% of the approved amount (here up to {money(cap)})."
                + (
                    " No billed amount was given, so the full limiting charge is assumed."
                    if line.billed is None
                    else ""
                )
            )
        if plan.medigap == "G":
            medigap_pays = coins + excess
            patient, excess_owed = d, ZERO
        elif plan.medigap == "N":
            extra = min(_TWENTY, coins) if line.benefit == "specialist_visit" else ZERO
            medigap_pays = coins - extra
            patient, excess_owed = d + extra, excess
            if extra:
                r.notes.append(f"Medigap N leaves up to $20 of an office visit to you ({money(extra)} here).")
            if excess:
                r.notes.append("Medigap N does not pay excess charges above the Medicare-approved amount.")
        else:
            patient, excess_owed = d + coins, excess
        excess = excess_owed
    r.deductible = cents(d)
    r.patient = cents(patient)
    r.coinsurance = r.patient - r.deductible
    r.balance_bill = cents(excess)
    medicare_paid = allowed - d - coins
    if plan.medigap in ("G", "N"):
        r.medigap_pays = cents(medigap_pays)
        r.plan = cents(medicare_paid) + r.medigap_pays
    else:
        r.plan = cents(allowed) - r.patient
    r.surprise_bill_risk = r.balance_bill > 0


def estimate(plan: Plan, lines: list[Line], *, service_date: dt.date | None = None) -> Estimate:
    """Apply the plan's cost sharing to the lines, in order (CONTRACTS.md section 2).

    ``service_date`` (optional) lets the guidance say whether a supplemental policy's waiting period
    has passed.
    """
    s = _State.start(plan)
    results: list[LineResult] = []
    for idx, line in enumerate(lines):
        r = LineResult(line=line, allowed=line.allowed)
        results.append(r)
        if line.allowed is None and line.billed is None:
            r.notes.append(
                "No price is known for this line, so it is left out of the totals. Give one (from a Good "
                "Faith "
                "Estimate, your insurer's cost estimator or the fee schedule named in price_source)."
            )
            continue
        if line.price_confidence:
            r.notes.append(f"Unconfirmed price: {line.price_confidence}.")
        _apply(plan, s, r, idx)
    est = Estimate(plan=plan, lines=results, state=s)
    from backcover.costs._guidance import add_guidance

    add_guidance(est, service_date)
    return est


def _apply(plan: Plan, s: _State, r: LineResult, idx: int) -> None:
    line = r.line
    if r.allowed is None:
        r.allowed = line.billed
    assert r.allowed is not None
    b = plan.benefits.get(line.benefit)
    if b is None and plan.kind not in ("medicare", "uninsured"):
        raise BadInput(
            f"line {line.id!r}: the plan lists no cost sharing for the benefit {line.benefit!r}",
            f"add `{line.benefit}: {{...}}` under `benefits:` in the plan file, from its Summary of "
            "Benefits and "
            "Coverage (or `{covered: false}`)",
            plan.file,
            f"lines[{idx}]",
        )
    # Rule 1: not covered, or over the visit limit.
    if plan.kind == "uninsured":
        _not_covered(r, "No insurance: you pay this price yourself (see the Good Faith Estimate below).")
        return
    if b is not None and not b.covered:
        _not_covered(r, f"The plan does not cover {line.benefit.replace('_', ' ')}.")
        return
    if b is not None and b.visit_limit is not None:
        used = s.visits.get(line.benefit, 0)
        if used >= b.visit_limit:
            _not_covered(
                r, f"Over the visit limit ({b.visit_limit} a year for {line.benefit.replace('_', ' ')})."
            )
            return
        s.visits[line.benefit] = used + 1
    elif line.benefit in s.visits:
        s.visits[line.benefit] += 1
    # Rule 5: Original Medicare.
    if plan.kind == "medicare":
        _medicare(r, plan, s)
        return
    assert b is not None
    if line.network == "in":
        _in_network(r, plan, b, s, r.allowed)
        r.plan = cents(r.allowed) - (r.patient or ZERO)
        r.balance_bill = ZERO
        return
    # Rule 4: the No Surprises Act, before rule 3.
    if plan.nsa_applies:
        protected, why = _nsa_protected(plan, line)
        if protected:
            base = line.recognized_amount if line.recognized_amount is not None else r.allowed
            _in_network(r, plan, b, s, base)
            r.nsa_protected = True
            r.plan = max(cents(r.allowed) - (r.patient or ZERO), ZERO)
            r.balance_bill = ZERO
            r.notes.append(why)
            return
    # Rule 3: out of network.
    oon = plan.out_of_network
    if not oon.covered:
        _not_covered(
            r, "Out of network, and the plan has no out-of-network benefits: you pay the whole bill."
        )
        r.surprise_bill_risk = True
        return
    ded = oon.deductible or Deductible(ZERO)
    d_paid = _share(
        r,
        r.allowed,
        _deductible_left(ded, s.oon_ded, None),
        None,
        oon.coinsurance,
        True,
        _oop_left(oon.oop_max, s.oon_oop, None),
    )
    assert r.patient is not None
    s.oon_ded += d_paid
    s.oon_oop += r.patient
    r.plan = cents(r.allowed) - r.patient
    r.balance_bill = cents(max(line.billed - r.allowed, ZERO)) if line.billed is not None else ZERO
    r.surprise_bill_risk = True
    r.notes.append(
        "Out of network: the out-of-network deductible and coinsurance apply, and the provider may bill you "
        "the difference between their charge and the allowed amount (the balance bill), which counts "
        "toward no limit."
        + (
            " The charge is not known, so the balance bill could not be computed."
            if line.billed is None
            else ""
        )
    )
