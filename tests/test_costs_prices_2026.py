"""The built-in 2026 Medicare national amounts: the ASC microdiscectomy episode now has real numbers
for the lines whose price was found, every line names where its price came from, a price read from
a third-party page is flagged unconfirmed (JSON notes and text), and the facility and anesthesia
lines, which have no published 2026 per-code figure, are priced as ranges by a stated method."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.costs import (
    builtin_tables,
    episode_lines,
    estimate,
    load_plan,
    load_price_table,
    template_path,
)
from backcover.knowledge import KNOWLEDGE_DIR
from backcover.yamlio import load_yaml

runner = CliRunner()

# What the built-in table prices for 63030 in an ASC, line by line (None: no sourced amount).
EXPECTED_ASC_63030 = {
    "preop_mri": Decimal("191.72"),  # 72148, PFS non-facility
    "surgeon": Decimal("898.15"),  # 63030, PFS facility
    # ASC facility fee, estimate: CY2025 OPPS weight 80.1145 x ASC CF 56.322 = 4512.21 (+/-15%)
    "facility": Decimal("4512.21"),
    # anesthesia, estimate: (8 base units + 136 min / 15) x 20.4976 = 349.83 (90..224 minutes)
    "anesthesia": Decimal("349.83"),
    **{f"pt{i}": Decimal("29.06") for i in range(1, 7)},  # 97110, PFS non-facility
}


def _plan(name: str):  # type: ignore[no-untyped-def]
    return load_plan(template_path(name))


def _cli_json(*args: str) -> dict:  # type: ignore[type-arg]
    res = runner.invoke(app, ["estimate", *args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("template", ["original-medicare", "original-medicare-medigap-g", "ppo", "medicaid"])
def test_asc_microdiscectomy_has_known_amounts_for_the_sourced_lines(template: str) -> None:
    plan = _plan(template)
    lines = {line.id: line for line in episode_lines("63030", "asc", plan)}
    assert set(lines) == set(EXPECTED_ASC_63030)
    for lid, medicare in EXPECTED_ASC_63030.items():
        line = lines[lid]
        assert medicare is not None
        if plan.kind in ("commercial", "marketplace", "uninsured"):
            # the commercial price is the stated multiple of the same (unconfirmed) Medicare amount:
            # professional fees x 1.22 (HCCI), the ASC fee x 1.71 (RAND 5.1), anesthesia x 3.14 (AJMC)
            m = {"facility": "1.71", "anesthesia": "3.14"}.get(lid, "1.22")
            want = (medicare * Decimal(m)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert line.allowed == want, lid
            assert line.is_range, lid
        else:
            assert line.allowed == medicare, lid


def test_original_medicare_asc_microdiscectomy_hand_computed() -> None:
    plan = _plan("original-medicare")
    est = estimate(plan, episode_lines("63030", "asc", plan))
    got = {r.line.id: r.patient for r in est.lines}
    # MRI 191.72 all Part B deductible ($283); surgeon: the deductible left (91.28) + 20% of 806.87
    assert got["preop_mri"] == Decimal("191.72")
    assert got["surgeon"] == Decimal("252.65")
    assert all(got[f"pt{i}"] == Decimal("5.81") for i in range(1, 7))  # 20% of 29.06
    assert got["facility"] == Decimal("902.44")  # 20% of 4512.21, no cap in an ASC
    assert got["anesthesia"] == Decimal("69.97")  # 20% of 349.83
    tot = est.to_json()["totals"]
    assert tot["patient_total"] == "1451.64"  # 479.23 + 902.44 + 69.97
    assert tot["complete"] is True and tot["missing_prices"] == []
    # facility 3835.38..5189.04 and anesthesia 286.97..470.08: 20% of each end
    assert tot["range"] == {
        "low": "1303.70",
        "high": "1611.06",
        "plan": {"low": "4082.88", "high": "5312.29"},
    }


def test_every_line_names_its_source_and_third_party_lines_are_unconfirmed_in_json() -> None:
    out = _cli_json("--plan", "original-medicare", "--procedure", "63030", "--setting", "asc")
    for line in out["lines"]:
        assert line["price_source"], line["id"]
        unconfirmed = [n for n in line["notes"] if n.startswith("Unconfirmed price: ◐")]
        if line["id"] in ("facility", "anesthesia"):  # priced by a stated method, as a range
            assert "estimate" in line["price_source"] and "range" in line
            assert line["price_confidence"].startswith("◐")
        elif line["price_known"]:
            assert "https://" in line["price_source"], line["id"]
            assert "2026" in line["price_source"]
            assert len(unconfirmed) == 1, line["id"]
            assert "verify in the CMS PFS look-up tool" in unconfirmed[0]
            assert line["price_confidence"].startswith("◐")
        else:
            assert not unconfirmed and line["price_confidence"] is None
    by_id = {line["id"]: line for line in out["lines"]}
    assert "mirahealth.care/reference/cpt/63030" in by_id["surgeon"]["price_source"]
    assert by_id["surgeon"]["allowed"] == "898.15"
    # two pages agree on the MRI figure, and the note says so
    assert "two independent" in by_id["preop_mri"]["price_confidence"]
    assert "computed" in by_id["pt1"]["price_confidence"]


def test_text_output_flags_each_unconfirmed_price() -> None:
    res = runner.invoke(
        app, ["estimate", "--plan", "original-medicare", "--procedure", "63030", "--setting", "asc"]
    )
    assert res.exit_code == 0, res.output
    flat = " ".join(res.stdout.split())
    # MRI, surgeon, facility, anesthesia; the six therapy visits are one group with one note
    assert flat.count("Unconfirmed price: ◐") == 5
    assert flat.count("price not known") == 0
    assert "allowed $898.15" in flat
    assert "physical therapy after surgery × 6" in flat


def test_a_price_you_give_is_not_flagged_unconfirmed() -> None:
    out = _cli_json(
        "--plan", "original-medicare", "--procedure", "63030", "--setting", "asc", "--price", "surgeon=1000"
    )
    surgeon = next(line for line in out["lines"] if line["id"] == "surgeon")
    assert surgeon["allowed"] == "1000.00"
    assert surgeon["price_confidence"] is None
    assert not any(n.startswith("Unconfirmed price") for n in surgeon["notes"])


def test_commercial_multiple_keeps_the_unconfirmed_note() -> None:
    out = _cli_json("--plan", "ppo", "--procedure", "63030", "--setting", "asc")
    surgeon = next(line for line in out["lines"] if line["id"] == "surgeon")
    assert surgeon["allowed"] == "1095.74"  # 898.15 x 1.22 (HCCI professional fees)
    assert surgeon["range"]["low"] == "880.19" and surgeon["range"]["high"] == "1688.52"  # x 0.98 / x 1.88
    assert "x 1.22" in surgeon["price_source"] and "HCCI" in surgeon["price_source"]
    assert any(n.startswith("Unconfirmed price: ◐") for n in surgeon["notes"])


def test_every_builtin_amount_names_source_year_and_confidence() -> None:
    data = load_yaml(KNOWLEDGE_DIR / "prices" / "medicare-2026.yaml")
    assert data["amounts"], "the built-in table has amounts"
    for code, entry in data["amounts"].items():
        assert str(entry["source"]).startswith("https://"), code
        assert entry["year"] == 2026, code
        # none was read from a CMS page itself, so every one says it is unconfirmed
        assert str(entry["confidence"]).startswith("◐"), code
        for kind in ("pfs_facility", "pfs_nonfacility", "opps", "asc", "ipps", "anesthesia"):
            if kind in entry:
                assert isinstance(entry[kind], str), f"{code}.{kind} must be quoted text, not a float"
    table = builtin_tables()[0]
    assert table.lookup("63030", "asc").amount is None
    assert table.lookup("00630", "anesthesia").amount is None  # time units depend on the case
    # 99213: three pages agree on 2.85 RVUs; the outlier page's 2.73 is not used
    assert table.lookup("99213", "pfs_nonfacility").amount == Decimal("95.19")


def test_your_own_table_can_mark_a_price_unconfirmed(tmp_path: Path) -> None:
    p = tmp_path / "prices.yaml"
    p.write_text(
        'source: "a friend\'s EOB"\npayer: medicare\namounts:\n'
        '  "63030": {asc: "4000.00", source: "EOB 2026-03", confidence: "read off a photo"}\n'
    )
    plan = _plan("original-medicare")
    est = estimate(plan, episode_lines("63030", "asc", plan, tables=[load_price_table(p)]))
    fac = next(r for r in est.lines if r.line.id == "facility")
    assert fac.allowed == Decimal("4000.00")
    assert "Unconfirmed price: read off a photo." in fac.notes


def test_builtin_amount_without_source_is_refused() -> None:
    from backcover.costs._prices import _table
    from backcover.errors import BadInput
    from backcover.yamlio import load_yaml_text

    data = load_yaml_text('payer: medicare\namounts:\n  "63030": {asc: "1.00"}\n', "t.yaml")
    with pytest.raises(BadInput, match="source"):
        _table(data, "t.yaml", builtin=True)


def test_office_epidural_is_fully_priced_and_complete() -> None:
    plan = _plan("original-medicare")
    est = estimate(plan, episode_lines("62323", "office", plan))
    got = {r.line.id: (r.allowed, r.patient) for r in est.lines}
    # 62323 office: 8.18 RVUs x 33.4009 = 273.22, all Part B deductible;
    # 99213 (95.19): the 9.78 deductible left + 20% of 85.41
    assert got == {
        "injection": (Decimal("273.22"), Decimal("273.22")),
        "follow_up": (Decimal("95.19"), Decimal("26.86")),
    }
    tot = est.to_json()["totals"]
    assert tot["complete"] is True and tot["missing_prices"] == []
    assert tot["patient_total"] == "300.08"
