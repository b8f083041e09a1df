"""`backcover prices import` on CMS hospital standard-charge files (45 CFR 180): the rates each
file states, filters, and bad input (CONTRACTS.md section 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcover.cli import app
from backcover.costs import load_price_table
from tests._pricefiles_support import ATTESTATION, fails, one, pick, prices, runner, write
from tests.conftest import DATA

TALL = DATA / "hpt-v3-tall-example.csv"
JSON = DATA / "hpt-v3-json-example.json"

REGION, PLATFORM = "Region Health Insurance", "Platform Health Insurance"


@pytest.mark.parametrize(("path", "fmt"), [(TALL, "hospital-v3-csv-tall"), (JSON, "hospital-v3-json")])
def test_cms_v3_examples_give_the_rates_the_file_states(path: Path, fmt: str) -> None:
    doc = prices(path)
    assert doc["source"] == {
        "file": str(path),
        "format": fmt,
        "entity": "West Mercy Hospital",
        "last_updated": "2026-04-01",
        "version": "3.0.0",
    }
    mri = one(doc, code="70551", basis="negotiated_dollar", payer=REGION)
    assert (mri["code_type"], mri["setting"], mri["amount"], mri["plan"]) == (
        "CPT",
        "outpatient",
        "250.00",
        "HMO",
    )
    assert mri["other_codes"] == [{"code": "611", "code_type": "RC"}]
    assert one(doc, code="70551", basis="negotiated_dollar", payer=PLATFORM)["amount"] == "400.00"
    # Payer-independent charges appear once per item, not once per payer row.
    assert [r["amount"] for r in pick(doc, code="70551", basis="gross")] == ["1200.00"]
    assert one(doc, code="70551", basis="discounted_cash")["amount"] == "1080.00"
    assert (one(doc, code="70551", basis="min")["amount"], one(doc, code="70551", basis="max")["amount"]) == (
        "250.00",
        "400.00",
    )
    # A percentage of total billed charges: the file gives the base (the gross charge, 4000).
    er = one(doc, code="99283", basis="negotiated_percentage", payer=PLATFORM)
    assert (er["percentage"], er["amount"], er["methodology"]) == (
        "80",
        "3200.00",
        "percent of total billed charges",
    )
    assert "gross charge 4000" in " ".join(er["notes"])
    assert one(doc, code="99283", basis="median_allowed", payer=REGION)["amount"] == "6502.54"
    # An algorithm: no dollar figure, the text kept; v3's allowed-amount statistics beside it.
    pace = one(doc, code="C1785", basis="negotiated_algorithm", payer=PLATFORM)
    assert pace["amount"] is None
    assert (
        pace["algorithm"]
        == "Allowed amount for service is 110% of the actual cost, based on supplier invoice."
    )
    assert one(doc, code="C1785", basis="median_allowed", payer=PLATFORM)["amount"] == "23123.46"
    assert one(doc, code="C1785", basis="percentile_10", payer=PLATFORM)["amount"] == "16998.38"
    p90 = one(doc, code="C1785", basis="percentile_90", payer=PLATFORM)
    assert (p90["amount"], p90["count"]) == ("50000.77", "18")
    csec = one(doc, code="786", basis="negotiated_algorithm", payer=PLATFORM)
    assert csec["code_type"] == "MS-DRG" and csec["setting"] == "inpatient"
    assert csec["algorithm"].startswith("Allowed amount = $8,000 + MAX")
    assert one(doc, code="470", basis="negotiated_dollar", payer=PLATFORM)["amount"] == "49000.00"
    # Per diem methodology; NDC drugs with their unit; codes with leading zeros kept as text.
    assert one(doc, code="H0017", basis="per_diem", payer=PLATFORM)["amount"] == "1500.00"
    aspirin = one(doc, code="10135-0729-62", basis="negotiated_dollar", payer=PLATFORM)
    assert (aspirin["code_type"], aspirin["amount"], aspirin["drug_unit"]) == ("NDC", "0.75", "1 UN")
    assert one(doc, code="001", basis="median_allowed", payer=PLATFORM)["amount"] == "230554.65"
    assert doc["warnings"] == []


def test_tall_csv_states_modifier_percentages_without_a_dollar_amount() -> None:
    doc = prices(TALL)
    bilateral = one(doc, code=None, modifiers=["50"], payer=PLATFORM)
    assert (bilateral["basis"], bilateral["percentage"], bilateral["amount"]) == (
        "negotiated_percentage",
        "150",
        None,
    )
    assert one(doc, modifiers=["50", "62"], payer=REGION)["percentage"] == "87"


def test_json_modifier_information_keeps_the_payers_words() -> None:
    doc = prices(JSON)
    bilateral = one(doc, modifiers=["50"], payer=REGION)
    assert bilateral["basis"] == "negotiated_algorithm" and bilateral["amount"] is None
    assert bilateral["algorithm"].startswith("145% payment adjustment")


def test_payer_and_plan_filters_keep_that_payers_rows_and_the_payer_independent_ones() -> None:
    doc = prices(TALL, "--payer-name", "region health INSURANCE", "--plan-name", "hmo", "--code", "70551")
    assert {(r["basis"], r["amount"]) for r in doc["rates"]} == {
        ("gross", "1200.00"),
        ("discounted_cash", "1080.00"),
        ("min", "250.00"),
        ("max", "400.00"),
        ("negotiated_dollar", "250.00"),
    }
    ppo = prices(JSON, "--plan-name", "PPO", "--code", "99283")
    assert {r["payer"] for r in ppo["rates"] if r["payer"]} == {PLATFORM}


def test_code_filter_matches_any_of_an_items_codes() -> None:
    doc = prices(TALL, "--code", "611")  # the revenue code beside CPT 70551
    assert {r["code"] for r in doc["rates"]} == {"70551"}


WIDE_V3 = f"""hospital_name,last_updated_on,version,location_name,hospital_address,\
license_number|CA,type_2_npi,\
{ATTESTATION},attester_name
East Valley Hospital,2026-03-15,3.0.0,East Valley Hospital,"1 Valley Road, Fresno, CA 93701",777,\
1234567890,true,A. Signer
description,code|1,code|1|type,code|2,code|2|type,modifiers,setting,drug_unit_of_measurement,\
drug_type_of_measurement,standard_charge|gross,standard_charge|discounted_cash,\
standard_charge|Region Health Insurance|HMO|negotiated_dollar,\
standard_charge|Region Health Insurance|HMO|negotiated_percentage,\
standard_charge|Region Health Insurance|HMO|negotiated_algorithm,\
median_amount|Region Health Insurance|HMO,\
10th_percentile|Region Health Insurance|HMO,90th_percentile|Region Health Insurance|HMO,\
count|Region Health Insurance|HMO,standard_charge|Region Health Insurance|HMO|methodology,\
additional_payer_notes|Region Health Insurance|HMO,\
standard_charge|Platform Health Insurance|PPO|negotiated_dollar,\
standard_charge|Platform Health Insurance|PPO|negotiated_percentage,\
standard_charge|Platform Health Insurance|PPO|negotiated_algorithm,\
median_amount|Platform Health Insurance|PPO,\
10th_percentile|Platform Health Insurance|PPO,90th_percentile|Platform Health Insurance|PPO,\
count|Platform Health Insurance|PPO,standard_charge|Platform Health Insurance|PPO|methodology,\
additional_payer_notes|Platform Health Insurance|PPO,standard_charge|min,standard_charge|max,\
additional_generic_notes
MRI lumbar spine without contrast,72148,CPT,610,RC,,outpatient,,,2400,1900,310.50,,,,,,,\
fee schedule,,520,,,,,,,\
fee schedule,,310.50,520,
Lumbar laminotomy,63030,CPT,360,RC,,outpatient,,,,,,,"120% of the Medicare OPPS rate",9100,7000,\
12000,40,other,,\
,70,,,,,,percent of total billed charges,,,,
Spinal cord stimulator,63685,CPT,,,,outpatient,,,30000,,,,,,,,,,,,,,,,,,,,,,
"""


def test_wide_csv_gives_each_payer_column_group_as_rows(tmp_path: Path) -> None:
    doc = prices(write(tmp_path, "wide.csv", WIDE_V3))
    assert doc["source"]["format"] == "hospital-v3-csv-wide"
    assert (doc["source"]["entity"], doc["source"]["last_updated"]) == ("East Valley Hospital", "2026-03-15")
    mri = one(doc, code="72148", basis="negotiated_dollar", payer=REGION)
    assert (mri["plan"], mri["amount"], mri["setting"], mri["methodology"]) == (
        "HMO",
        "310.50",
        "outpatient",
        "fee schedule",
    )
    assert one(doc, code="72148", basis="negotiated_dollar", payer=PLATFORM)["amount"] == "520.00"
    assert one(doc, code="72148", basis="discounted_cash")["amount"] == "1900.00"
    lam = one(doc, code="63030", basis="negotiated_algorithm", payer=REGION)
    assert (lam["amount"], lam["algorithm"]) == (None, "120% of the Medicare OPPS rate")
    assert one(doc, code="63030", basis="median_allowed", payer=REGION)["amount"] == "9100.00"
    # 70% of total billed charges, but the item has no gross charge: no dollar amount.
    pct = one(doc, code="63030", basis="negotiated_percentage", payer=PLATFORM)
    assert (pct["percentage"], pct["amount"]) == ("70", None)
    assert pick(doc, code="63685", basis="gross")[0]["amount"] == "30000.00"


V2_TALL = """hospital_name,last_updated_on,version,hospital_location,hospital_address,license_number|NY,\
"To the best of its knowledge and belief,\
 the hospital has included all applicable standard charge information."
North Shore Hospital,1/15/2025,2.0.0,North Shore Hospital,"5 Shore Rd, Albany, NY 12207",1001,true
description,code|1,code|1|type,setting,drug_unit_of_measurement,drug_type_of_measurement,\
standard_charge|gross,\
standard_charge|discounted_cash,payer_name,plan_name,modifiers,standard_charge|negotiated_dollar,\
standard_charge|negotiated_percentage,standard_charge|negotiated_algorithm,estimated_amount,\
standard_charge|min,\
standard_charge|max,standard_charge|methodology,additional_generic_notes
Epidural steroid injection,62323,CPT,outpatient,,,1800,1400,Empire Plan,Gold,,950,,,,700,950,\
fee schedule,
Epidural steroid injection,62323,CPT,outpatient,,,1800,1400,Harbor Health,Silver,,,60,,1080,700,950,\
percent of total billed charges,
Epidural steroid injection,62323,CPT,outpatient,,,1800,1400,Harbor Health,Bronze,,12OO,,,,700,950,\
fee schedule,
"""


def test_v2_tall_csv_and_a_row_with_a_bad_amount_is_skipped_with_its_line(tmp_path: Path) -> None:
    doc = prices(write(tmp_path, "v2.csv", V2_TALL))
    assert doc["source"]["format"] == "hospital-v2-csv-tall"
    assert doc["source"]["last_updated"] == "2025-01-15"
    assert one(doc, code="62323", basis="negotiated_dollar", payer="Empire Plan")["amount"] == "950.00"
    pct = one(doc, code="62323", basis="negotiated_percentage", payer="Harbor Health")
    assert (pct["percentage"], pct["amount"]) == ("60", "1080.00")
    assert any("estimated amount" in n and "1080" in n for n in pct["notes"])
    assert not pick(doc, plan="Bronze")
    assert doc["warnings"] == [
        "line 6, column standard_charge|negotiated_dollar: '12OO' is not an amount; row skipped"
    ]


V2_WIDE = """hospital_name,last_updated_on,version,hospital_location,hospital_address,license_number|TX
Plains Hospital,2024-07-01,2.0.0,Plains Hospital,"9 Main, Austin, TX 78701",5
description,code|1,code|1|type,setting,drug_unit_of_measurement,drug_type_of_measurement,\
standard_charge|gross,\
standard_charge|discounted_cash,modifiers,standard_charge|Lone Star Health|PPO|negotiated_dollar,\
standard_charge|Lone Star Health|PPO|negotiated_percentage,\
standard_charge|Lone Star Health|PPO|negotiated_algorithm,\
estimated_amount|Lone Star Health|PPO,standard_charge|min,standard_charge|max,\
standard_charge|Lone Star Health|PPO|methodology,additional_generic_notes,\
additional_payer_notes|Lone Star Health|PPO
Facet joint injection,64493,CPT,outpatient,,,1500,1200,,640,,,,640,640,fee schedule,,
"""


def test_v2_wide_csv(tmp_path: Path) -> None:
    doc = prices(write(tmp_path, "v2w.csv", V2_WIDE))
    assert doc["source"]["format"] == "hospital-v2-csv-wide"
    facet = one(doc, code="64493", basis="negotiated_dollar")
    assert (facet["payer"], facet["plan"], facet["amount"]) == ("Lone Star Health", "PPO", "640.00")


def test_output_writes_a_price_table_that_estimate_reads(tmp_path: Path) -> None:
    out = tmp_path / "prices.yaml"
    doc = prices(TALL, "--payer-name", "Platform Health Insurance", "--output", out)
    assert doc["output"] == str(out)
    assert out.stat().st_mode & 0o777 == 0o600
    table = load_price_table(out)
    assert table.payer == "commercial" and table.year == 2026
    # negotiated dollar first; else the median allowed; else a percentage with its base
    mri = table.lookup("70551", "opps")
    assert mri.amount is not None and str(mri.amount) == "400.00"
    assert "negotiated_dollar (Platform Health Insurance PPO)" in mri.source
    pace = table.lookup("C1785", "opps")
    assert str(pace.amount) == "23123.46" and "median_allowed" in pace.source
    assert str(table.lookup("470", "ipps").amount) == "49000.00"
    # two negotiated amounts for one code: the highest, flagged as unconfirmed
    obs = table.lookup("762", "opps")  # a revenue code item (no CPT)
    assert str(obs.amount) == "10000.00" and obs.confidence and "highest" in obs.confidence


def test_output_without_a_payer_is_refused_when_payers_would_mix(tmp_path: Path) -> None:
    out = tmp_path / "prices.yaml"
    msg = fails(TALL, "--output", out)
    assert "--payer-name" in msg and "Platform Health Insurance" in msg
    assert not out.exists()


def test_output_of_cash_prices_only_takes_the_discounted_cash_price(tmp_path: Path) -> None:
    out = tmp_path / "cash.yaml"
    prices(write(tmp_path, "wide.csv", WIDE_V3), "--payer-name", "nobody", "--output", out)
    mri = load_price_table(out).lookup("72148", "opps")
    assert str(mri.amount) == "1900.00" and "discounted_cash" in mri.source


def test_unknown_version_and_unknown_columns_exit_2_naming_what_was_expected(tmp_path: Path) -> None:
    bad_version = write(tmp_path, "v9.csv", "hospital_name,last_updated_on,version\nX,2026-01-01,9.0\n")
    msg = fails(bad_version)
    assert "unknown hospital price file version '9.0'" in msg and "v2.0 and v3.0" in msg
    no_cols = write(
        tmp_path, "cols.csv", "hospital_name,last_updated_on,version\nX,2026-01-01,3.0.0\nfoo,bar\n"
    )
    assert "description" in fails(no_cols)
    other = write(tmp_path, "other.csv", "name,price\nMRI,100\n")
    msg = fails(other)
    assert "not a price file" in msg and "HCPCS Code" in msg and "hospital_name" in msg
    assert "standard_charge_information" in fails(write(tmp_path, "x.json", '{"foo": [1, 2]}'))


def test_a_file_whose_every_row_is_bad_exits_2(tmp_path: Path) -> None:
    head = "\n".join(V2_TALL.splitlines()[:3])
    bad = write(tmp_path, "bad.csv", head + "\nESI,62323,CPT,outpatient,,,abc,,P,Q,,1,,,,,,,\n")
    msg = fails(bad)
    assert "no usable rates" in msg and "line 4" in msg


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    assert "cannot read the file" in fails(tmp_path / "nope.csv")


def test_json_item_with_a_bad_amount_is_skipped_with_its_json_path(tmp_path: Path) -> None:
    body = {
        "hospital_name": "East Valley Hospital",
        "last_updated_on": "2026-03-15",
        "version": "3.0.0",
        "standard_charge_information": [
            {
                "description": "MRI lumbar",
                "code_information": [{"code": "72148", "type": "CPT"}],
                "standard_charges": [{"setting": "outpatient", "gross_charge": "2,400"}],
            },
            {
                "description": "Laminotomy",
                "code_information": [{"code": "63030", "type": "CPT"}],
                "standard_charges": [{"setting": "outpatient", "gross_charge": "n/a"}],
            },
        ],
    }
    doc = prices(write(tmp_path, "h.json", json.dumps(body)))
    assert [(r["code"], r["amount"]) for r in doc["rates"]] == [("72148", "2400.00")]
    assert doc["warnings"] == [
        "$.standard_charge_information[1].standard_charges[0].gross_charge: 'n/a' is not an amount; "
        "item skipped"
    ]


def test_text_output_lists_the_rates() -> None:

    result = runner.invoke(app, ["prices", "import", str(TALL), "--code", "99283"])
    assert result.exit_code == 0, result.output
    assert "West Mercy Hospital" in result.stdout and "negotiated_percentage" in result.stdout
    assert "3200.00" in result.stdout
    bad = runner.invoke(app, ["prices", "import", str(TALL), "--format", "xml"])
    assert bad.exit_code == 2 and "unknown format" in bad.output


def test_estimate_prices_the_facility_line_from_the_imported_table(tmp_path: Path) -> None:
    table = tmp_path / "region.yaml"
    prices(write(tmp_path, "wide.csv", WIDE_V3), "--payer-name", REGION, "--output", table)
    args = ["estimate", "--plan", "ppo", "--procedure", "72148", "--setting", "hospital-outpatient"]
    result = runner.invoke(app, [*args, "--prices", str(table), "--format", "json"])
    assert result.exit_code == 0, result.output
    lines = {line["id"]: line for line in json.loads(result.stdout)["lines"]}
    facility = lines["mri_facility"]
    assert facility["allowed"] == "310.50"
    assert "negotiated_dollar (Region Health Insurance HMO)" in facility["price_source"]
