"""What the estimate tells a person beyond the totals: surprise bills, the No Surprises Act, the
Good Faith Estimate, the HSA, and supplemental policies. Pure: reads only the estimate and the
program amounts it is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from backcover.costs._lines import FACILITY_SETTINGS
from backcover.costs._money import ZERO, money, percent
from backcover.costs._result import Estimate
from backcover.vocab import PlanKind

__all__ = ["add_guidance"]


def add_guidance(
    est: Estimate,
    service_date: dt.date | None,
    pa: Mapping[str, Any],
    never_waivable: frozenset[str],
) -> None:
    """Fill ``est.notes`` and ``est.guidance`` from the estimate and the program amounts ``pa``."""
    plan = est.plan
    notes = est.notes
    if plan.example:
        notes.append(
            "This plan is an illustrative example, not a real plan: replace its numbers with those of your "
            "own Summary of Benefits and Coverage (backcover plan new --template ... writes a copy to edit)."
        )
    notes.extend(plan.warnings)
    if plan.medicare is not None:
        m = plan.medicare
        notes.append(
            f"Original Medicare {m.year}: Part B deductible ${m.part_b_deductible}, then "
            f"{percent(m.part_b_coinsurance)} of the approved amount "
            f"to each provider; Part A inpatient deductible ${m.part_a_deductible} per benefit period. "
            f"Source: {m.source}."
        )
        if plan.medigap != "none":
            notes.append(
                f"Medigap plan {plan.medigap} pays the rest as described in CONTRACTS rule 5 (its premium "
                "is separate)."
            )
        else:
            notes.append("Original Medicare alone has no out-of-pocket maximum.")
    referral = sorted(
        {
            r.line.benefit
            for r in est.lines
            if (b := plan.benefits.get(r.line.benefit)) is not None and b.referral_required and b.covered
        }
    )
    if referral:
        notes.append(
            "This plan needs a referral (usually from your primary care doctor) before: "
            + ", ".join(x.replace("_", " ") for x in referral)
            + ". Without one it may pay nothing; get it before the first visit."
        )
    if plan.medicare is not None:
        therapy = sum((r.allowed or ZERO for r in est.lines if r.line.benefit == "rehabilitation"), ZERO)
        kx = pa["medicare"].get(plan.year, {}).get("kx_threshold_therapy")
        if therapy and kx:
            notes.append(
                f"Medicare therapy: above ${kx} of physical and speech therapy in {plan.year} "
                f"(the KX threshold; {pa['medicare'][plan.year]['kx_threshold_confidence']}) the therapist "
                "must confirm on each claim that the care is still medically necessary. This estimate has "
                f"{money(therapy)} of therapy."
            )
    if est.missing_prices:
        notes.append(
            f"{len(est.missing_prices)} line(s) have no known price and are not in the totals: "
            f"{', '.join(est.missing_prices)}. The totals are incomplete until you give those prices."
        )
    g: dict[str, Any] = {}
    g["surprise_bills"] = _surprise(est, never_waivable)
    g["no_surprises_act"] = _nsa(est, pa, never_waivable)
    g["good_faith_estimate"] = _gfe(est, pa)
    g["hsa"] = _hsa(est, pa)
    g["supplemental"] = _supplemental(est, service_date)
    est.guidance = g


def _surprise(est: Estimate, never_waivable: frozenset[str]) -> list[dict[str, str]]:
    out = []
    for r in est.lines:
        line = r.line
        why = ""
        if r.surprise_bill_risk and (r.balance_bill or ZERO) > 0:
            why = f"a balance bill of {money(r.balance_bill or ZERO)} on top of your cost sharing"
        elif r.surprise_bill_risk:
            why = "out of network and not protected: you may owe the provider's full charge"
        elif (
            est.plan.kind is PlanKind.MEDICARE
            and line.participating
            and line.role in ("anesthesia", "surgeon", "assistant_surgeon")
        ):
            why = ""
        elif line.network == "in" and line.role in never_waivable and line.setting in FACILITY_SETTINGS:
            if est.plan.nsa_applies:
                why = (
                    f"the {line.role.replace('_', ' ')} group is often not in the same networks as the "
                    "facility; at an "
                    "in-network facility the No Surprises Act still limits you to in-network cost sharing"
                )
            else:
                role = line.role.replace("_", " ")
                why = f"check that the {role} group is in network (or accepts Medicare assignment)"
        elif (
            line.network == "in"
            and line.setting in FACILITY_SETTINGS
            and line.facility_network is None
            and line.role != "facility"
        ):
            why = "check that the facility itself is in network: the protections depend on it"
        if why:
            out.append({"id": line.id, "why": why})
    return out


def _nsa(est: Estimate, pa: Mapping[str, Any], never_waivable: frozenset[str]) -> dict[str, Any]:
    plan = est.plan
    src = pa["no_surprises_act"]
    hours, same_day = src["consent_notice_hours"], src["consent_notice_hours_same_day"]
    if plan.kind is PlanKind.UNINSURED:
        return {
            "applies": False,
            "why": "No insurance: the No Surprises Act's Good Faith Estimate rules below protect you.",
        }
    if not plan.nsa_applies:
        return {
            "applies": False,
            "why": (
                "The No Surprises Act's balance-billing protections cover private plans (employer and "
                "marketplace); "
                "Medicare, Medicaid and Medicare Advantage have their own limits on what providers may bill."
            ),
        }
    protected = [r.line.id for r in est.lines if r.nsa_protected]
    do_not_sign: list[dict[str, str]] = []
    not_protected: list[dict[str, str]] = []
    for r in est.lines:
        line = r.line
        # a line of unknown network counts as out of network when that is the worse case it was priced at
        worse_out = r.both_ways is not None and r.both_ways["worse"] == "out"
        unprotected_oon = (line.network == "out" or worse_out) and not r.nsa_protected
        if line.setting not in FACILITY_SETTINGS or line.role == "facility":
            if unprotected_oon:
                why = (
                    "an out-of-network facility is not protected outside an emergency; choose one in network"
                    if line.role == "facility"
                    else "the No Surprises Act does not cover care in an office"
                )
                not_protected.append({"id": line.id, "why": why})
            continue
        if unprotected_oon and line.facility_network != "in":
            not_protected.append(
                {
                    "id": line.id,
                    "why": "the facility is not known to be in network, so nothing protects this bill",
                }
            )
        elif unprotected_oon and line.consent_signed:
            not_protected.append({"id": line.id, "why": "a signed notice-and-consent gave up the protection"})
        if line.role == "neuromonitoring":
            do_not_sign.append(
                {
                    "id": line.id,
                    "advice": "Whether intraoperative neuromonitoring is an ancillary service whose "
                    "protection can never be waived is unconfirmed; ask for an in-network monitoring group "
                    "rather than sign a consent form for it.",
                }
            )
        elif line.role in never_waivable:
            do_not_sign.append(
                {
                    "id": line.id,
                    "advice": f"Do not sign a consent form for {line.role.replace('_', ' ')}: this "
                    "protection cannot be waived, and a form asking you to waive it is not valid.",
                }
            )
        elif line.consent_signed and line.network == "out":
            do_not_sign.append(
                {
                    "id": line.id,
                    "advice": "A notice-and-consent was signed, so this out-of-network bill is not "
                    f"protected. If it was given less than {hours} hours before ({same_day} hours for "
                    "same-day care), it is not valid: say so to the plan.",
                }
            )
        else:
            do_not_sign.append(
                {
                    "id": line.id,
                    "advice": "If you are asked to sign a notice-and-consent (CMS-10780) for this clinician, "
                    "you may refuse: signing lets an out-of-network clinician bill you more. Ask for an "
                    "in-network clinician instead.",
                }
            )
    return {
        "applies": True,
        "protected": protected,
        "consent": do_not_sign,
        "not_protected": not_protected,
        "consent_form": src["consent_form"],
        "source": src["source"],
    }


def _gfe(est: Estimate, pa: Mapping[str, Any]) -> dict[str, Any] | None:
    g = pa["good_faith_estimate"]
    due = g["due_business_days"]
    threshold = Decimal(g["dispute_threshold"])
    disputes = []
    for r in est.lines:
        gfe, billed = r.line.good_faith_estimate, r.line.billed
        if gfe is not None and billed is not None and billed - gfe >= threshold:
            disputes.append(
                {
                    "id": r.line.id,
                    "over_by": money(billed - gfe),
                    "advice": f"The bill is {money(billed - gfe)} over the Good Faith Estimate "
                    f"(${threshold} or more): "
                    f"you can start patient-provider dispute resolution within {g['dispute_window_days']} "
                    "days of the bill; the provider may not send it to collections while it is open.",
                }
            )
    if est.plan.kind is not PlanKind.UNINSURED and not disputes:
        return None
    return {
        "right": (
            "Uninsured or paying yourself (not billing insurance): you have a right to a Good Faith "
            "Estimate. "
            f"Booked 3+ business days ahead: within {_days(due['booked_3_days_ahead'])}; booked 10+ "
            "business days ahead, or on request: "
            f"within {_days(due['booked_10_days_ahead'])}."
        ),
        "dispute_rule": (
            f"If a provider's bill is ${threshold} or more over its Good Faith Estimate, you can dispute it "
            f"within {g['dispute_window_days']} days of the bill. Keep the estimate. (The amount of "
            "the dispute fee is not confirmed by backcover.)"
        ),
        "disputes": disputes,
        "source": g["source"],
    }


def _days(n: int) -> str:
    return f"{n} business day" + ("" if n == 1 else "s")


def _hsa(est: Estimate, pa: Mapping[str, Any]) -> dict[str, Any] | None:
    hsa = est.plan.hsa
    if hsa is None:
        return None
    limits = pa["hsa"].get(est.plan.year) or {}
    total = est.patient_total
    limit = (
        Decimal(limits["contribution_family" if hsa.coverage == "family" else "contribution_self"])
        if limits
        else None
    )
    if limit is not None and hsa.age_55_plus:
        limit += Decimal(limits["catch_up_55"])
    covers = total if hsa.balance is None else min(total, hsa.balance)
    return {
        "balance": None if hsa.balance is None else money(hsa.balance),
        "can_cover": money(covers),
        "left_to_pay": money(total - covers),
        "contribution_limit": None if limit is None else money(limit),
        "explanation": (
            "Your HSA can pay this care's cost sharing and bills tax-free (they are qualified medical "
            "expenses)"
            + (
                (
                    f"; your balance of ${money(hsa.balance)} covers ${money(covers)} of ${money(total)}."
                    if hsa.balance > 0
                    else f"; the plan file gives an HSA balance of $0.00, so none of the ${money(total)} yet"
                    " (set your balance in the plan file's hsa section)."
                )
                if hsa.balance is not None
                else f"; up to ${money(total)}, as far as your balance goes."
            )
            + (
                f" You can contribute up to {money(limit)} for {est.plan.year} ({hsa.coverage} coverage"
                + (", with the age-55 catch-up" if hsa.age_55_plus else "")
                + ")."
                if limit is not None
                else ""
            )
        ),
        "source": limits.get("source"),
    }


def _supplemental(est: Estimate, service_date: dt.date | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    inpatient = [r for r in est.lines if r.line.setting == "inpatient" or r.line.medicare_part == "A"]
    for pol in est.plan.supplemental:
        pays = ZERO
        parts: list[str] = []
        if pol.kind == "hospital_indemnity":
            if inpatient:
                if pol.per_admission:
                    pays += pol.per_admission
                    parts.append(f"{money(pol.per_admission)} for the admission")
                days = max((r.line.days or 0) for r in inpatient)
                if pol.per_day:
                    if days:
                        pays += pol.per_day * days
                        parts.append(f"{money(pol.per_day)} a day for {days} day(s)")
                    else:
                        parts.append(
                            f"{money(pol.per_day)} for each day in hospital (the number of days is not known)"
                        )
            else:
                parts.append(
                    "nothing: the episode has no hospital admission (outpatient care is usually not paid)"
                )
        else:
            for r in est.lines:
                amount = pol.pays.get(r.line.benefit) or (
                    pol.pays.get(r.line.code or "") if r.line.code else None
                )
                if amount:
                    pays += amount
                    parts.append(f"{money(amount)} for {r.line.id}")
            if not parts:
                parts.append("nothing listed in the policy matches this care")
        conditions: list[str] = []
        if pol.accident_only:
            conditions.append(
                "only if the back problem came from an accident (an injury), not from illness or wear; a "
                "disc that "
                "herniated without an injury is usually not covered"
            )
        waiting_ok: bool | None = None
        if pol.waiting_period_days:
            if pol.effective is not None and service_date is not None:
                first = pol.effective + dt.timedelta(days=pol.waiting_period_days)
                waiting_ok = service_date >= first
                conditions.append(
                    f"the waiting period of {pol.waiting_period_days} days ends on {first.isoformat()}"
                    + ("" if waiting_ok else ": this service falls inside it, so the policy pays nothing")
                )
            else:
                conditions.append(
                    f"only for care after its {pol.waiting_period_days}-day waiting period from the "
                    "policy's start"
                )
        if waiting_ok is False:
            pays = ZERO
        out.append(
            {
                "name": pol.name,
                "kind": pol.kind,
                "pays": money(pays),
                "explanation": "; ".join(parts),
                "conditions": conditions,
                "note": "A supplemental policy pays you, not the provider; it does not lower the bills.",
            }
        )
    return out
