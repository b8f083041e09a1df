"""docs/criteria.md and docs/packs/*.md are generated from the registry and the packs; they must match."""

from __future__ import annotations

from backcover.engine import packs
from backcover.engine.criteria import REGISTRY
from backcover.engine.reference import reference_pages
from tests.conftest import REPO

_REGENERATE = "regenerate: .venv/bin/python -m backcover.engine.reference docs"


def test_generated_reference_pages_are_current() -> None:
    pages = reference_pages()
    for rel, text in pages.items():
        path = REPO / "docs" / rel
        assert path.is_file(), f"{rel} is missing; {_REGENERATE}"
        assert path.read_text(encoding="utf-8") == text, f"{rel} is stale; {_REGENERATE}"
    committed = {f"packs/{p.name}" for p in (REPO / "docs" / "packs").glob("*.md")}
    assert committed == {rel for rel in pages if rel.startswith("packs/")}, _REGENERATE


def test_criteria_page_lists_every_test_type_and_parameter() -> None:
    text = reference_pages()["criteria.md"]
    for name, t in REGISTRY.items():
        assert f"## `{name}`" in text
        for pname, _, _, _ in t.param_docs():
            assert f"| `{pname}` |" in text


def test_a_pack_page_shows_thresholds_and_citations_in_plain_words() -> None:
    page = reference_pages()["packs/commercial-lumbar-fusion.md"]
    fusion = next(p for p in packs() if p.id == "commercial-lumbar-fusion")
    assert page.startswith(f"# {fusion.title}\n")
    assert "max cotinine: 10" in page and "weeks: 6" in page  # the nicotine rule, from the pack
    assert fusion.url in page and "effective" in page
