"""The knowledge files' confidence marks (✅ ◐ ❓) reach pages and PDFs as words: the page and PDF
fonts have no ❓ or ✅ (they showed as an empty box). The JSON keeps the marks as written."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from pypdf import PdfReader

from backcover.marks import finalize, marks_html, marks_text
from tests._web_support import choose_synthea_patient, web_client
from tests.test_web_labels import visible_text

TODAY = date(2026, 11, 27)
MARKS = re.compile("[\u2705\u25d0\u2753]")
ANTHEM = "/check?procedure=63047&payer=commercial&insurer=anthem&setting=hospital-outpatient"


def test_marks_become_labels_and_runs_of_one_mark_one_label() -> None:
    html = str(marks_html("◐◐ two agreeing sources; ❓ <not> read; ✅/◐ both"))
    assert html == (
        '<span class="mark mark-secondary">secondary source</span> two agreeing sources; '
        '<span class="mark mark-unconfirmed">unconfirmed</span> &lt;not&gt; read; '
        '<span class="mark mark-confirmed">confirmed</span>/'
        '<span class="mark mark-secondary">secondary source</span> both'
    )
    assert marks_text("❓\ufe0f not found") == "[unconfirmed] not found"
    assert finalize("no mark") == "no mark" and finalize(3) == 3


def _client(tmp_path: Path) -> TestClient:
    c = web_client(tmp_path, TODAY)
    choose_synthea_patient(c)
    return c


def test_check_page_shows_unconfirmed_as_a_label_and_the_api_keeps_the_mark(tmp_path: Path) -> None:
    c = _client(tmp_path)
    page = c.get(ANTHEM).text
    assert not MARKS.findall(visible_text(page)), "a raw mark reached the page"
    assert '<span class="mark mark-unconfirmed">unconfirmed</span> the duration Carelon' in page
    assert '<span class="mark mark-secondary">secondary source</span>' in page
    spanish = c.get(ANTHEM + "&lang=es").text
    assert '<span class="mark mark-unconfirmed">sin confirmar</span>' in spanish
    assert '<span class="mark mark-secondary">fuente secundaria</span>' in spanish
    body = {
        "procedure": "63047",
        "payer": "commercial",
        "insurer": "anthem",
        "setting": "hospital-outpatient",
    }
    det = c.post("/api/check", json=body).json()
    notes = [x["confidence"] for x in det["criteria"] if x.get("confidence")]
    assert any(n.startswith("\u2753 the duration Carelon") for n in notes), "the JSON keeps the mark"


def test_cost_page_sources_show_labels(tmp_path: Path) -> None:
    c = _client(tmp_path)
    t = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/").text)
    assert t
    c.post("/start/plan", data={"csrf_token": t.group(1), "template": "ppo", "name": "work ppo"})
    page = c.get("/cost?procedure=63030&setting=asc").text
    assert 'data-testid="cost-result"' in page
    assert not MARKS.findall(visible_text(page)), "a raw mark reached the page"
    assert page.count('class="mark mark-secondary"') >= 5


def test_the_before_you_send_pdf_prints_the_words() -> None:
    from backcover.documents import Right, before_you_send, render_html, render_pdf
    from tests._letters_support import all_letters

    letter = all_letters()["appeal_letter"]
    right = Right(
        "Ask for the file", "29 CFR 2560.503-1(h)", confidence="❓ the plan's own page was not read"
    )
    sheet = before_you_send(dataclasses.replace(letter, rights=(*letter.rights, right)))
    assert '<span class="mark mark-unconfirmed">unconfirmed</span> the plan' in render_html(sheet)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(sheet))).pages)
    assert "unconfirmed the plan's own page was not read" in " ".join(text.split())
    assert "\u2753" not in text
