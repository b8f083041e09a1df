"""Clinic mode in headless chromium, on PostgreSQL (issue 14, "Done means"): an admin signs in and adds
a staff user on /users; the staff user signs in, sees the worklist across two patients, opens a case
and records a denial; the admin then finds both reads and the change in the audit log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backcover import clinic
from backcover.clinic import ClinicSettings
from backcover.store import Accounts, open_store
from tests._caseload_support import TODAY, two_patients
from tests._clinic_support import (  # noqa: F401
    cheap_hashes_fixture,
    clinic_database_fixture,
    pg_url_fixture,
)
from tests.browser.conftest import ThreadServer, free_port

ADMIN_PASSWORD = "admin password, long enough"
STAFF_PASSWORD = "robin's password, long enough"


class ClinicServer(ThreadServer):
    """`backcover serve --clinic` in a thread: uvicorn on a free loopback port."""

    def __init__(self, url: str, data_dir: Path) -> None:
        from backcover.web import create_app

        port = free_port()
        app = create_app(
            url,
            data_dir=data_dir,
            port=port,
            today=lambda: TODAY,
            clinic=ClinicSettings(delay_step=0.0),
        )
        super().__init__(app, port)

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self.app.state.web.store().close()


@pytest.fixture
def clinic_server(browser: Any, pg_url: str, tmp_path: Path) -> Iterator[tuple[ClinicServer, Any]]:
    store = open_store(pg_url, actor="test:setup")
    clinic.add_user(Accounts(store.engine, store.actor), "dana", "admin", ADMIN_PASSWORD)
    cases = two_patients(store)
    store.close()
    with ClinicServer(pg_url, tmp_path / "ws") as server:
        yield server, cases


def sign_in(page: Any, url: str, name: str, password: str) -> None:
    page.goto(url + "/worklist")
    page.wait_for_url("**/login?next=/worklist")  # signed out: every page leads to the sign-in
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("[data-testid=signin-form] button[type=submit]")
    page.wait_for_url("**/worklist")
    assert page.inner_text("[data-testid=signed-in-as]") == name


def test_admin_adds_staff_who_works_a_case_and_the_admin_sees_it_in_the_audit(
    browser: Any, clinic_server: tuple[ClinicServer, Any], run_axe: Any, shoot: Any
) -> None:
    server, k = clinic_server
    admin_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    admin = admin_ctx.new_page()
    admin.goto(server.url + "/login")
    assert run_axe(admin) == []
    shoot(admin, "20-clinic-sign-in")
    sign_in(admin, server.url, "dana", ADMIN_PASSWORD)

    # the admin adds a staff user
    admin.click("[data-testid=account] a:has-text('Users')")
    admin.wait_for_url("**/users")
    form = admin.locator("[data-testid=add-user]")
    form.locator("#name").fill("robin")
    form.locator("#role").select_option("staff")
    form.locator("#password").fill(STAFF_PASSWORD)
    form.locator("button[type=submit]").click()
    admin.wait_for_selector("tr[data-user=robin]")
    robin = admin.locator("tr[data-user=robin]")
    assert robin.locator("td[data-label=Role]").inner_text() == "staff"
    assert "active" in robin.locator("td[data-label=State]").inner_text()
    assert run_axe(admin) == []
    shoot(admin, "21-clinic-users")

    # the staff user signs in (their own browser) and sees the worklist across two patients
    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    staff = staff_ctx.new_page()
    sign_in(staff, server.url, "robin", STAFF_PASSWORD)
    rows = staff.locator("[data-testid=worklist-row]")
    assert rows.count() == 4
    patients = {rows.nth(i).locator("td").first.locator("strong").inner_text() for i in range(4)}
    assert patients == {"Ann Alpha", "Bob Beta"}
    # the assign form offers the clinic's staff and admins
    choices = staff.locator(f"#as-{k.d} option").all_inner_texts()
    assert choices == ["choose…", "dana", "robin"]
    assert run_axe(staff) == []
    shoot(staff, "22-clinic-worklist")

    # opens Bob's Medicaid case (its request is waiting for the plan) and records the denial
    staff.click(f"#case-{k.d} td[data-label=Procedure] a")
    staff.wait_for_url(f"**/cases/{k.d}")
    staff.fill("#denial_date", "2026-11-26")
    staff.fill("#codes", "CO-50")
    staff.fill("#reason", "Not medically necessary")
    staff.click("form[action$='/denial'] button[type=submit]")
    staff.wait_for_selector("[data-testid=denial]")
    assert "Denied on 2026-11-26" in staff.inner_text("[data-testid=denial]")
    assert run_axe(staff) == []
    shoot(staff, "23-clinic-case-denial")
    staff.goto(server.url + "/worklist")
    row = staff.locator(f"#case-{k.d}")
    assert "denied" in row.locator("td[data-label=Status]").inner_text()

    # the admin sees robin's reads and the change in the audit log
    admin.click("[data-testid=account] a:has-text('Audit log')")
    admin.wait_for_url("**/audit")
    admin.fill("#actor", "robin")
    admin.click("[data-testid=audit-filters] button[type=submit]")
    admin.wait_for_url("**/audit?*actor=robin*")
    events = admin.locator("[data-testid=audit] tbody tr")
    seen = [
        tuple(events.nth(i).locator("td").nth(j).inner_text() for j in (1, 2, 3, 4, 5))
        for i in range(events.count())
    ]
    both = f"{min(k.ann, k.bob)}, {max(k.ann, k.bob)}"
    assert ("robin", "read worklist", "GET /worklist", both, "") in seen
    assert ("robin", "read case", "GET /cases/{case_id}", str(k.bob), str(k.d)) in seen
    posted = sorted(s[1].split()[0] for s in seen if s[2] == "POST /cases/{case_id}/denial")
    assert posted == ["create", "read"]  # the denial, and the case it was recorded on, once each
    write = next(s for s in seen if s[1].startswith("create denial"))
    assert write[2:] == ("POST /cases/{case_id}/denial", str(k.bob), str(k.d))
    # newest first; in the order it happened: the worklist, the case, the denial
    oldest_first = [s[2] for s in reversed(seen)]
    firsts = [
        oldest_first.index(r)
        for r in ("GET /worklist", "GET /cases/{case_id}", "POST /cases/{case_id}/denial")
    ]
    assert firsts == sorted(firsts)
    assert not any(re.search(r"Bob|Beta|Ann|Alpha", " ".join(s)) for s in seen)  # ids, never names
    assert run_axe(admin) == []
    shoot(admin, "24-clinic-audit")
    staff_ctx.close()
    admin_ctx.close()
