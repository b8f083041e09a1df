"""The pages, through the ASGI client: forms, bad input shown on the page (4xx, never 500), charts."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backcover.web import create_app
from backcover.web._charts import CostBar, Marker, PainPoint, cost_chart, pain_chart
from tests._web_support import AUTH, WEB_KEY, choose_synthea_patient, web_client
from tests.conftest import SYNTHEA_FILES, SYNTHEA_LBP

TODAY = date(2026, 11, 27)


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    return web_client(tmp_path, TODAY)


def tok(c: TestClient) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/").text)
    assert m
    return m.group(1)


def error_text(html: str) -> str:
    m = re.search(r'data-testid="error">(.*?)</div>', html, re.S)
    assert m, "the page shows an error box"
    return re.sub(r"<[^>]+>", "", m.group(1))


def setup_person(c: TestClient) -> str:
    t = choose_synthea_patient(c)
    r = c.post("/start/plan", data={"csrf_token": t, "template": "ppo", "name": "work ppo"})
    assert r.status_code == 200
    return t


@pytest.mark.parametrize(
    "path",
    ["/", "/record", "/check", "/cost", "/cases", "/compare", "/help", "/docs"],
)
def test_every_page_has_the_disclaimer_and_no_inline_script(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert "information, not legal or medical advice" in r.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text)


@pytest.mark.parametrize(
    "path",
    [
        "/start/import",
        "/start/clear",
        "/start/patient",
        "/start/plan",
        "/start/accumulators",
        "/start/plan-text",
        "/record/start-log",
        "/record/add/pain",
        "/cost",
        "/cases/new",
        "/cases/1/denial",
        "/cases/1/pa",
        "/cases/1/letter/appeal",
        "/cases/1/document",
        "/compare",
    ],
)
def test_every_form_needs_its_csrf_token(client: TestClient, path: str) -> None:
    client.get("/")
    assert client.post(path, data={"x": "1"}).status_code == 403


def test_import_fragment_lists_people_and_choosing_one_shows_the_record(client: TestClient) -> None:
    t = tok(client)
    files = [("files", (p.name, p.read_bytes(), "application/x-ndjson")) for p in SYNTHEA_FILES]
    r = client.post("/start/import", data={"csrf_token": t}, files=files, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "Imported 4 files" in r.text and "<html" not in r.text  # a fragment for htmx
    assert f'value="{SYNTHEA_LBP}"' in r.text and "Corrin Sau Jast" in r.text
    r = client.post("/start/patient", data={"csrf_token": t, "patient": SYNTHEA_LBP})
    assert r.status_code == 200
    assert "Corrin Sau Jast" in r.text
    assert "Chronic low back pain" in r.text or "chronic low back pain" in r.text.lower()


def test_import_refuses_a_pdf_with_a_message(client: TestClient) -> None:
    t = tok(client)
    r = client.post("/start/import", data={"csrf_token": t}, files={"files": ("scan.pdf", b"%PDF-1.4")})
    assert r.status_code == 400
    assert "neither JSON nor a treatment log" in error_text(r.text)


def test_choosing_an_unknown_person_is_bad_input(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post("/start/patient", data={"csrf_token": t, "patient": "nobody"})
    assert r.status_code == 400
    assert "nobody" in r.text


def test_plan_accumulators_are_saved_as_decimals(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post(
        "/start/accumulators", data={"csrf_token": t, "deductible_met": "1,234.56", "oop_met": "1234.56"}
    )
    assert r.status_code == 200
    assert 'value="1234.56"' in r.text
    r = client.post("/start/accumulators", data={"csrf_token": t, "deductible_met": "lots"})
    assert r.status_code == 400
    assert "not an amount of money" in error_text(r.text)


def test_editing_the_plan_file_with_a_typo_is_refused_and_nothing_saved(client: TestClient) -> None:
    t = setup_person(client)
    before = client.get("/").text
    r = client.post(
        "/start/plan-text", data={"csrf_token": t, "name": "work-ppo", "text": "name: x\nkind: commercail\n"}
    )
    assert r.status_code == 400
    assert "kind" in error_text(r.text)
    assert client.get("/").text.count("commercail") == before.count("commercail") == 0


def test_treatment_log_entries_reach_the_timeline_and_the_chart(client: TestClient) -> None:
    t = tok(client)
    client.post("/record/start-log", data={"csrf_token": t})
    for day, score in (("2026-10-01", "7"), ("2026-10-20", "3")):
        r = client.post("/record/add/pain", data={"csrf_token": t, "date": day, "score": score})
        assert r.status_code == 200
    r = client.post(
        "/record/add/injections",
        data={"csrf_token": t, "date": "2026-10-10", "type": "transforaminal", "region": "lumbar"},
    )
    assert r.status_code == 200
    html = r.text
    assert "2026-10-01: pain 7" in html and "2026-10-20: pain 3" in html
    assert "you reported" in html
    assert re.search(r"<title>2026-10-10: [^<]*epidural", html, re.I)


def test_a_bad_log_entry_is_shown_and_not_saved(client: TestClient) -> None:
    t = tok(client)
    client.post("/record/start-log", data={"csrf_token": t})
    r = client.post("/record/add/pain", data={"csrf_token": t, "date": "2026-02-30", "score": "4"})
    assert r.status_code == 400
    assert "date" in error_text(r.text)
    r = client.post("/record/add/pain", data={"csrf_token": t, "date": "2026-02-03", "score": "14"})
    assert r.status_code == 400
    assert "14" in error_text(r.text)
    assert "pain 14" not in client.get("/record").text


@pytest.mark.parametrize(
    "query,words",
    [
        pytest.param("procedure=00000&payer=commercial", "00000", id="unknown-code"),
        pytest.param("procedure=72148&payer=commercial&as_of=yesterday", "yesterday", id="bad-date"),
        pytest.param("procedure=72148&payer=acme", "acme", id="unknown-payer"),
        pytest.param("procedure=72148&payer=commercial&setting=inpatient", "setting", id="wrong-setting"),
    ],
)
def test_check_page_bad_input(client: TestClient, query: str, words: str) -> None:
    setup_person(client)
    r = client.get("/check?" + query)
    assert r.status_code == 400
    assert words in error_text(r.text)


def test_check_page_explains_in_one_sentence(client: TestClient) -> None:
    setup_person(client)
    r = client.get("/check?procedure=72148&payer=commercial&as_of=2014-04-01")
    assert r.status_code == 200
    m = re.search(r'data-testid="decision-sentence">([^<]+)<', r.text)
    assert m and "MRI of the lower back" in m.group(1)
    assert "Physical therapy" in r.text  # evidence named by the record item, not an id


def test_cost_page_with_a_price_typed_in(client: TestClient) -> None:
    setup_person(client)
    r = client.get("/cost?procedure=72148&setting=office")
    assert r.status_code == 200
    if 'data-testid="missing-prices"' in r.text:
        r = client.get("/cost?procedure=72148&setting=office&price-mri=-5")
        assert r.status_code == 400 and "not a price" in error_text(r.text)
        r = client.get("/cost?procedure=72148&setting=office&price-mri=800")
        assert r.status_code == 200
    assert 'data-testid="patient-total">$' in r.text


def test_case_denial_in_the_future_is_refused(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post("/cases/new", data={"csrf_token": t, "procedure": "62323", "payer": "commercial"})
    assert r.status_code == 200
    case_url = str(r.url)
    case_id = case_url.rstrip("/").split("/")[-1].split("?")[0]
    r = client.post(
        f"/cases/{case_id}/denial", data={"csrf_token": t, "denial_date": "2027-01-01", "codes": "CO-50"}
    )
    assert r.status_code == 400
    assert "future" in error_text(r.text)
    r = client.post(
        f"/cases/{case_id}/denial", data={"csrf_token": t, "denial_date": "2026-11-02", "codes": "CO-5O"}
    )
    assert r.status_code == 400
    r = client.post(
        f"/cases/{case_id}/denial", data={"csrf_token": t, "denial_date": "2026-11-02", "codes": "CO-197"}
    )
    assert r.status_code == 200
    assert "CO-197" in r.text
    r = client.post(f"/cases/{case_id}/letter/p2p", data={"csrf_token": t})
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"
    # documents: a PDF is kept and can be downloaded again; a text file is refused
    r = client.post(
        f"/cases/{case_id}/document",
        data={"csrf_token": t, "doc_type": "denial_letter", "doc_date": "2026-11-02"},
        files={"file": ("denial.pdf", r.content, "application/pdf")},
    )
    assert r.status_code == 200 and "denial.pdf" in r.text
    link = re.search(rf'href="(/cases/{case_id}/documents/\d+)"', r.text)
    assert link and client.get(link.group(1)).content[:5] == b"%PDF-"
    r = client.post(
        f"/cases/{case_id}/document",
        data={"csrf_token": t, "doc_type": "visit_note"},
        files={"file": ("note.txt", b"hello", "text/plain")},
    )
    assert r.status_code == 400


def test_letter_before_any_denial_says_what_to_do(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post("/cases/new", data={"csrf_token": t, "procedure": "72148", "payer": "commercial"})
    case_id = str(r.url).split("/")[-1].split("?")[0]
    r = client.post(f"/cases/{case_id}/letter/appeal", data={"csrf_token": t})
    assert r.status_code == 400
    assert "no denial yet" in error_text(r.text)
    r = client.post(f"/cases/{case_id}/letter/packet", data={"csrf_token": t})
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"


def test_unknown_case_is_a_404_page_not_a_500(client: TestClient) -> None:
    setup_person(client)
    r = client.get("/cases/999")
    assert 400 <= r.status_code < 500
    assert "there is no case 999" in r.text


def test_compare_needs_two_plans(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post("/compare", data={"csrf_token": t, "plans": "saved:work-ppo"})
    assert r.status_code == 400
    assert "at least two plans" in error_text(r.text)
    r = client.post(
        "/compare",
        data={
            "csrf_token": t,
            "plans": ["saved:work-ppo", "template:hdhp-hsa"],
            "premium-saved:work-ppo": "450",
        },
    )
    assert r.status_code == 200
    assert "$5,400.00" in r.text  # 12 months of the premium typed in


def test_pain_chart_marks_procedures_and_scores() -> None:
    svg = str(
        pain_chart(
            [PainPoint(date(2026, 1, 1), Decimal(7)), PainPoint(date(2026, 2, 1), Decimal(2))],
            [Marker(date(2026, 1, 15), "Epidural <steroid> injection", "procedure")],
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "2026-01-01: pain 7" in svg and "2026-02-01: pain 2" in svg
    assert "Epidural &lt;steroid&gt; injection" in svg  # escaped
    assert "<polyline" in svg


def test_cost_chart_stacks_who_pays_what() -> None:
    svg = str(cost_chart([CostBar("Surgeon", Decimal("300.00"), Decimal("1500.00"), Decimal("0"))]))
    assert "Surgeon: you pay $300.00" in svg and "Surgeon: plan pays $1,500.00" in svg
    assert "balance bill $" not in svg


def test_pages_ask_to_choose_a_person_when_the_files_hold_several(client: TestClient) -> None:
    t = tok(client)
    files = [("files", (p.name, p.read_bytes(), "application/x-ndjson")) for p in SYNTHEA_FILES]
    client.post("/start/import", data={"csrf_token": t}, files=files)
    r = client.get("/check?procedure=72148&payer=commercial")
    assert r.status_code == 400
    assert "none is chosen" in error_text(r.text)
    assert "none is chosen" in client.get("/record").text


def test_pages_never_answer_500_to_odd_queries(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    app = create_app(
        f"sqlite:///{tmp_path / 'store.db'}",
        data_dir=tmp_path / "ws",
        today=lambda: TODAY,
        access_key=WEB_KEY,
    )
    c = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, headers=AUTH)
    setup_person(c)
    text = st.text(max_size=30)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        path=st.sampled_from(["/check", "/cost", "/record", "/cases", "/compare", "/check/procedures", "/"]),
        params=st.dictionaries(
            st.sampled_from(
                ["procedure", "payer", "setting", "state", "as_of", "q", "year", "all", "price-mri", "done"]
            ),
            text,
            max_size=5,
        ),
    )
    def run(path: str, params: dict[str, str]) -> None:
        r = c.get(path, params=params)
        assert r.status_code < 500, (path, params, r.text[:300])

    run()
    for path in (
        "/cases/0",
        "/cases/-1",
        "/cases/99999999999999999999",
        "/cases/abc",
        "/cases/1/documents/5",
    ):
        assert c.get(path).status_code < 500, path


def test_check_page_shows_the_earliest_eligible_date(client: TestClient) -> None:
    from tests.conftest import EXAMPLES

    t = tok(client)
    ex = EXAMPLES / "check-mri-commercial-early.json"
    r = client.post("/start/import", data={"csrf_token": t}, files={"files": (ex.name, ex.read_bytes())})
    assert r.status_code == 200
    r = client.get("/check?procedure=72148&payer=commercial&setting=office&state=PA&as_of=2026-06-23")
    assert r.status_code == 200
    assert re.search(r'data-testid="earliest">.*2026-07-14', r.text)
    assert "Criteria not met yet" in r.text
    assert "Prior authorization is required" in r.text
    missing = re.search(r'data-testid="missing">(.*?)</ul>', r.text, re.S)
    assert missing and "conservative care" in missing.group(1).lower()


def test_a_medicaid_ffs_case_gets_its_appeal_letter(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post("/cases/new", data={"csrf_token": t, "procedure": "62323", "payer": "medicaid-ffs"})
    assert r.status_code == 200
    case_id = str(r.url).split("/")[-1].split("?")[0]
    r = client.post(
        f"/cases/{case_id}/denial", data={"csrf_token": t, "denial_date": "2026-11-02", "codes": "CO-50"}
    )
    assert r.status_code == 200
    r = client.post(f"/cases/{case_id}/letter/appeal", data={"csrf_token": t})
    assert r.status_code == 200, error_text(r.text)
    assert r.content[:5] == b"%PDF-"
    assert "--payer" not in r.text


def test_a_case_with_a_state_that_does_not_exist_is_refused_and_not_saved(client: TestClient) -> None:
    t = setup_person(client)
    r = client.post(
        "/cases/new", data={"csrf_token": t, "procedure": "62323", "payer": "commercial", "state": "ZZ"}
    )
    assert r.status_code == 400 and "unknown state" in r.text
    assert "/cases/1" not in client.get("/cases").text
    r = client.post(
        "/cases/new", data={"csrf_token": t, "procedure": "62323", "payer": "commercial", "state": "New York"}
    )
    assert r.status_code == 200 and "NY" in r.text
