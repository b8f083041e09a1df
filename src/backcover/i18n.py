"""Translations of pages and letters: gettext catalogues (``locale/<lang>/LC_MESSAGES/messages.po``),
read with Babel and compiled in memory, and the Jinja2 i18n extension.

The language in use is a context variable: the web app sets it for each request (``?lang=es``, then
a cookie), a letter is rendered inside :func:`use_language`. English is the source language: a text
without a translation is shown in English. To add or update a catalogue:

    pybabel extract -F babel.cfg -w 100 -o src/backcover/locale/messages.pot .

then merge the template into ``es/LC_MESSAGES/messages.po`` keeping the entries marked
``#. dynamic`` (labels that reach ``_()`` or ``| tr`` as values, from ``backcover.vocab``,
``backcover.labels``, the navigation, the case stages, the sign-in messages): ``pybabel update`` would
make them obsolete (``#~``), and an obsolete entry is not used. ``tests/test_i18n_catalogue.py``
fails when the template is stale or a Spanish text is missing.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "LANGUAGES",
    "N_",
    "gettext",
    "install",
    "language",
    "ngettext",
    "parse_language",
    "set_language",
    "use_language",
]

LOCALE = Path(__file__).resolve().parent / "locale"
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
_current: ContextVar[str] = ContextVar("backcover_language", default="en")


def parse_language(value: str | None) -> str | None:
    """A supported language code from ``es``, ``es-MX`` or an Accept-Language header; else None."""
    if not value:
        return None
    for part in value.split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in LANGUAGES:
            return code
    return None


@cache
def _translations(lang: str) -> _gettext.NullTranslations:
    po = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not po.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def language() -> str:
    return _current.get()


def N_(message: str) -> str:
    """Marks a text for the catalogue (Babel's ``N_`` keyword) where it is defined; it is translated
    with :func:`gettext` where it is shown, in the language of that moment."""
    return message


def gettext(message: str) -> str:
    return _translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(_current.get()).ngettext(singular, plural, n)


@contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Render inside this block in ``lang`` (an unsupported or missing one means English)."""
    code = parse_language(lang) or "en"
    token = _current.set(code)
    try:
        yield code
    finally:
        _current.reset(token)


def set_language(lang: str | None) -> str:
    """Set the language for the rest of this context (one web request); returns the code used."""
    code = parse_language(lang) or "en"
    _current.set(code)
    return code


def install(env: Any) -> None:
    """Give a Jinja2 environment ``{% trans %}``, ``_()`` and ``| tr``, in the language of the moment."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    # ``{{ value | tr }}``: a label that arrives as a value, translated when the catalogue has it. Unlike
    # ``_()`` it never reads the text as a format string (a name with a "%" in it stays as it is).
    env.filters["tr"] = gettext
