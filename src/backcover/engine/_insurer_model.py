"""What a named insurer is (``knowledge/insurers.yaml``): the payer kinds it offers, and its vendors.

Each insurer has a ``slug`` (what ``--insurer`` takes), a ``name``, for each payer kind
(``commercial``, ``medicare-advantage``, ``medicaid``) whether it offers plans of that kind, and for
each service area (``imaging``, ``pain``, ``spine_surgery``, ``therapy``) the company that reviews
requests for it (eviCore for Cigna, Carelon for Anthem, ...). Every fact carries its source. The
file also maps procedure families to service areas. These are plain frozen values (they pickle);
``_insurer_read`` reads the YAML and ``_insurer_table`` keeps one parsed copy per bundle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = [
    "AREAS",
    "INSURER_PAYERS",
    "Citation",
    "Insurer",
    "InsurerTable",
    "Offer",
    "Vendor",
]

# The payer kinds a named insurer sells (Original Medicare is no insurer's).
INSURER_PAYERS: tuple[str, ...] = ("commercial", "medicare-advantage", "medicaid")
AREAS: tuple[str, ...] = ("imaging", "pain", "spine_surgery", "therapy")


@dataclass(frozen=True, slots=True)
class Citation:
    """Where an insurer fact comes from: a page, its section, its date (or the day it was read)."""

    url: str
    section: str
    effective: date | None = None
    checked: date | None = None
    confidence: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "section": self.section}
        if self.effective is not None:
            out["effective"] = self.effective.isoformat()
        if self.checked is not None:
            out["checked"] = self.checked.isoformat()
        if self.confidence:
            out["confidence"] = self.confidence
        return out


@dataclass(frozen=True, slots=True)
class Offer:
    offered: bool
    source: Citation
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Vendor:
    """The company that reviews one service area's requests for the insurer."""

    area: str
    name: str
    source: Citation
    payers: tuple[str, ...] | None = None  # None: every payer kind the insurer offers
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Insurer:
    slug: str
    name: str
    offers: Mapping[str, Offer]
    vendors: tuple[Vendor, ...]
    notes: tuple[str, ...] = ()

    def offered(self, payer: str) -> bool:
        offer = self.offers.get(payer)
        return offer is not None and offer.offered

    def vendors_for(self, area: str | None, payer: str | None = None) -> tuple[Vendor, ...]:
        return tuple(
            v
            for v in self.vendors
            if (area is None or v.area == area) and (payer is None or v.payers is None or payer in v.payers)
        )

    def publishers(self, area: str | None, payer: str | None = None) -> frozenset[str]:
        """The names whose policies count as this insurer's: its own, and its vendors' for the area."""
        return frozenset({self.name, *(v.name for v in self.vendors_for(area, payer))})


@dataclass(frozen=True, slots=True)
class InsurerTable:
    by_slug: Mapping[str, Insurer]
    areas: Mapping[str, str]  # procedure family -> service area
    file: str

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(self.by_slug)

    def area_of(self, family: str) -> str | None:
        return self.areas.get(family)
