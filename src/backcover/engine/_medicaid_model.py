"""The objects of the Medicaid-by-state table (``knowledge/medicaid_states.yaml``): pure values.

Parsed by ``_medicaid_parse``; looked up through ``_medicaid``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from backcover.states import STATES

__all__ = [
    "BENEFITS",
    "BENEFIT_PA",
    "CONFIDENCE",
    "COVERAGE",
    "FILE",
    "MEDICAID_STATES",
    "PA_SERVICES",
    "PER",
    "REQUIRED",
    "TERRITORIES",
    "BenefitFact",
    "FactSource",
    "MedicaidTable",
    "PaFact",
    "StateProgram",
    "VisitLimit",
]

FILE = "medicaid_states.yaml"

# The 50 states and DC (the territories' programs are not in the table).
TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "VI"})
MEDICAID_STATES: tuple[str, ...] = tuple(code for code in STATES if code not in TERRITORIES)

# The benefits the table records, and the back-care services whose prior authorization it records.
BENEFITS: tuple[str, ...] = ("chiropractic", "acupuncture", "physical_therapy")
PA_SERVICES: dict[str, str] = {
    "advanced_imaging": "advanced imaging (MRI, CT)",
    "injections": "spinal injections (epidural steroid injections, facet blocks, radiofrequency ablation)",
    "spinal_cord_stimulator": "spinal cord stimulators (trial and implant)",
    "spine_surgery": "spine surgery (decompression, fusion, disc replacement)",
}
COVERAGE: tuple[str, ...] = ("covered", "limited", "not_covered", "unconfirmed")
REQUIRED: tuple[str, ...] = ("required", "not_required", "unconfirmed")
# A benefit's prior authorization: for every course, never, only past the visit limit, or after N visits.
BENEFIT_PA: tuple[str, ...] = ("required", "not_required", "beyond_limit", "after_visits", "unconfirmed")
CONFIDENCE: tuple[str, ...] = ("confirmed", "secondary", "unconfirmed")
PER: tuple[str, ...] = ("day", "week", "month", "year", "lifetime", "episode")


@dataclass(frozen=True, slots=True)
class FactSource:
    """The program's page a fact was read on: its address, the section, and a date (in force or read)."""

    url: str
    section: str
    effective: date | None = None
    checked: date | None = None
    title: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "section": self.section}
        if self.title:
            out["title"] = self.title
        if self.effective is not None:
            out["effective"] = self.effective.isoformat()
        if self.checked is not None:
            out["checked"] = self.checked.isoformat()
        return out


@dataclass(frozen=True, slots=True)
class VisitLimit:
    visits: int
    per: str

    def text(self) -> str:
        visits = f"{self.visits} visit{'s' if self.visits != 1 else ''}"
        if self.per == "lifetime":
            return f"{visits} in a lifetime"
        if self.per == "episode":
            return f"{visits} per episode of care"
        return f"{visits} per {self.per}"

    def to_json(self) -> dict[str, Any]:
        return {"visits": self.visits, "per": self.per}


@dataclass(frozen=True, slots=True)
class BenefitFact:
    """An adult benefit (chiropractic, acupuncture, physical therapy) in one state's program."""

    service: str
    coverage: str
    confidence: str
    source: FactSource | None
    limits: str | None = None
    visit_limit: VisitLimit | None = None
    prior_authorization: str | None = None
    pa_after_visits: int | None = None
    note: str | None = None

    @property
    def confirmed(self) -> bool:
        """Read on the program's own page, with no part of it left unconfirmed."""
        return (
            self.confidence == "confirmed"
            and self.coverage != "unconfirmed"
            and self.prior_authorization != "unconfirmed"
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fact": self.service, "coverage": self.coverage}
        if self.limits:
            out["limits"] = self.limits
        if self.visit_limit is not None:
            out["visit_limit"] = self.visit_limit.to_json()
        if self.prior_authorization:
            out["prior_authorization"] = self.prior_authorization
        if self.pa_after_visits is not None:
            out["pa_after_visits"] = self.pa_after_visits
        out["source"] = self.source.to_json() if self.source else None
        out["confidence"] = self.confidence
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class PaFact:
    """Whether one state's program requires prior authorization for a back-care service, and who reviews."""

    service: str
    required: str
    confidence: str
    source: FactSource | None
    reviewer: str | None = None
    note: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.confidence == "confirmed" and self.required != "unconfirmed"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fact": f"prior_authorization.{self.service}", "required": self.required}
        if self.reviewer:
            out["reviewer"] = self.reviewer
        out["source"] = self.source.to_json() if self.source else None
        out["confidence"] = self.confidence
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class StateProgram:
    """One state's Medicaid program for adults (fee-for-service, or the state's standard benefit)."""

    state: str
    name: str
    program: str
    agency: str | None
    benefits: dict[str, BenefitFact]
    prior_authorization: dict[str, PaFact]
    note: str | None = None

    @property
    def label(self) -> str:
        """The program name, with the state when the name lacks it (``Medi-Cal (California Medicaid)``)."""
        return self.program if self.name in self.program else f"{self.program} ({self.name} Medicaid)"

    @property
    def facts(self) -> tuple[BenefitFact | PaFact, ...]:
        return (*self.benefits.values(), *self.prior_authorization.values())

    @property
    def fully_sourced(self) -> bool:
        """Every fact read on the program's own pages (none secondary, none unconfirmed)."""
        return all(f.confirmed for f in self.facts)

    @property
    def reviewers(self) -> tuple[str, ...]:
        """The utilization-management vendors (or agency units) that review prior authorization."""
        return tuple(sorted({f.reviewer for f in self.prior_authorization.values() if f.reviewer}))

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "state_name": self.name,
            "program": self.program,
            "agency": self.agency,
            "benefits": {k: v.to_json() for k, v in self.benefits.items()},
            "prior_authorization": {k: v.to_json() for k, v in self.prior_authorization.items()},
            "reviewers": list(self.reviewers),
            "fully_sourced": self.fully_sourced,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class MedicaidTable:
    checked: date | None
    states: dict[str, StateProgram]

    @property
    def fully_sourced(self) -> tuple[str, ...]:
        return tuple(code for code, p in self.states.items() if p.fully_sourced)
