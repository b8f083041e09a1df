"""Named insurers (CONTRACTS §5): `check --insurer`, `policies insurers`, the web's "Which insurer?"."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcover.cli import app
from backcover.engine import check, insurer_table, load_pack_file
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.record.load import load_record
from backcover.record.model import Record
from tests._web_support import choose_synthea_patient, web_client
from tests.conftest import SYNTHEA_FILES, SYNTHEA_LBP

runner = CliRunner()
AS_OF = date(2026, 11, 27)
SAMPLE = Path(__file__).resolve().parents[1] / "src/backcover/knowledge/sample/alex-ehr.json"
SLUGS = ("aetna", "cigna", "unitedhealthcare", "anthem", "humana")
# The back-care codes of the issue: MRI, ESI, facet block, RFA, SCS, decompression, fusion, disc
# replacement, PT, chiropractic, acupuncture.
CODES = ("72148", "62323", "64493", "64635", "63650", "63030", "22612", "22857", "97110", "98940", "97810")


@pytest.fixture(scope="module")
def synthea() -> Record:
    return load_record(SYNTHEA_FILES, SYNTHEA_LBP)


@pytest.fixture(scope="module")
def alex() -> Record:
    return load_record([SAMPLE])


def _cli(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["check", "--record", str(SAMPLE), "--as-of", AS_OF.isoformat(), *args])
    return r.exit_code, r.output


def test_an_unknown_insurer_exits_2_listing_the_names() -> None:
    code, out = _cli("--procedure", "62323", "--payer", "commercial", "--insurer", "acme")
    assert code == 2
    assert "acme" in out
    for slug in SLUGS:
        assert slug in out


def test_humana_sells_no_commercial_plans() -> None:
    code, out = _cli("--procedure", "62323", "--payer", "commercial", "--insurer", "humana")
    assert code == 2
    assert "Humana offers no commercial plans" in out
    assert "healthleadersmedia.com" in out  # the source of the fact


def test_cigna_sells_no_medicare_advantage_plans(alex: Record) -> None:
    with pytest.raises(BadInput, match="Cigna offers no medicare-advantage plans"):
        check(alex, "62323", "medicare-advantage", as_of=AS_OF, insurer="cigna")


def test_original_medicare_takes_no_insurer(alex: Record) -> None:
    with pytest.raises(BadInput, match="Original Medicare"):
        check(alex, "62323", "medicare", as_of=AS_OF, insurer="aetna")


def test_json_names_the_insurer_and_each_policy_publisher() -> None:
    code, out = _cli(
        "--procedure", "62323", "--payer", "commercial", "--insurer", "cigna", "--format", "json"
    )
    assert code == 0, out
    doc = json.loads(out)
    assert doc["insurer"] == "cigna"
    assert doc["policies"] and all(p["publisher"] for p in doc["policies"])
    assert doc["policies"][0]["publisher"] == "eviCore"  # eviCore reviews pain procedures for Cigna
    code, out = _cli("--procedure", "62323", "--payer", "commercial", "--format", "json")
    assert json.loads(out)["insurer"] is None


@pytest.mark.parametrize("slug", SLUGS)
def test_with_an_insurer_no_other_insurers_policy_is_used(alex: Record, slug: str) -> None:
    table = insurer_table()
    ins = table.by_slug[slug]
    for payer in ("commercial", "medicare-advantage", "medicaid"):
        if not ins.offered(payer):
            continue
        for code in CODES:
            d = check(alex, code, payer, state="PA", as_of=AS_OF, insurer=slug)
            assert d.insurer == slug
            for p in d.policies:
                assert p.insurer in (None, slug), (payer, code, p.id)
                if p.insurer is None and p.kind == "guideline":
                    # a generic guideline only where the insurer or its vendor wrote it
                    assert p.publisher in ins.publishers(None, payer), (payer, code, p.id, p.publisher)
                assert p.kind != "prior_authorization"


def test_without_an_insurer_the_answer_names_the_generic_guideline(alex: Record) -> None:
    d = check(alex, "62323", "commercial", as_of=AS_OF)
    assert d.insurer is None
    note = next(n for n in d.notes if n.startswith("No insurer was named"))
    assert "eviCore CMM-200" in note and "published by eviCore" in note and "may differ" in note
    # The note is shown on the web page as well as in the CLI: it names the insurers, not a flag.
    assert "UnitedHealthcare" in note and "--insurer" not in note


def test_no_policy_of_the_insurer_is_said_plainly(alex: Record) -> None:
    d = check(alex, "63030", "medicaid", as_of=AS_OF, insurer="humana")
    assert any(n.startswith("backcover has no Humana policy for microdiscectomy") for n in d.notes)
    assert [p.kind for p in d.policies] == ["baseline"]
    assert d.prior_authorization == "plan_dependent"
    # Humana Healthy Horizons' per-state lists are known, but not read for this code.
    assert "not among the Humana Healthy Horizons prior-authorization rules" in d.prior_authorization_basis[0]


def test_humana_medicare_advantage_uses_the_lcd_and_humanas_prior_authorization(synthea: Record) -> None:
    d = check(synthea, "62323", "medicare-advantage", state="CA", as_of=AS_OF, insurer="humana")
    assert [(p.id, p.kind, p.publisher) for p in d.policies] == [
        ("L39240", "lcd", "Noridian Healthcare Solutions")
    ]
    assert d.prior_authorization == "required"
    assert "Humana Medicare Advantage preauthorization list" in d.prior_authorization_basis[0]
    assert any("42 CFR 422.101(b)(6)" in n for n in d.notes)
    # without the insurer, the same question is plan dependent (Medicare Advantage plans' own lists)
    generic = check(synthea, "62323", "medicare-advantage", state="CA", as_of=AS_OF)
    assert generic.prior_authorization == "plan_dependent"


def test_two_insurers_answer_differently_and_say_why(alex: Record) -> None:
    """Lumbar disc replacement under Medicare Advantage: Humana's MA policy adds 6 months of conservative
    care where NCD 150.10 leaves people 60 and under to the MAC; Aetna's answer has only the NCD."""
    humana = check(alex, "22857", "medicare-advantage", as_of=AS_OF, insurer="humana")
    aetna = check(alex, "22857", "medicare-advantage", as_of=AS_OF, insurer="aetna")
    assert {p.id for p in aetna.policies} == {"NCD 150.10"}
    assert {p.publisher for p in humana.policies} == {"Humana", "CMS"}
    assert "humana.adr.conservative_care" in {c.id for c in humana.criteria}
    assert "humana.adr.conservative_care" not in {c.id for c in aetna.criteria}
    assert humana.decision != aetna.decision or humana.criteria != aetna.criteria
    assert any("applies alongside Medicare's" in n for n in humana.notes)


def test_a_pack_naming_an_unknown_insurer_is_refused_with_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "acme-mri.yaml"
    f.write_text(
        "id: acme-mri\ntitle: T\npolicy: P\npublisher: Acme\ninsurer: acme\nkind: guideline\n"
        "payers: [commercial]\ncodes: ['72148']\nurl: https://example.org\n"
    )
    with pytest.raises(BadInput) as err:
        load_pack_file(f)
    msg = err.value.message()
    assert "acme" in msg and str(f) in msg and "line 5" in msg and "humana" in msg


def test_a_pack_without_a_publisher_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(
        "id: x\ntitle: T\npolicy: P\nkind: guideline\npayers: [commercial]\nurl: https://example.org\n"
    )
    with pytest.raises(BadInput, match="publisher"):
        load_pack_file(f)


def test_an_insurers_pack_is_used_only_when_it_is_named(alex: Record, tmp_path: Path) -> None:
    f = tmp_path / "aetna-test-mri.yaml"
    f.write_text(
        "id: aetna-test-mri\ntitle: Aetna test MRI\npolicy: CPB T\npublisher: Aetna\ninsurer: aetna\n"
        "kind: guideline\npayers: [commercial]\ncodes: ['72148']\nurl: https://example.org\n"
    )
    kb = Knowledge.packaged().with_packs(f)
    named = check(alex, "72148", "commercial", as_of=AS_OF, insurer="aetna", knowledge=kb)
    assert "CPB T" in [p.id for p in named.policies]
    assert {p.publisher for p in named.policies} == {"Aetna"}
    generic = check(alex, "72148", "commercial", as_of=AS_OF, knowledge=kb)
    assert "CPB T" not in [p.id for p in generic.policies]
    other = check(alex, "72148", "commercial", as_of=AS_OF, insurer="anthem", knowledge=kb)
    assert "CPB T" not in [p.id for p in other.policies]


def test_policies_insurers_lists_offers_vendors_and_packs() -> None:
    r = runner.invoke(app, ["policies", "insurers", "--format", "json"])
    assert r.exit_code == 0, r.output
    by_slug = {i["slug"]: i for i in json.loads(r.output)["insurers"]}
    assert set(SLUGS) <= set(by_slug)
    humana = by_slug["humana"]
    assert humana["offers"]["commercial"]["offered"] is False
    assert humana["offers"]["medicare-advantage"]["offered"] is True
    assert humana["offers"]["commercial"]["source"]["url"].startswith("https://")
    assert {v["name"] for v in humana["vendors"]} == {"Cohere Health", "eviCore"}
    # eviCore reviews imaging for Humana's Kentucky Medicaid plan; Cohere is not named for Medicaid.
    assert {v["name"] for v in humana["vendors"] if "medicaid" in (v["payers"] or ())} == {"eviCore"}
    ma = {p["id"]: p["use"] for p in humana["packs"]["medicare-advantage"]}
    assert ma["humana-ma-prior-auth"] == "prior_authorization"
    assert ma["humana-adr-ma"] == "own"
    assert ma["medicare-esi-lcd"] == "medicare"
    assert humana["packs"]["commercial"] == []
    cigna = by_slug["cigna"]
    assert any(v["name"] == "eviCore" and v["area"] == "pain" for v in cigna["vendors"])
    text = runner.invoke(app, ["policies", "insurers"])
    assert text.exit_code == 0
    assert "Humana (--insurer humana)" in text.output and "not offered" in text.output


def test_the_text_answer_names_the_insurer_and_publishers() -> None:
    code, out = _cli("--procedure", "62323", "--payer", "commercial", "--insurer", "cigna")
    assert code == 0, out
    assert "insurer cigna" in out
    assert "published by eviCore" in out


def test_screen_takes_an_insurer(tmp_path: Path, synthea: Record) -> None:
    out = tmp_path / "esi.parquet"
    r = runner.invoke(
        app,
        [
            "screen",
            *(x for f in SYNTHEA_FILES for x in ("--input", str(f))),
            "--procedure",
            "62323",
            "--payer",
            "medicare-advantage",
            "--insurer",
            "humana",
            "--state",
            "CA",
            "--as-of",
            AS_OF.isoformat(),
            "--out",
            str(out),
            "--workers",
            "1",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    import pyarrow.parquet as pq

    rows = {row["patient_id"]: row for row in pq.read_table(out).to_pylist()}
    d = check(synthea, "62323", "medicare-advantage", state="CA", as_of=AS_OF, insurer="humana")
    assert rows[SYNTHEA_LBP]["decision"] == d.decision
    assert rows[SYNTHEA_LBP]["prior_authorization"] == "required"
    args = ["screen", "--input", str(SYNTHEA_FILES[0]), "--procedure", "62323", "--payer", "commercial"]
    bad = runner.invoke(app, [*args, "--insurer", "humana", "--out", str(tmp_path / "x.parquet")])
    assert bad.exit_code == 2 and "Humana offers no commercial plans" in bad.output


def test_the_check_page_asks_which_insurer_and_shows_publishers(tmp_path: Path) -> None:
    c = web_client(tmp_path, AS_OF)
    page = c.get("/check")
    assert page.status_code == 200
    assert "Which insurer?" in page.text
    options = re.findall(
        r'<option value="([^"]*)"', page.text.split('id="insurer"', 1)[1].split("</select>")[0]
    )
    assert options[0] == "" and set(SLUGS) <= set(options)
    assert "Not sure / other" in page.text
    choose_synthea_patient(c)
    r = c.get("/check?procedure=62323&payer=medicare-advantage&insurer=humana&state=CA&as_of=2026-11-27")
    assert r.status_code == 200, r.text[:500]
    assert 'value="humana" selected' in r.text
    assert "published by Noridian Healthcare Solutions" in r.text
    assert "Humana" in r.text
    bad = c.get("/check?procedure=62323&payer=commercial&insurer=humana")
    assert bad.status_code == 400
    assert "Humana offers no commercial plans" in bad.text


def test_the_api_takes_an_insurer(tmp_path: Path) -> None:
    c = web_client(tmp_path, AS_OF)
    body = {
        "procedure": "62323",
        "payer": "commercial",
        "insurer": "cigna",
        "records": [{"filename": "alex.json", "content": SAMPLE.read_text()}],
    }
    r = c.post("/api/check", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["insurer"] == "cigna"
    assert r.json()["policies"][0]["publisher"] == "eviCore"
    r = c.post("/api/check", json={**body, "insurer": "acme"})
    assert r.status_code in (400, 422)
    assert "acme" in r.text
    listed = c.get("/api/insurers")
    assert listed.status_code == 200
    assert {i["slug"] for i in listed.json()["insurers"]} >= set(SLUGS)


def test_a_cds_hooks_coverage_names_its_insurer_by_the_payor() -> None:
    from backcover.ehr._fhir import insurer_for_coverage

    names = {s: i.name for s, i in insurer_table().by_slug.items()}
    cov = {"resourceType": "Coverage", "payor": [{"display": "Humana Gold Plus (HMO)"}]}
    assert insurer_for_coverage(cov, names) == "humana"
    assert insurer_for_coverage({"payor": [{"display": "Aetna Better Health of Ohio"}]}, names) == "aetna"
    assert insurer_for_coverage({"payor": [{"display": "Example Health Plan"}]}, names) is None
    both = {"payor": [{"display": "Aetna"}, {"display": "Cigna"}]}
    assert insurer_for_coverage(both, names) is None
