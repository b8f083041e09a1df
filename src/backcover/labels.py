"""The plain-language labels of the vocabulary: what a person reads for each enumeration value.

One table for every page, letter and report, keyed by the enumeration's class name in
``backcover.vocab`` and then by the value; ``vocab``'s ``.label`` reads it. A value with no entry
reads as itself. Translations of these words live in the gettext catalogues (``backcover.i18n``).
"""

from __future__ import annotations

__all__ = ["LABELS"]

# The plain-language labels, one set for every page, letter and report.
LABELS: dict[str, dict[str, str]] = {
    "Payer": {
        "medicare": "Original Medicare",
        "medicare-advantage": "Medicare Advantage",
        "commercial": "Private insurance (employer or Marketplace)",
        "medicaid": "Medicaid",
    },
    "PlanKind": {
        "commercial": "Employer or individual plan",
        "marketplace": "Marketplace (ACA) plan",
        "medicare": "Original Medicare",
        "medicare-advantage": "Medicare Advantage",
        "medicaid": "Medicaid managed care",
        "medicaid-ffs": "Medicaid (fee-for-service)",
        "uninsured": "No insurance (self-pay)",
    },
    "Decision": {
        "meets_criteria": "Meets the criteria",
        "needs_documentation": "Needs more documentation",
        "criteria_not_met": "Criteria not met yet",
        "not_covered": "Not covered",
    },
    "CriterionStatus": {
        "met": "Met",
        "not_met": "Not met",
        "unknown": "Not yet documented",
        "not_applicable": "Not needed",
    },
    "PriorAuth": {
        "required": "Prior authorization required",
        "not_required": "No prior authorization needed",
        "plan_dependent": "Depends on the plan",
    },
    "CriterionKind": {
        "diagnosis": "Diagnosis",
        "symptom_duration": "How long the symptoms have lasted",
        "conservative_care": "Care tried first",
        "imaging": "Imaging",
        "severity": "How severe the pain is",
        "red_flag": "Warning signs",
        "diagnostic_response": "Response to a test injection",
        "prior_response": "Relief from the earlier treatment",
        "trial": "Trial",
        "frequency": "How often",
        "interval": "Time between treatments",
        "visit_limit": "Visit limit",
        "age": "Age",
        "behavioral_health": "Mental-health evaluation",
        "nicotine": "Nicotine",
        "lab": "Lab test",
        "exclusion": "Exclusion",
        "provider": "Who provides it",
        "order": "Order, referral or plan of care",
        "other": "Other",
    },
    "BenefitCategory": {
        "primary_care_visit": "Primary care visit",
        "specialist_visit": "Specialist visit",
        "emergency_room": "Emergency room",
        "imaging_basic": "X-ray and basic imaging",
        "imaging_advanced": "MRI, CT and advanced imaging",
        "diagnostic_test": "Diagnostic test",
        "lab": "Lab work",
        "outpatient_facility": "Outpatient facility fee",
        "outpatient_physician": "Outpatient surgeon or physician",
        "inpatient_facility": "Hospital stay",
        "inpatient_physician": "Physician during a hospital stay",
        "anesthesia": "Anesthesia",
        "rehabilitation": "Physical therapy",
        "chiropractic": "Chiropractic",
        "acupuncture": "Acupuncture",
        "massage": "Massage therapy",
        "durable_medical_equipment": "Medical equipment",
        "prescription_drugs": "Prescription drugs",
    },
    "Provenance": {
        "ehr": "clinic record",
        "claim": "insurance claim",
        "self_reported": "you reported",
        "clinician_attested": "clinician's answer",
    },
    "Setting": {
        "office": "doctor's office",
        "asc": "ambulatory surgery center",
        "hospital-outpatient": "hospital outpatient department",
        "inpatient": "hospital stay",
    },
    "LetterKind": {
        "appeal_letter": "Appeal letter",
        "prior_auth_packet": "Prior-authorization packet",
        "peer_to_peer_prep": "Peer-to-peer prep sheet",
        "external_review_request": "External review request",
        "good_faith_estimate_request": "Good Faith Estimate request",
    },
    "Signer": {
        "patient": "the patient",
        "provider": "the treating provider",
        "representative": "an authorized representative",
    },
    "ItemKind": {
        "diagnosis": "Diagnosis",
        "symptom": "Symptom",
        "score": "Pain or function score",
        "procedure": "Treatment or procedure",
        "medication": "Medicine",
        "imaging": "Imaging",
        "observation": "Exam or measurement",
        "lab": "Lab result",
        "encounter": "Visit",
        "referral": "Referral or order",
        "document": "Document",
        "coverage": "Insurance",
        "claim": "Insurance claim",
    },
    "Region": {
        "cervical": "neck",
        "thoracic": "mid back",
        "thoracolumbar": "mid and lower back",
        "lumbar": "lower back",
        "lumbosacral": "lower back and pelvis",
        "sacral": "tailbone area",
        "sacroiliac": "sacroiliac (SI) joint",
    },
}
