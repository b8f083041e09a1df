"""Reading and checking ``knowledge/insurers.yaml`` into the values of ``_insurer_model``.

A typo is refused with the file, the line and the closest valid name, as for policy packs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backcover.engine._insurer_model import (
    AREAS,
    INSURER_PAYERS,
    Citation,
    Insurer,
    InsurerTable,
    Offer,
    Vendor,
)
from backcover.engine._pack_fields import field_date, field_text
from backcover.errors import BadInput
from backcover.yamlio import check_keys, line_of, load_yaml, suggest

__all__ = ["read_table"]


def _citation(node: Any, file: str, where: str | None, what: str) -> Citation:
    if not isinstance(node, Mapping):
        raise BadInput(
            f"{what} needs a source {{url, section, effective or checked, confidence}}",
            "add source: {url: ..., section: ..., checked: YYYY-MM-DD}",
            file,
            where,
        )
    check_keys(node, ("url", "section", "effective", "checked", "confidence"), file, "source")
    here = line_of(node) or where
    eff = node.get("effective")
    conf = str(node["confidence"]).strip() if node.get("confidence") else None
    if eff == "unconfirmed":
        eff = None
        if not conf:
            raise BadInput(
                f"{what}: an unconfirmed date needs a confidence note",
                "say what was and was not read in confidence: ...",
                file,
                here,
            )
    checked = node.get("checked")
    if eff is None and checked is None and node.get("effective") != "unconfirmed":
        raise BadInput(
            f"{what}: the source needs an effective date or the day it was checked",
            "add effective: YYYY-MM-DD or checked: YYYY-MM-DD",
            file,
            here,
        )
    return Citation(
        url=field_text(node, "url", file, f"{what}'s source"),
        section=field_text(node, "section", file, f"{what}'s source"),
        effective=field_date(eff, file, here) if eff is not None else None,
        checked=field_date(checked, file, here) if checked is not None else None,
        confidence=conf,
    )


def _offers(node: Any, file: str, slug: str, where: str | None) -> dict[str, Offer]:
    if not isinstance(node, Mapping):
        raise BadInput(
            f"insurer {slug} needs offers: {{commercial: ..., medicare-advantage: ..., medicaid: ...}}",
            "say for each payer kind whether the insurer offers plans of it",
            file,
            where,
        )
    check_keys(node, INSURER_PAYERS, file, "offers")
    out: dict[str, Offer] = {}
    for payer in INSURER_PAYERS:
        entry = node.get(payer)
        what = f"insurer {slug}, offers {payer}"
        if not isinstance(entry, Mapping):
            raise BadInput(
                f"{what}: missing", "write offered: true|false and its source", file, line_of(node) or where
            )
        check_keys(entry, ("offered", "source", "note"), file, f"offers {payer}")
        offered = entry.get("offered")
        if not isinstance(offered, bool):
            raise BadInput(f"{what}: offered must be true or false", "write offered: true or false", file)
        out[payer] = Offer(
            offered,
            _citation(entry.get("source"), file, line_of(entry), what),
            str(entry["note"]).strip() if entry.get("note") else None,
        )
    return out


def _vendors(node: Any, file: str, slug: str) -> tuple[Vendor, ...]:
    if node is None:
        return ()
    if not isinstance(node, Mapping):
        raise BadInput(f"insurer {slug}: vendors must be a mapping", "write vendors: {imaging: [...]}", file)
    check_keys(node, AREAS, file, "vendors")
    out: list[Vendor] = []
    for area, entries in node.items():
        for entry in entries if isinstance(entries, list) else [entries]:
            what = f"insurer {slug}, vendor for {area}"
            if not isinstance(entry, Mapping):
                raise BadInput(f"{what} must be a mapping", "write {name: ..., source: {...}}", file)
            check_keys(entry, ("name", "payers", "source", "note"), file, f"vendors {area}")
            payers = entry.get("payers")
            if payers is not None:
                for p in payers:
                    if str(p) not in INSURER_PAYERS:
                        raise BadInput(
                            f"{what}: unknown payer {p!r}",
                            suggest(str(p), INSURER_PAYERS),
                            file,
                            line_of(entry, "payers"),
                        )
            out.append(
                Vendor(
                    area=str(area),
                    name=field_text(entry, "name", file, what),
                    source=_citation(entry.get("source"), file, line_of(entry), what),
                    payers=tuple(str(p) for p in payers) if payers is not None else None,
                    note=str(entry["note"]).strip() if entry.get("note") else None,
                )
            )
    return tuple(out)


def read_table(path: Path) -> InsurerTable:
    file = str(path)
    data = load_yaml(path)
    if not isinstance(data, Mapping) or not isinstance(data.get("insurers"), list):
        raise BadInput("insurers.yaml must have insurers: [...]", "list each insurer under insurers:", file)
    check_keys(data, ("insurers", "service_areas"), file, "insurers.yaml")
    by_slug: dict[str, Insurer] = {}
    for node in data["insurers"]:
        if not isinstance(node, Mapping):
            raise BadInput("an insurer must be a mapping", "write slug: ..., name: ...", file)
        check_keys(node, ("slug", "name", "offers", "vendors", "notes"), file, "insurer")
        slug = field_text(node, "slug", file, "an insurer")
        if slug in by_slug:
            raise BadInput(
                f"insurer {slug!r} is listed twice", "keep one entry per insurer", file, line_of(node)
            )
        if slug != slug.lower() or " " in slug:
            raise BadInput(
                f"insurer slug {slug!r} must be lower case without spaces",
                "use e.g. unitedhealthcare",
                file,
                line_of(node, "slug"),
            )
        by_slug[slug] = Insurer(
            slug=slug,
            name=field_text(node, "name", file, f"insurer {slug}"),
            offers=_offers(node.get("offers"), file, slug, line_of(node, "offers") or line_of(node)),
            vendors=_vendors(node.get("vendors"), file, slug),
            notes=tuple(str(n) for n in node.get("notes") or ()),
        )
    areas: dict[str, str] = {}
    raw_areas = data.get("service_areas") or {}
    check_keys(raw_areas, AREAS, file, "service_areas")
    for area, families in raw_areas.items():
        for fam in families or ():
            areas[str(fam)] = str(area)
    return InsurerTable(by_slug, areas, file)
