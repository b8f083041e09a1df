"""Built-in plan templates (``plans/*.yaml`` of the knowledge), to copy and edit."""

from __future__ import annotations

from backcover.errors import BadInput
from backcover.knowledge import Knowledge
from backcover.yamlio import suggest

__all__ = ["template_path", "template_text", "templates"]

# Files of plans/ that are knowledge about plans, not templates of one.
_NOT_TEMPLATES = frozenset({"program-amounts", "pathways"})


def templates(*, knowledge: Knowledge | None = None) -> list[str]:
    """The names of the built-in plan templates."""
    kb = knowledge or Knowledge.packaged()
    return sorted(p.stem for p in kb.files("plans") if p.stem not in _NOT_TEMPLATES)


def template_path(name: str, *, knowledge: Knowledge | None = None) -> str:
    kb = knowledge or Knowledge.packaged()
    names = templates(knowledge=kb)
    if name not in names:
        raise BadInput(f"no plan template named {name!r}", suggest(name, names), where="--template")
    return str(kb.file(f"plans/{name}.yaml"))


def template_text(name: str, *, knowledge: Knowledge | None = None) -> str:
    """The YAML text of a built-in template (comments included)."""
    with open(template_path(name, knowledge=knowledge), encoding="utf-8") as fh:
        return fh.read()
