"""Plan files: the model of a health plan's cost sharing, read and checked from YAML.

A plan file is written by a person from their Summary of Benefits and Coverage, or taken from the
built-in templates. Every problem is reported with the field, the line and a fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from backcover.costs._money import ZERO, to_decimal
from backcover.costs._yaml import load_money_yaml, load_money_yaml_text
from backcover.errors import BadInput
from backcover.knowledge import KNOWLEDGE_DIR
from backcover.yamlio import check_keys, line_of, load_yaml, suggest

__all__ = [
    "BENEFITS",
    "KINDS",
    "Accumulators",
    "Benefit",
    "Deductible",
    "Hsa",
    "MedicareAmounts",
    "OopMax",
    "OutOfNetwork",
    "Plan",
    "Supplemental",
    "load_plan",
    "parse_plan",
    "parse_plan_data",
    "program_amounts",
]

KINDS: tuple[str, ...] = (
    "commercial",
    "marketplace",
    "medicare",
    "medicare-advantage",
    "medicaid",
    "uninsured",
)
NETWORK_TYPES: tuple[str, ...] = ("ppo", "hmo", "epo", "pos", "none")
MEDIGAP: tuple[str, ...] = ("G", "N", "none")

# The fixed vocabulary of benefit categories (CONTRACTS.md section 2, plus the procedure catalog's).
BENEFITS: tuple[str, ...] = (
    "primary_care_visit",
    "specialist_visit",
    "emergency_room",
    "imaging_basic",
    "imaging_advanced",
    "diagnostic_test",
    "lab",
    "outpatient_facility",
    "outpatient_physician",
    "inpatient_facility",
    "inpatient_physician",
    "anesthesia",
    "rehabilitation",
    "chiropractic",
    "acupuncture",
    "massage",
    "durable_medical_equipment",
    "prescription_drugs",
)

_TOP_KEYS = (
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
)
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


@dataclass(frozen=True, slots=True)
class Benefit:
    """In-network cost sharing for one benefit category."""

    covered: bool = True
    copay: Decimal | None = None
    coinsurance: Decimal = ZERO
    deductible_applies: bool = True
    visit_limit: int | None = None
    referral_required: bool = False


@dataclass(frozen=True, slots=True)
class Deductible:
    individual: Decimal
    family: Decimal | None = None
    embedded: bool = True


@dataclass(frozen=True, slots=True)
class OopMax:
    """Out-of-pocket maximum; ``None`` means no limit."""

    individual: Decimal | None
    family: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OutOfNetwork:
    covered: bool
    deductible: Deductible | None = None
    oop_max: OopMax = OopMax(None)
    coinsurance: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Accumulators:
    """What has been met so far this plan year (money exact, as written)."""

    deductible_met: Decimal = ZERO
    oop_met: Decimal = ZERO
    family_deductible_met: Decimal = ZERO
    family_oop_met: Decimal = ZERO
    oon_deductible_met: Decimal = ZERO
    oon_oop_met: Decimal = ZERO
    part_b_deductible_met: Decimal = ZERO
    part_a_deductible_met: Decimal = ZERO
    visits_used: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MedicareAmounts:
    """Original Medicare's own amounts for a year, with their source."""

    year: int
    part_b_deductible: Decimal
    part_a_deductible: Decimal
    part_b_coinsurance: Decimal
    limiting_charge_factor: Decimal
    part_b_premium_monthly: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class Hsa:
    """A health savings account paired with a high-deductible plan."""

    balance: Decimal | None = None
    coverage: str = "self"
    age_55_plus: bool = False


@dataclass(frozen=True, slots=True)
class Supplemental:
    """A supplemental policy: a hospital-indemnity lump sum or an accident policy."""

    kind: str
    name: str
    per_admission: Decimal | None = None
    per_day: Decimal | None = None
    pays: Mapping[str, Decimal] = field(default_factory=dict)
    waiting_period_days: int = 0
    effective: dt.date | None = None
    accident_only: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    kind: str
    network_type: str
    year: int
    deductible: Deductible
    oop_max: OopMax
    out_of_network: OutOfNetwork
    benefits: Mapping[str, Benefit]
    accumulators: Accumulators
    medigap: str = "none"
    medicare: MedicareAmounts | None = None
    hsa: Hsa | None = None
    supplemental: tuple[Supplemental, ...] = ()
    premium_monthly: Decimal | None = None
    referrals_required: bool = False
    example: bool = False
    file: str = "<plan>"
    warnings: tuple[str, ...] = ()
    accumulator_fields: tuple[str, ...] = ()

    @property
    def nsa_applies(self) -> bool:
        """The No Surprises Act's protections apply to private plans only (CONTRACTS rule 4)."""
        return self.kind in ("commercial", "marketplace")


@cache
def program_amounts() -> dict[str, Any]:
    """The program amounts file (Medicare, HSA, ACA limit, NSA and GFE sources), as plain data."""
    data = load_yaml(KNOWLEDGE_DIR / "plans" / "program-amounts.yaml")
    return _plain(data)  # type: ignore[no-any-return]


def _plain(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def medicare_amounts(year: int) -> MedicareAmounts | None:
    m = program_amounts()["medicare"].get(year)
    if m is None:
        return None
    return MedicareAmounts(
        year=year,
        part_b_deductible=Decimal(m["part_b_deductible"]),
        part_a_deductible=Decimal(m["part_a_deductible"]),
        part_b_coinsurance=Decimal(m["part_b_coinsurance"]),
        limiting_charge_factor=Decimal(m["limiting_charge_factor"]),
        part_b_premium_monthly=Decimal(m["part_b_premium_monthly"]),
        source=str(m["source"]),
    )


# --- reading -------------------------------------------------------------------------------------


class _Reader:
    """Field readers that report the file, the line and a fix."""

    def __init__(self, file: str) -> None:
        self.file = file

    def bad(self, node: Any, key: str | int | None, problem: str, fix: str) -> BadInput:
        return BadInput(problem, fix, self.file, line_of(node, key))

    def map(self, node: Any, key: str, what: str) -> Mapping[str, Any]:
        value = node[key]
        if not isinstance(value, Mapping):
            raise self.bad(node, key, f"{what} must be a mapping of fields", f"write it as `{key}: {{...}}`")
        return value

    def amount(self, node: Any, key: str, what: str, *, nullable: bool = False) -> Decimal | None:
        value = node.get(key)
        if value is None:
            if nullable:
                return None
            raise self.bad(
                node, key, f"{what} has no amount", f"write a dollar amount such as 2000 for {what}"
            )
        d = to_decimal(value)
        if d is None:
            raise self.bad(
                node,
                key,
                f"{what} must be an amount in dollars, not {value!r}",
                "write a number such as 2000",
            )
        if d < 0:
            raise self.bad(
                node, key, f"{what} is negative ({value})", "amounts are zero or more; write 0 if none"
            )
        return d

    def rate(self, node: Any, key: str, what: str) -> Decimal:
        value = node.get(key)
        d = to_decimal(value)
        if d is None:
            raise self.bad(
                node, key, f"{what} must be a fraction such as 0.2, not {value!r}", "write 0.2 for 20%"
            )
        if d < 0:
            raise self.bad(node, key, f"{what} is negative ({value})", "write a fraction between 0 and 1")
        if d > 1:
            pct = (d / 100).normalize()
            raise self.bad(
                node,
                key,
                f"{what} is {value}: coinsurance is the fraction of the allowed amount you pay",
                f"write {pct:f} for {value}%",
            )
        return d

    def boolean(self, node: Any, key: str, what: str, default: bool) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            raise self.bad(node, key, f"{what} must be true or false, not {value!r}", "write true or false")
        return value

    def count(self, node: Any, key: str, what: str) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.bad(
                node, key, f"{what} must be a whole number of zero or more, not {value!r}", "write e.g. 30"
            )
        return value

    def choice(
        self, node: Any, key: str, what: str, choices: tuple[str, ...], default: str | None = None
    ) -> str:
        value = node.get(key, default)
        if value is None:
            raise self.bad(node, None, f"{what} is missing", f"add `{key}:` ({', '.join(choices)})")
        text = str(value)
        if text not in choices:
            raise self.bad(node, key, f"unknown {what} {text!r}", suggest(text, choices))
        return text


def load_plan(path: Path | str) -> Plan:
    """Read and check a plan file."""
    p = Path(path)
    data = load_money_yaml(p)
    return parse_plan_data(data, str(p))


def parse_plan(text: str, file: str = "<plan>") -> Plan:
    """Parse and check the YAML text of a plan file; BadInput names the field, the line and the fix."""
    return parse_plan_data(load_money_yaml_text(text, file), file)


def _deductible(r: _Reader, node: Mapping[str, Any], what: str) -> Deductible:
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


def _oop(r: _Reader, parent: Mapping[str, Any], key: str, what: str) -> OopMax:
    node = parent.get(key)
    if node is None:
        return OopMax(None)
    node = r.map(parent, key, what)
    check_keys(node, ("individual", "family"), r.file, what)
    return OopMax(
        r.amount(node, "individual", f"{what}.individual", nullable=True),
        r.amount(node, "family", f"{what}.family", nullable=True),
    )


def _benefit(r: _Reader, benefits: Mapping[str, Any], name: str) -> Benefit:
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


def _accumulators(r: _Reader, top: Mapping[str, Any], medicare: bool) -> tuple[Accumulators, tuple[str, ...]]:
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
                    suggest(str(b), BENEFITS),
                )
            n = r.count(vnode, b, f"accumulators.visits_used.{b}")
            visits[str(b)] = n or 0
    return Accumulators(**money, visits_used=visits), tuple(str(k) for k in node)


def _supplemental(r: _Reader, top: Mapping[str, Any]) -> tuple[Supplemental, ...]:
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


def parse_plan_data(data: Any, file: str) -> Plan:
    r = _Reader(file)
    if not isinstance(data, Mapping):
        raise BadInput(
            "a plan file must be a YAML mapping (name:, kind:, deductible:, ...)",
            "start from a template: backcover plan new --template ppo",
            file,
            "line 1",
        )
    check_keys(data, _TOP_KEYS, file, "the plan")
    kind = r.choice(data, "kind", "plan kind", KINDS)
    medicare = kind == "medicare"
    year = r.count(data, "year", "year") or 2026
    name = str(data.get("name") or Path(file).stem)
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
        amounts = medicare_amounts(year)
        if amounts is None:
            years = ", ".join(str(y) for y in program_amounts()["medicare"])
            raise r.bad(data, "year", f"backcover has no Medicare amounts for {year}", f"use one of: {years}")
        deductible = Deductible(amounts.part_b_deductible)
        oop = OopMax(None)
        oon = OutOfNetwork(False)
    else:
        amounts = None
        if "deductible" not in data or data.get("deductible") is None:
            if kind == "uninsured":
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
            deductible = _deductible(r, r.map(data, "deductible", "deductible"), "deductible")
        oop = _oop(r, data, "oop_max", "oop_max")
        if "oop_max" not in data and kind in ("commercial", "marketplace", "medicare-advantage"):
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
                    _deductible(
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
                    _oop(r, onode, "oop_max", "out_of_network.oop_max"),
                    r.rate(onode, "coinsurance", "out_of_network.coinsurance"),
                )
            else:
                oon = OutOfNetwork(False)

    benefits: dict[str, Benefit] = {}
    if data.get("benefits") is not None:
        bnode = r.map(data, "benefits", "benefits")
        for b in bnode:
            if str(b) not in BENEFITS:
                raise r.bad(bnode, b, f"unknown benefit category {b!r}", suggest(str(b), BENEFITS))
            benefits[str(b)] = _benefit(r, bnode, str(b))
    elif kind not in ("medicare", "uninsured"):
        raise BadInput(
            "the plan lists no benefits",
            "add `benefits:` with the cost sharing of each category (see backcover plan new --template ppo)",
            file,
            line_of(data, None),
        )

    accs, acc_fields = _accumulators(r, data, medicare)
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
        if kind not in ("medicare", "uninsured")
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
        supplemental=_supplemental(r, data),
        premium_monthly=premium,
        referrals_required=r.boolean(data, "referrals_required", "referrals_required", False),
        example=r.boolean(data, "example", "example", False),
        file=file,
        accumulator_fields=acc_fields,
    )
    warnings.extend(_sanity(plan))
    return Plan(**{**{f: getattr(plan, f) for f in plan.__dataclass_fields__}, "warnings": tuple(warnings)})


def _sanity(plan: Plan) -> list[str]:
    """Warnings (not errors) when a plan's numbers go past the year's legal limits."""
    out: list[str] = []
    limits = program_amounts()["aca_oop_limit"].get(plan.year)
    ind = plan.oop_max.individual
    if (
        plan.kind in ("commercial", "marketplace")
        and limits
        and ind is not None
        and ind > Decimal(limits["self"])
    ):
        out.append(
            f"The in-network out-of-pocket maximum ({plan.oop_max.individual}) is above the ACA limit "
            f"for {plan.year} (${limits['self']} self-only); check the plan file."
        )
    hsa = program_amounts()["hsa"].get(plan.year)
    if plan.hsa is not None and hsa and plan.deductible.individual < Decimal(hsa["hdhp_min_deductible_self"]):
        out.append(
            f"An HSA needs a high-deductible plan: the {plan.year} minimum deductible is "
            f"${hsa['hdhp_min_deductible_self']} self-only, and this plan's is {plan.deductible.individual}."
        )
    return out
