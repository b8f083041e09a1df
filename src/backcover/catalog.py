"""The procedure catalog: codes, plain names, region and settings of every procedure family."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from backcover.errors import BadInput
from backcover.knowledge import KNOWLEDGE_DIR
from backcover.record.model import Region
from backcover.yamlio import load_yaml

__all__ = ["SETTINGS", "Procedure", "families", "find", "resolve", "search"]

SETTINGS: tuple[str, ...] = ("office", "asc", "hospital-outpatient", "inpatient")


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


@cache
def families() -> dict[str, Procedure]:
    data = load_yaml(KNOWLEDGE_DIR / "procedures.yaml")
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
    return out


@cache
def _by_code() -> dict[str, Procedure]:
    index: dict[str, Procedure] = {}
    for proc in families().values():
        for code in proc.codes:
            index.setdefault(code.upper(), replace(proc, code=code))
    return index


def find(code: str) -> Procedure | None:
    return _by_code().get(code.strip().upper())


def resolve(code: str, setting: str | None = None) -> tuple[Procedure, str]:
    """The catalog entry for a code and the setting to use; bad input names the valid choices."""
    proc = find(code)
    if proc is None:
        valid = ", ".join(f"{p.code} ({p.name})" for p in families().values())
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


def search(words: str) -> list[Procedure]:
    """Families whose plain-language words or name match what a person typed."""
    q = words.lower().strip()
    if not q:
        return list(families().values())
    hits = [p for p in families().values() if q in p.name.lower() or any(q in w or w in q for w in p.words)]
    return hits
