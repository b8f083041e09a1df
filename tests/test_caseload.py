"""The worklist's order and filters and the prior-authorization figures, as pure functions: overdue
before expedited before the soonest date; exact shares, means and medians, standard and expedited
apart; the CSV a spreadsheet opens without running a payer's name as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from backcover.caseload import (
    Due,
    Request,
    Review,
    WorkItem,
    by_urgency,
    check_assignee,
    due_within,
    figures,
    matches,
    metrics,
    open_dates,
    outcome,
    parse_stage,
    stage_of,
    with_reviews,
)
from backcover.errors import BadInput

TODAY = date(2026, 11, 27)
D = date.fromisoformat


def item(case_id: int, *dues: tuple[str, str], expedited: bool = False, **kw: object) -> WorkItem:
    dates = open_dates([Due(D(day), f"thing {n}", kind) for n, (day, kind) in enumerate(dues)], TODAY)
    fields: dict[str, object] = {
        "case_id": case_id,
        "patient_id": case_id,
        "patient": f"P{case_id}",
        "procedure_code": "72148",
        "procedure": "MRI of the lower back",
        "payer_kind": "commercial",
        "payer_name": None,
        "stage": "pa_submitted",
        "assignee": None,
        "expedited": expedited,
        "dates": dates,
    }
    fields.update(kw)
    return WorkItem(**fields)  # type: ignore[arg-type]


def test_overdue_comes_first_then_expedited_then_the_soonest_date() -> None:
    soon = item(1, ("2026-11-29", "file_appeal"))
    later_expedited = item(2, ("2027-01-10", "file_appeal"), expedited=True)
    overdue = item(3, ("2026-10-01", "file_appeal"))
    nothing = item(4)
    expedited_nothing = item(5, expedited=True)
    overdue_expedited = item(6, ("2026-11-01", "decision_due"), expedited=True)
    later = item(7, ("2026-12-20", "auth_expires"))
    order = [i.case_id for i in by_urgency([soon, later_expedited, overdue, nothing, expedited_nothing,
                                             overdue_expedited, later], TODAY)]  # fmt: skip
    assert order == [6, 3, 2, 5, 1, 7, 4]
    assert overdue.overdue(TODAY) and not soon.overdue(TODAY)


def test_an_expired_authorization_is_history_but_a_missed_filing_is_overdue() -> None:
    dates = open_dates(
        [
            Due(D("2026-10-01"), "authorization expires", "auth_expires"),
            Due(D("2026-11-01"), "file: internal appeal", "file_appeal"),
            Due(D("2026-12-01"), "decision due", "decision_due"),
        ],
        TODAY,
    )
    assert [d.what for d in dates] == ["file: internal appeal", "decision due"]
    assert dates[0].to_json(TODAY) | {"rule": None} == {
        "due": "2026-11-01",
        "what": "file: internal appeal",
        "kind": "file_appeal",
        "rule": None,
        "days_left": -26,
        "overdue": True,
    }


def test_what_is_due_in_n_days_keeps_only_those_dates_and_the_overdue() -> None:
    a = item(1, ("2026-11-20", "file_appeal"), ("2026-12-01", "decision_due"), ("2027-03-01", "file_appeal"))
    b = item(2, ("2026-12-30", "file_appeal"))
    due = due_within([a, b], TODAY, 7)
    assert [(i.case_id, [d.due.isoformat() for d in i.dates]) for i in due] == [
        (1, ["2026-11-20", "2026-12-01"])
    ]
    assert [i.case_id for i in due_within([a, b], TODAY, 33)] == [1, 2]
    with pytest.raises(BadInput, match="from 0 to 3650"):
        due_within([a], TODAY, 99999)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({"assignee": "KIM"}, [1], id="assignee-any-case"),
        pytest.param({"payer": "Acme Health"}, [2], id="payer-name"),
        pytest.param({"payer": "medicare-advantage"}, [3], id="plan-kind"),
        pytest.param({"payer": "Medicare Advantage"}, [3], id="plan-kind-words"),
        pytest.param({"payer": "commercial"}, [1, 2], id="kind-of-a-named-payer"),
        pytest.param({"stage": "denied"}, [2], id="status"),
        pytest.param({"assignee": "kim", "stage": "denied"}, [], id="both"),
    ],
)
def test_filters(filters: dict[str, str], expected: list[int]) -> None:
    rows = [
        item(1, assignee="kim"),
        item(2, payer_name="Acme Health", stage="denied", assignee="lee"),
        item(3, payer_kind="medicare-advantage"),
    ]
    assert [r.case_id for r in rows if matches(r, **filters)] == expected


def test_a_case_is_at_its_latest_step() -> None:
    assert stage_of([]) == "new"
    assert stage_of([(D("2026-03-01"), "pa_submitted")]) == "pa_submitted"
    # a denied request records a denial on the same day: the case is denied (the further step)
    assert stage_of([(D("2026-03-01"), "pa_submitted"), (D("2026-03-04"), "pa_denied"),
                     (D("2026-03-04"), "denied")]) == "denied"  # fmt: skip
    assert stage_of([(D("2026-03-04"), "denied"), (D("2026-03-10"), "appeal_filed")]) == "appeal_filed"
    assert stage_of([(D("2026-03-10"), "appeal_filed"), (D("2026-04-01"), "pa_submitted")]) == "pa_submitted"
    assert parse_stage("appeal filed") == "appeal_filed" and parse_stage("PA-Submitted") == "pa_submitted"
    with pytest.raises(BadInput, match="unknown status"):
        parse_stage("lost in the mail")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("   ", "empty", id="blank"),
        pytest.param("x" * 65, "65 characters long; at most 64", id="too-long"),
        pytest.param("kim\nlee", "control characters", id="newline"),
    ],
)
def test_a_bad_assignee_is_refused(value: str, problem: str) -> None:
    with pytest.raises(BadInput, match=problem) as exc:
        check_assignee(value)
    assert exc.value.where == "assignee"


def test_an_assignee_is_trimmed_and_none_unassigns() -> None:
    assert check_assignee("  kim ") == "kim" and check_assignee("x" * 64) == "x" * 64
    assert check_assignee(None) is None


# -- metrics ---------------------------------------------------------------------------------------
def req(
    sent: str, *steps: tuple[str, str], expedited: bool = False, payer: str = "Acme", service: str = "mri"
) -> Request:
    return Request(payer, service, service.upper(), expedited, D(sent), tuple((D(d), s) for d, s in steps))


def test_an_outcome_is_the_first_decision_and_what_the_appeal_did() -> None:
    assert outcome(req("2026-03-01", ("2026-03-01", "submitted"))).decision is None
    approved = outcome(req("2026-03-01", ("2026-03-01", "submitted"), ("2026-03-08", "approved")))
    assert (approved.decision, approved.days, approved.appealed) == ("approved", 7, False)
    denied = req("2026-03-01", ("2026-03-04", "denied"))
    won = outcome(with_reviews([denied], [Review(D("2026-03-10"), "overturned")])[0])
    assert (won.decision, won.days, won.appealed, won.approved_after_appeal) == ("denied", 3, True, True)
    lost = outcome(with_reviews([denied], [Review(D("2026-03-10"), "upheld")])[0])
    assert (lost.appealed, lost.approved_after_appeal) == (True, False)
    partly = outcome(with_reviews([denied], [Review(D("2026-03-10"), "partial")])[0])
    assert (partly.appealed, partly.approved_after_appeal) == (True, False)
    # the plan approved it on reconsideration: a later approval step
    again = outcome(req("2026-03-01", ("2026-03-04", "denied"), ("2026-03-20", "approved")))
    assert (again.decision, again.appealed, again.approved_after_appeal) == ("denied", True, True)


def test_an_appeal_counts_for_the_request_whose_denial_it_followed() -> None:
    first = req("2026-01-05", ("2026-01-09", "denied"))
    second = req("2026-02-01", ("2026-02-03", "denied"))
    early = Review(D("2026-01-01"), "overturned")  # before any denial: belongs to neither
    after_first = Review(D("2026-01-15"), "upheld")
    after_second = Review(D("2026-02-10"), "overturned")
    one, two = with_reviews([second, first], [early, after_first, after_second, Review(None, "overturned")])
    assert one.reviews == (after_first,) and two.reviews == (after_second,)
    assert outcome(one).approved_after_appeal is False and outcome(two).approved_after_appeal is True


def test_figures_give_exact_shares_mean_and_median() -> None:
    f = figures(
        [
            outcome(req("2026-03-01", ("2026-03-08", "approved"))),  # 7 days
            outcome(req("2026-03-01", ("2026-03-04", "approved"))),  # 3 days
            outcome(req("2026-03-01", ("2026-03-15", "approved"))),  # 14 days
            outcome(req("2026-03-01", ("2026-03-11", "denied"), ("2026-03-30", "approved"))),  # 10 days
            outcome(req("2026-03-01")),  # waiting
        ]
    )
    assert (f.requests, f.decided, f.pending, f.approved, f.denied) == (5, 4, 1, 3, 1)
    assert (f.approved_share, f.denied_share) == (0.75, 0.25)
    assert (f.appealed, f.approved_after_appeal, f.approved_after_appeal_share) == (1, 1, 1.0)
    assert (f.mean_days, f.median_days) == (8.5, 8.5)  # (3 + 7 + 10 + 14) / 4; median of 7 and 10
    odd = figures([outcome(req("2026-03-01", ("2026-03-0" + d, "approved"))) for d in "249"])
    assert (odd.mean_days, odd.median_days, odd.approved_share) == (4.0, 3.0, 1.0)
    thirds = figures([outcome(req("2026-03-01", (f"2026-03-0{d}", s))) for d, s in
                      (("2", "approved"), ("3", "denied"), ("4", "denied"))])  # fmt: skip
    assert (thirds.approved_share, thirds.denied_share) == (0.3333, 0.6667)
    empty = figures([])
    assert (empty.approved_share, empty.mean_days, empty.median_days) == (None, None, None)


def test_metrics_by_payer_and_service_keep_standard_and_expedited_apart() -> None:
    rs = [
        req("2026-02-01", ("2026-02-08", "approved")),
        req("2026-02-01", ("2026-02-11", "denied")),
        req("2026-02-01", ("2026-02-02", "approved"), expedited=True),
        req("2026-02-01", ("2026-02-04", "denied"), expedited=True, payer="Zenith", service="esi"),
        req("2025-12-31", ("2026-01-02", "approved")),  # sent before the period
        req("2027-01-01", ("2027-01-02", "approved")),  # after it
    ]
    m = metrics(rs, D("2026-01-01"), D("2026-12-31"))
    assert [(g.payer, g.service) for g in m.groups] == [("Acme", "mri"), ("Zenith", "esi")]
    acme = m.groups[0]
    assert (acme.standard.requests, acme.standard.approved_share, acme.standard.median_days) == (2, 0.5, 8.5)
    assert (acme.expedited.requests, acme.expedited.approved_share, acme.expedited.mean_days) == (1, 1.0, 1.0)
    assert (m.standard.requests, m.expedited.requests, m.expedited.denied_share) == (2, 2, 0.5)
    assert m.expedited.median_days == 2.0  # 1 and 3 days
    data = m.to_json()
    assert data["rule"]["id"] == "CMS-0057-F" and "not the payer's" in data["source"]
    assert data["groups"][1]["expedited"]["denied_share"] == 1.0
    with pytest.raises(BadInput, match="after it ends"):
        metrics(rs, D("2026-12-31"), D("2026-01-01"))


def test_the_csv_has_a_row_per_payer_service_and_kind_and_no_formulas() -> None:
    rs = [
        req("2026-02-01", ("2026-02-08", "approved"), payer='=HYPERLINK("http://x")'),
        req("2026-02-01", ("2026-02-03", "denied"), expedited=True, payer="Acme"),
    ]
    text = metrics(rs, D("2026-01-01"), D("2026-12-31")).to_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["payer"], r["kind"]) for r in rows] == [
        ('\'=HYPERLINK("http://x")', "standard"),
        ('\'=HYPERLINK("http://x")', "expedited"),
        ("Acme", "standard"),
        ("Acme", "expedited"),
        ("all", "standard"),
        ("all", "expedited"),
    ]
    acme = rows[3]
    assert (acme["requests"], acme["denied_share"], acme["median_days_to_decision"]) == ("1", "1.0", "2.0")
    assert rows[2]["approved_share"] == "" and text.endswith("\r\n")


def test_days_are_calendar_days_and_never_negative() -> None:
    start = D("2026-12-30")
    late = outcome(req(start.isoformat(), ((start + timedelta(days=5)).isoformat(), "approved")))
    assert late.days == 5  # across the new year
    odd = outcome(req("2026-03-05", ("2026-03-01", "approved")))  # a decision typed before the request
    assert odd.days == 0
