"""Every page a person reads is in plain words: no criterion ids, enum names, backticks, file names,
internal keys or CLI commands, for the shared examples and every Synthea patient.

Real names stay: policy ids (L39240, CMM-200), denial codes (CO-50), NPIs, diagnosis codes.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backcover.web import create_app
from backcover.web._plainwords import duration_words
from tests._web_support import AUTH, WEB_KEY
from tests.conftest import EXAMPLES, SYNTHEA_FILES

TODAY = date(2026, 11, 27)

# (what it is, the pattern) for text a person must never have to decode.
FORBIDDEN: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a criterion id",
        re.compile(
            r"(?<![\w/.:@-])(?!www\.)[a-z][a-z0-9]+(?:\.[a-z][a-z0-9]*_[a-z0-9_]+|\.[a-z0-9_]+\.[a-z0-9_]+)\b"
            r"(?<!\.gov)(?<!\.com)(?<!\.org)"
        ),
    ),
    ("an enum name", re.compile(r"\b[A-Z]{2,}_[A-Z_]{2,}\b")),
    ("a backtick", re.compile(r"`")),
    ("a file name", re.compile(r"\b[\w-]+\.(?:ya?ml|ndjson|md|py)\b|\b[\w-]+-[\w-]+\.json\b")),
    ("an internal key", re.compile(r"\blog/\w+\[\d+\]|\b[a-z]+_[a-z_]+\[\d+\]")),
    (
        "a CLI command",
        re.compile(
            r"\bbackcover (?:case|check|estimate|log|plan|serve|record|appeal|deadlines|policies|prices"
            r"|screen|demo|export)\b"
        ),
    ),
    ("weeks counted past two months", re.compile(r"\b(?:9|[1-9]\d{1,3}) weeks\b")),
    ("a policy named twice", re.compile(r"(\([^()]{2,80}\))\s*\1")),
    ("a date range written with dots", re.compile(r"\d{4}-\d{2}-\d{2}\.\.\d{4}")),
)


def visible_text(page: str) -> str:
    """What a person reads: the page without tags, scripts, styles, the expert plan editor and the
    names of their own uploaded files (marked ``data-own-files``)."""
    page = re.sub(r"<(script|style|textarea)\b[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<ul data-own-files>.*?</ul>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def problems(page: str) -> list[str]:
    text = visible_text(page)
    found = []
    for what, pattern in FORBIDDEN:
        for m in pattern.finditer(text):
            found.append(f"{what}: ...{text[max(0, m.start() - 60) : m.end() + 40]}...")
    return found


def new_client(tmp_path: Path) -> tuple[TestClient, str]:
    app = create_app(
        f"sqlite:///{tmp_path / 'store.db'}",
        data_dir=tmp_path / "ws",
        today=lambda: TODAY,
        access_key=WEB_KEY,
    )
    c = TestClient(app, base_url="http://127.0.0.1", headers=AUTH)
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/").text)
    assert m
    return c, m.group(1)


def upload(c: TestClient, token: str, files: list[Path]) -> None:
    sent = [("files", (p.name, p.read_bytes(), "application/json")) for p in files]
    assert c.post("/start/import", data={"csrf_token": token}, files=sent).status_code == 200


PAGES = ("/", "/record", "/record?all=1", "/cost", "/cases", "/worklist", "/metrics", "/compare", "/help")
CHECKS = (
    "procedure=72148&payer=commercial&state=PA",
    "procedure=64483&payer=medicare&state=New+York",
    "procedure=64483&payer=commercial&state=PA",
    "procedure=64635&payer=medicare&setting=hospital-outpatient&state=PA",
    "procedure=22630&payer=commercial&state=TX",
    "procedure=63030&payer=medicare-advantage&state=CA",
    "procedure=97110&payer=medicaid&state=NY",
)
EXAMPLE_CHECKS = {
    "check-tfesi-medicare.json": "procedure=64483&payer=medicare&setting=office&state=NY&as_of=2026-06-01",
    "check-mri-commercial-early.json": (
        "procedure=72148&payer=commercial&setting=office&state=PA&as_of=2026-06-23"
    ),
    "check-rfa-opd.json": (
        "procedure=64635&payer=medicare&setting=hospital-outpatient&state=PA&as_of=2026-11-27"
    ),
}


def assert_plain(c: TestClient, url: str) -> str:
    r = c.get(url)
    assert r.status_code == 200, f"{url}: {r.status_code}"
    bad = problems(r.text)
    assert bad == [], f"{url} shows internal names:\n" + "\n".join(bad[:10])
    return r.text


def test_the_checker_finds_what_the_issue_reported() -> None:
    page = (
        "<p>To document (mri.intervention_candidate) RED_FLAG `confidence` log/medicines[0] 669 weeks "
        "(eviCore CMM-200) (eviCore CMM-200) list cases with backcover case list</p>"
    )
    assert len({p.split(":")[0] for p in problems(page)}) == 7
    assert problems("<p>L36920, CMM-200, CO-50, NPI 1234567893, M54.16, e.g. www.cms.gov</p>") == []


def test_durations_read_in_years_months_and_weeks() -> None:
    assert duration_words(669 * 7 + 4) == "12 years, 10 months"
    assert duration_words(13 * 7 + 1) == "3 months"
    assert duration_words(4 * 7 + 2) == "4 weeks, 2 days"


def test_every_page_in_plain_words_before_anything_is_imported(tmp_path: Path) -> None:
    c, _ = new_client(tmp_path)
    for url in PAGES:
        assert_plain(c, url)
    r = c.get("/check?" + CHECKS[1])  # asked before any record: the page says what to do, in words
    assert r.status_code == 400 and "no records have been imported yet" in r.text
    assert problems(r.text) == []


@pytest.mark.parametrize("example", sorted(EXAMPLE_CHECKS))
def test_every_page_in_plain_words_for_the_shared_examples(tmp_path: Path, example: str) -> None:
    c, t = new_client(tmp_path)
    assert_plain(c, "/")
    upload(c, t, [EXAMPLES / example])
    c.post("/start/plan", data={"csrf_token": t, "template": "ppo", "name": "My 2026 PPO"})
    for url in PAGES:
        assert_plain(c, url)
    page = assert_plain(c, "/check?" + EXAMPLE_CHECKS[example])
    assert 'data-testid="next-step"' in page
    fields = dict(
        re.findall(r'<input type="hidden" name="(procedure|payer|setting|state)" value="([^"]*)"', page)
    )
    r = c.post("/cases/new", data={"csrf_token": t, **fields}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    assert_plain(c, r.headers["location"])
    assert_plain(c, "/cases")


def test_every_page_in_plain_words_for_every_synthea_patient(tmp_path: Path) -> None:
    c, t = new_client(tmp_path)
    upload(c, t, SYNTHEA_FILES)
    c.post("/start/plan", data={"csrf_token": t, "template": "original-medicare", "name": "Medicare"})
    people = re.findall(r'name="patient" value="([^"]+)"', c.get("/").text)
    assert len(people) >= 5
    for pid in people:
        r = c.post("/start/patient", data={"csrf_token": t, "patient": pid}, follow_redirects=False)
        assert r.status_code == 303
        for url in ("/", "/record", "/record?all=1"):
            assert_plain(c, url)
        for q in CHECKS:
            page = assert_plain(c, "/check?" + q)
            assert 'data-testid="next-step"' in page, q


def test_the_check_page_in_spanish(tmp_path: Path) -> None:
    c, t = new_client(tmp_path)
    upload(c, t, [EXAMPLES / "check-tfesi-medicare.json"])
    r = c.get("/check?" + EXAMPLE_CHECKS["check-tfesi-medicare.json"] + "&lang=es")
    assert r.status_code == 200
    assert '<html lang="es">' in r.text
    text = visible_text(r.text)
    assert "Consultar un procedimiento" in text and "Su próximo paso" in text
    assert "Cumple los criterios" in text  # the decision, from the vocabulary's label
    assert "Sus expedientes cumplen los criterios del plan" in text
    # the choice is kept for the next page, and English is one link away
    again = c.get("/check")
    assert '<html lang="es">' in again.text and 'hreflang="en"' in again.text
    assert '<html lang="en">' in c.get("/check?lang=en").text


def test_letters_in_spanish() -> None:
    from backcover.documents import render_html
    from tests._letters_support import all_letters

    letters = all_letters()
    appeal = render_html(letters["appeal_letter"], language="es")
    assert "Al revisor de apelaciones:" in appeal and "Atentamente," in appeal
    assert "Solicito que se revoque la denegación." in appeal
    assert "To the appeals reviewer:" in render_html(letters["appeal_letter"])  # English by default
    gfe = render_html(letters["good_faith_estimate_request"], language="es")
    assert "Solicitud de un Cálculo de Buena Fe" in gfe and "3 días hábiles" in gfe
