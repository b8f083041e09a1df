"""One call for adapters (HTTP): a JSON request body in, the contract's estimate JSON out.

Body: ``{"plan": {...plan fields...} | "TEMPLATE-NAME", "lines": [...]}`` or
``{"plan": ..., "procedure": "63030", "setting": "asc"}``, optionally ``"price_multiple"``,
``"prices": {"LINE-ID-or-CODE": AMOUNT}`` and ``"service_date": "YYYY-MM-DD"``; and, for who pays
(issue 19), ``"secondary"`` (a plan object or template name), ``"injury_coverage"`` (workers'
compensation or auto insurance), ``"directory"`` (a Plan-Net Bundle or a list of its resources, sent
inline: the server fetches no URL) with ``"network"``.
Bad input raises :class:`BadInput` whose ``file`` is the JSON path of the part at fault.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from backcover.costs._cob import coordinate, parse_injury_coverage
from backcover.costs._directory import Directory, parse_resources
from backcover.costs._episodes import episode_info, episode_lines
from backcover.costs._lines import Line, parse_lines_data
from backcover.costs._model import Plan
from backcover.costs._money import to_decimal
from backcover.costs._network import check_lines
from backcover.costs._plan import load_plan, parse_plan_data
from backcover.costs._templates import template_path, templates
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.yamlio import check_keys, suggest

__all__ = ["estimate_request"]

_KEYS = (
    "plan",
    "lines",
    "procedure",
    "setting",
    "price_multiple",
    "prices",
    "service_date",
    "secondary",
    "injury_coverage",
    "directory",
    "network",
)


def _plan(value: Any, kb: Knowledge | None) -> Plan:
    if isinstance(value, str):
        names = templates(knowledge=kb)
        if value not in names:
            raise BadInput(f"no plan template named {value!r}", suggest(value, names), "$.plan")
        return load_plan(template_path(value, knowledge=kb), knowledge=kb)
    return parse_plan_data(value, "$.plan", knowledge=kb)


def estimate_request(body: Any, *, knowledge: Knowledge | None = None) -> dict[str, Any]:
    """Run an estimate from a JSON body; returns the contract JSON (CONTRACTS.md section 2)."""
    if not isinstance(body, Mapping):
        raise BadInput("the request body must be a JSON object", 'send {"plan": ..., "lines": [...]}', "$")
    check_keys(body, _KEYS, "$", "the request")
    if "plan" not in body:
        raise BadInput("the request has no plan", 'add "plan": a plan object or a template name', "$")
    plan = _plan(body["plan"], knowledge)
    if ("lines" in body) == ("procedure" in body):
        raise BadInput("give either lines or procedure", 'send "lines": [...] or "procedure": "63030"', "$")
    header: dict[str, Any] = {}
    multiple = None
    if body.get("price_multiple") is not None:
        multiple = to_decimal(body["price_multiple"])
        if multiple is None or multiple <= 0:
            raise BadInput("price_multiple must be a positive number", "for example 1.8", "$.price_multiple")
    if "procedure" in body:
        proc, setting, tmpl = episode_info(str(body["procedure"]), body.get("setting"), knowledge=knowledge)
        lines = episode_lines(proc.code, setting, plan, price_multiple=multiple, knowledge=knowledge)
        header = {"procedure": proc.to_json(), "setting": setting, "included": tmpl.included}
    else:
        lines = parse_lines_data({"lines": body["lines"]}, "$.lines")
    prices = body.get("prices") or {}
    if not isinstance(prices, Mapping):
        raise BadInput("prices must map a line id or code to an amount", '{"surgeon": 1800}', "$.prices")
    out: list[Line] = list(lines)
    for key, amount in prices.items():
        d = to_decimal(amount)
        if d is None or d < 0:
            raise BadInput(
                f"price for {key!r} must be an amount", "write a number such as 1800", f"$.prices.{key}"
            )
        hits = [i for i, x in enumerate(out) if x.id == key] or [
            i for i, x in enumerate(out) if x.code == key
        ]
        if not hits:
            raise BadInput(
                f"no line with id or code {key!r}", ", ".join(x.id for x in out), f"$.prices.{key}"
            )
        for i in hits:
            out[i] = out[i].with_price(d, "the price you gave")
    when = None
    if body.get("service_date"):
        try:
            when = dt.date.fromisoformat(str(body["service_date"]))
        except ValueError:
            raise BadInput("service_date is not a date", "write YYYY-MM-DD", "$.service_date") from None
    if body.get("directory") is not None:
        out = check_lines(out, _directory(body["directory"]), _text(body.get("network"), "$.network"))
    elif body.get("network") is not None:
        raise BadInput("network names a network of a directory", 'send "directory" too', "$.network")
    secondary = _plan(body["secondary"], knowledge) if body.get("secondary") is not None else None
    injury = (
        parse_injury_coverage(body["injury_coverage"], "$.injury_coverage")
        if body.get("injury_coverage") is not None
        else None
    )
    est = coordinate(plan, out, secondary=secondary, injury=injury, service_date=when, knowledge=knowledge)
    result = est.to_json()
    return {**header, **result} if header else result


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput("must be a string", "send the network's name or id", where)
    return value


def _directory(value: Any) -> Directory:
    if isinstance(value, Mapping) and value.get("resourceType") == "Bundle":
        entries = value.get("entry") or []
        resources = [e.get("resource") for e in entries if isinstance(e, Mapping)]
    elif isinstance(value, list):
        resources = value
    else:
        raise BadInput(
            "directory must be a FHIR Bundle or a list of Plan-Net resources",
            '{"resourceType": "Bundle", "entry": [{"resource": {...}}]}',
            "$.directory",
        )
    return parse_resources(resources, "$.directory")
