"""`backcover prices import` on CMS payment files saved as CSV (OPPS Addendum B, ASC Addendum AA,
IPPS Table 5, anesthesia base units), found by their header row below CMS's title rows."""

from __future__ import annotations

from pathlib import Path

from backcover.costs import load_price_table
from tests._pricefiles_support import fails, one, prices, write

ADDENDUM_B = """Addendum B.-Final OPPS Payment by HCPCS Code for CY 2026,,,,,,,,
"CPT codes and descriptions only are copyright American Medical Association.",,,,,,,,
HCPCS Code,Short Descriptor,SI,APC,Relative Weight,Payment Rate,National Unadjusted Copayment,\
Minimum Unadjusted Copayment,* Indicates a Change
62323,Njx interlaminar lmbr/sac,T,5443,10.1234,"$925.40",,$185.08,
64483,Njx aa&/strd tfrm epi l/s 1,T,5443,10.1234,$925.40,,$185.08,
72148,Mri lumbar spine w/o dye,Q3,5523,2.5,$240.11,.,$48.03,
99999,Packaged thing,N,,,,,,
63030,Low back disk surgery,J1,5114,80.5,$7x00,,,
"""


def test_opps_addendum_b(tmp_path: Path) -> None:
    doc = prices(write(tmp_path, "addb.csv", ADDENDUM_B))
    assert doc["source"]["format"] == "cms-opps-addendum-b"
    esi = one(doc, code="62323")
    assert (esi["basis"], esi["amount"], esi["setting"], esi["payer"]) == (
        "medicare_payment",
        "925.40",
        "outpatient",
        "Medicare",
    )
    assert esi["relative_weight"] == "10.1234" and "si T" in esi["notes"]
    assert one(doc, code="72148")["amount"] == "240.11"
    assert not [r for r in doc["rates"] if r["code"] in ("99999", "63030")]
    assert doc["warnings"] == ["line 8, column payment rate: '$7x00' is not an amount; row skipped"]
    out = tmp_path / "medicare.yaml"
    prices(write(tmp_path, "addb.csv", ADDENDUM_B), "--code", "62323", "--output", out)
    table = load_price_table(out)
    assert table.payer == "medicare" and str(table.lookup("62323", "opps").amount) == "925.40"


ADDENDUM_AA = """Addendum AA.--Final ASC Covered Surgical Procedures for CY 2026,,,,,
HCPCS Code,Short Descriptor,Subject to Multiple Procedure Discounting,CY 2026 Payment Indicator,\
CY 2026 Payment Weight,CY 2026 Payment Rate
63030,Low back disk surgery,N,G2,52.1,"$2,934.65"
64483,Njx aa&/strd tfrm epi l/s 1,Y,P3,,$410.22
"""


def test_asc_addendum_aa(tmp_path: Path) -> None:
    doc = prices(write(tmp_path, "aa.csv", ADDENDUM_AA))
    assert doc["source"]["format"] == "cms-asc-addendum-aa"
    lam = one(doc, code="63030")
    assert (lam["amount"], lam["setting"], lam["relative_weight"]) == ("2934.65", "asc", "52.1")
    out = tmp_path / "asc.yaml"
    prices(write(tmp_path, "aa.csv", ADDENDUM_AA), "--output", out)
    assert str(load_price_table(out).lookup("64483", "asc").amount) == "410.22"


TABLE_5 = """TABLE 5.--LIST OF MEDICARE SEVERITY DIAGNOSIS-RELATED GROUPS (MS-DRGS),,,,,,,,
MS-DRG,FY 2026 Final Rule Post-Acute DRG,FY 2026 Final Rule Special Pay DRG,MDC,TYPE,MS-DRG Title,Weights,\
Geometric mean LOS,Arithmetic mean LOS
460,Yes,No,08,SURG,Spinal fusion except cervical w/o MCC,3.9051,2.7,3.4
"""


def test_ipps_table_5_gives_weights_not_dollars(tmp_path: Path) -> None:
    doc = prices(write(tmp_path, "t5.csv", TABLE_5))
    drg = one(doc, code="460")
    assert (drg["code_type"], drg["amount"], drg["relative_weight"], drg["setting"]) == (
        "MS-DRG",
        None,
        "3.9051",
        "inpatient",
    )
    assert drg["description"] == "Spinal fusion except cervical w/o MCC"
    # no dollar figure: nothing to put in a price table
    assert "no dollar amount" in fails(write(tmp_path, "t5.csv", TABLE_5), "--output", tmp_path / "x.yaml")


def test_anesthesia_base_units(tmp_path: Path) -> None:
    doc = prices(
        write(tmp_path, "anes.csv", "CPT Code,Descriptor,Base Unit\n00630,Anesth spine cord surgery,8\n")
    )
    anes = one(doc, code="00630")
    assert (anes["format"] if "format" in anes else doc["source"]["format"]) == "cms-anesthesia-base-units"
    assert (anes["base_units"], anes["amount"]) == ("8", None)


def test_an_excel_workbook_is_refused_with_how_to_save_it_as_csv(tmp_path: Path) -> None:
    p = tmp_path / "addb.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    assert "save the sheet as CSV" in fails(p)
