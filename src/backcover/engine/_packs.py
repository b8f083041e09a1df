"""Policy packs: YAML files in ``knowledge/policies/``, one per policy, read and checked here.

A pack says when it applies (payers, codes, settings, states, dates), its exclusions, its criteria
as a tree of ``all``/``any`` over typed criteria, and (for prior-authorization programs) its rules.
Every criterion carries its citation. A pack with a typo is refused with the file, the line and the
closest valid name, so a billing specialist can edit packs without reading Python.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal

from backcover.engine._insurer_table import INSURER_PAYERS, insurer_table
from backcover.engine._pack_fields import (
    PACK_KINDS,
    SETTINGS,
    STATE_CODES,
    field_borrow,
    field_code_exclusion,
    field_date,
    field_list,
    field_pa_default,
    field_payers,
    field_prior_auth,
    field_rule,
    field_source,
    field_span,
    field_text,
)
from backcover.engine._pack_model import (
    PAYERS,
    Group,
    Leaf,
    Node,
    Pack,
)
from backcover.engine.criteria import REGISTRY, parse_params
from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.vocab import CriterionKind, values
from backcover.yamlio import check_keys, line_of, load_yaml, suggest

__all__ = ["PACK_KINDS", "PAYERS", "build_packs", "load_pack_file"]

KINDS = values(CriterionKind)
_LEAF_KEYS = (
    "id",
    "kind",
    "summary",
    "test",
    "to_satisfy",
    "required",
    "source",
    "confidence",
    "in_force",
)
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
    "version",
    "last_reviewed",
    "series",
    "superseded",
    "insurer",
    "publisher",
)


def build_packs(kb: Knowledge) -> tuple[Pack, ...]:
    """The bundle's pack files, then its extra packs (a pack with the id of an earlier one replaces it)."""
    by_id: dict[str, Pack] = {}
    slugs = insurer_table(kb).slugs
    for path in kb.pack_files():
        pack = load_pack_file(path, slugs)
        if pack.id in by_id:
            raise BadInput(
                f"pack id {pack.id!r} is also used by {by_id[pack.id].file}",
                "give each pack its own id",
                pack.file,
            )
        by_id[pack.id] = pack
    for extra in kb.extra_packs:
        pack = extra if isinstance(extra, Pack) else load_pack_file(Path(extra), slugs)
        by_id.pop(pack.id, None)
        by_id[pack.id] = pack
    return tuple(sorted(by_id.values(), key=lambda p: p.id))


def _leaf(node: Mapping[str, Any], file: str, default_source: Mapping[str, Any]) -> Leaf:
    check_keys(node, _LEAF_KEYS, file, "criterion")
    where = line_of(node)
    cid = field_text(node, "id", file, "a criterion")
    kind = field_text(node, "kind", file, f"criterion {cid}")
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
    start, end = field_span(node.get("in_force"), file, line_of(node, "in_force") or where, "in_force")
    return Leaf(
        id=cid,
        kind=kind,
        summary=field_text(node, "summary", file, f"criterion {cid}"),
        test=ttype,
        params=params,
        source=field_source(node.get("source"), file, where, default_source),
        to_satisfy=field_text(node, "to_satisfy", file, f"criterion {cid}"),
        required=bool(node.get("required", True)),
        confidence=str(conf) if conf else None,
        start=start,
        end=end,
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


def _insurer(data: Mapping[str, Any], file: str, slugs: Collection[str] | None) -> str | None:
    """The pack's ``insurer`` slug (checked against insurers.yaml), or None for a generic pack."""
    raw = data.get("insurer")
    if raw is None:
        return None
    slug = str(raw).strip()
    known = tuple(slugs) if slugs is not None else insurer_table().slugs
    if slug not in known:
        raise BadInput(
            f"unknown insurer {slug!r}",
            suggest(slug, known) + " (the slugs of knowledge/insurers.yaml)",
            file,
            line_of(data, "insurer"),
        )
    return slug


def load_pack_file(path: Path, insurers: Collection[str] | None = None) -> Pack:
    """Read and check one pack file; ``insurers`` are the valid ``insurer`` slugs (default: packaged)."""
    file = str(path)
    data = load_yaml(path)
    if not isinstance(data, Mapping):
        raise BadInput("a policy pack must be a YAML mapping", "start with id: ...", file)
    check_keys(data, _PACK_KEYS, file, "policy pack")
    pid = field_text(data, "id", file, "the pack")
    if pid != path.stem:
        raise BadInput(
            f"pack id {pid!r} differs from the file name {path.stem!r}",
            "make them the same",
            file,
            line_of(data, "id"),
        )
    kind = field_text(data, "kind", file, "the pack")
    if kind not in PACK_KINDS:
        raise BadInput(f"unknown pack kind {kind!r}", suggest(kind, PACK_KINDS), file, line_of(data, "kind"))
    payers = field_payers(data, "payers", file)
    codes_raw = data.get("codes")
    codes = None if codes_raw in (None, "*") else frozenset(str(c) for c in codes_raw)
    start, end = field_span(data.get("effective"), file, line_of(data, "effective"), "effective")
    url = field_text(data, "url", file, "the pack")
    policy = field_text(data, "policy", file, "the pack")
    default_source: dict[str, Any] = {"policy": policy, "url": url}
    if start is not None:
        default_source["effective"] = start
    pa = data.get("prior_authorization")
    if pa is not None:
        pa = field_prior_auth(pa, file, line_of(data, "prior_authorization"))
    noncovered = tuple(
        field_code_exclusion(e, file, default_source) for e in data.get("noncovered_codes") or ()
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
    rules = tuple(field_rule(r, file, default_source) for r in data.get("rules") or ())
    conf = data.get("confidence")
    pack = Pack(
        id=pid,
        file=file,
        title=field_text(data, "title", file, "the pack"),
        policy=policy,
        kind=kind,
        payers=payers,
        codes=codes,
        settings=field_list(data, "settings", file, SETTINGS),
        states=field_list(data, "states", file, STATE_CODES),
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
        fallback_for=field_payers(data, "fallback_for", file),
        when_no_rule=field_pa_default(data.get("when_no_rule"), file, default_source),
        borrows=field_borrow(data.get("borrows"), file, default_source),
        version=str(data["version"]) if data.get("version") else None,
        last_reviewed=(
            field_date(data["last_reviewed"], file, line_of(data, "last_reviewed"))
            if data.get("last_reviewed")
            else None
        ),
        series=str(data.get("series") or ""),
        superseded=bool(data.get("superseded", False)),
        insurer=_insurer(data, file, insurers),
        publisher=field_text(data, "publisher", file, "the pack"),
    )
    if pack.insurer is not None:
        wrong = [p for p in pack.payers if p not in INSURER_PAYERS]
        if wrong:
            raise BadInput(
                f"a pack of insurer {pack.insurer!r} cannot be for payer {wrong[0]!r}",
                "an insurer's pack is for commercial, medicare-advantage or medicaid plans",
                file,
                line_of(data, "payers"),
            )
    ids = [leaf.id for leaf in pack.all_leaves()]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise BadInput(
            f"criterion ids used twice: {', '.join(sorted(dupes))}", "give each criterion its own id", file
        )
    return pack
