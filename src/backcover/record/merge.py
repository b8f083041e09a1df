"""Merging inputs into one person's record.

Patient resources that share an identifier (system and value), or that have the same name and
birth date, are one person (CONTRACTS.md section 1). An EHR export and a Blue Button claims export
of the same person therefore merge. Items without a Patient resource in any input are grouped by
the patient reference they carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from backcover.errors import BadInput
from backcover.record.model import Item, Patient, Record, Unrecognized, item_sort_key

__all__ = ["Source", "merge"]


@dataclass
class Source:
    """One input, parsed: its patients ("Patient/id" -> Patient) and its items by subject."""

    file: str
    patients: dict[str, Patient] = field(default_factory=dict)
    items: dict[str | None, list[Item]] = field(default_factory=dict)
    personal: bool = False  # a treatment log: its items belong to the person asked about
    warnings: list[str] = field(default_factory=list)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _name_key(p: Patient) -> tuple[str, str] | None:
    if not p.name or p.birth_date is None:
        return None
    return (" ".join(p.name.lower().split()), p.birth_date.isoformat())


def merge(sources: Sequence[Source], patient: str | None = None) -> Record:
    """Merge inputs into the record of one person; ``patient`` picks one when there are several."""
    uf = _UnionFind()
    patients: dict[str, Patient] = {}
    by_ident: dict[tuple[str, str], str] = {}
    by_name: dict[tuple[str, str], str] = {}
    log_patients: list[Patient] = []
    for src in sources:
        for ref, p in src.patients.items():
            if src.personal:
                log_patients.append(p)
                continue
            patients[ref] = _combine(patients.get(ref), p)
            uf.find(ref)
        for subject in src.items:
            if subject is not None and not src.personal:
                uf.find(subject)
    for ref, p in patients.items():
        for ident in p.identifiers:
            if ident in by_ident:
                uf.union(ref, by_ident[ident])
            else:
                by_ident[ident] = ref
        nk = _name_key(p)
        if nk is not None:
            if nk in by_name:
                uf.union(ref, by_name[nk])
            else:
                by_name[nk] = ref

    groups: dict[str, set[str]] = {}
    for ref in uf.parent:
        groups.setdefault(uf.find(ref), set()).add(ref)

    chosen = _choose(groups, patients, patient, log_patients)
    refs = groups[chosen] if chosen is not None else set()

    person = Patient()
    for ref in sorted(refs):
        if ref in patients:
            person = _combine(person, patients[ref])
    if person.id is None and chosen is not None:
        person = Patient(id=chosen.split("/", 1)[-1])
    for lp in log_patients:
        person = _combine(person, lp)

    items: list[Item] = []
    seen: set[tuple[str, str]] = set()
    warnings: list[str] = []
    single = len(groups) <= 1
    for src in sources:
        warnings.extend(src.warnings)
        for subject, its in src.items.items():
            mine = src.personal or (subject in refs) or (subject is None and single)
            if not mine:
                continue
            for it in its:
                key = (it.source.resource, str(it.provenance))  # str: a plain hash, not Enum's
                if key in seen:
                    continue
                seen.add(key)
                items.append(it)
    items.sort(key=item_sort_key)
    return Record(
        patient=person, items=tuple(items), unrecognized=tuple(_unrecognized(items)), warnings=tuple(warnings)
    )


def _choose(
    groups: dict[str, set[str]], patients: dict[str, Patient], wanted: str | None, log_patients: list[Patient]
) -> str | None:
    if wanted is not None:
        w = wanted.strip()
        for root, refs in groups.items():
            for ref in refs:
                p = patients.get(ref)
                if (
                    ref == w
                    or ref.split("/", 1)[-1] == w
                    or (p is not None and any(v == w for _, v in p.identifiers))
                ):
                    return root
        raise BadInput(
            f"no patient with id {wanted!r} in these inputs",
            f"use one of: {'; '.join(_describe(groups, patients))}"
            if groups
            else "check the --patient value",
            where="--patient",
        )
    if len(groups) > 1:
        if log_patients:
            # A treatment log names its person: pick the group with the same name and birth date.
            keys = {_name_key(lp) for lp in log_patients} - {None}
            for root, refs in groups.items():
                if any(_name_key(patients[r]) in keys for r in refs if r in patients):
                    return root
        raise BadInput(
            f"the inputs describe {len(groups)} different people",
            f"choose one with --patient ID: {'; '.join(_describe(groups, patients))}",
            where="--patient",
        )
    return next(iter(groups), None)


def _describe(groups: dict[str, set[str]], patients: dict[str, Patient] | None = None) -> list[str]:
    """Each person as "ID (Name, born DATE)", so the choice is made by name, not by a bare id."""
    from backcover.names import plain_name

    out = []
    for refs in groups.values():
        first = sorted(refs)[0]
        p = next((patients[r] for r in sorted(refs) if patients and r in patients and patients[r].name), None)
        who = ", ".join(
            x
            for x in (
                plain_name(p.name) if p else None,
                f"born {p.birth_date}" if p and p.birth_date else None,
            )
            if x
        )
        out.append(first.split("/", 1)[-1] + (f" ({who})" if who else ""))
    return sorted(out)


def _combine(a: Patient | None, b: Patient) -> Patient:
    if a is None:
        return b
    return Patient(
        id=a.id or b.id,
        name=a.name or b.name,
        birth_date=a.birth_date or b.birth_date,
        gender=a.gender or b.gender,
        identifiers=tuple(dict.fromkeys(a.identifiers + b.identifiers)),
        state=a.state or b.state,
        sources=tuple(dict.fromkeys(a.sources + b.sources)),
    )


def _unrecognized(items: Iterable[Item]) -> list[Unrecognized]:
    out: list[Unrecognized] = []
    seen: set[tuple[str, str, str]] = set()
    for it in items:
        if it.concept is not None:
            continue
        for c in it.codes:
            key = (c.system, c.code, it.id)
            if key not in seen:
                seen.add(key)
                out.append(Unrecognized(c.system, c.code, c.display, it.id))
    return out
