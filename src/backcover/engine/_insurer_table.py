"""The insurer table of a knowledge bundle, parsed once per bundle (YAML read by ``_insurer_read``)."""

from __future__ import annotations

from backcover.engine._insurer_model import AREAS, INSURER_PAYERS, Insurer, InsurerTable
from backcover.knowledge import Knowledge

__all__ = ["AREAS", "INSURER_PAYERS", "Insurer", "InsurerTable", "insurer_table"]


def insurer_table(knowledge: Knowledge | None = None) -> InsurerTable:
    """The insurers of the bundle (the packaged one by default), parsed once per bundle."""
    kb = knowledge if knowledge is not None else Knowledge.packaged()
    return kb.cached("insurers", _build)


def _build(kb: Knowledge) -> InsurerTable:
    from backcover.engine import _insurer_read  # the YAML library loads only when parsing

    return _insurer_read.read_table(kb.file("insurers.yaml"))
