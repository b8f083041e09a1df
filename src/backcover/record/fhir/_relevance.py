"""Which resources can bear on a check: what a population screen reads in full, and what it can leave.

The engine reads a record only through concepts (``Ctx.having``: an item's concepts and their
ancestors) and through scores (items of kind SCORE). An item with no concept that is not a score is
never looked at by any criterion of any pack. So a resource whose item would carry no concept can
be left unread by a screen, and the screen's answer is still the answer ``check`` gives.

This module says, from the parsed JSON alone and without mapping it, which resources are sure to
give such an item. It errs one way only: when in doubt a resource is read. Only the types whose
concepts come from nothing but their own codes are judged (Condition and Procedure: ``code``;
MedicationRequest and MedicationStatement: ``medicationCodeableConcept``, its codes or the
medication names in its text); every other type is read. ``tests/test_screen_relevance.py`` checks
the promise on every public fixture and checks that leaving these items out changes no decision.
"""

from __future__ import annotations

from typing import Any

from backcover.codesets import Codesets
from backcover.record.fhir._parse import HANDLED, in_error

__all__ = ["INVISIBLE", "MATTERS", "NOTHING", "relevance"]

MATTERS = 0
"""Read it: it may give an item a criterion can see (or it is not a type judged here)."""
INVISIBLE = 1
"""It gives exactly one item, with no concept and not a score: no criterion can see it."""
NOTHING = 2
"""It gives no item at all: a type the reader does not use, or a resource entered in error."""

_HANDLED = frozenset(HANDLED)


def relevance(res: dict[str, Any], cs: Codesets) -> int:
    """MATTERS, INVISIBLE or NOTHING for one parsed resource (see the module doc)."""
    rtype = res.get("resourceType")
    try:
        if rtype == "Condition" or rtype == "Procedure":
            if _coded(res.get("code"), cs):
                return MATTERS
        elif rtype == "MedicationRequest" or rtype == "MedicationStatement":
            cc = res.get("medicationCodeableConcept")
            if type(cc) is not dict or _coded(cc, cs) or _named(cc, cs):
                return MATTERS  # without a CodeableConcept: a Medication by reference, read where it is
        elif rtype in _HANDLED or type(rtype) is not str or rtype == "Bundle":
            return MATTERS
        else:
            return NOTHING  # a type the reader does not use
        return NOTHING if in_error(res) else INVISIBLE
    except (TypeError, AttributeError, ValueError):
        return MATTERS  # an odd shape: the mapper says what is wrong with it


def _coded(cc: Any, cs: Codesets) -> bool:
    """True when any coding of the CodeableConcept maps to a concept (or cannot be judged)."""
    if type(cc) is not dict:
        return cc is not None  # not an object: let the mapper judge it
    raw = cc.get("coding")
    if raw is None:
        return False
    if type(raw) is not list:
        return True
    lookup = cs.lookup
    for c in raw:
        if type(c) is not dict:
            return True
        code = c.get("code")
        if code is None:
            continue
        system = c.get("system")
        if type(code) is not str or (system is not None and type(system) is not str):
            return True
        if lookup(system or "", code) is not None:  # as the mapper's Coding holds it
            return True
    return False


def _named(cc: dict[str, Any], cs: Codesets) -> bool:
    """True when the medication's text or any coding's display names a medication concept (the
    mapper reads the displays of coded codings, and the text or else the first display)."""
    match = cs.match_medication_text
    raw = cc.get("coding")
    for c in raw if type(raw) is list else ():
        if type(c) is dict:
            display = c.get("display")
            if display is not None and (type(display) is not str or match(display) is not None):
                return True
    text = cc.get("text")
    return text is not None and (type(text) is not str or match(text) is not None)
