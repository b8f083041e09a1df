"""The cost-sharing calculator: CONTRACTS.md section 2, line rules 1 to 6, in that order.

Pure: no I/O, no clock. Lines are applied in the order given; each line's amounts are rounded to
cents, half up, once, at the end of the line, and the running accumulators take the rounded amounts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from backcover.costs._guidance import add_guidance
from backcover.costs._lines import Line
from backcover.costs._model import Benefit, Deductible, OopMax, Plan
from backcover.costs._money import ZERO, cents, money, percent
from backcover.costs._nsa import nsa_protected
from backcover.costs._plan_year import PlanYears
from backcover.costs._program import never_waivable, program_amounts
from backcover.costs._result import Estimate, LineResult, State
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import PlanKind

__all__ = ["Estimate", "LineResult", "estimate"]


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


def _in_network(r: LineResult, plan: Plan, b: Benefit, s: State, amount: Decimal) -> None:
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


def _medicare(r: LineResult, plan: Plan, s: State, pa: Mapping[str, Any]) -> None:
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
        if line.opps_copay_cap and coins > m.part_a_deductible:
            coins = m.part_a_deductible
            r.notes.append(
                "Medicare caps the copayment for one hospital outpatient procedure at the inpatient "
                f"deductible (${m.part_a_deductible}, {m.year}; 42 CFR 419.41(c)(4)(i)): the cap is "
                "reached here."
            )
        if not line.participating:
            cap = m.limiting_charge_factor * allowed
            excess = max((cap if line.billed is None else min(line.billed, cap)) - allowed, ZERO)
            r.notes.append(
                "This clinician does not accept Medicare assignment: they may charge up to the limiting "
                "charge, "
                f"{percent(m.limiting_charge_factor)} of the approved amount (here up to {money(cap)})."
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
            copay = Decimal(pa["medigap"]["N"]["office_visit_copay_max"])
            extra = min(copay, coins) if line.benefit == "specialist_visit" else ZERO
            medigap_pays = coins - extra
            patient, excess_owed = d + extra, excess
            if extra:
                r.notes.append(
                    f"Medigap N leaves up to ${copay} of an office visit to you ({money(extra)} here)."
                )
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


def estimate(
    plan: Plan,
    lines: list[Line],
    *,
    service_date: dt.date | None = None,
    knowledge: Knowledge | None = None,
) -> Estimate:
    """Apply the plan's cost sharing to the lines, in order (CONTRACTS.md section 2).

    ``service_date`` (optional) lets the guidance say whether a supplemental policy's waiting period
    has passed. ``knowledge`` gives the program amounts and rules (default: the packaged ones).
    """
    pa = program_amounts(knowledge)
    waivable = never_waivable(knowledge)
    s = State.start(plan)
    years = PlanYears.start(plan, lines, knowledge)
    results: list[LineResult] = []
    for idx, line in enumerate(lines):
        r = LineResult(line=line, allowed=line.allowed)
        results.append(r)
        year_plan = years.enter(r, idx, s)
        if line.allowed is None and line.billed is None:
            r.notes.append(
                "No price is known for this line, so it is left out of the totals. Give one (from a Good "
                "Faith "
                "Estimate, your insurer's cost estimator or the fee schedule named for this line)."
            )
            continue
        if line.price_confidence:
            r.notes.append(f"Unconfirmed price: {line.price_confidence}.")
        if line.network == "unknown" and plan.kind not in (PlanKind.MEDICARE, PlanKind.UNINSURED):
            _both_ways(year_plan, s, r, idx, pa, waivable)
        else:
            _apply(year_plan, s, r, idx, pa, waivable)
    est = Estimate(plan=plan, lines=results, state=s)
    add_guidance(est, service_date, pa, waivable)
    if years.active:
        est.extras["plan_years"] = years.to_json(results, s)
    if any(line.is_range for line in lines):  # estimated prices: the same estimate at both ends
        est.low, est.high = (
            estimate(plan, [ln.bound(end) for ln in lines], service_date=service_date, knowledge=knowledge)
            for end in ("low", "high")
        )
    return est


def _owed(r: LineResult) -> Decimal:
    return (r.patient or ZERO) + (r.balance_bill or ZERO)


def _both_ways(
    plan: Plan, s: State, r: LineResult, idx: int, pa: Mapping[str, Any], never_waivable: frozenset[str]
) -> None:
    """``network: unknown``: price the line in and out of network; keep the worse (ties: out)."""
    ways: dict[str, tuple[LineResult, State]] = {}
    for net in ("in", "out"):
        st = s.copy()
        rr = LineResult(line=dataclasses.replace(r.line, network=net), allowed=r.allowed)
        _apply(plan, st, rr, idx, pa, never_waivable)
        ways[net] = (rr, st)
    worse = "in" if _owed(ways["in"][0]) > _owed(ways["out"][0]) else "out"
    kept, state = ways[worse]
    before = list(r.notes)
    for f in r.__dataclass_fields__:
        if f not in ("line", "notes", "plan_year"):
            setattr(r, f, getattr(kept, f))
    s.take(state)

    def summary(x: LineResult) -> dict[str, Any]:
        return {
            "patient": money(x.patient or ZERO),
            "plan": money(x.plan or ZERO),
            "balance_bill": money(x.balance_bill or ZERO),
            "patient_total": money(_owed(x)),
            "nsa_protected": x.nsa_protected,
            "covered": x.covered,
        }

    r.both_ways = {"in": summary(ways["in"][0]), "out": summary(ways["out"][0]), "worse": worse}
    r.notes = [
        *before,
        "Network status unknown: priced both ways. In network you would owe "
        f"{money(_owed(ways['in'][0]))}; out of network {money(_owed(ways['out'][0]))}. The totals take the "
        f"worse ({'in' if worse == 'in' else 'out of'} network). Ask the clinician and the plan before the "
        "care; do not assume in network.",
        *kept.notes,
    ]


def _apply(
    plan: Plan, s: State, r: LineResult, idx: int, pa: Mapping[str, Any], never_waivable: frozenset[str]
) -> None:
    line = r.line
    if r.allowed is None:
        r.allowed = line.billed
    assert r.allowed is not None
    b = plan.benefits.get(line.benefit)
    if b is None and plan.kind not in (PlanKind.MEDICARE, PlanKind.UNINSURED):
        raise BadInput(
            f"line {line.id!r}: the plan lists no cost sharing for the benefit {line.benefit!r}",
            f"add `{line.benefit}: {{...}}` under `benefits:` in the plan file, from its Summary of "
            "Benefits and "
            "Coverage (or `{covered: false}`)",
            plan.file,
            f"lines[{idx}]",
        )
    # Rule 1: not covered, or over the visit limit.
    if plan.kind is PlanKind.UNINSURED:
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
    if plan.kind is PlanKind.MEDICARE:
        _medicare(r, plan, s, pa)
        return
    assert b is not None
    if line.network == "in":
        _in_network(r, plan, b, s, r.allowed)
        r.plan = cents(r.allowed) - (r.patient or ZERO)
        r.balance_bill = ZERO
        return
    # Rule 4: the No Surprises Act, before rule 3.
    if plan.nsa_applies:
        protected, why = nsa_protected(line, never_waivable)
        if not protected:
            r.notes.append(why)
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
