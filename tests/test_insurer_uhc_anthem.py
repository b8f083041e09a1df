"""UnitedHealthcare and Anthem (Carelon) answer with their own policies, and differently where they differ."""

from __future__ import annotations

from datetime import date

import pytest

from backcover.engine import Determination, check
from backcover.record.model import Record
from tests.engine_builders import care, dx, exam, item, mri, noted, nrs, record

AS_OF = date(2026, 6, 1)
UHC = "unitedhealthcare"
ANTHEM = "anthem"
PUBLISHERS = {UHC: {"UnitedHealthcare"}, ANTHEM: {"Anthem", "Carelon"}}

# Every back-care service of issue 18, by a code of its family (knowledge/procedures.yaml).
SERVICES = {
    "lumbar MRI": "72148",
    "epidural steroid injection": "62323",
    "transforaminal epidural": "64483",
    "medial branch block": "64493",
    "facet radiofrequency ablation": "64635",
    "spinal cord stimulator trial": "63650",
    "spinal cord stimulator implant": "63685",
    "laminectomy": "63047",
    "microdiscectomy": "63030",
    "lumbar fusion": "22612",
    "lumbar disc replacement": "22857",
    "physical therapy": "97110",
    "chiropractic": "98940",
    "acupuncture": "97810",
}


def status(d: Determination, cid: str) -> str:
    return next(str(c.status) for c in d.criteria if c.id == cid)


def assert_own_policies(d: Determination, insurer: str) -> None:
    """Every policy cited is the named insurer's own pack, written by it or its vendor."""
    assert d.insurer == insurer
    assert d.policies
    for p in d.policies:
        assert p.insurer == insurer, p.id
        assert p.publisher in PUBLISHERS[insurer], p.publisher
    prefix = "uhc." if insurer == UHC else "anthem."
    assert all(c.id.startswith(prefix) for c in d.criteria)


def herniation_with_old_mri() -> Record:
    """Sciatica from a herniated disc, 13 weeks of therapy and naproxen, an exam, and an MRI 21 months old."""
    return record(
        dx("M51.16", date(2026, 1, 5)),
        care(date(2026, 3, 2), 6),
        mri(date(2024, 9, 1)),
        exam(date(2026, 4, 1)),
        nrs(7, date(2026, 5, 1)),
    )


def test_an_epidural_with_an_old_mri_meets_uhc_but_not_anthems_18_month_imaging_rule() -> None:
    r = herniation_with_old_mri()
    uhc = check(r, "62323", "commercial", as_of=AS_OF, insurer=UHC)
    anthem = check(r, "62323", "commercial", as_of=AS_OF, insurer=ANTHEM)
    # UHC 2024T0616I: radicular pain on history and exam, 4 weeks of conservative care; no imaging rule.
    assert uhc.decision == "meets_criteria"
    assert [p.id for p in uhc.policies] == ["UHC Medical Policy 2024T0616I"]
    assert_own_policies(uhc, UHC)
    # Carelon (for Anthem, from 2023-04-09): the MRI of a herniated disc must be from the last 18 months.
    assert anthem.decision == "criteria_not_met"
    assert status(anthem, "anthem.esi.imaging_18m") == "not_met"
    assert "18 months" in next(c.explanation for c in anthem.criteria if c.id == "anthem.esi.imaging_18m")
    assert [p.publisher for p in anthem.policies] == ["Carelon"]
    assert_own_policies(anthem, ANTHEM)
    # Anthem's Carelon program needs prior authorization for the injection; UHC's list was not read.
    assert anthem.prior_authorization == "required"
    assert uhc.prior_authorization == "plan_dependent"


def test_acupuncture_for_chronic_back_pain_meets_anthems_guideline_but_uhc_asks_for_the_benefit() -> None:
    r = record(
        dx("M54.50", date(2025, 12, 1)),
        care(date(2026, 3, 2), 6),  # physical therapy and naproxen
    )
    anthem = check(r, "97810", "commercial", as_of=AS_OF, insurer=ANTHEM)
    uhc = check(r, "97810", "commercial", as_of=AS_OF, insurer=UHC)
    # Anthem CG-ANC-03: back pain over 12 weeks despite medication and physical therapy.
    assert anthem.decision == "meets_criteria"
    assert [p.id for p in anthem.policies] == ["Anthem CG-ANC-03"]
    assert_own_policies(anthem, ANTHEM)
    # UHC covers acupuncture only where the plan has the benefit: that needs documenting.
    assert uhc.decision == "needs_documentation"
    assert status(uhc, "uhc.acu.benefit") == "unknown"
    assert status(uhc, "uhc.acu.diagnosis") == "met"
    assert_own_policies(uhc, UHC)


def test_a_stimulator_for_radiculopathy_without_back_surgery_is_outside_uhcs_covered_conditions() -> None:
    r = record(
        dx("M54.16", date(2024, 1, 1)),
        care(date(2025, 6, 2), 30),
        item("cpt", "90791", date(2026, 3, 5)),  # psychological evaluation
    )
    uhc = check(r, "63650", "commercial", setting="asc", as_of=AS_OF, insurer=UHC)
    anthem = check(r, "63650", "commercial", setting="asc", as_of=AS_OF, insurer=ANTHEM)
    # UHC 2025T0567Z: only CRPS, diabetic neuropathy and failed back surgery syndrome.
    assert uhc.decision == "not_covered"
    assert status(uhc, "uhc.scs_trial.indication") == "not_met"
    assert_own_policies(uhc, UHC)
    # Anthem's stimulator criteria (unconfirmed, BCBS family) include radicular pain.
    assert anthem.decision == "meets_criteria"
    assert_own_policies(anthem, ANTHEM)


@pytest.mark.parametrize("insurer", [UHC, ANTHEM])
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_back_care_service_has_a_policy_of_the_named_insurer(insurer: str, service: str) -> None:
    r = record(dx("M54.50", date(2025, 1, 5)), care(date(2026, 3, 2), 6))
    code = SERVICES[service]
    d = check(r, code, "commercial", as_of=AS_OF, insurer=insurer)
    assert_own_policies(d, insurer)
    assert d.criteria
    assert all(c.source.policy and c.source.url for c in d.criteria)
    assert not any("no policy" in n.lower() for n in d.notes)


def test_uhc_medicare_advantage_therapy_visits_need_prior_authorization_from_september_2024() -> None:
    r = record(dx("M54.50", date(2024, 5, 1)), noted("plan_of_care", date(2024, 5, 2)))
    before = check(r, "97110", "medicare-advantage", state="PA", as_of=date(2024, 8, 1), insurer=UHC)
    after = check(r, "97110", "medicare-advantage", state="PA", as_of=date(2024, 10, 1), insurer=UHC)
    evaluation = check(r, "97161", "medicare-advantage", state="PA", as_of=date(2024, 10, 1), insurer=UHC)
    chiro = check(r, "98940", "medicare-advantage", state="PA", as_of=date(2024, 10, 1), insurer=UHC)
    assert before.prior_authorization == "plan_dependent"
    assert after.prior_authorization == "required"
    assert chiro.prior_authorization == "required"
    assert evaluation.prior_authorization != "required"
    # The criteria stay Medicare's (Medicare Advantage follows the Benefit Policy Manual).
    assert all(p.publisher == "CMS" for p in after.policies)


def test_uhc_commercial_mri_goes_through_the_radiology_prior_authorization_program() -> None:
    r = record(dx("M54.50", date(2026, 1, 5)), care(date(2026, 3, 2), 6))
    d = check(r, "72148", "commercial", as_of=AS_OF, insurer=UHC)
    assert d.prior_authorization == "required"
    assert any("Radiology" in b for b in d.prior_authorization_basis)
    # UHC's 6 weeks of provider-directed care are met; there is no separate "surgery candidate" criterion.
    assert d.decision == "meets_criteria"
    assert_own_policies(d, UHC)


def test_anthem_medicare_advantage_uses_medicare_where_it_has_criteria_and_carelon_elsewhere() -> None:
    r = record(
        dx("M51.16", date(2025, 12, 1)),
        care(date(2026, 3, 2), 6),
        mri(date(2026, 4, 1)),
        exam(date(2026, 4, 2)),
    )
    esi = check(r, "62323", "medicare-advantage", state="PA", as_of=AS_OF, insurer=ANTHEM)
    discectomy = check(r, "63030", "medicare-advantage", state="PA", as_of=AS_OF, insurer=ANTHEM)
    # Medicare's epidural LCD is established, so it applies, not Carelon's guideline.
    assert all(p.insurer is None for p in esi.policies)
    assert not any(c.id.startswith("anthem.") for c in esi.criteria)
    # Medicare has no discectomy criteria: Carelon's Spine Surgery guideline (for Anthem) applies.
    assert [(p.publisher, p.insurer) for p in discectomy.policies] == [("Carelon", ANTHEM)]
