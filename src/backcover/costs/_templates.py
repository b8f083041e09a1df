"""Built-in plan templates (knowledge/plans/*.yaml), to copy and edit."""

from __future__ import annotations

from backcover.errors import BadInput
from backcover.knowledge import KNOWLEDGE_DIR
from backcover.yamlio import suggest

__all__ = ["template_path", "template_text", "templates"]

_PLANS = KNOWLEDGE_DIR / "plans"
_NOT_TEMPLATES = frozenset({"program-amounts", "pathways"})


def templates() -> list[str]:
    """The names of the built-in plan templates."""
    return sorted(p.stem for p in _PLANS.glob("*.yaml") if p.stem not in _NOT_TEMPLATES)


def template_path(name: str) -> str:
    if name not in templates():
        raise BadInput(f"no plan template named {name!r}", suggest(name, templates()), where="--template")
    return str(_PLANS / f"{name}.yaml")


def template_text(name: str) -> str:
    """The YAML text of a built-in template (comments included)."""
    with open(template_path(name), encoding="utf-8") as fh:
        return fh.read()
