"""Compare plans over an expected year of back care: premiums plus out-of-pocket, and the worst case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backcover.costs._calc import Estimate, estimate
from backcover.costs._episodes import episode_lines, price_for
from backcover.costs._lines import Line
from backcover.costs._model import BENEFITS, Plan
from backcover.costs._money import money, percent
from backcover.costs._prices import PriceTable, builtin_tables, commercial_multiple
from backcover.costs._program import program_amounts
from backcover.costs._reader import Reader
from backcover.costs._yaml import plain
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import Payer, PlanKind, Setting
from backcover.yamlio import check_keys, load_yaml, suggest

__all__ = ["CareItem", "Comparison", "care_lines", "compare_plans", "parse_care", "pathway", "pathways"]


@dataclass(frozen=True, slots=True)
class CareItem:
    procedure: str | None = None
    setting: str | None = None
    visit: str | None = None
    code: str | None = None
    times: int = 1


def _build_pathways(kb: Knowledge) -> dict[str, Any]:
    data: dict[str, Any] = plain(load_yaml(kb.file("plans/pathways.yaml")))["pathways"]
    return data


def _pathways(knowledge: Knowledge | None) -> dict[str, Any]:
    return (knowledge or Knowledge.packaged()).cached("costs-pathways", _build_pathways)


def pathways(*, knowledge: Knowledge | None = None) -> list[str]:
    """The names of the built-in years of care."""
    return list(_pathways(knowledge))


def pathway(name: str, *, knowledge: Knowledge | None = None) -> tuple[str, list[CareItem]]:
    """A named year of care: its title and items."""
    key = name.strip().lower().replace(" ", "-").replace("_", "-")
    p = _pathways(knowledge).get(key)
    if p is None:
        raise BadInput(
            f"no care pathway named {name!r}", suggest(key, pathways(knowledge=knowledge)), where="--pathway"
        )
    return str(p["title"]), parse_care({"care": p["care"]}, "pathways.yaml")


def parse_care(data: Any, file: str) -> list[CareItem]:
    r = Reader(file)
    if not isinstance(data, Mapping) or not isinstance(data.get("care"), list) or not data["care"]:
        raise BadInput(
            "a year-of-care file needs a non-empty `care:` list",
            'write `care:` then `- {procedure: "62323", setting: office, times: 2}` or '
            '`- {visit: specialist_visit, code: "99213", times: 4}`',
            file,
            "line 1",
        )
    check_keys(data, ("care", "title"), file, "the year-of-care file")
    items: list[CareItem] = []
    for i, node in enumerate(data["care"]):
        if not isinstance(node, Mapping):
            raise r.bad(
                data["care"], i, f"care[{i}] must be a mapping", "write `- {procedure: CODE, times: N}`"
            )
        check_keys(node, ("procedure", "setting", "visit", "code", "times"), file, f"care[{i}]")
        times = r.count(node, "times", f"care[{i}].times")
        if ("procedure" in node) == ("visit" in node):
            raise r.bad(node, None, f"care[{i}] needs either `procedure:` or `visit:`", "give one of the two")
        setting = None
        if node.get("setting") is not None:
            setting = r.choice(node, "setting", f"care[{i}].setting", Setting)
        visit = None
        if "visit" in node:
            visit = r.choice(node, "visit", f"care[{i}].visit", BENEFITS)
        items.append(
            CareItem(
                procedure=str(node["procedure"]) if node.get("procedure") is not None else None,
                setting=setting,
                visit=visit,
                code=str(node["code"]) if node.get("code") is not None else None,
                times=1 if times is None else times,
            )
        )
    return items


def care_lines(
    plan: Plan,
    care: Sequence[CareItem],
    *,
    tables: Sequence[PriceTable] = (),
    price_multiple: Decimal | None = None,
    knowledge: Knowledge | None = None,
) -> list[Line]:
    """All the claim lines of a year of care, priced for the plan."""
    out: list[Line] = []
    all_tables = [*tables, *builtin_tables(knowledge)]
    for i, item in enumerate(care):
        for t in range(item.times):
            prefix = f"{i + 1}.{t + 1}."
            if item.procedure is not None:
                for line in episode_lines(
                    item.procedure,
                    item.setting,
                    plan,
                    price_multiple=price_multiple,
                    tables=tables,
                    knowledge=knowledge,
                ):
                    out.append(_renamed(line, prefix + line.id))
            else:
                assert item.visit is not None
                price, _ = price_for(
                    plan, item.code, "pfs_nonfacility", all_tables, price_multiple, knowledge
                )
                out.append(
                    Line(
                        id=f"{prefix}{item.visit}",
                        benefit=item.visit,
                        allowed=price.amount,
                        code=item.code,
                        role="physician",
                        setting=Setting.OFFICE.value,
                        description=f"office visit ({item.visit.replace('_', ' ')})",
                        price_source=price.source,
                        price_confidence=price.confidence,
                        allowed_low=price.low,
                        allowed_high=price.high,
                    )
                )
    return out


def _renamed(line: Line, new_id: str) -> Line:
    fields = {f: getattr(line, f) for f in line.__dataclass_fields__}
    fields["id"] = new_id
    return Line(**fields)


@dataclass(slots=True)
class PlanResult:
    plan: Plan
    estimate: Estimate
    premium_annual: Decimal | None
    worst_oop: Decimal | None
    worst_note: str
    notes: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """What this plan's total leaves out: each unpriced line once, e.g. "hospital fee (22612)"."""
        out: list[str] = []
        for r in self.estimate.lines:
            if not r.price_known:
                what = r.line.description.split(" — ")[0] or r.line.id
                label = f"{what} ({r.line.code})" if r.line.code else what
                if label not in out:
                    out.append(label)
        return out

    def to_json(self) -> dict[str, Any]:
        oop = self.estimate.patient_total
        prem = self.premium_annual
        extra: dict[str, Any] = {"missing": self.missing}
        rng = self.estimate.to_json()["totals"].get("range")
        if rng:
            extra["expected_out_of_pocket_range"] = {"low": rng["low"], "high": rng["high"]}
        return {
            "plan": self.plan.name,
            "kind": str(self.plan.kind),
            "file": self.plan.file,
            "example": self.plan.example,
            "premium_annual": None if prem is None else money(prem),
            "expected_out_of_pocket": money(oop),
            "expected_total": None if prem is None else money(prem + oop),
            "complete": not self.estimate.missing_prices,
            "missing_prices": len(self.estimate.missing_prices),
            "worst_case_out_of_pocket": None if self.worst_oop is None else money(self.worst_oop),
            "worst_case_total": None
            if self.worst_oop is None or prem is None
            else money(prem + self.worst_oop),
            "worst_case_note": self.worst_note,
            "notes": self.notes,
            **extra,
        }


@dataclass(slots=True)
class Comparison:
    title: str
    results: list[PlanResult]
    notes: list[str]

    @property
    def refusal(self) -> str | None:
        """Why the plans are not ranked: their totals leave out different things (None: comparable)."""
        gaps = {tuple(r.missing) for r in self.results}
        if len(gaps) <= 1:
            return None
        return (
            "Not ranked: the plans' totals are incomplete in different ways (each leaves out different "
            "unpriced lines), so comparing them would mislead. Give the missing prices, then compare again."
        )

    def ranking(self) -> list[str] | None:
        """Plan names from the cheapest expected total (or out-of-pocket without premiums) up."""
        if self.refusal is not None:
            return None

        def key(r: PlanResult) -> Decimal:
            oop = r.estimate.patient_total
            return oop if r.premium_annual is None else r.premium_annual + oop

        if len({r.premium_annual is None for r in self.results}) > 1:
            return None  # some plans have premiums and some do not: not the same measure
        return [r.plan.name for r in sorted(self.results, key=key)]

    def to_json(self) -> dict[str, Any]:
        return {
            "care": self.title,
            "plans": [r.to_json() for r in self.results],
            "notes": self.notes,
            "ranked": self.ranking(),
            "not_ranked_because": self.refusal,
        }


def _worst(plan: Plan, pa: Mapping[str, Any]) -> tuple[Decimal | None, str]:
    if plan.kind is PlanKind.MEDICARE:
        m = plan.medicare
        assert m is not None
        if plan.medigap == "G":
            return m.part_b_deductible, (
                f"Medigap G: the Part B deductible (${m.part_b_deductible}) is the most you pay for covered "
                "care"
            )
        if plan.medigap == "N":
            copay = pa["medigap"]["N"]["office_visit_copay_max"]
            return (
                None,
                f"Medigap N: no cap (up to ${copay} an office visit and any excess charges remain yours)",
            )
        return None, "Original Medicare alone has no out-of-pocket maximum"
    if plan.kind is PlanKind.UNINSURED:
        return None, "No insurance: no limit"
    if plan.payer is Payer.MEDICAID and plan.oop_max.individual is None:
        cap = pa["medicaid"]["cost_sharing_cap"]
        share = percent(Decimal(cap["share_of_family_income"]))
        return None, (
            f"No stated limit in the plan file; federal rules cap Medicaid cost sharing at {share} of family "
            f"income ({cap['rule']})"
        )
    if plan.oop_max.individual is None:
        return None, "The plan states no out-of-pocket maximum"
    return plan.oop_max.individual, (
        "The in-network out-of-pocket maximum (self-only); out-of-network care, balance bills, non-covered "
        "care and premiums are not capped by it"
    )


def compare_plans(
    plans: Sequence[Plan],
    care: Sequence[CareItem],
    *,
    title: str = "your year of care",
    premiums: Mapping[str, Decimal] | None = None,
    tables: Sequence[PriceTable] = (),
    price_multiple: Decimal | None = None,
    knowledge: Knowledge | None = None,
) -> Comparison:
    """Each plan's expected total for the year (premium + out-of-pocket) and its worst case.

    ``premiums`` (monthly, by plan name or file) override the plan files' ``premium``.
    """
    pa = program_amounts(knowledge)
    results: list[PlanResult] = []
    for plan in plans:
        monthly = None
        if premiums:
            monthly = premiums.get(plan.name, premiums.get(plan.file))
        if monthly is None:
            monthly = plan.premium_monthly
        lines = care_lines(plan, care, tables=tables, price_multiple=price_multiple, knowledge=knowledge)
        est = estimate(plan, lines, knowledge=knowledge)
        worst, note = _worst(plan, pa)
        notes: list[str] = []
        if monthly is None:
            notes.append("No premium given: add `premium: {monthly: ...}` to the plan file or use --premium.")
        if plan.kind is PlanKind.MEDICARE and plan.medigap != "none":
            notes.append("Check that the premium includes the Medigap plan's own premium as well as Part B.")
        if est.missing_prices:
            notes.append(
                f"{len(est.missing_prices)} claim line(s) have no known price, so the expected "
                "out-of-pocket is incomplete; give their prices (your own price table, or the amounts "
                "from a Good Faith Estimate)."
            )
        results.append(PlanResult(plan, est, None if monthly is None else monthly * 12, worst, note, notes))
    _, src, conf = commercial_multiple(knowledge)
    notes = [
        "Expected = premiums for 12 months + what you would pay for this year of care. Worst case = "
        "premiums + the "
        "most the plan lets you pay for covered in-network care.",
        "Visit and session counts in a named pathway are assumptions for a typical year.",
        "Commercial prices without your own price table are Medicare amounts times a published multiple "
        f"for each kind of service, as a range (professional fees, facility, anesthesia; otherwise {src}; "
        f"{conf}).",
    ]
    if any(r.estimate.missing_prices for r in results):
        notes.append("Some prices are unknown: the expected columns count only lines with a price.")
    if any(r.estimate.low is not None for r in results):
        notes.append(
            "Some prices are estimates (ranges): each plan's share is shown with its low and high; "
            "plans whose ranges overlap may cost about the same."
        )
    return Comparison(title, results, notes)
