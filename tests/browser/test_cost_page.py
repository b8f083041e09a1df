"""The cost page for a microdiscectomy (63030) in a surgery center, in headless chromium: the surgeon,
the facility and the anesthesia each have a price and a source; the likely total comes with its range;
repeated therapy visits are one row; no internal field names reach the page."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def page(browser: Any, server: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.goto(server.key_url)  # the access key becomes a cookie
    yield pg
    context.close()


def test_cost_page_for_63030_prices_surgeon_facility_and_anesthesia_with_sources(
    page: Any, server: Any, run_axe: Any, shoot: Any
) -> None:
    page.goto(server.url + "/")
    page.select_option("#template", "ppo")
    page.fill("#plan-name", "Work plan")
    page.click("text=Create plan")
    page.wait_for_url("**/?done=plan*")
    page.goto(server.url + "/cost?procedure=63030&setting=asc")
    page.wait_for_selector("[data-testid=cost-result]")
    rows = {
        role: page.locator(f"[data-testid=cost-row-{role}]") for role in ("surgeon", "facility", "anesthesia")
    }
    for role, row in rows.items():
        assert row.count() == 1, role
        src = row.locator("[data-testid=line-source]").inner_text()
        assert src.startswith("Price: estimate"), (role, src)
        assert "$" in row.locator("td[data-label=Allowed]").inner_text(), role
        assert "Estimate: allowed $" in row.locator("[data-testid=line-range]").inner_text(), role
    assert "Physician Fee Schedule 2026" in rows["surgeon"].inner_text()
    assert "ASC" in rows["facility"].inner_text() and "Addendum B" in rows["facility"].inner_text()
    assert "anesthesia 2026" in rows["anesthesia"].inner_text()
    # the full citation is one click away
    rows["facility"].locator("details summary").click()
    assert "56.322" in rows["facility"].locator("details").inner_text()
    # a confidence mark reads as a label the font can draw, not as a glyph it may not have
    details = rows["facility"].locator("details").inner_text()
    assert "\u25d0" not in details and "\u2705" not in details and "\u2753" not in details
    badge = rows["facility"].locator("details .mark-secondary").first
    assert badge.inner_text() == "secondary source"
    box = badge.bounding_box()
    assert box and box["width"] > 40 and box["height"] > 8, box
    # the ten-second view: likely total and its range, what is included, the cap
    assert page.inner_text("[data-testid=patient-total]").startswith("$")
    assert "Likely between $" in page.inner_text("[data-testid=patient-range]")
    summary = page.inner_text("[data-testid=cost-summary]")
    assert "facility fee" in summary and "anesthesia" in summary
    assert "physical therapy after surgery × 6" in summary
    assert "out-of-pocket maximum ($6000.00)" in page.inner_text("[data-testid=oop-cap]")
    # the six therapy visits are one row, and their citation is shown once
    table = page.inner_text("[data-testid=cost-lines]")
    assert table.count("physical therapy after surgery") == 1
    body = page.inner_text("main")
    assert "price_source" not in body and "deductible_met" not in body
    assert run_axe(page) == []
    shoot(page, "11-cost-63030-asc")
