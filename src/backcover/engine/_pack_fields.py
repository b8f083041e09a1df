"""Reading the fields of a policy pack: dates, citations, lists, PA rules, borrowing (for ``_packs``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from backcover.codesets import concepts
from backcover.dates import parse_date_only
from backcover.engine._model import Source
from backcover.engine._pack_model import PAYERS, Borrow, CodeExclusion, PaDefault, PaRule, VisitThreshold
from backcover.errors import BadInput
from backcover.vocab import STATES, Payer, PriorAuth, Setting, values
from backcover.yamlio import check_keys, line_of, suggest

__all__ = [
    "PACK_KINDS",
    "SETTINGS",
    "STATE_CODES",
    "field_borrow",
    "field_code_exclusion",
    "field_date",
    "field_list",
    "field_pa_default",
    "field_payers",
    "field_prior_auth",
    "field_rule",
    "field_source",
    "field_span",
    "field_text",
]


PACK_KINDS: tuple[str, ...] = (
    "ncd",
    "lcd",
    "guideline",
    "benefit",
    "baseline",
    "prior_authorization",
    "statute",
    "regulation",
)


def field_date(value: Any, file: str, where: str | None) -> date:
    try:
        return parse_date_only(value if isinstance(value, date) else str(value))
    except BadInput as exc:
        raise exc.at(file, where) from None


def field_text(node: Mapping[str, Any], key: str, file: str, what: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(
            f"{what} needs {key!r} (text)",
            f"add {key}: ... to {what}",
            file,
            line_of(node, key) or line_of(node),
        )
    return value.strip()


def field_list(
    node: Mapping[str, Any], key: str, file: str, allowed: tuple[str, ...]
) -> tuple[str, ...] | None:
    value = node.get(key)
    if value is None:
        return None
    out = tuple(str(v) for v in value)
    for v in out:
        if v not in allowed:
            raise BadInput(f"unknown {key[:-1]} {v!r}", suggest(v, allowed), file, line_of(node, key))
    return out


SETTINGS = values(Setting)
STATE_CODES = tuple(STATES)
RULE_ANSWERS = (PriorAuth.REQUIRED, PriorAuth.NOT_REQUIRED)


def field_source(node: Any, file: str, where: str | None, default: Mapping[str, Any]) -> Source:
    if not isinstance(node, Mapping):
        raise BadInput(
            "a criterion needs a source {policy, section, url, effective}", "add source: {...}", file, where
        )
    check_keys(node, ("policy", "section", "url", "effective", "confidence"), file, "source")
    merged = {**default, **dict(node)}
    for key in ("policy", "section", "url"):
        if not merged.get(key):
            raise BadInput(
                f"source is missing {key!r}", "every criterion cites policy, section and url", file, where
            )
    eff = merged.get("effective")
    conf = str(merged["confidence"]) if merged.get("confidence") else None
    if eff == "unconfirmed":
        eff = None
        lead = conf.rstrip() if conf else ""
        if lead and not lead.endswith((".", "!", "?")):
            lead += "."
        conf = (
            lead + " " if lead else ""
        ) + "The effective date is not confirmed; check the policy's own page."
    return Source(
        policy=str(merged["policy"]),
        section=str(merged["section"]),
        url=str(merged["url"]),
        effective=field_date(eff, file, where) if eff is not None else None,
        confidence=conf,
    )


def field_span(node: Any, file: str, where: str | None, what: str) -> tuple[date | None, date | None]:
    """``{from: DATE, until: DATE}`` (either may be left out): the days something was in force."""
    if node is None:
        return None, None
    if not isinstance(node, Mapping):
        raise BadInput(
            f"{what} must be a mapping", f"write {what}: {{from: 2024-01-01, until: 2025-12-31}}", file, where
        )
    check_keys(node, ("from", "until"), file, what)
    start = field_date(node["from"], file, where) if node.get("from") else None
    end = field_date(node["until"], file, where) if node.get("until") else None
    if start is not None and end is not None and end < start:
        raise BadInput(f"{what} ends before it starts", "put the until date after the from date", file, where)
    return start, end


def field_code_exclusion(
    node: Mapping[str, Any], file: str, default_source: Mapping[str, Any]
) -> CodeExclusion:
    check_keys(node, ("codes", "reason", "source", "from", "until"), file, "noncovered_codes")
    where = line_of(node)
    return CodeExclusion(
        frozenset(str(c) for c in node["codes"]),
        str(node["reason"]),
        field_source(node.get("source"), file, where, default_source),
        field_date(node["from"], file, where) if node.get("from") else None,
        field_date(node["until"], file, where) if node.get("until") else None,
    )


def field_rule(node: Mapping[str, Any], file: str, default_source: Mapping[str, Any]) -> PaRule:
    check_keys(
        node,
        (
            "codes",
            "category",
            "from",
            "until",
            "settings",
            "states",
            "source",
            "confidence",
            "prior_authorization",
            "note",
            *_VISIT_KEYS,
        ),
        file,
        "rule",
    )
    where = line_of(node)
    answer = field_prior_auth(node.get("prior_authorization", "required"), file, where)
    if answer not in RULE_ANSWERS:
        raise BadInput(
            f"a rule's prior_authorization must be required or not_required, not {answer.value!r}",
            "leave plan-dependent answers to when_no_rule",
            file,
            where,
        )
    return PaRule(
        codes=frozenset(str(c) for c in node["codes"]),
        category=str(node.get("category") or ""),
        start=field_date(node["from"], file, where) if node.get("from") else None,
        end=field_date(node["until"], file, where) if node.get("until") else None,
        settings=field_list(node, "settings", file, SETTINGS),
        states=field_list(node, "states", file, STATE_CODES),
        source=field_source(node.get("source") or {}, file, where, default_source),
        confidence=str(node["confidence"]) if node.get("confidence") else None,
        answer=answer,
        note=str(node["note"]) if node.get("note") else None,
        visits=_visit_threshold(node, file, answer),
    )


_VISIT_KEYS = ("after_visits", "visits_counted", "episode_starts", "episode_gap_days")


def _whole(node: Mapping[str, Any], key: str, file: str) -> int:
    value = node[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadInput(
            f"a rule's {key} must be a whole number of 1 or more, not {value!r}",
            f"write e.g. {key}: 12",
            file,
            line_of(node, key) or line_of(node),
        )
    return value


def _concepts(node: Mapping[str, Any], key: str, file: str) -> tuple[str, ...]:
    value = node.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise BadInput(
            f"a rule's {key} must be a list of concepts",
            f"write e.g. {key}: [physical_therapy]",
            file,
            line_of(node, key) or line_of(node),
        )
    known = concepts()
    for v in value:
        if v not in known:
            raise BadInput(f"unknown concept {v!r} in {key}", suggest(v, known), file, line_of(node, key))
    return tuple(value)


def _visit_threshold(node: Mapping[str, Any], file: str, answer: PriorAuth) -> VisitThreshold | None:
    """``after_visits: N`` (with ``visits_counted``): prior authorization only from visit N+1."""
    if "after_visits" not in node:
        extra = [k for k in _VISIT_KEYS if k in node]
        if extra:
            raise BadInput(
                f"{extra[0]} goes with after_visits", "add after_visits: N", file, line_of(node, extra[0])
            )
        return None
    if answer != PriorAuth.REQUIRED:
        raise BadInput(
            "after_visits goes with a required rule (prior authorization from visit N+1)",
            "leave prior_authorization out, or write required",
            file,
            line_of(node, "after_visits"),
        )
    return VisitThreshold(
        after=_whole(node, "after_visits", file),
        concepts=_concepts(node, "visits_counted", file),
        starts=_concepts(node, "episode_starts", file) if "episode_starts" in node else (),
        gap_days=_whole(node, "episode_gap_days", file) if "episode_gap_days" in node else None,
    )


def field_payers(node: Mapping[str, Any], key: str, file: str) -> tuple[Payer, ...]:
    out = []
    for p in node.get(key) or ():
        if str(p) not in PAYERS:
            raise BadInput(f"unknown payer {p!r}", suggest(str(p), PAYERS), file, line_of(node, key))
        out.append(Payer(str(p)))
    return tuple(out)


def field_prior_auth(value: Any, file: str, where: str | None) -> PriorAuth:
    if str(value) not in values(PriorAuth):
        raise BadInput(
            f"unknown prior_authorization {value!r}", suggest(str(value), values(PriorAuth)), file, where
        )
    return PriorAuth(str(value))


def field_pa_default(node: Any, file: str, default_source: Mapping[str, Any]) -> PaDefault | None:
    if node is None:
        return None
    if not isinstance(node, Mapping):
        raise BadInput(
            "when_no_rule must be a mapping", "write when_no_rule: {prior_authorization: ...}", file
        )
    check_keys(node, ("prior_authorization", "basis", "consult_policy_packs", "source"), file, "when_no_rule")
    where = line_of(node)
    return PaDefault(
        prior_authorization=field_prior_auth(node.get("prior_authorization"), file, where),
        basis=field_text(node, "basis", file, "when_no_rule"),
        source=field_source(node.get("source"), file, where, default_source),
        consult_policy_packs=bool(node.get("consult_policy_packs", False)),
    )


def field_borrow(node: Any, file: str, default_source: Mapping[str, Any]) -> Borrow | None:
    if node is None:
        return None
    if not isinstance(node, Mapping):
        raise BadInput("borrows must be a mapping", "write borrows: {payer: ..., kind: ..., note: ...}", file)
    check_keys(node, ("payer", "kind", "note", "source"), file, "borrows")
    where = line_of(node)
    payer = field_text(node, "payer", file, "borrows")
    if payer not in PAYERS:
        raise BadInput(f"unknown payer {payer!r}", suggest(payer, PAYERS), file, line_of(node, "payer"))
    kind = field_text(node, "kind", file, "borrows")
    if kind not in PACK_KINDS:
        raise BadInput(f"unknown pack kind {kind!r}", suggest(kind, PACK_KINDS), file, line_of(node, "kind"))
    return Borrow(
        Payer(payer),
        kind,
        field_text(node, "note", file, "borrows"),
        field_source(node.get("source"), file, where, default_source),
    )
