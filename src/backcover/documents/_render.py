"""Rendering: the same Jinja2 templates give the HTML (web pages) and, through WeasyPrint, the PDF."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from backcover import DISCLAIMER, i18n, marks
from backcover.documents._letters import Document

__all__ = ["TEMPLATES", "render_html", "render_pdf"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _longdate(value: object) -> str:
    if isinstance(value, date):
        if i18n.language() != "en":
            from babel.dates import format_date

            return str(format_date(value, format="long", locale=i18n.language()))
        return f"{value:%B} {value.day}, {value.year}"
    return "" if value is None else str(value)


def _isodate(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=marks.finalize,  # the PDF fonts have no ❓ or ✅: a mark reads as words
    )
    env.filters["marks"] = marks.marks_html
    env.filters["longdate"] = _longdate
    env.filters["isodate"] = _isodate
    i18n.install(env)
    return env


def render_html(doc: Document, *, show_warnings: bool = True, language: str | None = None) -> str:
    """The document as a standalone HTML page. ``show_warnings`` prints the review box on drafts.

    ``language`` (``"es"``) translates the letter's own words where its catalogue has them; what the
    person and the records supply (names, codes, the plan's reasons) is kept as written.
    """
    template = _env().get_template(f"{doc.kind}.html")
    with i18n.use_language(language or "en"):
        return template.render(
            doc=doc,
            det=getattr(doc, "determination", None),
            disclaimer=DISCLAIMER,
            show_warnings=show_warnings,
        )


def render_pdf(doc: Document, *, show_warnings: bool = True, language: str | None = None) -> bytes:
    """The same HTML, printed to PDF by WeasyPrint."""
    import weasyprint

    html = render_html(doc, show_warnings=show_warnings, language=language)
    pdf: bytes = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
