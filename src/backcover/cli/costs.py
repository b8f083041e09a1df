"""`backcover estimate`, `backcover plan new|templates|check` and `backcover compare-plans`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backcover.cli._app import app, emit_json, err_console, guarded, out_console
from backcover.errors import BadInput
from backcover.yamlio import atomic_write_text, suggest

if TYPE_CHECKING:  # the cost model loads when a cost command runs, not when the CLI starts
    from backcover.costs import Line, Plan

__all__ = ["compare_plans_cmd", "estimate_cmd", "plan_app"]

plan_app = typer.Typer(
    help="Plan files: write one from a template, list templates, check a file.", no_args_is_help=True
)
app.add_typer(plan_app, name="plan")

FORMATS = ("json", "text")


def _format(value: str) -> str:
    if value not in FORMATS:
        raise BadInput(f"unknown format {value!r}", suggest(value, FORMATS), where="--format")
    return value


def _plan(ref: str) -> Plan:
    """A plan file path, or the name of a built-in template."""
    from backcover.costs import load_plan, template_path, templates

    p = Path(ref)
    if p.exists() or ref.endswith((".yaml", ".yml")) or "/" in ref:
        return load_plan(p)
    if ref in templates():
        return load_plan(template_path(ref))
    raise BadInput(
        f"no plan file {ref!r} and no built-in template of that name",
        f"give a path to a plan file, or a template: {suggest(ref, templates())}",
        where="--plan",
    )


def _decimal_opt(value: str | None, what: str) -> Decimal | None:
    from backcover.costs._money import to_decimal

    if value is None:
        return None
    d = to_decimal(value)
    if d is None or d <= 0:
        raise BadInput(f"{what} must be a positive number, not {value!r}", "for example 1.8", where=what)
    return d


def _minutes(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 1440:
        raise BadInput(
            f"--anesthesia-minutes {value} is not a time in minutes",
            "give the minutes of anesthesia, for example 120",
            where="--anesthesia-minutes",
        )
    return value


def _apply_prices(lines: list[Line], prices: list[str]) -> list[Line]:
    """``--price ID=AMOUNT`` sets one line's allowed amount; ``--price CODE=AMOUNT`` every line of a code."""
    from backcover.costs._money import to_decimal

    out = list(lines)
    for spec in prices:
        key, sep, amount = spec.partition("=")
        d = to_decimal(amount)
        if not sep or d is None or d < 0:
            raise BadInput(
                f"--price {spec!r} is not ID=AMOUNT", "for example --price facility=4200.00", where="--price"
            )
        hits = [i for i, line in enumerate(out) if line.id == key] or [
            i for i, line in enumerate(out) if line.code == key
        ]
        if not hits:
            ids = ", ".join(line.id for line in out)
            raise BadInput(f"--price: no line with id or code {key!r}", f"line ids: {ids}", where="--price")
        for i in hits:
            out[i] = out[i].with_price(d, f"the price you gave (--price {key}={amount})")
    return out


@app.command("estimate")
@guarded
def estimate_cmd(
    plan: Annotated[
        str, typer.Option("--plan", help="Plan file, or a built-in template name (backcover plan templates).")
    ],
    procedure: Annotated[
        str | None, typer.Option("--procedure", help="CPT/HCPCS code: price its usual episode.")
    ] = None,
    setting: Annotated[
        str | None, typer.Option("--setting", help="office, asc, hospital-outpatient or inpatient.")
    ] = None,
    lines: Annotated[
        Path | None,
        typer.Option("--lines", help="Claim lines file (a Good Faith Estimate, an insurer's estimate)."),
    ] = None,
    prices: Annotated[
        Path | None, typer.Option("--prices", help="Your own price table (same format as knowledge/prices).")
    ] = None,
    price_multiple: Annotated[
        str | None, typer.Option("--price-multiple", help="Commercial price = Medicare x this.")
    ] = None,
    price: Annotated[
        list[str] | None, typer.Option("--price", help="ID=AMOUNT: the allowed amount of one line.")
    ] = None,
    service_date: Annotated[
        str | None, typer.Option("--service-date", help="YYYY-MM-DD, for supplemental waiting periods.")
    ] = None,
    anesthesia_minutes: Annotated[
        int | None,
        typer.Option(
            "--anesthesia-minutes",
            help="Anesthesia time in minutes (replaces the episode's stated assumption).",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json or text.")] = "text",
    directory: Annotated[
        str | None,
        typer.Option(
            "--directory", help="Plan-Net provider directory (Bundle/NDJSON file or FHIR base URL)."
        ),
    ] = None,
    network: Annotated[
        str | None, typer.Option("--network", help="Your plan's network in the directory (name or id).")
    ] = None,
    secondary: Annotated[
        str | None,
        typer.Option("--secondary", help="A second plan (file or template) that pays after --plan."),
    ] = None,
    injury_coverage: Annotated[
        Path | None,
        typer.Option("--injury-coverage", help="Workers' comp or auto insurance (YAML) for `injury:` lines."),
    ] = None,
) -> None:
    """What a procedure or a set of claim lines will cost you under a plan (CONTRACTS.md section 2)."""
    from backcover.cli._costs_text import print_estimate
    from backcover.cli._costs_whopays import directory_lines, load_injury, print_who_pays
    from backcover.costs import coordinate, episode_info, episode_lines, load_price_table, parse_lines_data
    from backcover.costs._yaml import load_money_yaml

    fmt = _format(fmt)
    the_plan = _plan(plan)
    if procedure and lines:
        raise BadInput("give either --procedure or --lines, not both", "drop one of them", where="--lines")
    when = None
    if service_date:
        try:
            when = dt.date.fromisoformat(service_date)
        except ValueError:
            raise BadInput(
                f"--service-date {service_date!r} is not a date", "write YYYY-MM-DD", where="--service-date"
            ) from None
    header: dict[str, Any] = {}
    if procedure:
        tables = [load_price_table(prices)] if prices else []
        proc, the_setting, tmpl = episode_info(procedure, setting)
        the_lines = episode_lines(
            procedure,
            the_setting,
            the_plan,
            price_multiple=_decimal_opt(price_multiple, "--price-multiple"),
            tables=tables,
            anesthesia_minutes=_minutes(anesthesia_minutes),
        )
        header = {"procedure": proc.to_json(), "setting": the_setting, "included": tmpl.included}
    elif lines:
        if anesthesia_minutes is not None:
            raise BadInput(
                "--anesthesia-minutes goes with --procedure",
                "give the anesthesia line's allowed amount in the lines file",
                where="--anesthesia-minutes",
            )
        if setting:
            raise BadInput(
                "--setting goes with --procedure",
                "put the setting on each line of the lines file",
                where="--setting",
            )
        the_lines = parse_lines_data(load_money_yaml(lines), str(lines))
    else:
        data = load_money_yaml(Path(plan)) if Path(plan).exists() else None
        if data is None or "lines" not in data:
            raise BadInput(
                "nothing to estimate",
                "give --procedure CODE [--setting S] or --lines LINES.yaml",
                where="--procedure",
            )
        the_lines = parse_lines_data(data, plan)
    the_lines = directory_lines(_apply_prices(the_lines, price or []), directory, network)
    est = coordinate(
        the_plan,
        the_lines,
        secondary=_plan(secondary) if secondary else None,
        injury=load_injury(injury_coverage),
        service_date=when,
    )
    if fmt == "json":
        emit_json({**header, **est.to_json()} if header else est.to_json())
        return
    print_estimate(est, header)
    print_who_pays(est)


@plan_app.command("templates")
@guarded
def plan_templates() -> None:
    """List the built-in plan templates."""
    from backcover.costs import load_plan, template_path, templates

    for name in templates():
        p = load_plan(template_path(name))
        out_console.print(f"{name:32} {p.name}{'  (example numbers)' if p.example else ''}", highlight=False)


@plan_app.command("new")
@guarded
def plan_new(
    template: Annotated[str, typer.Option("--template", help="Template name (backcover plan templates).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write it (default NAME.yaml).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a plan file from a built-in template, for you to edit from your Summary of Benefits."""
    from backcover.costs import template_text

    text = template_text(template)
    path = output or Path(f"{template}.yaml")
    if path.exists() and not force:
        raise BadInput(
            f"{path} already exists", "choose another --output, or add --force to overwrite", str(path)
        )
    atomic_write_text(path, text, mode=0o600)
    err_console.print(
        f"Wrote {path}. Edit it from your plan's Summary of Benefits and Coverage.", highlight=False
    )


@plan_app.command("check")
@guarded
def plan_check(path: Annotated[Path, typer.Argument(help="Plan file.")]) -> None:
    """Check a plan file: exit 2 with the field, line and fix if it is wrong."""
    from backcover.costs import load_plan

    p = load_plan(path)
    out_console.print(f"{path}: ok ({p.name}, {p.kind})", highlight=False)
    for w in p.warnings:
        out_console.print(f"warning: {w}", highlight=False)


@app.command("compare-plans")
@guarded
def compare_plans_cmd(
    plan: Annotated[
        list[str], typer.Option("--plan", help="Plan file or template name; repeat for each plan.")
    ],
    pathway_name: Annotated[str | None, typer.Option("--pathway", help="A named year of care.")] = None,
    year: Annotated[
        Path | None, typer.Option("--year", help="Your own year of care (a `care:` list).")
    ] = None,
    premium: Annotated[
        list[str] | None,
        typer.Option("--premium", help="NAME=MONTHLY premium for a plan (its name or file)."),
    ] = None,
    prices: Annotated[Path | None, typer.Option("--prices", help="Your own price table.")] = None,
    price_multiple: Annotated[
        str | None, typer.Option("--price-multiple", help="Commercial price = Medicare x this.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json or text.")] = "text",
) -> None:
    """Compare plans over a year of back care: premiums + out-of-pocket, and the worst case, side by side."""
    from backcover.cli._costs_text import print_comparison
    from backcover.costs import compare_plans, load_price_table, parse_care, pathway, pathways
    from backcover.costs._money import to_decimal
    from backcover.costs._yaml import load_money_yaml

    fmt = _format(fmt)
    if (pathway_name is None) == (year is None):
        raise BadInput(
            "give either --pathway NAME or --year FILE",
            f"named pathways: {', '.join(pathways())}",
            where="--pathway",
        )
    if pathway_name is not None:
        title, care = pathway(pathway_name)
    else:
        assert year is not None
        data = load_money_yaml(year)
        care = parse_care(data, str(year))
        title = str(data.get("title") or year.name)
    plans = [_plan(p) for p in plan]
    prem: dict[str, Decimal] = {}
    for spec in premium or []:
        name, sep, amount = spec.rpartition("=")
        d = to_decimal(amount)
        if not sep or d is None or d < 0:
            raise BadInput(
                f"--premium {spec!r} is not NAME=MONTHLY",
                "for example --premium ppo.yaml=450",
                where="--premium",
            )
        prem[name] = d
    known = {p.name for p in plans} | {p.file for p in plans} | set(plan)
    for name in prem:
        if name not in known:
            raise BadInput(f"--premium: no plan named {name!r}", suggest(name, known), where="--premium")
    for ref, p in zip(plan, plans, strict=True):
        if ref in prem:
            prem[p.file] = prem[ref]
    tables = [load_price_table(prices)] if prices else []
    cmp = compare_plans(
        plans,
        care,
        title=title,
        premiums=prem,
        tables=tables,
        price_multiple=_decimal_opt(price_multiple, "--price-multiple"),
    )
    if fmt == "json":
        emit_json(cmp.to_json())
        return
    print_comparison(cmp)
