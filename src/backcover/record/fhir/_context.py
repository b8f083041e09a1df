"""What every FHIR mapper shares: the per-input context and the readers of FHIR data types.

The import makes an item per resource, so these are written for speed: codings are shared (one
:class:`Coding` per system, code and display), a mapper asks for a coding's concept once and
hands the answer to :meth:`Ctx.item`, names of fields are only put together for a message, and
items are made with :func:`make_item`. What they read and what they make is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from backcover.codesets import Codesets
from backcover.dates import Instant, fast_datetime, parse_fhir_datetime
from backcover.errors import BadInput
from backcover.record.codes import Coding
from backcover.record.details import Details, empty_details
from backcover.record.fhir._read import Found
from backcover.record.fhir._values import human_name, lst, status_of, tail, text_of
from backcover.record.model import Item, When, make_item, make_source, make_when
from backcover.vocab import ItemKind, Provenance, Region

__all__ = ["Ctx", "Matched"]

_NO_URLS: Mapping[str, str] = {}

Matched = tuple[list[str], Region | None, str | None]
"""What a list of codings maps to: the concepts (in order), the first region and the first scale."""

_VISIT_KINDS = (ItemKind.ENCOUNTER, ItemKind.REFERRAL)


class RefIndex(Protocol):
    """Resources by ``Type/id`` (a dict, or the streaming reader's index)."""

    def get(self, key: str, /) -> dict[str, Any] | None: ...


class Ctx:
    """Per-input state: where we are, the code sets, and the resources that others refer to."""

    __slots__ = ("_index", "_resources", "cs", "file", "full_urls", "lookup", "notes", "rid", "seen", "where")

    def __init__(self, file: str, resources: Sequence[Found], codesets: Codesets) -> None:
        self.file = file
        self.cs = codesets
        self.lookup = codesets.lookup
        self._resources = resources
        self._index: RefIndex | None = None  # built when a reference is first resolved
        self.where = ""
        self.rid = ""
        self.full_urls: Mapping[str, str] = _NO_URLS
        self.notes: list[str] = []
        # When set, every reference looked up in the index is written down with what it found
        # (the streaming reader maps a resource before the whole input is read: see _stream).
        self.seen: list[tuple[str, dict[str, Any] | None]] | None = None

    def use_index(self, index: RefIndex) -> None:
        """Resolve references with ``index`` instead of the resources given."""
        self._index = index

    @property
    def index(self) -> RefIndex:
        """Every resource of the input with an id, as ``Type/id``."""
        if self._index is None:
            index: dict[str, dict[str, Any]] = {}
            for found in self._resources:
                res = found[0]
                rid = res.get("id")
                if isinstance(rid, str):
                    index[f"{res['resourceType']}/{rid}"] = res
            self._index = index
        return self._index

    def bad(self, problem: str, fix: str) -> BadInput:
        return BadInput(problem, fix, self.file, f"{self.where} ({self.rid})")

    def when_value(self, raw: Any, field_name: str, part: str = "") -> tuple[Instant, str]:
        """A date element's value; ``field_name + part`` names it in the message."""
        if type(raw) is str:
            fast = fast_datetime(raw)
            if fast is not None:
                return fast
        try:
            return parse_fhir_datetime(raw)
        except BadInput as exc:
            raise BadInput(
                f"{field_name}{part}: {exc.problem}", exc.fix, self.file, f"{self.where} ({self.rid})"
            ) from None

    def resolve(self, ref: Any, res: Mapping[str, Any]) -> dict[str, Any] | None:
        if not isinstance(ref, dict):
            return None
        target = ref.get("reference")
        if not isinstance(target, str):
            return None
        if target.startswith("#"):
            for c in lst(res.get("contained")):
                if isinstance(c, dict) and c.get("id") == target[1:]:
                    return c
            return None
        key = tail(self.full_urls.get(target, target))
        found = self.index.get(key)
        if self.seen is not None:
            self.seen.append((key, found))
        return found

    def subject(self, res: Mapping[str, Any]) -> str | None:
        for key in ("subject", "patient", "beneficiary"):
            ref = res.get(key)
            if isinstance(ref, dict):
                target = ref.get("reference")
                if isinstance(target, str):
                    return tail(str(self.full_urls.get(target, target)))
        return None

    def concepts_for(self, codes: Iterable[Coding]) -> Matched:
        concepts: list[str] = []
        region: Region | None = None
        scale: str | None = None
        lookup = self.lookup
        for c in codes:
            m = lookup(c.system, c.code)
            if m is not None:
                concepts.append(m.concept)
                region = region or m.region
                scale = scale or m.scale
        return concepts, region, scale

    def kind_for(self, concepts: list[str], default: ItemKind) -> ItemKind:
        if concepts:
            is_a = self.cs.is_a
            for c in concepts:
                if is_a(c, "imaging"):
                    return ItemKind.IMAGING
        return default

    def period(self, p: Any, name: str) -> When | None:
        if not isinstance(p, dict):
            return None
        raw = p.get("start")
        start = None
        if raw:
            fast = fast_datetime(raw) if type(raw) is str else None
            start = fast[0] if fast is not None else self.when_value(raw, name, ".start")[0]
        raw = p.get("end")
        end = None
        if raw:
            fast = fast_datetime(raw) if type(raw) is str else None
            end = fast[0] if fast is not None else self.when_value(raw, name, ".end")[0]
        if start is None:
            return None if end is None else make_when(end)
        if end is not None and (end.date() if isinstance(end, datetime) else end) < (
            start.date() if isinstance(start, datetime) else start
        ):
            raise self.bad(
                f"{name} ends ({end}) before it starts ({start})", "fix the period's start or end date"
            )
        return make_when(start, end, end is None)

    def choice_when(self, res: Mapping[str, Any], prefix: str) -> When | None:
        """Read a FHIR choice element such as performed[x] / effective[x] / onset[x]."""
        at, instant, day, period = _CHOICES.get(prefix) or _choice_keys(prefix)
        raw = res.get(at)
        if raw is not None:
            return make_when(self.when_value(raw, at)[0])
        raw = res.get(instant)
        if raw is not None:
            return make_when(self.when_value(raw, instant)[0])
        raw = res.get(day)
        if raw is not None:
            return make_when(self.when_value(raw, day)[0])
        raw = res.get(period)
        if raw is not None:
            return self.period(raw, period)
        return None

    def performers(
        self, res: Mapping[str, Any], refs: Iterable[Any]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The names and specialties of the practitioners and organisations referred to."""
        names: list[str] = []
        specialties: list[str] = []
        for ref in refs:
            if not isinstance(ref, dict):
                continue
            target = self.resolve(ref, res)
            if target is None:
                if isinstance(ref.get("display"), str):
                    names.append(ref["display"])
                continue
            if target.get("resourceType") == "PractitionerRole":
                for sp in lst(target.get("specialty")):
                    t = text_of(sp)
                    if t:
                        specialties.append(t)
                prac = self.resolve(target.get("practitioner"), target)
                if prac is not None:
                    target = prac
            if target.get("resourceType") in ("Practitioner", "Organization"):
                n = (
                    human_name(target.get("name"))
                    if target["resourceType"] == "Practitioner"
                    else target.get("name")
                )
                if isinstance(n, str):
                    names.append(n)
                for q in lst(target.get("qualification")):
                    t = text_of(q.get("code")) if isinstance(q, dict) else None
                    if t:
                        specialties.append(t)
        return tuple(names), tuple(specialties)

    def item(
        self,
        res: Mapping[str, Any],
        kind: ItemKind,
        when: When | None,
        codes: list[Coding],
        *,
        matched: Matched | None = None,
        text: str | None = None,
        extra_concepts: Iterable[str] = (),
        provenance: Provenance = Provenance.EHR,
        source: str | None = None,
        details: Details | None = None,
        status: Any = ...,
        value: Decimal | str | None = None,
        unit: str | None = None,
        scale: Any = ...,
        region: Any = ...,
        refs: tuple[str, ...] = (),
    ) -> Item:
        """The item of a resource. ``matched`` is ``concepts_for(codes)`` when the mapper has it
        already; ``status``, ``scale`` and ``region`` given (even as ``None``) win over the codes'."""
        found, code_region, code_scale = matched if matched is not None else self.concepts_for(codes)
        concepts = [*found, *extra_concepts] if extra_concepts else found
        if not concepts and text and kind in _VISIT_KINDS:
            fallback = self.cs.match_visit_text(text)
            if fallback:
                concepts = [fallback]
        cs = tuple(dict.fromkeys(concepts)) if len(concepts) > 1 else tuple(concepts)
        return make_item(
            kind,
            when,
            tuple(codes),
            provenance,
            make_source(source or self.rid, self.file),
            cs[0] if cs else None,
            cs,
            code_region if region is ... else region,
            text,
            status_of(res) if status is ... else status,
            value,
            unit,
            code_scale if scale is ... else scale,
            refs,
            details if details is not None else empty_details(kind),
        )


def _choice_keys(prefix: str) -> tuple[str, str, str, str]:
    keys = (prefix + "DateTime", prefix + "Instant", prefix + "Date", prefix + "Period")
    _CHOICES[prefix] = keys
    return keys


_CHOICES: dict[str, tuple[str, str, str, str]] = {}
