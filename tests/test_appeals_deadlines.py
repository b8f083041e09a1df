"""Appeal deadlines against hand-computed dates for every plan kind (CONTRACTS.md section 3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backcover.appeals import deadlines
from backcover.errors import BadInput
from backcover.knowledge import KNOWLEDGE_DIR, Knowledge

N = date(2026, 6, 15)  # a Monday


@pytest.mark.parametrize(
    ("kind", "received", "first_level", "file_by", "decision"),
    [
        # 180 days from 2026-06-15 (no mailing presumption): 15 (Jun) + 31 + 31 + 30 + 31 + 30 + 12 = 180.
        pytest.param(
            "marketplace", None, "internal_appeal", date(2026, 12, 12), "P60D", id="marketplace-example"
        ),
        pytest.param("aca", None, "internal_appeal", date(2026, 12, 12), "P60D", id="aca-alias"),
        pytest.param("commercial", None, "internal_appeal", date(2026, 12, 12), "P60D", id="commercial"),
        pytest.param(
            "erisa", date(2026, 6, 22), "internal_appeal", date(2026, 12, 19), "P60D", id="erisa-received"
        ),
        # Medicare: receipt presumed 06-20, +120 days: 10 + 31 + 31 + 30 + 18 = 120 -> 10-18.
        pytest.param("medicare", None, "redetermination", date(2026, 10, 18), "P60D", id="medicare-example"),
        # Actual receipt 06-25 replaces the presumption: 06-25 + 120 = 10-23.
        pytest.param(
            "medicare",
            date(2026, 6, 25),
            "redetermination",
            date(2026, 10, 23),
            "P60D",
            id="medicare-received",
        ),
        # Medicare Advantage: 65 days from the notice date: 15 + 31 + 19 = 65 -> 08-19.
        pytest.param("medicare-advantage", None, "plan_reconsideration", date(2026, 8, 19), "P60D", id="ma"),
        pytest.param(
            "medicare-advantage",
            date(2026, 6, 30),
            "plan_reconsideration",
            date(2026, 8, 19),
            "P60D",
            id="ma-received",
        ),
        # Medicaid managed care: 60 days from the notice date: 15 + 31 + 14 -> 08-14.
        pytest.param("medicaid", None, "plan_appeal", date(2026, 8, 14), "P30D", id="medicaid-mco"),
        # Medicaid fee-for-service: at most 90 days from mailing: 15 + 31 + 31 + 13 -> 09-13.
        pytest.param(
            "medicaid-ffs", None, "state_fair_hearing", date(2026, 9, 13), "P90D", id="medicaid-ffs"
        ),
    ],
)
def test_first_level_file_by(
    kind: str, received: date | None, first_level: str, file_by: date, decision: str
) -> None:
    d = deadlines(kind, N, received_date=received)
    first = d.levels[0]
    assert first.level == first_level
    assert first.file_by == file_by
    assert first.decision_within == decision
    assert first.rule
    # later levels have no date until the decision that starts them is known
    assert all(lv.file_by is None for lv in d.levels[1:])


def test_marketplace_example_json_and_weekend_note() -> None:
    out = deadlines("marketplace", N).to_json()
    first = out["levels"][0]
    assert first["file_by"] == "2026-12-12"
    assert "45 CFR 147.136" in first["rule"]
    assert any("Saturday" in n and "not moved" in n for n in first["notes"])
    assert set(first) >= {"level", "file_by", "decision_within", "rule"}


def test_medicare_example_presumed_receipt() -> None:
    out = deadlines("medicare", N).to_json()
    first = out["levels"][0]
    assert first["file_by"] == "2026-10-18"
    assert "405.942" in first["rule"]
    assert any("presumed 5 days" in n for n in first["notes"])


def test_medicare_has_five_levels_with_amounts_in_controversy() -> None:
    d = deadlines("medicare", N)
    assert [lv.level for lv in d.levels] == [
        "redetermination",
        "reconsideration",
        "alj_hearing",
        "appeals_council",
        "federal_court",
    ]
    assert [lv.decision_within for lv in d.levels] == ["P60D", "P60D", "P90D", "P90D", None]
    assert [lv.file_within for lv in d.levels] == ["P120D", "P180D", "P60D", "P60D", "P60D"]
    aic = {lv.level: lv.amount_in_controversy for lv in d.levels if lv.amount_in_controversy}
    assert aic["alj_hearing"]["minimum"] == "200.00"  # type: ignore[index]
    assert aic["federal_court"]["minimum"] == "1960.00"  # type: ignore[index]
    d25 = deadlines("medicare", date(2025, 3, 1))
    assert d25.levels[2].amount_in_controversy["minimum"] == "190.00"  # type: ignore[index]
    d27 = deadlines("medicare", date(2027, 3, 1))
    assert any("not in backcover's data" in n for n in d27.levels[2].notes)


def test_medicaid_managed_care_has_state_fair_hearing_after_plan_appeal() -> None:
    d = deadlines("medicaid", N)
    assert [lv.level for lv in d.levels] == ["plan_appeal", "state_fair_hearing"]
    assert d.levels[1].file_within == "P120D"
    assert d.levels[0].confidence == "unconfirmed"
    assert any(n.startswith("Unconfirmed") for n in d.levels[0].notes)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param("commercial", "PT72H", id="commercial"),
        pytest.param("marketplace", "PT72H", id="marketplace"),
        pytest.param("medicare-advantage", "PT72H", id="ma"),
        pytest.param("medicaid", "PT72H", id="medicaid"),
        pytest.param("medicaid-ffs", "P3D", id="medicaid-ffs"),
        pytest.param("medicare", "P60D", id="medicare-no-expedited-claims-track"),
    ],
)
def test_urgent_pre_service_timelines(kind: str, expected: str) -> None:
    d = deadlines(kind, N, urgent=True, service="pre")
    assert d.levels[0].decision_within == expected


def test_pre_service_standard_times() -> None:
    assert deadlines("commercial", N, service="pre").levels[0].decision_within == "P30D"
    assert deadlines("medicare-advantage", N, service="pre").levels[0].decision_within == "P30D"


def test_urgent_post_service_stays_standard_with_a_note() -> None:
    d = deadlines("commercial", N, urgent=True, service="post")
    assert d.levels[0].decision_within == "P60D"
    assert any("Expedited review is for care not yet received" in n for n in d.notes)


def test_file_by_never_moves_on_a_sunday() -> None:
    d = deadlines("medicaid-ffs", N)
    assert d.levels[0].file_by == date(2026, 9, 13)
    assert d.levels[0].file_by.weekday() == 6  # type: ignore[union-attr]
    assert any("Sunday" in n for n in d.levels[0].notes)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"plan_kind": "medicaree"}, "did you mean", id="typo"),
        pytest.param({"plan_kind": "medicare", "service": "during"}, "unknown service", id="service"),
        pytest.param(
            {"plan_kind": "medicare", "received_date": date(2026, 6, 1)}, "before the notice", id="received"
        ),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    kind = str(kwargs.pop("plan_kind"))
    with pytest.raises(BadInput) as exc:
        deadlines(kind, N, **kwargs)  # type: ignore[arg-type]
    assert message in str(exc.value)


def test_deadlines_follow_the_appeal_rules_they_are_given(tmp_path: Path) -> None:
    """A folder's appeal_rules.yaml replaces the packaged one for that bundle only."""
    text = (KNOWLEDGE_DIR / "appeal_rules.yaml").read_text(encoding="utf-8")
    old = "file: {days: 180, counts_from: receipt, presumed_receipt_days: 0}"
    assert old in text
    (tmp_path / "appeal_rules.yaml").write_text(
        text.replace(old, "file: {days: 90, counts_from: receipt, presumed_receipt_days: 0}", 1),
        encoding="utf-8",
    )
    kb = Knowledge.from_dir(tmp_path)
    mine = deadlines("commercial", N, knowledge=kb)
    # 90 days from 2026-06-15: 15 (Jun) + 31 + 31 + 13 = 90 -> 09-13; the packaged rule stays 180 days.
    assert (mine.levels[0].file_by, mine.levels[0].file_within) == (date(2026, 9, 13), "P90D")
    assert deadlines("commercial", N).levels[0].file_by == date(2026, 12, 12)
    assert deadlines("marketplace", N, knowledge=kb).levels[0].file_by == date(2026, 12, 12)


@pytest.mark.parametrize(
    ("kind", "problem", "fix"),
    [
        pytest.param(
            "tricare", "unknown plan kind 'tricare'", "use one of: commercial, marketplace", id="unknown"
        ),
        pytest.param("comercial", "unknown plan kind 'comercial'", "did you mean 'commercial'?", id="typo"),
        pytest.param(
            "uninsured", "plan kind 'uninsured' has no appeal levels", "Good Faith Estimate", id="none"
        ),
    ],
)
def test_a_plan_kind_without_appeal_rules_says_what_to_use(kind: str, problem: str, fix: str) -> None:
    with pytest.raises(BadInput) as err:
        deadlines(kind, N)
    assert err.value.problem == problem
    assert fix in err.value.fix
    assert err.value.where == "--plan-kind"
