"""The confidence marks of the knowledge files, as words a page can always show (pure).

A fact's ``confidence`` note starts with (or contains) a mark: ✅ read on the source's own page, ◐ from
a secondary source, ❓ not found. The data and the JSON keep the marks. Pages and PDFs cannot count on
a font having them (❓ and ✅ are emoji, missing from the page and PDF fonts), so they show words:
:func:`marks_html` as small labels styled by the ``mark`` CSS classes, :func:`marks_text` as words in
brackets wherever markup cannot go.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from backcover.i18n import N_
from backcover.i18n import gettext as _

__all__ = ["MARK_CLASSES", "finalize", "has_marks", "marks_html", "marks_text"]


# mark -> (its words, its CSS class)
MARK_CLASSES: dict[str, tuple[str, str]] = {
    "\u2705": (N_("confirmed"), "mark-confirmed"),
    "\u25d0": (N_("secondary source"), "mark-secondary"),
    "\u2753": (N_("unconfirmed"), "mark-unconfirmed"),
}
# A run of one mark (◐◐: two agreeing secondary sources) reads as one label; U+FE0F may follow an emoji.
_MARK = re.compile("([\u2705\u25d0\u2753])(?:\ufe0f?\\1)*\ufe0f?")


def has_marks(text: object) -> bool:
    return isinstance(text, str) and _MARK.search(text) is not None


def _words(m: re.Match[str]) -> str:
    return _(MARK_CLASSES[m.group(1)][0])


def marks_text(text: str) -> str:
    """``text`` with each mark as its words in brackets: "◐ read on a copy" -> "[secondary source] read…"."""
    return _MARK.sub(lambda m: f"[{_words(m)}]", text)


def marks_html(text: object) -> Markup:
    """``text`` escaped, each mark a label: ``<span class="mark mark-secondary">secondary source</span>``."""
    if isinstance(text, Markup) or not isinstance(text, str):
        return Markup(escape(text if text is not None else ""))
    out: list[str] = []
    last = 0
    for m in _MARK.finditer(text):
        out.append(str(escape(text[last : m.start()])))
        out.append(f'<span class="mark {MARK_CLASSES[m.group(1)][1]}">{escape(_words(m))}</span>')
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def finalize(value: object) -> object:
    """A Jinja2 ``finalize``: any mark a template prints without :func:`marks_html` still reads as words."""
    if isinstance(value, str) and not isinstance(value, Markup) and has_marks(value):
        return marks_text(value)
    return value
