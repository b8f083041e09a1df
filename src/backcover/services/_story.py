"""The rest of a case's story: edit it, close, reopen or delete it, delete a document, record
peer-to-peer reviews and external reviews, and export the deadlines as a calendar.

Each use case is one transaction, checked before the first write. Deletions need ``confirm=True``
(the CLI's ``--yes``, the web's confirmation form) and are audited with ids and the action only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from backcover.documents import ExternalRoute
from backcover.errors import BadInput
from backcover.services._deadlines import DueItem
from backcover.store import Case, ExternalReview, PeerToPeer, Store
from backcover.vocab import Setting, parse_choice, parse_state

__all__ = [
    "CASE_EDIT_FIELDS",
    "close_case",
    "deadlines_ics",
    "delete_case",
    "delete_document",
    "edit_case",
    "record_external_review",
    "record_peer_to_peer",
    "reopen_case",
]

# Which fields of a case an edit may change, and of which record (case, patient, plan, provider).
CASE_EDIT_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("case", "title"),
    "setting": ("case", "setting"),
    "state": ("case", "state"),
    "urgent": ("case", "urgent"),
    "claim_number": ("case", "claim_number"),
    "service_from": ("case", "service_from"),
    "service_to": ("case", "service_to"),
    "external_route": ("case", "external_route"),
    "representative_name": ("case", "representative_name"),
    "representative_address": ("case", "representative_address"),
    "patient_name": ("patient", "name"),
    "birth_date": ("patient", "birth_date"),
    "patient_address": ("patient", "address"),
    "patient_phone": ("patient", "phone"),
    "member_id": ("plan", "member_id"),
    "group_number": ("plan", "group_number"),
    "plan_name": ("plan", "name"),
    "payer_name": ("plan", "payer"),
    "appeals_address": ("plan", "appeals_address"),
    "provider_name": ("provider", "name"),
    "npi": ("provider", "npi"),
    "specialty": ("provider", "specialty"),
    "provider_address": ("provider", "address"),
    "provider_phone": ("provider", "phone"),
    "provider_fax": ("provider", "fax"),
}

ROUTES = (ExternalRoute.FEDERAL.value, ExternalRoute.STATE.value)


def _checked(name: str, value: Any) -> Any:
    """One edited value, checked: NPI is 10 digits, state a code or name, route federal or state."""
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        return None
    if name == "npi" and not (isinstance(value, str) and value.isdigit() and len(value) == 10):
        raise BadInput("an NPI has 10 digits", "copy it from the provider's letterhead or claim", where="npi")
    if name == "state":
        return parse_state(str(value), where="state")
    if name == "setting":
        return parse_choice(Setting, value, "setting").value
    if name == "external_route" and value not in ROUTES:
        raise BadInput(
            f"unknown external-review route {value!r}",
            "federal (self-funded employer plan) or state (fully insured); the SBC or plan document says",
            where="external_route",
        )
    return value


def edit_case(store: Store, case_id: int, changes: Mapping[str, Any]) -> Case:
    """Change a case and its patient, plan and provider details; empty text clears a field."""
    parts: dict[str, dict[str, Any]] = {"case": {}, "patient": {}, "plan": {}, "provider": {}}
    for name, value in changes.items():
        if name not in CASE_EDIT_FIELDS:
            raise BadInput(f"unknown field {name!r}", "leave it out", where=name)
        part, column = CASE_EDIT_FIELDS[name]
        parts[part][column] = _checked(name, value)
    if parts["patient"].get("name", "") is None:
        raise BadInput(
            "the patient needs a name", "give the name as on the insurance card", where="patient_name"
        )
    for part in ("plan", "provider"):
        if parts[part].get("name", "") is None:  # a name cannot be cleared, only changed
            del parts[part]["name"]
        if all(v is None for v in parts[part].values()):
            parts[part] = {}  # nothing to say: no empty plan or provider is added
    with store.transaction():
        case = store.get_case(case_id)
        if parts["plan"] and case.plan is None:
            parts["plan"].setdefault("name", parts["plan"].get("payer") or f"{case.payer} plan")
        if parts["provider"] and case.provider is None and not parts["provider"].get("name"):
            raise BadInput(
                "the clinician needs a name", "give the treating clinician's name", where="provider_name"
            )
        return store.update_case(
            case_id,
            case=parts["case"],
            patient=parts["patient"],
            plan=parts["plan"],
            provider=parts["provider"],
        )


def close_case(store: Store, case_id: int, on_date: date) -> None:
    store.set_case_status(case_id, "closed", on_date)


def reopen_case(store: Store, case_id: int) -> None:
    store.set_case_status(case_id, "open")


def _confirm(confirm: bool, what: str) -> None:
    if not confirm:
        raise BadInput(
            f"deleting {what} cannot be undone", "confirm that you want to delete it", where="confirm"
        )


def delete_case(store: Store, case_id: int, *, confirm: bool) -> None:
    """Delete a case with everything on it (its documents too)."""
    _confirm(confirm, f"case {case_id}")
    store.delete_case(case_id)


def delete_document(store: Store, case_id: int, document_id: int, *, confirm: bool) -> None:
    """Delete a document of a case."""
    _confirm(confirm, f"document {document_id}")
    with store.transaction():
        case = store.get_case(case_id)
        if document_id not in {d.id for d in case.documents}:
            raise BadInput(
                f"case {case_id} has no document {document_id}",
                "pick one of the case's documents",
                where="document",
            )
        store.delete_document(document_id)


def record_peer_to_peer(
    store: Store,
    case_id: int,
    *,
    requested_on: date | None = None,
    scheduled_for: date | None = None,
    reviewer: str | None = None,
    credentials: str | None = None,
    outcome: str | None = None,
    decided_on: date | None = None,
) -> PeerToPeer:
    """A new peer-to-peer request, or (no ``requested_on``) the reviewer and outcome of the latest."""
    with store.transaction():
        case = store.get_case(case_id)
        fields = {
            "scheduled_for": scheduled_for,
            "reviewer_name": reviewer,
            "reviewer_credentials": credentials,
            "outcome": outcome,
            "decided_on": decided_on,
        }
        if requested_on is None and case.peer_to_peers:
            return store.update_peer_to_peer(case.peer_to_peers[-1].id, **fields)
        if requested_on is None:
            raise BadInput(
                "no peer-to-peer was requested yet", "give the date it was requested", where="requested"
            )
        return store.add_peer_to_peer(case_id, requested_on, **fields)


def record_external_review(
    store: Store,
    case_id: int,
    *,
    requested_on: date | None = None,
    organization: str | None = None,
    decision: str | None = None,
    decided_on: date | None = None,
) -> ExternalReview:
    """A new external review request, or (no ``requested_on``) the decision of the latest."""
    if decision is not None and decision not in ("overturned", "upheld", "partial"):
        raise BadInput(
            f"unknown decision {decision!r}", "use overturned, upheld or partial", where="decision"
        )
    with store.transaction():
        case = store.get_case(case_id)
        if requested_on is None and case.external_reviews:
            return store.update_external_review(
                case.external_reviews[-1].id,
                organization=organization,
                decision=decision,
                decided_on=decided_on,
            )
        if requested_on is None:
            raise BadInput(
                "no external review was requested yet", "give the date it was requested", where="requested"
            )
        return store.add_external_review(
            case_id, requested_on, organization=organization, decision=decision, decided_on=decided_on
        )


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue on lines starting with a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, start = [], 0
    while start < len(raw):
        size = 75 if start == 0 else 74
        end = min(start + size, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # do not split a UTF-8 character
            end -= 1
        parts.append(raw[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def deadlines_ics(items: Iterable[DueItem], *, stamp: datetime, titles: Mapping[int, str]) -> str:
    """An iCalendar file: one all-day event per deadline, with a reminder a week before.

    ``titles`` names each case (``case_id -> title``); ``stamp`` is the file's creation time (UTC).
    No patient name goes in: a calendar is often synced to other devices.
    """
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//backcover//deadlines//EN", "CALSCALE:GREGORIAN"]
    when = stamp.strftime("%Y%m%dT%H%M%SZ")
    for i, item in enumerate(items):
        title = titles.get(item.case_id, f"case {item.case_id}")
        lines += [
            "BEGIN:VEVENT",
            f"UID:backcover-case{item.case_id}-{item.kind}-{item.due:%Y%m%d}-{i}@backcover.local",
            f"DTSTAMP:{when}",
            f"DTSTART;VALUE=DATE:{item.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.due + timedelta(days=1):%Y%m%d}",
            _fold(f"SUMMARY:{_ics_text(f'{item.what} (case {item.case_id}: {title})')}"),
            _fold(f"DESCRIPTION:{_ics_text(item.rule or 'backcover deadline')}"),
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            _fold(f"DESCRIPTION:{_ics_text(f'In a week: {item.what}')}"),
            "TRIGGER:-P7D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
