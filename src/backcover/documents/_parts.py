"""What every letter to a payer carries (the case's reference numbers and the signer), the
patient's rights by kind of plan, the external-review route, and guideline references.

Every right and route cites its rule. Facts not yet confirmed against the rule's text carry a
``confidence`` note, shown on the private "Before you send" sheet, never in the letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from backcover.vocab import CriterionKind, PlanKind, Signer

__all__ = [
    "EXTERNAL_ROUTES",
    "GUIDELINES",
    "OBTAIN_FROM",
    "REPRESENTATIVE_FORMS",
    "CaseRef",
    "ExternalRoute",
    "Right",
    "RouteInfo",
    "external_route",
    "patient_rights",
    "representative_form",
]

ECFR = "https://www.ecfr.gov/current/title-"


class ExternalRoute(StrEnum):
    """Where an external review goes: it depends on how the plan is funded, or on the program."""

    FEDERAL = "federal"  # self-funded employer (ERISA) plan: the federal external review process
    STATE = "state"  # fully insured plan: the state's external review process
    MEDICARE = "medicare"
    MEDICAID = "medicaid"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CaseRef:
    """The numbers and dates a payer files a letter under."""

    member_id: str | None = None
    group_number: str | None = None
    claim_number: str | None = None
    service_from: date | None = None
    service_to: date | None = None
    plan_name: str | None = None
    plan_kind: str | None = None
    route: ExternalRoute = ExternalRoute.UNKNOWN

    @property
    def dates_of_service(self) -> str | None:
        if self.service_from is None:
            return None
        if self.service_to and self.service_to != self.service_from:
            return f"{self.service_from.isoformat()} to {self.service_to.isoformat()}"
        return self.service_from.isoformat()


@dataclass(frozen=True)
class Right:
    """A request the patient is entitled to make, with the rule that gives it."""

    text: str
    citation: str
    url: str | None = None
    confidence: str | None = None


_ACA = "45/section-147.136"
_ERISA = "29/section-2560.503-1"


def patient_rights(plan_kind: str | None, *, urgent: bool = False) -> tuple[Right, ...]:
    """The claim-file, criteria and expedited-review requests that apply to a kind of plan."""
    kind = plan_kind or PlanKind.COMMERCIAL.value
    out: list[Right] = []
    if kind in (PlanKind.COMMERCIAL, PlanKind.MARKETPLACE):
        out.append(
            Right(
                "Send me, free of charge, the complete claim file: all documents, records and other "
                "information relevant to this claim, and any new evidence or rationale considered, in "
                "time for me to respond before the decision.",
                "45 CFR 147.136(b)(2)(ii)(C); 29 CFR 2560.503-1(h)(2)(iii)",
                ECFR + _ACA,
            )
        )
        out.append(
            Right(
                "Send me the internal rule, guideline, protocol or criteria relied on, and the clinical "
                "judgment applying them to the patient's circumstances.",
                "29 CFR 2560.503-1(g)(1)(v), as applied by 45 CFR 147.136(b)(2)(i)",
                ECFR + _ERISA,
            )
        )
        if urgent:
            out.append(
                Right(
                    "Decide this as an urgent care claim: as soon as the patient's condition requires "
                    "and within 72 hours.",
                    "29 CFR 2560.503-1(i)(2)(i); 45 CFR 147.136(b)(2)(i)",
                    ECFR + _ERISA,
                )
            )
    elif kind == PlanKind.MEDICARE_ADVANTAGE:
        out.append(
            Right(
                "Send me a copy of the case file, including the criteria used, and let me present "
                "evidence and arguments in writing.",
                "42 CFR 422.586",
                ECFR + "42/section-422.586",
                "the case-file copy is in CMS's Parts C & D appeals guidance, section 50",
            )
        )
        if urgent:
            out.append(
                Right(
                    "Expedite this reconsideration: the standard time could seriously jeopardize the "
                    "patient's life, health or ability to regain maximum function (decision within 72 "
                    "hours).",
                    "42 CFR 422.584; 42 CFR 422.590(e)",
                    ECFR + "42/section-422.584",
                )
            )
    elif kind == PlanKind.MEDICARE:
        out.append(
            Right(
                "Send me a copy of the claim file and the Local or National Coverage Determination "
                "applied, so that I can respond to it.",
                "42 CFR 405.940-405.958 (redetermination)",
                ECFR + "42/part-405/subpart-I",
                "Original Medicare grants no claim-file right in these words; the request is "
                "still worth making",
            )
        )
    elif kind == PlanKind.MEDICAID:
        out.append(
            Right(
                "Send me, free of charge and before the decision, the case file: medical records, other "
                "documents and any new evidence considered.",
                "42 CFR 438.406(b)(5)",
                ECFR + "42/section-438.406",
            )
        )
        if urgent:
            out.append(
                Right(
                    "Resolve this as an expedited appeal (within 72 hours).",
                    "42 CFR 438.410; 42 CFR 438.408(b)(3)",
                    ECFR + "42/section-438.410",
                )
            )
    elif kind == PlanKind.MEDICAID_FFS:
        out.append(
            Right(
                "Let me examine, before the hearing, the case file and all documents and records to be "
                "used by the agency.",
                "42 CFR 431.242(a)",
                ECFR + "42/section-431.242",
            )
        )
        if urgent:
            out.append(
                Right(
                    "Hold an expedited fair hearing: the standard time could jeopardize the patient's "
                    "health.",
                    "42 CFR 431.224",
                    ECFR + "42/section-431.224",
                )
            )
    return tuple(out)


# The form a representative files with the letter (None: a signed letter of authorization will do).
REPRESENTATIVE_FORMS: dict[str, tuple[str, str]] = {
    PlanKind.MEDICARE: ("CMS-1696 (Appointment of Representative)", "42 CFR 405.910"),
    PlanKind.MEDICARE_ADVANTAGE: ("CMS-1696 (Appointment of Representative)", "42 CFR 422.561"),
    PlanKind.COMMERCIAL: ("the plan's authorized-representative form", "29 CFR 2560.503-1(b)(4)"),
    PlanKind.MARKETPLACE: ("the plan's authorized-representative form", "45 CFR 147.136(b)(2)(i)"),
    PlanKind.MEDICAID: ("the plan's or state's authorized-representative form", "42 CFR 438.402(c)"),
    PlanKind.MEDICAID_FFS: ("the state's authorized-representative form", "42 CFR 435.923"),
}


def representative_form(plan_kind: str | None, signer: Signer | str) -> tuple[str, str] | None:
    """(form, rule) a representative signing for the patient needs; None for the patient or provider."""
    if signer != Signer.REPRESENTATIVE:
        return None
    return REPRESENTATIVE_FORMS.get(plan_kind or PlanKind.COMMERCIAL.value)


@dataclass(frozen=True)
class RouteInfo:
    words: str
    citation: str
    url: str | None = None


EXTERNAL_ROUTES: dict[ExternalRoute, RouteInfo] = {
    ExternalRoute.FEDERAL: RouteInfo(
        "The plan is a self-funded employer plan, so external review follows the federal process "
        "(an independent review organization under the federal standards).",
        "45 CFR 147.136(d); 29 CFR 2590.715-2719(d)",
        ECFR + _ACA,
    ),
    ExternalRoute.STATE: RouteInfo(
        "The plan is fully insured, so external review follows the state's process, through the "
        "state insurance department.",
        "45 CFR 147.136(c)",
        ECFR + _ACA,
    ),
    ExternalRoute.MEDICARE: RouteInfo(
        "Medicare's next level is its own independent review: a Qualified Independent Contractor "
        "reconsideration (Original Medicare) or the Independent Review Entity (Medicare Advantage, "
        "sent automatically when the plan upholds its denial).",
        "42 CFR 405.960; 42 CFR 422.592",
        ECFR + "42/section-405.960",
    ),
    ExternalRoute.MEDICAID: RouteInfo(
        "Medicaid's next level is the state fair hearing (and any external review the state offers).",
        "42 CFR 431.220; 42 CFR 438.408(f)",
        ECFR + "42/section-431.220",
    ),
    ExternalRoute.UNKNOWN: RouteInfo(
        "Which external review applies depends on how the plan is funded: a self-funded employer plan "
        "uses the federal process, a fully insured plan the state's. The Summary of Benefits and "
        "Coverage or the plan document says which.",
        "45 CFR 147.136(c), (d)",
        ECFR + _ACA,
    ),
}


def external_route(plan_kind: str | None, chosen: ExternalRoute | str | None) -> ExternalRoute:
    """The route for a case: Medicare and Medicaid have their own; other plans the one chosen."""
    if plan_kind in (PlanKind.MEDICARE, PlanKind.MEDICARE_ADVANTAGE):
        return ExternalRoute.MEDICARE
    if plan_kind in (PlanKind.MEDICAID, PlanKind.MEDICAID_FFS):
        return ExternalRoute.MEDICAID
    if plan_kind == PlanKind.MARKETPLACE and not chosen:
        return ExternalRoute.STATE  # marketplace plans are fully insured
    try:
        return ExternalRoute(chosen) if chosen else ExternalRoute.UNKNOWN
    except ValueError:
        return ExternalRoute.UNKNOWN


# Where to get what a criterion still needs (for the "Before you send" sheet).
OBTAIN_FROM: dict[str, str] = {
    CriterionKind.IMAGING: "the imaging center (the radiologist's report) or the ordering clinician",
    CriterionKind.CONSERVATIVE_CARE: "the physical therapist's notes and the prescribing clinician",
    CriterionKind.DIAGNOSIS: "the treating clinician (the visit note with the diagnosis)",
    CriterionKind.SYMPTOM_DURATION: "the treating clinician (visit notes dating the symptoms)",
    CriterionKind.SEVERITY: "the treating clinician (pain and function scores, such as ODI)",
    CriterionKind.DIAGNOSTIC_RESPONSE: "the clinician who did the diagnostic blocks (procedure notes)",
    CriterionKind.BEHAVIORAL_HEALTH: "the behavioral health clinician",
    CriterionKind.NICOTINE: "the treating clinician (smoking status or a nicotine test)",
    CriterionKind.LAB: "the lab or the ordering clinician",
    CriterionKind.ORDER: "the ordering clinician",
    CriterionKind.PROVIDER: "the provider's office (credentials and the facility's accreditation)",
}


@dataclass(frozen=True)
class GuidelineSource:
    title: str
    citation: str
    url: str
    backs: frozenset[str]  # the criterion kinds the guideline speaks to


# Guidelines a letter may cite, each with its full reference; cited only when a met criterion of a
# kind it speaks to is argued.
GUIDELINES: tuple[GuidelineSource, ...] = (
    GuidelineSource(
        "Qaseem A, Wilt TJ, McLean RM, Forciea MA; Clinical Guidelines Committee of the American College "
        "of Physicians. Noninvasive Treatments for Acute, Subacute, and Chronic Low Back Pain: A Clinical "
        "Practice Guideline From the American College of Physicians",
        "Ann Intern Med. 2017;166(7):514-530. doi:10.7326/M16-2367",
        "https://doi.org/10.7326/M16-2367",
        frozenset({CriterionKind.CONSERVATIVE_CARE.value}),
    ),
)
