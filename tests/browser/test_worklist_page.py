"""The worklist in headless chromium: open cases of two patients, most urgent first; the expedited
case stands out (a badge, a tinted row with a thick edge); assigning a case from its row."""

from __future__ import annotations

from typing import Any

import pytest

from tests._caseload_support import two_patients


@pytest.fixture(scope="module")
def page(browser: Any, server: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.goto(server.key_url)  # the access key becomes a cookie
    yield pg
    context.close()


def test_the_worklist_shows_two_patients_and_the_expedited_case_stands_out(
    page: Any, server: Any, run_axe: Any, shoot: Any
) -> None:
    k = two_patients(server.app.state.web.store())
    page.goto(server.url + "/worklist")
    rows = page.locator("[data-testid=worklist-row]")
    assert rows.count() == 4
    assert [int(rows.nth(i).get_attribute("data-case")) for i in range(4)] == [k.c, k.a, k.b, k.d]
    patients = {rows.nth(i).locator("td").first.locator("strong").inner_text() for i in range(4)}
    assert patients == {"Ann Alpha", "Bob Beta"}
    # overdue first, with its badge; then the expedited one
    assert "Overdue" in rows.nth(0).inner_text()
    expedited = page.locator("tr[data-expedited=yes]")
    assert expedited.count() == 1 and int(expedited.get_attribute("data-case")) == k.a
    assert expedited.locator("[data-testid=expedited]").inner_text() == "Expedited"
    shade = expedited.locator("td").nth(1).evaluate("e => getComputedStyle(e).backgroundColor")
    plain = rows.nth(2).locator("td").nth(1).evaluate("e => getComputedStyle(e).backgroundColor")
    assert shade != plain, "the expedited row is tinted"
    edge = expedited.locator("td").first.evaluate("e => getComputedStyle(e).boxShadow")
    assert "inset" in edge
    assert rows.nth(0).locator("[data-testid=expedited]").count() == 0
    assert run_axe(page) == []
    shoot(page, "14-worklist-two-patients")
    # assign Bob's case from its row; the worklist comes back with it
    row = page.locator(f"#case-{k.b}")
    row.locator("input[name=assignee]").fill("kim")
    row.locator("button", has_text="Assign").click()
    page.wait_for_url("**/worklist?done=assigned*")
    assert page.locator(f"#case-{k.b} [data-testid=assignee]").inner_text() == "kim"
    assert "Case assigned." in page.inner_text("[data-testid=flash]")
    # the case page says who works it, and gives it to someone else
    page.click(f"#case-{k.a} td[data-label=Procedure] a")
    page.wait_for_selector("[data-testid=assign-form]")
    assert page.locator("h1 [data-testid=expedited]").inner_text() == "Expedited"
    page.fill("[data-testid=assign-form] input[name=assignee]", "lee")
    page.click("[data-testid=assign-form] button:has-text('Assign')")
    page.wait_for_url("**done=assigned*")
    assert page.inner_text("[data-testid=case-assignee]").startswith("lee")
    shoot(page, "16-case-assigned")
    page.goto(server.url + "/worklist")
    # what is due in 7 days: the overdue case and nothing later than a week away
    page.click("text=in 7 days")
    page.wait_for_url("**/worklist?due=7")
    assert page.locator("[data-testid=worklist-row]").count() == 1
    assert "1 open case with something due within 7 days" in page.inner_text("[data-testid=worklist-count]")


def test_the_metrics_page_reads_as_a_table_with_its_source(
    page: Any, server: Any, run_axe: Any, shoot: Any
) -> None:
    from tests._caseload_support import pa_histories

    pa_histories(server.app.state.web.store())
    page.goto(server.url + "/metrics?since=2026-03-01&until=2026-06-30")
    assert "clinic's own figures" in page.inner_text("[data-testid=metrics-source]")
    table = page.inner_text("[data-testid=metrics]")
    assert "Acme Health" in table and "1 of 2 appealed" in table
    assert run_axe(page) == []
    shoot(page, "15-metrics")
    with page.expect_download() as download:
        page.click("[data-testid=metrics-csv]")
    assert download.value.suggested_filename == "pa-metrics-2026-03-01-2026-06-30.csv"
