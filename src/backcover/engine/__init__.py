"""The coverage engine: pure evaluation of a record against the payer's policy packs.

``check(record, code, payer, setting=, state=, as_of=)`` returns a :class:`Determination` whose
``to_json()`` is the CONTRACTS.md section 1 document. Nothing here does I/O (beyond reading the
packaged knowledge files once) or reads the clock.
"""

from backcover.engine._check import check, normalise_payer, normalise_state
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
from backcover.engine._packs import PAYERS, Pack, packs

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
    "Pack",
    "PolicyRef",
    "PriorAuth",
    "Source",
    "Status",
    "check",
    "normalise_payer",
    "normalise_state",
    "packs",
]
