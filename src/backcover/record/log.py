"""The patient's own treatment log: a YAML file a person can write by hand.

Example::

    patient: {name: Jane Doe, birth_date: 1980-04-02}     # optional
    pain:
      - {date: 2026-05-01, score: 7, scale: nrs, region: lumbar, note: worse after sitting}
    medicines:
      - {name: ibuprofen, dose: 400 mg 3x a day, start: 2026-04-01, end: 2026-05-15,
         helped: partly, side_effects: upset stomach}
    visits:
      - {date: 2026-04-03, with: Dr. Lee, specialty: primary care, reason: back pain}
    therapy:
      - {start: 2026-04-10, end: 2026-05-20, type: physical_therapy, sessions: 8, with: Move Well PT}
    exercise:
      - {start: 2026-04-10, what: home exercises from PT, how_often: daily}
    imaging:
      - {date: 2026-05-04, type: mri, region: lumbar, findings: L5-S1 disc bulge}
    injections:
      - {date: 2026-06-01, type: transforaminal, region: lumbar, pain_before: 7, pain_after: 2,
         relief_percent: 70, relief_weeks: 12}
    documents:
      - {date: 2026-05-04, title: MRI report, file: mri-report.pdf}

Every entry becomes a record item with ``self_reported`` provenance. :func:`append_entry` adds an
entry safely (the file is rewritten atomically with owner-only permissions, comments kept).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from backcover.codesets import Codesets, codesets_for
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.record._log_entries import ENTRY, Reader
from backcover.record.merge import Source
from backcover.record.model import Item, Patient, SourceRef
from backcover.yamlio import (
    atomic_write_text,
    check_keys,
    dump_yaml,
    line_of,
    load_yaml,
    load_yaml_text,
    suggest,
)

__all__ = ["SECTIONS", "append_entry", "parse_log", "parse_log_text"]


@dataclass(frozen=True)
class _Section:
    fields: tuple[str, ...]
    required: tuple[str, ...]


SECTIONS: dict[str, _Section] = {
    "pain": _Section(("date", "score", "scale", "region", "note", "time"), ("date", "score")),
    "medicines": _Section(
        ("name", "dose", "start", "end", "helped", "side_effects", "prescribed_by", "note"), ("name", "start")
    ),
    "visits": _Section(("date", "with", "specialty", "reason", "note"), ("date",)),
    "therapy": _Section(("date", "start", "end", "type", "sessions", "with", "region", "note"), ("type",)),
    "exercise": _Section(("start", "end", "what", "how_often", "note"), ("start",)),
    "imaging": _Section(("date", "type", "region", "findings", "where", "note"), ("date", "type")),
    "injections": _Section(
        (
            "date",
            "type",
            "region",
            "level",
            "with",
            "pain_before",
            "pain_after",
            "relief_percent",
            "relief_weeks",
            "note",
        ),
        ("date", "type"),
    ),
    "documents": _Section(("date", "title", "file", "type", "note"), ("title",)),
}


def parse_log_text(text: str, file: str, knowledge: Knowledge | None = None) -> Source:
    """The items of a treatment log held as text (``file`` names it in errors)."""
    doc = load_yaml_text(text, file)
    return _parse(doc, file, codesets_for(knowledge))


def parse_log(path: Path, knowledge: Knowledge | None = None) -> Source:
    return _parse(load_yaml(path), str(path), codesets_for(knowledge))


def _parse(doc: Any, file: str, codesets: Codesets) -> Source:
    if doc is None:
        raise BadInput(
            "the treatment log is empty", "add at least one section such as 'pain:' or 'medicines:'", file
        )
    if not isinstance(doc, CommentedMap):
        raise BadInput(
            "a treatment log must be a set of sections (pain:, medicines:, ...)",
            "start the file with a section name followed by a colon",
            file,
            line_of(doc),
        )
    r = Reader(file, codesets)
    check_keys(doc, ["patient", *SECTIONS], file, "the treatment log")
    src = Source(file=file, personal=True)
    if doc.get("patient") is not None:
        p = doc["patient"]
        if not isinstance(p, CommentedMap):
            raise r.bad(
                doc,
                "patient",
                "patient must be a mapping",
                "write patient: {name: ..., birth_date: YYYY-MM-DD}",
            )
        check_keys(p, ["name", "birth_date", "id"], file, "patient")
        src.patients["log"] = Patient(
            id=str(p["id"]) if p.get("id") else None,
            name=str(p["name"]) if p.get("name") else None,
            birth_date=r.opt_date(p, "birth_date"),
            sources=(file,),
        )
    items: list[Item] = []
    for section, spec in SECTIONS.items():
        entries = doc.get(section)
        if entries is None:
            continue
        if not isinstance(entries, CommentedSeq):
            raise r.bad(
                doc,
                section,
                f"{section} must be a list of entries",
                f"start each entry with '- ' under {section}:",
            )
        for i, entry in enumerate(entries):
            if not isinstance(entry, CommentedMap):
                raise r.bad(
                    entries,
                    i,
                    f"entry {i + 1} of {section} must be a mapping",
                    "write it as {field: value, ...}",
                )
            check_keys(entry, spec.fields, file, f"{section} entry {i + 1}")
            for req in spec.required:
                if entry.get(req) in (None, ""):
                    raise r.bad(
                        entries, i, f"{section} entry {i + 1} has no {req}", f"add {req}: to the entry"
                    )
            items.extend(ENTRY[section](r, entry, SourceRef(f"log/{section}[{i}]", file)))
    if not items and not src.patients:
        raise BadInput(
            "the treatment log has no entries", "add an entry under a section such as 'pain:'", file
        )
    src.items[None] = items
    return src


def append_entry(path: Path, section: str, entry: Mapping[str, Any]) -> Item:
    """Append one entry to a log file (creating it), validate the result, and write it atomically.

    Nothing is written if the new entry or the file is invalid. Returns the new entry's first item.
    """
    if section not in SECTIONS:
        raise BadInput(f"unknown log section {section!r}", suggest(section, SECTIONS))
    path = Path(path)
    doc: Any = load_yaml(path) if path.exists() and path.stat().st_size > 0 else None
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise BadInput("the log file is not a set of sections", "fix the file by hand first", str(path))
    seq = doc.get(section)
    if seq is None:
        seq = CommentedSeq()
        doc[section] = seq
    new = CommentedMap()
    for k, v in entry.items():
        if v is not None:
            new[k] = v.isoformat() if isinstance(v, date) else v
    new.fa.set_flow_style()
    seq.append(new)
    text = dump_yaml(doc)
    parsed = parse_log_text(text, str(path))  # validate everything before writing
    atomic_write_text(path, text)
    index = len(seq) - 1
    ref = f"log/{section}[{index}]"
    return next(it for it in parsed.items[None] if it.source.resource == ref)
