"""A new user's journey in plain words: the plan from the SBC as a form, New York picked from the
state list, and the answer naming New York's Medicare contractor; screenshots at both widths."""

from __future__ import annotations

from typing import Any

from tests.browser import test_web_journey as journey

check_page = journey.check_page
page_fixture = journey.page  # the journey's page (a browser tab with the axe and screenshot helpers)


def test_1_plan_from_the_sbc_form(page_fixture: Any, server: Any) -> None:
    page = page_fixture
    page.goto(server.url + "/")
    # templates are named in words, not by their file names
    options = page.locator("#template option").all_inner_texts()
    assert "Example PPO 2026" in options and "ppo" not in options
    page.select_option("#template", label="Example PPO 2026")
    page.fill("#plan-name", "My 2026 PPO")
    page.click("text=Create plan")
    page.wait_for_url("**/?done=plan*")
    assert page.inner_text("[data-testid=current-plan]") == "My 2026 PPO"
    assert "My 2026 PPO" in page.inner_text("[data-testid=plan-summary]")
    # each field says where on the SBC it is
    assert "What is the overall deductible?" in page.inner_text("#sbc")
    assert "Rehabilitation services" in page.inner_text("#sbc")
    # a bad number keeps what was typed, with the message next to the field
    page.fill("#sbc-deductible-individual", "1,500")
    page.fill("#sbc-benefits-specialist_visit-copay", "sixty")
    page.click("text=Save the plan's numbers")
    error = page.locator("#sbc-benefits-specialist_visit-copay-err")
    assert "not a number" in error.inner_text()
    assert page.input_value("#sbc-benefits-specialist_visit-copay") == "sixty"
    assert page.input_value("#sbc-deductible-individual") == "1,500"
    check_page(page, "20-plan-form-error")
    page.fill("#sbc-benefits-specialist_visit-copay", "60")
    page.fill("#sbc-benefits-chiropractic-visit_limit", "12")
    page.click("text=Save the plan's numbers")
    page.wait_for_url("**/?done=planform*")
    assert "saved" in page.inner_text("[data-testid=flash]")
    assert page.input_value("#sbc-deductible-individual") == "1500"
    assert page.input_value("#sbc-benefits-specialist_visit-copay") == "60"
    assert page.locator("text=These are a template's example numbers").count() == 0
    check_page(page, "21-plan-form-saved")


def test_2_the_yaml_editor_keeps_a_broken_edit(page_fixture: Any, server: Any) -> None:
    page = page_fixture
    page.goto(server.url + "/")
    page.click("text=For experts: edit the plan as text (YAML)")
    page.fill("#plan-text", "name: [broken\nkind: commercial\n")
    page.click("text=Save the plan text")
    assert "not valid YAML" in page.inner_text("[data-testid=error]")
    assert page.input_value("#plan-text").startswith("name: [broken")


def test_3_new_york_gets_new_yorks_contractor(page_fixture: Any, server: Any, shared_dir: Any) -> None:
    page = page_fixture
    page.goto(server.url + "/#import")
    page.set_input_files("#files", [str(shared_dir / "examples" / "check-tfesi-medicare.json")])
    page.click("text=Import records")
    page.wait_for_selector("[data-testid=import-done]")
    page.goto(server.url + "/check")
    page.select_option("#procedure", "64483")
    page.select_option("#payer", "medicare")
    page.select_option("#state", label="New York")
    page.fill("#as_of", "2026-06-01")
    page.click("button:has-text('Check')")
    page.wait_for_selector("[data-testid=check-result]")
    answer = page.inner_text("[data-testid=check-result]")
    assert "National Government Services" in answer  # New York's Medicare contractor (jurisdiction K)
    assert "New York" in answer and "Nebraska" not in answer
    assert page.input_value("#state") == "NY"
    assert page.inner_text("[data-testid=next-step]").strip()
    check_page(page, "22-check-new-york")


def test_4_a_typed_state_name_is_accepted(page_fixture: Any, server: Any) -> None:
    page = page_fixture
    page.goto(server.url + "/check?procedure=64483&payer=medicare&state=new%20york&as_of=2026-06-01")
    assert page.input_value("#state") == "NY"
    page.goto(server.url + "/check?procedure=64483&payer=medicare&state=Nwe%20Yrok&as_of=2026-06-01")
    assert "unknown state" in page.inner_text("[data-testid=error]")
    check_page(page, "23-check-bad-state")


def test_5_change_and_delete_a_log_entry(page_fixture: Any, server: Any) -> None:
    page = page_fixture
    page.goto(server.url + "/record#add")
    page.fill("#pain-score", "7")
    page.fill("#pain-note", "after sitting")
    page.click("text=Add pain score")
    page.wait_for_url("**/record?done=log*")
    entries = page.locator("[data-testid=log-entries] li")
    assert entries.count() == 1 and "after sitting" in entries.first.inner_text()
    entries.first.locator("summary:has-text('Change')").click()
    page.fill("#edit-pain-1-score", "4")
    page.click("text=Save the change")
    page.wait_for_url("**/record?done=logedit*")
    assert "Log entry changed." in page.inner_text("[data-testid=flash]")
    assert "· 4 ·" in page.inner_text("[data-testid=log-entries]")
    check_page(page, "24-record-log-entry")
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.click("button[aria-label='Delete pain score 1']")
    assert "done=logdelete" in page.url, page.url
    assert page.locator("[data-testid=log-entries]").count() == 0


def test_6_the_check_page_in_spanish(page_fixture: Any, server: Any) -> None:
    page = page_fixture
    page.goto(server.url + "/check?procedure=64483&payer=medicare&state=NY&as_of=2026-06-01")
    page.click("footer a[hreflang=es]")
    page.wait_for_selector("html[lang=es]")
    assert "Su próximo paso" in page.inner_text("[data-testid=next-step]")
    bad = page.run_axe(page)
    assert bad == [], bad
    page.shoot(page, "25-check-spanish")
    page.click("footer a[hreflang=en]")
    page.wait_for_selector("html[lang=en]")
