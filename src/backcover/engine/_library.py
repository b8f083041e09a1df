"""The policy packs of a knowledge bundle, parsed once per bundle (and, packaged, kept on disk).

The YAML parser (``_packs``, and with it ruamel) is imported only when packs are actually parsed:
a process that finds them in the disk cache never loads it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from backcover.engine._pack_model import Pack
from backcover.knowledge import Knowledge

__all__ = ["load_pack_file", "packs"]

_ENGINE = Path(__file__).resolve().parent


def packs(knowledge: Knowledge | None = None) -> tuple[Pack, ...]:
    """Every policy pack of the bundle (the packaged one by default), in id (= file name) order.

    The bundle's pack files come first; its extra packs (``Knowledge.with_packs``) then add to
    them, one with the id of an earlier pack replacing it.
    """
    kb = knowledge if knowledge is not None else Knowledge.packaged()
    return kb.cached(f"packs-{_code_stamp()}", _build)


def load_pack_file(path: Path, knowledge: Knowledge | None = None) -> Pack:
    """Read and check one pack file (BadInput with the file, the line and a hint when it is wrong).

    Its ``insurer``, if any, must be one of the bundle's insurers (the packaged bundle by default).
    """
    from backcover.engine import _packs
    from backcover.engine._insurer_table import insurer_table

    return _packs.load_pack_file(path, insurer_table(knowledge).slugs)


def _build(kb: Knowledge) -> tuple[Pack, ...]:
    from backcover.engine import _packs

    return _packs.build_packs(kb)


@cache
def _code_stamp() -> str:
    """A digest of the engine's code, so that packs parsed by other code (other parameters) are not read."""
    h = hashlib.sha256()
    for path in sorted([*_ENGINE.glob("*.py"), *_ENGINE.glob("criteria/*.py")]):
        h.update(f"{path.name}|{path.stat().st_mtime_ns}\n".encode())
    return h.hexdigest()[:12]
