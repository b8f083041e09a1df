"""Prior authorization, appeals and letters on the command line: ``pa set``, ``appeal add``,
``appeal p2p``, ``appeal external`` and ``appeal draft`` (thin over :mod:`backcover.services`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

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
            as_of=date.today(),
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
    requested: Annotated[
        str | None, typer.Option("--requested", help="When it was requested (leave out to update).")
    ] = None,
    scheduled: Annotated[str | None, typer.Option("--scheduled")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="The payer's reviewer.")] = None,
    credentials: Annotated[
        str | None, typer.Option("--credentials", help="e.g. 'MD, orthopedic surgery'.")
    ] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="e.g. approved, upheld.")] = None,
    decided: Annotated[str | None, typer.Option("--decided", help="When the outcome was given.")] = None,
) -> None:
    """Record a peer-to-peer request; without --requested, the reviewer and outcome of the latest."""
    with open_cases_store() as store:
        r = services.record_peer_to_peer(
            store,
            case,
            requested_on=date_option(requested, "--requested"),
            scheduled_for=date_option(scheduled, "--scheduled"),
            reviewer=reviewer,
            credentials=credentials,
            outcome=outcome,
            decided_on=date_option(decided, "--decided"),
        )
        nxt = services.next_deadline(store.get_case(case), date.today())
    err_console.print(f"peer-to-peer {r.id} recorded on case {case}", highlight=False)
    if nxt:
        err_console.print(f"next deadline: {nxt.due.isoformat()} {nxt.what}", highlight=False)


@appeal_app.command("external")
@case_command
def appeal_external(
    case: CaseOpt,
    requested: Annotated[
        str | None, typer.Option("--requested", help="When it was requested (leave out to update).")
    ] = None,
    organization: Annotated[
        str | None, typer.Option("--organization", help="The review organization.")
    ] = None,
    decision: Annotated[
        str | None, typer.Option("--decision", help="overturned, upheld or partial, once known.")
    ] = None,
    decided: Annotated[str | None, typer.Option("--decided")] = None,
) -> None:
    """Record an external review request; without --requested, the decision of the latest."""
    with open_cases_store() as store:
        r = services.record_external_review(
            store,
            case,
            requested_on=date_option(requested, "--requested"),
            organization=organization,
            decision=decision,
            decided_on=date_option(decided, "--decided"),
        )
    err_console.print(f"external review {r.id} recorded on case {case}", highlight=False)


def _saved_determination(path: Path) -> Any:
    try:
        return orjson.loads(read_input(path, "--determination", limit=None))
    except orjson.JSONDecodeError as exc:
        raise BadInput(
            f"not JSON ({exc.msg})", "give the output of `backcover check --format json`", str(path)
        ) from None


def _check_same_patient(data: Any, path: Path, name: str, birth: date | None, rec: Any) -> None:
    """Refuse a saved determination made for someone else (its patient, or evidence not in --record)."""
    who = data.get("patient") if isinstance(data, dict) else None
    if isinstance(who, dict):
        other_name = str(who.get("name") or "").strip().lower()
        other_birth = str(who.get("birth_date") or "")[:10]
        if (other_name and other_name != name.strip().lower()) or (
            other_birth and birth and other_birth != birth.isoformat()
        ):
            raise BadInput(
                "this determination is for another patient than the case's",
                "run `backcover check` on this patient's record and give that output",
                str(path),
                "--determination",
            )
    if rec is not None and isinstance(data, dict):
        cited = {e.get("resource") for c in data.get("criteria") or [] for e in c.get("evidence") or []}
        cited.discard(None)
        have = {i.source.resource for i in rec.items}
        if cited and not (cited & have):
            raise BadInput(
                "none of the evidence this determination cites is in the --record files",
                "give the determination made from this patient's record",
                str(path),
                "--determination",
            )


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
    patient: Annotated[
        str | None, typer.Option("--patient", help="Whose record, when the export holds several people.")
    ] = None,
    determination: Annotated[
        Path | None, typer.Option("--determination", help="`backcover check --format json` output.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the PDF.")] = None,
    html: Annotated[bool, typer.Option("--html", help="Write HTML instead of PDF.")] = False,
    final: Annotated[
        bool, typer.Option("--final", help="The final copy: no draft box, kept with the case.")
    ] = False,
    sender: Annotated[
        str,
        typer.Option("--from", help="Who signs: patient (default), provider, or representative."),
    ] = "patient",
    keep: Annotated[
        bool, typer.Option("--keep", help="Also keep the PDF with the case's documents.")
    ] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Write a letter for a case as a PDF, with its private "Before you send" sheet beside it.

    --final checks that the payer's details are there (member id, appeals address); if one is
    missing, the draft is written instead, marked draft, and the command says which is missing."""
    from backcover.documents import (
        DeterminationView,
        before_you_send,
        letter_kind,
        render_html,
        render_pdf,
    )

    day = as_of_option(as_of)
    if sender not in (Signer.PATIENT, Signer.PROVIDER, Signer.REPRESENTATIVE):
        raise BadInput(
            f"--from must be patient, provider or representative, not {sender!r}",
            "use --from provider",
            where="--from",
        )
    signer = Signer(sender)
    saved: DeterminationView | None = None
    data = _saved_determination(determination) if determination is not None else None
    rec = services.read_files(record, patient) if record else None
    with open_cases_store() as store:
        if data is not None:
            assert determination is not None
            c0 = store.get_case(case)
            _check_same_patient(data, determination, c0.patient.name, c0.patient.birth_date, rec)
            saved = DeterminationView.from_json(data)
        if signer is Signer.REPRESENTATIVE and not store.get_case(case).representative_name:
            raise BadInput(
                "the case has no representative",
                f"add one with `backcover case edit {case} --representative NAME`",
                where="--from",
            )
        c, doc = services.draft_letter(
            store, case, letter_kind(kind.value), day, record=rec, determination=saved, sender=signer
        )
    problem = services.final_problems(doc) if final else None
    is_final = final and problem is None
    data_out = (
        render_html(doc, show_warnings=not is_final).encode()
        if html
        else render_pdf(doc, show_warnings=not is_final)
    )
    target = out or Path(f"backcover-case-{case}-{kind.value}.{'html' if html else 'pdf'}")
    atomic_write_bytes(target, data_out)
    sheet = before_you_send(doc)
    sheet_path = target.with_name(f"{target.stem}-before-you-send{target.suffix}")
    atomic_write_bytes(
        sheet_path,
        render_html(sheet, show_warnings=False).encode() if html else render_pdf(sheet, show_warnings=False),
    )
    err_console.print(
        f"wrote {target} ({len(data_out)} bytes){'' if is_final else ' [draft]'}", highlight=False
    )
    err_console.print(f"before you send (private, do not mail): {sheet_path}", highlight=False)
    for m in sheet.fields:
        err_console.print(f"[yellow]missing:[/] {m.field}: printed on {m.where}", highlight=False)
    for what, get, who in sheet.to_obtain:
        err_console.print(f"[yellow]to obtain:[/] {what}: {get} (from {who})", highlight=False)
    if sheet.file_by:
        err_console.print(f"deadline: {sheet.file_by.isoformat()}", highlight=False)
    if problem is not None:
        raise problem
    if keep or is_final:
        if html:
            raise BadInput("keeping a letter stores PDFs only", "leave out --html", where="--keep")
        with open_cases_store() as store:
            kept = services.keep_letter(store, c, doc, data_out, day, target.name)
        err_console.print(f"kept as document {kept} on case {case}", highlight=False)
