"""The coverage engine: pure evaluation of a record against the payer's policy packs.

``check(record, code, payer, setting=, state=, as_of=, knowledge=, insurer=)`` returns a
:class:`Determination` whose ``to_json()`` is the CONTRACTS.md section 1 document. The packs,
the procedure catalog and the MAC table come from a :class:`backcover.knowledge.Knowledge` bundle
(the packaged one by default); nothing here does I/O beyond reading those files once, or reads the
clock. The criterion test types live in one registry, ``backcover.engine.criteria.REGISTRY``.
"""

from backcover.engine._check import check, normalise_payer, normalise_state, stored_version_notes
from backcover.engine._insurer_table import Insurer, InsurerTable, insurer_table
from backcover.engine._insurers import insurer_json, resolve_insurer
from backcover.engine._library import load_pack_file, packs
from backcover.engine._medicaid import MedicaidTable, StateProgram, medicaid_state, medicaid_table
from backcover.engine._model import (
    DECISIONS,
    KINDS,
    PA_VALUES,
    STATUSES,
    CriterionResult,
    Decision,
    Determination,
    Evidence,
    PolicyRef,
    PriorAuth,
    Source,
    Status,
)
from backcover.engine._pack_model import PAYERS, Group, Leaf, Node, Pack

__all__ = [
    "DECISIONS",
    "KINDS",
    "PAYERS",
    "PA_VALUES",
    "STATUSES",
    "CriterionResult",
    "Decision",
    "Determination",
    "Evidence",
    "Group",
    "Insurer",
    "InsurerTable",
    "Leaf",
    "MedicaidTable",
    "Node",
    "Pack",
    "PolicyRef",
    "PriorAuth",
    "Source",
    "StateProgram",
    "Status",
    "check",
    "insurer_json",
    "insurer_table",
    "load_pack_file",
    "medicaid_state",
    "medicaid_table",
    "normalise_payer",
    "normalise_state",
    "packs",
    "resolve_insurer",
    "stored_version_notes",
]
