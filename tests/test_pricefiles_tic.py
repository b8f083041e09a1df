"""`backcover prices import` on Transparency in Coverage files: in-network rates (with provider
references), allowed amounts and tables of contents, streamed (CONTRACTS.md section 6)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

from backcover.costs import load_price_table
from backcover.pricefiles import Filters, open_reader
from tests._pricefiles_support import fails, one, pick, prices, write
from tests.conftest import DATA

IN_NETWORK = DATA / "tic-in-network-rates-fee-for-service-single-plan-sample.json"
TOC = DATA / "tic-table-of-contents-sample.json"


def test_in_network_sample_gives_each_negotiated_price_with_its_providers() -> None:
    doc = prices(IN_NETWORK)
    assert doc["source"] == {
        "file": str(IN_NETWORK),
        "format": "tic-in-network-rates",
        "entity": "medicare",
        "last_updated": "2020-08-27",
        "plan": "Plan A PPO",
        "version": "2.0.0",
    }
    assert [r["amount"] for r in doc["rates"]] == ["123.45", "1230.45", "120.45", "12003.45", "12.45"]
    knee = one(doc, code="27447", amount="123.45")
    assert knee["basis"] == "negotiated_dollar" and knee["negotiated_type"] == "negotiated"
    assert (knee["code_type"], knee["setting"], knee["billing_class"]) == ("CPT", "inpatient", "professional")
    assert knee["modifiers"] == ["AS"] and knee["service_codes"] == ["18", "19", "11"]
    assert knee["plan"] == "Plan A PPO" and knee["expiration_date"] == "2022-01-01"
    # provider_references: group 1 holds two TINs and five NPIs
    assert knee["tin"] == ["11-1111111", "22-2222222"]
    assert knee["npi"] == ["1111111111", "2222222222", "3333333333", "4444444444", "5555555555"]
    assert one(doc, code="27447", amount="1230.45")["billing_class"] == "institutional"


def test_code_npi_and_tin_filters() -> None:
    doc = prices(IN_NETWORK, "--code", "27448")
    assert [r["amount"] for r in doc["rates"]] == ["12003.45", "12.45"]
    assert prices(IN_NETWORK, "--tin", "111111111", "--code", "27448")["rates"][0]["amount"] == "12003.45"
    only = prices(IN_NETWORK, "--npi", "3333333333", "--code", "27447")
    assert {tuple(r["npi"]) for r in only["rates"]} == {("3333333333",)}
    assert "no usable rates" in fails(IN_NETWORK, "--npi", "9999999999")
    assert "no usable rates" in fails(IN_NETWORK, "--tin", "99-9999999")


def test_table_of_contents_lists_the_files_it_names() -> None:
    doc = prices(TOC)
    assert doc["source"]["format"] == "tic-table-of-contents" and doc["rates"] == []
    assert doc["files"][0] == {
        "kind": "in-network rates",
        "location": "https://www.some_site.com/files/in-network-file-123456.json",
        "description": "in-network file",
        "plans": "medicaid, medicare",
    }
    assert [f["kind"] for f in doc["files"]].count("allowed amounts") == 2
    assert any("table of contents" in w for w in doc["warnings"])


def _in_network(prices_: list[dict[str, Any]], *, refs_last: bool = False) -> dict[str, Any]:
    refs = [
        {
            "provider_group_id": 7,
            "network_name": ["Spine Net"],
            "provider_groups": [{"npi": [1234567893], "tin": {"type": "ein", "value": "12-3456789"}}],
        }
    ]
    doc: dict[str, Any] = {
        "reporting_entity_name": "Acme Health",
        "reporting_entity_type": "health insurance issuer",
        "last_updated_on": "2026-05-01",
        "version": "1.3.1",
    }
    items = [
        {
            "negotiation_arrangement": "ffs",
            "name": "Lumbar laminotomy",
            "billing_code_type": "CPT",
            "billing_code_type_version": "2026",
            "billing_code": "63030",
            "description": "Laminotomy, one interspace, lumbar",
            "negotiated_rates": [{"provider_references": [7], "negotiated_prices": prices_}],
        }
    ]
    if refs_last:
        doc["in_network"] = items
        doc["provider_references"] = refs
    else:
        doc["provider_references"] = refs
        doc["in_network"] = items
    return doc


PRICE = {"setting": "outpatient", "billing_class": "institutional", "expiration_date": "9999-12-31"}


def test_percentage_and_per_diem_types_and_references_after_the_rates(tmp_path: Path) -> None:
    body = _in_network(
        [
            {**PRICE, "negotiated_type": "percentage", "negotiated_rate": 65.5},
            {**PRICE, "negotiated_type": "per diem", "negotiated_rate": 2100, "setting": "inpatient"},
            {**PRICE, "negotiated_type": "fee schedule", "negotiated_rate": 4310.1},
        ],
        refs_last=True,
    )
    doc = prices(write(tmp_path, "in.json", json.dumps(body)))
    pct = one(doc, negotiated_type="percentage")
    assert (pct["basis"], pct["percentage"], pct["amount"]) == ("negotiated_percentage", "65.5", None)
    assert one(doc, negotiated_type="per diem")["basis"] == "per_diem"
    fee = one(doc, negotiated_type="fee schedule")
    assert (fee["basis"], fee["amount"], fee["tin"], fee["npi"]) == (
        "negotiated_dollar",
        "4310.10",
        ["12-3456789"],
        ["1234567893"],
    )


def test_a_bad_negotiated_rate_is_skipped_with_its_json_path(tmp_path: Path) -> None:
    body = _in_network(
        [
            {**PRICE, "negotiated_type": "negotiated", "negotiated_rate": "ten"},
            {**PRICE, "negotiated_type": "negotiated", "negotiated_rate": 800},
        ]
    )
    doc = prices(write(tmp_path, "in.json", json.dumps(body)))
    assert [r["amount"] for r in doc["rates"]] == ["800.00"]
    assert doc["warnings"] == [
        "$.in_network[0].negotiated_rates[0].negotiated_prices[0].negotiated_rate: 'ten' is not an amount; "
        "price skipped"
    ]


def test_gzipped_files_are_read(tmp_path: Path) -> None:
    p = tmp_path / "in.json.gz"
    p.write_bytes(gzip.compress(IN_NETWORK.read_bytes()))
    assert len(prices(p, "--code", "27447")["rates"]) == 3


def test_allowed_amounts_file(tmp_path: Path) -> None:
    body = {
        "reporting_entity_name": "Acme Health",
        "reporting_entity_type": "health insurance issuer",
        "plan_name": "Acme Silver",
        "last_updated_on": "2026-05-01",
        "version": "1.0.0",
        "out_of_network": [
            {
                "name": "MRI lumbar",
                "billing_code_type": "CPT",
                "billing_code_type_version": "2026",
                "billing_code": "72148",
                "description": "MRI lumbar spine without contrast",
                "allowed_amounts": [
                    {
                        "tin": {"type": "ein", "value": "98-7654321"},
                        "service_code": ["22"],
                        "billing_class": "institutional",
                        "payments": [
                            {
                                "allowed_amount": 612.34,
                                "providers": [{"billed_charge": 1500, "npi": [1987654321]}],
                            }
                        ],
                    }
                ],
            }
        ],
    }
    doc = prices(write(tmp_path, "oon.json", json.dumps(body)))
    assert doc["source"]["format"] == "tic-allowed-amounts"
    mri = one(doc, code="72148")
    assert (mri["basis"], mri["amount"], mri["npi"], mri["tin"]) == (
        "allowed_amount",
        "612.34",
        ["1987654321"],
        ["98-7654321"],
    )
    assert pick(prices(write(tmp_path, "oon.json", json.dumps(body)), "--npi", "1987654321"), code="72148")


def test_output_prices_institutional_and_professional_rates_by_kind(tmp_path: Path) -> None:
    out = tmp_path / "t.yaml"
    prices(IN_NETWORK, "--output", out)
    table = load_price_table(out)
    # institutional inpatient -> ipps; a professional rate by its places of service (05-07: facility);
    # the rate with modifier AS (assistant at surgery) is not the code's own price
    assert str(table.lookup("27447", "ipps").amount) == "1230.45"
    assert str(table.lookup("27447", "pfs_facility").amount) == "120.45"
    assert table.lookup("27447", "pfs_nonfacility").amount is None
    # CSTM-00 (all places of service): both physician kinds
    assert str(table.lookup("27448", "pfs_nonfacility").amount) == "12003.45"
    assert str(table.lookup("27448", "pfs_facility").amount) == "12003.45"
    assert "negotiated_dollar (medicare Plan A PPO)" in table.lookup("27448", "ipps").source


def test_the_reader_skips_unwanted_items_without_building_them() -> None:
    items = ",".join(
        json.dumps(
            {
                "billing_code": f"C{i}",
                "billing_code_type": "CPT",
                "negotiated_rates": [
                    {
                        "provider_references": [1],
                        "negotiated_prices": [
                            {**PRICE, "negotiated_type": "negotiated", "negotiated_rate": i + 1}
                        ],
                    }
                ],
            }
        )
        for i in range(500)
    )
    raw = (
        '{"reporting_entity_name": "X", "provider_references": [{"provider_group_id": 1, "provider_groups": '
        '[{"npi": [1111111111], "tin": {"type": "ein", "value": "11-1111111"}}]}], '
        f'"in_network": [{items}], "last_updated_on": "2026-01-01", "version": "1"}}'
    )
    reading = open_reader(io.BytesIO(raw.encode()), "mem.json", Filters.of(codes=["C250"]))
    rates = list(reading.rates())
    assert [(r.code, str(r.amount)) for r in rates] == [("C250", "251")]
    assert reading.items_read == 1  # type: ignore[attr-defined]
    assert reading.source().last_updated == "2026-01-01"


def test_a_cut_short_or_binary_file_exits_2(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_bytes(IN_NETWORK.read_bytes()[:2000])
    assert "may be cut short" in fails(cut)
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    assert "a binary file" in fails(binary)
