"""Policy packs: YAML files in ``knowledge/policies/``, one per policy, read and checked here.

A pack says when it applies (payers, codes, settings, states, dates), its exclusions, its criteria
as a tree of ``all``/``any`` over typed criteria, and (for prior-authorization programs) its rules.
Every criterion carries its citation. A pack with a typo is refused with the file, the line and the
closest valid name, so a billing specialist can edit packs without reading Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from backcover.dates import parse_date_only
from backcover.engine._model import Source
from backcover.engine._pack_model import (
    PAYERS,
    Borrow,
    CodeExclusion,
    Group,
    Leaf,
    Node,
    Pack,
    PaDefault,
    PaRule,
)
from backcover.engine.criteria import REGISTRY, parse_params
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import STATES, CriterionKind, Payer, PriorAuth, Setting, values
from backcover.yamlio import check_keys, line_of, load_yaml, suggest

__all__ = ["PACK_KINDS", "PAYERS", "build_packs", "load_pack_file"]

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
KINDS = values(CriterionKind)
_LEAF_KEYS = ("id", "kind", "summary", "test", "to_satisfy", "required", "source", "confidence")
_PACK_KEYS = (
    "id",
    "title",
    "policy",
    "kind",
    "payers",
    "codes",
    "settings",
    "states",
    "effective",
    "url",
    "confidence",
    "prior_authorization",
    "lcd_family",
    "noncovered_codes",
    "exclusions",
    "criteria",
    "notes",
    "rules",
    "fallback_for",
    "when_no_rule",
    "borrows",
)


def build_packs(kb: Knowledge) -> tuple[Pack, ...]:
    """The bundle's pack files, then its extra packs (a pack with the id of an earlier one replaces it)."""
    by_id: dict[str, Pack] = {}
    for path in kb.pack_files():
        pack = load_pack_file(path)
        if pack.id in by_id:
            raise BadInput(
                f"pack id {pack.id!r} is also used by {by_id[pack.id].file}",
                "give each pack its own id",
                pack.file,
            )
        by_id[pack.id] = pack
    for extra in kb.extra_packs:
        pack = extra if isinstance(extra, Pack) else load_pack_file(Path(extra))
        by_id.pop(pack.id, None)
        by_id[pack.id] = pack
    return tuple(sorted(by_id.values(), key=lambda p: p.id))


def _date(value: Any, file: str, where: str | None) -> date:
    try:
        return parse_date_only(value if isinstance(value, date) else str(value))
    except BadInput as exc:
        raise exc.at(file, where) from None


def _str(node: Mapping[str, Any], key: str, file: str, what: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(
            f"{what} needs {key!r} (text)",
            f"add {key}: ... to {what}",
            file,
            line_of(node, key) or line_of(node),
        )
    return value.strip()


def _opt_list(
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


_SETTINGS = values(Setting)
_STATES = tuple(STATES)


def _source(node: Any, file: str, where: str | None, default: Mapping[str, Any]) -> Source:
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
        effective=_date(eff, file, where) if eff is not None else None,
        confidence=conf,
    )


def _leaf(node: Mapping[str, Any], file: str, default_source: Mapping[str, Any]) -> Leaf:
    check_keys(node, _LEAF_KEYS, file, "criterion")
    where = line_of(node)
    cid = _str(node, "id", file, "a criterion")
    kind = _str(node, "kind", file, f"criterion {cid}")
    if kind not in KINDS:
        raise BadInput(
            f"criterion {cid}: unknown kind {kind!r}", suggest(kind, KINDS), file, line_of(node, "kind")
        )
    test = node.get("test")
    if not isinstance(test, Mapping) or "type" not in test:
        raise BadInput(
            f"criterion {cid} needs test: {{type: ...}}", f"test types: {', '.join(REGISTRY)}", file, where
        )
    ttype = str(test["type"])
    if ttype not in REGISTRY:
        raise BadInput(
            f"criterion {cid}: unknown test type {ttype!r}",
            suggest(ttype, REGISTRY),
            file,
            line_of(test, "type"),
        )
    params = parse_params(REGISTRY[ttype], test, file, cid)
    conf = node.get("confidence")
    return Leaf(
        id=cid,
        kind=kind,
        summary=_str(node, "summary", file, f"criterion {cid}"),
        test=ttype,
        params=params,
        source=_source(node.get("source"), file, where, default_source),
        to_satisfy=_str(node, "to_satisfy", file, f"criterion {cid}"),
        required=bool(node.get("required", True)),
        confidence=str(conf) if conf else None,
    )


def _node(node: Any, file: str, default_source: Mapping[str, Any]) -> Node:
    if isinstance(node, Mapping) and ("all" in node or "any" in node):
        check_keys(node, ("all", "any", "id", "summary"), file, "criteria group")
        op: Literal["all", "any"] = "all" if "all" in node else "any"
        children = node[op]
        if not isinstance(children, list) or not children:
            raise BadInput(
                f"{op} needs a list of criteria", "list at least one criterion", file, line_of(node)
            )
        return Group(
            op,
            tuple(_node(c, file, default_source) for c in children),
            str(node["id"]) if node.get("id") else None,
            str(node["summary"]) if node.get("summary") else None,
        )
    if isinstance(node, Mapping):
        return _leaf(node, file, default_source)
    raise BadInput("a criterion must be a mapping", "write each criterion as id/kind/summary/test/...", file)


def load_pack_file(path: Path) -> Pack:
    file = str(path)
    data = load_yaml(path)
    if not isinstance(data, Mapping):
        raise BadInput("a policy pack must be a YAML mapping", "start with id: ...", file)
    check_keys(data, _PACK_KEYS, file, "policy pack")
    pid = _str(data, "id", file, "the pack")
    if pid != path.stem:
        raise BadInput(
            f"pack id {pid!r} differs from the file name {path.stem!r}",
            "make them the same",
            file,
            line_of(data, "id"),
        )
    kind = _str(data, "kind", file, "the pack")
    if kind not in PACK_KINDS:
        raise BadInput(f"unknown pack kind {kind!r}", suggest(kind, PACK_KINDS), file, line_of(data, "kind"))
    payers = _payers(data, "payers", file)
    codes_raw = data.get("codes")
    codes = None if codes_raw in (None, "*") else frozenset(str(c) for c in codes_raw)
    eff = data.get("effective") or {}
    start = _date(eff["from"], file, line_of(data, "effective")) if eff.get("from") else None
    end = _date(eff["until"], file, line_of(data, "effective")) if eff.get("until") else None
    url = _str(data, "url", file, "the pack")
    policy = _str(data, "policy", file, "the pack")
    default_source: dict[str, Any] = {"policy": policy, "url": url}
    if start is not None:
        default_source["effective"] = start
    pa = data.get("prior_authorization")
    if pa is not None:
        pa = _prior_auth(pa, file, line_of(data, "prior_authorization"))
    noncovered = tuple(
        CodeExclusion(
            frozenset(str(c) for c in e["codes"]),
            str(e["reason"]),
            _source(e.get("source"), file, line_of(e), default_source),
        )
        for e in data.get("noncovered_codes") or ()
    )
    exclusions = tuple(_leaf(e, file, default_source) for e in data.get("exclusions") or ())
    for e in exclusions:
        if e.kind != "exclusion":
            raise BadInput(f"exclusion {e.id} must have kind: exclusion", "set kind: exclusion", file)
    criteria = (
        _node(
            {"all": data["criteria"]} if isinstance(data.get("criteria"), list) else data["criteria"],
            file,
            default_source,
        )
        if data.get("criteria")
        else None
    )
    rules = tuple(_rule(r, file, default_source) for r in data.get("rules") or ())
    conf = data.get("confidence")
    pack = Pack(
        id=pid,
        file=file,
        title=_str(data, "title", file, "the pack"),
        policy=policy,
        kind=kind,
        payers=payers,
        codes=codes,
        settings=_opt_list(data, "settings", file, _SETTINGS),
        states=_opt_list(data, "states", file, _STATES),
        start=start,
        end=end,
        url=url,
        confidence=str(conf) if conf else None,
        prior_authorization=pa,
        lcd_family=str(data["lcd_family"]) if data.get("lcd_family") else None,
        noncovered_codes=noncovered,
        exclusions=exclusions,
        criteria=criteria,
        notes=tuple(str(n) for n in data.get("notes") or ()),
        rules=rules,
        fallback_for=_payers(data, "fallback_for", file),
        when_no_rule=_pa_default(data.get("when_no_rule"), file, default_source),
        borrows=_borrow(data.get("borrows"), file, default_source),
    )
    ids = [leaf.id for leaf in pack.all_leaves()]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise BadInput(
            f"criterion ids used twice: {', '.join(sorted(dupes))}", "give each criterion its own id", file
        )
    return pack


def _rule(node: Mapping[str, Any], file: str, default_source: Mapping[str, Any]) -> PaRule:
    check_keys(
        node,
        ("codes", "category", "from", "until", "settings", "states", "source", "confidence"),
        file,
        "rule",
    )
    where = line_of(node)
    return PaRule(
        codes=frozenset(str(c) for c in node["codes"]),
        category=str(node.get("category") or ""),
        start=_date(node["from"], file, where) if node.get("from") else None,
        end=_date(node["until"], file, where) if node.get("until") else None,
        settings=_opt_list(node, "settings", file, _SETTINGS),
        states=_opt_list(node, "states", file, _STATES),
        source=_source(node.get("source") or {}, file, where, default_source),
        confidence=str(node["confidence"]) if node.get("confidence") else None,
    )


def _payers(node: Mapping[str, Any], key: str, file: str) -> tuple[Payer, ...]:
    out = []
    for p in node.get(key) or ():
        if str(p) not in PAYERS:
            raise BadInput(f"unknown payer {p!r}", suggest(str(p), PAYERS), file, line_of(node, key))
        out.append(Payer(str(p)))
    return tuple(out)


def _prior_auth(value: Any, file: str, where: str | None) -> PriorAuth:
    if str(value) not in values(PriorAuth):
        raise BadInput(
            f"unknown prior_authorization {value!r}", suggest(str(value), values(PriorAuth)), file, where
        )
    return PriorAuth(str(value))


def _pa_default(node: Any, file: str, default_source: Mapping[str, Any]) -> PaDefault | None:
    if node is None:
        return None
    if not isinstance(node, Mapping):
        raise BadInput(
            "when_no_rule must be a mapping", "write when_no_rule: {prior_authorization: ...}", file
        )
    check_keys(node, ("prior_authorization", "basis", "consult_policy_packs", "source"), file, "when_no_rule")
    where = line_of(node)
    return PaDefault(
        prior_authorization=_prior_auth(node.get("prior_authorization"), file, where),
        basis=_str(node, "basis", file, "when_no_rule"),
        source=_source(node.get("source"), file, where, default_source),
        consult_policy_packs=bool(node.get("consult_policy_packs", False)),
    )


def _borrow(node: Any, file: str, default_source: Mapping[str, Any]) -> Borrow | None:
    if node is None:
        return None
    if not isinstance(node, Mapping):
        raise BadInput("borrows must be a mapping", "write borrows: {payer: ..., kind: ..., note: ...}", file)
    check_keys(node, ("payer", "kind", "note", "source"), file, "borrows")
    where = line_of(node)
    payer = _str(node, "payer", file, "borrows")
    if payer not in PAYERS:
        raise BadInput(f"unknown payer {payer!r}", suggest(payer, PAYERS), file, line_of(node, "payer"))
    kind = _str(node, "kind", file, "borrows")
    if kind not in PACK_KINDS:
        raise BadInput(f"unknown pack kind {kind!r}", suggest(kind, PACK_KINDS), file, line_of(node, "kind"))
    return Borrow(
        Payer(payer),
        kind,
        _str(node, "note", file, "borrows"),
        _source(node.get("source"), file, where, default_source),
    )
