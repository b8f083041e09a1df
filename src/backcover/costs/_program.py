"""Program amounts (Medicare, HSA, the ACA limit, the No Surprises Act and Good Faith Estimate
rules), read from ``plans/program-amounts.yaml`` of a :class:`~backcover.knowledge.Knowledge`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backcover.costs._model import MedicareAmounts
from backcover.costs._yaml import plain
from backcover.knowledge import Knowledge
from backcover.yamlio import load_yaml

__all__ = ["medicare_amounts", "never_waivable", "program_amounts"]


def _build_program_amounts(kb: Knowledge) -> dict[str, Any]:
    data: dict[str, Any] = plain(load_yaml(kb.file("plans/program-amounts.yaml")))
    return data


def program_amounts(knowledge: Knowledge | None = None) -> dict[str, Any]:
    """The program amounts file as plain data (parsed once per knowledge bundle)."""
    kb = knowledge or Knowledge.packaged()
    return kb.cached("costs-program-amounts", _build_program_amounts)


def medicare_amounts(year: int, knowledge: Knowledge | None = None) -> MedicareAmounts | None:
    m = program_amounts(knowledge)["medicare"].get(year)
    if m is None:
        return None
    return MedicareAmounts(
        year=year,
        part_b_deductible=Decimal(m["part_b_deductible"]),
        part_a_deductible=Decimal(m["part_a_deductible"]),
        part_b_coinsurance=Decimal(m["part_b_coinsurance"]),
        limiting_charge_factor=Decimal(m["limiting_charge_factor"]),
        part_b_premium_monthly=Decimal(m["part_b_premium_monthly"]),
        source=str(m["source"]),
    )


def never_waivable(knowledge: Knowledge | None = None) -> frozenset[str]:
    """Line roles whose No Surprises Act protection no consent form can waive (45 CFR 149.420(b))."""
    roles = program_amounts(knowledge)["no_surprises_act"]["never_waivable_roles"]
    return frozenset(str(r) for r in roles)
