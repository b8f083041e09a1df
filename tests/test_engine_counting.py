"""The engine's counting rules and decision precedence, on Records built directly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backcover.engine import Determination, check
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

AS_OF = date(2026, 3, 2)


def esi_ready(*extra: Item | list[Item]) -> list[Item | list[Item]]:
    """A record that meets the Medicare ESI LCD on AS_OF."""
    return [
        dx("M54.16", date(2026, 1, 5)),
        exam(date(2026, 2, 10)),
        nrs(7, date(2026, 2, 10)),
        odi(40, date(2026, 2, 10)),
        med_statement("7258", date(2026, 1, 10)),
        pt_series(date(2026, 1, 12), 6),
        mri(date(2026, 2, 15)),
        *extra,
    ]


def run(
    *items: Item | list[Item], code: str = "62323", payer: str = "medicare", as_of: date = AS_OF, **kw: str
) -> Determination:
    return check(record(*items), code, payer, as_of=as_of, **kw)  # type: ignore[arg-type]


def crit(d: Determination, cid: str) -> str:
    return next(c.status for c in d.criteria if c.id == cid)


def test_esi_meets_criteria_with_every_criterion_documented() -> None:
    d = run(*esi_ready(), state="PA")
    assert d.decision == "meets_criteria"
    assert d.prior_authorization == "not_required"
    kinds = {c.kind: c.status for c in d.criteria if c.required}
    assert kinds["conservative_care"] == "met"
    assert kinds["imaging"] == "met"
    assert kinds["severity"] == "met"
    assert kinds["frequency"] == "met"
    assert crit(d, "esi.repeat_response") == "not_applicable"
    assert d.earliest_eligible_date is None


def test_axial_low_back_pain_alone_is_not_covered_for_esi() -> None:
    d = run(dx("M54.50", date(2026, 1, 5)), pt_series(date(2026, 1, 12), 6), mri(date(2026, 2, 15)))
    assert d.decision == "not_covered"
    assert crit(d, "esi.noncovered_indication") == "not_met"
    assert any("does not cover" in n for n in d.notes)
    assert "pa-needed" not in d.crd_coverage_information()
    assert d.crd_coverage_information()["covered"] == "not-covered"


def test_axial_pain_with_radiculopathy_is_not_excluded() -> None:
    d = run(*esi_ready(dx("M54.50", date(2026, 1, 2))))
    assert crit(d, "esi.noncovered_indication") == "met"
    assert d.decision == "meets_criteria"


def test_esi_without_image_guidance_code_is_not_covered() -> None:
    d = run(*esi_ready(), code="62322")
    assert d.decision == "not_covered"
    assert any("imaging guidance" in n for n in d.notes)


def test_empty_record_needs_documentation_and_says_what() -> None:
    d = run()
    assert d.decision == "needs_documentation"
    assert crit(d, "esi.conservative_care") == "unknown"
    assert any(n.startswith("To document (esi.conservative_care)") for n in d.notes)
    assert d.crd_coverage_information() == {
        "covered": "conditional",
        "pa-needed": "no-auth",
        "doc-needed": "clinical",
        "info-needed": "OTH",
    }


def test_missing_imaging_is_undocumented_not_failed() -> None:
    items = [i for i in esi_ready() if not (isinstance(i, Item) and i.kind is ItemKind.IMAGING)]
    d = run(*items)
    assert d.decision == "needs_documentation"
    assert crit(d, "esi.imaging") == "unknown"


def test_imaging_without_a_report_cannot_show_concordance() -> None:
    items = [i for i in esi_ready() if not (isinstance(i, Item) and i.kind is ItemKind.IMAGING)]
    d = run(*items, mri(date(2026, 2, 15), conclusion=None))
    assert crit(d, "esi.imaging") == "unknown"


# --- conservative care ------------------------------------------------------------------------


def test_active_statement_counts_to_as_of_and_gives_the_eligible_date() -> None:
    start = AS_OF - timedelta(days=15)
    d = run(
        dx("M54.16", date(2026, 1, 5)),
        med_statement("7258", start),
        mri(date(2026, 2, 15)),
        exam(AS_OF),
        nrs(6, AS_OF),
    )
    assert crit(d, "esi.conservative_care") == "not_met"
    assert d.decision == "criteria_not_met"
    assert d.earliest_eligible_date == start + timedelta(days=28)


def test_order_without_end_is_a_30_day_course() -> None:
    start = date(2026, 1, 1)
    ok = run(dx("M54.16", date(2025, 12, 1)), med_order("7258", start), as_of=date(2026, 3, 1))
    assert crit(ok, "esi.conservative_care") == "met"  # 30 days >= 4 weeks
    c = next(c for c in ok.criteria if c.id == "esi.conservative_care")
    assert "2026-01-01..2026-01-30" in c.explanation


def test_stopped_care_that_is_too_short_gives_no_eligible_date() -> None:
    d = run(
        dx("M54.16", date(2025, 12, 1)),
        med_order("7258", date(2026, 1, 1)),
        code="72148",
        payer="commercial",
        as_of=date(2026, 4, 1),
    )
    assert crit(d, "mri.conservative_care") == "not_met"  # 30 days < 6 weeks, ended two months ago
    assert d.decision == "criteria_not_met"
    assert d.earliest_eligible_date is None


def test_duration_is_counted_across_modalities() -> None:
    # Naproxen 01-01..01-30 (30 days) then therapy 01-25..02-22: neither alone reaches 6 weeks.
    items = [
        dx("M54.16", date(2025, 11, 1)),
        med_order("7258", date(2026, 1, 1)),
        pt_series(date(2026, 1, 25), 5),
    ]
    d = run(*items, code="72148", payer="commercial", as_of=date(2026, 3, 1))
    c = next(c for c in d.criteria if c.id == "mri.conservative_care")
    assert c.status == "met", c.explanation
    assert (
        "naproxen" in c.explanation.lower() or "7258" in str([e.resource for e in c.evidence]) or c.evidence
    )
    assert len(c.evidence) == 6


def test_a_gap_of_more_than_two_weeks_starts_a_new_span() -> None:
    items = [
        dx("M54.16", date(2025, 11, 1)),
        med_order("7258", date(2026, 1, 1)),
        pt_series(date(2026, 2, 20), 2),
    ]
    d = run(*items, code="72148", payer="commercial", as_of=date(2026, 3, 1))
    assert crit(d, "mri.conservative_care") == "not_met"


def test_self_reported_care_counts_but_notes_the_payer_wants_records() -> None:
    sessions = [
        item("cpt", "97110", date(2026, 1, 12) + timedelta(days=7 * i), provenance="self_reported")
        for i in range(6)
    ]
    d = run(*[i for i in esi_ready() if not isinstance(i, list)], sessions)
    assert crit(d, "esi.conservative_care") == "met"
    assert any("self-reported" in n and "clinical records" in n for n in d.notes)


# --- frequency per rolling 12 months per region -----------------------------------------------


def test_fifth_esi_in_12_months_is_too_many_until_the_oldest_drops_out() -> None:
    days = [date(2025, 4, 10), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 5)]
    esis = [item("cpt", "64483", d) for d in days]
    cervical = item("cpt", "62321", date(2026, 2, 1))  # another region: does not count
    d = run(*esi_ready(esis, cervical), as_of=date(2026, 3, 2))
    c = next(c for c in d.criteria if c.id == "esi.frequency")
    assert c.status == "not_met"
    assert c.eligible_on == date(2026, 4, 10)
    assert "4 sessions" in c.explanation
    assert d.decision == "criteria_not_met"
    assert d.earliest_eligible_date == date(2026, 4, 10)


def test_session_exactly_12_months_ago_is_out_of_the_window() -> None:
    days = [date(2025, 3, 2), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 5)]
    d = run(*esi_ready([item("cpt", "64483", x) for x in days]), as_of=date(2026, 3, 2))
    assert crit(d, "esi.frequency") == "met"


def test_two_levels_on_one_day_are_one_session() -> None:
    day = date(2026, 1, 5)
    d = run(*esi_ready([item("cpt", "64483", day), item("cpt", "64484", day)]), as_of=date(2026, 3, 2))
    c = next(c for c in d.criteria if c.id == "esi.frequency")
    assert "1 session " in c.explanation


# --- relief -----------------------------------------------------------------------------------


def mbb(day: date, before: int, after: int, *, link: bool = True, rid: str | None = None) -> list[Item]:
    proc = item("cpt", "64493", at(day, 9), rid=rid or f"Procedure/mbb-{day.isoformat()}")
    refs = (proc.id,) if link else ()
    return [proc, nrs(before, at(day, 8, 45), refs=refs), nrs(after, at(day, 10, 30), refs=refs)]


def rfa_base() -> list[Item | list[Item]]:
    return [
        dx("M47.816", date(2025, 6, 1)),
        nrs(7, date(2025, 9, 1)),
        odi(38, date(2025, 9, 1)),
        pt_series(date(2025, 7, 1), 6),
    ]


@pytest.mark.parametrize(
    ("first", "second", "status"),
    [
        pytest.param((7, 1), (7, 1), "met", id="both-86pct"),
        pytest.param((10, 2), (10, 2), "met", id="exactly-80pct"),
        pytest.param((7, 1), (7, 2), "not_met", id="second-71pct"),
        pytest.param((8, 2), (8, 2), "not_met", id="both-75pct"),
    ],
)
def test_rfa_needs_80pct_relief_from_each_of_two_blocks(
    first: tuple[int, int], second: tuple[int, int], status: str
) -> None:
    d = run(
        *rfa_base(),
        mbb(date(2025, 10, 1), *first),
        mbb(date(2025, 10, 22), *second),
        code="64635",
        setting="asc",
        as_of=date(2025, 11, 20),
    )
    assert crit(d, "facet.rfa.diagnostic_blocks") == status
    assert d.decision == ("meets_criteria" if status == "met" else "criteria_not_met")
    if status == "not_met":
        assert d.earliest_eligible_date is None


def test_one_good_block_is_not_enough() -> None:
    d = run(*rfa_base(), mbb(date(2025, 10, 1), 7, 1), code="64635", setting="asc", as_of=date(2025, 11, 20))
    assert crit(d, "facet.rfa.diagnostic_blocks") == "not_met"


def test_scores_pair_by_time_without_part_of() -> None:
    d = run(
        *rfa_base(),
        mbb(date(2025, 10, 1), 7, 1, link=False),
        mbb(date(2025, 10, 22), 7, 1, link=False),
        code="64635",
        setting="asc",
        as_of=date(2025, 11, 20),
    )
    assert crit(d, "facet.rfa.diagnostic_blocks") == "met"


def test_baseline_must_be_on_the_day_of_the_block() -> None:
    day = date(2025, 10, 1)
    proc = item("cpt", "64493", at(day, 9))
    blocks = [proc, nrs(7, at(day - timedelta(days=3), 9)), nrs(1, at(day, 11))]
    d = run(
        *rfa_base(),
        blocks,
        mbb(date(2025, 10, 22), 7, 1),
        code="64635",
        setting="asc",
        as_of=date(2025, 11, 20),
    )
    c = next(c for c in d.criteria if c.id == "facet.rfa.diagnostic_blocks")
    assert c.status == "unknown"
    assert "2025-10-01" in c.explanation
    assert d.decision == "needs_documentation"


def test_date_only_scores_linked_by_part_of_are_taken_in_order() -> None:
    day = date(2025, 10, 1)
    proc = item("cpt", "64493", day, rid="Procedure/b1")
    blocks = [proc, nrs(9, day, refs=(proc.id,)), nrs(1, day, refs=(proc.id,))]
    d = run(
        *rfa_base(),
        blocks,
        mbb(date(2025, 10, 22), 7, 1),
        code="64635",
        setting="asc",
        as_of=date(2025, 11, 20),
    )
    assert crit(d, "facet.rfa.diagnostic_blocks") == "met"


def prior_esi(day: date, before: int, later: list[tuple[int, int]]) -> list[Item]:
    proc = item("cpt", "64483", at(day, 9), rid="Procedure/esi-1")
    out = [proc, nrs(before, at(day, 8, 30), refs=(proc.id,))]
    out += [nrs(v, day + timedelta(days=n)) for n, v in later]
    return out


@pytest.mark.parametrize(
    ("later", "as_of", "status", "eligible"),
    [
        pytest.param([(30, 3), (95, 3)], date(2026, 3, 2), "met", None, id="50pct-for-3-months"),
        pytest.param([(30, 3), (60, 6)], date(2026, 3, 2), "not_met", None, id="relief-fell-under-50pct"),
        pytest.param([(30, 4)], date(2025, 11, 15), "not_met", date(2025, 12, 10), id="too-soon-to-tell"),
        pytest.param([], date(2026, 3, 2), "unknown", None, id="no-score-after"),
    ],
)
def test_repeat_esi_needs_50pct_relief_for_3_months(
    later: list[tuple[int, int]], as_of: date, status: str, eligible: date | None
) -> None:
    day = date(2025, 9, 10)
    base = [
        dx("M54.16", date(2025, 6, 1)),
        exam(date(2025, 8, 1)),
        odi(40, date(2025, 8, 1)),
        med_statement("7258", date(2025, 6, 5)),
        mri(date(2025, 7, 1)),
    ]
    d = run(*base, prior_esi(day, 8, later), as_of=as_of, code="64483")  # same approach as before
    c = next(c for c in d.criteria if c.id == "esi.repeat_response")
    assert c.status == status, c.explanation
    assert c.eligible_on == eligible


# --- red flags, alternatives and commercial MRI ------------------------------------------------


def test_red_flag_bypasses_the_waiting_and_marks_the_rest_not_applicable() -> None:
    d = run(dx("G83.4", date(2026, 2, 28)), code="72148", payer="commercial", as_of=AS_OF)
    assert d.decision == "meets_criteria"
    assert d.prior_authorization == "required"
    assert crit(d, "mri.red_flag") == "met"
    assert crit(d, "mri.conservative_care") == "not_applicable"
    assert crit(d, "mri.symptom_duration") == "not_applicable"


def test_age_alone_is_not_a_red_flag_for_mri() -> None:
    r = record(dx("M54.16", date(2026, 2, 20)), birth=date(1940, 1, 1))
    d = check(r, "72148", "commercial", as_of=AS_OF)
    assert crit(d, "mri.red_flag") == "not_met"
    assert d.decision == "criteria_not_met"


# --- prior authorization -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "payer", "setting", "state", "as_of", "expected"),
    [
        pytest.param(
            "64635",
            "medicare",
            "hospital-outpatient",
            "PA",
            date(2023, 6, 30),
            "not_required",
            id="opd-before-facet-start",
        ),
        pytest.param(
            "64635",
            "medicare",
            "hospital-outpatient",
            "PA",
            date(2023, 7, 1),
            "required",
            id="opd-facet-start",
        ),
        pytest.param(
            "64635", "medicare", "asc", "PA", date(2026, 1, 1), "not_required", id="asc-not-on-opd-list"
        ),
        pytest.param(
            "63650",
            "medicare",
            "hospital-outpatient",
            "NY",
            date(2022, 1, 1),
            "required",
            id="opd-neurostimulator",
        ),
        pytest.param("64483", "medicare", "asc", "TX", date(2026, 2, 1), "required", id="wiser-texas"),
        pytest.param(
            "64483", "medicare", "asc", "TX", date(2026, 1, 14), "not_required", id="wiser-before-start"
        ),
        pytest.param(
            "64483", "medicare", "asc", "NY", date(2026, 2, 1), "not_required", id="wiser-other-state"
        ),
        pytest.param(
            "64493", "medicare", "asc", "TX", date(2026, 2, 1), "not_required", id="wiser-excludes-facet"
        ),
        pytest.param("64483", "medicare-advantage", "asc", "TX", date(2026, 2, 1), "plan_dependent", id="ma"),
        pytest.param("64483", "medicaid", "asc", "TX", date(2026, 2, 1), "plan_dependent", id="medicaid"),
        pytest.param(
            "64483", "commercial", "asc", "TX", date(2026, 2, 1), "plan_dependent", id="commercial-esi"
        ),
        pytest.param(
            "22612", "commercial", "inpatient", "TX", date(2026, 2, 1), "required", id="commercial-fusion"
        ),
    ],
)
def test_prior_authorization(
    code: str, payer: str, setting: str, state: str, as_of: date, expected: str
) -> None:
    d = check(record(), code, payer, setting=setting, state=state, as_of=as_of)
    assert d.prior_authorization == expected
    assert d.prior_authorization_basis


def test_wiser_without_a_state_says_to_give_one() -> None:
    d = check(record(), "64483", "medicare", setting="asc", as_of=date(2026, 2, 1))
    assert any("--state" in n and "TX" in n for n in d.notes)


# --- which policy is cited ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "policy", "words"),
    [
        pytest.param("OH", "L39015", "CGS", id="cgs"),
        pytest.param("AZ", "L39240", "Noridian", id="noridian-jf"),
        pytest.param("TX", "L36920", "Novitas", id="novitas"),
        pytest.param("NY", "L39240", "NGS", id="ngs-id-unknown"),
    ],
)
def test_esi_cites_the_state_mac_copy(state: str, policy: str, words: str) -> None:
    d = run(*esi_ready(), state=state)
    assert d.policies[0].id == policy
    assert words in d.policies[0].title
    assert all(
        c.source.policy == policy
        for c in d.criteria
        if c.source.policy.startswith("L39") or c.source.policy.startswith("L36")
    )


def test_no_state_cites_the_lcd_family_and_says_so() -> None:
    d = run(*esi_ready())
    assert "LCD family" in d.policies[0].title
    assert any("--state" in n for n in d.notes)


def test_no_specific_policy_uses_the_baseline() -> None:
    d = check(record(dx("M54.16", date(2026, 1, 1))), "63030", "medicare", as_of=AS_OF)
    assert not d.specific_policy
    assert any("No specific coverage policy" in n for n in d.notes)
    assert d.decision == "meets_criteria"


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        pytest.param({"code": "99999", "payer": "medicare"}, "72148", id="procedure"),
        pytest.param({"code": "62323", "payer": "blue"}, "medicare-advantage", id="payer"),
        pytest.param({"code": "62323", "payer": "medicare", "setting": "inpatient"}, "office", id="setting"),
        pytest.param({"code": "62323", "payer": "medicare", "state": "ZZ"}, "two-letter", id="state"),
    ],
)
def test_bad_input_lists_valid_choices(kwargs: dict[str, str], word: str) -> None:
    code = kwargs.pop("code")
    payer = kwargs.pop("payer")
    with pytest.raises(BadInput) as err:
        check(record(), code, payer, as_of=AS_OF, **kwargs)  # type: ignore[arg-type]
    assert word in err.value.message()


def test_acute_zoster_needs_no_4_weeks_of_pain() -> None:
    onset = AS_OF - timedelta(days=5)
    items = [
        dx("B02.29", onset),
        exam(AS_OF),
        nrs(8, AS_OF),
        med_order("7258", AS_OF - timedelta(days=40)),
        mri(AS_OF),
    ]
    d = run(*items)
    assert crit(d, "esi.zoster") == "met"
    assert crit(d, "esi.pain_duration") == "not_applicable"
    assert d.decision == "meets_criteria"


def test_care_from_an_old_episode_does_not_count() -> None:
    old = pt_series(date(2024, 1, 8), 8)
    d = run(dx("M54.16", date(2026, 1, 5)), old, mri(date(2026, 2, 15)), exam(AS_OF), nrs(6, AS_OF))
    c = next(c for c in d.criteria if c.id == "esi.conservative_care")
    assert c.status == "not_met"
    assert "more than 12 months ago" in c.explanation
    assert d.earliest_eligible_date is None


def test_a_resolved_diagnosis_is_an_old_episode() -> None:
    old_radic = item("icd10", "M54.16", date(2019, 1, 1), end=date(2019, 6, 1), status="resolved")
    new_lbp = dx("M54.50", AS_OF - timedelta(days=10))
    d = run(old_radic, new_lbp, pt_series(AS_OF - timedelta(days=9), 2))
    assert d.decision == "not_covered"  # only axial pain now: the radiculopathy resolved in 2019
    assert crit(d, "esi.noncovered_indication") == "not_met"
    m = check(record(old_radic, new_lbp), "72148", "commercial", as_of=AS_OF)
    sd = next(c for c in m.criteria if c.kind == "symptom_duration")
    assert sd.status == "not_met"
    assert sd.eligible_on == AS_OF - timedelta(days=10) + timedelta(weeks=6)


def test_a_non_responder_may_repeat_after_14_days_with_another_approach() -> None:
    day = date(2026, 2, 2)
    base = [dx("M54.16", date(2025, 6, 1)), exam(date(2025, 8, 1)), odi(40, date(2025, 8, 1))]
    base += [med_statement("7258", date(2025, 6, 5)), mri(date(2025, 7, 1))]
    prior = prior_esi(day, 8, [(10, 7)])  # 12% relief: no response
    other = run(*base, prior, code="62323", as_of=day + timedelta(days=14))
    assert crit(other, "esi.nonresponder_change") == "met"
    assert crit(other, "esi.repeat_response") == "not_applicable"
    assert other.decision == "meets_criteria"
    same = run(*base, prior, code="64483", as_of=day + timedelta(days=14))
    assert crit(same, "esi.nonresponder_change") == "unknown"
    assert same.decision == "needs_documentation"
    early = run(*base, prior, code="62323", as_of=day + timedelta(days=10))
    assert early.decision == "criteria_not_met"
    assert early.earliest_eligible_date == day + timedelta(days=14)
