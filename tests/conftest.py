"""Shared test fixtures: paths to the public fixtures in ../shared (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the repo; from a git worktree (wt/NAME) the nearest folder above that holds it.
SHARED = next(
    (p / "shared" for p in REPO.parents if (p / "shared" / "data").is_dir()), REPO.parent / "shared"
)
DATA = SHARED / "data"
EXAMPLES = SHARED / "examples"
SYNTHEA_FILES = sorted(DATA.glob("synthea-bulk10-*.ndjson"))
SYNTHEA_LBP = "ca15b832-01e4-41dd-6a52-97bd3e5510cb"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the public fixtures are missing: expected {SHARED} beside the repo")
    return SHARED
