"""Aetna's and UnitedHealthcare's Medicaid managed-care plans (issue 18): UnitedHealthcare Community Plan's
state policies and prior-authorization lists, and Aetna Better Health's prior-authorization answer.

Facts: /work/notes/mco-aetna-uhc.md. Each test says which policy makes the answer differ from the generic
Medicaid baseline (42 CFR 440.230(d)) or from the other insurer.
"""

from __future__ import annotations

from datetime import date

from backcover.engine import Determination, check
from backcover.engine._insurer_table import insurer_table
from backcover.engine._insurers import insurer_json
from tests.engine_builders import care, dx, record

AS_OF = date(2026, 6, 1)
UHC = "unitedhealthcare"
KY_ESI = "UHC Community Plan Medical Policy CS308KY.01"


def _medicaid(rec: object, code: str, state: str, insurer: str | None) -> Determination:
    return check(rec, code, "medicaid", state=state, as_of=AS_OF, insurer=insurer)  # type: ignore[arg-type]


def _ids(d: Determination) -> list[str]:
    return [p.id for p in d.policies]


def _status(d: Determination, cid: str) -> str:
    return str(next(c.status for c in d.criteria if c.id == cid))


def axial_pain() -> object:
    # Non-specific low back pain (M54.50) after months of therapy and naproxen: no radicular pain.
    return record(dx("M54.50", date(2026, 1, 5)), care(date(2026, 2, 2), 8))


def radicular_pain() -> object:
    # Lumbar radiculopathy (M54.16) with the same care.
    return record(dx("M54.16", date(2026, 1, 5)), care(date(2026, 2, 2), 8))


# --- UnitedHealthcare Community Plan of Kentucky: epidurals under CS308KY.01 ---------------------------


def test_uhc_kentucky_esi_needs_radicular_pain_where_aetna_and_the_baseline_do_not() -> None:
    rec = axial_pain()
    uhc = _medicaid(rec, "62323", "KY", UHC)
    aetna = _medicaid(rec, "62323", "KY", "aetna")
    generic = _medicaid(rec, "62323", "KY", None)
    # CS308KY.01 covers epidurals for radicular or disc-herniation pain only: axial pain does not show it.
    assert KY_ESI in _ids(uhc)
    assert uhc.decision != "meets_criteria"
    assert _status(uhc, "uhc.cp_ky.esi.radicular") != "met"
    # Aetna Better Health has no published epidural policy backcover applies to Medicaid: the baseline
    # (a low-back diagnosis) is met, as it is with no insurer named.
    assert _ids(aetna) == ["42 CFR 440.230(d)"] == _ids(generic)
    assert aetna.decision == "meets_criteria" == generic.decision
    assert any("no Aetna policy" in n for n in aetna.notes)


def test_uhc_kentucky_esi_meets_with_radicular_pain_and_conservative_care() -> None:
    d = _medicaid(radicular_pain(), "64483", "KY", UHC)
    assert KY_ESI in _ids(d)
    assert d.decision == "meets_criteria"
    assert _status(d, "uhc.cp_ky.esi.radicular") == "met"
    assert _status(d, "uhc.cp_ky.esi.conservative_care") == "met"
    # The continuation of the criterion was read only in UHC's commercial wording: flagged.
    assert any("Unconfirmed" in n and "uhc.cp_ky.esi.conservative_care" in n for n in d.notes)


def test_uhc_kentucky_policy_is_not_used_in_other_states() -> None:
    d = _medicaid(axial_pain(), "62323", "OH", UHC)
    assert KY_ESI not in _ids(d)
    assert _ids(d) == ["42 CFR 440.230(d)"]
    assert any("no UnitedHealthcare policy" in n for n in d.notes)


# --- UnitedHealthcare Community Plan of North Carolina / Nebraska: spine surgery -----------------------


def test_uhc_north_carolina_fusion_follows_the_state_policy_1a_30() -> None:
    rec = axial_pain()
    uhc = _medicaid(rec, "22612", "NC", UHC)
    aetna = _medicaid(rec, "22612", "NC", "aetna")
    nc = "UHC Community Plan Medical Policy: Spinal Fusion and Decompression (for North Carolina Only)"
    assert nc in _ids(uhc)
    # The plan uses NC Medicaid's own criteria, which backcover has not encoded: it cannot decide.
    assert uhc.decision == "needs_documentation"
    crit = next(c for c in uhc.criteria if c.id == "uhc.cp_nc.spine.state_policy")
    assert "1A-30" in crit.summary
    assert any("1A-30" in n for n in uhc.notes)
    # Aetna: the baseline decides (a low-back diagnosis is enough).
    assert aetna.decision == "meets_criteria"
    assert _ids(aetna) == ["42 CFR 440.230(d)"]


def test_uhc_nebraska_decompression_is_reviewed_with_interqual() -> None:
    d = _medicaid(axial_pain(), "63047", "NE", UHC)
    assert "UHC Community Plan Medical Policy: Spinal Fusion and Decompression (for Nebraska Only)" in _ids(d)
    assert d.decision == "needs_documentation"
    assert _status(d, "uhc.cp_ne.spine.interqual") == "unknown"
    assert any("MOTUS" in n for n in d.notes)


# --- prior authorization -----------------------------------------------------------------------------


def test_uhc_ohio_spinal_surgery_and_stimulators_need_prior_authorization() -> None:
    rec = axial_pain()
    for code in ("22612", "63047", "63650", "63685"):
        uhc = _medicaid(rec, code, "OH", UHC)
        assert uhc.prior_authorization == "required", code
        basis = uhc.prior_authorization_basis
        assert any("UnitedHealthcare Community Plan of Ohio" in b for b in basis), code
        # The full code list was not read: the answer says the code's place on it is backcover's reading.
        assert any("backcover's reading" in n for n in uhc.notes), code
    aetna = _medicaid(rec, "22612", "OH", "aetna")
    generic = _medicaid(rec, "22612", "OH", None)
    # Aetna Better Health's answer points to the plan's own list (portal, ProPAT), not to the generic one.
    assert any("ProPAT" in b for b in aetna.prior_authorization_basis)
    assert not any("ProPAT" in b for b in generic.prior_authorization_basis)
    assert not any("UnitedHealthcare" in b for b in aetna.prior_authorization_basis)


def test_uhc_texas_physical_therapy_needs_prior_authorization_to_begin() -> None:
    rec = axial_pain()
    uhc = _medicaid(rec, "97110", "TX", UHC)
    assert uhc.prior_authorization == "required"
    assert any("Texas Community Plan" in b for b in uhc.prior_authorization_basis)
    assert any("before the treatment visits begin" in n for n in uhc.notes)
    # The Ohio spinal-surgery rule is for Ohio only.
    ky = _medicaid(rec, "22612", "KY", UHC)
    assert not any("Community Plan of Ohio" in b for b in ky.prior_authorization_basis)


def test_aetna_medicaid_prior_authorization_is_plan_dependent_with_where_to_look() -> None:
    d = _medicaid(radicular_pain(), "62323", "KY", "aetna")
    assert d.prior_authorization == "plan_dependent"
    basis = " ".join(d.prior_authorization_basis)
    assert "Aetna Better Health" in basis and "ProPAT" in basis
    assert "no Aetna prior-authorization list" not in basis


# --- the insurer table -------------------------------------------------------------------------------


def test_aetna_cpb_packs_are_not_used_for_medicaid_plans() -> None:
    d = _medicaid(radicular_pain(), "62323", "OH", "aetna")
    assert not any(p.id.startswith("Aetna CPB") for p in d.policies)
    aetna = insurer_table().by_slug["aetna"]
    assert any("InterQual" in n and "MCG" in n for n in aetna.notes)


def test_policies_insurers_lists_the_community_plan_packs_for_medicaid() -> None:
    uhc = insurer_json(insurer_table().by_slug[UHC])
    medicaid = {p["id"]: p["use"] for p in uhc["packs"]["medicaid"]}
    assert medicaid["unitedhealthcare-community-esi-ky"] == "own"
    assert medicaid["unitedhealthcare-community-prior-auth"] == "prior_authorization"
    aetna = insurer_json(insurer_table().by_slug["aetna"])
    assert {p["id"] for p in aetna["packs"]["medicaid"]} == {"aetna-medicaid-prior-auth"}
    assert any("Optum" in n and "Texas" in n for n in uhc["notes"])
