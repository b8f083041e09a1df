"""Clinic mode's sign-in on PostgreSQL: tokens and cookies, the login page, sign-out, timeouts,
disabled users, the throttle (per user name and per address, revealing nothing), one-time codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest

from backcover import clinic
from backcover.clinic import ClinicSettings, SignIn, SignInRefused
from backcover.clinic import _secrets as secrets_mod
from backcover.store import Accounts
from tests._clinic_support import (  # noqa: F401
    PASSWORD,
    Clinic,
    cheap_hashes_fixture,
    clinic_app_fixture,
    clinic_database_fixture,
    make_clinic,
    pg_url_fixture,
)


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no form token on the page"
    return m.group(1)


def test_api_sign_in_gives_a_token_and_a_strict_cookie(clinic_app: Clinic) -> None:
    r = clinic_app.sign_in("staff")
    assert r.status_code == 200
    body = r.json()
    assert len(body["token"]) >= 40 and body["user"] == {"username": "staff", "role": "staff"}
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("bc_signin=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # the public URL is http://127.0.0.1 here
    me = clinic_app.client().get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json() == {"username": "staff", "role": "staff"}
    # the database keeps a hash of the token, never the token
    with clinic_app.store.engine.connect() as conn:
        from sqlalchemy import text

        kept = [row[0] for row in conn.execute(text("SELECT token_hash FROM user_sessions"))]
    assert body["token"] not in kept and secrets_mod.hash_token(body["token"]) in kept


def test_https_public_url_makes_cookies_secure(pg_url: str, tmp_path: Path) -> None:
    c = make_clinic(
        pg_url, tmp_path, ClinicSettings(public_url="https://backcover.clinic.example", delay_step=0)
    )
    r = c.sign_in("staff")
    assert all("Secure" in v for v in r.headers.get_list("set-cookie"))
    page = c.client().get("/login")  # the form-token cookie too
    assert page.headers["set-cookie"].startswith("bc_session=") and "Secure" in page.headers["set-cookie"]
    c.store.close()
    c.app.state.web.store().close()


def test_wrong_password_and_unknown_user_get_the_same_answer(
    clinic_app: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    real = secrets_mod.verify_password

    def counting(stored: str, password: str) -> bool:
        checks.append(stored[:9])
        return real(stored, password)

    monkeypatch.setattr(secrets_mod, "verify_password", counting)
    wrong = clinic_app.sign_in("staff", "not the password at all")
    unknown = clinic_app.sign_in("nobody-here", "not the password at all")
    odd = clinic_app.sign_in("sta\x00ff", "not the password at all")  # PostgreSQL refuses NUL in text
    assert wrong.status_code == unknown.status_code == odd.status_code == 401
    assert wrong.json() == unknown.json() == odd.json()
    assert "password" in wrong.json()["error"]
    # an unknown user costs an Argon2id check too (a dummy hash): the timing does not tell
    assert checks == ["$argon2id", "$argon2id", "$argon2id"]


def test_login_page_signs_in_and_goes_back_where_it_was(clinic_app: Clinic) -> None:
    web = clinic_app.client(follow_redirects=False)
    r = web.get("/cases?x=1")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/cases%3Fx%3D1"
    page = web.get("/login", params={"next": "/cases?x=1"})
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    assert "Information, not advice" in page.text
    token = _csrf(page.text)
    bad = web.post(
        "/login", data={"username": "staff", "password": "nope", "next": "/cases", "csrf_token": token}
    )
    assert bad.status_code == 401 and "wrong user name or password" in bad.text
    ok = web.post(
        "/login", data={"username": "Staff", "password": PASSWORD, "next": "/cases?x=1", "csrf_token": token}
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/cases?x=1"
    assert web.get("/cases").status_code == 200
    assert "Signed in as" in web.get("/cases").text


def test_login_needs_the_form_token_and_only_goes_to_this_site(clinic_app: Clinic) -> None:
    web = clinic_app.client(follow_redirects=False)
    assert web.post("/login", data={"username": "staff", "password": PASSWORD}).status_code == 403
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        web = clinic_app.client(follow_redirects=False)  # signing in renews the form token: a new browser
        token = _csrf(web.get("/login").text)
        r = web.post(
            "/login", data={"username": "staff", "password": PASSWORD, "next": evil, "csrf_token": token}
        )
        assert r.status_code == 303 and r.headers["location"] == "/", evil


def test_sign_out_and_sign_out_everywhere(clinic_app: Clinic) -> None:
    first = clinic_app.sign_in("staff").json()["token"]
    second = clinic_app.sign_in("staff").json()["token"]
    one = clinic_app.client()
    h1, h2 = {"Authorization": f"Bearer {first}"}, {"Authorization": f"Bearer {second}"}
    r = one.delete("/api/session", headers=h1)
    assert r.status_code == 200 and r.json() == {"ended": 1}
    assert one.get("/api/me", headers=h1).status_code == 401
    assert one.get("/api/me", headers=h2).status_code == 200
    third = clinic_app.sign_in("staff").json()["token"]
    r = one.delete(
        "/api/session", params={"everywhere": "true"}, headers={"Authorization": f"Bearer {third}"}
    )
    assert r.json()["ended"] >= 3  # second, third and the fixture's own staff session
    assert one.get("/api/me", headers=h2).status_code == 401
    assert clinic_app.client("staff").get("/api/me").status_code == 401
    # the page's sign-out button
    web = clinic_app.client(follow_redirects=False)
    token = _csrf(web.get("/login").text)
    web.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token})
    page = web.get("/cases")
    out = web.post("/logout", data={"csrf_token": _csrf(page.text)})
    assert out.status_code == 303 and out.headers["location"].startswith("/login")
    assert web.get("/cases").status_code == 303


def test_idle_and_absolute_timeouts(clinic_app: Clinic) -> None:
    signin: SignIn = clinic_app.app.state.web.signin()
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    now = [start]
    signin.clock = lambda: now[0]
    token = clinic_app.sign_in("staff").json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    client = clinic_app.client()
    for minutes in range(25, 12 * 60, 25):  # busy all day: never idle for 30 minutes
        now[0] = start + timedelta(minutes=minutes)
        assert client.get("/api/me", headers=h).status_code == 200, minutes
    now[0] = start + timedelta(hours=12, minutes=1)  # the absolute limit
    assert client.get("/api/me", headers=h).status_code == 401
    token = clinic_app.sign_in("staff").json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    now[0] += timedelta(minutes=31)  # idle
    assert client.get("/api/me", headers=h).status_code == 401


def test_a_disabled_user_cannot_sign_in_and_is_signed_out(clinic_app: Clinic) -> None:
    accounts = Accounts(clinic_app.store.engine, "test:admin")
    staff = clinic_app.client("staff")
    assert staff.get("/api/me").status_code == 200
    clinic.disable_user(accounts, "staff")
    assert staff.get("/api/me").status_code == 401
    refused = clinic_app.sign_in("staff")
    assert refused.status_code == 401 and refused.json() == clinic_app.sign_in("nobody").json()
    clinic.enable_user(accounts, "staff")
    assert clinic_app.sign_in("staff").status_code == 200


def test_repeated_failures_lock_the_user_name_for_a_while(pg_url: str, tmp_path: Path) -> None:
    settings = ClinicSettings(user_failures=3, address_failures=100, delay_step=0)
    c = make_clinic(pg_url, tmp_path, settings)
    for _ in range(3):
        assert c.sign_in("staff", "wrong wrong wrong").status_code == 401
    locked = c.sign_in("staff")  # even the right password
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    # an unknown user name locks the same way: a 429 says nothing about who exists
    for _ in range(3):
        assert c.sign_in("ghost", "wrong wrong wrong").status_code == 401
    assert c.sign_in("ghost").status_code == 429
    assert c.sign_in("viewer").status_code == 200  # other users are not locked
    signin: SignIn = c.app.state.web.signin()
    later = datetime.now(UTC) + timedelta(minutes=16)
    signin.clock = lambda: later
    assert c.sign_in("staff").status_code == 200  # the lock ends
    c.store.close()
    c.app.state.web.store().close()


def test_many_failures_from_one_address_lock_it(pg_url: str, tmp_path: Path) -> None:
    c = make_clinic(pg_url, tmp_path, ClinicSettings(user_failures=100, address_failures=4, delay_step=0))
    for name in ("a1", "a2", "a3", "a4"):
        assert c.sign_in(name, "guessing guessing").status_code == 401
    r = c.sign_in("staff")
    assert r.status_code == 429 and r.json()["error"].startswith("too many failed sign-ins")
    c.store.close()
    c.app.state.web.store().close()


def test_each_failure_waits_longer(clinic_app: Clinic) -> None:
    st = ClinicSettings(delay_step=0.5, max_delay=3.0, user_failures=10)
    signin = SignIn(clinic_app.app.state.web.signin().accounts, st)
    waits = []
    for _ in range(5):
        with pytest.raises(SignInRefused) as exc:
            signin.sign_in("viewer", "wrong wrong wrong", None, "10.0.0.9")
        waits.append(exc.value.delay)
    assert waits == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_one_time_codes_for_an_admin(clinic_app: Clinic) -> None:
    accounts = Accounts(clinic_app.store.engine, "test:admin")
    uri = clinic.totp_enable(accounts, "admin")
    assert uri.startswith("otpauth://totp/") and "issuer=backcover" in uri
    secret = pyotp.parse_uri(uri).secret
    assert clinic_app.sign_in("admin").status_code == 401  # the password alone is not enough now
    code = pyotp.TOTP(secret).now()
    assert clinic_app.sign_in("admin", otp="000000" if code != "000000" else "111111").status_code == 401
    assert clinic_app.sign_in("admin", otp=code).status_code == 200
    assert clinic_app.sign_in("admin", otp=code).status_code == 401  # a code works once
    clinic.totp_disable(accounts, "admin")
    assert clinic_app.sign_in("admin").status_code == 200
