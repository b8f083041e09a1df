"""The Spanish catalogue: the template is regenerated from the code (babel.cfg), every text in it has
Spanish, and the worklist, metrics, clinic (sign-in, users, audit) and Medicaid-by-state words show in
Spanish under ``?lang=es``, never in English."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from backcover import i18n
from backcover.caseload import STAGES
from backcover.clinic._signin import WRONG
from backcover.vocab import PlanKind
from tests._clinic_support import (  # noqa: F401
    Clinic,
    cheap_hashes_fixture,
    clinic_app_fixture,
    clinic_database_fixture,
    pg_url_fixture,
)
from tests._web_support import web_client

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "src" / "backcover" / "locale"
TODAY = date(2026, 11, 27)


def _ids(catalog: object) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}  # type: ignore[attr-defined]


def _extracted() -> set[str]:
    with (REPO / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = extract_from_dir(str(REPO), method_map, options_map)
    return {m if isinstance(m, str) else m[0] for _file, _line, m, _comments, _ctx in found}


def test_the_template_is_regenerated_from_the_code() -> None:
    with (LOCALE / "messages.pot").open("rb") as fh:
        template = _ids(read_po(fh))
    now = _extracted()
    assert now - template == set(), "run pybabel extract (see backcover/i18n.py): the template lacks these"
    assert template - now == set(), "the template has texts the code no longer marks"


def test_every_text_of_the_template_has_spanish() -> None:
    with (LOCALE / "es" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        es = read_po(fh, locale="es")
    with (LOCALE / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    missing = []
    for m in template:
        if not m.id:
            continue
        got = es.get(m.id)
        strings = [] if got is None else [got.string] if isinstance(got.string, str) else list(got.string)
        if got is None or got.fuzzy or not strings or not all(strings):
            missing.append(m.id)
    assert missing == []


def test_the_labels_that_arrive_as_values_have_spanish() -> None:
    """The case stages, plan kinds and sign-in refusals reach the pages as values (``| tr``)."""
    with (LOCALE / "es" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        es = read_po(fh, locale="es")
    labels = [*STAGES.values(), *(k.label for k in PlanKind), WRONG]
    assert [w for w in labels if not (es.get(w) and es[w].string)] == []
    with i18n.use_language("es"):
        assert i18n.gettext(STAGES["new"]) == "nada enviado todavía"


ENGLISH = re.compile(
    r"\b(?:Show only|Assigned to|Next deadline|open cases?|nobody yet|What is due|How these are counted"
    r"|Payer and service|Approved after appeal|Download these figures|User name|Password|One-time code"
    r"|Forgot your password|Add a user|Set password|Last signed in|Audit log|Patient number|Download as CSV"
    r"|No events match|Sign out|Signed in as|What to do)\b"
)


def _text(page: str) -> str:
    page = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _spanish(page: str, *expected: str) -> None:
    text = _text(page)
    assert '<html lang="es">' in page
    english = sorted(set(ENGLISH.findall(text)))
    assert english == [], f"English on a Spanish page: {english}"
    for words in expected:
        assert words in text, words


def test_the_worklist_and_metrics_pages_in_spanish(tmp_path: Path) -> None:
    c = web_client(tmp_path, TODAY)
    _spanish(c.get("/worklist?lang=es").text, "Lista de trabajo", "Mostrar solo", "0 casos abiertos.")
    _spanish(c.get("/worklist?due=7").text, "con algo que vence dentro de 7 días")  # the cookie keeps it
    _spanish(c.get("/metrics").text, "Cifras de autorización previa", "Cómo se cuentan", "Pagador y servicio")
    bad = c.get("/metrics?since=soon")
    assert bad.status_code == 400
    _spanish(bad.text, "Desde")  # the field named in the error box


def test_the_clinic_pages_in_spanish(clinic_app: Clinic) -> None:
    anon = clinic_app.client()
    _spanish(anon.get("/login?lang=es").text, "Iniciar sesión", "Nombre de usuario", "Contraseña")
    anon.get("/")  # the form token
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', anon.get("/login").text)
    assert token
    refused = anon.post(
        "/login", data={"csrf_token": token.group(1), "username": "admin", "password": "wrong", "next": "/"}
    )
    _spanish(refused.text, "nombre de usuario o contraseña incorrectos", "Revise el nombre de usuario")
    admin = clinic_app.client("admin")
    for path, words in (
        ("/users?lang=es", ("Usuarios", "Agregar un usuario", "personal: lee y trabaja casos")),
        ("/audit?lang=es", ("Registro de auditoría", "Número de paciente", "Descargar como CSV")),
        ("/worklist?lang=es", ("Lista de trabajo", "nadie todavía", "nada enviado todavía")),
    ):
        r = admin.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        _spanish(r.text, "Sesión iniciada como", "Cerrar sesión", *words)


@pytest.mark.parametrize("state", ["OH", "TX"])
def test_the_medicaid_by_state_words_in_spanish(tmp_path: Path, state: str) -> None:
    from tests._web_support import choose_synthea_patient

    c = web_client(tmp_path, TODAY)
    choose_synthea_patient(c)
    page = c.get(f"/check?procedure=72148&payer=medicaid&state={state}&lang=es").text
    assert 'data-testid="medicaid-state"' in page
    text = _text(page)
    assert "El programa Medicaid de su estado" in text and "Your state's Medicaid program" not in text
