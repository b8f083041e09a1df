"""Code sets: ICD-10-CM, SNOMED CT, CPT/HCPCS, RxNorm and LOINC codes mapped to concepts.

The mappings are data (``knowledge/codesets/*.yaml``), each file with its source. Lookups are pure
and cached. A code that maps to nothing is not an error: the importer keeps it and reports it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from backcover.knowledge import KNOWLEDGE_DIR
from backcover.record.model import Region
from backcover.yamlio import load_yaml

__all__ = [
    "CodeMatch",
    "ancestors",
    "concept_label",
    "concepts",
    "is_a",
    "lookup",
    "match_medication_text",
    "match_observation_text",
    "match_visit_text",
    "system_key",
]

# FHIR system URIs (and OIDs) -> the code set that reads them.
_SYSTEMS: dict[str, str] = {
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10cm",
    "http://hl7.org/fhir/sid/icd-10": "icd10cm",
    "urn:oid:2.16.840.1.113883.6.90": "icd10cm",
    "icd-10-cm": "icd10cm",
    "icd10cm": "icd10cm",
    "icd10": "icd10cm",
    "http://snomed.info/sct": "snomed",
    "urn:oid:2.16.840.1.113883.6.96": "snomed",
    "snomed": "snomed",
    "http://www.ama-assn.org/go/cpt": "cpt_hcpcs",
    "urn:oid:2.16.840.1.113883.6.12": "cpt_hcpcs",
    "https://www.cms.gov/medicare/coding/hcpcsreleasecodesets": "cpt_hcpcs",
    "http://www.cms.gov/medicare/coding/hcpcsreleasecodesets": "cpt_hcpcs",
    "urn:oid:2.16.840.1.113883.6.285": "cpt_hcpcs",
    "urn:oid:2.16.840.1.113883.6.14": "cpt_hcpcs",
    "cpt": "cpt_hcpcs",
    "hcpcs": "cpt_hcpcs",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
    "urn:oid:2.16.840.1.113883.6.88": "rxnorm",
    "rxnorm": "rxnorm",
    "http://loinc.org": "loinc",
    "urn:oid:2.16.840.1.113883.6.1": "loinc",
    "loinc": "loinc",
    "https://bluebutton.cms.gov/resources/codesystem/hcpcs": "cpt_hcpcs",
    "https://bluebutton.cms.gov/resources/codesystem/icd-diagnosis": "icd10cm",
    "http://www.cms.gov/medicare/coding/icd10": "icd10cm",
}


@dataclass(frozen=True, slots=True)
class CodeMatch:
    concept: str
    region: Region | None = None
    scale: str | None = None


def system_key(system: str | None) -> str | None:
    """The code set for a FHIR system URI, or ``None`` when backcover has none for it."""
    if not system:
        return None
    return _SYSTEMS.get(system.strip().rstrip("/").lower())


def _norm(system: str, code: str) -> str:
    code = code.strip().upper()
    return code.replace(".", "") if system == "icd10cm" else code


@dataclass(frozen=True)
class _CodeSet:
    exact: Mapping[str, CodeMatch]
    prefixes: tuple[tuple[str, CodeMatch], ...]  # longest first


@cache
def _concept_table() -> dict[str, dict[str, Any]]:
    data = load_yaml(KNOWLEDGE_DIR / "codesets" / "concepts.yaml")
    return {str(k): dict(v or {}) for k, v in data["concepts"].items()}


@cache
def _codeset(name: str) -> _CodeSet:
    data = load_yaml(KNOWLEDGE_DIR / "codesets" / f"{name}.yaml")
    known = _concept_table()
    exact: dict[str, CodeMatch] = {}
    prefixes: list[tuple[str, CodeMatch]] = []
    for entry in data.get("codes") or []:
        concept = str(entry["concept"])
        if concept not in known:
            raise ValueError(f"{name}.yaml: code {entry['code']} maps to unknown concept {concept!r}")
        region = Region(entry["region"]) if entry.get("region") else None
        match = CodeMatch(concept, region, entry.get("scale"))
        key = _norm(name, str(entry["code"]))
        if entry.get("prefix"):
            prefixes.append((key, match))
        else:
            exact[key] = match
    prefixes.sort(key=lambda p: -len(p[0]))
    return _CodeSet(exact, tuple(prefixes))


@lru_cache(maxsize=65536)
def lookup(system: str | None, code: str) -> CodeMatch | None:
    """The concept a code maps to, or ``None``. ``system`` is a FHIR URI or a code-set name."""
    key = system_key(system)
    if key is None:
        return None
    cs = _codeset(key)
    norm = _norm(key, code)
    hit = cs.exact.get(norm)
    if hit is not None:
        return hit
    for prefix, match in cs.prefixes:
        if norm.startswith(prefix):
            return match
    return None


def concepts() -> dict[str, dict[str, Any]]:
    """Every concept with its label and parents."""
    return _concept_table()


def concept_label(concept: str) -> str:
    entry = _concept_table().get(concept)
    return str(entry.get("label", concept)) if entry else concept.replace("_", " ")


@cache
def ancestors(concept: str) -> frozenset[str]:
    """The concept and everything above it."""
    table = _concept_table()
    seen: set[str] = set()
    todo = [concept]
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.add(c)
        todo.extend(str(p) for p in (table.get(c, {}).get("parents") or []))
    return frozenset(seen)


def is_a(concept: str, ancestor: str) -> bool:
    return ancestor in ancestors(concept)


@cache
def _ingredients() -> tuple[re.Pattern[str], dict[str, str]]:
    data = load_yaml(KNOWLEDGE_DIR / "codesets" / "rxnorm.yaml")
    table = {str(name).lower(): str(concept) for name, concept in (data.get("ingredients") or {}).items()}
    names = sorted(table, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b"), table


@lru_cache(maxsize=4096)
def match_medication_text(text: str | None) -> str | None:
    """The medication concept named in free text ("Ibuprofen 400 MG Oral Tablet"), if any."""
    if not text:
        return None
    pattern, table = _ingredients()
    m = pattern.search(text.lower())
    return table[m.group(1)] if m else None


@cache
def _observation_names() -> tuple[tuple[re.Pattern[str], CodeMatch], ...]:
    data = load_yaml(KNOWLEDGE_DIR / "codesets" / "loinc.yaml")
    out = []
    for entry in data.get("names") or []:
        frag = re.escape(str(entry["match"]).lower())
        pattern = re.compile(rf"\b{frag}\b" if entry.get("whole_word") else frag)
        out.append((pattern, CodeMatch(str(entry["concept"]), None, entry.get("scale"))))
    return tuple(out)


def match_observation_text(text: str | None) -> CodeMatch | None:
    """A score or exam recognised by its name (Oswestry/ODI, Roland-Morris), when it has no code."""
    if not text:
        return None
    low = text.lower()
    for pattern, match in _observation_names():
        if pattern.search(low):
            return match
    return None


def all_codes(system: str) -> Iterable[str]:
    cs = _codeset(system)
    return list(cs.exact) + [p for p, _ in cs.prefixes]


@cache
def _visit_names() -> tuple[tuple[str, str], ...]:
    data = load_yaml(KNOWLEDGE_DIR / "codesets" / "visits.yaml")
    return tuple((str(e["match"]).lower(), str(e["concept"])) for e in data.get("names") or [])


def match_visit_text(text: str | None) -> str | None:
    """A visit or referral type recognised by words ("Pain Medicine consultation")."""
    if not text:
        return None
    low = text.lower()
    for frag, concept in _visit_names():
        if frag in low:
            return concept
    return None
