"""Regression tests for the policy audit (issue 11): each record here got a wrong answer before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backcover.engine import Determination, check
from backcover.record.model import Item, ItemKind
from tests.engine_builders import (
    at,
    care,
    dx,
    exam,
    item,
    mri,
    noted,
    nrs,
    odi,
    record,
    report,
    scored,
)

AS_OF = date(2026, 6, 1)


def status(d: Determination, cid: str) -> str:
    return next(str(c.status) for c in d.criteria if c.id == cid)


def ids(d: Determination) -> set[str]:
    return {c.id for c in d.criteria}


def proc(code: str, day: date, hour: int = 9, **kw: object) -> Item:
    return item("cpt", code, at(day, hour), **kw)  # type: ignore[arg-type]


# --- 1. spinal cord stimulators: replacement and revision, severity at baseline ----------------


def test_1_medicare_generator_replacement_needs_no_new_trial_or_psych_evaluation() -> None:
    r = record(
        dx("M96.1", date(2019, 1, 1)),
        proc("63650", date(2021, 3, 1)),
        proc("63685", date(2021, 4, 1)),
    )
    d = check(r, "63685", "medicare", as_of=AS_OF)
    assert d.decision == "meets_criteria"
    assert status(d, "scs.implant.replacement") == "met"
    assert status(d, "scs.implant.psych_evaluation") == "not_applicable"
    assert status(d, "scs.implant.trial") == "not_applicable"


@pytest.mark.parametrize("payer", ["medicare", "commercial"])
def test_1_revision_63688_asks_only_for_the_existing_system(payer: str) -> None:
    r = record(dx("M96.1", date(2019, 1, 1)), proc("63685", date(2021, 4, 1)))
    d = check(r, "63688", payer, setting="hospital-outpatient", as_of=AS_OF)
    assert d.decision == "meets_criteria"
    assert not any(c.kind in ("trial", "behavioral_health") for c in d.criteria)


def test_1_commercial_implant_judges_severity_before_the_trial_not_after() -> None:
    trial = proc("63650", date(2026, 4, 1), rid="Procedure/trial")
    r = record(
        dx("M96.1", date(2024, 1, 1)),
        care(date(2025, 6, 2), 30),
        odi(40, date(2026, 3, 1)),
        item("cpt", "90791", date(2026, 3, 5)),
        mri(date(2026, 2, 1), conclusion="Epidural fibrosis around the left L5 root."),
        scored(trial, 8, 2, later=((date(2026, 4, 5), 2),)),
    )
    d = check(r, "63685", "commercial", setting="hospital-outpatient", as_of=AS_OF)
    # The latest score (2, during the trial) would fail "at least 5/10"; the baseline (8) meets it.
    assert status(d, "scsi.c.pain") == "met"
    assert "baseline" in next(c.explanation for c in d.criteria if c.id == "scsi.c.pain")
    assert d.decision == "meets_criteria"


# --- 2. commercial fusion: CMM-609 V2.0.2025 -------------------------------------------------


def fusion(*extra: Item | list[Item]) -> list[Item | list[Item]]:
    return [care(date(2025, 9, 1), 16), item("snomed", "266919005", date(2026, 5, 1)), *extra]


def test_2_failed_back_surgery_syndrome_alone_is_not_a_fusion_indication() -> None:
    r = record(*fusion(dx("M96.1", date(2025, 6, 1)), mri(date(2026, 4, 1), conclusion="Epidural fibrosis.")))
    d = check(r, "22612", "commercial", as_of=AS_OF)
    assert status(d, "fusion.indication") != "met"
    assert d.decision != "meets_criteria"


def test_2_pseudarthrosis_m96_0_is_mapped_and_is_an_indication() -> None:
    r = record(*fusion(dx("M96.0", date(2025, 6, 1))))
    d = check(r, "22612", "commercial", as_of=AS_OF)
    assert status(d, "fusion.indication") == "met"
    assert status(d, "fusion.pseudarthrosis") == "met"


def test_2_a_report_that_says_no_instability_does_not_satisfy_the_imaging_criterion() -> None:
    r = record(
        *fusion(
            dx("M43.16", date(2025, 6, 1)),
            mri(date(2026, 4, 1), conclusion="No instability or spondylolisthesis. Mild disc bulge at L4-5."),
        )
    )
    d = check(r, "22612", "commercial", as_of=AS_OF)
    assert status(d, "fusion.imaging_translation") == "not_met"
    assert status(d, "fusion.imaging_grade") == "not_met"
    assert d.decision == "criteria_not_met"


def test_2_translation_over_3_mm_on_flexion_extension_meets() -> None:
    r = record(
        *fusion(
            dx("M43.16", date(2025, 6, 1)),
            report(
                "72110", date(2026, 4, 1), "Grade I anterolisthesis of L4 on L5 with 4 mm of translation."
            ),
        )
    )
    d = check(r, "22612", "commercial", as_of=AS_OF)
    assert status(d, "fusion.imaging_translation") == "met"
    assert d.decision == "meets_criteria"


def test_2_injections_count_as_conservative_care_for_fusion() -> None:
    shots = [item("cpt", "64483", date(2026, 1, 5) + timedelta(days=14 * i)) for i in range(8)]
    r = record(
        dx("M43.16", date(2025, 6, 1)),
        item("snomed", "266919005", date(2026, 5, 1)),
        mri(date(2026, 4, 1), conclusion="Grade II spondylolisthesis at L5-S1."),
        shots,
    )
    d = check(r, "22612", "commercial", as_of=AS_OF)
    assert status(d, "fusion.conservative_care") == "met"


# --- 3. Medicare lumbar MRI: Noridian's LCD; NCD 220.2's own page -----------------------------


def test_3_medicare_lumbar_mri_in_a_noridian_state_asks_for_4_weeks_of_care() -> None:
    r = record(dx("M54.50", date(2026, 5, 1)), care(date(2026, 5, 18), 1))
    d = check(r, "72148", "medicare", state="CA", as_of=AS_OF)
    assert d.decision == "criteria_not_met"
    assert {p.id for p in d.policies} >= {"L37281", "NCD 220.2"}
    ncd = next(p for p in d.policies if p.id == "NCD 220.2")
    assert ncd.url.endswith("ncdid=177")
    red = check(
        record(dx("M54.50", date(2026, 5, 25)), dx("G83.4", date(2026, 5, 25))),
        "72148",
        "medicare",
        state="CA",
        as_of=AS_OF,
    )
    assert status(red, "mri.lcd.red_flag") == "met"


# --- 4. Medicare disc replacement at 60 or under; Medicare fusion LCD; MA ---------------------


def test_4_medicare_disc_replacement_at_55_is_not_met_on_a_diagnosis_alone() -> None:
    r = record(dx("M51.36", date(2025, 1, 1)), birth=date(1971, 1, 1))
    d = check(r, "22857", "medicare", as_of=AS_OF)
    assert d.decision == "needs_documentation"
    assert status(d, "adr.mac_review") == "unknown"
    assert not any("L37826" in p.id for p in d.policies)


@pytest.mark.parametrize("payer", ["medicare", "medicare-advantage"])
def test_4_fusion_in_a_novitas_state_uses_the_lcd_not_commercial_criteria(payer: str) -> None:
    r = record(dx("M43.16", date(2025, 6, 1)))
    d = check(r, "22612", payer, state="TX", as_of=AS_OF)
    assert [p.id for p in d.policies] == ["L37848"]
    assert d.decision == "needs_documentation"


# --- 5. commercial ESI: the newer CMM-200 ---------------------------------------------------


def test_5_cmm200_radiculopathy_needs_6_weeks_stenosis_4() -> None:
    base = [mri(date(2026, 4, 1)), care(date(2026, 4, 27), 4)]
    radic = check(record(dx("M54.16", date(2026, 4, 1)), *base), "64483", "commercial", as_of=AS_OF)
    assert status(radic, "esi.commercial.conservative_care") == "not_met"
    assert radic.decision == "criteria_not_met"
    sten = check(record(dx("M48.061", date(2026, 4, 1)), *base), "62323", "commercial", as_of=AS_OF)
    assert sten.decision == "meets_criteria"
    assert sten.policies[0].version and "newer" in sten.policies[0].version


def test_5_cmm200_allows_7_days_between_and_3_per_episode() -> None:
    shots = [item("cpt", "64483", d) for d in (date(2026, 3, 2), date(2026, 4, 1), date(2026, 5, 22))]
    r = record(dx("M54.16", date(2026, 1, 5)), mri(date(2026, 2, 1)), care(date(2026, 1, 5), 12), shots[2:])
    assert status(check(r, "64483", "commercial", as_of=AS_OF), "esi.commercial.interval") == "met"
    three = record(dx("M54.16", date(2026, 1, 5)), mri(date(2026, 2, 1)), care(date(2026, 1, 5), 12), shots)
    assert status(check(three, "64483", "commercial", as_of=AS_OF), "esi.commercial.episode") == "not_met"


# --- 6. Medicare ESI: the non-responder repeat once; zoster -----------------------------------


def esi_base() -> list[Item | list[Item]]:
    return [
        dx("M54.16", date(2025, 10, 1)),
        exam(date(2025, 10, 2)),
        mri(date(2025, 10, 20)),
        odi(40, date(2025, 11, 1)),
    ]


def test_6_the_non_responder_repeat_is_allowed_once_after_the_initial_injection() -> None:
    first = proc("64483", date(2026, 3, 2), rid="Procedure/e1")
    second = proc("62323", date(2026, 3, 23), rid="Procedure/e2")
    once = record(
        *esi_base(), care(date(2025, 11, 1), 8), scored(first, 8, 7, later=((date(2026, 3, 16), 8),))
    )
    d = check(once, "62323", "medicare", state="NY", as_of=date(2026, 3, 23))
    assert status(d, "esi.nonresponder_interval") == "met"
    twice = record(
        *esi_base(),
        care(date(2025, 11, 1), 8),
        scored(first, 8, 7, later=((date(2026, 3, 16), 8),)),
        scored(second, 8, 7, later=((date(2026, 4, 10), 8),)),
    )
    d2 = check(twice, "64483", "medicare", state="NY", as_of=date(2026, 4, 20))
    assert status(d2, "esi.nonresponder_interval") == "not_met"
    assert d2.decision == "criteria_not_met"


def test_6_acute_zoster_is_exempt_from_the_4_week_wait_for_care_too() -> None:
    r = record(
        dx("B02.29", date(2026, 5, 20)),
        exam(date(2026, 5, 21)),
        mri(date(2026, 5, 22), conclusion="Enhancement of the left L4 root."),
        nrs(8, date(2026, 5, 21)),
        item("rxnorm", "7258", date(2026, 5, 21), ongoing=True),
    )
    d = check(r, "64483", "medicare", state="NY", as_of=AS_OF)
    assert status(d, "esi.zoster_refractory") == "met"
    assert d.decision != "criteria_not_met"


# --- 7. facet: therapeutic intra-articular injections; a commercial MBB pack -------------------


def test_7_a_repeat_therapeutic_intra_articular_injection_needs_its_own_criteria() -> None:
    b1, b2 = (
        proc("64493", date(2025, 9, 1), rid="Procedure/b1"),
        proc("64493", date(2025, 9, 22), rid="Procedure/b2"),
    )
    ia = proc("64493", date(2026, 1, 5), rid="Procedure/ia", concepts=("facet_intraarticular_injection",))
    r = record(
        dx("M47.816", date(2025, 1, 1)),
        care(date(2025, 2, 1), 10),
        scored(b1, 8, 1),
        scored(b2, 8, 1),
        scored(ia, 8, 6, later=((date(2026, 2, 5), 7),)),
    )
    d = check(r, "64493", "medicare", state="OH", as_of=AS_OF)
    assert status(d, "facet.ia.prior_relief") == "not_met"
    assert status(d, "facet.ia.no_rfa") == "unknown"
    # Before, the diagnostic-block rules answered "meets criteria"; now the function alternative
    # and the reason RFA cannot be done must be documented.
    assert d.decision == "needs_documentation"


def test_7_commercial_facet_blocks_have_their_own_pack_and_a_third_is_not_covered() -> None:
    blocks = [proc("64493", d) for d in (date(2026, 1, 5), date(2026, 2, 2))]
    r = record(dx("M47.816", date(2025, 1, 1)), care(date(2025, 2, 1), 10), blocks)
    d = check(r, "64493", "commercial", as_of=AS_OF)
    assert [p.id for p in d.policies] == ["Aetna CPB 0016"]
    assert d.decision == "not_covered"


# --- 8. massage --------------------------------------------------------------------------------


def test_8_massage_needs_a_therapy_plan_of_care_for_medicare_and_is_not_blanket_excluded() -> None:
    alone = record(dx("M54.50", date(2026, 1, 1)))
    assert check(alone, "97124", "medicare", as_of=AS_OF).decision == "needs_documentation"
    planned = record(
        dx("M54.50", date(2026, 1, 1)),
        noted("plan_of_care", date(2026, 5, 1)),
        item("cpt", "97110", date(2026, 5, 2)),
    )
    assert check(planned, "97124", "medicare", as_of=AS_OF).decision == "meets_criteria"
    assert check(planned, "97124", "commercial", as_of=AS_OF).decision == "meets_criteria"


# --- 9. commercial prior authorization ---------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "setting", "expected"),
    [
        ("62323", "asc", "plan_dependent"),
        ("64635", "asc", "plan_dependent"),
        ("63650", "hospital-outpatient", "plan_dependent"),
        ("72148", "office", "required"),
        ("22612", "inpatient", "required"),
    ],
)
def test_9_commercial_prior_auth_is_required_only_where_major_insurers_agree(
    code: str, setting: str, expected: str
) -> None:
    assert check(record(), code, "commercial", setting=setting, as_of=AS_OF).prior_authorization == expected


# --- 10. each MAC's LCD id -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "lcd"),
    [
        ("CA", "L38801"),
        ("WA", "L38803"),
        ("FL", "L33930"),
        ("TX", "L34892"),
        ("GA", "L38765"),
        ("MI", "L38841"),
        ("OH", "L38773"),
        ("NY", "L35936"),
    ],
)
def test_10_facet_cites_the_state_mac_lcd(state: str, lcd: str) -> None:
    d = check(record(dx("M47.816", date(2025, 1, 1))), "64635", "medicare", state=state, as_of=AS_OF)
    assert d.policies[0].id == lcd


@pytest.mark.parametrize(
    ("state", "lcd"), [("NY", "L33569"), ("AZ", "L34228"), ("OH", "L35130"), ("TX", "L38201")]
)
def test_10_vertebral_augmentation_cites_the_state_mac_lcd(state: str, lcd: str) -> None:
    d = check(record(), "22513", "medicare", state=state, as_of=AS_OF)
    assert d.policies[0].id == lcd


# --- 11. smaller items ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"), [(date(2024, 8, 4), "required"), (date(2024, 8, 5), "not_required")]
)
def test_11_64495_left_the_opd_list_on_2024_08_05(day: date, expected: str) -> None:
    d = check(record(), "64495", "medicare", setting="hospital-outpatient", state="NY", as_of=day)
    assert d.prior_authorization == expected


def test_11_repeat_rfa_qualifies_on_50_percent_better_function() -> None:
    last = proc("64635", date(2025, 10, 1), rid="Procedure/rfa")
    start = at(date(2025, 10, 1), 8)
    r = record(
        dx("M47.816", date(2024, 1, 1)),
        care(date(2024, 2, 1), 10),
        [
            proc("64493", date(2025, 8, 1), rid="Procedure/m1"),
            proc("64493", date(2025, 8, 20), rid="Procedure/m2"),
        ],
        *scored(proc("64493", date(2025, 8, 1), rid="Procedure/m1"), 8, 1)[1:],
        *scored(proc("64493", date(2025, 8, 20), rid="Procedure/m2"), 8, 1)[1:],
        scored(last, 8, 6, later=((date(2026, 5, 1), 6),)),
        item(
            "loinc",
            "odi",
            start,
            value=60,
            concepts=("odi_score",),
            kind=ItemKind.SCORE,
            unit="%",
            scale="odi",
        ),
        odi(20, date(2026, 5, 1)),
    )
    d = check(r, "64635", "medicare", state="OH", as_of=AS_OF)
    assert status(d, "facet.rfa.repeat_response") == "not_applicable"
    assert status(d, "facet.rfa.repeat_function") == "met"


def test_11_chiropractic_needs_part_findings_not_any_exam() -> None:
    d = check(
        record(dx("M99.03", date(2026, 5, 1)), exam(date(2026, 5, 1))), "98940", "medicare", as_of=AS_OF
    )
    assert status(d, "chiro.part_exam") == "unknown"
    assert status(d, "chiro.treatment_plan") == "unknown"


def test_11_acupuncture_excludes_an_inflammatory_cause() -> None:
    r = record(dx("M54.50", date(2025, 1, 5)), dx("M45.6", date(2024, 1, 1)))
    assert check(r, "97810", "medicare", as_of=AS_OF).decision == "not_covered"


def test_11_commercial_scs_asks_for_objective_pathology() -> None:
    r = record(
        dx("M96.1", date(2024, 1, 1)),
        care(date(2025, 6, 2), 30),
        nrs(7, date(2026, 3, 1)),
        odi(40, date(2026, 3, 1)),
        item("cpt", "90791", date(2026, 3, 5)),
    )
    d = check(r, "63650", "commercial", setting="hospital-outpatient", as_of=AS_OF)
    assert status(d, "scs.c.objective_pathology") == "unknown"


def test_11_commercial_adr_pain_of_7_or_a_year_of_pain() -> None:
    r = record(
        dx("M51.36", date(2024, 1, 1)),
        nrs(5, date(2026, 5, 1)),
        care(date(2025, 9, 1), 30),
        mri(date(2026, 3, 1), conclusion="L4-5 disc degeneration with Modic changes."),
        birth=date(1985, 1, 1),
    )
    d = check(r, "22857", "commercial", as_of=AS_OF)
    assert status(d, "adr.c.pain_year") == "met"
    assert d.decision == "meets_criteria"
