"""Prior authorization, appeals and letters on the command line: ``pa set``, ``appeal add``,
``appeal p2p``, ``appeal external`` and ``appeal draft`` (thin over :mod:`backcover.services`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer

from backcover.cli._app import as_of_option, date_option, err_console
from backcover.cli._cases_common import (
    AsOfOpt,
    CaseOpt,
    appeal_app,
    case_command,
    open_cases_store,
    pa_app,
    read_input,
    services,
)
from backcover.errors import BadInput
from backcover.vocab import Signer
from backcover.yamlio import atomic_write_bytes

__all__: list[str] = []


class LetterName(StrEnum):
    appeal = "appeal"
    packet = "packet"
    p2p = "p2p"
    external = "external"
    gfe = "gfe"


@pa_app.command("set")
@case_command
def pa_set(
    case: CaseOpt,
    status: Annotated[
        str, typer.Option("--status", help="draft, submitted, pended, approved, denied, withdrawn.")
    ],
    on: Annotated[str | None, typer.Option("--date", help="When it happened (default today).")] = None,
    pa: Annotated[
        int | None, typer.Option("--pa", help="Which request (default: the case's latest; new if none).")
    ] = None,
    auth_number: Annotated[str | None, typer.Option("--auth-number")] = None,
    expires: Annotated[str | None, typer.Option("--expires")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Add a step to a prior-authorization request's timeline (creating the request if needed)."""
    day = date_option(on, "--date") or date.today()
    with open_cases_store() as store:
        r = services.set_prior_auth(
            store,
            case,
            status,
            on_date=day,
            pa_id=pa,
            auth_number=auth_number,
            expires_on=date_option(expires, "--expires"),
            note=note,
        )
    err_console.print(f"prior authorization {r.id} on case {case}: {status}", highlight=False)


@appeal_app.command("add")
@case_command
def appeal_add(
    case: CaseOpt,
    level: Annotated[
        str,
        typer.Option("--level", help="e.g. internal_appeal, redetermination (see `backcover deadlines`)."),
    ],
    filed: Annotated[str | None, typer.Option("--filed")] = None,
    denial: Annotated[int | None, typer.Option("--denial")] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="pending, overturned, upheld, partial, withdrawn.")
    ] = None,
    outcome_date: Annotated[str | None, typer.Option("--outcome-date")] = None,
) -> None:
    """Record an appeal when filed; record its outcome later (the same level's open appeal is updated)."""
    filed_on = date_option(filed, "--filed")
    decided = date_option(outcome_date, "--outcome-date")
    with open_cases_store() as store:
        a = services.record_appeal(
            store, case, level, denial_id=denial, filed_on=filed_on, outcome=outcome, outcome_date=decided
        )
    err_console.print(f"appeal {a.id} recorded on case {case}", highlight=False)


@appeal_app.command("p2p")
@case_command
def appeal_p2p(
    case: CaseOpt,
    requested: Annotated[str, typer.Option("--requested", help="When the peer-to-peer was requested.")],
    scheduled: Annotated[str | None, typer.Option("--scheduled")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="The payer's reviewer.")] = None,
    credentials: Annotated[
        str | None, typer.Option("--credentials", help="e.g. 'MD, orthopedic surgery'.")
    ] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="e.g. approved, upheld.")] = None,
) -> None:
    """Record a peer-to-peer review request (and, later, who the reviewer was and the outcome)."""
    with open_cases_store() as store:
        r = store.add_peer_to_peer(
            case,
            date_option(requested, "--requested") or date.today(),
            scheduled_for=date_option(scheduled, "--scheduled"),
            reviewer_name=reviewer,
            reviewer_credentials=credentials,
            outcome=outcome,
        )
    err_console.print(f"peer-to-peer {r.id} recorded on case {case}", highlight=False)


@appeal_app.command("external")
@case_command
def appeal_external(
    case: CaseOpt,
    requested: Annotated[str, typer.Option("--requested", help="When external review was requested.")],
    organization: Annotated[
        str | None, typer.Option("--organization", help="The review organization.")
    ] = None,
    decision: Annotated[
        str | None, typer.Option("--decision", help="overturned or upheld, once known.")
    ] = None,
    decided: Annotated[str | None, typer.Option("--decided")] = None,
) -> None:
    """Record an external review request (and its decision once known)."""
    with open_cases_store() as store:
        r = store.add_external_review(
            case,
            date_option(requested, "--requested") or date.today(),
            organization=organization,
            decision=decision,
            decided_on=date_option(decided, "--decided"),
        )
    err_console.print(f"external review {r.id} recorded on case {case}", highlight=False)


@appeal_app.command("draft")
@case_command
def appeal_draft(
    case: CaseOpt,
    kind: Annotated[
        LetterName, typer.Option("--kind", help="appeal, packet (prior auth), p2p, external, gfe.")
    ] = LetterName.appeal,
    record: Annotated[
        list[Path] | None,
        typer.Option("--record", help="FHIR or treatment-log files for the coverage check."),
    ] = None,
    determination: Annotated[
        Path | None, typer.Option("--determination", help="`backcover check --format json` output.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the PDF.")] = None,
    html: Annotated[bool, typer.Option("--html", help="Write HTML instead of PDF.")] = False,
    final: Annotated[bool, typer.Option("--final", help="Leave out the review box.")] = False,
    sender: Annotated[
        str, typer.Option("--from", help="Who signs: patient (default) or provider (clinic staff).")
    ] = "patient",
    keep: Annotated[
        bool, typer.Option("--keep", help="Also keep the PDF with the case's documents.")
    ] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Write the appeal letter (or another letter) for a case as a PDF, from the store's details."""
    from backcover.documents import DeterminationView, letter_kind, render_html, render_pdf

    day = as_of_option(as_of)
    if sender not in (Signer.PATIENT, Signer.PROVIDER):
        raise BadInput(
            f"--from must be patient or provider, not {sender!r}", "use --from provider", where="--from"
        )
    signer = Signer(sender)
    saved: DeterminationView | None = None
    if determination is not None:
        try:
            saved = DeterminationView.from_json(
                orjson.loads(read_input(determination, "--determination", limit=None))
            )
        except orjson.JSONDecodeError as exc:
            raise BadInput(
                f"not JSON ({exc.msg})",
                "give the output of `backcover check --format json`",
                str(determination),
            ) from None
    rec = services.read_files(record) if record else None
    with open_cases_store() as store:
        c, doc = services.draft_letter(
            store, case, letter_kind(kind.value), day, record=rec, determination=saved, sender=signer
        )
    data = (
        render_html(doc, show_warnings=not final).encode()
        if html
        else render_pdf(doc, show_warnings=not final)
    )
    target = out or Path(f"backcover-case-{case}-{kind.value}.{'html' if html else 'pdf'}")
    atomic_write_bytes(target, data)
    for w in doc.warnings():
        err_console.print(f"[yellow]check:[/] {w}", highlight=False)
    err_console.print(f"wrote {target} ({len(data)} bytes)", highlight=False)
    if keep:
        if html:
            raise BadInput("--keep stores PDFs only", "leave out --html", where="--keep")
        doc_type = {"appeal": "appeal_letter", "packet": "prior_auth"}.get(kind.value, "letter")
        with open_cases_store() as store:
            kept = store.add_document(
                c.patient_id,
                data,
                doc_type,
                doc_date=day,
                source="backcover",
                filename=target.name,
                case_id=case,
            )
        err_console.print(f"kept as document {kept.id} on case {case}", highlight=False)
