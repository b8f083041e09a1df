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
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from backcover import codesets
from backcover.dates import parse_date_only
from backcover.errors import BadInput
from backcover.record.merge import Source
from backcover.record.model import Item, ItemKind, Patient, Region, SourceRef, When
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

_SCALES: dict[str, tuple[str, Decimal]] = {
    "nrs": ("pain_nrs", Decimal(10)),
    "peg": ("peg_score", Decimal(10)),
    "odi": ("odi_score", Decimal(100)),
    "rmdq": ("rmdq_score", Decimal(24)),
}
_THERAPY = {
    "physical_therapy": "physical_therapy",
    "pt": "physical_therapy",
    "occupational_therapy": "occupational_therapy",
    "chiropractic": "chiropractic_manipulation",
    "acupuncture": "acupuncture",
    "massage": "massage",
    "cupping": "massage",
    "home_exercise": "home_exercise",
    "cbt": "cognitive_behavioral_therapy",
    "cognitive_behavioral_therapy": "cognitive_behavioral_therapy",
    "osteopathic": "osteopathic_manipulation",
}
_IMAGING = {
    ("mri", True): "lumbar_mri",
    ("mri", False): "cervical_mri",
    ("ct", True): "lumbar_ct",
    ("xray", True): "lumbar_xray",
    ("x-ray", True): "lumbar_xray",
    ("emg", True): "emg_ncs",
    ("emg", False): "emg_ncs",
    ("dxa", True): "bone_density_scan",
}
_INJECTIONS = {
    "epidural": "lumbar_esi",
    "interlaminar": "lumbar_esi_interlaminar",
    "transforaminal": "lumbar_esi_transforaminal",
    "medial_branch_block": "medial_branch_block",
    "facet": "medial_branch_block",
    "rfa": "lumbar_facet_rfa",
    "radiofrequency_ablation": "lumbar_facet_rfa",
    "sacroiliac": "sacroiliac_injection",
    "trigger_point": "trigger_point_injection",
    "scs_trial": "scs_trial",
}
_HELPED = ("yes", "no", "partly")


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def bad(self, node: Any, key: str | int | None, problem: str, fix: str) -> BadInput:
        return BadInput(problem, fix, self.file, line_of(node, key))

    def day(self, node: Any, key: str) -> date:
        raw = node[key]
        if isinstance(raw, (date, datetime)):
            return raw if not isinstance(raw, datetime) else raw.date()
        try:
            return parse_date_only(str(raw))
        except BadInput as exc:
            raise self.bad(
                node, key, f"{key}: {exc.problem}", "write dates as YYYY-MM-DD, e.g. 2026-05-04"
            ) from None

    def opt_date(self, node: Any, key: str) -> date | None:
        return self.day(node, key) if node.get(key) not in (None, "") else None

    def number(self, node: Any, key: str, lo: Decimal, hi: Decimal) -> Decimal:
        raw = node[key]
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            value = Decimal(str(raw).strip().rstrip("%"))
        except (InvalidOperation, ValueError):
            raise self.bad(
                node, key, f"{key} must be a number, got {raw!r}", f"write a number from {lo} to {hi}"
            ) from None
        if not lo <= value <= hi:
            raise self.bad(
                node, key, f"{key} {value} is outside {lo}..{hi}", f"write a number from {lo} to {hi}"
            )
        return value

    def choice(self, node: Any, key: str, choices: Mapping[str, Any] | tuple[str, ...]) -> str:
        raw = str(node[key]).strip().lower().replace(" ", "_").replace("-", "_")
        if raw not in choices:
            raise self.bad(node, key, f"unknown {key} {node[key]!r}", suggest(raw, choices))
        return raw

    def region(self, node: Any) -> Region | None:
        raw = node.get("region")
        if raw in (None, ""):
            return None
        text = str(raw).strip().lower()
        aliases = {"lower back": "lumbar", "low back": "lumbar", "neck": "cervical", "mid back": "thoracic"}
        text = aliases.get(text, text)
        try:
            return Region(text)
        except ValueError:
            raise self.bad(
                node, "region", f"unknown region {raw!r}", suggest(text, [r.value for r in Region])
            ) from None


def parse_log_text(text: str, file: str) -> Source:
    doc = load_yaml_text(text, file)
    return _parse(doc, file)


def parse_log(path: Path) -> Source:
    return _parse(load_yaml(path), str(path))


def _parse(doc: Any, file: str) -> Source:
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
    r = _Reader(file)
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
            items.extend(_ENTRY[section](r, entry, SourceRef(f"log/{section}[{i}]", file)))
    if not items and not src.patients:
        raise BadInput(
            "the treatment log has no entries", "add an entry under a section such as 'pain:'", file
        )
    src.items[None] = items
    return src


def _mk(kind: ItemKind, when: When | None, src: SourceRef, concept: str | None, **kw: Any) -> Item:
    concepts = (concept,) if concept else ()
    return Item(
        kind=kind,
        when=when,
        codes=(),
        provenance="self_reported",
        source=src,
        concept=concept,
        concepts=concepts,
        **kw,
    )


def _period(r: _Reader, e: Any, start_key: str = "start") -> When:
    start = r.day(e, start_key)
    end = r.opt_date(e, "end")
    if end is not None and end < start:
        raise r.bad(e, "end", f"end {end} is before start {start}", "fix the start or end date")
    return When(start, end, ongoing=end is None)


def _pain(r: _Reader, e: Any, src: SourceRef) -> list[Item]:
    scale = r.choice(e, "scale", tuple(_SCALES)) if e.get("scale") else "nrs"
    concept, hi = _SCALES[scale]
    value = r.number(e, "score", Decimal(0), hi)
    details = {"note": str(e["note"])} if e.get("note") else {}
    return [
        _mk(
            ItemKind.SCORE,
            When(r.day(e, "date")),
            src,
            concept,
            text=f"pain/function score ({scale.upper()})",
            value=value,
            scale=scale,
            region=r.region(e),
            details=details,
        )
    ]


def _medicine(r: _Reader, e: Any, src: SourceRef) -> list[Item]:
    name = str(e["name"])
    concept = codesets.match_medication_text(name)
    details: dict[str, Any] = {
        k: str(e[k]) for k in ("dose", "side_effects", "prescribed_by", "note") if e.get(k)
    }
    if e.get("helped") is not None:
        raw = e["helped"]
        details["helped"] = (
            ("yes" if raw else "no") if isinstance(raw, bool) else r.choice(e, "helped", _HELPED)
        )
    return [_mk(ItemKind.MEDICATION, _period(r, e), src, concept, text=name, details=details)]


def _visit(r: _Reader, e: Any, src: SourceRef) -> list[Item]:
    words = " ".join(str(e.get(k) or "") for k in ("specialty", "with", "reason"))
    concept = codesets.match_visit_text(words) or "office_visit"
    details = {k: str(e[k]) for k in ("with", "specialty", "reason", "note") if e.get(k)}
    return [
        _mk(
            ItemKind.ENCOUNTER,
            When(r.day(e, "date")),
            src,
            concept,
            text=str(e.get("specialty") or "visit"),
            details=details,
        )
    ]


def _therapy(r: _Reader, e: Any, src: SourceRef) -> list[Item]:
    kind = r.choice(e, "type", _THERAPY)
    if e.get("date") is not None:
        when = When(r.day(e, "date"))
    elif e.get("start") is not None:
        when = _period(r, e)
    else:
        raise r.bad(e, None, "a therapy entry needs a date, or a start (and end)", "add date: YYYY-MM-DD")
    details: dict[str, Any] = {k: str(e[k]) for k in ("with", "note") if e.get(k)}
    if e.get("sessions") is not None:
        details["sessions"] = int(r.number(e, "sessions", Decimal(1), Decimal(1000)))
    return [
        _mk(
            ItemKind.PROCEDURE,
            when,
            src,
            _THERAPY[kind],
            text=kind.replace("_", " "),
            region=r.region(e),
            details=details,
        )
    ]


def _exercise(r: _Reader, e: Any, src: SourceRef) -> list[Item]:
    details = {k: str(e[k]) for k in ("how_often", "note") if e.get(k)}
    return [
        _mk(
            ItemKind.PROCEDURE,
            _period(r, e),
            src,
            "home_exercise",
            text=str(e.get("what") or "home exercise"),
            details=details,
        )
    ]


def _imaging(r: _Reader, e: Any, src: SourceRef) -> list[Item]:
    kind = str(e["type"]).strip().lower()
    region = r.region(e) or Region.LUMBAR
    concept = _IMAGING.get((kind, region.is_low_back))
    if concept is None and kind not in {k for k, _ in _IMAGING}:
        raise r.bad(
            e, "type", f"unknown imaging type {e['type']!r}", suggest(kind, sorted({k for k, _ in _IMAGING}))
        )
    details = {k: str(e[k]) for k in ("findings", "where", "note") if e.get(k)}
    item_kind = ItemKind.PROCEDURE if kind == "emg" else ItemKind.IMAGING
    return [
        _mk(
            item_kind,
            When(r.day(e, "date")),
            src,
            concept or "imaging",
            text=details.get("findings") or kind.upper(),
            region=region,
            details=details,
        )
    ]


def _injection(r: _Reader, e: Any, src: SourceRef) -> list[Item]:
    kind = r.choice(e, "type", _INJECTIONS)
    day = r.day(e, "date")
    details: dict[str, Any] = {k: str(e[k]) for k in ("with", "level", "note") if e.get(k)}
    if e.get("relief_percent") is not None:
        details["relief_percent"] = r.number(e, "relief_percent", Decimal(0), Decimal(100))
    if e.get("relief_weeks") is not None:
        details["relief_weeks"] = r.number(e, "relief_weeks", Decimal(0), Decimal(520))
    items = [
        _mk(
            ItemKind.PROCEDURE,
            When(day),
            src,
            _INJECTIONS[kind],
            text=kind.replace("_", " "),
            region=r.region(e) or Region.LUMBAR,
            details=details,
        )
    ]
    for key, timing in (("pain_before", "before"), ("pain_after", "after")):
        if e.get(key) is not None:
            score = r.number(e, key, Decimal(0), Decimal(10))
            items.append(
                _mk(
                    ItemKind.SCORE,
                    When(day),
                    SourceRef(f"{src.resource}/{key}", src.file),
                    "pain_nrs",
                    value=score,
                    scale="nrs",
                    refs=(src.resource,),
                    details={"timing": timing},
                )
            )
    return items


def _document(r: _Reader, e: Any, src: SourceRef) -> list[Item]:
    details = {k: str(e[k]) for k in ("file", "type", "note") if e.get(k)}
    when = When(r.day(e, "date")) if e.get("date") else None
    return [_mk(ItemKind.DOCUMENT, when, src, None, text=str(e["title"]), details=details)]


_ENTRY = {
    "pain": _pain,
    "medicines": _medicine,
    "visits": _visit,
    "therapy": _therapy,
    "exercise": _exercise,
    "imaging": _imaging,
    "injections": _injection,
    "documents": _document,
}


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
