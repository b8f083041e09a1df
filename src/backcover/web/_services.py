"""The web's side of the shared use cases (:mod:`backcover.services`): the workspace's record
(cached by file state), and the contract JSON of checks, estimates and deadlines.

Pages and the JSON API both call these, so they always agree; uploads are read by the same loader
as the CLI's ``--record``. Nothing here reads the clock: the caller passes ``as_of``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from backcover import services
from backcover.costs import Plan, parse_plan, template_text, templates
from backcover.errors import BadInput
from backcover.record.load import source_from_bytes
from backcover.record.merge import Source, merge
from backcover.record.model import Record
from backcover.vocab import PlanKind
from backcover.web._workspace import Workspace

__all__ = [
    "cached_workspace_record",
    "check",
    "deadlines",
    "estimate",
    "parse_prices",
    "plan_from",
    "record_from_texts",
    "template_names",
    "validate_files",
    "workspace_record",
]

_cache_lock = threading.Lock()
_source_cache: dict[tuple[str, int, int], Source] = {}
_record_cache: dict[tuple[Any, ...], Record] = {}


def validate_files(files: Sequence[tuple[str, bytes]]) -> None:
    """Refuse any file ``--record`` could not read (nothing is kept when one is bad)."""
    services.upload_sources(files)


def record_from_texts(files: Sequence[tuple[str, str]], patient: str | None) -> Record:
    """Read uploaded file contents as the CLI reads ``--record`` files, and merge them."""
    return services.read_uploads([(n, c.encode("utf-8", errors="replace")) for n, c in files], patient)


def _source(path: Path) -> Source:
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    with _cache_lock:
        hit = _source_cache.get(key)
    if hit is not None:
        return hit
    src = source_from_bytes(path.read_bytes(), path.name)
    with _cache_lock:
        for k in [k for k in _source_cache if k[0] == key[0]]:
            del _source_cache[k]
        _source_cache[key] = src
    return src


def _record_key(ws: Workspace, patient: str | None) -> tuple[Any, ...]:
    paths = ws.record_paths()
    return (tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths), patient or ws.patient_id)


def cached_workspace_record(ws: Workspace, patient: str | None = None) -> Record | None:
    """The workspace record when it has already been read and no file changed since, else None."""
    with _cache_lock:
        return _record_cache.get(_record_key(ws, patient))


def workspace_record(ws: Workspace, patient: str | None = None) -> Record:
    """The record of the chosen person from the files imported into the app (cached by file state)."""
    paths = ws.record_paths()
    if not paths:
        raise BadInput(
            "no records have been imported yet",
            "import your health records or start a treatment log on the Start page "
            "(a program calling the API sends them as records)",
        )
    who = patient or ws.patient_id
    if who is None and len(ws.patients()) > 1:
        raise BadInput(
            f"the imported records describe {len(ws.patients())} people and none is chosen",
            "choose the person on the Start page (a program calling the API sends their id as patient)",
            where="patient",
        )
    key = _record_key(ws, patient)
    with _cache_lock:
        hit = _record_cache.get(key)
    if hit is not None:
        return hit
    rec = merge([_source(p) for p in paths], who)
    with _cache_lock:
        if len(_record_cache) > 16:
            _record_cache.clear()
        _record_cache[key] = rec
    return rec


def check(
    record: Record,
    procedure: str,
    payer: str,
    *,
    setting: str | None,
    state: str | None,
    as_of: date,
    insurer: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = services.check(
        record, procedure, payer, setting=setting, state=state, as_of=as_of, insurer=insurer
    ).to_json()
    return out


def template_names() -> list[str]:
    return list(templates())


def plan_from(ws: Workspace, *, text: str | None, template: str | None, saved: str | None) -> Plan:
    given = [x for x in (text, template, saved) if x is not None]
    if len(given) != 1:
        raise BadInput(
            "give exactly one plan" if given else "no plan given",
            "send one of `plan` (the plan's YAML text), `plan_template` or `plan_name`",
            where="plan",
        )
    if text is not None:
        return parse_plan(text, "plan")
    if template is not None:
        return parse_plan(template_text(template), f"template {template}")
    assert saved is not None
    return parse_plan(ws.plan_text(saved), f"{saved}.yaml")


parse_prices = services.parse_prices


def estimate(
    plan: Plan,
    *,
    procedure: str | None,
    setting: str | None,
    lines: str | None,
    prices: Mapping[str, Decimal] | None = None,
) -> dict[str, Any]:
    """The estimate JSON; ``prices`` fill in (or replace) the allowed amount of lines by id."""
    est = services.estimate(plan, procedure=procedure, setting=setting, lines=lines, prices=prices)
    out: dict[str, Any] = est.to_json()
    return out


def deadlines(
    plan_kind: PlanKind | str, notice_date: date, *, received_date: date | None, urgent: bool, service: str
) -> dict[str, Any]:
    out: dict[str, Any] = services.notice_deadlines(
        plan_kind, notice_date, received_date=received_date, urgent=urgent, service=service
    ).to_json()
    return out
