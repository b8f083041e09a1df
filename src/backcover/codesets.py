"""Code sets: ICD-10-CM, SNOMED CT, CPT/HCPCS, RxNorm and LOINC codes mapped to concepts.

The mappings are data (``knowledge/codesets/*.yaml``), each file with its source. They are parsed
once per knowledge bundle into a :class:`Codesets` value (``knowledge.cached("codesets", ...)``,
kept on disk for the packaged bundle); :func:`codesets_for` gives it. The module-level functions
(:func:`lookup`, :func:`is_a`, :func:`concept_label`, ...) answer from the packaged knowledge.
Lookups are pure. A code that maps to nothing is not an error: the importer keeps it and reports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from backcover.knowledge import Knowledge
from backcover.vocab import Region
from backcover.yamlio import load_yaml

__all__ = [
    "CodeMatch",
    "Codesets",
    "all_codes",
    "ancestors",
    "build_codesets",
    "codesets_for",
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


_CODE_FILES = ("icd10cm", "snomed", "cpt_hcpcs", "rxnorm", "loinc")


@dataclass(frozen=True, slots=True)
class _CodeSet:
    exact: Mapping[str, CodeMatch]
    prefixes: tuple[tuple[str, CodeMatch], ...]  # longest first


class Codesets:
    """Every code set of one knowledge bundle, parsed: codes -> concepts, the concept hierarchy,
    and the names that recognise medications, scores and visits in free text.

    Plain data (picklable); answers are remembered per instance, and the memory is not pickled.
    """

    __slots__ = (
        "ancestors",
        "codesets",
        "concepts",
        "ingredients",
        "lookup",
        "match_medication_text",
        "observation_names",
        "visit_names",
    )

    lookup: Callable[[str | None, str], CodeMatch | None]
    """The concept a code maps to, or ``None``. ``system`` is a FHIR URI or a code-set name."""
    ancestors: Callable[[str], frozenset[str]]
    """The concept and everything above it."""
    match_medication_text: Callable[[str | None], str | None]
    """The medication concept named in free text ("Ibuprofen 400 MG Oral Tablet"), if any."""

    def __init__(
        self,
        concepts: dict[str, dict[str, Any]],
        codesets: dict[str, _CodeSet],
        ingredients: tuple[re.Pattern[str], dict[str, str]],
        observation_names: tuple[tuple[re.Pattern[str], CodeMatch], ...],
        visit_names: tuple[tuple[str, str], ...],
    ) -> None:
        self.concepts = concepts
        self.codesets = codesets
        self.ingredients = ingredients
        self.observation_names = observation_names
        self.visit_names = visit_names
        # Answers are remembered (C-level caches: the importer asks thousands of times).
        self.lookup = lru_cache(maxsize=65536)(self._lookup)
        self.ancestors = lru_cache(maxsize=None)(self._ancestors)
        self.match_medication_text = lru_cache(maxsize=4096)(self._medication)

    def __getstate__(self) -> dict[str, Any]:
        return {
            "concepts": self.concepts,
            "codesets": self.codesets,
            "ingredients": self.ingredients,
            "observation_names": self.observation_names,
            "visit_names": self.visit_names,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def _lookup(self, system: str | None, code: str) -> CodeMatch | None:
        key = system_key(system)
        if key is None:
            return None
        cs = self.codesets[key]
        norm = _norm(key, code)
        hit = cs.exact.get(norm)
        if hit is not None:
            return hit
        for prefix, match in cs.prefixes:
            if norm.startswith(prefix):
                return match
        return None

    def concept_label(self, concept: str) -> str:
        entry = self.concepts.get(concept)
        return str(entry.get("label", concept)) if entry else concept.replace("_", " ")

    def _ancestors(self, concept: str) -> frozenset[str]:
        seen: set[str] = set()
        todo = [concept]
        while todo:
            c = todo.pop()
            if c in seen:
                continue
            seen.add(c)
            todo.extend(str(p) for p in (self.concepts.get(c, {}).get("parents") or []))
        return frozenset(seen)

    def is_a(self, concept: str, ancestor: str) -> bool:
        return ancestor in self.ancestors(concept)

    def _medication(self, text: str | None) -> str | None:
        if not text:
            return None
        pattern, table = self.ingredients
        m = pattern.search(text.lower())
        return table[m.group(1)] if m else None

    def match_observation_text(self, text: str | None) -> CodeMatch | None:
        """A score or exam recognised by its name (Oswestry/ODI, Roland-Morris), when it has no code."""
        if not text:
            return None
        low = text.lower()
        for pattern, match in self.observation_names:
            if pattern.search(low):
                return match
        return None

    def match_visit_text(self, text: str | None) -> str | None:
        """A visit or referral type recognised by words ("Pain Medicine consultation")."""
        if not text:
            return None
        low = text.lower()
        for frag, concept in self.visit_names:
            if frag in low:
                return concept
        return None

    def all_codes(self, system: str) -> list[str]:
        cs = self.codesets[system]
        return list(cs.exact) + [p for p, _ in cs.prefixes]


# ------------------------------------------------------------------------------------------ parsing


def build_codesets(kb: Knowledge) -> Codesets:
    """Parse the code-set files of a knowledge bundle (``knowledge.cached`` calls this once)."""
    concepts = _concept_table(kb)
    return Codesets(
        concepts,
        {name: _codeset(kb, name, concepts) for name in _CODE_FILES},
        _ingredients(kb),
        _observation_names(kb),
        _visit_names(kb),
    )


def _concept_table(kb: Knowledge) -> dict[str, dict[str, Any]]:
    data = load_yaml(kb.file("codesets/concepts.yaml"))
    return {str(k): dict(v or {}) for k, v in data["concepts"].items()}


def _by_length(p: tuple[str, CodeMatch]) -> int:
    return -len(p[0])


def _codeset(kb: Knowledge, name: str, known: Mapping[str, Any]) -> _CodeSet:
    data = load_yaml(kb.file(f"codesets/{name}.yaml"))
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
    prefixes.sort(key=_by_length)
    return _CodeSet(exact, tuple(prefixes))


def _ingredients(kb: Knowledge) -> tuple[re.Pattern[str], dict[str, str]]:
    data = load_yaml(kb.file("codesets/rxnorm.yaml"))
    table = {str(name).lower(): str(concept) for name, concept in (data.get("ingredients") or {}).items()}
    names = sorted(table, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b"), table


def _observation_names(kb: Knowledge) -> tuple[tuple[re.Pattern[str], CodeMatch], ...]:
    data = load_yaml(kb.file("codesets/loinc.yaml"))
    out = []
    for entry in data.get("names") or []:
        frag = re.escape(str(entry["match"]).lower())
        pattern = re.compile(rf"\b{frag}\b" if entry.get("whole_word") else frag)
        out.append((pattern, CodeMatch(str(entry["concept"]), None, entry.get("scale"))))
    return tuple(out)


def _visit_names(kb: Knowledge) -> tuple[tuple[str, str], ...]:
    data = load_yaml(kb.file("codesets/visits.yaml"))
    return tuple((str(e["match"]).lower(), str(e["concept"])) for e in data.get("names") or [])


# --------------------------------------------------------------------- the packaged knowledge's sets

_PACKAGED: list[Codesets] = []


def codesets_for(knowledge: Knowledge | None = None) -> Codesets:
    """The parsed code sets of a knowledge bundle (``None``: the packaged one)."""
    if knowledge is None:
        if _PACKAGED:
            return _PACKAGED[0]
        knowledge = Knowledge.packaged()
        cs = knowledge.cached("codesets", build_codesets)
        _PACKAGED.append(cs)
        return cs
    return knowledge.cached("codesets", build_codesets)


def lookup(system: str | None, code: str) -> CodeMatch | None:
    """The concept a code maps to, or ``None``. ``system`` is a FHIR URI or a code-set name."""
    return codesets_for().lookup(system, code)


def concepts() -> dict[str, dict[str, Any]]:
    """Every concept with its label and parents."""
    return codesets_for().concepts


def concept_label(concept: str) -> str:
    return codesets_for().concept_label(concept)


def ancestors(concept: str) -> frozenset[str]:
    """The concept and everything above it."""
    return codesets_for().ancestors(concept)


def is_a(concept: str, ancestor: str) -> bool:
    return ancestor in codesets_for().ancestors(concept)


def match_medication_text(text: str | None) -> str | None:
    """The medication concept named in free text ("Ibuprofen 400 MG Oral Tablet"), if any."""
    return codesets_for().match_medication_text(text)


def match_observation_text(text: str | None) -> CodeMatch | None:
    """A score or exam recognised by its name (Oswestry/ODI, Roland-Morris), when it has no code."""
    return codesets_for().match_observation_text(text)


def match_visit_text(text: str | None) -> str | None:
    """A visit or referral type recognised by words ("Pain Medicine consultation")."""
    return codesets_for().match_visit_text(text)


def all_codes(system: str) -> Iterable[str]:
    return codesets_for().all_codes(system)
