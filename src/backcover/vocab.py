"""One vocabulary: the fixed enumerations every module, page, letter, API schema and CLI shares.

Each enumeration is a ``StrEnum`` whose values are the exact strings of the JSON contracts
(``../shared/CONTRACTS.md``), and whose ``label`` is the plain-language name a person reads. Nothing
else in the package spells these lists out: engine, costs, appeals, store, web and CLI all take them
from here, so they cannot disagree.

Plan kinds map to payers in one place (:func:`payer_for_plan_kind`); US states and territories are a
real list (:data:`STATES`), and :func:`parse_state` accepts a code or a full name and refuses anything
else.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from backcover.errors import BadInput, suggest
from backcover.labels import LABELS as _LABELS
from backcover.states import STATES, parse_state, state_name

__all__ = [
    "STATES",
    "BenefitCategory",
    "CriterionKind",
    "CriterionStatus",
    "Decision",
    "ItemKind",
    "LetterKind",
    "Payer",
    "PlanKind",
    "PriorAuth",
    "Provenance",
    "Region",
    "Setting",
    "Signer",
    "parse_choice",
    "parse_payer",
    "parse_plan_kind",
    "parse_state",
    "payer_for_plan_kind",
    "state_name",
    "values",
]


class _Labelled(StrEnum):
    """A StrEnum whose members have a plain-language label (``_LABELS`` in each subclass)."""

    @property
    def label(self) -> str:
        return _LABELS[type(self).__name__].get(self.value, self.value)


class Payer(_Labelled):
    """Who pays, as the engine sees it (CONTRACTS.md section 1 ``--payer``)."""

    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare-advantage"
    COMMERCIAL = "commercial"
    MEDICAID = "medicaid"


class PlanKind(_Labelled):
    """The kind of plan (CONTRACTS.md sections 2 and 3); each maps to a :class:`Payer`."""

    COMMERCIAL = "commercial"
    MARKETPLACE = "marketplace"
    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare-advantage"
    MEDICAID = "medicaid"
    MEDICAID_FFS = "medicaid-ffs"
    UNINSURED = "uninsured"


class Decision(_Labelled):
    """A coverage decision, in order of precedence (CONTRACTS.md section 1)."""

    NOT_COVERED = "not_covered"
    CRITERIA_NOT_MET = "criteria_not_met"
    NEEDS_DOCUMENTATION = "needs_documentation"
    MEETS_CRITERIA = "meets_criteria"


class CriterionStatus(_Labelled):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class PriorAuth(_Labelled):
    REQUIRED = "required"
    NOT_REQUIRED = "not_required"
    PLAN_DEPENDENT = "plan_dependent"


class CriterionKind(_Labelled):
    """The fixed vocabulary of ``criteria[].kind`` (CONTRACTS.md section 1)."""

    DIAGNOSIS = "diagnosis"
    SYMPTOM_DURATION = "symptom_duration"
    CONSERVATIVE_CARE = "conservative_care"
    IMAGING = "imaging"
    SEVERITY = "severity"
    RED_FLAG = "red_flag"
    DIAGNOSTIC_RESPONSE = "diagnostic_response"
    PRIOR_RESPONSE = "prior_response"
    TRIAL = "trial"
    FREQUENCY = "frequency"
    INTERVAL = "interval"
    VISIT_LIMIT = "visit_limit"
    AGE = "age"
    BEHAVIORAL_HEALTH = "behavioral_health"
    NICOTINE = "nicotine"
    LAB = "lab"
    EXCLUSION = "exclusion"
    PROVIDER = "provider"
    ORDER = "order"
    OTHER = "other"


class BenefitCategory(_Labelled):
    """Benefit categories of a plan file (CONTRACTS.md section 2, plus the procedure catalog's)."""

    PRIMARY_CARE_VISIT = "primary_care_visit"
    SPECIALIST_VISIT = "specialist_visit"
    EMERGENCY_ROOM = "emergency_room"
    IMAGING_BASIC = "imaging_basic"
    IMAGING_ADVANCED = "imaging_advanced"
    DIAGNOSTIC_TEST = "diagnostic_test"
    LAB = "lab"
    OUTPATIENT_FACILITY = "outpatient_facility"
    OUTPATIENT_PHYSICIAN = "outpatient_physician"
    INPATIENT_FACILITY = "inpatient_facility"
    INPATIENT_PHYSICIAN = "inpatient_physician"
    ANESTHESIA = "anesthesia"
    REHABILITATION = "rehabilitation"
    CHIROPRACTIC = "chiropractic"
    ACUPUNCTURE = "acupuncture"
    MASSAGE = "massage"
    DURABLE_MEDICAL_EQUIPMENT = "durable_medical_equipment"
    PRESCRIPTION_DRUGS = "prescription_drugs"


class Provenance(_Labelled):
    """Where an item of the record came from (CONTRACTS.md section 0)."""

    EHR = "ehr"
    CLAIM = "claim"
    SELF_REPORTED = "self_reported"
    CLINICIAN_ATTESTED = "clinician_attested"


class Setting(_Labelled):
    """Where a service is done (CONTRACTS.md section 1 ``--setting``)."""

    OFFICE = "office"
    ASC = "asc"
    HOSPITAL_OUTPATIENT = "hospital-outpatient"
    INPATIENT = "inpatient"


class LetterKind(_Labelled):
    """The documents backcover writes."""

    APPEAL_LETTER = "appeal_letter"
    PRIOR_AUTH_PACKET = "prior_auth_packet"
    PEER_TO_PEER_PREP = "peer_to_peer_prep"
    EXTERNAL_REVIEW_REQUEST = "external_review_request"
    GOOD_FAITH_ESTIMATE_REQUEST = "good_faith_estimate_request"


class Signer(_Labelled):
    """Who signs a letter."""

    PATIENT = "patient"
    PROVIDER = "provider"
    REPRESENTATIVE = "representative"


class ItemKind(_Labelled):
    """What a record item is. The values are the ``kind`` strings of CONTRACTS.md section 0."""

    DIAGNOSIS = "diagnosis"  # conditions, problems, findings that are diagnoses
    SYMPTOM = "symptom"  # symptoms as reported (e.g. "leg numbness"), not diagnoses
    SCORE = "score"  # pain and function scores: NRS, PEG, ODI, Roland-Morris
    PROCEDURE = "procedure"  # treatments and interventions done: therapy, injections, surgery
    MEDICATION = "medication"  # medication courses (orders, statements, self-reported)
    IMAGING = "imaging"  # imaging studies and their reports/findings
    OBSERVATION = "observation"  # exam findings, vitals (BMI), smoking status, other observations
    LAB = "lab"  # laboratory results
    ENCOUNTER = "encounter"  # visits: specialist, primary care, emergency
    REFERRAL = "referral"  # referrals and orders (ServiceRequest)
    DOCUMENT = "document"  # clinical documents (DocumentReference, log attachments)
    COVERAGE = "coverage"  # insurance coverage (Coverage)
    CLAIM = "claim"  # claim lines (ExplanationOfBenefit)


class Region(_Labelled):
    """The spinal region an item concerns."""

    CERVICAL = "cervical"
    THORACIC = "thoracic"
    THORACOLUMBAR = "thoracolumbar"
    LUMBAR = "lumbar"
    LUMBOSACRAL = "lumbosacral"
    SACRAL = "sacral"
    SACROILIAC = "sacroiliac"

    @property
    def is_low_back(self) -> bool:
        return self in (Region.LUMBAR, Region.LUMBOSACRAL, Region.SACRAL, Region.THORACOLUMBAR)


_PLAN_KIND_PAYER: dict[PlanKind, Payer | None] = {
    PlanKind.COMMERCIAL: Payer.COMMERCIAL,
    PlanKind.MARKETPLACE: Payer.COMMERCIAL,
    PlanKind.MEDICARE: Payer.MEDICARE,
    PlanKind.MEDICARE_ADVANTAGE: Payer.MEDICARE_ADVANTAGE,
    PlanKind.MEDICAID: Payer.MEDICAID,
    PlanKind.MEDICAID_FFS: Payer.MEDICAID,
    PlanKind.UNINSURED: None,
}

# Words people and other systems use for a payer or plan kind.
_PAYER_ALIASES = {
    "original-medicare": "medicare",
    "ma": "medicare-advantage",
    "private": "commercial",
    "employer": "commercial",
    "aca": "commercial",
    "erisa": "commercial",
}
_PLAN_KIND_ALIASES = {"aca": "marketplace", "erisa": "commercial", "ma": "medicare-advantage"}


def payer_for_plan_kind(kind: PlanKind | str) -> Payer | None:
    """The payer whose policies apply to a plan kind (``None`` for no insurance)."""
    return _PLAN_KIND_PAYER[parse_plan_kind(kind) if not isinstance(kind, PlanKind) else kind]


E = TypeVar("E", bound=StrEnum)


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def parse_choice(enum: type[E], value: str, where: str | None = None, what: str | None = None) -> E:
    """The member of ``enum`` whose value is ``value`` (``_`` and ``-`` alike), or BadInput."""
    wanted = _key(value)
    for member in enum:
        if _key(member.value) == wanted:
            return member
    name = what or enum.__name__
    raise BadInput(f"unknown {name} {value!r}", suggest(value, [m.value for m in enum]), where=where)


def parse_payer(value: str, where: str | None = "--payer") -> Payer:
    """A payer, accepting plan kinds too (``marketplace`` and ``medicaid-ffs`` name their payer)."""
    key = _key(value)
    key = _PAYER_ALIASES.get(key, key)
    for kind in PlanKind:
        if kind.value == key:
            payer = _PLAN_KIND_PAYER[kind]
            if payer is not None:
                return payer
    return parse_choice(Payer, key, where, "payer")


def parse_plan_kind(value: str, where: str | None = None) -> PlanKind:
    key = _key(value)
    return parse_choice(PlanKind, _PLAN_KIND_ALIASES.get(key, key), where, "plan kind")


def values(enum: Iterable[StrEnum]) -> tuple[str, ...]:
    """The contract strings of an enumeration, in order (for CLI help and error hints)."""
    return tuple(m.value for m in enum)
