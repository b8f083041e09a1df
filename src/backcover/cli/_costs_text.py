"""The text form of `backcover estimate` and `backcover compare-plans` (the JSON form is the contract)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from backcover import DISCLAIMER
from backcover.cli._app import out_console
from backcover.cli._footnotes import Footnotes
from backcover.costs import Comparison, Estimate
from backcover.costs._view import grouped_lines, summary
from backcover.vocab import PlanKind

__all__ = ["print_comparison", "print_estimate"]


_ACC_NAMES = {
    "deductible_met": "deductible met",
    "oop_met": "out-of-pocket met",
    "family_deductible_met": "family deductible met",
    "family_oop_met": "family out-of-pocket met",
    "oon_deductible_met": "out-of-network deductible met",
    "oon_oop_met": "out-of-network out-of-pocket met",
    "part_b_deductible_met": "Part B deductible met",
    "part_a_deductible_met": "Part A deductible met",
}


def _row_head(row: dict[str, Any], kind: PlanKind, participating: bool) -> str:
    net = "" if kind in (PlanKind.MEDICARE, PlanKind.UNINSURED) else f"{row['network']}-of-network"
    net = net.replace("in-of-network", "in-network")
    if kind is PlanKind.MEDICARE and not participating:
        net = "does not accept assignment"
    what = ", ".join(x for x in (row["code"], str(row["benefit"]).replace("_", " "), net) if x)
    label = f"{row['label']} × {row['count']}" if row["count"] > 1 else row["label"]
    return f"\n[bold]{label}[/] [dim]({what}{'; ' + row['assumption'] if row['assumption'] else ''})[/]"


def print_estimate(est: Estimate, header: dict[str, Any]) -> None:
    c = out_console
    fn = Footnotes()
    data = est.to_json()
    if header:
        proc = header["procedure"]
        c.print(
            f"[bold]{proc['name']} ({proc['code']}), {header['setting']}[/] — {est.plan.name}",
            highlight=False,
        )
    else:
        c.print(f"[bold]{est.plan.name}[/]", highlight=False)
    by_id = {r.line.id: r for r in est.lines}
    for row in grouped_lines(data["lines"]):
        r = by_id[row["id"]]
        c.print(_row_head(row, est.plan.kind, r.line.participating), highlight=False)
        if row["price_known"]:
            each = f" (${row['each']} each)" if row["count"] > 1 and row["each"] else ""
            c.print(
                f"  allowed ${row['allowed']}{each}  you pay ${row['patient']}  plan pays ${row['plan']}  "
                f"balance bill ${row['balance_bill']}"
                + ("  [green]No Surprises Act protected[/]" if r.nsa_protected else "")
                + ("" if r.covered or est.plan.kind is PlanKind.UNINSURED else "  [red]not covered[/]"),
                highlight=False,
            )
            if row.get("range"):
                rg = row["range"]
                c.print(
                    f"  estimate: allowed ${rg['low']} to ${rg['high']}, you pay ${rg['patient']['low']} "
                    f"to ${rg['patient']['high']}",
                    highlight=False,
                    markup=False,
                )
            if r.line.price_source:
                c.print(
                    f"  price: {fn.cite(r.line.price_source)}", highlight=False, markup=False, style="dim"
                )
        else:
            c.print("  [yellow]price not known[/]: ", end="", highlight=False)
            c.print(fn.cite(r.line.price_source or ""), highlight=False, markup=False)
            alt = f" or --price {r.line.code}=AMOUNT" if r.line.code else ""
            c.print(
                f"  give it with --price {r.line.id}=AMOUNT{alt} (or --prices / --lines)",
                highlight=False,
                markup=False,
            )
            continue
        for n in r.notes:
            c.print(f"  {fn.cite(n)}", highlight=False, markup=False)
    c.print()
    _print_totals(est, data)
    if header.get("included"):
        c.print(header["included"], highlight=False)
    _print_guidance(est, fn)


def _print_totals(est: Estimate, data: dict[str, Any]) -> None:
    c = out_console
    tot = data["totals"]
    view = summary(data)
    rng = tot.get("range")
    c.print(
        f"[bold]Total you pay: ${tot['patient_total']}[/]"
        + (f" (likely; between ${rng['low']} and ${rng['high']}: some prices are estimates)" if rng else "")
        + f". Cost sharing ${tot['patient']}, balance bills ${tot['balance_bill']}; "
        + f"the plan pays ${tot['plan']}."
        + (
            ""
            if tot["complete"]
            else f" [yellow]Incomplete: {len(tot['missing_prices'])} line(s) have no price.[/]"
        ),
        highlight=False,
    )
    c.print(f"Included: {', '.join(view['included']) or 'nothing yet'}.", highlight=False, markup=False)
    if view["estimated"]:
        c.print(f"Estimated (a range): {', '.join(view['estimated'])}.", highlight=False, markup=False)
    if view["unpriced"]:
        c.print(f"Still unpriced: {', '.join(view['unpriced'])}.", highlight=False, markup=False)
    if view["cap"]:
        c.print(view["cap"], highlight=False, markup=False)
    acc = est.accumulators_after()
    if est.plan.kind is not PlanKind.UNINSURED:
        met = ", ".join(f"{_ACC_NAMES.get(k, k)} ${v}" for k, v in acc.items() if k != "visits_used")
        c.print(f"After this: {met}", highlight=False)


def _print_guidance(est: Estimate, fn: Footnotes) -> None:
    c = out_console

    def say(text: str) -> None:
        c.print(fn.cite(text), highlight=False, markup=False)

    for n in est.notes:
        say(f"• {n}")
    g = est.guidance
    for s in g.get("surprise_bills") or []:
        say(f"• Surprise-bill risk, {s['id']}: {s['why']}.")
    nsa = g.get("no_surprises_act") or {}
    if nsa.get("applies"):
        for item in nsa.get("consent") or []:
            say(f"• {item['id']}: {item['advice']}")
    elif nsa:
        say(f"• {nsa['why']}")
    if g.get("good_faith_estimate"):
        gfe = g["good_faith_estimate"]
        say(f"• {gfe['right']} {gfe['dispute_rule']}")
        for d in gfe["disputes"]:
            say(f"  - {d['id']}: {d['advice']}")
    if g.get("hsa"):
        say(f"• HSA: {g['hsa']['explanation']}")
    for s in g.get("supplemental") or []:
        cond = ("; " + "; ".join(s["conditions"])) if s["conditions"] else ""
        say(f"• {s['name']} would pay you ${s['pays']}: {s['explanation']}{cond}.")
    if fn.sources():
        c.print("Sources:", style="bold", highlight=False)
        for line in fn.sources():
            c.print(f"  {line}", highlight=False, markup=False)
    c.print(DISCLAIMER, style="dim", highlight=False)


def print_comparison(cmp: Comparison) -> None:
    title = cmp.title
    t = Table(title=f"Plans compared over: {title}")
    t.add_column("")
    rows = [r.to_json() for r in cmp.results]
    for r in rows:
        t.add_column(r["plan"] + (" (example)" if r["example"] else ""), overflow="fold")

    def cell(v: str | None, prefix: str = "$") -> str:
        return "unknown" if v is None else f"{prefix}{v}"

    t.add_row("premiums, 12 months", *[cell(r["premium_annual"]) for r in rows])
    t.add_row(
        "expected out-of-pocket",
        *[cell(r["expected_out_of_pocket"], "$" if r["complete"] else "at least $") for r in rows],
    )
    t.add_row(
        "expected total", *[cell(r["expected_total"], "$" if r["complete"] else "at least $") for r in rows]
    )
    t.add_row(
        "likely range of out-of-pocket",
        *[
            f"${r['expected_out_of_pocket_range']['low']} to ${r['expected_out_of_pocket_range']['high']}"
            if r.get("expected_out_of_pocket_range")
            else "-"
            for r in rows
        ],
    )
    t.add_row("not priced (left out)", *["\n".join(r["missing"]) or "nothing" for r in rows])
    t.add_row(
        "worst case out-of-pocket",
        *[cell(r["worst_case_out_of_pocket"]) if r["worst_case_out_of_pocket"] else "no limit" for r in rows],
    )
    t.add_row(
        "worst case total",
        *[cell(r["worst_case_total"]) if r["worst_case_total"] else "no limit" for r in rows],
    )
    t.add_row("about the worst case", *[r["worst_case_note"] for r in rows])
    t.add_row("notes", *["\n".join(r["notes"]) for r in rows])
    out_console.print(t)
    data = cmp.to_json()
    if data["not_ranked_because"]:
        out_console.print(f"[bold yellow]{data['not_ranked_because']}[/]", highlight=False)
        for r in rows:
            out_console.print(
                f"  {r['plan']} leaves out: {', '.join(r['missing']) or 'nothing'}",
                highlight=False,
                markup=False,
            )
    elif data["ranked"]:
        order = " < ".join(data["ranked"])
        out_console.print(f"From the lowest expected total: {order}", highlight=False, markup=False)
    for n in cmp.notes:
        out_console.print(f"• {n}", highlight=False, markup=False)
    out_console.print(DISCLAIMER, style="dim", highlight=False)
