"""What the knowledge files say to users names public sources, never backcover's working files."""

from __future__ import annotations

from backcover.knowledge import KNOWLEDGE_DIR

_PRIVATE = ("/work/", "shared/research", "notes/", "coverage-policies.md")


def test_no_user_facing_text_points_at_a_working_file() -> None:
    found = []
    for path in sorted(KNOWLEDGE_DIR.rglob("*.yaml")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue  # comments are for maintainers
            found += [f"{path.name}:{n}: {p}" for p in _PRIVATE if p in line]
    assert not found, found
