"""Checking coverage: the one place the CLI's cases, the web app and the letters call the engine."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from backcover.engine import Determination, stored_version_notes
from backcover.engine import check as engine_check
from backcover.knowledge import Knowledge
from backcover.record.model import Record
from backcover.store import Case
from backcover.vocab import Payer, Setting, parse_payer, parse_state

__all__ = ["check", "check_case", "payer_for_case"]


def payer_for_case(case: Case) -> Payer:
    """Whose policies apply to a case: its payer field may hold a plan kind (``medicaid-ffs``)."""
    return parse_payer(case.payer, where="payer")


def check(
    record: Record,
    procedure: str,
    payer: Payer | str,
    *,
    setting: Setting | str | None = None,
    state: str | None = None,
    as_of: date,
    knowledge: Knowledge | None = None,
    insurer: str | None = None,
) -> Determination:
    """The coverage determination for ``procedure`` under ``payer`` (a payer or a plan kind).

    ``insurer``: a named insurer's slug (``backcover policies insurers``), or None for the generic
    guidelines.
    """
    who = payer if isinstance(payer, Payer) else parse_payer(payer, where="payer")
    code = parse_state(state, where="state") if state else None
    return _engine(
        record,
        procedure,
        who,
        setting=setting,
        state=code,
        as_of=as_of,
        knowledge=knowledge,
        insurer=insurer or None,
    )


def check_case(
    case: Case,
    record: Record,
    as_of: date,
    *,
    knowledge: Knowledge | None = None,
    stored: Mapping[str, Any] | None = None,
) -> Determination:
    """The determination for a stored case: its procedure, its plan kind's payer, setting and state.

    ``stored``: the case's earlier determination (CONTRACTS §1 JSON); when a policy it used has a
    new version since, the answer's notes say so.
    """
    current = check(
        record,
        case.procedure_code,
        payer_for_case(case),
        setting=case.setting,
        state=case.state,
        as_of=as_of,
        knowledge=knowledge,
    )
    return stored_version_notes(stored, current) if stored is not None else current


def _engine(
    record: Record,
    procedure: str,
    payer: Payer,
    *,
    setting: Setting | str | None,
    state: str | None,
    as_of: date,
    knowledge: Knowledge | None,
    insurer: str | None = None,
) -> Determination:
    # The single call into the engine.
    where = None if setting is None else str(setting)
    return engine_check(
        record,
        procedure,
        payer.value,
        setting=where,
        state=state,
        as_of=as_of,
        knowledge=knowledge,
        insurer=insurer,
    )
