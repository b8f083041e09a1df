"""The main journey of a new user, in headless chromium, with screenshots and axe-core checks."""

from __future__ import annotations

from typing import Any

import pytest


PATIENT = "ca15b832-01e4-41dd-6a52-97bd3e5510cb"


@pytest.fixture(scope="module")
def page(browser: Any, server: Any, run_axe: Any, shoot: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    pg = context.new_page()
    pg.csp_errors = []
    pg.on(
        "console",
        lambda m: pg.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    pg.on("pageerror", lambda e: pg.csp_errors.append(str(e)))
    pg.run_axe = run_axe
    pg.shoot = shoot
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
    page.select_option("#template", index=0)
    page.fill("#plan-name", "My plan")
    page.click("text=Create plan")
    page.wait_for_url("**/?done=plan*")
    assert "Plan saved" in page.inner_text("[data-testid=flash]")
    assert page.inner_text("[data-testid=current-plan]") == "My_plan"
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
