"""Policy packs: YAML files in ``knowledge/policies/``, one per policy, read and checked here.

A pack says when it applies (payers, codes, settings, states, dates), its exclusions, its criteria
as a tree of ``all``/``any`` over typed criteria, and (for prior-authorization programs) its rules.
Every criterion carries its citation. A pack with a typo is refused with the file, the line and the
closest valid name, so a billing specialist can edit packs without reading Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from backcover.codesets import concepts as concept_table
from backcover.dates import parse_date_only
from backcover.engine._model import KINDS, PA_VALUES, Source
from backcover.errors import BadInput
from backcover.knowledge import KNOWLEDGE_DIR
from backcover.yamlio import check_keys, line_of, load_yaml, suggest

__all__ = [
    "PACK_KINDS",
    "PAYERS",
    "TESTS",
    "CodeExclusion",
    "Group",
    "Leaf",
    "Node",
    "PaRule",
    "Pack",
    "leaves",
    "load_pack_file",
    "packs",
    "packs_dir",
]

PAYERS: tuple[str, ...] = ("medicare", "medicare-advantage", "commercial", "medicaid")
PACK_KINDS: tuple[str, ...] = (
    "ncd",
    "lcd",
    "guideline",
    "benefit",
    "baseline",
    "prior_authorization",
    "statute",
)

# Test type -> the parameters it accepts. Parameters naming concepts are checked against concepts.yaml.
TESTS: dict[str, tuple[str, ...]] = {
    "diagnosis": ("concepts", "low_back_only"),
    "symptom_duration": ("concepts", "weeks", "months"),
    "conservative_care": ("concepts", "weeks", "months", "min_modalities"),
    "imaging": ("concepts", "within_months", "report_needed"),
    "severity": ("concepts", "min", "within_months"),
    "red_flag": ("concepts",),
    "block_relief": ("concepts", "count", "min_relief_pct", "min_days_apart", "only_if_prior"),
    "sustained_relief": ("concepts", "min_relief_pct", "weeks", "months", "within_months"),
    "absent": ("concepts",),
    "present": ("concepts",),
    "improving": ("days",),
    "trial_relief": ("concepts", "min_relief_pct", "within_days"),
    "frequency": ("concepts", "max", "months", "days"),
    "interval": ("concepts", "days", "weeks", "months"),
    "age": ("min", "max"),
    "documented": ("concepts", "within_months", "kinds"),
    "nicotine_free": ("weeks", "max_cotinine"),
    "lab_value": ("concepts", "below", "only_if"),
    "attestation": (),
    "different_approach": ("concepts",),
    # exclusions: not_met means the payer does not cover the service
    "excluded_indication": ("excluded", "covered"),
    "requires_indication": ("covered",),
    "age_over": ("max",),
    "not_a_benefit": (),
}
_CONCEPT_PARAMS = ("concepts", "excluded", "covered", "only_if")
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
)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One criterion: what it asks (``test`` and ``params``), its citation and its wording."""

    id: str
    kind: str
    summary: str
    test: str
    params: Mapping[str, Any]
    source: Source
    to_satisfy: str
    required: bool = True
    confidence: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """``all``: every child is needed. ``any``: one child is enough (the others become not_applicable)."""

    op: Literal["all", "any"]
    children: tuple[Node, ...]
    id: str | None = None
    summary: str | None = None


Node = Leaf | Group


@dataclass(frozen=True, slots=True)
class CodeExclusion:
    codes: frozenset[str]
    reason: str
    source: Source


@dataclass(frozen=True, slots=True)
class PaRule:
    """A prior-authorization rule: codes, settings, states and the dates of service it covers."""

    codes: frozenset[str]
    category: str
    start: date | None
    end: date | None
    settings: tuple[str, ...] | None
    states: tuple[str, ...] | None
    source: Source
    confidence: str | None = None

    def applies(self, code: str, setting: str, state: str | None, on: date) -> bool:
        if code not in self.codes:
            return False
        if self.settings is not None and setting not in self.settings:
            return False
        if self.states is not None and (state is None or state not in self.states):
            return False
        if self.start is not None and on < self.start:
            return False
        return not (self.end is not None and on > self.end)


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    file: str
    title: str
    policy: str
    kind: str
    payers: tuple[str, ...]
    codes: frozenset[str] | None  # None: every code (baseline packs)
    settings: tuple[str, ...] | None
    states: tuple[str, ...] | None
    start: date | None
    end: date | None
    url: str
    confidence: str | None
    prior_authorization: str | None
    lcd_family: str | None
    noncovered_codes: tuple[CodeExclusion, ...]
    exclusions: tuple[Leaf, ...]
    criteria: Node | None
    notes: tuple[str, ...]
    rules: tuple[PaRule, ...]
    fallback_for: tuple[str, ...]  # payers for which this pack is used only when nothing specific applies

    def in_force(self, on: date) -> bool:
        return (self.start is None or on >= self.start) and (self.end is None or on <= self.end)

    def applies(self, code: str, payer: str, setting: str, state: str | None, on: date) -> bool:
        if payer not in self.payers:
            return False
        if self.codes is not None and code not in self.codes:
            return False
        if self.settings is not None and setting not in self.settings:
            return False
        if self.states is not None and (state is None or state not in self.states):
            return False
        return self.in_force(on)

    def all_leaves(self) -> list[Leaf]:
        out = list(self.exclusions)
        if self.criteria is not None:
            out.extend(leaves(self.criteria))
        return out


def leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    out: list[Leaf] = []
    for child in node.children:
        out.extend(leaves(child))
    return out


def packs_dir() -> Path:
    return KNOWLEDGE_DIR / "policies"


@cache
def packs() -> tuple[Pack, ...]:
    """Every policy pack, in file-name order."""
    out = [load_pack_file(p) for p in sorted(packs_dir().glob("*.yaml"))]
    seen: dict[str, str] = {}
    for p in out:
        if p.id in seen:
            raise BadInput(
                f"pack id {p.id!r} is also used by {seen[p.id]}", "give each pack its own id", p.file
            )
        seen[p.id] = p.file
    return tuple(out)


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


def _opt_list(node: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    value = node.get(key)
    if value is None:
        return None
    return tuple(str(v) for v in value)


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
            f"criterion {cid} needs test: {{type: ...}}", f"test types: {', '.join(TESTS)}", file, where
        )
    ttype = str(test["type"])
    if ttype not in TESTS:
        raise BadInput(
            f"criterion {cid}: unknown test type {ttype!r}",
            suggest(ttype, TESTS),
            file,
            line_of(test, "type"),
        )
    check_keys(test, ("type", *TESTS[ttype]), file, f"test {ttype} of {cid}")
    params = {str(k): _plain(v) for k, v in test.items() if k != "type"}
    known = concept_table()
    for key in _CONCEPT_PARAMS:
        for c in params.get(key) or []:
            if c not in known:
                raise BadInput(
                    f"criterion {cid}: unknown concept {c!r}",
                    suggest(str(c), known),
                    file,
                    line_of(test, key) or where,
                )
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


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


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
    payers = tuple(str(p) for p in data.get("payers") or ())
    for p in payers:
        if p not in PAYERS:
            raise BadInput(f"unknown payer {p!r}", suggest(p, PAYERS), file, line_of(data, "payers"))
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
    if pa is not None and pa not in PA_VALUES:
        raise BadInput(
            f"unknown prior_authorization {pa!r}",
            suggest(str(pa), PA_VALUES),
            file,
            line_of(data, "prior_authorization"),
        )
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
        settings=_opt_list(data, "settings"),
        states=_opt_list(data, "states"),
        start=start,
        end=end,
        url=url,
        confidence=str(conf) if conf else None,
        prior_authorization=str(pa) if pa else None,
        lcd_family=str(data["lcd_family"]) if data.get("lcd_family") else None,
        noncovered_codes=noncovered,
        exclusions=exclusions,
        criteria=criteria,
        notes=tuple(str(n) for n in data.get("notes") or ()),
        rules=rules,
        fallback_for=tuple(str(p) for p in data.get("fallback_for") or ()),
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
        settings=_opt_list(node, "settings"),
        states=_opt_list(node, "states"),
        source=_source(node.get("source") or {}, file, where, default_source),
        confidence=str(node["confidence"]) if node.get("confidence") else None,
    )
