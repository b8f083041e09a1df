"""The main journey of a new user, in headless chromium, with screenshots and axe-core checks."""

from __future__ import annotations

from typing import Any

import pytest

PATIENT = "ca15b832-01e4-41dd-6a52-97bd3e5510cb"


@pytest.fixture(scope="module")
def page(browser: Any, server: Any, run_axe: Any, shoot: Any, screenshots_dir: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    pg = context.new_page()
    pg.goto(server.key_url)  # the access key becomes a cookie, and the address loses it
    assert "key=" not in pg.url
    pg.csp_errors = []
    pg.on(
        "console",
        lambda m: pg.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    pg.on("pageerror", lambda e: pg.csp_errors.append(str(e)))
    pg.run_axe = run_axe
    pg.shoot = shoot
    pg.shoot_dir = screenshots_dir
    yield pg
    context.close()


def check_page(page: Any, name: str) -> None:
    """Every page: the disclaimer, no serious accessibility problems, no CSP violations; screenshots."""
    assert "information, not legal or medical advice" in page.inner_text("footer")
    bad = page.run_axe(page)
    assert bad == [], f"{name}: accessibility violations {bad}"
    assert page.csp_errors == [], f"{name}: {page.csp_errors}"
    page.shoot(page, name)


def test_1_create_plan(page: Any, server: Any) -> None:
    page.goto(server.url + "/")
    assert page.locator("h1").inner_text() == "Start here"
    check_page(page, "01-start-empty")
    page.select_option("#template", "hdhp-hsa")
    page.fill("#plan-name", "My plan")
    page.click("text=Create plan")
    page.wait_for_url("**/?done=plan*")
    assert "Plan saved" in page.inner_text("[data-testid=flash]")
    assert page.inner_text("[data-testid=current-plan]") == "My plan"
    page.fill("#acc-deductible_met", "250")
    page.click("text=Save amounts")
    page.wait_for_url("**/?done=accumulators*")
    assert page.input_value("#acc-deductible_met") == "250"


def test_2_import_and_pick_patient(page: Any, server: Any, shared_dir: Any) -> None:
    files = sorted(shared_dir.glob("data/synthea-bulk10-*.ndjson"))
    assert len(files) == 4
    page.goto(server.url + "/#import")
    page.set_input_files("#files", [str(f) for f in files])
    page.click("text=Import records")
    page.wait_for_selector("[data-testid=import-done]")
    assert "Imported 4 files" in page.inner_text("[data-testid=import-done]")
    # the progress indicator showed the upload and says it is done
    assert page.locator("#import progress").is_visible()
    assert page.inner_text("#import [data-progress-label]") == "Done."
    assert page.inner_text("[data-testid=import-done]")
    check_page(page, "02-start-imported")
    page.check(f"[data-testid=patient-{PATIENT}]")
    page.click("text=Use this person's record")
    page.wait_for_url("**/record?done=patient*")
    facts = page.inner_text("[data-testid=patient-facts]")
    assert "Corrin" in facts and "1986-11-19" in facts
    timeline = page.inner_text("[data-testid=timeline]")
    assert "chronic low back pain" in timeline.lower()
    assert "ibuprofen" in timeline.lower()
    check_page(page, "03-record")
    page.click("text=2014")
    assert "in 2014" in (page.locator("figure svg title").first.text_content() or "")
    check_page(page, "03-record-2014")


def test_2b_treatment_log_entry(page: Any, server: Any) -> None:
    page.goto(server.url + "/record#add")
    page.fill("#pain-date", "2014-03-20")
    page.fill("#pain-score", "6")
    page.fill("#pain-note", "after sitting")
    page.click("text=Add pain score")
    page.wait_for_url("**/record?done=log*")
    assert "you reported" in page.inner_text("[data-testid=timeline]")
    svg = page.inner_html("figure")
    assert "pain 6" in svg


def test_3_check_lumbar_mri(page: Any, server: Any) -> None:
    page.goto(server.url + "/check")
    check_page(page, "04-check-empty")
    from playwright.sync_api import expect

    from backcover.catalog import search

    page.fill("#q", "mri")  # htmx narrows the list as the person types
    expect(page.locator("#procedure option")).to_have_count(len(search("mri")))
    page.select_option("#procedure", "72148")
    page.select_option("#payer", "commercial")
    page.fill("#as_of", "2014-04-01")
    page.click("button:has-text('Check')")
    page.wait_for_selector("[data-testid=check-result]")
    sentence = page.inner_text("[data-testid=decision-sentence]")
    assert "MRI of the lower back" in sentence
    assert "Prior authorization is required" in page.inner_text("[data-testid=pa]")
    criteria = page.inner_text("[data-testid=criteria]")
    assert "conservative care" in criteria.lower()
    assert "Physical therapy" in criteria and "Ibuprofen" in criteria
    assert "clinic record" in criteria
    check_page(page, "05-check-mri")


def test_4_estimate_cost(page: Any, server: Any) -> None:
    page.click("text=What will it cost?")
    page.wait_for_selector("[data-testid=cost-result]")
    lines = page.inner_text("[data-testid=cost-lines]")
    assert "72148" in lines
    # The HSA-eligible plan with $250 of its deductible met: an MRI alone stays inside the deductible,
    # so the person pays the whole allowed amount.
    if page.locator("[data-testid=missing-prices]").count():
        check_page(page, "06-cost-mri-no-price")
    else:
        allowed = page.locator("[data-testid=cost-lines] tbody td[data-label=Allowed]").first.inner_text()
        assert page.inner_text("[data-testid=patient-total]") == allowed
    # a price from a Good Faith Estimate replaces backcover's figure
    if not page.locator("[data-testid=price-form]").get_attribute("open"):
        page.click("[data-testid=price-form] summary")
    page.locator("[data-testid=price-form] input[type=text]").first.fill("450.00")
    page.click("text=Use these prices")
    page.wait_for_selector("[data-testid=cost-result]")
    assert "the price you gave" in page.inner_text("[data-testid=cost-lines]")
    assert page.inner_text("[data-testid=patient-total]") == "$450.00"
    assert "HSA" in page.inner_text("[data-testid=cost-result]")
    assert page.locator("figure svg title").first.text_content() == "Who pays what"
    check_page(page, "06-cost-mri")


def test_5_open_case(page: Any, server: Any) -> None:
    page.goto(server.url + "/check?procedure=72148&payer=commercial&as_of=2014-04-01&state=PA")
    page.click("text=Open a case for it")
    page.wait_for_url("**/cases/*?done=case")
    assert "MRI of the lower back" in page.inner_text("[data-testid=case-title]")
    assert "Case opened" in page.inner_text("[data-testid=case-timeline]")
    check_page(page, "07-case-new")
    page.goto(server.url + "/cases")
    assert "MRI of the lower back" in page.inner_text("[data-testid=cases]")
    check_page(page, "08-cases")


def test_5b_case_details_and_prior_authorization_denied(page: Any, server: Any) -> None:
    page.goto(server.url + "/cases")
    page.click("[data-testid=cases] a")
    page.fill("#e-member", "XJH123456789")
    page.fill("#e-group", "GRP-0042")
    page.fill("#e-payer", "Keystone Health Plan")
    page.fill("#e-addr", "Appeals Unit\nPO Box 1\nPittsburgh, PA 15222")
    page.fill("#e-prov", "Dr. Ravi Menon")
    page.fill("#e-npi", "1234567893")
    page.click("text=Save details")
    page.wait_for_url("**?done=edit*")
    assert page.input_value("#e-member") == "XJH123456789"
    check_page(page, "08b-case-details")
    page.select_option("#pa-status", "submitted")
    page.fill("#pa-date", "2026-11-10")
    page.click("text=Update status")
    page.wait_for_url("**?done=status*")
    assert "Prior authorization sent to the plan" in page.inner_text("[data-testid=case-timeline]")
    page.select_option("#pa-status", "denied")
    page.fill("#pa-date", "2026-11-20")
    page.fill("#pa-note", "Not medically necessary")
    page.click("text=Update status")
    page.wait_for_url("**?done=status*")
    timeline = page.inner_text("[data-testid=case-timeline]")
    assert "Prior authorization denied" in timeline and "Denied" in timeline
    assert "2027-05-19" in page.inner_text("[data-testid=next-deadline]")  # the denial moved the case on


def test_6_add_denial_carc_50(page: Any, server: Any) -> None:
    page.goto(server.url + "/cases")
    page.click("[data-testid=cases] a")
    page.fill("#denial_date", "2026-11-20")
    page.fill("#codes", "CO-50")
    page.fill("#reason", "Not medically necessary")
    page.click("text=Add denial")
    page.wait_for_url("**?done=denial*")
    denial = page.locator("[data-testid=denial]").last.inner_text()  # after the prior-auth denial
    assert "CO-50" in denial
    assert "medically necessary" in denial.lower()
    assert "appeal" in denial.lower()  # what usually fixes it
    nxt = page.inner_text("[data-testid=next-deadline]")
    assert "2027-05-19" in nxt  # 180 days from the notice (commercial plan, 29 CFR 2560.503-1)
    check_page(page, "09-case-denied")


def test_7_download_appeal_letter(page: Any, server: Any, tmp_path_factory: Any) -> None:
    from pypdf import PdfReader

    with page.expect_download() as dl:
        page.click("[data-testid=letter-appeal]")
    assert dl.value.suggested_filename.endswith(".pdf")
    path = tmp_path_factory.mktemp("pdf") / "appeal.pdf"
    dl.value.save_as(str(path))
    page.shoot_dir.mkdir(exist_ok=True)
    (page.shoot_dir / "12-appeal-letter.pdf").write_bytes(path.read_bytes())
    assert path.read_bytes()[:5] == b"%PDF-"
    text = " ".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "Corrin" in text
    assert "50" in text
    assert "MRI" in text


def test_7b_finalise_keep_file_and_decide(page: Any, server: Any, tmp_path_factory: Any) -> None:
    from pypdf import PdfReader

    page.click("[data-testid=review-appeal]")
    page.wait_for_selector("[data-testid=before-you-send]")
    sheet = page.inner_text("[data-testid=before-you-send]")
    assert "Deadline" in sheet and "2027-05-19" in sheet
    assert "built-in method" not in sheet and "From the" in sheet  # what to obtain, and from whom
    check_page(page, "12b-before-you-send")
    page.click("[data-testid=final-appeal]")
    page.wait_for_url("**?done=final*")
    docs = page.inner_text("[data-testid=documents]")
    assert "appeal-" in docs and "sha256" in docs
    with page.expect_download() as dl:
        page.click("[data-testid=documents] a")
    path = tmp_path_factory.mktemp("final") / "final.pdf"
    dl.value.save_as(str(path))
    (page.shoot_dir / "12c-final-appeal-letter.pdf").write_bytes(path.read_bytes())
    text = " ".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "XJH123456789" in text and "PO Box 1" in text and "DRAFT" not in text
    assert "Dr. Ravi Menon" in text and "1234567893" in text
    page.select_option("#ap-level", index=0)
    page.fill("#ap-filed", "2026-11-25")
    page.click("text=Record appeal")
    page.wait_for_url("**?done=appeal*")
    assert "filed 2026-11-25" in page.inner_text("[data-testid=appeals]")
    assert "decision due" in page.inner_text("[data-testid=next-deadline]")
    page.select_option("#ap-level", index=0)
    page.select_option("#ap-outcome", "overturned")
    page.fill("#ap-odate", "2026-11-27")
    page.click("text=Record appeal")
    page.wait_for_url("**?done=appeal*")
    assert "overturned on 2026-11-27" in page.inner_text("[data-testid=appeals]")
    assert "Appeal overturned" in page.inner_text("[data-testid=case-timeline]")
    check_page(page, "12d-case-appeal-decided")


def test_8_compare_plans_and_help(page: Any, server: Any) -> None:
    page.goto(server.url + "/compare")
    boxes = page.locator("input[name=plans]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("button:has-text('Compare')")
    page.wait_for_selector("[data-testid=compare-result]")
    assert page.locator("[data-testid=compare-result] tbody tr").count() == 2
    check_page(page, "10-compare")
    page.goto(server.url + "/help#prior-authorization")
    assert "Permission your plan must give" in page.inner_text("dl.glossary")
    check_page(page, "11-help")


def test_9_keyboard_reaches_the_content(page: Any, server: Any) -> None:
    page.goto(server.url + "/check")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id || document.activeElement.textContent")
    assert focused  # focus moved into the page, past the navigation


def test_api_docs_work_offline(page: Any, server: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + "/docs")
    page.wait_for_selector("#swagger-ui .opblock", timeout=15000)
    assert "/api/check" in page.inner_text("#swagger-ui")
    assert "/api/estimate" in page.inner_text("#swagger-ui")
    assert all(u.startswith(server.url) for u in requests), [
        u for u in requests if not u.startswith(server.url)
    ]
    assert page.csp_errors == [], page.csp_errors
    page.shoot(page, "15-api-docs")  # Swagger UI's own markup is not ours to lint with axe


def test_error_states_are_accessible_too(page: Any, server: Any) -> None:
    page.goto(server.url + "/check?procedure=00000&payer=commercial")
    assert "unknown procedure code" in page.inner_text("[data-testid=error]")
    check_page(page, "13-check-error")
    page.goto(server.url + "/cases/424242")
    assert "there is no case 424242" in page.inner_text("main")
    page.goto(server.url + "/nowhere")
    assert "Page not found" in page.inner_text("h1")
    check_page(page, "14-not-found")
