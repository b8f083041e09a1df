"""What every FHIR mapper shares: the per-input context and the readers of FHIR data types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from backcover.codesets import Codesets
from backcover.dates import Instant, parse_fhir_datetime
from backcover.errors import BadInput
from backcover.guards import finite_decimal
from backcover.record.codes import Coding
from backcover.record.details import Details, empty_details
from backcover.record.fhir._read import Found
from backcover.record.model import Item, SourceRef, When
from backcover.vocab import ItemKind, Provenance, Region

__all__ = ["Ctx"]

_NO_URLS: Mapping[str, str] = {}


class Ctx:
    """Per-input state: where we are, the code sets, and the resources that others refer to."""

    def __init__(self, file: str, resources: Iterable[Found], codesets: Codesets) -> None:
        self.file = file
        self.cs = codesets
        self.index: dict[str, dict[str, Any]] = {}
        for found in resources:
            rid = found.resource.get("id")
            if isinstance(rid, str):
                self.index[f"{found.resource['resourceType']}/{rid}"] = found.resource
        self.where = ""
        self.rid = ""
        self.full_urls: Mapping[str, str] = _NO_URLS
        self.notes: list[str] = []

    def bad(self, problem: str, fix: str) -> BadInput:
        return BadInput(problem, fix, self.file, f"{self.where} ({self.rid})")

    def when_value(self, raw: Any, field_name: str) -> tuple[Instant, str]:
        try:
            return parse_fhir_datetime(raw)
        except BadInput as exc:
            raise BadInput(
                f"{field_name}: {exc.problem}", exc.fix, self.file, f"{self.where} ({self.rid})"
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
        target = self.full_urls.get(target, target)
        return self.index.get(tail(target))

    def subject(self, res: Mapping[str, Any]) -> str | None:
        for key in ("subject", "patient", "beneficiary"):
            ref = res.get(key)
            if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
                target = ref["reference"]
                return tail(str(self.full_urls.get(target, target)))
        return None

    def concepts_for(self, codes: Iterable[Coding]) -> tuple[list[str], Region | None, str | None]:
        concepts: list[str] = []
        region: Region | None = None
        scale: str | None = None
        for c in codes:
            m = self.cs.lookup(c.system, c.code)
            if m is not None:
                concepts.append(m.concept)
                region = region or m.region
                scale = scale or m.scale
        return concepts, region, scale

    def kind_for(self, concepts: list[str], default: ItemKind) -> ItemKind:
        if any(self.cs.is_a(c, "imaging") for c in concepts):
            return ItemKind.IMAGING
        return default

    def period(self, p: Any, name: str) -> When | None:
        if not isinstance(p, dict):
            return None
        start = self.when_value(p["start"], f"{name}.start")[0] if p.get("start") else None
        end = self.when_value(p["end"], f"{name}.end")[0] if p.get("end") else None
        if start is None and end is None:
            return None
        if start is None:
            assert end is not None
            return When(end)
        if end is not None and as_date(end) < as_date(start):
            raise self.bad(
                f"{name} ends ({end}) before it starts ({start})", "fix the period's start or end date"
            )
        return When(start, end, ongoing=end is None)

    def choice_when(self, res: Mapping[str, Any], prefix: str) -> When | None:
        """Read a FHIR choice element such as performed[x] / effective[x] / onset[x]."""
        for suffix in ("DateTime", "Instant", "Date"):
            raw = res.get(prefix + suffix)
            if raw is not None:
                return When(self.when_value(raw, prefix + suffix)[0])
        if res.get(prefix + "Period") is not None:
            return self.period(res[prefix + "Period"], prefix + "Period")
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
        text: str | None = None,
        extra_concepts: Iterable[str] = (),
        provenance: Provenance = Provenance.EHR,
        source: str | None = None,
        details: Details | None = None,
        **kw: Any,
    ) -> Item:
        concepts, region, scale = self.concepts_for(codes)
        concepts.extend(extra_concepts)
        if not concepts and text:
            fallback = (
                self.cs.match_visit_text(text) if kind in (ItemKind.ENCOUNTER, ItemKind.REFERRAL) else None
            )
            if fallback:
                concepts.append(fallback)
        kw.setdefault("scale", scale)
        kw.setdefault("region", region)
        cs = tuple(dict.fromkeys(concepts))
        return Item(
            kind=kind,
            when=when,
            codes=tuple(codes),
            provenance=provenance,
            source=SourceRef(source or self.rid, self.file),
            concept=cs[0] if cs else None,
            concepts=cs,
            text=text,
            status=kw.pop("status", status_of(res)),
            details=details if details is not None else empty_details(kind),
            **kw,
        )


def lst(value: Any) -> list[Any]:
    """A FHIR list element, or an empty list when it is absent or not a list."""
    return value if isinstance(value, list) else []


def tail(ref: str) -> str:
    """``http://x/fhir/Patient/1/_history/2`` -> ``Patient/1``; ``urn:uuid:..`` kept as is."""
    if ref.startswith("urn:"):
        return ref
    parts = ref.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    return "/".join(parts[-2:]) if len(parts) >= 2 else ref


def codings(cc: Any) -> list[Coding]:
    if not isinstance(cc, dict):
        return []
    out = []
    for c in lst(cc.get("coding")):
        if isinstance(c, dict) and c.get("code") is not None:
            out.append(Coding(str(c.get("system") or ""), str(c["code"]), c.get("display")))
    return out


def text_of(cc: Any) -> str | None:
    if not isinstance(cc, dict):
        return None
    if isinstance(cc.get("text"), str):
        return str(cc["text"])
    for c in lst(cc.get("coding")):
        if isinstance(c, dict) and isinstance(c.get("display"), str):
            return str(c["display"])
    return None


def status_of(res: Mapping[str, Any], key: str = "status") -> str | None:
    v = res.get(key)
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        cs = codings(v)
        return cs[0].code if cs else None
    return None


def decimal_of(v: Any) -> Decimal | None:
    return finite_decimal(v)  # a non-finite or huge number raises OutOfRange: see _parse.parse


def as_date(v: Instant) -> date:
    return v.date() if isinstance(v, datetime) else v


def human_name(names: Any) -> str | None:
    if not isinstance(names, list) or not names:
        return None
    official = next((n for n in names if isinstance(n, dict) and n.get("use") == "official"), names[0])
    if not isinstance(official, dict):
        return None
    if isinstance(official.get("text"), str):
        return str(official["text"])
    given = " ".join(g for g in lst(official.get("given")) if isinstance(g, str))
    family = official.get("family") if isinstance(official.get("family"), str) else ""
    full = f"{given} {family}".strip()
    return full or None


def reasons(res: Mapping[str, Any]) -> tuple[str, ...]:
    """The codes of ``reasonCode`` (why a service was done)."""
    return tuple(c.code for r in lst(res.get("reasonCode")) for c in codings(r))


def refs(res: Mapping[str, Any], *keys: str) -> tuple[str, ...]:
    """The targets of the references in list elements such as ``partOf`` or ``basedOn``."""
    return tuple(
        tail(r["reference"])
        for key in keys
        for r in lst(res.get(key))
        if isinstance(r, dict) and isinstance(r.get("reference"), str)
    )


def notes(res: Mapping[str, Any]) -> str | None:
    texts = [
        n["text"] for n in lst(res.get("note")) if isinstance(n, dict) and isinstance(n.get("text"), str)
    ]
    return " ".join(texts) if texts else None


def categories(res: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(c.code for cat in lst(res.get("category")) for c in codings(cat))
