"""`backcover prices import`: read a published price file (CONTRACTS.md section 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from backcover.cli._app import app, emit_json, err_console, guarded, out_console
from backcover.errors import BadInput, suggest

__all__ = ["import_cmd", "prices_app"]

prices_app = typer.Typer(
    help="Published price files: hospital standard charges, insurer rates, CMS payment files.",
    no_args_is_help=True,
)
app.add_typer(prices_app, name="prices")

_FORMATS = ("json", "text")
_TEXT_ROWS = 200


@prices_app.command("import")
@guarded
def import_cmd(
    file: Annotated[Path, typer.Argument(help="The price file (CSV, JSON or .json.gz).")],
    payer_name: Annotated[str | None, typer.Option("--payer-name", help="Keep this payer's rates.")] = None,
    plan_name: Annotated[str | None, typer.Option("--plan-name", help="Keep this plan's rates.")] = None,
    code: Annotated[list[str] | None, typer.Option("--code", help="Keep this billing code.")] = None,
    npi: Annotated[list[str] | None, typer.Option("--npi", help="Keep rates of this NPI.")] = None,
    tin: Annotated[list[str] | None, typer.Option("--tin", help="Keep rates of this TIN.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write a price table for `backcover estimate --prices`.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json or text.")] = "text",
) -> None:
    """Read a price file as published and list the rates it states."""
    from backcover.pricefiles import Filters, open_reader, price_table_yaml
    from backcover.yamlio import atomic_write_text

    if fmt not in _FORMATS:
        raise BadInput(f"unknown format {fmt!r}", suggest(fmt, _FORMATS), where="--format")
    filters = Filters.of(code or (), npi or (), tin or (), payer_name, plan_name)
    try:
        fh = file.open("rb")
    except OSError as exc:
        raise BadInput(f"cannot read the file ({exc.strerror})", "check the path", str(file)) from None
    with fh:
        reading = open_reader(fh, str(file), filters)
        rates = list(reading.rates())
    source = reading.source()
    warnings = reading.warnings.to_json()
    if not rates and not reading.files:
        why = f" ({len(warnings)} warnings, first: {warnings[0]})" if warnings else ""
        raise BadInput(
            f"no usable rates in the file{' for the filters given' if _filtered(filters) else ''}{why}",
            "check --code/--npi/--tin/--payer-name/--plan-name, or the file's rows named in the warnings",
            str(file),
        )
    if reading.files:
        warnings.append(
            f"this is a table of contents: it names {len(reading.files)} files; download an in-network "
            "file it names and import that"
        )
    if output is not None:
        atomic_write_text(output, price_table_yaml(rates, source))
    data: dict[str, Any] = {
        "source": source.to_json(),
        "rates": [r.to_json() for r in rates],
        "warnings": warnings,
    }
    if reading.files:
        data["files"] = reading.files
    if output is not None:
        data["output"] = str(output)
    if fmt == "json":
        emit_json(data)
    else:
        _text(data)


def _filtered(f: Any) -> bool:
    return bool(f.codes or f.npis or f.tins or f.payer or f.plan)


def _text(data: dict[str, Any]) -> None:
    src = data["source"]
    out_console.print(
        f"[bold]{src.get('entity') or src['file']}[/] — {src['format']}"
        + (f", last updated {src['last_updated']}" if src.get("last_updated") else ""),
        highlight=False,
    )
    rates = data["rates"]
    if rates:
        table = Table("code", "type", "setting", "basis", "amount", "payer / plan", "description")
        for r in rates[:_TEXT_ROWS]:
            amount = r["amount"] or (f"{r['percentage']}%" if r.get("percentage") else "—")
            who = " / ".join(x for x in (r.get("payer"), r.get("plan")) if x)
            table.add_row(
                r["code"] or ", ".join(r.get("modifiers", [])),
                r["code_type"] or "modifier",
                r["setting"] or "",
                r["basis"],
                amount,
                who,
                (r["description"] or "")[:50],
            )
        out_console.print(table)
        if len(rates) > _TEXT_ROWS:
            out_console.print(f"... {len(rates) - _TEXT_ROWS} more rows (use --format json or --code)")
    for f in data.get("files", []):
        out_console.print(
            f"file reference ({f['kind']}): {f['location']}  [{f.get('plans') or ''}]", highlight=False
        )
    for w in data["warnings"]:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if data.get("output"):
        out_console.print(f"price table written to {data['output']}", highlight=False)
