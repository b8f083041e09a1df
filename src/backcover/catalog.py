"""The procedure catalog: codes, plain names, region and settings of every procedure family."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.record.model import Region
from backcover.vocab import Setting, values

__all__ = ["SETTINGS", "Catalog", "Procedure", "families", "find", "resolve", "search"]

SETTINGS: tuple[str, ...] = values(Setting)


@dataclass(frozen=True, slots=True)
class Procedure:
    """A procedure family and the code asked about."""

    family: str
    code: str
    name: str
    codes: tuple[str, ...]
    concept: str
    region: Region | None
    usual_setting: str
    settings: tuple[str, ...]
    benefit: str
    words: tuple[str, ...]

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "family": self.family}


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every procedure family, and every code -> its family (with that code)."""

    families: dict[str, Procedure]
    by_code: dict[str, Procedure]


def _catalog(knowledge: Knowledge | None) -> Catalog:
    kb = knowledge if knowledge is not None else Knowledge.packaged()
    return kb.cached("procedures", _build_catalog)


def _build_catalog(kb: Knowledge) -> Catalog:
    from backcover.yamlio import load_yaml  # the YAML library loads only when parsing

    data = load_yaml(kb.file("procedures.yaml"))
    out: dict[str, Procedure] = {}
    for fam, e in data["families"].items():
        codes = tuple(str(c) for c in e["codes"])
        out[str(fam)] = Procedure(
            family=str(fam),
            code=codes[0],
            name=str(e["name"]),
            codes=codes,
            concept=str(e["concept"]),
            region=Region(e["region"]) if e.get("region") else None,
            usual_setting=str(e["usual_setting"]),
            settings=tuple(str(s) for s in e["settings"]),
            benefit=str(e["benefit"]),
            words=tuple(str(w) for w in e.get("words") or ()),
        )
    index: dict[str, Procedure] = {}
    for proc in out.values():
        for code in proc.codes:
            index.setdefault(code.upper(), replace(proc, code=code))
    return Catalog(out, index)


def families(knowledge: Knowledge | None = None) -> dict[str, Procedure]:
    """Every procedure family by its name."""
    return _catalog(knowledge).families


def find(code: str, knowledge: Knowledge | None = None) -> Procedure | None:
    return _catalog(knowledge).by_code.get(code.strip().upper())


def resolve(
    code: str, setting: str | None = None, knowledge: Knowledge | None = None
) -> tuple[Procedure, str]:
    """The catalog entry for a code and the setting to use; bad input names the valid choices."""
    proc = find(code, knowledge)
    if proc is None:
        valid = ", ".join(f"{p.code} ({p.name})" for p in families(knowledge).values())
        raise BadInput(
            f"unknown procedure code {code!r}",
            f"use a CPT/HCPCS code backcover knows; the main ones are: {valid}",
            where="--procedure",
        )
    if setting is None:
        return proc, proc.usual_setting
    if setting not in SETTINGS:
        raise BadInput(
            f"unknown setting {setting!r}", f"valid settings: {', '.join(SETTINGS)}", where="--setting"
        )
    if setting not in proc.settings:
        raise BadInput(
            f"{proc.name} ({proc.code}) is not done in the setting {setting!r}",
            f"valid settings for {proc.code}: {', '.join(proc.settings)}",
            where="--setting",
        )
    return proc, setting


def search(words: str, knowledge: Knowledge | None = None) -> list[Procedure]:
    """Families whose plain-language words or name match what a person typed, best first.

    Whole words count, not letters inside words ("injection" does not find CT), and the synonyms of
    ``search_words.yaml`` widen a query ("nerve burning" finds ablation). A family the typed words
    name directly ranks above one found only through a synonym.
    """
    q = " ".join(_tokens(words))
    if not q:
        return list(families(knowledge).values())
    kb = knowledge if knowledge is not None else Knowledge.packaged()
    extra = [w for phrase, ws in kb.cached("search_words", _build_synonyms) if _has(q, phrase) for w in ws]
    scored = []
    for i, p in enumerate(families(kb).values()):
        own = [p.name.lower(), *p.words]
        score = 3 * sum(_has(t, q) for t in own) + sum(_has(q, w) for w in p.words)
        score += sum(_has(t, w) for w in extra for t in own)
        if not score and len(q) >= 3:  # a word still being typed ("epidu")
            score = int(any(tok.startswith(q) for t in own for tok in _tokens(t)))
        if score:
            scored.append((-score, i, p))
    return [p for _s, _i, p in sorted(scored, key=lambda x: (x[0], x[1]))]


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower())


def _has(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (a word may take a plural s)."""
    t = " ".join(_tokens(text))
    ph = " ".join(_tokens(phrase))
    return bool(ph) and re.search(rf"(?<![a-z0-9]){re.escape(ph)}s?(?![a-z0-9])", t) is not None


def _build_synonyms(kb: Knowledge) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from backcover.yamlio import load_yaml

    data = load_yaml(kb.file("search_words.yaml"))
    return tuple((str(k), tuple(str(w) for w in v)) for k, v in (data.get("synonyms") or {}).items())
