"""Who pays first: coordination of benefits across an injury payer, the primary and a secondary plan.

Pure. Each health plan prices the lines as if it were the only plan (CONTRACTS.md section 2's rules,
with its own accumulators: the NAIC model has the secondary credit its deductible with what it would
have credited as primary). Then, line by line, in payer order:

1. workers' compensation (``injury: work`` lines, an accepted claim) pays the whole allowed amount and
   no health plan is billed; auto insurance (``injury: auto``) pays first up to its limit;
2. the primary plan pays its benefit (or, after an auto payer, as a secondary plan would);
3. a secondary plan pays what it would have paid as primary, but not more than the person's
   remaining share (the standard method; ``cob_method: non_duplication`` pays that benefit minus
   what was already paid);
4. a Qualified Medicare Beneficiary (``qmb: true`` on the Medicaid plan, after Medicare) owes nothing
   of Medicare's cost sharing: what is left is written off.

The sources are in ``coordination.yaml`` of the knowledge. Lines with one payer are unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backcover.costs._calc import estimate
from backcover.costs._lines import Line
from backcover.costs._model import Plan
from backcover.costs._money import ZERO, cents, money
from backcover.costs._reader import Reader
from backcover.costs._result import Estimate, LineResult
from backcover.costs._yaml import plain
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import PlanKind
from backcover.yamlio import check_keys, load_yaml

__all__ = ["InjuryCoverage", "coordinate", "parse_injury_coverage"]

INJURY_KINDS = ("workers_comp", "auto")
CLAIMS = ("accepted", "pending", "denied")


@dataclass(frozen=True, slots=True)
class InjuryCoverage:
    """Workers' compensation, or auto insurance (PIP / MedPay), for an injury at work or in a crash."""

    kind: str
    name: str
    claim: str = "accepted"
    deductible: Decimal = ZERO
    coinsurance: Decimal = ZERO  # the person's share after the deductible (auto)
    limit: Decimal | None = None  # auto: what the policy pays at most
    limit_used: Decimal = ZERO

    @property
    def covers(self) -> str:
        return "work" if self.kind == "workers_comp" else "auto"

    @property
    def pays_all(self) -> bool:
        return self.kind == "workers_comp" and self.claim == "accepted"


def parse_injury_coverage(data: Any, file: str) -> InjuryCoverage:
    """Read ``{kind: workers_comp|auto, name, claim, deductible, coinsurance, limit, limit_used}``."""
    r = Reader(file)
    if not isinstance(data, Mapping):
        raise BadInput(
            "the injury coverage must be a mapping", "write `kind: workers_comp` and `name: ...`", file
        )
    check_keys(
        data, ("kind", "name", "claim", "deductible", "coinsurance", "limit", "limit_used"), file, "it"
    )
    kind = r.choice(data, "kind", "injury coverage kind", INJURY_KINDS)
    if kind == "workers_comp" and any(k in data for k in ("limit", "deductible", "coinsurance")):
        raise r.bad(
            data,
            None,
            "workers' compensation has no deductible, coinsurance or limit for the worker",
            "remove them, or write `kind: auto`",
        )
    return InjuryCoverage(
        kind=kind,
        name=str(
            data.get("name") or ("workers' compensation" if kind == "workers_comp" else "auto insurance")
        ),
        claim=r.choice(data, "claim", "claim status", CLAIMS, "accepted"),
        deductible=r.amount(data, "deductible", "deductible", nullable=True) or ZERO,
        coinsurance=r.rate(data, "coinsurance", "coinsurance") if "coinsurance" in data else ZERO,
        limit=r.amount(data, "limit", "limit", nullable=True),
        limit_used=r.amount(data, "limit_used", "limit_used", nullable=True) or ZERO,
    )


def _build_rules(kb: Knowledge) -> dict[str, Any]:
    data: dict[str, Any] = plain(load_yaml(kb.file("coordination.yaml")))
    return data


def _rules(knowledge: Knowledge | None) -> dict[str, Any]:
    return (knowledge or Knowledge.packaged()).cached("costs-coordination", _build_rules)


@dataclass(slots=True)
class _Auto:
    cov: InjuryCoverage
    ded_used: Decimal = ZERO
    paid: Decimal = ZERO

    def pays(self, base: Decimal) -> Decimal:
        d = min(base, max(self.cov.deductible - self.ded_used, ZERO))
        self.ded_used += d
        p = cents((base - d) * (1 - self.cov.coinsurance))
        if self.cov.limit is not None:
            p = min(p, max(self.cov.limit - self.cov.limit_used - self.paid, ZERO))
        self.paid += p
        return p


def _step(
    order: int, name: str, kind: str, method: str, normal: Decimal | None, pays: Decimal, left: Decimal
) -> dict[str, Any]:
    return {
        "order": order,
        "payer": name,
        "kind": kind,
        "method": method,
        "would_pay_alone": None if normal is None else money(normal),
        "pays": money(pays),
        "you_owe_after": money(left),
    }


def _order(
    plan: Plan, secondary: Plan | None, injury: InjuryCoverage | None, rules: Mapping[str, Any]
) -> list[dict[str, str]]:
    o = rules["order"]
    out: list[dict[str, str]] = []
    if injury is not None:
        basis = o["workers_comp"] if injury.kind == "workers_comp" else o["auto"]
        conf = o["workers_comp_confidence"] if injury.kind == "workers_comp" else o["auto_confidence"]
        out.append(
            {
                "payer": injury.name,
                "kind": injury.kind,
                "for": f"injury: {injury.covers} lines",
                "basis": basis,
                "confidence": conf,
            }
        )
    out.append(
        {
            "payer": plan.name,
            "kind": str(plan.kind),
            "for": "all other lines" if injury else "all lines",
            "basis": "primary plan (--plan)",
        }
    )
    if secondary is not None:
        if secondary.kind is PlanKind.MEDICAID:
            basis = o["medicaid_last"]
        elif plan.kind is PlanKind.MEDICARE:
            basis = o["medicare_retiree"]
        else:
            basis = o["dependent"]
        out.append(
            {
                "payer": secondary.name,
                "kind": str(secondary.kind),
                "for": "what the primary plan leaves",
                "basis": basis,
            }
        )
    return out


def coordinate(
    plan: Plan,
    lines: list[Line],
    *,
    secondary: Plan | None = None,
    injury: InjuryCoverage | None = None,
    service_date: dt.date | None = None,
    knowledge: Knowledge | None = None,
) -> Estimate:
    """The estimate with every payer in order; with one payer it is :func:`estimate` itself."""
    if secondary is None and injury is None:
        est = estimate(plan, lines, service_date=service_date, knowledge=knowledge)
        hurt = sorted({ln.injury for ln in lines if ln.injury is not None})
        if hurt:
            est.notes.append(
                f"Some lines are for an injury ({', '.join(hurt)}): workers' compensation or auto insurance "
                "usually pays them first. Give that coverage (--injury-coverage) to see who pays."
            )
        return est
    rules = _rules(knowledge)
    health = [ln for ln in lines if not (injury is not None and injury.pays_all and ln.injury == "work")]
    prim = estimate(plan, health, service_date=service_date, knowledge=knowledge)
    sec = estimate(secondary, health, service_date=service_date, knowledge=knowledge) if secondary else None
    by_id = {r.line.id: r for r in prim.lines}
    sec_by_id = {r.line.id: r for r in sec.lines} if sec else {}
    auto = _Auto(injury) if injury is not None and injury.kind == "auto" else None
    qmb = secondary is not None and secondary.qmb and plan.kind is PlanKind.MEDICARE
    results: list[LineResult] = []
    for line in lines:
        if line.id not in by_id:
            assert injury is not None
            results.append(_workers_comp(line, injury, rules))
            continue
        r = by_id[line.id]
        if not r.price_known:
            results.append(r)
            continue
        results.append(_line(r, plan, secondary, sec_by_id.get(line.id), injury, auto, qmb, rules))
    est = Estimate(plan=plan, lines=results, state=prim.state, notes=list(prim.notes), guidance=prim.guidance)
    est.extras.update(prim.extras)
    by_result = {r.line.id: r for r in results}
    for year in est.extras.get("plan_years", []):
        year["patient_total"] = money(
            sum(
                ((by_result[i].patient or ZERO) + (by_result[i].balance_bill or ZERO) for i in year["lines"]),
                ZERO,
            )
        )
    est.extras["payer_order"] = _order(plan, secondary, injury, rules)
    method = secondary.cob_method if secondary is not None else plan.cob_method
    est.extras["coordination"] = {"method": method, **rules["cob_methods"][method]}
    if qmb:
        est.extras["coordination"]["qmb"] = rules["qmb"]
    if sec is not None:
        est.extras["secondary"] = {
            "plan": {"name": sec.plan.name, "kind": str(sec.plan.kind)},
            "accumulators_after": sec.accumulators_after(),
        }
        if "plan_years" in sec.extras:
            est.extras["secondary"]["plan_years"] = sec.extras["plan_years"]
    return est


def _workers_comp(line: Line, injury: InjuryCoverage, rules: Mapping[str, Any]) -> LineResult:
    allowed = line.allowed if line.allowed is not None else line.billed
    assert allowed is not None
    r = LineResult(line=line, allowed=allowed, patient=ZERO, plan=cents(allowed), balance_bill=ZERO)
    r.payers = [_step(1, injury.name, "workers_comp", "primary", cents(allowed), cents(allowed), ZERO)]
    r.notes.append(
        f"A work injury: billed to {injury.name} (workers' compensation, claim accepted), which pays the "
        "allowed amount; the health plan is not billed and nothing counts toward its deductible. "
        f"{rules['order']['workers_comp_confidence'].capitalize()}."
    )
    return r


def _line(
    r: LineResult,
    plan: Plan,
    secondary: Plan | None,
    sr: LineResult | None,
    injury: InjuryCoverage | None,
    auto: _Auto | None,
    qmb: bool,
    rules: Mapping[str, Any],
) -> LineResult:
    assert r.patient is not None and r.plan is not None
    base = r.patient + r.plan  # the allowable expense (the charge when the plan covers nothing)
    bb = r.balance_bill or ZERO
    steps: list[dict[str, Any]] = []
    notes: list[str] = []
    owed, paid = base, ZERO
    line = r.line
    if injury is not None and line.injury == injury.covers and injury.kind == "workers_comp":
        notes.append(
            f"A work injury, but the {injury.name} claim is {injury.claim}: priced through the health plan. "
            + (
                "If the claim is accepted, workers' compensation pays it all."
                if injury.claim == "pending"
                else "Appeal the denial with the state workers' compensation board."
            )
        )
    if auto is not None and line.injury == "auto":
        a = auto.pays(base)
        owed, paid = owed - a, paid + a
        steps.append(_step(1, auto.cov.name, "auto", "primary", a, a, owed + bb))
        notes.append(f"A crash injury: {auto.cov.name} pays {money(a)} first.")
    payers: list[tuple[Plan, LineResult]] = [(plan, r)] + (
        [(secondary, sr)] if secondary is not None and sr is not None else []
    )
    for who, res in payers:
        normal = res.plan or ZERO
        if not steps:
            pays, method = min(normal, owed), "primary"
        elif who.cob_method == "non_duplication":
            pays, method = min(max(normal - paid, ZERO), owed), "non_duplication"
        else:
            pays, method = min(normal, owed), "standard"
        owed, paid = owed - pays, paid + pays
        steps.append(_step(len(steps) + 1, who.name, str(who.kind), method, normal, pays, owed + bb))
        if method != "primary":
            notes.append(
                f"{who.name} pays second ({method.replace('_', '-')} method): alone it would pay "
                f"{money(normal)}; it pays {money(pays)}, not more than what was left to you."
            )
    if qmb and (owed or bb):
        notes.append(
            f"Qualified Medicare Beneficiary: the {money(owed + bb)} left is Medicare cost sharing you do "
            "not owe; the provider must take Medicare's and Medicaid's payments as payment in full "
            "(42 U.S.C. 1396a(n)(3)(B))."
        )
        steps.append(
            {
                **_step(len(steps) + 1, "QMB protection", "qmb", "qmb", None, ZERO, ZERO),
                "written_off": money(owed + bb),
            }
        )
        owed, bb = ZERO, ZERO
    out = dataclasses.replace(
        r, notes=[*r.notes, *notes], patient=cents(owed), plan=cents(paid), balance_bill=bb
    )
    out.payers = steps
    return out
