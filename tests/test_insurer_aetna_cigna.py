"""Aetna's and Cigna's own policies (issue 18): each back-care service answers with the insurer's own
policy, and the same record gets different answers where the two insurers' criteria differ."""

from __future__ import annotations

from datetime import date, timedelta

import orjson
import pytest
from typer.testing import CliRunner

from backcover import catalog
from backcover.cli import app
from backcover.engine import Determination, check
from backcover.record.model import Item, ItemKind
from tests.conftest import EXAMPLES
from tests.engine_builders import care, dx, exam, item, med_statement, mri, nrs, odi, record, report

AS_OF = date(2026, 6, 1)
FIVE_WEEKS_AGO = AS_OF - timedelta(weeks=5)
runner = CliRunner()

# The services of the issue, as procedure families of knowledge/procedures.yaml.
SERVICES = (
    "lumbar_mri",
    "esi_interlaminar",
    "esi_transforaminal",
    "facet_block",
    "facet_rfa",
    "scs_trial",
    "scs_implant",
    "microdiscectomy",
    "laminectomy",
    "lumbar_fusion",
    "lumbar_adr",
    "physical_therapy",
    "chiropractic",
    "acupuncture",
)
PUBLISHERS = {"aetna": {"Aetna"}, "cigna": {"Cigna", "eviCore"}}


def _family_codes() -> dict[str, list[str]]:
    every = catalog.families()
    return {f: list(every[f].codes) for f in SERVICES}


def status(d: Determination, cid: str) -> str:
    return str(next(c.status for c in d.criteria if c.id == cid))


def own_policies(d: Determination, slug: str) -> None:
    """Every policy cited is the insurer's own (its pack, its publisher)."""
    assert d.insurer == slug
    assert d.policies
    for p in d.policies:
        assert p.insurer == slug, p.id
        assert p.pack and p.pack.startswith(f"{slug}-"), p.pack
        assert p.publisher in PUBLISHERS[slug], (p.id, p.publisher)


def both(rec: object, code: str) -> tuple[Determination, Determination]:
    aetna = check(rec, code, "commercial", as_of=AS_OF, insurer="aetna")  # type: ignore[arg-type]
    cigna = check(rec, code, "commercial", as_of=AS_OF, insurer="cigna")  # type: ignore[arg-type]
    own_policies(aetna, "aetna")
    own_policies(cigna, "cigna")
    return aetna, cigna


# --- every service answers with the insurer's own policy ---------------------------------------


@pytest.mark.parametrize("slug", ["aetna", "cigna"])
@pytest.mark.parametrize("family", SERVICES)
def test_every_back_care_service_uses_the_insurers_own_policy(slug: str, family: str) -> None:
    rec = record(dx("M54.50", date(2026, 1, 5)), care(date(2026, 2, 2), 8), nrs(6, date(2026, 5, 1)))
    codes = _family_codes()[family]
    # The family's main code, and for surgery and imaging every code of the family.
    for code in codes if family in {"lumbar_mri", "lumbar_fusion", "laminectomy"} else codes[:1]:
        d = check(rec, code, "commercial", as_of=AS_OF, insurer=slug)
        own_policies(d, slug)
        assert not any(n.startswith("backcover has no") for n in d.notes), (code, d.notes)
        assert all(c.source.policy and c.source.url.startswith("http") for c in d.criteria)


@pytest.mark.parametrize("slug", ["aetna", "cigna"])
def test_each_insurer_has_its_own_prior_authorization_list(slug: str) -> None:
    rec = record(dx("M43.16", date(2025, 6, 1)))
    d = check(rec, "22612", "commercial", as_of=AS_OF, insurer=slug)
    assert d.prior_authorization == "required"
    assert ("Aetna precertification list" if slug == "aetna" else "Cigna precertification") in (
        d.prior_authorization_basis[0]
    )


# --- records on which the two insurers answer differently --------------------------------------


def test_lumbar_mri_after_5_weeks_for_spondylolisthesis_aetna_yes_cigna_not_yet() -> None:
    """Aetna CPB 0236 needs 4 weeks of conservative therapy for spondylolisthesis or degenerative
    disease; eviCore's Cigna spine imaging guideline asks for a 6-week trial for everyone."""
    rec = record(dx("M43.16", date(2026, 3, 30)), care(FIVE_WEEKS_AGO, 5))
    aetna, cigna = both(rec, "72148")
    assert aetna.decision == "meets_criteria"
    assert status(aetna, "aetna.mri.conservative_4w") == "met"
    assert [p.id for p in aetna.policies] == ["Aetna CPB 0236"]
    assert cigna.decision == "criteria_not_met"
    assert status(cigna, "cigna.mri.trial_6w") == "not_met"
    assert cigna.earliest_eligible_date == FIVE_WEEKS_AGO + timedelta(weeks=6)
    assert [p.publisher for p in cigna.policies] == ["eviCore"]
    # eviCore reviews Cigna's MRIs; backcover has no Aetna list entry for the MRI.
    assert (cigna.prior_authorization, aetna.prior_authorization) == ("required", "plan_dependent")


def test_facet_block_after_5_weeks_cigna_yes_aetna_not_yet() -> None:
    """eviCore CMM-201 (Cigna) asks for 4 weeks of conservative care before a diagnostic block;
    Aetna CPB 0016 asks for 6."""
    rec = record(dx("M47.816", date(2025, 12, 1)), care(FIVE_WEEKS_AGO, 5), nrs(6, date(2026, 5, 1)))
    aetna, cigna = both(rec, "64493")
    assert cigna.decision == "meets_criteria"
    assert status(cigna, "cigna.facet.conservative_care") == "met"
    assert aetna.decision == "criteria_not_met"
    assert status(aetna, "aetna.facet.conservative_care") == "not_met"
    assert aetna.earliest_eligible_date == FIVE_WEEKS_AGO + timedelta(weeks=6)


def scs_candidate(oswestry: int) -> list[Item | list[Item]]:
    """Failed back surgery syndrome, 8 months of therapy with three kinds of medicine, a
    psychological evaluation, pain 7/10 and an MRI."""
    start = date(2025, 10, 6)
    return [
        dx("M96.1", date(2024, 1, 1)),
        care(start, 30),
        med_statement("25480", start),  # gabapentin
        med_statement("21949", start),  # cyclobenzaprine
        item("cpt", "90791", date(2026, 4, 1)),
        nrs(7, date(2026, 5, 1)),
        odi(oswestry, date(2026, 5, 1)),
        mri(date(2026, 2, 2), "Postoperative changes at L4-L5 with epidural fibrosis around the L5 root"),
    ]


def test_scs_trial_with_oswestry_15_cigna_yes_aetna_no() -> None:
    """Aetna CPB 0194 asks for an Oswestry score of at least 21%; eviCore CMM-211 (Cigna) has none."""
    aetna, cigna = both(record(*scs_candidate(15)), "63650")
    assert cigna.decision == "meets_criteria"
    assert aetna.decision == "criteria_not_met"
    assert status(aetna, "aetna.scs.function") == "not_met"
    assert {status(aetna, c) for c in ("aetna.scs.physical_therapy", "aetna.scs.medications")} == {"met"}
    # with an Oswestry of 30 Aetna agrees
    again = check(record(*scs_candidate(30)), "63650", "commercial", as_of=AS_OF, insurer="aetna")
    assert again.decision == "meets_criteria"


def test_microdiscectomy_without_physical_therapy_cigna_yes_aetna_needs_it() -> None:
    """eviCore CMM-606 (Cigna) accepts any two kinds of conservative care for 6 weeks; Aetna CPB 0743
    asks for 6 weeks of in-person physical therapy."""
    start = date(2026, 3, 2)
    manipulation = [item("cpt", "98940", start + timedelta(weeks=i)) for i in range(12)]
    rec = record(
        dx("M51.16", date(2026, 1, 5)),
        exam(date(2026, 3, 2)),
        mri(date(2026, 2, 16)),
        odi(40, date(2026, 5, 1)),
        med_statement("7258", start),  # naproxen
        manipulation,
    )
    aetna, cigna = both(rec, "63030")
    assert cigna.decision == "meets_criteria"
    assert status(cigna, "cigna.mdisc.conservative_care") == "met"
    assert [p.id for p in cigna.policies] == ["eviCore CMM-606 (Cigna)"]
    assert aetna.decision == "needs_documentation"
    assert status(aetna, "aetna.decomp.physical_therapy") == "unknown"
    assert status(aetna, "aetna.decomp.conservative_care") == "met"


def test_fusion_with_hba1c_9_cigna_yes_aetna_no() -> None:
    """Aetna CPB 0743 asks people with diabetes for an HbA1c under 8% before elective fusion; eviCore
    CMM-609 (Cigna) has no such rule."""
    start = date(2026, 1, 5)
    rec = record(
        dx("M43.16", date(2025, 6, 1)),
        dx("E11.9", date(2015, 1, 1)),
        care(start, 12),
        report("72100", date(2026, 4, 1), "Grade II anterolisthesis of L4 on L5."),
        item("snomed", "266919005", date(2026, 4, 1), kind=ItemKind.OBSERVATION),
        item("loinc", "4548-4", date(2026, 5, 1), kind=ItemKind.LAB, value="9.1", unit="%"),
    )
    aetna, cigna = both(rec, "22612")
    assert cigna.decision == "meets_criteria"
    assert "cigna.fusion.imaging_grade" in {c.id for c in cigna.criteria}
    assert aetna.decision == "criteria_not_met"
    assert status(aetna, "aetna.fusion.hba1c") == "not_met"
    assert status(aetna, "aetna.fusion.grade") == "met"


def test_acupuncture_for_low_back_pain_aetna_yes_cigna_needs_a_functional_deficit() -> None:
    """Aetna CPB 0135 covers acupuncture for low back pain with no duration or function score; the
    Cigna/ASH policy CPG 024 asks for a measured functional deficit and a treatment plan."""
    rec = record(dx("M54.50", date(2026, 5, 4)), nrs(6, date(2026, 5, 20)))
    aetna, cigna = both(rec, "97810")
    assert aetna.decision == "meets_criteria"
    assert cigna.decision == "needs_documentation"
    assert status(cigna, "cigna.acu.functional_deficit") == "unknown"
    assert [p.publisher for p in cigna.policies] == ["Cigna"]


def test_without_an_insurer_neither_insurers_pack_is_used() -> None:
    rec = record(dx("M43.16", date(2026, 3, 30)), care(FIVE_WEEKS_AGO, 5))
    d = check(rec, "72148", "commercial", as_of=AS_OF)
    assert d.insurer is None
    assert all(p.insurer is None for p in d.policies)
    assert not any(c.id.startswith(("aetna.", "cigna.")) for c in d.criteria)


def test_cli_insurer_names_the_policy_and_its_publisher() -> None:
    args = ["check", "--record", str(EXAMPLES / "check-mri-commercial-early.json"), "--procedure", "72148"]
    args += ["--payer", "commercial", "--state", "PA", "--as-of", "2026-06-23", "--format", "json"]
    answers = {}
    for slug in ("aetna", "cigna"):
        r = runner.invoke(app, [*args, "--insurer", slug])
        assert r.exit_code == 0, r.output
        answers[slug] = orjson.loads(r.stdout)
    assert answers["aetna"]["insurer"] == "aetna"
    assert [(p["id"], p["publisher"]) for p in answers["aetna"]["policies"]] == [("Aetna CPB 0236", "Aetna")]
    assert answers["cigna"]["policies"][0]["publisher"] == "eviCore"
    assert answers["cigna"]["prior_authorization"] == "required"
    # 3 weeks of care: not enough for either insurer, with the same earliest date.
    assert {a["decision"] for a in answers.values()} == {"criteria_not_met"}
