"""Documents and denials on the command line: ``doc add`` and ``denial add`` (thin over services)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from backcover.cli._app import as_of_option, date_option, emit_json, err_console, out_console
from backcover.cli._cases_common import (
    AsOfOpt,
    CaseOpt,
    Format,
    FormatOpt,
    case_command,
    denial_app,
    doc_app,
    open_cases_store,
    read_input,
    services,
)
from backcover.errors import BadInput

__all__: list[str] = []


@doc_app.command("add")
@case_command
def doc_add(
    file: Annotated[Path, typer.Argument(help="The PDF or image (an 835 for --type remittance).")],
    doc_type: Annotated[
        str,
        typer.Option(
            "--type",
            help="imaging_report, referral, visit_note, denial_letter, eob, remittance, lab_report, "
            "prior_auth, letter, other.",
        ),
    ],
    case: Annotated[int | None, typer.Option("--case")] = None,
    patient: Annotated[int | None, typer.Option("--patient")] = None,
    doc_date: Annotated[str | None, typer.Option("--date", help="The document's own date.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Who produced it (clinic, imaging center, payer).")
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Store a document, content-addressed by its sha256."""
    content = read_input(file, "FILE")
    with open_cases_store() as store:
        if case is not None:
            c = store.get_case(case)
            if patient is not None and patient != c.patient_id:
                raise BadInput(
                    f"case {case} belongs to patient {c.patient_id}", "leave out --patient", where="--patient"
                )
            patient = c.patient_id
        if patient is None:
            raise BadInput("say whose document this is", "give --case N or --patient N", where="--case")
        try:
            doc = store.add_document(
                patient,
                content,
                doc_type,
                doc_date=date_option(doc_date, "--date"),
                source=source,
                filename=file.name,
                case_id=case,
            )
        except BadInput as exc:
            raise exc.at(str(file)) from None
    if fmt == Format.json:
        emit_json({"id": doc.id, "sha256": doc.sha256, "media_type": doc.media_type, "size": doc.size})
    else:
        err_console.print(
            f"document {doc.id} stored ({doc.media_type}, {doc.size} bytes, sha256 {doc.sha256[:12]}…)",
            highlight=False,
        )


@denial_app.command("add")
@case_command
def denial_add(
    case: CaseOpt,
    denial_date: Annotated[str, typer.Option("--date", help="The date printed on the denial notice.")],
    codes: Annotated[str | None, typer.Option("--codes", help="e.g. 'CO-50, N115'.")] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="The denial reason, as written in the letter.")
    ] = None,
    x12: Annotated[Path | None, typer.Option("--x12", help="An X12 835 remittance file.")] = None,
    claim: Annotated[
        str | None, typer.Option("--claim", help="The claim id in the 835 when it holds several claims.")
    ] = None,
    letter: Annotated[
        Path | None, typer.Option("--letter", help="The denial letter (PDF or image) to keep with it.")
    ] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="When the notice arrived, if you know.")
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Record a denial with its codes, explain each code, and show the appeal deadline."""
    day = as_of_option(as_of)
    notice = date_option(denial_date, "--date")
    assert notice is not None
    request = services.denial_codes(
        codes=codes,
        text=text,
        x12=(read_input(x12, "--x12"), str(x12)) if x12 is not None else None,
        claim=claim,
        letter=(read_input(letter, "--letter"), str(letter)) if letter is not None else None,
    )
    with open_cases_store() as store:
        d, dl = services.add_denial(
            store,
            case,
            notice,
            request,
            as_of=day,
            reason_text=text,
            received_date=date_option(received, "--received"),
        )
        data: dict[str, Any] = {
            "denial_id": d.id,
            "case_id": case,
            "codes": [services.code_json(x) for x in d.codes],
            "deadlines": dl.to_json(),
        }
    if fmt == Format.json:
        emit_json(data)
        return
    err_console.print(f"denial {d.id} recorded on case {case}", highlight=False)
    for x in data["codes"]:
        flag = " (unknown code: kept, not explained)" if not x["known"] else ""
        note = " (suggested by the letter's words)" if x["source"] == "text" else ""
        out_console.print(f"{x['label']}{flag}{note}: {x['explanation']['summary']}", highlight=False)
        if x["explanation"]["fix"]:
            out_console.print(f"  what usually fixes it: {x['explanation']['fix']}", highlight=False)
    first = dl.levels[0]
    if first.file_by:
        out_console.print(
            f"[bold]{first.name}: file by {first.file_by.isoformat()}[/] ({first.rule})", highlight=False
        )
    from backcover.appeals import explain_carc

    out_console.print(f"official code lists: {explain_carc('1').url}", highlight=False)
