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
from backcover.record.model import Item, Patient, Record, Unrecognized, item_sort_key, make_unrecognized

__all__ = ["PatientIndex", "Source", "merge"]


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
    return PatientIndex(sources).record(patient)


class PatientIndex:
    """Who is who across the inputs, worked out once: then each person's record in turn, each in
    time proportional to that person's items (``merge`` for many people of the same inputs)."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = sources
        uf = _UnionFind()
        patients: dict[str, Patient] = {}
        by_ident: dict[tuple[str, str], str] = {}
        by_name: dict[tuple[str, str], str] = {}
        self.log_patients: list[Patient] = []
        # Each input's item lists by subject, with their place (input, position) for the order.
        self._lists: dict[str | None, list[tuple[int, int, list[Item]]]] = {}
        self._personal: list[tuple[int, int, list[Item]]] = []
        self.warnings = [w for src in sources for w in src.warnings]
        for i, src in enumerate(sources):
            for ref, p in src.patients.items():
                if src.personal:
                    self.log_patients.append(p)
                    continue
                patients[ref] = _combine(patients.get(ref), p)
                uf.find(ref)
            for pos, (subject, its) in enumerate(src.items.items()):
                if src.personal:
                    self._personal.append((i, pos, its))
                    continue
                if subject is not None:
                    uf.find(subject)
                self._lists.setdefault(subject, []).append((i, pos, its))
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
        self.patients = patients
        self.groups: dict[str, set[str]] = {}
        for ref in uf.parent:
            self.groups.setdefault(uf.find(ref), set()).add(ref)

    def record(self, patient: str | None = None) -> Record:
        """The record of one person; ``patient`` picks one when there are several."""
        groups, patients = self.groups, self.patients
        chosen = _choose(groups, patients, patient, self.log_patients)
        refs = groups[chosen] if chosen is not None else set()

        person = Patient()
        for ref in sorted(refs):
            if ref in patients:
                person = _combine(person, patients[ref])
        if person.id is None and chosen is not None:
            person = Patient(id=chosen.split("/", 1)[-1])
        for lp in self.log_patients:
            person = _combine(person, lp)

        lists = [*self._personal]
        for ref in refs:
            lists.extend(self._lists.get(ref, ()))
        if len(groups) <= 1:
            lists.extend(self._lists.get(None, ()))
        lists.sort(key=_place)  # in input order, as the inputs list them
        items: list[Item] = []
        seen: set[tuple[str, str]] = set()
        for _, _, its in lists:
            for it in its:
                key = (it.source.resource, str(it.provenance))  # str: a plain hash, not Enum's
                if key in seen:
                    continue
                seen.add(key)
                items.append(it)
        items.sort(key=item_sort_key)
        return Record(
            patient=person,
            items=tuple(items),
            unrecognized=tuple(_unrecognized(items)),
            warnings=tuple(self.warnings),
        )


def _place(entry: tuple[int, int, list[Item]]) -> tuple[int, int]:
    return entry[0], entry[1]


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
        item_id = it.source.resource
        for c in it.codes:
            key = (c.system, c.code, item_id)
            if key not in seen:
                seen.add(key)
                out.append(make_unrecognized(c.system, c.code, c.display, item_id))
    return out
