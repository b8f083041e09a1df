"""Medicaid by state: each state's adult coverage of chiropractic, acupuncture and physical therapy,
and which back-care services its program sends to prior authorization (``knowledge/medicaid_states.yaml``).

Every fact carries its source (the program's own page: provider manual, bulletin, regulation or member
handbook) and a confidence: ``confirmed`` (read on the program's own page or in the state's own rule),
``secondary`` (a survey or a managed-care plan's copy of the state's rule) or ``unconfirmed`` (not
found; then the value is ``unconfirmed`` too and a note says what was looked for). A state is *fully
sourced* when every one of its facts is ``confirmed``.

Parsing is an edge (through ``backcover.yamlio``, with line numbers); the objects and
:func:`medicaid_state` are pure.
"""

from __future__ import annotations

from backcover.engine._medicaid_model import (
    BENEFITS,
    CONFIDENCE,
    COVERAGE,
    MEDICAID_STATES,
    PA_SERVICES,
    BenefitFact,
    FactSource,
    MedicaidTable,
    PaFact,
    StateProgram,
    VisitLimit,
)
from backcover.engine._medicaid_parse import build_table, parse_table
from backcover.knowledge import Knowledge

__all__ = [
    "BENEFITS",
    "CONFIDENCE",
    "COVERAGE",
    "MEDICAID_STATES",
    "PA_SERVICES",
    "BenefitFact",
    "FactSource",
    "MedicaidTable",
    "PaFact",
    "StateProgram",
    "VisitLimit",
    "medicaid_state",
    "medicaid_table",
    "parse_table",
]


def medicaid_table(knowledge: Knowledge | None = None) -> MedicaidTable:
    """The whole table, parsed once per knowledge bundle."""
    kb = knowledge if knowledge is not None else Knowledge.packaged()
    return kb.cached("medicaid_states", build_table)


def medicaid_state(state: str | None, knowledge: Knowledge | None = None) -> StateProgram | None:
    """The adult Medicaid program of a state (USPS code), or None (no state, or a territory)."""
    if not state:
        return None
    return medicaid_table(knowledge).states.get(state.strip().upper())
