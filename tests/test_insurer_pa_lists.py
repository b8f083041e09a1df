"""The insurers' own prior-authorization lists answer for the back-care codes, with the list cited."""

from __future__ import annotations

from datetime import date

import pytest

from backcover.engine import Determination, check
from backcover.record.model import Record
from tests.engine_builders import care, dx, record

AS_OF = date(2026, 6, 1)
UHC = "unitedhealthcare"
UHC_LIST = "PCA-1-24-01315"  # UHC commercial list effective 2025-01-01
HUMANA_LIST = "790807ALL0725-C"  # Humana MA and D-SNP list effective 2026-01-01


def back_pain() -> Record:
    return record(dx("M54.50", date(2026, 1, 5)), care(date(2026, 3, 2), 6))


def uhc(code: str, state: str | None = "PA", setting: str | None = None) -> Determination:
    return check(back_pain(), code, "commercial", state=state, setting=setting, as_of=AS_OF, insurer=UHC)


def cites(d: Determination, *words: str) -> bool:
    return any(all(w in b for w in words) for b in d.prior_authorization_basis)


@pytest.mark.parametrize(
    "code", ["22612", "22630", "22633", "63030", "63047", "63048", "22857", "22513", "63650", "63685"]
)
def test_uhc_commercial_spine_surgery_and_stimulators_need_prior_authorization_everywhere(code: str) -> None:
    for state in ("PA", "TX"):
        d = uhc(code, state)
        assert d.prior_authorization == "required", (code, state)
        assert cites(d, UHC_LIST, "2025-01-01")


def test_uhc_commercial_list_names_the_added_transforaminal_level_but_not_62323_or_64483() -> None:
    added = uhc("64484")
    assert added.prior_authorization == "required"
    assert cites(added, UHC_LIST, "Pain management and injection")
    # 62323 and 64483 are on no row of the list read: backcover does not turn that silence into an answer.
    for code in ("62323", "64483"):
        d = uhc(code)
        assert d.prior_authorization == "plan_dependent"
        assert cites(d, "62323, 64483")


def test_uhc_commercial_facet_procedures_need_prior_authorization_only_outside_the_office() -> None:
    for code in ("64493", "64635"):
        office = uhc(code, "PA", "office")
        asc = uhc(code, "PA", "asc")
        hospital = uhc(code, "NY", "hospital-outpatient")
        assert office.prior_authorization == "not_required"
        assert cites(office, UHC_LIST, "not required if performed in an office")
        assert asc.prior_authorization == "required"
        assert hospital.prior_authorization == "required"
        assert cites(asc, UHC_LIST, "Site of service")


def test_uhc_commercial_site_of_service_program_does_not_apply_in_the_exempt_states() -> None:
    d = uhc("64635", "TX", "asc")
    assert d.prior_authorization == "not_required"
    assert cites(d, UHC_LIST, "Texas")


def test_uhc_commercial_arizona_members_need_prior_authorization_for_facet_injections_everywhere() -> None:
    for code in ("64493", "64494", "64495"):
        d = uhc(code, "AZ", "office")
        assert d.prior_authorization == "required", code
        assert cites(d, UHC_LIST, "Arizona Pain Management Program")
    # The add-on levels are on no other row: outside Arizona they stay plan dependent.
    assert uhc("64494", "PA", "office").prior_authorization == "plan_dependent"


def test_uhc_commercial_therapy_stays_plan_dependent_with_where_to_check() -> None:
    d = uhc("97110")
    assert d.prior_authorization == "plan_dependent"
    assert cites(d, "OptumHealth Physical Health")
    # The radiology protocol's plan exclusions go with the imaging answer only.
    assert not any("Options PPO" in n for n in uhc("22612").notes)
    assert any("Options PPO" in n for n in uhc("72148").notes)


def test_humana_medicare_advantage_facet_row_is_dated_by_humanas_2026_list() -> None:
    for code in ("64493", "64635"):
        d = check(back_pain(), code, "medicare-advantage", state="PA", as_of=AS_OF, insurer="humana")
        assert d.prior_authorization == "required"
        assert cites(d, HUMANA_LIST, "Facet injections")
        assert cites(d, "2026-01-01")
    earlier = date(2025, 6, 1)
    before = check(back_pain(), "64493", "medicare-advantage", state="PA", as_of=earlier, insurer="humana")
    assert before.prior_authorization == "required"  # Cohere's undated row still answers
    assert not cites(before, HUMANA_LIST)


def test_a_rule_read_in_a_copy_of_the_list_says_so() -> None:
    """The confidence note on a PA rule's source reaches the answer's notes, not only the rule's own."""
    d = check(
        record(dx("M47.816", date(2026, 8, 1))),
        "64493",
        "commercial",
        setting="asc",
        state="NY",
        as_of=date(2026, 12, 1),
        insurer="unitedhealthcare",
    )
    assert str(d.prior_authorization) == "required"
    assert any(n.startswith("Unconfirmed (") and "text copy of UHC's PDF" in n for n in d.notes)


def test_policies_show_says_each_rules_answer_dates_and_confidence() -> None:
    """`policies show` tells a "no prior authorization needed" rule from a "required" one, gives its
    dates of service, and the confidence note its source carries."""
    from typer.testing import CliRunner

    from backcover.cli import app

    out = CliRunner().invoke(app, ["policies", "show", "unitedhealthcare-prior-auth"]).stdout
    assert "PA rule: no prior authorization needed: " in out
    assert "for services from 2025-01-01" in out
    assert "text copy of UHC's PDF" in out
