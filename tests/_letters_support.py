"""Sample inputs for the letter tests: one determination with every status, and a letter of each type."""

from __future__ import annotations

from datetime import date

from backcover.documents import (
    AppealLetter,
    Attachment,
    Citation,
    CriterionView,
    DenialView,
    DeterminationView,
    Document,
    EvidenceView,
    ExternalReviewRequest,
    GoodFaithEstimateRequest,
    GuidelineRef,
    Party,
    PeerToPeerPrep,
    PriorAuthPacket,
    TimelineEntry,
)
from backcover.vocab import Signer

L = Citation(
    "L39242",
    "Coverage Indications, Limitations, and/or Medical Necessity",
    "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=39242",
)

DET = DeterminationView(
    decision="needs_documentation",
    procedure_code="64635",
    procedure_name="Lumbar facet joint radiofrequency ablation",
    payer="medicare",
    policies=(Citation("L39242", None, L.url, "Facet Joint Interventions for Pain Management"),),
    criteria=(
        CriterionView(
            "rfa.diagnostic_response",
            "diagnostic_response",
            "met",
            "Two medial branch blocks each gave at least 80% relief",
            "Blocks on 2026-09-10 and 2026-10-01 each took pain from 7 to 1 (86% relief).",
            (
                EvidenceView("Procedure/mbb-1", date(2026, 9, 10), "ehr", "Medial branch block #1"),
                EvidenceView("Procedure/mbb-2", date(2026, 10, 1), "ehr", "Medial branch block #2"),
            ),
            L,
            "Two blocks with at least 80% relief each",
        ),
        CriterionView(
            "rfa.conservative_care",
            "conservative_care",
            "met",
            "At least 3 months of conservative care",
            "Physical therapy from 2026-03-02 to 2026-06-15 and naproxen since 2026-02-20.",
            (EvidenceView("Procedure/pt-1", date(2026, 3, 2), "ehr", "Physical therapy course"),),
            L,
            "Document 3 months of conservative care",
        ),
        CriterionView(
            "rfa.imaging",
            "imaging",
            "unknown",
            "Imaging that rules out other causes",
            "",
            (),
            L,
            "Attach the lumbar MRI or CT report",
        ),
        CriterionView(
            "rfa.interval",
            "interval",
            "not_met",
            "At least 6 months since the last ablation at this level",
            "The last ablation was on 2026-08-01.",
            (),
            L,
            "Wait until 2027-02-01",
        ),
        CriterionView(
            "rfa.red_flag",
            "red_flag",
            "not_applicable",
            "No red flags that need other care first",
            "No red-flag finding is recorded.",
            (),
            L,
        ),
    ),
)

PATIENT = Party(
    "Dana Whitfield",
    ("12 Elm Street", "Erie, PA 16501"),
    phone="814-555-0100",
    member_id="1EG4-TE5-MK72",
    birth_date=date(1958, 4, 2),
)
PROVIDER = Party(
    "Dr. Ravi Menon",
    ("Lakeshore Spine Center", "400 State Street", "Erie, PA 16501"),
    phone="814-555-0199",
    fax="814-555-0198",
    npi="1234567893",
    specialty="Interventional Pain Medicine",
)
PAYER = Party("Novitas Solutions, Redeterminations", ("PO Box 3385", "Mechanicsburg, PA 17055"))
DENIAL = DenialView(
    date(2026, 10, 20),
    "The service is not reasonable and necessary: documentation does not support the procedure.",
    (
        ("CO-50", "The payer says the service was not medically necessary."),
        ("N115", "The decision was based on a Local Coverage Determination (LCD)."),
    ),
    "ICN 2226012345678",
)
GUIDES = (
    GuidelineRef(
        "Facet joint interventions: consensus practice guideline", "Reg Anesth Pain Med 2020;45:424-467"
    ),
)
ATTACH = (
    Attachment("Lumbar MRI report", "imaging_report", date(2026, 5, 4), "Erie Imaging"),
    Attachment(
        "Procedure notes, medial branch blocks", "visit_note", date(2026, 10, 1), "Lakeshore Spine Center"
    ),
)
TODAY = date(2026, 11, 27)


def all_letters() -> dict[str, Document]:
    return {
        "appeal_letter": AppealLetter(
            PATIENT,
            PROVIDER,
            PAYER,
            TODAY,
            denial=DENIAL,
            determination=DET,
            provider=PROVIDER,
            level_name="redetermination",
            file_by=date(2027, 2, 22),
            deadline_rule="42 CFR 405.942",
            guidelines=GUIDES,
            attachments=ATTACH,
        ),
        "prior_auth_packet": PriorAuthPacket(
            PATIENT,
            PROVIDER,
            PAYER,
            TODAY,
            signer=Signer.PROVIDER,  # as build_letter makes it: the clinic sends the packet
            determination=DET,
            provider=PROVIDER,
            setting="hospital-outpatient",
            planned_date=date(2026, 12, 15),
            timeline=(
                TimelineEntry(date(2026, 2, 20), "Naproxen started", "EHR"),
                TimelineEntry(date(2026, 3, 2), "Physical therapy began (12 visits)", "EHR"),
                TimelineEntry(date(2026, 9, 10), "Medial branch block #1: pain 7 to 1", "EHR"),
            ),
            attachments=ATTACH,
        ),
        "peer_to_peer_prep": PeerToPeerPrep(
            PATIENT,
            PROVIDER,
            PAYER,
            TODAY,
            denial=DENIAL,
            determination=DET,
            scheduled_for=date(2026, 12, 2),
            file_by=date(2027, 2, 22),
            guidelines=GUIDES,
        ),
        "external_review_request": ExternalReviewRequest(
            PATIENT,
            PATIENT,
            Party("Pennsylvania Insurance Department, External Review"),
            TODAY,
            denial=DENIAL,
            determination=DET,
            final_decision_date=date(2026, 11, 20),
            file_by=date(2027, 3, 20),
            rule="45 CFR 147.136",
            attachments=ATTACH,
        ),
        "good_faith_estimate_request": GoodFaithEstimateRequest(
            PATIENT,
            PATIENT,
            PROVIDER,
            TODAY,
            services=(("64635", "Lumbar facet joint radiofrequency ablation"),),
            planned_date=date(2027, 1, 10),
            diagnosis="Lumbar facet joint pain",
            co_providers=("the surgery center",),
        ),
    }
