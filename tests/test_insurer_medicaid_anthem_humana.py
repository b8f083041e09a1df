"""Anthem (Elevance: Anthem, Wellpoint) and Humana Healthy Horizons Medicaid plans use their own packs.

Each test shows a record on which the insurer's Medicaid plan answers differently from the generic
Medicaid baseline or from the other insurer, and names the pack that makes the difference.
Facts: /work/notes/mco-anthem-humana.md.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from backcover.engine import Determination, check
from tests.engine_builders import care, dx, record

AS_OF = date(2026, 6, 1)
ANTHEM = "anthem"
HUMANA = "humana"


def packs(d: Determination) -> list[str]:
    return [p.pack for p in d.policies if p.pack]


def status(d: Determination, cid: str) -> str:
    return next(str(c.status) for c in d.criteria if c.id == cid)


def test_anthem_kentucky_medicaid_asks_carelons_conservative_care_before_a_lumbar_mri() -> None:
    # Back pain for three weeks, nothing tried yet, no red flag.
    r = record(dx("M54.50", date(2026, 5, 10)))
    anthem = check(r, "72148", "medicaid", state="KY", as_of=AS_OF, insurer=ANTHEM)
    humana = check(r, "72148", "medicaid", state="KY", as_of=AS_OF, insurer=HUMANA)
    generic = check(r, "72148", "medicaid", state="KY", as_of=AS_OF)
    # Carelon's Imaging of the Spine applies to Anthem's Kentucky Medicaid programs: the 6 weeks of
    # conservative care (or a red flag) are missing, so the request is not ready.
    assert packs(anthem) == ["anthem-medicaid-lumbar-mri"]
    assert all(p.insurer == ANTHEM and p.publisher == "Carelon" for p in anthem.policies)
    assert status(anthem, "anthem.medicaid.mri.conservative_care") != "met"
    assert anthem.decision != "meets_criteria"
    # Humana has no MRI policy of its own for Kentucky Medicaid: the Medicaid baseline (a diagnosis) is met.
    assert packs(humana) == ["medicaid-baseline"]
    assert humana.decision == "meets_criteria"
    assert generic.decision == "meets_criteria"
    assert any(n.startswith("backcover has no Humana policy") for n in humana.notes)


def test_kentucky_medicaid_plans_need_prior_approval_for_an_mri_that_fee_for_service_does_not() -> None:
    r = record(dx("M54.50", date(2026, 1, 5)), care(date(2026, 3, 2), 6))
    anthem = check(r, "72148", "medicaid", state="KY", as_of=AS_OF, insurer=ANTHEM)
    humana = check(r, "72148", "medicaid", state="KY", as_of=AS_OF, insurer=HUMANA)
    generic = check(r, "72148", "medicaid", state="KY", as_of=AS_OF)
    # Kentucky's fee-for-service program needs none; both plans' own rules do (Anthem's member page,
    # eviCore for Humana Healthy Horizons in Kentucky from 2021-03-01).
    assert generic.prior_authorization != "required"
    assert anthem.prior_authorization == "required"
    assert any("Anthem Medicaid plan (Kentucky)" in b for b in anthem.prior_authorization_basis)
    assert humana.prior_authorization == "required"
    assert any("eviCore" in b and "Kentucky" in b for b in humana.prior_authorization_basis)
    # With 6 weeks of therapy and naproxen, Carelon's imaging criteria are met for Anthem.
    assert anthem.decision == "meets_criteria"
    # The same Humana rule does not reach another state.
    ohio = check(r, "72148", "medicaid", state="OH", as_of=AS_OF, insurer=HUMANA)
    assert ohio.prior_authorization == "plan_dependent"


def test_humana_virginia_medicaid_epidural_policy_asks_what_the_baseline_and_anthem_do_not() -> None:
    # Sciatica with a diagnosis and nothing else documented.
    r = record(dx("M54.16", date(2026, 1, 5)))
    humana = check(r, "62323", "medicaid", state="VA", as_of=AS_OF, insurer=HUMANA)
    anthem = check(r, "62323", "medicaid", state="VA", as_of=AS_OF, insurer=ANTHEM)
    # Humana's Virginia Medicaid policy "Injections for Chronic Pain Conditions": conservative care that
    # failed, and real-time imaging guidance, must be documented.
    assert packs(humana) == ["humana-medicaid-va-injections"]
    policy = "Humana Injections for Chronic Pain Conditions - MEDICAID - VIRGINIA"
    assert [p.id for p in humana.policies] == [policy]
    assert status(humana, "humana.medicaid.va.esi.diagnosis") == "met"
    assert status(humana, "humana.medicaid.va.esi.conservative_care") != "met"
    assert humana.decision != "meets_criteria"
    assert any("rolling 12 months" in n for n in humana.notes)
    # Anthem has no Virginia Medicaid epidural policy in backcover: the baseline applies and is met.
    assert packs(anthem) == ["medicaid-baseline"]
    assert anthem.decision == "meets_criteria"


def test_humanas_virginia_policy_starts_with_its_plan_and_stays_in_virginia() -> None:
    r = record(dx("M54.16", date(2024, 1, 5)))
    before = check(r, "62323", "medicaid", state="VA", as_of=date(2025, 6, 1), insurer=HUMANA)
    kentucky = check(r, "62323", "medicaid", state="KY", as_of=AS_OF, insurer=HUMANA)
    # Humana Healthy Horizons of Virginia began on 2025-07-01 (DMAS).
    assert packs(before) == ["medicaid-baseline"]
    assert packs(kentucky) == ["medicaid-baseline"]


def test_anthem_medicaid_prior_authorization_is_read_state_by_state() -> None:
    r = record(dx("M54.50", date(2026, 1, 5)), care(date(2026, 3, 2), 6))
    washington = check(r, "72148", "medicaid", state="WA", as_of=AS_OF, insurer=ANTHEM)
    no_state = check(r, "72148", "medicaid", as_of=AS_OF, insurer=ANTHEM)
    esi = check(r, "62323", "medicaid", state="OH", as_of=AS_OF, insurer=ANTHEM)
    # Wellpoint Washington (Apple Health): Carelon reviews CT and MRI.
    assert washington.prior_authorization == "required"
    assert any("Wellpoint" in b for b in washington.prior_authorization_basis)
    # Without a state the answer names the states whose rule was read.
    assert no_state.prior_authorization == "plan_dependent"
    assert any("KY" in n and "--state" in n for n in no_state.notes)
    # An Ohio epidural: no Anthem Medicaid rule was read; the state plan's list decides.
    assert esi.prior_authorization == "plan_dependent"
    assert any("state plan's own list" in b for b in esi.prior_authorization_basis)
    assert not any("no Anthem prior-authorization list" in b for b in esi.prior_authorization_basis)


def test_the_plans_own_rule_comes_before_the_states_fee_for_service_rule() -> None:
    """A member of Anthem's Kentucky Medicaid plan reads the plan's rule first; the state's
    fee-for-service rule (no PA for imaging) follows as context."""
    rec = record(dx("M54.50", date(2026, 8, 1)))
    anthem = check(rec, "72148", "medicaid", state="KY", as_of=date(2026, 12, 1), insurer="anthem")
    assert str(anthem.prior_authorization) == "required"
    first, *rest = anthem.prior_authorization_basis
    assert "Anthem" in first and "Kentucky Medicaid (fee-for-service)" not in first
    assert first.endswith("no start date given by the source")  # Anthem's member page gives none
    assert any("Kentucky Medicaid (fee-for-service)" in b for b in rest)
    generic = check(rec, "72148", "medicaid", state="KY", as_of=date(2026, 12, 1))
    assert generic.prior_authorization_basis[0].startswith("Kentucky Medicaid")


def test_the_check_page_lists_each_prior_authorization_reason_apart(tmp_path: Path) -> None:
    """Two reasons (the plan's rule, then the state's) are two list items, not one run-on sentence."""
    from tests._web_support import choose_synthea_patient, web_client

    c = web_client(tmp_path, date(2026, 12, 1))
    choose_synthea_patient(c)
    page = c.get("/check?procedure=72148&payer=medicaid&state=KY&insurer=anthem&as_of=2026-12-01").text
    items = re.findall(r'<ul class="hint">(.*?)</ul>', page, re.S)
    assert items, "the reasons are a list"
    reasons = re.findall(r"<li>(.*?)</li>", items[0], re.S)
    assert len(reasons) == 2
    assert "Anthem" in reasons[0] and "Kentucky Medicaid (fee-for-service)" in reasons[1]
