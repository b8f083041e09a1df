"""Knowledge files: code sets, the procedure catalog, policy packs, prices and rules (data, with sources)."""

from __future__ import annotations

from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).resolve().parent

__all__ = ["KNOWLEDGE_DIR"]
