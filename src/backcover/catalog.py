"""The procedure catalog: codes, plain names, region and settings of every procedure family."""

from __future__ import annotations

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
    """Families whose plain-language words or name match what a person typed."""
    q = words.lower().strip()
    if not q:
        return list(families(knowledge).values())
    hits = [
        p
        for p in families(knowledge).values()
        if q in p.name.lower() or any(q in w or w in q for w in p.words)
    ]
    return hits
