"""`backcover estimate`'s who-pays options: --directory / --network (each clinician's network,
checked), --secondary and --injury-coverage (who pays first), and the text block that shows, per line,
what was checked where and when, the payer order and what is left after each payer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from backcover.cli._app import out_console
from backcover.costs import Estimate, Line
from backcover.costs._cob import InjuryCoverage, parse_injury_coverage
from backcover.costs._network import check_lines, npis_of
from backcover.costs._yaml import load_money_yaml
from backcover.errors import BadInput

__all__ = ["directory_lines", "load_injury", "print_who_pays"]


def directory_lines(lines: list[Line], directory: str | None, network: str | None) -> list[Line]:
    """The lines with network status from the directory (unchanged without --directory)."""
    if directory is None:
        if network is not None:
            raise BadInput(
                "--network names a network of a directory", "add --directory PATH_OR_URL", where="--network"
            )
        return lines
    from backcover.costs._directory_io import read_directory  # httpx only when a directory is given

    checked_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    d = read_directory(directory, npis=npis_of(lines), checked_at=checked_at)
    return check_lines(lines, d, network)


def load_injury(path: Path | None) -> InjuryCoverage | None:
    if path is None:
        return None
    return parse_injury_coverage(load_money_yaml(path), str(path))


def _money(v: str | None) -> str:
    return "-" if v is None else f"${v}"


def print_who_pays(est: Estimate) -> None:
    """Per line: the directory check, the both-ways prices and each payer; then order and years."""
    out = est.to_json()
    c = out_console
    rows = [ln for ln in out["lines"] if {"network_source", "both_ways", "payers"} & ln.keys()]
    if not (rows or "payer_order" in out or len(out.get("plan_years", [])) > 1):
        return
    c.print("\n[bold]Who pays[/]", highlight=False)
    for ln in rows:
        c.print(f"  [bold]{ln['id']}[/]", highlight=False)
        src = ln.get("network_source")
        if src:
            when = f" on {src['checked_at']}" if src.get("checked_at") else ""
            who = f"NPI {src['npi']}" if src.get("npi") else "no NPI"
            c.print(
                f"    network {src['status']}: {who} checked in {src['directory']}"
                f"{' (' + src['network'] + ')' if src.get('network') else ''}{when}: {src['reason']}",
                highlight=False,
                markup=False,
            )
            if "facility" in src:
                f = src["facility"]
                c.print(f"    facility NPI {f['npi']}: {f['status']}", highlight=False, markup=False)
        both = ln.get("both_ways")
        if both:
            c.print(
                f"    priced both ways: in network {_money(both['in']['patient_total'])}, out of network "
                f"{_money(both['out']['patient_total'])}; the totals take the worse ({both['worse']})",
                highlight=False,
                markup=False,
            )
        for p in ln.get("payers") or []:
            extra = f", writes off {_money(p['written_off'])}" if "written_off" in p else ""
            c.print(
                f"    {p['order']}. {p['payer']} ({p['method'].replace('_', '-')}) pays {_money(p['pays'])}"
                f"{extra}; you owe {_money(p['you_owe_after'])} after it",
                highlight=False,
                markup=False,
            )
    if "payer_order" in out:
        c.print("\n  Payer order:", highlight=False)
        for i, p in enumerate(out["payer_order"], 1):
            c.print(f"    {i}. {p['payer']} ({p['for']}): {p['basis']}", highlight=False, markup=False)
        cob: dict[str, Any] = out.get("coordination") or {}
        if cob:
            c.print(f"  Method: {cob['method']} ({cob['source']})", highlight=False, markup=False)
    years = out.get("plan_years") or []
    if len(years) > 1:
        c.print("\n  Plan years:", highlight=False)
        for y in years:
            c.print(
                f"    {y['start']} to {y['end']}: {', '.join(y['lines'])}; "
                f"you pay {_money(y['patient_total'])}",
                highlight=False,
                markup=False,
            )
