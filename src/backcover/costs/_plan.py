"""Plan files: read and check a health plan's cost sharing from YAML (the model is in ``_model``).

A plan file is written by a person from their Summary of Benefits and Coverage, or taken from the
built-in templates. Every problem is reported with the field, the line and a fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from backcover.costs import _plan_parts as parts
from backcover.costs._model import (
    BENEFITS,
    KINDS,
    MEDIGAP,
    NETWORK_TYPES,
    Benefit,
    Deductible,
    Hsa,
    OopMax,
    OutOfNetwork,
    Plan,
)
from backcover.costs._money import ZERO
from backcover.costs._program import medicare_amounts, program_amounts
from backcover.costs._reader import Reader
from backcover.costs._yaml import load_money_yaml, load_money_yaml_text
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import Payer, PlanKind, parse_plan_kind, payer_for_plan_kind, values
from backcover.yamlio import check_keys, line_of, suggest

__all__ = ["TOP_KEYS", "load_plan", "parse_plan", "parse_plan_data"]

TOP_KEYS = (
    "name",
    "kind",
    "network_type",
    "year",
    "deductible",
    "oop_max",
    "out_of_network",
    "benefits",
    "accumulators",
    "medigap",
    "hsa",
    "supplemental",
    "premium",
    "referrals_required",
    "example",
    "sources",
    "notes",
    "lines",
    "plan_year_start",
    "qmb",
    "cob_method",
)


def load_plan(path: Path | str, *, knowledge: Knowledge | None = None) -> Plan:
    """Read and check a plan file (Original Medicare's amounts come from ``knowledge``)."""
    p = Path(path)
    data = load_money_yaml(p)
    return parse_plan_data(data, str(p), knowledge=knowledge)


def parse_plan(text: str, file: str = "<plan>", *, knowledge: Knowledge | None = None) -> Plan:
    """Parse and check the YAML text of a plan file; BadInput names the field, the line and the fix."""
    return parse_plan_data(load_money_yaml_text(text, file), file, knowledge=knowledge)


def _kind(r: Reader, data: Mapping[str, Any]) -> PlanKind:
    """The plan kind; the vocabulary's aliases (``aca``, ``erisa``, ``ma``) are accepted."""
    names = values(KINDS)
    raw = data.get("kind")
    if raw is None:
        raise r.bad(data, None, "plan kind is missing", f"add `kind:` ({', '.join(names)})")
    text = str(raw)
    try:
        kind = parse_plan_kind(text)
    except BadInput:
        raise r.bad(data, "kind", f"unknown plan kind {text!r}", suggest(text, names)) from None
    if kind not in KINDS:
        raise r.bad(
            data,
            "kind",
            f"plan kind {text!r} is not a kind of plan file",
            f"write `kind: medicaid` for a Medicaid plan (valid: {', '.join(names)})",
        )
    return kind


def parse_plan_data(data: Any, file: str, *, knowledge: Knowledge | None = None) -> Plan:
    """Check parsed plan data (``file`` names it in messages); see :func:`parse_plan`."""
    r = Reader(file)
    if not isinstance(data, Mapping):
        raise BadInput(
            "a plan file must be a YAML mapping (name:, kind:, deductible:, ...)",
            "start from a template: backcover plan new --template ppo",
            file,
            "line 1",
        )
    check_keys(data, TOP_KEYS, file, "the plan")
    kind = _kind(r, data)
    medicare = kind is PlanKind.MEDICARE
    year = r.count(data, "year", "year") or int(program_amounts(knowledge)["default_plan_year"])
    raw_name = data.get("name")
    if isinstance(raw_name, Mapping | list):
        raise BadInput(
            "the plan's name must be text, not a list or mapping",
            "write it on one line, e.g. name: Acme Silver PPO",
            file,
            line_of(data, "name"),
        )
    name = str(raw_name or Path(file).stem)[:200]
    warnings: list[str] = []

    if medicare:
        for k in ("deductible", "oop_max", "out_of_network"):
            if k in data:
                raise r.bad(
                    data,
                    k,
                    f"Original Medicare has no {k} field: the program's own amounts for the year apply",
                    f"remove `{k}:`; set `year:` and `medigap:` instead",
                )
        amounts = medicare_amounts(year, knowledge)
        if amounts is None:
            years = ", ".join(str(y) for y in program_amounts(knowledge)["medicare"])
            raise r.bad(data, "year", f"backcover has no Medicare amounts for {year}", f"use one of: {years}")
        deductible = Deductible(amounts.part_b_deductible)
        oop = OopMax(None)
        oon = OutOfNetwork(False)
    else:
        amounts = None
        if "deductible" not in data or data.get("deductible") is None:
            if kind is PlanKind.UNINSURED:
                deductible = Deductible(ZERO)
            else:
                raise BadInput(
                    "the plan has no deductible",
                    "add `deductible: {individual: AMOUNT}` from the plan's Summary of Benefits and Coverage "
                    "(write 0 if the plan has none)",
                    file,
                    line_of(data, None),
                )
        else:
            deductible = parts.deductible(r, r.map(data, "deductible", "deductible"), "deductible")
        oop = parts.oop(r, data, "oop_max", "oop_max")
        if "oop_max" not in data and _needs_oop_max(kind):
            raise BadInput(
                "the plan has no out-of-pocket maximum",
                "add `oop_max: {individual: AMOUNT}` from the Summary of Benefits and Coverage "
                "(`individual: null` if it truly has none)",
                file,
                line_of(data, None),
            )
        onode = data.get("out_of_network")
        if onode is None:
            oon = OutOfNetwork(False)
        else:
            onode = r.map(data, "out_of_network", "out_of_network")
            check_keys(onode, ("covered", "deductible", "oop_max", "coinsurance"), file, "out_of_network")
            covered = r.boolean(onode, "covered", "out_of_network.covered", True)
            if covered:
                oded = (
                    parts.deductible(
                        r,
                        r.map(onode, "deductible", "out_of_network.deductible"),
                        "out_of_network.deductible",
                    )
                    if onode.get("deductible") is not None
                    else Deductible(ZERO)
                )
                if "coinsurance" not in onode:
                    raise r.bad(
                        onode,
                        None,
                        "out_of_network has no coinsurance",
                        "add `coinsurance: 0.4` (or your plan's rate)",
                    )
                oon = OutOfNetwork(
                    True,
                    oded,
                    parts.oop(r, onode, "oop_max", "out_of_network.oop_max"),
                    r.rate(onode, "coinsurance", "out_of_network.coinsurance"),
                )
            else:
                oon = OutOfNetwork(False)

    benefits: dict[str, Benefit] = {}
    if data.get("benefits") is not None:
        bnode = r.map(data, "benefits", "benefits")
        for b in bnode:
            if str(b) not in BENEFITS:
                raise r.bad(bnode, b, f"unknown benefit category {b!r}", suggest(str(b), values(BENEFITS)))
            benefits[str(b)] = parts.benefit(r, bnode, str(b))
    elif kind not in (PlanKind.MEDICARE, PlanKind.UNINSURED):
        raise BadInput(
            "the plan lists no benefits",
            "add `benefits:` with the cost sharing of each category (see backcover plan new --template ppo)",
            file,
            line_of(data, None),
        )

    accs, acc_fields = parts.accumulators(r, data, medicare)
    medigap = "none"
    if "medigap" in data:
        if not medicare:
            raise r.bad(
                data,
                "medigap",
                "medigap applies only to Original Medicare (kind: medicare)",
                "remove `medigap:`",
            )
        medigap = r.choice(data, "medigap", "medigap plan", MEDIGAP)

    hsa = None
    if data.get("hsa") is not None:
        hnode = data["hsa"]
        if hnode is True:
            hsa = Hsa()
        elif isinstance(hnode, Mapping):
            check_keys(hnode, ("balance", "coverage", "age_55_plus"), file, "hsa")
            hsa = Hsa(
                balance=r.amount(hnode, "balance", "hsa.balance", nullable=True),
                coverage=r.choice(hnode, "coverage", "hsa.coverage", ("self", "family"), "self"),
                age_55_plus=r.boolean(hnode, "age_55_plus", "hsa.age_55_plus", False),
            )
        elif hnode is not False:
            raise r.bad(data, "hsa", "hsa must be true, false or a mapping", "write `hsa: {balance: 1500}`")

    premium = None
    if data.get("premium") is not None:
        pnode = r.map(data, "premium", "premium")
        check_keys(pnode, ("monthly", "annual"), file, "premium")
        if "monthly" in pnode:
            premium = r.amount(pnode, "monthly", "premium.monthly")
        elif "annual" in pnode:
            annual = r.amount(pnode, "annual", "premium.annual")
            assert annual is not None
            premium = annual / 12

    plan = Plan(
        name=name,
        kind=kind,
        network_type=r.choice(
            data, "network_type", "network type", NETWORK_TYPES, "none" if medicare else None
        )
        if kind not in (PlanKind.MEDICARE, PlanKind.UNINSURED)
        else str(data.get("network_type") or "none"),
        year=year,
        deductible=deductible,
        oop_max=oop,
        out_of_network=oon,
        benefits=benefits,
        accumulators=accs,
        medigap=medigap,
        medicare=amounts,
        hsa=hsa,
        supplemental=parts.supplemental(r, data),
        premium_monthly=premium,
        referrals_required=r.boolean(data, "referrals_required", "referrals_required", False),
        example=r.boolean(data, "example", "example", False),
        file=file,
        accumulator_fields=acc_fields,
        **parts.coordination(r, data, kind),
    )
    warnings.extend(_sanity(plan, program_amounts(knowledge)))
    return Plan(**{**{f: getattr(plan, f) for f in plan.__dataclass_fields__}, "warnings": tuple(warnings)})


def _needs_oop_max(kind: PlanKind) -> bool:
    """Private plans and Medicare Advantage must state an in-network out-of-pocket maximum."""
    return payer_for_plan_kind(kind) in (Payer.COMMERCIAL, Payer.MEDICARE_ADVANTAGE)


def _sanity(plan: Plan, pa: Mapping[str, Any]) -> list[str]:
    """Warnings (not errors) when a plan's numbers go past the year's legal limits."""
    out: list[str] = []
    limits = pa["aca_oop_limit"].get(plan.year)
    ind = plan.oop_max.individual
    if plan.payer is Payer.COMMERCIAL and limits and ind is not None and ind > Decimal(limits["self"]):
        out.append(
            f"The in-network out-of-pocket maximum ({plan.oop_max.individual}) is above the ACA limit "
            f"for {plan.year} (${limits['self']} self-only); check the plan file."
        )
    hsa = pa["hsa"].get(plan.year)
    if plan.hsa is not None and hsa and plan.deductible.individual < Decimal(hsa["hdhp_min_deductible_self"]):
        out.append(
            f"An HSA needs a high-deductible plan: the {plan.year} minimum deductible is "
            f"${hsa['hdhp_min_deductible_self']} self-only, and this plan's is {plan.deductible.individual}."
        )
    return out
