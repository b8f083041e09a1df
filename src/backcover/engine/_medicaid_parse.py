"""Reading ``knowledge/medicaid_states.yaml`` (an edge): every entry checked, bad ones are BadInput naming
the file and the line. ``build_table`` is what ``Knowledge.cached`` keeps (its module is the cache stamp).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from backcover.engine._medicaid_model import (
    BENEFIT_PA,
    BENEFITS,
    CONFIDENCE,
    COVERAGE,
    FILE,
    MEDICAID_STATES,
    PA_SERVICES,
    PER,
    REQUIRED,
    TERRITORIES,
    BenefitFact,
    FactSource,
    MedicaidTable,
    PaFact,
    StateProgram,
    VisitLimit,
)
from backcover.engine._pack_fields import field_date, field_text
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.states import STATES
from backcover.yamlio import check_keys, line_of, suggest

__all__ = ["build_table", "parse_table"]

_SOURCE_KEYS = ("url", "section", "effective", "checked", "title")
_BENEFIT_KEYS = (
    "coverage",
    "limits",
    "visit_limit",
    "prior_authorization",
    "pa_after_visits",
    "source",
    "confidence",
    "note",
)
_PA_KEYS = ("required", "reviewer", "source", "confidence", "note")
_STATE_KEYS = ("program", "agency", "note", *BENEFITS, "prior_authorization")


def build_table(kb: Knowledge) -> MedicaidTable:
    from backcover.yamlio import load_yaml  # the YAML library loads only when parsing

    path = kb.file(FILE)
    return parse_table(load_yaml(path), str(path))


def parse_table(data: Any, file: str) -> MedicaidTable:
    """Check and build the table from the parsed YAML; any bad entry is BadInput naming file and line."""
    if not isinstance(data, Mapping) or not isinstance(data.get("states"), Mapping):
        raise BadInput(
            "the Medicaid table needs a 'states' mapping (state code -> its program)",
            "start the file with states: and one entry per state, e.g. CA: {program: Medi-Cal, ...}",
            file,
        )
    check_keys(data, ("checked", "states"), file, "the Medicaid table")
    checked = _date(data, "checked", file) if data.get("checked") is not None else None
    raw = data["states"]
    states: dict[str, StateProgram] = {}
    for key in raw:
        code = str(key)
        if code not in MEDICAID_STATES:
            fix = (
                "the table covers the 50 states and DC; territories' programs are not in it"
                if code in TERRITORIES
                else "use a two-letter state code: " + suggest(code, MEDICAID_STATES)
            )
            raise BadInput(f"unknown state {code!r} in the Medicaid table", fix, file, line_of(raw, key))
        states[code] = _state(code, raw[key], file, line_of(raw, key))
    missing = [c for c in MEDICAID_STATES if c not in states]
    if missing:
        raise BadInput(
            f"the Medicaid table has no entry for {', '.join(missing)}",
            "add an entry for every state and DC (a fact may be 'unconfirmed', with a note)",
            file,
            line_of(data, "states"),
        )
    return MedicaidTable(checked, {c: states[c] for c in MEDICAID_STATES})


def _state(code: str, node: Any, file: str, where: str | None) -> StateProgram:
    if not isinstance(node, Mapping):
        raise BadInput(
            f"the entry for {code} must be a mapping",
            "write program:, chiropractic:, ... under it",
            file,
            where,
        )
    check_keys(node, _STATE_KEYS, file, f"the entry for {code}")
    program = _text(node, "program", file, f"the entry for {code}")
    benefits = {}
    for service in BENEFITS:
        if service not in node:
            raise BadInput(
                f"the entry for {code} has no {service!r} fact",
                f"add {service}: {{coverage: unconfirmed, confidence: unconfirmed, note: ...}}",
                file,
                line_of(node) or where,
            )
        benefits[service] = _benefit(service, node[service], file, line_of(node, service), code)
    pa_node = node.get("prior_authorization")
    if not isinstance(pa_node, Mapping):
        raise BadInput(
            f"the entry for {code} needs prior_authorization: with {', '.join(PA_SERVICES)}",
            "add prior_authorization: {advanced_imaging: {...}, injections: {...}, ...}",
            file,
            line_of(node, "prior_authorization") or line_of(node) or where,
        )
    check_keys(pa_node, tuple(PA_SERVICES), file, f"{code} prior_authorization")
    pas = {}
    for service in PA_SERVICES:
        if service not in pa_node:
            raise BadInput(
                f"{code} prior_authorization has no {service!r} fact",
                f"add {service}: {{required: unconfirmed, confidence: unconfirmed, note: ...}}",
                file,
                line_of(pa_node) or where,
            )
        pas[service] = _pa(service, pa_node[service], file, line_of(pa_node, service), code)
    return StateProgram(
        state=code,
        name=STATES[code],
        program=program,
        agency=_opt_text(node, "agency", file, f"the entry for {code}"),
        benefits=benefits,
        prior_authorization=pas,
        note=_opt_text(node, "note", file, f"the entry for {code}"),
    )


def _benefit(service: str, node: Any, file: str, where: str | None, code: str) -> BenefitFact:
    what = f"{code} {service}"
    node = _mapping(node, file, where, what)
    check_keys(node, _BENEFIT_KEYS, file, what)
    coverage = _choice(node, "coverage", COVERAGE, file, what)
    confidence, source, note = _sourcing(node, coverage, file, what)
    limit = node.get("visit_limit")
    visit_limit = _visit_limit(limit, file, line_of(node, "visit_limit"), what) if limit is not None else None
    pa = (
        _choice(node, "prior_authorization", BENEFIT_PA, file, what)
        if "prior_authorization" in node
        else None
    )
    after = node.get("pa_after_visits")
    if (pa == "after_visits") != (after is not None):
        raise BadInput(
            f"{what}: prior_authorization: after_visits goes with pa_after_visits: N (and only with it)",
            "give both, e.g. prior_authorization: after_visits and pa_after_visits: 12",
            file,
            line_of(node, "pa_after_visits") or line_of(node, "prior_authorization"),
        )
    if coverage == "not_covered" and (visit_limit is not None or pa not in (None, "unconfirmed")):
        raise BadInput(
            f"{what} is not covered but has a visit limit or prior-authorization rule",
            "remove visit_limit/prior_authorization, or correct the coverage",
            file,
            line_of(node, "coverage"),
        )
    return BenefitFact(
        service=service,
        coverage=coverage,
        confidence=confidence,
        source=source,
        limits=_opt_text(node, "limits", file, what),
        visit_limit=visit_limit,
        prior_authorization=pa,
        pa_after_visits=_count(node, "pa_after_visits", file, what) if after is not None else None,
        note=note,
    )


def _pa(service: str, node: Any, file: str, where: str | None, code: str) -> PaFact:
    what = f"{code} prior_authorization {service}"
    node = _mapping(node, file, where, what)
    check_keys(node, _PA_KEYS, file, what)
    required = _choice(node, "required", REQUIRED, file, what)
    confidence, source, note = _sourcing(node, required, file, what)
    return PaFact(
        service=service,
        required=required,
        confidence=confidence,
        source=source,
        reviewer=_opt_text(node, "reviewer", file, what),
        note=note,
    )


def _sourcing(
    node: Mapping[str, Any], value: str, file: str, what: str
) -> tuple[str, FactSource | None, str | None]:
    """The confidence, source and note of a fact, checked against each other (no guessed value)."""
    confidence = _choice(node, "confidence", CONFIDENCE, file, what)
    note = _opt_text(node, "note", file, what)
    unconfirmed = value == "unconfirmed"
    if unconfirmed != (confidence == "unconfirmed"):
        raise BadInput(
            f"{what}: an unconfirmed value goes with confidence: unconfirmed (and only with it)",
            "a value read on a page is confirmed (program's page) or secondary (survey, plan's copy); "
            "a value not found is 'unconfirmed' with confidence: unconfirmed",
            file,
            line_of(node, "confidence"),
        )
    if unconfirmed:
        if not note:
            raise BadInput(
                f"{what} is unconfirmed but has no note",
                "add note: saying what was looked for and not found",
                file,
                line_of(node, "confidence"),
            )
        src = node.get("source")
        return confidence, _source(src, file, line_of(node, "source"), what) if src else None, note
    if node.get("source") is None:
        raise BadInput(
            f"{what} has a value but no source",
            "add source: {url: ..., section: ..., effective: YYYY-MM-DD or checked: YYYY-MM-DD}",
            file,
            line_of(node, "confidence") or line_of(node),
        )
    return confidence, _source(node["source"], file, line_of(node, "source"), what), note


def _source(node: Any, file: str, where: str | None, what: str) -> FactSource:
    node = _mapping(node, file, where, f"{what} source")
    check_keys(node, _SOURCE_KEYS, file, f"{what} source")
    url = _text(node, "url", file, f"{what} source")
    if not url.startswith(("https://", "http://")):
        raise BadInput(
            f"{what} source url must be a web address", "write the page's full https:// address", file, where
        )
    effective = _date(node, "effective", file) if node.get("effective") is not None else None
    checked = _date(node, "checked", file) if node.get("checked") is not None else None
    if effective is None and checked is None:
        raise BadInput(
            f"{what} source needs an effective or a checked date",
            "add effective: YYYY-MM-DD (when the rule took effect) or checked: YYYY-MM-DD (when it was read)",
            file,
            where,
        )
    return FactSource(
        url=url,
        section=_text(node, "section", file, f"{what} source"),
        effective=effective,
        checked=checked,
        title=_opt_text(node, "title", file, f"{what} source"),
    )


def _visit_limit(node: Any, file: str, where: str | None, what: str) -> VisitLimit:
    node = _mapping(node, file, where, f"{what} visit_limit")
    check_keys(node, ("visits", "per"), file, f"{what} visit_limit")
    return VisitLimit(
        visits=_count(node, "visits", file, f"{what} visit_limit"),
        per=_choice(node, "per", PER, file, f"{what} visit_limit"),
    )


def _mapping(node: Any, file: str, where: str | None, what: str) -> Mapping[str, Any]:
    if not isinstance(node, Mapping):
        raise BadInput(f"{what} must be a mapping", "write it as key: value pairs", file, where)
    return node


def _text(node: Mapping[str, Any], key: str, file: str, what: str) -> str:
    """The text, with the line breaks of folded YAML turned into single spaces."""
    return " ".join(field_text(node, key, file, what).split())


def _opt_text(node: Mapping[str, Any], key: str, file: str, what: str) -> str | None:
    return _text(node, key, file, what) if node.get(key) is not None else None


def _choice(node: Mapping[str, Any], key: str, allowed: tuple[str, ...], file: str, what: str) -> str:
    value = node.get(key)
    if value is None:
        raise BadInput(
            f"{what} needs {key!r}", f"add {key}: one of {', '.join(allowed)}", file, line_of(node)
        )
    text = str(value)
    if text not in allowed:
        raise BadInput(f"{what}: unknown {key} {text!r}", suggest(text, allowed), file, line_of(node, key))
    return text


def _count(node: Mapping[str, Any], key: str, file: str, what: str) -> int:
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadInput(
            f"{what}: {key} must be a whole number of at least 1",
            f"write {key}: 12",
            file,
            line_of(node, key),
        )
    return value


def _date(node: Mapping[str, Any], key: str, file: str) -> date:
    return field_date(node.get(key), file, line_of(node, key))
