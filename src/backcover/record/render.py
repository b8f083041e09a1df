"""Rich rendering of a record's timeline for the terminal."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backcover import DISCLAIMER, codesets
from backcover.record.model import Item, Record

__all__ = ["describe_when", "render_record"]

_PROVENANCE_STYLE = {"ehr": "green", "claim": "cyan", "self_reported": "magenta"}


def describe_when(it: Item) -> str:
    if it.when is None:
        return "undated"
    start = it.when.start_date.isoformat()
    if it.when.end is not None and it.when.end_date != it.when.start_date:
        return f"{start} – {it.when.end_date.isoformat() if it.when.end_date else ''}"
    if it.when.ongoing:
        return f"{start} – ongoing"
    return start


def render_record(record: Record, *, only_recognized: bool = False) -> RenderableType:
    p = record.patient
    head = Text()
    head.append("Patient ", style="bold")
    head.append(f"{p.name or p.id or 'unknown'}")
    if p.birth_date:
        head.append(f"  born {p.birth_date.isoformat()}")
    if p.id:
        head.append(f"  id {p.id}", style="dim")
    table = Table(show_lines=False, expand=True, header_style="bold")
    table.add_column("When", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("What", ratio=3)
    table.add_column("Concept", ratio=2)
    table.add_column("Region", no_wrap=True)
    table.add_column("Source", no_wrap=True)
    shown = 0
    for it in record.items:
        if only_recognized and it.concept is None:
            continue
        shown += 1
        what = it.text or (it.codes[0].display if it.codes else "") or ""
        if it.value is not None:
            what = f"{what}: {it.value}{(' ' + it.unit) if it.unit else ''}"
        concept = codesets.concept_label(it.concept) if it.concept else Text("not recognised", style="dim")
        src = Text(it.provenance, style=_PROVENANCE_STYLE.get(it.provenance, ""))
        table.add_row(
            describe_when(it), it.kind.value, what, concept, it.region.value if it.region else "", src
        )
    foot = Text()
    foot.append(f"{shown} items shown of {len(record.items)}; ")
    foot.append(f"{len(record.unrecognized)} codes not recognised (kept; see --format json).\n", style="dim")
    for w in record.warnings:
        foot.append(f"note: {w}\n", style="yellow")
    foot.append(DISCLAIMER, style="italic dim")
    return Group(head, table, foot)
