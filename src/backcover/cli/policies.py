"""`backcover policies list/show/insurers`: the policy packs, their criteria and sources, and the insurers."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from backcover import DISCLAIMER, catalog
from backcover.cli._app import app, emit_json, guarded, out_console
from backcover.cli.policies_medicaid import medicaid_cmd
from backcover.engine import Group, Leaf, Node, Pack, insurer_json, insurer_table, packs
from backcover.errors import BadInput
from backcover.vocab import parse_payer
from backcover.yamlio import suggest

__all__ = ["pack_json", "policies_app"]

policies_app = typer.Typer(
    help="List the coverage policy packs and show their criteria and sources.", no_args_is_help=True
)
app.add_typer(policies_app, name="policies")


def _leaf_json(leaf: Leaf) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": leaf.id,
        "kind": leaf.kind,
        "summary": leaf.summary,
        "test": {"type": leaf.test, **leaf.params.to_json()},
        "to_satisfy": leaf.to_satisfy,
        "required": leaf.required,
        "source": leaf.source.to_json(),
    }
    if leaf.confidence:
        out["confidence"] = leaf.confidence
    return out


def _node_json(node: Node) -> dict[str, Any]:
    if isinstance(node, Leaf):
        return _leaf_json(node)
    out: dict[str, Any] = {node.op: [_node_json(c) for c in node.children]}
    if node.summary:
        out["summary"] = node.summary
    return out


def _dates(p: Pack) -> str:
    """Version, the days in force and the last review, for the list's table."""
    if p.start is None and p.end is None:
        span = "dates in force not recorded"
    else:
        span = f"in force from {p.start.isoformat() if p.start else '(not recorded)'}"
        span += f" to {p.end.isoformat()}" if p.end else " on"
    parts = [p.version or "version not recorded", span]
    if p.superseded:
        parts.append("superseded")
    parts.append(f"last reviewed {p.last_reviewed.isoformat() if p.last_reviewed else 'not recorded'}")
    return "; ".join(parts)


def pack_json(p: Pack, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": p.id,
        "title": p.title,
        "policy": p.policy,
        "publisher": p.publisher,
        "insurer": p.insurer,
        "kind": p.kind,
        "payers": list(p.payers),
        "codes": sorted(p.codes) if p.codes is not None else "*",
        "settings": list(p.settings) if p.settings else None,
        "states": list(p.states) if p.states else None,
        "effective": {
            "from": p.start.isoformat() if p.start else None,
            "until": p.end.isoformat() if p.end else None,
        },
        "url": p.url,
        "prior_authorization": p.prior_authorization,
        "confidence": p.confidence,
        "version": p.version,
        "series": p.series_id,
        "superseded": p.superseded,
        "last_reviewed": p.last_reviewed.isoformat() if p.last_reviewed else None,
    }
    if p.lcd_family:
        out["lcd_family"] = p.lcd_family
    if p.fallback_for:
        out["fallback_for"] = list(p.fallback_for)
    if full:
        out["noncovered_codes"] = [
            {"codes": sorted(n.codes), "reason": n.reason, "source": n.source.to_json()}
            for n in p.noncovered_codes
        ]
        out["exclusions"] = [_leaf_json(e) for e in p.exclusions]
        out["criteria"] = _node_json(p.criteria) if p.criteria is not None else None
        out["rules"] = [
            {
                "codes": sorted(r.codes),
                "category": r.category,
                "from": r.start.isoformat() if r.start else None,
                "until": r.end.isoformat() if r.end else None,
                "settings": list(r.settings) if r.settings else None,
                "states": list(r.states) if r.states else None,
                "source": r.source.to_json(),
                "confidence": r.confidence,
                "after_visits": r.visits.after if r.visits else None,
            }
            for r in p.rules
        ]
        out["notes"] = list(p.notes)
    return out


@policies_app.command("list")
@guarded
def list_cmd(
    payer: str | None = typer.Option(None, "--payer", help="Only packs for this payer."),
    procedure: str | None = typer.Option(None, "--procedure", help="Only packs for this CPT/HCPCS code."),
    fmt: str = typer.Option("text", "--format", help="json or text."),
) -> None:
    """List the policy packs backcover knows."""
    if fmt not in ("json", "text"):
        raise BadInput(f"unknown format {fmt!r}", "use --format json or --format text", where="--format")
    chosen = list(packs())
    if payer:
        p = parse_payer(payer)
        chosen = [x for x in chosen if p in x.payers]
    if procedure:
        proc, _ = catalog.resolve(procedure)
        chosen = [x for x in chosen if x.codes is None or proc.code in x.codes]
    if fmt == "json":
        emit_json({"policies": [pack_json(x) for x in chosen]})
        return
    table = Table(title="backcover policy packs", expand=True)
    table.add_column("Pack", no_wrap=True)
    table.add_column("Policy", ratio=2)
    table.add_column("Payers")
    table.add_column("Codes")
    table.add_column("Version and dates", ratio=2)
    for x in chosen:
        codes_set = (
            sorted({c for r in x.rules for c in r.codes}) if x.kind == "prior_authorization" else x.codes
        )
        if codes_set is None:
            codes = "any (baseline)"
        else:
            shown = sorted(codes_set)
            codes = ", ".join(shown[:4]) + (f" +{len(shown) - 4}" if len(shown) > 4 else "")
        payers = ", ".join("MA" if p == "medicare-advantage" else p for p in x.payers)
        table.add_row(x.id, f"{x.policy}: {x.title}", payers, codes, _dates(x))
    out_console.print(table)
    out_console.print(Text(DISCLAIMER, style="italic dim"))


@policies_app.command("show")
@guarded
def show_cmd(
    pack_id: str = typer.Argument(..., help="Pack id (see `backcover policies list`)."),
    fmt: str = typer.Option("text", "--format", help="json or text."),
) -> None:
    """Show one policy pack: when it applies, its criteria and the source of each."""
    if fmt not in ("json", "text"):
        raise BadInput(f"unknown format {fmt!r}", "use --format json or --format text", where="--format")
    by_id = {p.id: p for p in packs()}
    p = by_id.get(pack_id)
    if p is None:
        raise BadInput(f"unknown policy pack {pack_id!r}", suggest(pack_id, by_id), where="POLICY")
    if fmt == "json":
        emit_json(pack_json(p, full=True))
        return
    head = Text(f"{p.title}\n", style="bold")
    head.append(f"{p.policy} · {p.kind} · payers {', '.join(p.payers)} · published by {p.publisher}\n")
    if p.insurer:
        head.append(f"insurer: {p.insurer} (used only with --insurer {p.insurer})\n")
    head.append(f"codes: {'any' if p.codes is None else ', '.join(sorted(p.codes))}\n")
    if p.settings:
        head.append(f"settings: {', '.join(p.settings)}\n")
    if p.states:
        head.append(f"states: {', '.join(p.states)}\n")
    head.append(f"{_dates(p)}\n")
    head.append(f"{p.url}\n")
    if p.prior_authorization:
        head.append(f"prior authorization: {p.prior_authorization}\n")
    if p.confidence:
        head.append(f"confidence: {p.confidence}\n", style="yellow")
    out_console.print(head)
    if p.noncovered_codes or p.exclusions:
        out_console.print(Text("Not covered:", style="bold"))
        for n in p.noncovered_codes:
            out_console.print(
                f"  codes {', '.join(sorted(n.codes))}: {n.reason} [{n.source.policy}, {n.source.section}]"
            )
        for e in p.exclusions:
            out_console.print(f"  {e.id}: {e.summary} [{e.source.policy}, {e.source.section}]")
    if p.criteria is not None:
        out_console.print(Text("Criteria:", style="bold"))
        _print_node(p.criteria, 1)
    for r in p.rules:
        out_console.print(
            f"  PA rule: {r.heading}: {', '.join(sorted(r.codes))}; {r.dates_text}"
            f"{'; settings ' + ', '.join(r.settings) if r.settings else ''}"
            f"{'; states ' + ', '.join(r.states) if r.states else ''} [{r.source.section}]"
        )
        if r.visits:
            free = r.visits.after
            out_console.print(
                f"    only from visit {free + 1} of an episode of care; the first {free} need none"
            )
        for conf in r.confidences:
            out_console.print(Text(f"    unconfirmed: {conf}", style="yellow"))
    for note in p.notes:
        out_console.print(f"Note: {note}")
    out_console.print(Text(DISCLAIMER, style="italic dim"))


def _print_node(node: Node, depth: int) -> None:
    pad = "  " * depth
    if isinstance(node, Group):
        out_console.print(f"{pad}{'all of' if node.op == 'all' else 'one of'}:")
        for c in node.children:
            _print_node(c, depth + 1)
        return
    line = Text(f"{pad}- [{node.kind}] {node.summary}")
    line.append(f"  ({node.source.policy}, {node.source.section}", style="dim")
    line.append(f", effective {node.source.effective})" if node.source.effective else ")", style="dim")
    if not node.required:
        line.append(" (shown by the claim)", style="dim")
    out_console.print(line)
    if node.confidence or node.source.confidence:
        out_console.print(
            Text(f"{pad}    unconfirmed: {node.confidence or node.source.confidence}", style="yellow")
        )


_USE = {
    "own": "the insurer's own policy",
    "vendor": "by the insurer or its review vendor; used where the insurer has no pack of its own",
    "medicare": "Medicare's rule; binds Medicare Advantage plans where it applies",
    "prior_authorization": "the insurer's prior-authorization list",
}


@policies_app.command("insurers")
@guarded
def insurers_cmd(
    fmt: str = typer.Option("text", "--format", help="json or text."),
) -> None:
    """List the named insurers (`check --insurer`): payer kinds offered, review vendors, packs used."""
    if fmt not in ("json", "text"):
        raise BadInput(f"unknown format {fmt!r}", "use --format json or --format text", where="--format")
    table = insurer_table()
    if fmt == "json":
        emit_json({"insurers": [insurer_json(i) for i in table.by_slug.values()]})
        return
    for ins in table.by_slug.values():
        data = insurer_json(ins)
        out_console.print(Text(f"{ins.name} (--insurer {ins.slug})", style="bold"))
        for payer, offer in data["offers"].items():
            line = Text(f"  {payer}: {'offered' if offer['offered'] else 'not offered'}")
            if offer["note"] and not offer["offered"]:
                line.append(f". {offer['note']}", style="dim")
            line.append(f" (source: {offer['source']['section']})", style="dim")
            out_console.print(line)
        for v in ins.vendors:
            only = f" ({', '.join(v.payers)} only)" if v.payers else ""
            out_console.print(f"  reviews {v.area.replace('_', ' ')} requests: {v.name}{only}")
        for payer, used in data["packs"].items():
            if not ins.offered(payer):
                continue
            out_console.print(Text(f"  Packs for {payer}:", style="bold"))
            theirs = [u for u in used if u["use"] != "medicare"]
            if not theirs:
                out_console.print("    none of the insurer's own yet (the payer's baseline applies)")
            for u in theirs:
                out_console.print(f"    {u['id']}: {u['title']} ({u['publisher']}; {_USE[u['use']]})")
            medicare = [u["id"] for u in used if u["use"] == "medicare"]
            if medicare:
                out_console.print(f"    and Medicare's rules where they apply: {', '.join(medicare)}")
        for note in ins.notes:
            out_console.print(Text(f"  Note: {note}", style="dim"))
        out_console.print("")
    out_console.print(Text(DISCLAIMER, style="italic dim"))


# `policies medicaid` lives in its own module; it is registered on this group here.
policies_app.command("medicaid")(medicaid_cmd)
