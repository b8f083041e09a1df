"""The engine's result objects: criterion results and the Determination (CONTRACTS.md section 1).

These are pure values. ``Determination.to_json()`` is the contract's JSON shape; every field named
there is produced here and nowhere else. ``Determination.crd_coverage_information()`` maps the
answer to the Da Vinci CRD coverage-information extension values (covered / pa-needed /
doc-needed), so that a CDS Hooks service can serve it without re-deriving anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backcover.catalog import Procedure
from backcover.vocab import CriterionKind, CriterionStatus, Decision, PriorAuth, values

__all__ = [
    "DECISIONS",
    "KINDS",
    "PA_VALUES",
    "STATUSES",
    "CriterionResult",
    "Decision",
    "Determination",
    "Evidence",
    "PolicyRef",
    "PriorAuth",
    "Source",
    "Status",
]

# The vocabularies come from backcover.vocab; these names stay for the modules that import them.
Status = CriterionStatus
STATUSES: tuple[Status, ...] = tuple(CriterionStatus)
# In order of precedence (CONTRACTS.md section 1).
DECISIONS: tuple[Decision, ...] = tuple(Decision)
PA_VALUES: tuple[PriorAuth, ...] = tuple(PriorAuth)
KINDS: tuple[str, ...] = values(CriterionKind)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a criterion comes from: the policy id, its section, the URL and the effective date."""

    policy: str
    section: str
    url: str
    effective: date | None = None
    confidence: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"policy": self.policy, "section": self.section, "url": self.url}
        if self.effective is not None:
            out["effective"] = self.effective.isoformat()
        if self.confidence:
            out["confidence"] = self.confidence
        return out


@dataclass(frozen=True, slots=True)
class Evidence:
    """One record item a criterion used: its resource id, date and provenance."""

    resource: str
    date: date | None
    provenance: str
    file: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "resource": self.resource,
            "date": self.date.isoformat() if self.date else None,
            "provenance": self.provenance,
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """The status of one criterion for this record, with everything needed to explain it.

    ``eligible_on`` is set only for a time-based criterion that is ``not_met``: the date on which it
    would be met if the current care goes on. ``required`` is false for conditions the claim or the
    clinician attests (credentials, equipment): they are shown but never block a decision.
    """

    id: str
    kind: str
    status: Status
    summary: str
    explanation: str
    evidence: tuple[Evidence, ...]
    source: Source
    to_satisfy: str
    required: bool = True
    confidence: str | None = None
    eligible_on: date | None = None
    branch: str | None = None

    @property
    def time_based(self) -> bool:
        return self.eligible_on is not None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "status": self.status.value,
            "summary": self.summary,
            "explanation": self.explanation,
            "evidence": [e.to_json() for e in self.evidence],
            "source": self.source.to_json(),
            "to_satisfy": self.to_satisfy,
            "required": self.required,
        }
        if self.eligible_on is not None:
            out["eligible_on"] = self.eligible_on.isoformat()
        if self.confidence:
            out["confidence"] = self.confidence
        if self.branch:
            out["branch"] = self.branch
        return out


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """A policy that applied to the question."""

    id: str
    title: str
    url: str
    kind: str = "policy"
    effective: date | None = None
    confidence: str | None = None
    version: str | None = None  # the policy's version label, when it has one
    until: date | None = None  # the last day this version was in force (None: still in force)
    last_reviewed: date | None = None  # when backcover last checked the pack against its source
    pack: str | None = None  # the id of the pack that encodes this version
    series: str | None = None  # the versions of one policy share a series
    publisher: str | None = None  # who wrote it ("Aetna", "eviCore", "CMS", the state's MAC for an LCD)
    insurer: str | None = None  # the insurer slug whose policy it is (None: generic or public)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "url": self.url, "kind": self.kind}
        if self.publisher:
            out["publisher"] = self.publisher
        if self.insurer:
            out["insurer"] = self.insurer
        if self.effective is not None:
            out["effective"] = self.effective.isoformat()
        if self.until is not None:
            out["effective_until"] = self.until.isoformat()
        if self.version:
            out["version"] = self.version
        if self.last_reviewed is not None:
            out["last_reviewed"] = self.last_reviewed.isoformat()
        if self.pack:
            out["pack"] = self.pack
        if self.series:
            out["series"] = self.series
        if self.confidence:
            out["confidence"] = self.confidence
        return out


@dataclass(frozen=True, slots=True)
class Determination:
    """The answer to "does this record meet this payer's policy for this procedure on this date"."""

    procedure: Procedure
    payer: str
    setting: str
    state: str | None
    as_of: date
    decision: Decision
    prior_authorization: PriorAuth
    criteria: tuple[CriterionResult, ...]
    earliest_eligible_date: date | None
    policies: tuple[PolicyRef, ...]
    notes: tuple[str, ...]
    prior_authorization_basis: tuple[str, ...] = ()
    mac: dict[str, str] | None = None
    specific_policy: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    insurer: str | None = None  # the insurer slug named (CONTRACTS §5), None: generic guidelines
    # The state's adult Medicaid facts used (engine/_medicaid_check.py); None for other payers.
    medicaid_state: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Exactly the CONTRACTS.md section 1 document (with a few added fields)."""
        out: dict[str, Any] = {
            "procedure": {
                "code": self.procedure.code,
                "name": self.procedure.name,
                "family": self.procedure.family,
            },
            "payer": self.payer,
            "insurer": self.insurer,
            "setting": self.setting,
            "state": self.state,
            "as_of": self.as_of.isoformat(),
            "decision": self.decision.value,
            "prior_authorization": self.prior_authorization.value,
            "prior_authorization_basis": list(self.prior_authorization_basis),
            "criteria": [c.to_json() for c in self.criteria],
            "earliest_eligible_date": self.earliest_eligible_date.isoformat()
            if self.earliest_eligible_date
            else None,
            "policies": [p.to_json() for p in self.policies],
            "notes": list(self.notes),
            "specific_policy": self.specific_policy,
        }
        if self.mac is not None:
            out["mac"] = dict(self.mac)
        if self.medicaid_state is not None:
            out["medicaid_state"] = self.medicaid_state
        out["coverage_information"] = self.crd_coverage_information()
        return out

    def crd_coverage_information(self) -> dict[str, str]:
        """The Da Vinci CRD ``ext-coverage-information`` values this answer maps to.

        ``covered``: covered | not-covered | conditional. ``pa-needed``: no-auth | auth-needed |
        conditional (absent when not covered, per the extension's invariant). ``doc-needed``:
        clinical when criteria still need clinical documentation (absent otherwise). The mapping is
        documented in docs/engine.md.
        """
        out: dict[str, str] = {}
        if self.decision == "not_covered":
            out["covered"] = "not-covered"
            return out
        out["covered"] = "covered" if self.decision == "meets_criteria" else "conditional"
        out["pa-needed"] = {
            "required": "auth-needed",
            "not_required": "no-auth",
            "plan_dependent": "conditional",
        }[self.prior_authorization]
        if self.decision in ("needs_documentation", "criteria_not_met"):
            out["doc-needed"] = "clinical"
        if out["covered"] == "conditional" or out["pa-needed"] == "conditional":
            out["info-needed"] = "OTH"
        return out

    @property
    def met(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.status == "met")

    @property
    def missing(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.status == "unknown" and c.required)

    @property
    def unmet(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.status == "not_met" and c.required)
