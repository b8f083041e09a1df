"""Every policy pack: its paths (met, not met, undocumented, excluded) and the pack files themselves."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from backcover.engine import KINDS, Determination, check, packs
from backcover.engine._packs import load_pack_file
from backcover.errors import BadInput
from backcover.record.model import Item, ItemKind
from tests.engine_builders import (
    at,
    dx,
    exam,
    item,
    med_order,
    med_statement,
    mri,
    nrs,
    odi,
    pt_series,
    record,
)

AS_OF = date(2026, 6, 1)


def kinds(d: Determination) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in d.criteria:
        out.setdefault(c.kind, set()).add(c.status)
    return out


def status(d: Determination, cid: str) -> str:
    return next(c.status for c in d.criteria if c.id == cid)


def psych(day: date) -> Item:
    return item("cpt", "90791", day)


def referral(day: date) -> Item:
    return item("cpt", "99213", day, kind=ItemKind.REFERRAL, concepts=("referral",))


def smoking(code: str, day: date) -> Item:
    return item("snomed", code, day, kind=ItemKind.OBSERVATION)


def hba1c(value: str, day: date) -> Item:
    return item("loinc", "4548-4", day, kind=ItemKind.LAB, value=value, unit="%")


def care(start: date, weeks: int) -> list[Item]:
    """Therapy every week for ``weeks`` weeks plus naproxen for the whole time (two kinds of care)."""
    return [*pt_series(start, weeks + 1), med_statement("7258", start)]


# --- the pack files ----------------------------------------------------------------------------


def test_every_criterion_cites_policy_section_url_and_uses_a_contract_kind() -> None:
    assert len(packs()) >= 20
    for p in packs():
        for leaf in p.all_leaves():
            assert leaf.kind in KINDS, (p.id, leaf.id)
            assert leaf.source.policy and leaf.source.section and leaf.source.url.startswith("http"), (
                p.id,
                leaf.id,
            )
            assert leaf.source.effective is not None or leaf.source.confidence, (p.id, leaf.id)
        for r in p.rules:
            assert r.source.section and r.source.url.startswith("http")


def test_a_pack_with_a_typo_is_refused_with_the_line(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(
        "id: x\ntitle: X\npolicy: P\npublisher: CMS\nkind: lcd\npayers: [medicare]\nurl: https://x\ncriteria:\n"
        "  - id: a\n    kind: conservative_care\n    summary: s\n    to_satisfy: t\n"
        "    test: {type: conservative_care, weks: 4}\n"
    )
    with pytest.raises(BadInput) as err:
        load_pack_file(f)
    msg = err.value.message()
    assert "weks" in msg and "weeks" in msg and "line 13" in msg


def test_a_pack_with_an_unknown_concept_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "y.yaml"
    f.write_text(
        "id: y\ntitle: Y\npolicy: P\npublisher: CMS\nkind: lcd\npayers: [medicare]\nurl: https://x\ncriteria:\n"
        "  - id: a\n    kind: diagnosis\n    summary: s\n    to_satisfy: t\n"
        "    source: {section: s1}\n    test: {type: diagnosis, concepts: [radiculopaty]}\n"
    )
    with pytest.raises(BadInput) as err:
        load_pack_file(f)
    assert "radiculopaty" in err.value.message()


# --- Medicare: spinal cord stimulation (NCD 160.7) --------------------------------------------


def scs_base() -> list[Item | list[Item]]:
    return [dx("M96.1", date(2024, 1, 1)), care(date(2025, 1, 6), 8), nrs(8, date(2026, 1, 5))]


def test_scs_trial_meets_with_psych_evaluation() -> None:
    d = check(record(*scs_base(), psych(date(2026, 2, 1))), "63650", "medicare", as_of=AS_OF)
    assert (d.decision, d.prior_authorization) == ("meets_criteria", "not_required")
    assert kinds(d)["behavioral_health"] == {"met"}


def test_scs_trial_without_psych_evaluation_needs_documentation_and_opd_needs_pa() -> None:
    d = check(record(*scs_base()), "63650", "medicare", setting="hospital-outpatient", as_of=AS_OF)
    assert (d.decision, d.prior_authorization) == ("needs_documentation", "required")
    assert kinds(d)["behavioral_health"] == {"unknown"}


@pytest.mark.parametrize(
    ("after", "expected", "trial_status"),
    [
        pytest.param(3, "meets_criteria", "met", id="63pct"),
        pytest.param(6, "criteria_not_met", "not_met", id="25pct"),
        pytest.param(None, "needs_documentation", "unknown", id="no-trial"),
    ],
)
def test_scs_implant_needs_a_successful_trial(after: int | None, expected: str, trial_status: str) -> None:
    day = date(2026, 4, 6)
    trial: list[Item] = []
    if after is not None:
        lead = item("cpt", "63650", at(day, 10), rid="Procedure/trial")
        trial = [lead, nrs(8, at(day, 9), refs=(lead.id,)), nrs(after, day + timedelta(days=4))]
    d = check(record(*scs_base(), psych(date(2026, 2, 1)), trial), "63685", "medicare", as_of=AS_OF)
    assert d.decision == expected
    assert kinds(d)["trial"] == {trial_status}


# --- Medicare: lumbar artificial disc (NCD 150.10) ---------------------------------------------


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        pytest.param(date(1960, 1, 1), "not_covered", id="age-66"),
        pytest.param(date(1965, 6, 1), "not_covered", id="age-61-on-the-day"),
        pytest.param(date(1966, 6, 2), "needs_documentation", id="age-59-the-mac-decides"),
        pytest.param(date(1965, 6, 2), "needs_documentation", id="age-60-is-not-over-60"),
    ],
)
def test_adr_over_60_is_not_covered(birth: date, expected: str) -> None:
    d = check(record(dx("M51.36", date(2025, 1, 1)), birth=birth), "22857", "medicare", as_of=AS_OF)
    assert d.decision == expected


def test_adr_without_birth_date_needs_documentation() -> None:
    r = record(dx("M51.36", date(2025, 1, 1)))
    r = type(r)(type(r.patient)(id="p"), r.items)
    d = check(r, "22857", "medicare", as_of=AS_OF)
    assert d.decision == "needs_documentation"
    assert status(d, "adr.age_over_60") == "unknown"


# --- Medicare: acupuncture (NCD 30.3.3) --------------------------------------------------------


def acu_visits(n: int, last: date, every: int = 3) -> list[Item]:
    return [item("cpt", "97810", last - timedelta(days=every * i)) for i in range(n)]


def test_acupuncture_for_chronic_low_back_pain_meets() -> None:
    d = check(record(dx("M54.50", date(2026, 1, 5)), acu_visits(3, AS_OF)), "97810", "medicare", as_of=AS_OF)
    assert d.decision == "meets_criteria"
    assert status(d, "acu.visits_90_days") == "met"
    assert status(d, "acu.improving") == "not_applicable"


def test_acupuncture_before_12_weeks_gives_the_date() -> None:
    onset = AS_OF - timedelta(days=30)
    d = check(record(dx("M54.50", onset)), "97810", "medicare", as_of=AS_OF)
    assert d.decision == "criteria_not_met"
    assert d.earliest_eligible_date == onset + timedelta(weeks=12)


def test_acupuncture_for_neck_pain_is_not_covered() -> None:
    d = check(record(dx("M54.2", date(2025, 1, 5))), "97810", "medicare", as_of=AS_OF)
    assert d.decision == "not_covered"


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        pytest.param((7, 4), "meets_criteria", id="improving-gets-8-more"),
        pytest.param((6, 7), "criteria_not_met", id="not-improving"),
    ],
)
def test_acupuncture_past_12_visits_in_90_days_needs_improvement(
    scores: tuple[int, int], expected: str
) -> None:
    items = [
        dx("M54.50", date(2025, 1, 5)),
        acu_visits(12, AS_OF),
        nrs(scores[0], AS_OF - timedelta(days=40)),
    ]
    items.append(nrs(scores[1], AS_OF - timedelta(days=1)))
    d = check(record(*items), "97810", "medicare", as_of=AS_OF)
    assert status(d, "acu.visits_90_days") in ("not_met", "not_applicable")
    assert d.decision == expected


def test_acupuncture_20_a_year_is_the_limit() -> None:
    visits = acu_visits(20, AS_OF - timedelta(days=100), every=7)
    d = check(record(dx("M54.50", date(2025, 1, 5)), visits), "97810", "medicare", as_of=AS_OF)
    assert status(d, "acu.visits_year") == "not_met"
    assert d.decision == "criteria_not_met"


# --- Medicare: chiropractic, physical therapy, vertebral augmentation --------------------------


def test_chiropractic_needs_a_subluxation_diagnosis() -> None:
    part = [
        item("loinc", "0", date(2026, 5, 1), kind=ItemKind.OBSERVATION, concepts=(c,))
        for c in ("part_asymmetry", "part_pain", "chiropractic_treatment_plan")
    ]
    ok = check(record(dx("M99.03", date(2026, 5, 1)), *part), "98940", "medicare", as_of=AS_OF)
    assert ok.decision == "meets_criteria"
    missing = check(record(dx("M54.50", date(2026, 5, 1))), "98940", "medicare", as_of=AS_OF)
    assert missing.decision == "needs_documentation"
    assert status(missing, "chiro.subluxation") == "unknown"


def test_physical_therapy_needs_a_plan_of_care_or_order() -> None:
    ok = check(
        record(dx("M54.50", date(2026, 5, 1)), referral(date(2026, 5, 2))), "97110", "medicare", as_of=AS_OF
    )
    assert (ok.decision, ok.prior_authorization) == ("meets_criteria", "not_required")
    assert check(record(dx("M54.50", date(2026, 5, 1))), "97110", "medicare", as_of=AS_OF).decision == (
        "needs_documentation"
    )


def va_items(pain: int) -> list[Item | list[Item]]:
    return [
        dx("M80.08XA", date(2026, 5, 1)),
        mri(date(2026, 5, 5), conclusion="Acute L1 compression fracture with marrow edema."),
        nrs(pain, date(2026, 5, 20)),
        med_order("5640", date(2026, 5, 2)),
        item("cpt", "77080", date(2026, 5, 10), kind=ItemKind.IMAGING),
    ]


def test_vertebral_augmentation_paths() -> None:
    assert check(record(*va_items(7)), "22514", "medicare", as_of=AS_OF).decision == "meets_criteria"
    low = check(record(*va_items(3)), "22514", "medicare", as_of=AS_OF)
    assert low.decision == "criteria_not_met"
    assert kinds(low)["severity"] == {"not_met"}
    preg = check(record(*va_items(7), dx("Z33.1", date(2026, 4, 1))), "22514", "medicare", as_of=AS_OF)
    assert preg.decision == "not_covered"


def test_wiser_covers_vertebral_augmentation_in_ohio() -> None:
    d = check(record(*va_items(7)), "22514", "medicare", state="OH", as_of=AS_OF)
    assert d.prior_authorization == "required"


# --- Commercial --------------------------------------------------------------------------------


def fusion_items(*extra: Item | list[Item]) -> list[Item | list[Item]]:
    return [
        dx("M43.16", date(2025, 6, 1)),
        mri(date(2026, 4, 1), conclusion="Grade II L4-5 spondylolisthesis with instability."),
        care(date(2025, 7, 1), 14),
        smoking("266919005", date(2026, 5, 1)),
        *extra,
    ]


def test_fusion_meets_with_instability_imaging_care_and_no_nicotine() -> None:
    d = check(record(*fusion_items()), "22612", "commercial", as_of=AS_OF)
    assert (d.decision, d.prior_authorization) == ("meets_criteria", "required")
    assert kinds(d)["nicotine"] == {"met"}


def test_fusion_for_disc_degeneration_alone_is_not_covered() -> None:
    d = check(
        record(dx("M51.36", date(2025, 1, 1)), care(date(2025, 3, 1), 14)), "22612", "commercial", as_of=AS_OF
    )
    assert d.decision == "not_covered"


def test_fusion_current_smoker_does_not_meet() -> None:
    d = check(
        record(*fusion_items(smoking("449868002", date(2026, 5, 20)))), "22612", "commercial", as_of=AS_OF
    )
    assert d.decision == "criteria_not_met"
    assert kinds(d)["nicotine"] == {"not_met"}


def decompression(*extra: Item | list[Item]) -> list[Item | list[Item]]:
    return [dx("M51.16", date(2026, 3, 1)), exam(date(2026, 3, 2)), mri(date(2026, 3, 20)), *extra]


def test_discectomy_needs_two_kinds_of_care_for_6_weeks() -> None:
    both = check(record(*decompression(care(date(2026, 3, 2), 7))), "63030", "commercial", as_of=AS_OF)
    assert both.decision == "meets_criteria"
    one = check(record(*decompression(pt_series(date(2026, 3, 2), 8))), "63030", "commercial", as_of=AS_OF)
    assert one.decision == "criteria_not_met"
    assert "2 different kinds" in next(c.explanation for c in one.criteria if c.kind == "conservative_care")


def test_discectomy_cauda_equina_does_not_wait() -> None:
    d = check(record(*decompression(dx("G83.4", date(2026, 5, 30)))), "63030", "commercial", as_of=AS_OF)
    assert d.decision == "meets_criteria"
    assert status(d, "decomp.conservative_care") == "not_applicable"


def test_repeat_discectomy_within_12_weeks_waits() -> None:
    prior = item("cpt", "63030", date(2026, 4, 1))
    d = check(record(*decompression(care(date(2026, 1, 2), 7), prior)), "63030", "commercial", as_of=AS_OF)
    assert d.decision == "criteria_not_met"
    assert d.earliest_eligible_date == date(2026, 4, 1) + timedelta(weeks=12)


def test_medicare_advantage_uses_a_commercial_guideline_where_medicare_is_silent() -> None:
    d = check(record(*decompression(care(date(2026, 3, 2), 7))), "63030", "medicare-advantage", as_of=AS_OF)
    assert d.policies[0].id == "eviCore CMM-608"
    assert d.prior_authorization == "plan_dependent"
    assert any("422.101(b)(6)" in n for n in d.notes)


def scs_commercial(*extra: Item | list[Item]) -> list[Item | list[Item]]:
    return [
        dx("M96.1", date(2024, 1, 1)),
        care(date(2025, 6, 2), 30),
        nrs(7, date(2026, 3, 1)),
        odi(40, date(2026, 3, 1)),
        psych(date(2026, 3, 5)),
        mri(date(2026, 2, 1), conclusion="Epidural fibrosis around the left L5 root after laminectomy."),
        *extra,
    ]


def test_commercial_scs_trial_and_implant() -> None:
    assert check(record(*scs_commercial()), "63650", "commercial", as_of=AS_OF).decision == "meets_criteria"
    low = check(record(*scs_commercial(odi(12, date(2026, 3, 2)))), "63650", "commercial", as_of=AS_OF)
    assert status(low, "scs.c.function") == "not_met"
    sud = check(record(*scs_commercial(dx("F11.20", date(2025, 1, 1)))), "63650", "commercial", as_of=AS_OF)
    assert status(sud, "scs.c.no_sud") == "not_met"
    no_trial = check(record(*scs_commercial()), "63685", "commercial", as_of=AS_OF)
    assert no_trial.decision == "needs_documentation"
    assert kinds(no_trial)["trial"] == {"unknown"}


def test_commercial_adr_age_and_levels() -> None:
    items = [
        dx("M51.36", date(2025, 1, 1)),
        nrs(8, date(2026, 5, 1)),
        care(date(2025, 9, 1), 30),
        mri(date(2026, 3, 1), conclusion="L4-5 disc degeneration with Modic changes."),
    ]
    young = check(record(*items, birth=date(1985, 1, 1)), "22857", "commercial", as_of=AS_OF)
    assert young.decision == "meets_criteria"
    old = check(record(*items, birth=date(1960, 1, 1)), "22857", "commercial", as_of=AS_OF)
    assert (old.decision, kinds(old)["age"]) == ("criteria_not_met", {"not_met"})
    assert check(record(*items), "22860", "commercial", as_of=AS_OF).decision == "not_covered"


def test_commercial_rfa_repeat_waits_6_months() -> None:
    last = date(2026, 3, 2)
    rfa = item("cpt", "64635", at(last, 9), rid="Procedure/rfa1")
    items = [
        dx("M47.816", date(2025, 1, 1)),
        care(date(2025, 2, 3), 6),
        *[x for d in (date(2025, 10, 1), date(2025, 10, 20)) for x in _block(d)],
        rfa,
        nrs(8, at(last, 8), refs=(rfa.id,)),
        nrs(3, date(2026, 4, 2)),
    ]
    d = check(record(*items), "64635", "commercial", as_of=AS_OF)
    assert status(d, "rfa.c.interval") == "not_met"
    assert d.earliest_eligible_date == date(2026, 9, 2)


def _block(day: date) -> list[Item]:
    b = item("cpt", "64493", at(day, 9), rid=f"Procedure/b{day.isoformat()}")
    return [b, nrs(8, at(day, 8), refs=(b.id,)), nrs(1, at(day, 11), refs=(b.id,))]


def test_massage_alone_is_not_enough_for_either_payer() -> None:
    r = record(dx("M54.50", date(2026, 1, 1)))
    assert check(r, "97124", "commercial", as_of=AS_OF).decision == "needs_documentation"
    m = check(r, "97124", "medicare", as_of=AS_OF)
    assert m.specific_policy and m.decision == "needs_documentation"


def test_medicaid_uses_the_baseline_and_says_it_varies_by_state() -> None:
    d = check(record(dx("M54.16", date(2026, 1, 1))), "62323", "medicaid", state="PA", as_of=AS_OF)
    assert (d.decision, d.prior_authorization) == ("meets_criteria", "plan_dependent")
    assert any("vary by state" in n for n in d.notes)


def test_second_medial_branch_block_waits_two_weeks() -> None:
    first = date(2026, 5, 25)
    b = item("cpt", "64493", at(first, 9), rid="Procedure/mbb1")
    items = [
        dx("M47.816", date(2025, 6, 1)),
        nrs(7, date(2026, 5, 1)),
        care(date(2025, 9, 1), 6),
        b,
        nrs(7, at(first, 8), refs=(b.id,)),
        nrs(1, at(first, 10), refs=(b.id,)),
    ]
    d = check(record(*items), "64493", "medicare", setting="asc", as_of=AS_OF)
    assert status(d, "facet.mbb.second_block") == "met"
    assert status(d, "facet.mbb.second_block_interval") == "not_met"
    assert (d.decision, d.earliest_eligible_date) == ("criteria_not_met", first + timedelta(days=14))
